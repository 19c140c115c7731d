/* Wallet: welcome grant, history and its paging, daily bonus, idempotency, the ledger
 * invariants (PROTOCOL.md "Wallet", DESIGN.md "What must never be lost"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_test.h"

#define WELCOME 10000

/* The smallest bet slot.spin accepts for this user: bet.min rounded up to the paylines. */
static int64_t s_min_bet(cc_t *c)
{
    cc_msg_t *info = CC_OK(cc_call(c, "slot.info", NULL, NULL));
    int64_t lines = cc_len(info, "paylines"), min = cc_int(info, "bet.min");
    CC_CHECK(lines > 0 && min > 0, "%s", cc_describe(info));
    return (min + lines - 1) / lines * lines;
}

static void test_welcome_grant(void **state)
{
    cc_user_t u;
    cc_t *c = CC_NEW_USER("STANDARD", &u);
    cc_msg_t *r = CC_OK(cc_call(c, "wallet.balance", NULL, NULL));
    CC_EQ(cc_int(r, "coins"), WELCOME);
    CC_CHECK(cc_is_int(r, "gems") && cc_int(r, "gems") >= 0, "%s", cc_describe(r));

    r = CC_OK(cc_call(c, "wallet.history", NULL, "{limit: 10}"));
    CC_EQ(cc_len(r, "entries"), 1);
    CC_STREQ(cc_str(r, "entries[0].currency"), "coins");
    CC_EQ(cc_int(r, "entries[0].delta"), WELCOME);
    CC_EQ(cc_int(r, "entries[0].balance_after"), WELCOME);
    const char *reason = cc_str(r, "entries[0].reason");
    CC_CHECK(reason && strstr(reason, "welcome"), "reason: %s", cc_describe(r));
    CC_CHECK(cc_int(r, "entries[0].id") > 0, "%s", cc_describe(r));
    CC_CHECK(cc_has(r, "entries[0].at") && cc_has(r, "entries[0].ref"), "%s", cc_describe(r));
    CC_LEDGER_OK(u.id);
    cc_destroy(&c);
}

/* Fetches history pages of `limit` from the newest back and checks them against `all`. */
static void s_check_paging(cc_t *c, cc_msg_t *all, int limit)
{
    int n = cc_len(all, "entries"), seen = 0;
    int64_t before = 0;
    char path[64];
    for (int page = 0; page < 100; page++) {
        cc_msg_t *r = before ? CC_OK(cc_call(c, "wallet.history", NULL, "{limit: %d, before: %lld}",
                                             limit, (long long)before))
                             : CC_OK(cc_call(c, "wallet.history", NULL, "{limit: %d}", limit));
        int k = cc_len(r, "entries");
        CC_CHECK(k >= 0 && k <= limit, "page of %d with limit %d: %s", k, limit, cc_describe(r));
        CC_CHECK(k == limit || seen + k == n, "short page (%d) before the end (%d of %d)", k,
                 seen + k, n);
        for (int i = 0; i < k; i++) {
            snprintf(path, sizeof path, "entries[%d].id", i);
            int64_t id = cc_int(r, path);
            snprintf(path, sizeof path, "entries[%d].id", seen + i);
            CC_CHECK(seen + i < n && id == cc_int(all, path),
                     "page entry %d is id %lld, the full list has %lld there", seen + i,
                     (long long)id, (long long)cc_int(all, path));
            before = id;
        }
        seen += k;
        if (k < limit) break;
    }
    CC_EQ(seen, n);
    /* Before the oldest entry there is nothing. */
    cc_msg_t *r = CC_OK(
        cc_call(c, "wallet.history", NULL, "{limit: %d, before: %lld}", limit, (long long)before));
    CC_EQ(cc_len(r, "entries"), 0);
}

