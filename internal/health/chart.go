package health

import (
	"fmt"
	"strings"
	"time"
)

// maxBars bounds the chart's columns: a window spread over more days than
// this is drawn per week.
const maxBars = 45

// Chart returns a Mermaid xychart-beta of the window's runs (bars) and
// failures, flakes included (line), per day from its first run to its
// last (per week when that is more than 45 days), in UTC. GitHub renders
// Mermaid in issues and job summaries
// (https://docs.github.com/en/get-started/writing-on-github/working-with-advanced-formatting/creating-diagrams).
// An empty window gives "".
func Chart(window []Run, title string) string {
	if len(window) == 0 {
		return ""
	}
	first, last := window[0].Time, window[0].Time
	for _, r := range window {
		if r.Time.Before(first) {
			first = r.Time
		}
		if r.Time.After(last) {
			last = r.Time
		}
	}
	day := func(t time.Time) time.Time { return t.UTC().Truncate(24 * time.Hour) }
	step, layout := 24*time.Hour, "01-02"
	start, end := day(first), day(last)
	if int(end.Sub(start)/step)+1 > maxBars {
		step = 7 * 24 * time.Hour
		// Weeks start on the window's first day.
	}
	n := int(end.Sub(start)/step) + 1
	runs, fails := make([]int, n), make([]int, n)
	for _, r := range window {
		i := int(day(r.Time).Sub(start) / step)
		runs[i]++
		if r.Outcome.failing() {
			fails[i]++
		}
	}
	top := 1
	labels := make([]string, n)
	for i := range n {
		labels[i] = fmt.Sprintf("%q", start.Add(time.Duration(i)*step).Format(layout))
		top = max(top, runs[i])
	}
	var b strings.Builder
	b.WriteString("```mermaid\nxychart-beta\n")
	fmt.Fprintf(&b, "    title %q\n", strings.ReplaceAll(title, `"`, "'"))
	fmt.Fprintf(&b, "    x-axis [%s]\n", strings.Join(labels, ", "))
	fmt.Fprintf(&b, "    y-axis \"runs\" 0 --> %d\n", top)
	fmt.Fprintf(&b, "    bar [%s]\n", ints(runs))
	fmt.Fprintf(&b, "    line [%s]\n", ints(fails))
	b.WriteString("```\n")
	return b.String()
}

func ints(v []int) string {
	s := make([]string, len(v))
	for i, n := range v {
		s[i] = fmt.Sprint(n)
	}
	return strings.Join(s, ", ")
}
