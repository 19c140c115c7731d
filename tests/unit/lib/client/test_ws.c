/* lib/client/ws: the WebSocket client club-bench and the test support library share. The test
 * plays the server on the other end of a socketpair, byte for byte as RFC 6455 has it: the
 * Upgrade request and the 101, masked frames from the client, fragmented messages, pings,
 * close handshakes from either side, and the ways a server can break the protocol. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "client/ws.h"

typedef struct {
    club_ws_t *ws;
    int fd;      /* the client's end, non-blocking */
    int peer;    /* the test's (server's) end */
    uint8_t *in; /* what the client sent, read by s_take */
    size_t in_len, in_cap;
} s_conn_t;

static void s_open(s_conn_t *c, size_t in_cap)
{
    int sv[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0);
    c->fd = sv[0];
    c->peer = sv[1];
    c->ws = club_ws_new(0x1234567u, in_cap);
    c->in_cap = 1 << 20;
    c->in = malloc(c->in_cap);
    c->in_len = 0;
}

static void s_close(s_conn_t *c)
{
    club_ws_destroy(&c->ws);
    assert_null(c->ws);
    close(c->fd);
    close(c->peer);
    free(c->in);
}

/* Server -> client: bytes on the wire, then one club_ws_recv. */
static void s_put(s_conn_t *c, const void *buf, size_t len)
{
    assert_int_equal(write(c->peer, buf, len), (ssize_t)len);
    bool full;
    ssize_t r = club_ws_recv(c->ws, c->fd, &full);
    assert_true(r > 0);
}

/* One unmasked server frame. */
static void s_frame(s_conn_t *c, int opcode, bool fin, const void *payload, size_t len)
{
    uint8_t *f = malloc(CLUB_WSF_MAX_HDR + len);
    size_t h = club_wsf_hdr(f, opcode, fin, len, NULL);
    if (len) memcpy(f + h, payload, len);
    s_put(c, f, h + len);
    free(f);
}

/* Client -> server: flushes the client's queue and collects it on the server's end. */
static void s_flush(s_conn_t *c)
{
    assert_int_equal(club_ws_send(c->ws, c->fd), 1);
    assert_int_equal(club_ws_queued(c->ws), 0);
    for (;;) {
        ssize_t r = read(c->peer, c->in + c->in_len, c->in_cap - c->in_len);
        if (r <= 0) break;
        c->in_len += (size_t)r;
    }
}

/* The next frame the client sent: it must be masked; its payload is unmasked into out. */
static int s_take(s_conn_t *c, uint8_t *out, size_t *len, bool *fin)
{
    s_flush(c);
    club_wsf_frame_t f;
    if (club_wsf_parse(c->in, c->in_len, &f) != 1 || c->in_len < f.hdr + f.len)
        fail_msg("no whole frame from the client (%zu bytes)", c->in_len);
    assert_true(f.masked);
    memcpy(out, c->in + f.hdr, f.len);
    club_wsf_mask(out, f.len, f.key);
    *len = f.len;
    if (fin) *fin = f.fin;
    memmove(c->in, c->in + f.hdr + f.len, c->in_len - f.hdr - f.len);
    c->in_len -= f.hdr + f.len;
    return f.opcode;
}

/* The request the client queued; returns its Sec-WebSocket-Key's accept. */
static void s_read_request(s_conn_t *c, char accept[29])
{
    s_flush(c);
    const char *head = (const char *)c->in;
    size_t hl = c->in_len;
    assert_true(hl > 4 && !memcmp(head + hl - 4, "\r\n\r\n", 4));
    const char *v;
    size_t vl;
    assert_true(club_wsf_http_header(head, hl, "Sec-WebSocket-Key", &v, &vl));
    club_wsf_accept(v, vl, accept);
    c->in_len = 0;
}

