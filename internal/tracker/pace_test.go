package tracker_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-github/v57/github"

	"github.com/flake-triage/flake-triage/internal/tracker"
)

// pacedClient is a client whose waits advance the test's clock instead
// of sleeping, recording each wait and each notice.
func pacedClient(t *testing.T, e *env, opts ...tracker.Option) (*tracker.Client, *[]time.Duration, *[]string) {
	var mu sync.Mutex
	var waits []time.Duration
	var notices []string
	opts = append([]tracker.Option{
		tracker.WithSleep(func(_ context.Context, d time.Duration) error {
			mu.Lock()
			waits = append(waits, d)
			mu.Unlock()
			e.clock.add(d)
			return nil
		}),
		tracker.WithClock(e.clock.now),
		tracker.WithNotice(func(s string) { mu.Lock(); notices = append(notices, s); mu.Unlock() }),
	}, opts...)
	c, err := tracker.New(e.fake.Client(), e.fake.URL, token, "kubernetes-sigs/cluster-api", "flake-triage/test", opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c, &waits, &notices
}

// TestPacingWrites: 20 writes go at once, then one a second; reads never
// wait; the log is told once.
func TestPacingWrites(t *testing.T) {
	e := newEnv(t)
	c, waits, notices := pacedClient(t, e, tracker.WithWriteRate(1))
	ctx := context.Background()
	start := e.clock.now()
	for i := range 25 {
		if _, _, err := c.REST().Issues.Create(ctx, "kubernetes-sigs", "cluster-api", &github.IssueRequest{Title: github.String(fmt.Sprint("issue ", i))}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := c.REST().Issues.ListByRepo(ctx, "kubernetes-sigs", "cluster-api", nil); err != nil {
			t.Fatal(err)
		}
	}
	if len(*waits) != 5 {
		t.Fatalf("waits %v, want 5 (the writes after a burst of 20)", *waits)
	}
	for _, w := range *waits {
		if w < 999*time.Millisecond || w > time.Second {
			t.Errorf("wait %v, want 1s", w)
		}
	}
	if took := e.clock.now().Sub(start); took < 5*time.Second-5*time.Millisecond {
		t.Errorf("25 writes took %v, want at least 5s after the burst", took)
	}
	if len(*notices) != 1 || !strings.Contains((*notices)[0], "pacing writes at 1 a second after a burst of 20") {
		t.Errorf("notices %q, want one about pacing", *notices)
	}
}

// TestLedgerWritesAreNotPaced: after the burst, issue writes wait but the
// run ledger's Git database writes do not, so a ledger update is never
// stretched across seconds of pacing while other jobs race for its ref.
func TestLedgerWritesAreNotPaced(t *testing.T) {
	e := newEnv(t)
	c, waits, _ := pacedClient(t, e, tracker.WithWriteRate(1))
	ctx := context.Background()
	for range tracker.WriteBurst {
		if _, _, err := c.REST().Issues.Create(ctx, "kubernetes-sigs", "cluster-api", &github.IssueRequest{Title: github.String("x")}); err != nil {
			t.Fatal(err)
		}
	}
	for range 10 {
		if _, _, err := c.REST().Git.CreateBlob(ctx, "kubernetes-sigs", "cluster-api", &github.Blob{Content: github.String("record"), Encoding: github.String("utf-8")}); err != nil {
			t.Fatal(err)
		}
	}
	if len(*waits) != 0 {
		t.Fatalf("ledger writes waited %v", *waits)
	}
	if _, _, err := c.REST().Issues.Create(ctx, "kubernetes-sigs", "cluster-api", &github.IssueRequest{Title: github.String("y")}); err != nil {
		t.Fatal(err)
	}
	if len(*waits) != 1 {
		t.Errorf("the issue write after the burst waited %v, want once", *waits)
	}
}

// TestRepositoryNamedGitIsPaced: only the Git database's own paths are
// unpaced, not every path that holds "/git/", such as the issues of a
// repository named git.
func TestRepositoryNamedGitIsPaced(t *testing.T) {
	e := newEnv(t)
	c, waits, _ := pacedClient(t, e, tracker.WithWriteRate(1))
	for range tracker.WriteBurst + 1 {
		// The fake serves one repository: the requests' answers do not
		// matter, only whether they waited their turn.
		c.REST().Issues.Create(context.Background(), "kubernetes-sigs", "git", &github.IssueRequest{Title: github.String("x")})
	}
	if len(*waits) != 1 {
		t.Errorf("issue writes to a repository named git waited %v, want once after the burst", *waits)
	}
}

// TestNoPacing: write-rate 0 (and the default of New) never waits.
func TestNoPacing(t *testing.T) {
	for _, opts := range [][]tracker.Option{{tracker.WithWriteRate(0)}, nil} {
		e := newEnv(t)
		c, waits, _ := pacedClient(t, e, opts...)
		for range 30 {
			if _, _, err := c.REST().Issues.Create(context.Background(), "kubernetes-sigs", "cluster-api", &github.IssueRequest{Title: github.String("x")}); err != nil {
				t.Fatal(err)
			}
		}
		if len(*waits) != 0 {
			t.Errorf("waits %v without pacing", *waits)
		}
	}
}

// TestRateLimitWaitIsTold: a wait for GitHub's rate limit is told with
// its length, the request and the reason.
func TestRateLimitWaitIsTold(t *testing.T) {
	e := newEnv(t)
	e.fake.SecondaryRateLimit("POST", "/issues", 1, 7*time.Second)
	c, _, notices := pacedClient(t, e)
	if _, _, err := c.REST().Issues.Create(context.Background(), "kubernetes-sigs", "cluster-api", &github.IssueRequest{Title: github.String("x")}); err != nil {
		t.Fatal(err)
	}
	if len(*notices) != 1 {
		t.Fatalf("notices %q, want one", *notices)
	}
	n := (*notices)[0]
	for _, want := range []string{"waiting 7s before retrying POST /api/v3/repos/kubernetes-sigs/cluster-api/issues (try 2 of 6)", "rate limit"} {
		if !strings.Contains(n, want) {
			t.Errorf("notice %q lacks %q", n, want)
		}
	}
}
