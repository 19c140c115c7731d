/* wallet: balances, the double-entry ledger, the daily bonus, and wallet.settle, the one op
 * every domain that moves currency calls: {user, idem, op, req_hash, moves, counter, ref,
 * claim?, facts?, reply, style?}. The wallet knows nothing of rounds, pulls or rewards: it
 * applies the moves with their counter-entries, the claim key, the idempotency key and the
 * facts (lib/settle.h) in one transaction, and adds the balance after to the caller's reply.
 *
 * Group commit: settle handlers only queue their call. After the loop has drained every
 * waiting request, flush() sends the whole queue to Postgres as one pipelined transaction
 * (BEGIN, wallet_settle_batch() over the lot, COMMIT, a single sync) and replies only once
 * COMMIT has returned. Throughput is then one disk flush and a fixed handful of statements
 * per batch, not per spin, and a batch grows by itself while the previous one is committing.
 * If the batch fails as a whole, each settle is retried alone so one bad request cannot sink
 * the others.
 *
 * Idempotency: every settle has a key (the client's idem, or one the caller derives, such as
 * the round id), stored with the hash of the request and the reply's data; a retry gets the
 * stored data back and this worker adds the stored balance the same way, so the bytes are
 * equal. That also makes a settle safe to send again when its answer was lost.
 *
 * Errors are club_err_t end to end: the SQL function answers with the protocol's code names,
 * read once here (club_err_from_name), and other domains get the code as an integer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "db.h"
#include "domains.h"
#include "log.h"
#include "metrics.h"
#include "settle.h"
#include "u64map.h"
#include "util.h"

typedef enum { STYLE_NESTED, STYLE_FLAT } style_t;

typedef struct settle {
    club_call_t *call;
    bool internal;         /* reply in the internal settle format (to another domain) */
    club_settle_req_t req; /* borrows from the fields below and from the call's message */
    char idem[96], op[CLUB_MAX_OP_LEN + 1], counter[16], ref[80], claim[48];
    uint8_t req_hash[32];
    club_move_t moves[CLUB_SETTLE_MAX_MOVES];
    const uint8_t *orig; /* the request's own reply, kept while a replay stands in */
    size_t orig_len;
    uint8_t *replay; /* a REPLAY's stored reply, owned */
    style_t style;
    /* results */
    bool read;     /* a result row was read for it */
    bool replayed; /* the idem key's stored result */
    bool dup;      /* refused by a unique constraint on what it would write (a fact) */
    club_err_t code;
    int64_t coins, gems;
    char *owned;     /* a reply base this settle built itself (daily bonus) */
    char *facts_buf; /* facts this settle built itself, and their decoded form */
    msgpack_unpacked facts_up;
    uint8_t *final; /* composed data bytes */
    size_t final_len;
    struct settle *next;
} settle_t;

static struct {
    club_db_t *db;
    settle_t *head, *tail;
    int n;
    int batch_max;
    bool sql_dup; /* the last failed statement broke a unique constraint */
    club_hist_t *m_batch_seconds;
    club_counter_t *m_batches, *m_settles;
} S;

/* ---- composing replies ---- */

/* The client-visible data: the caller's map plus the balance after the commit. */
static void s_compose(settle_t *s, const uint8_t *base, size_t len)
{
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    uint32_t extra = s->style == STYLE_NESTED ? 1 : 2;
    if (!base || club_mp_map_extend(base, len, extra, &sb) != 0) {
        msgpack_sbuffer_clear(&sb);
        msgpack_packer pk;
        msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
        msgpack_pack_map(&pk, extra);
    }
    msgpack_packer pk;
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    if (s->style == STYLE_NESTED) {
        club_pk_str(&pk, "balance");
        msgpack_pack_map(&pk, 2);
    }
    club_pk_kv_int(&pk, "coins", s->coins);
    club_pk_kv_int(&pk, "gems", s->gems);
    s->final = (uint8_t *)sb.data; /* ownership moves to s */
    s->final_len = sb.size;
}

