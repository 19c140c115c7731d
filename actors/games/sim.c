#include "sim.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "roulette.h"
#include "rps.h"
#include "slot.h"
#include "stats.h"
#include "util.h"

/* The roulette slip simulated: one of each kind of bet, so every payout path is exercised;
 * each bet's RTP is 36/37, so the slip's is too. */
static const roulette_bet_t s_slip[] = {
    {RB_STRAIGHT, 17, 10}, {RB_RED, 0, 10},   {RB_BLACK, 0, 10},
    {RB_ODD, 0, 10},       {RB_EVEN, 0, 10},  {RB_LOW, 0, 10},
    {RB_HIGH, 0, 10},      {RB_DOZEN, 2, 10}, {RB_COLUMN, 3, 10},
};
#define SLIP_N (sizeof s_slip / sizeof s_slip[0])

typedef struct {
    const sim_opts_t *o;
    const char *ss, *cs;
    uint64_t from, to;
    int64_t bet;
    int64_t *wins;    /* per round, by nonce */
    uint8_t *primary; /* reel 0 stop / pocket / house choice, by nonce */
    uint64_t counts[SLOT_REELS][64];
    atomic_uint_fast64_t *done;
} worker_t;

static void *s_work(void *arg)
{
    worker_t *w = arg;
    const slot_def_t *d = slot_default();
    club_fair_t f;
    for (uint64_t n = w->from; n < w->to; n++) {
        club_fair_init(&f, w->ss, w->cs, n);
        int64_t win = 0;
        switch (w->o->game) {
        case SIM_SLOT: {
            slot_result_t r;
            slot_spin(d, &f, w->bet, &r);
            for (int i = 0; i < SLOT_REELS; i++)
                w->counts[i][r.stops[i]]++;
            w->primary[n] = (uint8_t)r.stops[0];
            win = r.win;
            break;
        }
        case SIM_ROULETTE: {
            int num = roulette_spin_number(&f);
            for (size_t i = 0; i < SLIP_N; i++)
                win += roulette_payout(&s_slip[i], num);
            w->counts[0][num]++;
            w->primary[n] = (uint8_t)num;
            break;
        }
        case SIM_RPS: {
            int house = rps_house(&f);
            win = rps_payout(rps_result(RPS_ROCK, house), w->bet);
            w->counts[0][house]++;
            w->primary[n] = (uint8_t)house;
            break;
        }
        }
        w->wins[n] = win;
        if ((n & 4095) == 4095) atomic_fetch_add(w->done, 4096);
    }
    return NULL;
}

typedef struct {
    uint64_t from, to, sum;
} enum_t;

static void *s_enum_work(void *arg)
{
    enum_t *e = arg;
    const slot_def_t *d = slot_default();
    uint32_t st[SLOT_REELS];
    slot_result_t r;
    for (uint64_t a = e->from; a < e->to; a++) {
        st[0] = (uint32_t)a;
        for (st[1] = 0; st[1] < d->lens[1]; st[1]++)
            for (st[2] = 0; st[2] < d->lens[2]; st[2]++)
                for (st[3] = 0; st[3] < d->lens[3]; st[3]++)
                    for (st[4] = 0; st[4] < d->lens[4]; st[4]++) {
                        /* bet = number of lines: each line's win is its multiplier */
                        slot_evaluate(d, st, SLOT_LINES, &r);
                        e->sum += (uint64_t)r.win;
                    }
    }
    return NULL;
}

void sim_slot_rtp_enumerate(uint64_t *num, uint64_t *den, int threads)
{
    const slot_def_t *d = slot_default();
    if (threads < 1) threads = 1;
    if (threads > 16) threads = 16;
    pthread_t th[16];
    enum_t e[16];
    for (int t = 0; t < threads; t++) {
        e[t] = (enum_t){d->lens[0] * (uint64_t)t / (uint64_t)threads,
                        d->lens[0] * (uint64_t)(t + 1) / (uint64_t)threads, 0};
        pthread_create(&th[t], NULL, s_enum_work, &e[t]);
    }
    uint64_t sum = 0;
    for (int t = 0; t < threads; t++) {
        pthread_join(th[t], NULL);
        sum += e[t].sum;
    }
    /* sum of per-line multipliers over all combinations; RTP divides by the lines too */
    uint64_t combos = 1;
    for (int r = 0; r < SLOT_REELS; r++)
        combos *= d->lens[r];
    *num = sum;
    *den = combos * SLOT_LINES;
}

static void s_add_test(sim_report_t *r, const char *name, double stat, int df, double p)
{
    stats_test_add(r->tests, &r->ntests, SIM_MAX_TESTS, name, stat, df, p);
}

