package e2e

import (
	"net/http"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/flake-triage/flake-triage/internal/fakegithub"
)

// sampleIDs are the ids of the sample's 14 failing and flaky tests, from
// a dry run.
func sampleIDs(t *testing.T, dir string) []string {
	t.Helper()
	env := step(t, nil, dir, "push", 1)
	delete(env, "INPUT_TOKEN")
	env["INPUT_DRY-RUN"] = "true"
	r := run(t, env)
	ids := failingIDs(r.Result)
	if r.Code != 0 || len(ids) != 14 {
		t.Fatalf("dry run: exit %d, %d findings, want 0 and 14; stderr:\n%s", r.Code, len(ids), tail(r.Stderr))
	}
	return ids
}

const notWritable = `{"message":"Resource not accessible by integration","documentation_url":"https://docs.github.com/rest/issues/issues#create-an-issue","status":"403"}`

// TestAPIFaults runs the sample on push against a fake GitHub that
// misbehaves, then (when the first run could not finish) runs the same
// step again against a healthy one. Afterwards the tracker holds exactly
// one open issue per failing test with the run's occurrence recorded
// once, and the first run's exit code and summary say what failed.
func TestAPIFaults(t *testing.T) {
	dir := extract(t, nil)
	ids := sampleIDs(t, dir)
	for _, tc := range []struct {
		name  string
		fault func(*fakegithub.Server)
		code  int
		// summary holds text the first run's job summary must contain.
		summary []string
		// created is the issues-created output of the first run.
		created string
		check   func(t *testing.T, gh *fakegithub.Server, r Run)
	}{{
		name: "502 storm",
		fault: func(gh *fakegithub.Server) {
			gh.Fail(fakegithub.Fault{Method: "GET", Path: "/issues", Status: http.StatusBadGateway, Times: 2})
			gh.Fail(fakegithub.Fault{Method: "POST", Path: "/issues", Status: http.StatusBadGateway, Times: 2})
			gh.Fail(fakegithub.Fault{Method: "GET", Path: "", Status: http.StatusServiceUnavailable, Skip: 10, Times: 1})
		},
		created: "14",
	}, {
		name: "a create that landed but answered 502",
		fault: func(gh *fakegithub.Server) {
			gh.Fail(fakegithub.Fault{Method: "POST", Path: "/issues", Skip: 2, Landed: true, Status: http.StatusBadGateway})
		},
		// The retry's issue is closed as a duplicate of the one that
		// landed, which counts as created.
		created: "14",
		check: func(t *testing.T, gh *fakegithub.Server, r Run) {
			if n := len(gh.Issues()); n != 15 {
				t.Errorf("%d issues, want 15 (one duplicate, closed)", n)
			}
		},
	}, {
		name: "a create whose connection dropped after it landed",
		fault: func(gh *fakegithub.Server) {
			gh.Fail(fakegithub.Fault{Method: "POST", Path: "/issues", Skip: 5, Landed: true, Hangup: true})
		},
		created: "14",
	}, {
		name: "dropped connections",
		fault: func(gh *fakegithub.Server) {
			gh.Fail(fakegithub.Fault{Method: "GET", Path: "/issues", Hangup: true, Times: 2})
			gh.Fail(fakegithub.Fault{Method: "POST", Path: "/issues", Hangup: true, Skip: 3})
		},
		created: "14",
	}, {
		name: "secondary rate limit with Retry-After",
		fault: func(gh *fakegithub.Server) {
			gh.SecondaryRateLimit("POST", "/issues", 3, time.Second)
			gh.SecondaryRateLimit("GET", "/issues", 1, time.Second)
		},
		created: "14",
		check: func(t *testing.T, gh *fakegithub.Server, r Run) {
			if n := gh.Count("POST", "/issues"); n != 14+3 {
				t.Errorf("%d creates, want 14 and 3 retries", n)
			}
			// Each wait is in the log: how long, for what, and why.
			if n := strings.Count(r.Stderr, "flake-triage: waiting 1s before retrying POST /api/v3/repos/acme/capi-like/issues"); n != 3 {
				t.Errorf("%d lines about waiting to create an issue, want 3; stderr:\n%s", n, tail(r.Stderr))
			}
			if !strings.Contains(r.Stderr, "rate limit") {
				t.Errorf("the wait does not say why; stderr:\n%s", tail(r.Stderr))
			}
		},
	}, {
		name: "slow answers",
		fault: func(gh *fakegithub.Server) {
			gh.Fail(fakegithub.Fault{Path: "", Delay: 1500 * time.Millisecond, Times: 3})
		},
		created: "14",
	}, {
		name:    "422 on one assignee",
		fault:   func(gh *fakegithub.Server) { gh.RejectAssignee("heidi-e2e") },
		created: "14",
		summary: []string{"GitHub refused to assign heidi-e2e"},
		check: func(t *testing.T, gh *fakegithub.Server, r Run) {
			assigned := 0
			for _, is := range gh.Issues() {
				for _, a := range is.Assignees {
					if strings.EqualFold(a, "heidi-e2e") {
						t.Errorf("issue #%d is assigned to the refused login", is.Number)
					}
					if a == "liam-e2e" {
						assigned++
					}
				}
			}
			if assigned == 0 {
				t.Error("the other owners were not assigned either")
			}
		},
	}, {
		name:    "410 issues disabled",
		fault:   func(gh *fakegithub.Server) { gh.DisableIssues() },
		code:    1,
		created: "0",
		summary: []string{"issues are disabled on acme/capi-like (410)", "mode: `file`"},
	}, {
		name: "token without issues: write (403)",
		fault: func(gh *fakegithub.Server) {
			gh.ForbidLabelCreation()
			for _, m := range []string{"POST", "PATCH"} {
				gh.Fail(fakegithub.Fault{Method: m, Path: "/issues", Status: http.StatusForbidden, Times: 1000, Body: notWritable})
			}
		},
		code:    1,
		created: "0",
		summary: []string{"give the workflow the \\`issues: write\\` permission", "issues: 0 created, 0 updated, **14 failed**", "**create failed**: create issue for"},
	}, {
		name: "every write fails after 5 (500s past the retries)",
		fault: func(gh *fakegithub.Server) {
			gh.Fail(fakegithub.Fault{Method: "POST", Path: "/issues", Skip: 5, Times: 1000, Status: http.StatusInternalServerError, Header: map[string]string{"Retry-After": "0"}})
		},
		code:    1,
		created: "5",
		summary: []string{"issues: 5 created, 0 updated, **9 failed**", "**create failed**: create issue for"},
	}, {
		name: "a 502 storm past the retry budget on one create",
		fault: func(gh *fakegithub.Server) {
			gh.Fail(fakegithub.Fault{Method: "POST", Path: "/issues", Skip: 3, Times: 6, Status: http.StatusBadGateway, Header: map[string]string{"Retry-After": "1"}})
		},
		code:    1,
		created: "13",
		summary: []string{"issues: 13 created, 0 updated, **1 failed**", "502 Bad Gateway"},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			gh := newFake(t)
			tc.fault(gh)
			r := run(t, step(t, gh, dir, "push", 100))
			if r.Code != tc.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", r.Code, tc.code, tail(r.Stderr))
			}
			if got := output(r.Outputs, "issues-created"); got != tc.created {
				t.Errorf("issues-created %q, want %q", got, tc.created)
			}
			for _, s := range tc.summary {
				if !strings.Contains(r.Summary, s) {
					t.Errorf("the summary does not say %q:\n%s", s, tail(r.Summary))
				}
			}
			if tc.code != 0 && !strings.Contains(r.Summary, "### Problems") {
				t.Errorf("a failed run's summary has no Problems section:\n%s", tail(r.Summary))
			}
			if tc.check != nil {
				tc.check(t, gh, r)
			}
			noLeak(t, r, gh, token)
			if tc.code != 0 {
				// The same step again, once GitHub is healthy.
				gh.Heal()
				r = run(t, step(t, gh, dir, "push", 100))
				if r.Code != 0 {
					t.Errorf("re-run: exit %d; stderr:\n%s", r.Code, tail(r.Stderr))
				}
			}
			if diff := cmp.Diff(wantTracked(ids, 100), trackerState(t, gh)); diff != "" {
				t.Errorf("tracker (-want +got):\n%s", diff)
			}
		})
	}
}

