/* wsc: see wsc.h. The socket is non-blocking; every wait is a poll() against a deadline. */
#include "wsc.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#define WS_GUID       "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
#define MAX_HANDSHAKE 16384

struct wsc {
    int fd;
    bool closed;
    bool close_sent;
    int close_code;
    int send_timeout_ms;
    char subprotocol[64];

    /* Bytes read from the socket: [rpos, rlen) not yet parsed. `consume` bytes at rpos belong
     * to the frame last returned to the caller and are dropped on the next wsc_recv. */
    uint8_t *rbuf;
    size_t rcap, rpos, rlen, consume;

    /* Reassembly of a fragmented message. */
    uint8_t *mbuf;
    size_t mcap, mlen;
    int mopcode; /* 0 when no fragmented message is in progress */

    /* wsc_recv NUL-terminates a payload handed out in place by overwriting the next byte;
     * it is put back at the start of the next call. */
    size_t saved_pos; /* SIZE_MAX when nothing is saved */
    uint8_t saved_byte;

    uint8_t *sbuf;
    size_t scap;
};

static _Thread_local char s_error[256];

static void s_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void s_err(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s_error, sizeof s_error, fmt, ap);
    va_end(ap);
}

const char *wsc_last_error(void)
{
    return s_error;
}

static int64_t s_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int s_left(int64_t deadline)
{
    int64_t d = deadline - s_now_ms();
    return d < 0 ? 0 : (d > 1000000000 ? 1000000000 : (int)d);
}

/* Grows *buf to hold at least `need` bytes. Aborts on OOM (test code). */
static void s_reserve(uint8_t **buf, size_t *cap, size_t need)
{
    if (*cap >= need) return;
    size_t n = *cap ? *cap : 4096;
    while (n < need)
        n *= 2;
    uint8_t *p = realloc(*buf, n);
    if (!p) abort();
    *buf = p;
    *cap = n;
}

/* Waits for `events` on fd until deadline. 1 ready, 0 timeout, -1 error. */
static int s_wait(int fd, short events, int64_t deadline)
{
    for (;;) {
        struct pollfd p = {.fd = fd, .events = events};
        int r = poll(&p, 1, s_left(deadline));
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) return -1;
        return r > 0 ? 1 : 0;
    }
}

/* Writes all of buf before deadline. 0 or -1. */
static int s_write_all(int fd, const uint8_t *buf, size_t len, int64_t deadline)
{
    size_t off = 0;
    while (off < len) {
        ssize_t n = send(fd, buf + off, len - off, MSG_NOSIGNAL);
        if (n > 0) {
            off += (size_t)n;
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            int w = s_wait(fd, POLLOUT, deadline);
            if (w <= 0) {
                s_err(w == 0 ? "send timed out" : "poll: %s", strerror(errno));
                return -1;
            }
            continue;
        }
        s_err("send: %s", strerror(errno));
        return -1;
    }
    return 0;
}

static int s_tcp_connect(const char *host, int port, int64_t deadline)
{
    char portstr[16];
    snprintf(portstr, sizeof portstr, "%d", port);
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
    struct addrinfo *res = NULL;
    int gai = getaddrinfo(host, portstr, &hints, &res);
    if (gai != 0) {
        s_err("getaddrinfo %s: %s", host, gai_strerror(gai));
        return -1;
    }
    int fd = -1;
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) continue;
        int r = connect(fd, ai->ai_addr, ai->ai_addrlen);
        if (r < 0 && errno == EINPROGRESS) {
            if (s_wait(fd, POLLOUT, deadline) == 1) {
                int soerr = 0;
                socklen_t sl = sizeof soerr;
                getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl);
                if (soerr == 0)
                    r = 0;
                else
                    errno = soerr;
            } else {
                errno = ETIMEDOUT;
            }
        }
        if (r == 0) break;
        s_err("connect %s:%d: %s", host, port, strerror(errno));
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd >= 0) {
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    return fd;
}

/* Reads an HTTP response head (up to the blank line) into buf. Returns the head's length
 * (including the blank line) and sets *total to all bytes read, or -1. */
