/* wallet: balances, the double-entry ledger, the daily bonus, and wallet.settle, the internal
 * op every domain that moves currency calls.
 *
 * Group commit: settle handlers only queue their call. After the loop has drained every
 * waiting request, flush() sends the whole queue to Postgres as one pipelined transaction
 * (BEGIN, wallet_settle_batch() over the lot, COMMIT, a single sync) and replies only once
 * COMMIT has returned. Throughput is then one disk flush and a fixed handful of statements
 * per batch, not per spin, and a batch grows by itself while the previous one is committing.
 * If the batch fails as a whole, each settle is retried alone so one bad request cannot sink
 * the others.
 *
 * Idempotency: wallet_settle_batch() (migrations/002_settle_batch.sql) stores the idem key
 * with the hash of the request and the reply's data; a retry gets the stored data back and
 * this worker adds the stored balance the same way, so the bytes are equal. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "db.h"
#include "domains.h"
#include "log.h"
#include "metrics.h"
#include "u64map.h"
#include "util.h"

#define MAX_MOVES 4

typedef enum { STYLE_NESTED, STYLE_FLAT } style_t;

typedef struct settle {
    club_call_t *call;
    bool internal; /* reply in the internal settle format (to another domain) */
    uint64_t user;
    char idem[CLUB_MAX_IDEM + 1];
    bool has_idem;
    char op[CLUB_MAX_OP_LEN + 1];
    uint8_t req_hash[32];
    char currency[MAX_MOVES][8];
    int64_t delta[MAX_MOVES];
    char reason[MAX_MOVES][32];
    int nmoves;
    char counter[16];
    char ref[80];
    bool has_round;
    char round_id[40], game[16];
    int64_t seed_id, nonce, bet, win;
    char claim_day[16];
    const uint8_t *reply; /* borrowed from the call's frame, or the replay */
    size_t reply_len;
    const uint8_t *orig; /* the request's own reply, kept while a replay stands in */
    size_t orig_len;
    uint8_t *replay; /* a REPLAY's stored reply, owned */
    style_t style;
    /* results */
    char status[24];
    int64_t coins, gems;
    char *owned;    /* a reply base this settle built itself (daily bonus) */
    uint8_t *final; /* composed data bytes */
    size_t final_len;
    struct settle *next;
} settle_t;

