package owners

import (
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"golang.org/x/tools/txtar"
)

// seedFiles adds every ownership file of the testdata archives as a seed.
func seedFiles(f *testing.F, match func(name string) bool) {
	for _, name := range []string{"testdata/cluster-api.txtar", "testdata/python-docs-samples.txtar", "../../testdata/capi-like.txtar",
		"testdata/scenarios/filters.txtar", "testdata/scenarios/simple-vs-filters.txtar", "testdata/scenarios/no-parent.txtar",
		"testdata/scenarios/aliases.txtar", "testdata/scenarios/bad-files.txtar", "testdata/scenarios/codeowners.txtar"} {
		a, err := txtar.ParseFile(name)
		if err != nil {
			f.Fatal(err)
		}
		for _, file := range a.Files {
			if match(file.Name) {
				f.Add(file.Data)
			}
		}
	}
}

func checkLogin(t *testing.T, what, s string) {
	if s == "" || s != strings.ToLower(s) || strings.HasPrefix(s, "@") {
		t.Errorf("%s %q is not a normalised login", what, s)
	}
}

// FuzzOwners parses arbitrary OWNERS (and OWNERS_ALIASES) content: it never
// panics, and whatever it reads resolves to normalised, sorted, bounded sets.
func FuzzOwners(f *testing.F) {
	seedFiles(f, func(n string) bool { return strings.HasSuffix(n, "OWNERS") || strings.HasSuffix(n, "OWNERS_ALIASES") })
	f.Add([]byte("aliases:\n  a: [b, c]\n  b: [a]\napprovers: [a, \"@B\"]\nfilters:\n  \"(\": {approvers: [x]}\n"))
	f.Add([]byte("x: &a [1, 2]\napprovers: *a\nreviewers: [*a]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		aliases, _, aerr := parseAliases(data)
		if aerr == nil {
			for name, a := range aliases {
				checkLogin(t, "alias", name)
				if !slices.IsSorted(a.members) {
					t.Errorf("alias %q members not sorted: %v", name, a.members)
				}
			}
		}
		of, _, err := parseOwners(data)
		if err == nil && of == nil {
			t.Fatal("parseOwners: nil file without error")
		}
		// The same bytes as the root OWNERS_ALIASES and as OWNERS files at two levels.
		fsys := fstest.MapFS{
			"OWNERS":         {Data: data},
			"OWNERS_ALIASES": {Data: data},
			"a/OWNERS":       {Data: data},
		}
		start := time.Now()
		r, _ := Load(fsys)
		if d := time.Since(start); d > 3*time.Second {
			t.Fatalf("Load took %v on %d bytes", d, len(data))
		}
		for _, p := range []string{"a/b.go", "a", ".", "x.md"} {
			o := r.Owners(p)
			for _, l := range [][]string{o.Approvers, o.Reviewers, o.LeafApprovers, o.LeafReviewers, o.RequiredReviewers} {
				if !slices.IsSorted(l) || len(slices.Compact(slices.Clone(l))) != len(l) {
					t.Errorf("Owners(%q): not a sorted set: %v", p, l)
				}
				for _, s := range l {
					checkLogin(t, "login", s)
				}
			}
			for _, s := range o.LeafApprovers {
				if !slices.Contains(o.Approvers, s) {
					t.Errorf("Owners(%q): leaf approver %q not an approver", p, s)
				}
			}
			if len(o.Sources) > 2*maxGrantsPerFile {
				t.Errorf("Owners(%q): %d sources, more than two files' bound", p, len(o.Sources))
			}
		}
	})
}

// FuzzCodeOwners parses arbitrary CODEOWNERS content: it never panics, every
// rule keeps its real line number, and matching any path is safe.
func FuzzCodeOwners(f *testing.F) {
	seedFiles(f, func(n string) bool { return strings.HasSuffix(n, "CODEOWNERS") })
	f.Add([]byte("*.go @a\n\n# c\n/x/ @org/t a@b.co\nbad[ @x\n/y\n**/z/** @q\n\\ @r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rules, _ := parseCodeOwners(data)
		lines := strings.Split(string(data), "\n")
		last := 0
		for _, r := range rules {
			if r.LineNumber <= last || r.LineNumber > len(lines) {
				t.Fatalf("rule line %d after %d, file has %d lines", r.LineNumber, last, len(lines))
			}
			last = r.LineNumber
			if !strings.Contains(lines[r.LineNumber-1], strings.TrimSpace(r.RawPattern())) {
				t.Errorf("line %d %q does not hold pattern %q", r.LineNumber, lines[r.LineNumber-1], r.RawPattern())
			}
		}
		c := &codeOwnersFile{name: "CODEOWNERS", rules: rules}
		for _, p := range []string{"a", "a/b.go", "docs/x/y.md", ".github/workflows/ci.yaml"} {
			if m := c.match(p); m != nil && (m.Owners == nil || m.Line < 1) {
				t.Errorf("match(%q) = %+v", p, m)
			}
		}
	})
}
