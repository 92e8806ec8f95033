package issue

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestStatePass: a run in which the test passed ends the streak only when
// it is the newest evidence, and only once.
func TestStatePass(t *testing.T) {
	at := func(h int) time.Time { return t0.Add(time.Duration(h) * time.Hour) }
	fail := func(run int64, h int) func(State) State {
		return func(s State) State { return s.Add(occ(run, at(h), "failure", "a")) }
	}
	flake := func(run int64, h int) func(State) State {
		return func(s State) State { return s.Add(occ(run, at(h), "flake", "a")) }
	}
	pass := func(run int64, h int) func(State) State {
		return func(s State) State { return s.Pass(occ(run, at(h), "", "")) }
	}
	tests := []struct {
		name       string
		steps      []func(State) State
		wantStreak int
		wantPassed int64 // run of the recorded pass, 0 for none
		wantCount  int
	}{
		{"two failures", []func(State) State{fail(1, 1), fail(2, 2)}, 2, 0, 2},
		{"two failures, then a pass", []func(State) State{fail(1, 1), fail(2, 2), pass(3, 3)}, 0, 3, 2},
		{"a pass between failures", []func(State) State{fail(1, 1), fail(2, 2), pass(3, 3), fail(4, 4)}, 1, 3, 3},
		{"the pass run again", []func(State) State{fail(1, 1), pass(3, 3), fail(4, 4), pass(3, 5)}, 1, 3, 2},
		{"a pass older than the newest failure", []func(State) State{fail(1, 1), fail(2, 3), pass(3, 2)}, 2, 0, 2},
		{"a pass older than the recorded one", []func(State) State{fail(1, 1), pass(3, 3), fail(4, 4), pass(5, 2)}, 1, 3, 2},
		{"a failure older than the pass, recorded late", []func(State) State{fail(1, 1), pass(3, 3), fail(2, 2)}, 0, 3, 2},
		{"a pass in a run recorded as failing", []func(State) State{fail(1, 1), fail(2, 2), pass(2, 3)}, 2, 0, 2},
		{"a newer pass", []func(State) State{fail(1, 1), pass(3, 3), fail(4, 4), pass(5, 5)}, 0, 5, 2},
		{"a flake after a pass", []func(State) State{fail(1, 1), pass(3, 3), flake(4, 4), fail(5, 5)}, 1, 3, 3},
		{"no failure yet", []func(State) State{pass(3, 3)}, 0, 3, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := State{ID: "x"}
			for _, step := range tt.steps {
				st = step(st)
			}
			var passed int64
			if st.Passed != nil {
				passed = st.Passed.RunID
			}
			if st.Streak != tt.wantStreak || passed != tt.wantPassed || st.Count != tt.wantCount {
				t.Errorf("streak %d, pass of run %d, count %d; want %d, %d, %d", st.Streak, passed, st.Count, tt.wantStreak, tt.wantPassed, tt.wantCount)
			}
		})
	}
}

// TestStateMerge: a duplicate's identity and pass join the kept state.
func TestStateMerge(t *testing.T) {
	kept := State{ID: "x"}.Add(occ(1, t0, "failure", "a")).Add(occ(2, t0.Add(time.Hour), "failure", "a"))
	dup := State{ID: "x"}.WithTest("s", "c", "n").Pass(occ(3, t0.Add(2*time.Hour), "", ""))
	got := kept.Merge(dup)
	want := kept
	want.Test = &Identity{Suite: "s", Classname: "c", Name: "n"}
	p := occ(3, t0.Add(2*time.Hour), "", "")
	want.Passed, want.Streak = &p, 0
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("Merge (-want +got):\n%s", d)
	}
	if again := got.Merge(dup); !cmp.Equal(got, again) {
		t.Errorf("merging twice changed the state:\n%s", cmp.Diff(got, again))
	}
}

// TestWithTest: the identity is recorded as it reads back, bounded.
func TestWithTest(t *testing.T) {
	tests := []struct {
		suite, classname, name string
		want                   Identity
	}{
		{"e2e suite", "capi-e2e", "[It] When testing clusterctl upgrades Should create", Identity{"e2e suite", "capi-e2e", "[It] When testing clusterctl upgrades Should create"}},
		{"a\x00b", "tab\there", "bell\x07", Identity{"ab", "tabhere", "bell"}},
		{"\xff", "", "ok", Identity{"\uFFFD", "", "ok"}},
		{strings.Repeat("s", 600), strings.Repeat("é", 300), strings.Repeat("n", 1200), Identity{strings.Repeat("s", 512), strings.Repeat("é", 256), strings.Repeat("n", 1000)}},
	}
	for _, tt := range tests {
		st := State{ID: "x"}.WithTest(tt.suite, tt.classname, tt.name)
		if d := cmp.Diff(&tt.want, st.Test); d != "" {
			t.Errorf("WithTest(%q, %q, %q) (-want +got):\n%s", tt.suite, tt.classname, tt.name, d)
		}
		p, err := Parse(Render("", Content{Finding: finding(), State: st}))
		if err != nil || !cmp.Equal(p.State.Test, st.Test) {
			t.Errorf("reads back as %+v, %v", p.State.Test, err)
		}
	}
}

