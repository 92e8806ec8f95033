package triage

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"github.com/joshdk/go-junit"

	"github.com/flake-triage/flake-triage/internal/config"
	"github.com/flake-triage/flake-triage/internal/locate"
	"github.com/flake-triage/flake-triage/internal/owners"
	"github.com/flake-triage/flake-triage/internal/report"
)

// groupRepo holds a table-driven Go test whose subtests are named with
// "/", a duplicate (go test's "#01") and unicode, a Go test failing on
// its own as well as through a subtest, and a parametrised pytest test.
var groupRepo = fstest.MapFS{
	"go.mod":           {Data: []byte("module example.com/m\n\ngo 1.26\n")},
	"pkg/OWNERS":       {Data: []byte("approvers: [ann]\n")},
	"hack/OWNERS":      {Data: []byte("approvers: [pyt]\n")},
	"hack/__init__.py": {Data: []byte("")},
	"pkg/x_test.go": {Data: []byte(`package pkg

import "testing"

func TestTable(t *testing.T) {
	for _, name := range []string{"a/b", "dup", "dup", "ünï"} {
		t.Run(name, func(t *testing.T) {
			t.Fatal("boom")
		})
	}
}

func TestOwn(t *testing.T) {
	t.Run("sub", func(t *testing.T) { t.Fatal("sub broke") })
	t.Error("own broke")
}
`)},
	"hack/test_parse.py": {Data: []byte("import pytest\n\n@pytest.mark.parametrize('v', ['a[1]-b', 'x'])\ndef test_parse(v):\n    assert v == 'y'\n")},
}

const groupReport = `<testsuites><testsuite name="example.com/m/pkg" tests="9" failures="7">
<testcase classname="example.com/m/pkg" name="TestTable/a/b"><failure message="Failed">=== RUN   TestTable/a/b
    x_test.go:8: boom
--- FAIL: TestTable/a/b (0.00s)</failure></testcase>
<testcase classname="example.com/m/pkg" name="TestTable/dup"><failure message="Failed">    x_test.go:8: boom</failure></testcase>
<testcase classname="example.com/m/pkg" name="TestTable/dup#01"><failure message="Failed">    x_test.go:8: boom</failure></testcase>
<testcase classname="example.com/m/pkg" name="TestTable/ünï"><failure message="Failed">    x_test.go:8: boom</failure></testcase>
<testcase classname="example.com/m/pkg" name="TestTable"><failure message="Failed">=== RUN   TestTable
    x_test.go:8: boom
--- FAIL: TestTable (0.00s)</failure></testcase>
<testcase classname="example.com/m/pkg" name="TestOwn/sub"><failure message="Failed">    x_test.go:14: sub broke</failure></testcase>
<testcase classname="example.com/m/pkg" name="TestOwn"><failure message="Failed">=== RUN   TestOwn
    x_test.go:15: own broke
--- FAIL: TestOwn (0.00s)</failure></testcase>
<testcase classname="example.com/m/pkg" name="TestFine"/>
<testcase classname="example.com/m/pkg" name="TestFine/sub"/>
</testsuite>
<testsuite name="pytest" tests="3" failures="2">
<testcase classname="hack.test_parse" name="test_parse[a[1]-b]" file="hack/test_parse.py" line="3"><failure message="AssertionError">hack/test_parse.py:5: AssertionError</failure></testcase>
<testcase classname="hack.test_parse" name="test_parse[x]" file="hack/test_parse.py" line="3"><failure message="AssertionError">hack/test_parse.py:5: AssertionError</failure></testcase>
<testcase classname="hack.test_parse" name="test_parse[y]" file="hack/test_parse.py" line="3"/>
</testsuite></testsuites>`

func analyzeIn(t *testing.T, fsys fstest.MapFS, cfg config.Config, xml string) Result {
	t.Helper()
	set := report.Ingest("r.xml", strings.NewReader(xml))
	ix, err := locate.NewIndex(fsys, locate.Options{})
	if err != nil {
		t.Fatal(err)
	}
	own, warnings := owners.Load(fsys)
	if len(warnings) > 0 {
		t.Fatal(warnings)
	}
	return Analyze(set, ix.LocateAll(set.Tests), own, cfg)
}

type caseView struct {
	Name, ID string
	Line     int
}

