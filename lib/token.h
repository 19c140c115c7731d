/* token: access tokens (JWT). One pinned algorithm, HS256: the token's own "alg" header is never
 * trusted to choose how it is verified. Claims: iss, aud, sub (user id), rank, iat, exp;
 * header kid names the key so keys can be rotated. */
#ifndef CLUB_TOKEN_H
#define CLUB_TOKEN_H

#include <stdint.h>

#define CLUB_JWT_ISS "casino-club"
#define CLUB_JWT_AUD "club.v1"

typedef struct {
    const char *secret; /* HMAC key */
    const char *kid;    /* key id written to and required in the header */
} club_jwt_key_t;

/* Returns a malloc'd token, or NULL. */
char *club_jwt_issue(const club_jwt_key_t *key, uint64_t user, int rank, int64_t now, int64_t ttl,
                     int64_t *exp_out);

typedef struct {
    uint64_t user;
    int rank;
    int64_t exp;
} club_jwt_claims_t;

/* 0 when the token is genuine, unexpired at `now`, and for this issuer and audience; else -1
 * with *why set to a short reason (for logs, not for clients). */
int club_jwt_verify(const club_jwt_key_t *key, const char *token, int64_t now,
                    club_jwt_claims_t *out, const char **why);

#endif
