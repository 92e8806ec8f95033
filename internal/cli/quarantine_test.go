package cli

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/flake-triage/flake-triage/internal/config"
	"github.com/flake-triage/flake-triage/internal/fakegithub"
	"github.com/flake-triage/flake-triage/internal/plan"
	"github.com/flake-triage/flake-triage/internal/quarantine"
	"github.com/flake-triage/flake-triage/internal/triage"
)

// TestQuarantine files the sample's e2e failures on push, then a
// maintainer quarantines one of them by labelling its issue, and someone
// labels an issue people filed: a pull request run lists the quarantined
// test in its result and output, warns about the other label, and
// `flake-triage quarantined` prints the same list and a Ginkgo pattern
// from one listing.
func TestQuarantine(t *testing.T) {
	dir := extractSample(t)
	gh := fakegithub.New(t, "acme", "capi-like", "ghs_secretvalue")
	code, stdout, stderr := runCLI(t, stepEnv(t, gh, dir, "push", 600), "triage")
	if code != ExitOK {
		t.Fatalf("push: exit %d:\n%s", code, stderr)
	}
	var filed triage.Result
	if err := json.Unmarshal([]byte(stdout), &filed); err != nil {
		t.Fatal(err)
	}
	var target triage.Finding
	for _, f := range filed.Findings {
		if f.Issue.Number > 0 && strings.HasPrefix(f.Test.Name, "[It] ") {
			target = f
			break
		}
	}
	if target.Issue.Number == 0 {
		t.Fatalf("no Ginkgo finding with an issue in %+v", filed.Findings)
	}
	gh.Edit(target.Issue.Number, func(is *fakegithub.Issue) { is.Labels = append(is.Labels, quarantine.DefaultLabel) })
	human := gh.AddIssue(fakegithub.Issue{Title: "e2e flakes", Body: "please quarantine", Labels: []string{quarantine.DefaultLabel}, User: "someone"})

	env := stepEnv(t, gh, dir, "pull_request", 601)
	code, stdout, stderr = runCLI(t, env, "triage")
	if code != ExitOK {
		t.Fatalf("pull request: exit %d:\n%s", code, stderr)
	}
	var res triage.Result
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatal(err)
	}
	want := triage.Quarantined{Number: target.Issue.Number, URL: target.Issue.URL, ID: target.ID,
		Test: triage.TestIdentity{Name: target.Test.Name, Classname: target.Test.Classname, Suite: target.Test.Suite}}
	if len(res.Quarantined) != 1 || res.Quarantined[0] != want {
		t.Errorf("quarantined = %+v, want [%+v]", res.Quarantined, want)
	}
	r := &run{cfg: config.Default(), issues: []plan.Issue{
		{Number: target.Issue.Number, State: "open", Labels: []string{quarantine.DefaultLabel}, Body: gh.Issue(target.Issue.Number).Body},
		{Number: human, State: "open", Labels: []string{quarantine.DefaultLabel}, Body: "please quarantine"},
	}}
	if !r.isQuarantined(target.Issue) || r.isQuarantined(triage.Issue{Number: human}) || r.isQuarantined(triage.Issue{}) {
		t.Error("isQuarantined: want the labelled tool issue only")
	}
	if errs := strings.Join(res.Errors, "\n"); !strings.Contains(errs, "#"+strconv.Itoa(human)) || !strings.Contains(errs, "did not file it") {
		t.Errorf("no warning about the label on #%d, which people filed: %q", human, res.Errors)
	}
	outputs := string(mustRead(t, env["GITHUB_OUTPUT"]))
	wantJSON, _ := json.Marshal([]triage.Quarantined{want})
	if !strings.Contains(outputs, "quarantined<<") || !strings.Contains(outputs, string(wantJSON)) {
		t.Errorf("the quarantined output is not %s:\n%s", wantJSON, outputs)
	}

	// The command: one listing by label.
	lists := gh.Count("GET", "/issues")
	cmdEnv := map[string]string{"GITHUB_API_URL": gh.URL, "GITHUB_TOKEN": "ghs_secretvalue", "GITHUB_REPOSITORY": "acme/capi-like", "GITHUB_WORKSPACE": dir}
	code, stdout, stderr = runCLI(t, cmdEnv, "quarantined")
	if code != ExitOK {
		t.Fatalf("quarantined: exit %d:\n%s", code, stderr)
	}
	var listed []triage.Quarantined
	if err := json.Unmarshal([]byte(stdout), &listed); err != nil || len(listed) != 1 || listed[0] != want {
		t.Errorf("quarantined --format json = %s (%v), want [%+v]", stdout, err, want)
	}
	if n := gh.Count("GET", "/issues") - lists; n != 1 {
		t.Errorf("quarantined listed issues %d times, want 1", n)
	}
	last := gh.Requests()[len(gh.Requests())-1]
	if last.Query.Get("labels") != quarantine.DefaultLabel || last.Query.Get("state") != "open" {
		t.Errorf("quarantined listed %s?%s, want labels=%s&state=open", last.Path, last.Query.Encode(), quarantine.DefaultLabel)
	}
	if !strings.Contains(stderr, "did not file it") {
		t.Errorf("quarantined did not warn about #%d:\n%s", human, stderr)
	}

	code, stdout, _ = runCLI(t, cmdEnv, "quarantined", "--format", "ginkgo")
	if code != ExitOK {
		t.Fatalf("quarantined --format ginkgo: exit %d", code)
	}
	pattern := strings.TrimSpace(stdout)
	text := target.Test.Classname + " " + strings.TrimPrefix(target.Test.Name, "[It] ")
	if !regexp.MustCompile(pattern).MatchString(text) {
		t.Errorf("the Ginkgo pattern %q does not match the quarantined spec %q", pattern, text)
	}
	for _, f := range filed.Findings {
		other := f.Test.Classname + " " + strings.TrimPrefix(f.Test.Name, "[It] ")
		if f.ID != target.ID && regexp.MustCompile(pattern).MatchString(other) {
			t.Errorf("the Ginkgo pattern %q also skips %q", pattern, other)
		}
	}
	code, stdout, stderr = runCLI(t, cmdEnv, "quarantined", "--format", "go")
	if code != ExitOK || strings.TrimSpace(stdout) != "" || !strings.Contains(stderr, "1 of 1 quarantined tests are not go tests") {
		t.Errorf("quarantined --format go with only a Ginkgo spec: exit %d, %q, stderr %q", code, stdout, stderr)
	}
	if code, _, _ := runCLI(t, cmdEnv, "quarantined", "--format", "junit"); code != ExitUsage {
		t.Errorf("an unknown format: exit %d, want %d", code, ExitUsage)
	}
	if code, _, _ := runCLI(t, map[string]string{}, "quarantined"); code != ExitUsage {
		t.Errorf("no token: exit %d, want %d", code, ExitUsage)
	}
}
