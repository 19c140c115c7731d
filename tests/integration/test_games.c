/* Roulette, rock-paper-scissors and past rounds (PROTOCOL.md "Games"): payouts as the table
 * fixes them, bet slips refused whole, every round recomputed from the revealed seed with an
 * implementation of the fairness stream that is independent of the server's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_test.h"

static const int RED[] = {1, 3, 5, 7, 9, 12, 14, 16, 18, 19, 21, 23, 25, 27, 30, 32, 34, 36};

static bool s_red(int n)
{
    for (size_t i = 0; i < sizeof RED / sizeof RED[0]; i++)
        if (RED[i] == n) return true;
    return false;
}

/* What one roulette bet returns for `n`, written from PROTOCOL.md. */
static int64_t s_payout(const char *type, int value, int64_t amount, int n)
{
    if (!strcmp(type, "straight")) return n == value ? amount * 36 : 0;
    if (n == 0) return 0;
    if (!strcmp(type, "red")) return s_red(n) ? amount * 2 : 0;
    if (!strcmp(type, "black")) return !s_red(n) ? amount * 2 : 0;
    if (!strcmp(type, "odd")) return n % 2 ? amount * 2 : 0;
    if (!strcmp(type, "even")) return n % 2 ? 0 : amount * 2;
    if (!strcmp(type, "low")) return n <= 18 ? amount * 2 : 0;
    if (!strcmp(type, "high")) return n >= 19 ? amount * 2 : 0;
    if (!strcmp(type, "dozen")) return (n - 1) / 12 + 1 == value ? amount * 3 : 0;
    if (!strcmp(type, "column")) return (n - 1) % 3 + 1 == value ? amount * 3 : 0;
    return -1;
}

static void test_roulette_slip(void **state)
{
    cc_user_t u;
    cc_t *c = CC_NEW_USER("PREMIUM", &u);
    cc_msg_t *info = CC_OK(cc_call(c, "roulette.info", NULL, NULL));
    CC_CHECK(cc_int(info, "bet.min") > 0 && cc_int(info, "bet.max") >= cc_int(info, "bet.min") &&
                 cc_int(info, "table_max") >= cc_int(info, "bet.max"),
             "%s", cc_describe(info));
    int64_t before = CC_COINS(c);
    cc_msg_t *r = CC_OK(cc_call(c, "roulette.spin", "rl-1",
                                "{bets: [{type: 'straight', value: 17, amount: 10},"
                                " {type: 'red', amount: 20}, {type: 'black', amount: 20},"
                                " {type: 'odd', amount: 10}, {type: 'even', amount: 10},"
                                " {type: 'low', amount: 10}, {type: 'high', amount: 10},"
                                " {type: 'dozen', value: 2, amount: 30},"
                                " {type: 'column', value: 3, amount: 30}]}"));
    int n = (int)cc_int(r, "number");
    CC_CHECK(n >= 0 && n <= 36, "%s", cc_describe(r));
    CC_STREQ(cc_str(r, "color"), n == 0 ? "green" : s_red(n) ? "red" : "black");
    int64_t want =
        s_payout("straight", 17, 10, n) + s_payout("red", 0, 20, n) + s_payout("black", 0, 20, n) +
        s_payout("odd", 0, 10, n) + s_payout("even", 0, 10, n) + s_payout("low", 0, 10, n) +
        s_payout("high", 0, 10, n) + s_payout("dozen", 2, 30, n) + s_payout("column", 3, 30, n);
    CC_EQ(cc_int(r, "win"), want);
    CC_EQ(cc_int(r, "balance.coins"), before - 150 + want);
    CC_EQ(cc_len(r, "bets"), 9);
    CC_EQ(CC_COINS(c), before - 150 + want);
    CC_LEDGER_OK(u.id);
    cc_destroy(&c);
}

