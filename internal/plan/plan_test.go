package plan

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/flake-triage/flake-triage/internal/issue"
	"github.com/flake-triage/flake-triage/internal/triage"
	"github.com/google/go-cmp/cmp"
)

var t0 = time.Date(2026, 11, 17, 12, 0, 0, 0, time.UTC)

func run(id int64, at time.Time) Run {
	return Run{Repo: "o/r", ServerURL: "https://github.com", ID: id, Attempt: 1, Job: "e2e", SHA: "abc123", Event: "push", Ref: "refs/heads/main", URL: fmt.Sprintf("https://github.com/o/r/actions/runs/%d", id), Started: at}
}

func finding(id, kind, sig string) triage.Finding {
	return triage.Finding{
		ID: id, Kind: kind, Signature: sig,
		Test:      triage.Test{Name: "Test " + id},
		Location:  &triage.Location{Path: "test/e2e/a.go", Line: 10},
		Message:   "boom",
		Owners:    triage.Owners{Approvers: []string{"alice"}, Labels: []string{"area/e2e"}, Files: []string{"test/e2e/OWNERS"}},
		Assignees: []string{"alice", "bob", "carol", "dave"},
		Labels:    []string{kindLabel(kind)},
	}
}

func kindLabel(kind string) string { return DefaultPolicy().KindLabels[kind] }

// tracked returns an issue as an earlier run left it: the tool section for
// f with the given past occurrences.
func tracked(n int, f triage.Finding, state string, closedAt time.Time, labels []string, st issue.State) Issue {
	st.ID = f.ID
	body := issue.Render("Humans wrote this.", issue.Content{Finding: f, State: st})
	return Issue{Number: n, Title: "renamed by a human", Body: body, State: state, Labels: labels, CreatedAt: st.First, ClosedAt: closedAt}
}

// started is when run r started: hourly from run 10 at t0, except run 1,
// 30 hours before run 20, longer ago than the comment interval.
func started(r int64) time.Time {
	if r == 1 {
		return t0.Add(-20 * time.Hour)
	}
	return t0.Add(time.Duration(r-10) * time.Hour)
}

func history(f triage.Finding, runs ...int64) issue.State {
	st := issue.State{ID: f.ID}
	for _, r := range runs {
		st = st.Add(run(r, started(r)).occurrence(f.Kind, f.Signature))
	}
	return st
}

type got struct {
	Kind         string
	Number       int
	Title        string
	Labels       []string
	RemoveLabels []string
	Assignees    []string
	Duplicates   []int
	Comment      bool
	Count        int
}

func summarize(p Plan) []got {
	var out []got
	for _, a := range p.Actions {
		g := got{Kind: a.Kind, Number: a.Number, Title: a.Title, Labels: a.Labels, RemoveLabels: a.RemoveLabels, Assignees: a.Assignees, Duplicates: a.Duplicates, Comment: a.Comment != ""}
		if a.Body != "" {
			p, err := issue.Parse(a.Body)
			if err != nil || p.ID != a.FindingID {
				panic(fmt.Sprintf("body of %s parses to %q: %v", a.FindingID, p.ID, err))
			}
			g.Count = p.State.Count
		}
		out = append(out, g)
	}
	return out
}

