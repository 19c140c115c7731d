/* club-tool gacha-rates: shows a banner's disclosed rates and versions, or writes a new
 * version of its rates (what the admin console's rate editor does through gacha.rates.set).
 * The new rates are checked as a banner before anything is written: what is disclosed can
 * always be pulled. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "gachatool.h"
#include "store.h"
#include "tool.h"
#include "util.h"

const char GACHA_RATES_HELP[] =
    "usage: club-tool gacha-rates --banner ID [--rate RARITY=PPM ...] [--soft N --hard N --step "
    "PPM]\n"
    "                             [--note TEXT] [--by NAME]\n"
    "\n"
    "Without --rate: prints the banner's current rates, pity, effective top rate and its\n"
    "versions. With --rate (one per rarity, rarest first, in parts per million summing to\n"
    "1000000): writes a new version. Pools and the featured item are kept; players' pity is\n"
    "per banner, so it carries over; pulls from now on record the new version.\n"
    "\n"
    "  --banner ID        the banner (see gacha.banners)\n"
    "  --rate R=PPM       the base rate of rarity R; give every rarity\n"
    "  --soft/--hard/--step  change the top rarity's pity too (all three)\n"
    "  --note TEXT        why (kept with the version; shown in its history)\n"
    "  --by NAME          who (default $USER)\n"
    "\n"
    "example: club-tool gacha-rates --banner neon_katana --rate LEGENDARY=7000 --rate "
    "EPIC=51000 \\\n"
    "           --rate RARE=250000 --rate COMMON=692000 --note 'anniversary boost'\n"
    "Needs CLUB_PG (Postgres conninfo).\n";

static void s_show(PGconn *c, const gacha_banner_t *b)
{
    printf("%s (%s), version %d, %lld %s a pull\n", b->id, b->name, b->version, (long long)b->cost,
           b->cost_currency);
    for (int i = 0; i < b->nrar; i++)
        printf("  %-10s %7u ppm  (%.4f%%)  %u items\n", b->rar[i].name, b->rar[i].probability,
               b->rar[i].probability / 1e4, b->rar[i].n);
    printf("  pity: soft %u, hard %u, step %u ppm; effective %s %u ppm (%.4f%%)\n", b->soft,
           b->hard, b->step, b->rar[0].name, gacha_effective_ppm(b), gacha_effective_ppm(b) / 1e4);
    const char *p[] = {b->id};
    PGresult *r = PQexecParams(c,
                               "SELECT version, to_char(created_at AT TIME ZONE 'UTC', "
                               "'YYYY-MM-DD HH24:MI'), created_by, note FROM gacha_versions "
                               "WHERE banner_id = $1 ORDER BY version DESC LIMIT 20",
                               1, NULL, p, NULL, NULL, 0);
    if (PQresultStatus(r) == PGRES_TUPLES_OK) {
        printf("versions (newest first, UTC):\n");
        for (int i = 0; i < PQntuples(r); i++)
            printf("  %3s  %s  %-12s %s\n", PQgetvalue(r, i, 0), PQgetvalue(r, i, 1),
                   PQgetvalue(r, i, 2), PQgetvalue(r, i, 3));
    }
    PQclear(r);
}

int gacha_rates_cmd(int argc, char **argv)
{
    static const struct option opts[] = {
        {"banner", required_argument, NULL, 'b'},
        {"rate", required_argument, NULL, 'r'},
        {"soft", required_argument, NULL, 's'},
        {"hard", required_argument, NULL, 'H'},
        {"step", required_argument, NULL, 't'},
        {"note", required_argument, NULL, 'n'},
        {"by", required_argument, NULL, 'y'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *banner = NULL, *note = "", *by = getenv("USER");
    char names[GACHA_MAX_RARITIES][16];
    int64_t ppm[GACHA_MAX_RARITIES], pity[3] = {-1, -1, -1};
    int nrates = 0, c;
    while ((c = getopt_long(argc, argv, "b:r:n:y:h", opts, NULL)) != -1) {
        switch (c) {
        case 'b':
            banner = optarg;
            break;
        case 'r': {
            const char *eq = strchr(optarg, '=');
            if (!eq || eq == optarg || (size_t)(eq - optarg) >= sizeof names[0] ||
                nrates == GACHA_MAX_RARITIES || club_parse_i64(eq + 1, &ppm[nrates]) != 0 ||
                ppm[nrates] < 0 || ppm[nrates] > 1000000) {
                fprintf(stderr,
                        "club-tool gacha-rates: --rate wants RARITY=PPM (0-1000000), "
                        "not '%s'\n",
                        optarg);
                return 2;
            }
            snprintf(names[nrates], sizeof names[nrates], "%.*s", (int)(eq - optarg), optarg);
            nrates++;
            break;
        }
        case 's':
            if (tool_int_opt("--soft", optarg, 1, 1000, &pity[0]) != 0) return 2;
            break;
        case 'H':
            if (tool_int_opt("--hard", optarg, 1, 1000, &pity[1]) != 0) return 2;
            break;
        case 't':
            if (tool_int_opt("--step", optarg, 0, 1000000, &pity[2]) != 0) return 2;
            break;
        case 'n':
            note = optarg;
            break;
        case 'y':
            by = optarg;
            break;
        case 'h':
            fputs(GACHA_RATES_HELP, stdout);
            return 0;
        default:
            fprintf(stderr, "see club-tool gacha-rates --help\n");
            return 2;
        }
    }
    if (!banner) {
        fprintf(stderr, "club-tool gacha-rates: --banner is required (see --help)\n");
        return 2;
    }
    bool some = pity[0] >= 0 || pity[1] >= 0 || pity[2] >= 0;
    bool all = pity[0] >= 0 && pity[1] >= 0 && pity[2] >= 0;
    if (some && !all) {
        fprintf(stderr, "club-tool gacha-rates: give --soft, --hard and --step together\n");
        return 2;
    }
    PGconn *conn = tool_pg_connect();
    if (!conn) return 1;
    gacha_banner_t b;
    char err[300];
    int rc = gacha_banner_load(conn, banner, 0, &b, err, sizeof err);
    if (rc != 0) {
        fprintf(stderr, "club-tool gacha-rates: %s\n", err);
        PQfinish(conn);
        return 1;
    }
    if (nrates == 0) {
        s_show(conn, &b);
        gacha_banner_free(&b);
        PQfinish(conn);
        return 0;
    }

    int exit_code = 1, version = 0;
    const char *np[GACHA_MAX_RARITIES];
    uint32_t ppm32[GACHA_MAX_RARITIES],
        pv[3] = {(uint32_t)pity[0], (uint32_t)pity[1], (uint32_t)pity[2]};
    for (int i = 0; i < nrates; i++) {
        np[i] = names[i];
        ppm32[i] = (uint32_t)ppm[i];
    }
    rc = gacha_rates_write(conn, &b, np, ppm32, nrates, all ? pv : NULL, note,
                           by ? by : "club-tool", &version, err, sizeof err);
    if (rc != 0) {
        fprintf(stderr, "club-tool gacha-rates: %s%s\n", rc > 0 ? "refused: " : "", err);
        goto out;
    }
    gacha_banner_t now;
    if (gacha_banner_load(conn, banner, version, &now, err, sizeof err) == 0) {
        printf("%s: version %d written; effective %s is now %u ppm\n", banner, version,
               now.rar[0].name, gacha_effective_ppm(&now));
        gacha_banner_free(&now);
    }
    exit_code = 0;
out:
    gacha_banner_free(&b);
    PQfinish(conn);
    return exit_code;
}
