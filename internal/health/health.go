// Package health turns a test's window of outcomes from the run ledger into
// the judgement a test maintainer makes by hand: how often it fails, since
// when, whether it is new, flaky or broken. It is pure: the window comes
// in, statistics and a verdict come out. See docs/health.md.
package health

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"time"
)

// An Outcome is what became of a test in one run.
type Outcome string

// Outcomes. A skipped outcome never reaches a window.
const (
	Passed Outcome = "passed"
	Failed Outcome = "failed"
	Flaky  Outcome = "flaky"
)

// failing reports whether the test failed or flaked.
func (o Outcome) failing() bool { return o == Failed || o == Flaky }

// A Run is one record of a test's window: a run attempt of one job that
// ran the test, and the test's outcome in it.
type Run struct {
	Run     string
	Attempt int
	Job     string
	SHA     string
	Time    time.Time
	URL     string
	Outcome Outcome
}

// A Point names a run in the JSON result.
type Point struct {
	Run     string    `json:"run"`
	Attempt int       `json:"attempt"`
	Job     string    `json:"job"`
	SHA     string    `json:"sha"`
	Time    time.Time `json:"time"`
	URL     string    `json:"url"`
}

func pointOf(r Run) *Point {
	return &Point{Run: r.Run, Attempt: r.Attempt, Job: r.Job, SHA: r.SHA, Time: r.Time.UTC(), URL: r.URL}
}

// History is a test's statistics over its window, as the JSON result
// gives them per finding.
type History struct {
	// Runs counts the window's records that ran the test.
	Runs   int `json:"runs"`
	Failed int `json:"failed"`
	Flaky  int `json:"flaky"`
	Passed int `json:"passed"`
	// Rate is (Failed + Flaky) / Runs, unrounded; 0 when Runs is 0.
	Rate float64 `json:"rate"`
	// Streak counts the consecutive runs, newest back, in which the test
	// failed or flaked.
	Streak int `json:"streak"`
	// FirstFailure is the earliest failure or flake in the window.
	FirstFailure *Point `json:"first_failure"`
	// LastPass is the newest pass before the current streak.
	LastPass *Point `json:"last_pass"`
	// Suspects are the commits since LastPass that touched the failing
	// code; nil when unknown.
	Suspects *Suspects `json:"suspects"`
	// Chart is the Mermaid chart of the window's runs and failures per
	// day (Chart), for the issue body; not part of the JSON result.
	Chart string `json:"-"`
	// Trend is the window run by run, oldest first, one character each
	// (Trend), for the readable plan; not part of the JSON result.
	Trend string `json:"-"`
	// Base is the base branch whose window a pull request run's
	// statistics describe, for the annotations ("on main"); "" on a
	// branch run. Not part of the JSON result.
	Base string `json:"-"`
}

// Sentence says the rate as the issue and the annotations show it:
// "failed 5 of the last 50 runs (10%)".
func (h History) Sentence() string {
	n := h.Failed + h.Flaky
	if h.Runs == 1 {
		return fmt.Sprintf("failed %d of the last run (%s)", n, Percent(h.Rate))
	}
	return fmt.Sprintf("failed %d of the last %d runs (%s)", n, h.Runs, Percent(h.Rate))
}

// Percent formats a rate as a whole percentage, "<1%" for a rate above 0
// that rounds to 0.
func Percent(rate float64) string {
	p := math.Round(rate * 100)
	if p == 0 && rate > 0 {
		return "<1%"
	}
	return fmt.Sprintf("%d%%", int(p))
}

// Suspects are the commits between the last passing run and this one
// that touched the finding's files or their directories.
type Suspects struct {
	Base       string   `json:"base"`
	Head       string   `json:"head"`
	CompareURL string   `json:"compare_url"`
	Commits    []Commit `json:"commits"`
}

// A Commit is a suspect commit; its author is listed without "@".
type Commit struct {
	SHA    string   `json:"sha"`
	Title  string   `json:"title"`
	Author string   `json:"author"`
	Files  []string `json:"files"`
}

// Sort orders a window newest first: by time, then by run id (numerically
// when both are numbers), attempt and job, so that records that arrive out
// of order, or with the same time, give the same statistics as sorted ones.
func Sort(w []Run) {
	sort.SliceStable(w, func(i, j int) bool { return newer(w[i], w[j]) })
}

