package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flake-triage/flake-triage/internal/config"
	"github.com/flake-triage/flake-triage/internal/fakegithub"
	"github.com/flake-triage/flake-triage/internal/issue"
	"github.com/flake-triage/flake-triage/internal/ledger"
	"github.com/flake-triage/flake-triage/internal/plan"
	"github.com/flake-triage/flake-triage/internal/report"
	"github.com/flake-triage/flake-triage/internal/tracker"
	"github.com/flake-triage/flake-triage/internal/triage"
)

const historyBranch = "flake-triage-history"

var ledgerT0 = time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)

// runAt is runCLI with the clock at now.
func runAt(t *testing.T, env map[string]string, now time.Time, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Main(context.Background(), args, Env{
		Getenv: func(k string) string { return env[k] },
		Stdout: &out, Stderr: &errb,
		Version:    "test",
		Now:        func() time.Time { return now },
		HTTPClient: &http.Client{Transport: onlyLoopback{}},
	})
	return code, out.String(), errb.String()
}

// pushEnv is a push run's step on main of workflow "e2e".
func pushEnv(t *testing.T, gh *fakegithub.Server, dir string, run int, job string) map[string]string {
	env := stepEnv(t, gh, dir, "push", run)
	env["GITHUB_REF"] = "refs/heads/main"
	env["GITHUB_WORKFLOW"] = "e2e"
	env["GITHUB_JOB"] = job
	// Issue writes are paced as by default; the ledger's Git database writes never are.
	return env
}

// ledgerLines returns the record lines of the history branch, by record key.
func ledgerLines(t *testing.T, gh *fakegithub.Server) map[string]int {
	t.Helper()
	out := map[string]int{}
	re := regexp.MustCompile(`"run":"([^"]+)","attempt":(\d+),"job":"([^"]*)"`)
	for path, content := range gh.Files(historyBranch) {
		if !strings.HasPrefix(path, "runs/") {
			continue
		}
		for _, m := range re.FindAllStringSubmatch(content, -1) {
			out[m[1]+"/"+m[2]+"/"+m[3]]++
		}
	}
	return out
}

// ledgerTallies reads the tallies through the branch store.
func ledgerTallies(t *testing.T, gh *fakegithub.Server) map[string]ledger.Tally {
	t.Helper()
	c, err := tracker.New(gh.Client(), gh.URL, "ghs_secretvalue", "acme/capi-like", "test")
	if err != nil {
		t.Fatal(err)
	}
	v, err := ledger.Read(context.Background(), ledger.Branch{Client: c.REST(), Owner: "acme", Repo: "capi-like", Name: historyBranch}, ledger.Query{})
	if err != nil {
		t.Fatal(err)
	}
	return v.Tests
}

// openCounts returns each open tool issue's recorded count, by test id,
// and fails on a test with two open issues.
func openCounts(t *testing.T, gh *fakegithub.Server) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, is := range gh.Issues() {
		if is.State != "open" {
			continue
		}
		p, err := issue.Parse(is.Body)
		if err != nil || !p.Found {
			t.Errorf("#%d: no readable tool section (%v)", is.Number, err)
			continue
		}
		if _, dup := out[p.ID]; dup {
			t.Errorf("two open issues for %s", p.ID)
		}
		out[p.ID] = p.State.Count
		if !strings.Contains(is.Body, fmt.Sprintf("**Occurrences:** %d ", p.State.Count)) {
			t.Errorf("#%d: the body does not show the count %d", is.Number, p.State.Count)
		}
	}
	return out
}

// TestLedgerConcurrentJobsAndRuns starts 3 jobs of 3 runs at once: every
// occurrence is recorded exactly once in the ledger and in each issue's
// count, when the issues are new (concurrent creates) and when they exist
// already (concurrent body updates, which GitHub cannot compare and swap).
func TestLedgerConcurrentJobsAndRuns(t *testing.T) {
	t.Run("new issues", func(t *testing.T) { concurrentJobsAndRuns(t, false) })
	t.Run("existing issues", func(t *testing.T) { concurrentJobsAndRuns(t, true) })
}

