/* tool: what club-tool's commands share (tools/tool.c). */
#ifndef CLUB_TOOL_H
#define CLUB_TOOL_H

#include <libpq-fe.h>

/* Connects with CLUB_PG, or logs what is missing and returns NULL. */
PGconn *tool_pg_connect(void);

#endif
