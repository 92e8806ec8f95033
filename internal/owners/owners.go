// Package owners answers who owns a path of a repository, the way the tools
// that maintainers already trust answer it: Kubernetes OWNERS files with the
// exact rules of Prow's repoowners (sigs.k8s.io/prow/pkg/repoowners, described
// in https://www.kubernetes.dev/docs/guide/owners/), and GitHub's CODEOWNERS
// (https://docs.github.com/en/repositories/managing-your-repositorys-settings-and-features/customizing-your-repository/about-code-owners).
// Every answer carries its provenance: which file and line gave each owner.
package owners

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"
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
// included: Assign never assigns those).
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
}

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
	walkErr := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			warnings = append(warnings, fmt.Errorf("read directory %q: %w", p, err))
			return nil
		}
		if d.IsDir() {
			for _, re := range ignore {
				if re.MatchString(p) {
					return fs.SkipDir
				}
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		switch d.Name() {
		case aliasesName:
			if p != aliasesName {
				warnings = append(warnings, fmt.Errorf("%s %q ignored: only the repository root's is read", aliasesName, p))
			}
		case ownersName:
			f, ws := loadOwners(fsys, p, aliases)
			warnings = append(warnings, ws...)
			if f != nil {
				dir := path.Dir(p)
				if dir == "." {
					dir = ""
				}
				r.dirs[dir] = &dirEntry{file: p, ownersFile: f}
			}
		}
		return nil
	})
	if walkErr != nil {
		warnings = append(warnings, fmt.Errorf("walk the repository: %w", walkErr))
	}

	co, ws := loadCodeOwners(fsys)
	r.codeowners = co
	warnings = append(warnings, ws...)
	return r, warnings
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
	o := Owners{Path: p, Files: []string{}, Sources: []Source{}}
	if o.Path == "" {
		o.Path = "."
	}
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
			rel := "."
			switch {
			case d == p:
			case d == "":
				rel = p
			default:
				rel = p[len(d)+1:]
			}
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
	if r.codeowners != nil {
		o.CodeOwners = r.codeowners.match(p)
	}
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
	return slices.Compact(s)
}
