package logs

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// repoFiles is the Go code of a Cluster-API-like repository laid out as
// Cluster API lays out its controllers, with three conditions.go files so
// that a bare "conditions.go" is ambiguous.
var repoFiles = []string{
	"internal/controllers/machine/machine_controller.go",
	"internal/controllers/machine/machine_controller_phases.go",
	"internal/controllers/machineset/machineset_controller.go",
	"internal/controllers/machineset/conditions.go",
	"internal/controllers/cluster/cluster_controller.go",
	"internal/controllers/cluster/conditions.go",
	"exp/internal/controllers/machinepool/conditions.go",
	"test/e2e/quick_start.go",
}

// suffixResolver stands in for the locator's index: a reference matches
// the repo paths it is a '/'-bounded suffix of, or that are a suffix of it
// (an absolute CI path).
type suffixResolver []string

func (r suffixResolver) Resolve(ref string) (string, []string) {
	var hits []string
	for _, p := range r {
		if p == ref || strings.HasSuffix(p, "/"+ref) || strings.HasSuffix(ref, "/"+p) {
			hits = append(hits, p)
		}
	}
	switch len(hits) {
	case 0:
		return "", nil
	case 1:
		return hits[0], nil
	}
	sort.Strings(hits)
	return "", hits
}

const (
	sampleMachine = `Reconciler error: failed to reconcile Machine default/quick-start-md-0-7c9f8-xk2lp: failed to get infrastructure ref: dockermachines.infrastructure.cluster.x-k8s.io "quick-start-md-0-7c9f8-xk2lp" not found`
	sampleCluster = `Reconciler error: failed to patch Cluster default/quick-start: Operation cannot be fulfilled on clusters.cluster.x-k8s.io "quick-start": the object has been modified; please apply your changes to the latest version and try again`
	sampleMS      = `Reconciler error: failed to create Machine: admission webhook "validation.machine.cluster.x-k8s.io" denied the request: spec.version: Invalid value: "v1.35.0"`
)

func loc(p string, line int) *Location { return &Location{Path: p, Line: line} }