static int s_read_head(int fd, char *buf, size_t cap, size_t *total, int64_t deadline)
{
    size_t len = 0;
    for (;;) {
        buf[len] = '\0';
        char *end = strstr(buf, "\r\n\r\n");
        if (end) {
            *total = len;
            return (int)(end + 4 - buf);
        }
        if (len + 1 >= cap) {
            s_err("HTTP response head too long");
            return -1;
        }
        ssize_t n = recv(fd, buf + len, cap - 1 - len, 0);
        if (n > 0) {
            len += (size_t)n;
            continue;
        }
        if (n == 0) {
            s_err("connection closed during HTTP response");
            return -1;
        }
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            if (s_wait(fd, POLLIN, deadline) != 1) {
                s_err("timed out waiting for HTTP response");
                return -1;
            }
            continue;
        }
        s_err("recv: %s", strerror(errno));
        return -1;
    }
}

/* Finds header `name` (case-insensitive) in an HTTP head; copies its trimmed value. */
static bool s_header(const char *head, const char *name, char *out, size_t cap)
{
    size_t nl = strlen(name);
    const char *line = strstr(head, "\r\n");
    while (line) {
        line += 2;
        if (line[0] == '\r' || line[0] == '\0') break;
        const char *eol = strstr(line, "\r\n");
        if (!eol) break;
        if ((size_t)(eol - line) > nl && !strncasecmp(line, name, nl) && line[nl] == ':') {
            const char *v = line + nl + 1;
            while (v < eol && (*v == ' ' || *v == '\t'))
                v++;
            const char *e = eol;
            while (e > v && (e[-1] == ' ' || e[-1] == '\t'))
                e--;
            size_t n = (size_t)(e - v);
            if (n >= cap) n = cap - 1;
            memcpy(out, v, n);
            out[n] = '\0';
            return true;
        }
        line = eol;
    }
    return false;
}

static bool s_contains_token(const char *list, const char *token)
{
    size_t tl = strlen(token);
    for (const char *p = list; *p;) {
        while (*p == ' ' || *p == ',' || *p == '\t')
            p++;
        const char *e = p;
        while (*e && *e != ',')
            e++;
        const char *t = e;
        while (t > p && (t[-1] == ' ' || t[-1] == '\t'))
            t--;
        if ((size_t)(t - p) == tl && !strncasecmp(p, token, tl)) return true;
        p = e;
    }
    return false;
}

static int s_status_code(const char *head)
{
    int major, minor, code;
    if (sscanf(head, "HTTP/%d.%d %d", &major, &minor, &code) != 3) return -1;
    return code;
}

