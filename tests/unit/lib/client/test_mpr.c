/* lib/client/mpr: the msgpack reader club-bench reads every reply with and the test support
 * library finds a reply's data with. Checked against msgpack-c's encoder (what the server
 * sends), and on truncated and lying input, where it must stop without reading past the end. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <msgpack.h>

#include "client/mpr.h"
#include "msg.h"

static msgpack_sbuffer s_sb;
static msgpack_packer s_pk;

static void s_begin(void)
{
    msgpack_sbuffer_clear(&s_sb);
}

static void test_reply_parse(void **state)
{
    (void)state;
    club_mpr_reply_t r;
    /* ok reply with a nested data map: stops after rid + ok */
    s_begin();
    club_pk_reply_ok(&s_pk, 123456);
    msgpack_pack_map(&s_pk, 2);
    club_pk_kv_int(&s_pk, "coins", 10000);
    club_pk_str(&s_pk, "list");
    msgpack_pack_array(&s_pk, 3);
    msgpack_pack_nil(&s_pk);
    msgpack_pack_double(&s_pk, 1.5);
    club_pk_str(&s_pk, "x");
    assert_int_equal(club_mpr_reply((uint8_t *)s_sb.data, s_sb.size, &r), 0);
    assert_true(r.has_rid);
    assert_int_equal(r.rid, 123456);
    assert_int_equal(r.ok, 1);
    assert_null(r.ev);

    /* error reply */
    s_begin();
    club_pk_reply_err(&s_pk, 7, CLUB_E_INSUFFICIENT_FUNDS, "not enough coins");
    assert_int_equal(club_mpr_reply((uint8_t *)s_sb.data, s_sb.size, &r), 0);
    assert_int_equal(r.rid, 7);
    assert_int_equal(r.ok, 0);
    assert_non_null(r.code);
    assert_int_equal(r.code_len, strlen("INSUFFICIENT_FUNDS"));
    assert_memory_equal(r.code, "INSUFFICIENT_FUNDS", r.code_len);

    /* push */
    s_begin();
    club_pk_push(&s_pk, "wallet.balance");
    msgpack_pack_map(&s_pk, 0);
    assert_int_equal(club_mpr_reply((uint8_t *)s_sb.data, s_sb.size, &r), 0);
    assert_false(r.has_rid);
    assert_int_equal(r.ev_len, 14);
    assert_memory_equal(r.ev, "wallet.balance", 14);

    /* every truncation of the error reply fails cleanly (or parses the prefix it has) */
    s_begin();
    club_pk_reply_err(&s_pk, 7, CLUB_E_LIMIT, "bet outside limits");
    for (size_t n = 0; n < s_sb.size; n++) {
        uint8_t *copy = malloc(n ? n : 1);
        memcpy(copy, s_sb.data, n);
        int rc = club_mpr_reply(copy, n, &r);
        assert_true(rc == -1 || r.code == NULL || r.code + r.code_len <= (char *)copy + n);
        free(copy);
    }

    /* not a map */
    uint8_t arr[] = {0x91, 0x01};
    assert_int_equal(club_mpr_reply(arr, sizeof arr, &r), -1);
    /* a map claiming 2^32-1 entries in 6 bytes */
    uint8_t lie[] = {0xdf, 0xff, 0xff, 0xff, 0xff, 0xa0};
    assert_int_equal(club_mpr_reply(lie, sizeof lie, &r), -1);
}

static void test_mpr_skip(void **state)
{
    (void)state;
    s_begin();
    msgpack_pack_array(&s_pk, 4);
    msgpack_pack_map(&s_pk, 1);
    club_pk_kv_int(&s_pk, "a", -5);
    msgpack_pack_bin(&s_pk, 3);
    msgpack_pack_bin_body(&s_pk, "xyz", 3);
    msgpack_pack_uint64(&s_pk, UINT64_MAX);
    msgpack_pack_ext(&s_pk, 4, 1);
    msgpack_pack_ext_body(&s_pk, "abcd", 4);
    msgpack_pack_true(&s_pk);
    club_mpr_t r;
    club_mpr_init(&r, (uint8_t *)s_sb.data, s_sb.size);
    assert_int_equal(club_mpr_skip(&r), 0);
    assert_int_equal(club_mpr_bool(&r, &(bool){false}), 0);
    assert_ptr_equal(r.p, r.end);
}

