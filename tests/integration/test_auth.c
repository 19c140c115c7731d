/* Accounts: invites, registration rules, login, access tokens, refresh rotation and reuse
 * detection, logout, profile (PROTOCOL.md "Accounts"). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_test.h"

static cc_msg_t *s_register(cc_t *c, const char *invite, const char *username, const char *password)
{
    return cc_call(c, "auth.register", NULL, "{invite: '%s', username: '%s', password: '%s'}",
                   invite, username, password);
}

/* The user object every auth op returns. */
static void s_assert_user(cc_msg_t *r, const char *prefix, const char *username, const char *rank)
{
    char path[64];
    snprintf(path, sizeof path, "%sid", prefix);
    CC_CHECK(cc_int(r, path) > 0, "%s: %s", path, cc_describe(r));
    snprintf(path, sizeof path, "%susername", prefix);
    CC_STREQ(cc_str(r, path), username);
    snprintf(path, sizeof path, "%srank", prefix);
    CC_STREQ(cc_str(r, path), rank);
    snprintf(path, sizeof path, "%ssegment", prefix);
    CC_CHECK(cc_str(r, path) != NULL, "%s missing: %s", path, cc_describe(r));
    snprintf(path, sizeof path, "%screated_at", prefix);
    CC_CHECK(cc_is_int(r, path) || cc_str(r, path), "%s missing: %s", path, cc_describe(r));
}

static void s_assert_tokens(cc_msg_t *r)
{
    const char *a = cc_str(r, "access_token"), *f = cc_str(r, "refresh_token");
    CC_CHECK(a && strlen(a) > 20, "access_token: %s", cc_describe(r));
    CC_CHECK(f && strlen(f) > 20, "refresh_token: %s", cc_describe(r));
    /* A JWT: three base64url parts. */
    int dots = 0;
    for (const char *p = a; *p; p++)
        dots += *p == '.';
    CC_EQ(dots, 2);
}

static void test_register_ranks(void **state)
{
    cc_t *c = CC_CONNECT();
    char name[32];
    cc_unique_name(name, sizeof name);
    cc_msg_t *r = CC_OK(s_register(c, cc_invite("VIP"), name, "correct horse battery"));
    s_assert_user(r, "user.", name, "VIP");
    s_assert_tokens(r);
    /* Registration authenticates the connection. */
    r = CC_OK(cc_call(c, "profile.get", NULL, NULL));
    CC_STREQ(cc_str(r, "user.rank"), "VIP");
    cc_destroy(&c);

    c = CC_CONNECT();
    cc_unique_name(name, sizeof name);
    r = CC_OK(s_register(c, cc_invite("PREMIUM"), name, "correct horse battery"));
    s_assert_user(r, "user.", name, "PREMIUM");
    cc_destroy(&c);

    c = CC_CONNECT();
    cc_unique_name(name, sizeof name);
    r = CC_OK(s_register(c, cc_invite("STANDARD"), name, "correct horse battery"));
    s_assert_user(r, "user.", name, "STANDARD");
    cc_destroy(&c);
}

static void test_invalid_invite(void **state)
{
    cc_t *c = CC_CONNECT();
    char name[32];
    cc_unique_name(name, sizeof name);
    CC_ERR(s_register(c, "no-such-invite-code-42", name, "correct horse battery"),
           "INVALID_INVITE");
    /* Bytes that are not UTF-8 are a bad request, not a database failure. */
    CC_ERR(s_register(c, "CLUB-\xff\xfe", name, "correct horse battery"), "BAD_REQUEST");
    /* Nothing was created: the name is still free and the connection unauthenticated. */
    CC_ERR(cc_call(c, "profile.get", NULL, NULL), "UNAUTHENTICATED");
    CC_OK(s_register(c, cc_invite("STANDARD"), name, "correct horse battery"));
    cc_destroy(&c);
}

static void test_invite_single_use(void **state)
{
    char code[256];
    CC_CHECK(cc_new_invite("STANDARD", 1, code, sizeof code) == 0, "%s", cc_last_error());
    cc_t *c = CC_CONNECT();
    char name[32];
    cc_unique_name(name, sizeof name);
    CC_OK(s_register(c, code, name, "correct horse battery"));
    cc_destroy(&c);
    c = CC_CONNECT();
    cc_unique_name(name, sizeof name);
    CC_ERR(s_register(c, code, name, "correct horse battery"), "INVALID_INVITE");
    cc_destroy(&c);
}

