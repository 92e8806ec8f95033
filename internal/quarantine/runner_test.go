package quarantine

import (
	"bufio"
	"bytes"
	"encoding/json"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/reporters"
	"github.com/onsi/ginkgo/v2/types"
)

// The Ginkgo suite under testdata imports ginkgo, which go mod tidy does
// not see (it ignores testdata): importing it here keeps it, and every
// module it needs, in go.mod and go.sum, so that the suite builds.
var _ = ginkgo.GINKGO_VERSION

// goTool is the go command that runs these tests.
func goTool(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("no go command: %v", err)
	}
	return p
}

// TestGoSkipRunsRealGoTest: the -skip pattern, given to a real go test
// over a package whose test names are prefixes of one another, unicode,
// and whose subtests hold regexp metacharacters and quotes, skips exactly
// the quarantined top-level tests.
func TestGoSkipRunsRealGoTest(t *testing.T) {
	quarantined := []Test{
		{Test: Identity{Name: `TestA/a.b*c[1]`, Classname: "example.com/gopkg"}},
		{Test: Identity{Name: "TestÜber", Classname: "example.com/gopkg"}},
		{Test: Identity{Name: `Test日本/"引用" [x]`, Classname: "example.com/gopkg"}},
		{Test: Identity{Name: "[It] not a Go test"}},
	}
	pattern := GoSkip(quarantined)
	cmd := exec.Command(goTool(t), "test", "-count=1", "-json", "-skip", pattern, "./testdata/gopkg")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go test -skip %q: %v\n%s\n%s", pattern, err, out, stderr.Bytes())
	}
	var ran []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		var ev struct{ Action, Test string }
		if json.Unmarshal(sc.Bytes(), &ev) == nil && ev.Action == "run" && ev.Test != "" && !strings.Contains(ev.Test, "/") {
			ran = append(ran, ev.Test)
		}
	}
	slices.Sort(ran)
	want := []string{"TestAB", "TestA_b", "TestXA", "TestÜberAll"}
	if d := cmp.Diff(want, ran); d != "" {
		t.Errorf("go test -skip %q ran (-want +got):\n%s", pattern, d)
	}
}

// TestGinkgoSkipRunsRealGinkgo: the --skip pattern, built from the names
// a real Ginkgo v2 suite writes to its JUnit report, skips exactly the
// quarantined specs of that suite (texts with regexp metacharacters,
// quotes, unicode, labels, bracketed texts and prefixes of one another).
func TestGinkgoSkipRunsRealGinkgo(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a Ginkgo suite: several seconds")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "suite.test")
	if out, err := exec.Command(goTool(t), "test", "-c", "-o", bin, "./testdata/ginkgosuite").CombinedOutput(); err != nil {
		t.Fatalf("build the Ginkgo suite: %v\n%s", err, out)
	}
	run := func(skip string) (junit reporters.JUnitTestSuites, report []types.Report) {
		t.Helper()
		jpath, rpath := filepath.Join(dir, "junit.xml"), filepath.Join(dir, "report.json")
		args := []string{"-ginkgo.junit-report=" + jpath, "-ginkgo.json-report=" + rpath}
		if skip != "" {
			args = append(args, "-ginkgo.skip="+skip)
		}
		if out, err := exec.Command(bin, args...).CombinedOutput(); err != nil {
			t.Fatalf("run the Ginkgo suite %q: %v\n%s", args, err, out)
		}
		data, err := os.ReadFile(jpath)
		if err != nil {
			t.Fatal(err)
		}
		if err := xml.Unmarshal(data, &junit); err != nil {
			t.Fatalf("JUnit report: %v", err)
		}
		data, err = os.ReadFile(rpath)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(data, &report); err != nil {
			t.Fatalf("JSON report: %v", err)
		}
		return junit, report
	}
	// The identities come from the JUnit report, as the tool records them.
	junit, _ := run("")
	if len(junit.TestSuites) != 1 {
		t.Fatalf("JUnit report has %d suites", len(junit.TestSuites))
	}
	suite := junit.TestSuites[0]
	quarantine := map[string]bool{
		"works":                               true,
		`has "quotes" and 'single' ones`:      true,
		`(x|y)^$ +? {2} \d`:                   true,
		"über 日本 ✓":                           true,
		"should run [Conformance] [Slow]":     true,
		"works too":                           false,
		"über 日本":                             false,
		"should run [Conformance] [Slow] too": false,
		"should start":                        false,
		"container [x] a.b*c":                 false,
	}
	var quarantined []Test
	for _, tc := range suite.TestCases {
		if !strings.HasPrefix(tc.Name, "[It] ") {
			continue
		}
		for leaf, q := range quarantine {
			if q && (strings.HasSuffix(tc.Name, " "+leaf) || strings.Contains(tc.Name, " "+leaf+" [")) && strings.HasPrefix(tc.Name, "[It] container") {
				quarantined = append(quarantined, Test{Test: Identity{Name: tc.Name, Classname: tc.Classname, Suite: suite.Name}})
			}
		}
	}
	if len(quarantined) != 5 {
		t.Fatalf("found %d of the 5 quarantined specs in the JUnit report: %+v", len(quarantined), quarantined)
	}
	pattern := GinkgoSkip(append(quarantined, Test{Test: Identity{Name: "TestSuite"}}))
	_, report := run(pattern)
	if len(report) != 1 {
		t.Fatalf("JSON report has %d suites", len(report))
	}
	var skipped, ran []string
	for _, s := range report[0].SpecReports {
		if s.LeafNodeType != types.NodeTypeIt {
			continue
		}
		if s.State == types.SpecStateSkipped {
			skipped = append(skipped, s.LeafNodeText)
		} else {
			ran = append(ran, s.LeafNodeText)
		}
	}
	var wantSkipped, wantRan []string
	for leaf, q := range quarantine {
		if q {
			wantSkipped = append(wantSkipped, leaf)
		} else {
			wantRan = append(wantRan, leaf)
		}
	}
	for _, l := range [][]string{skipped, ran, wantSkipped, wantRan} {
		slices.Sort(l)
	}
	if d := cmp.Diff(wantSkipped, skipped); d != "" {
		t.Errorf("ginkgo --skip %q skipped (-want +got):\n%s", pattern, d)
	}
	if d := cmp.Diff(wantRan, ran); d != "" {
		t.Errorf("ginkgo --skip %q ran (-want +got):\n%s", pattern, d)
	}
}