static struct {
    club_db_t *db;
    settle_t *head, *tail;
    int n;
    int batch_max;
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

static club_err_t s_status_err(const char *st, const char **msg)
{
    if (!strcmp(st, "INSUFFICIENT_FUNDS")) {
        *msg = "not enough funds for this; lower the bet or claim the daily bonus";
        return CLUB_E_INSUFFICIENT_FUNDS;
    }
    if (!strcmp(st, "CONFLICT")) {
        *msg = "this idem was already used for a different request; use a new idem";
        return CLUB_E_CONFLICT;
    }
    if (!strcmp(st, "ALREADY_CLAIMED")) {
        *msg = "already claimed today; the next one opens at 00:00 UTC";
        return CLUB_E_ALREADY_CLAIMED;
    }
    if (!strcmp(st, "NOT_FOUND")) {
        *msg = "no wallet for this account";
        return CLUB_E_NOT_FOUND;
    }
    if (!strcmp(st, "STALE_NONCE")) {
        *msg = "the round's nonce was already used";
        return CLUB_E_CONFLICT;
    }
    *msg = "the wallet is unavailable; retry with the same idem";
    return CLUB_E_UNAVAILABLE;
}

/* Internal reply: {rid: 0, ok, status, data: bin, coins, gems}. */
static void s_reply_internal(settle_t *s)
{
    msgpack_packer *pk = club_call_ok(s->call);
    /* club_call_ok wrote {"rid","ok":true,"data": — data is a map with everything. */
    msgpack_pack_map(pk, 4);
    club_pk_kv_str(pk, "status", s->status);
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
    bool ok = !strcmp(s->status, "OK") || !strcmp(s->status, "REPLAY");
    if (ok) s_compose(s, s->reply_len ? s->reply : NULL, s->reply_len);
    if (s->internal) {
        s_reply_internal(s);
    } else if (ok) {
        club_call_ok_raw(s->call, s->final, s->final_len);
    } else {
        const char *msg;
        club_err_t e = s_status_err(s->status, &msg);
        club_call_error(s->call, e, "%s", msg);
    }
    if (!strcmp(s->status, "OK")) s_publish_balance(actor, s->user, s->coins, s->gems);
}

/* ---- executing ---- */

/* wallet_settle_batch()'s parameters ($1..$18 of BATCH_SQL, in this order) are arrays, sent as
 * text array literals. */
enum {
    A_USER,
    A_IDEM,
    A_OP,
    A_HASH,
    A_COUNTER,
    A_REF,
    A_ROUND,
    A_GAME,
    A_SEED,
    A_NONCE,
    A_BET,
    A_WIN,
    A_CLAIM,
    A_REPLY,
    A_MREQ,
    A_MCUR,
    A_MDELTA,
    A_MREASON,
    A_N
};

static const char BATCH_SQL[] =
    "SELECT n, status, coins, gems, reply FROM wallet_settle_batch($1::bigint[], $2::text[], "
    "$3::text[], $4::bytea[], $5::text[], $6::text[], $7::text[], $8::text[], $9::bigint[], "
    "$10::bigint[], $11::bigint[], $12::bigint[], $13::date[], $14::bytea[], $15::integer[], "
    "$16::text[], $17::bigint[], $18::text[])";

typedef struct {
    char *p;
    size_t n, cap;
} abuf_t;

/* Room for n more bytes, the closing '}' and a NUL. */
static void ab_reserve(abuf_t *b, size_t n)
{
    if (b->n + n + 2 > b->cap) {
        b->cap = (b->n + n + 2) * 2;
        b->p = club_realloc(b->p, b->cap);
    }
}

static void ab_put(abuf_t *b, const char *s, size_t n)
{
    ab_reserve(b, n);
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = 0;
}

/* Starts the next element: '{' before the first, ',' before the others. */
static void ab_next(abuf_t *b)
{
    ab_put(b, b->n ? "," : "{", 1);
}

static void ab_null(abuf_t *b)
{
    ab_next(b);
    ab_put(b, "NULL", 4);
}

static void ab_int(abuf_t *b, long long v)
{
    char t[24];
    ab_next(b);
    ab_put(b, t, (size_t)snprintf(t, sizeof t, "%lld", v));
}

/* A quoted element: inside quotes only '"' and '\' need a backslash. */
static void ab_str(abuf_t *b, const char *s)
{
    ab_next(b);
    ab_put(b, "\"", 1);
    for (const char *q = s; *q; q++) {
        if (*q == '"' || *q == '\\') ab_put(b, "\\", 1);
        ab_put(b, q, 1);
    }
    ab_put(b, "\"", 1);
}

/* bytea in hex ("\\x..." in the literal: the array parser eats one backslash). */
static void ab_bytes(abuf_t *b, const uint8_t *p, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    ab_next(b);
    ab_put(b, "\"\\\\x", 4);
    ab_reserve(b, 2 * n + 1);
    char *o = b->p + b->n;
    for (size_t i = 0; i < n; i++) {
        *o++ = hex[p[i] >> 4];
        *o++ = hex[p[i] & 15];
    }
    b->n += 2 * n;
    ab_put(b, "\"", 1);
}

/* One call of wallet_settle_batch(): requests of distinct users. */
typedef struct {
    abuf_t a[A_N];
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
    int idx = p->n; /* m_req is 1-based, as WITH ORDINALITY */
    ab_int(&p->a[A_USER], (long long)s->user);
    if (s->has_idem)
        ab_str(&p->a[A_IDEM], s->idem);
    else
        ab_null(&p->a[A_IDEM]);
    ab_str(&p->a[A_OP], s->op);
    ab_bytes(&p->a[A_HASH], s->req_hash, sizeof s->req_hash);
    ab_str(&p->a[A_COUNTER], s->counter);
    ab_str(&p->a[A_REF], s->ref);
    if (s->has_round) {
        ab_str(&p->a[A_ROUND], s->round_id);
        ab_str(&p->a[A_GAME], s->game);
        ab_int(&p->a[A_SEED], (long long)s->seed_id);
        ab_int(&p->a[A_NONCE], (long long)s->nonce);
        ab_int(&p->a[A_BET], (long long)s->bet);
        ab_int(&p->a[A_WIN], (long long)s->win);
    } else {
        for (int k = A_ROUND; k <= A_WIN; k++)
            ab_null(&p->a[k]);
    }
    if (s->claim_day[0])
        ab_str(&p->a[A_CLAIM], s->claim_day);
    else
        ab_null(&p->a[A_CLAIM]);
    if (s->reply_len)
        ab_bytes(&p->a[A_REPLY], s->reply, s->reply_len);
    else
        ab_null(&p->a[A_REPLY]);
    for (int i = 0; i < s->nmoves; i++) {
        ab_int(&p->a[A_MREQ], idx);
        ab_str(&p->a[A_MCUR], s->currency[i]);
        ab_int(&p->a[A_MDELTA], (long long)s->delta[i]);
        ab_str(&p->a[A_MREASON], s->reason[i]);
    }
}

/* Empties a pass for the next batch, keeping its buffers: batches are similar in size, so
 * after the first few nothing is allocated here. */
static void s_pass_reset(pass_t *p)
{
    for (int k = 0; k < A_N; k++)
        p->a[k].n = 0;
    p->n = 0;
}

static int s_pass_send(PGconn *c, pass_t *p)
{
    const char *v[A_N];
    for (int k = 0; k < A_N; k++) {
        if (!p->a[k].n) ab_put(&p->a[k], "{", 1); /* no movements at all */
        ab_put(&p->a[k], "}", 1);
        v[k] = p->a[k].p;
    }
    return PQsendQueryParams(c, BATCH_SQL, A_N, NULL, v, NULL, NULL, 1);
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
        int n = PQgetlength(r, row, 1);
        if (n <= 0 || n >= (int)sizeof s->status) return -1;
        memcpy(s->status, PQgetvalue(r, row, 1), (size_t)n);
        s->status[n] = 0;
        s->coins = PQgetisnull(r, row, 2) ? 0 : s_be64(PQgetvalue(r, row, 2));
        s->gems = PQgetisnull(r, row, 3) ? 0 : s_be64(PQgetvalue(r, row, 3));
        if (!strcmp(s->status, "REPLAY")) {
            size_t len = PQgetisnull(r, row, 4) ? 0 : (size_t)PQgetlength(r, row, 4);
            uint8_t *copy = club_malloc(len ? len : 1);
            memcpy(copy, PQgetvalue(r, row, 4), len);
            s->replay = copy;
            s->reply = copy;
            s->reply_len = len;
        }
    }
    return 0;
}

