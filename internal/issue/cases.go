package issue

import (
	"fmt"
	"strings"

	"github.com/flake-triage/flake-triage/internal/triage"
)

// maxCases bounds the cases an issue body lists: an infrastructure
// failure folds every test of a broken run.
const maxCases = 50

// cases lists a finding's failing cases (a top-level test's subtests or
// parameter sets, or the tests of an infrastructure failure), each with
// where it failed. Empty when the finding has none.
func (c Content) cases(f triage.Finding) string {
	if len(f.Test.Cases) == 0 {
		return ""
	}
	var b strings.Builder
	if f.Kind == triage.KindInfra {
		fmt.Fprintf(&b, "**Tests that failed here (%d):** the environment broke, not these tests: they are tracked in this one issue.\n\n", len(f.Test.Cases))
	} else {
		fmt.Fprintf(&b, "**Failing cases (%d):**\n\n", len(f.Test.Cases))
	}
	for i, cs := range f.Test.Cases {
		if i == maxCases {
			fmt.Fprintf(&b, "- and %d more\n", len(f.Test.Cases)-i)
			break
		}
		name, _ := Truncate(cs.Name, 300)
		at := "where unknown"
		if cs.Location != nil {
			at = "at " + c.link(*cs.Location)
		}
		fmt.Fprintf(&b, "- %s %s\n", Code(name), at)
	}
	b.WriteString("\n")
	return b.String()
}
