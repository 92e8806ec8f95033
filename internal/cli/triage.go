package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/flake-triage/flake-triage/internal/action"
	"github.com/flake-triage/flake-triage/internal/artifact"
	"github.com/flake-triage/flake-triage/internal/config"
	"github.com/flake-triage/flake-triage/internal/plan"
	"github.com/flake-triage/flake-triage/internal/present"
	"github.com/flake-triage/flake-triage/internal/report"
	"github.com/flake-triage/flake-triage/internal/tracker"
	"github.com/flake-triage/flake-triage/internal/triage"
)

// A repo is the checkout being triaged: its files and where it lives.
type repo struct {
	fsys fs.FS
	// dir is the root on disk; empty for the embedded demo sample.
	dir string
}

func runTriage(ctx context.Context, args []string, env Env) (int, error) {
	o, err := parseTriage(args, env.Getenv, env.Stderr)
	if errors.Is(err, errHelp) {
		triageUsage(env.Stdout)
		return ExitOK, nil
	}
	if err != nil {
		return ExitUsage, err
	}
	r, err := openRepo(o.RepoRoot)
	if err != nil {
		return ExitUsage, err
	}
	return triageRepo(ctx, o, r, env)
}

// openRepo opens the repository root so that no file read through it can
// escape it, symlinks included.
func openRepo(dir string) (repo, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return repo{}, usagef("repo-root: %v", err)
	}
	return repo{fsys: rootFS{FS: root.FS(), dir: dir}, dir: dir}, nil
}

// A rootFS reads files through an os.Root, which resolves every path one
// component at a time so that nothing escapes the root (a handful of
// system calls per file). Its Stat, which only tells whether a file is
// there, is one lstat call instead: the ownership lookup asks it about
// thousands of OWNERS files that mostly do not exist, and any file it
// finds is still opened through the root.
type rootFS struct {
	fs.FS
	dir string
}

// Stat implements fs.StatFS.
func (r rootFS) Stat(name string) (fs.FileInfo, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "stat", Path: name, Err: fs.ErrInvalid}
	}
	return os.Lstat(filepath.Join(r.dir, filepath.FromSlash(name)))
}

// triageRepo triages one run of the repository r: the stages of a run in
// order (see run.go), then its exit code.
func triageRepo(ctx context.Context, o Options, r repo, env Env) (int, error) {
	t, err := newRun(o, r, env)
	if err != nil {
		return exitFor(err), err
	}
	defer t.close()
	stages := []struct {
		name string
		do   func(context.Context) error
	}{
		{"check output targets", t.checkTargets},
		{"fetch Prow run", t.fetchProw},
		{"read reports", t.readReports},
		{"check reports", t.checkReports},
		{"locate failures", t.locate},
		{"resolve owners", t.resolveOwners},
		{"find experts", t.experts},
		{"correlate logs", t.correlate},
		{"read the run ledger", t.readLedger},
		{"judge health", t.judge},
		{"find suspects", t.suspects},
		{"plan and file issues", t.track},
		{"quarantine", t.quarantine},
		{"verdicts from issues", t.verdictsFromIssues},
		{"write the run ledger", t.writeLedger},
		{"check run", t.checkRun},
		{"pull request comment", t.prComment},
	}
	for _, s := range stages {
		// In Actions each stage folds into a group of the step's log.
		if t.gha != nil {
			t.gha.gha.Group("flake-triage: " + s.name)
		}
		start := time.Now()
		err := s.do(ctx)
		if t.gha != nil {
			t.gha.gha.Infof("%s", t.progress(s.name, time.Since(start)))
			t.gha.gha.EndGroup()
		}
		if err != nil {
			return exitFor(err), err
		}
	}
	return t.finish()
}

// exitFor is the exit code of a run stopped by err: usage errors are 2,
// anything else 1.
func exitFor(err error) int {
	var ue UsageError
	if errors.As(err, &ue) {
		return ExitUsage
	}
	return ExitFailed
}

// readEvent reads the payload of the event that started the workflow.
func readEvent(name, path string) (action.Event, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return action.Event{}, fmt.Errorf("read event payload: %w", err)
	}
	ev, err := action.ReadEvent(name, data)
	if err != nil {
		return action.Event{}, fmt.Errorf("event payload %s: %w", path, err)
	}
	return ev, nil
}

// pastRun describes the run that --from-run triages, for the history of
// its issues: its id, attempt, commit and page.
func pastRun(now plan.Run, past artifact.Run) plan.Run {
	now.ID, now.Attempt = past.ID, past.Attempt
	now.SHA, now.Ref, now.Event, now.URL = past.HeadSHA, past.HeadBranch, past.Event, past.URL
	if !past.Started.IsZero() {
		now.Started = past.Started
	}
	now.Job = ""
	return now
}

