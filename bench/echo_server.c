/* club-bench-echo: a minimal WebSocket server that answers like an edge with nothing behind it.
 *
 * It exists to measure club-bench itself: every binary msgpack request {rid, op, ...} gets
 * {rid, ok:true, data:{}} at once, so the bench's ceiling against it is the bench's own cost
 * (plus this server's, which does less work per message than the bench). One thread, one
 * epoll loop, level-triggered, non-blocking sockets; per connection one receive and one send
 * buffer that grow to the working size and are then reused, one read() and one write() per
 * wake-up however many frames they carry.
 *
 * Not a general WebSocket server: fragmented messages are refused (close 1003), frames over
 * 64 KiB close the connection with 1009, there is no TLS and no idle ping. */
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <msgpack.h>

#include "client/mpr.h"
#include "client/wsframe.h"

#ifndef CLUB_VERSION
#define CLUB_VERSION "dev"
#endif

#define MAX_HEAD 8192
#define MAX_MSG  65536
#define OUT_HIGH (256u * 1024u) /* stop reading a connection whose replies pile up past this */

typedef struct conn conn_t;
struct conn {
    conn_t *prev, *next; /* every connection, for --ping */
    int fd;
    bool open;    /* handshake done */
    bool closing; /* close frame sent: flush, then close */
    bool reading; /* EPOLLIN registered */
    bool writing; /* EPOLLOUT registered */
    uint8_t *in;
    size_t in_len, in_cap;
    uint8_t *out;
    size_t out_off, out_len, out_cap;
};

static volatile sig_atomic_t s_stop;
static uint64_t s_msgs, s_conns_total, s_pings, s_pongs;
static conn_t *s_all;   /* list of connections */
static long s_ping_ms;  /* --ping MS: ping every open connection this often */
static bool s_fragment; /* --fragment: send each reply as two frames */
static long s_token_s;  /* --tokens S: auth ops get access tokens that expire in S seconds */
static uint64_t s_tokens;
static long s_print; /* --print N: show the first N requests decoded */

/* --error OP:CODE[:PERCENT]: answer that op with an error instead (to test clients' error
 * handling, e.g. auth.register:INVALID_INVITE or slot.spin:INSUFFICIENT_FUNDS:5). */
typedef struct {
    char op[64];
    char code[32];
    unsigned percent;
    uint64_t seen;
} err_rule_t;
static err_rule_t s_rules[8];
static int s_nrules;

static void s_on_signal(int sig)
{
    (void)sig;
    s_stop = 1;
}

static void *s_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n);
    if (!q) {
        fprintf(stderr, "club-bench-echo: out of memory\n");
        abort();
    }
    return q;
}

static void s_reserve_out(conn_t *c, size_t more)
{
    if (c->out_off && c->out_off == c->out_len) c->out_off = c->out_len = 0;
    if (c->out_len + more <= c->out_cap) return;
    if (c->out_off) {
        memmove(c->out, c->out + c->out_off, c->out_len - c->out_off);
        c->out_len -= c->out_off;
        c->out_off = 0;
        if (c->out_len + more <= c->out_cap) return;
    }
    size_t cap = c->out_cap ? c->out_cap : 4096;
    while (cap < c->out_len + more)
        cap *= 2;
    c->out = s_xrealloc(c->out, cap);
    c->out_cap = cap;
}

static void s_frame(conn_t *c, int opcode, const void *payload, size_t len)
{
    s_reserve_out(c, CLUB_WSF_MAX_HDR + len);
    c->out_len += club_wsf_hdr(c->out + c->out_len, opcode, true, len, NULL);
    if (len) memcpy(c->out + c->out_len, payload, len);
    c->out_len += len;
}

static void s_close_frame(conn_t *c, int code)
{
    uint8_t b[2] = {(uint8_t)(code >> 8), (uint8_t)code};
    if (!c->closing) s_frame(c, CLUB_WSF_CLOSE, b, 2);
    c->closing = true;
}

/* The reply to a request whose rid is `rid`: {rid, ok:true, data:{}}, written straight into
 * the send buffer (20 payload bytes, rid always as uint32). */
