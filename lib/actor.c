#include "actor.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "curve.h"
#include "log.h"
#include "metrics.h"
#include "u64map.h"
#include "util.h"

#define HB_INTERVAL_MS 1000
#define HB_LIVENESS    3
#define DRAIN_MAX      1024

typedef struct pending {
    uint64_t corr;
    int64_t deadline_ms;
    club_reply_fn fn;
    void *ctx;
    struct pending *next; /* deadline order */
} pending_t;

typedef struct {
    club_counter_t *requests;
    club_hist_t *latency;
} op_metrics_t;

struct club_actor {
    club_actor_spec_t spec;
    zsock_t *worker;         /* DEALER -> broker back end */
    zsock_t *client;         /* DEALER -> broker front end, for calls to other domains */
    zsock_t *pub;            /* PUB -> events in */
    club_batch_t wout, cout; /* replies on worker, calls on client: one message per pass */
    const char *back_ep, *front_ep, *events_ep;
    int64_t last_broker_ms, next_hb_ms, reconnect_at_ms, reconnect_backoff_ms;
    msgpack_sbuffer out;
    msgpack_packer pk;
    club_u64map_t pending;
    pending_t *pend_head, *pend_tail; /* FIFO by deadline (timeouts per call may differ a
                                         little; a later one simply waits for the scan) */
    uint64_t next_corr;
    club_handler_fn *by_op; /* this domain's handler of each op, by club_op_index; NULL if none */
    op_metrics_t *metrics;  /* by club_op_index, for the ops this worker serves */
    size_t nops;
    club_counter_t *errors[CLUB_E__COUNT];
    int metrics_fd;
    int64_t started_ms; /* wall clock at start: this worker's claim on its shard */
    club_pool_t *pool;  /* helper threads for club_actor_offload, started on first use */
    bool pool_failed;
};

static void s_sys_ping(club_call_t *call);

static void s_send_ready(club_actor_t *self)
{
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    msgpack_pack_map(&pk, 2);
    club_pk_kv_int(&pk, "pid", getpid());
    club_pk_str(&pk, "domains");
    msgpack_pack_array(&pk, 2);
    msgpack_pack_map(&pk, 4);
    club_pk_kv_str(&pk, "name", self->spec.domain->name);
    club_pk_kv_int(&pk, "shard", self->spec.shard);
    club_pk_kv_int(&pk, "shards", self->spec.shards);
    club_pk_kv_int(&pk, "epoch", self->started_ms); /* the broker's fence: the later owns */
    msgpack_pack_map(&pk, 3);
    club_pk_kv_str(&pk, "name", "sys");
    club_pk_kv_int(&pk, "shard", 0);
    club_pk_kv_int(&pk, "shards", 1);
    club_hdr_t h = {.kind = CLUB_K_READY};
    club_batch_end(&self->wout); /* a control message never lands inside a batch */
    zmsg_t *m = zmsg_new();
    zmsg_append(m, &(zframe_t *){club_hdr_frame(&h)});
    zmsg_addmem(m, sb.data, sb.size);
    zmsg_send(&m, self->worker);
    msgpack_sbuffer_destroy(&sb);
}

static void s_send_hb(club_actor_t *self)
{
    club_hdr_t h = {.kind = CLUB_K_HB};
    club_batch_end(&self->wout);
    zframe_t *f = club_hdr_frame(&h);
    zframe_send(&f, self->worker, ZFRAME_DONTWAIT);
}

static int s_connect_worker(club_actor_t *self)
{
    zsock_destroy(&self->worker); /* an open batch goes with it; its callers time out */
    self->worker = zsock_new(ZMQ_DEALER);
    self->wout = (club_batch_t){.sock = self->worker ? zsock_resolve(self->worker) : NULL};
    if (!self->worker) return -1;
    zsock_set_linger(self->worker, 0);
    zsock_set_rcvhwm(self->worker, 100000);
    zsock_set_rcvtimeo(self->worker, 0);
    zsock_set_sndhwm(self->worker, 100000);
    club_curve_client(self->worker);
    if (zsock_connect(self->worker, "%s", self->back_ep) != 0) {
        club_log(CLUB_ERROR, "broker_connect", "cannot connect to broker back end %s",
                 self->back_ep);
        return -1;
    }
    s_send_ready(self);
    self->last_broker_ms = club_mono_ms();
    club_log(CLUB_INFO, "worker_ready", "domain=%s shard=%u/%u broker=%s", self->spec.domain->name,
             self->spec.shard, self->spec.shards, self->back_ep);
    return 0;
}

