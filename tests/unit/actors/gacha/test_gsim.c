/* The gacha simulator: a fixed-seed run of neon_katana whose report is checked against the
 * exact values and against the same pulls replayed here chain by chain (so the per-thread
 * pity chains and the merge are right), the exact law of the pulls to a top item, and the
 * options it refuses. Fixed seeds keep it repeatable: a change to the rule or the byte mapping
 * moves the pinned counts. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "gacha_fixture.h"
#include "gsim.h"

#define SEED   "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8"
#define CLIENT "gacha-lab"

static void s_run(const gacha_banner_t *b, uint64_t pulls, int threads, gsim_report_t *r)
{
    gsim_opts_t o = {.banner = b, .pulls = pulls, .threads = threads};
    strcpy(o.server_seed, SEED);
    strcpy(o.client_seed, CLIENT);
    char err[256] = "";
    assert_int_equal(gsim_run(&o, r, err, sizeof err), 0);
}

/* What the report counts, replayed: thread t of T plays nonces [N t / T, N (t+1) / T) from
 * pity 0 without the guarantee. */
typedef struct {
    uint64_t count[GACHA_MAX_RARITIES], tops, featured, fifty, fifty_won, guaranteed;
    uint64_t base_pulls, at_hard;
    uint32_t longest_dry, wait_max;
    double wait_sum;
} replay_t;

static void s_replay(const gacha_banner_t *b, uint64_t pulls, int threads, replay_t *x)
{
    memset(x, 0, sizeof *x);
    for (int t = 0; t < threads; t++) {
        gacha_pity_t p = {0, false};
        uint32_t dry = 0;
        for (uint64_t n = pulls * t / threads; n < pulls * (t + 1) / threads; n++) {
            club_fair_t f;
            club_fair_init(&f, SEED, CLIENT, n);
            bool had = p.guaranteed;
            gacha_draw_t d;
            gacha_pull(b, &f, &p, &d);
            x->count[d.rarity]++;
            x->base_pulls += d.pity_before + 1 < b->soft;
            x->at_hard += d.pity_before + 1 == b->hard;
            if (d.rarity == 0) {
                x->tops++;
                x->featured += d.featured;
                x->fifty += b->featured && !had; /* 50/50s exist only with featured */
                x->fifty_won += !had && d.featured;
                x->guaranteed += b->featured && had;
                x->wait_sum += d.pity_before + 1;
                if (d.pity_before + 1 > x->wait_max) x->wait_max = d.pity_before + 1;
                dry = 0;
            } else if (++dry > x->longest_dry) {
                x->longest_dry = dry;
            }
        }
    }
}

/* Runs the simulator and checks every count of its report against the replay: the per
 * thread pity chains and the merge. */
static void s_run_matches_replay(const gacha_banner_t *b, uint64_t n, int threads, gsim_report_t *r)
{
    s_run(b, n, threads, r);
    replay_t x;
    s_replay(b, n, threads, &x);
    assert_int_equal(r->pulls, n);
    uint64_t total = 0;
    double expected = 0;
    for (int i = 0; i < b->nrar; i++) {
        assert_int_equal(r->count[i], x.count[i]);
        total += r->count[i];
        expected += r->expected[i];
    }
    assert_int_equal(total, n);
    assert_float_equal(expected, (double)n, 1e-6);
    assert_int_equal(r->tops, x.tops);
    assert_int_equal(r->tops, r->count[0]);
    assert_int_equal(r->featured, x.featured);
    assert_int_equal(r->fifty, x.fifty);
    assert_int_equal(r->fifty_won, x.fifty_won);
    assert_int_equal(r->guaranteed, x.guaranteed);
    assert_int_equal(r->guaranteed_featured, r->guaranteed);
    assert_int_equal(r->base_pulls, x.base_pulls);
    assert_int_equal(r->longest_dry, x.longest_dry);
    assert_int_equal(r->wait_max, x.wait_max);
    assert_float_equal(r->wait_mean, x.wait_sum / (double)x.tops, 1e-9);
    assert_true(r->longest_dry < b->hard);
    assert_int_equal(r->impossible + r->beyond_hard, 0);
    assert_float_equal(r->rate, (double)r->tops / (double)n, 1e-15);

    /* The pity table: row 0 is k < soft, then k = soft .. hard; the pulls add up. */
    assert_int_equal(r->npity, (int)(b->hard - b->soft + 2));
    assert_int_equal(r->pity[0].k, 0);
    assert_int_equal(r->pity[0].pulls, r->base_pulls);
    assert_int_equal(r->pity[0].rate, b->rar[0].probability);
    assert_int_equal(r->pity[1].k, b->soft);
    assert_int_equal(r->pity[r->npity - 1].k, b->hard);
    assert_int_equal(r->pity[r->npity - 1].pulls, x.at_hard);
    assert_int_equal(r->pity[r->npity - 1].tops, x.at_hard); /* every pull at hard is top */
    uint64_t rows = 0, row_tops = 0;
    for (int i = 0; i < r->npity; i++) {
        rows += r->pity[i].pulls;
        row_tops += r->pity[i].tops;
    }
    assert_int_equal(rows, n);
    assert_int_equal(row_tops, r->tops);
}

