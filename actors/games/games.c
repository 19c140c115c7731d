/* games: provably-fair seeds, the slot, roulette and rock-paper-scissors.
 *
 * A user's seeds, nonce and rounds go through lib/play (one round at a time per user, the
 * nonce cached and re-read when in doubt, the settle sent again after a lost answer); this
 * file is the games' rules and replies. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "db.h"
#include "domains.h"
#include "fair.h"
#include "stakes.h"
#include "log.h"
#include "play.h"
#include "roulette.h"
#include "rps.h"
#include "slot.h"
#include "util.h"

/* The ops that need the user's seeds and nonce, run one at a time per user (club_play_enter). */
typedef enum { U_SLOT, U_ROULETTE, U_RPS, U_SEEDS, U_ROTATE } uop_t;

static struct {
    club_db_t *db;
    club_play_users_t users;
} S;

/* ---- fair.* ---- */

static void s_seeds(club_play_user_t *u, club_call_t *call)
{
    msgpack_packer *pk = club_call_ok(call);
    msgpack_pack_map(pk, 3);
    club_pk_kv_str(pk, "server_seed_hash", u->seed_hash);
    club_pk_kv_str(pk, "client_seed", u->client_seed);
    club_pk_kv_int(pk, "nonce", u->next_nonce);
    club_call_send(call, 0, 0, 0, 0);
}

static void s_rotate(club_play_user_t *u, club_call_t *call)
{
    char client[CLUB_CLIENT_SEED_MAX + 1];
    const msgpack_object *cs = club_mp_get(call->req.args, "client_seed");
    if (cs && cs->type != MSGPACK_OBJECT_NIL) {
        if (!club_mp_is_str(cs) || !club_fair_client_seed_ok(cs->via.str.ptr, cs->via.str.size)) {
            club_call_error(call, CLUB_E_BAD_REQUEST,
                            "client_seed must be 1-64 characters of letters, digits, _ . -");
            return;
        }
        memcpy(client, cs->via.str.ptr, cs->via.str.size);
        client[cs->via.str.size] = 0;
    } else {
        snprintf(client, sizeof client, "%s", u->client_seed); /* keep the player's seed */
    }
    char seed[CLUB_SEED_HEX + 1], hash[65], uid[24], sid[24];
    if (club_fair_new_server_seed(seed, hash)) {
        club_call_error(call, CLUB_E_INTERNAL, "could not make a new seed");
        return;
    }
    snprintf(uid, sizeof uid, "%llu", (unsigned long long)u->user);
    snprintf(sid, sizeof sid, "%lld", (long long)u->seed_id);
    const char *p[] = {sid, uid, seed, hash, client};
    /* One statement, so the reveal and the new pair commit together. */
    PGresult *r =
        club_db_exec(S.db,
                     "WITH old AS (UPDATE fair_seeds SET active = false, revealed_at = now() "
                     "WHERE id = $1 AND active RETURNING id) "
                     "INSERT INTO fair_seeds (user_id, server_seed, server_seed_hash, client_seed) "
                     "SELECT $2, $3, $4, $5 FROM old RETURNING id",
                     5, p);
    if (!club_db_ok(S.db, r, "rotate seeds") || PQntuples(r) != 1) {
        PQclear(r);
        u->loaded = false;
        club_call_error(call, CLUB_E_UNAVAILABLE, "could not rotate the seeds; try again");
        return;
    }
    char revealed[CLUB_SEED_HEX + 1];
    snprintf(revealed, sizeof revealed, "%s", u->server_seed);
    club_parse_i64(PQgetvalue(r, 0, 0), &u->seed_id);
    PQclear(r);
    snprintf(u->server_seed, sizeof u->server_seed, "%s", seed);
    snprintf(u->seed_hash, sizeof u->seed_hash, "%s", hash);
    snprintf(u->client_seed, sizeof u->client_seed, "%s", client);
    u->next_nonce = 0;
    msgpack_packer *pk = club_call_ok(call);
    msgpack_pack_map(pk, 4);
    club_pk_kv_str(pk, "revealed_server_seed", revealed);
    club_pk_kv_str(pk, "server_seed_hash", hash);
    club_pk_kv_str(pk, "client_seed", client);
    club_pk_kv_int(pk, "nonce", 0);
    club_call_send(call, 0, 0, 0, 0);
}