// checkRun creates a check run on the run's commit carrying an annotation
// for every failing test: GitHub shows at most 10 errors and 10 warnings
// per step from workflow commands, a check run shows them all.
func checkRun(ctx context.Context, client *tracker.Client, o Options, name string, where action.SummaryRun, res triage.Result) error {
	if client == nil {
		return fmt.Errorf("annotations checks: needs a token with checks: write and the repository")
	}
	if where.SHA == "" {
		return fmt.Errorf("annotations checks: the commit is unknown (GITHUB_SHA is not set)")
	}
	_, _, err := action.PostCheckRun(ctx, action.GitHubChecks{Client: client.REST()}, o.Repo, where.SHA, name, res.Findings, action.Summary(res, where, 0))
	if err != nil {
		return fmt.Errorf("annotations checks: %w", err)
	}
	return nil
}

// modeOf resolves --mode auto from the event that started the workflow
// (action.ModeFor). Outside Actions, with no event, auto never writes;
// nor does it without a token or a repository, since then nothing can be
// written (an explicit --mode file without them is a usage error).
func modeOf(o Options, env Env) string {
	if o.DryRun {
		return "dry-run"
	}
	if o.Mode != "auto" {
		return o.Mode
	}
	event := env.Getenv("GITHUB_EVENT_NAME")
	if event == "" || o.Token == "" || o.Repo == "" {
		return action.ModeAnnotate
	}
	return action.ModeFor(event)
}

// prefixes are the absolute paths at which the repository may appear in
// the reports, besides what the locator finds by itself.
func prefixes(o Options, r repo, env Env) []string {
	p := append([]string{}, o.PathPrefixes...)
	p = append(p, action.HostWorkspaces(env.Getenv)...)
	if r.dir != "" {
		if abs, err := filepath.Abs(r.dir); err == nil {
			p = append(p, abs)
		}
	}
	return p
}

func loadConfig(r repo, o Options) (config.Config, error) {
	var data []byte
	var err error
	if filepath.IsAbs(o.Config) {
		data, err = os.ReadFile(o.Config)
	} else {
		data, err = fs.ReadFile(r.fsys, filepath.ToSlash(filepath.Clean(o.Config)))
	}
	if errors.Is(err, fs.ErrNotExist) && !o.ConfigSet {
		return config.Default(), nil
	}
	if err != nil {
		return config.Config{}, usagef("config: %v", err)
	}
	c, err := config.Parse(o.Config, data)
	if err != nil {
		return config.Config{}, UsageError{err}
	}
	return c, nil
}

// readReports reads the reports matching the globs: relative globs (and
// absolute ones inside the repository) against the repository root,
// absolute globs elsewhere against the file system root.
func readReports(r repo, patterns []string, opts ...report.Option) (*report.Set, error) {
	var rel, abs []string
	absRoot := ""
	if r.dir != "" {
		absRoot, _ = filepath.Abs(r.dir)
	}
	for _, p := range patterns {
		neg, body := "", p
		if strings.HasPrefix(p, "!") {
			neg, body = "!", p[1:]
		}
		if !filepath.IsAbs(body) {
			rel = append(rel, neg+filepath.ToSlash(body))
			continue
		}
		if absRoot != "" {
			if inside, err := filepath.Rel(absRoot, body); err == nil && !strings.HasPrefix(inside, "..") {
				rel = append(rel, neg+filepath.ToSlash(inside))
				continue
			}
		}
		abs = append(abs, neg+strings.TrimPrefix(filepath.ToSlash(body), "/"))
	}
	switch {
	case len(abs) == 0:
		return report.Read(r.fsys, rel, opts...), nil
	case len(rel) == 0:
		// Read from the root, shown with the "/" the globs were given with.
		return report.ReadUnder(os.DirFS("/"), "/", abs, opts...), nil
	default:
		return nil, usagef("reports: mix of globs inside the repository and absolute globs outside it (%s); give one kind", strings.Join(abs, ", "))
	}
}

// emit writes the readable plan and the JSON result where the options say.
func emit(res triage.Result, o Options, env Env) error {
	plan := env.Stdout
	if o.JSON == "-" {
		plan = env.Stderr
	}
	bw := bufio.NewWriter(plan)
	present.Text(bw, res)
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write the plan: %w", err)
	}
	if o.JSON == "" {
		return nil
	}
	var w io.Writer = env.Stdout
	if o.JSON != "-" {
		f, err := os.Create(o.JSON)
		if err != nil {
			return fmt.Errorf("write JSON result: %w", err)
		}
		defer f.Close()
		w = f
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(res); err != nil {
		return fmt.Errorf("write JSON result %s: %w", o.JSON, err)
	}
	return nil
}
