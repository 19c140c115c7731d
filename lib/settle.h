/* settle: the batch document of wallet_settle_batch() (migrations/003_generic_settle.sql).
 *
 * Every movement of money is one request of a settle: the user, an idempotency key, the op
 * and the hash of its request (so a retry is told from a different request), the movements
 * with their reasons and the system account that takes the counter-entries, an optional
 * once-only claim key, the reply bytes to store for a retry, and the facts other domains
 * need. This module writes such requests into the one JSON document the SQL function takes,
 * with named fields; the wallet's group commit and auth's welcome grant both build it here,
 * so there is one description of a settle in C. */
#ifndef CLUB_SETTLE_H
#define CLUB_SETTLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <msgpack.h>

#define CLUB_SETTLE_MAX_MOVES 8

typedef struct {
    char currency[8]; /* coins | gems */
    int64_t delta;
    char reason[32];
} club_move_t;

typedef struct {
    uint64_t user;
    const char *idem; /* NULL: no key (only for a settle inside another transaction) */
    const char *op;
    const uint8_t *req_hash; /* 32 bytes, or NULL */
    const char *counter;     /* the system account of the counter-entries: house, promo, ... */
    const char *ref;
    const char *claim;    /* once-only key, or NULL */
    const uint8_t *reply; /* stored with the idem key; may be NULL */
    size_t reply_len;
    const club_move_t *moves;
    int nmoves;
    const msgpack_object *facts; /* an array of {kind, ref?, data?}, or NULL */
} club_settle_req_t;

/* A document being built: requests are numbered 1, 2, ... in the order added. */
typedef struct {
    msgpack_sbuffer reqs, moves; /* used as byte buffers of JSON text */
    int n, nmoves;
} club_settle_doc_t;

void club_settle_doc_init(club_settle_doc_t *d);
void club_settle_doc_destroy(club_settle_doc_t *d);
/* Empties the document, keeping its buffers. */
void club_settle_doc_reset(club_settle_doc_t *d);
void club_settle_doc_add(club_settle_doc_t *d, const club_settle_req_t *r);
/* The whole document as NUL-terminated JSON text in out (cleared first). */
void club_settle_doc_json(const club_settle_doc_t *d, msgpack_sbuffer *out);

/* Splits a batch into passes, one wallet_settle_batch() call each, so that no call sees a
 * user twice and each user's settles apply in the order given: settle i goes to pass out[i],
 * a user's first settle to pass 0, the second to pass 1, and so on. Returns the number of
 * passes (0 for n == 0). */
int club_settle_passes(const uint64_t *users, int n, int *out);

/* Appends o as JSON: maps with string keys, arrays, integers, booleans, nil, strings, and
 * bin as a hex string. Returns false (having written part of it) for what JSON cannot hold:
 * a float that is not finite, or a map key that is not a string. */
bool club_json_from_mp(msgpack_sbuffer *out, const msgpack_object *o);
/* Appends s (n bytes of UTF-8) as a quoted JSON string. */
void club_json_str(msgpack_sbuffer *out, const char *s, size_t n);

#endif
