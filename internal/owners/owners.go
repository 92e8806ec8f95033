// Package owners answers who owns a path of a repository, the way the tools
// that maintainers already trust answer it: Kubernetes OWNERS files with the
// exact rules of Prow's repoowners (sigs.k8s.io/prow/pkg/repoowners, described
// in https://www.kubernetes.dev/docs/guide/owners/), and GitHub's CODEOWNERS
// (https://docs.github.com/en/repositories/managing-your-repositorys-settings-and-features/customizing-your-repository/about-code-owners).
// Every answer carries its provenance: which file and line gave each owner.
//
// Where this package knowingly differs from Prow: it does not drop owners
// who are not collaborators of the repository (Prow asks GitHub; the caller
// learns it when assigning), nor read owners from Markdown front matter
// (Prow's off-by-default mdYAML); a null list member is dropped rather than
// read as ""; an OWNERS_ALIASES group that is not a list is skipped alone
// with a warning (Prow keeps whatever groups it had parsed before the error,
// in map order); an unquoted login such as `yes` or `0777` keeps its text,
// where Prow's YAML 1.1 decoder may first read it as a boolean or a number.
//
// Where it knowingly differs from GitHub: a CODEOWNERS line whose pattern
// has a character github.com/hmarr/codeowners does not accept (non-ASCII
// letters, most punctuation other than *?./@_+-\()) is skipped with a
// warning, as GitHub skips lines it finds invalid; and owners without write
// access, which GitHub ignores, cannot be told apart here.
package owners

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

// DefaultIgnoredDirs are the regexps of Prow's default OWNERS directory
// denylist (prow config owners_dir_denylist): OWNERS files in a directory
// whose repository-relative path matches one, or below it, are not read.
var DefaultIgnoredDirs = []string{`\.git$`, `_output$`, `vendor/.*/.*`}

const (
	ownersName  = "OWNERS"
	aliasesName = "OWNERS_ALIASES"
)

// A Source is one reason a name is in an ownership answer: the OWNERS file
// and line that listed it, and the OWNERS_ALIASES alias it came through.
type Source struct {
	Name  string `json:"name"`
	Role  string `json:"role"` // approver, reviewer, required_reviewer or label
	File  string `json:"file"`
	Line  int    `json:"line"`
	Alias string `json:"alias,omitempty"`
}

var roles = [numKinds]string{"approver", "reviewer", "required_reviewer", "label"}

// Owners is the ownership of one path, in the JSON shape of `flake-triage
// owners --json`. Approvers and Reviewers are the full inherited sets (Prow's
// Approvers/Reviewers), the Leaf sets the nearest OWNERS layer that gives any
// (Prow's LeafApprovers/LeafReviewers); approvers are not added to
// reviewers. Logins are lower-cased and sorted; lists are never nil.
//
// The lists are shared between the answers of a Resolver: treat them as read
// only (appending is safe, their capacity is clipped; copy before editing).
type Owners struct {
	Path              string   `json:"path"`
	Approvers         []string `json:"approvers"`
	Reviewers         []string `json:"reviewers"`
	LeafApprovers     []string `json:"leaf_approvers"`
	LeafReviewers     []string `json:"leaf_reviewers"`
	RequiredReviewers []string `json:"required_reviewers"`
	Labels            []string `json:"labels"`
	// Files are the OWNERS files that gave any name, nearest first.
	Files []string `json:"files"`
	// CodeOwners is the last CODEOWNERS rule matching the path, nil when there
	// is no CODEOWNERS file or no rule matches.
	CodeOwners *CodeOwnersMatch `json:"codeowners"`
	// ApproversFile and ReviewersFile are the nearest OWNERS files giving
	// approvers (Prow's FindApproverOwnersForFile) and reviewers; "" for none.
	ApproversFile string `json:"approvers_file"`
	ReviewersFile string `json:"reviewers_file"`
	// Sources say which file and line gave each name, nearest file first.
	Sources []Source `json:"sources"`
}

