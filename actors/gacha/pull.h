/* pull: the gacha rule of PROTOCOL.md ("Gacha, inventory, shop"), the one implementation the
 * worker, `club verify --game gacha` and `club sim --game gacha` share.
 *
 * A banner lists its rarities rarest first with probabilities in parts per million, a pool of
 * items per rarity in a fixed order, an optional featured item of the top rarity (listed in
 * the top pool too) and the pity {soft, hard, step} of the top rarity. The k-th pull after the
 * last top item (k = pity count + 1) uses the rates of gacha_rates_at(); a pull reads
 * r = uniform(1000000) and then, for its item, either nothing (a guaranteed featured item),
 * c = uniform(2) and perhaps uniform(others), or uniform(pool size). */
#ifndef CLUB_GACHA_PULL_H
#define CLUB_GACHA_PULL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fair.h"

#define GACHA_PPM          1000000u
#define GACHA_MAX_RARITIES 8
#define GACHA_NAME_MAX     48
#define GACHA_ID_MAX       32 /* banner ids: 1-32 of [A-Za-z0-9_] */
#define GACHA_MAX_COUNT    10 /* a 10-pull */

typedef struct {
    int64_t id;
    char name[GACHA_NAME_MAX];
} gacha_item_t;

typedef struct {
    char name[16];        /* LEGENDARY, EPIC, ... */
    uint32_t probability; /* base rate, ppm */
    uint32_t n;           /* pool size */
    gacha_item_t *items;  /* the pool in listed order; owned by the banner */
} gacha_rarity_t;

typedef struct {
    char id[GACHA_ID_MAX + 1];
    int version;
    char name[64];
    char cost_currency[8]; /* coins | gems */
    int64_t cost;          /* per pull */
    int nrar;
    gacha_rarity_t rar[GACHA_MAX_RARITIES]; /* rarest first: rar[0] is the top rarity */
    int64_t featured;                       /* an item id of the top pool, or 0 */
    uint32_t soft, hard, step;
} gacha_banner_t;

/* Per user per banner: pulls since the last top item, and whether the next top item is the
 * featured one (set by a lost 50/50). */
typedef struct {
    uint32_t count;
    bool guaranteed;
} gacha_pity_t;

typedef struct {
    int rarity;               /* index into banner->rar */
    const gacha_item_t *item; /* points into the banner's pool */
    uint32_t pity_before;     /* the pity count before this pull */
    bool featured;            /* the banner's featured item */
} gacha_draw_t;

/* Frees the pools (not b itself) and zeroes it. */
void gacha_banner_free(gacha_banner_t *b);

/* 0 when the banner can be pulled: 2..8 rarities whose probabilities sum to 1,000,000, every
 * pool non-empty, 1 <= soft <= hard, featured (if any) in the top pool beside at least one
 * other top item. Else -1 with a sentence in err. */
int gacha_banner_check(const gacha_banner_t *b, char *err, size_t errlen);

/* The top rarity's rate on the k-th pull (k >= 1), ppm. */
uint32_t gacha_top_rate(const gacha_banner_t *b, uint32_t k);

/* Every rarity's rate on the k-th pull, rarest first; they sum to 1,000,000. */
void gacha_rates_at(const gacha_banner_t *b, uint32_t k, uint32_t out[GACHA_MAX_RARITIES]);

/* One pull from rng with the user's pity, which it updates. */
void gacha_pull(const gacha_banner_t *b, club_fair_t *rng, gacha_pity_t *pity, gacha_draw_t *out);

/* E: the expected number of pulls to a top item from a count of 0 (PROTOCOL.md). */
double gacha_expected_pulls(const gacha_banner_t *b);

/* `effective` of PROTOCOL.md: 1,000,000 / E rounded to the nearest integer. */
uint32_t gacha_effective_ppm(const gacha_banner_t *b);

#endif
