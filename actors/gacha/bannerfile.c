#include "bannerfile.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define JSON_MAX_DEPTH 16 /* a banner nests four deep; anything deeper is not one */

/* --- a small JSON tree ---------------------------------------------------------------- */

typedef enum { J_NULL, J_BOOL, J_INT, J_FRACTION, J_STR, J_ARR, J_OBJ } jtype_t;

typedef struct jval {
    jtype_t t;
    int line;
    int64_t i; /* J_INT; J_BOOL as 0/1 */
    char *s;   /* J_STR, NUL-terminated UTF-8 */
    size_t n;  /* J_STR: bytes; J_ARR, J_OBJ: members */
    struct jval *v;
    char **keys; /* J_OBJ */
} jval_t;

typedef struct {
    const char *p, *end;
    int line, depth;
    char *err;
    size_t errlen;
} jparser_t;

static int s_jerr(jparser_t *j, const char *fmt, ...)
{
    char msg[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(j->err, j->errlen, "line %d: %s", j->line, msg);
    return -1;
}

static void s_jfree(jval_t *v)
{
    free(v->s);
    for (size_t i = 0; (v->t == J_ARR || v->t == J_OBJ) && i < v->n; i++) {
        s_jfree(&v->v[i]);
        if (v->keys) free(v->keys[i]);
    }
    free(v->v);
    free(v->keys);
    memset(v, 0, sizeof *v);
}

static void s_ws(jparser_t *j)
{
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r')) {
        if (*j->p == '\n') j->line++;
        j->p++;
    }
}

static int s_hex4(jparser_t *j, uint32_t *out)
{
    if (j->end - j->p < 4) return s_jerr(j, "a \\u escape needs four hex digits");
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        char c = *j->p++;
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (d < 0) return s_jerr(j, "a \\u escape needs four hex digits");
        v = v << 4 | (uint32_t)d;
    }
    *out = v;
    return 0;
}

static size_t s_utf8(uint32_t cp, char *o)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    size_t n = cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    static const uint8_t lead[] = {0, 0, 0xc0, 0xe0, 0xf0};
    for (size_t i = n - 1; i > 0; i--, cp >>= 6)
        o[i] = (char)(0x80 | (cp & 0x3f));
    o[0] = (char)(lead[n] | cp);
    return n;
}

/* A string after its opening quote; the decoded text is at most as long as the source. */
static int s_string(jparser_t *j, char **out, size_t *outlen)
{
    const char *start = j->p;
    char *buf = club_malloc((size_t)(j->end - start) + 1);
    size_t n = 0;
    for (;;) {
        if (j->p >= j->end) {
            free(buf);
            return s_jerr(j, "a string is not closed");
        }
        unsigned char c = (unsigned char)*j->p++;
        if (c == '"') break;
        if (c < 0x20) {
            free(buf);
            return s_jerr(j, "a control character inside a string (escape it)");
        }
        if (c != '\\') {
            buf[n++] = (char)c;
            continue;
        }
        if (j->p >= j->end) continue; /* reported as not closed */
        char e = *j->p++;
        const char *simple = strchr("\"\\/bfnrt", e);
        if (e && simple) {
            buf[n++] = "\"\\/\b\f\n\r\t"[simple - "\"\\/bfnrt"];
            continue;
        }
        uint32_t cp, lo;
        if (e != 'u' || s_hex4(j, &cp)) {
            free(buf);
            return e == 'u' ? -1 : s_jerr(j, "an unknown escape \\%c in a string", e);
        }
        if (cp >= 0xd800 && cp <= 0xdbff) {
            if (j->end - j->p < 2 || j->p[0] != '\\' || j->p[1] != 'u') {
                free(buf);
                return s_jerr(j, "a \\u surrogate without its pair");
            }
            j->p += 2;
            if (s_hex4(j, &lo) || lo < 0xdc00 || lo > 0xdfff) {
                free(buf);
                return s_jerr(j, "a \\u surrogate without its pair");
            }
            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
        } else if (cp >= 0xdc00 && cp <= 0xdfff) {
            free(buf);
            return s_jerr(j, "a \\u surrogate without its pair");
        }
        n += s_utf8(cp, buf + n);
    }
    buf[n] = 0;
    if (!club_text_ok(buf, n)) {
        free(buf);
        return s_jerr(j, "a string that is not UTF-8 text (or holds \\u0000)");
    }
    *out = buf;
    *outlen = n;
    return 0;
}

