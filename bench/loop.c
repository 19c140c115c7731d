/* loop: one club-bench event loop; --threads runs several, each with its own connections.
 *
 * A connection goes IDLE -> CONNECTING (non-blocking connect) -> HANDSHAKE (Upgrade sent,
 * waiting for 101) -> [AUTH_WAIT -> AUTH -> BONUS] -> READY (setup done, waiting for the
 * clock) -> RUN -> DOWN. Connections of the connect scenario (and of ping with --ramp) are
 * opened in the run phase; every other scenario opens and logs in all its connections before
 * the clock starts, so Argon2 time never counts as load.
 *
 * The WebSocket itself (handshake, frames, masking, pings, close) is lib/client's club_ws, the
 * same client the tests use; this file owns the sockets and the epoll set and says when to
 * read and write.
 *
 * Hot path, per wake-up of a connection: one recv() into its club_ws buffer, every whole
 * message in it handed out in place (club_mpr_reply reads only rid, ok, ev and error.code),
 * one histogram record per reply, the refill requests copied from pre-encoded templates
 * straight into the send queue with rid and idem patched in and masked 8 bytes at a time,
 * one send(). Nothing on that path allocates: buffers grow to the working size during the
 * first round trips and are then reused.
 *
 * Request ids: each connection counts its own rids and keeps a ring of slots indexed by
 * rid & mask (send time, op). Replies may come out of order (a wallet.balance can overtake a
 * slot.spin), so a new rid whose slot is still taken is skipped, never reused. */
#include "bench.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "client/mpr.h"
#include "client/ws.h"
#include "schedule.h"
#include "util.h"

#define S_REFRESH_EARLY_S 60          /* refresh access tokens this long before expiry */
#define S_PUB_NS          100000000LL /* hand the latency histogram over every 100 ms */
#define S_IDEM_LEN        32          /* run id 8 hex + connection 8 hex + sequence 16 hex */
#define S_WAKE_ID         UINT32_MAX  /* epoll data of the wake-up eventfd */

enum {
    CS_IDLE,
    CS_CONNECTING,
    CS_HANDSHAKE,
    CS_AUTH_WAIT,
    CS_AUTH,
    CS_BONUS,
    CS_READY,
    CS_RUN,
    CS_DOWN,
};

/* Control requests (setup and token refresh): decoded with msgpack-c, not timed. */
enum { CTRL_NONE, CTRL_REGISTER, CTRL_LOGIN, CTRL_BONUS, CTRL_REFRESH, CTRL_TOKEN };

/* Pre-encoded request templates. */
enum { T_PING, T_SLOT, T_ROULETTE, T_RPS0, T_RPS1, T_RPS2, T_BALANCE, T_GACHA, T__COUNT };
static const uint8_t s_tmpl_op[T__COUNT] = {BENCH_OP_PING,    BENCH_OP_SLOT, BENCH_OP_ROULETTE,
                                            BENCH_OP_RPS,     BENCH_OP_RPS,  BENCH_OP_RPS,
                                            BENCH_OP_BALANCE, BENCH_OP_GACHA};

typedef struct {
    uint8_t buf[192];
    uint16_t len;
    uint16_t rid_off;  /* 4 bytes, big-endian, after a 0xce marker */
    uint16_t idem_off; /* S_IDEM_LEN chars; 0 when the op takes no idem */
} tmpl_t;

typedef struct {
    int64_t t; /* send time (closed loop) or intended send time (open loop), ns */
    uint32_t rid;
    uint8_t busy;
    uint8_t op;
    uint8_t ctrl;
} slot_t;

typedef struct {
    int fd;
    uint8_t state;
    bool open_in_run; /* opened at its ramp time rather than during setup */
    bool start_due;   /* its ramp time has come */
    bool started;     /* running the scenario */
    bool want_out;    /* EPOLLOUT registered */
    bool dirty;       /* in the loop's flush list */
    bool refreshing;
    bool attempt_register;
    bool counted_open;
    uint8_t auth_tries;
    uint32_t j;    /* index in this loop */
    uint32_t gidx; /* index over all threads (credentials, ramp order) */

    /* The protocol state and both buffers. Owned by the loop from s_loop_new to
     * s_loop_destroy: a connection that goes down keeps it, since callers up the stack may
     * still hold a message that lies in its buffer. */
    club_ws_t *ws;

    uint64_t rng;
    slot_t *ring;
    uint32_t ring_mask;
    uint32_t next_rid;
    uint32_t inflight;     /* all requests, control ones included */
    uint32_t inflight_scn; /* scenario requests */
    uint64_t idem_seq;
    char idem_conn[8]; /* this connection's part of the idem, hex */

    uint32_t credit; /* closed loop: requests that may be sent now */
    uint32_t owed;   /* open loop: scheduled, not yet sent */
    uint64_t owed_k; /* open loop: schedule step of the oldest owed request */

    int64_t t_open;     /* when connect() was called */
    int64_t retry_at;   /* AUTH_WAIT: not before */
    int64_t refresh_at; /* unix seconds to refresh the access token at; 0 never */
    char *access;
    char *refresh;
    bench_cred_t *cred;
} conn_t;

typedef struct {
    uint32_t j;
    int64_t due;
} think_timer_t;

struct bench_loop {
    bench_shared_t *g;
    bench_thread_t *t;
    const bench_cfg_t *cfg;
    int ep;
    bool pwait2; /* epoll_pwait2 works (sub-millisecond timeouts) */

    conn_t *conns;
    uint32_t n;
    tmpl_t tmpl[T__COUNT];
    uint32_t ring_size;

    /* opening */
    uint32_t next_open;  /* conns [0, next_open) have been opened (or given up) */
    uint32_t open_limit; /* conns below this may be opened now */
    uint32_t connecting;
    uint32_t conc;
    uint32_t setup_pending;
    uint32_t alive; /* WebSocket up, not down */

    /* login queue (FIFO of conn indices) */
    uint32_t *authq;
    uint32_t aq_head, aq_len;

    uint32_t *dirty;
    uint32_t ndirty;

    /* think time: replies come in time order, so due times do too: a FIFO is a timer wheel */
    think_timer_t *tq;
    uint32_t tq_head, tq_len, tq_cap;

    /* run */
    bool running, stopping, finished;
    int64_t t0, t_end, drain_until;
    int64_t think_ns;
    int64_t ramp_ns;
    uint32_t next_start; /* ramp cursor */
    bool paced;          /* open loop with a share of the rate: sends follow schedule.h */
    uint64_t sched_k;    /* open loop: next schedule step */
    uint64_t scheduled;  /* open loop: steps given to a live connection */
    uint64_t owed_total;
    uint64_t budget; /* requests this loop may still send (UINT64_MAX: no limit) */
    uint64_t sent;
    uint64_t inflight; /* scenario requests in flight, all connections */
    int64_t next_pub;
    int64_t next_refresh_scan;

    bench_hist_t *tick;
    msgpack_sbuffer sb;
    msgpack_packer pk;
    uint64_t rng;
};

