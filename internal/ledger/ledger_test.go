package ledger

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var t0 = time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)

func rec(run string, job string, at time.Time, outcomes map[string]Outcome) *Record {
	r := NewRecord(Key{Run: run, Attempt: 1, Job: job}, maps.All(outcomes))
	r.Workflow, r.Branch, r.Time, r.Event = "ci", "main", at, "push"
	return &r
}

func query(at time.Time, tests ...string) Query {
	return Query{Scope: Scope{Branch: "main", Size: DefaultWindow, Since: at.AddDate(0, 0, -DefaultDays)}, Workflow: "ci", Now: at, Tests: tests}
}

func TestAddThenRead(t *testing.T) {
	ctx := context.Background()
	d := Dir{Path: t.TempDir()}
	r := rec("100", "e2e", t0, map[string]Outcome{"a": Passed, "b": Failed, "c": Flaky, "d": Skipped})
	*r = r.WithSignature("b", "sig-b")
	q := query(t0, "a", "b")
	q.Record = r
	v, err := Read(ctx, d, q)
	if err != nil {
		t.Fatal(err)
	}
	if v.Recorded {
		t.Fatal("empty ledger records the run")
	}
	w, err := Add(ctx, v, r, false, Update{Issues: map[string]int{"b": 7}})
	if err != nil || !w.Added {
		t.Fatalf("Add = %+v, %v", w, err)
	}
	if got := w.Tests["b"]; got.Count != 1 || got.Issue != 7 || got.Recent[0].Signature != "sig-b" {
		t.Errorf("tally b = %+v", got)
	}
	// Again: a no-op.
	v, err = Read(ctx, d, q)
	if err != nil {
		t.Fatal(err)
	}
	if !v.Recorded {
		t.Fatal("the record is not seen")
	}
	w, err = Add(ctx, v, r, false, Update{})
	if err != nil || w.Added {
		t.Fatalf("second Add = %+v, %v", w, err)
	}
	got := map[string]string{}
	for _, id := range []string{"a", "b", "c", "d", "e"} {
		got[id] = v.Records[0].Outcome(id).String()
	}
	want := map[string]string{"a": "passed", "b": "failed", "c": "flaky", "d": "skipped", "e": "not-run"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("outcomes (-want +got):\n%s", diff)
	}
	if n := len(v.Window("d")); n != 0 {
		t.Errorf("a skipped test has %d entries in its window", n)
	}
}

func TestStableSuiteCostsBytesPerRun(t *testing.T) {
	ctx := context.Background()
	d := Dir{Path: t.TempDir()}
	outcomes := map[string]Outcome{}
	for i := range 2000 {
		outcomes[fmt.Sprintf("%016x", i)] = Passed
	}
	for i := range 20 {
		r := rec(fmt.Sprint(1000+i), "e2e", t0.Add(time.Duration(i)*time.Minute), outcomes)
		v, err := Read(ctx, d, Query{Record: r})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Add(ctx, v, r, false, Update{}); err != nil {
			t.Fatal(err)
		}
	}
	fi, err := os.Stat(filepath.Join(d.Path, segmentPath("main", "ci", t0)))
	if err != nil {
		t.Fatal(err)
	}
	// One set of 2,000 ids (~38 kB), then ~200 bytes a run.
	if perRun := (fi.Size() - 2000*19) / 20; perRun > 300 {
		t.Errorf("a passing run of a stable suite costs %d bytes", perRun)
	}
}

func TestWindow(t *testing.T) {
	var rs []*Record
	for i := range 10 {
		o := Passed
		switch i % 4 {
		case 1:
			o = Failed
		case 2:
			o = Skipped
		}
		r := rec(fmt.Sprint(i), "j", t0.Add(time.Duration(i)*time.Hour), map[string]Outcome{"x": o})
		if i == 9 {
			r.Branch = "other"
		}
		rs = append(rs, r)
	}
	SortNewest(rs)
	got := []string{}
	for _, e := range Window(rs, "x", Scope{Branch: "main", Size: 4, Since: t0.Add(2 * time.Hour)}) {
		got = append(got, e.Record.Run+":"+e.Outcome.String())
	}
	want := []string{"8:passed", "7:passed", "5:failed", "4:passed"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("window (-want +got):\n%s", diff)
	}
	ws := Windows(rs, []string{"x", "y"}, Scope{Branch: "main", Size: 4, Since: t0.Add(2 * time.Hour)})
	if len(ws["x"]) != 4 || len(ws["y"]) != 0 {
		t.Errorf("Windows = %v", ws)
	}
}

func TestConcurrentDirWriters(t *testing.T) {
	ctx := context.Background()
	d := Dir{Path: t.TempDir()}
	var wg sync.WaitGroup
	const n = 8
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			r := rec("500", fmt.Sprintf("job%d", i), t0, map[string]Outcome{"flaky": Failed, fmt.Sprint("own", i): Passed})
			v, err := Read(ctx, d, Query{Record: r})
			if err == nil {
				_, err = Add(ctx, v, r, false, Update{})
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	v, err := Read(ctx, d, query(t0, "flaky"))
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Records) != n || v.Tests["flaky"].Count != n {
		t.Errorf("%d records, count %d; want %d", len(v.Records), v.Tests["flaky"].Count, n)
	}
}

