/* db: one Postgres connection with reconnect.
 *
 * A worker owns one club_db_t and uses it from its own thread only. When the server goes
 * away, the next call reconnects (with a capped backoff between attempts, so a down database
 * costs a failed call, not a busy loop). A statement is never retried here: whether a write
 * that failed mid-flight committed is the caller's question (idempotency keys answer it). */
#ifndef CLUB_DB_H
#define CLUB_DB_H

#include <libpq-fe.h>
#include <msgpack.h>
#include <stdbool.h>

typedef struct club_db club_db_t;

club_db_t *club_db_new(const char *conninfo);
/* The database of CLUB_PG, for the domain named in the log line when it is not set: every
 * domain that keeps rows opens its connection this way. NULL after logging what to do. */
club_db_t *club_db_from_config(const char *domain);
void club_db_destroy(club_db_t **self_p);

/* The live connection, connecting if needed; NULL when the database cannot be reached now. */
PGconn *club_db_conn(club_db_t *self);

/* PQexecParams with text parameters. Returns the result (caller PQclear()s), or NULL when
 * there is no connection. On a broken connection the next call reconnects. */
PGresult *club_db_exec(club_db_t *self, const char *sql, int nparams, const char *const *params);

/* True when the result is PGRES_COMMAND_OK or PGRES_TUPLES_OK; logs the error otherwise. */
bool club_db_ok(club_db_t *self, const PGresult *res, const char *what);

/* Marks the connection for a reconnect if libpq says it is broken. */
void club_db_check(club_db_t *self);
/* Drops the connection (the next call reconnects): after a pipeline that could not be sent
 * or left, the session's state is unknown and it is never reused half-open. */
void club_db_reset(club_db_t *self);

/* One column of a result as a field of a reply: its key and how the text is packed. */
typedef enum { CLUB_COL_INT, CLUB_COL_STR, CLUB_COL_BOOL } club_col_type_t;
typedef struct {
    const char *key;
    club_col_type_t type;
} club_db_col_t;

/* Packs the rows of r as an array of maps, column i of each row as cols[i] (a list op's
 * reply: {pulls: [...]}). */
void club_db_pack_rows(msgpack_packer *pk, const PGresult *r, const club_db_col_t *cols, int ncols);

#endif
