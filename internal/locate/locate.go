package locate

import (
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/joshdk/go-junit"

	"github.com/flake-triage/flake-triage/internal/report"
)

// A Location is a repo-relative, '/'-separated file path and 1-based line.
type Location struct {
	Path string `json:"path"`
	Line int    `json:"line"`
}

// A Reference is in-repo code that the failing test's own function calls.
type Reference struct {
	Path   string `json:"path"`
	Symbol string `json:"symbol"`
}

// A Result is what is known about where one failing test failed.
type Result struct {
	// Location is where the failure was raised: the first frame inside the
	// repository nearest the failure (nil when unknown).
	Location *Location
	// TestLocation is where the test or spec is declared (nil when unknown).
	TestLocation *Location
	// Related is the other in-repo non-test code on the failure's stack
	// or printed by it, one entry per file, including Location's file when
	// that is not a test file.
	Related []Location
	// References are the in-repo functions the test's own function calls
	// (Go, go/parser, one level, ≤20).
	References []Reference
	// Time is the failure time when the report carries it (zero otherwise).
	Time time.Time
	// Notes are ambiguities worth telling the user (several candidate files, ...).
	Notes []string
}

// failureText is the text of a failed attempt: its body, or its message
// when the body is empty.
func failureText(a junit.Test) string {
	var e junit.Error
	switch v := a.Error.(type) {
	case junit.Error:
		e = v
	case *junit.Error:
		if v != nil {
			e = *v
		}
	}
	body := e.Body
	if strings.TrimSpace(body) == "" {
		body = e.Message
	}
	if strings.TrimSpace(body) == "" {
		body = a.Message
	}
	return body
}

// A resolved frame is a Frame whose Path maps onto the repo file repo.
type resolved struct {
	Kind  Kind
	Line  int
	block int // Frame.Block
	repo  string
	test  bool // IsTestFile(repo)
}

// locator holds the state of one Locate call.
type locator struct {
	ix    *Index
	t     report.Test
	notes []string
	noted map[string]bool
	// lastPath is the raw path resolved last, into last.
	lastPath string
	last     resolution
}

func (l *locator) note(format string, args ...any) {
	s := fmt.Sprintf(format, args...)
	if l.noted == nil {
		l.noted = make(map[string]bool)
	}
	if !l.noted[s] {
		l.noted[s] = true
		l.notes = append(l.notes, s)
	}
}

// scratch holds the resolved frames of one Locate call between calls: a
// failure's frames are only read while it is located.
var scratch = sync.Pool{New: func() any { return new([]resolved) }}

// Locate finds where the failing test t failed, where it is declared, the
// related code on its stack and the in-repo functions it calls.
func (ix *Index) Locate(t report.Test) Result {
	buf := scratch.Get().(*[]resolved)
	l := &locator{ix: ix, t: t}
	r := l.locate((*buf)[:0])
	*buf = r.frames[:0]
	scratch.Put(buf)
	return r.Result
}

// LocateAll locates the tests of a run, as Locate does each of them, and
// then gives a parent Go test whose own failure names no position (go
// test fails a parent when one of its subtests fails, and its failure
// text is then only "--- FAIL") the location of its first failing subtest
// in the same report that has one, and that subtest's related code when
// the parent has none. The results are in the order of tests.
func (ix *Index) LocateAll(tests []report.Test) []Result {
	out := make([]Result, len(tests))
	type family struct{ report, suite, classname, top string }
	var members map[family][]int
	for i, t := range tests {
		out[i] = ix.Locate(t)
		if top, _, ok := strings.Cut(t.Name, "/"); ok && isGoTestName(t.Name) && out[i].Location != nil {
			if members == nil {
				members = make(map[family][]int)
			}
			f := family{t.Report, t.Suite.Name, t.Classname, top}
			members[f] = append(members[f], i)
		}
	}
	for i, t := range tests {
		if out[i].Location != nil || !isGoTestName(t.Name) {
			continue
		}
		top, _, _ := strings.Cut(t.Name, "/")
		for _, j := range members[family{t.Report, t.Suite.Name, t.Classname, top}] {
			if !strings.HasPrefix(tests[j].Name, t.Name+"/") {
				continue
			}
			loc := *out[j].Location
			out[i].Location = &loc
			if len(out[i].Related) == 0 {
				out[i].Related = slices.Clone(out[j].Related)
			}
			break
		}
	}
	return out
}

