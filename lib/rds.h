/* rds: one Redis connection with reconnect. Redis holds only what can be rebuilt from
 * Postgres, so a failed command is reported to the caller, who carries on without it. */
#ifndef CLUB_RDS_H
#define CLUB_RDS_H

#include <hiredis/hiredis.h>

typedef struct club_rds club_rds_t;

/* addr is "host:port". Connects lazily. */
club_rds_t *club_rds_new(const char *addr);
void club_rds_destroy(club_rds_t **self_p);

/* redisCommand with reconnect; NULL when Redis is unreachable or the reply is an error.
 * Caller frees with freeReplyObject. */
redisReply *club_rds_cmd(club_rds_t *self, const char *fmt, ...);

#endif
