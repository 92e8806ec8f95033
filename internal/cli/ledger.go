package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"sort"
	"strconv"
	"strings"

	"github.com/flake-triage/flake-triage/internal/adoption"
	"github.com/flake-triage/flake-triage/internal/issue"
	"github.com/flake-triage/flake-triage/internal/ledger"
	"github.com/flake-triage/flake-triage/internal/plan"
	"github.com/flake-triage/flake-triage/internal/report"
	"github.com/flake-triage/flake-triage/internal/triage"
)

// history is the run's part of the run ledger: the store, what was read
// of it, and the record this run adds.
type history struct {
	store  ledger.Store
	view   *ledger.View
	record *ledger.Record
	// scope is the window the run read: its branch, size and since.
	scope ledger.Scope
	// anyJob: a re-triage adds no record when any job of its run and
	// attempt is recorded.
	anyJob bool
}

// reportOptions asks the reading to keep every test's outcome when there
// is a ledger to record them in, and the names adoption needs. With
// group-subtests a subtest or parameter set is kept under its top-level
// test's id and its own (outcomeKey), so that record folds the cases as
// findings fold them.
func (t *run) reportOptions() []report.Option {
	var opts []report.Option
	if t.cfg.Adopt {
		// Adoption asks whether a spec's It text or a pytest function
		// names one test of the run, passing ones included.
		opts = append(opts, report.WithNames(adoption.Distinctive))
	}
	if kind, _, err := ledger.Parse(t.cfg.History); err != nil || kind == "off" {
		return opts
	}
	group := t.cfg.GroupSubtests
	return append(opts, report.WithOutcomes(func(suite, classname, name string) string {
		id := triage.ID(suite, classname, name)
		if group {
			if top, _, ok := triage.SplitCase(name); ok {
				return triage.ID(suite, classname, top) + " " + id
			}
		}
		return id
	}))
}

// outcomeKey splits a key of the reading's outcomes into the test id the
// ledger records and the case's own id (the same for a test with no cases).
func outcomeKey(k string) (test, own string) {
	if g, c, ok := strings.Cut(k, " "); ok {
		return g, c
	}
	return k, k
}

// fold is the outcome of a test from those of its cases: failed when one
// failed, else flaky when one flaked, else passed when one passed, else
// skipped.
func fold(a, b ledger.Outcome) ledger.Outcome {
	rank := func(o ledger.Outcome) int {
		switch o {
		case ledger.Skipped:
			return 1
		case ledger.Passed:
			return 2
		case ledger.Flaky:
			return 3
		case ledger.Failed:
			return 4
		}
		return 0
	}
	if rank(b) > rank(a) {
		return b
	}
	return a
}

// readLedger reads the run ledger (--history): the tallies of the tests,
// the window of the run's branch for its failing tests, and whether it
// holds this run already. Without a usable ledger the run goes on with
// the issues' own state, as without one, and writes no record.
func (t *run) readLedger(ctx context.Context) error {
	job := t.info.Job
	// The job key tells matrix legs apart in the issues' history too.
	if k := jobKeyLabel(t.cfg.JobKey); k != "" {
		t.info.Job = strings.TrimSpace(t.info.Job + " " + k)
	}
	kind, arg, err := ledger.Parse(t.cfg.History)
	if err != nil || kind == "off" {
		return nil
	}
	var store ledger.Store
	switch kind {
	case "branch":
		if t.client == nil {
			t.warn(fmt.Sprintf("history %s needs the repository and a token with contents: read (and write to record runs): the run goes on without the run ledger", t.cfg.History))
			return nil
		}
		owner, name, _ := strings.Cut(t.o.Repo, "/")
		store = ledger.Branch{Client: t.client.REST(), Owner: owner, Repo: name, Name: arg}
	case "dir":
		store = ledger.Dir{Path: arg}
	}
	if isPullRequest(t.info.Event) {
		t.pullRequest(ctx) // its base branch is the window's
	}
	rec := t.record(job)
	var ids []string
	for _, f := range t.res.Findings {
		ids = append(ids, f.ID)
	}
	q := ledger.Query{
		Scope:    ledger.Scope{Branch: t.windowBranch(rec), Size: t.cfg.HistoryWindow, Since: rec.Time.AddDate(0, 0, -t.cfg.HistoryDays)},
		Workflow: rec.Workflow, Now: rec.Time, Tests: ids, Record: rec, AnyJob: t.o.FromRun != 0 || t.o.FromProw != nil, IssueTests: true,
	}
	view, err := ledger.Read(ctx, store, q)
	if err != nil {
		t.warn(fmt.Sprintf("%v; this run uses the issues' own state and records nothing", err))
		return nil
	}
	t.hist = &history{store: store, view: view, record: rec, scope: q.Scope, anyJob: q.AnyJob}
	l := &plan.Ledger{Recorded: view.Recorded, Tests: map[string]plan.Tally{}}
	for id, tl := range view.Tests {
		l.Tests[id] = planTally(tl)
	}
	t.info.Ledger = l
	return nil
}