func TestCorrelate(t *testing.T) {
	q := failQuickStart
	quickStart := []Group{
		{Log: "logs/capi-controller-manager.log", Ref: "machine_controller.go", Source: loc("internal/controllers/machine/machine_controller.go", 324),
			Count: 4, First: at(q, "-88s"), Last: at(q, "-5s"), Level: LevelError, Sample: sampleMachine},
		{Log: "logs/capd-controller-manager.log", Count: 3, First: at(q, "-3m"), Last: at(q, "-1m"), Level: LevelError,
			Sample: `Reconciler error: failed to create container "quick-start-md-0-xk2lp": exit status 125`},
		{Log: "logs/capi-controller-manager.json.gz", Ref: "cluster/cluster_controller.go", Source: loc("internal/controllers/cluster/cluster_controller.go", 150),
			Count: 2, First: at(q, "-4m30s"), Last: at(q, "-61s"), Level: LevelError, Sample: sampleCluster},
		{Log: "logs/kubectl/capi-controller-manager.log", Ref: "machineset_controller.go", Source: loc("internal/controllers/machineset/machineset_controller.go", 210),
			Count: 2, First: at(q, "-40s"), Last: at(q, "-30s"), Level: LevelError, Sample: sampleMS},
		{Log: "logs/dev/manager.log", Ref: "machine/machine_controller.go", Source: loc("internal/controllers/machine/machine_controller.go", 324),
			Count: 1, First: at(q, "-45s"), Last: at(q, "-45s"), Level: LevelError, Sample: sampleMachine},
		{Log: "logs/capi-controller-manager.log", Ref: "conditions.go", Source: loc("internal/controllers/machineset/conditions.go", 88),
			Count: 1, First: at(q, "-20s"), Last: at(q, "-20s"), Level: LevelError,
			Sample: `Failed to update MachineSet conditions: failed to create Machine: admission webhook "validation.machine.cluster.x-k8s.io" denied the request: spec.version: Invalid value: "v1.35.0"`},
		{Log: "logs/capi-controller-manager.log", Ref: "conditions.go",
			Candidates: []string{"exp/internal/controllers/machinepool/conditions.go", "internal/controllers/cluster/conditions.go", "internal/controllers/machineset/conditions.go"},
			Count:      1, First: at(q, "-18s"), Last: at(q, "-18s"), Level: LevelError,
			// 240 bytes: 237 of the message and the 3 of "…".
			Sample: ("Failed to set Cluster conditions: " + sampleCluster[len("Reconciler error: "):])[:237] + "…"},
		{Log: "logs/zap-manager.log", Ref: "machineset/machineset_controller.go", Source: loc("internal/controllers/machineset/machineset_controller.go", 210),
			Count: 1, First: at(q, "-15s"), Last: at(q, "-15s"), Level: LevelError, Sample: sampleMS},
		{Log: "logs/capi-controller-manager.log", Ref: "controller.go",
			Count: 1, First: at(q, "-10s"), Last: at(q, "-10s"), Level: LevelError, Sample: sampleMachine},
		{Log: "logs/damaged.log", Ref: "machine_controller.go", Source: loc("internal/controllers/machine/machine_controller.go", 324),
			Count: 1, First: at(q, "-7s"), Last: at(q, "-7s"), Level: LevelError, Sample: sampleMachine},
	}
	ny := failNewYear
	newYear := []Group{
		{Log: "logs/new-year/capi-controller-manager.log", Ref: "machine_controller.go", Source: loc("internal/controllers/machine/machine_controller.go", 324),
			Count: 2, First: at(ny, "-140s"), Last: at(ny, "-15s"), Level: LevelError, Sample: sampleMachine},
	}
	withWarning := append([]Group(nil), quickStart...)
	withWarning = append(withWarning, Group{Log: "logs/zap-manager.log", Ref: "machineset/machineset_controller.go",
		Source: loc("internal/controllers/machineset/machineset_controller.go", 233),
		Count:  1, First: at(q, "-14s"), Last: at(q, "-14s"), Level: LevelWarning, Sample: "MachineSet is scaling slowly"})
	est := time.FixedZone("EST", -5*3600)
	withTZ := append([]Group(nil), quickStart...)
	withTZ = append(withTZ, Group{Log: "logs/tz/capi-controller-manager.log", Ref: "cluster_controller.go",
		Source: loc("internal/controllers/cluster/cluster_controller.go", 150),
		Count:  1, First: at(q, "-35s"), Last: at(q, "-35s"), Level: LevelError, Sample: sampleCluster})

	damaged := `log "logs/damaged.log": skipped 5 lines (1 longer than 256 KiB, 1 binary, 2 truncated, 1 not a log line)`
	windows := []Window{{Key: "quick-start", At: q}, {Key: "new-year", At: ny}, {Key: "no-logs", At: failNoLogs}}
	tests := []struct {
		name         string
		opts         Options
		want         map[string][]Group
		wantWarnings []string
	}{
		{"defaults", Options{}, map[string][]Group{"quick-start": quickStart, "new-year": newYear}, []string{damaged}},
		{"warnings", Options{Warnings: true}, map[string][]Group{"quick-start": withWarning, "new-year": newYear}, []string{damaged}},
		// The EST controller's klog clock read as EST lands at -35s;
		// everything else carries its zone or is shifted out of the window.
		{"klog zone", Options{KlogZone: est}, map[string][]Group{
			"quick-start": filterLogs(withTZ, "logs/tz/capi-controller-manager.log", "logs/kubectl/capi-controller-manager.log",
				"logs/capi-controller-manager.json.gz", "logs/capd-controller-manager.log", "logs/dev/manager.log", "logs/zap-manager.log"),
		}, []string{damaged}},
		{"narrow window", Options{Before: 16 * time.Second, After: time.Second}, map[string][]Group{
			"quick-start": {
				{Log: "logs/capi-controller-manager.log", Ref: "machine_controller.go", Source: loc("internal/controllers/machine/machine_controller.go", 324),
					Count: 1, First: at(q, "-5s"), Last: at(q, "-5s"), Level: LevelError,
					Sample: `Failed to drain node: failed to drain node quick-start-md-0-xk2lp: error when evicting pods/"coredns-5d78c9869d-x7b2q" -n "kube-system" (will retry after 5s)`},
				quickStart[7], quickStart[8], quickStart[9],
			},
			"new-year": {{Log: "logs/new-year/capi-controller-manager.log", Ref: "machine_controller.go", Source: loc("internal/controllers/machine/machine_controller.go", 324),
				Count: 1, First: at(ny, "-15s"), Last: at(ny, "-15s"), Level: LevelError, Sample: sampleMachine}},
		}, []string{damaged}},
	}
	fsys := generatedLogs()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, warnings := Correlate(fsys, []string{"logs/**"}, windows, suffixResolver(repoFiles), tt.opts)
			// The objects and their ranking are TestCorrelateEvidence's.
			if diff := cmp.Diff(tt.want, got, sortGroups, cmpopts.IgnoreFields(Group{}, "Objects", "Shared", "InRun")); diff != "" {
				t.Errorf("Correlate groups (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantWarnings, warnings); diff != "" {
				t.Errorf("Correlate warnings (-want +got):\n%s", diff)
			}
		})
	}
}

