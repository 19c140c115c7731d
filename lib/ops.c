#include "ops.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

#include "ops_table.inc"

const club_op_t *club_op_find(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof s_ops / sizeof s_ops[0]; i++)
        if (strlen(s_ops[i].name) == len && !memcmp(s_ops[i].name, name, len)) return &s_ops[i];
    return NULL;
}

const club_op_t *club_op_all(size_t *n)
{
    *n = sizeof s_ops / sizeof s_ops[0];
    return s_ops;
}

size_t club_op_index(const club_op_t *op)
{
    return (size_t)(op - s_ops);
}

const char *const *club_op_schema_errors(size_t *n)
{
    *n = sizeof s_schema_errors / sizeof s_schema_errors[0];
    return s_schema_errors;
}

uint64_t club_op_shard_key(const club_op_t *op, const msgpack_object *args, uint64_t user)
{
    if (op->flags & CLUB_OP_SHARD_NONE) return 0;
    if (!(op->flags & CLUB_OP_SHARD_ARG)) return user;
    const msgpack_object *v = club_mp_get(args, op->shard_arg);
    int64_t i;
    if (v && club_mp_i64(v, &i)) return (uint64_t)i;
    uint64_t h = 1469598103934665603ULL;
    if (v && v->type == MSGPACK_OBJECT_STR)
        for (uint32_t k = 0; k < v->via.str.size; k++)
            h = (h ^ (uint8_t)v->via.str.ptr[k]) * 1099511628211ULL;
    return h;
}

/* ---- argument checks ---- */

static const char *const s_type_names[] = {"any value",     "an integer", "a string",
                                           "true or false", "a list",     "a map"};

static bool s_charset_ok(int cs, const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        bool ok = cs == CLUB_CS_WORD   ? alnum || c == '_'
                  : cs == CLUB_CS_HEX  ? (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')
                  : cs == CLUB_CS_SEED ? alnum || c == '_' || c == '.' || c == '-'
                                       : true;
        if (!ok) return false;
    }
    return true;
}

static const char *s_charset_words(int cs)
{
    return cs == CLUB_CS_WORD  ? "letters, digits and _"
           : cs == CLUB_CS_HEX ? "lowercase hex digits"
                               : "letters, digits, _ . and -";
}

/* What the bounds say, as "from 1 to 100", "at least 1" or "at most 64". */
static void s_bounds(const club_arg_t *a, char *out, size_t cap)
{
    bool lo = a->flags & CLUB_A_HAS_MIN, hi = a->flags & CLUB_A_HAS_MAX;
    if (lo && hi)
        snprintf(out, cap, "from %" PRId64 " to %" PRId64, a->min, a->max);
    else if (lo)
        snprintf(out, cap, "at least %" PRId64, a->min);
    else
        snprintf(out, cap, "at most %" PRId64, a->max);
}

static bool s_out_of(const club_arg_t *a, int64_t v)
{
    return ((a->flags & CLUB_A_HAS_MIN) && v < a->min) ||
           ((a->flags & CLUB_A_HAS_MAX) && v > a->max);
}

typedef struct {
    char *why;
    size_t cap;
} ctx_t;

static club_err_t s_fail(ctx_t *c, club_err_t code, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static club_err_t s_fail(ctx_t *c, club_err_t code, const char *path, const char *fmt, ...)
{
    int n = snprintf(c->why, c->cap, "%s ", path);
    if (n < 0 || (size_t)n >= c->cap) return code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->why + n, c->cap - (size_t)n, fmt, ap);
    va_end(ap);
    return code;
}

static club_err_t s_check_fields(ctx_t *c, const char *path, const club_arg_t *fields, uint32_t n,
                                 const msgpack_object *map);

