package locate

import "strings"

// A Kind says which runner convention printed a Frame.
type Kind int

const (
	// Plain is any other "path:line" mention (PHPUnit, RSpec, ...).
	Plain Kind = iota
	// GinkgoAt is Ginkgo's failure position: "In [It] at: path:line @ time"
	// or, on the console, "[FAILED] in [It] - path:line @ time".
	GinkgoAt
	// GinkgoEnter is Ginkgo's "> Enter [It] text - path:line @ time": where
	// a spec or setup node is declared.
	GinkgoEnter
	// GoFrame is a frame of a Go goroutine trace (a panic, Ginkgo's
	// "Full Stack Trace"): "\t/abs/path/file.go:123 +0x1d".
	GoFrame
	// GoLog is a line logged by t.Log/t.Errorf: "    file_test.go:42: msg",
	// with the file's basename only.
	GoLog
	// Python is a traceback line: `File "x.py", line 12, in f`.
	Python
	// Pytest is pytest's long traceback entry: "path.py:12: AssertionError".
	Pytest
	// JS is a V8 stack frame: "at fn (/abs/src/x.test.js:10:5)".
	JS
	// Java is a JVM stack frame: "at com.acme.FooTest.bar(FooTest.java:42)";
	// its Path is the file's basename and Func the qualified method.
	Java
)

var kindNames = [...]string{"plain", "ginkgo-at", "ginkgo-enter", "go-frame", "go-log", "python", "pytest", "js", "java"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "unknown"
}

// A Frame is one source position printed in a runner's failure text, as
// printed: Path is not yet normalised.
type Frame struct {
	Kind Kind
	Path string
	Line int
	// Func is the function of a stack frame (Go, JS, Java, Python), the
	// node text of a Ginkgo "> Enter" line, or the text after a GoLog or
	// Pytest position.
	Func string
	// Block numbers the traces of the text: each goroutine, Ginkgo "Full
	// Stack Trace", Python "Traceback" and Java "Caused by" starts a new one.
	Block int
	// Time is Ginkgo's "@ 11/17/23 11:42:09.424" timestamp, as printed.
	Time string
}

// maxFramesPerText bounds the frames taken from one text, so that a huge
// log cannot make locating quadratic.
const maxFramesPerText = 2000

// Extract returns every source position that a runner printed in text, in
// order. It never fails: text it does not understand yields nothing.
func Extract(text string) []Frame {
	var frames []Frame
	eachFrame(text, func(f Frame) {
		if frames == nil {
			frames = make([]Frame, 0, min(strings.Count(text, "\n")+1, 64))
		}
		frames = append(frames, f)
	})
	return frames
}

// eachFrame calls yield with every source position that a runner printed
// in text, in order, without collecting them: locating a failure keeps
// only the frames that name repository files.
func eachFrame(text string, yield func(Frame)) {
	n := 0
	count := func(f Frame) {
		n++
		yield(f)
	}
	block := 0
	var prev string // the previous non-empty line, trimmed: a Go frame's function
	for len(text) > 0 && n < maxFramesPerText {
		var line string
		if i := strings.IndexByte(text, '\n'); i >= 0 {
			line, text = text[:i], text[i+1:]
		} else {
			line, text = text, ""
		}
		line = strings.TrimSuffix(line, "\r")
		k := 0
		for k < len(line) && (line[k] == ' ' || line[k] == '\t') {
			k++
		}
		t := line[k:]
		if t == "" {
			continue
		}
		if strings.IndexByte(t, ':') < 0 && t != "Full Stack Trace" && !strings.HasPrefix(t, "File \"") {
			// No position, no trace header: a Go frame's function line,
			// a message.
			prev = t
			continue
		}
		indented := len(t) < len(line)
		f, ok := frameOf(t, indented, prev, &block)
		prev = t
		if ok {
			f.Block = block
			count(f)
			continue
		}
		if strings.HasPrefix(t, "< Exit [") {
			continue // repeats its "> Enter [" line
		}
		plainFrames(t, block, count)
	}
}

