/* club_client: see club_client.h. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* vasprintf */
#endif
#include "club_client.h"

#include "client/mpr.h"
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

/* ------------------------------------------------------------------ errors, time */

static _Thread_local char s_error[512];

static void s_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void s_err(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s_error, sizeof s_error, fmt, ap);
    va_end(ap);
}

const char *cc_last_error(void)
{
    return s_error;
}

/* The test clock is the server library's clock, so both read time the same way. */
int64_t cc_now_ms(void)
{
    return club_now_ms();
}

int64_t cc_mono_ms(void)
{
    return club_mono_ms();
}

int64_t cc_mono_us(void)
{
    return club_mono_ns() / 1000;
}

void cc_sleep_ms(int ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {
    }
}

/* ------------------------------------------------------------------ environment */

static cc_env_t s_env;
static bool s_env_loaded;

int cc_env_check(void)
{
    static const char *names[] = {"CLUB_TEST_HOST", "CLUB_TEST_HTTP_PORT", "CLUB_TEST_PG",
                                  "CLUB_TEST_RUN",  "CLUB_TEST_VAR",       "CLUB_TEST_CLUB"};
    int missing = 0;
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        const char *v = getenv(names[i]);
        if (!v || !*v) {
            fprintf(stderr, "FAIL: environment variable %s is not set.\n", names[i]);
            missing++;
        }
    }
    if (missing) {
        fprintf(stderr, "FAIL: integration tests talk to a running test stack; run them with "
                        "`./club test`, which starts the stack and sets CLUB_TEST_*.\n");
        return -1;
    }
    int port = atoi(getenv("CLUB_TEST_HTTP_PORT"));
    if (port <= 0 || port > 65535) {
        fprintf(stderr, "FAIL: CLUB_TEST_HTTP_PORT='%s' is not a port number.\n",
                getenv("CLUB_TEST_HTTP_PORT"));
        return -1;
    }
    s_env.host = getenv("CLUB_TEST_HOST");
    s_env.http_port = port;
    s_env.pg = getenv("CLUB_TEST_PG");
    s_env.run = getenv("CLUB_TEST_RUN");
    s_env.var = getenv("CLUB_TEST_VAR");
    s_env.club = getenv("CLUB_TEST_CLUB");
    s_env_loaded = true;
    return 0;
}

const cc_env_t *cc_env(void)
{
    if (!s_env_loaded && cc_env_check() != 0) abort();
    return &s_env;
}

/* ------------------------------------------------------------------ JSON-like -> msgpack */

typedef struct {
    const char *p;
    const char *start;
    msgpack_packer *pk; /* NULL while only counting */
    int depth;
} s_js_t;

static int s_js_fail(s_js_t *js, const char *what)
{
    s_err("args text: %s at offset %ld near '%.20s'", what, (long)(js->p - js->start), js->p);
    return -1;
}

static void s_js_ws(s_js_t *js)
{
    while (*js->p == ' ' || *js->p == '\t' || *js->p == '\n' || *js->p == '\r')
        js->p++;
}

