/* club-broker: routes requests from callers (edges, workers calling other domains) to the
 * domain's workers, and carries events from workers to edges.
 *
 *   front ROUTER  [caller][hdr REQ][domain][body]   -> back  [worker][hdr][caller][body]
 *   back  ROUTER  [worker][hdr REP][caller][body]   -> front [caller][hdr][body]
 *   back  ROUTER  [worker][hdr READY][info] / [worker][hdr HB]; to an unknown worker's HB the
 *                 broker answers [hdr READY]: announce yourself
 *   events XSUB <- workers' PUB, XPUB -> edges' SUB (a zproxy actor on its own thread)
 *
 * Per-user domains are sharded: a request goes to a live worker of shard user % shards, so
 * one user's commands meet one worker, in order. A request for a domain (or shard) with no
 * live worker waits up to CLUB_BROKER_WAIT_MS (2 s) for one to announce itself, then the
 * caller gets UNAVAILABLE: never a hang. Workers and broker exchange heartbeats every second;
 * a worker silent for three is forgotten. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <czmq.h>

#include "config.h"
#include "log.h"
#include "metrics.h"
#include "msg.h"
#include "util.h"
#include "wire.h"

#define HB_INTERVAL_MS         1000
#define HB_LIVENESS            3
#define MAX_DOMAINS_PER_WORKER 4
#define MAX_WAITING            100000

typedef struct {
    char name[32];
    uint32_t shard, shards;
} reg_t;

typedef struct worker {
    uint8_t id[256];
    size_t id_len;
    reg_t regs[MAX_DOMAINS_PER_WORKER];
    int nregs;
    int64_t last_seen;
    uint32_t inflight;
    int pid;
    struct worker *next;
} worker_t;

typedef struct waiting {
    zmsg_t *msg; /* [caller][hdr][domain][body] as received */
    int64_t deadline;
    struct waiting *next;
} waiting_t;

typedef struct {
    zsock_t *front, *back;
    worker_t *workers;
    int nworkers;
    waiting_t *wait_head, *wait_tail;
    size_t nwaiting;
    int64_t wait_ms;
    club_counter_t *m_requests, *m_unavailable, *m_replies;
    club_gauge_t *m_workers, *m_waiting;
} broker_t;

static worker_t *s_worker_find(broker_t *b, const zframe_t *id)
{
    for (worker_t *w = b->workers; w; w = w->next)
        if (w->id_len == zframe_size((zframe_t *)id) &&
            !memcmp(w->id, zframe_data((zframe_t *)id), w->id_len))
            return w;
    return NULL;
}

static void s_worker_remove(broker_t *b, worker_t *dead, const char *why)
{
    for (worker_t **pp = &b->workers; *pp; pp = &(*pp)->next) {
        if (*pp == dead) {
            *pp = dead->next;
            club_log(CLUB_WARN, "worker_gone", "pid=%d domain=%s: %s", dead->pid,
                     dead->nregs ? dead->regs[0].name : "?", why);
            free(dead);
            b->nworkers--;
            club_gauge_set(b->m_workers, b->nworkers);
            return;
        }
    }
}

/* The live worker for domain/user with the fewest requests in flight, or NULL. */
static worker_t *s_pick(broker_t *b, const char *domain, size_t dlen, uint64_t user)
{
    worker_t *best = NULL;
    for (worker_t *w = b->workers; w; w = w->next) {
        for (int i = 0; i < w->nregs; i++) {
            const reg_t *r = &w->regs[i];
            if (strlen(r->name) != dlen || memcmp(r->name, domain, dlen)) continue;
            if (r->shards > 1 && club_shard_of(user, r->shards) != r->shard) continue;
            if (!best || w->inflight < best->inflight) best = w;
        }
    }
    return best;
}