/* ---- slot ---- */

void op_slot_info(club_call_t *call)
{
    const slot_def_t *d = slot_default();
    const game_limits_t *lim = game_limits(call->hdr.rank);
    int64_t min = lim->min, max = lim->max;
    msgpack_packer *pk = club_call_ok(call);
    msgpack_pack_map(pk, 5);
    club_pk_str(pk, "reels");
    msgpack_pack_array(pk, SLOT_REELS);
    for (int r = 0; r < SLOT_REELS; r++) {
        msgpack_pack_array(pk, d->lens[r]);
        for (uint32_t i = 0; i < d->lens[r]; i++)
            club_pk_str(pk, slot_symbol_name(d->strips[r][i]));
    }
    club_pk_str(pk, "paylines");
    msgpack_pack_array(pk, d->nlines);
    for (uint32_t l = 0; l < d->nlines; l++) {
        msgpack_pack_array(pk, SLOT_REELS);
        for (int r = 0; r < SLOT_REELS; r++)
            msgpack_pack_uint8(pk, d->lines[l][r]);
    }
    club_pk_str(pk, "paytable");
    msgpack_pack_array(pk, d->npays);
    for (size_t i = 0; i < d->npays; i++) {
        msgpack_pack_map(pk, 3);
        club_pk_kv_str(pk, "symbol", slot_symbol_name(d->pays[i].symbol));
        club_pk_kv_int(pk, "count", d->pays[i].count);
        club_pk_kv_int(pk, "multiplier", d->pays[i].multiplier);
    }
    club_pk_str(pk, "rtp");
    msgpack_pack_double(pk, slot_rtp_exact(d, NULL, NULL));
    club_pk_str(pk, "bet");
    msgpack_pack_map(pk, 2);
    club_pk_kv_int(pk, "min", min);
    club_pk_kv_int(pk, "max", max);
    club_call_send(call, 0, 0, 0, 0);
}

/* ---- playing a round (every game) ---- */

typedef enum { G_SLOT, G_ROULETTE, G_RPS } game_t;
static const char *const s_game_names[] = {"slot", "roulette", "rps"};

typedef struct {
    club_play_round_t round; /* first: the round machinery hands it back */
    game_t game;
    int64_t bet; /* total staked */
    int nbets;
    roulette_bet_t bets[ROULETTE_MAX_BETS];
    int choice;
} play_ctx_t;

/* Packs the game's own fields of the reply (between round_id and proof) and returns the win.
 * *nfields receives how many key/value pairs it packed. */