wsc_t *wsc_connect(const char *host, int port, const char *path, const char *subprotocol,
                   int timeout_ms)
{
    int64_t deadline = s_now_ms() + timeout_ms;
    int fd = s_tcp_connect(host, port, deadline);
    if (fd < 0) return NULL;

    uint8_t nonce[16];
    char key[32];
    if (RAND_bytes(nonce, sizeof nonce) != 1) {
        s_err("RAND_bytes failed");
        close(fd);
        return NULL;
    }
    EVP_EncodeBlock((unsigned char *)key, nonce, sizeof nonce);

    char req[1024];
    int n = snprintf(req, sizeof req,
                     "GET %s HTTP/1.1\r\n"
                     "Host: %s:%d\r\n"
                     "Upgrade: websocket\r\n"
                     "Connection: Upgrade\r\n"
                     "Sec-WebSocket-Key: %s\r\n"
                     "Sec-WebSocket-Version: 13\r\n"
                     "%s%s%s"
                     "\r\n",
                     path, host, port, key, subprotocol ? "Sec-WebSocket-Protocol: " : "",
                     subprotocol ? subprotocol : "", subprotocol ? "\r\n" : "");
    if (n < 0 || (size_t)n >= sizeof req) {
        s_err("handshake request too long");
        close(fd);
        return NULL;
    }
    if (s_write_all(fd, (const uint8_t *)req, (size_t)n, deadline) < 0) {
        close(fd);
        return NULL;
    }

    char *head = malloc(MAX_HANDSHAKE);
    if (!head) abort();
    size_t total = 0;
    int hlen = s_read_head(fd, head, MAX_HANDSHAKE, &total, deadline);
    wsc_t *self = NULL;
    if (hlen < 0) goto fail;
    /* Keep the head NUL-terminated at its end for the header lookups; frame bytes that came
     * with it are copied out first. */
    size_t extra = total - (size_t)hlen;
    uint8_t *extra_bytes = NULL;
    if (extra) {
        extra_bytes = malloc(extra);
        if (!extra_bytes) abort();
        memcpy(extra_bytes, head + hlen, extra);
    }
    head[hlen] = '\0';

    int code = s_status_code(head);
    if (code != 101) {
        char first[128];
        size_t fl = strcspn(head, "\r\n");
        snprintf(first, sizeof first, "%.*s", (int)(fl < 100 ? fl : 100), head);
        s_err("handshake refused: %s", first);
        free(extra_bytes);
        goto fail;
    }
    char val[256];
    if (!s_header(head, "Upgrade", val, sizeof val) || strcasecmp(val, "websocket") != 0) {
        s_err("handshake: missing Upgrade: websocket");
        free(extra_bytes);
        goto fail;
    }
    if (!s_header(head, "Connection", val, sizeof val) || !s_contains_token(val, "upgrade")) {
        s_err("handshake: missing Connection: Upgrade");
        free(extra_bytes);
        goto fail;
    }
    char cat[128];
    snprintf(cat, sizeof cat, "%s%s", key, WS_GUID);
    uint8_t sha[SHA_DIGEST_LENGTH];
    SHA1((const unsigned char *)cat, strlen(cat), sha);
    char expect[64];
    EVP_EncodeBlock((unsigned char *)expect, sha, sizeof sha);
    if (!s_header(head, "Sec-WebSocket-Accept", val, sizeof val) || strcmp(val, expect) != 0) {
        s_err("handshake: bad Sec-WebSocket-Accept");
        free(extra_bytes);
        goto fail;
    }
    char proto[64] = "";
    if (s_header(head, "Sec-WebSocket-Protocol", proto, sizeof proto)) {
        if (!subprotocol || !s_contains_token(subprotocol, proto)) {
            s_err("handshake: server chose subprotocol '%s' that was not offered", proto);
            free(extra_bytes);
            goto fail;
        }
    }
    if (s_header(head, "Sec-WebSocket-Extensions", val, sizeof val)) {
        s_err("handshake: server chose extensions '%s' that were not offered", val);
        free(extra_bytes);
        goto fail;
    }

    self = calloc(1, sizeof *self);
    if (!self) abort();
    self->fd = fd;
    self->send_timeout_ms = 5000;
    snprintf(self->subprotocol, sizeof self->subprotocol, "%s", proto);
    self->saved_pos = SIZE_MAX;
    s_reserve(&self->rbuf, &self->rcap, extra + 1 > 65536 ? extra + 1 : 65536);
    if (extra) memcpy(self->rbuf, extra_bytes, extra);
    self->rlen = extra;
    free(extra_bytes);
    free(head);
    return self;

fail:
    free(head);
    close(fd);
    return NULL;
}

void wsc_destroy(wsc_t **self_p)
{
    if (!self_p || !*self_p) return;
    wsc_t *self = *self_p;
    if (self->fd >= 0) close(self->fd);
    free(self->rbuf);
    free(self->mbuf);
    free(self->sbuf);
    free(self);
    *self_p = NULL;
}

void wsc_set_send_timeout(wsc_t *self, int timeout_ms)
{
    self->send_timeout_ms = timeout_ms;
}

bool wsc_is_closed(const wsc_t *self)
{
    return self->closed;
}

int wsc_close_code(const wsc_t *self)
{
    return self->closed ? self->close_code : 0;
}

const char *wsc_subprotocol(const wsc_t *self)
{
    return self->subprotocol;
}

int wsc_fd(const wsc_t *self)
{
    return self->fd;
}

static void s_mark_closed(wsc_t *self, int code)
{
    if (!self->closed) {
        self->closed = true;
        self->close_code = code;
    }
}

/* Frames and writes one masked frame. Does not check `closed` (the close reply needs it). */
static int s_send_raw(wsc_t *self, int opcode, bool fin, const void *buf, size_t len)
{
    size_t hdr = 2 + (len < 126 ? 0 : len <= 0xffff ? 2 : 8) + 4;
    s_reserve(&self->sbuf, &self->scap, hdr + len);
    uint8_t *p = self->sbuf;
    *p++ = (uint8_t)((fin ? 0x80 : 0) | (opcode & 0x0f));
    if (len < 126) {
        *p++ = (uint8_t)(0x80 | len);
    } else if (len <= 0xffff) {
        *p++ = 0x80 | 126;
        *p++ = (uint8_t)(len >> 8);
        *p++ = (uint8_t)len;
    } else {
        *p++ = 0x80 | 127;
        for (int i = 7; i >= 0; i--)
            *p++ = (uint8_t)((uint64_t)len >> (8 * i));
    }
    uint8_t mask[4];
    if (RAND_bytes(mask, 4) != 1) {
        s_err("RAND_bytes failed");
        return -1;
    }
    memcpy(p, mask, 4);
    p += 4;
    const uint8_t *src = buf;
    for (size_t i = 0; i < len; i++)
        p[i] = src[i] ^ mask[i & 3];
    return s_write_all(self->fd, self->sbuf, hdr + len, s_now_ms() + self->send_timeout_ms);
}

