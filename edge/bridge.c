/* bridge: the edge's two ZeroMQ sockets inside the lws loop.
 *
 *   DEALER -> broker front: requests out as [hdr REQ][domain][body], replies in as
 *             [hdr REP][body] (see wire.h)
 *   SUB    <- events out:   [topic][body], subscribed to "all" and, per user with an
 *             authenticated connection here, "u.<id>" (pushes) and "k.<id>" (kicks)
 *
 * Each socket's ZMQ_FD is dup()'d and adopted into lws as a raw file, so lws polls it and
 * calls LWS_CALLBACK_RAW_RX_FILE; the dup is what lws closes, the socket keeps its own.
 * ZMQ_FD is edge-triggered: it only says "something changed", so every wake drains until a
 * receive finds nothing, and a pass of lws that sent (a send can swallow the signal) ends
 * with a drain (edge_bridge_after_service).
 * Drains are bounded per pass and continue from a zero-delay lws_sul so clients are served in
 * between.
 *
 * Pending requests sit in a ring indexed by their correlation id (ids are handed out in
 * order), so a reply finds its request with one array access and, as every request has the
 * same timeout, the oldest live entry is always the next to expire: one timer for all. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zmq.h>

#include "edge.h"
#include "curve.h"
#include "log.h"
#include "util.h"
#include "wire.h"

#define DRAIN_BUDGET    512         /* messages per socket per pass */
#define MAX_OUT_BYTES   (16u << 20) /* a reply or push bigger than this is a bug upstream */
#define SAFETY_DRAIN_MS 250         /* a periodic look, in case a wake-up is ever lost */

typedef struct {
    uint64_t corr; /* 0 once answered or expired */
    uint64_t conn;
    int64_t sent_ns;
    uint32_t rid;
    uint32_t op; /* edge_op_index() */
} pending_t;

static struct {
    void *zctx, *dealer, *sub;
    struct lws_context *ctx;
    lws_sorted_usec_list_t sul_drain, sul_timeout, sul_safety;
    bool drain_scheduled, timeout_scheduled, stopping;
    bool sub_sent;    /* subscribed or unsubscribed since the last drain of sub */
    club_batch_t out; /* requests of this lws pass, one message (wire.h) */
    club_frames_t in;
    pending_t *ring;
    uint64_t cap;  /* power of two */
    uint64_t head; /* next corr to hand out */
    uint64_t tail; /* oldest corr that may still be live */
    size_t live;
    int64_t timeout_ns;
} s_b;

/* ---- pending ring ---- */

static pending_t *s_slot(uint64_t corr)
{
    return &s_b.ring[corr & (s_b.cap - 1)];
}

static void s_advance_tail(void)
{
    while (s_b.tail < s_b.head && s_slot(s_b.tail)->corr != s_b.tail)
        s_b.tail++;
}

static void s_ring_grow(void)
{
    uint64_t cap = s_b.cap * 2;
    pending_t *r = club_calloc(cap, sizeof *r);
    for (uint64_t c = s_b.tail; c < s_b.head; c++) {
        pending_t *e = s_slot(c);
        if (e->corr == c) r[c & (cap - 1)] = *e;
    }
    free(s_b.ring);
    s_b.ring = r;
    s_b.cap = cap;
}

/* The live request with this corr, or NULL (unknown, answered, or timed out). */
static pending_t *s_pending_find(uint64_t corr)
{
    if (corr < s_b.tail || corr >= s_b.head) return NULL;
    pending_t *e = s_slot(corr);
    return e->corr == corr ? e : NULL;
}

static void s_pending_done(pending_t *e)
{
    uint64_t corr = e->corr;
    e->corr = 0;
    s_b.live--;
    if (corr == s_b.tail) s_advance_tail();
}

size_t edge_bridge_pending(void)
{
    return s_b.live;
}

/* ---- timers ---- */

static void s_timeout_cb(lws_sorted_usec_list_t *sul);

/* Arms the one timeout timer for the oldest live request, unless it is already armed. */
static void s_arm_timeout(void)
{
    if (s_b.timeout_scheduled || s_b.stopping) return;
    s_advance_tail();
    if (s_b.tail >= s_b.head) return;
    int64_t due = s_slot(s_b.tail)->sent_ns + s_b.timeout_ns - club_mono_ns();
    lws_usec_t us = due > 0 ? (lws_usec_t)(due / 1000 + 1) : 0;
    s_b.timeout_scheduled = true;
    lws_sul_schedule(s_b.ctx, 0, &s_b.sul_timeout, s_timeout_cb, us);
}

