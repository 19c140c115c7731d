/* The gacha rule of PROTOCOL.md: the rates at every pity state against hand-worked tables,
 * the cumulative cut, the featured 50/50 and its guarantee on seeds whose draws are known,
 * `effective` against a Markov chain over the pity states, the banner checks, and pulls
 * re-computed from the raw HMAC-SHA256 stream by code that shares nothing with pull.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "gacha_fixture.h"
#include "pull.h"

#define SEED   "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
#define CLIENT "lucky_seed"

/* Rows of {k, rate of each rarity rarest first}: 1 + b->nrar numbers a row. */
static void s_rates_table(const gacha_banner_t *b, const uint32_t *t, size_t rows)
{
    for (size_t r = 0; r < rows; r++, t += 1 + b->nrar) {
        uint32_t k = t[0], got[GACHA_MAX_RARITIES];
        gacha_rates_at(b, k, got);
        for (int i = 0; i < b->nrar; i++) {
            if (got[i] != t[1 + i])
                print_error("k %u rarity %s: %u, want %u\n", k, b->rar[i].name, got[i], t[1 + i]);
            assert_int_equal(got[i], t[1 + i]);
        }
        assert_int_equal(gacha_top_rate(b, k), t[1]);
    }
}

#define RATES_TABLE(b, t) s_rates_table((b), &(t)[0][0], sizeof(t) / sizeof((t)[0]))

/* neon_katana: base 6000, soft 74, hard 90, step 60000; EPIC 51000, RARE 250000. From 85 on
 * the top rate leaves less than EPIC + RARE: RARE is cut, then EPIC, and COMMON gets 0. */
static void test_rates_at_every_k(void **state)
{
    (void)state;
    gacha_banner_t b;
    gf_neon_katana(&b);
    uint32_t base[74][5]; /* k = 0 is no pull, but must read as a fresh start */
    for (uint32_t k = 0; k < 74; k++)
        memcpy(base[k], (uint32_t[5]){k, 6000, 51000, 250000, 693000}, sizeof base[k]);
    RATES_TABLE(&b, base);
    static const uint32_t table[][5] = {
        /* k  LEGENDARY EPIC   RARE    COMMON */
        {74, 66000, 51000, 250000, 633000},
        {75, 126000, 51000, 250000, 573000},
        {76, 186000, 51000, 250000, 513000},
        {77, 246000, 51000, 250000, 453000},
        {78, 306000, 51000, 250000, 393000},
        {79, 366000, 51000, 250000, 333000},
        {80, 426000, 51000, 250000, 273000},
        {81, 486000, 51000, 250000, 213000},
        {82, 546000, 51000, 250000, 153000},
        {83, 606000, 51000, 250000, 93000},
        {84, 666000, 51000, 250000, 33000},
        {85, 726000, 51000, 223000, 0},
        {86, 786000, 51000, 163000, 0},
        {87, 846000, 51000, 103000, 0},
        {88, 906000, 51000, 43000, 0},
        {89, 966000, 34000, 0, 0},
        {90, 1000000, 0, 0, 0},
        {91, 1000000, 0, 0, 0},
        {1000, 1000000, 0, 0, 0},
        {UINT32_MAX, 1000000, 0, 0, 0},
    };
    RATES_TABLE(&b, table);
    gacha_banner_free(&b);
}

/* The soft-pity rate is capped at 1,000,000 before hard; and soft == hard jumps at once. */
static void test_top_rate_cap_and_soft_equal_hard(void **state)
{
    (void)state;
    gacha_banner_t b;
    const gf_rarity_t rar[] = {{"TOP", 100000, 2}, {"LOW", 900000, 3}};
    gf_banner(&b, "cap", rar, 2, 2, 5, 600000, 0);
    static const uint32_t want[][3] = {{1, 100000, 900000}, {2, 700000, 300000}, {3, 1000000, 0},
                                       {4, 1000000, 0},     {5, 1000000, 0},     {6, 1000000, 0}};
    RATES_TABLE(&b, want);
    gacha_banner_free(&b);

    gf_banner(&b, "jump", rar, 2, 3, 3, 0, 0);
    static const uint32_t jump[][3] = {{1, 100000, 900000}, {2, 100000, 900000}, {3, 1000000, 0}};
    RATES_TABLE(&b, jump);
    gacha_banner_free(&b);
}

