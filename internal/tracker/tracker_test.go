package tracker_test

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/flake-triage/flake-triage/internal/fakegithub"
	"github.com/flake-triage/flake-triage/internal/issue"
	"github.com/flake-triage/flake-triage/internal/plan"
	"github.com/flake-triage/flake-triage/internal/tracker"
	"github.com/flake-triage/flake-triage/internal/triage"
)

const token = "ghs_test"

var t0 = time.Date(2026, 11, 17, 12, 0, 0, 0, time.UTC)

// clock is the fake's and the runs' time, moved by the test.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

type env struct {
	t     *testing.T
	fake  *fakegithub.Server
	clock *clock
	pol   plan.Policy
	mu    sync.Mutex
	waits []time.Duration
}

func newEnv(t *testing.T) *env {
	e := &env{t: t, fake: fakegithub.New(t, "kubernetes-sigs", "cluster-api", token), clock: &clock{t: t0}, pol: plan.DefaultPolicy()}
	e.fake.SetClock(e.clock.now)
	e.fake.SetAssignable("alice", "carol")
	return e
}

// client returns a tracker client for the fake that records its retry
// waits instead of sleeping.
func (e *env) client(opts ...tracker.Option) *tracker.Client {
	opts = append([]tracker.Option{tracker.WithSleep(func(_ context.Context, d time.Duration) error {
		e.mu.Lock()
		e.waits = append(e.waits, d)
		e.mu.Unlock()
		return nil
	}), tracker.WithClock(e.clock.now)}, opts...)
	c, err := tracker.New(e.fake.Client(), e.fake.URL, token, "kubernetes-sigs/cluster-api", "flake-triage/test", opts...)
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

func run(id int64, job string, started time.Time) plan.Run {
	return plan.Run{Repo: "kubernetes-sigs/cluster-api", ServerURL: "https://github.com", ID: id, Attempt: 1, Job: job,
		SHA: fmt.Sprintf("%040d", id), Event: "schedule", Ref: "refs/heads/main",
		URL: fmt.Sprintf("https://github.com/kubernetes-sigs/cluster-api/actions/runs/%d", id), Started: started}
}

func finding(id, kind, sig string) triage.Finding {
	return triage.Finding{
		ID: id, Kind: kind, Signature: sig,
		Test:      triage.Test{Name: "capi-e2e " + id, Classname: "capi-e2e", Suite: "capi-e2e", Report: "_artifacts/junit.e2e_suite.1.xml"},
		Location:  &triage.Location{Path: "test/e2e/clusterctl_upgrade.go", Line: 389},
		Message:   "Timed out after 1200.001s. @someone broke #42",
		Owners:    triage.Owners{Approvers: []string{"alice", "bob"}, Reviewers: []string{"carol"}, Labels: []string{"area/e2e-testing"}, Files: []string{"test/e2e/OWNERS"}},
		Assignees: []string{"alice", "bob", "carol"},
		Labels:    []string{plan.DefaultPolicy().KindLabels[kind], "area/e2e-testing"},
	}
}

// triageRun is one run of the tool: load once, plan, apply.
func (e *env) triageRun(c *tracker.Client, fs []triage.Finding, r plan.Run) (plan.Plan, tracker.Outcome) {
	e.t.Helper()
	issues, err := c.Load(context.Background(), e.pol.ReopenWindow, r.Started)
	if err != nil {
		e.t.Fatalf("Load: %v", err)
	}
	p := plan.Make(fs, issues, e.pol, r, "file")
	o := c.Apply(context.Background(), p)
	if err := o.Err(); err != nil {
		e.t.Fatalf("Apply: %v", err)
	}
	return p, o
}

func kinds(o tracker.Outcome) []string {
	var ks []string
	for _, r := range o.Results {
		ks = append(ks, r.Kind)
	}
	return ks
}

func state(t *testing.T, body string) issue.State {
	t.Helper()
	p, err := issue.Parse(body)
	if err != nil || !p.Found {
		t.Fatalf("parse body: found %v, %v", p.Found, err)
	}
	return p.State
}

func TestRunsCreateThenNothingThenUpdate(t *testing.T) {
	e := newEnv(t)
	fs := []triage.Finding{finding("t1", "flake", "s1"), finding("t2", "failure", "s2")}

	_, o := e.triageRun(e.client(), fs, run(100, "e2e", e.clock.now()))
	if d := cmp.Diff([]string{"create", "create"}, kinds(o)); d != "" {
		t.Fatalf("first run (-want +got):\n%s", d)
	}
	got := e.fake.Issues()
	if len(got) != 2 {
		t.Fatalf("%d issues, want 2", len(got))
	}
	if d := cmp.Diff([]string{"kind/flake", "area/e2e-testing"}, got[0].Labels); d != "" {
		t.Errorf("labels (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{"alice", "carol"}, got[0].Assignees); d != "" {
		t.Errorf("assignees (-want +got):\n%s", d)
	}
	if got[0].Title != "[Flaky test] capi-e2e t1" || got[1].Title != "[Failing test] capi-e2e t2" {
		t.Errorf("titles %q, %q", got[0].Title, got[1].Title)
	}
	if !e.fake.HasLabel("kind/flake") || !e.fake.HasLabel("kind/failing-test") {
		t.Error("missing labels were not created")
	}
	if n := e.fake.Count("GET", "/assignees/alice") + e.fake.Count("GET", "/assignees/bob") + e.fake.Count("GET", "/assignees/carol"); n != 3 {
		t.Errorf("%d assignability checks for 3 logins over 2 issues, want 3", n)
	}
	for _, s := range []string{"/blob/0000000000000000000000000000000000000100/test/e2e/clusterctl_upgrade.go#L389", "@\u200bsomeone", "#\u200b42", "`test/e2e/OWNERS`"} {
		if !strings.Contains(got[0].Body, s) {
			t.Errorf("body lacks %q", s)
		}
	}

	// The same run again (a re-run of the step) writes nothing.
	e.fake.ResetLog()
	_, o = e.triageRun(e.client(), fs, run(100, "e2e", e.clock.now()))
	if w := e.fake.Writes(); w != 0 {
		t.Errorf("same run again: %d writes (%v), want 0", w, kinds(o))
	}

	// The next run updates both issues, without comments.
	e.clock.add(time.Hour)
	e.fake.ResetLog()
	_, o = e.triageRun(e.client(), fs, run(101, "e2e", e.clock.now()))
	if d := cmp.Diff([]string{"update", "update"}, kinds(o)); d != "" {
		t.Errorf("next run (-want +got):\n%s", d)
	}
	if w, p := e.fake.Writes(), e.fake.Count("PATCH", ""); w != 2 || p != 2 {
		t.Errorf("next run: %d writes, %d edits; want 2 edits only", w, p)
	}
	for _, is := range e.fake.Issues() {
		if st := state(t, is.Body); st.Count != 2 || len(is.Comments) != 0 {
			t.Errorf("#%d: count %d, %d comments; want 2 and 0", is.Number, st.Count, len(is.Comments))
		}
	}

	// A new failure signature comments.
	e.clock.add(time.Hour)
	fs[0].Signature = "s9"
	e.triageRun(e.client(), fs, run(102, "e2e", e.clock.now()))
	if c := e.fake.Issue(1).Comments; len(c) != 1 || !strings.Contains(c[0], "New failure signature") {
		t.Errorf("comments after a new signature: %q", c)
	}
}

func TestHumanEditsAreKept(t *testing.T) {
	e := newEnv(t)
	fs := []triage.Finding{finding("t1", "flake", "s1")}
	e.triageRun(e.client(), fs, run(100, "e2e", e.clock.now()))
	e.fake.Edit(1, func(is *fakegithub.Issue) {
		is.Title = "capi e2e upgrade times out sometimes"
		is.Labels = []string{"triage/accepted"}
		is.Assignees = []string{"dave"}
		is.Body = "Root cause is the etcd leader election, see the PR.\n\n" + is.Body[strings.Index(is.Body, "<!-- flake-triage:begin"):]
	})
	e.clock.add(time.Hour)
	_, o := e.triageRun(e.client(), fs, run(101, "e2e", e.clock.now()))
	if d := cmp.Diff([]string{"update"}, kinds(o)); d != "" {
		t.Fatalf("(-want +got):\n%s", d)
	}
	is := e.fake.Issue(1)
	if is.Title != "capi e2e upgrade times out sometimes" || !cmp.Equal(is.Labels, []string{"triage/accepted"}) || !cmp.Equal(is.Assignees, []string{"dave"}) {
		t.Errorf("human edits lost: %q %v %v", is.Title, is.Labels, is.Assignees)
	}
	if !strings.HasPrefix(is.Body, "Root cause is the etcd leader election, see the PR.\n\n<!-- flake-triage:begin") || state(t, is.Body).Count != 2 {
		t.Errorf("body: %.120q", is.Body)
	}
	if len(e.fake.Issues()) != 1 {
		t.Errorf("%d issues, want 1", len(e.fake.Issues()))
	}
}

func TestClosedIssueReopensOnlyOnNewerEvidence(t *testing.T) {
	e := newEnv(t)
	fs := []triage.Finding{finding("t1", "flake", "s1")}
	e.triageRun(e.client(), fs, run(100, "e2e", e.clock.now()))
	older := run(101, "e2e", e.clock.now().Add(30*time.Minute)) // started before the fix closed it
	e.clock.add(time.Hour)
	e.fake.Edit(1, func(is *fakegithub.Issue) { is.State, is.ClosedAt = "closed", e.clock.now() })

	e.clock.add(time.Hour)
	_, o := e.triageRun(e.client(), fs, older)
	is := e.fake.Issue(1)
	if kinds(o)[0] != "update" || is.State != "closed" || len(is.Comments) != 1 || !strings.Contains(is.Comments[0], "stays closed") {
		t.Errorf("older run: %v, state %s, comments %q", kinds(o), is.State, is.Comments)
	}
	_, o = e.triageRun(e.client(), fs, run(102, "e2e", e.clock.now()))
	is = e.fake.Issue(1)
	if kinds(o)[0] != "reopen" || is.State != "open" || len(is.Comments) != 2 || !strings.Contains(is.Comments[1], "Reopened") || state(t, is.Body).Count != 3 {
		t.Errorf("newer run: %v, state %s, comments %q", kinds(o), is.State, is.Comments)
	}
	if len(e.fake.Issues()) != 1 {
		t.Errorf("%d issues, want 1", len(e.fake.Issues()))
	}

	// Closed longer ago than the reopen window: a new issue links the old one.
	e.fake.Edit(1, func(is *fakegithub.Issue) { is.State, is.ClosedAt = "closed", e.clock.now() })
	e.clock.add(31 * 24 * time.Hour)
	e.fake.Edit(1, func(is *fakegithub.Issue) {}) // a late comment keeps it among the recently updated
	_, o = e.triageRun(e.client(), fs, run(103, "e2e", e.clock.now()))
	if kinds(o)[0] != "create" || !strings.Contains(e.fake.Issue(2).Body, "tracked before in #1") || e.fake.Issue(1).State != "closed" {
		t.Errorf("after the window: %v", kinds(o))
	}
}

func TestQuietAndIgnoreLabels(t *testing.T) {
	e := newEnv(t)
	fs := []triage.Finding{finding("t1", "flake", "s1"), finding("t2", "flake", "s2")}
	e.triageRun(e.client(), fs, run(100, "e2e", e.clock.now()))
	e.fake.Edit(1, func(is *fakegithub.Issue) { is.Labels = append(is.Labels, "quiet") })
	e.fake.Edit(2, func(is *fakegithub.Issue) { is.Labels = append(is.Labels, "ignore") })
	e.clock.add(48 * time.Hour)
	fs[0].Signature, fs[1].Signature = "new1", "new2"
	_, o := e.triageRun(e.client(), fs, run(101, "e2e", e.clock.now()))
	if d := cmp.Diff([]string{"update", "none"}, kinds(o)); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	if q, i := e.fake.Issue(1), e.fake.Issue(2); len(q.Comments) != 0 || state(t, q.Body).Count != 2 || state(t, i.Body).Count != 1 {
		t.Errorf("quiet: %d comments, count %d; ignored count %d", len(q.Comments), state(t, q.Body).Count, state(t, i.Body).Count)
	}
}

func TestConsistentFailureMarking(t *testing.T) {
	e := newEnv(t)
	f := finding("t1", "flake", "s1")
	e.triageRun(e.client(), []triage.Finding{f}, run(100, "e2e", e.clock.now()))
	f.Kind = "failure"
	for i := int64(1); i <= 3; i++ {
		e.clock.add(time.Hour)
		e.triageRun(e.client(), []triage.Finding{f}, run(100+i, "e2e", e.clock.now()))
	}
	is := e.fake.Issue(1)
	if !strings.HasSuffix(is.Title, "(consistently failing)") || !cmp.Equal(is.Labels, []string{"area/e2e-testing", "kind/failing-test"}) {
		t.Errorf("after 3 failing runs: %q %v", is.Title, is.Labels)
	}
	f.Kind = "flake"
	e.clock.add(time.Hour)
	e.triageRun(e.client(), []triage.Finding{f}, run(110, "e2e", e.clock.now()))
	is = e.fake.Issue(1)
	if is.Title != "[Flaky test] capi-e2e t1" || !cmp.Equal(is.Labels, []string{"area/e2e-testing", "kind/flake"}) {
		t.Errorf("after a flake: %q %v", is.Title, is.Labels)
	}
}

func TestConcurrentRunsLeaveOneIssuePerTest(t *testing.T) {
	e := newEnv(t)
	fs := []triage.Finding{finding("t1", "flake", "s1"), finding("t2", "failure", "s2")}
	const jobs = 4
	var loaded, done sync.WaitGroup
	loaded.Add(jobs)
	outs := make([]tracker.Outcome, jobs)
	for j := 0; j < jobs; j++ {
		done.Add(1)
		go func() {
			defer done.Done()
			c := e.client()
			r := run(200, fmt.Sprintf("e2e-%d", j), e.clock.now())
			issues, err := c.Load(context.Background(), e.pol.ReopenWindow, r.Started)
			loaded.Done()
			if err != nil {
				t.Error(err)
				return
			}
			loaded.Wait() // every job saw no issue: all of them create
			outs[j] = c.Apply(context.Background(), plan.Make(fs, issues, e.pol, r, "file"))
		}()
	}
	done.Wait()
	open := map[string][]int{}
	for _, is := range e.fake.Issues() {
		if is.State == "open" {
			open[issue.IDOf(is.Body)] = append(open[issue.IDOf(is.Body)], is.Number)
		} else if len(is.Comments) == 0 || !strings.Contains(is.Comments[len(is.Comments)-1], "Duplicate of #") {
			t.Errorf("closed #%d has no duplicate comment", is.Number)
		}
	}
	if d := cmp.Diff(map[string][]int{"t1": {1}, "t2": {2}}, open); d != "" {
		// Numbers depend on scheduling; only the count per id matters.
		if len(open) != 2 || len(open["t1"]) != 1 || len(open["t2"]) != 1 {
			t.Fatalf("open issues per id (-want +got):\n%s", d)
		}
	}
	// No job's occurrence is lost: each is on the kept issue or on the
	// duplicate its job filed, which points at the kept one.
	for id, ns := range open {
		keys := map[string]bool{}
		for _, is := range e.fake.Issues() {
			if issue.IDOf(is.Body) != id || is.Number != ns[0] && issue.DuplicateOf(is.Body) != ns[0] {
				continue
			}
			for _, r := range state(t, is.Body).Runs {
				keys[r.Key()] = true
			}
		}
		if len(keys) != jobs {
			t.Errorf("%s: %d occurrences recorded, want %d", id, len(keys), jobs)
		}
	}
	// The next run folds every one of them into the kept issue.
	e.clock.add(time.Hour)
	e.triageRun(e.client(), fs, run(201, "e2e", e.clock.now()))
	for id, ns := range open {
		if st := state(t, e.fake.Issue(ns[0]).Body); st.Count != jobs+1 {
			t.Errorf("%s: #%d records %d occurrences after the next run, want %d", id, ns[0], st.Count, jobs+1)
		}
	}
	if n := len(e.fake.Issues()); n > 2*jobs {
		t.Errorf("%d issues filed by %d jobs for 2 tests", n, jobs)
	}
	for j, o := range outs {
		if err := o.Err(); err != nil {
			t.Errorf("job %d: %v", j, err)
		}
		for _, r := range o.Results {
			if r.Number != open[r.FindingIDs[0]][0] {
				t.Errorf("job %d reports #%d for %s, want the kept #%d", j, r.Number, r.FindingIDs[0], open[r.FindingIDs[0]][0])
			}
		}
	}
}

func TestSurvivesA502StormAndSecondaryRateLimits(t *testing.T) {
	e := newEnv(t)
	e.fake.Fail(fakegithub.Fault{Status: http.StatusBadGateway, Times: 4})
	e.fake.SecondaryRateLimit("POST", "/issues", 2, 7*time.Second)
	e.fake.Fail(fakegithub.Fault{Method: "PATCH", Delay: 50 * time.Millisecond, Times: 2})
	fs := []triage.Finding{finding("t1", "flake", "s1"), finding("t2", "failure", "s2")}
	_, o := e.triageRun(e.client(), fs, run(100, "e2e", e.clock.now()))
	if d := cmp.Diff([]string{"create", "create"}, kinds(o)); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	if n := len(e.fake.Issues()); n != 2 {
		t.Errorf("%d issues, want 2", n)
	}
	sevens := 0
	for _, w := range e.waits {
		if w == 7*time.Second {
			sevens++
		}
	}
	if sevens != 2 || len(e.waits) != 6 {
		t.Errorf("waits %v: want 4 backoffs and 2 waits of Retry-After 7s", e.waits)
	}
}

func TestRetriesAreBounded(t *testing.T) {
	e := newEnv(t)
	e.fake.Fail(fakegithub.Fault{Status: http.StatusServiceUnavailable, Times: 1000})
	c := e.client(tracker.WithRetry(10*time.Second, time.Second, 100))
	_, err := c.Load(context.Background(), e.pol.ReopenWindow, e.clock.now())
	if err == nil || !strings.Contains(err.Error(), "503") {
		t.Errorf("Load through endless 503s: %v", err)
	}
	var total time.Duration
	for _, w := range e.waits {
		total += w
	}
	if total > 10*time.Second || len(e.waits) != 3 {
		t.Errorf("waited %v in %v, want 1s+2s+4s within 10s", total, e.waits)
	}
}

func TestLoadCallBudget(t *testing.T) {
	e := newEnv(t)
	f := finding("t1", "flake", "s1")
	body := issue.Render("", issue.Content{Finding: f, State: issue.State{}.Add(issue.Occurrence{RunID: 1, Time: t0})})
	for i := 0; i < 250; i++ {
		e.fake.AddIssue(fakegithub.Issue{Title: fmt.Sprintf("human issue %d", i), Body: "not ours"})
	}
	for i := 0; i < 20; i++ {
		e.fake.AddIssue(fakegithub.Issue{Title: "a PR", PullRequest: true})
	}
	e.fake.AddIssue(fakegithub.Issue{Title: "ours", Body: body})
	for i := 0; i < 120; i++ {
		e.fake.AddIssue(fakegithub.Issue{Title: "closed", State: "closed", ClosedAt: t0.Add(-time.Hour), UpdatedAt: t0.Add(-time.Hour)})
	}
	e.fake.AddIssue(fakegithub.Issue{Title: "closed long ago", State: "closed", ClosedAt: t0.Add(-400 * 24 * time.Hour), UpdatedAt: t0.Add(-400 * 24 * time.Hour)})
	issues, err := e.client().Load(context.Background(), e.pol.ReopenWindow, t0)
	if err != nil {
		t.Fatal(err)
	}
	// Every open issue (people's too: the plan may adopt them) and the
	// recently closed ones; no pull request, nothing closed long ago.
	titles := map[string]int{}
	for _, is := range issues {
		titles[strings.Fields(is.Title)[0]]++
	}
	if len(issues) != 371 || titles["ours"] != 1 || titles["human"] != 250 || titles["closed"] != 120 || titles["a"] != 0 {
		t.Errorf("Load found %d issues: %v", len(issues), titles)
	}
	// 271 open (PRs included in GitHub's list) and 120 recently closed,
	// each read twice since they span several pages.
	if got, want := e.fake.Count("GET", "/issues"), 2*((271+99)/100)+2*((120+99)/100); got != want {
		t.Errorf("%d list calls, want %d", got, want)
	}
	for _, r := range e.fake.Requests() {
		if r.Query.Get("per_page") != "100" {
			t.Errorf("list without per_page=100: %v", r.Query)
		}
	}
}

// TestLoadWhileIssuesClose: a person closes an issue on page 1 while the
// tool reads page 2, so the tracked issue that was first on page 2 moves to
// page 1; Load still finds it, and lists a one-page tracker once.
func TestLoadWhileIssuesClose(t *testing.T) {
	e := newEnv(t)
	f := finding("t1", "flake", "s1")
	body := issue.Render("", issue.Content{Finding: f, State: issue.State{}.Add(issue.Occurrence{RunID: 1, Time: t0})})
	for i := 0; i < 100; i++ {
		e.fake.AddIssue(fakegithub.Issue{Title: fmt.Sprintf("human issue %d", i), Body: "not ours", CreatedAt: t0.Add(time.Duration(i-500) * time.Minute)})
	}
	ours := e.fake.AddIssue(fakegithub.Issue{Title: "ours", Body: body, CreatedAt: t0.Add(-300 * time.Minute)})
	for i := 0; i < 50; i++ {
		e.fake.AddIssue(fakegithub.Issue{Title: "later", Body: "not ours", CreatedAt: t0.Add(time.Duration(i-200) * time.Minute)})
	}
	e.fake.Fail(fakegithub.Fault{Method: "GET", Path: "/issues", Skip: 1, Then: func(s *fakegithub.Server) {
		s.Edit(1, func(is *fakegithub.Issue) { is.State, is.ClosedAt = "closed", t0 })
	}})
	issues, err := e.client().Load(context.Background(), e.pol.ReopenWindow, t0)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, is := range issues {
		if is.Number == ours {
			n++
		}
	}
	if n != 1 {
		t.Errorf("Load found #%d %d times, want once", ours, n)
	}
	e.fake.ResetLog()
	e.fake.Edit(1, func(is *fakegithub.Issue) { is.State = "closed" })
	for _, is := range e.fake.Issues() {
		if is.Number > ours { // 99 open people's issues and ours: one page; 51 closed: one page
			e.fake.Edit(is.Number, func(is *fakegithub.Issue) { is.State, is.ClosedAt = "closed", t0 })
		}
	}
	if _, err := e.client().Load(context.Background(), e.pol.ReopenWindow, t0); err != nil {
		t.Fatal(err)
	}
	if got := e.fake.Count("GET", "/issues"); got != 2 {
		t.Errorf("%d list calls for one open and one closed page, want 2", got)
	}
}

func TestAssigneeRefusedIsDroppedNotTheIssue(t *testing.T) {
	e := newEnv(t)
	e.fake.RejectAssignee("alice")
	_, o := e.triageRun(e.client(), []triage.Finding{finding("t1", "flake", "s1")}, run(100, "e2e", e.clock.now()))
	is := e.fake.Issue(1)
	if !cmp.Equal(is.Assignees, []string{"carol"}) || !strings.Contains(o.Results[0].Note, "alice") {
		t.Errorf("assignees %v, note %q", is.Assignees, o.Results[0].Note)
	}
}

func TestLabelsThatCannotBeCreated(t *testing.T) {
	e := newEnv(t)
	e.fake.ForbidLabelCreation()
	e.fake.AddLabels("area/e2e-testing")
	_, o := e.triageRun(e.client(), []triage.Finding{finding("t1", "flake", "s1")}, run(100, "e2e", e.clock.now()))
	if is := e.fake.Issue(1); !cmp.Equal(is.Labels, []string{"area/e2e-testing"}) || len(o.Warnings) == 0 || !strings.Contains(strings.Join(o.Warnings, "\n"), `"kind/flake"`) {
		t.Errorf("labels %v, warnings %q", is.Labels, o.Warnings)
	}
}

func TestStormFilesOneIssue(t *testing.T) {
	e := newEnv(t)
	e.pol.Fallback = []string{"carol"}
	var fs []triage.Finding
	for i := 0; i < 12; i++ {
		fs = append(fs, finding(fmt.Sprintf("t%02d", i), "failure", ""))
	}
	_, o := e.triageRun(e.client(), fs, run(100, "e2e", e.clock.now()))
	if d := cmp.Diff([]string{"storm"}, kinds(o)); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	if all := e.fake.Issues(); len(all) != 1 || !cmp.Equal(all[0].Assignees, []string{"carol"}) || !strings.Contains(all[0].Body, "t11") {
		t.Errorf("storm issues: %+v", all)
	}
	e.fake.ResetLog()
	e.triageRun(e.client(), fs, run(100, "e2e", e.clock.now()))
	if w := e.fake.Writes(); w != 0 {
		t.Errorf("storm run again: %d writes", w)
	}
}

func TestErrorsSayWhatToDo(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(*fakegithub.Server)
		token string
		want  string
	}{
		{"bad token", func(*fakegithub.Server) {}, "wrong", "401"},
		{"no permission", func(s *fakegithub.Server) {
			s.Fail(fakegithub.Fault{Method: "POST", Path: "/issues", Status: 403, Body: `{"message":"Resource not accessible by integration"}`})
		}, token, "issues: write"},
		{"issues disabled", func(s *fakegithub.Server) { s.DisableIssues() }, token, "issues are disabled"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			tc.setup(e.fake)
			c, err := tracker.New(e.fake.Client(), e.fake.URL, tc.token, "kubernetes-sigs/cluster-api", "flake-triage/test")
			if err != nil {
				t.Fatal(err)
			}
			issues, err := c.Load(context.Background(), e.pol.ReopenWindow, t0)
			if err == nil {
				err = c.Apply(context.Background(), plan.Make([]triage.Finding{finding("t1", "flake", "s1"), finding("t2", "flake", "")}, issues, e.pol, run(1, "e2e", t0), "file")).Err()
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one saying %q", err, tc.want)
			}
		})
	}
	e := newEnv(t)
	c, _ := tracker.New(e.fake.Client(), e.fake.URL, token, "kubernetes-sigs/no-such-repo", "flake-triage/test")
	if _, err := c.Load(context.Background(), time.Hour, t0); err == nil || !strings.Contains(err.Error(), "404") || !strings.Contains(err.Error(), "kubernetes-sigs/no-such-repo") {
		t.Errorf("unknown repository: %v", err)
	}
}

