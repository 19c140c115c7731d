/* ws: the client end of one WebSocket connection (RFC 6455), without the socket.
 *
 * One implementation for every client in the repo: club-bench drives thousands of these from
 * an epoll loop, the test support library (tests/support/wsc.c) one at a time with poll()
 * and timeouts. This module is the protocol: the Upgrade request and the check of its 101,
 * masked frames out, frames in (fragmented messages reassembled, pings answered with pongs,
 * a close frame answered and its code kept, a server that breaks the protocol failed with
 * 1002 or 1009). The caller owns the descriptor: it connects, polls and closes it, and moves
 * bytes with club_ws_recv() and club_ws_send(), which do one non-blocking call each.
 *
 * Hot path: nothing allocates once the two buffers have grown to the working size. A message
 * is handed out where it lies in the receive buffer (or in the reassembly buffer when it came
 * in fragments); a frame is built in place at the end of the send queue and masked there,
 * 8 bytes at a time, with a key from a per-connection xorshift generator (seeded by the
 * caller, e.g. from club_random()). RFC 6455 wants keys a proxy cannot predict, so that a
 * page's script cannot aim bytes at it; these clients run no foreign scripts, and a generator
 * of a few instructions suits a load generator's hot path better than a CSPRNG call per frame.
 *
 * A club_ws_t belongs to one thread. Errors are values: club_ws_next() says what happened and
 * club_ws_error() why. */
#ifndef CLUB_CLIENT_WS_H
#define CLUB_CLIENT_WS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "wsframe.h"

/* Largest message accepted from the server; a bigger frame or message fails the connection
 * with 1009. */
#define CLUB_WS_MAX_MESSAGE (16u * 1024u * 1024u)
/* Largest handshake response head. */
#define CLUB_WS_MAX_HEAD 16384

typedef struct club_ws club_ws_t;

/* What club_ws_next() found in the receive buffer. */
typedef enum {
    CLUB_WS_AGAIN,    /* nothing whole yet: read more (then call again) */
    CLUB_WS_UPGRADED, /* the server's 101 was checked: the connection is open */
    CLUB_WS_MESSAGE,  /* a whole data message (*msg) */
    CLUB_WS_CLOSED,   /* the server's close frame arrived (answered unless ours went first) */
    CLUB_WS_FAILED,   /* handshake refused, or the server broke the protocol (a close frame
                       * with 1002 or 1009 is queued); club_ws_error() says what */
} club_ws_event_t;

typedef struct {
    uint8_t *data; /* in the connection's own buffers: valid until the next call on it */
    size_t len;
    int opcode; /* CLUB_WSF_BINARY or CLUB_WSF_TEXT */
} club_ws_msg_t;

/* A connection that has sent nothing yet. `seed` seeds the mask keys; the receive buffer
 * starts at in_cap bytes (at least 1024) and grows as frames need. */
club_ws_t *club_ws_new(uint64_t seed, size_t in_cap);
/* Frees the buffers (not the descriptor, which is the caller's); sets *self_p = NULL. */
void club_ws_destroy(club_ws_t **self_p);

/* Queues the Upgrade request for ws://host:port/path, offering `subprotocol` (NULL: none) and
 * sending `agent` as User-Agent (NULL: none). Returns 0, or -1 when the request would not fit
 * in 1 KiB or no key could be drawn (club_ws_error says which). */
int club_ws_upgrade(club_ws_t *self, const char *host, int port, const char *path,
                    const char *subprotocol, const char *agent);

/* ---- receiving ---- */

/* One recv() on the non-blocking fd into the receive buffer. Returns the bytes read (> 0), 0
 * when the socket has nothing now, or -1 when the connection is over: the server closed TCP
 * (close code 1006) or recv failed, or the buffer cannot grow further. *full (may be NULL) is
 * set when the read filled all the room it had, so more may be waiting. Messages handed out
 * before are invalid afterwards. */
ssize_t club_ws_recv(club_ws_t *self, int fd, bool *full);
/* Appends bytes that arrived some other way (a test, a transport of the caller's own). */
void club_ws_feed(club_ws_t *self, const void *buf, size_t len);
/* The next thing the buffered bytes hold. Pings are answered (a pong queued) and pongs
 * dropped on the way, so after it returns, club_ws_queued() may have bytes to send. After
 * CLUB_WS_CLOSED or CLUB_WS_FAILED every call returns the same again. */
club_ws_event_t club_ws_next(club_ws_t *self, club_ws_msg_t *msg);
/* True when a whole frame is already buffered (a poll on the socket would not say so). */
bool club_ws_buffered(const club_ws_t *self);

/* ---- sending ---- */

/* Appends one frame of `len` payload bytes to the send queue and returns where its payload
 * goes; the caller writes exactly len bytes there, then calls club_ws_frame_end(), which
 * masks them. Nothing else may be called on this connection in between. For callers that
 * build payloads in place (the bench's templates); others use club_ws_queue(). */
uint8_t *club_ws_frame_begin(club_ws_t *self, int opcode, bool fin, size_t len);
void club_ws_frame_end(club_ws_t *self);
/* Appends one frame with a copy of payload. Any opcode and FIN bit (fragmented sends and
 * protocol tests); whether the connection can still send is the caller's check. */
void club_ws_queue(club_ws_t *self, int opcode, bool fin, const void *payload, size_t len);
/* Queues a close frame with `code`, once; no data frame may follow it. */
void club_ws_close(club_ws_t *self, int code);
/* Bytes queued and not yet written. */
size_t club_ws_queued(const club_ws_t *self);
/* Writes queued bytes to the non-blocking fd until they are all out (1) or the socket is full
 * (0: wait for it to be writable and call again), or send fails (-1, club_ws_error says why;
 * the connection's state is left as it was, since a close frame from the server may still be
 * waiting to be read). */
int club_ws_send(club_ws_t *self, int fd);

/* ---- state ---- */

/* The 101 arrived and the connection is not over. */
bool club_ws_is_open(const club_ws_t *self);
/* Open, and no close frame sent: data frames may still go out. */
bool club_ws_can_send(const club_ws_t *self);
/* Over: close frame received, TCP ended, handshake refused or protocol broken. */
bool club_ws_is_closed(const club_ws_t *self);
/* The server's close code (1005 when its close frame had none), 1006 when the connection
 * ended without one (TCP end, failure), 0 while it is not over. */
int club_ws_close_code(const club_ws_t *self);
/* Marks the connection over (1006) after the caller's transport failed; queues nothing. */
void club_ws_fail(club_ws_t *self, const char *why);
/* Why the connection is over or the last call failed ("" when nothing failed). */
const char *club_ws_error(const club_ws_t *self);
/* The status code of the handshake response once its head arrived (101 when it worked), 0
 * before. */
int club_ws_http_status(const club_ws_t *self);
/* The subprotocol the server chose ("" when none). */
const char *club_ws_subprotocol(const club_ws_t *self);

#endif