func concurrentJobsAndRuns(t *testing.T, existing bool) {
	dir := extractSample(t)
	gh := fakegithub.New(t, "acme", "capi-like", "ghs_secretvalue")
	want := 9
	if existing {
		if code, _, stderr := runAt(t, pushEnv(t, gh, dir, 99, "e2e"), ledgerT0.Add(-time.Hour), "triage"); code != ExitOK {
			t.Fatalf("exit %d\n%s", code, stderr)
		}
		want = 10
	}
	var wg sync.WaitGroup
	for run := range 3 {
		for job := range 3 {
			wg.Go(func() {
				env := pushEnv(t, gh, dir, 100+run, fmt.Sprintf("e2e-%d", job))
				if code, _, stderr := runAt(t, env, ledgerT0.Add(time.Duration(run)*time.Minute), "triage"); code != ExitOK {
					t.Errorf("run %d job %d: exit %d\n%s", run, job, code, stderr)
				}
			})
		}
	}
	wg.Wait()
	lines := ledgerLines(t, gh)
	if len(lines) != want {
		t.Errorf("ledger records %v, want %d", lines, want)
	}
	for k, n := range lines {
		if n != 1 {
			t.Errorf("record %s written %d times", k, n)
		}
	}
	tallies := ledgerTallies(t, gh)
	counts := openCounts(t, gh)
	if len(counts) != 4 {
		t.Fatalf("open issues by test %v, want 4", counts)
	}
	for id, n := range counts {
		if n != want || tallies[id].Count != want {
			t.Errorf("test %s: issue count %d, ledger count %d; want %d", id, n, tallies[id].Count, want)
		}
	}
	if v := gh.Violations(); len(v) > 0 {
		t.Errorf("requests that GitHub's OpenAPI description rejects:\n%s", strings.Join(v, "\n"))
	}
}

// TestLedgerOldRunWritesNothing re-triages a run 300 runs old, which the
// issues' own state no longer remembers: the ledger does, and nothing is
// written.
func TestLedgerOldRunWritesNothing(t *testing.T) {
	dir := extractSample(t)
	gh := fakegithub.New(t, "acme", "capi-like", "ghs_secretvalue")
	if code, _, stderr := runAt(t, pushEnv(t, gh, dir, 1, "e2e"), ledgerT0, "triage"); code != ExitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	for i := 2; i <= 301; i++ {
		addRecord(t, gh, fmt.Sprint(i), ledgerT0.Add(time.Duration(i)*time.Minute))
	}
	// The issues agree with the ledger (as the runs of those 300 records
	// left them), and their state holds the newest 50 runs only: run 1
	// has left it.
	tallies := ledgerTallies(t, gh)
	for _, is := range gh.Issues() {
		p, _ := issue.Parse(is.Body)
		st := p.State
		tl := tallies[p.ID]
		st.Count, st.First, st.Last = tl.Count, tl.First, tl.Last
		st.Runs = nil
		body, err := issue.Restate(is.Body, st)
		if err != nil {
			t.Fatal(err)
		}
		gh.Edit(is.Number, func(x *fakegithub.Issue) { x.Body = body })
	}
	before := fmt.Sprint(ledgerTallies(t, gh))
	writes := gh.Writes()
	code, stdout, stderr := runAt(t, pushEnv(t, gh, dir, 1, "e2e"), ledgerT0, "triage")
	if code != ExitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if n := gh.Writes() - writes; n != 0 {
		t.Errorf("re-triaging run 1 made %d writes, want none", n)
	}
	for name, a := range actions(t, stdout) {
		if !strings.HasPrefix(a, "none") {
			t.Errorf("%s: %s, want none", name, a)
		}
	}
	if after := fmt.Sprint(ledgerTallies(t, gh)); after != before {
		t.Error("the tallies changed")
	}
}

