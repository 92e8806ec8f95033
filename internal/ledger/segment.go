package ledger

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"
)

// Version is the layout version this flake-triage reads and writes. A
// file of a later version is never read as if it were this one, nor
// rewritten.
const Version = 1

// ErrVersion is wrapped by the errors of files written by a later version.
var ErrVersion = errors.New("written by a later version of flake-triage")

// A header is the first line of every ledger file.
type header struct {
	Ledger   int    `json:"ledger"`
	Kind     string `json:"kind"`
	Branch   string `json:"branch,omitempty"`
	Workflow string `json:"workflow,omitempty"`
	Month    string `json:"month,omitempty"`
}

// A setLine defines a test set: in full (Tests), or as the set Base with
// Add added and Drop removed.
type setLine struct {
	Set   string   `json:"set"`
	Base  string   `json:"base,omitempty"`
	Tests []string `json:"tests,omitempty"`
	Add   []string `json:"add,omitempty"`
	Drop  []string `json:"drop,omitempty"`
}

// A recordLine is a record as a segment holds it: its test set by
// reference, and only the tests whose outcome is not passed.
type recordLine struct {
	Run      string            `json:"run"`
	Attempt  int               `json:"attempt"`
	Job      string            `json:"job"`
	JobKey   string            `json:"job_key,omitempty"`
	Workflow string            `json:"workflow,omitempty"`
	Branch   string            `json:"branch,omitempty"`
	SHA      string            `json:"sha,omitempty"`
	Event    string            `json:"event,omitempty"`
	Time     time.Time         `json:"time"`
	URL      string            `json:"url,omitempty"`
	Set      string            `json:"set"`
	Failed   map[string]string `json:"failed,omitempty"`
	Flaky    map[string]string `json:"flaky,omitempty"`
	Skipped  []string          `json:"skipped,omitempty"`
}

// A segment is one file of records: those of one branch and workflow in
// one month, with the test sets they use.
type segment struct {
	path    string
	head    header
	raw     []byte
	sets    map[string]*testSet
	last    *testSet
	records []*Record
	keys    map[Key]bool
	runs    map[string]bool // run/attempt
}

// segmentPath is where the records of a branch and workflow of the month
// of t live.
func segmentPath(branch, workflow string, t time.Time) string {
	return "runs/" + slug(branch) + "/" + slug(workflow) + "/" + t.UTC().Format("2006-01") + ".jsonl"
}

// setID is a content hash of a set's sorted ids: writers that record the
// same suite name its set alike.
func setID(ids []string) string {
	h := sha256.New()
	for _, id := range ids {
		h.Write([]byte(id))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:8])
}

// maxLine bounds one line of a ledger file (a set of 100,000 tests).
const maxLine = 4 << 20

// lines splits data into its lines, checking that the file ends with a
// newline: a file cut short by a failed write is not read.
func lines(data []byte) ([][]byte, error) {
	if len(data) == 0 {
		return nil, fmt.Errorf("empty file")
	}
	if data[len(data)-1] != '\n' {
		return nil, fmt.Errorf("truncated: the last line has no newline")
	}
	out := bytes.SplitAfter(data[:len(data)-1], []byte("\n"))
	for i, l := range out {
		if len(l) > maxLine {
			return nil, fmt.Errorf("line %d: longer than %d bytes", i+1, maxLine)
		}
	}
	return out, nil
}

// readHeader checks the first line of a ledger file.
func readHeader(line []byte, kind string) (header, error) {
	var h header
	if err := json.Unmarshal(line, &h); err != nil {
		return h, fmt.Errorf("line 1: not a ledger header: %w", err)
	}
	if h.Ledger > Version {
		return h, fmt.Errorf("line 1: layout version %d, %w (this one reads version %d): upgrade flake-triage", h.Ledger, ErrVersion, Version)
	}
	if h.Ledger < 1 {
		return h, fmt.Errorf("line 1: not a ledger header (no \"ledger\" version)")
	}
	if h.Kind != kind {
		return h, fmt.Errorf("line 1: a %q file where %q was expected", h.Kind, kind)
	}
	return h, nil
}

