package e2e

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/flake-triage/flake-triage/internal/issue"
	"github.com/flake-triage/flake-triage/internal/triage"
)

// goodReport is one failing test in a package of the sample.
const goodCase = `<testcase classname="sigs.k8s.io/capi-like/api/v1beta1" name="TestClusterValidateName" time="0.01"><failure message="Failed">=== RUN   TestClusterValidateName
    cluster_types_test.go:16: ValidateName() accepted a 64 character name, want an error
--- FAIL: TestClusterValidateName (0.00s)</failure></testcase>`

func suite(cases ...string) []byte {
	return []byte(`<?xml version="1.0" encoding="UTF-8"?>
<testsuites><testsuite name="sigs.k8s.io/capi-like/api/v1beta1">` + strings.Join(cases, "\n") + "</testsuite></testsuites>\n")
}

// manyCases is a report of n passing cases and one failing case.
func manyCases(n int) []byte {
	var b bytes.Buffer
	b.Grow(n * 64)
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n<testsuites><testsuite name=\"tiny\">\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "<testcase classname=\"tiny\" name=\"T%d\" time=\"0\"/>\n", i)
	}
	b.WriteString(goodCase + "\n</testsuite></testsuites>\n")
	return b.Bytes()
}

func nested(depth int) []byte {
	var b bytes.Buffer
	b.WriteString("<testsuites>")
	for i := 0; i < depth; i++ {
		b.WriteString(`<testsuite name="s">`)
	}
	b.WriteString(goodCase)
	for i := 0; i < depth; i++ {
		b.WriteString("</testsuite>")
	}
	b.WriteString("</testsuites>")
	return b.Bytes()
}

const billionLaughs = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<testsuites><testsuite name="lolz"><testcase classname="lolz" name="TestLaugh"><failure message="&lol9;">&lol9;</failure></testcase></testsuite></testsuites>
`

// TestHostileInputs runs one push step per hostile report or ownership
// file, in file mode against a fresh fake. Whatever the input, the run
// ends (exit 0: a bad report is noted, not fatal), never reads or names
// a path outside the repository, stays within its memory bound, and the
// tracker holds exactly one open issue per finding, with this run's
// occurrence once.
func TestHostileInputs(t *testing.T) {
	codeowners := func(n int) []byte {
		var b bytes.Buffer
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, "/gen/dir%d/**/*.go @acme/team-%d @user%d\n", i, i%50, i)
		}
		b.WriteString("/api/ @acme/api-owners\n")
		return b.Bytes()
	}
	hugeAlias := func(n int) []byte {
		var b bytes.Buffer
		b.WriteString("aliases:\n  huge:\n")
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, "    - member%d\n", i)
		}
		return b.Bytes()
	}
	for _, tc := range []struct {
		name    string
		files   map[string][]byte
		reports string
		// findings is how many failing tests the run finds.
		findings int
		// fileError is text the report's error must hold ("" none).
		fileError string
		// errors is text one of the result's errors must hold.
		errors string
		check  func(t *testing.T, r Run)
	}{{
		name:      "malformed",
		files:     map[string][]byte{"reports/bad.xml": []byte(`<testsuites><testsuite name="x"><testcase name="a"><failure>boom</testsuite><<<>`)},
		reports:   "reports/bad.xml",
		fileError: "bad.xml",
	}, {
		name:      "truncated",
		files:     map[string][]byte{"reports/cut.xml": suite(goodCase, goodCase)[:300]},
		reports:   "reports/cut.xml",
		fileError: "cut.xml",
	}, {
		name:     "deeply nested",
		files:    map[string][]byte{"reports/deep.xml": nested(100000)},
		reports:  "reports/deep.xml",
		findings: 1,
	}, {
		name:     "a million tiny cases",
		files:    map[string][]byte{"reports/million.xml": manyCases(1000000)},
		reports:  "reports/million.xml",
		findings: 1,
		check: func(t *testing.T, r Run) {
			if r.Result.Reports.Tests != 1000001 {
				t.Errorf("%d tests counted, want 1,000,001", r.Result.Reports.Tests)
			}
			t.Logf("a million cases (%d MB): %v, peak RSS %d MB", len(manyCases(1000000))>>20, r.Wall, r.MaxRSS>>20)
		},
	}, {
		name:    "billion laughs",
		files:   map[string][]byte{"reports/lol.xml": []byte(billionLaughs)},
		reports: "reports/lol.xml",
		// The entities are never expanded: either the report is refused or
		// the test is read with its text as written.
		check: func(t *testing.T, r Run) {
			if r.MaxRSS > 200<<20 {
				t.Errorf("peak RSS %d MB on a 1 kB report", r.MaxRSS>>20)
			}
			if strings.Contains(r.All(), "lollollol") {
				t.Error("an entity was expanded")
			}
		},
	}, {
		name: "file attributes outside the repository",
		files: map[string][]byte{"reports/escape.xml": suite(
			`<testcase classname="x" name="TestDotDot" file="../../etc/passwd" line="1"><failure message="f">../../etc/passwd:1: boom</failure></testcase>`,
			`<testcase classname="x" name="TestAbsolute" file="/etc/passwd" line="1"><failure message="f">/etc/passwd:1: boom