club_actor_t *club_actor_new(const club_actor_spec_t *spec)
{
    club_actor_t *self = club_calloc(1, sizeof *self);
    self->spec = *spec;
    self->started_ms = club_now_ms();
    if (!self->spec.shards) self->spec.shards = 1;
    self->back_ep = club_cfg_str("CLUB_BROKER_BACK", CLUB_DEF_BROKER_BACK);
    self->front_ep = club_cfg_str("CLUB_BROKER_FRONT", CLUB_DEF_BROKER_FRONT);
    self->events_ep = club_cfg_str("CLUB_EVENTS_IN", CLUB_DEF_EVENTS_IN);
    msgpack_sbuffer_init(&self->out);
    msgpack_packer_init(&self->pk, &self->out, msgpack_sbuffer_write);
    club_u64map_init(&self->pending);
    self->next_corr = 1;
    self->reconnect_backoff_ms = 250;

    self->client = zsock_new(ZMQ_DEALER);
    self->pub = zsock_new(ZMQ_PUB);
    if (!self->client || !self->pub) goto fail;
    self->cout.sock = zsock_resolve(self->client);
    zsock_set_linger(self->client, 0);
    zsock_set_sndhwm(self->client, 100000);
    zsock_set_rcvhwm(self->client, 100000);
    zsock_set_rcvtimeo(self->client, 0);
    zsock_set_linger(self->pub, 1000);
    zsock_set_sndhwm(self->pub, 100000);
    club_curve_client(self->client);
    club_curve_client(self->pub);
    if (zsock_connect(self->client, "%s", self->front_ep) != 0 ||
        zsock_connect(self->pub, "%s", self->events_ep) != 0) {
        club_log(CLUB_ERROR, "broker_connect", "cannot connect to %s / %s", self->front_ep,
                 self->events_ep);
        goto fail;
    }
    if (s_connect_worker(self) != 0) goto fail;

    const club_op_t *ops = club_op_all(&self->nops);
    const char *domain = spec->domain->name;
    self->by_op = club_calloc(self->nops, sizeof *self->by_op);
    for (size_t i = 0; i < spec->nhandlers; i++)
        if (!strcmp(spec->handlers[i].domain, domain))
            self->by_op[spec->handlers[i].op] = spec->handlers[i].fn;
    for (size_t i = 0; i < self->nops; i++)
        if (!strcmp(ops[i].domain, "sys")) self->by_op[i] = s_sys_ping;
    self->metrics = club_calloc(self->nops, sizeof *self->metrics);
    char labels[160];
    for (size_t i = 0; i < self->nops; i++) {
        if (!self->by_op[i]) continue;
        snprintf(labels, sizeof labels, "domain=\"%s\",op=\"%s\"", domain, ops[i].name);
        self->metrics[i].requests =
            club_counter("club_actor_requests_total", "Requests handled, by op", labels);
        self->metrics[i].latency = club_hist(
            "club_actor_request_seconds", "Time from receipt to reply inside the worker", labels);
    }
    for (int e = 1; e < CLUB_E__COUNT; e++) {
        snprintf(labels, sizeof labels, "domain=\"%s\",code=\"%s\"", domain,
                 club_err_name((club_err_t)e));
        self->errors[e] = club_counter("club_actor_errors_total", "Error replies, by code", labels);
    }
    self->metrics_fd = club_metrics_listen((int)club_cfg_int("CLUB_METRICS_PORT", 0));
    return self;
fail:
    club_actor_destroy(&self);
    return NULL;
}