static void test_history_paging(void **state)
{
    cc_user_t u;
    cc_t *c = CC_NEW_USER("STANDARD", &u);
    CC_OK(cc_call(c, "wallet.daily_bonus", "hist-bonus", NULL));
    int64_t bet = s_min_bet(c);
    for (int i = 0; i < 6; i++) {
        char idem[32];
        snprintf(idem, sizeof idem, "hist-%d", i);
        CC_OK(cc_call_retry(c, "slot.spin", idem, "{bet: %lld}", (long long)bet));
    }
    int64_t coins = CC_COINS(c);

    cc_msg_t *all = CC_OK(cc_call(c, "wallet.history", NULL, "{limit: 100}"));
    int n = cc_len(all, "entries");
    int64_t in_db;
    CC_CHECK(
        cc_pg_i64(&in_db, "SELECT count(*) FROM ledger WHERE user_id = %lld", (long long)u.id) == 0,
        "%s", cc_last_error());
    CC_EQ(n, in_db); /* every entry of the user, fewer than 100 */
    CC_CHECK(n >= 3, "welcome + bonus + 6 rounds, yet only %d entries", n);

    /* Newest first, ids descending; each currency's balance_after chains to the next older. */
    char p[64];
    int64_t prev_id = INT64_MAX, next_coins = -1;
    int last_coins = -1;
    for (int i = 0; i < n; i++) {
        snprintf(p, sizeof p, "entries[%d].id", i);
        int64_t id = cc_int(all, p);
        CC_CHECK(id != CC_NO_INT && id < prev_id, "entry %d id %lld after %lld", i, (long long)id,
                 (long long)prev_id);
        prev_id = id;
        snprintf(p, sizeof p, "entries[%d].currency", i);
        const char *cur = cc_str(all, p);
        CC_CHECK(cur && (!strcmp(cur, "coins") || !strcmp(cur, "gems")), "%s", cc_describe(all));
        snprintf(p, sizeof p, "entries[%d].delta", i);
        int64_t delta = cc_int(all, p);
        snprintf(p, sizeof p, "entries[%d].balance_after", i);
        int64_t after = cc_int(all, p);
        CC_CHECK(delta != CC_NO_INT && after != CC_NO_INT && after >= 0, "entry %d: %s", i,
                 cc_describe(all));
        if (strcmp(cur, "coins") != 0) continue;
        if (last_coins < 0)
            CC_EQ(after, coins); /* the newest is the balance */
        else
            CC_EQ(after, next_coins);
        next_coins = after - delta; /* what the older entry must show */
        last_coins = i;
    }
    CC_EQ(next_coins, 0); /* the oldest coins entry started from nothing */

    s_check_paging(c, all, 3);
    s_check_paging(c, all, 1);
    s_check_paging(c, all, n);

    /* limit outside 1..100 is refused */
    const char *bad[] = {"{limit: 0}", "{limit: 101}", "{limit: -1}", "{limit: 'ten'}"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        cc_msg_t *r = cc_call(c, "wallet.history", NULL, "%s", bad[i]);
        CC_CHECK(r && !cc_ok(r) &&
                     (!strcmp(cc_err(r), "BAD_REQUEST") || !strcmp(cc_err(r), "LIMIT")),
                 "%s: %s", bad[i], cc_describe(r));
    }
    CC_LEDGER_OK(u.id);
    cc_destroy(&c);
}

