-- Accounts, invites, sessions, wallets with a double-entry ledger, idempotency keys,
-- provably-fair seeds and game rounds.

CREATE TABLE invites (
    code        text PRIMARY KEY,
    rank        text NOT NULL CHECK (rank IN ('STANDARD', 'PREMIUM', 'VIP')),
    uses_left   integer NOT NULL CHECK (uses_left >= 0),
    expires_at  timestamptz,
    note        text,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
    id            bigserial PRIMARY KEY,
    username      text NOT NULL,
    password_hash text NOT NULL,
    rank          text NOT NULL CHECK (rank IN ('STANDARD', 'PREMIUM', 'VIP')),
    segment       text NOT NULL DEFAULT 'new',
    banned        boolean NOT NULL DEFAULT false,
    invite_code   text REFERENCES invites (code),
    created_at    timestamptz NOT NULL DEFAULT now()
);
-- Usernames are unique regardless of case, so "Neo" and "neo" are one player.
CREATE UNIQUE INDEX users_username_key ON users (lower(username));

-- Opaque refresh tokens, stored as SHA-256 of the token. A family is one login's chain of
-- rotations; reusing a spent token revokes the whole family.
CREATE TABLE refresh_tokens (
    id          bigserial PRIMARY KEY,
    user_id     bigint NOT NULL REFERENCES users (id),
    family      bigint NOT NULL,
    token_hash  bytea NOT NULL UNIQUE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    spent_at    timestamptz,
    revoked_at  timestamptz
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family);
CREATE SEQUENCE refresh_family_seq;

CREATE TABLE wallets (
    user_id     bigint PRIMARY KEY REFERENCES users (id),
    coins       bigint NOT NULL DEFAULT 0 CHECK (coins >= 0),
    gems        bigint NOT NULL DEFAULT 0 CHECK (gems >= 0),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Double entry: every movement of a user's balance has its counter-entry on a system
-- account ('house' for games, 'promo' for grants), so SUM(delta) per currency is always 0
-- and a user's entries sum to the user's balance. System accounts keep no balance row: a
-- single hot row would serialise every wallet worker.
CREATE SEQUENCE ledger_txn_seq;
CREATE TABLE ledger (
    id            bigserial PRIMARY KEY,
    txn           bigint NOT NULL,
    account       text NOT NULL,
    user_id       bigint REFERENCES users (id),
    currency      text NOT NULL CHECK (currency IN ('coins', 'gems')),
    delta         bigint NOT NULL,
    balance_after bigint,
    reason        text NOT NULL,
    ref           text,
    at            timestamptz NOT NULL DEFAULT now(),
    CHECK ((account = 'user') = (user_id IS NOT NULL))
);
CREATE INDEX ledger_user ON ledger (user_id, id DESC) WHERE user_id IS NOT NULL;

-- A used idempotency key: the request's hash and the reply's data, with the balance it
-- reported, so a retry gets the same bytes back and a different request gets CONFLICT.
CREATE TABLE idem_keys (
    user_id     bigint NOT NULL REFERENCES users (id),
    key         text NOT NULL,
    op          text NOT NULL,
    req_hash    bytea NOT NULL,
    reply       bytea,
    coins       bigint,
    gems        bigint,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, key)
);

CREATE TABLE daily_claims (
    user_id     bigint NOT NULL REFERENCES users (id),
    day         date NOT NULL,
    PRIMARY KEY (user_id, day)
);

CREATE TABLE fair_seeds (
    id                bigserial PRIMARY KEY,
    user_id           bigint NOT NULL REFERENCES users (id),
    server_seed       text NOT NULL,
    server_seed_hash  text NOT NULL,
    client_seed       text NOT NULL,
    active            boolean NOT NULL DEFAULT true,
    created_at        timestamptz NOT NULL DEFAULT now(),
    revealed_at       timestamptz
);
CREATE UNIQUE INDEX fair_seeds_active ON fair_seeds (user_id) WHERE active;

-- One row per played round, written in the same transaction as its money movement.
-- (seed_id, nonce) is unique: a nonce is never used twice under one seed pair.
CREATE TABLE rounds (
    id          text PRIMARY KEY,
    user_id     bigint NOT NULL REFERENCES users (id),
    game        text NOT NULL,
    seed_id     bigint NOT NULL REFERENCES fair_seeds (id),
    nonce       bigint NOT NULL,
    bet         bigint NOT NULL,
    win         bigint NOT NULL,
    outcome     bytea NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (seed_id, nonce)
);
CREATE INDEX rounds_user ON rounds (user_id, created_at DESC);

