package blob

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"strings"
	"time"
)

// Dir is a Store in a directory on local disk. A blob is a file (mode 0600)
// named after its key, in a directory named after the key's first two
// characters (dir/ab/abcdef...), so no directory grows too large.
// Temporary files start with '.', which no key can, and live next to their
// final place, on the same filesystem.
//
// A Dir is safe for concurrent use, also by several processes sharing the
// directory.
type Dir struct {
	root *os.Root
}

var _ Store = (*Dir)(nil)

// copyBufSize is the size of the buffer Put reads into: large enough that
// syscalls cost little next to the disk, small enough to allocate per Put.
const copyBufSize = 128 << 10

// NewDir returns a Dir storing blobs under dir, which it creates (mode 0700)
// if missing. The Dir holds dir open until Close.
func NewDir(dir string) (*Dir, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("blob.NewDir: %w", err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("blob.NewDir: %w", err)
	}
	return &Dir{root: root}, nil
}

// Close releases the directory. The Dir must not be used afterwards.
func (d *Dir) Close() error {
	return d.root.Close()
}

// paths returns the fan-out directory and the file name of a valid key,
// relative to the root.
func paths(key string) (sub, name string) {
	sub = key[:min(2, len(key))]
	return sub, sub + "/" + key
}

// Put implements Store.Put. The hash is computed while the file is written;
// the content is never held in memory as a whole.
func (d *Dir) Put(ctx context.Context, key string, r io.Reader, limit int64) (size int64, sha256hex string, err error) {
	defer wrap(&err, "blob.Dir.Put(%.100q)", key)
	if err := checkKey(key); err != nil {
		return 0, "", err
	}
	if limit < 0 {
		return 0, "", fmt.Errorf("negative limit %d", limit)
	}
	sub, name := paths(key)

	// Refuse an existing key before reading a large upload for nothing.
	// The link below is what guarantees it, also under races.
	if _, err := d.root.Lstat(name); err == nil {
		return 0, "", ErrExists
	} else if !errors.Is(err, fs.ErrNotExist) {
		return 0, "", err
	}
	if err := d.mkdir(sub); err != nil {
		return 0, "", err
	}

	tmp := sub + "/.tmp-" + rand.Text()
	f, err := d.root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return 0, "", err
	}
	defer func() {
		if f != nil {
			f.Close()
		}
		// Always remove the temporary name: after a failure it is the
		// only copy, after success a second link to the stored file.
		d.root.Remove(tmp)
	}()

	h := sha256.New()
	size, err = copyLimited(ctx, io.MultiWriter(f, h), r, limit)
	if err != nil {
		return 0, "", err
	}
	if err := f.Sync(); err != nil {
		return 0, "", err
	}
	err = f.Close()
	f = nil
	if err != nil {
		return 0, "", err
	}

	// Link, unlike rename, fails when name exists: a concurrent Put of the
	// same key cannot replace what the first one stored.
	if err := d.root.Link(tmp, name); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return 0, "", ErrExists
		}
		return 0, "", err
	}
	if err := d.root.Remove(tmp); err != nil && !errors.Is(err, fs.ErrNotExist) {
		d.root.Remove(name)
		return 0, "", err
	}
	if err := d.syncDir(sub); err != nil {
		// Not durable, so not stored: the caller sees a failure and
		// must not find the blob later.
		d.root.Remove(name)
		return 0, "", err
	}
	return size, hex.EncodeToString(h.Sum(nil)), nil
}

// copyLimited copies r to w until EOF and returns the number of bytes
// copied. It reads at most limit+1 bytes and returns ErrTooLarge when r
// has more than limit, without writing the excess. It checks ctx before
// every read.
func copyLimited(ctx context.Context, w io.Writer, r io.Reader, limit int64) (int64, error) {
	stop := limit
	if stop < math.MaxInt64 {
		stop++ // one byte more tells "exactly limit" from "too large"
	}
	buf := make([]byte, copyBufSize)
	var n int64
	for {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		p := buf
		if rest := stop - n; rest < int64(len(p)) {
			p = p[:rest]
		}
		m, rerr := r.Read(p)
		if m > 0 {
			if n+int64(m) > limit {
				return n, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, limit)
			}
			if _, err := w.Write(p[:m]); err != nil {
				return n, err
			}
			n += int64(m)
		}
		if rerr == io.EOF {
			return n, nil
		}
		if rerr != nil {
			return n, rerr
		}
	}
}