static void test_fixed_seed_report(void **state)
{
    (void)state;
    gacha_banner_t b;
    gf_neon_katana(&b);
    gsim_report_t r;
    s_run_matches_replay(&b, 2000000, 2, &r);

    /* The exact side (E and its sd computed with exact fractions outside this code). */
    assert_float_equal(r.exact_mean, 62.29733203963097, 1e-9);
    assert_float_equal(r.exact_sd, 24.312263532809077, 1e-9);
    assert_int_equal(r.exact_p50, 76);
    assert_int_equal(r.exact_p90, 80);
    assert_int_equal(r.exact_p99, 83);
    assert_int_equal(r.effective, 16052);
    assert_float_equal(r.share_exact, 2.0 / 3.0, 1e-15);
    assert_float_equal(r.rate_exact, 1 / 62.29733203963097, 1e-12);
    assert_int_equal(r.pity[1].rate, 66000);
    assert_int_equal(r.fifty + r.guaranteed, r.tops);
    assert_float_equal(r.share, (double)r.featured / (double)r.tops, 1e-15);

    /* Pinned: these two seeds give these counts under PROTOCOL.md's mapping. */
    assert_int_equal(r.tops, 32108);
    assert_int_equal(r.featured, 21345);

    /* The verdict, and each exact value inside its interval. */
    for (int i = 0; i < r.ntests; i++) {
        if (!r.tests[i].pass) print_error("%s failed: p = %f\n", r.tests[i].name, r.tests[i].p);
        assert_true(r.tests[i].pass);
    }
    assert_true(r.exact_mean >= r.wait_lo && r.exact_mean <= r.wait_hi);
    assert_true(r.rate_exact >= r.rate_lo && r.rate_exact <= r.rate_hi);
    assert_true(r.share_exact >= r.share_lo && r.share_exact <= r.share_hi);
    assert_true(r.all_pass);
    /* rarity | pity, four pools (the top one over its three others), mean, rate, share, 50/50 */
    assert_int_equal(r.ntests, 9);
    gsim_report_free(&r);
    gacha_banner_free(&b);
}

/* Three threads split 300001 pulls unevenly; each chain must start afresh at its own first
 * nonce, and the merge must equal the three replayed chains. A banner without featured has
 * no share or 50/50 tests, and the guarantee flag never matters. */
static void test_uneven_threads_and_no_featured(void **state)
{
    (void)state;
    gacha_banner_t b;
    gf_chrome_standard(&b);
    gsim_report_t r;
    s_run_matches_replay(&b, 300001, 3, &r);
    assert_int_equal(r.featured + r.fifty + r.guaranteed, 0);
    assert_float_equal(r.share_exact, 0, 0);
    assert_int_equal(r.effective, 23799);
    for (int i = 0; i < r.ntests; i++)
        assert_null(strstr(r.tests[i].name, "featured"));
    assert_true(r.all_pass);
    gsim_report_free(&r);

    /* One thread is one long chain: a different, equally valid, set of counts. */
    s_run_matches_replay(&b, 300001, 1, &r);
    gsim_report_free(&r);
    gacha_banner_free(&b);
}

/* The law of the pulls to a top item sums to 1, its mean is gacha_expected_pulls, and on a
 * banner with no soft pity before hard it is the truncated geometric law. */
