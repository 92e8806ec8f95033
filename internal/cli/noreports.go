package cli

import (
	"context"
	"fmt"
	"strings"
)

// checkReports notices a run whose globs matched no report: a misspelt
// glob or a test step that wrote nothing would otherwise look like a
// run with no failing tests. It warns naming the globs (a warning
// annotation in Actions, a line on stderr elsewhere), makes the summary
// say that no report was read, keeps the check run from posting a green
// "no failing tests", and with require-reports fails the run (exit 1).
func (t *run) checkReports(context.Context) error {
	if len(t.set.Files) > 0 {
		return nil
	}
	t.noReports = true
	var quoted, excluded []string
	for _, g := range t.globs {
		for _, line := range splitList(g) {
			if strings.HasPrefix(line, "!") {
				excluded = append(excluded, fmt.Sprintf("%q", line[1:]))
				continue
			}
			quoted = append(quoted, fmt.Sprintf("%q", line))
			t.where.Globs = append(t.where.Globs, line)
		}
	}
	where := "in " + t.o.RepoRoot
	if t.o.FromRun != 0 {
		where = fmt.Sprintf("in the artifacts of run %d", t.o.FromRun)
	}
	if t.o.FromProw != nil {
		where = "in the Prow job run " + t.o.FromProw.String()
	}
	if len(excluded) > 0 {
		where += " (excluding " + strings.Join(excluded, ", ") + ")"
	}
	msg := fmt.Sprintf("no report matched %s %s, so no test was triaged; check the reports input and that the tests wrote JUnit XML",
		strings.Join(quoted, ", "), where)
	if t.cfg.RequireReports {
		msg += " (require-reports is set: the step fails)"
		t.failed = true
	}
	if t.gha != nil {
		t.gha.gha.Warningf("%s", msg)
	} else {
		fmt.Fprintf(t.env.Stderr, "flake-triage: warning: %s\n", msg)
	}
	return nil
}
