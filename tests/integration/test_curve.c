/* The internal sockets are CURVE-authenticated: a process without one of the stack's
 * certificates gets nothing routed by the broker, one with the edge's certificate is served,
 * and a request marked internal from it (an edge pretending to be a worker) is refused. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <czmq.h>

#include "cc_test.h"
#include "msg.h"
#include "wire.h"

/* A DEALER to the broker's front end; with `cert`, as that certificate's holder. */
static zsock_t *s_dealer(const char *cert)
{
    const char *front = getenv("CLUB_BROKER_FRONT"), *dir = getenv("CLUB_CURVE_DIR");
    CC_CHECK(front && dir, "CLUB_BROKER_FRONT and CLUB_CURVE_DIR must be set by ./club test");
    zsock_t *s = zsock_new(ZMQ_DEALER);
    zsock_set_linger(s, 0);
    zsock_set_rcvtimeo(s, 1500);
    if (cert) {
        char path[1200];
        snprintf(path, sizeof path, "%s/%s_secret", dir, cert);
        zcert_t *mine = zcert_load(path);
        snprintf(path, sizeof path, "%s/broker", dir);
        zcert_t *broker = zcert_load(path);
        CC_CHECK(mine && broker, "cannot read the certificates in %s", dir);
        zcert_apply(mine, s);
        zsock_set_curve_serverkey(s, zcert_public_txt(broker));
        zcert_destroy(&mine);
        zcert_destroy(&broker);
    }
    CC_CHECK(zsock_connect(s, "%s", front) == 0, "cannot connect to %s", front);
    return s;
}

/* Sends one request {rid, op} to domain and returns the reply's header status (0 = a body),
 * or -1 when nothing came back. */
static int s_ask(zsock_t *s, const char *domain, const char *op, unsigned flags, uint64_t user)
{
    club_hdr_t h = {
        .kind = CLUB_K_REQ, .flags = (uint8_t)flags, .rid = 7, .corr = 99, .user = user};
    uint8_t hb[CLUB_HDR_SIZE];
    club_hdr_encode(&h, hb);
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    msgpack_pack_map(&pk, 2);
    club_pk_kv_int(&pk, "rid", 7);
    club_pk_kv_str(&pk, "op", op);
    zmsg_t *m = zmsg_new();
    zmsg_addmem(m, hb, sizeof hb);
    zmsg_addstr(m, domain);
    zmsg_addmem(m, sb.data, sb.size);
    zmsg_addmem(m, "", 0);
    zmsg_send(&m, s);
    msgpack_sbuffer_destroy(&sb);
    zmsg_t *r = zmsg_recv(s);
    if (!r) return -1;
    zframe_t *f = zmsg_first(r);
    club_hdr_t rh;
    int st = f && club_hdr_decode(zframe_data(f), zframe_size(f), &rh) == 0 ? rh.status : -1;
    zmsg_destroy(&r);
    return st;
}

static void test_only_key_holders_are_routed(void **state)
{
    zsock_t *none = s_dealer(NULL);
    CC_EQ(s_ask(none, "sys", "sys.ping", 0, 0), -1); /* no handshake, nothing routed */
    zsock_destroy(&none);

    zsock_t *edge = s_dealer("edge");
    CC_EQ(s_ask(edge, "sys", "sys.ping", 0, 0), 0);
    /* wallet.settle is internal: from the edge's certificate it is refused at the broker. */
    CC_EQ(s_ask(edge, "wallet", "wallet.settle", CLUB_F_INTERNAL, 1), CLUB_E_FORBIDDEN);
    zsock_destroy(&edge);

    /* A worker's certificate gets it through to the wallet (which refuses the empty args). */
    zsock_t *worker = s_dealer("worker");
    CC_EQ(s_ask(worker, "wallet", "wallet.settle", CLUB_F_INTERNAL, 1), 0);
    zsock_destroy(&worker);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_only_key_holders_are_routed),
};

CC_MAIN(tests)
