package ledger

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// A Dir is a ledger in a local directory, with the same layout as a
// branch: for local use, other CI systems and tests. Writers on one
// machine take a lock directory; a write checks that the files it
// changes still hold what it read, as a branch's fast-forward-only update
// does.
type Dir struct {
	Path string
}

func (d Dir) String() string { return "dir:" + d.Path }

// lockName is the lock directory inside the ledger directory.
const lockName = ".lock"

// Head lists the directory's files; they are read on demand.
func (d Dir) Head(ctx context.Context) (Head, error) {
	h := Head{Files: map[string]string{}}
	err := filepath.WalkDir(d.Path, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && p == d.Path {
				return filepath.SkipAll
			}
			return err
		}
		if e.IsDir() {
			if e.Name() == lockName {
				return filepath.SkipDir
			}
			return nil
		}
		if !e.Type().IsRegular() {
			return nil
		}
		rel, err := filepath.Rel(d.Path, p)
		if err != nil {
			return err
		}
		h.Files[filepath.ToSlash(rel)] = ""
		return nil
	})
	if err != nil {
		return Head{}, fmt.Errorf("list %s: %w", d.Path, err)
	}
	return h, nil
}

// Read reads a file of the directory.
func (d Dir) Read(ctx context.Context, _ Head, path string) ([]byte, error) {
	return os.ReadFile(filepath.Join(d.Path, filepath.FromSlash(path)))
}

// Write writes the changes under the directory's lock, each file through
// a temporary file renamed over it, after checking that each still holds
// what it was read with (ErrConflict otherwise).
func (d Dir) Write(ctx context.Context, _ Head, changes []Change, _ string) error {
	if err := os.MkdirAll(d.Path, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", d.Path, err)
	}
	unlock, err := d.lock(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	for _, c := range changes {
		cur, err := os.ReadFile(filepath.Join(d.Path, filepath.FromSlash(c.Path)))
		switch {
		case errors.Is(err, fs.ErrNotExist):
			if c.Old != nil {
				return ErrConflict
			}
		case err != nil:
			return fmt.Errorf("read %s: %w", c.Path, err)
		case c.Old == nil || !bytes.Equal(cur, c.Old):
			return ErrConflict
		}
	}
	for _, c := range changes {
		p := filepath.Join(d.Path, filepath.FromSlash(c.Path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return fmt.Errorf("write %s: %w", c.Path, err)
		}
		tmp, err := os.CreateTemp(filepath.Dir(p), ".tmp-*")
		if err != nil {
			return fmt.Errorf("write %s: %w", c.Path, err)
		}
		_, werr := tmp.Write(c.New)
		cerr := tmp.Close()
		if werr == nil {
			werr = cerr
		}
		if werr == nil {
			werr = os.Rename(tmp.Name(), p)
		}
		if werr != nil {
			os.Remove(tmp.Name())
			return fmt.Errorf("write %s: %w", c.Path, werr)
		}
	}
	return nil
}

// lock takes the directory's lock: a directory only one process can
// create. A lock older than a minute is a crashed writer's and is broken.
func (d Dir) lock(ctx context.Context) (func(), error) {
	p := filepath.Join(d.Path, lockName)
	deadline := time.Now().Add(2 * time.Minute)
	for {
		err := os.Mkdir(p, 0o755)
		if err == nil {
			return func() { os.Remove(p) }, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("lock %s: %w", d.Path, err)
		}
		if fi, err := os.Stat(p); err == nil && time.Since(fi.ModTime()) > time.Minute {
			os.Remove(p)
			continue
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("lock %s: held by another writer for 2 minutes (remove %s if none runs)", d.Path, p)
		}
		if err := sleep(ctx, 10*time.Millisecond); err != nil {
			return nil, err
		}
	}
}
