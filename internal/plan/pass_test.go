package plan

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/flake-triage/flake-triage/internal/issue"
	"github.com/flake-triage/flake-triage/internal/triage"
	"github.com/google/go-cmp/cmp"
)

// identified is a finding of a test with a real identity: its id is the
// hash of its suite, classname and name, as triage.Analyze makes it.
func identified(suite, classname, name, kind string) triage.Finding {
	f := finding(triage.ID(suite, classname, name), kind, "s1")
	f.Test = triage.Test{Suite: suite, Classname: classname, Name: name}
	return f
}

// passing returns a Run.Passed that answers true for these tests.
func passing(tests ...triage.Finding) func(suite, classname, name string) bool {
	return func(suite, classname, name string) bool {
		return slices.ContainsFunc(tests, func(f triage.Finding) bool {
			return f.Test.Suite == suite && f.Test.Classname == classname && f.Test.Name == name
		})
	}
}

// gotPass is what a pass action does to the issue.
type gotPass struct {
	Got        got
	Streak     int
	Consistent bool
	PassedRun  int64
}

func summarizePasses(t *testing.T, p Plan) []gotPass {
	t.Helper()
	var out []gotPass
	for i, g := range summarize(p) {
		gp := gotPass{Got: g}
		if b := p.Actions[i].Body; b != "" {
			parsed, err := issue.Parse(b)
			if err != nil {
				t.Fatal(err)
			}
			gp.Streak, gp.Consistent = parsed.State.Streak, parsed.State.Consistent
			if parsed.State.Passed != nil {
				gp.PassedRun = parsed.State.Passed.RunID
			}
		}
		out = append(out, gp)
	}
	return out
}

// TestMakePasses: an open issue whose test has no finding in this run but
// passed in it has its streak ended, and a consistent marking dropped,
// with one body update and no comment; nothing else is written.
func TestMakePasses(t *testing.T) {
	fa := identified("e2e suite", "capi-e2e", "When testing upgrades Should create", "failure")
	other := identified("e2e suite", "capi-e2e", "another test", "failure")
	now := run(20, started(20))
	now.Passed = passing(fa)
	withTest := func(st issue.State) issue.State {
		return st.WithTest(fa.Test.Suite, fa.Test.Classname, fa.Test.Name)
	}
	failing := tracked(7, fa, "open", time.Time{}, []string{"kind/failing-test"}, withTest(history(fa, 18, 19)))
	consistent := func() Issue {
		st := withTest(history(fa, 17, 18, 19))
		st.Consistent = true
		is := tracked(7, fa, "open", time.Time{}, []string{"kind/failing-test", "area/e2e"}, st)
		is.Title = "[Failing test] When testing upgrades Should create (consistently failing)"
		return is
	}()
	flaked := tracked(7, fa, "open", time.Time{}, nil, withTest(history(identified(fa.Test.Suite, fa.Test.Classname, fa.Test.Name, "flake"), 18, 19)))
	passedAlready := func() Issue {
		st := withTest(history(fa, 18, 19)).Pass(now.occurrence("pass", ""))
		return tracked(7, fa, "open", time.Time{}, nil, st)
	}()
	noIdentity := tracked(7, fa, "open", time.Time{}, nil, history(fa, 18, 19))
	cutIdentity := tracked(7, fa, "open", time.Time{}, nil, history(fa, 18, 19).WithTest(fa.Test.Suite, fa.Test.Classname, "When testing"))
	noPasses := now
	noPasses.Passed = nil
	nonePassed := now
	nonePassed.Passed = passing()

	for _, tc := range []struct {
		name     string
		findings []triage.Finding
		issues   []Issue
		run      Run
		mode     string
		want     []gotPass
	}{
		{name: "a pass ends the streak", issues: []Issue{failing}, run: now, mode: "file",
			want: []gotPass{{Got: got{Kind: Update, Number: 7, Count: 2}, PassedRun: 20}}},
		{name: "a pass turns a consistently failing test back", issues: []Issue{consistent}, run: now, mode: "file",
			want: []gotPass{{Got: got{Kind: Update, Number: 7, Count: 3, Title: "[Failing test] When testing upgrades Should create",
				Labels: []string{"kind/flake"}, RemoveLabels: []string{"kind/failing-test"}}, PassedRun: 20}}},
		{name: "no streak to end writes nothing", issues: []Issue{flaked}, run: now, mode: "file"},
		{name: "the same run again writes nothing", issues: []Issue{passedAlready}, run: now, mode: "file"},
		{name: "a run recorded as failing writes nothing", issues: []Issue{tracked(7, fa, "open", time.Time{}, nil, withTest(history(fa, 19, 20)))}, run: now, mode: "file"},
		{name: "a test that did not pass writes nothing", issues: []Issue{failing}, run: nonePassed, mode: "file"},
		{name: "without Passed nothing passed", issues: []Issue{failing}, run: noPasses, mode: "file"},
		{name: "an old body without the identity writes nothing", issues: []Issue{noIdentity}, run: now, mode: "file"},
		{name: "an identity that is not the test's writes nothing", issues: []Issue{cutIdentity}, run: now, mode: "file"},
		{name: "an ignored test writes nothing", issues: []Issue{tracked(7, fa, "open", time.Time{}, []string{"ignore"}, withTest(history(fa, 18, 19)))}, run: now, mode: "file"},
		{name: "a closed issue writes nothing", issues: []Issue{tracked(7, fa, "closed", now.Started.Add(-time.Hour), nil, withTest(history(fa, 18, 19)))}, run: now, mode: "file"},
		{name: "annotate mode writes nothing", issues: []Issue{failing}, run: now, mode: "annotate"},
		{name: "a finding of the test is an occurrence, not a pass", findings: []triage.Finding{fa}, issues: []Issue{failing}, run: now, mode: "file",
			want: []gotPass{{Got: got{Kind: Update, Number: 7, Title: "renamed by a human (consistently failing)", Labels: []string{"kind/failing-test"}, Count: 3}, Streak: 3, Consistent: true}}},
		{name: "another test's finding leaves the pass", findings: []triage.Finding{other}, issues: []Issue{failing}, run: now, mode: "file",
			want: []gotPass{
				{Got: got{Kind: Create, Title: "[Failing test] another test", Labels: []string{"kind/failing-test", "area/e2e"}, Assignees: other.Assignees, Count: 1}, Streak: 1},
				{Got: got{Kind: Update, Number: 7, Count: 2}, PassedRun: 20},
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := Make(tc.findings, tc.issues, DefaultPolicy(), tc.run, tc.mode)
			if d := cmp.Diff(tc.want, summarizePasses(t, p)); d != "" {
				t.Errorf("Make (-want +got):\n%s", d)
			}
			for _, a := range p.Actions {
				if a.Comment != "" && a.FindingID == fa.ID && len(tc.findings) == 0 {
					t.Errorf("a pass comments: %q", a.Comment)
				}
				// New and updated issues record the identity of their test.
				if a.Kind == Create || a.Kind == Update {
					parsed, _ := issue.Parse(a.Body)
					want := &issue.Identity{Suite: fa.Test.Suite, Classname: fa.Test.Classname, Name: fa.Test.Name}
					if a.FindingID == other.ID {
						want.Name = other.Test.Name
					}
					if d := cmp.Diff(want, parsed.State.Test); d != "" {
						t.Errorf("%s #%d: recorded identity (-want +got):\n%s", a.Kind, a.Number, d)
					}
				}
			}
		})
	}
}

