/* auth: invites, registration, login, access and refresh tokens, profile.
 *
 * Passwords: Argon2id at OWASP's minimum (19 MiB, 2 passes, 1 lane). An unknown user is
 * checked against a dummy hash so it costs the same time as a wrong password, and both answer
 * BAD_CREDENTIALS with the same words.
 * Access tokens: HS256 JWTs (lib/jwt.h), a few minutes long. Refresh tokens: 32 random bytes,
 * stored as SHA-256; each refresh spends the token and issues the next of its family; a spent
 * token presented again means it was stolen or replayed, so the whole family is revoked. */
#include <argon2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "db.h"
#include "domains.h"
#include "token.h"
#include "log.h"
#include "rds.h"
#include "settle.h"
#include "util.h"

#define ARGON_T           2
#define ARGON_M           19456
#define ARGON_P           1
#define LOGIN_FAIL_MAX    10
#define LOGIN_FAIL_WINDOW 900

static struct {
    club_db_t *db;
    club_rds_t *rds;
    club_jwt_key_t key;
    int64_t access_ttl, refresh_ttl, welcome;
    char dummy_hash[128];
} S;

static const char USER_COLS[] =
    "u.id, u.username, u.rank, u.segment, (extract(epoch from u.created_at)*1000)::bigint, "
    "u.banned";

/* ---- helpers ---- */

static bool s_username_ok(const char *s)
{
    size_t n = strlen(s);
    if (n < 3 || n > 20) return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_'))
            return false;
    }
    return true;
}

/* user map from a row with USER_COLS starting at column `col`. */
static void s_pack_user(msgpack_packer *pk, const PGresult *r, int row, int col)
{
    msgpack_pack_map(pk, 5);
    int64_t id = 0, created = 0;
    club_parse_i64(PQgetvalue(r, row, col), &id);
    club_parse_i64(PQgetvalue(r, row, col + 4), &created);
    club_pk_kv_int(pk, "id", id);
    club_pk_kv_str(pk, "username", PQgetvalue(r, row, col + 1));
    club_pk_kv_str(pk, "rank", PQgetvalue(r, row, col + 2));
    club_pk_kv_str(pk, "segment", PQgetvalue(r, row, col + 3));
    club_pk_kv_int(pk, "created_at", created);
}

static int s_hash_password(const char *pw, char *out, size_t cap)
{
    uint8_t salt[16];
    if (club_random(salt, sizeof salt)) return -1;
    return argon2id_hash_encoded(ARGON_T, ARGON_M, ARGON_P, pw, strlen(pw), salt, sizeof salt, 32,
                                 out, cap) == ARGON2_OK
               ? 0
               : -1;
}

/* Issues a refresh token in `family` (0 = a new family). Inside the caller's transaction.
 * Returns 0 and fills token (base64url, 43 chars) and *family_out. */
static int s_new_refresh(uint64_t user, uint64_t family, char token[64], uint64_t *family_out)
{
    uint8_t raw[32], h[32];
    char hhex[65], uid[24], fam[24], ttl[24];
    if (club_random(raw, sizeof raw)) return -1;
    club_b64url_encode(raw, sizeof raw, token);
    club_sha256(token, strlen(token), h);
    club_hex(h, 32, hhex);
    snprintf(uid, sizeof uid, "%llu", (unsigned long long)user);
    snprintf(fam, sizeof fam, "%llu", (unsigned long long)family);
    snprintf(ttl, sizeof ttl, "%lld", (long long)S.refresh_ttl);
    const char *p[] = {uid, fam, hhex, ttl};
    PGresult *r = club_db_exec(
        S.db,
        "INSERT INTO refresh_tokens (user_id, family, token_hash, expires_at) "
        "VALUES ($1, CASE WHEN $2::bigint = 0 THEN nextval('refresh_family_seq') "
        "ELSE $2::bigint END, decode($3, 'hex'), now() + ($4 || ' seconds')::interval) "
        "RETURNING family",
        4, p);
    int rc = -1;
    if (club_db_ok(S.db, r, "insert refresh token")) {
        int64_t f;
        if (!club_parse_i64(PQgetvalue(r, 0, 0), &f)) {
            *family_out = (uint64_t)f;
            rc = 0;
        }
    }
    PQclear(r);
    return rc;
}

