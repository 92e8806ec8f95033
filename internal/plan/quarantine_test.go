package plan

import (
	"strings"
	"testing"
	"time"

	"github.com/flake-triage/flake-triage/internal/health"
	"github.com/flake-triage/flake-triage/internal/issue"
	"github.com/flake-triage/flake-triage/internal/triage"
)

func TestLiftQuarantine(t *testing.T) {
	const label = "flake-triage/quarantine"
	t0 := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	f := triage.Finding{ID: "go:example.com/p.TestA", Kind: "flake", Test: triage.Test{Name: "TestA"}}
	st := issue.State{ID: f.ID}.Add(issue.Occurrence{RunID: 1, Attempt: 1, Job: "e2e", Time: t0, Kind: "flake"})
	body := issue.Render(issue.DefaultHuman, issue.Content{Finding: f, State: st})
	is := Issue{Number: 7, State: "open", Body: body, URL: "https://github.com/o/r/issues/7", Labels: []string{"kind/flake", label}}
	run := Run{Repo: "o/r", ID: 40, Attempt: 1, Job: "e2e", URL: "https://github.com/o/r/actions/runs/40/attempts/1", Started: t0.Add(20 * 24 * time.Hour)}
	since := &health.Point{Run: "31", SHA: "0123456789abcdef0123", URL: "https://github.com/o/r/actions/runs/31"}

	for _, c := range []struct {
		name               string
		is                 Issue
		closeAfter, streak int
	}{
		{"streak too short", is, 10, 9},
		{"close-after 0 never", is, 0, 50},
		{"not quarantined", Issue{Number: 7, State: "open", Body: body}, 10, 10},
		{"closed", Issue{Number: 7, State: "closed", Body: body, Labels: []string{label}}, 10, 10},
		{"filed by people", Issue{Number: 8, State: "open", Body: "TestA flakes", Labels: []string{label}}, 10, 10},
	} {
		if a, ok := LiftQuarantine(c.is, label, c.closeAfter, c.streak, since, run); ok {
			t.Errorf("%s: %+v, want nothing", c.name, a)
		}
	}

	a, ok := LiftQuarantine(is, label, 10, 12, since, run)
	if !ok {
		t.Fatal("a quarantined test that passed 12 runs in a row (close-after 10) got no comment")
	}
	if a.Kind != Update || a.Number != 7 || a.FindingID != f.ID || !a.Writes() {
		t.Errorf("action %+v", a)
	}
	for _, want := range []string{"passed **12 runs in a row** while quarantined", "[run 31](https://github.com/o/r/actions/runs/31) at commit `0123456789ab`",
		"[run 40](https://github.com/o/r/actions/runs/40/attempts/1)", "quarantine can be lifted", "`flake-triage/quarantine`"} {
		if !strings.Contains(a.Comment, want) {
			t.Errorf("comment lacks %q:\n%s", want, a.Comment)
		}
	}
	if issue.CommentID(a.Comment) != f.ID {
		t.Errorf("the comment is not signed for %q", f.ID)
	}
	p, err := issue.Parse(a.Body)
	if err != nil || p.State.Lifted == nil || p.State.Lifted.RunID != 40 || p.State.Count != 1 {
		t.Fatalf("the new body's state %+v (%v) does not record the comment", p.State, err)
	}

	// Once per streak: the next run, still passing, says nothing more.
	is.Body = a.Body
	run2 := run
	run2.ID, run2.Started = 41, run.Started.Add(time.Hour)
	if a, ok := LiftQuarantine(is, label, 10, 13, since, run2); ok {
		t.Errorf("a second comment for the same streak: %+v", a)
	}
	// A failure after the comment, then a new streak: one more comment.
	st2 := p.State.Add(issue.Occurrence{RunID: 50, Attempt: 1, Job: "e2e", Time: run2.Started.Add(time.Hour), Kind: "flake"})
	is.Body, err = issue.Restate(is.Body, st2)
	if err != nil {
		t.Fatal(err)
	}
	run3 := run
	run3.ID, run3.Started = 70, run2.Started.Add(10*24*time.Hour)
	if _, ok := LiftQuarantine(is, label, 10, 10, nil, run3); !ok {
		t.Error("a new passing streak after a failure got no comment")
	}
}
