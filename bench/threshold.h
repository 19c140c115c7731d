/* threshold: pass/fail criteria for a run, in the spirit of k6's thresholds and Artillery's
 * `ensure`. `--threshold 'p99<10ms'` and friends are checked against the final results; a run
 * that breaks one exits with status 3, so a CI job or a deploy script can gate on latency,
 * throughput and errors without parsing the report.
 *
 *   [OP:]METRIC CMP VALUE
 *   METRIC  p50 p90 p99 p99.9 ... (any pN, 0 < N <= 100), mean, max: latency; VALUE takes
 *           us, ms (the default) or s
 *           rps: successful replies per second of the whole run (no OP)
 *           errors: error replies plus unanswered requests; VALUE is a count, or a share of
 *           the requests sent with a trailing %
 *   CMP     <  <=  >  >=  ==
 *   VALUE   a plain decimal (10, 2.5): no sign, exponent or hex
 *   OP      an op name (slot.spin, ...): the metric of that op's replies alone
 *
 * Pure functions: no I/O, no allocation. */
#ifndef CLUB_BENCH_THRESHOLD_H
#define CLUB_BENCH_THRESHOLD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hist.h"

typedef enum {
    BENCH_TM_PERCENTILE,
    BENCH_TM_MEAN,
    BENCH_TM_MAX,
    BENCH_TM_RPS,
    BENCH_TM_ERRORS,     /* a count */
    BENCH_TM_ERROR_RATE, /* percent of the requests sent */
} bench_tmetric_t;

typedef enum { BENCH_TC_LT, BENCH_TC_LE, BENCH_TC_GT, BENCH_TC_GE, BENCH_TC_EQ } bench_tcmp_t;

typedef struct {
    char text[80]; /* as given without its spaces, for the report */
    int op;        /* -1 for the whole run, else an index into the op names given to parse */
    bench_tmetric_t metric;
    double pct; /* BENCH_TM_PERCENTILE: 0 < pct <= 100 */
    bench_tcmp_t cmp;
    double limit; /* latency in ns; req/s; a count; percent */
} bench_threshold_t;

/* What a threshold is checked against: the whole run, or one op. */
typedef struct {
    const bench_hist_t *latency; /* replies' latency (ns) */
    double rps;
    uint64_t errors;   /* error replies (+ unanswered, for the whole run) */
    uint64_t requests; /* sent (whole run) or answered (one op): the base of a rate */
} bench_tinput_t;

/* Parses `s` into t. `ops` names the ops an OP: prefix may use. Returns 0, or -1 with a
 * sentence in err that says what is wrong and what is accepted. */
int bench_threshold_parse(const char *s, const char *const *ops, int nops, bench_threshold_t *t,
                          char *err, size_t errcap);

/* Checks t against in. *value gets the observed value in the threshold's unit (ns for
 * latency); a latency threshold over no replies is not met (*value is then -1). */
bool bench_threshold_met(const bench_threshold_t *t, const bench_tinput_t *in, double *value);

#endif
