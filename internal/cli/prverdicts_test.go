package cli

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/flake-triage/flake-triage/internal/fakegithub"
	"github.com/flake-triage/flake-triage/internal/health"
	"github.com/flake-triage/flake-triage/internal/triage"
)

// prFile is the test file of the pull request scenario: four tests that
// fail on the pull request, each with its own history on main.
const prFile = `package foo

import "testing"

func TestN(t *testing.T) {
	t.Fatal("new")
}

func TestK(t *testing.T) {
	t.Fatal("flaky")
}

func TestB(t *testing.T) {
	t.Fatal("broken on main")
}

func TestQ(t *testing.T) {
	t.Fatal("quarantined")
}
`

// prReport is a report of the four tests with the given outcomes
// ("passed", "failed", "flaky": failed, then passed on a retry).
func prReport(outcomes map[string]string) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?><testsuites><testsuite name="example.com/m/pkg/foo" tests="4">`)
	line := map[string]int{"TestN": 6, "TestK": 10, "TestB": 14, "TestQ": 18}
	for _, name := range []string{"TestN", "TestK", "TestB", "TestQ"} {
		failed := fmt.Sprintf(`<testcase name="%s" classname="example.com/m/pkg/foo" time="0.1"><failure message="Failed">foo_test.go:%d: boom</failure></testcase>`, name, line[name])
		passed := fmt.Sprintf(`<testcase name="%s" classname="example.com/m/pkg/foo" time="0.1"/>`, name)
		switch outcomes[name] {
		case "failed":
			b.WriteString(failed)
		case "flaky":
			b.WriteString(failed + passed)
		default:
			b.WriteString(passed)
		}
	}
	b.WriteString(`</testsuite></testsuites>`)
	return b.String()
}

// prScenario is main's history, built by real push runs of the tool
// with the ledger on the fake's history branch: TestK flaked in two of
// eight runs, TestB failed in the latest, TestQ failed once and a
// person then labelled its issue with the quarantine label, TestN never
// failed. It returns the repository and the issues of K, B and Q.
func prScenario(t *testing.T) (h *healthRepo, issues map[string]int) {
	t.Helper()
	const runs = 8
	h = newHealthRepoIn(t, runs, func(i int) fakegithub.SeedCommit {
		return fakegithub.SeedCommit{Login: "dev", Date: ledgerT0.AddDate(0, 0, i).Add(-time.Hour), Files: []string{"pkg/bar/bar.go"}}
	}, "branch")
	writeFile(t, filepath.Join(h.dir, healthTestFile), prFile)
	issues = map[string]int{}
	for i := range runs {
		o := map[string]string{}
		switch i {
		case 0:
			o["TestQ"] = "failed"
		case 1, 4:
			o["TestK"] = "flaky"
		case runs - 1:
			o["TestB"] = "failed"
		}
		h.report = prReport(o)
		res := h.run(i, "", "GITHUB_WORKFLOW", "e2e")
		for _, f := range res.Findings {
			if f.Issue.Number == 0 {
				t.Fatalf("main run %d: %s has no issue: %+v", i, f.Test.Name, f.Issue)
			}
			issues[f.Test.Name] = f.Issue.Number
		}
	}
	if len(issues) != 3 {
		t.Fatalf("issues after main's runs: %v, want K, B and Q's", issues)
	}
	// A person quarantines TestQ on its issue.
	h.gh.Edit(issues["TestQ"], func(is *fakegithub.Issue) { is.Labels = append(is.Labels, "flake-triage/quarantine") })
	return h, issues
}

// prPayload is the real pull_request payload of testdata with its base
// branch set to main, written to a temporary file.
func prPayload(t *testing.T) string {
	t.Helper()
	var ev map[string]any
	if err := json.Unmarshal(mustRead(t, "testdata/pull_request.json"), &ev); err != nil {
		t.Fatal(err)
	}
	ev["pull_request"].(map[string]any)["base"].(map[string]any)["ref"] = "main"
	data, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "event.json")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// prRun runs the pull request's job (run id, day 10) with fail-on new
// over a report of the given outcomes, and returns its exit code, result,
// annotations (stderr), outputs and summary.
func prRun(t *testing.T, h *healthRepo, id int, outcomes map[string]string, extra ...string) (code int, res triage.Result, stderr, outputs, summary string) {
	t.Helper()
	h.report = prReport(outcomes)
	writeFile(t, filepath.Join(h.dir, "reports", "junit.xml"), h.report)
	env := stepEnv(t, h.gh, h.dir, "pull_request", id)
	env["GITHUB_REF"] = "refs/pull/2/merge"
	env["GITHUB_BASE_REF"] = "main"
	env["GITHUB_HEAD_REF"] = "changes"
	env["GITHUB_EVENT_PATH"] = prPayload(t)
	env["GITHUB_WORKFLOW"] = "e2e"
	env["INPUT_REPORTS"] = "reports/junit.xml"
	env["INPUT_FAIL-ON"] = "new"
	for j := 0; j+1 < len(extra); j += 2 {
		env[extra[j]] = extra[j+1]
	}
	now := ledgerT0.AddDate(0, 0, 10)
	h.gh.SetClock(func() time.Time { return now })
	code, stdout, stderr := runAt(t, env, now, "triage")
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatalf("PR run %d: exit %d, %v\n%s\n%s", id, code, err, stdout, stderr)
	}
	return code, res, stderr, string(mustRead(t, env["GITHUB_OUTPUT"])), string(mustRead(t, env["GITHUB_STEP_SUMMARY"]))
}

// annotationOf is the workflow-command annotation titled test (or
// classname.test), "" if none.
func annotationOf(stderr, test string) string {
	for _, l := range strings.Split(stderr, "\n") {
		if strings.HasPrefix(l, "::") && (strings.Contains(l, "title="+test+"::") || strings.Contains(l, "."+test+"::")) {
			return l
		}
	}
	return ""
}

// output is the value of a step output in a GITHUB_OUTPUT file.
func output(outputs, name string) string {
	_, rest, ok := strings.Cut(outputs, name+"<<")
	if !ok {
		return ""
	}
	delim, rest, _ := strings.Cut(rest, "\n")
	v, _, _ := strings.Cut(rest, "\n"+delim)
	return v
}

// TestPullRequestVerdictsEndToEnd: a pull request run over main's
// history where a new test, a known flake, a test failing on main and a
// quarantined test fail gives the four verdicts, names the flake's issue
// and rate on main in its annotation, new-failures=1, exits 1 under
// fail-on new with the summary naming the deciding test, and 0 once the
// new failure is gone. The pull request's runs write nothing: no record
// in the ledger, no issue.
func TestPullRequestVerdictsEndToEnd(t *testing.T) {
	h, issues := prScenario(t)
	lines := ledgerLines(t, h.gh)
	before := len(h.gh.Issues())
	h.gh.ResetLog()

	all := map[string]string{"TestN": "failed", "TestK": "failed", "TestB": "failed", "TestQ": "failed"}
	code, res, stderr, outputs, summary := prRun(t, h, 2000, all)
	want := map[string]string{"TestN": health.New, "TestK": health.FlakyVerdict, "TestB": health.FailingOnBase, "TestQ": health.Quarantined}
	for name, v := range want {
		f := findingOf(res, name)
		if f == nil {
			t.Fatalf("no finding for %s: %+v", name, res.Findings)
		}
		if f.Verdict != v {
			t.Errorf("%s: verdict %q, want %q (history %+v)", name, f.Verdict, v, f.History)
		}
	}
	if code != ExitFailed {
		t.Errorf("fail-on new with a new failure: exit %d, want 1\n%s", code, stderr)
	}
	if got := output(outputs, "new-failures"); got != "1" {
		t.Errorf("new-failures = %q, want 1\n%s", got, outputs)
	}
	// The known flake: its issue and its rate on main (2 of the 8 runs;
	// a workflow command writes "%" as "%25").
	k := annotationOf(stderr, "TestK")
	if !strings.Contains(k, fmt.Sprintf("known flake #%d", issues["TestK"])) || !strings.Contains(k, "failed 2 of the last 8 runs on main (25%25)") {
		t.Errorf("TestK's annotation does not name its issue and rate on main:\n%s", k)
	}
	if n := annotationOf(stderr, "TestN"); !strings.Contains(n, "verdict: new") || !strings.Contains(n, "never failed in the last 8 runs on main") {
		t.Errorf("TestN's annotation does not say it is new on main:\n%s", n)
	}
	if b := annotationOf(stderr, "TestB"); !strings.Contains(b, "verdict: failing-on-base") || !strings.Contains(b, fmt.Sprintf("#%d", issues["TestB"])) {
		t.Errorf("TestB's annotation:\n%s", b)
	}
	if q := annotationOf(stderr, "TestQ"); !strings.Contains(q, "verdict: quarantined") {
		t.Errorf("TestQ's annotation:\n%s", q)
	}
	// The summary says which finding decided the exit, and only that one.
	_, failOn, _ := strings.Cut(summary, "### fail-on: `new`")
	failOn, _, _ = strings.Cut(failOn, "\n###")
	if !strings.Contains(failOn, "The job fails: 1 finding is") || !strings.Contains(failOn, ".TestN`: failure new") {
		t.Errorf("the summary does not name TestN as deciding:\n%s", summary)
	}
	for _, other := range []string{"TestK", "TestB", "TestQ"} {
		if strings.Contains(failOn, other) {
			t.Errorf("the fail-on section names %s, which did not decide:\n%s", other, failOn)
		}
	}
	if n := h.gh.Writes(); n != 0 {
		t.Errorf("the pull request run made %d write requests, want none", n)
	}
	if got := ledgerLines(t, h.gh); len(got) != len(lines) {
		t.Errorf("the ledger holds %d records after the pull request run, want %d", len(got), len(lines))
	}
	if n := len(h.gh.Issues()); n != before {
		t.Errorf("%d issues after the pull request run, want %d", n, before)
	}

	// The author fixes the new failure: the rest do not fail the job.
	delete(all, "TestN")
	code, res, stderr, outputs, summary = prRun(t, h, 2001, all)
	if code != ExitOK {
		t.Errorf("fail-on new without a new failure: exit %d, want 0\n%s", code, stderr)
	}
	if got := output(outputs, "new-failures"); got != "0" {
		t.Errorf("new-failures = %q, want 0", got)
	}
	if len(res.Findings) != 3 {
		t.Errorf("%d findings, want 3", len(res.Findings))
	}
	if !strings.Contains(summary, "The job passes") {
		t.Errorf("the summary does not say the job passes:\n%s", summary)
	}
	if n := h.gh.Writes(); n != 0 {
		t.Errorf("the pull request runs made %d write requests, want none", n)
	}
}

