package report

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"github.com/joshdk/go-junit"
)

// TestIngestBroken feeds reports that cannot be read: each yields exactly one
// error naming the file and, where known, the line, and no tests.
func TestIngestBroken(t *testing.T) {
	huge := strings.Repeat("x", maxToken+maxToken/4)
	tests := []struct {
		name, in string
		wantErr  string // substring of File.Error
	}{
		{"empty", "", "not XML: no root element"},
		{"whitespace only", " \n\t", "not XML: no root element"},
		{"binary", "\x00\x01\x02<testsuite>", "binary data"},
		{"png named xml", "\x89PNG\r\n\x1a\n\x00\x00", "binary data"},
		{"text", "hello world", `not XML: text "hello world" before the root element`},
		{"truncated", "<testsuite name=\"s\">\n<testcase name=\"a\">\n<failure>boom", "line 3: unexpected end of file inside <failure>"},
		{"truncated in tag", "<testsuites>\n<testsuite name=\"s", "unexpected end of file"},
		{"mismatched", "<testsuite>\n<testcase></testsuite>", "line 2: malformed XML: closing tag </testsuite> does not match <testcase>"},
		{"stray close", "<testsuite></testsuite></testcase>", "closing tag </testcase> without an opening tag"},
		{"junk after root", "<testsuite/>\njunk", "line 2: malformed XML: text after the root element"},
		{"second root", "<testsuite/><testsuite/>", "a second root element"},
		{"nunit3", `<?xml version="1.0"?><test-run id="2"><test-suite/></test-run>`, "not a JUnit report: the root element is <test-run> (NUnit 3)"},
		{"trx", `<TestRun xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010"/>`, "(Visual Studio TRX)"},
		{"other root", `<results/>`, "not a JUnit report: the root element is <results>"},
		{"utf-16 bom", "\xff\xfe<\x00t\x00", "UTF-16"},
		{"utf-16 no bom", "<\x00t\x00", "UTF-16"},
		{"other encoding", `<?xml version="1.0" encoding="Shift_JIS"?><testsuite/>`, `unsupported encoding "shift_jis"`},
		{"external entity", "<?xml version=\"1.0\"?>\n<!DOCTYPE x [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n<testsuite><testcase name=\"a\"><failure>&xxe;</failure></testcase></testsuite>", "line 2: the document type declares entities"},
		{"billion laughs", `<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><testsuite name="&lol2;"/>`, "declares entities"},
		{"undeclared entity", "<testsuite>\n<testcase name=\"a\"><failure>&nope;</failure></testcase></testsuite>", `line 2: malformed XML: invalid escape sequence: "nope"`},
		{"entity in attribute", `<testsuite name="&nope;"/>`, `attribute name`},
		{"lt in attribute", `<testsuite name="<exe>"/>`, "'<' in the value of attribute name"},
		{"unquoted attribute", `<testsuite name=x/>`, "malformed XML"},
		{"bad tag", `< testsuite/>`, "malformed XML: bad tag"},
		{"markup declaration", `<!ENTITY % p "x">`, "malformed XML"},
		{"huge text", "<testsuite><system-out>" + huge + "</system-out></testsuite>", "larger than 32 MiB"},
		{"huge attribute", `<testsuite name="` + huge + `"/>`, "larger than 32 MiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set := Ingest("reports/x.xml", strings.NewReader(tt.in))
			if len(set.Files) != 1 || !strings.Contains(set.Files[0].Error, tt.wantErr) {
				t.Fatalf("Files = %+v, want an error containing %q", set.Files, tt.wantErr)
			}
			if len(set.Errors) != 1 || !strings.HasPrefix(set.Errors[0], `read report "reports/x.xml": `) {
				t.Errorf("Errors = %q, want one naming the file", set.Errors)
			}
			if set.Total != 0 || len(set.Tests) != 0 {
				t.Errorf("kept %d tests of a broken report", set.Total)
			}
		})
	}
}

