#include "roulette.h"

#include <string.h>

#include "wire.h"

static const char *const s_types[RB__COUNT] = {"straight", "red",  "black", "odd",   "even",
                                               "low",      "high", "dozen", "column"};

const char *roulette_type_name(roulette_bet_type_t t)
{
    return t < RB__COUNT ? s_types[t] : "?";
}

int roulette_type_from_name(const char *s, size_t n)
{
    for (int i = 0; i < RB__COUNT; i++)
        if (strlen(s_types[i]) == n && !memcmp(s_types[i], s, n)) return i;
    return -1;
}

bool roulette_type_has_value(roulette_bet_type_t t, int *lo, int *hi)
{
    if (t == RB_STRAIGHT) {
        *lo = 0;
        *hi = 36;
        return true;
    }
    if (t == RB_DOZEN || t == RB_COLUMN) {
        *lo = 1;
        *hi = 3;
        return true;
    }
    return false;
}

bool roulette_is_red(int n)
{
    static const bool red[37] = {
        [1] = 1,  [3] = 1,  [5] = 1,  [7] = 1,  [9] = 1,  [12] = 1, [14] = 1, [16] = 1, [18] = 1,
        [19] = 1, [21] = 1, [23] = 1, [25] = 1, [27] = 1, [30] = 1, [32] = 1, [34] = 1, [36] = 1};
    return n >= 0 && n <= 36 && red[n];
}

const char *roulette_color(int n)
{
    return n == 0 ? "green" : roulette_is_red(n) ? "red" : "black";
}

int64_t roulette_payout(const roulette_bet_t *b, int n)
{
    bool win = false;
    int64_t mult = 2;
    switch (b->type) {
    case RB_STRAIGHT:
        win = n == b->value;
        mult = 36;
        break;
    case RB_RED:
        win = n != 0 && roulette_is_red(n);
        break;
    case RB_BLACK:
        win = n != 0 && !roulette_is_red(n);
        break;
    case RB_ODD:
        win = n != 0 && n % 2 == 1;
        break;
    case RB_EVEN:
        win = n != 0 && n % 2 == 0;
        break;
    case RB_LOW:
        win = n >= 1 && n <= 18;
        break;
    case RB_HIGH:
        win = n >= 19 && n <= 36;
        break;
    case RB_DOZEN:
        win = n != 0 && (n - 1) / 12 + 1 == b->value;
        mult = 3;
        break;
    case RB_COLUMN:
        win = n != 0 && (n - 1) % 3 + 1 == b->value;
        mult = 3;
        break;
    default:
        break;
    }
    return win ? b->amount * mult : 0;
}

int roulette_spin_number(club_fair_t *rng)
{
    return (int)club_fair_uniform(rng, ROULETTE_POCKETS);
}

void roulette_rtp_exact(roulette_bet_type_t t, int value, uint64_t *num, uint64_t *den)
{
    roulette_bet_t b = {t, value, 1};
    uint64_t sum = 0;
    for (int n = 0; n < ROULETTE_POCKETS; n++)
        sum += (uint64_t)roulette_payout(&b, n);
    *num = sum;
    *den = ROULETTE_POCKETS;
}
