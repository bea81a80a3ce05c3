-- +goose Up
ALTER TABLE programs ADD COLUMN organisation TEXT NOT NULL DEFAULT '';
ALTER TABLE programs ADD COLUMN kind TEXT NOT NULL DEFAULT 'vdp' CHECK (kind IN ('vdp', 'bounty'));
ALTER TABLE programs ADD COLUMN currency TEXT NOT NULL DEFAULT 'EUR';
ALTER TABLE programs ADD COLUMN policy TEXT NOT NULL DEFAULT '';
ALTER TABLE programs ADD COLUMN rules TEXT NOT NULL DEFAULT '';
ALTER TABLE programs ADD COLUMN safe_harbour TEXT NOT NULL DEFAULT '';
ALTER TABLE programs ADD COLUMN guidelines TEXT NOT NULL DEFAULT '';
ALTER TABLE programs ADD COLUMN policy_version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE programs ADD COLUMN contact_email TEXT NOT NULL DEFAULT '';
ALTER TABLE programs ADD COLUMN pgp_key TEXT NOT NULL DEFAULT '';
ALTER TABLE programs ADD COLUMN pgp_fingerprint TEXT NOT NULL DEFAULT '';
-- JSON documents: small, always read and written whole with the program.
ALTER TABLE programs ADD COLUMN links TEXT NOT NULL DEFAULT '[]';
ALTER TABLE programs ADD COLUMN bands TEXT NOT NULL DEFAULT '[]';
ALTER TABLE programs ADD COLUMN validation_days TEXT NOT NULL DEFAULT '{}';
ALTER TABLE programs ADD COLUMN calendar TEXT NOT NULL DEFAULT '{}';
ALTER TABLE programs ADD COLUMN retest_bonus BIGINT NOT NULL DEFAULT 0;
ALTER TABLE programs ADD COLUMN needs_info_days INTEGER NOT NULL DEFAULT 30;
ALTER TABLE programs ADD COLUMN updated_at TIMESTAMP;

CREATE TABLE assets (
    id              INTEGER PRIMARY KEY,
    program_id      BIGINT NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    name            TEXT NOT NULL,
    type            TEXT NOT NULL CHECK (type IN ('package', 'repository', 'web', 'api', 'mobile', 'other')),
    identifier      TEXT NOT NULL DEFAULT '',
    tier            INTEGER NOT NULL DEFAULT 1,
    in_scope        BOOLEAN NOT NULL DEFAULT TRUE,
    bounty_eligible BOOLEAN NOT NULL DEFAULT TRUE,
    max_severity    TEXT NOT NULL DEFAULT '',
    description     TEXT NOT NULL DEFAULT '',
    instructions    TEXT NOT NULL DEFAULT '',
    position        INTEGER NOT NULL DEFAULT 0,
    archived_at     TIMESTAMP,
    created_at      TIMESTAMP NOT NULL
);
CREATE INDEX assets_program ON assets(program_id);

CREATE TABLE rewards (
    program_id BIGINT NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    tier       INTEGER NOT NULL,
    severity   TEXT NOT NULL,
    min_amount BIGINT NOT NULL,
    max_amount BIGINT NOT NULL,
    PRIMARY KEY (program_id, tier, severity),
    CHECK (min_amount >= 0 AND max_amount >= min_amount)
);

-- Out-of-scope classes keep their id for ever: closed reports cite them.
-- A removed class is archived, not deleted.
CREATE TABLE out_of_scope (
    id          INTEGER PRIMARY KEY,
    program_id  BIGINT NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    text        TEXT NOT NULL,
    position    INTEGER NOT NULL DEFAULT 0,
    archived_at TIMESTAMP
);
CREATE INDEX out_of_scope_program ON out_of_scope(program_id);

CREATE TABLE policy_versions (
    program_id   BIGINT NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    version      INTEGER NOT NULL,
    policy       TEXT NOT NULL,
    rules        TEXT NOT NULL,
    safe_harbour TEXT NOT NULL,
    guidelines   TEXT NOT NULL,
    out_of_scope TEXT NOT NULL DEFAULT '[]',
    author_id    BIGINT NOT NULL DEFAULT 0,
    created_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (program_id, version)
);

CREATE TABLE program_updates (
    id           INTEGER PRIMARY KEY,
    program_id   BIGINT NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    title        TEXT NOT NULL,
    body         TEXT NOT NULL,
    author_id    BIGINT NOT NULL DEFAULT 0,
    created_at   TIMESTAMP NOT NULL,
    published_at TIMESTAMP
);
CREATE INDEX program_updates_program ON program_updates(program_id);

CREATE TABLE activity (
    id         INTEGER PRIMARY KEY,
    program_id BIGINT NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    type       TEXT NOT NULL,
    text       TEXT NOT NULL,
    at         TIMESTAMP NOT NULL
);
CREATE INDEX activity_program ON activity(program_id, at);

CREATE TABLE invitations (
    id          INTEGER PRIMARY KEY,
    program_id  BIGINT NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    email       TEXT NOT NULL,
    role        TEXT NOT NULL CHECK (role IN ('viewer', 'triager', 'owner')),
    token_hash  TEXT NOT NULL UNIQUE,
    invited_by  BIGINT NOT NULL DEFAULT 0,
    created_at  TIMESTAMP NOT NULL,
    expires_at  TIMESTAMP NOT NULL,
    accepted_at TIMESTAMP,
    revoked_at  TIMESTAMP
);
CREATE INDEX invitations_program ON invitations(program_id);

CREATE TABLE feedback (
    id         INTEGER PRIMARY KEY,
    program_id BIGINT NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    body       TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX feedback_program ON feedback(program_id);

CREATE TABLE canned_responses (
    id         INTEGER PRIMARY KEY,
    program_id BIGINT NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    title      TEXT NOT NULL,
    body       TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX canned_responses_program ON canned_responses(program_id);

-- +goose Down
SELECT 'down migrations are not supported: restore a backup';
