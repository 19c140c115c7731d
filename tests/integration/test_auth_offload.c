/* Password hashing runs beside the auth worker's loop, not on it: while a burst of logins is
 * being checked (tens of milliseconds each), the same worker answers other players' requests
 * at once, and every login still gets its answer. */
#include <stdio.h>
#include <string.h>

#include "cc_test.h"

#define BURST 16

static void test_logins_do_not_stall_the_worker(void **state)
{
    cc_user_t u;
    cc_t *other = CC_NEW_USER("STANDARD", &u);
    cc_t *c = CC_CONNECT();
    uint32_t rids[BURST];
    for (int i = 0; i < BURST; i++) {
        char name[32];
        cc_unique_name(name, sizeof name);
        rids[i] =
            cc_send(c, "auth.login", NULL, "{username: '%s', password: 'wrong password'}", name);
    }
    /* profile.get is served by the auth worker too; on the loop it would wait for the burst
     * (about 0.8 s of hashing), beside it for nothing. */
    cc_sleep_ms(50);
    int64_t t0 = cc_mono_ms();
    CC_OK(cc_call(other, "profile.get", NULL, NULL));
    int64_t waited = cc_mono_ms() - t0;
    CC_CHECK(waited < 400, "profile.get took %lld ms during a burst of %d logins",
             (long long)waited, BURST);
    for (int i = 0; i < BURST; i++)
        CC_ERR(cc_wait_reply(c, rids[i], 15000), "BAD_CREDENTIALS");
    /* And a right password still logs in. */
    CC_OK(
        cc_call(c, "auth.login", NULL, "{username: '%s', password: '%s'}", u.username, u.password));
    cc_destroy(&c);
    cc_destroy(&other);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_logins_do_not_stall_the_worker),
};

CC_MAIN(tests)
