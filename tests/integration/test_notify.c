/* The bell: a new player finds the welcome notification, unread; marking read by id or all
 * at once brings the count down; nobody can mark another player's notification; bad args are
 * refused with the field named. */
#include <stdio.h>
#include <string.h>

#include "cc_test.h"

static void test_welcome_and_mark_read(void **state)
{
    cc_user_t u;
    cc_t *c = CC_NEW_USER("STANDARD", &u);
    cc_msg_t *r = CC_OK(cc_call(c, "notify.list", NULL, NULL));
    CC_EQ(cc_int(r, "unread"), 1);
    CC_EQ(cc_len(r, "items"), 1);
    CC_STREQ(cc_str(r, "items[0].kind"), "system");
    CC_STREQ(cc_str(r, "items[0].title"), "Welcome to Casino-Club");
    CC_CHECK(strstr(cc_str(r, "items[0].body"), "coins"), "body: %s", cc_describe(r));
    CC_CHECK(!cc_bool(r, "items[0].read"), "%s", cc_describe(r));
    int64_t id = cc_int(r, "items[0].id");

    /* Two more, newest first, and the unread filter. */
    CC_SQL("INSERT INTO notifications (user_id, kind, title) VALUES (%lld, 'reward', 'one'), "
           "(%lld, 'admin', 'two')",
           (long long)u.id, (long long)u.id);
    r = CC_OK(cc_call(c, "notify.list", NULL, "{limit: 2}"));
    CC_EQ(cc_len(r, "items"), 2);
    CC_STREQ(cc_str(r, "items[0].title"), "two");
    CC_STREQ(cc_str(r, "items[1].title"), "one");
    CC_EQ(cc_int(r, "unread"), 3);
    r = CC_OK(
        cc_call(c, "notify.list", NULL, "{before: %lld}", (long long)cc_int(r, "items[1].id")));
    CC_EQ(cc_len(r, "items"), 1);
    CC_EQ(cc_int(r, "items[0].id"), id);

    r = CC_OK(cc_call(c, "notify.read", NULL, "{ids: [%lld]}", (long long)id));
    CC_EQ(cc_int(r, "unread"), 2);
    r = CC_OK(cc_call(c, "notify.list", NULL, "{unread_only: true}"));
    CC_EQ(cc_len(r, "items"), 2);

    /* Another player's ids change nothing here. */
    cc_user_t v;
    cc_t *o = CC_NEW_USER("STANDARD", &v);
    cc_msg_t *mine = CC_OK(cc_call(o, "notify.list", NULL, NULL));
    r = CC_OK(
        cc_call(c, "notify.read", NULL, "{ids: [%lld]}", (long long)cc_int(mine, "items[0].id")));
    CC_EQ(cc_int(r, "unread"), 2);
    CC_EQ(cc_int(CC_OK(cc_call(o, "notify.list", NULL, NULL)), "unread"), 1);

    r = CC_OK(cc_call(c, "notify.read", NULL, "{all: true}"));
    CC_EQ(cc_int(r, "unread"), 0);
    r = CC_OK(cc_call(c, "notify.list", NULL, NULL));
    CC_EQ(cc_int(r, "unread"), 0);
    CC_CHECK(cc_bool(r, "items[0].read"), "%s", cc_describe(r));
    cc_destroy(&o);
    cc_destroy(&c);
}

static void test_bad_args(void **state)
{
    cc_user_t u;
    cc_t *c = CC_NEW_USER("STANDARD", &u);
    cc_msg_t *r = CC_ERR(cc_call(c, "notify.read", NULL, "{}"), "BAD_REQUEST");
    CC_CHECK(strstr(cc_errmsg(r), "ids"), "%s", cc_describe(r));
    r = CC_ERR(cc_call(c, "notify.read", NULL, "{ids: [1, 'x']}"), "BAD_REQUEST");
    CC_CHECK(strstr(cc_errmsg(r), "ids[2]"), "%s", cc_describe(r));
    CC_ERR(cc_call(c, "notify.read", NULL, "{ids: [0]}"), "BAD_REQUEST");
    CC_ERR(cc_call(c, "notify.list", NULL, "{limit: 0}"), "LIMIT");
    CC_ERR(cc_call(c, "notify.list", NULL, "{unread_only: 1}"), "BAD_REQUEST");
    CC_EQ(cc_int(CC_OK(cc_call(c, "notify.list", NULL, NULL)), "unread"), 1);
    cc_t *anon = CC_CONNECT();
    CC_ERR(cc_call(anon, "notify.list", NULL, NULL), "UNAUTHENTICATED");
    cc_destroy(&anon);
    cc_destroy(&c);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_welcome_and_mark_read),
    cmocka_unit_test(test_bad_args),
};

CC_MAIN(tests)
