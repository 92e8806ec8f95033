package present

import (
	"bytes"
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/flake-triage/flake-triage/internal/triage"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func TestTextGolden(t *testing.T) {
	r := triage.Result{
		Version: 1, Mode: "dry-run",
		Reports: triage.Reports{Tests: 120, Failed: 1, Flaky: 1, Files: []triage.ReportFile{
			{Path: "reports/e2e.xml", Tests: 118, Failed: 1, Flaky: 1},
			{Path: "reports/broken.xml", Error: "line 3: unexpected end of file inside <testsuite> (truncated report?)"},
		}},
		Findings: []triage.Finding{{
			Kind:     "failure",
			Test:     triage.Test{Name: "[It] upgrades clusterctl", Classname: "capi-e2e", Suite: "capi-e2e", Report: "reports/e2e.xml"},
			Location: &triage.Location{Path: "test/framework/clusterctl_helpers.go", Line: 120}, TestLocation: &triage.Location{Path: "test/e2e/clusterctl_upgrade_test.go", Line: 41},
			Related:    []triage.Location{{Path: "test/framework/clusterctl_helpers.go", Line: 120}},
			References: []triage.Reference{{Path: "test/framework/clusterctl_helpers.go", Symbol: "framework.UpgradeManagementClusterAndWait"}},
			Message:    "Timed out after 300s.\nExpected true",
			Owners:     triage.Owners{Approvers: []string{"alice"}, Reviewers: []string{"bob"}, Files: []string{"test/OWNERS", "OWNERS"}},
			Assignees:  []string{"alice"}, Mentions: []string{"bob"}, Labels: []string{"kind/failing-test", "area/testing"},
			Issue:      triage.Issue{Action: "update", Number: 42, URL: "https://github.com/o/r/issues/42", Reason: "new occurrence"},
			Correlated: []triage.Correlated{{Log: "logs/capi.log", Source: &triage.Location{Path: "controllers/machine_controller.go", Line: 33}, Count: 3, First: "2026-11-17T11:41:02Z", Sample: "Reconciler error"}},
		}, {
			Kind: "flake", Test: triage.Test{Name: "TestFlaky", Classname: "example.com/m/pkg", Suite: "example.com/m/pkg", Report: "reports/e2e.xml"},
			TestLocation: &triage.Location{Path: "pkg/x_test.go", Line: 9},
			Owners:       triage.Owners{Approvers: []string{"maint"}, Fallback: true},
			Assignees:    []string{"maint"}, Labels: []string{"kind/flake"},
			Issue: triage.Issue{Action: "create", Reason: "no open or recently closed issue tracks this test"},
		}},
		Errors: []string{`parse OWNERS "pkg/OWNERS": line 2: did not find expected key (file skipped)`},
	}
	var b bytes.Buffer
	Text(&b, r)
	const golden = "testdata/text.golden"
	if *update {
		if err := os.WriteFile(golden, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), b.String()); diff != "" {
		t.Errorf("Text (-want +got):\n%s", diff)
	}
}

// TestTextLogGroupWithoutSource: log errors whose caller is not in the
// repository (or printed none) are said to have no repository source,
// not shown as an empty "at  (".
func TestTextLogGroupWithoutSource(t *testing.T) {
	r := triage.Result{Mode: "dry-run", Findings: []triage.Finding{{
		Kind: "failure", Test: triage.Test{Name: "TestMachine"},
		Correlated: []triage.Correlated{
			{Log: "logs/capi.log", Count: 2, First: "2026-11-27T14:55:10Z", Sample: "leader election lost"},
			{Log: "logs/capi.log", Candidates: []string{"a/x.go", "b/x.go"}, Count: 1, First: "2026-11-27T14:55:11Z", Sample: "boom"},
		},
	}}}
	var b bytes.Buffer
	Text(&b, r)
	for _, want := range []string{
		"log:       2× logs/capi.log, no repository source (2026-11-27T14:55:10Z): leader election lost\n",
		"log:       1× logs/capi.log at a/x.go | b/x.go (2026-11-27T14:55:11Z): boom\n",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("plan lacks %q:\n%s", want, b.String())
		}
	}
	if strings.Contains(b.String(), "at  (") {
		t.Errorf("plan shows an empty source:\n%s", b.String())
	}
}
