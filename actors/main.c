/* club-actor: one domain worker. `club-actor --domain wallet --shard 0 --shards 2` serves
 * the wallet for users with id % 2 == 0. Single-threaded; see lib/actor.h for the loop.
 *
 * The domains are the folders under actors/ (generated/domains.inc) and their handlers come
 * from schemas/ops.json (generated/op_handlers.inc): nothing here names a domain. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "curve.h"
#include "domains.h"
#include "log.h"
#include "util.h"

#include "domains.inc"
#include "op_handlers.inc"

static void s_usage(void)
{
    printf("usage: club-actor --domain NAME [--shard I --shards N] [--help] [--version]\n"
           "       club-actor --list\n\n"
           "Runs one worker of a domain. Domains:\n");
    for (size_t i = 0; i < CLUB_ARRAY_LEN(s_domains); i++)
        printf("  %-10s %s\n", s_domains[i]->name, s_domains[i]->what);
    printf("\nA sharded domain's worker I of N serves the users whose id %% N == I.\n"
           "--list prints each domain with the workers ./club starts by default (NAME:N).\n\n"
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

/* The default worker set, one word per domain: what ./club starts when CLUB_ACTORS is unset. */
static void s_list(void)
{
    for (size_t i = 0; i < CLUB_ARRAY_LEN(s_domains); i++) {
        const club_domain_t *d = s_domains[i];
        if (d->shards > 1)
            printf("%s:%u\n", d->name, d->shards);
        else
            printf("%s\n", d->name);
    }
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {{"domain", required_argument, 0, 'd'},
                                         {"shard", required_argument, 0, 's'},
                                         {"shards", required_argument, 0, 'n'},
                                         {"list", no_argument, 0, 'l'},
                                         {"help", no_argument, 0, 'h'},
                                         {"version", no_argument, 0, 'V'},
                                         {0, 0, 0, 0}};
    const char *domain = NULL;
    int64_t shard = 0, shards = 1;
    int c;
    while ((c = getopt_long(argc, argv, "d:s:n:lhV", opts, NULL)) != -1) {
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
        case 'l':
            s_list();
            return 0;
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
    const club_domain_t *d = NULL;
    for (size_t i = 0; domain && i < CLUB_ARRAY_LEN(s_domains); i++)
        if (!strcmp(s_domains[i]->name, domain)) d = s_domains[i];
    if (!d) {
        fprintf(stderr, "club-actor: --domain must be one of");
        for (size_t i = 0; i < CLUB_ARRAY_LEN(s_domains); i++)
            fprintf(stderr, " %s", s_domains[i]->name);
        fprintf(stderr, " (see --help)\n");
        return 2;
    }
    char proc[64];
    snprintf(proc, sizeof proc, "club-actor/%s/%lld", d->name, (long long)shard);
    club_log_init(club_strdup(proc));
    if (club_config_load() != 0) return 1;
    zsys_init();
    zsys_set_logstream(NULL);
    if (club_curve_init(CLUB_ROLE_WORKER) != 0) return 1;

    if (d->init && d->init() != 0) return 1;
    club_actor_spec_t spec = {.domain = d,
                              .handlers = s_op_handlers,
                              .nhandlers = CLUB_ARRAY_LEN(s_op_handlers),
                              .shard = (uint32_t)shard,
                              .shards = (uint32_t)shards};
    club_actor_t *actor = club_actor_new(&spec);
    int rc = 1;
    if (actor) {
        rc = club_actor_run(actor);
        club_actor_destroy(&actor);
    }
    if (d->fini) d->fini();
    club_curve_fini();
    return rc;
}