// TestPullRequestWithoutBaseLedger: a pull request whose base branch has
// no ledger yet calls its failures unknown, not new, and fail-on new
// does not fail on them.
func TestPullRequestWithoutBaseLedger(t *testing.T) {
	h := newHealthRepoIn(t, 1, func(i int) fakegithub.SeedCommit {
		return fakegithub.SeedCommit{Login: "dev", Date: ledgerT0.Add(-time.Hour), Files: []string{"pkg/bar/bar.go"}}
	}, "branch")
	writeFile(t, filepath.Join(h.dir, healthTestFile), prFile)
	code, res, stderr, outputs, summary := prRun(t, h, 2000, map[string]string{"TestN": "failed", "TestK": "flaky"})
	if len(res.Findings) != 2 {
		t.Fatalf("findings %+v, want 2", res.Findings)
	}
	for _, f := range res.Findings {
		if f.Verdict != health.Unknown {
			t.Errorf("%s: verdict %q without a base ledger, want unknown", f.Test.Name, f.Verdict)
		}
	}
	if code != ExitOK {
		t.Errorf("fail-on new over unknown verdicts: exit %d, want 0\n%s", code, stderr)
	}
	if got := output(outputs, "new-failures"); got != "0" {
		t.Errorf("new-failures = %q, want 0", got)
	}
	if n := annotationOf(stderr, "TestN"); !strings.Contains(n, "unknown history") {
		t.Errorf("TestN's annotation does not say its history is unknown:\n%s", n)
	}
	if !strings.Contains(summary, "The job passes") {
		t.Errorf("the summary does not say the job passes:\n%s", summary)
	}
	if n := h.gh.Writes(); n != 0 {
		t.Errorf("the pull request run made %d write requests (the ledger branch must not be created), want none", n)
	}
}