func TestOneFailedWriteDoesNotStopTheOthers(t *testing.T) {
	e := newEnv(t)
	e.fake.Fail(fakegithub.Fault{Method: "POST", Path: "/issues", Status: 422, Body: `{"message":"Validation Failed","errors":[{"resource":"Issue","field":"body","code":"custom","message":"nope"}]}`})
	c := e.client()
	issues, _ := c.Load(context.Background(), e.pol.ReopenWindow, t0)
	fs := []triage.Finding{finding("t1", "flake", "s1"), finding("t2", "flake", "s2")}
	p := plan.Make(fs, issues, e.pol, run(1, "e2e", t0), "file")
	o := c.Apply(context.Background(), p)
	if o.Results[0].Err == nil || o.Results[1].Err != nil || len(e.fake.Issues()) != 1 {
		t.Errorf("results %+v, %d issues", o.Results, len(e.fake.Issues()))
	}
	o.Fill(fs, p)
	if fs[0].Issue.Action != "create" || !strings.HasPrefix(fs[0].Issue.Reason, "failed: ") || fs[1].Issue.Number != 1 {
		t.Errorf("filled issues: %+v, %+v", fs[0].Issue, fs[1].Issue)
	}
}

func TestNewRejectsBadInput(t *testing.T) {
	for _, tc := range [][2]string{{"https://api.github.com", "noslash"}, {"ftp://x", "o/r"}, {"", "o/r"}, {"https://api.github.com", "o/r/x"}} {
		if _, err := tracker.New(nil, tc[0], "", tc[1], "ua"); err == nil {
			t.Errorf("New(%q, %q) accepted", tc[0], tc[1])
		}
	}
}

