/* lws_echo: the ceiling of the edge's transport, for bench/compare.
 *
 * A libwebsockets 4.1 server that does what club-edge does on the wire and nothing behind it:
 * each binary frame is one msgpack map {rid, ...}; the reply {rid, ok: true, data: {}} goes
 * out as one binary frame. A text frame or a frame that is not a msgpack map gets
 * {rid: 0, ok: false, error: {code: "BAD_REQUEST", message}} as the protocol says.
 *
 * It is set up the way edge/main.c and edge/ws.c set up lws, so the gap between this server
 * and club-edge is the edge's own work (auth check, rate limit, ZeroMQ, broker, worker) and
 * not a different transport: one service thread on the default poll loop, rx_buffer_size
 * 2048 (longer messages arrive in pieces and are gathered here), tx_packet_size big enough
 * for a whole frame per send(), and a reply written at once when nothing waits ahead of it,
 * else queued per connection and written in one WRITEABLE callback until lws says the pipe
 * is choked.
 *
 * Built by bench/compare with gcc and pkg-config (never committed as a binary):
 *   gcc -O2 -o lws_echo lws_echo.c $(pkg-config --cflags --libs libwebsockets)
 * Run:
 *   lws_echo [--host 127.0.0.1] [--port 0]   prints "listening PORT" on stdout once ready;
 *   SIGINT or SIGTERM stops it and prints how many messages it answered on stderr. */
#include <arpa/inet.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libwebsockets.h>

#define MAX_MSG   65536 /* the protocol refuses bigger frames (close 1009) */
#define RX_PIECE  2048  /* lws rx buffer per connection, as in club-edge */
#define REPLY_MAX 96    /* the longest reply this server builds */
#define Q_HIGH    4096  /* replies queued on one connection before we stop reading it */
#define MAX_DEPTH 32    /* nesting a request may have before we call it bad */

typedef struct {
    uint16_t len;
    uint8_t buf[LWS_PRE + REPLY_MAX];
} reply_t;

/* Per connection (lws allocates and zeroes it; freed at LWS_CALLBACK_CLOSED). */
typedef struct {
    uint8_t *rx; /* a message that arrived in pieces */
    size_t rx_len, rx_cap;
    bool rx_text, rx_too_big;
    reply_t *q; /* replies waiting for WRITEABLE: q[q_head .. q_len) */
    size_t q_head, q_len, q_cap;
    bool throttled; /* rx flow control is off */
} conn_t;

static volatile sig_atomic_t s_stop;
static struct lws_context *s_ctx;
static uint64_t s_answered, s_bad;

static void s_on_signal(int sig)
{
    (void)sig;
    s_stop = 1;
    if (s_ctx) lws_cancel_service(s_ctx); /* the one lws call that is safe here */
}

/* ---- a minimal msgpack reader: bounds-checked, finds "rid" in the top-level map ---- */

typedef struct {
    const uint8_t *p, *end;
} rd_t;

static bool s_take(rd_t *r, size_t n, const uint8_t **out)
{
    if ((size_t)(r->end - r->p) < n) return false;
    if (out) *out = r->p;
    r->p += n;
    return true;
}

static bool s_be(rd_t *r, size_t n, uint64_t *v)
{
    const uint8_t *b;
    if (!s_take(r, n, &b)) return false;
    *v = 0;
    for (size_t i = 0; i < n; i++)
        *v = *v << 8 | b[i];
    return true;
}

