package locate

import (
	"encoding/json"
	"io/fs"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"

	"github.com/flake-triage/flake-triage/internal/report"
)

// sampleFS loads the capi-like sample monorepo (testdata/capi-like.txtar at
// the module root).
func sampleFS(tb testing.TB) fs.FS {
	tb.Helper()
	a, err := txtar.ParseFile(filepath.Join("..", "..", "testdata", "capi-like.txtar"))
	if err != nil {
		tb.Fatal(err)
	}
	fsys, err := txtar.FS(a)
	if err != nil {
		tb.Fatal(err)
	}
	return fsys
}

type expected struct {
	Tests []struct {
		Report       string    `json:"report"`
		Name         string    `json:"name"`
		Classname    string    `json:"classname"`
		Kind         string    `json:"kind"`
		Location     *Location `json:"location"`
		TestLocation *Location `json:"test_location"`
		RelatedPaths []string  `json:"related_paths"`
	} `json:"tests"`
}

// sampleTests reads every report of the sample, keyed by report, name and
// classname.
func sampleTests(tb testing.TB, fsys fs.FS) map[[3]string]report.Test {
	tb.Helper()
	reports, err := fs.Glob(fsys, "reports/*.xml")
	if err != nil || len(reports) == 0 {
		tb.Fatalf("no reports in the sample: %v", err)
	}
	out := make(map[[3]string]report.Test)
	for _, r := range reports {
		data, err := fs.ReadFile(fsys, r)
		if err != nil {
			tb.Fatal(err)
		}
		for _, t := range readTests(tb, r, data) {
			out[[3]string{r, t.Name, t.Classname}] = t
		}
	}
	return out
}

// TestSampleExpected checks every entry of the sample's EXPECTED.json:
// location, test_location and related paths, with no path prefix
// configured, locating each report's tests with LocateAll as the
// pipeline does.
func TestSampleExpected(t *testing.T) {
	fsys := sampleFS(t)
	ix, err := NewIndex(fsys, Options{})
	if err != nil {
		t.Fatal(err)
	}
	data, err := fs.ReadFile(fsys, "EXPECTED.json")
	if err != nil {
		t.Fatal(err)
	}
	var want expected
	if err := json.Unmarshal(data, &want); err != nil {
		t.Fatal(err)
	}
	if len(want.Tests) == 0 {
		t.Fatal("EXPECTED.json lists no tests")
	}
	type located struct {
		test   report.Test
		result Result
	}
	got := make(map[[3]string]located)
	reports, err := fs.Glob(fsys, "reports/*.xml")
	if err != nil || len(reports) == 0 {
		t.Fatalf("no reports in the sample: %v", err)
	}
	for _, r := range reports {
		data, err := fs.ReadFile(fsys, r)
		if err != nil {
			t.Fatal(err)
		}
		tests := readTests(t, r, data)
		for i, res := range ix.LocateAll(tests) {
			got[[3]string{r, tests[i].Name, tests[i].Classname}] = located{tests[i], res}
		}
	}
	for _, w := range want.Tests {
		t.Run(w.Report+"/"+w.Name, func(t *testing.T) {
			g, ok := got[[3]string{w.Report, w.Name, w.Classname}]
			if !ok {
				t.Fatalf("the report has no failing test %q (%s)", w.Name, w.Classname)
			}
			if string(g.test.Kind) != w.Kind {
				t.Errorf("report.Ingest read kind %s, want %s", g.test.Kind, w.Kind)
			}
			if diff := cmp.Diff(w.Location, g.result.Location); diff != "" {
				t.Errorf("location (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(w.TestLocation, g.result.TestLocation); diff != "" {
				t.Errorf("test_location (-want +got):\n%s", diff)
			}
			var paths []string
			for _, r := range g.result.Related {
				paths = append(paths, r.Path)
			}
			if diff := cmp.Diff(w.RelatedPaths, paths, cmpEmpty); diff != "" {
				t.Errorf("related paths (-want +got):\n%s", diff)
			}
		})
	}
}

// cmpEmpty treats nil and empty slices alike.
var cmpEmpty = cmp.Comparer(func(a, b []string) bool { return slices.Equal(a, b) })