/* ---- small helpers ---- */

int64_t bench_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

void bench_wake(bench_thread_t *t)
{
    uint64_t one = 1;
    if (t->wake_fd >= 0) (void)!write(t->wake_fd, &one, sizeof one);
}

void bench_fatal(bench_shared_t *g, const char *fmt, ...)
{
    pthread_mutex_lock(&g->lock);
    if (!atomic_load(&g->fatal_set)) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(g->fatal, sizeof g->fatal, fmt, ap);
        va_end(ap);
        atomic_store(&g->fatal_set, 1);
    }
    pthread_mutex_unlock(&g->lock);
}

static inline uint64_t s_rand(uint64_t *s)
{
    /* xorshift64*: fast, good enough for mask keys and the mixed scenario's dice */
    uint64_t x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * 0x2545F4914F6CDD1DULL;
}

static const char s_hex[16] = "0123456789abcdef";

static void s_hex_u64(char *out, uint64_t v, int digits)
{
    for (int i = digits - 1; i >= 0; i--) {
        out[i] = s_hex[v & 15];
        v >>= 4;
    }
}

static uint32_t s_pow2(uint32_t v)
{
    uint32_t p = 1;
    while (p < v)
        p <<= 1;
    return p;
}

/* The exp claim of a JWT (unix seconds), 0 when it cannot be read. */
static int64_t s_jwt_exp(const char *tok)
{
    const char *a = strchr(tok, '.');
    const char *b = a ? strchr(a + 1, '.') : NULL;
    if (!b) return 0;
    char json[2048];
    size_t n = 0;
    uint32_t acc = 0;
    int bits = 0;
    for (const char *p = a + 1; p < b && n < sizeof json - 1; p++) {
        int v;
        char ch = *p;
        if (ch >= 'A' && ch <= 'Z')
            v = ch - 'A';
        else if (ch >= 'a' && ch <= 'z')
            v = ch - 'a' + 26;
        else if (ch >= '0' && ch <= '9')
            v = ch - '0' + 52;
        else if (ch == '-' || ch == '+')
            v = 62;
        else if (ch == '_' || ch == '/')
            v = 63;
        else if (ch == '=')
            break;
        else
            return 0;
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            json[n++] = (char)((acc >> bits) & 0xff);
        }
    }
    json[n] = '\0';
    const char *e = strstr(json, "\"exp\"");
    if (!e) return 0;
    e += 5;
    while (*e == ' ' || *e == ':')
        e++;
    return strtoll(e, NULL, 10);
}

/* ---- templates ---- */

/* Packs {"rid": <u32 placeholder>, "op": op, ["args": ...], ["idem": <placeholder>]} with
 * msgpack-c, recording where the placeholders are. `args` packs the args value (NULL: none). */
static void s_tmpl_build(bench_loop_t *L, tmpl_t *t, const char *op, bool idem,
                         void (*args)(msgpack_packer *pk, const bench_cfg_t *cfg, int v), int v)
{
    msgpack_sbuffer_clear(&L->sb);
    msgpack_packer *pk = &L->pk;
    msgpack_pack_map(pk, 2 + (args ? 1 : 0) + (idem ? 1 : 0));
    club_pk_str(pk, "rid");
    static const uint8_t u32[5] = {0xce, 0, 0, 0, 0};
    msgpack_sbuffer_write(&L->sb, (const char *)u32, sizeof u32);
    t->rid_off = (uint16_t)(L->sb.size - 4);
    club_pk_str(pk, "op");
    club_pk_str(pk, op);
    if (args) {
        club_pk_str(pk, "args");
        args(pk, L->cfg, v);
    }
    t->idem_off = 0;
    if (idem) {
        club_pk_str(pk, "idem");
        msgpack_pack_str(pk, S_IDEM_LEN);
        t->idem_off = (uint16_t)L->sb.size;
        char id[S_IDEM_LEN];
        memcpy(id, L->g->run_id, 8);
        memset(id + 8, '0', S_IDEM_LEN - 8);
        msgpack_sbuffer_write(&L->sb, id, S_IDEM_LEN);
    }
    if (L->sb.size > sizeof t->buf) abort(); /* programmer error: templates are tiny */
    memcpy(t->buf, L->sb.data, L->sb.size);
    t->len = (uint16_t)L->sb.size;
}

static void s_args_bet(msgpack_packer *pk, const bench_cfg_t *cfg, int v)
{
    (void)v;
    msgpack_pack_map(pk, 1);
    club_pk_kv_int(pk, "bet", cfg->bet);
}

static void s_args_roulette(msgpack_packer *pk, const bench_cfg_t *cfg, int v)
{
    (void)v;
    msgpack_pack_map(pk, 1);
    club_pk_str(pk, "bets");
    msgpack_pack_array(pk, 1);
    msgpack_pack_map(pk, 2);
    club_pk_kv_str(pk, "type", "red");
    club_pk_kv_int(pk, "amount", cfg->bet);
}

static void s_args_rps(msgpack_packer *pk, const bench_cfg_t *cfg, int v)
{
    static const char *choice[3] = {"rock", "paper", "scissors"};
    msgpack_pack_map(pk, 2);
    club_pk_kv_str(pk, "choice", choice[v]);
    club_pk_kv_int(pk, "bet", cfg->bet);
}

static void s_args_gacha(msgpack_packer *pk, const bench_cfg_t *cfg, int v)
{
    (void)v;
    msgpack_pack_map(pk, 2);
    club_pk_kv_str(pk, "banner_id", cfg->banner);
    club_pk_kv_int(pk, "count", 1);
}

static void s_templates(bench_loop_t *L)
{
    s_tmpl_build(L, &L->tmpl[T_PING], "sys.ping", false, NULL, 0);
    s_tmpl_build(L, &L->tmpl[T_SLOT], "slot.spin", true, s_args_bet, 0);
    s_tmpl_build(L, &L->tmpl[T_ROULETTE], "roulette.spin", true, s_args_roulette, 0);
    for (int i = 0; i < 3; i++)
        s_tmpl_build(L, &L->tmpl[T_RPS0 + i], "rps.play", true, s_args_rps, i);
    s_tmpl_build(L, &L->tmpl[T_BALANCE], "wallet.balance", false, NULL, 0);
    s_tmpl_build(L, &L->tmpl[T_GACHA], "gacha.pull", true, s_args_gacha, 0);
}

/* ---- I/O ---- */

static void s_interest(bench_loop_t *L, conn_t *c, bool want_out)
{
    if (c->want_out == want_out || c->fd < 0) return;
    struct epoll_event ev = {.events = EPOLLIN | (want_out ? EPOLLOUT : 0), .data.u32 = c->j};
    epoll_ctl(L->ep, EPOLL_CTL_MOD, c->fd, &ev);
    c->want_out = want_out;
}

static void s_close_code(bench_thread_t *t, int code)
{
    for (int i = 0; i < BENCH_MAX_CLOSE_CODES; i++) {
        if (t->close_counts[i] && t->close_codes[i] == code) {
            t->close_counts[i]++;
            return;
        }
        if (!t->close_counts[i]) {
            t->close_codes[i] = code;
            t->close_counts[i] = 1;
            return;
        }
    }
}

