/* gacha: banners with disclosed odds and pity, pulls, the inventory and the shop.
 *
 * A pull is a round of the player's provably fair stream, like a spin: it runs through
 * lib/play (one round at a time per user, so two pulls never read one pity counter; the
 * nonce shared with games and re-read when in doubt), and is one wallet settle: the cost out,
 * the round (games_round_sink) and the pull (gacha_pull_sink: pulls, pity, inventory) in the
 * same transaction. The sinks refuse a pull computed from a pity state or a banner version
 * that is no longer current; the round is then played again from what Postgres holds.
 *
 * Banners are read from Postgres (store.c) and kept per version: a version never changes, so
 * the cache is only ever extended. Which version is current is re-read on every
 * gacha.banners and whenever a user's state is loaded. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "domains.h"
#include "log.h"
#include "play.h"
#include "pull.h"
#include "store.h"
#include "util.h"

#define MAX_BANNERS   64
#define MAX_OFFER_ITM 16

typedef enum { U_PULL, U_BUY } uop_t;

/* A banner as listed now: its current version, loaded. */
typedef struct {
    char id[GACHA_ID_MAX + 1];
    bool active;
    const gacha_banner_t *b;
} current_t;

static struct {
    club_db_t *db;
    club_play_users_t users;
    gacha_banner_t **versions; /* every version read so far */
    size_t nversions;
    current_t cur[MAX_BANNERS];
    int ncur;
} S;

/* The user's pity per banner, as Postgres had it after their last pull here. */
typedef struct {
    char banner[GACHA_ID_MAX + 1];
    gacha_pity_t pity;
    int64_t pulls; /* gacha_pity.pulls: the sink's check that nothing pulled meanwhile */
} upity_t;

typedef struct {
    int n;
    upity_t *e;
} upities_t;

static void s_unavailable(club_call_t *call)
{
    club_call_error(call, CLUB_E_UNAVAILABLE, "the gacha is unavailable; try again");
}

/* ---- banners ---- */

static const gacha_banner_t *s_version(const char *id, int version)
{
    for (size_t i = 0; i < S.nversions; i++)
        if (S.versions[i]->version == version && !strcmp(S.versions[i]->id, id))
            return S.versions[i];
    PGconn *c = club_db_conn(S.db);
    if (!c) return NULL;
    gacha_banner_t *b = club_calloc(1, sizeof *b);
    char err[256];
    int rc = gacha_banner_load(c, id, version, b, err, sizeof err);
    if (rc != 0) {
        club_log(rc < 0 ? CLUB_ERROR : CLUB_WARN, "banner_load", "%s", err);
        if (rc < 0) club_db_check(S.db);
        free(b);
        return NULL;
    }
    S.versions = club_realloc(S.versions, (S.nversions + 1) * sizeof *S.versions);
    S.versions[S.nversions++] = b;
    return b;
}

/* Re-reads which version of each banner is current, loading any not seen yet. 0 or -1. */
static int s_refresh(void)
{
    PGresult *r = club_db_exec(
        S.db, "SELECT id, version, active FROM gacha_banners ORDER BY sort, id LIMIT 64", 0, NULL);
    if (!club_db_ok(S.db, r, "list banners")) {
        PQclear(r);
        return -1;
    }
    int n = PQntuples(r), rc = 0;
    current_t cur[MAX_BANNERS];
    int k = 0;
    for (int i = 0; i < n; i++) {
        int64_t v = 0;
        club_parse_i64(PQgetvalue(r, i, 1), &v);
        const gacha_banner_t *b = s_version(PQgetvalue(r, i, 0), (int)v);
        if (!b) {
            rc = -1;
            continue;
        }
        snprintf(cur[k].id, sizeof cur[k].id, "%s", b->id);
        cur[k].active = PQgetvalue(r, i, 2)[0] == 't';
        cur[k].b = b;
        k++;
    }
    PQclear(r);
    if (rc == 0) {
        memcpy(S.cur, cur, (size_t)k * sizeof *cur);
        S.ncur = k;
    }
    return rc;
}

static const current_t *s_current(const char *id)
{
    for (int i = 0; i < S.ncur; i++)
        if (!strcmp(S.cur[i].id, id)) return &S.cur[i];
    return NULL;
}

static void s_pack_item(msgpack_packer *pk, const gacha_item_t *it, const char *rarity)
{
    msgpack_pack_map(pk, rarity ? 3 : 2);
    club_pk_kv_int(pk, "item_id", it->id);
    club_pk_kv_str(pk, "name", it->name);
    if (rarity) club_pk_kv_str(pk, "rarity", rarity);
}

