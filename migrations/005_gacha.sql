-- The economy: items, gacha banners with versioned rates and pools, per-user pity, pulls,
-- inventory with its own ledger, and the shop. A pull or a purchase is one wallet settle: the
-- money moves there, and the rows here are written by the sinks below in the same
-- transaction (gacha_pull, items), so nothing is pulled without being paid for.

CREATE TABLE items (
    id          bigint PRIMARY KEY,
    name        text NOT NULL UNIQUE,
    rarity      text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE gacha_banners (
    id             text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9_]{1,32}$'),
    name           text NOT NULL,
    cost_currency  text NOT NULL CHECK (cost_currency IN ('coins', 'gems')),
    cost_amount    bigint NOT NULL CHECK (cost_amount BETWEEN 1 AND 100000000),
    version        integer NOT NULL DEFAULT 1, -- the current one; pulls apply at it
    active         boolean NOT NULL DEFAULT true,
    sort           integer NOT NULL DEFAULT 0
);

-- A version fixes everything a pull depends on: pity, featured item, rates and pools. A new
-- version (gacha_set_rates) copies the pools, so any past pull can be re-computed.
CREATE TABLE gacha_versions (
    banner_id   text NOT NULL REFERENCES gacha_banners (id),
    version     integer NOT NULL CHECK (version >= 1),
    soft        integer NOT NULL,
    hard        integer NOT NULL,
    step        integer NOT NULL CHECK (step BETWEEN 0 AND 1000000),
    featured    bigint REFERENCES items (id),
    note        text NOT NULL DEFAULT '',
    created_by  text NOT NULL DEFAULT 'migration',
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (banner_id, version),
    CHECK (soft >= 1 AND soft <= hard AND hard <= 1000)
);

CREATE TABLE gacha_rates (
    banner_id    text NOT NULL,
    version      integer NOT NULL,
    position     smallint NOT NULL, -- 0 is the rarest (the top rarity)
    rarity       text NOT NULL CHECK (rarity ~ '^[A-Za-z0-9_]{1,15}$'),
    probability  integer NOT NULL CHECK (probability BETWEEN 0 AND 1000000),
    PRIMARY KEY (banner_id, version, position),
    UNIQUE (banner_id, version, rarity),
    FOREIGN KEY (banner_id, version) REFERENCES gacha_versions (banner_id, version)
);

CREATE TABLE gacha_pool (
    banner_id  text NOT NULL,
    version    integer NOT NULL,
    rarity     text NOT NULL,
    position   integer NOT NULL, -- the listed order a draw indexes
    item_id    bigint NOT NULL REFERENCES items (id),
    PRIMARY KEY (banner_id, version, rarity, position),
    FOREIGN KEY (banner_id, version, rarity) REFERENCES gacha_rates (banner_id, version, rarity)
);

-- Per user per banner, across versions. `pulls` counts every pull ever: a pull's fact names
-- the value it read, and the sink refuses it if another pull got there first.
CREATE TABLE gacha_pity (
    user_id     bigint NOT NULL REFERENCES users (id),
    banner_id   text NOT NULL REFERENCES gacha_banners (id),
    count       integer NOT NULL CHECK (count >= 0),
    guaranteed  boolean NOT NULL,
    pulls       bigint NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, banner_id)
);

-- One row per item pulled (a 10-pull is ten rows of one round). Kept without expiry: the
-- disclosure rules ask for at least 90 days.
CREATE TABLE gacha_pulls (
    id           bigserial PRIMARY KEY,
    user_id      bigint NOT NULL REFERENCES users (id),
    banner_id    text NOT NULL,
    version      integer NOT NULL,
    round_id     text NOT NULL,
    idx          smallint NOT NULL,
    item_id      bigint NOT NULL REFERENCES items (id),
    rarity       text NOT NULL,
    pity_before  integer NOT NULL,
    featured     boolean NOT NULL DEFAULT false,
    created_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (round_id, idx)
);
CREATE INDEX gacha_pulls_user ON gacha_pulls (user_id, id DESC);
CREATE INDEX gacha_pulls_user_banner ON gacha_pulls (user_id, banner_id, id DESC);

