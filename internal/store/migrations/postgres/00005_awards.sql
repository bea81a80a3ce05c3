-- +goose Up
-- Money awarded on reports: one bounty per report at most, any number of
-- bonuses (a retest bonus, for example). Amounts in minor units of the
-- program's currency at the time of the award.
CREATE TABLE awards (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    report_id  BIGINT NOT NULL REFERENCES reports(id),
    program_id BIGINT NOT NULL REFERENCES programs(id),
    kind       TEXT NOT NULL CHECK (kind IN ('bounty', 'bonus')),
    amount     BIGINT NOT NULL CHECK (amount > 0),
    currency   TEXT NOT NULL,
    reason     TEXT NOT NULL DEFAULT '',
    status     TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'paid')),
    -- nonce makes a submitted award form count once, however often it is sent.
    nonce      TEXT NOT NULL,
    awarded_by BIGINT NOT NULL REFERENCES users(id),
    created_at TIMESTAMPTZ NOT NULL,
    paid_at    TIMESTAMPTZ
);
CREATE UNIQUE INDEX awards_one_bounty ON awards(report_id) WHERE kind = 'bounty';
CREATE UNIQUE INDEX awards_nonce ON awards(report_id, nonce);
CREATE INDEX awards_program ON awards(program_id, created_at);

-- +goose Down
SELECT 'down migrations are not supported: restore a backup';
