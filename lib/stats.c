#include "stats.h"

#include <math.h>
#include <stdio.h>

void stats_test_add(stats_test_t *tests, int *n, int max, const char *name, double stat, int df,
                    double p)
{
    if (*n >= max) return;
    stats_test_t *t = &tests[(*n)++];
    snprintf(t->name, sizeof t->name, "%s", name);
    t->stat = stat;
    t->df = df;
    t->p = p;
    t->pass = p >= 0.01;
}

/* Q(a, x) = 1 - P(a, x): series for x < a + 1, Lentz's continued fraction otherwise. */
double stats_gamma_q(double a, double x)
{
    if (x <= 0) return 1.0;
    double gln = lgamma(a);
    if (x < a + 1) {
        double ap = a, sum = 1.0 / a, del = sum;
        for (int n = 0; n < 100000; n++) {
            ap += 1;
            del *= x / ap;
            sum += del;
            if (fabs(del) < fabs(sum) * 1e-15) break;
        }
        return 1.0 - sum * exp(-x + a * log(x) - gln);
    }
    double b = x + 1 - a, c = 1.0 / 1e-300, d = 1.0 / b, h = d;
    for (int i = 1; i < 100000; i++) {
        double an = -i * (i - a);
        b += 2;
        d = an * d + b;
        if (fabs(d) < 1e-300) d = 1e-300;
        c = b + an / c;
        if (fabs(c) < 1e-300) c = 1e-300;
        d = 1.0 / d;
        double del = d * c;
        h *= del;
        if (fabs(del - 1) < 1e-15) break;
    }
    return exp(-x + a * log(x) - gln) * h;
}

double stats_normal_two_sided(double z)
{
    return erfc(fabs(z) / sqrt(2.0));
}

double stats_chi_square(const uint64_t *counts, const double *probs, size_t k, double *stat,
                        int *df)
{
    uint64_t n = 0;
    for (size_t i = 0; i < k; i++)
        n += counts[i];
    double s = 0;
    for (size_t i = 0; i < k; i++) {
        double e = (double)n * probs[i];
        double d = (double)counts[i] - e;
        s += d * d / e;
    }
    *stat = s;
    *df = (int)k - 1;
    return stats_gamma_q(*df / 2.0, s / 2.0);
}

/* Computed directly rather than through stats_chi_square, so k has no upper bound (an item
 * pool may be long). */
double stats_chi_square_uniform(const uint64_t *counts, size_t k, double *stat, int *df)
{
    uint64_t n = 0;
    for (size_t i = 0; i < k; i++)
        n += counts[i];
    double e = (double)n / (double)k, s = 0;
    for (size_t i = 0; i < k; i++) {
        double d = (double)counts[i] - e;
        s += d * d / e;
    }
    *stat = s;
    *df = (int)k - 1;
    return stats_gamma_q(*df / 2.0, s / 2.0);
}

double stats_runs_test(const uint8_t *bits, size_t n, double *z)
{
    double n1 = 0, n2 = 0, runs = n ? 1 : 0;
    for (size_t i = 0; i < n; i++) {
        if (bits[i])
            n1++;
        else
            n2++;
        if (i && bits[i] != bits[i - 1]) runs++;
    }
    double nn = n1 + n2;
    if (n1 == 0 || n2 == 0) {
        *z = 0;
        return 1.0;
    }
    double mean = 2 * n1 * n2 / nn + 1;
    double var = 2 * n1 * n2 * (2 * n1 * n2 - nn) / (nn * nn * (nn - 1));
    *z = (runs - mean) / sqrt(var);
    return stats_normal_two_sided(*z);
}

double stats_serial_correlation(const double *x, size_t n, double *r)
{
    if (n < 3) {
        *r = 0;
        return 1.0;
    }
    double mean = 0;
    for (size_t i = 0; i < n; i++)
        mean += x[i];
    mean /= (double)n;
    double num = 0, den = 0;
    for (size_t i = 0; i < n; i++) {
        double d = x[i] - mean;
        den += d * d;
        if (i + 1 < n) num += d * (x[i + 1] - mean);
    }
    *r = den > 0 ? num / den : 0;
    /* Under independence r is about normal with mean -1/n and variance 1/n. */
    double z = (*r + 1.0 / (double)n) * sqrt((double)n);
    return stats_normal_two_sided(z);
}
