#include "fairplay.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bannerfile.h"
#include "fair.h"
#include "gsim.h"
#include "pull.h"
#include "roulette.h"
#include "rps.h"
#include "sim.h"
#include "slot.h"
#include "store.h"
#include "tool.h"
#include "util.h"
#include "wire.h"

const char FAIRPLAY_VERIFY_HELP[] =
    "usage: club verify --game slot|roulette|rps --server-seed S --client-seed C --nonce N\n"
    "                   [--bet B] [--choice rock|paper|scissors] [--bets SLIP]\n"
    "       club verify --game gacha --server-seed S --client-seed C --nonce N\n"
    "                   --banner ID [--version V] | --banner-file FILE\n"
    "                   --pity K [--guaranteed] [--count 1..10]\n"
    "\n"
    "Recomputes one round from its seeds, with the server's own game code and no server:\n"
    "after fair.rotate reveals a server seed, any past round under it can be checked.\n"
    "Prints the seed's SHA-256 (compare it with the server_seed_hash shown before the round)\n"
    "and the outcome.\n"
    "\n"
    "  --game G          slot, roulette, rps or gacha\n"
    "  --server-seed S   the revealed server seed (64 hex characters)\n"
    "  --client-seed C   the client seed of the round\n"
    "  --nonce N         the round's nonce\n"
    "  --bet B           slot and rps: the bet, to show the win (default: the minimum, 10)\n"
    "  --choice X        rps: the player's choice, to show the result\n"
    "  --bets SLIP       roulette: bets to settle, e.g. red:100,straight:17:10,dozen:2:50\n"
    "\n"
    "gacha: prints each item of the round (index, rarity, item id, name, pity before it,\n"
    "featured and how) and the pity after it.\n"
    "  --banner ID       the banner, read from the stack's Postgres (CLUB_PG; ./club loads\n"
    "                    the stack's stack.env and needs its Postgres running)\n"
    "  --version V       the banner version the round names (default: the current one)\n"
    "  --banner-file F   instead of --banner: the JSON banner object gacha.banner returns,\n"
    "                    so no database is needed; its effective, if present, is checked\n"
    "  --pity K          the pity count before the round (pity_before of its first item)\n"
    "  --guaranteed      the guarantee was set before the round (the last 50/50 was lost)\n"
    "  --count N         pulls in the round: 1 (default) or 10\n";

const char FAIRPLAY_SIM_HELP[] =
    "usage: club sim --game slot|roulette|rps [--rounds N] [--threads T]\n"
    "                [--server-seed S] [--client-seed C]\n"
    "       club sim --game gacha --banner ID [--version V] | --banner-file FILE\n"
    "                [--pulls N] [--threads T] [--server-seed S] [--client-seed C]\n"
    "\n"
    "Plays N rounds through the server's game code from one random seed pair (or the one\n"
    "given) and reports what a certifying lab checks: the exact theoretical RTP (the slot's by\n"
    "full enumeration of every combination of reel stops), observed RTP with its 99% confidence\n"
    "interval, hit frequency, largest win, and at 99% confidence: chi-square of each reel's\n"
    "stops (slot), of the pockets (roulette) or of the house's choices (rps), a runs test on\n"
    "the hit/miss stream and the lag-1 serial correlation of the outcomes.\n"
    "Exits 0 when every test passes and the theoretical RTP lies inside the interval, else 1.\n"
    "\n"
    "  --rounds N    rounds to play (default 1000000)\n"
    "  --threads T   worker threads (default: the number of cores)\n"
    "  --exact-only  print the theoretical RTP and stop\n"
    "\n"
    "gacha: plays N single pulls, one per nonce; each thread plays its own range of nonces\n"
    "as one player from pity 0, carrying pity and the guarantee. Reports each rarity's rate\n"
    "against the disclosed one with a chi-square test conditioned on the pity state (the\n"
    "pulls at k < soft against the base rates, each k from soft to hard against its own),\n"
    "chi-square of the items within each pool, the pulls to a top item (mean, p50, p90, p99,\n"
    "max) beside the exact law, the longest run without one (under hard), top items per pull\n"
    "against 1/E and the disclosed effective with a 99% interval (renewal CLT), and on a\n"
    "banner with featured the featured share of top items against its exact 2/3, the\n"
    "50/50s and the guarantee. Exits 0 when every check passes at 99%, else 1.\n"
    "  --banner ID       the banner, read from the stack's Postgres (CLUB_PG)\n"
    "  --version V       its version (default: the current one)\n"
    "  --banner-file F   instead of --banner: the JSON banner object gacha.banner returns\n"
    "  --pulls N         pulls to play, 100 to 10000000000 (default 10000000: enough top items\n"
    "                    for the pity states past soft to be tested)\n"
    "  --exact-only      print the exact values and stop\n"
    "  --threads T, --server-seed S, --client-seed C   as for the other games\n";

