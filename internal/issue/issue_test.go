package issue

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/flake-triage/flake-triage/internal/triage"
	"github.com/google/go-cmp/cmp"
)

var t0 = time.Date(2026, 11, 17, 11, 40, 0, 0, time.UTC)

func finding() triage.Finding {
	return triage.Finding{
		ID:           "e2e/When testing clusterctl upgrades [clusterctl-Upgrade] Should create a management cluster",
		Kind:         "flake",
		Test:         triage.Test{Name: "When testing clusterctl upgrades Should create", Classname: "capi-e2e", Suite: "capi-e2e", Report: "reports/junit.e2e_suite.1.xml"},
		Location:     &triage.Location{Path: "test/e2e/clusterctl_upgrade.go", Line: 389},
		TestLocation: &triage.Location{Path: "test/e2e/clusterctl_upgrade_test.go", Line: 41},
		Message:      "Timed out after 1200s.\nExpected <bool>: false to be true\ncc @octocat see #123 <!-- flake-triage:begin id=evil -->",
		Signature:    "3f2a9c",
		Owners:       triage.Owners{Approvers: []string{"alice", "bob"}, Reviewers: []string{"carol"}, Files: []string{"test/e2e/OWNERS", "OWNERS"}},
		Provenance: []triage.Provenance{
			{Login: "dev", File: "test/e2e/clusterctl_upgrade.go", Role: "recent-change", Rank: 1, Commit: "89abcdef0123456789abcdef0123456789abcdef", Date: "2026-11-10T08:00:00Z"},
			{Login: "alice", File: "test/e2e/OWNERS", Line: 3, Role: "approver", Rank: 2, Alias: "e2e-approvers"},
			{Login: "org/e2e-team", File: ".github/CODEOWNERS", Line: 7, Role: "codeowner", Rank: 4},
			{Login: "bob", File: "OWNERS", Line: 4, Role: "approver", Rank: 3},
		},
		Assignees: []string{"dev", "alice"},
		Mentions:  []string{"org/e2e-team"},
		Listed:    []string{"bob"},
	}
}

func occ(run int64, at time.Time, kind, sig string) Occurrence {
	return Occurrence{RunID: run, Attempt: 1, Job: "e2e", URL: "https://github.com/o/r/actions/runs/1", SHA: "0123456789abcdef", Event: "push", Ref: "refs/heads/main", Time: at, Kind: kind, Signature: sig}
}

func TestRenderParseRoundTrip(t *testing.T) {
	f := finding()
	st := State{ID: f.ID}.Add(occ(1, t0, "flake", "a")).Add(occ(2, t0.Add(time.Hour), "failure", "b"))
	body := Render("People wrote this.\n<!-- flake-triage:begin id=human -->", Content{Finding: f, Server: "https://github.com", Repo: "o/r", SHA: "0123456789abcdef", State: st})
	got, err := Parse(body)
	if err != nil {
		t.Fatal(err)
	}
	want := Parsed{Found: true, ID: f.ID, State: st, Human: "People wrote this.\n<!-- flake-triage:begin id=human -->"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("Parse(Render()) (-want +got):\n%s", d)
	}
	for _, s := range []string{
		"https://github.com/o/r/blob/0123456789abcdef/test/e2e/clusterctl_upgrade.go#L389",
		"Approvers: `alice`, `bob`", "cc @org/e2e-team", "`test/e2e/OWNERS`", "line 3",
		"**Occurrences:** 2", "| Run | Attempt |",
	} {
		if !strings.Contains(body, s) {
			t.Errorf("body lacks %q", s)
		}
	}
	for _, s := range []string{"@octocat", "#123", "<!-- flake-triage:begin id=evil"} {
		if strings.Contains(body, s) {
			t.Errorf("body quotes %q live", s)
		}
	}
}