static const char *s_101(const char *accept, const char *extra)
{
    static char resp[512];
    snprintf(resp, sizeof resp,
             "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
             "Sec-WebSocket-Accept: %s\r\n%s\r\n",
             accept, extra);
    return resp;
}

/* A connection through its handshake, offering club.v1 and getting it. */
static void s_open_upgraded(s_conn_t *c)
{
    s_open(c, 4096);
    assert_int_equal(club_ws_upgrade(c->ws, "127.0.0.1", 8080, "/ws", "club.v1", NULL), 0);
    char accept[29];
    s_read_request(c, accept);
    const char *r = s_101(accept, "Sec-WebSocket-Protocol: club.v1\r\n");
    s_put(c, r, strlen(r));
    club_ws_msg_t m;
    assert_int_equal(club_ws_next(c->ws, &m), CLUB_WS_UPGRADED);
    assert_true(club_ws_can_send(c->ws));
}

static void test_handshake(void **state)
{
    (void)state;
    s_conn_t c;
    s_open(&c, 1024);
    assert_false(club_ws_is_open(c.ws));
    assert_int_equal(club_ws_close_code(c.ws), 0);
    assert_int_equal(club_ws_upgrade(c.ws, "example.test", 8080, "/ws", "club.v1", "club-bench"),
                     0);
    s_flush(&c);
    const char *head = (const char *)c.in;
    size_t hl = c.in_len;
    assert_memory_equal(head, "GET /ws HTTP/1.1\r\n", 18);
    const char *v;
    size_t vl;
    assert_true(club_wsf_http_header(head, hl, "Host", &v, &vl));
    assert_int_equal(vl, strlen("example.test:8080"));
    assert_memory_equal(v, "example.test:8080", vl);
    assert_true(club_wsf_http_header(head, hl, "Upgrade", &v, &vl) && vl == 9);
    assert_true(club_wsf_http_header(head, hl, "Connection", &v, &vl));
    assert_true(club_wsf_http_has_token(v, vl, "upgrade"));
    assert_true(club_wsf_http_header(head, hl, "Sec-WebSocket-Version", &v, &vl) && vl == 2);
    assert_memory_equal(v, "13", 2);
    assert_true(club_wsf_http_header(head, hl, "Sec-WebSocket-Protocol", &v, &vl) && vl == 7);
    assert_true(club_wsf_http_header(head, hl, "User-Agent", &v, &vl) && vl == 10);
    assert_true(club_wsf_http_header(head, hl, "Sec-WebSocket-Key", &v, &vl) && vl == 24);
    char accept[29];
    club_wsf_accept(v, vl, accept);
    c.in_len = 0;

    /* The 101 a byte at a time, with a first message in the same bytes as its end. */
    char resp[600];
    int n = snprintf(resp, sizeof resp, "%s", s_101(accept, "sec-websocket-protocol: club.v1\r\n"));
    uint8_t frame[16];
    size_t fl = club_wsf_hdr(frame, CLUB_WSF_BINARY, true, 3, NULL);
    memcpy(frame + fl, "abc", 3);
    club_ws_msg_t m;
    for (int i = 0; i < n - 1; i++) {
        s_put(&c, resp + i, 1);
        assert_int_equal(club_ws_next(c.ws, &m), CLUB_WS_AGAIN);
    }
    uint8_t last[20];
    last[0] = (uint8_t)resp[n - 1];
    memcpy(last + 1, frame, fl + 3);
    s_put(&c, last, 1 + fl + 3);
    assert_int_equal(club_ws_next(c.ws, &m), CLUB_WS_UPGRADED);
    assert_true(club_ws_is_open(c.ws));
    assert_int_equal(club_ws_http_status(c.ws), 101);
    assert_string_equal(club_ws_subprotocol(c.ws), "club.v1");
    assert_true(club_ws_buffered(c.ws));
    assert_int_equal(club_ws_next(c.ws, &m), CLUB_WS_MESSAGE);
    assert_int_equal(m.opcode, CLUB_WSF_BINARY);
    assert_int_equal(m.len, 3);
    assert_memory_equal(m.data, "abc", 3);
    assert_false(club_ws_buffered(c.ws));
    assert_int_equal(club_ws_next(c.ws, &m), CLUB_WS_AGAIN);
    /* nothing to read now */
    bool full = true;
    assert_int_equal(club_ws_recv(c.ws, c.fd, &full), 0);
    assert_false(full);
    s_close(&c);

    /* No subprotocol offered, none chosen. */
    s_open(&c, 1024);
    assert_int_equal(club_ws_upgrade(c.ws, "h", 1, "/", NULL, NULL), 0);
    s_flush(&c);
    assert_false(club_wsf_http_header((char *)c.in, c.in_len, "Sec-WebSocket-Protocol", &v, &vl));
    assert_false(club_wsf_http_header((char *)c.in, c.in_len, "User-Agent", &v, &vl));
    s_close(&c);
}

