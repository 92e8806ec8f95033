// Package plan decides, with no I/O, what flake-triage does to the issue
// tracker for a run's findings: create, update or reopen one issue per
// failing test, or nothing. The tracker package applies the plan; a dry
// run prints it.
package plan

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/flake-triage/flake-triage/internal/adoption"
	"github.com/flake-triage/flake-triage/internal/health"
	"github.com/flake-triage/flake-triage/internal/issue"
	"github.com/flake-triage/flake-triage/internal/triage"
)

// Action kinds.
const (
	Create = "create"
	Update = "update"
	Reopen = "reopen"
	Known  = "known"
	Storm  = "storm"
	None   = "none"
	// Adopt takes over an issue that people filed about the test: the
	// tool's section is appended below their text.
	Adopt = "adopt"
	// Wait files nothing yet: the test failed in fewer runs of its window
	// than file-after.
	Wait = "wait"
	// Close closes an open issue whose test passed close-after runs in a
	// row, with one comment giving the evidence.
	Close = "close"
)

// A Policy holds the knobs of the repository config (docs/config.md).
type Policy struct {
	// MaxNewIssues is the storm guard: more new findings than this in one
	// run file one issue for the broken run instead.
	MaxNewIssues int
	MaxAssignees int
	// CommentInterval spaces the tool's comments on one issue, except on
	// reopen or a new failure signature.
	CommentInterval time.Duration
	// ReopenWindow: issues closed longer ago are not reopened; a new issue
	// links the old one.
	ReopenWindow time.Duration
	// ConsistentAfter is how many tracked runs in a row must fail with no
	// passing attempt before an issue is marked consistently failing.
	ConsistentAfter int
	// KindLabels maps a finding kind ("failure", "flake", "infra") to its label.
	KindLabels  map[string]string
	ExtraLabels []string
	// TitleTemplates maps a kind to a title template (see issue.Title).
	TitleTemplates map[string]string
	// ConsistentSuffix is appended to the title of a consistently failing test.
	ConsistentSuffix string
	QuietLabel       string
	IgnoreLabel      string
	// Fallback are the maintainers a storm issue is assigned to.
	Fallback []string
	// Adopt lets the tool take over an issue that people filed about a
	// test before it tracked it (see package adoption).
	Adopt bool
	// FileAfter: a test gets a new issue once it failed or flaked in at
	// least this many runs of its ledger window (1 without a ledger).
	FileAfter int
	// CloseAfter: an open tool issue whose test passed this many runs in a
	// row on the branch where it last failed is closed; 0 never closes.
	CloseAfter int
	// Priority are the priority labels kept from the failure rate.
	Priority []health.Level
	// QuarantineLabel marks a quarantined test's issue, which is never
	// closed; "" when the setting is not there.
	QuarantineLabel string
}

// DefaultPolicy returns the documented defaults (docs/config.md).
func DefaultPolicy() Policy {
	return Policy{
		MaxNewIssues:     10,
		MaxAssignees:     3,
		CommentInterval:  24 * time.Hour,
		ReopenWindow:     30 * 24 * time.Hour,
		ConsistentAfter:  3,
		KindLabels:       map[string]string{"failure": "kind/failing-test", "flake": "kind/flake", triage.KindInfra: "kind/failing-test"},
		TitleTemplates:   map[string]string{"failure": "[Failing test] {name}", "flake": "[Flaky test] {name}", triage.KindInfra: "[Infrastructure failure] {name}"},
		ConsistentSuffix: " (consistently failing)",
		QuietLabel:       "quiet",
		IgnoreLabel:      "ignore",
		Adopt:            true,
		FileAfter:        1,
		CloseAfter:       10,
	}
}

