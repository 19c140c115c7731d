/* The banner file reader: the JSON of gacha.banner read into exactly the banner the
 * migration seeds, escapes decoded, unknown keys skipped, and every malformed or incomplete
 * file refused with the line and the field named. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "bannerfile.h"
#include "gacha_fixture.h"

/* neon_katana as gacha.banner returns it, with a field this reader does not know. */
static const char s_neon[] =
    "{\"id\": \"neon_katana\", \"name\": \"Neon Katana Rising\",\n"
    " \"cost\": {\"currency\": \"coins\", \"amount\": 100},\n"
    " \"rates\": [{\"rarity\": \"LEGENDARY\", \"probability\": 6000},\n"
    "           {\"rarity\": \"EPIC\", \"probability\": 51000},\n"
    "           {\"rarity\": \"RARE\", \"probability\": 250000},\n"
    "           {\"rarity\": \"COMMON\", \"probability\": 693000}],\n"
    " \"pity\": {\"soft\": 74, \"hard\": 90, \"step\": 60000},\n"
    " \"featured\": {\"item_id\": 101, \"name\": \"Neon Katana\"},\n"
    " \"pools\": {\n"
    "  \"LEGENDARY\": [{\"item_id\": 101, \"name\": \"Neon Katana\"},\n"
    "                {\"item_id\": 102, \"name\": \"Chrome Dragon\"},\n"
    "                {\"item_id\": 103, \"name\": \"Quantum Crown\"},\n"
    "                {\"item_id\": 104, \"name\": \"Void Phoenix\"}],\n"
    "  \"EPIC\": [{\"item_id\": 201, \"name\": \"Holo Visor\"}, {\"item_id\": 202, \"name\": "
    "\"Plasma Gauntlets\"},\n"
    "   {\"item_id\": 203, \"name\": \"Circuit Wings\"}, {\"item_id\": 204, \"name\": \"Data "
    "Serpent\"},\n"
    "   {\"item_id\": 205, \"name\": \"Laser Lotus\"}, {\"item_id\": 206, \"name\": \"Cyber "
    "Fox\"},\n"
    "   {\"item_id\": 207, \"name\": \"Glitch Mask\"}, {\"item_id\": 208, \"name\": \"Ion "
    "Blade\"},\n"
    "   {\"item_id\": 209, \"name\": \"Pulse Jacket\"}],\n"
    "  \"RARE\": [{\"item_id\": 301, \"name\": \"Neon Sneakers\"}, {\"item_id\": 302, \"name\": "
    "\"Static Cat\"},\n"
    "   {\"item_id\": 303, \"name\": \"Pixel Shades\"}, {\"item_id\": 304, \"name\": \"Bass "
    "Cannon\"},\n"
    "   {\"item_id\": 305, \"name\": \"Hover Board\"}, {\"item_id\": 306, \"name\": \"Jade "
    "Chip\"},\n"
    "   {\"item_id\": 307, \"name\": \"Ember Drone\"}, {\"item_id\": 308, \"name\": \"Frost "
    "Deck\"},\n"
    "   {\"item_id\": 309, \"name\": \"Solar Pin\"}],\n"
    "  \"COMMON\": [{\"item_id\": 401, \"name\": \"Copper Token\"}, {\"item_id\": 402, \"name\": "
    "\"Glow Stick\"},\n"
    "   {\"item_id\": 403, \"name\": \"Spare Cable\"}, {\"item_id\": 404, \"name\": \"Arcade "
    "Ticket\"},\n"
    "   {\"item_id\": 405, \"name\": \"Street Noodles\"}, {\"item_id\": 406, \"name\": \"Tin "
    "Robot\"},\n"
    "   {\"item_id\": 407, \"name\": \"Foil Sticker\"}, {\"item_id\": 408, \"name\": \"Retro "
    "Cassette\"},\n"
    "   {\"item_id\": 409, \"name\": \"Bit Charm\"}]},\n"
    " \"effective\": {\"rarity\": \"LEGENDARY\", \"probability\": 16052},\n"
    " \"sort\": 1, \"extra\": [null, true, false, -0.5e3, {\"x\": []}],\n"
    " \"version\": 1}\n";

static void s_same_banner(const gacha_banner_t *a, const gacha_banner_t *b)
{
    assert_string_equal(a->id, b->id);
    assert_string_equal(a->name, b->name);
    assert_int_equal(a->version, b->version);
    assert_string_equal(a->cost_currency, b->cost_currency);
    assert_int_equal(a->cost, b->cost);
    assert_int_equal(a->nrar, b->nrar);
    assert_int_equal(a->featured, b->featured);
    assert_int_equal(a->soft, b->soft);
    assert_int_equal(a->hard, b->hard);
    assert_int_equal(a->step, b->step);
    for (int i = 0; i < a->nrar; i++) {
        assert_string_equal(a->rar[i].name, b->rar[i].name);
        assert_int_equal(a->rar[i].probability, b->rar[i].probability);
        assert_int_equal(a->rar[i].n, b->rar[i].n);
        for (uint32_t j = 0; j < a->rar[i].n; j++) {
            assert_int_equal(a->rar[i].items[j].id, b->rar[i].items[j].id);
            assert_string_equal(a->rar[i].items[j].name, b->rar[i].items[j].name);
        }
    }
}

