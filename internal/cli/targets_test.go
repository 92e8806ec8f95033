package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flake-triage/flake-triage/internal/fakegithub"
)

// TestUnwritableTargetsFailFast: a JSON path, job summary or outputs
// file that cannot be written stops the run with exit 2 before any
// request to GitHub (no issue is filed), naming the target.
func TestUnwritableTargetsFailFast(t *testing.T) {
	for _, tc := range []struct {
		name, key, want string
	}{
		{"json in a missing directory", "INPUT_JSON", "json: the result file cannot be written"},
		{"summary in a missing directory", "GITHUB_STEP_SUMMARY", "GITHUB_STEP_SUMMARY (the job summary file) cannot be written"},
		{"outputs in a missing directory", "GITHUB_OUTPUT", "GITHUB_OUTPUT (the step outputs file) cannot be written"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := extractSample(t)
			gh := fakegithub.New(t, "acme", "capi-like", "ghs_secretvalue")
			env := stepEnv(t, gh, dir, "push", 100)
			env[tc.key] = filepath.Join(t.TempDir(), "missing", "file")
			code, _, stderr := runCLI(t, env, "triage")
			if code != ExitUsage || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, stderr, tc.want)
			}
			if n := len(gh.Requests()); n != 0 {
				t.Errorf("%d requests to GitHub before failing, want none", n)
			}
		})
	}
}

// TestWritableJSONTargetLeavesNothing: checking a new JSON path does not
// leave an empty file behind when the run then stops on another problem.
func TestWritableJSONTargetLeavesNothing(t *testing.T) {
	dir := extractSample(t)
	gh := fakegithub.New(t, "acme", "capi-like", "ghs_secretvalue")
	env := stepEnv(t, gh, dir, "push", 100)
	out := filepath.Join(t.TempDir(), "result.json")
	env["INPUT_JSON"] = out
	env["GITHUB_OUTPUT"] = filepath.Join(t.TempDir(), "missing", "output")
	if code, _, _ := runCLI(t, env, "triage"); code != ExitUsage {
		t.Fatalf("exit %d, want 2", code)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("the JSON file was left behind: %v", err)
	}
}
