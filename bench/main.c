/* club-bench: the project's load tester (see --help and bench/README.md).
 *
 * main.c reads the flags, prepares credentials, starts one event loop per --threads, prints a
 * progress line each second, and at the end merges every loop's histograms and tables into
 * the report (and the --json summary). */
#include "bench.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "schedule.h"
#include "threshold.h"
#include "util.h"

#ifndef CLUB_VERSION
#define CLUB_VERSION "dev"
#endif

const char *const bench_op_names[BENCH_OP__COUNT] = {"sys.ping", "slot.spin",      "roulette.spin",
                                                     "rps.play", "wallet.balance", "gacha.pull"};

static const struct {
    const char *name;
    bench_scenario_t sc;
} s_scenarios[] = {
    {"connect", BENCH_SC_CONNECT},   {"ping", BENCH_SC_PING},   {"spin", BENCH_SC_SPIN},
    {"roulette", BENCH_SC_ROULETTE}, {"mixed", BENCH_SC_MIXED}, {"gacha", BENCH_SC_GACHA},
};

static volatile sig_atomic_t s_sigint;

static void s_on_sigint(int sig)
{
    (void)sig;
    if (s_sigint) _exit(130); /* second Ctrl-C: give up at once */
    s_sigint = 1;
}

static void s_usage(FILE *f)
{
    fprintf(
        f,
        "usage: club-bench --scenario NAME -c CONNECTIONS -d SECONDS [-w WINDOW] [--rate N]\n"
        "                  [--ramp SECONDS] [--url ws://HOST:PORT/ws] [--invite CODE]\n"
        "                  [--json FILE] [--threads T] [options]\n"
        "\n"
        "Load tester for Casino-Club: opens CONNECTIONS WebSocket connections speaking club.v1\n"
        "(one msgpack map per binary frame), each a virtual player, and runs a scenario.\n"
        "\n"
        "Scenarios (--scenario, -s):\n"
        "  connect    open and hold idle connections; reports the connect rate, handshake latency\n"
        "             and, with --server-pid, the server's memory per connection\n"
        "  ping       sys.ping (no login needed, so none is done unless --auth)\n"
        "  spin       slot.spin {bet} with a unique idem per request\n"
        "  roulette   roulette.spin {bets:[{type:red, amount: bet}]}\n"
        "  mixed      slot.spin 60%%, roulette.spin 20%%, rps.play 10%%, wallet.balance 10%%\n"
        "  gacha      gacha.pull {banner_id, count: 1} on even connections, slot.spin on odd ones\n"
        "\n"
        "Load shape:\n"
        "  -c, --connections N     connections / virtual players (default 10)\n"
        "  -d, --duration SECONDS  how long to run (default 10; with -n alone, until done)\n"
        "  -n, --requests N        stop after N requests in all (whichever of -d/-n comes first)\n"
        "  -w, --window W          closed loop: requests in flight per connection (default 1)\n"
        "      --think MS          closed loop: wait MS after each reply before the next request\n"
        "      --rate N            open loop: N requests/s in all, spread evenly over "
        "connections;\n"
        "                          latency counts from the INTENDED send time (coordinated\n"
        "                          omission corrected)\n"
        "      --rate-to N         open loop: the rate goes linearly from --rate to N over -d\n"
        "                          (like an arrival-rate ramp); the per-second lines and the\n"
        "                          JSON's per_second show where the latency turns\n"
        "      --max-inflight N    open loop: requests in flight per connection before sends wait\n"
        "                          (default 256; waiting still counts in the latency)\n"
        "      --ramp SECONDS      start connections evenly over SECONDS: connect and ping open\n"
        "                          them gradually; scenarios that log in open and log in all "
        "first\n"
        "                          (off the clock) and then start sending gradually. The ramp is\n"
        "                          part of -d.\n"
        "      --drain SECONDS     after the end, wait this long for outstanding replies (default "
        "5)\n"
        "  -t, --threads T         event loops (threads), each with CONNECTIONS/T connections "
        "(default 1)\n"
        "\n"
        "Server and players:\n"
        "      --url URL           ws://HOST:PORT/PATH (default ws://127.0.0.1:8080/ws)\n"
        "      --invite CODE       invite code to register players with (create one with\n"
        "                          ./club invite --uses N); new users are named "
        "b<pid36><time36><n>\n"
        "      --users-file FILE   reuse credentials: the first lines (username,password) are "
        "logged\n"
        "                          in; users registered for the rest are appended, so the next "
        "run\n"
        "                          logs in instead of registering\n"
        "      --login-pool PREFIX log in users PREFIX0 .. PREFIX<N-1> with --password; with "
        "--invite,\n"
        "                          pool users that do not exist yet are registered\n"
        "      --password PW       password of the --login-pool users (default club-bench-pw)\n"
        "      --auth              ping: log in first (as the other scenarios do)\n"
        "      --no-bonus          do not claim wallet.daily_bonus after logging in\n"
        "      --bet N             coins per bet (default 10; slot bets are multiples of 10)\n"
        "      --banner ID         the gacha scenario's banner (default chrome_standard)\n"
        "      --auth-concurrency K   logins/registrations in flight at once (default 8); the "
        "server\n"
        "                          hashes with Argon2id on one auth worker (~30-60 ms each)\n"
        "      --connect-concurrency K  handshakes in flight at once (default 256)\n"
        "      --server-pid PID    read the server's VmRSS before and after (connect scenario)\n"
        "\n"
        "Output:\n"
        "      --json FILE         write a machine-readable summary\n"
        "      --threshold EXPR    pass/fail criterion, checked at the end; repeatable. EXPR is\n"
        "                          [OP:]METRIC CMP VALUE. METRIC: pN (p50, p99, p99.9, ...), mean\n"
        "                          or max (VALUE in us, ms (default) or s); rps (ok replies/s);\n"
        "                          errors (error replies + unanswered: a count, or N%% of the\n"
        "                          requests sent). CMP: < <= > >= ==. OP: an op name, for its\n"
        "                          replies alone (mixed). A run that breaks one exits 3.\n"
        "  -q, --quiet             no progress line each second\n"
        "  -h, --help              this text\n"
        "  -V, --version           print the version\n"
        "\n"
        "Every second a progress line goes to stderr (req/s, p99 of the last second and so far,\n"
        "errors, open connections); the report goes to stdout. Error replies (ok:false) are\n"
        "counted by code; INSUFFICIENT_FUNDS appears when players run dry on long runs.\n"
        "The edge limits each connection to about 200 req/s (CLUB_RATE_PER_SEC): use more\n"
        "connections, not a bigger window, to load the server harder.\n"
        "\n"
        "Players stay logged in: access tokens are refreshed (auth.refresh + auth.token) a\n"
        "minute before they expire. Every idem is unique per request and per run.\n"
        "Ctrl-C stops sending, drains, and prints the report of what was done.\n"
        "\n"
        "Exit status: 0 the run completed (even with error replies, or stopped by Ctrl-C),\n"
        "1 setup failed (cannot connect, register or log in), 2 bad usage, 3 the run completed\n"
        "but a --threshold was not met.\n"
        "\n"
        "Examples:\n"
        "  club-bench --scenario ping -c 100 -w 16 -d 5 --url ws://127.0.0.1:19999/ws\n"
        "  club-bench --scenario spin -c 200 -d 30 --invite CODE --users-file /tmp/bench-users\n"
        "  club-bench --scenario mixed -c 500 -d 60 --rate 5000 --ramp 10 --users-file /tmp/u\n"
        "  club-bench --scenario ping -c 1000 -d 30 --rate 60000 --threshold 'p99<10ms' \\\n"
        "      --threshold 'errors==0'\n"
        "  club-bench --scenario connect -c 10000 -d 20 --ramp 5 --server-pid $(pgrep -n "
        "club-edge)\n");
}

