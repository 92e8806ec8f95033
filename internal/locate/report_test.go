package locate

import (
	"strings"
	"testing"
	"time"

	"github.com/joshdk/go-junit"

	"github.com/flake-triage/flake-triage/internal/report"
)

// readTests is a small test-only stand-in for report.Read (written on
// another branch): it turns one JUnit report into its failing and flaky
// tests, one report.Test per (innermost suite, classname, name), with
// gotestsum's repeated testcases as attempts and Ginkgo's FlakeAttempts
// spec that passed on retry as a failed attempt whose body is its
// system-err.
func readTests(tb testing.TB, name string, data []byte) []report.Test {
	tb.Helper()
	suites, err := junit.Ingest(data)
	if err != nil {
		tb.Fatalf("ingest %s: %v", name, err)
	}
	var order []string
	byKey := make(map[string]*report.Test)
	var walk func(s junit.Suite)
	walk = func(s junit.Suite) {
		suite := s
		suite.Tests, suite.Suites = nil, nil
		for _, tc := range s.Tests {
			key := s.Name + "\x00" + tc.Classname + "\x00" + tc.Name
			rt, ok := byKey[key]
			if !ok {
				rt = &report.Test{Report: name, Suite: suite, Classname: tc.Classname, Name: tc.Name}
				byKey[key] = rt
				order = append(order, key)
			}
			switch {
			case tc.Status == junit.StatusFailed || tc.Status == junit.StatusError:
				rt.Failed = append(rt.Failed, tc)
			case tc.Status == junit.StatusPassed && strings.Contains(tc.SystemErr, "[FAILED] Failure recorded during attempt"):
				failed := tc
				failed.Status = junit.StatusFailed
				failed.Error = junit.Error{Body: tc.SystemErr}
				rt.Failed = append(rt.Failed, failed)
				rt.Passed++
			case tc.Status == junit.StatusPassed:
				rt.Passed++
			}
		}
		for _, sub := range s.Suites {
			walk(sub)
		}
	}
	for _, s := range suites {
		walk(s)
	}
	var out []report.Test
	for _, k := range order {
		rt := byKey[k]
		if len(rt.Failed) == 0 {
			continue
		}
		rt.Kind = report.Failure
		if rt.Passed > 0 {
			rt.Kind = report.Flake
		}
		out = append(out, *rt)
	}
	return out
}

// testWithFailure builds a failing test whose one failed attempt has text
// as its failure body.
func testWithFailure(classname, name, text string) report.Test {
	return report.Test{
		Classname: classname,
		Name:      name,
		Kind:      report.Failure,
		Failed: []junit.Test{{
			Name: name, Classname: classname, Status: junit.StatusFailed,
			Error: junit.Error{Message: "Failed", Body: text},
		}},
	}
}

func mustTime(tb testing.TB, s string) time.Time {
	tb.Helper()
	tm, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		tb.Fatal(err)
	}
	return tm
}
