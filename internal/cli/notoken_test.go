package cli

import (
	"encoding/json"
	"testing"

	"github.com/flake-triage/flake-triage/internal/triage"
)

// TestAutoWithoutTokenAnnotates: mode auto on a filing event, but with no
// token to file with, annotates instead of trying to write (it once
// crashed on the missing client).
func TestAutoWithoutTokenAnnotates(t *testing.T) {
	dir := extractSample(t)
	env := map[string]string{"GITHUB_EVENT_NAME": "push", "GITHUB_REPOSITORY": "acme/capi-like"}
	code, stdout, stderr := runCLI(t, env, "triage", "--repo-root", dir, "--reports", "reports/ginkgo-e2e.xml", "--json", "-")
	if code != ExitOK {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	var res triage.Result
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatalf("stdout is not the JSON result: %v\n%s", err, stdout)
	}
	if res.Mode != "annotate" {
		t.Errorf("mode %q, want annotate", res.Mode)
	}
	for _, f := range res.Findings {
		if f.Issue.Action != "none" {
			t.Errorf("%s: issue action %q, want none", f.Test.Name, f.Issue.Action)
		}
	}
}