/* Skips one value of any type. */
static bool s_skip(rd_t *r, int depth)
{
    const uint8_t *t;
    uint64_t n = 0, count = 0;
    if (depth > MAX_DEPTH || !s_take(r, 1, &t)) return false;
    uint8_t c = *t;
    if (c <= 0x7f || c >= 0xe0 || c == 0xc0 || c == 0xc2 || c == 0xc3) return true;
    if ((c & 0xe0) == 0xa0) return s_take(r, c & 0x1f, NULL);
    if ((c & 0xf0) == 0x90) {
        count = c & 0x0f;
        goto array;
    }
    if ((c & 0xf0) == 0x80) {
        count = (uint64_t)(c & 0x0f) * 2;
        goto array;
    }
    switch (c) {
    case 0xcc:
    case 0xd0:
        return s_take(r, 1, NULL);
    case 0xcd:
    case 0xd1:
        return s_take(r, 2, NULL);
    case 0xce:
    case 0xd2:
    case 0xca:
        return s_take(r, 4, NULL);
    case 0xcf:
    case 0xd3:
    case 0xcb:
        return s_take(r, 8, NULL);
    case 0xd4:
        return s_take(r, 2, NULL); /* fixext: type + data */
    case 0xd5:
        return s_take(r, 3, NULL);
    case 0xd6:
        return s_take(r, 5, NULL);
    case 0xd7:
        return s_take(r, 9, NULL);
    case 0xd8:
        return s_take(r, 17, NULL);
    case 0xc4:
    case 0xd9:
        return s_be(r, 1, &n) && s_take(r, n, NULL);
    case 0xc5:
    case 0xda:
        return s_be(r, 2, &n) && s_take(r, n, NULL);
    case 0xc6:
    case 0xdb:
        return s_be(r, 4, &n) && s_take(r, n, NULL);
    case 0xc7:
        return s_be(r, 1, &n) && s_take(r, n + 1, NULL);
    case 0xc8:
        return s_be(r, 2, &n) && s_take(r, n + 1, NULL);
    case 0xc9:
        return s_be(r, 4, &n) && s_take(r, n + 1, NULL);
    case 0xdc:
        if (!s_be(r, 2, &count)) return false;
        goto array;
    case 0xdd:
        if (!s_be(r, 4, &count)) return false;
        goto array;
    case 0xde:
        if (!s_be(r, 2, &count)) return false;
        count *= 2;
        goto array;
    case 0xdf:
        if (!s_be(r, 4, &count)) return false;
        count *= 2;
        goto array;
    default:
        return false; /* 0xc1 is never used */
    }
array:
    if (count > (uint64_t)(r->end - r->p)) return false; /* every element takes a byte */
    for (uint64_t i = 0; i < count; i++)
        if (!s_skip(r, depth + 1)) return false;
    return true;
}

/* Reads a string header; *s and *len point into the buffer. */
static bool s_str(rd_t *r, const uint8_t **s, uint64_t *len)
{
    const uint8_t *t;
    if (!s_take(r, 1, &t)) return false;
    uint8_t c = *t;
    if ((c & 0xe0) == 0xa0)
        *len = c & 0x1f;
    else if (c == 0xd9) {
        if (!s_be(r, 1, len)) return false;
    } else if (c == 0xda) {
        if (!s_be(r, 2, len)) return false;
    } else if (c == 0xdb) {
        if (!s_be(r, 4, len)) return false;
    } else
        return false;
    return s_take(r, *len, s);
}

/* A non-negative integer that fits a u32 (the protocol's rid). */
static bool s_u32(rd_t *r, uint32_t *v)
{
    const uint8_t *t;
    uint64_t n;
    if (!s_take(r, 1, &t)) return false;
    uint8_t c = *t;
    if (c <= 0x7f) {
        *v = c;
        return true;
    }
    switch (c) {
    case 0xcc:
    case 0xd0:
        if (!s_be(r, 1, &n)) return false;
        break;
    case 0xcd:
    case 0xd1:
        if (!s_be(r, 2, &n)) return false;
        break;
    case 0xce:
    case 0xd2:
        if (!s_be(r, 4, &n)) return false;
        break;
    case 0xcf:
    case 0xd3:
        if (!s_be(r, 8, &n)) return false;
        break;
    default:
        return false;
    }
    if (((c == 0xd0 && (n & 0x80)) || (c == 0xd1 && (n & 0x8000)) ||
         (c == 0xd2 && (n & 0x80000000u)) || (c == 0xd3 && (n >> 63))) ||
        n > UINT32_MAX)
        return false; /* negative, or too big */
    *v = (uint32_t)n;
    return true;
}

/* Parses a request. Returns true with *rid set (0 when absent) for a well-formed map. */
static bool s_parse(const uint8_t *msg, size_t len, uint32_t *rid)
{
    rd_t r = {msg, msg + len};
    const uint8_t *t;
    uint64_t pairs;
    *rid = 0;
    if (!s_take(&r, 1, &t)) return false;
    if ((*t & 0xf0) == 0x80)
        pairs = *t & 0x0f;
    else if (*t == 0xde) {
        if (!s_be(&r, 2, &pairs)) return false;
    } else if (*t == 0xdf) {
        if (!s_be(&r, 4, &pairs)) return false;
    } else
        return false;
    for (uint64_t i = 0; i < pairs; i++) {
        const uint8_t *k;
        uint64_t kl;
        if (!s_str(&r, &k, &kl)) return false; /* keys are strings */
        if (kl == 3 && !memcmp(k, "rid", 3)) {
            if (!s_u32(&r, rid)) return false;
        } else if (!s_skip(&r, 1)) {
            return false;
        }
    }
    return r.p == r.end;
}

/* ---- replies ---- */

