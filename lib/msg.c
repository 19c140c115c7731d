#include "msg.h"
#include "util.h"

#include <string.h>

static const char *s_err_names[CLUB_E__COUNT] = {
    [CLUB_OK] = "OK",
    [CLUB_E_BAD_REQUEST] = "BAD_REQUEST",
    [CLUB_E_UNAUTHENTICATED] = "UNAUTHENTICATED",
    [CLUB_E_FORBIDDEN] = "FORBIDDEN",
    [CLUB_E_NOT_FOUND] = "NOT_FOUND",
    [CLUB_E_CONFLICT] = "CONFLICT",
    [CLUB_E_INSUFFICIENT_FUNDS] = "INSUFFICIENT_FUNDS",
    [CLUB_E_LIMIT] = "LIMIT",
    [CLUB_E_RATE_LIMITED] = "RATE_LIMITED",
    [CLUB_E_INVALID_INVITE] = "INVALID_INVITE",
    [CLUB_E_USERNAME_TAKEN] = "USERNAME_TAKEN",
    [CLUB_E_BAD_CREDENTIALS] = "BAD_CREDENTIALS",
    [CLUB_E_BANNED] = "BANNED",
    [CLUB_E_ALREADY_CLAIMED] = "ALREADY_CLAIMED",
    [CLUB_E_UNAVAILABLE] = "UNAVAILABLE",
    [CLUB_E_INTERNAL] = "INTERNAL",
};

const char *club_err_name(club_err_t e)
{
    return (e >= 0 && e < CLUB_E__COUNT) ? s_err_names[e] : "INTERNAL";
}

club_err_t club_err_from_name(const char *s, size_t n)
{
    for (int i = 1; i < CLUB_E__COUNT; i++)
        if (strlen(s_err_names[i]) == n && !memcmp(s_err_names[i], s, n)) return (club_err_t)i;
    return CLUB_E_INTERNAL;
}

/* Iterative walk: `pending` counts values still to read; each container adds its children.
 * A container's children need at least one byte each, so a count beyond the bytes left is a
 * lie and the frame is refused. Depth is tracked with a small stack of remaining counts. */
int club_mp_precheck(const uint8_t *buf, size_t len)
{
    uint64_t stack[CLUB_MAX_DEPTH + 1];
    int depth = 0;
    stack[0] = 1;
    size_t p = 0;
    while (depth >= 0) {
        if (stack[depth] == 0) {
            depth--;
            continue;
        }
        stack[depth]--;
        if (p >= len) return -1;
        uint8_t t = buf[p++];
        uint64_t skip = 0, children = 0;
        size_t need = 0; /* bytes of length field */
        if (t <= 0x7f || t >= 0xe0 || (t >= 0xc2 && t <= 0xc3) || t == 0xc0) {
            /* fixint, negative fixint, bool, nil */
        } else if (t >= 0x80 && t <= 0x8f) {
            children = (uint64_t)(t & 0x0f) * 2;
        } else if (t >= 0x90 && t <= 0x9f) {
            children = t & 0x0f;
        } else if (t >= 0xa0 && t <= 0xbf) {
            skip = t & 0x1f;
        } else {
            switch (t) {
            case 0xcc:
            case 0xd0:
                skip = 1;
                break;
            case 0xcd:
            case 0xd1:
                skip = 2;
                break;
            case 0xce:
            case 0xd2:
            case 0xca:
                skip = 4;
                break;
            case 0xcf:
            case 0xd3:
            case 0xcb:
                skip = 8;
                break;
            case 0xd4:
                skip = 2;
                break; /* fixext 1: type + 1 */
            case 0xd5:
                skip = 3;
                break;
            case 0xd6:
                skip = 5;
                break;
            case 0xd7:
                skip = 9;
                break;
            case 0xd8:
                skip = 17;
                break;
            case 0xc4:
            case 0xd9:
            case 0xc7:
                need = 1;
                break;
            case 0xc5:
            case 0xda:
            case 0xc8:
                need = 2;
                break;
            case 0xc6:
            case 0xdb:
            case 0xc9:
                need = 4;
                break;
            case 0xdc:
            case 0xde:
                need = 2;
                break;
            case 0xdd:
            case 0xdf:
                need = 4;
                break;
            default:
                return -1; /* 0xc1 is never used */
            }
            if (need) {
                if (len - p < need) return -1;
                uint64_t n = 0;
                for (size_t i = 0; i < need; i++)
                    n = n << 8 | buf[p + i];
                p += need;
                if (t == 0xdc || t == 0xdd)
                    children = n;
                else if (t == 0xde || t == 0xdf)
                    children = n * 2;
                else if (t >= 0xc7 && t <= 0xc9)
                    skip = n + 1; /* ext: type byte + data */
                else
                    skip = n;
            }
        }
        if (skip) {
            if (len - p < skip) return -1;
            p += skip;
        }
        if (children) {
            if (children > len - p) return -1;
            if (depth >= CLUB_MAX_DEPTH) return -1;
            stack[++depth] = children;
        }
    }
    return p == len ? 0 : -1;
}

