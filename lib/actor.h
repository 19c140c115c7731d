/* actor: the runtime every domain worker (club-actor --domain D) is built on.
 *
 * A worker is single-threaded. It connects a DEALER to the broker's back end, announces its
 * domain and shard (READY), and exchanges heartbeats every second; when the broker has been
 * silent for three, it drops the socket and announces itself again (the broker may have
 * restarted). Requests are dispatched through the domain's handler table, which also does the
 * auth check (CLUB_H_AUTH) and keeps internal ops away from clients (CLUB_H_INTERNAL).
 *
 * The loop drains every request already waiting, dispatching each, and then calls the
 * domain's flush hook once: a handler that defers its calls can commit them all in one
 * transaction there (group commit) and reply after the commit.
 *
 * Calls to other domains go out through a second DEALER to the broker front end with a
 * correlation id; the reply (or a timeout) comes back to a callback on this same thread.
 *
 * Every worker also answers sys.ping, so the ping measures the whole routed path. */
#ifndef CLUB_ACTOR_H
#define CLUB_ACTOR_H

#include <stdbool.h>
#include <stdint.h>

#include <czmq.h>
#include <msgpack.h>

#include "msg.h"
#include "wire.h"

typedef struct club_actor club_actor_t;
typedef struct club_call club_call_t;

typedef void (*club_handler_fn)(club_call_t *call);

enum {
    CLUB_H_AUTH = 1,     /* needs an authenticated user (hdr.user != 0) */
    CLUB_H_INTERNAL = 2, /* only from another worker (hdr.flags & CLUB_F_INTERNAL) */
};

typedef struct {
    const char *op;
    unsigned flags;
    club_handler_fn fn;
} club_handler_t;

/* One request being handled. Owned by the runtime unless deferred. */
struct club_call {
    club_actor_t *actor;
    club_hdr_t hdr;
    club_req_t req;
    const msgpack_object *root; /* the decoded request map */
    club_call_t *next;          /* free for the handler's own queues while deferred */
    /* private */
    zframe_t *caller;
    zframe_t *body;
    msgpack_unpacked up;
    int handler;
    bool deferred, replied, dispatching;
    int64_t t0_ns;
};

typedef struct {
    const char *domain;
    const club_handler_t *handlers;
    size_t nhandlers;
    uint32_t shard, shards;             /* shards = 1 for an unsharded domain */
    void (*flush)(club_actor_t *actor); /* after each drained batch; may be NULL */
    void (*tick)(club_actor_t *actor);  /* about every 100 ms; may be NULL */
    void *state;                        /* the domain's own state, borrowed */
} club_actor_spec_t;

club_actor_t *club_actor_new(const club_actor_spec_t *spec);
void club_actor_destroy(club_actor_t **self_p);
/* Runs until SIGINT/SIGTERM. Returns 0. */
int club_actor_run(club_actor_t *self);
void *club_actor_state(club_actor_t *self);

/* --- replies (exactly one per call) --- */

/* Starts a success reply and returns the packer: pack exactly one value (the data), then call
 * club_call_send(). */
msgpack_packer *club_call_ok(club_call_t *call);
/* Sends the reply started with club_call_ok(). `flags` are CLUB_F_AUTH_* for an edge; with
 * CLUB_F_AUTH_SET, user/rank/exp tell the edge who this connection now is. */
void club_call_send(club_call_t *call, unsigned flags, uint64_t user, int rank, int64_t exp);
/* Like club_call_send with CLUB_F_AUTH_SET, also naming the login session. */
void club_call_send_auth(club_call_t *call, uint64_t user, int rank, int64_t exp, uint64_t sid);
/* A success reply whose data is the given msgpack bytes, sent as they are (idempotent
 * replays must be byte-equal). */
void club_call_ok_raw(club_call_t *call, const uint8_t *data, size_t len);
/* An error reply. The message tells the user what to do. */
void club_call_error(club_call_t *call, club_err_t code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The handler keeps the call past its return; it must reply later. Replying to a deferred
 * call frees it. */
void club_call_defer(club_call_t *call);

/* --- calls to other domains --- */

/* `reply` is the decoded reply map, or NULL when status is CLUB_E_UNAVAILABLE (no worker, or
 * no answer within timeout_ms). */
typedef void (*club_reply_fn)(club_actor_t *actor, void *ctx, club_err_t status,
                              const msgpack_object *reply);
/* Sends body (a request map {op, args}) to `domain`, routed by `user`'s shard. The body is
 * copied. Returns 0, or -1 if it could not be queued (the callback is not called then). */
int club_actor_request(club_actor_t *self, const char *domain, uint64_t user, const uint8_t *body,
                       size_t len, int timeout_ms, club_reply_fn fn, void *ctx);

/* Publishes [topic][body] on the event fan-out. */
void club_actor_publish(club_actor_t *self, const char *topic, const uint8_t *body, size_t len);

#endif