static void test_reads_the_seeded_banner(void **state)
{
    (void)state;
    gacha_banner_t got, want;
    int64_t eff;
    char err[256] = "";
    assert_int_equal(gacha_banner_from_json(s_neon, strlen(s_neon), &got, &eff, err, sizeof err),
                     0);
    gf_neon_katana(&want);
    s_same_banner(&got, &want);
    assert_int_equal(eff, 16052);
    gacha_banner_free(&got);

    /* a saved reply's data: {"banner": {...}} */
    size_t n = strlen(s_neon) + 16;
    char *wrapped = malloc(n);
    snprintf(wrapped, n, "{\"banner\": %s}", s_neon);
    assert_int_equal(gacha_banner_from_json(wrapped, strlen(wrapped), &got, &eff, err, sizeof err),
                     0);
    s_same_banner(&got, &want);
    free(wrapped);
    gacha_banner_free(&got);
    gacha_banner_free(&want);
}

/* A minimal two-rarity banner with the name and top pool given, for the cases below. */
static int s_small(const char *name, const char *top, const char *tail, gacha_banner_t *b,
                   char *err, size_t errlen)
{
    char text[2048];
    snprintf(text, sizeof text,
             "{\"id\": \"b1\", \"name\": %s, \"cost\": {\"currency\": \"gems\", \"amount\": 5},\n"
             "\"rates\": [{\"rarity\": \"TOP\", \"probability\": 10000},\n"
             "{\"rarity\": \"LOW\", \"probability\": 990000}],\n"
             "\"pity\": {\"soft\": 5, \"hard\": 10, \"step\": 1000},\n"
             "\"pools\": {\"TOP\": %s, \"LOW\": [{\"item_id\": 9, \"name\": \"n\"}]},\n"
             "\"version\": 2%s}",
             name, top, tail);
    int64_t eff;
    return gacha_banner_from_json(text, strlen(text), b, &eff, err, errlen);
}

static void test_escapes_and_no_featured(void **state)
{
    (void)state;
    gacha_banner_t b;
    char err[256] = "";
    assert_int_equal(s_small("\"N\\u00e9on \\ud83d\\ude00 \\\"x\\\"\\t/\\/\"",
                             "[{\"item_id\": 1, \"name\": \"a\"}]", ", \"featured\": null", &b, err,
                             sizeof err),
                     0);
    assert_string_equal(b.name, "N\xc3\xa9on \xf0\x9f\x98\x80 \"x\"\t//");
    assert_int_equal(b.featured, 0);
    assert_int_equal(b.version, 2);
    assert_string_equal(b.cost_currency, "gems");
    gacha_banner_free(&b);
}

static void s_refused(const char *name, const char *top, const char *tail, const char *fragment)
{
    gacha_banner_t b;
    char err[256] = "";
    assert_int_equal(s_small(name, top, tail, &b, err, sizeof err), -1);
    if (!strstr(err, fragment)) print_error("'%s' lacks '%s'\n", err, fragment);
    assert_non_null(strstr(err, fragment));
    /* refused banners are left freed and zeroed */
    assert_int_equal(b.nrar, 0);
    assert_null(b.rar[0].items);
}

/* A top pool of two items. */
#define TOP2 "[{\"item_id\": 1, \"name\": \"a\"}, {\"item_id\": 2, \"name\": \"b\"}]"