static void test_wait_law(void **state)
{
    (void)state;
    gacha_banner_t b;
    gf_gem_vault(&b);
    long double f[41], mean, var, sum = 0;
    gsim_wait_law(&b, f, &mean, &var);
    for (int k = 0; k <= 40; k++)
        sum += f[k];
    assert_float_equal((double)sum, 1, 1e-15);
    assert_float_equal((double)mean, gacha_expected_pulls(&b), 1e-12);
    assert_float_equal((double)mean, 24.35196672125557, 1e-11);
    assert_float_equal(sqrt((double)var), 11.170658097282287, 1e-9);
    gacha_banner_free(&b);

    const gf_rarity_t rar[] = {{"T", 100000, 2}, {"L", 900000, 2}};
    gf_banner(&b, "geo", rar, 2, 5, 5, 0, 0);
    gsim_wait_law(&b, f, &mean, &var);
    for (int k = 1; k < 5; k++)
        assert_float_equal((double)f[k], 0.1 * pow(0.9, k - 1), 1e-15);
    assert_float_equal((double)f[5], pow(0.9, 4), 1e-15);
    gacha_banner_free(&b);
}

/* Broken rules the report must catch: soft pity one pull late, a guarantee that is ignored,
 * and no hard pity. Each plays the banner's items (a shallow copy shares its pools). */
static gacha_banner_t s_broken;

static void s_late_soft(const gacha_banner_t *b, club_fair_t *f, gacha_pity_t *p, gacha_draw_t *d)
{
    (void)b;
    gacha_pull(&s_broken, f, p, d);
}

static void s_no_guarantee(const gacha_banner_t *b, club_fair_t *f, gacha_pity_t *p,
                           gacha_draw_t *d)
{
    p->guaranteed = false;
    gacha_pull(b, f, p, d);
}

static bool s_failed(const gsim_report_t *r, const char *name)
{
    for (int i = 0; i < r->ntests; i++)
        if (strstr(r->tests[i].name, name)) return !r->tests[i].pass;
    return false;
}

static void test_catches_broken_rules(void **state)
{
    (void)state;
    gacha_banner_t b;
    gf_neon_katana(&b);
    gsim_report_t r;
    gsim_opts_t o = {.banner = &b, .pulls = 1000000, .threads = 2, .pull = s_late_soft};
    strcpy(o.server_seed, SEED);
    strcpy(o.client_seed, CLIENT);
    char err[256];

    s_broken = b;
    s_broken.soft = b.soft + 1;
    assert_int_equal(gsim_run(&o, &r, err, sizeof err), 0);
    assert_false(r.all_pass);
    assert_true(s_failed(&r, "rarity | pity state"));
    gsim_report_free(&r);

    o.pull = s_no_guarantee;
    assert_int_equal(gsim_run(&o, &r, err, sizeof err), 0);
    assert_false(r.all_pass);
    assert_true(r.guaranteed_featured < r.guaranteed); /* top items under the flag, not featured */
    assert_true(s_failed(&r, "featured share"));
    gsim_report_free(&r);

    s_broken = b;
    s_broken.hard = 200; /* soft pity reaches 1e6 at k = 90 anyway: take the step away too */
    s_broken.step = 0;
    o.pull = s_late_soft;
    assert_int_equal(gsim_run(&o, &r, err, sizeof err), 0);
    assert_false(r.all_pass);
    assert_true(r.longest_dry >= b.hard);
    assert_true(r.beyond_hard > 0);
    gsim_report_free(&r);
    gacha_banner_free(&b);
}

static void test_refuses_what_it_cannot_run(void **state)
{
    (void)state;
    gacha_banner_t b;
    gf_neon_katana(&b);
    gsim_report_t r;
    char err[256];
    gsim_opts_t o = {.banner = &b, .pulls = 99, .threads = 1};
    assert_int_equal(gsim_run(&o, &r, err, sizeof err), -1);
    assert_non_null(strstr(err, "pulls must be from 100"));
    o.pulls = 1000;
    o.threads = 17;
    assert_int_equal(gsim_run(&o, &r, err, sizeof err), -1);
    assert_non_null(strstr(err, "threads must be from 1 to 16"));
    o.threads = 1;
    b.soft = 91;
    assert_int_equal(gsim_run(&o, &r, err, sizeof err), -1);
    assert_non_null(strstr(err, "soft 91 and hard 90"));
    o.banner = NULL;
    assert_int_equal(gsim_run(&o, &r, err, sizeof err), -1);
    gacha_banner_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixed_seed_report),
        cmocka_unit_test(test_uneven_threads_and_no_featured),
        cmocka_unit_test(test_wait_law),
        cmocka_unit_test(test_catches_broken_rules),
        cmocka_unit_test(test_refuses_what_it_cannot_run),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