static const gacha_item_t *s_featured(const gacha_banner_t *b)
{
    for (uint32_t i = 0; b->featured && i < b->rar[0].n; i++)
        if (b->rar[0].items[i].id == b->featured) return &b->rar[0].items[i];
    return NULL;
}

static void s_pack_cost(msgpack_packer *pk, const char *key, const char *currency, int64_t amount)
{
    club_pk_str(pk, key);
    msgpack_pack_map(pk, 2);
    club_pk_kv_str(pk, "currency", currency);
    club_pk_kv_int(pk, "amount", amount);
}

static void s_pack_pity_state(msgpack_packer *pk, const gacha_banner_t *b, gacha_pity_t p)
{
    msgpack_pack_map(pk, 3);
    club_pk_kv_int(pk, "count", p.count);
    club_pk_kv_bool(pk, "guaranteed", p.guaranteed);
    club_pk_kv_int(pk, "guaranteed_at", p.count < b->hard ? b->hard - p.count : 1);
}

/* The disclosure of PROTOCOL.md, plus the caller's pity when mine is given. */
static void s_pack_banner(msgpack_packer *pk, const gacha_banner_t *b, const gacha_pity_t *mine)
{
    const gacha_item_t *f = s_featured(b);
    msgpack_pack_map(pk, 8 + (f != NULL) + (mine != NULL));
    club_pk_kv_str(pk, "id", b->id);
    club_pk_kv_str(pk, "name", b->name);
    s_pack_cost(pk, "cost", b->cost_currency, b->cost);
    club_pk_str(pk, "rates");
    msgpack_pack_array(pk, (size_t)b->nrar);
    for (int i = 0; i < b->nrar; i++) {
        msgpack_pack_map(pk, 2);
        club_pk_kv_str(pk, "rarity", b->rar[i].name);
        club_pk_kv_int(pk, "probability", b->rar[i].probability);
    }
    club_pk_str(pk, "pity");
    msgpack_pack_map(pk, 3);
    club_pk_kv_int(pk, "soft", b->soft);
    club_pk_kv_int(pk, "hard", b->hard);
    club_pk_kv_int(pk, "step", b->step);
    if (f) {
        club_pk_str(pk, "featured");
        s_pack_item(pk, f, NULL);
    }
    club_pk_str(pk, "pools");
    msgpack_pack_map(pk, (size_t)b->nrar);
    for (int i = 0; i < b->nrar; i++) {
        club_pk_str(pk, b->rar[i].name);
        msgpack_pack_array(pk, b->rar[i].n);
        for (uint32_t j = 0; j < b->rar[i].n; j++)
            s_pack_item(pk, &b->rar[i].items[j], NULL);
    }
    club_pk_str(pk, "effective");
    msgpack_pack_map(pk, 2);
    club_pk_kv_str(pk, "rarity", b->rar[0].name);
    club_pk_kv_int(pk, "probability", gacha_effective_ppm(b));
    club_pk_kv_int(pk, "version", b->version);
    if (mine) {
        club_pk_str(pk, "player_pity");
        s_pack_pity_state(pk, b, *mine);
    }
}

/* The caller's pity on every banner, read from Postgres (not the pull path's cache: this
 * worker's shard owns the user, but the answer must be what is committed). */
static int s_read_pity(uint64_t user, upities_t *out)
{
    char uid[24];
    snprintf(uid, sizeof uid, "%llu", (unsigned long long)user);
    const char *p[] = {uid};
    PGresult *r = club_db_exec(
        S.db, "SELECT banner_id, count, guaranteed, pulls FROM gacha_pity WHERE user_id = $1", 1,
        p);
    if (!club_db_ok(S.db, r, "read pity")) {
        PQclear(r);
        return -1;
    }
    out->n = PQntuples(r);
    out->e = out->n ? club_calloc((size_t)out->n, sizeof *out->e) : NULL;
    for (int i = 0; i < out->n; i++) {
        int64_t v = 0;
        snprintf(out->e[i].banner, sizeof out->e[i].banner, "%s", PQgetvalue(r, i, 0));
        club_parse_i64(PQgetvalue(r, i, 1), &v);
        out->e[i].pity.count = (uint32_t)v;
        out->e[i].pity.guaranteed = PQgetvalue(r, i, 2)[0] == 't';
        club_parse_i64(PQgetvalue(r, i, 3), &out->e[i].pulls);
    }
    PQclear(r);
    return 0;
}