// TestContract drives every call the tool makes and checks that the fake
// validated each request against GitHub's OpenAPI description.
func TestContract(t *testing.T) {
	ok, err := fakegithub.SpecAvailable()
	if err != nil {
		t.Fatal(err)
	}
	if !ok {
		t.Skipf("GitHub's OpenAPI description (shared/github/api.github.com.json, or $%s) is absent: contract not checked", fakegithub.SpecEnv)
	}
	e := newEnv(t)
	e.fake.RejectAssignee("alice")
	f := finding("t1", "failure", "s1")
	e.triageRun(e.client(), []triage.Finding{f}, run(100, "e2e", e.clock.now()))
	for i := int64(1); i <= 3; i++ { // comments, labels added and removed
		e.clock.add(25 * time.Hour)
		f.Signature = fmt.Sprint("s", i)
		f.Kind = map[bool]string{true: "flake", false: "failure"}[i == 3]
		e.triageRun(e.client(), []triage.Finding{f}, run(100+i, "e2e", e.clock.now()))
	}
	e.fake.Edit(1, func(is *fakegithub.Issue) { is.State, is.ClosedAt = "closed", e.clock.now() })
	e.clock.add(time.Hour)
	e.triageRun(e.client(), []triage.Finding{f}, run(200, "e2e", e.clock.now())) // reopen
	ops := map[string]bool{}
	for _, r := range e.fake.Requests() {
		p := strings.Split(strings.TrimPrefix(r.Path, "/repos/kubernetes-sigs/cluster-api/"), "/")
		for i := range p {
			if i > 0 {
				p[i] = "*"
			}
		}
		ops[r.Method+" "+strings.Join(p, "/")] = true
	}
	var got []string
	for op := range ops {
		got = append(got, op)
	}
	sort.Strings(got)
	want := []string{"DELETE issues/*/*/*", "GET assignees/*", "GET issues", "GET labels/*", "PATCH issues/*", "POST issues", "POST issues/*/*", "POST labels"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("operations exercised (-want +got):\n%s", d)
	}
	if n, v := len(e.fake.Requests()), e.fake.Validated(); v != n || n == 0 {
		t.Errorf("validated %d of %d requests", v, n)
	}
}

