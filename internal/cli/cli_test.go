package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"golang.org/x/tools/txtar"

	"github.com/flake-triage/flake-triage/internal/triage"
)

const samplePath = "../../testdata/capi-like.txtar"

// extractSample writes the bundled sample repository to a temporary
// directory, as a user's checkout would be.
func extractSample(t *testing.T) string {
	t.Helper()
	a, err := txtar.ParseFile(samplePath)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, f := range a.Files {
		p := filepath.Join(dir, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
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

func run(t *testing.T, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Main(context.Background(), args, Env{
		Getenv: func(k string) string { return env[k] },
		Stdout: &out, Stderr: &errb,
		Version: "test",
		Demo:    mustRead(t, samplePath),
	})
	return code, out.String(), errb.String()
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
// sample's reports, as ../shared/tools/check_sample.py does, and compares
// every finding with EXPECTED.json.
func TestTriageSampleMatchesGroundTruth(t *testing.T) {
	dir := extractSample(t)
	var exp expected
	if err := json.Unmarshal(mustRead(t, filepath.Join(dir, "EXPECTED.json")), &exp); err != nil {
		t.Fatal(err)
	}
	byReport := map[string][]int{}
	for i, e := range exp.Tests {
		byReport[e.Report] = append(byReport[e.Report], i)
	}
	for rep, idx := range byReport {
		t.Run(rep, func(t *testing.T) {
			code, stdout, stderr := run(t, nil, "triage", "--dry-run", "--repo-root", dir, "--reports", rep, "--json", "-")
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
			if len(res.Findings) != len(idx) {
				t.Errorf("%d findings, want %d", len(res.Findings), len(idx))
			}
			for _, i := range idx {
				e := exp.Tests[i]
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
				if !cmp.Equal(f.Location, e.Location) && !slices.ContainsFunc(e.LocationAlternatives, func(l *triage.Location) bool { return cmp.Equal(f.Location, l) }) {
					t.Errorf("%s: location (-want +got):\n%s", e.Name, cmp.Diff(e.Location, f.Location))
				}
				if diff := cmp.Diff(e.TestLocation, f.TestLocation); diff != "" {
					t.Errorf("%s: test_location (-want +got):\n%s", e.Name, diff)
				}
				var related []string
				for _, r := range f.Related {
					related = append(related, r.Path)
				}
				if f.Location != nil && !slices.Contains(e.RelatedPaths, f.Location.Path) {
					related = slices.DeleteFunc(related, func(p string) bool { return p == f.Location.Path })
				}
				if diff := cmp.Diff(e.RelatedPaths, related, cmp.Transformer("nilEmpty", func(s []string) []string { return append([]string{}, s...) })); diff != "" && !(f.Location != nil && cmp.Equal(append(related, f.Location.Path), e.RelatedPaths)) {
					t.Errorf("%s: related (-want +got):\n%s", e.Name, diff)
				}
				if diff := cmp.Diff(e.Approvers, f.Owners.Approvers); diff != "" {
					t.Errorf("%s: approvers (-want +got):\n%s", e.Name, diff)
				}
				if diff := cmp.Diff(e.Reviewers, f.Owners.Reviewers); diff != "" {
					t.Errorf("%s: reviewers (-want +got):\n%s", e.Name, diff)
				}
				if f.ID == "" || f.Signature == "" || f.Issue.Action == "" {
					t.Errorf("%s: id %q signature %q issue action %q: none may be empty", e.Name, f.ID, f.Signature, f.Issue.Action)
				}
			}
		})
	}
}

func TestDemoPrintsThePlanForEveryFailingTest(t *testing.T) {
	code, stdout, stderr := run(t, nil, "demo")
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
			code, _, stderr := run(t, tc.env, tc.args...)
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
	code, _, stderr := run(t, nil, "triage", "--dry-run", "--repo-root", dir)
	if code != ExitUsage || !strings.Contains(stderr, ".github/flake-triage.yaml: line 3: field max-new-isues not found") {
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
	env := map[string]string{
		"GITHUB_ACTIONS":      "true",
		"GITHUB_EVENT_NAME":   "pull_request",
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
	code, stdout, stderr := run(t, env, "triage")
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
	if !strings.Contains(sum, "https://github.com/acme/capi-like/blob/0123456789abcdef0123456789abcdef01234567/test/e2e/quick_start_test.go#L26") {
		t.Errorf("summary does not link the failing line at the commit:\n%s", sum)
	}
	var res triage.Result
	if err := json.Unmarshal(mustRead(t, env["INPUT_JSON"]), &res); err != nil {
		t.Fatal(err)
	}
	if res.Mode != "annotate" {
		t.Errorf("mode %q on a pull_request, want annotate", res.Mode)
	}
}

// TestLogsCorrelated gives the e2e failures a controller log with errors
// around their moment (14:55:20 on 2026-11-27) and one long before.
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
	code, stdout, stderr := run(t, nil, "triage", "--dry-run", "--repo-root", dir, "--reports", "reports/ginkgo-e2e.xml", "--logs", "logs/*.log", "--json", "-")
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
		Last:       "2026-11-27T14:55:19Z",
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
	if !slices.Contains(f.Mentions, "judy-ctrl") {
		t.Errorf("the controller's owners are not mentioned: %v", f.Mentions)
	}
}
