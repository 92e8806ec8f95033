// Package ledger is flake-triage's memory across runs: one record per run
// attempt and job with every test's outcome, kept as JSON lines in a
// store (a branch of the tracker repository, or a local directory), and
// the pure functions that read a test's window of outcomes from records.
//
// The ledger is the source of truth for counts and history; the hidden
// state in an issue body is a cache rebuilt from it. The layout is split
// so that a run reads and writes a bounded amount whatever the ledger's
// age: see docs/ledger.md.
package ledger

import (
	"fmt"
	"iter"
	"sort"
	"strings"
	"time"
)

// An Outcome is what became of one test in one record.
type Outcome uint8

// Outcomes, as the ledger writes them.
const (
	// NotRun is the outcome of a test that a record does not hold.
	NotRun Outcome = iota
	Passed
	Failed
	Flaky
	Skipped
)

func (o Outcome) String() string {
	switch o {
	case Passed:
		return "passed"
	case Failed:
		return "failed"
	case Flaky:
		return "flaky"
	case Skipped:
		return "skipped"
	}
	return "not-run"
}

// A Key identifies a record: the run (a workflow run id, or a Prow build
// id), its attempt, the job and the job key that tells matrix legs apart.
type Key struct {
	Run     string
	Attempt int
	Job     string
	JobKey  string
}

func (k Key) String() string {
	s := fmt.Sprintf("%s/%d/%s", k.Run, k.Attempt, k.Job)
	if k.JobKey != "" {
		s += "/" + k.JobKey
	}
	return s
}

// A Record is one run attempt of one job: where and when it ran and the
// outcome of every test it ran.
type Record struct {
	Key
	// Workflow names the workflow (or Prow job) whose segment holds the record.
	Workflow string
	// Branch is set only for runs that feed a branch's statistics: push,
	// schedule and dispatch runs of the tracker repository (and Prow
	// periodic and postsubmit jobs). Pull request runs carry none.
	Branch string
	SHA    string
	Event  string
	Time   time.Time
	URL    string

	// set holds the tests that ran (sorted ids); exceptions those whose
	// outcome is not Passed, with the failure signature when known.
	set        *testSet
	exceptions map[string]exception
}

type exception struct {
	outcome Outcome
	sig     string
}

// NewRecord returns a record of the tests' outcomes (by test id), such as
// maps.All of a map. Tests that did not run are absent.
func NewRecord(k Key, outcomes iter.Seq2[string, Outcome]) Record {
	r := Record{Key: k, exceptions: map[string]exception{}}
	var ids []string
	for id, o := range outcomes {
		if o == NotRun {
			continue
		}
		ids = append(ids, id)
		if o != Passed {
			r.exceptions[id] = exception{outcome: o}
		}
	}
	sort.Strings(ids)
	r.set = newSet(compact(ids))
	return r
}

// WithSignature returns the record with the failure signature of a failed
// or flaky test recorded.
func (r Record) WithSignature(id, sig string) Record {
	if e, ok := r.exceptions[id]; ok && (e.outcome == Failed || e.outcome == Flaky) {
		e.sig = sig
		r.exceptions[id] = e
	}
	return r
}

// Outcome returns the outcome of test id in the record.
func (r *Record) Outcome(id string) Outcome {
	if e, ok := r.exceptions[id]; ok {
		return e.outcome
	}
	if r.set != nil && r.set.has(id) {
		return Passed
	}
	return NotRun
}

// Signature returns the failure signature recorded for test id, or "".
func (r *Record) Signature(id string) string { return r.exceptions[id].sig }

// Tests returns the ids of the tests the record holds, sorted.
func (r *Record) Tests() []string {
	if r.set == nil {
		return nil
	}
	return r.set.ids
}

// Failing returns the ids of the tests that failed or flaked, sorted.
func (r *Record) Failing() []string {
	var out []string
	for id, e := range r.exceptions {
		if e.outcome == Failed || e.outcome == Flaky {
			out = append(out, id)
		}
	}
	sort.Strings(out)
	return out
}

// newer orders records newest first; equal times by key, so that every
// reader sees the same order.
func newer(a, b *Record) bool {
	if !a.Time.Equal(b.Time) {
		return a.Time.After(b.Time)
	}
	return a.Key.String() > b.Key.String()
}

// SortNewest sorts records newest first.
func SortNewest(rs []*Record) {
	sort.SliceStable(rs, func(i, j int) bool { return newer(rs[i], rs[j]) })
}

// A testSet is the sorted ids of the tests that a record ran. Records of
// one suite share one set: a stable suite's passes cost a reference.
type testSet struct {
	id  string
	ids []string
}

func newSet(ids []string) *testSet {
	return &testSet{id: setID(ids), ids: ids}
}

func (s *testSet) has(id string) bool {
	i := sort.SearchStrings(s.ids, id)
	return i < len(s.ids) && s.ids[i] == id
}

// slug makes a branch or workflow name one path segment of the layout,
// readable for ordinary names: "/" and "%" are escaped, and "~" stands
// for none (a branch name cannot hold "~").
func slug(s string) string {
	if s == "" {
		return "~"
	}
	r := strings.NewReplacer("%", "%25", "/", "%2F", "\\", "%5C", "\n", "%0A", "\r", "%0D", "\x00", "%00")
	s = r.Replace(s)
	if s == "." || s == ".." {
		s = strings.ReplaceAll(s, ".", "%2E")
	}
	return s
}
