#include "play.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "msg.h"
#include "util.h"

/* A settle whose answer is lost is sent again (it is idempotent: same idem, same round) until
 * the wallet answers: three tries of 1.5 s fit inside the edge's 5 s reply deadline, which
 * covers a wallet that died after COMMIT and was restarted. */
#define SETTLE_TIMEOUT_MS 1500
#define MAX_SENDS         3
#define MAX_STALE_RETRIES 3

void club_play_users_init(club_play_users_t *p, club_db_t *db)
{
    p->db = db;
    club_u64map_init(&p->users);
}

static void s_free_user(club_play_users_t *p, club_play_user_t *u)
{
    if (p->drop) p->drop(u);
    free(u);
}

void club_play_users_free(club_play_users_t *p)
{
    for (size_t i = 0; i < p->users.cap; i++)
        if (p->users.keys[i]) s_free_user(p, p->users.vals[i]);
    club_u64map_free(&p->users);
}

static club_play_user_t *s_user(club_play_users_t *p, uint64_t user)
{
    club_play_user_t *u = club_u64map_get(&p->users, user);
    if (!u) {
        u = club_calloc(1, sizeof *u);
        u->user = user;
        club_u64map_put(&p->users, user, u);
    }
    return u;
}

/* Loads (creating if needed) the active seed pair and the next nonce, then the domain's own
 * state. Returns 0 or -1. */