static bool s_exec_ok(const char *sql)
{
    PGresult *r = club_db_exec(S.db, sql, 0, NULL);
    bool ok = club_db_ok(S.db, r, sql);
    PQclear(r);
    return ok;
}

static void s_rollback(void)
{
    PGresult *r = club_db_exec(S.db, "ROLLBACK", 0, NULL);
    PQclear(r);
}

/* Replies {user, access_token, refresh_token} and authenticates the connection. Inside an
 * open transaction, which it commits. `ur` holds USER_COLS at column 0 of row 0. */
static void s_reply_session(club_call_t *call, const PGresult *ur)
{
    int64_t uid = 0;
    club_parse_i64(PQgetvalue(ur, 0, 0), &uid);
    int rank = club_rank_from_name(PQgetvalue(ur, 0, 2));
    char refresh[64];
    uint64_t family = 0;
    if (s_new_refresh((uint64_t)uid, 0, refresh, &family) != 0 || !s_exec_ok("COMMIT")) {
        s_rollback();
        club_call_error(call, CLUB_E_UNAVAILABLE, "could not start a session; try again");
        return;
    }
    int64_t exp;
    char *access =
        club_jwt_issue(&S.key, (uint64_t)uid, rank, club_now_ms() / 1000, S.access_ttl, &exp);
    if (!access) {
        club_call_error(call, CLUB_E_INTERNAL, "could not issue a token");
        return;
    }
    msgpack_packer *pk = club_call_ok(call);
    msgpack_pack_map(pk, 3);
    club_pk_str(pk, "user");
    s_pack_user(pk, ur, 0, 0);
    club_pk_kv_str(pk, "access_token", access);
    club_pk_kv_str(pk, "refresh_token", refresh);
    club_call_send_auth(call, (uint64_t)uid, rank, exp, family);
    free(access);
}

/* ---- handlers ---- */

/* A registration waiting for its password hash (club_actor_offload). */
typedef struct {
    club_call_t *call;
    char invite[65], username[32], password[129];
    char hash[256];
    int rc;
} reg_t;

static void s_register_hash(void *v)
{
    reg_t *g = v;
    g->rc = s_hash_password(g->password, g->hash, sizeof g->hash);
    explicit_bzero(g->password, sizeof g->password);
}

static void s_register_finish(club_call_t *call, const char *invite, const char *username,
                              const char *hash);

static void s_register_hashed(void *owner, void *v)
{
    (void)owner;
    reg_t *g = v;
    if (g->rc != 0)
        club_call_error(g->call, CLUB_E_INTERNAL, "could not secure the password");
    else
        s_register_finish(g->call, g->invite, g->username, g->hash);
    free(g);
}

/* The op schema has checked the three fields' lengths and the username's characters. */
void op_auth_register(club_call_t *call)
{
    reg_t *g = club_calloc(1, sizeof *g);
    const msgpack_object *a = call->req.args;
    club_mp_strcpy(club_mp_get(a, "invite"), g->invite, sizeof g->invite);
    club_mp_strcpy(club_mp_get(a, "username"), g->username, sizeof g->username);
    club_mp_strcpy(club_mp_get(a, "password"), g->password, sizeof g->password);
    /* Cheap checks first, so a bad code costs no password hashing. */
    const char *p1[] = {g->invite};
    PGresult *r = club_db_exec(S.db,
                               "SELECT 1 FROM invites WHERE code = $1 AND uses_left > 0 AND "
                               "(expires_at IS NULL OR expires_at > now())",
                               1, p1);
    bool db_ok = club_db_ok(S.db, r, "check invite");
    bool invite_ok = db_ok && PQntuples(r) == 1;
    PQclear(r);
    if (!invite_ok) {
        if (db_ok)
            club_call_error(call, CLUB_E_INVALID_INVITE,
                            "this invite code is not valid, used up or expired; ask for a new one");
        else
            club_call_error(call, CLUB_E_UNAVAILABLE, "accounts are unavailable; try again");
        explicit_bzero(g->password, sizeof g->password);
        free(g);
        return;
    }
    /* The hash takes tens of milliseconds: off the loop, which serves others meanwhile. */
    g->call = call;
    club_call_defer(call);
    club_actor_offload(call->actor, s_register_hash, s_register_hashed, g);
}