static void s_setup_finished_one(bench_loop_t *L)
{
    if (L->setup_pending && --L->setup_pending == 0) atomic_store(&L->t->setup_done, 1);
}

/* The connection is over: close it, count what it leaves behind. Its buffers stay until the
 * loop ends (callers up the stack may still hold pointers into them). */
static void s_down(bench_loop_t *L, conn_t *c, int code, const char *why)
{
    if (c->state == CS_DOWN) return;
    bench_thread_t *t = L->t;
    uint8_t was = c->state;
    if (c->fd >= 0) {
        close(c->fd); /* also leaves the epoll set */
        c->fd = -1;
    }
    if (was == CS_CONNECTING || was == CS_HANDSHAKE) {
        L->connecting--;
        bench_ctr_add(&t->conn_fail, 1);
    }
    if (c->counted_open) {
        c->counted_open = false;
        bench_ctr_sub(&t->open, 1);
        L->alive--;
    }
    if (was == CS_AUTH) atomic_fetch_add(&L->g->auth_slots, 1);
    c->state = CS_DOWN;
    t->unanswered += c->inflight_scn;
    L->inflight -= c->inflight_scn;
    bench_ctr_sub(&t->inflight, c->inflight_scn);
    c->inflight = c->inflight_scn = 0;
    if (c->owed) {
        t->dropped += c->owed;
        L->owed_total -= c->owed;
        c->owed = 0;
    }
    bool in_setup = !c->open_in_run && was < CS_READY;
    if (in_setup) {
        bench_ctr_add(&t->setup_fail, 1);
        s_setup_finished_one(L);
        bench_fatal(L->g, "connection %u to %s failed during setup: %s", c->gidx, L->cfg->url, why);
    } else if (was == CS_READY || was == CS_RUN) {
        bench_ctr_add(&t->closed, 1);
        s_close_code(t, code);
    }
}

/* Writes what is queued; arms EPOLLOUT when the socket is full. */
static void s_flush(bench_loop_t *L, conn_t *c)
{
    int r = club_ws_send(c->ws, c->fd);
    if (r < 0)
        s_down(L, c, 1006, club_ws_error(c->ws));
    else
        s_interest(L, c, r == 0);
}

static void s_mark(bench_loop_t *L, conn_t *c)
{
    if (!c->dirty) {
        c->dirty = true;
        L->dirty[L->ndirty++] = c->j;
    }
}

/* ---- requests ---- */

/* A free slot for a new request, or NULL when the ring is full. */
static slot_t *s_slot(conn_t *c, uint32_t *rid_out)
{
    if (c->inflight > c->ring_mask) return NULL;
    uint32_t rid = c->next_rid;
    for (;;) {
        if (rid == 0) rid = 1;
        slot_t *s = &c->ring[rid & c->ring_mask];
        if (!s->busy) {
            s->busy = 1;
            s->rid = rid;
            c->next_rid = rid + 1;
            c->inflight++;
            *rid_out = rid;
            return s;
        }
        rid++;
    }
}

/* Sends one scenario request: the template copied, rid and idem patched, masked in place. */
static void s_issue(bench_loop_t *L, conn_t *c, int64_t stamp)
{
    int ti;
    switch (L->cfg->scenario) {
    case BENCH_SC_PING:
        ti = T_PING;
        break;
    case BENCH_SC_SPIN:
        ti = T_SLOT;
        break;
    case BENCH_SC_ROULETTE:
        ti = T_ROULETTE;
        break;
    case BENCH_SC_GACHA:
        /* Half the players pull, half spin, so one run measures both side by side. (One
         * player alternating the two costs a retry at each switch: the nonce both share is
         * cached by two workers.) */
        ti = c->gidx % 2 ? T_SLOT : T_GACHA;
        break;
    default: {
        uint64_t r = s_rand(&c->rng);
        uint32_t d = (uint32_t)((r >> 32) % 100u);
        if (d < 60)
            ti = T_SLOT;
        else if (d < 80)
            ti = T_ROULETTE;
        else if (d < 90)
            ti = T_RPS0 + (int)((r & 0xffff) % 3u);
        else
            ti = T_BALANCE;
        break;
    }
    }
    const tmpl_t *tp = &L->tmpl[ti];
    uint32_t rid;
    slot_t *s = s_slot(c, &rid);
    s->op = s_tmpl_op[ti];
    s->ctrl = CTRL_NONE;
    s->t = stamp;

    uint8_t *pl = club_ws_frame_begin(c->ws, CLUB_WSF_BINARY, true, tp->len);
    memcpy(pl, tp->buf, tp->len);
    pl[tp->rid_off] = (uint8_t)(rid >> 24);
    pl[tp->rid_off + 1] = (uint8_t)(rid >> 16);
    pl[tp->rid_off + 2] = (uint8_t)(rid >> 8);
    pl[tp->rid_off + 3] = (uint8_t)rid;
    if (tp->idem_off) {
        memcpy(pl + tp->idem_off + 8, c->idem_conn, 8);
        s_hex_u64((char *)pl + tp->idem_off + 16, ++c->idem_seq, 16);
    }
    club_ws_frame_end(c->ws);

    c->inflight_scn++;
    L->inflight++;
    L->sent++;
    if (L->budget != UINT64_MAX) L->budget--;
    bench_ctr_add(&L->t->sent, 1);
    bench_ctr_add(&L->t->inflight, 1);
}

/* Sends the control request packed in L->sb after its rid (see s_ctrl_begin). */
static void s_ctrl_send(bench_loop_t *L, conn_t *c)
{
    club_ws_queue(c->ws, CLUB_WSF_BINARY, true, L->sb.data, L->sb.size);
}

/* Starts packing a control request {rid, op, args: <caller packs nargs pairs>[, idem]}.
 * Returns -1 when the connection has no free slot (cannot happen during setup). */
static int s_ctrl_begin(bench_loop_t *L, conn_t *c, int ctrl, const char *op, uint32_t nargs,
                        const char *idem)
{
    uint32_t rid;
    slot_t *s = s_slot(c, &rid);
    if (!s) return -1;
    s->ctrl = (uint8_t)ctrl;
    s->op = 0;
    s->t = bench_now_ns();
    msgpack_sbuffer_clear(&L->sb);
    msgpack_pack_map(&L->pk, 3 + (idem ? 1 : 0));
    club_pk_kv_int(&L->pk, "rid", rid);
    club_pk_kv_str(&L->pk, "op", op);
    if (idem) club_pk_kv_str(&L->pk, "idem", idem);
    club_pk_str(&L->pk, "args");
    msgpack_pack_map(&L->pk, nargs);
    return 0;
}

