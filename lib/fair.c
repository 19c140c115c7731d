#include "fair.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "log.h"
#include "util.h"

void club_fair_init(club_fair_t *f, const char *server_seed, const char *client_seed,
                    uint64_t nonce)
{
    memset(f, 0, sizeof *f);
    snprintf(f->server_seed, sizeof f->server_seed, "%s", server_seed);
    snprintf(f->client_seed, sizeof f->client_seed, "%s", client_seed);
    f->nonce = nonce;
    f->pos = 32;
}

/* One HMAC context per thread, keyed with the last server seed it was given. OpenSSL's
 * one-shot HMAC() looks the digest up and hashes the padded key (two SHA-256 blocks) on
 * every call; a context re-initialised without a key keeps the padded key's states, so a
 * stream of one seed pair (a player's spins, the simulator) pays for the key once. */
typedef struct {
    EVP_MAC_CTX *ctx;
    bool keyed; /* key holds the seed ctx was keyed with (any string, even "") */
    char key[CLUB_SEED_HEX + 1];
} hmac_cache_t;

static pthread_key_t s_cache_key;
static pthread_once_t s_cache_once = PTHREAD_ONCE_INIT;

static void s_cache_free(void *p)
{
    hmac_cache_t *c = p;
    EVP_MAC_CTX_free(c->ctx);
    free(c);
}

static void s_cache_init(void)
{
    pthread_key_create(&s_cache_key, s_cache_free);
}

/* OpenSSL without a working HMAC-SHA256 cannot compute a single outcome, and a stream of
 * wrong bytes would be worse than none: stop loudly, as running out of memory does. */
__attribute__((noreturn, cold)) static void s_hmac_broken(const char *step)
{
    club_log(CLUB_ERROR, "fair_hmac", "OpenSSL HMAC-SHA256 failed at %s; cannot play rounds", step);
    abort();
}

static hmac_cache_t *s_cache(void)
{
    pthread_once(&s_cache_once, s_cache_init);
    hmac_cache_t *c = pthread_getspecific(s_cache_key);
    if (c) return c;
    c = club_calloc(1, sizeof *c);
    EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    if (!mac || !(c->ctx = EVP_MAC_CTX_new(mac))) s_hmac_broken("fetch");
    EVP_MAC_free(mac); /* the context holds its own reference */
    pthread_setspecific(s_cache_key, c);
    return c;
}

static void s_next_block(club_fair_t *f)
{
    char msg[CLUB_CLIENT_SEED_MAX + 48];
    int n = snprintf(msg, sizeof msg, "%s:%llu:%llu", f->client_seed, (unsigned long long)f->nonce,
                     (unsigned long long)f->cursor);
    hmac_cache_t *c = s_cache();
    if (c->keyed && strcmp(c->key, f->server_seed) == 0) {
        if (!EVP_MAC_init(c->ctx, NULL, 0, NULL)) s_hmac_broken("init");
    } else {
        OSSL_PARAM p[] = {
            OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SHA256", 0),
            OSSL_PARAM_construct_end()};
        if (!EVP_MAC_init(c->ctx, (const uint8_t *)f->server_seed, strlen(f->server_seed), p))
            s_hmac_broken("key");
        snprintf(c->key, sizeof c->key, "%s", f->server_seed);
        c->keyed = true;
    }
    size_t len = 0;
    if (!EVP_MAC_update(c->ctx, (const uint8_t *)msg, (size_t)n) ||
        !EVP_MAC_final(c->ctx, f->block, &len, sizeof f->block) || len != sizeof f->block)
        s_hmac_broken("final");
    f->cursor++;
    f->pos = 0;
}

uint32_t club_fair_u32(club_fair_t *f)
{
    if (f->pos >= 32) s_next_block(f);
    const uint8_t *b = f->block + f->pos;
    f->pos += 4;
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

uint32_t club_fair_uniform(club_fair_t *f, uint32_t n)
{
    /* 2^32 mod n computed in 64 bits; limit = 2^32 - (2^32 mod n). */
    uint64_t limit = (1ULL << 32) - ((1ULL << 32) % n);
    for (;;) {
        uint32_t u = club_fair_u32(f);
        if (u < limit) return u % n;
    }
}

int club_fair_new_server_seed(char seed[CLUB_SEED_HEX + 1], char hash[65])
{
    uint8_t raw[32];
    if (club_random(raw, sizeof raw) != 0) return -1;
    club_hex(raw, sizeof raw, seed);
    club_sha256_hex(seed, CLUB_SEED_HEX, hash);
    return 0;
}

int club_fair_new_client_seed(char out[17])
{
    uint8_t raw[8];
    if (club_random(raw, sizeof raw) != 0) return -1;
    club_hex(raw, sizeof raw, out);
    return 0;
}

bool club_fair_client_seed_ok(const char *s, size_t n)
{
    if (n < 1 || n > CLUB_CLIENT_SEED_MAX) return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '.' || c == '-'))
            return false;
    }
    return true;
}

bool club_fair_server_seed_ok(const char *s)
{
    if (strlen(s) != CLUB_SEED_HEX) return false;
    for (size_t i = 0; i < CLUB_SEED_HEX; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) return false;
    return true;
}