func TestStateAdd(t *testing.T) {
	st := State{ID: "x"}
	st = st.Add(occ(1, t0, "failure", "a"))
	st = st.Add(occ(2, t0.Add(time.Hour), "failure", "a"))
	st = st.Add(occ(2, t0.Add(time.Hour), "failure", "a")) // rerun: same key
	if st.Count != 2 || st.Streak != 2 || len(st.Signatures) != 1 {
		t.Errorf("after a rerun: count %d streak %d sigs %v, want 2 2 [a]", st.Count, st.Streak, st.Signatures)
	}
	st = st.Add(occ(3, t0.Add(-time.Hour), "flake", "b")) // an older occurrence arrives late: no effect on the streak
	if st.Streak != 2 || !st.First.Equal(t0.Add(-time.Hour)) || !st.Last.Equal(t0.Add(time.Hour)) || st.Runs[2].RunID != 3 {
		t.Errorf("late flake: %+v", st)
	}
	if st = st.Add(occ(4, t0.Add(2*time.Hour), "flake", "b")); st.Streak != 0 || st.Kind != "flake" {
		t.Errorf("new flake: streak %d kind %q, want 0 flake", st.Streak, st.Kind)
	}
	for i := 0; i < MaxRuns+10; i++ {
		st = st.Add(occ(int64(100+i), t0.Add(3*time.Hour+time.Duration(i)*time.Minute), "failure", ""))
	}
	if len(st.Runs) != MaxRuns || st.Count != 4+MaxRuns+10 {
		t.Errorf("bounded runs: %d runs, count %d", len(st.Runs), st.Count)
	}
}

