package triage

import (
	"slices"
	"time"

	"github.com/flake-triage/flake-triage/internal/logs"
	"github.com/flake-triage/flake-triage/internal/owners"
)

// Windows are the moments of the findings whose failure time is known,
// keyed by finding ID, for log correlation.
func Windows(findings []Finding) []logs.Window {
	var w []logs.Window
	for _, f := range findings {
		if at, err := time.Parse(time.RFC3339Nano, f.Time); err == nil {
			w = append(w, logs.Window{Key: f.ID, At: at})
		}
	}
	return w
}

// AddCorrelated attaches to each finding the controller log errors logged
// around its failure, with the owners of the code that logged them. The
// issue mentions those owners only for groups whose lines name an object
// that the test's own output names too (logs.Group.Shared); the others
// are listed without notifying anyone, and lines from code outside the
// repository have no owners at all.
func AddCorrelated(r *Result, groups map[string][]logs.Group, own *owners.Resolver, source string) {
	for i := range r.Findings {
		f := &r.Findings[i]
		for _, g := range groups[f.ID] {
			c := Correlated{
				Log:        g.Log,
				Candidates: append([]string{}, g.Candidates...),
				Count:      g.Count,
				First:      g.First.UTC().Format(time.RFC3339Nano),
				Last:       g.Last.UTC().Format(time.RFC3339Nano),
				Sample:     g.Sample,
				Owners:     Owners{Approvers: []string{}, Reviewers: []string{}, Labels: []string{}, Files: []string{}},
			}
			c.Ref, c.InRun, c.Shared = g.Ref, g.InRun, []string{}
			for _, o := range g.Shared {
				c.Shared = append(c.Shared, o.String())
			}
			if g.Source != nil {
				c.Source = &Location{Path: g.Source.Path, Line: g.Source.Line}
				c.Owners, _, _ = ownersOf(own, g.Source.Path, source)
				// Owners of lines that name none of the test's objects are
				// listed, not notified: in an e2e suite every failure shares
				// one window, and most of its errors are another test's.
				for _, m := range leafOwners(own, g.Source.Path, source) {
					switch {
					case slices.Contains(f.Assignees, m) || slices.Contains(f.Mentions, m) || slices.Contains(f.Listed, m):
					case len(g.Shared) > 0 && len(f.Mentions) < maxMentions:
						f.Mentions = append(f.Mentions, m)
					case len(f.Assignees)+len(f.Mentions)+len(f.Listed) < maxCandidates:
						f.Listed = append(f.Listed, m)
					}
				}
			}
			f.Correlated = append(f.Correlated, c)
		}
	}
}
