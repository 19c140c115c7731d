/* ws: the "club.v1" WebSocket protocol and the edge's small HTTP endpoints.
 *
 * Each WebSocket connection is an edge_conn_t living in lws's per-session memory: lws
 * allocates it at the upgrade and frees it after LWS_CALLBACK_CLOSED, so nothing here frees
 * one. Other code reaches a connection only through its id (edge_conn_find), never a kept
 * pointer, because a connection can close while its requests are still out. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "edge.h"
#include "log.h"
#include "u64map.h"
#include "util.h"
#include "wire.h"

struct edge_conn {
    struct lws *wsi;
    uint64_t id;                /* 0 until ESTABLISHED */
    uint64_t user;              /* 0 = not authenticated */
    int64_t exp;                /* access token expiry, unix seconds; <= 0 = none */
    uint64_t sid;               /* login session (refresh family); 0 = unknown */
    edge_conn_t *unext, *uprev; /* the other connections of this user */
    int64_t tokens;             /* rate bucket, in thousandths of a request */
    int64_t refill_ms;
    uint8_t *rx; /* a message arriving in pieces; NULL otherwise */
    uint32_t rx_len, rx_cap;
    edge_frame_t **q; /* ring of frames waiting to be written; NULL while never used */
    uint32_t q_cap, q_head, q_len;
    uint32_t q_bytes;
    uint16_t close_code; /* nonzero: closing, with this status once the queue is written */
    uint8_t rank;
    uint8_t in_msg : 1;  /* inside a message that came in more than one piece */
    uint8_t rx_text : 1; /* that message is a text message */
    uint8_t want_write : 1;
};

edge_metrics_t edge_m;

static club_u64map_t s_conns; /* id -> edge_conn_t * */
static club_u64map_t s_users; /* user -> first edge_conn_t * of that user */
static uint64_t s_next_id = 1;
static int s_nconns;
static bool s_draining; /* stopping: see edge_ws_drain() in edge.h */
static const club_op_t *s_ops;
static size_t s_nops;

/* One zone reused for every request: a decoded request lives only inside its callback, so
 * clearing the zone after each one saves the zone malloc/free msgpack_unpack_next() does. */
static msgpack_zone s_zone;

/* ---- frames ---- */

/* Small frames (every reply the edge builds, most replies and pushes) come from this free
 * list in blocks of one size; bigger ones are malloc'd to fit. */
#define EDGE_SMALL_BLOCK 512
#define EDGE_SMALL_CAP   (EDGE_SMALL_BLOCK - sizeof(edge_frame_t) - LWS_PRE)
#define EDGE_FREE_MAX    8192

static edge_frame_t *s_free;
static size_t s_nfree;

edge_frame_t *edge_frame_new(size_t len)
{
    edge_frame_t *f;
    if (len <= EDGE_SMALL_CAP) {
        if (s_free) {
            f = s_free;
            s_free = f->next_free;
            s_nfree--;
        } else {
            f = club_malloc(EDGE_SMALL_BLOCK);
        }
        f->cap = (uint32_t)EDGE_SMALL_CAP;
    } else {
        f = club_malloc(sizeof *f + LWS_PRE + len);
        f->cap = (uint32_t)len;
    }
    f->refs = 1;
    f->len = (uint32_t)len;
    f->next_free = NULL;
    return f;
}

void edge_frame_unref(edge_frame_t *f)
{
    if (!f || --f->refs) return;
    if (f->cap == EDGE_SMALL_CAP && s_nfree < EDGE_FREE_MAX) {
        f->next_free = s_free;
        s_free = f;
        s_nfree++;
        return;
    }
    free(f);
}

/* msgpack writer into a frame's payload. Once a write does not fit, every later one is
 * refused too, so the caller sees `failed` instead of a frame with a hole in it. */
typedef struct {
    edge_frame_t *f;
    bool failed;
} frame_writer_t;

static int s_frame_write(void *data, const char *buf, size_t len)
{
    frame_writer_t *w = data;
    if (w->failed || len > w->f->cap - w->f->len) {
        w->failed = true;
        return -1;
    }
    memcpy(edge_frame_data(w->f) + w->f->len, buf, len);
    w->f->len += (uint32_t)len;
    return 0;
}

