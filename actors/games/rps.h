/* rps: rock-paper-scissors against the house. house = uniform(3): 0 rock, 1 paper,
 * 2 scissors. A win returns floor(bet * 194 / 100), a draw returns the bet, a loss 0. */
#ifndef CLUB_RPS_H
#define CLUB_RPS_H

#include <stdint.h>

#include "fair.h"

enum { RPS_ROCK, RPS_PAPER, RPS_SCISSORS };
enum { RPS_LOSE, RPS_DRAW, RPS_WIN };

const char *rps_choice_name(int c);
int rps_choice_from_name(const char *s, size_t n); /* -1 when unknown */
const char *rps_result_name(int r);

int rps_house(club_fair_t *rng);
/* Outcome for the player's choice against the house's. */
int rps_result(int player, int house);
int64_t rps_payout(int result, int64_t bet);

/* Exact RTP for a bet where 194/100 divides evenly: (1.94 + 1 + 0) / 3 = 294/300. */
void rps_rtp_exact(uint64_t *num, uint64_t *den);

#endif
