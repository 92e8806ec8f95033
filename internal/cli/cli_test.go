package cli

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"golang.org/x/tools/txtar"

	"github.com/flake-triage/flake-triage/internal/fakegithub"
	"github.com/flake-triage/flake-triage/internal/triage"
)

const samplePath = "../../testdata/capi-like.txtar"

// extractSample writes the bundled sample repository to a temporary
// directory, as a user's checkout would be.
func extractSample(t *testing.T) string {
	t.Helper()
	return extractTxtar(t, samplePath)
}

type expected struct {
	Tests []struct {
		Report, Name, Classname, Kind string
		Location                      *triage.Location
		TestLocation                  *triage.Location   `json:"test_location"`
		LocationAlternatives          []*triage.Location `json:"location_alternatives"`
		RelatedPaths                  []string           `json:"related_paths"`
		Approvers                     []string           `json:"owners_approvers"`
		Reviewers                     []string           `json:"owners_reviewers"`
	}
}

func runCLI(t *testing.T, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Main(context.Background(), args, Env{
		Getenv: func(k string) string { return env[k] },
		Stdout: &out, Stderr: &errb,
		Version: "test",
		Demo:    mustRead(t, samplePath),
		// No test reaches the network: a request outside the fake
		// GitHub fails at once.
		HTTPClient: &http.Client{Transport: onlyLoopback{}},
	})
	return code, out.String(), errb.String()
}

// onlyLoopback refuses every request that is not for this machine.
type onlyLoopback struct{}

func (onlyLoopback) RoundTrip(r *http.Request) (*http.Response, error) {
	if h := r.URL.Hostname(); h != "127.0.0.1" && h != "localhost" && h != "::1" {
		return nil, fmt.Errorf("test refused a request to %s", r.URL)
	}
	return http.DefaultTransport.RoundTrip(r)
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestTriageSampleMatchesGroundTruth runs the dry run over each of the
// sample's reports, one at a time, and compares every finding with the
// sample's ground truth, EXPECTED.json, under the grouping rules
// (groundTruth).
func TestTriageSampleMatchesGroundTruth(t *testing.T) {
	dir := extractSample(t)
	var exp expected
	if err := json.Unmarshal(mustRead(t, filepath.Join(dir, "EXPECTED.json")), &exp); err != nil {
		t.Fatal(err)
	}
	byReport := map[string][]*wantFinding{}
	for _, w := range groundTruth(exp) {
		byReport[w.Report] = append(byReport[w.Report], w)
	}
	nilEmpty := cmp.Transformer("nilEmpty", func(s []string) []string { return append([]string{}, s...) })
	for rep, want := range byReport {
		t.Run(rep, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, nil, "triage", "--dry-run", "--repo-root", dir, "--reports", rep, "--json", "-")
			if code != ExitOK {
				t.Fatalf("exit %d, stderr:\n%s", code, stderr)
			}
			var res triage.Result
			if err := json.Unmarshal([]byte(stdout), &res); err != nil {
				t.Fatalf("stdout is not the JSON result: %v\n%s", err, stdout)
			}
			if res.Mode != "dry-run" || res.Version != 1 {
				t.Errorf("mode %q version %d, want dry-run 1", res.Mode, res.Version)
			}
			if len(res.Findings) != len(want) {
				t.Errorf("%d findings, want %d", len(res.Findings), len(want))
			}
			for _, e := range want {
				j := slices.IndexFunc(res.Findings, func(f triage.Finding) bool {
					return f.Test.Name == e.Name && f.Test.Classname == e.Classname
				})
				if j < 0 {
					t.Errorf("no finding for %q", e.Name)
					continue
				}
				f := res.Findings[j]
				if f.Kind != e.Kind {
					t.Errorf("%s: kind %q, want %q", e.Name, f.Kind, e.Kind)
				}
				if !slices.ContainsFunc(e.Locations, func(l *triage.Location) bool { return cmp.Equal(f.Location, l) }) {
					t.Errorf("%s: location (-want +got):\n%s", e.Name, cmp.Diff(e.Locations[0], f.Location))
				}
				if !slices.ContainsFunc(e.TestLocations, func(l *triage.Location) bool { return cmp.Equal(f.TestLocation, l) }) {
					t.Errorf("%s: test_location (-want +got):\n%s", e.Name, cmp.Diff(e.TestLocations[0], f.TestLocation))
				}
				var related []string
				for _, r := range f.Related {
					related = append(related, r.Path)
				}
				okRelated := slices.ContainsFunc(e.Related, func(want []string) bool {
					got := related
					if f.Location != nil && !slices.Contains(want, f.Location.Path) {
						got = slices.DeleteFunc(slices.Clone(related), func(p string) bool { return p == f.Location.Path })
					}
					return cmp.Equal(want, got, nilEmpty) || f.Location != nil && cmp.Equal(append(slices.Clone(got), f.Location.Path), want, nilEmpty)
				})
				if !okRelated {
					t.Errorf("%s: related %q, want one of %q", e.Name, related, e.Related)
				}
				if !slices.ContainsFunc(e.Owners, func(o [2][]string) bool {
					return cmp.Equal(o[0], f.Owners.Approvers, nilEmpty) && cmp.Equal(o[1], f.Owners.Reviewers, nilEmpty)
				}) {
					t.Errorf("%s: owners %q / %q, want one of %q", e.Name, f.Owners.Approvers, f.Owners.Reviewers, e.Owners)
				}
				var cases []string
				for _, c := range f.Test.Cases {
					if _, cse, ok := triage.SplitCase(c.Name); ok {
						cases = append(cases, cse)
					}
					if c.ID == "" {
						t.Errorf("%s: case %q has no id", e.Name, c.Name)
					}
				}
				if diff := cmp.Diff(e.Cases, cases, nilEmpty); diff != "" {
					t.Errorf("%s: cases (-want +got):\n%s", e.Name, diff)
				}
				if f.ID == "" || f.Signature == "" || f.Issue.Action == "" {
					t.Errorf("%s: id %q signature %q issue action %q: none may be empty", e.Name, f.ID, f.Signature, f.Issue.Action)
				}
			}
		})
	}
}