static uint8_t *s_put_u32(uint8_t *p, uint32_t v)
{
    if (v <= 0x7f) {
        *p++ = (uint8_t)v;
    } else if (v <= 0xff) {
        *p++ = 0xcc;
        *p++ = (uint8_t)v;
    } else if (v <= 0xffff) {
        *p++ = 0xcd;
        *p++ = (uint8_t)(v >> 8);
        *p++ = (uint8_t)v;
    } else {
        *p++ = 0xce;
        *p++ = (uint8_t)(v >> 24);
        *p++ = (uint8_t)(v >> 16);
        *p++ = (uint8_t)(v >> 8);
        *p++ = (uint8_t)v;
    }
    return p;
}

static uint8_t *s_put_str(uint8_t *p, const char *s)
{
    size_t n = strlen(s); /* only our own short constants */
    *p++ = (uint8_t)(0xa0 | n);
    memcpy(p, s, n);
    return p + n;
}

/* Writes m's msgpack reply after its LWS_PRE headroom. */
static void s_build(reply_t *m, bool ok, uint32_t rid, const char *why)
{
    uint8_t *start = m->buf + LWS_PRE, *p = start;
    *p++ = 0x83;
    p = s_put_str(p, "rid");
    p = s_put_u32(p, rid);
    p = s_put_str(p, "ok");
    if (ok) {
        *p++ = 0xc3;
        p = s_put_str(p, "data");
        *p++ = 0x80;
    } else {
        *p++ = 0xc2;
        p = s_put_str(p, "error");
        *p++ = 0x82;
        p = s_put_str(p, "code");
        p = s_put_str(p, "BAD_REQUEST");
        p = s_put_str(p, "message");
        p = s_put_str(p, why);
    }
    m->len = (uint16_t)(p - start);
}

/* Sends one reply: at once when nothing waits ahead of it (as club-edge does: lws keeps
 * what the socket does not take and sends it first), else queued for WRITEABLE. Returns -1
 * when the write failed or memory ran out (close it). */
static int s_send(struct lws *wsi, conn_t *c, bool ok, uint32_t rid, const char *why)
{
    if (c->q_head == c->q_len && !lws_partial_buffered(wsi)) {
        reply_t now;
        s_build(&now, ok, rid, why);
        return lws_write(wsi, now.buf + LWS_PRE, now.len, LWS_WRITE_BINARY) < 0 ? -1 : 0;
    }
    if (c->q_len == c->q_cap) {
        if (c->q_head > 0) { /* slide what is left to the front */
            memmove(c->q, c->q + c->q_head, (c->q_len - c->q_head) * sizeof *c->q);
            c->q_len -= c->q_head;
            c->q_head = 0;
        }
        if (c->q_len == c->q_cap) {
            size_t cap = c->q_cap ? c->q_cap * 2 : 4;
            reply_t *q = realloc(c->q, cap * sizeof *q);
            if (!q) return -1;
            c->q = q;
            c->q_cap = cap;
        }
    }
    s_build(&c->q[c->q_len++], ok, rid, why);
    if (c->q_len - c->q_head >= Q_HIGH && !c->throttled) {
        c->throttled = true; /* a client that sends and never reads: stop reading it */
        lws_rx_flow_control(wsi, 0);
    }
    lws_callback_on_writable(wsi);
    return 0;
}

static int s_on_message(struct lws *wsi, conn_t *c, const uint8_t *msg, size_t len, bool text)
{
    uint32_t rid;
    if (text) {
        s_bad++;
        return s_send(wsi, c, false, 0, "text frames are not accepted");
    }
    if (!s_parse(msg, len, &rid)) {
        s_bad++;
        return s_send(wsi, c, false, 0, "not a msgpack map");
    }
    s_answered++;
    return s_send(wsi, c, true, rid, NULL);
}

/* A piece of a message: whole small messages (the usual case) are answered straight from
 * lws's buffer; longer ones are gathered first. */
static int s_on_receive(struct lws *wsi, conn_t *c, const uint8_t *in, size_t len)
{
    bool first = lws_is_first_fragment(wsi),
         last = lws_is_final_fragment(wsi) && !lws_remaining_packet_payload(wsi);
    if (first) {
        c->rx_len = 0;
        c->rx_text = !lws_frame_is_binary(wsi);
        c->rx_too_big = false;
    }
    if (first && last) return s_on_message(wsi, c, in, len, c->rx_text);
    if (c->rx_len + len > MAX_MSG) c->rx_too_big = true;
    if (!c->rx_too_big) {
        if (c->rx_len + len > c->rx_cap) {
            size_t cap = c->rx_cap ? c->rx_cap : 4096;
            while (cap < c->rx_len + len)
                cap *= 2;
            uint8_t *rx = realloc(c->rx, cap);
            if (!rx) return -1;
            c->rx = rx;
            c->rx_cap = cap;
        }
        memcpy(c->rx + c->rx_len, in, len);
        c->rx_len += len;
    }
    if (!last) return 0;
    if (c->rx_too_big) {
        lws_close_reason(wsi, LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE, NULL, 0);
        return -1;
    }
    return s_on_message(wsi, c, c->rx, c->rx_len, c->rx_text);
}

