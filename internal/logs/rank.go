package logs

import (
	"sort"
	"time"
)

// A testSide is what a failing test's report says about it, for ranking
// the groups of its window: when it failed, when its run began, and the
// words of its own output.
type testSide struct {
	at, start time.Time
	outputs   []string
	// words are the words of the outputs that some group's object names
	// (rank fills them in: only those are kept, however long the outputs).
	words map[string]bool
}

// testSides gathers the windows' test sides by key: a key given in
// several windows takes the earliest failure and start and the union of
// the outputs.
func testSides(ws []Window) map[string]*testSide {
	out := map[string]*testSide{}
	for _, w := range ws {
		if w.At.IsZero() {
			continue
		}
		t := out[w.Key]
		if t == nil {
			t = &testSide{at: w.At, words: map[string]bool{}}
			out[w.Key] = t
		}
		if w.At.Before(t.at) {
			t.at = w.At
		}
		if !w.Start.IsZero() && (t.start.IsZero() || w.Start.Before(t.start)) {
			t.start = w.Start
		}
		if w.Output != "" {
			t.outputs = append(t.outputs, w.Output)
		}
	}
	return out
}

// fillWords sets each test's words: those of its outputs that are among
// values (the names and namespaces the groups' objects carry).
func fillWords(tests map[string]*testSide, values map[string]bool) {
	for _, t := range tests {
		t.words = map[string]bool{}
		for _, o := range t.outputs {
			for w := range tokens(o) {
				if values[w] {
					t.words[w] = true
				}
			}
		}
	}
}

// common are the names that more than half of the tests' outputs name
// (and at least two): a namespace that every spec of a suite shares, or
// that every log line names, tells no test's lines from another's.
func common(tests map[string]*testSide) map[string]bool {
	if len(tests) < 2 {
		return nil
	}
	n := map[string]int{}
	for _, t := range tests {
		for w := range t.words {
			n[w]++
		}
	}
	out := map[string]bool{}
	for w, k := range n {
		if k >= 2 && 2*k > len(tests) {
			out[w] = true
		}
	}
	return out
}

// sharedObjects are the objects of a group that the test's output names
// too: by name or by namespace, a name counting when it is distinctive
// (not "default", "kube-system" and the like, not a bare number) and not
// common to most of the run's failing tests.
func sharedObjects(objects []Object, t *testSide, common map[string]bool) []Object {
	var out []Object
	named := func(v string) bool { return distinctive(v) && t.words[v] && !common[v] }
	for _, o := range objects {
		if named(o.Name) || named(o.Namespace) {
			out = append(out, o)
		}
	}
	return out
}

// rank sets each group's Shared and InRun and orders each window's groups:
// the most shared objects first, then those logged inside the test's own
// run, then the closest in time to the failure, then the most lines, then
// by log and source so that the order is deterministic.
func (c *correlator) rank(out map[string][]Group) {
	values := map[string]bool{}
	for _, gs := range out {
		for _, g := range gs {
			for _, o := range g.Objects {
				values[o.Name], values[o.Namespace] = true, true
			}
		}
	}
	fillWords(c.tests, values)
	com := common(c.tests)
	for k, gs := range out {
		t := c.tests[k]
		if t == nil {
			t = &testSide{}
		}
		for i := range gs {
			g := &gs[i]
			g.Shared = sharedObjects(g.Objects, t, com)
			g.InRun = !t.start.IsZero() && !g.Last.Before(t.start)
		}
		sort.SliceStable(gs, func(i, j int) bool {
			a, b := gs[i], gs[j]
			if len(a.Shared) != len(b.Shared) {
				return len(a.Shared) > len(b.Shared)
			}
			if a.InRun != b.InRun {
				return a.InRun
			}
			if da, db := distance(a, t.at), distance(b, t.at); da != db {
				return da < db
			}
			if a.Count != b.Count {
				return a.Count > b.Count
			}
			if !a.First.Equal(b.First) {
				return a.First.Before(b.First)
			}
			if a.Log != b.Log {
				return a.Log < b.Log
			}
			return a.Ref < b.Ref
		})
		out[k] = gs
	}
}

// distance is how far the group's nearest line is from the failure.
func distance(g Group, at time.Time) time.Duration {
	switch {
	case at.IsZero():
		return 0
	case g.Last.Before(at):
		return at.Sub(g.Last)
	case g.First.After(at):
		return g.First.Sub(at)
	}
	return 0
}
