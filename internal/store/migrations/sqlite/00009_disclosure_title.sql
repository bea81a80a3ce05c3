-- +goose Up
-- A summary disclosure may publish a title of its own, when the report's
-- title says too much.
ALTER TABLE reports ADD COLUMN disclosure_title TEXT NOT NULL DEFAULT '';
ALTER TABLE disclosure_requests ADD COLUMN title TEXT NOT NULL DEFAULT '';

-- +goose Down
SELECT 'down migrations are not supported: restore a backup';
