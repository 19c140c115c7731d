/* A domain with no live worker: the broker forgets a worker after three missed heartbeats,
 * a request then gets UNAVAILABLE after a bounded wait (never a hang), and the worker, once it
 * runs again, announces itself anew and serves (DESIGN.md, broker). And a request any worker
 * can answer goes around the ones that stopped answering. Workers are frozen with SIGSTOP
 * rather than killed, so the supervisor does not replace them. */
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cc_test.h"

static void test_frozen_domain_answers_unavailable_then_recovers(void **state)
{
    cc_user_t u;
    cc_t *c = CC_NEW_USER("STANDARD", &u);
    CC_OK(cc_call(c, "slot.info", NULL, NULL));
    pid_t games = cc_pid_of("actor-games-0");
    CC_CHECK(games > 0, "no actor-games-0.pid in %s", cc_env()->run);
    CC_CHECK(cc_freeze(games), "cannot stop pid %d", (int)games);
    cc_sleep_ms(4000); /* three missed heartbeats and a little */

    int64_t t0 = cc_mono_ms();
    cc_msg_t *r = cc_call_t(c, 8000, "slot.info", NULL, NULL);
    int64_t waited = cc_mono_ms() - t0;
    kill(games, SIGCONT);
    CC_ERR(r, "UNAVAILABLE");
    CC_CHECK(waited >= 1500 && waited <= 3500, "UNAVAILABLE after %lld ms; the broker waits ~2 s",
             (long long)waited);
    /* Other domains kept working meanwhile. */
    CC_OK(cc_call(c, "wallet.balance", NULL, NULL));

    /* The worker notices the broker forgot it and announces itself again. */
    int64_t deadline = cc_mono_ms() + 10000;
    for (;;) {
        r = cc_call_t(c, 8000, "slot.info", NULL, NULL);
        if (cc_ok(r)) break;
        CC_CHECK(cc_mono_ms() < deadline, "games did not come back within 10 s: %s",
                 cc_describe(r));
        cc_sleep_ms(200);
    }
    CC_EQ(cc_pid_of("actor-games-0"), games); /* the same process, not a restart */
    CC_OK(cc_call(c, "slot.spin", NULL, "{bet: 10}"));
    CC_LEDGER_OK(u.id);
    cc_destroy(&c);
}

/* Stopped workers (SIGSTOP) come back by themselves: true once each of the three domains
 * answers again (a worker the broker forgot announces itself anew). */
static bool s_back_within(cc_t *c, int ms)
{
    int64_t until = cc_mono_ms() + ms;
    for (;;) {
        if (cc_ok(cc_call(c, "wallet.balance", NULL, NULL)) &&
            cc_ok(cc_call(c, "profile.get", NULL, NULL)) &&
            cc_ok(cc_call(c, "slot.info", NULL, NULL)))
            return true;
        if (cc_mono_ms() >= until) return false;
        cc_sleep_ms(200);
    }
}

/* sys.ping can be answered by any worker, and the broker keeps a stream on the worker it
 * picked last. A worker that stops answering must not go on collecting the stream: with the
 * auth worker and both wallets frozen, a wallet being the last pick, the pings of the next
 * second are answered by the games worker, all but those the frozen ones took before the
 * broker saw them stall (at most its 100 ms quiet limit's worth each, so 30 % at worst). */
static void test_pings_go_around_frozen_workers(void **state)
{
    enum { N = 500 }; /* 2 ms apart: within the edge's 200/s + 400 burst per connection */
    static const char *const names[] = {"actor-auth-0", "actor-wallet-0", "actor-wallet-1"};
    pid_t pids[3];
    cc_user_t u;
    cc_t *c = CC_NEW_USER("STANDARD", &u);
    for (int i = 0; i < 3; i++) {
        pids[i] = cc_pid_of(names[i]);
        CC_CHECK(pids[i] > 0, "no %s.pid in %s", names[i], cc_env()->run);
    }
    CC_OK(cc_call(c, "wallet.balance", NULL, NULL)); /* a wallet worker is the last pick now */
    int frozen = 0;
    while (frozen < 3 && cc_freeze(pids[frozen]))
        frozen++;
    if (frozen < 3) {
        for (int i = 0; i < frozen; i++)
            kill(pids[i], SIGCONT);
        CC_FAIL("cannot stop %s (pid %d)", names[frozen], (int)pids[frozen]);
    }

    uint32_t rids[N];
    for (int i = 0; i < N; i++) {
        rids[i] = cc_send(c, "sys.ping", NULL, NULL);
        cc_sleep_ms(2);
    }
    int ok = 0, unavailable = 0;
    for (int i = 0; i < N; i++) { /* the stuck ones come back UNAVAILABLE at the edge's 5 s */
        cc_msg_t *r = cc_wait_reply(c, rids[i], 8000);
        if (cc_ok(r))
            ok++;
        else if (!strcmp(cc_err(r), "UNAVAILABLE"))
            unavailable++;
    }
    for (int i = 0; i < 3; i++)
        kill(pids[i], SIGCONT);
    print_message("pings with three of four workers frozen: %d ok, %d UNAVAILABLE of %d\n", ok,
                  unavailable, N);
    CC_CHECK(ok + unavailable == N, "%d pings got no reply at all", N - ok - unavailable);
    CC_CHECK(ok >= N / 2, "only %d of %d pings answered: the frozen workers kept the stream", ok,
             N);
    CC_CHECK(s_back_within(c, 15000), "the frozen workers did not come back within 15 s");
    CC_LEDGER_OK(u.id);
    cc_destroy(&c);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_frozen_domain_answers_unavailable_then_recovers),
    cmocka_unit_test(test_pings_go_around_frozen_workers),
};

CC_MAIN(tests)
