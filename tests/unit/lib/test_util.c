/* lib/util: club_text_ok, the check every client string passes before it can reach Postgres
 * as text (club_mp_strcpy, the idem in club_req_parse). Postgres refuses NUL and anything
 * that is not well-formed UTF-8; letting such a string through turns a player's bad request
 * into a database error in the middle of a batch. The cases follow RFC 3629 and Markus Kuhn's
 * UTF-8 decoder stress test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "util.h"

typedef struct {
    const char *what;
    const char *s;
    size_t n;
} s_case_t;

#define S_CASE(what, lit)                                                                          \
    {                                                                                              \
        what, lit, sizeof lit - 1                                                                  \
    }

static void s_expect(const s_case_t *cases, size_t n, bool want)
{
    for (size_t i = 0; i < n; i++)
        if (club_text_ok(cases[i].s, cases[i].n) != want)
            fail_msg("%s (%zu bytes): club_text_ok should be %s", cases[i].what, cases[i].n,
                     want ? "true" : "false");
}

static void test_valid_text(void **state)
{
    (void)state;
    static const s_case_t ok[] = {
        S_CASE("empty", ""),
        S_CASE("ASCII", "plain ascii, punctuation !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"),
        S_CASE("control characters other than NUL", "\x01\t\n\r\x1f\x7f"),
        S_CASE("U+0080, the first 2-byte", "\xc2\x80"),
        S_CASE("U+00E9 in a word", "\xc3\xa9t\xc3\xa9"),
        S_CASE("U+07FF, the last 2-byte", "\xdf\xbf"),
        S_CASE("U+0800, the first 3-byte", "\xe0\xa0\x80"),
        S_CASE("U+20AC euro sign", "\xe2\x82\xac"),
        S_CASE("U+D7FF, just below the surrogates", "\xed\x9f\xbf"),
        S_CASE("U+E000, just above the surrogates", "\xee\x80\x80"),
        S_CASE("U+FEFF byte order mark", "\xef\xbb\xbf"),
        S_CASE("U+FFFD replacement character", "\xef\xbf\xbd"),
        S_CASE("U+FFFF, the last 3-byte (a noncharacter, still text)", "\xef\xbf\xbf"),
        S_CASE("U+10000, the first 4-byte", "\xf0\x90\x80\x80"),
        S_CASE("U+1F3B0 slot machine", "\xf0\x9f\x8e\xb0"),
        S_CASE("U+10FFFF, the last code point", "\xf4\x8f\xbf\xbf"),
        S_CASE("mixed widths", "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x8e\xb0z"),
        S_CASE("Greek", "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5"),
    };
    s_expect(ok, sizeof ok / sizeof ok[0], true);
}

static void test_nul_is_refused(void **state)
{
    (void)state;
    static const s_case_t bad[] = {
        S_CASE("NUL alone", "\0"),
        S_CASE("NUL first", "\0abc"),
        S_CASE("NUL inside", "ab\0cd"),
        S_CASE("NUL last", "abc\0"),
        S_CASE("NUL after a multi-byte character", "\xc3\xa9\0"),
    };
    s_expect(bad, sizeof bad / sizeof bad[0], false);
}

/* A code point in more bytes than it needs: the classic way to smuggle '/' or NUL past a
 * filter that looks for the short form. */
static void test_overlong_encodings_are_refused(void **state)
{
    (void)state;
    static const s_case_t bad[] = {
        S_CASE("'/' in 2 bytes", "\xc0\xaf"),
        S_CASE("NUL in 2 bytes (modified UTF-8)", "\xc0\x80"),
        S_CASE("U+007F in 2 bytes, the largest overlong 2-byte", "\xc1\xbf"),
        S_CASE("'/' in 3 bytes", "\xe0\x80\xaf"),
        S_CASE("NUL in 3 bytes", "\xe0\x80\x80"),
        S_CASE("U+07FF in 3 bytes, the largest overlong 3-byte", "\xe0\x9f\xbf"),
        S_CASE("'/' in 4 bytes", "\xf0\x80\x80\xaf"),
        S_CASE("NUL in 4 bytes", "\xf0\x80\x80\x80"),
        S_CASE("U+FFFF in 4 bytes, the largest overlong 4-byte", "\xf0\x8f\xbf\xbf"),
        S_CASE("overlong after good text", "ok \xc0\xaf"),
    };
    s_expect(bad, sizeof bad / sizeof bad[0], false);
}