// addRecord adds a record in which the sample's 4 tests failed, as
// another job would.
func addRecord(t *testing.T, gh *fakegithub.Server, run string, at time.Time) {
	t.Helper()
	c, err := tracker.New(gh.Client(), gh.URL, "ghs_secretvalue", "acme/capi-like", "test")
	if err != nil {
		t.Fatal(err)
	}
	store := ledger.Branch{Client: c.REST(), Owner: "acme", Repo: "capi-like", Name: historyBranch}
	ids := ledgerTallies(t, gh)
	outcomes := map[string]ledger.Outcome{"passing-test": ledger.Passed}
	for id := range ids {
		outcomes[id] = ledger.Failed
	}
	r := ledger.NewRecord(ledger.Key{Run: run, Attempt: 1, Job: "other"}, maps.All(outcomes))
	r.Workflow, r.Branch, r.Time, r.Event = "e2e", "main", at, "push"
	v, err := ledger.Read(context.Background(), store, ledger.Query{Record: &r})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ledger.Add(context.Background(), v, &r, false, ledger.Update{}); err != nil {
		t.Fatal(err)
	}
}

// TestLedgerRepairsIssues: a human deletes the tool's section of one
// issue and garbles the state block of another; the next run restores
// both from the ledger, with no second issue.
func TestLedgerRepairsIssues(t *testing.T) {
	dir := extractSample(t)
	gh := fakegithub.New(t, "acme", "capi-like", "ghs_secretvalue")
	for run := 1; run <= 2; run++ {
		if code, _, stderr := runAt(t, pushEnv(t, gh, dir, run, "e2e"), ledgerT0.Add(time.Duration(run)*time.Hour), "triage"); code != ExitOK {
			t.Fatalf("run %d: exit %d\n%s", run, code, stderr)
		}
	}
	issues := gh.Issues()
	if len(issues) != 4 {
		t.Fatalf("%d issues, want 4", len(issues))
	}
	deleted, garbled := issues[0].Number, issues[1].Number
	gh.Edit(deleted, func(is *fakegithub.Issue) { is.Body = "We looked at this, it is the etcd timeout.\n" })
	gh.Edit(garbled, func(is *fakegithub.Issue) {
		i := strings.Index(is.Body, "<!-- flake-triage:state ")
		is.Body = is.Body[:i+30] + "!!garbled!!" + is.Body[i+40:]
	})
	if code, _, stderr := runAt(t, pushEnv(t, gh, dir, 3, "e2e"), ledgerT0.Add(3*time.Hour), "triage"); code != ExitOK {
		t.Fatalf("run 3: exit %d\n%s", code, stderr)
	}
	if n := len(gh.Issues()); n != 4 {
		t.Errorf("%d issues after the repair, want still 4", n)
	}
	if b := gh.Issue(deleted).Body; !strings.HasPrefix(b, "We looked at this, it is the etcd timeout.") {
		t.Errorf("the human text of #%d was not kept:\n%s", deleted, b)
	}
	tallies := ledgerTallies(t, gh)
	for id, n := range openCounts(t, gh) {
		if n != 3 || tallies[id].Count != 3 {
			t.Errorf("test %s: issue count %d, ledger %d; want 3", id, n, tallies[id].Count)
		}
		if tallies[id].Issue == 0 {
			t.Errorf("test %s: the ledger keeps no issue number", id)
		}
	}
}

// TestLedgerSurvivesConcurrentWritersWithConflicts: 4 processes write at
// once while the ref update keeps losing races to another writer; no
// record is lost or duplicated.
func TestLedgerSurvivesConcurrentWritersWithConflicts(t *testing.T) {
	dir := extractSample(t)
	gh := fakegithub.New(t, "acme", "capi-like", "ghs_secretvalue")
	// Create the branch first, then make ref updates lose races.
	if code, _, stderr := runAt(t, pushEnv(t, gh, dir, 1, "e2e"), ledgerT0, "triage"); code != ExitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	gh.RaceRef("heads/"+historyBranch, 4, map[string]string{"other/file.txt": "another writer\n"})
	var wg sync.WaitGroup
	for p := range 4 {
		wg.Go(func() {
			env := pushEnv(t, gh, dir, 10+p, "e2e")
			if code, _, stderr := runAt(t, env, ledgerT0.Add(time.Duration(p+1)*time.Minute), "triage"); code != ExitOK {
				t.Errorf("process %d: exit %d\n%s", p, code, stderr)
			}
		})
	}
	wg.Wait()
	lines := ledgerLines(t, gh)
	if len(lines) != 5 {
		t.Errorf("records %v, want 5", lines)
	}
	for k, n := range lines {
		if n != 1 {
			t.Errorf("record %s written %d times", k, n)
		}
	}
	for id, tl := range ledgerTallies(t, gh) {
		if tl.Count != 5 {
			t.Errorf("test %s: ledger count %d, want 5", id, tl.Count)
		}
	}
	if _, ok := gh.Files(historyBranch)["other/file.txt"]; !ok {
		t.Error("the other writer's file was lost")
	}
}

