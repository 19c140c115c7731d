/* Crash safety: the wallet worker is SIGKILLed (four times) while a player spins; retrying
 * with the same idem must give every spin exactly one result, and money and rounds must add up
 * (PROTOCOL.md "Idempotency", DESIGN.md "What must never be lost"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_test.h"

#define WELCOME     10000
#define SPINS       200
#define MAX_WORKERS 16
#define KILLS       4
static const int KILL_AT[KILLS] = {40, 80, 120, 160};

static void test_wallet_killed_mid_run(void **state)
{
    cc_user_t u;
    cc_t *c = CC_NEW_USER("STANDARD", &u);
    cc_msg_t *info = CC_OK(cc_call(c, "slot.info", NULL, NULL));
    int64_t lines = cc_len(info, "paylines"), min = cc_int(info, "bet.min");
    CC_CHECK(lines > 0 && min > 0, "%s", cc_describe(info));
    int64_t bet = (min + lines - 1) / lines * lines;

    static struct {
        int64_t win, nonce, coins;
        uint8_t *data;
        size_t len;
    } res[SPINS];
    cc_worker_t killed[MAX_WORKERS];
    int nkilled = 0, kills = 0, unavailable = 0, lost = 0;
    int64_t lat_sum = 0, lat_n = 0; /* microseconds of undisturbed spins */
    int64_t t0 = cc_mono_ms();

    for (int i = 0; i < SPINS; i++) {
        char idem[32];
        snprintf(idem, sizeof idem, "crash-%d", i);
        int64_t deadline = cc_mono_ms() + 60000;
        for (int attempt = 0;; attempt++) {
            CC_CHECK(cc_mono_ms() < deadline, "spin %d got no ok result in 60 s (%d attempts)", i,
                     attempt);
            if (!c) {
                c = cc_connect_as(&u);
                if (!c) {
                    cc_sleep_ms(200);
                    continue;
                }
            }
            int64_t sent = cc_mono_us();
            uint32_t rid = cc_send(c, "slot.spin", idem, "{bet: %lld}", (long long)bet);
            int at = -1;
            for (int k = 0; k < KILLS; k++)
                if (i == KILL_AT[k]) at = k;
            if (rid && attempt == 0 && at >= 0) {
                /* Kills land at different points of a spin's round trip: as the request
                 * leaves, and at fractions of the typical latency measured so far, so some hit
                 * the wallet before, during and after its commit. */
                if (nkilled) CC_WAIT_BACK(killed, nkilled);
                int64_t delay = lat_n ? lat_sum / lat_n * at / KILLS : 0;
                while (cc_mono_us() - sent < delay) {
                }
                nkilled = cc_kill_workers("wallet", killed, MAX_WORKERS);
                CC_CHECK(nkilled > 0, "no wallet worker to kill in %s", cc_env()->run);
                kills++;
            }
            cc_msg_t *m = rid ? cc_wait_reply(c, rid, 10000) : NULL;
            if (cc_ok(m) && attempt == 0 && at < 0) {
                lat_sum += cc_mono_us() - sent;
                lat_n++;
            }
            if (cc_ok(m)) {
                res[i].win = cc_int(m, "win");
                res[i].nonce = cc_int(m, "proof.nonce");
                res[i].coins = cc_int(m, "balance.coins");
                size_t len;
                const uint8_t *d = cc_data_raw(m, &len);
                res[i].data = malloc(len);
                memcpy(res[i].data, d, len);
                res[i].len = len;
                break;
            }
            if (m) {
                /* Only "nothing was applied, try again" answers may be retried. */
                CC_CHECK(!strcmp(cc_err(m), "UNAVAILABLE") || !strcmp(cc_err(m), "RATE_LIMITED"),
                         "spin %d attempt %d: %s", i, attempt, cc_describe(m));
                unavailable++;
                cc_sleep_ms(100);
                continue;
            }
            /* No answer (timeout or closed): start over on a new connection. */
            lost++;
            cc_destroy(&c);
            cc_sleep_ms(100);
        }
        if (i % 50 == 49) cc_release(c);
    }
    CC_WAIT_BACK(killed, nkilled);
    print_message("crash: %d spins in %lld ms, %d kills, %d UNAVAILABLE, %d lost replies, "
                  "%lld us per undisturbed spin\n",
                  SPINS, (long long)(cc_mono_ms() - t0), kills, unavailable, lost,
                  (long long)(lat_n ? lat_sum / lat_n : 0));

    /* Every spin once, in order, each balance following from the one before. */
    int64_t coins = WELCOME, wins = 0;
    for (int i = 0; i < SPINS; i++) {
        CC_CHECK(res[i].nonce == i, "spin %d has nonce %lld", i, (long long)res[i].nonce);
        CC_CHECK(res[i].coins == coins - bet + res[i].win,
                 "spin %d: balance %lld, expected %lld - %lld + %lld", i, (long long)res[i].coins,
                 (long long)coins, (long long)bet, (long long)res[i].win);
        coins = res[i].coins;
        wins += res[i].win;
    }
    if (!c) c = CC_CONNECT_AS(&u);
    int64_t final = CC_COINS(c);
    CC_EQ(final, WELCOME - SPINS * bet + wins);
    CC_EQ(cc_int(CC_OK(cc_call(c, "fair.seeds", NULL, NULL)), "nonce"), SPINS);
    int64_t rounds;
    CC_CHECK(cc_pg_i64(&rounds, "SELECT count(*) FROM rounds WHERE user_id = %lld",
                       (long long)u.id) == 0,
             "%s", cc_last_error());
    CC_EQ(rounds, SPINS);
    CC_LEDGER_OK(u.id);

    /* The spins around the kills, asked again after the restart: the first result, byte for
     * byte, and nothing applied. */
    int again[] = {39, 40, 41, 80, 120, 160, 161};
    for (size_t k = 0; k < sizeof again / sizeof *again; k++) {
        int i = again[k];
        char idem[32];
        snprintf(idem, sizeof idem, "crash-%d", i);
        cc_msg_t *m = CC_OK(cc_call_retry(c, "slot.spin", idem, "{bet: %lld}", (long long)bet));
        size_t len;
        const uint8_t *d = cc_data_raw(m, &len);
        CC_CHECK(d && len == res[i].len && !memcmp(d, res[i].data, len),
                 "spin %d asked again after the crash gives other data: %s", i, cc_describe(m));
    }
    CC_EQ(CC_COINS(c), final);
    for (int i = 0; i < SPINS; i++)
        free(res[i].data);
    cc_destroy(&c);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_wallet_killed_mid_run),
};

CC_MAIN(tests)