static void s_timeout_cb(lws_sorted_usec_list_t *sul)
{
    s_b.timeout_scheduled = false;
    int64_t now = club_mono_ns();
    while (s_b.tail < s_b.head) {
        pending_t *e = s_slot(s_b.tail);
        if (e->corr != s_b.tail) {
            s_b.tail++;
            continue;
        }
        if (e->sent_ns + s_b.timeout_ns > now) break;
        pending_t p = *e;
        s_pending_done(e);
        club_counter_add(edge_m.timeouts, 1);
        edge_conn_t *c = edge_conn_find(p.conn);
        if (c)
            edge_conn_send_err(c, p.rid, CLUB_E_UNAVAILABLE,
                               "the service did not answer in time; retry with the same idem");
    }
    s_arm_timeout();
}

static void s_drain_cb(lws_sorted_usec_list_t *sul);

static void s_schedule_drain(void)
{
    if (s_b.drain_scheduled || s_b.stopping) return;
    s_b.drain_scheduled = true;
    lws_sul_schedule(s_b.ctx, 0, &s_b.sul_drain, s_drain_cb, 0);
}

/* ---- replies and events ---- */

static const char *s_status_message(club_err_t e)
{
    switch (e) {
    case CLUB_E_UNAVAILABLE:
        return "no worker for this service is available; retry with the same idem";
    case CLUB_E_BAD_REQUEST:
        return "the broker does not know this service";
    default:
        return "the broker could not route this request";
    }
}

static void s_on_reply(const uint8_t *h, size_t hlen, const uint8_t *body, size_t blen)
{
    club_hdr_t hdr;
    if (club_hdr_decode(h, hlen, &hdr) != 0 || hdr.kind != CLUB_K_REP) {
        club_log(CLUB_WARN, "bad_reply", "a broker message without a REP header (%zu bytes)", hlen);
        return;
    }
    pending_t *e = s_pending_find(hdr.corr);
    if (!e) {
        club_counter_add(edge_m.late_replies, 1);
        return;
    }
    pending_t p = *e;
    s_pending_done(e);
    club_hist_observe(edge_m.latency[p.op], (double)(club_mono_ns() - p.sent_ns) / 1e9);

    edge_conn_t *c = edge_conn_find(p.conn);
    if (!c) return; /* closed meanwhile: the reply has nowhere to go */
    if (hdr.status) {
        club_err_t err = hdr.status < CLUB_E__COUNT ? (club_err_t)hdr.status : CLUB_E_INTERNAL;
        edge_conn_send_err(c, p.rid, err, s_status_message(err));
        return;
    }
    /* The auth change first, so a push sent right after the reply already finds the
     * connection under its user. */
    if (hdr.flags & CLUB_F_AUTH_SET)
        edge_conn_set_auth(c, hdr.user, hdr.rank, hdr.exp, hdr.sid);
    else if (hdr.flags & CLUB_F_AUTH_CLEAR)
        edge_conn_clear_auth(c);
    if (!blen || blen > MAX_OUT_BYTES) {
        club_log(CLUB_WARN, "bad_reply", "a reply of %zu bytes (conn=%llu rid=%u)", blen,
                 (unsigned long long)p.conn, p.rid);
        edge_conn_send_err(c, p.rid, CLUB_E_INTERNAL, "the service sent an unusable reply");
        return;
    }
    edge_frame_t *f = edge_frame_new(blen);
    memcpy(edge_frame_data(f), body, blen);
    edge_conn_send(c, f);
    edge_frame_unref(f);
}

static int s_hexval(uint8_t ch)
{
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    return -1;
}

static void s_on_event(const uint8_t *t, size_t tlen, const uint8_t *body, size_t blen)
{
    club_counter_add(edge_m.pushes, 1);
    if (blen > MAX_OUT_BYTES) {
        club_log(CLUB_WARN, "bad_event", "dropped an event of %zu bytes", blen);
        return;
    }
    if (tlen == 3 && !memcmp(t, CLUB_TOPIC_ALL, 3)) {
        edge_push_all(body, blen);
        return;
    }
    if (tlen != CLUB_TOPIC_LEN || (t[0] != 'u' && t[0] != 'k') || t[1] != '.') return;
    uint64_t user = 0;
    for (size_t i = 2; i < CLUB_TOPIC_LEN; i++) {
        int v = s_hexval(t[i]);
        if (v < 0) return;
        user = user << 4 | (uint64_t)v;
    }
    if (user) edge_push_user(user, body, blen, t[0] == 'k');
}

