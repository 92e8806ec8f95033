package issue

import (
	"fmt"
	"strings"
	"testing"

	"github.com/flake-triage/flake-triage/internal/triage"
)

func TestRenderCases(t *testing.T) {
	f := finding()
	f.Test.Cases = []triage.Case{
		{Name: "TestX/a", Location: &triage.Location{Path: "pkg/x_test.go", Line: 8}},
		{Name: "TestX/dup#01"},
	}
	body := Render(DefaultHuman, Content{Finding: f, Server: "https://github.com", Repo: "o/r", SHA: "abc"})
	for _, want := range []string{
		"**Failing cases (2):**",
		"- `TestX/a` at [`pkg/x_test.go:8`](https://github.com/o/r/blob/abc/pkg/x_test.go#L8)",
		"- " + Code("TestX/dup#01") + " where unknown",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("body lacks %q:\n%s", want, body)
		}
	}
	if p, err := Parse(body); err != nil || p.ID != f.ID {
		t.Errorf("body parses to %q, %v", p.ID, err)
	}

	// An infrastructure failure folds every test of a broken run: the
	// list is bounded.
	f.Kind = triage.KindInfra
	f.Test.Cases = nil
	for i := range 300 {
		f.Test.Cases = append(f.Test.Cases, triage.Case{Name: fmt.Sprintf("TestE2E%d", i)})
	}
	body = Render(DefaultHuman, Content{Finding: f})
	if !strings.Contains(body, "**Tests that failed here (300):** the environment broke") || !strings.Contains(body, "- and 250 more") || strings.Contains(body, "TestE2E50`") {
		t.Errorf("infra body:\n%s", body)
	}
}