static int s_load(club_play_users_t *p, club_play_user_t *u)
{
    if (u->loaded) return 0;
    char uid[24];
    snprintf(uid, sizeof uid, "%llu", (unsigned long long)u->user);
    const char *pr[] = {uid};
    static const char SQL[] =
        "SELECT s.id, s.server_seed, s.server_seed_hash, s.client_seed, "
        "(SELECT coalesce(max(r.nonce) + 1, 0) FROM rounds r WHERE r.seed_id = s.id) "
        "FROM fair_seeds s WHERE s.user_id = $1 AND s.active";
    PGresult *r = club_db_exec(p->db, SQL, 1, pr);
    if (!club_db_ok(p->db, r, "load seeds")) {
        PQclear(r);
        return -1;
    }
    if (PQntuples(r) == 0) {
        PQclear(r);
        char seed[CLUB_SEED_HEX + 1], hash[65], client[17];
        if (club_fair_new_server_seed(seed, hash) || club_fair_new_client_seed(client)) return -1;
        const char *ip[] = {uid, seed, hash, client};
        r = club_db_exec(p->db,
                         "INSERT INTO fair_seeds (user_id, server_seed, server_seed_hash, "
                         "client_seed) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                         4, ip);
        bool ok = club_db_ok(p->db, r, "create seeds");
        PQclear(r);
        if (!ok) return -1;
        r = club_db_exec(p->db, SQL, 1, pr);
        if (!club_db_ok(p->db, r, "load seeds") || PQntuples(r) != 1) {
            PQclear(r);
            return -1;
        }
    }
    club_parse_i64(PQgetvalue(r, 0, 0), &u->seed_id);
    snprintf(u->server_seed, sizeof u->server_seed, "%s", PQgetvalue(r, 0, 1));
    snprintf(u->seed_hash, sizeof u->seed_hash, "%s", PQgetvalue(r, 0, 2));
    snprintf(u->client_seed, sizeof u->client_seed, "%s", PQgetvalue(r, 0, 3));
    club_parse_i64(PQgetvalue(r, 0, 4), &u->next_nonce);
    PQclear(r);
    if (p->load && p->load(p, u) != 0) return -1;
    u->loaded = true;
    return 0;
}

int club_play_reload(club_play_users_t *p, club_play_user_t *u)
{
    u->loaded = false;
    return s_load(p, u);
}

static void s_run(club_play_users_t *p, club_play_user_t *u, club_call_t *call)
{
    if (s_load(p, u) != 0) {
        club_call_error(call, CLUB_E_UNAVAILABLE, "%s", p->unavailable);
        return;
    }
    p->run(p, u, call);
}

/* Runs queued calls until one goes asynchronous (a round waiting for the wallet). */
static void s_next(club_play_users_t *p, club_play_user_t *u)
{
    while (!u->busy && u->qhead) {
        club_call_t *c = u->qhead;
        u->qhead = c->next;
        if (!u->qhead) u->qtail = NULL;
        c->next = NULL;
        s_run(p, u, c);
    }
}

void club_play_enter(club_play_users_t *p, club_call_t *call, uintptr_t tag)
{
    call->tag = tag;
    club_play_user_t *u = s_user(p, call->hdr.user);
    if (u->busy) {
        club_call_defer(call);
        if (u->qtail)
            u->qtail->next = call;
        else
            u->qhead = call;
        u->qtail = call;
        return;
    }
    s_run(p, u, call);
}

void club_play_evict(club_play_users_t *p)
{
    if (p->users.len < CLUB_PLAY_CACHE_MAX) return;
    for (size_t i = 0; i < p->users.cap; i++) {
        club_play_user_t *u = p->users.keys[i] ? p->users.vals[i] : NULL;
        if (u && !u->busy && !u->qhead) {
            club_u64map_del(&p->users, u->user);
            s_free_user(p, u);
            i--; /* backward shift may have moved another entry into slot i */
        }
    }
}

void club_play_round_id(const club_play_user_t *u, int64_t nonce, char out[17])
{
    char buf[96];
    uint8_t h[32];
    int n = snprintf(buf, sizeof buf, "%s:%lld", u->seed_hash, (long long)nonce);
    club_sha256(buf, (size_t)n, h);
    club_hex(h, 8, out);
}

void club_play_pack_proof(msgpack_packer *pk, const club_play_user_t *u)
{
    club_pk_str(pk, "proof");
    msgpack_pack_map(pk, 3);
    club_pk_kv_str(pk, "server_seed_hash", u->seed_hash);
    club_pk_kv_str(pk, "client_seed", u->client_seed);
    club_pk_kv_int(pk, "nonce", u->next_nonce);
}

void club_play_pack_round_fact(msgpack_packer *pk, const club_play_user_t *u, const char *round_id,
                               const char *game, int64_t bet, int64_t win)
{
    msgpack_pack_map(pk, 3);
    club_pk_kv_str(pk, "kind", "round");
    club_pk_kv_str(pk, "ref", round_id);
    club_pk_str(pk, "data");
    msgpack_pack_map(pk, 5);
    club_pk_kv_str(pk, "game", game);
    club_pk_kv_int(pk, "seed_id", u->seed_id);
    club_pk_kv_int(pk, "nonce", u->next_nonce);
    club_pk_kv_int(pk, "bet", bet);
    club_pk_kv_int(pk, "win", win);
}

msgpack_packer club_play_settle_begin(club_play_round_t *r, const char *derived, uint32_t more)
{
    club_call_t *call = r->call;
    uint8_t req_hash[32];
    club_call_hash(call, req_hash);
    msgpack_sbuffer_clear(&r->body);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &r->body, msgpack_sbuffer_write);
    msgpack_pack_map(&pk, 3);
    club_pk_kv_int(&pk, "rid", 0);
    club_pk_kv_str(&pk, "op", "wallet.settle");
    club_pk_str(&pk, "args");
    msgpack_pack_map(&pk, 4 + more);
    club_pk_kv_int(&pk, "user", (int64_t)r->u->user);
    club_pk_str(&pk, "idem");
    if (call->req.idem)
        club_pk_strn(&pk, call->req.idem, call->req.idem_len);
    else
        club_pk_str(&pk, derived);
    club_pk_strn(&pk, "op", 2);
    club_pk_strn(&pk, call->req.op, call->req.op_len);
    club_pk_str(&pk, "req_hash");
    msgpack_pack_bin(&pk, 32);
    msgpack_pack_bin_body(&pk, req_hash, 32);
    return pk;
}

static void s_on_settle(club_actor_t *actor, void *vr, club_err_t status,
                        const msgpack_object *reply);

/* Ends the round: frees it and runs what queued behind it. */
static void s_end(club_play_round_t *r)
{
    club_play_users_t *p = r->p;
    club_play_user_t *u = r->u;
    u->busy = false;
    msgpack_sbuffer_destroy(&r->body);
    free(r); /* the domain's struct, which starts with r */
    s_next(p, u);
}

