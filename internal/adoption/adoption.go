// Package adoption finds, with no I/O, the issues that people filed about
// a failing test before flake-triage tracked it, so that the tool adopts
// such an issue instead of filing a second one next to it.
//
// Precision comes before recall: adopting the wrong issue is worse than a
// duplicate. A test counts as named only where a person named it: in the
// title, or in the body outside fenced code blocks, `>` quotes and HTML
// comments, and not in a paragraph or form answer that names more than
// five tests. An issue is adopted only when it is the one issue naming the
// test and names no other failing test of the run; otherwise the tool
// files its own issue and links every candidate. See docs/adoption.md.
package adoption

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/flake-triage/flake-triage/internal/testname"
)

// MaxNamesPerSegment is how many tests a paragraph or form answer may name
// and still name each of them: a longer list is a roundup, not an issue
// about one test.
const MaxNamesPerSegment = 5

// MinLeafWords is the fewest words a Ginkgo spec's own `It` text needs to
// identify the spec without its containers.
const MinLeafWords = 5

// A Test is one test of the run. The failing ones (ID set) are matched;
// the others are needed to tell whether a text names one test only.
type Test struct {
	// ID is the finding's id; "" for a test that is not a finding.
	ID              string
	Name, Classname string
	// File is the test's declaration path, repo-relative ("" when unknown):
	// it tells which package qualifier names the test's own package.
	File string
	// Leaf is a Ginkgo spec's own `It` text, when known from its source.
	Leaf string
}

// An Issue is an issue that does not carry the tool's marker.
type Issue struct {
	Number      int
	Title, Body string
	Closed      bool
}

// Evidence is where an issue names a test.
type Evidence struct {
	Number int  `json:"number"`
	Closed bool `json:"closed,omitempty"`
	// Text is the name as matched.
	Text string `json:"text"`
	// Where is "title", "body" or `form answer "Which tests are flaking?"`.
	Where string `json:"where"`
	// Rule is the kind of name: "Go test name", "pytest node id", ….
	Rule string `json:"rule"`
}

// A Decision is what the people's issues mean for one failing test.
type Decision struct {
	// Adopt is the issue to adopt, 0 for none.
	Adopt int
	// Candidates are every issue naming the test, by number; when Adopt is
	// 0 the tool files its own issue and links them.
	Candidates []Evidence
	// Reason says why in a sentence.
	Reason string
}

// A key is one way a test can be named.
type key struct {
	test   int // index into tests
	phrase string
	rule   string
	// check, when set, vets an occurrence at text[i:i+len(phrase)].
	check func(text string, i int) bool
}

// Match decides, for each failing test of tests, which of issues names it
// and whether one is to be adopted. It reads each issue once: the words of
// every name are looked up in an index of the issues' words, so the cost
// grows with the text of the issues plus the names, not their product.
func Match(tests []Test, issues []Issue) map[string]Decision {
	keys := keysOf(tests)
	if len(keys) == 0 || len(issues) == 0 {
		return map[string]Decision{}
	}
	need := map[string]bool{}
	for _, k := range keys {
		for _, w := range words(k.phrase) {
			need[w] = true
		}
	}
	var segs []segment
	postings := map[string][]int{} // word -> segment indices, ascending, once each
	for i, is := range issues {
		for _, s := range segments(i, is.Title, is.Body) {
			if s.names > MaxNamesPerSegment {
				continue
			}
			n := len(segs)
			segs = append(segs, s)
			for w := range eachWord(s.text) {
				if need[w] {
					if p := postings[w]; len(p) == 0 || p[len(p)-1] != n {
						postings[w] = append(p, n)
					}
				}
			}
		}
	}
	// found[finding id][issue index] is the first evidence.
	found := map[string]map[int]Evidence{}
	namedBy := map[int]map[string]bool{} // issue index -> finding ids naming it
	for _, k := range keys {
		var best []int
		for j, w := range words(k.phrase) {
			if p := postings[w]; j == 0 || len(p) < len(best) {
				best = p
			}
		}
		for _, si := range best {
			s := segs[si]
			if !occurs(s.text, k) {
				continue
			}
			id := tests[k.test].ID
			if found[id] == nil {
				found[id] = map[int]Evidence{}
			}
			if _, ok := found[id][s.issue]; !ok {
				is := issues[s.issue]
				found[id][s.issue] = Evidence{Number: is.Number, Closed: is.Closed, Text: k.phrase, Where: s.where, Rule: k.rule}
			}
			if namedBy[s.issue] == nil {
				namedBy[s.issue] = map[string]bool{}
			}
			namedBy[s.issue][id] = true
		}
	}
	out := make(map[string]Decision, len(found))
	for id, byIssue := range found {
		var d Decision
		for _, e := range byIssue {
			d.Candidates = append(d.Candidates, e)
		}
		sort.Slice(d.Candidates, func(i, j int) bool { return d.Candidates[i].Number < d.Candidates[j].Number })
		d.Adopt, d.Reason = decide(id, d.Candidates, byIssue, namedBy)
		out[id] = d
	}
	return out
}