/* ---- metrics ---- */

size_t edge_op_index(const club_op_t *op)
{
    return (size_t)(op - s_ops);
}

static void s_metrics_init(void)
{
    edge_m.frames_in =
        club_counter("club_edge_frames_in_total", "WebSocket messages received from clients", NULL);
    edge_m.frames_out =
        club_counter("club_edge_frames_out_total", "WebSocket messages written to clients", NULL);
    edge_m.pushes = club_counter("club_edge_events_total", "Events received from the broker", NULL);
    edge_m.timeouts = club_counter("club_edge_timeouts_total",
                                   "Requests answered UNAVAILABLE after the timeout", NULL);
    edge_m.late_replies = club_counter("club_edge_late_replies_total",
                                       "Replies that came after their request timed out", NULL);
    edge_m.close_overflow = club_counter("club_edge_closes_total", "Connections the edge closed",
                                         "reason=\"send_queue_overflow\"");
    edge_m.close_too_large = club_counter("club_edge_closes_total", "Connections the edge closed",
                                          "reason=\"message_too_large\"");
    edge_m.close_kicked =
        club_counter("club_edge_closes_total", "Connections the edge closed", "reason=\"kicked\"");
    for (int e = 1; e < CLUB_E__COUNT; e++) {
        char l[64];
        snprintf(l, sizeof l, "code=\"%s\"", club_err_name((club_err_t)e));
        edge_m.errors[e] =
            club_counter("club_edge_errors_total", "Error replies the edge made itself", l);
    }
    edge_m.requests = club_calloc(s_nops ? s_nops : 1, sizeof *edge_m.requests);
    edge_m.latency = club_calloc(s_nops ? s_nops : 1, sizeof *edge_m.latency);
    for (size_t i = 0; i < s_nops; i++) {
        if (s_ops[i].flags & CLUB_OP_INTERNAL) continue; /* never forwarded from a client */
        char l[CLUB_MAX_OP_LEN + 16];
        snprintf(l, sizeof l, "op=\"%s\"", s_ops[i].name);
        edge_m.requests[i] =
            club_counter("club_edge_requests_total", "Requests forwarded to the broker", l);
    }
    for (size_t i = 0; i < s_nops; i++) {
        if (s_ops[i].flags & CLUB_OP_INTERNAL) continue;
        char l[CLUB_MAX_OP_LEN + 16];
        snprintf(l, sizeof l, "op=\"%s\"", s_ops[i].name);
        edge_m.latency[i] = club_hist("club_edge_request_duration_seconds",
                                      "Time from forwarding a request to its reply", l);
    }
    edge_m.connections = club_gauge("club_edge_connections", "Open WebSocket connections", NULL);
    edge_m.pending = club_gauge("club_edge_pending_requests", "Requests waiting for a reply", NULL);
}

void edge_ws_init(void)
{
    s_ops = club_op_all(&s_nops);
    club_u64map_init(&s_conns);
    club_u64map_init(&s_users);
    msgpack_zone_init(&s_zone, MSGPACK_ZONE_CHUNK_SIZE);
    s_metrics_init();
}

void edge_ws_destroy(void)
{
    club_u64map_free(&s_conns);
    club_u64map_free(&s_users);
    msgpack_zone_destroy(&s_zone);
    while (s_free) {
        edge_frame_t *f = s_free;
        s_free = f->next_free;
        free(f);
    }
    s_nfree = 0;
    free(edge_m.requests);
    free(edge_m.latency);
    edge_m.requests = NULL;
    edge_m.latency = NULL;
}

size_t edge_conn_size(void)
{
    return sizeof(edge_conn_t);
}

/* ---- send queue ---- */

static void s_queue_drop(edge_conn_t *c)
{
    for (uint32_t i = 0; i < c->q_len; i++)
        edge_frame_unref(c->q[(c->q_head + i) & (c->q_cap - 1)]);
    free(c->q);
    c->q = NULL;
    c->q_cap = c->q_head = c->q_len = c->q_bytes = 0;
}

