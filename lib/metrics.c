#include "metrics.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util.h"

/* Bucket bounds in seconds: 50 us .. 10 s, enough to see both a ping and a slow commit. */
static const double s_bounds[] = {0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025,
                                  0.005,   0.01,   0.025,   0.05,   0.1,   0.25,
                                  0.5,     1,      2.5,     5,      10};
#define NB (sizeof s_bounds / sizeof s_bounds[0])

typedef enum { K_COUNTER, K_GAUGE, K_HIST } kind_t;

typedef struct series {
    kind_t kind;
    char *name, *help, *labels;
    uint64_t count;
    double value, sum;
    uint64_t buckets[NB];
    struct series *next;
} series_t;

struct club_counter {
    series_t s;
};
struct club_gauge {
    series_t s;
};
struct club_hist {
    series_t s;
};

static series_t *s_head, *s_tail;

static series_t *s_find_or_add(kind_t k, const char *name, const char *help, const char *labels)
{
    for (series_t *s = s_head; s; s = s->next)
        if (!strcmp(s->name, name) && !strcmp(s->labels, labels ? labels : "")) return s;
    series_t *s = club_calloc(1, sizeof *s);
    s->kind = k;
    s->name = club_strdup(name);
    s->help = club_strdup(help);
    s->labels = club_strdup(labels ? labels : "");
    if (s_tail)
        s_tail->next = s;
    else
        s_head = s;
    s_tail = s;
    return s;
}

club_counter_t *club_counter(const char *name, const char *help, const char *labels)
{
    return (club_counter_t *)s_find_or_add(K_COUNTER, name, help, labels);
}

club_gauge_t *club_gauge(const char *name, const char *help, const char *labels)
{
    return (club_gauge_t *)s_find_or_add(K_GAUGE, name, help, labels);
}

club_hist_t *club_hist(const char *name, const char *help, const char *labels)
{
    return (club_hist_t *)s_find_or_add(K_HIST, name, help, labels);
}

void club_counter_add(club_counter_t *c, uint64_t n)
{
    c->s.count += n;
}

void club_gauge_set(club_gauge_t *g, double v)
{
    g->s.value = v;
}

void club_hist_observe(club_hist_t *h, double seconds)
{
    h->s.count++;
    h->s.sum += seconds;
    for (size_t i = 0; i < NB; i++)
        if (seconds <= s_bounds[i]) h->s.buckets[i]++;
}

typedef struct {
    char *p;
    size_t len, cap;
} sb_t;

static void s_put(sb_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void s_put(sb_t *b, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
        va_end(ap);
        if ((size_t)n < b->cap - b->len) {
            b->len += (size_t)n;
            return;
        }
        b->cap = b->cap * 2 + (size_t)n;
        b->p = club_realloc(b->p, b->cap);
    }
}

char *club_metrics_render(size_t *len)
{
    sb_t b = {club_malloc(4096), 0, 4096};
    b.p[0] = 0;
    const char *last = "";
    for (series_t *s = s_head; s; s = s->next) {
        static const char *types[] = {"counter", "gauge", "histogram"};
        if (strcmp(last, s->name)) /* HELP/TYPE once per family */
            s_put(&b, "# HELP %s %s\n# TYPE %s %s\n", s->name, s->help, s->name, types[s->kind]);
        last = s->name;
        const char *l = s->labels;
        const char *sep = *l ? "," : "";
        if (s->kind == K_COUNTER) {
            s_put(&b, "%s%s%s%s %llu\n", s->name, *l ? "{" : "", l, *l ? "}" : "",
                  (unsigned long long)s->count);
        } else if (s->kind == K_GAUGE) {
            s_put(&b, "%s%s%s%s %.6g\n", s->name, *l ? "{" : "", l, *l ? "}" : "", s->value);
        } else {
            for (size_t i = 0; i < NB; i++)
                s_put(&b, "%s_bucket{%s%sle=\"%g\"} %llu\n", s->name, l, sep, s_bounds[i],
                      (unsigned long long)s->buckets[i]);
            s_put(&b, "%s_bucket{%s%sle=\"+Inf\"} %llu\n", s->name, l, sep,
                  (unsigned long long)s->count);
            s_put(&b, "%s_sum%s%s%s %.9f\n", s->name, *l ? "{" : "", l, *l ? "}" : "", s->sum);
            s_put(&b, "%s_count%s%s%s %llu\n", s->name, *l ? "{" : "", l, *l ? "}" : "",
                  (unsigned long long)s->count);
        }
    }
    *len = b.len;
    return b.p;
}

int club_metrics_listen(int port)
{
    if (port <= 0) return -1;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0 || listen(fd, 16) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* A scrape is tiny and rare: read the request line with a short bound, answer, close. */
void club_metrics_serve_one(int listen_fd)
{
    int c = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
    if (c < 0) return;
    char req[1024];
    size_t got = 0;
    struct pollfd p = {.fd = c, .events = POLLIN};
    while (got < sizeof req - 1 && poll(&p, 1, 200) > 0) {
        ssize_t n = read(c, req + got, sizeof req - 1 - got);
        if (n <= 0) break;
        got += (size_t)n;
        req[got] = 0;
        if (strstr(req, "\r\n\r\n")) break;
    }
    req[got] = 0;
    char head[256];
    if (!strncmp(req, "GET /metrics", 12)) {
        size_t len;
        char *body = club_metrics_render(&len);
        int hl = snprintf(head, sizeof head,
                          "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\n"
                          "Content-Length: %zu\r\nConnection: close\r\n\r\n",
                          len);
        if (write(c, head, (size_t)hl) == hl && write(c, body, len)) {
        }
        free(body);
    } else if (!strncmp(req, "GET /healthz", 12)) {
        static const char ok[] =
            "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n";
        if (write(c, ok, sizeof ok - 1)) {
        }
    } else {
        static const char nf[] =
            "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        if (write(c, nf, sizeof nf - 1)) {
        }
    }
    close(c);
}