// windowBranch is the branch whose window the run reads: its own, or for
// a pull request run its base branch (the PR run is not part of it).
func (t *run) windowBranch(rec *ledger.Record) string {
	if rec.Branch != "" {
		return rec.Branch
	}
	if t.prow != nil {
		return t.prow.BaseRef // a presubmit's base branch
	}
	if isPullRequest(t.info.Event) {
		if b := t.env.Getenv("GITHUB_BASE_REF"); b != "" && t.past == nil {
			return b
		}
		// A --from-run of a pull request's run (the fork path), or a run
		// without GITHUB_BASE_REF: the pull request's own base branch.
		if t.pr != nil {
			return t.pr.base
		}
	}
	return ""
}

// record is this run's record: its key, where and when it ran, and every
// test's outcome from the reports.
func (t *run) record(job string) *ledger.Record {
	// The tests of an infrastructure failure (findings of kind "infra":
	// most of a report's tests failing at one location with one
	// signature) did not fail: the environment did. They are recorded as
	// skipped, a test or a case of a grouped test, so that a broken
	// environment neither makes every test flaky, nor breaks a passing
	// streak, nor counts toward closing anything.
	infra := map[string]bool{}
	for _, c := range t.res.InfraTests() {
		infra[c.ID] = true
	}
	byTest := map[string]ledger.Outcome{}
	for k, o := range t.set.Outcomes() {
		test, own := outcomeKey(k)
		lo := ledger.Skipped
		switch {
		case infra[own] || infra[test]:
		case o == "passed":
			lo = ledger.Passed
		case o == "failed":
			lo = ledger.Failed
		case o == "flaky":
			lo = ledger.Flaky
		}
		byTest[test] = fold(byTest[test], lo)
	}
	id := strconv.FormatInt(t.info.ID, 10)
	if t.info.ID == 0 {
		// Outside Actions a run has no id: each triage is its own run.
		id = "local-" + t.info.Started.UTC().Format("20060102T150405.000000000Z")
	}
	r := ledger.NewRecord(ledger.Key{Run: id, Attempt: t.info.Attempt, Job: job, JobKey: t.cfg.JobKey}, maps.All(byTest))
	for _, f := range t.res.Findings {
		r = r.WithSignature(f.ID, f.Signature)
	}
	r.Workflow = t.env.Getenv("GITHUB_WORKFLOW")
	if t.past != nil {
		r.Workflow = t.past.Workflow
	}
	r.SHA, r.Event, r.Time, r.URL = t.info.SHA, t.info.Event, t.info.Started.UTC(), t.info.URL
	r.Branch = recordBranch(t.info.Event, t.info.Ref, t.o.Repo, t.env.Getenv("GITHUB_REPOSITORY"), t.past != nil)
	if p := t.prow; p != nil {
		// A Prow job run: its job is the workflow, its build the run, and
		// periodic and postsubmit jobs feed their base branch.
		r.Run, r.Workflow, r.Branch = p.BuildID, p.Job, ""
		if p.Type == "periodic" || p.Type == "postsubmit" {
			r.Branch = p.BaseRef
			if r.Branch == "" {
				r.Branch = "~periodic" // a periodic job with no repository
			}
		}
	}
	return &r
}

