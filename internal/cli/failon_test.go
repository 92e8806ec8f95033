package cli

import (
	"strings"
	"testing"

	"github.com/flake-triage/flake-triage/internal/action"
	"github.com/flake-triage/flake-triage/internal/config"
	"github.com/flake-triage/flake-triage/internal/fakegithub"
	"github.com/flake-triage/flake-triage/internal/triage"
)

// TestFailOnDecides: with fail-on new, a new failure fails the run and
// the summary names it; without it (a known flake, a test failing on the
// base branch, a quarantined one, an unknown history, a flake that was
// new) the run passes.
func TestFailOnDecides(t *testing.T) {
	findings := []triage.Finding{
		{ID: "a", Kind: "failure", Test: triage.Test{Name: "TestNew"}, Verdict: "new"},
		{ID: "b", Kind: "failure", Test: triage.Test{Name: "TestKnown"}, Verdict: "flaky"},
		{ID: "c", Kind: "failure", Test: triage.Test{Name: "TestOnMain"}, Verdict: "failing-on-base"},
		{ID: "d", Kind: "failure", Test: triage.Test{Name: "TestQuarantined"}, Verdict: "quarantined"},
		{ID: "e", Kind: "failure", Test: triage.Test{Name: "TestNoHistory"}, Verdict: "unknown"},
		{ID: "f", Kind: "flake", Test: triage.Test{Name: "TestFlakeNew"}, Verdict: "new"},
	}
	cfg := config.Default()
	cfg.FailOn = "new"
	r := &run{cfg: cfg, res: triage.Result{Findings: findings}}
	if !r.decideFailOn() {
		t.Fatal("fail-on new passed a run with a new failure")
	}
	if len(r.where.Deciding) != 1 || r.where.Deciding[0].ID != "a" {
		t.Errorf("deciding = %+v, want the new failure only", r.where.Deciding)
	}
	sum := action.Summary(r.res, r.where, 0)
	if !strings.Contains(sum, "### fail-on: `new`") || !strings.Contains(sum, "The job fails: 1 finding is") || !strings.Contains(sum, "`TestNew`: failure new") {
		t.Errorf("the summary does not say which finding decided it:\n%s", sum)
	}
	r = &run{cfg: cfg, res: triage.Result{Findings: findings[1:]}}
	if r.decideFailOn() {
		t.Errorf("fail-on new failed a run without a new failure: %+v", r.where.Deciding)
	}
	if sum := action.Summary(r.res, r.where, 0); !strings.Contains(sum, "The job passes") {
		t.Errorf("the summary does not say the job passes:\n%s", sum)
	}
	cfg.FailOn = "never"
	if r := (&run{cfg: cfg, res: triage.Result{Findings: findings}}); r.decideFailOn() {
		t.Error("fail-on never failed a run")
	}
}

// TestFailOnAny runs the sample's e2e failures with fail-on any (exit 1,
// the summary names them) and with fail-on new, where findings without a
// verdict never fail the run (exit 0).
func TestFailOnAny(t *testing.T) {
	dir := extractSample(t)
	gh := fakegithub.New(t, "acme", "capi-like", "ghs_secretvalue")
	env := stepEnv(t, gh, dir, "pull_request", 700)
	env["INPUT_FAIL-ON"] = "any"
	code, _, stderr := runCLI(t, env, "triage")
	if code != ExitFailed {
		t.Fatalf("fail-on any with failing tests: exit %d, want 1:\n%s", code, stderr)
	}
	if sum := string(mustRead(t, env["GITHUB_STEP_SUMMARY"])); !strings.Contains(sum, "### fail-on: `any`") || !strings.Contains(sum, "The job fails") {
		t.Errorf("the summary does not say why the job fails:\n%s", sum)
	}
	env = stepEnv(t, gh, dir, "pull_request", 701)
	env["INPUT_FAIL-ON"] = "new"
	if code, _, stderr := runCLI(t, env, "triage"); code != ExitOK {
		t.Errorf("fail-on new with no verdicts: exit %d, want 0:\n%s", code, stderr)
	}
	if out := string(mustRead(t, env["GITHUB_OUTPUT"])); !strings.Contains(out, "new-failures<<") {
		t.Errorf("no new-failures output:\n%s", out)
	}
	env["INPUT_FAIL-ON"] = "sometimes"
	if code, _, _ := runCLI(t, env, "triage"); code != ExitUsage {
		t.Errorf("fail-on sometimes: exit %d, want 2", code)
	}
}