static void s_send_auth(bench_loop_t *L, conn_t *c)
{
    const bench_cred_t *cr = c->cred;
    if (c->attempt_register) {
        if (s_ctrl_begin(L, c, CTRL_REGISTER, "auth.register", 3, NULL) < 0) return;
        club_pk_kv_str(&L->pk, "invite", L->cfg->invite ? L->cfg->invite : "");
        club_pk_kv_str(&L->pk, "username", cr->user);
        club_pk_kv_str(&L->pk, "password", cr->pass);
    } else {
        if (s_ctrl_begin(L, c, CTRL_LOGIN, "auth.login", 2, NULL) < 0) return;
        club_pk_kv_str(&L->pk, "username", cr->user);
        club_pk_kv_str(&L->pk, "password", cr->pass);
    }
    s_ctrl_send(L, c);
    c->state = CS_AUTH;
    s_flush(L, c);
}

static void s_send_bonus(bench_loop_t *L, conn_t *c)
{
    /* One claim per user and UTC day: the same idem on a rerun the same day replays it. */
    char idem[64];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    snprintf(idem, sizeof idem, "bonus-%s-%04d%02d%02d", c->cred->user, tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday);
    if (s_ctrl_begin(L, c, CTRL_BONUS, "wallet.daily_bonus", 0, idem) < 0) return;
    s_ctrl_send(L, c);
    c->state = CS_BONUS;
    s_flush(L, c);
}

static void s_send_refresh(bench_loop_t *L, conn_t *c)
{
    if (!c->refresh || s_ctrl_begin(L, c, CTRL_REFRESH, "auth.refresh", 1, NULL) < 0) return;
    club_pk_kv_str(&L->pk, "refresh_token", c->refresh);
    s_ctrl_send(L, c);
    c->refreshing = true;
    s_mark(L, c);
}

/* When open-loop step k of this thread is due (ns). */
static inline int64_t s_due(const bench_loop_t *L, uint64_t k)
{
    return L->t0 + (int64_t)(1e9 * bench_sched_at(L->t->rate, L->t->rate_to, L->cfg->duration_s,
                                                  (double)k));
}

/* Issues what a connection may send now, then writes. */
static void s_pump(bench_loop_t *L, conn_t *c, int64_t now)
{
    if (c->state == CS_DOWN) return;
    if (c->started && c->state == CS_RUN && !L->stopping) {
        if (L->cfg->rate > 0) {
            while (c->owed && c->inflight_scn < L->cfg->max_inflight &&
                   c->inflight <= c->ring_mask) {
                int64_t intended = s_due(L, c->owed_k);
                s_issue(L, c, intended);
                c->owed--;
                L->owed_total--;
                c->owed_k += L->n;
            }
        } else {
            while (c->credit && L->budget && c->inflight <= c->ring_mask) {
                s_issue(L, c, now);
                c->credit--;
            }
        }
    }
    if (club_ws_queued(c->ws)) s_flush(L, c);
}

/* ---- connection setup ---- */

static void s_open(bench_loop_t *L, conn_t *c)
{
    const bench_cfg_t *cfg = L->cfg;
    char why[160];
    c->t_open = bench_now_ns();
    int fd = socket(cfg->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        snprintf(why, sizeof why, "socket: %s%s", strerror(errno),
                 errno == EMFILE ? " (raise the limit: ulimit -n)" : "");
        c->state = CS_CONNECTING;
        L->connecting++;
        s_down(L, c, 1006, why);
        return;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    c->fd = fd;
    c->state = CS_CONNECTING;
    L->connecting++;
    int r = connect(fd, (const struct sockaddr *)&cfg->addr, cfg->addrlen);
    if (r < 0 && errno != EINPROGRESS) {
        snprintf(why, sizeof why, "connect: %s%s", strerror(errno),
                 errno == EADDRNOTAVAIL ? " (out of local ports)" : "");
        s_down(L, c, 1006, why);
        return;
    }
    struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT, .data.u32 = c->j};
    c->want_out = true;
    if (epoll_ctl(L->ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
        snprintf(why, sizeof why, "epoll_ctl: %s", strerror(errno));
        s_down(L, c, 1006, why);
    }
}

/* The TCP connection is up: send the Upgrade request. */
static void s_on_connected(bench_loop_t *L, conn_t *c)
{
    int err = 0;
    socklen_t sl = sizeof err;
    if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &sl) < 0) err = errno;
    if (err) {
        char why[160];
        snprintf(why, sizeof why, "connect: %s", strerror(err));
        s_down(L, c, 1006, why);
        return;
    }
    if (club_ws_upgrade(c->ws, L->cfg->host, L->cfg->port, L->cfg->path, "club.v1", "club-bench") <
        0) {
        s_down(L, c, 1006, club_ws_error(c->ws));
        return;
    }
    c->state = CS_HANDSHAKE;
    s_flush(L, c);
}

/* Connection c starts its scenario (its ramp time has come and it is set up). */
static void s_begin(bench_loop_t *L, conn_t *c)
{
    if (c->started) return;
    c->started = true;
    if (L->cfg->scenario == BENCH_SC_CONNECT) return; /* holds the connection, sends nothing */
    if (L->cfg->rate <= 0) c->credit = L->cfg->window;
    s_mark(L, c);
}

/* Connection c is set up (WebSocket up, logged in when it had to). */
static void s_ready(bench_loop_t *L, conn_t *c)
{
    if (c->open_in_run) {
        c->state = CS_RUN;
    } else {
        c->state = L->running ? CS_RUN : CS_READY;
        s_setup_finished_one(L);
    }
    if (c->state == CS_RUN && c->start_due) s_begin(L, c);
}

static void s_auth_enqueue(bench_loop_t *L, conn_t *c, int64_t not_before)
{
    c->state = CS_AUTH_WAIT;
    c->retry_at = not_before;
    L->authq[(L->aq_head + L->aq_len) % L->n] = c->j;
    L->aq_len++;
}

/* The server's 101 was checked: count the connection open, then log in or start. */
static void s_on_upgraded(bench_loop_t *L, conn_t *c, int64_t now)
{
    bench_thread_t *t = L->t;
    L->connecting--;
    L->alive++;
    c->counted_open = true;
    bench_ctr_add(&t->open, 1);
    bench_hist_record(t->handshake, (uint64_t)(now - c->t_open));
    if (!t->first_open_ns || c->t_open < t->first_open_ns) t->first_open_ns = c->t_open;
    if (now > t->last_open_ns) t->last_open_ns = now;
    if (L->cfg->login && c->cred)
        s_auth_enqueue(L, c, 0);
    else
        s_ready(L, c);
}

/* Takes one of the global login slots (Argon2 runs on one auth worker: keep its queue short). */
static bool s_auth_slot(bench_shared_t *g)
{
    int v = atomic_load(&g->auth_slots);
    while (v > 0)
        if (atomic_compare_exchange_weak(&g->auth_slots, &v, v - 1)) return true;
    return false;
}

