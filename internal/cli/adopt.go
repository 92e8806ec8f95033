package cli

import (
	"bufio"
	"io/fs"
	"regexp"
	"strconv"
	"strings"

	"github.com/flake-triage/flake-triage/internal/adoption"
	"github.com/flake-triage/flake-triage/internal/report"
	"github.com/flake-triage/flake-triage/internal/triage"
)

// adoptionTests are the run's tests as adoption matches them against the
// issues people filed: the failing ones with names, packages, declaration
// files and a Ginkgo spec's own It text, read from the line that declares
// it; then the names the reading kept of every other test of the run,
// which tell whether a text names one test only.
func adoptionTests(findings []triage.Finding, set *report.Set, fsys fs.FS) []adoption.Test {
	out := make([]adoption.Test, 0, len(findings))
	for _, f := range findings {
		if f.Kind == "infra" {
			// A broken environment is no test a person filed about.
			continue
		}
		t := adoption.Test{ID: f.ID, Name: f.Test.Name, Classname: f.Test.Classname}
		if f.TestLocation != nil {
			t.File = f.TestLocation.Path
			if strings.Contains(f.Test.Name, "[It]") {
				t.Leaf = itText(fsys, f.TestLocation.Path, f.TestLocation.Line)
			}
		}
		out = append(out, t)
	}
	if set != nil {
		for cls, name := range set.Names() {
			out = append(out, adoption.Test{Name: name, Classname: cls})
		}
	}
	return out
}

// itCall is a Ginkgo It (or its focus and pending forms) with a string
// literal text.
var itCall = regexp.MustCompile(`\b[FPX]?It\(\s*("(?:[^"\\]|\\.)*"|` + "`[^`]*`" + `)`)

// itText returns the text of the It declared at path:line, or "".
func itText(fsys fs.FS, path string, line int) string {
	f, err := fsys.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		if n < line {
			continue
		}
		m := itCall.FindStringSubmatch(sc.Text())
		if m == nil {
			return ""
		}
		s, err := strconv.Unquote(m[1])
		if err != nil {
			return ""
		}
		return s
	}
	return ""
}
