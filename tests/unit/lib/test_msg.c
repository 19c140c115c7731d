/* The msgpack envelope: what the edge and every worker accept and refuse. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "msg.h"
#include "ops.h"
#include "wire.h"

static msgpack_sbuffer sb;
static msgpack_packer pk;

static void s_reset(void)
{
    msgpack_sbuffer_clear(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
}

static void test_request_roundtrip(void **state)
{
    (void)state;
    s_reset();
    msgpack_pack_map(&pk, 4);
    club_pk_kv_int(&pk, "rid", 42);
    club_pk_kv_str(&pk, "op", "slot.spin");
    club_pk_kv_str(&pk, "idem", "k-1");
    club_pk_str(&pk, "args");
    msgpack_pack_map(&pk, 1);
    club_pk_kv_int(&pk, "bet", 100);
    msgpack_unpacked up;
    assert_int_equal(club_mp_decode((uint8_t *)sb.data, sb.size, &up), 0);
    club_req_t req;
    const char *why;
    assert_int_equal(club_req_parse(&up.data, &req, &why), 0);
    assert_int_equal(req.rid, 42);
    assert_int_equal(req.op_len, 9);
    assert_memory_equal(req.op, "slot.spin", 9);
    assert_int_equal(req.idem_len, 3);
    int64_t bet;
    assert_true(club_mp_i64(club_mp_get(req.args, "bet"), &bet));
    assert_int_equal(bet, 100);
    msgpack_unpacked_destroy(&up);
}

static void test_bad_envelopes(void **state)
{
    (void)state;
    club_req_t req;
    const char *why;
    msgpack_unpacked up;
    /* not a map */
    s_reset();
    msgpack_pack_array(&pk, 0);
    assert_int_equal(club_mp_decode((uint8_t *)sb.data, sb.size, &up), 0);
    assert_int_equal(club_req_parse(&up.data, &req, &why), -1);
    msgpack_unpacked_destroy(&up);
    /* rid as a float, op missing */
    s_reset();
    msgpack_pack_map(&pk, 1);
    club_pk_str(&pk, "rid");
    msgpack_pack_double(&pk, 1.5);
    assert_int_equal(club_mp_decode((uint8_t *)sb.data, sb.size, &up), 0);
    assert_int_equal(club_req_parse(&up.data, &req, &why), -1);
    msgpack_unpacked_destroy(&up);
    /* idem too long keeps the rid for the error reply */
    s_reset();
    msgpack_pack_map(&pk, 3);
    club_pk_kv_int(&pk, "rid", 9);
    club_pk_kv_str(&pk, "op", "wallet.daily_bonus");
    club_pk_kv_str(&pk, "idem",
                   "0123456789012345678901234567890123456789012345678901234567890123456789");
    assert_int_equal(club_mp_decode((uint8_t *)sb.data, sb.size, &up), 0);
    assert_int_equal(club_req_parse(&up.data, &req, &why), -1);
    assert_int_equal(req.rid, 9);
    msgpack_unpacked_destroy(&up);
}

/* An idem is stored as Postgres text: it must be UTF-8 without NUL, or the request is
 * refused here rather than by the database in the middle of a wallet batch. */
static void test_idem_must_be_text(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        size_t n;
        bool ok;
    } cases[] = {
        {"plain-key_1", 11, true},
        {"\"q\\u,{}NULL", 11, true},    /* array-literal metacharacters are fine */
        {"\xc3\xa9t\xc3\xa9", 5, true}, /* été */
        {"\xf0\x9f\x8e\xb0", 4, true},  /* U+1F3B0 */
        {"a\0b", 3, false},             /* NUL */
        {"\xff\xfe", 2, false},         /* not UTF-8 */
        {"\xc0\xaf", 2, false},         /* overlong '/' */
        {"\xed\xa0\x80", 3, false},     /* a surrogate */
        {"\xf4\x90\x80\x80", 4, false}, /* past U+10FFFF */
        {"\xe2\x82", 2, false},         /* cut short */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        s_reset();
        msgpack_pack_map(&pk, 3);
        club_pk_kv_int(&pk, "rid", 4);
        club_pk_kv_str(&pk, "op", "slot.spin");
        club_pk_str(&pk, "idem");
        club_pk_strn(&pk, cases[i].s, cases[i].n);
        msgpack_unpacked up;
        club_req_t req;
        const char *why = NULL;
        assert_int_equal(club_mp_decode((uint8_t *)sb.data, sb.size, &up), 0);
        int rc = club_req_parse(&up.data, &req, &why);
        if (cases[i].ok) {
            assert_int_equal(rc, 0);
            assert_int_equal(req.idem_len, cases[i].n);
        } else {
            assert_int_equal(rc, -1);
            assert_non_null(strstr(why, "UTF-8"));
        }
        msgpack_unpacked_destroy(&up);
    }
}

