/* ws: see ws.h. */
#include "ws.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "util.h"

enum { S_HANDSHAKE, S_OPEN, S_OVER };

#define S_MIN_ROOM   1024u          /* a recv() gets at least this much room */
#define S_GROW_UNTIL (256u * 1024u) /* a recv() that fills the buffer doubles it up to this */
/* The receive buffer never needs more: one frame of the largest message, twice (it doubles
 * when the frame in progress leaves less than S_MIN_ROOM). */
#define S_MAX_IN  (2 * ((size_t)CLUB_WS_MAX_MESSAGE + CLUB_WSF_MAX_HDR))
#define S_MAX_REQ 1024

struct club_ws {
    uint8_t state;
    bool close_sent;
    bool failed; /* over without the server's close frame */
    int close_code;
    int http_status;
    uint64_t rng; /* xorshift64* state for mask keys, never 0 */

    /* Received bytes: [in_pos, in_len) not yet parsed. */
    uint8_t *in;
    size_t in_cap, in_len, in_pos;

    /* Reassembly of a fragmented message; frag_op is 0 when none is in progress. */
    uint8_t *frag;
    size_t frag_cap, frag_len;
    int frag_op;

    /* The send queue: [out_off, out_len) not yet written. */
    uint8_t *out;
    size_t out_cap, out_off, out_len;

    /* The frame between club_ws_frame_begin and _end. */
    size_t pend_off, pend_len;
    uint8_t pend_key[4];

    char accept[29];      /* the Sec-WebSocket-Accept the server must send */
    char offered[64];     /* the subprotocol(s) offered */
    char subprotocol[64]; /* the one the server chose */
    char error[192];
};

