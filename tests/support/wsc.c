/* wsc: see wsc.h. The socket is non-blocking; every wait is a poll() against a deadline, and
 * between waits club_ws does the protocol. */
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

#include "client/wsframe.h"
#include "util.h"

struct wsc {
    int fd;        /* owned: closed by wsc_destroy */
    club_ws_t *ws; /* owned */
    int send_timeout_ms;
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

static int s_status_code(const char *head)
{
    int major, minor, code;
    if (sscanf(head, "HTTP/%d.%d %d", &major, &minor, &code) != 3) return -1;
    return code;
}

/* Writes everything club_ws has queued before deadline. 0 or -1. */
static int s_flush(wsc_t *self, int64_t deadline)
{
    for (;;) {
        int r = club_ws_send(self->ws, self->fd);
        if (r == 1) return 0;
        if (r < 0) {
            s_err("%s", club_ws_error(self->ws));
            return -1;
        }
        int w = s_wait(self->fd, POLLOUT, deadline);
        if (w == 0) {
            s_err("send timed out");
            return -1;
        }
        if (w < 0) {
            s_err("poll: %s", strerror(errno));
            return -1;
        }
    }
}

/* Reads more bytes into club_ws before deadline. 1 got bytes, 0 timeout, -1 connection over. */
static int s_fill(wsc_t *self, int64_t deadline)
{
    for (;;) {
        ssize_t r = club_ws_recv(self->ws, self->fd, NULL);
        if (r > 0) return 1;
        if (r < 0) {
            s_err("%s", club_ws_error(self->ws));
            return -1;
        }
        int w = s_wait(self->fd, POLLIN, deadline);
        if (w == 0) {
            s_err("timed out");
            return 0;
        }
        if (w < 0) {
            s_err("poll: %s", strerror(errno));
            club_ws_fail(self->ws, wsc_last_error());
            return -1;
        }
    }
}

wsc_t *wsc_connect(const char *host, int port, const char *path, const char *subprotocol,
                   int timeout_ms)
{
    int64_t deadline = s_now_ms() + timeout_ms;
    int fd = s_tcp_connect(host, port, deadline);
    if (fd < 0) return NULL;
    uint64_t seed = 0;
    if (club_random(&seed, sizeof seed) < 0) seed = (uint64_t)club_mono_ns();
    wsc_t *self = calloc(1, sizeof *self);
    if (!self) abort();
    self->fd = fd;
    self->ws = club_ws_new(seed, 65536);
    self->send_timeout_ms = 5000;
    if (club_ws_upgrade(self->ws, host, port, path, subprotocol, NULL) < 0) {
        s_err("%s", club_ws_error(self->ws));
        goto fail;
    }
    if (s_flush(self, deadline) < 0) goto fail;
    for (;;) {
        club_ws_msg_t m;
        club_ws_event_t ev = club_ws_next(self->ws, &m);
        if (ev == CLUB_WS_UPGRADED) return self;
        if (ev != CLUB_WS_AGAIN) {
            s_err("%s", club_ws_error(self->ws));
            goto fail;
        }
        int f = s_fill(self, deadline);
        if (f == 0) s_err("timed out waiting for the handshake response");
        if (f <= 0) goto fail;
    }
fail:
    wsc_destroy(&self);
    return NULL;
}

void wsc_destroy(wsc_t **self_p)
{
    if (!self_p || !*self_p) return;
    wsc_t *self = *self_p;
    if (self->fd >= 0) close(self->fd);
    club_ws_destroy(&self->ws);
    free(self);
    *self_p = NULL;
}

void wsc_set_send_timeout(wsc_t *self, int timeout_ms)
{
    self->send_timeout_ms = timeout_ms;
}

bool wsc_is_closed(const wsc_t *self)
{
    return club_ws_is_closed(self->ws);
}

int wsc_close_code(const wsc_t *self)
{
    return club_ws_close_code(self->ws);
}

const char *wsc_subprotocol(const wsc_t *self)
{
    return club_ws_subprotocol(self->ws);
}

int wsc_fd(const wsc_t *self)
{
    return self->fd;
}

bool wsc_has_buffered(const wsc_t *self)
{
    return club_ws_buffered(self->ws);
}

int wsc_send_frame(wsc_t *self, int opcode, bool fin, const void *buf, size_t len)
{
    if (!club_ws_can_send(self->ws)) {
        s_err("connection closed (code %d)", club_ws_close_code(self->ws));
        return -1;
    }
    club_ws_queue(self->ws, opcode, fin, buf, len);
    /* On failure the peer may have closed with a close frame not read yet: the connection's
     * state is left to wsc_recv, which reads what is left. */
    return s_flush(self, s_now_ms() + self->send_timeout_ms);
}

int wsc_send_binary(wsc_t *self, const void *buf, size_t len)
{
    return wsc_send_frame(self, WSC_OP_BINARY, true, buf, len);
}

int wsc_send_text(wsc_t *self, const char *buf, size_t len)
{
    return wsc_send_frame(self, WSC_OP_TEXT, true, buf, len);
}

int wsc_recv(wsc_t *self, int timeout_ms, uint8_t **buf, size_t *len, int *opcode)
{
    int64_t deadline = s_now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
    if (club_ws_is_closed(self->ws)) {
        s_err("connection closed (code %d)", club_ws_close_code(self->ws));
        return -1;
    }
    for (;;) {
        club_ws_msg_t m;
        club_ws_event_t ev = club_ws_next(self->ws, &m);
        /* Pongs and the reply to a close frame, queued on the way. */
        if (club_ws_queued(self->ws)) (void)s_flush(self, s_now_ms() + self->send_timeout_ms);
        switch (ev) {
        case CLUB_WS_MESSAGE:
            if (buf) *buf = m.data;
            if (len) *len = m.len;
            if (opcode) *opcode = m.opcode;
            return 0;
        case CLUB_WS_CLOSED:
        case CLUB_WS_FAILED:
            shutdown(self->fd, SHUT_WR);
            s_err("%s", club_ws_error(self->ws));
            return -1;
        case CLUB_WS_UPGRADED: /* only in wsc_connect */
            continue;
        case CLUB_WS_AGAIN:
            if (s_fill(self, deadline) <= 0) return -1;
            continue;
        }
    }
}

int wsc_close(wsc_t *self, int code, int timeout_ms)
{
    if (club_ws_is_closed(self->ws)) return 0;
    int64_t deadline = s_now_ms() + timeout_ms;
    club_ws_close(self->ws, code); /* once: a no-op when ours went already */
    if (club_ws_queued(self->ws) && s_flush(self, deadline) < 0) {
        club_ws_fail(self->ws, wsc_last_error());
        return -1;
    }
    /* Drain until the server's close frame (or the end); it needs no reply now. */
    while (!club_ws_is_closed(self->ws)) {
        int left = s_left(deadline);
        if (left == 0) return -1;
        (void)wsc_recv(self, left, NULL, NULL, NULL);
    }
    return club_ws_close_code(self->ws) != 1006 ? 0 : -1;
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
            size_t hl = (size_t)(end + 4 - resp);
            const char *v;
            size_t vl;
            if (club_wsf_http_header(resp, hl, "Content-Length", &v, &vl)) {
                size_t want = hl + strtoul(v, NULL, 10); /* v ends at its line's CR */
                if (len >= want) break;
            } else if (club_wsf_http_header(resp, hl, "Transfer-Encoding", &v, &vl) &&
                       club_wsf_http_has_token(v, vl, "chunked") && len >= 5 &&
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
    const char *te;
    size_t tel;
    if (club_wsf_http_header(resp, (size_t)(b - resp), "Transfer-Encoding", &te, &tel) &&
        club_wsf_http_has_token(te, tel, "chunked")) {
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
