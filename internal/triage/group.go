package triage

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/flake-triage/flake-triage/internal/config"
	"github.com/flake-triage/flake-triage/internal/locate"
	"github.com/flake-triage/flake-triage/internal/owners"
	"github.com/flake-triage/flake-triage/internal/report"
	"github.com/flake-triage/flake-triage/internal/testname"
)

// MinInfraTests is the fewest tests of one report that make an
// infrastructure failure, whatever the threshold: four tests failing at
// one helper are four findings, however small the report.
const MinInfraTests = 5

// SplitCase splits a test name into its top-level test and its case, as
// testname.SplitCase does: the cases of one top-level test fold into one
// finding.
func SplitCase(name string) (top, cse string, ok bool) {
	return testname.SplitCase(name)
}

// A unit is what becomes one finding: a test, or the failing cases of one
// top-level test, or the tests of an infrastructure failure.
type unit struct {
	// lead is the test whose failure the finding shows; loc its location.
	lead int
	loc  locate.Result
	// id, name and kind, when set, replace the lead test's.
	id, name, kind string
	// cases are the folded tests, in report order.
	cases []int
	infra bool
}

// units decides which findings the tests make (the grouping and
// infrastructure rules): the infrastructure failures first, then the
// others in the order of their first test.
//
//   - a Go test that failed only because its subtests failed (no line of
//     its own failure text that go test's framing or a subtest does not
//     print) is never a finding;
//   - with InfraThreshold > 0, when at least MinInfraTests tests of one
//     report, and at least that fraction of the report's tests, failed at
//     the same location with the same signature, they are one finding of
//     kind "infra";
//   - with GroupSubtests, Go subtests and pytest parameter sets fold into
//     their top-level test; the top-level test's own failure, when it has
//     one, is a case under its own name.
func units(set *report.Set, locs []locate.Result, msgs []string, cfg config.Config) []unit {
	tests := set.Tests
	drop := pureParents(tests)
	out := make([]unit, 0, len(tests))
	for _, u := range infraUnits(set, locs, msgs, drop, cfg.InfraThreshold) {
		for _, i := range u.cases {
			drop[i] = true
		}
		out = append(out, u)
	}
	if !cfg.GroupSubtests {
		for i := range tests {
			if !drop[i] {
				out = append(out, unit{lead: i, loc: locs[i]})
			}
		}
		return out
	}
	// The declarations of the top-level tests, failing parents included.
	decl := map[string]*locate.Location{}
	for i, t := range tests {
		if _, _, ok := SplitCase(t.Name); !ok && locs[i].TestLocation != nil {
			decl[familyKey(t, t.Name)] = locs[i].TestLocation
		}
	}
	grouped := len(out)
	first := map[string]int{} // family key -> index in out
	for i, t := range tests {
		if drop[i] {
			continue
		}
		top, _, _ := SplitCase(t.Name)
		k := familyKey(t, top)
		j, ok := first[k]
		if !ok {
			j = len(out)
			first[k] = j
			out = append(out, unit{name: top})
		}
		out[j].cases = append(out[j].cases, i)
	}
	for j := range out[grouped:] {
		u := &out[grouped+j]
		if len(u.cases) == 1 && !isCase(tests[u.cases[0]].Name) {
			*u = unit{lead: u.cases[0], loc: locs[u.cases[0]]} // a test with no cases
			continue
		}
		// The top-level test's own failure leads when it has one, else the
		// first failing case.
		u.lead = u.cases[0]
		u.kind = string(report.Flake)
		for k, c := range u.cases {
			if !isCase(tests[c].Name) {
				copy(u.cases[1:k+1], u.cases[:k])
				u.cases[0], u.lead = c, c
			}
			if tests[c].Kind == report.Failure {
				u.kind = string(report.Failure)
			}
		}
		u.loc = locs[u.lead]
		u.loc.TestLocation = firstNonNil(decl[familyKey(tests[u.lead], u.name)], u.loc.TestLocation)
	}
	return out
}

func isCase(name string) bool {
	_, _, ok := SplitCase(name)
	return ok
}

func firstNonNil(ls ...*locate.Location) *locate.Location {
	for _, l := range ls {
		if l != nil {
			return l
		}
	}
	return nil
}

// familyKey keys the tests that fold into one top-level test.
func familyKey(t report.Test, top string) string {
	return t.Suite.Name + "\x00" + t.Classname + "\x00" + top
}