// A Run is the CI run whose reports were triaged.
type Run struct {
	Repo      string // owner/name
	ServerURL string // https://github.com
	ID        int64
	Attempt   int
	Job, SHA  string
	Event     string
	Ref       string
	URL       string // the run's page
	Started   time.Time
	// Passed reports whether the test with this identity (its innermost
	// suite name, classname and name) ran in this run and passed on every
	// attempt, as report.Set.Outcome answers from the run's reports. Make
	// asks it only about the tests of open issues with no finding in this
	// run: a pass ends their streak of failing runs. Nil when unknown
	// (then no tracked test counts as passed); it must not write anything.
	Passed func(suite, classname, name string) bool `json:"-"`
	// Prow is the Prow job run, nil for other CI (see ProwJob).
	Prow *ProwJob `json:",omitempty"`
	// Tests are every test of the run as adoption matches them: the
	// findings' (with their ids) and the passing ones, which tell whether
	// a text names one test only. Nil turns adoption off.
	Tests []adoption.Test `json:"-"`
	// Ledger is what the run ledger knows; nil without one (then the
	// issues' own state is all the memory there is).
	Ledger *Ledger `json:"-"`
}

// Key identifies the run attempt and job: rerunning the tool on it changes nothing.
func (r Run) Key() string { return r.occurrence("", "").Key() }

func (r Run) occurrence(kind, sig string) issue.Occurrence {
	return issue.Occurrence{RunID: r.ID, Attempt: r.Attempt, Job: r.Job, URL: r.URL, SHA: r.SHA, Event: r.Event, Ref: r.Ref, Time: r.Started, Kind: kind, Signature: sig}
}

// An Issue is the tracker state of one issue as the plan sees it.
type Issue struct {
	Number              int
	Title, Body, State  string // State is "open" or "closed"
	URL                 string
	Labels, Assignees   []string
	CreatedAt, ClosedAt time.Time
}

// An Action is one thing to do to the tracker, with the reason for it.
type Action struct {
	// Kind is create, update, reopen, known, storm or none.
	Kind string
	// FindingID is the finding acted for; FindingIDs lists every finding a
	// storm action covers.
	FindingID  string
	FindingIDs []string `json:",omitempty"`
	// Number and URL name the existing issue (0 for create and a new storm).
	Number int
	URL    string `json:",omitempty"`
	// Title is the title of a new issue, or of an existing one when the
	// tool changes it (marking a consistent failure); "" keeps it.
	Title string `json:",omitempty"`
	// Body is the full body to write; "" writes none.
	Body string `json:"-"`
	// Labels are a new issue's labels, or labels to add to an existing one.
	Labels       []string `json:",omitempty"`
	RemoveLabels []string `json:",omitempty"`
	// Assignees are the candidates, in order; the executor keeps the
	// assignable ones, at most MaxAssignees. Never set on existing issues.
	Assignees    []string `json:",omitempty"`
	MaxAssignees int      `json:",omitempty"`
	// Comment is posted on the issue after the other writes ("" for none).
	Comment string `json:"-"`
	// Duplicates are other open issues with the same id, to close as
	// duplicates of Number.
	Duplicates []int `json:",omitempty"`
	Reason     string
	// Content is what the tool section was rendered from, so that the
	// executor can re-render it when it folds a concurrent duplicate in.
	Content issue.Content `json:"-"`
	// Pass is true for the update of an issue whose test has no finding
	// because it passed on every attempt of the run (see Run.Passed).
	Pass bool
	// Alternates are the next most specific owners after Assignees, in
	// order (the finding's mentioned users): when GitHub refuses to assign
	// one of Assignees, the executor mentions that login instead and gives
	// its slot to the first assignable alternate.
	Alternates []string `json:",omitempty"`
	// Candidates are the issues people filed that name the finding's test:
	// the one adopted, or those a new issue links.
	Candidates []adoption.Evidence `json:",omitempty"`
}

// Writes reports whether applying the action changes the tracker.
func (a Action) Writes() bool {
	switch a.Kind {
	case Create, Update, Reopen, Adopt, Close:
		return true
	case Storm:
		return a.Number == 0
	}
	return false
}

// A Plan is every action for one run.
type Plan struct {
	Mode    string // "file" or "annotate"
	Run     Run
	Actions []Action
}