static void s_reply_ok(conn_t *c, uint32_t rid)
{
    static const uint8_t tmpl[22] = {0x82, 20,   0x83, 0xa3, 'r',  'i',  'd', 0xce, 0,   0,   0,
                                     0,    0xa2, 'o',  'k',  0xc3, 0xa4, 'd', 'a',  't', 'a', 0x80};
    s_reserve_out(c, sizeof tmpl + 2);
    uint8_t *p = c->out + c->out_len;
    memcpy(p, tmpl, sizeof tmpl);
    p[8] = (uint8_t)(rid >> 24);
    p[9] = (uint8_t)(rid >> 16);
    p[10] = (uint8_t)(rid >> 8);
    p[11] = (uint8_t)rid;
    if (s_fragment) {
        /* binary without FIN carrying 9 bytes, then a final continuation with the other 11 */
        memmove(p + 13, p + 11, 11);
        p[0] = 0x02;
        p[1] = 9;
        p[11] = 0x80;
        p[12] = 11;
        c->out_len += 2;
    }
    c->out_len += sizeof tmpl;
}

static void s_reply_err(conn_t *c, uint32_t rid, const char *code, const char *why)
{
    uint8_t b[256];
    size_t n = 0, wl = strlen(why);
    if (wl > 120) wl = 120;
    b[n++] = 0x83;
    memcpy(b + n, "\xa3rid\xce", 5), n += 5;
    b[n++] = (uint8_t)(rid >> 24), b[n++] = (uint8_t)(rid >> 16);
    b[n++] = (uint8_t)(rid >> 8), b[n++] = (uint8_t)rid;
    memcpy(b + n, "\xa2ok\xc2", 4), n += 4;
    memcpy(b + n,
           "\xa5"
           "error"
           "\x82",
           7),
        n += 7;
    size_t cl = strlen(code);
    memcpy(b + n,
           "\xa4"
           "code",
           5),
        n += 5;
    b[n++] = (uint8_t)(0xa0 | cl);
    memcpy(b + n, code, cl), n += cl;
    memcpy(b + n,
           "\xa7"
           "message",
           8),
        n += 8;
    b[n++] = 0xd9, b[n++] = (uint8_t)wl;
    memcpy(b + n, why, wl), n += wl;
    s_frame(c, CLUB_WSF_BINARY, b, n);
}

static void s_reply_bad(conn_t *c, uint32_t rid, const char *why)
{
    s_reply_err(c, rid, "BAD_REQUEST", why);
}

/* The op of a request, or -1 (only with --error or --tokens). */
static int s_find_op(const uint8_t *buf, size_t len, const char **op, uint32_t *op_len)
{
    club_mpr_t r;
    club_mpr_init(&r, buf, len);
    if (club_mpr_find(&r, "op") < 0) return -1;
    return club_mpr_str(&r, op, op_len);
}

static err_rule_t *s_rule(const char *op, uint32_t op_len)
{
    for (int j = 0; j < s_nrules; j++)
        if (strlen(s_rules[j].op) == op_len && !memcmp(s_rules[j].op, op, op_len)) {
            err_rule_t *rule = &s_rules[j];
            rule->seen++;
            /* every (100/percent)-th request, deterministic */
            if (rule->percent >= 100 ||
                (rule->seen * rule->percent) / 100 != ((rule->seen - 1) * rule->percent) / 100)
                return rule;
            return NULL;
        }
    return NULL;
}

static bool s_op_is(const char *op, uint32_t len, const char *lit)
{
    return op && strlen(lit) == len && !memcmp(op, lit, len);
}

/* --tokens: {rid, ok:true, data:{access_token: <JWT expiring in s_token_s>, refresh_token}}
 * for the auth ops, so a client's token refresh can be tested. */
