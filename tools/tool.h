/* tool: what club-tool's commands share (tools/tool.c). */
#ifndef CLUB_TOOL_H
#define CLUB_TOOL_H

#include <libpq-fe.h>
#include <stdint.h>

/* Connects with CLUB_PG, or logs what is missing and returns NULL. */
PGconn *tool_pg_connect(void);

/* Parses a whole decimal in [lo, hi] into *out: 0, or -1 after saying which option was wrong. */
int tool_int_opt(const char *opt, const char *s, int64_t lo, int64_t hi, int64_t *out);

#endif
