package haven

import (
	"testing"
	"time"
)

func mustTime(t *testing.T) time.Time {
	t.Helper()
	return time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
}