func TestMake(t *testing.T) {
	fl := finding("t1", "flake", "s1")
	fa := finding("t1", "failure", "s1")
	pol := DefaultPolicy()
	now := run(20, started(20))
	for _, tc := range []struct {
		name     string
		findings []triage.Finding
		issues   []Issue
		run      Run
		mode     string
		want     []got
	}{
		{name: "new test creates", findings: []triage.Finding{fl}, run: now, mode: "file",
			want: []got{{Kind: Create, Title: "[Flaky test] Test t1", Labels: []string{"kind/flake", "area/e2e"}, Assignees: []string{"alice", "bob", "carol", "dave"}, Count: 1}}},
		{name: "tracked open issue with a human title updates quietly", findings: []triage.Finding{fl},
			issues: []Issue{tracked(7, fl, "open", time.Time{}, []string{"renamed-label"}, history(fl, 19))}, run: now, mode: "file",
			want: []got{{Kind: Update, Number: 7, Count: 2}}},
		{name: "same run again changes nothing", findings: []triage.Finding{fl},
			issues: []Issue{tracked(7, fl, "open", time.Time{}, nil, history(fl, 20))}, run: now, mode: "file",
			want: []got{{Kind: None, Number: 7}}},
		{name: "new signature comments", findings: []triage.Finding{finding("t1", "flake", "s2")},
			issues: []Issue{tracked(7, fl, "open", time.Time{}, nil, history(fl, 19))}, run: now, mode: "file",
			want: []got{{Kind: Update, Number: 7, Comment: true, Count: 2}}},
		{name: "a day later comments", findings: []triage.Finding{fl}, // run 1 was 30h before run 20
			issues: []Issue{tracked(7, fl, "open", time.Time{}, nil, history(fl, 1))}, run: now, mode: "file",
			want: []got{{Kind: Update, Number: 7, Comment: true, Count: 2}}},
		{name: "quiet label keeps counting without comments", findings: []triage.Finding{finding("t1", "flake", "s2")},
			issues: []Issue{tracked(7, fl, "open", time.Time{}, []string{"Quiet"}, history(fl, 1))}, run: now, mode: "file",
			want: []got{{Kind: Update, Number: 7, Count: 2}}},
		{name: "ignore label stops tracking", findings: []triage.Finding{fl},
			issues: []Issue{tracked(7, fl, "open", time.Time{}, []string{"ignore"}, history(fl, 19))}, run: now, mode: "file",
			want: []got{{Kind: None, Number: 7}}},
		{name: "closed before the run reopens", findings: []triage.Finding{fl},
			issues: []Issue{tracked(7, fl, "closed", now.Started.Add(-time.Hour), nil, history(fl, 19))}, run: now, mode: "file",
			want: []got{{Kind: Reopen, Number: 7, Comment: true, Count: 2}}},
		{name: "closed after an older run started is recorded, stays closed", findings: []triage.Finding{fl},
			issues: []Issue{tracked(7, fl, "closed", now.Started.Add(time.Hour), nil, history(fl, 19))}, run: now, mode: "file",
			want: []got{{Kind: Update, Number: 7, Comment: true, Count: 2}}},
		{name: "closed beyond the reopen window files a new issue", findings: []triage.Finding{fl},
			issues: []Issue{tracked(7, fl, "closed", now.Started.Add(-31*24*time.Hour), nil, history(fl, 1))}, run: now, mode: "file",
			want: []got{{Kind: Create, Title: "[Flaky test] Test t1", Labels: []string{"kind/flake", "area/e2e"}, Assignees: fl.Assignees, Count: 1}}},
		{name: "annotate mode only knows", findings: []triage.Finding{fl, finding("t2", "flake", "")},
			issues: []Issue{tracked(7, fl, "open", time.Time{}, nil, history(fl, 19))}, run: now, mode: "annotate",
			want: []got{{Kind: Known, Number: 7}, {Kind: None}}},
		{name: "third failing run in a row marks consistent", findings: []triage.Finding{fa},
			issues: []Issue{tracked(7, fa, "open", time.Time{}, []string{"kind/flake"}, history(fa, 18, 19))}, run: now, mode: "file",
			want: []got{{Kind: Update, Number: 7, Title: "renamed by a human (consistently failing)", Labels: []string{"kind/failing-test"}, RemoveLabels: []string{"kind/flake"}, Count: 3}}},
		{name: "duplicates are closed into the oldest", findings: []triage.Finding{fl},
			issues: []Issue{tracked(9, fl, "open", time.Time{}, nil, history(fl, 19)), tracked(7, fl, "open", time.Time{}, nil, history(fl, 18))}, run: now, mode: "file",
			want: []got{{Kind: Update, Number: 7, Duplicates: []int{9}, Count: 2}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := Make(tc.findings, tc.issues, pol, tc.run, tc.mode)
			if d := cmp.Diff(tc.want, summarize(p)); d != "" {
				t.Errorf("Make (-want +got):\n%s", d)
			}
		})
	}
}

func TestMakeKeepsHumanSection(t *testing.T) {
	fl := finding("t1", "flake", "s1")
	p := Make([]triage.Finding{fl}, []Issue{tracked(7, fl, "open", time.Time{}, nil, history(fl, 19))}, DefaultPolicy(), run(20, t0.Add(10*time.Hour)), "file")
	if got, _ := issue.Parse(p.Actions[0].Body); got.Human != "Humans wrote this." {
		t.Errorf("human section = %q", got.Human)
	}
}

func TestConsistentTurnsBack(t *testing.T) {
	fa := finding("t1", "failure", "s1")
	st := history(fa, 17, 18, 19)
	st.Consistent = true
	is := tracked(7, fa, "open", time.Time{}, []string{"kind/failing-test"}, st)
	is.Title = "[Failing test] t1 (consistently failing)"
	p := Make([]triage.Finding{finding("t1", "flake", "s1")}, []Issue{is}, DefaultPolicy(), run(20, t0.Add(10*time.Hour)), "file")
	want := []got{{Kind: Update, Number: 7, Title: "[Failing test] t1", Labels: []string{"kind/flake"}, RemoveLabels: []string{"kind/failing-test"}, Count: 4}}
	if d := cmp.Diff(want, summarize(p)); d != "" {
		t.Errorf("Make (-want +got):\n%s", d)
	}
}