/* Handles what the socket has, at most DRAIN_BUDGET messages; if more is left a zero-delay
 * continuation is scheduled. Receives until EAGAIN rather than asking ZMQ_EVENTS before each
 * message: an ask that finds nothing costs libzmq two system calls (see club_zwait), the
 * EAGAIN once per pass. */
static void s_drain(void *sock)
{
    if (!sock) return;
    bool dealer = sock == s_b.dealer;
    if (!dealer) s_b.sub_sent = false;
    club_frames_t *in = &s_b.in;
    for (int n = 0;; n++) {
        if (n == DRAIN_BUDGET) {
            s_schedule_drain();
            break;
        }
        if (club_frames_recv(in, sock) != 0) break;
        if (dealer) {
            /* [hdr REP][body] ... [] */
            for (size_t i = 0; i + 1 < in->n && zmq_msg_size(&in->v[i]); i += 2)
                s_on_reply(zmq_msg_data(&in->v[i]), zmq_msg_size(&in->v[i]),
                           zmq_msg_data(&in->v[i + 1]), zmq_msg_size(&in->v[i + 1]));
        } else if (in->n >= 2) {
            s_on_event(zmq_msg_data(&in->v[0]), zmq_msg_size(&in->v[0]), zmq_msg_data(&in->v[1]),
                       zmq_msg_size(&in->v[1]));
        }
    }
    club_frames_clear(in);
    s_arm_timeout();
}

static void s_drain_cb(lws_sorted_usec_list_t *sul)
{
    s_b.drain_scheduled = false;
    s_drain(s_b.dealer);
    s_drain(s_b.sub);
}

static void s_safety_cb(lws_sorted_usec_list_t *sul)
{
    s_drain(s_b.dealer);
    s_drain(s_b.sub);
    if (!s_b.stopping)
        lws_sul_schedule(s_b.ctx, 0, &s_b.sul_safety, s_safety_cb, SAFETY_DRAIN_MS * LWS_US_PER_MS);
}

/* ---- requests out ---- */

int edge_bridge_forward(uint64_t conn_id, uint32_t rid, const club_op_t *op, uint64_t key,
                        uint64_t user, uint8_t rank, uint64_t sid, const uint8_t *body, size_t len)
{
    if (!s_b.dealer) return -1;
    if (s_b.head - s_b.tail == s_b.cap) s_ring_grow();
    uint64_t corr = s_b.head;
    club_hdr_t hdr = {.kind = CLUB_K_REQ,
                      .flags = (op->flags & CLUB_OP_SHARD_NONE) ? CLUB_F_ANY_SHARD : 0,
                      .rank = user ? rank : CLUB_RANK_NONE,
                      .rid = rid,
                      .corr = corr,
                      .user = user,
                      .sid = user ? sid : 0,
                      .key = key};
    uint8_t hb[CLUB_HDR_SIZE];
    club_hdr_encode(&hdr, hb);
    /* With ZMQ_IMMEDIATE a message is refused (EAGAIN) while the broker is not connected,
     * rather than queued for a broker that may never come; later parts of an accepted
     * multipart message cannot fail that way. */
    const void *parts[3] = {hb, op->domain, body};
    size_t lens[3] = {sizeof hb, strlen(op->domain), len};
    if (club_batch_add(&s_b.out, 3, parts, lens) != 0) return -1;
    pending_t *e = s_slot(corr);
    e->corr = corr;
    e->conn = conn_id;
    e->rid = rid;
    e->op = (uint32_t)edge_op_index(op);
    e->sent_ns = club_mono_ns();
    s_b.head++;
    s_b.live++;
    s_arm_timeout();
    return 0;
}

void edge_bridge_watch_user(uint64_t user, bool on)
{
    if (!s_b.sub) return;
    char t[CLUB_TOPIC_LEN + 1];
    club_topic_user(user, t);
    int opt = on ? ZMQ_SUBSCRIBE : ZMQ_UNSUBSCRIBE;
    zmq_setsockopt(s_b.sub, opt, t, CLUB_TOPIC_LEN);
    t[0] = 'k';
    zmq_setsockopt(s_b.sub, opt, t, CLUB_TOPIC_LEN);
    s_b.sub_sent = true; /* a subscription is a send upstream */
}

void edge_bridge_after_service(void)
{
    if (s_b.stopping) return;
    /* One pass of lws forwards many requests; draining once after it, rather than scheduling
     * a zero-delay drain per request, keeps lws's next poll() from returning at once. The
     * drain comes after the batch's end: that is a send too. */
    bool sent = s_b.out.records > 0;
    club_batch_end(&s_b.out);
    if (sent) s_drain(s_b.dealer);
    if (s_b.sub_sent) s_drain(s_b.sub);
}

