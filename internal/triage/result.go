// Package triage turns the failing tests of a run into findings: where each
// failed, who owns that code and what the issue tracker should do about it.
// Its Result is the machine-readable contract documented in docs/json.md,
// with the JSON Schema docs/result.schema.json: fields may be added, never
// renamed.
package triage

import "github.com/flake-triage/flake-triage/internal/health"

// A Result is the JSON result of one triage run (--json).
type Result struct {
	Version  int       `json:"version"`
	Mode     string    `json:"mode"` // "file", "annotate" or "dry-run"
	Reports  Reports   `json:"reports"`
	Findings []Finding `json:"findings"`
	// Passed are the tracked tests that passed on every attempt of this
	// run: their issues record the pass, which ends a streak of failing
	// runs. Empty outside file mode and dry runs of it.
	Passed []Passed `json:"passed"`
	Errors []string `json:"errors"`
	// Prow is the Prow job run triaged, absent for other CI.
	Prow *Prow `json:"prow,omitempty"`
	// Quarantined are the tests people quarantined (the quarantine label
	// on their open issues), as `flake-triage quarantined` lists them;
	// empty when the issues were not read.
	Quarantined []Quarantined `json:"quarantined"`
}

// A Quarantined is a quarantined test: its issue and the test's identity
// as the issue's state block records it.
type Quarantined struct {
	Number int          `json:"number"`
	URL    string       `json:"url"`
	ID     string       `json:"id"`
	Test   TestIdentity `json:"test"`
}

// A TestIdentity names a test as its report did.
type TestIdentity struct {
	Name      string `json:"name"`
	Classname string `json:"classname"`
	Suite     string `json:"suite"`
}

// InfraTests are the tests folded into the run's infrastructure failures
// (findings of kind "infra"): the environment broke, not they, so a run
// ledger records their outcomes as skipped. Each Case's ID is the test's
// own id.
func (r Result) InfraTests() []Case {
	var out []Case
	for _, f := range r.Findings {
		if f.Kind == KindInfra {
			out = append(out, f.Test.Cases...)
		}
	}
	return out
}

// Passed is a tracked test that passed in this run, and what happens (or
// would happen) to its issue.
type Passed struct {
	ID    string `json:"id"`
	Issue Issue  `json:"issue"`
	// History is the test's statistics over its ledger window; nil
	// without a ledger.
	History *health.History `json:"history"`
}

// Reports summarises the report files read.
type Reports struct {
	Files  []ReportFile `json:"files"`
	Tests  int          `json:"tests"`
	Failed int          `json:"failed"`
	Flaky  int          `json:"flaky"`
	// Passed and Skipped count the tests that passed every attempt that
	// ran and those that never ran; with Failed and Flaky they add up to
	// Tests.
	Passed  int `json:"passed"`
	Skipped int `json:"skipped"`
}

// A ReportFile is one report file and what it held.
type ReportFile struct {
	Path   string `json:"path"`
	Tests  int    `json:"tests"`
	Failed int    `json:"failed"`
	Flaky  int    `json:"flaky"`
	Error  string `json:"error"`
}

// A Finding is one failing or flaky test with everything known about it.
type Finding struct {
	// ID identifies the test across runs: the same test gives the same ID.
	// A grouped test's ID is its top-level test's; an infrastructure
	// failure's is InfraID of its location and signature.
	ID           string       `json:"id"`
	Kind         string       `json:"kind"` // "failure", "flake" or "infra"
	Test         Test         `json:"test"`
	Location     *Location    `json:"location"`
	TestLocation *Location    `json:"test_location"`
	Related      []Location   `json:"related"`
	References   []Reference  `json:"references"`
	Message      string       `json:"message"`
	Signature    string       `json:"signature"`
	Owners       Owners       `json:"owners"`
	Assignees    []string     `json:"assignees"`
	Mentions     []string     `json:"mentions"`
	Labels       []string     `json:"labels"`
	Issue        Issue        `json:"issue"`
	Correlated   []Correlated `json:"correlated"`

	// Time is when the failure happened, when the report says (RFC 3339
	// with the report's sub-second precision, empty when unknown).
	Time string `json:"time,omitempty"`
	// Provenance says why each person is told of the failure: a recent
	// change, or the ownership file and line (docs/experts.md).
	Provenance []Provenance `json:"provenance,omitempty"`
	// Listed are the other people told of the failure, without an
	// @mention: those past max-mentions (see docs/experts.md).
	Listed []string `json:"listed"`
	// History is the test's statistics over its ledger window (the run's
	// branch, or a pull request's base branch); nil without a ledger.
	History *health.History `json:"history"`
	// Verdict is the judgement of the failure: new, flaky, broken,
	// failing-on-base, quarantined or unknown (see package health).
	Verdict string `json:"verdict,omitempty"`
}