static int s_game(const char *s)
{
    if (!strcmp(s, "slot")) return SIM_SLOT;
    if (!strcmp(s, "roulette")) return SIM_ROULETTE;
    if (!strcmp(s, "rps")) return SIM_RPS;
    return -1;
}

/* "red:100,straight:17:10" -> bets. Returns the count, or -1 with a message printed. */
static int s_parse_slip(const char *slip, roulette_bet_t *bets, int max)
{
    char *copy = club_strdup(slip), *save = NULL;
    int n = 0;
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        char *parts[3] = {0};
        int np = 0;
        char *s2 = NULL;
        for (char *p = strtok_r(tok, ":", &s2); p && np < 3; p = strtok_r(NULL, ":", &s2))
            parts[np++] = p;
        int type = np ? roulette_type_from_name(parts[0], strlen(parts[0])) : -1;
        int lo, hi;
        int64_t v = 0, amount = 0;
        bool has = type >= 0 && roulette_type_has_value((roulette_bet_type_t)type, &lo, &hi);
        if (type < 0 || n >= max || np != (has ? 3 : 2) ||
            (has && (club_parse_i64(parts[1], &v) || v < lo || v > hi)) ||
            club_parse_i64(parts[np - 1], &amount) || amount <= 0) {
            fprintf(stderr, "verify: cannot read bet '%s' (use type:amount or type:value:amount)\n",
                    tok);
            free(copy);
            return -1;
        }
        bets[n++] = (roulette_bet_t){(roulette_bet_type_t)type, (int)v, amount};
    }
    free(copy);
    return n;
}

/* ctx names what is counted: "rounds" or "pulls". */
static void s_progress(uint64_t done, uint64_t total, void *ctx)
{
    fprintf(stderr, "\r  %llu / %llu %s (%.0f%%)", (unsigned long long)done,
            (unsigned long long)total, (const char *)ctx, 100.0 * (double)done / (double)total);
    fflush(stderr);
}

static void s_print_tests(const stats_test_t *tests, int n)
{
    int w = 30; /* the names' column, as wide as the longest */
    for (int i = 0; i < n; i++)
        if ((int)strlen(tests[i].name) > w) w = (int)strlen(tests[i].name);
    printf("tests at 99%% confidence (pass when p >= 0.01):\n");
    for (int i = 0; i < n; i++) {
        const stats_test_t *t = &tests[i];
        if (t->df)
            printf("  %-*s chi2 %10.2f  df %3d  p %.4f  %s\n", w, t->name, t->stat, t->df, t->p,
                   t->pass ? "pass" : "FAIL");
        else
            printf("  %-*s %s %+9.5f          p %.4f  %s\n", w, t->name,
                   strstr(t->name, "serial") ? "r   " : "z   ", t->stat, t->p,
                   t->pass ? "pass" : "FAIL");
    }
}

/* --- gacha --------------------------------------------------------------------------- */

/* Whether argv asks for --game gacha: its options differ, so it has a parser of its own. */
static bool s_is_gacha(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--game=gacha")) return true;
        if (!strcmp(argv[i], "--game") && i + 1 < argc) return !strcmp(argv[i + 1], "gacha");
    }
    return false;
}

/* Where a banner comes from: the database (id, version) or a file. */
typedef struct {
    const char *id, *file;
    int64_t version; /* 0: the current one */
} banner_src_t;

/* Loads and checks the banner; prints why not and returns -1. *effective gets the file's
 * disclosed effective, or -1. */
static int s_load_banner(const char *cmd, const banner_src_t *src, gacha_banner_t *b,
                         int64_t *effective)
{
    char err[512];
    *effective = -1;
    if (!src->id == !src->file) {
        fprintf(stderr, "%s: give --banner ID (read from Postgres) or --banner-file FILE\n", cmd);
        return -1;
    }
    if (src->file) {
        if (gacha_banner_read_file(src->file, b, effective, err, sizeof err) != 0) {
            fprintf(stderr, "%s: %s\n", cmd, err);
            return -1;
        }
        if (src->version && src->version != b->version) {
            fprintf(stderr, "%s: %s holds version %d of banner %s, not %lld\n", cmd, src->file,
                    b->version, b->id, (long long)src->version);
            gacha_banner_free(b);
            return -1;
        }
        return 0;
    }
    PGconn *conn = tool_pg_connect();
    if (!conn) return -1;
    int rc = gacha_banner_load(conn, src->id, (int)src->version, b, err, sizeof err);
    PQfinish(conn);
    if (rc != 0) {
        fprintf(stderr, "%s: %s\n", cmd, err);
        return -1;
    }
    if (gacha_banner_check(b, err, sizeof err) != 0) {
        fprintf(stderr, "%s: %s; it cannot be pulled as stored\n", cmd, err);
        gacha_banner_free(b);
        return -1;
    }
    return 0;
}

