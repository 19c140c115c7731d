/* play: the round machinery of every domain whose outcomes come from the player's provably
 * fair stream (games, gacha).
 *
 * A user's rounds run one at a time in their worker (the broker sends a user's requests to
 * one shard): while a round waits for its wallet settle, the user's later calls queue behind
 * it, so nonces advance 0, 1, 2, ... under a seed pair and never skip. Other users' rounds go
 * on meanwhile; the wallet commits them together.
 *
 * The seed pair and the next nonce live in memory between rounds and are re-read from
 * Postgres whenever they are in doubt: on first use, after a settle that got no answer, and
 * when the settle was refused as a taken slot (its nonce used meanwhile by another domain's
 * round, its seed pair rotated out, or a domain's own check: the gacha's pity). Postgres
 * holds the rules (rounds are unique per seed and nonce, and only under the active pair), so
 * a stale cache costs a retry, never a wrong round. */
#ifndef CLUB_PLAY_H
#define CLUB_PLAY_H

#include <stdbool.h>
#include <stdint.h>

#include <msgpack.h>

#include "actor.h"
#include "db.h"
#include "fair.h"
#include "u64map.h"

typedef struct club_play_user {
    uint64_t user;
    bool loaded; /* seeds, nonce and the domain's state are read */
    int64_t seed_id;
    char server_seed[CLUB_SEED_HEX + 1];
    char seed_hash[65];
    char client_seed[CLUB_CLIENT_SEED_MAX + 1];
    int64_t next_nonce;
    bool busy; /* a round waits for its settle */
    club_call_t *qhead, *qtail;
    void *ext; /* the domain's own per-user state */
} club_play_user_t;

typedef struct club_play_users club_play_users_t;
struct club_play_users {
    club_db_t *db;
    club_u64map_t users;
    /* Runs a call whose turn it is, with u loaded; the call's tag says which op it is. */
    void (*run)(club_play_users_t *p, club_play_user_t *u, club_call_t *call);
    /* Reads the domain's own state of u after its seeds (may be NULL). 0 or -1. */
    int (*load)(club_play_users_t *p, club_play_user_t *u);
    /* Frees u->ext (may be NULL). */
    void (*drop)(club_play_user_t *u);
    const char *unavailable; /* the error message when Postgres cannot be read */
};

void club_play_users_init(club_play_users_t *p, club_db_t *db);
void club_play_users_free(club_play_users_t *p);
/* Runs the call now, or queues it behind the user's round in flight. */
void club_play_enter(club_play_users_t *p, club_call_t *call, uintptr_t tag);
/* Reads u's seeds, nonce and domain state from Postgres again (a call that must see what
 * another worker changed). 0 or -1. */
int club_play_reload(club_play_users_t *p, club_play_user_t *u);
/* Drops idle users' state when more than CLUB_PLAY_CACHE_MAX users are cached (from the
 * domain's tick); it is read again from Postgres on their next call. */
#define CLUB_PLAY_CACHE_MAX 200000
void club_play_evict(club_play_users_t *p);

/* The round id of a nonce: the first 16 hex of SHA-256("seed_hash:nonce"). */
void club_play_round_id(const club_play_user_t *u, int64_t nonce, char out[17]);

/* The reply's `proof` pair: {server_seed_hash, client_seed, nonce} of u's current round. */
void club_play_pack_proof(msgpack_packer *pk, const club_play_user_t *u);
/* The `round` fact of u's current round (games_round_sink stores it in rounds, the reply
 * bytes as its outcome): {kind, ref, data {game, seed_id, nonce, bet, win}}. */
void club_play_pack_round_fact(msgpack_packer *pk, const club_play_user_t *u, const char *round_id,
                               const char *game, int64_t bet, int64_t win);

typedef struct club_play_round club_play_round_t;

typedef struct {
    /* Packs the settle for u's current nonce into r->body, from club_play_settle_begin() on. */
    void (*build)(club_play_round_t *r);
    /* The wallet applied the settle (or, replayed, returned the stored result of the same
     * idem); the reply has been sent. May be NULL. */
    void (*applied)(club_play_round_t *r, bool replayed);
    bool no_nonce;           /* a purchase, not a round: it uses no nonce of the stream */
    const char *no_funds;    /* the INSUFFICIENT_FUNDS message */
    const char *unavailable; /* when the round could not be played now: retry, same idem */
} club_play_kind_t;

/* One round in flight; the domain embeds it first in its own struct, allocated with malloc
 * (club_calloc), and fills p, u, call, kind. The runtime frees it when the round ends. */
struct club_play_round {
    club_play_users_t *p;
    club_play_user_t *u;
    club_call_t *call;
    const club_play_kind_t *kind;
    int attempt;          /* times the round was refused as a taken slot and played again */
    int sends;            /* times this settle was sent */
    msgpack_sbuffer body; /* the settle request, kept to send again */
};

/* Defers the call, builds the settle and sends it; the round replies and frees itself. */
void club_play_round_start(club_play_round_t *r);

/* Starts r->body as a wallet.settle request whose args map holds the user, the idem (the
 * client's, or `derived` when it sent none: `round:<round id>` for a round), the op and the
 * request hash, and then `more` pairs the caller packs next (moves, counter, ref, facts,
 * reply, style). */
msgpack_packer club_play_settle_begin(club_play_round_t *r, const char *derived, uint32_t more);

#endif
