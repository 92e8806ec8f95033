package tracker

import (
	"context"
	"fmt"
	"net/http"

	"github.com/google/go-github/v57/github"

	"github.com/flake-triage/flake-triage/internal/prcomment"
)

// PullComments are the issue comments of the repository's pull requests,
// as package prcomment reads and writes them.
type PullComments struct{ c *Client }

// PullComments returns the client's pull request comments.
func (c *Client) PullComments() PullComments { return PullComments{c} }

// ListComments wraps IssuesService.ListComments, every page.
func (p PullComments) ListComments(ctx context.Context, pr int) ([]prcomment.Comment, error) {
	opts := &github.IssueListCommentsOptions{ListOptions: github.ListOptions{PerPage: perPage}}
	var out []prcomment.Comment
	for {
		page, resp, err := p.c.gh.Issues.ListComments(ctx, p.c.owner, p.c.repo, pr, opts)
		if err != nil {
			return nil, p.c.explainPR("list comments", err)
		}
		for _, c := range page {
			out = append(out, prcomment.Comment{ID: c.GetID(), Body: c.GetBody()})
		}
		if resp.NextPage == 0 {
			return out, nil
		}
		opts.Page = resp.NextPage
	}
}

// CreateComment wraps IssuesService.CreateComment.
func (p PullComments) CreateComment(ctx context.Context, pr int, body string) (prcomment.Comment, error) {
	c, _, err := p.c.gh.Issues.CreateComment(ctx, p.c.owner, p.c.repo, pr, &github.IssueComment{Body: github.String(body)})
	if err != nil {
		return prcomment.Comment{}, p.c.explainPR("create comment", err)
	}
	return prcomment.Comment{ID: c.GetID(), Body: c.GetBody()}, nil
}

// EditComment wraps IssuesService.EditComment.
func (p PullComments) EditComment(ctx context.Context, id int64, body string) error {
	if _, _, err := p.c.gh.Issues.EditComment(ctx, p.c.owner, p.c.repo, id, &github.IssueComment{Body: github.String(body)}); err != nil {
		return p.c.explainPR("edit comment", err)
	}
	return nil
}

// DeleteComment wraps IssuesService.DeleteComment; a comment already
// deleted (404, by a concurrent job) is not an error.
func (p PullComments) DeleteComment(ctx context.Context, id int64) error {
	if _, err := p.c.gh.Issues.DeleteComment(ctx, p.c.owner, p.c.repo, id); err != nil && status(err) != http.StatusNotFound {
		return p.c.explainPR("delete comment", err)
	}
	return nil
}

// ErrPRForbidden is wrapped by the errors of pull request comments that
// GitHub refused with 403: the workflow lacks pull-requests: write.
var ErrPRForbidden = fmt.Errorf("the token may not comment on pull requests (403): give the workflow the `pull-requests: write` permission")

// explainPR is explain for pull request comments, whose permission is
// pull-requests: write rather than issues: write.
func (c *Client) explainPR(op string, err error) error {
	if status(err) == http.StatusForbidden {
		return fmt.Errorf("%s: %w (%v)", op, ErrPRForbidden, err)
	}
	return c.explain(op, err)
}
