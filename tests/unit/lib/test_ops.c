/* lib/ops: the op table generated from schemas/ops.json, and the argument checks every worker
 * runs before a handler: wrong types, missing fields, values out of range and nested
 * elements are refused with the field named, and what fits goes through. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "club_client.h"
#include "ops.h"

/* Checks args (JSON-like text, or NULL for none) against op; returns the code, message in why. */
static club_err_t s_check(const char *op, const char *args, char *why, size_t cap)
{
    const club_op_t *o = club_op_find(op, strlen(op));
    assert_non_null(o);
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    msgpack_unpacked up;
    msgpack_unpacked_init(&up);
    const msgpack_object *a = NULL;
    if (args) {
        msgpack_packer pk;
        msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
        assert_int_equal(cc_pack_json(&pk, args), 0);
        assert_int_equal(club_mp_decode((const uint8_t *)sb.data, sb.size, &up), 0);
        a = &up.data;
    }
    club_err_t e = club_args_check(o, a, why, cap);
    msgpack_unpacked_destroy(&up);
    msgpack_sbuffer_destroy(&sb);
    return e;
}

#define REFUSED(code, op, args, needle)                                                            \
    do {                                                                                           \
        char why_[256];                                                                            \
        assert_int_equal(s_check(op, args, why_, sizeof why_), code);                              \
        if (!strstr(why_, needle)) fail_msg("%s %s: '%s' lacks '%s'", op, args, why_, needle);     \
    } while (0)

#define ACCEPTED(op, args)                                                                         \
    do {                                                                                           \
        char why_[256];                                                                            \
        if (s_check(op, args, why_, sizeof why_) != CLUB_OK)                                       \
            fail_msg("%s %s: %s", op, args, why_);                                                 \
    } while (0)

static void test_table_flags(void **state)
{
    (void)state;
    const club_op_t *o = club_op_find("wallet.settle", 13);
    assert_true(o->flags & CLUB_OP_INTERNAL);
    assert_false(o->flags & CLUB_OP_PUBLIC);
    o = club_op_find("sys.ping", 8);
    assert_true(o->flags & CLUB_OP_PUBLIC);
    assert_true(o->flags & CLUB_OP_SHARD_NONE);
    o = club_op_find("slot.spin", 9);
    assert_true(o->flags & CLUB_OP_IDEM);
    assert_false(o->flags & CLUB_OP_IDEM_REQUIRED);
    assert_true(o->flags & CLUB_OP_PLAYER);
    assert_string_equal(o->domain, "games");
    o = club_op_find("profile.get", 11);
    assert_true(o->flags & CLUB_OP_OVERLAY);
    size_t n;
    const club_op_t *all = club_op_all(&n);
    assert_int_equal(club_op_index(&all[n - 1]), n - 1);
    assert_null(club_op_find("slot.spi", 8));
}

static void test_shard_keys(void **state)
{
    (void)state;
    assert_int_equal(club_op_shard_key(club_op_find("slot.spin", 9), NULL, 42), 42);
    assert_int_equal(club_op_shard_key(club_op_find("sys.ping", 8), NULL, 42), 0);
    /* An op sharded by an argument: one board, one key, whoever asks; an integer as itself. */
    club_op_t board = {
        .name = "rank.top", .domain = "ranking", .flags = CLUB_OP_SHARD_ARG, .shard_arg = "board"};
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    uint64_t keys[3];
    const char *args[3] = {"{board: 'wins', limit: 10}", "{board: 'wins'}", "{board: 'xp'}"};
    for (int i = 0; i < 3; i++) {
        msgpack_sbuffer_clear(&sb);
        assert_int_equal(cc_pack_json(&pk, args[i]), 0);
        msgpack_unpacked up;
        assert_int_equal(club_mp_decode((const uint8_t *)sb.data, sb.size, &up), 0);
        keys[i] = club_op_shard_key(&board, &up.data, (uint64_t)i + 1);
        msgpack_unpacked_destroy(&up);
    }
    assert_true(keys[0] == keys[1]);
    assert_true(keys[0] != keys[2]);
    msgpack_sbuffer_clear(&sb);
    assert_int_equal(cc_pack_json(&pk, "{board: 7}"), 0);
    msgpack_unpacked up;
    assert_int_equal(club_mp_decode((const uint8_t *)sb.data, sb.size, &up), 0);
    assert_int_equal(club_op_shard_key(&board, &up.data, 1), 7);
    msgpack_unpacked_destroy(&up);
    msgpack_sbuffer_destroy(&sb);
}

