package action

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sethvargo/go-githubactions"
	"golang.org/x/tools/txtar"

	"github.com/flake-triage/flake-triage/internal/health"
	"github.com/flake-triage/flake-triage/internal/triage"
)

var update = flag.Bool("update", false, "rewrite golden files")

// sampleFindings returns the findings the bundled capi-like sample expects
// (its EXPECTED.json ground truth), as triage would report them.
func sampleFindings(t testing.TB) []triage.Finding {
	t.Helper()
	a, err := txtar.ParseFile(filepath.Join("..", "..", "testdata", "capi-like.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	var raw []byte
	for _, f := range a.Files {
		if f.Name == "EXPECTED.json" {
			raw = f.Data
		}
	}
	var exp struct {
		Tests []struct {
			Report, Name, Classname, Kind string
			Location                      *triage.Location
			TestLocation                  *triage.Location `json:"test_location"`
			Approvers                     []string         `json:"owners_approvers"`
			Reviewers                     []string         `json:"owners_reviewers"`
		}
	}
	if err := json.Unmarshal(raw, &exp); err != nil {
		t.Fatalf("read EXPECTED.json: %v", err)
	}
	var out []triage.Finding
	for _, e := range exp.Tests {
		out = append(out, triage.Finding{
			Kind: e.Kind, Test: triage.Test{Name: e.Name, Classname: e.Classname, Report: e.Report},
			Location: e.Location, TestLocation: e.TestLocation,
			Owners: triage.Owners{Approvers: e.Approvers, Reviewers: e.Reviewers},
		})
	}
	if len(out) == 0 {
		t.Fatal("EXPECTED.json has no tests")
	}
	return out
}

// newAction returns an Action writing to a buffer, with env as its
// environment.
func newAction(env map[string]string) (*githubactions.Action, *bytes.Buffer) {
	var buf bytes.Buffer
	return githubactions.New(githubactions.WithWriter(&buf), githubactions.WithGetenv(func(k string) string { return env[k] })), &buf
}

func TestAnnotateSample(t *testing.T) {
	findings := sampleFindings(t)
	a, out := newAction(nil)
	omitted := Annotate(a, findings)

	var failures, flakes int
	for _, f := range findings {
		if f.Kind == "flake" {
			flakes++
		} else {
			failures++
		}
	}
	wantOmitted := max(0, failures-MaxErrorAnnotations) + max(0, flakes-MaxWarningAnnotations)
	if omitted != wantOmitted {
		t.Errorf("Annotate omitted %d, want %d (%d failures, %d flakes)", omitted, wantOmitted, failures, flakes)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	var levels []string
	for _, l := range lines {
		level, _, _ := strings.Cut(strings.TrimPrefix(l, "::"), " ")
		levels = append(levels, level)
	}
	var want []string
	for range min(failures, MaxErrorAnnotations) {
		want = append(want, "error")
	}
	for range min(flakes, MaxWarningAnnotations) {
		want = append(want, "warning")
	}
	if diff := cmp.Diff(want, levels); diff != "" {
		t.Errorf("annotation levels (-want +got):\n%s\n%s", diff, out)
	}
	// The first annotation is the first failure of the sample, at its location.
	first := findings[0]
	wantFirst := "::error file=" + first.Location.Path + ",line=" + strconv.Itoa(first.Location.Line) + ",title="
	if !strings.HasPrefix(lines[0], wantFirst) {
		t.Errorf("first annotation = %q, want prefix %q", lines[0], wantFirst)
	}
}

func jsonInt(n int) string { return strconv.Itoa(n) }

func TestAnnotationsOrder(t *testing.T) {
	known := triage.Owners{Approvers: []string{"alice"}, Files: []string{"test/OWNERS"}}
	fallback := triage.Owners{Approvers: []string{"maint"}, Fallback: true}
	findings := []triage.Finding{
		{Kind: "flake", Test: triage.Test{Name: "flake-fallback"}, Owners: fallback},
		{Kind: "failure", Test: triage.Test{Name: "fail-nobody"}},
		{Kind: "flake", Test: triage.Test{Name: "flake-known"}, Owners: known},
		{Kind: "failure", Test: triage.Test{Name: "fail-known"}, Owners: known},
		{Kind: "failure", Test: triage.Test{Name: "fail-fallback"}, Owners: fallback},
		{Kind: "failure", Test: triage.Test{Name: "fail-known-2"}, Owners: known},
	}
	var got []string
	for _, an := range Annotations(findings) {
		got = append(got, an.Level+" "+an.Title)
	}
	want := []string{
		"error fail-known", "error fail-known-2", "error fail-nobody", "error fail-fallback",
		"warning flaky: flake-known", "warning flaky: flake-fallback",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Annotations order (-want +got):\n%s", diff)
	}
}

func TestAnnotateHostileOutput(t *testing.T) {
	// Test output that tries to run workflow commands, ping people and
	// forge properties through the title.
	f := triage.Finding{
		Kind:     "failure",
		Test:     triage.Test{Name: "TestX::error file=a,line=1::pwned", Classname: "pkg"},
		Location: &triage.Location{Path: "pkg/x_test.go", Line: 12},
		Message:  "expected 100% ok\r\n::add-mask::secret\n  ::set-output name=failed::0\n##[error]legacy\ncc @octocat and @org/team, see #12\nmail bob@example.com",
		Owners:   triage.Owners{Approvers: []string{"alice", "bob"}, Files: []string{"pkg/OWNERS"}},
		Issue:    triage.Issue{Action: "known", Number: 42, URL: "https://github.com/o/r/issues/42"},
	}
	a, out := newAction(nil)
	if n := Annotate(a, []triage.Finding{f}); n != 0 {
		t.Fatalf("Annotate omitted %d of 1", n)
	}
	got := out.String()
	want := "::error file=pkg/x_test.go,line=12,title=TestX%3A%3Aerror file=a%2Cline=1%3A%3Apwned::" +
		"expected 100%25 ok%0A:\u200b:add-mask::secret%0A  :\u200b:set-output name=failed::0%0A#\u200b#[error]legacy%0A" +
		"cc @\u200boctocat and @\u200borg/team, see #\u200b12%0Amail bob@example.com%0A%0A" +
		"owners: alice, bob (pkg/OWNERS)%0Aknown flake #42 https://github.com/o/r/issues/42\n"
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("annotation (-want +got):\n%s", diff)
	}
	if strings.Count(got, "\n") != 1 {
		t.Errorf("annotation spans %d lines, want 1", strings.Count(got, "\n"))
	}
}

func FuzzNeutralise(f *testing.F) {
	f.Add("::error::x\n@a #1")
	f.Add("  ##[group]x\r::stop-commands::t")
	f.Add("a@b @@c #1#2 x#3")
	f.Fuzz(func(t *testing.T, s string) {
		got := Neutralise(s)
		for _, l := range strings.Split(got, "\n") {
			tl := strings.TrimLeft(l, " \t")
			if strings.HasPrefix(tl, "::") || strings.HasPrefix(tl, "##") {
				t.Errorf("Neutralise(%q) left a command line %q", s, l)
			}
		}
		if strings.Contains(got, "\r") {
			t.Errorf("Neutralise(%q) kept a carriage return", s)
		}
		if m := mentionRE.FindString(got); m != "" {
			t.Errorf("Neutralise(%q) left a mention %q", s, m)
		}
		if m := refRE.FindString(got); m != "" {
			t.Errorf("Neutralise(%q) left a reference %q", s, m)
		}
		if again := Neutralise(got); again != got {
			t.Errorf("Neutralise is not idempotent on %q: %q then %q", s, got, again)
		}
	})
}

func TestSummaryGolden(t *testing.T) {
	findings := sampleFindings(t)
	// What a file-mode run would have done with the sample's findings.
	actions := []triage.Issue{
		{Action: "create", Number: 101, URL: "https://github.com/o/capi-like/issues/101"},
		{Action: "update", Number: 7, URL: "https://github.com/o/capi-like/issues/7"},
		{Action: "known", Number: 8, URL: "https://github.com/o/capi-like/issues/8"},
		{Action: "reopen", Number: 9, URL: "https://github.com/o/capi-like/issues/9"},
	}
	for i := range findings {
		findings[i].Issue = actions[i%len(actions)]
	}
	findings[len(findings)-1].Owners = triage.Owners{Approvers: []string{"maint-a"}, Fallback: true}
	r := triage.Result{
		Version: 1, Mode: "file",
		Reports: triage.Reports{
			Files: []triage.ReportFile{
				{Path: "reports/ginkgo-e2e.xml", Tests: 6, Failed: 3, Flaky: 1},
				{Path: "reports/broken.xml", Error: "parse reports/broken.xml: XML syntax error on line 3: unexpected EOF\n<script>@alice</script>"},
			},
			Tests: 40, Failed: 17, Flaky: 2,
		},
		Findings: findings,
		Errors:   []string{"update issue #7: 502 Bad Gateway | retry later"},
	}
	a, _ := newAction(nil)
	omitted := Annotate(a, findings)
	got := Summary(r, SummaryRun{ServerURL: "https://github.com", Repo: "o/capi-like", SHA: "0123456789abcdef0123456789abcdef01234567"}, omitted)
	golden := filepath.Join("testdata", "summary.golden.md")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want := string(readTestdata(t, "summary.golden.md"))
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Summary (-want +got), run with -update to accept:\n%s", diff)
	}
}

func TestSummaryStormAndDryRun(t *testing.T) {
	var findings []triage.Finding
	for i := range 30 {
		findings = append(findings, triage.Finding{Kind: "failure", Test: triage.Test{Name: "TestN" + jsonInt(i)},
			Issue: triage.Issue{Action: "storm", Number: 5}})
	}
	r := triage.Result{Version: 1, Mode: "dry-run", Reports: triage.Reports{Tests: 30, Failed: 30}, Findings: findings}
	got := Summary(r, SummaryRun{}, 20)
	for _, want := range []string{
		"The storm guard fired: 30 failing tests",
		"| TestN0 | ❌ failure | unknown | none found | #5 would file storm issue |",
		"20 annotations were left out",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("summary lacks %q:\n%s", want, got)
		}
	}
}

