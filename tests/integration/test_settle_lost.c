/* A spin whose COMMIT went through while the wallet that ran it died before answering: the
 * player is charged exactly once and still gets the true outcome. The spin carries no idem;
 * the server derives one from the round, so the games worker can send the same settle again
 * and learn what happened instead of guessing.
 *
 * The COMMIT is held open by a deferred constraint trigger that sleeps at commit time (the
 * only way to put a kill between COMMIT and reply without a hook in the server): the wallet is
 * killed during the sleep, Postgres finishes the commit, and the supervisor restarts the
 * wallet. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cc_test.h"

static void test_lost_commit_charges_once(void **state)
{
    int shards = cc_count_procs("actor-wallet-");
    CC_CHECK(shards > 0, "no wallet worker in %s", cc_env()->run);
    cc_user_t u;
    cc_t *c = CC_NEW_USER("STANDARD", &u);
    char wallet[32];
    snprintf(wallet, sizeof wallet, "actor-wallet-%lld", (long long)(u.id % shards));
    pid_t pid = cc_pid_of(wallet);
    CC_CHECK(pid > 0, "no %s.pid in %s", wallet, cc_env()->run);
    /* A worker that dies within 5 s of its start is restarted after a back-off (an earlier
     * suite may have just killed this one); past that, within 0.3 s, as in production. */
    int64_t up = cc_proc_age_ms(wallet);
    if (up >= 0 && up < 5500) cc_sleep_ms((int)(5500 - up));
    int64_t before = CC_COINS(c);

    CC_SQL("CREATE FUNCTION test_slow_commit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
           "IF NEW.user_id = %lld THEN PERFORM pg_sleep(2); END IF; RETURN NULL; END $$",
           (long long)u.id);
    CC_SQL("CREATE CONSTRAINT TRIGGER test_slow_commit AFTER INSERT ON rounds DEFERRABLE "
           "INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION test_slow_commit()");
    uint32_t rid = cc_send(c, "slot.spin", NULL, "{bet: 10}");
    cc_sleep_ms(600); /* the batch is in its COMMIT now, sleeping */
    CC_CHECK(kill(pid, SIGKILL) == 0, "cannot kill %s (pid %d)", wallet, (int)pid);
    cc_msg_t *r = cc_wait_reply(c, rid, 8000);
    CC_SQL("DROP TRIGGER test_slow_commit ON rounds");
    CC_SQL("DROP FUNCTION test_slow_commit()");
    CC_CHECK(cc_wait_new_pid(wallet, pid, 20000) > 0, "%s was not restarted", wallet);

    /* The truth, not UNAVAILABLE: the round that committed, charged once. */
    CC_OK(r);
    CC_EQ(cc_int(r, "proof.nonce"), 0);
    CC_EQ(cc_int(r, "balance.coins"), before - 10 + cc_int(r, "win"));
    CC_EQ(CC_COINS(c), before - 10 + cc_int(r, "win"));
    int64_t rounds = -1;
    CC_CHECK(cc_pg_i64(&rounds, "SELECT count(*) FROM rounds WHERE user_id = %lld",
                       (long long)u.id) == 0,
             "cannot count rounds");
    CC_EQ(rounds, 1);
    CC_LEDGER_OK(u.id);
    /* The next spin takes the next nonce. */
    cc_msg_t *next = CC_OK(cc_call(c, "slot.spin", NULL, "{bet: 10}"));
    CC_EQ(cc_int(next, "proof.nonce"), 1);
    CC_LEDGER_OK(u.id);
    cc_destroy(&c);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_lost_commit_charges_once),
};

CC_MAIN(tests)
