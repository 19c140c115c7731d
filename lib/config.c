#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

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
    while (fgets(line, sizeof line, f)) {
        char *p = line;
        while (isspace((unsigned char)*p))
            p++;
        if (*p == '#' || !*p) continue;
        char *eq = strchr(p, '=');
        if (!eq) continue;
        *eq = 0;
        char *v = eq + 1, *e = v + strlen(v);
        while (e > v && isspace((unsigned char)e[-1]))
            *--e = 0;
        char *k = p, *ke = eq;
        while (ke > k && isspace((unsigned char)ke[-1]))
            *--ke = 0;
        setenv(k, v, 0); /* the environment wins over the file */
    }
    fclose(f);
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
    char *end;
    long long n = strtoll(v, &end, 10);
    if (*end) {
        club_log(CLUB_WARN, "config", "%s=%s is not a number; using %lld", key, v, (long long)def);
        return def;
    }
    return n;
}
