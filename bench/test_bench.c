/* Unit tests of club-bench's own pieces: the histogram (precision, percentiles, merge), the
 * open loop's schedule, and the --threshold expressions (what they accept, what they refuse,
 * how they judge a run). The WebSocket client and the msgpack reader it shares with the tests
 * are tested beside their code, in tests/unit/lib/client/. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hist.h"
#include "schedule.h"
#include "threshold.h"

static void test_hist_index_bounds(void **state)
{
    (void)state;
    /* every value lands in a bucket whose bounds hold it, buckets are contiguous */
    for (uint64_t v = 0; v < 100000; v++) {
        uint32_t i = bench_hist_index(v);
        assert_true(bench_hist_bucket_lo(i) <= v && v <= bench_hist_bucket_hi(i));
    }
    for (uint32_t i = 1; i < BENCH_HIST_BUCKETS; i++)
        assert_int_equal(bench_hist_bucket_lo(i), bench_hist_bucket_hi(i - 1) + 1);
    uint64_t big[] = {1ull << 20, (1ull << 30) + 12345, BENCH_HIST_MAX_VALUE};
    for (size_t k = 0; k < 3; k++) {
        uint32_t i = bench_hist_index(big[k]);
        assert_true(i < BENCH_HIST_BUCKETS);
        uint64_t lo = bench_hist_bucket_lo(i), hi = bench_hist_bucket_hi(i);
        assert_true(lo <= big[k] && big[k] <= hi);
        assert_true((double)(hi - lo) / (double)lo < 1.0 / 127.0); /* < 0.79 % wide */
    }
    assert_int_equal(bench_hist_index(UINT64_MAX), BENCH_HIST_BUCKETS - 1);
}

static void test_hist_percentiles(void **state)
{
    (void)state;
    bench_hist_t *h = malloc(sizeof *h);
    bench_hist_init(h);
    assert_int_equal(bench_hist_percentile(h, 50), 0);
    /* 1..100000 us in ns: pXX must be within 0.5 % of XX% of 100 ms */
    for (uint64_t v = 1; v <= 100000; v++)
        bench_hist_record(h, v * 1000);
    assert_int_equal(h->count, 100000);
    assert_int_equal(h->min, 1000);
    assert_int_equal(h->max, 100000000);
    double ps[] = {50, 90, 99, 99.9};
    for (size_t k = 0; k < 4; k++) {
        double want = ps[k] / 100.0 * 1e8;
        double got = (double)bench_hist_percentile(h, ps[k]);
        assert_true(got > want * 0.995 && got < want * 1.005);
    }
    assert_int_equal(bench_hist_percentile(h, 100), 100000000);
    double mean = bench_hist_mean(h);
    assert_true(mean > 50000499.0 && mean < 50000501.0);
    bench_hist_reset(h);
    assert_int_equal(h->count, 0);
    for (uint32_t i = 0; i < BENCH_HIST_BUCKETS; i++)
        assert_int_equal(h->b[i], 0);
    free(h);
}

static void test_hist_merge(void **state)
{
    (void)state;
    bench_hist_t *a = malloc(sizeof *a), *b = malloc(sizeof *b), *all = malloc(sizeof *all);
    bench_hist_init(a);
    bench_hist_init(b);
    bench_hist_init(all);
    for (uint64_t v = 0; v < 5000; v++) {
        uint64_t x = v * v * 37 + 11;
        bench_hist_record(v & 1 ? a : b, x);
        bench_hist_record(all, x);
    }
    bench_hist_merge(a, b);
    assert_int_equal(a->count, all->count);
    assert_int_equal(a->sum, all->sum);
    assert_int_equal(a->min, all->min);
    assert_int_equal(a->max, all->max);
    assert_memory_equal(a->b, all->b, sizeof a->b);
    free(a);
    free(b);
    free(all);
}