/* Spends the invite and creates the account, its wallet with the welcome grant and the
 * welcome notification, in one transaction. */
static void s_register_finish(club_call_t *call, const char *invite, const char *username,
                              const char *hash)
{
    const char *p1[] = {invite};
    PGresult *r;
    if (!s_exec_ok("BEGIN")) {
        club_call_error(call, CLUB_E_UNAVAILABLE, "accounts are unavailable; try again");
        return;
    }
    r = club_db_exec(S.db,
                     "UPDATE invites SET uses_left = uses_left - 1 WHERE code = $1 AND "
                     "uses_left > 0 AND (expires_at IS NULL OR expires_at > now()) RETURNING rank",
                     1, p1);
    if (!club_db_ok(S.db, r, "spend invite") || PQntuples(r) != 1) {
        bool db_ok = r && PQresultStatus(r) == PGRES_TUPLES_OK;
        PQclear(r);
        s_rollback();
        if (db_ok)
            club_call_error(call, CLUB_E_INVALID_INVITE,
                            "this invite code is not valid, used up or expired; ask for a new one");
        else
            club_call_error(call, CLUB_E_UNAVAILABLE, "accounts are unavailable; try again");
        return;
    }
    char rank[16];
    snprintf(rank, sizeof rank, "%s", PQgetvalue(r, 0, 0));
    PQclear(r);
    const char *p2[] = {username, hash, rank, invite};
    char sql[512];
    snprintf(sql, sizeof sql,
             "WITH u AS (INSERT INTO users (username, password_hash, rank, invite_code) "
             "VALUES ($1, $2, $3, $4) ON CONFLICT ((lower(username))) DO NOTHING RETURNING *) "
             "SELECT %s FROM u",
             USER_COLS);
    PGresult *ur = club_db_exec(S.db, sql, 4, p2);
    if (!club_db_ok(S.db, ur, "insert user") || PQntuples(ur) != 1) {
        bool taken = ur && PQresultStatus(ur) == PGRES_TUPLES_OK;
        PQclear(ur);
        s_rollback();
        if (taken)
            club_call_error(call, CLUB_E_USERNAME_TAKEN,
                            "the username '%s' is taken; choose another", username);
        else
            club_call_error(call, CLUB_E_UNAVAILABLE, "accounts are unavailable; try again");
        return;
    }
    /* The wallet, its welcome grant and the welcome notification are part of the account:
     * one transaction, the grant through the same settle every other movement uses. */
    int64_t uid = 0;
    club_parse_i64(PQgetvalue(ur, 0, 0), &uid);
    club_move_t grant = {"coins", S.welcome, "welcome"};
    club_settle_req_t req = {.user = (uint64_t)uid,
                             .idem = "welcome",
                             .op = "auth.register",
                             .counter = "promo",
                             .ref = "welcome",
                             .moves = &grant,
                             .nmoves = 1};
    club_settle_doc_t doc;
    club_settle_doc_init(&doc);
    club_settle_doc_add(&doc, &req);
    msgpack_sbuffer json;
    msgpack_sbuffer_init(&json);
    club_settle_doc_json(&doc, &json);
    char body[128];
    snprintf(body, sizeof body, "Your welcome grant of %lld coins is in your wallet.",
             (long long)S.welcome);
    const char *p3[] = {PQgetvalue(ur, 0, 0), body};
    r = club_db_exec(S.db,
                     "WITH w AS (INSERT INTO wallets (user_id) VALUES ($1) RETURNING user_id) "
                     "INSERT INTO notifications (user_id, kind, title, body) "
                     "SELECT user_id, 'system', 'Welcome to Casino-Club', $2 FROM w",
                     2, p3);
    bool made = club_db_ok(S.db, r, "create wallet");
    PQclear(r);
    const char *p4[] = {json.data};
    r = made ? club_db_exec(S.db, "SELECT status FROM wallet_settle_batch($1::jsonb)", 1, p4)
             : NULL;
    club_settle_doc_destroy(&doc);
    msgpack_sbuffer_destroy(&json);
    if (!club_db_ok(S.db, r, "welcome grant") || PQntuples(r) != 1 ||
        strcmp(PQgetvalue(r, 0, 0), "OK")) {
        PQclear(r);
        PQclear(ur);
        s_rollback();
        club_call_error(call, CLUB_E_UNAVAILABLE, "accounts are unavailable; try again");
        return;
    }
    PQclear(r);
    club_log(CLUB_INFO, "registered", "user=%s rank=%s", PQgetvalue(ur, 0, 0), rank);
    s_reply_session(call, ur);
    PQclear(ur);
}