int club_mp_decode(const uint8_t *buf, size_t len, msgpack_unpacked *out)
{
    msgpack_unpacked_init(out);
    if (club_mp_precheck(buf, len) != 0) return -1;
    size_t off = 0;
    msgpack_unpack_return r = msgpack_unpack_next(out, (const char *)buf, len, &off);
    if (r != MSGPACK_UNPACK_SUCCESS || off != len) {
        msgpack_unpacked_destroy(out);
        msgpack_unpacked_init(out);
        return -1;
    }
    return 0;
}

const msgpack_object *club_mp_get(const msgpack_object *map, const char *key)
{
    if (!map || map->type != MSGPACK_OBJECT_MAP) return NULL;
    size_t kl = strlen(key);
    for (uint32_t i = 0; i < map->via.map.size; i++) {
        const msgpack_object *k = &map->via.map.ptr[i].key;
        if (k->type == MSGPACK_OBJECT_STR && k->via.str.size == kl &&
            !memcmp(k->via.str.ptr, key, kl))
            return &map->via.map.ptr[i].val;
    }
    return NULL;
}

bool club_mp_is_str(const msgpack_object *o)
{
    return o && o->type == MSGPACK_OBJECT_STR;
}

bool club_mp_streq(const msgpack_object *o, const char *lit)
{
    size_t n = strlen(lit);
    return club_mp_is_str(o) && o->via.str.size == n && !memcmp(o->via.str.ptr, lit, n);
}

bool club_mp_i64(const msgpack_object *o, int64_t *v)
{
    if (!o) return false;
    if (o->type == MSGPACK_OBJECT_POSITIVE_INTEGER) {
        if (o->via.u64 > (uint64_t)INT64_MAX) return false;
        *v = (int64_t)o->via.u64;
        return true;
    }
    if (o->type == MSGPACK_OBJECT_NEGATIVE_INTEGER) {
        *v = o->via.i64;
        return true;
    }
    return false;
}

bool club_mp_strcpy(const msgpack_object *o, char *buf, size_t cap)
{
    if (!club_mp_is_str(o) || o->via.str.size == 0 || o->via.str.size >= cap) return false;
    if (!club_text_ok(o->via.str.ptr, o->via.str.size)) return false;
    memcpy(buf, o->via.str.ptr, o->via.str.size);
    buf[o->via.str.size] = 0;
    return true;
}

