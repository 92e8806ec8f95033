package report

import (
	"iter"
	"strings"
)

// An Option adjusts what a reading keeps.
type Option func(*Collector)

// WithOutcomes makes the reading keep every test's outcome in the run by
// the id that id gives its identity (innermost suite name, classname and
// name): the run ledger records the passes too, for rates. Without it,
// only failing and flaky tests are kept with their identity.
func WithOutcomes(id func(suite, classname, name string) string) Option {
	return func(c *Collector) {
		c.idOf = id
		c.outcomes = map[string]uint8{}
	}
}

// WithNames makes the reading keep the classname and name of every test
// whose name keep accepts, passing ones too, once each: adoption asks
// whether a text names one test of the run or several. keep bounds what
// is kept (a suite of 50,000 tests keeps only the names that could be
// matched).
func WithNames(keep func(name string) bool) Option {
	return func(c *Collector) {
		c.keepName = keep
		c.names = map[string]struct{}{}
	}
}

// Names returns the classnames and names kept with WithNames, in no order.
func (s *Set) Names() iter.Seq2[string, string] {
	return func(yield func(string, string) bool) {
		for n := range s.names {
			cls, name, _ := strings.Cut(n, "\x00")
			if !yield(cls, name) {
				return
			}
		}
	}
}

// note records the outcome bits of one testcase of the file being read,
// and its name when names are kept.
func (p *parser) note(c *Collector, suite string, classname, name []byte, bits uint8) {
	if c.keepName != nil && c.keepName(string(name)) {
		c.names[string(classname)+"\x00"+string(name)] = struct{}{}
	}
	if c.idOf == nil {
		return
	}
	if p.outcomes == nil {
		p.outcomes = map[string]uint8{}
	}
	p.outcomes[c.idOf(suite, string(classname), string(name))] |= bits
}

// commitOutcomes folds the outcomes of the file just read into the run's.
func (c *Collector) commitOutcomes() {
	if c.outcomesShared { // a Set answers from the map: fold into a copy
		m := make(map[string]uint8, len(c.outcomes))
		for id, b := range c.outcomes {
			m[id] = b
		}
		c.outcomes, c.outcomesShared = m, false
	}
	for id, b := range c.p.outcomes {
		c.outcomes[id] |= b
	}
	clear(c.p.outcomes)
}

// Outcomes returns, when the reading kept them (WithOutcomes), the
// outcome of every test that ran, by id: "passed" (every attempt
// passed), "failed" (no attempt passed), "flaky" (failed, then passed)
// or "skipped" (every attempt skipped); nothing otherwise. It makes no
// copy: a run of 50,000 tests keeps one map of them.
func (s *Set) Outcomes() iter.Seq2[string, string] {
	return func(yield func(string, string) bool) {
		for id, b := range s.outcomes {
			o := "skipped"
			switch {
			case b&bitFail != 0 && b&bitPass != 0:
				o = "flaky"
			case b&bitFail != 0:
				o = "failed"
			case b&bitPass != 0:
				o = "passed"
			}
			if !yield(id, o) {
				return
			}
		}
	}
}
