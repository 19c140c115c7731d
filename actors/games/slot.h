/* slot: the five-reel video slot. Pure game math, no I/O: the games worker, `club verify`,
 * `club sim` and the tests all run exactly this code.
 *
 * Rules (PROTOCOL.md): reel i stops at uniform(len of strip i) from the fair stream, the
 * visible column is strip positions s, s+1, s+2 (mod len). A payline names one row per reel;
 * it pays on its longest run from reel 0 of one symbol, WILD standing for any other. Since a
 * run that meets a non-wild symbol is always longer than the wilds before it, the line's
 * symbol is its first non-WILD symbol and the run is the prefix of that symbol or WILD (five
 * WILDs are a WILD run). A run of count >= 3 pays floor(bet * multiplier / paylines). */
#ifndef CLUB_SLOT_H
#define CLUB_SLOT_H

#include <stddef.h>
#include <stdint.h>

#include "fair.h"

#define SLOT_REELS 5
#define SLOT_ROWS  3
#define SLOT_LINES 10

enum { SYM_WILD, SYM_SEVEN, SYM_BAR, SYM_BELL, SYM_CHERRY, SYM_LEMON, SYM_GRAPE, SYM__COUNT };

typedef struct {
    uint8_t symbol;
    uint8_t count;
    uint32_t multiplier;
} slot_pay_t;

typedef struct {
    const uint8_t *strips[SLOT_REELS];
    uint32_t lens[SLOT_REELS];
    const uint8_t (*lines)[SLOT_REELS]; /* row per reel, 0 = top */
    uint32_t nlines;
    const slot_pay_t *pays;
    size_t npays;
} slot_def_t;

typedef struct {
    uint8_t line, symbol, count;
    int64_t win;
} slot_line_win_t;

typedef struct {
    uint32_t stops[SLOT_REELS];
    uint8_t grid[SLOT_REELS][SLOT_ROWS]; /* grid[reel][row] */
    slot_line_win_t wins[SLOT_LINES];
    uint32_t nwins;
    int64_t win;
} slot_result_t;

const slot_def_t *slot_default(void);
const char *slot_symbol_name(uint8_t sym);

/* Multiplier for a run of `count` of `sym`, 0 when the paytable has none. */
uint32_t slot_multiplier(const slot_def_t *def, uint8_t sym, uint8_t count);

/* The line's symbol and run length, per the rule above. */
void slot_line_run(const uint8_t syms[SLOT_REELS], uint8_t *symbol, uint8_t *count);

/* Outcome of given stops (used by the spin, the verifier and full enumeration). */
void slot_evaluate(const slot_def_t *def, const uint32_t stops[SLOT_REELS], int64_t bet,
                   slot_result_t *out);
/* Draws the stops from the fair stream, then evaluates. */
void slot_spin(const slot_def_t *def, club_fair_t *rng, int64_t bet, slot_result_t *out);

/* Exact theoretical RTP as num/den, from each reel's symbol counts. Every payline sees each
 * reel's strip uniformly whatever its row, so every line has the same distribution and the
 * RTP is the expected multiplier of one line. */
double slot_rtp_exact(const slot_def_t *def, uint64_t *num, uint64_t *den);

#endif
