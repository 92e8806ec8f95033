package artifact

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// A Run is the workflow run whose reports are fetched: what the issue
// history records of it.
type Run struct {
	ID         int64
	Attempt    int
	HeadSHA    string
	HeadBranch string
	Event      string
	URL        string
	// Workflow is the workflow's name; Started when the run attempt started.
	Workflow string
	Started  time.Time
	// PullRequest is the first pull request the run is about (0 when
	// none, or for a fork's, which GitHub does not list), and BaseRef its
	// base branch.
	PullRequest int
	BaseRef     string
	// HeadRepo is the repository the head commit came from
	// ("owner/name"): a fork's for a pull request from a fork.
	HeadRepo string
}

// An Artifact is one artifact of a run, as the REST API lists it.
type Artifact struct {
	ID      int64
	Name    string
	Size    int64
	Expired bool
}

// Source is the part of the GitHub REST API that Fetch calls.
type Source interface {
	// WorkflowRun returns the run id (go-github
	// ActionsService.GetWorkflowRunByID,
	// GET /repos/{owner}/{repo}/actions/runs/{run_id}).
	WorkflowRun(ctx context.Context, owner, repo string, id int64) (Run, error)
	// Artifacts lists every artifact of the run (go-github
	// ActionsService.ListWorkflowRunArtifacts, all pages,
	// GET /repos/{owner}/{repo}/actions/runs/{run_id}/artifacts).
	Artifacts(ctx context.Context, owner, repo string, runID int64) ([]Artifact, error)
	// Download returns the zip archive of an artifact: the API answers 302
	// with a short-lived URL, which is fetched without the token (go-github
	// ActionsService.DownloadArtifact,
	// GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}/zip).
	Download(ctx context.Context, owner, repo string, artifactID int64) (io.ReadCloser, error)
}

// Fetched is what Fetch brought in.
type Fetched struct {
	Run Run
	// Reports are the extracted reports, slash-separated paths relative to
	// the destination directory: <artifact name>/<path in the archive>.
	Reports []string
	// Problems say, in a sentence each, what was skipped or refused: expired
	// artifacts, failed downloads, hostile entries, exceeded limits.
	Problems []string
}

// Fetch downloads the artifacts of workflow run runID of repo
// ("owner/name") and extracts their reports into dir, an existing empty
// directory (a temporary one: nothing outside it is written).
//
// It fails when the run or its artifact list cannot be read. A single
// artifact that cannot be downloaded or read, or is refused for a limit, is
// a problem noted in Fetched, and Fetch goes on with the others, within
// lim.MaxTotalBytes for them all.
func Fetch(ctx context.Context, src Source, repo string, runID int64, dir string, lim Limits) (Fetched, error) {
	var out Fetched
	owner, name, ok := strings.Cut(repo, "/")
	if !ok || owner == "" || name == "" {
		return out, fmt.Errorf("fetch run %d: repository %q is not owner/name", runID, repo)
	}
	run, err := src.WorkflowRun(ctx, owner, name, runID)
	if err != nil {
		return out, fmt.Errorf("get workflow run %d of %s: %w", runID, repo, err)
	}
	out.Run = run
	arts, err := src.Artifacts(ctx, owner, name, runID)
	if err != nil {
		return out, fmt.Errorf("list artifacts of run %d of %s: %w", runID, repo, err)
	}
	if len(arts) > lim.MaxArtifacts {
		out.Problems = append(out.Problems, fmt.Sprintf("run %d has %d artifacts; only the first %d were read", runID, len(arts), lim.MaxArtifacts))
		arts = arts[:lim.MaxArtifacts]
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return out, fmt.Errorf("open destination: %w", err)
	}
	defer root.Close()
	tmp, err := os.MkdirTemp("", "flake-triage-artifact-")
	if err != nil {
		return out, fmt.Errorf("create download folder: %w", err)
	}
	defer os.RemoveAll(tmp)

	budget := &Budget{Left: lim.MaxTotalBytes}
	used := map[string]bool{}
	for _, a := range arts {
		if a.Expired {
			out.Problems = append(out.Problems, fmt.Sprintf("artifact %s (%d) has expired", quoteName(a.Name), a.ID))
			continue
		}
		if a.Size > lim.MaxArchiveBytes {
			out.Problems = append(out.Problems, fmt.Sprintf("artifact %s (%d) is %d bytes, more than the %d allowed", quoteName(a.Name), a.ID, a.Size, lim.MaxArchiveBytes))
			continue
		}
		sub := folderName(a, used)
		reports, refused, err := fetchOne(ctx, src, owner, name, a, tmp, root, sub, lim, budget)
		out.Reports = append(out.Reports, reports...)
		for _, r := range refused {
			out.Problems = append(out.Problems, fmt.Sprintf("artifact %s: refused entry %s", quoteName(a.Name), r))
		}
		if err != nil {
			out.Problems = append(out.Problems, fmt.Sprintf("artifact %s (%d): %v", quoteName(a.Name), a.ID, err))
			if errors.Is(err, ErrLimit) && budget.Left == 0 {
				out.Problems = append(out.Problems, "stopped: the run's artifacts hold more report bytes than the limit")
				break
			}
		}
	}
	return out, nil
}

// fetchOne downloads artifact a to a file in tmp, bounded by
// lim.MaxArchiveBytes, and extracts it under sub in root.
func fetchOne(ctx context.Context, src Source, owner, repo string, a Artifact, tmp string, root *os.Root, sub string, lim Limits, budget *Budget) ([]string, []string, error) {
	body, err := src.Download(ctx, owner, repo, a.ID)
	if err != nil {
		return nil, nil, fmt.Errorf("download: %w", err)
	}
	defer body.Close()
	f, err := os.CreateTemp(tmp, "artifact-*.zip")
	if err != nil {
		return nil, nil, fmt.Errorf("download: %w", err)
	}
	defer f.Close()
	n, err := io.Copy(f, io.LimitReader(body, lim.MaxArchiveBytes+1))
	if err != nil {
		return nil, nil, fmt.Errorf("download: %w", err)
	}
	if n > lim.MaxArchiveBytes {
		return nil, nil, fmt.Errorf("download: archive larger than %d bytes: %w", lim.MaxArchiveBytes, ErrLimit)
	}
	return Extract(f, n, root, sub, lim, budget)
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// folderName is the folder an artifact's reports go to: its name made safe
// as one path element, unique among the run's artifacts.
func folderName(a Artifact, used map[string]bool) string {
	s := strings.Trim(unsafeName.ReplaceAllString(a.Name, "_"), ".")
	if s == "" {
		s = "artifact"
	}
	if used[s] {
		s += "-" + strconv.FormatInt(a.ID, 10)
	}
	used[s] = true
	return s
}
