/* bench: the pieces of club-bench shared between its files.
 *
 *   main.c   flags, credentials, the threads, the once-a-second progress line, the report
 *   loop.c   one event loop per thread: connections, login, the scenario
 *   hist.c   latency histograms        threshold.c  --threshold expressions
 *
 * The WebSocket client (lib/client/ws.c, on the framing of lib/client/wsframe.c) and the
 * msgpack reader (lib/client/mpr.c) are shared with club-bench-echo and the tests.
 *
 * Threads share nothing on the hot path. Each loop owns its connections and its results; what
 * the reporter reads while a loop runs is a handful of counters (single writer, relaxed
 * atomics) and a latency histogram handed over under a mutex every 100 ms. The final
 * histograms and tables are read by main only after pthread_join. */
#ifndef CLUB_BENCH_H
#define CLUB_BENCH_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

#include "hist.h"
#include "msg.h"

typedef enum {
    BENCH_SC_CONNECT,
    BENCH_SC_PING,
    BENCH_SC_SPIN,
    BENCH_SC_ROULETTE,
    BENCH_SC_MIXED,
    BENCH_SC_GACHA,
} bench_scenario_t;

/* The ops a scenario sends; results are kept per op. */
typedef enum {
    BENCH_OP_PING,
    BENCH_OP_SLOT,
    BENCH_OP_ROULETTE,
    BENCH_OP_RPS,
    BENCH_OP_BALANCE,
    BENCH_OP_GACHA,
    BENCH_OP__COUNT
} bench_op_t;

extern const char *const bench_op_names[BENCH_OP__COUNT];

/* Error tables are indexed by club_err_t; one more slot for a code this build does not know
 * (or an error reply without one). */
#define BENCH_ERR_OTHER CLUB_E__COUNT
#define BENCH_ERR_SLOTS (CLUB_E__COUNT + 1)

/* Phases, set by main, read by every loop. */
enum {
    BENCH_PH_SETUP, /* open connections (and log in) before the clock starts */
    BENCH_PH_RUN,   /* t0 is set: run the scenario until t_end or the request budget */
    BENCH_PH_CLOSE, /* results are in: close the connections and return */
    BENCH_PH_ABORT, /* setup failed: return at once */
};

/* How a connection gets its user. */
enum { BENCH_CRED_REGISTER, BENCH_CRED_LOGIN, BENCH_CRED_LOGIN_OR_REGISTER };

typedef struct {
    char user[24];
    char pass[132];
    uint8_t mode;
} bench_cred_t;

typedef struct {
    bench_scenario_t scenario;
    const char *scenario_name;
    uint32_t conns;
    uint32_t threads;
    uint32_t window;
    uint32_t max_inflight; /* open loop: per connection */
    double think_ms;
    double rate;    /* open loop total req/s; 0 = closed loop */
    double rate_to; /* open loop: the rate at the end of -d, reached linearly (== rate: constant) */
    double ramp_s;
    double duration_s; /* 0 = until the request budget is spent */
    double drain_s;
    uint64_t nreq; /* 0 = no budget */
    int64_t bet;
    const char *banner; /* the gacha scenario's banner */
    char url[600];
    char host[256];
    char path[256];
    int port;
    struct sockaddr_storage addr;
    socklen_t addrlen;
    const char *invite;
    const char *login_pool;
    const char *password;
    const char *users_file;
    const char *json_file;
    int server_pid;
    uint32_t auth_conc;    /* logins in flight, all threads together */
    uint32_t connect_conc; /* handshakes in flight, all threads together */
    bool login;            /* the scenario's connections log in during setup */
    bool bonus;            /* claim wallet.daily_bonus after login */
    bool quiet;
} bench_cfg_t;

/* Single-writer counters: the owning loop adds, the reporter reads. */
typedef _Atomic uint64_t bench_ctr_t;

static inline void bench_ctr_add(bench_ctr_t *c, uint64_t n)
{
    atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + n,
                          memory_order_relaxed);
}

static inline void bench_ctr_sub(bench_ctr_t *c, uint64_t n)
{
    atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) - n,
                          memory_order_relaxed);
}

