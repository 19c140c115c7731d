/* gacha_fixture: banners built in memory for the gacha unit tests: the three of
 * migrations/005_gacha.sql, value for value, and any other from its numbers. */
#ifndef CLUB_GACHA_FIXTURE_H
#define CLUB_GACHA_FIXTURE_H

#include <stdint.h>

#include "pull.h"

/* rarities rarest first: name, probability (ppm) and pool size; the pool of rarity i holds
 * the items 100 * (i + 1) + 1, + 2, ... named "<RARITY> <id>". featured is an item id of the
 * top pool, or 0. Free with gacha_banner_free. */
typedef struct {
    const char *name;
    uint32_t probability, n;
} gf_rarity_t;

void gf_banner(gacha_banner_t *b, const char *id, const gf_rarity_t *rar, int nrar, uint32_t soft,
               uint32_t hard, uint32_t step, int64_t featured);

/* The seeded banners, as migrations/005_gacha.sql writes version 1 of them. */
void gf_neon_katana(gacha_banner_t *b);
void gf_chrome_standard(gacha_banner_t *b);
void gf_gem_vault(gacha_banner_t *b);

#endif