static upity_t *s_find_pity(const upities_t *ps, const char *banner)
{
    for (int i = 0; ps && i < ps->n; i++)
        if (!strcmp(ps->e[i].banner, banner)) return &ps->e[i];
    return NULL;
}

void op_gacha_banners(club_call_t *call)
{
    upities_t mine = {0};
    if (s_refresh() != 0 || s_read_pity(call->hdr.user, &mine) != 0) {
        s_unavailable(call);
        return;
    }
    int n = 0;
    for (int i = 0; i < S.ncur; i++)
        n += S.cur[i].active;
    msgpack_packer *pk = club_call_ok(call);
    msgpack_pack_map(pk, 1);
    club_pk_str(pk, "banners");
    msgpack_pack_array(pk, (size_t)n);
    for (int i = 0; i < S.ncur; i++) {
        if (!S.cur[i].active) continue;
        const upity_t *e = s_find_pity(&mine, S.cur[i].id);
        gacha_pity_t p = e ? e->pity : (gacha_pity_t){0, false};
        s_pack_banner(pk, S.cur[i].b, &p);
    }
    club_call_send(call, 0, 0, 0, 0);
    free(mine.e);
}

/* One banner at any version: what a verifier needs to re-compute an old pull. */
void op_gacha_banner(club_call_t *call)
{
    char id[GACHA_ID_MAX + 1];
    int64_t version = 0;
    club_mp_strcpy(club_mp_get(call->req.args, "banner_id"), id, sizeof id);
    club_mp_i64(club_mp_get(call->req.args, "version"), &version);
    if (s_refresh() != 0) {
        s_unavailable(call);
        return;
    }
    const current_t *c = s_current(id);
    if (!c) {
        club_call_error(call, CLUB_E_NOT_FOUND, "no banner %s; gacha.banners lists them", id);
        return;
    }
    if (version > c->b->version) {
        club_call_error(call, CLUB_E_NOT_FOUND, "banner %s has versions 1 to %d", id,
                        c->b->version);
        return;
    }
    const gacha_banner_t *b = version ? s_version(id, (int)version) : c->b;
    if (!b) {
        s_unavailable(call);
        return;
    }
    msgpack_packer *pk = club_call_ok(call);
    msgpack_pack_map(pk, 1);
    club_pk_str(pk, "banner");
    s_pack_banner(pk, b, NULL);
    club_call_send(call, 0, 0, 0, 0);
}

/* ---- the per-user state: pity per banner ---- */

static void s_drop(club_play_user_t *u)
{
    upities_t *ps = u->ext;
    if (ps) free(ps->e);
    free(ps);
    u->ext = NULL;
}

static int s_load(club_play_users_t *p, club_play_user_t *u)
{
    (void)p;
    if (s_refresh() != 0) return -1;
    upities_t *ps = club_calloc(1, sizeof *ps);
    if (s_read_pity(u->user, ps) != 0) {
        free(ps);
        return -1;
    }
    s_drop(u);
    u->ext = ps;
    return 0;
}

/* ---- gacha.pull ---- */

typedef struct {
    club_play_round_t round; /* first: the round machinery hands it back */
    char banner[GACHA_ID_MAX + 1];
    const gacha_banner_t *b; /* the version the round was computed at */
    int count;
    gacha_pity_t after;
    int64_t pulls_after;
} pull_t;

