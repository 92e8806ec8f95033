package action

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/sethvargo/go-githubactions"

	"github.com/flake-triage/flake-triage/internal/triage"
)

// OutputValues returns the step outputs of a run: the counts of tests
// (total, passed, skipped, failed and flaky), the issues it touched (see
// issuesJSON), the issues created and updated (reopened ones count as updated;
// nothing counts outside --mode file, since nothing was written, nor does
// an action GitHub refused), and the
// path of the JSON result.
func OutputValues(r triage.Result, resultPath string) map[string]string {
	var created, updated int
	if r.Mode == ModeFile {
		for _, f := range r.Findings {
			if f.Issue.Error != "" {
				continue
			}
			switch f.Issue.Action {
			case "create":
				created++
			case "update", "reopen", "adopt":
				updated++
			}
		}
		for _, p := range r.Passed {
			if p.Issue.Error == "" && p.Issue.Action == "update" {
				updated++
			}
		}
	}
	return map[string]string{
		"total":          strconv.Itoa(r.Reports.Tests),
		"passed":         strconv.Itoa(r.Reports.Passed),
		"skipped":        strconv.Itoa(r.Reports.Skipped),
		"issues":         issuesJSON(r),
		"failed":         strconv.Itoa(r.Reports.Failed),
		"flaky":          strconv.Itoa(r.Reports.Flaky),
		"issues-created": strconv.Itoa(created),
		"issues-updated": strconv.Itoa(updated),
		"result-json":    resultPath,
		"new-failures":   strconv.Itoa(triage.NewFailures(r.Findings)),
		"quarantined":    quarantinedJSON(r.Quarantined),
	}
}

// quarantinedJSON is the quarantined output: the result's quarantined
// list as compact JSON ([] when none).
func quarantinedJSON(q []triage.Quarantined) string {
	if q == nil {
		q = []triage.Quarantined{}
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(q) // a list of strings and numbers always encodes
	return strings.TrimSpace(b.String())
}

// outputNames are the outputs of action.yml, in the order they are written.
var outputNames = []string{"failed", "flaky", "issues-created", "issues-updated", "result-json", "total", "passed", "skipped", "issues", "new-failures", "quarantined"}

// An OutputIssue is one entry of the issues output.
type OutputIssue struct {
	Number int    `json:"number"`
	URL    string `json:"url"`
	Action string `json:"action"`
}

// issuesJSON is the issues output: a JSON list of the issues the run
// filed, updated, reopened or found (known flakes, the storm issue, the
// issues of tracked tests that passed), each once, in the order the
// result names them. Actions that failed and issues not created yet (a
// dry run) have no number and are left out.
func issuesJSON(r triage.Result) string {
	out := []OutputIssue{}
	seen := map[int]bool{}
	add := func(is triage.Issue) {
		if is.Number <= 0 || is.Error != "" || seen[is.Number] {
			return
		}
		seen[is.Number] = true
		out = append(out, OutputIssue{Number: is.Number, URL: is.URL, Action: is.Action})
	}
	for _, f := range r.Findings {
		add(f.Issue)
	}
	for _, p := range r.Passed {
		add(p.Issue)
	}
	b, err := json.Marshal(out)
	if err != nil {
		return "[]"
	}
	return string(b)
}

// Outputs sets the step outputs failed, flaky, issues-created,
// issues-updated and result-json (see OutputValues) in the file at
// GITHUB_OUTPUT. It returns an error, instead of go-githubactions' panic,
// when that file is not set or cannot be written, and refuses a result path
// holding a line break, which could forge other outputs.
func Outputs(a *githubactions.Action, r triage.Result, resultPath string) (err error) {
	if a.Getenv("GITHUB_OUTPUT") == "" {
		return fmt.Errorf("set step outputs: GITHUB_OUTPUT is not set")
	}
	if strings.ContainsAny(resultPath, "\r\n") {
		return fmt.Errorf("set step output result-json: path %q holds a line break", resultPath)
	}
	defer recoverWrite(&err, "set step outputs")
	vals := OutputValues(r, resultPath)
	for _, k := range outputNames {
		a.SetOutput(k, vals[k])
	}
	return nil
}

// WriteSummary appends markdown to the job summary, the file at
// GITHUB_STEP_SUMMARY. It returns an error, instead of go-githubactions'
// panic, when that file is not set or cannot be written.
func WriteSummary(a *githubactions.Action, markdown string) (err error) {
	if a.Getenv("GITHUB_STEP_SUMMARY") == "" {
		return fmt.Errorf("write job summary: GITHUB_STEP_SUMMARY is not set")
	}
	defer recoverWrite(&err, "write job summary")
	a.AddStepSummary(markdown)
	return nil
}

// recoverWrite turns the panic go-githubactions raises when a command file
// cannot be written into an error.
func recoverWrite(err *error, op string) {
	if p := recover(); p != nil {
		if e, ok := p.(error); ok {
			*err = fmt.Errorf("%s: %w", op, e)
			return
		}
		*err = fmt.Errorf("%s: %v", op, p)
	}
}