// Covered reports whether OWNERS files give the path any approver or reviewer.
func (o Owners) Covered() bool {
	return len(o.Approvers) > 0 || len(o.Reviewers) > 0
}

// A Mode chooses the ownership source for a path.
type Mode string

// The modes: ModeAuto uses OWNERS where they cover the path, else CODEOWNERS.
const (
	ModeAuto       Mode = "auto"
	ModeOwners     Mode = "owners"
	ModeCodeOwners Mode = "codeowners"
)

// Experts returns the subject-matter experts of the path under mode and the
// kind of file that named them ("OWNERS", "CODEOWNERS", or "" for nobody).
// From OWNERS they are the nearest approvers then the nearest reviewers (the
// people of the directory rather than every inherited maintainer); from
// CODEOWNERS the matching rule's owners as written (teams and e-mails
// included: Notify never assigns those).
func (o Owners) Experts(mode Mode) ([]string, string) {
	if mode != ModeCodeOwners && o.Covered() {
		var out []string
		for _, l := range [][]string{o.LeafApprovers, o.LeafReviewers} {
			for _, n := range l {
				if !slices.Contains(out, n) {
					out = append(out, n)
				}
			}
		}
		return out, "OWNERS"
	}
	if mode != ModeOwners && o.CodeOwners != nil && len(o.CodeOwners.Owners) > 0 {
		return slices.Clone(o.CodeOwners.Owners), "CODEOWNERS"
	}
	return []string{}, ""
}

// A Resolver answers ownership questions for one repository tree. It is
// read-only after Load and safe for concurrent use.
type Resolver struct {
	dirs       map[string]*dirEntry // by directory, "" for the root
	codeowners *codeOwnersFile
	// memo holds the OWNERS part of answers by the directory of the nearest
	// OWNERS file and which filter regexps of the chain above it match: the
	// answer depends on nothing else.
	memo     sync.Map // memoKey -> *Owners
	memoSize atomic.Int64
}

type memoKey struct {
	dir  string // of the nearest OWNERS file; "\x00" for none
	bits uint64 // bit i: the i-th filter regexp up the chain matches
}

// maxMemo bounds the memo of one Resolver.
const maxMemo = 1 << 16

type dirEntry struct {
	file string // repository-relative path of the OWNERS file
	*ownersFile
}

// Options tune Load.
type Options struct {
	// IgnoredDirs are Go regexps of directories whose OWNERS files (and those
	// below) are not read, matched unanchored against the repository-relative
	// directory path. Nil means DefaultIgnoredDirs.
	IgnoredDirs []string
}

// Load reads every OWNERS file, the root OWNERS_ALIASES and the CODEOWNERS
// file (.github/, root, docs/, in GitHub's order) under fsys, with
// DefaultIgnoredDirs. Problems (bad YAML, a bad regexp, nested aliases ...)
// are returned as warnings naming the file and line; what could be read works.
func Load(fsys fs.FS) (*Resolver, []error) {
	return LoadWith(fsys, Options{})
}

// LoadWith is Load with options.
func LoadWith(fsys fs.FS, opts Options) (*Resolver, []error) {
	return load(fsys, nil, opts)
}

// LoadPaths is LoadWith for a tree whose file list is known (from `git
// ls-files`, say): it reads only the OWNERS files of files instead of
// walking every directory, which is most of the cost of a large tree. The
// answers are the same as LoadWith's when files lists every file of fsys.
func LoadPaths(fsys fs.FS, files []string, opts Options) (*Resolver, []error) {
	if files == nil {
		files = []string{}
	}
	return load(fsys, files, opts)
}