/* The round at the user's current nonce: the pulls, the reply, and its settle. */
static void s_pull_build(club_play_round_t *r)
{
    pull_t *pl = (pull_t *)r;
    club_play_user_t *u = r->u;
    const current_t *c = s_current(pl->banner);
    if (c) pl->b = c->b; /* after a refused round: the version that is current now */
    const gacha_banner_t *b = pl->b;
    const upity_t *e = s_find_pity(u->ext, pl->banner);
    gacha_pity_t pity = e ? e->pity : (gacha_pity_t){0, false}, before = pity;
    int64_t seq = e ? e->pulls : 0;

    club_fair_t rng;
    club_fair_init(&rng, u->server_seed, u->client_seed, (uint64_t)u->next_nonce);
    gacha_draw_t d[GACHA_MAX_COUNT];
    for (int i = 0; i < pl->count; i++)
        gacha_pull(b, &rng, &pity, &d[i]);
    pl->after = pity;
    pl->pulls_after = seq + pl->count;
    char round_id[17];
    club_play_round_id(u, u->next_nonce, round_id);
    int64_t total = b->cost * pl->count;

    /* The reply without the balance, which the wallet adds after the commit. */
    msgpack_sbuffer data;
    msgpack_sbuffer_init(&data);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &data, msgpack_sbuffer_write);
    msgpack_pack_map(&pk, 8);
    club_pk_kv_str(&pk, "round_id", round_id);
    club_pk_kv_str(&pk, "banner_id", b->id);
    club_pk_kv_int(&pk, "version", b->version);
    club_pk_str(&pk, "items");
    msgpack_pack_array(&pk, (size_t)pl->count);
    for (int i = 0; i < pl->count; i++) {
        msgpack_pack_map(&pk, 5);
        club_pk_kv_int(&pk, "item_id", d[i].item->id);
        club_pk_kv_str(&pk, "name", d[i].item->name);
        club_pk_kv_str(&pk, "rarity", b->rar[d[i].rarity].name);
        club_pk_kv_int(&pk, "pity_before", d[i].pity_before);
        club_pk_kv_bool(&pk, "featured", d[i].featured);
    }
    club_pk_str(&pk, "pity");
    s_pack_pity_state(&pk, b, pity);
    club_pk_str(&pk, "pity_before");
    msgpack_pack_map(&pk, 2);
    club_pk_kv_int(&pk, "count", before.count);
    club_pk_kv_bool(&pk, "guaranteed", before.guaranteed);
    s_pack_cost(&pk, "cost", b->cost_currency, total);
    club_play_pack_proof(&pk, u);

    char derived[32];
    snprintf(derived, sizeof derived, "round:%s", round_id);
    pk = club_play_settle_begin(r, derived, 6);
    club_pk_str(&pk, "moves");
    msgpack_pack_array(&pk, 1);
    msgpack_pack_map(&pk, 3);
    club_pk_kv_str(&pk, "currency", b->cost_currency);
    club_pk_kv_int(&pk, "delta", -total);
    club_pk_kv_str(&pk, "reason", "gacha");
    club_pk_kv_str(&pk, "counter", "gacha");
    club_pk_kv_str(&pk, "ref", round_id);
    club_pk_str(&pk, "facts");
    msgpack_pack_array(&pk, 2);
    club_play_pack_round_fact(&pk, u, round_id, "gacha", total, 0);
    msgpack_pack_map(&pk, 3);
    club_pk_kv_str(&pk, "kind", "gacha_pull");
    club_pk_kv_str(&pk, "ref", round_id);
    club_pk_str(&pk, "data");
    msgpack_pack_map(&pk, 6);
    club_pk_kv_str(&pk, "banner", b->id);
    club_pk_kv_int(&pk, "version", b->version);
    club_pk_kv_int(&pk, "seq", seq);
    club_pk_kv_int(&pk, "count", pity.count);
    club_pk_kv_bool(&pk, "guaranteed", pity.guaranteed);
    club_pk_str(&pk, "items");
    msgpack_pack_array(&pk, (size_t)pl->count);
    for (int i = 0; i < pl->count; i++) {
        msgpack_pack_map(&pk, 4);
        club_pk_kv_int(&pk, "item", d[i].item->id);
        club_pk_kv_str(&pk, "rarity", b->rar[d[i].rarity].name);
        club_pk_kv_int(&pk, "pity", d[i].pity_before);
        club_pk_kv_bool(&pk, "featured", d[i].featured);
    }
    club_pk_str(&pk, "reply");
    msgpack_pack_bin(&pk, data.size);
    msgpack_pack_bin_body(&pk, data.data, data.size);
    club_pk_kv_str(&pk, "style", "nested");
    msgpack_sbuffer_destroy(&data);
}

static void s_pull_applied(club_play_round_t *r, bool replayed)
{
    pull_t *pl = (pull_t *)r;
    if (replayed) return; /* the user's state reloads before their next round */
    upities_t *ps = r->u->ext;
    upity_t *e = s_find_pity(ps, pl->banner);
    if (!e) {
        ps->e = club_realloc(ps->e, (size_t)(ps->n + 1) * sizeof *ps->e);
        e = &ps->e[ps->n++];
        snprintf(e->banner, sizeof e->banner, "%s", pl->banner);
    }
    e->pity = pl->after;
    e->pulls = pl->pulls_after;
}

static const club_play_kind_t s_pull_kind = {
    .build = s_pull_build,
    .applied = s_pull_applied,
    .no_funds = "not enough for this pull; buy gems in the shop or claim the daily bonus",
    .unavailable = "the gacha is unavailable; retry with the same idem",
};

