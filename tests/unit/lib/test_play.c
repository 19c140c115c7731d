/* lib/play: what a round's settle carries. The idem is the client's when it sent one and
 * `round:<id>` otherwise (so a settle sent again after a lost answer is applied once), the
 * request hash tells a retry from a different request, the round id is the published
 * SHA-256 prefix, and the round fact holds what games_round_sink stores. The queueing and
 * resending are exercised over WebSockets by the integration tests (games, gacha, crash). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "club_client.h"
#include "msg.h"
#include "play.h"
#include "util.h"

typedef struct {
    msgpack_sbuffer sb;
    msgpack_unpacked up;
    club_call_t call;
    club_play_user_t u;
    club_play_round_t r;
} fixture_t;

/* A call of op with args (a msgpack map packed here) and idem, as the runtime parses it. */
static void s_setup(fixture_t *f, const char *op, const char *idem)
{
    memset(f, 0, sizeof *f);
    msgpack_sbuffer_init(&f->sb);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &f->sb, msgpack_sbuffer_write);
    msgpack_pack_map(&pk, 2);
    club_pk_kv_str(&pk, "banner_id", "neon_katana");
    club_pk_kv_int(&pk, "count", 10);
    msgpack_unpacked_init(&f->up);
    assert_int_equal(msgpack_unpack_next(&f->up, f->sb.data, f->sb.size, NULL),
                     MSGPACK_UNPACK_SUCCESS);
    f->call.req.op = op;
    f->call.req.op_len = strlen(op);
    f->call.req.args = &f->up.data;
    f->call.req.idem = idem;
    f->call.req.idem_len = idem ? strlen(idem) : 0;
    f->u.user = 42;
    f->u.seed_id = 7;
    f->u.next_nonce = 3;
    snprintf(f->u.seed_hash, sizeof f->u.seed_hash, "%064d", 0);
    snprintf(f->u.client_seed, sizeof f->u.client_seed, "mine");
    f->r.u = &f->u;
    f->r.call = &f->call;
    msgpack_sbuffer_init(&f->r.body);
}

static void s_teardown(fixture_t *f)
{
    msgpack_unpacked_destroy(&f->up);
    msgpack_sbuffer_destroy(&f->sb);
    msgpack_sbuffer_destroy(&f->r.body);
}

/* The settle's args map, after club_play_settle_begin plus one pair of the caller's. */
static msgpack_unpacked s_settle_args(fixture_t *f, const char *derived, const msgpack_object **a)
{
    msgpack_packer pk = club_play_settle_begin(&f->r, derived, 1);
    club_pk_kv_str(&pk, "ref", "x");
    msgpack_unpacked up;
    msgpack_unpacked_init(&up);
    assert_int_equal(msgpack_unpack_next(&up, f->r.body.data, f->r.body.size, NULL),
                     MSGPACK_UNPACK_SUCCESS);
    assert_true(club_mp_streq(club_mp_get(&up.data, "op"), "wallet.settle"));
    *a = club_mp_get(&up.data, "args");
    assert_non_null(*a);
    return up;
}

static void test_derived_idem_when_the_client_sent_none(void **state)
{
    (void)state;
    fixture_t f;
    s_setup(&f, "gacha.pull", NULL);
    const msgpack_object *a;
    msgpack_unpacked up = s_settle_args(&f, "round:abc", &a);
    assert_int_equal(a->via.map.size, 5); /* user, idem, op, req_hash + the caller's one */
    assert_true(club_mp_streq(club_mp_get(a, "idem"), "round:abc"));
    assert_true(club_mp_streq(club_mp_get(a, "op"), "gacha.pull"));
    int64_t user = 0;
    assert_true(club_mp_i64(club_mp_get(a, "user"), &user));
    assert_int_equal(user, 42);
    const msgpack_object *h = club_mp_get(a, "req_hash");
    assert_int_equal(h->type, MSGPACK_OBJECT_BIN);
    uint8_t want[32];
    club_call_hash(&f.call, want);
    assert_memory_equal(h->via.bin.ptr, want, 32);
    msgpack_unpacked_destroy(&up);
    s_teardown(&f);
}

static void test_client_idem_wins_and_the_hash_tells_requests_apart(void **state)
{
    (void)state;
    fixture_t f, g;
    s_setup(&f, "gacha.pull", "pull-1");
    s_setup(&g, "shop.buy", "pull-1");
    const msgpack_object *a;
    msgpack_unpacked up = s_settle_args(&f, "round:abc", &a);
    assert_true(club_mp_streq(club_mp_get(a, "idem"), "pull-1"));
    uint8_t hf[32], hg[32];
    club_call_hash(&f.call, hf);
    club_call_hash(&g.call, hg);
    assert_memory_not_equal(hf, hg, 32); /* same args, another op */
    msgpack_unpacked_destroy(&up);
    s_teardown(&f);
    s_teardown(&g);
}

static void test_round_id_and_fact(void **state)
{
    (void)state;
    fixture_t f;
    s_setup(&f, "slot.spin", NULL);
    char id[17], want[65], buf[96];
    club_play_round_id(&f.u, 3, id);
    snprintf(buf, sizeof buf, "%s:3", f.u.seed_hash);
    cc_sha256_hex(buf, want);
    assert_int_equal(strlen(id), 16);
    assert_memory_equal(id, want, 16);

    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    club_play_pack_round_fact(&pk, &f.u, id, "gacha", 1000, 0);
    msgpack_unpacked up;
    msgpack_unpacked_init(&up);
    assert_int_equal(msgpack_unpack_next(&up, sb.data, sb.size, NULL), MSGPACK_UNPACK_SUCCESS);
    assert_true(club_mp_streq(club_mp_get(&up.data, "kind"), "round"));
    assert_true(club_mp_streq(club_mp_get(&up.data, "ref"), id));
    const msgpack_object *d = club_mp_get(&up.data, "data");
    int64_t v = 0;
    assert_true(club_mp_streq(club_mp_get(d, "game"), "gacha"));
    assert_true(club_mp_i64(club_mp_get(d, "seed_id"), &v) && v == 7);
    assert_true(club_mp_i64(club_mp_get(d, "nonce"), &v) && v == 3);
    assert_true(club_mp_i64(club_mp_get(d, "bet"), &v) && v == 1000);
    assert_true(club_mp_i64(club_mp_get(d, "win"), &v) && v == 0);
    msgpack_unpacked_destroy(&up);
    msgpack_sbuffer_destroy(&sb);
    s_teardown(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_derived_idem_when_the_client_sent_none),
        cmocka_unit_test(test_client_idem_wins_and_the_hash_tells_requests_apart),
        cmocka_unit_test(test_round_id_and_fact),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