/* ---- lws glue ---- */

int edge_bridge_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                         size_t len)
{
    switch (reason) {
    case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
        return 1; /* not a WebSocket subprotocol */
    case LWS_CALLBACK_RAW_RX_FILE:
        s_drain(lws_get_opaque_user_data(wsi));
        return 0;
    case LWS_CALLBACK_RAW_CLOSE_FILE:
        if (!s_b.stopping)
            club_log(CLUB_ERROR, "bridge_fd_closed", "lws closed a ZeroMQ fd; polling instead");
        return 0;
    default:
        return 0;
    }
}

static int s_adopt(struct lws_vhost *vh, void *sock, const char *what)
{
    int fd = -1;
    size_t sz = sizeof fd;
    if (zmq_getsockopt(sock, ZMQ_FD, &fd, &sz) != 0) return -1;
    int dupfd = dup(fd);
    if (dupfd < 0) return -1;
    lws_sock_file_fd_type u;
    u.filefd = dupfd;
    struct lws *wsi =
        lws_adopt_descriptor_vhost(vh, LWS_ADOPT_RAW_FILE_DESC, u, "zmq-bridge", NULL);
    if (!wsi) {
        club_log(CLUB_ERROR, "bridge_adopt", "cannot adopt the %s socket's fd", what);
        return -1;
    }
    lws_set_opaque_user_data(wsi, sock);
    return 0;
}

static void *s_socket(int type, const char *endpoint)
{
    void *s = zmq_socket(s_b.zctx, type);
    if (!s) return NULL;
    int zero = 0, one = 1, hwm = 100000;
    zmq_setsockopt(s, ZMQ_LINGER, &zero, sizeof zero);
    zmq_setsockopt(s, ZMQ_RCVHWM, &hwm, sizeof hwm);
    zmq_setsockopt(s, ZMQ_SNDHWM, &hwm, sizeof hwm);
    if (type == ZMQ_DEALER) zmq_setsockopt(s, ZMQ_IMMEDIATE, &one, sizeof one);
    club_curve_client(s);
    if (zmq_connect(s, endpoint) != 0) {
        club_log(CLUB_ERROR, "bridge_connect", "cannot connect to %s: %s", endpoint,
                 zmq_strerror(errno));
        zmq_close(s);
        return NULL;
    }
    return s;
}

int edge_bridge_init(struct lws_context *ctx, struct lws_vhost *vh)
{
    memset(&s_b, 0, sizeof s_b);
    s_b.ctx = ctx;
    s_b.cap = 4096;
    s_b.ring = club_calloc(s_b.cap, sizeof *s_b.ring);
    s_b.head = s_b.tail = 1; /* corr 0 is never used */
    s_b.timeout_ns = edge_cfg.req_timeout_ms * 1000000;
    s_b.zctx = zmq_ctx_new();
    if (!s_b.zctx) goto fail;
    s_b.dealer = s_socket(ZMQ_DEALER, edge_cfg.broker_front);
    s_b.sub = s_socket(ZMQ_SUB, edge_cfg.events_out);
    if (!s_b.dealer || !s_b.sub) goto fail;
    s_b.out.sock = s_b.dealer;
    club_frames_init(&s_b.in);
    zmq_setsockopt(s_b.sub, ZMQ_SUBSCRIBE, CLUB_TOPIC_ALL, strlen(CLUB_TOPIC_ALL));
    if (s_adopt(vh, s_b.dealer, "broker") || s_adopt(vh, s_b.sub, "events")) goto fail;
    s_schedule_drain();
    lws_sul_schedule(ctx, 0, &s_b.sul_safety, s_safety_cb, SAFETY_DRAIN_MS * LWS_US_PER_MS);
    return 0;
fail:
    edge_bridge_stop();
    edge_bridge_destroy();
    return -1;
}

void edge_bridge_stop(void)
{
    if (s_b.stopping) return;
    s_b.stopping = true;
    lws_sul_cancel(&s_b.sul_drain);
    lws_sul_cancel(&s_b.sul_timeout);
    lws_sul_cancel(&s_b.sul_safety);
}

void edge_bridge_destroy(void)
{
    if (s_b.dealer) zmq_close(s_b.dealer);
    if (s_b.sub) zmq_close(s_b.sub);
    s_b.dealer = s_b.sub = NULL;
    if (s_b.zctx) zmq_ctx_term(s_b.zctx);
    s_b.zctx = NULL;
    club_frames_free(&s_b.in);
    free(s_b.ring);
    s_b.ring = NULL;
    s_b.cap = 0;
}