static void s_pull(club_play_users_t *p, club_play_user_t *u, club_call_t *call)
{
    char id[GACHA_ID_MAX + 1];
    int64_t count = 0;
    club_mp_strcpy(club_mp_get(call->req.args, "banner_id"), id, sizeof id);
    club_mp_i64(club_mp_get(call->req.args, "count"), &count);
    if (count != 1 && count != GACHA_MAX_COUNT) {
        club_call_error(call, CLUB_E_LIMIT, "count must be 1 or 10");
        return;
    }
    const current_t *c = s_current(id);
    if (!c || !c->active) {
        club_call_error(call, CLUB_E_NOT_FOUND, "no banner %s open; gacha.banners lists them", id);
        return;
    }
    pull_t *pl = club_calloc(1, sizeof *pl);
    pl->round = (club_play_round_t){.p = p, .u = u, .call = call, .kind = &s_pull_kind};
    snprintf(pl->banner, sizeof pl->banner, "%s", id);
    pl->b = c->b;
    pl->count = (int)count;
    club_play_round_start(&pl->round);
}

/* ---- gacha.history, inventory.list ---- */

/* Replies {key: [rows]} and frees r. */
static void s_reply_rows(club_call_t *call, PGresult *r, const char *key, const club_db_col_t *cols,
                         int ncols)
{
    msgpack_packer *pk = club_call_ok(call);
    msgpack_pack_map(pk, 1);
    club_pk_str(pk, key);
    club_db_pack_rows(pk, r, cols, ncols);
    club_call_send(call, 0, 0, 0, 0);
    PQclear(r);
}

void op_gacha_history(club_call_t *call)
{
    int64_t limit = 20, before = 0;
    char banner[GACHA_ID_MAX + 1] = "";
    const msgpack_object *a = call->req.args;
    club_mp_i64(club_mp_get(a, "limit"), &limit);
    club_mp_i64(club_mp_get(a, "before"), &before);
    club_mp_strcpy(club_mp_get(a, "banner_id"), banner, sizeof banner);
    char uid[24], lim[24], bef[24];
    snprintf(uid, sizeof uid, "%llu", (unsigned long long)call->hdr.user);
    snprintf(lim, sizeof lim, "%lld", (long long)limit);
    snprintf(bef, sizeof bef, "%lld", (long long)before);
    const char *p[] = {uid, lim, bef, banner};
    PGresult *r = club_db_exec(S.db,
                               "SELECT p.id, p.round_id, p.banner_id, p.item_id, i.name, p.rarity, "
                               "p.pity_before, (extract(epoch from p.created_at)*1000)::bigint "
                               "FROM gacha_pulls p JOIN items i ON i.id = p.item_id "
                               "WHERE p.user_id = $1 AND ($3::bigint = 0 OR p.id < $3::bigint) "
                               "AND ($4 = '' OR p.banner_id = $4) ORDER BY p.id DESC LIMIT $2",
                               4, p);
    if (!club_db_ok(S.db, r, "pull history")) {
        PQclear(r);
        s_unavailable(call);
        return;
    }
    static const club_db_col_t cols[] = {
        {"id", CLUB_COL_INT},          {"round_id", CLUB_COL_STR}, {"banner_id", CLUB_COL_STR},
        {"item_id", CLUB_COL_INT},     {"name", CLUB_COL_STR},     {"rarity", CLUB_COL_STR},
        {"pity_before", CLUB_COL_INT}, {"at", CLUB_COL_INT},
    };
    s_reply_rows(call, r, "pulls", cols, CLUB_ARRAY_LEN(cols));
}

void op_inventory_list(club_call_t *call)
{
    char uid[24];
    snprintf(uid, sizeof uid, "%llu", (unsigned long long)call->hdr.user);
    const char *p[] = {uid};
    PGresult *r = club_db_exec(S.db,
                               "SELECT v.item_id, i.name, i.rarity, v.qty FROM inventory v "
                               "JOIN items i ON i.id = v.item_id "
                               "WHERE v.user_id = $1 AND v.qty > 0 ORDER BY v.item_id",
                               1, p);
    if (!club_db_ok(S.db, r, "inventory")) {
        PQclear(r);
        s_unavailable(call);
        return;
    }
    static const club_db_col_t cols[] = {
        {"item_id", CLUB_COL_INT},
        {"name", CLUB_COL_STR},
        {"rarity", CLUB_COL_STR},
        {"qty", CLUB_COL_INT},
    };
    s_reply_rows(call, r, "items", cols, CLUB_ARRAY_LEN(cols));
}

/* ---- the shop ---- */

typedef struct {
    gacha_item_t item;
    char rarity[16];
    int64_t qty;
} offer_item_t;

typedef struct {
    char sku[GACHA_ID_MAX + 1];
    char name[64];
    char currency[8];
    int64_t price, coins, gems;
    int nitems;
    offer_item_t items[MAX_OFFER_ITM];
} offer_t;