/* Responses that must not open a WebSocket; each says why. */
static void test_handshake_refusals(void **state)
{
    (void)state;
    static const struct {
        const char *what;
        const char *fmt; /* %s: the right accept */
        const char *why; /* in club_ws_error */
        int status;
    } bad[] = {
        {"404", "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n", "404 Not Found", 404},
        {"200", "HTTP/1.1 200 OK\r\nX: %s\r\n\r\n", "handshake refused: HTTP/1.1 200 OK", 200},
        {"not HTTP", "SSH-2.0-OpenSSH\r\n\r\n", "not an HTTP", 0},
        {"no status code", "HTTP/1.1 1\r\n\r\n", "not an HTTP", 0},
        {"no Upgrade",
         "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\n"
         "Sec-WebSocket-Accept: %s\r\n\r\n",
         "Upgrade", 101},
        {"no Connection: Upgrade",
         "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: close\r\n"
         "Sec-WebSocket-Accept: %s\r\n\r\n",
         "Connection", 101},
        {"wrong accept",
         "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
         "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nX: %s\r\n\r\n",
         "Accept", 101},
        {"a subprotocol not offered",
         "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
         "Sec-WebSocket-Accept: %s\r\nSec-WebSocket-Protocol: chat\r\n\r\n",
         "'chat'", 101},
        {"an extension not offered",
         "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
         "Sec-WebSocket-Accept: %s\r\nSec-WebSocket-Extensions: permessage-deflate\r\n\r\n",
         "permessage-deflate", 101},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        s_conn_t c;
        s_open(&c, 1024);
        assert_int_equal(club_ws_upgrade(c.ws, "h", 1, "/ws", "club.v1", NULL), 0);
        char accept[29], resp[512];
        s_read_request(&c, accept);
        int n = snprintf(resp, sizeof resp, bad[i].fmt, accept);
        s_put(&c, resp, (size_t)n);
        club_ws_msg_t m;
        if (club_ws_next(c.ws, &m) != CLUB_WS_FAILED) fail_msg("%s: not refused", bad[i].what);
        if (!strstr(club_ws_error(c.ws), bad[i].why))
            fail_msg("%s: error '%s' does not say '%s'", bad[i].what, club_ws_error(c.ws),
                     bad[i].why);
        assert_int_equal(club_ws_http_status(c.ws), bad[i].status);
        assert_true(club_ws_is_closed(c.ws));
        assert_int_equal(club_ws_close_code(c.ws), 1006);
        assert_int_equal(club_ws_queued(c.ws), 0); /* no close frame: it never was a WebSocket */
        assert_int_equal(club_ws_next(c.ws, &m), CLUB_WS_FAILED); /* and stays so */
        s_close(&c);
    }
    /* A head that never ends. */
    s_conn_t c;
    s_open(&c, 1024);
    assert_int_equal(club_ws_upgrade(c.ws, "h", 1, "/ws", NULL, NULL), 0);
    char junk[1000];
    memset(junk, 'x', sizeof junk);
    club_ws_msg_t m;
    club_ws_event_t ev = CLUB_WS_AGAIN;
    for (int i = 0; i < 20 && ev == CLUB_WS_AGAIN; i++) {
        club_ws_feed(c.ws, junk, sizeof junk);
        ev = club_ws_next(c.ws, &m);
    }
    assert_int_equal(ev, CLUB_WS_FAILED);
    assert_non_null(strstr(club_ws_error(c.ws), "head over"));
    s_close(&c);
}