func casesOf(f Finding) []caseView {
	var out []caseView
	for _, c := range f.Test.Cases {
		v := caseView{Name: c.Name, ID: c.ID}
		if c.Location != nil {
			v.Line = c.Location.Line
		}
		out = append(out, v)
	}
	return out
}

func findingNamed(t *testing.T, r Result, name string) Finding {
	t.Helper()
	for _, f := range r.Findings {
		if f.Test.Name == name {
			return f
		}
	}
	var names []string
	for _, f := range r.Findings {
		names = append(names, f.Test.Name)
	}
	t.Fatalf("no finding for %q among %q", name, names)
	return Finding{}
}

func TestGroupingFoldsCasesIntoTheTopLevelTest(t *testing.T) {
	r := analyzeIn(t, groupRepo, config.Default(), groupReport)
	if len(r.Findings) != 3 {
		t.Errorf("%d findings, want 3 (TestTable, TestOwn, test_parse)", len(r.Findings))
	}
	const pkg = "example.com/m/pkg"
	table := findingNamed(t, r, "TestTable")
	if table.ID != ID(pkg, pkg, "TestTable") {
		t.Errorf("TestTable's id %s is not the top-level test's", table.ID)
	}
	want := []caseView{
		{"TestTable/a/b", ID(pkg, pkg, "TestTable/a/b"), 8},
		{"TestTable/dup", ID(pkg, pkg, "TestTable/dup"), 8},
		{"TestTable/dup#01", ID(pkg, pkg, "TestTable/dup#01"), 8},
		{"TestTable/ünï", ID(pkg, pkg, "TestTable/ünï"), 8},
	}
	if diff := cmp.Diff(want, casesOf(table)); diff != "" {
		t.Errorf("TestTable's cases (-want +got):\n%s", diff)
	}
	if table.Location == nil || table.Location.Line != 8 || table.TestLocation == nil || table.TestLocation.Line != 5 {
		t.Errorf("TestTable failed at %+v, declared at %+v; want line 8 and the top-level declaration, line 5", table.Location, table.TestLocation)
	}
	if table.Kind != "failure" || table.Assignees[0] != "ann" {
		t.Errorf("TestTable: kind %q assignees %v", table.Kind, table.Assignees)
	}

	// A parent with a failure of its own leads with it.
	own := findingNamed(t, r, "TestOwn")
	if diff := cmp.Diff([]caseView{{"TestOwn", ID(pkg, pkg, "TestOwn"), 15}, {"TestOwn/sub", ID(pkg, pkg, "TestOwn/sub"), 14}}, casesOf(own)); diff != "" {
		t.Errorf("TestOwn's cases (-want +got):\n%s", diff)
	}
	if own.Location == nil || own.Location.Line != 15 || !strings.Contains(own.Message, "own broke") {
		t.Errorf("TestOwn shows %+v %q, want its own failure at line 15", own.Location, own.Message)
	}

	py := findingNamed(t, r, "test_parse")
	if py.ID != ID("pytest", "hack.test_parse", "test_parse") {
		t.Errorf("test_parse's id is not the function's")
	}
	var names []string
	for _, c := range py.Test.Cases {
		names = append(names, c.Name)
	}
	if diff := cmp.Diff([]string{"test_parse[a[1]-b]", "test_parse[x]"}, names); diff != "" {
		t.Errorf("test_parse's cases (-want +got):\n%s", diff)
	}
}

func TestParentsFailingOnlyThroughSubtestsAreNeverFindings(t *testing.T) {
	cfg := config.Default()
	cfg.GroupSubtests = false
	r := analyzeIn(t, groupRepo, cfg, groupReport)
	var names []string
	for _, f := range r.Findings {
		names = append(names, f.Test.Name)
		if len(f.Test.Cases) != 0 {
			t.Errorf("%s lists cases without grouping: %+v", f.Test.Name, f.Test.Cases)
		}
	}
	want := []string{"TestTable/a/b", "TestTable/dup", "TestTable/dup#01", "TestTable/ünï", "TestOwn/sub", "TestOwn", "test_parse[a[1]-b]", "test_parse[x]"}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("findings without grouping (-want +got):\n%s", diff)
	}
}