// mkdir creates the fan-out directory sub if it is missing, and makes its
// entry durable.
func (d *Dir) mkdir(sub string) error {
	err := d.root.Mkdir(sub, 0o700)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err != nil {
		return err
	}
	return d.syncDir(".")
}

// syncDir flushes a directory's entries to disk, so that files linked into
// it or removed from it stay so after a crash.
func (d *Dir) syncDir(name string) error {
	f, err := d.root.Open(name)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// Open implements Store.Open. The returned *os.File also implements
// io.Seeker, which http.ServeContent can use.
func (d *Dir) Open(ctx context.Context, key string) (_ io.ReadCloser, err error) {
	defer wrap(&err, "blob.Dir.Open(%.100q)", key)
	if err := checkKey(key); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	_, name := paths(key)
	f, err := d.root.Open(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return f, nil
}

// Delete implements Store.Delete. The removal is synced, so a deleted blob
// does not come back after a crash. Fan-out directories stay: they are few,
// and removing one could race with a Put into it.
func (d *Dir) Delete(ctx context.Context, key string) (err error) {
	defer wrap(&err, "blob.Dir.Delete(%.100q)", key)
	if err := checkKey(key); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	sub, name := paths(key)
	err = d.root.Remove(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	return d.syncDir(sub)
}

// List implements Store.List: the keys in the fan-out directories, with
// their files' modification times. Temporary files of Puts in progress
// (names starting with '.') are not keys and are skipped.
func (d *Dir) List(ctx context.Context, fn func(key string, stored time.Time) error) error {
	return d.walk(ctx, func(sub string, e fs.DirEntry) error {
		if strings.HasPrefix(e.Name(), ".") || checkKey(e.Name()) != nil {
			return nil
		}
		info, err := e.Info()
		if errors.Is(err, fs.ErrNotExist) {
			return nil // deleted meanwhile
		}
		if err != nil {
			return err
		}
		return fn(e.Name(), info.ModTime())
	})
}

// SweepTemp removes temporary files that Puts left behind (a crash in the
// middle of an upload) and that are older than before; it returns how many
// it removed. A Put in progress is younger than any sensible cutoff.
func (d *Dir) SweepTemp(ctx context.Context, before time.Time) (int, error) {
	n := 0
	err := d.walk(ctx, func(sub string, e fs.DirEntry) error {
		if !strings.HasPrefix(e.Name(), ".tmp-") {
			return nil
		}
		info, err := e.Info()
		if err != nil || !info.ModTime().Before(before) {
			return nil
		}
		if err := d.root.Remove(sub + "/" + e.Name()); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		n++
		return nil
	})
	return n, err
}

// walk calls fn for every file in the fan-out directories.
func (d *Dir) walk(ctx context.Context, fn func(sub string, e fs.DirEntry) error) error {
	top, err := fs.ReadDir(d.root.FS(), ".")
	if err != nil {
		return fmt.Errorf("blob.Dir: %w", err)
	}
	for _, s := range top {
		if !s.IsDir() {
			continue
		}
		entries, err := fs.ReadDir(d.root.FS(), s.Name())
		if err != nil {
			return fmt.Errorf("blob.Dir: %w", err)
		}
		for _, e := range entries {
			if err := ctx.Err(); err != nil {
				return err
			}
			if e.IsDir() {
				continue
			}
			if err := fn(s.Name(), e); err != nil {
				return err
			}
		}
	}
	return nil
}

// Path returns the directory the Dir stores blobs in.
func (d *Dir) Path() string { return d.root.Name() }
