/* club-tool: operator commands.
 *
 *   club-tool invite [--rank R] [--uses N] [--expires-days D] [--note TEXT]
 *   club-tool invites [--limit N]
 *   club-tool verify ... | sim ...      (fairness, tools/fairplay.c; no database but for
 *                                        a gacha banner read from CLUB_PG)
 *
 * Commands live in one table (s_commands); adding one is a function, a help text and a row.
 * Each command gets argv with its own name in argv[0], so it parses its options with
 * getopt_long as a program of its own would, and returns the exit code. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <strings.h>

#include <libpq-fe.h>

#include "config.h"
#include "curve.h"
#include "fairplay.h"
#include "gachatool.h"
#include "log.h"
#include "tool.h"
#include "util.h"

typedef struct {
    const char *name;
    const char *summary; /* one line for the command list */
    const char *help;    /* the whole --help text */
    int (*run)(int argc, char **argv);
} tool_cmd_t;

static const tool_cmd_t *s_find(const char *name);
static void s_usage(FILE *out);

/* --- shared helpers --- */

PGconn *tool_pg_connect(void)
{
    const char *conninfo = club_cfg_str("CLUB_PG", NULL);
    if (!conninfo) {
        club_log(CLUB_ERROR, "tool_config",
                 "CLUB_PG is not set: export the Postgres conninfo, e.g. CLUB_PG='host=127.0.0.1 "
                 "port=5432 dbname=club user=club', or run this through ./club, which sets it");
        return NULL;
    }
    PGconn *conn = PQconnectdb(conninfo);
    if (PQstatus(conn) != CONNECTION_OK) {
        char errbuf[512];
        /* The conninfo may hold a password: report libpq's message, not the string. */
        club_log(CLUB_ERROR, "tool_connect",
                 "cannot connect to Postgres (CLUB_PG): %s -- is the stack running? (./club "
                 "status)",
                 club_oneline(PQerrorMessage(conn), errbuf, sizeof errbuf));
        PQfinish(conn);
        return NULL;
    }
    return conn;
}

/* Logs a failed statement; names the fix when the schema is missing. */
static void s_sql_error(const PGresult *r, const char *what)
{
    const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    if (state && strcmp(state, "42P01") == 0)
        club_log(CLUB_ERROR, "tool_sql", "%s: the schema is missing; run ./club migrate first",
                 what);
    else
        club_log(CLUB_ERROR, "tool_sql", "%s: %s", what, PQresultErrorMessage(r));
}

/* Parses a whole decimal in [lo, hi] or says which option was wrong. */
int tool_int_opt(const char *opt, const char *s, int64_t lo, int64_t hi, int64_t *out)
{
    if (club_parse_i64(s, out) != 0 || *out < lo || *out > hi) {
        fprintf(stderr, "club-tool: %s wants a whole number from %lld to %lld, not '%s'\n", opt,
                (long long)lo, (long long)hi, s);
        return -1;
    }
    return 0;
}

static int s_extra_args(int argc, char **argv)
{
    if (optind >= argc) return 0;
    fprintf(stderr, "club-tool %s: unexpected argument '%s' (see club-tool %s --help)\n", argv[0],
            argv[optind], argv[0]);
    return -1;
}

/* --- invite --- */

#define INVITE_PREFIX   "CLUB-"
#define INVITE_LEN      10
#define INVITE_NOTE_MAX 200

/* 32 symbols without 0/O and 1/I, so a code read aloud or off a screen is not misread.
 * 32 divides 256, so byte % 32 is uniform. */
static const char s_alphabet[] = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

