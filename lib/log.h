/* log: one JSON object per line on stderr, so logs can be shipped and queried as is.
 *
 *   club_log(CLUB_INFO, "worker_ready", "domain=%s shard=%d", d, s);
 *
 * prints {"ts":"2026-...Z","lvl":"info","proc":"club-actor","event":"worker_ready",
 *         "msg":"domain=wallet shard=0"} */
#ifndef CLUB_LOG_H
#define CLUB_LOG_H

typedef enum { CLUB_DEBUG, CLUB_INFO, CLUB_WARN, CLUB_ERROR } club_log_level_t;

/* Sets the process name shown in every line and the minimum level (CLUB_LOG_LEVEL). */
void club_log_init(const char *proc);
void club_log(club_log_level_t lvl, const char *event, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
