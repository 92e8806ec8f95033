package e2e

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/flake-triage/flake-triage/internal/fakegithub"
)

// TestPaginationWithAChangingResultSet: the tracker holds 250 issues of
// people and the 13 the tool filed two days ago, the first of them at
// position 101 of the listing. While the tool pages through the open
// issues, a person closes issue #1: everything after it moves up one
// place, and what was first on page 2 is now last on page 1, which was
// already read. The next run must still find every tracked issue.
func TestPaginationWithAChangingResultSet(t *testing.T) {
	dir := extract(t, nil)
	gh := newFake(t)
	old := time.Now().Add(-48 * time.Hour)
	for i := 0; i < 100; i++ {
		gh.AddIssue(fakegithub.Issue{Title: fmt.Sprintf("a person's issue %d", i), Body: "text", User: "someone", CreatedAt: old.Add(time.Duration(i-200) * time.Minute)})
	}
	gh.SetClock(func() time.Time { return old })
	r := run(t, step(t, gh, dir, "push", 99))
	ids := failingIDs(r.Result)
	if r.Code != 0 || len(ids) != 13 {
		t.Fatalf("first run: exit %d, %d findings; stderr:\n%s", r.Code, len(ids), tail(r.Stderr))
	}
	gh.SetClock(time.Now)
	for i := 0; i < 150; i++ {
		gh.AddIssue(fakegithub.Issue{Title: fmt.Sprintf("a later issue %d", i), Body: "text", User: "someone", CreatedAt: old.Add(time.Duration(i+60) * time.Minute)})
	}
	gh.Fail(fakegithub.Fault{Method: "GET", Path: "/issues", Skip: 1, Then: func(s *fakegithub.Server) {
		s.Edit(1, func(is *fakegithub.Issue) { is.State, is.ClosedAt = "closed", time.Now() })
	}})
	r = run(t, step(t, gh, dir, "push", 100))
	if r.Code != 0 {
		t.Fatalf("second run: exit %d; stderr:\n%s", r.Code, tail(r.Stderr))
	}
	if diff := cmp.Diff(wantTracked(ids, 99, 100), trackerState(t, gh)); diff != "" {
		t.Errorf("tracker (-want +got):\n%s", diff)
	}
	if got := output(r.Outputs, "issues-created"); got != "0" {
		t.Errorf("issues-created %q, want 0", got)
	}
}
