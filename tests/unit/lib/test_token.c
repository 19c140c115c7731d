/* Access tokens: the issuer's tokens verify; tokens built by hand (as an attacker would) with
 * a wrong algorithm, key, audience, issuer, expiry or a tampered payload do not. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "token.h"
#include "util.h"
#include "wire.h"

#define SECRET "an-hmac-key-that-is-long-enough-for-tests-0123456789"
#define NOW    1800000000LL

static const club_jwt_key_t KEY = {SECRET, "k1"};

static void s_b64(const char *in, size_t n, char *out)
{
    club_b64url_encode((const uint8_t *)in, n, out);
}

/* header.payload.signature with the signature made by `md` under `secret` (NULL: none). */
static char *s_make(const char *header, const char *payload, const EVP_MD *md, const char *secret)
{
    char h[512], p[1024], sig[128] = "";
    s_b64(header, strlen(header), h);
    s_b64(payload, strlen(payload), p);
    char *signing = malloc(strlen(h) + strlen(p) + 2);
    sprintf(signing, "%s.%s", h, p);
    if (md) {
        uint8_t mac[64];
        unsigned int len = sizeof mac;
        HMAC(md, secret, (int)strlen(secret), (uint8_t *)signing, strlen(signing), mac, &len);
        club_b64url_encode(mac, len, sig);
    }
    char *tok = malloc(strlen(signing) + strlen(sig) + 2);
    sprintf(tok, "%s.%s", signing, sig);
    free(signing);
    return tok;
}

static const char HS256[] = "{\"alg\":\"HS256\",\"kid\":\"k1\",\"typ\":\"JWT\"}";

static char *s_payload(const char *iss, const char *aud, long long exp)
{
    static char buf[256];
    snprintf(
        buf, sizeof buf,
        "{\"aud\":\"%s\",\"exp\":%lld,\"iat\":%lld,\"iss\":\"%s\",\"rank\":\"VIP\",\"sub\":\"42\"}",
        aud, exp, (long long)NOW - 10, iss);
    return buf;
}

static int s_verify(const char *tok)
{
    club_jwt_claims_t c;
    const char *why;
    return club_jwt_verify(&KEY, tok, NOW, &c, &why);
}

static void test_issued_token_verifies(void **state)
{
    (void)state;
    int64_t exp;
    char *tok = club_jwt_issue(&KEY, 42, CLUB_RANK_PREMIUM, NOW, 600, &exp);
    assert_non_null(tok);
    assert_int_equal(exp, NOW + 600);
    club_jwt_claims_t c;
    const char *why;
    assert_int_equal(club_jwt_verify(&KEY, tok, NOW + 599, &c, &why), 0);
    assert_int_equal(c.user, 42);
    assert_int_equal(c.rank, CLUB_RANK_PREMIUM);
    assert_int_equal(club_jwt_verify(&KEY, tok, NOW + 600, &c, &why), -1); /* expired */
    free(tok);
}

static void test_hand_built_valid_token_verifies(void **state)
{
    (void)state;
    char *tok =
        s_make(HS256, s_payload(CLUB_JWT_ISS, CLUB_JWT_AUD, NOW + 60), EVP_sha256(), SECRET);
    assert_int_equal(s_verify(tok), 0);
    free(tok);
}

static void test_alg_none_is_refused(void **state)
{
    (void)state;
    char *tok = s_make("{\"alg\":\"none\",\"kid\":\"k1\",\"typ\":\"JWT\"}",
                       s_payload(CLUB_JWT_ISS, CLUB_JWT_AUD, NOW + 60), NULL, NULL);
    assert_int_equal(s_verify(tok), -1);
    free(tok);
}

static void test_other_algorithm_same_key_is_refused(void **state)
{
    (void)state;
    char *tok = s_make("{\"alg\":\"HS512\",\"kid\":\"k1\",\"typ\":\"JWT\"}",
                       s_payload(CLUB_JWT_ISS, CLUB_JWT_AUD, NOW + 60), EVP_sha512(), SECRET);
    assert_int_equal(s_verify(tok), -1);
    free(tok);
}

static void test_wrong_key_is_refused(void **state)
{
    (void)state;
    char *tok = s_make(HS256, s_payload(CLUB_JWT_ISS, CLUB_JWT_AUD, NOW + 60), EVP_sha256(),
                       "another-key-of-the-same-length-0123456789abcdefghij");
    assert_int_equal(s_verify(tok), -1);
    free(tok);
}

static void test_expired_is_refused(void **state)
{
    (void)state;
    char *tok = s_make(HS256, s_payload(CLUB_JWT_ISS, CLUB_JWT_AUD, NOW - 1), EVP_sha256(), SECRET);
    assert_int_equal(s_verify(tok), -1);
    free(tok);
}

static void test_wrong_audience_or_issuer_is_refused(void **state)
{
    (void)state;
    char *a = s_make(HS256, s_payload(CLUB_JWT_ISS, "other.app", NOW + 60), EVP_sha256(), SECRET);
    char *i = s_make(HS256, s_payload("evil", CLUB_JWT_AUD, NOW + 60), EVP_sha256(), SECRET);
    assert_int_equal(s_verify(a), -1);
    assert_int_equal(s_verify(i), -1);
    free(a);
    free(i);
}

static void test_wrong_kid_is_refused(void **state)
{
    (void)state;
    char *tok = s_make("{\"alg\":\"HS256\",\"kid\":\"k9\",\"typ\":\"JWT\"}",
                       s_payload(CLUB_JWT_ISS, CLUB_JWT_AUD, NOW + 60), EVP_sha256(), SECRET);
    assert_int_equal(s_verify(tok), -1);
    free(tok);
}

static void test_tampered_payload_is_refused(void **state)
{
    (void)state;
    int64_t exp;
    char *tok = club_jwt_issue(&KEY, 42, CLUB_RANK_STANDARD, NOW, 600, &exp);
    /* Swap the payload for one that says user 1, keeping the original signature. */
    char *dot1 = strchr(tok, '.'), *dot2 = strrchr(tok, '.');
    char forged_p[512];
    const char *fp = "{\"aud\":\"club.v1\",\"exp\":1800000600,\"iat\":1800000000,"
                     "\"iss\":\"casino-club\",\"rank\":\"VIP\",\"sub\":\"1\"}";
    s_b64(fp, strlen(fp), forged_p);
    char forged[2048];
    snprintf(forged, sizeof forged, "%.*s.%s%s", (int)(dot1 - tok), tok, forged_p, dot2);
    assert_int_equal(s_verify(forged), -1);
    assert_int_equal(s_verify("garbage"), -1);
    assert_int_equal(s_verify(""), -1);
    assert_int_equal(s_verify("a.b.c"), -1);
    free(tok);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_issued_token_verifies),
        cmocka_unit_test(test_hand_built_valid_token_verifies),
        cmocka_unit_test(test_alg_none_is_refused),
        cmocka_unit_test(test_other_algorithm_same_key_is_refused),
        cmocka_unit_test(test_wrong_key_is_refused),
        cmocka_unit_test(test_expired_is_refused),
        cmocka_unit_test(test_wrong_audience_or_issuer_is_refused),
        cmocka_unit_test(test_wrong_kid_is_refused),
        cmocka_unit_test(test_tampered_payload_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
