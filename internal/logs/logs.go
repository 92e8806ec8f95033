// Package logs correlates failures with the controller and component logs of
// the same run: the error (and optionally warning) lines logged shortly
// before each failure, grouped by the source line that logged them and
// mapped to repo paths, as a test maintainer reads the logs by hand.
//
// It reads klog's text format, JSON lines (zap, logr's zapr,
// controller-runtime, klog's JSON format, slog) and lines behind an RFC 3339
// timestamp (kubectl logs --timestamps, the CRI log format, zap's console
// encoder), plain or gzip-compressed, streaming each file once with memory
// bounded by MaxLine and MaxGroups, whatever the log's size.
//
// Time zones: klog's text header carries the writing machine's local clock
// with neither zone nor year. It is read as UTC unless Options.KlogZone says
// otherwise (controllers in CI containers run in UTC), and the year is the
// one that puts the line inside a correlation window, so a log spanning New
// Year's Eve correlates with failures on either side of midnight.
package logs

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/bmatcuk/doublestar/v4"
)

// MaxLine is the longest line read; longer lines are skipped and counted.
// Controller-runtime error lines with a stack trace run to a few KiB.
const MaxLine = 256 << 10

// MaxGroups bounds the groups kept for one window, so that a log full of
// distinct messages cannot grow memory without bound; further lines that
// would open a group are counted in a warning instead.
const MaxGroups = 100

// The default window around a failure.
const (
	DefaultBefore = 5 * time.Minute
	DefaultAfter  = 30 * time.Second
)

// A SourceResolver maps a source reference as a log prints it
// ("controllers/machine_controller.go", a bare "machine_controller.go", an
// absolute CI path) to a repo path, or to candidates when it is ambiguous.
// An unknown reference gives neither.
type SourceResolver interface {
	Resolve(ref string) (path string, candidates []string)
}

// Options tune Correlate.
type Options struct {
	// Before and After bound the window around each failure time; zero
	// means DefaultBefore and DefaultAfter.
	Before, After time.Duration
	// Warnings includes warning lines as well as errors.
	Warnings bool
	// KlogZone is the zone klog text headers were written in; nil means UTC.
	KlogZone *time.Location
}

// A Window is a failure to correlate: its finding id and when it happened.
type Window struct {
	Key string
	At  time.Time
	// Start is when the failing test's own run began, when its report
	// says (Ginkgo's "> Enter [" lines, a testcase timestamp); zero when
	// unknown. Groups logged during the run rank first among equals.
	Start time.Time
	// Output is the failing test's own output (failure message, its
	// system-out and system-err): the objects a group names count as
	// evidence only when this names them too (see Group.Shared).
	Output string
}

// A Location is a repo-relative, '/'-separated path and a 1-based line.
type Location struct {
	Path string
	Line int
}

// A Group is the error lines of one log file from one source reference
// inside one window.
type Group struct {
	// Log is the log file's path in the file system given to Correlate.
	Log string
	// Ref is the source reference as the log printed it, without the line
	// ("machine_controller.go"); empty when the lines named no caller, in
	// which case lines are grouped by their normalised message.
	Ref string
	// Source is the repo location of Ref; nil when Ref is unknown to the
	// repo or ambiguous, Candidates then listing the possible paths (sorted;
	// empty when unknown).
	Source     *Location
	Candidates []string
	Count      int
	First      time.Time
	Last       time.Time
	// Level is the highest level among the lines.
	Level Level
	// Sample is the first line's message and error, normalised and truncated
	// to SampleLen bytes.
	Sample string
	// Objects are the Kubernetes objects the lines name in structured
	// fields (at most 16).
	Objects []Object
	// Shared are those of Objects that the window's test output names too
	// (by name or namespace): evidence that the lines are about the
	// failing test's own objects rather than logged at the same moment
	// by coincidence. See sharedObjects for what counts.
	Shared []Object
	// InRun is true when a line was logged after the window's Start,
	// inside the failing test's own run.
	InRun bool
}

// Correlate streams every log file matching the globs (doublestar patterns
// over fsys; "!pattern" excludes; plain or gzip) once, and returns for each
// window key the groups of error lines logged in [At-Before, At+After],
// grouped by source reference, most frequent first. Windows with a zero At
// are ignored; keys without any line are absent from the map; a key given
// in several windows gets their union, each line counted once. Warnings name each file
// that could not be read and each file with skipped lines (with counts by
// reason); they never stop the run.
func Correlate(fsys fs.FS, globs []string, windows []Window, res SourceResolver, opts Options) (map[string][]Group, []string) {
	files, warnings := expandGlobs(fsys, globs)
	c := newCorrelator(windows, opts)
	for _, name := range files {
		c.skipped, c.afterEntry, c.pending = skipCounts{}, false, nil
		if err := correlateFile(fsys, name, c); err != nil {
			warnings = append(warnings, err.Error())
		}
		if s := c.skipped.String(); s != "" {
			warnings = append(warnings, fmt.Sprintf("log %q: %s", name, s))
		}
	}
	var keys []string
	for k := range c.dropped {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		warnings = append(warnings, fmt.Sprintf("window %q: %d lines dropped beyond %d groups", k, c.dropped[k], MaxGroups))
	}
	return c.result(res), warnings
}

