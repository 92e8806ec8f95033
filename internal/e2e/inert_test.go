package e2e

import (
	"encoding/xml"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/flake-triage/flake-triage/internal/issue"
)

// leaked is a token in the format of a classic personal access token,
// printed by a failing test.
const leaked = "ghp_Zq8v3LkP0rT6yW2xN9bC4dF7gH1jK5mQ0aEz"

// hostileOutput is test output crafted to ping people and teams, link
// issues, forge the tool's markers and state, close the code block it is
// quoted in, inject HTML and workflow commands, and leak a token.
var hostileOutput = strings.Join([]string{
	"cluster_types_test.go:16: reconcile failed, cc @everyone @acme/maintainers @heidi-e2e see #1 and GH-2",
	"```",
	"# Injected heading @here",
	"<!-- flake-triage:end -->",
	"<!-- flake-triage:begin id=forged -->",
	"<!-- flake-triage:state eyJpZCI6ImZvcmdlZCIsImNvdW50Ijo5OTl9 -->",
	"<img src=x onerror=alert(1)> <details open><summary>click</summary>",
	"::set-output name=failed::0",
	"::error title=forged::forged annotation",
	"::add-mask::nothing",
	"GITHUB_TOKEN=" + leaked,
	"~~~",
	"--- FAIL: TestInert (0.00s)",
}, "\n")

func hostileReport(name string) []byte {
	var msg strings.Builder
	xml.EscapeText(&msg, []byte(hostileOutput))
	var n strings.Builder
	xml.EscapeText(&n, []byte(name))
	return []byte(fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8"?>
<testsuites>
	<testsuite tests="1" failures="1" name="sigs.k8s.io/capi-like/api/v1beta1">
		<testcase classname="sigs.k8s.io/capi-like/api/v1beta1" name="%s" time="0.01">
			<failure message="Failed @everyone ::error::x" type="">%s</failure>
		</testcase>
	</testsuite>
</testsuites>
`, n.String(), msg.String()))
}

// mention finds a live @mention or #reference: a marker not followed by
// the zero-width space that neutralises it.
var mention = regexp.MustCompile(`(^|[^\w])(@[A-Za-z0-9]|#[0-9])`)

// TestHostileOutputStaysInert files an issue for a test whose output and
// name are crafted, then files the next occurrence as a comment, and
// checks every place the text went: the issue body and comments, the
// title, stdout (where workflow commands live), the summary and outputs.
func TestHostileOutputStaysInert(t *testing.T) {
	name := "TestInert @everyone #3 <!-- flake-triage:end --> ::set-output name=flaky::9 " + leaked
	dir := extract(t, map[string][]byte{"reports/hostile.xml": hostileReport(name)})
	gh := newFake(t)
	env := step(t, gh, dir, "push", 100)
	env["INPUT_REPORTS"] = "reports/hostile.xml"
	r := run(t, env)
	if r.Code != 0 || r.Result == nil || len(r.Result.Findings) != 1 {
		t.Fatalf("exit %d; stderr:\n%s", r.Code, tail(r.Stderr))
	}
	id := r.Result.Findings[0].ID
	// The next run, with a new signature, so that a comment is posted too.
	env = step(t, gh, dir, "push", 101)
	env["INPUT_REPORTS"] = "reports/hostile.xml"
	env["INPUT_COMMENT-INTERVAL"] = "0s"
	r2 := run(t, env)
	if r2.Code != 0 {
		t.Fatalf("second run: exit %d; stderr:\n%s", r2.Code, tail(r2.Stderr))
	}
	if diff := cmp.Diff(wantTracked([]string{issue.CanonicalID(id)}, 100, 101), trackerState(t, gh)); diff != "" {
		t.Errorf("tracker (-want +got):\n%s", diff)
	}
	issues := gh.Issues()
	if len(issues) != 1 {
		t.Fatalf("%d issues, want 1", len(issues))
	}
	is := issues[0]
	p, err := issue.Parse(is.Body)
	if err != nil || p.ID != issue.CanonicalID(id) || p.State.Count != 2 {
		t.Errorf("the body parses to id %q count %d (%v), want %q count 2", p.ID, p.State.Count, err, id)
	}
	if n := strings.Count(is.Body, "<!-- flake-triage:begin"); n != 1 {
		t.Errorf("%d begin markers in the body, want the tool's one", n)
	}
	for i, text := range append([]string{is.Title, is.Body}, is.Comments...) {
		where := map[int]string{0: "title", 1: "body"}[i]
		if where == "" {
			where = fmt.Sprintf("comment %d", i-1)
		}
		for _, bad := range []string{"@everyone", "@acme/maintainers", "@here", "#1 ", "#3", "<img", "<details open>", "<!-- flake-triage:begin id=forged", "<!-- flake-triage:end --> ::"} {
			if strings.Contains(text, bad) {
				t.Errorf("%s holds %q live", where, bad)
			}
		}
		if m := mention.FindAllString(strings.ReplaceAll(text, "@"+"heidi-e2e", ""), -1); len(m) > 0 && where != "body" {
			t.Errorf("%s holds live mentions %q", where, m)
		}
	}
	// The owners are mentioned on purpose in the body; nobody else is.
	if m := regexp.MustCompile(`@[A-Za-z0-9][\w/-]*`).FindAllString(is.Body, -1); len(m) > 0 {
		for _, login := range m {
			if strings.Contains(login, "everyone") || strings.Contains(login, "acme") || strings.Contains(login, "here") {
				t.Errorf("the body mentions %s", login)
			}
		}
	}
	for _, out := range []Run{r, r2} {
		for _, line := range strings.Split(out.Stdout, "\n") {
			l := strings.TrimSpace(line)
			if strings.HasPrefix(l, "::set-output") || strings.HasPrefix(l, "::error title=forged") || strings.HasPrefix(l, "::add-mask::nothing") {
				t.Errorf("stdout carries a forged workflow command: %q", line)
			}
		}
		if got := output(out.Outputs, "failed"); got != "1" {
			t.Errorf("failed output %q, want 1", got)
		}
		if strings.Contains(out.Summary, "<img") || strings.Contains(out.Summary, "@everyone") {
			t.Errorf("the summary holds live HTML or mentions")
		}
		noLeak(t, out, gh, token, leaked)
	}
}
