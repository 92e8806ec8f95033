package ledger

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"time"
)

// A Store holds the ledger's files: a branch of the tracker repository
// (Branch) or a local directory (Dir). Reading takes a Head, a consistent
// version of every file; writing commits changes on top of a Head and
// fails with ErrConflict when the store moved since, so that concurrent
// writers re-read, merge and try again instead of losing a record.
type Store interface {
	// Head returns the store's current version and its files' paths.
	Head(ctx context.Context) (Head, error)
	// Read returns the content of a file of head.
	Read(ctx context.Context, head Head, path string) ([]byte, error)
	// Write commits the changes on top of head, or fails with ErrConflict.
	Write(ctx context.Context, head Head, changes []Change, message string) error
	// String names the store as the history setting does ("branch:NAME").
	String() string
}

// A Head is one version of a store: its commit (empty for a store with
// nothing yet, and for a directory) and its files, by path, each with an
// id (a blob SHA; empty for a directory).
type Head struct {
	Version string
	Tree    string
	Files   map[string]string
}

// A Change replaces a file: Old is the content it was read with (nil for a
// new file), New the content to write.
type Change struct {
	Path     string
	Old, New []byte
}

// Errors of stores.
var (
	// ErrConflict: the store moved since the head the write was based on.
	ErrConflict = errors.New("the ledger changed since it was read")
	// ErrForbidden: the token may read but not write the ledger.
	ErrForbidden = errors.New("the token may not write the ledger: the workflow needs the `contents: write` permission")
)

// A FileError is a ledger file that cannot be read as this version of the
// layout: malformed, truncated, or written by a later version. The tool
// never rewrites such a file.
type FileError struct {
	Store, Path string
	Err         error
}

func (e *FileError) Error() string {
	return fmt.Sprintf("read ledger %s file %s: %v", e.Store, e.Path, e.Err)
}

func (e *FileError) Unwrap() error { return e.Err }

// A Query says what a run reads of the ledger.
type Query struct {
	// Scope is the window of the run's branch: its segments are read
	// newest first until each of Tests has a full window, or Since.
	Scope Scope
	// Workflow names the workflow whose segments are read.
	Workflow string
	// Now is the run's time: the newest month read is its month.
	Now time.Time
	// Tests are the tests whose windows the run needs.
	Tests []string
	// Record, when set, is the run's own record: the query tells whether
	// the ledger holds it already. With AnyJob, any record of its run and
	// attempt counts (a re-triage of a past run).
	Record *Record
	AnyJob bool
	// IssueTests adds to Tests every test that the tallies give an issue,
	// so that the tests of open tool issues get windows too (close-after
	// counts their passing runs).
	IssueTests bool
}

// A View is what a run read of the ledger.
type View struct {
	store Store
	head  Head
	// Records are the records read, newest first: those of the query's
	// branch and workflow within its window.
	Records []*Record
	// Tests are the tallies of every test the ledger knows.
	Tests map[string]Tally
	// Recorded is true when the ledger already holds the query's record.
	Recorded bool
	// Files are the paths of the files read.
	Files []string

	segs  map[string]*segment
	tests *tests
	query Query
}