/* Frames out: masked with a fresh key each, FIN and opcode as asked, built in place or copied. */
static void test_frames_out(void **state)
{
    (void)state;
    s_conn_t c;
    s_open_upgraded(&c);
    uint8_t *p = club_ws_frame_begin(c.ws, CLUB_WSF_BINARY, true, 5);
    memcpy(p, "hello", 5);
    club_ws_frame_end(c.ws);
    club_ws_queue(c.ws, CLUB_WSF_TEXT, false, "par", 3);
    club_ws_queue(c.ws, CLUB_WSF_CONT, true, "t", 1);
    char big[70000];
    memset(big, 'b', sizeof big);
    club_ws_queue(c.ws, CLUB_WSF_BINARY, true, big, sizeof big);
    club_ws_queue(c.ws, CLUB_WSF_BINARY, true, NULL, 0);
    assert_true(club_ws_queued(c.ws) > 70000);

    uint8_t got[70000];
    size_t n;
    bool fin;
    assert_int_equal(s_take(&c, got, &n, &fin), CLUB_WSF_BINARY);
    assert_true(fin);
    assert_int_equal(n, 5);
    assert_memory_equal(got, "hello", 5);
    assert_int_equal(s_take(&c, got, &n, &fin), CLUB_WSF_TEXT);
    assert_false(fin);
    assert_memory_equal(got, "par", 3);
    assert_int_equal(s_take(&c, got, &n, &fin), CLUB_WSF_CONT);
    assert_true(fin);
    assert_int_equal(s_take(&c, got, &n, &fin), CLUB_WSF_BINARY);
    assert_int_equal(n, sizeof big);
    assert_memory_equal(got, big, sizeof big);
    assert_int_equal(s_take(&c, got, &n, &fin), CLUB_WSF_BINARY);
    assert_int_equal(n, 0);

    /* Two frames of the same bytes do not share a key. */
    club_ws_queue(c.ws, CLUB_WSF_BINARY, true, "same", 4);
    club_ws_queue(c.ws, CLUB_WSF_BINARY, true, "same", 4);
    s_flush(&c);
    club_wsf_frame_t f1, f2;
    assert_int_equal(club_wsf_parse(c.in, c.in_len, &f1), 1);
    assert_int_equal(club_wsf_parse(c.in + f1.hdr + 4, c.in_len - f1.hdr - 4, &f2), 1);
    assert_memory_not_equal(f1.key, f2.key, 4);
    s_close(&c);
}

/* A fragmented message comes out whole, with a ping between its fragments answered on the way
 * (control frames may come in the middle of a message, RFC 6455 section 5.4). */
