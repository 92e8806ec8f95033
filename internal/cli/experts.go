package cli

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/flake-triage/flake-triage/internal/owners"
	"github.com/flake-triage/flake-triage/internal/triage"
)

// expertReaders is how many commit lists are read at once.
const expertReaders = 4

// maxExpertPaths bounds the paths whose history one run reads (one call
// each): a broken build fails hundreds of tests at once, which the storm
// guard files as one issue, and GitHub's token for a workflow has 1,000
// requests an hour
// (https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#primary-rate-limit-for-github_token-in-github-actions).
const maxExpertPaths = 100

// experts asks the repository's history who changed each finding's code
// within expert-window before it failed (the commits API with path and
// since: at most 5 paths per finding, each path read once per run) and
// routes the findings again with that evidence, so that recent committers
// are assigned first (docs/experts.md). Whether GitHub can assign them is
// left to the executor, which asks before creating an issue, mentions a
// login it cannot assign and gives the slot to the next person in rank
// order. Without a token nothing is read and the owners stage's routing,
// from OWNERS alone, stands; so it does when a read fails, and the
// result's errors say why.
func (t *run) experts(ctx context.Context) error {
	if t.client == nil || t.cfg.ExpertWindow <= 0 || len(t.res.Findings) == 0 {
		return nil
	}
	now := t.info.Started
	since := now
	var paths []string
	seen := map[string]bool{}
	routed := make([]bool, len(t.res.Findings))
	skipped := 0
	for i, f := range t.res.Findings {
		var fresh []string
		for _, p := range triage.ExpertPaths(f) {
			if !seen[p.Path] && !slices.Contains(fresh, p.Path) {
				fresh = append(fresh, p.Path)
			}
		}
		// A finding has all its evidence or none: past the run's budget
		// of reads, OWNERS alone route it.
		if len(paths)+len(fresh) > maxExpertPaths {
			skipped++
			continue
		}
		for _, p := range fresh {
			seen[p] = true
		}
		paths = append(paths, fresh...)
		routed[i] = true
		if at := triage.FailedAt(f, now); at.Before(since) {
			since = at
		}
	}
	if skipped > 0 {
		t.res.Errors = append(t.res.Errors, fmt.Sprintf("experts: the history of %d paths was read, the most one run reads; %d findings were routed by OWNERS alone", len(paths), skipped))
	}
	// One since for the run, so that a path is read once: each finding
	// counts only the commits in its own window (owners.Rank).
	since = since.Add(-t.cfg.ExpertWindow.Std())
	commits, err := t.readCommits(ctx, paths, since)
	if err != nil {
		t.res.Errors = append(t.res.Errors, fmt.Sprintf("experts: %v; recent changes were not used, OWNERS alone decided who is assigned", err))
		return nil
	}
	ev := &triage.Evidence{Commits: commits, Window: t.cfg.ExpertWindow.Std(), Now: now}
	for i := range t.res.Findings {
		if routed[i] {
			triage.Route(&t.res.Findings[i], t.own, t.cfg, ev)
		}
	}
	return nil
}

// readCommits reads the recent commits of each path, a few at a time; the
// first failure, in path order, is the answer's error.
func (t *run) readCommits(ctx context.Context, paths []string, since time.Time) (map[string][]owners.Commit, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	lists := make([][]owners.Commit, len(paths))
	errs := make([]error, len(paths))
	if len(paths) == 0 {
		return map[string][]owners.Commit{}, nil
	}
	// The first path is read alone: a failure that is the repository's
	// (403, 404, 5xx) then names the same path on every run, rather than
	// whichever read lost the race.
	if lists[0], errs[0] = t.client.RecentCommits(ctx, paths[0], since); errs[0] != nil {
		return nil, errs[0]
	}
	sem := make(chan struct{}, expertReaders)
	var wg sync.WaitGroup
	for i, p := range paths {
		if i == 0 {
			continue
		}
		sem <- struct{}{}
		if ctx.Err() != nil {
			<-sem
			break
		}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			lists[i], errs[i] = t.client.RecentCommits(ctx, p, since)
			if errs[i] != nil {
				cancel() // the evidence is dropped whole: stop reading
			}
		}()
	}
	wg.Wait()
	// The first failure that is not another read's cancelling.
	var first error
	for _, err := range errs {
		if err != nil && (first == nil || errors.Is(first, context.Canceled) && !errors.Is(err, context.Canceled)) {
			first = err
		}
	}
	if first == nil {
		first = ctx.Err()
	}
	if first != nil {
		return nil, first
	}
	out := make(map[string][]owners.Commit, len(paths))
	for i, p := range paths {
		out[p] = lists[i]
	}
	return out, nil
}