func TestNeutralize(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"ping @octocat now", "ping @\u200boctocat now"},
		{"email a@b.c", "email a@\u200bb.c"},
		{"fixes #123 and o/r#4", "fixes #\u200b123 and o/r#\u200b4"},
		{"GH-12", "GH\u200b-12"},
		{"# heading #x", "# heading #x"},
		{"<!-- flake-triage:end -->", "<\u200b!-- flake-triage:end -\u200b->"},
		{"<script>alert(1)</script>", "<\u200bscript>alert(1)<\u200b/script>"},
		{"a < b -> c --flag", "a < b -> c --flag"},
		{"bell\x07\r\nok\ttab", "bell\nok\ttab"},
		{"bad \xff utf8", "bad \uFFFD utf8"},
	} {
		if got := Neutralize(tc.in); got != tc.want {
			t.Errorf("Neutralize(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestFenceCannotBeClosed(t *testing.T) {
	in := "before\n```\n<img src=x>\n````\nafter"
	got := Fence(in)
	if !strings.HasPrefix(got, "`````text\n") || !strings.HasSuffix(got, "\n`````") {
		t.Errorf("Fence = %q, want a 5-backtick fence", got)
	}
}

func TestRenderCapsSize(t *testing.T) {
	f := finding()
	f.Message = strings.Repeat("panic: boom @x #1 ", 20000)
	st := State{ID: f.ID}
	for i := 0; i < MaxRuns; i++ {
		st = st.Add(occ(int64(i), t0.Add(time.Duration(i)*time.Minute), "failure", strings.Repeat("s", 40)))
	}
	for _, human := range []string{"", strings.Repeat("human words ", 10000)} {
		body := Render(human, Content{Finding: f, State: st, Server: "https://github.com", Repo: "o/r", SHA: "abc"})
		if len(body) > MaxBody {
			t.Errorf("body of %d bytes, over %d", len(body), MaxBody)
		}
		if !strings.Contains(body, "to fit GitHub") {
			t.Error("cut body has no note saying so")
		}
		p, err := Parse(body)
		if err != nil || p.ID != f.ID || p.State.Count != MaxRuns {
			t.Errorf("cut body parses to %q count %d err %v", p.ID, p.State.Count, err)
		}
	}
}

func TestComment(t *testing.T) {
	c := Comment("id with spaces", "1/2/job", strings.Repeat("x", MaxBody))
	if len(c) > MaxBody || CommentID(c) != "id with spaces" || !strings.Contains(c, "to fit GitHub") {
		t.Errorf("Comment: %d bytes, id %q", len(c), CommentID(c))
	}
}

func TestTitle(t *testing.T) {
	if got, want := Title("[Flaky test] {name}", "a\nb  c", "", "", "flake"), "[Flaky test] a b c"; got != want {
		t.Errorf("Title = %q, want %q", got, want)
	}
	if got, want := Title("[Failing test] {name}", "TestX/case#01 @me", "", "", "failure"), "[Failing test] TestX/case#\u200b01 @\u200bme"; got != want {
		t.Errorf("Title = %q, want %q", got, want)
	}
	if got := Title("{name}", strings.Repeat("é", 300), "", "", ""); len(got) > MaxTitle {
		t.Errorf("Title of %d bytes", len(got))
	}
}

func TestStorm(t *testing.T) {
	var fs []triage.Finding
	for i := 0; i < 2000; i++ {
		f := finding()
		f.ID = strings.Repeat("t", 100) + string(rune('a'+i%26)) + strings.Repeat("x", i%7)
		fs = append(fs, f)
	}
	body := RenderStorm(Storm{ID: "storm/1/1/e2e", Run: occ(1, t0, "failure", ""), Findings: fs})
	p, err := Parse(body)
	if err != nil || p.ID != "storm/1/1/e2e" || len(body) > MaxBody || !strings.Contains(body, "more tests") {
		t.Errorf("storm body: %d bytes, id %q, err %v", len(body), p.ID, err)
	}
}

// TestStormRowsSortedByID checks that a storm lists its tests by id,
// whatever order the findings came in.
func TestStormRowsSortedByID(t *testing.T) {
	var fs []triage.Finding
	for _, id := range []string{"c-test", "a-test", "b-test"} {
		f := finding()
		f.ID, f.Test.Name = id, "name of "+id
		fs = append(fs, f)
	}
	body := RenderStorm(Storm{ID: "storm/1/1/e2e", Run: occ(1, t0, "failure", ""), Findings: fs})
	a, b, c := strings.Index(body, "name of a-test"), strings.Index(body, "name of b-test"), strings.Index(body, "name of c-test")
	if a < 0 || !(a < b && b < c) {
		t.Errorf("storm rows at %d, %d, %d, want a, b, c in order:\n%s", a, b, c, body)
	}
}

func FuzzRenderParse(f *testing.F) {
	f.Add("id-1", "msg @a #1", "human", "sig", int64(1), "job", 3)
	f.Add("<!-- flake-triage:end -->", "-->\x00```", "<!-- flake-triage:begin id=x -->", "", int64(-1), "", 0)
	f.Add("%zz", "\xff", "", "s|s", int64(9), "a b", 1)
	f.Fuzz(func(t *testing.T, id, msg, human, sig string, run int64, job string, n int) {
		fd := finding()
		fd.ID, fd.Message, fd.Signature = id, msg, sig
		st := State{ID: id}
		for i := 0; i < n%8; i++ {
			st = st.Add(Occurrence{RunID: run + int64(i), Job: job, Time: t0.Add(time.Duration(i) * time.Second), Signature: sig, Kind: "failure"})
		}
		if n%2 == 1 {
			st = st.WithTest(job, sig, msg)
		}
		body := Render(human, Content{Finding: fd, State: st})
		if len(body) > MaxBody {
			t.Fatalf("body of %d bytes", len(body))
		}
		p, err := Parse(body)
		if err != nil {
			t.Fatalf("Parse(Render()): %v", err)
		}
		if want := CanonicalID(id); p.ID != want {
			t.Fatalf("id %q, want %q", p.ID, want)
		}
		st.ID = p.ID
		if d := cmp.Diff(st, p.State); d != "" {
			t.Fatalf("state (-want +got):\n%s", d)
		}
		// A pass recorded on the body as it stands parses back too.
		next := p.State.Pass(Occurrence{RunID: run - 1, Job: job, Ref: sig, Time: t0.Add(time.Hour)})
		next.Consistent = n%3 == 0
		restated, err := Restate(body, next)
		if err != nil {
			if len(body) > MaxBody-4096 && strings.Contains(err.Error(), "over GitHub's limit") {
				return
			}
			t.Fatalf("Restate(Render()): %v", err)
		}
		if p, err = Parse(restated); err != nil || p.ID != CanonicalID(id) {
			t.Fatalf("Parse(Restate()): %q, %v", p.ID, err)
		}
		if d := cmp.Diff(next, p.State); d != "" {
			t.Fatalf("restated state (-want +got):\n%s", d)
		}
	})
}

func FuzzParse(f *testing.F) {
	f.Add(Render("", Content{Finding: finding(), State: State{ID: finding().ID}}))
	f.Add("<!-- flake-triage:begin id=a --><!-- flake-triage:state e30= -->")
	f.Add("<!-- flake-triage:begin id=%")
	f.Fuzz(func(t *testing.T, body string) {
		p, err := Parse(body)
		if err == nil && p.Found && p.State.ID != p.ID {
			t.Fatalf("parsed state for %q under id %q", p.State.ID, p.ID)
		}
		if err != nil || !p.Found {
			return
		}
		// Restating what parsed gives a body that parses to it again.
		st := p.State.Pass(Occurrence{RunID: 1, Time: p.State.Last.Add(time.Hour)})
		restated, err := Restate(body, st)
		if err != nil {
			if strings.Contains(err.Error(), "over GitHub's limit") {
				return
			}
			t.Fatalf("Restate of a body that parses: %v", err)
		}
		q, err := Parse(restated)
		if err != nil || q.ID != p.ID || q.Human != p.Human {
			t.Fatalf("Parse(Restate()) = %q, %q, %v; want %q, %q", q.ID, q.Human, err, p.ID, p.Human)
		}
		if d := cmp.Diff(st, q.State); d != "" {
			t.Fatalf("restated state (-want +got):\n%s", d)
		}
	})
}

func TestMarkDuplicate(t *testing.T) {
	body := Render("", Content{Finding: finding(), State: State{}.Add(occ(1, t0, "flake", "a"))})
	marked := MarkDuplicate(body, 42)
	p, err := Parse(marked)
	if DuplicateOf(marked) != 42 || DuplicateOf(body) != 0 || err != nil || p.State.Count != 1 || MarkDuplicate(marked, 42) != marked {
		t.Errorf("DuplicateOf = %d, parse %v", DuplicateOf(marked), err)
	}
	// Quoted output cannot forge the mark.
	f := finding()
	f.Message = "<!-- flake-triage:duplicate-of 7 -->"
	if n := DuplicateOf(Render("", Content{Finding: f})); n != 0 {
		t.Errorf("forged duplicate mark read as %d", n)
	}
}

func BenchmarkRenderParse(b *testing.B) {
	f := finding()
	f.Message = strings.Repeat("Expected <bool>: false to be true @x #1\n", 200)
	st := State{ID: f.ID}
	for i := 0; i < MaxRuns; i++ {
		st = st.Add(occ(int64(i), t0.Add(time.Duration(i)*time.Minute), "failure", "sig"))
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(Render("human", Content{Finding: f, State: st, Server: "https://github.com", Repo: "o/r", SHA: "abc"})); err != nil {
			b.Fatal(err)
		}
	}
}

func FuzzNeutralize(f *testing.F) {
	for _, s := range []string{"@octocat #1 <!-- x -->", "<<!--!--", "@@a ##1 --->", "\xff@a", "GH-1 gh-2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Neutralize(s)
		rs := []rune(got)
		for i := 0; i+1 < len(rs); i++ {
			if rs[i] == '@' && isWordRune(rs[i+1]) || rs[i] == '#' && rs[i+1] >= '0' && rs[i+1] <= '9' || rs[i] == '<' && rs[i+1] == '!' {
				t.Fatalf("Neutralize(%q) = %q keeps %q live", s, got, string(rs[i:i+2]))
			}
		}
		if f := Fence(s); strings.Count(f, "\n") < 1 || DuplicateOf(f) != 0 || IDOf(f) != "" || CommentID(f) != "" {
			t.Fatalf("Fence(%q) forges a marker: %q", s, f)
		}
	})
}

// TestRenderAroundTheFailure: related frames, the code the test calls and
// correlated log errors get a section, with log text quoted inert.
func TestRenderAroundTheFailure(t *testing.T) {
	f := finding()
	f.Related = []triage.Location{{Path: "internal/controllers/machine/machine_controller.go", Line: 120}}
	f.References = []triage.Reference{{Path: "test/framework/clusterctl_helpers.go", Symbol: "framework.UpgradeManagementClusterAndWait"}}
	f.Correlated = []triage.Correlated{
		{Log: "logs/capi.log", Source: &triage.Location{Path: "internal/controllers/machine/machine_controller.go", Line: 324},
			Count: 3, First: "2026-11-17T11:41:02Z", Last: "2026-11-17T11:42:05Z", Sample: "\"Reconciler error\" err=\"x\" cc @everyone #9 `|` <b>",
			Owners: triage.Owners{Approvers: []string{"judy"}}},
		{Log: "logs/capi.log", Candidates: []string{"a/util.go", "b/util.go"}, Count: 1},
		{Log: "logs/capi.log", Count: 1, Sample: "leader election lost"},
	}
	body := Render(DefaultHuman, Content{Finding: f, Server: "https://github.com", Repo: "o/r", SHA: "0123456789abcdef", State: State{ID: f.ID}.Add(occ(1, t0, "flake", "a"))})
	for _, want := range []string{
		"#### Around the failure\n\nOn the failure's stack: [`internal/controllers/machine/machine_controller.go:120`](https://github.com/o/r/blob/0123456789abcdef/internal/controllers/machine/machine_controller.go#L120)",
		"The test calls: `framework.UpgradeManagementClusterAndWait` in `test/framework/clusterctl_helpers.go`",
		"| 3 | [`internal/controllers/machine/machine_controller.go:324`](https://github.com/o/r/blob/0123456789abcdef/internal/controllers/machine/machine_controller.go#L324) | `logs/capi.log` | 2026-11-17T11:41:02Z – 2026-11-17T11:42:05Z | `judy` |",
		"| 1 | one of `a/util.go, b/util.go` |",
		"| 1 | no repository source | `logs/capi.log` |",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("body lacks %q:\n%s", want, body)
		}
	}
	for _, live := range []string{"@everyone", "#9", "<b>"} {
		if strings.Contains(body, live) {
			t.Errorf("body quotes %q live", live)
		}
	}
	if p, err := Parse(body); err != nil || p.ID != CanonicalID(f.ID) {
		t.Errorf("Parse = %+v, %v", p, err)
	}
}