static void test_fragments_and_pings(void **state)
{
    (void)state;
    s_conn_t c;
    s_open_upgraded(&c);
    club_ws_msg_t m;
    s_frame(&c, CLUB_WSF_BINARY, false, "one ", 4);
    assert_int_equal(club_ws_next(c.ws, &m), CLUB_WS_AGAIN);
    s_frame(&c, CLUB_WSF_PING, true, "are you there", 13);
    s_frame(&c, CLUB_WSF_CONT, false, "two ", 4);
    s_frame(&c, CLUB_WSF_PONG, true, "unasked", 7); /* ignored */
    s_frame(&c, CLUB_WSF_CONT, true, "three", 5);
    s_frame(&c, CLUB_WSF_TEXT, true, "next", 4);
    assert_int_equal(club_ws_next(c.ws, &m), CLUB_WS_MESSAGE);
    assert_int_equal(m.opcode, CLUB_WSF_BINARY);
    assert_int_equal(m.len, 13);
    assert_memory_equal(m.data, "one two three", 13);
    assert_int_equal(club_ws_next(c.ws, &m), CLUB_WS_MESSAGE);
    assert_int_equal(m.opcode, CLUB_WSF_TEXT);
    assert_memory_equal(m.data, "next", 4);
    assert_int_equal(club_ws_next(c.ws, &m), CLUB_WS_AGAIN);
    uint8_t got[64];
    size_t n;
    assert_int_equal(s_take(&c, got, &n, NULL), CLUB_WSF_PONG);
    assert_int_equal(n, 13);
    assert_memory_equal(got, "are you there", 13);
    assert_int_equal(c.in_len, 0); /* one pong, nothing for the pong the server sent */

    /* An empty ping gets an empty pong; a message of one empty fragment is an empty message. */
    s_frame(&c, CLUB_WSF_PING, true, NULL, 0);
    s_frame(&c, CLUB_WSF_TEXT, false, NULL, 0);
    s_frame(&c, CLUB_WSF_CONT, true, NULL, 0);
    assert_int_equal(club_ws_next(c.ws, &m), CLUB_WS_MESSAGE);
    assert_int_equal(m.len, 0);
    assert_int_equal(s_take(&c, got, &n, NULL), CLUB_WSF_PONG);
    assert_int_equal(n, 0);
    s_close(&c);
}

/* A message bigger than the receive buffer, arriving in small pieces. */
static void test_large_message_in_pieces(void **state)
{
    (void)state;
    s_conn_t c;
    s_open_upgraded(&c);
    size_t len = 3u << 20;
    uint8_t *f = malloc(CLUB_WSF_MAX_HDR + len);
    size_t h = club_wsf_hdr(f, CLUB_WSF_BINARY, true, len, NULL);
    for (size_t i = 0; i < len; i++)
        f[h + i] = (uint8_t)(i * 31 + 7);
    club_ws_msg_t m;
    size_t off = 0;
    club_ws_event_t ev = CLUB_WS_AGAIN;
    while (ev == CLUB_WS_AGAIN) {
        size_t piece = h + len - off < 50000 ? h + len - off : 50000;
        assert_true(piece > 0);
        assert_int_equal(write(c.peer, f + off, piece), (ssize_t)piece);
        off += piece;
        bool full = true;
        while (full)
            assert_true(club_ws_recv(c.ws, c.fd, &full) >= 0);
        ev = club_ws_next(c.ws, &m);
    }
    assert_int_equal(ev, CLUB_WS_MESSAGE);
    assert_int_equal(off, h + len);
    assert_int_equal(m.len, len);
    assert_memory_equal(m.data, f + h, len);
    free(f);
    s_close(&c);
}

/* A recv that fills the room it had says so (more may wait), and the buffer grows for the
 * next one. */
static void test_recv_full(void **state)
{
    (void)state;
    s_conn_t c;
    s_open(&c, 1024);
    char junk[5000];
    memset(junk, 'j', sizeof junk);
    assert_int_equal(write(c.peer, junk, sizeof junk), (ssize_t)sizeof junk);
    /* 1024 bytes of room: full, and the buffer doubles; 2048 with 1024 held: full again; 4096
     * with 2048 held: full; 8192 with 4096 held: the last 904 bytes, not full. */
    static const ssize_t reads[] = {1024, 1024, 2048, 904};
    for (size_t i = 0; i < 4; i++) {
        bool full = i == 3;
        assert_int_equal(club_ws_recv(c.ws, c.fd, &full), reads[i]);
        assert_int_equal(full, i < 3);
    }
    bool full = true;
    assert_int_equal(club_ws_recv(c.ws, c.fd, &full), 0);
    s_close(&c);
}

