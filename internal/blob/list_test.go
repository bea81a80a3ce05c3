package blob

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestDirListAndSweepTemp checks that List names every stored key with its
// time and skips temporary files, and that SweepTemp removes only
// temporary files older than its cutoff.
func TestDirListAndSweepTemp(t *testing.T) {
	ctx := context.Background()
	d, err := NewDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	keys := []string{"aa1", "ab2", "zz-3"}
	for _, k := range keys {
		if _, _, err := d.Put(ctx, k, strings.NewReader(k), 10); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-48 * time.Hour)
	stale := filepath.Join(d.Path(), "aa", ".tmp-stale")
	fresh := filepath.Join(d.Path(), "aa", ".tmp-fresh")
	for _, p := range []string{stale, fresh} {
		if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chtimes(stale, old, old); err != nil {
		t.Fatal(err)
	}
	var got []string
	err = d.List(ctx, func(key string, stored time.Time) error {
		if time.Since(stored) > time.Hour {
			t.Errorf("%s: stored %v, want just now", key, stored)
		}
		got = append(got, key)
		return nil
	})
	slices.Sort(got)
	if err != nil || !slices.Equal(got, keys) {
		t.Errorf("List = %q, %v; want %q", got, err, keys)
	}
	n, err := d.SweepTemp(ctx, time.Now().Add(-24*time.Hour))
	if err != nil || n != 1 {
		t.Errorf("SweepTemp = %d, %v; want 1", n, err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("the stale temporary file is still there: %v", err)
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Errorf("the fresh temporary file was removed: %v", err)
	}
	// An error from fn stops List and comes back.
	stop := os.ErrClosed
	if err := d.List(ctx, func(string, time.Time) error { return stop }); err != stop {
		t.Errorf("List with a failing fn = %v, want %v", err, stop)
	}
}