// TestLedgerWriteForbidden: without contents: write, one warning and a
// summary line name the permission; the run goes on, exit code unchanged.
func TestLedgerWriteForbidden(t *testing.T) {
	dir := extractSample(t)
	gh := fakegithub.New(t, "acme", "capi-like", "ghs_secretvalue")
	gh.ForbidContentsWrite()
	env := pushEnv(t, gh, dir, 1, "e2e")
	env["INPUT_JSON"] = filepath.Join(t.TempDir(), "result.json")
	code, stdout, stderr := runAt(t, env, ledgerT0, "triage")
	if code != ExitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if n := strings.Count(stdout, "::warning::the run ledger branch:flake-triage-history was not written"); n != 1 {
		t.Errorf("%d warnings about the ledger, want 1:\n%s", n, stdout)
	}
	summary := string(mustRead(t, env["GITHUB_STEP_SUMMARY"]))
	if !strings.Contains(summary, "contents: write") {
		t.Errorf("the summary does not name contents: write:\n%s", summary)
	}
	if len(gh.Issues()) != 4 {
		t.Errorf("%d issues, want 4: the run goes on", len(gh.Issues()))
	}
}

// TestLedgerBadFile: a ledger file that cannot be read is named, the run
// falls back to the issues' state, and the file is not rewritten.
func TestLedgerBadFile(t *testing.T) {
	dir := extractSample(t)
	gh := fakegithub.New(t, "acme", "capi-like", "ghs_secretvalue")
	if code, _, stderr := runAt(t, pushEnv(t, gh, dir, 1, "e2e"), ledgerT0, "triage"); code != ExitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	// A later version of the tool wrote the tallies.
	gh.RaceRef("heads/"+historyBranch, 1, map[string]string{"tests.jsonl": "{\"ledger\":7,\"kind\":\"tests\"}\n"})
	addRecordIgnoringErrors(gh)
	bad := gh.Files(historyBranch)["tests.jsonl"]
	code, stdout, stderr := runAt(t, pushEnv(t, gh, dir, 2, "e2e"), ledgerT0.Add(time.Hour), "triage")
	if code != ExitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	var res triage.Result
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatal(err)
	}
	if errs := strings.Join(res.Errors, "\n"); !strings.Contains(errs, "tests.jsonl") || !strings.Contains(errs, "later version") {
		t.Errorf("errors do not name the file and its version: %q", res.Errors)
	}
	if gh.Files(historyBranch)["tests.jsonl"] != bad {
		t.Error("the unreadable file was rewritten")
	}
	for name, a := range actions(t, stdout) {
		if !strings.HasPrefix(a, "update") {
			t.Errorf("%s: %s, want update from the issue's state", name, a)
		}
	}
}

// addRecordIgnoringErrors pushes a ref update so that a RaceRef lands.
func addRecordIgnoringErrors(gh *fakegithub.Server) {
	c, _ := tracker.New(gh.Client(), gh.URL, "ghs_secretvalue", "acme/capi-like", "test")
	store := ledger.Branch{Client: c.REST(), Owner: "acme", Repo: "capi-like", Name: historyBranch}
	h, err := store.Head(context.Background())
	if err != nil {
		return
	}
	_ = store.Write(context.Background(), h, []ledger.Change{{Path: "README.md", New: []byte("ledger\n")}}, "readme")
}