static int s_hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static void s_utf8(char *out, size_t *n, uint32_t cp)
{
    if (cp < 0x80) {
        out[(*n)++] = (char)cp;
    } else if (cp < 0x800) {
        out[(*n)++] = (char)(0xc0 | (cp >> 6));
        out[(*n)++] = (char)(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
        out[(*n)++] = (char)(0xe0 | (cp >> 12));
        out[(*n)++] = (char)(0x80 | ((cp >> 6) & 0x3f));
        out[(*n)++] = (char)(0x80 | (cp & 0x3f));
    } else {
        out[(*n)++] = (char)(0xf0 | (cp >> 18));
        out[(*n)++] = (char)(0x80 | ((cp >> 12) & 0x3f));
        out[(*n)++] = (char)(0x80 | ((cp >> 6) & 0x3f));
        out[(*n)++] = (char)(0x80 | (cp & 0x3f));
    }
}

/* A quoted string; packs it when js->pk. */
static int s_js_string(s_js_t *js)
{
    char q = *js->p++;
    size_t cap = strlen(js->p) + 1, n = 0;
    char *buf = malloc(cap);
    if (!buf) abort();
    for (;;) {
        char c = *js->p;
        if (c == '\0') {
            free(buf);
            return s_js_fail(js, "unterminated string");
        }
        js->p++;
        if (c == q) break;
        if (c != '\\') {
            buf[n++] = c;
            continue;
        }
        char e = *js->p++;
        switch (e) {
        case '"':
        case '\'':
        case '\\':
        case '/':
            buf[n++] = e;
            break;
        case 'n':
            buf[n++] = '\n';
            break;
        case 't':
            buf[n++] = '\t';
            break;
        case 'r':
            buf[n++] = '\r';
            break;
        case 'b':
            buf[n++] = '\b';
            break;
        case 'f':
            buf[n++] = '\f';
            break;
        case 'x': {
            int h = s_hexval(js->p[0]), l = h < 0 ? -1 : s_hexval(js->p[1]);
            if (l < 0) {
                free(buf);
                return s_js_fail(js, "bad \\x escape");
            }
            buf[n++] = (char)(h * 16 + l);
            js->p += 2;
            break;
        }
        case 'u': {
            uint32_t cp = 0;
            for (int i = 0; i < 4; i++) {
                int h = s_hexval(js->p[i]);
                if (h < 0) {
                    free(buf);
                    return s_js_fail(js, "bad \\u escape");
                }
                cp = cp * 16 + (uint32_t)h;
            }
            js->p += 4;
            s_utf8(buf, &n, cp);
            break;
        }
        default:
            free(buf);
            return s_js_fail(js, "unknown escape");
        }
    }
    if (js->pk) {
        msgpack_pack_str(js->pk, n);
        msgpack_pack_str_body(js->pk, buf, n);
    }
    free(buf);
    return 0;
}

static int s_js_value(s_js_t *js);

/* The elements of a container up to its closing bracket; packs them when js->pk. */
static int s_js_items(s_js_t *js, char close, bool is_map, uint32_t *count)
{
    *count = 0;
    for (;;) {
        s_js_ws(js);
        if (*js->p == close) {
            js->p++;
            return 0;
        }
        if (is_map) {
            if (*js->p == '"' || *js->p == '\'') {
                if (s_js_string(js) < 0) return -1;
            } else if (isalpha((unsigned char)*js->p) || *js->p == '_') {
                const char *k = js->p;
                while (isalnum((unsigned char)*js->p) || *js->p == '_')
                    js->p++;
                if (js->pk) {
                    msgpack_pack_str(js->pk, (size_t)(js->p - k));
                    msgpack_pack_str_body(js->pk, k, (size_t)(js->p - k));
                }
            } else {
                return s_js_fail(js, "expected a key");
            }
            s_js_ws(js);
            if (*js->p != ':') return s_js_fail(js, "expected ':'");
            js->p++;
        }
        if (s_js_value(js) < 0) return -1;
        (*count)++;
        s_js_ws(js);
        if (*js->p == ',') {
            js->p++;
            continue;
        }
        if (*js->p != close) return s_js_fail(js, "expected ',' or the end of a container");
    }
}

/* A container. msgpack wants the element count first, so when packing, the elements are
 * counted in a dry run and then parsed again. */
static int s_js_container(s_js_t *js)
{
    bool is_map = *js->p == '{';
    char close = is_map ? '}' : ']';
    if (++js->depth > 64) return s_js_fail(js, "nesting too deep");
    const char *body = ++js->p;
    uint32_t count;
    msgpack_packer *pk = js->pk;
    if (pk) {
        js->pk = NULL;
        int r = s_js_items(js, close, is_map, &count);
        js->pk = pk;
        if (r < 0) return -1;
        if (is_map)
            msgpack_pack_map(pk, count);
        else
            msgpack_pack_array(pk, count);
        js->p = body;
    }
    if (s_js_items(js, close, is_map, &count) < 0) return -1;
    js->depth--;
    return 0;
}

static int s_js_value(s_js_t *js)
{
    s_js_ws(js);
    char c = *js->p;
    if (c == '{' || c == '[') return s_js_container(js);
    if (c == '"' || c == '\'') return s_js_string(js);
    if (c == '-' || isdigit((unsigned char)c)) {
        const char *s = js->p;
        char *end;
        bool is_float = false;
        const char *q = s + (c == '-');
        while (isdigit((unsigned char)*q))
            q++;
        if (*q == '.' || *q == 'e' || *q == 'E') is_float = true;
        if (is_float) {
            double d = strtod(s, &end);
            if (end == s) return s_js_fail(js, "bad number");
            if (js->pk) msgpack_pack_double(js->pk, d);
        } else if (c == '-') {
            errno = 0;
            long long v = strtoll(s, &end, 10);
            if (end == s || errno) return s_js_fail(js, "bad integer");
            if (js->pk) msgpack_pack_int64(js->pk, v);
        } else {
            errno = 0;
            unsigned long long v = strtoull(s, &end, 10);
            if (end == s || errno) return s_js_fail(js, "bad integer");
            if (js->pk) msgpack_pack_uint64(js->pk, v);
        }
        js->p = end;
        return 0;
    }
    if (!strncmp(js->p, "true", 4)) {
        js->p += 4;
        if (js->pk) msgpack_pack_true(js->pk);
        return 0;
    }
    if (!strncmp(js->p, "false", 5)) {
        js->p += 5;
        if (js->pk) msgpack_pack_false(js->pk);
        return 0;
    }
    if (!strncmp(js->p, "null", 4)) {
        js->p += 4;
        if (js->pk) msgpack_pack_nil(js->pk);
        return 0;
    }
    return s_js_fail(js, "unexpected character");
}

int cc_pack_json(msgpack_packer *pk, const char *text)
{
    s_js_t js = {.p = text, .start = text, .pk = pk};
    if (s_js_value(&js) < 0) return -1;
    s_js_ws(&js);
    if (*js.p) return s_js_fail(&js, "trailing text");
    return 0;
}

/* ------------------------------------------------------------------ messages */

struct cc_msg {
    struct cc_msg *next;
    uint8_t *raw;
    size_t len;
    msgpack_unpacked up;
    bool decoded; /* raw is one msgpack map */
    bool has_rid;
    uint32_t rid;
    char *ev;                  /* zone copy, or NULL */
    size_t data_off, data_len; /* data_len 0 = no data */
};

/* Takes a copy of the frame and decodes it. */
static cc_msg_t *s_msg_new(const uint8_t *buf, size_t len)
{
    cc_msg_t *m = calloc(1, sizeof *m);
    if (!m) abort();
    m->raw = malloc(len + 1);
    if (!m->raw) abort();
    memcpy(m->raw, buf, len);
    m->raw[len] = 0;
    m->len = len;
    msgpack_unpacked_init(&m->up);
    size_t off = 0;
    if (msgpack_unpack_next(&m->up, (const char *)m->raw, len, &off) != MSGPACK_UNPACK_SUCCESS ||
        off != len || m->up.data.type != MSGPACK_OBJECT_MAP)
        return m;
    m->decoded = true;
    const msgpack_object *rid = cc_obj_get(&m->up.data, "rid");
    int64_t v;
    if (rid && cc_obj_int(rid, &v) && v >= 0 && v <= UINT32_MAX) {
        m->has_rid = true;
        m->rid = (uint32_t)v;
    }
    const msgpack_object *ev = cc_obj_get(&m->up.data, "ev");
    if (ev && ev->type == MSGPACK_OBJECT_STR) {
        m->ev = msgpack_zone_malloc(m->up.zone, ev->via.str.size + 1);
        memcpy(m->ev, ev->via.str.ptr, ev->via.str.size);
        m->ev[ev->via.str.size] = 0;
    }
    /* The raw bytes of the top-level "data" value, found with the same reader the bench uses
     * (the tree above is msgpack-c's and knows no byte offsets). */
    club_mpr_t r;
    club_mpr_init(&r, m->raw, len);
    if (club_mpr_find(&r, "data") == 0) {
        const uint8_t *start = r.p;
        if (club_mpr_skip(&r) == 0) {
            m->data_off = (size_t)(start - m->raw);
            m->data_len = (size_t)(r.p - start);
        }
    }
    return m;
}

static void s_msg_free(cc_msg_t *m)
{
    msgpack_unpacked_destroy(&m->up);
    free(m->raw);
    free(m);
}

bool cc_is_reply(const cc_msg_t *m)
{
    return m && m->has_rid;
}

uint32_t cc_rid(const cc_msg_t *m)
{
    return m ? m->rid : 0;
}

const msgpack_object *cc_root(const cc_msg_t *m)
{
    return m && m->decoded ? &m->up.data : NULL;
}

bool cc_ok(const cc_msg_t *m)
{
    const msgpack_object *ok = cc_obj_get(cc_root(m), "ok");
    return m && m->has_rid && ok && ok->type == MSGPACK_OBJECT_BOOLEAN && ok->via.boolean;
}

static const char *s_zone_str(const cc_msg_t *m, const msgpack_object *o)
{
    if (!o || o->type != MSGPACK_OBJECT_STR) return NULL;
    char *s = msgpack_zone_malloc(m->up.zone, o->via.str.size + 1);
    memcpy(s, o->via.str.ptr, o->via.str.size);
    s[o->via.str.size] = 0;
    return s;
}

const char *cc_err(const cc_msg_t *m)
{
    if (!m) return "(no reply)";
    if (!m->decoded) return "(not a msgpack map)";
    if (cc_ok(m)) return "";
    const char *s = s_zone_str(m, cc_obj_get(&m->up.data, "error.code"));
    return s ? s : "(no error.code)";
}

const char *cc_errmsg(const cc_msg_t *m)
{
    if (!m || !m->decoded) return NULL;
    return s_zone_str(m, cc_obj_get(&m->up.data, "error.message"));
}

const char *cc_ev(const cc_msg_t *m)
{
    return m ? m->ev : NULL;
}

const msgpack_object *cc_data(const cc_msg_t *m)
{
    return cc_obj_get(cc_root(m), "data");
}

const uint8_t *cc_data_raw(const cc_msg_t *m, size_t *len)
{
    if (!m || !m->data_len) {
        if (len) *len = 0;
        return NULL;
    }
    if (len) *len = m->data_len;
    return m->raw + m->data_off;
}

const uint8_t *cc_raw(const cc_msg_t *m, size_t *len)
{
    if (len) *len = m ? m->len : 0;
    return m ? m->raw : NULL;
}

/* Path: segments "key" separated by '.', each optionally followed by "[n]" indexes. */
const msgpack_object *cc_obj_get(const msgpack_object *o, const char *path)
{
    const char *p = path;
    while (o && p && *p) {
        if (*p == '.') {
            p++;
            continue;
        }
        if (*p == '[') {
            char *end;
            long idx = strtol(p + 1, &end, 10);
            if (*end != ']' || o->type != MSGPACK_OBJECT_ARRAY || idx < 0 ||
                (uint32_t)idx >= o->via.array.size)
                return NULL;
            o = &o->via.array.ptr[idx];
            p = end + 1;
            continue;
        }
        size_t n = strcspn(p, ".[");
        if (o->type != MSGPACK_OBJECT_MAP) return NULL;
        const msgpack_object *found = NULL;
        for (uint32_t i = 0; i < o->via.map.size; i++) {
            const msgpack_object *k = &o->via.map.ptr[i].key;
            if (k->type == MSGPACK_OBJECT_STR && k->via.str.size == n &&
                !memcmp(k->via.str.ptr, p, n)) {
                found = &o->via.map.ptr[i].val;
                break;
            }
        }
        o = found;
        p += n;
    }
    return o;
}

bool cc_obj_int(const msgpack_object *o, int64_t *v)
{
    if (!o) return false;
    if (o->type == MSGPACK_OBJECT_POSITIVE_INTEGER) {
        if (o->via.u64 > INT64_MAX) return false;
        *v = (int64_t)o->via.u64;
        return true;
    }
    if (o->type == MSGPACK_OBJECT_NEGATIVE_INTEGER) {
        *v = o->via.i64;
        return true;
    }
    return false;
}

bool cc_obj_str(const msgpack_object *o, char *buf, size_t cap)
{
    if (!o || o->type != MSGPACK_OBJECT_STR || o->via.str.size >= cap) return false;
    memcpy(buf, o->via.str.ptr, o->via.str.size);
    buf[o->via.str.size] = 0;
    return true;
}

const msgpack_object *cc_get(const cc_msg_t *m, const char *path)
{
    return cc_obj_get(cc_data(m), path);
}

bool cc_has(const cc_msg_t *m, const char *path)
{
    return cc_get(m, path) != NULL;
}

int64_t cc_int(const cc_msg_t *m, const char *path)
{
    int64_t v;
    return cc_obj_int(cc_get(m, path), &v) ? v : CC_NO_INT;
}

bool cc_is_int(const cc_msg_t *m, const char *path)
{
    int64_t v;
    return cc_obj_int(cc_get(m, path), &v);
}

const char *cc_str(const cc_msg_t *m, const char *path)
{
    return m ? s_zone_str(m, cc_get(m, path)) : NULL;
}

bool cc_bool(const cc_msg_t *m, const char *path)
{
    const msgpack_object *o = cc_get(m, path);
    return o && o->type == MSGPACK_OBJECT_BOOLEAN && o->via.boolean;
}

bool cc_is_bool(const cc_msg_t *m, const char *path)
{
    const msgpack_object *o = cc_get(m, path);
    return o && o->type == MSGPACK_OBJECT_BOOLEAN;
}

double cc_num(const cc_msg_t *m, const char *path)
{
    const msgpack_object *o = cc_get(m, path);
    int64_t v;
    if (!o) return NAN;
    if (o->type == MSGPACK_OBJECT_FLOAT32 || o->type == MSGPACK_OBJECT_FLOAT64) return o->via.f64;
    if (cc_obj_int(o, &v)) return (double)v;
    return NAN;
}

bool cc_is_float(const cc_msg_t *m, const char *path)
{
    const msgpack_object *o = cc_get(m, path);
    return o && (o->type == MSGPACK_OBJECT_FLOAT32 || o->type == MSGPACK_OBJECT_FLOAT64);
}

int cc_len(const cc_msg_t *m, const char *path)
{
    const msgpack_object *o = cc_get(m, path);
    if (!o) return -1;
    if (o->type == MSGPACK_OBJECT_ARRAY) return (int)o->via.array.size;
    if (o->type == MSGPACK_OBJECT_MAP) return (int)o->via.map.size;
    return -1;
}

bool cc_is_array(const cc_msg_t *m, const char *path)
{
    const msgpack_object *o = cc_get(m, path);
    return o && o->type == MSGPACK_OBJECT_ARRAY;
}

bool cc_is_map(const cc_msg_t *m, const char *path)
{
    const msgpack_object *o = cc_get(m, path);
    return o && o->type == MSGPACK_OBJECT_MAP;
}

bool cc_obj_equal_json(const msgpack_object *o, const char *json)
{
    if (!o) return false;
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    bool eq = false;
    if (cc_pack_json(&pk, json) == 0) {
        msgpack_unpacked up;
        msgpack_unpacked_init(&up);
        size_t off = 0;
        if (msgpack_unpack_next(&up, sb.data, sb.size, &off) == MSGPACK_UNPACK_SUCCESS)
            eq = msgpack_object_equal(*o, up.data);
        msgpack_unpacked_destroy(&up);
    }
    msgpack_sbuffer_destroy(&sb);
    return eq;
}

const char *cc_describe(const cc_msg_t *m)
{
    static _Thread_local char ring[4][2048];
    static _Thread_local int next;
    char *b = ring[next++ & 3];
    if (!m) {
        snprintf(b, 2048, "(no message: %s)", s_error);
    } else if (!m->decoded) {
        int n = snprintf(b, 2048, "(%zu bytes, not a msgpack map:", m->len);
        for (size_t i = 0; i < m->len && i < 32 && n < 2000; i++)
            n += snprintf(b + n, (size_t)(2048 - n), " %02x", m->raw[i]);
        snprintf(b + n, (size_t)(2048 - n), ")");
    } else {
        int n = msgpack_object_print_buffer(b, 2048, m->up.data);
        if (n >= 2047) memcpy(b + 2040, "...", 4);
    }
    return b;
}

/* ------------------------------------------------------------------ connections */

struct cc {
    wsc_t *ws;
    uint32_t next_rid;
    msgpack_sbuffer sb;
    cc_msg_t *inbox, *inbox_tail; /* received, not yet returned */
    cc_msg_t *kept;               /* returned to the caller, freed at destroy */
    int bad_frames;
};

cc_t *cc_connect_to(const char *host, int port, const char *path, const char *subprotocol)
{
    wsc_t *ws = wsc_connect(host, port, path, subprotocol, CC_TIMEOUT_MS);
    if (!ws) {
        s_err("cannot connect to ws://%s:%d%s: %s", host, port, path, wsc_last_error());
        fprintf(stderr, "cc: %s\n", s_error);
        return NULL;
    }
    cc_t *c = calloc(1, sizeof *c);
    if (!c) abort();
    c->ws = ws;
    c->next_rid = 1;
    msgpack_sbuffer_init(&c->sb);
    return c;
}

cc_t *cc_connect(void)
{
    const cc_env_t *e = cc_env();
    return cc_connect_to(e->host, e->http_port, "/ws", "club.v1");
}

static void s_free_list(cc_msg_t *m)
{
    while (m) {
        cc_msg_t *n = m->next;
        s_msg_free(m);
        m = n;
    }
}

void cc_release(cc_t *self)
{
    s_free_list(self->kept);
    self->kept = NULL;
}

void cc_destroy(cc_t **self_p)
{
    if (!self_p || !*self_p) return;
    cc_t *c = *self_p;
    wsc_destroy(&c->ws);
    s_free_list(c->inbox);
    s_free_list(c->kept);
    msgpack_sbuffer_destroy(&c->sb);
    free(c);
    *self_p = NULL;
}

wsc_t *cc_ws(cc_t *self)
{
    return self->ws;
}

int cc_bad_frames(const cc_t *self)
{
    return self->bad_frames;
}

bool cc_closed(const cc_t *self)
{
    return wsc_is_closed(self->ws);
}

int cc_close_code(const cc_t *self)
{
    return wsc_close_code(self->ws);
}

int cc_send_raw(cc_t *self, const void *buf, size_t len)
{
    if (wsc_send_binary(self->ws, buf, len) < 0) {
        s_err("send failed: %s", wsc_last_error());
        return -1;
    }
    return 0;
}

uint32_t cc_vsend(cc_t *self, const char *op, const char *idem, const char *args_fmt, va_list ap)
{
    char *args = NULL;
    if (args_fmt && vasprintf(&args, args_fmt, ap) < 0) abort();
    uint32_t rid = self->next_rid++;
    if (self->next_rid == 0) self->next_rid = 1;
    msgpack_sbuffer_clear(&self->sb);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &self->sb, msgpack_sbuffer_write);
    msgpack_pack_map(&pk, 2 + (args ? 1 : 0) + (idem ? 1 : 0));
    msgpack_pack_str_with_body(&pk, "rid", 3);
    msgpack_pack_uint32(&pk, rid);
    msgpack_pack_str_with_body(&pk, "op", 2);
    msgpack_pack_str_with_body(&pk, op, strlen(op));
    if (idem) {
        msgpack_pack_str_with_body(&pk, "idem", 4);
        msgpack_pack_str_with_body(&pk, idem, strlen(idem));
    }
    if (args) {
        msgpack_pack_str_with_body(&pk, "args", 4);
        int r = cc_pack_json(&pk, args);
        free(args);
        if (r < 0) {
            fprintf(stderr, "cc: %s\n", s_error);
            return 0;
        }
    }
    if (cc_send_raw(self, self->sb.data, self->sb.size) < 0) return 0;
    return rid;
}