static inline uint64_t bench_ctr_get(bench_ctr_t *c)
{
    return atomic_load_explicit(c, memory_order_relaxed);
}

#define BENCH_MAX_PUSH_NAMES  16
#define BENCH_MAX_CLOSE_CODES 8

typedef struct bench_loop bench_loop_t;

/* One thread's share of the run. Counters are live; the rest is final after join. */
typedef struct {
    uint32_t index;
    uint32_t nconns;
    uint64_t budget; /* requests this thread may send; UINT64_MAX = no limit */
    double rate;     /* this thread's share of --rate */
    double rate_to;  /* and of --rate-to (== rate when there is no ramp) */
    pthread_t tid;
    bench_loop_t *loop;

    /* live */
    bench_ctr_t sent, done, errors, pushes;
    bench_ctr_t open;      /* connections with the WebSocket up */
    bench_ctr_t conn_fail; /* connect or handshake failures */
    bench_ctr_t closed;    /* closed by the server or the network during the run */
    bench_ctr_t logged_in; /* setup logins/registrations done */
    bench_ctr_t setup_fail;
    bench_ctr_t inflight;
    _Atomic int setup_done; /* every setup connection is ready or failed */
    _Atomic int run_done;   /* stopped and drained (or the drain timed out) */

    int wake_fd; /* eventfd in the loop's epoll set: main writes to it on a phase change */

    pthread_mutex_t pub_lock;
    bench_hist_t *pub; /* latency since the reporter last took it */

    /* final */
    bench_hist_t *op_hist[BENCH_OP__COUNT];
    bench_hist_t *handshake; /* TCP connect start -> 101, every connection */
    uint64_t op_err[BENCH_OP__COUNT][BENCH_ERR_SLOTS];
    uint64_t done_in_window; /* replies that arrived before t_end (for the throughput) */
    uint64_t unanswered;     /* requests still waiting when the drain ended or the conn died */
    uint64_t unmatched;      /* replies with a rid nothing waits for */
    uint64_t bad_frames;     /* not msgpack maps, text frames */
    uint64_t dropped;        /* open loop: send slots that fell on a closed connection */
    uint64_t backlog;        /* open loop: scheduled but not yet sent when the run ended */
    int64_t last_reply_ns;
    uint64_t registered, logins, bonus_ok, bonus_already, bonus_fail, refreshes, refresh_fail;
    int64_t first_open_ns, last_open_ns; /* connect scenario: the span of handshakes */
    char push_names[BENCH_MAX_PUSH_NAMES][32];
    uint64_t push_counts[BENCH_MAX_PUSH_NAMES];
    uint64_t push_other;
    int close_codes[BENCH_MAX_CLOSE_CODES];
    uint64_t close_counts[BENCH_MAX_CLOSE_CODES];
} bench_thread_t;

typedef struct {
    bench_cfg_t cfg;
    bench_cred_t *creds; /* cfg.conns entries by global connection index; NULL without login */
    char run_id[9];      /* 8 hex chars, random per run: keeps idem keys unique across runs */
    _Atomic int phase;
    _Atomic int64_t t0_ns;    /* CLOCK_MONOTONIC ns when the run phase began */
    _Atomic int64_t t_end_ns; /* stop sending at; INT64_MAX when only a budget ends the run */
    _Atomic int auth_slots;
    _Atomic int connect_slots;

    pthread_mutex_t lock; /* fatal and users_out */
    _Atomic int fatal_set;
    char fatal[600];
    FILE *users_out;

    uint32_t nthreads;
    bench_thread_t *threads;
} bench_shared_t;

/* Monotonic nanoseconds. */
int64_t bench_now_ns(void);

/* Records why setup cannot go on (the first reason wins); main then aborts with exit 1. */
void bench_fatal(bench_shared_t *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Wakes thread t's loop at once (after main changes the phase). */
void bench_wake(bench_thread_t *t);

/* Runs thread t's loop to the end (the pthread start routine's body). */
void *bench_loop_main(void *arg);

typedef struct {
    bench_shared_t *g;
    bench_thread_t *t;
} bench_loop_arg_t;

#endif