static void s_reply_status(broker_t *b, zframe_t *caller, const club_hdr_t *req, club_err_t st)
{
    club_hdr_t h = *req;
    h.kind = CLUB_K_REP;
    h.status = (uint8_t)st;
    h.flags = 0;
    zmsg_t *m = zmsg_new();
    zmsg_append(m, &(zframe_t *){zframe_dup(caller)});
    zmsg_append(m, &(zframe_t *){club_hdr_frame(&h)});
    zmsg_addmem(m, "", 0);
    zmsg_send(&m, b->front);
}

/* Tries to hand msg ([caller][hdr][domain][body]) to a worker. Takes ownership on success. */
static int s_try_dispatch(broker_t *b, zmsg_t **msg_p)
{
    zmsg_t *msg = *msg_p;
    zframe_t *caller = zmsg_first(msg);
    zframe_t *hf = zmsg_next(msg);
    zframe_t *domain = zmsg_next(msg);
    zframe_t *body = zmsg_next(msg);
    club_hdr_t hdr;
    if (club_hdr_decode(zframe_data(hf), zframe_size(hf), &hdr) != 0) return -1;
    worker_t *w = s_pick(b, (const char *)zframe_data(domain), zframe_size(domain), hdr.user);
    if (!w) return -1;
    zmsg_t *out = zmsg_new();
    zmsg_addmem(out, w->id, w->id_len);
    zmsg_append(out, &(zframe_t *){zframe_dup(hf)});
    zmsg_append(out, &(zframe_t *){zframe_dup(caller)});
    zmsg_append(out, &(zframe_t *){zframe_dup(body)});
    if (zmsg_send(&out, b->back) != 0) {
        /* ROUTER_MANDATORY: the worker's connection is gone. */
        zmsg_destroy(&out);
        s_worker_remove(b, w, "unreachable");
        return s_try_dispatch(b, msg_p);
    }
    w->inflight++;
    zmsg_destroy(msg_p);
    return 0;
}

static void s_on_front(broker_t *b, zmsg_t *msg)
{
    club_counter_add(b->m_requests, 1);
    zframe_t *caller = zmsg_first(msg);
    zframe_t *hf = zmsg_next(msg);
    club_hdr_t hdr;
    if (zmsg_size(msg) != 4 || club_hdr_decode(zframe_data(hf), zframe_size(hf), &hdr) != 0 ||
        hdr.kind != CLUB_K_REQ) {
        club_log(CLUB_WARN, "bad_request_frame", "dropped a malformed message from a caller");
        zmsg_destroy(&msg);
        return;
    }
    if (s_try_dispatch(b, &msg) == 0) return;
    if (b->nwaiting >= MAX_WAITING) {
        club_counter_add(b->m_unavailable, 1);
        s_reply_status(b, caller, &hdr, CLUB_E_UNAVAILABLE);
        zmsg_destroy(&msg);
        return;
    }
    waiting_t *wt = club_calloc(1, sizeof *wt);
    wt->msg = msg;
    wt->deadline = club_mono_ms() + b->wait_ms;
    if (b->wait_tail)
        b->wait_tail->next = wt;
    else
        b->wait_head = wt;
    b->wait_tail = wt;
    b->nwaiting++;
}

/* Requests waiting for a worker: dispatch those that now have one, answer UNAVAILABLE to those
 * past their deadline, keep the rest in order. */
static void s_retry_waiting(broker_t *b, int64_t now)
{
    waiting_t *keep_head = NULL, *keep_tail = NULL;
    waiting_t *wt = b->wait_head;
    b->wait_head = b->wait_tail = NULL;
    while (wt) {
        waiting_t *next = wt->next;
        wt->next = NULL;
        if (s_try_dispatch(b, &wt->msg) == 0) {
            free(wt);
            b->nwaiting--;
        } else if (now >= wt->deadline) {
            zframe_t *caller = zmsg_first(wt->msg);
            zframe_t *hf = zmsg_next(wt->msg);
            club_hdr_t hdr;
            if (club_hdr_decode(zframe_data(hf), zframe_size(hf), &hdr) == 0) {
                club_counter_add(b->m_unavailable, 1);
                s_reply_status(b, caller, &hdr, CLUB_E_UNAVAILABLE);
            }
            zmsg_destroy(&wt->msg);
            free(wt);
            b->nwaiting--;
        } else {
            if (keep_tail)
                keep_tail->next = wt;
            else
                keep_head = wt;
            keep_tail = wt;
        }
        wt = next;
    }
    b->wait_head = keep_head;
    b->wait_tail = keep_tail;
    club_gauge_set(b->m_waiting, (double)b->nwaiting);
}