func TestSummaryUnderLimit(t *testing.T) {
	// 3,000 failing tests with long hostile names: the summary must stay
	// under GitHub's limit and say how many rows it left out.
	long := strings.Repeat("|<@x>", 100)
	var findings []triage.Finding
	for i := range 3000 {
		findings = append(findings, triage.Finding{Kind: "failure", Test: triage.Test{Name: jsonInt(i) + long},
			Location: &triage.Location{Path: "test/e2e/x_test.go", Line: i + 1}})
	}
	r := triage.Result{Version: 1, Mode: "annotate", Reports: triage.Reports{Tests: 3000, Failed: 3000}, Findings: findings}
	got := Summary(r, SummaryRun{ServerURL: "https://github.com", Repo: "o/r", SHA: "abc"}, 2990)
	if len(got) >= MaxSummaryBytes {
		t.Fatalf("summary is %d bytes, limit %d", len(got), MaxSummaryBytes)
	}
	rows := strings.Count(got, "\n| ") - 1 // minus the header row
	if !strings.Contains(got, jsonInt(3000-rows)+" more failing tests are not listed") {
		t.Errorf("summary with %d rows does not count the %d left out", rows, 3000-rows)
	}
}

func TestOutputs(t *testing.T) {
	dir := t.TempDir()
	outFile := filepath.Join(dir, "output")
	env := map[string]string{"GITHUB_OUTPUT": outFile}
	a, _ := newAction(env)
	r := triage.Result{Mode: "file", Reports: triage.Reports{Tests: 9, Passed: 4, Skipped: 1, Failed: 3, Flaky: 1}, Findings: []triage.Finding{
		{Kind: "failure", Verdict: "new", Issue: triage.Issue{Action: "create", Number: 4, URL: "u4"}}, {Kind: "failure", Verdict: "flaky", Issue: triage.Issue{Action: "update"}},
		{Kind: "failure", Verdict: "unknown", Issue: triage.Issue{Action: "reopen"}}, {Kind: "flake", Verdict: "new", Issue: triage.Issue{Action: "known"}},
	}, Quarantined: []triage.Quarantined{{Number: 4, URL: "https://github.com/o/r/issues/4", ID: "go:p.TestA", Test: triage.TestIdentity{Name: "TestA<b>", Classname: "p"}}}}
	if err := Outputs(a, r, "flake-triage.json"); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(outFile)
	if err != nil {
		t.Fatal(err)
	}
	got := parseOutputFile(t, string(b))
	want := map[string]string{"failed": "3", "flaky": "1", "issues-created": "1", "issues-updated": "2", "result-json": "flake-triage.json",
		"total": "9", "passed": "4", "skipped": "1", "issues": `[{"number":4,"url":"u4","action":"create"}]`,
		"new-failures": "1", "quarantined": `[{"number":4,"url":"https://github.com/o/r/issues/4","id":"go:p.TestA","test":{"name":"TestA<b>","classname":"p","suite":""}}]`}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("outputs (-want +got):\n%s", diff)
	}

	r.Mode = "dry-run"
	if diff := cmp.Diff("0", OutputValues(r, "")["issues-created"]); diff != "" {
		t.Errorf("dry-run issues-created (-want +got):\n%s", diff)
	}
	if err := Outputs(a, r, "x\nfailed<<EOF"); err == nil {
		t.Error("Outputs accepted a path with a line break")
	}
	noEnv, _ := newAction(nil)
	if err := Outputs(noEnv, r, "x"); err == nil {
		t.Error("Outputs without GITHUB_OUTPUT returned no error")
	}
	bad, _ := newAction(map[string]string{"GITHUB_OUTPUT": filepath.Join(dir, "missing", "output")})
	if err := Outputs(bad, r, "x"); err == nil {
		t.Error("Outputs to an unwritable file returned no error")
	}
	if err := WriteSummary(bad, "x"); err == nil {
		t.Error("WriteSummary without GITHUB_STEP_SUMMARY returned no error")
	}
}