static void test_roulette_refuses_bad_slips_whole(void **state)
{
    cc_user_t u;
    cc_t *c = CC_NEW_USER("STANDARD", &u);
    cc_msg_t *info = CC_OK(cc_call(c, "roulette.info", NULL, NULL));
    int64_t max = cc_int(info, "bet.max"), table = cc_int(info, "table_max");
    int64_t before = CC_COINS(c);
    CC_ERR(cc_call(c, "roulette.spin", NULL,
                   "{bets: [{type: 'red', amount: 10}, "
                   "{type: 'straight', value: 37, amount: 10}]}"),
           "BAD_REQUEST");
    CC_ERR(cc_call(c, "roulette.spin", NULL, "{bets: [{type: 'dozen', value: 0, amount: 10}]}"),
           "BAD_REQUEST");
    CC_ERR(cc_call(c, "roulette.spin", NULL, "{bets: [{type: 'purple', amount: 10}]}"),
           "BAD_REQUEST");
    CC_ERR(cc_call(c, "roulette.spin", NULL, "{bets: [{type: 'red', amount: 10.5}]}"),
           "BAD_REQUEST");
    CC_ERR(cc_call(c, "roulette.spin", NULL, "{bets: []}"), "BAD_REQUEST");
    CC_ERR(cc_call(c, "roulette.spin", NULL, "{bets: [{type: 'red', amount: %lld}]}",
                   (long long)(max + 1)),
           "LIMIT");
    /* Each bet within its limit, the total over the table's. */
    char slip[4096] = "{bets: [";
    int64_t total = 0;
    for (int i = 0; total <= table && i < 40; i++) {
        char one[64];
        snprintf(one, sizeof one, "%s{type: 'straight', value: %d, amount: %lld}", i ? "," : "",
                 i % 37, (long long)max);
        strcat(slip, one);
        total += max;
    }
    strcat(slip, "]}");
    if (total > table) CC_ERR(cc_call(c, "roulette.spin", NULL, "%s", slip), "LIMIT");
    CC_EQ(CC_COINS(c), before);
    CC_LEDGER_OK(u.id);
    cc_destroy(&c);
}

static void test_rps(void **state)
{
    cc_user_t u;
    cc_t *c = CC_NEW_USER("VIP", &u);
    CC_OK(cc_call(c, "rps.info", NULL, NULL));
    static const char *choices[] = {"rock", "paper", "scissors"};
    int64_t coins = CC_COINS(c);
    int results[3] = {0};
    for (int i = 0; i < 12; i++) {
        const char *me = choices[i % 3];
        cc_msg_t *r = CC_OK(cc_call(c, "rps.play", NULL, "{choice: '%s', bet: 50}", me));
        const char *house = cc_str(r, "house"), *result = cc_str(r, "result");
        CC_CHECK(house && result, "%s", cc_describe(r));
        int h = !strcmp(house, "rock") ? 0 : !strcmp(house, "paper") ? 1 : 2, p = i % 3;
        const char *want = p == h ? "draw" : (p + 2) % 3 == h ? "win" : "lose";
        CC_STREQ(result, want);
        int64_t win = !strcmp(want, "win") ? 97 : !strcmp(want, "draw") ? 50 : 0;
        CC_EQ(cc_int(r, "win"), win);
        coins += win - 50;
        CC_EQ(cc_int(r, "balance.coins"), coins);
        results[!strcmp(want, "win") ? 2 : !strcmp(want, "draw") ? 1 : 0]++;
    }
    CC_ERR(cc_call(c, "rps.play", NULL, "{choice: 'lizard', bet: 50}"), "BAD_REQUEST");
    CC_ERR(cc_call(c, "rps.play", NULL, "{choice: 'rock', bet: 1}"), "LIMIT");
    CC_LEDGER_OK(u.id);
    cc_destroy(&c);
}