/* Runs the settles as one pipelined transaction: BEGIN, one wallet_settle_batch() per pass,
 * COMMIT, one sync. Pass k holds each user's k-th settle of the list, so a user's settles
 * apply in order and one call never sees a user twice. Returns 0 when committed, 1 when
 * committed but some result could not be read (those settles keep an empty status), -1 when
 * nothing was committed. */
static int s_run(settle_t *head)
{
    PGconn *c = club_db_conn(S.db);
    if (!c) return -1;
    static pass_t *passes; /* kept across batches, see s_pass_reset() */
    static int ncap;
    int npass = 0;
    club_u64map_t seen; /* user -> number of settles so far, as a pointer-sized count */
    club_u64map_init(&seen);
    for (settle_t *s = head; s; s = s->next) {
        uintptr_t k = (uintptr_t)club_u64map_get(&seen, s->user);
        club_u64map_put(&seen, s->user, (void *)(k + 1));
        if ((int)k == npass) {
            if (npass == ncap) {
                passes = club_realloc(passes, (size_t)(ncap + 1) * sizeof *passes);
                memset(&passes[ncap++], 0, sizeof *passes);
            }
            s_pass_reset(&passes[npass++]);
        }
        s_pass_add(&passes[k], s);
    }
    club_u64map_free(&seen);

    int rc = -1;
    bool committed = false;
    if (PQenterPipelineMode(c) == 1) {
        int ok = PQsendQueryParams(c, "BEGIN", 0, NULL, NULL, NULL, NULL, 0);
        for (int k = 0; ok && k < npass; k++)
            ok = s_pass_send(c, &passes[k]);
        ok = ok && PQsendQueryParams(c, "COMMIT", 0, NULL, NULL, NULL, NULL, 0);
        ok = ok && PQpipelineSync(c);
        rc = ok ? 0 : -1;
        /* Results: BEGIN, the passes, COMMIT, then the sync. Each query's results end in
         * NULL; after an error the rest come back PGRES_PIPELINE_ABORTED. */
        int idx = -1;
        for (;;) {
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
        if (PQpipelineStatus(c) != PQ_PIPELINE_OFF) PQexitPipelineMode(c);
        /* A statement that failed inside BEGIN leaves the session in a failed transaction
         * block (a Sync does not end an explicit one): roll it back, or every later statement
         * on this connection, the one-by-one retry included, would be refused. */
        if (PQstatus(c) == CONNECTION_OK && PQtransactionStatus(c) != PQTRANS_IDLE) {
            PGresult *r = PQexec(c, "ROLLBACK");
            PQclear(r);
        }
    }
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
    s->reply = s->orig;
    s->reply_len = s->orig_len;
    s->status[0] = 0;
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
            /* Applied, whatever the unread rows said: the client's retry (same idem) gets the
             * stored reply. */
            for (settle_t *s = head; s; s = s->next)
                if (!s->status[0]) snprintf(s->status, sizeof s->status, "DOWN");
        } else if (rc != 0) {
            /* Nothing of the batch committed: each alone, so one bad settle sinks only itself. */
            for (settle_t *s = head; s; s = s->next) {
                settle_t *next = s->next;
                s_unread(s);
                s->next = NULL;
                int one = s_run(s);
                if (one == -1) s_unread(s);
                if (one != 0 && !s->status[0]) snprintf(s->status, sizeof s->status, "DOWN");
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
            free(s);
            s = next;
        }
    }
}

