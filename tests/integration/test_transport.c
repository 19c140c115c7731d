/* Transport: framing, malformed input, the request/reply envelope, rate limits, /healthz
 * (PROTOCOL.md "Transport" and "Requests and replies"), and how the edge stops. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cc_test.h"

/* The connection still answers: a sys.ping round trip with its own rid. */
static void s_assert_usable(cc_t *c)
{
    cc_msg_t *r = CC_OK(cc_call(c, "sys.ping", NULL, "{echo: 'still here'}"));
    CC_STREQ(cc_str(r, "echo"), "still here");
}

/* The next reply must be the rid-0 BAD_REQUEST the protocol promises for a frame that is not
 * a request at all. */
static void s_assert_bad_request_rid0(cc_t *c, const char *what)
{
    cc_msg_t *r = cc_wait_reply(c, 0, CC_TIMEOUT_MS);
    CC_CHECK(r != NULL, "%s: no reply with rid 0 (%s)", what, cc_last_error());
    CC_CHECK(!cc_ok(r) && !strcmp(cc_err(r), "BAD_REQUEST"), "%s: got %s", what, cc_describe(r));
    CC_CHECK(cc_errmsg(r) != NULL, "%s: error without a message: %s", what, cc_describe(r));
}

static void test_subprotocol_and_ping(void **state)
{
    cc_t *c = CC_CONNECT();
    CC_STREQ(wsc_subprotocol(cc_ws(c)), "club.v1");

    int64_t before = cc_now_ms();
    cc_msg_t *r = CC_OK(cc_call(c, "sys.ping", NULL, "{echo: 'hello'}"));
    int64_t after = cc_now_ms();
    CC_STREQ(cc_str(r, "echo"), "hello");
    CC_CHECK(cc_is_int(r, "at"), "at is not an integer: %s", cc_describe(r));
    int64_t at = cc_int(r, "at");
    CC_CHECK(at >= before - 5000 && at <= after + 5000, "at=%lld, now=%lld", (long long)at,
             (long long)after);

    const char *nested = "{a: [1, 'two', {three: 3}], b: true, c: null, d: -7, e: {}}";
    r = CC_OK(cc_call(c, "sys.ping", NULL, "{echo: %s}", nested));
    CC_CHECK(cc_obj_equal_json(cc_get(r, "echo"), nested), "echo differs: %s", cc_describe(r));

    r = CC_OK(cc_call(c, "sys.ping", NULL, "{echo: 12345678901}"));
    CC_EQ(cc_int(r, "echo"), 12345678901LL);

    r = CC_OK(cc_call(c, "sys.ping", NULL, NULL)); /* args may be omitted */
    CC_CHECK(cc_is_int(r, "at"), "%s", cc_describe(r));
    cc_destroy(&c);

    /* A client that names no subprotocol is accepted too. */
    c = cc_connect_to(cc_env()->host, cc_env()->http_port, "/ws", NULL);
    CC_CHECK(c != NULL, "connect without a subprotocol: %s", cc_last_error());
    s_assert_usable(c);
    cc_destroy(&c);
}

static void test_large_legal_frame(void **state)
{
    /* 40 KB is under the 64 KiB limit: it must pass both ways. */
    size_t n = 40000;
    char *big = malloc(n + 1);
    for (size_t i = 0; i < n; i++)
        big[i] = (char)('a' + i % 26);
    big[n] = 0;
    cc_t *c = CC_CONNECT();
    cc_msg_t *r = CC_OK(cc_call(c, "sys.ping", NULL, "{echo: '%s'}", big));
    CC_STREQ(cc_str(r, "echo"), big);
    free(big);
    cc_destroy(&c);
}