static int s_number(jparser_t *j, jval_t *v)
{
    const char *s = j->p;
    bool neg = j->p < j->end && *j->p == '-';
    if (neg) j->p++;
    const char *digits = j->p;
    while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
        j->p++;
    size_t nd = (size_t)(j->p - digits);
    if (nd == 0 || (nd > 1 && digits[0] == '0')) return s_jerr(j, "a malformed number");
    bool fraction = false;
    if (j->p < j->end && *j->p == '.') {
        j->p++;
        const char *f = j->p;
        while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
            j->p++;
        if (j->p == f) return s_jerr(j, "a malformed number");
        fraction = true;
    }
    if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
        j->p++;
        if (j->p < j->end && (*j->p == '+' || *j->p == '-')) j->p++;
        const char *x = j->p;
        while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
            j->p++;
        if (j->p == x) return s_jerr(j, "a malformed number");
        fraction = true;
    }
    v->t = fraction ? J_FRACTION : J_INT;
    if (fraction) return 0;
    char tmp[24];
    if ((size_t)(j->p - s) >= sizeof tmp) return s_jerr(j, "an integer out of range");
    memcpy(tmp, s, (size_t)(j->p - s));
    tmp[j->p - s] = 0;
    if (club_parse_i64(tmp, &v->i)) return s_jerr(j, "an integer out of range");
    return 0;
}

static int s_value(jparser_t *j, jval_t *v);

static int s_container(jparser_t *j, jval_t *v, bool obj)
{
    if (++j->depth > JSON_MAX_DEPTH) return s_jerr(j, "nested too deep for a banner");
    v->t = obj ? J_OBJ : J_ARR;
    char close = obj ? '}' : ']';
    size_t cap = 0;
    s_ws(j);
    if (j->p < j->end && *j->p == close) {
        j->p++;
        j->depth--;
        return 0;
    }
    for (;;) {
        if (v->n == cap) {
            cap = cap ? cap * 2 : 8;
            v->v = club_realloc(v->v, cap * sizeof *v->v);
            if (obj) v->keys = club_realloc(v->keys, cap * sizeof *v->keys);
        }
        jval_t *m = &v->v[v->n];
        memset(m, 0, sizeof *m);
        if (obj) {
            v->keys[v->n] = NULL;
            s_ws(j);
            size_t kl;
            if (j->p >= j->end || *j->p != '"') return s_jerr(j, "expected a key in quotes");
            j->p++;
            if (s_string(j, &v->keys[v->n], &kl)) return -1;
            v->n++; /* counted now so s_jfree frees the key on any error below */
            for (size_t i = 0; i + 1 < v->n; i++)
                if (!strcmp(v->keys[i], v->keys[v->n - 1]))
                    return s_jerr(j, "the key \"%s\" appears twice", v->keys[i]);
            s_ws(j);
            if (j->p >= j->end || *j->p != ':') return s_jerr(j, "expected ':' after a key");
            j->p++;
        } else {
            v->n++;
        }
        if (s_value(j, m)) return -1;
        s_ws(j);
        if (j->p < j->end && *j->p == ',') {
            j->p++;
            continue;
        }
        if (j->p < j->end && *j->p == close) {
            j->p++;
            j->depth--;
            return 0;
        }
        return s_jerr(j, "expected ',' or '%c'", close);
    }
}

static int s_value(jparser_t *j, jval_t *v)
{
    s_ws(j);
    v->line = j->line;
    if (j->p >= j->end) return s_jerr(j, "the text ends where a value should be");
    char c = *j->p;
    if (c == '{' || c == '[') {
        j->p++;
        return s_container(j, v, c == '{');
    }
    if (c == '"') {
        j->p++;
        v->t = J_STR;
        return s_string(j, &v->s, &v->n);
    }
    if (c == '-' || (c >= '0' && c <= '9')) return s_number(j, v);
    static const struct {
        const char *word;
        jtype_t t;
        int64_t i;
    } words[] = {{"true", J_BOOL, 1}, {"false", J_BOOL, 0}, {"null", J_NULL, 0}};
    for (size_t i = 0; i < CLUB_ARRAY_LEN(words); i++) {
        size_t l = strlen(words[i].word);
        if ((size_t)(j->end - j->p) >= l && !memcmp(j->p, words[i].word, l)) {
            j->p += l;
            v->t = words[i].t;
            v->i = words[i].i;
            return 0;
        }
    }
    return s_jerr(j, "expected a value (an object, array, string, number, true, false or null)");
}

/* --- the banner from the tree --------------------------------------------------------- */

static const jval_t *s_get(const jval_t *o, const char *key)
{
    for (size_t i = 0; o->t == J_OBJ && i < o->n; i++)
        if (!strcmp(o->keys[i], key)) return &o->v[i];
    return NULL;
}

typedef struct {
    char *err;
    size_t errlen;
} ctx_t;