static void s_enqueue(settle_t *s)
{
    club_call_defer(s->call);
    s->orig = s->reply;
    s->orig_len = s->reply_len;
    if (S.tail)
        S.tail->next = s;
    else
        S.head = s;
    S.tail = s;
    S.n++;
}

/* ---- handlers ---- */

static bool s_bin(const msgpack_object *o, const uint8_t **p, size_t *n)
{
    if (!o || o->type != MSGPACK_OBJECT_BIN) return false;
    *p = (const uint8_t *)o->via.bin.ptr;
    *n = o->via.bin.size;
    return true;
}

/* wallet.settle from another domain. Trusts the caller for amounts (it is our own code) but
 * still checks every shape, since a malformed internal message must not corrupt the ledger. */
static void s_settle(club_call_t *call)
{
    const msgpack_object *a = call->req.args;
    settle_t *s = club_calloc(1, sizeof *s);
    s->call = call;
    s->internal = true;
    int64_t user = 0;
    const msgpack_object *moves = club_mp_get(a, "moves");
    const uint8_t *hash;
    size_t hlen;
    const char *bad = NULL;
    if (!club_mp_i64(club_mp_get(a, "user"), &user) || user <= 0 ||
        (uint64_t)user != call->hdr.user)
        bad = "user";
    else if (!club_mp_strcpy(club_mp_get(a, "op"), s->op, sizeof s->op))
        bad = "op";
    else if (!s_bin(club_mp_get(a, "req_hash"), &hash, &hlen) || hlen != 32)
        bad = "req_hash";
    else if (!moves || moves->type != MSGPACK_OBJECT_ARRAY || moves->via.array.size < 1 ||
             moves->via.array.size > MAX_MOVES)
        bad = "moves";
    else if (!club_mp_strcpy(club_mp_get(a, "counter"), s->counter, sizeof s->counter))
        bad = "counter";
    else if (!club_mp_strcpy(club_mp_get(a, "ref"), s->ref, sizeof s->ref))
        bad = "ref";
    if (!bad) {
        s->user = (uint64_t)user;
        memcpy(s->req_hash, hash, 32);
        const msgpack_object *idem = club_mp_get(a, "idem");
        if (idem && idem->type != MSGPACK_OBJECT_NIL) {
            if (!club_mp_strcpy(idem, s->idem, sizeof s->idem)) bad = "idem";
            s->has_idem = true;
        }
        for (uint32_t i = 0; !bad && i < moves->via.array.size; i++) {
            const msgpack_object *m = &moves->via.array.ptr[i];
            if (m->type != MSGPACK_OBJECT_ARRAY || m->via.array.size != 3 ||
                !club_mp_strcpy(&m->via.array.ptr[0], s->currency[i], sizeof s->currency[i]) ||
                (strcmp(s->currency[i], "coins") && strcmp(s->currency[i], "gems")) ||
                !club_mp_i64(&m->via.array.ptr[1], &s->delta[i]) ||
                !club_mp_strcpy(&m->via.array.ptr[2], s->reason[i], sizeof s->reason[i]))
                bad = "moves";
            s->nmoves++;
        }
        const msgpack_object *round = club_mp_get(a, "round");
        if (!bad && round && round->type == MSGPACK_OBJECT_MAP) {
            s->has_round = true;
            if (!club_mp_strcpy(club_mp_get(round, "id"), s->round_id, sizeof s->round_id) ||
                !club_mp_strcpy(club_mp_get(round, "game"), s->game, sizeof s->game) ||
                !club_mp_i64(club_mp_get(round, "seed_id"), &s->seed_id) ||
                !club_mp_i64(club_mp_get(round, "nonce"), &s->nonce) ||
                !club_mp_i64(club_mp_get(round, "bet"), &s->bet) ||
                !club_mp_i64(club_mp_get(round, "win"), &s->win))
                bad = "round";
        }
        if (!bad && !s_bin(club_mp_get(a, "reply"), &s->reply, &s->reply_len)) bad = "reply";
        s->style = club_mp_streq(club_mp_get(a, "style"), "flat") ? STYLE_FLAT : STYLE_NESTED;
    }
    if (bad) {
        free(s);
        club_call_error(call, CLUB_E_BAD_REQUEST, "wallet.settle: bad %s", bad);
        return;
    }
    s_enqueue(s);
}

