package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/flake-triage/flake-triage/internal/fakegithub"
	"github.com/flake-triage/flake-triage/internal/health"
	"github.com/flake-triage/flake-triage/internal/ledger"
	"github.com/flake-triage/flake-triage/internal/triage"
)

// healthRepo is a checkout with one Go test file, whose report a run
// writes for each outcome of TestA (TestB always passes).
type healthRepo struct {
	t   *testing.T
	dir string
	gh  *fakegithub.Server
	// shas are the commits of main seeded on the fake, one per run.
	shas []string
	// ledger is the dir: ledger's directory.
	ledger string
	// report, when set, is the report a run writes instead of TestA's.
	report string
}

const healthTestFile = "pkg/foo/foo_test.go"

func newHealthRepo(t *testing.T, runs int, seed func(i int) fakegithub.SeedCommit) *healthRepo {
	return newHealthRepoIn(t, runs, seed, "dir")
}

// newHealthRepoIn is newHealthRepo with the ledger in a directory ("dir")
// or on the fake's history branch ("branch").
func newHealthRepoIn(t *testing.T, runs int, seed func(i int) fakegithub.SeedCommit, store string) *healthRepo {
	t.Helper()
	dir := t.TempDir()
	write := func(p, s string) {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(healthTestFile, "package foo\n\nimport \"testing\"\n\nfunc TestA(t *testing.T) {\n\tt.Fatal(\"boom\")\n}\n\nfunc TestB(t *testing.T) {}\n")
	write("pkg/bar/bar.go", "package bar\n")
	ledgerDir := filepath.Join(t.TempDir(), "ledger")
	history := "dir:" + ledgerDir
	if store == "branch" {
		history = "branch:" + historyBranch
	}
	write(".github/flake-triage.yaml", "history: "+history+"\n")
	gh := fakegithub.New(t, "acme", "capi-like", "ghs_secretvalue")
	var commits []fakegithub.SeedCommit
	for i := range runs {
		commits = append(commits, seed(i))
	}
	return &healthRepo{t: t, dir: dir, gh: gh, shas: gh.Seed("main", commits...), ledger: ledgerDir}
}

// run triages run i (1-based id 1000+i) of main at day i, with TestA's
// outcome ("passed", "failed" or "flaky"), and returns its result.
func (h *healthRepo) run(i int, outcome string, extra ...string) triage.Result {
	t := h.t
	t.Helper()
	var tc string
	switch outcome {
	case "passed":
		tc = `<testcase name="TestA" classname="example.com/m/pkg/foo" time="0.1"/>`
	case "failed":
		tc = `<testcase name="TestA" classname="example.com/m/pkg/foo" time="0.1"><failure message="Failed">foo_test.go:6: boom</failure></testcase>`
	case "flaky":
		tc = `<testcase name="TestA" classname="example.com/m/pkg/foo" time="0.1"><failure message="Failed">foo_test.go:6: boom</failure></testcase>` +
			`<testcase name="TestA" classname="example.com/m/pkg/foo" time="0.1"/>`
	}
	report := `<?xml version="1.0"?><testsuites><testsuite name="example.com/m/pkg/foo" tests="2">` + tc +
		`<testcase name="TestB" classname="example.com/m/pkg/foo" time="0.1"/></testsuite></testsuites>`
	if h.report != "" {
		report = h.report
	}
	if err := os.MkdirAll(filepath.Join(h.dir, "reports"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(h.dir, "reports", "junit.xml"), []byte(report), 0o644); err != nil {
		t.Fatal(err)
	}
	env := stepEnv(t, h.gh, h.dir, "push", 1000+i)
	env["GITHUB_REF"] = "refs/heads/main"
	env["GITHUB_WORKFLOW"] = "unit"
	env["GITHUB_SHA"] = h.shas[i]
	env["INPUT_REPORTS"] = "reports/junit.xml"
	for j := 0; j+1 < len(extra); j += 2 {
		env[extra[j]] = extra[j+1]
	}
	now := ledgerT0.AddDate(0, 0, i)
	h.gh.SetClock(func() time.Time { return now })
	code, stdout, stderr := runAt(t, env, now, "triage")
	if code != ExitOK {
		t.Fatalf("run %d: exit %d\n%s", i, code, stderr)
	}
	var res triage.Result
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatalf("run %d: %v\n%s", i, err, stdout)
	}
	h.gh.Heal()
	return res
}

func findingOf(res triage.Result, name string) *triage.Finding {
	for i := range res.Findings {
		if res.Findings[i].Test.Name == name {
			return &res.Findings[i]
		}
	}
	return nil
}

// TestHealthTwelveRuns: a 12-run sequence of main gives the history and
// verdict fields exactly, run by run.
func TestHealthTwelveRuns(t *testing.T) {
	for _, store := range []string{"dir", "branch"} {
		t.Run(store, func(t *testing.T) { testTwelveRuns(t, store) })
	}
}

func testTwelveRuns(t *testing.T, store string) {
	seq := []string{"passed", "passed", "failed", "passed", "flaky", "passed", "passed", "failed", "failed", "failed", "passed", "failed"}
	h := newHealthRepoIn(t, len(seq), func(i int) fakegithub.SeedCommit {
		// Run 10's commit touches the test's file; run 11's another file.
		f := "pkg/bar/bar.go"
		if i == 10 {
			f = healthTestFile
		}
		return fakegithub.SeedCommit{Login: fmt.Sprintf("dev%d", i), Date: ledgerT0.AddDate(0, 0, i).Add(-time.Hour), Message: fmt.Sprintf("change %d", i), Files: []string{f}}
	}, store)
	type want struct {
		runs, failed, flaky, passed, streak int
		first, lastPass                     int // run index, -1 for none
		verdict                             string
	}
	wants := map[int]want{
		2:  {3, 1, 0, 2, 1, 2, 1, health.New},
		4:  {5, 1, 1, 3, 1, 2, 3, health.FlakyVerdict},
		7:  {8, 2, 1, 5, 1, 2, 6, health.FlakyVerdict},
		8:  {9, 3, 1, 5, 2, 2, 6, health.FlakyVerdict},
		9:  {10, 4, 1, 5, 3, 2, 6, health.Broken},
		11: {12, 5, 1, 6, 1, 2, 10, health.FlakyVerdict},
	}
	for i, o := range seq {
		res := h.run(i, o)
		f := findingOf(res, "TestA")
		w, check := wants[i]
		if o == "passed" {
			if f != nil {
				t.Errorf("run %d: a finding for a pass", i)
			}
			continue
		}
		if f == nil || f.History == nil {
			t.Fatalf("run %d: no finding or no history: %+v", i, res)
		}
		if !check {
			continue
		}
		hs := f.History
		got := want{hs.Runs, hs.Failed, hs.Flaky, hs.Passed, hs.Streak, -1, -1, f.Verdict}
		if hs.FirstFailure != nil {
			got.first = runIndex(t, hs.FirstFailure)
		}
		if hs.LastPass != nil {
			got.lastPass = runIndex(t, hs.LastPass)
			if hs.LastPass.SHA != h.shas[got.lastPass] {
				t.Errorf("run %d: last pass sha %s, want %s", i, hs.LastPass.SHA, h.shas[got.lastPass])
			}
		}
		if got != w {
			t.Errorf("run %d: got %+v, want %+v", i, got, w)
		}
		// consistent-after is judged from the ledger: broken marks the
		// issue consistently failing, flaky turns it back.
		title := h.gh.Issue(f.Issue.Number).Title
		if marked := strings.HasSuffix(title, "(consistently failing)"); marked != (w.verdict == health.Broken) {
			t.Errorf("run %d: verdict %s, issue title %q", i, w.verdict, title)
		}
		if rate := float64(w.failed+w.flaky) / float64(w.runs); hs.Rate != rate {
			t.Errorf("run %d: rate %v, want %v", i, hs.Rate, rate)
		}
		if i == 11 {
			s := hs.Suspects
			if s == nil {
				t.Fatalf("run 11: no suspects; errors %v", res.Errors)
			}
			if s.Base != h.shas[10] || s.Head != h.shas[11] || s.CompareURL != "https://github.com/acme/capi-like/compare/"+h.shas[10]+"..."+h.shas[11] {
				t.Errorf("run 11: suspects range %+v", s)
			}
			// The range holds run 11's commit only, which touched another file.
			if len(s.Commits) != 0 {
				t.Errorf("run 11: suspects %+v, want none", s.Commits)
			}
		}
	}
}

// runIndex is the sequence index of a run point (run ids are 1000+i).
func runIndex(t *testing.T, p *health.Point) int {
	t.Helper()
	var n int
	if _, err := fmt.Sscan(p.Run, &n); err != nil {
		t.Fatalf("run id %q: %v", p.Run, err)
	}
	return n - 1000
}

// TestHealthSuspects: the suspects of a failure are the commits since the
// last pass that touched the failing file, not the others; a compare
// that fails (a force-pushed sha) leaves them null with the reason.
func TestHealthSuspects(t *testing.T) {
	h := newHealthRepo(t, 3, func(i int) fakegithub.SeedCommit {
		return fakegithub.SeedCommit{Login: "base", Date: ledgerT0.Add(-time.Hour)}
	})
	// Between the pass (run 0) and the failure, two commits: one touches
	// the test's file, one another file; the run's commit is the last.
	more := h.gh.Seed("main",
		fakegithub.SeedCommit{Login: "alice", Date: ledgerT0.Add(time.Hour), Message: "foo: change the test\n\nbody", Files: []string{healthTestFile}},
		fakegithub.SeedCommit{Login: "bob", Date: ledgerT0.Add(2 * time.Hour), Message: "bar: unrelated", Files: []string{"pkg/bar/bar.go"}},
	)
	h.run(0, "passed")
	h.shas[1] = more[1]
	h.gh.ResetLog()
	res := h.run(1, "failed")
	// One compare call for the range; the path histories are the experts
	// stage's (one commits call per path), none read again.
	compares, commits := 0, 0
	for _, r := range h.gh.Requests() {
		switch {
		case r.Method == "GET" && strings.Contains(r.Path, "/compare/"):
			compares++
		case r.Method == "GET" && strings.HasSuffix(r.Path, "/commits"):
			commits++
		}
	}
	if compares != 1 || commits != len(triage.ExpertPaths(*findingOf(res, "TestA"))) {
		t.Errorf("%d compare and %d commits calls, want 1 and one per path (%d)", compares, commits, len(triage.ExpertPaths(*findingOf(res, "TestA"))))
	}
	f := findingOf(res, "TestA")
	if f == nil || f.History == nil || f.History.Suspects == nil {
		t.Fatalf("no suspects: %+v, errors %v", f, res.Errors)
	}
	s := f.History.Suspects
	if len(s.Commits) != 1 || s.Commits[0].SHA != more[0] || s.Commits[0].Author != "alice" || s.Commits[0].Title != "foo: change the test" ||
		!slices.Contains(s.Commits[0].Files, healthTestFile) {
		t.Errorf("suspects %+v, want alice's commit %s only", s.Commits, more[0])
	}
	if f.History.LastPass.SHA != h.shas[0] || s.Base != h.shas[0] || s.Head != more[1] {
		t.Errorf("range %s...%s, want %s...%s", s.Base, s.Head, h.shas[0], more[1])
	}
	body := h.gh.Issue(f.Issue.Number).Body
	for _, want := range []string{"failed 1 of the last 2 runs (50%)", "```mermaid\nxychart-beta", "foo: change the test", "by alice", "/compare/"} {
		if !strings.Contains(body, want) {
			t.Errorf("issue body lacks %q:\n%s", want, body)
		}
	}
	// Who is notified is the assignment rules' decision: the suspect
	// list names its author without a mention.
	if strings.Contains(body, "by @alice") {
		t.Errorf("a suspect's author is mentioned:\n%s", body)
	}

	// A force push removed the last pass's commit: the compare answers 404.
	h.gh.Unreachable(h.shas[0])
	res = h.run(2, "failed")
	f = findingOf(res, "TestA")
	if f == nil || f.History == nil {
		t.Fatalf("run 2: no history")
	}
	if f.History.Suspects != nil {
		t.Errorf("run 2: suspects %+v, want null", f.History.Suspects)
	}
	if !slices.ContainsFunc(res.Errors, func(e string) bool { return strings.Contains(e, "suspects") && strings.Contains(e, "404") }) {
		t.Errorf("run 2: errors %v do not say why the suspects are unknown", res.Errors)
	}
}

// TestHealthCloseAfter: a test that passed 10 runs in a row after failing
// has its issue closed as completed with one evidence comment, listed in
// passed with action close; its next failure reopens it.
func TestHealthCloseAfter(t *testing.T) {
	h := newHealthRepo(t, 13, func(i int) fakegithub.SeedCommit {
		return fakegithub.SeedCommit{Login: "dev", Date: ledgerT0.AddDate(0, 0, i).Add(-time.Hour), Files: []string{"pkg/bar/bar.go"}}
	})
	res := h.run(0, "failed")
	n := findingOf(res, "TestA").Issue.Number
	if n == 0 {
		t.Fatalf("no issue: %+v", res.Findings)
	}
	for i := 1; i <= 10; i++ {
		res = h.run(i, "passed")
		is := h.gh.Issue(n)
		if i < 10 {
			if is.State != "open" {
				t.Fatalf("run %d: #%d closed after %d passes", i, n, i)
			}
			continue
		}
		if is.State != "closed" || is.StateReason != "completed" {
			t.Fatalf("run 10: #%d is %s (%s), want closed as completed; passed %+v errors %v", n, is.State, is.StateReason, res.Passed, res.Errors)
		}
		closing := 0
		for _, c := range is.Comments {
			if strings.Contains(c, "passed in 10 runs in a row") {
				closing++
				if !strings.Contains(c, h.shas[1][:7]) || !strings.Contains(c, "actions/runs/1001") || !strings.Contains(c, "actions/runs/1010") {
					t.Errorf("the evidence comment lacks the first passing commit or the run links:\n%s", c)
				}
			}
		}
		if closing != 1 {
			t.Errorf("run 10: %d closing comments, want 1: %q", closing, is.Comments)
		}
		if len(res.Passed) != 1 || res.Passed[0].Issue.Action != "close" || res.Passed[0].Issue.Number != n {
			t.Fatalf("run 10: passed %+v, want #%d closed", res.Passed, n)
		}
		if h := res.Passed[0].History; h == nil || h.Runs != 11 || h.Passed != 10 || h.Failed != 1 || h.Streak != 0 {
			t.Errorf("run 10: passed history %+v, want 11 runs, 10 passed, 1 failed", h)
		}
	}
	res = h.run(11, "passed")
	if c := len(h.gh.Issue(n).Comments); c != 1 && !strings.Contains(h.gh.Issue(n).Comments[c-1], "10 runs") {
		t.Errorf("a closed issue got another comment")
	}
	res = h.run(12, "failed")
	if is := h.gh.Issue(n); is.State != "open" {
		t.Errorf("run 12: #%d is %s after a new failure, want reopened", n, is.State)
	}
	if f := findingOf(res, "TestA"); f.Issue.Action != "reopen" || f.Issue.Number != n {
		t.Errorf("run 12: issue %+v, want #%d reopened", f.Issue, n)
	}
}

// TestHealthPriority: the priority label follows the failure rate, and
// once a person put a priority label on the issue the tool leaves its
// priority alone.
func TestHealthPriority(t *testing.T) {
	h := newHealthRepo(t, 9, func(i int) fakegithub.SeedCommit {
		return fakegithub.SeedCommit{Login: "dev", Date: ledgerT0.AddDate(0, 0, i).Add(-time.Hour), Files: []string{"pkg/bar/bar.go"}}
	})
	cfg := filepath.Join(h.dir, ".github", "flake-triage.yaml")
	old, _ := os.ReadFile(cfg)
	conf := string(old) + "priority:\n  - {label: priority/critical-urgent, rate: 0.5}\n  - {label: priority/important-soon, rate: 0.3}\n"
	if err := os.WriteFile(cfg, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	labels := func(n int) []string {
		var out []string
		for _, l := range h.gh.Issue(n).Labels {
			if strings.HasPrefix(l, "priority/") {
				out = append(out, l)
			}
		}
		return out
	}
	res := h.run(0, "failed")
	n := findingOf(res, "TestA").Issue.Number
	if got := labels(n); !slices.Equal(got, []string{"priority/critical-urgent"}) {
		t.Errorf("run 0 (rate 100%%): priority labels %v", got)
	}
	for i := 1; i <= 3; i++ {
		h.run(i, "passed")
	}
	h.run(4, "failed") // 2 of 5 runs: 40%
	if got := labels(n); !slices.Equal(got, []string{"priority/important-soon"}) {
		t.Errorf("run 4 (rate 40%%): priority labels %v", got)
	}
	h.run(5, "passed") // 2 of 6: 33%
	if got := labels(n); !slices.Equal(got, []string{"priority/important-soon"}) {
		t.Errorf("run 5 (rate 33%%): priority labels %v", got)
	}
	h.run(6, "passed") // 2 of 7: 29%, under every level: the tool's label goes
	if got := labels(n); len(got) != 0 {
		t.Errorf("run 6 (rate 29%%): priority labels %v, want none", got)
	}
	// A person decides: their label stays, and the tool adds none.
	h.gh.Edit(n, func(is *fakegithub.Issue) { is.Labels = append(is.Labels, "priority/backlog") })
	h.run(7, "failed")
	h.run(8, "failed") // 4 of 9: 44%, the important level
	if got := labels(n); !slices.Equal(got, []string{"priority/backlog"}) {
		t.Errorf("after a person's label: priority labels %v, want theirs alone", got)
	}
}

// TestHealthFileAfter: with file-after 2 a test's first failure waits
// (no issue, action wait); its second failure in the window files.
func TestHealthFileAfter(t *testing.T) {
	h := newHealthRepo(t, 3, func(i int) fakegithub.SeedCommit {
		return fakegithub.SeedCommit{Login: "dev", Date: ledgerT0.AddDate(0, 0, i).Add(-time.Hour), Files: []string{"pkg/bar/bar.go"}}
	})
	res := h.run(0, "failed", "INPUT_FILE-AFTER", "2")
	if f := findingOf(res, "TestA"); f.Issue.Action != "wait" || f.Issue.Number != 0 || len(h.gh.Issues()) != 0 {
		t.Errorf("run 0: issue %+v, %d issues; want wait and none", f.Issue, len(h.gh.Issues()))
	}
	h.run(1, "passed", "INPUT_FILE-AFTER", "2")
	res = h.run(2, "failed", "INPUT_FILE-AFTER", "2")
	if f := findingOf(res, "TestA"); f.Issue.Action != "create" || f.Issue.Number == 0 {
		t.Errorf("run 2: issue %+v, want created", f.Issue)
	}
}

// TestHealthPullRequest: a pull request run takes the base branch's
// window, which it is not part of, and writes nothing to the ledger; the
// job summary shows the verdicts, rates and the trend chart.
func TestHealthPullRequest(t *testing.T) {
	h := newHealthRepo(t, 6, func(i int) fakegithub.SeedCommit {
		return fakegithub.SeedCommit{Login: "dev", Date: ledgerT0.AddDate(0, 0, i).Add(-time.Hour), Files: []string{"pkg/bar/bar.go"}}
	})
	pr := func(i int) (triage.Result, string) {
		t.Helper()
		summary := filepath.Join(t.TempDir(), "summary")
		if err := os.WriteFile(summary, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		res := h.run(i, "failed", "GITHUB_EVENT_NAME", "pull_request", "GITHUB_REF", "refs/pull/7/merge", "GITHUB_BASE_REF", "main", "GITHUB_STEP_SUMMARY", summary, "GITHUB_RUN_ID", fmt.Sprint(2000+i))
		b, _ := os.ReadFile(summary)
		return res, string(b)
	}
	res, _ := pr(0)
	if f := findingOf(res, "TestA"); f.Verdict != health.Unknown || f.History == nil || f.History.Runs != 0 {
		t.Errorf("PR before any base run: verdict %s history %+v, want unknown and 0 runs", f.Verdict, f.History)
	}
	h.run(1, "passed")
	res, _ = pr(2)
	if f := findingOf(res, "TestA"); f.Verdict != health.New || f.History.Runs != 1 {
		t.Errorf("PR over a passing base: verdict %s, %d runs; want new over 1 (the PR's own run is not in the window)", f.Verdict, f.History.Runs)
	}
	h.run(3, "failed")
	h.run(4, "passed")
	res, _ = pr(5)
	if f := findingOf(res, "TestA"); f.Verdict != health.FlakyVerdict || f.History.Runs != 3 || f.History.Failed != 1 {
		t.Errorf("PR over a base that failed once: verdict %s, history %+v; want flaky, 1 of 3", f.Verdict, f.History)
	}
	h.run(5, "failed") // main's latest run fails
	res, summary := pr(5)
	f := findingOf(res, "TestA")
	if f.Verdict != health.FailingOnBase {
		t.Errorf("PR over a base whose latest run failed: verdict %s, want failing-on-base", f.Verdict)
	}
	for _, want := range []string{"### Health", "| failing-on-base | 2 of 4 runs (50%) |", "xychart-beta", "Failing tests per day"} {
		if !strings.Contains(summary, want) {
			t.Errorf("summary lacks %q:\n%s", want, summary)
		}
	}
}

// TestHealthInfraSkipped: the tests folded into an infrastructure failure
// are recorded in the ledger as skipped, so that they do not count as
// failures in their windows.
func TestHealthInfraSkipped(t *testing.T) {
	h := newHealthRepo(t, 1, func(i int) fakegithub.SeedCommit {
		return fakegithub.SeedCommit{Login: "dev", Date: ledgerT0.Add(-time.Hour), Files: []string{"pkg/bar/bar.go"}}
	})
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?><testsuites><testsuite name="example.com/m/pkg/foo" tests="7">`)
	for i := range 6 {
		fmt.Fprintf(&b, `<testcase name="TestI%d" classname="example.com/m/pkg/foo" time="0.1"><failure message="Failed">foo_test.go:6: dial tcp 10.0.0.1:443: connection refused</failure></testcase>`, i)
	}
	b.WriteString(`<testcase name="TestB" classname="example.com/m/pkg/foo" time="0.1"/></testsuite></testsuites>`)
	h.report = b.String()
	res := h.run(0, "")
	infra := res.InfraTests()
	if len(infra) != 6 {
		t.Fatalf("infra tests %d, want 6; findings %+v", len(infra), res.Findings)
	}
	v, err := ledger.Read(context.Background(), ledger.Dir{Path: h.ledger}, ledger.Query{
		Scope: ledger.Scope{Branch: "main", Size: 50, Since: ledgerT0.AddDate(0, 0, -1)}, Workflow: "unit", Now: ledgerT0, Tests: []string{infra[0].ID, triage.ID("example.com/m/pkg/foo", "example.com/m/pkg/foo", "TestB")}})
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Records) != 1 {
		t.Fatalf("%d records, want 1", len(v.Records))
	}
	r := v.Records[0]
	for _, c := range infra {
		if o := r.Outcome(c.ID); o != ledger.Skipped {
			t.Errorf("%s recorded %s, want skipped", c.Name, o)
		}
	}
	if o := r.Outcome(triage.ID("example.com/m/pkg/foo", "example.com/m/pkg/foo", "TestB")); o != ledger.Passed {
		t.Errorf("TestB recorded %s, want passed", o)
	}
}

// TestHealthSuspectsWithoutExperts: with expert-window 0 the experts
// stage reads no history, and the suspects stage lists each path itself,
// at this run's commit since the last pass.
func TestHealthSuspectsWithoutExperts(t *testing.T) {
	h := newHealthRepo(t, 1, func(i int) fakegithub.SeedCommit {
		return fakegithub.SeedCommit{Login: "base", Date: ledgerT0.Add(-time.Hour)}
	})
	more := h.gh.Seed("main",
		fakegithub.SeedCommit{Login: "alice", Date: ledgerT0.Add(time.Hour), Message: "foo: change the test", Files: []string{healthTestFile}},
		fakegithub.SeedCommit{Login: "bob", Date: ledgerT0.Add(2 * time.Hour), Message: "bar: unrelated", Files: []string{"pkg/bar/bar.go"}},
	)
	h.run(0, "passed", "INPUT_EXPERT-WINDOW", "0")
	h.shas = append(h.shas, more[1])
	h.gh.ResetLog()
	res := h.run(1, "failed", "INPUT_EXPERT-WINDOW", "0")
	f := findingOf(res, "TestA")
	if f == nil || f.History == nil || f.History.Suspects == nil {
		t.Fatalf("no suspects; errors %v", res.Errors)
	}
	if s := f.History.Suspects.Commits; len(s) != 1 || s[0].SHA != more[0] {
		t.Errorf("suspects %+v, want alice's commit only", s)
	}
	for _, r := range h.gh.Requests() {
		if r.Method == "GET" && strings.HasSuffix(r.Path, "/commits") && r.Query.Get("sha") != more[1] {
			t.Errorf("commits listed at %q, want this run's commit", r.Query.Get("sha"))
		}
	}
}
