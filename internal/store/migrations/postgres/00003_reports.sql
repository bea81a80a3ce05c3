-- +goose Up
CREATE TABLE reports (
    id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    public_id           TEXT NOT NULL UNIQUE,
    program_id          BIGINT NOT NULL REFERENCES programs(id),
    asset_id            BIGINT NOT NULL REFERENCES assets(id),
    reporter_id         BIGINT NOT NULL REFERENCES users(id),
    title               TEXT NOT NULL,
    weakness            TEXT NOT NULL DEFAULT '',
    cvss_vector         TEXT NOT NULL DEFAULT '',
    cvss_score          DOUBLE PRECISION NOT NULL DEFAULT 0,
    severity            TEXT NOT NULL DEFAULT '',
    description         TEXT NOT NULL,
    steps               TEXT NOT NULL DEFAULT '',
    impact              TEXT NOT NULL DEFAULT '',
    state               TEXT NOT NULL CHECK (state IN ('new', 'triaged', 'needs_info', 'accepted', 'resolved',
                            'duplicate', 'out_of_scope', 'informative', 'not_applicable', 'spam')),
    policy_version      INTEGER NOT NULL,
    duplicate_of        BIGINT REFERENCES reports(id),
    out_of_scope_id     BIGINT REFERENCES out_of_scope(id),
    assignee_id         BIGINT REFERENCES users(id),
    submitted_at        TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL,
    state_changed_at    TIMESTAMPTZ NOT NULL,
    validation_deadline TIMESTAMPTZ
);
CREATE INDEX reports_program ON reports(program_id, state);
CREATE INDEX reports_reporter ON reports(reporter_id);
CREATE INDEX reports_deadline ON reports(program_id, validation_deadline);
CREATE INDEX reports_duplicate ON reports(duplicate_of);

CREATE TABLE report_events (
    id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    report_id BIGINT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    actor_id  BIGINT NOT NULL DEFAULT 0,
    at        TIMESTAMPTZ NOT NULL,
    kind      TEXT NOT NULL,
    from_value TEXT NOT NULL DEFAULT '',
    to_value  TEXT NOT NULL DEFAULT '',
    reason    TEXT NOT NULL DEFAULT '',
    internal  BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX report_events_report ON report_events(report_id, at);

CREATE TABLE comments (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    report_id  BIGINT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    author_id  BIGINT NOT NULL REFERENCES users(id),
    body       TEXT NOT NULL,
    internal   BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX comments_report ON comments(report_id, created_at);

-- API idempotency: the same key and body give the same answer.
CREATE TABLE idempotency_keys (
    user_id    BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    endpoint   TEXT NOT NULL,
    key        TEXT NOT NULL,
    body_hash  TEXT NOT NULL,
    result     TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (user_id, endpoint, key)
);

-- +goose Down
SELECT 'down migrations are not supported: restore a backup';