/* Plays each game, rotates, and recomputes every round from the revealed seed. */
static void test_rounds_recompute_from_revealed_seed(void **state)
{
    cc_user_t u, other;
    cc_t *c = CC_NEW_USER("VIP", &u);
    cc_t *o = CC_NEW_USER("STANDARD", &other);
    CC_OK(cc_call(c, "fair.rotate", NULL, "{client_seed: 'my.own-seed_1'}"));
    char ids[3][40], hash[65];
    cc_msg_t *seeds = CC_OK(cc_call(c, "fair.seeds", NULL, NULL));
    snprintf(hash, sizeof hash, "%s", cc_str(seeds, "server_seed_hash"));
    CC_STREQ(cc_str(seeds, "client_seed"), "my.own-seed_1");
    CC_EQ(cc_int(seeds, "nonce"), 0);
    cc_msg_t *s = CC_OK(cc_call(c, "slot.spin", NULL, "{bet: 100}"));
    cc_msg_t *rl = CC_OK(cc_call(c, "roulette.spin", NULL, "{bets: [{type: 'odd', amount: 10}]}"));
    cc_msg_t *rp = CC_OK(cc_call(c, "rps.play", NULL, "{choice: 'paper', bet: 100}"));
    snprintf(ids[0], sizeof ids[0], "%s", cc_str(s, "round_id"));
    snprintf(ids[1], sizeof ids[1], "%s", cc_str(rl, "round_id"));
    snprintf(ids[2], sizeof ids[2], "%s", cc_str(rp, "round_id"));
    CC_EQ(cc_int(rl, "proof.nonce"), 1);
    CC_EQ(cc_int(rp, "proof.nonce"), 2);

    /* Before the reveal the round shows no seed; another user cannot see it at all. */
    cc_msg_t *g = CC_OK(cc_call(c, "game.round", NULL, "{round_id: '%s'}", ids[1]));
    CC_CHECK(!cc_has(g, "proof.server_seed"), "%s", cc_describe(g));
    CC_STREQ(cc_str(g, "game"), "roulette");
    CC_ERR(cc_call(o, "game.round", NULL, "{round_id: '%s'}", ids[1]), "NOT_FOUND");
    CC_ERR(cc_call(c, "game.round", NULL, "{round_id: 'nope'}"), "NOT_FOUND");

    cc_msg_t *rot = CC_OK(cc_call(c, "fair.rotate", NULL, NULL));
    char seed[129], check[65];
    snprintf(seed, sizeof seed, "%s", cc_str(rot, "revealed_server_seed"));
    cc_sha256_hex(seed, check);
    CC_STREQ(check, hash);
    CC_STREQ(cc_str(rot, "client_seed"), "my.own-seed_1"); /* kept when not given */

    cc_fair_t f;
    /* roulette, nonce 1 */
    g = CC_OK(cc_call(c, "game.round", NULL, "{round_id: '%s'}", ids[1]));
    CC_STREQ(cc_str(g, "proof.server_seed"), seed);
    cc_fair_init(&f, seed, "my.own-seed_1", 1);
    int number = (int)cc_fair_uniform(&f, 37);
    CC_EQ(cc_int(g, "outcome.number"), number);
    CC_EQ(cc_int(rl, "number"), number);
    CC_EQ(cc_int(g, "win"), s_payout("odd", 0, 10, number));
    /* rps, nonce 2 */
    g = CC_OK(cc_call(c, "game.round", NULL, "{round_id: '%s'}", ids[2]));
    cc_fair_init(&f, seed, "my.own-seed_1", 2);
    static const char *names[] = {"rock", "paper", "scissors"};
    CC_STREQ(cc_str(g, "outcome.house"), names[cc_fair_uniform(&f, 3)]);
    /* slot, nonce 0: stops from the strips slot.info lists */
    cc_msg_t *info = CC_OK(cc_call(c, "slot.info", NULL, NULL));
    g = CC_OK(cc_call(c, "game.round", NULL, "{round_id: '%s'}", ids[0]));
    cc_fair_init(&f, seed, "my.own-seed_1", 0);
    for (int reel = 0; reel < 5; reel++) {
        char path[64];
        snprintf(path, sizeof path, "reels[%d]", reel);
        int len = cc_len(info, path);
        CC_CHECK(len > 0, "%s", cc_describe(info));
        uint32_t stop = cc_fair_uniform(&f, (uint32_t)len);
        for (int row = 0; row < 3; row++) {
            snprintf(path, sizeof path, "reels[%d][%d]", reel,
                     (int)((stop + (uint32_t)row) % (uint32_t)len));
            const char *want = cc_str(info, path);
            snprintf(path, sizeof path, "outcome.reels[%d][%d]", reel, row);
            CC_STREQ(cc_str(g, path), want);
        }
    }
    CC_EQ(cc_int(g, "bet"), 100);
    CC_EQ(cc_int(g, "win"), cc_int(s, "win"));
    CC_LEDGER_OK(u.id);
    cc_destroy(&c);
    cc_destroy(&o);
}

static void test_games_need_login(void **state)
{
    cc_t *c = CC_CONNECT();
    CC_ERR(cc_call(c, "roulette.spin", NULL, "{bets: [{type: 'red', amount: 10}]}"),
           "UNAUTHENTICATED");
    CC_ERR(cc_call(c, "rps.play", NULL, "{choice: 'rock', bet: 10}"), "UNAUTHENTICATED");
    CC_ERR(cc_call(c, "game.round", NULL, "{round_id: 'x'}"), "UNAUTHENTICATED");
    cc_destroy(&c);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_roulette_slip),
    cmocka_unit_test(test_roulette_refuses_bad_slips_whole),
    cmocka_unit_test(test_rps),
    cmocka_unit_test(test_rounds_recompute_from_revealed_seed),
    cmocka_unit_test(test_games_need_login),
};

CC_MAIN(tests)
