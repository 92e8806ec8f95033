package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"

	"github.com/flake-triage/flake-triage/internal/config"
	"github.com/flake-triage/flake-triage/internal/fakegithub"
	"github.com/flake-triage/flake-triage/internal/triage"
)

const (
	cloudinitTest = "bootstrap/kubeadm/pkg/cloudinit/cloudinit_test.go"
	moverTest     = "cmd/clusterctl/client/cluster/mover_test.go"
)

// capiReviewers is cluster-api's cluster-api-reviewers alias, which both
// area OWNERS files of the test data list beside their own reviewer.
var capiReviewers = []string{"karthik-k-n", "richardcase", "sivchari"}

// extractTxtar writes a testdata archive to a temporary directory.
func extractTxtar(t *testing.T, name string) string {
	t.Helper()
	a, err := txtar.ParseFile(name)
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

// capiFake is the fake GitHub of cluster-api with a seeded history of the
// two failing tests' code: a recent committer of each failing file (one
// GitHub cannot assign), a recent committer of the first one's directory,
// and commits that must not count (a bot, an author without an account,
// one older than the window).
func capiFake(t *testing.T) *fakegithub.Server {
	gh := fakegithub.New(t, "kubernetes-sigs", "cluster-api", "ghs_secretvalue")
	day := func(n int) time.Time { return time.Now().UTC().Add(-time.Duration(n) * 24 * time.Hour) }
	gh.Seed("main",
		fakegithub.SeedCommit{Login: "ancient", Date: day(200), Files: []string{cloudinitTest, moverTest}},
		fakegithub.SeedCommit{Login: "fixer", Date: day(10), Files: []string{cloudinitTest}},
		fakegithub.SeedCommit{Login: "outsider", Date: day(6), Files: []string{moverTest}},
		fakegithub.SeedCommit{Login: "dir-dev", Date: day(3), Files: []string{"bootstrap/kubeadm/pkg/cloudinit/cloudinit.go"}},
		fakegithub.SeedCommit{Login: "", Name: "Nobody", Email: "nobody@example.com", Date: day(2), Files: []string{cloudinitTest}},
		fakegithub.SeedCommit{Login: "dependabot[bot]", Date: day(1), Files: []string{cloudinitTest, moverTest}},
	)
	gh.SetAssignable("fixer", "dir-dev", "g-gaston", "jont828", "ancient", "dependabot[bot]")
	gh.SetAssignable(capiReviewers...)
	return gh
}

func capiEnv(gh *fakegithub.Server, dir string, token bool) map[string]string {
	env := map[string]string{
		"GITHUB_REPOSITORY": "kubernetes-sigs/cluster-api",
		"GITHUB_API_URL":    gh.URL,
	}
	if token {
		env["GITHUB_TOKEN"] = "ghs_secretvalue"
	}
	return env
}

func findingAt(t *testing.T, res triage.Result, path string) triage.Finding {
	t.Helper()
	for _, f := range res.Findings {
		if f.Location != nil && f.Location.Path == path {
			return f
		}
	}
	t.Fatalf("no finding at %s: %+v", path, res.Findings)
	return triage.Finding{}
}

func dryRun(t *testing.T, env map[string]string, dir string, args ...string) triage.Result {
	t.Helper()
	code, stdout, stderr := runCLI(t, env, append([]string{"triage", "--dry-run", "--repo-root", dir, "--reports", "reports/junit.xml", "--json", "-"}, args...)...)
	if code != ExitOK {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	published, closed := resultSchemas(t)
	validateResult(t, "experts dry run", stdout, published, closed)
	var res triage.Result
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	return res
}

// TestExpertsRecentCommitterFirst: on Cluster API's OWNERS tree with a
// seeded history, the recent committer of the failing file is assigned
// first, then the directory's, then the area's own reviewer; bots,
// authors without an account and commits older than the window are not
// named; each path is read once; the result matches its schema.
func TestExpertsRecentCommitterFirst(t *testing.T) {
	dir := extractTxtar(t, "testdata/experts-capi.txtar")
	gh := capiFake(t)
	res := dryRun(t, capiEnv(gh, dir, true), dir)
	if len(res.Errors) > 0 {
		t.Errorf("errors: %v", res.Errors)
	}

	ci := findingAt(t, res, cloudinitTest)
	if diff := cmp.Diff([]string{"fixer", "dir-dev", "g-gaston"}, ci.Assignees); diff != "" {
		t.Errorf("%s: assignees (-want +got):\n%s", cloudinitTest, diff)
	}
	p := ci.Provenance[0]
	if p.Login != "fixer" || p.Role != "recent-change" || p.File != cloudinitTest || len(p.Commit) != 40 || p.Date == "" || p.Rank != 1 {
		t.Errorf("fixer's reason: %+v", p)
	}
	if p := ci.Provenance[1]; p.Login != "dir-dev" || p.File != "bootstrap/kubeadm/pkg/cloudinit" {
		t.Errorf("dir-dev's reason: %+v", p)
	}
	if p := ci.Provenance[2]; p.Login != "g-gaston" || p.Rank != 2 || p.File != "bootstrap/kubeadm/OWNERS" || p.Line != 8 || p.Alias != "cluster-api-bootstrap-provider-kubeadm-reviewers" {
		t.Errorf("g-gaston's reason: %+v", p)
	}
	// max-mentions (5): the three project reviewers the area file names,
	// then two root owners; the other root owners are listed.
	if len(ci.Mentions) != 5 || len(ci.Listed) == 0 {
		t.Errorf("mentions %v listed %v, want 5 mentioned and the rest listed", ci.Mentions, ci.Listed)
	}
	if got := slices.Sorted(slices.Values(ci.Mentions[:3])); !slices.Equal(got, capiReviewers) {
		t.Errorf("first mentions %v, want the project reviewers %v", ci.Mentions[:3], capiReviewers)
	}
	for _, f := range res.Findings {
		for _, p := range f.Provenance {
			if slices.Contains([]string{"ancient", "dependabot[bot]", "nobody", ""}, p.Login) {
				t.Errorf("%s is named: %+v", p.Login, p)
			}
		}
	}

	// A dry run takes commit authors as assignable (file mode asks:
	// TestExpertsFileMode).
	mv := findingAt(t, res, moverTest)
	if diff := cmp.Diff([]string{"outsider", "jont828"}, mv.Assignees[:2]); diff != "" {
		t.Errorf("%s: assignees (-want +got):\n%s", moverTest, diff)
	}
	if n := gh.Count("GET", "/assignees/outsider"); n != 0 {
		t.Errorf("a dry run asked %d times whether outsider can be assigned", n)
	}

	// Four paths (two files, two directories), one call each.
	if n := gh.Count("GET", "/commits"); n != 4 {
		t.Errorf("%d commits API calls, want 4", n)
	}
	for _, r := range gh.Requests() {
		if strings.HasSuffix(r.Path, "/commits") && r.Query.Get("since") == "" {
			t.Errorf("commits read without since: %s?%s", r.Path, r.Query.Encode())
		}
	}
}

// TestExpertsAreaBeforeProject: without a token, OWNERS alone decide:
// under bootstrap/kubeadm and cmd/clusterctl the area's own reviewer is
// assigned before the project reviewers its OWNERS file also lists, and
// the project's maintainers are not notified.
func TestExpertsAreaBeforeProject(t *testing.T) {
	dir := extractTxtar(t, "testdata/experts-capi.txtar")
	gh := capiFake(t)
	res := dryRun(t, capiEnv(gh, dir, false), dir)
	for path, area := range map[string]string{cloudinitTest: "g-gaston", moverTest: "jont828"} {
		f := findingAt(t, res, path)
		if len(f.Assignees) != 3 || f.Assignees[0] != area {
			t.Errorf("%s: assignees %v, want %s first", path, f.Assignees, area)
		}
		for _, a := range f.Assignees[1:] {
			if !slices.Contains(capiReviewers, a) {
				t.Errorf("%s: %s assigned, want the project reviewers the area file names", path, a)
			}
		}
		for _, p := range f.Provenance {
			if p.Role == "recent-change" {
				t.Errorf("%s: a recent change without a token: %+v", path, p)
			}
		}
	}
	if n := len(gh.Requests()); n != 0 {
		t.Errorf("%d requests without a token", n)
	}
}

// TestExpertsFallBackToOwners: a commits API that refuses (403) or keeps
// failing (5xx) leaves routing to OWNERS, for every finding alike, and
// the result says why.
func TestExpertsFallBackToOwners(t *testing.T) {
	for _, status := range []int{403, 502} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			dir := extractTxtar(t, "testdata/experts-capi.txtar")
			gh := capiFake(t)
			gh.Fail(fakegithub.Fault{Method: "GET", Path: "/commits", Skip: 1, Times: 1000, Status: status,
				Header: map[string]string{"Retry-After": "0"}, Body: `{"message":"Resource not accessible by integration"}`})
			res := dryRun(t, capiEnv(gh, dir, true), dir)
			if len(res.Errors) != 1 || !strings.Contains(res.Errors[0], "OWNERS alone decided") || !strings.Contains(res.Errors[0], "list commits of") {
				t.Errorf("errors %q, want one saying the commits could not be read", res.Errors)
			}
			if status == 403 && !strings.Contains(res.Errors[0], "contents: read") {
				t.Errorf("the 403 does not name the permission: %q", res.Errors[0])
			}
			if f := findingAt(t, res, cloudinitTest); f.Assignees[0] != "g-gaston" || f.Provenance[0].Role == "recent-change" {
				t.Errorf("assignees %v, want OWNERS routing", f.Assignees)
			}
		})
	}
}

