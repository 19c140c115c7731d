/* pool: a few helper threads for slow, self-contained work (a password hash), so a worker's
 * loop keeps answering heartbeats and cheap requests while it runs.
 *
 * work(ctx) runs on a pool thread and must touch nothing of the loop's (no sockets, no
 * database connection, no shared state): only ctx. When it returns, the loop thread gets the
 * job back through an inproc socket (club_pool_socket) and club_pool_drain() calls
 * done(ctx) there, in completion order. */
#ifndef CLUB_POOL_H
#define CLUB_POOL_H

#include <czmq.h>

typedef struct club_pool club_pool_t;
typedef void (*club_work_fn)(void *ctx);
typedef void (*club_done_fn)(void *owner, void *ctx);

/* Starts nthreads threads. NULL (after logging why) when they cannot start. */
club_pool_t *club_pool_new(int nthreads);
/* Stops the threads after their current job; jobs not yet done are dropped with their ctx
 * (at shutdown, nothing is left to answer). */
void club_pool_destroy(club_pool_t **self_p);
/* Queues a job. Loop thread only. */
void club_pool_submit(club_pool_t *self, club_work_fn work, club_done_fn done, void *ctx);
/* The socket that becomes readable when a job is done: poll it with the loop's others. */
void *club_pool_socket(club_pool_t *self);
/* Calls done(owner, ctx) for every finished job, without waiting. Returns how many. */
int club_pool_drain(club_pool_t *self, void *owner);
/* Jobs queued or running. */
int club_pool_pending(const club_pool_t *self);

#endif
