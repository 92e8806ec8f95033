package ledger

import "time"

// Defaults of the window settings.
const (
	DefaultWindow = 50
	DefaultDays   = 90
)

// A Scope says which records make a test's window: those of Branch, at
// most Size of them (history-window) that ran the test, none older than
// Since (history-days before the run).
type Scope struct {
	Branch string
	Size   int
	Since  time.Time
}

// An Entry is one record of a test's window and the test's outcome in it.
type Entry struct {
	Record  *Record
	Outcome Outcome
}

// Window returns the window of test id: the records of scope.Branch,
// newest first, that ran the test (a skipped outcome is not in the
// window: it neither extends nor breaks a streak), at most scope.Size,
// none older than scope.Since. records must be sorted newest first
// (SortNewest). It is pure: statistics and verdicts are built on it.
func Window(records []*Record, id string, scope Scope) []Entry {
	var out []Entry
	for _, r := range records {
		if len(out) >= scope.Size {
			break
		}
		if r.Time.Before(scope.Since) {
			break
		}
		if r.Branch != scope.Branch {
			continue
		}
		switch o := r.Outcome(id); o {
		case NotRun, Skipped:
		default:
			out = append(out, Entry{Record: r, Outcome: o})
		}
	}
	return out
}

// Windows returns the windows of several tests at once, as Window would
// for each, in one pass over the records: a record costs the smaller of
// its test count and the count of tests whose window is not yet full.
func Windows(records []*Record, ids []string, scope Scope) map[string][]Entry {
	out := make(map[string][]Entry, len(ids))
	open := make(map[string]bool, len(ids))
	for _, id := range ids {
		open[id] = true
	}
	if scope.Size <= 0 {
		return out
	}
	for _, r := range records {
		if len(open) == 0 || r.Time.Before(scope.Since) {
			break
		}
		if r.Branch != scope.Branch {
			continue
		}
		visit := func(id string) {
			o := r.Outcome(id)
			if o == NotRun || o == Skipped {
				return
			}
			out[id] = append(out[id], Entry{Record: r, Outcome: o})
			if len(out[id]) >= scope.Size {
				delete(open, id)
			}
		}
		if tests := r.Tests(); len(tests) < len(open) {
			for _, id := range tests {
				if open[id] {
					visit(id)
				}
			}
		} else {
			for id := range open {
				visit(id)
			}
		}
	}
	return out
}

// full reports whether every test of ids has a full window in records.
func full(records []*Record, ids []string, scope Scope) bool {
	w := Windows(records, ids, scope)
	for _, id := range ids {
		if len(w[id]) < scope.Size {
			return false
		}
	}
	return true
}