static void test_username_rules(void **state)
{
    const char *invite = cc_invite("STANDARD");
    cc_t *c = CC_CONNECT();
    const char *bad[] = {"ab",
                         "",
                         "bad-name",
                         "bad name",
                         "bad.name",
                         "n\xc3\xa9o_player",
                         "abcdefghijklmnopqrstu" /* 21 */,
                         "semi;colon",
                         "quote\\'s"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        cc_msg_t *r = s_register(c, invite, bad[i], "correct horse battery");
        CC_CHECK(r && !cc_ok(r) && !strcmp(cc_err(r), "BAD_REQUEST"), "username '%s': %s", bad[i],
                 cc_describe(r));
    }
    CC_ERR(cc_call(c, "profile.get", NULL, NULL), "UNAUTHENTICATED");

    /* 20 characters of [A-Za-z0-9_] are fine. */
    char name[32];
    cc_unique_name(name, sizeof name);
    size_t n = strlen(name);
    while (n < 20)
        name[n++] = 'Z';
    name[20] = 0;
    cc_msg_t *r = CC_OK(s_register(c, invite, name, "correct horse battery"));
    s_assert_user(r, "user.", name, "STANDARD");
    cc_destroy(&c);

    /* Taken, also in another case. */
    c = CC_CONNECT();
    CC_ERR(s_register(c, invite, name, "another good password"), "USERNAME_TAKEN");
    char upper[32], lower[32];
    for (size_t i = 0; i <= 20; i++) {
        upper[i] = (char)toupper((unsigned char)name[i]);
        lower[i] = (char)tolower((unsigned char)name[i]);
    }
    CC_ERR(s_register(c, invite, upper, "another good password"), "USERNAME_TAKEN");
    CC_ERR(s_register(c, invite, lower, "another good password"), "USERNAME_TAKEN");
    CC_ERR(cc_call(c, "profile.get", NULL, NULL), "UNAUTHENTICATED");
    cc_destroy(&c);
}

static void test_password_rules(void **state)
{
    const char *invite = cc_invite("STANDARD");
    cc_t *c = CC_CONNECT();
    char name[32];
    cc_unique_name(name, sizeof name);
    CC_ERR(s_register(c, invite, name, "1234567"), "BAD_REQUEST"); /* 7 */
    char longpw[130];
    memset(longpw, 'p', 129);
    longpw[129] = 0;
    CC_ERR(s_register(c, invite, name, longpw), "BAD_REQUEST"); /* 129 */
    CC_ERR(cc_call(c, "auth.register", NULL, "{invite: '%s', username: '%s'}", invite, name),
           "BAD_REQUEST");
    CC_ERR(cc_call(c, "auth.register", NULL, "{invite: '%s', username: '%s', password: 12345678}",
                   invite, name),
           "BAD_REQUEST");
    /* 8 is enough, and the name was not taken by the failed attempts. */
    CC_OK(s_register(c, invite, name, "12345678"));
    cc_destroy(&c);

    c = CC_CONNECT();
    cc_msg_t *r =
        CC_OK(cc_call(c, "auth.login", NULL, "{username: '%s', password: '12345678'}", name));
    s_assert_user(r, "user.", name, "STANDARD");
    cc_destroy(&c);
}

static void test_login(void **state)
{
    cc_user_t u;
    cc_t *c = CC_NEW_USER("STANDARD", &u);
    cc_destroy(&c);

    c = CC_CONNECT();
    cc_msg_t *wrong = CC_ERR(cc_call(c, "auth.login", NULL, "{username: '%s', password: '%s'}",
                                     u.username, "wrong password!"),
                             "BAD_CREDENTIALS");
    char ghost[32];
    cc_unique_name(ghost, sizeof ghost);
    cc_msg_t *unknown = CC_ERR(cc_call(c, "auth.login", NULL, "{username: '%s', password: '%s'}",
                                       ghost, "wrong password!"),
                               "BAD_CREDENTIALS");
    /* An unknown user and a wrong password look the same. */
    CC_CHECK(cc_errmsg(wrong) && cc_errmsg(unknown) &&
                 !strcmp(cc_errmsg(wrong), cc_errmsg(unknown)),
             "messages differ: %s vs %s", cc_describe(wrong), cc_describe(unknown));
    CC_ERR(cc_call(c, "profile.get", NULL, NULL), "UNAUTHENTICATED");

    cc_msg_t *r = CC_OK(
        cc_call(c, "auth.login", NULL, "{username: '%s', password: '%s'}", u.username, u.password));
    s_assert_user(r, "user.", u.username, "STANDARD");
    s_assert_tokens(r);
    CC_EQ(cc_int(r, "user.id"), u.id);
    r = CC_OK(cc_call(c, "profile.get", NULL, NULL));
    CC_EQ(cc_int(r, "user.id"), u.id);
    cc_destroy(&c);
}