static void s_on_ready(broker_t *b, zframe_t *id, zframe_t *info)
{
    msgpack_unpacked up;
    if (!info || club_mp_decode(zframe_data(info), zframe_size(info), &up) != 0) return;
    worker_t *w = s_worker_find(b, id);
    if (!w) {
        if (zframe_size(id) > sizeof w->id) goto done;
        w = club_calloc(1, sizeof *w);
        w->id_len = zframe_size(id);
        memcpy(w->id, zframe_data(id), w->id_len);
        w->next = b->workers;
        b->workers = w;
        b->nworkers++;
        club_gauge_set(b->m_workers, b->nworkers);
    }
    w->last_seen = club_mono_ms();
    w->nregs = 0;
    int64_t pid = 0;
    club_mp_i64(club_mp_get(&up.data, "pid"), &pid);
    w->pid = (int)pid;
    const msgpack_object *ds = club_mp_get(&up.data, "domains");
    if (ds && ds->type == MSGPACK_OBJECT_ARRAY) {
        for (uint32_t i = 0; i < ds->via.array.size && w->nregs < MAX_DOMAINS_PER_WORKER; i++) {
            reg_t *r = &w->regs[w->nregs];
            int64_t shard = 0, shards = 1;
            if (!club_mp_strcpy(club_mp_get(&ds->via.array.ptr[i], "name"), r->name,
                                sizeof r->name))
                continue;
            club_mp_i64(club_mp_get(&ds->via.array.ptr[i], "shard"), &shard);
            club_mp_i64(club_mp_get(&ds->via.array.ptr[i], "shards"), &shards);
            if (shards < 1 || shard < 0 || shard >= shards) continue;
            r->shard = (uint32_t)shard;
            r->shards = (uint32_t)shards;
            w->nregs++;
        }
    }
    club_log(CLUB_INFO, "worker_ready", "pid=%d domain=%s shard=%u/%u", w->pid,
             w->nregs ? w->regs[0].name : "?", w->nregs ? w->regs[0].shard : 0,
             w->nregs ? w->regs[0].shards : 0);
done:
    msgpack_unpacked_destroy(&up);
}

static void s_on_back(broker_t *b, zmsg_t *msg)
{
    zframe_t *id = zmsg_first(msg);
    zframe_t *hf = zmsg_next(msg);
    club_hdr_t hdr;
    if (!hf || club_hdr_decode(zframe_data(hf), zframe_size(hf), &hdr) != 0) return;
    worker_t *w = s_worker_find(b, id);
    if (w) w->last_seen = club_mono_ms();
    switch (hdr.kind) {
    case CLUB_K_READY:
        s_on_ready(b, id, zmsg_next(msg));
        s_retry_waiting(b, club_mono_ms());
        break;
    case CLUB_K_REP: {
        zframe_t *caller = zmsg_next(msg);
        zframe_t *body = zmsg_next(msg);
        if (!caller || !body) return;
        if (w && w->inflight) w->inflight--;
        club_counter_add(b->m_replies, 1);
        zmsg_t *out = zmsg_new();
        zmsg_append(out, &(zframe_t *){zframe_dup(caller)});
        zmsg_append(out, &(zframe_t *){zframe_dup(hf)});
        zmsg_append(out, &(zframe_t *){zframe_dup(body)});
        zmsg_send(&out, b->front); /* a caller that went away: ROUTER drops it */
        break;
    }
    default:
        /* A heartbeat from a worker this broker does not know (it restarted, or forgot a
         * worker that stalled): ask it to announce itself now rather than after it notices
         * three seconds of silence. */
        if (!w) {
            club_hdr_t h = {.kind = CLUB_K_READY};
            zmsg_t *m = zmsg_new();
            zmsg_append(m, &(zframe_t *){zframe_dup(id)});
            zmsg_append(m, &(zframe_t *){club_hdr_frame(&h)});
            if (zmsg_send(&m, b->back) != 0) zmsg_destroy(&m);
        }
        break;
    }
}