void club_actor_destroy(club_actor_t **self_p)
{
    club_actor_t *self = *self_p;
    if (!self) return;
    club_pool_destroy(&self->pool);
    zsock_destroy(&self->worker);
    zsock_destroy(&self->client);
    zsock_destroy(&self->pub);
    while (self->pend_head) {
        pending_t *p = self->pend_head;
        self->pend_head = p->next;
        free(p);
    }
    club_u64map_free(&self->pending);
    msgpack_sbuffer_destroy(&self->out);
    if (self->metrics_fd >= 0) close(self->metrics_fd);
    free(self->metrics);
    free(self->by_op);
    free(self);
    *self_p = NULL;
}

/* ---- replies ---- */

static void s_call_free(club_call_t *call)
{
    zframe_destroy(&call->caller);
    zframe_destroy(&call->body);
    msgpack_unpacked_destroy(&call->up);
    free(call);
}

/* Sends self->out as the reply body. */
static void s_reply(club_call_t *call, unsigned flags, uint64_t user, int rank, int64_t exp,
                    uint64_t sid)
{
    club_actor_t *self = call->actor;
    if (call->replied) {
        club_log(CLUB_ERROR, "double_reply", "second reply to %.*s dropped", (int)call->req.op_len,
                 call->req.op);
        return;
    }
    call->replied = true;
    club_hdr_t h = call->hdr;
    h.kind = CLUB_K_REP;
    h.status = 0;
    h.flags = (uint8_t)flags;
    h.user = user;
    h.rank = (uint8_t)rank;
    h.exp = exp;
    h.sid = sid;
    uint8_t hb[CLUB_HDR_SIZE];
    club_hdr_encode(&h, hb);
    const void *parts[3] = {hb, zframe_data(call->caller), self->out.data};
    size_t lens[3] = {sizeof hb, zframe_size(call->caller), self->out.size};
    /* Refused only at the high-water mark, with 100,000 replies queued for the broker: the
     * reply is lost like one to a broker that went away, and the caller times out. */
    if (club_batch_add(&self->wout, 3, parts, lens) != 0)
        club_log(CLUB_WARN, "reply_dropped", "the broker is not taking replies");
    if (call->op) {
        op_metrics_t *om = &self->metrics[club_op_index(call->op)];
        club_counter_add(om->requests, 1);
        club_hist_observe(om->latency, (double)(club_mono_ns() - call->t0_ns) / 1e9);
    }
    if (call->deferred && !call->dispatching) s_call_free(call);
}

msgpack_packer *club_call_ok(club_call_t *call)
{
    club_actor_t *self = call->actor;
    msgpack_sbuffer_clear(&self->out);
    club_pk_reply_ok(&self->pk, call->req.rid);
    return &self->pk;
}

void club_call_send(club_call_t *call, unsigned flags, uint64_t user, int rank, int64_t exp)
{
    if (!(flags & CLUB_F_AUTH_SET)) {
        user = call->hdr.user;
        rank = call->hdr.rank;
        exp = 0;
    }
    s_reply(call, flags, user, rank, exp, call->hdr.sid);
}

void club_call_send_auth(club_call_t *call, uint64_t user, int rank, int64_t exp, uint64_t sid)
{
    s_reply(call, CLUB_F_AUTH_SET, user, rank, exp, sid);
}

void club_call_ok_raw(club_call_t *call, const uint8_t *data, size_t len)
{
    club_actor_t *self = call->actor;
    msgpack_sbuffer_clear(&self->out);
    club_pk_reply_ok(&self->pk, call->req.rid);
    msgpack_sbuffer_write(&self->out, (const char *)data, len);
    s_reply(call, 0, call->hdr.user, call->hdr.rank, 0, call->hdr.sid);
}

void club_call_error(club_call_t *call, club_err_t code, const char *fmt, ...)
{
    club_actor_t *self = call->actor;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    msgpack_sbuffer_clear(&self->out);
    club_pk_reply_err(&self->pk, call->req.rid, code, msg);
    if (code > 0 && code < CLUB_E__COUNT) club_counter_add(self->errors[code], 1);
    s_reply(call, 0, call->hdr.user, call->hdr.rank, 0, call->hdr.sid);
}

void club_call_defer(club_call_t *call)
{
    call->deferred = true;
}

