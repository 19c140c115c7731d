/* actor: the runtime every domain worker (club-actor --domain D) is built on.
 *
 * A domain is a folder under actors/ that exports one club_domain_t (its name, hooks and
 * default worker count) and one handler function per op that schemas/ops.json gives it,
 * named after the op: op_slot_spin for slot.spin. The dispatch table is generated from the
 * schema (cmake/schemas.cmake), so a domain never lists its ops or their flags itself.
 *
 * A worker is single-threaded. It connects a DEALER to the broker's back end, announces its
 * domain and shard (READY), and exchanges heartbeats every second; when the broker has been
 * silent for three, it drops the socket and announces itself again (the broker may have
 * restarted). Before a handler runs, the runtime checks who may call the op (public, player,
 * internal) and the args against the op's schema, answering BAD_REQUEST with the field's name
 * when they do not fit.
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
#include "ops.h"
#include "pool.h"
#include "wire.h"

typedef struct club_actor club_actor_t;
typedef struct club_call club_call_t;

typedef void (*club_handler_fn)(club_call_t *call);

/* One row of the generated dispatch table: the op at club_op_all()[op] is served by fn in
 * `domain`. */
typedef struct {
    const char *domain;
    uint32_t op;
    club_handler_fn fn;
} club_op_handler_t;

/* What a domain folder exports (actors/<name>/), the whole contract with the runtime. */
typedef struct {
    const char *name;
    const char *what;                   /* one line for club-actor --help */
    uint32_t shards;                    /* workers ./club starts by default; 1 = unsharded */
    int (*init)(void);                  /* 0, or -1 after logging what is missing */
    void (*fini)(void);                 /* releases what init took; may be NULL */
    void (*flush)(club_actor_t *actor); /* after each drained batch; may be NULL */
    void (*tick)(club_actor_t *actor);  /* about every 100 ms; may be NULL */
} club_domain_t;

/* One request being handled. Owned by the runtime unless deferred. */
struct club_call {
    club_actor_t *actor;
    club_hdr_t hdr;
    club_req_t req;
    const club_op_t *op;        /* the op's row in the schema's table */
    const msgpack_object *root; /* the decoded request map */
    club_call_t *next;          /* free for the handler's own queues while deferred */
    uintptr_t tag;              /* free for the handler: which of its ops a queued call is */
    /* private */
    zframe_t *caller;
    zframe_t *body;
    msgpack_unpacked up;
    bool deferred, replied, dispatching;
    int64_t t0_ns;
};

typedef struct {
    const club_domain_t *domain;
    const club_op_handler_t *handlers; /* the generated table of every domain's handlers */
    size_t nhandlers;
    uint32_t shard, shards; /* shards = 1 for an unsharded domain */
} club_actor_spec_t;

club_actor_t *club_actor_new(const club_actor_spec_t *spec);
void club_actor_destroy(club_actor_t **self_p);
/* Runs until SIGINT/SIGTERM. Returns 0. */
int club_actor_run(club_actor_t *self);

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

/* SHA-256 over the op and its packed args: a settle stores it with the idem, so a retry with
 * the same idem is told apart from a different request. */
void club_call_hash(const club_call_t *call, uint8_t out[32]);

/* --- calls to other domains --- */

/* `reply` is the decoded reply map, or NULL when status is CLUB_E_UNAVAILABLE (no worker, or
 * no answer within timeout_ms). */
typedef void (*club_reply_fn)(club_actor_t *actor, void *ctx, club_err_t status,
                              const msgpack_object *reply);
/* Sends body (a request map {op, args}) to `domain`, routed by `user`'s shard. The body is
 * copied. Returns 0, or -1 if it could not be queued (the callback is not called then). */
int club_actor_request(club_actor_t *self, const char *domain, uint64_t user, const uint8_t *body,
                       size_t len, int timeout_ms, club_reply_fn fn, void *ctx);

/* --- slow work off the loop --- */

/* Runs work(ctx) on one of the worker's helper threads (CLUB_WORK_THREADS of them, default 2,
 * started on first use; lib/pool.h says what work may touch), then done(actor, ctx) on the
 * worker's own thread. Meanwhile the loop goes on answering other requests and heartbeats:
 * a handler defers its call, offloads the slow part, and replies from done. */
void club_actor_offload(club_actor_t *self, club_work_fn work, club_done_fn done, void *ctx);

/* Publishes [topic][body] on the event fan-out. */
void club_actor_publish(club_actor_t *self, const char *topic, const uint8_t *body, size_t len);

#endif