static void test_access_token(void **state)
{
    cc_user_t u;
    cc_t *c = CC_NEW_USER("PREMIUM", &u);
    cc_destroy(&c);

    c = CC_CONNECT();
    CC_ERR(cc_call(c, "profile.get", NULL, NULL), "UNAUTHENTICATED");
    cc_msg_t *r = CC_OK(cc_call(c, "auth.token", NULL, "{access_token: '%s'}", u.access_token));
    s_assert_user(r, "user.", u.username, "PREMIUM");
    CC_EQ(cc_int(r, "user.id"), u.id);
    r = CC_OK(cc_call(c, "profile.get", NULL, NULL));
    CC_EQ(cc_int(r, "user.id"), u.id);
    CC_EQ(CC_COINS(c), 10000);
    cc_destroy(&c);

    /* Forged and damaged tokens. */
    char tok[sizeof u.access_token];
    char *dot1 = strchr(u.access_token, '.');
    char *dot2 = dot1 ? strchr(dot1 + 1, '.') : NULL;
    CC_CHECK(dot1 && dot2, "access token is not a JWT: %s", u.access_token);
    const char *forged[5];
    char sig[sizeof tok], payload[sizeof tok], none[sizeof tok], trunc[sizeof tok];
    /* signature changed in its middle */
    snprintf(sig, sizeof sig, "%s", u.access_token);
    size_t mid = (size_t)(dot2 - u.access_token) + (strlen(dot2) / 2);
    sig[mid] = sig[mid] == 'A' ? 'B' : 'A';
    /* payload changed in its middle */
    snprintf(payload, sizeof payload, "%s", u.access_token);
    mid = (size_t)(dot1 - u.access_token) + (size_t)(dot2 - dot1) / 2;
    payload[mid] = payload[mid] == 'A' ? 'B' : 'A';
    /* alg none: {"alg":"none","typ":"JWT"} with the real payload and no signature */
    snprintf(none, sizeof none, "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0%.*s.", (int)(dot2 - dot1),
             dot1);
    /* no signature at all */
    snprintf(trunc, sizeof trunc, "%.*s", (int)(dot2 - u.access_token), u.access_token);
    forged[0] = "garbage";
    forged[1] = sig;
    forged[2] = payload;
    forged[3] = none;
    forged[4] = trunc;
    c = CC_CONNECT();
    for (int i = 0; i < 5; i++) {
        r = cc_call(c, "auth.token", NULL, "{access_token: '%s'}", forged[i]);
        CC_CHECK(r && !strcmp(cc_err(r), "UNAUTHENTICATED"), "token #%d '%s': %s", i, forged[i],
                 cc_describe(r));
        CC_ERR(cc_call(c, "profile.get", NULL, NULL), "UNAUTHENTICATED");
    }
    /* The refresh token is not an access token. */
    CC_ERR(cc_call(c, "auth.token", NULL, "{access_token: '%s'}", u.refresh_token),
           "UNAUTHENTICATED");
    CC_ERR(cc_call(c, "wallet.balance", NULL, NULL), "UNAUTHENTICATED");
    cc_destroy(&c);
}

