// Package locate finds where each failing test failed: the repository line
// that raised the failure, the line declaring the test, the other in-repo
// code on the failure's stack and the in-repo functions the test calls. It
// reads whatever the runner wrote (attributes, Ginkgo, go test, Python,
// JavaScript and Java traces) and maps every CI path onto a repo-relative
// path that exists.
package locate

import (
	"bufio"
	"bytes"
	"fmt"
	"io/fs"
	"iter"
	"path"
	"slices"
	"sort"
	"strings"
	"sync"
)

// Options configure path normalisation.
type Options struct {
	// Prefixes are absolute paths at which the repository root was checked out on the
	// machines that wrote the reports ($GITHUB_WORKSPACE, --path-prefix values, /github/workspace ...).
	Prefixes []string
}

// A module is a go.mod of the repository: its module path and the
// repo-relative directory holding it ("" for the root).
type module struct {
	path string
	dir  string
}

// An Index knows every file of a repository, so that paths printed on other
// machines can be mapped onto files that exist. It is safe for concurrent
// use.
type Index struct {
	fsys     fs.FS
	files    map[string]struct{}
	dirs     map[string]struct{}
	byBase   map[string][]string
	byDir    map[string][]string
	modules  []module // longest module path first
	prefixes []string // cleaned, '/'-separated, ending in '/'

	mu     sync.Mutex
	norm   map[string]string     // raw path -> Normalize result
	res    map[string]resolution // raw reference -> Resolve result
	parsed map[parseKey]*goFile  // Go files (or one function of them) parsed
	texts  map[string][]string   // source files split in lines
	srcs   map[string][]byte     // source files read
	heads  map[string]*goHead    // the package clause and imports of Go files
	tests  map[parseKey]goTest   // go tests by package directory and name
}

// normCacheMax bounds the memo of Normalize so that a run over unbounded
// distinct paths cannot grow memory without limit.
const normCacheMax = 1 << 17

// skipDir reports whether a directory holds no repository sources: VCS
// metadata and installed dependencies are never failure locations.
func skipDir(name string) bool {
	switch name {
	case ".git", ".hg", ".svn", "node_modules", "vendor", "site-packages", "__pycache__", ".venv":
		return true
	}
	return false
}

// NewIndex indexes the repository's files (paths, basenames, go.mod module paths of every go.mod).
func NewIndex(fsys fs.FS, opts Options) (*Index, error) {
	ix := &Index{
		fsys:   fsys,
		files:  make(map[string]struct{}),
		dirs:   map[string]struct{}{"": {}},
		byBase: make(map[string][]string),
		byDir:  make(map[string][]string),
	}
	ix.emptyCaches()
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != "." && skipDir(d.Name()) {
				return fs.SkipDir
			}
			if p != "." {
				ix.dirs[p] = struct{}{}
			}
			return nil
		}
		ix.files[p] = struct{}{}
		base := path.Base(p)
		ix.byBase[base] = append(ix.byBase[base], p)
		ix.byDir[pathDir(p)] = append(ix.byDir[pathDir(p)], p)
		if base == "go.mod" {
			data, err := fs.ReadFile(fsys, p)
			if err != nil {
				return fmt.Errorf("read %q: %w", p, err)
			}
			if mp := modulePath(data); mp != "" {
				dir := path.Dir(p)
				if dir == "." {
					dir = ""
				}
				ix.modules = append(ix.modules, module{path: mp, dir: dir})
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("index repository: %w", err)
	}
	sort.Slice(ix.modules, func(i, j int) bool { return len(ix.modules[i].path) > len(ix.modules[j].path) })
	for _, p := range opts.Prefixes {
		p = strings.TrimRight(slash(p), "/")
		if p == "" {
			continue
		}
		ix.prefixes = append(ix.prefixes, p+"/")
	}
	// The well-known checkout of Docker actions.
	ix.prefixes = append(ix.prefixes, "/github/workspace/")
	return ix, nil
}

// withoutCaches returns a copy of the index sharing its file lists but
// with empty caches, as NewIndex returns it.
func (ix *Index) withoutCaches() *Index {
	c := &Index{
		fsys: ix.fsys, files: ix.files, dirs: ix.dirs, byBase: ix.byBase, byDir: ix.byDir,
		modules: ix.modules, prefixes: ix.prefixes,
	}
	c.emptyCaches()
	return c
}

