package artifact

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/google/go-github/v57/github"
)

// GitHub is a Source on a go-github client; it is the only file of this
// package that imports go-github.
type GitHub struct {
	// Client calls the REST API with the token.
	Client *github.Client
	// HTTP fetches the archive from the URL the API redirects to. It must
	// not add the token: the URL is pre-signed for another host. Nil means
	// http.DefaultClient.
	HTTP *http.Client
}

// WorkflowRun calls go-github ActionsService.GetWorkflowRunByID.
func (g GitHub) WorkflowRun(ctx context.Context, owner, repo string, id int64) (Run, error) {
	r, _, err := g.Client.Actions.GetWorkflowRunByID(ctx, owner, repo, id)
	if err != nil {
		return Run{}, err
	}
	run := Run{
		ID: r.GetID(), Attempt: r.GetRunAttempt(), HeadSHA: r.GetHeadSHA(), HeadBranch: r.GetHeadBranch(),
		Event: r.GetEvent(), URL: r.GetHTMLURL(), HeadRepo: r.GetHeadRepository().GetFullName(),
		Workflow: r.GetName(), Started: r.GetRunStartedAt().Time,
	}
	if len(r.PullRequests) > 0 {
		run.PullRequest = r.PullRequests[0].GetNumber()
		run.BaseRef = r.PullRequests[0].GetBase().GetRef()
	}
	return run, nil
}

// Artifacts calls go-github ActionsService.ListWorkflowRunArtifacts for
// every page.
func (g GitHub) Artifacts(ctx context.Context, owner, repo string, runID int64) ([]Artifact, error) {
	var out []Artifact
	opts := &github.ListOptions{PerPage: 100}
	for {
		list, resp, err := g.Client.Actions.ListWorkflowRunArtifacts(ctx, owner, repo, runID, opts)
		if err != nil {
			return nil, err
		}
		for _, a := range list.Artifacts {
			out = append(out, Artifact{ID: a.GetID(), Name: a.GetName(), Size: a.GetSizeInBytes(), Expired: a.GetExpired()})
		}
		if resp.NextPage == 0 {
			return out, nil
		}
		opts.Page = resp.NextPage
	}
}

// Download calls go-github ActionsService.DownloadArtifact, which answers
// the API's 302 with the archive's URL, then fetches that URL with g.HTTP.
func (g GitHub) Download(ctx context.Context, owner, repo string, artifactID int64) (io.ReadCloser, error) {
	u, _, err := g.Client.Actions.DownloadArtifact(ctx, owner, repo, artifactID, 1)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	hc := g.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		// The URL is pre-signed: a short-lived secret kept out of messages.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("archive: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return nil, fmt.Errorf("archive: %s", resp.Status)
	}
	return resp.Body, nil
}
