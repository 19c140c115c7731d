/* mpr: see mpr.h. */
#include "mpr.h"

#include <string.h>

static inline uint32_t s_be16(const uint8_t *p)
{
    return ((uint32_t)p[0] << 8) | p[1];
}

static inline uint32_t s_be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static inline uint64_t s_be64(const uint8_t *p)
{
    return ((uint64_t)s_be32(p) << 32) | s_be32(p + 4);
}

static inline size_t s_left(const club_mpr_t *r)
{
    return (size_t)(r->end - r->p);
}

int club_mpr_map(club_mpr_t *r, uint32_t *n)
{
    if (s_left(r) < 1) return -1;
    uint8_t t = r->p[0];
    if ((t & 0xf0) == 0x80) {
        *n = t & 0x0f;
        r->p += 1;
        return 0;
    }
    if (t == 0xde && s_left(r) >= 3) {
        *n = s_be16(r->p + 1);
        r->p += 3;
        return 0;
    }
    if (t == 0xdf && s_left(r) >= 5) {
        *n = s_be32(r->p + 1);
        r->p += 5;
        return 0;
    }
    return -1;
}

int club_mpr_str(club_mpr_t *r, const char **s, uint32_t *n)
{
    if (s_left(r) < 1) return -1;
    uint8_t t = r->p[0];
    size_t h;
    uint32_t len;
    if ((t & 0xe0) == 0xa0) {
        h = 1;
        len = t & 0x1f;
    } else if (t == 0xd9 && s_left(r) >= 2) {
        h = 2;
        len = r->p[1];
    } else if (t == 0xda && s_left(r) >= 3) {
        h = 3;
        len = s_be16(r->p + 1);
    } else if (t == 0xdb && s_left(r) >= 5) {
        h = 5;
        len = s_be32(r->p + 1);
    } else {
        return -1;
    }
    if (s_left(r) - h < len) return -1;
    *s = (const char *)r->p + h;
    *n = len;
    r->p += h + len;
    return 0;
}

int club_mpr_uint(club_mpr_t *r, uint64_t *v)
{
    if (s_left(r) < 1) return -1;
    uint8_t t = r->p[0];
    size_t left = s_left(r);
    if (t <= 0x7f) {
        *v = t;
        r->p += 1;
        return 0;
    }
    switch (t) {
    case 0xcc:
    case 0xd0:
        if (left < 2) return -1;
        if (t == 0xd0 && (r->p[1] & 0x80)) return -1;
        *v = r->p[1];
        r->p += 2;
        return 0;
    case 0xcd:
    case 0xd1:
        if (left < 3) return -1;
        if (t == 0xd1 && (r->p[1] & 0x80)) return -1;
        *v = s_be16(r->p + 1);
        r->p += 3;
        return 0;
    case 0xce:
    case 0xd2:
        if (left < 5) return -1;
        if (t == 0xd2 && (r->p[1] & 0x80)) return -1;
        *v = s_be32(r->p + 1);
        r->p += 5;
        return 0;
    case 0xcf:
    case 0xd3:
        if (left < 9) return -1;
        if (t == 0xd3 && (r->p[1] & 0x80)) return -1;
        *v = s_be64(r->p + 1);
        r->p += 9;
        return 0;
    default:
        return -1;
    }
}

int club_mpr_bool(club_mpr_t *r, bool *v)
{
    if (s_left(r) < 1) return -1;
    if (r->p[0] == 0xc3 || r->p[0] == 0xc2) {
        *v = r->p[0] == 0xc3;
        r->p += 1;
        return 0;
    }
    return -1;
}

/* Size of the header and of the payload bytes of the value at r->p, and how many child values
 * follow it (array elements, map keys+values). -1 when truncated or not msgpack. */
