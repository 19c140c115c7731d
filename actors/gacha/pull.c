#include "pull.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The migration's own limit (gacha_versions CHECK hard <= 1000); the simulator keeps a row
 * of counts per pity state, so a bound here keeps its memory bounded too. */
#define GACHA_HARD_MAX 1000

void gacha_banner_free(gacha_banner_t *b)
{
    for (int i = 0; i < GACHA_MAX_RARITIES; i++)
        free(b->rar[i].items);
    memset(b, 0, sizeof *b);
}

static int s_refuse(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (errlen) vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

int gacha_banner_check(const gacha_banner_t *b, char *err, size_t errlen)
{
    if (b->nrar < 2 || b->nrar > GACHA_MAX_RARITIES)
        return s_refuse(err, errlen, "banner %s has %d rarities; it needs 2 to %d, rarest first",
                        b->id, b->nrar, GACHA_MAX_RARITIES);
    uint64_t sum = 0;
    for (int i = 0; i < b->nrar; i++) {
        const gacha_rarity_t *r = &b->rar[i];
        if (!r->name[0]) return s_refuse(err, errlen, "banner %s: rarity %d has no name", b->id, i);
        if (r->n == 0 || !r->items)
            return s_refuse(err, errlen,
                            "banner %s: the %s pool is empty; every rarity needs at least one item",
                            b->id, r->name);
        sum += r->probability;
    }
    if (sum != GACHA_PPM)
        return s_refuse(err, errlen,
                        "banner %s: the probabilities sum to %llu parts per million, not 1000000",
                        b->id, (unsigned long long)sum);
    if (b->soft < 1 || b->soft > b->hard)
        return s_refuse(err, errlen,
                        "banner %s: pity soft %u and hard %u must satisfy 1 <= soft <= hard", b->id,
                        b->soft, b->hard);
    if (b->hard > GACHA_HARD_MAX)
        return s_refuse(err, errlen, "banner %s: pity hard %u is over the limit of %d", b->id,
                        b->hard, GACHA_HARD_MAX);
    if (b->step > GACHA_PPM)
        return s_refuse(err, errlen, "banner %s: pity step %u is over 1000000 parts per million",
                        b->id, b->step);
    if (b->featured) {
        const gacha_rarity_t *top = &b->rar[0];
        uint32_t seen = 0;
        for (uint32_t i = 0; i < top->n; i++)
            seen += top->items[i].id == b->featured;
        if (seen != 1)
            return s_refuse(err, errlen,
                            "banner %s: the featured item %lld must be listed once in the %s "
                            "pool, not %u times",
                            b->id, (long long)b->featured, top->name, seen);
        if (top->n < 2)
            return s_refuse(err, errlen,
                            "banner %s: the %s pool holds only the featured item; a lost 50/50 "
                            "needs at least one other item to give",
                            b->id, top->name);
    }
    return 0;
}

uint32_t gacha_top_rate(const gacha_banner_t *b, uint32_t k)
{
    if (k >= b->hard) return GACHA_PPM;
    uint64_t base = b->rar[0].probability;
    if (k < b->soft) return (uint32_t)base;
    uint64_t r = base + (uint64_t)(k - b->soft + 1) * b->step;
    return r > GACHA_PPM ? GACHA_PPM : (uint32_t)r;
}

void gacha_rates_at(const gacha_banner_t *b, uint32_t k, uint32_t out[GACHA_MAX_RARITIES])
{
    memset(out, 0, GACHA_MAX_RARITIES * sizeof out[0]);
    uint32_t sum = out[0] = gacha_top_rate(b, k);
    for (int i = 1; i < b->nrar - 1; i++) {
        uint32_t room = GACHA_PPM - sum;
        out[i] = b->rar[i].probability < room ? b->rar[i].probability : room;
        sum += out[i];
    }
    out[b->nrar - 1] = GACHA_PPM - sum;
}

/* The top pool's index of the featured item, and of the j-th other item in listed order. */
static uint32_t s_featured_index(const gacha_rarity_t *top, int64_t featured)
{
    for (uint32_t i = 0; i < top->n; i++)
        if (top->items[i].id == featured) return i;
    return 0; /* gacha_banner_check rules this out */
}

static uint32_t s_other_index(const gacha_rarity_t *top, int64_t featured, uint32_t j)
{
    for (uint32_t i = 0; i < top->n; i++) {
        if (top->items[i].id == featured) continue;
        if (j-- == 0) return i;
    }
    return 0;
}

void gacha_pull(const gacha_banner_t *b, club_fair_t *rng, gacha_pity_t *pity, gacha_draw_t *out)
{
    /* A count at UINT32_MAX cannot come from pulls (hard pity resets it long before), but
     * k must not wrap to 0 and read as a fresh start. */
    uint32_t k = pity->count < UINT32_MAX ? pity->count + 1 : UINT32_MAX;
    uint32_t rates[GACHA_MAX_RARITIES];
    gacha_rates_at(b, k, rates);
    uint32_t r = club_fair_uniform(rng, GACHA_PPM), cum = 0;
    int rar = b->nrar - 1;
    for (int i = 0; i < b->nrar; i++) {
        cum += rates[i];
        if (cum > r) {
            rar = i;
            break;
        }
    }
    const gacha_rarity_t *pool = &b->rar[rar];
    uint32_t idx;
    bool featured = false;
    if (rar == 0 && b->featured) {
        if (pity->guaranteed) {
            idx = s_featured_index(pool, b->featured);
            featured = true;
            pity->guaranteed = false;
        } else if (club_fair_uniform(rng, 2) == 0) {
            idx = s_featured_index(pool, b->featured);
            featured = true;
        } else {
            idx = s_other_index(pool, b->featured, club_fair_uniform(rng, pool->n - 1));
            pity->guaranteed = true;
        }
    } else {
        idx = club_fair_uniform(rng, pool->n);
    }
    *out = (gacha_draw_t){
        .rarity = rar, .item = &pool->items[idx], .pity_before = pity->count, .featured = featured};
    pity->count = rar == 0 ? 0 : k;
}

/* Sum over k of k * f(k), f(k) = p(k) * prod_{j<k} (1 - p(j)), in long double: the product
 * runs over up to 1000 factors, and `effective` rounds 1e6 / E to an integer. */
static long double s_expected(const gacha_banner_t *b)
{
    long double e = 0, survive = 1;
    for (uint32_t k = 1; k <= b->hard; k++) {
        long double p = (long double)gacha_top_rate(b, k) / GACHA_PPM;
        e += (long double)k * p * survive;
        survive *= 1 - p;
    }
    return e;
}

double gacha_expected_pulls(const gacha_banner_t *b)
{
    return (double)s_expected(b);
}

uint32_t gacha_effective_ppm(const gacha_banner_t *b)
{
    return (uint32_t)floorl(GACHA_PPM / s_expected(b) + 0.5L);
}