// frameOf recognises the line conventions of each runner. t is the line
// without its indentation.
func frameOf(t string, indented bool, prev string, block *int) (Frame, bool) {
	switch {
	case strings.HasPrefix(t, "goroutine ") && strings.HasSuffix(t, ":"),
		t == "Full Stack Trace",
		strings.HasPrefix(t, "Traceback (most recent call last)"),
		strings.HasPrefix(t, "Caused by:"):
		*block++
		return Frame{}, false
	case strings.HasPrefix(t, "In [") || (t[0] == '[' && strings.Contains(t, "] in [")):
		return ginkgoAt(t)
	case strings.HasPrefix(t, "> Enter ["):
		return ginkgoEnter(t)
	case strings.HasPrefix(t, "File \""):
		return pythonFrame(t)
	case strings.HasPrefix(t, "at "):
		return stackFrame(t[3:])
	}
	// Lines that start with a position: Go trace frames, t.Log lines and
	// pytest entries. A line with no ":<digit>" holds no position at all.
	p, n, rest, ok := pathLine(t)
	if !ok || strings.IndexByte(p, ' ') >= 0 || strings.IndexByte(p, '\t') >= 0 {
		return Frame{}, false
	}
	switch {
	case strings.HasSuffix(p, ".go"):
		if t[0] == '/' || (len(t) > 2 && t[1] == ':' && (t[2] == '/' || t[2] == '\\')) {
			if rest == "" || strings.HasPrefix(rest, " +0x") {
				return Frame{Kind: GoFrame, Path: p, Line: n, Func: goFunc(prev)}, true
			}
		} else if indented && strings.IndexByte(p, '/') < 0 && strings.IndexByte(p, '\\') < 0 && (rest == ":" || strings.HasPrefix(rest, ": ")) {
			return Frame{Kind: GoLog, Path: p, Line: n, Func: strings.TrimSpace(rest[1:])}, true
		}
	case strings.HasSuffix(p, ".py"):
		if (rest == ":" || strings.HasPrefix(rest, ": ")) && !strings.ContainsAny(p, "\"'(") {
			return Frame{Kind: Pytest, Path: p, Line: n, Func: strings.TrimSpace(rest[1:])}, true
		}
	}
	return Frame{}, false
}

// goFunc returns the function of a Go trace frame from the line before
// its position: "pkg.(*T).M(0xc000123456, ...)" -> "pkg.(*T).M".
func goFunc(prev string) string {
	if i := strings.LastIndexByte(prev, '('); i > 0 {
		return prev[:i]
	}
	return prev
}