static void s_print_banner(const gacha_banner_t *b)
{
    printf("banner              %s version %d, \"%s\", %lld %s a pull\n", b->id, b->version,
           b->name, (long long)b->cost, b->cost_currency);
    printf("rates (ppm)        ");
    for (int i = 0; i < b->nrar; i++)
        printf(" %s %u (%u items)", b->rar[i].name, b->rar[i].probability, b->rar[i].n);
    printf("\npity                soft %u, hard %u, step %u ppm\n", b->soft, b->hard, b->step);
    for (uint32_t i = 0; b->featured && i < b->rar[0].n; i++)
        if (b->rar[0].items[i].id == b->featured)
            printf("featured            %lld %s (50/50 with guarantee)\n", (long long)b->featured,
                   b->rar[0].items[i].name);
}

/* The file's disclosed effective against the rule's; false when they differ. */
static bool s_check_effective(const gacha_banner_t *b, int64_t disclosed)
{
    uint32_t eff = gacha_effective_ppm(b);
    if (disclosed < 0) return true;
    printf("effective (file)    %lld ppm: %s the rule's %u\n", (long long)disclosed,
           disclosed == eff ? "equals" : "DIFFERS FROM", eff);
    return disclosed == eff;
}

static const struct option s_gacha_opts[] = {{"game", required_argument, 0, 'g'},
                                             {"server-seed", required_argument, 0, 's'},
                                             {"client-seed", required_argument, 0, 'c'},
                                             {"nonce", required_argument, 0, 'n'},
                                             {"banner", required_argument, 0, 'b'},
                                             {"version", required_argument, 0, 'v'},
                                             {"banner-file", required_argument, 0, 'f'},
                                             {"pity", required_argument, 0, 'p'},
                                             {"guaranteed", no_argument, 0, 'G'},
                                             {"count", required_argument, 0, 'N'},
                                             {"pulls", required_argument, 0, 'P'},
                                             {"threads", required_argument, 0, 't'},
                                             {"exact-only", no_argument, 0, 'e'},
                                             {"help", no_argument, 0, 'h'},
                                             {0, 0, 0, 0}};

typedef struct {
    const char *ss, *cs;
    banner_src_t src;
    int64_t nonce, pity, count, pulls, threads;
    bool guaranteed, exact_only;
} gacha_args_t;