static int64_t s_outcome(const play_ctx_t *ctx, club_fair_t *rng, msgpack_packer *pk,
                         uint32_t *nfields)
{
    if (ctx->game == G_SLOT) {
        slot_result_t res;
        slot_spin(slot_default(), rng, ctx->bet, &res);
        *nfields = 3;
        club_pk_str(pk, "reels");
        msgpack_pack_array(pk, SLOT_REELS);
        for (int r = 0; r < SLOT_REELS; r++) {
            msgpack_pack_array(pk, SLOT_ROWS);
            for (int row = 0; row < SLOT_ROWS; row++)
                club_pk_str(pk, slot_symbol_name(res.grid[r][row]));
        }
        club_pk_str(pk, "lines");
        msgpack_pack_array(pk, res.nwins);
        for (uint32_t i = 0; i < res.nwins; i++) {
            msgpack_pack_map(pk, 4);
            club_pk_kv_int(pk, "line", res.wins[i].line);
            club_pk_kv_str(pk, "symbol", slot_symbol_name(res.wins[i].symbol));
            club_pk_kv_int(pk, "count", res.wins[i].count);
            club_pk_kv_int(pk, "win", res.wins[i].win);
        }
        club_pk_kv_int(pk, "win", res.win);
        return res.win;
    }
    if (ctx->game == G_ROULETTE) {
        int number = roulette_spin_number(rng);
        int64_t win = 0;
        *nfields = 4;
        club_pk_kv_int(pk, "number", number);
        club_pk_kv_str(pk, "color", roulette_color(number));
        club_pk_str(pk, "bets");
        msgpack_pack_array(pk, (size_t)ctx->nbets);
        for (int i = 0; i < ctx->nbets; i++) {
            const roulette_bet_t *b = &ctx->bets[i];
            int lo, hi;
            bool has_value = roulette_type_has_value(b->type, &lo, &hi);
            int64_t w = roulette_payout(b, number);
            win += w;
            msgpack_pack_map(pk, has_value ? 4 : 3);
            club_pk_kv_str(pk, "type", roulette_type_name(b->type));
            if (has_value) club_pk_kv_int(pk, "value", b->value);
            club_pk_kv_int(pk, "amount", b->amount);
            club_pk_kv_int(pk, "win", w);
        }
        club_pk_kv_int(pk, "win", win);
        return win;
    }
    int house = rps_house(rng);
    int result = rps_result(ctx->choice, house);
    int64_t win = rps_payout(result, ctx->bet);
    *nfields = 4;
    club_pk_kv_str(pk, "choice", rps_choice_name(ctx->choice));
    club_pk_kv_str(pk, "house", rps_choice_name(house));
    club_pk_kv_str(pk, "result", rps_result_name(result));
    club_pk_kv_int(pk, "win", win);
    return win;
}

/* The settle of the round at the current nonce: the bet out, the win in and the round as a
 * fact, in one transaction. */
static void s_build(club_play_round_t *r)
{
    play_ctx_t *ctx = (play_ctx_t *)r;
    club_play_user_t *u = r->u;
    club_fair_t rng;
    club_fair_init(&rng, u->server_seed, u->client_seed, (uint64_t)u->next_nonce);
    char round_id[17];
    club_play_round_id(u, u->next_nonce, round_id);

    /* The reply's data without the balance; the wallet adds it after the commit. The game's
     * fields go to a side buffer first, because the map header needs their count. */
    msgpack_sbuffer fields, data;
    msgpack_sbuffer_init(&fields);
    msgpack_sbuffer_init(&data);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &fields, msgpack_sbuffer_write);
    uint32_t nfields = 0;
    int64_t win = s_outcome(ctx, &rng, &pk, &nfields);
    msgpack_packer_init(&pk, &data, msgpack_sbuffer_write);
    msgpack_pack_map(&pk, nfields + 2);
    club_pk_kv_str(&pk, "round_id", round_id);
    msgpack_sbuffer_write(&data, fields.data, fields.size);
    club_play_pack_proof(&pk, u);

    char derived[32];
    snprintf(derived, sizeof derived, "round:%s", round_id);
    pk = club_play_settle_begin(r, derived, 6);
    club_pk_str(&pk, "moves");
    msgpack_pack_array(&pk, 2);
    msgpack_pack_map(&pk, 3);
    club_pk_kv_str(&pk, "currency", "coins");
    club_pk_kv_int(&pk, "delta", -ctx->bet);
    club_pk_kv_str(&pk, "reason", "bet");
    msgpack_pack_map(&pk, 3);
    club_pk_kv_str(&pk, "currency", "coins");
    club_pk_kv_int(&pk, "delta", win);
    club_pk_kv_str(&pk, "reason", "win");
    club_pk_kv_str(&pk, "counter", "house");
    club_pk_kv_str(&pk, "ref", round_id);
    club_pk_str(&pk, "facts");
    msgpack_pack_array(&pk, 1);
    club_play_pack_round_fact(&pk, u, round_id, s_game_names[ctx->game], ctx->bet, win);
    club_pk_str(&pk, "reply");
    msgpack_pack_bin(&pk, data.size);
    msgpack_pack_bin_body(&pk, data.data, data.size);
    club_pk_kv_str(&pk, "style", "nested");
    msgpack_sbuffer_destroy(&fields);
    msgpack_sbuffer_destroy(&data);
}

static const club_play_kind_t s_kind = {
    .build = s_build,
    .no_funds = "not enough coins for this bet; lower it or claim the daily bonus",
    .unavailable = "games are unavailable; retry with the same idem",
};