// parseSegment reads a segment file. It is strict: a line that is not
// JSON, a record naming a set not defined above it, or a file cut short
// is an error naming the line, and nothing of the file is used.
func parseSegment(path string, data []byte) (*segment, error) {
	ls, err := lines(data)
	if err != nil {
		return nil, err
	}
	h, err := readHeader(ls[0], "runs")
	if err != nil {
		return nil, err
	}
	s := &segment{path: path, head: h, raw: data, sets: map[string]*testSet{}, keys: map[Key]bool{}, runs: map[string]bool{}}
	for i, l := range ls[1:] {
		n := i + 2
		if len(bytes.TrimSpace(l)) == 0 {
			continue // a blank line left by a human edit
		}
		var probe struct {
			Set string          `json:"set"`
			Run json.RawMessage `json:"run"`
		}
		if err := json.Unmarshal(l, &probe); err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		if probe.Run == nil {
			var sl setLine
			if err := json.Unmarshal(l, &sl); err != nil {
				return nil, fmt.Errorf("line %d: %w", n, err)
			}
			set, err := s.define(sl)
			if err != nil {
				return nil, fmt.Errorf("line %d: %w", n, err)
			}
			s.sets[set.id] = set
			s.last = set
			continue
		}
		var rl recordLine
		if err := json.Unmarshal(l, &rl); err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		r, err := s.record(rl)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		if s.keys[r.Key] {
			continue // a duplicate line changes nothing
		}
		s.keys[r.Key] = true
		s.runs[runAttempt(r.Run, r.Attempt)] = true
		s.records = append(s.records, r)
	}
	return s, nil
}

func runAttempt(run string, attempt int) string { return fmt.Sprintf("%s/%d", run, attempt) }

// define resolves a set line against the sets above it.
func (s *segment) define(sl setLine) (*testSet, error) {
	var ids []string
	if sl.Base == "" {
		ids = append([]string(nil), sl.Tests...)
	} else {
		base := s.sets[sl.Base]
		if base == nil {
			return nil, fmt.Errorf("set %q: base set %q is not defined above", sl.Set, sl.Base)
		}
		drop := make(map[string]bool, len(sl.Drop))
		for _, d := range sl.Drop {
			drop[d] = true
		}
		ids = make([]string, 0, len(base.ids)+len(sl.Add))
		for _, id := range base.ids {
			if !drop[id] {
				ids = append(ids, id)
			}
		}
		ids = append(ids, sl.Add...)
	}
	sort.Strings(ids)
	ids = compact(ids)
	set := newSet(ids)
	if set.id != sl.Set {
		return nil, fmt.Errorf("set %q: its tests hash to %q", sl.Set, set.id)
	}
	return set, nil
}

func compact(ids []string) []string {
	out := ids[:0]
	for i, id := range ids {
		if i == 0 || id != ids[i-1] {
			out = append(out, id)
		}
	}
	return out
}

