package cli

import (
	"github.com/flake-triage/flake-triage/internal/triage"
)

// decideFailOn applies the fail-on setting: it reports whether the
// findings fail the job, and tells the job summary which findings decided
// it.
func (t *run) decideFailOn() bool {
	t.where.FailOn = t.cfg.FailOn
	if t.cfg.FailOn == "" || t.cfg.FailOn == triage.FailOnNever {
		return false
	}
	t.where.Deciding = triage.Deciding(t.res.Findings, t.cfg.FailOn)
	return len(t.where.Deciding) > 0
}
