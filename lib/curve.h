/* curve: ZeroMQ CURVE between the stack's processes, so only a process holding a key of the
 * stack gets anything routed, and the broker knows which callers are workers.
 *
 * CLUB_CURVE_DIR names a folder of CZMQ certificates (club-tool keys DIR makes them; ./club
 * keeps them in $CLUB_VAR/keys): broker and broker_secret, edge and edge_secret, worker and
 * worker_secret. Each process needs its own role's secret file and the broker's public one;
 * on several hosts, copy only those. Without CLUB_CURVE_DIR (or with CLUB_CURVE_DIR=off, to
 * measure what CURVE costs) the sockets are plain, and every process says so in its log at
 * start. */
#ifndef CLUB_CURVE_H
#define CLUB_CURVE_H

#include <stdbool.h>

typedef enum { CLUB_ROLE_BROKER, CLUB_ROLE_EDGE, CLUB_ROLE_WORKER } club_role_t;

/* Loads the keys of `role` from CLUB_CURVE_DIR. 0 when loaded or when CURVE is off (no
 * CLUB_CURVE_DIR); -1 after logging which file is missing. Call once, before any socket. */
int club_curve_init(club_role_t role);
bool club_curve_on(void);
/* A client socket (raw libzmq or zsock): this role's keys and the broker's public key. Call
 * before connect. No-op when CURVE is off. */
void club_curve_client(void *sock);
/* A broker socket: the broker's keys, and it checks clients against the edge and worker
 * certificates (a zauth actor the first call starts). Call before bind. */
void club_curve_server(void *sock);
/* The Z85 public key of the worker certificate (what ZeroMQ reports as a worker's
 * "User-Id"), or NULL when CURVE is off. */
const char *club_curve_worker_key(void);
/* This process's Z85 keys, for a socket configured by its owner (zproxy). */
const char *club_curve_public(void);
const char *club_curve_secret(void);
/* Stops the authenticator. */
void club_curve_fini(void);

/* Writes a new set of certificates into dir (created, mode 0700). 0, or -1 after printing
 * why to stderr. */
int club_curve_generate(const char *dir);

#endif