/* Failed logins per username are counted in Redis for 15 minutes; past 10 the name is
 * locked out for the rest of the window. Without Redis the limit is simply not applied. */
static bool s_login_locked(const char *lower)
{
    redisReply *r = club_rds_cmd(S.rds, "GET club:loginfail:%s", lower);
    bool locked = r && r->type == REDIS_REPLY_STRING && atoi(r->str) >= LOGIN_FAIL_MAX;
    if (r) freeReplyObject(r);
    return locked;
}

static void s_login_failed(const char *lower)
{
    redisReply *r = club_rds_cmd(S.rds, "INCR club:loginfail:%s", lower);
    if (r) freeReplyObject(r);
    r = club_rds_cmd(S.rds, "EXPIRE club:loginfail:%s %d", lower, LOGIN_FAIL_WINDOW);
    if (r) freeReplyObject(r);
}

/* A login waiting for its password check (club_actor_offload). */
typedef struct {
    club_call_t *call;
    PGresult *ur; /* the user's row; NULL for a name that cannot exist */
    char lower[32];
    char password[129];
    char stored[256]; /* the hash checked: the user's, or a dummy so timing tells nothing */
    bool counted;     /* a wrong password counts towards the name's lock-out */
    bool good;
} login_t;

static void s_login_verify(void *v)
{
    login_t *l = v;
    l->good = argon2id_verify(l->stored, l->password, strlen(l->password)) == ARGON2_OK;
    explicit_bzero(l->password, sizeof l->password);
}

static void s_login_checked(void *owner, void *v)
{
    (void)owner;
    login_t *l = v;
    club_call_t *call = l->call;
    bool found = l->ur && PQntuples(l->ur) == 1;
    if (!l->good || !found) {
        if (l->counted) s_login_failed(l->lower);
        club_call_error(call, CLUB_E_BAD_CREDENTIALS, "wrong username or password");
    } else if (!strcmp(PQgetvalue(l->ur, 0, 5), "t")) {
        club_call_error(call, CLUB_E_BANNED, "this account is banned; contact support");
    } else if (!s_exec_ok("BEGIN")) {
        club_call_error(call, CLUB_E_UNAVAILABLE, "accounts are unavailable; try again");
    } else {
        s_reply_session(call, l->ur);
    }
    PQclear(l->ur);
    free(l);
}