static int s_invite_code(char out[sizeof INVITE_PREFIX + INVITE_LEN])
{
    uint8_t rnd[INVITE_LEN];
    if (club_random(rnd, sizeof rnd) != 0) {
        club_log(CLUB_ERROR, "tool_random", "no secure random bytes available");
        return -1;
    }
    memcpy(out, INVITE_PREFIX, sizeof INVITE_PREFIX - 1);
    for (size_t i = 0; i < INVITE_LEN; i++)
        out[sizeof INVITE_PREFIX - 1 + i] = s_alphabet[rnd[i] % (sizeof s_alphabet - 1)];
    out[sizeof INVITE_PREFIX - 1 + INVITE_LEN] = 0;
    return 0;
}

static const char *s_rank(const char *s)
{
    static const char *ranks[] = {"STANDARD", "PREMIUM", "VIP"};
    for (size_t i = 0; i < CLUB_ARRAY_LEN(ranks); i++)
        if (strcasecmp(s, ranks[i]) == 0) return ranks[i];
    return NULL;
}

static const char s_invite_help[] =
    "usage: club-tool invite [--rank STANDARD|PREMIUM|VIP] [--uses N] [--expires-days D]\n"
    "                        [--note TEXT]\n"
    "\n"
    "Creates an invite code CLUB-XXXXXXXXXX. Registering with it gives the new account the\n"
    "invite's rank. Prints a line about the invite, then the code alone as the last line.\n"
    "\n"
    "  --rank R           STANDARD (default), PREMIUM or VIP\n"
    "  --uses N           how many accounts may register with it (default 1)\n"
    "  --expires-days D   valid for D days (default: never expires)\n"
    "  --note TEXT        a note for operators (who it is for), at most 200 bytes\n"
    "\n"
    "Needs CLUB_PG (Postgres conninfo).\n";

