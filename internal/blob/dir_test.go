package blob

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func newTestDir(t testing.TB) (*Dir, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "attachments")
	d, err := NewDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d, dir
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// files lists every file (not directory) under dir, relative to it.
func files(t *testing.T, dir string) []string {
	t.Helper()
	var names []string
	err := filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !e.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			names = append(names, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return names
}

func readBlob(t *testing.T, d *Dir, key string) []byte {
	t.Helper()
	rc, err := d.Open(context.Background(), key)
	if err != nil {
		t.Fatalf("Open(%q): %v", key, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestNewDirMode(t *testing.T) {
	_, dir := newTestDir(t)
	fi, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != 0o700 {
		t.Errorf("mode = %v, want 0700", got)
	}
}

func TestPutOpenRoundTrip(t *testing.T) {
	d, dir := newTestDir(t)
	ctx := context.Background()
	for _, tc := range []struct {
		key     string
		content []byte
	}{
		{"a", nil},
		{"ab", []byte("x")},
		{"abcdef-0123", []byte("hello, world\n")},
		{"0-big", bytes.Repeat([]byte("0123456789abcdef"), 100_000)}, // 1.6 MB, many reads
		{strings.Repeat("z", 100), []byte{0, 1, 2, 255}},
	} {
		size, sum, err := d.Put(ctx, tc.key, bytes.NewReader(tc.content), 10<<20)
		if err != nil {
			t.Fatalf("Put(%q): %v", tc.key, err)
		}
		if size != int64(len(tc.content)) {
			t.Errorf("Put(%q) size = %d, want %d", tc.key, size, len(tc.content))
		}
		if want := sha256Hex(tc.content); sum != want {
			t.Errorf("Put(%q) sha256 = %s, want %s", tc.key, sum, want)
		}
		if got := readBlob(t, d, tc.key); !bytes.Equal(got, tc.content) {
			t.Errorf("Open(%q) read %d bytes, want the %d stored", tc.key, len(got), len(tc.content))
		}
		sub := tc.key[:min(2, len(tc.key))]
		fi, err := os.Stat(filepath.Join(dir, sub, tc.key))
		if err != nil {
			t.Fatalf("blob %q not in fan-out place: %v", tc.key, err)
		}
		if got := fi.Mode().Perm(); got != 0o600 {
			t.Errorf("blob %q mode = %v, want 0600", tc.key, got)
		}
		sfi, err := os.Stat(filepath.Join(dir, sub))
		if err != nil {
			t.Fatal(err)
		}
		if got := sfi.Mode().Perm(); got != 0o700 {
			t.Errorf("fan-out dir %q mode = %v, want 0700", sub, got)
		}
	}
	// Only the blobs: no temporary file is left behind.
	if got, want := len(files(t, dir)), 5; got != want {
		t.Errorf("files in dir = %v, want %d blobs", files(t, dir), want)
	}
}

func TestPutLimit(t *testing.T) {
	const limit = 1000
	for _, tc := range []struct {
		name    string
		size    int
		wantErr error
	}{
		{"empty", 0, nil},
		{"under", limit - 1, nil},
		{"exactly", limit, nil},
		{"one over", limit + 1, ErrTooLarge},
		{"far over", 50 * limit, ErrTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, dir := newTestDir(t)
			content := bytes.Repeat([]byte{'x'}, tc.size)
			// One-byte reads exercise the limit arithmetic too.
			for key, r := range map[string]io.Reader{
				"whole":    bytes.NewReader(content),
				"one-byte": oneByteReader{bytes.NewReader(content)},
			} {
				size, _, err := d.Put(context.Background(), key, r, limit)
				if !errors.Is(err, tc.wantErr) || (tc.wantErr == nil) != (err == nil) {
					t.Fatalf("Put of %d bytes with limit %d: err = %v, want %v", tc.size, limit, err, tc.wantErr)
				}
				if err == nil && size != int64(tc.size) {
					t.Errorf("size = %d, want %d", size, tc.size)
				}
			}
			if tc.wantErr != nil {
				if got := files(t, dir); len(got) != 0 {
					t.Errorf("failed Put left files: %v", got)
				}
			}
		})
	}
}

type oneByteReader struct{ r io.Reader }

func (o oneByteReader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	return o.r.Read(p[:1])
}

func TestPutNegativeLimit(t *testing.T) {
	d, _ := newTestDir(t)
	if _, _, err := d.Put(context.Background(), "k", strings.NewReader(""), -1); err == nil {
		t.Error("Put with limit -1: no error")
	}
}

func TestPutExistingKey(t *testing.T) {
	d, dir := newTestDir(t)
	ctx := context.Background()
	if _, _, err := d.Put(ctx, "report-1", strings.NewReader("first"), 100); err != nil {
		t.Fatal(err)
	}
	_, _, err := d.Put(ctx, "report-1", strings.NewReader("second"), 100)
	if !errors.Is(err, ErrExists) {
		t.Errorf("second Put: err = %v, want ErrExists", err)
	}
	if got := string(readBlob(t, d, "report-1")); got != "first" {
		t.Errorf("content = %q, want %q", got, "first")
	}
	if got := files(t, dir); len(got) != 1 {
		t.Errorf("files = %v, want only the first blob", got)
	}
}

// racingReader stores the same key through another Put on its first read,
// as a concurrent upload would while this one is still streaming.
type racingReader struct {
	t    *testing.T
	d    *Dir
	key  string
	done bool
}

func (r *racingReader) Read(p []byte) (int, error) {
	if r.done {
		return 0, io.EOF
	}
	r.done = true
	if _, _, err := r.d.Put(context.Background(), r.key, strings.NewReader("first"), 100); err != nil {
		r.t.Errorf("inner Put: %v", err)
	}
	return copy(p, "second"), nil
}

// TestPutKeyTakenDuringUpload checks the link, not the early check: a key
// stored while a Put streams is kept, and the late Put fails cleanly.
func TestPutKeyTakenDuringUpload(t *testing.T) {
	d, dir := newTestDir(t)
	_, _, err := d.Put(context.Background(), "taken", &racingReader{t: t, d: d, key: "taken"}, 100)
	if !errors.Is(err, ErrExists) {
		t.Errorf("Put: err = %v, want ErrExists", err)
	}
	if got := string(readBlob(t, d, "taken")); got != "first" {
		t.Errorf("content = %q, want %q", got, "first")
	}
	if got := files(t, dir); len(got) != 1 {
		t.Errorf("files = %v, want one blob", got)
	}
}

// TestPutExistingKeyRace runs many Puts of one key at once: exactly one
// wins, and its content stays.
func TestPutExistingKeyRace(t *testing.T) {
	d, dir := newTestDir(t)
	const n = 16
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		won  []string
		errs []error
	)
	for i := range n {
		wg.Go(func() {
			content := fmt.Sprintf("writer %d", i)
			_, _, err := d.Put(context.Background(), "same", strings.NewReader(content), 100)
			mu.Lock()
			defer mu.Unlock()
			if err == nil {
				won = append(won, content)
			} else {
				errs = append(errs, err)
			}
		})
	}
	wg.Wait()
	if len(won) != 1 {
		t.Fatalf("%d Puts succeeded, want 1", len(won))
	}
	for _, err := range errs {
		if !errors.Is(err, ErrExists) {
			t.Errorf("losing Put: err = %v, want ErrExists", err)
		}
	}
	if got := string(readBlob(t, d, "same")); got != won[0] {
		t.Errorf("content = %q, want the winner's %q", got, won[0])
	}
	if got := files(t, dir); len(got) != 1 {
		t.Errorf("files = %v, want one blob", got)
	}
}

func TestBadKeys(t *testing.T) {
	d, dir := newTestDir(t)
	ctx := context.Background()
	// A file beside the store that traversal would reach.
	outside := filepath.Join(filepath.Dir(dir), "x")
	if err := os.WriteFile(outside, []byte("secret"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{
		"", "../x", "..", ".", "a/b", `a\b`, "/etc/passwd", "ABC", "aBc",
		"a.b", "a b", "a_b", "é", "a\x00", strings.Repeat("a", 101),
	} {
		if _, _, err := d.Put(ctx, key, strings.NewReader("data"), 100); !errors.Is(err, ErrInvalidKey) {
			t.Errorf("Put(%q): err = %v, want ErrInvalidKey", key, err)
		}
		if _, err := d.Open(ctx, key); !errors.Is(err, ErrInvalidKey) {
			t.Errorf("Open(%q): err = %v, want ErrInvalidKey", key, err)
		}
		if err := d.Delete(ctx, key); !errors.Is(err, ErrInvalidKey) {
			t.Errorf("Delete(%q): err = %v, want ErrInvalidKey", key, err)
		}
	}
	if got := files(t, dir); len(got) != 0 {
		t.Errorf("bad keys left files: %v", got)
	}
	if b, err := os.ReadFile(outside); err != nil || string(b) != "secret" {
		t.Errorf("file outside the store: %q, %v", b, err)
	}
	// The longest valid key works.
	if _, _, err := d.Put(ctx, strings.Repeat("a", 100), strings.NewReader("ok"), 100); err != nil {
		t.Errorf("Put with 100-character key: %v", err)
	}
}

func TestOpenMissing(t *testing.T) {
	d, _ := newTestDir(t)
	for _, key := range []string{"missing", "m"} {
		if _, err := d.Open(context.Background(), key); !errors.Is(err, ErrNotFound) {
			t.Errorf("Open(%q): err = %v, want ErrNotFound", key, err)
		}
	}
}

func TestDelete(t *testing.T) {
	d, dir := newTestDir(t)
	ctx := context.Background()
	if _, _, err := d.Put(ctx, "gone", strings.NewReader("data"), 100); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		if err := d.Delete(ctx, "gone"); err != nil {
			t.Errorf("Delete #%d: %v", i+1, err)
		}
	}
	if err := d.Delete(ctx, "never-stored"); err != nil {
		t.Errorf("Delete of a key never stored: %v", err)
	}
	if _, err := d.Open(ctx, "gone"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Open after Delete: err = %v, want ErrNotFound", err)
	}
	if got := files(t, dir); len(got) != 0 {
		t.Errorf("files after Delete: %v", got)
	}
	// The key can be used again once deleted.
	if _, _, err := d.Put(ctx, "gone", strings.NewReader("again"), 100); err != nil {
		t.Errorf("Put after Delete: %v", err)
	}
}

// cancelReader cancels its context after the first read.
type cancelReader struct {
	cancel context.CancelFunc
	reads  int
}

func (c *cancelReader) Read(p []byte) (int, error) {
	c.reads++
	c.cancel()
	for i := range p {
		p[i] = 'x'
	}
	return len(p), nil // endless
}

func TestPutCancelled(t *testing.T) {
	d, dir := newTestDir(t)

	ctx, cancel := context.WithCancel(context.Background())
	r := &cancelReader{cancel: cancel}
	_, _, err := d.Put(ctx, "cancelled", r, 1<<40)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Put: err = %v, want context.Canceled", err)
	}
	if r.reads != 1 {
		t.Errorf("Put read %d times after cancellation, want 1 read in all", r.reads)
	}

	// Already cancelled: nothing is read.
	r2 := &cancelReader{cancel: func() {}}
	if _, _, err := d.Put(ctx, "cancelled-before", r2, 100); !errors.Is(err, context.Canceled) {
		t.Errorf("Put with cancelled context: err = %v, want context.Canceled", err)
	}
	if r2.reads != 0 {
		t.Errorf("Put with cancelled context read %d times", r2.reads)
	}
	if got := files(t, dir); len(got) != 0 {
		t.Errorf("cancelled Put left files: %v", got)
	}
}

// errReader fails after some bytes, as a broken upload does.
type errReader struct{ n int }

func (e *errReader) Read(p []byte) (int, error) {
	if e.n == 0 {
		return 0, io.ErrUnexpectedEOF
	}
	m := min(len(p), e.n)
	e.n -= m
	return m, nil
}

func TestPutReadError(t *testing.T) {
	d, dir := newTestDir(t)
	_, _, err := d.Put(context.Background(), "broken", &errReader{n: 300 << 10}, 1<<20)
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("Put: err = %v, want io.ErrUnexpectedEOF", err)
	}
	if got := files(t, dir); len(got) != 0 {
		t.Errorf("failed Put left files: %v", got)
	}
}

func TestPutConcurrent(t *testing.T) {
	d, dir := newTestDir(t)
	const n = 32
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			// Keys share fan-out directories, so Puts race to create them.
			key := fmt.Sprintf("ab-%d", i)
			content := bytes.Repeat([]byte(key), 10_000)
			size, sum, err := d.Put(context.Background(), key, bytes.NewReader(content), 1<<20)
			if err != nil {
				t.Errorf("Put(%q): %v", key, err)
				return
			}
			if size != int64(len(content)) || sum != sha256Hex(content) {
				t.Errorf("Put(%q) = %d, %s; want %d, %s", key, size, sum, len(content), sha256Hex(content))
			}
		})
	}
	wg.Wait()
	for i := range n {
		key := fmt.Sprintf("ab-%d", i)
		if got, want := readBlob(t, d, key), bytes.Repeat([]byte(key), 10_000); !bytes.Equal(got, want) {
			t.Errorf("Open(%q): wrong content", key)
		}
	}
	if got := files(t, dir); len(got) != n {
		t.Errorf("%d files, want %d", len(got), n)
	}
}

func BenchmarkPut10MiB(b *testing.B) {
	d, _ := newTestDir(b)
	content := bytes.Repeat([]byte("0123456789abcdef"), 10<<20/16)
	ctx := context.Background()
	b.SetBytes(int64(len(content)))
	for i := 0; b.Loop(); i++ {
		key := fmt.Sprintf("bench-%d", i)
		if _, _, err := d.Put(ctx, key, bytes.NewReader(content), 10<<20); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if err := d.Delete(ctx, key); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}
