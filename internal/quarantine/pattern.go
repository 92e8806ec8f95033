package quarantine

import (
	"regexp"
	"sort"
	"strings"

	"github.com/flake-triage/flake-triage/internal/issue"
	"github.com/flake-triage/flake-triage/internal/testname"
)

// Formats of `flake-triage quarantined --format`.
var Formats = []string{"json", "go", "ginkgo", "pytest"}

// GoName returns the top-level Go test function that t names (TestX of
// TestX/case): go test matches -skip against each level of a subtest
// name separately, split at slashes, so only a top-level name can be
// skipped exactly. ok is false when t is not a Go test (its top-level
// name is not one go test runs: see testname.IsGoTop).
func GoName(t Identity) (name string, ok bool) {
	return testname.GoTop(t.Name)
}

// GoSkip returns the value for `go test -skip` that skips exactly the Go
// tests among tests: their top-level names, escaped and anchored, as one
// alternation (`^(?:TestA|TestB)$`). It skips the whole top-level test
// (its subtests too) in every package that has a test of that name. It
// returns "" when no test is a Go test: an empty -skip skips nothing.
func GoSkip(tests []Test) string {
	var names []string
	for _, t := range tests {
		if n, ok := GoName(t.Test); ok {
			names = append(names, regexp.QuoteMeta(n))
		}
	}
	return alternation(names)
}

// alternation anchors the sorted, distinct alternatives as one regexp.
func alternation(alts []string) string {
	if len(alts) == 0 {
		return ""
	}
	sort.Strings(alts)
	alts = compact(alts)
	return "^(?:" + strings.Join(alts, "|") + ")$"
}

func compact(s []string) []string {
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

// ginkgoLeaf is how Ginkgo's JUnit reporter starts the name of an It
// spec: "[It] " followed by the spec's full text (container texts and
// the leaf text joined by spaces), then its labels and version
// constraints, each list as " [a, b]".
const ginkgoLeaf = "[It] "

// maxGinkgoSuffixes is how many trailing bracketed lists a Ginkgo JUnit
// name may carry after the spec text: labels, semantic version
// constraints and component version constraints.
const maxGinkgoSuffixes = 3

// GinkgoText returns what Ginkgo v2 matches --skip against for the spec
// that t names (its suite description, a space, and the spec's full text:
// containers and leaf, labels excluded) as a regexp, and whether t is a
// Ginkgo spec at all (its JUnit name starts with "[It] ").
//
// The JUnit name appends the spec's labels as " [a, b]", which cannot be
// told apart from a spec text that itself ends in brackets (Kubernetes
// writes "[Slow]" and "[Conformance]" into texts). So the trailing
// bracketed lists (at most three) are optional in the regexp, nested so
// that only the text, or the text followed by its first lists in order,
// matches.
func GinkgoText(t Identity) (re string, ok bool) {
	// Names read back from an issue are valid UTF-8 already (invalid
	// bytes recorded as U+FFFD); a regexp must be.
	text, ok := strings.CutPrefix(issue.CanonicalID(t.Name), ginkgoLeaf)
	if !ok || strings.TrimSpace(text) == "" {
		return "", false
	}
	core, groups := testname.CutGinkgoLists(text, maxGinkgoSuffixes)
	desc := issue.CanonicalID(t.Classname)
	if desc == "" {
		desc = issue.CanonicalID(t.Suite)
	}
	suffix := ""
	for i := len(groups) - 1; i >= 0; i-- {
		suffix = "(?:" + regexp.QuoteMeta(groups[i]) + suffix + ")?"
	}
	return regexp.QuoteMeta(desc+" "+core) + suffix, true
}

// GinkgoSkip returns the value for `ginkgo --skip` that skips exactly the
// Ginkgo specs among tests, anchored at both ends; "" when there are
// none.
func GinkgoSkip(tests []Test) string {
	var alts []string
	for _, t := range tests {
		if re, ok := GinkgoText(t.Test); ok {
			alts = append(alts, re)
		}
	}
	return alternation(alts)
}

// PytestNodeID returns the pytest node id of the test t names, rebuilt
// from its classname alone (see testname.PytestNodeID). ok is false when
// t does not look like a pytest test (no classname, a classname without
// a module, or a name that does not start with "test").
func PytestNodeID(t Identity) (id string, ok bool) {
	return testname.PytestNodeID("", t.Classname, t.Name)
}

// PytestDeselect returns the node ids for pytest's --deselect, one per
// quarantined pytest test, sorted and distinct. pytest deselects every
// collected test whose node id starts with one of them: pass each as its
// own argument (`--deselect ID`), never through a shell word split.
func PytestDeselect(tests []Test) []string {
	out := []string{}
	for _, t := range tests {
		if id, ok := PytestNodeID(t.Test); ok {
			out = append(out, id)
		}
	}
	sort.Strings(out)
	return compact(out)
}
