package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/flake-triage/flake-triage/internal/prcomment"
	"github.com/flake-triage/flake-triage/internal/tracker"
)

// prEvents are the events whose runs are about a pull request.
var prEvents = map[string]bool{"pull_request": true, "pull_request_target": true}

// pullRequest returns the pull request the run is about and its base
// branch: from the event payload of a pull_request or pull_request_target
// run, or, with --from-run, from the triaged run of such an event: the
// pull request GitHub lists for it, else the one the workflow_run event
// that started this run names, else (a fork's, which GitHub lists on
// neither) the open pull request of the run's head repository, branch and
// commit. 0 when the run is about none.
func (t *run) pullRequest(ctx context.Context) (number int, base string) {
	name, path := t.env.Getenv("GITHUB_EVENT_NAME"), t.env.Getenv("GITHUB_EVENT_PATH")
	if t.past != nil {
		if !prEvents[t.past.Event] {
			return 0, ""
		}
		if t.past.PullRequest != 0 {
			return t.past.PullRequest, t.past.BaseRef
		}
		if name == "workflow_run" && path != "" {
			if ev, err := readEvent(name, path); err == nil && ev.Run != nil && ev.Run.ID == t.past.ID && ev.PRNumber != 0 {
				return ev.PRNumber, ev.BaseRef
			}
		}
		if t.client == nil {
			return 0, ""
		}
		n, base, err := t.client.FindPullRequest(ctx, t.past.HeadRepo, t.past.HeadBranch, t.past.HeadSHA)
		if err != nil {
			t.res.Errors = append(t.res.Errors, fmt.Sprintf("pr-comment: find the pull request of run %d: %v", t.past.ID, err))
		}
		return n, base
	}
	if !prEvents[name] || path == "" {
		return 0, ""
	}
	ev, err := readEvent(name, path)
	if err != nil {
		return 0, ""
	}
	return ev.PRNumber, ev.BaseRef
}

// prComment keeps the job's section of the tool's comment on the pull
// request (pr-comment): each failure with its verdict, rate, issue and
// owners. A dry run writes nothing. A token without pull-requests: write
// gets a warning, and the run goes on.
func (t *run) prComment(ctx context.Context) error {
	if !t.cfg.PRComment || t.res.Mode == "dry-run" {
		return nil
	}
	pr, base := t.pullRequest(ctx)
	if pr == 0 {
		return nil
	}
	if t.client == nil {
		t.res.Errors = append(t.res.Errors, "pr-comment: needs a token with pull-requests: write and the repository")
		return nil
	}
	// The run ledger's stage shows the job key's values next to the job
	// in the issues; the comment's section names the job and key apart.
	name := strings.TrimSpace(strings.TrimSuffix(t.info.Job, jobKeyLabel(t.cfg.JobKey)))
	job := prcomment.Job{Name: name, Key: t.cfg.JobKey, RunURL: t.info.URL, Base: base}
	sec := prcomment.Section{Key: prcomment.Key(job.Name, job.Key), Text: prcomment.SectionText(job, t.res.Findings)}
	if _, err := prcomment.Post(ctx, t.client.PullComments(), pr, sec, len(t.res.Findings) > 0); err != nil {
		msg := fmt.Sprintf("pr-comment on #%d: %v", pr, err)
		if errors.Is(err, tracker.ErrPRForbidden) {
			msg = fmt.Sprintf("pr-comment on #%d: the token may not comment on pull requests: give the workflow the `pull-requests: write` permission (%v)", pr, err)
			if t.gha != nil {
				t.gha.gha.Warningf("%s", msg)
			}
		}
		t.res.Errors = append(t.res.Errors, msg)
	}
	return nil
}