int wsc_send_frame(wsc_t *self, int opcode, bool fin, const void *buf, size_t len)
{
    if (self->closed || self->close_sent) {
        s_err("connection closed (code %d)", self->close_code);
        return -1;
    }
    if (s_send_raw(self, opcode, fin, buf, len) < 0) {
        /* The peer may have closed with a close frame we have not read yet: leave `closed`
         * to wsc_recv, which reads what is left. */
        return -1;
    }
    return 0;
}

int wsc_send_binary(wsc_t *self, const void *buf, size_t len)
{
    return wsc_send_frame(self, WSC_OP_BINARY, true, buf, len);
}

int wsc_send_text(wsc_t *self, const char *buf, size_t len)
{
    return wsc_send_frame(self, WSC_OP_TEXT, true, buf, len);
}

/* Answers a close frame (once) and marks the connection closed. */
static void s_close_reply(wsc_t *self, int code)
{
    if (!self->close_sent) {
        uint8_t b[2] = {(uint8_t)(code >> 8), (uint8_t)code};
        int c = code == 1005 ? 0 : 2; /* no status in, no status out */
        self->close_sent = true;
        (void)s_send_raw(self, WSC_OP_CLOSE, true, b, (size_t)c);
    }
    s_mark_closed(self, code);
    shutdown(self->fd, SHUT_WR);
}

/* Fails the connection after a protocol error from the server. */
static int s_fail(wsc_t *self, int code, const char *why)
{
    s_err("websocket protocol error: %s", why);
    if (!self->close_sent) {
        uint8_t b[2] = {(uint8_t)(code >> 8), (uint8_t)code};
        self->close_sent = true;
        (void)s_send_raw(self, WSC_OP_CLOSE, true, b, 2);
    }
    s_mark_closed(self, 1006);
    self->close_code = 1006;
    return -1;
}

/* Parses one frame header at rbuf[rpos]. Returns 1 with the fields set when the whole frame
 * is buffered, 0 when more bytes are needed, -1 on a protocol error (connection failed). */
static int s_parse(wsc_t *self, int *opcode, bool *fin, size_t *hdr, uint64_t *plen)
{
    size_t avail = self->rlen - self->rpos;
    const uint8_t *p = self->rbuf + self->rpos;
    if (avail < 2) return 0;
    *fin = (p[0] & 0x80) != 0;
    *opcode = p[0] & 0x0f;
    if (p[0] & 0x70) return s_fail(self, 1002, "RSV bits set");
    if (p[1] & 0x80) return s_fail(self, 1002, "server frame is masked");
    uint64_t l = p[1] & 0x7f;
    size_t h = 2;
    if (l == 126) {
        if (avail < 4) return 0;
        l = ((uint64_t)p[2] << 8) | p[3];
        h = 4;
    } else if (l == 127) {
        if (avail < 10) return 0;
        l = 0;
        for (int i = 0; i < 8; i++)
            l = (l << 8) | p[2 + i];
        h = 10;
        if (l >> 63) return s_fail(self, 1002, "64-bit length with top bit set");
    }
    if (*opcode >= 8) {
        if (!*fin) return s_fail(self, 1002, "fragmented control frame");
        if (l > 125) return s_fail(self, 1002, "control frame over 125 bytes");
        if (*opcode > WSC_OP_PONG) return s_fail(self, 1002, "unknown control opcode");
    } else if (*opcode > WSC_OP_BINARY) {
        return s_fail(self, 1002, "unknown data opcode");
    }
    if (l > WSC_MAX_MESSAGE) return s_fail(self, 1009, "frame too big");
    *hdr = h;
    *plen = l;
    if (avail < h + l) {
        s_reserve(&self->rbuf, &self->rcap, self->rpos + h + (size_t)l + 1);
        return 0;
    }
    return 1;
}

