/* wire: the internal ZeroMQ message format between edge, broker and actor workers.
 *
 * Sockets (endpoints in config.h):
 *   broker front  ROUTER  <- callers (edges, and workers calling other domains) connect DEALER
 *   broker back   ROUTER  <- workers connect DEALER
 *   events in     XSUB    <- workers connect PUB
 *   events out    XPUB    <- edges connect SUB
 *
 * Frames (the ROUTER identity frames ZeroMQ adds are not shown):
 *   caller -> broker   [hdr REQ][domain][body]
 *   broker -> worker   [hdr REQ][caller id][body]
 *   worker -> broker   [hdr REP][caller id][body]   and control: [hdr READY][info], [hdr HB]
 *   broker -> worker   [hdr HB], or [hdr READY] meaning "announce yourself" (it does not
 *                      know the worker that sent a heartbeat)
 *   broker -> caller   [hdr REP][body]; body is empty when hdr.status != 0
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
} club_hdr_t;

#define CLUB_HDR_SIZE 40

/* Fixed little-endian layout, independent of the host's struct packing. */
void club_hdr_encode(const club_hdr_t *h, uint8_t out[CLUB_HDR_SIZE]);
/* Returns 0, or -1 when the frame is not a header. */
int club_hdr_decode(const uint8_t *in, size_t len, club_hdr_t *h);
/* Convenience: a zframe holding the encoded header. */
zframe_t *club_hdr_frame(const club_hdr_t *h);

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

/* Per-user domains are sharded: shard = user % shards. */
static inline uint32_t club_shard_of(uint64_t user, uint32_t shards)
{
    return shards ? (uint32_t)(user % shards) : 0;
}

#endif