static void s_bad(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void s_bad(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "club-bench: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, " (see club-bench --help)\n");
    va_end(ap);
    exit(2);
}

static double s_num(const char *flag, const char *v, double min, double max)
{
    char *end;
    errno = 0;
    double d = strtod(v, &end);
    if (errno || end == v || *end || !isfinite(d) || d < min || d > max)
        s_bad("%s wants a number from %g to %g, not '%s'", flag, min, max, v);
    return d;
}

static uint64_t s_int(const char *flag, const char *v, uint64_t min, uint64_t max)
{
    char *end;
    errno = 0;
    unsigned long long n = strtoull(v, &end, 10);
    if (errno || end == v || *end || v[0] == '-' || n < min || n > max)
        s_bad("%s wants a whole number from %llu to %llu, not '%s'", flag, (unsigned long long)min,
              (unsigned long long)max, v);
    return n;
}

/* ws://HOST[:PORT][/PATH] into cfg; resolves HOST once. */
static void s_parse_url(bench_cfg_t *cfg, const char *url)
{
    if (!strncmp(url, "wss://", 6))
        s_bad("wss:// is not supported: point --url at the edge's plain ws:// port");
    if (strncmp(url, "ws://", 5) != 0) s_bad("--url must start with ws://, not '%s'", url);
    snprintf(cfg->url, sizeof cfg->url, "%s", url);
    const char *h = url + 5;
    const char *slash = strchr(h, '/');
    const char *hend = slash ? slash : h + strlen(h);
    const char *colon = NULL;
    if (*h == '[') { /* [v6]:port */
        const char *rb = memchr(h, ']', (size_t)(hend - h));
        if (!rb) s_bad("bad --url '%s'", url);
        snprintf(cfg->host, sizeof cfg->host, "%.*s", (int)(rb - h - 1), h + 1);
        colon = rb[1] == ':' ? rb + 1 : NULL;
    } else {
        colon = memchr(h, ':', (size_t)(hend - h));
        size_t hl = (size_t)((colon ? colon : hend) - h);
        if (hl == 0 || hl >= sizeof cfg->host) s_bad("bad host in --url '%s'", url);
        snprintf(cfg->host, sizeof cfg->host, "%.*s", (int)hl, h);
    }
    cfg->port = 80;
    if (colon) {
        char port[16];
        snprintf(port, sizeof port, "%.*s", (int)(hend - colon - 1), colon + 1);
        cfg->port = (int)s_int("the port in --url", port, 1, 65535);
    }
    snprintf(cfg->path, sizeof cfg->path, "%s", slash ? slash : "/");

    char ps[16];
    snprintf(ps, sizeof ps, "%d", cfg->port);
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res = NULL;
    int rc = getaddrinfo(cfg->host, ps, &hints, &res);
    if (rc != 0 || !res) {
        fprintf(stderr, "club-bench: cannot resolve '%s': %s\n", cfg->host, gai_strerror(rc));
        exit(1);
    }
    memcpy(&cfg->addr, res->ai_addr, res->ai_addrlen);
    cfg->addrlen = res->ai_addrlen;
    freeaddrinfo(res);
}

/* One blocking connect before anything else, so "nothing listens there" is one clear line. */
static void s_preflight(const bench_cfg_t *cfg)
{
    int fd = socket(cfg->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        fprintf(stderr, "club-bench: socket: %s\n", strerror(errno));
        exit(1);
    }
    int r = connect(fd, (const struct sockaddr *)&cfg->addr, cfg->addrlen);
    int err = r == 0 ? 0 : errno;
    if (r < 0 && errno == EINPROGRESS) {
        struct pollfd p = {.fd = fd, .events = POLLOUT};
        if (poll(&p, 1, 3000) == 1) {
            socklen_t sl = sizeof err;
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &sl);
        } else {
            err = ETIMEDOUT;
        }
    }
    close(fd);
    if (err) {
        fprintf(stderr,
                "club-bench: cannot connect to %s:%d: %s — is the stack up? Start it with "
                "./club up (or club-bench-echo for a self-test), or pass --url\n",
                cfg->host, cfg->port, strerror(err));
        exit(1);
    }
}

static bool s_valid_user(const char *u, size_t n)
{
    if (n < 3 || n > 20) return false;
    for (size_t i = 0; i < n; i++) {
        char ch = u[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '_'))
            return false;
    }
    return true;
}

static void s_base36(char *out, size_t cap, uint64_t v, int width)
{
    static const char d[] = "0123456789abcdefghijklmnopqrstuvwxyz";
    char tmp[16];
    int n = 0;
    do {
        tmp[n++] = d[v % 36];
        v /= 36;
    } while (v && n < 15);
    while (n < width && n < 15)
        tmp[n++] = '0';
    size_t o = 0;
    while (n > 0 && o + 1 < cap)
        out[o++] = tmp[--n];
    out[o] = '\0';
}

/* Fills g->creds: users-file lines first, then the login pool or generated users.
 * Exits 2 when the flags cannot give every connection a user. */
static void s_prepare_creds(bench_shared_t *g)
{
    bench_cfg_t *cfg = &g->cfg;
    uint32_t n = cfg->conns;
    g->creds = club_calloc(n, sizeof *g->creds);
    uint32_t have = 0;

    if (cfg->users_file) {
        FILE *f = fopen(cfg->users_file, "r");
        if (f) {
            char line[512];
            unsigned lineno = 0;
            while (have < n && fgets(line, sizeof line, f)) {
                lineno++;
                line[strcspn(line, "\r\n")] = '\0';
                if (!line[0] || line[0] == '#') continue;
                char *comma = strchr(line, ',');
                size_t ul = comma ? (size_t)(comma - line) : 0;
                size_t pl = comma ? strlen(comma + 1) : 0;
                if (!comma || !s_valid_user(line, ul) || pl < 8 || pl > 128) {
                    fprintf(stderr,
                            "club-bench: %s:%u: want 'username,password' (username 3-20 of "
                            "[A-Za-z0-9_], password 8-128 chars)\n",
                            cfg->users_file, lineno);
                    exit(2);
                }
                bench_cred_t *c = &g->creds[have++];
                memcpy(c->user, line, ul);
                memcpy(c->pass, comma + 1, pl + 1);
                c->mode = BENCH_CRED_LOGIN;
            }
            fclose(f);
        } else if (errno != ENOENT) {
            fprintf(stderr, "club-bench: cannot read %s: %s\n", cfg->users_file, strerror(errno));
            exit(2);
        }
    }
    if (have < n && !cfg->invite && !cfg->login_pool) {
        if (cfg->users_file)
            s_bad("%s holds %u users for %u connections: pass --invite CODE to register the "
                  "other %u (create a code with ./club invite --uses %u)",
                  cfg->users_file, have, n, n - have, n - have);
        s_bad("scenario %s logs players in: pass --invite CODE to register them (create one "
              "with ./club invite --uses %u), or --users-file / --login-pool to reuse users",
              cfg->scenario_name, n);
    }
    char pid36[8], t36[8];
    s_base36(pid36, sizeof pid36, (uint64_t)getpid() % (36ull * 36 * 36 * 36 * 36), 5);
    s_base36(t36, sizeof t36, (uint64_t)time(NULL) % (36ull * 36 * 36 * 36), 4);
    for (uint32_t i = have; i < n; i++) {
        bench_cred_t *c = &g->creds[i];
        if (cfg->login_pool) {
            snprintf(c->user, sizeof c->user, "%s%u", cfg->login_pool, i);
            if (!s_valid_user(c->user, strlen(c->user)))
                s_bad("--login-pool %s gives the username '%s': usernames are 3-20 of "
                      "[A-Za-z0-9_]",
                      cfg->login_pool, c->user);
            snprintf(c->pass, sizeof c->pass, "%s", cfg->password);
            c->mode = cfg->invite ? BENCH_CRED_LOGIN_OR_REGISTER : BENCH_CRED_LOGIN;
        } else {
            char n36[16];
            s_base36(n36, sizeof n36, i, 1);
            snprintf(c->user, sizeof c->user, "b%.5s%.4s%.8s", pid36, t36, n36);
            uint8_t rnd[10];
            if (club_random(rnd, sizeof rnd) < 0) {
                fprintf(stderr, "club-bench: no randomness for passwords\n");
                exit(1);
            }
            char hex[21];
            club_hex(rnd, sizeof rnd, hex);
            snprintf(c->pass, sizeof c->pass, "P%s", hex);
            c->mode = BENCH_CRED_REGISTER;
        }
    }
    if (cfg->users_file && have < n && !cfg->login_pool) {
        g->users_out = fopen(cfg->users_file, "a+");
        if (!g->users_out) {
            fprintf(stderr, "club-bench: cannot append to %s: %s\n", cfg->users_file,
                    strerror(errno));
            exit(2);
        }
        /* a hand-edited file may lack its last newline */
        if (fseek(g->users_out, -1, SEEK_END) == 0 && fgetc(g->users_out) != '\n')
            fputc('\n', g->users_out);
        fflush(g->users_out);
    }
    if (!cfg->quiet && cfg->users_file)
        fprintf(stderr, "club-bench: %u users from %s, %u to %s\n", have, cfg->users_file, n - have,
                cfg->login_pool ? "log in from the pool" : "register");
}