static void test_types_and_presence(void **state)
{
    (void)state;
    ACCEPTED("slot.spin", "{bet: 10}");
    ACCEPTED("slot.spin", "{bet: 10, extra: 'ignored'}");
    REFUSED(CLUB_E_BAD_REQUEST, "slot.spin", "{}", "bet is required");
    REFUSED(CLUB_E_BAD_REQUEST, "slot.spin", NULL, "bet is required");
    REFUSED(CLUB_E_BAD_REQUEST, "slot.spin", "{bet: '10'}", "bet must be an integer");
    REFUSED(CLUB_E_BAD_REQUEST, "slot.spin", "{bet: 1.5}", "bet must be an integer");
    REFUSED(CLUB_E_BAD_REQUEST, "notify.list", "{unread_only: 1}",
            "unread_only must be true or false");
    REFUSED(CLUB_E_BAD_REQUEST, "roulette.spin", "{bets: 'red'}", "bets must be a list");
    REFUSED(CLUB_E_BAD_REQUEST, "roulette.spin", "{bets: [1]}", "bets[1] must be a map");
}

static void test_ranges_and_strings(void **state)
{
    (void)state;
    ACCEPTED("wallet.history", "{limit: 100}");
    REFUSED(CLUB_E_LIMIT, "wallet.history", "{limit: 101}", "limit must be from 1 to 100");
    REFUSED(CLUB_E_LIMIT, "wallet.history", "{limit: 0}", "from 1 to 100");
    REFUSED(CLUB_E_BAD_REQUEST, "wallet.history", "{before: 0}", "before must be at least 1");
    REFUSED(CLUB_E_BAD_REQUEST, "auth.register",
            "{invite: 'x', username: 'ab', password: '12345678'}",
            "username must be from 3 to 20 characters long");
    REFUSED(CLUB_E_BAD_REQUEST, "auth.register",
            "{invite: 'x', username: 'no spaces', password: '12345678'}",
            "username may hold only letters, digits and _");
    ACCEPTED("auth.register", "{invite: 'x', username: 'neo_1', password: '12345678'}");
    REFUSED(CLUB_E_BAD_REQUEST, "rps.play", "{choice: 'lizard', bet: 10}",
            "choice must be rock, paper or scissors");
    REFUSED(CLUB_E_BAD_REQUEST, "fair.rotate", "{client_seed: 'a b'}", "client_seed may hold only");
}

static void test_nested(void **state)
{
    (void)state;
    ACCEPTED("roulette.spin",
             "{bets: [{type: 'red', amount: 10}, {type: 'straight', value: 7, amount: 5}]}");
    REFUSED(CLUB_E_BAD_REQUEST, "roulette.spin", "{bets: []}", "bets must hold from 1 to 40 items");
    REFUSED(CLUB_E_BAD_REQUEST, "roulette.spin",
            "{bets: [{type: 'red', amount: 10}, {type: 'red'}]}", "bets[2].amount is required");
    REFUSED(CLUB_E_BAD_REQUEST, "roulette.spin", "{bets: [{type: 'blue', amount: 10}]}",
            "bets[1].type must be straight, red");
    REFUSED(CLUB_E_BAD_REQUEST, "notify.read", "{ids: [1, 'x']}", "ids[2] must be an integer");
    REFUSED(CLUB_E_BAD_REQUEST, "wallet.settle",
            "{user: 1, idem: 'k', op: 'slot.spin', req_hash: 'h', counter: 'house', ref: 'r', "
            "reply: 'x', moves: [{currency: 'gold', delta: 1, reason: 'bet'}]}",
            "moves[1].currency must be coins or gems");
    /* No delta so large that a batch's sums could overflow. */
    REFUSED(CLUB_E_BAD_REQUEST, "wallet.settle",
            "{user: 1, idem: 'k', op: 'slot.spin', req_hash: 'h', counter: 'house', ref: 'r', "
            "reply: 'x', moves: [{currency: 'coins', delta: 9000000000000000000, reason: 'bet'}]}",
            "moves[1].delta must be from -1000000000000 to 1000000000000");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_flags),
        cmocka_unit_test(test_shard_keys),
        cmocka_unit_test(test_types_and_presence),
        cmocka_unit_test(test_ranges_and_strings),
        cmocka_unit_test(test_nested),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