// Read reads what the query needs: the tallies (one file), the segments of
// the window, newest month first, until each test of the query has a full
// window, and the segment the query's record would go to.
func Read(ctx context.Context, s Store, q Query) (*View, error) {
	head, err := s.Head(ctx)
	if err != nil {
		return nil, fmt.Errorf("read ledger %s: %w", s, err)
	}
	v := &View{store: s, head: head, Tests: map[string]Tally{}, segs: map[string]*segment{}, query: q}
	if err := v.readTests(ctx); err != nil {
		return nil, err
	}
	if q.IssueTests {
		q.Tests = append([]string(nil), q.Tests...)
		for id, tl := range v.Tests {
			if tl.Issue != 0 {
				q.Tests = append(q.Tests, id)
			}
		}
		sort.Strings(q.Tests)
		v.query = q
	}
	if q.Scope.Size > 0 && len(q.Tests) > 0 && !q.Now.IsZero() {
		for _, m := range monthsBack(q.Now, q.Scope.Since) {
			seg, err := v.segment(ctx, monthPath(q.Scope.Branch, q.Workflow, m))
			if err != nil {
				return nil, err
			}
			if seg == nil {
				continue
			}
			v.Records = append(v.Records, seg.records...)
			SortNewest(v.Records)
			if full(v.Records, q.Tests, q.Scope) {
				break
			}
		}
		v.Records = inScope(v.Records, q.Scope)
	}
	if q.Record != nil {
		for _, p := range candidatePaths(q.Record) {
			seg, err := v.segment(ctx, p)
			if err != nil {
				return nil, err
			}
			if seg.has(q.Record.Key, q.AnyJob) {
				v.Recorded = true
			}
		}
	}
	return v, nil
}

// inScope keeps the records of the scope's branch no older than its Since.
func inScope(rs []*Record, sc Scope) []*Record {
	out := rs[:0]
	for _, r := range rs {
		if r.Branch == sc.Branch && !r.Time.Before(sc.Since) {
			out = append(out, r)
		}
	}
	return out
}