static void test_refresh_rotation_and_reuse(void **state)
{
    cc_user_t u;
    cc_t *c = CC_NEW_USER("STANDARD", &u);
    cc_destroy(&c);

    /* auth.refresh is allowed before authentication. */
    c = CC_CONNECT();
    cc_msg_t *r = CC_OK(cc_call(c, "auth.refresh", NULL, "{refresh_token: '%s'}", u.refresh_token));
    char a2[2048], r2[512];
    CC_CHECK(cc_obj_str(cc_get(r, "access_token"), a2, sizeof a2) &&
                 cc_obj_str(cc_get(r, "refresh_token"), r2, sizeof r2),
             "%s", cc_describe(r));
    CC_CHECK(strcmp(r2, u.refresh_token) != 0, "refresh token was not rotated");

    /* The new access token works on a fresh connection. */
    cc_t *c2 = CC_CONNECT();
    r = CC_OK(cc_call(c2, "auth.token", NULL, "{access_token: '%s'}", a2));
    CC_EQ(cc_int(r, "user.id"), u.id);
    CC_OK(cc_call(c2, "profile.get", NULL, NULL));
    cc_destroy(&c2);

    /* And the new refresh token rotates again. */
    r = CC_OK(cc_call(c, "auth.refresh", NULL, "{refresh_token: '%s'}", r2));
    char r3[512];
    CC_CHECK(cc_obj_str(cc_get(r, "refresh_token"), r3, sizeof r3), "%s", cc_describe(r));
    CC_CHECK(strcmp(r3, r2) != 0, "refresh token was not rotated");

    /* Reusing a spent token is refused and revokes the family, newest token included. */
    CC_ERR(cc_call(c, "auth.refresh", NULL, "{refresh_token: '%s'}", u.refresh_token),
           "UNAUTHENTICATED");
    CC_ERR(cc_call(c, "auth.refresh", NULL, "{refresh_token: '%s'}", r3), "UNAUTHENTICATED");
    CC_ERR(cc_call(c, "auth.refresh", NULL, "{refresh_token: '%s'}", r2), "UNAUTHENTICATED");
    CC_ERR(cc_call(c, "auth.refresh", NULL, "{refresh_token: 'not-a-token'}"), "UNAUTHENTICATED");
    cc_destroy(&c);

    /* Another login is another family: it still works. */
    c = CC_CONNECT();
    r = CC_OK(
        cc_call(c, "auth.login", NULL, "{username: '%s', password: '%s'}", u.username, u.password));
    char f2[512];
    CC_CHECK(cc_obj_str(cc_get(r, "refresh_token"), f2, sizeof f2), "%s", cc_describe(r));
    CC_OK(cc_call(c, "auth.refresh", NULL, "{refresh_token: '%s'}", f2));
    cc_destroy(&c);
}

static void test_logout(void **state)
{
    cc_user_t u;
    cc_t *c = CC_NEW_USER("STANDARD", &u);
    cc_msg_t *r = CC_OK(cc_call(c, "auth.logout", NULL, NULL));
    CC_CHECK(cc_is_map(r, ""), "data is not a map: %s", cc_describe(r));
    cc_destroy(&c);

    c = CC_CONNECT();
    CC_ERR(cc_call(c, "auth.refresh", NULL, "{refresh_token: '%s'}", u.refresh_token),
           "UNAUTHENTICATED");
    /* The password still works: logout ends a session, not the account. */
    CC_OK(
        cc_call(c, "auth.login", NULL, "{username: '%s', password: '%s'}", u.username, u.password));
    cc_destroy(&c);

    /* A family rotated once before the logout is revoked as a whole too. */
    c = CC_CONNECT();
    r = CC_OK(
        cc_call(c, "auth.login", NULL, "{username: '%s', password: '%s'}", u.username, u.password));
    char f1[512];
    CC_CHECK(cc_obj_str(cc_get(r, "refresh_token"), f1, sizeof f1), "%s", cc_describe(r));
    r = CC_OK(cc_call(c, "auth.refresh", NULL, "{refresh_token: '%s'}", f1));
    char f2[512];
    CC_CHECK(cc_obj_str(cc_get(r, "refresh_token"), f2, sizeof f2), "%s", cc_describe(r));
    CC_OK(cc_call(c, "auth.logout", NULL, NULL));
    cc_destroy(&c);
    c = CC_CONNECT();
    CC_ERR(cc_call(c, "auth.refresh", NULL, "{refresh_token: '%s'}", f2), "UNAUTHENTICATED");
    cc_destroy(&c);
}

static void test_profile(void **state)
{
    cc_user_t u;
    int64_t before = cc_now_ms();
    cc_t *c = CC_NEW_USER("VIP", &u);
    cc_msg_t *r = CC_OK(cc_call(c, "profile.get", NULL, NULL));
    s_assert_user(r, "user.", u.username, "VIP");
    CC_EQ(cc_int(r, "user.id"), u.id);
    CC_CHECK(cc_is_map(r, "stats"), "stats is not a map: %s", cc_describe(r));
    if (cc_is_int(r, "user.created_at")) {
        /* Milliseconds since the epoch, like every other time in the protocol. */
        int64_t at = cc_int(r, "user.created_at");
        CC_CHECK(at > before - 60000 && at < cc_now_ms() + 60000, "created_at=%lld now=%lld",
                 (long long)at, (long long)cc_now_ms());
    }
    cc_destroy(&c);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_register_ranks),
    cmocka_unit_test(test_invalid_invite),
    cmocka_unit_test(test_invite_single_use),
    cmocka_unit_test(test_username_rules),
    cmocka_unit_test(test_password_rules),
    cmocka_unit_test(test_login),
    cmocka_unit_test(test_access_token),
    cmocka_unit_test(test_refresh_rotation_and_reuse),
    cmocka_unit_test(test_logout),
    cmocka_unit_test(test_profile),
};

CC_MAIN(tests)
