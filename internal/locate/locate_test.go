package locate

import (
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
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