/* Each game's checks of what the op schema cannot know (the limits of the caller's rank, a
 * roulette bet's value by its type). The schema has checked the shapes: bet is an integer,
 * each roulette bet has a known type and an integer amount, choice is rock, paper or
 * scissors. On success ctx is filled; on failure the call got its error. */
static bool s_stake_ok(club_call_t *call, int64_t bet, const char *what)
{
    const game_limits_t *lim = game_limits(call->hdr.rank);
    if (bet >= lim->min && bet <= lim->max) return true;
    club_call_error(call, CLUB_E_LIMIT, "%s must be from %lld to %lld coins for your rank", what,
                    (long long)lim->min, (long long)lim->max);
    return false;
}

static bool s_parse_slot(club_call_t *call, play_ctx_t *ctx)
{
    const game_limits_t *lim = game_limits(call->hdr.rank);
    club_mp_i64(club_mp_get(call->req.args, "bet"), &ctx->bet);
    if (ctx->bet < lim->min || ctx->bet > lim->max || ctx->bet % SLOT_LINES) {
        club_call_error(call, CLUB_E_LIMIT,
                        "bet must be a multiple of %d from %lld to %lld for your rank", SLOT_LINES,
                        (long long)lim->min, (long long)lim->max);
        return false;
    }
    return true;
}

static bool s_parse_roulette(club_call_t *call, play_ctx_t *ctx)
{
    const msgpack_object *bets = club_mp_get(call->req.args, "bets");
    ctx->bet = 0;
    for (uint32_t i = 0; i < bets->via.array.size; i++) {
        const msgpack_object *b = &bets->via.array.ptr[i];
        const msgpack_object *t = club_mp_get(b, "type");
        roulette_bet_t *rb = &ctx->bets[i];
        rb->type = (roulette_bet_type_t)roulette_type_from_name(t->via.str.ptr, t->via.str.size);
        const msgpack_object *v = club_mp_get(b, "value");
        bool has_v = v && v->type != MSGPACK_OBJECT_NIL;
        int lo, hi;
        if (roulette_type_has_value(rb->type, &lo, &hi)) {
            int64_t val;
            if (!has_v || !club_mp_i64(v, &val) || val < lo || val > hi) {
                club_call_error(call, CLUB_E_BAD_REQUEST, "bets[%u]: a %s bet needs value %d-%d",
                                i + 1, roulette_type_name(rb->type), lo, hi);
                return false;
            }
            rb->value = (int)val;
        } else if (has_v) {
            club_call_error(call, CLUB_E_BAD_REQUEST, "bets[%u]: a %s bet takes no value", i + 1,
                            roulette_type_name(rb->type));
            return false;
        }
        club_mp_i64(club_mp_get(b, "amount"), &rb->amount);
        char what[32];
        snprintf(what, sizeof what, "bets[%u].amount", i + 1);
        if (!s_stake_ok(call, rb->amount, what)) return false;
        ctx->bet += rb->amount;
    }
    ctx->nbets = (int)bets->via.array.size;
    const game_limits_t *lim = game_limits(call->hdr.rank);
    if (ctx->bet > lim->table_max) {
        club_call_error(call, CLUB_E_LIMIT,
                        "the bets total %lld; the table maximum for your rank is %lld",
                        (long long)ctx->bet, (long long)lim->table_max);
        return false;
    }
    return true;
}

static bool s_parse_rps(club_call_t *call, play_ctx_t *ctx)
{
    const msgpack_object *c = club_mp_get(call->req.args, "choice");
    ctx->choice = rps_choice_from_name(c->via.str.ptr, c->via.str.size);
    club_mp_i64(club_mp_get(call->req.args, "bet"), &ctx->bet);
    return s_stake_ok(call, ctx->bet, "bet");
}

