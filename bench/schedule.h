/* schedule: the open loop's schedule. Step k (0, 1, 2, ...) of a connection set is due when k
 * steps fit under the rate curve. With --rate-to the rate goes linearly from r0 to r1 over the
 * run's d seconds, so the steps sent by t are r0 t + (r1 - r0) t^2 / (2 d); after d the rate
 * stays r1. A constant rate is r1 == r0. */
#ifndef CLUB_BENCH_SCHEDULE_H
#define CLUB_BENCH_SCHEDULE_H

#include <math.h>

/* The rate (steps/s) asked for t seconds from the start. */
static inline double bench_rate_at(double r0, double r1, double d, double t)
{
    if (d <= 0 || t <= 0) return r0;
    return t >= d ? r1 : r0 + (r1 - r0) * t / d;
}

/* Seconds from the start at which step k is due; r0 > 0, r1 > 0. */
static inline double bench_sched_at(double r0, double r1, double d, double k)
{
    if (d <= 0 || r1 == r0) return k / r0;
    double by_d = (r0 + r1) / 2 * d; /* steps due by the end of the ramp */
    if (k > by_d) return d + (k - by_d) / r1;
    /* The root of r0 t + a t^2 / 2 = k in the form that stays exact when a is near 0. */
    double a = (r1 - r0) / d;
    return 2 * k / (r0 + sqrt(r0 * r0 + 2 * a * k));
}

#endif
