/* ops: every op of the protocol, the domain that serves it, who may call it, how it is
 * sharded, and the schema of its args. The table is generated from schemas/ops.json
 * (cmake/schemas.cmake), the protocol's one description of its ops.
 *
 * The edge uses the table to refuse what a connection may not call and to pick the domain to
 * route to; every worker checks a request's args against it (club_args_check) before the
 * handler runs, so handlers read args that are known to have the right shape. An op missing
 * here is unknown to clients (BAD_REQUEST), whatever a worker implements. */
#ifndef CLUB_OPS_H
#define CLUB_OPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <msgpack.h>

#include "msg.h"

enum {
    CLUB_OP_PUBLIC = 1 << 0,        /* may be called before authentication */
    CLUB_OP_PLAYER = 1 << 1,        /* an authenticated player */
    CLUB_OP_OVERLAY = 1 << 2,       /* a read-only overlay connection */
    CLUB_OP_INTERNAL = 1 << 3,      /* called only by other domains, never by a client */
    CLUB_OP_IDEM = 1 << 4,          /* moves currency or items: accepts "idem" */
    CLUB_OP_IDEM_REQUIRED = 1 << 5, /* ... and refuses a request without one */
    CLUB_OP_RESEND = 1 << 6,        /* sending it again after a lost reply changes nothing */
    CLUB_OP_SHARD_NONE = 1 << 7,    /* any worker of the domain will do */
    CLUB_OP_SHARD_ARG = 1 << 8,     /* sharded by the value of args[shard_arg] */
};

/* Argument types and flags of a schema entry. */
enum { CLUB_T_ANY, CLUB_T_INT, CLUB_T_STRING, CLUB_T_BOOL, CLUB_T_ARRAY, CLUB_T_MAP };
enum { CLUB_A_REQUIRED = 1, CLUB_A_HAS_MIN = 2, CLUB_A_HAS_MAX = 4 };
/* Allowed characters of a string: word [A-Za-z0-9_], hex [0-9a-f], seed [A-Za-z0-9_.-]. */
enum { CLUB_CS_NONE, CLUB_CS_WORD, CLUB_CS_HEX, CLUB_CS_SEED };

/* One argument (or an array's element, name NULL). min/max bound an int's value, a string's
 * length in bytes and an array's length; `code` is the error for a value out of those
 * bounds (BAD_REQUEST unless the protocol names LIMIT). */
typedef struct club_arg {
    const char *name;
    uint8_t type, flags, charset, code;
    int64_t min, max;
    const char *const *enums;
    uint32_t nenums;
    const struct club_arg *items;
    const struct club_arg *fields;
    uint32_t nfields;
} club_arg_t;

typedef struct {
    const char *name;
    const char *domain;
    unsigned flags;
    const char *shard_arg; /* with CLUB_OP_SHARD_ARG */
    const club_arg_t *args;
    uint32_t nargs;
} club_op_t;

/* NULL when the op is unknown. */
const club_op_t *club_op_find(const char *name, size_t len);
/* The whole table, for docs and tests; *n receives its length. */
const club_op_t *club_op_all(size_t *n);
/* The op's position in club_op_all(). */
size_t club_op_index(const club_op_t *op);
/* The error codes schemas/ops.json lists, for checking msg.h's enum against the schema. */
const char *const *club_op_schema_errors(size_t *n);

/* The key the broker routes op by: the user for a per-user op, 0 for one any worker serves,
 * and for an op sharded by an argument (shard arg:NAME) a hash of that argument's value (FNV-1a
 * over its string, or its integer), so every request about one board meets one worker. */
uint64_t club_op_shard_key(const club_op_t *op, const msgpack_object *args, uint64_t user);

/* Checks args (a map, or NULL for none) against op's schema. Returns CLUB_OK, or the error
 * code with a message in why that names the field and what it must be, e.g.
 * "bets[2].amount must be an integer". Unknown keys are ignored: the protocol may add fields. */
club_err_t club_args_check(const club_op_t *op, const msgpack_object *args, char *why, size_t cap);

#endif