// sortGroups compares groups as sets: Correlate's order among groups of
// equal count is by time, tested on its own in TestCorrelateOrder.
var sortGroups = cmpopts.SortSlices(func(a, b Group) bool {
	if a.Log != b.Log {
		return a.Log < b.Log
	}
	if a.Ref != b.Ref {
		return a.Ref < b.Ref
	}
	return a.First.Before(b.First)
})

// filterLogs keeps the groups from the given log files.
func filterLogs(gs []Group, logs ...string) []Group {
	var out []Group
	for _, g := range gs {
		for _, l := range logs {
			if g.Log == l {
				out = append(out, g)
			}
		}
	}
	return out
}

func TestCorrelateOrder(t *testing.T) {
	got, _ := Correlate(generatedLogs(), []string{"logs/*.log"}, []Window{{Key: "q", At: failQuickStart}}, suffixResolver(repoFiles), Options{})
	var order []string
	for _, g := range got["q"] {
		order = append(order, g.Log+" "+g.Ref+" "+g.First.Format(time.TimeOnly))
	}
	// With no test output and no run start, the nearest to the failure
	// (its last line) comes first.
	want := []string{
		"logs/capi-controller-manager.log machine_controller.go 11:41:02", // last line at -5s
		"logs/damaged.log machine_controller.go 11:42:23",
		"logs/capi-controller-manager.log controller.go 11:42:20",
		"logs/zap-manager.log machineset/machineset_controller.go 11:42:15",
		"logs/capi-controller-manager.log conditions.go 11:42:12",
		"logs/capi-controller-manager.log conditions.go 11:42:10",
		"logs/capd-controller-manager.log  11:39:30", // last line at -1m
	}
	if diff := cmp.Diff(want, order); diff != "" {
		t.Errorf("group order (-want +got):\n%s", diff)
	}
}

func TestCorrelateFiles(t *testing.T) {
	fsys := generatedLogs()
	fsys["logs/unreadable.log.gz"] = &fstest.MapFile{Data: []byte{0x1f, 0x8b, 0x08, 0x00, 1, 2, 3}}
	_, warnings := Correlate(fsys, []string{"logs/*.gz", "!logs/capi-*", "missing/*.log"}, []Window{{Key: "q", At: failQuickStart}}, nil, Options{})
	want := []string{
		`glob logs "missing/*.log": no file matches`,
		`read log "logs/unreadable.log.gz": unexpected EOF`,
	}
	if diff := cmp.Diff(want, warnings); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
}

