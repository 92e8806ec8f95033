package ledger

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"time"
)

// testsPath is the file of what the ledger knows of each test that ever
// failed or has an issue: its issue, its occurrence count and its newest
// occurrences.
const testsPath = "tests.jsonl"

// MaxRecent bounds the newest occurrences a Tally keeps.
const MaxRecent = 10

// staleAfter is how long after its last occurrence a tally drops its
// newest occurrences, so that the file grows with the tests that fail
// now, not with every test that ever failed.
const staleAfter = 365 * 24 * time.Hour

// A Tally is what the ledger knows of one test over its whole history:
// its issue and its occurrences (records in which it failed or flaked).
// Every record added updates it in the same commit, so it is exact and
// reading it costs one file, whatever the ledger's age.
type Tally struct {
	Test string `json:"test"`
	// Issue is the number of the test's issue, 0 when none is known. It
	// stays the test's issue even when a human removes the tool's section.
	Issue int `json:"issue,omitempty"`
	// Count is the number of occurrences; First and Last their times.
	Count int       `json:"count"`
	First time.Time `json:"first,omitzero"`
	Last  time.Time `json:"last,omitzero"`
	// Recent are the newest occurrences, newest first, at most MaxRecent.
	Recent []Occurrence `json:"recent,omitempty"`
}

// An Occurrence is a record in which a test failed or flaked.
type Occurrence struct {
	Key
	URL       string    `json:"url,omitempty"`
	SHA       string    `json:"sha,omitempty"`
	Event     string    `json:"event,omitempty"`
	Branch    string    `json:"branch,omitempty"`
	Time      time.Time `json:"time"`
	Outcome   string    `json:"outcome"`
	Signature string    `json:"sig,omitempty"`
}

// occurrenceJSON spells the key's fields out, as record lines do.
type occurrenceJSON struct {
	Run       string    `json:"run"`
	Attempt   int       `json:"attempt"`
	Job       string    `json:"job"`
	JobKey    string    `json:"job_key,omitempty"`
	URL       string    `json:"url,omitempty"`
	SHA       string    `json:"sha,omitempty"`
	Event     string    `json:"event,omitempty"`
	Branch    string    `json:"branch,omitempty"`
	Time      time.Time `json:"time"`
	Outcome   string    `json:"outcome"`
	Signature string    `json:"sig,omitempty"`
}

// MarshalJSON implements json.Marshaler.
func (o Occurrence) MarshalJSON() ([]byte, error) {
	return json.Marshal(occurrenceJSON{o.Run, o.Attempt, o.Job, o.JobKey, o.URL, o.SHA, o.Event, o.Branch, o.Time.UTC(), o.Outcome, o.Signature})
}

// UnmarshalJSON implements json.Unmarshaler.
func (o *Occurrence) UnmarshalJSON(b []byte) error {
	var j occurrenceJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*o = Occurrence{Key{j.Run, j.Attempt, j.Job, j.JobKey}, j.URL, j.SHA, j.Event, j.Branch, j.Time, j.Outcome, j.Signature}
	return nil
}

// occurrenceOf is the occurrence of test id in r.
func occurrenceOf(r *Record, id string) Occurrence {
	return Occurrence{Key: r.Key, URL: r.URL, SHA: r.SHA, Event: r.Event, Branch: r.Branch, Time: r.Time, Outcome: r.Outcome(id).String(), Signature: r.Signature(id)}
}

// add returns the tally with o counted, unless its record is among the
// recent ones already.
func (t Tally) add(o Occurrence) Tally {
	for _, r := range t.Recent {
		if r.Key == o.Key {
			return t
		}
	}
	t.Count++
	if t.First.IsZero() || o.Time.Before(t.First) {
		t.First = o.Time
	}
	if o.Time.After(t.Last) {
		t.Last = o.Time
	}
	rec := append([]Occurrence{o}, t.Recent...)
	sort.SliceStable(rec, func(i, j int) bool { return rec[i].Time.After(rec[j].Time) })
	if len(rec) > MaxRecent {
		rec = rec[:MaxRecent]
	}
	t.Recent = rec
	return t
}

// A tests file is the tallies, one line per test, sorted by test id.
type tests struct {
	raw []byte
	by  map[string]Tally
}

func parseTests(data []byte) (*tests, error) {
	ls, err := lines(data)
	if err != nil {
		return nil, err
	}
	if _, err := readHeader(ls[0], "tests"); err != nil {
		return nil, err
	}
	t := &tests{raw: data, by: make(map[string]Tally, len(ls))}
	for i, l := range ls[1:] {
		if len(bytes.TrimSpace(l)) == 0 {
			continue
		}
		var x Tally
		if err := json.Unmarshal(l, &x); err != nil {
			return nil, fmt.Errorf("line %d: %w", i+2, err)
		}
		if x.Test == "" {
			return nil, fmt.Errorf("line %d: a tally without a test", i+2)
		}
		t.by[x.Test] = x
	}
	return t, nil
}

func (t *tests) encode() []byte {
	var b bytes.Buffer
	writeJSON(&b, header{Ledger: Version, Kind: "tests"})
	ids := make([]string, 0, len(t.by))
	for id := range t.by {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		writeJSON(&b, t.by[id])
	}
	return b.Bytes()
}

// An Update is what a run adds to the tallies besides its record: the
// issue of each test it filed or updated, and for a test the ledger does
// not know yet, the count its issue recorded before the ledger existed.
type Update struct {
	// Issues maps a test id to its issue number.
	Issues map[string]int
	// Seed maps a test id to the tally to start from when the ledger has
	// none (the issue's own state before this run).
	Seed map[string]Tally
}

// apply returns the tallies with r's failing tests counted and u's
// issues set; changed is false when nothing changed.
func (t *tests) apply(r *Record, u Update) (out *tests, changed bool) {
	out = &tests{by: make(map[string]Tally, len(t.by)+1)}
	for k, v := range t.by {
		out.by[k] = v
	}
	for _, id := range r.Failing() {
		cur, ok := out.by[id]
		if !ok {
			cur = u.Seed[id]
			cur.Test = id
		}
		next := cur.add(occurrenceOf(r, id))
		if !ok || next.Count != cur.Count {
			changed = true
		}
		out.by[id] = next
	}
	if changed {
		// The newest occurrences of a test that has not failed for a
		// year are history no issue shows: its line keeps the count.
		for id, tl := range out.by {
			if len(tl.Recent) > 0 && tl.Last.Before(r.Time.Add(-staleAfter)) {
				tl.Recent = nil
				out.by[id] = tl
			}
		}
	}
	for id, n := range u.Issues {
		cur, ok := out.by[id]
		if !ok {
			cur = u.Seed[id]
			cur.Test = id
		}
		if n != 0 && cur.Issue != n {
			cur.Issue = n
			out.by[id] = cur
			changed = true
		}
	}
	return out, changed
}
