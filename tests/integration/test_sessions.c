/* Sessions: logging out ends the login that authenticated the connection, not the user's
 * other logins (another device stays signed in). */
#include <stdio.h>
#include <string.h>

#include "cc_test.h"

static void test_logout_ends_only_this_login(void **state)
{
    cc_user_t u;
    cc_t *a = CC_NEW_USER("STANDARD", &u); /* login 1: registration */
    cc_t *b = CC_CONNECT();
    cc_msg_t *lb = CC_OK(cc_call(b, "auth.login", NULL, "{username: '%s', password: '%s'}",
                                 u.username, u.password)); /* login 2: another device */
    char refresh_b[512];
    snprintf(refresh_b, sizeof refresh_b, "%s", cc_str(lb, "refresh_token"));

    CC_OK(cc_call(a, "auth.logout", NULL, NULL));
    CC_ERR(cc_call(a, "wallet.balance", NULL, NULL), "UNAUTHENTICATED");
    CC_ERR(cc_call(a, "auth.refresh", NULL, "{refresh_token: '%s'}", u.refresh_token),
           "UNAUTHENTICATED");
    /* The other device's login still refreshes and its connection still works. */
    CC_OK(cc_call(b, "wallet.balance", NULL, NULL));
    cc_msg_t *r = CC_OK(cc_call(b, "auth.refresh", NULL, "{refresh_token: '%s'}", refresh_b));
    CC_CHECK(cc_str(r, "access_token") && cc_str(r, "refresh_token"), "%s", cc_describe(r));
    cc_destroy(&a);
    cc_destroy(&b);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_logout_ends_only_this_login),
};

CC_MAIN(tests)
