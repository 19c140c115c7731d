#include "fairplay.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fair.h"
#include "roulette.h"
#include "rps.h"
#include "sim.h"
#include "slot.h"
#include "util.h"
#include "wire.h"

const char FAIRPLAY_VERIFY_HELP[] =
    "usage: club verify --game slot|roulette|rps --server-seed S --client-seed C --nonce N\n"
    "                   [--bet B] [--choice rock|paper|scissors] [--bets SLIP]\n"
    "\n"
    "Recomputes one round from its seeds, with the server's own game code and no server:\n"
    "after fair.rotate reveals a server seed, any past round under it can be checked.\n"
    "Prints the seed's SHA-256 (compare it with the server_seed_hash shown before the round)\n"
    "and the outcome.\n"
    "\n"
    "  --game G          slot, roulette or rps\n"
    "  --server-seed S   the revealed server seed (64 hex characters)\n"
    "  --client-seed C   the client seed of the round\n"
    "  --nonce N         the round's nonce\n"
    "  --bet B           slot and rps: the bet, to show the win (default: the minimum, 10)\n"
    "  --choice X        rps: the player's choice, to show the result\n"
    "  --bets SLIP       roulette: bets to settle, e.g. red:100,straight:17:10,dozen:2:50\n";

const char FAIRPLAY_SIM_HELP[] =
    "usage: club sim --game slot|roulette|rps [--rounds N] [--threads T]\n"
    "                [--server-seed S] [--client-seed C]\n"
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
    "  --exact-only  print the theoretical RTP and stop\n";

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

int fairplay_verify(int argc, char **argv)
{
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
    const char *err = g < 0 ? "--game must be slot, roulette or rps"
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

static void s_progress(uint64_t done, uint64_t total, void *ctx)
{
    (void)ctx;
    fprintf(stderr, "\r  %llu / %llu rounds (%.0f%%)", (unsigned long long)done,
            (unsigned long long)total, 100.0 * (double)done / (double)total);
    fflush(stderr);
}

int fairplay_sim(int argc, char **argv)
{
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
        fprintf(stderr, "sim: --game must be slot, roulette or rps (see --help)\n");
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

    o.progress = isatty(2) ? s_progress : NULL;
    if (!o.progress) o.progress = s_progress;
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
    printf("tests at 99%% confidence (pass when p >= 0.01):\n");
    for (int i = 0; i < r.ntests; i++) {
        const sim_test_t *t = &r.tests[i];
        if (t->df)
            printf("  %-30s chi2 %10.2f  df %3d  p %.4f  %s\n", t->name, t->stat, t->df, t->p,
                   t->pass ? "pass" : "FAIL");
        else
            printf("  %-30s %s %+9.5f          p %.4f  %s\n", t->name,
                   strstr(t->name, "serial") ? "r   " : "z   ", t->stat, t->p,
                   t->pass ? "pass" : "FAIL");
    }
    printf("verdict             %s\n", r.all_pass ? "PASS" : "FAIL");
    return r.all_pass ? 0 : 1;
}
