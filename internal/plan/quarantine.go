package plan

import (
	"fmt"
	"strings"

	"github.com/flake-triage/flake-triage/internal/health"
	"github.com/flake-triage/flake-triage/internal/issue"
)

// LiftQuarantine decides the one comment on a quarantined test's issue
// saying that the quarantine can be lifted. A quarantined issue is never
// closed by close-after; instead, once its test has passed closeAfter
// runs in a row (passingStreak, from the ledger: Window.passing
// over the test's window on the branch where it last failed), the issue
// gets one comment with the evidence: the number of runs, and the first
// passing run when since is given. The comment is recorded in the issue's
// state (State.Lifted) so that it is posted once per passing streak: a
// failure recorded after it (State.Last) makes the next streak comment
// again.
//
// ok is false when there is nothing to do: closeAfter is 0 (never), the
// streak is shorter, the issue is not an open issue of the tool carrying
// label, or the comment for this streak was posted already. The action is
// an update of the body (the state) with the comment; it is pure.
func LiftQuarantine(is Issue, label string, closeAfter, passingStreak int, since *health.Point, run Run) (a Action, ok bool) {
	if closeAfter <= 0 || passingStreak < closeAfter || is.State == "closed" || !hasLabel(is.Labels, label) {
		return Action{}, false
	}
	p, err := issue.Parse(is.Body)
	if !p.Found || err != nil {
		return Action{}, false
	}
	st := p.State
	if st.Lifted != nil && !st.Last.After(st.Lifted.Time) {
		return Action{}, false
	}
	occ := run.occurrence("", "")
	st.Lifted = &occ
	body, err := issue.Restate(is.Body, st)
	if err != nil {
		return Action{}, false
	}
	var b strings.Builder
	fmt.Fprintf(&b, "This test passed **%d runs in a row** while quarantined", passingStreak)
	if since != nil {
		fmt.Fprintf(&b, ", the first of them %s", pointRef(*since))
	}
	fmt.Fprintf(&b, " (the latest: %s). The quarantine can be lifted: remove the %s label so that the test runs again. "+
		"flake-triage does not close a quarantined issue by itself.", runRef(run), issue.Code(label))
	return Action{
		Kind: Update, FindingID: p.ID, Number: is.Number, URL: is.URL, Body: body,
		Comment: issue.Comment(p.ID, run.Key(), b.String()),
		Reason:  fmt.Sprintf("quarantined, and passed %d runs in a row (close-after %d): the quarantine can be lifted", passingStreak, closeAfter),
	}, true
}

// pointRef links a run of the ledger, with its commit.
func pointRef(p health.Point) string {
	ref := "run " + p.Run
	if p.URL != "" {
		ref = "[run " + p.Run + "](" + p.URL + ")"
	}
	if p.SHA != "" {
		sha := p.SHA
		if len(sha) > 12 {
			sha = sha[:12]
		}
		ref += " at commit " + issue.Code(sha)
	}
	return ref
}
