#include "curve.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <czmq.h>

#include "config.h"
#include "log.h"

static const char *const s_names[] = {"broker", "edge", "worker"};

static struct {
    bool on;
    zcert_t *mine;   /* this process's certificate, with its secret */
    zcert_t *broker; /* the broker's public key */
    zcert_t *worker; /* the workers' public key (the broker tells workers by it) */
    zactor_t *auth;
    char dir[1024];
} S;

static zcert_t *s_load(const char *name, bool secret)
{
    char path[1100];
    snprintf(path, sizeof path, "%s/%s%s", S.dir, name, secret ? "_secret" : "");
    zcert_t *c = zcert_load(path);
    if (!c)
        club_log(CLUB_ERROR, "curve",
                 "cannot read the certificate %s (make the set with "
                 "club-tool keys DIR; ./club does at start)",
                 path);
    return c;
}

int club_curve_init(club_role_t role)
{
    const char *dir = club_cfg_str("CLUB_CURVE_DIR", NULL);
    if (!dir || !*dir || !strcmp(dir, "off")) {
        club_log(CLUB_WARN, "curve_off",
                 "CLUB_CURVE_DIR is not set: the internal sockets are neither authenticated "
                 "nor encrypted; ./club sets it");
        return 0;
    }
    snprintf(S.dir, sizeof S.dir, "%s", dir);
    S.mine = s_load(s_names[role], true);
    S.broker = role == CLUB_ROLE_BROKER ? NULL : s_load("broker", false);
    S.worker = role == CLUB_ROLE_BROKER ? s_load("worker", false) : NULL;
    if (!S.mine || (role != CLUB_ROLE_BROKER && !S.broker) ||
        (role == CLUB_ROLE_BROKER && !S.worker)) {
        club_curve_fini();
        return -1;
    }
    S.on = true;
    return 0;
}

bool club_curve_on(void)
{
    return S.on;
}

void club_curve_client(void *sock)
{
    if (!S.on) return;
    zcert_apply(S.mine, sock);
    zsock_set_curve_serverkey(sock, zcert_public_txt(S.broker));
}

void club_curve_server(void *sock)
{
    if (!S.on) return;
    if (!S.auth) {
        /* The allowed clients: the edge and worker certificates of the folder (zauth reads
         * the public key of every certificate file in it, and reloads it on change). */
        S.auth = zactor_new(zauth, NULL);
        char clients[1100];
        snprintf(clients, sizeof clients, "%s/clients", S.dir);
        zstr_sendx(S.auth, "CURVE", clients, NULL);
        zsock_wait(S.auth);
    }
    zcert_apply(S.mine, sock);
    zsock_set_curve_server(sock, 1);
    zsock_set_zap_domain(sock, "club");
}

const char *club_curve_worker_key(void)
{
    return S.on ? zcert_public_txt(S.worker) : NULL;
}

const char *club_curve_public(void)
{
    return S.on ? zcert_public_txt(S.mine) : NULL;
}

const char *club_curve_secret(void)
{
    return S.on ? zcert_secret_txt(S.mine) : NULL;
}

void club_curve_fini(void)
{
    zactor_destroy(&S.auth);
    zcert_destroy(&S.mine);
    zcert_destroy(&S.broker);
    zcert_destroy(&S.worker);
    S.on = false;
}

int club_curve_generate(const char *dir)
{
    char sub[1100];
    snprintf(sub, sizeof sub, "%s/clients", dir);
    if ((mkdir(dir, 0700) != 0 && errno != EEXIST) || (mkdir(sub, 0700) != 0 && errno != EEXIST)) {
        fprintf(stderr, "keys: cannot create %s: %s\n", sub, strerror(errno));
        return -1;
    }
    for (int i = 0; i < 3; i++) {
        zcert_t *c = zcert_new();
        char path[1200];
        snprintf(path, sizeof path, "%s/%s", dir, s_names[i]);
        zcert_set_meta(c, "name", "%s", s_names[i]);
        int rc = zcert_save(c, path);
        /* The broker admits the clients whose public certificates are in clients/. */
        if (rc == 0 && i != CLUB_ROLE_BROKER) {
            snprintf(path, sizeof path, "%s/clients/%s", dir, s_names[i]);
            rc = zcert_save_public(c, path);
        }
        zcert_destroy(&c);
        if (rc != 0) {
            fprintf(stderr, "keys: cannot write %s\n", path);
            return -1;
        }
    }
    return 0;
}