static void test_garbage_binary(void **state)
{
    cc_t *c = CC_CONNECT();
    static const uint8_t garbage[] = {0xc1, 0xc1, 0xc1, 'g', 'a', 'r', 'b', 'a', 'g', 'e'};
    CC_EQ(cc_send_raw(c, garbage, sizeof garbage), 0);
    s_assert_bad_request_rid0(c, "0xc1 garbage");
    s_assert_usable(c);

    /* A map that ends early: {"rid": ... cut. */
    static const uint8_t truncated[] = {0x82, 0xa3, 'r', 'i', 'd'};
    CC_EQ(cc_send_raw(c, truncated, sizeof truncated), 0);
    s_assert_bad_request_rid0(c, "truncated map");
    s_assert_usable(c);

    /* Two values in one frame. */
    static const uint8_t two[] = {0x80, 0x80};
    CC_EQ(cc_send_raw(c, two, sizeof two), 0);
    s_assert_bad_request_rid0(c, "two maps in one frame");
    s_assert_usable(c);

    /* An empty binary frame. */
    CC_EQ(cc_send_raw(c, "", 0), 0);
    s_assert_bad_request_rid0(c, "empty frame");
    s_assert_usable(c);
    CC_CHECK(!cc_closed(c), "closed with %d", cc_close_code(c));
    cc_destroy(&c);
}

static void test_text_frame(void **state)
{
    cc_t *c = CC_CONNECT();
    const char *text = "{\"rid\": 1, \"op\": \"sys.ping\"}";
    CC_EQ(wsc_send_text(cc_ws(c), text, strlen(text)), 0);
    s_assert_bad_request_rid0(c, "text frame");
    s_assert_usable(c);
    cc_destroy(&c);
}

static void test_not_a_map(void **state)
{
    cc_t *c = CC_CONNECT();
    const char *values[] = {"[1, 2, 3]", "42", "'sys.ping'", "null", "[{rid: 5, op: 'sys.ping'}]"};
    for (size_t i = 0; i < sizeof values / sizeof *values; i++) {
        CC_EQ(cc_send_json(c, "%s", values[i]), 0);
        s_assert_bad_request_rid0(c, values[i]);
    }
    s_assert_usable(c);
    cc_destroy(&c);
}

static void test_huge_declared_sizes(void **state)
{
    cc_t *c = CC_CONNECT();
    /* Containers and strings whose declared sizes cannot fit the frame. */
    static const uint8_t arr32[] = {0xdd, 0xff, 0xff, 0xff, 0xff};
    static const uint8_t map32[] = {0xdf, 0xff, 0xff, 0xff, 0xff, 0xa1, 'a'};
    static const uint8_t str32[] = {0xdb, 0xff, 0xff, 0xff, 0xff, 'x'};
    static const uint8_t bin32[] = {0xc6, 0xff, 0xff, 0xff, 0xff, 'x'};
    struct {
        const uint8_t *b;
        size_t n;
        const char *what;
    } cases[] = {{arr32, sizeof arr32, "array32 of 2^32-1"},
                 {map32, sizeof map32, "map32 of 2^32-1"},
                 {str32, sizeof str32, "str32 of 2^32-1"},
                 {bin32, sizeof bin32, "bin32 of 2^32-1"}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        CC_EQ(cc_send_raw(c, cases[i].b, cases[i].n), 0);
        s_assert_bad_request_rid0(c, cases[i].what);
    }
    /* Nested very deep: 10000 one-element arrays. */
    uint8_t deep[10001];
    memset(deep, 0x91, 10000);
    deep[10000] = 0x00;
    CC_EQ(cc_send_raw(c, deep, sizeof deep), 0);
    s_assert_bad_request_rid0(c, "10000 nested arrays");
    s_assert_usable(c);
    cc_destroy(&c);

    /* The server is still there for everyone. */
    c = CC_CONNECT();
    s_assert_usable(c);
    cc_destroy(&c);
}