static void s_auth_tick(bench_loop_t *L, int64_t now)
{
    while (L->aq_len) {
        conn_t *c = &L->conns[L->authq[L->aq_head]];
        if (c->state != CS_AUTH_WAIT) { /* went down while waiting */
            L->aq_head = (L->aq_head + 1) % L->n;
            L->aq_len--;
            continue;
        }
        if (c->retry_at > now || !s_auth_slot(L->g)) return;
        L->aq_head = (L->aq_head + 1) % L->n;
        L->aq_len--;
        s_send_auth(L, c);
    }
}

/* ---- replies ---- */

static size_t s_code_index(const char *code, uint32_t n)
{
    if (!code) return BENCH_ERR_OTHER;
    club_err_t e = club_err_from_name(code, n);
    if (e == CLUB_E_INTERNAL && !(n == 8 && !memcmp(code, "INTERNAL", 8))) return BENCH_ERR_OTHER;
    return (size_t)e;
}

static void s_count_push(bench_thread_t *t, const char *ev, uint32_t n)
{
    bench_ctr_add(&t->pushes, 1);
    if (n >= sizeof t->push_names[0]) {
        t->push_other++;
        return;
    }
    for (int i = 0; i < BENCH_MAX_PUSH_NAMES; i++) {
        if (!t->push_counts[i]) {
            memcpy(t->push_names[i], ev, n);
            t->push_names[i][n] = '\0';
            t->push_counts[i] = 1;
            return;
        }
        if (!memcmp(t->push_names[i], ev, n) && t->push_names[i][n] == '\0') {
            t->push_counts[i]++;
            return;
        }
    }
    t->push_other++;
}

/* A string field of a decoded map, copied; NULL when absent. */
static char *s_dup_field(const msgpack_object *map, const char *key)
{
    const msgpack_object *o = club_mp_get(map, key);
    if (!o || !club_mp_is_str(o)) return NULL;
    return club_strndup(o->via.str.ptr, o->via.str.size);
}

static void s_save_user(bench_shared_t *g, const bench_cred_t *cr)
{
    if (!g->users_out) return;
    pthread_mutex_lock(&g->lock);
    fprintf(g->users_out, "%s,%s\n", cr->user, cr->pass);
    fflush(g->users_out);
    pthread_mutex_unlock(&g->lock);
}

/* A new name for a generated user whose name was taken: same stem, new random tail. */
static void s_rename(conn_t *c)
{
    static const char b36[] = "0123456789abcdefghijklmnopqrstuvwxyz";
    char stem[16];
    snprintf(stem, sizeof stem, "%.14s", c->cred->user);
    char *us = strchr(stem, '_');
    if (us) *us = '\0';
    uint64_t r = s_rand(&c->rng);
    snprintf(c->cred->user, sizeof c->cred->user, "%s_%c%c%c%c", stem, b36[r % 36],
             b36[(r >> 8) % 36], b36[(r >> 16) % 36], b36[(r >> 24) % 36]);
}

/* When to refresh an access token: a minute before it expires, or a quarter of its life
 * before when it lives less than four minutes. 0 when its expiry cannot be read. */
static int64_t s_refresh_time(const char *access)
{
    int64_t exp = access ? s_jwt_exp(access) : 0;
    if (!exp) return 0;
    int64_t life = exp - (int64_t)time(NULL);
    int64_t early = life / 4 < S_REFRESH_EARLY_S ? life / 4 : S_REFRESH_EARLY_S;
    return exp - (early > 1 ? early : 1);
}

static void s_on_auth_reply(bench_loop_t *L, conn_t *c, int ctrl, const msgpack_object *root,
                            const club_mpr_reply_t *r, int64_t now)
{
    bench_shared_t *g = L->g;
    const bench_cfg_t *cfg = L->cfg;
    atomic_fetch_add(&g->auth_slots, 1);
    const char *what = ctrl == CTRL_REGISTER ? "registration" : "login";
    if (r->ok == 1) {
        const msgpack_object *data = club_mp_get(root, "data");
        free(c->access);
        free(c->refresh);
        c->access = data ? s_dup_field(data, "access_token") : NULL;
        c->refresh = data ? s_dup_field(data, "refresh_token") : NULL;
        c->refresh_at = s_refresh_time(c->access);
        if (ctrl == CTRL_REGISTER) {
            L->t->registered++;
            s_save_user(g, c->cred);
        } else {
            L->t->logins++;
        }
        bench_ctr_add(&L->t->logged_in, 1);
        if (cfg->bonus)
            s_send_bonus(L, c);
        else
            s_ready(L, c);
        return;
    }
    char code[40] = "?", msg[200] = "";
    if (r->code)
        snprintf(code, sizeof code, "%.*s", (int)(r->code_len < 39 ? r->code_len : 39), r->code);
    const msgpack_object *err = club_mp_get(root, "error");
    const msgpack_object *m = err ? club_mp_get(err, "message") : NULL;
    if (m && club_mp_is_str(m))
        snprintf(msg, sizeof msg, " (%.*s)", (int)(m->via.str.size < 180 ? m->via.str.size : 180),
                 m->via.str.ptr);
    size_t e = s_code_index(r->code, r->code_len);
    c->auth_tries++;
    if (e == CLUB_E_USERNAME_TAKEN && c->cred->mode == BENCH_CRED_REGISTER && c->auth_tries < 8) {
        s_rename(c);
        s_auth_enqueue(L, c, now);
        return;
    }
    if (e == CLUB_E_BAD_CREDENTIALS && !c->attempt_register &&
        c->cred->mode == BENCH_CRED_LOGIN_OR_REGISTER) {
        c->attempt_register = true;
        s_auth_enqueue(L, c, now);
        return;
    }
    if ((e == CLUB_E_RATE_LIMITED || e == CLUB_E_UNAVAILABLE || e == CLUB_E_INTERNAL) &&
        c->auth_tries < 6) {
        s_auth_enqueue(L, c, now + (250000000LL << c->auth_tries));
        return;
    }
    bench_ctr_add(&L->t->setup_fail, 1);
    if (e == CLUB_E_INVALID_INVITE)
        bench_fatal(g,
                    "registration failed: INVALID_INVITE%s — the code is unknown, used up or "
                    "expired; create one with ./club invite --uses %u and pass it with --invite",
                    msg, cfg->conns);
    else if (e == CLUB_E_BAD_CREDENTIALS && cfg->login_pool)
        bench_fatal(g,
                    "login failed for '%s': BAD_CREDENTIALS — the pool user does not exist "
                    "or has another password; pass --invite CODE to register missing pool "
                    "users, or the right --password",
                    c->cred->user);
    else if (e == CLUB_E_BAD_CREDENTIALS)
        bench_fatal(g,
                    "login failed for '%s': BAD_CREDENTIALS — %s does not match this "
                    "stack's users; delete it (and pass --invite CODE) to register new ones",
                    c->cred->user, cfg->users_file ? cfg->users_file : "the users file");
    else if (e == CLUB_E_USERNAME_TAKEN)
        bench_fatal(g,
                    "registration failed for '%s': USERNAME_TAKEN — the user exists with "
                    "another password; pass the right --password",
                    c->cred->user);
    else
        bench_fatal(g, "%s failed for '%s': %s%s", what, c->cred->user, code, msg);
    s_setup_finished_one(L);
    c->state = CS_READY; /* not down: the abort closes everything */
}

