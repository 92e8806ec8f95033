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

// Daily returns a Mermaid xychart-beta of a count per day (a line), from
// the first day of counts to the last, days without an entry counting 0;
// per week (the week's highest count) when that spans more than 45 days.
// No counts give "".
func Daily(counts map[time.Time]int, title, axis string) string {
	if len(counts) == 0 {
		return ""
	}
	day := func(t time.Time) time.Time { return t.UTC().Truncate(24 * time.Hour) }
	var start, end time.Time
	for t := range counts {
		d := day(t)
		if start.IsZero() || d.Before(start) {
			start = d
		}
		if d.After(end) {
			end = d
		}
	}
	step := 24 * time.Hour
	if int(end.Sub(start)/step)+1 > maxBars {
		step = 7 * 24 * time.Hour
	}
	n := int(end.Sub(start)/step) + 1
	vals := make([]int, n)
	for t, c := range counts {
		i := int(day(t).Sub(start) / step)
		vals[i] = max(vals[i], c)
	}
	top := 1
	labels := make([]string, n)
	for i := range n {
		labels[i] = fmt.Sprintf("%q", start.Add(time.Duration(i)*step).Format("01-02"))
		top = max(top, vals[i])
	}
	var b strings.Builder
	b.WriteString("```mermaid\nxychart-beta\n")
	fmt.Fprintf(&b, "    title %q\n", strings.ReplaceAll(title, `"`, "'"))
	fmt.Fprintf(&b, "    x-axis [%s]\n", strings.Join(labels, ", "))
	fmt.Fprintf(&b, "    y-axis %q 0 --> %d\n", axis, top)
	fmt.Fprintf(&b, "    line [%s]\n", ints(vals))
	b.WriteString("```\n")
	return b.String()
}

// Trend returns the window run by run, oldest first, at most size runs
// (the newest): "." a pass, "f" a flake, "F" a failure, so that a terminal
// shows at a glance what the Mermaid chart shows in an issue. An empty
// window gives "".
func Trend(window []Run, size int) string {
	w := newest(window, size)
	b := make([]byte, len(w))
	for i, r := range w {
		c := byte('.')
		switch r.Outcome {
		case Failed:
			c = 'F'
		case Flaky:
			c = 'f'
		}
		b[len(w)-1-i] = c
	}
	return string(b)
}
