package cli

import (
	"github.com/flake-triage/flake-triage/internal/triage"
)

// A wantFinding is a finding that the sample's ground truth asks for under
// the grouping rules, with every acceptable answer: a grouped test may
// show the location of any of its failing cases.
type wantFinding struct {
	Report, Name, Classname, Kind string
	Cases                         []string
	Locations                     []*triage.Location
	TestLocations                 []*triage.Location
	Related                       [][]string
	Owners                        [][2][]string // approvers, reviewers
}

// groundTruth turns EXPECTED.json's failing test cases into the findings
// the grouping rules make of them (the rules the sample's own checker
// applies): a Go parent that failed only through its subtests is no
// finding, and subtests and pytest parameter sets fold into their
// top-level test, which lists them as its cases.
func groundTruth(exp expected) []*wantFinding {
	type key struct{ report, classname, name string }
	listed := map[key]int{}
	for i, e := range exp.Tests {
		listed[key{e.Report, e.Classname, e.Name}] = i
	}
	parents := map[key]bool{}
	for _, e := range exp.Tests {
		if top, _, ok := triage.SplitCase(e.Name); ok && top != e.Name && isGo(top) {
			if _, ok := listed[key{e.Report, e.Classname, top}]; ok {
				parents[key{e.Report, e.Classname, top}] = true
			}
		}
	}
	var out []*wantFinding
	groups := map[key]*wantFinding{}
	for _, e := range exp.Tests {
		k := key{e.Report, e.Classname, e.Name}
		if parents[k] {
			continue
		}
		w := &wantFinding{Report: e.Report, Name: e.Name, Classname: e.Classname, Kind: e.Kind,
			Locations:     append([]*triage.Location{e.Location}, e.LocationAlternatives...),
			TestLocations: []*triage.Location{e.TestLocation},
			Related:       [][]string{e.RelatedPaths},
			Owners:        [][2][]string{{e.Approvers, e.Reviewers}},
		}
		top, cse, ok := triage.SplitCase(e.Name)
		if !ok {
			out = append(out, w)
			continue
		}
		gk := key{e.Report, e.Classname, top}
		if g := groups[gk]; g != nil {
			g.Cases = append(g.Cases, cse)
			if e.Kind == "failure" {
				g.Kind = "failure"
			}
			g.Locations = append(g.Locations, w.Locations...)
			g.TestLocations = append(g.TestLocations, w.TestLocations...)
			g.Related = append(g.Related, w.Related...)
			g.Owners = append(g.Owners, w.Owners...)
			continue
		}
		w.Name, w.Cases = top, []string{cse}
		if i, ok := listed[gk]; ok {
			// The top-level test's own declaration.
			w.TestLocations = append([]*triage.Location{exp.Tests[i].TestLocation}, w.TestLocations...)
		}
		groups[gk] = w
		out = append(out, w)
	}
	return out
}

func isGo(top string) bool {
	_, _, ok := triage.SplitCase(top + "/x")
	return ok
}