uint32_t cc_send(cc_t *self, const char *op, const char *idem, const char *args_fmt, ...)
{
    va_list ap;
    va_start(ap, args_fmt);
    uint32_t rid = cc_vsend(self, op, idem, args_fmt, ap);
    va_end(ap);
    return rid;
}

cc_msg_t *cc_call(cc_t *self, const char *op, const char *idem, const char *args_fmt, ...)
{
    va_list ap;
    va_start(ap, args_fmt);
    uint32_t rid = cc_vsend(self, op, idem, args_fmt, ap);
    va_end(ap);
    return rid ? cc_wait_reply(self, rid, CC_TIMEOUT_MS) : NULL;
}

cc_msg_t *cc_call_t(cc_t *self, int timeout_ms, const char *op, const char *idem,
                    const char *args_fmt, ...)
{
    va_list ap;
    va_start(ap, args_fmt);
    uint32_t rid = cc_vsend(self, op, idem, args_fmt, ap);
    va_end(ap);
    return rid ? cc_wait_reply(self, rid, timeout_ms) : NULL;
}

cc_msg_t *cc_call_retry(cc_t *self, const char *op, const char *idem, const char *args_fmt, ...)
{
    int64_t deadline = cc_mono_ms() + 10000;
    int backoff = 20;
    for (;;) {
        va_list ap;
        va_start(ap, args_fmt);
        uint32_t rid = cc_vsend(self, op, idem, args_fmt, ap);
        va_end(ap);
        cc_msg_t *m = rid ? cc_wait_reply(self, rid, CC_TIMEOUT_MS) : NULL;
        if (!m || strcmp(cc_err(m), "RATE_LIMITED") != 0 || cc_mono_ms() > deadline) return m;
        cc_sleep_ms(backoff);
        if (backoff < 500) backoff *= 2;
    }
}