// TestOldBodyParses: a body written before the test's identity was
// recorded (the golden body) still parses, with no identity and no pass.
func TestOldBodyParses(t *testing.T) {
	body, err := os.ReadFile(filepath.Join("testdata", "body.md"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(body), `"test"`) {
		t.Fatal("the golden body is not an old one")
	}
	p, err := Parse(string(body))
	if err != nil || p.State.Count != 2 || p.State.Test != nil || p.State.Passed != nil {
		t.Errorf("Parse = %+v, %v", p.State, err)
	}
}

// TestRestate rewrites the state block and the kind line of a consistently
// failing test's body after a pass, and nothing else.
func TestRestate(t *testing.T) {
	f := finding()
	st := State{ID: f.ID}.WithTest("capi-e2e", "capi-e2e", "When testing clusterctl upgrades Should create")
	for i := range 3 {
		st = st.Add(occ(int64(i+1), t0.Add(time.Duration(i)*time.Hour), "failure", "a"))
	}
	st.Consistent = true
	body := Render("People wrote this.", Content{Finding: f, Server: "https://github.com", Repo: "o/r", SHA: "0123456789abcdef", State: st})
	if !strings.Contains(body, "**Kind:** **consistently failing**: failed in 3 tracked runs in a row  \n") {
		t.Fatalf("the body does not say consistently failing:\n%s", body)
	}

	next := st.Pass(Occurrence{RunID: 9, Attempt: 1, Job: "e2e", URL: "https://github.com/o/r/actions/runs/9", Time: t0.Add(5 * time.Hour)})
	next.Consistent = false
	got, err := Restate(body, next)
	if err != nil {
		t.Fatal(err)
	}
	p, err := Parse(got)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(Parsed{Found: true, ID: f.ID, State: next, Human: "People wrote this."}, p); d != "" {
		t.Errorf("Parse(Restate()) (-want +got):\n%s", d)
	}
	wantKind := "**Kind:** failing (no attempt passed) · passed on every attempt in [run 9](https://github.com/o/r/actions/runs/9) (2026-11-17 16:40 UTC), its newest run  \n"
	if !strings.Contains(got, wantKind) {
		t.Errorf("restated body lacks %q:\n%s", wantKind, got)
	}
	// Everything but the kind line and the state block is kept.
	strip := func(s string) []string {
		var keep []string
		for _, l := range strings.Split(s, "\n") {
			if !strings.HasPrefix(l, kindPrefix) && !strings.HasPrefix(l, statePrefix) {
				keep = append(keep, l)
			}
		}
		return keep
	}
	if d := cmp.Diff(strip(body), strip(got)); d != "" {
		t.Errorf("Restate changed other lines (-before +after):\n%s", d)
	}
	// A later failure renders the kind without the pass.
	later := next.Add(occ(10, t0.Add(6*time.Hour), "failure", "a"))
	if b := Render("", Content{Finding: f, State: later}); strings.Contains(b, "passed on every attempt") || later.Streak != 1 {
		t.Errorf("after a newer failure: streak %d, body still names the pass", later.Streak)
	}
}

func TestRestateErrors(t *testing.T) {
	f := finding()
	big := Render(strings.Repeat("h", MaxBody), Content{Finding: f, State: State{ID: f.ID}.Add(occ(1, t0, "failure", "a"))})
	for _, tc := range []struct{ name, body, want string }{
		{"no section", "people only", "no flake-triage section"},
		{"no state", "<!-- flake-triage:begin id=x -->\n**Kind:** x  \n", "no state block"},
		{"at the limit", big, "over GitHub's limit"},
	} {
		_, err := Restate(tc.body, State{ID: "x"}.Pass(Occurrence{RunID: 9, URL: strings.Repeat("u", 500), Time: t0.Add(time.Hour)}))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err %v, want one containing %q", tc.name, err, tc.want)
		}
	}
}