static void s_publish_balance(club_actor_t *actor, uint64_t user, int64_t coins, int64_t gems)
{
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    club_pk_push(&pk, "wallet.balance");
    msgpack_pack_map(&pk, 2);
    club_pk_kv_int(&pk, "coins", coins);
    club_pk_kv_int(&pk, "gems", gems);
    char topic[CLUB_TOPIC_LEN + 1];
    club_topic_user(user, topic);
    club_actor_publish(actor, topic, (const uint8_t *)sb.data, sb.size);
    msgpack_sbuffer_destroy(&sb);
}

/* What the wallet's own ops (the daily bonus) tell a player for each refusal. */
static const char *s_message(club_err_t e)
{
    switch (e) {
    case CLUB_E_INSUFFICIENT_FUNDS:
        return "not enough funds for this; lower the bet or claim the daily bonus";
    case CLUB_E_CONFLICT:
        return "this idem was already used for a different request; use a new idem";
    case CLUB_E_ALREADY_CLAIMED:
        return "already claimed today; the next one opens at 00:00 UTC";
    case CLUB_E_NOT_FOUND:
        return "no wallet for this account";
    case CLUB_E_LIMIT:
        return "this would take the balance past its maximum";
    default:
        return "the wallet is unavailable; retry with the same idem";
    }
}

/* Internal reply: {code, replay, dup, reply: bin | nil, coins, gems}. */
static void s_reply_internal(settle_t *s)
{
    msgpack_packer *pk = club_call_ok(s->call);
    msgpack_pack_map(pk, 6);
    club_pk_kv_int(pk, "code", s->code);
    club_pk_kv_bool(pk, "replay", s->replayed);
    club_pk_kv_bool(pk, "dup", s->dup);
    club_pk_str(pk, "reply");
    if (s->final) {
        msgpack_pack_bin(pk, s->final_len);
        msgpack_pack_bin_body(pk, s->final, s->final_len);
    } else {
        msgpack_pack_nil(pk);
    }
    club_pk_kv_int(pk, "coins", s->coins);
    club_pk_kv_int(pk, "gems", s->gems);
    club_call_send(s->call, 0, 0, 0, 0);
}

static void s_finish(club_actor_t *actor, settle_t *s)
{
    bool ok = s->code == CLUB_OK;
    if (ok) s_compose(s, s->req.reply_len ? s->req.reply : NULL, s->req.reply_len);
    if (s->internal)
        s_reply_internal(s);
    else if (ok)
        club_call_ok_raw(s->call, s->final, s->final_len);
    else
        club_call_error(s->call, s->code, "%s", s_message(s->code));
    if (ok && !s->replayed) s_publish_balance(actor, s->req.user, s->coins, s->gems);
}

/* ---- executing ---- */

static const char BATCH_SQL[] =
    "SELECT n, status, coins, gems, reply FROM wallet_settle_batch($1::jsonb)";

/* One call of wallet_settle_batch(): requests of distinct users. */
typedef struct {
    club_settle_doc_t doc;
    msgpack_sbuffer json;
    settle_t **items;
    int n, cap;
} pass_t;

static void s_pass_add(pass_t *p, settle_t *s)
{
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 16;
        p->items = club_realloc(p->items, (size_t)p->cap * sizeof *p->items);
    }
    p->items[p->n++] = s;
    club_settle_doc_add(&p->doc, &s->req);
}

/* Empties a pass for the next batch, keeping its buffers: batches are similar in size, so
 * after the first few nothing is allocated here. */
static void s_pass_reset(pass_t *p)
{
    club_settle_doc_reset(&p->doc);
    p->n = 0;
}

static int s_pass_send(PGconn *c, pass_t *p)
{
    club_settle_doc_json(&p->doc, &p->json);
    const char *v[1] = {p->json.data};
    return PQsendQueryParams(c, BATCH_SQL, 1, NULL, v, NULL, NULL, 1);
}

static int64_t s_be64(const char *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | (uint8_t)p[i];
    return (int64_t)v;
}

/* Reads one pass's rows (binary results: n int4, status, coins, gems, reply) into its
 * settles. A REPLAY's stored reply replaces the settle's own: it is copied (the PGresult is
 * about to go) and the copy is the caller's to free. Returns 0, or -1 on a bad result. */
