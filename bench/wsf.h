/* wsf: RFC 6455 framing pieces shared by club-bench (client) and club-bench-echo (server).
 *
 * Only what a non-blocking event loop needs: build a frame header, mask/unmask in place,
 * parse a frame header out of a receive buffer, and the Sec-WebSocket-Key and -Accept pair.
 * Nothing here does I/O or allocates. */
#ifndef CLUB_BENCH_WSF_H
#define CLUB_BENCH_WSF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

enum {
    BENCH_WS_CONT = 0x0,
    BENCH_WS_TEXT = 0x1,
    BENCH_WS_BINARY = 0x2,
    BENCH_WS_CLOSE = 0x8,
    BENCH_WS_PING = 0x9,
    BENCH_WS_PONG = 0xA,
};

/* Largest frame header: 2 + 8 (length) + 4 (mask key). */
#define BENCH_WS_MAX_HDR 14

typedef struct {
    bool fin;
    bool masked;
    uint8_t opcode;
    uint8_t key[4];
    size_t hdr;   /* header bytes, mask key included */
    uint64_t len; /* payload bytes */
} bench_ws_frame_t;

/* Writes a frame header (FIN set) for `len` payload bytes into out (BENCH_WS_MAX_HDR bytes of
 * room); when `key` is not NULL the mask bit and the 4 key bytes are written too. Returns the
 * header length. */
size_t bench_ws_hdr(uint8_t *out, int opcode, uint64_t len, const uint8_t *key);

/* XORs n bytes at p with the 4-byte key, the key's byte 0 lining up with p[0]. Eight bytes at
 * a time: the 64-bit word is the key twice, and XOR does not care about byte order. */
static inline void bench_ws_mask(uint8_t *p, size_t n, const uint8_t key[4])
{
    uint64_t m;
    memcpy(&m, key, 4);
    memcpy((uint8_t *)&m + 4, key, 4);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        w ^= m;
        memcpy(p + i, &w, 8);
    }
    for (; i < n; i++)
        p[i] ^= key[i & 3];
}

/* Parses the frame header at p (avail bytes). Returns 1 when the header is complete (f is
 * filled; the payload may still be incomplete: check f->hdr + f->len <= avail), 0 when more
 * bytes are needed, -1 on a protocol error (RSV bits, bad control frame, 64-bit length with
 * the top bit set, unknown opcode). */
int bench_ws_parse(const uint8_t *p, size_t avail, bench_ws_frame_t *f);

/* A random Sec-WebSocket-Key (base64 of 16 bytes, 24 chars + NUL). Returns 0 or -1. */
int bench_ws_key(char out[25]);
/* Sec-WebSocket-Accept for a key: base64(SHA-1(key + GUID)), 28 chars + NUL. */
void bench_ws_accept(const char *key, size_t key_len, char out[29]);

/* Finds header `name` (case-insensitive) in an HTTP head of `len` bytes; sets *val and *val_len
 * to its trimmed value. Returns true when found. */
bool bench_http_header(const char *head, size_t len, const char *name, const char **val,
                       size_t *val_len);
/* True when the comma-separated list holds token (case-insensitive). */
bool bench_http_has_token(const char *list, size_t len, const char *token);

#endif