/* Reads the active offers (all, or the one of sku) into out; returns how many, or -1. */
static int s_offers(const char *sku, offer_t *out, int cap)
{
    const char *p[] = {sku};
    PGresult *r = club_db_exec(S.db,
                               "SELECT sku, name, price_currency, price_amount, grant_coins, "
                               "grant_gems FROM shop_offers WHERE active AND ($1 = '' OR sku = $1) "
                               "ORDER BY sort, sku LIMIT 100",
                               1, p);
    if (!club_db_ok(S.db, r, "shop offers")) {
        PQclear(r);
        return -1;
    }
    int n = PQntuples(r) < cap ? PQntuples(r) : cap;
    for (int i = 0; i < n; i++) {
        offer_t *o = &out[i];
        memset(o, 0, sizeof *o);
        snprintf(o->sku, sizeof o->sku, "%s", PQgetvalue(r, i, 0));
        snprintf(o->name, sizeof o->name, "%s", PQgetvalue(r, i, 1));
        snprintf(o->currency, sizeof o->currency, "%s", PQgetvalue(r, i, 2));
        club_parse_i64(PQgetvalue(r, i, 3), &o->price);
        club_parse_i64(PQgetvalue(r, i, 4), &o->coins);
        club_parse_i64(PQgetvalue(r, i, 5), &o->gems);
    }
    PQclear(r);
    r = club_db_exec(S.db,
                     "SELECT s.sku, i.id, i.name, i.rarity, s.qty FROM shop_offer_items s "
                     "JOIN items i ON i.id = s.item_id WHERE ($1 = '' OR s.sku = $1) "
                     "ORDER BY s.sku, i.id",
                     1, p);
    if (!club_db_ok(S.db, r, "shop offer items")) {
        PQclear(r);
        return -1;
    }
    for (int k = 0; k < PQntuples(r); k++) {
        offer_t *o = NULL;
        for (int i = 0; i < n && !o; i++)
            if (!strcmp(out[i].sku, PQgetvalue(r, k, 0))) o = &out[i];
        if (!o || o->nitems == MAX_OFFER_ITM) continue;
        offer_item_t *it = &o->items[o->nitems++];
        club_parse_i64(PQgetvalue(r, k, 1), &it->item.id);
        snprintf(it->item.name, sizeof it->item.name, "%s", PQgetvalue(r, k, 2));
        snprintf(it->rarity, sizeof it->rarity, "%s", PQgetvalue(r, k, 3));
        club_parse_i64(PQgetvalue(r, k, 4), &it->qty);
    }
    PQclear(r);
    return n;
}

static void s_pack_grants(msgpack_packer *pk, const offer_t *o)
{
    msgpack_pack_map(pk, (o->coins > 0) + (o->gems > 0) + (o->nitems > 0));
    if (o->coins > 0) club_pk_kv_int(pk, "coins", o->coins);
    if (o->gems > 0) club_pk_kv_int(pk, "gems", o->gems);
    if (o->nitems > 0) {
        club_pk_str(pk, "items");
        msgpack_pack_array(pk, (size_t)o->nitems);
        for (int i = 0; i < o->nitems; i++) {
            msgpack_pack_map(pk, 4);
            club_pk_kv_int(pk, "item_id", o->items[i].item.id);
            club_pk_kv_str(pk, "name", o->items[i].item.name);
            club_pk_kv_str(pk, "rarity", o->items[i].rarity);
            club_pk_kv_int(pk, "qty", o->items[i].qty);
        }
    }
}

void op_shop_catalog(club_call_t *call)
{
    offer_t *offers = club_calloc(100, sizeof *offers);
    int n = s_offers("", offers, 100);
    if (n < 0) {
        free(offers);
        s_unavailable(call);
        return;
    }
    msgpack_packer *pk = club_call_ok(call);
    msgpack_pack_map(pk, 1);
    club_pk_str(pk, "offers");
    msgpack_pack_array(pk, (size_t)n);
    for (int i = 0; i < n; i++) {
        msgpack_pack_map(pk, 4);
        club_pk_kv_str(pk, "sku", offers[i].sku);
        club_pk_kv_str(pk, "name", offers[i].name);
        s_pack_cost(pk, "price", offers[i].currency, offers[i].price);
        club_pk_str(pk, "grants");
        s_pack_grants(pk, &offers[i]);
    }
    club_call_send(call, 0, 0, 0, 0);
    free(offers);
}