static void test_schedule(void **state)
{
    (void)state;
    /* constant: step k at k / rate */
    assert_true(fabs(bench_sched_at(1000, 1000, 4, 2500) - 2.5) < 1e-12);
    assert_true(fabs(bench_sched_at(1000, 1000, 0, 2500) - 2.5) < 1e-12);
    /* 1000/s rising to 3000/s over 4 s: 1250 steps in the first second, 2750 in the last,
     * 8000 in all; after the ramp, 3000/s */
    assert_true(fabs(bench_sched_at(1000, 3000, 4, 1250) - 1.0) < 1e-9);
    assert_true(fabs(bench_sched_at(1000, 3000, 4, 8000 - 2750) - 3.0) < 1e-9);
    assert_true(fabs(bench_sched_at(1000, 3000, 4, 8000) - 4.0) < 1e-9);
    assert_true(fabs(bench_sched_at(1000, 3000, 4, 11000) - 5.0) < 1e-9);
    /* the rate asked for at a moment: the same straight line, then flat */
    assert_true(fabs(bench_rate_at(1000, 3000, 4, 0.5) - 1250) < 1e-9);
    assert_true(bench_rate_at(1000, 3000, 4, -1) == 1000);
    assert_true(bench_rate_at(1000, 3000, 4, 5) == 3000);
    assert_true(bench_rate_at(1000, 3000, 0, 2) == 1000);
    /* falling 3000/s to 1000/s: 2750 steps in the first second */
    assert_true(fabs(bench_sched_at(3000, 1000, 4, 2750) - 1.0) < 1e-9);
    assert_true(fabs(bench_sched_at(3000, 1000, 4, 8000) - 4.0) < 1e-9);
    /* a ramp too small to see still matches the constant rate, and steps never go back */
    assert_true(fabs(bench_sched_at(1000, 1000.000001, 10, 5000) - 5.0) < 1e-6);
    double last = -1;
    for (double k = 0; k < 20000; k += 7) {
        double t = bench_sched_at(500, 4000, 5, k);
        assert_true(t >= last);
        last = t;
    }
}

static const char *const s_ops[] = {"sys.ping", "slot.spin"};

static bench_threshold_t s_parse_ok(const char *expr)
{
    bench_threshold_t t;
    char err[512];
    int rc = bench_threshold_parse(expr, s_ops, 2, &t, err, sizeof err);
    if (rc != 0) fail_msg("%s", err);
    return t;
}

static void s_parse_bad(const char *expr, const char *why)
{
    bench_threshold_t t;
    char err[512] = "";
    assert_int_equal(bench_threshold_parse(expr, s_ops, 2, &t, err, sizeof err), -1);
    if (!strstr(err, why)) fail_msg("'%s': wanted '%s' in: %s", expr, why, err);
}

static void test_threshold_parse(void **state)
{
    (void)state;
    bench_threshold_t t = s_parse_ok("p99<10ms");
    assert_int_equal(t.metric, BENCH_TM_PERCENTILE);
    assert_true(t.pct == 99.0 && t.limit == 10e6 && t.cmp == BENCH_TC_LT && t.op == -1);
    t = s_parse_ok(" slot.spin : p99.9 <= 1.5 s ");
    assert_true(t.op == 1 && t.pct == 99.9 && t.limit == 1.5e9 && t.cmp == BENCH_TC_LE);
    assert_string_equal(t.text, "slot.spin:p99.9<=1.5s");
    t = s_parse_ok("p50<250us");
    assert_true(t.limit == 250e3);
    t = s_parse_ok("max<20"); /* ms by default */
    assert_true(t.metric == BENCH_TM_MAX && t.limit == 20e6);
    t = s_parse_ok("mean>=0.5ms");
    assert_true(t.metric == BENCH_TM_MEAN && t.cmp == BENCH_TC_GE && t.limit == 0.5e6);
    t = s_parse_ok("rps>50000");
    assert_true(t.metric == BENCH_TM_RPS && t.cmp == BENCH_TC_GT && t.limit == 50000);
    t = s_parse_ok("errors==0");
    assert_true(t.metric == BENCH_TM_ERRORS && t.cmp == BENCH_TC_EQ && t.limit == 0);
    t = s_parse_ok("sys.ping:errors<0.5%");
    assert_true(t.metric == BENCH_TM_ERROR_RATE && t.op == 0 && t.limit == 0.5);

    s_parse_bad("", "empty");
    s_parse_bad("p99 10ms", "no comparator");
    s_parse_bad("<10ms", "no metric");
    s_parse_bad("q99<1", "unknown metric");
    s_parse_bad("p0<1", "(0, 100]");
    s_parse_bad("p101<1", "(0, 100]");
    s_parse_bad("p99<", "number");
    s_parse_bad("p99<-1", "number");
    s_parse_bad("p99<10m", "us, ms or s");
    s_parse_bad("rps<5ms", "no unit");
    s_parse_bad("errors<1.5", "whole number");
    s_parse_bad("errors<101%", "at most 100%");
    s_parse_bad("slot.spn:p99<1", "no op named 'slot.spn' (ops: sys.ping slot.spin)");
    s_parse_bad("slot.spin:rps>1", "whole run");
    /* only plain decimals: no exponent or hex, which strtod would take */
    s_parse_bad("p1e1<1", "(0, 100]");
    s_parse_bad("p0x10<1", "(0, 100]");
    s_parse_bad("p99.9.9<1", "(0, 100]");
    s_parse_bad("p99<0x10", "us, ms or s");
    s_parse_bad("p99<1e3", "us, ms or s");
    s_parse_bad("p99<.", "plain number");
    s_parse_bad("p99=<1", "comparator is one of");
    s_parse_bad("p99<<1", "comparator is one of");
    s_parse_bad("p99!=1", "comparator is one of");
    s_parse_bad("p99<1:sys.ping", "us, ms or s"); /* a colon after the comparator is no OP */
    char longer[200];
    memset(longer, 'x', sizeof longer - 1);
    longer[sizeof longer - 1] = 0;
    s_parse_bad(longer, "too long");
    /* latencies are whole nanoseconds, so a decimal limit is exact */
    t = s_parse_ok("max<=1.001ms");
    assert_true(t.limit == 1001000.0);
}