// Make decides, with no I/O, what to do with the tracker for these
// findings given the issues Load found (open ones and those closed
// recently). In "annotate" mode it only tells which open issues are known.
//
// In "file" mode it also asks run.Passed about the test of each open issue
// that has no finding in this run: when the test passed on every attempt,
// its streak of failing runs ends, and the issue is updated (body, and the
// consistent marking dropped) with no comment. When that changes nothing
// (no streak, not marked, or this run was recorded already), it writes
// nothing.
func Make(findings []triage.Finding, issues []Issue, p Policy, run Run, mode string) Plan {
	pl := Plan{Mode: mode, Run: run, Actions: make([]Action, 0, len(findings))}
	open, closed, marked := index(issues)
	restoreAll(open, closed, issues, run.Ledger)
	if run.Ledger != nil && run.Ledger.Recorded && mode == "file" {
		pl.Actions = recorded(findings, open, p, run)
		return pl
	}
	human := humans(issues, marked, p, run)
	// Fold in duplicates closed by concurrent runs, in case their
	// occurrences were lost on the kept issue.
	for id, l := range closed {
		for _, d := range l {
			n := issue.DuplicateOf(d.Body)
			for i := range open[id] {
				if n != 0 && open[id][i].Number == n {
					open[id][i].p.State = open[id][i].p.State.Merge(d.p.State)
				}
			}
		}
	}
	var creates []int
	seen := map[string]bool{}
	byTop := caseIndex(open)
	for _, f := range findings {
		if seen[f.ID] {
			continue
		}
		seen[f.ID] = true
		own, link := adoptCase(f, open[f.ID], caseIssues(f, open, byTop))
		var target *parsedIssue
		if len(own) > 0 {
			target = &own[0]
		}
		adopted := len(open[f.ID]) == 0 && target != nil
		if adopted {
			seen[target.p.ID] = true
		}
		a := decide(f, own, closed[f.ID], p, run, mode)
		linkCases(&a, f, target, adopted, link, p)
		if a.Kind == Create {
			a = adopt(a, f, human, p, run, mode)
		}
		if a.Kind == Create {
			a = wait(a, f, p, run)
		}
		if a.Kind == Create {
			creates = append(creates, len(pl.Actions))
		}
		pl.Actions = append(pl.Actions, a)
	}
	if mode == "file" && run.Passed != nil {
		pl.Actions = append(pl.Actions, passes(open, seen, p, run)...)
	}
	if len(creates) > p.MaxNewIssues && p.MaxNewIssues >= 0 {
		pl.Actions = storm(pl.Actions, creates, findings, open, p, run)
		return pl
	}
	// Only now, when the storm guard has not folded them, are the new
	// issues' titles and bodies worth rendering: a broken run may have
	// thousands.
	for _, i := range creates {
		a := &pl.Actions[i]
		f := a.Content.Finding
		a.Content.State = a.Content.State.WithTest(f.Test.Suite, f.Test.Classname, f.Test.Name)
		tmpl := p.TitleTemplates[f.Kind]
		if tmpl == "" {
			tmpl = "[Failing test] {name}"
		}
		a.Title = issue.Title(tmpl, f.Test.Name, f.Test.Classname, f.Test.Suite, f.Kind)
		a.Body = issue.Render(issue.DefaultHuman, a.Content)
	}
	return pl
}

// StormID keys the storm issue of a run attempt and job.
func StormID(run Run) string { return "storm/" + run.Repo + "/" + run.Key() }

type parsedIssue struct {
	Issue
	p issue.Parsed
	// stale is set when the run ledger knows more than the issue's state
	// (see restoreAll).
	stale bool
	// garbled is set when the issue's state block could not be read.
	garbled bool
}