/* Parses the gacha options of verify (sim = false) or sim. Returns 0, or the exit code. */
static int s_gacha_args(int argc, char **argv, bool sim, gacha_args_t *a)
{
    const char *cmd = sim ? "sim" : "verify";
    const char *help = sim ? FAIRPLAY_SIM_HELP : FAIRPLAY_VERIFY_HELP;
    /* verify alone takes --nonce, --pity, --guaranteed and --count; sim alone --pulls,
     * --threads and --exact-only */
    const char *theirs = sim ? "npGN" : "Pte";
    int c, at;
    while ((c = getopt_long(argc, argv, "", s_gacha_opts, &at)) != -1) {
        const char *bad = NULL;
        if (c != '?' && strchr(theirs, c)) {
            fprintf(stderr, "%s --game gacha does not take --%s (see --help)\n", cmd,
                    s_gacha_opts[at].name);
            return 2;
        }
        switch (c) {
        case 'g':
            break;
        case 's':
            a->ss = optarg;
            break;
        case 'c':
            a->cs = optarg;
            break;
        case 'n':
            if (club_parse_i64(optarg, &a->nonce) || a->nonce < 0)
                bad = "--nonce must be a whole number, 0 or more";
            break;
        case 'b':
            a->src.id = optarg;
            break;
        case 'v':
            if (club_parse_i64(optarg, &a->src.version) || a->src.version < 1 ||
                a->src.version > INT32_MAX)
                bad = "--version must be a whole number, 1 or more";
            break;
        case 'f':
            a->src.file = optarg;
            break;
        case 'p':
            if (club_parse_i64(optarg, &a->pity) || a->pity < 0 || a->pity > INT32_MAX)
                bad = "--pity must be a whole number, 0 or more (the count before the round)";
            break;
        case 'G':
            a->guaranteed = true;
            break;
        case 'N':
            if (club_parse_i64(optarg, &a->count) || a->count < 1 || a->count > GACHA_MAX_COUNT)
                bad = "--count must be from 1 to 10";
            break;
        case 'P':
            if (club_parse_i64(optarg, &a->pulls) || a->pulls < 100 || a->pulls > 10000000000LL)
                bad = "--pulls must be from 100 to 10000000000";
            break;
        case 't':
            if (club_parse_i64(optarg, &a->threads) || a->threads < 1 || a->threads > 16)
                bad = "--threads must be from 1 to 16";
            break;
        case 'e':
            a->exact_only = true;
            break;
        case 'h':
            fputs(help, stdout);
            return -1;
        default:
            fputs(help, stderr);
            return 2;
        }
        if (bad) {
            fprintf(stderr, "%s: %s\n", cmd, bad);
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "%s: unexpected argument '%s' (see --help)\n", cmd, argv[optind]);
        return 2;
    }
    const char *err = NULL;
    if (sim) {
        err = a->ss && !club_fair_server_seed_ok(a->ss)
                  ? "--server-seed must be 64 lowercase hex characters"
              : a->cs && !club_fair_client_seed_ok(a->cs, strlen(a->cs))
                  ? "--client-seed must be 1-64 of letters, digits, _ . -"
                  : NULL;
    } else {
        err = !a->ss || !club_fair_server_seed_ok(a->ss)
                  ? "--server-seed must be 64 lowercase hex characters"
              : !a->cs || !club_fair_client_seed_ok(a->cs, strlen(a->cs))
                  ? "--client-seed must be 1-64 of letters, digits, _ . -"
              : a->nonce < 0 ? "--nonce must be a whole number, 0 or more"
              : a->pity < 0  ? "--pity K is needed: the pity count before the round"
                             : NULL;
    }
    if (err) {
        fprintf(stderr, "%s: %s (see --help)\n", cmd, err);
        return 2;
    }
    return 0;
}

/* How a top item of a banner with featured came: the guarantee, a won or a lost 50/50. */
static const char *s_how(const gacha_banner_t *b, const gacha_draw_t *d, bool had_flag)
{
    if (d->rarity != 0 || !b->featured) return d->featured ? "featured" : "";
    if (had_flag) return "featured (guaranteed)";
    return d->featured ? "featured (50/50 won)" : "50/50 lost: guarantee set";
}

static int s_verify_gacha(int argc, char **argv)
{
    gacha_args_t a = {.nonce = -1, .pity = -1, .count = 1};
    int rc = s_gacha_args(argc, argv, false, &a);
    if (rc) return rc < 0 ? 0 : rc;
    gacha_banner_t b;
    int64_t disclosed;
    if (s_load_banner("verify", &a.src, &b, &disclosed) != 0) return 1;

    char hash[65];
    club_sha256_hex(a.ss, strlen(a.ss), hash);
    printf("server_seed_hash  %s\nclient_seed       %s\nnonce             %lld\n", hash, a.cs,
           (long long)a.nonce);
    printf("game              gacha, banner %s version %d, %lld pull%s\n", b.id, b.version,
           (long long)a.count, a.count == 1 ? "" : "s");
    gacha_pity_t pity = {(uint32_t)a.pity, a.guaranteed};
    printf("pity before       count %u, guaranteed %s\n", pity.count,
           pity.guaranteed ? "yes" : "no");
    club_fair_t f;
    club_fair_init(&f, a.ss, a.cs, (uint64_t)a.nonce);
    for (int i = 0; i < a.count; i++) {
        bool had_flag = pity.guaranteed;
        gacha_draw_t d;
        gacha_pull(&b, &f, &pity, &d);
        const char *how = s_how(&b, &d, had_flag);
        printf("item %-2d           %-10s %6lld  %-24s pity %u%*s%s\n", i, b.rar[d.rarity].name,
               (long long)d.item->id, d.item->name, d.pity_before,
               *how ? 5 - (d.pity_before > 9) - (d.pity_before > 99) : 0, "", how);
    }
    printf("pity after        count %u, guaranteed %s, guaranteed_at %lld\n", pity.count,
           pity.guaranteed ? "yes" : "no", (long long)b.hard - (long long)pity.count);
    bool ok = s_check_effective(&b, disclosed);
    gacha_banner_free(&b);
    return ok ? 0 : 1;
}