int sim_run(const sim_opts_t *o, sim_report_t *out)
{
    memset(out, 0, sizeof *out);
    if (o->rounds < 100 || o->rounds > 1000000000ULL) return -1;
    int threads = o->threads < 1 ? 1 : o->threads > 16 ? 16 : o->threads;
    char hash[65];
    if (o->server_seed[0])
        snprintf(out->server_seed, sizeof out->server_seed, "%s", o->server_seed);
    else if (club_fair_new_server_seed(out->server_seed, hash))
        return -1;
    if (o->client_seed[0])
        snprintf(out->client_seed, sizeof out->client_seed, "%s", o->client_seed);
    else if (club_fair_new_client_seed(out->client_seed))
        return -1;

    const slot_def_t *d = slot_default();
    switch (o->game) {
    case SIM_SLOT:
        out->bet = 10 * SLOT_LINES;
        slot_rtp_exact(d, &out->rtp_num, &out->rtp_den);
        break;
    case SIM_ROULETTE:
        out->bet = 0;
        for (size_t i = 0; i < SLIP_N; i++)
            out->bet += s_slip[i].amount;
        roulette_rtp_exact(RB_RED, 0, &out->rtp_num, &out->rtp_den);
        break;
    case SIM_RPS:
        out->bet = 100;
        rps_rtp_exact(&out->rtp_num, &out->rtp_den);
        break;
    }
    out->rtp_exact = (double)out->rtp_num / (double)out->rtp_den;

    uint64_t n = o->rounds;
    int64_t *wins = club_malloc(n * sizeof *wins);
    uint8_t *primary = club_malloc(n);
    worker_t *w = club_calloc((size_t)threads, sizeof *w);
    pthread_t *th = club_calloc((size_t)threads, sizeof *th);
    atomic_uint_fast64_t done = 0;
    int64_t t0 = club_mono_ns();
    for (int t = 0; t < threads; t++) {
        w[t] = (worker_t){.o = o,
                          .ss = out->server_seed,
                          .cs = out->client_seed,
                          .from = n * (uint64_t)t / (uint64_t)threads,
                          .to = n * (uint64_t)(t + 1) / (uint64_t)threads,
                          .bet = out->bet,
                          .wins = wins,
                          .primary = primary,
                          .done = &done};
        pthread_create(&th[t], NULL, s_work, &w[t]);
    }
    if (o->progress) {
        /* Report about once a second until the workers are nearly done. */
        while (atomic_load(&done) + 4096u * (unsigned)threads < n) {
            struct timespec ts = {0, 200000000};
            nanosleep(&ts, NULL);
            static int64_t last;
            int64_t now = club_mono_ns();
            if (now - last >= 1000000000) {
                o->progress(atomic_load(&done), n, o->progress_ctx);
                last = now;
            }
        }
    }
    for (int t = 0; t < threads; t++)
        pthread_join(th[t], NULL);
    out->seconds = (double)(club_mono_ns() - t0) / 1e9;
    out->rounds = n;

    /* RTP: the mean of win/bet over rounds, with a normal 99% interval. */
    double sum = 0, sumsq = 0;
    uint64_t hits = 0;
    uint8_t *bits = club_malloc(n);
    double *x = club_malloc(n * sizeof *x);
    for (uint64_t i = 0; i < n; i++) {
        double r = (double)wins[i] / (double)out->bet;
        sum += r;
        sumsq += r * r;
        bits[i] = wins[i] > 0;
        hits += bits[i];
        if (wins[i] > out->max_win) out->max_win = wins[i];
        x[i] = primary[i];
    }
    double mean = sum / (double)n;
    double var = (sumsq - sum * mean) / (double)(n - 1);
    double half = STATS_Z99 * sqrt(var / (double)n);
    out->rtp = mean;
    out->ci_lo = mean - half;
    out->ci_hi = mean + half;
    out->hit_freq = (double)hits / (double)n;

    uint64_t merged[SLOT_REELS][64] = {{0}};
    for (int t = 0; t < threads; t++)
        for (int r = 0; r < SLOT_REELS; r++)
            for (int i = 0; i < 64; i++)
                merged[r][i] += w[t].counts[r][i];
    double stat, p;
    int df;
    char name[48];
    if (o->game == SIM_SLOT) {
        for (int r = 0; r < SLOT_REELS; r++) {
            p = stats_chi_square_uniform(merged[r], d->lens[r], &stat, &df);
            snprintf(name, sizeof name, "chi-square reel %d stops", r + 1);
            s_add_test(out, name, stat, df, p);
        }
    } else if (o->game == SIM_ROULETTE) {
        p = stats_chi_square_uniform(merged[0], ROULETTE_POCKETS, &stat, &df);
        s_add_test(out, "chi-square pockets", stat, df, p);
    } else {
        p = stats_chi_square_uniform(merged[0], 3, &stat, &df);
        s_add_test(out, "chi-square house choices", stat, df, p);
    }
    double z;
    p = stats_runs_test(bits, n, &z);
    s_add_test(out, "runs test (hit/miss)", z, 0, p);
    double rho;
    p = stats_serial_correlation(x, n, &rho);
    s_add_test(out, "serial correlation (lag 1)", rho, 0, p);

    out->all_pass = out->rtp_exact >= out->ci_lo && out->rtp_exact <= out->ci_hi;
    for (int i = 0; i < out->ntests; i++)
        out->all_pass = out->all_pass && out->tests[i].pass;
    free(wins);
    free(primary);
    free(bits);
    free(x);
    free(w);
    free(th);
    return 0;
}
