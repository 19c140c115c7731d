/* A domain with no live worker: the broker forgets a worker after three missed heartbeats,
 * a request then gets UNAVAILABLE after a bounded wait (never a hang), and the worker, once it
 * runs again, announces itself anew and serves (DESIGN.md, broker). The games worker is
 * frozen with SIGSTOP rather than killed, so the supervisor does not replace it. */
#include <signal.h>
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
    CC_CHECK(kill(games, SIGSTOP) == 0, "cannot stop pid %d", (int)games);
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

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_frozen_domain_answers_unavailable_then_recovers),
};

CC_MAIN(tests)