// TestExpertsFileMode: the created issue is assigned the recent
// committer first and its body says why each person is there; a recent
// committer GitHub cannot assign is mentioned instead, asked once.
func TestExpertsFileMode(t *testing.T) {
	dir := extractTxtar(t, "testdata/experts-capi.txtar")
	gh := capiFake(t)
	env := capiEnv(gh, dir, true)
	code, _, stderr := runCLI(t, env, "triage", "--mode", "file", "--repo-root", dir, "--reports", "reports/junit.xml")
	if code != ExitOK {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	var ci, mv *fakegithub.Issue
	for _, is := range gh.Issues() {
		switch {
		case strings.Contains(is.Body, "TestNewInitControlPlaneCommands"):
			ci = &is
		case strings.Contains(is.Body, "TestMoveTypes"):
			mv = &is
		}
	}
	if ci == nil || mv == nil {
		t.Fatalf("issues: %+v", gh.Issues())
	}
	if diff := cmp.Diff([]string{"fixer", "dir-dev", "g-gaston"}, ci.Assignees); diff != "" {
		t.Errorf("assignees (-want +got):\n%s", diff)
	}
	for _, want := range []string{"**Why these people**", "- `fixer` (assigned): changed `" + cloudinitTest + "` in ",
		"- `g-gaston` (assigned): reviewer in `bootstrap/kubeadm/OWNERS` line 8", "(listed): approver in `OWNERS` line "} {
		if !strings.Contains(ci.Body, want) {
			t.Errorf("body lacks %q:\n%s", want, ci.Body)
		}
	}
	if mv.Assignees[0] != "jont828" || slices.Contains(mv.Assignees, "outsider") {
		t.Errorf("%s: assignees %v, want jont828 first and not outsider", moverTest, mv.Assignees)
	}
	for _, want := range []string{"- `outsider` (mentioned): changed `" + moverTest + "`", "cc @outsider "} {
		if !strings.Contains(mv.Body, want) {
			t.Errorf("body lacks %q:\n%s", want, mv.Body)
		}
	}
	if n := gh.Count("GET", "/assignees/outsider"); n != 1 {
		t.Errorf("asked %d times whether outsider can be assigned, want 1", n)
	}
}

// TestExpertSettings: expert-window and max-mentions are flags and inputs
// over the config (flag > input > config > default), checked as sentences
// naming the input.
func TestExpertSettings(t *testing.T) {
	getenv := func(env map[string]string) func(string) string { return func(k string) string { return env[k] } }
	cfg := config.Default()
	cfg.ExpertWindow, cfg.MaxMentions = config.Duration(time.Hour), 7
	if got := (Options{}).apply(cfg); got.ExpertWindow != config.Duration(time.Hour) || got.MaxMentions != 7 {
		t.Errorf("no flag or input: %v %d, want the config's", got.ExpertWindow, got.MaxMentions)
	}
	o, err := parseTriage([]string{"--max-mentions", "2"}, getenv(map[string]string{"INPUT_MAX-MENTIONS": "9", "INPUT_EXPERT-WINDOW": "2w"}), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if got := o.apply(cfg); got.ExpertWindow != config.Duration(14*24*time.Hour) || got.MaxMentions != 2 {
		t.Errorf("flag and input: %v %d, want 2w from the input and 2 from the flag", got.ExpertWindow, got.MaxMentions)
	}
	for in, want := range map[[2]string]string{
		{"INPUT_MAX-MENTIONS", "-1"}:   "max-mentions must not be negative",
		{"INPUT_EXPERT-WINDOW", "-1h"}: "expert-window must not be negative",
	} {
		if _, err := parseTriage(nil, getenv(map[string]string{in[0]: in[1]}), io.Discard); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s=%s: %v, want %q", in[0], in[1], err, want)
		}
	}
	if _, err := parseTriage(nil, getenv(map[string]string{"INPUT_EXPERT-WINDOW": "soon"}), io.Discard); err == nil || !strings.Contains(err.Error(), "expert-window") {
		t.Errorf("expert-window soon: %v", err)
	}
}

// TestExpertsRotationAssignedToo: the rotation's member on duty is
// assigned in addition to the max-assignees experts, on the issue too.
func TestExpertsRotationAssignedToo(t *testing.T) {
	dir := extractTxtar(t, "testdata/experts-capi.txtar")
	if err := os.MkdirAll(filepath.Join(dir, ".github"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".github/flake-triage.yaml"), []byte("rotation:\n  members: [On-Duty]\n  start: 2026-01-05\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	gh := capiFake(t)
	gh.SetAssignable("on-duty")
	code, _, stderr := runCLI(t, capiEnv(gh, dir, true), "triage", "--mode", "file", "--repo-root", dir, "--reports", "reports/junit.xml")
	if code != ExitOK {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	for _, is := range gh.Issues() {
		if strings.Contains(is.Body, "TestNewInitControlPlaneCommands") {
			if diff := cmp.Diff([]string{"fixer", "dir-dev", "g-gaston", "on-duty"}, is.Assignees); diff != "" {
				t.Errorf("assignees (-want +got):\n%s", diff)
			}
			if !strings.Contains(is.Body, "- `on-duty` (assigned): the test maintainer on duty") {
				t.Errorf("body does not say why on-duty is assigned:\n%s", is.Body)
			}
		}
	}
}

// TestExpertsReadBudget: a run reads the history of at most
// maxExpertPaths paths; a finding whose paths do not all fit is routed by
// OWNERS alone, and the result says how many.
func TestExpertsReadBudget(t *testing.T) {
	dir, paths := expertsRepo(t, 120, 1)
	gh := fakegithub.New(t, "acme", "m", "ghs_secretvalue")
	var seed []fakegithub.SeedCommit
	for _, p := range paths {
		seed = append(seed, fakegithub.SeedCommit{Login: "dev", Date: time.Now().Add(-24 * time.Hour), Files: []string{p}})
	}
	gh.Seed("main", seed...)
	res := dryRun(t, map[string]string{"GITHUB_REPOSITORY": "acme/m", "GITHUB_API_URL": gh.URL, "GITHUB_TOKEN": "ghs_secretvalue"}, dir)
	if n := gh.Count("GET", "/commits"); n != maxExpertPaths {
		t.Errorf("%d commits API calls, want %d", n, maxExpertPaths)
	}
	routed := 0
	for _, f := range res.Findings {
		if f.Provenance[0].Role == "recent-change" {
			routed++
		}
	}
	// 60 files of pkg/a and their directory, then pkg/b and 38 of its files.
	want := fmt.Sprintf("experts: the history of %d paths was read, the most one run reads; %d findings were routed by OWNERS alone", maxExpertPaths, 120-98)
	if routed != 98 || !slices.Contains(res.Errors, want) {
		t.Errorf("%d findings routed by recent changes, errors %q; want 98 and %q", routed, res.Errors, want)
	}
}