static void s_on_ctrl(bench_loop_t *L, conn_t *c, int ctrl, const uint8_t *buf, size_t len,
                      const club_mpr_reply_t *r, int64_t now)
{
    msgpack_unpacked u;
    msgpack_unpacked_init(&u);
    const msgpack_object *root = NULL;
    if (club_mp_decode(buf, len, &u) == 0) root = &u.data;
    bench_thread_t *t = L->t;
    switch (ctrl) {
    case CTRL_REGISTER:
    case CTRL_LOGIN:
        if (root) {
            s_on_auth_reply(L, c, ctrl, root, r, now);
        } else {
            atomic_fetch_add(&L->g->auth_slots, 1);
            bench_ctr_add(&t->setup_fail, 1);
            bench_fatal(L->g, "%s: the server's reply is not a msgpack map",
                        ctrl == CTRL_REGISTER ? "auth.register" : "auth.login");
            s_setup_finished_one(L);
            c->state = CS_READY;
        }
        break;
    case CTRL_BONUS: {
        size_t e = s_code_index(r->code, r->code_len);
        if (r->ok == 1)
            t->bonus_ok++;
        else if (e == CLUB_E_ALREADY_CLAIMED)
            t->bonus_already++;
        else
            t->bonus_fail++;
        s_ready(L, c);
        break;
    }
    case CTRL_REFRESH: {
        const msgpack_object *data = root ? club_mp_get(root, "data") : NULL;
        char *acc = r->ok == 1 && data ? s_dup_field(data, "access_token") : NULL;
        char *ref = r->ok == 1 && data ? s_dup_field(data, "refresh_token") : NULL;
        if (!acc || !ref || s_ctrl_begin(L, c, CTRL_TOKEN, "auth.token", 1, NULL) < 0) {
            free(acc);
            free(ref);
            t->refresh_fail++;
            c->refreshing = false;
            c->refresh_at = 0;
            break;
        }
        free(c->access);
        free(c->refresh);
        c->access = acc;
        c->refresh = ref;
        club_pk_kv_str(&L->pk, "access_token", c->access);
        s_ctrl_send(L, c);
        s_mark(L, c);
        break;
    }
    case CTRL_TOKEN:
        c->refreshing = false;
        if (r->ok == 1) {
            t->refreshes++;
            c->refresh_at = s_refresh_time(c->access);
        } else {
            t->refresh_fail++;
            c->refresh_at = 0;
        }
        break;
    }
    msgpack_unpacked_destroy(&u);
}

/* One whole message from the server. */
static void s_on_message(bench_loop_t *L, conn_t *c, const uint8_t *buf, size_t len, int64_t now)
{
    bench_thread_t *t = L->t;
    club_mpr_reply_t r;
    if (club_mpr_reply(buf, len, &r) < 0) {
        t->bad_frames++;
        return;
    }
    if (!r.has_rid) {
        if (r.ev)
            s_count_push(t, r.ev, r.ev_len);
        else
            t->bad_frames++;
        return;
    }
    slot_t *s = c->ring ? &c->ring[r.rid & c->ring_mask] : NULL;
    if (!s || !s->busy || s->rid != r.rid) {
        t->unmatched++;
        return;
    }
    s->busy = 0;
    c->inflight--;
    if (s->ctrl != CTRL_NONE) {
        s_on_ctrl(L, c, s->ctrl, buf, len, &r, now);
        return;
    }
    c->inflight_scn--;
    L->inflight--;
    bench_ctr_sub(&t->inflight, 1);
    uint64_t lat = now > s->t ? (uint64_t)(now - s->t) : 0;
    bench_hist_record(t->op_hist[s->op], lat);
    bench_hist_record(L->tick, lat);
    bench_ctr_add(&t->done, 1);
    if (now <= L->t_end) t->done_in_window++;
    t->last_reply_ns = now;
    if (r.ok != 1) {
        size_t e = s_code_index(r.code, r.code_len);
        t->op_err[s->op][e]++;
        bench_ctr_add(&t->errors, 1);
        if (e == CLUB_E_UNAUTHENTICATED && !c->refreshing && c->refresh) s_send_refresh(L, c);
    }
    if (L->cfg->rate > 0) {
        if (c->owed) s_mark(L, c);
    } else if (L->think_ns > 0) {
        if (L->tq_len < L->tq_cap) {
            L->tq[(L->tq_head + L->tq_len) % L->tq_cap] = (think_timer_t){c->j, now + L->think_ns};
            L->tq_len++;
        }
    } else {
        c->credit++;
    }
}

/* Handles everything whole in the receive buffer: the 101, then messages. club_ws answers
 * pings and the server's close frame itself; what it queues goes out with the next flush.
 * -1 when the connection went down. */
static int s_messages(bench_loop_t *L, conn_t *c, int64_t now)
{
    while (c->state != CS_DOWN) {
        club_ws_msg_t m;
        switch (club_ws_next(c->ws, &m)) {
        case CLUB_WS_AGAIN:
            return 0;
        case CLUB_WS_UPGRADED:
            s_on_upgraded(L, c, now);
            break;
        case CLUB_WS_MESSAGE:
            if (m.opcode == CLUB_WSF_BINARY)
                s_on_message(L, c, m.data, m.len, now);
            else
                L->t->bad_frames++; /* text: the protocol is binary msgpack */
            break;
        case CLUB_WS_CLOSED:
            s_flush(L, c); /* the close frame's reply */
            if (c->state != CS_DOWN) s_down(L, c, club_ws_close_code(c->ws), club_ws_error(c->ws));
            return -1;
        case CLUB_WS_FAILED: {
            char why[300];
            if (club_ws_http_status(c->ws) && club_ws_http_status(c->ws) != 101)
                snprintf(why, sizeof why, "%s (is %.100s the WebSocket path?)",
                         club_ws_error(c->ws), L->cfg->path);
            else
                snprintf(why, sizeof why, "%s", club_ws_error(c->ws));
            if (c->state != CS_HANDSHAKE) L->t->bad_frames++;
            s_flush(L, c); /* the 1002 or 1009 close frame, if any */
            if (c->state != CS_DOWN) s_down(L, c, 1006, why);
            return -1;
        }
        }
    }
    return -1;
}

static void s_on_readable(bench_loop_t *L, conn_t *c)
{
    int64_t now = 0;
    for (int rounds = 0; rounds < 8 && c->state != CS_DOWN; rounds++) {
        bool full;
        ssize_t r = club_ws_recv(c->ws, c->fd, &full);
        if (r == 0) break;
        if (r < 0) {
            s_down(L, c, 1006, club_ws_error(c->ws));
            return;
        }
        now = bench_now_ns();
        if (s_messages(L, c, now) < 0) return;
        if (!full) break; /* the socket is drained */
    }
    if (now) s_pump(L, c, now);
}