static void s_reply_tokens(conn_t *c, uint32_t rid)
{
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    char json[64], payload[128], jwt[256];
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    int jl = snprintf(json, sizeof json, "{\"exp\":%lld}", (long long)ts.tv_sec + s_token_s);
    size_t o = 0;
    for (int i = 0; i < jl; i += 3) {
        uint32_t v = (uint32_t)(uint8_t)json[i] << 16;
        if (i + 1 < jl) v |= (uint32_t)(uint8_t)json[i + 1] << 8;
        if (i + 2 < jl) v |= (uint8_t)json[i + 2];
        payload[o++] = b64[(v >> 18) & 63];
        payload[o++] = b64[(v >> 12) & 63];
        if (i + 1 < jl) payload[o++] = b64[(v >> 6) & 63];
        if (i + 2 < jl) payload[o++] = b64[v & 63];
    }
    payload[o] = '\0';
    snprintf(jwt, sizeof jwt, "eyJhbGciOiJIUzI1NiJ9.%s.c2ln", payload);
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    msgpack_pack_map(&pk, 3);
    msgpack_pack_str_with_body(&pk, "rid", 3);
    msgpack_pack_uint32(&pk, rid);
    msgpack_pack_str_with_body(&pk, "ok", 2);
    msgpack_pack_true(&pk);
    msgpack_pack_str_with_body(&pk, "data", 4);
    msgpack_pack_map(&pk, 2);
    msgpack_pack_str_with_body(&pk, "access_token", 12);
    msgpack_pack_str_with_body(&pk, jwt, strlen(jwt));
    msgpack_pack_str_with_body(&pk, "refresh_token", 13);
    msgpack_pack_str_with_body(&pk, "echo-refresh", 12);
    s_frame(c, CLUB_WSF_BINARY, sb.data, sb.size);
    msgpack_sbuffer_destroy(&sb);
    s_tokens++;
}

/* The rid of a request map: walks the top-level keys only until "rid". */
static int s_find_rid(const uint8_t *buf, size_t len, uint32_t *rid)
{
    club_mpr_t r;
    uint64_t v;
    club_mpr_init(&r, buf, len);
    if (club_mpr_find(&r, "rid") < 0 || club_mpr_uint(&r, &v) < 0 || v > UINT32_MAX) return -1;
    *rid = (uint32_t)v;
    return 0;
}

static int s_handshake(conn_t *c)
{
    if (c->in_len < 4) return 0;
    uint8_t *end = memmem(c->in, c->in_len, "\r\n\r\n", 4);
    if (!end) return c->in_len >= MAX_HEAD ? -1 : 0;
    size_t hl = (size_t)(end + 4 - c->in);
    const char *head = (const char *)c->in;
    const char *key, *proto;
    size_t kl, pl;
    if (hl < 4 || memcmp(head, "GET ", 4) != 0 ||
        !club_wsf_http_header(head, hl, "Sec-WebSocket-Key", &key, &kl) || kl == 0 || kl > 60) {
        static const char bad[] = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n"
                                  "Connection: close\r\n\r\n";
        s_reserve_out(c, sizeof bad);
        memcpy(c->out + c->out_len, bad, sizeof bad - 1);
        c->out_len += sizeof bad - 1;
        c->closing = true;
        c->in_len = 0;
        return 1;
    }
    char accept[29];
    club_wsf_accept(key, kl, accept);
    bool club = club_wsf_http_header(head, hl, "Sec-WebSocket-Protocol", &proto, &pl) &&
                club_wsf_http_has_token(proto, pl, "club.v1");
    char resp[256];
    int n = snprintf(resp, sizeof resp,
                     "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                     "Connection: Upgrade\r\nSec-WebSocket-Accept: %s\r\n%s\r\n",
                     accept, club ? "Sec-WebSocket-Protocol: club.v1\r\n" : "");
    s_reserve_out(c, (size_t)n);
    memcpy(c->out + c->out_len, resp, (size_t)n);
    c->out_len += (size_t)n;
    memmove(c->in, c->in + hl, c->in_len - hl);
    c->in_len -= hl;
    c->open = true;
    return 1;
}

