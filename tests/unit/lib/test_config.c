/* lib/config: defaults < CLUB_CONFIG file < environment < flags, as README's Configuration
 * section promises an operator. Each test writes its own file under /tmp and sets and clears
 * its own CLUB_T_* variables, so the tests do not depend on their order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"
#include "log.h"

static char s_path[64];

/* Writes text to a fresh file and points CLUB_CONFIG at it. */
static void s_file(const char *text)
{
    snprintf(s_path, sizeof s_path, "/tmp/club-test-config.XXXXXX");
    int fd = mkstemp(s_path);
    assert_true(fd >= 0);
    size_t n = strlen(text);
    assert_int_equal(write(fd, text, n), (ssize_t)n);
    close(fd);
    setenv("CLUB_CONFIG", s_path, 1);
}

static int s_teardown(void **state)
{
    (void)state;
    if (s_path[0]) unlink(s_path);
    s_path[0] = '\0';
    unsetenv("CLUB_CONFIG");
    static const char *keys[] = {"CLUB_T_A", "CLUB_T_B", "CLUB_T_C", "CLUB_T_D",    "CLUB_T_E",
                                 "CLUB_T_F", "CLUB_T_G", "CLUB_T_H", "CLUB_T_TAIL", "CLUB_T_N"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        unsetenv(keys[i]);
    return 0;
}

static void test_defaults_without_file_or_environment(void **state)
{
    (void)state;
    assert_int_equal(club_config_load(), 0); /* no CLUB_CONFIG: nothing to read */
    assert_string_equal(club_cfg_str("CLUB_T_A", "dflt"), "dflt");
    assert_int_equal(club_cfg_int("CLUB_T_A", 17), 17);
    assert_null(club_cfg_str("CLUB_T_A", NULL));
    setenv("CLUB_CONFIG", "", 1); /* set but empty: the same as unset */
    assert_int_equal(club_config_load(), 0);
    assert_string_equal(club_cfg_str("CLUB_T_A", "dflt"), "dflt");
}

/* The file's syntax: # comments (also indented), blank lines, spaces around the key, the '='
 * and the value, CRLF line ends, and values that themselves hold '=' (a libpq conninfo). */
static void test_file_overrides_defaults(void **state)
{
    (void)state;
    s_file("# a comment\n"
           "\n"
           "   \t\n"
           "CLUB_T_A=from-file\n"
           "  # an indented comment: CLUB_T_B=comment\n"
           "  CLUB_T_B  =  spaced value  \n"
           "CLUB_T_C=crlf\r\n"
           "CLUB_T_D=host=127.0.0.1 port=5432 dbname=club\n"
           "CLUB_T_E=\n"
           "CLUB_T_F=last line without a newline");
    assert_int_equal(club_config_load(), 0);
    assert_string_equal(club_cfg_str("CLUB_T_A", "dflt"), "from-file");
    assert_string_equal(club_cfg_str("CLUB_T_B", "dflt"), "spaced value");
    assert_string_equal(club_cfg_str("CLUB_T_C", "dflt"), "crlf");
    assert_string_equal(club_cfg_str("CLUB_T_D", "dflt"), "host=127.0.0.1 port=5432 dbname=club");
    assert_string_equal(club_cfg_str("CLUB_T_E", "dflt"), "dflt"); /* empty: the default */
    assert_string_equal(club_cfg_str("CLUB_T_F", "dflt"), "last line without a newline");
    assert_string_equal(club_cfg_str("CLUB_T_G", "dflt"), "dflt"); /* not in the file */
}

static void test_environment_overrides_file(void **state)
{
    (void)state;
    s_file("CLUB_T_A=file\nCLUB_T_B=file\nCLUB_T_C=file\n");
    setenv("CLUB_T_A", "env", 1);
    /* An empty variable reads as unset everywhere, so it must not hide the file either. */
    setenv("CLUB_T_C", "", 1);
    assert_int_equal(club_config_load(), 0);
    assert_string_equal(club_cfg_str("CLUB_T_A", "dflt"), "env");
    assert_string_equal(club_cfg_str("CLUB_T_B", "dflt"), "file");
    assert_string_equal(club_cfg_str("CLUB_T_C", "dflt"), "file");
}

/* A process applies its flags with club_config_set after loading the file. */
static void test_flags_override_everything(void **state)
{
    (void)state;
    s_file("CLUB_T_A=file\nCLUB_T_B=file\nCLUB_T_N=1\n");
    setenv("CLUB_T_A", "env", 1);
    assert_int_equal(club_config_load(), 0);
    club_config_set("CLUB_T_A", "flag");
    club_config_set("CLUB_T_B", "flag");
    club_config_set("CLUB_T_C", "flag");
    club_config_set("CLUB_T_N", "9");
    assert_string_equal(club_cfg_str("CLUB_T_A", "dflt"), "flag");
    assert_string_equal(club_cfg_str("CLUB_T_B", "dflt"), "flag");
    assert_string_equal(club_cfg_str("CLUB_T_C", "dflt"), "flag");
    assert_int_equal(club_cfg_int("CLUB_T_N", 0), 9);
    /* Loading again (nothing does, but it must stay harmless) does not undo a flag. */
    assert_int_equal(club_config_load(), 0);
    assert_string_equal(club_cfg_str("CLUB_T_B", "dflt"), "flag");
}

static void test_missing_file_is_an_error(void **state)
{
    (void)state;
    setenv("CLUB_CONFIG", "/nonexistent/club-test/club.conf", 1);
    assert_int_equal(club_config_load(), -1);
    assert_string_equal(club_cfg_str("CLUB_T_A", "dflt"), "dflt");
    /* A folder cannot be read as a file either. */
    setenv("CLUB_CONFIG", "/tmp", 1);
    assert_int_equal(club_config_load(), -1);
}

/* Lines that are not KEY=VALUE are skipped (with a warning), and the lines after them are
 * still read. A line longer than the reader's buffer is skipped whole: its tail must not be
 * read as a line of its own. */
static void test_malformed_lines_are_skipped(void **state)
{
    (void)state;
    char text[4096];
    size_t n = 0;
    n += (size_t)snprintf(text + n, sizeof text - n,
                          "CLUB_T_A\n"
                          "=orphan value\n"
                          "  = \n"
                          "CLUB_T_B=after the bad lines\n"
                          "CLUB_T_C=");
    memset(text + n, 'x', 2000);
    n += 2000;
    n += (size_t)snprintf(text + n, sizeof text - n, " CLUB_T_TAIL=smuggled\nCLUB_T_D=ok\n");
    s_file(text);
    assert_int_equal(club_config_load(), 0);
    assert_string_equal(club_cfg_str("CLUB_T_A", "dflt"), "dflt");
    assert_string_equal(club_cfg_str("CLUB_T_B", "dflt"), "after the bad lines");
    assert_string_equal(club_cfg_str("CLUB_T_C", "dflt"), "dflt");
    assert_string_equal(club_cfg_str("CLUB_T_TAIL", "dflt"), "dflt");
    assert_string_equal(club_cfg_str("CLUB_T_D", "dflt"), "ok");
}

static void test_integers(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int64_t want; /* the default, 77, when the text is not a whole decimal int64 */
    } cases[] = {
        {"42", 42},
        {"-7", -7},
        {"0", 0},
        {"9223372036854775807", INT64_MAX},
        {"-9223372036854775808", INT64_MIN},
        {"12abc", 77},
        {"abc", 77},
        {"1.5", 77},
        {"0x10", 77},
        {"12 ", 77},
        {"9223372036854775808", 77},     /* one past INT64_MAX */
        {"-9223372036854775809", 77},    /* one past INT64_MIN */
        {"99999999999999999999999", 77}, /* far past */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        setenv("CLUB_T_N", cases[i].text, 1);
        int64_t got = club_cfg_int("CLUB_T_N", 77);
        if (got != cases[i].want)
            fail_msg("CLUB_T_N=\"%s\": got %lld, want %lld", cases[i].text, (long long)got,
                     (long long)cases[i].want);
    }
    unsetenv("CLUB_T_N");
    assert_int_equal(club_cfg_int("CLUB_T_N", 77), 77);
    setenv("CLUB_T_N", "", 1);
    assert_int_equal(club_cfg_int("CLUB_T_N", 77), 77);
    /* From the file, with the spaces the file allows around it. */
    s_file("CLUB_T_N = 8080 \n");
    unsetenv("CLUB_T_N");
    assert_int_equal(club_config_load(), 0);
    assert_int_equal(club_cfg_int("CLUB_T_N", 77), 8080);
}

int main(void)
{
    /* The warnings for the bad lines go to stderr as JSON lines; keep the test output short. */
    setenv("CLUB_LOG_LEVEL", "error", 1);
    club_log_init("test_config");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_defaults_without_file_or_environment, s_teardown),
        cmocka_unit_test_teardown(test_file_overrides_defaults, s_teardown),
        cmocka_unit_test_teardown(test_environment_overrides_file, s_teardown),
        cmocka_unit_test_teardown(test_flags_override_everything, s_teardown),
        cmocka_unit_test_teardown(test_missing_file_is_an_error, s_teardown),
        cmocka_unit_test_teardown(test_malformed_lines_are_skipped, s_teardown),
        cmocka_unit_test_teardown(test_integers, s_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
