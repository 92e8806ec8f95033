package ledger

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-github/v57/github"

	"github.com/flake-triage/flake-triage/internal/fakegithub"
)

func branchOn(t *testing.T, gh *fakegithub.Server) Branch {
	gc := github.NewClient(gh.Client())
	u, err := gc.BaseURL.Parse(gh.URL)
	if err != nil {
		t.Fatal(err)
	}
	gc.BaseURL = u
	return Branch{Client: gc, Owner: "acme", Repo: "busy", Name: "flake-triage-history"}
}

// TestBranchWritersRace: writers that lose the ref update to each other
// and to injected writers re-read, merge and retry; the branch is created
// as an orphan, and no record is lost or written twice.
func TestBranchWritersRace(t *testing.T) {
	gh := fakegithub.New(t, "acme", "busy", "")
	b := branchOn(t, gh)
	ctx := context.Background()
	first := rec("1", "j0", t0, map[string]Outcome{"flaky": Failed})
	v, err := Read(ctx, b, Query{Record: first})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Add(ctx, v, first, false, Update{}); err != nil {
		t.Fatal(err)
	}
	// The branch starts as an orphan: its first commit has no parent.
	ref, _, err := b.Client.Git.GetRef(ctx, "acme", "busy", "heads/flake-triage-history")
	if err != nil {
		t.Fatal(err)
	}
	c, _, err := b.Client.Git.GetCommit(ctx, "acme", "busy", ref.GetObject().GetSHA())
	if err != nil || len(c.Parents) != 0 || !strings.HasPrefix(c.GetMessage(), "flake-triage: record run 1/1/j0") {
		t.Fatalf("first commit %+v (%v), want an orphan recording run 1", c, err)
	}
	gh.RaceRef("heads/flake-triage-history", 6, map[string]string{"notes/other.txt": "x\n"})
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() {
			r := rec(fmt.Sprint(10+i), "j", t0, map[string]Outcome{"flaky": Failed, "ok": Passed})
			v, err := Read(ctx, b, Query{Record: r})
			if err == nil {
				_, err = Add(ctx, v, r, false, Update{})
			}
			if err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	files := gh.Files("flake-triage-history")
	seg := files[segmentPath("main", "ci", t0)]
	for _, run := range []string{"1", "10", "11", "12", "13"} {
		if n := strings.Count(seg, `"run":"`+run+`"`); n != 1 {
			t.Errorf("run %s recorded %d times", run, n)
		}
	}
	ts, err := parseTests([]byte(files[testsPath]))
	if err != nil || ts.by["flaky"].Count != 5 {
		t.Errorf("tally %+v (%v), want count 5", ts.by["flaky"], err)
	}
	if files["notes/other.txt"] == "" {
		t.Error("the other writers' file was lost")
	}
	if v := gh.Violations(); len(v) > 0 {
		t.Errorf("requests GitHub's OpenAPI description rejects:\n%s", strings.Join(v, "\n"))
	}
}

// TestBranchWriteForbidden: a 403 on the write is ErrForbidden.
func TestBranchWriteForbidden(t *testing.T) {
	gh := fakegithub.New(t, "acme", "busy", "")
	gh.ForbidContentsWrite()
	b := branchOn(t, gh)
	r := rec("1", "j", t0, map[string]Outcome{"a": Failed})
	v, err := Read(context.Background(), b, Query{Record: r})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Add(context.Background(), v, r, false, Update{}); !errorsIs(err, ErrForbidden) {
		t.Errorf("Add error %v, want ErrForbidden", err)
	}
}

func errorsIs(err, target error) bool { return err != nil && errors.Is(err, target) }