CREATE TABLE inventory (
    user_id     bigint NOT NULL REFERENCES users (id),
    item_id     bigint NOT NULL REFERENCES items (id),
    qty         bigint NOT NULL CHECK (qty >= 0),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, item_id)
);

-- Every change of an inventory row, as the ledger is for currency: the sum of a user's
-- deltas for an item is its qty.
CREATE TABLE item_ledger (
    id          bigserial PRIMARY KEY,
    user_id     bigint NOT NULL REFERENCES users (id),
    item_id     bigint NOT NULL REFERENCES items (id),
    delta       bigint NOT NULL,
    qty_after   bigint NOT NULL,
    reason      text NOT NULL,
    ref         text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX item_ledger_user ON item_ledger (user_id, id DESC);

CREATE TABLE shop_offers (
    sku             text PRIMARY KEY CHECK (sku ~ '^[A-Za-z0-9_]{1,32}$'),
    name            text NOT NULL,
    price_currency  text NOT NULL CHECK (price_currency IN ('coins', 'gems')),
    price_amount    bigint NOT NULL CHECK (price_amount BETWEEN 1 AND 100000000),
    grant_coins     bigint NOT NULL DEFAULT 0 CHECK (grant_coins BETWEEN 0 AND 100000000),
    grant_gems      bigint NOT NULL DEFAULT 0 CHECK (grant_gems BETWEEN 0 AND 100000000),
    active          boolean NOT NULL DEFAULT true,
    sort            integer NOT NULL DEFAULT 0
);

CREATE TABLE shop_offer_items (
    sku      text NOT NULL REFERENCES shop_offers (sku),
    item_id  bigint NOT NULL REFERENCES items (id),
    qty      integer NOT NULL CHECK (qty BETWEEN 1 AND 1000),
    PRIMARY KEY (sku, item_id)
);

-- Adds items to inventories with their ledger rows; one (user, item) may appear several times.
CREATE FUNCTION inventory_add(u bigint[], item bigint[], qty bigint[], reason text[], ref text[])
RETURNS void LANGUAGE sql AS $$
    WITH x AS (
        SELECT x.u, x.item, sum(x.qty) AS qty, min(x.reason) AS reason, min(x.ref) AS ref
        FROM unnest(u, item, qty, reason, ref) AS x(u, item, qty, reason, ref)
        GROUP BY x.u, x.item
    ), up AS (
        INSERT INTO inventory AS i (user_id, item_id, qty)
        SELECT x.u, x.item, x.qty FROM x ORDER BY x.u, x.item
        ON CONFLICT (user_id, item_id) DO UPDATE SET qty = i.qty + EXCLUDED.qty, updated_at = now()
        RETURNING i.user_id, i.item_id, i.qty
    )
    INSERT INTO item_ledger (user_id, item_id, delta, qty_after, reason, ref)
    SELECT x.u, x.item, x.qty, up.qty, x.reason, x.ref
    FROM x JOIN up ON up.user_id = x.u AND up.item_id = x.item
    ORDER BY x.u, x.item
$$;

-- Checks run before a settle moves anything (wallet_settle_batch below): fn(q, users, refs,
-- data) returns the q of each fact whose slot is taken, and its request ends TAKEN (the
-- worker reloads and plays again) while the rest of the batch goes on. The sinks' own
-- constraints stay as the backstop.
CREATE TABLE fact_checks (
    kind  text PRIMARY KEY,
    fn    text NOT NULL
);

-- A round's slot is taken when its nonce was used meanwhile (games and gacha share the seed
-- pair from different workers) or its seed pair was rotated out.
CREATE FUNCTION games_round_check(q integer[], users bigint[], refs text[], data jsonb[])
RETURNS SETOF integer LANGUAGE sql STABLE AS $$
    -- Joins, not EXISTS: with a small fair_seeds the planner hashes a NOT EXISTS over the
    -- whole table. Each round costs one probe of each unique index.
    SELECT f.q FROM unnest(q, data) AS f(q, d)
    LEFT JOIN fair_seeds s ON s.id = (f.d->>'seed_id')::bigint AND s.active
    LEFT JOIN rounds r ON r.seed_id = (f.d->>'seed_id')::bigint
                      AND r.nonce = (f.d->>'nonce')::bigint
    WHERE s.id IS NULL OR r.seed_id IS NOT NULL
