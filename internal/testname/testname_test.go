package testname

import (
	"slices"
	"testing"
)

func TestSplitCase(t *testing.T) {
	for _, tc := range []struct {
		name, top, cse string
		ok             bool
	}{
		{"TestX/case", "TestX", "case", true},
		{"TestX/a/b", "TestX", "a/b", true}, // a "/" in a subtest name reads as a level
		{"TestX/dup#01", "TestX", "dup#01", true},
		{"TestÜber/ünï_☃", "TestÜber", "ünï_☃", true},
		{"Test/x", "Test", "x", true},
		{"Test1/x", "Test1", "x", true}, // go test runs Test1
		{"ExampleFoo/x", "ExampleFoo", "x", true},
		{"Testing/x", "Testing/x", "", false}, // not a test: lower-case after Test
		{"TestX", "TestX", "", false},
		{"TestX/", "TestX/", "", false},
		{"test_x[param]", "test_x", "param", true},
		{"test_x[a[1]-b]", "test_x", "a[1]-b", true},
		{"test_x[[]]", "test_x", "[]", true},
		{"test_ü[ü]", "test_ü", "ü", true},
		{"test_x[]", "test_x[]", "", false},
		{"[It] spec [label]", "[It] spec [label]", "", false},
		{"a spec [slow]", "a spec [slow]", "", false},
		{"test_x[a", "test_x[a", "", false},
		{"", "", "", false},
	} {
		top, cse, ok := SplitCase(tc.name)
		if top != tc.top || cse != tc.cse || ok != tc.ok {
			t.Errorf("SplitCase(%q) = %q, %q, %v; want %q, %q, %v", tc.name, top, cse, ok, tc.top, tc.cse, tc.ok)
		}
	}
}

// FuzzSplitCase holds SplitCase to its contract on any name: a case
// rebuilds the name with its top-level test, and a top-level test is no
// case itself.
//
//	go test ./internal/testname -run '^$' -fuzz FuzzSplitCase -fuzztime 60s
func FuzzSplitCase(f *testing.F) {
	for _, s := range []string{"TestX/case", "TestX/a/b", "TestX/dup#01", "TestÜber/ünï", "test_x[a[1]-b]", "test_x[]", "[It] a [b]", "Testing/x", "", "Test/", "t[", "x]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		top, cse, ok := SplitCase(name)
		if !ok {
			if top != name || cse != "" {
				t.Fatalf("SplitCase(%q) = %q, %q, false", name, top, cse)
			}
			return
		}
		if top == "" || cse == "" || (top+"/"+cse != name && top+"["+cse+"]" != name) {
			t.Fatalf("SplitCase(%q) = %q, %q: does not rebuild the name", name, top, cse)
		}
		if _, _, again := SplitCase(top); again {
			t.Fatalf("SplitCase(%q): top-level %q splits again", name, top)
		}
	})
}

func TestIsGoTop(t *testing.T) {
	for name, want := range map[string]bool{
		"Test": true, "TestX": true, "Test1": true, "Test_x": true, "TestÜber": true,
		"ExampleFoo": true, "Example_foo": true, "FuzzX": true, "BenchmarkX": true,
		"Testing": false, "Benchmarks": false, "test_x": false, "X": false, "": false,
		"TestX/y": false, "Test X": false,
	} {
		if got := IsGoTop(name); got != want {
			t.Errorf("IsGoTop(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestGoTop(t *testing.T) {
	for name, want := range map[string]string{
		"TestX": "TestX", "TestX/a/b": "TestX", "BenchmarkX/1": "BenchmarkX",
		"Testing/x": "", "test_x[a/b]": "", "[It] a/b": "",
	} {
		got, ok := GoTop(name)
		if got != want || ok != (want != "") {
			t.Errorf("GoTop(%q) = %q, %v; want %q", name, got, ok, want)
		}
	}
}

func TestPytestNodeID(t *testing.T) {
	for _, tc := range []struct{ file, classname, name, want string }{
		{"", "tests.unit.test_mod.TestOuter.TestInner", "test_x[a]", "tests/unit/test_mod.py::TestOuter::TestInner::test_x[a]"},
		{"", "test_top", "test_y", "test_top.py::test_y"},
		{"tests/test_top.py", "tests.test_top", "test_y", "tests/test_top.py::test_y"},
		{"tests/test_c.py", "TestC", "test_y", "tests/test_c.py::TestC::test_y"}, // the file gives the module
		{"tests/test_c.py", "", "test_y", "tests/test_c.py::test_y"},
		{"", "TestC", "test_y", ""}, // classes only: no module
		{"", "", "test_y", ""},
		{"", "a..b", "test_y", ""},
		{"", "tests.test_top", "check_y", ""},
	} {
		got, ok := PytestNodeID(tc.file, tc.classname, tc.name)
		if got != tc.want || ok != (tc.want != "") {
			t.Errorf("PytestNodeID(%q, %q, %q) = %q, %v; want %q", tc.file, tc.classname, tc.name, got, ok, tc.want)
		}
	}
	if got := PytestFunc("test_x[a[1]-b]"); got != "test_x" {
		t.Errorf("PytestFunc = %q, want test_x", got)
	}
}

func TestCutGinkgoLists(t *testing.T) {
	for _, tc := range []struct {
		name  string
		max   int
		text  string
		lists []string
	}{
		{"[It] Pods should run [Conformance] [slow, e2e]", 3, "[It] Pods should run", []string{" [Conformance]", " [slow, e2e]"}},
		{"[It] Pods should run [Conformance] [slow, e2e]", 1, "[It] Pods should run [Conformance]", []string{" [slow, e2e]"}},
		{"a [b] [c] [d] [e]", 3, "a [b]", []string{" [c]", " [d]", " [e]"}},
		{"a spec", 3, "a spec", nil},
		{"a spec [x[1]]", 3, "a spec [x[1]]", nil}, // no list encloses a bracket
		{" [only]", 3, " [only]", nil},             // a list follows some text
		{"a spec[x]", 3, "a spec[x]", nil},
	} {
		text, lists := CutGinkgoLists(tc.name, tc.max)
		if text != tc.text || !slices.Equal(lists, tc.lists) {
			t.Errorf("CutGinkgoLists(%q, %d) = %q, %q; want %q, %q", tc.name, tc.max, text, lists, tc.text, tc.lists)
		}
	}
}