/* The op schema has checked that username and password are present and not too long. */
void op_auth_login(club_call_t *call)
{
    login_t *l = club_calloc(1, sizeof *l);
    char username[32];
    const msgpack_object *a = call->req.args;
    club_mp_strcpy(club_mp_get(a, "username"), username, sizeof username);
    club_mp_strcpy(club_mp_get(a, "password"), l->password, sizeof l->password);
    size_t i = 0;
    for (; username[i]; i++)
        l->lower[i] =
            (char)((username[i] >= 'A' && username[i] <= 'Z') ? username[i] + 32 : username[i]);
    l->lower[i] = 0;
    snprintf(l->stored, sizeof l->stored, "%s", S.dummy_hash);
    if (s_username_ok(username)) {
        if (s_login_locked(l->lower)) {
            club_call_error(call, CLUB_E_RATE_LIMITED,
                            "too many failed logins for this name; try again in 15 minutes");
            explicit_bzero(l->password, sizeof l->password);
            free(l);
            return;
        }
        char sql[256];
        snprintf(sql, sizeof sql,
                 "SELECT %s, u.password_hash FROM users u WHERE lower(u.username) = $1", USER_COLS);
        const char *p[] = {l->lower};
        l->ur = club_db_exec(S.db, sql, 1, p);
        if (!club_db_ok(S.db, l->ur, "find user")) {
            PQclear(l->ur);
            club_call_error(call, CLUB_E_UNAVAILABLE, "accounts are unavailable; try again");
            explicit_bzero(l->password, sizeof l->password);
            free(l);
            return;
        }
        l->counted = true;
        if (PQntuples(l->ur) == 1)
            snprintf(l->stored, sizeof l->stored, "%s", PQgetvalue(l->ur, 0, 6));
    }
    /* The check takes tens of milliseconds: off the loop, which serves others meanwhile. */
    l->call = call;
    club_call_defer(call);
    club_actor_offload(call->actor, s_login_verify, s_login_checked, l);
}

/* Loads the user for an authenticated id; NULL (and replies) when gone or banned. */
static PGresult *s_load_user(club_call_t *call, uint64_t uid)
{
    char sql[256], id[24];
    snprintf(id, sizeof id, "%llu", (unsigned long long)uid);
    snprintf(sql, sizeof sql, "SELECT %s FROM users u WHERE u.id = $1", USER_COLS);
    const char *p[] = {id};
    PGresult *ur = club_db_exec(S.db, sql, 1, p);
    if (!club_db_ok(S.db, ur, "load user")) {
        PQclear(ur);
        club_call_error(call, CLUB_E_UNAVAILABLE, "accounts are unavailable; try again");
        return NULL;
    }
    if (PQntuples(ur) != 1) {
        PQclear(ur);
        club_call_error(call, CLUB_E_UNAUTHENTICATED, "this account no longer exists");
        return NULL;
    }
    if (!strcmp(PQgetvalue(ur, 0, 5), "t")) {
        PQclear(ur);
        club_call_error(call, CLUB_E_BANNED, "this account is banned; contact support");
        return NULL;
    }
    return ur;
}

void op_auth_token(club_call_t *call)
{
    char token[4097];
    if (!club_mp_strcpy(club_mp_get(call->req.args, "access_token"), token, sizeof token)) {
        club_call_error(call, CLUB_E_BAD_REQUEST, "access_token is required");
        return;
    }
    club_jwt_claims_t cl;
    const char *why;
    if (club_jwt_verify(&S.key, token, club_now_ms() / 1000, &cl, &why) != 0) {
        club_call_error(call, CLUB_E_UNAUTHENTICATED,
                        "the access token is not valid (%s); log in or call auth.refresh", why);
        return;
    }
    PGresult *ur = s_load_user(call, cl.user);
    if (!ur) return;
    /* The rank in the database wins over the token's: an admin may have changed it. */
    int rank = club_rank_from_name(PQgetvalue(ur, 0, 2));
    msgpack_packer *pk = club_call_ok(call);
    msgpack_pack_map(pk, 1);
    club_pk_str(pk, "user");
    s_pack_user(pk, ur, 0, 0);
    PQclear(ur);
    club_call_send_auth(call, cl.user, rank, cl.exp, 0);
}

