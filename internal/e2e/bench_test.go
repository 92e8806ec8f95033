package e2e

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/flake-triage/flake-triage/internal/fakegithub"
	"github.com/flake-triage/flake-triage/internal/issue"
	"github.com/flake-triage/flake-triage/internal/triage"
)

// k8sTree is a generated Kubernetes-like checkout: dirs packages under
// pkg/, each with an OWNERS file (a third of them with an alias), a Go
// test file, and an OWNERS_ALIASES at the root.
func k8sTree(dirs int) map[string][]byte {
	files := map[string][]byte{
		"go.mod":         []byte("module k8s.io/kubernetes\n\ngo 1.26\n"),
		"OWNERS":         []byte("approvers: [sig-testing-leads]\nreviewers: [sig-testing-leads]\nlabels: [sig/testing]\n"),
		"OWNERS_ALIASES": nil,
	}
	var aliases bytes.Buffer
	aliases.WriteString("aliases:\n  sig-testing-leads: [lead-a, lead-b]\n")
	for i := 0; i < dirs/10; i++ {
		fmt.Fprintf(&aliases, "  area-%d-approvers: [area%d-a, area%d-b, area%d-c]\n", i, i, i, i)
	}
	files["OWNERS_ALIASES"] = aliases.Bytes()
	var test strings.Builder
	test.WriteString("package p\n\nimport \"testing\"\n\n")
	for j := 0; j < 40; j++ {
		fmt.Fprintf(&test, "func TestCase%d(t *testing.T) {\n\tt.Fatal(\"boom\")\n}\n\n", j)
	}
	for i := 0; i < dirs; i++ {
		d := fmt.Sprintf("pkg/area%d/comp%d", i/10, i)
		owners := fmt.Sprintf("approvers: [owner%d-a, owner%d-b]\nreviewers: [owner%d-r]\nlabels: [area/a%d]\n", i, i, i, i/10)
		if i%3 == 0 {
			owners = fmt.Sprintf("approvers: [area-%d-approvers]\nreviewers: [owner%d-r]\n", i/10, i)
		}
		files[d+"/OWNERS"] = []byte(owners)
		files[d+"/comp_test.go"] = []byte(test.String())
	}
	return files
}

// k8sReports returns reports junit_NN.xml with cases test cases in all,
// failing of them failing: case k is TestCase(k%40) of package k%dirs.
func k8sReports(n, cases, failing, dirs int) map[string][]byte {
	out := map[string][]byte{}
	per := cases / n
	for r := 0; r < n; r++ {
		var b bytes.Buffer
		b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n<testsuites>\n")
		cur := -1
		for k := r * per; k < (r+1)*per; k++ {
			pkg := (k / 40) % dirs
			if pkg != cur {
				if cur >= 0 {
					b.WriteString("</testsuite>\n")
				}
				fmt.Fprintf(&b, "<testsuite name=\"k8s.io/kubernetes/pkg/area%d/comp%d\">\n", pkg/10, pkg)
				cur = pkg
			}
			name := fmt.Sprintf("TestCase%d", k%40)
			cls := fmt.Sprintf("k8s.io/kubernetes/pkg/area%d/comp%d", pkg/10, pkg)
			if k%(cases/failing) == 0 {
				line := 6 + 4*(k%40)
				fmt.Fprintf(&b, "<testcase classname=%q name=%q time=\"0.1\"><failure message=\"Failed\">=== RUN   %s\n    comp_test.go:%d: boom after %d retries\n--- FAIL: %s (0.10s)\n</failure></testcase>\n", cls, name, name, line, k, name)
			} else {
				fmt.Fprintf(&b, "<testcase classname=%q name=%q time=\"0.01\"/>\n", cls, name)
			}
		}
		b.WriteString("</testsuite>\n</testsuites>\n")
		out[fmt.Sprintf("_artifacts/junit_%02d.xml", r)] = b.Bytes()
	}
	return out
}