func expandGlobs(fsys fs.FS, globs []string) ([]string, []string) {
	var warnings []string
	seen := map[string]bool{}
	var files []string
	var excludes []string
	for _, g := range globs {
		if ex, ok := strings.CutPrefix(g, "!"); ok {
			excludes = append(excludes, ex)
		}
	}
	for _, g := range globs {
		if strings.HasPrefix(g, "!") {
			continue
		}
		matches, err := doublestar.Glob(fsys, g, doublestar.WithFilesOnly())
		if err != nil {
			warnings = append(warnings, fmt.Sprintf("glob logs %q: %v", g, err))
			continue
		}
		if len(matches) == 0 {
			warnings = append(warnings, fmt.Sprintf("glob logs %q: no file matches", g))
		}
	next:
		for _, m := range matches {
			for _, ex := range excludes {
				if ok, _ := doublestar.Match(ex, m); ok {
					continue next
				}
			}
			if !seen[m] {
				seen[m] = true
				files = append(files, m)
			}
		}
	}
	sort.Strings(files)
	return files, warnings
}

func correlateFile(fsys fs.FS, name string, c *correlator) error {
	f, err := fsys.Open(name)
	if err != nil {
		return fmt.Errorf("open log %q: %w", name, err)
	}
	defer f.Close()
	r, err := decompress(f)
	if err != nil {
		return fmt.Errorf("read log %q: %w", name, err)
	}
	if err := c.scan(name, r); err != nil {
		return fmt.Errorf("read log %q: %w", name, err)
	}
	return nil
}

// decompress sniffs gzip's magic bytes, so ".gz" files and compressed files
// without the suffix both read.
func decompress(r io.Reader) (io.Reader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	magic, _ := br.Peek(2)
	if len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		return gzip.NewReader(br)
	}
	return br, nil
}

// skipCounts counts the lines of one file that were not log entries.
type skipCounts struct {
	long, binary, truncated, notLog int
}

func (s skipCounts) String() string {
	var parts []string
	add := func(n int, what string) {
		if n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, what))
		}
	}
	add(s.long, fmt.Sprintf("longer than %d KiB", MaxLine>>10))
	add(s.binary, "binary")
	add(s.truncated, "truncated")
	add(s.notLog, "not a log line")
	if len(parts) == 0 {
		return ""
	}
	total := s.long + s.binary + s.truncated + s.notLog
	return fmt.Sprintf("skipped %d lines (%s)", total, strings.Join(parts, ", "))
}

type window struct {
	key        string
	start, end time.Time
}

type groupKey struct {
	window string
	log    string
	ref    string // source file as printed, or "msg:" + sample when none
	line   int
}

type acc struct {
	g     Group
	file  string
	hints map[string]bool
}

type correlator struct {
	// tests are what each window key's test says about itself.
	tests    map[string]*testSide
	windows  []window
	spans    []window // the windows' union, sorted and disjoint
	lo, hi   time.Time
	years    []int
	minLevel Level
	zone     *time.Location
	groups   map[groupKey]*acc
	order    []groupKey
	skipped  skipCounts
	// afterEntry is true while the lines read since the last log entry
	// may be its continuation (a stack trace).
	afterEntry bool
	// pending is an entry whose multi-line error is still being read.
	pending *Entry
	// perWindow counts the groups of each window key, dropped the lines
	// refused once a key has MaxGroups.
	perWindow map[string]int
	dropped   map[string]int
}

