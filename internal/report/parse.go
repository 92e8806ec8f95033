package report

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/joshdk/go-junit"
	"github.com/orisano/gosax"
)

// Element kinds the parser tells apart; everything else is kOther and its
// text is skipped.
const (
	kOther uint8 = iota
	kSuites
	kSuite
	kProperties
	kProperty
	kCase
	kFailure // <failure> or <error> of a testcase
	kSkipped
	kAttempt // Surefire's flakyFailure, flakyError, rerunFailure, rerunError
	kStack   // <stackTrace> inside an attempt element
	kOut     // <system-out>
	kErr     // <system-err>
)

// errTooLarge stops a token that would not fit in memory.
var errTooLarge = fmt.Errorf("a tag or text node is larger than %d MiB", maxToken>>20)

// A guard is the parser's source: it fails when the tokenizer reads more
// than maxToken bytes without completing a token.
type guard struct {
	r     io.Reader
	since int
}

func (g *guard) Read(p []byte) (int, error) {
	if g.since > maxToken {
		return 0, errTooLarge
	}
	n, err := g.r.Read(p)
	g.since += n
	if g.since > maxToken {
		return n, errTooLarge
	}
	return n, err
}

// An attempt is one failed attempt of the testcase being read, as bytes.
type attempt struct {
	status          junit.Status
	message, typ    []byte
	body            []byte
	out, err        []byte
	hasOut, hasErr  bool
	fromGinkgoRetry bool
}

func (a *attempt) reset() {
	*a = attempt{message: a.message[:0], typ: a.typ[:0], body: a.body[:0], out: a.out[:0], err: a.err[:0]}
}

// An attr is one attribute of the testcase being read, as offsets into
// parser.attrBuf.
type attr struct{ k0, k1, v0, v1 int }

// A frame is an open <testsuite>.
type frame struct {
	suite    junit.Suite
	out, err []byte
	kept     []int // indexes in parser.pending whose Suite is this one
}

// A pendingTest is a test of the file being read with a failed attempt.
type pendingTest struct {
	key  key
	test Test
}

// A parser reads one report at a time; its buffers are reused from file to
// file.
type parser struct {
	// outcomes are the file's outcome bits by test id (WithOutcomes).
	outcomes map[string]uint8

	xr   *gosax.Reader
	src  guard
	line int

	names  []byte // open element names, concatenated
	ends   []int  // end offset of each open name in names
	kinds  []uint8
	target []*[]byte // where each open element's text goes, or nil
	root   bool      // the root element has been seen

	frames []*frame
	depth  int // number of open suites in frames

	// The testcase being read.
	inCase    bool
	attrBuf   []byte
	attrs     []attr
	nameAt    int // index in attrs, or -1
	classAt   int
	statusAt  int
	skipped   bool
	mainAt    int // index in atts of the <failure>/<error> attempt, or -1
	atts      []attempt
	nAtts     int
	caseOut   []byte
	caseErr   []byte
	ginkgoOut []byte // scratch for Ginkgo retries

	seen    table
	passes  []pass // folded into seen by foldPasses
	pending []pendingTest
}

func (p *parser) reset() {
	p.names, p.ends, p.kinds, p.target = p.names[:0], p.ends[:0], p.kinds[:0], p.target[:0]
	p.root = false
	p.depth = 0
	p.inCase = false
	p.seen.reset()
	p.passes = p.passes[:0]
	clear(p.pending)
	p.pending = p.pending[:0]
}