static void s_heartbeat(broker_t *b, int64_t now)
{
    club_hdr_t h = {.kind = CLUB_K_HB};
    worker_t *w = b->workers;
    while (w) {
        worker_t *next = w->next;
        if (now - w->last_seen > HB_INTERVAL_MS * HB_LIVENESS) {
            s_worker_remove(b, w, "missed 3 heartbeats");
        } else {
            zmsg_t *m = zmsg_new();
            zmsg_addmem(m, w->id, w->id_len);
            zmsg_append(m, &(zframe_t *){club_hdr_frame(&h)});
            if (zmsg_send(&m, b->back) != 0) {
                zmsg_destroy(&m);
                s_worker_remove(b, w, "unreachable");
            }
        }
        w = next;
    }
}

static void s_usage(void)
{
    printf("usage: club-broker [--help] [--version]\n\n"
           "Routes requests from edges to domain workers and fans events out to edges.\n\n"
           "environment:\n"
           "  CLUB_BROKER_FRONT    callers connect here (ROUTER bind)  default %s\n"
           "  CLUB_BROKER_BACK     workers connect here (ROUTER bind)  default %s\n"
           "  CLUB_EVENTS_IN       workers publish here (XSUB bind)    default %s\n"
           "  CLUB_EVENTS_OUT      edges subscribe here (XPUB bind)    default %s\n"
           "  CLUB_BROKER_WAIT_MS  how long a request waits for a worker before UNAVAILABLE "
           "(default 2000)\n"
           "  CLUB_METRICS_PORT    serve /metrics and /healthz on 127.0.0.1:PORT (default off)\n"
           "  CLUB_CONFIG          file of KEY=VALUE lines read first\n"
           "  CLUB_LOG_LEVEL       debug|info|warn|error (default info)\n",
           CLUB_DEF_BROKER_FRONT, CLUB_DEF_BROKER_BACK, CLUB_DEF_EVENTS_IN, CLUB_DEF_EVENTS_OUT);
}

