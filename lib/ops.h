/* ops: every public op, the domain that serves it, and who may call it. The table is
 * generated from schemas/ops.json (cmake/schemas.cmake), the protocol's one list of ops.
 *
 * The edge uses this table to reject what a connection may not call and to pick the domain to
 * route to; each domain's worker has its own handler table (actor.h) for the same names. An
 * op missing here is unknown to clients (BAD_REQUEST), whatever a worker implements. */
#ifndef CLUB_OPS_H
#define CLUB_OPS_H

#include <stddef.h>

enum {
    CLUB_OP_PUBLIC = 1,   /* may be called before authentication */
    CLUB_OP_IDEM = 2,     /* moves currency or items: accepts "idem" */
    CLUB_OP_INTERNAL = 4, /* called only by other domains, never by a client */
};

typedef struct {
    const char *name;
    const char *domain;
    unsigned flags;
} club_op_t;

/* NULL when the op is unknown. */
const club_op_t *club_op_find(const char *name, size_t len);
/* The whole table, for docs and tests; *n receives its length. */
const club_op_t *club_op_all(size_t *n);
/* The error codes schemas/ops.json lists, for checking msg.h's enum against the schema. */
const char *const *club_op_schema_errors(size_t *n);

#endif
