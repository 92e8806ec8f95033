package tracker_test

import (
	"net/http"
	"time"

	"context"
	"github.com/flake-triage/flake-triage/internal/fakegithub"

	"github.com/flake-triage/flake-triage/internal/plan"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/flake-triage/flake-triage/internal/issue"
	"github.com/flake-triage/flake-triage/internal/triage"
)

// ccLine is the body's cc line: the logins the issue notifies.
func ccLine(t *testing.T, body string) string {
	t.Helper()
	for _, l := range strings.Split(body, "\n") {
		if strings.HasPrefix(l, "cc ") {
			return l
		}
	}
	return ""
}

// TestRefusedAssigneeIsMentionedAndReplaced: a login GitHub will not
// assign, because it is not in the repository's assignable list or
// because the create answers 422 naming it, is @mentioned as the warning
// says, and its assignee slot goes to the next most specific owner.
func TestRefusedAssigneeIsMentionedAndReplaced(t *testing.T) {
	for _, tc := range []struct {
		name       string
		assignable []string
		rejected   string
		want       []string // assignees
		mentioned  string
	}{
		// bob is not assignable: IsAssignee answers 404.
		{name: "not assignable", assignable: []string{"alice", "carol", "dave"}, want: []string{"alice", "carol"}, mentioned: "bob"},
		// alice passes IsAssignee but the create answers 422 naming her.
		{name: "422 on create", assignable: []string{"bob", "carol", "dave"}, rejected: "alice", want: []string{"bob", "carol"}, mentioned: "alice"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			e.fake.SetAssignable(tc.assignable...)
			if tc.rejected != "" {
				e.fake.RejectAssignee(tc.rejected)
			}
			f := finding("t1", "flake", "s1")
			f.Assignees = []string{"alice", "bob"}
			f.Mentions = []string{"org/e2e-team", "carol", "dave"}
			p, o := e.triageRun(e.client(), []triage.Finding{f}, run(100, "e2e", e.clock.now()))
			is := e.fake.Issue(1)
			if d := cmp.Diff(tc.want, is.Assignees); d != "" {
				t.Errorf("assignees (-want +got):\n%s", d)
			}
			cc := ccLine(t, is.Body)
			if !strings.Contains(cc, "@"+tc.mentioned) {
				t.Errorf("the refused %s is not mentioned: cc line %q", tc.mentioned, cc)
			}
			if strings.Contains(cc, "@carol") {
				t.Errorf("carol, now assigned, is still in the cc line %q", cc)
			}
			if !strings.Contains(cc, "@dave") || !strings.Contains(cc, "@org/e2e-team") {
				t.Errorf("the other owners are no longer mentioned: %q", cc)
			}
			if p, err := issue.Parse(is.Body); err != nil || p.ID != issue.CanonicalID("t1") {
				t.Errorf("body does not parse back: %+v, %v", p, err)
			}
			if !strings.Contains(o.Results[0].Note, tc.mentioned) || !strings.Contains(strings.Join(o.Warnings, "\n"), tc.mentioned) {
				t.Errorf("nothing says %s was refused: note %q, warnings %q", tc.mentioned, o.Results[0].Note, o.Warnings)
			}
			// The result tells who was assigned and mentioned in fact.
			fs := []triage.Finding{f}
			o.Fill(fs, p)
			if d := cmp.Diff(tc.want, fs[0].Assignees); d != "" {
				t.Errorf("finding's assignees (-want +got):\n%s", d)
			}
			if len(fs[0].Mentions) == 0 || fs[0].Mentions[0] != tc.mentioned || slices.Contains(fs[0].Mentions, "carol") {
				t.Errorf("finding's mentions %q, want %s first and not carol", fs[0].Mentions, tc.mentioned)
			}
		})
	}
}

// TestDeletedIssueSaysSo: an issue deleted between the load and the write
// answers 410 Gone; the error says the issue was deleted, not that the
// repository's issues are disabled.
func TestDeletedIssueSaysSo(t *testing.T) {
	e := newEnv(t)
	f := finding("t1", "flake", "s1")
	e.triageRun(e.client(), []triage.Finding{f}, run(100, "e2e", e.clock.now()))
	c := e.client()
	issues, err := c.Load(context.Background(), e.pol.ReopenWindow, e.clock.now())
	if err != nil {
		t.Fatal(err)
	}
	e.fake.DeleteIssue(1)
	o := c.Apply(context.Background(), plan.Make([]triage.Finding{f}, issues, e.pol, run(101, "e2e", e.clock.now()), "file"))
	err = o.Err()
	if err == nil || !strings.Contains(err.Error(), "issue #1: edit issue: the issue was deleted") || strings.Contains(err.Error(), "disabled") {
		t.Errorf("error %v, want one saying #1 was deleted", err)
	}
}

// TestLandedCommentIsNotPostedTwice: a comment POST that GitHub carried out
// but answered 5xx (or whose answer was lost) is looked for among the
// issue's comments, by the tool's marker, before it is sent again.
func TestLandedCommentIsNotPostedTwice(t *testing.T) {
	for _, tc := range []struct {
		name  string
		fault fakegithub.Fault
		want  int // POSTs of the comment
	}{
		{"landed then 502", fakegithub.Fault{Method: "POST", Path: "/comments", Landed: true, Status: http.StatusBadGateway}, 1},
		{"landed then hangup", fakegithub.Fault{Method: "POST", Path: "/comments", Landed: true, Hangup: true}, 1},
		// A 502 that did not land is sent again, once.
		{"502 not landed", fakegithub.Fault{Method: "POST", Path: "/comments", Status: http.StatusBadGateway}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			f := finding("t1", "flake", "s1")
			e.triageRun(e.client(), []triage.Finding{f}, run(100, "e2e", e.clock.now()))
			e.clock.add(25 * time.Hour)
			e.fake.Fail(tc.fault)
			f.Signature = "s2" // a new signature is commented on
			e.triageRun(e.client(), []triage.Finding{f}, run(101, "e2e", e.clock.now()))
			var signed int
			for _, c := range e.fake.Issue(1).Comments {
				if issue.CommentID(c) != "" {
					signed++
				}
			}
			if signed != 1 {
				t.Errorf("%d signed comments on #1, want 1: %q", signed, e.fake.Issue(1).Comments)
			}
			if got := e.fake.Count("POST", "/comments"); got != tc.want {
				t.Errorf("%d comment POSTs, want %d", got, tc.want)
			}
		})
	}
}