/* A top rate that eats into every other rarity, rarest first, from the first pull on; and
 * pulls made there give only the rarities left a rate. */
static void test_cumulative_cut(void **state)
{
    (void)state;
    gacha_banner_t b;
    const gf_rarity_t rar[] = {
        {"S", 500000, 2}, {"A", 300000, 2}, {"B", 150000, 2}, {"C", 50000, 2}};
    gf_banner(&b, "cut", rar, 4, 1, 10, 100000, 0);
    static const uint32_t want[][5] = {
        {1, 600000, 300000, 100000, 0}, {2, 700000, 300000, 0, 0}, {3, 800000, 200000, 0, 0},
        {4, 900000, 100000, 0, 0},      {5, 1000000, 0, 0, 0},     {9, 1000000, 0, 0, 0},
    };
    RATES_TABLE(&b, want);

    uint32_t seen[4] = {0};
    for (uint64_t n = 0; n < 4000; n++) {
        club_fair_t f;
        club_fair_init(&f, SEED, CLIENT, n);
        gacha_pity_t p = {2, false}; /* k = 3: S 800000, A 200000 */
        gacha_draw_t d;
        gacha_pull(&b, &f, &p, &d);
        seen[d.rarity]++;
        assert_int_equal(p.count, d.rarity == 0 ? 0 : 3);
    }
    assert_int_equal(seen[2] + seen[3], 0);
    assert_in_range(seen[0], 3100, 3300); /* 3200 expected, sd 25 */
    gacha_banner_free(&b);
}

/* The u32s of a round's stream, read with the club's reader from a fresh start. */
static uint32_t s_u32_at(uint64_t nonce, int index)
{
    club_fair_t f;
    club_fair_init(&f, SEED, CLIENT, nonce);
    uint32_t u = 0;
    for (int i = 0; i <= index; i++)
        u = club_fair_u32(&f);
    return u;
}

/* One pull of b from the stream of nonce, with pity p (updated); f stays where it stopped. */
static gacha_draw_t s_pull(const gacha_banner_t *b, club_fair_t *f, uint64_t nonce, gacha_pity_t *p)
{
    club_fair_init(f, SEED, CLIENT, nonce);
    gacha_draw_t d;
    gacha_pull(b, f, p, &d);
    return d;
}

/* The draw and the pity after it, and the next u32 f would read: how many it consumed. */
static void s_expect(const gacha_draw_t *d, const gacha_pity_t *p, club_fair_t *f, int rarity,
                     int64_t item, bool featured, uint32_t count, bool guaranteed, uint32_t next)
{
    assert_int_equal(d->rarity, rarity);
    assert_int_equal(d->item->id, item);
    assert_int_equal(d->featured, featured);
    assert_int_equal(p->count, count);
    assert_int_equal(p->guaranteed, guaranteed);
    assert_int_equal(club_fair_u32(f), next);
}

/* At pity 89 the 90th pull is a top item whatever r is; then c = uniform(2) = u1 mod 2.
 * Nonce 2: u1 = 0xaa15529e, even: c = 0, the featured item; r and c read, nothing more. */
static void test_fifty_fifty_won(void **state)
{
    (void)state;
    gacha_banner_t b;
    gf_neon_katana(&b);
    assert_int_equal(s_u32_at(2, 1), 0xaa15529eu);
    club_fair_t f;
    gacha_pity_t p = {89, false};
    gacha_draw_t d = s_pull(&b, &f, 2, &p);
    assert_int_equal(d.pity_before, 89);
    s_expect(&d, &p, &f, 0, 101, true, 0, false, s_u32_at(2, 2));
    gacha_banner_free(&b);
}