static void test_close_from_the_server(void **state)
{
    (void)state;
    s_conn_t c;
    s_open_upgraded(&c);
    club_ws_msg_t m;
    s_frame(&c, CLUB_WSF_CLOSE, true, "\x03\xe9going", 7); /* 1001 */
    assert_int_equal(club_ws_next(c.ws, &m), CLUB_WS_CLOSED);
    assert_true(club_ws_is_closed(c.ws));
    assert_false(club_ws_can_send(c.ws));
    assert_int_equal(club_ws_close_code(c.ws), 1001);
    assert_non_null(strstr(club_ws_error(c.ws), "1001"));
    assert_int_equal(club_ws_next(c.ws, &m), CLUB_WS_CLOSED);
    uint8_t got[8];
    size_t n;
    assert_int_equal(s_take(&c, got, &n, NULL), CLUB_WSF_CLOSE); /* the reply echoes the code */
    assert_int_equal(n, 2);
    assert_memory_equal(got, "\x03\xe9", 2);
    assert_int_equal(club_ws_recv(c.ws, c.fd, NULL), -1); /* over: nothing more is read */
    s_close(&c);

    /* No status in, no status out: 1005 to the caller, an empty close frame back. */
    s_open_upgraded(&c);
    s_frame(&c, CLUB_WSF_CLOSE, true, NULL, 0);
    assert_int_equal(club_ws_next(c.ws, &m), CLUB_WS_CLOSED);
    assert_int_equal(club_ws_close_code(c.ws), 1005);
    assert_int_equal(s_take(&c, got, &n, NULL), CLUB_WSF_CLOSE);
    assert_int_equal(n, 0);
    s_close(&c);
}

static void test_close_from_the_client(void **state)
{
    (void)state;
    s_conn_t c;
    s_open_upgraded(&c);
    club_ws_close(c.ws, 1000);
    assert_false(club_ws_can_send(c.ws));
    assert_true(club_ws_is_open(c.ws)); /* until the server answers */
    club_ws_close(c.ws, 1000);          /* once only */
    uint8_t got[8];
    size_t n;
    assert_int_equal(s_take(&c, got, &n, NULL), CLUB_WSF_CLOSE);
    assert_memory_equal(got, "\x03\xe8", 2);
    assert_int_equal(c.in_len, 0);
    /* The server's last message, a ping (not answered after our close) and its close. */
    s_frame(&c, CLUB_WSF_BINARY, true, "last", 4);
    s_frame(&c, CLUB_WSF_PING, true, "p", 1);
    s_frame(&c, CLUB_WSF_CLOSE, true, "\x03\xe8", 2);
    club_ws_msg_t m;
    assert_int_equal(club_ws_next(c.ws, &m), CLUB_WS_MESSAGE);
    assert_memory_equal(m.data, "last", 4);
    assert_int_equal(club_ws_next(c.ws, &m), CLUB_WS_CLOSED);
    assert_int_equal(club_ws_close_code(c.ws), 1000);
    assert_int_equal(club_ws_queued(c.ws), 0); /* no second close frame, no pong */
    s_close(&c);
}

/* The server ends TCP without a close frame. */
static void test_tcp_end(void **state)
{
    (void)state;
    s_conn_t c;
    s_open_upgraded(&c);
    shutdown(c.peer, SHUT_WR);
    assert_int_equal(club_ws_recv(c.ws, c.fd, NULL), -1);
    assert_true(club_ws_is_closed(c.ws));
    assert_int_equal(club_ws_close_code(c.ws), 1006);
    assert_non_null(strstr(club_ws_error(c.ws), "closed the TCP connection"));
    club_ws_msg_t m;
    assert_int_equal(club_ws_next(c.ws, &m), CLUB_WS_FAILED);
    s_close(&c);

    /* A transport failure the caller saw. */
    s_open_upgraded(&c);
    club_ws_fail(c.ws, "poll: broken");
    assert_true(club_ws_is_closed(c.ws));
    assert_int_equal(club_ws_close_code(c.ws), 1006);
    assert_string_equal(club_ws_error(c.ws), "poll: broken");
    s_close(&c);
}