static void s_err(club_ws_t *self, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void s_err(club_ws_t *self, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(self->error, sizeof self->error, fmt, ap);
    va_end(ap);
}

static size_t s_pow2(size_t v)
{
    size_t p = 1024;
    while (p < v)
        p <<= 1;
    return p;
}

club_ws_t *club_ws_new(uint64_t seed, size_t in_cap)
{
    club_ws_t *self = club_calloc(1, sizeof *self);
    self->state = S_HANDSHAKE;
    self->rng = seed ? seed : 0x9E3779B97F4A7C15ULL;
    /* A power of two, so that doubling reaches S_MAX_IN's bound exactly (see club_ws_recv). */
    self->in_cap = s_pow2(in_cap);
    self->in = club_malloc(self->in_cap);
    return self;
}

void club_ws_destroy(club_ws_t **self_p)
{
    if (!self_p || !*self_p) return;
    club_ws_t *self = *self_p;
    free(self->in);
    free(self->frag);
    free(self->out);
    free(self);
    *self_p = NULL;
}

/* ---- the send queue ---- */

static void s_out_reserve(club_ws_t *self, size_t more)
{
    if (self->out_off == self->out_len) self->out_off = self->out_len = 0;
    if (self->out_len + more <= self->out_cap) return;
    if (self->out_off) {
        memmove(self->out, self->out + self->out_off, self->out_len - self->out_off);
        self->out_len -= self->out_off;
        self->out_off = 0;
        if (self->out_len + more <= self->out_cap) return;
    }
    size_t cap = self->out_cap ? self->out_cap : 512;
    while (cap < self->out_len + more)
        cap *= 2;
    self->out = club_realloc(self->out, cap);
    self->out_cap = cap;
}

/* xorshift64*: a fresh 4-byte mask key per frame. */
static inline void s_key(club_ws_t *self, uint8_t key[4])
{
    uint64_t x = self->rng;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    self->rng = x;
    uint32_t k = (uint32_t)((x * 0x2545F4914F6CDD1DULL) >> 32);
    memcpy(key, &k, 4);
}

/* Requests are small: their 6-byte header (2 + the key) is written here, the rest by
 * club_wsf_hdr. Saves a call per request on the bench's hot path. */
uint8_t *club_ws_frame_begin(club_ws_t *self, int opcode, bool fin, size_t len)
{
    s_out_reserve(self, CLUB_WSF_MAX_HDR + len);
    s_key(self, self->pend_key);
    uint8_t *p = self->out + self->out_len;
    size_t h;
    if (len < 126) {
        p[0] = (uint8_t)((fin ? 0x80 : 0) | (opcode & 0x0f));
        p[1] = (uint8_t)(0x80 | len);
        memcpy(p + 2, self->pend_key, 4);
        h = 6;
    } else {
        h = club_wsf_hdr(p, opcode, fin, len, self->pend_key);
    }
    self->pend_off = self->out_len + h;
    self->pend_len = len;
    self->out_len += h + len;
    return self->out + self->pend_off;
}

void club_ws_frame_end(club_ws_t *self)
{
    club_wsf_mask(self->out + self->pend_off, self->pend_len, self->pend_key);
}

void club_ws_queue(club_ws_t *self, int opcode, bool fin, const void *payload, size_t len)
{
    uint8_t *p = club_ws_frame_begin(self, opcode, fin, len);
    if (len) memcpy(p, payload, len);
    club_ws_frame_end(self);
}

void club_ws_close(club_ws_t *self, int code)
{
    if (self->close_sent) return;
    uint8_t b[2] = {(uint8_t)(code >> 8), (uint8_t)code};
    club_ws_queue(self, CLUB_WSF_CLOSE, true, b, 2);
    self->close_sent = true;
}

size_t club_ws_queued(const club_ws_t *self)
{
    return self->out_len - self->out_off;
}

int club_ws_send(club_ws_t *self, int fd)
{
    while (self->out_off < self->out_len) {
        ssize_t w =
            send(fd, self->out + self->out_off, self->out_len - self->out_off, MSG_NOSIGNAL);
        if (w > 0) {
            self->out_off += (size_t)w;
            continue;
        }
        if (w < 0 && errno == EINTR) continue;
        if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return 0;
        s_err(self, "send: %s", w < 0 ? strerror(errno) : "no progress");
        return -1;
    }
    self->out_off = self->out_len = 0;
    return 1;
}

/* ---- the handshake ---- */

int club_ws_upgrade(club_ws_t *self, const char *host, int port, const char *path,
                    const char *subprotocol, const char *agent)
{
    char key[25];
    if (club_wsf_key(key) < 0) {
        s_err(self, "no random bytes for the Sec-WebSocket-Key");
        return -1;
    }
    if (subprotocol && strlen(subprotocol) >= sizeof self->offered) {
        s_err(self, "subprotocol list over %zu bytes", sizeof self->offered - 1);
        return -1;
    }
    char req[S_MAX_REQ];
    int n = snprintf(req, sizeof req,
                     "GET %s HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\n"
                     "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
                     "Sec-WebSocket-Version: 13\r\n%s%s%s%s%s%s\r\n",
                     path, host, port, key, subprotocol ? "Sec-WebSocket-Protocol: " : "",
                     subprotocol ? subprotocol : "", subprotocol ? "\r\n" : "",
                     agent ? "User-Agent: " : "", agent ? agent : "", agent ? "\r\n" : "");
    if (n < 0 || (size_t)n >= sizeof req) {
        s_err(self, "handshake request over %d bytes (host or path too long)", S_MAX_REQ);
        return -1;
    }
    club_wsf_accept(key, 24, self->accept);
    snprintf(self->offered, sizeof self->offered, "%s", subprotocol ? subprotocol : "");
    s_out_reserve(self, (size_t)n);
    memcpy(self->out + self->out_len, req, (size_t)n);
    self->out_len += (size_t)n;
    return 0;
}

/* The handshake did not produce a WebSocket: nothing to close politely. */
static club_ws_event_t s_refuse(club_ws_t *self, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static club_ws_event_t s_refuse(club_ws_t *self, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(self->error, sizeof self->error, fmt, ap);
    va_end(ap);
    self->state = S_OVER;
    self->failed = true;
    self->close_code = 1006;
    return CLUB_WS_FAILED;
}

static bool s_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Checks the response head (RFC 6455 section 4.1): 101, Upgrade: websocket, Connection:
 * Upgrade, the Accept for our key, a subprotocol only if it was offered, no extension (none
 * is offered). The status line is read by hand: sscanf could skip past the head's end. */
static club_ws_event_t s_handshake(club_ws_t *self)
{
    size_t avail = self->in_len - self->in_pos;
    const uint8_t *p = self->in + self->in_pos;
    const uint8_t *end = avail >= 4 ? memmem(p, avail, "\r\n\r\n", 4) : NULL;
    if (!end) {
        if (avail >= CLUB_WS_MAX_HEAD)
            return s_refuse(self, "handshake: response head over %d bytes", CLUB_WS_MAX_HEAD);
        return CLUB_WS_AGAIN;
    }
    size_t hl = (size_t)(end + 4 - p);
    const char *head = (const char *)p;
    if (hl < 12 || memcmp(head, "HTTP/1.", 7) != 0 || head[8] != ' ' || !s_digit(head[9]) ||
        !s_digit(head[10]) || !s_digit(head[11]))
        return s_refuse(self, "handshake: the reply is not an HTTP/1.x response");
    self->http_status = (head[9] - '0') * 100 + (head[10] - '0') * 10 + (head[11] - '0');
    if (self->http_status != 101) {
        size_t fl = 0;
        while (fl < hl && fl < 100 && head[fl] != '\r' && head[fl] != '\n')
            fl++;
        return s_refuse(self, "handshake refused: %.*s", (int)fl, head);
    }
    const char *v;
    size_t vl;
    if (!club_wsf_http_header(head, hl, "Upgrade", &v, &vl) || vl != 9 ||
        strncasecmp(v, "websocket", 9) != 0)
        return s_refuse(self, "handshake: no Upgrade: websocket");
    if (!club_wsf_http_header(head, hl, "Connection", &v, &vl) ||
        !club_wsf_http_has_token(v, vl, "upgrade"))
        return s_refuse(self, "handshake: no Connection: Upgrade");
    if (!club_wsf_http_header(head, hl, "Sec-WebSocket-Accept", &v, &vl) || vl != 28 ||
        memcmp(v, self->accept, 28) != 0)
        return s_refuse(self, "handshake: bad or missing Sec-WebSocket-Accept");
    if (club_wsf_http_header(head, hl, "Sec-WebSocket-Protocol", &v, &vl)) {
        if (vl >= sizeof self->subprotocol)
            return s_refuse(self, "handshake: subprotocol over %zu bytes",
                            sizeof self->subprotocol - 1);
        memcpy(self->subprotocol, v, vl);
        self->subprotocol[vl] = '\0';
        if (!vl ||
            !club_wsf_http_has_token(self->offered, strlen(self->offered), self->subprotocol))
            return s_refuse(self, "handshake: server chose subprotocol '%s' that was not offered",
                            self->subprotocol);
    }
    if (club_wsf_http_header(head, hl, "Sec-WebSocket-Extensions", &v, &vl))
        return s_refuse(self, "handshake: server chose extensions '%.*s' that were not offered",
                        (int)(vl < 60 ? vl : 60), v);
    self->in_pos += hl;
    self->state = S_OPEN;
    return CLUB_WS_UPGRADED;
}

/* ---- receiving ---- */

/* The server broke the protocol: say so with a close frame (RFC 6455 section 7.1.7) and stop. */
static club_ws_event_t s_fail(club_ws_t *self, int code, const char *why)
{
    s_err(self, "websocket protocol error from the server: %s", why);
    club_ws_close(self, code);
    self->state = S_OVER;
    self->failed = true;
    self->close_code = 1006;
    return CLUB_WS_FAILED;
}

void club_ws_fail(club_ws_t *self, const char *why)
{
    if (self->state == S_OVER) return;
    s_err(self, "%s", why);
    self->state = S_OVER;
    self->failed = true;
    self->close_code = 1006;
}

/* Moves the unparsed bytes to the front of the receive buffer. */
static void s_compact(club_ws_t *self)
{
    if (self->in_pos == self->in_len) { /* everything parsed: the usual case */
        self->in_pos = self->in_len = 0;
        return;
    }
    if (!self->in_pos) return;
    memmove(self->in, self->in + self->in_pos, self->in_len - self->in_pos);
    self->in_len -= self->in_pos;
    self->in_pos = 0;
}

static void s_in_grow(club_ws_t *self, size_t cap)
{
    self->in = club_realloc(self->in, cap);
    self->in_cap = cap;
}

ssize_t club_ws_recv(club_ws_t *self, int fd, bool *full)
{
    if (full) *full = false;
    if (self->state == S_OVER) return -1;
    s_compact(self);
    if (self->in_cap - self->in_len < S_MIN_ROOM) {
        if (self->in_cap * 2 > S_MAX_IN) {
            club_ws_fail(self, "receive buffer full");
            return -1;
        }
        s_in_grow(self, self->in_cap * 2);
    }
    size_t room = self->in_cap - self->in_len;
    for (;;) {
        ssize_t r = recv(fd, self->in + self->in_len, room, 0);
        if (r > 0) {
            self->in_len += (size_t)r;
            if ((size_t)r == room) {
                if (full) *full = true;
                /* Full: grow, so that the next wake-up takes more in one recv(). */
                if (self->in_cap < S_GROW_UNTIL) s_in_grow(self, self->in_cap * 2);
            }
            return r;
        }
        if (r == 0) {
            club_ws_fail(self, "the server closed the TCP connection");
            return -1;
        }
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) return 0;
        char why[96];
        snprintf(why, sizeof why, "recv: %s", strerror(errno));
        club_ws_fail(self, why);
        return -1;
    }
}

void club_ws_feed(club_ws_t *self, const void *buf, size_t len)
{
    s_compact(self);
    if (self->in_cap - self->in_len < len) {
        size_t cap = self->in_cap;
        while (cap - self->in_len < len)
            cap *= 2;
        s_in_grow(self, cap);
    }
    memcpy(self->in + self->in_len, buf, len);
    self->in_len += len;
}

static void s_frag_add(club_ws_t *self, const uint8_t *p, size_t n)
{
    if (self->frag_len + n > self->frag_cap) {
        size_t cap = self->frag_cap ? self->frag_cap : 4096;
        while (cap < self->frag_len + n)
            cap *= 2;
        self->frag = club_realloc(self->frag, cap);
        self->frag_cap = cap;
    }
    memcpy(self->frag + self->frag_len, p, n);
    self->frag_len += n;
}

club_ws_event_t club_ws_next(club_ws_t *self, club_ws_msg_t *msg)
{
    if (self->state == S_OVER) return self->failed ? CLUB_WS_FAILED : CLUB_WS_CLOSED;
    if (self->state == S_HANDSHAKE) return s_handshake(self);
    for (;;) {
        size_t avail = self->in_len - self->in_pos;
        if (avail < 2) return CLUB_WS_AGAIN; /* no frame header is shorter */
        uint8_t *p = self->in + self->in_pos;
        /* Most frames are replies: whole binary messages of under 64 KiB, unmasked. Their
         * header is read here in two or four bytes; anything else takes club_wsf_parse. */
        if (p[0] == (0x80 | CLUB_WSF_BINARY) && p[1] <= 126) {
            size_t h = 2, n = p[1];
            if (n == 126) {
                h = 4;
                n = avail >= 4 ? ((size_t)p[2] << 8 | p[3]) : SIZE_MAX;
            }
            if (n != SIZE_MAX && avail >= h + n) {
                self->in_pos += h + n;
                if (self->frag_op)
                    return s_fail(self, 1002, "a new message inside a fragmented one");
                *msg = (club_ws_msg_t){p + h, n, CLUB_WSF_BINARY};
                return CLUB_WS_MESSAGE;
            }
        }
        club_wsf_frame_t f;
        int pr = club_wsf_parse(p, avail, &f);
        if (pr == 0) return CLUB_WS_AGAIN;
        if (pr < 0) return s_fail(self, 1002, "bad frame header (reserved bits or opcode)");
        if (f.masked) return s_fail(self, 1002, "a masked frame");
        if (f.len > CLUB_WS_MAX_MESSAGE) return s_fail(self, 1009, "a frame over 16 MiB");
        size_t whole = f.hdr + (size_t)f.len;
        if (avail < whole) {
            /* Room for the whole frame once the next recv() moves it to the front. */
            if (whole > self->in_cap) s_in_grow(self, s_pow2(whole));
            return CLUB_WS_AGAIN;
        }
        uint8_t *pl = p + f.hdr;
        size_t n = (size_t)f.len;
        self->in_pos += whole;
        switch (f.opcode) {
        case CLUB_WSF_TEXT:
        case CLUB_WSF_BINARY:
            if (self->frag_op) return s_fail(self, 1002, "a new message inside a fragmented one");
            if (!f.fin) {
                self->frag_op = f.opcode;
                self->frag_len = 0;
                s_frag_add(self, pl, n);
                continue;
            }
            *msg = (club_ws_msg_t){pl, n, f.opcode};
            return CLUB_WS_MESSAGE;
        case CLUB_WSF_CONT:
            if (!self->frag_op) return s_fail(self, 1002, "a continuation without a message");
            if (self->frag_len + n > CLUB_WS_MAX_MESSAGE)
                return s_fail(self, 1009, "a message over 16 MiB");
            s_frag_add(self, pl, n);
            if (!f.fin) continue;
            /* The bytes stay in frag until the next message's first fragment overwrites them. */
            *msg = (club_ws_msg_t){self->frag, self->frag_len, self->frag_op};
            self->frag_op = 0;
            self->frag_len = 0;
            return CLUB_WS_MESSAGE;
        case CLUB_WSF_PING:
            if (!self->close_sent) club_ws_queue(self, CLUB_WSF_PONG, true, pl, n);
            continue;
        case CLUB_WSF_PONG:
            continue;
        default: { /* CLUB_WSF_CLOSE: club_wsf_parse refuses every other opcode */
            if (n == 1) return s_fail(self, 1002, "a close frame with a 1-byte payload");
            int code = n >= 2 ? (pl[0] << 8) | pl[1] : 1005;
            if (!self->close_sent) {
                /* Echo the code; no status in, no status out (section 5.5.1). */
                uint8_t b[2] = {(uint8_t)(code >> 8), (uint8_t)code};
                club_ws_queue(self, CLUB_WSF_CLOSE, true, b, n >= 2 ? 2 : 0);
                self->close_sent = true;
            }
            self->state = S_OVER;
            self->close_code = code;
            s_err(self, "closed by the server (code %d)", code);
            return CLUB_WS_CLOSED;
        }
        }
    }
}

bool club_ws_buffered(const club_ws_t *self)
{
    if (self->state != S_OPEN) return false;
    size_t avail = self->in_len - self->in_pos;
    club_wsf_frame_t f;
    int pr = club_wsf_parse(self->in + self->in_pos, avail, &f);
    if (pr < 0) return true; /* club_ws_next has an error to report */
    return pr == 1 && avail - f.hdr >= f.len;
}

/* ---- state ---- */

bool club_ws_is_open(const club_ws_t *self)
{
    return self->state == S_OPEN;
}

bool club_ws_can_send(const club_ws_t *self)
{
    return self->state == S_OPEN && !self->close_sent;
}

bool club_ws_is_closed(const club_ws_t *self)
{
    return self->state == S_OVER;
}

int club_ws_close_code(const club_ws_t *self)
{
    return self->state == S_OVER ? self->close_code : 0;
}

const char *club_ws_error(const club_ws_t *self)
{
    return self->error;
}

int club_ws_http_status(const club_ws_t *self)
{
    return self->http_status;
}

const char *club_ws_subprotocol(const club_ws_t *self)
{
    return self->subprotocol;
}
