package cli

import (
	"context"

	"github.com/flake-triage/flake-triage/internal/quarantine"
)

// quarantine lists the quarantined tests, from the issues the track stage
// read (no further call): the result's quarantined list and output. A
// quarantine label on an issue the tool did not file is ignored with a
// warning.
func (t *run) quarantine(context.Context) error {
	tests, warnings := quarantine.FromIssues(t.issues, t.cfg.QuarantineLabel)
	t.res.Quarantined = tests
	t.res.Errors = append(t.res.Errors, warnings...)
	return nil
}
