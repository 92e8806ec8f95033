package plan

import (
	"strings"
	"testing"
	"time"

	"github.com/flake-triage/flake-triage/internal/health"
	"github.com/flake-triage/flake-triage/internal/issue"
	"github.com/flake-triage/flake-triage/internal/triage"
)

// window returns a window, newest first, from outcomes oldest first
// ('F' failing, 'P' passing).
func window(s string) Window {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var w Window
	for i := len(s) - 1; i >= 0; i-- {
		w = append(w, Outcome{Run: string(rune('a' + i)), SHA: strings.Repeat(string(rune('a'+i)), 40), Time: t0.Add(time.Duration(i) * time.Hour), Failing: s[i] == 'F'})
	}
	return w
}

func TestClosing(t *testing.T) {
	p := DefaultPolicy()
	p.CloseAfter = 3
	p.QuarantineLabel = "flake-triage/quarantine"
	cases := []struct {
		name     string
		w        string
		labels   []string
		lastRef  string
		recorded bool
		close    bool
	}{
		{"three passes after a failure", "FPPP", nil, "refs/heads/main", false, true},
		{"two passes", "FPP", nil, "refs/heads/main", false, false},
		{"a failure in between", "PPPFPP", nil, "", false, false},
		{"quiet", "FPPP", []string{"quiet"}, "", false, false},
		{"ignored", "FPPP", []string{"ignore"}, "", false, false},
		{"quarantined", "FPPP", []string{"flake-triage/quarantine"}, "", false, false},
		{"last failed on another branch", "FPPP", nil, "refs/heads/release-1.0", false, false},
		{"a run already recorded", "FPPP", nil, "", true, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l := &Ledger{Recorded: c.recorded, Branch: "main", Windows: map[string]Window{"x": window(c.w)}, Tests: map[string]Tally{}}
			if c.lastRef != "" {
				l.Tests["x"] = Tally{Issue: 7, Count: 1, Runs: []issue.Occurrence{{Ref: c.lastRef}}}
			}
			run := Run{Repo: "o/r", ServerURL: "https://github.com", ID: 9, Attempt: 1, Ledger: l}
			a, ok := closing("x", parsedIssue{Issue: Issue{Number: 7, Labels: c.labels}}, p, run)
			if ok != c.close {
				t.Fatalf("closing = %v, want %v (%s)", ok, c.close, a.Reason)
			}
			if ok && (a.Kind != Close || !a.Pass || !strings.Contains(a.Comment, "passed in 3 runs in a row") || !strings.Contains(a.Comment, "bbbbbbb")) {
				t.Errorf("action %+v", a)
			}
		})
	}
	// close-after 0 never closes.
	p.CloseAfter = 0
	l := &Ledger{Branch: "main", Windows: map[string]Window{"x": window("FPPPPPPPPPPPP")}}
	if _, ok := closing("x", parsedIssue{Issue: Issue{Number: 7}}, p, Run{Ledger: l}); ok {
		t.Errorf("close-after 0 closed an issue")
	}
}

func TestWait(t *testing.T) {
	p := DefaultPolicy()
	f := triage.Finding{ID: "x"}
	create := Action{Kind: Create, FindingID: "x"}
	cases := []struct {
		name      string
		fileAfter int
		ledger    *Ledger
		want      string
	}{
		{"default files at once", 1, &Ledger{Windows: map[string]Window{"x": window("F")}}, Create},
		{"one failure of two needed", 2, &Ledger{Windows: map[string]Window{"x": window("PPF")}}, Wait},
		{"two failures of two needed", 2, &Ledger{Windows: map[string]Window{"x": window("FPF")}}, Create},
		{"without a ledger it acts as 1", 3, nil, Create},
	}
	for _, c := range cases {
		p.FileAfter = c.fileAfter
		if got := wait(create, f, p, Run{Ledger: c.ledger}); got.Kind != c.want {
			t.Errorf("%s: %s, want %s", c.name, got.Kind, c.want)
		}
	}
}

func TestPrioritise(t *testing.T) {
	p := DefaultPolicy()
	p.Priority = []health.Level{{Label: "priority/critical-urgent", Rate: 0.5}, {Label: "priority/important-soon", Rate: 0.1}}
	f := triage.Finding{ID: "x", History: &health.History{Runs: 10, Failed: 2, Rate: 0.2}}
	var a Action
	st := prioritise(&a, f, []string{"priority/critical-urgent"}, issue.State{Priority: "priority/critical-urgent"}, p)
	if st.Priority != "priority/important-soon" || len(a.Labels) != 1 || a.Labels[0] != "priority/important-soon" || len(a.RemoveLabels) != 1 {
		t.Errorf("own label at 20%%: state %q, action %+v", st.Priority, a)
	}
	a = Action{}
	st = prioritise(&a, f, []string{"priority/backlog"}, issue.State{}, p)
	if st.Priority != "" || len(a.Labels)+len(a.RemoveLabels) != 0 {
		t.Errorf("a person's label: state %q, action %+v; want nothing", st.Priority, a)
	}
	a = Action{}
	f.History = nil
	if st = prioritise(&a, f, nil, issue.State{Priority: "p"}, p); st.Priority != "p" || len(a.Labels) != 0 {
		t.Errorf("without a ledger: state %q, action %+v; want unchanged", st.Priority, a)
	}
}

// TestClosingQuarantined: a quarantined issue whose test passed
// close-after runs in a row is not closed: it gets the one comment that
// its quarantine can be lifted, listed as a pass.
func TestClosingQuarantined(t *testing.T) {
	p := DefaultPolicy()
	p.CloseAfter = 3
	p.QuarantineLabel = "flake-triage/quarantine"
	body := issue.Render(issue.DefaultHuman, issue.Content{Finding: triage.Finding{ID: "x"}, State: issue.State{ID: "x", Count: 1}})
	l := &Ledger{Branch: "main", Windows: map[string]Window{"x": window("FPPP")}}
	run := Run{Repo: "o/r", ServerURL: "https://github.com", ID: 9, Attempt: 1, Started: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), Ledger: l}
	is := parsedIssue{Issue: Issue{Number: 7, State: "open", Body: body, Labels: []string{"flake-triage/quarantine"}}}
	a, ok := closing("x", is, p, run)
	if !ok || a.Kind != Update || !a.Pass || !strings.Contains(a.Comment, "quarantine can be lifted") {
		t.Errorf("quarantined: %v %+v, want the lift comment", ok, a)
	}
}
