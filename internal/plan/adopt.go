package plan

import (
	"fmt"
	"strings"

	"github.com/flake-triage/flake-triage/internal/adoption"
	"github.com/flake-triage/flake-triage/internal/issue"
	"github.com/flake-triage/flake-triage/internal/triage"
)

// humanIssues are the issues people filed (those without the tool's
// marker), by number, with what adoption decided for each finding.
type humanIssues struct {
	byNumber  map[int]Issue
	decisions map[string]adoption.Decision
}

// humans matches the run's tests against the issues that do not carry the
// tool's marker (marked, aligned with issues, says which do: see index).
func humans(issues []Issue, marked []bool, p Policy, run Run) humanIssues {
	h := humanIssues{byNumber: map[int]Issue{}}
	if !p.Adopt || len(run.Tests) == 0 {
		return h
	}
	var in []adoption.Issue
	for i, is := range issues {
		if marked[i] {
			continue
		}
		h.byNumber[is.Number] = is
		in = append(in, adoption.Issue{Number: is.Number, Title: is.Title, Body: is.Body, Closed: is.State == "closed"})
	}
	h.decisions = adoption.Match(run.Tests, in)
	return h
}

// adopt turns the creation of an issue for f into the adoption of the one
// issue people filed about its test, or links the issues that name it from
// the new issue. In annotate mode an adoptable issue is a known issue.
func adopt(a Action, f triage.Finding, h humanIssues, p Policy, run Run, mode string) Action {
	d, ok := h.decisions[f.ID]
	if !ok {
		return a
	}
	a.Candidates = d.Candidates
	is, found := h.byNumber[d.Adopt]
	if d.Adopt == 0 || !found {
		if mode == "annotate" {
			a.Reason += "; " + d.Reason
			return a
		}
		a.Content.Note = strings.TrimSpace(a.Content.Note + " " + linkNote(d))
		a.Reason += "; " + d.Reason
		return a
	}
	if mode == "annotate" {
		return Action{Kind: Known, FindingID: f.ID, Number: is.Number, URL: is.URL, Candidates: d.Candidates,
			Reason: fmt.Sprintf("known open issue #%d, filed by people (%s)", is.Number, d.Reason)}
	}
	occ := run.occurrence(f.Kind, f.Signature)
	st := issue.State{ID: f.ID}.Add(occ).WithTest(f.Test.Suite, f.Test.Classname, f.Test.Name)
	c := content(f, run, st)
	body := issue.Render(is.Body, c)
	if !strings.HasPrefix(body, strings.TrimRight(is.Body, "\n")+"\n\n") {
		// The people's text and the tool's section do not fit one body:
		// adopting would cut their text.
		a.Content.Note = strings.TrimSpace(a.Content.Note + " " + fmt.Sprintf("People wrote about this test in #%d, which is too long to take the tool's section below its text.", is.Number))
		a.Reason += fmt.Sprintf("; #%d names this test but is too long to adopt", is.Number)
		return a
	}
	e := d.Candidates[0]
	out := Action{Kind: Adopt, FindingID: f.ID, Number: is.Number, URL: is.URL, Body: body, Content: c, Candidates: d.Candidates,
		Reason: "adopt: " + d.Reason}
	// The people's kind label stands: the tool adds its own only when the
	// issue has neither.
	kind := []string{p.KindLabels[f.Kind]}
	for _, l := range p.KindLabels {
		if hasLabel(is.Labels, l) {
			kind = nil
		}
	}
	var rest []string
	for _, l := range f.Labels {
		if !isKindLabel(l, p) {
			rest = append(rest, l)
		}
	}
	out.Labels = union(kind, rest, f.Owners.Labels, p.ExtraLabels)
	out.Comment = issue.Comment(f.ID, occ.Key(), fmt.Sprintf(
		"flake-triage tracks %s here from now on: this issue names it (%s %s, in its %s). "+
			"Its occurrences, owners and history are kept in the **flake-triage** section at the end of the description; the text above it stays as people wrote it.",
		issue.Code(f.Test.Name), e.Rule, issue.Code(e.Text), e.Where))
	return out
}

func isKindLabel(l string, p Policy) bool {
	for _, k := range p.KindLabels {
		if strings.EqualFold(k, l) {
			return true
		}
	}
	return false
}

// linkNote is the sentence a new issue gives to the issues people filed
// about its test, which it did not adopt.
func linkNote(d adoption.Decision) string {
	var refs []string
	for _, c := range d.Candidates {
		r := fmt.Sprintf("#%d", c.Number)
		if c.Closed {
			r += " (closed)"
		}
		refs = append(refs, r)
	}
	return fmt.Sprintf("People wrote about this test in %s; flake-triage did not adopt %s, so it tracks the test here.",
		strings.Join(refs, ", "), map[bool]string{true: "it", false: "any of them"}[len(refs) == 1])
}
