package report

import (
	"encoding/binary"
	"fmt"
	"hash/maphash"
	"io"
	"strings"
)

// maxAttempts is how many failed attempts of one test are kept with their
// text; further failed attempts still count for the test's kind.
const maxAttempts = 16

// A key identifies a test within a run: a 128-bit hash of its innermost
// suite name, classname and name. Hashes instead of strings keep the memory
// for the passing tests of a huge report at a few dozen bytes a test.
type key [16]byte

// Outcome bits of a test's attempts.
const (
	bitFail uint8 = 1 << iota
	bitPass
	bitSkip
)

// A state is what is known of one test: over all files (idx is then an
// index in Collector.tests) or in the file being read (idx is an index in
// parser.pending); idx is -1 while the test has no failed attempt.
type state struct {
	idx    int32
	passed int32
	bits   uint8
}

// A Collector ingests reports one after another and folds the attempts of
// each test, across all of them, into failing and flaky tests. Its zero
// value is not usable; call NewCollector.
type Collector struct {
	seeds  [2]maphash.Seed
	keyBuf []byte
	run    table
	// shared is set when a Set answers from run: the next Add folds into
	// a copy, so that the Set keeps what was read when it was made.
	shared bool
	tests  []Test
	files  []File
	errs   []string
	p      parser
	// idOf and outcomes keep every test's outcome by id (WithOutcomes).
	idOf     func(suite, classname, name string) string
	outcomes map[string]uint8
	// outcomesShared is set when a Set answers from outcomes.
	outcomesShared bool
	// keepName and names keep the names of the run's tests (WithNames).
	keepName func(string) bool
	names    map[string]struct{}
}

// NewCollector returns an empty Collector.
func NewCollector(opts ...Option) *Collector {
	c := &Collector{seeds: [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}}
	for _, o := range opts {
		o(c)
	}
	return c
}

// Add reads the report named name (its '/'-separated path, used in Test.Report
// and in messages) from r. The report may be gzip-compressed. When it cannot
// be read as JUnit XML, nothing of it is kept: the returned error (also
// recorded in the File and in the Set's Errors) names the problem and, where
// known, its line.
func (c *Collector) Add(name string, r io.Reader) error {
	if c.shared {
		c.run, c.shared = c.run.clone(), false
	}
	f := File{Path: name}
	err := c.p.parseFile(c, name, r)
	if err != nil {
		clear(c.p.outcomes)
		c.p.reset()
		f.Error = err.Error()
		c.files = append(c.files, f)
		err = fmt.Errorf("read report %q: %w", name, err)
		c.errs = append(c.errs, err.Error())
		return err
	}
	c.commitOutcomes()
	// Commit the file: its outcomes join the run's, its failed attempts
	// join their tests in the order they were read. The first file's map
	// becomes the run's: a single huge report needs one table, not two.
	if c.run.len() == 0 && len(c.tests) == 0 {
		for _, st := range c.p.seen.all() {
			f.Tests++
			switch {
			case st.bits&bitFail != 0 && st.bits&bitPass != 0:
				f.Flaky++
			case st.bits&bitFail != 0:
				f.Failed++
			}
		}
		c.run, c.p.seen = c.p.seen, c.run
		for i := range c.p.pending {
			c.tests = append(c.tests, c.p.pending[i].test)
			c.tests[i].Report = name
		}
		c.files = append(c.files, f)
		c.p.reset()
		return nil
	}
	for k, fs := range c.p.seen.all() {
		f.Tests++
		switch {
		case fs.bits&bitFail != 0 && fs.bits&bitPass != 0:
			f.Flaky++
		case fs.bits&bitFail != 0:
			f.Failed++
		}
		rs, _ := c.run.ref(k)
		rs.bits |= fs.bits
		rs.passed += fs.passed
	}
	for _, pt := range c.p.pending {
		rs, _ := c.run.ref(pt.key)
		if rs.idx < 0 {
			rs.idx = int32(len(c.tests))
			t := pt.test
			t.Report = name
			c.tests = append(c.tests, t)
			continue
		}
		t := &c.tests[rs.idx]
		room := maxAttempts - len(t.Failed)
		t.Failed = append(t.Failed, pt.test.Failed[:min(room, len(pt.test.Failed))]...)
	}
	c.files = append(c.files, f)
	c.p.reset()
	return nil
}

// Warn records a problem that did not stop the reading, such as a glob
// that matched nothing.
func (c *Collector) Warn(msg string) {
	c.errs = append(c.errs, msg)
}

// Set returns what was read so far. The Set answers Outcome from the
// Collector's own table of every test read, without a copy; a later Add
// folds into a copy of it instead.
func (c *Collector) Set() *Set {
	run := c.run
	c.shared = true
	s := &Set{
		Files:  append([]File(nil), c.files...),
		Errors: append([]string(nil), c.errs...),
		Total:  c.run.len(),
		run:    &run,
		seeds:  c.seeds,
	}
	s.outcomes, c.outcomesShared = c.outcomes, c.outcomes != nil
	if c.names != nil {
		s.names = make(map[string]struct{}, len(c.names))
		for n := range c.names {
			s.names[n] = struct{}{}
		}
	}
	for _, rs := range c.run.all() {
		switch {
		case rs.bits&bitFail != 0 && rs.bits&bitPass != 0:
			s.Flaky++
		case rs.bits&bitFail != 0:
			s.Failed++
		case rs.bits&bitPass != 0:
			s.Passed++
		default:
			s.Skipped++
		}
	}
	s.Tests = make([]Test, len(c.tests))
	copy(s.Tests, c.tests)
	for i := range s.Tests {
		k := c.keyOf(s.Tests[i].Suite.Name, []byte(s.Tests[i].Classname), []byte(s.Tests[i].Name))
		rs, _ := c.run.get(k)
		s.Tests[i].Kind = Failure
		if rs.bits&bitPass != 0 {
			s.Tests[i].Kind = Flake
		}
		s.Tests[i].Passed = int(rs.passed)
	}
	return s
}

// Ingest reads one report from r, as Read does for each file it finds.
func Ingest(name string, r io.Reader) *Set {
	c := NewCollector()
	c.Add(name, r) //nolint:errcheck // recorded in the Set
	return c.Set()
}

// keyOf hashes a test's identity with the Collector's seeds (see hashKey).
func (c *Collector) keyOf(suite string, classname, name []byte) key {
	var k key
	k, c.keyBuf = hashKey(&c.seeds, c.keyBuf, suite, classname, name)
	return k
}

// hashKey hashes a test's identity (its innermost suite name, classname
// and name, each prefixed by its length) with two seeds in one pass each,
// in buf, which it returns grown for the next key.
func hashKey(seeds *[2]maphash.Seed, buf []byte, suite string, classname, name []byte) (key, []byte) {
	b := binary.LittleEndian.AppendUint32(buf[:0], uint32(len(suite)))
	b = append(b, suite...)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(classname)))
	b = append(b, classname...)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(name)))
	b = append(b, name...)
	var k key
	binary.LittleEndian.PutUint64(k[:8], maphash.Bytes(seeds[0], b))
	binary.LittleEndian.PutUint64(k[8:], maphash.Bytes(seeds[1], b))
	return k, b
}

// notRun reports whether a testcase's status attribute (Ginkgo,
// tst-cpp, Catch2 and others write one) says it did not run.
func notRun(status []byte) bool {
	switch strings.ToLower(string(status)) {
	case "skipped", "pending", "disabled", "notrun", "ignored":
		return true
	}
	return false
}