static int s_read_pass(pass_t *p, PGresult *r)
{
    if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != p->n) return -1;
    for (int row = 0; row < p->n; row++) {
        if (PQgetlength(r, row, 0) != 4) return -1;
        const uint8_t *np = (const uint8_t *)PQgetvalue(r, row, 0);
        uint32_t i = (uint32_t)np[0] << 24 | (uint32_t)np[1] << 16 | (uint32_t)np[2] << 8 | np[3];
        if (i < 1 || i > (uint32_t)p->n) return -1;
        settle_t *s = p->items[i - 1];
        const char *st = PQgetvalue(r, row, 1);
        size_t stn = (size_t)PQgetlength(r, row, 1);
        s->read = true;
        s->replayed = stn == 6 && !memcmp(st, "REPLAY", 6);
        /* TAKEN: a fact's slot was used meanwhile (migrations/005_gacha.sql, fact_checks),
         * told to the domain as a refused duplicate so it reloads and plays again. */
        s->dup = stn == 5 && !memcmp(st, "TAKEN", 5);
        s->code = s->replayed || (stn == 2 && !memcmp(st, "OK", 2)) ? CLUB_OK
                  : s->dup                                          ? CLUB_E_CONFLICT
                                                                    : club_err_from_name(st, stn);
        s->coins = PQgetisnull(r, row, 2) ? 0 : s_be64(PQgetvalue(r, row, 2));
        s->gems = PQgetisnull(r, row, 3) ? 0 : s_be64(PQgetvalue(r, row, 3));
        if (s->replayed) {
            size_t len = PQgetisnull(r, row, 4) ? 0 : (size_t)PQgetlength(r, row, 4);
            uint8_t *copy = club_malloc(len ? len : 1);
            memcpy(copy, PQgetvalue(r, row, 4), len);
            s->replay = copy;
            s->req.reply = copy;
            s->req.reply_len = len;
        }
    }
    return 0;
}

/* Runs the settles as one pipelined transaction: BEGIN, one wallet_settle_batch() per pass,
 * COMMIT, one sync. Pass k holds each user's k-th settle of the list, so a user's settles
 * apply in order and one call never sees a user twice. Returns 0 when committed, 1 when
 * committed but some result could not be read (those settles stay unread), -1 when nothing
 * was committed. */
