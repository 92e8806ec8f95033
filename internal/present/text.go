// Package present renders a triage result for people: the readable plan
// printed on the terminal.
package present

import (
	"fmt"
	"io"
	"strings"

	"github.com/flake-triage/flake-triage/internal/triage"
)

// Text writes the readable plan of r: totals, then for each failing test
// its kind, location, owners (and which OWNERS files), labels, assignees
// and the issue action, then the problems met on the way.
func Text(w io.Writer, r triage.Result) {
	fmt.Fprintf(w, "flake-triage (%s): %d report(s), %d test(s), %d failed, %d flaky\n",
		r.Mode, len(r.Reports.Files), r.Reports.Tests, r.Reports.Failed, r.Reports.Flaky)
	if p := r.Prow; p != nil {
		fmt.Fprintf(w, "Prow %s job %s, build %s: %s\n", p.Type, p.Job, p.BuildID, p.URL)
	}
	for _, f := range r.Reports.Files {
		if f.Error != "" {
			fmt.Fprintf(w, "  unreadable report %s: %s\n", f.Path, f.Error)
		}
	}
	for i, f := range r.Findings {
		fmt.Fprintf(w, "\n%d. %s  %s\n", i+1, strings.ToUpper(f.Kind), f.Test.Name)
		row := func(k, v string) {
			if v != "" {
				fmt.Fprintf(w, "   %-10s %s\n", k+":", v)
			}
		}
		suite := f.Test.Suite
		if f.Test.Classname != "" && f.Test.Classname != f.Test.Name && f.Test.Classname != suite {
			suite = strings.TrimPrefix(suite+" · "+f.Test.Classname, " · ")
		}
		row("report", fmt.Sprintf("%s (%s)", f.Test.Report, suite))
		row("failed at", loc(f.Location))
		row("declared", loc(f.TestLocation))
		for i, c := range f.Test.Cases {
			if i == maxCases {
				row("case", fmt.Sprintf("and %d more", len(f.Test.Cases)-i))
				break
			}
			row("case", c.Name+" at "+loc(c.Location))
		}
		var rel []string
		for _, l := range f.Related {
			rel = append(rel, loc(&l))
		}
		row("related", strings.Join(rel, ", "))
		var refs []string
		for _, ref := range f.References {
			refs = append(refs, ref.Symbol+" ("+ref.Path+")")
		}
		row("calls", strings.Join(refs, ", "))
		if f.Owners.Fallback {
			row("owners", "nobody owns this code; fallback maintainers: "+list(f.Owners.Approvers))
		} else {
			row("approvers", list(f.Owners.Approvers))
			row("reviewers", list(f.Owners.Reviewers))
			row("from", strings.Join(f.Owners.Files, ", "))
		}
		row("labels", strings.Join(f.Labels, ", "))
		row("assign", list(f.Assignees))
		row("mention", list(f.Mentions))
		var recent []string
		for _, p := range f.Provenance {
			if p.Role == "recent-change" {
				recent = append(recent, fmt.Sprintf("%s (%.10s %.10s %s)", p.Login, p.Commit, p.Date, p.File))
			}
		}
		row("changed", strings.Join(recent, ", "))
		for _, c := range f.Correlated {
			at := " at " + strings.Join(c.Candidates, " | ")
			switch {
			case c.Source != nil:
				at = " at " + loc(c.Source)
			case len(c.Candidates) == 0 && c.Ref != "":
				at = " at " + c.Ref + " (outside the repository)"
			case len(c.Candidates) == 0:
				// The lines named no caller.
				at = ", no repository source"
			}
			names := ""
			if len(c.Shared) > 0 {
				names = " [names the test's " + strings.Join(c.Shared, ", ") + "]"
			}
			row("log", fmt.Sprintf("%d× %s%s (%s)%s: %s", c.Count, c.Log, at, c.First, names, c.Sample))
		}
		row("issue", issue(f.Issue))
		row("verdict", f.Verdict)
		if h := f.History; h != nil && h.Runs > 0 {
			row("history", h.Sentence())
			if h.Trend != "" {
				row("runs", h.Trend+"  (oldest to newest: . passed, f flaky, F failed)")
			}
			if s := h.Suspects; s != nil && len(s.Commits) > 0 {
				var cs []string
				for _, c := range s.Commits {
					cs = append(cs, fmt.Sprintf("%.7s %s (%s)", c.SHA, c.Title, c.Author))
				}
				row("suspects", strings.Join(cs, ", "))
			}
		}
		if f.Message != "" {
			row("message", triage.Headline(f.Message))
		}
	}
	if len(r.Passed) > 0 {
		fmt.Fprintf(w, "\ntracked tests that passed (%d):\n", len(r.Passed))
		for _, p := range r.Passed {
			fmt.Fprintf(w, "  - %s\n", issue(p.Issue))
		}
	}
	if len(r.Errors) > 0 {
		fmt.Fprintf(w, "\nproblems (%d):\n", len(r.Errors))
		for _, e := range r.Errors {
			fmt.Fprintf(w, "  - %s\n", e)
		}
	}
}

// maxCases bounds the cases listed per finding: an infrastructure failure
// may fold thousands of tests.
const maxCases = 20

func loc(l *triage.Location) string {
	if l == nil {
		return "unknown"
	}
	return fmt.Sprintf("%s:%d", l.Path, l.Line)
}

func list(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}

func issue(i triage.Issue) string {
	s := i.Action
	if i.Number != 0 {
		s += fmt.Sprintf(" #%d", i.Number)
	}
	if i.URL != "" {
		s += " " + i.URL
	}
	if i.Reason != "" {
		s += " (" + i.Reason + ")"
	}
	return s
}
