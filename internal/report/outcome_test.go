package report

import (
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"github.com/joshdk/go-junit"
)

// outcomeReports are two reports of one run: a test's attempts may be
// spread over both.
var outcomeReports = fstest.MapFS{
	"reports/junit_1.xml": {Data: []byte(`<?xml version="1.0" encoding="UTF-8"?>
<testsuites>
  <testsuite name="e2e" tests="7">
    <testcase classname="e2e" name="passes"/>
    <testcase classname="e2e" name="passes twice"/>
    <testcase classname="e2e" name="passes twice"/>
    <testcase classname="e2e" name="fails"><failure message="boom">boom</failure></testcase>
    <testcase classname="e2e" name="errors"><error message="panic">panic</error></testcase>
    <testcase classname="e2e" name="flakes"><failure message="boom">boom</failure></testcase>
    <testcase classname="e2e" name="flakes"/>
    <testcase classname="e2e" name="skipped"><skipped/></testcase>
    <testcase classname="e2e" name="pending" status="pending"/>
    <testcase classname="e2e" name="skipped then passed"><skipped/></testcase>
    <testcase classname="e2e" name="skipped then passed"/>
    <testcase classname="e2e" name="passes here, fails in the other report"/>
    <testcase classname="e2e" name="surefire flake"><flakyFailure message="boom">boom</flakyFailure></testcase>
    <testcase classname="e2e" name="failed, then skipped"><failure message="boom"/><skipped/></testcase>
  </testsuite>
  <testsuite name="outer">
    <testsuite name="inner">
      <testcase classname="e2e" name="nested"/>
    </testsuite>
  </testsuite>
</testsuites>
`)},
	"reports/junit_2.xml": {Data: []byte(`<testsuite name="e2e">
  <testcase classname="e2e" name="passes here, fails in the other report"><failure message="boom"/></testcase>
  <testcase classname="other" name="passes"><failure message="boom"/></testcase>
</testsuite>
`)},
}

// TestOutcome asks the Set about tests that passed, failed, flaked, were
// skipped or never ran, with attempts in one report or two.
func TestOutcome(t *testing.T) {
	set := Read(outcomeReports, []string{"reports/*.xml"})
	if len(set.Errors) > 0 {
		t.Fatalf("Errors = %q", set.Errors)
	}
	tests := []struct {
		suite, classname, name string
		ran, passedAll         bool
	}{
		{"e2e", "e2e", "passes", true, true},
		{"e2e", "e2e", "passes twice", true, true},
		{"e2e", "e2e", "fails", true, false},
		{"e2e", "e2e", "errors", true, false},
		{"e2e", "e2e", "flakes", true, false},
		{"e2e", "e2e", "skipped", false, false},
		{"e2e", "e2e", "pending", false, false},
		{"e2e", "e2e", "skipped then passed", true, true},
		{"e2e", "e2e", "passes here, fails in the other report", true, false},
		{"e2e", "e2e", "surefire flake", true, false},
		{"e2e", "e2e", "failed, then skipped", true, false},
		{"inner", "e2e", "nested", true, true},
		// The identity is all three: another suite, classname or name is
		// another test.
		{"outer", "e2e", "nested", false, false},
		{"e2e", "other", "passes", true, false},
		{"other", "e2e", "passes", false, false},
		{"e2e", "e2e", "Passes", false, false},
		{"e2e", "e2e", "never ran", false, false},
		{"", "", "", false, false},
	}
	for _, tt := range tests {
		ran, passed := set.Outcome(tt.suite, tt.classname, tt.name)
		if ran != tt.ran || passed != tt.passedAll {
			t.Errorf("Outcome(%q, %q, %q) = %v, %v; want %v, %v", tt.suite, tt.classname, tt.name, ran, passed, tt.ran, tt.passedAll)
		}
	}
}

