package locate

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/flake-triage/flake-triage/internal/report"
)

// TestPytestLineIsZeroBased checks the declaration read from the file and
// line attributes of Python reports. pytest (junit_family=xunit1) writes
// its 0-based line, whatever junit_suite_name calls the suite, so the
// declaration is line + 1; unittest-xml-reporting writes 1-based lines.
func TestPytestLineIsZeroBased(t *testing.T) {
	repo := fstest.MapFS{
		"tests/test_a.py": source(20, map[int]string{
			4:  "def test_plain():",
			9:  "@pytest.mark.parametrize('x', [1, 2])",
			10: "def test_param(x):",
			14: "class TestK:",
			15: "    def test_method(self):",
		}),
	}
	ix, err := NewIndex(repo, Options{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		suite, name, line string
		want              int
	}{
		{"pytest", "test_plain", "3", 4},
		// junit_suite_name renames the suite; the line is still 0-based.
		{"py311-linux", "test_plain", "3", 4},
		{"py311-linux", "test_param[1]", "8", 9},
		{"py311-linux", "test_method", "14", 15},
		// A 1-based line (unittest-xml-reporting) is kept.
		{"tests.test_a.Tests-20260101", "test_plain", "4", 4},
		{"tests.test_a.Tests-20260101", "test_method", "15", 15},
	}
	for _, tc := range tests {
		xml := `<testsuites><testsuite name="` + tc.suite + `" tests="1" failures="1">` +
			`<testcase classname="tests.test_a" name="` + tc.name + `" file="tests/test_a.py" line="` + tc.line + `">` +
			`<failure message="assert 1 == 2">E  assert 1 == 2</failure></testcase></testsuite></testsuites>`
		set := report.Ingest("r.xml", strings.NewReader(xml))
		if len(set.Tests) != 1 {
			t.Fatalf("%s: %d tests", tc.suite, len(set.Tests))
		}
		got := ix.Locate(set.Tests[0])
		if got.TestLocation == nil || got.TestLocation.Line != tc.want {
			t.Errorf("suite %q test %s line=%s: declared at %+v, want line %d", tc.suite, tc.name, tc.line, got.TestLocation, tc.want)
		}
	}
}