// emptyCaches gives the index empty caches of what it reads and resolves.
func (ix *Index) emptyCaches() {
	ix.norm = make(map[string]string)
	ix.res = make(map[string]resolution)
	ix.parsed = make(map[parseKey]*goFile)
	ix.texts = make(map[string][]string)
	ix.srcs = make(map[string][]byte)
	ix.heads = make(map[string]*goHead)
	ix.tests = make(map[parseKey]goTest)
}

// modulePath returns the module path declared by a go.mod file, or "".
func modulePath(data []byte) string {
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if rest, ok := strings.CutPrefix(line, "module"); ok && (rest == "" || rest[0] == ' ' || rest[0] == '\t') {
			rest, _, _ = strings.Cut(rest, "//")
			return strings.Trim(strings.TrimSpace(rest), "\"`")
		}
	}
	return ""
}

// slash turns Windows separators into '/' and drops a file:// scheme.
func slash(p string) string {
	if strings.HasPrefix(p, "file://") {
		p = strings.TrimPrefix(p, "file://")
		// file:///C:/x -> /C:/x
		if len(p) > 3 && p[0] == '/' && p[2] == ':' {
			p = p[1:]
		}
	}
	if strings.IndexByte(p, '\\') >= 0 {
		p = strings.ReplaceAll(p, "\\", "/")
	}
	return p
}

// Has reports whether the repo-relative path p is a file of the repository.
func (ix *Index) Has(p string) bool {
	_, ok := ix.files[p]
	return ok
}

// Len is the number of files indexed.
func (ix *Index) Len() int { return len(ix.files) }

// outside reports whether an absolute or relative path lies in a place that
// never holds repository sources: GOROOT, the Go module cache, installed
// JavaScript or Python packages, vendored code and runtime internals.
func outside(p string) bool {
	if strings.HasPrefix(p, "node:") || strings.HasPrefix(p, "internal/") || strings.HasPrefix(p, "<") {
		return true
	}
	for _, s := range outsideMarks {
		if strings.Contains(p, s) {
			return true
		}
	}
	return strings.HasPrefix(p, "vendor/") || strings.HasPrefix(p, "node_modules/")
}

var outsideMarks = []string{
	"/node_modules/", "/site-packages/", "/dist-packages/", "/vendor/",
	"/pkg/mod/", "/usr/local/go/", "/usr/lib/go/", "/usr/lib/go-", "/usr/local/opt/go/",
	"/hostedtoolcache/go/", "/hostedtoolcache/windows/go/", "/Program Files/Go/", "/sdk/go1.",
	"/lib/python3.", "/lib/python2.", "$GOROOT/",
}

// Normalize maps any CI path to a repo-relative path that exists, or "" (used by others too).
func (ix *Index) Normalize(p string) string {
	if p == "" {
		return ""
	}
	if _, ok := ix.files[p]; ok {
		return p
	}
	ix.mu.Lock()
	got, ok := ix.norm[p]
	ix.mu.Unlock()
	if ok {
		return got
	}
	got = ix.normalize(p)
	ix.mu.Lock()
	if len(ix.norm) < normCacheMax {
		ix.norm[p] = got
	}
	ix.mu.Unlock()
	return got
}

func (ix *Index) normalize(raw string) string {
	p := slash(raw)
	if outside(p) {
		return ""
	}
	if strings.HasPrefix(p, "./") {
		p = path.Clean(p)
	}
	if ix.Has(p) {
		return p
	}
	// Configured prefixes and /github/workspace.
	for _, pre := range ix.prefixes {
		if rest, ok := strings.CutPrefix(p, pre); ok && ix.Has(rest) {
			return rest
		}
	}
	// A prefix ending in a module path: $GOPATH/src/<module>/, Prow's
	// /home/prow/go/src/<module>/, or a module nested in the repo.
	for _, m := range ix.modules {
		i := strings.Index(p, "/"+m.path+"/")
		if i < 0 {
			if !strings.HasPrefix(p, m.path+"/") {
				continue
			}
			i = -1
		}
		rest := p[i+1+len(m.path)+1:]
		if m.dir != "" {
			rest = m.dir + "/" + rest
		}
		if ix.Has(rest) {
			return rest
		}
	}
	// The longest suffix that names a file of the repository:
	// /home/runner/work/<repo>/<repo>/, D:/a/<repo>/<repo>/, /__w/<repo>/<repo>/
	// and any other checkout directory.
	for i := 0; i < len(p); i++ {
		if p[i] != '/' {
			continue
		}
		if rest := p[i+1:]; ix.Has(rest) {
			return rest
		}
	}
	return ""
}

