package cli

import (
	"context"

	"github.com/flake-triage/flake-triage/internal/issue"
	"github.com/flake-triage/flake-triage/internal/quarantine"
	"github.com/flake-triage/flake-triage/internal/triage"
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

// isQuarantined reports whether a finding's issue is quarantined: an open
// issue of the tool, as the track stage read it, that carries the
// quarantine label. The verdict stage gives such a finding the verdict
// quarantined; it needs only the track stage before it.
func (t *run) isQuarantined(is triage.Issue) bool {
	if is.Number == 0 {
		return false
	}
	for _, i := range t.issues {
		if i.Number == is.Number {
			return i.State != "closed" && quarantine.Labelled(i, t.cfg.QuarantineLabel) && issue.IDOf(i.Body) != ""
		}
	}
	return false
}
