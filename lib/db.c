#include "db.h"

#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "log.h"
#include "msg.h"
#include "util.h"

struct club_db {
    char *conninfo;
    PGconn *conn;
    int64_t next_try_ms;
    int64_t backoff_ms;
};

club_db_t *club_db_new(const char *conninfo)
{
    club_db_t *self = club_calloc(1, sizeof *self);
    self->conninfo = club_strdup(conninfo);
    self->backoff_ms = 100;
    return self;
}

club_db_t *club_db_from_config(const char *domain)
{
    const char *pg = club_cfg_str("CLUB_PG", NULL);
    if (!pg) {
        club_log(CLUB_ERROR, "config", "%s needs CLUB_PG (a libpq conninfo); ./club up sets it",
                 domain);
        return NULL;
    }
    return club_db_new(pg);
}

void club_db_destroy(club_db_t **self_p)
{
    club_db_t *self = *self_p;
    if (!self) return;
    if (self->conn) PQfinish(self->conn);
    free(self->conninfo);
    free(self);
    *self_p = NULL;
}

void club_db_check(club_db_t *self)
{
    if (self->conn && PQstatus(self->conn) != CONNECTION_OK) {
        char msg[512];
        club_log(CLUB_WARN, "db_lost", "connection lost: %s",
                 club_oneline(PQerrorMessage(self->conn), msg, sizeof msg));
        PQfinish(self->conn);
        self->conn = NULL;
    }
}

void club_db_reset(club_db_t *self)
{
    if (!self->conn) return;
    club_log(CLUB_WARN, "db_reset", "dropping the connection after a protocol anomaly");
    PQfinish(self->conn);
    self->conn = NULL;
}

PGconn *club_db_conn(club_db_t *self)
{
    club_db_check(self);
    if (self->conn) return self->conn;
    int64_t now = club_mono_ms();
    if (now < self->next_try_ms) return NULL;
    /* Every statement and lock wait is bounded, so a stuck query or a lock held by a dead
     * peer fails one batch instead of stalling the worker; connect_timeout bounds the
     * connect itself (the conninfo's own settings come first, these override them). */
    const char *const keys[] = {"dbname", "options", "connect_timeout", NULL};
    const char *const vals[] = {self->conninfo,
                                "-c statement_timeout=10000 -c lock_timeout=5000 "
                                "-c idle_in_transaction_session_timeout=30000",
                                "3", NULL};
    PGconn *c = PQconnectdbParams(keys, vals, 1);
    if (PQstatus(c) != CONNECTION_OK) {
        /* Host and port only: the conninfo may hold a password. */
        char msg[512];
        club_log(CLUB_ERROR, "db_connect", "cannot connect to Postgres at %s:%s: %s",
                 PQhost(c) ? PQhost(c) : "?", PQport(c) ? PQport(c) : "?",
                 club_oneline(PQerrorMessage(c), msg, sizeof msg));
        PQfinish(c);
        self->next_try_ms = now + self->backoff_ms;
        self->backoff_ms = self->backoff_ms * 2 > 2000 ? 2000 : self->backoff_ms * 2;
        return NULL;
    }
    self->backoff_ms = 100;
    self->conn = c;
    return c;
}

PGresult *club_db_exec(club_db_t *self, const char *sql, int nparams, const char *const *params)
{
    PGconn *c = club_db_conn(self);
    if (!c) return NULL;
    PGresult *r = PQexecParams(c, sql, nparams, NULL, params, NULL, NULL, 0);
    if (!r || PQresultStatus(r) == PGRES_FATAL_ERROR) club_db_check(self);
    return r;
}

bool club_db_ok(club_db_t *self, const PGresult *res, const char *what)
{
    if (!res) return false;
    ExecStatusType st = PQresultStatus(res);
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return true;
    club_log(CLUB_ERROR, "db_error", "%s: %s", what, PQresultErrorMessage(res));
    return false;
}

void club_db_pack_rows(msgpack_packer *pk, const PGresult *r, const club_db_col_t *cols, int ncols)
{
    int n = PQntuples(r);
    msgpack_pack_array(pk, (size_t)n);
    for (int i = 0; i < n; i++) {
        msgpack_pack_map(pk, (size_t)ncols);
        for (int c = 0; c < ncols; c++) {
            const char *v = PQgetvalue(r, i, c);
            club_pk_str(pk, cols[c].key);
            if (cols[c].type == CLUB_COL_STR) {
                club_pk_str(pk, v);
            } else if (cols[c].type == CLUB_COL_BOOL) {
                if (v[0] == 't')
                    msgpack_pack_true(pk);
                else
                    msgpack_pack_false(pk);
            } else {
                int64_t x = 0;
                club_parse_i64(v, &x);
                msgpack_pack_int64(pk, x);
            }
        }
    }
}
