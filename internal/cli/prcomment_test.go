package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flake-triage/flake-triage/internal/fakegithub"
	"github.com/flake-triage/flake-triage/internal/prcomment"
)

// prEnv is the environment of a pull_request step of run id in job key
// jobKey, with pr-comment on: the event payload names pull request pr.
func prEnv(t *testing.T, gh *fakegithub.Server, dir string, id, pr int, jobKey string) map[string]string {
	t.Helper()
	env := stepEnv(t, gh, dir, "pull_request", id)
	payload := fmt.Sprintf(`{"action":"synchronize","number":%d,"pull_request":{"number":%d,"user":{"login":"author"},
		"head":{"ref":"feature","sha":"1111111111111111111111111111111111111111","repo":{"full_name":"acme/capi-like"}},
		"base":{"ref":"main","sha":"2222222222222222222222222222222222222222","repo":{"full_name":"acme/capi-like"}}},
		"repository":{"full_name":"acme/capi-like"},"sender":{"login":"author"}}`, pr, pr)
	p := filepath.Join(t.TempDir(), "event.json")
	if err := os.WriteFile(p, []byte(payload), 0o644); err != nil {
		t.Fatal(err)
	}
	env["GITHUB_EVENT_PATH"] = p
	env["INPUT_PR-COMMENT"] = "true"
	env["INPUT_JOB-KEY"] = jobKey
	return env
}

// toolComments returns the bodies of the tool's comments on issue n.
func toolComments(gh *fakegithub.Server, n int) []string {
	var out []string
	for _, c := range gh.Issue(n).Comments {
		if strings.Contains(c, prcomment.Marker) {
			out = append(out, c)
		}
	}
	return out
}

// TestPRCommentConcurrentJobsThenRerun: two jobs of a pull request run
// (matrix legs) both find no comment and both create one; the comment
// exists once afterwards, holding both jobs' sections. A rerun of one job
// edits it in place and posts nothing.
func TestPRCommentConcurrentJobsThenRerun(t *testing.T) {
	dir := extractSample(t)
	gh := fakegithub.New(t, "acme", "capi-like", "ghs_secretvalue")
	pr := gh.AddIssue(fakegithub.Issue{Title: "Add a feature", PullRequest: true, User: "author"})
	commentsPath := fmt.Sprintf("/issues/%d/comments", pr)

	// Both jobs' first listing is answered only once both have asked, so
	// that both see no comment and both create one.
	var arrived sync.WaitGroup
	arrived.Add(2)
	gh.Fail(fakegithub.Fault{Method: "GET", Path: commentsPath, Times: 2, Then: func(*fakegithub.Server) {
		arrived.Done()
		done := make(chan struct{})
		go func() { arrived.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
		}
	}})
	keys := []string{`{"go":"1.25"}`, `{"go":"1.26"}`}
	var wg sync.WaitGroup
	codes := make([]int, 2)
	stderrs := make([]string, 2)
	for i, key := range keys {
		env := prEnv(t, gh, dir, 300, pr, key)
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i], _, stderrs[i] = runCLI(t, env, "triage")
		}()
	}
	wg.Wait()
	for i := range codes {
		if codes[i] != ExitOK {
			t.Fatalf("job %d: exit %d:\n%s", i, codes[i], stderrs[i])
		}
	}
	if n := gh.Count("POST", commentsPath); n != 2 {
		t.Errorf("%d comments created, want 2 (the race this test sets up)", n)
	}
	got := toolComments(gh, pr)
	if len(got) != 1 {
		t.Fatalf("%d comments of the tool on the pull request after two concurrent jobs, want 1:\n%s", len(got), strings.Join(got, "\n----\n"))
	}
	secs := prcomment.Parse(got[0])
	if len(secs) != 2 || secs[0].Key != "e2e "+keys[0] || secs[1].Key != "e2e "+keys[1] {
		t.Fatalf("sections %+v, want one per job", secs)
	}
	for _, want := range []string{"| test | kind | verdict | history | issue | owners |", "**unknown**", "unknown history"} {
		if !strings.Contains(got[0], want) {
			t.Errorf("the comment lacks %q:\n%s", want, got[0])
		}
	}
	ids := gh.CommentIDs(pr)

	// A rerun of the first job: an edit, no new comment.
	posts, edits := gh.Count("POST", commentsPath), gh.Count("PATCH", "/issues/comments/")
	env := prEnv(t, gh, dir, 301, pr, keys[0])
	if code, _, stderr := runCLI(t, env, "triage"); code != ExitOK {
		t.Fatalf("rerun: exit %d:\n%s", code, stderr)
	}
	if n := gh.Count("POST", commentsPath) - posts; n != 0 {
		t.Errorf("the rerun posted %d comments, want 0", n)
	}
	patched := 0
	for _, r := range gh.Requests() {
		if r.Method == "PATCH" && strings.HasPrefix(r.Path, "/repos/acme/capi-like/issues/comments/") {
			patched++
		}
	}
	if patched-edits < 1 {
		t.Errorf("the rerun did not edit the comment")
	}
	if d := gh.CommentIDs(pr); len(d) != 1 || d[0] != ids[0] {
		t.Errorf("comment ids %v after the rerun, want %v", d, ids)
	}
	after := toolComments(gh, pr)
	if len(after) != 1 || !strings.Contains(after[0], "actions/runs/301") || !strings.Contains(after[0], "actions/runs/300") {
		t.Errorf("after the rerun the comment should link the rerun for job 1 and the first run for job 2:\n%s", strings.Join(after, "\n----\n"))
	}
}

