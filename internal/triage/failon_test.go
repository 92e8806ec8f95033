package triage

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDeciding(t *testing.T) {
	findings := []Finding{
		{ID: "new", Kind: "failure", Verdict: "new"},
		{ID: "broken", Kind: "failure", Verdict: "broken"},
		{ID: "infra", Kind: "infra", Verdict: "new"},
		{ID: "flaky", Kind: "failure", Verdict: "flaky"},
		{ID: "base", Kind: "failure", Verdict: "failing-on-base"},
		{ID: "quarantined", Kind: "failure", Verdict: "quarantined"},
		{ID: "unknown", Kind: "failure", Verdict: "unknown"},
		{ID: "none", Kind: "failure"},
		{ID: "flake-new", Kind: "flake", Verdict: "new"},
	}
	ids := func(fs []Finding) []string {
		var out []string
		for _, f := range fs {
			out = append(out, f.ID)
		}
		return out
	}
	for _, c := range []struct {
		failOn string
		want   []string
	}{
		{"never", nil},
		{"", nil},
		{"new", []string{"new", "broken", "infra"}},
		{"any", []string{"new", "broken", "infra", "flaky", "base", "quarantined", "unknown", "none"}},
	} {
		if d := cmp.Diff(c.want, ids(Deciding(findings, c.failOn))); d != "" {
			t.Errorf("Deciding(%q) (-want +got):\n%s", c.failOn, d)
		}
	}
	if n := NewFailures(findings); n != 3 {
		t.Errorf("NewFailures = %d, want 3", n)
	}
}