// index parses each issue once: the tool's issues by test id, open and
// closed, and which issues carry the tool's marker (marked[i] for
// issues[i]), so that adoption looks only at the others.
func index(issues []Issue) (open, closed map[string][]parsedIssue, marked []bool) {
	open, closed = map[string][]parsedIssue{}, map[string][]parsedIssue{}
	marked = make([]bool, len(issues))
	for i, is := range issues {
		p, err := issue.Parse(is.Body)
		marked[i] = p.Found
		if !p.Found || err != nil && p.ID == "" {
			continue
		}
		if err != nil { // a marker whose state was mangled: start the state afresh
			p.State = issue.State{ID: p.ID}
		}
		pi := parsedIssue{Issue: is, p: p, garbled: err != nil}
		if is.State == "closed" {
			closed[p.ID] = append(closed[p.ID], pi)
		} else {
			open[p.ID] = append(open[p.ID], pi)
		}
	}
	for _, l := range open {
		sort.Slice(l, func(i, j int) bool { return l[i].Number < l[j].Number })
	}
	for _, l := range closed {
		sort.Slice(l, func(i, j int) bool { return l[i].ClosedAt.After(l[j].ClosedAt) })
	}
	return open, closed, marked
}

func hasLabel(labels []string, name string) bool {
	for _, l := range labels {
		if name != "" && strings.EqualFold(l, name) {
			return true
		}
	}
	return false
}

func decide(f triage.Finding, open, closed []parsedIssue, p Policy, run Run, mode string) Action {
	a := Action{FindingID: f.ID}
	occ := run.occurrence(f.Kind, f.Signature)
	if len(open) > 0 {
		is := open[0]
		a.Number, a.URL = is.Number, is.URL
		for _, d := range open[1:] {
			a.Duplicates = append(a.Duplicates, d.Number)
		}
		switch {
		case hasLabel(is.Labels, p.IgnoreLabel):
			a.Kind, a.Duplicates, a.Reason = None, nil, fmt.Sprintf("#%d carries the %q label: this test is not tracked", is.Number, p.IgnoreLabel)
		case mode == "annotate":
			a.Kind, a.Duplicates, a.Reason = Known, nil, fmt.Sprintf("known open issue #%d", is.Number)
		case is.p.State.Has(occ.Key()):
			a.Kind, a.Duplicates, a.Reason = None, nil, fmt.Sprintf("#%d already records run %s", is.Number, occ.Key())
		default:
			update(&a, f, is, occ, p, run, false)
		}
		return a
	}
	if len(closed) > 0 && !closed[0].ClosedAt.Before(run.Started.Add(-p.ReopenWindow)) {
		is := closed[0]
		a.Number, a.URL = is.Number, is.URL
		switch {
		case is.p.State.Has(occ.Key()):
			a.Kind, a.Reason = None, fmt.Sprintf("closed #%d already records run %s", is.Number, occ.Key())
		case mode == "annotate":
			a.Kind, a.Reason = None, fmt.Sprintf("closed issue #%d would be reopened in file mode", is.Number)
		default:
			update(&a, f, is, occ, p, run, run.Started.After(is.ClosedAt))
		}
		return a
	}
	if mode == "annotate" {
		a.Kind, a.Reason = None, "no open issue; annotate mode files none"
		return a
	}
	a.Kind = Create
	a.Reason = "no open or recently closed issue tracks this test"
	st := issue.State{ID: f.ID}
	if run.Ledger != nil {
		st = Restore(st, run.Ledger.Tests[f.ID])
	}
	st = st.Add(occ)
	c := content(f, run, st)
	if len(closed) > 0 {
		old := closed[0]
		c.Note = fmt.Sprintf("This test was tracked before in #%d, closed %s, longer ago than the reopen window.", old.Number, old.ClosedAt.UTC().Format("2006-01-02"))
		a.Reason = fmt.Sprintf("#%d was closed longer ago than the reopen window", old.Number)
	}
	// Make sets Title and Body once the storm guard has spoken.
	a.Content = c
	a.Labels = union([]string{p.KindLabels[f.Kind]}, f.Labels, f.Owners.Labels, p.ExtraLabels)
	a.Assignees = union(f.Assignees)
	c.State = prioritise(&a, f, nil, c.State, p)
	a.Content = c
	// The finding's assignees are max-assignees experts plus the member
	// on duty, who is assigned in addition: the cap must not drop them.
	a.MaxAssignees = max(p.MaxAssignees, len(a.Assignees))
	for _, m := range f.Mentions {
		if !strings.ContainsAny(m, "/@") && !slices.Contains(a.Assignees, m) { // users only: teams and e-mails are never assigned
			a.Alternates = append(a.Alternates, m)
		}
	}
	return a
}