static char *s_bind_ep(const char *ep)
{
    char *s = club_malloc(strlen(ep) + 2);
    sprintf(s, "@%s", ep);
    return s;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"help", no_argument, 0, 'h'}, {"version", no_argument, 0, 'V'}, {0, 0, 0, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "hV", opts, NULL)) != -1) {
        if (c == 'h') {
            s_usage();
            return 0;
        }
        if (c == 'V') {
            printf("club-broker %s\n", CLUB_VERSION);
            return 0;
        }
        s_usage();
        return 2;
    }
    club_log_init("club-broker");
    if (club_config_load() != 0) return 1;
    zsys_init();
    zsys_set_logstream(NULL);

    broker_t b = {0};
    b.wait_ms = club_cfg_int("CLUB_BROKER_WAIT_MS", 2000);
    b.m_requests =
        club_counter("club_broker_requests_total", "Requests received from callers", NULL);
    b.m_replies = club_counter("club_broker_replies_total", "Replies relayed to callers", NULL);
    b.m_unavailable = club_counter("club_broker_unavailable_total",
                                   "Requests answered UNAVAILABLE (no live worker in time)", NULL);
    b.m_workers = club_gauge("club_broker_workers", "Live workers", NULL);
    b.m_waiting = club_gauge("club_broker_waiting", "Requests waiting for a worker", NULL);

    const char *front = club_cfg_str("CLUB_BROKER_FRONT", CLUB_DEF_BROKER_FRONT);
    const char *back = club_cfg_str("CLUB_BROKER_BACK", CLUB_DEF_BROKER_BACK);
    const char *ev_in = club_cfg_str("CLUB_EVENTS_IN", CLUB_DEF_EVENTS_IN);
    const char *ev_out = club_cfg_str("CLUB_EVENTS_OUT", CLUB_DEF_EVENTS_OUT);

    b.front = zsock_new(ZMQ_ROUTER);
    b.back = zsock_new(ZMQ_ROUTER);
    zsock_set_router_mandatory(b.back, 1);
    zsock_set_sndhwm(b.front, 200000);
    zsock_set_rcvhwm(b.front, 200000);
    zsock_set_sndhwm(b.back, 200000);
    zsock_set_rcvhwm(b.back, 200000);
    zsock_set_linger(b.front, 0);
    zsock_set_linger(b.back, 0);
    if (zsock_bind(b.front, "%s", front) < 0 || zsock_bind(b.back, "%s", back) < 0) {
        club_log(CLUB_ERROR, "bind",
                 "cannot bind %s or %s (in use? set CLUB_BROKER_FRONT / "
                 "CLUB_BROKER_BACK)",
                 front, back);
        return 1;
    }
    zactor_t *proxy = zactor_new(zproxy, NULL);
    char *in_bind = s_bind_ep(ev_in), *out_bind = s_bind_ep(ev_out);
    zstr_sendx(proxy, "FRONTEND", "XSUB", in_bind, NULL);
    zsock_wait(proxy);
    zstr_sendx(proxy, "BACKEND", "XPUB", out_bind, NULL);
    zsock_wait(proxy);
    free(in_bind);
    free(out_bind);

    int metrics_fd = club_metrics_listen((int)club_cfg_int("CLUB_METRICS_PORT", 0));
    club_log(CLUB_INFO, "broker_listening", "front=%s back=%s events_in=%s events_out=%s", front,
             back, ev_in, ev_out);

    /* Both ROUTERs have a zero ZMQ_RCVTIMEO: zmsg_recv returns NULL when the queue is empty,
     * and the loop waits (club_zwait) only after a pass that found nothing. */
    zsock_set_rcvtimeo(b.front, 0);
    zsock_set_rcvtimeo(b.back, 0);
    int64_t next_hb = club_mono_ms() + HB_INTERVAL_MS, next_metrics = 0;
    bool idle = false;
    while (!zsys_interrupted) {
        bool metrics_ready = false;
        if (idle) {
            void *socks[2] = {zsock_resolve(b.front), zsock_resolve(b.back)};
            int timeout = b.nwaiting ? 20 : 200;
            if (club_zwait(socks, 2, metrics_fd, timeout, &metrics_ready) < 0 &&
                zmq_errno() == EINTR)
                continue;
        }
        int got = 0;
        /* Replies first: they finish work and free capacity. */
        for (zmsg_t *m; got < 1024 && (m = zmsg_recv(b.back)); got++) {
            s_on_back(&b, m);
            zmsg_destroy(&m);
        }
        for (zmsg_t *m; got < 2048 && (m = zmsg_recv(b.front)); got++)
            s_on_front(&b, m);
        idle = got == 0;
        int64_t now = club_mono_ms();
        if (metrics_ready || (!idle && now >= next_metrics && club_fd_readable(metrics_fd)))
            club_metrics_serve_one(metrics_fd);
        if (now >= next_metrics) next_metrics = now + 100;
        if (b.nwaiting) s_retry_waiting(&b, now);
        if (now >= next_hb) {
            s_heartbeat(&b, now);
            next_hb = now + HB_INTERVAL_MS;
        }
    }
    club_log(CLUB_INFO, "broker_stop", "stopping");
    while (b.wait_head) {
        waiting_t *w = b.wait_head;
        b.wait_head = w->next;
        zmsg_destroy(&w->msg);
        free(w);
    }
    while (b.workers) {
        worker_t *w = b.workers;
        b.workers = w->next;
        free(w);
    }
    zactor_destroy(&proxy);
    zsock_destroy(&b.front);
    zsock_destroy(&b.back);
    if (metrics_fd >= 0) close(metrics_fd);
    return 0;
}
