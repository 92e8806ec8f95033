package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/flake-triage/flake-triage/internal/fakegithub"
	"github.com/flake-triage/flake-triage/internal/triage"
)

// capiFlakeIssue is a body as Cluster API's "Flaking Test" issue form
// writes it: each question a heading, each answer below.
func capiFlakeIssue(tests, reason string) string {
	return "### Which jobs are flaking?\n\nperiodic-cluster-api-e2e-main\n\n" +
		"### Which tests are flaking?\n\n" + tests + "\n\n" +
		"### Since when has it been flaking?\n\n2026-11-01\n\n" +
		"### Testgrid link\n\nhttps://testgrid.k8s.io/sig-cluster-lifecycle-cluster-api#capi-e2e-main\n\n" +
		"### Reason for failure (if possible)\n\n" + reason + "\n\n" +
		"### Anything else we need to know?\n\n_No response_\n\n### Label(s) to be applied\n\n/kind flake\n/area e2e-testing\n"
}

// TestAdoptsPeoplesIssues files the sample's e2e run against a tracker
// where people filed flake issues first: the one issue naming a test is
// adopted (their text kept, labels added, one comment); two issues naming
// another test are both linked from the tool's new issue; issues naming a
// test only in a quoted log or in a long list are left alone; and a later
// run updates the adopted issue rather than filing a duplicate.
func TestAdoptsPeoplesIssues(t *testing.T) {
	dir := extractSample(t)
	gh := fakegithub.New(t, "acme", "capi-like", "ghs_secretvalue")
	gh.SetAssignable("heidi-e2e", "liam-e2e", "grace-test")

	// The run's failing tests, from a dry run.
	code, stdout, stderr := runCLI(t, map[string]string{}, "triage", "--dry-run", "--repo-root", dir, "--reports", "reports/ginkgo-e2e.xml", "--json", "-")
	if code != ExitOK {
		t.Fatalf("dry run: exit %d\n%s", code, stderr)
	}
	var dry triage.Result
	if err := json.Unmarshal([]byte(stdout), &dry); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range dry.Findings {
		names = append(names, f.Test.Name)
	}
	sort.Strings(names)
	if len(names) != 4 {
		t.Fatalf("the sample's e2e report has %d failing tests, want 4: %q", len(names), names)
	}
	adopted, linked, ignored := names[0], names[1], names[2]
	console := func(name string) string { // "[It] A B" as the console prints it
		return "capi-e2e " + strings.TrimPrefix(name, "[It] ")
	}

	human := capiFlakeIssue(console(adopted), "Probably the machine pool scale-up times out.\n\ncc @someone")
	nAdopt := gh.AddIssue(fakegithub.Issue{Title: "e2e flake in periodic-cluster-api-e2e-main", Body: human, Labels: []string{"kind/flake"}})
	nLink1 := gh.AddIssue(fakegithub.Issue{Title: "Flaking e2e", Body: capiFlakeIssue(linked, "unknown")})
	nLink2 := gh.AddIssue(fakegithub.Issue{Title: "Flake: " + linked})
	nQuote := gh.AddIssue(fakegithub.Issue{Title: "Upgrade tests time out", Body: "Seen in the logs:\n\n> " + ignored + "\n> timed out after 20m\n"})
	var list []string
	for i := range 5 {
		list = append(list, fmt.Sprintf("- TestSomething%d", i))
	}
	nList := gh.AddIssue(fakegithub.Issue{Title: "Many tests failed after the bump", Body: capiFlakeIssue(strings.Join(append(list, "- "+ignored), "\n"), "the bump")})

	env := stepEnv(t, gh, dir, "push", 100)
	code, stdout, stderr = runCLI(t, env, "triage")
	if code != ExitOK {
		t.Fatalf("first run: exit %d, stderr:\n%s", code, stderr)
	}
	var res triage.Result
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatal(err)
	}
	byName := map[string]triage.Finding{}
	for _, f := range res.Findings {
		byName[f.Test.Name] = f
	}

	a := byName[adopted].Issue
	if a.Action != "adopt" || a.Number != nAdopt || len(a.Candidates) != 1 || a.Candidates[0].Where != `form answer "Which tests are flaking?"` {
		t.Errorf("adopted test: issue %+v, want adopt #%d found in the form's answer", a, nAdopt)
	}
	is := gh.Issue(nAdopt)
	if !strings.HasPrefix(is.Body, strings.TrimRight(human, "\n")+"\n\n") || !strings.Contains(is.Body, "flake-triage:begin") {
		t.Errorf("adopted issue's body does not keep the people's text above the tool's section:\n%s", is.Body)
	}
	if strings.Contains(strings.Join(is.Labels, ","), "kind/failing-test") || !strings.Contains(strings.Join(is.Labels, ","), "kind/flake") {
		t.Errorf("adopted issue's labels %v: the people's kind label stays, none contradicting it is added", is.Labels)
	}
	if len(is.Comments) != 1 || !strings.Contains(is.Comments[0], "tracks") {
		t.Errorf("adopted issue's comments %q, want one saying the tool tracks the test here", is.Comments)
	}

	l := byName[linked].Issue
	if l.Action != "create" || len(l.Candidates) != 2 {
		t.Fatalf("test named by two issues: %+v, want create linking both", l)
	}
	body := gh.Issue(l.Number).Body
	for _, n := range []int{nLink1, nLink2} {
		if !strings.Contains(body, fmt.Sprintf("#%d", n)) {
			t.Errorf("new issue #%d does not link #%d:\n%s", l.Number, n, body)
		}
		if strings.Contains(gh.Issue(n).Body, "flake-triage:begin") {
			t.Errorf("#%d was adopted although two issues name its test", n)
		}
	}

	g := byName[ignored].Issue
	if g.Action != "create" || len(g.Candidates) != 0 {
		t.Errorf("test named only in a quote and a long list: %+v, want a plain create", g)
	}
	for _, n := range []int{nQuote, nList} {
		if strings.Contains(gh.Issue(n).Body, "flake-triage") || len(gh.Issue(n).Comments) > 0 {
			t.Errorf("#%d was touched", n)
		}
	}
	total := len(gh.Issues())

	// The next run updates the adopted issue; nothing new is filed.
	code, stdout, stderr = runCLI(t, stepEnv(t, gh, dir, "push", 101), "triage")
	if code != ExitOK {
		t.Fatalf("second run: exit %d, stderr:\n%s", code, stderr)
	}
	if got := actions(t, stdout)[adopted]; got != fmt.Sprintf("update #%d", nAdopt) {
		t.Errorf("second run: adopted test %s, want update #%d", got, nAdopt)
	}
	if len(gh.Issues()) != total {
		t.Errorf("second run filed %d more issues", len(gh.Issues())-total)
	}
	if !strings.HasPrefix(gh.Issue(nAdopt).Body, strings.TrimRight(human, "\n")+"\n\n") {
		t.Errorf("second run rewrote the people's text:\n%s", gh.Issue(nAdopt).Body)
	}
	if v := gh.Violations(); len(v) > 0 {
		t.Errorf("requests that GitHub's OpenAPI description rejects:\n%s", strings.Join(v, "\n"))
	}
}