func newCorrelator(ws []Window, opts Options) *correlator {
	if opts.Before == 0 {
		opts.Before = DefaultBefore
	}
	if opts.After == 0 {
		opts.After = DefaultAfter
	}
	c := &correlator{minLevel: LevelError, zone: opts.KlogZone, groups: map[groupKey]*acc{},
		perWindow: map[string]int{}, dropped: map[string]int{}, tests: testSides(ws)}
	if opts.Warnings {
		c.minLevel = LevelWarning
	}
	if c.zone == nil {
		c.zone = time.UTC
	}
	years := map[int]bool{}
	for _, w := range ws {
		if w.At.IsZero() {
			continue
		}
		win := window{key: w.Key, start: w.At.Add(-opts.Before), end: w.At.Add(opts.After)}
		c.windows = append(c.windows, win)
		if c.lo.IsZero() || win.start.Before(c.lo) {
			c.lo = win.start
		}
		if win.end.After(c.hi) {
			c.hi = win.end
		}
		// A klog clock in any zone is within a day of UTC.
		for _, t := range []time.Time{win.start.Add(-26 * time.Hour), win.end.Add(26 * time.Hour)} {
			years[t.Year()] = true
		}
	}
	for y := range years {
		c.years = append(c.years, y)
	}
	// The windows' union as sorted, disjoint spans.
	spans := append([]window(nil), c.windows...)
	sort.Slice(spans, func(i, j int) bool { return spans[i].start.Before(spans[j].start) })
	for _, w := range spans {
		if n := len(c.spans); n > 0 && !w.start.After(c.spans[n-1].end) {
			if w.end.After(c.spans[n-1].end) {
				c.spans[n-1].end = w.end
			}
			continue
		}
		c.spans = append(c.spans, window{start: w.start, end: w.end})
	}
	sort.Ints(c.years)
	return c
}

// scan reads one log stream line by line with a fixed buffer.
func (c *correlator) scan(name string, r io.Reader) error {
	br, ok := r.(*bufio.Reader)
	if !ok || br.Size() < MaxLine {
		br = bufio.NewReaderSize(r, MaxLine)
	}
	if len(c.windows) == 0 {
		return nil
	}
	tooLong := false
	for {
		line, err := br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			if !tooLong {
				c.skipped.long++
			}
			tooLong = true
			continue
		}
		if tooLong {
			// The tail of a line too long to keep.
			tooLong = false
		} else if len(line) > 0 {
			c.line(name, line)
		}
		if err != nil {
			c.flush(name)
			if err == io.EOF {
				return nil
			}
			return err
		}
	}
}

func (c *correlator) line(name string, line []byte) {
	line = trimEOL(line)
	if c.pending != nil {
		if len(line) > 0 && line[0] == '\t' {
			if len(c.pending.Err) < 4*SampleLen {
				if c.pending.Err != "" {
					c.pending.Err += "\n"
				}
				c.pending.Err += string(line[1:])
			}
			return
		}
		c.flush(name)
		if bytes.HasPrefix(line, []byte(" >")) {
			return
		}
	}
	if len(line) == 0 || line[0] == ' ' || line[0] == '\t' {
		// Blank lines, the continuation lines of klog's multi-line values
		// and the file lines of stack traces.
		return
	}
	lvl, t, noYear, ok := peek(line)
	if ok {
		c.afterEntry = true
		if lvl < c.minLevel || !t.IsZero() && !c.inRange(t, noYear) {
			return
		}
	}
	e, err := ParseLine(line)
	if err == ErrNotLog && c.afterEntry && isStackFrame(line) {
		return
	}
	if err != nil {
		c.afterEntry = false
	}
	switch err {
	case nil:
	case ErrBinary:
		c.skipped.binary++
		return
	case ErrTruncated:
		c.skipped.truncated++
		return
	default:
		c.skipped.notLog++
		return
	}
	if e.Level < c.minLevel || e.Time.IsZero() {
		return
	}
	if e.ErrContinues {
		c.pending = &e
		return
	}
	c.accept(name, &e)
}

// flush accepts the entry whose multi-line error was being collected.
func (c *correlator) flush(name string) {
	if c.pending != nil {
		e := c.pending
		c.pending = nil
		c.accept(name, e)
	}
}

// accept adds an entry to the groups of every window it falls in.
func (c *correlator) accept(name string, e *Entry) {
	for _, t := range c.times(*e) {
		if t.Before(c.lo) || t.After(c.hi) {
			continue
		}
		for i, w := range c.windows {
			if t.Before(w.start) || t.After(w.end) || c.seenKey(i, t) {
				continue
			}
			c.add(w.key, name, t, e)
		}
	}
}

// seenKey reports whether an earlier window of the same key as window i
// already holds t, so that a finding given twice counts a line once.
func (c *correlator) seenKey(i int, t time.Time) bool {
	for _, w := range c.windows[:i] {
		if w.key == c.windows[i].key && !t.Before(w.start) && !t.After(w.end) {
			return true
		}
	}
	return false
}

// inRange reports whether t (of any candidate year when noYear) falls in
// a window.
func (c *correlator) inRange(t time.Time, noYear bool) bool {
	if !noYear {
		return c.covered(t)
	}
	for _, y := range c.years {
		d := time.Date(y, t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), c.zone)
		if d.Day() == t.Day() && c.covered(d) {
			return true
		}
	}
	return false
}