// TestLedgerFromRunOfARecordedRun: a --from-run re-triage of a run that a
// job of it recorded already adds no record and writes nothing.
func TestLedgerFromRunOfARecordedRun(t *testing.T) {
	dir := extractSample(t)
	zipped := artifactZip(t, mustRead(t, filepath.Join(dir, "reports/ginkgo-e2e.xml")), "reports/ginkgo-e2e.xml")
	gh := fakegithub.New(t, "acme", "capi-like", "ghs_secretvalue")
	gh.AddRun(555, 2, "fedcba9876543210fedcba9876543210fedcba98", "main", "push", fakegithub.Artifact{Name: "junit-e2e", Zip: zipped})
	env := pushEnv(t, gh, dir, 555, "e2e")
	env["GITHUB_RUN_ATTEMPT"] = "2"
	if code, _, stderr := runAt(t, env, ledgerT0, "triage"); code != ExitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	lines := ledgerLines(t, gh)
	writes := gh.Writes()
	plain := map[string]string{"GITHUB_API_URL": gh.URL, "GITHUB_TOKEN": "ghs_secretvalue", "GITHUB_REPOSITORY": "acme/capi-like"}
	code, stdout, stderr := runAt(t, plain, ledgerT0.Add(24*time.Hour), "triage", "--from-run", "555", "--mode", "file", "--repo-root", dir, "--json", "-")
	if code != ExitOK {
		t.Fatalf("from-run: exit %d\n%s", code, stderr)
	}
	if n := gh.Writes() - writes; n != 0 {
		t.Errorf("the re-triage made %d writes, want none", n)
	}
	if got := ledgerLines(t, gh); fmt.Sprint(got) != fmt.Sprint(lines) {
		t.Errorf("ledger records %v, want still %v", got, lines)
	}
	for name, a := range actions(t, stdout) {
		if !strings.HasPrefix(a, "none") {
			t.Errorf("%s: %s, want none", name, a)
		}
	}
}

