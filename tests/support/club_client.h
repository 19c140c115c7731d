/* club_client: the public protocol (PROTOCOL.md) for tests, on top of wsc.
 *
 * Requests are written as a small JSON-like text that is packed to msgpack:
 *
 *     cc_msg_t *r = cc_call(c, "slot.spin", "spin-1", "{bet: %d}", 100);
 *     assert_true(cc_ok(r));
 *     int64_t coins = cc_int(r, "balance.coins");
 *
 * The text accepts objects, arrays, strings ("..." or '...', with \" \' \\ \n \t \r \b \f \/
 * \uXXXX and \xHH escapes), integers, floats, true, false, null; object keys may be bare words
 * ([A-Za-z_][A-Za-z0-9_]*); a trailing comma is allowed. The args text is a printf format.
 *
 * Replies are matched by rid; pushes and replies to other rids that arrive meanwhile are
 * queued on the connection for later cc_wait_push / cc_wait_reply. A returned message belongs
 * to its connection and stays valid until cc_destroy() or cc_release(), so tests need not
 * free replies. Accessor paths are relative to the message's `data`: "balance.coins",
 * "entries[0].delta", "reels[2][1]", "" (data itself). Accessors accept NULL messages and
 * return a neutral value, so a missing reply fails an assertion instead of crashing.
 *
 * Not thread-safe per connection; distinct connections may be used from distinct threads
 * (the user/invite/PG helpers are for the main thread). */
#ifndef CLUB_CC_H
#define CLUB_CC_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <msgpack.h>

#include "wsc.h"

#define CC_TIMEOUT_MS 5000
#define CC_NO_INT     INT64_MIN

typedef struct cc cc_t;
typedef struct cc_msg cc_msg_t;

/* ---- environment (set by `./club test`) ---- */

typedef struct {
    const char *host; /* CLUB_TEST_HOST */
    int http_port;    /* CLUB_TEST_HTTP_PORT: the edge's HTTP and WebSocket port */
    const char *pg;   /* CLUB_TEST_PG: libpq conninfo */
    const char *run;  /* CLUB_TEST_RUN: folder of <process>.pid files */
    const char *var;  /* CLUB_TEST_VAR */
    const char *club; /* CLUB_TEST_CLUB: the club script */
} cc_env_t;

/* Returns 0 when every variable is set; otherwise prints which are missing and how to run
 * the tests, and returns -1 (the test program must then fail, never skip). */
int cc_env_check(void);
/* The environment; aborts with a message when cc_env_check() would fail. */
const cc_env_t *cc_env(void);

/* ---- connections ---- */

/* Connects to ws://$CLUB_TEST_HOST:$CLUB_TEST_HTTP_PORT/ws offering club.v1. NULL on
 * failure (reason on stderr and in cc_last_error()). */
cc_t *cc_connect(void);
cc_t *cc_connect_to(const char *host, int port, const char *path, const char *subprotocol);
/* Frees the connection and every message it returned; sets *self_p = NULL. */
void cc_destroy(cc_t **self_p);
/* Frees every message already returned by this connection (for long loops). */
void cc_release(cc_t *self);
wsc_t *cc_ws(cc_t *self);
/* Last failure on this thread (timeout, closed, bad JSON, ...). */
const char *cc_last_error(void);

/* ---- requests ---- */

/* Sends {rid, op, args?, idem?}; args is omitted when args_fmt is NULL, idem when idem is
 * NULL. Returns the rid used (> 0), or 0 on failure. */
uint32_t cc_send(cc_t *self, const char *op, const char *idem, const char *args_fmt, ...)
    __attribute__((format(printf, 4, 5)));