static bool s_judge(const char *expr, const bench_tinput_t *in, double *value)
{
    bench_threshold_t t = s_parse_ok(expr);
    return bench_threshold_met(&t, in, value);
}

static void test_threshold_judge(void **state)
{
    (void)state;
    static bench_hist_t h;
    bench_hist_init(&h);
    for (uint64_t i = 1; i <= 1000; i++)
        bench_hist_record(&h, i * 10000); /* 10 us .. 10 ms */
    bench_tinput_t in = {.latency = &h, .rps = 5000, .errors = 3, .requests = 1000};
    double v;
    /* p99 is ~9.9 ms: under 10 ms, not under 9 ms */
    assert_true(s_judge("p99<10ms", &in, &v));
    assert_true(v > 9.8e6 && v < 10e6);
    assert_false(s_judge("p99<9ms", &in, &v));
    assert_true(s_judge("max<=10ms", &in, &v));
    assert_false(s_judge("max<10ms", &in, &v));
    assert_true(s_judge("mean>5ms", &in, &v));
    assert_true(v > 5e6 && v < 5.1e6);
    assert_true(s_judge("rps>=5000", &in, &v));
    assert_false(s_judge("rps>5000", &in, &v));
    assert_false(s_judge("errors==0", &in, &v));
    assert_true(v == 3);
    assert_true(s_judge("errors<=3", &in, &v));
    /* 3 of 1000 is 0.3 % */
    assert_true(s_judge("errors<0.5%", &in, &v));
    assert_true(v > 0.29 && v < 0.31);
    assert_false(s_judge("errors<0.2%", &in, &v));
    static bench_hist_t one;
    bench_hist_init(&one);
    bench_hist_record(&one, 1001000);
    bench_tinput_t exact = {.latency = &one};
    assert_true(s_judge("max<=1.001ms", &exact, &v));
    assert_true(s_judge("max==1001us", &exact, &v));
    /* nothing answered: no latency passes, and nothing sent is all errors */
    static bench_hist_t empty;
    bench_hist_init(&empty);
    bench_tinput_t none = {.latency = &empty, .rps = 0, .errors = 0, .requests = 0};
    assert_false(s_judge("p99<1s", &none, &v));
    assert_true(v < 0);
    assert_false(s_judge("errors<1%", &none, &v));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hist_index_bounds), cmocka_unit_test(test_hist_percentiles),
        cmocka_unit_test(test_hist_merge),        cmocka_unit_test(test_threshold_parse),
        cmocka_unit_test(test_threshold_judge),   cmocka_unit_test(test_schedule),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