// record resolves a record line against the sets above it.
func (s *segment) record(rl recordLine) (*Record, error) {
	if rl.Run == "" {
		return nil, fmt.Errorf("record without a run")
	}
	set := s.sets[rl.Set]
	if set == nil {
		return nil, fmt.Errorf("record %s: set %q is not defined above", rl.Run, rl.Set)
	}
	r := &Record{
		Key:      Key{Run: rl.Run, Attempt: rl.Attempt, Job: rl.Job, JobKey: rl.JobKey},
		Workflow: rl.Workflow, Branch: rl.Branch, SHA: rl.SHA, Event: rl.Event, Time: rl.Time, URL: rl.URL,
		set: set, exceptions: make(map[string]exception, len(rl.Failed)+len(rl.Flaky)+len(rl.Skipped)),
	}
	add := func(id string, o Outcome, sig string) error {
		if !set.has(id) {
			return fmt.Errorf("record %s: test %q is not in its set", rl.Run, id)
		}
		r.exceptions[id] = exception{outcome: o, sig: sig}
		return nil
	}
	for id, sig := range rl.Failed {
		if err := add(id, Failed, sig); err != nil {
			return nil, err
		}
	}
	for id, sig := range rl.Flaky {
		if err := add(id, Flaky, sig); err != nil {
			return nil, err
		}
	}
	for _, id := range rl.Skipped {
		if err := add(id, Skipped, ""); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// has reports whether the segment holds the record k, or, when anyAttempt
// is set, any record of k's run and attempt (a re-triage of a run).
func (s *segment) has(k Key, anyJob bool) bool {
	if s == nil {
		return false
	}
	if anyJob {
		return s.runs[runAttempt(k.Run, k.Attempt)]
	}
	return s.keys[k]
}

// appendRecord returns the segment's file with r added: the definition of
// r's test set when the file lacks it (as a change to the nearest set when
// that is shorter), then r's line. s may be nil for a new file.
func appendRecord(s *segment, path string, r *Record) []byte {
	var b bytes.Buffer
	sets, last := map[string]*testSet{}, (*testSet)(nil)
	if s == nil {
		writeJSON(&b, header{Ledger: Version, Kind: "runs", Branch: r.Branch, Workflow: r.Workflow, Month: r.Time.UTC().Format("2006-01")})
	} else {
		b.Grow(len(s.raw) + 512)
		b.Write(s.raw)
		sets, last = s.sets, s.last
	}
	writeRecord(&b, sets, last, r)
	return b.Bytes()
}

// writeRecord writes r's lines: its set's definition when sets lacks it
// (as a change to last when that is shorter), then the record.
func writeRecord(b *bytes.Buffer, sets map[string]*testSet, last *testSet, r *Record) {
	set := r.set
	if set == nil {
		set = newSet(nil)
	}
	if sets[set.id] == nil {
		writeJSON(b, setLineFor(set, last))
	}
	rl := recordLine{Run: r.Run, Attempt: r.Attempt, Job: r.Job, JobKey: r.JobKey, Workflow: r.Workflow, Branch: r.Branch,
		SHA: r.SHA, Event: r.Event, Time: r.Time.UTC(), URL: r.URL, Set: set.id}
	for id, e := range r.exceptions {
		switch e.outcome {
		case Failed:
			if rl.Failed == nil {
				rl.Failed = map[string]string{}
			}
			rl.Failed[id] = e.sig
		case Flaky:
			if rl.Flaky == nil {
				rl.Flaky = map[string]string{}
			}
			rl.Flaky[id] = e.sig
		case Skipped:
			rl.Skipped = append(rl.Skipped, id)
		}
	}
	sort.Strings(rl.Skipped)
	writeJSON(b, rl)
}

// setLineFor defines set in full, or as a change to base when that is
// shorter.
func setLineFor(set, base *testSet) setLine {
	full := setLine{Set: set.id, Tests: set.ids}
	if base == nil {
		return full
	}
	var add, drop []string
	i, j := 0, 0
	for i < len(set.ids) || j < len(base.ids) {
		switch {
		case j == len(base.ids) || i < len(set.ids) && set.ids[i] < base.ids[j]:
			add = append(add, set.ids[i])
			i++
		case i == len(set.ids) || base.ids[j] < set.ids[i]:
			drop = append(drop, base.ids[j])
			j++
		default:
			i++
			j++
		}
	}
	if len(add)+len(drop) >= len(set.ids) {
		return full
	}
	return setLine{Set: set.id, Base: base.id, Add: add, Drop: drop}
}

// writeJSON writes v as one line: readable, with no HTML escaping.
func writeJSON(b *bytes.Buffer, v any) {
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v) // the ledger's own types always encode
}

// monthsBack returns the months from t back to since, newest first, as
// "2006-01".
func monthsBack(t, since time.Time) []string {
	var out []string
	m := time.Date(t.UTC().Year(), t.UTC().Month(), 1, 0, 0, 0, 0, time.UTC)
	floor := time.Date(since.UTC().Year(), since.UTC().Month(), 1, 0, 0, 0, 0, time.UTC)
	for !m.Before(floor) && len(out) < 240 {
		out = append(out, m.Format("2006-01"))
		m = m.AddDate(0, -1, 0)
	}
	return out
}

// monthPath is segmentPath for a month given as "2006-01".
func monthPath(branch, workflow, month string) string {
	return "runs/" + slug(branch) + "/" + slug(workflow) + "/" + month + ".jsonl"
}