static void test_daily_bonus(void **state)
{
    cc_user_t u;
    cc_t *c = CC_NEW_USER("STANDARD", &u);
    cc_t *c2 = CC_CONNECT_AS(&u);

    cc_msg_t *r = CC_OK(cc_call(c, "wallet.daily_bonus", NULL, NULL));
    CC_CHECK(cc_has(r, "granted"), "no granted: %s", cc_describe(r));
    int64_t coins = cc_int(r, "coins"), gems = cc_int(r, "gems");
    CC_CHECK(coins != CC_NO_INT && gems != CC_NO_INT, "%s", cc_describe(r));
    CC_CHECK(coins > WELCOME || gems > 0, "the bonus granted nothing: %s", cc_describe(r));
    cc_msg_t *b = CC_OK(cc_call(c, "wallet.balance", NULL, NULL));
    CC_EQ(cc_int(b, "coins"), coins);
    CC_EQ(cc_int(b, "gems"), gems);

    /* The other connection is told. */
    int64_t deadline = cc_mono_ms() + CC_TIMEOUT_MS;
    cc_msg_t *push = NULL;
    while (cc_mono_ms() < deadline) {
        push = cc_wait_push(c2, "wallet.balance", (int)(deadline - cc_mono_ms()));
        if (!push || (cc_int(push, "coins") == coins && cc_int(push, "gems") == gems)) break;
    }
    CC_CHECK(push && cc_int(push, "coins") == coins, "no wallet.balance push with coins %lld: %s",
             (long long)coins, cc_describe(push));

    /* Once per UTC day, from any connection. */
    CC_ERR(cc_call(c, "wallet.daily_bonus", NULL, NULL), "ALREADY_CLAIMED");
    CC_ERR(cc_call(c2, "wallet.daily_bonus", "another-key", NULL), "ALREADY_CLAIMED");
    b = CC_OK(cc_call(c2, "wallet.balance", NULL, NULL));
    CC_EQ(cc_int(b, "coins"), coins);
    CC_EQ(cc_int(b, "gems"), gems);
    CC_LEDGER_OK(u.id);
    /* The claim is a fact for other domains, written once with the grant (the outbox). */
    int64_t facts = -1, granted = -1;
    CC_CHECK(cc_pg_i64(&facts,
                       "SELECT count(*) FROM outbox WHERE user_id = %lld AND kind = "
                       "'daily_bonus'",
                       (long long)u.id) == 0,
             "cannot read the outbox");
    CC_EQ(facts, 1);
    CC_CHECK(cc_pg_i64(&granted,
                       "SELECT (data->>'coins')::bigint FROM outbox WHERE user_id = "
                       "%lld AND kind = 'daily_bonus'",
                       (long long)u.id) == 0,
             "cannot read the outbox");
    CC_EQ(granted, coins - WELCOME);
    cc_destroy(&c);
    cc_destroy(&c2);
}

static void test_daily_bonus_idempotent(void **state)
{
    cc_user_t u;
    cc_t *c = CC_NEW_USER("STANDARD", &u);

    /* Malformed keys are refused and apply nothing. */
    char longkey[66];
    memset(longkey, 'k', 65);
    longkey[65] = 0;
    CC_ERR(cc_call(c, "wallet.daily_bonus", longkey, NULL), "BAD_REQUEST");
    CC_ERR(cc_call(c, "wallet.daily_bonus", "", NULL), "BAD_REQUEST");
    CC_ERR(cc_call(c, "wallet.daily_bonus", "bad-\xff\xfe", NULL), "BAD_REQUEST"); /* not UTF-8 */
    CC_EQ(CC_COINS(c), WELCOME);

    char key[65];
    memset(key, 'q', 64); /* 64 is allowed */
    key[64] = 0;
    cc_msg_t *r1 = CC_OK(cc_call(c, "wallet.daily_bonus", key, NULL));
    int64_t coins = cc_int(r1, "coins");

    /* A retry, here and from another connection: the same bytes, applied once. */
    cc_msg_t *r2 = CC_OK(cc_call(c, "wallet.daily_bonus", key, NULL));
    cc_t *c2 = CC_CONNECT_AS(&u);
    cc_msg_t *r3 = CC_OK(cc_call(c2, "wallet.daily_bonus", key, NULL));
    size_t l1, l2, l3;
    const uint8_t *d1 = cc_data_raw(r1, &l1), *d2 = cc_data_raw(r2, &l2),
                  *d3 = cc_data_raw(r3, &l3);
    CC_CHECK(d1 && l1 == l2 && l1 == l3 && !memcmp(d1, d2, l1) && !memcmp(d1, d3, l1),
             "retries differ:\n  %s\n  %s\n  %s", cc_describe(r1), cc_describe(r2),
             cc_describe(r3));
    CC_EQ(CC_COINS(c2), coins);

    CC_ERR(cc_call(c2, "wallet.daily_bonus", "a-new-key", NULL), "ALREADY_CLAIMED");
    CC_EQ(CC_COINS(c2), coins);

    int64_t entries;
    CC_CHECK(cc_pg_i64(&entries, "SELECT count(*) FROM ledger WHERE user_id = %lld",
                       (long long)u.id) == 0,
             "%s", cc_last_error());
    cc_msg_t *h = CC_OK(cc_call(c, "wallet.history", NULL, "{limit: 100}"));
    CC_EQ(cc_len(h, "entries"), entries);
    CC_LEDGER_OK(u.id);
    cc_destroy(&c);
    cc_destroy(&c2);
}

