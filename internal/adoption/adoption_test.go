package adoption

import (
	"fmt"
	"strings"
	"testing"
)

// capiForm renders an issue the way Cluster API's "Flaking Test" issue form
// writes it: each question a "### " heading, each answer below it.
func capiForm(jobs, tests, since, reason string) string {
	return fmt.Sprintf("### Which jobs are flaking?\n\n%s\n\n### Which tests are flaking?\n\n%s\n\n### Since when has it been flaking?\n\n%s\n\n### Testgrid link\n\n_No response_\n\n### Reason for failure (if possible)\n\n%s\n\n### Anything else we need to know?\n\n_No response_\n\n### Label(s) to be applied\n\n/kind flake\n", jobs, tests, since, reason)
}

var (
	goTest = Test{ID: "go", Name: "TestReconcileUpdateObservedGeneration", Classname: "sigs.k8s.io/cluster-api/internal/controllers/machineset", File: "internal/controllers/machineset/machineset_controller_test.go"}
	goSub  = Test{ID: "gosub", Name: "TestKubeadmControlPlaneReconciler_reconcileEtcdMembers", Classname: "sigs.k8s.io/cluster-api/controlplane/kubeadm/internal/controllers"}
	spec   = Test{ID: "spec", Name: "[It] When testing ClusterClass changes [ClusterClass] Should successfully rollout the managed topology upon changes to the ClusterClass [ClusterClass]", Classname: "capi-e2e", Leaf: "Should successfully rollout the managed topology upon changes to the ClusterClass"}
	patch  = Test{ID: "patch", Name: "[It] Patch Helper Should patch conditions [PR-Blocking]", Classname: "util/patch"}
	pyTest = Test{ID: "py", Name: "test_reconcile_ready[aws-1]", Classname: "tests.controllers.test_machine", File: "tests/controllers/test_machine.py"}
)