void actors_request_hash(const club_call_t *call, uint8_t out[32])
{
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    club_pk_strn(&pk, call->req.op, call->req.op_len);
    if (call->req.args)
        msgpack_pack_object(&pk, *call->req.args);
    else
        msgpack_pack_nil(&pk);
    club_sha256(sb.data, sb.size, out);
    msgpack_sbuffer_destroy(&sb);
}

static void s_daily_bonus(club_call_t *call)
{
    static const int64_t coins[] = {500, 500, 1000, 2500}; /* by rank: none, STD, PREM, VIP */
    static const int64_t gems[] = {0, 0, 5, 20};
    int rank = call->hdr.rank <= CLUB_RANK_VIP ? call->hdr.rank : CLUB_RANK_STANDARD;
    settle_t *s = club_calloc(1, sizeof *s);
    s->call = call;
    s->user = call->hdr.user;
    if (call->req.idem) {
        memcpy(s->idem, call->req.idem, call->req.idem_len);
        s->has_idem = true;
    }
    snprintf(s->op, sizeof s->op, "wallet.daily_bonus");
    actors_request_hash(call, s->req_hash);
    snprintf(s->currency[0], sizeof s->currency[0], "coins");
    s->delta[0] = coins[rank];
    snprintf(s->reason[0], sizeof s->reason[0], "daily_bonus");
    s->nmoves = 1;
    if (gems[rank]) {
        snprintf(s->currency[1], sizeof s->currency[1], "gems");
        s->delta[1] = gems[rank];
        snprintf(s->reason[1], sizeof s->reason[1], "daily_bonus");
        s->nmoves = 2;
    }
    snprintf(s->counter, sizeof s->counter, "promo");
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(s->claim_day, sizeof s->claim_day, "%Y-%m-%d", &tm);
    snprintf(s->ref, sizeof s->ref, "daily:%s", s->claim_day);
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
    s->reply = (const uint8_t *)sb.data;
    s->reply_len = sb.size;
    s->has_round = false;
    s_enqueue(s);
}

/* Reads go after any queued settle of this worker, so a user's reads never overtake writes. */
static void s_balance(club_call_t *call)
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

static void s_history(club_call_t *call)
{
    int64_t limit = 20, before = 0;
    const msgpack_object *l = club_mp_get(call->req.args, "limit");
    const msgpack_object *b = club_mp_get(call->req.args, "before");
    if (l && l->type != MSGPACK_OBJECT_NIL && !club_mp_i64(l, &limit)) {
        club_call_error(call, CLUB_E_BAD_REQUEST, "limit must be an integer from 1 to 100");
        return;
    }
    if (limit < 1 || limit > 100) {
        club_call_error(call, CLUB_E_LIMIT, "limit must be from 1 to 100");
        return;
    }
    if (b && b->type != MSGPACK_OBJECT_NIL && (!club_mp_i64(b, &before) || before < 1)) {
        club_call_error(call, CLUB_E_BAD_REQUEST,
                        "before must be an entry id from a previous page");
        return;
    }
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

static const club_handler_t s_handlers[] = {
    {"wallet.balance", CLUB_H_AUTH, s_balance},
    {"wallet.history", CLUB_H_AUTH, s_history},
    {"wallet.daily_bonus", CLUB_H_AUTH, s_daily_bonus},
    {"wallet.settle", CLUB_H_INTERNAL, s_settle},
};

int wallet_init(club_actor_spec_t *spec)
{
    const char *pg = club_cfg_str("CLUB_PG", NULL);
    if (!pg) {
        club_log(CLUB_ERROR, "config", "wallet needs CLUB_PG; ./club up sets it");
        return -1;
    }
    S.db = club_db_new(pg);
    S.batch_max = (int)club_cfg_int("CLUB_WALLET_BATCH", 512);
    if (S.batch_max < 1) S.batch_max = 1;
    S.m_batch_seconds =
        club_hist("club_wallet_commit_seconds", "Time to commit one group of settlements", NULL);
    S.m_batches = club_counter("club_wallet_batches_total", "Group commits", NULL);
    S.m_settles =
        club_counter("club_wallet_settles_total", "Settlements committed or refused", NULL);
    spec->handlers = s_handlers;
    spec->nhandlers = CLUB_ARRAY_LEN(s_handlers);
    spec->flush = s_flush;
    return 0;
}

void wallet_fini(void)
{
    club_db_destroy(&S.db);
}
