package health

import (
	"strconv"
	"testing"
	"time"
)

// BenchmarkFindings computes the history and verdict of 300 findings over
// a 50-run window each, as a run with 300 failing tests does.
func BenchmarkFindings(b *testing.B) {
	windows := make([][]Run, 300)
	for i := range windows {
		for j := range 50 {
			o := Passed
			if (i+j)%7 == 0 {
				o = Failed
			}
			windows[i] = append(windows[i], Run{Run: strconv.Itoa(1000 - j), Attempt: 1, Job: "e2e", Time: day0.Add(-time.Duration(j) * time.Hour), Outcome: o})
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, w := range windows {
			Compute(w, 50)
			BranchVerdict(w, 50, 3)
		}
	}
}
