package tracker

import (
	"context"
	"fmt"

	"github.com/google/go-github/v57/github"
)

// Body returns an issue's body and state ("open" or "closed"). It wraps
// IssuesService.Get.
func (c *Client) Body(ctx context.Context, number int) (body, state string, err error) {
	is, _, err := c.gh.Issues.Get(ctx, c.owner, c.repo, number)
	if err != nil {
		return "", "", fmt.Errorf("read issue #%d: %w", number, c.explain("get issue", err))
	}
	return is.GetBody(), is.GetState(), nil
}

// SetBody replaces an issue's body. It wraps IssuesService.Edit.
func (c *Client) SetBody(ctx context.Context, number int, body string) error {
	if _, _, err := c.gh.Issues.Edit(ctx, c.owner, c.repo, number, &github.IssueRequest{Body: github.String(body)}); err != nil {
		return fmt.Errorf("edit issue #%d: %w", number, c.explain("edit issue", err))
	}
	return nil
}