static void test_oversize_frame_closes_1009(void **state)
{
    cc_t *c = CC_CONNECT();
    s_assert_usable(c);
    /* A well-formed sys.ping of about 70 KB: over 64 KiB, so refused for its size alone. */
    size_t n = 70000;
    char *big = malloc(n + 1);
    memset(big, 'x', n);
    big[n] = 0;
    (void)cc_send(c, "sys.ping", NULL, "{echo: '%s'}", big); /* may fail once the peer closes */
    free(big);
    int64_t deadline = cc_mono_ms() + CC_TIMEOUT_MS;
    while (!cc_closed(c) && cc_mono_ms() < deadline) {
        cc_msg_t *m = cc_next(c, 200);
        CC_CHECK(m == NULL, "expected the connection to close, got %s", cc_describe(m));
    }
    CC_CHECK(cc_closed(c), "connection still open 5 s after a 70 KB frame");
    CC_EQ(cc_close_code(c), 1009);
    cc_destroy(&c);

    c = CC_CONNECT();
    s_assert_usable(c);
    cc_destroy(&c);
}

static void test_auth_required(void **state)
{
    cc_t *c = CC_CONNECT();
    CC_ERR(cc_call(c, "wallet.balance", NULL, NULL), "UNAUTHENTICATED");
    CC_ERR(cc_call(c, "profile.get", NULL, NULL), "UNAUTHENTICATED");
    CC_ERR(cc_call(c, "slot.spin", "t-unauth-1", "{bet: 100}"), "UNAUTHENTICATED");
    CC_ERR(cc_call(c, "fair.seeds", NULL, NULL), "UNAUTHENTICATED");
    s_assert_usable(c); /* sys.ping is allowed before authentication */
    cc_destroy(&c);
}

static void test_unknown_op(void **state)
{
    const char *ops[] = {"nope.nothing", "wallet.steal", "sys", ""};
    cc_t *c = CC_CONNECT();
    /* Before authentication an unknown op may get UNAUTHENTICATED instead. */
    for (size_t i = 0; i < sizeof ops / sizeof *ops; i++) {
        cc_msg_t *r = cc_call(c, ops[i], NULL, NULL);
        CC_CHECK(r && !cc_ok(r) &&
                     (!strcmp(cc_err(r), "BAD_REQUEST") || !strcmp(cc_err(r), "UNAUTHENTICATED")),
                 "op '%s' before auth: %s", ops[i], cc_describe(r));
    }
    cc_destroy(&c);

    cc_user_t u;
    c = CC_NEW_USER("STANDARD", &u);
    for (size_t i = 0; i < sizeof ops / sizeof *ops; i++)
        CC_ERR(cc_call(c, ops[i], NULL, NULL), "BAD_REQUEST");
    /* The reply carries the request's rid. */
    uint32_t rid = cc_send(c, "nope.nothing", NULL, "{x: 1}");
    cc_msg_t *r = CC_ERR(cc_wait_reply(c, rid, CC_TIMEOUT_MS), "BAD_REQUEST");
    CC_EQ(cc_rid(r), rid);
    s_assert_usable(c);
    cc_destroy(&c);
}

static void test_bad_envelopes(void **state)
{
    cc_t *c = CC_CONNECT();
    /* A request whose fields have the wrong types is refused, and answered once. */
    CC_EQ(cc_send_json(c, "{rid: 41, op: 7}"), 0);
    cc_msg_t *r = cc_next(c, CC_TIMEOUT_MS);
    CC_CHECK(r && cc_is_reply(r) && (cc_rid(r) == 41 || cc_rid(r) == 0) &&
                 !strcmp(cc_err(r), "BAD_REQUEST"),
             "op 7: %s", cc_describe(r));
    CC_EQ(cc_send_json(c, "{rid: 42, op: 'sys.ping', args: [1, 2]}"), 0);
    r = cc_next(c, CC_TIMEOUT_MS);
    CC_CHECK(r && cc_is_reply(r) && (cc_rid(r) == 42 || cc_rid(r) == 0) &&
                 !strcmp(cc_err(r), "BAD_REQUEST"),
             "args as array: %s", cc_describe(r));
    s_assert_usable(c);
    cc_destroy(&c);
}

static void test_healthz(void **state)
{
    int status = 0;
    char body[4096];
    int r = wsc_http_get(cc_env()->host, cc_env()->http_port, "/healthz", CC_TIMEOUT_MS, &status,
                         body, sizeof body);
    CC_CHECK(r == 0, "GET /healthz: %s", wsc_last_error());
    CC_EQ(status, 200);
}