bool wsc_has_buffered(const wsc_t *self)
{
    size_t pos = self->rpos + self->consume;
    size_t avail = self->rlen - pos;
    const uint8_t *p = self->rbuf + pos;
    if (avail < 2) return false;
    /* p[0] may be the byte wsc_recv saved; only p[1..] is read here. */
    uint64_t l = p[1] & 0x7f;
    size_t h = 2;
    if (l == 126) {
        if (avail < 4) return false;
        l = ((uint64_t)p[2] << 8) | p[3];
        h = 4;
    } else if (l == 127) {
        if (avail < 10) return false;
        l = 0;
        for (int i = 0; i < 8; i++)
            l = (l << 8) | p[2 + i];
        h = 10;
    }
    return avail - h >= l;
}

/* Reads more bytes from the socket until deadline. 1 got bytes, 0 timeout, -1 closed. */
static int s_fill(wsc_t *self, int64_t deadline)
{
    /* Compact: move the unparsed tail to the front. */
    if (self->rpos > 0) {
        memmove(self->rbuf, self->rbuf + self->rpos, self->rlen - self->rpos);
        self->rlen -= self->rpos;
        self->rpos = 0;
    }
    if (self->rcap - self->rlen < 4096) s_reserve(&self->rbuf, &self->rcap, self->rlen + 65536);
    for (;;) {
        ssize_t n = recv(self->fd, self->rbuf + self->rlen, self->rcap - self->rlen - 1, 0);
        if (n > 0) {
            self->rlen += (size_t)n;
            return 1;
        }
        if (n == 0) {
            s_err("connection closed by peer without a close frame");
            s_mark_closed(self, 1006);
            return -1;
        }
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            int w = s_wait(self->fd, POLLIN, deadline);
            if (w == 1) continue;
            if (w == 0) {
                s_err("timed out");
                return 0;
            }
        }
        s_err("recv: %s", strerror(errno));
        s_mark_closed(self, 1006);
        return -1;
    }
}

int wsc_recv(wsc_t *self, int timeout_ms, uint8_t **buf, size_t *len, int *opcode)
{
    int64_t deadline = s_now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
    if (self->saved_pos != SIZE_MAX) {
        self->rbuf[self->saved_pos] = self->saved_byte;
        self->saved_pos = SIZE_MAX;
    }
    self->rpos += self->consume;
    self->consume = 0;
    if (self->closed) {
        s_err("connection closed (code %d)", self->close_code);
        return -1;
    }
    for (;;) {
        int op;
        bool fin;
        size_t hdr;
        uint64_t plen;
        int r = s_parse(self, &op, &fin, &hdr, &plen);
        if (r < 0) return -1;
        if (r == 0) {
            int f = s_fill(self, deadline);
            if (f <= 0) return -1;
            continue;
        }
        uint8_t *payload = self->rbuf + self->rpos + hdr;
        size_t n = (size_t)plen;
        size_t frame = hdr + n;

        if (op == WSC_OP_PING) {
            (void)s_send_raw(self, WSC_OP_PONG, true, payload, n);
            self->rpos += frame;
            continue;
        }
        if (op == WSC_OP_PONG) {
            self->rpos += frame;
            continue;
        }
        if (op == WSC_OP_CLOSE) {
            int code = 1005;
            if (n == 1) return s_fail(self, 1002, "close frame with 1-byte payload");
            if (n >= 2) code = (payload[0] << 8) | payload[1];
            self->rpos += frame;
            s_close_reply(self, code);
            s_err("connection closed by server (code %d)", code);
            return -1;
        }
        if (op == WSC_OP_CONT) {
            if (!self->mopcode) return s_fail(self, 1002, "continuation without a start");
            if (self->mlen + n > WSC_MAX_MESSAGE) return s_fail(self, 1009, "message too big");
            s_reserve(&self->mbuf, &self->mcap, self->mlen + n + 1);
            memcpy(self->mbuf + self->mlen, payload, n);
            self->mlen += n;
            self->rpos += frame;
            if (!fin) continue;
            self->mbuf[self->mlen] = '\0';
            if (buf) *buf = self->mbuf;
            if (len) *len = self->mlen;
            if (opcode) *opcode = self->mopcode;
            self->mopcode = 0;
            self->mlen = 0; /* mbuf content stays valid until the next call appends */
            return 0;
        }
        /* TEXT or BINARY */
        if (self->mopcode) return s_fail(self, 1002, "new message inside a fragmented one");
        if (!fin) {
            self->mopcode = op;
            self->mlen = 0;
            s_reserve(&self->mbuf, &self->mcap, n + 1);
            memcpy(self->mbuf, payload, n);
            self->mlen = n;
            self->rpos += frame;
            continue;
        }
        /* Whole message in one frame: hand out the receive buffer itself, NUL-terminated in
         * place (the byte after it is saved and restored on the next call; rcap > rlen is
         * kept by s_fill and s_parse, so that byte exists). */
        self->saved_pos = self->rpos + frame;
        self->saved_byte = self->rbuf[self->saved_pos];
        payload[n] = '\0';
        self->consume = frame;
        if (buf) *buf = payload;
        if (len) *len = n;
        if (opcode) *opcode = op;
        return 0;
    }
}

