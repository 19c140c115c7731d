/* wsframe: RFC 6455 framing pieces for both ends of a WebSocket.
 *
 * The client (client/ws.h, used by club-bench and the test support library) and club-bench-echo
 * (a server) build and parse frames with these. Only what a non-blocking event loop needs:
 * build a frame header, mask/unmask in place, parse a frame header out of a receive buffer,
 * the Sec-WebSocket-Key and -Accept pair, and header lookups in an HTTP head. Nothing here
 * does I/O or allocates. */
#ifndef CLUB_CLIENT_WSFRAME_H
#define CLUB_CLIENT_WSFRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

enum {
    CLUB_WSF_CONT = 0x0,
    CLUB_WSF_TEXT = 0x1,
    CLUB_WSF_BINARY = 0x2,
    CLUB_WSF_CLOSE = 0x8,
    CLUB_WSF_PING = 0x9,
    CLUB_WSF_PONG = 0xA,
};

/* Largest frame header: 2 + 8 (length) + 4 (mask key). */
#define CLUB_WSF_MAX_HDR 14

typedef struct {
    bool fin;
    bool masked;
    uint8_t opcode;
    uint8_t key[4];
    size_t hdr;   /* header bytes, mask key included */
    uint64_t len; /* payload bytes */
} club_wsf_frame_t;

/* Writes a frame header for `len` payload bytes into out (CLUB_WSF_MAX_HDR bytes of room), FIN
 * as given; when `key` is not NULL the mask bit and the 4 key bytes are written too. Returns
 * the header length. */
size_t club_wsf_hdr(uint8_t *out, int opcode, bool fin, uint64_t len, const uint8_t *key);

/* XORs n bytes at p with the 4-byte key, the key's byte 0 lining up with p[0]. Eight bytes at
 * a time: the 64-bit word is the key twice, and XOR does not care about byte order. */
static inline void club_wsf_mask(uint8_t *p, size_t n, const uint8_t key[4])
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
    if (i + 4 <= n) { /* i is a multiple of 8 here, so key[0] lines up again */
        uint32_t w;
        memcpy(&w, p + i, 4);
        w ^= (uint32_t)m;
        memcpy(p + i, &w, 4);
        i += 4;
    }
    for (; i < n; i++)
        p[i] ^= key[i & 3];
}

/* Parses the frame header at p (avail bytes). Returns 1 when the header is complete (f is
 * filled; the payload may still be incomplete: check f->hdr + f->len <= avail), 0 when more
 * bytes are needed, -1 on a protocol error (RSV bits, bad control frame, 64-bit length with
 * the top bit set, unknown opcode). */
int club_wsf_parse(const uint8_t *p, size_t avail, club_wsf_frame_t *f);

/* A random Sec-WebSocket-Key (base64 of 16 bytes, 24 chars + NUL). Returns 0 or -1. */
int club_wsf_key(char out[25]);
/* Sec-WebSocket-Accept for a key: base64(SHA-1(key + GUID)), 28 chars + NUL. */
void club_wsf_accept(const char *key, size_t key_len, char out[29]);

/* Finds header `name` (case-insensitive) in an HTTP head of `len` bytes (the status or request
 * line first, then header lines up to a blank line or the end); sets *val and *val_len to its
 * trimmed value. Returns true when found. */
bool club_wsf_http_header(const char *head, size_t len, const char *name, const char **val,
                          size_t *val_len);
/* True when the comma-separated list holds token (case-insensitive). */
bool club_wsf_http_has_token(const char *list, size_t len, const char *token);

#endif