/* Handles every whole frame in the receive buffer. -1 to drop the connection at once. */
static int s_frames(conn_t *c)
{
    size_t pos = 0;
    while (!c->closing) {
        club_wsf_frame_t f;
        int r = club_wsf_parse(c->in + pos, c->in_len - pos, &f);
        if (r < 0 || (r == 1 && !f.masked)) {
            s_close_frame(c, 1002);
            break;
        }
        if (r == 0) break;
        if (f.len > MAX_MSG) {
            s_close_frame(c, 1009);
            break;
        }
        if (c->in_len - pos < f.hdr + f.len) break;
        uint8_t *pl = c->in + pos + f.hdr;
        size_t n = (size_t)f.len;
        club_wsf_mask(pl, n, f.key);
        pos += f.hdr + n;
        switch (f.opcode) {
        case CLUB_WSF_BINARY: {
            if (!f.fin) {
                s_close_frame(c, 1003);
                break;
            }
            uint32_t rid = 0;
            s_msgs++;
            if (s_print > 0) {
                s_print--;
                msgpack_unpacked u;
                msgpack_unpacked_init(&u);
                size_t off = 0;
                if (msgpack_unpack_next(&u, (const char *)pl, n, &off) == MSGPACK_UNPACK_SUCCESS &&
                    off == n) {
                    msgpack_object_print(stderr, u.data);
                    fputc('\n', stderr);
                } else {
                    fprintf(stderr, "(%zu bytes that are not one msgpack value)\n", n);
                }
                msgpack_unpacked_destroy(&u);
            }
            const char *op = NULL;
            uint32_t op_len = 0;
            if (s_nrules || s_token_s) (void)s_find_op(pl, n, &op, &op_len);
            err_rule_t *rule = op && s_nrules ? s_rule(op, op_len) : NULL;
            if (s_find_rid(pl, n, &rid) < 0)
                s_reply_bad(c, 0, "a request is one msgpack map {rid, op, args}");
            else if (rule)
                s_reply_err(c, rid, rule->code, "club-bench-echo --error");
            else if (s_token_s &&
                     (s_op_is(op, op_len, "auth.register") || s_op_is(op, op_len, "auth.login") ||
                      s_op_is(op, op_len, "auth.refresh")))
                s_reply_tokens(c, rid);
            else
                s_reply_ok(c, rid);
            break;
        }
        case CLUB_WSF_TEXT:
            if (!f.fin)
                s_close_frame(c, 1003);
            else
                s_reply_bad(c, 0, "frames must be binary msgpack maps, not text");
            break;
        case CLUB_WSF_PING:
            s_frame(c, CLUB_WSF_PONG, pl, n);
            break;
        case CLUB_WSF_PONG:
            s_pongs++;
            break;
        case CLUB_WSF_CLOSE:
            s_close_frame(c, n >= 2 ? (pl[0] << 8) | pl[1] : 1000);
            break;
        default:
            s_close_frame(c, 1003);
            break;
        }
    }
    if (pos) {
        memmove(c->in, c->in + pos, c->in_len - pos);
        c->in_len -= pos;
    }
    return 0;
}

static void s_drop(int ep, conn_t *c)
{
    if (c->prev)
        c->prev->next = c->next;
    else
        s_all = c->next;
    if (c->next) c->next->prev = c->prev;
    epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    free(c->in);
    free(c->out);
    free(c);
}

static void s_interest(int ep, conn_t *c)
{
    size_t pending = c->out_len - c->out_off;
    bool want_out = pending > 0;
    bool want_in = !c->closing && pending < OUT_HIGH;
    if (want_out == c->writing && want_in == c->reading) return;
    struct epoll_event ev = {.events = (want_in ? EPOLLIN : 0) | (want_out ? EPOLLOUT : 0),
                             .data.ptr = c};
    epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
    c->writing = want_out;
    c->reading = want_in;
}

/* Writes what is queued. -1 when the connection is gone (or done closing). */
static int s_flush(conn_t *c)
{
    while (c->out_off < c->out_len) {
        ssize_t w = send(c->fd, c->out + c->out_off, c->out_len - c->out_off, MSG_NOSIGNAL);
        if (w > 0) {
            c->out_off += (size_t)w;
            continue;
        }
        if (w < 0 && errno == EINTR) continue;
        if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return 0;
        return -1;
    }
    c->out_off = c->out_len = 0;
    return c->closing ? -1 : 0;
}

