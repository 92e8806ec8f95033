package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/flake-triage/flake-triage/internal/action"
)

// A pullRef is the pull request a run is about: its number (0 when none)
// and its base branch, whose run ledger window the run's verdicts read.
type pullRef struct {
	number int
	base   string
}

// prEvents are the events whose runs are about a pull request.
var prEvents = map[string]bool{"pull_request": true, "pull_request_target": true}

// pastPullRequest makes a --from-run of a pull request's run (the fork
// path: a workflow_run workflow triages the fork's run) a pull request
// run: with mode auto it annotates, files nothing and writes no record,
// whatever event started the triaging workflow.
func (t *run) pastPullRequest() {
	if t.past != nil && isPullRequest(t.past.Event) && t.o.Mode == "auto" {
		t.o.Mode = action.ModeAnnotate
	}
}

// pullRequest returns the pull request the run is about and its base
// branch: from the event payload of a pull_request or pull_request_target
// run, or, with --from-run, from the triaged run of such an event: the
// pull request GitHub lists for it, else the one the workflow_run event
// that started this run names, else (a fork's, which GitHub lists on
// neither) the open pull request of the run's head repository, branch and
// commit. 0 when the run is about none; a merge queue's run gives 0 and
// the queue's base branch. It looks once per run.
func (t *run) pullRequest(ctx context.Context) (number int, base string) {
	if t.pr == nil {
		n, b := t.findPullRequest(ctx)
		t.pr = &pullRef{number: n, base: b}
	}
	return t.pr.number, t.pr.base
}

func (t *run) findPullRequest(ctx context.Context) (number int, base string) {
	name, ev := t.env.Getenv("GITHUB_EVENT_NAME"), t.event
	if t.past != nil {
		if t.past.Event == "merge_group" {
			return 0, queueBase(t.past.HeadBranch)
		}
		if !prEvents[t.past.Event] {
			return 0, ""
		}
		if t.past.PullRequest != 0 {
			return t.past.PullRequest, t.past.BaseRef
		}
		if name == "workflow_run" && ev != nil && ev.Run != nil && ev.Run.ID == t.past.ID && ev.PRNumber != 0 {
			return ev.PRNumber, ev.BaseRef
		}
		if t.client == nil {
			return 0, ""
		}
		n, base, err := t.client.FindPullRequest(ctx, t.past.HeadRepo, t.past.HeadBranch, t.past.HeadSHA)
		if err != nil {
			t.res.Errors = append(t.res.Errors, fmt.Sprintf("find the pull request of run %d: %v", t.past.ID, err))
		}
		return n, base
	}
	if !prEvents[name] && name != "merge_group" || ev == nil {
		return 0, ""
	}
	// A merge group names its base as a full ref, and no one pull request.
	return ev.PRNumber, strings.TrimPrefix(ev.BaseRef, "refs/heads/")
}

// queueBase is the base branch of a merge queue's branch,
// gh-readonly-queue/BASE/pr-N-SHA; "" for another branch.
func queueBase(branch string) string {
	rest, ok := strings.CutPrefix(branch, "gh-readonly-queue/")
	if !ok {
		return ""
	}
	i := strings.LastIndex(rest, "/pr-")
	if i <= 0 {
		return ""
	}
	return rest[:i]
}