// BenchmarkKubernetesScale plans (dry run) and applies (file mode) a run
// of 20 reports, 50,000 test cases and 200 failing tests over a checkout
// with 1,500 OWNERS files, against a fake tracker holding 300 open issues
// of the tool (150 of them for tests failing again) and 300 of people.
// It reports each process's wall time and peak RSS, and the API calls of
// the apply.
//
//	go test ./internal/e2e -run '^$' -bench KubernetesScale -benchtime 1x
func BenchmarkKubernetesScale(b *testing.B) {
	const dirs, reports, cases, failing = 1500, 20, 50000, 200
	files := k8sTree(dirs)
	for k, v := range k8sReports(reports, cases, failing, dirs) {
		files[k] = v
	}
	dir := b.TempDir()
	writeTree(b, dir, files)

	// The failing tests, from a dry run without a tracker.
	env := step(b, nil, dir, "push", 1)
	delete(env, "INPUT_TOKEN")
	env["INPUT_DRY-RUN"] = "true"
	env["INPUT_REPORTS"] = "_artifacts/*.xml"
	r := run(b, env)
	if r.Code != 0 || r.Result == nil || len(r.Result.Findings) != failing {
		b.Fatalf("dry run: exit %d, %d findings, want %d; stderr:\n%s", r.Code, len(findingsOf(r)), failing, tail(r.Stderr))
	}
	for _, f := range r.Result.Findings {
		if f.Location == nil || len(f.Owners.Approvers) == 0 {
			b.Fatalf("%s: location %v, approvers %v: the generated tree does not resolve", f.Test.Name, f.Location, f.Owners.Approvers)
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		gh := fakegithub.New(b, "acme", "capi-like", token)
		tracked := seedTracker(gh, r.Result.Findings[:failing*3/4], 300)
		b.StartTimer()

		env := step(b, gh, dir, "push", 1000+i)
		env["INPUT_REPORTS"] = "_artifacts/*.xml"
		env["INPUT_MAX-NEW-ISSUES"] = "100"
		env["INPUT_DRY-RUN"] = "true"
		plan := run(b, env)
		if plan.Code != 0 {
			b.Fatalf("plan: exit %d; stderr:\n%s", plan.Code, tail(plan.Stderr))
		}
		planCalls := len(gh.Requests())
		gh.ResetLog()

		env = step(b, gh, dir, "push", 1000+i)
		env["INPUT_REPORTS"] = "_artifacts/*.xml"
		env["INPUT_MAX-NEW-ISSUES"] = "100"
		apply := run(b, env)
		if apply.Code != 0 {
			b.Fatalf("apply: exit %d; stderr:\n%s", apply.Code, tail(apply.Stderr))
		}
		b.StopTimer()
		calls := len(gh.Requests())
		state := trackerState(b, gh)
		if len(state) != tracked+failing-failing*3/4 {
			b.Fatalf("%d tracked tests after the apply, want %d", len(state), tracked+failing-failing*3/4)
		}
		for id, s := range state {
			if s.Open != 1 {
				b.Fatalf("%s: %d open issues", id, s.Open)
			}
		}
		b.ReportMetric(plan.Wall.Seconds(), "plan-s")
		b.ReportMetric(float64(plan.MaxRSS>>20), "plan-peak-MB")
		b.ReportMetric(float64(planCalls), "plan-API-calls")
		b.ReportMetric(apply.Wall.Seconds(), "apply-s")
		b.ReportMetric(float64(apply.MaxRSS>>20), "apply-peak-MB")
		b.ReportMetric(float64(calls), "apply-API-calls")
		b.ReportMetric(float64(gh.Writes()), "apply-writes")
		b.StartTimer()
	}
}

func findingsOf(r Run) []triage.Finding {
	if r.Result == nil {
		return nil
	}
	return r.Result.Findings
}

// seedTracker files open issues of the tool for findings (as an earlier
// run would have) and for other tests, n in all, plus n issues of people,
// created a week ago; it returns n.
func seedTracker(gh *fakegithub.Server, findings []triage.Finding, n int) int {
	week := time.Now().Add(-7 * 24 * time.Hour)
	occ := issue.Occurrence{RunID: 1, Attempt: 1, Job: "e2e", Time: week, Kind: "failure", Signature: "s"}
	for i := 0; i < n; i++ {
		var f triage.Finding
		if i < len(findings) {
			f = findings[i]
		} else {
			f = triage.Finding{ID: fmt.Sprintf("other-%d", i), Kind: "failure", Test: triage.Test{Name: fmt.Sprintf("TestOther%d", i)}}
		}
		body := issue.Render(issue.DefaultHuman, issue.Content{Finding: f, State: issue.State{Kind: "failure"}.Add(occ)})
		gh.AddIssue(fakegithub.Issue{Title: "[Failing test] " + f.Test.Name, Body: body, Labels: []string{"kind/failing-test"}, CreatedAt: week.Add(time.Duration(i) * time.Minute)})
		gh.AddIssue(fakegithub.Issue{Title: fmt.Sprintf("a person's issue %d", i), Body: "text", User: "someone", CreatedAt: week.Add(time.Duration(i) * time.Minute)})
	}
	return n
}
