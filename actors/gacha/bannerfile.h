/* bannerfile: a banner from the JSON of the `banner` object `gacha.banner` returns ({id, name,
 * cost {currency, amount}, rates [{rarity, probability}], pity {soft, hard, step}, featured
 * {item_id, name}?, pools {RARITY: [{item_id, name}]}, effective?, version}), so anyone can
 * re-compute pulls and run the simulator without our database.
 *
 * The reader is strict: RFC 8259 syntax only (no comments, trailing commas or duplicate
 * keys), integers where the protocol has integers, every field present with its type and
 * range, pools for exactly the rarities listed; keys it does not know are skipped, as the
 * protocol may add fields. A small reader of its own keeps club-tool free of a JSON library
 * for the one file it reads. */
#ifndef CLUB_GACHA_BANNERFILE_H
#define CLUB_GACHA_BANNERFILE_H

#include <stddef.h>
#include <stdint.h>

#include "pull.h"

#define GACHA_BANNERFILE_MAX (1 << 20) /* bytes: a banner is a few KiB */

/* Reads text[0..len) into out (free it with gacha_banner_free); out also passes
 * gacha_banner_check. A file holding {"banner": {...}} (a saved reply's data) is read too.
 * *effective gets the disclosed `effective` probability, or -1 when the file has none.
 * Returns 0, or -1 with a sentence naming the line or field in err. */
int gacha_banner_from_json(const char *text, size_t len, gacha_banner_t *out, int64_t *effective,
                           char *err, size_t errlen);

/* The same from a file. */
int gacha_banner_read_file(const char *path, gacha_banner_t *out, int64_t *effective, char *err,
                           size_t errlen);

#endif