// pathLine splits "path:line<rest>" where path may start with a Windows
// drive ("D:\a\x.go:12"). It returns ok only for a positive line.
func pathLine(s string) (p string, line int, rest string, ok bool) {
	from := 0
	if len(s) > 2 && s[1] == ':' && (s[2] == '/' || s[2] == '\\') {
		from = 2
	}
	for i := from; i < len(s)-1; i++ {
		k := strings.IndexByte(s[i:], ':')
		if k < 0 {
			break
		}
		i += k
		if i+1 >= len(s) || !isDigit(s[i+1]) {
			continue
		}
		j := i + 1
		n := 0
		for j < len(s) && isDigit(s[j]) && n < 1e8 {
			n = n*10 + int(s[j]-'0')
			j++
		}
		if i == 0 || n == 0 {
			return "", 0, "", false
		}
		return s[:i], n, s[j:], true
	}
	return "", 0, "", false
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// ginkgoTime returns the timestamp after " @ " in Ginkgo's position lines.
func ginkgoTime(rest string) string {
	if t, ok := strings.CutPrefix(strings.TrimSpace(rest), "@ "); ok {
		if i := strings.Index(t, " ("); i >= 0 {
			t = t[:i]
		}
		return strings.TrimSpace(t)
	}
	return ""
}

func ginkgoAt(t string) (Frame, bool) {
	var s string
	if i := strings.Index(t, "] at: "); i >= 0 && strings.HasPrefix(t, "In [") {
		s = t[i+len("] at: "):]
	} else if i := strings.Index(t, "] - "); i >= 0 {
		s = t[i+len("] - "):]
	} else {
		return Frame{}, false
	}
	p, n, rest, ok := pathLine(s)
	if !ok {
		return Frame{}, false
	}
	return Frame{Kind: GinkgoAt, Path: p, Line: n, Time: ginkgoTime(rest)}, true
}

func ginkgoEnter(t string) (Frame, bool) {
	s := t[len("> Enter ["):]
	node, text, ok := strings.Cut(s, "] ")
	if !ok {
		return Frame{}, false
	}
	i := strings.LastIndex(text, " - ")
	if i < 0 {
		return Frame{}, false
	}
	p, n, rest, ok := pathLine(text[i+3:])
	if !ok {
		return Frame{}, false
	}
	return Frame{Kind: GinkgoEnter, Path: p, Line: n, Func: "[" + node + "] " + text[:i], Time: ginkgoTime(rest)}, true
}

func pythonFrame(t string) (Frame, bool) {
	s := t[len("File \""):]
	p, s, ok := strings.Cut(s, "\"")
	if !ok || p == "" {
		return Frame{}, false
	}
	s, ok = strings.CutPrefix(s, ", line ")
	if !ok {
		return Frame{}, false
	}
	n, j := 0, 0
	for j < len(s) && isDigit(s[j]) && n < 1e8 {
		n = n*10 + int(s[j]-'0')
		j++
	}
	if n == 0 {
		return Frame{}, false
	}
	fn, _ := strings.CutPrefix(s[j:], ", in ")
	return Frame{Kind: Python, Path: p, Line: n, Func: strings.TrimSpace(fn)}, true
}

// stackFrame parses a JavaScript or JVM frame after its "at ".
func stackFrame(s string) (Frame, bool) {
	s = strings.TrimSpace(s)
	fn, loc := "", s
	if strings.HasSuffix(s, ")") {
		i := strings.LastIndex(s, "(")
		if i < 0 {
			return Frame{}, false
		}
		fn, loc = strings.TrimSpace(s[:i]), s[i+1:len(s)-1]
	}
	p, n, _, ok := pathLine(loc)
	if !ok {
		return Frame{}, false
	}
	if isJVMSource(p) && !strings.ContainsAny(p, "/\\") && fn != "" {
		return Frame{Kind: Java, Path: p, Line: n, Func: fn}, true
	}
	return Frame{Kind: JS, Path: p, Line: n, Func: fn}, true
}

func isJVMSource(p string) bool {
	for _, ext := range [...]string{".java", ".kt", ".scala", ".groovy"} {
		if strings.HasSuffix(p, ext) {
			return true
		}
	}
	return false
}

// plainFrames yields the "path.ext:line" mentions of a line that no runner
// convention claimed.
func plainFrames(t string, block int, yield func(Frame)) {
	for k := 0; k < 4 && len(t) > 0; k++ {
		i := strings.IndexByte(t, ':')
		for i >= 0 && (i+1 >= len(t) || !isDigit(t[i+1])) {
			j := strings.IndexByte(t[i+1:], ':')
			if j < 0 {
				i = -1
				break
			}
			i += 1 + j
		}
		if i <= 0 {
			return
		}
		start := i
		for start > 0 && !isDelim(t[start-1]) {
			start--
		}
		// A Windows drive letter: "D:\a\x.php:3".
		if start >= 2 && t[start-1] == ':' && start-2 >= 0 && isLetter(t[start-2]) && (start-2 == 0 || isDelim(t[start-3])) {
			start -= 2
		}
		p, n, _, ok := pathLine(t[start:])
		if ok && looksLikeFile(p) && sourceExt(p) && !strings.Contains(p, "://") {
			yield(Frame{Kind: Plain, Path: p, Line: n, Block: block})
		}
		t = t[i+1:]
	}
}

func isDelim(c byte) bool {
	switch c {
	case ' ', '\t', '(', '"', '\'', '[', '<', '=', '`', ',':
		return true
	}
	return false
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// looksLikeFile reports whether p ends in a file name with an extension.
func looksLikeFile(p string) bool {
	base := p
	if i := strings.LastIndexAny(p, "/\\"); i >= 0 {
		base = p[i+1:]
	}
	dot := strings.LastIndexByte(base, '.')
	return dot > 0 && dot < len(base)-1 && !strings.ContainsAny(base, " :")
}

// sourceExt reports whether p has the extension of a programming
// language's source file, so that "host.example.com:443" is not a file.
func sourceExt(p string) bool {
	i := strings.LastIndexByte(p, '.')
	if i < 0 {
		return false
	}
	switch p[i+1:] {
	case "go", "py", "js", "jsx", "mjs", "cjs", "ts", "tsx", "mts", "cts", "java", "kt", "kts", "scala", "groovy",
		"php", "rb", "rs", "c", "cc", "cpp", "cxx", "h", "hpp", "cs", "fs", "swift", "m", "mm", "dart", "ex", "exs",
		"erl", "lua", "pl", "pm", "sh", "bash", "feature", "robot", "yaml", "yml", "vue", "svelte", "clj", "hs", "zig":
		return true
	}
	return false
}