// TestLedgerInADirectory: history dir:PATH keeps the same layout on disk;
// a dry run reads it and writes nothing.
func TestLedgerInADirectory(t *testing.T) {
	dir := extractSample(t)
	gh := fakegithub.New(t, "acme", "capi-like", "ghs_secretvalue")
	hist := filepath.Join(t.TempDir(), "ledger")
	env := pushEnv(t, gh, dir, 7, "e2e")
	env["INPUT_HISTORY"] = "dir:" + hist
	env["INPUT_JOB-KEY"] = `{"go":"1.26","os":"ubuntu"}`
	if code, _, stderr := runAt(t, env, ledgerT0, "triage"); code != ExitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	seg, err := os.ReadFile(filepath.Join(hist, "runs", "main", "e2e", "2026-12.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(seg), `"run":"7","attempt":1,"job":"e2e","job_key":"{\"go\":\"1.26\",\"os\":\"ubuntu\"}"`) {
		t.Errorf("the segment does not hold the record:\n%s", seg)
	}
	if _, ok := gh.Files(historyBranch)["tests.jsonl"]; ok {
		t.Error("a dir: ledger wrote the branch")
	}
	for _, is := range gh.Issues() {
		if !strings.Contains(is.Body, "e2e (1.26, ubuntu)") {
			t.Errorf("#%d does not show the matrix leg", is.Number)
			break
		}
	}
	env = pushEnv(t, gh, dir, 8, "e2e")
	env["INPUT_HISTORY"] = "dir:" + hist
	env["INPUT_DRY-RUN"] = "true"
	code, stdout, stderr := runAt(t, env, ledgerT0.Add(time.Hour), "triage")
	if code != ExitOK {
		t.Fatalf("dry run: exit %d\n%s", code, stderr)
	}
	after, _ := os.ReadFile(filepath.Join(hist, "runs", "main", "e2e", "2026-12.jsonl"))
	if string(after) != string(seg) {
		t.Error("a dry run wrote the ledger")
	}
	for name, a := range actions(t, stdout) {
		if !strings.HasPrefix(a, "update") {
			t.Errorf("dry run: %s: %s, want update", name, a)
		}
	}
}

// TestLedgerRecordOfAProwRun: a Prow job run is recorded by its build id,
// under its job, and a periodic or postsubmit job's record feeds its base
// branch; a presubmit's reads its base branch's window and feeds none.
func TestLedgerRecordOfAProwRun(t *testing.T) {
	c := report.NewCollector(report.WithOutcomes(triage.ID))
	if err := c.Add("junit.xml", strings.NewReader(`<testsuite name="s"><testcase classname="c" name="a"/><testcase classname="c" name="b"><failure/></testcase></testsuite>`)); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ typ, branch, window string }{
		{"periodic", "main", "main"}, {"postsubmit", "main", "main"}, {"presubmit", "", "main"},
	} {
		r := &run{set: c.Set(), env: Env{Getenv: func(string) string { return "" }},
			info: plan.Run{ID: 0, Attempt: 1, Job: "ci-e2e", Event: tc.typ, Started: ledgerT0},
			prow: &triage.Prow{Job: "ci-e2e", BuildID: "1790000000000000000", Type: tc.typ, BaseRef: "main"}}
		rec := r.record(r.info.Job)
		if rec.Run != "1790000000000000000" || rec.Workflow != "ci-e2e" || rec.Branch != tc.branch || r.windowBranch(rec) != tc.window {
			t.Errorf("%s: record %s of %q on %q, window %q", tc.typ, rec.Key, rec.Workflow, rec.Branch, r.windowBranch(rec))
		}
		if got := rec.Outcome(triage.ID("s", "c", "b")); got != ledger.Failed {
			t.Errorf("%s: b %v, want failed", tc.typ, got)
		}
	}
}

// TestLedgerRecordFoldsCases: with group-subtests a record holds the
// top-level test, its outcome folded from its cases as the finding folds
// them (a failed case fails it, a pass and a flake make it flaky).
func TestLedgerRecordFoldsCases(t *testing.T) {
	xml := `<testsuite name="s">
<testcase classname="p" name="TestX"><failure/></testcase>
<testcase classname="p" name="TestX/a"/>
<testcase classname="p" name="TestX/b"><failure/></testcase>
<testcase classname="m" name="test_y[1]"/>
<testcase classname="m" name="test_y[2]"><failure/></testcase>
<testcase classname="m" name="test_y[2]"/>
<testcase classname="m" name="test_z"><skipped/></testcase>
</testsuite>`
	for _, group := range []bool{true, false} {
		r := &run{env: Env{Getenv: func(string) string { return "" }}, info: plan.Run{ID: 1, Attempt: 1, Job: "j", Started: ledgerT0}}
		r.cfg = config.Default()
		r.cfg.GroupSubtests = group
		c := report.NewCollector(r.reportOptions()...)
		if err := c.Add("r.xml", strings.NewReader(xml)); err != nil {
			t.Fatal(err)
		}
		r.set = c.Set()
		rec := r.record("j")
		want := map[string]ledger.Outcome{
			triage.ID("s", "p", "TestX"): ledger.Failed, triage.ID("s", "m", "test_y"): ledger.Flaky, triage.ID("s", "m", "test_z"): ledger.Skipped,
		}
		if !group {
			want = map[string]ledger.Outcome{
				triage.ID("s", "p", "TestX"): ledger.Failed, triage.ID("s", "p", "TestX/a"): ledger.Passed, triage.ID("s", "p", "TestX/b"): ledger.Failed,
				triage.ID("s", "m", "test_y[1]"): ledger.Passed, triage.ID("s", "m", "test_y[2]"): ledger.Flaky, triage.ID("s", "m", "test_z"): ledger.Skipped,
			}
		}
		if n := len(rec.Tests()); n != len(want) {
			t.Errorf("group %v: %d tests recorded, want %d", group, n, len(want))
		}
		for id, o := range want {
			if got := rec.Outcome(id); got != o {
				t.Errorf("group %v: %s is %v, want %v", group, id, got, o)
			}
		}
	}
}
