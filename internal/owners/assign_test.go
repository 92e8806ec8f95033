package owners

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

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
