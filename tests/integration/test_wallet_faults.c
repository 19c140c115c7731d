/* A settle that Postgres refuses (here: a trigger that fails one user's rounds) fails that
 * request with UNAVAILABLE and nothing else: the same wallet keeps serving other players, and
 * the player's own next spin works once the cause is gone. */
#include <stdio.h>
#include <string.h>

#include <libpq-fe.h>

#include "cc_test.h"

static void s_sql(const char *fmt, long long arg)
{
    char sql[1024];
    snprintf(sql, sizeof sql, fmt, arg);
    PGconn *c = PQconnectdb(cc_env()->pg);
    CC_CHECK(PQstatus(c) == CONNECTION_OK, "postgres: %s", PQerrorMessage(c));
    PGresult *r = PQexec(c, sql);
    CC_CHECK(PQresultStatus(r) == PGRES_COMMAND_OK, "%s: %s", sql, PQresultErrorMessage(r));
    PQclear(r);
    PQfinish(c);
}

static void test_refused_settle_fails_only_itself(void **state)
{
    cc_user_t victim, other;
    cc_t *v = CC_NEW_USER("STANDARD", &victim);
    cc_t *o = CC_NEW_USER("STANDARD", &other);
    s_sql("CREATE FUNCTION test_fail_rounds() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
          "IF NEW.user_id = %lld THEN RAISE EXCEPTION 'injected by test_wallet_faults'; "
          "END IF; RETURN NEW; END $$",
          (long long)victim.id);
    s_sql("CREATE TRIGGER test_fail_rounds BEFORE INSERT ON rounds FOR EACH ROW EXECUTE "
          "FUNCTION test_fail_rounds() -- %lld",
          0);
    int64_t before = CC_COINS(v);
    cc_msg_t *r = cc_call(v, "slot.spin", "fault-1", "{bet: 10}");
    /* Send the other player's spin while the victim's batch may still be failing. */
    cc_msg_t *ok = cc_call(o, "slot.spin", NULL, "{bet: 10}");
    s_sql("DROP TRIGGER test_fail_rounds ON rounds -- %lld", 0);
    s_sql("DROP FUNCTION test_fail_rounds() -- %lld", 0);
    CC_ERR(r, "UNAVAILABLE");
    CC_OK(ok);
    CC_OK(cc_call(o, "wallet.balance", NULL, NULL));
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
