#include "gsim.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util.h"

#define GSIM_MIN_PULLS   100ULL
#define GSIM_MAX_PULLS   10000000000ULL
#define GSIM_MAX_THREADS 16
#define MIN_EXPECTED     5.0 /* the usual floor for a chi-square cell */

/* Pity states are grouped as the rule groups them: every k < soft has the base rates (group
 * 0), each k from soft to hard its own (group k - soft + 1). */
static uint32_t s_group(const gacha_banner_t *b, uint32_t k)
{
    return k < b->soft ? 0 : k - b->soft + 1;
}

static uint32_t s_ngroups(const gacha_banner_t *b)
{
    return b->hard - b->soft + 2;
}

/* The k whose rates group g has (any k < soft for group 0). */
static uint32_t s_group_k(const gacha_banner_t *b, uint32_t g)
{
    return g == 0 ? 1 : b->soft + g - 1;
}

typedef struct {
    const gacha_banner_t *b;
    const char *ss, *cs;
    uint64_t from, to;
    uint64_t *cells;                     /* [group * GACHA_MAX_RARITIES + rarity] */
    uint64_t *waits;                     /* [k]: top items that came on the k-th pull */
    uint64_t *items[GACHA_MAX_RARITIES]; /* per pool position (top: the others only) */
    uint64_t featured, fifty, fifty_won, guaranteed, guaranteed_featured, beyond_hard;
    uint32_t longest_dry;
    void (*pull)(const gacha_banner_t *, club_fair_t *, gacha_pity_t *, gacha_draw_t *);
    atomic_uint_fast64_t *done;
} worker_t;

static void *s_work(void *arg)
{
    worker_t *w = arg;
    const gacha_banner_t *b = w->b;
    gacha_pity_t pity = {0, false};
    club_fair_t f;
    gacha_draw_t d;
    for (uint64_t n = w->from; n < w->to; n++) {
        if (((n - w->from) & 4095) == 4095) atomic_fetch_add(w->done, 4096);
        club_fair_init(&f, w->ss, w->cs, n);
        bool had_flag = pity.guaranteed;
        w->pull(b, &f, &pity, &d);
        uint64_t k = (uint64_t)d.pity_before + 1;
        if (pity.count > w->longest_dry) w->longest_dry = pity.count;
        if (k > b->hard) { /* only a broken rule gets here; the tables end at hard */
            w->beyond_hard++;
            continue;
        }
        w->cells[(size_t)s_group(b, (uint32_t)k) * GACHA_MAX_RARITIES + (size_t)d.rarity]++;
        w->items[d.rarity][d.item - b->rar[d.rarity].items]++;
        if (d.rarity == 0) {
            w->waits[k]++;
            if (b->featured) {
                w->featured += d.featured;
                if (had_flag) {
                    w->guaranteed++;
                    w->guaranteed_featured += d.featured;
                } else {
                    w->fifty++;
                    w->fifty_won += d.featured;
                }
            }
        }
    }
    return NULL;
}

void gsim_wait_law(const gacha_banner_t *b, long double *f, long double *mean, long double *var)
{
    long double survive = 1, m = 0, m2 = 0;
    f[0] = 0;
    for (uint32_t k = 1; k <= b->hard; k++) {
        long double p = (long double)gacha_top_rate(b, k) / GACHA_PPM;
        f[k] = p * survive;
        survive *= 1 - p;
        m += (long double)k * f[k];
        m2 += (long double)k * k * f[k];
    }
    *mean = m;
    *var = m2 - m * m;
}

/* The smallest k whose cumulative share reaches q, for exact (f) or counted (c) laws. */
static uint32_t s_quantile_exact(const long double *f, uint32_t hard, long double q)
{
    long double cum = 0;
    for (uint32_t k = 1; k <= hard; k++)
        if ((cum += f[k]) >= q - 1e-15L) return k;
    return hard;
}

static uint32_t s_quantile_counts(const uint64_t *c, uint32_t hard, uint64_t total, double q)
{
    uint64_t need = (uint64_t)ceil(q * (double)total), cum = 0;
    if (need == 0) need = 1;
    for (uint32_t k = 1; k <= hard; k++)
        if ((cum += c[k]) >= need) return k;
    return 0;
}

typedef struct {
    double e;
    uint64_t o;
} cell_t;

/* Pearson's chi-square of one group's rarities: cells expected under 5 are pooled into
 * one, and that one, if still under 5, into the smallest other cell; a group left with one
 * cell tests nothing and adds no degree of freedom. Cells whose rate is 0 are no cells: a
 * pull there is impossible under the rule and is counted apart. */
