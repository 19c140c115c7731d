#include "settle.h"

#include "u64map.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static void s_put(msgpack_sbuffer *b, const char *s, size_t n)
{
    msgpack_sbuffer_write(b, s, n);
}

static void s_puts(msgpack_sbuffer *b, const char *s)
{
    msgpack_sbuffer_write(b, s, strlen(s));
}

static void s_int(msgpack_sbuffer *b, int64_t v)
{
    char t[24];
    s_put(b, t, (size_t)snprintf(t, sizeof t, "%" PRId64, v));
}

static void s_hex(msgpack_sbuffer *b, const uint8_t *p, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    s_put(b, "\"", 1);
    char chunk[128];
    size_t used = 0;
    for (size_t i = 0; i < n; i++) {
        chunk[used++] = hex[p[i] >> 4];
        chunk[used++] = hex[p[i] & 15];
        if (used == sizeof chunk) {
            s_put(b, chunk, used);
            used = 0;
        }
    }
    s_put(b, chunk, used);
    s_put(b, "\"", 1);
}

void club_json_str(msgpack_sbuffer *out, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    s_put(out, "\"", 1);
    size_t run = 0; /* bytes copied as they are, flushed before each escape */
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\') {
            run++;
            continue;
        }
        s_put(out, s + i - run, run);
        run = 0;
        if (c == '"' || c == '\\') {
            char e[2] = {'\\', (char)c};
            s_put(out, e, 2);
        } else {
            char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            s_put(out, e, 6);
        }
    }
    s_put(out, s + n - run, run);
    s_put(out, "\"", 1);
}

bool club_json_from_mp(msgpack_sbuffer *out, const msgpack_object *o)
{
    switch (o->type) {
    case MSGPACK_OBJECT_NIL:
        s_puts(out, "null");
        return true;
    case MSGPACK_OBJECT_BOOLEAN:
        s_puts(out, o->via.boolean ? "true" : "false");
        return true;
    case MSGPACK_OBJECT_POSITIVE_INTEGER: {
        char t[24];
        s_put(out, t, (size_t)snprintf(t, sizeof t, "%" PRIu64, o->via.u64));
        return true;
    }
    case MSGPACK_OBJECT_NEGATIVE_INTEGER:
        s_int(out, o->via.i64);
        return true;
    case MSGPACK_OBJECT_FLOAT32:
    case MSGPACK_OBJECT_FLOAT64: {
        if (!isfinite(o->via.f64)) return false;
        char t[40];
        s_put(out, t, (size_t)snprintf(t, sizeof t, "%.17g", o->via.f64));
        return true;
    }
    case MSGPACK_OBJECT_STR:
        club_json_str(out, o->via.str.ptr, o->via.str.size);
        return true;
    case MSGPACK_OBJECT_BIN:
        s_hex(out, (const uint8_t *)o->via.bin.ptr, o->via.bin.size);
        return true;
    case MSGPACK_OBJECT_ARRAY:
        s_put(out, "[", 1);
        for (uint32_t i = 0; i < o->via.array.size; i++) {
            if (i) s_put(out, ",", 1);
            if (!club_json_from_mp(out, &o->via.array.ptr[i])) return false;
        }
        s_put(out, "]", 1);
        return true;
    case MSGPACK_OBJECT_MAP:
        s_put(out, "{", 1);
        for (uint32_t i = 0; i < o->via.map.size; i++) {
            const msgpack_object_kv *kv = &o->via.map.ptr[i];
            if (kv->key.type != MSGPACK_OBJECT_STR) return false;
            if (i) s_put(out, ",", 1);
            club_json_str(out, kv->key.via.str.ptr, kv->key.via.str.size);
            s_put(out, ":", 1);
            if (!club_json_from_mp(out, &kv->val)) return false;
        }
        s_put(out, "}", 1);
        return true;
    default:
        return false;
    }
}

void club_settle_doc_init(club_settle_doc_t *d)
{
    msgpack_sbuffer_init(&d->reqs);
    msgpack_sbuffer_init(&d->moves);
    d->n = d->nmoves = 0;
}

void club_settle_doc_destroy(club_settle_doc_t *d)
{
    msgpack_sbuffer_destroy(&d->reqs);
    msgpack_sbuffer_destroy(&d->moves);
}

void club_settle_doc_reset(club_settle_doc_t *d)
{
    d->reqs.size = 0;
    d->moves.size = 0;
    d->n = d->nmoves = 0;
}

static void s_kv_str(msgpack_sbuffer *b, const char *key, const char *v)
{
    s_puts(b, key);
    if (v)
        club_json_str(b, v, strlen(v));
    else
        s_puts(b, "null");
}

void club_settle_doc_add(club_settle_doc_t *d, const club_settle_req_t *r)
{
    int i = ++d->n;
    msgpack_sbuffer *b = &d->reqs;
    s_puts(b, i > 1 ? ",{\"i\":" : "{\"i\":");
    s_int(b, i);
    s_puts(b, ",\"u\":");
    s_int(b, (int64_t)r->user);
    s_kv_str(b, ",\"idem\":", r->idem);
    s_kv_str(b, ",\"op\":", r->op);
    s_puts(b, ",\"h\":");
    s_hex(b, r->req_hash, r->req_hash ? 32 : 0);
    s_kv_str(b, ",\"counter\":", r->counter);
    s_kv_str(b, ",\"ref\":", r->ref);
    s_kv_str(b, ",\"claim\":", r->claim);
    s_puts(b, ",\"reply\":");
    if (r->reply_len)
        s_hex(b, r->reply, r->reply_len);
    else
        s_puts(b, "null");
    if (r->facts && r->facts->type == MSGPACK_OBJECT_ARRAY && r->facts->via.array.size) {
        size_t mark = b->size;
        s_puts(b, ",\"facts\":");
        /* The op schema has checked their shape; a value JSON cannot hold drops them all
         * rather than sending half a document. */
        if (!club_json_from_mp(b, r->facts)) b->size = mark;
    }
    s_put(b, "}", 1);
    for (int k = 0; k < r->nmoves; k++) {
        const club_move_t *m = &r->moves[k];
        msgpack_sbuffer *mb = &d->moves;
        s_puts(mb, d->nmoves++ ? ",{\"q\":" : "{\"q\":");
        s_int(mb, i);
        s_puts(mb, ",\"k\":");
        s_int(mb, k + 1);
        s_kv_str(mb, ",\"cur\":", m->currency);
        s_puts(mb, ",\"d\":");
        s_int(mb, m->delta);
        s_kv_str(mb, ",\"why\":", m->reason);
        s_put(mb, "}", 1);
    }
}

void club_settle_doc_json(const club_settle_doc_t *d, msgpack_sbuffer *out)
{
    out->size = 0;
    s_puts(out, "{\"reqs\":[");
    s_put(out, d->reqs.data ? d->reqs.data : "", d->reqs.size);
    s_puts(out, "],\"moves\":[");
    s_put(out, d->moves.data ? d->moves.data : "", d->moves.size);
    s_put(out, "]}", 3); /* with the NUL */
}

int club_settle_passes(const uint64_t *users, int n, int *out)
{
    club_u64map_t seen; /* user -> settles of it so far, as a pointer-sized count */
    club_u64map_init(&seen);
    int npass = 0;
    for (int i = 0; i < n; i++) {
        uintptr_t k = (uintptr_t)club_u64map_get(&seen, users[i]);
        club_u64map_put(&seen, users[i], (void *)(k + 1));
        out[i] = (int)k;
        if ((int)k + 1 > npass) npass = (int)k + 1;
    }
    club_u64map_free(&seen);
    return npass;
}