// A located Result keeps the frames it was found from.
type located struct {
	Result
	frames []resolved
}

// locate locates l.t, appending its resolved frames to frames.
func (l *locator) locate(frames []resolved) located {
	t := l.t
	var r Result
	var times []string
	for i, a := range t.Failed {
		text := failureText(a)
		times = times[:0]
		frames = l.resolveText(frames[:0], text, &times)
		r.Location = l.location(frames, text, a)
		if r.Location == nil {
			// The attempt's own output (Ginkgo repeats its failure there).
			n := len(frames)
			frames = l.resolveText(frames, a.SystemErr+"\n"+a.SystemOut, nil)
			if r.Location = l.location(frames[n:], text, a); r.Location == nil {
				frames = frames[:n]
			}
		}
		if r.Location == nil {
			// go-junit-report leaves the panicking test's failure empty and
			// writes the trace in the suite's output.
			n := len(frames)
			frames = l.suiteTrace(frames)
			if r.Location = l.location(frames[n:], text, a); r.Location == nil {
				frames = frames[:n]
			}
		}
		if r.Location != nil || i == len(t.Failed)-1 {
			r.TestLocation, r.References = l.testLocation(a, frames)
			r.Time = l.failureTime(a, times)
			break
		}
	}
	r.Related = related(frames)
	r.Notes = l.notes
	return located{Result: r, frames: frames}
}

// resolveText appends to dst the frames of text that name repo files,
// without Ginkgo's "> Enter" lines, and to times (when not nil) the
// timestamps of Ginkgo's failure positions.
func (l *locator) resolveText(dst []resolved, text string, times *[]string) []resolved {
	l.ix.mu.Lock()
	defer l.ix.mu.Unlock()
	eachFrame(text, func(f Frame) {
		if f.Kind == GinkgoAt && f.Time != "" && times != nil {
			*times = append(*times, f.Time)
		}
		if f.Kind == GinkgoEnter {
			return
		}
		if r := l.resolve(f); r.repo != "" {
			dst = append(dst, resolved{Kind: f.Kind, Line: f.Line, block: f.Block, repo: r.repo, test: r.test})
		}
	})
	return dst
}

// resolve maps one frame's path onto a repo file. The caller holds l.ix.mu.
func (l *locator) resolve(f Frame) resolution {
	ix := l.ix
	switch f.Kind {
	case GoLog:
		// go test prints the basename only: the test's package directory
		// comes from its import path (the classname) and go.mod.
		for _, pkg := range [...]string{l.t.Classname, l.t.Suite.Name} {
			if dir, ok := ix.packageDir(pkg); ok {
				p := path.Join(dir, f.Path)
				if ix.Has(p) {
					return resolution{repo: p, test: IsTestFile(p)}
				}
			}
		}
	case Java:
		return l.javaFile(f)
	}
	// Consecutive frames often print the same file (a helper chain, the
	// module cache's frames of one package).
	r := l.last
	if f.Path != l.lastPath {
		r = ix.resolutionLocked(f.Path)
		l.lastPath, l.last = f.Path, r
	}
	if len(r.cands) > 0 {
		l.note("%s:%d matches several files: %s", f.Path, f.Line, strings.Join(r.cands, ", "))
	}
	return r
}