int wsc_close(wsc_t *self, int code, int timeout_ms)
{
    if (self->closed) return 0;
    int64_t deadline = s_now_ms() + timeout_ms;
    if (!self->close_sent) {
        uint8_t b[2] = {(uint8_t)(code >> 8), (uint8_t)code};
        self->close_sent = true;
        if (s_send_raw(self, WSC_OP_CLOSE, true, b, 2) < 0) {
            s_mark_closed(self, 1006);
            return -1;
        }
    }
    /* Drain until the server's close frame (or the end). close_sent makes wsc_recv's reply a
     * no-op. */
    while (!self->closed) {
        int left = s_left(deadline);
        if (left == 0) return -1;
        uint8_t *b;
        size_t n;
        (void)wsc_recv(self, left, &b, &n, NULL);
    }
    return self->close_code != 1006 ? 0 : -1;
}

int wsc_http_get(const char *host, int port, const char *path, int timeout_ms, int *status,
                 char *body, size_t body_cap)
{
    int64_t deadline = s_now_ms() + timeout_ms;
    int fd = s_tcp_connect(host, port, deadline);
    if (fd < 0) return -1;
    char req[1024];
    int n = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: %s:%d\r\nConnection: close\r\n\r\n",
                     path, host, port);
    if (n < 0 || (size_t)n >= sizeof req ||
        s_write_all(fd, (const uint8_t *)req, (size_t)n, deadline) < 0) {
        close(fd);
        return -1;
    }
    size_t cap = 1 << 20, len = 0;
    char *resp = malloc(cap + 1);
    if (!resp) abort();
    /* Read until EOF or Content-Length is satisfied. */
    for (;;) {
        resp[len] = '\0';
        char *end = strstr(resp, "\r\n\r\n");
        if (end) {
            char cl[32];
            if (s_header(resp, "Content-Length", cl, sizeof cl)) {
                size_t want = (size_t)(end + 4 - resp) + strtoul(cl, NULL, 10);
                if (len >= want) break;
            } else if (s_header(resp, "Transfer-Encoding", cl, sizeof cl) &&
                       s_contains_token(cl, "chunked") && len >= 5 &&
                       !memcmp(resp + len - 5, "0\r\n\r\n", 5)) {
                break;
            }
        }
        if (len >= cap) break;
        ssize_t r = recv(fd, resp + len, cap - len, 0);
        if (r > 0) {
            len += (size_t)r;
            continue;
        }
        if (r == 0) break;
        if (errno == EINTR) continue;
        if ((errno == EAGAIN || errno == EWOULDBLOCK) && s_wait(fd, POLLIN, deadline) == 1)
            continue;
        s_err(errno == EAGAIN ? "HTTP GET timed out" : "recv: %s", strerror(errno));
        free(resp);
        close(fd);
        return -1;
    }
    close(fd);
    resp[len] = '\0';
    int code = s_status_code(resp);
    char *end = strstr(resp, "\r\n\r\n");
    if (code < 0 || !end) {
        s_err("malformed HTTP response");
        free(resp);
        return -1;
    }
    if (status) *status = code;
    char *b = end + 4;
    size_t bl = len - (size_t)(b - resp);
    char te[64];
    end[2] = '\0'; /* keep the last header line's CRLF for s_header */
    if (s_header(resp, "Transfer-Encoding", te, sizeof te) && s_contains_token(te, "chunked")) {
        /* Decode in place: size line, data, CRLF, ... until a 0 size. */
        size_t in = 0, out = 0;
        for (;;) {
            char *eol = strstr(b + in, "\r\n");
            if (!eol) break;
            size_t sz = strtoul(b + in, NULL, 16);
            in = (size_t)(eol + 2 - b);
            if (sz == 0 || in + sz > bl) break;
            memmove(b + out, b + in, sz);
            out += sz;
            in += sz + 2;
        }
        bl = out;
    }
    if (body && body_cap) {
        if (bl >= body_cap) bl = body_cap - 1;
        memcpy(body, b, bl);
        body[bl] = '\0';
    }
    free(resp);
    return 0;
}