static void s_chi_group(const uint64_t *obs, const uint32_t *rates, int nrar, uint64_t n,
                        double *stat, int *df, uint64_t *impossible)
{
    cell_t cells[GACHA_MAX_RARITIES], small = {0, 0};
    int nc = 0;
    bool any_small = false;
    for (int i = 0; i < nrar; i++) {
        if (rates[i] == 0) {
            *impossible += obs[i];
            continue;
        }
        cell_t c = {(double)n * rates[i] / GACHA_PPM, obs[i]};
        if (c.e < MIN_EXPECTED) {
            small.e += c.e;
            small.o += c.o;
            any_small = true;
        } else {
            cells[nc++] = c;
        }
    }
    if (any_small) {
        if (small.e >= MIN_EXPECTED || nc == 0) {
            cells[nc++] = small;
        } else {
            int lo = 0;
            for (int i = 1; i < nc; i++)
                if (cells[i].e < cells[lo].e) lo = i;
            cells[lo].e += small.e;
            cells[lo].o += small.o;
        }
    }
    if (nc < 2) return;
    for (int i = 0; i < nc; i++) {
        double d = (double)cells[i].o - cells[i].e;
        *stat += d * d / cells[i].e;
    }
    *df += nc - 1;
}

static void s_add(gsim_report_t *r, const char *name, double stat, int df, double p)
{
    stats_test_add(r->tests, &r->ntests, GSIM_MAX_TESTS, name, stat, df, p);
}

/* A z-test of an observed value against its exact one, sd known. */
static void s_add_z(gsim_report_t *r, const char *name, double obs, double exact, double sd)
{
    double z = sd > 0 ? (obs - exact) / sd : 0;
    s_add(r, name, z, 0, stats_normal_two_sided(z));
}

static int s_fail(char *err, size_t errlen, const char *msg)
{
    snprintf(err, errlen, "%s", msg);
    return -1;
}

static void s_seeds(const gsim_opts_t *o, gsim_report_t *out, int *rc)
{
    char hash[65];
    if (o->server_seed[0])
        snprintf(out->server_seed, sizeof out->server_seed, "%s", o->server_seed);
    else if (club_fair_new_server_seed(out->server_seed, hash))
        *rc = -1;
    if (o->client_seed[0])
        snprintf(out->client_seed, sizeof out->client_seed, "%s", o->client_seed);
    else if (club_fair_new_client_seed(out->client_seed))
        *rc = -1;
}

/* Starts the workers, reports progress about once a second, joins them. */
static void s_play(const gsim_opts_t *o, worker_t *w, int threads, atomic_uint_fast64_t *done)
{
    pthread_t th[GSIM_MAX_THREADS];
    for (int t = 0; t < threads; t++)
        pthread_create(&th[t], NULL, s_work, &w[t]);
    if (o->progress) {
        int64_t last = club_mono_ns();
        while (atomic_load(done) + 4096u * (unsigned)threads < o->pulls) {
            struct timespec ts = {0, 100000000};
            nanosleep(&ts, NULL);
            int64_t now = club_mono_ns();
            if (now - last >= 1000000000) {
                o->progress(atomic_load(done), o->pulls, o->progress_ctx);
                last = now;
            }
        }
    }
    for (int t = 0; t < threads; t++)
        pthread_join(th[t], NULL);
}

/* The rarity test, the per-rarity and pity-table figures, from the merged cells. */
static void s_rarities(const gacha_banner_t *b, const uint64_t *cells, gsim_report_t *r)
{
    uint32_t ng = s_ngroups(b);
    double stat = 0;
    int df = 0;
    r->pity = club_calloc(ng, sizeof *r->pity);
    for (uint32_t g = 0; g < ng; g++) {
        const uint64_t *obs = &cells[(size_t)g * GACHA_MAX_RARITIES];
        uint32_t rates[GACHA_MAX_RARITIES];
        gacha_rates_at(b, s_group_k(b, g), rates);
        uint64_t n = 0;
        for (int i = 0; i < b->nrar; i++)
            n += obs[i];
        for (int i = 0; i < b->nrar; i++) {
            r->count[i] += obs[i];
            r->expected[i] += (double)n * rates[i] / GACHA_PPM;
        }
        if (g == 0) {
            r->base_pulls = n;
            memcpy(r->base_count, obs, sizeof r->base_count);
        }
        if (g > 0 || b->soft > 1)
            r->pity[r->npity++] =
                (gsim_pity_row_t){g == 0 ? 0 : s_group_k(b, g), n, obs[0], rates[0]};
        s_chi_group(obs, rates, b->nrar, n, &stat, &df, &r->impossible);
    }
    double p = df > 0 ? stats_gamma_q(df / 2.0, stat / 2.0) : 1.0;
    if (r->impossible) p = 0;
    s_add(r, "chi-square rarity | pity state", stat, df, p);
}

