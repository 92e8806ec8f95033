package plan

import (
	"fmt"
	"testing"
	"time"

	"github.com/flake-triage/flake-triage/internal/adoption"
	"github.com/flake-triage/flake-triage/internal/triage"
)

// TestAdoptionBeforeFileAfterAndOutsideTheStorm: a test people filed an
// issue about is adopted at its first failure although file-after asks
// for more, and adoptions do not count toward the storm guard: with
// max-new-issues 2, three adoptions and two new issues file no storm
// issue.
func TestAdoptionBeforeFileAfterAndOutsideTheStorm(t *testing.T) {
	p := DefaultPolicy()
	p.MaxNewIssues = 2
	p.FileAfter = 3
	run := Run{Repo: "o/r", ID: 7, Attempt: 1, Job: "e2e", Started: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), Ledger: &Ledger{Windows: map[string]Window{}}}
	var findings []triage.Finding
	var issues []Issue
	for i := range 5 {
		f := triage.Finding{ID: fmt.Sprint("id", i), Kind: "failure", Test: triage.Test{Name: fmt.Sprintf("TestNumber%dFails", i), Classname: "example.com/m/p"}}
		findings = append(findings, f)
		// Each test's only run in the window is this one: below file-after.
		run.Ledger.Windows[f.ID] = window("F")
		run.Tests = append(run.Tests, adoption.Test{ID: f.ID, Name: f.Test.Name, Classname: f.Test.Classname})
		if i < 3 {
			issues = append(issues, Issue{Number: 100 + i, Title: f.Test.Name + " is flaky", Body: "seen in CI", State: "open"})
		}
	}
	pl := Make(findings, issues, p, run, "file")
	got := map[string]string{}
	for _, a := range pl.Actions {
		got[a.FindingID] = fmt.Sprintf("%s #%d", a.Kind, a.Number)
	}
	want := map[string]string{"id0": "adopt #100", "id1": "adopt #101", "id2": "adopt #102", "id3": "wait #0", "id4": "wait #0"}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("%s: %s, want %s (all: %v)", id, got[id], w, got)
		}
	}

	// With file-after 1 the two others are new issues: two, not more than
	// max-new-issues, since the three adoptions do not count.
	p.FileAfter = 1
	pl = Make(findings, issues, p, run, "file")
	for _, a := range pl.Actions {
		if a.Kind == Storm {
			t.Fatalf("storm issue planned: adoptions counted toward max-new-issues: %+v", pl.Actions)
		}
	}
}
