package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flake-triage/flake-triage/internal/fakegithub"
)

// TestNoReportMatched: globs that match nothing warn naming them, the
// summary says no report was read, nothing is filed and no check run says
// "no failing tests"; require-reports (input or config) makes it exit 1.
func TestNoReportMatched(t *testing.T) {
	for _, tc := range []struct {
		name    string
		inputs  map[string]string
		config  string
		want    int
		warning string
	}{
		{"default", nil, "", ExitOK, `::warning::no report matched "nothing/*.xml" in `},
		{"require-reports input", map[string]string{"INPUT_REQUIRE-REPORTS": "true"}, "", ExitFailed, "require-reports is set: the step fails"},
		{"require-reports config", nil, "require-reports: true\n", ExitFailed, "require-reports is set"},
		{"input false over config", map[string]string{"INPUT_REQUIRE-REPORTS": "false"}, "require-reports: true\n", ExitOK, "::warning::no report matched"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := extractSample(t)
			if tc.config != "" {
				writeFile(t, filepath.Join(dir, ".github", "flake-triage.yaml"), tc.config)
			}
			gh := fakegithub.New(t, "acme", "capi-like", "ghs_secretvalue")
			env := stepEnv(t, gh, dir, "push", 100)
			env["INPUT_REPORTS"] = "nothing/*.xml\n!nothing/skip.xml"
			env["INPUT_ANNOTATIONS"] = "checks"
			for k, v := range tc.inputs {
				env[k] = v
			}
			code, stdout, stderr := runCLI(t, env, "triage")
			if code != tc.want {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, tc.want, stderr)
			}
			// The JSON result is on stdout: workflow commands go to stderr.
			if !strings.Contains(stderr, tc.warning) || !strings.HasPrefix(stdout, "{") {
				t.Errorf("stderr lacks %q:\n%s", tc.warning, stderr)
			}
			summary := string(mustRead(t, env["GITHUB_STEP_SUMMARY"]))
			if !strings.Contains(summary, "**No report was read**: nothing matched `nothing/*.xml`, so") {
				t.Errorf("the summary does not say that no report was read:\n%s", summary)
			}
			if !strings.Contains(stderr, `(excluding "nothing/skip.xml")`) {
				t.Errorf("the warning does not name the exclusion:\n%s", stderr)
			}
			if strings.Contains(summary, "No failing or flaky tests") {
				t.Errorf("the summary claims no failing tests:\n%s", summary)
			}
			if n := gh.Writes(); n != 0 {
				t.Errorf("%d writes (issues, check runs) with no report, want none", n)
			}
		})
	}
}

// TestNoReportOutsideActions: on the command line the warning goes to
// stderr, and --require-reports exits 1.
func TestNoReportOutsideActions(t *testing.T) {
	dir := extractSample(t)
	args := []string{"triage", "--dry-run", "--repo-root", dir, "--reports", "none/**/*.xml"}
	code, _, stderr := runCLI(t, nil, args...)
	if code != ExitOK || !strings.Contains(stderr, `flake-triage: warning: no report matched "none/**/*.xml" in `+dir) {
		t.Errorf("exit %d, stderr %q; want 0 and a warning naming the glob", code, stderr)
	}
	code, _, stderr = runCLI(t, nil, append(args, "--require-reports")...)
	if code != ExitFailed || !strings.Contains(stderr, "require-reports") {
		t.Errorf("--require-reports: exit %d, stderr %q; want 1", code, stderr)
	}
}

func writeFile(t *testing.T, p, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestStagesInGroups: in Actions each stage of the run is a group of the
// log with a line saying what it did.
func TestStagesInGroups(t *testing.T) {
	dir := extractSample(t)
	gh := fakegithub.New(t, "acme", "capi-like", "ghs_secretvalue")
	env := stepEnv(t, gh, dir, "pull_request", 100)
	env["INPUT_JSON"] = filepath.Join(t.TempDir(), "result.json")
	code, stdout, stderr := runCLI(t, env, "triage")
	if code != ExitOK {
		t.Fatalf("exit %d; stderr:\n%s", code, stderr)
	}
	for _, want := range []string{
		"::group::flake-triage: read reports\n1 report(s), 5 tests: 3 failed, 1 flaky; done in ",
		"::group::flake-triage: locate failures\n4 of 4 failing tests located; done in ",
		"::group::flake-triage: plan and file issues\nmode annotate: ",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("the log lacks %q:\n%s", want, stdout)
		}
	}
	if strings.Count(stdout, "::group::") != strings.Count(stdout, "::endgroup::") {
		t.Errorf("groups are not all closed:\n%s", stdout)
	}
}
