package issue

// Cleaned returns the occurrence as a state block records it: every field
// bounded, canonical and free of control characters, as Add records one.
// Occurrences rebuilt from the run ledger go through it before they join
// a state.
func (o Occurrence) Cleaned() Occurrence { return o.clean() }