static int s_berr(ctx_t *c, const jval_t *v, const char *fmt, ...)
{
    char msg[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(c->err, c->errlen, "line %d: %s", v ? v->line : 1, msg);
    return -1;
}

/* Field `key` of object o as an integer in [lo, hi]. */
static int s_int(ctx_t *c, const jval_t *o, const char *where, const char *key, int64_t lo,
                 int64_t hi, int64_t *out)
{
    const jval_t *v = s_get(o, key);
    if (!v) return s_berr(c, o, "%s has no \"%s\"", where, key);
    if (v->t != J_INT || v->i < lo || v->i > hi)
        return s_berr(c, v, "%s.%s must be a whole number from %lld to %lld", where, key,
                      (long long)lo, (long long)hi);
    *out = v->i;
    return 0;
}

/* Field `key` of object o as a string of 1 to cap - 1 bytes, copied into out. */
static int s_str(ctx_t *c, const jval_t *o, const char *where, const char *key, char *out,
                 size_t cap)
{
    const jval_t *v = s_get(o, key);
    if (!v) return s_berr(c, o, "%s has no \"%s\"", where, key);
    if (v->t != J_STR || v->n < 1 || v->n >= cap)
        return s_berr(c, v, "%s.%s must be a string of 1 to %zu bytes", where, key, cap - 1);
    memcpy(out, v->s, v->n + 1);
    return 0;
}

static const jval_t *s_obj(ctx_t *c, const jval_t *o, const char *where, const char *key)
{
    const jval_t *v = s_get(o, key);
    if (!v || v->t != J_OBJ) {
        s_berr(c, v ? v : o, "%s.%s must be an object", where, key);
        return NULL;
    }
    return v;
}

static bool s_word(const char *s)
{
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '_'))
            return false;
    return true;
}

static int s_pool(ctx_t *c, const jval_t *arr, gacha_rarity_t *r)
{
    char where[48];
    snprintf(where, sizeof where, "pools.%s", r->name);
    if (arr->t != J_ARR || arr->n == 0 || arr->n > 100000)
        return s_berr(c, arr, "%s must be a list of 1 to 100000 items", where);
    r->items = club_calloc(arr->n, sizeof *r->items);
    r->n = (uint32_t)arr->n;
    for (size_t i = 0; i < arr->n; i++) {
        const jval_t *it = &arr->v[i];
        snprintf(where, sizeof where, "pools.%s[%zu]", r->name, i);
        if (it->t != J_OBJ) return s_berr(c, it, "%s must be an object {item_id, name}", where);
        if (s_int(c, it, where, "item_id", 1, INT64_MAX, &r->items[i].id) ||
            s_str(c, it, where, "name", r->items[i].name, sizeof r->items[i].name))
            return -1;
    }
    return 0;
}

