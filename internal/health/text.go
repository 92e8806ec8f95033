package health

import "fmt"

// RateText says how often a test failed over its window, as annotations
// and the pull request comment print it: "failed 4 of the last 50 runs"
// (" on main" when branch is given), counting flakes as failures as Rate
// does. It is "" without a history, and "unknown history" when the
// window holds no run of the test.
func RateText(h *History, branch string) string {
	if h == nil {
		return ""
	}
	on := ""
	if branch != "" {
		on = " on " + branch
	}
	if h.Runs == 0 {
		return "unknown history" + on
	}
	runs := fmt.Sprintf("the last %d runs", h.Runs)
	if h.Runs == 1 {
		runs = "the last run"
	}
	if h.Failed+h.Flaky == 0 {
		return "never failed in " + runs + on
	}
	return fmt.Sprintf("failed %d of %s%s", h.Failed+h.Flaky, runs, on)
}
