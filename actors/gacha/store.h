/* store: banners as Postgres keeps them (migrations/005_gacha.sql), read into the structs of
 * pull.h. A banner's version fixes its rates, pity, featured item and pools; pulls name the
 * version they used, so any version can be read back to re-compute them. */
#ifndef CLUB_GACHA_STORE_H
#define CLUB_GACHA_STORE_H

#include <libpq-fe.h>

#include "pull.h"

/* Reads banner `id` at `version` (0: the current one) into out (free it with
 * gacha_banner_free). Returns 0; 1 when there is no such banner or version; -1 when Postgres
 * failed. err gets a sentence for 1 and -1. */
int gacha_banner_load(PGconn *c, const char *id, int version, gacha_banner_t *out, char *err,
                      size_t errlen);

/* Writes a new version of banner cur's rates: n probabilities (ppm) for the rarities named,
 * which must be cur's, rarest first; pity {soft, hard, step} or NULL to keep cur's. The
 * result is checked as a banner before anything is written, so what is disclosed can always
 * be pulled; pools and the featured item are kept. Returns 0 with *version; 1 when refused
 * (err says why); -1 when Postgres failed. */
int gacha_rates_write(PGconn *c, const gacha_banner_t *cur, const char *const *names,
                      const uint32_t *ppm, int n, const uint32_t *pity, const char *note,
                      const char *by, int *version, char *err, size_t errlen);

#endif
