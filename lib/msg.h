/* msg: the msgpack envelope of the public protocol (see docs/PROTOCOL.md).
 *
 * Requests  {"rid": u32, "op": "domain.verb", "args": {...}, "idem": "..."}
 * Replies   {"rid": n, "ok": true, "data": {...}} | {"rid": n, "ok": false, "error": {code,
 * message}} Pushes    {"ev": "name", "data": {...}}
 *
 * Decoding is two steps: club_mp_precheck() walks the raw bytes without allocating and refuses
 * anything whose declared sizes cannot fit the frame (so a 20-byte frame cannot make the
 * unpacker reserve gigabytes), then msgpack-c unpacks into a zone. Decoded strings point into
 * the input buffer: the buffer must outlive the msgpack_object tree. */
#ifndef CLUB_MSG_H
#define CLUB_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <msgpack.h>

#define CLUB_MAX_FRAME  65536
#define CLUB_MAX_OP_LEN 64
#define CLUB_MAX_IDEM   64
#define CLUB_MAX_DEPTH  16

/* Error codes of the protocol, in one enum so C code never spells them by hand. */
typedef enum {
    CLUB_OK = 0,
    CLUB_E_BAD_REQUEST,
    CLUB_E_UNAUTHENTICATED,
    CLUB_E_FORBIDDEN,
    CLUB_E_NOT_FOUND,
    CLUB_E_CONFLICT,
    CLUB_E_INSUFFICIENT_FUNDS,
    CLUB_E_LIMIT,
    CLUB_E_RATE_LIMITED,
    CLUB_E_INVALID_INVITE,
    CLUB_E_USERNAME_TAKEN,
    CLUB_E_BAD_CREDENTIALS,
    CLUB_E_BANNED,
    CLUB_E_ALREADY_CLAIMED,
    CLUB_E_UNAVAILABLE,
    CLUB_E_INTERNAL,
    CLUB_E__COUNT
} club_err_t;

const char *club_err_name(club_err_t e);
/* Reverse of club_err_name for codes read off the wire; CLUB_E_INTERNAL when unknown. */
club_err_t club_err_from_name(const char *s, size_t n);

/* Returns 0 when buf holds exactly one msgpack value whose every container size fits in the
 * bytes left and whose nesting is at most CLUB_MAX_DEPTH; -1 otherwise. Never allocates. */
int club_mp_precheck(const uint8_t *buf, size_t len);

/* Unpacks one value that fills buf exactly. On success the object lives in *zone's memory
 * (call msgpack_unpacked_destroy). Runs club_mp_precheck first. */
int club_mp_decode(const uint8_t *buf, size_t len, msgpack_unpacked *out);

/* Lookups on a decoded map. NULL when root is not a map or the key is absent. */
const msgpack_object *club_mp_get(const msgpack_object *map, const char *key);
bool club_mp_is_str(const msgpack_object *o);
bool club_mp_streq(const msgpack_object *o, const char *lit);
/* Integer (never float) into *v. */
bool club_mp_i64(const msgpack_object *o, int64_t *v);
/* Copies a string of 1..cap-1 bytes into buf with a NUL; false if not a string, empty, or too
 * long, or when it is not UTF-8 text (club_text_ok(): no NUL, well formed). Strings copied
 * here may go to Postgres as text, so a bad one is the caller's BAD_REQUEST, not a database
 * error. */
bool club_mp_strcpy(const msgpack_object *o, char *buf, size_t cap);

/* A parsed request. Pointers borrow from the decoded object (and so from the frame). */
typedef struct {
    uint32_t rid;
    const char *op;
    size_t op_len;
    const msgpack_object *args; /* a map, or NULL when absent/nil */
    const char *idem;           /* NULL when absent */
    size_t idem_len;
} club_req_t;

/* Validates the envelope; on failure *why says what is wrong, for the error reply, and
 * req->rid holds the rid if one could be read (else 0). */
int club_req_parse(const msgpack_object *root, club_req_t *req, const char **why);

/* Copies the msgpack map in `map` to out with its entry count raised by `extra`; the caller
 * then packs exactly `extra` key/value pairs. Used to add the balance a wallet commit knows
 * to a reply another domain built. Returns 0, or -1 when `map` is not one whole map. */
int club_mp_map_extend(const uint8_t *map, size_t len, uint32_t extra, msgpack_sbuffer *out);

/* Writer helpers over a msgpack_packer. */
void club_pk_str(msgpack_packer *pk, const char *s);
void club_pk_strn(msgpack_packer *pk, const char *s, size_t n);
void club_pk_kv_str(msgpack_packer *pk, const char *k, const char *v);
void club_pk_kv_int(msgpack_packer *pk, const char *k, int64_t v);
void club_pk_kv_bool(msgpack_packer *pk, const char *k, bool v);

/* Starts {"rid": rid, "ok": true, "data": <caller packs one value next>}. */
void club_pk_reply_ok(msgpack_packer *pk, uint32_t rid);
/* A whole error reply. */
void club_pk_reply_err(msgpack_packer *pk, uint32_t rid, club_err_t code, const char *message);
/* Starts {"ev": name, "data": <caller packs one value next>}. */
void club_pk_push(msgpack_packer *pk, const char *ev);

#endif
