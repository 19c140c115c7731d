/* club-edge: players' WebSockets in, the broker's DEALER/SUB out, in one lws loop.
 * See edge.h for how the files split the work and docs/PROTOCOL.md for what clients see. */
#include <arpa/inet.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "curve.h"
#include "edge.h"
#include "log.h"
#include "util.h"

#ifndef CLUB_VERSION
#define CLUB_VERSION "dev"
#endif

edge_cfg_t edge_cfg;

static volatile sig_atomic_t s_stop;
static struct lws_context *s_ctx;

static const char s_help[] =
    "usage: club-edge [--port N] [--help] [--version]\n"
    "\n"
    "The Casino-Club edge: WebSocket clients at /ws (subprotocol club.v1), /healthz,\n"
    "/metrics and the web client's static files, bridged to the broker over ZeroMQ.\n"
    "\n"
    "  --port N     listen on port N (overrides CLUB_HTTP_PORT; 0 picks a free port)\n"
    "  --help       this text\n"
    "  --version    print the version\n"
    "\n"
    "Environment (a CLUB_CONFIG file of KEY=VALUE lines may set the same keys; the\n"
    "environment wins over the file, flags win over both). Default in brackets.\n"
    "  CLUB_CONFIG            config file to read first [none]\n"
    "  CLUB_LOG_LEVEL         debug | info | warn | error [info]\n"
    "  CLUB_HTTP_PORT         HTTP and WebSocket port [8080]\n"
    "  CLUB_HTTP_HOST         address to bind [0.0.0.0, every interface]\n"
    "  CLUB_STATIC_DIR        web client files served at / [<exe dir>/../../frontend/dist or\n"
    "                         <exe dir>/../frontend/dist if one exists; else / says the web\n"
    "                         client is not built]\n"
    "  CLUB_ADMIN_DIR         admin console files served at /admin [admin/dist found the\n"
    "                         same way; else none]\n"
    "  CLUB_BROKER_FRONT      broker request endpoint, DEALER connects [" CLUB_DEF_BROKER_FRONT
    "]\n"
    "  CLUB_EVENTS_OUT        broker event endpoint, SUB connects [" CLUB_DEF_EVENTS_OUT "]\n"
    "  CLUB_RATE_PER_SEC      requests per second per connection [200]\n"
    "  CLUB_RATE_BURST        burst allowance per connection [400]\n"
    "  CLUB_REQ_TIMEOUT_MS    reply deadline, then UNAVAILABLE [5000]\n"
    "  CLUB_SEND_QUEUE        frames queued per connection before it is closed [1024]\n"
    "  CLUB_SEND_QUEUE_BYTES  bytes queued per connection before it is closed [4194304]\n"
    "  CLUB_TLS_CERT          PEM certificate; with CLUB_TLS_KEY the edge serves https/wss\n"
    "  CLUB_TLS_KEY           PEM private key [none]\n"
    "\n"
    "SIGTERM or SIGINT: /healthz answers 503 and new upgrades are refused; the requests in\n"
    "flight get their replies (up to 2 s; new ones get UNAVAILABLE); then every connection\n"
    "closes with 1001 (going away), and what a client sends after that is not read: it\n"
    "sends it again once reconnected. A second signal stops at once.\n";

static void s_on_signal(int sig)
{
    (void)sig;
    s_stop = s_stop ? 2 : 1; /* a second signal skips the drain */
    if (s_ctx) lws_cancel_service(s_ctx);
}

/* lws's own log lines, as our JSON lines. */
static void s_lws_log(int level, const char *line)
{
    char buf[512];
    size_t n = strlen(line);
    if (n >= sizeof buf) n = sizeof buf - 1;
    memcpy(buf, line, n);
    while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
        n--;
    buf[n] = 0;
    club_log(level == LLL_ERR    ? CLUB_ERROR
             : level == LLL_WARN ? CLUB_WARN
                                 : CLUB_INFO,
             "lws", "%s", buf);
}