/* The scalar readers take every encoding msgpack-c may choose, and nothing else. */
static void test_scalars(void **state)
{
    (void)state;
    static const uint64_t uints[] = {
        0, 1, 127, 128, 255, 256, 65535, 65536, UINT32_MAX, (uint64_t)UINT32_MAX + 1, UINT64_MAX};
    for (size_t i = 0; i < sizeof uints / sizeof uints[0]; i++) {
        s_begin();
        msgpack_pack_uint64(&s_pk, uints[i]);
        club_mpr_t r;
        club_mpr_init(&r, (uint8_t *)s_sb.data, s_sb.size);
        uint64_t v;
        assert_int_equal(club_mpr_uint(&r, &v), 0);
        assert_true(v == uints[i]);
        assert_ptr_equal(r.p, r.end);
        /* cut short: refused */
        club_mpr_init(&r, (uint8_t *)s_sb.data, s_sb.size - 1);
        if (s_sb.size > 1) assert_int_equal(club_mpr_uint(&r, &v), -1);
    }
    /* signed encodings of non-negative values are integers too; negative ones are not */
    static const uint8_t pos_int8[] = {0xd0, 0x05}, neg_int8[] = {0xd0, 0xfb}, neg_fix[] = {0xff};
    static const uint8_t pos_int64[] = {0xd3, 0, 0, 0, 0, 0, 0, 0x01, 0x00};
    uint64_t v;
    club_mpr_t r;
    club_mpr_init(&r, pos_int8, sizeof pos_int8);
    assert_int_equal(club_mpr_uint(&r, &v), 0);
    assert_true(v == 5);
    club_mpr_init(&r, pos_int64, sizeof pos_int64);
    assert_int_equal(club_mpr_uint(&r, &v), 0);
    assert_true(v == 256);
    club_mpr_init(&r, neg_int8, sizeof neg_int8);
    assert_int_equal(club_mpr_uint(&r, &v), -1);
    club_mpr_init(&r, neg_fix, sizeof neg_fix);
    assert_int_equal(club_mpr_uint(&r, &v), -1);
    static const uint8_t flt[] = {0xcb, 0x3f, 0xf0, 0, 0, 0, 0, 0, 0};
    club_mpr_init(&r, flt, sizeof flt);
    assert_int_equal(club_mpr_uint(&r, &v), -1); /* a float is not an integer */

    /* strings in all four forms, and one whose length runs past the end */
    static const size_t lens[] = {0, 31, 32, 255, 256, 65536};
    char *text = malloc(65536);
    memset(text, 'q', 65536);
    for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
        s_begin();
        msgpack_pack_str_with_body(&s_pk, text, lens[i]);
        club_mpr_init(&r, (uint8_t *)s_sb.data, s_sb.size);
        const char *str;
        uint32_t n;
        assert_int_equal(club_mpr_str(&r, &str, &n), 0);
        assert_int_equal(n, lens[i]);
        assert_ptr_equal(str + n, r.end);
        club_mpr_init(&r, (uint8_t *)s_sb.data, s_sb.size - 1);
        if (s_sb.size > 1) assert_int_equal(club_mpr_str(&r, &str, &n), -1);
    }
    free(text);
    static const uint8_t t[] = {0xc3}, f[] = {0xc2}, nil[] = {0xc0};
    bool b = false;
    club_mpr_init(&r, t, 1);
    assert_int_equal(club_mpr_bool(&r, &b), 0);
    assert_true(b);
    club_mpr_init(&r, f, 1);
    assert_int_equal(club_mpr_bool(&r, &b), 0);
    assert_false(b);
    club_mpr_init(&r, nil, 1);
    assert_int_equal(club_mpr_bool(&r, &b), -1);
    club_mpr_init(&r, nil, 0);
    assert_int_equal(club_mpr_bool(&r, &b), -1);
}