// TestAdoptOff: with adopt false the tool files its own issue next to the
// people's.
func TestAdoptOff(t *testing.T) {
	dir := extractSample(t)
	gh := fakegithub.New(t, "acme", "capi-like", "ghs_secretvalue")
	env := stepEnv(t, gh, dir, "push", 100)
	env["INPUT_ADOPT"] = "false"
	code, stdout, stderr := runCLI(t, map[string]string{}, "triage", "--dry-run", "--repo-root", dir, "--reports", "reports/ginkgo-e2e.xml", "--json", "-")
	if code != ExitOK {
		t.Fatal(stderr)
	}
	var dry triage.Result
	if err := json.Unmarshal([]byte(stdout), &dry); err != nil || len(dry.Findings) == 0 {
		t.Fatalf("dry run: %v", err)
	}
	name := dry.Findings[0].Test.Name
	n := gh.AddIssue(fakegithub.Issue{Title: "Flake: " + name})
	code, stdout, stderr = runCLI(t, env, "triage")
	if code != ExitOK {
		t.Fatal(stderr)
	}
	if got := actions(t, stdout)[name]; !strings.HasPrefix(got, "create") {
		t.Errorf("adopt false: %s, want create", got)
	}
	if strings.Contains(gh.Issue(n).Body, "flake-triage") {
		t.Errorf("adopt false adopted #%d", n)
	}
}

// TestAdoptLeafSharedWithAPassingSpec: a spec's own It text identifies it
// only when no other test of the run contains it, passing ones included.
// The sample's passing spec is renamed to share the failing spec's It
// text under another container: an issue naming only that text is then
// not adopted; with the passing spec named otherwise, it is.
func TestAdoptLeafSharedWithAPassingSpec(t *testing.T) {
	const (
		leaf    = "Should report the phase of a fourth machine"
		passing = "[It] When following the Cluster API quick-start Should create a workload cluster [quick-start]"
	)
	for _, tc := range []struct {
		name, rename string
		adopt        bool
	}{
		{"unique It text", passing, true},
		{"a passing spec shares it", "[It] When upgrading the management cluster " + leaf + " [upgrade]", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := extractSample(t)
			p := filepath.Join(dir, "reports", "ginkgo-e2e.xml")
			data := mustRead(t, p)
			if !strings.Contains(string(data), `name="`+passing+`"`) {
				t.Fatalf("the sample has no passing spec %q", passing)
			}
			data = []byte(strings.Replace(string(data), `name="`+passing+`"`, `name="`+tc.rename+`"`, 1))
			if err := os.WriteFile(p, data, 0o644); err != nil {
				t.Fatal(err)
			}
			gh := fakegithub.New(t, "acme", "capi-like", "ghs_secretvalue")
			n := gh.AddIssue(fakegithub.Issue{Title: "e2e: " + leaf + " panics"})
			code, stdout, stderr := runCLI(t, stepEnv(t, gh, dir, "push", 100), "triage")
			if code != ExitOK {
				t.Fatalf("exit %d\n%s", code, stderr)
			}
			var res triage.Result
			if err := json.Unmarshal([]byte(stdout), &res); err != nil {
				t.Fatal(err)
			}
			var got string
			for _, f := range res.Findings {
				if strings.Contains(f.Test.Name, leaf) {
					got = fmt.Sprintf("%s #%d", f.Issue.Action, f.Issue.Number)
				}
			}
			if adopted := got == fmt.Sprintf("adopt #%d", n); adopted != tc.adopt {
				t.Errorf("the spec's issue action is %q; adopted #%d: %v, want %v", got, n, adopted, tc.adopt)
			}
		})
	}
}
