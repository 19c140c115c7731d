#!/usr/bin/env bash
# The ledger invariant over everything the tests did to the stack (CTest runs it after every
# other test of the stack, see tests/CMakeLists.txt): each currency's entries sum to zero over
# all accounts, and every wallet equals the sum of its own entries. The stack is the one the
# tests are given (CLUB_TEST_VAR, CLUB_TEST_CLUB).
set -euo pipefail

stack_sql() { CLUB_VAR=$CLUB_TEST_VAR "$CLUB_TEST_CLUB" psql -Atqc "$1"; }

bad=$(stack_sql "
  SELECT (SELECT count(*) FROM (SELECT 1 FROM ledger GROUP BY currency HAVING sum(delta) <> 0) c)
       + (SELECT count(*) FROM wallets w WHERE
            w.coins <> coalesce((SELECT sum(delta) FROM ledger l WHERE l.user_id = w.user_id AND l.currency = 'coins'), 0)
         OR w.gems <> coalesce((SELECT sum(delta) FROM ledger l WHERE l.user_id = w.user_id AND l.currency = 'gems'), 0))") ||
  bad=query-failed
if [ "$bad" != 0 ]; then
  echo "ledger invariant over the whole run: FAILED ($bad currencies or wallets off)"
  exit 1
fi
echo "ledger invariant over the whole run ($(stack_sql "SELECT count(*) FROM wallets") wallets): passed"