// TestPRCommentForbidden: without pull-requests: write the run warns,
// naming the permission, and goes on with its exit code unchanged.
func TestPRCommentForbidden(t *testing.T) {
	dir := extractSample(t)
	gh := fakegithub.New(t, "acme", "capi-like", "ghs_secretvalue")
	pr := gh.AddIssue(fakegithub.Issue{Title: "Add a feature", PullRequest: true})
	gh.Fail(fakegithub.Fault{Method: "POST", Path: fmt.Sprintf("/issues/%d/comments", pr), Times: 10, Status: 403,
		Body: `{"message":"Resource not accessible by integration","documentation_url":"https://docs.github.com/rest"}`})
	env := prEnv(t, gh, dir, 400, pr, "")
	code, stdout, stderr := runCLI(t, env, "triage")
	if code != ExitOK {
		t.Fatalf("exit %d, want 0:\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "::warning::") || !strings.Contains(stderr, "pull-requests: write") {
		t.Errorf("no warning naming pull-requests: write in the workflow commands:\n%s", stderr)
	}
	var res struct{ Errors []string }
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(res.Errors, "\n"), "pull-requests: write") {
		t.Errorf("errors %q do not name pull-requests: write", res.Errors)
	}
}

// TestPRCommentOnlyOnPullRequests: pr-comment on a push run writes no
// comment anywhere.
func TestPRCommentOnlyOnPullRequests(t *testing.T) {
	dir := extractSample(t)
	gh := fakegithub.New(t, "acme", "capi-like", "ghs_secretvalue")
	env := stepEnv(t, gh, dir, "push", 500)
	env["INPUT_PR-COMMENT"] = "true"
	if code, _, stderr := runCLI(t, env, "triage"); code != ExitOK {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	for _, r := range gh.Requests() {
		if strings.Contains(r.Path, "/comments") && r.Method == "GET" {
			t.Errorf("a push run read comments: %s %s", r.Method, r.Path)
		}
	}
}

// TestPRCommentFromRun: a from-run of a pull_request run (the fork
// workflow's path) comments on the pull request GitHub lists for that
// run, with the rates' base branch.
func TestPRCommentFromRun(t *testing.T) {
	dir := extractSample(t)
	zipped := artifactZip(t, mustRead(t, filepath.Join(dir, "reports/ginkgo-e2e.xml")), "reports/ginkgo-e2e.xml")
	gh := fakegithub.New(t, "acme", "capi-like", "ghs_secretvalue")
	pr := gh.AddIssue(fakegithub.Issue{Title: "Add a feature", PullRequest: true})
	gh.AddRun(777, 1, "3333333333333333333333333333333333333333", "feature", "pull_request", fakegithub.Artifact{Name: "junit-e2e", Zip: zipped})
	gh.SetRunPullRequest(777, pr, "main")
	env := map[string]string{"GITHUB_API_URL": gh.URL, "GITHUB_TOKEN": "ghs_secretvalue", "GITHUB_REPOSITORY": "acme/capi-like", "GITHUB_JOB": "triage"}
	code, _, stderr := runCLI(t, env, "triage", "--from-run", "777", "--mode", "annotate", "--repo-root", dir, "--pr-comment")
	if code != ExitOK {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	got := toolComments(gh, pr)
	if len(got) != 1 || !strings.Contains(got[0], "### Job `triage`") || strings.Count(got[0], "| failure |")+strings.Count(got[0], "| flake |") != 4 {
		t.Errorf("the pull request's comments after a from-run:\n%s", strings.Join(got, "\n----\n"))
	}
	// A fork's pull request run: GitHub lists no pull request for it; the
	// open pull request of the fork's branch at the run's commit is found.
	fork := gh.AddIssue(fakegithub.Issue{Title: "From a fork", PullRequest: true, User: "contributor"})
	gh.SetPullRequestHead(fork, fakegithub.Head{Repo: "contributor/capi-like", Ref: "fix", SHA: "4444444444444444444444444444444444444444", Base: "release-1.9"})
	other := gh.AddIssue(fakegithub.Issue{Title: "Same branch name, another fork", PullRequest: true})
	gh.SetPullRequestHead(other, fakegithub.Head{Repo: "someone/capi-like", Ref: "fix", SHA: "4444444444444444444444444444444444444444"})
	gh.AddRun(779, 1, "4444444444444444444444444444444444444444", "fix", "pull_request", fakegithub.Artifact{Name: "junit-e2e", Zip: zipped})
	gh.SetRunHeadRepository(779, "contributor/capi-like")
	if code, _, stderr := runCLI(t, env, "triage", "--from-run", "779", "--mode", "annotate", "--repo-root", dir, "--pr-comment"); code != ExitOK {
		t.Fatalf("fork from-run: exit %d:\n%s", code, stderr)
	}
	if got := toolComments(gh, fork); len(got) != 1 || len(toolComments(gh, other)) != 0 {
		t.Errorf("the fork's pull request has %d comments of the tool, the other %d; want 1 and 0", len(got), len(toolComments(gh, other)))
	}
	var listed bool
	for _, r := range gh.Requests() {
		if r.Method == "GET" && strings.HasSuffix(r.Path, "/pulls") && r.Query.Get("head") == "contributor:fix" {
			listed = true
		}
	}
	if !listed {
		t.Error("the pull request was not looked up by head contributor:fix")
	}

	// A from-run of a push run comments nowhere.
	gh.AddRun(778, 1, "3333333333333333333333333333333333333333", "main", "push", fakegithub.Artifact{Name: "junit-e2e", Zip: zipped})
	posts := gh.Count("POST", "/comments")
	if code, _, stderr := runCLI(t, env, "triage", "--from-run", "778", "--mode", "annotate", "--repo-root", dir, "--pr-comment"); code != ExitOK {
		t.Fatalf("push from-run: exit %d:\n%s", code, stderr)
	}
	if n := gh.Count("POST", "/comments") - posts; n != 0 {
		t.Errorf("a from-run of a push run posted %d comments", n)
	}
}