static bool s_is_dir(const char *p)
{
    struct stat st;
    return p && stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* <dir of the executable>/../../rel, or <dir>/../rel, when it is a directory; else NULL.
 * Returned string is malloc'd and lives for the process. */
static char *s_default_dir(const char *rel)
{
    char exe[PATH_MAX], cand[PATH_MAX + 64], real[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) return NULL;
    exe[n] = 0;
    char *slash = strrchr(exe, '/');
    if (!slash) return NULL;
    *slash = 0;
    static const char *ups[] = {"../..", ".."};
    for (size_t i = 0; i < CLUB_ARRAY_LEN(ups); i++) {
        snprintf(cand, sizeof cand, "%s/%s/%s", exe, ups[i], rel);
        if (s_is_dir(cand) && realpath(cand, real)) return club_strdup(real);
    }
    return NULL;
}

static const char *s_dir_setting(const char *key, const char *rel)
{
    const char *v = club_cfg_str(key, NULL);
    if (!v) return s_default_dir(rel);
    if (!s_is_dir(v)) {
        club_log(CLUB_WARN, "config", "%s=%s is not a directory; not serving it", key, v);
        return NULL;
    }
    return v;
}

static int64_t s_clamp(const char *key, int64_t def, int64_t lo, int64_t hi)
{
    int64_t v = club_cfg_int(key, def);
    if (v < lo || v > hi) {
        club_log(CLUB_WARN, "config", "%s=%lld is outside %lld..%lld; using %lld", key,
                 (long long)v, (long long)lo, (long long)hi, (long long)def);
        return def;
    }
    return v;
}

static void s_read_config(void)
{
    edge_cfg.port = (int)s_clamp("CLUB_HTTP_PORT", 8080, 0, 65535);
    const char *host = club_cfg_str("CLUB_HTTP_HOST", "0.0.0.0");
    edge_cfg.host = (!strcmp(host, "0.0.0.0") || !strcmp(host, "*")) ? NULL : host;
    edge_cfg.static_dir = s_dir_setting("CLUB_STATIC_DIR", "frontend/dist");
    edge_cfg.admin_dir = s_dir_setting("CLUB_ADMIN_DIR", "admin/dist");
    edge_cfg.broker_front = club_cfg_str("CLUB_BROKER_FRONT", CLUB_DEF_BROKER_FRONT);
    edge_cfg.events_out = club_cfg_str("CLUB_EVENTS_OUT", CLUB_DEF_EVENTS_OUT);
    edge_cfg.rate_per_sec = s_clamp("CLUB_RATE_PER_SEC", 200, 1, 1000000);
    edge_cfg.rate_burst = s_clamp("CLUB_RATE_BURST", 400, 1, 1000000);
    edge_cfg.req_timeout_ms = s_clamp("CLUB_REQ_TIMEOUT_MS", 5000, 1, 600000);
    edge_cfg.send_queue_frames = (uint32_t)s_clamp("CLUB_SEND_QUEUE", 1024, 1, 1 << 20);
    edge_cfg.send_queue_bytes =
        (uint64_t)s_clamp("CLUB_SEND_QUEUE_BYTES", 4 << 20, 65536, (int64_t)1 << 30);
}

/* Protocols: club.v1 first, so clients naming no subprotocol get it too (lws falls back to
 * the vhost's first protocol) and it also receives the vhost's plain HTTP callbacks. */
static struct lws_protocols s_protocols[] = {
    {"club.v1", edge_ws_callback, 0, 0, 0, NULL, 0},
    {"http", edge_http_callback, 0, 0, 0, NULL, 0},
    {"zmq-bridge", edge_bridge_callback, 0, 0, 0, NULL, 0},
    {NULL, NULL, 0, 0, 0, NULL, 0},
};

/* Idle policy: a PING after 20 s without a valid PONG, hang up at 60 s. */
static const lws_retry_bo_t s_idle = {
    .secs_since_valid_ping = 20,
    .secs_since_valid_hangup = 60,
};

static struct lws_http_mount s_mnt_metrics = {
    .mountpoint = "/metrics",
    .protocol = "http",
    .origin_protocol = LWSMPRO_CALLBACK,
    .mountpoint_len = 8,
};
static struct lws_http_mount s_mnt_healthz = {
    .mount_next = &s_mnt_metrics,
    .mountpoint = "/healthz",
    .protocol = "http",
    .origin_protocol = LWSMPRO_CALLBACK,
    .mountpoint_len = 8,
};
static struct lws_http_mount s_mnt_admin = {
    .mountpoint = "/admin",
    .def = "index.html",
    .origin_protocol = LWSMPRO_FILE,
    .mountpoint_len = 6,
};
static struct lws_http_mount s_mnt_root = {
    .mount_next = &s_mnt_healthz,
    .mountpoint = "/",
    .mountpoint_len = 1,
};

static void s_setup_mounts(void)
{
    if (edge_cfg.static_dir) {
        s_mnt_root.origin = edge_cfg.static_dir;
        s_mnt_root.def = "index.html";
        s_mnt_root.origin_protocol = LWSMPRO_FILE;
    } else {
        s_mnt_root.protocol = "http";
        s_mnt_root.origin_protocol = LWSMPRO_CALLBACK;
    }
    if (edge_cfg.admin_dir) {
        s_mnt_admin.origin = edge_cfg.admin_dir;
        s_mnt_metrics.mount_next = &s_mnt_admin;
    }
}

/* Stopping without cutting anyone off mid-request. From the signal on, /healthz answers 503
 * (a load balancer sends new players elsewhere) and new WebSocket upgrades are refused (the
 * client retries, by then on another edge or on this one restarted). lws 4.1's
 * lws_context_deprecate(), which would close the listening socket, reads the socket's wsi
 * after freeing it and crashes, so the port stays open until exit. For DRAIN_READ_MS the
 * edge goes on reading, so requests already on the wire when the signal came are read and
 * answered (UNAVAILABLE from now on). It waits, up to DRAIN_REPLIES_MS in all, for the
 * replies to the requests it had forwarded. Then every connection closes with 1001 (going
 * away), so clients reconnect at once instead of waiting to notice a dead TCP connection.
 * The bridge's 250 ms safety timer wakes lws_service, so the deadlines hold when nothing
 * arrives. */
#define DRAIN_READ_MS    250
#define DRAIN_REPLIES_MS 2000
#define DRAIN_CLOSE_MS   1000

static void s_service_until(bool (*done)(void), int64_t min_ms, int64_t max_ms)
{
    int64_t start = club_mono_ms();
    for (;;) {
        int64_t t = club_mono_ms() - start;
        if (s_stop != 1 || t >= max_ms || (t >= min_ms && done())) return;
        if (lws_service(s_ctx, 0) < 0) return;
        edge_bridge_after_service();
    }
}

static bool s_replied(void)
{
    return edge_bridge_pending() == 0;
}

static bool s_all_closed(void)
{
    return edge_ws_open() == 0;
}

static void s_drain(void)
{
    edge_ws_drain();
    s_service_until(s_replied, DRAIN_READ_MS, DRAIN_REPLIES_MS);
    edge_ws_going_away();
    s_service_until(s_all_closed, 0, DRAIN_CLOSE_MS);
    club_log(CLUB_INFO, "edge_drained", "connections=%d pending=%zu left for the exit to cut",
             edge_ws_open(), edge_bridge_pending());
}

int main(int argc, char **argv)
{
    club_log_init("club-edge");
    const char *port_flag = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(s_help, stdout);
            return 0;
        } else if (!strcmp(argv[i], "--version")) {
            printf("club-edge %s\n", CLUB_VERSION);
            return 0;
        } else if (!strcmp(argv[i], "--port") && i + 1 < argc) {
            port_flag = argv[++i];
        } else if (!strncmp(argv[i], "--port=", 7)) {
            port_flag = argv[i] + 7;
        } else {
            fprintf(stderr, "club-edge: unknown argument '%s' (see --help)\n", argv[i]);
            return 2;
        }
    }
    if (club_config_load() != 0) return 1;
    if (port_flag) {
        int64_t p;
        if (club_parse_i64(port_flag, &p) != 0 || p < 0 || p > 65535) {
            fprintf(stderr, "club-edge: --port wants 0..65535, not '%s'\n", port_flag);
            return 2;
        }
        club_config_set("CLUB_HTTP_PORT", port_flag);
    }
    s_read_config();
    if (club_curve_init(CLUB_ROLE_EDGE) != 0) return 1;

    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = s_on_signal;
    sa.sa_mask = stop_signals; /* one handler at a time, so a second signal always counts */
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    /* lws warns about things any client can cause (a refused upgrade); only at debug. */
    const char *lvl = club_cfg_str("CLUB_LOG_LEVEL", "info");
    lws_set_log_level(LLL_ERR | (!strcasecmp(lvl, "debug") ? LLL_WARN | LLL_NOTICE : 0), s_lws_log);
    edge_ws_init();
    s_protocols[0].per_session_data_size = edge_conn_size();
    /* lws keeps one rx buffer of this size per connection: small keeps idle connections
     * cheap; bigger messages arrive in pieces and are gathered in ws.c. */
    s_protocols[0].rx_buffer_size = 2048;
    /* Whole frames in one send() instead of rx_buffer_size slices. */
    s_protocols[0].tx_packet_size = CLUB_MAX_FRAME + 64;
    s_protocols[1].per_session_data_size = edge_http_pss_size();
    s_setup_mounts();

    const char *cert = club_cfg_str("CLUB_TLS_CERT", NULL);
    const char *key = club_cfg_str("CLUB_TLS_KEY", NULL);
    bool tls = cert && key;

    struct lws_context_creation_info info;
    memset(&info, 0, sizeof info);
    info.options = LWS_SERVER_OPTION_EXPLICIT_VHOSTS;
    if (tls) info.options |= LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
    s_ctx = lws_create_context(&info);
    if (!s_ctx) {
        club_log(CLUB_ERROR, "edge_start", "cannot create the lws context");
        return 1;
    }
    info.vhost_name = "club";
    info.port = edge_cfg.port;
    info.iface = edge_cfg.host;
    /* lws 4.1 binds every address when given an IPv4 literal on an IPv6-enabled vhost; an
     * IPv4 host needs the IPv4 path to bind only that address. */
    struct in_addr a4;
    if (edge_cfg.host && inet_pton(AF_INET, edge_cfg.host, &a4) == 1)
        info.options |= LWS_SERVER_OPTION_DISABLE_IPV6;
    info.protocols = s_protocols;
    info.mounts = &s_mnt_root;
    info.retry_and_idle_policy = &s_idle;
    if (tls) {
        info.ssl_cert_filepath = cert;
        info.ssl_private_key_filepath = key;
        info.alpn = "http/1.1"; /* no h2: WebSockets stay plain RFC 6455 upgrades */
    }
    struct lws_vhost *vh = lws_create_vhost(s_ctx, &info);
    if (!vh) {
        club_log(CLUB_ERROR, "edge_start", "cannot listen on %s:%d",
                 edge_cfg.host ? edge_cfg.host : "*", edge_cfg.port);
        lws_context_destroy(s_ctx);
        return 1;
    }
    if (edge_bridge_init(s_ctx, vh) != 0) {
        club_log(CLUB_ERROR, "edge_start", "cannot set up the broker sockets");
        lws_context_destroy(s_ctx);
        return 1;
    }
    club_log(CLUB_INFO, "edge_listening", "port=%d host=%s tls=%s static=%s broker=%s events=%s",
             lws_get_vhost_listen_port(vh), edge_cfg.host ? edge_cfg.host : "*", tls ? "on" : "off",
             edge_cfg.static_dir ? edge_cfg.static_dir : "(none)", edge_cfg.broker_front,
             edge_cfg.events_out);

    while (!s_stop) {
        if (lws_service(s_ctx, 0) < 0) break;
        edge_bridge_after_service();
    }

    club_log(CLUB_INFO, "edge_stopping", "signal=%s connections=%d pending=%zu",
             s_stop ? "yes" : "no", edge_ws_open(), edge_bridge_pending());
    if (s_stop == 1) s_drain();
    edge_bridge_stop();
    sigprocmask(SIG_BLOCK, &stop_signals, NULL); /* no handler while the context is freed */
    lws_context_destroy(s_ctx); /* closes every connection; they unsubscribe on the way */
    s_ctx = NULL;
    edge_bridge_destroy();
    edge_ws_destroy();
    club_curve_fini();
    return 0;
}
