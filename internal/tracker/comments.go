package tracker

import (
	"context"
	"fmt"
	"net/http"
	"strings"

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

// FindPullRequest returns the open pull request whose head is branch of
// headRepo ("owner/name", a fork's too) at commit sha, and its base
// branch; 0 when there is none. GitHub lists no pull request on a
// workflow run from a fork, so the fork path finds it this way: one call,
// PullRequestsService.List with head "owner:branch"
// (GET /repos/{owner}/{repo}/pulls?state=open&head=…).
func (c *Client) FindPullRequest(ctx context.Context, headRepo, branch, sha string) (number int, base string, err error) {
	owner, _, ok := strings.Cut(headRepo, "/")
	if !ok || owner == "" || branch == "" {
		return 0, "", nil
	}
	prs, _, err := c.gh.PullRequests.List(ctx, c.owner, c.repo, &github.PullRequestListOptions{State: "open", Head: owner + ":" + branch,
		ListOptions: github.ListOptions{PerPage: perPage}})
	if err != nil {
		return 0, "", c.explainPR("list pull requests", err)
	}
	for _, pr := range prs {
		if sha == "" || strings.EqualFold(pr.GetHead().GetSHA(), sha) {
			return pr.GetNumber(), pr.GetBase().GetRef(), nil
		}
	}
	return 0, "", nil
}