// brokenReport is a run whose environment broke: failing of its tests
// fail in one helper with one message, the others in their own ways.
func brokenReport(failing, other, passing int) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<testsuites><testsuite name="example.com/m/pkg" tests="%d">`, failing+other+passing)
	for i := range failing {
		fmt.Fprintf(&b, `<testcase classname="example.com/m/pkg" name="TestE2E%d"><failure message="Failed">    x_test.go:8: boom: dial tcp 10.0.0.%d:6443: connect: connection refused</failure></testcase>`, i, i)
	}
	for i := range other {
		fmt.Fprintf(&b, `<testcase classname="example.com/m/pkg" name="TestOther%d"><failure message="Failed">    x_test.go:15: own broke %c</failure></testcase>`, i, 'a'+i)
	}
	for i := range passing {
		fmt.Fprintf(&b, `<testcase classname="example.com/m/pkg" name="TestPass%d"/>`, i)
	}
	b.WriteString(`</testsuite></testsuites>`)
	return b.String()
}

func TestInfrastructureFailureIsOneFinding(t *testing.T) {
	r := analyzeIn(t, groupRepo, config.Default(), brokenReport(6, 2, 2))
	if len(r.Findings) != 3 {
		t.Fatalf("%d findings, want the infra one and the 2 others", len(r.Findings))
	}
	f := r.Findings[0]
	if f.Kind != KindInfra || f.ID != InfraID("pkg/x_test.go", 8, f.Signature) || f.Test.Name != "pkg/x_test.go:8" {
		t.Errorf("infra finding: kind %q id %s name %q", f.Kind, f.ID, f.Test.Name)
	}
	if len(f.Test.Cases) != 6 || len(r.InfraTests()) != 6 || r.InfraTests()[0].ID != ID("example.com/m/pkg", "example.com/m/pkg", "TestE2E0") {
		t.Errorf("infra cases %+v", r.InfraTests())
	}
	if f.Labels[0] != "kind/failing-test" {
		t.Errorf("labels %v", f.Labels)
	}
	// The same broken environment in another run has the same id.
	again := analyzeIn(t, groupRepo, config.Default(), brokenReport(7, 0, 3))
	if again.Findings[0].ID != f.ID {
		t.Errorf("the id changed between runs")
	}
}

func TestInfrastructureThresholds(t *testing.T) {
	for _, tc := range []struct {
		name                    string
		failing, other, passing int
		threshold               float64
		findings                int
	}{
		{"half of the report", 5, 0, 5, 0.5, 1},
		{"under the fraction", 5, 0, 6, 0.5, 5},
		{"fewer than five", 4, 0, 0, 0.5, 4},
		{"off", 6, 0, 0, 0, 6},
		{"every test", 10, 0, 0, 1, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := config.Default()
			cfg.InfraThreshold = tc.threshold
			r := analyzeIn(t, groupRepo, cfg, brokenReport(tc.failing, tc.other, tc.passing))
			if len(r.Findings) != tc.findings {
				t.Errorf("%d findings, want %d", len(r.Findings), tc.findings)
			}
		})
	}
}

// BenchmarkGroup groups a broken table-driven run: 10,000 failing
// subtests of 500 top-level tests, with their failing parents.
//
//	go test ./internal/triage -run '^$' -bench Group -benchmem
func BenchmarkGroup(b *testing.B) {
	var tests []report.Test
	var locs []locate.Result
	for i := range 10500 {
		top := fmt.Sprintf("TestT%d", i%500)
		name := top
		if i < 10000 {
			name = fmt.Sprintf("%s/case_%d", top, i)
		}
		tests = append(tests, report.Test{Report: "r.xml", Classname: "p", Name: name, Kind: report.Failure,
			Suite: junit.Suite{Name: "p"}, Failed: []junit.Test{{Message: "Failed", Error: junit.Error{Body: "    x_test.go:8: boom " + name}}}})
		locs = append(locs, locate.Result{Location: &locate.Location{Path: "p/x_test.go", Line: 8 + i%7}})
	}
	set := &report.Set{Tests: tests, Files: []report.File{{Path: "r.xml", Tests: 20000}}}
	cfg := config.Default()
	msgs := make([]string, len(tests))
	for i, t := range tests {
		msgs[i] = Message(t)
	}
	b.ReportAllocs()
	for b.Loop() {
		if n := len(units(set, locs, msgs, cfg)); n != 500 {
			b.Fatalf("%d units", n)
		}
	}
}
