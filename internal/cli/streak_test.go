package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/flake-triage/flake-triage/internal/fakegithub"
	"github.com/flake-triage/flake-triage/internal/issue"
	"github.com/flake-triage/flake-triage/internal/triage"
)

// TestPassEndsTheStreak files the sample's failing controller test run
// after run against the fake GitHub, with consistent-after 3: failures
// with a run between them in which the test passed never mark it
// consistently failing; three failing runs in a row do. The passing run's
// report is the sample's gotestsum report with the test's failure taken
// out, as gotestsum writes a passing test.
func TestPassEndsTheStreak(t *testing.T) {
	const (
		reportPath = "reports/gotestsum-controllers.xml"
		testName   = "TestMachineReconcilerPendingInfrastructure"
		suffix     = " (consistently failing)"
	)
	for _, tc := range []struct {
		name           string
		runs           []bool // true: the test fails in the run, false: it passes
		wantConsistent bool
		wantStreak     int
	}{
		{"fail, fail, pass, fail", []bool{true, true, false, true}, false, 1},
		{"fail, fail, fail", []bool{true, true, true}, true, 3},
		{"fail, fail, fail, pass", []bool{true, true, true, false}, false, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := extractSample(t)
			if err := os.MkdirAll(filepath.Join(dir, ".github"), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, ".github", "flake-triage.yaml"), []byte("consistent-after: 3\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			failing := mustRead(t, filepath.Join(dir, filepath.FromSlash(reportPath)))
			passing := regexp.MustCompile(`(?s)<failure .*?</failure>\s*`).ReplaceAll(failing, nil)
			if strings.Contains(string(passing), "<failure") || !strings.Contains(string(passing), `name="`+testName+`"`) {
				t.Fatalf("the passing report still fails or lost the test:\n%s", passing)
			}
			gh := fakegithub.New(t, "acme", "capi-like", "ghs_secretvalue")
			gh.SetAssignable("heidi-e2e", "liam-e2e", "grace-test")

			for i, fails := range tc.runs {
				report := failing
				if !fails {
					report = passing
				}
				if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(reportPath)), report, 0o644); err != nil {
					t.Fatal(err)
				}
				env := stepEnv(t, gh, dir, "push", 200+i)
				env["INPUT_REPORTS"] = reportPath
				edits, comments := gh.Count("PATCH", "/issues/1"), gh.Count("POST", "/comments")
				code, stdout, stderr := runCLI(t, env, "triage")
				if code != ExitOK {
					t.Fatalf("run %d: exit %d, stderr:\n%s", i+1, code, stderr)
				}
				got := actions(t, stdout)
				if fails && !strings.HasPrefix(got[testName], map[bool]string{true: "create", false: "update"}[i == 0]) {
					t.Errorf("run %d: %s: %s", i+1, testName, got[testName])
				}
				if !fails && len(got) != 0 {
					t.Errorf("run %d: findings %v in a report where every test passed", i+1, got)
				}
				// A pass after failures is one body update, and never a comment,
				// and the result and the outputs say so.
				if e, c := gh.Count("PATCH", "/issues/1")-edits, gh.Count("POST", "/comments")-comments; !fails && (e != 1 || c != 0) {
					t.Errorf("run %d, a pass: %d edits and %d comments of the issue, want 1 and 0", i+1, e, c)
				}
				if !fails {
					var res triage.Result
					if err := json.Unmarshal([]byte(stdout), &res); err != nil {
						t.Fatal(err)
					}
					if len(res.Passed) != 1 || res.Passed[0].Issue.Action != "update" || res.Passed[0].Issue.Number != 1 || res.Passed[0].Issue.Error != "" {
						t.Errorf("run %d, a pass: passed %+v, want the update of #1", i+1, res.Passed)
					}
					if out := string(mustRead(t, env["GITHUB_OUTPUT"])); !strings.Contains(out, "issues-updated<<") || !strings.Contains(out, "\n1\n") {
						t.Errorf("run %d, a pass: outputs do not count the update:\n%s", i+1, out)
					}
					if sum := string(mustRead(t, env["GITHUB_STEP_SUMMARY"])); !strings.Contains(sum, "### Tracked tests that passed") {
						t.Errorf("run %d, a pass: the summary does not list it:\n%s", i+1, sum)
					}
				}

				// The same run again writes nothing, a pass included.
				writes := gh.Writes()
				if code, _, stderr := runCLI(t, env, "triage"); code != ExitOK || gh.Writes() != writes {
					t.Fatalf("run %d again: exit %d, %d writes (want none); stderr:\n%s", i+1, code, gh.Writes()-writes, stderr)
				}
			}

			issues := gh.Issues()
			if len(issues) != 1 {
				t.Fatalf("%d issues, want 1", len(issues))
			}
			is := issues[0]
			p, err := issue.Parse(is.Body)
			if err != nil {
				t.Fatal(err)
			}
			if p.State.Consistent != tc.wantConsistent || p.State.Streak != tc.wantStreak {
				t.Errorf("state: consistent %v, streak %d; want %v, %d", p.State.Consistent, p.State.Streak, tc.wantConsistent, tc.wantStreak)
			}
			if marked := strings.HasSuffix(is.Title, suffix); marked != tc.wantConsistent {
				t.Errorf("title %q: marked %v, want %v", is.Title, marked, tc.wantConsistent)
			}
			if p.State.Test == nil || p.State.Test.Name != testName {
				t.Errorf("recorded identity %+v, want the test %s", p.State.Test, testName)
			}
			// The failures come within the comment interval, with one signature.
			if len(is.Comments) != 0 {
				t.Errorf("%d comments, want none: %q", len(is.Comments), is.Comments)
			}
			if v := gh.Violations(); len(v) > 0 {
				t.Errorf("requests that GitHub's OpenAPI description rejects:\n%s", strings.Join(v, "\n"))
			}
		})
	}
}
