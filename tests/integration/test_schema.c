/* Every op schemas/ops.json lists is served: a client op reaches a worker that knows it (any
 * answer but "unknown op"), and an internal op is refused to clients as unknown. */
#include <stdio.h>
#include <string.h>

#include "cc_test.h"
#include "ops.h"

static void test_every_listed_op_is_served(void **state)
{
    cc_user_t u;
    cc_t *c = CC_NEW_USER("STANDARD", &u);
    size_t n;
    const club_op_t *ops = club_op_all(&n);
    for (size_t i = 0; i < n; i++) {
        /* logout would end this connection's session: it is checked last, below */
        if (!strcmp(ops[i].name, "auth.logout")) continue;
        cc_msg_t *r = cc_call(c, ops[i].name, NULL, "{}");
        CC_CHECK(r, "%s: no reply", ops[i].name);
        const char *msg = cc_errmsg(r);
        if (ops[i].flags & CLUB_OP_INTERNAL) {
            CC_STREQ(cc_err(r), "BAD_REQUEST");
            CC_CHECK(msg && strstr(msg, "unknown op"), "%s: %s", ops[i].name, cc_describe(r));
        } else {
            CC_CHECK(cc_ok(r) || !msg || !strstr(msg, "unknown op"),
                     "%s is listed but not served: %s", ops[i].name, cc_describe(r));
            CC_CHECK(strcmp(cc_err(r), "UNAVAILABLE") && strcmp(cc_err(r), "INTERNAL"), "%s: %s",
                     ops[i].name, cc_describe(r));
        }
        /* auth.token and the like may have changed nothing; keep the session for the rest */
        if (!strcmp(ops[i].name, "auth.token") || !strcmp(ops[i].name, "auth.login") ||
            !strcmp(ops[i].name, "auth.register"))
            CC_OK(cc_call(c, "auth.token", NULL, "{access_token: '%s'}", u.access_token));
    }
    CC_OK(cc_call(c, "auth.logout", NULL, NULL));
    CC_ERR(cc_call(c, "auth.logout", NULL, NULL), "UNAUTHENTICATED");
    cc_destroy(&c);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_every_listed_op_is_served),
};

CC_MAIN(tests)
