/* lib/db: club_db_pack_rows turns a result into a reply's list, each column as its declared
 * type (an integer column an integer, never a string), on a result built with libpq itself. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "db.h"
#include "msg.h"

static PGresult *s_result(int rows, const char *const (*v)[3])
{
    PGresult *r = PQmakeEmptyPGresult(NULL, PGRES_TUPLES_OK);
    PGresAttDesc att[3];
    memset(att, 0, sizeof att);
    const char *names[] = {"id", "name", "read"};
    for (int i = 0; i < 3; i++) {
        att[i].name = (char *)names[i];
        att[i].format = 0;
    }
    assert_int_equal(PQsetResultAttrs(r, 3, att), 1);
    for (int i = 0; i < rows; i++)
        for (int c = 0; c < 3; c++)
            assert_int_equal(PQsetvalue(r, i, c, (char *)v[i][c], (int)strlen(v[i][c])), 1);
    return r;
}

static void test_rows_as_typed_maps(void **state)
{
    (void)state;
    static const char *const rows[2][3] = {{"9007199254740993", "Neon Katana", "t"},
                                           {"-4", "Tin \"Robot\"", "f"}};
    PGresult *r = s_result(2, rows);
    static const club_db_col_t cols[] = {
        {"item_id", CLUB_COL_INT}, {"name", CLUB_COL_STR}, {"featured", CLUB_COL_BOOL}};
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    club_db_pack_rows(&pk, r, cols, 3);
    msgpack_unpacked up;
    msgpack_unpacked_init(&up);
    assert_int_equal(msgpack_unpack_next(&up, sb.data, sb.size, NULL), MSGPACK_UNPACK_SUCCESS);
    assert_int_equal(up.data.type, MSGPACK_OBJECT_ARRAY);
    assert_int_equal(up.data.via.array.size, 2);
    const msgpack_object *a = &up.data.via.array.ptr[0], *b = &up.data.via.array.ptr[1];
    int64_t v = 0;
    assert_true(club_mp_i64(club_mp_get(a, "item_id"), &v));
    assert_true(v == 9007199254740993LL); /* past a double's exact range */
    assert_true(club_mp_streq(club_mp_get(a, "name"), "Neon Katana"));
    assert_int_equal(club_mp_get(a, "featured")->type, MSGPACK_OBJECT_BOOLEAN);
    assert_true(club_mp_get(a, "featured")->via.boolean);
    assert_true(club_mp_i64(club_mp_get(b, "item_id"), &v) && v == -4);
    assert_true(club_mp_streq(club_mp_get(b, "name"), "Tin \"Robot\""));
    assert_false(club_mp_get(b, "featured")->via.boolean);
    msgpack_unpacked_destroy(&up);
    msgpack_sbuffer_destroy(&sb);
    PQclear(r);
}

static void test_no_rows_is_an_empty_list(void **state)
{
    (void)state;
    PGresult *r = s_result(0, NULL);
    static const club_db_col_t cols[] = {
        {"item_id", CLUB_COL_INT}, {"name", CLUB_COL_STR}, {"featured", CLUB_COL_BOOL}};
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    msgpack_packer pk;
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    club_db_pack_rows(&pk, r, cols, 3);
    assert_int_equal(sb.size, 1);
    assert_int_equal((uint8_t)sb.data[0], 0x90); /* fixarray of 0 */
    msgpack_sbuffer_destroy(&sb);
    PQclear(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows_as_typed_maps),
        cmocka_unit_test(test_no_rows_is_an_empty_list),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