static void test_refusals(void **state)
{
    (void)state;
    /* {name, top pool, tail, what the refusal says}: syntax first, then fields */
    const char *cases[][4] = {
        {"\"x\"", TOP2, ",", "line 6: expected a key in quotes"},
        {"\"x\"", TOP2, ", \"version\": 3", "the key \"version\" appears twice"},
        {"\"x\"", TOP2, "} trailing", "text after the banner object"},
        {"\"x\ny\"", TOP2, "", "control character inside a string"},
        {"\"\\ud83d\"", TOP2, "", "surrogate without its pair"},
        {"\"\\u0000\"", TOP2, "", "not UTF-8 text (or holds \\u0000)"},
        {"\"\\q\"", TOP2, "", "unknown escape \\q"},
        {"\"\xff\"", TOP2, "", "not UTF-8 text"},
        {"\"x\"", TOP2, ", \"deep\": [[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]", "nested too deep"},
        {"\"x\"", TOP2, ", \"n\": 012", "a malformed number"},
        {"\"x\"", TOP2, ", \"n\": tru", "expected a value"},
        {"\"\"", TOP2, "", "banner.name must be a string of 1 to 63 bytes"},
        {"7", TOP2, "", "line 1: banner.name must be a string"},
        {"\"x\"", "[{\"item_id\": 1.0, \"name\": \"a\"}]", "",
         "line 5: pools.TOP[0].item_id must be a whole number"},
        {"\"x\"", "[{\"item_id\": 99999999999999999999, \"name\": \"a\"}]", "",
         "an integer out of range"},
        {"\"x\"", "[]", "", "pools.TOP must be a list of 1 to 100000 items"},
        {"\"x\"", TOP2, ", \"featured\": {\"item_id\": 2, \"name\": \"z\"}",
         "featured.name \"z\" differs from the TOP pool's \"b\""},
        {"\"x\"", TOP2, ", \"featured\": {\"item_id\": 7, \"name\": \"z\"}",
         "the featured item 7 must be listed once in the TOP pool"},
        {"\"x\"", TOP2, ", \"effective\": {\"rarity\": \"LOW\", \"probability\": 1}",
         "effective.rarity must be the top rarity TOP"},
        {"\"x\"", "{}", "", "pools.TOP must be a list"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        s_refused(cases[i][0], cases[i][1], cases[i][2], cases[i][3]);

    /* whole-file shapes the template cannot make */
    gacha_banner_t b;
    int64_t eff;
    char err[256] = "";
    const char *files[][2] = {
        {"[1]", "the file must hold a banner object"},
        {"{\"id\": \"b 1\", \"name\": \"x\"}", "banner.id must be of [A-Za-z0-9_]"},
        {"{\"id\": \"b\", \"name\": \"x\", \"version\": 1, \"cost\": {\"currency\": \"gold\", "
         "\"amount\": 1}}",
         "cost.currency must be coins or gems"},
        {"{\"id\": \"b\", \"name\": \"x\", \"version\": 1, \"cost\": {\"currency\": \"gems\", "
         "\"amount\": 1}, \"pity\": {\"soft\": 1, \"hard\": 2, \"step\": 0}, \"rates\": "
         "[{\"rarity\": \"A\", \"probability\": 1}, {\"rarity\": \"A\", \"probability\": 2}]}",
         "the rarity A is listed twice"},
        {"{\"id\": \"b\", \"name\": \"x\", \"version\": 1, \"cost\": {\"currency\": \"gems\", "
         "\"amount\": 1}, \"pity\": {\"soft\": 1, \"hard\": 2, \"step\": 0}, \"rates\": "
         "[{\"rarity\": \"A\", \"probability\": 1}, {\"rarity\": \"B\", \"probability\": 2}], "
         "\"pools\": {\"A\": [{\"item_id\": 1, \"name\": \"a\"}], \"C\": []}}",
         "pools.C names a rarity that banner.rates does not"},
        {"{\"id\": \"b\", \"name\": \"x\", \"version\": 1, \"cost\": {\"currency\": \"gems\", "
         "\"amount\": 1}, \"pity\": {\"soft\": 1, \"hard\": 2, \"step\": 0}, \"rates\": "
         "[{\"rarity\": \"A\", \"probability\": 1}, {\"rarity\": \"B\", \"probability\": 2}], "
         "\"pools\": {\"A\": [{\"item_id\": 1, \"name\": \"a\"}]}}",
         "pools has no list for the rarity B"},
        {"{\"id\": \"b\", \"name\": \"x\", \"version\": 1, \"cost\": {\"currency\": \"gems\", "
         "\"amount\": 1}, \"pity\": {\"soft\": 1, \"hard\": 2, \"step\": 0}, \"rates\": "
         "[{\"rarity\": \"A\", \"probability\": 1}, {\"rarity\": \"B\", \"probability\": 2}], "
         "\"pools\": {\"A\": [{\"item_id\": 1, \"name\": \"a\"}], \"B\": [{\"item_id\": 2, "
         "\"name\": \"b\"}]}}",
         "the probabilities sum to 3 parts per million"},
        {"", "line 1: the text ends where a value should be"},
    };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        assert_int_equal(
            gacha_banner_from_json(files[i][0], strlen(files[i][0]), &b, &eff, err, sizeof err),
            -1);
        if (!strstr(err, files[i][1])) print_error("'%s' lacks '%s'\n", err, files[i][1]);
        assert_non_null(strstr(err, files[i][1]));
    }
}

static void test_reads_a_file(void **state)
{
    (void)state;
    char path[] = "/tmp/club-bannerfile-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *fp = fdopen(fd, "w");
    fputs(s_neon, fp);
    fclose(fp);
    gacha_banner_t b;
    int64_t eff;
    char err[256] = "";
    assert_int_equal(gacha_banner_read_file(path, &b, &eff, err, sizeof err), 0);
    assert_int_equal(b.rar[3].n, 9);
    gacha_banner_free(&b);
    unlink(path);
    assert_int_equal(gacha_banner_read_file(path, &b, &eff, err, sizeof err), -1);
    assert_non_null(strstr(err, "cannot open /tmp/club-bannerfile-"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reads_the_seeded_banner),
        cmocka_unit_test(test_escapes_and_no_featured),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_reads_a_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