static void s_sys_ping(club_call_t *call)
{
    const msgpack_object *echo = club_mp_get(call->req.args, "echo");
    msgpack_packer *pk = club_call_ok(call);
    msgpack_pack_map(pk, 2);
    club_pk_str(pk, "echo");
    if (echo)
        msgpack_pack_object(pk, *echo);
    else
        msgpack_pack_nil(pk);
    club_pk_kv_int(pk, "at", club_now_ms());
    club_call_send(call, 0, 0, 0, 0);
}

/* ---- dispatch ---- */

/* Who may call the op, then its args against the schema: the handler runs only for a request
 * it can read without checking shapes. Returns CLUB_OK or the error to answer with. */
static club_err_t s_admit(club_actor_t *self, club_call_t *call, char *why, size_t cap)
{
    const club_req_t *q = &call->req;
    const club_op_t *op = club_op_find(q->op, q->op_len);
    bool from_worker = call->hdr.flags & CLUB_F_INTERNAL;
    if (!op || !self->by_op[club_op_index(op)] ||
        ((op->flags & CLUB_OP_INTERNAL) && !from_worker)) {
        snprintf(why, cap, "unknown op '%.*s'", (int)q->op_len, q->op);
        return CLUB_E_BAD_REQUEST;
    }
    call->op = op;
    if (!(op->flags & (CLUB_OP_PUBLIC | CLUB_OP_INTERNAL)) && call->hdr.user == 0) {
        snprintf(why, cap, "log in first: auth.login or auth.token");
        return CLUB_E_UNAUTHENTICATED;
    }
    if ((op->flags & CLUB_OP_IDEM_REQUIRED) && !q->idem) {
        snprintf(why, cap, "%s needs an idem: a key of 1-64 characters, new for each action",
                 op->name);
        return CLUB_E_BAD_REQUEST;
    }
    return club_args_check(op, q->args, why, cap);
}

/* Takes caller and body. */
static void s_dispatch(club_actor_t *self, const club_hdr_t *hdr, zframe_t *caller, zframe_t *body)
{
    club_call_t *call = club_calloc(1, sizeof *call);
    call->actor = self;
    call->hdr = *hdr;
    call->t0_ns = club_mono_ns();
    msgpack_unpacked_init(&call->up);
    call->caller = caller;
    call->body = body;
    const char *why = "malformed request";
    if (club_mp_decode(zframe_data(call->body), zframe_size(call->body), &call->up) != 0 ||
        club_req_parse(&call->up.data, &call->req, &why) != 0) {
        call->req.rid = hdr->rid;
        club_call_error(call, CLUB_E_BAD_REQUEST, "%s", why);
        s_call_free(call);
        return;
    }
    call->root = &call->up.data;
    char msg[256];
    club_err_t e = s_admit(self, call, msg, sizeof msg);
    if (e != CLUB_OK) {
        club_call_error(call, e, "%s", msg);
    } else {
        call->dispatching = true;
        self->by_op[club_op_index(call->op)](call);
        call->dispatching = false;
        /* Deferred: the handler owns it, unless it already replied from inside fn. */
        if (call->deferred && !call->replied) return;
        if (!call->replied)
            club_call_error(call, CLUB_E_INTERNAL, "the server did not answer this request");
    }
    s_call_free(call);
}

static void s_on_worker_msg(club_actor_t *self, zmsg_t *msg)
{
    self->last_broker_ms = club_mono_ms();
    zframe_t *hf = zmsg_first(msg);
    club_hdr_t hdr;
    if (!hf || club_hdr_decode(zframe_data(hf), zframe_size(hf), &hdr) != 0) return;
    if (hdr.kind == CLUB_K_REQ) {
        /* ([hdr REQ][caller][body])...[] */
        while (zmsg_size(msg) >= 3) {
            zframe_t *f = zmsg_pop(msg);
            bool ok = zframe_size(f) &&
                      club_hdr_decode(zframe_data(f), zframe_size(f), &hdr) == 0 &&
                      hdr.kind == CLUB_K_REQ;
            zframe_destroy(&f);
            if (!ok) break;
            zframe_t *caller = zmsg_pop(msg);
            s_dispatch(self, &hdr, caller, zmsg_pop(msg));
        }
    } else if (hdr.kind == CLUB_K_READY) {
        s_send_ready(self); /* the broker does not know us (it restarted, or forgot us) */
    }
    /* CLUB_K_HB: liveness already noted */
}