static void s_print_exact(const gacha_banner_t *b, uint32_t effective, double mean, double sd)
{
    printf("exact               pulls to %s from pity 0: mean E %.6f, sd %.6f\n", b->rar[0].name,
           mean, sd);
    printf("effective           1e6 / E = %.3f ppm, disclosed as %u\n", 1e6 / mean, effective);
}

static void s_print_gacha_report(const gacha_banner_t *b, const gsim_report_t *r)
{
    const char *top = b->rar[0].name;
    char hash[65];
    club_sha256_hex(r->server_seed, strlen(r->server_seed), hash);
    printf("game                gacha, one pull per nonce; each thread one player from pity 0\n");
    printf("seeds               server %s\n                    (hash %s), client %s\n",
           r->server_seed, hash, r->client_seed);
    printf("pulls               %llu in %.2f s (%.2f M pulls/s, %d threads)\n",
           (unsigned long long)r->pulls, r->seconds, (double)r->pulls / r->seconds / 1e6,
           r->threads);
    s_print_exact(b, r->effective, r->exact_mean, r->exact_sd);
    printf("rarities (ppm)        disclosed  observed at k < soft   expected, all pulls   "
           "observed, all pulls\n");
    double n = (double)r->pulls, nb = r->base_pulls ? (double)r->base_pulls : 1;
    for (int i = 0; i < b->nrar; i++)
        printf("  %-16s %12u %21.1f %21.1f %21.1f\n", b->rar[i].name, b->rar[i].probability,
               1e6 * (double)r->base_count[i] / nb, 1e6 * r->expected[i] / n,
               1e6 * (double)r->count[i] / n);
    printf("  (%llu pulls at k < soft, %llu from soft on, expected as the rule gives at their pity "
           "state;\n   %llu pulls impossible under the rule)\n",
           (unsigned long long)r->base_pulls, (unsigned long long)(r->pulls - r->base_pulls),
           (unsigned long long)r->impossible);
    printf("pity table          k, pulls made at k, %s among them, observed and rule rate (ppm)\n",
           top);
    for (int i = 0; i < r->npity; i++) {
        const gsim_pity_row_t *p = &r->pity[i];
        if (!p->pulls) continue;
        char k[16];
        if (p->k)
            snprintf(k, sizeof k, "%u", p->k);
        else
            snprintf(k, sizeof k, "< %u", b->soft);
        printf("  k %-6s %12llu %10llu %12.1f %10u\n", k, (unsigned long long)p->pulls,
               (unsigned long long)p->tops, 1e6 * (double)p->tops / (double)p->pulls, p->rate);
    }
    bool in = r->exact_mean >= r->wait_lo && r->exact_mean <= r->wait_hi;
    printf("pulls to %-10s mean %.4f  99%% CI [%.4f, %.4f]  exact E %.4f %s\n", top, r->wait_mean,
           r->wait_lo, r->wait_hi, r->exact_mean, in ? "inside" : "OUTSIDE");
    printf("                    p50 %u (exact %u)  p90 %u (exact %u)  p99 %u (exact %u)  max %u "
           "(hard %u), over %llu %s items\n",
           r->wait_p50, r->exact_p50, r->wait_p90, r->exact_p90, r->wait_p99, r->exact_p99,
           r->wait_max, b->hard, (unsigned long long)r->tops, top);
    printf("longest dry run     %u pulls in a row without %s (hard %u allows at most %u) %s\n",
           r->longest_dry, top, b->hard, b->hard - 1,
           r->longest_dry < b->hard && !r->beyond_hard ? "ok" : "BROKEN");
    in = r->rate_exact >= r->rate_lo && r->rate_exact <= r->rate_hi;
    printf("%-10s per pull  %.2f ppm  99%% CI [%.2f, %.2f]  exact 1/E %.2f %s; disclosed %u\n", top,
           1e6 * r->rate, 1e6 * r->rate_lo, 1e6 * r->rate_hi, 1e6 * r->rate_exact,
           in ? "inside" : "OUTSIDE", r->effective);
    if (!b->featured) {
        printf("featured            none on this banner (no 50/50)\n");
        return;
    }
    in = r->share_exact >= r->share_lo && r->share_exact <= r->share_hi;
    printf("featured share      %.5f of %llu %s items  99%% CI [%.5f, %.5f]  exact 2/3 %s\n",
           r->share, (unsigned long long)r->tops, top, r->share_lo, r->share_hi,
           in ? "inside" : "OUTSIDE");
    printf("50/50               won %llu of %llu (%.5f); guaranteed %llu, %llu of them featured "
           "%s\n",
           (unsigned long long)r->fifty_won, (unsigned long long)r->fifty,
           r->fifty ? (double)r->fifty_won / (double)r->fifty : 0.0,
           (unsigned long long)r->guaranteed, (unsigned long long)r->guaranteed_featured,
           r->guaranteed == r->guaranteed_featured ? "ok" : "BROKEN");
}