func decide(id string, cands []Evidence, byIssue map[int]Evidence, namedBy map[int]map[string]bool) (int, string) {
	if len(cands) > 1 {
		return 0, fmt.Sprintf("%d issues name this test (%s): none is adopted, the new issue links them", len(cands), numbers(cands))
	}
	e := cands[0]
	if e.Closed {
		return 0, fmt.Sprintf("closed #%d names this test (%s %s): closed issues are linked, never adopted", e.Number, e.Rule, quote(e.Text))
	}
	for idx := range byIssue {
		if n := len(namedBy[idx]); n > 1 {
			return 0, fmt.Sprintf("#%d names %d failing tests of this run: it is linked from each, adopted for none", e.Number, n)
		}
	}
	return e.Number, fmt.Sprintf("#%d names this test in its %s: %s %s", e.Number, e.Where, e.Rule, quote(e.Text))
}

func numbers(cands []Evidence) string {
	var parts []string
	for _, c := range cands {
		s := fmt.Sprintf("#%d", c.Number)
		if c.Closed {
			s += " (closed)"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ", ")
}

func occurs(text string, k key) bool {
	for _, i := range indexWord(text, k.phrase) {
		if k.check == nil || k.check(text, i) {
			return true
		}
	}
	return false
}

// genericGo are top-level Go test names that name a whole suite rather
// than one test (a Ginkgo or envtest entry point): an issue that says
// "TestE2E failed" names no particular test. Their subtests still match.
var genericGo = map[string]bool{
	"TestMain": true, "TestE2E": true, "TestE2e": true, "TestAPIs": true, "TestSuite": true,
	"TestIntegration": true, "TestUnit": true, "TestAll": true, "TestController": true,
}

func keysOf(tests []Test) []key {
	// How many tests of the run share a pytest function name or contain a
	// Ginkgo leaf text: a name that several tests share names none.
	// A pytest function counts once per module (its parameters are one
	// test), a spec text once however often it ran.
	modules := map[string]map[string]bool{}
	seen := map[string]bool{}
	var fulls []string
	for _, t := range tests {
		if isPytest(t) {
			f := testname.PytestFunc(t.Name)
			if modules[f] == nil {
				modules[f] = map[string]bool{}
			}
			modules[f][t.Classname] = true
		}
		if full := normalize(stripLabels(t.Name)); !seen[full] {
			seen[full] = true
			fulls = append(fulls, full)
		}
	}
	funcs := map[string]int{}
	for f, m := range modules {
		funcs[f] = len(m)
	}
	var keys []key
	for i, t := range tests {
		if t.ID == "" {
			continue
		}
		switch {
		case isGoTest(t.Name):
			check := qualified(t)
			top, _, sub := strings.Cut(t.Name, "/")
			if !genericGo[top] {
				keys = append(keys, key{test: i, phrase: top, rule: "Go test name", check: check})
			}
			if sub {
				keys = append(keys, key{test: i, phrase: t.Name, rule: "Go subtest name", check: check})
			}
		case isPytest(t):
			f := testname.PytestFunc(t.Name)
			for _, id := range nodeIDs(t) {
				keys = append(keys, key{test: i, phrase: id, rule: "pytest node id"})
			}
			if funcs[f] == 1 {
				keys = append(keys, key{test: i, phrase: f, rule: "pytest function name"})
			}
		case strings.Contains(t.Name, "[It]"):
			full := normalize(stripLabels(t.Name))
			if len(words(full)) >= 3 {
				keys = append(keys, key{test: i, phrase: full, rule: "Ginkgo spec text"})
			}
			leaf := normalize(t.Leaf)
			if len(strings.Fields(leaf)) >= MinLeafWords && containing(fulls, leaf) == 1 && leaf != full {
				keys = append(keys, key{test: i, phrase: leaf, rule: "Ginkgo It text"})
			}
		default:
			full := normalize(t.Name)
			if len(strings.Fields(full)) >= 4 {
				keys = append(keys, key{test: i, phrase: full, rule: "test name"})
			}
			if cls := lastDot(t.Classname); cls != "" && testname.IsIdentifier(t.Name) {
				keys = append(keys, key{test: i, phrase: cls + "." + t.Name, rule: "test name"},
					key{test: i, phrase: cls + "#" + t.Name, rule: "test name"})
			}
		}
	}
	return keys
}

// containing counts the names that contain phrase as a whole phrase.
func containing(names []string, phrase string) int {
	n := 0
	for _, s := range names {
		if len(indexWord(s, phrase)) > 0 {
			n++
		}
	}
	return n
}

// isGoTest reports whether name is a Go test ("TestX" or "TestX/sub"), a
// Test function only: keys are not made for examples, fuzz targets and
// benchmarks.
func isGoTest(name string) bool {
	top, ok := testname.GoTop(name)
	return ok && strings.HasPrefix(top, "Test")
}

// qualified returns the check that a Go name written with a package
// qualifier ("pkg.TestX", "example.com/m/pkg.TestX") names the test's own
// package: the same test name in another package is another test.
func qualified(t Test) func(string, int) bool {
	return func(text string, i int) bool {
		if i == 0 || text[i-1] != '.' && text[i-1] != '/' {
			return true
		}
		j := i
		for j > 0 && strings.IndexByte("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-/~", text[j-1]) >= 0 {
			j--
		}
		q := strings.TrimRight(text[j:i], "./")
		if q == "" {
			return true
		}
		return samePackage(q, t)
	}
}

func samePackage(q string, t Test) bool {
	cls := strings.TrimRight(t.Classname, "/")
	if cls != "" && (q == cls || strings.HasSuffix(cls, "/"+q) || strings.HasSuffix(q, "/"+cls) || path.Base(cls) == q) {
		return true
	}
	if t.File != "" {
		dir := path.Dir(t.File)
		if dir != "." && (q == dir || strings.HasSuffix(q, "/"+dir) || strings.HasSuffix(dir, "/"+q) || path.Base(dir) == q) {
			return true
		}
	}
	return false
}

// isPytest reports whether t is a pytest case: a test_ function (or a
// test method) with a dotted module classname, or declared in a .py file.
func isPytest(t Test) bool {
	f := testname.PytestFunc(t.Name)
	if !strings.HasPrefix(f, "test") || !testname.IsIdentifier(f) {
		return false
	}
	return strings.HasSuffix(t.File, ".py") || strings.Contains(t.Classname, ".") && !strings.Contains(t.Classname, "/")
}

// nodeIDs are the pytest node ids of t ("tests/test_x.py::TestC::test_f"),
// without and with its parameters.
func nodeIDs(t Test) []string {
	f := testname.PytestFunc(t.Name)
	id, ok := testname.PytestNodeID(t.File, t.Classname, f)
	if !ok {
		return nil
	}
	if full, _ := testname.PytestNodeID(t.File, t.Classname, t.Name); full != id {
		return []string{id, full}
	}
	return []string{id}
}

func lastDot(s string) string {
	if i := strings.LastIndexByte(s, '.'); i >= 0 {
		s = s[i+1:]
	}
	if !testname.IsIdentifier(s) {
		return ""
	}
	return s
}

// stripLabels drops the "[label, …]" list Ginkgo appends to a spec's name.
func stripLabels(name string) string {
	text, _ := testname.CutGinkgoLists(strings.TrimRight(name, " "), 1)
	return text
}

// namesIn counts the tests a text names, as a person would list them: Go
// test names, pytest function names, and Ginkgo specs (one per "[It]").
func namesIn(text string) int {
	var seen map[string]bool
	for w := range eachWord(text) {
		if strings.HasPrefix(w, "Test") && isGoTest(w) || strings.HasPrefix(w, "test_") {
			if seen == nil {
				seen = map[string]bool{}
			}
			seen[w] = true
		}
	}
	return len(seen) + strings.Count(text, "[It]")
}

// Distinctive reports whether a test of the run with this name could
// make another test's name ambiguous: a Ginkgo spec (its It text) or a
// pytest function. The reading keeps these names of passing tests too.
func Distinctive(name string) bool {
	return strings.Contains(name, "[It]") || strings.HasPrefix(name, "test")
}
