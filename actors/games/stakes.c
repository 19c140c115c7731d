#include "stakes.h"

#include "wire.h"

static const game_limits_t s_standard = {10, 500, 2000};
static const game_limits_t s_premium = {10, 2000, 10000};
static const game_limits_t s_vip = {10, 10000, 50000};

const game_limits_t *game_limits(int rank)
{
    switch (rank) {
    case CLUB_RANK_VIP:
        return &s_vip;
    case CLUB_RANK_PREMIUM:
        return &s_premium;
    default:
        return &s_standard;
    }
}
