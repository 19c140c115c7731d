/* cc_stack: what the integration tests do to the stack directly rather than over the wire:
 * SQL to set up a fault (a trigger that fails or slows a write) and take it away again, and
 * counting the stack's processes. */
#include <glob.h>
#include <libgen.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <stdarg.h>
#include <stdio.h>

#include <libpq-fe.h>

#include "club_client.h"
#include "cc_test.h"

int cc_pg_exec(const char *fmt, ...)
{
    char sql[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql, sizeof sql, fmt, ap);
    va_end(ap);
    PGconn *c = PQconnectdb(cc_env()->pg);
    int rc = -1;
    if (PQstatus(c) == CONNECTION_OK) {
        PGresult *r = PQexec(c, sql);
        ExecStatusType st = PQresultStatus(r);
        if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
            rc = 0;
        else
            fprintf(stderr, "cc_pg_exec: %s: %s", sql, PQresultErrorMessage(r));
        PQclear(r);
    } else {
        fprintf(stderr, "cc_pg_exec: postgres: %s", PQerrorMessage(c));
    }
    PQfinish(c);
    return rc;
}

int cc_count_procs(const char *prefix)
{
    char pattern[1200];
    snprintf(pattern, sizeof pattern, "%s/%s*.pid", cc_env()->run, prefix);
    glob_t g;
    int n = glob(pattern, 0, NULL, &g) == 0 ? (int)g.gl_pathc : 0;
    globfree(&g);
    return n;
}

int64_t cc_proc_age_ms(const char *name)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/%s.pid", cc_env()->run, name);
    struct stat st;
    if (stat(path, &st) != 0) return -1;
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    return (int64_t)(now.tv_sec - st.st_mtim.tv_sec) * 1000 +
           (now.tv_nsec - st.st_mtim.tv_nsec) / 1000000;
}

int cc_kill_workers(const char *domain, cc_worker_t *killed, int cap)
{
    char pattern[1200];
    snprintf(pattern, sizeof pattern, "%s/actor-%s-*.pid", cc_env()->run, domain);
    glob_t g;
    int n = 0;
    if (glob(pattern, 0, NULL, &g) != 0) return 0;
    for (size_t i = 0; i < g.gl_pathc && n < cap; i++) {
        char *base = basename(g.gl_pathv[i]);
        size_t len = strlen(base) - 4; /* ".pid" */
        snprintf(killed[n].name, sizeof killed[n].name, "%.*s", (int)len, base);
        killed[n].pid = cc_pid_of(killed[n].name);
        if (killed[n].pid > 0 && kill(killed[n].pid, SIGKILL) == 0) n++;
    }
    globfree(&g);
    return n;
}

int cc_wait_back(const cc_worker_t *killed, int n, char *why, size_t cap)
{
    for (int k = 0; k < n; k++) {
        if (cc_wait_new_pid(killed[k].name, killed[k].pid, 20000) > 0) continue;
        snprintf(why, cap, "%s (pid %d) was not restarted within 20 s", killed[k].name,
                 (int)killed[k].pid);
        return -1;
    }
    return 0;
}