-- The one place a balance changes. Applies the movements in order (a bet must be covered
-- before its win is added), writes each with its counter-entry, the round and the
-- idempotency key, or changes nothing and says why:
--   OK | REPLAY (same idem, same request: the stored reply) | CONFLICT (same idem, other
--   request) | INSUFFICIENT_FUNDS | STALE_NONCE (the round's nonce is already used) |
--   ALREADY_CLAIMED (p_claim_day already claimed) | NOT_FOUND (no wallet)
CREATE FUNCTION wallet_settle(
    p_user bigint, p_idem text, p_op text, p_req_hash bytea,
    p_currency text[], p_delta bigint[], p_reason text[], p_counter text, p_ref text,
    p_round_id text, p_game text, p_seed_id bigint, p_nonce bigint, p_bet bigint,
    p_win bigint, p_outcome bytea, p_claim_day date, p_reply bytea,
    OUT status text, OUT coins bigint, OUT gems bigint, OUT reply bytea)
LANGUAGE plpgsql AS $$
DECLARE
    k   record;
    c0  bigint;
    g0  bigint;
    c   bigint;
    g   bigint;
    t   bigint;
BEGIN
    IF p_idem IS NOT NULL THEN
        SELECT * INTO k FROM idem_keys WHERE user_id = p_user AND key = p_idem;
        IF FOUND THEN
            IF k.op = p_op AND k.req_hash = p_req_hash THEN
                status := 'REPLAY'; coins := k.coins; gems := k.gems; reply := k.reply;
            ELSE
                status := 'CONFLICT';
            END IF;
            RETURN;
        END IF;
    END IF;
    IF p_round_id IS NOT NULL
       AND EXISTS (SELECT 1 FROM rounds r WHERE r.seed_id = p_seed_id AND r.nonce = p_nonce) THEN
        status := 'STALE_NONCE';
        RETURN;
    END IF;
    SELECT w.coins, w.gems INTO c0, g0 FROM wallets w WHERE w.user_id = p_user FOR UPDATE;
    IF NOT FOUND THEN
        status := 'NOT_FOUND';
        RETURN;
    END IF;
    c := c0; g := g0;
    FOR i IN 1 .. coalesce(array_length(p_delta, 1), 0) LOOP
        IF p_currency[i] = 'coins' THEN c := c + p_delta[i]; ELSE g := g + p_delta[i]; END IF;
        IF c < 0 OR g < 0 THEN
            status := 'INSUFFICIENT_FUNDS'; coins := c0; gems := g0;
            RETURN;
        END IF;
    END LOOP;
    IF p_claim_day IS NOT NULL THEN
        INSERT INTO daily_claims (user_id, day) VALUES (p_user, p_claim_day) ON CONFLICT DO NOTHING;
        IF NOT FOUND THEN
            status := 'ALREADY_CLAIMED'; coins := c0; gems := g0;
            RETURN;
        END IF;
    END IF;
    t := nextval('ledger_txn_seq');
    UPDATE wallets SET coins = c, gems = g, updated_at = now() WHERE user_id = p_user;
    WITH m AS (
        SELECT cur, d, r, n FROM unnest(p_currency, p_delta, p_reason) WITH ORDINALITY AS x(cur, d, r, n)
        WHERE d <> 0
    )
    INSERT INTO ledger (txn, account, user_id, currency, delta, balance_after, reason, ref)
    SELECT t, 'user', p_user, cur, d,
           CASE WHEN cur = 'coins' THEN c0 ELSE g0 END + sum(d) OVER (PARTITION BY cur ORDER BY n),
           r, p_ref
    FROM m
    UNION ALL
    SELECT t, p_counter, NULL, cur, -d, NULL, r, p_ref FROM m;
    IF p_round_id IS NOT NULL THEN
        INSERT INTO rounds (id, user_id, game, seed_id, nonce, bet, win, outcome)
        VALUES (p_round_id, p_user, p_game, p_seed_id, p_nonce, p_bet, p_win, p_outcome);
    END IF;
    IF p_idem IS NOT NULL THEN
        INSERT INTO idem_keys (user_id, key, op, req_hash, reply, coins, gems)
        VALUES (p_user, p_idem, p_op, p_req_hash, p_reply, c, g);
    END IF;
    status := 'OK'; coins := c; gems := g; reply := p_reply;
END
$$;