/* Starts closing c from outside its own callback: stop taking frames, ask for a writeable
 * callback to send the close frame from there, and give lws a deadline to kill it in case
 * the peer never lets that happen. drop: discard what is queued (an overflow) instead of
 * writing it first (a kick). */
static void s_close_soon(edge_conn_t *c, uint16_t code, bool drop)
{
    if (c->close_code) return;
    c->close_code = code;
    if (drop) s_queue_drop(c);
    c->want_write = 1;
    lws_callback_on_writable(c->wsi);
    lws_set_timeout(c->wsi, PENDING_TIMEOUT_USER_OK, 5);
}

static void s_queue_grow(edge_conn_t *c)
{
    uint32_t cap = c->q_cap ? c->q_cap * 2 : 8;
    edge_frame_t **q = club_malloc(cap * sizeof *q);
    for (uint32_t i = 0; i < c->q_len; i++)
        q[i] = c->q[(c->q_head + i) & (c->q_cap - 1)];
    free(c->q);
    c->q = q;
    c->q_cap = cap;
    c->q_head = 0;
}

void edge_conn_send(edge_conn_t *c, edge_frame_t *f)
{
    if (c->close_code) return;
    if (c->q_len >= edge_cfg.send_queue_frames ||
        (c->q_len && c->q_bytes + (uint64_t)f->len > edge_cfg.send_queue_bytes)) {
        /* The client is not reading: cut it loose rather than buffer without bound. */
        club_counter_add(edge_m.close_overflow, 1);
        club_log(CLUB_WARN, "send_queue_overflow", "conn=%llu user=%llu frames=%u bytes=%u",
                 (unsigned long long)c->id, (unsigned long long)c->user, c->q_len, c->q_bytes);
        s_close_soon(c, LWS_CLOSE_STATUS_POLICY_VIOLATION, true);
        return;
    }
    if (!c->q_len && !lws_partial_buffered(c->wsi)) {
        /* Nothing ahead of it: write now rather than ask for a writeable callback. That
         * saves a poll() pass and two POLLOUT changes per reply. lws 4.1 keeps whatever the
         * socket does not take and sends it, in order, before any later write. */
        int n = lws_write(c->wsi, edge_frame_data(f), f->len, LWS_WRITE_BINARY);
        if (n < 0) {
            /* The socket is gone. This may run outside the connection's callback, where
             * returning -1 cannot close it: lws closes it at its next service instead. */
            c->close_code = LWS_CLOSE_STATUS_ABNORMAL_CLOSE;
            lws_set_timeout(c->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
            return;
        }
        club_counter_add(edge_m.frames_out, 1);
        return;
    }
    if (c->q_len == c->q_cap) s_queue_grow(c);
    c->q[(c->q_head + c->q_len) & (c->q_cap - 1)] = f;
    f->refs++;
    c->q_len++;
    c->q_bytes += f->len;
    if (!c->want_write) {
        c->want_write = 1;
        lws_callback_on_writable(c->wsi);
    }
}

/* Makes a printable copy of a client-supplied op name for an error message. */
static void s_printable(const char *in, size_t n, char *out, size_t cap)
{
    size_t i = 0;
    for (; i < n && i + 1 < cap; i++) {
        unsigned char ch = (unsigned char)in[i];
        out[i] = (ch >= 0x20 && ch < 0x7f) ? (char)ch : '?';
    }
    out[i] = 0;
}

void edge_conn_send_err(edge_conn_t *c, uint32_t rid, club_err_t code, const char *message)
{
    club_counter_add(edge_m.errors[code > 0 && code < CLUB_E__COUNT ? code : CLUB_E_INTERNAL], 1);
    edge_frame_t *f = edge_frame_new(EDGE_SMALL_CAP);
    f->len = 0;
    frame_writer_t w = {f, false};
    msgpack_packer pk;
    msgpack_packer_init(&pk, &w, s_frame_write);
    club_pk_reply_err(&pk, rid, code, message);
    if (w.failed) { /* our messages always fit; never send a torn frame regardless */
        f->len = 0;
        w.failed = false;
        club_pk_reply_err(&pk, rid, code, "error");
    }
    edge_conn_send(c, f);
    edge_frame_unref(f);
}

/* ---- connections and the user index ---- */

edge_conn_t *edge_conn_find(uint64_t id)
{
    edge_conn_t *c = club_u64map_get(&s_conns, id);
    return c && !c->close_code ? c : NULL;
}

static void s_user_link(edge_conn_t *c, uint64_t user)
{
    edge_conn_t *head = club_u64map_get(&s_users, user);
    c->user = user;
    c->uprev = NULL;
    c->unext = head;
    if (head)
        head->uprev = c;
    else
        edge_bridge_watch_user(user, true);
    club_u64map_put(&s_users, user, c);
}

static void s_user_unlink(edge_conn_t *c)
{
    if (!c->user) return;
    if (c->unext) c->unext->uprev = c->uprev;
    if (c->uprev) {
        c->uprev->unext = c->unext;
    } else if (c->unext) {
        club_u64map_put(&s_users, c->user, c->unext);
    } else {
        club_u64map_del(&s_users, c->user);
        edge_bridge_watch_user(c->user, false);
    }
    c->unext = c->uprev = NULL;
    c->user = 0;
}

void edge_conn_set_auth(edge_conn_t *c, uint64_t user, uint8_t rank, int64_t exp, uint64_t sid)
{
    if (!user) {
        edge_conn_clear_auth(c);
        return;
    }
    if (c->user != user) {
        s_user_unlink(c);
        s_user_link(c, user);
    }
    c->rank = rank;
    c->exp = exp;
    c->sid = sid;
}

void edge_conn_clear_auth(edge_conn_t *c)
{
    s_user_unlink(c);
    c->rank = CLUB_RANK_NONE;
    c->exp = 0;
    c->sid = 0;
}

void edge_push_user(uint64_t user, const uint8_t *body, size_t len, bool kick)
{
    edge_conn_t *c = club_u64map_get(&s_users, user);
    if (!c || !len) return;
    edge_frame_t *f = edge_frame_new(len);
    memcpy(edge_frame_data(f), body, len);
    for (; c; c = c->unext) {
        edge_conn_send(c, f);
        if (kick && !c->close_code) {
            /* Stays in the user index until CLOSED; closing connections take nothing more. */
            club_counter_add(edge_m.close_kicked, 1);
            s_close_soon(c, LWS_CLOSE_STATUS_NORMAL, false);
        }
    }
    edge_frame_unref(f);
}

void edge_ws_drain(void)
{
    s_draining = true;
}

void edge_ws_going_away(void)
{
    for (size_t i = 0; i < s_conns.cap; i++)
        if (s_conns.keys[i]) s_close_soon(s_conns.vals[i], LWS_CLOSE_STATUS_GOINGAWAY, false);
}

int edge_ws_open(void)
{
    return s_nconns;
}

/* Walks the user index rather than every connection: only authenticated ones get "all". */
void edge_push_all(const uint8_t *body, size_t len)
{
    if (!len || !s_users.len) return;
    edge_frame_t *f = edge_frame_new(len);
    memcpy(edge_frame_data(f), body, len);
    for (size_t i = 0; i < s_users.cap; i++)
        if (s_users.keys[i])
            for (edge_conn_t *c = s_users.vals[i]; c; c = c->unext)
                edge_conn_send(c, f);
    edge_frame_unref(f);
}

/* ---- requests ---- */

/* Token bucket in thousandths of a request so integer math keeps sub-request refills. */
static bool s_take_token(edge_conn_t *c)
{
    int64_t now = club_mono_ms();
    if (now > c->refill_ms) {
        int64_t cap = edge_cfg.rate_burst * 1000;
        c->tokens += (now - c->refill_ms) * edge_cfg.rate_per_sec;
        if (c->tokens > cap) c->tokens = cap;
        c->refill_ms = now;
    }
    if (c->tokens < 1000) return false;
    c->tokens -= 1000;
    return true;
}

/* One whole message from the client. buf is only valid during this call. */
static void s_on_message(edge_conn_t *c, const uint8_t *buf, size_t len, bool text)
{
    club_counter_add(edge_m.frames_in, 1);
    bool allowed = s_take_token(c);
    club_req_t req;
    memset(&req, 0, sizeof req);
    const char *why = "frames must be binary msgpack maps, not text";
    int parsed = -1;
    if (!text) {
        /* club_mp_decode() steps, with the reused zone: precheck sizes, then unpack. */
        msgpack_object root;
        size_t off = 0;
        why = "a request is one msgpack map {rid, op, args}";
        if (club_mp_precheck(buf, len) == 0 &&
            msgpack_unpack((const char *)buf, len, &off, &s_zone, &root) ==
                MSGPACK_UNPACK_SUCCESS &&
            off == len)
            parsed = club_req_parse(&root, &req, &why);
    }
    if (!allowed) {
        edge_conn_send_err(c, req.rid, CLUB_E_RATE_LIMITED, "too many requests; slow down");
        goto done;
    }
    if (parsed != 0) {
        edge_conn_send_err(c, req.rid, CLUB_E_BAD_REQUEST, why);
        goto done;
    }
    if (s_draining) {
        edge_conn_send_err(c, req.rid, CLUB_E_UNAVAILABLE,
                           "the server is restarting; reconnect and send it again (same idem)");
        goto done;
    }
    const club_op_t *op = club_op_find(req.op, req.op_len);
    if (!op || (op->flags & CLUB_OP_INTERNAL)) {
        char name[CLUB_MAX_OP_LEN + 1], msg[CLUB_MAX_OP_LEN + 32];
        s_printable(req.op, req.op_len, name, sizeof name);
        snprintf(msg, sizeof msg, "unknown op '%s'", name);
        edge_conn_send_err(c, req.rid, CLUB_E_BAD_REQUEST, msg);
        goto done;
    }
    /* An expired token authenticates nothing, public ops included: they go out anonymous. */
    bool expired = c->user && c->exp > 0 && (int64_t)time(NULL) >= c->exp;
    if (!(op->flags & CLUB_OP_PUBLIC)) {
        if (!c->user) {
            edge_conn_send_err(c, req.rid, CLUB_E_UNAUTHENTICATED,
                               "log in first: auth.login or auth.token");
            goto done;
        }
        if (expired) {
            edge_conn_send_err(c, req.rid, CLUB_E_UNAUTHENTICATED,
                               "access token expired: call auth.refresh, then auth.token");
            goto done;
        }
    }
    club_counter_add(edge_m.requests[edge_op_index(op)], 1);
    uint64_t user = expired ? 0 : c->user;
    if (edge_bridge_forward(c->id, req.rid, op, club_op_shard_key(op, req.args, user), user,
                            c->rank, c->sid, buf, len) != 0)
        edge_conn_send_err(c, req.rid, CLUB_E_UNAVAILABLE,
                           "the broker is not reachable; retry with the same idem");
done:
    msgpack_zone_clear(&s_zone);
}

static int s_too_large(edge_conn_t *c)
{
    static const char why[] = "message over 64 KiB";
    club_counter_add(edge_m.close_too_large, 1);
    lws_close_reason(c->wsi, LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE, (unsigned char *)why,
                     sizeof why - 1);
    return -1;
}

/* A piece of a message. lws hands a message over in pieces of at most rx_buffer_size, and a
 * client may fragment it too; a message that fits one piece is handled in place, others are
 * gathered in c->rx. The size limit is checked against what the current frame still
 * announces, so an oversized message is refused on its first piece. */
static int s_on_rx(edge_conn_t *c, const uint8_t *in, size_t len)
{
    struct lws *wsi = c->wsi;
    bool final = lws_is_final_fragment(wsi);
    size_t remaining = lws_remaining_packet_payload(wsi);
    if (!c->in_msg) {
        c->rx_text = !lws_frame_is_binary(wsi);
        c->rx_len = 0;
    }
    size_t total = (size_t)c->rx_len + len;
    if (total > CLUB_MAX_FRAME || remaining > CLUB_MAX_FRAME - total) return s_too_large(c);

    if (!c->in_msg && final) {
        if (!c->close_code) s_on_message(c, in, len, c->rx_text);
        return 0;
    }
    if (!c->rx_text && !c->close_code) { /* text is refused whole; no need to keep it */
        size_t need = total + remaining;
        if (need > c->rx_cap) {
            size_t cap = c->rx_cap ? (size_t)c->rx_cap * 2 : 4096;
            if (cap < need) cap = need;
            if (cap > CLUB_MAX_FRAME) cap = CLUB_MAX_FRAME;
            c->rx = club_realloc(c->rx, cap);
            c->rx_cap = (uint32_t)cap;
        }
        if (len) memcpy(c->rx + c->rx_len, in, len);
    }
    c->rx_len = (uint32_t)total;
    c->in_msg = 1;
    if (!final) return 0;

    c->in_msg = 0;
    if (!c->close_code) s_on_message(c, c->rx, c->rx_len, c->rx_text);
    free(c->rx); /* big messages are rare: give the memory back */
    c->rx = NULL;
    c->rx_len = c->rx_cap = 0;
    return 0;
}

/* The reason sent with a close frame the edge starts. */
static const char *s_close_text(uint16_t code)
{
    switch (code) {
    case LWS_CLOSE_STATUS_POLICY_VIOLATION:
        return "send queue overflow";
    case LWS_CLOSE_STATUS_GOINGAWAY:
        return "server restarting; reconnect";
    default:
        return "session ended";
    }
}

/* Writes queued frames until the socket would block. */
static int s_on_writeable(edge_conn_t *c)
{
    struct lws *wsi = c->wsi;
    c->want_write = 0;
    while (c->q_len) {
        edge_frame_t *f = c->q[c->q_head];
        c->q_head = (c->q_head + 1) & (c->q_cap - 1);
        c->q_len--;
        c->q_bytes -= f->len;
        int n = lws_write(wsi, edge_frame_data(f), f->len, LWS_WRITE_BINARY);
        uint32_t flen = f->len;
        edge_frame_unref(f);
        if (n < 0 || (uint32_t)n < flen) return -1;
        club_counter_add(edge_m.frames_out, 1);
        if (c->q_len && lws_send_pipe_choked(wsi)) break;
    }
    if (c->q_len) {
        c->want_write = 1;
        lws_callback_on_writable(wsi);
        return 0;
    }
    if (c->q_cap > 64) { /* a burst grew the ring: give it back while idle */
        free(c->q);
        c->q = NULL;
        c->q_cap = c->q_head = 0;
    }
    if (c->close_code && lws_partial_buffered(wsi)) {
        /* lws still holds the tail of the last frame; closing now would send that tail and
         * drop the connection without a close frame. Close from the next callback. */
        c->want_write = 1;
        lws_callback_on_writable(wsi);
        return 0;
    }
    if (c->close_code) {
        const char *why = s_close_text(c->close_code);
        lws_close_reason(wsi, (enum lws_close_status)c->close_code, (unsigned char *)why,
                         strlen(why));
        return -1;
    }
    return 0;
}

/* Only /ws upgrades; the path is checked before the handshake answers. */
static bool s_is_ws_path(struct lws *wsi)
{
    char *uri = NULL;
    int n = 0;
    if (lws_http_get_uri_and_method(wsi, &uri, &n) < 0 || !uri) return false;
    return n == 3 && !memcmp(uri, "/ws", 3);
}

int edge_ws_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                     size_t len)
{
    edge_conn_t *c = user;
    switch (reason) {
    case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
        return s_draining || !s_is_ws_path(wsi) ? 1 : 0; /* stopping: no new connections */

    case LWS_CALLBACK_ESTABLISHED:
        memset(c, 0, sizeof *c);
        c->wsi = wsi;
        c->id = s_next_id++;
        c->tokens = edge_cfg.rate_burst * 1000;
        c->refill_ms = club_mono_ms();
        club_u64map_put(&s_conns, c->id, c);
        club_gauge_set(edge_m.connections, ++s_nconns);
        return 0;

    case LWS_CALLBACK_RECEIVE:
        if (!c || !c->id) return -1;
        return s_on_rx(c, in, len);

    case LWS_CALLBACK_SERVER_WRITEABLE:
        if (!c || !c->id) return 0;
        return s_on_writeable(c);

    case LWS_CALLBACK_CLOSED:
        if (!c || !c->id) return 0;
        club_u64map_del(&s_conns, c->id);
        s_user_unlink(c);
        s_queue_drop(c);
        free(c->rx);
        c->rx = NULL;
        c->id = 0;
        club_gauge_set(edge_m.connections, --s_nconns);
        return 0;

    default:
        break;
    }
    return lws_callback_http_dummy(wsi, reason, user, in, len);
}