static int s_run(settle_t *head)
{
    PGconn *c = club_db_conn(S.db);
    if (!c) return -1;
    static pass_t *passes; /* kept across batches, see s_pass_reset() */
    static int ncap;
    static uint64_t *users;
    static int *pass_of, ucap;
    int n = 0;
    for (settle_t *s = head; s; s = s->next)
        n++;
    if (n > ucap) {
        ucap = n;
        users = club_realloc(users, (size_t)ucap * sizeof *users);
        pass_of = club_realloc(pass_of, (size_t)ucap * sizeof *pass_of);
    }
    int i = 0;
    for (settle_t *s = head; s; s = s->next)
        users[i++] = s->req.user;
    int npass = club_settle_passes(users, n, pass_of);
    for (; ncap < npass; ncap++) {
        passes = club_realloc(passes, (size_t)(ncap + 1) * sizeof *passes);
        memset(&passes[ncap], 0, sizeof *passes);
        club_settle_doc_init(&passes[ncap].doc);
        msgpack_sbuffer_init(&passes[ncap].json);
    }
    for (int k = 0; k < npass; k++)
        s_pass_reset(&passes[k]);
    i = 0;
    for (settle_t *s = head; s; s = s->next)
        s_pass_add(&passes[pass_of[i++]], s);

    int rc = -1;
    bool committed = false, anomaly = false;
    S.sql_dup = false;
    if (PQenterPipelineMode(c) != 1) {
        anomaly = true;
    } else {
        int ok = PQsendQueryParams(c, "BEGIN", 0, NULL, NULL, NULL, NULL, 0);
        for (int k = 0; ok && k < npass; k++)
            ok = s_pass_send(c, &passes[k]);
        ok = ok && PQsendQueryParams(c, "COMMIT", 0, NULL, NULL, NULL, NULL, 0);
        ok = ok && PQpipelineSync(c);
        rc = ok ? 0 : -1;
        anomaly = !ok;
        /* Results: BEGIN, the passes, COMMIT, then the sync. Each query's results end in
         * NULL; after an error the rest come back PGRES_PIPELINE_ABORTED. A pipeline whose
         * sending failed has no sync to wait for: its connection is dropped below. */
        int idx = -1;
        while (ok) {
            PGresult *r = PQgetResult(c);
            if (!r) {
                if (PQstatus(c) != CONNECTION_OK) {
                    rc = -1;
                    break;
                }
                continue;
            }
            ExecStatusType st = PQresultStatus(r);
            if (st == PGRES_PIPELINE_SYNC) {
                PQclear(r);
                break;
            }
            if (st == PGRES_FATAL_ERROR) {
                char line[512];
                const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
                if (state && !strcmp(state, "23505")) S.sql_dup = true;
                club_log(CLUB_ERROR, "settle_batch", "%s",
                         club_oneline(PQresultErrorMessage(r), line, sizeof line));
            }
            if (idx >= 0 && idx < npass) {
                if (s_read_pass(&passes[idx], r) != 0) rc = -1;
            } else if (st != PGRES_COMMAND_OK) {
                rc = -1; /* BEGIN or COMMIT failed, or aborted */
            } else if (idx == npass) {
                committed = true;
            }
            idx++;
            PQclear(r);
        }
        if (PQpipelineStatus(c) != PQ_PIPELINE_OFF && PQexitPipelineMode(c) != 1) anomaly = true;
        /* A statement that failed inside BEGIN leaves the session in a failed transaction
         * block (a Sync does not end an explicit one): roll it back, or every later statement
         * on this connection, the one-by-one retry included, would be refused. */
        if (!anomaly && PQstatus(c) == CONNECTION_OK && PQtransactionStatus(c) != PQTRANS_IDLE) {
            PGresult *r = PQexec(c, "ROLLBACK");
            PQclear(r);
        }
    }
    if (anomaly)
        club_db_reset(S.db);
    else
        club_db_check(S.db);
    /* Committed, but a row could not be read: it must not run again. */
    if (rc != 0 && committed) return 1;
    return rc;
}

/* Forgets what reading a failed transaction's results set. */
static void s_unread(settle_t *s)
{
    free(s->replay);
    s->replay = NULL;
    s->req.reply = s->orig;
    s->req.reply_len = s->orig_len;
    s->read = s->replayed = s->dup = false;
    s->code = CLUB_OK;
}

static void s_flush(club_actor_t *actor)
{
    while (S.head) {
        /* Take up to batch_max from the queue. */
        settle_t *head = S.head, *tail = head;
        int n = 1;
        while (tail->next && n < S.batch_max) {
            tail = tail->next;
            n++;
        }
        S.head = tail->next;
        if (!S.head) S.tail = NULL;
        tail->next = NULL;
        S.n -= n;

        int64_t t0 = club_mono_ns();
        int rc = s_run(head);
        if (rc == 1) {
            /* Applied, whatever the unread rows said: a resend (same idem) gets the stored
             * reply. The caller is told the outcome is not known. */
            for (settle_t *s = head; s; s = s->next)
                if (!s->read) s->code = CLUB_E_UNAVAILABLE;
        } else if (rc != 0) {
            /* Nothing of the batch committed: each alone, so one bad settle sinks only itself. */
            for (settle_t *s = head; s; s = s->next) {
                settle_t *next = s->next;
                s_unread(s);
                s->next = NULL;
                int one = s_run(s);
                if (one == -1) {
                    s_unread(s);
                    s->dup = S.sql_dup;
                    s->code = S.sql_dup ? CLUB_E_CONFLICT : CLUB_E_UNAVAILABLE;
                } else if (one == 1 && !s->read) {
                    s->code = CLUB_E_UNAVAILABLE;
                }
                s->next = next;
            }
        }
        club_hist_observe(S.m_batch_seconds, (double)(club_mono_ns() - t0) / 1e9);
        club_counter_add(S.m_batches, 1);
        club_counter_add(S.m_settles, (uint64_t)n);
        settle_t *s = head;
        while (s) {
            settle_t *next = s->next;
            s_finish(actor, s);
            free(s->replay);
            free(s->final);
            free(s->owned);
            if (s->facts_buf) msgpack_unpacked_destroy(&s->facts_up);
            free(s->facts_buf);
            free(s);
            s = next;
        }
    }
}

