#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "util.h"

/* Trims white space at both ends of s in place; returns the new start. */
static char *s_trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1]))
        *--e = 0;
    return s;
}

/* Reads KEY=VALUE lines. A key the environment already has (non-empty) keeps the environment's
 * value: the environment wins over the file. An empty variable counts as unset, because the
 * readers treat it so (club_cfg_str returns the default); letting it hide the file would make
 * `CLUB_X= cmd` drop the file's value without saying so. Lines that are not KEY=VALUE are
 * skipped with a warning, and so is a line too long for the buffer, whole: reading its tail
 * as a line of its own could set whatever a long comment happened to contain. */
int club_config_load(void)
{
    const char *path = getenv("CLUB_CONFIG");
    if (!path || !*path) return 0;
    FILE *f = fopen(path, "r");
    if (!f) {
        club_log(CLUB_ERROR, "config", "cannot read CLUB_CONFIG=%s: %s", path, strerror(errno));
        return -1;
    }
    char line[1024];
    int lineno = 0;
    bool skipping = false; /* inside the rest of a line that was too long */
    while (fgets(line, sizeof line, f)) {
        size_t len = strlen(line);
        bool whole = (len > 0 && line[len - 1] == '\n') || feof(f);
        if (skipping) {
            skipping = !whole;
            continue;
        }
        lineno++;
        if (!whole) {
            club_log(CLUB_WARN, "config", "%s:%d: line longer than %zu bytes, skipped", path,
                     lineno, sizeof line - 2);
            skipping = true;
            continue;
        }
        char *p = s_trim(line);
        if (*p == '#' || !*p) continue;
        char *eq = strchr(p, '=');
        if (!eq || eq == p) {
            club_log(CLUB_WARN, "config", "%s:%d: not KEY=VALUE, skipped", path, lineno);
            continue;
        }
        *eq = 0;
        char *k = s_trim(p), *v = s_trim(eq + 1);
        const char *have = getenv(k);
        if (!have || !*have) setenv(k, v, 1);
    }
    bool failed = ferror(f) != 0;
    int err = errno;
    fclose(f);
    if (failed) {
        club_log(CLUB_ERROR, "config", "cannot read CLUB_CONFIG=%s: %s", path, strerror(err));
        return -1;
    }
    return 0;
}

void club_config_set(const char *key, const char *value)
{
    setenv(key, value, 1);
}

const char *club_cfg_str(const char *key, const char *def)
{
    const char *v = getenv(key);
    return v && *v ? v : def;
}

int64_t club_cfg_int(const char *key, int64_t def)
{
    const char *v = getenv(key);
    if (!v || !*v) return def;
    int64_t n;
    if (club_parse_i64(v, &n) != 0) {
        club_log(CLUB_WARN, "config", "%s=%s is not a 64-bit integer; using %lld", key, v,
                 (long long)def);
        return def;
    }
    return n;
}
