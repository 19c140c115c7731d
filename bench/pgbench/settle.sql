-- bench/compare: one settle per transaction (pgbench script; autocommit, so the statement is
-- the transaction and its COMMIT waits for the WAL flush when synchronous_commit is on).
-- A settle is what the wallet does for a game round: take the bet and pay the win from the
-- balance row, only if the balance covers the bet, and write a ledger row with the balance
-- after. Variables from bench/compare: -D per_client=N. Each pgbench client settles its own
-- range of accounts (client_id * per_client + 1 ..), the way one wallet worker owns a shard,
-- so clients never wait on each other's row locks.
\set uid :client_id * :per_client + random(1, :per_client)
\set bet 10
\set win random(0, 20)
WITH u AS (
    UPDATE bench_compare.wallets
       SET coins = coins - :bet::bigint + :win::bigint, updated_at = now()
     WHERE user_id = :uid::bigint AND coins >= :bet::bigint
 RETURNING user_id, coins)
INSERT INTO bench_compare.ledger (txn, account, user_id, currency, delta, balance_after, reason, ref)
SELECT nextval('bench_compare.ledger_txn_seq'), 'user', user_id, 'coins',
       :win::bigint - :bet::bigint, coins, 'slot', 'pgbench'
  FROM u;
