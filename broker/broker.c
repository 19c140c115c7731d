/* club-broker: routes requests from callers (edges, workers calling other domains) to the
 * domain's workers, and carries events from workers to edges.
 *
 * Messages (the ROUTER identity first; a batch is records ended by an empty frame):
 *   front in   [caller] ([hdr REQ][domain][body]) ... []
 *   back out   [worker] ([hdr REQ][caller][body]) ... []
 *   back in    [worker] ([hdr REP][caller][body]) ... []
 *   front out  [caller] ([hdr REP][body]) ... []
 *   back in    [worker][hdr READY][info] and [worker][hdr HB]
 *   back out   [worker][hdr HB], or [worker][hdr READY] to a worker it does not know that
 *              sent a heartbeat: announce yourself
 *   events     XSUB <- workers' PUB, XPUB -> edges' SUB (a zproxy actor on its own thread)
 *
 * Requests and replies come in batches (wire.h). One pass of the loop reads what both sockets
 * have, sorts the records into one outgoing batch per worker and per caller, and sends those
 * at the end of the pass: a frame is shared with zmq_msg_copy, never copied.
 *
 * Sharded domains: a request goes to a live worker of shard key % shards, the key being the
 * op's shard key (the user for per-user ops, an argument's hash for ops sharded by one), so
 * one user's commands meet one worker, in order; an op of shard none (CLUB_F_ANY_SHARD) goes
 * to any worker of its domain. A request for a domain (or shard) with no
 * live worker waits up to CLUB_BROKER_WAIT_MS (2 s) for one to announce itself, then the
 * caller gets UNAVAILABLE: never a hang. Workers and broker exchange heartbeats every second;
 * a worker silent for three is forgotten.
 *
 * One live owner per shard: a worker that announces a shard another worker holds takes it
 * over when it started later (a restart replaces a worker the broker has not yet found dead),
 * and is refused it when it started earlier (a stale process announcing itself again). A
 * worker announcing a different shard count for a domain supersedes every worker of the old
 * count, so a user is never served by two processes at once. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <czmq.h>

#include "config.h"
#include "curve.h"
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
    int64_t epoch; /* when the worker started (ms): of two claiming one shard, the later owns it */
} reg_t;

typedef struct worker {
    uint8_t id[256];
    size_t id_len;
    reg_t regs[MAX_DOMAINS_PER_WORKER];
    int nregs;
    int64_t last_seen;
    uint32_t inflight;
    int64_t progress; /* last reply, or when handed a request with none in flight */
    uint64_t picked;  /* b->pick_seq when last picked */
    int pid;
    club_frames_t out;  /* this pass's records for it: [hdr][caller][body] each */
    club_frames_t doms; /* the domain of each record, to route it again if the send fails */
    struct worker *next;
} worker_t;

/* Something that sends requests (an edge, or a worker calling another domain). */
typedef struct caller {
    uint8_t id[256];
    size_t id_len;
    club_frames_t out; /* this pass's replies for it: [hdr][body] each */
    int64_t last_used;
    struct caller *next;
} caller_t;

/* A request with no live worker yet; its frames are shared with the message it came in. */
typedef struct waiting {
    club_hdr_t hdr;
    zmq_msg_t hf, caller, domain, body;
    int64_t deadline;
    struct waiting *next;
} waiting_t;

typedef struct {
    zsock_t *front, *back;
    worker_t *workers;
    int nworkers;
    caller_t *callers;
    uint64_t pick_seq;
    club_frames_t in;
    waiting_t *wait_head, *wait_tail;
    size_t nwaiting;
    int64_t wait_ms;
    club_counter_t *m_requests, *m_unavailable, *m_replies;
    club_gauge_t *m_workers, *m_waiting;
} broker_t;

static worker_t *s_worker_find(broker_t *b, const void *id, size_t len)
{
    for (worker_t *w = b->workers; w; w = w->next)
        if (w->id_len == len && !memcmp(w->id, id, len)) return w;
    return NULL;
}

