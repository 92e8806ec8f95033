package tracker

import (
	"context"

	"github.com/google/go-github/v57/github"

	"github.com/flake-triage/flake-triage/internal/plan"
)

// Labelled returns the open issues that carry label, every page of one
// listing (⌈n/100⌉ calls): GET /repos/{owner}/{repo}/issues?labels=
// label&state=open. It wraps IssuesService.ListByRepo.
func (c *Client) Labelled(ctx context.Context, label string) ([]plan.Issue, error) {
	return c.list(ctx, &github.IssueListByRepoOptions{State: "open", Labels: []string{label}, Sort: "created", Direction: "asc"}, nil)
}
