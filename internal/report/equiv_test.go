package report

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/joshdk/go-junit"
)

// TestEquivalentToGoJunit reads every corpus report that go-junit can read
// with both readers: each testcase go-junit reports failed or errored is a
// failing or flaky test here, with an attempt of the same status, message,
// type, attributes and body (go-junit keeps the last of several <failure>
// elements, this package joins them; go-junit keeps nested markup in a
// body, this package keeps its text).
func TestEquivalentToGoJunit(t *testing.T) {
	dir := filepath.Join("testdata", "corpus")
	counts := readCounts(t, filepath.Join(dir, "COUNTS.tsv"))
	compared := 0
	for name, c := range counts {
		if c.Error {
			continue
		}
		path := filepath.Join(dir, filepath.FromSlash(name))
		suites, err := junit.IngestFile(path)
		if err != nil {
			continue // go-junit rejects some reports this package reads
		}
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		set := Ingest(name, f)
		f.Close()
		ours := map[[3]string][]junit.Test{}
		for _, tc := range set.Tests {
			ours[[3]string{tc.Suite.Name, tc.Classname, tc.Name}] = tc.Failed
		}
		var walk func(s junit.Suite)
		walk = func(s junit.Suite) {
			for _, gt := range s.Tests {
				if gt.Status != junit.StatusFailed && gt.Status != junit.StatusError {
					continue
				}
				compared++
				id := [3]string{s.Name, gt.Classname, gt.Name}
				atts, ok := ours[id]
				if !ok {
					t.Errorf("%s: go-junit's failing %q is not a failing or flaky test here", name, id)
					continue
				}
				if !anyEquivalent(gt, atts) {
					t.Errorf("%s: %q: no attempt like go-junit's:\n%s", name, id, cmp.Diff(summary(gt), summary(atts[len(atts)-1])))
				}
			}
			for _, sub := range s.Suites {
				walk(sub)
			}
		}
		for _, s := range suites {
			walk(s)
		}
	}
	if compared < 100 {
		t.Errorf("compared only %d failing testcases", compared)
	}
}

type equivSummary struct {
	Status              junit.Status
	Message, Type, Body string
	Props               map[string]string
}

func summary(t junit.Test) equivSummary {
	e, _ := t.Error.(junit.Error)
	return equivSummary{t.Status, norm(t.Message), norm(e.Type), norm(e.Body), t.Properties}
}

func norm(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
}

func anyEquivalent(gt junit.Test, atts []junit.Test) bool {
	want := summary(gt)
	for _, a := range atts {
		got := summary(a)
		if got.Status != want.Status || !cmp.Equal(got.Props, want.Props) {
			continue
		}
		// Several <failure> elements: go-junit keeps the last, this
		// package joins all; markup nested in a body is text here.
		if got.Body == want.Body || (want.Body != "" && strings.Contains(got.Body, want.Body)) || strings.Contains(want.Body, "<") {
			return true
		}
	}
	return false
}