/* ---- outgoing calls ---- */

int club_actor_request(club_actor_t *self, const char *domain, uint64_t user, const uint8_t *body,
                       size_t len, int timeout_ms, club_reply_fn fn, void *ctx)
{
    pending_t *p = club_calloc(1, sizeof *p);
    p->corr = self->next_corr++;
    p->deadline_ms = club_mono_ms() + timeout_ms;
    p->fn = fn;
    p->ctx = ctx;
    club_hdr_t h = {
        .kind = CLUB_K_REQ, .flags = CLUB_F_INTERNAL, .corr = p->corr, .user = user, .key = user};
    uint8_t hb[CLUB_HDR_SIZE];
    club_hdr_encode(&h, hb);
    const void *parts[3] = {hb, domain, body};
    size_t lens[3] = {sizeof hb, strlen(domain), len};
    if (club_batch_add(&self->cout, 3, parts, lens) != 0) {
        free(p);
        return -1;
    }
    club_u64map_put(&self->pending, p->corr, p);
    if (self->pend_tail)
        self->pend_tail->next = p;
    else
        self->pend_head = p;
    self->pend_tail = p;
    return 0;
}

/* A finished pending entry stays in the FIFO with fn == NULL until the timeout scan reaches
 * it; that keeps removal O(1) without a doubly linked list. */
static void s_on_client_reply(club_actor_t *self, zframe_t *hf, zframe_t *body)
{
    club_hdr_t hdr;
    if (club_hdr_decode(zframe_data(hf), zframe_size(hf), &hdr) != 0) return;
    pending_t *p = club_u64map_del(&self->pending, hdr.corr);
    if (!p || !p->fn) return; /* timed out already */
    club_reply_fn fn = p->fn;
    p->fn = NULL;
    if (hdr.status) {
        fn(self, p->ctx, (club_err_t)hdr.status, NULL);
        return;
    }
    msgpack_unpacked up;
    if (club_mp_decode(zframe_data(body), zframe_size(body), &up) != 0) {
        fn(self, p->ctx, CLUB_E_INTERNAL, NULL);
        return;
    }
    fn(self, p->ctx, CLUB_OK, &up.data);
    msgpack_unpacked_destroy(&up);
}

/* ([hdr REP][body])...[] */
static void s_on_client_msg(club_actor_t *self, zmsg_t *msg)
{
    for (zframe_t *hf = zmsg_first(msg); hf && zframe_size(hf); hf = zmsg_next(msg)) {
        zframe_t *body = zmsg_next(msg);
        if (!body) break;
        s_on_client_reply(self, hf, body);
    }
}

static void s_expire_pending(club_actor_t *self, int64_t now)
{
    while (self->pend_head && (self->pend_head->deadline_ms <= now || !self->pend_head->fn)) {
        pending_t *p = self->pend_head;
        self->pend_head = p->next;
        if (!self->pend_head) self->pend_tail = NULL;
        if (p->fn) {
            club_u64map_del(&self->pending, p->corr);
            club_reply_fn fn = p->fn;
            p->fn = NULL;
            fn(self, p->ctx, CLUB_E_UNAVAILABLE, NULL);
        }
        free(p);
    }
}

void club_actor_offload(club_actor_t *self, club_work_fn work, club_done_fn done, void *ctx)
{
    if (!self->pool && !self->pool_failed) {
        int n = (int)club_cfg_int("CLUB_WORK_THREADS", 2);
        self->pool = club_pool_new(n < 1 ? 1 : n > 64 ? 64 : n);
        self->pool_failed = !self->pool;
    }
    if (!self->pool) { /* no threads to be had: slow, but still right */
        work(ctx);
        done(self, ctx);
        return;
    }
    club_pool_submit(self->pool, work, done, ctx);
}

void club_actor_publish(club_actor_t *self, const char *topic, const uint8_t *body, size_t len)
{
    zmsg_t *m = zmsg_new();
    zmsg_addstr(m, topic);
    zmsg_addmem(m, body, len);
    zmsg_send(&m, self->pub);
}

/* ---- loop ---- */

/* Handles what sock has, up to DRAIN_MAX messages; both sockets have a zero ZMQ_RCVTIMEO, so
 * zmsg_recv returns NULL once the queue is empty (see club_zwait). Returns the count. */