static void s_enqueue(settle_t *s)
{
    club_call_defer(s->call);
    s->orig = s->req.reply;
    s->orig_len = s->req.reply_len;
    if (S.tail)
        S.tail->next = s;
    else
        S.head = s;
    S.tail = s;
    S.n++;
}

/* ---- handlers ---- */

static void s_copy(const msgpack_object *o, char *buf, size_t cap)
{
    buf[0] = 0;
    if (club_mp_is_str(o) && o->via.str.size < cap) {
        memcpy(buf, o->via.str.ptr, o->via.str.size);
        buf[o->via.str.size] = 0;
    }
}

/* wallet.settle from another domain. The op schema has checked every shape and bound (moves
 * are bounded, so no sum overflows); what it cannot say is checked here. */
void op_wallet_settle(club_call_t *call)
{
    const msgpack_object *a = call->req.args;
    int64_t user = 0;
    club_mp_i64(club_mp_get(a, "user"), &user);
    const msgpack_object *hash = club_mp_get(a, "req_hash");
    const msgpack_object *reply = club_mp_get(a, "reply");
    if ((uint64_t)user != call->hdr.user) {
        club_call_error(call, CLUB_E_BAD_REQUEST, "wallet.settle: user must be the header's user");
        return;
    }
    if (hash->type != MSGPACK_OBJECT_BIN || hash->via.bin.size != 32) {
        club_call_error(call, CLUB_E_BAD_REQUEST, "wallet.settle: req_hash must be 32 bytes");
        return;
    }
    if (reply->type != MSGPACK_OBJECT_BIN) {
        club_call_error(call, CLUB_E_BAD_REQUEST, "wallet.settle: reply must be msgpack bytes");
        return;
    }
    settle_t *s = club_calloc(1, sizeof *s);
    s->call = call;
    s->internal = true;
    s_copy(club_mp_get(a, "idem"), s->idem, sizeof s->idem);
    s_copy(club_mp_get(a, "op"), s->op, sizeof s->op);
    s_copy(club_mp_get(a, "counter"), s->counter, sizeof s->counter);
    s_copy(club_mp_get(a, "ref"), s->ref, sizeof s->ref);
    s_copy(club_mp_get(a, "claim"), s->claim, sizeof s->claim);
    memcpy(s->req_hash, hash->via.bin.ptr, 32);
    const msgpack_object *moves = club_mp_get(a, "moves");
    for (uint32_t i = 0; i < moves->via.array.size; i++) {
        const msgpack_object *m = &moves->via.array.ptr[i];
        club_move_t *mv = &s->moves[i];
        s_copy(club_mp_get(m, "currency"), mv->currency, sizeof mv->currency);
        club_mp_i64(club_mp_get(m, "delta"), &mv->delta);
        s_copy(club_mp_get(m, "reason"), mv->reason, sizeof mv->reason);
    }
    s->style = club_mp_streq(club_mp_get(a, "style"), "flat") ? STYLE_FLAT : STYLE_NESTED;
    s->req = (club_settle_req_t){
        .user = (uint64_t)user,
        .idem = s->idem,
        .op = s->op,
        .req_hash = s->req_hash,
        .counter = s->counter,
        .ref = s->ref,
        .claim = s->claim[0] ? s->claim : NULL,
        .reply = (const uint8_t *)reply->via.bin.ptr, /* the call's frame outlives s */
        .reply_len = reply->via.bin.size,
        .moves = s->moves,
        .nmoves = (int)moves->via.array.size,
        .facts = club_mp_get(a, "facts"),
    };
    s_enqueue(s);
}

/* The daily bonus is a settle like any other: moves from the promo account, and the day as a
 * once-only claim key, which is what keeps it once a day: a second claim, with or without an
 * idem of its own, gets ALREADY_CLAIMED (the same idem again gets the first reply). */
