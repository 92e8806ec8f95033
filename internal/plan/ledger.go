package plan

import (
	"fmt"
	"sort"
	"time"

	"github.com/flake-triage/flake-triage/internal/issue"
	"github.com/flake-triage/flake-triage/internal/triage"
)

// A Ledger is what the run ledger knows, as the plan uses it: the ledger
// is the truth about counts and history, and an issue's hidden state is a
// cache rebuilt from it whenever they disagree.
type Ledger struct {
	// Recorded is true when the ledger already holds this run's record
	// (a rerun of the tool on it, however old the run): nothing changes.
	Recorded bool
	// Tests are the tallies of the tests the ledger knows, by test id.
	Tests map[string]Tally
	// Branch is the branch whose windows Windows are; Windows the
	// ledger windows of the findings' tests and of the tests of the
	// tool's issues, by test id (file-after, close-after). Nil Windows:
	// unknown.
	Branch  string
	Windows map[string]Window
}

// Tally is the ledger's tally of one test.
type Tally struct {
	// Issue is the test's issue number (0 for none): it stays the test's
	// issue even when a human removed the tool's section from its body.
	Issue int
	// Count, First and Last are the test's occurrences in the ledger.
	Count       int
	First, Last time.Time
	// Runs are the newest occurrences, newest first.
	Runs []issue.Occurrence
}

// Restore returns the issue state st (the cache) with what the ledger
// knows: its count, first and last seen and newest occurrences. What the
// ledger does not hold (the streak, the consistent marking, the last
// comment, signatures, the test's identity) is kept from st.
func Restore(st issue.State, k Tally) issue.State {
	if k.Count == 0 {
		return st
	}
	st.Count, st.First, st.Last = k.Count, k.First, k.Last
	runs := make([]issue.Occurrence, 0, len(k.Runs)+len(st.Runs))
	for _, r := range k.Runs {
		runs = append(runs, r.Cleaned())
	}
	seen := map[string]bool{}
	for _, r := range runs {
		seen[r.Key()] = true
	}
	// Cached occurrences the ledger's newest ones do not cover still tell
	// reruns apart; they are older than the ledger's newest.
	for _, r := range st.Runs {
		if !seen[r.Key()] {
			runs = append(runs, r)
		}
	}
	sort.SliceStable(runs, func(i, j int) bool { return runs[i].Time.After(runs[j].Time) })
	if len(runs) > issue.MaxRuns {
		runs = runs[:issue.MaxRuns]
	}
	st.Runs = runs
	if len(runs) > 0 && !runs[0].Time.Before(st.Last) {
		st.Kind = runs[0].Kind
	}
	return st
}

// restoreAll rebuilds the state of every indexed issue from the ledger,
// and files under its test the open issue the ledger names for a test
// that no open issue carries the marker of (a human deleted the tool's
// section): it is re-attached there, never filed again.
func restoreAll(open, closed map[string][]parsedIssue, issues []Issue, l *Ledger) {
	if l == nil {
		return
	}
	byNumber := map[int]string{}
	for id, k := range l.Tests {
		if k.Issue != 0 {
			byNumber[k.Issue] = id
		}
	}
	for _, is := range issues {
		id, ok := byNumber[is.Number]
		if !ok || is.State == "closed" || len(open[id]) > 0 {
			continue
		}
		p, _ := issue.Parse(is.Body)
		if p.Found && p.ID != issue.CanonicalID(id) {
			continue // the issue tracks another test now
		}
		if !p.Found {
			p = issue.Parsed{Found: true, ID: id, Human: is.Body}
		}
		p.State = issue.State{ID: id}
		open[id] = append(open[id], parsedIssue{Issue: is, p: p, stale: true})
	}
	for _, m := range []map[string][]parsedIssue{open, closed} {
		for id, l2 := range m {
			k, ok := l.Tests[id]
			if !ok {
				continue
			}
			for i := range l2 {
				st := Restore(l2[i].p.State, k)
				if st.Count != l2[i].p.State.Count || !st.Last.Equal(l2[i].p.State.Last) || !st.First.Equal(l2[i].p.State.First) {
					l2[i].stale = true
				}
				l2[i].p.State = st
			}
		}
	}
}

// recorded plans a run that the ledger holds already (a rerun, however
// old the run): its occurrences are counted, so nothing is added. Only an
// open issue whose state disagrees with the ledger (an earlier write of
// it failed or was lost, or a human deleted or garbled its section) is
// rewritten from the ledger, with no comment.
func recorded(findings []triage.Finding, open map[string][]parsedIssue, p Policy, run Run) []Action {
	var out []Action
	seen := map[string]bool{}
	for _, f := range findings {
		if seen[f.ID] {
			continue
		}
		seen[f.ID] = true
		a := Action{Kind: None, FindingID: f.ID, Reason: fmt.Sprintf("the run ledger already records run %s", run.Key())}
		if l := open[f.ID]; len(l) > 0 {
			is := l[0]
			a.Number, a.URL = is.Number, is.URL
			if is.stale && !hasLabel(is.Labels, p.IgnoreLabel) {
				c := content(f, run, is.p.State)
				a.Kind, a.Body, a.Content = Update, issue.Render(is.p.Human, c), c
				a.Reason = fmt.Sprintf("the run ledger already records run %s; #%d is brought back to the ledger's %d occurrences", run.Key(), is.Number, is.p.State.Count)
			}
		}
		out = append(out, a)
	}
	return out
}