func planFor(t *testing.T, e *env, fs []triage.Finding) plan.Plan {
	t.Helper()
	issues, err := e.client().Load(context.Background(), e.pol.ReopenWindow, e.clock.now())
	if err != nil {
		t.Fatal(err)
	}
	return plan.Make(fs, issues, e.pol, run(300, "e2e", e.clock.now()), "file")
}

func TestHonoursRateLimitReset(t *testing.T) {
	e := newEnv(t)
	reset := e.clock.now().Add(90 * time.Second)
	e.fake.Fail(fakegithub.Fault{Method: "GET", Path: "/issues", Status: 403,
		Header: map[string]string{"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": fmt.Sprint(reset.Unix())},
		Body:   `{"message":"API rate limit exceeded"}`})
	if _, err := e.client().Load(context.Background(), e.pol.ReopenWindow, e.clock.now()); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]time.Duration{91 * time.Second}, e.waits); d != "" {
		t.Errorf("waits (-want +got):\n%s", d)
	}
}

func TestUserAgentAndEnterpriseURL(t *testing.T) {
	e := newEnv(t)
	c, err := tracker.New(e.fake.Client(), strings.TrimSuffix(e.fake.URL, "/"), token, "kubernetes-sigs/cluster-api", "flake-triage/v1.2.3")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Load(context.Background(), time.Hour, t0); err != nil {
		t.Fatal(err)
	}
	for _, r := range e.fake.Requests() {
		if r.UserAgent != "flake-triage/v1.2.3" {
			t.Errorf("user agent %q", r.UserAgent)
		}
	}
}