int cc_send_json(cc_t *self, const char *fmt, ...)
{
    char *text = NULL;
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(&text, fmt, ap) < 0) abort();
    va_end(ap);
    msgpack_sbuffer_clear(&self->sb);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &self->sb, msgpack_sbuffer_write);
    int r = cc_pack_json(&pk, text);
    free(text);
    if (r < 0) {
        fprintf(stderr, "cc: %s\n", s_error);
        return -1;
    }
    return cc_send_raw(self, self->sb.data, self->sb.size);
}

/* Reads one frame into the inbox. 1 read, 0 timeout, -1 closed. */
static int s_pump(cc_t *self, int timeout_ms)
{
    uint8_t *buf;
    size_t len;
    int op;
    if (wsc_recv(self->ws, timeout_ms, &buf, &len, &op) < 0) {
        if (wsc_is_closed(self->ws)) {
            s_err("connection closed (code %d): %s", wsc_close_code(self->ws), wsc_last_error());
            return -1;
        }
        s_err("timed out after %d ms", timeout_ms);
        return 0;
    }
    cc_msg_t *m = s_msg_new(buf, len);
    if (op != WSC_OP_BINARY || !m->decoded) self->bad_frames++;
    if (self->inbox_tail)
        self->inbox_tail->next = m;
    else
        self->inbox = m;
    self->inbox_tail = m;
    return 1;
}