// attempt is a comparable summary of a kept failed attempt.
type attemptSummary struct {
	Status                     junit.Status
	Message, Type, Body        string
	File, Line, Stdout, Stderr string
}

type testSummary struct {
	Suite, Classname, Name string
	Kind                   Kind
	Passed                 int
	Failed                 []attemptSummary
}

func summarize(set *Set) []testSummary {
	var out []testSummary
	for _, tc := range set.Tests {
		s := testSummary{Suite: tc.Suite.Name, Classname: tc.Classname, Name: tc.Name, Kind: tc.Kind, Passed: tc.Passed}
		for _, a := range tc.Failed {
			e := a.Error.(junit.Error)
			s.Failed = append(s.Failed, attemptSummary{a.Status, a.Message, e.Type, e.Body, a.Properties["file"], a.Properties["line"], a.SystemOut, a.SystemErr})
		}
		out = append(out, s)
	}
	return out
}

// TestIngestDialects checks small reports in the shape each runner writes.
func TestIngestDialects(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		want     []testSummary
		tests    int
		fail, fl int
	}{{
		name: "bare testsuite root, error vs failure, skipped, several failures",
		in: `<testsuite name="s">
  <testcase classname="c" name="ok"/>
  <testcase classname="c" name="skip"><skipped message="later"/></testcase>
  <testcase classname="c" name="err" file="a.py" line="3"><error message="boom" type="E">trace &amp; more</error></testcase>
  <testcase classname="c" name="two"><failure message="one">first</failure><failure message="two">second</failure></testcase>
</testsuite>`,
		tests: 4, fail: 2,
		want: []testSummary{
			{Suite: "s", Classname: "c", Name: "err", Kind: Failure, Failed: []attemptSummary{{Status: junit.StatusError, Message: "boom", Type: "E", Body: "trace & more", File: "a.py", Line: "3"}}},
			{Suite: "s", Classname: "c", Name: "two", Kind: Failure, Failed: []attemptSummary{{Status: junit.StatusFailed, Message: "two", Body: "first\n\nsecond"}}},
		},
	}, {
		name: "gotestsum rerun-fails: failed first, passed later, file order not attempt order",
		in: `<testsuites><testsuite name="pkg">
  <testcase classname="pkg" name="TestA"><failure message="Failed">a_test.go:9: boom</failure></testcase>
  <testcase classname="pkg" name="TestB"><failure message="Failed">1</failure></testcase>
  <testcase classname="pkg" name="TestB"><failure message="Failed">2</failure></testcase>
  <testcase classname="pkg" name="TestA"/>
</testsuite></testsuites>`,
		tests: 2, fail: 1, fl: 1,
		want: []testSummary{
			{Suite: "pkg", Classname: "pkg", Name: "TestA", Kind: Flake, Passed: 1, Failed: []attemptSummary{{Status: junit.StatusFailed, Message: "Failed", Body: "a_test.go:9: boom"}}},
			{Suite: "pkg", Classname: "pkg", Name: "TestB", Kind: Failure, Failed: []attemptSummary{{Status: junit.StatusFailed, Message: "Failed", Body: "1"}, {Status: junit.StatusFailed, Message: "Failed", Body: "2"}}},
		},
	}, {
		name: "surefire flakyFailure and rerunFailure with nested stackTrace and output",
		in: `<testsuite name="T">
  <testcase classname="T" name="flaky"><flakyFailure message="m1" type="AssertionError"><stackTrace>at T.flaky(T.java:10)</stackTrace><system-out>attempt out</system-out></flakyFailure><system-out>final out</system-out></testcase>
  <testcase classname="T" name="always"><failure message="m" type="X">at T.always(T.java:20)</failure><rerunFailure message="r" type="X"><stackTrace>at T.always(T.java:21)</stackTrace></rerunFailure></testcase>
</testsuite>`,
		tests: 2, fail: 1, fl: 1,
		want: []testSummary{
			{Suite: "T", Classname: "T", Name: "flaky", Kind: Flake, Passed: 1, Failed: []attemptSummary{{Status: junit.StatusFailed, Message: "m1", Type: "AssertionError", Body: "at T.flaky(T.java:10)", Stdout: "attempt out"}}},
			{Suite: "T", Classname: "T", Name: "always", Kind: Failure, Failed: []attemptSummary{{Status: junit.StatusFailed, Message: "m", Type: "X", Body: "at T.always(T.java:20)"}, {Status: junit.StatusFailed, Message: "r", Type: "X", Body: "at T.always(T.java:21)"}}},
		},
	}, {
		name: "phpunit nested suites: the innermost suite names the test",
		in: `<testsuites><testsuite name="all"><testsuite name="Unit" file="/x/UnitTest.php">
  <testcase name="testA" class="UnitTest" classname="UnitTest" file="/x/UnitTest.php" line="12"><failure type="PHPUnit\Framework\ExpectationFailedException">UnitTest::testA
/x/UnitTest.php:14</failure></testcase>
</testsuite><testcase name="testA" classname="UnitTest"/></testsuite></testsuites>`,
		tests: 2, fail: 1,
		want: []testSummary{
			{Suite: "Unit", Classname: "UnitTest", Name: "testA", Kind: Failure, Failed: []attemptSummary{{Status: junit.StatusFailed, Type: `PHPUnit\Framework\ExpectationFailedException`, Body: "UnitTest::testA\n/x/UnitTest.php:14", File: "/x/UnitTest.php", Line: "12"}}},
		},
	}, {
		name:  "CDATA, CRLF and namespaces",
		in:    "<?xml version=\"1.0\"?>\r\n<j:testsuites xmlns:j=\"urn:x\"><j:testsuite name=\"s\"><j:testcase name=\"a\" classname=\"c\"><j:failure><![CDATA[x < y]]>\r\n&lt;z&gt;</j:failure></j:testcase></j:testsuite></j:testsuites>",
		tests: 1, fail: 1,
		want: []testSummary{{Suite: "s", Classname: "c", Name: "a", Kind: Failure, Failed: []attemptSummary{{Status: junit.StatusFailed, Body: "x < y\n<z>"}}}},
	}, {
		name:  "ISO-8859-1 and a UTF-8 BOM",
		in:    "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><testsuite name=\"s\"><testcase name=\"caf\xe9\"><failure>\xfcber</failure></testcase></testsuite>",
		tests: 1, fail: 1,
		want: []testSummary{{Suite: "s", Name: "café", Kind: Failure, Failed: []attemptSummary{{Status: junit.StatusFailed, Body: "über"}}}},
	}, {
		name:  "Ginkgo spec that failed every attempt is a failure with each attempt",
		in:    `<testsuite name="e2e"><testcase name="[It] x" classname="e2e" status="failed"><failure message="m2" type="failed">[FAILED] m2&#xA;In [It] at: /a/x_test.go:9 @ t&#xA;</failure><system-err>&gt; Enter [It] x - /a/x_test.go:8 @ t&#xA;[FAILED] Failure recorded during attempt 1:&#xA;m1&#xA;In [It] at: /a/x_test.go:9 @ t&#xA;&lt; Exit [It] x - /a/x_test.go:8 @ t (0s)&#xA;&#xA;Attempt #1 Failed.  Retrying ↺ @ t&#xA;&#xA;&gt; Enter [It] x - /a/x_test.go:8 @ t&#xA;[FAILED] m2&#xA;In [It] at: /a/x_test.go:9 @ t&#xA;</system-err></testcase></testsuite>`,
		tests: 1, fail: 1,
		want: []testSummary{{Suite: "e2e", Classname: "e2e", Name: "[It] x", Kind: Failure, Failed: []attemptSummary{
			{Status: junit.StatusFailed, Message: "m1", Type: "failed", Body: "[FAILED] Failure recorded during attempt 1:\nm1\nIn [It] at: /a/x_test.go:9 @ t\n", Stderr: "> Enter [It] x - /a/x_test.go:8 @ t\n[FAILED] Failure recorded during attempt 1:\nm1\nIn [It] at: /a/x_test.go:9 @ t\n< Exit [It] x - /a/x_test.go:8 @ t (0s)\n\n"},
			{Status: junit.StatusFailed, Message: "m2", Type: "failed", Body: "[FAILED] m2\nIn [It] at: /a/x_test.go:9 @ t\n", Stderr: "> Enter [It] x - /a/x_test.go:8 @ t\n[FAILED] Failure recorded during attempt 1:\nm1\nIn [It] at: /a/x_test.go:9 @ t\n< Exit [It] x - /a/x_test.go:8 @ t (0s)\n\nAttempt #1 Failed.  Retrying ↺ @ t\n\n> Enter [It] x - /a/x_test.go:8 @ t\n[FAILED] m2\nIn [It] at: /a/x_test.go:9 @ t\n"},
		}}},
	}, {
		name:  "a pass before the failure, more than a batch of passes between",
		in:    `<testsuite name="s"><testcase name="x"/>` + passes(100) + `<testcase name="x"><failure message="m">b</failure></testcase>` + `<testcase name="x"/></testsuite>`,
		tests: 101, fl: 1,
		want: []testSummary{{Suite: "s", Name: "x", Kind: Flake, Passed: 2, Failed: []attemptSummary{{Status: junit.StatusFailed, Message: "m", Body: "b"}}}},
	}, {
		name: "testcases directly under testsuites, skipped and disabled are neither",
		in: `<testsuites><testcase name="a"/><testcase name="b" status="disabled"/><testcase name="c"><skipped/></testcase>
<testcase name="c"><failure/></testcase></testsuites>`,
		tests: 3, fail: 1,
		want: []testSummary{{Name: "c", Kind: Failure, Failed: []attemptSummary{{Status: junit.StatusFailed}}}},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set := Ingest("r.xml", strings.NewReader(tt.in))
			if len(set.Errors) != 0 {
				t.Fatalf("Errors = %q", set.Errors)
			}
			if diff := cmp.Diff(tt.want, summarize(set)); diff != "" {
				t.Errorf("tests (-want +got):\n%s", diff)
			}
			f := set.Files[0]
			if got, want := [3]int{f.Tests, f.Failed, f.Flaky}, [3]int{tt.tests, tt.fail, tt.fl}; got != want {
				t.Errorf("file counts (tests, failed, flaky) = %v, want %v", got, want)
			}
			if got, want := [3]int{set.Total, set.Failed, set.Flaky}, [3]int{tt.tests, tt.fail, tt.fl}; got != want {
				t.Errorf("set counts (tests, failed, flaky) = %v, want %v", got, want)
			}
		})
	}
}

