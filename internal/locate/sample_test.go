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
// the module root, a copy of ../shared/samples/capi-like).
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
		Report       string      `json:"report"`
		Name         string      `json:"name"`
		Classname    string      `json:"classname"`
		Kind         string      `json:"kind"`
		Location     *Location   `json:"location"`
		Alternatives []*Location `json:"location_alternatives"`
		TestLocation *Location   `json:"test_location"`
		RelatedPaths []string    `json:"related_paths"`
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
// location (or an accepted alternative), test_location and related paths,
// with no path prefix configured.
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
	tests := sampleTests(t, fsys)
	for _, w := range want.Tests {
		t.Run(w.Report+"/"+w.Name, func(t *testing.T) {
			rt, ok := tests[[3]string{w.Report, w.Name, w.Classname}]
			if !ok {
				t.Fatalf("the report has no failing test %q (%s)", w.Name, w.Classname)
			}
			if string(rt.Kind) != w.Kind {
				t.Errorf("report.Ingest read kind %s, want %s", rt.Kind, w.Kind)
			}
			got := ix.Locate(rt)
			accepted := append([]*Location{w.Location}, w.Alternatives...)
			if !slices.ContainsFunc(accepted, func(l *Location) bool { return cmp.Equal(l, got.Location) }) {
				t.Errorf("location = %+v, want %+v (or one of %+v)", got.Location, w.Location, w.Alternatives)
			}
			if diff := cmp.Diff(w.TestLocation, got.TestLocation); diff != "" {
				t.Errorf("test_location (-want +got):\n%s", diff)
			}
			var paths []string
			for _, r := range got.Related {
				paths = append(paths, r.Path)
			}
			wantRel := w.RelatedPaths
			withLoc := paths
			if got.Location != nil && !slices.Contains(paths, got.Location.Path) {
				withLoc = append(slices.Clone(paths), got.Location.Path)
			}
			if !cmp.Equal(wantRel, paths, cmpEmpty) && !cmp.Equal(wantRel, withLoc, cmpEmpty) {
				t.Errorf("related paths = %q, want %q", paths, wantRel)
			}
		})
	}
}

// cmpEmpty treats nil and empty slices alike.
var cmpEmpty = cmp.Comparer(func(a, b []string) bool { return slices.Equal(a, b) })
