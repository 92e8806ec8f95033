package plan

import (
	"strings"
	"testing"

	"github.com/flake-triage/flake-triage/internal/issue"
	"github.com/flake-triage/flake-triage/internal/triage"
)

// ledgerOf is a ledger that knows f with count occurrences, the newest
// being those of runs, and its issue.
func ledgerOf(f string, number, count int, st issue.State) *Ledger {
	return &Ledger{Tests: map[string]Tally{f: {Issue: number, Count: count, First: st.First, Last: st.Last, Runs: st.Runs}}}
}

func TestLedgerIsTheTruth(t *testing.T) {
	f := finding("t1", "flake", "sig")
	past := history(f, 10, 11, 12)
	p := DefaultPolicy()
	for _, tc := range []struct {
		name string
		// body turns the issue's body as the tool wrote it into what the
		// plan finds.
		body     func(string) string
		ledger   *Ledger
		run      int64
		kind     string
		count    int
		recorded bool
	}{
		{name: "a lost concurrent update: the ledger has more", body: func(b string) string { return b },
			ledger: ledgerOf("t1", 1, 7, past), run: 20, kind: Update, count: 8},
		{name: "a garbled state block", body: func(b string) string {
			i := strings.Index(b, "<!-- flake-triage:state ")
			return b[:i+30] + "%%%" + b[i+33:]
		}, ledger: ledgerOf("t1", 1, 3, past), run: 20, kind: Update, count: 4},
		{name: "a deleted tool section", body: func(string) string { return "People rewrote it all." },
			ledger: ledgerOf("t1", 1, 3, past), run: 20, kind: Update, count: 4},
		{name: "a rerun of a recorded run that the issue agrees with", body: func(b string) string { return b },
			ledger: ledgerOf("t1", 1, 3, past), run: 12, kind: None, count: 3, recorded: true},
		{name: "a rerun of a recorded run, the issue behind", body: func(b string) string { return b },
			ledger: ledgerOf("t1", 1, 5, past), run: 12, kind: Update, count: 5, recorded: true},
		{name: "a rerun of a recorded old run the issue forgot", body: func(b string) string { return b },
			ledger: ledgerOf("t1", 1, 3, past), run: 2, kind: None, count: 3, recorded: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			is := tracked(1, f, "open", t0, nil, past)
			is.Body = tc.body(is.Body)
			tc.ledger.Recorded = tc.recorded
			r := run(tc.run, started(tc.run))
			r.Ledger = tc.ledger
			pl := Make([]triage.Finding{f}, []Issue{is}, p, r, "file")
			if len(pl.Actions) != 1 {
				t.Fatalf("actions %+v", pl.Actions)
			}
			a := pl.Actions[0]
			if a.Kind != tc.kind || a.Number != 1 {
				t.Fatalf("action %s #%d (%s), want %s #1", a.Kind, a.Number, a.Reason, tc.kind)
			}
			if a.Kind == None {
				return
			}
			got, err := issue.Parse(a.Body)
			if err != nil || got.State.Count != tc.count {
				t.Errorf("count %d (%v), want %d", got.State.Count, err, tc.count)
			}
			if tc.name == "a deleted tool section" && !strings.HasPrefix(a.Body, "People rewrote it all.") {
				t.Errorf("the human text was not kept:\n%s", a.Body)
			}
			if tc.recorded && a.Comment != "" {
				t.Errorf("a repair comments: %s", a.Comment)
			}
		})
	}
}