// TestMakePassesSurviveTheStorm: the storm guard folds new issues, not the
// passes of tracked tests.
func TestMakePassesSurviveTheStorm(t *testing.T) {
	fa := identified("e2e suite", "capi-e2e", "When testing upgrades Should create", "failure")
	st := history(fa, 18, 19).WithTest(fa.Test.Suite, fa.Test.Classname, fa.Test.Name)
	r := run(20, started(20))
	r.Passed = passing(fa)
	pol := DefaultPolicy()
	var fs []triage.Finding
	for i := range pol.MaxNewIssues + 1 {
		fs = append(fs, finding(fmt.Sprintf("new%02d", i), "failure", ""))
	}
	p := Make(fs, []Issue{tracked(7, fa, "open", time.Time{}, nil, st)}, pol, r, "file")
	var kinds []string
	for _, a := range p.Actions {
		kinds = append(kinds, fmt.Sprintf("%s #%d", a.Kind, a.Number))
	}
	if d := cmp.Diff([]string{"update #7", "storm #0"}, kinds); d != "" {
		t.Errorf("actions (-want +got):\n%s", d)
	}
}

// TestStreakAcrossRuns plans run after run, each applied to the issue as
// the executor would: failures with a pass between them never reach the
// consistent mark; three in a row do.
func TestStreakAcrossRuns(t *testing.T) {
	fa := identified("e2e suite", "capi-e2e", "When testing upgrades Should create", "failure")
	for _, tc := range []struct {
		name           string
		runs           []bool // true: the test failed, false: it passed
		wantConsistent bool
		wantStreak     int
	}{
		{"fail, fail, pass, fail", []bool{true, true, false, true}, false, 1},
		{"fail, fail, fail", []bool{true, true, true}, true, 3},
		{"fail, fail, fail, pass", []bool{true, true, true, false}, false, 0},
		{"fail, fail, fail, pass, fail, fail, fail", []bool{true, true, true, false, true, true, true}, true, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var tracker []Issue
			for i, failed := range tc.runs {
				r := run(int64(20+i), started(int64(20+i)))
				var fs []triage.Finding
				if failed {
					fs = []triage.Finding{fa}
				} else {
					r.Passed = passing(fa)
				}
				for _, a := range Make(fs, tracker, DefaultPolicy(), r, "file").Actions {
					tracker = applied(t, tracker, a)
				}
			}
			if len(tracker) != 1 {
				t.Fatalf("%d issues", len(tracker))
			}
			p, err := issue.Parse(tracker[0].Body)
			if err != nil {
				t.Fatal(err)
			}
			marked := strings.HasSuffix(tracker[0].Title, DefaultPolicy().ConsistentSuffix)
			if p.State.Consistent != tc.wantConsistent || p.State.Streak != tc.wantStreak || marked != tc.wantConsistent {
				t.Errorf("consistent %v, streak %d, title %q; want consistent %v, streak %d", p.State.Consistent, p.State.Streak, tracker[0].Title, tc.wantConsistent, tc.wantStreak)
			}
		})
	}
}

// applied returns the tracker with a applied, as the executor does it.
func applied(t *testing.T, tracker []Issue, a Action) []Issue {
	t.Helper()
	switch a.Kind {
	case Create:
		return append(tracker, Issue{Number: len(tracker) + 1, Title: a.Title, Body: a.Body, State: "open", Labels: a.Labels})
	case Update, Reopen:
		for i := range tracker {
			is := &tracker[i]
			if is.Number != a.Number {
				continue
			}
			if a.Body != "" {
				is.Body = a.Body
			}
			if a.Title != "" {
				is.Title = a.Title
			}
			is.Labels = slices.DeleteFunc(append(slices.Clone(is.Labels), a.Labels...), func(l string) bool { return slices.Contains(a.RemoveLabels, l) })
		}
	}
	return tracker
}