static int s_drain(club_actor_t *self, zsock_t *sock, bool worker)
{
    int i = 0;
    for (; i < DRAIN_MAX; i++) {
        zmsg_t *m = zmsg_recv(sock);
        if (!m) break;
        if (worker)
            s_on_worker_msg(self, m);
        else
            s_on_client_msg(self, m);
        zmsg_destroy(&m);
    }
    return i;
}

int club_actor_run(club_actor_t *self)
{
    int64_t next_tick = club_mono_ms() + 100;
    self->next_hb_ms = club_mono_ms() + HB_INTERVAL_MS;
    bool idle = false;
    while (!zsys_interrupted) {
        bool metrics_ready = false;
        if (idle) {
            void *socks[3] = {zsock_resolve(self->worker), zsock_resolve(self->client),
                              self->pool ? club_pool_socket(self->pool) : NULL};
            if (club_zwait(socks, self->pool ? 3 : 2, self->metrics_fd, 100, &metrics_ready) < 0 &&
                zmq_errno() == EINTR)
                continue;
        }
        int got = s_drain(self, self->worker, true) + s_drain(self, self->client, false);
        if (self->pool) got += club_pool_drain(self->pool, self);
        /* Replies and calls of this pass leave as one message each (wire.h), before a flush
         * hook that may take a while (the wallet's commit). */
        club_batch_end(&self->wout);
        club_batch_end(&self->cout);
        if (metrics_ready) club_metrics_serve_one(self->metrics_fd);
        if (self->spec.domain->flush) self->spec.domain->flush(self);
        /* Wait only after a pass that found nothing: a busy worker goes round without
         * blocking, and the pass that finds both queues empty is the one that waits. */
        idle = got == 0;

        int64_t now = club_mono_ms();
        s_expire_pending(self, now);
        if (now >= self->next_hb_ms) {
            s_send_hb(self);
            self->next_hb_ms = now + HB_INTERVAL_MS;
        }
        if (now - self->last_broker_ms > HB_INTERVAL_MS * HB_LIVENESS &&
            now >= self->reconnect_at_ms) {
            club_log(CLUB_WARN, "broker_silent",
                     "no heartbeat from the broker for %lld ms; announcing this worker again",
                     (long long)(now - self->last_broker_ms));
            /* The same socket: ZeroMQ reconnects it by itself to a broker that restarted, and
             * one that forgot us learns of us from READY. (Closing and remaking it, with
             * CURVE, left libzmq's half-torn connection unfreed.) */
            s_send_ready(self);
            self->last_broker_ms = now;
            self->reconnect_at_ms = now + self->reconnect_backoff_ms;
            self->reconnect_backoff_ms =
                self->reconnect_backoff_ms * 2 > 5000 ? 5000 : self->reconnect_backoff_ms * 2;
        } else if (now - self->last_broker_ms <= HB_INTERVAL_MS) {
            self->reconnect_backoff_ms = 250;
        }
        if (now >= next_tick) {
            /* A worker that never runs dry never waits in club_zwait; look at the metrics
             * listener here so a scrape is answered under load too. */
            if (!idle && !metrics_ready && club_fd_readable(self->metrics_fd))
                club_metrics_serve_one(self->metrics_fd);
            if (self->spec.domain->tick) self->spec.domain->tick(self);
            next_tick = now + 100;
        }
        /* What the flush hook and the timers answered (a commit's replies, an expired call)
         * leaves now: nothing waits in an open batch while the loop sleeps. */
        club_batch_end(&self->wout);
        club_batch_end(&self->cout);
    }
    club_log(CLUB_INFO, "worker_stop", "domain=%s shard=%u stopping", self->spec.domain->name,
             self->spec.shard);
    return 0;
}

void club_call_hash(const club_call_t *call, uint8_t out[32])
{
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    club_pk_strn(&pk, call->req.op, call->req.op_len);
    if (call->req.args)
        msgpack_pack_object(&pk, *call->req.args);
    else
        msgpack_pack_nil(&pk);
    club_sha256(sb.data, sb.size, out);
    msgpack_sbuffer_destroy(&sb);
}