/* Nonce 0: u1 = 0xc5c924ff, odd: c = 1, lost; the item is uniform(3) over the others
 * (102, 103, 104) with u2 = 0x0c5c87ee = 207390702 = 3 * 69130234: index 0, 102. The flag
 * is set, and the next top item (nonce 5, whose c would lose too) is the featured one with
 * r read and no draw after it. */
static void test_fifty_fifty_lost_then_guaranteed(void **state)
{
    (void)state;
    gacha_banner_t b;
    gf_neon_katana(&b);
    assert_int_equal(s_u32_at(0, 1), 0xc5c924ffu);
    assert_int_equal(s_u32_at(0, 2), 0x0c5c87eeu);
    club_fair_t f;
    gacha_pity_t p = {89, false};
    gacha_draw_t d = s_pull(&b, &f, 0, &p);
    s_expect(&d, &p, &f, 0, 102, false, 0, true, s_u32_at(0, 3));

    /* Non-top pulls keep the flag. Nonce 2 at pity 0: r = 0x5781d7ab mod 1e6 = 127147, past
     * LEGENDARY + EPIC = 57000 and under + RARE = 307000: RARE, item u1 mod 9 = 2: 303. */
    d = s_pull(&b, &f, 2, &p);
    s_expect(&d, &p, &f, 2, 303, false, 1, true, s_u32_at(2, 2));

    /* Without the flag nonce 5 loses its 50/50 ... */
    gacha_pity_t fresh = {89, false};
    d = s_pull(&b, &f, 5, &fresh);
    assert_false(d.featured);
    assert_true(fresh.guaranteed);
    /* ... with it, it gives the featured item and reads r only. */
    p.count = 89;
    d = s_pull(&b, &f, 5, &p);
    s_expect(&d, &p, &f, 0, 101, true, 0, false, s_u32_at(5, 1));
    gacha_banner_free(&b);
}

/* Without featured a top item is uniform over the whole top pool and the flag is left. */
static void test_top_item_without_featured(void **state)
{
    (void)state;
    gacha_banner_t b;
    gf_chrome_standard(&b);
    uint32_t seen[4] = {0};
    for (uint64_t n = 0; n < 800; n++) {
        club_fair_t f;
        club_fair_init(&f, SEED, CLIENT, n);
        gacha_pity_t p = {69, true}; /* the flag means nothing here */
        gacha_draw_t d;
        gacha_pull(&b, &f, &p, &d);
        assert_int_equal(d.rarity, 0);
        assert_false(d.featured);
        assert_true(p.guaranteed);
        /* r, then uniform(4): u1 mod 4 (4 divides 2^32, so no u is thrown away) */
        assert_int_equal(d.item - b.rar[0].items, s_u32_at(n, 1) % 4);
        seen[d.item - b.rar[0].items]++;
    }
    for (int i = 0; i < 4; i++)
        assert_in_range(seen[i], 150, 250);
    gacha_banner_free(&b);
}

/* The long-run top rate from a Markov chain over the pity count (state s = pulls since the
 * last top item, 0 .. hard-1), iterated from s = 0 until it settles: no E, no sum over k f(k).
 * The stationary top rate is 1 / E by the renewal theorem, so effective = round(1e6 x it). */
