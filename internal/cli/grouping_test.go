package cli

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/flake-triage/flake-triage/internal/triage"
)

// A wantFinding is a finding that the sample's ground truth asks for under
// the grouping rules, with every acceptable answer: a grouped test may
// show the location of any of its failing cases.
type wantFinding struct {
	Report, Name, Classname, Kind string
	Cases                         []string
	Locations                     []*triage.Location
	TestLocations                 []*triage.Location
	Related                       [][]string
	Owners                        [][2][]string // approvers, reviewers
}

// groundTruth turns EXPECTED.json's failing test cases into the findings
// the grouping rules make of them (the rules the sample's own checker
// applies): a Go parent that failed only through its subtests is no
// finding, and subtests and pytest parameter sets fold into their
// top-level test, which lists them as its cases.
func groundTruth(exp expected) []*wantFinding {
	type key struct{ report, classname, name string }
	listed := map[key]int{}
	for i, e := range exp.Tests {
		listed[key{e.Report, e.Classname, e.Name}] = i
	}
	parents := map[key]bool{}
	for _, e := range exp.Tests {
		if top, _, ok := triage.SplitCase(e.Name); ok && top != e.Name && isGo(top) {
			if _, ok := listed[key{e.Report, e.Classname, top}]; ok {
				parents[key{e.Report, e.Classname, top}] = true
			}
		}
	}
	var out []*wantFinding
	groups := map[key]*wantFinding{}
	for _, e := range exp.Tests {
		k := key{e.Report, e.Classname, e.Name}
		if parents[k] {
			continue
		}
		w := &wantFinding{Report: e.Report, Name: e.Name, Classname: e.Classname, Kind: e.Kind,
			Locations:     append([]*triage.Location{e.Location}, e.LocationAlternatives...),
			TestLocations: []*triage.Location{e.TestLocation},
			Related:       [][]string{e.RelatedPaths},
			Owners:        [][2][]string{{e.Approvers, e.Reviewers}},
		}
		top, cse, ok := triage.SplitCase(e.Name)
		if !ok {
			out = append(out, w)
			continue
		}
		gk := key{e.Report, e.Classname, top}
		if g := groups[gk]; g != nil {
			g.Cases = append(g.Cases, cse)
			if e.Kind == "failure" {
				g.Kind = "failure"
			}
			g.Locations = append(g.Locations, w.Locations...)
			g.TestLocations = append(g.TestLocations, w.TestLocations...)
			g.Related = append(g.Related, w.Related...)
			g.Owners = append(g.Owners, w.Owners...)
			continue
		}
		w.Name, w.Cases = top, []string{cse}
		if i, ok := listed[gk]; ok {
			// The top-level test's own declaration.
			w.TestLocations = append([]*triage.Location{exp.Tests[i].TestLocation}, w.TestLocations...)
		}
		groups[gk] = w
		out = append(out, w)
	}
	return out
}

func isGo(top string) bool {
	_, _, ok := triage.SplitCase(top + "/x")
	return ok
}

