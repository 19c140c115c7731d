/* metrics: Prometheus counters and latency histograms, rendered in the text format.
 *
 * Processes are single-threaded (one loop per thread, see DESIGN.md), so updates are plain
 * increments. Names follow Prometheus conventions: counters end in _total, latencies are
 * histograms in seconds. `labels` is the literal label set without braces, e.g.
 * "op=\"slot.spin\"", or NULL.
 *
 * Worker processes with no HTTP server of their own call club_metrics_listen() and hand the
 * returned fd to their poll loop; club_metrics_serve_one() answers one GET /metrics or
 * /healthz on it. */
#ifndef CLUB_METRICS_H
#define CLUB_METRICS_H

#include <stddef.h>
#include <stdint.h>

typedef struct club_counter club_counter_t;
typedef struct club_hist club_hist_t;
typedef struct club_gauge club_gauge_t;

/* Returns the existing series when name+labels was registered before. Never NULL. */
club_counter_t *club_counter(const char *name, const char *help, const char *labels);
club_gauge_t *club_gauge(const char *name, const char *help, const char *labels);
club_hist_t *club_hist(const char *name, const char *help, const char *labels);

void club_counter_add(club_counter_t *c, uint64_t n);
void club_gauge_set(club_gauge_t *g, double v);
void club_hist_observe(club_hist_t *h, double seconds);

/* The whole registry in text exposition format; caller frees. */
char *club_metrics_render(size_t *len);

/* Listening TCP socket on 127.0.0.1:port (0 = disabled, returns -1). */
int club_metrics_listen(int port);
/* Accepts and answers one request on the listening fd. Safe to call when readable. */
void club_metrics_serve_one(int listen_fd);

#endif