func update(a *Action, f triage.Finding, is parsedIssue, occ issue.Occurrence, p Policy, run Run, reopen bool) {
	prev := is.p.State
	st := prev.Add(occ).WithTest(f.Test.Suite, f.Test.Classname, f.Test.Name)
	a.Kind = Update
	a.Reason = fmt.Sprintf("new occurrence of the test of #%d (%d recorded)", is.Number, st.Count)
	if is.garbled && !is.stale {
		a.Reason += fmt.Sprintf("; the state block of #%d was unreadable and no run ledger knows the test: its count restarts from this run", is.Number)
	}
	quiet := hasLabel(is.Labels, p.QuietLabel)
	var why string
	switch {
	case reopen:
		a.Kind = Reopen
		a.Reason = fmt.Sprintf("failed in run %d, which started after #%d was closed", run.ID, is.Number)
		why = fmt.Sprintf("Reopened: this test failed again in %s, which started %s, after this issue was closed (%s).",
			runRef(run), stamp(run.Started), stamp(is.ClosedAt))
	case is.State == "closed":
		a.Reason = fmt.Sprintf("run %d started before #%d was closed: recorded, the issue stays closed", run.ID, is.Number)
		why = fmt.Sprintf("Recorded a failure from %s, which started %s, before this issue was closed (%s): it is older evidence, so the issue stays closed.",
			runRef(run), stamp(run.Started), stamp(is.ClosedAt))
	case f.Signature != "" && !prev.HasSignature(f.Signature):
		why = fmt.Sprintf("New failure signature %s in %s.", issue.Code(f.Signature), runRef(run))
	case !prev.LastComment.IsZero() && run.Started.Sub(prev.LastComment) >= p.CommentInterval || prev.LastComment.IsZero() && run.Started.Sub(prev.First) >= p.CommentInterval:
		why = fmt.Sprintf("Failed again in %s: %d occurrences since %s.", runRef(run), st.Count, stamp(st.First))
	}
	if why != "" && !quiet {
		st.LastComment = run.Started
		a.Comment = issue.Comment(f.ID, occ.Key(), why+"\n\n"+issue.Excerpt(f.Message))
	} else if why != "" {
		a.Reason += fmt.Sprintf("; no comment: #%d carries the %q label", is.Number, p.QuietLabel)
	}
	// Consistently failing: mark on the threshold, unmark on a later flake.
	fail, flake := p.KindLabels["failure"], p.KindLabels["flake"]
	consistent := p.ConsistentAfter > 0 && st.Streak >= p.ConsistentAfter
	if f.History != nil {
		// With a run ledger, its window judges: broken is consistent.
		consistent = f.Verdict == health.Broken
	}
	switch {
	case !prev.Consistent && consistent:
		st.Consistent = true
		a.Labels = union([]string{fail})
		a.RemoveLabels = present(is.Labels, flake, fail)
		if p.ConsistentSuffix != "" && !strings.HasSuffix(is.Title, p.ConsistentSuffix) {
			a.Title = is.Title + p.ConsistentSuffix
		}
		a.Reason += fmt.Sprintf("; marked consistently failing after %d failing runs in a row", st.Streak)
	case prev.Consistent && !consistent:
		st.Consistent = false
		unmark(a, is, p)
		a.Reason += "; flaked, no longer consistently failing"
	}
	st = prioritise(a, f, is.Labels, st, p)
	c := content(f, run, st)
	a.Body = issue.Render(is.p.Human, c)
	a.Content = c
}

