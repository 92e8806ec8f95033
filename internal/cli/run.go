package cli

import (
	"context"
	"fmt"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/flake-triage/flake-triage/internal/action"
	"github.com/flake-triage/flake-triage/internal/artifact"
	"github.com/flake-triage/flake-triage/internal/config"
	"github.com/flake-triage/flake-triage/internal/health"
	"github.com/flake-triage/flake-triage/internal/locate"
	"github.com/flake-triage/flake-triage/internal/logs"
	"github.com/flake-triage/flake-triage/internal/owners"
	"github.com/flake-triage/flake-triage/internal/plan"
	"github.com/flake-triage/flake-triage/internal/report"
	"github.com/flake-triage/flake-triage/internal/tracker"
	"github.com/flake-triage/flake-triage/internal/triage"
)

// A run is one triage of one CI run: the options and dependencies it was
// given, and what each stage has produced so far. Its methods are the
// stages, in the order triageRepo calls them; each reads what the earlier
// ones left and adds its own part. A stage returns an error only when the
// run cannot go on; problems that leave the rest of the work possible go
// to the result's errors.
type run struct {
	o    Options
	env  Env
	repo repo
	cfg  config.Config
	// client is the tracker, nil without a token or a repository.
	client *tracker.Client
	// gha is the Actions side of the run, nil outside Actions.
	gha *actionsEnv

	// info is the run's identity: id, attempt, job, commit, links.
	info  plan.Run
	where action.SummaryRun

	set  *report.Set
	ix   *locate.Index
	locs []locate.Result
	own  *owners.Resolver
	res  triage.Result
	// past is the workflow run that --from-run triages, nil otherwise.
	past *artifact.Run
	// issues are the tracker's issues as the track stage read them.
	issues []plan.Issue
	// failed is set when a write failed: the exit code is then 1.
	failed bool
	// problems are met before the result exists (event, artifacts).
	problems []string
	cleanups []func()
	// globs are the report globs the run read; noReports says that they
	// matched no file (see checkReports).
	globs     []string
	noReports bool

	// prowDir holds the --from-prow run's downloaded objects; prowLogs is
	// where relative logs globs are read in a Prow run; prow is the run's
	// Prow identity (see prow.go).
	prowDir, prowLogs string
	prow              *triage.Prow
	// hist is the run's part of the run ledger (ledger.go).
	hist *history
	// plan is what track decided.
	plan plan.Plan
	// recent are the commits the experts stage read per path, and since
	// when; the suspects stage reuses them when they cover its range.
	recent      map[string][]owners.Commit
	recentSince time.Time
	// issueHealth are the statistics of the tests of the tool's issues
	// from the run ledger (verdicts.go), for the JSON's passed list.
	issueHealth map[string]*health.History
	// pr is the pull request the run is about, once looked up (pullrequest.go).
	pr *pullRef
	// event is the payload of the event that started the workflow, read
	// once by newRun; nil outside Actions or when it could not be read.
	event *action.Event
}

// newRun checks the options against the repository and builds the run's
// dependencies: the config, the tracker client and the run's identity.
func newRun(o Options, r repo, env Env) (*run, error) {
	t := &run{o: o, env: env, repo: r}
	out := env.Stdout
	if o.JSON == "-" {
		out = env.Stderr
	}
	t.gha = newActions(env, out)
	if t.gha != nil && o.Token != "" {
		// Before anything is printed: the runner masks it from then on.
		t.gha.gha.AddMask(o.Token)
	}
	cfg, err := loadConfig(r, o)
	if err != nil {
		return nil, err
	}
	t.cfg = o.apply(cfg)
	// Notices come from concurrent requests (the experts stage lists
	// commits in parallel): one at a time.
	var noticeMu sync.Mutex
	notice := func(msg string) {
		noticeMu.Lock()
		defer noticeMu.Unlock()
		fmt.Fprintf(env.Stderr, "flake-triage: %s\n", msg)
	}
	if t.client, err = newTracker(o, env, tracker.WithWriteRate(t.cfg.WriteRate), tracker.WithNotice(notice)); err != nil {
		return nil, err
	}
	t.info = currentRun(o, env, env.Now())
	if p := env.Getenv("GITHUB_EVENT_PATH"); p != "" {
		// The event names the commit the tests ran on: a pull request's
		// head rather than the merge commit GITHUB_SHA names, so that
		// links and check runs land on the PR's own commit.
		if ev, err := readEvent(env.Getenv("GITHUB_EVENT_NAME"), p); err != nil {
			t.problems = append(t.problems, err.Error())
		} else {
			t.event = &ev
			if ev.HeadSHA != "" {
				t.info.SHA = ev.HeadSHA
			}
		}
	}
	t.where = action.SummaryRun{ServerURL: t.info.ServerURL, Repo: o.Repo, SHA: t.info.SHA}
	t.prowInside()
	return t, nil
}

// close removes what the run left on disk.
func (t *run) close() {
	for _, f := range slices.Backward(t.cleanups) {
		f()
	}
}

