package locate

import (
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/flake-triage/flake-triage/internal/report"
)

// TestLocateAmbiguous checks that a position matching several repo files
// is not reported as a location and that the candidates are noted.
func TestLocateAmbiguous(t *testing.T) {
	ix, err := NewIndex(fstest.MapFS{
		"hack/a/machine.py":       source(5, nil),
		"tools/b/machine.py":      source(5, nil),
		"hack/a/test_machine.py":  source(20, map[int]string{7: "def test_phase():"}),
		"tools/b/test_machine.py": source(1, nil),
	}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// pytest's long traceback, relative to an unknown rootdir.
	text := "    def test_phase():\n>       assert phase() == 'Running'\n\nmachine.py:3: AssertionError"
	got := ix.Locate(testWithFailure("a.test_machine", "test_phase", text))
	want := Result{
		// The classname a.test_machine names hack/a/test_machine.py alone.
		TestLocation: &Location{Path: "hack/a/test_machine.py", Line: 7},
		Notes:        []string{"machine.py:3 matches several files: hack/a/machine.py, tools/b/machine.py"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Locate (-want +got):\n%s", diff)
	}
}

// TestLocateGinkgoWithoutEnterLines finds a Ginkgo spec by its text when
// the report lacks the "> Enter [It]" lines (ginkgo without -v), through
// the suite's absolute package directory, and follows its calls.
func TestLocateGinkgoWithoutEnterLines(t *testing.T) {
	fsys := sampleFS(t)
	ix, err := NewIndex(fsys, Options{})
	if err != nil {
		t.Fatal(err)
	}
	const name = "[It] When following the Cluster API quick-start Should bring every machine to Running [quick-start]"
	var found bool
	for k, rt := range sampleTests(t, fsys) {
		if k[0] != "reports/ginkgo-e2e.xml" || rt.Name != name {
			continue
		}
		found = true
		for i := range rt.Failed {
			rt.Failed[i].SystemErr = ""
		}
		got := ix.Locate(rt)
		if diff := cmp.Diff(&Location{Path: "test/e2e/quick_start_test.go", Line: 29}, got.TestLocation); diff != "" {
			t.Errorf("test_location (-want +got):\n%s", diff)
		}
		wantRefs := []Reference{{Path: "test/framework/cluster_helpers.go", Symbol: "framework.WaitForMachinesRunning"}}
		if diff := cmp.Diff(wantRefs, got.References); diff != "" {
			t.Errorf("references (-want +got):\n%s", diff)
		}
	}
	if !found {
		t.Fatalf("no %q in the sample", name)
	}
}

// TestLocateAllSubtestParent checks that a parent go test whose failure
// names no position takes the location of its failing subtest of the same
// report, and only then. The failure texts are gotestsum's, from the
// sample's reports/gotestsum-unit.xml.
func TestLocateAllSubtestParent(t *testing.T) {
	ix, err := NewIndex(sampleFS(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	const (
		pkg    = "sigs.k8s.io/capi-like/api/v1beta1"
		parent = "=== RUN   TestClusterDefault\n--- FAIL: TestClusterDefault (0.00s)\n"
		sub    = "=== RUN   TestClusterDefault/sets_the_service_domain\n    cluster_types_test.go:32: ServiceDomain = \"svc.cluster.local\", want \"cluster.local\"\n--- FAIL: TestClusterDefault/sets_the_service_domain (0.00s)\n"
	)
	in := func(rep, name, text string) report.Test {
		rt := testWithFailure(pkg, name, text)
		rt.Report = rep
		rt.Suite.Name = pkg
		return rt
	}
	subtest := &Location{Path: "api/v1beta1/cluster_types_test.go", Line: 32}
	tests := []struct {
		name  string
		tests []report.Test
		want  []*Location
	}{
		{
			name:  "subtest after its parent",
			tests: []report.Test{in("a.xml", "TestClusterDefault", parent), in("a.xml", "TestClusterDefault/sets_the_service_domain", sub)},
			want:  []*Location{subtest, subtest},
		},
		{
			name:  "subtest before its parent",
			tests: []report.Test{in("a.xml", "TestClusterDefault/sets_the_service_domain", sub), in("a.xml", "TestClusterDefault", parent)},
			want:  []*Location{subtest, subtest},
		},
		{
			name:  "subtest of another report",
			tests: []report.Test{in("a.xml", "TestClusterDefault", parent), in("b.xml", "TestClusterDefault/sets_the_service_domain", sub)},
			want:  []*Location{nil, subtest},
		},
		{
			name:  "a test whose name only starts like the parent's",
			tests: []report.Test{in("a.xml", "TestClusterDefault", parent), in("a.xml", "TestClusterDefaults/sets_the_service_domain", sub)},
			want:  []*Location{nil, subtest},
		},
		{
			name: "a grandchild",
			tests: []report.Test{
				in("a.xml", "TestClusterDefault", parent),
				in("a.xml", "TestClusterDefault/sets", "--- FAIL: TestClusterDefault/sets (0.00s)\n"),
				in("a.xml", "TestClusterDefault/sets/the_service_domain", sub),
			},
			want: []*Location{subtest, subtest, subtest},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []*Location
			for _, r := range ix.LocateAll(tt.tests) {
				got = append(got, r.Location)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("locations (-want +got):\n%s", diff)
			}
		})
	}
}

// TestLocateAllRun reads every report of the sample as one run, folding
// the tests of several reports, and checks the parent of a failing
// subtest.
func TestLocateAllRun(t *testing.T) {
	fsys := sampleFS(t)
	ix, err := NewIndex(fsys, Options{})
	if err != nil {
		t.Fatal(err)
	}
	set := report.Read(fsys, []string{"reports/*.xml"})
	if len(set.Errors) != 0 {
		t.Fatalf("read the sample's reports: %q", set.Errors)
	}
	results := ix.LocateAll(set.Tests)
	if len(results) != len(set.Tests) {
		t.Fatalf("LocateAll returned %d results for %d tests", len(results), len(set.Tests))
	}
	var found int
	for i, rt := range set.Tests {
		if rt.Name != "TestClusterDefault" {
			continue
		}
		found++
		want := Result{
			Location:     &Location{Path: "api/v1beta1/cluster_types_test.go", Line: 32},
			TestLocation: &Location{Path: "api/v1beta1/cluster_types_test.go", Line: 20},
		}
		if diff := cmp.Diff(want, results[i], cmpopts.IgnoreFields(Result{}, "Time")); diff != "" {
			t.Errorf("%s: LocateAll (-want +got):\n%s", rt.Report, diff)
		}
	}
	if found == 0 {
		t.Fatal("no TestClusterDefault in the run")
	}
}