// pureParents marks the Go tests that failed only because subtests
// failed: go test fails a parent whose subtest fails, and the parent's
// failure text then holds nothing but its framing ("=== RUN", "--- FAIL")
// and, in some report writers, its subtests' output.
func pureParents(tests []report.Test) []bool {
	drop := make([]bool, len(tests))
	kids := map[string][]int{} // suite, classname, parent name -> failing descendants
	for i, t := range tests {
		name := t.Name
		if top, _, ok := strings.Cut(name, "/"); !ok || !testname.IsGoTop(top) {
			continue
		}
		for j := strings.LastIndexByte(name, '/'); j > 0; j = strings.LastIndexByte(name[:j], '/') {
			k := t.Suite.Name + "\x00" + t.Classname + "\x00" + name[:j]
			kids[k] = append(kids[k], i)
		}
	}
	if len(kids) == 0 {
		return drop
	}
	for i, t := range tests {
		ks := kids[t.Suite.Name+"\x00"+t.Classname+"\x00"+t.Name]
		if len(ks) == 0 {
			continue
		}
		seen := map[string]bool{}
		for _, k := range ks {
			for _, a := range tests[k].Failed {
				for _, l := range attemptLines(a.Message, errorText(a.Error), a.SystemOut, a.SystemErr) {
					seen[l] = true
				}
			}
		}
		own := false
		for _, a := range t.Failed {
			for _, l := range attemptLines(a.Message, errorText(a.Error), a.SystemOut, a.SystemErr) {
				if !seen[l] && !parentFraming(l) {
					own = true
				}
			}
		}
		drop[i] = !own
	}
	return drop
}

func errorText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// attemptLines are the trimmed, non-empty lines of an attempt's texts; a
// one-word message ("Failed", a runner's verdict) says nothing.
func attemptLines(msg string, texts ...string) []string {
	var out []string
	if strings.ContainsAny(strings.TrimSpace(msg), " \t\n") {
		texts = append(texts, msg)
	}
	for _, s := range texts {
		for _, l := range strings.Split(s, "\n") {
			if l = strings.TrimSpace(l); l != "" {
				out = append(out, l)
			}
		}
	}
	return out
}

// parentFraming reports whether a line is go test's framing of a test's
// output (goFraming) or of its package's result, rather than something
// the test printed.
func parentFraming(l string) bool {
	return goFraming(l) || strings.HasPrefix(l, "FAIL") || strings.HasPrefix(l, "PASS") || strings.HasPrefix(l, "ok ")
}

// infraUnits finds the infrastructure failures: per report, the tests that
// failed at one location with one signature, when they are at least
// MinInfraTests and at least threshold of the report's tests.
func infraUnits(set *report.Set, locs []locate.Result, msgs []string, drop []bool, threshold float64) []unit {
	if threshold <= 0 {
		return nil
	}
	total := map[string]int{}
	for _, f := range set.Files {
		total[f.Path] += f.Tests
	}
	type key struct {
		report, path string
		line         int
		sig          string
	}
	var order []key
	members := map[key][]int{}
	for i, t := range set.Tests {
		l := locs[i].Location
		if drop[i] || l == nil || len(t.Failed) == 0 {
			continue
		}
		msg := Redact(Printable(msgs[i], true))
		if strings.TrimSpace(msg) == "" {
			continue
		}
		k := key{t.Report, l.Path, l.Line, Signature(msg)}
		if _, ok := members[k]; !ok {
			order = append(order, k)
		}
		members[k] = append(members[k], i)
	}
	var out []unit
	for _, k := range order {
		m := members[k]
		if len(m) < MinInfraTests || float64(len(m)) < threshold*float64(total[k.report]) {
			continue
		}
		out = append(out, unit{
			lead: m[0], loc: locs[m[0]], cases: m, infra: true, kind: KindInfra,
			id:   InfraID(k.path, k.line, k.sig),
			name: fmt.Sprintf("%s:%d", k.path, k.line),
		})
	}
	return out
}

// KindInfra is the kind of an infrastructure failure's finding.
const KindInfra = "infra"

// InfraID is the id of the infrastructure failure at path:line with this
// signature: the same broken environment gives the same id in every run.
func InfraID(path string, line int, signature string) string {
	h := sha256.Sum256([]byte(fmt.Sprintf("infra\x00%s:%d\x00%s", path, line, signature)))
	return hex.EncodeToString(h[:8])
}

// analyzeUnit makes the finding of a unit: its lead test's, under the
// top-level test's name and id for grouped cases, or the location's for
// an infrastructure failure, with the folded cases listed.
func analyzeUnit(tests []report.Test, locs []locate.Result, msgs []string, u unit, own *owners.Resolver, cfg config.Config) (Finding, []string) {
	t := tests[u.lead]
	id := ID(t.Suite.Name, t.Classname, t.Name)
	switch {
	case u.infra:
		id = u.id
		t.Suite.Name, t.Classname, t.Name = "", "", u.name
	case u.name != "":
		t.Name = u.name
		id = ID(t.Suite.Name, t.Classname, t.Name)
	}
	if u.kind != "" {
		t.Kind = report.Kind(u.kind)
	}
	f, notes := analyzeTest(t, id, msgs[u.lead], u.loc, own, cfg)
	for _, c := range u.cases {
		ct := tests[c]
		f.Test.Cases = append(f.Test.Cases, Case{
			Name:      shown(ct.Name),
			Location:  location(firstNonNil(locs[c].Location, locs[c].TestLocation)),
			ID:        ID(ct.Suite.Name, ct.Classname, ct.Name),
			Classname: shown(ct.Classname),
			Suite:     shown(ct.Suite.Name),
			Kind:      string(ct.Kind),
		})
	}
	return f, notes
}

// kindLabel is the label of a finding kind.
func kindLabel(l config.Labels, kind string) string {
	switch kind {
	case string(report.Flake):
		return l.Flake
	case KindInfra:
		if l.Infra != "" {
			return l.Infra
		}
	}
	return l.Failure
}
