/* threshold: parsing and checking --threshold expressions (see threshold.h). */
#include "threshold.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char S_FORMS[] =
    "expected [OP:]METRIC CMP VALUE, e.g. p99<10ms, rps>=50000, errors<1%, "
    "slot.spin:p99<=50ms (METRIC: pN, mean, max, rps, errors; CMP: < <= > >= ==)";

static int s_fail(char *err, size_t cap, const char *s, const char *why)
{
    /* A long input is cut, so the reason still fits. */
    snprintf(err, cap, "'%.60s%s': %s; %s", s, strlen(s) > 60 ? "..." : "", why, S_FORMS);
    return -1;
}

/* A plain decimal at *p (digits with at most one '.', at least one digit; no sign, exponent
 * or hex, which strtod would take): its value in *v, *p past it. Returns 0, or -1. */
static int s_decimal(const char **p, double *v)
{
    const char *q = *p;
    size_t n = strspn(q, "0123456789."), dots = 0;
    for (size_t i = 0; i < n; i++)
        dots += q[i] == '.';
    if (n == dots || dots > 1 || n >= 32) return -1; /* no digit, two dots, or absurd */
    char num[32];
    memcpy(num, q, n);
    num[n] = 0;
    *v = strtod(num, NULL);
    *p = q + n;
    return 0;
}

/* Reads the comparator at *p and advances past it; -1 when there is none. */
static int s_cmp(const char **p)
{
    const char *q = *p;
    int c = -1;
    if (q[0] == '<' && q[1] == '=')
        c = BENCH_TC_LE, q += 2;
    else if (q[0] == '>' && q[1] == '=')
        c = BENCH_TC_GE, q += 2;
    else if (q[0] == '=' && q[1] == '=')
        c = BENCH_TC_EQ, q += 2;
    else if (q[0] == '<')
        c = BENCH_TC_LT, q += 1;
    else if (q[0] == '>')
        c = BENCH_TC_GT, q += 1;
    *p = q;
    return c;
}