static int s_cmd_invite(int argc, char **argv)
{
    static const struct option opts[] = {
        {"rank", required_argument, NULL, 'r'},
        {"uses", required_argument, NULL, 'u'},
        {"expires-days", required_argument, NULL, 'e'},
        {"note", required_argument, NULL, 'n'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *rank = "STANDARD", *note = NULL;
    int64_t uses = 1, days = 0;
    int c;
    while ((c = getopt_long(argc, argv, "r:u:e:n:h", opts, NULL)) != -1) {
        switch (c) {
        case 'r':
            rank = s_rank(optarg);
            if (!rank) {
                fprintf(stderr, "club-tool invite: --rank is STANDARD, PREMIUM or VIP, not '%s'\n",
                        optarg);
                return 2;
            }
            break;
        case 'u':
            if (tool_int_opt("--uses", optarg, 1, 1000000, &uses) != 0) return 2;
            break;
        case 'e':
            if (tool_int_opt("--expires-days", optarg, 1, 3650, &days) != 0) return 2;
            break;
        case 'n':
            note = optarg;
            if (strlen(note) > INVITE_NOTE_MAX) {
                fprintf(stderr, "club-tool invite: --note is at most %d bytes\n", INVITE_NOTE_MAX);
                return 2;
            }
            break;
        case 'h':
            fputs(s_invite_help, stdout);
            return 0;
        default:
            fprintf(stderr, "see club-tool invite --help\n");
            return 2;
        }
    }
    if (s_extra_args(argc, argv) != 0) return 2;

    PGconn *conn = tool_pg_connect();
    if (!conn) return 1;
    char uses_s[24], days_s[24], code[sizeof INVITE_PREFIX + INVITE_LEN];
    snprintf(uses_s, sizeof uses_s, "%lld", (long long)uses);
    snprintf(days_s, sizeof days_s, "%lld", (long long)days);
    int rc = 1;
    /* A clash among 32^10 codes is near impossible, but a unique violation costs only a retry. */
    for (int attempt = 0; attempt < 5; attempt++) {
        if (s_invite_code(code) != 0) break;
        const char *params[5] = {code, rank, uses_s, days ? days_s : NULL, note};
        PGresult *r = PQexecParams(
            conn,
            "INSERT INTO invites (code, rank, uses_left, expires_at, note) "
            "VALUES ($1, $2, $3::int, now() + make_interval(days => $4::int), $5) "
            "RETURNING coalesce(to_char(expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') "
            "|| ' UTC', 'never')",
            5, NULL, params, NULL, NULL, 0);
        if (PQresultStatus(r) == PGRES_TUPLES_OK) {
            printf("created %s invite: %lld use%s, expires %s%s%s\n", rank, (long long)uses,
                   uses == 1 ? "" : "s", PQgetvalue(r, 0, 0), note ? ", note: " : "",
                   note ? note : "");
            printf("%s\n", code); /* last line: scripts read the code from here */
            PQclear(r);
            rc = 0;
            break;
        }
        const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
        bool clash = state && strcmp(state, "23505") == 0;
        if (!clash) s_sql_error(r, "creating the invite");
        PQclear(r);
        if (!clash) break;
    }
    PQfinish(conn);
    return rc;
}

/* --- invites --- */

static const char s_invites_help[] = "usage: club-tool invites [--limit N]\n"
                                     "\n"
                                     "Lists invite codes, newest first: code, rank, uses left, "
                                     "expiry, state, note.\n"
                                     "\n"
                                     "  --limit N   show at most N (default 100)\n"
                                     "\n"
                                     "Needs CLUB_PG (Postgres conninfo).\n";

static int s_cmd_invites(int argc, char **argv)
{
    static const struct option opts[] = {
        {"limit", required_argument, NULL, 'l'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int64_t limit = 100;
    int c;
    while ((c = getopt_long(argc, argv, "l:h", opts, NULL)) != -1) {
        switch (c) {
        case 'l':
            if (tool_int_opt("--limit", optarg, 1, 100000, &limit) != 0) return 2;
            break;
        case 'h':
            fputs(s_invites_help, stdout);
            return 0;
        default:
            fprintf(stderr, "see club-tool invites --help\n");
            return 2;
        }
    }
    if (s_extra_args(argc, argv) != 0) return 2;

    PGconn *conn = tool_pg_connect();
    if (!conn) return 1;
    char limit_s[24];
    snprintf(limit_s, sizeof limit_s, "%lld", (long long)limit);
    const char *params[1] = {limit_s};
    PGresult *r = PQexecParams(
        conn,
        "SELECT code, rank, uses_left, "
        " coalesce(to_char(expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'), 'never'), "
        " CASE WHEN uses_left = 0 THEN 'used up' "
        "      WHEN expires_at <= now() THEN 'expired' ELSE 'usable' END, "
        " coalesce(note, '') "
        "FROM invites ORDER BY created_at DESC, code LIMIT $1::int",
        1, NULL, params, NULL, NULL, 0);
    int rc = 1;
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        s_sql_error(r, "listing invites");
    } else if (PQntuples(r) == 0) {
        printf("no invites yet; create one with ./club invite (or club-tool invite)\n");
        rc = 0;
    } else {
        printf("%-16s %-9s %9s  %-16s  %-8s  %s\n", "CODE", "RANK", "USES_LEFT", "EXPIRES (UTC)",
               "STATE", "NOTE");
        for (int i = 0; i < PQntuples(r); i++)
            printf("%-16s %-9s %9s  %-16s  %-8s  %s\n", PQgetvalue(r, i, 0), PQgetvalue(r, i, 1),
                   PQgetvalue(r, i, 2), PQgetvalue(r, i, 3), PQgetvalue(r, i, 4),
                   PQgetvalue(r, i, 5));
        printf("%d invite%s (newest first)\n", PQntuples(r), PQntuples(r) == 1 ? "" : "s");
        rc = 0;
    }
    PQclear(r);
    PQfinish(conn);
    return rc;
}

/* --- help --- */

static const char s_help_help[] = "usage: club-tool help [COMMAND]\n"
                                  "\n"
                                  "Shows the command list, or the help of one command.\n";

static int s_cmd_help(int argc, char **argv)
{
    if (argc < 2) {
        s_usage(stdout);
        return 0;
    }
    const tool_cmd_t *cmd = s_find(argv[1]);
    if (!cmd) {
        fprintf(stderr, "club-tool: no command '%s'\n", argv[1]);
        s_usage(stderr);
        return 2;
    }
    fputs(cmd->help, stdout);
    return 0;
}

static const char s_keys_help[] =
    "usage: club-tool keys DIR\n"
    "\n"
    "Writes a new set of CURVE certificates for the stack's internal sockets into DIR\n"
    "(created, mode 0700): broker, edge and worker, each with its _secret file, and\n"
    "clients/ with the public certificates the broker admits. Point every process at it\n"
    "with CLUB_CURVE_DIR=DIR (./club makes $CLUB_VAR/keys once and sets it). An existing\n"
    "set is not overwritten: remove DIR first to make a new one, then restart the stack.\n";

static int s_cmd_keys(int argc, char **argv)
{
    if (argc != 2 || argv[1][0] == '-') {
        fputs(s_keys_help, argc == 2 && !strcmp(argv[1], "--help") ? stdout : stderr);
        return argc == 2 && !strcmp(argv[1], "--help") ? 0 : 2;
    }
    char probe[1100];
    snprintf(probe, sizeof probe, "%s/broker_secret", argv[1]);
    if (access(probe, F_OK) == 0) {
        fprintf(stderr, "keys: %s already holds a set; remove it first to make a new one\n",
                argv[1]);
        return 1;
    }
    if (club_curve_generate(argv[1]) != 0) return 1;
    printf("wrote broker, edge and worker certificates to %s\n", argv[1]);
    return 0;
}

static const tool_cmd_t s_commands[] = {
    {"invite", "create an invite code (the code is the last line printed)", s_invite_help,
     s_cmd_invite},
    {"invites", "list invite codes, newest first", s_invites_help, s_cmd_invites},
    {"verify", "recompute a game round or gacha pull from its seeds (no game server needed)",
     FAIRPLAY_VERIFY_HELP, fairplay_verify},
    {"sim", "play many rounds and run the fairness lab tests", FAIRPLAY_SIM_HELP, fairplay_sim},
    {"gacha-rates", "show a gacha banner's rates, or write a new version of them", GACHA_RATES_HELP,
     gacha_rates_cmd},
    {"keys", "make the CURVE certificates of the internal sockets", s_keys_help, s_cmd_keys},
    {"help", "show the help of a command", s_help_help, s_cmd_help},
};

static const tool_cmd_t *s_find(const char *name)
{
    for (size_t i = 0; i < CLUB_ARRAY_LEN(s_commands); i++)
        if (strcmp(s_commands[i].name, name) == 0) return &s_commands[i];
    return NULL;
}

static void s_usage(FILE *out)
{
    fprintf(out, "usage: club-tool COMMAND [OPTIONS]\n\ncommands:\n");
    for (size_t i = 0; i < CLUB_ARRAY_LEN(s_commands); i++)
        fprintf(out, "  %-10s %s\n", s_commands[i].name, s_commands[i].summary);
    fprintf(out, "\n"
                 "club-tool COMMAND --help shows a command's options. Every command reads its\n"
                 "settings from the environment (CLUB_PG, ...) after the file named by "
                 "CLUB_CONFIG.\n"
                 "  --help      this text\n"
                 "  --version   print the version\n");
}

int main(int argc, char **argv)
{
    club_log_init("club-tool");
    if (club_config_load() != 0) return 1;
    if (argc < 2) {
        s_usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        s_usage(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("club-tool %s\n", CLUB_VERSION);
        return 0;
    }
    const tool_cmd_t *cmd = s_find(argv[1]);
    if (!cmd) {
        fprintf(stderr, "club-tool: no command '%s'\n\n", argv[1]);
        s_usage(stderr);
        return 2;
    }
    optind = 1;
    return cmd->run(argc - 1, argv + 1);
}
