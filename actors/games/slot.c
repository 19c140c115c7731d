#include "slot.h"

#include "wire.h"

enum {
    W = SYM_WILD,
    S7 = SYM_SEVEN,
    BR = SYM_BAR,
    BL = SYM_BELL,
    CH = SYM_CHERRY,
    LM = SYM_LEMON,
    GR = SYM_GRAPE
};

static const char *const s_names[SYM__COUNT] = {"WILD",   "SEVEN", "BAR",  "BELL",
                                                "CHERRY", "LEMON", "GRAPE"};

/* Strips differ per reel (lengths 28..33) so the top symbols get rarer towards reel 4. */
static const uint8_t s_reel0[] = {LM, GR, LM, GR, CH, LM, CH, GR, CH, BL, LM, GR, BL, LM,
                                  CH, BL, S7, GR, CH, GR, W,  BR, LM, GR, BR, GR, LM, GR};
static const uint8_t s_reel1[] = {GR, BR, CH, GR, W,  LM, GR, LM, GR, CH, GR, BL, LM, GR, BR,
                                  GR, S7, LM, CH, LM, BL, GR, BL, CH, GR, CH, LM, GR, LM};
static const uint8_t s_reel2[] = {W,  BL, GR, LM, CH, GR, BR, GR, LM, GR, BR, GR, LM, BL, LM,
                                  GR, LM, CH, GR, CH, GR, BL, GR, LM, S7, CH, GR, LM, CH, BL};
static const uint8_t s_reel3[] = {BL, CH, BR, GR, W,  LM, GR, LM, GR, BL, S7, CH, GR, S7, GR, BL,
                                  GR, CH, GR, LM, BR, LM, CH, GR, LM, BL, GR, LM, CH, LM, GR, LM};
static const uint8_t s_reel4[] = {CH, BR, GR, CH, GR, W,  CH, GR, LM, S7, GR,
                                  BL, LM, CH, GR, BR, GR, LM, GR, LM, GR, BL,
                                  BR, BL, LM, GR, CH, LM, CH, LM, GR, BL, LM};

static const uint8_t s_lines[SLOT_LINES][SLOT_REELS] = {
    {1, 1, 1, 1, 1}, {0, 0, 0, 0, 0}, {2, 2, 2, 2, 2}, {0, 1, 2, 1, 0}, {2, 1, 0, 1, 2},
    {0, 0, 1, 2, 2}, {2, 2, 1, 0, 0}, {1, 0, 0, 0, 1}, {1, 2, 2, 2, 1}, {0, 1, 1, 1, 0},
};

static const slot_pay_t s_pays[] = {
    {W, 5, 1000}, {S7, 3, 50}, {S7, 4, 200}, {S7, 5, 1000}, {BR, 3, 25}, {BR, 4, 100}, {BR, 5, 400},
    {BL, 3, 15},  {BL, 4, 50}, {BL, 5, 200}, {CH, 3, 10},   {CH, 4, 30}, {CH, 5, 100}, {LM, 3, 5},
    {LM, 4, 12},  {LM, 5, 50}, {GR, 3, 4},   {GR, 4, 10},   {GR, 5, 40},
};

static const slot_def_t s_default = {
    .strips = {s_reel0, s_reel1, s_reel2, s_reel3, s_reel4},
    .lens = {sizeof s_reel0, sizeof s_reel1, sizeof s_reel2, sizeof s_reel3, sizeof s_reel4},
    .lines = s_lines,
    .nlines = SLOT_LINES,
    .pays = s_pays,
    .npays = sizeof s_pays / sizeof s_pays[0],
};

const slot_def_t *slot_default(void)
{
    return &s_default;
}

const char *slot_symbol_name(uint8_t sym)
{
    return sym < SYM__COUNT ? s_names[sym] : "?";
}

uint32_t slot_multiplier(const slot_def_t *def, uint8_t sym, uint8_t count)
{
    for (size_t i = 0; i < def->npays; i++)
        if (def->pays[i].symbol == sym && def->pays[i].count == count)
            return def->pays[i].multiplier;
    return 0;
}

void slot_line_run(const uint8_t syms[SLOT_REELS], uint8_t *symbol, uint8_t *count)
{
    uint8_t j = 0;
    while (j < SLOT_REELS && syms[j] == SYM_WILD)
        j++;
    if (j == SLOT_REELS) {
        *symbol = SYM_WILD;
        *count = SLOT_REELS;
        return;
    }
    uint8_t s = syms[j], c = j;
    while (c < SLOT_REELS && (syms[c] == s || syms[c] == SYM_WILD))
        c++;
    *symbol = s;
    *count = c;
}

void slot_evaluate(const slot_def_t *def, const uint32_t stops[SLOT_REELS], int64_t bet,
                   slot_result_t *out)
{
    out->nwins = 0;
    out->win = 0;
    for (int r = 0; r < SLOT_REELS; r++) {
        out->stops[r] = stops[r];
        for (int row = 0; row < SLOT_ROWS; row++)
            out->grid[r][row] = def->strips[r][(stops[r] + (uint32_t)row) % def->lens[r]];
    }
    for (uint32_t l = 0; l < def->nlines; l++) {
        uint8_t syms[SLOT_REELS], sym, count;
        for (int r = 0; r < SLOT_REELS; r++)
            syms[r] = out->grid[r][def->lines[l][r]];
        slot_line_run(syms, &sym, &count);
        uint32_t m = count >= 3 ? slot_multiplier(def, sym, count) : 0;
        if (!m) continue;
        int64_t w = bet * (int64_t)m / (int64_t)def->nlines;
        if (w <= 0) continue;
        out->wins[out->nwins++] = (slot_line_win_t){(uint8_t)l, sym, count, w};
        out->win += w;
    }
}

void slot_spin(const slot_def_t *def, club_fair_t *rng, int64_t bet, slot_result_t *out)
{
    uint32_t stops[SLOT_REELS];
    for (int r = 0; r < SLOT_REELS; r++)
        stops[r] = club_fair_uniform(rng, def->lens[r]);
    slot_evaluate(def, stops, bet, out);
}

/* Walks every tuple of one symbol per reel, weighted by how often each reel holds it:
 * 7^5 tuples instead of the product of the strip lengths. */
double slot_rtp_exact(const slot_def_t *def, uint64_t *num, uint64_t *den)
{
    uint64_t counts[SLOT_REELS][SYM__COUNT] = {{0}};
    uint64_t d = 1;
    for (int r = 0; r < SLOT_REELS; r++) {
        for (uint32_t i = 0; i < def->lens[r]; i++)
            counts[r][def->strips[r][i]]++;
        d *= def->lens[r];
    }
    uint64_t n = 0;
    uint8_t t[SLOT_REELS];
    for (uint32_t code = 0; code < 16807; code++) { /* 7^5 */
        uint32_t c = code;
        uint64_t w = 1;
        for (int r = 0; r < SLOT_REELS; r++) {
            t[r] = (uint8_t)(c % SYM__COUNT);
            c /= SYM__COUNT;
            w *= counts[r][t[r]];
        }
        if (!w) continue;
        uint8_t sym, count;
        slot_line_run(t, &sym, &count);
        n += w * (count >= 3 ? slot_multiplier(def, sym, count) : 0);
    }
    if (num) *num = n;
    if (den) *den = d;
    return (double)n / (double)d;
}
