package action

import (
	"strings"
	"testing"

	"github.com/flake-triage/flake-triage/internal/triage"
)

func TestSummaryListsCorrelatedLogErrors(t *testing.T) {
	r := triage.Result{Mode: "file", Findings: []triage.Finding{{
		Kind: "failure", Test: triage.Test{Name: "TestMachine"},
		Correlated: []triage.Correlated{
			{Log: "logs/capi.log", Source: &triage.Location{Path: "controllers/machine_controller.go", Line: 33}, Count: 2, Sample: `"Reconciler error" err="boom @alice"`},
			{Log: "logs/capi.log", Candidates: []string{"a/x.go", "b/x.go"}, Count: 1},
		},
	}}}
	got := Summary(r, SummaryRun{}, 0)
	want := "- TestMachine: 2× `controllers/machine_controller.go:33` in `logs/capi.log` (and 1 more source): "
	if !strings.Contains(got, "### Controller log errors around the failures\n\n"+want) {
		t.Errorf("summary lacks the correlated line %q:\n%s", want, got)
	}
	if strings.Contains(got, "@alice") {
		t.Errorf("summary pings a login quoted from a log:\n%s", got)
	}
}

// TestSummaryLogGroupWithoutSource: a group with no repository source is
// said to have none, not shown as an empty code span.
func TestSummaryLogGroupWithoutSource(t *testing.T) {
	r := triage.Result{Mode: "file", Findings: []triage.Finding{{
		Kind: "failure", Test: triage.Test{Name: "TestMachine"},
		Correlated: []triage.Correlated{{Log: "logs/capi.log", Count: 2, Sample: "leader election lost"}},
	}}}
	got := Summary(r, SummaryRun{}, 0)
	want := "- TestMachine: 2× in `logs/capi.log`, no repository source: leader election lost\n"
	if !strings.Contains(got, want) {
		t.Errorf("summary lacks %q:\n%s", want, got)
	}
}

func TestSummaryFailOnAndQuarantined(t *testing.T) {
	r := triage.Result{Mode: "annotate", Findings: []triage.Finding{{ID: "a", Kind: "failure", Test: triage.Test{Name: "TestNew"}, Verdict: "new"}},
		Quarantined: []triage.Quarantined{{Number: 4, URL: "https://github.com/o/r/issues/4", Test: triage.TestIdentity{Name: "TestQ`x"}}}}
	got := Summary(r, SummaryRun{FailOn: "new", Deciding: r.Findings}, 0)
	for _, want := range []string{
		"### fail-on: `new`", "The job fails: 1 finding is a failure that is new or broken", "- `TestNew`: failure new",
		"### Quarantined tests", "1 test is quarantined", "- [#4](https://github.com/o/r/issues/4) `TestQ'x`",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("summary lacks %q:\n%s", want, got)
		}
	}
	if got := Summary(r, SummaryRun{FailOn: "never"}, 0); strings.Contains(got, "fail-on") {
		t.Errorf("fail-on never has a section:\n%s", got)
	}
}