// parseFile reads one report into p.seen and p.pending.
func (p *parser) parseFile(c *Collector, name string, r io.Reader) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("line %d: internal error reading the report: %v", p.line, v)
		}
	}()
	p.reset()
	p.line = 1
	dr, err := decode(r)
	if err != nil {
		return err
	}
	p.src = guard{r: dr}
	if p.xr == nil || cap(p.ginkgoOut) > 4*maxField {
		p.ginkgoOut = nil
	}
	if p.xr == nil {
		p.xr = gosax.NewReaderSize(&p.src, 256<<10)
	} else {
		p.xr.Reset(&p.src)
	}
	p.xr.EmitSelfClosingTag = true
	for {
		e, err := p.xr.Event()
		p.src.since = 0
		if err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				return p.eofError()
			}
			if errors.Is(err, errTooLarge) {
				return fmt.Errorf("line %d: %w", p.line, err)
			}
			if strings.Contains(err.Error(), "unknown bang type") {
				return fmt.Errorf("line %d: malformed XML: a markup declaration (<!...) outside a document type declaration", p.line)
			}
			return fmt.Errorf("line %d: malformed XML: %w", p.line, err)
		}
		line := p.line
		switch e.Type() {
		case gosax.EventEOF:
			if len(p.kinds) > 0 || !p.root {
				return p.eofError()
			}
			p.foldPasses()
			return nil
		case gosax.EventStart:
			p.line += bytes.Count(e.Bytes, nl)
			err = p.start(c, e.Bytes)
		case gosax.EventEnd:
			if len(e.Bytes) > 1 && e.Bytes[1] != '/' { // the end of a self-closing tag
				err = p.end(c, e.Bytes)
				break
			}
			p.line += bytes.Count(e.Bytes, nl)
			err = p.end(c, e.Bytes)
		case gosax.EventText:
			if len(p.target) == 0 { // outside the root: name the line of any junk
				line += bytes.Count(e.Bytes[:len(e.Bytes)-len(bytes.TrimLeft(e.Bytes, " \t\r\n"))], nl)
			}
			p.line += bytes.Count(e.Bytes, nl)
			err = p.text(e.Bytes, true)
		case gosax.EventCData:
			p.line += bytes.Count(e.Bytes, nl)
			err = p.text(e.Bytes[len("<![CDATA["):len(e.Bytes)-len("]]>")], false)
		case gosax.EventDocType:
			p.line += bytes.Count(e.Bytes, nl)
			if bytes.Contains(e.Bytes, []byte("<!ENTITY")) {
				err = errors.New("the document type declares entities; reports with entity declarations are not read")
			}
		case gosax.EventProcessingInstruction, gosax.EventComment:
			p.line += bytes.Count(e.Bytes, nl)
		}
		if err != nil {
			return fmt.Errorf("line %d: %w", line, err)
		}
	}
}

var nl = []byte{'\n'}

func (p *parser) eofError() error {
	if !p.root {
		return errors.New("not XML: no root element")
	}
	if n := len(p.ends); n > 0 {
		start := 0
		if n > 1 {
			start = p.ends[n-2]
		}
		return fmt.Errorf("line %d: unexpected end of file inside <%s> (truncated report?)", p.line, p.names[start:p.ends[n-1]])
	}
	return fmt.Errorf("line %d: unexpected end of file (truncated report?)", p.line)
}

// localName returns name without its namespace prefix.
func localName(name []byte) []byte {
	if i := bytes.LastIndexByte(name, ':'); i >= 0 {
		return name[i+1:]
	}
	return name
}

func validName(name []byte) bool {
	if len(name) == 0 {
		return false
	}
	c := name[0]
	return c == '_' || c == ':' || c >= 0x80 || (c|0x20 >= 'a' && c|0x20 <= 'z')
}

// notJUnit names well-known report formats that are not JUnit, by root
// element.
var notJUnit = map[string]string{
	"test-run":          "NUnit 3",
	"test-results":      "NUnit 2",
	"test-suite":        "NUnit 3",
	"TestRun":           "Visual Studio TRX",
	"assemblies":        "xUnit.net v2",
	"assembly":          "xUnit.net v2",
	"ResultsSession":    "Parasoft C++test",
	"testng-results":    "TestNG",
	"testsuite-summary": "",
	"failsafe-summary":  "Maven Failsafe summary",
	"html":              "HTML",
}