void op_auth_refresh(club_call_t *call)
{
    char token[128], hhex[65];
    uint8_t h[32];
    if (!club_mp_strcpy(club_mp_get(call->req.args, "refresh_token"), token, sizeof token)) {
        club_call_error(call, CLUB_E_BAD_REQUEST, "refresh_token is required");
        return;
    }
    club_sha256(token, strlen(token), h);
    club_hex(h, 32, hhex);
    if (!s_exec_ok("BEGIN")) {
        club_call_error(call, CLUB_E_UNAVAILABLE, "accounts are unavailable; try again");
        return;
    }
    const char *p[] = {hhex};
    PGresult *r = club_db_exec(
        S.db,
        "SELECT t.user_id, t.family, t.spent_at IS NOT NULL, t.revoked_at IS NOT NULL, "
        "t.expires_at < now(), u.rank, u.banned FROM refresh_tokens t JOIN users u ON "
        "u.id = t.user_id WHERE t.token_hash = decode($1, 'hex') FOR UPDATE OF t",
        1, p);
    if (!club_db_ok(S.db, r, "find refresh token")) {
        PQclear(r);
        s_rollback();
        club_call_error(call, CLUB_E_UNAVAILABLE, "accounts are unavailable; try again");
        return;
    }
    if (PQntuples(r) != 1) {
        PQclear(r);
        s_rollback();
        club_call_error(call, CLUB_E_UNAUTHENTICATED, "unknown refresh token; log in again");
        return;
    }
    int64_t uid = 0, family = 0;
    club_parse_i64(PQgetvalue(r, 0, 0), &uid);
    club_parse_i64(PQgetvalue(r, 0, 1), &family);
    bool spent = !strcmp(PQgetvalue(r, 0, 2), "t");
    bool revoked = !strcmp(PQgetvalue(r, 0, 3), "t");
    bool expired = !strcmp(PQgetvalue(r, 0, 4), "t");
    int rank = club_rank_from_name(PQgetvalue(r, 0, 5));
    bool banned = !strcmp(PQgetvalue(r, 0, 6), "t");
    PQclear(r);
    char fam[24];
    snprintf(fam, sizeof fam, "%lld", (long long)family);
    const char *pf[] = {fam};
    if (spent && !revoked) {
        /* Replay of a spent token: someone else may hold the family. End all of it. */
        r = club_db_exec(S.db,
                         "UPDATE refresh_tokens SET revoked_at = now() WHERE family = $1 AND "
                         "revoked_at IS NULL",
                         1, pf);
        PQclear(r);
        s_exec_ok("COMMIT");
        club_log(CLUB_WARN, "refresh_reuse", "user=%lld family=%lld revoked", (long long)uid,
                 (long long)family);
        club_call_error(call, CLUB_E_UNAUTHENTICATED,
                        "this refresh token was already used; every session of this login was "
                        "signed out; log in again");
        return;
    }
    if (spent || revoked || expired || banned) {
        s_rollback();
        if (banned)
            club_call_error(call, CLUB_E_BANNED, "this account is banned; contact support");
        else
            club_call_error(call, CLUB_E_UNAUTHENTICATED,
                            "this refresh token is no longer valid; log in again");
        return;
    }
    r = club_db_exec(S.db,
                     "UPDATE refresh_tokens SET spent_at = now() WHERE token_hash = "
                     "decode($1, 'hex')",
                     1, p);
    bool ok = club_db_ok(S.db, r, "spend refresh token");
    PQclear(r);
    char next[64];
    uint64_t fam_out;
    if (!ok || s_new_refresh((uint64_t)uid, (uint64_t)family, next, &fam_out) != 0 ||
        !s_exec_ok("COMMIT")) {
        s_rollback();
        club_call_error(call, CLUB_E_UNAVAILABLE, "accounts are unavailable; try again");
        return;
    }
    int64_t exp;
    char *access =
        club_jwt_issue(&S.key, (uint64_t)uid, rank, club_now_ms() / 1000, S.access_ttl, &exp);
    if (!access) {
        club_call_error(call, CLUB_E_INTERNAL, "could not issue a token");
        return;
    }
    msgpack_packer *pk = club_call_ok(call);
    msgpack_pack_map(pk, 2);
    club_pk_kv_str(pk, "access_token", access);
    club_pk_kv_str(pk, "refresh_token", next);
    club_call_send(call, 0, 0, 0, 0);
    free(access);
}