static int s_on_readable(conn_t *c)
{
    for (int rounds = 0; rounds < 4; rounds++) {
        size_t want = c->open ? MAX_MSG + CLUB_WSF_MAX_HDR : MAX_HEAD;
        if (c->in_cap - c->in_len < 4096 && c->in_cap < want + 4096) {
            size_t cap = c->in_cap ? c->in_cap * 2 : 16384;
            c->in = s_xrealloc(c->in, cap);
            c->in_cap = cap;
        }
        size_t room = c->in_cap - c->in_len;
        ssize_t r = recv(c->fd, c->in + c->in_len, room, 0);
        if (r == 0) return -1;
        if (r < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) return 0;
            return -1;
        }
        c->in_len += (size_t)r;
        if (!c->open) {
            int h = s_handshake(c);
            if (h < 0) return -1;
            if (h == 0) continue;
        }
        if (c->open && s_frames(c) < 0) return -1;
        if ((size_t)r < room) break; /* drained the socket */
    }
    return 0;
}

static void s_usage(FILE *f)
{
    fprintf(f, "usage: club-bench-echo [--port PORT] [--host ADDR] [--print N]\n"
               "                       [--error OP:CODE[:PERCENT]]... [--ping MS] [--fragment]\n"
               "                       [--tokens SECONDS]\n"
               "\n"
               "A minimal WebSocket server for measuring club-bench itself: it answers every\n"
               "binary msgpack request {rid, op, ...} with {rid, ok:true, data:{}} (and text or\n"
               "non-map frames with BAD_REQUEST, rid 0). Single thread, epoll.\n"
               "\n"
               "  --port PORT   port to listen on (default 19999)\n"
               "  --host ADDR   IPv4 address to listen on (default 127.0.0.1)\n"
               "  --print N     print the first N requests, decoded, on stderr\n"
               "  --error OP:CODE[:PERCENT]  answer PERCENT (default 100) of the requests for OP\n"
               "                with error CODE, e.g. auth.register:INVALID_INVITE or\n"
               "                slot.spin:INSUFFICIENT_FUNDS:5 (up to 8 rules)\n"
               "  --ping MS     send a ping to every connection every MS ms (counts the pongs)\n"
               "  --fragment    send each reply as two frames (binary without FIN + continuation)\n"
               "  --tokens S    answer auth.register/login/refresh with an access_token (a JWT\n"
               "                that expires in S seconds) and a refresh_token\n"
               "  --help        this text\n"
               "  --version     print the version\n"
               "\n"
               "Example (one core each):\n"
               "  taskset -c 1 club-bench-echo --port 19999 &\n"
               "  taskset -c 0 club-bench --scenario ping -c 100 -w 16 -d 5 \\\n"
               "      --url ws://127.0.0.1:19999/ws\n"
               "On SIGINT/SIGTERM it prints the number of messages answered and exits 0.\n");
}