static void s_wait_push(broker_t *b, const club_hdr_t *hdr, zmq_msg_t *hf, zmq_msg_t *caller,
                        zmq_msg_t *domain, zmq_msg_t *body);

/* Puts the records still queued for w back on the waiting list, so they go to another worker
 * (or are answered UNAVAILABLE in time). */
static void s_requeue(broker_t *b, worker_t *w)
{
    for (size_t k = 0; 3 * k + 2 < w->out.n && k < w->doms.n; k++) {
        zmq_msg_t *r = &w->out.v[3 * k]; /* [hdr][caller][body] */
        club_hdr_t hdr;
        if (club_hdr_decode(zmq_msg_data(&r[0]), zmq_msg_size(&r[0]), &hdr) == 0)
            s_wait_push(b, &hdr, &r[0], &r[1], &w->doms.v[k], &r[2]);
    }
    club_frames_clear(&w->out);
    club_frames_clear(&w->doms);
}

static void s_worker_remove(broker_t *b, worker_t *dead, const char *why)
{
    for (worker_t **pp = &b->workers; *pp; pp = &(*pp)->next) {
        if (*pp == dead) {
            *pp = dead->next;
            club_log(CLUB_WARN, "worker_gone", "pid=%d domain=%s: %s", dead->pid,
                     dead->nregs ? dead->regs[0].name : "?", why);
            s_requeue(b, dead);
            club_frames_free(&dead->out);
            club_frames_free(&dead->doms);
            free(dead);
            b->nworkers--;
            club_gauge_set(b->m_workers, b->nworkers);
            return;
        }
    }
}

/* The caller with this identity, created on first use. */
static caller_t *s_caller(broker_t *b, const void *id, size_t len)
{
    caller_t *c = b->callers;
    for (; c; c = c->next)
        if (c->id_len == len && !memcmp(c->id, id, len)) break;
    if (!c) {
        if (len > sizeof c->id) return NULL;
        c = club_calloc(1, sizeof *c);
        memcpy(c->id, id, len);
        c->id_len = len;
        club_frames_init(&c->out);
        c->next = b->callers;
        b->callers = c;
    }
    c->last_used = club_mono_ms();
    return c;
}

/* The live worker for domain/user, or NULL. The worker picked last for anything stays the
 * pick while it keeps answering: fewer than STICKY_INFLIGHT requests in flight, and a reply
 * (or an empty queue) within STICKY_QUIET_MS. Otherwise the pick is the worker with the
 * fewest in flight, preferring one that is not stalled. Most domains have one worker per
 * shard, so this matters where several can answer (sys.ping goes to every worker):
 * spreading a stream over four idle workers wakes four processes where one would do, and on
 * two cores those wake-ups are the latency (at 50,000 pings/s, p99 26 ms spread against
 * 11 ms on one worker). The count limit is above what one edge pass brings at 1000 players
 * (about 90 requests): at 32, every such batch spilled over three workers. The quiet limit
 * keeps a worker that stops answering (stopped, or busy with a slow command such as a
 * login's password hash) from collecting the stream: it keeps what it was given in the
 * last STICKY_QUIET_MS, and the edge answers those UNAVAILABLE at its deadline. */
#define STICKY_INFLIGHT 1024
#define STICKY_QUIET_MS 100

static bool s_stalled(const worker_t *w, int64_t now)
{
    return w->inflight && now - w->progress > STICKY_QUIET_MS;
}