static int s_sim_gacha(int argc, char **argv)
{
    gacha_args_t a = {.pulls = 10000000, .threads = sysconf(_SC_NPROCESSORS_ONLN)};
    int rc = s_gacha_args(argc, argv, true, &a);
    if (rc) return rc < 0 ? 0 : rc;
    if (a.threads < 1) a.threads = 1;
    if (a.threads > 16) a.threads = 16;
    gacha_banner_t b;
    int64_t disclosed;
    if (s_load_banner("sim", &a.src, &b, &disclosed) != 0) return 1;
    s_print_banner(&b);
    bool eff_ok = s_check_effective(&b, disclosed);
    if (a.exact_only) {
        long double *f = club_calloc(b.hard + 1, sizeof *f), mean, var;
        gsim_wait_law(&b, f, &mean, &var);
        s_print_exact(&b, gacha_effective_ppm(&b), (double)mean, (double)sqrtl(var));
        free(f);
        gacha_banner_free(&b);
        return eff_ok ? 0 : 1;
    }

    gsim_opts_t o = {.banner = &b,
                     .pulls = (uint64_t)a.pulls,
                     .threads = (int)a.threads,
                     .progress = s_progress,
                     .progress_ctx = (void *)"pulls"};
    if (a.ss) snprintf(o.server_seed, sizeof o.server_seed, "%s", a.ss);
    if (a.cs) snprintf(o.client_seed, sizeof o.client_seed, "%s", a.cs);
    fprintf(stderr, "playing %llu pulls of %s on %d threads ...\n", (unsigned long long)o.pulls,
            b.id, o.threads);
    gsim_report_t r;
    char err[256];
    if (gsim_run(&o, &r, err, sizeof err) != 0) {
        fprintf(stderr, "sim: %s\n", err);
        gacha_banner_free(&b);
        return 1;
    }
    fprintf(stderr, "\n");
    s_print_gacha_report(&b, &r);
    s_print_tests(r.tests, r.ntests);
    bool pass = r.all_pass && eff_ok;
    printf("verdict             %s\n", pass ? "PASS" : "FAIL");
    gsim_report_free(&r);
    gacha_banner_free(&b);
    return pass ? 0 : 1;
}

