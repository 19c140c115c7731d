/* A settle that Postgres refuses (here: a trigger that fails one user's rounds) fails that
 * request with UNAVAILABLE and nothing else: the same batch's other settle commits, the same
 * wallet keeps serving other players, and the player's own next spin works once the cause is
 * gone. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cc_test.h"

static void test_refused_settle_fails_only_itself(void **state)
{
    int shards = cc_count_procs("actor-wallet-");
    CC_CHECK(shards > 0, "no wallet worker in %s", cc_env()->run);
    cc_user_t victim, other;
    cc_t *v = CC_NEW_USER("STANDARD", &victim);
    cc_t *o = CC_NEW_USER("STANDARD", &other);
    /* Both on one wallet worker, so both settles can be in one batch. */
    while (other.id % shards != victim.id % shards) {
        cc_destroy(&o);
        o = CC_NEW_USER("STANDARD", &other);
    }
    char wallet[32];
    snprintf(wallet, sizeof wallet, "actor-wallet-%lld", (long long)(victim.id % shards));
    pid_t pid = cc_pid_of(wallet);
    CC_CHECK(pid > 0, "no %s.pid in %s", wallet, cc_env()->run);

    CC_SQL("CREATE FUNCTION test_fail_rounds() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
           "IF NEW.user_id = %lld THEN RAISE EXCEPTION 'injected by test_wallet_faults'; "
           "END IF; RETURN NEW; END $$",
           (long long)victim.id);
    CC_SQL("CREATE TRIGGER test_fail_rounds BEFORE INSERT ON rounds FOR EACH ROW EXECUTE "
           "FUNCTION test_fail_rounds()");
    int64_t before = CC_COINS(v), other_before = CC_COINS(o);
    /* The wallet is stopped while both spins reach it, so it drains them in one pass: one
     * batch that fails whole, then each settle alone. */
    CC_CHECK(cc_freeze(pid), "cannot stop %s (pid %d)", wallet, (int)pid);
    uint32_t rv = cc_send(v, "slot.spin", "fault-1", "{bet: 10}");
    uint32_t ro = cc_send(o, "slot.spin", NULL, "{bet: 10}");
    cc_sleep_ms(400);
    kill(pid, SIGCONT);
    cc_msg_t *r = cc_wait_reply(v, rv, CC_TIMEOUT_MS);
    cc_msg_t *ok = cc_wait_reply(o, ro, CC_TIMEOUT_MS);
    CC_SQL("DROP TRIGGER test_fail_rounds ON rounds");
    CC_SQL("DROP FUNCTION test_fail_rounds()");
    CC_ERR(r, "UNAVAILABLE");
    CC_OK(ok);
    CC_EQ(cc_int(ok, "balance.coins"), other_before - 10 + cc_int(ok, "win"));
    CC_EQ(CC_COINS(o), other_before - 10 + cc_int(ok, "win"));
    CC_EQ(CC_COINS(v), before); /* nothing of the refused spin was applied */
    /* The retry with the same idem now goes through, once. */
    r = CC_OK(cc_call(v, "slot.spin", "fault-1", "{bet: 10}"));
    CC_EQ(cc_int(r, "balance.coins"), before - 10 + cc_int(r, "win"));
    CC_EQ(cc_int(r, "proof.nonce"), 0);
    CC_LEDGER_OK(victim.id);
    CC_LEDGER_OK(other.id);
    cc_destroy(&v);
    cc_destroy(&o);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_refused_settle_fails_only_itself),
};

CC_MAIN(tests)