// unmark drops the consistently failing marking of is: the flake label
// back, the failing label and the title suffix off.
func unmark(a *Action, is parsedIssue, p Policy) {
	fail, flake := p.KindLabels["failure"], p.KindLabels["flake"]
	a.Labels = union([]string{flake})
	a.RemoveLabels = present(is.Labels, fail, flake)
	if p.ConsistentSuffix != "" && strings.HasSuffix(is.Title, p.ConsistentSuffix) {
		a.Title = strings.TrimSuffix(is.Title, p.ConsistentSuffix)
	}
}

// passes plans the open issues whose test has no finding in this run
// (seen holds the ids with one) but passed on every attempt of it: the
// pass ends the test's streak of failing runs and turns a consistently
// failing test back, in one body update with no comment. An issue whose
// state would not change gets no action: no streak to end, this run's
// pass recorded already (a rerun), or a newer failure recorded. So do
// issues whose recorded test identity is missing (bodies written before
// it was recorded) or does not hash to their id (it was cut or redacted
// when recorded, so it does not name the test), and ignored ones.
func passes(open map[string][]parsedIssue, seen map[string]bool, p Policy, run Run) []Action {
	ids := make([]string, 0, len(open))
	for id := range open {
		if !seen[id] {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	var out []Action
	for _, id := range ids {
		is := open[id][0]
		if a, ok := closing(id, is, p, run); ok {
			out = append(out, a)
			continue
		}
		prev := is.p.State
		t := prev.Test
		if t == nil || triage.ID(t.Suite, t.Classname, t.Name) != id || hasLabel(is.Labels, p.IgnoreLabel) || !run.Passed(t.Suite, t.Classname, t.Name) {
			continue
		}
		st := prev.Pass(run.occurrence("pass", ""))
		turnBack := prev.Consistent && st.Streak < p.ConsistentAfter
		var pa Action
		st, reprio := passPriority(&pa, id, is.Labels, st, p, run)
		if st.Streak == prev.Streak && !turnBack && !reprio {
			continue
		}
		a := Action{Kind: Update, FindingID: id, Number: is.Number, URL: is.URL, Pass: true,
			Reason: fmt.Sprintf("passed on every attempt in run %d: the streak of %d failing runs of #%d ends", run.ID, prev.Streak, is.Number)}
		if st.Streak == prev.Streak {
			a.Reason = fmt.Sprintf("passed on every attempt in run %d", run.ID)
		}
		if turnBack {
			st.Consistent = false
			unmark(&a, is, p)
			a.Reason += "; no longer consistently failing"
		}
		a.Labels, a.RemoveLabels = union(a.Labels, pa.Labels), union(a.RemoveLabels, pa.RemoveLabels)
		a.Reason += pa.Reason
		body, err := issue.Restate(is.Body, st)
		if err != nil {
			a.Kind, a.Labels, a.RemoveLabels, a.Title = None, nil, nil, ""
			a.Reason = fmt.Sprintf("#%d: the pass in run %d cannot be recorded: %v", is.Number, run.ID, err)
			out = append(out, a)
			continue
		}
		a.Body = body
		out = append(out, a)
	}
	return out
}

// present returns name when labels has it and it differs from keep.
func present(labels []string, name, keep string) []string {
	if name != "" && name != keep && hasLabel(labels, name) {
		return []string{name}
	}
	return nil
}

func content(f triage.Finding, run Run, st issue.State) issue.Content {
	return issue.Content{Finding: f, Server: run.ServerURL, Repo: run.Repo, SHA: run.SHA, State: st}
}

func runRef(r Run) string {
	if r.URL != "" {
		return fmt.Sprintf("[run %d](%s) (attempt %d, %s)", r.ID, r.URL, r.Attempt, issue.Cell(r.Job))
	}
	return fmt.Sprintf("run %d (attempt %d, %s)", r.ID, r.Attempt, issue.Cell(r.Job))
}

func stamp(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") }

func union(lists ...[]string) []string {
	var out []string
	seen := map[string]bool{}
	for _, l := range lists {
		for _, s := range l {
			k := strings.ToLower(strings.TrimSpace(s))
			if k == "" || seen[k] {
				continue
			}
			seen[k] = true
			out = append(out, strings.TrimSpace(s))
		}
	}
	return out
}

// storm folds the create actions into one action for the broken run.
func storm(actions []Action, creates []int, findings []triage.Finding, open map[string][]parsedIssue, p Policy, run Run) []Action {
	byID := make(map[string]int, len(findings))
	for i := range findings {
		byID[findings[i].ID] = i
	}
	id := StormID(run)
	s := Action{Kind: Storm, FindingID: id}
	fs := make([]triage.Finding, 0, len(creates))
	for _, i := range creates {
		s.FindingIDs = append(s.FindingIDs, actions[i].FindingID)
		fs = append(fs, findings[byID[actions[i].FindingID]])
	}
	if ex := open[id]; len(ex) > 0 {
		s.Number, s.URL = ex[0].Number, ex[0].URL
		s.Reason = fmt.Sprintf("storm issue #%d already covers this run", ex[0].Number)
	} else {
		s.Reason = fmt.Sprintf("%d new failing tests in one run, more than max-new-issues (%d): one issue for the broken run", len(creates), p.MaxNewIssues)
		s.Title = issue.Title(fmt.Sprintf("[Broken run] %d tests failed in {name}", len(creates)), run.Job, "", "", "failure")
		s.Body = issue.RenderStorm(issue.Storm{ID: id, Server: run.ServerURL, Repo: run.Repo, SHA: run.SHA, Run: run.occurrence("failure", ""), Findings: fs})
		s.Labels = union([]string{p.KindLabels["failure"]}, p.ExtraLabels)
		s.Assignees = union(p.Fallback)
		s.MaxAssignees = p.MaxAssignees
	}
	out := make([]Action, 0, len(actions)-len(creates)+1)
	isCreate := map[int]bool{}
	for _, i := range creates {
		isCreate[i] = true
	}
	for i, a := range actions {
		if !isCreate[i] {
			out = append(out, a)
		}
	}
	return append(out, s)
}

// Issues returns what the plan would do for each finding id (the result's
// finding.issue), as a dry run reports it.
func (pl Plan) Issues() map[string]triage.Issue {
	m := map[string]triage.Issue{}
	for _, a := range pl.Actions {
		ti := triage.Issue{Action: a.Kind, Number: a.Number, URL: a.URL, Reason: a.Reason}
		for _, c := range a.Candidates {
			ti.Candidates = append(ti.Candidates, triage.Candidate{Number: c.Number, Closed: c.Closed, Text: c.Text, Where: c.Where, Rule: c.Rule})
		}
		if a.Kind == Storm {
			for _, id := range a.FindingIDs {
				m[id] = ti
			}
			continue
		}
		m[a.FindingID] = ti
	}
	return m
}

// Markdown renders the plan for a dry run or a job summary, from the same
// actions the executor applies.
func (pl Plan) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "### flake-triage plan (%s mode, run %d attempt %d, %s)\n\n", pl.Mode, pl.Run.ID, pl.Run.Attempt, issue.Cell(pl.Run.Job))
	if p := pl.Run.Prow; p != nil {
		fmt.Fprintf(&b, "Prow %s job %s, [build %s](%s)\n\n", issue.Cell(p.Type), issue.Cell(p.Job), issue.Cell(p.BuildID), p.URL)
	}
	b.WriteString("| Action | Issue | Finding | Reason |\n|---|---|---|---|\n")
	for _, a := range pl.Actions {
		n := "new"
		if a.Number > 0 {
			n = fmt.Sprintf("#%d", a.Number)
		}
		id := a.FindingID
		if a.Kind == Storm {
			id = fmt.Sprintf("%d findings", len(a.FindingIDs))
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", a.Kind, n, issue.CodeCell(id), issue.Cell(a.Reason))
	}
	return b.String()
}