typedef bool (*s_match_fn)(const cc_msg_t *m, const void *arg);

static cc_msg_t *s_take(cc_t *self, s_match_fn match, const void *arg)
{
    cc_msg_t *prev = NULL;
    for (cc_msg_t *m = self->inbox; m; prev = m, m = m->next) {
        if (!match(m, arg)) continue;
        if (prev)
            prev->next = m->next;
        else
            self->inbox = m->next;
        if (self->inbox_tail == m) self->inbox_tail = prev;
        m->next = self->kept;
        self->kept = m;
        return m;
    }
    return NULL;
}

static cc_msg_t *s_wait(cc_t *self, s_match_fn match, const void *arg, int timeout_ms)
{
    int64_t deadline = cc_mono_ms() + timeout_ms;
    for (;;) {
        cc_msg_t *m = s_take(self, match, arg);
        if (m) return m;
        int64_t left = deadline - cc_mono_ms();
        if (left < 0) left = 0;
        int r = s_pump(self, (int)left);
        if (r < 0) return NULL;
        if (r == 0) return NULL;
    }
}

static bool s_match_rid(const cc_msg_t *m, const void *arg)
{
    return m->has_rid && m->rid == *(const uint32_t *)arg;
}

static bool s_match_ev(const cc_msg_t *m, const void *arg)
{
    return m->ev && !m->has_rid && (!arg || !strcmp(m->ev, arg));
}

