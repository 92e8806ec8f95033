package owners

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// genTree writes a Kubernetes-scale repository under dir: 25,275 directories
// (25 top-level, then 10, 10 and 9 children), two files in each leaf
// directory, 1,500 OWNERS files (the root, every directory of the first two
// levels and the first 1,224 of the third; one in ten in the filters form)
// and an OWNERS_ALIASES of 300 aliases. It returns the leaf files' paths.
func genTree(tb testing.TB, dir string) []string {
	tb.Helper()
	write := func(p, s string) {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(s), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	aliases := "aliases:\n"
	for i := range 300 {
		aliases += fmt.Sprintf("  sig-%d-approvers:\n    - user-%d\n    - user-%d\n  sig-%d-reviewers:\n    - user-%d\n", i, i, i+1, i, i+2)
	}
	write("OWNERS_ALIASES", aliases)
	owners := 0
	addOwners := func(d string) {
		n := owners
		owners++
		var s string
		if n%10 == 9 {
			s = fmt.Sprintf("filters:\n  \".*\":\n    approvers: [sig-%d-approvers]\n  \"_test\\\\.go$\":\n    reviewers: [sig-%d-reviewers, tester-%d]\n    labels: [area/test-%d]\n", n%300, n%300, n, n%50)
		} else {
			s = fmt.Sprintf("approvers:\n  - sig-%d-approvers\n  - Owner-%d\nreviewers:\n  - sig-%d-reviewers\nlabels:\n  - area/a%d\nemeritus_approvers:\n  - old-%d\n", n%300, n, n%300, n%50, n)
			if n%37 == 0 {
				s += "options:\n  no_parent_owners: true\n"
			}
		}
		write(d+"/OWNERS", s)
	}
	addOwners(".")
	var files []string
	third := 0
	for a := range 25 {
		da := fmt.Sprintf("area%d", a)
		addOwners(da)
		for b := range 10 {
			db := fmt.Sprintf("%s/pkg%d", da, b)
			addOwners(db)
			for c := range 10 {
				dc := fmt.Sprintf("%s/sub%d", db, c)
				if third < 1224 {
					addOwners(dc)
				}
				third++
				for d := range 9 {
					dd := fmt.Sprintf("%s/leaf%d", dc, d)
					write(dd+"/impl.go", "")
					write(dd+"/impl_test.go", "")
					files = append(files, dd+"/impl.go", dd+"/impl_test.go")
				}
			}
		}
	}
	if owners != 1500 {
		tb.Fatalf("generated %d OWNERS files, want 1500", owners)
	}
	return files
}

var (
	genOnce  sync.Once
	genDir   string
	genFiles []string
)

// generated returns the generated tree, made once per test binary run (it
// takes seconds to write) and removed by TestMain.
func generated(b *testing.B) (string, []string) {
	genOnce.Do(func() {
		dir, err := os.MkdirTemp("", "owners-bench-")
		if err != nil {
			b.Fatal(err)
		}
		genDir, genFiles = dir, genTree(b, dir)
	})
	if genDir == "" {
		b.Fatal("tree generation failed")
	}
	return genDir, genFiles
}

func TestMain(m *testing.M) {
	code := m.Run()
	if genDir != "" {
		os.RemoveAll(genDir)
	}
	os.Exit(code)
}

// BenchmarkLoad indexes the generated tree from disk (os.DirFS): walking
// 25,275 directories and parsing 1,500 OWNERS files.
func BenchmarkLoad(b *testing.B) {
	dir, _ := generated(b)
	fsys := os.DirFS(dir)
	b.ResetTimer()
	for b.Loop() {
		r, ws := Load(fsys)
		if len(ws) > 0 || len(r.dirs) != 1500 {
			b.Fatalf("%d OWNERS, warnings %v", len(r.dirs), ws)
		}
	}
}

// BenchmarkLoadPaths indexes the generated tree from its file list (as from
// `git ls-files`): 1,500 OWNERS files read and parsed, no directory walk.
func BenchmarkLoadPaths(b *testing.B) {
	dir, files := generated(b)
	fsys := os.DirFS(dir)
	list := append([]string{"OWNERS_ALIASES"}, files...)
	for _, f := range files {
		if strings.HasSuffix(f, "/impl.go") {
			list = append(list, strings.TrimSuffix(f, "impl.go")+"OWNERS") // may not exist: skipped below
		}
	}
	for a := range 25 {
		list = append(list, fmt.Sprintf("area%d/OWNERS", a))
		for p := range 10 {
			list = append(list, fmt.Sprintf("area%d/pkg%d/OWNERS", a, p))
			for s := range 10 {
				list = append(list, fmt.Sprintf("area%d/pkg%d/sub%d/OWNERS", a, p, s))
			}
		}
	}
	list = append(list, "OWNERS")
	var real []string
	for _, f := range list {
		if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
			real = append(real, f)
		}
	}
	b.ResetTimer()
	for b.Loop() {
		r, ws := LoadPaths(fsys, real, Options{})
		if len(ws) > 0 || len(r.dirs) != 1500 {
			b.Fatalf("%d OWNERS, warnings %v", len(r.dirs), ws)
		}
	}
}

// BenchmarkResolve10k resolves 10,000 paths of the generated tree per op,
// starting with an empty memo.
func BenchmarkResolve10k(b *testing.B) {
	dir, files := generated(b)
	r, _ := Load(os.DirFS(dir))
	step := len(files) / 10000
	var paths []string
	for i := 0; len(paths) < 10000; i += step {
		paths = append(paths, files[i])
	}
	b.ResetTimer()
	for b.Loop() {
		r.memo.Clear() // every op starts cold, as one run of the tool does
		r.memoSize.Store(0)
		for _, p := range paths {
			if o := r.Owners(p); len(o.Approvers) == 0 {
				b.Fatalf("%s has no approvers", p)
			}
		}
	}
}

// BenchmarkOwnersJSON17819 is what `owners --json` does for the 17,819 paths
// of the kops tree (Prow's repoowners needs about 0.5 s of CPU for them):
// load the generated tree, then resolve and encode 17,819 paths.
func BenchmarkOwnersJSON17819(b *testing.B) {
	dir, files := generated(b)
	fsys := os.DirFS(dir)
	b.ResetTimer()
	for b.Loop() {
		r, _ := Load(fsys)
		enc := json.NewEncoder(io.Discard)
		for i := range 17819 {
			if err := enc.Encode(r.Owners(files[(i*5)%len(files)])); err != nil {
				b.Fatal(err)
			}
		}
	}
}

var benchTree = flag.String("bench-tree", "", "TestWriteBenchTree writes the generated tree here")

// TestWriteBenchTree writes the generated tree, and the first 17,819 of its
// file paths (as many as the kops tree has) to PATHS.txt, to time the
// `owners --json` process on it:
//
//	go test ./internal/owners -run TestWriteBenchTree -bench-tree /tmp/tree
//	flake-triage owners --json --repo-root /tmp/tree < /tmp/tree/PATHS.txt
func TestWriteBenchTree(t *testing.T) {
	if *benchTree == "" {
		t.Skip("-bench-tree is not set")
	}
	files := genTree(t, *benchTree)
	if err := os.WriteFile(filepath.Join(*benchTree, "PATHS.txt"), []byte(strings.Join(files[:17819], "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
}