// forkArtifact is the artifact a fork's pull request run uploads: its
// report, and files the fork planted to decide policy (a config that
// turns the ledger and fail-on off, an OWNERS file naming its author),
// which are never read.
func forkArtifact(t *testing.T, report string) []byte {
	t.Helper()
	var zipped bytes.Buffer
	zw := zip.NewWriter(&zipped)
	for name, body := range map[string]string{
		"reports/junit.xml":                 report,
		".github/flake-triage.yaml":         "history: off\nfail-on: never\n",
		"pkg/foo/OWNERS":                    "approvers:\n  - mallory\n",
		"reports/.github/flake-triage.yaml": "history: off\n",
	} {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return zipped.Bytes()
}

// TestPullRequestVerdictsFromAFork: the fork path. A fork's pull_request
// run uploads its report; a workflow_run workflow in the base repository
// (mode auto, the base branch checked out) triages it with --from-run.
// It is a pull request run: the same verdicts from main's window, the
// pull request (found by the fork's head repository and commit, since
// GitHub lists none for a fork's run) gets the comment, fail-on new
// fails on the new test, nothing is filed and no record is written.
// Config and OWNERS come from the checkout, never from the fork's files.
func TestPullRequestVerdictsFromAFork(t *testing.T) {
	h, issues := prScenario(t)
	writeFile(t, filepath.Join(h.dir, "pkg", "foo", "OWNERS"), "approvers:\n  - alice\n")
	const head = "ec26c3e57ca3a959ca5aad62de7213c562f8c821"
	pr := h.gh.AddIssue(fakegithub.Issue{Title: "Update the README", PullRequest: true, User: "contributor"})
	h.gh.SetPullRequestHead(pr, fakegithub.Head{Repo: "contributor/capi-like", Ref: "changes", SHA: head, Base: "main"})
	all := map[string]string{"TestN": "failed", "TestK": "failed", "TestB": "failed", "TestQ": "failed"}
	h.gh.AddRun(3000, 1, head, "changes", "pull_request", fakegithub.Artifact{Name: "junit", Zip: forkArtifact(t, prReport(all))})
	h.gh.SetRunHeadRepository(3000, "contributor/capi-like")

	// The workflow_run event that started the triage: a fork's run lists
	// no pull request.
	var ev map[string]any
	if err := json.Unmarshal(mustRead(t, "testdata/workflow_run.json"), &ev); err != nil {
		t.Fatal(err)
	}
	wr := ev["workflow_run"].(map[string]any)
	wr["id"], wr["event"], wr["head_sha"], wr["head_branch"], wr["pull_requests"], wr["name"] = 3000, "pull_request", head, "changes", []any{}, "e2e"
	wr["head_repository"].(map[string]any)["full_name"] = "contributor/capi-like"
	ev["repository"].(map[string]any)["full_name"] = "acme/capi-like"
	payload, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	eventPath := filepath.Join(t.TempDir(), "event.json")
	writeFile(t, eventPath, string(payload))

	lines := ledgerLines(t, h.gh)
	before := len(h.gh.Issues())
	h.gh.ResetLog()
	env := stepEnv(t, h.gh, h.dir, "workflow_run", 4000)
	env["GITHUB_REF"] = "refs/heads/main"
	env["GITHUB_WORKFLOW"] = "triage e2e"
	env["GITHUB_JOB"] = "triage"
	env["GITHUB_EVENT_PATH"] = eventPath
	delete(env, "INPUT_REPORTS")
	env["INPUT_FROM-RUN"] = "3000"
	env["INPUT_PR-COMMENT"] = "true"
	env["INPUT_FAIL-ON"] = "new"
	now := ledgerT0.AddDate(0, 0, 10)
	h.gh.SetClock(func() time.Time { return now })
	code, stdout, stderr := runAt(t, env, now, "triage")
	var res triage.Result
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatalf("exit %d: %v\n%s", code, err, stderr)
	}
	if res.Mode != "annotate" {
		t.Errorf("mode %q for a from-run of a pull request's run, want annotate", res.Mode)
	}
	want := map[string]string{"TestN": health.New, "TestK": health.FlakyVerdict, "TestB": health.FailingOnBase, "TestQ": health.Quarantined}
	for name, v := range want {
		f := findingOf(res, name)
		if f == nil {
			t.Fatalf("no finding for %s: %+v\n%s", name, res.Findings, stderr)
		}
		if f.Verdict != v {
			t.Errorf("%s: verdict %q, want %q (history %+v, errors %v)", name, f.Verdict, v, f.History, res.Errors)
		}
		if len(f.Owners.Approvers) != 1 || f.Owners.Approvers[0] != "alice" {
			t.Errorf("%s: owners %v, want the checkout's alice (never the fork's)", name, f.Owners.Approvers)
		}
	}
	if code != ExitFailed {
		t.Errorf("fail-on new with a new failure: exit %d, want 1 (the fork's config does not decide)\n%s", code, stderr)
	}
	if got := output(string(mustRead(t, env["GITHUB_OUTPUT"])), "new-failures"); got != "1" {
		t.Errorf("new-failures = %q, want 1", got)
	}
	k := annotationOf(stderr, "TestK")
	if !strings.Contains(k, fmt.Sprintf("known flake #%d", issues["TestK"])) || !strings.Contains(k, "failed 2 of the last 8 runs on main") {
		t.Errorf("TestK's annotation does not name its issue and rate on main:\n%s", k)
	}
	got := toolComments(h.gh, pr)
	if len(got) != 1 {
		t.Fatalf("%d comments of the tool on the fork's pull request, want 1", len(got))
	}
	for _, w := range []string{"**new**", "**flaky**", "**failing-on-base**", "**quarantined**", "on main", fmt.Sprintf("#%d", issues["TestK"]), "alice"} {
		if !strings.Contains(got[0], w) {
			t.Errorf("the comment lacks %q:\n%s", w, got[0])
		}
	}
	if strings.Contains(got[0], "mallory") {
		t.Errorf("the comment names the fork's OWNERS:\n%s", got[0])
	}
	// Its one write is the comment.
	for _, r := range h.gh.Requests() {
		if r.Method != "GET" && !strings.HasSuffix(r.Path, fmt.Sprintf("/issues/%d/comments", pr)) {
			t.Errorf("the fork's triage wrote %s %s", r.Method, r.Path)
		}
	}
	if got := ledgerLines(t, h.gh); len(got) != len(lines) {
		t.Errorf("the ledger holds %d records after the fork's triage, want %d", len(got), len(lines))
	}
	if n := len(h.gh.Issues()); n != before {
		t.Errorf("%d issues after the fork's triage, want %d", n, before)
	}

	// The contributor fixes the new failure and pushes: the next run's
	// triage passes and edits the comment in place.
	delete(all, "TestN")
	const head2 = "fc26c3e57ca3a959ca5aad62de7213c562f8c821"
	h.gh.SetPullRequestHead(pr, fakegithub.Head{Repo: "contributor/capi-like", Ref: "changes", SHA: head2, Base: "main"})
	h.gh.AddRun(3001, 1, head2, "changes", "pull_request", fakegithub.Artifact{Name: "junit", Zip: forkArtifact(t, prReport(all))})
	h.gh.SetRunHeadRepository(3001, "contributor/capi-like")
	wr["id"], wr["head_sha"] = 3001, head2
	payload, _ = json.Marshal(ev)
	writeFile(t, eventPath, string(payload))
	env = stepEnv(t, h.gh, h.dir, "workflow_run", 4001)
	env["GITHUB_REF"], env["GITHUB_WORKFLOW"], env["GITHUB_JOB"], env["GITHUB_EVENT_PATH"] = "refs/heads/main", "triage e2e", "triage", eventPath
	delete(env, "INPUT_REPORTS")
	env["INPUT_FROM-RUN"], env["INPUT_PR-COMMENT"], env["INPUT_FAIL-ON"] = "3001", "true", "new"
	posts := h.gh.Count("POST", fmt.Sprintf("/issues/%d/comments", pr))
	if code, _, stderr := runAt(t, env, now, "triage"); code != ExitOK {
		t.Errorf("fail-on new without a new failure: exit %d, want 0\n%s", code, stderr)
	}
	if n := h.gh.Count("POST", fmt.Sprintf("/issues/%d/comments", pr)); n != posts {
		t.Errorf("the second triage posted %d comments, want an edit", n-posts)
	}
	got = toolComments(h.gh, pr)
	if len(got) != 1 || strings.Contains(got[0], "**new**") || !strings.Contains(got[0], "actions/runs/3001") {
		t.Errorf("after the fix the comment should list no new failure and link run 3001:\n%s", strings.Join(got, "\n----\n"))
	}
}

