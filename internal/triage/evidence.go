package triage

import (
	"strings"
	"time"

	"github.com/flake-triage/flake-triage/internal/logs"
	"github.com/flake-triage/flake-triage/internal/report"
)

// maxOutput bounds the test output a window carries for object matching.
const maxOutput = 256 << 10

// TestWindows are Windows with what each finding's tests say about
// themselves, for ranking the log groups by evidence: the output of their
// failed attempts (failure message and body, system-out, system-err), in
// which the objects the log lines name are looked up, and when their run
// began (Ginkgo's "> Enter [" lines, else a testcase timestamp). A grouped
// or infrastructure finding speaks for all its cases.
func TestWindows(set *report.Set, findings []Finding) []logs.Window {
	byID := make(map[string]int, len(set.Tests))
	for i, t := range set.Tests {
		byID[ID(t.Suite.Name, t.Classname, t.Name)] = i
	}
	ws := Windows(findings)
	at := make(map[string]int, len(findings))
	for i, f := range findings {
		at[f.ID] = i
	}
	for i := range ws {
		f := findings[at[ws[i].Key]]
		ids := []string{f.ID}
		if len(f.Test.Cases) > 0 {
			ids = ids[:0]
			for _, c := range f.Test.Cases {
				ids = append(ids, c.ID)
			}
		}
		var out strings.Builder
		for _, id := range ids {
			j, ok := byID[id]
			if !ok {
				continue
			}
			t := set.Tests[j]
			if s := RunStart(t); !s.IsZero() && (ws[i].Start.IsZero() || s.Before(ws[i].Start)) {
				ws[i].Start = s
			}
			for _, a := range t.Failed {
				for _, s := range []string{a.Message, errorText(a.Error), a.SystemOut, a.SystemErr} {
					if out.Len()+len(s) <= maxOutput {
						out.WriteString(s)
						out.WriteByte('\n')
					}
				}
			}
		}
		ws[i].Output = out.String()
	}
	return ws
}

// ginkgoTime is the layout of the times in Ginkgo's timeline lines.
const ginkgoTime = "01/02/06 15:04:05.000"

// RunStart is when the test's first failed attempt began, when the report
// says: the earliest of Ginkgo's "> Enter [Node] text - path:line @ time"
// lines in the attempt's output, else the testcase's timestamp attribute.
// Zero when neither is there.
func RunStart(t report.Test) time.Time {
	if len(t.Failed) == 0 {
		return time.Time{}
	}
	a := t.Failed[0]
	var start time.Time
	for _, text := range []string{a.SystemErr, a.SystemOut, errorText(a.Error)} {
		for rest := text; ; {
			i := strings.Index(rest, "> Enter [")
			if i < 0 {
				break
			}
			rest = rest[i+len("> Enter ["):]
			line, _, _ := strings.Cut(rest, "\n")
			j := strings.LastIndex(line, " @ ")
			if j < 0 {
				continue
			}
			stamp := strings.TrimSpace(line[j+3:])
			if len(stamp) > len(ginkgoTime) {
				stamp = stamp[:len(ginkgoTime)]
			}
			if tm, err := time.Parse(ginkgoTime, stamp); err == nil && (start.IsZero() || tm.Before(start)) {
				start = tm
			}
		}
	}
	if !start.IsZero() {
		return start
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999"} {
		if tm, err := time.Parse(layout, strings.TrimSpace(a.Properties["timestamp"])); err == nil {
			return tm
		}
	}
	return time.Time{}
}