// TestRenderBoundsOwnerLists: an OWNERS alias can expand to 10,000
// logins; the body names the first maxMentions of each owner list (without
// pinging them), mentions the first maxMentions of the cc list, says how
// many more there are, and stays under MaxBody.
func TestRenderBoundsOwnerLists(t *testing.T) {
	f := finding()
	var many []string
	for i := 0; i < 10000; i++ {
		many = append(many, fmt.Sprintf("member%d", i))
	}
	f.Owners.Approvers, f.Owners.Reviewers, f.Mentions = many, many, many
	body := Render("", Content{Finding: f, State: State{}.Add(occ(1, t0, "flake", "s"))})
	if len(body) > MaxBody {
		t.Fatalf("body of %d bytes, over %d", len(body), MaxBody)
	}
	if got, want := strings.Count(body, "@member"), maxMentions; got != want {
		t.Errorf("%d mentions, want %d", got, want)
	}
	if !strings.Contains(body, fmt.Sprintf("@member%d and %d more", maxMentions-1, 10000-maxMentions)) {
		t.Error("the body does not say how many mentions it left out")
	}
	if got := strings.Count(body, fmt.Sprintf("`member%d` and %d more", maxMentions-1, 10000-maxMentions)); got != 2 {
		t.Errorf("the approvers and reviewers lists say how many they left out %d times, want 2", got)
	}
	if p, err := Parse(body); err != nil || p.ID != f.ID {
		t.Errorf("parses to %q, %v", p.ID, err)
	}
}