/* U+D800..U+DFFF are UTF-16's surrogate halves, not characters: encoded on their own (CESU-8,
 * WTF-8) they are not UTF-8, and Postgres refuses them. */
static void test_surrogates_are_refused(void **state)
{
    (void)state;
    static const s_case_t bad[] = {
        S_CASE("U+D800, the first high surrogate", "\xed\xa0\x80"),
        S_CASE("U+DB7F", "\xed\xad\xbf"),
        S_CASE("U+DBFF, the last high surrogate", "\xed\xaf\xbf"),
        S_CASE("U+DC00, the first low surrogate", "\xed\xb0\x80"),
        S_CASE("U+DFFF, the last low surrogate", "\xed\xbf\xbf"),
        S_CASE("a surrogate pair for U+1F3B0 (CESU-8)", "\xed\xa0\xbc\xed\xbe\xb0"),
        S_CASE("a surrogate inside text", "abc\xed\xa0\x80xyz"),
    };
    s_expect(bad, sizeof bad / sizeof bad[0], false);
}

static void test_past_u10ffff_is_refused(void **state)
{
    (void)state;
    static const s_case_t bad[] = {
        S_CASE("U+110000", "\xf4\x90\x80\x80"),
        S_CASE("U+13FFFF", "\xf4\xbf\xbf\xbf"),
        S_CASE("F5 lead byte", "\xf5\x80\x80\x80"),
        S_CASE("U+1FFFFF, the largest 4-byte form", "\xf7\xbf\xbf\xbf"),
        S_CASE("5-byte form (F8)", "\xf8\x88\x80\x80\x80"),
        S_CASE("6-byte form (FC)", "\xfc\x84\x80\x80\x80\x80"),
        S_CASE("FE", "\xfe"),
        S_CASE("FF", "\xff"),
        S_CASE("FF FE (a UTF-16 byte order mark)", "\xff\xfe"),
    };
    s_expect(bad, sizeof bad / sizeof bad[0], false);
}

/* A sequence cut off by the end of the string, or by the next character: the decoder must
 * not read past n, nor take an ASCII byte as a continuation. */
static void test_truncated_sequences_are_refused(void **state)
{
    (void)state;
    static const s_case_t bad[] = {
        S_CASE("2-byte lead alone", "\xc3"),
        S_CASE("3-byte lead alone", "\xe2"),
        S_CASE("3-byte missing one", "\xe2\x82"),
        S_CASE("4-byte lead alone", "\xf0"),
        S_CASE("4-byte missing one", "\xf0\x9f\x8e"),
        S_CASE("4-byte missing two", "\xf0\x9f"),
        S_CASE("cut at the end of good text", "abc\xe2\x82"),
        S_CASE("cut by an ASCII byte", "\xe2\x82z"),
        S_CASE("cut by the next lead byte", "\xe2\x82\xc3\xa9"),
    };
    s_expect(bad, sizeof bad / sizeof bad[0], false);
    /* Only n bytes are read: a good character that n cuts in two is a truncated one, and bytes
     * past n (a NUL, a bad byte) do not count. */
    assert_false(club_text_ok("\xc3\xa9", 1));
    assert_false(club_text_ok("\xf0\x9f\x8e\xb0", 3));
    assert_true(club_text_ok("ab\xff", 2));
    assert_true(club_text_ok("ab\0", 2));
    assert_true(club_text_ok("\xc3\xa9\xc3", 2));
}

static void test_lone_continuation_bytes_are_refused(void **state)
{
    (void)state;
    static const s_case_t bad[] = {
        S_CASE("0x80 alone", "\x80"),
        S_CASE("0xBF alone", "\xbf"),
        S_CASE("continuation between ASCII", "a\x80z"),
        S_CASE("one continuation too many", "\xc3\xa9\xa9"),
        S_CASE("continuations only", "\x80\x81\x82\x83"),
        S_CASE("continuation first, then good text", "\x9f\xc3\xa9"),
    };
    s_expect(bad, sizeof bad / sizeof bad[0], false);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_text),
        cmocka_unit_test(test_nul_is_refused),
        cmocka_unit_test(test_overlong_encodings_are_refused),
        cmocka_unit_test(test_surrogates_are_refused),
        cmocka_unit_test(test_past_u10ffff_is_refused),
        cmocka_unit_test(test_truncated_sequences_are_refused),
        cmocka_unit_test(test_lone_continuation_bytes_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