func newer(a, b Run) bool {
	if !a.Time.Equal(b.Time) {
		return a.Time.After(b.Time)
	}
	if a.Run != b.Run {
		x, errx := strconv.ParseInt(a.Run, 10, 64)
		y, erry := strconv.ParseInt(b.Run, 10, 64)
		if errx == nil && erry == nil {
			return x > y
		}
		return a.Run > b.Run
	}
	if a.Attempt != b.Attempt {
		return a.Attempt > b.Attempt
	}
	return a.Job > b.Job
}

// Compute returns the statistics of a window: at most size runs (the
// newest), in any order. A size of 0 or less keeps them all.
func Compute(window []Run, size int) History {
	w := newest(window, size)
	var h History
	h.Runs = len(w)
	for _, r := range w {
		switch r.Outcome {
		case Failed:
			h.Failed++
		case Flaky:
			h.Flaky++
		case Passed:
			h.Passed++
		}
	}
	if h.Runs > 0 {
		h.Rate = float64(h.Failed+h.Flaky) / float64(h.Runs)
	}
	for h.Streak < len(w) && w[h.Streak].Outcome.failing() {
		h.Streak++
	}
	if h.Streak < len(w) {
		h.LastPass = pointOf(w[h.Streak])
	}
	for i := len(w) - 1; i >= 0; i-- {
		if w[i].Outcome.failing() {
			h.FirstFailure = pointOf(w[i])
			break
		}
	}
	return h
}

// Verdicts.
const (
	New           = "new"
	FlakyVerdict  = "flaky"
	Broken        = "broken"
	FailingOnBase = "failing-on-base"
	Quarantined   = "quarantined"
	Unknown       = "unknown"
)

// newest is a sorted copy of window, newest first, cut to its size
// newest runs when size is positive.
func newest(window []Run, size int) []Run {
	w := append([]Run(nil), window...)
	Sort(w)
	if size > 0 && len(w) > size {
		w = w[:size]
	}
	return w
}

// BranchVerdict judges a finding of a run on a branch from its window,
// which holds this run: broken when its last consistentAfter outcomes all
// failed (a flake passed in the end, so it never counts toward broken);
// flaky when the window holds a failure before the current streak (so it
// passed in between); new when its failures are all in the current
// streak; unknown when the window is empty.
func BranchVerdict(window []Run, size, consistentAfter int) string {
	w := newest(window, size)
	if len(w) == 0 {
		return Unknown
	}
	if consistentAfter > 0 && len(w) >= consistentAfter {
		broken := true
		for _, r := range w[:consistentAfter] {
			if r.Outcome != Failed {
				broken = false
				break
			}
		}
		if broken {
			return Broken
		}
	}
	streak := 0
	for streak < len(w) && w[streak].Outcome.failing() {
		streak++
	}
	for _, r := range w[streak:] {
		if r.Outcome.failing() {
			return FlakyVerdict
		}
	}
	return New
}

// PullRequestVerdict judges a finding of a pull request run from its base
// branch's window, which the pull request's run is not part of:
// failing-on-base when the test failed or flaked in the base's latest run
// that ran it, flaky when it failed elsewhere in the window, new when it
// never failed there, unknown when the window is empty (nothing is called
// new without evidence).
func PullRequestVerdict(base []Run, size int) string {
	w := newest(base, size)
	if len(w) == 0 {
		return Unknown
	}
	if w[0].Outcome.failing() {
		return FailingOnBase
	}
	for _, r := range w[1:] {
		if r.Outcome.failing() {
			return FlakyVerdict
		}
	}
	return New
}

// IssueVerdict is the verdict without a ledger, from the test's issue
// alone: quarantined when the issue carries the quarantine label, flaky
// when the tool tracks the test in an issue, else unknown.
func IssueVerdict(tracked, quarantined bool) string {
	switch {
	case quarantined:
		return Quarantined
	case tracked:
		return FlakyVerdict
	}
	return Unknown
}

// Decides reports whether a verdict fails the job under fail-on: new and
// broken failures do (a finding's kind decides whether it is a failure).
func Decides(verdict string) bool { return verdict == New || verdict == Broken }
