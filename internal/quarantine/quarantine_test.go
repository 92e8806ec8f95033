package quarantine

import (
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/flake-triage/flake-triage/internal/issue"
	"github.com/flake-triage/flake-triage/internal/plan"
	"github.com/flake-triage/flake-triage/internal/triage"
)

// toolBody is the body flake-triage files for a test with this identity.
func toolBody(id, suite, classname, name string) string {
	f := triage.Finding{ID: id, Kind: "flake", Test: triage.Test{Name: name, Classname: classname, Suite: suite}}
	return issue.Render(issue.DefaultHuman, issue.Content{Finding: f, State: issue.State{ID: id}.WithTest(suite, classname, name)})
}

func TestFromIssues(t *testing.T) {
	issues := []plan.Issue{
		{Number: 7, State: "open", URL: "https://github.com/o/r/issues/7", Labels: []string{"kind/flake", "Flake-Triage/Quarantine"},
			Body: toolBody("go:example.com/p.TestB", "example.com/p", "example.com/p", "TestB")},
		{Number: 3, State: "open", URL: "https://github.com/o/r/issues/3", Labels: []string{DefaultLabel},
			Body: toolBody("go:example.com/p.TestA", "example.com/p", "example.com/p", "TestA")},
		// Not labelled: not quarantined.
		{Number: 4, State: "open", Body: toolBody("go:example.com/p.TestC", "example.com/p", "example.com/p", "TestC")},
		// Labelled, but people filed it: ignored with a warning.
		{Number: 5, State: "open", Labels: []string{DefaultLabel}, Body: "TestD flakes, please look"},
		// Labelled tool issue whose state names no test.
		{Number: 6, State: "open", Labels: []string{DefaultLabel}, Body: issue.Render(issue.DefaultHuman, issue.Content{Finding: triage.Finding{ID: "x"}})},
		// Closed: no longer quarantined.
		{Number: 8, State: "closed", Labels: []string{DefaultLabel}, Body: toolBody("go:example.com/p.TestE", "", "", "TestE")},
	}
	got, warnings := FromIssues(issues, DefaultLabel)
	want := []Test{
		{Number: 3, URL: "https://github.com/o/r/issues/3", ID: "go:example.com/p.TestA", Test: Identity{Name: "TestA", Classname: "example.com/p", Suite: "example.com/p"}},
		{Number: 7, URL: "https://github.com/o/r/issues/7", ID: "go:example.com/p.TestB", Test: Identity{Name: "TestB", Classname: "example.com/p", Suite: "example.com/p"}},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("FromIssues (-want +got):\n%s", d)
	}
	if len(warnings) != 2 || !strings.Contains(warnings[0], "#5") || !strings.Contains(warnings[0], "did not file it") || !strings.Contains(warnings[1], "#6") {
		t.Errorf("warnings = %q, want one for #5 (filed by people) and one for #6 (no test identity)", warnings)
	}
	if got, _ := FromIssues(nil, DefaultLabel); got == nil || len(got) != 0 {
		t.Errorf("FromIssues(nil) = %#v, want an empty, non-nil list (JSON [])", got)
	}
}

func TestGoSkip(t *testing.T) {
	tests := []Test{
		{Test: Identity{Name: "TestB/case [1]"}},
		{Test: Identity{Name: "TestA"}},
		{Test: Identity{Name: "TestA/other"}},
		{Test: Identity{Name: "TestÜber"}},
		{Test: Identity{Name: "[It] a spec"}},
		{Test: Identity{Name: "test_x", Classname: "tests.test_mod"}},
	}
	if got, want := GoSkip(tests), `^(?:TestA|TestB|TestÜber)$`; got != want {
		t.Errorf("GoSkip = %q, want %q", got, want)
	}
	if got := GoSkip(nil); got != "" {
		t.Errorf("GoSkip(nil) = %q, want empty (skips nothing)", got)
	}
}

func TestGinkgoText(t *testing.T) {
	re, ok := GinkgoText(Identity{Name: "[It] [sig-node] Pods should run [Conformance] [slow, e2e]", Classname: "E2E (suite)"})
	if !ok {
		t.Fatal("not a Ginkgo spec")
	}
	rx := regexp.MustCompile("^(?:" + re + ")$")
	for text, want := range map[string]bool{
		"E2E (suite) [sig-node] Pods should run [Conformance] [slow, e2e]": true,
		"E2E (suite) [sig-node] Pods should run [Conformance]":             true,
		"E2E (suite) [sig-node] Pods should run":                           true,
		"E2E (suite) [sig-node] Pods should run [slow, e2e]":               false,
		"E2E (suite) [sig-node] Pods should run [Conformance] too":         false,
		"E2E xsuitex [sig-node] Pods should run":                           false,
	} {
		if got := rx.MatchString(text); got != want {
			t.Errorf("%q matches %q: %v, want %v", re, text, got, want)
		}
	}
	if _, ok := GinkgoText(Identity{Name: "[BeforeSuite]"}); ok {
		t.Error("a suite node is not a spec --skip can skip")
	}
	if _, ok := GinkgoText(Identity{Name: "TestA"}); ok {
		t.Error("a Go test is not a Ginkgo spec")
	}
}

func TestPytestDeselect(t *testing.T) {
	tests := []Test{
		{Test: Identity{Name: "test_x[a b-\"c\"]", Classname: "tests.unit.test_mod.TestOuter.TestInner"}},
		{Test: Identity{Name: "test_y", Classname: "test_top"}},
		{Test: Identity{Name: "test_y", Classname: "test_top"}},
		{Test: Identity{Name: "TestA", Classname: "example.com/p"}},
		{Test: Identity{Name: "test_z"}},
	}
	want := []string{`test_top.py::test_y`, `tests/unit/test_mod.py::TestOuter::TestInner::test_x[a b-"c"]`}
	if d := cmp.Diff(want, PytestDeselect(tests)); d != "" {
		t.Errorf("PytestDeselect (-want +got):\n%s", d)
	}
}

func FuzzPatterns(f *testing.F) {
	f.Add("[It] a.b*c (x|y) [l1, l2]", "Suite ^$")
	f.Add("TestÜber/sub[1]", "example.com/p")
	f.Add("test_x[p]", "a.b.TestC")
	f.Fuzz(func(t *testing.T, name, classname string) {
		tests := []Test{{Test: Identity{Name: name, Classname: classname}}}
		for _, p := range []string{GoSkip(tests), GinkgoSkip(tests)} {
			if p == "" {
				continue
			}
			if _, err := regexp.Compile(p); err != nil {
				t.Fatalf("pattern %q does not compile: %v", p, err)
			}
		}
		spec := issue.CanonicalID(classname + " " + strings.TrimPrefix(name, "[It] "))
		if p := GinkgoSkip(tests); p != "" && !regexp.MustCompile(p).MatchString(spec) {
			t.Fatalf("Ginkgo pattern %q does not match its own spec %q", p, spec)
		}
		if p := GoSkip(tests); p != "" {
			top, _, _ := strings.Cut(name, "/")
			if !regexp.MustCompile(p).MatchString(top) {
				t.Fatalf("Go pattern %q does not match its own test %q", p, top)
			}
		}
	})
}