// recordBranch is the branch a record feeds: only push, schedule and
// dispatch runs of the tracker repository feed one; pull request runs
// and runs elsewhere carry none.
func recordBranch(event, ref, tracker, runRepo string, past bool) string {
	switch event {
	case "push", "schedule", "workflow_dispatch":
	default:
		return ""
	}
	if !past && runRepo != "" && !strings.EqualFold(runRepo, tracker) {
		return ""
	}
	if past {
		return ref // a run's head branch
	}
	b, ok := strings.CutPrefix(ref, "refs/heads/")
	if !ok {
		return "" // a tag
	}
	return b
}

// jobKeyLabel is a job key as the issues show it: a matrix's values
// ("ubuntu, 1.22"), or the key itself.
func jobKeyLabel(k string) string {
	if k == "" {
		return ""
	}
	var m map[string]any
	if json.Unmarshal([]byte(k), &m) == nil && len(m) > 0 {
		keys := make([]string, 0, len(m))
		for key := range m {
			keys = append(keys, key)
		}
		sort.Strings(keys)
		var vals []string
		for _, key := range keys {
			vals = append(vals, fmt.Sprint(m[key]))
		}
		return "(" + strings.Join(vals, ", ") + ")"
	}
	return "(" + k + ")"
}

func planTally(tl ledger.Tally) plan.Tally {
	p := plan.Tally{Issue: tl.Issue, Count: tl.Count, First: tl.First, Last: tl.Last}
	for _, o := range tl.Recent {
		id, _ := strconv.ParseInt(o.Run, 10, 64)
		kind := "failure"
		if o.Outcome == "flaky" {
			kind = "flake"
		}
		job := strings.TrimSpace(o.Job + " " + jobKeyLabel(o.JobKey))
		ref := ""
		if o.Branch != "" {
			ref = "refs/heads/" + o.Branch
		}
		p.Runs = append(p.Runs, issue.Occurrence{RunID: id, Attempt: o.Attempt, Job: job, URL: o.URL, SHA: o.SHA, Event: o.Event, Ref: ref, Time: o.Time, Kind: kind, Signature: o.Signature})
	}
	return p
}

// writeLedger adds this run's record to the ledger, in file mode only: a
// dry run and annotate mode (pull requests, merge groups) read it and
// never write, nor does a pull request's run in any mode. A record already there changes nothing. When concurrent
// writers were merged on the way, the issues this run wrote are brought
// back to the ledger's counts.
func (t *run) writeLedger(ctx context.Context) error {
	h := t.hist
	// A run whose issues could not be read planned nothing, and one whose
	// issue writes failed did not finish: recording either would make its
	// rerun a no-op instead of filing what is missing.
	if h == nil || t.res.Mode != "file" || t.plan.Mode != "file" || h.view.Recorded || isPullRequest(t.info.Event) {
		return nil
	}
	if len(h.record.Tests()) == 0 {
		return nil // no report was read: the record would say nothing
	}
	if t.failed {
		t.res.Errors = append(t.res.Errors, fmt.Sprintf("the run ledger %s was not written, as issue writes failed: rerun the job to file what is missing and record the run", h.store))
		return nil
	}
	u := ledger.Update{Issues: map[string]int{}, Seed: map[string]ledger.Tally{}}
	for _, f := range t.res.Findings {
		switch f.Issue.Action {
		case plan.Create, plan.Update, plan.Reopen, plan.Known, plan.None:
			if f.Issue.Number != 0 && f.Issue.Error == "" {
				u.Issues[f.ID] = f.Issue.Number
			}
		}
	}
	for _, a := range t.plan.Actions {
		if a.Kind == plan.Storm || a.Pass || a.Content.State.Count == 0 {
			continue
		}
		if _, known := h.view.Tests[a.FindingID]; !known {
			u.Seed[a.FindingID] = seed(a.Content.State, t.info)
		}
	}
	w, err := ledger.Add(ctx, h.view, h.record, h.anyJob, u)
	switch {
	case errors.Is(err, ledger.ErrForbidden):
		t.warn(fmt.Sprintf("the run ledger %s was not written: the token may not write it (%s); give the workflow the `contents: write` permission. The run goes on without recording.", h.store, refusal(err)))
		return nil
	case err != nil:
		t.res.Errors = append(t.res.Errors, err.Error())
		t.failed = true
		return nil
	}
	if w.Added {
		t.reconcile(ctx, w)
	}
	return nil
}

