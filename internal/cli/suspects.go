package cli

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/flake-triage/flake-triage/internal/health"
	"github.com/flake-triage/flake-triage/internal/owners"
	"github.com/flake-triage/flake-triage/internal/tracker"
	"github.com/flake-triage/flake-triage/internal/triage"
)

// maxSuspectPaths bounds the path histories the suspects stage reads
// itself (when the experts stage's do not cover a range), like the
// experts stage's budget.
const maxSuspectPaths = 100

// suspects lists, for each finding of a branch run whose window has a
// last pass, the commits since that pass that touched the failing code
// (docs/health.md): the range last_pass.sha...this run's commit from the
// compare API (one call per distinct range per run), keeping the commits
// that the commits API lists for the finding's paths (the same at most 5
// paths as the experts' rank). The experts stage's lists are reused when
// they reach back to the last pass; else a path is listed at this run's
// commit since the last pass (one page). A compare or list failure (a
// force-pushed sha, a 5xx) leaves the finding's suspects null and says
// why in errors; it never fails the run.
func (t *run) suspects(ctx context.Context) error {
	if t.client == nil || t.hist == nil || isPullRequest(t.info.Event) || t.info.SHA == "" {
		return nil
	}
	type rng struct{ base, head string }
	ranges := map[rng][]tracker.RangeCommit{}
	failed := map[rng]bool{}
	lists := map[string][]owners.Commit{} // "path@since" -> commits
	read := 0
	for i := range t.res.Findings {
		f := &t.res.Findings[i]
		h := f.History
		if h == nil || h.LastPass == nil || h.LastPass.SHA == "" {
			continue
		}
		r := rng{h.LastPass.SHA, t.info.SHA}
		if failed[r] {
			continue
		}
		commits, ok := ranges[r]
		if !ok {
			var err error
			if r.base == r.head {
				commits = []tracker.RangeCommit{}
			} else if commits, err = t.client.Compare(ctx, r.base, r.head); err != nil {
				failed[r] = true
				t.res.Errors = append(t.res.Errors, fmt.Sprintf("suspects: %v; the suspects of the tests that last passed at %.7s are unknown", err, r.base))
				continue
			}
			ranges[r] = commits
		}
		s := &health.Suspects{Base: r.base, Head: r.head, CompareURL: t.compareURL(r.base, r.head), Commits: []health.Commit{}}
		if len(commits) == 0 {
			h.Suspects = s
			continue
		}
		inRange := map[string]int{}
		for j, c := range commits {
			inRange[c.SHA] = j
		}
		touched := map[string][]string{} // sha -> paths
		known := true
		for _, p := range triage.ExpertPaths(*f) {
			list, ok := t.coveredCommits(p.Path, h.LastPass.Time)
			if !ok {
				key := p.Path + "@" + h.LastPass.Time.UTC().Format(time.RFC3339)
				if list, ok = lists[key]; !ok {
					if read >= maxSuspectPaths {
						known = false
						break
					}
					read++
					var err error
					list, err = t.client.PathCommits(ctx, p.Path, r.head, h.LastPass.Time)
					if err != nil {
						t.res.Errors = append(t.res.Errors, fmt.Sprintf("suspects of %s: %v", f.Test.Name, err))
						known = false
						break
					}
					lists[key] = list
				}
			}
			for _, c := range list {
				if _, ok := inRange[c.SHA]; ok && !slices.Contains(touched[c.SHA], p.Path) {
					touched[c.SHA] = append(touched[c.SHA], p.Path)
				}
			}
		}
		if !known {
			continue
		}
		// Newest first, as the issue lists them.
		for j := len(commits) - 1; j >= 0; j-- {
			c := commits[j]
			if files := touched[c.SHA]; len(files) > 0 {
				s.Commits = append(s.Commits, health.Commit{SHA: c.SHA, Title: c.Title, Author: c.Author, Files: files})
			}
		}
		h.Suspects = s
	}
	return nil
}

// coveredCommits returns the experts stage's commits of path when they
// reach back to since: read since then, and either fewer than a full
// page or the oldest of them no newer than since.
func (t *run) coveredCommits(path string, since time.Time) ([]owners.Commit, bool) {
	list, ok := t.recent[path]
	if !ok || t.recentSince.After(since) {
		return nil, false
	}
	if len(list) < 100 || len(list) > 0 && !list[len(list)-1].Time.After(since) {
		return list, true
	}
	return nil, false
}

// compareURL links the range base...head on GitHub.
func (t *run) compareURL(base, head string) string {
	return fmt.Sprintf("%s/%s/compare/%s...%s", strings.TrimRight(t.info.ServerURL, "/"), t.o.Repo, url.PathEscape(base), url.PathEscape(head))
}
