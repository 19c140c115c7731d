-- The player's notifications: what the bell in the client lists. Written by the domain that
-- has something to say (a welcome at registration; rewards, announcements and admin messages
-- later), read and marked read by the notify domain.
CREATE TABLE notifications (
    id          bigserial PRIMARY KEY,
    user_id     bigint NOT NULL REFERENCES users (id),
    kind        text NOT NULL CHECK (kind IN ('reward', 'announce', 'admin', 'system')),
    title       text NOT NULL,
    body        text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now(),
    read_at     timestamptz
);
CREATE INDEX notifications_user ON notifications (user_id, id DESC);
-- The unread count is asked for on every list: an index of just the unread rows keeps it a
-- count of a few entries however long the history grows.
CREATE INDEX notifications_unread ON notifications (user_id) WHERE read_at IS NULL;

-- Every existing player gets the welcome a new one gets, so the bell is not empty for them.
INSERT INTO notifications (user_id, kind, title, body, created_at)
SELECT id, 'system', 'Welcome to Casino-Club', 'Your account is ready: play, climb the boards and check this bell for rewards.', created_at
FROM users;
