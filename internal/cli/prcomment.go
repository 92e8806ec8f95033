package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/flake-triage/flake-triage/internal/prcomment"
	"github.com/flake-triage/flake-triage/internal/tracker"
)

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
