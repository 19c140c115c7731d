/* wire: the internal ZeroMQ message format between edge, broker and actor workers.
 *
 * Sockets (endpoints in config.h):
 *   broker front  ROUTER  <- callers (edges, and workers calling other domains) connect DEALER
 *   broker back   ROUTER  <- workers connect DEALER
 *   events in     XSUB    <- workers connect PUB
 *   events out    XPUB    <- edges connect SUB
 *
 * Frames (the ROUTER identity frames ZeroMQ adds are not shown). Requests and replies travel
 * in batches: a message holds one or more records and ends with an empty frame.
 *   caller -> broker   [hdr REQ][domain][body] ... []
 *   broker -> worker   [hdr REQ][caller id][body] ... []
 *   worker -> broker   [hdr REP][caller id][body] ... []
 *   broker -> caller   [hdr REP][body] ... []; body is empty when hdr.status != 0
 * Control messages are single and unterminated: worker -> broker [hdr READY][info] and
 * [hdr HB]; broker -> worker [hdr HB], or [hdr READY] meaning "announce yourself" (it does not
 * know the worker that sent a heartbeat).
 *
 * Why batches: each ZeroMQ message that finds the peer's I/O thread asleep wakes it, and on a
 * busy two-core machine those wake-ups, not the bytes, were the cost of the path. Every
 * process adds the records of one pass of its loop to one message per destination and ends
 * it before it waits, so a pass costs one wake-up per destination instead of one per request.
 *
 * A request body from an edge is the client's frame exactly as received (the worker decodes
 * it again; the edge forwards bytes, it does not re-encode). A reply body is the exact frame
 * to send to the client. Calls between domains use the same envelope with rid 0.
 *
 * Events: [topic][body]; body is a whole push frame {"ev","data"} forwarded to clients as is.
 * Topics are fixed width so a prefix subscription never matches another user. */
#ifndef CLUB_WIRE_H
#define CLUB_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <czmq.h>

enum { CLUB_K_REQ = 1, CLUB_K_REP = 2, CLUB_K_READY = 3, CLUB_K_HB = 4 };

/* hdr.flags on a REP to an edge. */
enum {
    CLUB_F_AUTH_SET = 1,   /* this connection is now user hdr.user, rank hdr.rank, session hdr.sid,
                              until hdr.exp; the edge sends user/rank/sid on later requests */
    CLUB_F_AUTH_CLEAR = 2, /* this connection is no longer authenticated */
    CLUB_F_INTERNAL = 4,   /* on REQ: sent by a worker, not an edge; internal ops need it */
    CLUB_F_ANY_SHARD = 8,  /* on REQ: any worker of the domain will do (an op of shard none) */
};

/* Ranks as carried in hdr.rank. */
enum { CLUB_RANK_NONE = 0, CLUB_RANK_STANDARD = 1, CLUB_RANK_PREMIUM = 2, CLUB_RANK_VIP = 3 };
const char *club_rank_name(int rank);
int club_rank_from_name(const char *s); /* CLUB_RANK_NONE when unknown */

typedef struct {
    uint8_t kind;   /* CLUB_K_* */
    uint8_t status; /* on REP: 0, or a club_err_t the broker answered with (body empty) */
    uint8_t rank;   /* caller's rank on REQ; new rank on REP with CLUB_F_AUTH_SET */
    uint8_t flags;  /* CLUB_F_* */
    uint32_t rid;   /* the client's rid, echoed (0 for internal calls) */
    uint64_t corr;  /* the caller's correlation id, echoed */
    uint64_t user;  /* authenticated user on REQ (0 = none); the new user on AUTH_SET */
    int64_t exp;    /* on AUTH_SET: access token expiry, unix seconds */
    uint64_t sid;   /* login session (refresh family) of the connection; set by AUTH_SET */
    uint64_t key;   /* on REQ: the shard key the broker routes by (club_op_shard_key) */
} club_hdr_t;

#define CLUB_HDR_SIZE 48

/* Fixed little-endian layout, independent of the host's struct packing. */
void club_hdr_encode(const club_hdr_t *h, uint8_t out[CLUB_HDR_SIZE]);
/* Returns 0, or -1 when the frame is not a header. */
int club_hdr_decode(const uint8_t *in, size_t len, club_hdr_t *h);
/* Convenience: a zframe holding the encoded header. */
zframe_t *club_hdr_frame(const club_hdr_t *h);

/* The frames of one multipart message, received or being built. */
typedef struct {
    zmq_msg_t *v;
    size_t n, cap;
} club_frames_t;

void club_frames_init(club_frames_t *f);
/* Closes every frame; the array is kept for reuse. */
void club_frames_clear(club_frames_t *f);
void club_frames_free(club_frames_t *f);
/* Appends a frame holding a copy of data. */
void club_frames_add(club_frames_t *f, const void *data, size_t len);
/* Appends a frame that shares src's content (src stays valid). */
void club_frames_add_msg(club_frames_t *f, zmq_msg_t *src);
/* Clears f, then receives one whole message without waiting. Returns 0, or -1 when none is
 * ready. */
int club_frames_recv(club_frames_t *f, void *sock);
/* Sends prefix (when not NULL: a ROUTER destination) and f's frames as one message, then
 * clears f. Returns 0, or -1 when the first frame is refused (the frames are kept then). */
int club_frames_send(club_frames_t *f, void *sock, const void *prefix, size_t prefix_len);

/* Records streamed onto a DEALER socket as one open multipart message, ended by
 * club_batch_end() (the empty frame) once per loop pass. */
typedef struct {
    void *sock;
    size_t records; /* in the open message; 0 = none open */
} club_batch_t;

/* Adds one record of n parts. Only a record that would start a message can be refused
 * (ZMQ_IMMEDIATE with no peer, or the high-water mark): returns -1 then, else 0. */
int club_batch_add(club_batch_t *b, int n, const void *const *parts, const size_t *lens);
/* Ends the open message, if any. */
void club_batch_end(club_batch_t *b);

/* Event topics. Per-user pushes: "u." + 16 hex digits. Everyone: "all". */
#define CLUB_TOPIC_LEN 18
void club_topic_user(uint64_t user, char out[CLUB_TOPIC_LEN + 1]);
#define CLUB_TOPIC_ALL "all"

/* Blocks until one of the ZeroMQ sockets (or fd, when >= 0) may be readable, or timeout_ms.
 *
 * zmq_poll is not used in the hot loops: it asks each socket for ZMQ_EVENTS before and after
 * it waits, and every ask that finds no pending command costs libzmq two system calls (getpid
 * for its fork check, and a zero-timeout poll). Loops instead receive with ZMQ_DONTWAIT (or a
 * zero ZMQ_RCVTIMEO) until EAGAIN, which pays that once per pass rather than once per message,
 * and then wait here: one ZMQ_EVENTS check per socket (a send since the last receive may have
 * taken the wake-up) and one poll() on the sockets' ZMQ_FDs.
 * Returns > 0 when something may be ready (*fd_ready says whether fd is), 0 on timeout,
 * -1 on EINTR or error. */
int club_zwait(void *const *socks, int nsocks, int fd, int timeout_ms, bool *fd_ready);

/* Sharded domains: shard = key % shards, the key being the op's (club_op_shard_key: the
 * user for per-user ops, a hash of an argument for ops sharded by one). */
static inline uint32_t club_shard_of(uint64_t key, uint32_t shards)
{
    return shards ? (uint32_t)(key % shards) : 0;
}

#endif
