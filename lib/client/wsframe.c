/* wsframe: see wsframe.h. */
#include "wsframe.h"

#include <strings.h>

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#define WS_GUID "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

size_t club_wsf_hdr(uint8_t *out, int opcode, bool fin, uint64_t len, const uint8_t *key)
{
    uint8_t *p = out;
    uint8_t mbit = key ? 0x80 : 0;
    *p++ = (uint8_t)((fin ? 0x80 : 0) | (opcode & 0x0f));
    if (len < 126) {
        *p++ = (uint8_t)(mbit | len);
    } else if (len <= 0xffff) {
        *p++ = mbit | 126;
        *p++ = (uint8_t)(len >> 8);
        *p++ = (uint8_t)len;
    } else {
        *p++ = mbit | 127;
        for (int i = 7; i >= 0; i--)
            *p++ = (uint8_t)(len >> (8 * i));
    }
    if (key) {
        memcpy(p, key, 4);
        p += 4;
    }
    return (size_t)(p - out);
}

int club_wsf_parse(const uint8_t *p, size_t avail, club_wsf_frame_t *f)
{
    if (avail < 2) return 0;
    if (p[0] & 0x70) return -1;
    f->fin = (p[0] & 0x80) != 0;
    f->opcode = p[0] & 0x0f;
    f->masked = (p[1] & 0x80) != 0;
    uint64_t l = p[1] & 0x7f;
    size_t h = 2;
    if (l == 126) {
        if (avail < 4) return 0;
        l = ((uint64_t)p[2] << 8) | p[3];
        h = 4;
    } else if (l == 127) {
        if (avail < 10) return 0;
        l = 0;
        for (int i = 0; i < 8; i++)
            l = (l << 8) | p[2 + i];
        h = 10;
        if (l >> 63) return -1;
    }
    if (f->masked) {
        if (avail < h + 4) return 0;
        memcpy(f->key, p + h, 4);
        h += 4;
    }
    if (f->opcode >= 8) {
        if (!f->fin || l > 125 || f->opcode > CLUB_WSF_PONG) return -1;
    } else if (f->opcode > CLUB_WSF_BINARY) {
        return -1;
    }
    f->hdr = h;
    f->len = l;
    return 1;
}

int club_wsf_key(char out[25])
{
    uint8_t nonce[16];
    if (RAND_bytes(nonce, sizeof nonce) != 1) return -1;
    EVP_EncodeBlock((unsigned char *)out, nonce, sizeof nonce);
    out[24] = '\0';
    return 0;
}

void club_wsf_accept(const char *key, size_t key_len, char out[29])
{
    char cat[128];
    uint8_t sha[SHA_DIGEST_LENGTH];
    if (key_len > sizeof cat - sizeof WS_GUID) key_len = sizeof cat - sizeof WS_GUID;
    memcpy(cat, key, key_len);
    memcpy(cat + key_len, WS_GUID, sizeof WS_GUID - 1);
    SHA1((const unsigned char *)cat, key_len + sizeof WS_GUID - 1, sha);
    EVP_EncodeBlock((unsigned char *)out, sha, sizeof sha);
    out[28] = '\0';
}

bool club_wsf_http_header(const char *head, size_t len, const char *name, const char **val,
                          size_t *val_len)
{
    size_t nl = strlen(name);
    const char *end = head + len;
    const char *line = memchr(head, '\n', len);
    while (line && line + 1 < end) {
        line++;
        const char *eol = memchr(line, '\n', (size_t)(end - line));
        if (!eol) eol = end;
        const char *e = eol;
        if (e > line && e[-1] == '\r') e--;
        if (e == line) break; /* blank line: end of head */
        if ((size_t)(e - line) > nl && line[nl] == ':' && !strncasecmp(line, name, nl)) {
            const char *v = line + nl + 1;
            while (v < e && (*v == ' ' || *v == '\t'))
                v++;
            const char *t = e;
            while (t > v && (t[-1] == ' ' || t[-1] == '\t'))
                t--;
            *val = v;
            *val_len = (size_t)(t - v);
            return true;
        }
        line = eol < end ? eol : NULL;
    }
    return false;
}

bool club_wsf_http_has_token(const char *list, size_t len, const char *token)
{
    size_t tl = strlen(token);
    const char *p = list, *end = list + len;
    while (p < end) {
        while (p < end && (*p == ' ' || *p == ',' || *p == '\t'))
            p++;
        const char *e = p;
        while (e < end && *e != ',')
            e++;
        const char *t = e;
        while (t > p && (t[-1] == ' ' || t[-1] == '\t'))
            t--;
        if ((size_t)(t - p) == tl && !strncasecmp(p, token, tl)) return true;
        p = e;
    }
    return false;
}
