/* club-actor: one domain worker. `club-actor --domain wallet --shard 0 --shards 2` serves
 * the wallet for users with id % 2 == 0. Single-threaded; see lib/actor.h for the loop. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "domains.h"
#include "log.h"
#include "util.h"

typedef struct {
    const char *name;
    int (*init)(club_actor_spec_t *spec);
    void (*fini)(void);
    const char *what;
} domain_t;

static const domain_t s_domains[] = {
    {"auth", auth_init, auth_fini, "invites, registration, login, tokens, profile"},
    {"wallet", wallet_init, wallet_fini, "balances, ledger, daily bonus, settlement (sharded)"},
    {"games", games_init, games_fini,
     "provably fair seeds, slot, roulette, rock-paper-scissors, past rounds (sharded)"},
};

static void s_usage(void)
{
    printf("usage: club-actor --domain NAME [--shard I --shards N] [--help] [--version]\n\n"
           "Runs one worker of a domain. Domains:\n");
    for (size_t i = 0; i < CLUB_ARRAY_LEN(s_domains); i++)
        printf("  %-8s %s\n", s_domains[i].name, s_domains[i].what);
    printf("\nA sharded domain's worker I of N serves the users whose id %% N == I.\n\n"
           "environment:\n"
           "  CLUB_PG              libpq conninfo of the database (required)\n"
           "  CLUB_REDIS           host:port of Redis (default 127.0.0.1:6379)\n"
           "  CLUB_BROKER_FRONT / CLUB_BROKER_BACK / CLUB_EVENTS_IN   broker endpoints\n"
           "  CLUB_JWT_SECRET      HMAC key for access tokens (required by auth)\n"
           "  CLUB_JWT_KID         key id in the token header (default k1)\n"
           "  CLUB_ACCESS_TTL      access token lifetime in seconds (default 600)\n"
           "  CLUB_REFRESH_TTL     refresh token lifetime in seconds (default 2592000)\n"
           "  CLUB_WELCOME_COINS   coins granted on registration (default 10000)\n"
           "  CLUB_WALLET_BATCH    most settlements committed in one transaction (default 512)\n"
           "  CLUB_METRICS_PORT    serve /metrics and /healthz on 127.0.0.1:PORT (default off)\n"
           "  CLUB_CONFIG          file of KEY=VALUE lines read first\n"
           "  CLUB_LOG_LEVEL       debug|info|warn|error (default info)\n");
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"domain", required_argument, 0, 'd'}, {"shard", required_argument, 0, 's'},
        {"shards", required_argument, 0, 'n'}, {"help", no_argument, 0, 'h'},
        {"version", no_argument, 0, 'V'},      {0, 0, 0, 0}};
    const char *domain = NULL;
    int64_t shard = 0, shards = 1;
    int c;
    while ((c = getopt_long(argc, argv, "d:s:n:hV", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            domain = optarg;
            break;
        case 's':
            if (club_parse_i64(optarg, &shard)) shard = -1;
            break;
        case 'n':
            if (club_parse_i64(optarg, &shards)) shards = -1;
            break;
        case 'h':
            s_usage();
            return 0;
        case 'V':
            printf("club-actor %s\n", CLUB_VERSION);
            return 0;
        default:
            s_usage();
            return 2;
        }
    }
    if (shards < 1 || shard < 0 || shard >= shards) {
        fprintf(stderr, "club-actor: --shard must be in 0..N-1 and --shards N at least 1\n");
        return 2;
    }
    const domain_t *d = NULL;
    for (size_t i = 0; domain && i < CLUB_ARRAY_LEN(s_domains); i++)
        if (!strcmp(s_domains[i].name, domain)) d = &s_domains[i];
    if (!d) {
        fprintf(stderr, "club-actor: --domain must be one of auth, wallet, games (see --help)\n");
        return 2;
    }
    char proc[64];
    snprintf(proc, sizeof proc, "club-actor/%s/%lld", d->name, (long long)shard);
    club_log_init(club_strdup(proc));
    if (club_config_load() != 0) return 1;
    zsys_init();
    zsys_set_logstream(NULL);

    club_actor_spec_t spec = {
        .domain = d->name, .shard = (uint32_t)shard, .shards = (uint32_t)shards};
    if (d->init(&spec) != 0) return 1;
    club_actor_t *actor = club_actor_new(&spec);
    if (!actor) {
        d->fini();
        return 1;
    }
    int rc = club_actor_run(actor);
    club_actor_destroy(&actor);
    d->fini();
    return rc;
}
