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
// around its failure, with the owners of the code that logged them (the
// experts the issue mentions).
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
			if g.Source != nil {
				c.Source = &Location{Path: g.Source.Path, Line: g.Source.Line}
				c.Owners, _, _ = ownersOf(own, g.Source.Path, source)
				for _, m := range leafOwners(own, g.Source.Path, source) {
					if len(f.Mentions) < maxMentions && !slices.Contains(f.Assignees, m) && !slices.Contains(f.Mentions, m) {
						f.Mentions = append(f.Mentions, m)
					}
				}
			}
			f.Correlated = append(f.Correlated, c)
		}
	}
}