void op_wallet_daily_bonus(club_call_t *call)
{
    static const int64_t coins[] = {500, 500, 1000, 2500}; /* by rank: none, STD, PREM, VIP */
    static const int64_t gems[] = {0, 0, 5, 20};
    int rank = call->hdr.rank <= CLUB_RANK_VIP ? call->hdr.rank : CLUB_RANK_STANDARD;
    settle_t *s = club_calloc(1, sizeof *s);
    s->call = call;
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    char day[16];
    strftime(day, sizeof day, "%Y-%m-%d", &tm);
    snprintf(s->claim, sizeof s->claim, "daily:%s", day);
    if (call->req.idem)
        snprintf(s->idem, sizeof s->idem, "%.*s", (int)call->req.idem_len, call->req.idem);
    snprintf(s->op, sizeof s->op, "wallet.daily_bonus");
    club_call_hash(call, s->req_hash);
    int nmoves = 0;
    s->moves[nmoves++] = (club_move_t){"coins", coins[rank], "daily_bonus"};
    if (gems[rank]) s->moves[nmoves++] = (club_move_t){"gems", gems[rank], "daily_bonus"};
    snprintf(s->counter, sizeof s->counter, "promo");
    snprintf(s->ref, sizeof s->ref, "%s", s->claim);
    s->style = STYLE_FLAT;
    /* The reply base lives in the settle (no frame to borrow from): {granted: {coins, gems}}. */
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    msgpack_pack_map(&pk, 1);
    club_pk_str(&pk, "granted");
    msgpack_pack_map(&pk, 2);
    club_pk_kv_int(&pk, "coins", coins[rank]);
    club_pk_kv_int(&pk, "gems", gems[rank]);
    s->owned = sb.data;
    /* The claim as a fact for the domains that count them (missions): the outbox. */
    msgpack_sbuffer fb;
    msgpack_sbuffer_init(&fb);
    msgpack_packer_init(&pk, &fb, msgpack_sbuffer_write);
    msgpack_pack_array(&pk, 1);
    msgpack_pack_map(&pk, 3);
    club_pk_kv_str(&pk, "kind", "daily_bonus");
    club_pk_kv_str(&pk, "ref", s->claim);
    club_pk_str(&pk, "data");
    msgpack_pack_map(&pk, 3);
    club_pk_kv_int(&pk, "coins", coins[rank]);
    club_pk_kv_int(&pk, "gems", gems[rank]);
    club_pk_kv_str(&pk, "rank", club_rank_name(rank));
    s->facts_buf = fb.data;
    msgpack_unpacked_init(&s->facts_up);
    bool facts_ok = club_mp_decode((const uint8_t *)fb.data, fb.size, &s->facts_up) == 0;
    s->req = (club_settle_req_t){
        .user = call->hdr.user,
        .idem = s->idem[0] ? s->idem : NULL,
        .op = s->op,
        .req_hash = s->req_hash,
        .counter = s->counter,
        .ref = s->ref,
        .claim = s->claim,
        .reply = (const uint8_t *)sb.data,
        .reply_len = sb.size,
        .moves = s->moves,
        .nmoves = nmoves,
        .facts = facts_ok ? &s->facts_up.data : NULL,
    };
    s_enqueue(s);
}

/* Reads go after any queued settle of this worker, so a user's reads never overtake writes. */
void op_wallet_balance(club_call_t *call)
{
    s_flush(call->actor);
    char uid[24];
    snprintf(uid, sizeof uid, "%llu", (unsigned long long)call->hdr.user);
    const char *p[] = {uid};
    PGresult *r = club_db_exec(S.db, "SELECT coins, gems FROM wallets WHERE user_id = $1", 1, p);
    if (!club_db_ok(S.db, r, "balance") || PQntuples(r) != 1) {
        bool missing = r && PQresultStatus(r) == PGRES_TUPLES_OK;
        PQclear(r);
        if (missing)
            club_call_error(call, CLUB_E_NOT_FOUND, "no wallet for this account");
        else
            club_call_error(call, CLUB_E_UNAVAILABLE, "the wallet is unavailable; try again");
        return;
    }
    int64_t coins = 0, gems = 0;
    club_parse_i64(PQgetvalue(r, 0, 0), &coins);
    club_parse_i64(PQgetvalue(r, 0, 1), &gems);
    PQclear(r);
    msgpack_packer *pk = club_call_ok(call);
    msgpack_pack_map(pk, 2);
    club_pk_kv_int(pk, "coins", coins);
    club_pk_kv_int(pk, "gems", gems);
    club_call_send(call, 0, 0, 0, 0);
}