// LoadFor is LoadWith for questions about these paths only: it reads the
// OWNERS files of their directories and the directories above, and no
// other, so that a few answers do not cost a walk of the whole tree. Its
// answers for those paths are LoadWith's.
func LoadFor(fsys fs.FS, paths []string, opts Options) (*Resolver, []error) {
	seen := map[string]bool{}
	var candidates []string
	for _, p := range paths {
		p = cleanPath(p)
		// The path itself may be a directory: Owners walks up from it.
		for d := p; ; d = parentDir(d) {
			if seen[d] {
				break
			}
			seen[d] = true
			candidates = append(candidates, path.Join(d, ownersName))
			if d == "" {
				break
			}
		}
	}
	exists := make([]bool, len(candidates))
	parallel(len(candidates), func(i int) {
		info, err := fs.Stat(fsys, candidates[i])
		exists[i] = err == nil && info.Mode().IsRegular()
	})
	files := []string{}
	for i, c := range candidates {
		if exists[i] {
			files = append(files, c)
		}
	}
	return load(fsys, files, opts)
}

func load(fsys fs.FS, files []string, opts Options) (*Resolver, []error) {
	var warnings []error
	ignored := opts.IgnoredDirs
	if ignored == nil {
		ignored = DefaultIgnoredDirs
	}
	var ignore []*regexp.Regexp
	for _, p := range ignored {
		re, err := regexp.Compile(p)
		if err != nil {
			warnings = append(warnings, fmt.Errorf("ignored OWNERS directory %q: %w", p, err))
			continue
		}
		ignore = append(ignore, re)
	}

	aliases := map[string]alias{}
	if data, err := readLimited(fsys, aliasesName); err == nil {
		a, ws, err := parseAliases(data)
		for _, w := range ws {
			warnings = append(warnings, fmt.Errorf("parse %s %q: %w", aliasesName, aliasesName, w))
		}
		if err != nil {
			warnings = append(warnings, fmt.Errorf("parse %s %q: %w (no alias is expanded)", aliasesName, aliasesName, err))
		} else {
			aliases = a
		}
	} else if !isNotExist(err) {
		warnings = append(warnings, fmt.Errorf("read %s %q: %w", aliasesName, aliasesName, err))
	}

	r := &Resolver{dirs: map[string]*dirEntry{}}
	ignoredDir := func(p string) bool {
		for _, re := range ignore {
			if re.MatchString(p) {
				return true
			}
		}
		return false
	}
	if files != nil {
		var ownersPaths []string
		for _, f := range files {
			f = cleanPath(f)
			dir, name := parentDir(f), path.Base(f)
			if name != ownersName && name != aliasesName {
				continue
			}
			skip := ignoredDir(".")
			for d := dir; d != "" && !skip; d = parentDir(d) {
				skip = ignoredDir(d)
			}
			switch {
			case skip:
			case name == aliasesName && dir != "":
				warnings = append(warnings, fmt.Errorf("%s %q ignored: only the repository root's is read", aliasesName, f))
			case name == ownersName:
				ownersPaths = append(ownersPaths, f)
			}
		}
		slices.Sort(ownersPaths)
		ownersPaths = slices.Compact(ownersPaths)
		scans := make([]dirScan, len(ownersPaths))
		parallel(len(ownersPaths), func(i int) {
			f, ws := loadOwners(fsys, ownersPaths[i], aliases)
			scans[i] = dirScan{dir: parentDir(ownersPaths[i]), warnings: ws}
			if f != nil {
				scans[i].owners = &dirEntry{file: ownersPaths[i], ownersFile: f}
			}
		})
		for _, sc := range scans {
			warnings = append(warnings, sc.warnings...)
			if sc.owners != nil {
				r.dirs[sc.dir] = sc.owners
			}
		}
	} else if !ignoredDir(".") {
		// Breadth first, one level at a time, the directories of a level
		// scanned in parallel (reading directories is most of the cost of a
		// large tree); results are merged in a deterministic order.
		level := []string{"."}
		for len(level) > 0 {
			scans := make([]dirScan, len(level))
			parallel(len(level), func(i int) { scans[i] = scanDir(fsys, level[i], aliases, ignoredDir) })
			var next []string
			for _, sc := range scans {
				warnings = append(warnings, sc.warnings...)
				if sc.owners != nil {
					r.dirs[sc.dir] = sc.owners
				}
				next = append(next, sc.subdirs...)
			}
			level = next
		}
	}

	co, ws := loadCodeOwners(fsys)
	r.codeowners = co
	warnings = append(warnings, ws...)
	return r, warnings
}