// covered reports whether t is in the union of the windows, by binary
// search over their merged spans.
func (c *correlator) covered(t time.Time) bool {
	if t.Before(c.lo) || t.After(c.hi) {
		return false
	}
	i := sort.Search(len(c.spans), func(i int) bool { return !c.spans[i].end.Before(t) })
	return i < len(c.spans) && !t.Before(c.spans[i].start)
}

// times returns the instants a line may mean: one, or for a yearless klog
// header one per candidate year (at most one of which can fall in a window
// of less than a year).
func (c *correlator) times(e Entry) []time.Time {
	if !e.NoYear {
		return []time.Time{e.Time}
	}
	var ts []time.Time
	t := e.Time
	for _, y := range c.years {
		d := time.Date(y, t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), c.zone)
		if d.Day() != t.Day() { // 29 February of a common year
			continue
		}
		ts = append(ts, d.UTC())
	}
	return ts
}

func (c *correlator) add(key, name string, t time.Time, e *Entry) {
	gk := groupKey{window: key, log: name, ref: e.File, line: e.Line}
	if e.File == "" {
		gk.ref = "msg:" + sample(e)
	}
	a := c.groups[gk]
	if a == nil && c.perWindow[key] >= MaxGroups {
		c.dropped[key]++
		return
	}
	if a == nil {
		c.perWindow[key]++
		a = &acc{g: Group{Log: name, First: t, Last: t, Sample: sample(e)}, file: e.File}
		if e.File != "" {
			a.g.Ref = e.File
		}
		c.groups[gk] = a
		c.order = append(c.order, gk)
	}
	a.g.Count++
	for _, o := range e.Objects {
		a.g.Objects = addObject(a.g.Objects, o)
	}
	if t.Before(a.g.First) {
		a.g.First = t
	}
	if t.After(a.g.Last) {
		a.g.Last = t
	}
	if e.Level > a.g.Level {
		a.g.Level = e.Level
	}
	for _, h := range []string{e.Logger, e.Controller} {
		if h != "" && len(a.hints) < 8 {
			if a.hints == nil {
				a.hints = map[string]bool{}
			}
			a.hints[h] = true
		}
	}
}

func (c *correlator) result(res SourceResolver) map[string][]Group {
	out := map[string][]Group{}
	type resolved struct {
		path       string
		candidates []string
	}
	cache := map[string]resolved{}
	for _, gk := range c.order {
		a := c.groups[gk]
		g := a.g
		if a.file != "" && res != nil {
			r, ok := cache[a.file]
			if !ok {
				r.path, r.candidates = res.Resolve(a.file)
				cache[a.file] = r
			}
			p, cands := r.path, r.candidates
			if p == "" && len(cands) > 1 {
				p = disambiguate(cands, a.hints)
			}
			if p != "" {
				g.Source = &Location{Path: p, Line: gk.line}
			} else if len(cands) > 0 {
				g.Candidates = append([]string(nil), cands...)
				sort.Strings(g.Candidates)
			}
		}
		out[gk.window] = append(out[gk.window], g)
	}
	c.rank(out)
	return out
}

// genericWords name no package: a logger called "machine-controller" points
// at a "machine" directory, not at every "controllers" directory.
var genericWords = map[string]bool{
	"controller": true, "controllers": true, "manager": true, "internal": true, "pkg": true,
	"reconciler": true, "runtime": true, "webhook": true, "webhooks": true, "k8s": true, "io": true,
	"sigs": true, "cmd": true, "api": true,
}

// disambiguate picks the one candidate with a directory named by a word of
// the logger names or controller names seen on the lines ("machineset"
// from "machineset-controller" or "controllers.MachineSet"), and "" when
// none or several have one: a bare file name is never guessed.
func disambiguate(candidates []string, hints map[string]bool) string {
	words := map[string]bool{}
	for h := range hints {
		for _, w := range strings.FieldsFunc(strings.ToLower(h), func(r rune) bool {
			return !('a' <= r && r <= 'z' || '0' <= r && r <= '9')
		}) {
			if len(w) >= 3 && !genericWords[w] {
				words[w] = true
			}
		}
	}
	if len(words) == 0 {
		return ""
	}
	match := ""
	for _, cand := range candidates {
		hit := false
		for _, dir := range strings.Split(path.Dir(cand), "/") {
			if words[strings.ToLower(dir)] {
				hit = true
				break
			}
		}
		if hit {
			if match != "" {
				return ""
			}
			match = cand
		}
	}
	return match
}