int fairplay_verify(int argc, char **argv)
{
    if (s_is_gacha(argc, argv)) return s_verify_gacha(argc, argv);
    static const struct option opts[] = {{"game", required_argument, 0, 'g'},
                                         {"server-seed", required_argument, 0, 's'},
                                         {"client-seed", required_argument, 0, 'c'},
                                         {"nonce", required_argument, 0, 'n'},
                                         {"bet", required_argument, 0, 'b'},
                                         {"choice", required_argument, 0, 'x'},
                                         {"bets", required_argument, 0, 'B'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *game = NULL, *ss = NULL, *cs = NULL, *choice = NULL, *slip = NULL;
    int64_t nonce = -1, bet = 10;
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'g':
            game = optarg;
            break;
        case 's':
            ss = optarg;
            break;
        case 'c':
            cs = optarg;
            break;
        case 'n':
            if (club_parse_i64(optarg, &nonce) || nonce < 0) nonce = -2;
            break;
        case 'b':
            if (club_parse_i64(optarg, &bet) || bet <= 0) bet = -1;
            break;
        case 'x':
            choice = optarg;
            break;
        case 'B':
            slip = optarg;
            break;
        case 'h':
            fputs(FAIRPLAY_VERIFY_HELP, stdout);
            return 0;
        default:
            fputs(FAIRPLAY_VERIFY_HELP, stderr);
            return 2;
        }
    }
    int g = game ? s_game(game) : -1;
    const char *err = g < 0 ? "--game must be slot, roulette, rps or gacha"
                      : !ss || !club_fair_server_seed_ok(ss)
                          ? "--server-seed must be 64 lowercase hex characters"
                      : !cs || !club_fair_client_seed_ok(cs, strlen(cs))
                          ? "--client-seed must be 1-64 of letters, digits, _ . -"
                      : nonce < 0 ? "--nonce must be a whole number, 0 or more"
                      : bet <= 0  ? "--bet must be a positive whole number"
                                  : NULL;
    if (err) {
        fprintf(stderr, "verify: %s (see --help)\n", err);
        return 2;
    }
    char hash[65];
    club_sha256_hex(ss, strlen(ss), hash);
    club_fair_t f;
    club_fair_init(&f, ss, cs, (uint64_t)nonce);
    printf("server_seed_hash  %s\nclient_seed       %s\nnonce             %lld\n", hash, cs,
           (long long)nonce);
    if (g == SIM_SLOT) {
        const slot_def_t *d = slot_default();
        slot_result_t r;
        slot_spin(d, &f, bet, &r);
        printf("game              slot, bet %lld\nstops            ", (long long)bet);
        for (int i = 0; i < SLOT_REELS; i++)
            printf(" %u", r.stops[i]);
        printf("\n");
        for (int row = 0; row < SLOT_ROWS; row++) {
            printf("row %d            ", row);
            for (int i = 0; i < SLOT_REELS; i++)
                printf(" %-7s", slot_symbol_name(r.grid[i][row]));
            printf("\n");
        }
        for (uint32_t i = 0; i < r.nwins; i++)
            printf("line %-2u           %s x%u wins %lld\n", r.wins[i].line,
                   slot_symbol_name(r.wins[i].symbol), r.wins[i].count, (long long)r.wins[i].win);
        printf("win               %lld\n", (long long)r.win);
    } else if (g == SIM_ROULETTE) {
        int number = roulette_spin_number(&f);
        printf("game              roulette\nnumber            %d %s\n", number,
               roulette_color(number));
        if (slip) {
            roulette_bet_t bets[ROULETTE_MAX_BETS];
            int n = s_parse_slip(slip, bets, ROULETTE_MAX_BETS);
            if (n < 0) return 2;
            int64_t total = 0;
            for (int i = 0; i < n; i++) {
                int64_t w = roulette_payout(&bets[i], number);
                total += w;
                int lo, hi;
                char value[16] = "";
                if (roulette_type_has_value(bets[i].type, &lo, &hi))
                    snprintf(value, sizeof value, " %d", bets[i].value);
                printf("bet               %s%s amount %lld wins %lld\n",
                       roulette_type_name(bets[i].type), value, (long long)bets[i].amount,
                       (long long)w);
            }
            printf("win               %lld\n", (long long)total);
        }
    } else {
        int house = rps_house(&f);
        printf("game              rps\nhouse             %s\n", rps_choice_name(house));
        if (choice) {
            int p = rps_choice_from_name(choice, strlen(choice));
            if (p < 0) {
                fprintf(stderr, "verify: --choice must be rock, paper or scissors\n");
                return 2;
            }
            int res = rps_result(p, house);
            printf("choice            %s\nresult            %s\nwin               %lld\n",
                   rps_choice_name(p), rps_result_name(res), (long long)rps_payout(res, bet));
        }
    }
    return 0;
}

