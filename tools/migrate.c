/* club-migrate: brings the database schema up to date from migrations/NNN_name.sql.
 *
 * Each file not yet recorded in schema_migrations is applied in order, in one transaction
 * together with its schema_migrations row, so a file is either wholly applied and recorded
 * or not at all. The file text goes to the server as it is (PQexec runs several statements
 * in one call), because the files hold plpgsql bodies whose ';' must not be split on.
 * A session advisory lock keeps two migrators (two hosts starting at once) from racing.
 *
 * A migration file must not contain BEGIN/COMMIT of its own, nor statements that refuse to
 * run inside a transaction block (CREATE INDEX CONCURRENTLY, ALTER TYPE ... ADD VALUE on
 * old servers). The version recorded is the file name without ".sql" ("001_core"). */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "config.h"
#include "log.h"
#include "util.h"

/* pg_advisory_lock key: "clubmigr" as a big-endian int64, far from any key a worker uses. */
#define MIGRATE_LOCK_KEY "7164230172842485618"

typedef struct {
    char *file;    /* "001_core.sql" */
    char *version; /* "001_core" */
    long number;   /* 1 */
    char *applied; /* applied_at as text, NULL while pending */
} migration_t;

typedef struct {
    migration_t *items;
    size_t n, cap;
} migration_list_t;

static void s_usage(FILE *out)
{
    fprintf(out, "usage: club-migrate [--dir DIR] [--status]\n"
                 "\n"
                 "Applies every DIR/NNN_name.sql not yet recorded in the table schema_migrations,\n"
                 "in order, each file in one transaction with its record.\n"
                 "\n"
                 "  --dir DIR   folder of migration files (default: migrations)\n"
                 "  --status    list applied and pending migrations; change nothing\n"
                 "  --help      this text\n"
                 "  --version   print the version\n"
                 "\n"
                 "environment:\n"
                 "  CLUB_PG      Postgres conninfo (required), e.g.\n"
                 "               \"host=127.0.0.1 port=5432 dbname=club user=club\";\n"
                 "               ./club migrate sets it from the running stack\n"
                 "  CLUB_CONFIG  optional file of KEY=VALUE lines read before the environment\n");
}

/* NNN_name.sql: at least one digit, then '_', then a name, then ".sql". */
static int s_parse_name(const char *name, long *number)
{
    size_t len = strlen(name);
    size_t digits = strspn(name, "0123456789");
    if (digits == 0 || name[digits] != '_' || len < digits + 6) return -1;
    if (strcmp(name + len - 4, ".sql") != 0) return -1;
    char buf[24];
    if (digits >= sizeof buf) return -1;
    memcpy(buf, name, digits);
    buf[digits] = 0;
    int64_t v;
    if (club_parse_i64(buf, &v) != 0) return -1;
    *number = (long)v;
    return 0;
}

static int s_cmp_migration(const void *a, const void *b)
{
    const migration_t *x = a, *y = b;
    if (x->number != y->number) return x->number < y->number ? -1 : 1;
    return strcmp(x->file, y->file);
}

static void s_list_free(migration_list_t *list)
{
    for (size_t i = 0; i < list->n; i++) {
        free(list->items[i].file);
        free(list->items[i].version);
        free(list->items[i].applied);
    }
    free(list->items);
    memset(list, 0, sizeof *list);
}

static migration_t *s_list_add(migration_list_t *list)
{
    if (list->n == list->cap) {
        list->cap = list->cap ? list->cap * 2 : 16;
        list->items = club_realloc(list->items, list->cap * sizeof *list->items);
    }
    migration_t *m = &list->items[list->n++];
    memset(m, 0, sizeof *m);
    return m;
}

/* Reads the folder into a sorted list. Two files with one number are an error: the order
 * between them would be an accident of their names. */