// passes returns n passing testcases named p0, p1, ...
func passes(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, `<testcase name="p%d"/>`, i)
	}
	return b.String()
}

// TestGoJunitReportSuiteOutput checks that a panicking go-junit-report test
// keeps its suite's system-out, where go-junit-report puts the panic.
func TestGoJunitReportSuiteOutput(t *testing.T) {
	fsys := sampleFS(t)
	set := Read(fsys, []string{"reports/go-junit-report-unit.xml"})
	for _, tc := range set.Tests {
		if strings.Contains(tc.Suite.SystemOut, "panic: ") {
			return
		}
	}
	t.Errorf("no failing test keeps the suite's system-out with the panic")
}

// TestReadDiscovery checks globs, excludes, newline-separated patterns,
// reading each file once, gzip, and warnings for patterns that match
// nothing — and that a broken report does not stop the others.
func TestReadDiscovery(t *testing.T) {
	report := func(suite, name string, fail bool) []byte {
		body := `<testcase classname="c" name="` + name + `"/>`
		if fail {
			body = `<testcase classname="c" name="` + name + `"><failure>x</failure></testcase>`
		}
		return []byte(`<testsuite name="` + suite + `">` + body + `</testsuite>`)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(report("s", "T", false))
	zw.Close()
	fsys := fstest.MapFS{
		"a/junit-1.xml":    {Data: report("s", "T", true)},
		"a/junit-2.xml.gz": {Data: gz.Bytes()},
		"b/junit.xml":      {Data: report("s", "U", true)},
		"b/skip/junit.xml": {Data: report("s", "V", true)},
		"c/broken.xml":     {Data: []byte("<testsuite>")},
		"c/link.xml":       {Data: []byte("a/junit-1.xml"), Mode: fs.ModeSymlink},
	}
	set := Read(fsys, []string{"**/junit*.xml\n!b/skip/**", "a/*.xml.gz", "b/junit.xml", "c/*.xml", "nothing/*.xml"})
	var paths []string
	for _, f := range set.Files {
		paths = append(paths, f.Path)
	}
	wantPaths := []string{"a/junit-1.xml", "b/junit.xml", "a/junit-2.xml.gz", "c/broken.xml"}
	if diff := cmp.Diff(wantPaths, paths); diff != "" {
		t.Errorf("files read (-want +got):\n%s", diff)
	}
	wantErrs := []string{
		`read report "c/broken.xml": line 1: unexpected end of file inside <testsuite> (truncated report?)`,
		`skip report "c/link.xml": it is a symbolic link, which is not followed`,
		`no report matches "nothing/*.xml"`,
	}
	if diff := cmp.Diff(wantErrs, set.Errors); diff != "" {
		t.Errorf("Errors (-want +got):\n%s", diff)
	}
	if got, want := [3]int{set.Total, set.Failed, set.Flaky}, [3]int{2, 1, 1}; got != want {
		t.Errorf("(tests, failed, flaky) = %v, want %v", got, want)
	}
	if got := summarize(set); len(got) != 2 || got[0].Name != "T" || got[0].Kind != Flake || got[0].Passed != 1 {
		t.Errorf("tests = %+v, want T flaky (failed in a/junit-1.xml, passed in a/junit-2.xml.gz) then U", got)
	}
}

// FuzzIngest feeds arbitrary bytes to the ingestion: it never panics, a
// report either errors or is read, and the counts agree with the tests kept.
// Seeds are the sample's reports and the broken inputs above; run it with
//
//	go test ./internal/report -run '^$' -fuzz FuzzIngest -fuzztime 60s
func FuzzIngest(f *testing.F) {
	fsys := sampleFS(f)
	names, _ := fs.Glob(fsys, "reports/*.xml")
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`<testsuite name="T"><testcase classname="T" name="f"><flakyFailure message="m"><stackTrace>s</stackTrace></flakyFailure></testcase></testsuite>`))
	f.Add([]byte("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><testsuite><testcase name=\"\xe9\"><failure><![CDATA[x]]></failure></testcase></testsuite>"))
	f.Add([]byte(`<!DOCTYPE x [<!ENTITY a "b">]><testsuite name="&a;"/>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		set := Ingest("f.xml", bytes.NewReader(b))
		if len(set.Files) != 1 {
			t.Fatalf("%d files", len(set.Files))
		}
		f := set.Files[0]
		if (f.Error != "") != (len(set.Errors) == 1) {
			t.Fatalf("File.Error %q but Errors %q", f.Error, set.Errors)
		}
		if f.Failed+f.Flaky != len(set.Tests) || f.Failed != set.Failed || f.Flaky != set.Flaky || f.Tests != set.Total {
			t.Fatalf("file %+v, set %d/%d/%d, %d tests kept", f, set.Total, set.Failed, set.Flaky, len(set.Tests))
		}
		for _, tc := range set.Tests {
			if len(tc.Failed) == 0 {
				t.Fatalf("%q kept without a failed attempt", tc.Name)
			}
		}
		_, _ = io.Copy(io.Discard, bytes.NewReader(b))
	})
}
