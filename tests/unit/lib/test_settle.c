/* lib/settle: the batch document wallet_settle_batch() takes. Each request is numbered in
 * order with its moves beside it (in order, with their request's number), strings and bytes
 * are encoded so any text survives, and the facts go in as JSON. The document itself is also
 * checked by Postgres in every integration test; here its exact text is. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "club_client.h"
#include "msg.h"
#include "settle.h"

static void test_document(void **state)
{
    (void)state;
    club_settle_doc_t d;
    club_settle_doc_init(&d);
    uint8_t hash[32] = {0xab, 0x01};
    club_move_t mv[2] = {{"coins", -10, "bet"}, {"coins", 25, "win"}};
    club_settle_req_t a = {.user = 7,
                           .idem = "round:ab\"c",
                           .op = "slot.spin",
                           .req_hash = hash,
                           .counter = "house",
                           .ref = "r1",
                           .reply = (const uint8_t *)"\x81\xa1x\x01",
                           .reply_len = 4,
                           .moves = mv,
                           .nmoves = 2};
    club_settle_doc_add(&d, &a);
    club_move_t g = {"gems", 5, "daily_bonus"};
    club_settle_req_t b = {.user = 8,
                           .op = "wallet.daily_bonus",
                           .counter = "promo",
                           .ref = "daily:2026-12-03",
                           .claim = "daily:2026-12-03",
                           .moves = &g,
                           .nmoves = 1};
    club_settle_doc_add(&d, &b);
    msgpack_sbuffer out;
    msgpack_sbuffer_init(&out);
    club_settle_doc_json(&d, &out);
    assert_string_equal(
        out.data,
        "{\"reqs\":[{\"i\":1,\"u\":7,\"idem\":\"round:ab\\\"c\",\"op\":\"slot.spin\",\"h\":"
        "\"ab01000000000000000000000000000000000000000000000000000000000000\",\"counter\":"
        "\"house\",\"ref\":\"r1\",\"claim\":null,\"reply\":\"81a17801\"},"
        "{\"i\":2,\"u\":8,\"idem\":null,\"op\":\"wallet.daily_bonus\",\"h\":\"\",\"counter\":"
        "\"promo\",\"ref\":\"daily:2026-12-03\",\"claim\":\"daily:2026-12-03\",\"reply\":null}],"
        "\"moves\":[{\"q\":1,\"k\":1,\"cur\":\"coins\",\"d\":-10,\"why\":\"bet\"},"
        "{\"q\":1,\"k\":2,\"cur\":\"coins\",\"d\":25,\"why\":\"win\"},"
        "{\"q\":2,\"k\":1,\"cur\":\"gems\",\"d\":5,\"why\":\"daily_bonus\"}]}");
    /* A reset document starts again at request 1, reusing its buffers. */
    club_settle_doc_reset(&d);
    club_settle_doc_add(&d, &b);
    club_settle_doc_json(&d, &out);
    assert_non_null(strstr(out.data, "{\"reqs\":[{\"i\":1,\"u\":8,"));
    assert_non_null(strstr(out.data, "\"moves\":[{\"q\":1,\"k\":1,"));
    msgpack_sbuffer_destroy(&out);
    club_settle_doc_destroy(&d);
}

static void test_facts_as_json(void **state)
{
    (void)state;
    msgpack_sbuffer sb, out;
    msgpack_sbuffer_init(&sb);
    msgpack_sbuffer_init(&out);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    assert_int_equal(cc_pack_json(&pk, "[{kind: 'round', ref: 'r1', data: {game: 'slot', bet: "
                                       "-3, big: 18446744073709551615, ok: true, none: null, "
                                       "text: 'a\\nb\\u0001', list: [1, 2]}}]"),
                     0);
    msgpack_unpacked up;
    assert_int_equal(club_mp_decode((const uint8_t *)sb.data, sb.size, &up), 0);
    assert_true(club_json_from_mp(&out, &up.data));
    msgpack_sbuffer_write(&out, "", 1);
    assert_string_equal(out.data, "[{\"kind\":\"round\",\"ref\":\"r1\",\"data\":{\"game\":"
                                  "\"slot\",\"bet\":-3,\"big\":18446744073709551615,\"ok\":true,"
                                  "\"none\":null,\"text\":\"a\\u000ab\\u0001\",\"list\":[1,2]}}]");
    msgpack_unpacked_destroy(&up);

    /* Facts in a request: kept whole, or (a value JSON cannot hold) left out whole. */
    club_settle_doc_t d;
    club_settle_doc_init(&d);
    msgpack_sbuffer_clear(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    msgpack_pack_array(&pk, 1);
    msgpack_pack_map(&pk, 1);
    msgpack_pack_int(&pk, 1); /* a key that is not a string */
    msgpack_pack_int(&pk, 2);
    assert_int_equal(club_mp_decode((const uint8_t *)sb.data, sb.size, &up), 0);
    club_move_t m = {"coins", 1, "grant"};
    club_settle_req_t r = {.user = 1,
                           .op = "x",
                           .counter = "promo",
                           .ref = "r",
                           .moves = &m,
                           .nmoves = 1,
                           .facts = &up.data};
    club_settle_doc_add(&d, &r);
    club_settle_doc_json(&d, &out);
    assert_null(strstr(out.data, "facts"));
    assert_non_null(strstr(out.data, "\"reply\":null}]"));
    msgpack_unpacked_destroy(&up);
    club_settle_doc_destroy(&d);
    msgpack_sbuffer_destroy(&sb);
    msgpack_sbuffer_destroy(&out);
}

/* A batch splits so that no call sees a user twice and each user's settles keep their order. */
static void test_passes(void **state)
{
    (void)state;
    uint64_t users[] = {5, 7, 5, 9, 5, 7, 11};
    int out[7];
    assert_int_equal(club_settle_passes(users, 7, out), 3);
    int want[] = {0, 0, 1, 0, 2, 1, 0};
    assert_memory_equal(out, want, sizeof want);
    assert_int_equal(club_settle_passes(users, 0, out), 0);
    /* Many users once each: one pass; one user many times: one pass each. */
    uint64_t many[1000], one[50];
    int o1[1000], o2[50];
    for (int i = 0; i < 1000; i++)
        many[i] = (uint64_t)i * 7919 + 1;
    for (int i = 0; i < 50; i++)
        one[i] = 3;
    assert_int_equal(club_settle_passes(many, 1000, o1), 1);
    assert_int_equal(club_settle_passes(one, 50, o2), 50);
    for (int i = 0; i < 50; i++)
        assert_int_equal(o2[i], i);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_passes),
        cmocka_unit_test(test_document),
        cmocka_unit_test(test_facts_as_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