func TestDemoPrintsThePlanForEveryFailingTest(t *testing.T) {
	code, stdout, stderr := runCLI(t, nil, "demo")
	if code != ExitOK {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	var exp expected
	a := txtar.Parse(mustRead(t, samplePath))
	for _, f := range a.Files {
		if f.Name == "EXPECTED.json" {
			if err := json.Unmarshal(f.Data, &exp); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, e := range exp.Tests {
		if !strings.Contains(stdout, e.Name) {
			t.Errorf("demo output lacks %q", e.Name)
		}
	}
	for _, want := range []string{"failed at:", "approvers:", "from:", "labels:", "assign:", "issue:"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("demo output lacks %q", want)
		}
	}
}

func TestID(t *testing.T) {
	a := triage.ID("suite", "pkg", "TestA")
	if a != triage.ID("suite", "pkg", "TestA") {
		t.Fatal("ID is not stable")
	}
	if a == triage.ID("suite", "pkg", "TestB") || a == triage.ID("suitepkg", "", "TestA") {
		t.Fatal("different tests share an ID")
	}
}

func TestUsageErrorsExit2(t *testing.T) {
	dir := extractSample(t)
	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"bad mode", nil, []string{"triage", "--mode", "loud"}, `mode must be auto, file or annotate, got "loud"`},
		{"bad input", map[string]string{"INPUT_MAX-ASSIGNEES": "many"}, []string{"triage"}, `max-assignees must be a number, got "many"`},
		{"file mode without token", nil, []string{"triage", "--mode", "file", "--repo", "o/r", "--repo-root", dir}, "mode file needs a token"},
		{"missing explicit config", nil, []string{"triage", "--dry-run", "--repo-root", dir, "--config", "nope.yaml"}, "config:"},
		{"unknown command", nil, []string{"frobnicate"}, `unknown command "frobnicate"`},
		{"missing repo root", nil, []string{"triage", "--repo-root", filepath.Join(dir, "absent")}, "repo-root:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, tc.env, tc.args...)
			if code != ExitUsage || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want exit 2 and %q", code, stderr, tc.want)
			}
		})
	}
}