// TestOutcomeKeepsTheSetsRun: a Set answers for what was read when it was
// made, also when the Collector reads on.
func TestOutcomeKeepsTheSetsRun(t *testing.T) {
	c := NewCollector()
	for _, name := range []string{"reports/junit_1.xml", "reports/junit_2.xml"} {
		f, err := outcomeReports.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Add(name, f); err != nil {
			t.Fatal(err)
		}
		f.Close()
		if name == "reports/junit_1.xml" {
			first := c.Set()
			defer func() {
				if ran, passed := first.Outcome("e2e", "e2e", "passes here, fails in the other report"); !ran || !passed {
					t.Errorf("the first report's Set: Outcome = %v, %v; want true, true", ran, passed)
				}
				if ran, _ := first.Outcome("e2e", "other", "passes"); ran {
					t.Errorf("the first report's Set knows a test of the second")
				}
			}()
		}
	}
	if ran, passed := c.Set().Outcome("e2e", "e2e", "passes here, fails in the other report"); !ran || passed {
		t.Errorf("both reports' Set: Outcome = %v, %v; want true, false", ran, passed)
	}
	var zero Set
	if ran, passed := zero.Outcome("e2e", "e2e", "passes"); ran || passed {
		t.Errorf("zero Set: Outcome = %v, %v", ran, passed)
	}
}

// TestOutcomeCorpus reads every corpus report that go-junit also reads
// and checks each testcase identity go-junit sees: a failing or flaky
// test here ran and did not pass on every attempt; one go-junit saw pass
// on every attempt ran and passed.
func TestOutcomeCorpus(t *testing.T) {
	dir := filepath.Join("testdata", "corpus")
	counts := readCounts(t, filepath.Join(dir, "COUNTS.tsv"))
	checked := map[string]int{}
	for name, c := range counts {
		if c.Error {
			continue
		}
		path := filepath.Join(dir, filepath.FromSlash(name))
		suites, err := junit.IngestFile(path)
		if err != nil {
			continue
		}
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		set := Ingest(name, f)
		f.Close()
		failing := map[[3]string]bool{}
		for _, tc := range set.Tests {
			failing[[3]string{tc.Suite.Name, tc.Classname, tc.Name}] = true
		}
		statuses := map[[3]string][]junit.Status{}
		var walk func(s junit.Suite)
		walk = func(s junit.Suite) {
			for _, gt := range s.Tests {
				id := [3]string{s.Name, gt.Classname, gt.Name}
				st := gt.Status
				if notRun([]byte(gt.Properties["status"])) {
					// A status attribute saying it did not run
					// (tst-cpp's "disabled"), which go-junit ignores.
					st = junit.StatusSkipped
				}
				statuses[id] = append(statuses[id], st)
			}
			for _, sub := range s.Suites {
				walk(sub)
			}
		}
		for _, s := range suites {
			walk(s)
		}
		for id, st := range statuses {
			ran, passed := set.Outcome(id[0], id[1], id[2])
			var want [2]bool
			switch {
			case failing[id]:
				want = [2]bool{true, false}
				checked["failing"]++
			case allPassed(st):
				want = [2]bool{true, true}
				checked["passed"]++
			default:
				continue // skipped attempts: runners disagree on what is a skip
			}
			if d := cmp.Diff(want, [2]bool{ran, passed}); d != "" {
				t.Errorf("%s: Outcome%q (-want +got):\n%s", name, id, d)
			}
		}
	}
	if checked["failing"] < 100 || checked["passed"] < 300 {
		t.Errorf("checked only %v identities", checked)
	}
	t.Logf("checked %v", checked)
}

func allPassed(st []junit.Status) bool {
	for _, s := range st {
		if s != junit.StatusPassed {
			return false
		}
	}
	return len(st) > 0
}

// TestCounts counts each distinct test once by its outcome over all its
// attempts: passed, skipped (never ran), failed or flaky.
func TestCounts(t *testing.T) {
	set := Read(outcomeReports, []string{"reports/*.xml"})
	got := [5]int{set.Total, set.Passed, set.Skipped, set.Failed, set.Flaky}
	// Passed: passes, passes twice, skipped then passed, nested. Skipped:
	// skipped, pending. Failed: fails, errors, failed then skipped,
	// other/passes. Flaky: flakes, surefire flake, passes here and fails
	// in the other report.
	if want := [5]int{13, 4, 2, 4, 3}; got != want {
		t.Errorf("total, passed, skipped, failed, flaky = %v, want %v", got, want)
	}
}