// TestKilledMidRunThenRerun kills the process (SIGKILL) while it waits for
// the answer to its sixth create, which GitHub then makes anyway, and runs
// the step again: one issue per test, each occurrence once.
func TestKilledMidRunThenRerun(t *testing.T) {
	dir := extract(t, nil)
	ids := sampleIDs(t, dir)
	gh := newFake(t)
	held := make(chan struct{})
	gh.Fail(fakegithub.Fault{Method: "POST", Path: "/issues", Skip: 5, Delay: time.Minute, Then: func(*fakegithub.Server) { close(held) }})
	env := step(t, gh, dir, "push", 100)
	cmd := exec.Command(bin)
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-held:
	case <-time.After(time.Minute):
		cmd.Process.Kill()
		t.Fatal("the sixth create never came")
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	// GitHub makes the held create anyway, once the client is gone.
	deadline := time.Now().Add(10 * time.Second)
	for len(gh.Issues()) < 6 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := len(gh.Issues()); n != 6 {
		t.Fatalf("%d issues after the kill, want 6 (5 answered, 1 landed unanswered)", n)
	}
	r := run(t, step(t, gh, dir, "push", 100))
	if r.Code != 0 {
		t.Fatalf("re-run: exit %d; stderr:\n%s", r.Code, tail(r.Stderr))
	}
	if diff := cmp.Diff(wantTracked(ids, 100), trackerState(t, gh)); diff != "" {
		t.Errorf("tracker (-want +got):\n%s", diff)
	}
}

// TestRequestTimeout holds one create past the binary's 60 s HTTP
// timeout; GitHub makes it anyway once the client gives up, and the retry
// makes a second. The run closes its own duplicate. It takes a minute (the
// timeout is not an input), so it runs beside the other tests.
func TestRequestTimeout(t *testing.T) {
	if testing.Short() {
		t.Skip("waits out the binary's 60 s HTTP timeout")
	}
	t.Parallel()
	dir := extract(t, nil)
	gh := newFake(t)
	gh.Fail(fakegithub.Fault{Method: "POST", Path: "/issues", Skip: 2, Delay: 90 * time.Second})
	r := run(t, step(t, gh, dir, "push", 100))
	if r.Code != 0 {
		t.Errorf("exit %d, want 0; stderr:\n%s", r.Code, tail(r.Stderr))
	}
	ids := failingIDs(r.Result)
	if len(ids) != 14 {
		t.Fatalf("%d findings, want 14", len(ids))
	}
	if diff := cmp.Diff(wantTracked(ids, 100), trackerState(t, gh)); diff != "" {
		t.Errorf("tracker (-want +got):\n%s", diff)
	}
	if n := len(gh.Issues()); n != 15 {
		t.Errorf("%d issues, want 15 (the timed-out create landed; its retry's issue closed as a duplicate)", n)
	}
	if got := output(r.Outputs, "issues-created"); got != "14" {
		t.Errorf("issues-created %q, want 14", got)
	}
	if r.Wall > 3*time.Minute {
		t.Errorf("the run took %v", r.Wall)
	}
}