static void s_on_event(bench_loop_t *L, conn_t *c, uint32_t events)
{
    if (c->state == CS_DOWN || c->fd < 0) return;
    if (c->state == CS_CONNECTING) {
        if (!(events & (EPOLLOUT | EPOLLERR | EPOLLHUP))) return;
        s_on_connected(L, c);
        return;
    }
    if (events & (EPOLLIN | EPOLLERR | EPOLLHUP)) s_on_readable(L, c);
    if (c->state != CS_DOWN && (events & EPOLLOUT)) s_flush(L, c);
}

/* ---- the run ---- */

static void s_begin_run(bench_loop_t *L)
{
    const bench_cfg_t *cfg = L->cfg;
    L->running = true;
    L->t0 = atomic_load(&L->g->t0_ns);
    L->t_end = atomic_load(&L->g->t_end_ns);
    L->ramp_ns = (int64_t)(cfg->ramp_s * 1e9);
    L->think_ns = (int64_t)(cfg->think_ms * 1e6);
    L->next_pub = L->t0 + S_PUB_NS;
    L->next_refresh_scan = L->t0 + 1000000000LL;
    L->paced = cfg->rate > 0 && L->t->rate > 0;
    for (uint32_t j = 0; j < L->n; j++)
        if (L->conns[j].state == CS_READY) L->conns[j].state = CS_RUN;
}

static int64_t s_start_time(bench_loop_t *L, uint32_t j)
{
    if (!L->ramp_ns) return L->t0;
    return L->t0 + (int64_t)((double)L->ramp_ns * (double)L->conns[j].gidx / (double)L->cfg->conns);
}

static void s_stop(bench_loop_t *L, int64_t now)
{
    if (L->stopping) return;
    L->stopping = true;
    L->drain_until = now + (int64_t)(L->cfg->drain_s * 1e9);
    if (L->owed_total) {
        L->t->backlog += L->owed_total;
        for (uint32_t j = 0; j < L->n; j++)
            L->conns[j].owed = 0;
        L->owed_total = 0;
    }
}

static void s_publish(bench_loop_t *L)
{
    bench_thread_t *t = L->t;
    pthread_mutex_lock(&t->pub_lock);
    bench_hist_merge(t->pub, L->tick);
    pthread_mutex_unlock(&t->pub_lock);
    bench_hist_reset(L->tick);
}

/* Timers of the run phase: ramp, opening, open-loop schedule, think time, stop, refresh. */
static void s_run_tick(bench_loop_t *L, int64_t now)
{
    const bench_cfg_t *cfg = L->cfg;
    int64_t t_end = atomic_load_explicit(&L->g->t_end_ns, memory_order_relaxed);
    if (t_end < L->t_end) L->t_end = t_end; /* Ctrl-C */
    if (!L->stopping && now >= L->t_end) s_stop(L, now);

    /* ramp */
    while (!L->stopping && L->next_start < L->n && s_start_time(L, L->next_start) <= now) {
        conn_t *c = &L->conns[L->next_start++];
        c->start_due = true;
        if (c->open_in_run)
            L->open_limit = L->next_start;
        else if (c->state == CS_RUN)
            s_begin(L, c);
    }
    while (L->next_open < L->open_limit && L->connecting < L->conc) {
        conn_t *c = &L->conns[L->next_open++];
        if (c->state == CS_IDLE) s_open(L, c);
    }

    /* open loop: hand schedule steps that are due to their connections */
    if (L->paced && !L->stopping) {
        for (;;) {
            if (L->t->budget != UINT64_MAX && L->scheduled >= L->t->budget) break;
            int64_t due = s_due(L, L->sched_k);
            if (due > now) break;
            conn_t *c = &L->conns[L->sched_k % L->n];
            if (c->started && c->state == CS_RUN) {
                if (!c->owed) c->owed_k = L->sched_k;
                c->owed++;
                L->owed_total++;
                L->scheduled++;
                s_mark(L, c);
            } else if (c->state == CS_DOWN) {
                L->t->dropped++;
            }
            L->sched_k++;
        }
    }

    /* think time */
    while (L->tq_len) {
        think_timer_t *tm = &L->tq[L->tq_head];
        if (tm->due > now) break;
        conn_t *c = &L->conns[tm->j];
        L->tq_head = (L->tq_head + 1) % L->tq_cap;
        L->tq_len--;
        if (c->state == CS_RUN) {
            c->credit++;
            s_mark(L, c);
        }
    }

    /* tokens */
    if (now >= L->next_refresh_scan) {
        L->next_refresh_scan = now + 1000000000LL;
        int64_t wall = (int64_t)time(NULL);
        for (uint32_t j = 0; j < L->n; j++) {
            conn_t *c = &L->conns[j];
            if (c->state == CS_RUN && c->refresh && !c->refreshing && c->refresh_at &&
                wall >= c->refresh_at)
                s_send_refresh(L, c);
        }
    }

    /* the end */
    if (!L->finished) {
        bool budget_spent = cfg->rate > 0 ? L->t->budget != UINT64_MAX &&
                                                L->scheduled >= L->t->budget && !L->owed_total
                                          : L->budget == 0;
        bool nobody = cfg->scenario != BENCH_SC_CONNECT && L->next_start == L->n &&
                      L->next_open == L->open_limit && !L->connecting && !L->alive;
        if (!L->stopping && (budget_spent || nobody) && !L->inflight) s_stop(L, now);
        if (L->stopping && (!L->inflight || now >= L->drain_until)) {
            L->t->unanswered += L->inflight;
            L->finished = true;
            atomic_store(&L->t->run_done, 1);
        }
    }
}

/* Nanoseconds until the next timer of the run phase (capped at 100 ms). */
static int64_t s_run_wait(bench_loop_t *L, int64_t now)
{
    int64_t next = now + 100000000LL;
#define S_MIN(x)                                                                                   \
    do {                                                                                           \
        int64_t _x = (x);                                                                          \
        if (_x < next) next = _x;                                                                  \
    } while (0)
    S_MIN(L->next_pub);
    if (!L->stopping) {
        S_MIN(L->t_end);
        if (L->next_start < L->n) S_MIN(s_start_time(L, L->next_start));
        if (L->paced) S_MIN(s_due(L, L->sched_k));
    } else {
        S_MIN(L->drain_until);
    }
    if (L->tq_len) S_MIN(L->tq[L->tq_head].due);
    if (L->next_open < L->open_limit && L->connecting < L->conc) next = now;
#undef S_MIN
    return next > now ? next - now : 0;
}

static int s_wait(bench_loop_t *L, struct epoll_event *evs, int max, int64_t wait_ns)
{
    if (L->pwait2) {
        struct timespec ts = {.tv_sec = wait_ns / 1000000000LL, .tv_nsec = wait_ns % 1000000000LL};
        int n = epoll_pwait2(L->ep, evs, max, &ts, NULL);
        if (n >= 0 || errno != ENOSYS) return n;
        L->pwait2 = false;
    }
    int ms = (int)((wait_ns + 999999) / 1000000);
    return epoll_wait(L->ep, evs, max, ms);
}