/* VmRSS of a process in kB, -1 when unreadable. */
static long s_vmrss_kb(int pid)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", pid);
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    long kb = -1;
    while (fgets(line, sizeof line, f))
        if (!strncmp(line, "VmRSS:", 6)) {
            kb = strtol(line + 6, NULL, 10);
            break;
        }
    fclose(f);
    return kb;
}

static void s_sleep_until(int64_t t)
{
    int64_t now = bench_now_ns();
    if (t <= now) return;
    struct timespec ts = {.tv_sec = (t - now) / 1000000000LL, .tv_nsec = (t - now) % 1000000000LL};
    nanosleep(&ts, NULL);
}

/* Latency in a short human unit. */
static const char *s_dur(char *buf, size_t cap, double ns)
{
    if (ns < 1e3)
        snprintf(buf, cap, "%.0fns", ns);
    else if (ns < 1e6)
        snprintf(buf, cap, "%.1fus", ns / 1e3);
    else if (ns < 1e9)
        snprintf(buf, cap, "%.2fms", ns / 1e6);
    else
        snprintf(buf, cap, "%.2fs", ns / 1e9);
    return buf;
}

typedef struct {
    uint64_t sent, done, errors, open, conn_fail, closed, logged_in, setup_fail, inflight, pushes;
} totals_t;

static totals_t s_totals(bench_shared_t *g)
{
    totals_t s = {0};
    for (uint32_t i = 0; i < g->nthreads; i++) {
        bench_thread_t *t = &g->threads[i];
        s.sent += bench_ctr_get(&t->sent);
        s.done += bench_ctr_get(&t->done);
        s.errors += bench_ctr_get(&t->errors);
        s.open += bench_ctr_get(&t->open);
        s.conn_fail += bench_ctr_get(&t->conn_fail);
        s.closed += bench_ctr_get(&t->closed);
        s.logged_in += bench_ctr_get(&t->logged_in);
        s.setup_fail += bench_ctr_get(&t->setup_fail);
        s.inflight += bench_ctr_get(&t->inflight);
        s.pushes += bench_ctr_get(&t->pushes);
    }
    return s;
}

/* Once-a-second samples for the JSON summary. */
typedef struct {
    double t, rps, p99_us;
    uint64_t errors, open;
    double offered; /* open loop: the rate asked for in that second; 0 in a closed loop */
} sample_t;

static sample_t *s_samples;
static size_t s_nsamples, s_samples_cap;

static void s_sample_add(sample_t s)
{
    if (s_nsamples == s_samples_cap) {
        s_samples_cap = s_samples_cap ? s_samples_cap * 2 : 64;
        s_samples = club_realloc(s_samples, s_samples_cap * sizeof *s_samples);
    }
    s_samples[s_nsamples++] = s;
}

/* ---- JSON ---- */

static void s_json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            fprintf(f, "\\%c", ch);
        else if (ch < 0x20)
            fprintf(f, "\\u%04x", ch);
        else
            fputc(ch, f);
    }
    fputc('"', f);
}

static void s_json_lat(FILE *f, const bench_hist_t *h)
{
    fprintf(f,
            "{\"count\": %llu, \"min\": %.3f, \"mean\": %.3f, \"p50\": %.3f, \"p90\": %.3f, "
            "\"p99\": %.3f, \"p99_9\": %.3f, \"max\": %.3f}",
            (unsigned long long)h->count, h->count ? (double)h->min / 1e3 : 0.0,
            bench_hist_mean(h) / 1e3, (double)bench_hist_percentile(h, 50) / 1e3,
            (double)bench_hist_percentile(h, 90) / 1e3, (double)bench_hist_percentile(h, 99) / 1e3,
            (double)bench_hist_percentile(h, 99.9) / 1e3, (double)h->max / 1e3);
}

static void s_json_errs(FILE *f, const uint64_t *errs)
{
    fputc('{', f);
    bool first = true;
    for (size_t e = 0; e < BENCH_ERR_SLOTS; e++) {
        if (!errs[e]) continue;
        fprintf(f, "%s\"%s\": %llu", first ? "" : ", ",
                e == BENCH_ERR_OTHER ? "OTHER" : club_err_name((club_err_t)e),
                (unsigned long long)errs[e]);
        first = false;
    }
    fputc('}', f);
}

/* Frees what main set up for the threads (after they have been joined). */
static void s_cleanup(bench_shared_t *g, bench_loop_arg_t *args)
{
    for (uint32_t i = 0; i < g->nthreads; i++) {
        bench_thread_t *t = &g->threads[i];
        free(t->pub);
        free(t->handshake);
        for (int k = 0; k < BENCH_OP__COUNT; k++)
            free(t->op_hist[k]);
        pthread_mutex_destroy(&t->pub_lock);
        if (t->wake_fd >= 0) close(t->wake_fd);
    }
    free(g->threads);
    g->threads = NULL;
    free(args);
    free(g->creds);
    g->creds = NULL;
    free(s_samples);
    s_samples = NULL;
}

/* ---- main ---- */

enum {
    OPT_THINK = 1000,
    OPT_RATE,
    OPT_RAMP,
    OPT_URL,
    OPT_INVITE,
    OPT_JSON,
    OPT_USERS,
    OPT_POOL,
    OPT_PASSWORD,
    OPT_SERVER_PID,
    OPT_AUTH,
    OPT_NO_BONUS,
    OPT_BET,
    OPT_BANNER,
    OPT_AUTH_CONC,
    OPT_CONN_CONC,
    OPT_MAX_INFLIGHT,
    OPT_DRAIN,
    OPT_THRESHOLD,
    OPT_RATE_TO,
};

#define MAX_THRESHOLDS 32
static bench_threshold_t s_thr[MAX_THRESHOLDS];
static int s_nthr;

