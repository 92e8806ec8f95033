package action

import (
	"context"
	"fmt"
	"strings"

	"github.com/flake-triage/flake-triage/internal/triage"
)

// MaxCheckAnnotations is how many annotations one request of the Checks API
// takes: "The Checks API limits the number of annotations to a maximum of 50
// per API request. To create more than 50 annotations, you have to make
// multiple requests to the Update a check run endpoint. Each time you update
// the check run, annotations are appended"
// (https://docs.github.com/en/rest/checks/runs#update-a-check-run).
const MaxCheckAnnotations = 50

// maxCheckSummaryBytes is the limit of a check run's output summary (65535
// characters; https://docs.github.com/en/rest/checks/runs#create-a-check-run).
const maxCheckSummaryBytes = 65535

// CheckRunName is the default name of the check run PostCheckRun
// creates (the check-name setting).
const CheckRunName = "flake-triage"

// A CheckRun is what PostCheckRun sends in one request.
type CheckRun struct {
	Name, HeadSHA string
	// Conclusion is "success" or "neutral"; the run is always completed.
	Conclusion     string
	Title, Summary string
	Annotations    []Annotation
}

// Checks is the part of the Checks API that PostCheckRun calls.
type Checks interface {
	// CreateCheckRun creates a completed check run and returns its id
	// (go-github ChecksService.CreateCheckRun,
	// POST /repos/{owner}/{repo}/check-runs).
	CreateCheckRun(ctx context.Context, owner, repo string, run CheckRun) (int64, error)
	// UpdateCheckRun appends run's annotations to the check run id
	// (go-github ChecksService.UpdateCheckRun,
	// PATCH /repos/{owner}/{repo}/check-runs/{id}).
	UpdateCheckRun(ctx context.Context, owner, repo string, id int64, run CheckRun) error
}

// PostCheckRun creates the check run of --annotations checks, named
// checkName (CheckRunName when empty), on sha in repo ("owner/name"), carrying every finding with a location as an annotation,
// MaxCheckAnnotations per request, and summary (the job summary, cut to the
// check run's limit) as its output. Findings without a location cannot be
// annotated and are counted in unplaced; the summary lists them.
//
// The conclusion is neutral when anything failed: the test job already
// failed the commit, and the triage should not add a second red mark.
func PostCheckRun(ctx context.Context, c Checks, repo, sha, checkName string, findings []triage.Finding, summary string) (id int64, unplaced int, err error) {
	if checkName == "" {
		checkName = CheckRunName
	}
	owner, name, ok := strings.Cut(repo, "/")
	if !ok || owner == "" || name == "" {
		return 0, 0, fmt.Errorf("create check run: repository %q is not owner/name", repo)
	}
	var placed []Annotation
	for _, an := range Annotations(findings) {
		if an.Path == "" || an.Line < 1 {
			unplaced++
			continue
		}
		placed = append(placed, an)
	}
	run := CheckRun{Name: checkName, HeadSHA: sha, Conclusion: "success", Title: "No failing tests"}
	if len(findings) > 0 {
		run.Conclusion = "neutral"
		run.Title = fmt.Sprintf("%d failing or flaky %s", len(findings), plural(len(findings), "test", "tests"))
	}
	run.Summary = summary
	if len(run.Summary) > maxCheckSummaryBytes {
		const cut = "\n\n… cut to the check run's size limit; the job summary has it all.\n"
		run.Summary = truncateUTF8(run.Summary, maxCheckSummaryBytes-len(cut)) + cut
	}
	first := placed[:min(len(placed), MaxCheckAnnotations)]
	run.Annotations = first
	id, err = c.CreateCheckRun(ctx, owner, name, run)
	if err != nil {
		return 0, unplaced, fmt.Errorf("create check run on %s: %w", sha, err)
	}
	for start := len(first); start < len(placed); start += MaxCheckAnnotations {
		batch := placed[start:min(len(placed), start+MaxCheckAnnotations)]
		up := CheckRun{Name: run.Name, Title: run.Title, Summary: run.Summary, Annotations: batch}
		if err := c.UpdateCheckRun(ctx, owner, name, id, up); err != nil {
			return id, unplaced, fmt.Errorf("add annotations %d-%d to check run %d: %w", start+1, start+len(batch), id, err)
		}
	}
	return id, unplaced, nil
}
