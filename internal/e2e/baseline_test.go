package e2e

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestBaseline is the well-behaved run every hostile case departs from:
// the sample's reports on push file one issue per failing test; the same
// run again changes nothing; the next run records its occurrence once.
func TestBaseline(t *testing.T) {
	dir := extract(t, nil)
	gh := newFake(t)
	r := run(t, step(t, gh, dir, "push", 100))
	if r.Code != 0 {
		t.Fatalf("exit %d; stderr:\n%s", r.Code, tail(r.Stderr))
	}
	ids := failingIDs(r.Result)
	if len(ids) != 13 {
		t.Fatalf("%d findings, want the sample's 13", len(ids))
	}
	if diff := cmp.Diff(wantTracked(ids, 100), trackerState(t, gh)); diff != "" {
		t.Errorf("tracker after the first run (-want +got):\n%s", diff)
	}
	if got := output(r.Outputs, "issues-created"); got != "13" {
		t.Errorf("issues-created output %q, want 13", got)
	}
	writes := gh.Writes()
	r = run(t, step(t, gh, dir, "push", 100))
	if r.Code != 0 || gh.Writes() != writes {
		t.Errorf("same run again: exit %d, %d more writes, want 0 and none", r.Code, gh.Writes()-writes)
	}
	r = run(t, step(t, gh, dir, "push", 101))
	if r.Code != 0 {
		t.Fatalf("next run: exit %d; stderr:\n%s", r.Code, tail(r.Stderr))
	}
	if diff := cmp.Diff(wantTracked(ids, 100, 101), trackerState(t, gh)); diff != "" {
		t.Errorf("tracker after the next run (-want +got):\n%s", diff)
	}
	if !strings.Contains(r.Summary, "## flake-triage") {
		t.Errorf("no job summary:\n%s", r.Summary)
	}
	noLeak(t, r, gh, token)
}