func TestSlowResponseTimesOutOneActionOnly(t *testing.T) {
	e := newEnv(t)
	e.fake.Fail(fakegithub.Fault{Method: "POST", Path: "/issues", Delay: 5 * time.Second})
	c := e.client()
	issues, err := c.Load(context.Background(), e.pol.ReopenWindow, t0)
	if err != nil {
		t.Fatal(err)
	}
	p := plan.Make([]triage.Finding{finding("t1", "flake", "s1")}, issues, e.pol, run(1, "e2e", t0), "file")
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	o := c.Apply(ctx, p)
	if o.Err() == nil || !strings.Contains(o.Err().Error(), "context deadline exceeded") || time.Since(start) > 3*time.Second {
		t.Errorf("Apply with a deadline over a slow API: %v after %v", o.Err(), time.Since(start))
	}
	if len(e.waits) != 0 {
		t.Errorf("retried after the deadline: waits %v", e.waits)
	}
}

// TestClientTimeoutBoundsEachTry: with the CLI's client timeout, one
// answer slower than it is retried, instead of failing the request (the
// timeout used to bound every try and wait together).
func TestClientTimeoutBoundsEachTry(t *testing.T) {
	e := newEnv(t)
	// The fake loads GitHub's OpenAPI description on its first request:
	// load it before timing anything.
	if _, err := e.client().Load(context.Background(), e.pol.ReopenWindow, t0); err != nil {
		t.Fatal(err)
	}
	e.fake.ResetLog()
	e.fake.Fail(fakegithub.Fault{Method: "GET", Path: "/issues", Delay: 5 * time.Second})
	hc := e.fake.Client()
	hc.Timeout = 300 * time.Millisecond
	c, err := tracker.New(hc, e.fake.URL, token, "kubernetes-sigs/cluster-api", "flake-triage/test",
		tracker.WithSleep(func(context.Context, time.Duration) error { return nil }))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if _, err := c.Load(context.Background(), e.pol.ReopenWindow, t0); err != nil {
		t.Fatalf("Load after one slow answer: %v", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("Load took %v: the slow answer was waited out, not timed out", d)
	}
	if n := e.fake.Count("GET", "/issues"); n != 3 {
		t.Errorf("%d list requests, want the timed-out one, its retry and the closed list", n)
	}
}

// TestLostAnswerOfACreate: GitHub makes a create but answers 502; the retry
// files a second issue. The run closes its own duplicate, and the action
// stays a create of the first issue.
func TestLostAnswerOfACreate(t *testing.T) {
	e := newEnv(t)
	e.fake.Fail(fakegithub.Fault{Method: "POST", Path: "/issues", Landed: true, Status: http.StatusBadGateway})
	_, o := e.triageRun(e.client(), []triage.Finding{finding("t1", "failure", "s1")}, run(100, "e2e", e.clock.now()))
	if d := cmp.Diff([]string{"create"}, kinds(o)); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	issues := e.fake.Issues()
	if len(issues) != 2 || issues[0].State != "open" || issues[1].State != "closed" || o.Results[0].Number != issues[0].Number {
		t.Fatalf("issues %+v, result %+v: want #1 open and kept, #2 closed", issues, o.Results[0])
	}
	if !strings.Contains(o.Results[0].Note, "answer was lost") {
		t.Errorf("note %q", o.Results[0].Note)
	}
}
