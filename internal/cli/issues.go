package cli

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/flake-triage/flake-triage/internal/config"
	"github.com/flake-triage/flake-triage/internal/owners"
	"github.com/flake-triage/flake-triage/internal/plan"
	"github.com/flake-triage/flake-triage/internal/tracker"
	"github.com/flake-triage/flake-triage/internal/triage"
)

// policy is the planner's view of the repo config.
func policy(c config.Config, onDuty string) plan.Policy {
	p := plan.DefaultPolicy()
	p.MaxNewIssues = c.MaxNewIssues
	p.MaxAssignees = c.MaxAssignees
	p.CommentInterval = c.CommentInterval.Std()
	p.ReopenWindow = c.ReopenWindow.Std()
	p.ConsistentAfter = c.ConsistentAfter
	p.KindLabels = map[string]string{"failure": c.Labels.Failure, "flake": c.Labels.Flake, triage.KindInfra: c.Labels.Infra}
	p.ExtraLabels = c.Labels.Extra
	p.TitleTemplates = map[string]string{"failure": c.Titles.Failure, "flake": c.Titles.Flake, triage.KindInfra: c.Titles.Infra}
	p.QuietLabel = c.QuietLabel
	p.IgnoreLabel = c.IgnoreLabel
	p.Adopt = c.Adopt
	p.FileAfter, p.CloseAfter, p.Priority = c.FileAfter, c.CloseAfter, c.Priority
	p.QuarantineLabel = c.QuarantineLabel
	// The storm issue goes to the maintainer on duty first, then the
	// fallback maintainers.
	if onDuty != "" {
		p.Fallback = append(p.Fallback, onDuty)
	}
	p.Fallback = append(p.Fallback, c.Owners.Maintainers...)
	return p
}

// currentRun describes the workflow run from the variables Actions sets.
// Outside Actions the run has no id; the tool then records a local run.
func currentRun(o Options, env Env, now time.Time) plan.Run {
	id, _ := strconv.ParseInt(env.Getenv("GITHUB_RUN_ID"), 10, 64)
	attempt, _ := strconv.Atoi(env.Getenv("GITHUB_RUN_ATTEMPT"))
	if attempt == 0 {
		attempt = 1
	}
	server := env.Getenv("GITHUB_SERVER_URL")
	if server == "" {
		server = "https://github.com"
	}
	r := plan.Run{
		Repo: o.Repo, ServerURL: server, ID: id, Attempt: attempt,
		Job: env.Getenv("GITHUB_JOB"), SHA: env.Getenv("GITHUB_SHA"),
		Event: env.Getenv("GITHUB_EVENT_NAME"), Ref: env.Getenv("GITHUB_REF"),
		Started: now,
	}
	if id != 0 && r.Repo != "" {
		r.URL = fmt.Sprintf("%s/%s/actions/runs/%d/attempts/%d", strings.TrimRight(server, "/"), r.Repo, id, attempt)
	}
	return r
}

// planMode is how the plan treats the tracker: a dry run plans what the
// mode it stands for would do, and auto outside Actions plans as file, so
// that a dry run shows the issues.
func planMode(o Options, env Env) string {
	if !o.DryRun {
		return modeOf(o, env)
	}
	o.DryRun = false
	if o.Mode == "auto" && env.Getenv("GITHUB_EVENT_NAME") == "" {
		return "file"
	}
	return modeOf(o, env)
}

// track reads the tracker, plans and, in file mode, applies the plan,
// filling each finding's issue. It returns the issues it read, the
// problems met, whether a write failed and the plan. With no token the plan is made
// against an empty tracker, and nothing is written.
func track(ctx context.Context, res *triage.Result, o Options, cfg config.Config, run plan.Run, env Env, client *tracker.Client) (issues []plan.Issue, problems []string, failed bool, pl plan.Plan) {
	if client != nil {
		var err error
		issues, err = client.Load(ctx, cfg.ReopenWindow.Std(), run.Started)
		if err != nil {
			// Without the tracker's state, filing could duplicate issues:
			// nothing is written, and the run says so.
			for i := range res.Findings {
				res.Findings[i].Issue = triage.Issue{Action: plan.None, Reason: "the open issues could not be read"}
			}
			return nil, []string{fmt.Sprintf("read issues of %s: %v", o.Repo, err)}, res.Mode == "file", pl
		}
	} else if res.Mode != "dry-run" {
		problems = append(problems, "no token: issues were not looked up (known flakes cannot be named)")
	}
	onDuty := ""
	if r := cfg.Rotation; len(r.Members) > 0 {
		onDuty = strings.ToLower(owners.OnDuty(r.Members, r.Start.Std(), r.Period.Std(), run.Started))
	}
	pl = plan.Make(res.Findings, issues, policy(cfg, onDuty), run, planMode(o, env))
	if res.Mode != "file" {
		fill(res, pl.Issues())
		passed(res, pl, nil)
		return issues, problems, false, pl
	}
	out := client.Apply(ctx, pl)
	out.Fill(res.Findings, pl)
	passed(res, pl, out.Results)
	problems = append(problems, out.Warnings...)
	// One problem per failed write, so that the summary lists each.
	for _, r := range out.Results {
		if r.Err != nil {
			problems = append(problems, r.Err.Error())
			failed = true
		}
	}
	return issues, problems, failed, pl
}

// passed lists the issues of tracked tests that passed in the run, with
// what was done (results, aligned with the plan's actions) or would be.
func passed(res *triage.Result, pl plan.Plan, results []tracker.Result) {
	for i, a := range pl.Actions {
		if !a.Pass {
			continue
		}
		is := triage.Issue{Action: a.Kind, Number: a.Number, URL: a.URL, Reason: a.Reason}
		if i < len(results) && results[i].Err != nil {
			is.Error = results[i].Err.Error()
		}
		res.Passed = append(res.Passed, triage.Passed{ID: a.FindingID, Issue: is})
	}
}

func fill(res *triage.Result, issues map[string]triage.Issue) {
	for i, f := range res.Findings {
		if is, ok := issues[f.ID]; ok {
			res.Findings[i].Issue = is
		}
	}
}

// newTracker returns the tracker client, or nil without a token or a
// repository (then nothing can be looked up).
func newTracker(o Options, env Env, opts ...tracker.Option) (*tracker.Client, error) {
	if o.Token == "" || o.Repo == "" {
		return nil, nil
	}
	hc := env.HTTPClient
	if hc == nil {
		hc = http.DefaultClient
	}
	c, err := tracker.New(hc, o.APIURL, o.Token, o.Repo, "flake-triage/"+env.Version, opts...)
	if err != nil {
		return nil, usagef("%v", err)
	}
	return c, nil
}