int main(int argc, char **argv)
{
    int port = 19999;
    const char *host = "127.0.0.1";
    static const struct option opts[] = {
        {"port", required_argument, NULL, 'p'},   {"host", required_argument, NULL, 'H'},
        {"print", required_argument, NULL, 'P'},  {"error", required_argument, NULL, 'E'},
        {"ping", required_argument, NULL, 'I'},   {"fragment", no_argument, NULL, 'F'},
        {"tokens", required_argument, NULL, 'T'}, {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},      {NULL, 0, NULL, 0}};
    int o;
    while ((o = getopt_long(argc, argv, "p:H:P:E:I:FT:hV", opts, NULL)) != -1) {
        switch (o) {
        case 'p': {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (*end || v < 1 || v > 65535) {
                fprintf(stderr, "club-bench-echo: --port wants 1..65535, not '%s'\n", optarg);
                return 2;
            }
            port = (int)v;
            break;
        }
        case 'H':
            host = optarg;
            break;
        case 'P':
            s_print = strtol(optarg, NULL, 10);
            break;
        case 'I':
            s_ping_ms = strtol(optarg, NULL, 10);
            break;
        case 'F':
            s_fragment = true;
            break;
        case 'T':
            s_token_s = strtol(optarg, NULL, 10);
            break;
        case 'E': {
            err_rule_t *r = &s_rules[s_nrules];
            unsigned pct = 100;
            char *c1 = strchr(optarg, ':');
            char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
            if (c2) pct = (unsigned)strtoul(c2 + 1, NULL, 10);
            size_t ol = c1 ? (size_t)(c1 - optarg) : 0;
            size_t cl = c1 ? (c2 ? (size_t)(c2 - c1 - 1) : strlen(c1 + 1)) : 0;
            if (s_nrules == 8 || !ol || ol >= sizeof r->op || !cl || cl >= sizeof r->code ||
                pct < 1 || pct > 100) {
                fprintf(stderr,
                        "club-bench-echo: --error wants OP:CODE[:PERCENT 1-100] (at "
                        "most 8), not '%s'\n",
                        optarg);
                return 2;
            }
            memcpy(r->op, optarg, ol);
            memcpy(r->code, c1 + 1, cl);
            r->percent = pct;
            s_nrules++;
            break;
        }
        case 'h':
            s_usage(stdout);
            return 0;
        case 'V':
            printf("club-bench-echo %s\n", CLUB_VERSION);
            return 0;
        default:
            s_usage(stderr);
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "club-bench-echo: unexpected argument '%s' (see --help)\n", argv[optind]);
        return 2;
    }

    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    signal(SIGPIPE, SIG_IGN);
    struct sigaction sa = {.sa_handler = s_on_signal};
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    if (inet_pton(AF_INET, host, &addr.sin_addr) != 1) {
        fprintf(stderr, "club-bench-echo: --host wants an IPv4 address, not '%s'\n", host);
        return 2;
    }
    int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (lfd < 0 || bind(lfd, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(lfd, 4096) < 0) {
        fprintf(stderr, "club-bench-echo: cannot listen on %s:%d: %s\n", host, port,
                strerror(errno));
        return 1;
    }
    int ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event lev = {.events = EPOLLIN, .data.ptr = NULL};
    epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &lev);
    fprintf(stderr, "club-bench-echo: listening on ws://%s:%d/ws\n", host, port);

    struct epoll_event evs[512];
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    int64_t next_ping = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 + s_ping_ms;
    while (!s_stop) {
        int wait_ms = 500;
        if (s_ping_ms) {
            clock_gettime(CLOCK_MONOTONIC, &ts);
            int64_t now = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
            if (now >= next_ping) {
                for (conn_t *c = s_all, *nx; c; c = nx) {
                    nx = c->next;
                    if (!c->open || c->closing) continue;
                    s_frame(c, CLUB_WSF_PING, "echo", 4);
                    s_pings++;
                    if (s_flush(c) < 0)
                        s_drop(ep, c);
                    else
                        s_interest(ep, c);
                }
                next_ping = now + s_ping_ms;
            }
            wait_ms = (int)(next_ping - now < 500 ? next_ping - now : 500);
            if (wait_ms < 0) wait_ms = 0;
        }
        int n = epoll_wait(ep, evs, 512, wait_ms);
        if (n < 0) {
            if (errno == EINTR) continue;
            fprintf(stderr, "club-bench-echo: epoll_wait: %s\n", strerror(errno));
            return 1;
        }
        for (int i = 0; i < n; i++) {
            conn_t *c = evs[i].data.ptr;
            if (!c) {
                for (;;) {
                    int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
                    if (fd < 0) break;
                    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    conn_t *nc = calloc(1, sizeof *nc);
                    if (!nc) abort();
                    nc->fd = fd;
                    nc->reading = true;
                    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = nc};
                    if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
                        close(fd);
                        free(nc);
                        continue;
                    }
                    s_conns_total++;
                    nc->next = s_all;
                    if (s_all) s_all->prev = nc;
                    s_all = nc;
                }
                continue;
            }
            int dead = 0;
            if (evs[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) dead = s_on_readable(c) < 0;
            if (!dead && c->out_len > c->out_off)
                dead = s_flush(c) < 0;
            else if (!dead && c->closing)
                dead = 1;
            if (dead)
                s_drop(ep, c);
            else
                s_interest(ep, c);
        }
    }
    fprintf(stderr, "club-bench-echo: answered %llu messages on %llu connections",
            (unsigned long long)s_msgs, (unsigned long long)s_conns_total);
    if (s_ping_ms)
        fprintf(stderr, "; %llu pings sent, %llu pongs received", (unsigned long long)s_pings,
                (unsigned long long)s_pongs);
    if (s_token_s) fprintf(stderr, "; %llu tokens issued", (unsigned long long)s_tokens);
    fprintf(stderr, "\n");
    return 0;
}