// TestMergeQueueVerdicts: a merge queue's run is judged as a pull
// request's, over the window of the queue's base branch (its payload
// names it as a full ref; GITHUB_BASE_REF is not set), and writes
// nothing.
func TestMergeQueueVerdicts(t *testing.T) {
	h, _ := prScenario(t)
	payload := `{"action":"checks_requested","merge_group":{"head_sha":"ec26c3e57ca3a959ca5aad62de7213c562f8c821",
		"head_ref":"refs/heads/gh-readonly-queue/main/pr-2-ec26c3e57ca3a959ca5aad62de7213c562f8c821",
		"base_sha":"2222222222222222222222222222222222222222","base_ref":"refs/heads/main"},
		"repository":{"full_name":"acme/capi-like"},"sender":{"login":"author"}}`
	p := filepath.Join(t.TempDir(), "merge_group.json")
	writeFile(t, p, payload)
	h.gh.ResetLog()
	code, res, stderr, _, _ := prRun(t, h, 2100, map[string]string{"TestN": "failed", "TestK": "failed", "TestB": "failed"},
		"GITHUB_EVENT_NAME", "merge_group", "GITHUB_EVENT_PATH", p, "GITHUB_BASE_REF", "", "GITHUB_REF", "refs/heads/gh-readonly-queue/main/pr-2-ec26c3e57ca3a959ca5aad62de7213c562f8c821")
	for name, v := range map[string]string{"TestN": health.New, "TestK": health.FlakyVerdict, "TestB": health.FailingOnBase} {
		if f := findingOf(res, name); f == nil || f.Verdict != v {
			t.Errorf("%s: finding %+v, want verdict %s", name, f, v)
		}
	}
	if code != ExitFailed {
		t.Errorf("fail-on new with a new failure in the queue: exit %d, want 1\n%s", code, stderr)
	}
	if n := h.gh.Writes(); n != 0 {
		t.Errorf("the merge queue's run made %d write requests, want none", n)
	}
}

