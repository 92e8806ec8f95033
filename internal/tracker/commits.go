package tracker

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/google/go-github/v57/github"

	"github.com/flake-triage/flake-triage/internal/owners"
)

// commitsPage is the most commits GitHub lists per call
// (https://docs.github.com/en/rest/commits/commits#list-commits).
const commitsPage = 100

// RecentCommits returns the commits that touched path (a file or a
// directory) since since, newest first, as evidence of who knows that
// code now. It reads one page of at most 100, the most recent: never the
// next, so that one path costs one call however long its history (a
// server that pages forever included). It wraps
// RepositoriesService.ListCommits with path, since and per_page.
func (c *Client) RecentCommits(ctx context.Context, path string, since time.Time) ([]owners.Commit, error) {
	opts := &github.CommitsListOptions{Path: path, Since: since, ListOptions: github.ListOptions{PerPage: commitsPage}}
	list, _, err := c.gh.Repositories.ListCommits(ctx, c.owner, c.repo, opts)
	if err != nil {
		if status(err) == http.StatusForbidden {
			return nil, fmt.Errorf("list commits of %s: the token may not read the repository's commits (403): give the workflow the `contents: read` permission: %w", path, err)
		}
		return nil, c.explain("list commits of "+path, err)
	}
	out := make([]owners.Commit, 0, len(list))
	for _, rc := range list {
		cm := owners.Commit{SHA: rc.GetSHA()}
		if d := rc.GetCommit().GetCommitter().GetDate(); !d.IsZero() {
			cm.Time = d.Time
		} else {
			cm.Time = rc.GetCommit().GetAuthor().GetDate().Time
		}
		// The top-level author is the GitHub account the commit's e-mail
		// belongs to: null when it belongs to none.
		if a := rc.GetAuthor(); a != nil {
			cm.Login = a.GetLogin()
			cm.Bot = a.GetType() == "Bot" || strings.HasSuffix(a.GetLogin(), "[bot]")
		}
		out = append(out, cm)
	}
	return out, nil
}