// A dirScan is what one directory holds for the index.
type dirScan struct {
	dir      string // "" for the root
	subdirs  []string
	owners   *dirEntry
	warnings []error
}

// scanDir lists one directory: its subdirectories that are not ignored, and
// its parsed OWNERS file. Symbolic links are not followed, as in Prow.
func scanDir(fsys fs.FS, p string, aliases map[string]alias, ignoredDir func(string) bool) dirScan {
	sc := dirScan{dir: p}
	if p == "." {
		sc.dir = ""
	}
	entries, err := fs.ReadDir(fsys, p)
	if err != nil {
		sc.warnings = append(sc.warnings, fmt.Errorf("read directory %q: %w", p, err))
	}
	for _, d := range entries {
		name := path.Join(p, d.Name())
		switch {
		case d.IsDir():
			if !ignoredDir(name) {
				sc.subdirs = append(sc.subdirs, name)
			}
		case !d.Type().IsRegular():
		case d.Name() == aliasesName && p != ".":
			sc.warnings = append(sc.warnings, fmt.Errorf("%s %q ignored: only the repository root's is read", aliasesName, name))
		case d.Name() == ownersName:
			f, ws := loadOwners(fsys, name, aliases)
			sc.warnings = append(sc.warnings, ws...)
			if f != nil {
				sc.owners = &dirEntry{file: name, ownersFile: f}
			}
		}
	}
	return sc
}

// parallel calls f(0) ... f(n-1) on a few goroutines.
func parallel(n int, f func(int)) {
	workers := min(n, 2*runtime.GOMAXPROCS(0))
	if workers <= 1 {
		for i := range n {
			f(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				f(i)
			}
		})
	}
	wg.Wait()
}

func loadOwners(fsys fs.FS, p string, aliases map[string]alias) (*ownersFile, []error) {
	data, err := readLimited(fsys, p)
	if err != nil {
		return nil, []error{fmt.Errorf("read OWNERS %q: %w", p, err)}
	}
	f, ws, err := parseOwners(data)
	var warnings []error
	for _, w := range ws {
		warnings = append(warnings, fmt.Errorf("parse OWNERS %q: %w", p, w))
	}
	if err != nil {
		return nil, append(warnings, fmt.Errorf("parse OWNERS %q: %w (file skipped)", p, err))
	}
	if err := f.expand(aliases); err != nil {
		warnings = append(warnings, fmt.Errorf("parse OWNERS %q: %w", p, err))
	}
	return f, warnings
}

// readLimited reads a file of at most maxFileSize bytes (one more is read to
// tell a larger file, which the parsers refuse).
func readLimited(fsys fs.FS, name string) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, maxFileSize+1))
}

func isNotExist(err error) bool {
	return err != nil && errors.Is(err, fs.ErrNotExist)
}

