#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static const char *s_proc = "club";
static club_log_level_t s_min = CLUB_INFO;

void club_log_init(const char *proc)
{
    s_proc = proc;
    const char *lvl = getenv("CLUB_LOG_LEVEL");
    if (!lvl) return;
    if (!strcasecmp(lvl, "debug"))
        s_min = CLUB_DEBUG;
    else if (!strcasecmp(lvl, "warn"))
        s_min = CLUB_WARN;
    else if (!strcasecmp(lvl, "error"))
        s_min = CLUB_ERROR;
}

/* JSON string escape into out (bounded). */
static void s_escape(const char *in, char *out, size_t cap)
{
    size_t o = 0;
    for (; *in && o + 7 < cap; in++) {
        unsigned char c = (unsigned char)*in;
        if (c == '"' || c == '\\') {
            out[o++] = '\\';
            out[o++] = (char)c;
        } else if (c < 0x20) {
            o += (size_t)snprintf(out + o, cap - o, "\\u%04x", c);
        } else {
            out[o++] = (char)c;
        }
    }
    out[o] = 0;
}

void club_log(club_log_level_t lvl, const char *event, const char *fmt, ...)
{
    static const char *names[] = {"debug", "info", "warn", "error"};
    if (lvl < s_min) return;
    char msg[1024], esc[2048], ts[40];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    s_escape(msg, esc, sizeof esc);
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    struct tm tm;
    gmtime_r(&now.tv_sec, &tm);
    size_t n = strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(ts + n, sizeof ts - n, ".%03ldZ", now.tv_nsec / 1000000);
    fprintf(stderr,
            "{\"ts\":\"%s\",\"lvl\":\"%s\",\"proc\":\"%s\",\"event\":\"%s\",\"msg\":\"%s\"}\n", ts,
            names[lvl], s_proc, event, esc);
}