static int s_banner(ctx_t *c, const jval_t *root, gacha_banner_t *b, int64_t *effective)
{
    if (root->t != J_OBJ) return s_berr(c, root, "the file must hold a banner object");
    const jval_t *inner = s_get(root, "banner");
    if (inner && !s_get(root, "rates")) root = inner;
    if (root->t != J_OBJ) return s_berr(c, root, "banner must be an object");
    int64_t v;
    if (s_str(c, root, "banner", "id", b->id, sizeof b->id)) return -1;
    if (!s_word(b->id)) return s_berr(c, s_get(root, "id"), "banner.id must be of [A-Za-z0-9_]");
    if (s_str(c, root, "banner", "name", b->name, sizeof b->name)) return -1;
    if (s_int(c, root, "banner", "version", 1, INT32_MAX, &v)) return -1;
    b->version = (int)v;

    const jval_t *cost = s_obj(c, root, "banner", "cost");
    if (!cost || s_str(c, cost, "cost", "currency", b->cost_currency, sizeof b->cost_currency) ||
        s_int(c, cost, "cost", "amount", 1, 100000000, &b->cost))
        return -1;
    if (strcmp(b->cost_currency, "coins") && strcmp(b->cost_currency, "gems"))
        return s_berr(c, s_get(cost, "currency"), "cost.currency must be coins or gems");

    const jval_t *pity = s_obj(c, root, "banner", "pity");
    int64_t soft, hard, step;
    if (!pity || s_int(c, pity, "pity", "soft", 1, 1000, &soft) ||
        s_int(c, pity, "pity", "hard", 1, 1000, &hard) ||
        s_int(c, pity, "pity", "step", 0, GACHA_PPM, &step))
        return -1;
    b->soft = (uint32_t)soft, b->hard = (uint32_t)hard, b->step = (uint32_t)step;

    const jval_t *rates = s_get(root, "rates");
    if (!rates || rates->t != J_ARR || rates->n < 2 || rates->n > GACHA_MAX_RARITIES)
        return s_berr(c, rates ? rates : root,
                      "banner.rates must be a list of 2 to %d {rarity, probability}, rarest first",
                      GACHA_MAX_RARITIES);
    b->nrar = (int)rates->n;
    for (int i = 0; i < b->nrar; i++) {
        const jval_t *r = &rates->v[i];
        char where[24];
        snprintf(where, sizeof where, "rates[%d]", i);
        if (r->t != J_OBJ) return s_berr(c, r, "%s must be an object {rarity, probability}", where);
        if (s_str(c, r, where, "rarity", b->rar[i].name, sizeof b->rar[i].name) ||
            s_int(c, r, where, "probability", 0, GACHA_PPM, &v))
            return -1;
        if (!s_word(b->rar[i].name))
            return s_berr(c, r, "%s.rarity must be of [A-Za-z0-9_]", where);
        for (int k = 0; k < i; k++)
            if (!strcmp(b->rar[k].name, b->rar[i].name))
                return s_berr(c, r, "the rarity %s is listed twice", b->rar[i].name);
        b->rar[i].probability = (uint32_t)v;
    }

    const jval_t *pools = s_obj(c, root, "banner", "pools");
    if (!pools) return -1;
    for (size_t i = 0; i < pools->n; i++) {
        int k = 0;
        while (k < b->nrar && strcmp(b->rar[k].name, pools->keys[i]))
            k++;
        if (k == b->nrar)
            return s_berr(c, &pools->v[i], "pools.%s names a rarity that banner.rates does not",
                          pools->keys[i]);
        if (s_pool(c, &pools->v[i], &b->rar[k])) return -1;
    }
    for (int k = 0; k < b->nrar; k++)
        if (!b->rar[k].items)
            return s_berr(c, pools, "pools has no list for the rarity %s", b->rar[k].name);

    const jval_t *feat = s_get(root, "featured");
    if (feat && feat->t != J_NULL) {
        char name[GACHA_NAME_MAX];
        if (feat->t != J_OBJ)
            return s_berr(c, feat, "banner.featured must be an object {item_id, name} or null");
        if (s_int(c, feat, "featured", "item_id", 1, INT64_MAX, &b->featured) ||
            s_str(c, feat, "featured", "name", name, sizeof name))
            return -1;
        for (uint32_t i = 0; i < b->rar[0].n; i++)
            if (b->rar[0].items[i].id == b->featured && strcmp(b->rar[0].items[i].name, name))
                return s_berr(c, feat, "featured.name \"%s\" differs from the %s pool's \"%s\"",
                              name, b->rar[0].name, b->rar[0].items[i].name);
    }

    *effective = -1;
    const jval_t *eff = s_get(root, "effective");
    if (eff && eff->t != J_NULL) {
        char rarity[16];
        if (eff->t != J_OBJ)
            return s_berr(c, eff, "banner.effective must be an object {rarity, probability}");
        if (s_str(c, eff, "effective", "rarity", rarity, sizeof rarity) ||
            s_int(c, eff, "effective", "probability", 0, GACHA_PPM, effective))
            return -1;
        if (strcmp(rarity, b->rar[0].name))
            return s_berr(c, eff, "effective.rarity must be the top rarity %s", b->rar[0].name);
    }
    return 0;
}

int gacha_banner_from_json(const char *text, size_t len, gacha_banner_t *out, int64_t *effective,
                           char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    *effective = -1;
    jparser_t j = {.p = text, .end = text + len, .line = 1, .err = err, .errlen = errlen};
    jval_t root = {0};
    int rc = s_value(&j, &root);
    if (rc == 0) {
        s_ws(&j);
        if (j.p != j.end) rc = s_jerr(&j, "text after the banner object");
    }
    ctx_t c = {err, errlen};
    if (rc == 0) rc = s_banner(&c, &root, out, effective);
    s_jfree(&root);
    if (rc == 0) rc = gacha_banner_check(out, err, errlen);
    if (rc != 0) gacha_banner_free(out);
    return rc;
}

int gacha_banner_read_file(const char *path, gacha_banner_t *out, int64_t *effective, char *err,
                           size_t errlen)
{
    memset(out, 0, sizeof *out);
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
        return -1;
    }
    char *buf = club_malloc(GACHA_BANNERFILE_MAX + 1);
    size_t n = fread(buf, 1, GACHA_BANNERFILE_MAX + 1, fp);
    bool bad = ferror(fp);
    fclose(fp);
    int rc = -1;
    if (bad)
        snprintf(err, errlen, "cannot read %s", path);
    else if (n > GACHA_BANNERFILE_MAX)
        snprintf(err, errlen, "%s is over %d bytes; a banner file is a few KiB", path,
                 GACHA_BANNERFILE_MAX);
    else {
        char msg[256];
        rc = gacha_banner_from_json(buf, n, out, effective, msg, sizeof msg);
        if (rc) snprintf(err, errlen, "%s: %s", path, msg);
    }
    free(buf);
    return rc;
}