// TestInfrastructureFailureEndToEnd: six of ten tests of a report failed in
// one helper with one message (the management cluster was gone): a dry run
// plans one issue of kind infra, listing them, instead of six.
func TestInfrastructureFailureEndToEnd(t *testing.T) {
	files := map[string]string{
		"go.mod":                    "module example.com/m\n\ngo 1.26\n",
		"OWNERS":                    "approvers: [root]\n",
		"test/framework/OWNERS":     "approvers: [framework-expert]\n",
		"test/framework/cluster.go": "package framework\n\nimport \"testing\"\n\n// Connect fails the test when the cluster is gone.\nfunc Connect(t *testing.T) {\n\tt.Helper()\n\tt.Fatal(\"connection refused\")\n}\n",
		"test/e2e/e2e_test.go":      "package e2e\n\nimport (\n\t\"testing\"\n\n\t\"example.com/m/test/framework\"\n)\n\nfunc TestA(t *testing.T) { framework.Connect(t) }\n",
	}
	var report strings.Builder
	report.WriteString(`<testsuites><testsuite name="example.com/m/test/e2e" tests="10">`)
	for i := range 10 {
		if i < 6 {
			fmt.Fprintf(&report, `<testcase classname="example.com/m/test/e2e" name="TestE2E%d"><failure message="Failed">    cluster.go:8: dial tcp 10.0.0.%d:6443: connect: connection refused</failure></testcase>`, i, i)
		} else {
			fmt.Fprintf(&report, `<testcase classname="example.com/m/test/e2e" name="TestE2E%d"/>`, i)
		}
	}
	report.WriteString(`</testsuite></testsuites>`)
	files["junit.xml"] = report.String()
	dir := writeRepo(t, files)
	code, stdout, stderr := runCLI(t, nil, "triage", "--dry-run", "--repo-root", dir, "--reports", "junit.xml", "--json", "-")
	if code != ExitOK {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	var res triage.Result
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) != 1 {
		t.Fatalf("%d findings, want the one infrastructure failure", len(res.Findings))
	}
	f := res.Findings[0]
	if f.Kind != triage.KindInfra || f.Test.Name != "test/framework/cluster.go:8" || len(f.Test.Cases) != 6 || f.Issue.Action != "create" {
		t.Errorf("kind %q name %q cases %d action %q", f.Kind, f.Test.Name, len(f.Test.Cases), f.Issue.Action)
	}
	if !slices.Contains(f.Assignees, "framework-expert") || !slices.Contains(f.Labels, "kind/failing-test") {
		t.Errorf("assignees %v labels %v", f.Assignees, f.Labels)
	}
	if len(res.InfraTests()) != 6 || res.InfraTests()[5].Name != "TestE2E5" {
		t.Errorf("infra tests %+v", res.InfraTests())
	}
	if !strings.Contains(stderr, "case:") || !strings.Contains(stderr, "INFRA  test/framework/cluster.go:8") {
		t.Errorf("the plan does not show the infrastructure failure:\n%s", stderr)
	}

	// Off: six findings.
	_, stdout, _ = runCLI(t, nil, "triage", "--dry-run", "--repo-root", dir, "--reports", "junit.xml", "--json", "-", "--infra-threshold", "0")
	res = triage.Result{}
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) != 6 {
		t.Errorf("infra-threshold 0: %d findings, want 6", len(res.Findings))
	}
}

// TestGroupSubtestsOff: without grouping each subtest is a finding of its
// own, and the parent that failed only through it is still none. The
// input works as the flag does.
func TestGroupSubtestsOff(t *testing.T) {
	dir := extractSample(t)
	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
	}{
		{"flag", nil, []string{"--group-subtests=false"}},
		{"input", map[string]string{"INPUT_GROUP-SUBTESTS": "false"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"triage", "--dry-run", "--repo-root", dir, "--reports", "reports/gotestsum-unit.xml", "--json", "-"}, tc.args...)
			code, stdout, stderr := runCLI(t, tc.env, args...)
			if code != ExitOK {
				t.Fatalf("exit %d, stderr:\n%s", code, stderr)
			}
			var res triage.Result
			if err := json.Unmarshal([]byte(stdout), &res); err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, f := range res.Findings {
				names = append(names, f.Test.Name)
			}
			if !slices.Contains(names, "TestClusterDefault/sets_the_service_domain") || slices.Contains(names, "TestClusterDefault") {
				t.Errorf("findings %q: want the subtest and not its parent", names)
			}
		})
	}
	code, _, stderr := runCLI(t, nil, "triage", "--dry-run", "--repo-root", dir, "--group-subtests=maybe")
	if code != ExitUsage || !strings.Contains(stderr, "group-subtests") {
		t.Errorf("a bad value: exit %d, stderr %q", code, stderr)
	}
}