int bench_threshold_parse(const char *s, const char *const *ops, int nops, bench_threshold_t *t,
                          char *err, size_t errcap)
{
    memset(t, 0, sizeof *t);
    t->op = -1;
    /* Spaces are allowed anywhere ("p99 < 10 ms"); the rest works on the compact form. */
    char buf[sizeof t->text];
    size_t n = 0;
    for (const char *q = s; *q; q++) {
        if (isspace((unsigned char)*q)) continue;
        if (n + 1 >= sizeof buf) return s_fail(err, errcap, s, "too long");
        buf[n++] = *q;
    }
    buf[n] = 0;
    if (!n) return s_fail(err, errcap, s, "empty");
    memcpy(t->text, buf, n + 1);

    const char *p = buf;
    /* An OP: prefix ends at a colon before the comparator. */
    const char *colon = strchr(buf, ':');
    const char *first_cmp = strpbrk(buf, "<>=!");
    if (colon && first_cmp && colon > first_cmp) colon = NULL;
    if (colon) {
        size_t len = (size_t)(colon - buf);
        for (int i = 0; i < nops; i++)
            if (strlen(ops[i]) == len && !strncmp(ops[i], buf, len)) t->op = i;
        if (t->op < 0) {
            char why[160];
            int w = snprintf(why, sizeof why, "no op named '%.*s' (ops:", (int)len, buf);
            for (int i = 0; i < nops && w > 0 && (size_t)w < sizeof why; i++)
                w += snprintf(why + w, sizeof why - (size_t)w, " %s", ops[i]);
            if (w > 0 && (size_t)w < sizeof why) snprintf(why + w, sizeof why - (size_t)w, ")");
            return s_fail(err, errcap, s, why);
        }
        p = colon + 1;
    }

    if (!strpbrk(p, "<>=!")) return s_fail(err, errcap, s, "no comparator");
    /* The metric: everything up to the comparator. */
    const char *m = p;
    while (*p && !strchr("<>=!", *p))
        p++;
    size_t mlen = (size_t)(p - m);
    bool latency = false;
    if (mlen == 4 && !strncmp(m, "mean", 4)) {
        t->metric = BENCH_TM_MEAN, latency = true;
    } else if (mlen == 3 && !strncmp(m, "max", 3)) {
        t->metric = BENCH_TM_MAX, latency = true;
    } else if (mlen == 3 && !strncmp(m, "rps", 3)) {
        t->metric = BENCH_TM_RPS;
    } else if (mlen == 6 && !strncmp(m, "errors", 6)) {
        t->metric = BENCH_TM_ERRORS;
    } else if (mlen >= 2 && m[0] == 'p' && (isdigit((unsigned char)m[1]) || m[1] == '.')) {
        const char *q = m + 1;
        double v;
        if (s_decimal(&q, &v) != 0 || q != p || !(v > 0 && v <= 100))
            return s_fail(err, errcap, s, "a percentile is p followed by a number in (0, 100]");
        t->metric = BENCH_TM_PERCENTILE, t->pct = v, latency = true;
    } else {
        return s_fail(err, errcap, s, mlen ? "unknown metric" : "no metric");
    }
    if (t->op >= 0 && t->metric == BENCH_TM_RPS)
        return s_fail(err, errcap, s, "rps is for the whole run (no OP: prefix)");

    int c = s_cmp(&p);
    if (c < 0 || (*p && strchr("<>=!", *p)))
        return s_fail(err, errcap, s, "the comparator is one of < <= > >= ==");
    t->cmp = (bench_tcmp_t)c;

    double v;
    if (s_decimal(&p, &v) != 0)
        return s_fail(err, errcap, s, "the value must be a plain number >= 0 (like 10 or 2.5)");
    const char *unit = p;
    if (latency) {
        double scale = 1e6; /* ms by default */
        if (!*unit || !strcmp(unit, "ms"))
            scale = 1e6;
        else if (!strcmp(unit, "us"))
            scale = 1e3;
        else if (!strcmp(unit, "s"))
            scale = 1e9;
        else
            return s_fail(err, errcap, s, "a latency takes us, ms or s");
        /* Latencies are whole nanoseconds: 1.001ms must be 1001000, not 1000999.99... */
        t->limit = round(v * scale);
    } else if (t->metric == BENCH_TM_RPS) {
        if (*unit && strcmp(unit, "/s")) return s_fail(err, errcap, s, "rps takes no unit");
        t->limit = v;
    } else if (!strcmp(unit, "%")) {
        if (v > 100) return s_fail(err, errcap, s, "a share of requests is at most 100%");
        t->metric = BENCH_TM_ERROR_RATE;
        t->limit = v;
    } else if (!*unit) {
        if (v != floor(v)) return s_fail(err, errcap, s, "an error count is a whole number");
        t->limit = v;
    } else {
        return s_fail(err, errcap, s, "errors take a count or a share with %");
    }
    return 0;
}

bool bench_threshold_met(const bench_threshold_t *t, const bench_tinput_t *in, double *value)
{
    double v;
    switch (t->metric) {
    case BENCH_TM_PERCENTILE:
    case BENCH_TM_MEAN:
    case BENCH_TM_MAX:
        if (!in->latency || !in->latency->count) {
            *value = -1;
            return false; /* nothing answered: no latency can pass */
        }
        v = t->metric == BENCH_TM_PERCENTILE ? (double)bench_hist_percentile(in->latency, t->pct)
            : t->metric == BENCH_TM_MEAN     ? bench_hist_mean(in->latency)
                                             : (double)in->latency->max;
        break;
    case BENCH_TM_RPS:
        v = in->rps;
        break;
    case BENCH_TM_ERRORS:
        v = (double)in->errors;
        break;
    default: /* BENCH_TM_ERROR_RATE */
        /* Nothing sent is not a clean run: 100 % of nothing. */
        v = in->requests ? 100.0 * (double)in->errors / (double)in->requests : 100.0;
        break;
    }
    *value = v;
    switch (t->cmp) {
    case BENCH_TC_LT:
        return v < t->limit;
    case BENCH_TC_LE:
        return v <= t->limit;
    case BENCH_TC_GT:
        return v > t->limit;
    case BENCH_TC_GE:
        return v >= t->limit;
    default:
        return v == t->limit;
    }
}