int fairplay_sim(int argc, char **argv)
{
    if (s_is_gacha(argc, argv)) return s_sim_gacha(argc, argv);
    static const struct option opts[] = {{"game", required_argument, 0, 'g'},
                                         {"rounds", required_argument, 0, 'r'},
                                         {"threads", required_argument, 0, 't'},
                                         {"server-seed", required_argument, 0, 's'},
                                         {"client-seed", required_argument, 0, 'c'},
                                         {"exact-only", no_argument, 0, 'e'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    sim_opts_t o = {.rounds = 1000000, .threads = (int)sysconf(_SC_NPROCESSORS_ONLN)};
    const char *game = NULL;
    bool exact_only = false;
    int64_t v;
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'g':
            game = optarg;
            break;
        case 'r':
            if (club_parse_i64(optarg, &v) || v < 100 || v > 1000000000) {
                fprintf(stderr, "sim: --rounds must be from 100 to 1000000000\n");
                return 2;
            }
            o.rounds = (uint64_t)v;
            break;
        case 't':
            if (club_parse_i64(optarg, &v) || v < 1 || v > 16) {
                fprintf(stderr, "sim: --threads must be from 1 to 16\n");
                return 2;
            }
            o.threads = (int)v;
            break;
        case 's':
            if (!club_fair_server_seed_ok(optarg)) {
                fprintf(stderr, "sim: --server-seed must be 64 lowercase hex characters\n");
                return 2;
            }
            snprintf(o.server_seed, sizeof o.server_seed, "%s", optarg);
            break;
        case 'c':
            if (!club_fair_client_seed_ok(optarg, strlen(optarg))) {
                fprintf(stderr, "sim: --client-seed must be 1-64 of letters, digits, _ . -\n");
                return 2;
            }
            snprintf(o.client_seed, sizeof o.client_seed, "%s", optarg);
            break;
        case 'e':
            exact_only = true;
            break;
        case 'h':
            fputs(FAIRPLAY_SIM_HELP, stdout);
            return 0;
        default:
            fputs(FAIRPLAY_SIM_HELP, stderr);
            return 2;
        }
    }
    int g = game ? s_game(game) : -1;
    if (g < 0) {
        fprintf(stderr, "sim: --game must be slot, roulette, rps or gacha (see --help)\n");
        return 2;
    }
    o.game = (sim_game_t)g;
    if (o.threads < 1) o.threads = 1;

    if (g == SIM_SLOT) {
        uint64_t num, den;
        const slot_def_t *d = slot_default();
        uint64_t combos = 1;
        for (int r = 0; r < SLOT_REELS; r++)
            combos *= d->lens[r];
        fprintf(stderr, "enumerating all %llu reel-stop combinations x %d paylines ...\n",
                (unsigned long long)combos, SLOT_LINES);
        int64_t t0 = club_mono_ns();
        sim_slot_rtp_enumerate(&num, &den, o.threads);
        uint64_t pn, pd;
        slot_rtp_exact(d, &pn, &pd);
        printf("theoretical RTP     %.9f  (%llu / %llu, full enumeration in %.1f s; "
               "per-symbol calculation %s)\n",
               (double)num / (double)den, (unsigned long long)num, (unsigned long long)den,
               (double)(club_mono_ns() - t0) / 1e9,
               num * pd == pn * den ? "agrees exactly" : "DISAGREES");
        if (num * pd != pn * den) return 1;
    } else if (g == SIM_ROULETTE) {
        printf("theoretical RTP     every bet type:\n");
        for (int t = 0; t < RB__COUNT; t++) {
            uint64_t num, den;
            roulette_rtp_exact((roulette_bet_type_t)t, t == RB_STRAIGHT ? 0 : 1, &num, &den);
            printf("  %-9s %llu/%llu = %.9f\n", roulette_type_name((roulette_bet_type_t)t),
                   (unsigned long long)num, (unsigned long long)den, (double)num / (double)den);
        }
    } else {
        uint64_t num, den;
        rps_rtp_exact(&num, &den);
        printf("theoretical RTP     %llu/%llu = %.9f (bet a multiple of 50)\n",
               (unsigned long long)num, (unsigned long long)den, (double)num / (double)den);
    }
    if (exact_only) return 0;

    o.progress = s_progress;
    o.progress_ctx = (void *)"rounds";
    sim_report_t r;
    fprintf(stderr, "playing %llu %s rounds on %d threads ...\n", (unsigned long long)o.rounds,
            game, o.threads);
    if (sim_run(&o, &r) != 0) {
        fprintf(stderr, "sim: could not run (out of seeds?)\n");
        return 1;
    }
    fprintf(stderr, "\n");
    char hash[65];
    club_sha256_hex(r.server_seed, strlen(r.server_seed), hash);
    printf("game                %s, %lld coins staked per round%s\n", game, (long long)r.bet,
           g == SIM_ROULETTE ? " (one of each bet type)"
           : g == SIM_RPS    ? " on rock"
                             : "");
    printf("seeds               server %s\n                    (hash %s), client %s\n",
           r.server_seed, hash, r.client_seed);
    printf("rounds              %llu in %.2f s (%.2f M rounds/s, %d threads)\n",
           (unsigned long long)r.rounds, r.seconds, (double)r.rounds / r.seconds / 1e6, o.threads);
    printf("theoretical RTP     %.6f\n", r.rtp_exact);
    printf("observed RTP        %.6f   99%% CI [%.6f, %.6f]  theoretical %s\n", r.rtp, r.ci_lo,
           r.ci_hi, r.rtp_exact >= r.ci_lo && r.rtp_exact <= r.ci_hi ? "inside" : "OUTSIDE");
    printf("hit frequency       %.6f\n", r.hit_freq);
    printf("largest win         %lld (%.1fx the stake)\n", (long long)r.max_win,
           (double)r.max_win / (double)r.bet);
    s_print_tests(r.tests, r.ntests);
    printf("verdict             %s\n", r.all_pass ? "PASS" : "FAIL");
    return r.all_pass ? 0 : 1;
}
