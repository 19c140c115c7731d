/* edge: the club-edge process, between WebSocket clients and the broker.
 *
 *   main.c    config, flags, the lws context and its mounts, the loop, shutdown
 *   ws.c      the "club.v1" WebSocket protocol (one edge_conn_t per connection: auth state,
 *             rate limit, send queue), the user -> connections index, /healthz and /metrics
 *   bridge.c  the two ZeroMQ sockets (DEALER to the broker front, SUB on the events), the
 *             pending-request ring and its timeouts
 *
 * One thread, one loop: lws drives it, and the ZeroMQ sockets' ZMQ_FDs are adopted into it as
 * raw file descriptors. Everything here is service-thread only. */
#ifndef CLUB_EDGE_H
#define CLUB_EDGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libwebsockets.h>

#include "metrics.h"
#include "msg.h"
#include "ops.h"

/* Settings read once at start (main.c); see `club-edge --help` for the variables. */
typedef struct {
    int port;
    const char *host;       /* NULL: every interface */
    const char *static_dir; /* NULL: no web client, "/" says so */
    const char *admin_dir;  /* NULL: no admin console at /admin */
    const char *broker_front;
    const char *events_out;
    int64_t rate_per_sec;
    int64_t rate_burst;
    int64_t req_timeout_ms;
    uint32_t send_queue_frames;
    uint64_t send_queue_bytes;
} edge_cfg_t;

extern edge_cfg_t edge_cfg;

/* Metrics series, registered once by edge_ws_init() so the hot path only adds. */
typedef struct {
    club_counter_t *frames_in, *frames_out, *pushes, *timeouts, *late_replies;
    club_counter_t *close_overflow, *close_too_large, *close_kicked;
    club_counter_t *errors[CLUB_E__COUNT];
    club_counter_t **requests; /* per op, indexed like club_op_all() */
    club_hist_t **latency;     /* per op, request sent -> reply, seconds */
    club_gauge_t *connections, *pending;
} edge_metrics_t;

extern edge_metrics_t edge_m;

/* Index of an op in club_op_all(), for the per-op metrics arrays. */
size_t edge_op_index(const club_op_t *op);

/* ---- frames (ws.c) ----
 * An outgoing WebSocket message with LWS_PRE bytes of headroom for lws's frame header.
 * Reference counted so one push fans out to many connections without a copy each; small
 * frames come from a free list so a reply costs no malloc. */
typedef struct edge_frame edge_frame_t;
struct edge_frame {
    uint32_t refs;
    uint32_t len; /* payload bytes */
    uint32_t cap; /* payload capacity */
    edge_frame_t *next_free;
    uint8_t buf[]; /* LWS_PRE headroom, then the payload */
};

static inline uint8_t *edge_frame_data(edge_frame_t *f)
{
    return f->buf + LWS_PRE;
}

/* A frame with room for len payload bytes (len is set to len); one reference. */
edge_frame_t *edge_frame_new(size_t len);
void edge_frame_unref(edge_frame_t *f);

/* ---- connections (ws.c) ---- */
typedef struct edge_conn edge_conn_t;

/* The open connection with this id, or NULL once it has closed or started closing. Ids
 * are never reused, so a late reply can never reach a different connection. */
edge_conn_t *edge_conn_find(uint64_t id);
/* Sends f: written at once when nothing is queued ahead of it, else queued (taking its own
 * reference; the caller keeps its one) for the writeable callback. A connection whose queue
 * overflows is closed with 1008 and the frame dropped. */
void edge_conn_send(edge_conn_t *c, edge_frame_t *f);
/* Queues an error reply built here. */
void edge_conn_send_err(edge_conn_t *c, uint32_t rid, club_err_t code, const char *message);
/* Auth changes carried on a reply (CLUB_F_AUTH_SET / CLUB_F_AUTH_CLEAR). */
void edge_conn_set_auth(edge_conn_t *c, uint64_t user, uint8_t rank, int64_t exp, uint64_t sid);
void edge_conn_clear_auth(edge_conn_t *c);

/* Events: body is a whole push frame. kick: send it, then close those connections. */
void edge_push_user(uint64_t user, const uint8_t *body, size_t len, bool kick);
/* To every authenticated connection. */
void edge_push_all(const uint8_t *body, size_t len);

void edge_ws_init(void);
void edge_ws_destroy(void);

/* Stopping, in two steps. edge_ws_drain(): requests from now on are answered UNAVAILABLE
 * (nothing applied; the client sends them again after it reconnects), replies to those
 * already forwarded still go out, new upgrades are refused and /healthz answers 503.
 * edge_ws_going_away(): every connection writes what it has queued and closes with 1001;
 * like any closing connection it reads nothing more, so a request sent after that point
 * gets no reply and is sent again after the reconnect (with its idem, safely).
 * edge_ws_open() counts the connections not yet closed. */
void edge_ws_drain(void);
void edge_ws_going_away(void);
int edge_ws_open(void);

/* lws protocol callbacks: "club.v1" (protocols[0], also gets the vhost's plain HTTP
 * callbacks), "http" (the /healthz, /metrics and no-web-client mounts). */
int edge_ws_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                     size_t len);
int edge_http_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                       size_t len);
size_t edge_conn_size(void);
size_t edge_http_pss_size(void);

/* ---- bridge (bridge.c) ---- */

/* Opens and connects the sockets and adopts their fds into vh. Returns 0 or -1. */
int edge_bridge_init(struct lws_context *ctx, struct lws_vhost *vh);
/* Cancels the bridge's timers; call before lws_context_destroy(). */
void edge_bridge_stop(void);
/* Closes the sockets; call after lws_context_destroy() (closing connections unsubscribe). */
void edge_bridge_destroy(void);

/* Adds [hdr REQ][domain][body] for connection conn_id to this pass's batch for the broker
 * (sent by edge_bridge_after_service). body is the client's frame as is.
 * Returns 0, or -1 when the broker cannot take it now (the caller answers UNAVAILABLE). */
int edge_bridge_forward(uint64_t conn_id, uint32_t rid, const club_op_t *op, uint64_t key,
                        uint64_t user, uint8_t rank, uint64_t sid, const uint8_t *body, size_t len);
/* Subscribes (on) or unsubscribes the user's push and kick topics. ws.c calls it when the
 * first connection of a user authenticates and when the last one goes. */
void edge_bridge_watch_user(uint64_t user, bool on);
/* Call after every lws_service(): ends the pass's batch of requests (sends it to the broker)
 * and drains each socket that was sent on during the pass (a send can take the ZMQ_FD
 * wake-up of what arrived meanwhile), before lws polls again. */
void edge_bridge_after_service(void);
/* Requests waiting for a reply, for the metrics gauge. */
size_t edge_bridge_pending(void);

int edge_bridge_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                         size_t len);

#endif
