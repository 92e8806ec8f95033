package tracker_test

import (
	"encoding/json"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/flake-triage/flake-triage/internal/triage"
)

// sampleFindings builds findings from the capi-like sample's ground truth
// (testdata/capi-like.txtar at the repository root, a copy of the shared
// sample): 19 failing or flaky tests of seven JUnit dialects with their
// real names, locations and OWNERS approvers and reviewers.
func sampleFindings(t *testing.T) []triage.Finding {
	t.Helper()
	a, err := txtar.ParseFile("../../testdata/capi-like.txtar")
	if err != nil {
		t.Fatal(err)
	}
	var exp struct {
		Tests []struct {
			Report, Name, Classname, Kind string
			Location                      *triage.Location
			Approvers                     []string `json:"owners_approvers"`
			Reviewers                     []string `json:"owners_reviewers"`
		}
	}
	for _, f := range a.Files {
		if f.Name == "EXPECTED.json" {
			if err := json.Unmarshal(f.Data, &exp); err != nil {
				t.Fatal(err)
			}
		}
	}
	if len(exp.Tests) == 0 {
		t.Fatal("no tests in the sample's EXPECTED.json")
	}
	var fs []triage.Finding
	for _, x := range exp.Tests {
		fs = append(fs, triage.Finding{
			ID: x.Report + "/" + x.Classname + "/" + x.Name, Kind: x.Kind,
			Test:      triage.Test{Name: x.Name, Classname: x.Classname, Report: x.Report},
			Location:  x.Location,
			Message:   "failed in " + x.Report,
			Signature: "sig-" + x.Kind,
			Owners:    triage.Owners{Approvers: x.Approvers, Reviewers: x.Reviewers, Files: []string{"OWNERS"}},
			Assignees: x.Approvers,
			Labels:    []string{map[string]string{"failure": "kind/failing-test", "flake": "kind/flake"}[x.Kind]},
		})
	}
	return fs
}

func TestSampleRunIsAStorm(t *testing.T) {
	e := newEnv(t)
	e.pol.Fallback = []string{"alice-admin"}
	e.fake.SetAssignable("alice-admin")
	fs := sampleFindings(t)
	_, o := e.triageRun(e.client(), fs, run(300, "e2e", e.clock.now()))
	all := e.fake.Issues()
	if len(all) != 1 || len(o.Results) != 1 || o.Results[0].Kind != "storm" || len(o.Results[0].FindingIDs) != len(fs) {
		t.Fatalf("%d issues, results %+v", len(all), o.Results)
	}
	for _, f := range fs {
		if !strings.Contains(all[0].Body, f.Test.Name) {
			t.Errorf("storm issue does not list %q", f.Test.Name)
		}
	}
	o.Fill(fs, planFor(t, e, fs))
	if fs[0].Issue.Action != "storm" || fs[0].Issue.Number != 1 {
		t.Errorf("finding issue %+v", fs[0].Issue)
	}
}

func TestSampleRunFilesOneIssuePerTest(t *testing.T) {
	e := newEnv(t)
	e.pol.MaxNewIssues = 50
	e.fake.SetAssignable("alice-admin", "bob-maint", "grace-test")
	fs := sampleFindings(t)
	e.triageRun(e.client(), fs, run(300, "e2e", e.clock.now()))
	all := e.fake.Issues()
	if len(all) != len(fs) {
		t.Fatalf("%d issues for %d tests", len(all), len(fs))
	}
	for i, is := range all {
		if len(is.Assignees) > e.pol.MaxAssignees || len(is.Title) > 256 || !strings.Contains(is.Title, fs[i].Test.Name[:10]) {
			t.Errorf("#%d: %q assigned %v", is.Number, is.Title, is.Assignees)
		}
	}
	e.fake.ResetLog()
	e.triageRun(e.client(), fs, run(300, "e2e", e.clock.now()))
	if w, l := e.fake.Writes(), e.fake.Count("GET", "/issues"); w != 0 || l != 2 {
		t.Errorf("same run again: %d writes, %d list calls; want 0 and 2", w, l)
	}
}
