package locate

import (
	"bytes"
	"testing"
	"time"

	"github.com/joshdk/go-junit"

	"github.com/flake-triage/flake-triage/internal/report"
)

// readTests reads one JUnit report with report.Ingest, the ingestion the
// product uses, and returns its failing and flaky tests.
func readTests(tb testing.TB, name string, data []byte) []report.Test {
	tb.Helper()
	set := report.Ingest(name, bytes.NewReader(data))
	if len(set.Errors) != 0 {
		tb.Fatalf("ingest %s: %q", name, set.Errors)
	}
	return set.Tests
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