static bool s_match_any(const cc_msg_t *m, const void *arg)
{
    return true;
}

cc_msg_t *cc_wait_reply(cc_t *self, uint32_t rid, int timeout_ms)
{
    cc_msg_t *m = s_wait(self, s_match_rid, &rid, timeout_ms);
    if (!m) {
        char why[sizeof s_error];
        memcpy(why, s_error, sizeof why);
        s_err("no reply to rid %u: %.400s", rid, why);
    }
    return m;
}

cc_msg_t *cc_wait_push(cc_t *self, const char *ev, int timeout_ms)
{
    cc_msg_t *m = s_wait(self, s_match_ev, ev, timeout_ms);
    if (!m) {
        char why[sizeof s_error];
        memcpy(why, s_error, sizeof why);
        s_err("no push '%.64s': %.400s", ev ? ev : "(any)", why);
    }
    return m;
}

cc_msg_t *cc_next(cc_t *self, int timeout_ms)
{
    return s_wait(self, s_match_any, NULL, timeout_ms);
}

/* ------------------------------------------------------------------ accounts */

void cc_unique_name(char *out, size_t cap)
{
    static atomic_uint counter;
    static unsigned salt;
    static atomic_bool salted;
    if (!atomic_exchange(&salted, true)) {
        uint16_t r = 0;
        RAND_bytes((unsigned char *)&r, sizeof r);
        salt = r;
    }
    unsigned n = atomic_fetch_add(&counter, 1);
    /* t + pid (<= 7 digits) + _ + 4 hex + _ + counter: at most 20 chars for n < 10^6. */
    snprintf(out, cap, "t%d_%04x_%u", (int)getpid() % 10000000, salt, n);
}

int cc_new_invite(const char *rank, int uses, char *out, size_t cap)
{
    const cc_env_t *e = cc_env();
    char cmd[2048];
    /* Values come from the harness; quote them for sh anyway. */
    snprintf(cmd, sizeof cmd, "CLUB_VAR='%s' '%s' invite --rank '%s' --uses %d", e->var, e->club,
             rank, uses);
    FILE *f = popen(cmd, "r");
    if (!f) {
        s_err("popen(%s): %s", cmd, strerror(errno));
        return -1;
    }
    char line[1024], last[1024] = "";
    while (fgets(line, sizeof line, f)) {
        size_t n = strlen(line);
        while (n && isspace((unsigned char)line[n - 1]))
            line[--n] = 0;
        if (n) snprintf(last, sizeof last, "%s", line);
    }
    int st = pclose(f);
    if (st != 0 || !last[0]) {
        s_err("`%s` failed (status %d, last line '%s')", cmd, st, last);
        fprintf(stderr, "cc: %s\n", s_error);
        return -1;
    }
    const char *word = strrchr(last, ' ');
    word = word ? word + 1 : last;
    if (strlen(word) >= cap) {
        s_err("invite code too long: %s", word);
        return -1;
    }
    snprintf(out, cap, "%s", word);
    return 0;
}