uint32_t cc_vsend(cc_t *self, const char *op, const char *idem, const char *args_fmt, va_list ap);
/* cc_send, then waits CC_TIMEOUT_MS for the reply. NULL on timeout or close. */
cc_msg_t *cc_call(cc_t *self, const char *op, const char *idem, const char *args_fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Same with an explicit timeout. */
cc_msg_t *cc_call_t(cc_t *self, int timeout_ms, const char *op, const char *idem,
                    const char *args_fmt, ...) __attribute__((format(printf, 5, 6)));
/* cc_call that sends again (same op, args and idem; new rid) while the answer is
 * RATE_LIMITED, backing off, for up to 10 s. For ops that are safe to repeat. */
cc_msg_t *cc_call_retry(cc_t *self, const char *op, const char *idem, const char *args_fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Sends the whole frame given as JSON-like text (for malformed or unusual envelopes). */
int cc_send_json(cc_t *self, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Sends bytes as one binary frame. */
int cc_send_raw(cc_t *self, const void *buf, size_t len);

/* Packs JSON-like text as one msgpack value. 0, or -1 (reason in cc_last_error()). */
int cc_pack_json(msgpack_packer *pk, const char *text);

/* ---- receiving ---- */

/* The reply with this rid (0 for the rid-0 error replies), or NULL after timeout_ms or when
 * the connection closes. */
cc_msg_t *cc_wait_reply(cc_t *self, uint32_t rid, int timeout_ms);
/* The oldest queued or next push named ev (any push when ev is NULL). */
cc_msg_t *cc_wait_push(cc_t *self, const char *ev, int timeout_ms);
/* The oldest queued or next message of any kind. */
cc_msg_t *cc_next(cc_t *self, int timeout_ms);
/* Number of frames from the server that were not a msgpack map (text, garbage). */
int cc_bad_frames(const cc_t *self);
bool cc_closed(const cc_t *self);
int cc_close_code(const cc_t *self);

/* ---- messages ---- */

bool cc_is_reply(const cc_msg_t *m); /* has a rid */
uint32_t cc_rid(const cc_msg_t *m);
bool cc_ok(const cc_msg_t *m);         /* a reply with ok == true */
const char *cc_err(const cc_msg_t *m); /* error.code; "" when ok; "(no reply)" for NULL */
const char *cc_errmsg(const cc_msg_t *m);
const char *cc_ev(const cc_msg_t *m); /* push name, NULL for a reply */
const msgpack_object *cc_root(const cc_msg_t *m);
const msgpack_object *cc_data(const cc_msg_t *m);
/* The exact bytes of `data` as the server sent them (NULL when absent). */
const uint8_t *cc_data_raw(const cc_msg_t *m, size_t *len);
/* The whole frame. */
const uint8_t *cc_raw(const cc_msg_t *m, size_t *len);

const msgpack_object *cc_get(const cc_msg_t *m, const char *path);
bool cc_has(const cc_msg_t *m, const char *path);
/* Integer at path, CC_NO_INT when absent or not an integer (floats are not integers). */
int64_t cc_int(const cc_msg_t *m, const char *path);
bool cc_is_int(const cc_msg_t *m, const char *path);
/* String at path as a NUL-terminated copy owned by the message; NULL when absent/not str. */
const char *cc_str(const cc_msg_t *m, const char *path);
/* Boolean at path; false when absent. Use cc_is_bool to tell. */
bool cc_bool(const cc_msg_t *m, const char *path);
bool cc_is_bool(const cc_msg_t *m, const char *path);
/* Float (or integer) at path; NaN when absent. */
double cc_num(const cc_msg_t *m, const char *path);
bool cc_is_float(const cc_msg_t *m, const char *path);
/* Elements of the array or pairs of the map at path; -1 otherwise. */
int cc_len(const cc_msg_t *m, const char *path);
bool cc_is_array(const cc_msg_t *m, const char *path);
bool cc_is_map(const cc_msg_t *m, const char *path);

/* Same lookups from any object (path relative to it). */
const msgpack_object *cc_obj_get(const msgpack_object *o, const char *path);
bool cc_obj_int(const msgpack_object *o, int64_t *v);
/* Copies a string object; false when not a string or it does not fit. */
bool cc_obj_str(const msgpack_object *o, char *buf, size_t cap);

/* True when o equals the value the JSON-like text describes (same types and order). */
bool cc_obj_equal_json(const msgpack_object *o, const char *json);

/* A readable dump of the message for failure output (thread-local ring of buffers, valid for
 * a few calls). */
const char *cc_describe(const cc_msg_t *m);

/* ---- accounts ---- */

typedef struct {
    int64_t id;
    char username[32];
    char password[64];
    char rank[16];
    char access_token[2048];
    char refresh_token[512];
} cc_user_t;

/* Runs `$CLUB_TEST_CLUB invite --rank RANK --uses USES` and returns the code (last word of the
 * last output line). 0 or -1. */
int cc_new_invite(const char *rank, int uses, char *out, size_t cap);
/* A cached invite of that rank with uses left (a new one every 50 registrations). NULL on
 * failure. */
const char *cc_invite(const char *rank);
/* A fresh username (3-20 of [A-Za-z0-9_]) unique to this process and run. */
void cc_unique_name(char *out, size_t cap);
/* Registers a fresh user of `rank` on c (which becomes authenticated as that user) and fills
 * *u. Returns 0, or -1 (reason in cc_last_error()). */
int cc_register(cc_t *c, const char *rank, cc_user_t *u);
/* Connect + cc_register. NULL on failure. */
cc_t *cc_new_user(const char *rank, cc_user_t *u);
/* Connect + auth.token with u's access token. NULL on failure. */
cc_t *cc_connect_as(const cc_user_t *u);

/* ---- Postgres ($CLUB_TEST_PG) ---- */

/* Runs a query returning one row, one column, read as an integer (NULL reads as 0). */
int cc_pg_i64(int64_t *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int cc_pg_text(char *out, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The ledger invariants: every currency and every transaction sums to 0 over all accounts;
 * for user_id (when > 0) each currency's entries sum to the wallet's balance and the newest
 * entry's balance_after equals it. 0 when they hold, else -1 with the reason in why. */
int cc_ledger_check(int64_t user_id, char *why, size_t cap);

/* ---- stack processes ---- */

/* The pid in $CLUB_TEST_RUN/<name>.pid, or -1. */
pid_t cc_pid_of(const char *name);
/* Waits until <name>.pid names a live process other than old_pid. Returns it, or -1. */
pid_t cc_wait_new_pid(const char *name, pid_t old_pid, int timeout_ms);
/* SIGSTOPs pid and waits (up to 1 s) until it shows as stopped: kill() returns before the
 * stop takes effect. true when stopped; on false the process was sent SIGCONT again. */
bool cc_freeze(pid_t pid);

/* ---- provably fair, re-computed from PROTOCOL.md independently of the server ---- */

typedef struct {
    char server_seed[129];
    char client_seed[129];
    uint64_t nonce;
    uint64_t cursor;
    uint8_t block[32];
    unsigned pos; /* bytes of block used; 32 = need the next block */
} cc_fair_t;

void cc_fair_init(cc_fair_t *f, const char *server_seed, const char *client_seed, uint64_t nonce);
uint32_t cc_fair_u32(cc_fair_t *f);
uint32_t cc_fair_uniform(cc_fair_t *f, uint32_t n);
/* Lowercase hex SHA-256 of a string. */
void cc_sha256_hex(const char *s, char out[65]);

/* Milliseconds: wall clock and monotonic. */
int64_t cc_now_ms(void);
int64_t cc_mono_ms(void);
int64_t cc_mono_us(void);
void cc_sleep_ms(int ms);

#endif
