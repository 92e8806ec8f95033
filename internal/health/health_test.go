package health

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var day0 = time.Date(2026, 11, 1, 6, 0, 0, 0, time.UTC)

// seq builds a window from a string of outcomes, oldest first, one run an
// hour: p passed, f failed, k flaky.
func seq(s string) []Run {
	var w []Run
	for i, c := range s {
		o := map[rune]Outcome{'p': Passed, 'f': Failed, 'k': Flaky}[c]
		w = append(w, Run{Run: strconv.Itoa(100 + i), Attempt: 1, Job: "e2e", SHA: "sha" + strconv.Itoa(i), Time: day0.Add(time.Duration(i) * time.Hour), Outcome: o})
	}
	return w
}

func TestCompute(t *testing.T) {
	for _, tc := range []struct {
		name                        string
		window                      string
		size                        int
		runs, failed, flaky, passed int
		rate                        float64
		streak                      int
		firstFailure, lastPass      string // run ids, "" for null
	}{
		{"empty", "", 50, 0, 0, 0, 0, 0, 0, "", ""},
		{"one failure", "f", 50, 1, 1, 0, 0, 1, 1, "100", ""},
		{"passes then a failure", "pppf", 50, 4, 1, 0, 3, 0.25, 1, "103", "102"},
		{"flake counts in the rate and the streak", "pfpkf", 50, 5, 2, 1, 2, 0.6, 2, "101", "102"},
		{"passing now", "fkp", 50, 3, 1, 1, 1, 2.0 / 3, 0, "100", "102"},
		{"window bounds the count", "fpppf", 3, 3, 1, 0, 2, 1.0 / 3, 1, "104", "103"},
		{"all failing", "fff", 50, 3, 3, 0, 0, 1, 3, "100", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := Compute(seq(tc.window), tc.size)
			got := []any{h.Runs, h.Failed, h.Flaky, h.Passed, h.Rate, h.Streak, run(h.FirstFailure), run(h.LastPass)}
			want := []any{tc.runs, tc.failed, tc.flaky, tc.passed, tc.rate, tc.streak, tc.firstFailure, tc.lastPass}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("runs, failed, flaky, passed, rate, streak, first failure, last pass (-want +got):\n%s", diff)
			}
		})
	}
}

func run(p *Point) string {
	if p == nil {
		return ""
	}
	return p.Run
}

// Records that arrive out of order (clock skew between jobs, several
// segments read) give the statistics of sorted input; so do reruns with
// one time, ordered by attempt.
func TestOrderDoesNotMatter(t *testing.T) {
	w := seq("ppfpkffpf")
	w = append(w, Run{Run: "108", Attempt: 2, Job: "e2e", Time: w[8].Time, Outcome: Failed})
	want := Compute(w, 50)
	wantV := BranchVerdict(w, 50, 3)
	for i := range 20 {
		s := append([]Run(nil), w...)
		r := rand.New(rand.NewPCG(uint64(i), 7))
		r.Shuffle(len(s), func(a, b int) { s[a], s[b] = s[b], s[a] })
		if diff := cmp.Diff(want, Compute(s, 50)); diff != "" {
			t.Fatalf("shuffle %d (-sorted +shuffled):\n%s", i, diff)
		}
		if v := BranchVerdict(s, 50, 3); v != wantV {
			t.Fatalf("shuffle %d: verdict %s, want %s", i, v, wantV)
		}
	}
	// Attempt 2 of run 108 is the newest: the streak is 2 (108/2, 108/1).
	if want.Streak != 2 || want.LastPass.Run != "107" {
		t.Errorf("streak %d, last pass %+v", want.Streak, want.LastPass)
	}
	// Run ids that are numbers order numerically at equal times.
	a := []Run{{Run: "9", Time: day0, Outcome: Failed}, {Run: "10", Time: day0, Outcome: Passed}}
	if h := Compute(a, 50); h.Streak != 0 {
		t.Errorf("run 10 is newer than run 9 at one time: streak %d, want 0", h.Streak)
	}
}