/* Requests sent without waiting reach the wallet together and settle in one transaction, a
 * user's second and later requests in later statements of it. Whatever the split, the day is
 * granted once, a repeated key gets the first answer's bytes, and the rest are refused. */
static void test_daily_bonus_burst(void **state)
{
    enum { N = 12 };
    cc_user_t u;
    cc_t *c = CC_NEW_USER("PREMIUM", &u);
    uint32_t rid[N];
    for (int i = 0; i < N; i++) {
        char key[32];
        snprintf(key, sizeof key, "burst-%d", i % 2 ? i : 0); /* even ones share burst-0 */
        rid[i] = cc_send(c, "wallet.daily_bonus", key, NULL);
        CC_CHECK(rid[i] != 0, "send %d: %s", i, cc_last_error());
    }
    int granted = 0, refused = 0;
    cc_msg_t *first0 = NULL;
    for (int i = 0; i < N; i++) {
        cc_msg_t *m = cc_wait_reply(c, rid[i], CC_TIMEOUT_MS);
        CC_CHECK(m, "no reply to request %d", i);
        if (!cc_ok(m)) {
            CC_CHECK(!strcmp(cc_err(m), "ALREADY_CLAIMED"), "request %d: %s", i, cc_describe(m));
            refused++;
            continue;
        }
        if (i % 2 == 0) {
            /* burst-0: every answer the same bytes */
            if (!first0) {
                first0 = m;
                granted++;
            } else {
                size_t l1, l2;
                const uint8_t *d1 = cc_data_raw(first0, &l1), *d2 = cc_data_raw(m, &l2);
                CC_CHECK(l1 == l2 && !memcmp(d1, d2, l1), "burst-0 answers differ:\n  %s\n  %s",
                         cc_describe(first0), cc_describe(m));
            }
        } else {
            granted++;
        }
    }
    CC_EQ(granted, 1);
    /* burst-0 granted: its 5 repeats replay it and the 6 other keys are refused; another key
     * granted: everything else is refused (a refusal stores no key). */
    CC_EQ(refused, first0 ? N / 2 : N - 1);
    int64_t entries;
    CC_CHECK(
        cc_pg_i64(&entries,
                  "SELECT count(*) FROM ledger WHERE user_id = %lld AND reason = 'daily_bonus'",
                  (long long)u.id) == 0,
        "%s", cc_last_error());
    CC_EQ(entries, 2); /* PREMIUM: coins and gems, once */
    CC_LEDGER_OK(u.id);
    cc_destroy(&c);
}

static void test_ledger_invariant(void **state)
{
    /* Over everything every test so far (and any concurrent run) has done. */
    CC_LEDGER_OK(0);
    int64_t n;
    CC_CHECK(cc_pg_i64(&n, "SELECT count(*) FROM wallets w WHERE w.coins <> "
                           "(SELECT coalesce(sum(delta), 0) FROM ledger l "
                           " WHERE l.user_id = w.user_id AND l.currency = 'coins') OR w.gems <> "
                           "(SELECT coalesce(sum(delta), 0) FROM ledger l "
                           " WHERE l.user_id = w.user_id AND l.currency = 'gems')") == 0,
             "%s", cc_last_error());
    CC_CHECK(n == 0, "%lld wallets differ from their ledger sums", (long long)n);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_welcome_grant),     cmocka_unit_test(test_history_paging),
    cmocka_unit_test(test_daily_bonus),       cmocka_unit_test(test_daily_bonus_idempotent),
    cmocka_unit_test(test_daily_bonus_burst), cmocka_unit_test(test_ledger_invariant),
};

CC_MAIN(tests)
