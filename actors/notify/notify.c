/* notify: the player's notifications, listed newest first with the unread count, and marked
 * read one by one or all at once. Other domains write the rows (auth's welcome at
 * registration, in the same transaction as the account) and push `notify` to the user. */
#include <stdio.h>
#include <string.h>

#include "db.h"
#include "domains.h"
#include "log.h"
#include "util.h"

static struct {
    club_db_t *db;
} S;

static void s_unavailable(club_call_t *call)
{
    club_call_error(call, CLUB_E_UNAVAILABLE, "notifications are unavailable; try again");
}

/* The user's unread count, or -1 when the database did not answer. */
static int64_t s_unread(uint64_t user)
{
    char uid[24];
    snprintf(uid, sizeof uid, "%llu", (unsigned long long)user);
    const char *p[] = {uid};
    PGresult *r = club_db_exec(
        S.db, "SELECT count(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL", 1, p);
    int64_t n = -1;
    if (club_db_ok(S.db, r, "unread count") && PQntuples(r) == 1)
        club_parse_i64(PQgetvalue(r, 0, 0), &n);
    PQclear(r);
    return n;
}

void op_notify_list(club_call_t *call)
{
    int64_t limit = 20, before = 0;
    bool unread_only = false;
    const msgpack_object *a = call->req.args;
    club_mp_i64(club_mp_get(a, "limit"), &limit);
    club_mp_i64(club_mp_get(a, "before"), &before);
    const msgpack_object *u = club_mp_get(a, "unread_only");
    if (u && u->type == MSGPACK_OBJECT_BOOLEAN) unread_only = u->via.boolean;

    char uid[24], lim[24], bef[24];
    snprintf(uid, sizeof uid, "%llu", (unsigned long long)call->hdr.user);
    snprintf(lim, sizeof lim, "%lld", (long long)limit);
    snprintf(bef, sizeof bef, "%lld", (long long)before);
    const char *p[] = {uid, lim, bef, unread_only ? "t" : "f"};
    PGresult *r = club_db_exec(S.db,
                               "SELECT id, kind, title, body, "
                               "(extract(epoch from created_at)*1000)::bigint, read_at IS NOT NULL "
                               "FROM notifications WHERE user_id = $1 "
                               "AND ($3::bigint = 0 OR id < $3::bigint) "
                               "AND (NOT $4::boolean OR read_at IS NULL) "
                               "ORDER BY id DESC LIMIT $2",
                               4, p);
    int64_t unread = club_db_ok(S.db, r, "list notifications") ? s_unread(call->hdr.user) : -1;
    if (unread < 0) {
        PQclear(r);
        s_unavailable(call);
        return;
    }
    int n = PQntuples(r);
    msgpack_packer *pk = club_call_ok(call);
    msgpack_pack_map(pk, 2);
    club_pk_str(pk, "items");
    msgpack_pack_array(pk, (size_t)n);
    for (int i = 0; i < n; i++) {
        int64_t id = 0, at = 0;
        club_parse_i64(PQgetvalue(r, i, 0), &id);
        club_parse_i64(PQgetvalue(r, i, 4), &at);
        msgpack_pack_map(pk, 6);
        club_pk_kv_int(pk, "id", id);
        club_pk_kv_str(pk, "kind", PQgetvalue(r, i, 1));
        club_pk_kv_str(pk, "title", PQgetvalue(r, i, 2));
        club_pk_kv_str(pk, "body", PQgetvalue(r, i, 3));
        club_pk_kv_int(pk, "at", at);
        club_pk_kv_bool(pk, "read", PQgetvalue(r, i, 5)[0] == 't');
    }
    club_pk_kv_int(pk, "unread", unread);
    club_call_send(call, 0, 0, 0, 0);
    PQclear(r);
}

/* Marks the given ids (only the caller's own; others' ids change nothing) or all. */
void op_notify_read(club_call_t *call)
{
    const msgpack_object *a = call->req.args;
    const msgpack_object *ids = club_mp_get(a, "ids");
    const msgpack_object *all = club_mp_get(a, "all");
    bool every = all && all->type == MSGPACK_OBJECT_BOOLEAN && all->via.boolean;
    if (!every && (!ids || ids->type != MSGPACK_OBJECT_ARRAY)) {
        club_call_error(call, CLUB_E_BAD_REQUEST,
                        "name what to mark read: ids [1, 2] or all: true");
        return;
    }
    /* The ids as an array literal; the schema has checked each is a positive integer. */
    char list[100 * 21 + 3];
    size_t used = 0;
    list[used++] = '{';
    for (uint32_t i = 0; !every && i < ids->via.array.size; i++) {
        int64_t id = 0;
        club_mp_i64(&ids->via.array.ptr[i], &id);
        used += (size_t)snprintf(list + used, sizeof list - used, "%s%lld", i ? "," : "",
                                 (long long)id);
    }
    list[used++] = '}';
    list[used] = 0;
    char uid[24];
    snprintf(uid, sizeof uid, "%llu", (unsigned long long)call->hdr.user);
    const char *p[] = {uid, every ? "t" : "f", list};
    PGresult *r = club_db_exec(S.db,
                               "UPDATE notifications SET read_at = now() WHERE user_id = $1 "
                               "AND read_at IS NULL AND ($2::boolean OR id = ANY ($3::bigint[]))",
                               3, p);
    int64_t unread = club_db_ok(S.db, r, "mark read") ? s_unread(call->hdr.user) : -1;
    PQclear(r);
    if (unread < 0) {
        s_unavailable(call);
        return;
    }
    msgpack_packer *pk = club_call_ok(call);
    msgpack_pack_map(pk, 1);
    club_pk_kv_int(pk, "unread", unread);
    club_call_send(call, 0, 0, 0, 0);
}

static int s_init(void)
{
    S.db = club_db_from_config("notify");
    return S.db ? 0 : -1;
}

static void s_fini(void)
{
    club_db_destroy(&S.db);
}

const club_domain_t club_domain_notify = {
    .name = "notify",
    .what = "the player's notifications: list, unread count, mark read",
    .shards = 1,
    .init = s_init,
    .fini = s_fini,
};
