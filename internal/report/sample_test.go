package report

import (
	"encoding/json"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/joshdk/go-junit"
	"golang.org/x/tools/txtar"
)

// sampleFS loads the capi-like sample, bundled at the module root as
// testdata/capi-like.txtar.
func sampleFS(t testing.TB) fs.FS {
	t.Helper()
	a, err := txtar.ParseFile(filepath.Join("..", "..", "testdata", "capi-like.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	fsys, err := txtar.FS(a)
	if err != nil {
		t.Fatal(err)
	}
	return fsys
}

type expected struct {
	Tests []struct {
		Report, Name, Classname, Kind string
	}
	Counts map[string]struct{ Failure, Flake int }
}

func sampleExpected(t *testing.T, fsys fs.FS) expected {
	t.Helper()
	b, err := fs.ReadFile(fsys, "EXPECTED.json")
	if err != nil {
		t.Fatal(err)
	}
	var e expected
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatal(err)
	}
	return e
}

// TestReadSample reads every report of the sample at once and compares the
// per-file counts and the failing and flaky tests with EXPECTED.json.
func TestReadSample(t *testing.T) {
	fsys := sampleFS(t)
	want := sampleExpected(t, fsys)
	set := Read(fsys, []string{"reports/*.xml"})
	if len(set.Errors) != 0 {
		t.Errorf("Errors = %q, want none", set.Errors)
	}

	type count struct{ Failure, Flake int }
	wantCounts := map[string]count{}
	for name, c := range want.Counts {
		wantCounts[name] = count(c)
	}
	gotCounts := map[string]count{}
	for _, f := range set.Files {
		if f.Error != "" {
			t.Errorf("%s: Error = %q", f.Path, f.Error)
		}
		gotCounts[f.Path] = count{f.Failed, f.Flaky}
	}
	if diff := cmp.Diff(wantCounts, gotCounts); diff != "" {
		t.Errorf("per-file counts (-want +got):\n%s", diff)
	}

	// Folded over all files, the failing and flaky tests are EXPECTED's
	// (a Go test that go-junit-report and gotestsum both report is one test).
	type id struct{ Name, Classname string }
	wantIDs, gotIDs := map[id]bool{}, map[id]bool{}
	for _, tc := range want.Tests {
		wantIDs[id{tc.Name, tc.Classname}] = true
	}
	for _, tc := range set.Tests {
		gotIDs[id{tc.Name, tc.Classname}] = true
		if len(tc.Failed) == 0 {
			t.Errorf("%s: no failed attempt kept", tc.Name)
		}
	}
	if diff := cmp.Diff(wantIDs, gotIDs); diff != "" {
		t.Errorf("failing and flaky tests (-want +got):\n%s", diff)
	}
	if set.Failed+set.Flaky != len(set.Tests) {
		t.Errorf("Failed %d + Flaky %d != %d tests", set.Failed, set.Flaky, len(set.Tests))
	}
}

// TestIngestSampleFiles ingests each report of the sample alone: its failing
// and flaky tests are exactly EXPECTED.json's entries for that report.
func TestIngestSampleFiles(t *testing.T) {
	fsys := sampleFS(t)
	want := sampleExpected(t, fsys)
	type id struct{ Name, Classname, Kind string }
	for name := range want.Counts {
		t.Run(name, func(t *testing.T) {
			var wantTests []id
			for _, tc := range want.Tests {
				if tc.Report == name {
					wantTests = append(wantTests, id{tc.Name, tc.Classname, tc.Kind})
				}
			}
			b, err := fs.ReadFile(fsys, name)
			if err != nil {
				t.Fatal(err)
			}
			set := Ingest(name, strings.NewReader(string(b)))
			var got []id
			for _, tc := range set.Tests {
				got = append(got, id{tc.Name, tc.Classname, string(tc.Kind)})
				if tc.Report != name {
					t.Errorf("%s: Report = %q", tc.Name, tc.Report)
				}
			}
			less := func(a, b id) bool { return a.Name+a.Classname < b.Name+b.Classname }
			sort.Slice(wantTests, func(i, j int) bool { return less(wantTests[i], wantTests[j]) })
			sort.Slice(got, func(i, j int) bool { return less(got[i], got[j]) })
			if diff := cmp.Diff(wantTests, got); diff != "" {
				t.Errorf("tests (-want +got):\n%s", diff)
			}
		})
	}
}

// TestGinkgoFlakeAttempt checks the attempt synthesized for the Ginkgo spec
// that passed on its second attempt: its body is the first attempt's
// failure, with the "In [It] at:" line that locates it.
func TestGinkgoFlakeAttempt(t *testing.T) {
	fsys := sampleFS(t)
	b, err := fs.ReadFile(fsys, "reports/ginkgo-e2e.xml")
	if err != nil {
		t.Fatal(err)
	}
	set := Ingest("reports/ginkgo-e2e.xml", strings.NewReader(string(b)))
	const name = "[It] When following the Cluster API quick-start Should survive an API server restart [quick-start]"
	for _, tc := range set.Tests {
		if tc.Name != name {
			continue
		}
		if tc.Kind != Flake || tc.Passed != 1 || len(tc.Failed) != 1 {
			t.Fatalf("Kind %q, Passed %d, %d failed attempts; want flake, 1, 1", tc.Kind, tc.Passed, len(tc.Failed))
		}
		a := tc.Failed[0]
		body := a.Error.(junit.Error).Body
		for _, want := range []string{
			"[FAILED] Failure recorded during attempt 1:",
			"API server still restarting",
			"In [It] at: /home/runner/work/capi-like/capi-like/test/e2e/quick_start_test.go:35 @",
		} {
			if !strings.Contains(body, want) {
				t.Errorf("body lacks %q:\n%s", want, body)
			}
		}
		if strings.Contains(body, "Retrying") || strings.Contains(body, "< Exit") {
			t.Errorf("body runs past the failure block:\n%s", body)
		}
		if a.Message != "API server still restarting" {
			t.Errorf("Message = %q", a.Message)
		}
		if !strings.Contains(a.SystemErr, "> Enter [It] Should survive an API server restart - /home/runner/work/capi-like/capi-like/test/e2e/quick_start_test.go:33") {
			t.Errorf("SystemErr lacks the spec's Enter line:\n%s", a.SystemErr)
		}
		return
	}
	t.Fatalf("no test %q", name)
}
