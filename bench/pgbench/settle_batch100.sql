-- bench/compare: 100 settles per transaction (pgbench script). The same settle as settle.sql
-- (balance check, UPDATE, ledger row with the balance after) for 100 distinct accounts of
-- this client's range in one statement, so one transaction and one WAL flush carry 100
-- settles: the group commit a wallet worker does when many spins wait at once. Variables from
-- bench/compare: -D per_client=N (at least 100).
\set start random(0, :per_client - 1)
\set bet 10
WITH b AS (
    SELECT :client_id::bigint * :per_client + 1 + (:start::bigint + g) % :per_client AS uid,
           (random() * 20)::bigint AS win
      FROM generate_series(0, 99) g),
u AS (
    UPDATE bench_compare.wallets w
       SET coins = w.coins - :bet::bigint + b.win, updated_at = now()
      FROM b
     WHERE w.user_id = b.uid AND w.coins >= :bet::bigint
 RETURNING w.user_id, w.coins, b.win)
INSERT INTO bench_compare.ledger (txn, account, user_id, currency, delta, balance_after, reason, ref)
SELECT nextval('bench_compare.ledger_txn_seq'), 'user', user_id, 'coins',
       win - :bet::bigint, coins, 'slot', 'pgbench'
  FROM u;
