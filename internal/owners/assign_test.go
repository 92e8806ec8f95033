package owners

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestAssignRules(t *testing.T) {
	tests := []struct {
		name          string
		candidates    []string
		max           int
		wantAssignees int
		wantMentions  []string // nil: not checked beyond the partition
	}{
		{"teams and e-mails are only mentioned", []string{"@org/team", "dev@example.com"}, 3, 0, []string{"org/team", "dev@example.com"}},
		{"normalised and deduplicated", []string{"@Alice", "alice", "ALICE"}, 3, 1, []string{}},
		{"at most max", []string{"a", "b", "c", "d", "e"}, 3, 3, nil},
		{"max 0 assigns nobody", []string{"a", "b"}, 0, 0, []string{"a", "b"}},
		{"fewer candidates than max", []string{"a", "@org/t"}, 3, 1, []string{"org/t"}},
		{"no candidates", nil, 3, 0, []string{}},
	}
	for _, tc := range tests {
		a, m := Assign(tc.candidates, "key", tc.max)
		if len(a) != tc.wantAssignees {
			t.Errorf("%s: Assign(%v) assignees = %v, want %d", tc.name, tc.candidates, a, tc.wantAssignees)
		}
		if tc.wantMentions != nil {
			if diff := cmp.Diff(tc.wantMentions, m); diff != "" {
				t.Errorf("%s: mentions (-want +got):\n%s", tc.name, diff)
			}
		}
		// Every normalised candidate is either assigned or mentioned, once.
		all := append(slices.Clone(a), m...)
		slices.Sort(all)
		if len(slices.Compact(slices.Clone(all))) != len(all) {
			t.Errorf("%s: a name is both assigned and mentioned: %v %v", tc.name, a, m)
		}
		if a == nil || m == nil {
			t.Errorf("%s: nil slice", tc.name)
		}
	}
}

// TestAssignSpreadsLoad checks that across findings each expert gets a fair
// share of assignments (not always the first names) and that one finding
// always gets the same people.
func TestAssignSpreadsLoad(t *testing.T) {
	experts := []string{"alice", "bob", "carol", "dave", "erin", "frank"}
	count := map[string]int{}
	const n = 3000
	for i := range n {
		key := fmt.Sprintf("finding-%d", i)
		a, m := Assign(experts, key, 2)
		a2, m2 := Assign(experts, key, 2)
		if !slices.Equal(a, a2) || !slices.Equal(m, m2) {
			t.Fatalf("Assign(%q) not deterministic: %v then %v", key, a, a2)
		}
		for _, x := range a {
			count[x]++
		}
	}
	// Each of 6 experts expects n*2/6 = 1000 assignments.
	for _, e := range experts {
		if c := count[e]; c < 850 || c > 1150 {
			t.Errorf("%s assigned %d times of %d, want about 1000: %v", e, c, n, count)
		}
	}
}

func TestOnDuty(t *testing.T) {
	members := []string{"ann", "ben", "cat"}
	start := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC) // a Monday 09:00
	week := 7 * 24 * time.Hour
	tests := []struct {
		at   time.Time
		want string
	}{
		{start, "ann"},
		{start.Add(week - time.Second), "ann"},
		{start.Add(week), "ben"},
		{start.Add(2 * week), "cat"},
		{start.Add(3 * week), "ann"},
		{start.Add(100*week + time.Hour), "ben"},     // 100 % 3 = 1
		{start.Add(-time.Second), "cat"},             // the turn before the first
		{start.Add(-week), "cat"},                    // exactly one turn before
		{start.Add(-week - time.Second), "ben"},      // two turns before
		{start.In(time.FixedZone("X", 3600)), "ann"}, // zones do not matter
	}
	for _, tc := range tests {
		if got := OnDuty(members, start, week, tc.at); got != tc.want {
			t.Errorf("OnDuty(%v) = %q, want %q", tc.at, got, tc.want)
		}
	}
	if got := OnDuty(nil, start, week, start); got != "" {
		t.Errorf("OnDuty(no members) = %q, want empty", got)
	}
	if got := OnDuty(members, start, 0, start); got != "" {
		t.Errorf("OnDuty(period 0) = %q, want empty", got)
	}
}

func TestExperts(t *testing.T) {
	r, _ := Load(loadTxtar(t, "../../testdata/capi-like.txtar"))
	tests := []struct {
		path       string
		mode       Mode
		want       []string
		wantSource string
	}{
		{"test/e2e/quick_start_test.go", ModeAuto, []string{"heidi-e2e", "liam-e2e"}, "OWNERS"},
		{"test/e2e/quick_start_test.go", ModeCodeOwners, []string{}, ""}, // the sample has no CODEOWNERS
		{"controllers/machine_controller.go", ModeOwners, []string{"judy-ctrl", "kevin-ctrl"}, "OWNERS"},
	}
	for _, tc := range tests {
		got, src := r.Owners(tc.path).Experts(tc.mode)
		if diff := cmp.Diff(tc.want, got); diff != "" || src != tc.wantSource {
			t.Errorf("Experts(%q, %s) from %q (-want +got):\n%s", tc.path, tc.mode, src, diff)
		}
	}
}