int club_req_parse(const msgpack_object *root, club_req_t *req, const char **why)
{
    memset(req, 0, sizeof *req);
    if (!root || root->type != MSGPACK_OBJECT_MAP) {
        *why = "a request is a msgpack map {rid, op, args}";
        return -1;
    }
    const msgpack_object *rid = club_mp_get(root, "rid");
    int64_t r;
    if (!rid || !club_mp_i64(rid, &r) || r < 0 || r > UINT32_MAX) {
        *why = "rid must be an unsigned 32-bit integer";
        return -1;
    }
    req->rid = (uint32_t)r;
    const msgpack_object *op = club_mp_get(root, "op");
    if (!club_mp_is_str(op) || op->via.str.size == 0 || op->via.str.size > CLUB_MAX_OP_LEN) {
        *why = "op must be a string such as \"wallet.balance\"";
        return -1;
    }
    req->op = op->via.str.ptr;
    req->op_len = op->via.str.size;
    const msgpack_object *args = club_mp_get(root, "args");
    if (args && args->type != MSGPACK_OBJECT_NIL) {
        if (args->type != MSGPACK_OBJECT_MAP) {
            *why = "args must be a map";
            return -1;
        }
        req->args = args;
    }
    const msgpack_object *idem = club_mp_get(root, "idem");
    if (idem && idem->type != MSGPACK_OBJECT_NIL) {
        if (!club_mp_is_str(idem) || idem->via.str.size < 1 || idem->via.str.size > CLUB_MAX_IDEM ||
            !club_text_ok(idem->via.str.ptr, idem->via.str.size)) {
            *why = "idem must be a UTF-8 string of 1 to 64 bytes, without NUL";
            return -1;
        }
        req->idem = idem->via.str.ptr;
        req->idem_len = idem->via.str.size;
    }
    return 0;
}

void club_pk_strn(msgpack_packer *pk, const char *s, size_t n)
{
    msgpack_pack_str(pk, n);
    msgpack_pack_str_body(pk, s, n);
}

void club_pk_str(msgpack_packer *pk, const char *s)
{
    club_pk_strn(pk, s, strlen(s));
}

void club_pk_kv_str(msgpack_packer *pk, const char *k, const char *v)
{
    club_pk_str(pk, k);
    club_pk_str(pk, v);
}

void club_pk_kv_int(msgpack_packer *pk, const char *k, int64_t v)
{
    club_pk_str(pk, k);
    msgpack_pack_int64(pk, v);
}

void club_pk_kv_bool(msgpack_packer *pk, const char *k, bool v)
{
    club_pk_str(pk, k);
    if (v)
        msgpack_pack_true(pk);
    else
        msgpack_pack_false(pk);
}

void club_pk_reply_ok(msgpack_packer *pk, uint32_t rid)
{
    msgpack_pack_map(pk, 3);
    club_pk_kv_int(pk, "rid", rid);
    club_pk_kv_bool(pk, "ok", true);
    club_pk_str(pk, "data");
}

void club_pk_reply_err(msgpack_packer *pk, uint32_t rid, club_err_t code, const char *message)
{
    msgpack_pack_map(pk, 3);
    club_pk_kv_int(pk, "rid", rid);
    club_pk_kv_bool(pk, "ok", false);
    club_pk_str(pk, "error");
    msgpack_pack_map(pk, 2);
    club_pk_kv_str(pk, "code", club_err_name(code));
    club_pk_kv_str(pk, "message", message);
}

void club_pk_push(msgpack_packer *pk, const char *ev)
{
    msgpack_pack_map(pk, 2);
    club_pk_kv_str(pk, "ev", ev);
    club_pk_str(pk, "data");
}

int club_mp_map_extend(const uint8_t *map, size_t len, uint32_t extra, msgpack_sbuffer *out)
{
    if (len < 1 || club_mp_precheck(map, len) != 0) return -1;
    uint32_t n;
    size_t hl;
    if (map[0] >= 0x80 && map[0] <= 0x8f) {
        n = map[0] & 0x0f;
        hl = 1;
    } else if (map[0] == 0xde && len >= 3) {
        n = (uint32_t)map[1] << 8 | map[2];
        hl = 3;
    } else if (map[0] == 0xdf && len >= 5) {
        n = (uint32_t)map[1] << 24 | (uint32_t)map[2] << 16 | (uint32_t)map[3] << 8 | map[4];
        hl = 5;
    } else {
        return -1;
    }
    msgpack_packer pk;
    msgpack_packer_init(&pk, out, msgpack_sbuffer_write);
    msgpack_pack_map(&pk, n + extra);
    msgpack_sbuffer_write(out, (const char *)map + hl, len - hl);
    return 0;
}