const char *cc_invite(const char *rank)
{
    static struct {
        char rank[16];
        char code[256];
        int left;
    } cache[3];
    int slot = -1;
    for (int i = 0; i < 3 && slot < 0; i++)
        if (!strcmp(cache[i].rank, rank)) slot = i;
    for (int i = 0; i < 3 && slot < 0; i++)
        if (!cache[i].rank[0]) slot = i;
    if (slot < 0) slot = 0;
    if (strcmp(cache[slot].rank, rank) != 0 || cache[slot].left <= 0) {
        if (cc_new_invite(rank, 50, cache[slot].code, sizeof cache[slot].code) < 0) return NULL;
        snprintf(cache[slot].rank, sizeof cache[slot].rank, "%s", rank);
        cache[slot].left = 50;
    }
    cache[slot].left--;
    return cache[slot].code;
}

int cc_register(cc_t *c, const char *rank, cc_user_t *u)
{
    memset(u, 0, sizeof *u);
    cc_unique_name(u->username, sizeof u->username);
    snprintf(u->password, sizeof u->password, "pw_%s_Secret9", u->username);
    const char *invite = cc_invite(rank);
    if (!invite) return -1;
    cc_msg_t *r =
        cc_call(c, "auth.register", NULL, "{invite: '%s', username: '%s', password: '%s'}", invite,
                u->username, u->password);
    if (!cc_ok(r)) {
        s_err("auth.register %s (%s) failed: %s", u->username, rank, cc_describe(r));
        fprintf(stderr, "cc: %s\n", s_error);
        return -1;
    }
    u->id = cc_int(r, "user.id");
    if (!cc_obj_str(cc_get(r, "user.rank"), u->rank, sizeof u->rank) ||
        !cc_obj_str(cc_get(r, "access_token"), u->access_token, sizeof u->access_token) ||
        !cc_obj_str(cc_get(r, "refresh_token"), u->refresh_token, sizeof u->refresh_token) ||
        u->id <= 0) {
        s_err("auth.register reply lacks user.id/user.rank/tokens: %s", cc_describe(r));
        fprintf(stderr, "cc: %s\n", s_error);
        return -1;
    }
    return 0;
}

cc_t *cc_new_user(const char *rank, cc_user_t *u)
{
    cc_t *c = cc_connect();
    if (!c) return NULL;
    if (cc_register(c, rank, u) < 0) cc_destroy(&c);
    return c;
}

cc_t *cc_connect_as(const cc_user_t *u)
{
    cc_t *c = cc_connect();
    if (!c) return NULL;
    cc_msg_t *r = cc_call(c, "auth.token", NULL, "{access_token: '%s'}", u->access_token);
    if (!cc_ok(r)) {
        s_err("auth.token for %s failed: %s", u->username, cc_describe(r));
        fprintf(stderr, "cc: %s\n", s_error);
        cc_destroy(&c);
    }
    return c;
}

/* ------------------------------------------------------------------ Postgres */

static PGconn *s_pg;

static PGresult *s_pg_query(const char *fmt, va_list ap)
{
    if (!s_pg || PQstatus(s_pg) != CONNECTION_OK) {
        if (s_pg) PQfinish(s_pg);
        s_pg = PQconnectdb(cc_env()->pg);
        if (PQstatus(s_pg) != CONNECTION_OK) {
            s_err("postgres connect: %s", PQerrorMessage(s_pg));
            fprintf(stderr, "cc: %s\n", s_error);
            PQfinish(s_pg);
            s_pg = NULL;
            return NULL;
        }
    }
    char *sql = NULL;
    if (vasprintf(&sql, fmt, ap) < 0) abort();
    PGresult *r = PQexec(s_pg, sql);
    if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1 || PQnfields(r) < 1) {
        s_err("query `%s`: %s (%d rows)", sql, PQresultErrorMessage(r), PQntuples(r));
        fprintf(stderr, "cc: %s\n", s_error);
        PQclear(r);
        r = NULL;
    }
    free(sql);
    return r;
}

int cc_pg_i64(int64_t *out, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    PGresult *r = s_pg_query(fmt, ap);
    va_end(ap);
    if (!r) return -1;
    *out = PQgetisnull(r, 0, 0) ? 0 : strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    return 0;
}

int cc_pg_text(char *out, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    PGresult *r = s_pg_query(fmt, ap);
    va_end(ap);
    if (!r) return -1;
    snprintf(out, cap, "%s", PQgetisnull(r, 0, 0) ? "" : PQgetvalue(r, 0, 0));
    PQclear(r);
    return 0;
}