static void test_rate_limit(void **state)
{
    enum { N = 1000 };
    cc_t *c = CC_CONNECT();
    static uint8_t seen[N + 1];
    memset(seen, 0, sizeof seen);
    uint32_t first = 0;
    for (int i = 0; i < N; i++) {
        uint32_t rid = cc_send(c, "sys.ping", NULL, "{echo: %d}", i);
        CC_CHECK(rid != 0, "send %d failed: %s", i, cc_last_error());
        if (!first) first = rid;
    }
    int got = 0, limited = 0, ok = 0;
    int64_t deadline = cc_mono_ms() + 20000;
    while (got < N && cc_mono_ms() < deadline) {
        cc_msg_t *m = cc_next(c, 1000);
        if (!m) {
            CC_CHECK(!cc_closed(c), "closed (code %d) after %d replies", cc_close_code(c), got);
            continue;
        }
        if (!cc_is_reply(m)) continue; /* a push */
        uint32_t idx = cc_rid(m) - first;
        CC_CHECK(cc_rid(m) >= first && idx < N, "reply with unexpected rid: %s", cc_describe(m));
        CC_CHECK(seen[idx] == 0, "second reply for rid %u: %s", cc_rid(m), cc_describe(m));
        seen[idx] = 1;
        got++;
        if (cc_ok(m)) {
            CC_EQ(cc_int(m, "echo"), (int64_t)idx);
            ok++;
        } else {
            CC_CHECK(!strcmp(cc_err(m), "RATE_LIMITED"), "unexpected error %s", cc_describe(m));
            limited++;
        }
    }
    CC_CHECK(got == N, "only %d of %d requests got a reply (%d ok, %d limited)", got, N, ok,
             limited);
    CC_CHECK(limited > 0, "1000 pings at once: none was RATE_LIMITED");
    CC_CHECK(ok > 0, "1000 pings at once: none was answered ok");
    /* No late duplicates. */
    cc_msg_t *m;
    while ((m = cc_next(c, 300)) != NULL)
        CC_CHECK(!cc_is_reply(m), "extra reply after all were answered: %s", cc_describe(m));
    CC_CHECK(!cc_closed(c), "closed with %d", cc_close_code(c));
    cc_release(c);

    /* The limit lifts again. */
    int64_t until = cc_mono_ms() + 10000;
    cc_msg_t *r;
    do {
        r = cc_call(c, "sys.ping", NULL, NULL);
        if (cc_ok(r)) break;
        CC_CHECK(r && !strcmp(cc_err(r), "RATE_LIMITED"), "%s", cc_describe(r));
        cc_sleep_ms(200);
    } while (cc_mono_ms() < until);
    CC_CHECK(cc_ok(r), "still rate limited 10 s later: %s", cc_describe(r));
    cc_destroy(&c);
}

static pid_t s_stopped_edge; /* for the teardown: the edge the test may have left stopped */

/* A connection that answers sys.ping, trying again while the edge restarts (no listener
 * yet, then UNAVAILABLE until its broker socket is up); NULL after ms. */
static cc_t *s_connect_within(int ms)
{
    int64_t until = cc_mono_ms() + ms;
    for (;;) {
        cc_t *c = cc_connect();
        cc_msg_t *r = c ? cc_call(c, "sys.ping", NULL, NULL) : NULL;
        if (cc_ok(r)) return c;
        cc_destroy(&c);
        if (cc_mono_ms() >= until) return NULL;
        cc_sleep_ms(100);
    }
}

/* Stopping the edge (a deploy, ./club down) cuts nobody off mid-request: /healthz turns 503,
 * every request sent before the stop gets its reply (ok, or UNAVAILABLE when it arrived after
 * the stop began), then the connection closes with 1001 (going away), and the supervisor
 * brings the edge back. */