static worker_t *s_pick(broker_t *b, const char *domain, size_t dlen, uint64_t key, bool any)
{
    int64_t now = club_mono_ms();
    worker_t *best = NULL, *recent = NULL;
    bool best_stalled = false;
    for (worker_t *w = b->workers; w; w = w->next) {
        for (int i = 0; i < w->nregs; i++) {
            const reg_t *r = &w->regs[i];
            if (strlen(r->name) != dlen || memcmp(r->name, domain, dlen)) continue;
            if (!any && r->shards > 1 && club_shard_of(key, r->shards) != r->shard) continue;
            bool stalled = s_stalled(w, now);
            if (!best || (best_stalled && !stalled) ||
                (stalled == best_stalled && w->inflight < best->inflight)) {
                best = w;
                best_stalled = stalled;
            }
            if (!recent || w->picked > recent->picked) recent = w;
        }
    }
    worker_t *w =
        recent && recent->inflight < STICKY_INFLIGHT && !s_stalled(recent, now) ? recent : best;
    if (w) {
        w->picked = ++b->pick_seq;
        if (!w->inflight) w->progress = now;
    }
    return w;
}

static void s_reply_status(broker_t *b, const void *caller, size_t clen, const club_hdr_t *req,
                           club_err_t st)
{
    caller_t *c = s_caller(b, caller, clen);
    if (!c) return;
    club_hdr_t h = *req;
    h.kind = CLUB_K_REP;
    h.status = (uint8_t)st;
    h.flags = 0;
    uint8_t hb[CLUB_HDR_SIZE];
    club_hdr_encode(&h, hb);
    club_frames_add(&c->out, hb, sizeof hb);
    club_frames_add(&c->out, "", 0);
}

/* Queues one request record for a live worker of its domain. Returns 0, or -1 when there is
 * none (nothing is taken then). */
static int s_route(broker_t *b, const club_hdr_t *hdr, zmq_msg_t *hf, zmq_msg_t *caller,
                   zmq_msg_t *domain, zmq_msg_t *body)
{
    worker_t *w = s_pick(b, (const char *)zmq_msg_data(domain), zmq_msg_size(domain), hdr->key,
                         hdr->flags & CLUB_F_ANY_SHARD);
    if (!w) return -1;
    club_frames_add_msg(&w->out, hf);
    club_frames_add_msg(&w->out, caller);
    club_frames_add_msg(&w->out, body);
    club_frames_add_msg(&w->doms, domain);
    w->inflight++;
    return 0;
}

static void s_wait_free(waiting_t *wt)
{
    zmq_msg_close(&wt->hf);
    zmq_msg_close(&wt->caller);
    zmq_msg_close(&wt->domain);
    zmq_msg_close(&wt->body);
    free(wt);
}

/* Keeps a request until a worker of its domain announces itself or its wait is over; past
 * MAX_WAITING it is answered UNAVAILABLE at once. */
static void s_wait_push(broker_t *b, const club_hdr_t *hdr, zmq_msg_t *hf, zmq_msg_t *caller,
                        zmq_msg_t *domain, zmq_msg_t *body)
{
    if (b->nwaiting >= MAX_WAITING) {
        club_counter_add(b->m_unavailable, 1);
        s_reply_status(b, zmq_msg_data(caller), zmq_msg_size(caller), hdr, CLUB_E_UNAVAILABLE);
        return;
    }
    waiting_t *wt = club_calloc(1, sizeof *wt);
    wt->hdr = *hdr;
    zmq_msg_t *src[4] = {hf, caller, domain, body},
              *dst[4] = {&wt->hf, &wt->caller, &wt->domain, &wt->body};
    for (int i = 0; i < 4; i++) {
        zmq_msg_init(dst[i]);
        zmq_msg_copy(dst[i], src[i]);
    }
    wt->deadline = club_mono_ms() + b->wait_ms;
    if (b->wait_tail)
        b->wait_tail->next = wt;
    else
        b->wait_head = wt;
    b->wait_tail = wt;
    b->nwaiting++;
}

/* [caller]([hdr REQ][domain][body])...[] */
/* Whether a caller's message came from a worker: with CURVE on, its certificate says so
 * (ZeroMQ reports the client's public key as the message's User-Id); without, every caller is
 * taken at its word. */
static bool s_from_worker(zmq_msg_t *frame)
{
    const char *worker = club_curve_worker_key();
    if (!worker) return true;
    const char *uid = zmq_msg_gets(frame, "User-Id");
    return uid && !strcmp(uid, worker);
}

