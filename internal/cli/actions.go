package cli

import (
	"fmt"
	"io"

	"github.com/sethvargo/go-githubactions"

	"github.com/flake-triage/flake-triage/internal/action"
	"github.com/flake-triage/flake-triage/internal/triage"
)

// actionsEnv is the GitHub Actions side of a run: present only when
// GITHUB_ACTIONS is "true".
type actionsEnv struct {
	gha *githubactions.Action
	env Env
}

// newActions returns the Actions environment of the run, or nil outside
// Actions. Workflow commands go to w: stdout, unless stdout carries the
// JSON result.
func newActions(env Env, w io.Writer) *actionsEnv {
	if env.Getenv("GITHUB_ACTIONS") != "true" {
		return nil
	}
	return &actionsEnv{
		gha: githubactions.New(githubactions.WithGetenv(env.Getenv), githubactions.WithWriter(w)),
		env: env,
	}
}

// present annotates the failing lines, writes the job summary and sets the
// step outputs. Failures to write them are returned for the result's
// errors; they never stop the run.
func (a *actionsEnv) present(res triage.Result, o Options, run action.SummaryRun) []string {
	var problems []string
	omitted := 0
	switch o.Annotations {
	case "commands":
		omitted = action.AnnotateResult(a.gha, res)
	case "checks":
		// The check run is created by the tracker side; see runTriage.
	}
	if err := action.WriteSummary(a.gha, action.Summary(res, run, omitted)); err != nil {
		problems = append(problems, fmt.Sprintf("job summary: %v", err))
	}
	if err := action.Outputs(a.gha, res, resultPath(o)); err != nil {
		problems = append(problems, fmt.Sprintf("step outputs: %v", err))
	}
	return problems
}

// resultPath is the JSON result's path for the result-json output: empty
// when the result went to stdout or nowhere.
func resultPath(o Options) string {
	if o.JSON == "-" {
		return ""
	}
	return o.JSON
}
