/* gsim: `club sim --game gacha`. Plays many single pulls through gacha_pull (no network, no
 * database) from one seed pair and checks them against the banner's disclosed rule: the
 * rarity drawn at every pity state, the items within each pool, the pulls it takes to a top
 * item, the long-run top rate against `effective`, and the featured 50/50 with its guarantee.
 *
 * Thread t of T plays nonces [N t / T, N (t+1) / T) in order, one pull per nonce, as one
 * player who starts at pity 0 without the guarantee and carries both from pull to pull; a
 * thread's counts are merged after it ends, so the report depends on N and T, not on timing. */
#ifndef CLUB_GACHA_GSIM_H
#define CLUB_GACHA_GSIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fair.h"
#include "pull.h"
#include "stats.h"

typedef struct {
    const gacha_banner_t *banner;        /* borrowed for the run */
    uint64_t pulls;                      /* 100 .. 1e10 */
    int threads;                         /* 1 .. 16 */
    char server_seed[CLUB_SEED_HEX + 1]; /* empty: a fresh random one */
    char client_seed[CLUB_CLIENT_SEED_MAX + 1];
    void (*progress)(uint64_t done, uint64_t total, void *ctx); /* about once a second */
    void *progress_ctx;
    /* NULL: gacha_pull. The tests put a broken rule here to see the report catch it. */
    void (*pull)(const gacha_banner_t *b, club_fair_t *rng, gacha_pity_t *pity, gacha_draw_t *out);
} gsim_opts_t;

#define GSIM_MAX_TESTS 16

/* One row of the pity table: pulls made at pity state k (k = count + 1) and the top items
 * they gave, beside the rule's top rate there. k < soft share the base rate: row 0. */
typedef struct {
    uint32_t k; /* 0: every k < soft */
    uint64_t pulls, tops;
    uint32_t rate; /* ppm */
} gsim_pity_row_t;

typedef struct {
    char server_seed[CLUB_SEED_HEX + 1], client_seed[CLUB_CLIENT_SEED_MAX + 1];
    uint64_t pulls;
    int threads;
    double seconds;

    /* Exact, from the banner: pulls to a top item from pity 0 (mean E, its standard
     * deviation and quantiles), `effective`, and the featured share of top items. */
    double exact_mean, exact_sd;
    uint32_t exact_p50, exact_p90, exact_p99;
    uint32_t effective;
    double share_exact; /* 0 on a banner without featured */

    /* Per rarity: every pull, and the pulls at k < soft where the base rates apply. The
     * expected counts follow the pity states the pulls were made at. */
    uint64_t count[GACHA_MAX_RARITIES];
    double expected[GACHA_MAX_RARITIES];
    uint64_t base_pulls, base_count[GACHA_MAX_RARITIES];
    uint64_t impossible; /* pulls of a rarity whose rate was 0 at their pity state */

    gsim_pity_row_t *pity; /* rows 0 and soft..hard (the report owns it: gsim_report_free) */
    int npity;

    /* Pulls to a top item, over the top items (each ends one wait). */
    uint64_t tops;
    double wait_mean, wait_lo, wait_hi; /* 99% interval of the mean */
    uint32_t wait_p50, wait_p90, wait_p99, wait_max;
    uint32_t longest_dry; /* most pulls in a row without a top item, a thread's tail included */
    uint64_t beyond_hard; /* pulls made after hard pulls without a top item: none by the rule */

    /* Top items per pull against 1 / E, 99% interval from the renewal CLT. */
    double rate, rate_lo, rate_hi, rate_exact;

    /* Banners with featured: the 50/50s (top items without the guarantee) and the
     * guaranteed top items, and the featured share of all top items with its interval. */
    uint64_t featured, fifty, fifty_won, guaranteed, guaranteed_featured;
    double share, share_lo, share_hi;

    stats_test_t tests[GSIM_MAX_TESTS];
    int ntests;
    /* Every test at 99%, no impossible pull, the longest dry run under hard (no pull beyond
     * it), every guaranteed top item featured, and each exact value inside its interval. */
    bool all_pass;
} gsim_report_t;

/* Runs the simulation. Returns 0, or -1 with a sentence in err when the options or the
 * banner are not usable. */
int gsim_run(const gsim_opts_t *opts, gsim_report_t *out, char *err, size_t errlen);
void gsim_report_free(gsim_report_t *r);

/* The exact law of the pulls to a top item from pity 0: f[k] for k = 1..hard (f needs
 * hard + 1 entries; f[0] = 0), its mean and variance. */
void gsim_wait_law(const gacha_banner_t *b, long double *f, long double *mean, long double *var);

#endif