// parseOutputFile reads a GITHUB_OUTPUT file of name<<DELIM blocks.
func parseOutputFile(t *testing.T, s string) map[string]string {
	t.Helper()
	got := map[string]string{}
	lines := strings.Split(s, "\n")
	for i := 0; i < len(lines); i++ {
		if lines[i] == "" {
			continue
		}
		name, delim, ok := strings.Cut(lines[i], "<<")
		if !ok {
			t.Fatalf("output line %q is not name<<delimiter", lines[i])
		}
		var val []string
		for i++; i < len(lines) && lines[i] != delim; i++ {
			val = append(val, lines[i])
		}
		got[name] = strings.Join(val, "\n")
	}
	return got
}

func BenchmarkSummary(b *testing.B) {
	findings := sampleFindings(b)
	var many []triage.Finding
	for range 50 {
		many = append(many, findings...)
	}
	r := triage.Result{Version: 1, Mode: "file", Reports: triage.Reports{Tests: len(many), Failed: len(many)}, Findings: many}
	run := SummaryRun{ServerURL: "https://github.com", Repo: "o/r", SHA: "abc"}
	b.ReportAllocs()
	for b.Loop() {
		Summary(r, run, 0)
	}
}

// TestFailedActionsAreNotCountedAsDone: an issue GitHub refused to create
// is neither counted in issues-created nor shown as created.
func TestFailedActionsAreNotCountedAsDone(t *testing.T) {
	r := triage.Result{Version: 1, Mode: "file", Reports: triage.Reports{Tests: 3, Failed: 3}, Findings: []triage.Finding{
		{Kind: "failure", Test: triage.Test{Name: "TestA"}, Issue: triage.Issue{Action: "create", Number: 1}},
		{Kind: "failure", Test: triage.Test{Name: "TestB"}, Issue: triage.Issue{Action: "create",
			Error: "create issue for \"b\": the token may not do this (403)\nmore"}},
		{Kind: "failure", Test: triage.Test{Name: "TestC"}, Issue: triage.Issue{Action: "update", Number: 7, Error: "update issue #7: 502"}},
	}}
	vals := OutputValues(r, "")
	if diff := cmp.Diff([]string{"1", "0"}, []string{vals["issues-created"], vals["issues-updated"]}); diff != "" {
		t.Errorf("issues-created, issues-updated (-want +got):\n%s", diff)
	}
	got := Summary(r, SummaryRun{}, 0)
	for _, want := range []string{
		"issues: 1 created, 0 updated, **2 failed**",
		"| TestB | ❌ failure | unknown | none found | **create failed**: create issue for \"b\": the token may not do this (403) … |",
		"| TestC | ❌ failure | unknown | none found | #7 **update failed**: update issue #\u200b7: 502 |",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("summary lacks %q:\n%s", want, got)
		}
	}
	if got := issueLine(r.Findings[1].Issue, false); got != "creating the issue failed (see the job summary)" {
		t.Errorf("annotation issue line %q", got)
	}
}