// Test names a test as its report does.
type Test struct {
	Name      string `json:"name"`
	Classname string `json:"classname"`
	Suite     string `json:"suite"`
	Report    string `json:"report"`
	// Cases are the failing cases folded into this finding: the Go
	// subtests or pytest parameter sets of a top-level test (the
	// top-level test's own failure first, under its own name, when it
	// has one), or every test of an infrastructure failure. Empty for a
	// test with no cases.
	Cases []Case `json:"cases"`
}

// A Case is one failing test folded into a finding.
type Case struct {
	// Name is the case's full test name ("TestX/case", "test_x[param]").
	Name string `json:"name"`
	// Location is where the case failed, or where it is declared when
	// its failure names no line; nil when neither is known.
	Location *Location `json:"location"`
	// ID is the case's own test id (as a finding of it alone would
	// have): issues filed per case before grouping carry it, and a
	// ledger keys the case's outcome by it.
	ID        string `json:"id"`
	Classname string `json:"classname"`
	Suite     string `json:"suite"`
	Kind      string `json:"kind"`
}

// A Location is a repo-relative, '/'-separated file path and 1-based line.
type Location struct {
	Path string `json:"path"`
	Line int    `json:"line"`
}

// A Reference is in-repo code that the failing test's own function calls.
type Reference struct {
	Path   string `json:"path"`
	Symbol string `json:"symbol"`
}

// Owners are the owners of a finding's location.
type Owners struct {
	Approvers []string `json:"approvers"`
	Reviewers []string `json:"reviewers"`
	Labels    []string `json:"labels"`
	Files     []string `json:"files"`
	// Fallback is true when nobody owned the path and the maintainers or
	// the on-duty rotation were used instead.
	Fallback bool `json:"fallback"`
}

// A Provenance is why Login is told of a finding: the ownership file
// line that made them an owner, or the recent change they made to the
// failing code. A finding's provenance lists each person once, in rank
// order (assignees, mentions and listed people are taken from it).
type Provenance struct {
	Login string `json:"login"`
	// File is the ownership file, or for a recent change the changed path.
	File string `json:"file"`
	Line int    `json:"line,omitempty"`
	// Role is "recent-change", "approver", "reviewer", "codeowner",
	// "fallback" or "rotation".
	Role string `json:"role"`
	// Rank is 1 for a recent change, 2 for the area's own OWNERS experts,
	// 3 for the other owners, 4 for the owners of other code on the
	// failure's path; 0 for the rotation.
	Rank  int    `json:"rank,omitempty"`
	Alias string `json:"alias,omitempty"`
	// Commit and Date are a recent change's commit and when it landed.
	Commit string `json:"commit,omitempty"`
	Date   string `json:"date,omitempty"`
}

// Issue is what happens, or would happen in a dry run, to the finding's
// issue.
type Issue struct {
	// Action is "create", "update", "reopen", "adopt", "known", "storm"
	// or "none".
	Action string `json:"action"`
	Number int    `json:"number,omitempty"`
	URL    string `json:"url,omitempty"`
	// Reason explains the action in a sentence.
	Reason string `json:"reason,omitempty"`
	// Error says why the action failed when it was tried (an API write
	// GitHub refused); Action is then what was planned, not done.
	Error string `json:"error,omitempty"`
	// Candidates are the issues people filed that name this test: the one
	// adopted ("adopt"), or those the tool's issue links.
	Candidates []Candidate `json:"candidates,omitempty"`
}

// A Candidate is an issue people filed that names a finding's test, and
// where it names it.
type Candidate struct {
	Number int  `json:"number"`
	Closed bool `json:"closed,omitempty"`
	// Text is the name as the issue writes it.
	Text string `json:"text"`
	// Where is "title", "body" or the issue form's question.
	Where string `json:"where"`
	// Rule is the kind of name: "Go test name", "Ginkgo spec text", ….
	Rule string `json:"rule"`
}

// Correlated is a group of controller log errors logged around the failure.
type Correlated struct {
	Log        string    `json:"log"`
	Source     *Location `json:"source"`
	Candidates []string  `json:"candidates"`
	Count      int       `json:"count"`
	First      string    `json:"first"`
	Last       string    `json:"last"`
	Sample     string    `json:"sample"`
	Owners     Owners    `json:"owners"`
	// Ref is the source as the log printed it ("machine_controller.go",
	// a path outside the repository); empty when the lines named none.
	Ref string `json:"ref"`
	// Shared are the objects ("Machine ns/name", "namespace ns") that the
	// lines and the test's own output both name: the evidence that makes
	// the source's owners mentioned rather than only listed.
	Shared []string `json:"shared"`
	// InRun is true when the lines fall inside the test's own run.
	InRun bool `json:"in_run"`
}
