// Package report discovers JUnit XML reports, reads every common dialect of
// them and folds the attempts of each test into failing and flaky tests.
package report

import (
	"hash/maphash"

	"github.com/joshdk/go-junit"
)

// A Kind says whether a test failed every attempt of a run or failed and
// then passed (a flake).
type Kind string

const (
	// Failure is a test whose every attempt failed or errored.
	Failure Kind = "failure"
	// Flake is a test with at least one failed and one passing attempt.
	Flake Kind = "flake"
)

// A Test is one failing or flaky test of a run. Within a run a test is
// identified by its innermost suite name, classname and name; every
// testcase element with that identity, in one report or several, is an
// attempt of it.
type Test struct {
	// Report is the '/'-separated path of the report that holds the
	// test's first failed attempt, as discovered (relative to the root
	// the reports were read from).
	Report string
	// Suite is the innermost testsuite of the first failed attempt:
	// Name, Package, Properties (the suite's attributes, e.g. "file",
	// "timestamp", merged with its <properties>), SystemOut and SystemErr
	// (bounded). Its Tests and Suites are always empty.
	Suite     junit.Suite
	Classname string
	Name      string
	Kind      Kind
	// Failed are the failed attempts in report order: Status is
	// junit.StatusFailed or junit.StatusError, Error is a junit.Error
	// (Message, Type, Body), Properties are the testcase's attributes
	// (e.g. "file", "line"), SystemOut/SystemErr the attempt's output.
	// Text is bounded.
	Failed []junit.Test
	// Passed counts the passing attempts.
	Passed int
}

// A File is the outcome of reading one report file.
type File struct {
	Path   string `json:"path"`
	Tests  int    `json:"tests"`
	Failed int    `json:"failed"`
	Flaky  int    `json:"flaky"`
	Error  string `json:"error"`
}

// A Set is everything read from the reports of one run.
type Set struct {
	Files []File
	// Tests are the failing and flaky tests, in the order their first
	// failed attempt was read.
	Tests []Test
	// Total, Failed and Flaky count distinct tests over all files.
	Total, Failed, Flaky int
	// Passed counts the tests that passed every attempt that ran, Skipped
	// those that never ran (skipped or not run on every attempt); with
	// Failed and Flaky they add up to Total.
	Passed, Skipped int
	// Errors are problems that did not stop the reading, each naming
	// its file (and line where known), e.g. a glob that matched nothing.
	Errors []string

	// run is the table the reading folded every testcase into, keyed by
	// hashes of the test's identity with seeds; Outcome answers from it.
	run   *table
	seeds [2]maphash.Seed
	// outcomes are every test's outcome bits by id (WithOutcomes).
	outcomes map[string]uint8
	// names are the kept names of the run's tests (WithNames).
	names map[string]struct{}
}

// Outcome reports whether the test with this identity (its innermost
// suite name, classname and name, as in Test) ran in this run — had an
// attempt that passed, failed or errored, not only skipped ones — and
// whether it then passed on every such attempt. A tracker asks it about a
// test it tracks that has no finding in this run: a test that passed
// ends a streak of failing runs, one that did not run says nothing.
//
// It answers from the table the reading keeps anyway, a few dozen bytes a
// test, with no copy of the names. A Set not made by Read, Ingest or a
// Collector answers false, false.
func (s *Set) Outcome(suite, classname, name string) (ran, passedAll bool) {
	if s.run == nil {
		return false, false
	}
	k, _ := hashKey(&s.seeds, nil, suite, []byte(classname), []byte(name))
	st, ok := s.run.get(k)
	if !ok || st.bits&(bitPass|bitFail) == 0 {
		return false, false
	}
	return true, st.bits&bitFail == 0
}
