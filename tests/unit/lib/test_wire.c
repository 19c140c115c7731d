/* The batch helpers of lib/wire: what the edge, broker and workers put on ZeroMQ is one
 * message per pass, whole records in order and an empty frame at the end; a ROUTER is never
 * left inside a message. Real sockets over inproc://. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "wire.h"

static void *s_ctx;

static void *s_pair(int type_a, int type_b, void **b, const char *ep)
{
    void *a = zmq_socket(s_ctx, type_a);
    *b = zmq_socket(s_ctx, type_b);
    int zero = 0, one = 1;
    zmq_setsockopt(a, ZMQ_LINGER, &zero, sizeof zero);
    zmq_setsockopt(*b, ZMQ_LINGER, &zero, sizeof zero);
    if (type_a == ZMQ_ROUTER) zmq_setsockopt(a, ZMQ_ROUTER_MANDATORY, &one, sizeof one);
    assert_int_equal(zmq_bind(a, ep), 0);
    assert_int_equal(zmq_connect(*b, ep), 0);
    return a;
}

/* Waits up to a second for a whole message. */
static int s_recv(club_frames_t *f, void *sock)
{
    for (int i = 0; i < 1000; i++) {
        if (club_frames_recv(f, sock) == 0) return 0;
        usleep(1000);
    }
    return -1;
}

static bool s_frame_is(zmq_msg_t *m, const char *s)
{
    return zmq_msg_size(m) == strlen(s) && !memcmp(zmq_msg_data(m), s, strlen(s));
}

static void test_batch_is_one_message(void **state)
{
    (void)state;
    void *dealer;
    void *router = s_pair(ZMQ_ROUTER, ZMQ_DEALER, &dealer, "inproc://batch");
    club_batch_t b = {.sock = dealer};
    club_batch_end(&b); /* nothing open: nothing sent */
    const char *bodies[3] = {"one", "two", "three"};
    for (int i = 0; i < 3; i++) {
        const void *parts[3] = {"HDR", "games", bodies[i]};
        size_t lens[3] = {3, 5, strlen(bodies[i])};
        assert_int_equal(club_batch_add(&b, 3, parts, lens), 0);
    }
    assert_int_equal(b.records, 3);
    club_batch_end(&b);
    assert_int_equal(b.records, 0);

    club_frames_t f;
    club_frames_init(&f);
    assert_int_equal(s_recv(&f, router), 0);
    /* [identity] + 3 records of 3 + the empty end */
    assert_int_equal(f.n, 1 + 9 + 1);
    for (int i = 0; i < 3; i++) {
        assert_true(s_frame_is(&f.v[1 + 3 * i], "HDR"));
        assert_true(s_frame_is(&f.v[2 + 3 * i], "games"));
        assert_true(s_frame_is(&f.v[3 + 3 * i], bodies[i]));
    }
    assert_int_equal(zmq_msg_size(&f.v[10]), 0);
    /* The empty end of the pass was the only message: nothing else is queued. */
    assert_int_equal(club_frames_recv(&f, router), -1);
    club_frames_free(&f);
    zmq_close(dealer);
    zmq_close(router);
}

static void test_router_send_shares_frames_and_never_leaves_a_message_open(void **state)
{
    (void)state;
    void *dealer;
    void *router = s_pair(ZMQ_ROUTER, ZMQ_DEALER, &dealer, "inproc://route");
    /* The ROUTER learns the dealer's identity from a first message. */
    assert_int_equal(zmq_send(dealer, "hello", 5, 0), 5);
    club_frames_t in, out;
    club_frames_init(&in);
    club_frames_init(&out);
    assert_int_equal(s_recv(&in, router), 0);
    assert_int_equal(in.n, 2);

    /* Nothing to send: nothing goes out, and the socket is not left inside a message. */
    assert_int_equal(club_frames_send(&out, router, zmq_msg_data(&in.v[0]), zmq_msg_size(&in.v[0])),
                     0);
    /* An unknown destination is refused on the first frame; the frames stay for a retry. */
    club_frames_add(&out, "kept", 4);
    assert_int_equal(club_frames_send(&out, router, "nobody", 6), -1);
    assert_int_equal(out.n, 1);
    club_frames_clear(&out);

    /* A received frame shared into a reply arrives intact (zmq_msg_copy, no byte copy). */
    club_frames_add_msg(&out, &in.v[1]);
    club_frames_add(&out, "", 0);
    assert_int_equal(club_frames_send(&out, router, zmq_msg_data(&in.v[0]), zmq_msg_size(&in.v[0])),
                     0);
    assert_int_equal(out.n, 0);
    club_frames_t got;
    club_frames_init(&got);
    assert_int_equal(s_recv(&got, dealer), 0);
    assert_int_equal(got.n, 2);
    assert_true(s_frame_is(&got.v[0], "hello"));
    assert_int_equal(zmq_msg_size(&got.v[1]), 0);
    /* The frame it was shared from is still whole. */
    assert_true(s_frame_is(&in.v[1], "hello"));
    club_frames_free(&in);
    club_frames_free(&out);
    club_frames_free(&got);
    zmq_close(dealer);
    zmq_close(router);
}

static void test_zwait(void **state)
{
    (void)state;
    void *dealer;
    void *router = s_pair(ZMQ_ROUTER, ZMQ_DEALER, &dealer, "inproc://wait");
    int p[2];
    assert_int_equal(pipe(p), 0);
    bool fd_ready = true;
    void *socks[1] = {router};
    /* Nothing pending: times out. */
    assert_int_equal(club_zwait(socks, 1, p[0], 20, &fd_ready), 0);
    assert_false(fd_ready);
    /* A message pending: returns without waiting the full timeout. */
    assert_int_equal(zmq_send(dealer, "x", 1, 0), 1);
    assert_true(club_zwait(socks, 1, p[0], 1000, &fd_ready) > 0);
    club_frames_t f;
    club_frames_init(&f);
    assert_int_equal(s_recv(&f, router), 0);
    /* The plain descriptor is reported. */
    assert_int_equal(write(p[1], "!", 1), 1);
    assert_true(club_zwait(socks, 1, p[0], 1000, &fd_ready) > 0);
    assert_true(fd_ready);
    close(p[0]);
    close(p[1]);
    club_frames_free(&f);
    zmq_close(dealer);
    zmq_close(router);
}

int main(void)
{
    s_ctx = zmq_ctx_new();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_batch_is_one_message),
        cmocka_unit_test(test_router_send_shares_frames_and_never_leaves_a_message_open),
        cmocka_unit_test(test_zwait),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    zmq_ctx_term(s_ctx);
    return rc;
}
