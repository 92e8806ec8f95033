package plan

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/flake-triage/flake-triage/internal/issue"
	"github.com/flake-triage/flake-triage/internal/triage"
)

// grouped is TestTable's finding with its failing cases a/b and dup#01.
func grouped() triage.Finding {
	f := finding(triage.ID("s", "c", "TestTable"), "failure", "sig1")
	f.Test = triage.Test{Name: "TestTable", Classname: "c", Suite: "s", Cases: []triage.Case{
		{Name: "TestTable/a/b", ID: triage.ID("s", "c", "TestTable/a/b"), Kind: "failure", Location: &triage.Location{Path: "pkg/x_test.go", Line: 8}},
		{Name: "TestTable/dup#01", ID: triage.ID("s", "c", "TestTable/dup#01"), Kind: "failure"},
	}}
	return f
}

// perCase is an issue the tool filed for one case before grouping, with
// the title it gave it.
func perCase(n int, f triage.Finding, c int, title string) Issue {
	cf := f
	cf.ID = f.Test.Cases[c].ID
	cf.Test = triage.Test{Name: f.Test.Cases[c].Name, Classname: "c", Suite: "s", Cases: []triage.Case{}}
	is := tracked(n, cf, "open", t0, nil, history(cf, 1))
	is.Title = title
	return is
}

func TestGroupedFindingAdoptsTheOldestCaseIssue(t *testing.T) {
	f := grouped()
	issues := []Issue{
		perCase(14, f, 1, "[Failing test] TestTable/dup#01"),
		perCase(12, f, 0, "[Failing test] TestTable/a/b"),
	}
	pl := Make([]triage.Finding{f}, issues, DefaultPolicy(), run(20, started(20)), "file")
	if len(pl.Actions) != 1 {
		t.Fatalf("%d actions, want 1: %+v", len(pl.Actions), pl.Actions)
	}
	a := pl.Actions[0]
	if a.Kind != Update || a.Number != 12 {
		t.Fatalf("%s #%d, want an update of #12, the oldest case issue (%s)", a.Kind, a.Number, a.Reason)
	}
	p, err := issue.Parse(a.Body)
	if err != nil || p.ID != f.ID {
		t.Fatalf("the adopted body parses to %q (%v), want the grouped id", p.ID, err)
	}
	if p.State.Count != 2 || p.Human != "Humans wrote this." {
		t.Errorf("the adopted issue lost its history or human text: count %d, human %q", p.State.Count, p.Human)
	}
	if a.Title != "[Failing test] TestTable" {
		t.Errorf("title %q, want the tool's case title replaced by the grouped one", a.Title)
	}
	for _, want := range []string{"#14 (" + issue.Code("TestTable/dup#01") + ")", "filed for the case `TestTable/a/b` alone", "`TestTable/a/b` at [`pkg/x_test.go:8`](https://github.com/o/r/blob/abc123/pkg/x_test.go#L8)"} {
		if !strings.Contains(a.Body, want) {
			t.Errorf("body lacks %q:\n%s", want, a.Body)
		}
	}
	if !strings.Contains(a.Reason, "links #14") {
		t.Errorf("reason %q does not link #14", a.Reason)
	}

	// The next run finds #12 by the grouped id and keeps linking #14.
	issues[1].Body, issues[1].Title = a.Body, a.Title
	next := Make([]triage.Finding{f}, issues, DefaultPolicy(), run(21, started(21)), "file")
	// (Its third failing run in a row marks it consistently failing.)
	want := []got{{Kind: Update, Number: 12, Count: 3, Title: "[Failing test] TestTable (consistently failing)", Labels: []string{"kind/failing-test"}}}
	if diff := cmp.Diff(want, summarize(next)); diff != "" {
		t.Errorf("next run (-want +got):\n%s", diff)
	}
	if !strings.Contains(next.Actions[0].Body, "#14 ("+issue.Code("TestTable/dup#01")+")") || strings.Contains(next.Actions[0].Body, "filed for the case") {
		t.Errorf("next body:\n%s", next.Actions[0].Body)
	}
}

func TestGroupedFindingKeepsAHumanTitle(t *testing.T) {
	f := grouped()
	pl := Make([]triage.Finding{f}, []Issue{perCase(12, f, 0, "a/b flakes on arm64")}, DefaultPolicy(), run(20, started(20)), "file")
	if a := pl.Actions[0]; a.Kind != Update || a.Number != 12 || a.Title != "" {
		t.Errorf("%s #%d title %q, want an update of #12 keeping its title", a.Kind, a.Number, a.Title)
	}
}

func TestGroupedFindingWithoutCaseIssuesCreatesOne(t *testing.T) {
	f := grouped()
	pl := Make([]triage.Finding{f}, nil, DefaultPolicy(), run(20, started(20)), "file")
	a := pl.Actions[0]
	if a.Kind != Create || a.Title != "[Failing test] TestTable" {
		t.Fatalf("%s %q", a.Kind, a.Title)
	}
	if !strings.Contains(a.Body, "**Failing cases (2):**") || !strings.Contains(a.Body, issue.Code("TestTable/dup#01")+" where unknown") {
		t.Errorf("body lacks the cases:\n%s", a.Body)
	}
}

func TestInfraFindingLeavesTheTestsIssuesAlone(t *testing.T) {
	f := grouped()
	f.Kind, f.ID = triage.KindInfra, triage.InfraID("pkg/x_test.go", 8, "sig1")
	f.Test.Name = "pkg/x_test.go:8"
	pl := Make([]triage.Finding{f}, []Issue{perCase(12, f, 0, "[Failing test] TestTable/a/b")}, DefaultPolicy(), run(20, started(20)), "file")
	a := pl.Actions[0]
	if a.Kind != Create || a.Title != "[Infrastructure failure] pkg/x_test.go:8" || a.Labels[0] != "kind/failing-test" {
		t.Errorf("%s %q %v, want a new infra issue", a.Kind, a.Title, a.Labels)
	}
	if !strings.Contains(a.Body, "the environment broke") {
		t.Errorf("body:\n%s", a.Body)
	}
}

// TestCaseIssueOfAPassingCaseIsFound finds, by the test identity its state
// records, the issue of a case that did not fail in this run.
func TestCaseIssueOfAPassingCaseIsFound(t *testing.T) {
	f := grouped()
	gone := f
	gone.ID = triage.ID("s", "c", "TestTable/gone")
	gone.Test = triage.Test{Name: "TestTable/gone", Classname: "c", Suite: "s"}
	is := tracked(9, gone, "open", t0, nil, history(gone, 1).WithTest("s", "c", "TestTable/gone"))
	is.Title = "[Flaky test] TestTable/gone"
	other := finding(triage.ID("s", "c", "TestOther/x"), "failure", "sig")
	unrelated := tracked(3, other, "open", t0, nil, history(other, 1).WithTest("s", "c", "TestOther/x"))
	pl := Make([]triage.Finding{f}, []Issue{is, unrelated}, DefaultPolicy(), run(20, started(20)), "file")
	if len(pl.Actions) != 1 {
		t.Fatalf("%d actions: %+v", len(pl.Actions), pl.Actions)
	}
	a := pl.Actions[0]
	if a.Kind != Update || a.Number != 9 || a.Title != "[Failing test] TestTable" {
		t.Errorf("%s #%d %q, want #9 adopted and retitled (%s)", a.Kind, a.Number, a.Title, a.Reason)
	}
	if !strings.Contains(a.Body, "filed for the case `TestTable/gone` alone") {
		t.Errorf("body:\n%s", a.Body)
	}
}