/* Items within each pool are uniform (the top pool of a featured banner: over the others). */
static void s_items(const gacha_banner_t *b, uint64_t *const items[GACHA_MAX_RARITIES],
                    gsim_report_t *r)
{
    for (int i = 0; i < b->nrar; i++) {
        const gacha_rarity_t *pool = &b->rar[i];
        bool others = i == 0 && b->featured;
        uint32_t n = others ? pool->n - 1 : pool->n;
        if (n < 2) continue;
        uint64_t *c = club_malloc(n * sizeof *c), total = 0;
        for (uint32_t j = 0, m = 0; j < pool->n; j++) {
            if (others && pool->items[j].id == b->featured) continue;
            c[m++] = items[i][j];
            total += items[i][j];
        }
        if ((double)total / n >= MIN_EXPECTED) {
            double stat;
            int df;
            double p = stats_chi_square_uniform(c, n, &stat, &df);
            char name[48];
            snprintf(name, sizeof name, "chi-square %s items%s", pool->name,
                     others ? " (others)" : "");
            s_add(r, name, stat, df, p);
        }
        free(c);
    }
}

int gsim_run(const gsim_opts_t *o, gsim_report_t *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    const gacha_banner_t *b = o->banner;
    if (!b || gacha_banner_check(b, err, errlen) != 0)
        return b ? -1 : s_fail(err, errlen, "no banner to simulate");
    if (o->pulls < GSIM_MIN_PULLS || o->pulls > GSIM_MAX_PULLS)
        return s_fail(err, errlen, "pulls must be from 100 to 10000000000");
    if (o->threads < 1 || o->threads > GSIM_MAX_THREADS)
        return s_fail(err, errlen, "threads must be from 1 to 16");
    int rc = 0;
    s_seeds(o, out, &rc);
    if (rc) return s_fail(err, errlen, "no secure random bytes for the seeds; give them");

    /* The exact side. */
    long double *f = club_calloc(b->hard + 1, sizeof *f), mean, var;
    gsim_wait_law(b, f, &mean, &var);
    out->exact_mean = (double)mean;
    out->exact_sd = (double)sqrtl(var);
    out->exact_p50 = s_quantile_exact(f, b->hard, 0.50L);
    out->exact_p90 = s_quantile_exact(f, b->hard, 0.90L);
    out->exact_p99 = s_quantile_exact(f, b->hard, 0.99L);
    out->effective = gacha_effective_ppm(b);
    out->rate_exact = (double)(1 / mean);
    free(f);

    /* Play. */
    int threads = o->threads;
    uint32_t ng = s_ngroups(b);
    worker_t *w = club_calloc((size_t)threads, sizeof *w);
    atomic_uint_fast64_t done = 0;
    for (int t = 0; t < threads; t++) {
        w[t] = (worker_t){.b = b,
                          .ss = out->server_seed,
                          .cs = out->client_seed,
                          .from = o->pulls * (uint64_t)t / (uint64_t)threads,
                          .to = o->pulls * (uint64_t)(t + 1) / (uint64_t)threads,
                          .cells = club_calloc((size_t)ng * GACHA_MAX_RARITIES, sizeof(uint64_t)),
                          .waits = club_calloc(b->hard + 1, sizeof(uint64_t)),
                          .pull = o->pull ? o->pull : gacha_pull,
                          .done = &done};
        for (int i = 0; i < b->nrar; i++)
            w[t].items[i] = club_calloc(b->rar[i].n, sizeof(uint64_t));
    }
    int64_t t0 = club_mono_ns();
    s_play(o, w, threads, &done);
    out->seconds = (double)(club_mono_ns() - t0) / 1e9;
    out->pulls = o->pulls;
    out->threads = threads;

    /* Merge: every count is a sum over the threads, the dry run a maximum. */
    uint64_t *cells = club_calloc((size_t)ng * GACHA_MAX_RARITIES, sizeof *cells);
    uint64_t *waits = club_calloc(b->hard + 1, sizeof *waits);
    uint64_t *items[GACHA_MAX_RARITIES] = {0};
    for (int i = 0; i < b->nrar; i++)
        items[i] = club_calloc(b->rar[i].n, sizeof(uint64_t));
    for (int t = 0; t < threads; t++) {
        for (size_t c = 0; c < (size_t)ng * GACHA_MAX_RARITIES; c++)
            cells[c] += w[t].cells[c];
        for (uint32_t k = 0; k <= b->hard; k++)
            waits[k] += w[t].waits[k];
        for (int i = 0; i < b->nrar; i++)
            for (uint32_t j = 0; j < b->rar[i].n; j++)
                items[i][j] += w[t].items[i][j];
        out->featured += w[t].featured;
        out->fifty += w[t].fifty;
        out->fifty_won += w[t].fifty_won;
        out->guaranteed += w[t].guaranteed;
        out->guaranteed_featured += w[t].guaranteed_featured;
        out->beyond_hard += w[t].beyond_hard;
        if (w[t].longest_dry > out->longest_dry) out->longest_dry = w[t].longest_dry;
        free(w[t].cells);
        free(w[t].waits);
        for (int i = 0; i < b->nrar; i++)
            free(w[t].items[i]);
    }
    free(w);

    s_rarities(b, cells, out);
    s_items(b, items, out);

    /* Pulls to a top item: its mean against E with sd / sqrt(waits). */
    double n = (double)out->pulls, sum = 0;
    for (uint32_t k = 1; k <= b->hard; k++) {
        out->tops += waits[k];
        sum += (double)k * (double)waits[k];
        if (waits[k]) out->wait_max = k;
    }
    out->wait_p50 = s_quantile_counts(waits, b->hard, out->tops, 0.50);
    out->wait_p90 = s_quantile_counts(waits, b->hard, out->tops, 0.90);
    out->wait_p99 = s_quantile_counts(waits, b->hard, out->tops, 0.99);
    bool inside = true;
    if (out->tops) {
        double m = (double)out->tops, half = STATS_Z99 * out->exact_sd / sqrt(m);
        out->wait_mean = sum / m;
        out->wait_lo = out->wait_mean - half;
        out->wait_hi = out->wait_mean + half;
        inside = out->exact_mean >= out->wait_lo && out->exact_mean <= out->wait_hi;
        s_add_z(out, "mean pulls to a top item (z)", out->wait_mean, out->exact_mean,
                out->exact_sd / sqrt(m));
    }

    /* Top items per pull: a renewal process whose waits have mean E and variance s^2 gives
     * N(n) / n ~ Normal(1 / E, s^2 / (E^3 n)). */
    double e = out->exact_mean, sd = out->exact_sd * sqrt(1 / (e * e * e * n));
    out->rate = (double)out->tops / n;
    out->rate_lo = out->rate - STATS_Z99 * sd;
    out->rate_hi = out->rate + STATS_Z99 * sd;
    inside = inside && out->rate_exact >= out->rate_lo && out->rate_exact <= out->rate_hi;
    s_add_z(out, "top items per pull (renewal z)", out->rate, out->rate_exact, sd);

    /* The featured share. From a top item without the guarantee, a cycle ends at the next
     * featured item: at once with q = 1/2 (c = 0; uniform(2) rejects no u, so q is exact),
     * else one top item later (the guarantee). A cycle thus holds L = 1 or 2 top items, with
     * mean mu = 2 - q and variance q (1 - q), and exactly one featured item, so the share is
     * 1 / mu = 2/3 and, by the renewal CLT over m top items, ~ Normal(1 / mu, var / (mu^3 m)).
     * The 50/50s themselves are independent fair coins. */
    bool guarantee_kept = out->guaranteed_featured == out->guaranteed;
    if (b->featured) {
        double q = 0.5, mu = 2 - q, cvar = q * (1 - q);
        out->share_exact = 1 / mu;
        if (out->tops) {
            double m = (double)out->tops, ssd = sqrt(cvar / (mu * mu * mu * m));
            out->share = (double)out->featured / m;
            out->share_lo = out->share - STATS_Z99 * ssd;
            out->share_hi = out->share + STATS_Z99 * ssd;
            inside =
                inside && out->share_exact >= out->share_lo && out->share_exact <= out->share_hi;
            s_add_z(out, "featured share (renewal z)", out->share, out->share_exact, ssd);
        }
        if (out->fifty)
            s_add_z(out, "50/50 won (binomial z)", (double)out->fifty_won / (double)out->fifty, q,
                    sqrt(q * (1 - q) / (double)out->fifty));
    }

    out->all_pass = inside && guarantee_kept && out->impossible == 0 && out->beyond_hard == 0 &&
                    out->longest_dry < b->hard;
    for (int i = 0; i < out->ntests; i++)
        out->all_pass = out->all_pass && out->tests[i].pass;
    free(cells);
    free(waits);
    for (int i = 0; i < b->nrar; i++)
        free(items[i]);
    return 0;
}

void gsim_report_free(gsim_report_t *r)
{
    free(r->pity);
    r->pity = NULL;
    r->npity = 0;
}