func TestMatch(t *testing.T) {
	for _, tc := range []struct {
		name   string
		tests  []Test
		issues []Issue
		// want maps a finding id to the adopted issue (0: none) and the
		// candidates' numbers.
		want map[string]want
	}{{
		name:   "the form names the Go test",
		tests:  []Test{goTest},
		issues: []Issue{{Number: 7, Title: "Flaky unit test in machineset", Body: capiForm("periodic-cluster-api-test-main", "`TestReconcileUpdateObservedGeneration`", "a week", "unknown")}},
		want:   map[string]want{"go": {adopt: 7, cands: []int{7}, where: `form answer "Which tests are flaking?"`}},
	}, {
		name:   "the title names it",
		tests:  []Test{goTest},
		issues: []Issue{{Number: 8, Title: "TestReconcileUpdateObservedGeneration is flaky"}},
		want:   map[string]want{"go": {adopt: 8, cands: []int{8}, where: "title"}},
	}, {
		name:   "[flake] title with a Go name and more words",
		tests:  []Test{goSub},
		issues: []Issue{{Number: 9, Title: "[flake] TestKubeadmControlPlaneReconciler_reconcileEtcdMembers fails at higher rates"}},
		want:   map[string]want{"gosub": {adopt: 9, cands: []int{9}}},
	}, {
		name:   "a subtest named in the issue matches the grouped finding",
		tests:  []Test{goTest},
		issues: []Issue{{Number: 10, Body: "TestReconcileUpdateObservedGeneration/should_update_the_generation fails now and then."}},
		want:   map[string]want{"go": {adopt: 10, cands: []int{10}}},
	}, {
		name:   "only inside a fenced log",
		tests:  []Test{goTest},
		issues: []Issue{{Number: 11, Title: "machineset flakes", Body: "It fails:\n\n```\n--- FAIL: TestReconcileUpdateObservedGeneration (0.01s)\n```\n"}},
		want:   map[string]want{},
	}, {
		name:   "only inside a quote",
		tests:  []Test{goTest},
		issues: []Issue{{Number: 12, Body: "Seen in CI:\n\n> --- FAIL: TestReconcileUpdateObservedGeneration (3.2s)\n> machineset_controller_test.go:88: timeout\n"}},
		want:   map[string]want{},
	}, {
		name:   "in a list of more than five tests",
		tests:  []Test{goTest},
		issues: []Issue{{Number: 13, Title: "Unit test flakes after the bump", Body: capiForm("all", "- TestA\n- TestB\n- TestC\n- TestD\n- TestE\n- TestReconcileUpdateObservedGeneration", "today", "")}},
		want:   map[string]want{},
	}, {
		name:   "only as part of a longer identifier",
		tests:  []Test{{ID: "p", Name: "TestPatch", Classname: "sigs.k8s.io/cluster-api/util/patch"}},
		issues: []Issue{{Number: 14, Title: "TestPatchHelper is flaky"}},
		want:   map[string]want{},
	}, {
		name:   "two issues name it: link both, adopt none",
		tests:  []Test{goTest},
		issues: []Issue{{Number: 15, Title: "TestReconcileUpdateObservedGeneration is flaky"}, {Number: 16, Title: "Flake: TestReconcileUpdateObservedGeneration"}},
		want:   map[string]want{"go": {cands: []int{15, 16}}},
	}, {
		name:   "a closed issue is linked, never adopted",
		tests:  []Test{goTest},
		issues: []Issue{{Number: 17, Title: "TestReconcileUpdateObservedGeneration is flaky", Closed: true}},
		want:   map[string]want{"go": {cands: []int{17}}},
	}, {
		name:   "an issue naming two failing tests is adopted for neither",
		tests:  []Test{goTest, goSub},
		issues: []Issue{{Number: 18, Title: "Unit tests flake", Body: "TestReconcileUpdateObservedGeneration and TestKubeadmControlPlaneReconciler_reconcileEtcdMembers fail."}},
		want:   map[string]want{"go": {cands: []int{18}}, "gosub": {cands: []int{18}}},
	}, {
		name:   "another package's test of the same name",
		tests:  []Test{goTest},
		issues: []Issue{{Number: 19, Title: "sigs.k8s.io/cluster-api/internal/controllers/machinedeployment.TestReconcileUpdateObservedGeneration flakes"}},
		want:   map[string]want{},
	}, {
		name:   "the test's own package as qualifier",
		tests:  []Test{goTest},
		issues: []Issue{{Number: 20, Title: "machineset.TestReconcileUpdateObservedGeneration flakes"}},
		want:   map[string]want{"go": {adopt: 20, cands: []int{20}}},
	}, {
		name:   "a suite entry point names no test",
		tests:  []Test{{ID: "e2e", Name: "TestE2E", Classname: "sigs.k8s.io/cluster-api/test/e2e"}},
		issues: []Issue{{Number: 21, Title: "TestE2E is failing"}},
		want:   map[string]want{},
	}, {
		name:   "Ginkgo spec text as the console prints it, with the suite and labels",
		tests:  []Test{spec},
		issues: []Issue{{Number: 22, Body: capiForm("periodic-cluster-api-e2e-main", "capi-e2e [It] When testing ClusterClass changes [ClusterClass] Should successfully rollout the managed topology upon changes to the ClusterClass [ClusterClass]", "", "")}},
		want:   map[string]want{"spec": {adopt: 22, cands: []int{22}}},
	}, {
		name:   "Ginkgo spec text as reports print it",
		tests:  []Test{patch},
		issues: []Issue{{Number: 23, Title: "Flaky test: [It] Patch Helper Should patch conditions"}},
		want:   map[string]want{"patch": {adopt: 23, cands: []int{23}}},
	}, {
		name:   "Ginkgo spec's own It text, long and unique",
		tests:  []Test{spec},
		issues: []Issue{{Number: 24, Title: "e2e: Should successfully rollout the managed topology upon changes to the ClusterClass times out"}},
		want:   map[string]want{"spec": {adopt: 24, cands: []int{24}}},
	}, {
		name:   "Ginkgo It text that another test of the run shares",
		tests:  []Test{spec, {Name: "[It] When testing ClusterClass changes with a rebase Should successfully rollout the managed topology upon changes to the ClusterClass", Classname: "capi-e2e"}},
		issues: []Issue{{Number: 25, Title: "Should successfully rollout the managed topology upon changes to the ClusterClass flakes"}},
		want:   map[string]want{},
	}, {
		name:   "pytest node id",
		tests:  []Test{pyTest},
		issues: []Issue{{Number: 26, Body: "tests/controllers/test_machine.py::test_reconcile_ready[aws-1] fails on arm"}},
		want:   map[string]want{"py": {adopt: 26, cands: []int{26}}},
	}, {
		name:   "pytest function name unique in the run",
		tests:  []Test{pyTest},
		issues: []Issue{{Number: 27, Title: "test_reconcile_ready is flaky"}},
		want:   map[string]want{"py": {adopt: 27, cands: []int{27}}},
	}, {
		name:   "pytest function name shared by two tests of the run",
		tests:  []Test{pyTest, {Name: "test_reconcile_ready", Classname: "tests.other.test_x"}},
		issues: []Issue{{Number: 28, Title: "test_reconcile_ready is flaky"}},
		want:   map[string]want{},
	}, {
		name:   "code names are case-sensitive",
		tests:  []Test{goTest},
		issues: []Issue{{Number: 29, Title: "testreconcileupdateobservedgeneration flakes"}},
		want:   map[string]want{},
	}, {
		name:   "a template's HTML comment is not the person's text",
		tests:  []Test{goTest},
		issues: []Issue{{Number: 30, Body: "<!-- e.g. TestReconcileUpdateObservedGeneration -->\nSomething is slow."}},
		want:   map[string]want{},
	}, {
		name:   "markdown template with bold questions",
		tests:  []Test{goTest},
		issues: []Issue{{Number: 31, Body: "**Which jobs are flaking:**\n\nperiodic\n\n**Which tests are flaking:**\n\nTestReconcileUpdateObservedGeneration\n"}},
		want:   map[string]want{"go": {adopt: 31, cands: []int{31}, where: `form answer "Which tests are flaking"`}},
	}, {
		name:   "unicode Go name",
		tests:  []Test{{ID: "u", Name: "TestÜberprüfung/fall_1", Classname: "example.com/m/p"}},
		issues: []Issue{{Number: 32, Title: "TestÜberprüfung schlägt manchmal fehl"}},
		want:   map[string]want{"u": {adopt: 32, cands: []int{32}}},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			got := Match(tc.tests, tc.issues)
			if len(got) != len(tc.want) {
				t.Fatalf("got decisions for %d tests, want %d: %+v", len(got), len(tc.want), got)
			}
			for id, w := range tc.want {
				d, ok := got[id]
				if !ok {
					t.Fatalf("no decision for %q: %+v", id, got)
				}
				if d.Adopt != w.adopt {
					t.Errorf("%s: adopt #%d, want #%d (%s)", id, d.Adopt, w.adopt, d.Reason)
				}
				var nums []int
				for _, c := range d.Candidates {
					nums = append(nums, c.Number)
				}
				if fmt.Sprint(nums) != fmt.Sprint(w.cands) {
					t.Errorf("%s: candidates %v, want %v", id, nums, w.cands)
				}
				if w.where != "" && (len(d.Candidates) == 0 || d.Candidates[0].Where != w.where) {
					t.Errorf("%s: found in %+v, want %s", id, d.Candidates, w.where)
				}
				if d.Reason == "" {
					t.Errorf("%s: no reason", id)
				}
			}
		})
	}
}

