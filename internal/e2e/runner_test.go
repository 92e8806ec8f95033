package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/flake-triage/flake-triage/internal/fakegithub"
	"github.com/flake-triage/flake-triage/internal/triage"
)

// actionPath is the action's own metadata file.
const actionPath = "../../action.yml"

// actionMeta is what GitHub's runner reads from action.yml for a Docker
// container action.
type actionMeta struct {
	Name        string `yaml:"name"`
	Description string `yaml:"description"`
	Author      string `yaml:"author"`
	Branding    struct {
		Icon  string `yaml:"icon"`
		Color string `yaml:"color"`
	} `yaml:"branding"`
	Inputs map[string]struct {
		Description string  `yaml:"description"`
		Required    bool    `yaml:"required"`
		Default     *string `yaml:"default"`
	} `yaml:"inputs"`
	Outputs map[string]struct {
		Description string `yaml:"description"`
	} `yaml:"outputs"`
	Runs struct {
		Using string            `yaml:"using"`
		Image string            `yaml:"image"`
		Args  []string          `yaml:"args"`
		Env   map[string]string `yaml:"env"`
	} `yaml:"runs"`
}

func readAction(t testing.TB) actionMeta {
	t.Helper()
	data, err := os.ReadFile(actionPath)
	if err != nil {
		t.Fatal(err)
	}
	var m actionMeta
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("action.yml: %v", err)
	}
	return m
}

// expression is a ${{ … }} expression in action.yml.
var expression = regexp.MustCompile(`\$\{\{\s*(.*?)\s*\}\}`)

// evaluate replaces the ${{ github.* }} and ${{ inputs.* }} expressions of
// s as the runner does; any other expression fails the test, so that a
// new kind of default gets a test of its own.
func evaluate(t testing.TB, s string, github, inputs map[string]string) string {
	t.Helper()
	return expression.ReplaceAllStringFunc(s, func(m string) string {
		expr := expression.FindStringSubmatch(m)[1]
		if k, ok := strings.CutPrefix(expr, "github."); ok {
			v, known := github[k]
			if !known {
				t.Fatalf("action.yml uses ${{ github.%s }}, which this test's runner does not know", k)
			}
			return v
		}
		if k, ok := strings.CutPrefix(expr, "inputs."); ok {
			return inputs[k]
		}
		t.Fatalf("action.yml uses the expression %q, which this test's runner does not evaluate", m)
		return ""
	})
}

// A runnerStep is one `uses: ./` step of a workflow job, run as GitHub's
// runner runs a Docker container action.
type runnerStep struct {
	event string
	runID int
	// with are the step's `with:` inputs; every other input gets its
	// default from action.yml.
	with map[string]string
}