static void test_edge_stop_answers_then_closes_1001(void **state)
{
    /* Logins hash (tens of ms each on the one auth worker), so they may still be in flight
     * when the signal lands; a wrong password answers too, and three stay under the lockout.
     * The pings are sent while the edge is stopped (SIGSTOP), so they are on the wire, not
     * yet read, when its SIGTERM handler runs. Whether the pass under way reads a request
     * (and forwards it) or the drain does (UNAVAILABLE), each gets a reply. */
    enum { LOGINS = 3, N = 23 };
    pid_t edge = cc_pid_of("edge");
    CC_CHECK(edge > 0, "no edge pid in %s", cc_env()->run);
    s_stopped_edge = edge;
    cc_t *c = CC_CONNECT();
    uint32_t rids[N];
    for (int i = 0; i < N; i++) {
        if (i == LOGINS) CC_CHECK(cc_freeze(edge), "edge %d did not stop", (int)edge);
        rids[i] = i < LOGINS ? cc_send(c, "auth.login", NULL,
                                       "{username: 'stop-%d', password: 'not-the-password'}",
                                       (int)getpid())
                             : cc_send(c, "sys.ping", NULL, NULL);
        CC_CHECK(rids[i] > 0, "send %d: %s", i, cc_last_error());
    }
    CC_CHECK(kill(edge, SIGTERM) == 0 && kill(edge, SIGCONT) == 0, "kill -TERM/-CONT %d failed",
             (int)edge);
    /* While it drains, the health check sends a load balancer's new players elsewhere. */
    int status = 0;
    char body[64];
    CC_CHECK(wsc_http_get(cc_env()->host, cc_env()->http_port, "/healthz", CC_TIMEOUT_MS, &status,
                          body, sizeof body) == 0,
             "GET /healthz while stopping: %s", wsc_last_error());
    CC_EQ(status, 503);

    for (int i = 0; i < N; i++) {
        cc_msg_t *r = cc_wait_reply(c, rids[i], CC_TIMEOUT_MS);
        CC_CHECK(r != NULL, "request %d of %d: no reply before the connection ended (close %d)",
                 i + 1, N, cc_close_code(c));
        CC_CHECK(i < LOGINS || cc_ok(r) || !strcmp(cc_err(r), "UNAVAILABLE"), "ping %d: %s", i,
                 cc_describe(r));
    }
    cc_msg_t *extra = cc_next(c, CC_TIMEOUT_MS);
    CC_CHECK(extra == NULL && cc_closed(c), "still open after the replies: %s", cc_describe(extra));
    CC_EQ(cc_close_code(c), 1001);
    cc_destroy(&c);

    CC_CHECK(cc_wait_new_pid("edge", edge, 20000) > 0, "the edge was not restarted within 20 s");
    c = s_connect_within(10000);
    CC_CHECK(c != NULL, "the restarted edge answers no sys.ping within 10 s: %s", cc_last_error());
    s_assert_usable(c);
    cc_destroy(&c);
}

/* After the stop test, pass or fail: the next test programs need the edge back. */
static int s_edge_back(void **state)
{
    (void)state;
    if (s_stopped_edge > 0) kill(s_stopped_edge, SIGCONT); /* a failed check may leave it so */
    cc_t *c = s_connect_within(20000);
    if (!c) return -1;
    cc_destroy(&c);
    return 0;
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_subprotocol_and_ping),
    cmocka_unit_test(test_large_legal_frame),
    cmocka_unit_test(test_garbage_binary),
    cmocka_unit_test(test_text_frame),
    cmocka_unit_test(test_not_a_map),
    cmocka_unit_test(test_huge_declared_sizes),
    cmocka_unit_test(test_oversize_frame_closes_1009),
    cmocka_unit_test(test_auth_required),
    cmocka_unit_test(test_unknown_op),
    cmocka_unit_test(test_bad_envelopes),
    cmocka_unit_test(test_healthz),
    cmocka_unit_test(test_rate_limit),
    cmocka_unit_test_teardown(test_edge_stop_answers_then_closes_1001, s_edge_back),
};

CC_MAIN(tests)