static double s_markov_rate(const gacha_banner_t *b)
{
    static double pi[1001], next[1001];
    double p[1001];
    for (uint32_t s = 0; s < b->hard; s++) {
        uint32_t k = s + 1, rate;
        if (k >= b->hard)
            rate = 1000000;
        else if (k < b->soft)
            rate = b->rar[0].probability;
        else
            rate = b->rar[0].probability + (k - b->soft + 1) * b->step;
        p[s] = (rate > 1000000 ? 1000000 : rate) / 1e6;
        pi[s] = s == 0;
    }
    double top = 0;
    for (int it = 0; it < 200000; it++) {
        memset(next, 0, sizeof next);
        top = 0;
        for (uint32_t s = 0; s < b->hard; s++) {
            top += pi[s] * p[s];
            if (s + 1 < b->hard) next[s + 1] += pi[s] * (1 - p[s]);
        }
        next[0] = top;
        /* Averaging with the last step damps the chain's period, if it has one. */
        double moved = 0;
        for (uint32_t s = 0; s < b->hard; s++) {
            double v = 0.5 * (pi[s] + next[s]);
            moved += v > pi[s] ? v - pi[s] : pi[s] - v;
            pi[s] = v;
        }
        if (moved < 1e-16) break;
    }
    return top;
}

static void test_effective_against_markov_chain(void **state)
{
    (void)state;
    void (*seeded[])(gacha_banner_t *) = {gf_neon_katana, gf_chrome_standard, gf_gem_vault};
    /* round(1e6 / E), E computed with exact fractions outside this code (Python Fraction) */
    static const uint32_t want[] = {16052, 23799, 41064};
    static const double want_e[] = {62.29733203963097, 42.01901655486845, 24.35196672125557};
    for (int i = 0; i < 3; i++) {
        gacha_banner_t b;
        seeded[i](&b);
        double rate = s_markov_rate(&b);
        assert_float_equal(gacha_expected_pulls(&b), want_e[i], 1e-11);
        assert_float_equal(rate, 1 / gacha_expected_pulls(&b), 1e-12);
        assert_int_equal(gacha_effective_ppm(&b), want[i]);
        assert_int_equal(gacha_effective_ppm(&b), (uint32_t)(1e6 * rate + 0.5));
        gacha_banner_free(&b);
    }
    /* Odd shapes: no soft pity before hard, a certain top item, a jump at soft == hard. */
    const gf_rarity_t r1[] = {{"T", 0, 1}, {"L", 1000000, 1}};
    const gf_rarity_t r2[] = {{"T", 1000000, 1}, {"L", 0, 1}};
    const gf_rarity_t r3[] = {{"T", 123456, 2}, {"M", 400000, 1}, {"L", 476544, 1}};
    struct {
        const gf_rarity_t *r;
        int n;
        uint32_t soft, hard, step;
        double e;
    } odd[] = {{r1, 2, 10, 10, 0, 10.0}, {r2, 2, 1, 1, 0, 1.0}, {r3, 3, 4, 4, 999999, 0}};
    for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++) {
        gacha_banner_t b;
        gf_banner(&b, "odd", odd[i].r, odd[i].n, odd[i].soft, odd[i].hard, odd[i].step, 0);
        if (odd[i].e > 0) assert_float_equal(gacha_expected_pulls(&b), odd[i].e, 1e-12);
        assert_float_equal(s_markov_rate(&b), 1 / gacha_expected_pulls(&b), 1e-12);
        assert_int_equal(gacha_effective_ppm(&b), (uint32_t)(1e6 / gacha_expected_pulls(&b) + 0.5));
        gacha_banner_free(&b);
    }
}

static void s_refused(gacha_banner_t *b, const char *fragment)
{
    char err[256] = "";
    assert_int_equal(gacha_banner_check(b, err, sizeof err), -1);
    if (!strstr(err, fragment)) print_error("'%s' lacks '%s'\n", err, fragment);
    assert_non_null(strstr(err, fragment));
    gacha_banner_free(b);
}