/* Sends (or sends again) the settle in r->body. Returns 0, or -1 after replying. */
static int s_send(club_play_round_t *r)
{
    r->sends++;
    if (club_actor_request(r->call->actor, "wallet", r->u->user, (const uint8_t *)r->body.data,
                           r->body.size, SETTLE_TIMEOUT_MS, s_on_settle, r) == 0)
        return 0;
    club_call_error(r->call, CLUB_E_UNAVAILABLE,
                    "the wallet is unavailable; retry with the same idem");
    return -1;
}

/* Computes the round for the current nonce and sends its settle. The settle's idem is the
 * client's, or derived from the round id when the client sent none, so a settle sent again
 * after a lost answer can never be charged twice. */
static void s_play(club_play_round_t *r)
{
    r->kind->build(r);
    r->u->busy = true;
    r->sends = 0;
    if (s_send(r) != 0) s_end(r);
}

void club_play_round_start(club_play_round_t *r)
{
    msgpack_sbuffer_init(&r->body);
    club_call_defer(r->call);
    s_play(r);
}

static void s_on_settle(club_actor_t *actor, void *vr, club_err_t status,
                        const msgpack_object *reply)
{
    (void)actor;
    club_play_round_t *r = vr;
    club_play_user_t *u = r->u;
    club_call_t *call = r->call;
    const msgpack_object *data = club_mp_get(reply, "data");
    int64_t code = -1;
    club_mp_i64(club_mp_get(data, "code"), &code);
    const msgpack_object *bytes = club_mp_get(data, "reply");
    const msgpack_object *rp = club_mp_get(data, "replay");
    const msgpack_object *dp = club_mp_get(data, "dup");
    bool replayed = rp && rp->type == MSGPACK_OBJECT_BOOLEAN && rp->via.boolean;
    bool dup = dp && dp->type == MSGPACK_OBJECT_BOOLEAN && dp->via.boolean;
    bool derived = !call->req.idem;

    /* No answer (timed out, or no wallet worker), or the wallet could not tell: the outcome
     * is not known yet, and sending the same settle again finds it out. */
    if ((status == CLUB_E_UNAVAILABLE || code == CLUB_E_UNAVAILABLE) && r->sends < MAX_SENDS) {
        if (s_send(r) != 0) s_end(r);
        return;
    }
    if (status != CLUB_OK && status != CLUB_E_UNAVAILABLE) {
        club_log(CLUB_ERROR, "settle_refused", "the wallet refused a settle for user %llu",
                 (unsigned long long)u->user);
        u->loaded = false;
        club_call_error(call, CLUB_E_INTERNAL, "the round could not be settled");
    } else if (code == CLUB_OK && bytes && bytes->type == MSGPACK_OBJECT_BIN) {
        /* A replay may be of an earlier round (the client's idem again): the nonce is read
         * back from Postgres before the next round. */
        if (replayed)
            u->loaded = false;
        else if (!r->kind->no_nonce)
            u->next_nonce++;
        club_call_ok_raw(call, (const uint8_t *)bytes->via.bin.ptr, bytes->via.bin.size);
        if (r->kind->applied) r->kind->applied(r, replayed);
    } else if (code == CLUB_E_CONFLICT && (dup || derived) && r->attempt < MAX_STALE_RETRIES) {
        /* The slot was taken (this worker's nonce or state was behind): play the request
         * again from what Postgres holds now. */
        u->loaded = false;
        r->attempt++;
        if (s_load(r->p, u) == 0) {
            s_play(r); /* owns r again */
            return;
        }
        club_call_error(call, CLUB_E_UNAVAILABLE, "%s", r->kind->unavailable);
    } else if (code == CLUB_E_INSUFFICIENT_FUNDS) {
        club_call_error(call, CLUB_E_INSUFFICIENT_FUNDS, "%s", r->kind->no_funds);
    } else if (code == CLUB_E_CONFLICT) {
        club_call_error(call, CLUB_E_CONFLICT,
                        "this idem was already used for a different request; use a new idem");
    } else {
        u->loaded = false;
        club_call_error(call, CLUB_E_UNAVAILABLE,
                        "the wallet did not answer; retry with the same idem");
    }
    s_end(r);
}