static int s_scan(const char *dir, migration_list_t *list)
{
    DIR *d = opendir(dir);
    if (!d) {
        club_log(CLUB_ERROR, "migrate_dir",
                 "cannot open migrations folder %s: %s (give the right one with --dir DIR)", dir,
                 strerror(errno));
        return -1;
    }
    struct dirent *e;
    while ((e = readdir(d))) {
        long number;
        if (s_parse_name(e->d_name, &number) != 0) continue;
        migration_t *m = s_list_add(list);
        m->file = club_strdup(e->d_name);
        m->version = club_strndup(e->d_name, strlen(e->d_name) - 4);
        m->number = number;
    }
    closedir(d);
    qsort(list->items, list->n, sizeof *list->items, s_cmp_migration);
    for (size_t i = 1; i < list->n; i++) {
        if (list->items[i].number == list->items[i - 1].number) {
            club_log(CLUB_ERROR, "migrate_dup",
                     "%s and %s have the same number; renumber one of them",
                     list->items[i - 1].file, list->items[i].file);
            return -1;
        }
    }
    return 0;
}

static char *s_read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        club_log(CLUB_ERROR, "migrate_read", "cannot read %s: %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 8192, n = 0;
    char *buf = club_malloc(cap);
    size_t got;
    while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (cap - n - 1 == 0) {
            cap *= 2;
            buf = club_realloc(buf, cap);
        }
    }
    int err = ferror(f);
    fclose(f);
    if (err) {
        club_log(CLUB_ERROR, "migrate_read", "error reading %s", path);
        free(buf);
        return NULL;
    }
    buf[n] = 0;
    if (strlen(buf) != n) {
        club_log(CLUB_ERROR, "migrate_read", "%s contains a NUL byte; is it really SQL?", path);
        free(buf);
        return NULL;
    }
    return buf;
}

/* Runs one statement that returns no rows we need. Returns 0, or -1 after logging. */
static int s_exec(PGconn *conn, const char *sql, const char *what)
{
    PGresult *r = PQexec(conn, sql);
    ExecStatusType st = PQresultStatus(r);
    int ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
    if (!ok) club_log(CLUB_ERROR, "migrate_sql", "%s: %s", what, PQresultErrorMessage(r));
    PQclear(r);
    return ok ? 0 : -1;
}

/* The 1-based line and column of a 1-based character position in text. */
static void s_line_col(const char *text, long pos, long *line, long *col)
{
    *line = 1;
    *col = 1;
    for (long i = 1; i < pos && text[i - 1]; i++) {
        if (text[i - 1] == '\n') {
            ++*line;
            *col = 1;
        } else {
            ++*col;
        }
    }
}

/* Says where in the file a failed statement failed, with the server's hint when it has one. */
static void s_report_sql_error(const PGresult *r, const char *path, const char *text)
{
    const char *msg = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
    const char *detail = PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL);
    const char *hint = PQresultErrorField(r, PG_DIAG_MESSAGE_HINT);
    const char *pos = PQresultErrorField(r, PG_DIAG_STATEMENT_POSITION);
    const char *ctx = PQresultErrorField(r, PG_DIAG_CONTEXT);
    char where[64] = "";
    if (pos) {
        long line, col;
        s_line_col(text, strtol(pos, NULL, 10), &line, &col);
        snprintf(where, sizeof where, ":%ld:%ld", line, col);
    }
    club_log(CLUB_ERROR, "migrate_failed", "%s%s: %s%s%s%s%s%s%s; nothing of it was applied", path,
             where, msg ? msg : PQresultErrorMessage(r), detail ? " (" : "", detail ? detail : "",
             detail ? ")" : "", hint ? "; hint: " : "", hint ? hint : "",
             ctx ? "; in a function body, see the file" : "");
}

/* Applies one file: BEGIN; the file; its schema_migrations row; COMMIT. On any error the
 * transaction is rolled back and -1 returned. */