static void s_on_front(broker_t *b, club_frames_t *f)
{
    zmq_msg_t *caller = &f->v[0];
    size_t i = 1;
    bool worker = f->n > 1 && s_from_worker(&f->v[1]);
    for (; i + 2 < f->n && zmq_msg_size(&f->v[i]); i += 3) {
        club_counter_add(b->m_requests, 1);
        club_hdr_t hdr;
        zmq_msg_t *hf = &f->v[i], *domain = &f->v[i + 1], *body = &f->v[i + 2];
        if (club_hdr_decode(zmq_msg_data(hf), zmq_msg_size(hf), &hdr) != 0 ||
            hdr.kind != CLUB_K_REQ) {
            club_log(CLUB_WARN, "bad_request_frame", "dropped a malformed request from a caller");
            continue;
        }
        /* Internal ops are for workers: an edge's request claiming to be one is refused. */
        if ((hdr.flags & CLUB_F_INTERNAL) && !worker) {
            club_log(CLUB_WARN, "forged_internal",
                     "refused a request marked internal from a "
                     "caller that is not a worker");
            s_reply_status(b, zmq_msg_data(caller), zmq_msg_size(caller), &hdr, CLUB_E_FORBIDDEN);
            continue;
        }
        if (s_route(b, &hdr, hf, caller, domain, body) != 0)
            s_wait_push(b, &hdr, hf, caller, domain, body);
    }
    if (i + 1 != f->n || zmq_msg_size(&f->v[i]))
        club_log(CLUB_WARN, "bad_request_frame",
                 "a caller's batch of %zu frames did not end "
                 "with an empty frame after whole records",
                 f->n);
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
        if (s_route(b, &wt->hdr, &wt->hf, &wt->caller, &wt->domain, &wt->body) == 0) {
            s_wait_free(wt);
            b->nwaiting--;
        } else if (now >= wt->deadline) {
            club_counter_add(b->m_unavailable, 1);
            s_reply_status(b, zmq_msg_data(&wt->caller), zmq_msg_size(&wt->caller), &wt->hdr,
                           CLUB_E_UNAVAILABLE);
            s_wait_free(wt);
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

static bool s_claims_same(const reg_t *a, const reg_t *b)
{
    return !strcmp(a->name, b->name) && (a->shard == b->shard || a->shards != b->shards);
}

static void s_drop_reg(worker_t *w, int i)
{
    w->regs[i] = w->regs[--w->nregs];
}

/* Keeps one owner per shard after w announced itself (see the top of this file). Every
 * worker also registers "sys", which any number may serve. */
static void s_fence(broker_t *b, worker_t *w)
{
    for (int i = 0; i < w->nregs; i++) {
        reg_t *r = &w->regs[i];
        if (!strcmp(r->name, "sys")) continue;
        bool refused = false;
        for (worker_t *o = b->workers; o && !refused; o = o->next)
            for (int k = 0; o != w && k < o->nregs; k++)
                if (s_claims_same(&o->regs[k], r) && o->regs[k].epoch > r->epoch) refused = true;
        if (refused) {
            club_log(CLUB_WARN, "worker_fenced",
                     "pid=%d domain=%s shard=%u/%u: a worker started later owns it", w->pid,
                     r->name, r->shard, r->shards);
            s_drop_reg(w, i--);
            continue;
        }
        for (worker_t *o = b->workers; o; o = o->next) {
            for (int k = 0; o != w && k < o->nregs; k++) {
                if (!s_claims_same(&o->regs[k], r)) continue;
                club_log(CLUB_WARN, "worker_superseded",
                         "pid=%d domain=%s shard=%u/%u: pid %d owns it now", o->pid,
                         o->regs[k].name, o->regs[k].shard, o->regs[k].shards, w->pid);
                s_drop_reg(o, k--);
            }
        }
    }
}

static void s_on_ready(broker_t *b, zmq_msg_t *id, zmq_msg_t *info)
{
    msgpack_unpacked up;
    if (!info || club_mp_decode(zmq_msg_data(info), zmq_msg_size(info), &up) != 0) return;
    worker_t *w = s_worker_find(b, zmq_msg_data(id), zmq_msg_size(id));
    if (!w) {
        if (zmq_msg_size(id) > sizeof w->id) goto done;
        w = club_calloc(1, sizeof *w);
        w->id_len = zmq_msg_size(id);
        memcpy(w->id, zmq_msg_data(id), w->id_len);
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
            r->epoch = 0;
            club_mp_i64(club_mp_get(&ds->via.array.ptr[i], "epoch"), &r->epoch);
            w->nregs++;
        }
    }
    s_fence(b, w);
    club_log(CLUB_INFO, "worker_ready", "pid=%d domain=%s shard=%u/%u", w->pid,
             w->nregs ? w->regs[0].name : "?", w->nregs ? w->regs[0].shard : 0,
             w->nregs ? w->regs[0].shards : 0);
done:
    msgpack_unpacked_destroy(&up);
}

static void s_on_back(broker_t *b, club_frames_t *f)
{
    if (f->n < 2) return;
    zmq_msg_t *id = &f->v[0];
    club_hdr_t hdr;
    if (club_hdr_decode(zmq_msg_data(&f->v[1]), zmq_msg_size(&f->v[1]), &hdr) != 0) return;
    worker_t *w = s_worker_find(b, zmq_msg_data(id), zmq_msg_size(id));
    if (w) w->last_seen = club_mono_ms();
    switch (hdr.kind) {
    case CLUB_K_READY:
        s_on_ready(b, id, f->n > 2 ? &f->v[2] : NULL);
        s_retry_waiting(b, club_mono_ms());
        break;
    case CLUB_K_REP:
        if (w) w->progress = w->last_seen;
        /* ([hdr REP][caller][body])...[] */
        for (size_t i = 1; i + 2 < f->n && zmq_msg_size(&f->v[i]); i += 3) {
            zmq_msg_t *caller = &f->v[i + 1];
            if (w && w->inflight) w->inflight--;
            club_counter_add(b->m_replies, 1);
            caller_t *c = s_caller(b, zmq_msg_data(caller), zmq_msg_size(caller));
            if (!c) continue;
            club_frames_add_msg(&c->out, &f->v[i]);
            club_frames_add_msg(&c->out, &f->v[i + 2]);
        }
        break;
    default:
        /* A heartbeat from a worker this broker does not know (it restarted, or forgot a
         * worker that stalled): ask it to announce itself now rather than after it notices
         * three seconds of silence. */
        if (!w) {
            club_hdr_t h = {.kind = CLUB_K_READY};
            uint8_t hb[CLUB_HDR_SIZE];
            club_hdr_encode(&h, hb);
            /* zmq_send returns the byte count. The second part must follow whenever the first
             * was taken: a ROUTER left inside a message would put the next one in it. */
            if (zmq_send(zsock_resolve(b->back), zmq_msg_data(id), zmq_msg_size(id),
                         ZMQ_SNDMORE | ZMQ_DONTWAIT) >= 0)
                zmq_send(zsock_resolve(b->back), hb, sizeof hb, ZMQ_DONTWAIT);
        }
        break;
    }
}

/* Sends every batch built during this pass, each ended by its empty frame. */
static void s_flush(broker_t *b)
{
    void *back = zsock_resolve(b->back), *front = zsock_resolve(b->front);
    for (worker_t *w = b->workers, *next; w; w = next) {
        next = w->next;
        if (!w->out.n) continue;
        club_frames_add(&w->out, "", 0);
        if (club_frames_send(&w->out, back, w->id, w->id_len) != 0) {
            /* ROUTER_MANDATORY: its connection is gone. Its records wait for another. */
            int err = zmq_errno();
            w->out.n--;
            zmq_msg_close(&w->out.v[w->out.n]);
            s_worker_remove(b, w,
                            err == EAGAIN ? "not reading (its queue is full)" : "unreachable");
            continue;
        }
        club_frames_clear(&w->doms);
    }
    for (caller_t *c = b->callers; c; c = c->next) {
        if (!c->out.n) continue;
        club_frames_add(&c->out, "", 0);
        /* A caller that went away: ROUTER drops it. */
        if (club_frames_send(&c->out, front, c->id, c->id_len) != 0) club_frames_clear(&c->out);
    }
}

/* Forgets callers that have had no reply for a minute (edges and workers that went away). */
static void s_prune_callers(broker_t *b, int64_t now)
{
    for (caller_t **pp = &b->callers; *pp;) {
        caller_t *c = *pp;
        if (!c->out.n && now - c->last_used > 60000) {
            *pp = c->next;
            club_frames_free(&c->out);
            free(c);
        } else {
            pp = &c->next;
        }
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
    if (club_curve_init(CLUB_ROLE_BROKER) != 0) return 1;
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
    club_curve_server(b.front);
    club_curve_server(b.back);
    if (zsock_bind(b.front, "%s", front) < 0 || zsock_bind(b.back, "%s", back) < 0) {
        club_log(CLUB_ERROR, "bind",
                 "cannot bind %s or %s (in use? set CLUB_BROKER_FRONT / "
                 "CLUB_BROKER_BACK)",
                 front, back);
        return 1;
    }
    zactor_t *proxy = zactor_new(zproxy, NULL);
    if (club_curve_on()) {
        const char *pub = club_curve_public(), *sec = club_curve_secret();
        zstr_sendx(proxy, "CURVE", "FRONTEND", pub, sec, NULL);
        zsock_wait(proxy);
        zstr_sendx(proxy, "CURVE", "BACKEND", pub, sec, NULL);
        zsock_wait(proxy);
    }
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

    /* Receives never wait (club_frames_recv); the loop waits in club_zwait, and only after a
     * pass that found nothing. */
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
        int nback = 0, nfront = 0;
        /* Replies first: they finish work and free capacity. */
        for (; nback < 1024 && club_frames_recv(&b.in, zsock_resolve(b.back)) == 0; nback++)
            s_on_back(&b, &b.in);
        for (; nfront < 1024 && club_frames_recv(&b.in, zsock_resolve(b.front)) == 0; nfront++)
            if (b.in.n >= 2) s_on_front(&b, &b.in);
        club_frames_clear(&b.in);
        idle = nback + nfront == 0;
        int64_t now = club_mono_ms();
        if (metrics_ready || (!idle && now >= next_metrics && club_fd_readable(metrics_fd)))
            club_metrics_serve_one(metrics_fd);
        if (now >= next_metrics) next_metrics = now + 100;
        if (b.nwaiting) s_retry_waiting(&b, now);
        s_flush(&b);
        if (now >= next_hb) {
            s_prune_callers(&b, now);
            s_heartbeat(&b, now);
            next_hb = now + HB_INTERVAL_MS;
        }
    }
    club_log(CLUB_INFO, "broker_stop", "stopping");
    while (b.wait_head) {
        waiting_t *w = b.wait_head;
        b.wait_head = w->next;
        s_wait_free(w);
    }
    while (b.workers) {
        worker_t *w = b.workers;
        b.workers = w->next;
        club_frames_free(&w->out);
        club_frames_free(&w->doms);
        free(w);
    }
    while (b.callers) {
        caller_t *c = b.callers;
        b.callers = c->next;
        club_frames_free(&c->out);
        free(c);
    }
    club_frames_free(&b.in);
    zactor_destroy(&proxy);
    zsock_destroy(&b.front);
    zsock_destroy(&b.back);
    club_curve_fini();
    if (metrics_fd >= 0) close(metrics_fd);
    return 0;
}
