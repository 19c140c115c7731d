/* hist: see hist.h. */
#include "hist.h"

#include <string.h>

void bench_hist_init(bench_hist_t *h)
{
    memset(h, 0, sizeof *h);
    h->min = UINT64_MAX;
    h->lo_idx = UINT32_MAX;
}

void bench_hist_reset(bench_hist_t *h)
{
    /* Only the used range can be non-zero: clearing just it keeps a per-second reset cheap. */
    if (h->count) memset(&h->b[h->lo_idx], 0, (size_t)(h->hi_idx - h->lo_idx + 1) * sizeof h->b[0]);
    h->count = 0;
    h->sum = 0;
    h->min = UINT64_MAX;
    h->max = 0;
    h->lo_idx = UINT32_MAX;
    h->hi_idx = 0;
}

uint64_t bench_hist_bucket_lo(uint32_t i)
{
    if (i < (2u << BENCH_HIST_SUB_BITS)) return i;
    unsigned shift = (i >> BENCH_HIST_SUB_BITS) - 1u;
    uint64_t m = (i & ((1u << BENCH_HIST_SUB_BITS) - 1u)) + (1u << BENCH_HIST_SUB_BITS);
    return m << shift;
}

uint64_t bench_hist_bucket_hi(uint32_t i)
{
    if (i < (2u << BENCH_HIST_SUB_BITS)) return i;
    unsigned shift = (i >> BENCH_HIST_SUB_BITS) - 1u;
    uint64_t m = (i & ((1u << BENCH_HIST_SUB_BITS) - 1u)) + (1u << BENCH_HIST_SUB_BITS);
    return ((m + 1) << shift) - 1;
}

void bench_hist_merge(bench_hist_t *dst, const bench_hist_t *src)
{
    if (!src->count) return;
    for (uint32_t i = src->lo_idx; i <= src->hi_idx; i++)
        dst->b[i] += src->b[i];
    dst->count += src->count;
    dst->sum += src->sum;
    if (src->min < dst->min) dst->min = src->min;
    if (src->max > dst->max) dst->max = src->max;
    if (src->lo_idx < dst->lo_idx) dst->lo_idx = src->lo_idx;
    if (src->hi_idx > dst->hi_idx) dst->hi_idx = src->hi_idx;
}

uint64_t bench_hist_percentile(const bench_hist_t *h, double p)
{
    if (!h->count) return 0;
    if (p >= 100.0) return h->max;
    if (p < 0.0) p = 0.0;
    /* rank = ceil(p/100 * count), at least 1 */
    double r = p / 100.0 * (double)h->count;
    uint64_t rank = (uint64_t)r;
    if ((double)rank < r) rank++;
    if (rank < 1) rank = 1;
    uint64_t seen = 0;
    for (uint32_t i = h->lo_idx; i <= h->hi_idx; i++) {
        seen += h->b[i];
        if (seen >= rank) {
            uint64_t lo = bench_hist_bucket_lo(i), hi = bench_hist_bucket_hi(i);
            uint64_t v = lo + (hi - lo) / 2;
            if (v < h->min) v = h->min;
            if (v > h->max) v = h->max;
            return v;
        }
    }
    return h->max;
}

double bench_hist_mean(const bench_hist_t *h)
{
    return h->count ? (double)h->sum / (double)h->count : 0.0;
}