static int s_on_writeable(struct lws *wsi, conn_t *c)
{
    while (c->q_head < c->q_len) {
        reply_t *m = &c->q[c->q_head++];
        int n = lws_write(wsi, m->buf + LWS_PRE, m->len, LWS_WRITE_BINARY);
        if (n < (int)m->len) return -1;
        if (c->q_head < c->q_len && lws_send_pipe_choked(wsi)) break;
    }
    if (c->q_head < c->q_len) {
        lws_callback_on_writable(wsi);
        return 0;
    }
    c->q_head = c->q_len = 0;
    if (c->throttled) {
        c->throttled = false;
        lws_rx_flow_control(wsi, 1);
    }
    return 0;
}

static int s_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                      size_t len)
{
    conn_t *c = user;
    switch (reason) {
    case LWS_CALLBACK_ESTABLISHED:
        memset(c, 0, sizeof *c);
        return 0;
    case LWS_CALLBACK_RECEIVE:
        return s_on_receive(wsi, c, in, len);
    case LWS_CALLBACK_SERVER_WRITEABLE:
        return s_on_writeable(wsi, c);
    case LWS_CALLBACK_CLOSED:
        free(c->rx);
        free(c->q);
        c->rx = NULL;
        c->q = NULL;
        return 0;
    default:
        return lws_callback_http_dummy(wsi, reason, user, in, len);
    }
}

static struct lws_protocols s_protocols[] = {
    /* First = the default: a client that names no subprotocol gets it too. */
    {"club.v1", s_callback, sizeof(conn_t), RX_PIECE, 0, NULL, MAX_MSG + 64},
    {NULL, NULL, 0, 0, 0, NULL, 0},
};

static void s_usage(FILE *f)
{
    fprintf(f, "usage: lws_echo [--host ADDR] [--port PORT]\n"
               "  A libwebsockets echo for bench/compare: each binary msgpack map {rid, ...}\n"
               "  gets {rid, ok: true, data: {}}. Listens on ADDR (default 127.0.0.1) and PORT\n"
               "  (default 0: any free port); prints \"listening PORT\" when ready.\n");
}

int main(int argc, char **argv)
{
    const char *host = "127.0.0.1";
    int port = 0;
    static const struct option opts[] = {
        {"host", required_argument, NULL, 'H'},
        {"port", required_argument, NULL, 'p'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int o;
    while ((o = getopt_long(argc, argv, "H:p:h", opts, NULL)) != -1) {
        switch (o) {
        case 'H':
            host = optarg;
            break;
        case 'p': {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (*end || v < 0 || v > 65535) {
                fprintf(stderr, "lws_echo: --port wants 0..65535, not '%s'\n", optarg);
                return 2;
            }
            port = (int)v;
            break;
        }
        case 'h':
            s_usage(stdout);
            return 0;
        default:
            s_usage(stderr);
            return 2;
        }
    }

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = s_on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    lws_set_log_level(LLL_ERR, NULL);

    struct lws_context_creation_info info;
    memset(&info, 0, sizeof info);
    info.options = LWS_SERVER_OPTION_EXPLICIT_VHOSTS;
    s_ctx = lws_create_context(&info);
    if (!s_ctx) {
        fprintf(stderr, "lws_echo: cannot create the lws context\n");
        return 1;
    }
    info.vhost_name = "echo";
    info.port = port; /* 0: lws binds a free port (lws_get_vhost_listen_port) */
    info.iface = host;
    struct in_addr a4;
    if (inet_pton(AF_INET, host, &a4) == 1) info.options |= LWS_SERVER_OPTION_DISABLE_IPV6;
    info.protocols = s_protocols;
    struct lws_vhost *vh = lws_create_vhost(s_ctx, &info);
    if (!vh) {
        fprintf(stderr, "lws_echo: cannot listen on %s:%d\n", host, info.port);
        lws_context_destroy(s_ctx);
        return 1;
    }
    printf("listening %d\n", lws_get_vhost_listen_port(vh));
    fflush(stdout);

    while (!s_stop)
        if (lws_service(s_ctx, 0) < 0) break;

    lws_context_destroy(s_ctx);
    fprintf(stderr, "lws_echo: answered %llu requests, %llu bad\n", (unsigned long long)s_answered,
            (unsigned long long)s_bad);
    return 0;
}