static int s_apply(PGconn *conn, const char *dir, const migration_t *m)
{
    size_t plen = strlen(dir) + strlen(m->file) + 2;
    char *path = club_malloc(plen);
    snprintf(path, plen, "%s/%s", dir, m->file);
    char *text = s_read_file(path);
    if (!text) {
        free(path);
        return -1;
    }
    printf("applying %s ... ", m->file);
    fflush(stdout);
    int64_t t0 = club_mono_ms();
    int rc = -1;
    if (s_exec(conn, "BEGIN", "BEGIN") != 0) goto done;

    PGresult *r = PQexec(conn, text);
    ExecStatusType st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_EMPTY_QUERY) {
        printf("failed\n");
        fflush(stdout);
        s_report_sql_error(r, path, text);
        PQclear(r);
        goto rollback;
    }
    PQclear(r);
    if (PQtransactionStatus(conn) != PQTRANS_INTRANS) {
        printf("failed\n");
        club_log(CLUB_ERROR, "migrate_txn",
                 "%s ended the transaction itself (COMMIT or ROLLBACK in the file?); migration "
                 "files must not contain transaction control. Check the schema by hand before "
                 "running club-migrate again.",
                 path);
        goto done;
    }

    const char *params[1] = {m->version};
    r = PQexecParams(conn, "INSERT INTO schema_migrations (version) VALUES ($1)", 1, NULL, params,
                     NULL, NULL, 0);
    st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK) {
        printf("failed\n");
        club_log(CLUB_ERROR, "migrate_record", "recording %s: %s", m->version,
                 PQresultErrorMessage(r));
        PQclear(r);
        goto rollback;
    }
    PQclear(r);
    if (s_exec(conn, "COMMIT", "COMMIT") != 0) {
        printf("failed\n");
        goto done;
    }
    printf("ok (%lld ms)\n", (long long)(club_mono_ms() - t0));
    rc = 0;
    goto done;

rollback:
    s_exec(conn, "ROLLBACK", "ROLLBACK");
done:
    fflush(stdout);
    free(text);
    free(path);
    return rc;
}

/* Marks list entries applied from schema_migrations and returns the versions recorded there
 * that have no file (printed by --status), or -1 on error. */
static int s_load_applied(PGconn *conn, migration_list_t *list, migration_list_t *orphans)
{
    PGresult *r = PQexec(conn, "SELECT version, to_char(applied_at AT TIME ZONE 'UTC', "
                               "'YYYY-MM-DD HH24:MI:SS') || 'Z' FROM schema_migrations "
                               "ORDER BY version");
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        club_log(CLUB_ERROR, "migrate_sql", "reading schema_migrations: %s",
                 PQresultErrorMessage(r));
        PQclear(r);
        return -1;
    }
    for (int i = 0; i < PQntuples(r); i++) {
        const char *v = PQgetvalue(r, i, 0);
        const char *at = PQgetvalue(r, i, 1);
        bool found = false;
        for (size_t j = 0; j < list->n; j++) {
            if (strcmp(list->items[j].version, v) == 0) {
                list->items[j].applied = club_strdup(at);
                found = true;
                break;
            }
        }
        if (!found) {
            migration_t *o = s_list_add(orphans);
            o->version = club_strdup(v);
            o->applied = club_strdup(at);
        }
    }
    PQclear(r);
    return 0;
}

static void s_print_status(const migration_list_t *list, const migration_list_t *orphans)
{
    size_t applied = 0, pending = 0;
    for (size_t i = 0; i < list->n; i++) {
        const migration_t *m = &list->items[i];
        if (m->applied) {
            applied++;
            printf("applied  %-40s %s\n", m->file, m->applied);
        } else {
            pending++;
            printf("pending  %s\n", m->file);
        }
    }
    for (size_t i = 0; i < orphans->n; i++)
        printf("applied  %-40s %s  (no such file in the folder)\n", orphans->items[i].version,
               orphans->items[i].applied);
    printf("%zu applied, %zu pending\n", applied + orphans->n, pending);
}

/* Pending migrations are applied in order; the first failure stops the run, since a later
 * file may depend on the one that failed. */
