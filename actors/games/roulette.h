/* roulette: European single zero, 37 pockets. Pure game math (see slot.h for why).
 * number = uniform(37); a winning bet returns amount x 36 (straight), x 3 (dozen, column) or
 * x 2 (red, black, odd, even, low, high); 0 loses every bet but a straight on 0. */
#ifndef CLUB_ROULETTE_H
#define CLUB_ROULETTE_H

#include <stdbool.h>
#include <stdint.h>

#include "fair.h"

#define ROULETTE_POCKETS  37
#define ROULETTE_MAX_BETS 40

typedef enum {
    RB_STRAIGHT,
    RB_RED,
    RB_BLACK,
    RB_ODD,
    RB_EVEN,
    RB_LOW,
    RB_HIGH,
    RB_DOZEN,
    RB_COLUMN,
    RB__COUNT
} roulette_bet_type_t;

typedef struct {
    roulette_bet_type_t type;
    int value; /* straight 0-36, dozen/column 1-3, else 0 */
    int64_t amount;
} roulette_bet_t;

const char *roulette_type_name(roulette_bet_type_t t);
/* -1 when unknown. */
int roulette_type_from_name(const char *s, size_t n);
/* Whether the type takes a value, and its allowed range. */
bool roulette_type_has_value(roulette_bet_type_t t, int *lo, int *hi);

bool roulette_is_red(int number);
const char *roulette_color(int number); /* "green", "red" or "black" */

/* What the bet returns for this number (stake included), 0 when it loses. */
int64_t roulette_payout(const roulette_bet_t *bet, int number);

int roulette_spin_number(club_fair_t *rng);

/* Exact theoretical RTP of one bet of this type and value: sum of payouts over the 37
 * pockets / (37 x amount), as num/den. Every type is 36/37. */
void roulette_rtp_exact(roulette_bet_type_t t, int value, uint64_t *num, uint64_t *den);

#endif
