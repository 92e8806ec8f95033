package tracker_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/flake-triage/flake-triage/internal/fakegithub"
	"github.com/flake-triage/flake-triage/internal/tracker"
)

// TestRecentCommits reads a path's commits since a time from the fake's
// seeded history: newest first, one page (one call) however many there
// are, bots and authors without an account told apart.
func TestRecentCommits(t *testing.T) {
	e := newEnv(t)
	day := func(n int) time.Time { return t0.Add(-time.Duration(n) * 24 * time.Hour) }
	var seed []fakegithub.SeedCommit
	seed = append(seed, fakegithub.SeedCommit{Login: "old", Date: day(100), Files: []string{"pkg/a.go"}})
	for i := 150; i > 0; i-- { // 150 commits 10 hours apart, oldest first
		seed = append(seed, fakegithub.SeedCommit{Login: fmt.Sprintf("dev%d", i%7), Date: day(80).Add(time.Duration(150-i) * 10 * time.Hour), Files: []string{"pkg/a.go"}})
	}
	seed = append(seed,
		fakegithub.SeedCommit{Login: "", Name: "Someone", Email: "someone@example.com", Date: day(2), Files: []string{"pkg/a.go"}},
		fakegithub.SeedCommit{Login: "renovate[bot]", Date: day(1), Files: []string{"pkg/a.go"}},
		fakegithub.SeedCommit{Login: "elsewhere", Date: day(1), Files: []string{"other/b.go"}},
	)
	e.fake.Seed("main", seed...)
	e.fake.ResetLog()
	got, err := e.client().RecentCommits(context.Background(), "pkg/a.go", day(90))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 100 {
		t.Fatalf("%d commits, want one page of 100", len(got))
	}
	if n := len(e.fake.Requests()); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
	if c := got[0]; c.Login != "renovate[bot]" || !c.Bot || !c.Skipped() || !c.Time.Equal(day(1)) || len(c.SHA) != 40 {
		t.Errorf("newest: %+v, want the bot's", c)
	}
	if c := got[1]; c.Login != "" || c.Bot || !c.Skipped() {
		t.Errorf("second: %+v, want the author without an account", c)
	}
	for i := 1; i < len(got); i++ {
		if got[i].Time.After(got[i-1].Time) {
			t.Fatalf("not newest first at %d: %v after %v", i, got[i].Time, got[i-1].Time)
		}
	}
	for _, c := range got {
		if c.Login == "old" || c.Login == "elsewhere" {
			t.Errorf("%+v listed: older than since, or another path", c)
		}
	}
	if q := e.fake.Requests()[0].Query; q.Get("path") != "pkg/a.go" || q.Get("since") == "" || q.Get("per_page") != "100" {
		t.Errorf("query %v", q)
	}
}

// TestRecentCommitsPagesForever: a server whose every page names a next
// one costs one call.
func TestRecentCommitsPagesForever(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := calls.Add(1)
		w.Header().Set("Link", fmt.Sprintf(`<http://%s%s?page=%d>; rel="next"`, r.Host, r.URL.Path, n+1))
		fmt.Fprintf(w, `[{"sha":"%040d","commit":{"committer":{"date":"2026-11-10T00:00:00Z"}},"author":{"login":"dev","type":"User"}}]`, n)
	}))
	defer srv.Close()
	c, err := tracker.New(srv.Client(), srv.URL, token, "o/r", "flake-triage/test")
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.RecentCommits(context.Background(), "a.go", t0.Add(-90*24*time.Hour))
	if err != nil || len(got) != 1 || got[0].Login != "dev" {
		t.Fatalf("got %+v, %v", got, err)
	}
	if n := calls.Load(); n != 1 {
		t.Errorf("%d calls, want 1", n)
	}
}