static void s_play(club_play_users_t *p, club_play_user_t *u, club_call_t *call, game_t game)
{
    play_ctx_t *ctx = club_calloc(1, sizeof *ctx);
    ctx->round = (club_play_round_t){.p = p, .u = u, .call = call, .kind = &s_kind};
    ctx->game = game;
    bool ok = game == G_SLOT       ? s_parse_slot(call, ctx)
              : game == G_ROULETTE ? s_parse_roulette(call, ctx)
                                   : s_parse_rps(call, ctx);
    if (!ok) {
        free(ctx);
        return;
    }
    club_play_round_start(&ctx->round);
}

/* ---- info and history (no per-user state) ---- */

void op_roulette_info(club_call_t *call)
{
    const game_limits_t *lim = game_limits(call->hdr.rank);
    int64_t min = lim->min, max = lim->max, table = lim->table_max;
    msgpack_packer *pk = club_call_ok(call);
    msgpack_pack_map(pk, 4);
    club_pk_str(pk, "bet");
    msgpack_pack_map(pk, 2);
    club_pk_kv_int(pk, "min", min);
    club_pk_kv_int(pk, "max", max);
    club_pk_kv_int(pk, "table_max", table);
    club_pk_kv_int(pk, "max_bets", ROULETTE_MAX_BETS);
    club_pk_str(pk, "payouts");
    msgpack_pack_map(pk, RB__COUNT);
    for (int t = 0; t < RB__COUNT; t++) {
        roulette_bet_t b = {(roulette_bet_type_t)t, t == RB_STRAIGHT ? 17 : 1, 1};
        int64_t m = 0;
        for (int n = 0; n < ROULETTE_POCKETS && !m; n++)
            m = roulette_payout(&b, n);
        club_pk_kv_int(pk, roulette_type_name((roulette_bet_type_t)t), m);
    }
    club_call_send(call, 0, 0, 0, 0);
}

void op_rps_info(club_call_t *call)
{
    const game_limits_t *lim = game_limits(call->hdr.rank);
    int64_t min = lim->min, max = lim->max;
    msgpack_packer *pk = club_call_ok(call);
    msgpack_pack_map(pk, 1);
    club_pk_str(pk, "bet");
    msgpack_pack_map(pk, 2);
    club_pk_kv_int(pk, "min", min);
    club_pk_kv_int(pk, "max", max);
    club_call_send(call, 0, 0, 0, 0);
}

/* The stored round with its proof; the server seed is shown once it has been rotated out. */
void op_game_round(club_call_t *call)
{
    char id[40], uid[24];
    club_mp_strcpy(club_mp_get(call->req.args, "round_id"), id, sizeof id); /* schema: 1-39 */
    /* Round ids are lowercase hex; anything else names no round (and never reaches SQL). */
    if (!id[0] || strspn(id, "0123456789abcdef") != strlen(id)) {
        club_call_error(call, CLUB_E_NOT_FOUND, "no such round; a round id is lowercase hex");
        return;
    }
    snprintf(uid, sizeof uid, "%llu", (unsigned long long)call->hdr.user);
    const char *p[] = {id, uid};
    PGresult *r = club_db_exec(
        S.db,
        "SELECT r.game, r.bet, r.win, r.outcome, (extract(epoch from r.created_at)*1000)::bigint, "
        "s.server_seed_hash, s.client_seed, r.nonce, CASE WHEN s.active THEN NULL ELSE "
        "s.server_seed END FROM rounds r JOIN fair_seeds s ON s.id = r.seed_id "
        "WHERE r.id = $1 AND r.user_id = $2",
        2, p);
    if (!club_db_ok(S.db, r, "load round")) {
        PQclear(r);
        club_call_error(call, CLUB_E_UNAVAILABLE, "games are unavailable; try again");
        return;
    }
    if (PQntuples(r) != 1) {
        PQclear(r);
        club_call_error(call, CLUB_E_NOT_FOUND, "no round %s in your history", id);
        return;
    }
    size_t olen = 0;
    unsigned char *outcome = PQunescapeBytea((const unsigned char *)PQgetvalue(r, 0, 3), &olen);
    msgpack_unpacked up;
    if (!outcome || club_mp_decode(outcome, olen, &up) != 0) {
        PQfreemem(outcome);
        PQclear(r);
        club_call_error(call, CLUB_E_INTERNAL, "this round's record is unreadable");
        return;
    }
    int64_t bet = 0, win = 0, at = 0, nonce = 0;
    club_parse_i64(PQgetvalue(r, 0, 1), &bet);
    club_parse_i64(PQgetvalue(r, 0, 2), &win);
    club_parse_i64(PQgetvalue(r, 0, 4), &at);
    club_parse_i64(PQgetvalue(r, 0, 7), &nonce);
    bool revealed = !PQgetisnull(r, 0, 8);
    msgpack_packer *pk = club_call_ok(call);
    msgpack_pack_map(pk, 7);
    club_pk_kv_str(pk, "round_id", id);
    club_pk_kv_str(pk, "game", PQgetvalue(r, 0, 0));
    club_pk_kv_int(pk, "bet", bet);
    club_pk_kv_int(pk, "win", win);
    club_pk_kv_int(pk, "at", at);
    club_pk_str(pk, "outcome");
    msgpack_pack_object(pk, up.data);
    club_pk_str(pk, "proof");
    msgpack_pack_map(pk, revealed ? 4 : 3);
    club_pk_kv_str(pk, "server_seed_hash", PQgetvalue(r, 0, 5));
    club_pk_kv_str(pk, "client_seed", PQgetvalue(r, 0, 6));
    club_pk_kv_int(pk, "nonce", nonce);
    if (revealed) club_pk_kv_str(pk, "server_seed", PQgetvalue(r, 0, 8));
    club_call_send(call, 0, 0, 0, 0);
    msgpack_unpacked_destroy(&up);
    PQfreemem(outcome);
    PQclear(r);
}