func (p *parser) start(c *Collector, b []byte) error {
	name, rest := gosax.Name(b)
	if !validName(name) {
		return fmt.Errorf("malformed XML: bad tag %q", truncate(b))
	}
	local := localName(name)
	parent := kOther
	if n := len(p.kinds); n > 0 {
		parent = p.kinds[n-1]
	} else {
		if p.root {
			return fmt.Errorf("malformed XML: a second root element <%s> after the first", name)
		}
		p.root = true
		if s := string(local); s != "testsuites" && s != "testsuite" {
			if what := notJUnit[s]; what != "" {
				return fmt.Errorf("not a JUnit report: the root element is <%s> (%s)", name, what)
			}
			return fmt.Errorf("not a JUnit report: the root element is <%s>, not <testsuites> or <testsuite>", name)
		}
	}
	kind := kOther
	var target *[]byte
	switch string(local) {
	case "testsuite":
		if !p.inCase {
			kind = kSuite
			if err := p.openSuite(rest); err != nil {
				return err
			}
		}
	case "testsuites":
		if !p.inCase {
			kind = kSuites
			if err := checkAttrs(rest); err != nil {
				return err
			}
		}
	case "properties":
		if parent == kSuite || parent == kSuites {
			kind = kProperties
		}
	case "property":
		if parent == kProperties && p.depth > 0 {
			kind = kProperty
			if err := p.property(rest); err != nil {
				return err
			}
		}
	case "testcase":
		if !p.inCase {
			kind = kCase
			if err := p.openCase(rest); err != nil {
				return err
			}
		}
	case "failure", "error":
		if parent == kCase {
			kind = kFailure
			st := junit.StatusFailed
			if string(local) == "error" {
				st = junit.StatusError
			}
			a, err := p.failure(rest, st)
			if err != nil {
				return err
			}
			target = &a.body
		}
	case "skipped":
		if parent == kCase {
			kind = kSkipped
			p.skipped = true
		}
	case "flakyFailure", "flakyError", "rerunFailure", "rerunError":
		if parent == kCase {
			kind = kAttempt
			st := junit.StatusFailed
			if strings.HasSuffix(string(local), "Error") {
				st = junit.StatusError
			}
			a := p.newAttempt()
			a.status = st
			if err := attemptAttrs(a, rest); err != nil {
				return err
			}
			target = &a.body
		}
	case "stackTrace":
		if parent == kAttempt {
			kind = kStack
			target = &p.atts[p.nAtts-1].body
		}
	case "system-out", "system-err":
		out := string(local) == "system-out"
		switch parent {
		case kCase:
			kind = kOut
			if out {
				target = &p.caseOut
			} else {
				kind = kErr
				target = &p.caseErr
			}
		case kAttempt:
			a := &p.atts[p.nAtts-1]
			kind = kOut
			if out {
				a.hasOut = true
				target = &a.out
			} else {
				kind = kErr
				a.hasErr = true
				target = &a.err
			}
		case kSuite:
			f := p.frames[p.depth-1]
			kind = kOut
			if out {
				target = &f.out
			} else {
				kind = kErr
				target = &f.err
			}
		}
	}
	if kind == kOther {
		if err := checkAttrs(rest); err != nil {
			return err
		}
	}
	p.names = append(p.names, name...)
	p.ends = append(p.ends, len(p.names))
	p.kinds = append(p.kinds, kind)
	p.target = append(p.target, target)
	return nil
}

func truncate(b []byte) string {
	if len(b) > 40 {
		return string(b[:40]) + "..."
	}
	return string(b)
}

func (p *parser) end(c *Collector, b []byte) error {
	name, _ := gosax.Name(b)
	n := len(p.ends)
	if n == 0 {
		return fmt.Errorf("malformed XML: closing tag </%s> without an opening tag", name)
	}
	start := 0
	if n > 1 {
		start = p.ends[n-2]
	}
	if open := p.names[start:p.ends[n-1]]; !bytes.Equal(open, name) {
		return fmt.Errorf("malformed XML: closing tag </%s> does not match <%s>", name, open)
	}
	kind := p.kinds[n-1]
	p.names = p.names[:start]
	p.ends = p.ends[:n-1]
	p.kinds = p.kinds[:n-1]
	p.target = p.target[:n-1]
	switch kind {
	case kSuite:
		p.closeSuite()
	case kCase:
		p.closeCase(c)
	}
	return nil
}

func (p *parser) text(b []byte, escaped bool) error {
	n := len(p.target)
	if n == 0 {
		if len(bytes.TrimLeft(b, " \t\r\n")) > 0 {
			if p.root {
				return errors.New("malformed XML: text after the root element")
			}
			return fmt.Errorf("not XML: text %q before the root element", truncate(bytes.TrimLeft(b, " \t\r\n")))
		}
		return nil
	}
	t := p.target[n-1]
	if t == nil {
		return nil
	}
	if escaped && len(*t)+len(b) <= maxCapture { // unescaped text is never longer
		u, err := appendUnescaped(*t, b)
		if err != nil {
			return fmt.Errorf("malformed XML: %w", err)
		}
		*t = u
		return nil
	}
	if escaped {
		u, err := gosax.Unescape(b)
		if err != nil {
			return fmt.Errorf("malformed XML: %w", err)
		}
		b = u
	}
	*t = appendCapped(*t, b)
	return nil
}

