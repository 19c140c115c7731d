/* mpr: a minimal msgpack reader for the bench's hot path.
 *
 * The bench and its echo server read only a few top-level fields of each message (rid, ok,
 * ev, error.code), so instead of unpacking whole trees with msgpack-c they walk the bytes:
 * no allocation, every length checked against the bytes left, nothing read past `end`.
 * Strings returned point into the buffer. Each call returns 0, or -1 when the bytes are not
 * what was asked for (or run out); after -1 the reader's position is unspecified. */
#ifndef CLUB_BENCH_MPR_H
#define CLUB_BENCH_MPR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    const uint8_t *p;
    const uint8_t *end;
} bench_mpr_t;

static inline void bench_mpr_init(bench_mpr_t *r, const uint8_t *buf, size_t len)
{
    r->p = buf;
    r->end = buf + len;
}

int bench_mpr_map(bench_mpr_t *r, uint32_t *n);
int bench_mpr_str(bench_mpr_t *r, const char **s, uint32_t *n);
/* Any non-negative integer. */
int bench_mpr_uint(bench_mpr_t *r, uint64_t *v);
int bench_mpr_bool(bench_mpr_t *r, bool *v);
/* Skips one whole value (containers included, iteratively: no recursion). */
int bench_mpr_skip(bench_mpr_t *r);
/* On a reader at the start of a map: moves it to the value of top-level `key` (0), or -1 when
 * the map has no such key or is malformed. Keys before it are skipped, not decoded. */
int bench_mpr_find(bench_mpr_t *r, const char *key);

/* What the bench needs from a reply or push. */
typedef struct {
    bool has_rid;
    uint32_t rid;
    int ok;         /* 1 ok:true, 0 ok:false, -1 absent */
    const char *ev; /* push name, NULL when not a push */
    uint32_t ev_len;
    const char *code; /* error.code when ok is false and present */
    uint32_t code_len;
    bool has_data; /* a "data" key was seen (only looked for until rid and ok:true are known) */
} bench_reply_t;

/* Reads the top-level map of one message. Stops as soon as rid and ok:true are known (the
 * data that follows is not walked), reads error.code only when ok is false. Returns 0, or -1
 * when the message is not a well-formed map. */
int bench_reply_parse(const uint8_t *buf, size_t len, bench_reply_t *out);

#endif