typedef struct {
    club_play_round_t round; /* first */
    offer_t offer;
    char derived[40]; /* the idem when the client sent none: one purchase, sent again as one */
} buy_t;

static void s_buy_build(club_play_round_t *r)
{
    buy_t *by = (buy_t *)r;
    const offer_t *o = &by->offer;
    msgpack_sbuffer data;
    msgpack_sbuffer_init(&data);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &data, msgpack_sbuffer_write);
    msgpack_pack_map(&pk, 2);
    club_pk_kv_str(&pk, "sku", o->sku);
    club_pk_str(&pk, "granted");
    s_pack_grants(&pk, o);

    char ref[48];
    snprintf(ref, sizeof ref, "shop:%s", o->sku);
    pk = club_play_settle_begin(r, by->derived, 5 + (o->nitems > 0));
    club_pk_str(&pk, "moves");
    msgpack_pack_array(&pk, 1 + (o->coins > 0) + (o->gems > 0));
    msgpack_pack_map(&pk, 3); /* the price first: it must be covered before anything is added */
    club_pk_kv_str(&pk, "currency", o->currency);
    club_pk_kv_int(&pk, "delta", -o->price);
    club_pk_kv_str(&pk, "reason", "shop");
    const char *cur[] = {"coins", "gems"};
    const int64_t amt[] = {o->coins, o->gems};
    for (int i = 0; i < 2; i++) {
        if (amt[i] <= 0) continue;
        msgpack_pack_map(&pk, 3);
        club_pk_kv_str(&pk, "currency", cur[i]);
        club_pk_kv_int(&pk, "delta", amt[i]);
        club_pk_kv_str(&pk, "reason", "shop");
    }
    club_pk_kv_str(&pk, "counter", "shop");
    club_pk_kv_str(&pk, "ref", ref);
    if (o->nitems > 0) {
        club_pk_str(&pk, "facts");
        msgpack_pack_array(&pk, 1);
        msgpack_pack_map(&pk, 3);
        club_pk_kv_str(&pk, "kind", "items");
        club_pk_kv_str(&pk, "ref", ref);
        club_pk_str(&pk, "data");
        msgpack_pack_map(&pk, 2);
        club_pk_kv_str(&pk, "reason", "shop");
        club_pk_str(&pk, "items");
        msgpack_pack_array(&pk, (size_t)o->nitems);
        for (int i = 0; i < o->nitems; i++) {
            msgpack_pack_map(&pk, 2);
            club_pk_kv_int(&pk, "item", o->items[i].item.id);
            club_pk_kv_int(&pk, "qty", o->items[i].qty);
        }
    }
    club_pk_str(&pk, "reply");
    msgpack_pack_bin(&pk, data.size);
    msgpack_pack_bin_body(&pk, data.data, data.size);
    club_pk_kv_str(&pk, "style", "nested");
    msgpack_sbuffer_destroy(&data);
}

static const club_play_kind_t s_buy_kind = {
    .build = s_buy_build,
    .no_nonce = true,
    .no_funds = "not enough for this offer; claim the daily bonus or pick a cheaper one",
    .unavailable = "the shop is unavailable; retry with the same idem",
};

static void s_buy(club_play_users_t *p, club_play_user_t *u, club_call_t *call)
{
    char sku[GACHA_ID_MAX + 1];
    club_mp_strcpy(club_mp_get(call->req.args, "sku"), sku, sizeof sku);
    buy_t *by = club_calloc(1, sizeof *by);
    int n = s_offers(sku, &by->offer, 1);
    if (n != 1) {
        free(by);
        if (n < 0)
            club_call_error(call, CLUB_E_UNAVAILABLE, "the shop is unavailable; try again");
        else
            club_call_error(call, CLUB_E_NOT_FOUND, "no offer %s; shop.catalog lists them", sku);
        return;
    }
    uint8_t tok[8];
    char hex[17];
    if (club_random(tok, sizeof tok) != 0) {
        free(by);
        club_call_error(call, CLUB_E_INTERNAL, "could not start the purchase; try again");
        return;
    }
    club_hex(tok, sizeof tok, hex);
    snprintf(by->derived, sizeof by->derived, "shop:%s", hex);
    by->round = (club_play_round_t){.p = p, .u = u, .call = call, .kind = &s_buy_kind};
    club_play_round_start(&by->round);
}

void op_shop_buy(club_call_t *call)
{
    club_play_enter(&S.users, call, U_BUY);
}

void op_gacha_pull(club_call_t *call)
{
    club_play_enter(&S.users, call, U_PULL);
}