// refusal is how GitHub refused a ledger write: 403, or 404 to a token
// that may not see the write endpoints.
func refusal(err error) string {
	if strings.Contains(err.Error(), "GitHub answered 404") {
		return "404"
	}
	return "403"
}

// seed is what the ledger starts a test's tally from when it has none: the
// issue's own count before this run (this run's occurrence is added by
// the record).
func seed(st issue.State, run plan.Run) ledger.Tally {
	tl := ledger.Tally{Count: st.Count, First: st.First, Last: st.Last}
	for _, o := range st.Runs {
		if o.Key() == run.Key() {
			tl.Count--
			continue
		}
		tl.Recent = append(tl.Recent, ledger.Occurrence{Key: ledger.Key{Run: strconv.FormatInt(o.RunID, 10), Attempt: o.Attempt, Job: o.Job},
			URL: o.URL, SHA: o.SHA, Event: o.Event, Branch: strings.TrimPrefix(o.Ref, "refs/heads/"), Time: o.Time, Outcome: outcomeOf(o.Kind), Signature: o.Signature})
		if len(tl.Recent) == ledger.MaxRecent {
			break
		}
	}
	if tl.Count <= 0 {
		return ledger.Tally{}
	}
	return tl
}

func outcomeOf(kind string) string {
	if kind == "flake" {
		return "flaky"
	}
	return "failed"
}

// reconcile brings the issues this run wrote to the ledger's counts when
// they may differ: a concurrent writer's record was merged into the
// ledger after this run rendered its issues, or the ledger knew more. It
// re-reads each such issue, re-renders its tool section from the ledger
// and, while the ledger keeps moving, repeats (bounded).
func (t *run) reconcile(ctx context.Context, w ledger.Written) {
	if t.client == nil {
		return
	}
	tallies := w.Tests
	// A write that met no concurrent writer rendered the issues from what
	// it committed on: only a count that differs needs a look.
	raced := w.Tries > 1
	for round := 0; round < 3; round++ {
		fixed := 0
		for _, a := range t.plan.Actions {
			if !a.Writes() || a.Kind == plan.Storm || a.Pass {
				continue
			}
			tl, ok := tallies[a.FindingID]
			if !ok || !raced && round == 0 && tl.Count == a.Content.State.Count {
				continue
			}
			number := t.issueOf(a.FindingID)
			if number == 0 {
				continue
			}
			body, _, err := t.client.Body(ctx, number)
			if err != nil {
				t.res.Errors = append(t.res.Errors, err.Error())
				continue
			}
			p, perr := issue.Parse(body)
			if !p.Found || p.ID != issue.CanonicalID(a.FindingID) {
				continue
			}
			if perr == nil && p.State.Count == tl.Count && p.State.Last.Equal(tl.Last) {
				continue
			}
			st := p.State
			if perr != nil {
				st = issue.State{ID: p.ID}
			}
			c := a.Content
			c.State = plan.Restore(st, planTally(tl))
			if err := t.client.SetBody(ctx, number, issue.Render(p.Human, c)); err != nil {
				t.res.Errors = append(t.res.Errors, err.Error())
				continue
			}
			fixed++
		}
		if fixed == 0 && (round > 0 || !raced) {
			return
		}
		v, err := ledger.Read(ctx, t.hist.store, ledger.Query{})
		if err != nil || sameCounts(v.Tests, tallies) {
			return
		}
		tallies = v.Tests
	}
}

func sameCounts(a, b map[string]ledger.Tally) bool {
	if len(a) != len(b) {
		return false
	}
	for id, x := range a {
		if b[id].Count != x.Count {
			return false
		}
	}
	return true
}

// issueOf is the number of the issue a finding's test ended up with.
func (t *run) issueOf(id string) int {
	for _, f := range t.res.Findings {
		if f.ID == id {
			return f.Issue.Number
		}
	}
	return 0
}

// warn reports a problem that leaves the run's result and exit code as
// they are: a warning annotation inside Actions, and a line of the summary.
func (t *run) warn(msg string) {
	t.res.Errors = append(t.res.Errors, msg)
	if t.gha != nil {
		t.gha.gha.Warningf("%s", msg)
	}
}
