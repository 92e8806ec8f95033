// Package testname holds how Go, pytest and Ginkgo name tests in JUnit
// reports: which names are top-level Go tests and which their subtests,
// how a pytest node id is rebuilt from a classname and a name, and which
// trailing bracketed lists Ginkgo appends to a spec's text.
package testname

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// IsIdentifier reports whether s is a Go or Python identifier: letters,
// digits and underscores, not starting with a digit.
func IsIdentifier(s string) bool {
	for i, r := range s {
		if !(r == '_' || unicode.IsLetter(r) || i > 0 && unicode.IsDigit(r)) {
			return false
		}
	}
	return s != ""
}

// goPrefixes are the prefixes of the functions go test runs.
var goPrefixes = []string{"Test", "Example", "Fuzz", "Benchmark"}

// IsGoTop reports whether name is a top-level Go test, example, fuzz
// target or benchmark: an identifier that is the prefix, then nothing or
// a word whose first rune is not a lower-case letter (go test's rule).
func IsGoTop(name string) bool {
	if !IsIdentifier(name) {
		return false
	}
	for _, p := range goPrefixes {
		if rest, ok := strings.CutPrefix(name, p); ok {
			r, _ := utf8.DecodeRuneInString(rest)
			return rest == "" || !unicode.IsLower(r)
		}
	}
	return false
}

// GoTop returns the top-level Go test of name (TestX of TestX/case, or
// TestX itself), and whether name is a Go test or one of its subtests.
func GoTop(name string) (top string, ok bool) {
	top, _, _ = strings.Cut(name, "/")
	if !IsGoTop(top) {
		return "", false
	}
	return top, true
}

// SplitCase splits a test name into its top-level test and its case: a Go
// subtest ("TestX/case", the case keeping any further "/", since go test
// prints a "/" inside a subtest's name as it prints a nested level) or a
// pytest parameter set ("test_x[param]", brackets inside the parameters
// included). ok is false, and top the whole name, for any other name.
func SplitCase(name string) (top, cse string, ok bool) {
	if t, c, found := strings.Cut(name, "/"); found && IsGoTop(t) && c != "" {
		return t, c, true
	}
	if i := strings.IndexByte(name, '['); i > 0 && strings.HasSuffix(name, "]") && len(name) > i+2 && IsIdentifier(name[:i]) {
		return name[:i], name[i+1 : len(name)-1], true
	}
	return name, "", false
}

// PytestFunc returns the function a pytest test name runs: the name
// without its parameter set ("test_x" of "test_x[a-1]").
func PytestFunc(name string) string {
	f, _, _ := strings.Cut(name, "[")
	return f
}

// PytestNodeID returns the pytest node id ("tests/test_x.py::TestC::test_f")
// of the test named name, rebuilt from the classname pytest's JUnit XML
// writes (the node id's path with "/" and ".py" turned into dots, then
// its classes): the trailing components that start with an upper-case
// letter are classes (Python names classes in CapWords and modules in
// lower case, and pytest's default python_classes start with "Test"), the
// rest the module's path relative to the rootdir. file, when it names a
// .py file (the report's file attribute), is the module's path instead.
// ok is false when name does not start with "test", the classname has an
// empty component, or the module is unknown (a classname of classes
// only, as unittest's XML runners write, and no file).
func PytestNodeID(file, classname, name string) (id string, ok bool) {
	if !strings.HasPrefix(name, "test") {
		return "", false
	}
	var parts []string
	if classname != "" {
		parts = strings.Split(classname, ".")
	}
	for _, p := range parts {
		if p == "" {
			return "", false
		}
	}
	n := len(parts)
	for n > 0 && unicode.IsUpper([]rune(parts[n-1])[0]) {
		n--
	}
	switch {
	case strings.HasSuffix(file, ".py"):
		id = file
	case n > 0:
		id = strings.Join(parts[:n], "/") + ".py"
	default:
		return "", false
	}
	for _, c := range parts[n:] {
		id += "::" + c
	}
	return id + "::" + name, true
}

// CutGinkgoLists cuts up to max trailing bracketed lists off a Ginkgo
// spec's JUnit name: Ginkgo's reporter appends the spec's labels and
// version constraints to its text, each list as " [a, b]". A list is
// " [" and "]" enclosing no bracket, after some text. text is what
// remains; lists are the lists cut, in order, each with its leading
// space. A spec text that itself ends in brackets (Kubernetes writes
// "[Slow]" into texts) cannot be told apart from a list.
func CutGinkgoLists(name string, max int) (text string, lists []string) {
	text = name
	for len(lists) < max && strings.HasSuffix(text, "]") {
		i := strings.LastIndex(text, " [")
		if i <= 0 || strings.ContainsAny(text[i+2:len(text)-1], "[]") {
			break
		}
		lists = append([]string{text[i:]}, lists...)
		text = text[:i]
	}
	return text, lists
}