static int s_head(const club_mpr_t *r, size_t *hdr, uint64_t *body, uint64_t *children)
{
    size_t left = s_left(r);
    if (left < 1) return -1;
    const uint8_t *p = r->p;
    uint8_t t = p[0];
    *body = 0;
    *children = 0;
    *hdr = 1;
    if (t <= 0x7f || t >= 0xe0) return 0; /* fixint */
    if ((t & 0xf0) == 0x80) {
        *children = 2u * (t & 0x0f);
        return 0;
    }
    if ((t & 0xf0) == 0x90) {
        *children = t & 0x0f;
        return 0;
    }
    if ((t & 0xe0) == 0xa0) {
        *body = t & 0x1f;
        return 0;
    }
    switch (t) {
    case 0xc0:
    case 0xc2:
    case 0xc3:
        return 0;
    case 0xc4:
    case 0xd9:
        if (left < 2) return -1;
        *hdr = 2;
        *body = p[1];
        return 0;
    case 0xc5:
    case 0xda:
        if (left < 3) return -1;
        *hdr = 3;
        *body = s_be16(p + 1);
        return 0;
    case 0xc6:
    case 0xdb:
        if (left < 5) return -1;
        *hdr = 5;
        *body = s_be32(p + 1);
        return 0;
    case 0xc7:
        if (left < 3) return -1;
        *hdr = 3;
        *body = p[1];
        return 0;
    case 0xc8:
        if (left < 4) return -1;
        *hdr = 4;
        *body = s_be16(p + 1);
        return 0;
    case 0xc9:
        if (left < 6) return -1;
        *hdr = 6;
        *body = s_be32(p + 1);
        return 0;
    case 0xca:
        *body = 4;
        return 0;
    case 0xcb:
        *body = 8;
        return 0;
    case 0xcc:
    case 0xd0:
        *body = 1;
        return 0;
    case 0xcd:
    case 0xd1:
        *body = 2;
        return 0;
    case 0xce:
    case 0xd2:
        *body = 4;
        return 0;
    case 0xcf:
    case 0xd3:
        *body = 8;
        return 0;
    case 0xd4:
        *hdr = 2;
        *body = 1;
        return 0;
    case 0xd5:
        *hdr = 2;
        *body = 2;
        return 0;
    case 0xd6:
        *hdr = 2;
        *body = 4;
        return 0;
    case 0xd7:
        *hdr = 2;
        *body = 8;
        return 0;
    case 0xd8:
        *hdr = 2;
        *body = 16;
        return 0;
    case 0xdc:
        if (left < 3) return -1;
        *hdr = 3;
        *children = s_be16(p + 1);
        return 0;
    case 0xdd:
        if (left < 5) return -1;
        *hdr = 5;
        *children = s_be32(p + 1);
        return 0;
    case 0xde:
        if (left < 3) return -1;
        *hdr = 3;
        *children = 2u * s_be16(p + 1);
        return 0;
    case 0xdf:
        if (left < 5) return -1;
        *hdr = 5;
        *children = 2ull * s_be32(p + 1);
        return 0;
    default:
        return -1; /* 0xc1 is never used */
    }
}

int club_mpr_skip(club_mpr_t *r)
{
    uint64_t pending = 1;
    while (pending) {
        size_t hdr;
        uint64_t body, children;
        if (s_head(r, &hdr, &body, &children) < 0) return -1;
        if ((uint64_t)s_left(r) < hdr + body) return -1;
        r->p += hdr + body;
        pending--;
        /* Every child takes at least one byte: more children than bytes left is a lie. */
        if (children > (uint64_t)s_left(r)) return -1;
        pending += children;
    }
    return 0;
}

int club_mpr_find(club_mpr_t *r, const char *key)
{
    size_t klen = strlen(key);
    uint32_t n;
    if (club_mpr_map(r, &n) < 0) return -1;
    for (uint32_t i = 0; i < n; i++) {
        const char *k;
        uint32_t kl;
        /* club_mpr_str leaves the reader where it was when the key is not a string: such a
         * key (legal msgpack, never ours) is skipped like any value. */
        if (club_mpr_str(r, &k, &kl) == 0) {
            if (kl == klen && !memcmp(k, key, klen)) return 0;
        } else if (club_mpr_skip(r) < 0) {
            return -1;
        }
        if (club_mpr_skip(r) < 0) return -1;
    }
    return -1;
}

int club_mpr_reply(const uint8_t *buf, size_t len, club_mpr_reply_t *out)
{
    memset(out, 0, sizeof *out);
    out->ok = -1;
    club_mpr_t r;
    club_mpr_init(&r, buf, len);
    uint32_t n;
    if (club_mpr_map(&r, &n) < 0) return -1;
    for (uint32_t i = 0; i < n; i++) {
        const char *k;
        uint32_t kl;
        if (club_mpr_str(&r, &k, &kl) < 0) return -1;
        if (kl == 3 && !memcmp(k, "rid", 3)) {
            uint64_t v;
            if (club_mpr_uint(&r, &v) < 0 || v > UINT32_MAX) return -1;
            out->has_rid = true;
            out->rid = (uint32_t)v;
        } else if (kl == 2 && k[0] == 'o' && k[1] == 'k') {
            bool b;
            if (club_mpr_bool(&r, &b) < 0) return -1;
            out->ok = b ? 1 : 0;
        } else if (kl == 2 && k[0] == 'e' && k[1] == 'v') {
            if (club_mpr_str(&r, &out->ev, &out->ev_len) < 0) return -1;
        } else if (kl == 5 && !memcmp(k, "error", 5)) {
            uint32_t m;
            if (club_mpr_map(&r, &m) < 0) return -1;
            for (uint32_t j = 0; j < m; j++) {
                const char *ek;
                uint32_t ekl;
                if (club_mpr_str(&r, &ek, &ekl) < 0) return -1;
                if (ekl == 4 && !memcmp(ek, "code", 4)) {
                    if (club_mpr_str(&r, &out->code, &out->code_len) < 0) return -1;
                } else if (club_mpr_skip(&r) < 0) {
                    return -1;
                }
            }
        } else {
            if (kl == 4 && !memcmp(k, "data", 4)) out->has_data = true;
            if (club_mpr_skip(&r) < 0) return -1;
        }
        /* A successful reply needs nothing more; a push needs only its name. */
        if (out->has_rid && out->ok == 1) return 0;
        if (out->ev) return 0;
        if (out->code && out->has_rid && out->ok == 0) return 0;
    }
    return 0;
}
