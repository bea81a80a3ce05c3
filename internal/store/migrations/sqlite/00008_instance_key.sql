-- +goose Up
-- The instance's secret key, by fingerprint: the key itself is in a file
-- beside the database (--secret-key-file), never in it. check_value is a
-- known text sealed with the key, so that start-up can prove the key file
-- belongs to this database and refuse to run on data it cannot decrypt.
CREATE TABLE instance_key (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    key_id      TEXT NOT NULL,
    check_value TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL
);

-- +goose Down
SELECT 'down migrations are not supported: restore a backup';
