/* stakes: the bets a rank may place, one table for every game (docs/PROTOCOL.md's table).
 * A bet (each roulette bet, a slot or rps stake) is min..max coins; a roulette spin's bets
 * total at most table_max. The slot also needs its bet to be a multiple of its paylines. */
#ifndef CLUB_STAKES_H
#define CLUB_STAKES_H

#include <stdint.h>

typedef struct {
    int64_t min, max, table_max;
} game_limits_t;

/* The limits of a rank (CLUB_RANK_*); an unknown rank gets STANDARD's. */
const game_limits_t *game_limits(int rank);

#endif
