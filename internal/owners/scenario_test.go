package owners

import (
	"encoding/json"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// TestScenarios runs each testdata/scenarios/*.txtar: a repository tree with
// want.json (the expected ownership of paths, each with why) and
// warnings.txt (one expected warning fragment per line).
func TestScenarios(t *testing.T) {
	files, err := filepath.Glob("testdata/scenarios/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no scenarios: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			fsys := loadTxtar(t, file)
			r, warnings := Load(fsys)

			data, err := fs.ReadFile(fsys, "want.json")
			if err != nil {
				t.Fatal(err)
			}
			var cases []struct {
				Why   string `json:"why"`
				Input string `json:"input"`
				Owners
			}
			if err := json.Unmarshal(data, &cases); err != nil {
				t.Fatalf("want.json: %v", err)
			}
			for _, c := range cases {
				in := c.Input
				if in == "" {
					in = c.Path
				}
				got := r.Owners(in)
				if diff := cmp.Diff(c.Owners, got, cmpopts.EquateEmpty(), cmpopts.IgnoreFields(Owners{}, "Sources")); diff != "" {
					t.Errorf("Owners(%q) (%s) (-want +got):\n%s", in, c.Why, diff)
				}
			}

			wdata, _ := fs.ReadFile(fsys, "warnings.txt")
			var want []string
			for _, l := range strings.Split(strings.TrimSpace(string(wdata)), "\n") {
				if l != "" {
					want = append(want, l)
				}
			}
			var got []string
			for _, w := range warnings {
				got = append(got, w.Error())
			}
			if len(got) != len(want) {
				t.Errorf("got %d warnings, want %d:\n%s", len(got), len(want), strings.Join(got, "\n"))
			}
			for _, w := range want {
				found := false
				for _, g := range got {
					found = found || strings.Contains(g, w)
				}
				if !found {
					t.Errorf("no warning contains %q; got:\n%s", w, strings.Join(got, "\n"))
				}
			}
		})
	}
}

// TestSources checks the provenance of each name: file, line and alias.
func TestSources(t *testing.T) {
	r, _ := Load(loadTxtar(t, "testdata/scenarios/aliases.txtar"))
	got := r.Owners("sub/x.go").Sources
	want := []Source{
		{Name: "alice", Role: "reviewer", File: "sub/OWNERS", Line: 1, Alias: "team-a"},
		{Name: "bob", Role: "reviewer", File: "sub/OWNERS", Line: 1, Alias: "team-a"},
		{Name: "alice", Role: "approver", File: "OWNERS", Line: 2, Alias: "team-a"},
		{Name: "bob", Role: "approver", File: "OWNERS", Line: 2, Alias: "team-a"},
		{Name: "carol", Role: "approver", File: "OWNERS", Line: 3, Alias: "team-b"},
		{Name: "team-a", Role: "approver", File: "OWNERS", Line: 3, Alias: "team-b"},
		{Name: "dave", Role: "reviewer", File: "OWNERS", Line: 5, Alias: "team-c"},
		{Name: "erin", Role: "reviewer", File: "OWNERS", Line: 5, Alias: "team-c"},
		{Name: "team-d", Role: "reviewer", File: "OWNERS", Line: 6},
		{Name: "frank", Role: "reviewer", File: "OWNERS", Line: 7},
		{Name: "grace", Role: "required_reviewer", File: "OWNERS", Line: 9},
		{Name: "Area/Mixed-Case", Role: "label", File: "OWNERS", Line: 11},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Sources (-want +got):\n%s", diff)
	}
}

