#include "rps.h"

#include <string.h>

#include "wire.h"

static const char *const s_choices[3] = {"rock", "paper", "scissors"};
static const char *const s_results[3] = {"lose", "draw", "win"};

const char *rps_choice_name(int c)
{
    return c >= 0 && c < 3 ? s_choices[c] : "?";
}

int rps_choice_from_name(const char *s, size_t n)
{
    for (int i = 0; i < 3; i++)
        if (strlen(s_choices[i]) == n && !memcmp(s_choices[i], s, n)) return i;
    return -1;
}

const char *rps_result_name(int r)
{
    return r >= 0 && r < 3 ? s_results[r] : "?";
}

int rps_house(club_fair_t *rng)
{
    return (int)club_fair_uniform(rng, 3);
}

int rps_result(int player, int house)
{
    if (player == house) return RPS_DRAW;
    /* paper beats rock, scissors beat paper, rock beats scissors: each beats the one before */
    return (player + 2) % 3 == house ? RPS_WIN : RPS_LOSE;
}

int64_t rps_payout(int result, int64_t bet)
{
    if (result == RPS_WIN) return bet * 194 / 100;
    if (result == RPS_DRAW) return bet;
    return 0;
}

void rps_rtp_exact(uint64_t *num, uint64_t *den)
{
    /* Over the 3 equally likely house choices, per unit bet of 100. */
    uint64_t sum = 0;
    for (int h = 0; h < 3; h++)
        sum += (uint64_t)rps_payout(rps_result(RPS_ROCK, h), 100);
    *num = sum;
    *den = 300;
}