/* club_mp_strcpy: what the workers copy client strings (usernames, invite codes, round ids)
 * with before they reach Postgres as text. Only UTF-8 text of 1..cap-1 bytes is copied. */
static void test_strcpy_copies_only_text_that_fits(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        size_t n;
        bool ok;
    } cases[] = {
        {"player_1", 8, true},
        {"\xc3\xa9t\xc3\xa9", 5, true},    /* été */
        {"\xf0\x9f\x8e\xb0 win", 8, true}, /* U+1F3B0 */
        {"0123456789abcde", 15, true},     /* cap - 1 bytes: fits with its NUL */
        {"0123456789abcdef", 16, false},   /* cap bytes: no room for the NUL */
        {"", 0, false},                    /* empty */
        {"a\0b", 3, false},                /* NUL */
        {"\xc0\xaf", 2, false},            /* overlong */
        {"\xed\xa0\x80", 3, false},        /* surrogate */
        {"\xf4\x90\x80\x80", 4, false},    /* past U+10FFFF */
        {"abc\xe2\x82", 5, false},         /* cut short */
        {"\x80"
         "abc",
         4, false}, /* lone continuation */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        s_reset();
        club_pk_strn(&pk, cases[i].s, cases[i].n);
        msgpack_unpacked up;
        assert_int_equal(club_mp_decode((uint8_t *)sb.data, sb.size, &up), 0);
        char buf[16];
        memset(buf, 'Z', sizeof buf);
        bool ok = club_mp_strcpy(&up.data, buf, sizeof buf);
        if (ok != cases[i].ok) fail_msg("case %zu: club_mp_strcpy returned %d", i, ok);
        if (ok) {
            assert_memory_equal(buf, cases[i].s, cases[i].n);
            assert_int_equal(buf[cases[i].n], 0);
        }
        msgpack_unpacked_destroy(&up);
    }
    /* Not a string at all. */
    s_reset();
    msgpack_pack_int(&pk, 7);
    msgpack_unpacked up;
    assert_int_equal(club_mp_decode((uint8_t *)sb.data, sb.size, &up), 0);
    char buf[16];
    assert_false(club_mp_strcpy(&up.data, buf, sizeof buf));
    assert_false(club_mp_strcpy(NULL, buf, sizeof buf));
    msgpack_unpacked_destroy(&up);
}

static void test_precheck_refuses_lies_and_depth(void **state)
{
    (void)state;
    static const uint8_t huge_array[] = {0xdd, 0xff, 0xff, 0xff, 0xff, 0x01};
    static const uint8_t huge_str[] = {0xdb, 0x7f, 0xff, 0xff, 0xff, 'a'};
    static const uint8_t truncated_map[] = {0x82, 0xa1, 'a', 0x01};
    static const uint8_t reserved[] = {0xc1};
    static const uint8_t trailing[] = {0x80, 0x80};
    assert_int_equal(club_mp_precheck(huge_array, sizeof huge_array), -1);
    assert_int_equal(club_mp_precheck(huge_str, sizeof huge_str), -1);
    assert_int_equal(club_mp_precheck(truncated_map, sizeof truncated_map), -1);
    assert_int_equal(club_mp_precheck(reserved, sizeof reserved), -1);
    assert_int_equal(club_mp_precheck(trailing, sizeof trailing), -1);
    uint8_t deep[64];
    memset(deep, 0x91, sizeof deep); /* 64 nested one-element arrays */
    deep[63] = 0x01;
    assert_int_equal(club_mp_precheck(deep, sizeof deep), -1);
    assert_int_equal(club_mp_precheck(deep + 64 - 8, 8), 0);
    static const uint8_t ok[] = {0x81, 0xa1, 'a', 0xcb, 0, 0, 0, 0, 0, 0, 0, 0};
    assert_int_equal(club_mp_precheck(ok, sizeof ok), 0);
}