void op_auth_logout(club_call_t *call)
{
    char uid[24], sid[24];
    snprintf(uid, sizeof uid, "%llu", (unsigned long long)call->hdr.user);
    snprintf(sid, sizeof sid, "%llu", (unsigned long long)call->hdr.sid);
    const char *p[] = {uid, sid};
    /* The connection's own login when it is known; a connection resumed with auth.token
     * does not know its login, so every refresh family of the user ends. */
    PGresult *r = club_db_exec(S.db,
                               "UPDATE refresh_tokens SET revoked_at = now() WHERE user_id = $1 "
                               "AND revoked_at IS NULL AND ($2::bigint = 0 OR family = $2::bigint)",
                               2, p);
    bool ok = club_db_ok(S.db, r, "logout");
    PQclear(r);
    if (!ok) {
        club_call_error(call, CLUB_E_UNAVAILABLE, "accounts are unavailable; try again");
        return;
    }
    msgpack_packer *pk = club_call_ok(call);
    msgpack_pack_map(pk, 0);
    club_call_send(call, CLUB_F_AUTH_CLEAR, 0, 0, 0);
}

void op_profile_get(club_call_t *call)
{
    PGresult *ur = s_load_user(call, call->hdr.user);
    if (!ur) return;
    const char *p[] = {PQgetvalue(ur, 0, 0)};
    PGresult *st = club_db_exec(S.db,
                                "SELECT count(*), coalesce(sum(bet), 0), coalesce(sum(win), 0), "
                                "coalesce(max(win), 0) FROM rounds "
                                "WHERE user_id = $1 AND game <> 'gacha'",
                                1, p);
    if (!club_db_ok(S.db, st, "profile stats")) {
        PQclear(st);
        PQclear(ur);
        club_call_error(call, CLUB_E_UNAVAILABLE, "profiles are unavailable; try again");
        return;
    }
    int64_t v[4] = {0};
    for (int i = 0; i < 4; i++)
        club_parse_i64(PQgetvalue(st, 0, i), &v[i]);
    msgpack_packer *pk = club_call_ok(call);
    msgpack_pack_map(pk, 2);
    club_pk_str(pk, "user");
    s_pack_user(pk, ur, 0, 0);
    club_pk_str(pk, "stats");
    msgpack_pack_map(pk, 4);
    club_pk_kv_int(pk, "rounds", v[0]);
    club_pk_kv_int(pk, "wagered", v[1]);
    club_pk_kv_int(pk, "won", v[2]);
    club_pk_kv_int(pk, "biggest_win", v[3]);
    club_call_send(call, 0, 0, 0, 0);
    PQclear(st);
    PQclear(ur);
}

static int s_init(void)
{
    const char *pg = club_cfg_str("CLUB_PG", NULL);
    S.key.secret = club_cfg_str("CLUB_JWT_SECRET", NULL);
    S.key.kid = club_cfg_str("CLUB_JWT_KID", "k1");
    if (!pg || !S.key.secret || strlen(S.key.secret) < 32) {
        club_log(CLUB_ERROR, "config",
                 "auth needs CLUB_PG and CLUB_JWT_SECRET (32+ characters); ./club up sets both");
        return -1;
    }
    S.access_ttl = club_cfg_int("CLUB_ACCESS_TTL", 600);
    S.refresh_ttl = club_cfg_int("CLUB_REFRESH_TTL", 30 * 86400);
    S.welcome = club_cfg_int("CLUB_WELCOME_COINS", 10000);
    S.db = club_db_new(pg);
    S.rds = club_rds_new(club_cfg_str("CLUB_REDIS", "127.0.0.1:6379"));
    if (s_hash_password("not-a-real-password", S.dummy_hash, sizeof S.dummy_hash) != 0) return -1;
    return 0;
}

static void s_fini(void)
{
    club_db_destroy(&S.db);
    club_rds_destroy(&S.rds);
}

const club_domain_t club_domain_auth = {
    .name = "auth",
    .what = "invites, registration, login, tokens, profile",
    .shards = 1,
    .init = s_init,
    .fini = s_fini,
};