$$;
INSERT INTO fact_checks VALUES ('round', 'games_round_check');

-- A pull's fact: {banner, version, seq, count, guaranteed, items: [{item, rarity, pity,
-- featured}]}, seq the pity row's `pulls` it was computed from and count/guaranteed the pity
-- after it. Refused as a taken slot (unique_violation) when the banner has a newer version or
-- the pity moved since (another pull of the user's got there first): the worker reloads and
-- pulls again, so two pulls never read one pity state. A batch holds a user once.
CREATE FUNCTION gacha_pull_sink(users bigint[], refs text[], data jsonb[], replies bytea[])
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    n     integer := cardinality(users);
    moved integer;
BEGIN
    IF EXISTS (SELECT 1 FROM unnest(data) AS d
               LEFT JOIN gacha_banners b ON b.id = d->>'banner'
               WHERE b.version IS DISTINCT FROM (d->>'version')::integer) THEN
        RAISE EXCEPTION USING ERRCODE = 'unique_violation',
            MESSAGE = 'a pull used a banner version that is no longer current';
    END IF;
    WITH f AS (
        SELECT f.u, f.d->>'banner' AS banner, (f.d->>'seq')::bigint AS seq,
               (f.d->>'count')::integer AS count, (f.d->>'guaranteed')::boolean AS guaranteed,
               jsonb_array_length(f.d->'items') AS k
        FROM unnest(users, data) AS f(u, d)
    ), upd AS (
        UPDATE gacha_pity p SET count = f.count, guaranteed = f.guaranteed,
               pulls = p.pulls + f.k, updated_at = now()
        FROM f WHERE p.user_id = f.u AND p.banner_id = f.banner AND p.pulls = f.seq AND f.seq > 0
        RETURNING 1
    ), ins AS (
        INSERT INTO gacha_pity (user_id, banner_id, count, guaranteed, pulls)
        SELECT f.u, f.banner, f.count, f.guaranteed, f.k FROM f WHERE f.seq = 0
        ON CONFLICT DO NOTHING
        RETURNING 1
    )
    SELECT (SELECT count(*) FROM upd) + (SELECT count(*) FROM ins) INTO moved;
    IF moved <> n THEN
        RAISE EXCEPTION USING ERRCODE = 'unique_violation',
            MESSAGE = 'a pull read a pity state that another pull has changed';
    END IF;
    INSERT INTO gacha_pulls (user_id, banner_id, version, round_id, idx, item_id, rarity,
                             pity_before, featured)
    SELECT f.u, f.d->>'banner', (f.d->>'version')::integer, f.ref, (it.i - 1)::smallint,
           (it.x->>'item')::bigint, it.x->>'rarity', (it.x->>'pity')::integer,
           coalesce((it.x->>'featured')::boolean, false)
    FROM unnest(users, refs, data) AS f(u, ref, d),
         jsonb_array_elements(f.d->'items') WITH ORDINALITY AS it(x, i)
    ORDER BY f.u, it.i;
    PERFORM inventory_add(array_agg(f.u), array_agg((it.x->>'item')::bigint),
                          array_agg(1::bigint), array_agg('gacha'::text), array_agg(f.ref))
    FROM unnest(users, refs, data) AS f(u, ref, d),
         jsonb_array_elements(f.d->'items') AS it(x);
END
$$;
INSERT INTO fact_sinks VALUES ('gacha_pull', 'gacha_pull_sink');

-- A pull's slot is taken when its banner has a newer version or the user's pity moved on.
CREATE FUNCTION gacha_pull_check(q integer[], users bigint[], refs text[], data jsonb[])
RETURNS SETOF integer LANGUAGE sql STABLE AS $$
    SELECT f.q FROM unnest(q, users, data) AS f(q, u, d)
    LEFT JOIN gacha_banners b ON b.id = f.d->>'banner'
    LEFT JOIN gacha_pity p ON p.user_id = f.u AND p.banner_id = f.d->>'banner'
    WHERE b.version IS DISTINCT FROM (f.d->>'version')::integer
       OR coalesce(p.pulls, 0) <> (f.d->>'seq')::bigint
$$;
INSERT INTO fact_checks VALUES ('gacha_pull', 'gacha_pull_check');

-- wallet_settle_batch of 003, with the fact checks before anything moves.
CREATE OR REPLACE FUNCTION wallet_settle_batch(batch jsonb)
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
    taken     integer[];
    cq        integer[];
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

    -- A fact whose slot is taken (a round's nonce used, its seed pair rotated out, a pull's
    -- pity moved on) makes its request TAKEN before anything moves, so a worker with a stale
    -- view costs itself one retry and never sinks the batch it shares with others.
    FOR sink IN SELECT c.kind, c.fn FROM fact_checks c WHERE c.kind = ANY (f_kind) LOOP
        -- Read per check, so a request one check made TAKEN is not checked again.
        go := ARRAY(SELECT x = 'GO' FROM unnest(st) WITH ORDINALITY AS u(x, i) ORDER BY i);
        SELECT array_agg(f.q), array_agg(f.u), array_agg(f.ref), array_agg(f.d)
          INTO cq, fu, fr, fd
          FROM unnest(f_q, f_kind, f_user, f_ref, f_data) AS f(q, kind, u, ref, d)
         WHERE f.kind = sink.kind AND go[f.q];
        IF cq IS NOT NULL THEN
            EXECUTE format('SELECT array_agg(t.q) FROM %s($1, $2, $3, $4) AS t(q)', sink.fn)
               INTO taken USING cq, fu, fr, fd;
            IF taken IS NOT NULL THEN
                st := ARRAY(SELECT CASE WHEN x.i = ANY (taken) THEN 'TAKEN' ELSE x.s END
                            FROM unnest(st) WITH ORDINALITY AS x(s, i) ORDER BY x.i);
            END IF;
        END IF;
    END LOOP;

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

-- Items granted by a settle (the shop): {items: [{item, qty}], reason}.
CREATE FUNCTION items_grant_sink(users bigint[], refs text[], data jsonb[], replies bytea[])
RETURNS void LANGUAGE sql AS $$
    SELECT inventory_add(array_agg(f.u), array_agg((it.x->>'item')::bigint),
                         array_agg((it.x->>'qty')::bigint),
                         array_agg(coalesce(f.d->>'reason', 'grant')), array_agg(f.ref))
    FROM unnest(users, refs, data) AS f(u, ref, d),
         jsonb_array_elements(f.d->'items') AS it(x)
$$;
INSERT INTO fact_sinks VALUES ('items', 'items_grant_sink');

-- A new version of a banner's rates (and optionally its pity), pools and featured item copied
-- from the current one: the disclosure changes at once, the pity players have built up
-- stays (it is per banner, not per version). rates: [{rarity, probability}] naming the
-- current rarities in their order; pity: {soft, hard, step} or NULL to keep it. Returns the
-- new version.
CREATE FUNCTION gacha_set_rates(p_banner text, p_rates jsonb, p_pity jsonb, p_note text,
                                p_by text)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    cur   integer;
    nv    integer;
    total bigint;
BEGIN
    SELECT version INTO cur FROM gacha_banners WHERE id = p_banner FOR UPDATE;
    IF cur IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'no_data_found', MESSAGE = 'no banner ' || p_banner;
    END IF;
    IF (SELECT count(*) FROM gacha_rates WHERE banner_id = p_banner AND version = cur)
       <> jsonb_array_length(p_rates)
       OR EXISTS (SELECT 1 FROM jsonb_array_elements(p_rates) WITH ORDINALITY AS x(r, i)
                  LEFT JOIN gacha_rates g ON g.banner_id = p_banner AND g.version = cur
                                         AND g.position = x.i - 1 AND g.rarity = x.r->>'rarity'
                  WHERE g.rarity IS NULL) THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation',
            MESSAGE = 'rates must name the banner''s rarities, rarest first: ' ||
                      (SELECT string_agg(rarity, ', ' ORDER BY position) FROM gacha_rates
                       WHERE banner_id = p_banner AND version = cur);
    END IF;
    SELECT sum((r->>'probability')::bigint) INTO total FROM jsonb_array_elements(p_rates) r;
    IF total <> 1000000 THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation',
            MESSAGE = format('probabilities must sum to 1000000 parts per million, not %s', total);
    END IF;
    nv := cur + 1;
    INSERT INTO gacha_versions (banner_id, version, soft, hard, step, featured, note, created_by)
    SELECT p_banner, nv, coalesce((p_pity->>'soft')::integer, v.soft),
           coalesce((p_pity->>'hard')::integer, v.hard), coalesce((p_pity->>'step')::integer, v.step),
           v.featured, coalesce(p_note, ''), coalesce(p_by, 'unknown')
    FROM gacha_versions v WHERE v.banner_id = p_banner AND v.version = cur;
    INSERT INTO gacha_rates (banner_id, version, position, rarity, probability)
    SELECT p_banner, nv, (x.i - 1)::smallint, x.r->>'rarity', (x.r->>'probability')::integer
    FROM jsonb_array_elements(p_rates) WITH ORDINALITY AS x(r, i);
    INSERT INTO gacha_pool (banner_id, version, rarity, position, item_id)
    SELECT banner_id, nv, rarity, position, item_id FROM gacha_pool
    WHERE banner_id = p_banner AND version = cur;
    UPDATE gacha_banners SET version = nv WHERE id = p_banner;
    RETURN nv;
END
$$;

-- ---- The catalogue: 32 items in four rarities, three banners, the shop. ----

INSERT INTO items (id, name, rarity) VALUES
    (101, 'Neon Katana', 'LEGENDARY'), (102, 'Chrome Dragon', 'LEGENDARY'),
    (103, 'Quantum Crown', 'LEGENDARY'), (104, 'Void Phoenix', 'LEGENDARY'),
    (105, 'Synthwave Throne', 'LEGENDARY'),
    (201, 'Holo Visor', 'EPIC'), (202, 'Plasma Gauntlets', 'EPIC'), (203, 'Circuit Wings', 'EPIC'),
    (204, 'Data Serpent', 'EPIC'), (205, 'Laser Lotus', 'EPIC'), (206, 'Cyber Fox', 'EPIC'),
    (207, 'Glitch Mask', 'EPIC'), (208, 'Ion Blade', 'EPIC'), (209, 'Pulse Jacket', 'EPIC'),
    (301, 'Neon Sneakers', 'RARE'), (302, 'Static Cat', 'RARE'), (303, 'Pixel Shades', 'RARE'),
    (304, 'Bass Cannon', 'RARE'), (305, 'Hover Board', 'RARE'), (306, 'Jade Chip', 'RARE'),
    (307, 'Ember Drone', 'RARE'), (308, 'Frost Deck', 'RARE'), (309, 'Solar Pin', 'RARE'),
    (401, 'Copper Token', 'COMMON'), (402, 'Glow Stick', 'COMMON'), (403, 'Spare Cable', 'COMMON'),
    (404, 'Arcade Ticket', 'COMMON'), (405, 'Street Noodles', 'COMMON'), (406, 'Tin Robot', 'COMMON'),
    (407, 'Foil Sticker', 'COMMON'), (408, 'Retro Cassette', 'COMMON'), (409, 'Bit Charm', 'COMMON');

INSERT INTO gacha_banners (id, name, cost_currency, cost_amount, sort) VALUES
    ('neon_katana', 'Neon Katana Rising', 'coins', 100, 1),
    ('chrome_standard', 'Chrome Standard', 'coins', 50, 2),
    ('gem_vault', 'Synthwave Gem Vault', 'gems', 20, 3);

INSERT INTO gacha_versions (banner_id, version, soft, hard, step, featured, note) VALUES
    ('neon_katana', 1, 74, 90, 60000, 101, 'launch rates'),
    ('chrome_standard', 1, 50, 70, 50000, NULL, 'launch rates'),
    ('gem_vault', 1, 30, 40, 80000, 105, 'launch rates');

INSERT INTO gacha_rates (banner_id, version, position, rarity, probability) VALUES
    ('neon_katana', 1, 0, 'LEGENDARY', 6000), ('neon_katana', 1, 1, 'EPIC', 51000),
    ('neon_katana', 1, 2, 'RARE', 250000), ('neon_katana', 1, 3, 'COMMON', 693000),
    ('chrome_standard', 1, 0, 'LEGENDARY', 10000), ('chrome_standard', 1, 1, 'EPIC', 60000),
    ('chrome_standard', 1, 2, 'RARE', 250000), ('chrome_standard', 1, 3, 'COMMON', 680000),
    ('gem_vault', 1, 0, 'LEGENDARY', 20000), ('gem_vault', 1, 1, 'EPIC', 100000),
    ('gem_vault', 1, 2, 'RARE', 300000), ('gem_vault', 1, 3, 'COMMON', 580000);

-- Top pools list the featured item first; the other rarities hold every item of theirs.
INSERT INTO gacha_pool (banner_id, version, rarity, position, item_id)
SELECT 'neon_katana', 1, 'LEGENDARY', p - 1, id
FROM unnest(ARRAY[101, 102, 103, 104]::bigint[]) WITH ORDINALITY AS x(id, p);
INSERT INTO gacha_pool (banner_id, version, rarity, position, item_id)
SELECT 'chrome_standard', 1, 'LEGENDARY', p - 1, id
FROM unnest(ARRAY[102, 103, 104, 105]::bigint[]) WITH ORDINALITY AS x(id, p);
INSERT INTO gacha_pool (banner_id, version, rarity, position, item_id)
SELECT 'gem_vault', 1, 'LEGENDARY', p - 1, id
FROM unnest(ARRAY[105, 101, 102]::bigint[]) WITH ORDINALITY AS x(id, p);
INSERT INTO gacha_pool (banner_id, version, rarity, position, item_id)
SELECT b.id, 1, i.rarity, (row_number() OVER (PARTITION BY b.id, i.rarity ORDER BY i.id) - 1)::integer, i.id
FROM gacha_banners b CROSS JOIN items i WHERE i.rarity <> 'LEGENDARY';

INSERT INTO shop_offers (sku, name, price_currency, price_amount, grant_coins, grant_gems, sort) VALUES
    ('gem_pouch', 'Gem Pouch', 'coins', 5000, 0, 50, 1),
    ('gem_chest', 'Gem Chest', 'coins', 9000, 0, 100, 2),
    ('coin_stack', 'Coin Stack', 'gems', 25, 3000, 0, 3),
    ('starter_bundle', 'Starter Bundle', 'gems', 30, 2000, 0, 4),
    ('holo_visor', 'Holo Visor', 'gems', 40, 0, 0, 5),
    ('neon_sneakers', 'Neon Sneakers', 'coins', 800, 0, 0, 6);
INSERT INTO shop_offer_items (sku, item_id, qty) VALUES
    ('starter_bundle', 303, 1), ('starter_bundle', 402, 3),
    ('holo_visor', 201, 1), ('neon_sneakers', 301, 1);