static void test_map_extend_adds_balance(void **state)
{
    (void)state;
    s_reset();
    msgpack_pack_map(&pk, 1);
    club_pk_kv_int(&pk, "win", 5);
    msgpack_sbuffer out;
    msgpack_sbuffer_init(&out);
    assert_int_equal(club_mp_map_extend((uint8_t *)sb.data, sb.size, 1, &out), 0);
    msgpack_packer p2;
    msgpack_packer_init(&p2, &out, msgpack_sbuffer_write);
    club_pk_kv_int(&p2, "coins", 7);
    msgpack_unpacked up;
    assert_int_equal(club_mp_decode((uint8_t *)out.data, out.size, &up), 0);
    int64_t v;
    assert_true(club_mp_i64(club_mp_get(&up.data, "win"), &v));
    assert_int_equal(v, 5);
    assert_true(club_mp_i64(club_mp_get(&up.data, "coins"), &v));
    assert_int_equal(v, 7);
    msgpack_unpacked_destroy(&up);
    msgpack_sbuffer_destroy(&out);
}

static void test_header_and_ops(void **state)
{
    (void)state;
    club_hdr_t h = {.kind = CLUB_K_REP,
                    .status = 3,
                    .rank = 2,
                    .flags = 1,
                    .rid = 0xdeadbeef,
                    .corr = 1ULL << 60,
                    .user = 77,
                    .exp = 1800000000,
                    .sid = 5,
                    .key = 0xfeedfacecafebeefULL};
    uint8_t b[CLUB_HDR_SIZE];
    club_hdr_encode(&h, b);
    club_hdr_t g;
    assert_int_equal(club_hdr_decode(b, sizeof b, &g), 0);
    assert_memory_equal(&h, &g, sizeof h);
    assert_int_equal(club_hdr_decode(b, sizeof b - 1, &g), -1);
    const club_op_t *op = club_op_find("slot.spin", 9);
    assert_non_null(op);
    assert_string_equal(op->domain, "games");
    assert_true(op->flags & CLUB_OP_IDEM);
    assert_true(club_op_find("wallet.settle", 13)->flags & CLUB_OP_INTERNAL);
    assert_null(club_op_find("slot.spinx", 10));
    char topic[CLUB_TOPIC_LEN + 1];
    club_topic_user(0x1234, topic);
    assert_string_equal(topic, "u.0000000000001234");
}

/* schemas/ops.json's error codes are exactly the enum's, by name. */
static void test_schema_errors_match_enum(void **state)
{
    (void)state;
    size_t n;
    const char *const *names = club_op_schema_errors(&n);
    assert_int_equal(n, CLUB_E__COUNT - 1);
    for (size_t i = 0; i < n; i++) {
        club_err_t e = club_err_from_name(names[i], strlen(names[i]));
        assert_string_equal(club_err_name(e), names[i]);
    }
}

int main(void)
{
    msgpack_sbuffer_init(&sb);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_request_roundtrip),
        cmocka_unit_test(test_bad_envelopes),
        cmocka_unit_test(test_idem_must_be_text),
        cmocka_unit_test(test_strcpy_copies_only_text_that_fits),
        cmocka_unit_test(test_precheck_refuses_lies_and_depth),
        cmocka_unit_test(test_map_extend_adds_balance),
        cmocka_unit_test(test_header_and_ops),
        cmocka_unit_test(test_schema_errors_match_enum),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    msgpack_sbuffer_destroy(&sb);
    return rc;
}