// TestAnnotateResultWarnsOfUnreadableReports: each unreadable report gets a
// warning at its file, before the findings, within the step's warnings.
func TestAnnotateResultWarnsOfUnreadableReports(t *testing.T) {
	r := triage.Result{Reports: triage.Reports{Files: []triage.ReportFile{
		{Path: "reports/ok.xml", Tests: 3},
		{Path: "reports/broken.xml", Error: "line 3: unexpected end of file inside <testsuite> (truncated report?)"},
		{Path: "reports/nunit.xml", Error: "not a JUnit report: the root element is <test-run> (NUnit 3)"},
	}}}
	for i := range 12 {
		r.Findings = append(r.Findings, triage.Finding{Kind: "flake", Test: triage.Test{Name: fmt.Sprintf("TestFlaky%d", i)},
			Location: &triage.Location{Path: "pkg/x_test.go", Line: i + 1}})
	}
	a, buf := newAction(nil)
	omitted := AnnotateResult(a, r)
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != MaxWarningAnnotations {
		t.Fatalf("%d annotations, want %d:\n%s", len(lines), MaxWarningAnnotations, buf.String())
	}
	if want := "::warning file=reports/broken.xml,title=flake-triage could not read this report::line 3: unexpected end of file inside <testsuite> (truncated report?)"; lines[0] != want {
		t.Errorf("first annotation\n%s\nwant\n%s", lines[0], want)
	}
	if !strings.HasPrefix(lines[1], "::warning file=reports/nunit.xml,title=flake-triage could not read this report::") {
		t.Errorf("second annotation %s", lines[1])
	}
	if omitted != 4 {
		t.Errorf("omitted %d, want 4 (12 flakes in 8 warnings left)", omitted)
	}
}