/* ---- HTTP: /healthz, /metrics, and "/" when there is no web client ---- */

typedef struct {
    uint8_t *body; /* LWS_PRE headroom, then len bytes; NULL when nothing to write */
    size_t len;
} http_pss_t;

static const char s_no_client_html[] =
    "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>Casino-Club</title></head>\n"
    "<body><h1>Casino-Club edge</h1>\n"
    "<p>The web client is not built. Build <code>frontend/</code> (or set CLUB_STATIC_DIR) "
    "and restart the edge. The WebSocket API is at <code>/ws</code>.</p>\n</body></html>\n";

static void s_http_free(http_pss_t *p)
{
    if (!p) return;
    free(p->body);
    p->body = NULL;
    p->len = 0;
}

static int s_http_reply(struct lws *wsi, http_pss_t *p, unsigned status, const char *ctype,
                        const char *body, size_t len)
{
    uint8_t hb[LWS_PRE + 512], *start = hb + LWS_PRE, *q = start, *end = hb + sizeof hb - 1;
    s_http_free(p);
    p->body = club_malloc(LWS_PRE + len + 1);
    memcpy(p->body + LWS_PRE, body, len);
    p->len = len;
    if (lws_add_http_common_headers(wsi, status, ctype, len, &q, end) ||
        lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_CACHE_CONTROL, (unsigned char *)"no-store",
                                     8, &q, end) ||
        lws_finalize_write_http_header(wsi, start, &q, end))
        return 1;
    lws_callback_on_writable(wsi);
    return 0;
}