func TestCorrelateSameKeyTwice(t *testing.T) {
	q := failQuickStart
	windows := []Window{{Key: "quick-start", At: q}, {Key: "quick-start", At: at(q, "1s")}}
	got, _ := Correlate(generatedLogs(), []string{"logs/capi-controller-manager.log"}, windows, suffixResolver(repoFiles), Options{})
	counts := map[string]int{}
	for _, g := range got["quick-start"] {
		counts[g.Ref] += g.Count
	}
	want := map[string]int{"machine_controller.go": 4, "conditions.go": 2, "controller.go": 1}
	if diff := cmp.Diff(want, counts); diff != "" {
		t.Errorf("line counts per ref (-want +got):\n%s", diff)
	}
}

func TestCorrelateMaxGroups(t *testing.T) {
	var b strings.Builder
	clk := &fakeClock{}
	cr, _ := controllerRuntimeJSON(&b, clk)
	for i := range MaxGroups + 50 {
		clk.now = at(failQuickStart, "-1m").Add(time.Duration(i) * time.Millisecond)
		cr.Error(nil, fmt.Sprintf("Failed to reconcile object number %d of many", i))
	}
	fsys := fstest.MapFS{"manager.log": file([]byte(b.String()))}
	got, warnings := Correlate(fsys, []string{"*.log"}, []Window{{Key: "q", At: failQuickStart}}, nil, Options{})
	if len(got["q"]) != MaxGroups {
		t.Errorf("got %d groups, want %d", len(got["q"]), MaxGroups)
	}
	want := []string{fmt.Sprintf(`window "q": 50 lines dropped beyond %d groups`, MaxGroups)}
	if diff := cmp.Diff(want, warnings); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
}

func TestKlogYear(t *testing.T) {
	tests := []struct {
		name   string
		header string // a klog header's date and clock, read as UTC
		fail   time.Time
		want   []time.Time // the instants inside the window
	}{
		{"same year", "1117 11:42:00", failQuickStart, []time.Time{time.Date(2026, 11, 17, 11, 42, 0, 0, time.UTC)}},
		{"December before a January failure", "1231 23:58:00", failNewYear, []time.Time{time.Date(2026, 12, 31, 23, 58, 0, 0, time.UTC)}},
		{"January of the failure", "0101 00:00:05", failNewYear, []time.Time{time.Date(2027, 1, 1, 0, 0, 5, 0, time.UTC)}},
		{"29 February of a leap year", "0229 23:59:00", time.Date(2028, 3, 1, 0, 0, 10, 0, time.UTC), []time.Time{time.Date(2028, 2, 29, 23, 59, 0, 0, time.UTC)}},
		{"29 February is no day of 2027", "0229 23:59:00", time.Date(2027, 3, 1, 0, 0, 10, 0, time.UTC), nil},
		{"a year away is no match", "1117 11:42:00", failQuickStart.AddDate(1, 0, 0).Add(time.Hour), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := ParseLine([]byte("E" + tt.header + ".000000 1 a.go:1] x"))
			if err != nil {
				t.Fatal(err)
			}
			c := newCorrelator([]Window{{Key: "f", At: tt.fail}}, Options{})
			var got []time.Time
			for _, ts := range c.times(e) {
				if c.inRange(ts, false) {
					got = append(got, ts)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("times in window (-want +got):\n%s", diff)
			}
			if in := c.inRange(e.Time, true); in != (len(tt.want) > 0) {
				t.Errorf("inRange(yearless) = %v, want %v", in, len(tt.want) > 0)
			}
		})
	}
}

func TestCovered(t *testing.T) {
	q := failQuickStart
	c := newCorrelator([]Window{{Key: "c", At: at(q, "1h")}, {Key: "a", At: q}, {Key: "b", At: at(q, "2m")}, {Key: "z", At: time.Time{}}}, Options{})
	tests := []struct {
		at   string
		want bool
	}{
		{"-5m1s", false}, {"-5m", true}, {"0s", true}, {"1m", true}, {"2m30s", true}, {"2m31s", false},
		{"54m59s", false}, {"55m", true}, {"1h30s", true}, {"1h31s", false},
	}
	for _, tt := range tests {
		if got := c.covered(at(q, tt.at)); got != tt.want {
			t.Errorf("covered(failure %s) = %v, want %v", tt.at, got, tt.want)
		}
	}
}