func TestBranchVerdict(t *testing.T) {
	for _, tc := range []struct {
		window string
		after  int
		want   string
	}{
		{"", 3, Unknown},
		{"f", 3, New},
		{"pppff", 3, New},
		{"pppfff", 3, Broken},
		{"fff", 3, Broken},
		{"fpf", 3, FlakyVerdict},     // passed in between
		{"fpfff", 3, Broken},         // broken beats flaky
		{"ffk", 3, New},              // a flake passed in the end: never broken
		{"kpppp f", 3, FlakyVerdict}, // spaces are skipped below
		{"ff", 2, Broken},
	} {
		w := seq(strings.ReplaceAll(tc.window, " ", ""))
		if got := BranchVerdict(w, 50, tc.after); got != tc.want {
			t.Errorf("%q after %d: %s, want %s", tc.window, tc.after, got, tc.want)
		}
	}
}

func TestBranchVerdictFlakeInStreak(t *testing.T) {
	// pfkf: the streak (newest back) is f, k, f; nothing failed before it,
	// so its failures are all new.
	if got := BranchVerdict(seq("pfkf"), 50, 3); got != New {
		t.Errorf("pfkf: %s, want new (broken needs three failed outcomes, flaky a failure before the streak)", got)
	}
}

func TestPullRequestVerdict(t *testing.T) {
	for _, tc := range []struct{ base, want string }{
		{"", Unknown},
		{"pppp", New},
		{"ppfp", FlakyVerdict},
		{"pppf", FailingOnBase},
		{"pppk", FailingOnBase},
		{"kppp", FlakyVerdict},
	} {
		if got := PullRequestVerdict(seq(tc.base), 50); got != tc.want {
			t.Errorf("base %q: %s, want %s", tc.base, got, tc.want)
		}
	}
	// Only the window counts: a failure older than history-window runs is forgotten.
	if got := PullRequestVerdict(seq("fpppp"), 4); got != New {
		t.Errorf("failure outside the window: %s, want new", got)
	}
}

func TestIssueVerdictAndDecides(t *testing.T) {
	if IssueVerdict(true, true) != Quarantined || IssueVerdict(true, false) != FlakyVerdict || IssueVerdict(false, false) != Unknown {
		t.Error("issue verdicts")
	}
	for v, want := range map[string]bool{New: true, Broken: true, FlakyVerdict: false, FailingOnBase: false, Quarantined: false, Unknown: false} {
		if Decides(v) != want {
			t.Errorf("Decides(%s) = %v", v, !want)
		}
	}
}

func TestChart(t *testing.T) {
	w := []Run{
		{Time: day0, Outcome: Passed}, {Time: day0.Add(time.Hour), Outcome: Failed},
		{Time: day0.Add(48 * time.Hour), Outcome: Flaky},
	}
	got := Chart(w, `Runs of "TestX"`)
	want := "```mermaid\nxychart-beta\n" +
		"    title \"Runs of 'TestX'\"\n" +
		"    x-axis [\"11-01\", \"11-02\", \"11-03\"]\n" +
		"    y-axis \"runs\" 0 --> 2\n" +
		"    bar [2, 0, 1]\n" +
		"    line [1, 0, 1]\n```\n"
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("chart (-want +got):\n%s", diff)
	}
	if Chart(nil, "x") != "" {
		t.Error("an empty window draws a chart")
	}
	// 90 days of runs are drawn per week.
	var long []Run
	for i := range 90 {
		long = append(long, Run{Time: day0.Add(time.Duration(i) * 24 * time.Hour), Outcome: Passed})
	}
	c := Chart(long, "x")
	axis := strings.SplitN(strings.SplitN(c, "x-axis", 2)[1], "\n", 2)[0]
	if n := strings.Count(axis, ",") + 1; n != 13 {
		t.Errorf("90 days in %d columns, want 13 weeks:\n%s", n, c)
	}
}