// javaFile resolves a JVM frame through its class's package path:
// com.acme.FooTest$Inner.bar(FooTest.java:42) -> .../com/acme/FooTest.java.
func (l *locator) javaFile(f Frame) resolution {
	class := f.Func
	if i := strings.LastIndexByte(class, '.'); i >= 0 {
		class = class[:i]
	}
	pkg := ""
	if i := strings.LastIndexByte(class, '.'); i >= 0 {
		pkg = class[:i]
	}
	if i := strings.IndexByte(pkg, '/'); i >= 0 { // "app//com.acme..." module prefix
		pkg = pkg[i+1:]
	}
	ref := f.Path
	if pkg != "" {
		ref = strings.ReplaceAll(pkg, ".", "/") + "/" + f.Path
	}
	r := l.ix.resolutionLocked(ref)
	if len(r.cands) > 0 {
		l.note("%s:%d matches several files: %s", ref, f.Line, strings.Join(r.cands, ", "))
	}
	return r
}

// suiteTrace returns the in-repo frames of the goroutine traces in the
// suite's output that run the test's own function (go-junit-report).
func (l *locator) suiteTrace(dst []resolved) []resolved {
	text := l.t.Suite.SystemOut + "\n" + l.t.Suite.SystemErr
	if strings.TrimSpace(text) == "" {
		return dst
	}
	top, _, _ := strings.Cut(l.t.Name, "/")
	all := Extract(text)
	blocks := make(map[int]bool)
	for _, f := range all {
		if f.Kind == GoFrame && (strings.HasSuffix(f.Func, "."+top) || strings.Contains(f.Func, "."+top+".func")) {
			blocks[f.Block] = true
		}
	}
	l.ix.mu.Lock()
	defer l.ix.mu.Unlock()
	for _, f := range all {
		if f.Kind == GoFrame && blocks[f.Block] {
			if r := l.resolve(f); r.repo != "" {
				dst = append(dst, resolved{Kind: f.Kind, Line: f.Line, block: f.Block, repo: r.repo, test: r.test})
			}
		}
	}
	return dst
}

// location picks where the failure was raised from the in-repo frames of
// one failure text, by the conventions of the runner that printed them.
func (l *locator) location(frames []resolved, text string, a junit.Test) *Location {
	if len(frames) == 0 {
		return nil
	}
	// One pass over the frames: the first or last of each kind that a
	// runner convention picks.
	firstGo, firstAt, lastLog, lastPy, firstStack, rootCause := -1, -1, -1, -1, -1, -1
	for i, f := range frames {
		switch f.Kind {
		case GoFrame:
			if firstGo < 0 {
				firstGo = i
			}
		case GinkgoAt:
			if firstAt < 0 {
				firstAt = i
			}
		case GoLog:
			lastLog = i
		case Python, Pytest:
			lastPy = i
		case JS:
			if firstStack < 0 {
				firstStack = i
			}
		case Java:
			if firstStack < 0 {
				firstStack = i
			}
			// Each "Caused by:" starts a block: the first frame of the
			// last block is where the root cause was thrown.
			if rootCause < 0 || f.block > frames[rootCause].block {
				rootCause = i
			}
		}
	}
	pick := 0
	switch {
	case firstGo >= 0 && (firstAt < 0 || panicked(text, a)):
		// A panic is raised at its goroutine trace's first in-repo frame
		// (Ginkgo's "In [It] at:" then names the runtime); frames are
		// printed deepest first, and the first goroutine is the one that
		// panicked.
		pick = firstGo
	case firstAt >= 0:
		pick = firstAt
	case lastLog >= 0:
		// t.Fatal ends a test, and t.Errorf lines come in order: the last
		// logged position is the one that failed it.
		pick = lastLog
	case lastPy >= 0:
		// Python prints the most recent call last.
		pick = lastPy
	case firstStack >= 0 && frames[firstStack].Kind == Java:
		// The JVM prints the exception that reached the test first and
		// its causes after it, each "Caused by:"; the root cause is where
		// the failure was raised. A cause thrown outside the repository
		// (its frames common with the enclosing trace elided as "... N
		// more") falls back to the nearest enclosing exception's frame.
		pick = rootCause
	case firstStack >= 0:
		pick = firstStack
	}
	return &Location{Path: frames[pick].repo, Line: frames[pick].Line}
}