// TestOwnersJSON checks the `owners --json` shape of docs/commands.md: field names,
// empty lists as [], codeowners null when nothing matches.
func TestOwnersJSON(t *testing.T) {
	r, _ := Load(loadTxtar(t, "testdata/scenarios/codeowners-docs.txtar"))
	b, err := json.Marshal(r.Owners("src/a.go"))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"path":"src/a.go","approvers":[],"reviewers":[],"leaf_approvers":[],"leaf_reviewers":[],"required_reviewers":[],"labels":[],"files":[],"codeowners":null,"approvers_file":"","reviewers_file":"","sources":[]}`
	if diff := cmp.Diff(want, string(b)); diff != "" {
		t.Errorf("JSON (-want +got):\n%s", diff)
	}
	b, _ = json.Marshal(r.Owners("docs/a.md").CodeOwners)
	want = `{"file":"docs/CODEOWNERS","line":1,"pattern":"/docs/","owners":["@docs-file"]}`
	if diff := cmp.Diff(want, string(b)); diff != "" {
		t.Errorf("codeowners JSON (-want +got):\n%s", diff)
	}
}

// TestLoadPathsAgrees checks that LoadPaths, given every file of a tree,
// answers exactly as Load walking it, on every scenario and real tree.
func TestLoadPathsAgrees(t *testing.T) {
	files, _ := filepath.Glob("testdata/scenarios/*.txtar")
	files = append(files, "testdata/cluster-api.txtar", "testdata/python-docs-samples.txtar", "../../testdata/capi-like.txtar")
	for _, file := range files {
		fsys, paths := treeAndPaths(t, file)
		walked, ws1 := Load(fsys)
		listed, ws2 := LoadPaths(fsys, paths, Options{})
		if diff := cmp.Diff(errorStrings(ws1), errorStrings(ws2), cmpopts.SortSlices(func(a, b string) bool { return a < b })); diff != "" {
			t.Errorf("%s: warnings differ (-Load +LoadPaths):\n%s", file, diff)
		}
		for _, p := range append(paths, ".", "nowhere/x.go") {
			if diff := cmp.Diff(walked.Owners(p), listed.Owners(p)); diff != "" {
				t.Errorf("%s: Owners(%q) differs (-Load +LoadPaths):\n%s", file, p, diff)
			}
		}
	}
}

// treeAndPaths is the tree of an archive with every file path in it: the
// FILES.txt skeleton for the real trees, the archive's files otherwise.
func treeAndPaths(t *testing.T, file string) (fs.FS, []string) {
	if strings.Contains(file, "scenarios") || strings.Contains(file, "capi-like") {
		fsys := loadTxtar(t, file)
		var paths []string
		fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				paths = append(paths, p)
			}
			return nil
		})
		return fsys, paths
	}
	return realTree(t, file)
}

func errorStrings(errs []error) []string {
	var out []string
	for _, e := range errs {
		out = append(out, e.Error())
	}
	return out
}

// TestMemoAgrees checks that memoised answers equal freshly walked ones, in
// two orders, on every scenario and real tree (the filters scenario has
// paths that share their nearest OWNERS but not their filter matches).
func TestMemoAgrees(t *testing.T) {
	files, _ := filepath.Glob("testdata/scenarios/*.txtar")
	files = append(files, "testdata/cluster-api.txtar", "../../testdata/capi-like.txtar")
	for _, file := range files {
		fsys, paths := treeAndPaths(t, file)
		paths = append(paths, "pkg/main.go", "pkg/README.md", "pkg/docs/x.md", "pkg/main.go")
		r, _ := Load(fsys)
		for _, order := range [][]string{paths, reversed(paths)} {
			for _, p := range order {
				got := r.Owners(p)
				want := r.walk(cleanPath(p))
				want.Path, want.CodeOwners = got.Path, got.CodeOwners
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("%s: Owners(%q) memoised differs (-walk +Owners):\n%s", file, p, diff)
				}
			}
		}
	}
}

func reversed(s []string) []string {
	out := make([]string, len(s))
	for i, v := range s {
		out[len(s)-1-i] = v
	}
	return out
}

func TestLoadOptionsAndLimits(t *testing.T) {
	big := strings.Repeat("# padding line of a huge CODEOWNERS file\n", (3<<20)/40+1)
	fsys := fstest.MapFS{
		"OWNERS":                  {Data: []byte("approvers: [root]\n")},
		"third_party/OWNERS":      {Data: []byte("approvers: [vendored]\n")},
		"vendor/a/b/OWNERS":       {Data: []byte("approvers: [kept]\n")},
		".github/CODEOWNERS":      {Data: []byte("* @big\n" + big)},
		"CODEOWNERS":              {Data: []byte("* @root-file\n")},
		"docs/OWNERS_ALIASES":     {Data: []byte("aliases: {}\n")},
		"third_party/x/README.md": {},
	}
	r, warnings := LoadWith(fsys, Options{IgnoredDirs: []string{`^third_party$`, `(`}})
	want := []string{
		`ignored OWNERS directory "(": error parsing regexp`,
		`OWNERS_ALIASES "docs/OWNERS_ALIASES" ignored`,
		`bytes: GitHub does not load a CODEOWNERS file of 3 MB or more`,
	}
	got := errorStrings(warnings)
	if len(got) != 3 {
		t.Errorf("warnings = %q, want %d", got, len(want))
	}
	for _, w := range want {
		if !slices.ContainsFunc(got, func(g string) bool { return strings.Contains(g, w) }) {
			t.Errorf("no warning contains %q: %q", w, got)
		}
	}
	if o := r.Owners("third_party/x/README.md"); !slices.Equal(o.Approvers, []string{"root"}) {
		t.Errorf("third_party is ignored by the option: approvers %v, want [root]", o.Approvers)
	}
	if o := r.Owners("vendor/a/b/c.go"); !slices.Equal(o.Approvers, []string{"kept", "root"}) {
		t.Errorf("IgnoredDirs replaces the defaults: vendor/a/b approvers %v, want [kept root]", o.Approvers)
	}
	if o := r.Owners("x.go"); o.CodeOwners != nil {
		t.Errorf("a 3 MB CODEOWNERS is not loaded and GitHub does not look further: got %+v", o.CodeOwners)
	}
}

// TestLoadForAgrees: a resolver loaded for some paths answers for them as
// the whole tree's does, one path at a time and all together.
func TestLoadForAgrees(t *testing.T) {
	files, _ := filepath.Glob("testdata/scenarios/*.txtar")
	files = append(files, "testdata/cluster-api.txtar", "testdata/python-docs-samples.txtar", "../../testdata/capi-like.txtar")
	for _, file := range files {
		fsys, paths := treeAndPaths(t, file)
		walked, _ := Load(fsys)
		all, _ := LoadFor(fsys, append(paths, "nowhere/x.go"), Options{})
		for i, p := range append(paths, ".", "nowhere/x.go") {
			if diff := cmp.Diff(walked.Owners(p), all.Owners(p)); diff != "" {
				t.Errorf("%s: Owners(%q) differs (-Load +LoadFor all):\n%s", file, p, diff)
			}
			if i%97 != 0 {
				continue
			}
			one, _ := LoadFor(fsys, []string{p}, Options{})
			if diff := cmp.Diff(walked.Owners(p), one.Owners(p)); diff != "" {
				t.Errorf("%s: Owners(%q) differs (-Load +LoadFor one):\n%s", file, p, diff)
			}
		}
	}
}