func (p *parser) openSuite(rest []byte) error {
	if p.depth == len(p.frames) {
		p.frames = append(p.frames, new(frame))
	}
	f := p.frames[p.depth]
	*f = frame{out: f.out[:0], err: f.err[:0], kept: f.kept[:0]}
	f.suite.Properties = map[string]string{}
	err := eachAttr(rest, func(k, v []byte) {
		f.suite.Properties[string(k)] = string(v)
	})
	f.suite.Name = f.suite.Properties["name"]
	f.suite.Package = f.suite.Properties["package"]
	p.depth++
	return err
}

func (p *parser) property(rest []byte) error {
	var name, value []byte
	err := eachAttr(rest, func(k, v []byte) {
		switch string(k) {
		case "name":
			name = append([]byte(nil), v...)
		case "value":
			value = append([]byte(nil), v...)
		}
	})
	if name != nil {
		p.frames[p.depth-1].suite.Properties[string(name)] = string(value)
	}
	return err
}

func (p *parser) closeSuite() {
	p.depth--
	f := p.frames[p.depth]
	if len(f.kept) == 0 {
		return
	}
	out, errText := bound(f.out), bound(f.err)
	for _, i := range f.kept {
		p.pending[i].test.Suite.SystemOut = out
		p.pending[i].test.Suite.SystemErr = errText
	}
}

func (p *parser) openCase(rest []byte) error {
	p.inCase = true
	p.attrBuf, p.attrs = p.attrBuf[:0], p.attrs[:0]
	p.nameAt, p.classAt, p.statusAt, p.mainAt = -1, -1, -1, -1
	p.skipped = false
	p.nAtts = 0
	p.caseOut, p.caseErr = p.caseOut[:0], p.caseErr[:0]
	// Copy the tag's attributes once and unescape them in place: a huge
	// report has hundreds of thousands of testcases, nearly all passing.
	p.attrBuf = append(p.attrBuf, rest...)
	for off := 0; off < len(p.attrBuf); {
		k0, k1, v0, v1, next, done, err := scanAttr(p.attrBuf[off:])
		if done {
			return err
		}
		switch string(p.attrBuf[off+k0 : off+k1]) {
		case "name":
			p.nameAt = len(p.attrs)
		case "classname":
			p.classAt = len(p.attrs)
		case "status":
			p.statusAt = len(p.attrs)
		}
		p.attrs = append(p.attrs, attr{k0: off + k0, k1: off + k1, v0: off + v0, v1: off + v1})
		off += next
	}
	return nil
}

func (p *parser) attrValue(i int) []byte {
	if i < 0 {
		return nil
	}
	a := p.attrs[i]
	return p.attrBuf[a.v0:a.v1]
}

func (p *parser) newAttempt() *attempt {
	if p.nAtts == len(p.atts) {
		p.atts = append(p.atts, attempt{})
	}
	a := &p.atts[p.nAtts]
	p.nAtts++
	a.reset()
	return a
}

func attemptAttrs(a *attempt, rest []byte) error {
	return eachAttr(rest, func(k, v []byte) {
		switch string(k) {
		case "message":
			a.message = append(a.message, v...)
		case "type":
			a.typ = append(a.typ, v...)
		}
	})
}

// failure starts the failed attempt of a <failure> or <error>. Several of
// them in one testcase are one attempt: their bodies are joined and, as in
// go-junit, the last one's status, message and type are kept.
func (p *parser) failure(rest []byte, st junit.Status) (*attempt, error) {
	if p.mainAt >= 0 {
		a := &p.atts[p.mainAt]
		if len(a.body) > 0 {
			a.body = append(a.body, "\n\n"...)
		}
		a.status = st
		a.message, a.typ = a.message[:0], a.typ[:0]
		return a, attemptAttrs(a, rest)
	}
	p.mainAt = p.nAtts
	a := p.newAttempt()
	a.status = st
	return a, attemptAttrs(a, rest)
}