type want struct {
	adopt int
	cands []int
	where string
}

// A megabyte body with the name past GitHub's limit is read only as far as
// a body GitHub accepts can reach.
func TestMatchHugeBody(t *testing.T) {
	body := strings.Repeat("lorem ipsum dolor sit amet\n\n", 40000) + "TestReconcileUpdateObservedGeneration\n"
	got := Match([]Test{goTest}, []Issue{{Number: 1, Body: body}})
	if len(got) != 0 {
		t.Fatalf("matched past the body limit: %+v", got)
	}
}

func FuzzSegments(f *testing.F) {
	f.Add("title", capiForm("a", "TestX", "b", "c"))
	f.Add("t", "```\nTestX\n~~~\n```\n> q\n<!-- c")
	f.Fuzz(func(t *testing.T, title, body string) {
		segs := segments(0, title, body)
		if len(segs) == 0 || segs[0].where != "title" {
			t.Fatalf("no title segment: %+v", segs)
		}
		for _, s := range segs {
			if strings.Contains(s.text, "[It]") || strings.Contains(s.text, "  ") {
				t.Fatalf("segment not normalised: %q", s.text)
			}
		}
		// Matching never panics and decides at most one issue.
		d := Match([]Test{{ID: "x", Name: "TestX"}}, []Issue{{Number: 1, Title: title, Body: body}})
		if x, ok := d["x"]; ok && x.Adopt != 0 && x.Adopt != 1 {
			t.Fatalf("adopted #%d", x.Adopt)
		}
	})
}