/* A server that breaks the protocol: the client fails the connection with the close code the
 * RFC names (1002 protocol error, 1009 too big) and reports 1006 to its caller. */
static void test_protocol_errors(void **state)
{
    (void)state;
    static const struct {
        const char *what;
        uint8_t bytes[16];
        size_t n;
        int code;
    } bad[] = {
        {"a masked frame", {0x82, 0x81, 1, 2, 3, 4, 'x'}, 7, 1002},
        {"reserved bits", {0xc2, 0x00}, 2, 1002},
        {"an unknown opcode", {0x83, 0x00}, 2, 1002},
        {"a continuation without a message", {0x80, 0x01, 'x'}, 3, 1002},
        {"a new message inside a fragmented one", {0x02, 0x01, 'a', 0x82, 0x01, 'b'}, 6, 1002},
        {"a close frame with a 1-byte payload", {0x88, 0x01, 0x03}, 3, 1002},
        {"a frame over 16 MiB", {0x82, 127, 0, 0, 0, 0, 0x01, 0, 0, 0x01}, 10, 1009},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        s_conn_t c;
        s_open_upgraded(&c);
        s_put(&c, bad[i].bytes, bad[i].n);
        club_ws_msg_t m;
        if (club_ws_next(c.ws, &m) != CLUB_WS_FAILED) fail_msg("%s: not refused", bad[i].what);
        assert_true(club_ws_is_closed(c.ws));
        assert_int_equal(club_ws_close_code(c.ws), 1006);
        assert_non_null(strstr(club_ws_error(c.ws), "protocol error"));
        uint8_t got[8];
        size_t n;
        assert_int_equal(s_take(&c, got, &n, NULL), CLUB_WSF_CLOSE);
        assert_int_equal(n, 2);
        if (((got[0] << 8) | got[1]) != bad[i].code)
            fail_msg("%s: closed with %d", bad[i].what, (got[0] << 8) | got[1]);
        s_close(&c);
    }

    /* Fragments that add up to more than 16 MiB. */
    s_conn_t c;
    s_open_upgraded(&c);
    size_t piece = 1u << 20;
    uint8_t *f = calloc(1, CLUB_WSF_MAX_HDR + piece);
    club_ws_msg_t m;
    club_ws_event_t ev = CLUB_WS_AGAIN;
    for (int i = 0; i < 20 && ev == CLUB_WS_AGAIN; i++) {
        size_t h = club_wsf_hdr(f, i ? CLUB_WSF_CONT : CLUB_WSF_BINARY, false, piece, NULL);
        club_ws_feed(c.ws, f, h + piece);
        ev = club_ws_next(c.ws, &m);
    }
    free(f);
    assert_int_equal(ev, CLUB_WS_FAILED);
    assert_non_null(strstr(club_ws_error(c.ws), "over 16 MiB"));
    uint8_t got[8];
    size_t n;
    assert_int_equal(s_take(&c, got, &n, NULL), CLUB_WSF_CLOSE);
    assert_memory_equal(got, "\x03\xf1", 2); /* 1009 */
    s_close(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_handshake),
        cmocka_unit_test(test_handshake_refusals),
        cmocka_unit_test(test_frames_out),
        cmocka_unit_test(test_fragments_and_pings),
        cmocka_unit_test(test_large_message_in_pieces),
        cmocka_unit_test(test_recv_full),
        cmocka_unit_test(test_close_from_the_server),
        cmocka_unit_test(test_close_from_the_client),
        cmocka_unit_test(test_tcp_end),
        cmocka_unit_test(test_protocol_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
