/* stats: the statistical tests game labs run on an outcome stream, at a chosen confidence.
 * p-values come from the regularised incomplete gamma function (chi-square) and the normal
 * distribution (runs and serial correlation); a test passes at 99% when p >= 0.01. */
#ifndef CLUB_STATS_H
#define CLUB_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define STATS_Z99 2.5758293035489004 /* two-sided 99% quantile of the normal distribution */

/* One test of a report: chi-square (df > 0) or a z-type score (df 0), passing at 99%. */
typedef struct {
    char name[48];
    double stat, p;
    int df;
    bool pass;
} stats_test_t;

/* Appends a test to tests[*n] unless max are there already; it passes when p >= 0.01. */
void stats_test_add(stats_test_t *tests, int *n, int max, const char *name, double stat, int df,
                    double p);

/* Pearson chi-square of observed counts against equal expected counts. *stat and *df are
 * set; returns the p-value. */
double stats_chi_square_uniform(const uint64_t *counts, size_t k, double *stat, int *df);
/* Chi-square against given expected probabilities (summing to 1). */
double stats_chi_square(const uint64_t *counts, const double *probs, size_t k, double *stat,
                        int *df);

/* Wald-Wolfowitz runs test on a 0/1 sequence; returns the two-sided p-value, *z the score. */
double stats_runs_test(const uint8_t *bits, size_t n, double *z);

/* Lag-1 serial correlation of a sequence; returns the two-sided p-value, *r the coefficient. */
double stats_serial_correlation(const double *x, size_t n, double *r);

/* Upper regularised incomplete gamma Q(a, x), and the normal two-sided tail. */
double stats_gamma_q(double a, double x);
double stats_normal_two_sided(double z);

#endif
