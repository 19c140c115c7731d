/* config: defaults, then a config file, then environment variables, then flags.
 *
 * Every setting is an environment variable CLUB_*. club_config_load() reads the file named by
 * CLUB_CONFIG (KEY=VALUE lines, # comments, white space around key and value ignored) and sets
 * the keys the environment does not already have (an empty variable counts as not set); a
 * process's flags are applied with club_config_set(), which overrides. Readers then ask
 * club_cfg_str/int with the default, so the precedence lives in one place. */
#ifndef CLUB_CONFIG_H
#define CLUB_CONFIG_H

#include <stdint.h>

/* Returns 0, or -1 when CLUB_CONFIG names a file that cannot be read (missing, a folder).
 * Lines that are not KEY=VALUE, or longer than 1022 bytes, are skipped with a warning. */
int club_config_load(void);
void club_config_set(const char *key, const char *value);
const char *club_cfg_str(const char *key, const char *def);
/* The default when the variable is unset or empty, or (with a warning) when it is not a whole
 * decimal that fits in 64 bits. */
int64_t club_cfg_int(const char *key, int64_t def);

/* The ZeroMQ endpoints, one place for their defaults. */
#define CLUB_DEF_BROKER_FRONT "tcp://127.0.0.1:7101"
#define CLUB_DEF_BROKER_BACK  "tcp://127.0.0.1:7102"
#define CLUB_DEF_EVENTS_IN    "tcp://127.0.0.1:7103"
#define CLUB_DEF_EVENTS_OUT   "tcp://127.0.0.1:7104"

#endif