static void s_flush_dirty(bench_loop_t *L, int64_t now)
{
    /* s_pump may mark others (never itself again): walk by index, the list may grow. */
    for (uint32_t i = 0; i < L->ndirty; i++) {
        conn_t *c = &L->conns[L->dirty[i]];
        c->dirty = false;
        s_pump(L, c, now);
    }
    L->ndirty = 0;
}

/* ---- the loop ---- */

static bench_loop_t *s_loop_new(bench_shared_t *g, bench_thread_t *t)
{
    const bench_cfg_t *cfg = &g->cfg;
    bench_loop_t *L = club_calloc(1, sizeof *L);
    L->g = g;
    L->t = t;
    L->cfg = cfg;
    L->n = t->nconns;
    L->ep = epoll_create1(EPOLL_CLOEXEC);
    L->pwait2 = true;
    if (t->wake_fd >= 0) {
        struct epoll_event ev = {.events = EPOLLIN, .data.u32 = S_WAKE_ID};
        epoll_ctl(L->ep, EPOLL_CTL_ADD, t->wake_fd, &ev);
    }
    L->budget = t->budget;
    L->conc = cfg->connect_conc / g->nthreads;
    if (L->conc < 1) L->conc = 1;
    L->tick = club_malloc(sizeof *L->tick);
    bench_hist_init(L->tick);
    msgpack_sbuffer_init(&L->sb);
    msgpack_packer_init(&L->pk, &L->sb, msgpack_sbuffer_write);
    if (club_random(&L->rng, sizeof L->rng) < 0 || !L->rng)
        L->rng = 0x9E3779B97F4A7C15ULL ^ (uint64_t)bench_now_ns();
    s_templates(L);

    bool sends = cfg->scenario != BENCH_SC_CONNECT;
    uint32_t need = cfg->rate > 0 ? cfg->max_inflight : cfg->window;
    /* room for the scenario's requests, control requests beside them, and out-of-order skips */
    L->ring_size = sends || cfg->login ? s_pow2(2 * need + 4) : 0;
    bool open_in_run = cfg->scenario == BENCH_SC_CONNECT ||
                       (cfg->scenario == BENCH_SC_PING && !cfg->login && cfg->ramp_s > 0);

    L->conns = club_calloc(L->n, sizeof *L->conns);
    L->authq = club_calloc(L->n, sizeof *L->authq);
    L->dirty = club_calloc(L->n, sizeof *L->dirty);
    if (cfg->think_ms > 0 && cfg->rate <= 0) {
        L->tq_cap = L->n * cfg->window;
        L->tq = club_calloc(L->tq_cap, sizeof *L->tq);
    }
    for (uint32_t j = 0; j < L->n; j++) {
        conn_t *c = &L->conns[j];
        c->fd = -1;
        c->j = j;
        c->gidx = t->index + j * g->nthreads;
        c->open_in_run = open_in_run;
        c->cred = g->creds ? &g->creds[c->gidx] : NULL;
        c->attempt_register = c->cred && c->cred->mode == BENCH_CRED_REGISTER;
        c->rng = s_rand(&L->rng) | 1;
        c->next_rid = 1;
        c->ws = club_ws_new(s_rand(&L->rng) | 1, sends ? 4096 : 1024);
        if (L->ring_size) {
            c->ring = club_calloc(L->ring_size, sizeof *c->ring);
            c->ring_mask = L->ring_size - 1;
        }
        s_hex_u64(c->idem_conn, c->gidx, 8);
    }
    if (!open_in_run) {
        L->open_limit = L->n;
        L->setup_pending = L->n;
    }
    if (!L->setup_pending) atomic_store(&t->setup_done, 1);
    return L;
}

static void s_loop_destroy(bench_loop_t **Lp)
{
    bench_loop_t *L = *Lp;
    for (uint32_t j = 0; j < L->n; j++) {
        conn_t *c = &L->conns[j];
        if (c->fd >= 0) close(c->fd);
        club_ws_destroy(&c->ws);
        free(c->ring);
        free(c->access);
        free(c->refresh);
    }
    free(L->conns);
    free(L->authq);
    free(L->dirty);
    free(L->tq);
    free(L->tick);
    msgpack_sbuffer_destroy(&L->sb);
    close(L->ep);
    free(L);
    *Lp = NULL;
}

/* Says goodbye politely (close frame 1000) and closes every connection. */
static void s_close_all(bench_loop_t *L)
{
    for (uint32_t j = 0; j < L->n; j++) {
        conn_t *c = &L->conns[j];
        if (c->fd < 0) continue;
        if (c->state >= CS_AUTH_WAIT && c->state <= CS_RUN) {
            club_ws_close(c->ws, 1000);
            (void)club_ws_send(c->ws, c->fd); /* non-blocking: what fits, no wait */
        }
        if (c->counted_open) {
            c->counted_open = false;
            bench_ctr_sub(&L->t->open, 1);
        }
        close(c->fd);
        c->fd = -1;
        c->state = CS_DOWN;
    }
}

void *bench_loop_main(void *arg)
{
    bench_loop_arg_t *a = arg;
    bench_shared_t *g = a->g;
    bench_thread_t *t = a->t;
    bench_loop_t *L = s_loop_new(g, t);
    t->loop = L;
    struct epoll_event evs[1024];

    for (;;) {
        int phase = atomic_load(&g->phase);
        if (phase == BENCH_PH_ABORT || phase == BENCH_PH_CLOSE) break;
        int64_t now = bench_now_ns();
        int64_t wait_ns;
        if (phase == BENCH_PH_SETUP) {
            while (L->next_open < L->open_limit && L->connecting < L->conc) {
                conn_t *c = &L->conns[L->next_open++];
                if (c->state == CS_IDLE) s_open(L, c);
            }
            s_auth_tick(L, now);
            wait_ns = L->aq_len ? 5000000LL : 50000000LL;
        } else {
            if (!L->running) s_begin_run(L);
            s_run_tick(L, now);
            if (now >= L->next_pub) {
                s_publish(L);
                L->next_pub = now + S_PUB_NS;
            }
            s_flush_dirty(L, now);
            wait_ns = L->finished ? 50000000LL : s_run_wait(L, bench_now_ns());
        }
        if (L->ndirty) wait_ns = 0;
        int n = s_wait(L, evs, (int)(sizeof evs / sizeof evs[0]), wait_ns);
        if (n < 0) {
            if (errno == EINTR) continue;
            bench_fatal(g, "epoll_wait: %s", strerror(errno));
            break;
        }
        for (int i = 0; i < n; i++) {
            if (evs[i].data.u32 == S_WAKE_ID) {
                uint64_t v;
                (void)!read(t->wake_fd, &v, sizeof v);
                continue;
            }
            s_on_event(L, &L->conns[evs[i].data.u32], evs[i].events);
        }
        if (L->ndirty) s_flush_dirty(L, bench_now_ns());
    }
    s_publish(L);
    s_close_all(L);
    t->loop = NULL;
    s_loop_destroy(&L);
    return NULL;
}