// readReports reads the run's reports: from the checkout, or from the
// artifacts of a past workflow run (--from-run).
func (t *run) readReports(ctx context.Context) error {
	if t.prowDir != "" {
		t.set, t.globs = report.Read(os.DirFS(t.prowDir), withoutGz(t.o.Reports), t.reportOptions()...), t.o.Reports
		return nil
	}
	if t.o.FromRun == 0 {
		set, err := readReports(t.repo, t.o.Reports, t.reportOptions()...)
		t.set, t.globs = set, t.o.Reports
		return err
	}
	dir, err := os.MkdirTemp("", "flake-triage-run-")
	if err != nil {
		return fmt.Errorf("from-run: %w", err)
	}
	t.cleanups = append(t.cleanups, func() { os.RemoveAll(dir) })
	fetched, err := artifact.Fetch(ctx, artifact.GitHub{Client: t.client.REST(), HTTP: t.env.HTTPClient}, t.o.Repo, t.o.FromRun, dir, artifact.DefaultLimits)
	if err != nil {
		return fmt.Errorf("from-run: %w", err)
	}
	t.problems = append(t.problems, fetched.Problems...)
	t.past = &fetched.Run
	t.info = pastRun(t.info, fetched.Run)
	t.pastPullRequest()
	t.where.SHA, t.where.RunURL = t.info.SHA, t.info.URL
	patterns := t.o.Reports
	if !t.o.ReportsSet {
		patterns = []string{"**/*.xml"}
	}
	t.set, t.globs = report.Read(os.DirFS(dir), patterns, t.reportOptions()...), patterns
	return nil
}

// locate finds where each failing test failed and where it is declared.
func (t *run) locate(context.Context) error {
	ix, err := locate.NewIndex(t.repo.fsys, locate.Options{Prefixes: prefixes(t.o, t.repo, t.env)})
	if err != nil {
		return fmt.Errorf("index repository %s: %w", t.o.RepoRoot, err)
	}
	t.ix = ix
	t.locs = ix.LocateAll(t.set.Tests)
	return nil
}

// resolveOwners reads the OWNERS files above the failing paths (only
// those) and turns the located failures into findings with owners.
func (t *run) resolveOwners(context.Context) error {
	own, warnings := owners.LoadFor(t.repo.fsys, triage.Paths(t.locs), owners.Options{})
	t.own = own
	t.res = triage.Analyze(t.set, t.locs, own, t.cfg)
	t.res.Errors = append(t.res.Errors, t.problems...)
	for _, w := range warnings {
		t.res.Errors = append(t.res.Errors, w.Error())
	}
	t.res.Mode = modeOf(t.o, t.env)
	t.prowResult()
	return nil
}

// correlate adds the controller log errors logged around each failure
// (--logs), with the owners of the code that logged them.
func (t *run) correlate(context.Context) error {
	if len(t.cfg.Logs) == 0 {
		return nil
	}
	logFS, globs := t.logSource()
	groups, logWarnings := logs.Correlate(logFS, globs, triage.TestWindows(t.set, t.res.Findings), t.ix, logs.Options{})
	t.res.Errors = append(t.res.Errors, logWarnings...)
	var sources []string
	for _, gs := range groups {
		for _, g := range gs {
			if g.Source != nil {
				sources = append(sources, g.Source.Path)
			}
		}
	}
	// The log sources' OWNERS files; a problem with one was reported
	// above when it also owns a finding.
	own, warnings := owners.LoadFor(t.repo.fsys, sources, owners.Options{})
	for _, w := range warnings {
		if !slices.Contains(t.res.Errors, w.Error()) {
			t.res.Errors = append(t.res.Errors, w.Error())
		}
	}
	triage.AddCorrelated(&t.res, groups, own, t.cfg.Owners.Source)
	return nil
}

// track plans what to do with the tracker and, in file mode, does it.
func (t *run) track(ctx context.Context) error {
	// The plan asks the reports about the tracked tests with no finding:
	// one that passed on every attempt ends its streak of failing runs.
	set := t.set
	if t.cfg.Adopt {
		t.info.Tests = adoptionTests(t.res.Findings, t.set, t.repo.fsys)
	}
	t.info.Passed = func(suite, classname, name string) bool {
		ran, passed := set.Outcome(suite, classname, name)
		return ran && passed
	}
	issues, problems, failed, pl := track(ctx, &t.res, t.o, t.cfg, t.info, t.env, t.client)
	t.issues, t.plan = issues, pl
	t.res.Errors = append(t.res.Errors, problems...)
	t.failed = t.failed || failed
	return nil
}

// checkRun posts the check run of annotations: checks.
func (t *run) checkRun(ctx context.Context) error {
	if t.o.Annotations != "checks" || t.res.Mode == "dry-run" || t.noReports {
		return nil
	}
	if err := checkRun(ctx, t.client, t.o, t.cfg.CheckName, t.where, t.res); err != nil {
		t.res.Errors = append(t.res.Errors, err.Error())
		t.failed = true
	}
	return nil
}

// finish presents the result (annotations, summary, outputs, the plan and
// the JSON) and returns the run's exit code.
func (t *run) finish() (int, error) {
	code := ExitOK
	if t.failed {
		code = ExitFailed
	}
	if t.decideFailOn() {
		code = ExitFailed
	}
	if t.o.FailOnReportError {
		for _, f := range t.res.Reports.Files {
			if f.Error != "" {
				code = ExitFailed
			}
		}
	}
	if t.gha != nil {
		t.res.Errors = append(t.res.Errors, t.gha.present(t.res, t.o, t.where)...)
	}
	if err := emit(t.res, t.o, t.env); err != nil {
		return ExitFailed, err
	}
	return code, nil
}