func TestStorm(t *testing.T) {
	pol := DefaultPolicy()
	pol.Fallback = []string{"maint1", "maint2"}
	fl := finding("old", "flake", "s")
	fs := []triage.Finding{fl}
	for i := 0; i < pol.MaxNewIssues+1; i++ {
		fs = append(fs, finding(fmt.Sprintf("new%02d", i), "failure", ""))
	}
	r := run(20, t0.Add(10*time.Hour))
	p := Make(fs, []Issue{tracked(7, fl, "open", time.Time{}, nil, history(fl, 19))}, pol, r, "file")
	if len(p.Actions) != 2 || p.Actions[0].Kind != Update || p.Actions[1].Kind != Storm {
		t.Fatalf("actions: %+v", summarize(p))
	}
	s := p.Actions[1]
	if len(s.FindingIDs) != pol.MaxNewIssues+1 || !cmp.Equal(s.Assignees, pol.Fallback) || issue.IDOf(s.Body) != StormID(r) || !strings.Contains(s.Body, "new10") {
		t.Errorf("storm action: %d ids, assignees %v, body id %q", len(s.FindingIDs), s.Assignees, issue.IDOf(s.Body))
	}
	if got := p.Issues()["new03"].Action; got != Storm {
		t.Errorf("Issues()[new03] = %q, want storm", got)
	}
	// The same run again finds its storm issue and writes nothing.
	again := Make(fs, []Issue{{Number: 8, Body: s.Body, State: "open"}}, pol, r, "file")
	for _, a := range again.Actions {
		if a.Kind == Storm && (a.Number != 8 || a.Writes()) {
			t.Errorf("rerun storm action: %+v", a)
		}
	}
}

func TestMarkdownAndIssues(t *testing.T) {
	fl := finding("t1", "flake", "s1")
	p := Make([]triage.Finding{fl, finding("t|2 @x", "failure", "")}, []Issue{tracked(7, fl, "open", time.Time{}, nil, history(fl, 19))}, DefaultPolicy(), run(20, started(20)), "file")
	md := p.Markdown()
	for _, s := range []string{"| update | #7 | `t1` |", "| create | new | `t\\|2 @\u200bx` |"} {
		if !strings.Contains(md, s) {
			t.Errorf("plan Markdown lacks %q:\n%s", s, md)
		}
	}
	want := map[string]triage.Issue{
		"t1":     {Action: Update, Number: 7, Reason: p.Actions[0].Reason},
		"t|2 @x": {Action: Create, Reason: "no open or recently closed issue tracks this test"},
	}
	if d := cmp.Diff(want, p.Issues()); d != "" {
		t.Errorf("Issues (-want +got):\n%s", d)
	}
}

func BenchmarkMake(b *testing.B) {
	var fs []triage.Finding
	var issues []Issue
	for i := 0; i < 300; i++ {
		f := finding(fmt.Sprintf("test-%d", i), "flake", "s")
		fs = append(fs, f)
		if i%2 == 0 {
			issues = append(issues, tracked(i+1, f, "open", time.Time{}, nil, history(f, 1, 2, 3, 4, 5)))
		}
	}
	pol := DefaultPolicy()
	pol.MaxNewIssues = 1000
	r := run(20, started(20))
	b.ReportAllocs()
	for b.Loop() {
		Make(fs, issues, pol, r, "file")
	}
}

// BenchmarkMakeStorm plans 2,000 new failing tests, as a broken run of the
// generated 200,000-case report gives: the storm guard folds them into one
// issue, so no per-test body should be rendered.
//
//	go test ./internal/plan -run '^$' -bench MakeStorm -benchmem
func BenchmarkMakeStorm(b *testing.B) {
	var fs []triage.Finding
	for i := 0; i < 2000; i++ {
		f := finding(fmt.Sprintf("test-%d", i), "failure", fmt.Sprintf("sig%d", i%7))
		f.Message = strings.Repeat("Expected\n    <string>: Provisioning\nto equal\n    <string>: Running\n", 4)
		fs = append(fs, f)
	}
	r := run(20, started(20))
	b.ReportAllocs()
	for b.Loop() {
		p := Make(fs, nil, DefaultPolicy(), r, "file")
		if len(p.Actions) != 1 || p.Actions[0].Kind != Storm {
			b.Fatalf("%d actions, want one storm", len(p.Actions))
		}
	}
}