func TestQueueBase(t *testing.T) {
	for branch, want := range map[string]string{
		"gh-readonly-queue/main/pr-2-ec26c3e57ca3a959ca5aad62de7213c562f8c821":         "main",
		"gh-readonly-queue/release/1.9/pr-17-ec26c3e57ca3a959ca5aad62de7213c562f8c821": "release/1.9",
		"feature/pr-2":               "",
		"gh-readonly-queue/pr-2-abc": "",
	} {
		if got := queueBase(branch); got != want {
			t.Errorf("queueBase(%q) = %q, want %q", branch, got, want)
		}
	}
}

// TestPullRequestInFileModeWritesNoRecord: a pull request's run whose
// mode was set to file still writes no ledger record: its outcomes must
// not move the base branch's statistics.
func TestPullRequestInFileModeWritesNoRecord(t *testing.T) {
	h, _ := prScenario(t)
	lines := ledgerLines(t, h.gh)
	h.gh.ResetLog()
	_, res, stderr, _, _ := prRun(t, h, 2200, map[string]string{"TestN": "failed"}, "INPUT_MODE", "file")
	if res.Mode != "file" {
		t.Fatalf("mode %q, want file\n%s", res.Mode, stderr)
	}
	if got := ledgerLines(t, h.gh); len(got) != len(lines) {
		t.Errorf("the ledger holds %d records after a pull request run in file mode, want %d", len(got), len(lines))
	}
	for _, r := range h.gh.Requests() {
		if r.Method != "GET" && strings.Contains(r.Path, "/git/") {
			t.Errorf("the pull request run wrote the ledger: %s %s", r.Method, r.Path)
		}
	}
}