// panicked reports whether a failure is a panic by Ginkgo's conventions.
func panicked(text string, a junit.Test) bool {
	return strings.Contains(text, "[PANICKED]") || a.Status == junit.StatusError && errType(a) == "panicked"
}

func errType(a junit.Test) string {
	switch v := a.Error.(type) {
	case junit.Error:
		return v.Type
	case *junit.Error:
		if v != nil {
			return v.Type
		}
	}
	return ""
}

// related lists the non-test repo files among the frames, one entry per
// file at its first line, in order.
func related(frames []resolved) []Location {
	n := 0
	for _, f := range frames {
		if f.Kind != GinkgoEnter && !f.test {
			n++
		}
	}
	if n == 0 {
		return nil
	}
	out := make([]Location, 0, n)
	for _, f := range frames {
		if f.Kind == GinkgoEnter || f.test || slices.ContainsFunc(out, func(l Location) bool { return l.Path == f.repo }) {
			continue
		}
		out = append(out, Location{Path: f.repo, Line: f.Line})
	}
	return out
}

// IsTestFile reports whether the repo path p holds tests or test support
// by the naming conventions of Go, JavaScript/TypeScript, Python, Java,
// Ruby and PHP.
func IsTestFile(p string) bool {
	base := path.Base(p)
	switch {
	case strings.HasSuffix(base, "_test.go"),
		base == "conftest.py",
		strings.HasPrefix(base, "test_") && strings.HasSuffix(base, ".py"),
		strings.HasSuffix(base, "_test.py"),
		strings.HasSuffix(base, "_spec.rb"), strings.HasSuffix(base, "_test.rb"),
		strings.HasSuffix(base, "Test.php"),
		strings.HasSuffix(base, "Test.java"), strings.HasSuffix(base, "Tests.java"),
		strings.HasSuffix(base, "Test.kt"), strings.HasSuffix(base, "Tests.kt"):
		return true
	}
	for _, m := range [...]string{".test.", ".spec."} {
		if i := strings.Index(base, m); i > 0 {
			switch base[i+len(m):] {
			case "js", "jsx", "ts", "tsx", "mjs", "cjs", "mts", "cts":
				return true
			}
		}
	}
	return false
}

// testLocation finds where the test is declared, and for Go the in-repo
// functions its own function calls.
func (l *locator) testLocation(a junit.Test, frames []resolved) (*Location, []Reference) {
	ix := l.ix
	t := l.t
	// 1. The report's own attributes (jest-junit, PHPUnit, pytest xunit1, ...).
	file := a.Properties["file"]
	if file != "" {
		if p := l.resolveRef(file); p != "" {
			if n, err := strconv.Atoi(a.Properties["line"]); err == nil && n >= 0 {
				if path.Ext(p) == ".py" {
					n = pythonLine(ix.lines(p), t.Name, n, zeroBasedLines(t))
				}
				if n > 0 {
					return &Location{Path: p, Line: n}, ix.referencesAt(p, n, false)
				}
			}
			if loc := l.declIn(p); loc != nil {
				return loc, ix.referencesAt(loc.Path, loc.Line, false)
			}
		}
	}
	// 2. Ginkgo: "> Enter [It] text - path:line" in the attempt's output.
	if loc := l.ginkgoEnter(a); loc != nil {
		return loc, ix.referencesAt(loc.Path, loc.Line, true)
	}
	if strings.HasPrefix(t.Name, "[It] ") {
		dir, ok := ix.packageDir(t.Suite.Package)
		if !ok {
			dir = l.dirOf(t.Suite.Package)
			ok = dir != ""
		}
		if ok {
			if p, n, ok := ix.ginkgoSpecByText(dir, t.Name); ok {
				return &Location{Path: p, Line: n}, ix.referencesAt(p, n, true)
			}
		}
	}
	// 3. Go: the classname is the import path.
	if isGoTestName(t.Name) {
		for _, pkg := range []string{t.Classname, t.Suite.Name} {
			if dir, ok := ix.packageDir(pkg); ok {
				if gt := ix.goTest(dir, t.Name); gt.path != "" {
					return &Location{Path: gt.path, Line: gt.line}, slices.Clone(gt.refs)
				}
			}
		}
	}
	// 4. Other languages: search the candidate test files for the test.
	var cands []string
	add := func(p string) {
		if p != "" && !contains(cands, p) {
			cands = append(cands, p)
		}
	}
	if f := t.Suite.Properties["file"]; f != "" {
		add(l.resolveRef(f))
	}
	if looksLikeFile(t.Suite.Name) && strings.ContainsAny(t.Suite.Name, "/\\") {
		add(l.resolveRef(t.Suite.Name)) // jest-junit's suiteNameTemplate "{filepath}"
	}
	for _, p := range l.classFiles() {
		add(p)
	}
	for _, f := range frames {
		if f.test {
			add(f.repo)
		}
	}
	for _, p := range cands {
		if loc := l.declIn(p); loc != nil {
			return loc, nil
		}
	}
	return nil, nil
}