static int s_migrate(PGconn *conn, const char *dir, const migration_list_t *list)
{
    size_t done = 0, already = 0;
    int64_t t0 = club_mono_ms();
    for (size_t i = 0; i < list->n; i++) {
        if (list->items[i].applied) {
            already++;
            continue;
        }
        if (s_apply(conn, dir, &list->items[i]) != 0) {
            printf("stopped: %zu applied now, %zu pending; fix the file and run club-migrate "
                   "again\n",
                   done, list->n - already - done);
            return -1;
        }
        done++;
    }
    if (done == 0)
        printf("database %s is up to date (%zu migrations applied)\n", PQdb(conn), already);
    else
        printf("database %s migrated: %zu applied now, %zu before (%lld ms)\n", PQdb(conn), done,
               already, (long long)(club_mono_ms() - t0));
    return 0;
}

int main(int argc, char **argv)
{
    club_log_init("club-migrate");
    if (club_config_load() != 0) return 1;

    const char *dir = "migrations";
    bool status = false;
    static const struct option opts[] = {
        {"dir", required_argument, NULL, 'd'},
        {"status", no_argument, NULL, 's'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    int c;
    while ((c = getopt_long(argc, argv, "d:shV", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            dir = optarg;
            break;
        case 's':
            status = true;
            break;
        case 'h':
            s_usage(stdout);
            return 0;
        case 'V':
            printf("club-migrate %s\n", CLUB_VERSION);
            return 0;
        default:
            s_usage(stderr);
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "club-migrate: unexpected argument '%s'\n", argv[optind]);
        s_usage(stderr);
        return 2;
    }

    const char *conninfo = club_cfg_str("CLUB_PG", NULL);
    if (!conninfo) {
        club_log(CLUB_ERROR, "migrate_config",
                 "CLUB_PG is not set: export the Postgres conninfo, e.g. CLUB_PG='host=127.0.0.1 "
                 "port=5432 dbname=club user=club', or run ./club migrate, which sets it");
        return 1;
    }

    migration_list_t list = {0}, orphans = {0};
    int rc = 1;
    PGconn *conn = NULL;
    if (s_scan(dir, &list) != 0) goto out;

    conn = PQconnectdb(conninfo);
    if (PQstatus(conn) != CONNECTION_OK) {
        char errbuf[512];
        /* The conninfo may hold a password: name the server, not the string. */
        club_log(CLUB_ERROR, "migrate_connect",
                 "cannot connect to Postgres (CLUB_PG): %s -- is it running? (./club up starts "
                 "the local one; ./club status shows it)",
                 club_oneline(PQerrorMessage(conn), errbuf, sizeof errbuf));
        goto out;
    }
    if (s_exec(conn, "SET client_min_messages = warning", "session setup") != 0) goto out;

    PGresult *r = PQexec(conn, "SELECT pg_try_advisory_lock(" MIGRATE_LOCK_KEY ")");
    bool got = PQresultStatus(r) == PGRES_TUPLES_OK && PQgetvalue(r, 0, 0)[0] == 't';
    PQclear(r);
    if (!got) {
        printf("another club-migrate holds the lock on %s; waiting ...\n", PQdb(conn));
        fflush(stdout);
        if (s_exec(conn, "SELECT pg_advisory_lock(" MIGRATE_LOCK_KEY ")", "taking the lock") != 0)
            goto out;
    }
    if (s_exec(conn,
               "CREATE TABLE IF NOT EXISTS schema_migrations ("
               " version text PRIMARY KEY,"
               " applied_at timestamptz NOT NULL DEFAULT now())",
               "creating schema_migrations") != 0)
        goto out;
    if (s_load_applied(conn, &list, &orphans) != 0) goto out;

    if (status) {
        s_print_status(&list, &orphans);
        rc = 0;
    } else {
        if (list.n == 0) printf("no migration files (NNN_name.sql) in %s\n", dir);
        rc = s_migrate(conn, dir, &list) == 0 ? 0 : 1;
    }
    /* The session lock goes with the connection. */
out:
    if (conn) PQfinish(conn);
    s_list_free(&list);
    s_list_free(&orphans);
    return rc;
}
