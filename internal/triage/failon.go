package triage

import "github.com/flake-triage/flake-triage/internal/health"

// fail-on settings.
const (
	FailOnNever = "never"
	FailOnNew   = "new"
	FailOnAny   = "any"
)

// decidesNew reports whether f counts toward fail-on new and the
// new-failures output: a failure (or an infrastructure failure) whose
// verdict is new or broken. A flake passed in the end and never counts;
// nor does an unknown verdict, so that nothing fails without evidence.
func decidesNew(f Finding) bool {
	return (f.Kind == "failure" || f.Kind == "infra") && health.Decides(f.Verdict)
}

// NewFailures counts the findings that fail-on new fails on.
func NewFailures(findings []Finding) int {
	n := 0
	for _, f := range findings {
		if decidesNew(f) {
			n++
		}
	}
	return n
}

// Deciding returns the findings that fail the job under failOn: with new,
// the failures whose verdict is new or broken; with any, every test that
// failed every attempt (kind failure or infra); with never (or an unknown
// setting), none.
func Deciding(findings []Finding, failOn string) []Finding {
	var out []Finding
	for _, f := range findings {
		switch failOn {
		case FailOnNew:
			if decidesNew(f) {
				out = append(out, f)
			}
		case FailOnAny:
			if f.Kind == "failure" || f.Kind == "infra" {
				out = append(out, f)
			}
		}
	}
	return out
}
