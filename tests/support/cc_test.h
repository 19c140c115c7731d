/* cc_test: cmocka glue for the integration tests (include instead of cmocka.h).
 *
 * The CC_* macros fail the running test with the offending message printed, so a failure
 * says what the server answered, not only which line failed. They call cmocka's fail(), so
 * use them on the test's own thread only (worker threads record, the main thread asserts). */
#ifndef CLUB_CC_TEST_H
#define CLUB_CC_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "club_client.h"

/* Fails with a formatted message (cmocka's fail_msg adds file:line through fail()). */
#define CC_FAIL(...)                                                                               \
    do {                                                                                           \
        print_error("FAIL %s:%d: ", __FILE__, __LINE__);                                           \
        print_error(__VA_ARGS__);                                                                  \
        print_error("\n");                                                                         \
        fail();                                                                                    \
    } while (0)

#define CC_CHECK(cond, ...)                                                                        \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            print_error("FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);                            \
            print_error(__VA_ARGS__);                                                              \
            print_error("\n");                                                                     \
            fail();                                                                                \
        }                                                                                          \
    } while (0)

/* Evaluates to the reply, which must be ok. */
#define CC_OK(expr)                                                                                \
    ({                                                                                             \
        cc_msg_t *cc_m_ = (expr);                                                                  \
        if (!cc_ok(cc_m_)) CC_FAIL("%s: expected ok, got %s", #expr, cc_describe(cc_m_));          \
        cc_m_;                                                                                     \
    })

/* Evaluates to the reply, which must be an error with this code. */
#define CC_ERR(expr, code)                                                                         \
    ({                                                                                             \
        cc_msg_t *cc_m_ = (expr);                                                                  \
        if (!cc_m_ || cc_ok(cc_m_) || strcmp(cc_err(cc_m_), (code)) != 0)                          \
            CC_FAIL("%s: expected error %s, got %s", #expr, (code), cc_describe(cc_m_));           \
        cc_m_;                                                                                     \
    })

#define CC_EQ(a, b)                                                                                \
    do {                                                                                           \
        int64_t cc_a_ = (int64_t)(a), cc_b_ = (int64_t)(b);                                        \
        if (cc_a_ != cc_b_)                                                                        \
            CC_FAIL("%s == %lld, expected %s == %lld", #a, (long long)cc_a_, #b,                   \
                    (long long)cc_b_);                                                             \
    } while (0)

#define CC_STREQ(a, b)                                                                             \
    do {                                                                                           \
        const char *cc_a_ = (a), *cc_b_ = (b);                                                     \
        if (!cc_a_ || !cc_b_ || strcmp(cc_a_, cc_b_) != 0)                                         \
            CC_FAIL("%s == \"%s\", expected \"%s\"", #a, cc_a_ ? cc_a_ : "(null)",                 \
                    cc_b_ ? cc_b_ : "(null)");                                                     \
    } while (0)

#define CC_CONNECT()                                                                               \
    ({                                                                                             \
        cc_t *cc_c_ = cc_connect();                                                                \
        if (!cc_c_) CC_FAIL("cannot connect: %s", cc_last_error());                                \
        cc_c_;                                                                                     \
    })

/* A fresh user of `rank` on a new connection (authenticated). */
#define CC_NEW_USER(rank, u)                                                                       \
    ({                                                                                             \
        cc_t *cc_c_ = cc_new_user((rank), (u));                                                    \
        if (!cc_c_) CC_FAIL("cannot register a %s user: %s", (rank), cc_last_error());             \
        cc_c_;                                                                                     \
    })

/* A new connection authenticated as u with auth.token. */
#define CC_CONNECT_AS(u)                                                                           \
    ({                                                                                             \
        cc_t *cc_c_ = cc_connect_as(u);                                                            \
        if (!cc_c_) CC_FAIL("cannot connect as %s: %s", (u)->username, cc_last_error());           \
        cc_c_;                                                                                     \
    })

#define CC_LEDGER_OK(user_id)                                                                      \
    do {                                                                                           \
        char cc_why_[512];                                                                         \
        if (cc_ledger_check((user_id), cc_why_, sizeof cc_why_) != 0)                              \
            CC_FAIL("ledger invariant broken: %s", cc_why_);                                       \
    } while (0)

/* wallet.balance coins of the connection's user (the call must succeed). */
#define CC_COINS(c) cc_int(CC_OK(cc_call((c), "wallet.balance", NULL, NULL)), "coins")

/* Runs one SQL statement (printf-style) on the stack's database: 0, or -1 after printing
 * why. For setting up and removing faults; tests read with cc_pg_i64 / cc_pg_text. */
int cc_pg_exec(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#define CC_SQL(...) CC_CHECK(cc_pg_exec(__VA_ARGS__) == 0, "SQL failed (see above)")
/* How many of the stack's processes have a pid file starting with prefix ("actor-wallet-"). */
int cc_count_procs(const char *prefix);
/* How long ago the supervisor (re)started process `name` (its pid file's age), or -1. */
int64_t cc_proc_age_ms(const char *name);

/* A worker SIGKILLed by a test: its pid file's name and the pid it had. */
typedef struct {
    char name[64];
    pid_t pid;
} cc_worker_t;
/* SIGKILLs every worker of the domain ($CLUB_TEST_RUN/actor-DOMAIN-*.pid); returns how many. */
int cc_kill_workers(const char *domain, cc_worker_t *killed, int cap);
/* Waits until the supervisor has replaced each killed worker: 0, or -1 with why. */
int cc_wait_back(const cc_worker_t *killed, int n, char *why, size_t cap);
#define CC_WAIT_BACK(killed, n)                                                                    \
    do {                                                                                           \
        char cc_why_[160];                                                                         \
        if (cc_wait_back((killed), (n), cc_why_, sizeof cc_why_) != 0) CC_FAIL("%s", cc_why_);     \
    } while (0)

/* The main of every integration test program: fails (never skips) without the stack. */
#define CC_MAIN(tests)                                                                             \
    int main(void)                                                                                 \
    {                                                                                              \
        if (cc_env_check() != 0) return 1;                                                         \
        return cmocka_run_group_tests(tests, NULL, NULL);                                          \
    }

#endif
