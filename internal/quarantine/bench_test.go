package quarantine

import (
	"fmt"
	"testing"

	"github.com/flake-triage/flake-triage/internal/plan"
)

// BenchmarkFromIssues reads the quarantine of a tracker with 1,000 open
// issues of the tool, 200 of them labelled, and renders every pattern.
func BenchmarkFromIssues(b *testing.B) {
	issues := make([]plan.Issue, 1000)
	for i := range issues {
		name := fmt.Sprintf("TestCase%d/sub [%d]", i, i)
		if i%3 == 0 {
			name = fmt.Sprintf("[It] Container (%d) does a.b*c [slow, e2e]", i)
		}
		issues[i] = plan.Issue{Number: i + 1, State: "open", Body: toolBody(fmt.Sprintf("id-%d", i), "suite", "tests.test_mod.TestX", name)}
		if i%5 == 0 {
			issues[i].Labels = []string{DefaultLabel}
		}
	}
	b.ResetTimer()
	for b.Loop() {
		tests, _ := FromIssues(issues, DefaultLabel)
		if len(tests) != 200 {
			b.Fatalf("%d quarantined", len(tests))
		}
		_ = GoSkip(tests)
		_ = GinkgoSkip(tests)
		_ = PytestDeselect(tests)
	}
}