func TestBadConfigNamesFileAndLine(t *testing.T) {
	dir := extractSample(t)
	if err := os.MkdirAll(filepath.Join(dir, ".github"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".github/flake-triage.yaml"), []byte("labels:\n  flake: x\nmax-new-isues: 3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCLI(t, nil, "triage", "--dry-run", "--repo-root", dir)
	if code != ExitUsage || !strings.Contains(stderr, ".github/flake-triage.yaml: line 3: unknown key max-new-isues (did you mean max-new-issues?)") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

func TestInputsFromActionEnvironment(t *testing.T) {
	o, err := parseTriage(nil, func(k string) string {
		return map[string]string{
			"INPUT_REPORTS":        "a/*.xml\n!a/skip.xml\n",
			"INPUT_DRY-RUN":        "true",
			"INPUT_MAX-NEW-ISSUES": "4",
			"INPUT_REOPEN-WINDOW":  "7d",
			"GITHUB_WORKSPACE":     "/ws",
			"GITHUB_REPOSITORY":    "o/r",
			"GITHUB_TOKEN":         "t0ken",
		}[k]
	}, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"a/*.xml", "!a/skip.xml"}, o.Reports); diff != "" {
		t.Errorf("reports (-want +got):\n%s", diff)
	}
	if !o.DryRun || o.RepoRoot != "/ws" || o.Repo != "o/r" || o.Token != "t0ken" || *o.MaxNewIssues != 4 || o.ReopenWindow.Std().Hours() != 168 {
		t.Errorf("options not read from the environment: %+v", o)
	}
	// A flag wins over the input.
	o, err = parseTriage([]string{"--reports", "b.xml"}, func(k string) string {
		return map[string]string{"INPUT_REPORTS": "a.xml"}[k]
	}, &bytes.Buffer{})
	if err != nil || !cmp.Equal(o.Reports, []string{"b.xml"}) {
		t.Errorf("flag did not override the input: %v %v", o.Reports, err)
	}
}

// TestInsideActions runs the triage as the Docker action does: inputs as
// INPUT_* variables, command files, a pull_request event.
func TestInsideActions(t *testing.T) {
	dir := extractSample(t)
	tmp := t.TempDir()
	outputs, summary := filepath.Join(tmp, "output"), filepath.Join(tmp, "summary")
	for _, p := range []string{outputs, summary} {
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	gh := fakegithub.New(t, "acme", "capi-like", "ghs_secretvalue")
	env := map[string]string{
		"GITHUB_API_URL":      gh.URL,
		"GITHUB_ACTIONS":      "true",
		"GITHUB_EVENT_NAME":   "pull_request",
		"GITHUB_EVENT_PATH":   "testdata/pull_request.json",
		"GITHUB_OUTPUT":       outputs,
		"GITHUB_STEP_SUMMARY": summary,
		"GITHUB_WORKSPACE":    dir,
		"GITHUB_REPOSITORY":   "acme/capi-like",
		"GITHUB_SERVER_URL":   "https://github.com",
		"GITHUB_SHA":          "0123456789abcdef0123456789abcdef01234567",
		"INPUT_REPORTS":       "reports/ginkgo-e2e.xml",
		"INPUT_TOKEN":         "ghs_secretvalue",
		"INPUT_JSON":          filepath.Join(tmp, "result.json"),
	}
	code, stdout, stderr := runCLI(t, env, "triage")
	if code != ExitOK {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	if !strings.HasPrefix(stdout, "::add-mask::ghs_secretvalue\n") {
		t.Errorf("the token is not masked first; stdout starts %q", stdout[:min(len(stdout), 80)])
	}
	if strings.Count(stdout, "ghs_secretvalue") != 1 {
		t.Errorf("the token appears outside its mask command")
	}
	for _, want := range []string{
		"::error file=test/e2e/quick_start_test.go,line=26,",
		"::error file=test/framework/cluster_helpers.go,line=45,",
		"::warning file=test/e2e/quick_start_test.go,line=35,",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks the annotation %q", want)
		}
	}
	out := string(mustRead(t, outputs))
	for _, want := range []string{"failed<<", "\n3\n", "flaky<<", "\n1\n", "result-json<<"} {
		if !strings.Contains(out, want) {
			t.Errorf("outputs file lacks %q:\n%s", want, out)
		}
	}
	sum := string(mustRead(t, summary))
	// GITHUB_SHA is the merge commit; the payload names the PR's head.
	if !strings.Contains(sum, "https://github.com/acme/capi-like/blob/ec26c3e57ca3a959ca5aad62de7213c562f8c821/test/e2e/quick_start_test.go#L26") {
		t.Errorf("summary does not link the failing line at the PR's head commit:\n%s", sum)
	}
	var res triage.Result
	if err := json.Unmarshal(mustRead(t, env["INPUT_JSON"]), &res); err != nil {
		t.Fatal(err)
	}
	if res.Mode != "annotate" {
		t.Errorf("mode %q on a pull_request, want annotate", res.Mode)
	}
	if n := gh.Writes(); n != 0 {
		t.Errorf("a pull_request run made %d write requests, want none", n)
	}
}

// stepEnv is the environment of a step of run id, attempt 1, on event.
func stepEnv(t *testing.T, gh *fakegithub.Server, dir, event string, id int) map[string]string {
	tmp := t.TempDir()
	env := map[string]string{
		"GITHUB_ACTIONS":      "true",
		"GITHUB_API_URL":      gh.URL,
		"GITHUB_EVENT_NAME":   event,
		"GITHUB_OUTPUT":       filepath.Join(tmp, "output"),
		"GITHUB_STEP_SUMMARY": filepath.Join(tmp, "summary"),
		"GITHUB_WORKSPACE":    dir,
		"GITHUB_REPOSITORY":   "acme/capi-like",
		"GITHUB_SERVER_URL":   "https://github.com",
		"GITHUB_SHA":          "0123456789abcdef0123456789abcdef01234567",
		"GITHUB_RUN_ID":       fmt.Sprint(id),
		"GITHUB_RUN_ATTEMPT":  "1",
		"GITHUB_JOB":          "e2e",
		"GITHUB_TOKEN":        "ghs_secretvalue",
		"INPUT_REPORTS":       "reports/ginkgo-e2e.xml",
		"INPUT_JSON":          "-",
	}
	for _, k := range []string{"GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY"} {
		if err := os.WriteFile(env[k], nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return env
}

func actions(t *testing.T, stdout string) map[string]string {
	t.Helper()
	var res triage.Result
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatalf("stdout is not the JSON result: %v\n%s", err, stdout)
	}
	got := map[string]string{}
	for _, f := range res.Findings {
		got[f.Test.Name] = fmt.Sprintf("%s #%d", f.Issue.Action, f.Issue.Number)
	}
	return got
}

// TestFilesIssuesOnPush runs the action on push twice for the same run,
// then for a new run, then on a pull request, against the fake GitHub.
func TestFilesIssuesOnPush(t *testing.T) {
	dir := extractSample(t)
	gh := fakegithub.New(t, "acme", "capi-like", "ghs_secretvalue")
	gh.SetAssignable("heidi-e2e", "liam-e2e", "grace-test")

	code, stdout, stderr := runCLI(t, stepEnv(t, gh, dir, "push", 100), "triage")
	if code != ExitOK {
		t.Fatalf("first run: exit %d, stderr:\n%s", code, stderr)
	}
	first := actions(t, stdout)
	if len(first) != 4 || len(gh.Issues()) != 4 {
		t.Fatalf("first run: actions %v, %d issues on the tracker; want 4 created", first, len(gh.Issues()))
	}
	for name, a := range first {
		if !strings.HasPrefix(a, "create #") {
			t.Errorf("first run: %s: %s, want create", name, a)
		}
	}
	for _, is := range gh.Issues() {
		if !strings.HasPrefix(is.Title, "[Failing test] [It] When following") && !strings.HasPrefix(is.Title, "[Flaky test] [It] When following") {
			t.Errorf("issue #%d title %q", is.Number, is.Title)
		}
	}

	writes := gh.Writes()
	code, stdout, stderr = runCLI(t, stepEnv(t, gh, dir, "push", 100), "triage")
	if code != ExitOK || gh.Writes() != writes {
		t.Fatalf("same run again: exit %d, %d more writes (want none); stderr:\n%s", code, gh.Writes()-writes, stderr)
	}
	for name, a := range actions(t, stdout) {
		if !strings.HasPrefix(a, "none #") {
			t.Errorf("same run again: %s: %s, want none", name, a)
		}
	}

	code, stdout, stderr = runCLI(t, stepEnv(t, gh, dir, "push", 101), "triage")
	if code != ExitOK {
		t.Fatalf("next run: exit %d, stderr:\n%s", code, stderr)
	}
	for name, a := range actions(t, stdout) {
		if want := strings.Replace(first[name], "create", "update", 1); a != want {
			t.Errorf("next run: %s: %s, want %s", name, a, want)
		}
	}
	if len(gh.Issues()) != 4 {
		t.Errorf("%d issues after the next run, want still 4", len(gh.Issues()))
	}

	writes = gh.Writes()
	code, stdout, stderr = runCLI(t, stepEnv(t, gh, dir, "pull_request", 102), "triage")
	if code != ExitOK || gh.Writes() != writes {
		t.Fatalf("pull request: exit %d, %d writes (want none); stderr:\n%s", code, gh.Writes()-writes, stderr)
	}
	for name, a := range actions(t, stdout) {
		if want := strings.Replace(first[name], "create", "known", 1); a != want {
			t.Errorf("pull request: %s: %s, want %s", name, a, want)
		}
	}
	if v := gh.Violations(); len(v) > 0 {
		t.Errorf("requests that GitHub's OpenAPI description rejects:\n%s", strings.Join(v, "\n"))
	}
}

// TestUnreadableTrackerFilesNothing: when the open issues cannot be read,
// filing could duplicate them, so nothing is written and the run fails.
func TestUnreadableTrackerFilesNothing(t *testing.T) {
	dir := extractSample(t)
	gh := fakegithub.New(t, "acme", "capi-like", "ghs_secretvalue")
	gh.Fail(fakegithub.Fault{Method: "GET", Path: "/issues", Times: 1000, Status: 403, Body: `{"message":"Resource not accessible by integration"}`})
	code, stdout, stderr := runCLI(t, stepEnv(t, gh, dir, "push", 100), "triage")
	if code != ExitFailed {
		t.Errorf("exit %d, want 1; stderr:\n%s", code, stderr)
	}
	if gh.Writes() != 0 {
		t.Errorf("%d writes after the issues could not be read", gh.Writes())
	}
	var res triage.Result
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatal(err)
	}
	if len(res.Errors) == 0 || !strings.Contains(strings.Join(res.Errors, "\n"), "read issues of acme/capi-like") {
		t.Errorf("errors do not say the issues could not be read: %q", res.Errors)
	}
}

// TestLogsCorrelated gives the e2e failures a controller log with errors
// around their moment (14:55:20 on 2026-11-27) and one long before, none
// naming an object.
func TestLogsCorrelated(t *testing.T) {
	dir := extractSample(t)
	if err := os.MkdirAll(filepath.Join(dir, "logs"), 0o755); err != nil {
		t.Fatal(err)
	}
	klog := "" +
		"E1127 14:40:00.000000       1 machine_controller.go:29] \"too early\" err=\"old\"\n" +
		"E1127 14:55:10.000000       1 machine_controller.go:33] \"Reconciler error\" err=\"infrastructure not ready\"\n" +
		"E1127 14:55:19.500000       1 machine_controller.go:33] \"Reconciler error\" err=\"infrastructure not ready\"\n" +
		"I1127 14:55:19.600000       1 machine_controller.go:29] \"info is not an error\"\n"
	if err := os.WriteFile(filepath.Join(dir, "logs/capi-controller-manager.log"), []byte(klog), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCLI(t, nil, "triage", "--dry-run", "--repo-root", dir, "--reports", "reports/ginkgo-e2e.xml", "--logs", "logs/*.log", "--json", "-")
	if code != ExitOK {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	var res triage.Result
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatal(err)
	}
	f := res.Findings[0]
	want := []triage.Correlated{{
		Log:        "logs/capi-controller-manager.log",
		Source:     &triage.Location{Path: "controllers/machine_controller.go", Line: 33},
		Candidates: []string{},
		Count:      2,
		First:      "2026-11-27T14:55:10Z",
		Last:       "2026-11-27T14:55:19.5Z",
		Ref:        "machine_controller.go",
		Shared:     []string{},
		Owners: triage.Owners{
			Approvers: []string{"alice-admin", "bob-maint", "carol-maint", "judy-ctrl"},
			Reviewers: []string{"bob-maint", "carol-maint", "dave-rev", "erin-rev", "judy-ctrl", "kevin-ctrl"},
			Labels:    []string{"area/machine"},
			Files:     []string{"controllers/OWNERS", "OWNERS"},
		},
	}}
	if diff := cmp.Diff(want, f.Correlated, cmpopts.IgnoreFields(triage.Correlated{}, "Sample")); diff != "" {
		t.Errorf("correlated (-want +got):\n%s", diff)
	}
	if !strings.Contains(f.Correlated[0].Sample, "Reconciler error") {
		t.Errorf("sample %q lacks the message", f.Correlated[0].Sample)
	}
	// The lines name no object of the spec: their owners are listed,
	// never mentioned (TestLogEvidenceDecidesMentions has lines that do).
	if slices.Contains(f.Mentions, "judy-ctrl") {
		t.Errorf("the controller's owners are mentioned for lines that name none of the test's objects: %v", f.Mentions)
	}
}

// TestOwnersJSONMatchesGroundTruth asks `owners --json` about every
// location of the sample's ground truth, in one call, in input order.
func TestOwnersJSONMatchesGroundTruth(t *testing.T) {
	dir := extractSample(t)
	var exp expected
	if err := json.Unmarshal(mustRead(t, filepath.Join(dir, "EXPECTED.json")), &exp); err != nil {
		t.Fatal(err)
	}
	args := []string{"owners", "--json", "--repo-root", dir}
	var want []expectedOwners
	for _, e := range exp.Tests {
		if e.Location == nil {
			continue
		}
		args = append(args, e.Location.Path)
		want = append(want, expectedOwners{Path: e.Location.Path, Approvers: e.Approvers, Reviewers: e.Reviewers})
	}
	code, stdout, stderr := runCLI(t, nil, args...)
	if code != ExitOK {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != len(want) {
		t.Fatalf("%d lines, want one per path (%d)", len(lines), len(want))
	}
	var got []expectedOwners
	for _, l := range lines {
		var o expectedOwners
		if err := json.Unmarshal([]byte(l), &o); err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		if o.Files == nil || o.Labels == nil || o.LeafApprovers == nil {
			t.Errorf("%s: files, labels and leaf_approvers must be lists: %s", o.Path, l)
		}
		if !strings.Contains(l, `"codeowners":null`) {
			t.Errorf("%s: the sample has no CODEOWNERS, want codeowners null: %s", o.Path, l)
		}
		o.Files, o.Labels, o.LeafApprovers = nil, nil, nil
		got = append(got, o)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("owners --json (-want +got):\n%s", diff)
	}

	// The same paths on stdin, as text.
	var out bytes.Buffer
	code = Main(context.Background(), []string{"owners", "--repo-root", dir}, Env{
		Getenv: func(string) string { return "" }, Stdin: strings.NewReader("test/e2e/quick_start_test.go\n\ncontrollers/machine_controller.go\n"),
		Stdout: &out, Stderr: &out,
	})
	if code != ExitOK || !strings.Contains(out.String(), "test/e2e/quick_start_test.go\n  approvers:  alice-admin, bob-maint, carol-maint, grace-test, heidi-e2e\n") ||
		!strings.Contains(out.String(), "  from:       controllers/OWNERS, OWNERS\n") {
		t.Errorf("owners from stdin: exit %d\n%s", code, out.String())
	}
}

type expectedOwners struct {
	Path          string   `json:"path"`
	Approvers     []string `json:"approvers"`
	Reviewers     []string `json:"reviewers"`
	LeafApprovers []string `json:"leaf_approvers,omitempty"`
	Labels        []string `json:"labels,omitempty"`
	Files         []string `json:"files,omitempty"`
}

// TestFromRun re-triages a past run from its artifacts, as the
// workflow_dispatch and workflow_run workflows do, with a check run.
func TestFromRun(t *testing.T) {
	dir := extractSample(t)
	zipped := artifactZip(t, mustRead(t, filepath.Join(dir, "reports/ginkgo-e2e.xml")), "reports/ginkgo-e2e.xml", "../../escape.xml")
	gh := fakegithub.New(t, "acme", "capi-like", "ghs_secretvalue")
	const sha = "fedcba9876543210fedcba9876543210fedcba98"
	gh.AddRun(555, 2, sha, "main", "push", fakegithub.Artifact{Name: "junit-e2e", Zip: zipped})

	env := map[string]string{"GITHUB_API_URL": gh.URL, "GITHUB_TOKEN": "ghs_secretvalue", "GITHUB_REPOSITORY": "acme/capi-like"}
	code, stdout, stderr := runCLI(t, env, "triage", "--from-run", "555", "--mode", "file", "--repo-root", dir, "--annotations", "checks", "--json", "-")
	if code != ExitOK {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	var res triage.Result
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) != 4 || res.Findings[0].Test.Report != "junit-e2e/reports/ginkgo-e2e.xml" {
		t.Fatalf("findings %d, first report %q; want 4 from junit-e2e/reports/ginkgo-e2e.xml", len(res.Findings), res.Findings[0].Test.Report)
	}
	if !strings.Contains(strings.Join(res.Errors, "\n"), "escape.xml") {
		t.Errorf("the zip-slip entry is not reported: %q", res.Errors)
	}
	if len(gh.Issues()) != 4 {
		t.Fatalf("%d issues, want 4", len(gh.Issues()))
	}
	for _, is := range gh.Issues() {
		if !strings.Contains(is.Body, "/actions/runs/555") || !strings.Contains(is.Body, "/blob/"+sha+"/") {
			t.Errorf("issue #%d does not name the past run and its commit:\n%s", is.Number, is.Body)
		}
	}
	checks := gh.CheckRuns()
	if len(checks) != 1 || checks[0].HeadSHA != sha || checks[0].Annotations != 4 {
		t.Errorf("check runs %+v, want one on %s with 4 annotations", checks, sha)
	}
	if _, err := os.Stat(filepath.Join(dir, "..", "escape.xml")); err == nil {
		t.Errorf("an archive entry escaped")
	}
}

// TestReportsOutsideTheRepository reads reports by an absolute glob outside
// the checkout, as CI jobs that keep artifacts elsewhere do, and refuses a
// mix of both kinds of glob.
func TestReportsOutsideTheRepository(t *testing.T) {
	dir := extractSample(t)
	elsewhere := t.TempDir()
	if err := os.WriteFile(filepath.Join(elsewhere, "junit-e2e.xml"), mustRead(t, filepath.Join(dir, "reports/ginkgo-e2e.xml")), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCLI(t, nil, "triage", "--dry-run", "--repo-root", dir, "--reports", filepath.Join(elsewhere, "*.xml"), "--json", "-")
	if code != ExitOK {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	var res triage.Result
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) != 4 || res.Findings[0].Location == nil || res.Findings[0].Location.Path != "test/e2e/quick_start_test.go" {
		t.Errorf("findings from a report outside the repository: %+v", res.Findings)
	}
	// The report is shown where it is: an absolute path keeps its "/".
	want := filepath.ToSlash(filepath.Join(elsewhere, "junit-e2e.xml"))
	if len(res.Reports.Files) != 1 || res.Reports.Files[0].Path != want {
		t.Errorf("reports.files %+v, want one at %s", res.Reports.Files, want)
	}
	for _, f := range res.Findings {
		if f.Test.Report != want {
			t.Errorf("%s: test.report %q, want %q", f.Test.Name, f.Test.Report, want)
		}
	}
	code, stdout, _ = runCLI(t, nil, "triage", "--dry-run", "--repo-root", dir, "--reports", filepath.Join(elsewhere, "none-*.xml"), "--json", "-")
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatal(err)
	}
	if code != ExitOK || !slices.ContainsFunc(res.Errors, func(e string) bool {
		return strings.Contains(e, `"`+filepath.ToSlash(filepath.Join(elsewhere, "none-*.xml"))+`"`)
	}) {
		t.Errorf("exit %d, errors %q: want the unmatched glob shown as given", code, res.Errors)
	}
	code, _, stderr = runCLI(t, nil, "triage", "--dry-run", "--repo-root", dir, "--reports", "reports/*.xml", "--reports", filepath.Join(elsewhere, "*.xml"))
	if code != ExitUsage || !strings.Contains(stderr, "give one kind") {
		t.Errorf("mixed globs: exit %d, stderr %q; want exit 2", code, stderr)
	}
}

// writeRepo writes files (path → content) into a new directory.
func writeRepo(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestPathPrefix: the checkout was /weird/place on the machine that wrote
// the report, and the repository also holds place/a/test_x.py, which the
// longest-suffix guess would take; --path-prefix says where the root was.
func TestPathPrefix(t *testing.T) {
	const test = "def test_one():\n    x = 1\n    assert x == 2\n"
	dir := writeRepo(t, map[string]string{
		"a/test_x.py":       test,
		"place/a/test_x.py": test,
		"reports/junit.xml": `<testsuites><testsuite name="pytest" tests="1" failures="1"><testcase classname="a.test_x" name="test_one">` +
			`<failure message="AssertionError">E   assert 1 == 2&#10;&#10;/weird/place/a/test_x.py:3: AssertionError</failure></testcase></testsuite></testsuites>`,
	})
	location := func(args ...string) *triage.Location {
		t.Helper()
		code, stdout, stderr := runCLI(t, nil, append([]string{"triage", "--dry-run", "--repo-root", dir, "--reports", "reports/*.xml", "--json", "-"}, args...)...)
		if code != ExitOK {
			t.Fatalf("exit %d, stderr:\n%s", code, stderr)
		}
		var res triage.Result
		if err := json.Unmarshal([]byte(stdout), &res); err != nil || len(res.Findings) != 1 {
			t.Fatalf("result %s: %v", stdout, err)
		}
		return res.Findings[0].Location
	}
	if got := location(); cmp.Equal(got, &triage.Location{Path: "a/test_x.py", Line: 3}) {
		t.Fatalf("without the prefix the location is already %v: this test proves nothing", got)
	}
	if diff := cmp.Diff(&triage.Location{Path: "a/test_x.py", Line: 3}, location("--path-prefix", "/weird/place")); diff != "" {
		t.Errorf("location with --path-prefix (-want +got):\n%s", diff)
	}
}

// TestFailOnReportError: an unreadable report is an error in the result
// and the plan, and fails the run only with --fail-on-report-error.
func TestFailOnReportError(t *testing.T) {
	dir := extractSample(t)
	if err := os.WriteFile(filepath.Join(dir, "reports/broken.xml"), []byte("<testsuites><testsuite name=\"x\"><testcase"), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"triage", "--dry-run", "--repo-root", dir, "--reports", "reports/broken.xml", "--reports", "reports/mocha.xml"}
	code, stdout, stderr := runCLI(t, nil, args...)
	if code != ExitOK || !strings.Contains(stdout, "unreadable report reports/broken.xml: ") || !strings.Contains(stdout, "parseEndpoint handles IPv6 literals") {
		t.Errorf("without the flag: exit %d, want 0, the broken report named and the other triaged; stdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	code, stdout, _ = runCLI(t, nil, append(args, "--fail-on-report-error")...)
	if code != ExitFailed || !strings.Contains(stdout, "parseEndpoint handles IPv6 literals") {
		t.Errorf("with --fail-on-report-error: exit %d, want 1 with the other report still triaged; stdout:\n%s", code, stdout)
	}
}

// TestAnnotationsOff: no workflow command but the token's mask is printed.
func TestAnnotationsOff(t *testing.T) {
	dir := extractSample(t)
	gh := fakegithub.New(t, "acme", "capi-like", "ghs_secretvalue")
	env := stepEnv(t, gh, dir, "pull_request", 100)
	env["INPUT_ANNOTATIONS"] = "off"
	env["INPUT_JSON"] = filepath.Join(t.TempDir(), "result.json")
	code, stdout, stderr := runCLI(t, env, "triage")
	if code != ExitOK {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	for _, line := range strings.Split(stdout, "\n") {
		if strings.HasPrefix(line, "::") && !strings.HasPrefix(line, "::add-mask::") && !strings.HasPrefix(line, "::group::") && line != "::endgroup::" {
			t.Errorf("annotations off, yet a workflow command: %s", line)
		}
	}
	if sum := string(mustRead(t, env["GITHUB_STEP_SUMMARY"])); !strings.Contains(sum, "quick_start_test.go") {
		t.Errorf("the job summary still lists the failures with annotations off:\n%s", sum)
	}
}

func TestVersion(t *testing.T) {
	code, stdout, _ := runCLI(t, nil, "version")
	if code != ExitOK || stdout != "flake-triage test\n" {
		t.Errorf("version: exit %d, %q", code, stdout)
	}
}

// TestPlanMessagesSayWhatFailed reads the readable plan of the sample, its
// reports read all together and one at a time: every message line says
// what failed in the failure's own words, never a runner's framing.
func TestPlanMessagesSayWhatFailed(t *testing.T) {
	dir := extractSample(t)
	for _, glob := range []string{"reports/*.xml", "reports/gotestsum-unit.xml", "reports/ginkgo-e2e.xml", "reports/go-junit-report-unit.xml"} {
		code, stdout, stderr := runCLI(t, nil, "triage", "--dry-run", "--repo-root", dir, "--reports", glob)
		if code != ExitOK {
			t.Fatalf("%s: exit %d, stderr:\n%s", glob, code, stderr)
		}
		n := 0
		for _, line := range strings.Split(stdout, "\n") {
			msg, ok := strings.CutPrefix(strings.TrimSpace(line), "message:")
			if !ok {
				continue
			}
			n++
			msg = strings.TrimSpace(msg)
			for _, bad := range []string{"=== RUN", "--- FAIL", "[FAILED]", "[PANICKED]", "In [It] at:"} {
				if strings.HasPrefix(msg, bad) {
					t.Errorf("%s: message line starts with %q: %s", glob, bad, msg)
				}
			}
			if msg == "Failed" || msg == "Expected" {
				t.Errorf("%s: message line says nothing: %s", glob, msg)
			}
		}
		if n == 0 {
			t.Errorf("%s: no message line in the plan:\n%s", glob, stdout)
		}
	}
}

// artifactZip is an artifact's zip archive holding data under each of
// names, in order.
func artifactZip(t *testing.T, data []byte, names ...string) []byte {
	t.Helper()
	var zipped bytes.Buffer
	zw := zip.NewWriter(&zipped)
	for _, name := range names {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return zipped.Bytes()
}