int cc_ledger_check(int64_t user_id, char *why, size_t cap)
{
    int64_t n;
    char txt[512];
    if (cc_pg_text(txt, sizeof txt,
                   "SELECT coalesce(string_agg(currency || '=' || s, ', '), '') FROM "
                   "(SELECT currency, sum(delta) AS s FROM ledger GROUP BY currency "
                   " HAVING sum(delta) <> 0) x") < 0) {
        snprintf(why, cap, "%s", s_error);
        return -1;
    }
    if (txt[0]) {
        snprintf(why, cap, "ledger does not sum to 0 per currency: %s", txt);
        return -1;
    }
    if (cc_pg_i64(&n, "SELECT count(*) FROM (SELECT txn FROM ledger GROUP BY txn, currency "
                      "HAVING sum(delta) <> 0) x") < 0) {
        snprintf(why, cap, "%s", s_error);
        return -1;
    }
    if (n) {
        snprintf(why, cap, "%lld ledger transactions do not sum to 0", (long long)n);
        return -1;
    }
    if (user_id <= 0) return 0;
    static const char *cur[] = {"coins", "gems"};
    for (int i = 0; i < 2; i++) {
        int64_t sum, bal, cnt, last = 0;
        if (cc_pg_i64(&sum,
                      "SELECT coalesce(sum(delta), 0) FROM ledger WHERE user_id = %lld "
                      "AND currency = '%s'",
                      (long long)user_id, cur[i]) < 0 ||
            cc_pg_i64(&bal, "SELECT %s FROM wallets WHERE user_id = %lld", cur[i],
                      (long long)user_id) < 0 ||
            cc_pg_i64(&cnt,
                      "SELECT count(*) FROM ledger WHERE user_id = %lld AND currency = "
                      "'%s'",
                      (long long)user_id, cur[i]) < 0 ||
            (cnt && cc_pg_i64(&last,
                              "SELECT balance_after FROM ledger WHERE user_id = %lld "
                              "AND currency = '%s' ORDER BY id DESC LIMIT 1",
                              (long long)user_id, cur[i]) < 0)) {
            snprintf(why, cap, "%s", s_error);
            return -1;
        }
        if (sum != bal) {
            snprintf(why, cap, "user %lld: ledger %s sum %lld != wallet %lld", (long long)user_id,
                     cur[i], (long long)sum, (long long)bal);
            return -1;
        }
        if (cnt && last != bal) {
            snprintf(why, cap, "user %lld: newest %s entry balance_after %lld != wallet %lld",
                     (long long)user_id, cur[i], (long long)last, (long long)bal);
            return -1;
        }
    }
    return 0;
}

/* ------------------------------------------------------------------ processes */

pid_t cc_pid_of(const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s.pid", cc_env()->run, name);
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    long pid = -1;
    if (fscanf(f, "%ld", &pid) != 1) pid = -1;
    fclose(f);
    return pid > 0 ? (pid_t)pid : -1;
}

pid_t cc_wait_new_pid(const char *name, pid_t old_pid, int timeout_ms)
{
    int64_t deadline = cc_mono_ms() + timeout_ms;
    do {
        pid_t p = cc_pid_of(name);
        if (p > 0 && p != old_pid && kill(p, 0) == 0) return p;
        cc_sleep_ms(50);
    } while (cc_mono_ms() < deadline);
    return -1;
}

bool cc_freeze(pid_t pid)
{
    if (kill(pid, SIGSTOP) != 0) return false;
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    for (int i = 0; i < 500; i++) {
        FILE *f = fopen(path, "r");
        size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
        if (f) fclose(f);
        buf[n] = 0;
        const char *paren = strrchr(buf, ')'); /* "pid (comm) S ..." */
        if (paren && paren[1] == ' ' && paren[2] == 'T') return true;
        cc_sleep_ms(2);
    }
    kill(pid, SIGCONT);
    return false;
}

/* ------------------------------------------------------------------ provably fair */

static void s_fair_block(cc_fair_t *f)
{
    char msg[300];
    int n = snprintf(msg, sizeof msg, "%s:%llu:%llu", f->client_seed, (unsigned long long)f->nonce,
                     (unsigned long long)f->cursor);
    unsigned int outlen = 32;
    HMAC(EVP_sha256(), f->server_seed, (int)strlen(f->server_seed), (const unsigned char *)msg,
         (size_t)n, f->block, &outlen);
    f->cursor++;
    f->pos = 0;
}

void cc_fair_init(cc_fair_t *f, const char *server_seed, const char *client_seed, uint64_t nonce)
{
    memset(f, 0, sizeof *f);
    snprintf(f->server_seed, sizeof f->server_seed, "%s", server_seed);
    snprintf(f->client_seed, sizeof f->client_seed, "%s", client_seed);
    f->nonce = nonce;
    f->pos = 32;
}

uint32_t cc_fair_u32(cc_fair_t *f)
{
    if (f->pos >= 32) s_fair_block(f);
    const uint8_t *b = f->block + f->pos;
    f->pos += 4;
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

uint32_t cc_fair_uniform(cc_fair_t *f, uint32_t n)
{
    uint64_t limit = (1ull << 32) - ((1ull << 32) % n);
    for (;;) {
        uint32_t u = cc_fair_u32(f);
        if (u < limit) return u % n;
    }
}

void cc_sha256_hex(const char *s, char out[65])
{
    uint8_t d[32];
    SHA256((const unsigned char *)s, strlen(s), d);
    for (int i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", d[i]);
}
