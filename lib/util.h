/* util: small helpers every process needs (time, memory, encodings, randomness).
 * Running out of memory aborts here, in one place, so callers need not check. */
#ifndef CLUB_UTIL_H
#define CLUB_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define CLUB_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

void *club_malloc(size_t n);
void *club_calloc(size_t n, size_t size);
void *club_realloc(void *p, size_t n);
char *club_strdup(const char *s);
char *club_strndup(const char *s, size_t n);

/* Wall clock in milliseconds since the epoch (for data a user sees). */
int64_t club_now_ms(void);
/* Monotonic milliseconds (for timeouts and latency). */
int64_t club_mono_ms(void);
/* Monotonic nanoseconds. */
int64_t club_mono_ns(void);

/* Lowercase hex of n bytes into out (2n+1 bytes, NUL-terminated). */
void club_hex(const uint8_t *in, size_t n, char *out);
/* SHA-256 of data as 64 lowercase hex chars + NUL. */
void club_sha256_hex(const void *data, size_t n, char out[65]);
void club_sha256(const void *data, size_t n, uint8_t out[32]);

/* Base64url without padding. out needs 4*ceil(n/3)+1 bytes. Returns the length written. */
size_t club_b64url_encode(const uint8_t *in, size_t n, char *out);

/* Cryptographically secure random bytes (OpenSSL). Returns 0 or -1. */
int club_random(void *buf, size_t n);

/* Constant-time equality of two byte strings of the same length. */
bool club_ct_equal(const void *a, const void *b, size_t n);

/* A message (libpq's end in a newline and may span lines) folded onto one line for a log:
 * newlines and tabs become spaces, runs of spaces one. Returns buf. */
const char *club_oneline(const char *msg, char *buf, size_t cap);

/* True when s[0..n) is UTF-8 that Postgres stores as text: well formed (no overlongs,
 * surrogates or code points past U+10FFFF) and without NUL. Client strings that reach the
 * database go through this, so they fail as BAD_REQUEST instead of as a database error. */
bool club_text_ok(const char *s, size_t n);

/* True when fd >= 0 has something to read right now (a zero-timeout poll). */
bool club_fd_readable(int fd);

/* Parse a whole decimal int64; returns 0 on success, -1 on garbage or overflow. */
int club_parse_i64(const char *s, int64_t *out);

#endif
