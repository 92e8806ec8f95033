package triage

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/flake-triage/flake-triage/internal/config"
	"github.com/flake-triage/flake-triage/internal/owners"
)

// TestRouteWithEvidence: the recent committers of the failing file are
// assigned before its OWNERS experts; one GitHub cannot assign is
// mentioned at their rank instead; past max-mentions people are listed;
// each has a reason.
func TestRouteWithEvidence(t *testing.T) {
	cfg := config.Default()
	cfg.MaxAssignees, cfg.MaxMentions = 2, 1
	r := analyze(t, cfg, goReport)
	own, _ := owners.Load(repo)
	f := r.Findings[0] // pkg/x_test.go:6, owned by ann, bob (approvers) and cid
	if f.Location == nil || f.Location.Path != "pkg/x_test.go" {
		t.Fatalf("location %+v", f.Location)
	}
	now := time.Date(2026, 11, 17, 12, 0, 0, 0, time.UTC)
	ev := &Evidence{
		Commits: map[string][]owners.Commit{
			"pkg/x_test.go": {
				{SHA: "c2", Time: now.Add(-24 * time.Hour), Login: "outsider"},
				{SHA: "c1", Time: now.Add(-48 * time.Hour), Login: "Fixer"},
				{SHA: "c0", Time: now.Add(-100 * 24 * time.Hour), Login: "too-old"},
			},
			"pkg": {{SHA: "c3", Time: now.Add(-time.Hour), Login: "dir-dev"}},
		},
		Window:     90 * 24 * time.Hour,
		Now:        now,
		Assignable: func(l string) bool { return l != "outsider" },
	}
	Route(&f, own, cfg, ev)
	if diff := cmp.Diff([][]string{{"fixer", "dir-dev"}, {"outsider"}}, [][]string{f.Assignees, f.Mentions}); diff != "" {
		t.Errorf("assignees, mentions (-want +got):\n%s", diff)
	}
	if len(f.Listed) != 3 {
		t.Errorf("listed %v, want the three OWNERS people", f.Listed)
	}
	want := Provenance{Login: "fixer", File: "pkg/x_test.go", Role: "recent-change", Rank: 1, Commit: "c1", Date: "2026-11-15T12:00:00Z"}
	if diff := cmp.Diff(want, f.Provenance[1]); diff != "" {
		t.Errorf("fixer's reason (-want +got):\n%s", diff)
	}
	if len(f.Provenance) != 6 {
		t.Errorf("provenance %+v, want one reason for each of 6 people", f.Provenance)
	}

	// Without evidence (no token) OWNERS alone decide.
	Route(&f, own, cfg, nil)
	if len(f.Assignees) != 2 || f.Provenance[0].Role == "recent-change" || f.Provenance[0].Rank != owners.RankArea {
		t.Errorf("without evidence: assignees %v, provenance %+v", f.Assignees, f.Provenance)
	}
}

// TestExpertPaths: the failing file, the near files, the directory; the
// test's file when the failure's line is unknown.
func TestExpertPaths(t *testing.T) {
	f := Finding{Location: &Location{Path: "a/b.go"}, Related: []Location{{Path: "c/d.go"}}, References: []Reference{{Path: "e/f.go"}}}
	want := []owners.EvidencePath{{Path: "a/b.go", Tier: owners.TierFile}, {Path: "c/d.go", Tier: owners.TierNear}, {Path: "e/f.go", Tier: owners.TierNear}, {Path: "a", Tier: owners.TierDir}}
	if diff := cmp.Diff(want, ExpertPaths(f)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	f = Finding{TestLocation: &Location{Path: "t/x_test.go"}}
	if got := ExpertPaths(f); len(got) != 2 || got[0].Path != "t/x_test.go" {
		t.Errorf("test location: %+v", got)
	}
	if got := ExpertPaths(Finding{}); got != nil {
		t.Errorf("no location: %+v", got)
	}
}
