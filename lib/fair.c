#include "fair.h"

#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

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

static void s_next_block(club_fair_t *f)
{
    char msg[CLUB_CLIENT_SEED_MAX + 48];
    int n = snprintf(msg, sizeof msg, "%s:%llu:%llu", f->client_seed, (unsigned long long)f->nonce,
                     (unsigned long long)f->cursor);
    unsigned int len = 32;
    HMAC(EVP_sha256(), f->server_seed, (int)strlen(f->server_seed), (const uint8_t *)msg, (size_t)n,
         f->block, &len);
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
