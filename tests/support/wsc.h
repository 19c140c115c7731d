/* wsc: a blocking WebSocket client for the integration tests, over plain POSIX sockets.
 *
 * The protocol is lib/client's club_ws (the one club-bench runs on: handshake, masked frames,
 * fragmented messages reassembled, pings answered inside wsc_recv(), a close frame from the
 * server answered and its code kept); this file adds what a test wants around it: a TCP
 * connect by name, and calls that wait, each with a timeout it never exceeds. One connection
 * per object, no threads, no callbacks.
 *
 * wsc_recv() returns a pointer into the object's own buffers (no allocation per message once
 * they have grown to the working size); wsc_send_*() reuse one send buffer. A wsc_t is not
 * safe to share between threads; different wsc_t are independent.
 *
 * Errors: calls return NULL or -1 and wsc_last_error() (thread-local) says why. */
#ifndef CLUB_WSC_H
#define CLUB_WSC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "client/ws.h"

typedef struct wsc wsc_t;

enum {
    WSC_OP_CONT = CLUB_WSF_CONT,
    WSC_OP_TEXT = CLUB_WSF_TEXT,
    WSC_OP_BINARY = CLUB_WSF_BINARY,
    WSC_OP_CLOSE = CLUB_WSF_CLOSE,
    WSC_OP_PING = CLUB_WSF_PING,
    WSC_OP_PONG = CLUB_WSF_PONG,
};

/* Largest message wsc_recv() accepts; a bigger one closes the connection with 1009. */
#define WSC_MAX_MESSAGE CLUB_WS_MAX_MESSAGE

/* Connects to host:port (name or address), sends the Upgrade request for `path`, and checks
 * the 101 reply and Sec-WebSocket-Accept. `subprotocol` is offered in Sec-WebSocket-Protocol
 * when not NULL (a server that picks none is accepted; one that picks another is not).
 * Returns NULL on failure or when timeout_ms passes first. */
wsc_t *wsc_connect(const char *host, int port, const char *path, const char *subprotocol,
                   int timeout_ms);

/* Closes the socket (without a close handshake) and frees; sets *self_p = NULL. */
void wsc_destroy(wsc_t **self_p);

/* One whole masked message in one frame. Return 0, or -1 when the connection is closed or the
 * bytes could not be written within the send timeout (default 5000 ms). */
int wsc_send_binary(wsc_t *self, const void *buf, size_t len);
int wsc_send_text(wsc_t *self, const char *buf, size_t len);
/* One raw frame: any opcode, FIN bit as given (for fragmented sends and protocol tests). */
int wsc_send_frame(wsc_t *self, int opcode, bool fin, const void *buf, size_t len);
void wsc_set_send_timeout(wsc_t *self, int timeout_ms);

/* Waits up to timeout_ms (0 = just poll, <0 = 0) for the next data message. On success returns
 * 0 and sets *buf and *len to the payload (valid until the next wsc_recv/wsc_destroy on this
 * object) and *opcode to WSC_OP_TEXT or WSC_OP_BINARY (any of the out pointers may be NULL).
 * Returns -1 on timeout or when the connection is closed: tell them apart with
 * wsc_is_closed(). */
int wsc_recv(wsc_t *self, int timeout_ms, uint8_t **buf, size_t *len, int *opcode);

/* True once the connection is over (close frame, TCP end, protocol or I/O error). */
bool wsc_is_closed(const wsc_t *self);
/* The close code the server sent (1005 when its close frame had none), 1006 when the TCP
 * connection ended without a close frame, 0 while open. */
int wsc_close_code(const wsc_t *self);
/* Sends a close frame with `code` (if still open) and waits up to timeout_ms for the
 * server's close. Returns 0 when the handshake completed. */
int wsc_close(wsc_t *self, int code, int timeout_ms);

/* The subprotocol the server chose ("" when none). */
const char *wsc_subprotocol(const wsc_t *self);
/* The socket, for callers that poll many connections. Read only through wsc_recv. */
int wsc_fd(const wsc_t *self);
/* True when a whole frame is already buffered (poll on the fd would not report it). */
bool wsc_has_buffered(const wsc_t *self);

/* Why the last failing call on this thread failed. */
const char *wsc_last_error(void);

/* A plain HTTP/1.1 GET (Connection: close). Stores the status code and up to body_cap-1
 * bytes of body, NUL-terminated (body may be NULL). Returns 0, or -1 on failure/timeout. */
int wsc_http_get(const char *host, int port, const char *path, int timeout_ms, int *status,
                 char *body, size_t body_cap);

#endif
