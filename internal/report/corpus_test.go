package report

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// A corpusCount is the outcome expected of one report of the corpus.
type corpusCount struct {
	Tests, Failed, Flaky int
	Error                bool
}

// readCounts reads testdata/corpus/COUNTS.tsv: per report, the counts that
// an independent reference counter gives (see testdata/corpus/README.md),
// or "error" where it finds no JUnit report.
func readCounts(t *testing.T, path string) map[string]corpusCount {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	counts := map[string]corpusCount{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Split(line, "\t")
		if len(fields) != 4 {
			t.Fatalf("%s: bad line %q", path, line)
		}
		if fields[1] == "error" {
			counts[fields[0]] = corpusCount{Error: true}
			continue
		}
		var n [3]int
		for i := range n {
			if n[i], err = strconv.Atoi(fields[i+1]); err != nil {
				t.Fatalf("%s: bad line %q: %v", path, line, err)
			}
		}
		counts[fields[0]] = corpusCount{Tests: n[0], Failed: n[1], Flaky: n[2]}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return counts
}

// corpusOverrides are the reports where this package deliberately counts
// otherwise than junit_ref.py, with the reason.
var corpusOverrides = map[string]struct {
	want corpusCount
	why  string
}{}

// TestCorpus ingests each report of testdata/corpus (real reports of many
// runners, see MANIFEST.tsv) alone and compares its counts with the
// reference, or checks that a report that is not JUnit is rejected.
func TestCorpus(t *testing.T) {
	dir := filepath.Join("testdata", "corpus")
	counts := readCounts(t, filepath.Join(dir, "COUNTS.tsv"))
	if len(counts) < 100 {
		t.Fatalf("only %d reports in COUNTS.tsv", len(counts))
	}
	for name, want := range counts {
		t.Run(name, func(t *testing.T) {
			if o, ok := corpusOverrides[name]; ok {
				want = o.want
			}
			f, err := os.Open(filepath.Join(dir, filepath.FromSlash(name)))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			set := Ingest(name, f)
			if len(set.Files) != 1 {
				t.Fatalf("%d files, want 1", len(set.Files))
			}
			got := corpusCount{Tests: set.Files[0].Tests, Failed: set.Files[0].Failed, Flaky: set.Files[0].Flaky, Error: set.Files[0].Error != ""}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("counts (-want +got):\n%s\nerror: %s", diff, set.Files[0].Error)
			}
			if want.Error && len(set.Errors) != 1 {
				t.Errorf("Errors = %q, want one", set.Errors)
			}
			if !want.Error && len(set.Errors) != 0 {
				t.Errorf("Errors = %q, want none", set.Errors)
			}
			nFailed, nFlaky := 0, 0
			for _, tc := range set.Tests {
				if len(tc.Failed) == 0 || tc.Report != name {
					t.Errorf("%s: %d failed attempts, Report %q", tc.Name, len(tc.Failed), tc.Report)
				}
				if tc.Kind == Flake {
					nFlaky++
				} else {
					nFailed++
				}
			}
			if nFailed != got.Failed || nFlaky != got.Flaky || set.Total != got.Tests {
				t.Errorf("Tests has %d failing and %d flaky, Total %d; File says %+v", nFailed, nFlaky, set.Total, got)
			}
		})
	}
}

// TestSharedCorpusLarge reads the corpus reports too large to copy into
// testdata (listed in testdata/corpus/LARGE.tsv) from ../shared/corpus
// beside the checkout, and skips when it is absent.
func TestSharedCorpusLarge(t *testing.T) {
	var dir string
	for _, d := range []string{filepath.Join("..", "..", "..", "shared", "corpus"), filepath.Join("..", "..", "..", "..", "shared", "corpus")} {
		if _, err := os.Stat(filepath.Join(d, "MANIFEST.tsv")); err == nil {
			dir = d
			break
		}
	}
	if dir == "" {
		t.Skip("../shared/corpus is not beside the checkout")
	}
	for name, want := range readCounts(t, filepath.Join("testdata", "corpus", "LARGE.tsv")) {
		t.Run(name, func(t *testing.T) {
			f, err := os.Open(filepath.Join(dir, filepath.FromSlash(name)))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			set := Ingest(name, f)
			file := set.Files[0]
			got := corpusCount{Tests: file.Tests, Failed: file.Failed, Flaky: file.Flaky, Error: file.Error != ""}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("counts (-want +got):\n%s\nerror: %s", diff, file.Error)
			}
		})
	}
}