static void test_banner_check_refusals(void **state)
{
    (void)state;
    gacha_banner_t b;
    char err[256];
    gf_neon_katana(&b);
    assert_int_equal(gacha_banner_check(&b, err, sizeof err), 0);
    gacha_banner_free(&b);

    const gf_rarity_t one[] = {{"T", 1000000, 1}};
    gf_banner(&b, "x", one, 1, 1, 1, 0, 0);
    s_refused(&b, "has 1 rarities; it needs 2 to 8");

    const gf_rarity_t short_sum[] = {{"T", 10000, 2}, {"L", 980000, 2}};
    gf_banner(&b, "x", short_sum, 2, 1, 10, 0, 0);
    s_refused(&b, "sum to 990000 parts per million, not 1000000");

    const gf_rarity_t empty[] = {{"T", 10000, 2}, {"L", 990000, 0}};
    gf_banner(&b, "x", empty, 2, 1, 10, 0, 0);
    s_refused(&b, "the L pool is empty");

    const gf_rarity_t ok[] = {{"T", 10000, 3}, {"L", 990000, 2}};
    gf_banner(&b, "x", ok, 2, 0, 10, 0, 0);
    s_refused(&b, "pity soft 0 and hard 10 must satisfy 1 <= soft <= hard");
    gf_banner(&b, "x", ok, 2, 11, 10, 0, 0);
    s_refused(&b, "pity soft 11 and hard 10");
    gf_banner(&b, "x", ok, 2, 5, 1001, 0, 0);
    s_refused(&b, "pity hard 1001 is over the limit of 1000");
    gf_banner(&b, "x", ok, 2, 5, 10, 1000001, 0);
    s_refused(&b, "pity step 1000001 is over");
    gf_banner(&b, "x", ok, 2, 5, 10, 0, 999);
    s_refused(&b, "the featured item 999 must be listed once in the T pool, not 0 times");
    gf_banner(&b, "x", ok, 2, 5, 10, 0, 101);
    b.rar[0].items[2].id = 101;
    s_refused(&b, "not 2 times");

    const gf_rarity_t lone[] = {{"T", 10000, 1}, {"L", 990000, 2}};
    gf_banner(&b, "x", lone, 2, 5, 10, 0, 101);
    s_refused(&b, "holds only the featured item");
    gf_banner(&b, "x", ok, 2, 5, 10, 0, 0);
    b.rar[1].name[0] = 0;
    s_refused(&b, "rarity 1 has no name");
}

/* --- an independent re-computation from the raw stream ---------------------------------
 * Written from PROTOCOL.md alone: OpenSSL's one-shot HMAC for each 32-byte block, its own
 * big-endian reader and rejection sampling, the rates and the item rule in its own words. */

typedef struct {
    const char *key, *client;
    uint64_t nonce, cursor;
    unsigned char block[32];
    int used;
} raw_t;

static uint32_t s_raw_u32(raw_t *r)
{
    if (r->used == 32) {
        char msg[128];
        int n = snprintf(msg, sizeof msg, "%s:%llu:%llu", r->client, (unsigned long long)r->nonce,
                         (unsigned long long)r->cursor++);
        unsigned int len = 32;
        HMAC(EVP_sha256(), r->key, (int)strlen(r->key), (unsigned char *)msg, (size_t)n, r->block,
             &len);
        r->used = 0;
    }
    const unsigned char *p = r->block + r->used;
    r->used += 4;
    return ((uint32_t)p[0] << 24) + ((uint32_t)p[1] << 16) + ((uint32_t)p[2] << 8) + p[3];
}

static uint32_t s_raw_uniform(raw_t *r, uint32_t n)
{
    uint64_t two32 = 4294967296ULL, limit = two32 - two32 % n;
    uint32_t u;
    do
        u = s_raw_u32(r);
    while (u >= limit);
    return u % n;
}

typedef struct {
    int rarity;
    int64_t item;
} raw_item_t;

