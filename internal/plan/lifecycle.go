package plan

import (
	"fmt"
	"strings"
	"time"

	"github.com/flake-triage/flake-triage/internal/health"
	"github.com/flake-triage/flake-triage/internal/issue"
	"github.com/flake-triage/flake-triage/internal/triage"
)

// A Window is a test's outcomes in the run ledger's window of the run's
// branch, newest first (docs/health.md).
type Window []Outcome

// An Outcome is one record of a window: the run, and whether the test
// failed or flaked in it (else it passed).
type Outcome struct {
	Run     string
	Attempt int
	SHA     string
	URL     string
	Time    time.Time
	Failing bool
}

// failing counts the window's runs in which the test failed or flaked.
func (w Window) failing() int {
	n := 0
	for _, o := range w {
		if o.Failing {
			n++
		}
	}
	return n
}

// passing counts the consecutive passing runs, newest back.
func (w Window) passing() int {
	n := 0
	for n < len(w) && !w[n].Failing {
		n++
	}
	return n
}

// wait turns the creation of an issue for f into a wait when the ledger's
// window holds fewer failing runs than file-after. Without a ledger
// file-after acts as 1: the first failure files.
func wait(a Action, f triage.Finding, p Policy, run Run) Action {
	if p.FileAfter <= 1 || run.Ledger == nil || run.Ledger.Windows == nil {
		return a
	}
	n := run.Ledger.Windows[f.ID].failing()
	if n >= p.FileAfter {
		return a
	}
	return Action{Kind: Wait, FindingID: f.ID,
		Reason: fmt.Sprintf("failed or flaked in %d of the window's runs, fewer than file-after (%d): no issue yet", n, p.FileAfter)}
}

// prioritise keeps the issue's priority label from the finding's failure
// rate (the priority setting), unless a person set one: it adds and
// removes labels on a and returns the state remembering the label the
// tool owns.
func prioritise(a *Action, f triage.Finding, labels []string, st issue.State, p Policy) issue.State {
	if len(p.Priority) == 0 || f.History == nil {
		return st
	}
	c := health.Reprioritise(f.History.Rate, p.Priority, labels, st.Priority)
	a.Labels = union(a.Labels, c.Add)
	a.RemoveLabels = union(a.RemoveLabels, c.Remove)
	if len(c.Add) > 0 || len(c.Remove) > 0 {
		a.Reason += fmt.Sprintf("; priority %s at a failure rate of %s", orNone(c.Set), health.Percent(f.History.Rate))
	}
	st.Priority = c.Set
	return st
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// closing plans the closing of open issue is, whose test has no finding
// in this run, when its ledger window on the run's branch ends in at
// least close-after passing runs and the test last failed on that branch.
// Quiet and ignored issues are never closed; a quarantined one gets the
// comment that its quarantine can be lifted instead (LiftQuarantine). ok
// is false when nothing is done.
func closing(id string, is parsedIssue, p Policy, run Run) (a Action, ok bool) {
	l := run.Ledger
	if p.CloseAfter <= 0 || l == nil || l.Windows == nil || run.Ledger.Recorded {
		return Action{}, false
	}
	if hasLabel(is.Labels, p.QuietLabel) || hasLabel(is.Labels, p.IgnoreLabel) {
		return Action{}, false
	}
	w := l.Windows[id]
	n := w.passing()
	if n < p.CloseAfter {
		return Action{}, false
	}
	// close-after counts on the branch where the test last failed.
	if k, ok := l.Tests[id]; ok && len(k.Runs) > 0 && k.Runs[0].Ref != "" && k.Runs[0].Ref != "refs/heads/"+l.Branch {
		return Action{}, false
	}
	first := w[n-1]
	if hasLabel(is.Labels, p.QuarantineLabel) {
		// A quarantined issue is never closed: it gets the one comment
		// saying that the quarantine can be lifted.
		since := &health.Point{Run: first.Run, Attempt: first.Attempt, SHA: first.SHA, Time: first.Time, URL: first.URL}
		a, ok := LiftQuarantine(is.Issue, p.QuarantineLabel, p.CloseAfter, n, since, run)
		a.Pass = ok
		return a, ok
	}
	var links []string
	for i := n - 1; i >= 0 && len(links) < 10; i-- {
		o := w[i]
		label := "run " + o.Run
		if o.URL != "" {
			label = fmt.Sprintf("[run %s](%s)", o.Run, o.URL)
		}
		links = append(links, label)
	}
	more := ""
	if n > len(links) {
		more = fmt.Sprintf(" and %d more", n-len(links))
	}
	sha := first.SHA
	commit := "`" + short(sha) + "`"
	if sha != "" && run.ServerURL != "" && run.Repo != "" {
		commit = fmt.Sprintf("[`%s`](%s/%s/commit/%s)", short(sha), strings.TrimRight(run.ServerURL, "/"), run.Repo, sha)
	}
	text := fmt.Sprintf("Closing: this test passed in %d runs in a row on `%s` (%s%s), first in commit %s. "+
		"A failure within the reopen window reopens this issue.", n, l.Branch, strings.Join(links, ", "), more, commit)
	a = Action{Kind: Close, FindingID: id, Number: is.Number, URL: is.URL, Pass: true,
		Comment: issue.Comment(id, "close/"+run.Key(), text),
		Reason:  fmt.Sprintf("passed in %d runs in a row on %s (close-after %d): #%d is closed as completed", n, l.Branch, p.CloseAfter, is.Number)}
	return a, true
}

func short(sha string) string {
	if len(sha) > 7 {
		return sha[:7]
	}
	return sha
}

// passPriority keeps the priority label of an open issue whose test passed
// in this run from its ledger window's failure rate, which passes lower:
// a label the tool set itself goes, or steps down, when the rate falls.
// changed is false when the labels stay as they are.
func passPriority(a *Action, id string, labels []string, st issue.State, p Policy, run Run) (issue.State, bool) {
	if len(p.Priority) == 0 || run.Ledger == nil || run.Ledger.Windows == nil || st.Priority == "" {
		return st, false
	}
	w, ok := run.Ledger.Windows[id]
	if !ok || len(w) == 0 {
		return st, false
	}
	h := &health.History{Runs: len(w), Failed: w.failing(), Rate: float64(w.failing()) / float64(len(w))}
	before := len(a.Labels) + len(a.RemoveLabels)
	st = prioritise(a, triage.Finding{ID: id, History: h}, labels, st, p)
	return st, len(a.Labels)+len(a.RemoveLabels) != before
}
