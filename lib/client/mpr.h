/* mpr: a minimal msgpack reader, for clients that need a few fields of a message fast.
 *
 * club-bench and its echo server read only a few top-level fields of each message (rid, ok,
 * ev, error.code), and the test support library only needs to find where a reply's data
 * lies, so instead of unpacking whole trees with msgpack-c they walk the bytes: no
 * allocation, no recursion, every length checked against the bytes left, nothing read past
 * `end`. Strings returned point into the buffer. Each call returns 0, or -1 when the bytes
 * are not what was asked for (or run out); after -1 the reader's position is unspecified. */
#ifndef CLUB_CLIENT_MPR_H
#define CLUB_CLIENT_MPR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    const uint8_t *p;
    const uint8_t *end;
} club_mpr_t;

static inline void club_mpr_init(club_mpr_t *r, const uint8_t *buf, size_t len)
{
    r->p = buf;
    r->end = buf + len;
}

int club_mpr_map(club_mpr_t *r, uint32_t *n);
int club_mpr_str(club_mpr_t *r, const char **s, uint32_t *n);
/* Any non-negative integer. */
int club_mpr_uint(club_mpr_t *r, uint64_t *v);
int club_mpr_bool(club_mpr_t *r, bool *v);
/* Skips one whole value (containers included, iteratively: no recursion). */
int club_mpr_skip(club_mpr_t *r);
/* On a reader at the start of a map: moves it to the value of top-level `key` (0), or -1 when
 * the map has no such key or is malformed. Keys before it, and keys that are not strings, are
 * skipped, not decoded. */
int club_mpr_find(club_mpr_t *r, const char *key);

/* What a load generator needs from a reply or push. */
typedef struct {
    bool has_rid;
    uint32_t rid;
    int ok;         /* 1 ok:true, 0 ok:false, -1 absent */
    const char *ev; /* push name, NULL when not a push */
    uint32_t ev_len;
    const char *code; /* error.code when ok is false and present */
    uint32_t code_len;
    bool has_data; /* a "data" key was seen (only looked for until rid and ok:true are known) */
} club_mpr_reply_t;

/* Reads the top-level map of one message. Stops as soon as rid and ok:true are known (the
 * data that follows is not walked), reads error.code only when ok is false. Returns 0, or -1
 * when the message is not a well-formed map. */
int club_mpr_reply(const uint8_t *buf, size_t len, club_mpr_reply_t *out);

#endif