// runnerEnv builds the environment and arguments GitHub's runner gives
// the container of a Docker action: the default environment variables of
// a job (https://docs.github.com/en/actions/reference/variables-reference#default-environment-variables),
// every input of action.yml as INPUT_<NAME> (upper-cased, dashes kept,
// spaces as underscores) holding its `with:` value or else its default
// with ${{ github.* }} evaluated, runs.env, and runs.args. GITHUB_TOKEN is
// not set: the runner passes the token only through the input's default.
func runnerEnv(t testing.TB, m actionMeta, gh *fakegithub.Server, workspace string, s runnerStep) (map[string]string, []string) {
	t.Helper()
	tmp := t.TempDir()
	payload, err := filepath.Abs(filepath.Join("testdata", "events", s.event+".json"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(payload); err != nil {
		t.Fatalf("no event payload for %s: %v", s.event, err)
	}
	ref, refName := "refs/heads/main", "main"
	if s.event == "pull_request" {
		ref, refName = "refs/pull/2/merge", "2/merge"
	}
	env := map[string]string{
		"CI":                       "true",
		"GITHUB_ACTIONS":           "true",
		"GITHUB_ACTION":            "__self",
		"GITHUB_ACTION_PATH":       "",
		"GITHUB_ACTION_REPOSITORY": "",
		"GITHUB_ACTOR":             "octocat",
		"GITHUB_API_URL":           gh.URL,
		"GITHUB_GRAPHQL_URL":       gh.URL + "/graphql",
		"GITHUB_SERVER_URL":        "https://github.com",
		"GITHUB_EVENT_NAME":        s.event,
		"GITHUB_EVENT_PATH":        payload,
		"GITHUB_WORKSPACE":         workspace,
		"GITHUB_REPOSITORY":        "acme/capi-like",
		"GITHUB_REPOSITORY_OWNER":  "acme",
		"GITHUB_SHA":               "0123456789abcdef0123456789abcdef01234567",
		"GITHUB_REF":               ref,
		"GITHUB_REF_NAME":          refName,
		"GITHUB_REF_TYPE":          "branch",
		"GITHUB_RUN_ID":            fmt.Sprint(s.runID),
		"GITHUB_RUN_NUMBER":        "7",
		"GITHUB_RUN_ATTEMPT":       "1",
		"GITHUB_JOB":               "e2e",
		"GITHUB_WORKFLOW":          "e2e",
		"GITHUB_OUTPUT":            filepath.Join(tmp, "set_output"),
		"GITHUB_STEP_SUMMARY":      filepath.Join(tmp, "step_summary"),
		"GITHUB_ENV":               filepath.Join(tmp, "set_env"),
		"GITHUB_PATH":              filepath.Join(tmp, "add_path"),
		"GITHUB_STATE":             filepath.Join(tmp, "save_state"),
		"RUNNER_OS":                "Linux",
		"RUNNER_ARCH":              "X64",
		"RUNNER_NAME":              "GitHub Actions 2",
		"RUNNER_TEMP":              tmp,
		"RUNNER_WORKSPACE":         "/home/runner/work/capi-like",
		"RUNNER_TOOL_CACHE":        "/opt/hostedtoolcache",
	}
	if s.event == "pull_request" {
		env["GITHUB_HEAD_REF"], env["GITHUB_BASE_REF"] = "changes", "main"
	}
	for _, k := range []string{"GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY", "GITHUB_ENV", "GITHUB_PATH", "GITHUB_STATE"} {
		if err := os.WriteFile(env[k], nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	github := map[string]string{
		"repository": env["GITHUB_REPOSITORY"], "repository_owner": "acme", "token": token,
		"api_url": env["GITHUB_API_URL"], "server_url": env["GITHUB_SERVER_URL"], "graphql_url": env["GITHUB_GRAPHQL_URL"],
		"workspace": workspace, "event_name": s.event, "event_path": payload, "sha": env["GITHUB_SHA"],
		"ref": ref, "ref_name": refName, "run_id": env["GITHUB_RUN_ID"], "run_attempt": "1", "job": "e2e", "actor": "octocat",
	}
	for name := range s.with {
		if _, ok := m.Inputs[name]; !ok {
			t.Fatalf("with: %s is not an input of action.yml", name)
		}
	}
	inputs := map[string]string{}
	for name, in := range m.Inputs {
		v, given := s.with[name]
		if !given && in.Default != nil {
			v = evaluate(t, *in.Default, github, nil)
		}
		inputs[name] = v
		env["INPUT_"+strings.ToUpper(strings.ReplaceAll(name, " ", "_"))] = v
	}
	for k, v := range m.Runs.Env {
		env[k] = evaluate(t, v, github, inputs)
	}
	var args []string
	for _, a := range m.Runs.Args {
		args = append(args, evaluate(t, a, github, inputs))
	}
	return env, args
}

// resultIn reads the JSON result a step left in the workspace.
func resultIn(t testing.TB, workspace, rel string) *triage.Result {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(workspace, rel))
	if err != nil {
		t.Fatalf("the result-json output names %q, which is not in the workspace: %v", rel, err)
	}
	var res triage.Result
	if err := json.Unmarshal(b, &res); err != nil {
		t.Fatalf("the JSON result is not JSON: %v", err)
	}
	return &res
}

// TestActionMetadata: action.yml is what the Marketplace and the runner
// accept, and every input default is either empty (not set) or a
// ${{ github.* }} expression whose value is what the tool takes from the
// environment itself, or one of the tool's own defaults.
func TestActionMetadata(t *testing.T) {
	m := readAction(t)
	if n := len([]rune(m.Description)); n == 0 || n > 125 {
		t.Errorf("description of %d characters; the Marketplace takes at most 125", n)
	}
	if m.Runs.Using != "docker" || m.Runs.Image != "Dockerfile" || !slices.Equal(m.Runs.Args, []string{"triage"}) {
		t.Errorf("runs = %+v, want docker, Dockerfile, [triage]", m.Runs)
	}
	// The tool's own defaults, as its usage states them: an input whose
	// default is not empty must say exactly this.
	toolDefaults := map[string]string{
		"repo": "${{ github.repository }}", "token": "${{ github.token }}", "api-url": "${{ github.api_url }}",
		"mode": "auto", "annotations": "commands", "dry-run": "false", "fail-on-report-error": "false",
	}
	for name, in := range m.Inputs {
		if in.Required {
			t.Errorf("input %s is required; every input has a default", name)
		}
		if in.Default == nil {
			t.Errorf("input %s has no default; write default: \"\" for not set", name)
			continue
		}
		if d := *in.Default; d != "" && d != toolDefaults[name] {
			t.Errorf("input %s defaults to %q: an input default is empty (not set) or exactly what the tool does without it", name, d)
		}
		if strings.TrimSpace(in.Description) == "" {
			t.Errorf("input %s has no description", name)
		}
	}
}

// TestRunnerContract runs the binary as GitHub's runner runs the action
// in a repository with no config file, with the workflow giving only what
// the README's quick-start gives, on schedule, pull_request and
// workflow_dispatch events: exit 0, and what the README documents for
// each event. It is the guard for every input: a default that is not
// what the tool does without it shows up here.
func TestRunnerContract(t *testing.T) {
	m := readAction(t)
	quick := map[string]string{"reports": "reports/*.xml"}

	t.Run("schedule files", func(t *testing.T) {
		dir := extract(t, nil)
		gh := newFake(t)
		env, args := runnerEnv(t, m, gh, dir, runnerStep{event: "schedule", runID: 300, with: quick})
		r := runIn(t, dir, env, args...)
		res := checkStep(t, m, r, dir)
		if res.Mode != "file" {
			t.Errorf("mode %q on schedule, want file", res.Mode)
		}
		// The sample's 14 failing tests are more than the default storm
		// guard of 10 new issues: one issue for the broken run.
		if n := len(gh.Issues()); n != 1 {
			t.Errorf("%d issues filed, want the one storm issue", n)
		}
		for _, f := range res.Findings {
			if f.Issue.Action != "storm" {
				t.Errorf("%s: issue action %q, want storm", f.Test.Name, f.Issue.Action)
			}
		}
		if got := output(r.Outputs, "issues"); !strings.Contains(got, `"action":"storm"`) || !strings.HasPrefix(got, `[{"number":`) {
			t.Errorf("issues output %q, want the storm issue", got)
		}
		noLeak(t, r, gh, token)
	})

	t.Run("pull_request annotates", func(t *testing.T) {
		dir := extract(t, nil)
		gh := newFake(t)
		env, args := runnerEnv(t, m, gh, dir, runnerStep{event: "pull_request", runID: 301, with: quick})
		r := runIn(t, dir, env, args...)
		res := checkStep(t, m, r, dir)
		if res.Mode != "annotate" {
			t.Errorf("mode %q on pull_request, want annotate", res.Mode)
		}
		if n := gh.Writes(); n != 0 {
			t.Errorf("%d writes on a pull request, want none", n)
		}
		if n := strings.Count(r.Stdout, "\n::error file="); n != 10 {
			t.Errorf("%d error annotations, want GitHub's 10 per step", n)
		}
		if !strings.Contains(r.Stdout, "::warning file=") {
			t.Error("no warning annotation for the flaky tests")
		}
		noLeak(t, r, gh, token)
	})

	t.Run("workflow_dispatch files one issue per test", func(t *testing.T) {
		dir := extract(t, nil)
		gh := newFake(t)
		with := map[string]string{"reports": "reports/*.xml", "max-new-issues": "20", "write-rate": "0"}
		env, args := runnerEnv(t, m, gh, dir, runnerStep{event: "workflow_dispatch", runID: 302, with: with})
		r := runIn(t, dir, env, args...)
		res := checkStep(t, m, r, dir)
		if res.Mode != "file" {
			t.Errorf("mode %q on workflow_dispatch, want file", res.Mode)
		}
		got, want := trackerState(t, gh), wantTracked(failingIDs(res), 302)
		if len(got) != 14 || fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("tracker holds %d tests: %v; want the 14 failing tests once each", len(got), got)
		}
		if output(r.Outputs, "issues-created") != "14" {
			t.Errorf("issues-created %q, want 14", output(r.Outputs, "issues-created"))
		}
		var issues []struct {
			Number int    `json:"number"`
			URL    string `json:"url"`
			Action string `json:"action"`
		}
		if err := json.Unmarshal([]byte(output(r.Outputs, "issues")), &issues); err != nil || len(issues) != 14 {
			t.Errorf("issues output %q: %v; want 14 entries", output(r.Outputs, "issues"), err)
		}
		for _, is := range issues {
			if is.Action != "create" || is.Number == 0 || !strings.Contains(is.URL, fmt.Sprintf("/issues/%d", is.Number)) {
				t.Errorf("issues output entry %+v", is)
			}
		}
		if v := gh.Violations(); len(v) > 0 {
			t.Errorf("requests GitHub would refuse:\n%s", strings.Join(v, "\n"))
		}
	})

	t.Run("no with: no report matched warns", func(t *testing.T) {
		dir := extract(t, nil)
		gh := newFake(t)
		env, args := runnerEnv(t, m, gh, dir, runnerStep{event: "schedule", runID: 303})
		r := runIn(t, dir, env, args...)
		if r.Code != 0 {
			t.Fatalf("exit %d, want 0; stderr:\n%s", r.Code, tail(r.Stderr))
		}
		if !strings.Contains(r.Stdout, `::warning::no report matched "**/junit*.xml"`) {
			t.Errorf("no warning naming the default glob:\n%s", tail(r.Stdout))
		}
		if !strings.Contains(r.Summary, "**No report was read**: nothing matched `**/junit*.xml`") {
			t.Errorf("the summary does not say that no report was read:\n%s", r.Summary)
		}
		if n := gh.Writes(); n != 0 {
			t.Errorf("%d writes with no report, want none", n)
		}
		if output(r.Outputs, "total") != "0" || output(r.Outputs, "issues") != "[]" {
			t.Errorf("outputs:\n%s", r.Outputs)
		}
	})

	t.Run("require-reports fails the step", func(t *testing.T) {
		dir := extract(t, nil)
		gh := newFake(t)
		env, args := runnerEnv(t, m, gh, dir, runnerStep{event: "schedule", runID: 304, with: map[string]string{"require-reports": "true", "annotations": "checks"}})
		r := runIn(t, dir, env, args...)
		if r.Code != 1 || !strings.Contains(r.Stdout, "::warning::no report matched") {
			t.Errorf("exit %d, want 1 with the warning; stdout:\n%s\nstderr:\n%s", r.Code, tail(r.Stdout), tail(r.Stderr))
		}
		if n := gh.Writes(); n != 0 {
			t.Errorf("%d writes (a check run?) with no report, want none", n)
		}
	})
}

// checkStep checks what every successful step leaves: exit 0, no problem
// with a config file that does not exist, every output of action.yml set
// and true to the JSON result in the workspace, and the job summary.
func checkStep(t *testing.T, m actionMeta, r Run, workspace string) *triage.Result {
	t.Helper()
	if r.Code != 0 {
		t.Fatalf("exit %d, want 0; stdout:\n%s\nstderr:\n%s", r.Code, tail(r.Stdout), tail(r.Stderr))
	}
	if strings.Contains(r.All(), "flake-triage.yaml") {
		t.Errorf("the run speaks of a config file that nobody wrote:\n%s", tail(r.All()))
	}
	var names []string
	for name := range m.Outputs {
		names = append(names, name)
		if !strings.Contains(r.Outputs, name+"<<") {
			t.Errorf("output %s is not set", name)
		}
	}
	sort.Strings(names)
	path := output(r.Outputs, "result-json")
	if path != "flake-triage.json" {
		t.Fatalf("result-json %q, want flake-triage.json in the workspace", path)
	}
	res := resultIn(t, workspace, path)
	for name, want := range map[string]int{
		"total": res.Reports.Tests, "passed": res.Reports.Passed, "skipped": res.Reports.Skipped,
		"failed": res.Reports.Failed, "flaky": res.Reports.Flaky,
	} {
		if got := output(r.Outputs, name); got != fmt.Sprint(want) {
			t.Errorf("output %s = %q, want %d as in the JSON result", name, got, want)
		}
	}
	if res.Reports.Tests != 24 || res.Reports.Failed != 12 || res.Reports.Flaky != 2 || res.Reports.Passed != 10 || len(res.Findings) != 14 {
		t.Errorf("reports %+v with %d findings; want the sample's 24 tests, 12 failed, 2 flaky, 10 passed, 14 findings", res.Reports, len(res.Findings))
	}
	if len(res.Reports.Files) != 7 {
		t.Errorf("%d reports read, want the sample's 7", len(res.Reports.Files))
	}
	if !strings.Contains(r.Summary, "## flake-triage") {
		t.Errorf("no job summary:\n%s", r.Summary)
	}
	return res
}

// TestDefaultsAreNotSet: every input at its action.yml default behaves
// exactly as no input at all. The same pull_request step runs twice, once
// with the runner's full INPUT_* set and once with only the inputs the
// workflow gave (the token through GITHUB_TOKEN, as a CLI user gives
// it): the results are the same.
func TestDefaultsAreNotSet(t *testing.T) {
	m := readAction(t)
	dir := extract(t, nil)
	gh := newFake(t)
	step := runnerStep{event: "pull_request", runID: 400, with: map[string]string{"reports": "reports/*.xml", "json": "full.json"}}
	env, args := runnerEnv(t, m, gh, dir, step)
	full := runIn(t, dir, env, args...)

	step.with["json"] = "bare.json"
	bare, _ := runnerEnv(t, m, gh, dir, step)
	for k := range bare {
		if strings.HasPrefix(k, "INPUT_") && k != "INPUT_REPORTS" && k != "INPUT_JSON" {
			delete(bare, k)
		}
	}
	bare["GITHUB_TOKEN"] = token
	none := runIn(t, dir, bare, args...)
	if full.Code != 0 || none.Code != 0 {
		t.Fatalf("exit %d with the defaults, %d without; stderr:\n%s\n%s", full.Code, none.Code, tail(full.Stderr), tail(none.Stderr))
	}
	a, b := resultIn(t, dir, "full.json"), resultIn(t, dir, "bare.json")
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if string(ja) != string(jb) {
		t.Errorf("the inputs' defaults change the result:\nwith defaults: %s\nwithout:       %s", ja, jb)
	}
	strip := func(s string) string { return regexp.MustCompile(`done in \S+`).ReplaceAllString(s, "") }
	if strip(full.Stdout) != strip(none.Stdout) {
		t.Errorf("the inputs' defaults change the log:\nwith defaults:\n%s\nwithout:\n%s", tail(full.Stdout), tail(none.Stdout))
	}
}