// TestAnnotationNamesIssueAndRate: a failure with an issue and a history
// names the issue (#N) and its rate; an unknown verdict says so.
func TestAnnotationNamesIssueAndRate(t *testing.T) {
	f := triage.Finding{Kind: "failure", Test: triage.Test{Name: "TestA"},
		Issue:   triage.Issue{Action: "known", Number: 123, URL: "https://github.com/o/r/issues/123"},
		History: &health.History{Runs: 50, Failed: 3, Flaky: 1, Rate: 0.08}, Verdict: "flaky"}
	got := Annotations([]triage.Finding{f})[0].Message
	if want := "known flake #123 https://github.com/o/r/issues/123 · failed 4 of the last 50 runs (8%)"; !strings.HasSuffix(got, want) {
		t.Errorf("annotation = %q, want it to end %q", got, want)
	}
	f.Verdict, f.History, f.Issue = "new", &health.History{Runs: 50, Passed: 50}, triage.Issue{}
	if got, want := Annotations([]triage.Finding{f})[0].Message, "verdict: new · never failed in the last 50 runs"; !strings.HasSuffix(got, want) {
		t.Errorf("annotation = %q, want it to end %q", got, want)
	}
	f.Verdict, f.History = "unknown", nil
	if got, want := Annotations([]triage.Finding{f})[0].Message, "unknown history"; !strings.HasSuffix(got, want) {
		t.Errorf("annotation = %q, want it to end %q", got, want)
	}
}

// TestOutputValuesCountsAndIssues: the counts users of other JUnit
// actions read, and the issues as a JSON list, each issue once (the storm
// issue covers several findings), without failed or not-yet-created ones.
func TestOutputValuesCountsAndIssues(t *testing.T) {
	r := triage.Result{Version: 1, Mode: "file",
		Reports: triage.Reports{Tests: 20, Passed: 12, Skipped: 2, Failed: 4, Flaky: 2},
		Findings: []triage.Finding{
			{Issue: triage.Issue{Action: "create", Number: 3, URL: "https://github.com/o/r/issues/3"}},
			{Issue: triage.Issue{Action: "storm", Number: 9, URL: "https://github.com/o/r/issues/9"}},
			{Issue: triage.Issue{Action: "storm", Number: 9, URL: "https://github.com/o/r/issues/9"}},
			{Issue: triage.Issue{Action: "create", Error: "403"}},
			{Issue: triage.Issue{Action: "update", Number: 5, Error: "502"}},
			{Issue: triage.Issue{Action: "create"}},
		},
		Passed: []triage.Passed{{ID: "x", Issue: triage.Issue{Action: "update", Number: 7, URL: "https://github.com/o/r/issues/7"}}},
	}
	vals := OutputValues(r, "flake-triage.json")
	want := map[string]string{
		"total": "20", "passed": "12", "skipped": "2", "failed": "4", "flaky": "2",
		"issues": `[{"number":3,"url":"https://github.com/o/r/issues/3","action":"create"},` +
			`{"number":9,"url":"https://github.com/o/r/issues/9","action":"storm"},` +
			`{"number":7,"url":"https://github.com/o/r/issues/7","action":"update"}]`,
	}
	for k, v := range want {
		if vals[k] != v {
			t.Errorf("output %s = %q, want %q", k, vals[k], v)
		}
	}
	if got := OutputValues(triage.Result{}, "")["issues"]; got != "[]" {
		t.Errorf("issues of an empty run = %q, want []", got)
	}
	for _, name := range outputNames {
		if _, ok := vals[name]; !ok {
			t.Errorf("output %s has no value", name)
		}
	}
}
