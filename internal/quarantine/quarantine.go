// Package quarantine reads which tests people quarantined and turns them
// into skip patterns for the test runners. A test is quarantined when a
// person puts the quarantine label on the issue the tool files for it:
// the control surface is the tracking issue itself, so no other service
// is needed and pull requests from forks see the same list. It is pure:
// the issues come in (one list call by label, see the tracker), the list
// and the patterns come out. See docs/quarantine.md.
package quarantine

import (
	"fmt"
	"sort"
	"strings"

	"github.com/flake-triage/flake-triage/internal/issue"
	"github.com/flake-triage/flake-triage/internal/plan"
	"github.com/flake-triage/flake-triage/internal/triage"
)

// DefaultLabel is the label that quarantines a test when the settings
// name no other (quarantine-label).
const DefaultLabel = "flake-triage/quarantine"

// A Test is a quarantined test: its issue and the test's identity as the
// issue's state block records it. It is the JSON of `flake-triage
// quarantined`, of the result's quarantined list and of the quarantined
// output.
type Test = triage.Quarantined

// An Identity names a test as its report did: name, classname and
// innermost suite.
type Identity = triage.TestIdentity

// Labelled reports whether an issue carries the quarantine label (as
// GitHub compares label names: without regard to case).
func Labelled(is plan.Issue, label string) bool {
	for _, l := range is.Labels {
		if label != "" && strings.EqualFold(l, label) {
			return true
		}
	}
	return false
}

// FromIssues returns the quarantined tests among issues: the open issues
// of the tool (its marker in the body) that carry label, ordered by issue
// number. An open issue that carries the label without the tool's marker,
// or whose state block does not name its test, quarantines nothing: a
// warning says so, so that the person who labelled it learns why.
func FromIssues(issues []plan.Issue, label string) (tests []Test, warnings []string) {
	tests = []Test{}
	sorted := append([]plan.Issue(nil), issues...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Number < sorted[j].Number })
	for _, is := range sorted {
		if is.State == "closed" || !Labelled(is, label) {
			continue
		}
		p, err := issue.Parse(is.Body)
		if !p.Found {
			warnings = append(warnings, fmt.Sprintf("quarantine: #%d carries the %q label but flake-triage did not file it; the label is ignored there (quarantine a test on the issue flake-triage filed for it)", is.Number, label))
			continue
		}
		if err != nil || p.State.Test == nil || p.State.Test.Name == "" {
			warnings = append(warnings, fmt.Sprintf("quarantine: #%d carries the %q label but its hidden state does not name its test (written by an older flake-triage or edited); it quarantines nothing until the tool updates it", is.Number, label))
			continue
		}
		t := p.State.Test
		tests = append(tests, Test{Number: is.Number, URL: is.URL, ID: p.ID,
			Test: Identity{Name: t.Name, Classname: t.Classname, Suite: t.Suite}})
	}
	return tests, warnings
}