// candidatePaths are the segments that may hold a record of r's run: that
// of its month, and of the months two days either side (a run triaged
// again later may carry another time than its first record).
func candidatePaths(r *Record) []string {
	var out []string
	for _, d := range []time.Duration{0, -48 * time.Hour, 48 * time.Hour} {
		p := segmentPath(r.Branch, r.Workflow, r.Time.Add(d))
		if !contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

func (v *View) readTests(ctx context.Context) error {
	if _, ok := v.head.Files[testsPath]; !ok {
		v.tests = &tests{by: map[string]Tally{}}
		return nil
	}
	data, err := v.store.Read(ctx, v.head, testsPath)
	if err != nil {
		return fmt.Errorf("read ledger %s file %s: %w", v.store, testsPath, err)
	}
	t, err := parseTests(data)
	if err != nil {
		return &FileError{Store: v.store.String(), Path: testsPath, Err: err}
	}
	v.tests = t
	v.Files = append(v.Files, testsPath)
	v.Tests = t.by
	return nil
}

// segment reads and parses the segment at path once; nil when absent.
func (v *View) segment(ctx context.Context, path string) (*segment, error) {
	if seg, ok := v.segs[path]; ok {
		return seg, nil
	}
	if _, ok := v.head.Files[path]; !ok {
		v.segs[path] = nil
		return nil, nil
	}
	data, err := v.store.Read(ctx, v.head, path)
	if err != nil {
		return nil, fmt.Errorf("read ledger %s file %s: %w", v.store, path, err)
	}
	seg, err := parseSegment(path, data)
	if err != nil {
		return nil, &FileError{Store: v.store.String(), Path: path, Err: err}
	}
	v.segs[path] = seg
	v.Files = append(v.Files, path)
	return seg, nil
}

// Window returns the window of test id among the records read.
func (v *View) Window(id string) []Entry { return Window(v.Records, id, v.query.Scope) }

// MaxTries bounds the tries of a write that meets concurrent writers.
const MaxTries = 10

// A Written says what Add did.
type Written struct {
	// Added is false when the ledger held the record already (or, with
	// AnyJob, a record of its run and attempt): nothing was written.
	Added bool
	// Tries counts the commits tried; more than one means a concurrent
	// writer moved the ledger in between and the record was merged.
	Tries int
	// Tests are the tallies after the write, including concurrent
	// writers' records merged on the way.
	Tests map[string]Tally
	// Paths are the files written.
	Paths []string
}

// Add writes r to the ledger of view v with the update u: r's line (and
// its test set when its segment lacks it) appended to its segment and the
// tallies updated, in one commit. A record already there (same key; with
// anyJob, same run and attempt) is a no-op however old. When a concurrent
// writer moved the store, it re-reads the two files, merges and tries
// again, at most MaxTries times. A file it cannot parse is never
// rewritten: the error names it.
func Add(ctx context.Context, v *View, r *Record, anyJob bool, u Update) (Written, error) {
	s := v.store
	path := segmentPath(r.Branch, r.Workflow, r.Time)
	w := Written{Tests: v.Tests}
	for try := 0; try < MaxTries; try++ {
		if try > 0 {
			if err := sleep(ctx, backoff(try)); err != nil {
				return w, err
			}
			head, err := s.Head(ctx)
			if err != nil {
				return w, fmt.Errorf("read ledger %s: %w", s, err)
			}
			v = &View{store: s, head: head, Tests: map[string]Tally{}, segs: map[string]*segment{}, query: v.query}
			if err := v.readTests(ctx); err != nil {
				return w, err
			}
		}
		var seg *segment
		for _, p := range candidatePaths(r) {
			sg, err := v.segment(ctx, p)
			if err != nil {
				return w, err
			}
			if sg.has(r.Key, anyJob) {
				w.Tests = v.Tests
				return w, nil
			}
			if p == path {
				seg = sg
			}
		}
		var changes []Change
		segOld := []byte(nil)
		if seg != nil {
			segOld = seg.raw
		}
		changes = append(changes, Change{Path: path, Old: segOld, New: appendRecord(seg, path, r)})
		next, changed := v.tests.apply(r, u)
		if changed {
			changes = append(changes, Change{Path: testsPath, Old: v.tests.raw, New: next.encode()})
		}
		w.Tries = try + 1
		err := s.Write(ctx, v.head, changes, fmt.Sprintf("flake-triage: record run %s", r.Key))
		if errors.Is(err, ErrConflict) {
			continue
		}
		if err != nil {
			return w, fmt.Errorf("write ledger %s: %w", s, err)
		}
		w.Added = true
		w.Tests = next.by
		for _, c := range changes {
			w.Paths = append(w.Paths, c.Path)
		}
		sort.Strings(w.Paths)
		return w, nil
	}
	return w, fmt.Errorf("write ledger %s: %d tries met concurrent writers: %w", s, MaxTries, ErrConflict)
}

// backoff is the wait before try: growing, with jitter so that writers
// that collided do not collide again.
func backoff(try int) time.Duration {
	base := time.Duration(20<<min(try, 6)) * time.Millisecond
	return base/2 + time.Duration(rand.Int64N(int64(base)))
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Parse reads a history setting: "branch:NAME", "dir:PATH" or "off".
// It returns the kind ("branch", "dir" or "off") and the argument.
func Parse(setting string) (kind, arg string, err error) {
	setting = strings.TrimSpace(setting)
	if setting == "off" {
		return "off", "", nil
	}
	kind, arg, ok := strings.Cut(setting, ":")
	if !ok || arg == "" || kind != "branch" && kind != "dir" {
		return "", "", fmt.Errorf("history must be branch:NAME, dir:PATH or off, got %q", setting)
	}
	if kind == "branch" && !validBranch(arg) {
		return "", "", fmt.Errorf("history: %q is not a valid branch name", arg)
	}
	return kind, arg, nil
}

// validBranch checks the rules of git check-ref-format that matter here.
func validBranch(b string) bool {
	if b == "" || strings.HasPrefix(b, "/") || strings.HasSuffix(b, "/") || strings.HasSuffix(b, ".lock") ||
		strings.HasPrefix(b, "-") || strings.Contains(b, "..") || strings.Contains(b, "//") || strings.Contains(b, "@{") {
		return false
	}
	for _, r := range b {
		if r < 0x20 || r == 0x7f || strings.ContainsRune(" ~^:?*[\\", r) {
			return false
		}
	}
	return true
}
