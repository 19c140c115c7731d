/* hist: a log-linear latency histogram (the idea of HdrHistogram, cut down to what the bench
 * needs).
 *
 * Values are unsigned 64-bit nanoseconds. Below 256 every value has its own bucket; above, each
 * power of two [2^e, 2^(e+1)) is split into 128 equal buckets, so a bucket is at most 1/128
 * (0.78 %) of its lowest value wide and a reported percentile (the bucket's midpoint, kept
 * within [min, max]) is within 0.4 % of a recorded value. Values from 2^42 ns (73 minutes) up
 * land in the top bucket; min, max, count and sum stay exact.
 *
 * Recording is a count-leading-zeros, two shifts and an increment: constant time, no
 * allocation. Histograms of the same layout merge by adding buckets, so each thread records
 * into its own and they are added up at the end (or once a second for the progress line).
 * A bench_hist_t is plain data: not safe to share between threads without a lock. */
#ifndef CLUB_BENCH_HIST_H
#define CLUB_BENCH_HIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BENCH_HIST_SUB_BITS  7
#define BENCH_HIST_MAX_EXP   42
#define BENCH_HIST_BUCKETS   ((BENCH_HIST_MAX_EXP + 1 - BENCH_HIST_SUB_BITS) << BENCH_HIST_SUB_BITS)
#define BENCH_HIST_MAX_VALUE ((UINT64_C(1) << BENCH_HIST_MAX_EXP) - 1)

typedef struct {
    uint64_t count;
    uint64_t sum; /* of the recorded (unclamped) values */
    uint64_t min; /* UINT64_MAX while empty */
    uint64_t max;
    uint32_t lo_idx, hi_idx; /* range of buckets that may be non-zero (merge and walk only it) */
    uint64_t b[BENCH_HIST_BUCKETS];
} bench_hist_t;

/* Makes h an empty histogram (any memory). */
void bench_hist_init(bench_hist_t *h);
/* Empties a histogram made by bench_hist_init (clears only the buckets in use). */
void bench_hist_reset(bench_hist_t *h);

/* Bucket index of value v (values above BENCH_HIST_MAX_VALUE go to the top bucket). */
static inline uint32_t bench_hist_index(uint64_t v)
{
    if (v < (UINT64_C(2) << BENCH_HIST_SUB_BITS)) return (uint32_t)v;
    if (v > BENCH_HIST_MAX_VALUE) v = BENCH_HIST_MAX_VALUE;
    unsigned e = 63u - (unsigned)__builtin_clzll(v);
    unsigned shift = e - BENCH_HIST_SUB_BITS;
    return (uint32_t)((shift << BENCH_HIST_SUB_BITS) + (v >> shift));
}

static inline void bench_hist_record(bench_hist_t *h, uint64_t v)
{
    uint32_t i = bench_hist_index(v);
    h->b[i]++;
    h->count++;
    h->sum += v;
    if (v < h->min) h->min = v;
    if (v > h->max) h->max = v;
    if (i < h->lo_idx) h->lo_idx = i;
    if (i > h->hi_idx) h->hi_idx = i;
}

/* Lowest and highest value that land in bucket i. */
uint64_t bench_hist_bucket_lo(uint32_t i);
uint64_t bench_hist_bucket_hi(uint32_t i);

/* Adds src into dst. */
void bench_hist_merge(bench_hist_t *dst, const bench_hist_t *src);

/* The value at percentile p (0..100): the midpoint of the bucket holding the ceil(p% * count)th
 * smallest value, kept within [min, max]. p >= 100 gives max exactly. 0 when empty. */
uint64_t bench_hist_percentile(const bench_hist_t *h, double p);

/* Mean of the recorded values (0 when empty). */
double bench_hist_mean(const bench_hist_t *h);

#endif
