#include "ops.h"

#include <string.h>

static const club_op_t s_ops[] = {
    {"sys.ping", "sys", CLUB_OP_PUBLIC},
    {"auth.register", "auth", CLUB_OP_PUBLIC},
    {"auth.login", "auth", CLUB_OP_PUBLIC},
    {"auth.token", "auth", CLUB_OP_PUBLIC},
    {"auth.refresh", "auth", CLUB_OP_PUBLIC},
    {"auth.logout", "auth", 0},
    {"profile.get", "auth", 0},
    {"wallet.balance", "wallet", 0},
    {"wallet.history", "wallet", 0},
    {"wallet.daily_bonus", "wallet", CLUB_OP_IDEM},
    {"wallet.settle", "wallet", CLUB_OP_INTERNAL},
    {"fair.seeds", "games", 0},
    {"fair.rotate", "games", 0},
    {"slot.info", "games", 0},
    {"slot.spin", "games", CLUB_OP_IDEM},
    {"roulette.info", "games", 0},
    {"roulette.spin", "games", CLUB_OP_IDEM},
    {"rps.info", "games", 0},
    {"rps.play", "games", CLUB_OP_IDEM},
    {"game.round", "games", 0},
};

const club_op_t *club_op_find(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof s_ops / sizeof s_ops[0]; i++)
        if (strlen(s_ops[i].name) == len && !memcmp(s_ops[i].name, name, len)) return &s_ops[i];
    return NULL;
}

const club_op_t *club_op_all(size_t *n)
{
    *n = sizeof s_ops / sizeof s_ops[0];
    return s_ops;
}
