-- +goose Up
-- Report lists (store.Reports) read the viewer's programs' open reports by
-- deadline: the inbox, its state filters, and the overdue and due-soon views.
CREATE INDEX reports_open ON reports(program_id, validation_deadline, submitted_at DESC, id DESC)
    WHERE state IN ('new', 'triaged', 'needs_info');

-- +goose Down
SELECT 'down migrations are not supported: restore a backup';