static void s_run(club_play_users_t *p, club_play_user_t *u, club_call_t *call)
{
    switch ((uop_t)call->tag) {
    case U_SLOT:
        s_play(p, u, call, G_SLOT);
        break;
    case U_ROULETTE:
        s_play(p, u, call, G_ROULETTE);
        break;
    case U_RPS:
        s_play(p, u, call, G_RPS);
        break;
    case U_SEEDS:
        /* The gacha plays under the same pair in its own worker: the nonce is read afresh. */
        if (club_play_reload(p, u) != 0) {
            club_call_error(call, CLUB_E_UNAVAILABLE, "games are unavailable; try again");
            break;
        }
        s_seeds(u, call);
        break;
    case U_ROTATE:
        s_rotate(u, call);
        break;
    }
}

/* Idle users' state is dropped when the cache is large; it reloads from Postgres. */
static void s_tick(club_actor_t *actor)
{
    (void)actor;
    club_play_evict(&S.users);
}

/* The per-user ops queue behind a round in flight (club_play_enter); the rest need no user state.
 */
void op_fair_seeds(club_call_t *call)
{
    club_play_enter(&S.users, call, U_SEEDS);
}

void op_fair_rotate(club_call_t *call)
{
    club_play_enter(&S.users, call, U_ROTATE);
}

void op_slot_spin(club_call_t *call)
{
    club_play_enter(&S.users, call, U_SLOT);
}

void op_roulette_spin(club_call_t *call)
{
    club_play_enter(&S.users, call, U_ROULETTE);
}

void op_rps_play(club_call_t *call)
{
    club_play_enter(&S.users, call, U_RPS);
}

static int s_init(void)
{
    S.db = club_db_from_config("games");
    if (!S.db) return -1;
    club_play_users_init(&S.users, S.db);
    S.users.run = s_run;
    S.users.unavailable = "games are unavailable; try again";
    uint64_t num, den;
    double rtp = slot_rtp_exact(slot_default(), &num, &den);
    club_log(CLUB_INFO, "slot_rtp", "exact RTP %llu/%llu = %.6f", (unsigned long long)num,
             (unsigned long long)den, rtp);
    return 0;
}

static void s_fini(void)
{
    club_play_users_free(&S.users);
    club_db_destroy(&S.db);
}

const club_domain_t club_domain_games = {
    .name = "games",
    .what = "provably fair seeds, slot, roulette, rock-paper-scissors, past rounds (sharded)",
    .shards = 1,
    .init = s_init,
    .fini = s_fini,
    .tick = s_tick,
};