/* find: the value of a top-level key, past keys of any type and values of any size. */
static void test_find(void **state)
{
    (void)state;
    s_begin();
    msgpack_pack_map(&s_pk, 4);
    msgpack_pack_int(&s_pk, 7); /* a key that is not a string: legal msgpack, skipped */
    club_pk_str(&s_pk, "not this");
    club_pk_str(&s_pk, "dat");
    msgpack_pack_array(&s_pk, 2);
    msgpack_pack_nil(&s_pk);
    msgpack_pack_map(&s_pk, 1);
    club_pk_kv_str(&s_pk, "data", "nested, not top-level");
    club_pk_str(&s_pk, "data");
    msgpack_pack_map(&s_pk, 1);
    club_pk_kv_int(&s_pk, "coins", 5);
    club_pk_kv_int(&s_pk, "rid", 9);
    club_mpr_t r;
    club_mpr_init(&r, (uint8_t *)s_sb.data, s_sb.size);
    assert_int_equal(club_mpr_find(&r, "data"), 0);
    /* the reader is at the value: its bytes are [start, after skip) */
    const uint8_t *start = r.p;
    assert_int_equal(club_mpr_skip(&r), 0);
    assert_int_equal(r.p - start, 1 + 6 + 1); /* {"coins": 5}: fixmap, fixstr "coins", 5 */
    assert_int_equal(start[0], 0x81);
    club_mpr_init(&r, (uint8_t *)s_sb.data, s_sb.size);
    uint64_t rid;
    assert_int_equal(club_mpr_find(&r, "rid"), 0);
    assert_int_equal(club_mpr_uint(&r, &rid), 0);
    assert_true(rid == 9);
    club_mpr_init(&r, (uint8_t *)s_sb.data, s_sb.size);
    assert_int_equal(club_mpr_find(&r, "absent"), -1);
    club_mpr_init(&r, (uint8_t *)s_sb.data, s_sb.size);
    assert_int_equal(club_mpr_find(&r, "da"), -1); /* a prefix is not the key */
    /* every truncation that cuts into the key "rid" or before it fails cleanly (each copy is
     * exactly n bytes, so a read past them is the sanitizer build's failure) */
    for (size_t n = 0; n + 1 < s_sb.size; n++) {
        uint8_t *copy = malloc(n ? n : 1);
        memcpy(copy, s_sb.data, n);
        club_mpr_init(&r, copy, n);
        assert_int_equal(club_mpr_find(&r, "rid"), -1);
        free(copy);
    }
    /* not a map */
    static const uint8_t arr[] = {0x91, 0xa1, 'x'};
    club_mpr_init(&r, arr, sizeof arr);
    assert_int_equal(club_mpr_find(&r, "x"), -1);
}

/* skip never reads past the end, whatever the sizes claim. */
static void test_skip_refuses_lies(void **state)
{
    (void)state;
    static const struct {
        const char *what;
        uint8_t bytes[8];
        size_t n;
    } lies[] = {
        {"array32 of 2^32-1 in 6 bytes", {0xdd, 0xff, 0xff, 0xff, 0xff, 0x01}, 6},
        {"map16 of 65535 in 4 bytes", {0xde, 0xff, 0xff, 0x01}, 4},
        {"str32 of 2^32-1", {0xdb, 0xff, 0xff, 0xff, 0xff, 'a'}, 6},
        {"bin8 of 200", {0xc4, 200, 1, 2}, 4},
        {"ext8 of 5 with its type", {0xc7, 5, 1, 'a', 'b'}, 5},
        {"fixext16 in 4 bytes", {0xd8, 1, 2, 3}, 4},
        {"float64 cut", {0xcb, 0, 0, 0}, 4},
        {"0xc1, never used", {0xc1}, 1},
        {"a fixarray of 3 holding 2", {0x93, 0x01, 0x02}, 3},
        {"nothing", {0}, 0},
    };
    for (size_t i = 0; i < sizeof lies / sizeof lies[0]; i++) {
        club_mpr_t r;
        club_mpr_init(&r, lies[i].bytes, lies[i].n);
        if (club_mpr_skip(&r) != -1) fail_msg("%s: skipped", lies[i].what);
    }
    /* deep nesting is walked without recursion */
    enum { DEPTH = 100000 };
    uint8_t *deep = malloc(DEPTH + 1);
    memset(deep, 0x91, DEPTH);
    deep[DEPTH] = 0xc0;
    club_mpr_t r;
    club_mpr_init(&r, deep, DEPTH + 1);
    assert_int_equal(club_mpr_skip(&r), 0);
    assert_ptr_equal(r.p, r.end);
    free(deep);
}

int main(void)
{
    msgpack_sbuffer_init(&s_sb);
    msgpack_packer_init(&s_pk, &s_sb, msgpack_sbuffer_write);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reply_parse),       cmocka_unit_test(test_mpr_skip),
        cmocka_unit_test(test_scalars),           cmocka_unit_test(test_find),
        cmocka_unit_test(test_skip_refuses_lies),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    msgpack_sbuffer_destroy(&s_sb);
    return rc;
}
