/* sim: plays many rounds through the real game code (no network, no database) from one
 * random seed pair, and measures what a certifying lab measures: observed RTP with its 99%
 * confidence interval against the exact theoretical RTP, hit frequency, the largest win,
 * chi-square of every reel's stops / the pockets / the house's choices, a runs test on the
 * hit/miss stream and lag-1 serial correlation of the outcome stream. */
#ifndef CLUB_SIM_H
#define CLUB_SIM_H

#include <stdbool.h>
#include <stdint.h>

#include "fair.h"
#include "stats.h"

typedef enum { SIM_SLOT, SIM_ROULETTE, SIM_RPS } sim_game_t;

typedef struct {
    sim_game_t game;
    uint64_t rounds;
    int threads;
    char server_seed[CLUB_SEED_HEX + 1]; /* empty: a fresh random one */
    char client_seed[CLUB_CLIENT_SEED_MAX + 1];
    void (*progress)(uint64_t done, uint64_t total, void *ctx); /* about once a second */
    void *progress_ctx;
} sim_opts_t;

#define SIM_MAX_TESTS 8

typedef stats_test_t sim_test_t;

typedef struct {
    char server_seed[CLUB_SEED_HEX + 1], client_seed[CLUB_CLIENT_SEED_MAX + 1];
    int64_t bet; /* staked per round */
    uint64_t rounds;
    double seconds;
    uint64_t rtp_num, rtp_den; /* exact theoretical RTP */
    double rtp_exact, rtp, ci_lo, ci_hi;
    double hit_freq;
    int64_t max_win;
    sim_test_t tests[SIM_MAX_TESTS];
    int ntests;
    bool all_pass; /* every test at 99% and the theoretical RTP inside the interval */
} sim_report_t;

/* Returns 0, or -1 when the options are not usable. */
int sim_run(const sim_opts_t *opts, sim_report_t *out);

/* Exact slot RTP by walking every combination of reel stops (the product of the strip
 * lengths), independent of slot_rtp_exact's per-symbol shortcut. */
void sim_slot_rtp_enumerate(uint64_t *num, uint64_t *den, int threads);

#endif
