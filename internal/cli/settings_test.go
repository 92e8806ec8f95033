package cli

import (
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/flake-triage/flake-triage/internal/config"
	"github.com/flake-triage/flake-triage/internal/fakegithub"
	"github.com/flake-triage/flake-triage/internal/triage"
)

// TestNewSettingsPrecedence: require-reports, write-rate and check-name
// are flags, inputs and config keys: flag over input over config over
// default, and an empty input is not set.
func TestNewSettingsPrecedence(t *testing.T) {
	cfg := config.Default()
	cfg.RequireReports, cfg.WriteRate, cfg.CheckName = true, 3, "from-config"
	for _, tc := range []struct {
		name    string
		args    []string
		env     map[string]string
		require bool
		rate    float64
		check   string
	}{
		{"config", nil, nil, true, 3, "from-config"},
		{"empty inputs are not set", nil, map[string]string{"INPUT_REQUIRE-REPORTS": "", "INPUT_WRITE-RATE": "", "INPUT_CHECK-NAME": ""}, true, 3, "from-config"},
		{"inputs", nil, map[string]string{"INPUT_REQUIRE-REPORTS": "false", "INPUT_WRITE-RATE": "0", "INPUT_CHECK-NAME": "from-input"}, false, 0, "from-input"},
		{"flags", []string{"--require-reports=false", "--write-rate", "0.5", "--check-name", "from-flag"},
			map[string]string{"INPUT_REQUIRE-REPORTS": "true", "INPUT_WRITE-RATE": "9", "INPUT_CHECK-NAME": "from-input"}, false, 0.5, "from-flag"},
	} {
		o, err := parseTriage(tc.args, func(k string) string { return tc.env[k] }, nil)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		got := o.apply(cfg)
		if got.RequireReports != tc.require || got.WriteRate != tc.rate || got.CheckName != tc.check {
			t.Errorf("%s: require-reports %v, write-rate %v, check-name %q; want %v, %v, %q", tc.name,
				got.RequireReports, got.WriteRate, got.CheckName, tc.require, tc.rate, tc.check)
		}
	}
	// Settings that are true or false are given as flags without a value.
	o, err := parseTriage([]string{"--require-reports", "--adopt"}, func(string) string { return "" }, nil)
	if err != nil || o.RequireReports == nil || !*o.RequireReports || o.Adopt == nil || !*o.Adopt {
		t.Errorf("--require-reports --adopt: %+v, %v", o, err)
	}
	for _, bad := range [][]string{{"--write-rate", "-1"}, {"--write-rate", "fast"}, {"--require-reports=sometimes"}} {
		if _, err := parseTriage(bad, func(string) string { return "" }, nil); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// TestFromRunAsTheRunnerPassesInputs: the runner passes the reports input
// empty when the workflow does not give it; from-run then reads every
// .xml in the run's artifacts, not **/junit*.xml. The check run takes
// its name from check-name.
func TestFromRunAsTheRunnerPassesInputs(t *testing.T) {
	dir := extractSample(t)
	zipped := artifactZip(t, mustRead(t, filepath.Join(dir, "reports/ginkgo-e2e.xml")), "e2e/ginkgo-e2e.xml")
	gh := fakegithub.New(t, "acme", "capi-like", "ghs_secretvalue")
	const sha = "fedcba9876543210fedcba9876543210fedcba98"
	gh.AddRun(555, 1, sha, "main", "push", fakegithub.Artifact{Name: "junit-e2e", Zip: zipped})
	env := stepEnv(t, gh, dir, "workflow_run", 900)
	env["INPUT_REPORTS"] = ""
	env["INPUT_CONFIG"] = ""
	env["INPUT_FROM-RUN"] = "555"
	env["INPUT_MODE"] = "annotate"
	env["INPUT_ANNOTATIONS"] = "checks"
	env["INPUT_CHECK-NAME"] = "e2e triage"
	code, stdout, stderr := runCLI(t, env, "triage")
	if code != ExitOK {
		t.Fatalf("exit %d; stderr:\n%s", code, stderr)
	}
	var res triage.Result
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatal(err)
	}
	if len(res.Reports.Files) != 1 || len(res.Findings) != 4 {
		t.Errorf("%d reports, %d findings; want the artifact's report (not matched by **/junit*.xml) and its 4 findings", len(res.Reports.Files), len(res.Findings))
	}
	checks := gh.CheckRuns()
	if len(checks) != 1 || checks[0].Name != "e2e triage" || checks[0].HeadSHA != sha {
		t.Errorf("check runs %+v, want one named %q on %s", checks, "e2e triage", sha)
	}
}
