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
	seeds [2]maphash.Seed
	run   map[key]state
	tests []Test
	files []File
	errs  []string
	p     parser
}

// NewCollector returns an empty Collector.
func NewCollector() *Collector {
	return &Collector{
		seeds: [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()},
		run:   make(map[key]state),
	}
}

// Add reads the report named name (its '/'-separated path, used in Test.Report
// and in messages) from r. The report may be gzip-compressed. When it cannot
// be read as JUnit XML, nothing of it is kept: the returned error (also
// recorded in the File and in the Set's Errors) names the problem and, where
// known, its line.
func (c *Collector) Add(name string, r io.Reader) error {
	f := File{Path: name}
	err := c.p.parseFile(c, name, r)
	if err != nil {
		c.p.reset()
		f.Error = err.Error()
		c.files = append(c.files, f)
		err = fmt.Errorf("read report %q: %w", name, err)
		c.errs = append(c.errs, err.Error())
		return err
	}
	// Commit the file: its outcomes join the run's, its failed attempts
	// join their tests in the order they were read. The first file's map
	// becomes the run's: a single huge report needs one map, not two.
	if len(c.run) == 0 && len(c.tests) == 0 {
		for _, st := range c.p.seen {
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
	for k, fs := range c.p.seen {
		f.Tests++
		switch {
		case fs.bits&bitFail != 0 && fs.bits&bitPass != 0:
			f.Flaky++
		case fs.bits&bitFail != 0:
			f.Failed++
		}
		rs, ok := c.run[k]
		if !ok {
			rs.idx = -1
		}
		rs.bits |= fs.bits
		rs.passed += fs.passed
		c.run[k] = rs
	}
	for _, pt := range c.p.pending {
		rs := c.run[pt.key]
		if rs.idx < 0 {
			rs.idx = int32(len(c.tests))
			c.run[pt.key] = rs
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

// Set returns what was read so far.
func (c *Collector) Set() *Set {
	s := &Set{
		Files:  append([]File(nil), c.files...),
		Errors: append([]string(nil), c.errs...),
		Total:  len(c.run),
	}
	for _, rs := range c.run {
		switch {
		case rs.bits&bitFail != 0 && rs.bits&bitPass != 0:
			s.Flaky++
		case rs.bits&bitFail != 0:
			s.Failed++
		}
	}
	s.Tests = make([]Test, len(c.tests))
	copy(s.Tests, c.tests)
	for i := range s.Tests {
		k := c.keyOf(s.Tests[i].Suite.Name, s.Tests[i].Classname, s.Tests[i].Name)
		rs := c.run[k]
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

func (c *Collector) keyOf(suite, classname, name string) key {
	var k key
	for i, seed := range c.seeds {
		var h maphash.Hash
		h.SetSeed(seed)
		writeField(&h, suite)
		writeField(&h, classname)
		writeField(&h, name)
		binary.LittleEndian.PutUint64(k[i*8:], h.Sum64())
	}
	return k
}

func (c *Collector) keyOfBytes(suite string, classname, name []byte) key {
	var k key
	for i, seed := range c.seeds {
		var h maphash.Hash
		h.SetSeed(seed)
		writeField(&h, suite)
		writeFieldBytes(&h, classname)
		writeFieldBytes(&h, name)
		binary.LittleEndian.PutUint64(k[i*8:], h.Sum64())
	}
	return k
}

func writeField(h *maphash.Hash, s string) {
	var n [8]byte
	binary.LittleEndian.PutUint64(n[:], uint64(len(s)))
	h.Write(n[:])
	h.WriteString(s)
}

func writeFieldBytes(h *maphash.Hash, b []byte) {
	var n [8]byte
	binary.LittleEndian.PutUint64(n[:], uint64(len(b)))
	h.Write(n[:])
	h.Write(b)
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