static club_err_t s_check(ctx_t *c, const char *path, const club_arg_t *a, const msgpack_object *o)
{
    char b[64];
    switch (a->type) {
    case CLUB_T_ANY:
        return CLUB_OK;
    case CLUB_T_INT: {
        int64_t v;
        if (!club_mp_i64(o, &v)) return s_fail(c, CLUB_E_BAD_REQUEST, path, "must be an integer");
        if (s_out_of(a, v)) {
            s_bounds(a, b, sizeof b);
            return s_fail(c, a->code, path, "must be %s", b);
        }
        return CLUB_OK;
    }
    case CLUB_T_BOOL:
        if (o->type != MSGPACK_OBJECT_BOOLEAN)
            return s_fail(c, CLUB_E_BAD_REQUEST, path, "must be true or false");
        return CLUB_OK;
    case CLUB_T_STRING: {
        if (o->type != MSGPACK_OBJECT_STR)
            return s_fail(c, CLUB_E_BAD_REQUEST, path, "must be a string");
        const char *p = o->via.str.ptr;
        size_t n = o->via.str.size;
        if (!club_text_ok(p, n))
            return s_fail(c, CLUB_E_BAD_REQUEST, path, "must be UTF-8 text without NUL");
        if (a->nenums) {
            for (uint32_t i = 0; i < a->nenums; i++)
                if (strlen(a->enums[i]) == n && !memcmp(a->enums[i], p, n)) return CLUB_OK;
            char list[256];
            size_t used = 0;
            for (uint32_t i = 0; i < a->nenums && used < sizeof list; i++) {
                const char *sep = i == 0 ? "" : i + 1 == a->nenums ? " or " : ", ";
                int w = snprintf(list + used, sizeof list - used, "%s%s", sep, a->enums[i]);
                if (w < 0) break;
                used += (size_t)w;
            }
            return s_fail(c, CLUB_E_BAD_REQUEST, path, "must be %s", list);
        }
        if (s_out_of(a, (int64_t)n)) {
            s_bounds(a, b, sizeof b);
            return s_fail(c, a->code, path, "must be %s characters long", b);
        }
        if (a->charset && !s_charset_ok(a->charset, p, n))
            return s_fail(c, CLUB_E_BAD_REQUEST, path, "may hold only %s",
                          s_charset_words(a->charset));
        return CLUB_OK;
    }
    case CLUB_T_ARRAY: {
        if (o->type != MSGPACK_OBJECT_ARRAY)
            return s_fail(c, CLUB_E_BAD_REQUEST, path, "must be a list");
        uint32_t n = o->via.array.size;
        if (s_out_of(a, (int64_t)n)) {
            s_bounds(a, b, sizeof b);
            return s_fail(c, n == 0 ? CLUB_E_BAD_REQUEST : a->code, path, "must hold %s items", b);
        }
        if (!a->items) return CLUB_OK;
        for (uint32_t i = 0; i < n; i++) {
            char sub[128];
            snprintf(sub, sizeof sub, "%s[%u]", path, i + 1);
            club_err_t e = s_check(c, sub, a->items, &o->via.array.ptr[i]);
            if (e) return e;
        }
        return CLUB_OK;
    }
    case CLUB_T_MAP:
        if (o->type != MSGPACK_OBJECT_MAP)
            return s_fail(c, CLUB_E_BAD_REQUEST, path, "must be a map");
        return s_check_fields(c, path, a->fields, a->nfields, o);
    }
    return s_fail(c, CLUB_E_INTERNAL, path, "has a schema of an unknown type");
}

static club_err_t s_check_fields(ctx_t *c, const char *path, const club_arg_t *fields, uint32_t n,
                                 const msgpack_object *map)
{
    for (uint32_t i = 0; i < n; i++) {
        const club_arg_t *a = &fields[i];
        char sub[128];
        if (path[0])
            snprintf(sub, sizeof sub, "%s.%s", path, a->name);
        else
            snprintf(sub, sizeof sub, "%s", a->name);
        const msgpack_object *o = club_mp_get(map, a->name);
        if (!o || o->type == MSGPACK_OBJECT_NIL) {
            if (a->flags & CLUB_A_REQUIRED)
                return s_fail(c, CLUB_E_BAD_REQUEST, sub, "is required: %s", s_type_names[a->type]);
            continue;
        }
        club_err_t e = s_check(c, sub, a, o);
        if (e) return e;
    }
    return CLUB_OK;
}

club_err_t club_args_check(const club_op_t *op, const msgpack_object *args, char *why, size_t cap)
{
    ctx_t c = {why, cap};
    if (cap) why[0] = 0;
    if (args && args->type != MSGPACK_OBJECT_MAP) {
        snprintf(why, cap, "args must be a map");
        return CLUB_E_BAD_REQUEST;
    }
    return s_check_fields(&c, "", op->args, op->nargs, args);
}