static void s_run(club_play_users_t *p, club_play_user_t *u, club_call_t *call)
{
    if (call->tag == U_PULL)
        s_pull(p, u, call);
    else
        s_buy(p, u, call);
}

/* ---- gacha.rates.set (internal: the admin console) ---- */

/* A new version of a banner's rates (store.c checks and writes it). */
void op_gacha_rates_set(club_call_t *call)
{
    const msgpack_object *a = call->req.args;
    char id[GACHA_ID_MAX + 1], note[201] = "", by[65] = "admin";
    club_mp_strcpy(club_mp_get(a, "banner_id"), id, sizeof id);
    club_mp_strcpy(club_mp_get(a, "note"), note, sizeof note);
    club_mp_strcpy(club_mp_get(a, "by"), by, sizeof by);
    PGconn *conn = s_refresh() == 0 ? club_db_conn(S.db) : NULL;
    if (!conn) {
        s_unavailable(call);
        return;
    }
    const current_t *c = s_current(id);
    if (!c) {
        club_call_error(call, CLUB_E_NOT_FOUND, "no banner %s", id);
        return;
    }
    /* The schema has checked the shapes: 2-8 maps of a word rarity and an int probability. */
    const msgpack_object *rates = club_mp_get(a, "rates");
    const msgpack_object *pity = club_mp_get(a, "pity");
    char names[GACHA_MAX_RARITIES][16];
    const char *np[GACHA_MAX_RARITIES];
    uint32_t ppm[GACHA_MAX_RARITIES], pv[3];
    int n = (int)rates->via.array.size;
    for (int i = 0; i < n; i++) {
        int64_t v = 0;
        club_mp_strcpy(club_mp_get(&rates->via.array.ptr[i], "rarity"), names[i], sizeof names[i]);
        club_mp_i64(club_mp_get(&rates->via.array.ptr[i], "probability"), &v);
        np[i] = names[i];
        ppm[i] = (uint32_t)v;
    }
    bool has_pity = pity && pity->type == MSGPACK_OBJECT_MAP;
    static const char *const keys[] = {"soft", "hard", "step"};
    for (int i = 0; has_pity && i < 3; i++) {
        int64_t v = 0;
        club_mp_i64(club_mp_get(pity, keys[i]), &v);
        pv[i] = (uint32_t)v;
    }
    char err[300];
    int version = 0;
    int rc = gacha_rates_write(conn, c->b, np, ppm, n, has_pity ? pv : NULL, note, by, &version,
                               err, sizeof err);
    if (rc != 0) {
        if (rc > 0) {
            club_call_error(call, CLUB_E_BAD_REQUEST, "%s", err);
        } else {
            club_log(CLUB_ERROR, "gacha_rates", "%s", err);
            club_db_check(S.db);
            s_unavailable(call);
        }
        return;
    }
    s_refresh();
    club_log(CLUB_INFO, "gacha_rates", "banner %s version %d by %s: %s", id, version, by, note);
    msgpack_packer *pk = club_call_ok(call);
    msgpack_pack_map(pk, 2);
    club_pk_kv_str(pk, "banner_id", id);
    club_pk_kv_int(pk, "version", version);
    club_call_send(call, 0, 0, 0, 0);
}

/* ---- the domain ---- */

static void s_tick(club_actor_t *actor)
{
    (void)actor;
    club_play_evict(&S.users);
}

static int s_init(void)
{
    S.db = club_db_from_config("gacha");
    if (!S.db) return -1;
    club_play_users_init(&S.users, S.db);
    S.users.run = s_run;
    S.users.load = s_load;
    S.users.drop = s_drop;
    S.users.unavailable = "the gacha is unavailable; try again";
    if (s_refresh() != 0)
        club_log(CLUB_WARN, "gacha_banners", "banners could not be read yet; will retry");
    for (int i = 0; i < S.ncur; i++)
        club_log(CLUB_INFO, "gacha_banner", "%s version %d: effective %u ppm", S.cur[i].id,
                 S.cur[i].b->version, gacha_effective_ppm(S.cur[i].b));
    return 0;
}

static void s_fini(void)
{
    club_play_users_free(&S.users);
    for (size_t i = 0; i < S.nversions; i++) {
        gacha_banner_free(S.versions[i]);
        free(S.versions[i]);
    }
    free(S.versions);
    club_db_destroy(&S.db);
}

const club_domain_t club_domain_gacha = {
    .name = "gacha",
    .what = "gacha banners with disclosed odds and pity, pulls, inventory, the shop (sharded)",
    .shards = 1,
    .init = s_init,
    .fini = s_fini,
    .tick = s_tick,
};
