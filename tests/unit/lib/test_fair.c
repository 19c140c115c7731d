/* The fairness stream against vectors computed outside this code (Python's hmac module),
 * so a change to the message format, the byte order or the rejection rule fails here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "fair.h"
#include "util.h"

static const char SS[] = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

static void test_stream_matches_reference(void **state)
{
    (void)state;
    static const uint32_t n0[16] = {0x51e3d624, 0xc5c924ff, 0x0c5c87ee, 0x6c687bfc,
                                    0x31756cdf, 0xa866d55a, 0x915d0c8b, 0x6e5587a6,
                                    0x39bf47f6, 0xc05e1d7c, 0x0f90b0ea, 0xeeb6e97a,
                                    0x80600302, 0x5a9d58e3, 0x93a582ec, 0x57746be5};
    club_fair_t f;
    club_fair_init(&f, SS, "lucky_seed", 0);
    for (int i = 0; i < 16; i++)
        assert_int_equal(club_fair_u32(&f), n0[i]); /* crosses cursor 1 */
    club_fair_init(&f, SS, "lucky_seed", 7);
    assert_int_equal(club_fair_u32(&f), 0x0b1996f1);
    assert_int_equal(club_fair_u32(&f), 0x6c1701c2);
}

/* Streams of different server seeds read in turns give what each gives alone, and what a
 * one-shot HMAC gives: the per-thread HMAC context is re-keyed whenever the seed changes. */
static void test_streams_of_two_seeds_in_turns(void **state)
{
    (void)state;
    static const char SS2[] = "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae";
    club_fair_t a, b;
    club_fair_init(&a, SS, "lucky_seed", 0);
    club_fair_init(&b, SS2, "lucky_seed", 0);
    uint8_t want[32];
    unsigned int len = 32;
    HMAC(EVP_sha256(), SS2, (int)strlen(SS2), (const uint8_t *)"lucky_seed:0:0", 14, want, &len);
    assert_int_equal(club_fair_u32(&a), 0x51e3d624);
    assert_int_equal(club_fair_u32(&b), (uint32_t)want[0] << 24 | (uint32_t)want[1] << 16 |
                                            (uint32_t)want[2] << 8 | want[3]);
    club_fair_init(&a, SS, "lucky_seed", 7); /* a new block of the first seed, after the second */
    assert_int_equal(club_fair_u32(&a), 0x0b1996f1);
}

static void test_uniform_rejects_the_biased_tail(void **state)
{
    (void)state;
    /* n = 2^31 + 1: limit = 2^31 + 1, so 0xc5c924ff is thrown away and the next u is used. */
    club_fair_t f;
    club_fair_init(&f, SS, "lucky_seed", 0);
    assert_int_equal(club_fair_uniform(&f, 0x80000001u), 0x51e3d624);
    assert_int_equal(club_fair_uniform(&f, 0x80000001u), 0x0c5c87ee);
}

static void test_uniform_small_ranges(void **state)
{
    (void)state;
    club_fair_t f;
    uint32_t lens[5] = {28, 29, 30, 32, 33}, want[5] = {20, 21, 12, 28, 8};
    club_fair_init(&f, SS, "lucky_seed", 0);
    for (int i = 0; i < 5; i++)
        assert_int_equal(club_fair_uniform(&f, lens[i]), want[i]);
    club_fair_init(&f, SS, "lucky_seed", 3);
    assert_int_equal(club_fair_uniform(&f, 37), 5);
    club_fair_init(&f, SS, "lucky_seed", 3);
    assert_int_equal(club_fair_uniform(&f, 3), 1);
    club_fair_init(&f, SS, "lucky_seed", 3);
    assert_int_equal(club_fair_uniform(&f, 1), 0);
}

static void test_seed_rules(void **state)
{
    (void)state;
    char seed[65], hash[65], want[65];
    assert_int_equal(club_fair_new_server_seed(seed, hash), 0);
    assert_true(club_fair_server_seed_ok(seed));
    club_sha256_hex(seed, 64, want);
    assert_string_equal(hash, want);
    club_sha256_hex(SS, 64, want);
    assert_string_equal(want, "7b3d979ca8330a94fa7e9e1b466d8b99e0bcdea1ec90596c0dcc8d7ef6b4300c");
    assert_true(club_fair_client_seed_ok("abc-DEF_1.2", 11));
    assert_false(club_fair_client_seed_ok("a:b", 3));
    assert_false(club_fair_client_seed_ok("", 0));
    assert_false(club_fair_server_seed_ok("ABC"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stream_matches_reference),
        cmocka_unit_test(test_streams_of_two_seeds_in_turns),
        cmocka_unit_test(test_uniform_rejects_the_biased_tail),
        cmocka_unit_test(test_uniform_small_ranges),
        cmocka_unit_test(test_seed_rules),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
