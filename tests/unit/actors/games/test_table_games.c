/* Roulette and rock-paper-scissors math against PROTOCOL.md's fixed rules, and the
 * simulator's statistics on a few million rounds from a fixed seed pair (fixed, so the test
 * is repeatable; any change to strips, payouts or the byte mapping moves these numbers). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "roulette.h"
#include "rps.h"
#include "sim.h"

static void test_roulette_colours_and_payouts(void **state)
{
    (void)state;
    static const int red[] = {1, 3, 5, 7, 9, 12, 14, 16, 18, 19, 21, 23, 25, 27, 30, 32, 34, 36};
    int nred = 0;
    for (int n = 0; n <= 36; n++)
        nred += roulette_is_red(n);
    assert_int_equal(nred, 18);
    for (size_t i = 0; i < sizeof red / sizeof red[0]; i++)
        assert_true(roulette_is_red(red[i]));
    assert_string_equal(roulette_color(0), "green");
    assert_string_equal(roulette_color(2), "black");

    roulette_bet_t b = {RB_STRAIGHT, 0, 10};
    assert_int_equal(roulette_payout(&b, 0), 360);
    assert_int_equal(roulette_payout(&b, 1), 0);
    b = (roulette_bet_t){RB_RED, 0, 10};
    assert_int_equal(roulette_payout(&b, 0), 0); /* zero loses even-money bets */
    assert_int_equal(roulette_payout(&b, 36), 20);
    b = (roulette_bet_t){RB_DOZEN, 3, 10};
    assert_int_equal(roulette_payout(&b, 25), 30);
    assert_int_equal(roulette_payout(&b, 24), 0);
    b = (roulette_bet_t){RB_COLUMN, 1, 10}; /* column 1: n with (n-1) mod 3 == 0 */
    assert_int_equal(roulette_payout(&b, 34), 30);
    assert_int_equal(roulette_payout(&b, 35), 0);
    assert_int_equal(roulette_payout(&b, 0), 0);
    b = (roulette_bet_t){RB_LOW, 0, 10};
    assert_int_equal(roulette_payout(&b, 18), 20);
    assert_int_equal(roulette_payout(&b, 19), 0);
}

static void test_roulette_rtp_is_36_over_37_for_every_bet(void **state)
{
    (void)state;
    for (int t = 0; t < RB__COUNT; t++) {
        int lo = 0, hi = 0;
        if (!roulette_type_has_value((roulette_bet_type_t)t, &lo, &hi)) lo = hi = 0;
        for (int v = lo; v <= hi; v++) {
            uint64_t num, den;
            roulette_rtp_exact((roulette_bet_type_t)t, v, &num, &den);
            assert_int_equal(num * 37, den * 36);
        }
    }
}

static void test_rps_rules_and_rtp(void **state)
{
    (void)state;
    assert_int_equal(rps_result(RPS_PAPER, RPS_ROCK), RPS_WIN);
    assert_int_equal(rps_result(RPS_SCISSORS, RPS_PAPER), RPS_WIN);
    assert_int_equal(rps_result(RPS_ROCK, RPS_SCISSORS), RPS_WIN);
    assert_int_equal(rps_result(RPS_ROCK, RPS_PAPER), RPS_LOSE);
    assert_int_equal(rps_result(RPS_PAPER, RPS_PAPER), RPS_DRAW);
    assert_int_equal(rps_payout(RPS_WIN, 100), 194);
    assert_int_equal(rps_payout(RPS_WIN, 15), 29); /* floor(15 * 194 / 100) */
    assert_int_equal(rps_payout(RPS_DRAW, 15), 15);
    assert_int_equal(rps_payout(RPS_LOSE, 15), 0);
    uint64_t num, den;
    rps_rtp_exact(&num, &den);
    assert_int_equal(num * 100, den * 98);
}

static void s_sim(sim_game_t g, uint64_t rounds)
{
    sim_opts_t o = {.game = g, .rounds = rounds, .threads = 2};
    strcpy(o.server_seed, "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8");
    strcpy(o.client_seed, "lab-check");
    sim_report_t r;
    assert_int_equal(sim_run(&o, &r), 0);
    assert_true(r.rtp_exact >= r.ci_lo && r.rtp_exact <= r.ci_hi);
    for (int i = 0; i < r.ntests; i++) {
        if (!r.tests[i].pass) print_error("%s failed: p = %f\n", r.tests[i].name, r.tests[i].p);
        assert_true(r.tests[i].pass);
    }
    assert_true(r.all_pass);
}

static void test_sim_slot(void **state)
{
    (void)state;
    s_sim(SIM_SLOT, 3000000);
}

static void test_sim_roulette(void **state)
{
    (void)state;
    s_sim(SIM_ROULETTE, 2000000);
}

static void test_sim_rps(void **state)
{
    (void)state;
    s_sim(SIM_RPS, 2000000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roulette_colours_and_payouts),
        cmocka_unit_test(test_roulette_rtp_is_36_over_37_for_every_bet),
        cmocka_unit_test(test_rps_rules_and_rtp),
        cmocka_unit_test(test_sim_slot),
        cmocka_unit_test(test_sim_roulette),
        cmocka_unit_test(test_sim_rps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
