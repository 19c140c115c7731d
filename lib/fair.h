/* fair: the provably-fair random stream of PROTOCOL.md.
 *
 * The stream is HMAC-SHA256(key = server_seed as ASCII, msg = "client_seed:nonce:cursor") for
 * cursor 0, 1, 2, ... concatenated, read 4 bytes at a time as big-endian u32. A uniform
 * integer in [0, n) rejects u >= 2^32 - (2^32 mod n) and takes u mod n. Every game, the
 * verifier and the simulator read outcomes through this one reader. */
#ifndef CLUB_FAIR_H
#define CLUB_FAIR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CLUB_SEED_HEX        64 /* server seeds are 64 lowercase hex characters */
#define CLUB_CLIENT_SEED_MAX 64

typedef struct {
    char server_seed[CLUB_SEED_HEX + 1];
    char client_seed[CLUB_CLIENT_SEED_MAX + 1];
    uint64_t nonce;
    uint64_t cursor; /* next block to compute */
    uint8_t block[32];
    unsigned pos; /* bytes of block already read; 32 = need a new block */
} club_fair_t;

void club_fair_init(club_fair_t *f, const char *server_seed, const char *client_seed,
                    uint64_t nonce);
uint32_t club_fair_u32(club_fair_t *f);
/* Uniform in [0, n), n >= 1. */
uint32_t club_fair_uniform(club_fair_t *f, uint32_t n);

/* A fresh secret server seed (64 hex) and its public hash. Returns 0 or -1. */
int club_fair_new_server_seed(char seed[CLUB_SEED_HEX + 1], char hash[65]);
/* A random default client seed (16 hex). */
int club_fair_new_client_seed(char out[17]);
/* Client seeds are 1..64 of [A-Za-z0-9_.-], so "client:nonce:cursor" stays unambiguous. */
bool club_fair_client_seed_ok(const char *s, size_t n);
/* Lowercase 64-hex check for a server seed. */
bool club_fair_server_seed_ok(const char *s);

#endif