static raw_item_t s_raw_pull(const gacha_banner_t *b, raw_t *r, uint32_t *count, bool *flag)
{
    uint64_t k = (uint64_t)*count + 1, top;
    if (k >= b->hard)
        top = 1000000;
    else if (k < b->soft)
        top = b->rar[0].probability;
    else
        top = b->rar[0].probability + (k - b->soft + 1) * b->step;
    if (top > 1000000) top = 1000000;
    int64_t rate[8];
    int64_t left = 1000000 - (int64_t)top;
    rate[0] = (int64_t)top;
    for (int i = 1; i < b->nrar; i++) {
        int64_t want = i == b->nrar - 1 ? left : b->rar[i].probability;
        rate[i] = want < left ? want : left;
        left -= rate[i];
    }
    int64_t x = s_raw_uniform(r, 1000000), run = 0;
    int rar = 0;
    while ((run += rate[rar]) <= x)
        rar++;
    const gacha_rarity_t *pool = &b->rar[rar];
    raw_item_t out = {rar, 0};
    if (rar == 0 && b->featured && *flag) {
        out.item = b->featured;
        *flag = false;
    } else if (rar == 0 && b->featured && s_raw_uniform(r, 2) == 0) {
        out.item = b->featured;
    } else if (rar == 0 && b->featured) {
        gacha_item_t others[64];
        uint32_t n = 0;
        for (uint32_t i = 0; i < pool->n; i++)
            if (pool->items[i].id != b->featured) others[n++] = pool->items[i];
        out.item = others[s_raw_uniform(r, n)].id;
        *flag = true;
    } else {
        out.item = pool->items[s_raw_uniform(r, pool->n)].id;
    }
    *count = rar == 0 ? 0 : *count + 1;
    return out;
}

static void s_compare_rounds(const gacha_banner_t *b, uint32_t start, int rounds)
{
    gacha_pity_t pity = {start, false};
    uint32_t count = start;
    bool flag = false;
    int tops = 0, lost = 0;
    for (int n = 0; n < rounds; n++) {
        club_fair_t f;
        club_fair_init(&f, SEED, CLIENT, (uint64_t)n);
        raw_t r = {.key = SEED, .client = CLIENT, .nonce = (uint64_t)n, .used = 32};
        for (int i = 0; i < GACHA_MAX_COUNT; i++) { /* a 10-pull per round */
            bool had = flag;
            gacha_draw_t d;
            gacha_pull(b, &f, &pity, &d);
            raw_item_t want = s_raw_pull(b, &r, &count, &flag);
            assert_int_equal(d.rarity, want.rarity);
            assert_int_equal(d.item->id, want.item);
            assert_int_equal(pity.count, count);
            assert_int_equal(pity.guaranteed, flag);
            tops += d.rarity == 0;
            lost += d.rarity == 0 && !had && flag;
        }
        /* both readers stand at the same place in the stream */
        assert_int_equal(club_fair_u32(&f), s_raw_u32(&r));
    }
    assert_true(tops > 0);
    if (b->featured) assert_true(lost > 0);
}

static void test_pulls_match_an_independent_reading_of_the_stream(void **state)
{
    (void)state;
    void (*seeded[])(gacha_banner_t *) = {gf_neon_katana, gf_chrome_standard, gf_gem_vault};
    for (int i = 0; i < 3; i++) {
        gacha_banner_t b;
        seeded[i](&b);
        s_compare_rounds(&b, 0, 600);
        s_compare_rounds(&b, b.soft - 1, 100); /* straight into soft pity */
        gacha_banner_free(&b);
    }
    gacha_banner_t b;
    const gf_rarity_t cut[] = {
        {"S", 500000, 3}, {"A", 300000, 7}, {"B", 150000, 5}, {"C", 50000, 11}};
    gf_banner(&b, "cut", cut, 4, 1, 6, 150000, 102);
    s_compare_rounds(&b, 0, 300);
    gacha_banner_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rates_at_every_k),
        cmocka_unit_test(test_top_rate_cap_and_soft_equal_hard),
        cmocka_unit_test(test_cumulative_cut),
        cmocka_unit_test(test_fifty_fifty_won),
        cmocka_unit_test(test_fifty_fifty_lost_then_guaranteed),
        cmocka_unit_test(test_top_item_without_featured),
        cmocka_unit_test(test_effective_against_markov_chain),
        cmocka_unit_test(test_banner_check_refusals),
        cmocka_unit_test(test_pulls_match_an_independent_reading_of_the_stream),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