// dirOf maps an absolute directory of the machine that wrote the report
// (Ginkgo's <testsuite package=...>) onto a repo directory.
func (l *locator) dirOf(abs string) string {
	if abs == "" {
		return ""
	}
	abs = strings.TrimRight(slash(abs), "/")
	for i := 0; i < len(abs); i++ {
		if abs[i] != '/' {
			continue
		}
		if _, ok := l.ix.dirs[abs[i+1:]]; ok && abs[i+1:] != "" {
			return abs[i+1:]
		}
	}
	return ""
}

// isGoTestName reports whether name is a go test function or one of its subtests.
func isGoTestName(name string) bool {
	for _, p := range [...]string{"Test", "Example", "Fuzz"} {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// zeroBasedLines reports whether the report's line attributes count from 0:
// pytest writes the 0-based line of the test function's def.
func zeroBasedLines(t report.Test) bool {
	return t.Suite.Name == "pytest"
}

// resolveRef resolves a file attribute, noting ambiguities.
func (l *locator) resolveRef(ref string) string {
	p, cands := l.ix.Resolve(ref)
	if len(cands) > 0 {
		l.note("%s matches several files: %s", ref, strings.Join(cands, ", "))
	}
	return p
}

// ginkgoEnter finds the "> Enter [It] ..." line of the attempt's spec.
func (l *locator) ginkgoEnter(a junit.Test) *Location {
	var enters []Frame
	for _, text := range []string{a.SystemErr, a.SystemOut, failureText(a)} {
		if strings.Contains(text, "> Enter [") {
			for _, f := range Extract(text) {
				if f.Kind == GinkgoEnter {
					enters = append(enters, f)
				}
			}
		}
	}
	var fallback *Location
	for _, f := range enters {
		node, spec, _ := strings.Cut(strings.TrimPrefix(f.Func, "["), "] ")
		if !ginkgoLeaves[node] {
			continue
		}
		l.ix.mu.Lock()
		p := l.resolve(f).repo
		l.ix.mu.Unlock()
		if p == "" {
			continue
		}
		loc := &Location{Path: p, Line: f.Line}
		if strings.Contains(l.t.Name, spec) {
			return loc
		}
		if fallback == nil {
			fallback = loc
		}
	}
	return fallback
}

// classFiles maps a dotted classname onto repo files: Python modules
// (hack.python.tests.test_notes, optionally followed by a class) and JVM
// classes (com.acme.FooTest).
func (l *locator) classFiles() []string {
	cn := l.t.Classname
	if cn == "" {
		cn = l.t.Suite.Name // Surefire reports may leave classname out
	}
	if cn == "" || strings.ContainsAny(cn, " /\\") {
		return nil
	}
	var out []string
	parts := strings.Split(cn, ".")
	for n := len(parts); n > 0 && len(out) == 0; n-- {
		base := strings.Join(parts[:n], "/")
		for _, ext := range [...]string{".py", ".java", ".kt", ".scala", ".groovy"} {
			if p := l.resolveRef(base + ext); p != "" {
				out = append(out, p)
			}
		}
		if n <= len(parts)-2 {
			break // module, then module.Class: no deeper nesting
		}
	}
	return out
}

// declIn finds the test's declaration in the repo file p by the idioms of
// its language.
func (l *locator) declIn(p string) *Location {
	ix := l.ix
	t := l.t
	switch {
	case strings.HasSuffix(p, ".go"):
		if fn, _, _ := strings.Cut(t.Name, "/"); fn != "" {
			if gf, fd := ix.goFunc(p, fn); fd != nil {
				return &Location{Path: p, Line: gf.line(fd.Pos())}
			}
		}
		return nil
	}
	lines := ix.lines(p)
	if lines == nil {
		return nil
	}
	var n int
	switch path.Ext(p) {
	case ".py":
		n = pythonDecl(lines, t.Name)
	case ".java", ".kt", ".scala", ".groovy":
		n = jvmDecl(lines, t.Name)
	case ".js", ".jsx", ".ts", ".tsx", ".mjs", ".cjs", ".mts", ".cts":
		n = jsDecl(lines, t.Name, t.Classname)
	}
	if n == 0 {
		return nil
	}
	return &Location{Path: p, Line: n}
}

// source returns the content of the repo file p (nil when unreadable),
// cached.
func (ix *Index) source(p string) []byte {
	ix.mu.Lock()
	src, ok := ix.srcs[p]
	ix.mu.Unlock()
	if ok {
		return src
	}
	src, err := fs.ReadFile(ix.fsys, p)
	if err != nil {
		src = nil
	}
	ix.mu.Lock()
	ix.srcs[p] = src
	ix.mu.Unlock()
	return src
}

// lines returns the repo file p split in lines, cached.
func (ix *Index) lines(p string) []string {
	ix.mu.Lock()
	ls, ok := ix.texts[p]
	ix.mu.Unlock()
	if ok {
		return ls
	}
	if data := ix.source(p); data != nil {
		ls = strings.Split(string(data), "\n")
	}
	ix.mu.Lock()
	ix.texts[p] = ls
	ix.mu.Unlock()
	return ls
}

// pythonLine returns the 1-based declaration line of the Python test
// name from a report's line attribute n. pytest writes its 0-based line
// (xunit1 family), whatever junit_suite_name calls the suite, so that the
// declaration is n + 1; unittest-xml-reporting writes a 1-based line. The
// source decides: the line that starts the test's declaration (its def,
// or the first decorator above it) wins; when it does not tell, a suite
// named "pytest" (pytest's default name) means 0-based.
func pythonLine(lines []string, name string, n int, pytest bool) int {
	here, next := pythonDeclAt(lines, name, n), pythonDeclAt(lines, name, n+1)
	switch {
	case next && !here:
		return n + 1
	case here && !next:
		return n
	case pytest:
		return n + 1
	}
	return n
}

// pythonDeclAt reports whether the 1-based line k of a Python file starts
// the declaration of the test name: "def name(" (or "async def"), or a
// decorator whose following decorators lead to it.
func pythonDeclAt(lines []string, name string, k int) bool {
	if i := strings.IndexByte(name, '['); i > 0 {
		name = name[:i]
	}
	if name == "" || k < 1 {
		return false
	}
	for i := k - 1; i < len(lines); i++ {
		s := strings.TrimPrefix(strings.TrimLeft(lines[i], " \t"), "async ")
		if rest, ok := strings.CutPrefix(s, "def "+name); ok {
			return strings.HasPrefix(strings.TrimLeft(rest, " "), "(")
		}
		if !strings.HasPrefix(s, "@") && !(i > k-1 && (s == "" || strings.HasPrefix(s, "#") || strings.HasPrefix(s, ")") || strings.HasPrefix(lines[i], " "))) {
			return false
		}
	}
	return false
}

// pythonDecl finds `def name(` (pytest strips parameters "[...]" from
// the function name).
func pythonDecl(lines []string, name string) int {
	if i := strings.IndexByte(name, '['); i > 0 {
		name = name[:i]
	}
	if name == "" {
		return 0
	}
	for i, s := range lines {
		s = strings.TrimLeft(s, " \t")
		s = strings.TrimPrefix(s, "async ")
		if rest, ok := strings.CutPrefix(s, "def "+name); ok && strings.HasPrefix(strings.TrimLeft(rest, " "), "(") {
			return i + 1
		}
	}
	return 0
}

// jvmDecl finds the method name (before any "(" or "[" of parameterised
// names) declared in a Java or Kotlin file.
func jvmDecl(lines []string, name string) int {
	if i := strings.IndexAny(name, "(["); i > 0 {
		name = name[:i]
	}
	name = strings.TrimSpace(name)
	if name == "" {
		return 0
	}
	for i, s := range lines {
		if strings.Contains(s, "fun `"+name+"`(") || strings.Contains(s, "fun "+name+"(") {
			return i + 1
		}
		if j := strings.Index(s, " "+name+"("); j >= 0 && !strings.Contains(s[:j], "=") && !strings.Contains(s[:j], ".") && strings.ContainsAny(strings.TrimSpace(s[:j]), " ") {
			return i + 1 // "public void name(" and the like, not a call
		}
	}
	return 0
}

// jsTestCalls are the Jest, Mocha, Jasmine and Vitest calls that declare a test.
var jsTestCalls = []string{"it", "test", "specify", "it.only", "test.only", "it.skip", "test.skip", "test.concurrent", "it.concurrent", "fit", "xit"}

// jsDecl finds `test('title'` / `it('title'` whose title ends the test's
// name ("<describe> <title>") or is its classname (Mocha).
func jsDecl(lines []string, name, classname string) int {
	best, bestLen := 0, 0
	for i, s := range lines {
		for _, call := range jsTestCalls {
			j := strings.Index(s, call+"(")
			if j < 0 || (j > 0 && (isLetter(s[j-1]) || s[j-1] == '.' || s[j-1] == '_')) {
				continue
			}
			rest := strings.TrimLeft(s[j+len(call)+1:], " ")
			if rest == "" || !strings.ContainsRune("'\"`", rune(rest[0])) {
				continue
			}
			q := rest[0]
			end := strings.IndexByte(rest[1:], q)
			if end < 0 {
				continue
			}
			title := rest[1 : 1+end]
			if title == "" {
				continue
			}
			if (title == name || strings.HasSuffix(name, " "+title) || title == classname) && len(title) > bestLen {
				best, bestLen = i+1, len(title)
			}
		}
	}
	if best == 0 {
		best = jsEachDecl(lines, name, classname)
	}
	return best
}

// jsEachDecl finds the test.each / it.each (or describe.each) call that
// declared the test name: the report holds the case's title with the
// table's values substituted ("add(1, 2) -> 3"), the source the template
// after the table ("])('add(%i, %i) -> %i', fn)", "`('returns $expected',
// fn)"). It returns the 1-based line of the .each call, 0 when none
// matches.
func jsEachDecl(lines []string, name, classname string) int {
	for i, s := range lines {
		for _, open := range [...]string{")(", "`("} {
			for from := 0; ; {
				j := strings.Index(s[from:], open)
				if j < 0 {
					break
				}
				from += j + len(open)
				rest := strings.TrimLeft(s[from:], " ")
				if rest == "" || !strings.ContainsRune("'\"`", rune(rest[0])) {
					continue
				}
				end := strings.IndexByte(rest[1:], rest[0])
				if end < 0 {
					continue
				}
				re := jsEachTitle(rest[1 : 1+end])
				if re == nil || !re.MatchString(name) && !re.MatchString(classname) {
					continue
				}
				// The .each call is on this line or opens the table above.
				for k := i; k >= 0 && k > i-200; k-- {
					if strings.Contains(lines[k], ".each(") || strings.Contains(lines[k], ".each`") {
						return k + 1
					}
				}
				return i + 1
			}
		}
	}
	return 0
}

// jsEachTitle compiles a Jest each title template into a pattern of the
// names it gives, with or without the describe titles before it: %s, %d,
// %i, %f, %j, %o, %p and $variable stand for a value, %# and %$ for the
// case's index, %% for a percent sign. It returns nil for a title
// without placeholders.
func jsEachTitle(title string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString(`^(?:.* )?`)
	placeholders := 0
	for i := 0; i < len(title); i++ {
		c := title[i]
		switch {
		case c == '%' && i+1 < len(title) && strings.IndexByte("sdifjop", title[i+1]) >= 0:
			b.WriteString(`.*?`)
			placeholders++
			i++
		case c == '%' && i+1 < len(title) && (title[i+1] == '#' || title[i+1] == '$'):
			b.WriteString(`\d+`)
			placeholders++
			i++
		case c == '%' && i+1 < len(title) && title[i+1] == '%':
			b.WriteString("%")
			i++
		case c == '$' && i+1 < len(title) && (isLetter(title[i+1]) || title[i+1] == '_'):
			j := i + 1
			for j < len(title) && (isLetter(title[j]) || title[j] == '_' || title[j] == '.' || '0' <= title[j] && title[j] <= '9') {
				j++
			}
			b.WriteString(`.*?`)
			placeholders++
			i = j - 1
		default:
			j := i + 1
			for j < len(title) && title[j] != '%' && title[j] != '$' {
				j++
			}
			b.WriteString(regexp.QuoteMeta(title[i:j]))
			i = j - 1
		}
	}
	if placeholders == 0 {
		return nil
	}
	b.WriteString(`$`)
	re, err := regexp.Compile(b.String())
	if err != nil {
		return nil
	}
	return re
}

// referencesAt returns the in-repo functions called by the test declared
// at p:line, for Go files: the Ginkgo spec's function, or a `func Test`.
func (ix *Index) referencesAt(p string, line int, ginkgo bool) []Reference {
	if !strings.HasSuffix(p, ".go") {
		return nil
	}
	if ginkgo {
		return ix.goReferences(ix.goSource(p), p, ix.ginkgoSpecBody(p, line))
	}
	lines := ix.lines(p)
	if line > len(lines) {
		return nil
	}
	name, ok := strings.CutPrefix(lines[line-1], "func ")
	if !ok {
		return nil
	}
	if i := strings.IndexAny(name, "([ "); i > 0 {
		name = name[:i]
	}
	gf, fd := ix.goFunc(p, name)
	if fd == nil {
		return nil
	}
	return ix.goReferences(gf, p, fd)
}

// failureTime returns when the failure happened, when the report says:
// Ginkgo's "@ 11/27/26 14:55:20.842" (the runner's local time, read as
// UTC), a testcase timestamp plus its duration, or the end of the suite
// (its timestamp plus its time), which bounds the failure from above.
func (l *locator) failureTime(a junit.Test, ginkgoTimes []string) time.Time {
	for _, s := range ginkgoTimes {
		if tm, err := time.Parse("01/02/06 15:04:05.000", s); err == nil {
			return tm
		}
	}
	if tm, ok := parseTimestamp(a.Properties["timestamp"]); ok {
		return tm.Add(a.Duration)
	}
	if tm, ok := parseTimestamp(l.t.Suite.Properties["timestamp"]); ok {
		if secs, err := strconv.ParseFloat(l.t.Suite.Properties["time"], 64); err == nil && secs > 0 && secs < 1e7 {
			tm = tm.Add(time.Duration(secs * float64(time.Second)))
		}
		return tm
	}
	return time.Time{}
}

// parseTimestamp reads the timestamp attributes of JUnit dialects:
// RFC 3339 with or without a zone or fraction (UTC when none is given).
func parseTimestamp(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, false
	}
	for _, layout := range [...]string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999"} {
		if tm, err := time.Parse(layout, s); err == nil {
			return tm, true
		}
	}
	return time.Time{}, false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
