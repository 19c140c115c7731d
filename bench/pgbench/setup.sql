-- bench/compare: scratch tables for pgbench, in their own schema. Nothing here touches the
-- stack's tables; teardown.sql drops the schema. Run by bench/compare with
--   psql -v accounts=N (N = clients x accounts per client).
-- The two tables copy the shape of wallets and ledger in migrations/001_core.sql (columns,
-- CHECKs, the ledger's index), without the foreign keys to users.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
DROP SCHEMA IF EXISTS bench_compare CASCADE;
CREATE SCHEMA bench_compare;
SET search_path = bench_compare;

CREATE TABLE wallets (
    user_id     bigint PRIMARY KEY,
    coins       bigint NOT NULL DEFAULT 0 CHECK (coins >= 0),
    gems        bigint NOT NULL DEFAULT 0 CHECK (gems >= 0),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE SEQUENCE ledger_txn_seq;
CREATE TABLE ledger (
    id            bigserial PRIMARY KEY,
    txn           bigint NOT NULL,
    account       text NOT NULL,
    user_id       bigint,
    currency      text NOT NULL CHECK (currency IN ('coins', 'gems')),
    delta         bigint NOT NULL,
    balance_after bigint,
    reason        text NOT NULL,
    ref           text,
    at            timestamptz NOT NULL DEFAULT now(),
    CHECK ((account = 'user') = (user_id IS NOT NULL))
);
CREATE INDEX ledger_user ON ledger (user_id, id DESC) WHERE user_id IS NOT NULL;

-- Balances big enough that the balance check always passes: every settle writes its row.
INSERT INTO wallets (user_id, coins)
SELECT g, 1000000000000 FROM generate_series(1, :accounts) g;
VACUUM ANALYZE wallets;