// cleanPath turns a repository path into the form the index uses: slash
// separated, relative, "" for the root.
func cleanPath(p string) string {
	p = strings.ReplaceAll(strings.TrimSpace(p), `\`, "/")
	p = path.Clean("/" + p)[1:]
	return p
}

// relTo is p relative to its ancestor directory d, as filepath.Rel gives it.
func relTo(d, p string) string {
	switch {
	case d == p:
		return "."
	case d == "":
		return p
	}
	return p[len(d)+1:]
}

// parentDir is the directory of a repository path, "" for the root.
func parentDir(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[:i]
	}
	return ""
}

// Owners returns the ownership of a repository-relative path (a file or a
// directory; "" or "." is the root) exactly as Prow's repoowners computes
// it: walking up from the path itself to the root, each OWNERS file adds the
// names of its rules whose regexp matches the path relative to its
// directory; options.no_parent_owners ends the walk at its directory once
// something has been collected, separately for approvers, reviewers,
// required reviewers and labels.
func (r *Resolver) Owners(p string) Owners {
	p = cleanPath(p)
	key, cacheable, n := memoKey{dir: "\x00"}, true, 0
	found := false
	for d := p; ; d = parentDir(d) {
		if e := r.dirs[d]; e != nil {
			if !found {
				key.dir, found = d, true
			}
			for ri := range e.rules {
				re := e.rules[ri].re
				if re == nil {
					continue
				}
				if n == 64 {
					cacheable = false
					break
				}
				if re.MatchString(relTo(d, p)) {
					key.bits |= 1 << n
				}
				n++
			}
		}
		if d == "" {
			break
		}
	}
	var o Owners
	if v, ok := r.memo.Load(key); ok && cacheable {
		o = *v.(*Owners)
	} else {
		o = r.walk(p)
		if cacheable && r.memoSize.Add(1) <= maxMemo {
			c := o
			r.memo.Store(key, &c)
		}
	}
	o.Path = p
	if p == "" {
		o.Path = "."
	}
	if r.codeowners != nil {
		o.CodeOwners = r.codeowners.match(p)
	}
	return o
}

// walk computes the OWNERS part of Owners(p) for a cleaned path.
func (r *Resolver) walk(p string) Owners {
	o := Owners{Files: []string{}, Sources: []Source{}}
	var (
		all     [numKinds][]string
		leaf    [numKinds][]string
		leafSet [numKinds]bool
		leafDir [numKinds]string
		stopped [numKinds]bool
	)
	for d := p; ; d = parentDir(d) {
		e := r.dirs[d]
		if e != nil {
			rel := relTo(d, p)
			contributed := false
			for k := range numKinds {
				if stopped[k] {
					continue
				}
				n := len(all[k])
				for ri := range e.rules {
					ru := &e.rules[ri]
					if len(ru.grants[k]) == 0 || (ru.re != nil && !ru.re.MatchString(rel)) {
						continue
					}
					for _, g := range ru.grants[k] {
						all[k] = append(all[k], g.name)
						o.Sources = append(o.Sources, Source{Name: g.name, Role: roles[k], File: e.file, Line: g.line, Alias: g.alias})
					}
				}
				if len(all[k]) > n {
					contributed = true
					if !leafSet[k] {
						leaf[k], leafSet[k], leafDir[k] = all[k][n:], true, e.file
					}
				}
			}
			if contributed {
				o.Files = append(o.Files, e.file)
			}
			if e.noParentOwners {
				done := true
				for k := range numKinds {
					if len(all[k]) > 0 {
						stopped[k] = true
					}
					done = done && stopped[k]
				}
				if done {
					break
				}
			}
		}
		if d == "" {
			break
		}
	}
	o.LeafApprovers = sortedSet(slices.Clone(leaf[kindApprovers]))
	o.LeafReviewers = sortedSet(slices.Clone(leaf[kindReviewers]))
	o.Approvers = sortedSet(all[kindApprovers])
	o.Reviewers = sortedSet(all[kindReviewers])
	o.RequiredReviewers = sortedSet(all[kindRequired])
	o.Labels = sortedSet(all[kindLabels])
	o.ApproversFile, o.ReviewersFile = leafDir[kindApprovers], leafDir[kindReviewers]
	o.Files, o.Sources = slices.Clip(o.Files), slices.Clip(o.Sources)
	return o
}

// Maintainers are the root OWNERS approvers (Prow's TopLevelApprovers): the
// fallback owners of a path that nobody owns.
func (r *Resolver) Maintainers() []string {
	return r.Owners("").LeafApprovers
}

// OwnersFiles lists the OWNERS files that were read, sorted.
func (r *Resolver) OwnersFiles() []string {
	out := make([]string, 0, len(r.dirs))
	for _, e := range r.dirs {
		out = append(out, e.file)
	}
	slices.Sort(out)
	return out
}

// CodeOwnersFile is the CODEOWNERS file in use, "" for none.
func (r *Resolver) CodeOwnersFile() string {
	if r.codeowners == nil {
		return ""
	}
	return r.codeowners.name
}

func sortedSet(s []string) []string {
	if len(s) == 0 {
		return []string{}
	}
	slices.Sort(s)
	return slices.Clip(slices.Compact(s))
}