func TestPriority(t *testing.T) {
	levels := []Level{{"priority/important-soon", 0.1}, {"priority/critical-urgent", 0.5}}
	for _, tc := range []struct {
		name   string
		rate   float64
		labels []string
		own    string
		want   PriorityChange
	}{
		{"below every level", 0.05, nil, "", PriorityChange{}},
		{"reaches the lower", 0.1, nil, "", PriorityChange{Add: []string{"priority/important-soon"}, Set: "priority/important-soon"}},
		{"rises", 0.6, []string{"priority/important-soon"}, "priority/important-soon", PriorityChange{Add: []string{"priority/critical-urgent"}, Remove: []string{"priority/important-soon"}, Set: "priority/critical-urgent"}},
		{"falls below all", 0.0, []string{"kind/flake", "priority/important-soon"}, "priority/important-soon", PriorityChange{Remove: []string{"priority/important-soon"}}},
		{"already right", 0.2, []string{"priority/important-soon"}, "priority/important-soon", PriorityChange{Set: "priority/important-soon"}},
		{"a person's configured label", 0.9, []string{"priority/important-soon"}, "", PriorityChange{}},
		{"a person's other priority label", 0.9, []string{"priority/backlog"}, "", PriorityChange{}},
		{"a person's label next to the tool's", 0.0, []string{"priority/important-soon", "priority/awaiting-more-evidence"}, "priority/important-soon", PriorityChange{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, Reprioritise(tc.rate, levels, tc.labels, tc.own)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestSentenceAndPercent(t *testing.T) {
	cases := []struct {
		h    History
		want string
	}{
		{History{Runs: 50, Failed: 3, Flaky: 2, Rate: 0.1}, "failed 5 of the last 50 runs (10%)"},
		{History{Runs: 1, Failed: 1, Rate: 1}, "failed 1 of the last run (100%)"},
		{History{Runs: 300, Flaky: 1, Rate: 1.0 / 300}, "failed 1 of the last 300 runs (<1%)"},
		{History{Runs: 3, Rate: 0}, "failed 0 of the last 3 runs (0%)"},
	}
	for _, c := range cases {
		if got := c.h.Sentence(); got != c.want {
			t.Errorf("%+v: %q, want %q", c.h, got, c.want)
		}
	}
}

func TestDaily(t *testing.T) {
	d := func(day int) time.Time { return time.Date(2026, 3, day, 10, 0, 0, 0, time.UTC) }
	got := Daily(map[time.Time]int{d(1): 2, d(3): 5}, "Failing tests per day", "failing tests")
	for _, want := range []string{"```mermaid\nxychart-beta\n", `x-axis ["03-01", "03-02", "03-03"]`, `y-axis "failing tests" 0 --> 5`, "line [2, 0, 5]"} {
		if !strings.Contains(got, want) {
			t.Errorf("chart lacks %q:\n%s", want, got)
		}
	}
	if Daily(nil, "t", "a") != "" {
		t.Errorf("no counts gave a chart")
	}
}

func TestRateText(t *testing.T) {
	for _, c := range []struct {
		h      *History
		branch string
		want   string
	}{
		{nil, "main", ""},
		{&History{}, "main", "unknown history on main"},
		{&History{Runs: 50, Failed: 3, Flaky: 1}, "", "failed 4 of the last 50 runs"},
		{&History{Runs: 50, Failed: 3, Flaky: 1}, "main", "failed 4 of the last 50 runs on main"},
		{&History{Runs: 1, Failed: 1}, "", "failed 1 of the last run"},
		{&History{Runs: 20, Passed: 20}, "main", "never failed in the last 20 runs on main"},
	} {
		if got := RateText(c.h, c.branch); got != c.want {
			t.Errorf("RateText(%+v, %q) = %q, want %q", c.h, c.branch, got, c.want)
		}
	}
}

func TestTrend(t *testing.T) {
	for s, want := range map[string]string{"": "", "p": ".", "pfkp": ".Ff.", "ppppf": "...F"} {
		size := 50
		if s == "ppppf" {
			size = 4
		}
		w := seq(s)
		rand.New(rand.NewPCG(1, 2)).Shuffle(len(w), func(i, j int) { w[i], w[j] = w[j], w[i] })
		if got := Trend(w, size); got != want {
			t.Errorf("Trend(%q, %d) = %q, want %q", s, size, got, want)
		}
	}
}
