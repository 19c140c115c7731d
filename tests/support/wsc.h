/* wsc: a small blocking WebSocket client (RFC 6455) over plain POSIX sockets.
 *
 * Made for the integration tests and the load tester: one connection per object, no threads,
 * no callbacks. Every call that waits takes a timeout and never blocks longer. Client frames
 * are masked; received fragmented messages are reassembled; pings are answered with pongs
 * inside wsc_recv(); a close frame from the server is answered and its code kept.
 *
 * Hot path: wsc_recv() returns a pointer into the object's own buffers (no allocation per
 * message once the buffers have grown to the working size); wsc_send_*() reuse one send
 * buffer. A wsc_t is not safe to share between threads; different wsc_t are independent.
 *
 * Errors: constructors return NULL and wsc_last_error() (thread-local) says why. */
#ifndef CLUB_WSC_H
#define CLUB_WSC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct wsc wsc_t;

enum {
    WSC_OP_CONT = 0x0,
    WSC_OP_TEXT = 0x1,
    WSC_OP_BINARY = 0x2,
    WSC_OP_CLOSE = 0x8,
    WSC_OP_PING = 0x9,
    WSC_OP_PONG = 0xA,
};

/* Largest message wsc_recv() accepts; a bigger one closes the connection with 1009. */
#define WSC_MAX_MESSAGE (16u * 1024u * 1024u)

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
 * object; it is followed by a NUL byte not counted in *len, so text can be used as a C
 * string) and *opcode to WSC_OP_TEXT or WSC_OP_BINARY (any of the out pointers may be NULL).
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
/* The socket, for callers that poll many connections (bench). Read only through wsc_recv. */
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