int main(int argc, char **argv)
{
    static bench_shared_t G;
    bench_shared_t *g = &G;
    bench_cfg_t *cfg = &g->cfg;
    cfg->conns = 10;
    cfg->threads = 1;
    cfg->window = 1;
    cfg->max_inflight = 256;
    cfg->drain_s = 5;
    cfg->bet = 10;
    cfg->banner = "chrome_standard";
    cfg->auth_conc = 8;
    cfg->connect_conc = 256;
    cfg->bonus = true;
    cfg->password = "club-bench-pw";
    const char *scenario = NULL, *url = "ws://127.0.0.1:8080/ws";
    bool have_d = false, have_w = false, auth_flag = false;

    static const struct option opts[] = {
        {"scenario", required_argument, NULL, 's'},
        {"connections", required_argument, NULL, 'c'},
        {"duration", required_argument, NULL, 'd'},
        {"requests", required_argument, NULL, 'n'},
        {"window", required_argument, NULL, 'w'},
        {"threads", required_argument, NULL, 't'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {"think", required_argument, NULL, OPT_THINK},
        {"rate", required_argument, NULL, OPT_RATE},
        {"ramp", required_argument, NULL, OPT_RAMP},
        {"url", required_argument, NULL, OPT_URL},
        {"invite", required_argument, NULL, OPT_INVITE},
        {"json", required_argument, NULL, OPT_JSON},
        {"users-file", required_argument, NULL, OPT_USERS},
        {"login-pool", required_argument, NULL, OPT_POOL},
        {"password", required_argument, NULL, OPT_PASSWORD},
        {"server-pid", required_argument, NULL, OPT_SERVER_PID},
        {"auth", no_argument, NULL, OPT_AUTH},
        {"no-bonus", no_argument, NULL, OPT_NO_BONUS},
        {"bet", required_argument, NULL, OPT_BET},
        {"banner", required_argument, NULL, OPT_BANNER},
        {"auth-concurrency", required_argument, NULL, OPT_AUTH_CONC},
        {"connect-concurrency", required_argument, NULL, OPT_CONN_CONC},
        {"max-inflight", required_argument, NULL, OPT_MAX_INFLIGHT},
        {"drain", required_argument, NULL, OPT_DRAIN},
        {"threshold", required_argument, NULL, OPT_THRESHOLD},
        {"rate-to", required_argument, NULL, OPT_RATE_TO},
        {NULL, 0, NULL, 0},
    };
    int o;
    while ((o = getopt_long(argc, argv, "s:c:d:n:w:t:qhV", opts, NULL)) != -1) {
        switch (o) {
        case 's':
            scenario = optarg;
            break;
        case 'c':
            cfg->conns = (uint32_t)s_int("-c", optarg, 1, 1000000);
            break;
        case 'd':
            cfg->duration_s = s_num("-d", optarg, 0.001, 1e7);
            have_d = true;
            break;
        case 'n':
            cfg->nreq = s_int("-n", optarg, 1, UINT64_MAX / 2);
            break;
        case 'w':
            cfg->window = (uint32_t)s_int("-w", optarg, 1, 4096);
            have_w = true;
            break;
        case 't':
            cfg->threads = (uint32_t)s_int("--threads", optarg, 1, 256);
            break;
        case 'q':
            cfg->quiet = true;
            break;
        case 'h':
            s_usage(stdout);
            return 0;
        case 'V':
            printf("club-bench %s\n", CLUB_VERSION);
            return 0;
        case OPT_THINK:
            cfg->think_ms = s_num("--think", optarg, 0, 3.6e6);
            break;
        case OPT_RATE:
            cfg->rate = s_num("--rate", optarg, 0.001, 1e9);
            break;
        case OPT_RATE_TO:
            cfg->rate_to = s_num("--rate-to", optarg, 0.001, 1e9);
            break;
        case OPT_RAMP:
            cfg->ramp_s = s_num("--ramp", optarg, 0, 1e6);
            break;
        case OPT_URL:
            url = optarg;
            break;
        case OPT_INVITE:
            cfg->invite = optarg;
            break;
        case OPT_JSON:
            cfg->json_file = optarg;
            break;
        case OPT_USERS:
            cfg->users_file = optarg;
            break;
        case OPT_POOL:
            cfg->login_pool = optarg;
            break;
        case OPT_PASSWORD:
            cfg->password = optarg;
            break;
        case OPT_SERVER_PID:
            cfg->server_pid = (int)s_int("--server-pid", optarg, 1, 1u << 30);
            break;
        case OPT_AUTH:
            auth_flag = true;
            break;
        case OPT_NO_BONUS:
            cfg->bonus = false;
            break;
        case OPT_BET:
            cfg->bet = (int64_t)s_int("--bet", optarg, 1, 1000000000);
            break;
        case OPT_BANNER:
            if (!*optarg || strlen(optarg) > 32 ||
                strspn(optarg, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                               "abcdefghijklmnopqrstuvwxyz"
                               "0123456789_") != strlen(optarg))
                s_bad("--banner wants a banner id (1-32 of A-Z a-z 0-9 _), not '%s'", optarg);
            cfg->banner = optarg;
            break;
        case OPT_AUTH_CONC:
            cfg->auth_conc = (uint32_t)s_int("--auth-concurrency", optarg, 1, 10000);
            break;
        case OPT_CONN_CONC:
            cfg->connect_conc = (uint32_t)s_int("--connect-concurrency", optarg, 1, 1000000);
            break;
        case OPT_MAX_INFLIGHT:
            cfg->max_inflight = (uint32_t)s_int("--max-inflight", optarg, 1, 65536);
            break;
        case OPT_DRAIN:
            cfg->drain_s = s_num("--drain", optarg, 0, 3600);
            break;
        case OPT_THRESHOLD: {
            char why[512];
            if (s_nthr == MAX_THRESHOLDS) s_bad("at most %d --threshold flags", MAX_THRESHOLDS);
            if (bench_threshold_parse(optarg, bench_op_names, BENCH_OP__COUNT, &s_thr[s_nthr], why,
                                      sizeof why) != 0)
                s_bad("--threshold %s", why);
            s_nthr++;
            break;
        }
        default:
            s_usage(stderr);
            return 2;
        }
    }
    if (optind < argc) s_bad("unexpected argument '%s'", argv[optind]);
    if (!scenario) s_bad("--scenario is required (connect, ping, spin, roulette, mixed or gacha)");
    bool found = false;
    for (size_t i = 0; i < sizeof s_scenarios / sizeof s_scenarios[0]; i++)
        if (!strcmp(scenario, s_scenarios[i].name)) {
            cfg->scenario = s_scenarios[i].sc;
            cfg->scenario_name = s_scenarios[i].name;
            found = true;
        }
    if (!found)
        s_bad("unknown scenario '%s' (connect, ping, spin, roulette, mixed or gacha)", scenario);
    if (!have_d && !cfg->nreq) cfg->duration_s = 10;
    /* An OP: threshold on an op the scenario never sends would judge nothing: refuse it. */
    for (int i = 0; i < s_nthr; i++) {
        int k = s_thr[i].op;
        if (k < 0) continue;
        bool sent = cfg->scenario == BENCH_SC_MIXED      ? k != BENCH_OP_PING
                    : cfg->scenario == BENCH_SC_PING     ? k == BENCH_OP_PING
                    : cfg->scenario == BENCH_SC_SPIN     ? k == BENCH_OP_SLOT
                    : cfg->scenario == BENCH_SC_ROULETTE ? k == BENCH_OP_ROULETTE
                    : cfg->scenario == BENCH_SC_GACHA    ? k == BENCH_OP_GACHA || k == BENCH_OP_SLOT
                                                         : false;
        if (!sent)
            s_bad("--threshold '%s': the %s scenario sends no %s", s_thr[i].text,
                  cfg->scenario_name, bench_op_names[k]);
    }
    if (cfg->scenario == BENCH_SC_CONNECT &&
        (cfg->nreq || cfg->rate > 0 || have_w || cfg->think_ms > 0))
        s_bad("the connect scenario sends no requests: -n, --rate, -w and --think do not apply");
    if (cfg->scenario == BENCH_SC_CONNECT && !have_d && !cfg->nreq) cfg->duration_s = 10;
    if (cfg->rate > 0 && (have_w || cfg->think_ms > 0))
        s_bad("--rate is the open loop; -w and --think are the closed loop: choose one");
    if (cfg->rate_to > 0 && !(cfg->rate > 0))
        s_bad("--rate-to N ramps the open loop's rate: give the starting rate with --rate");
    if (cfg->rate_to > 0 && !have_d)
        s_bad("--rate-to N reaches N at the end of -d: give the duration with -d");
    if (!(cfg->rate_to > 0)) cfg->rate_to = cfg->rate; /* no ramp: the rate stays */
    if (cfg->login_pool && cfg->users_file)
        s_bad("--login-pool and --users-file both say which users to use: choose one");
    if (cfg->ramp_s > 0 && cfg->duration_s > 0 && cfg->ramp_s >= cfg->duration_s)
        fprintf(stderr,
                "club-bench: note: --ramp %.1f is not shorter than -d %.1f; not every "
                "connection will reach full speed\n",
                cfg->ramp_s, cfg->duration_s);
    if (cfg->threads > cfg->conns) cfg->threads = cfg->conns;
    cfg->login = cfg->scenario == BENCH_SC_SPIN || cfg->scenario == BENCH_SC_ROULETTE ||
                 cfg->scenario == BENCH_SC_MIXED || cfg->scenario == BENCH_SC_GACHA ||
                 (cfg->scenario == BENCH_SC_PING && auth_flag);
    if (auth_flag && cfg->scenario == BENCH_SC_CONNECT)
        s_bad("--auth applies to ping only (connect holds anonymous connections)");
    if (cfg->bet % 10 && (cfg->scenario == BENCH_SC_SPIN || cfg->scenario == BENCH_SC_MIXED))
        fprintf(stderr,
                "club-bench: note: slot bets must be multiples of 10 lines; --bet %lld "
                "will get LIMIT errors\n",
                (long long)cfg->bet);
    s_parse_url(cfg, url);

    /* One descriptor per connection plus a few. */
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
        rlim_t need = (rlim_t)cfg->conns + 64;
        if (rl.rlim_cur < need) {
            rl.rlim_cur = rl.rlim_max < need ? rl.rlim_max : need;
            setrlimit(RLIMIT_NOFILE, &rl);
        }
        if (rl.rlim_cur < need) {
            fprintf(stderr,
                    "club-bench: %u connections need %llu file descriptors but the "
                    "limit is %llu: raise it (ulimit -n %llu, or LimitNOFILE)\n",
                    cfg->conns, (unsigned long long)need, (unsigned long long)rl.rlim_cur,
                    (unsigned long long)need);
            return 1;
        }
    }
    if (cfg->conns > 28000)
        fprintf(stderr, "club-bench: note: one client address has about 28000 local ports "
                        "towards one server port (net.ipv4.ip_local_port_range)\n");

    signal(SIGPIPE, SIG_IGN);
    struct sigaction sa = {.sa_handler = s_on_sigint};
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    s_preflight(cfg);
    if (cfg->login) s_prepare_creds(g);

    uint8_t rid[4];
    if (club_random(rid, sizeof rid) < 0) {
        fprintf(stderr, "club-bench: no randomness\n");
        return 1;
    }
    club_hex(rid, sizeof rid, g->run_id);
    pthread_mutex_init(&g->lock, NULL);
    atomic_store(&g->phase, BENCH_PH_SETUP);
    atomic_store(&g->auth_slots, (int)cfg->auth_conc);
    atomic_store(&g->t_end_ns, INT64_MAX);

    uint32_t T = cfg->threads;
    g->nthreads = T;
    g->threads = club_calloc(T, sizeof *g->threads);
    bench_loop_arg_t *args = club_calloc(T, sizeof *args);
    uint64_t given = 0;
    for (uint32_t i = 0; i < T; i++) {
        bench_thread_t *t = &g->threads[i];
        t->index = i;
        t->nconns = cfg->conns / T + (i < cfg->conns % T ? 1 : 0);
        if (cfg->nreq) {
            /* proportional shares that add up to exactly -n */
            uint64_t upto = 0;
            for (uint32_t k = 0; k <= i; k++)
                upto += cfg->conns / T + (k < cfg->conns % T ? 1 : 0);
            uint64_t share = (uint64_t)((long double)cfg->nreq * upto / cfg->conns) - given;
            t->budget = share;
            given += share;
        } else {
            t->budget = UINT64_MAX;
        }
        t->rate = cfg->rate * t->nconns / cfg->conns;
        t->rate_to = cfg->rate_to * t->nconns / cfg->conns;
        t->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
        pthread_mutex_init(&t->pub_lock, NULL);
        t->pub = club_malloc(sizeof *t->pub);
        bench_hist_init(t->pub);
        t->handshake = club_malloc(sizeof *t->handshake);
        bench_hist_init(t->handshake);
        for (int k = 0; k < BENCH_OP__COUNT; k++) {
            t->op_hist[k] = club_malloc(sizeof *t->op_hist[k]);
            bench_hist_init(t->op_hist[k]);
        }
        args[i] = (bench_loop_arg_t){g, t};
    }

    if (!cfg->quiet) {
        fprintf(stderr, "club-bench %s: %s, %u connections, %u thread%s, %s", CLUB_VERSION,
                cfg->scenario_name, cfg->conns, T, T == 1 ? "" : "s", cfg->url);
        if (cfg->scenario != BENCH_SC_CONNECT) {
            if (cfg->rate > 0 && cfg->rate_to != cfg->rate)
                fprintf(stderr, ", open loop %.0f -> %.0f req/s", cfg->rate, cfg->rate_to);
            else if (cfg->rate > 0)
                fprintf(stderr, ", open loop %.0f req/s", cfg->rate);
            else
                fprintf(stderr, ", window %u%s", cfg->window, cfg->think_ms > 0 ? " + think" : "");
        }
        if (cfg->duration_s > 0) fprintf(stderr, ", %gs", cfg->duration_s);
        if (cfg->nreq) fprintf(stderr, ", %llu requests", (unsigned long long)cfg->nreq);
        fprintf(stderr, "\n");
    }

    long rss_before = -1, rss_after = -1;
    if (cfg->server_pid) {
        rss_before = s_vmrss_kb(cfg->server_pid);
        if (rss_before < 0)
            fprintf(stderr, "club-bench: note: cannot read /proc/%d/status; no memory figures\n",
                    cfg->server_pid);
    }

    for (uint32_t i = 0; i < T; i++)
        if (pthread_create(&g->threads[i].tid, NULL, bench_loop_main, &args[i]) != 0) {
            fprintf(stderr, "club-bench: cannot start thread %u\n", i);
            return 1;
        }

    /* ---- setup: open (and log in) before the clock starts ---- */
    int64_t setup_t0 = bench_now_ns();
    int64_t next = setup_t0 + 1000000000LL;
    bool aborted = false;
    uint64_t last_logged = 0, last_progress_n = 0;
    int64_t last_progress = setup_t0;
    for (;;) {
        bool all = true;
        for (uint32_t i = 0; i < T; i++)
            if (!atomic_load(&g->threads[i].setup_done)) all = false;
        if (atomic_load(&g->fatal_set) || s_sigint) {
            aborted = true;
            break;
        }
        if (all) break;
        int64_t now = bench_now_ns();
        if (now >= next) {
            totals_t s = s_totals(g);
            uint64_t progress = s.open + s.logged_in + s.conn_fail + s.setup_fail;
            if (progress != last_progress_n) {
                last_progress_n = progress;
                last_progress = now;
            } else if (now - last_progress > 60 * 1000000000LL) {
                bench_fatal(g,
                            "setup stalled: no connection opened or logged in for 60 s "
                            "(%llu open, %llu logged in) — is the auth domain running?",
                            (unsigned long long)s.open, (unsigned long long)s.logged_in);
                continue;
            }
            if (!cfg->quiet) {
                double el = (double)(now - setup_t0) / 1e9;
                if (cfg->login) {
                    double rate = (double)(s.logged_in - last_logged);
                    uint64_t left = cfg->conns - s.logged_in;
                    fprintf(stderr, "[setup %5.0fs] open %llu/%u | logged in %llu/%u (%.0f/s%s", el,
                            (unsigned long long)s.open, cfg->conns, (unsigned long long)s.logged_in,
                            cfg->conns, rate, rate > 0 ? ", " : ")");
                    if (rate > 0) fprintf(stderr, "~%.0fs left)", (double)left / rate);
                    fprintf(stderr, " | failed %llu\n", (unsigned long long)s.setup_fail);
                } else {
                    fprintf(stderr, "[setup %5.0fs] open %llu/%u | failed %llu\n", el,
                            (unsigned long long)s.open, cfg->conns,
                            (unsigned long long)(s.conn_fail + s.setup_fail));
                }
            }
            last_logged = s.logged_in;
            next += 1000000000LL;
        }
        s_sleep_until(now + 20000000LL < next ? now + 20000000LL : next);
    }
    double setup_s = (double)(bench_now_ns() - setup_t0) / 1e9;
    if (aborted) {
        atomic_store(&g->phase, BENCH_PH_ABORT);
        for (uint32_t i = 0; i < T; i++)
            bench_wake(&g->threads[i]);
        for (uint32_t i = 0; i < T; i++)
            pthread_join(g->threads[i].tid, NULL);
        if (atomic_load(&g->fatal_set))
            fprintf(stderr, "club-bench: %s\n", g->fatal);
        else
            fprintf(stderr, "club-bench: interrupted during setup\n");
        if (g->users_out) fclose(g->users_out);
        s_cleanup(g, args);
        return 1;
    }
    if (g->users_out) {
        fclose(g->users_out);
        g->users_out = NULL;
    }
    totals_t st = s_totals(g);
    if (!cfg->quiet && cfg->login)
        fprintf(stderr, "setup done in %.1fs: %llu open, %llu logged in\n", setup_s,
                (unsigned long long)st.open, (unsigned long long)st.logged_in);
    else if (!cfg->quiet && st.open)
        fprintf(stderr, "setup done in %.1fs: %llu open\n", setup_s, (unsigned long long)st.open);

    /* ---- run ---- */
    int64_t t0 = bench_now_ns();
    atomic_store(&g->t0_ns, t0);
    int64_t t_end = cfg->duration_s > 0 ? t0 + (int64_t)(cfg->duration_s * 1e9) : INT64_MAX;
    atomic_store(&g->t_end_ns, t_end);
    atomic_store(&g->phase, BENCH_PH_RUN);
    for (uint32_t i = 0; i < T; i++)
        bench_wake(&g->threads[i]);

    bench_hist_t *tick = club_malloc(sizeof *tick), *sofar = club_malloc(sizeof *sofar);
    bench_hist_init(tick);
    bench_hist_init(sofar);
    next = t0 + 1000000000LL;
    uint64_t last_done = 0, last_open_n = st.open;
    int64_t last_t = t0;
    bool interrupted = false;
    for (;;) {
        bool all = true;
        for (uint32_t i = 0; i < T; i++)
            if (!atomic_load(&g->threads[i].run_done)) all = false;
        if (all) break;
        if (s_sigint && !interrupted) {
            interrupted = true;
            int64_t now = bench_now_ns();
            if (now < atomic_load(&g->t_end_ns)) atomic_store(&g->t_end_ns, now);
            for (uint32_t i = 0; i < T; i++)
                bench_wake(&g->threads[i]);
            fprintf(stderr, "club-bench: interrupted: stopping and draining (Ctrl-C again to "
                            "quit at once)\n");
        }
        int64_t now = bench_now_ns();
        if (now >= next + 30000000LL) {
            /* 30 ms after the second: each loop hands its histogram over every 100 ms */
            bench_hist_reset(tick);
            for (uint32_t i = 0; i < T; i++) {
                bench_thread_t *t = &g->threads[i];
                pthread_mutex_lock(&t->pub_lock);
                bench_hist_merge(tick, t->pub);
                bench_hist_reset(t->pub);
                pthread_mutex_unlock(&t->pub_lock);
            }
            bench_hist_merge(sofar, tick);
            totals_t s = s_totals(g);
            double dt = (double)(now - last_t) / 1e9;
            double rps = dt > 0 ? (double)(s.done - last_done) / dt : 0;
            double el = (double)(next - t0) / 1e9;
            /* The rate asked for in the middle of the second just ended (--rate-to ramps it). */
            double offered = cfg->rate > 0
                                 ? bench_rate_at(cfg->rate, cfg->rate_to, cfg->duration_s, el - 0.5)
                                 : 0;
            s_sample_add((sample_t){el, rps, (double)bench_hist_percentile(tick, 99) / 1e3,
                                    s.errors, s.open, offered});
            if (!cfg->quiet) {
                char a[32], b[32];
                if (cfg->scenario == BENCH_SC_CONNECT) {
                    fprintf(stderr,
                            "[%5.0fs] open %llu/%u (%+.0f/s) | failed %llu | closed "
                            "%llu\n",
                            el, (unsigned long long)s.open, cfg->conns,
                            dt > 0 ? ((double)s.open - (double)last_open_n) / dt : 0.0,
                            (unsigned long long)s.conn_fail, (unsigned long long)s.closed);
                } else {
                    char of[40] = "";
                    if (cfg->rate_to != cfg->rate) snprintf(of, sizeof of, " (of %.0f)", offered);
                    fprintf(stderr,
                            "[%5.0fs] %9.0f req/s%s | p99 %s (so far %s) | errors %llu | open "
                            "%llu | in flight %llu\n",
                            el, rps, of,
                            s_dur(a, sizeof a, (double)bench_hist_percentile(tick, 99)),
                            s_dur(b, sizeof b, (double)bench_hist_percentile(sofar, 99)),
                            (unsigned long long)s.errors, (unsigned long long)s.open,
                            (unsigned long long)s.inflight);
                }
            }
            last_done = s.done;
            last_open_n = s.open;
            last_t = now;
            next += 1000000000LL;
            if (next < now) next = now + 1000000000LL;
        }
        int64_t wake = now + 20000000LL;
        if (next + 30000000LL > now && next + 30000000LL < wake) wake = next + 30000000LL;
        s_sleep_until(wake);
    }
    int64_t t_stop = bench_now_ns();
    if (cfg->server_pid) rss_after = s_vmrss_kb(cfg->server_pid);
    totals_t fin = s_totals(g);
    atomic_store(&g->phase, BENCH_PH_CLOSE);
    for (uint32_t i = 0; i < T; i++)
        bench_wake(&g->threads[i]);
    for (uint32_t i = 0; i < T; i++)
        pthread_join(g->threads[i].tid, NULL);

    /* ---- merge ---- */
    bench_hist_t *all = club_malloc(sizeof *all), *ops[BENCH_OP__COUNT],
                 *hs = club_malloc(sizeof *hs);
    bench_hist_init(all);
    bench_hist_init(hs);
    uint64_t err[BENCH_OP__COUNT][BENCH_ERR_SLOTS] = {{0}}, err_all[BENCH_ERR_SLOTS] = {0};
    uint64_t done_in_window = 0, unanswered = 0, unmatched = 0, bad_frames = 0, dropped = 0,
             backlog = 0, registered = 0, logins = 0, bonus_ok = 0, bonus_already = 0,
             bonus_fail = 0, refreshes = 0, refresh_fail = 0, push_other = 0;
    int64_t first_open = 0, last_open = 0, last_reply = 0;
    char push_names[64][32];
    uint64_t push_counts[64];
    int npush = 0;
    int close_codes[64];
    uint64_t close_counts[64];
    int nclose = 0;
    for (int k = 0; k < BENCH_OP__COUNT; k++) {
        ops[k] = club_malloc(sizeof *ops[k]);
        bench_hist_init(ops[k]);
    }
    for (uint32_t i = 0; i < T; i++) {
        bench_thread_t *t = &g->threads[i];
        for (int k = 0; k < BENCH_OP__COUNT; k++) {
            bench_hist_merge(ops[k], t->op_hist[k]);
            bench_hist_merge(all, t->op_hist[k]);
            for (size_t e = 0; e < BENCH_ERR_SLOTS; e++) {
                err[k][e] += t->op_err[k][e];
                err_all[e] += t->op_err[k][e];
            }
        }
        bench_hist_merge(hs, t->handshake);
        done_in_window += t->done_in_window;
        unanswered += t->unanswered;
        unmatched += t->unmatched;
        bad_frames += t->bad_frames;
        dropped += t->dropped;
        backlog += t->backlog;
        registered += t->registered;
        logins += t->logins;
        bonus_ok += t->bonus_ok;
        bonus_already += t->bonus_already;
        bonus_fail += t->bonus_fail;
        refreshes += t->refreshes;
        refresh_fail += t->refresh_fail;
        push_other += t->push_other;
        if (t->first_open_ns && (!first_open || t->first_open_ns < first_open))
            first_open = t->first_open_ns;
        if (t->last_open_ns > last_open) last_open = t->last_open_ns;
        if (t->last_reply_ns > last_reply) last_reply = t->last_reply_ns;
        for (int p = 0; p < BENCH_MAX_PUSH_NAMES && t->push_counts[p]; p++) {
            int q = 0;
            while (q < npush && strcmp(push_names[q], t->push_names[p]))
                q++;
            if (q == npush && npush < 64) {
                snprintf(push_names[npush], sizeof push_names[0], "%s", t->push_names[p]);
                push_counts[npush++] = 0;
            }
            if (q < 64) push_counts[q] += t->push_counts[p];
        }
        for (int p = 0; p < BENCH_MAX_CLOSE_CODES && t->close_counts[p]; p++) {
            int q = 0;
            while (q < nclose && close_codes[q] != t->close_codes[p])
                q++;
            if (q == nclose && nclose < 64) {
                close_codes[nclose] = t->close_codes[p];
                close_counts[nclose++] = 0;
            }
            if (q < 64) close_counts[q] += t->close_counts[p];
        }
    }
    uint64_t errors_total = 0;
    for (size_t e = 0; e < BENCH_ERR_SLOTS; e++)
        errors_total += err_all[e];
    int64_t t_end_eff = atomic_load(&g->t_end_ns);
    int64_t win_end = t_end_eff != INT64_MAX ? t_end_eff : (last_reply ? last_reply : t_stop);
    if (win_end > t_stop) win_end = t_stop;
    double run_s = (double)(win_end - t0) / 1e9;
    if (run_s <= 0) run_s = 1e-9;
    double tput = (double)done_in_window / run_s;
    double connect_s = last_open > first_open ? (double)(last_open - first_open) / 1e9 : 0;
    uint64_t opened = hs->count;

    /* ---- report ---- */
    char a[32], b[32], c2[32], d[32], e2[32], f2[32], h2[32];
    printf("club-bench %s  scenario=%s  url=%s  connections=%u  threads=%u", CLUB_VERSION,
           cfg->scenario_name, cfg->url, cfg->conns, T);
    if (cfg->scenario != BENCH_SC_CONNECT) {
        if (cfg->rate > 0 && cfg->rate_to != cfg->rate)
            printf("  rate=%.0f->%.0f/s (open loop, linear over %gs)", cfg->rate, cfg->rate_to,
                   cfg->duration_s);
        else if (cfg->rate > 0)
            printf("  rate=%.0f/s (open loop)", cfg->rate);
        else
            printf("  window=%u", cfg->window);
        if (cfg->think_ms > 0) printf("  think=%gms", cfg->think_ms);
    }
    if (cfg->ramp_s > 0) printf("  ramp=%gs", cfg->ramp_s);
    printf("\n");
    if (cfg->login)
        printf("setup: %.1fs, %llu registered, %llu logged in; daily bonus %llu claimed, %llu "
               "already claimed, %llu failed\n",
               setup_s, (unsigned long long)registered, (unsigned long long)logins,
               (unsigned long long)bonus_ok, (unsigned long long)bonus_already,
               (unsigned long long)bonus_fail);
    printf("connections: %llu opened, %llu failed, %llu closed by the server during the run",
           (unsigned long long)opened, (unsigned long long)fin.conn_fail,
           (unsigned long long)fin.closed);
    for (int i = 0; i < nclose; i++)
        printf("%s%d x%llu", i ? ", " : " (codes: ", close_codes[i],
               (unsigned long long)close_counts[i]);
    printf("%s\n", nclose ? ")" : "");
    if (opened)
        printf("handshake latency: p50 %s  p99 %s  max %s\n",
               s_dur(a, sizeof a, (double)bench_hist_percentile(hs, 50)),
               s_dur(b, sizeof b, (double)bench_hist_percentile(hs, 99)),
               s_dur(c2, sizeof c2, (double)hs->max));
    if (cfg->scenario == BENCH_SC_CONNECT) {
        printf("connect rate: %llu connections in %.2fs = %.0f conn/s; held for %.1fs\n",
               (unsigned long long)opened, connect_s,
               connect_s > 0 ? (double)opened / connect_s : 0, (double)(t_stop - t0) / 1e9);
    }
    if (cfg->server_pid && rss_before >= 0 && rss_after >= 0) {
        printf("server memory (pid %d VmRSS): %ld kB before, %ld kB after", cfg->server_pid,
               rss_before, rss_after);
        if (fin.open)
            printf(" -> %.1f kB per open connection (%llu open)",
                   (double)(rss_after - rss_before) / (double)fin.open,
                   (unsigned long long)fin.open);
        printf("\n");
    }
    if (cfg->scenario != BENCH_SC_CONNECT) {
        printf("requests: %llu sent, %llu answered (%llu ok, %llu errors), %llu unanswered",
               (unsigned long long)fin.sent, (unsigned long long)all->count,
               (unsigned long long)(all->count - errors_total), (unsigned long long)errors_total,
               (unsigned long long)unanswered);
        if (dropped || backlog)
            printf(", %llu not sent (%llu on closed connections, %llu behind schedule at the end)",
                   (unsigned long long)(dropped + backlog), (unsigned long long)dropped,
                   (unsigned long long)backlog);
        printf("\n");
        printf("throughput: %.0f req/s (%llu replies in %.2fs)\n", tput,
               (unsigned long long)done_in_window, run_s);
        if (errors_total) {
            printf("errors by code:");
            for (size_t e = 0; e < BENCH_ERR_SLOTS; e++)
                if (err_all[e])
                    printf(" %s %llu",
                           e == BENCH_ERR_OTHER ? "OTHER" : club_err_name((club_err_t)e),
                           (unsigned long long)err_all[e]);
            printf("\n");
        }
        printf("latency%s: min %s  mean %s  p50 %s  p90 %s  p99 %s  p99.9 %s  max %s\n",
               cfg->rate > 0 ? " (from intended send time)" : "",
               s_dur(a, sizeof a, all->count ? (double)all->min : 0),
               s_dur(b, sizeof b, bench_hist_mean(all)),
               s_dur(c2, sizeof c2, (double)bench_hist_percentile(all, 50)),
               s_dur(d, sizeof d, (double)bench_hist_percentile(all, 90)),
               s_dur(e2, sizeof e2, (double)bench_hist_percentile(all, 99)),
               s_dur(f2, sizeof f2, (double)bench_hist_percentile(all, 99.9)),
               s_dur(h2, sizeof h2, (double)all->max));
        int used = 0;
        for (int k = 0; k < BENCH_OP__COUNT; k++)
            used += ops[k]->count > 0;
        if (used > 1)
            for (int k = 0; k < BENCH_OP__COUNT; k++) {
                if (!ops[k]->count) continue;
                uint64_t ek = 0;
                for (size_t e = 0; e < BENCH_ERR_SLOTS; e++)
                    ek += err[k][e];
                printf("  %-15s %10llu  errors %-8llu p50 %-9s p99 %-9s max %s\n",
                       bench_op_names[k], (unsigned long long)ops[k]->count, (unsigned long long)ek,
                       s_dur(a, sizeof a, (double)bench_hist_percentile(ops[k], 50)),
                       s_dur(b, sizeof b, (double)bench_hist_percentile(ops[k], 99)),
                       s_dur(c2, sizeof c2, (double)ops[k]->max));
            }
        if (fin.pushes) {
            printf("pushes: %llu", (unsigned long long)fin.pushes);
            for (int i = 0; i < npush; i++)
                printf("%s%s %llu", i ? ", " : " (", push_names[i],
                       (unsigned long long)push_counts[i]);
            if (push_other)
                printf("%sother %llu", npush ? ", " : " (", (unsigned long long)push_other);
            printf("%s\n", npush || push_other ? ")" : "");
        }
        if (refreshes || refresh_fail)
            printf("token refreshes: %llu done, %llu failed\n", (unsigned long long)refreshes,
                   (unsigned long long)refresh_fail);
    }
    if (unmatched || bad_frames)
        printf("warning: %llu replies with an unknown rid, %llu frames that were not msgpack "
               "maps\n",
               (unsigned long long)unmatched, (unsigned long long)bad_frames);
    if (cfg->scenario != BENCH_SC_CONNECT && all->count == 0)
        printf("warning: no request was answered\n");
    if (interrupted) printf("note: interrupted before the planned end\n");
    if (fin.closed && !fin.open && opened && !interrupted && t_end_eff != INT64_MAX &&
        t_stop < t_end_eff)
        printf("warning: every connection was closed before the planned end; the run stopped "
               "at %.2fs\n",
               (double)(t_stop - t0) / 1e9);

    /* ---- thresholds ---- */
    /* The connect scenario sends no requests: its latency is the handshake's, its rate the
     * connect rate and its errors the connections that failed. */
    bool conn_sc = cfg->scenario == BENCH_SC_CONNECT;
    bench_tinput_t whole = {
        .latency = conn_sc ? hs : all,
        /* Successful replies only: a server that answers RATE_LIMITED fast is not fast. */
        .rps = conn_sc      ? (connect_s > 0 ? (double)opened / connect_s : 0)
               : all->count ? tput * (double)(all->count - errors_total) / (double)all->count
                            : 0,
        .errors = conn_sc ? fin.conn_fail : errors_total + unanswered,
        .requests = conn_sc ? opened + fin.conn_fail : fin.sent,
    };
    bool thr_met[MAX_THRESHOLDS];
    double thr_val[MAX_THRESHOLDS];
    int thr_failed = 0;
    for (int i = 0; i < s_nthr; i++) {
        bench_tinput_t in = whole;
        int k = s_thr[i].op;
        if (k >= 0) {
            uint64_t ek = 0;
            for (size_t e = 0; e < BENCH_ERR_SLOTS; e++)
                ek += err[k][e];
            /* An op's own errors are its error replies, as a share of its replies; requests
             * never answered are not known per op. rps is refused with an op. */
            in = (bench_tinput_t){.latency = ops[k], .errors = ek, .requests = ops[k]->count};
        }
        thr_met[i] = bench_threshold_met(&s_thr[i], &in, &thr_val[i]);
        thr_failed += !thr_met[i];
    }
    if (s_nthr) {
        printf("thresholds: %d of %d met\n", s_nthr - thr_failed, s_nthr);
        for (int i = 0; i < s_nthr; i++) {
            const bench_threshold_t *t = &s_thr[i];
            char v[48];
            if (thr_val[i] < 0)
                snprintf(v, sizeof v, "no replies");
            else if (t->metric == BENCH_TM_RPS)
                snprintf(v, sizeof v, "%.0f %s", thr_val[i], conn_sc ? "conn/s" : "req/s");
            else if (t->metric == BENCH_TM_ERRORS)
                snprintf(v, sizeof v, "%.0f errors", thr_val[i]);
            else if (t->metric == BENCH_TM_ERROR_RATE)
                snprintf(v, sizeof v, "%.3f %% errors", thr_val[i]);
            else
                s_dur(v, sizeof v, thr_val[i]);
            printf("  %-8s %-28s %s\n", thr_met[i] ? "met" : "NOT met", t->text, v);
        }
    }

    /* ---- JSON ---- */
    if (cfg->json_file) {
        FILE *f = fopen(cfg->json_file, "w");
        if (!f) {
            fprintf(stderr, "club-bench: cannot write %s: %s\n", cfg->json_file, strerror(errno));
        } else {
            fprintf(f, "{\n  \"tool\": \"club-bench\", \"version\": \"%s\",\n  \"scenario\": ",
                    CLUB_VERSION);
            s_json_str(f, cfg->scenario_name);
            fprintf(f, ", \"url\": ");
            s_json_str(f, cfg->url);
            fprintf(
                f,
                ",\n  \"config\": {\"connections\": %u, \"threads\": %u, \"window\": %u, "
                "\"think_ms\": %g, \"rate\": %g, \"rate_to\": %g, \"ramp_s\": %g, "
                "\"duration_s\": %g, \"requests\": %llu, \"bet\": %lld, \"interrupted\": %s},\n",
                cfg->conns, T, cfg->window, cfg->think_ms, cfg->rate, cfg->rate_to, cfg->ramp_s,
                cfg->duration_s, (unsigned long long)cfg->nreq, (long long)cfg->bet,
                interrupted ? "true" : "false");
            fprintf(f,
                    "  \"setup\": {\"seconds\": %.3f, \"registered\": %llu, \"logged_in\": %llu, "
                    "\"bonus_claimed\": %llu, \"bonus_already\": %llu, \"bonus_failed\": %llu},\n",
                    setup_s, (unsigned long long)registered, (unsigned long long)logins,
                    (unsigned long long)bonus_ok, (unsigned long long)bonus_already,
                    (unsigned long long)bonus_fail);
            fprintf(f,
                    "  \"connections\": {\"opened\": %llu, \"failed\": %llu, "
                    "\"closed_by_server\": %llu, \"close_codes\": {",
                    (unsigned long long)opened, (unsigned long long)fin.conn_fail,
                    (unsigned long long)fin.closed);
            for (int i = 0; i < nclose; i++)
                fprintf(f, "%s\"%d\": %llu", i ? ", " : "", close_codes[i],
                        (unsigned long long)close_counts[i]);
            fprintf(f,
                    "}, \"connect_seconds\": %.3f, \"connect_rate\": %.1f, "
                    "\"handshake_latency_us\": ",
                    connect_s, connect_s > 0 ? (double)opened / connect_s : 0.0);
            s_json_lat(f, hs);
            fprintf(f, "},\n");
            if (cfg->server_pid)
                fprintf(f,
                        "  \"server_memory\": {\"pid\": %d, \"rss_before_kb\": %ld, "
                        "\"rss_after_kb\": %ld, \"kb_per_connection\": %.3f},\n",
                        cfg->server_pid, rss_before, rss_after,
                        rss_before >= 0 && rss_after >= 0 && fin.open
                            ? (double)(rss_after - rss_before) / (double)fin.open
                            : 0.0);
            fprintf(f,
                    "  \"requests\": {\"sent\": %llu, \"answered\": %llu, \"ok\": %llu, "
                    "\"errors\": %llu, \"unanswered\": %llu, \"dropped\": %llu, "
                    "\"backlog\": %llu, \"unmatched\": %llu, \"bad_frames\": %llu},\n",
                    (unsigned long long)fin.sent, (unsigned long long)all->count,
                    (unsigned long long)(all->count - errors_total),
                    (unsigned long long)errors_total, (unsigned long long)unanswered,
                    (unsigned long long)dropped, (unsigned long long)backlog,
                    (unsigned long long)unmatched, (unsigned long long)bad_frames);
            fprintf(f, "  \"run_seconds\": %.3f, \"throughput_rps\": %.1f,\n", run_s, tput);
            fprintf(f, "  \"errors_by_code\": ");
            s_json_errs(f, err_all);
            fprintf(f, ",\n  \"latency_us\": ");
            s_json_lat(f, all);
            fprintf(f, ",\n  \"latency_from\": \"%s\",\n  \"ops\": {",
                    cfg->rate > 0 ? "intended_send_time" : "send_time");
            bool first = true;
            for (int k = 0; k < BENCH_OP__COUNT; k++) {
                if (!ops[k]->count) continue;
                uint64_t ek = 0;
                for (size_t e = 0; e < BENCH_ERR_SLOTS; e++)
                    ek += err[k][e];
                fprintf(f,
                        "%s\n    \"%s\": {\"count\": %llu, \"errors\": %llu, \"errors_by_code\": ",
                        first ? "" : ",", bench_op_names[k], (unsigned long long)ops[k]->count,
                        (unsigned long long)ek);
                s_json_errs(f, err[k]);
                fprintf(f, ", \"latency_us\": ");
                s_json_lat(f, ops[k]);
                fprintf(f, "}");
                first = false;
            }
            fprintf(f, "%s},\n  \"pushes\": {\"total\": %llu, \"by_event\": {", first ? "" : "\n  ",
                    (unsigned long long)fin.pushes);
            for (int i = 0; i < npush; i++) {
                fprintf(f, "%s", i ? ", " : "");
                s_json_str(f, push_names[i]);
                fprintf(f, ": %llu", (unsigned long long)push_counts[i]);
            }
            fprintf(f, "}},\n  \"token_refreshes\": %llu, \"token_refresh_failures\": %llu,\n",
                    (unsigned long long)refreshes, (unsigned long long)refresh_fail);
            fprintf(f, "  \"thresholds\": [");
            for (int i = 0; i < s_nthr; i++) {
                const bench_threshold_t *t = &s_thr[i];
                bool lat = t->metric == BENCH_TM_PERCENTILE || t->metric == BENCH_TM_MEAN ||
                           t->metric == BENCH_TM_MAX;
                const char *unit = lat                            ? "us"
                                   : t->metric == BENCH_TM_RPS    ? (conn_sc ? "conn/s" : "req/s")
                                   : t->metric == BENCH_TM_ERRORS ? "count"
                                                                  : "percent";
                fprintf(f, "%s\n    {\"threshold\": ", i ? "," : "");
                s_json_str(f, t->text);
                if (thr_val[i] < 0)
                    fprintf(f, ", \"met\": false, \"observed\": null, \"unit\": \"%s\"}", unit);
                else
                    fprintf(f, ", \"met\": %s, \"observed\": %.3f, \"unit\": \"%s\"}",
                            thr_met[i] ? "true" : "false", lat ? thr_val[i] / 1e3 : thr_val[i],
                            unit);
            }
            fprintf(f, "%s],\n", s_nthr ? "\n  " : "");
            fprintf(f, "  \"per_second\": [");
            for (size_t i = 0; i < s_nsamples; i++)
                fprintf(f,
                        "%s\n    {\"t\": %.1f, \"rps\": %.1f, \"offered\": %.1f, \"p99_us\": %.1f, "
                        "\"errors\": %llu, \"open\": %llu}",
                        i ? "," : "", s_samples[i].t, s_samples[i].rps, s_samples[i].offered,
                        s_samples[i].p99_us, (unsigned long long)s_samples[i].errors,
                        (unsigned long long)s_samples[i].open);
            fprintf(f, "%s]\n}\n", s_nsamples ? "\n  " : "");
            if (fclose(f) != 0)
                fprintf(stderr, "club-bench: writing %s: %s\n", cfg->json_file, strerror(errno));
        }
    }

    for (int k = 0; k < BENCH_OP__COUNT; k++)
        free(ops[k]);
    free(all);
    free(hs);
    free(tick);
    free(sofar);
    s_cleanup(g, args);
    if (opened == 0) {
        fprintf(stderr, "club-bench: no connection could be opened to %s\n", cfg->url);
        return 1;
    }
    /* A run that sent nothing measured nothing (the server closed every connection first):
     * that is a failed setup, not a result. Holding idle connections sends nothing. */
    if (fin.sent == 0 && cfg->scenario != BENCH_SC_CONNECT) {
        fprintf(stderr,
                "club-bench: no request was sent (connections closed: %llu); nothing "
                "was measured\n",
                (unsigned long long)fin.closed);
        return 1;
    }
    if (thr_failed) {
        fprintf(stderr, "club-bench: %d of %d thresholds not met\n", thr_failed, s_nthr);
        return 3;
    }
    return 0;
}
