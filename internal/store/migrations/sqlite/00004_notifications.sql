-- +goose Up
-- Per-account choice: e-mails say that something happened and link to it,
-- without the report's title or text.
ALTER TABLE users ADD COLUMN mail_no_content BOOLEAN NOT NULL DEFAULT FALSE;

-- In-app notices about reports, one row per recipient.
CREATE TABLE notifications (
    id         INTEGER PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    report_id  BIGINT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    text       TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    read_at    TIMESTAMP
);
CREATE INDEX notifications_user ON notifications(user_id, created_at);

-- +goose Down
SELECT 'down migrations are not supported: restore a backup';
