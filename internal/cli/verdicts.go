package cli

import (
	"context"
	"time"

	"github.com/flake-triage/flake-triage/internal/health"
	"github.com/flake-triage/flake-triage/internal/ledger"
	"github.com/flake-triage/flake-triage/internal/plan"
	"github.com/flake-triage/flake-triage/internal/triage"
)

// judge gives each finding its statistics and verdict from the run
// ledger (docs/health.md): its window is the records of the run's branch
// within history-days that ran the test, at most history-window of them.
// On a branch run this run's own record is part of it ("this one
// included"); a pull request run reads its base branch's window, which
// it is not part of. It also gives the plan the passing streaks of the
// tests of open tool issues (close-after) and the findings' windows
// (file-after). Without a ledger it does nothing here: verdictsFromIssues
// judges from the issues once they are read.
func (t *run) judge(ctx context.Context) error {
	if t.hist == nil {
		return nil
	}
	records, scope := t.windowRecords()
	ids := make([]string, 0, len(t.res.Findings))
	for _, f := range t.res.Findings {
		ids = append(ids, f.ID)
	}
	for id, tl := range t.hist.view.Tests {
		if tl.Issue != 0 {
			ids = append(ids, id)
		}
	}
	windows := ledger.Windows(records, ids, scope)
	pr := isPullRequest(t.info.Event)
	for i := range t.res.Findings {
		f := &t.res.Findings[i]
		runs := healthRuns(windows[f.ID])
		h := health.Compute(runs, scope.Size)
		// The title names no test: a chart is Mermaid source, where a
		// test's name could be read as markup.
		h.Chart = health.Chart(runs, "Runs and failures per day")
		h.Trend = health.Trend(runs, scope.Size)
		f.History = &h
		if pr {
			h.Base = scope.Branch
			f.Verdict = health.PullRequestVerdict(runs, scope.Size)
		} else {
			f.Verdict = health.BranchVerdict(runs, scope.Size, t.cfg.ConsistentAfter)
		}
	}
	t.issueHealth = map[string]*health.History{}
	for id, tl := range t.hist.view.Tests {
		if tl.Issue != 0 {
			h := health.Compute(healthRuns(windows[id]), scope.Size)
			t.issueHealth[id] = &h
		}
	}
	if l := t.info.Ledger; l != nil {
		l.Branch = scope.Branch
		l.Windows = map[string]plan.Window{}
		for id, w := range windows {
			l.Windows[id] = planWindow(w)
		}
	}
	t.where.Trend = failingTrend(records)
	return nil
}

// windowRecords are the records the run's windows are taken from, newest
// first, and the scope of those windows: what the run read of the ledger
// and, on a branch run it does not hold yet, this run's own record.
func (t *run) windowRecords() ([]*ledger.Record, ledger.Scope) {
	rec, scope := t.hist.record, t.hist.scope
	records := t.hist.view.Records
	if !t.hist.view.Recorded && !isPullRequest(t.info.Event) && rec.Branch == scope.Branch && len(rec.Tests()) > 0 {
		records = append([]*ledger.Record{rec}, records...)
		ledger.SortNewest(records)
	}
	return records, scope
}

// isPullRequest reports whether the event is a pull request's (or a merge
// queue's) run, whose statistics are its base branch's.
func isPullRequest(event string) bool {
	switch event {
	case "pull_request", "pull_request_target", "merge_group":
		return true
	}
	return false
}

// healthRuns turns a ledger window into the runs health computes on.
func healthRuns(w []ledger.Entry) []health.Run {
	out := make([]health.Run, 0, len(w))
	for _, e := range w {
		r := e.Record
		o := health.Passed
		switch e.Outcome {
		case ledger.Failed:
			o = health.Failed
		case ledger.Flaky:
			o = health.Flaky
		}
		job := r.Job
		if k := jobKeyLabel(r.JobKey); k != "" {
			job += " " + k
		}
		out = append(out, health.Run{Run: r.Run, Attempt: r.Attempt, Job: job, SHA: r.SHA, Time: r.Time, URL: r.URL, Outcome: o})
	}
	return out
}

// planWindow is a window as the plan reads it: the outcomes newest first.
func planWindow(w []ledger.Entry) plan.Window {
	var pw plan.Window
	for _, e := range w {
		r := e.Record
		pw = append(pw, plan.Outcome{Run: r.Run, Attempt: r.Attempt, SHA: r.SHA, URL: r.URL, Time: r.Time, Failing: e.Outcome == ledger.Failed || e.Outcome == ledger.Flaky})
	}
	return pw
}

// failingTrend is the Mermaid chart of the job summary: how many distinct
// tests failed or flaked per day in the records read.
func failingTrend(records []*ledger.Record) string {
	if len(records) == 0 {
		return ""
	}
	perDay := map[time.Time]map[string]bool{}
	for _, r := range records {
		d := r.Time.UTC().Truncate(24 * time.Hour)
		if perDay[d] == nil {
			perDay[d] = map[string]bool{}
		}
		for _, id := range r.Failing() {
			perDay[d][id] = true
		}
	}
	counts := make(map[time.Time]int, len(perDay))
	for d, s := range perDay {
		counts[d] = len(s)
	}
	return health.Daily(counts, "Failing tests per day", "failing tests")
}

// verdictsFromIssues judges, without a run ledger, each finding from its
// issue alone once the issues are read: flaky when the tool tracks the
// test in an issue, else unknown (quarantined when the issue carries the
// quarantine label, with or without a ledger).
func (t *run) verdictsFromIssues(context.Context) error {
	for i := range t.res.Passed {
		t.res.Passed[i].History = t.issueHealth[t.res.Passed[i].ID]
	}
	for i := range t.res.Findings {
		f := &t.res.Findings[i]
		switch {
		case t.isQuarantined(f.Issue):
			f.Verdict = health.Quarantined
		case t.hist == nil:
			f.Verdict = health.IssueVerdict(trackedIssue(f.Issue), false)
		}
	}
	return nil
}

// trackedIssue reports whether a finding's issue is one the tool tracks
// the test in: open (or reopened) and not ignored.
func trackedIssue(is triage.Issue) bool {
	if is.Number == 0 {
		return false
	}
	switch is.Action {
	case plan.Update, plan.Reopen, plan.Known, plan.Adopt:
		return true
	}
	return false
}
