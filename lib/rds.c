#include "rds.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "util.h"

struct club_rds {
    char host[256];
    int port;
    redisContext *ctx;
    int64_t next_try_ms;
};

club_rds_t *club_rds_new(const char *addr)
{
    club_rds_t *self = club_calloc(1, sizeof *self);
    const char *colon = strrchr(addr, ':');
    size_t hl = colon ? (size_t)(colon - addr) : strlen(addr);
    if (hl >= sizeof self->host) hl = sizeof self->host - 1;
    memcpy(self->host, addr, hl);
    self->port = colon ? atoi(colon + 1) : 6379;
    return self;
}

void club_rds_destroy(club_rds_t **self_p)
{
    club_rds_t *self = *self_p;
    if (!self) return;
    if (self->ctx) redisFree(self->ctx);
    free(self);
    *self_p = NULL;
}

static redisContext *s_ctx(club_rds_t *self)
{
    if (self->ctx && !self->ctx->err) return self->ctx;
    if (self->ctx) {
        redisFree(self->ctx);
        self->ctx = NULL;
    }
    int64_t now = club_mono_ms();
    if (now < self->next_try_ms) return NULL;
    struct timeval tv = {1, 0};
    redisContext *c = redisConnectWithTimeout(self->host, self->port, tv);
    if (!c || c->err) {
        club_log(CLUB_WARN, "redis_connect", "cannot connect to Redis %s:%d: %s", self->host,
                 self->port, c ? c->errstr : "out of memory");
        if (c) redisFree(c);
        self->next_try_ms = now + 1000;
        return NULL;
    }
    redisSetTimeout(c, tv);
    self->ctx = c;
    return c;
}

redisReply *club_rds_cmd(club_rds_t *self, const char *fmt, ...)
{
    redisContext *c = s_ctx(self);
    if (!c) return NULL;
    va_list ap;
    va_start(ap, fmt);
    redisReply *r = redisvCommand(c, fmt, ap);
    va_end(ap);
    if (!r) return NULL;
    if (r->type == REDIS_REPLY_ERROR) {
        club_log(CLUB_WARN, "redis_error", "%s", r->str);
        freeReplyObject(r);
        return NULL;
    }
    return r;
}
