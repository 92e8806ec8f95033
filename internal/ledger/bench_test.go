package ledger

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-github/v57/github"

	"github.com/flake-triage/flake-triage/internal/fakegithub"
)

// A busy repository's two years: 20,000 runs of a 2,000-test suite, 5 jobs
// per run (100,000 records), on main, one workflow. Each record has a few
// failing or flaky tests out of 40 flaky ones; a test joins the suite
// every week.
const (
	benchRuns  = 20000
	benchJobs  = 5
	benchTests = 2000
	benchFlaky = 40
)

var benchEnd = time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)

func benchID(i int) string { return fmt.Sprintf("%016x", uint64(i)*0x9e3779b97f4a7c15) }

// benchLedger returns the files of the busy ledger, by path.
func benchLedger(tb testing.TB) map[string][]byte {
	tb.Helper()
	start := benchEnd.AddDate(-2, 0, 0)
	step := benchEnd.Sub(start) / benchRuns
	type seg struct {
		b    bytes.Buffer
		sets map[string]*testSet
		last *testSet
	}
	segs := map[string]*seg{}
	tally := &tests{by: map[string]Tally{}}
	base := make([]string, 0, benchTests+200)
	for i := range benchTests {
		base = append(base, benchID(i))
	}
	var set *testSet
	week := -1
	for run := range benchRuns {
		at := start.Add(time.Duration(run) * step)
		if w := int(at.Sub(start) / (7 * 24 * time.Hour)); w != week {
			week = w
			ids := append(append([]string(nil), base...), benchID(benchTests+w))
			base = ids
			sorted := append([]string(nil), ids...)
			sortStrings(sorted)
			set = newSet(sorted)
		}
		for job := range benchJobs {
			r := &Record{Key: Key{Run: fmt.Sprint(1_000_000 + run), Attempt: 1, Job: fmt.Sprintf("e2e-%d", job)},
				Workflow: "e2e", Branch: "main", SHA: fmt.Sprintf("%040x", run), Event: "push", Time: at,
				URL: fmt.Sprintf("https://github.com/acme/busy/actions/runs/%d/attempts/1", 1_000_000+run),
				set: set, exceptions: map[string]exception{}}
			for k := range 3 {
				id := benchID((run*7 + job*3 + k*11) % benchFlaky)
				o := Failed
				if k > 0 {
					o = Flaky
				}
				r.exceptions[id] = exception{outcome: o, sig: "c0ffee12"}
			}
			p := segmentPath(r.Branch, r.Workflow, r.Time)
			s := segs[p]
			if s == nil {
				s = &seg{sets: map[string]*testSet{}}
				writeJSON(&s.b, header{Ledger: Version, Kind: "runs", Branch: "main", Workflow: "e2e", Month: at.Format("2006-01")})
				segs[p] = s
			}
			writeRecord(&s.b, s.sets, s.last, r)
			s.sets[set.id], s.last = set, set
			for _, id := range r.Failing() {
				tally.by[id] = Tally{Test: id, Issue: 1, Count: 0}.add(occurrenceOf(r, id))
			}
		}
	}
	files := map[string][]byte{testsPath: tally.encode()}
	for p, s := range segs {
		files[p] = s.b.Bytes()
	}
	return files
}

func sortStrings(s []string) {
	// Small wrapper so the generator reads as the layout does.
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// benchRun is one triage run's use of the ledger: read the window of its
// failing tests and whether it is recorded, then add its record.
func benchRun(b *testing.B, s Store, i int) {
	at := benchEnd.Add(time.Duration(i+1) * time.Minute)
	outcomes := map[string]Outcome{}
	for t := range benchTests {
		outcomes[benchID(t)] = Passed
	}
	failing := []string{benchID(1), benchID(2), benchID(3)}
	outcomes[failing[0]], outcomes[failing[1]], outcomes[failing[2]] = Failed, Flaky, Failed
	r := NewRecord(Key{Run: fmt.Sprint(9_000_000 + i), Attempt: 1, Job: "e2e-0"}, maps.All(outcomes))
	r.Workflow, r.Branch, r.Time, r.Event = "e2e", "main", at, "push"
	q := Query{Scope: Scope{Branch: "main", Size: DefaultWindow, Since: at.AddDate(0, 0, -DefaultDays)},
		Workflow: "e2e", Now: at, Tests: failing, Record: &r}
	v, err := Read(context.Background(), s, q)
	if err != nil {
		b.Fatal(err)
	}
	for _, id := range failing {
		if n := len(v.Window(id)); n != DefaultWindow {
			b.Fatalf("window of %s: %d records", id, n)
		}
	}
	if w, err := Add(context.Background(), v, &r, false, Update{Issues: map[string]int{failing[0]: 1}}); err != nil || !w.Added {
		b.Fatalf("add: %+v %v", w, err)
	}
}

// BenchmarkBranchLedgerRun measures one run against a busy branch ledger
// on the fake GitHub: API calls (reads, writes) per run, time and memory.
func BenchmarkBranchLedgerRun(b *testing.B) {
	files := benchLedger(b)
	gh := fakegithub.New(b, "acme", "busy", "")
	hc := gh.Client()
	gc := github.NewClient(hc)
	u, _ := gc.BaseURL.Parse(gh.URL)
	gc.BaseURL = u
	store := Branch{Client: gc, Owner: "acme", Repo: "busy", Name: "flake-triage-history"}
	var changes []Change
	size := 0
	for p, c := range files {
		changes = append(changes, Change{Path: p, New: c})
		size += len(c)
	}
	if err := store.Write(context.Background(), Head{Files: map[string]string{}}, changes, "seed"); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	reads, writes := 0, 0
	for i := 0; i < b.N; i++ {
		gh.ResetLog()
		benchRun(b, store, i)
		for _, r := range gh.Requests() {
			if r.Method == http.MethodGet {
				reads++
			} else {
				writes++
			}
		}
	}
	b.ReportMetric(float64(reads)/float64(b.N), "reads/op")
	b.ReportMetric(float64(writes)/float64(b.N), "writes/op")
	b.ReportMetric(float64(size)/(1<<20), "ledger-MB")
	b.ReportMetric(float64(len(files)), "files")
}

// BenchmarkDirLedgerRun is the same run against a dir: ledger.
func BenchmarkDirLedgerRun(b *testing.B) {
	files := benchLedger(b)
	d := Dir{Path: b.TempDir()}
	for p, c := range files {
		fp := filepath.Join(d.Path, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(fp), 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(fp, c, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	// What a run allocates (B/op) bounds the memory its ledger work needs.
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		benchRun(b, d, i)
	}
}
