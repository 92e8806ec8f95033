package cli

import (
	"fmt"
	"time"
)

// progress is the line the log shows for a stage that has just ended:
// what it found, and how long it took.
func (t *run) progress(stage string, took time.Duration) string {
	what := ""
	switch stage {
	case "read reports":
		if t.set != nil {
			what = fmt.Sprintf("%d report(s), %d tests: %d failed, %d flaky", len(t.set.Files), t.set.Total, t.set.Failed, t.set.Flaky)
		}
	case "locate failures":
		found := 0
		for _, l := range t.locs {
			if l.Location != nil {
				found++
			}
		}
		what = fmt.Sprintf("%d of %d failing tests located", found, len(t.locs))
	case "plan and file issues":
		counts := map[string]int{}
		for _, f := range t.res.Findings {
			counts[f.Issue.Action]++
		}
		what = fmt.Sprintf("mode %s: %d create, %d update, %d reopen, %d known, %d storm", t.res.Mode,
			counts["create"], counts["update"], counts["reopen"], counts["known"], counts["storm"])
	}
	if what != "" {
		what += "; "
	}
	return fmt.Sprintf("%sdone in %s", what, took.Round(time.Millisecond))
}
