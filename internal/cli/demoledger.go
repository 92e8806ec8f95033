package cli

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io/fs"
	"maps"
	"sort"
	"strconv"
	"time"

	"github.com/flake-triage/flake-triage/internal/ledger"
	"github.com/flake-triage/flake-triage/internal/report"
	"github.com/flake-triage/flake-triage/internal/triage"
)

// demoRuns is how many past runs the demo's ledger holds: three a day
// for three weeks.
const (
	demoRuns    = 63
	demoSpacing = 8 * time.Hour
)

// writeDemoLedger fills dir, a dir: ledger, with the demo's past runs of
// the sample's suite before now, generated deterministically from each
// test's id: most tests always passed; of the tests that fail in the
// sample, some flaked now and then (flaky), some have failed in every run
// of the last days (broken) and the others never failed before (new).
// The records are local runs, like the demo's own, so that its windows
// hold them.
func writeDemoLedger(ctx context.Context, fsys fs.FS, dir string, now time.Time) error {
	set := report.Read(fsys, []string{"reports/*.xml"}, report.WithOutcomes(triage.ID))
	outcomes := maps.Collect(set.Outcomes())
	ids := make([]string, 0, len(outcomes))
	for id := range outcomes {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	store := ledger.Dir{Path: dir}
	for i := range demoRuns {
		at := now.Add(-time.Duration(demoRuns-i) * demoSpacing).UTC()
		o := map[string]ledger.Outcome{}
		for _, id := range ids {
			o[id] = demoOutcome(id, outcomes[id], i)
		}
		run := strconv.Itoa(9000 + i)
		r := ledger.NewRecord(ledger.Key{Run: "demo-" + run, Attempt: 1}, maps.All(o))
		sum := sha256.Sum256([]byte(run))
		r.SHA, r.Event, r.Time = hex.EncodeToString(sum[:20]), "", at
		v, err := ledger.Read(ctx, store, ledger.Query{Record: &r})
		if err != nil {
			return fmt.Errorf("demo ledger: %w", err)
		}
		if _, err := ledger.Add(ctx, v, &r, false, ledger.Update{}); err != nil {
			return fmt.Errorf("demo ledger: %w", err)
		}
	}
	return nil
}

// demoOutcome is test id's outcome in past run i of the demo, given its
// outcome in the sample (now).
func demoOutcome(id, now string, i int) ledger.Outcome {
	sum := sha256.Sum256([]byte(id))
	h := binary.BigEndian.Uint64(sum[:8])
	switch now {
	case "skipped":
		return ledger.Skipped
	case "failed", "flaky":
	default:
		return ledger.Passed
	}
	r := sha256.Sum256([]byte(id + "/" + strconv.Itoa(i)))
	roll := binary.BigEndian.Uint32(r[:4])
	switch h % 3 {
	case 0: // flaky: fails in about one run of six
		switch {
		case roll%6 == 0:
			return ledger.Failed
		case roll%6 == 1 && i%2 == 0:
			return ledger.Flaky
		}
		return ledger.Passed
	case 1: // broken: has failed since the last three runs
		if i >= demoRuns-3 {
			return ledger.Failed
		}
		return ledger.Passed
	}
	return ledger.Passed // new
}
