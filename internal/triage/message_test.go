package triage

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/flake-triage/flake-triage/internal/report"
)

// uninformative are the starts of a message line that say nothing of what
// failed: runners' framing and headers.
var uninformative = []string{"=== RUN", "=== CONT", "=== PAUSE", "--- FAIL", "[FAILED]", "[PANICKED]", "Failure recorded during attempt", "In [It] at:"}

// checkMessages checks every failing test of set: its message and the
// plan's message line (Headline) start with the failure's own words, never
// with a runner's header or a bare verdict.
func checkMessages(t *testing.T, name string, set *report.Set) int {
	t.Helper()
	msgs := make([]string, len(set.Tests))
	for i, tt := range set.Tests {
		msgs[i] = Message(tt)
	}
	subtestMessages(set.Tests, msgs)
	for i, tt := range set.Tests {
		for what, line := range map[string]string{"message": msgs[i], "headline": Headline(msgs[i])} {
			first, _, _ := strings.Cut(line, "\n")
			for _, bad := range uninformative {
				if strings.HasPrefix(strings.TrimSpace(first), bad) {
					t.Errorf("%s: %s: %s starts with %q:\n%s", name, tt.Name, what, bad, line)
				}
			}
			if isVerdict(first) {
				t.Errorf("%s: %s: %s is a bare verdict %q", name, tt.Name, what, first)
			}
		}
	}
	return len(set.Tests)
}

// TestMessagesSayWhatFailed runs checkMessages over the real reports of the
// capi-like sample (each report alone, as a job with one runner reads it,
// and all together) and of the corpus of other runners' reports.
func TestMessagesSayWhatFailed(t *testing.T) {
	a, err := txtar.ParseFile(filepath.Join("..", "..", "testdata", "capi-like.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	sample, err := txtar.FS(a)
	if err != nil {
		t.Fatal(err)
	}
	n := checkMessages(t, "capi-like", report.Read(sample, []string{"reports/*.xml"}))
	reports, _ := fs.Glob(sample, "reports/*.xml")
	for _, r := range reports {
		n += checkMessages(t, r, report.Read(sample, []string{r}))
	}
	dirs := []string{filepath.Join("..", "report", "testdata", "corpus")}
	for _, d := range []string{filepath.Join("..", "..", "..", "shared", "corpus"), filepath.Join("..", "..", "..", "..", "shared", "corpus")} {
		if _, err := os.Stat(filepath.Join(d, "MANIFEST.tsv")); err == nil {
			dirs = append(dirs, d)
			break
		}
	}
	for _, dir := range dirs {
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(p, ".xml") && !strings.HasSuffix(p, ".trx") {
				return err
			}
			f, err := os.Open(p)
			if err != nil {
				return err
			}
			defer f.Close()
			n += checkMessages(t, p, report.Ingest(p, f))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if n < 100 {
		t.Errorf("only %d failing tests checked", n)
	}
}

// TestMessageExamples pins the message line of the runners' formats.
func TestMessageExamples(t *testing.T) {
	tests := []struct{ name, xml, want string }{
		{"gotestsum", `<testcase classname="p" name="TestA"><failure message="Failed">=== RUN   TestA
    a_test.go:16: got 1, want 2
--- FAIL: TestA (0.00s)
</failure></testcase>`, "a_test.go:16: got 1, want 2"},
		{"gomega", `<testcase classname="e2e" name="[It] x"><failure message="Expected&#xA;    &lt;int&gt;: 1&#xA;to equal&#xA;    &lt;int&gt;: 2" type="failed">[FAILED] Expected
    &lt;int&gt;: 1
to equal
    &lt;int&gt;: 2
In [It] at: /w/x_test.go:26 @ 11/27/26 14:55:20.842
</failure></testcase>`, "Expected <int>: 1 to equal <int>: 2"},
		{"ginkgo panic", `<testcase classname="e2e" name="[It] y"><error message="boom" type="panicked">[PANICKED] Test Panicked
In [It] at: /usr/local/go/src/runtime/panic.go:236 @ 11/27/26 14:55:20.842

boom

Full Stack Trace
</error></testcase>`, "panic: boom"},
		{"python traceback", `<testcase classname="t" name="test_b"><error type="ValueError">Traceback (most recent call last):
  File "t.py", line 3, in test_b
    raise ValueError("bad input")
ValueError: bad input
</error></testcase>`, "ValueError: bad input"},
		{"ctest output", `<testcase classname="c" name="c"><failure message="Failed"/><system-out>setup ok
check_eq(3, 4) failed
</system-out></testcase>`, "failed; its output ends with: setup ok check_eq(3, 4) failed"},
		{"ginkgo console", `<testcase classname="e2e" name="[It] z"><failure type="failed">[FAILED] [0.012 seconds]
[FAILED] in [It] - /w/x_test.go:26 @ 11/27/26 14:55:20.842
[FAILED] Timed out after 10.001s.
machine never became Running
</failure></testcase>`, "Timed out after 10.001s."},
		{"no text", `<testcase classname="p" name="TestB"><failure message="Failed"></failure></testcase>`, noFailureText},
	}
	for _, tc := range tests {
		set := report.Ingest("r.xml", strings.NewReader(`<testsuite name="s" tests="1" failures="1">`+tc.xml+`</testsuite>`))
		if len(set.Tests) != 1 {
			t.Fatalf("%s: %d tests", tc.name, len(set.Tests))
		}
		msgs := []string{Message(set.Tests[0])}
		subtestMessages(set.Tests, msgs)
		if got := Headline(msgs[0]); got != tc.want {
			t.Errorf("%s: headline %q, want %q (message %q)", tc.name, got, tc.want, msgs[0])
		}
	}
}