// A resolution is what Resolve found for one reference, kept so that the
// same path printed in thousands of frames is resolved once.
type resolution struct {
	repo  string   // the repo file, or ""
	cands []string // the candidates when ambiguous
	test  bool     // IsTestFile(repo)
}

// Resolve maps a source reference as logs print it ("controllers/x.go", a bare "x.go",
// an absolute CI path) to a repo path, or to candidates when ambiguous.
func (ix *Index) Resolve(ref string) (string, []string) {
	r := ix.resolution(ref)
	return r.repo, slices.Clone(r.cands)
}

// resolution returns Resolve's answer for ref, memoised.
func (ix *Index) resolution(ref string) resolution {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	return ix.resolutionLocked(ref)
}

// resolutionLocked is resolution for callers that hold ix.mu: locating
// takes the lock once for all the frames of a text.
func (ix *Index) resolutionLocked(ref string) resolution {
	if r, ok := ix.res[ref]; ok {
		return r
	}
	var r resolution
	r.repo, r.cands = ix.resolve(ref)
	r.test = r.repo != "" && IsTestFile(r.repo)
	if len(ix.res) < normCacheMax {
		ix.res[ref] = r
	}
	return r
}

func (ix *Index) resolve(ref string) (string, []string) {
	if ref == "" {
		return "", nil
	}
	if ix.Has(ref) {
		return ref, nil
	}
	if p := ix.normalize(ref); p != "" {
		return p, nil
	}
	ref = slash(strings.TrimSpace(ref))
	if ref == "" || outside(ref) {
		return "", nil
	}
	ref = strings.TrimPrefix(path.Clean(ref), "/")
	if ref == "." || ref == "" {
		return "", nil
	}
	var cands []string
	for _, f := range ix.byBase[path.Base(ref)] {
		if f == ref || strings.HasSuffix(f, "/"+ref) {
			cands = append(cands, f)
		}
	}
	switch len(cands) {
	case 0:
		return "", nil
	case 1:
		return cands[0], nil
	}
	sort.Strings(cands)
	return "", cands
}

// packageDir returns the repo-relative directory of a Go import path when
// one of the repository's go.mod files declares a module containing it.
func (ix *Index) packageDir(importPath string) (string, bool) {
	for _, m := range ix.modules {
		var rest string
		switch {
		case importPath == m.path:
		case strings.HasPrefix(importPath, m.path+"/"):
			rest = importPath[len(m.path)+1:]
		default:
			continue
		}
		var dir string
		switch {
		case m.dir == "" && clean(rest):
			dir = rest // the common case, without allocating
		default:
			if dir = path.Join(m.dir, rest); dir == "." {
				dir = ""
			}
		}
		if _, ok := ix.dirs[dir]; ok {
			return dir, true
		}
	}
	return "", false
}

// clean reports whether the relative path p is already as path.Clean
// would make it (or empty).
func clean(p string) bool {
	return !strings.HasPrefix(p, ".") && !strings.HasPrefix(p, "/") && !strings.HasSuffix(p, "/") &&
		!strings.Contains(p, "//") && !strings.Contains(p, "/.")
}

// filesIn yields the files directly in the repo-relative directory dir
// whose names end in suffix.
func (ix *Index) filesIn(dir string, suffix string) iter.Seq[string] {
	return func(yield func(string) bool) {
		for _, f := range ix.byDir[dir] {
			if strings.HasSuffix(f, suffix) && !yield(f) {
				return
			}
		}
	}
}

func pathDir(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[:i]
	}
	return ""
}