void op_wallet_history(club_call_t *call)
{
    int64_t limit = 20, before = 0; /* the op schema has checked both */
    club_mp_i64(club_mp_get(call->req.args, "limit"), &limit);
    club_mp_i64(club_mp_get(call->req.args, "before"), &before);
    s_flush(call->actor);
    char uid[24], lim[24], bef[24];
    snprintf(uid, sizeof uid, "%llu", (unsigned long long)call->hdr.user);
    snprintf(lim, sizeof lim, "%lld", (long long)limit);
    snprintf(bef, sizeof bef, "%lld", (long long)before);
    const char *p[] = {uid, lim, bef};
    PGresult *r =
        club_db_exec(S.db,
                     "SELECT id, currency, delta, balance_after, reason, coalesce(ref, ''), "
                     "(extract(epoch from at)*1000)::bigint FROM ledger WHERE user_id = $1 AND "
                     "($3::bigint = 0 OR id < $3::bigint) ORDER BY id DESC LIMIT $2",
                     3, p);
    if (!club_db_ok(S.db, r, "history")) {
        PQclear(r);
        club_call_error(call, CLUB_E_UNAVAILABLE, "the wallet is unavailable; try again");
        return;
    }
    int n = PQntuples(r);
    msgpack_packer *pk = club_call_ok(call);
    msgpack_pack_map(pk, 1);
    club_pk_str(pk, "entries");
    msgpack_pack_array(pk, (size_t)n);
    for (int i = 0; i < n; i++) {
        int64_t id = 0, delta = 0, bal = 0, at = 0;
        club_parse_i64(PQgetvalue(r, i, 0), &id);
        club_parse_i64(PQgetvalue(r, i, 2), &delta);
        club_parse_i64(PQgetvalue(r, i, 3), &bal);
        club_parse_i64(PQgetvalue(r, i, 6), &at);
        msgpack_pack_map(pk, 7);
        club_pk_kv_int(pk, "id", id);
        club_pk_kv_str(pk, "currency", PQgetvalue(r, i, 1));
        club_pk_kv_int(pk, "delta", delta);
        club_pk_kv_int(pk, "balance_after", bal);
        club_pk_kv_str(pk, "reason", PQgetvalue(r, i, 4));
        club_pk_kv_str(pk, "ref", PQgetvalue(r, i, 5));
        club_pk_kv_int(pk, "at", at);
    }
    club_call_send(call, 0, 0, 0, 0);
    PQclear(r);
}

static int s_init(void)
{
    S.db = club_db_from_config("wallet");
    if (!S.db) return -1;
    S.batch_max = (int)club_cfg_int("CLUB_WALLET_BATCH", 512);
    if (S.batch_max < 1) S.batch_max = 1;
    S.m_batch_seconds =
        club_hist("club_wallet_commit_seconds", "Time to commit one group of settlements", NULL);
    S.m_batches = club_counter("club_wallet_batches_total", "Group commits", NULL);
    S.m_settles =
        club_counter("club_wallet_settles_total", "Settlements committed or refused", NULL);
    return 0;
}

static void s_fini(void)
{
    club_db_destroy(&S.db);
}

const club_domain_t club_domain_wallet = {
    .name = "wallet",
    .what = "balances, ledger, daily bonus, settlement (sharded)",
    /* Two workers by default: each commits its batches on its own Postgres connection, so
     * one's WAL flush overlaps the other's work (slot.spin at 100 players: 7,579/s against
     * 5,647/s with one; no gain at 1,000, where Postgres's CPU is the limit). */
    .shards = 2,
    .init = s_init,
    .fini = s_fini,
    .flush = s_flush,
};