func TestBadFiles(t *testing.T) {
	ctx := context.Background()
	good := appendRecord(nil, "", rec("1", "j", t0, map[string]Outcome{"a": Failed}))
	for name, data := range map[string]string{
		"truncated":   string(good[:len(good)-5]),
		"future":      strings.Replace(string(good), `"ledger":1`, `"ledger":2`, 1),
		"garbage":     "not json\n",
		"unknown set": strings.Replace(string(good), `"set":"`, `"set":"x`, 2),
	} {
		t.Run(name, func(t *testing.T) {
			d := Dir{Path: t.TempDir()}
			p := filepath.Join(d.Path, filepath.FromSlash(segmentPath("main", "ci", t0)))
			os.MkdirAll(filepath.Dir(p), 0o755)
			os.WriteFile(p, []byte(data), 0o644)
			r := rec("2", "j", t0, map[string]Outcome{"a": Failed})
			q := query(t0, "a")
			q.Record = r
			_, err := Read(ctx, d, q)
			var fe *FileError
			if !errors.As(err, &fe) || !strings.Contains(err.Error(), "runs/main/ci/2026-12.jsonl") {
				t.Fatalf("Read error = %v, want one naming the file", err)
			}
			if name == "future" && !errors.Is(err, ErrVersion) {
				t.Errorf("error %v does not say the version", err)
			}
			after, _ := os.ReadFile(p)
			if string(after) != data {
				t.Error("the file was rewritten")
			}
		})
	}
}

func FuzzParseSegment(f *testing.F) {
	r := rec("1", "j", t0, map[string]Outcome{"a": Failed, "b": Passed, "c": Skipped})
	good := appendRecord(nil, "p", r)
	seg, _ := parseSegment("p", good)
	r2 := rec("2", "j", t0, map[string]Outcome{"a": Passed, "b": Passed, "d": Flaky})
	f.Add(appendRecord(seg, "p", r2))
	f.Add(good)
	f.Add([]byte("{\"ledger\":1,\"kind\":\"runs\"}\n{\"set\":\"x\",\"base\":\"x\"}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := parseSegment("p", data)
		if err != nil {
			return
		}
		// A file that parses takes a record and parses back with it.
		more := rec("fuzz", "j", t0, map[string]Outcome{"a": Failed, "z": Passed})
		s2, err := parseSegment("p", appendRecord(s, "p", more))
		if err != nil {
			t.Fatalf("append to a parsed segment: %v", err)
		}
		if !s2.has(more.Key, false) || len(s2.records) != len(s.records)+btoi(!s.has(more.Key, false)) {
			t.Fatalf("the appended record is not read back")
		}
		for _, r := range s.records {
			for _, id := range r.Failing() {
				if r.Outcome(id) != Failed && r.Outcome(id) != Flaky {
					t.Fatalf("failing test %q has outcome %v", id, r.Outcome(id))
				}
			}
		}
	})
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func FuzzParseTests(f *testing.F) {
	tl := &tests{by: map[string]Tally{"a": Tally{Test: "a", Issue: 3}.add(Occurrence{Key: Key{Run: "1", Attempt: 1, Job: "j"}, Time: t0, Outcome: "failed"})}}
	f.Add(tl.encode())
	f.Add([]byte("{\"ledger\":1,\"kind\":\"tests\"}\n{\"test\":\"\"}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := parseTests(data)
		if err != nil {
			return
		}
		// What parses encodes and parses back to the same tallies.
		q, err := parseTests(p.encode())
		if err != nil {
			t.Fatalf("re-encoded tallies do not parse: %v", err)
		}
		if len(q.by) != len(p.by) {
			t.Fatalf("%d tallies, then %d", len(p.by), len(q.by))
		}
		for id, x := range p.by {
			if q.by[id].Count != x.Count || q.by[id].Issue != x.Issue {
				t.Fatalf("tally %q changed: %+v, then %+v", id, x, q.by[id])
			}
		}
	})
}

func TestTallyDropsOldOccurrences(t *testing.T) {
	old := rec("1", "j", t0.AddDate(-2, 0, 0), map[string]Outcome{"old": Failed})
	ts, _ := (&tests{by: map[string]Tally{}}).apply(old, Update{Issues: map[string]int{"old": 4}})
	now := rec("2", "j", t0, map[string]Outcome{"new": Flaky})
	ts, _ = ts.apply(now, Update{})
	if got := ts.by["old"]; got.Count != 1 || got.Issue != 4 || len(got.Recent) != 0 {
		t.Errorf("old tally %+v, want its count and issue without occurrences", got)
	}
	if got := ts.by["new"]; got.Count != 1 || len(got.Recent) != 1 || got.Recent[0].Outcome != "flaky" {
		t.Errorf("new tally %+v", got)
	}
}
