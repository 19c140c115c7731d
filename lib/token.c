#include "token.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jwt.h>
#include <openssl/evp.h>

#include "util.h"
#include "wire.h"

char *club_jwt_issue(const club_jwt_key_t *key, uint64_t user, int rank, int64_t now, int64_t ttl,
                     int64_t *exp_out)
{
    jwt_t *j = NULL;
    char *out = NULL;
    char sub[24];
    snprintf(sub, sizeof sub, "%llu", (unsigned long long)user);
    if (jwt_new(&j)) return NULL;
    if (jwt_set_alg(j, JWT_ALG_HS256, (const unsigned char *)key->secret,
                    (int)strlen(key->secret)) ||
        jwt_add_header(j, "kid", key->kid) || jwt_add_grant(j, "iss", CLUB_JWT_ISS) ||
        jwt_add_grant(j, "aud", CLUB_JWT_AUD) || jwt_add_grant(j, "sub", sub) ||
        jwt_add_grant(j, "rank", club_rank_name(rank)) || jwt_add_grant_int(j, "iat", now) ||
        jwt_add_grant_int(j, "exp", now + ttl))
        goto done;
    char *s = jwt_encode_str(j);
    if (s) {
        out = club_strdup(s);
        free(s);
    }
    if (exp_out) *exp_out = now + ttl;
done:
    jwt_free(j);
    return out;
}

/* The header is checked before libjwt sees the token, so a token that asks for "none" or
 * another algorithm is refused on its face, whatever the library would do with it. */
static int s_header_ok(const char *token, const char *kid)
{
    const char *dot = strchr(token, '.');
    if (!dot || dot == token || dot - token > 512) return -1;
    /* decode base64url header */
    char b64[700];
    size_t n = (size_t)(dot - token);
    memcpy(b64, token, n);
    while (n % 4)
        b64[n++] = '=';
    b64[n] = 0;
    for (size_t i = 0; i < n; i++) {
        if (b64[i] == '-')
            b64[i] = '+';
        else if (b64[i] == '_')
            b64[i] = '/';
    }
    unsigned char hdr[600];
    int len = EVP_DecodeBlock(hdr, (const unsigned char *)b64, (int)n);
    if (len <= 0) return -1;
    hdr[len] = 0;
    /* Exact tokens, not substrings of other values: our issuer writes this shape only. */
    char want[128];
    snprintf(want, sizeof want, "\"kid\":\"%s\"", kid);
    if (!strstr((char *)hdr, "\"alg\":\"HS256\"") || !strstr((char *)hdr, want)) return -1;
    return 0;
}

int club_jwt_verify(const club_jwt_key_t *key, const char *token, int64_t now,
                    club_jwt_claims_t *out, const char **why)
{
    jwt_t *j = NULL;
    int rc = -1;
    *why = "malformed";
    if (!token || strlen(token) > 4096 || s_header_ok(token, key->kid) != 0) {
        *why = "header is not HS256 with our kid";
        return -1;
    }
    if (jwt_decode(&j, token, (const unsigned char *)key->secret, (int)strlen(key->secret))) {
        *why = "signature";
        return -1;
    }
    if (jwt_get_alg(j) != JWT_ALG_HS256) {
        *why = "algorithm";
        goto done;
    }
    const char *iss = jwt_get_grant(j, "iss");
    const char *aud = jwt_get_grant(j, "aud");
    const char *sub = jwt_get_grant(j, "sub");
    const char *rank = jwt_get_grant(j, "rank");
    long exp = jwt_get_grant_int(j, "exp");
    if (!iss || strcmp(iss, CLUB_JWT_ISS)) {
        *why = "issuer";
        goto done;
    }
    if (!aud || strcmp(aud, CLUB_JWT_AUD)) {
        *why = "audience";
        goto done;
    }
    if (exp <= 0 || exp <= now) {
        *why = "expired";
        goto done;
    }
    int64_t uid;
    if (!sub || club_parse_i64(sub, &uid) || uid <= 0 || !rank) {
        *why = "subject";
        goto done;
    }
    out->user = (uint64_t)uid;
    out->rank = club_rank_from_name(rank);
    out->exp = exp;
    if (out->rank == CLUB_RANK_NONE) {
        *why = "rank";
        goto done;
    }
    rc = 0;
done:
    jwt_free(j);
    return rc;
}
