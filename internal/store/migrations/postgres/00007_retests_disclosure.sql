-- +goose Up
-- Known issues: vulnerabilities a program already knows (from its own
-- tests); reports of them close as duplicates of the known issue.
CREATE TABLE known_issues (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    public_id   TEXT NOT NULL UNIQUE,
    program_id  BIGINT NOT NULL REFERENCES programs(id),
    title       TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created_by  BIGINT NOT NULL REFERENCES users(id),
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    archived_at TIMESTAMPTZ
);
CREATE INDEX known_issues_program ON known_issues(program_id, created_at);

ALTER TABLE reports ADD COLUMN duplicate_known_id BIGINT REFERENCES known_issues(id);
-- Disclosure: set once both sides agreed. mode is 'full' or 'summary' (the
-- program's redacted summary is published instead of the report).
ALTER TABLE reports ADD COLUMN disclosed_at TIMESTAMPTZ;
ALTER TABLE reports ADD COLUMN disclosure_mode TEXT NOT NULL DEFAULT '';
ALTER TABLE reports ADD COLUMN disclosure_summary TEXT NOT NULL DEFAULT '';
CREATE INDEX reports_disclosed ON reports(program_id, disclosed_at) WHERE disclosed_at IS NOT NULL;
CREATE INDEX reports_known_issue ON reports(duplicate_known_id) WHERE duplicate_known_id IS NOT NULL;

-- Files attached to a report, a comment or a retest answer. The bytes live
-- in the blob store under public_id (generated, never the upload's name).
CREATE TABLE attachments (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    public_id    TEXT NOT NULL UNIQUE,
    report_id    BIGINT NOT NULL REFERENCES reports(id),
    uploader_id  BIGINT NOT NULL REFERENCES users(id),
    comment_id   BIGINT REFERENCES comments(id),
    retest_id    BIGINT,
    filename     TEXT NOT NULL,
    content_type TEXT NOT NULL,
    image        BOOLEAN NOT NULL DEFAULT FALSE,
    size         BIGINT NOT NULL CHECK (size >= 0),
    sha256       TEXT NOT NULL,
    internal     BOOLEAN NOT NULL DEFAULT FALSE,
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX attachments_report ON attachments(report_id, created_at);

-- Retests ("check our fix"): the program asks the original researcher to
-- confirm a fix, with an optional bonus and a deadline.
CREATE TABLE retests (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    report_id       BIGINT NOT NULL REFERENCES reports(id),
    requested_by    BIGINT NOT NULL REFERENCES users(id),
    requested_at    TIMESTAMPTZ NOT NULL,
    deadline        TIMESTAMPTZ NOT NULL,
    bonus           BIGINT NOT NULL DEFAULT 0 CHECK (bonus >= 0),
    currency        TEXT NOT NULL,
    note            TEXT NOT NULL DEFAULT '',
    state           TEXT NOT NULL CHECK (state IN ('requested', 'answered', 'approved', 'rejected', 'expired', 'withdrawn')),
    result          TEXT NOT NULL DEFAULT '' CHECK (result IN ('', 'fixed', 'not_fixed')),
    answer          TEXT NOT NULL DEFAULT '',
    answered_at     TIMESTAMPTZ,
    decided_by      BIGINT REFERENCES users(id),
    decided_at      TIMESTAMPTZ,
    decision_reason TEXT NOT NULL DEFAULT '',
    award_id        BIGINT REFERENCES awards(id)
);
CREATE INDEX retests_report ON retests(report_id, requested_at);
-- One retest in progress per report.
CREATE UNIQUE INDEX retests_open ON retests(report_id) WHERE state IN ('requested', 'answered');
CREATE INDEX retests_deadline ON retests(deadline) WHERE state = 'requested';

-- Disclosure requests: either side asks, the other agrees or declines.
CREATE TABLE disclosure_requests (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    report_id    BIGINT NOT NULL REFERENCES reports(id),
    requested_by BIGINT NOT NULL REFERENCES users(id),
    side         TEXT NOT NULL CHECK (side IN ('reporter', 'program')),
    mode         TEXT NOT NULL DEFAULT '' CHECK (mode IN ('', 'full', 'summary')),
    summary      TEXT NOT NULL DEFAULT '',
    message      TEXT NOT NULL DEFAULT '',
    state        TEXT NOT NULL CHECK (state IN ('open', 'agreed', 'declined', 'withdrawn')),
    created_at   TIMESTAMPTZ NOT NULL,
    decided_by   BIGINT REFERENCES users(id),
    decided_at   TIMESTAMPTZ,
    reason       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX disclosure_requests_report ON disclosure_requests(report_id, created_at);
CREATE UNIQUE INDEX disclosure_requests_open ON disclosure_requests(report_id) WHERE state = 'open';

-- +goose Down
SELECT 'down migrations are not supported: restore a backup';