// closeCase folds the testcase just read into the file's outcomes.
func (p *parser) closeCase(c *Collector) {
	p.inCase = false
	suite := ""
	var f *frame
	if p.depth > 0 {
		f = p.frames[p.depth-1]
		suite = f.suite.Name
	}
	classname, name := p.attrValue(p.classAt), p.attrValue(p.nameAt)
	k := c.keyOf(suite, classname, name)

	final := p.mainAt < 0 // the last attempt passed or was skipped
	retries := p.ginkgoRetries()
	if p.nAtts == 0 && len(retries) == 0 {
		ps := pass{k: k, bits: bitPass, n: 1}
		if p.skipped || notRun(p.attrValue(p.statusAt)) {
			ps.bits, ps.n = bitSkip, 0
		}
		p.note(c, suite, classname, name, ps.bits)
		p.passes = append(p.passes, ps)
		if len(p.passes) == passBatch {
			p.foldPasses()
		}
		return
	}
	st, _ := p.seen.ref(k)
	switch {
	case final && p.skipped:
		st.bits |= bitFail | bitSkip
		p.note(c, suite, classname, name, bitFail|bitSkip)
	case final:
		st.bits |= bitFail | bitPass
		st.passed++
		p.note(c, suite, classname, name, bitFail|bitPass)
	default:
		st.bits |= bitFail
		p.note(c, suite, classname, name, bitFail)
	}

	// Keep the failed attempts: Ginkgo's retried ones first, then the
	// elements in document order.
	if st.idx < 0 {
		st.idx = int32(len(p.pending))
		pt := pendingTest{key: k, test: Test{Classname: string(classname), Name: string(name)}}
		if f != nil {
			pt.test.Suite = junit.Suite{Name: f.suite.Name, Package: f.suite.Package, Properties: f.suite.Properties}
			f.kept = append(f.kept, len(p.pending))
		}
		p.pending = append(p.pending, pt)
	}
	t := &p.pending[st.idx].test
	var props map[string]string
	keep := func(a *attempt) {
		if len(t.Failed) >= maxAttempts {
			return
		}
		if props == nil && len(p.attrs) > 0 {
			props = make(map[string]string, len(p.attrs))
			for _, at := range p.attrs {
				props[string(p.attrBuf[at.k0:at.k1])] = string(p.attrBuf[at.v0:at.v1])
			}
		}
		out, errText := p.caseOut, p.caseErr
		if a.hasOut || a.fromGinkgoRetry {
			out = a.out
		}
		if a.hasErr || a.fromGinkgoRetry {
			errText = a.err
		}
		t.Failed = append(t.Failed, junit.Test{
			Name:       t.Name,
			Classname:  t.Classname,
			Duration:   duration(props["time"]),
			Status:     a.status,
			Message:    bound(a.message),
			Error:      junit.Error{Message: bound(a.message), Type: bound(a.typ), Body: bound(a.body)},
			Properties: props,
			SystemOut:  boundOutput(out),
			SystemErr:  boundOutput(errText),
		})
	}
	for i := range retries {
		keep(&retries[i])
	}
	for i := range p.nAtts {
		keep(&p.atts[i])
	}
}

// A pass is a testcase with no failed attempt, waiting to be folded into
// parser.seen.
type pass struct {
	k    key
	bits uint8
	n    int32 // passing attempts
}

// passBatch is how many passes are folded at once.
const passBatch = 64

// foldPasses folds the waiting passes into p.seen. Outcomes merge in any
// order, so passes may wait while failing tests are folded; they are
// batched so that the table's cache misses overlap (see table.warm).
func (p *parser) foldPasses() {
	p.seen.warm(func(yield func(key) bool) {
		for i := range p.passes {
			if !yield(p.passes[i].k) {
				return
			}
		}
	}, len(p.passes))
	for _, ps := range p.passes {
		st, _ := p.seen.ref(ps.k)
		st.bits |= ps.bits
		st.passed += ps.n
	}
	p.passes = p.passes[:0]
}

// duration parses a testcase's time attribute as go-junit does.
func duration(t string) time.Duration {
	t = strings.ReplaceAll(t, ",", "")
	if s, err := strconv.ParseFloat(t, 64); err == nil {
		return time.Duration(s*1000000) * time.Microsecond
	}
	if d, err := time.ParseDuration(t); err == nil {
		return d
	}
	return 0
}
