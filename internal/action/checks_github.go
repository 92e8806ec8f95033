package action

import (
	"context"

	"github.com/google/go-github/v57/github"
)

// GitHubChecks is Checks on a go-github client; it is the only file of this
// package that imports go-github.
type GitHubChecks struct {
	Client *github.Client
}

// CreateCheckRun calls go-github ChecksService.CreateCheckRun.
func (g GitHubChecks) CreateCheckRun(ctx context.Context, owner, repo string, run CheckRun) (int64, error) {
	cr, _, err := g.Client.Checks.CreateCheckRun(ctx, owner, repo, github.CreateCheckRunOptions{
		Name:       run.Name,
		HeadSHA:    run.HeadSHA,
		Status:     github.String("completed"),
		Conclusion: github.String(run.Conclusion),
		Output:     checkOutput(run),
	})
	if err != nil {
		return 0, err
	}
	return cr.GetID(), nil
}

// UpdateCheckRun calls go-github ChecksService.UpdateCheckRun.
func (g GitHubChecks) UpdateCheckRun(ctx context.Context, owner, repo string, id int64, run CheckRun) error {
	_, _, err := g.Client.Checks.UpdateCheckRun(ctx, owner, repo, id, github.UpdateCheckRunOptions{
		Name:   run.Name,
		Output: checkOutput(run),
	})
	return err
}

func checkOutput(run CheckRun) *github.CheckRunOutput {
	out := &github.CheckRunOutput{Title: github.String(run.Title), Summary: github.String(run.Summary)}
	for _, an := range run.Annotations {
		level := "failure"
		if an.Level == "warning" {
			level = "warning"
		}
		out.Annotations = append(out.Annotations, &github.CheckRunAnnotation{
			Path:            github.String(an.Path),
			StartLine:       github.Int(an.Line),
			EndLine:         github.Int(an.Line),
			AnnotationLevel: github.String(level),
			Title:           github.String(an.Title),
			Message:         github.String(an.Message),
		})
	}
	return out
}
