/* store: reads one banner version in three statements (the banner and its version, the rates,
 * the pools) and checks it with gacha_banner_check, so a row typed wrong by hand is refused
 * here rather than pulled. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "util.h"

static int s_fail(PGresult *r, char *err, size_t n, const char *what)
{
    char line[256];
    snprintf(err, n, "could not read %s: %s", what,
             club_oneline(r ? PQresultErrorMessage(r) : "no connection", line, sizeof line));
    PQclear(r);
    return -1;
}

int gacha_banner_load(PGconn *c, const char *id, int version, gacha_banner_t *out, char *err,
                      size_t errlen)
{
    memset(out, 0, sizeof *out);
    char ver[16];
    snprintf(ver, sizeof ver, "%d", version);
    const char *p[] = {id, ver};
    PGresult *r = PQexecParams(
        c,
        "SELECT b.name, b.cost_currency, b.cost_amount, v.version, v.soft, v.hard, v.step, "
        "coalesce(v.featured, 0) FROM gacha_banners b JOIN gacha_versions v ON v.banner_id = "
        "b.id AND v.version = CASE WHEN $2::int = 0 THEN b.version ELSE $2::int END "
        "WHERE b.id = $1",
        2, NULL, p, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) return s_fail(r, err, errlen, "the banner");
    if (PQntuples(r) != 1) {
        PQclear(r);
        if (version)
            snprintf(err, errlen, "banner %s has no version %d", id, version);
        else
            snprintf(err, errlen, "no banner %s", id);
        return 1;
    }
    snprintf(out->id, sizeof out->id, "%s", id);
    snprintf(out->name, sizeof out->name, "%s", PQgetvalue(r, 0, 0));
    snprintf(out->cost_currency, sizeof out->cost_currency, "%s", PQgetvalue(r, 0, 1));
    int64_t v[6]; /* cost_amount, version, soft, hard, step, featured */
    for (int i = 0; i < 6; i++)
        club_parse_i64(PQgetvalue(r, 0, 2 + i), &v[i]);
    PQclear(r);
    out->cost = v[0];
    out->version = (int)v[1];
    out->soft = (uint32_t)v[2];
    out->hard = (uint32_t)v[3];
    out->step = (uint32_t)v[4];
    out->featured = v[5];
    snprintf(ver, sizeof ver, "%d", out->version);

    r = PQexecParams(c,
                     "SELECT rarity, probability FROM gacha_rates WHERE banner_id = $1 AND "
                     "version = $2::int ORDER BY position",
                     2, NULL, p, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) return s_fail(r, err, errlen, "the rates");
    if (PQntuples(r) > GACHA_MAX_RARITIES) {
        PQclear(r);
        snprintf(err, errlen, "banner %s has more than %d rarities", id, GACHA_MAX_RARITIES);
        return -1;
    }
    out->nrar = PQntuples(r);
    for (int i = 0; i < out->nrar; i++) {
        int64_t pr = 0;
        snprintf(out->rar[i].name, sizeof out->rar[i].name, "%s", PQgetvalue(r, i, 0));
        club_parse_i64(PQgetvalue(r, i, 1), &pr);
        out->rar[i].probability = (uint32_t)pr;
    }
    PQclear(r);

    r = PQexecParams(c,
                     "SELECT p.rarity, p.item_id, i.name FROM gacha_pool p JOIN items i ON i.id = "
                     "p.item_id WHERE p.banner_id = $1 AND p.version = $2::int "
                     "ORDER BY p.rarity, p.position",
                     2, NULL, p, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        gacha_banner_free(out);
        return s_fail(r, err, errlen, "the pools");
    }
    int n = PQntuples(r);
    for (int k = 0; k < out->nrar; k++) {
        gacha_rarity_t *ra = &out->rar[k];
        for (int i = 0; i < n; i++)
            if (!strcmp(PQgetvalue(r, i, 0), ra->name)) ra->n++;
        ra->items = club_calloc(ra->n ? ra->n : 1, sizeof *ra->items);
        uint32_t j = 0;
        for (int i = 0; i < n; i++) {
            if (strcmp(PQgetvalue(r, i, 0), ra->name)) continue;
            club_parse_i64(PQgetvalue(r, i, 1), &ra->items[j].id);
            snprintf(ra->items[j].name, sizeof ra->items[j].name, "%s", PQgetvalue(r, i, 2));
            j++;
        }
    }
    PQclear(r);
    char why[200];
    if (gacha_banner_check(out, why, sizeof why) != 0) {
        snprintf(err, errlen, "banner %s version %d cannot be pulled: %s", id, out->version, why);
        gacha_banner_free(out);
        return -1;
    }
    return 0;
}

int gacha_rates_write(PGconn *c, const gacha_banner_t *cur, const char *const *names,
                      const uint32_t *ppm, int n, const uint32_t *pity, const char *note,
                      const char *by, int *version, char *err, size_t errlen)
{
    if (n != cur->nrar) {
        int k =
            snprintf(err, errlen, "%s has %d rarities; give a rate for each:", cur->id, cur->nrar);
        for (int i = 0; i < cur->nrar && k > 0 && (size_t)k < errlen; i++)
            k += snprintf(err + k, errlen - (size_t)k, " %s", cur->rar[i].name);
        return 1;
    }
    gacha_banner_t cand = *cur; /* shares the pools: only read */
    char json[GACHA_MAX_RARITIES * 64 + 8];
    int k = snprintf(json, sizeof json, "[");
    for (int i = 0; i < n; i++) {
        if (strcmp(names[i], cur->rar[i].name) != 0) {
            snprintf(err, errlen, "rate %d names %s; %s's rarities, rarest first, start with %s",
                     i + 1, names[i], cur->id, cur->rar[0].name);
            return 1;
        }
        cand.rar[i].probability = ppm[i];
        k += snprintf(json + k, sizeof json - (size_t)k,
                      "%s{\"rarity\": \"%s\", \"probability\": %u}", i ? ", " : "", names[i],
                      ppm[i]);
    }
    snprintf(json + k, sizeof json - (size_t)k, "]");
    char pj[96] = "";
    if (pity) {
        cand.soft = pity[0];
        cand.hard = pity[1];
        cand.step = pity[2];
        snprintf(pj, sizeof pj, "{\"soft\": %u, \"hard\": %u, \"step\": %u}", pity[0], pity[1],
                 pity[2]);
    }
    if (gacha_banner_check(&cand, err, errlen) != 0) return 1;
    const char *p[] = {cur->id, json, pity ? pj : NULL, note ? note : "", by ? by : "unknown"};
    PGresult *r = PQexecParams(c, "SELECT gacha_set_rates($1, $2::jsonb, $3::jsonb, $4, $5)", 5,
                               NULL, p, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
        const char *msg = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
        bool refused = state && (!strcmp(state, "23514") || !strcmp(state, "P0002"));
        if (refused)
            snprintf(err, errlen, "%s", msg ? msg : "the rates were refused");
        else
            s_fail(r, err, errlen, "the new version");
        if (refused) PQclear(r);
        return refused ? 1 : -1;
    }
    int64_t v = 0;
    club_parse_i64(PQgetvalue(r, 0, 0), &v);
    PQclear(r);
    *version = (int)v;
    return 0;
}