/etc/shadow:2 +0x1d</failure></testcase>`,
			`<testcase classname="x" name="TestProc" file="/proc/self/environ" line="1"><failure message="f">/proc/self/environ:1</failure></testcase>`)},
		reports:  "reports/escape.xml",
		findings: 3,
		check: func(t *testing.T, r Run) {
			for _, f := range r.Result.Findings {
				for _, l := range append([]*triage.Location{f.Location, f.TestLocation}, locs(f.Related)...) {
					if l != nil && (strings.Contains(l.Path, "..") || strings.HasPrefix(l.Path, "/") || strings.Contains(l.Path, "passwd") || strings.Contains(l.Path, "environ")) {
						t.Errorf("%s: location %s is outside the repository", f.Test.Name, l.Path)
					}
				}
			}
			if strings.Contains(r.All(), "root:x:0:0") {
				t.Error("the content of /etc/passwd was printed")
			}
		},
	}, {
		name: "control characters and invalid UTF-8 in names",
		files: map[string][]byte{"reports/ctl.xml": suite(
			"<testcase classname=\"x\" name=\"TestCtl\x1b[31m red\x07 bell &#x1b;]8;;http://evil/\x1b\\ link\"><failure message=\"f\">boom</failure></testcase>",
			"<testcase classname=\"x\xff\xfe\" name=\"TestBad\xc3\x28UTF8\"><failure message=\"f\xff\">boom \xed\xa0\x80</failure></testcase>")},
		reports:  "reports/ctl.xml",
		findings: 2,
		check: func(t *testing.T, r Run) {
			for i, line := range strings.Split(r.Summary, "\n") {
				if strings.ContainsAny(line, "\x1b\x07") {
					t.Errorf("summary line %d holds control characters: %q", i+1, line)
				}
			}
		},
	}, {
		name: "bad YAML in an OWNERS file",
		files: map[string][]byte{
			"api/v1beta1/OWNERS": []byte("approvers: [frank-api\n  - : : {\n\t\tlabels: *nope\n"),
		},
		reports:  "reports/gotestsum-unit.xml",
		findings: 3,
		errors:   "api/v1beta1/OWNERS",
	}, {
		name: "alias cycles",
		files: map[string][]byte{
			"OWNERS_ALIASES":     []byte("aliases:\n  a: [b, alice-admin]\n  b: [a, c]\n  c: [a, b, c]\n  cluster-api-admins: [alice-admin]\n  cluster-api-maintainers: [bob-maint, carol-maint]\n  cluster-api-reviewers: [dave-rev, erin-rev]\n"),
			"api/v1beta1/OWNERS": []byte("approvers: [a, b]\nreviewers: [c]\n"),
		},
		reports:  "reports/gotestsum-unit.xml",
		findings: 3,
	}, {
		name: "YAML alias bomb in OWNERS_ALIASES",
		files: map[string][]byte{
			"OWNERS_ALIASES": []byte("x0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" +
				"x1: &a1 [*a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0]\n" +
				"x2: &a2 [*a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1]\n" +
				"x3: &a3 [*a2, *a2, *a2, *a2, *a2, *a2, *a2, *a2, *a2]\n" +
				"x4: &a4 [*a3, *a3, *a3, *a3, *a3, *a3, *a3, *a3, *a3]\n" +
				"x5: &a5 [*a4, *a4, *a4, *a4, *a4, *a4, *a4, *a4, *a4]\n" +
				"x6: &a6 [*a5, *a5, *a5, *a5, *a5, *a5, *a5, *a5, *a5]\n" +
				"x7: &a7 [*a6, *a6, *a6, *a6, *a6, *a6, *a6, *a6, *a6]\n" +
				"aliases:\n  bomb: *a7\n"),
		},
		reports:  "reports/gotestsum-unit.xml",
		findings: 3,
		errors:   "OWNERS_ALIASES",
		check: func(t *testing.T, r Run) {
			if r.MaxRSS > 300<<20 {
				t.Errorf("peak RSS %d MB on a 1 kB aliases file", r.MaxRSS>>20)
			}
		},
	}, {
		name: "a huge alias list",
		files: map[string][]byte{
			"OWNERS_ALIASES":     hugeAlias(20000),
			"api/v1beta1/OWNERS": []byte("approvers: [huge]\nreviewers: [huge]\n"),
		},
		reports:  "reports/gotestsum-unit.xml",
		findings: 3,
	}, {
		name: "catastrophic and invalid filter regexps",
		files: map[string][]byte{
			"api/v1beta1/OWNERS": []byte("filters:\n  \"^(a+)+$\":\n    approvers: [frank-api]\n  \"(x+x+)+y\":\n    reviewers: [gina-api]\n  \"((((\":\n    approvers: [nobody]\n  \".*\":\n    approvers: [frank-api]\n"),
			"api/v1beta1/" + strings.Repeat("a", 200) + "!.go": []byte("package v1beta1\n"),
		},
		reports:  "reports/gotestsum-unit.xml",
		findings: 3,
		errors:   "api/v1beta1/OWNERS",
	}, {
		name:     "a 10,000-rule CODEOWNERS",
		files:    map[string][]byte{".github/CODEOWNERS": codeowners(10000), "OWNERS": nil, "api/v1beta1/OWNERS": nil},
		reports:  "reports/gotestsum-unit.xml",
		findings: 3,
		check: func(t *testing.T, r Run) {
			for _, f := range r.Result.Findings {
				if f.Location != nil && strings.HasPrefix(f.Location.Path, "api/") && !strings.Contains(strings.Join(f.Mentions, " "), "acme/api-owners") {
					t.Errorf("%s: mentions %v, want @acme/api-owners from the last CODEOWNERS rule", f.Test.Name, f.Mentions)
				}
			}
		},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			dir := extract(t, tc.files)
			gh := newFake(t)
			env := step(t, gh, dir, "push", 100)
			env["INPUT_REPORTS"] = tc.reports
			r := run(t, env)
			if r.Code != 0 || r.Result == nil {
				t.Fatalf("exit %d, want 0; stderr:\n%s\nsummary:\n%s", r.Code, tail(r.Stderr), tail(r.Summary))
			}
			if got := len(r.Result.Findings); got != tc.findings {
				t.Errorf("%d findings, want %d", got, tc.findings)
			}
			var fileErrs []string
			for _, f := range r.Result.Reports.Files {
				if f.Error != "" {
					fileErrs = append(fileErrs, f.Path+": "+f.Error)
				}
			}
			if tc.fileError != "" && !strings.Contains(strings.Join(fileErrs, "\n"), tc.fileError) {
				t.Errorf("report errors %q, want one naming %q", fileErrs, tc.fileError)
			}
			if tc.fileError == "" && len(fileErrs) > 0 && tc.findings > 0 {
				t.Errorf("report errors %q, want none", fileErrs)
			}
			if tc.fileError != "" && !strings.Contains(r.Summary, "Reports that could not be read") {
				t.Errorf("the summary does not list the unreadable report:\n%s", tail(r.Summary))
			}
			if tc.errors != "" && !strings.Contains(strings.Join(r.Result.Errors, "\n"), tc.errors) {
				t.Errorf("errors %q, want one naming %q", r.Result.Errors, tc.errors)
			}
			if diff := cmp.Diff(wantTracked(failingIDs(r.Result), 100), trackerState(t, gh)); diff != "" {
				t.Errorf("tracker (-want +got):\n%s", diff)
			}
			for _, is := range gh.Issues() {
				if len(is.Body) > issue.MaxBody || len(is.Title) > issue.MaxTitle || len(is.Assignees) > 3 {
					t.Errorf("issue #%d: body %d bytes, title %d, %d assignees: over the limits", is.Number, len(is.Body), len(is.Title), len(is.Assignees))
				}
			}
			if tc.check != nil {
				tc.check(t, r)
			}
			if v := gh.Violations(); len(v) > 0 {
				t.Errorf("requests GitHub would refuse:\n%s", strings.Join(v, "\n"))
			}
			noLeak(t, r, gh, token)
		})
	}
}

func locs(ls []triage.Location) []*triage.Location {
	var out []*triage.Location
	for i := range ls {
		out = append(out, &ls[i])
	}
	return out
}

// TestOneGigabyteReport streams a 1 GiB report (one failing case, then
// passing cases) through a dry run: it is read within a bounded memory.
func TestOneGigabyteReport(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a 1 GiB file")
	}
	dir := extract(t, nil)
	// CI machines sometimes have little disk to spare: a full disk would
	// fail the whole run, not this test.
	if free := freeBytes(dir); free < 4<<30 {
		t.Skipf("only %d MiB free in %s; this test writes a 1 GiB report", free>>20, dir)
	}
	f, err := os.Create(filepath.Join(dir, "reports", "huge.xml"))
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n<testsuites><testsuite name=\"huge\">\n" + goodCase + "\n")
	line := []byte("<testcase classname=\"huge\" name=\"TestPassing\" time=\"0\"><system-out>ok ok ok ok ok ok ok ok ok ok ok</system-out></testcase>\n")
	chunk := bytes.Repeat(line, 8192)
	written := 0
	for written < 1<<30 {
		n, err := f.Write(chunk)
		if err != nil {
			t.Fatal(err)
		}
		written += n
	}
	f.WriteString("</testsuite></testsuites>\n")
	f.Close()
	env := step(t, nil, dir, "push", 100)
	delete(env, "INPUT_TOKEN")
	env["INPUT_DRY-RUN"] = "true"
	env["INPUT_REPORTS"] = "reports/huge.xml"
	r := run(t, env)
	if r.Code != 0 || r.Result == nil || len(r.Result.Findings) != 1 {
		t.Fatalf("exit %d; stderr:\n%s", r.Code, tail(r.Stderr))
	}
	// The passing cases are attempts of one test: every one was read.
	if got := r.Result.Reports.Files[0].Tests; got != 2 {
		t.Errorf("%d distinct tests in the file, want 2", got)
	}
	t.Logf("1 GiB report (%d cases): %v wall, peak RSS %d MB", written/len(line)+1, r.Wall, r.MaxRSS>>20)
	if r.MaxRSS > 256<<20 {
		t.Errorf("peak RSS %d MB reading a 1 GiB report, want under 256 MB", r.MaxRSS>>20)
	}
}

// TestResourceBounds measures the dry-run process at the limits the README
// states, and holds each to a peak-memory bound.
func TestResourceBounds(t *testing.T) {
	if testing.Short() {
		t.Skip("writes hundreds of MB")
	}
	longLine := func(n int) []byte {
		return suite(`<testcase classname="x" name="TestLongLine"><failure message="f">` + strings.Repeat("x", n) + `</failure></testcase>`)
	}
	manyReports := map[string][]byte{}
	for i := 0; i < 1000; i++ {
		var cases []string
		for j := 0; j < 50; j++ {
			cases = append(cases, fmt.Sprintf(`<testcase classname="r%d" name="T%d"/>`, i, j))
		}
		if i%100 == 0 {
			cases = append(cases, goodCase)
		}
		manyReports[fmt.Sprintf("many/junit_%04d.xml", i)] = suite(cases...)
	}
	manyFailures := map[string][]byte{}
	for i := 0; i < 20; i++ {
		var cases []string
		for j := 0; j < 500; j++ {
			cases = append(cases, fmt.Sprintf(`<testcase classname="k8s.io/x/r%d" name="TestFail%d"><failure message="f">    x_test.go:%d: boom</failure></testcase>`, i, j, j+1))
		}
		manyFailures[fmt.Sprintf("fail/junit_%02d.xml", i)] = suite(cases...)
	}
	for _, tc := range []struct {
		name     string
		files    map[string][]byte
		reports  string
		findings int
		maxRSS   int64
		fileErr  string
	}{
		{"longest line (30 MiB of failure text)", map[string][]byte{"reports/long.xml": longLine(30 << 20)}, "reports/long.xml", 1, 400 << 20, ""},
		{"a line over the 32 MiB token bound", map[string][]byte{"reports/long.xml": longLine(40 << 20)}, "reports/long.xml", 0, 400 << 20, "larger than 32 MiB"},
		{"1,000 reports", manyReports, "many/*.xml", 1, 200 << 20, ""},
		{"10,000 failing tests", manyFailures, "fail/*.xml", 10000, 500 << 20, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := extract(t, tc.files)
			env := step(t, nil, dir, "push", 100)
			delete(env, "INPUT_TOKEN")
			env["INPUT_DRY-RUN"] = "true"
			env["INPUT_REPORTS"] = tc.reports
			r := run(t, env)
			if r.Code != 0 || r.Result == nil {
				t.Fatalf("exit %d; stderr:\n%s", r.Code, tail(r.Stderr))
			}
			if len(r.Result.Findings) != tc.findings {
				t.Errorf("%d findings, want %d", len(r.Result.Findings), tc.findings)
			}
			var errs []string
			for _, f := range r.Result.Reports.Files {
				if f.Error != "" {
					errs = append(errs, f.Error)
				}
			}
			if tc.fileErr != "" && !strings.Contains(strings.Join(errs, "\n"), tc.fileErr) {
				t.Errorf("report errors %q, want %q", errs, tc.fileErr)
			}
			t.Logf("%s: %v wall, peak RSS %d MB", tc.name, r.Wall, r.MaxRSS>>20)
			if r.MaxRSS > tc.maxRSS {
				t.Errorf("peak RSS %d MB, want under %d MB", r.MaxRSS>>20, tc.maxRSS>>20)
			}
			if len(r.Summary) > 1<<20 {
				t.Errorf("summary of %d bytes, over GitHub's 1 MiB", len(r.Summary))
			}
		})
	}
}
