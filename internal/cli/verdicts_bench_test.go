package cli

import (
	"context"
	"fmt"
	"maps"
	"testing"
	"time"

	"github.com/flake-triage/flake-triage/internal/config"
	"github.com/flake-triage/flake-triage/internal/ledger"
	"github.com/flake-triage/flake-triage/internal/plan"
	"github.com/flake-triage/flake-triage/internal/triage"
)

// BenchmarkJudge is the statistics of 300 findings over a 50-run window
// of a 5,000-test suite: ledger.Windows over the records read, then each
// finding's history, verdict and chart, the plan's windows and the
// summary's trend (the judge stage). The target is under 50 ms.
func BenchmarkJudge(b *testing.B) {
	const tests, findings, runs = 5000, 300, 60
	ids := make([]string, tests)
	for i := range ids {
		ids[i] = triage.ID("suite", "pkg/c", fmt.Sprintf("Test%04d", i))
	}
	t0 := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	var records []*ledger.Record
	for r := range runs {
		o := make(map[string]ledger.Outcome, tests)
		for i, id := range ids {
			o[id] = ledger.Passed
			if i < findings && (i+r)%7 == 0 {
				o[id] = ledger.Failed
			} else if i < findings && (i+r)%11 == 0 {
				o[id] = ledger.Flaky
			}
		}
		rec := ledger.NewRecord(ledger.Key{Run: fmt.Sprint(1000 + r), Attempt: 1, Job: "unit"}, maps.All(o))
		rec.Branch, rec.SHA, rec.Time = "main", fmt.Sprintf("%040d", r), t0.Add(time.Duration(r)*6*time.Hour)
		records = append(records, &rec)
	}
	ledger.SortNewest(records)
	own := records[0]
	past := records[1:]
	cfg := config.Default()
	res := triage.Result{}
	for i := range findings {
		res.Findings = append(res.Findings, triage.Finding{ID: ids[i], Kind: "failure", Test: triage.Test{Name: fmt.Sprintf("Test%04d", i)}})
	}
	tallies := map[string]ledger.Tally{}
	for i := range 150 {
		tallies[ids[i]] = ledger.Tally{Test: ids[i], Issue: i + 1}
	}
	b.ReportAllocs()
	for b.Loop() {
		r := &run{cfg: cfg, res: res, info: plan.Run{Event: "push", Ledger: &plan.Ledger{}},
			hist: &history{view: &ledger.View{Records: past, Tests: tallies}, record: own,
				scope: ledger.Scope{Branch: own.Branch, Size: cfg.HistoryWindow, Since: own.Time.AddDate(0, 0, -cfg.HistoryDays)}}}
		r.res.Findings = append([]triage.Finding(nil), res.Findings...)
		if err := r.judge(context.Background()); err != nil {
			b.Fatal(err)
		}
		if r.res.Findings[0].History.Runs != 50 {
			b.Fatalf("runs %d", r.res.Findings[0].History.Runs)
		}
	}
}