int edge_http_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                       size_t len)
{
    http_pss_t *p = user;
    switch (reason) {
    case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
        return 1; /* "http" is not a WebSocket subprotocol */

    case LWS_CALLBACK_HTTP: {
        char *uri = NULL;
        int ulen = 0;
        if (lws_http_get_uri_and_method(wsi, &uri, &ulen) < 0 || !uri) ulen = 0;
        if (ulen == 8 && !memcmp(uri, "/healthz", 8))
            return s_draining ? s_http_reply(wsi, p, HTTP_STATUS_SERVICE_UNAVAILABLE, "text/plain",
                                             "stopping", 8)
                              : s_http_reply(wsi, p, HTTP_STATUS_OK, "text/plain", "ok", 2);
        if (ulen == 8 && !memcmp(uri, "/metrics", 8)) {
            club_gauge_set(edge_m.pending, (double)edge_bridge_pending());
            size_t n;
            char *text = club_metrics_render(&n);
            int r = s_http_reply(wsi, p, HTTP_STATUS_OK, "text/plain; version=0.0.4", text, n);
            free(text);
            return r;
        }
        if ((ulen == 1 && uri[0] == '/') || (ulen == 11 && !memcmp(uri, "/index.html", 11)))
            return s_http_reply(wsi, p, HTTP_STATUS_OK, "text/html", s_no_client_html,
                                sizeof s_no_client_html - 1);
        lws_return_http_status(wsi, HTTP_STATUS_NOT_FOUND, NULL);
        return lws_http_transaction_completed(wsi) ? -1 : 0;
    }

    case LWS_CALLBACK_HTTP_WRITEABLE: {
        if (!p || !p->body) return 0;
        int n = lws_write(wsi, p->body + LWS_PRE, p->len, LWS_WRITE_HTTP_FINAL);
        size_t want = p->len;
        s_http_free(p);
        if (n < 0 || (size_t)n < want) return -1;
        return lws_http_transaction_completed(wsi) ? -1 : 0;
    }

    case LWS_CALLBACK_HTTP_DROP_PROTOCOL:
    case LWS_CALLBACK_CLOSED_HTTP:
        s_http_free(p);
        break;

    default:
        break;
    }
    return lws_callback_http_dummy(wsi, reason, user, in, len);
}

size_t edge_http_pss_size(void)
{
    return sizeof(http_pss_t);
}
