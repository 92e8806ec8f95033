package triage

import (
	"testing"
	"time"

	"github.com/flake-triage/flake-triage/internal/config"
)

// ginkgoReport is a Ginkgo spec failure: Ginkgo prints the failure time
// with milliseconds.
const ginkgoReport = `<testsuites><testsuite name="e2e" tests="1" failures="1" timestamp="2026-11-27T14:55:20">
<testcase classname="e2e" name="[It] fails"><failure message="boom" type="failed">[FAILED] boom
In [It] at: /home/runner/work/m/m/pkg/x_test.go:6 @ 11/27/26 14:55:20.842
</failure></testcase></testsuite></testsuites>`

// TestFailureTimeKeepsMilliseconds checks that a failure time keeps its
// sub-second part in the finding and in the log window built from it: a
// time cut to the second moves the window by up to a second.
func TestFailureTimeKeepsMilliseconds(t *testing.T) {
	f := analyze(t, config.Default(), ginkgoReport).Findings[0]
	if want := "2026-11-27T14:55:20.842Z"; f.Time != want {
		t.Errorf("time = %q, want %q", f.Time, want)
	}
	w := Windows([]Finding{f})
	if len(w) != 1 {
		t.Fatalf("%d windows, want 1", len(w))
	}
	if want := time.Date(2026, 11, 27, 14, 55, 20, 842e6, time.UTC); !w[0].At.Equal(want) {
		t.Errorf("window at %v, want %v", w[0].At, want)
	}
}
