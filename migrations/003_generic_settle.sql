-- One settle for every domain that moves money: wallet_settle_batch(batch jsonb) knows
-- moves, claims, idempotency keys and facts, and nothing of games, pulls or rewards.
--
-- The batch is one JSON document of two lists, each row with named fields:
--   reqs  [{i, u, idem, op, h, counter, ref, claim, reply, facts}]   i = 1..n, h and reply
--         in hex; facts [{kind, ref, data}] is what other domains need to know (the outbox)
--   moves [{q, k, cur, d, why}]     the movements of request q, applied in order k
-- A named document replaces the eighteen positional arrays of 002: a field is added by name,
-- and the wallet's C code builds it in one place (actors/wallet/settle.c).
--
-- Facts: a fact whose kind has a sink in fact_sinks is written by that sink, in this same
-- transaction, into the owning domain's table (games registers 'round' -> rounds); every
-- other fact goes to the outbox, which later domains read in order. A sink is called once per
-- batch with all its facts, so a spin costs its round row and no second copy of it.
--
-- Returns one row per request, in order; status is an error code of the protocol (the same
-- names as msg.h's enum and schemas/ops.json), or OK / REPLAY:
--   OK                 coins, gems after; reply = the request's reply
--   REPLAY             the idem key's stored balance and reply (same op and request hash)
--   CONFLICT           the idem key was used for another request: nulls
--   INSUFFICIENT_FUNDS, ALREADY_CLAIMED, LIMIT   the balance before
--   NOT_FOUND          no wallet: nulls

CREATE TABLE outbox (
    seq         bigserial PRIMARY KEY,
    user_id     bigint NOT NULL,
    kind        text NOT NULL,
    ref         text,
    data        jsonb NOT NULL DEFAULT '{}',
    at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX outbox_user ON outbox (user_id, seq);

-- Who writes a kind of fact into its own table: fn(users bigint[], refs text[], data jsonb[],
-- replies bytea[]) gets that kind's facts of one batch, each with its user and the settled
-- request's reply (the outcome the player saw).
CREATE TABLE fact_sinks (
    kind        text PRIMARY KEY,
    fn          regproc NOT NULL
);

-- Once-only grants (a daily bonus, later a battlepass tier or a mission): the key names what
-- was claimed, e.g. 'daily:2026-12-03'. A second settle with the same claim key gets
-- ALREADY_CLAIMED and changes nothing.
CREATE TABLE claims (
    user_id     bigint NOT NULL REFERENCES users (id),
    key         text NOT NULL,
    at          timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, key)
);
INSERT INTO claims (user_id, key) SELECT user_id, 'daily:' || day FROM daily_claims;
DROP TABLE daily_claims;

-- The games domain's rounds, from its 'round' facts.
CREATE FUNCTION games_round_sink(users bigint[], refs text[], data jsonb[], replies bytea[])
RETURNS void LANGUAGE sql AS $$
    INSERT INTO rounds (id, user_id, game, seed_id, nonce, bet, win, outcome)
    SELECT f.ref, f.u, f.d->>'game', (f.d->>'seed_id')::bigint, (f.d->>'nonce')::bigint,
           (f.d->>'bet')::bigint, (f.d->>'win')::bigint, f.rep
    FROM unnest(users, refs, data, replies) AS f(u, ref, d, rep)
$$;
INSERT INTO fact_sinks VALUES ('round', 'games_round_sink');

DROP FUNCTION wallet_settle_batch(bigint[], text[], text[], bytea[], text[], text[], text[],
    text[], bigint[], bigint[], bigint[], bigint[], date[], bytea[], integer[], text[],
    bigint[], text[]);

-- A balance above this is refused (LIMIT): with moves bounded by the op schema, no sum can
-- overflow bigint and fail a whole batch.
CREATE FUNCTION wallet_max_balance() RETURNS bigint LANGUAGE sql IMMUTABLE AS
    'SELECT 1000000000000000::bigint';

CREATE FUNCTION wallet_settle_batch(batch jsonb)
RETURNS TABLE (n integer, status text, coins bigint, gems bigint, reply bytea)
LANGUAGE plpgsql AS $$
DECLARE
    r_user    bigint[];
    r_idem    text[];
    r_op      text[];
    r_hash    bytea[];
    r_counter text[];
    r_ref     text[];
    r_claim   text[];
    r_reply   bytea[];
    st        text[];   -- GO while the request may still commit, else its final status
    c0        bigint[];
    g0        bigint[];
    nc        bigint[];
    ng        bigint[];
    kc        bigint[];
    kg        bigint[];
    kr        bytea[];
    claimed   bigint[];
    lu        bigint[]; -- the locked wallets: user, coins, gems
    lc        bigint[];
    lg        bigint[];
    m_req     integer[]; -- the movements, in order within each request
    m_cur     text[];
    m_delta   bigint[];
    m_reason  text[];
    f_q       integer[]; -- the facts: request, kind, ref, data
    f_kind    text[];
    f_ref     text[];
    f_data    jsonb[];
    f_user    bigint[];
    f_reply   bytea[];
    go        boolean[]; -- st = 'GO', as a fixed-width array: a subscript of it is O(1)
    sink      record;
    fu        bigint[];
    fr        text[];
    fd        jsonb[];
    fp        bytea[];
BEGIN
    SELECT array_agg(x.u ORDER BY x.i), array_agg(x.idem ORDER BY x.i),
           array_agg(x.op ORDER BY x.i), array_agg(decode(x.h, 'hex') ORDER BY x.i),
           array_agg(x.counter ORDER BY x.i), array_agg(x.ref ORDER BY x.i),
           array_agg(x.claim ORDER BY x.i), array_agg(decode(x.reply, 'hex') ORDER BY x.i)
      INTO r_user, r_idem, r_op, r_hash, r_counter, r_ref, r_claim, r_reply
      FROM jsonb_to_recordset(batch->'reqs') AS x(i int, u bigint, idem text, op text, h text,
                                                   counter text, ref text, claim text,
                                                   reply text);
    -- Each fact with its request's user and reply, read here rather than by subscripting
    -- r_reply later (a subscript of an array of variable-width values walks it from the start).
    SELECT array_agg(x.i), array_agg(f.kind), array_agg(f.ref), array_agg(coalesce(f.data, '{}')),
           array_agg(x.u), array_agg(decode(x.reply, 'hex'))
      INTO f_q, f_kind, f_ref, f_data, f_user, f_reply
      FROM jsonb_to_recordset(batch->'reqs') AS x(i int, u bigint, reply text, facts jsonb),
           jsonb_to_recordset(x.facts) AS f(kind text, ref text, data jsonb)
     WHERE x.facts IS NOT NULL;
    IF (SELECT count(DISTINCT u) <> count(*) FROM unnest(r_user) u) THEN
        RAISE EXCEPTION 'wallet_settle_batch: a user appears twice in one call';
    END IF;

    -- Lock in key order (two callers locking overlapping sets cannot deadlock) and read the
    -- balances as locked: the rest works from these arrays, never scanning wallets.
    SELECT array_agg(l.user_id), array_agg(l.coins), array_agg(l.gems) INTO lu, lc, lg
    FROM (SELECT w.user_id, w.coins, w.gems FROM wallets w
          WHERE w.user_id = ANY (r_user) ORDER BY w.user_id FOR UPDATE) l;

    SELECT array_agg(m.q ORDER BY m.q, m.k), array_agg(m.cur ORDER BY m.q, m.k),
           array_agg(m.d ORDER BY m.q, m.k), array_agg(m.why ORDER BY m.q, m.k)
      INTO m_req, m_cur, m_delta, m_reason
      FROM jsonb_to_recordset(batch->'moves') AS m(q int, k int, cur text, d bigint, why text);

    WITH req AS (
        SELECT * FROM unnest(r_user, r_idem, r_op, r_hash) WITH ORDINALITY AS x(u, idem, op, h, i)
    ), run AS (
        SELECT q, cur, d, sum(d) OVER (PARTITION BY q, cur ORDER BY k) AS s
        FROM unnest(m_req, m_cur, m_delta) WITH ORDINALITY AS m(q, cur, d, k)
    ), need AS (
        -- The lowest point of each currency along the movements, and the net change.
        SELECT q,
               least(0, min(s) FILTER (WHERE cur = 'coins')) AS lc,
               least(0, min(s) FILTER (WHERE cur = 'gems')) AS lg,
               coalesce(sum(d) FILTER (WHERE cur = 'coins'), 0) AS dc,
               coalesce(sum(d) FILTER (WHERE cur = 'gems'), 0) AS dg
        FROM run GROUP BY q
    )
    SELECT array_agg(CASE
               WHEN k.user_id IS NOT NULL THEN
                   CASE WHEN k.op = req.op AND k.req_hash = req.h THEN 'REPLAY' ELSE 'CONFLICT' END
               WHEN w.user_id IS NULL THEN 'NOT_FOUND'
               WHEN w.coins + coalesce(need.lc, 0) < 0 OR w.gems + coalesce(need.lg, 0) < 0
                   THEN 'INSUFFICIENT_FUNDS'
               WHEN w.coins + coalesce(need.dc, 0) > wallet_max_balance()
                 OR w.gems + coalesce(need.dg, 0) > wallet_max_balance() THEN 'LIMIT'
               ELSE 'GO' END ORDER BY req.i),
           array_agg(w.coins ORDER BY req.i), array_agg(w.gems ORDER BY req.i),
           array_agg(coalesce(need.dc, 0) ORDER BY req.i),
           array_agg(coalesce(need.dg, 0) ORDER BY req.i),
           array_agg(k.coins ORDER BY req.i), array_agg(k.gems ORDER BY req.i),
           array_agg(k.reply ORDER BY req.i)
      INTO st, c0, g0, nc, ng, kc, kg, kr
      FROM req
      LEFT JOIN unnest(lu, lc, lg) AS w(user_id, coins, gems) ON w.user_id = req.u
      LEFT JOIN idem_keys k ON req.idem IS NOT NULL AND k.user_id = req.u AND k.key = req.idem
      LEFT JOIN need ON need.q = req.i;

    IF (SELECT bool_or(c IS NOT NULL) FROM unnest(r_claim) c) THEN
        WITH ins AS (
            INSERT INTO claims (user_id, key)
            SELECT u, c FROM unnest(r_user, r_claim, st) AS x(u, c, s)
            WHERE s = 'GO' AND c IS NOT NULL
            ON CONFLICT DO NOTHING
            RETURNING user_id
        )
        SELECT coalesce(array_agg(user_id), '{}') INTO claimed FROM ins;
        st := ARRAY(
            SELECT CASE WHEN s = 'GO' AND c IS NOT NULL AND NOT u = ANY (claimed)
                        THEN 'ALREADY_CLAIMED' ELSE s END
            FROM unnest(st, r_claim, r_user) WITH ORDINALITY AS x(s, c, u, i) ORDER BY i);
    END IF;

    UPDATE wallets w SET coins = w.coins + x.dc, gems = w.gems + x.dg, updated_at = now()
    FROM unnest(r_user, st, nc, ng) AS x(u, s, dc, dg)
    WHERE w.user_id = x.u AND x.s = 'GO';

    WITH ok AS (
        SELECT i, u, bc, bg, counter, ref, nextval('ledger_txn_seq') AS t
        FROM unnest(r_user, st, c0, g0, r_counter, r_ref) WITH ORDINALITY
            AS x(u, s, bc, bg, counter, ref, i)
        WHERE s = 'GO'
    ), mv AS (
        SELECT q, cur, d, why, k FROM unnest(m_req, m_cur, m_delta, m_reason) WITH ORDINALITY
            AS m(q, cur, d, why, k)
        WHERE d <> 0
    ), e AS (
        SELECT ok.t, 'user' AS account, ok.u AS user_id, mv.cur, mv.d,
               CASE WHEN mv.cur = 'coins' THEN ok.bc ELSE ok.bg END
                   + sum(mv.d) OVER (PARTITION BY mv.q, mv.cur ORDER BY mv.k) AS after,
               mv.why, ok.ref, 0 AS side, mv.k
        FROM ok JOIN mv ON mv.q = ok.i
        UNION ALL
        SELECT ok.t, ok.counter, NULL, mv.cur, -mv.d, NULL, mv.why, ok.ref, 1, mv.k
        FROM ok JOIN mv ON mv.q = ok.i
    )
    -- Ids follow the movements' order, user entries first, as one settle at a time did.
    INSERT INTO ledger (txn, account, user_id, currency, delta, balance_after, reason, ref)
    SELECT t, account, user_id, cur, d, after, why, ref FROM e ORDER BY t, side, k;

    -- The facts of the requests that went through: each kind with a sink to its owner's
    -- table (one call per kind per batch), the rest to the outbox.
    go := ARRAY(SELECT x = 'GO' FROM unnest(st) WITH ORDINALITY AS u(x, i) ORDER BY i);
    FOR sink IN SELECT s.kind, s.fn FROM fact_sinks s WHERE s.kind = ANY (f_kind) LOOP
        SELECT array_agg(f.u), array_agg(f.ref), array_agg(f.d), array_agg(f.rep)
          INTO fu, fr, fd, fp
          FROM unnest(f_q, f_kind, f_ref, f_data, f_user, f_reply) AS f(q, kind, ref, d, u, rep)
         WHERE f.kind = sink.kind AND go[f.q];
        IF fu IS NOT NULL THEN
            EXECUTE format('SELECT %s($1, $2, $3, $4)', sink.fn) USING fu, fr, fd, fp;
        END IF;
    END LOOP;
    INSERT INTO outbox (user_id, kind, ref, data)
    SELECT f.u, f.kind, f.ref, f.d FROM unnest(f_q, f_kind, f_ref, f_data, f_user) AS f(q, kind, ref, d, u)
    WHERE go[f.q] AND NOT EXISTS (SELECT 1 FROM fact_sinks s WHERE s.kind = f.kind);

    INSERT INTO idem_keys (user_id, key, op, req_hash, reply, coins, gems)
    SELECT u, idem, op, h, rep, bc + dc, bg + dg
    FROM unnest(r_user, st, r_idem, r_op, r_hash, r_reply, c0, g0, nc, ng)
        AS x(u, s, idem, op, h, rep, bc, bg, dc, dg)
    WHERE s = 'GO' AND idem IS NOT NULL;

    RETURN QUERY
    SELECT x.i::integer,
           CASE x.s WHEN 'GO' THEN 'OK' ELSE x.s END,
           CASE x.s WHEN 'GO' THEN x.bc + x.dc WHEN 'REPLAY' THEN x.rc
                    WHEN 'INSUFFICIENT_FUNDS' THEN x.bc WHEN 'ALREADY_CLAIMED' THEN x.bc
                    WHEN 'LIMIT' THEN x.bc END,
           CASE x.s WHEN 'GO' THEN x.bg + x.dg WHEN 'REPLAY' THEN x.rg
                    WHEN 'INSUFFICIENT_FUNDS' THEN x.bg WHEN 'ALREADY_CLAIMED' THEN x.bg
                    WHEN 'LIMIT' THEN x.bg END,
           CASE x.s WHEN 'GO' THEN x.rep WHEN 'REPLAY' THEN x.rr END
    FROM unnest(st, c0, g0, nc, ng, kc, kg, kr, r_reply) WITH ORDINALITY
        AS x(s, bc, bg, dc, dg, rc, rg, rr, rep, i)
    ORDER BY x.i;
END
$$;
