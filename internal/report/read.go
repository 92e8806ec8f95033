package report

import (
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
)

// Read discovers the reports matching patterns (doublestar globs relative to
// fsys; a pattern starting with "!" excludes; patterns may also be
// newline-separated within one string) and ingests them, folding the
// attempts of each test across all files into failing and flaky tests.
//
// Each file is read once even when several patterns match it, in the order
// the patterns and then the paths sort. Symbolic links are not followed (a
// matched link is skipped with a note in Errors), so a report cannot lead
// out of fsys. Files ending in .gz (or starting with gzip's magic bytes) are
// inflated. A pattern that matches nothing, a bad pattern and an unreadable
// file are noted in Errors; they never stop the reading of the others.
// At most 16 failed attempts of one test are kept with their text.
func Read(fsys fs.FS, patterns []string) *Set { return ReadUnder(fsys, "", patterns) }

// ReadUnder is Read for a file system mounted at root: the paths and globs
// it shows (File.Path, Test.Report, Errors) are root followed by the
// names in fsys. Absolute globs are read as relative globs of
// os.DirFS("/") under the root "/", and shown as they were given.
func ReadUnder(fsys fs.FS, root string, patterns []string) *Set {
	c := NewCollector()
	var include, exclude []string
	for _, p := range patterns {
		for _, line := range strings.Split(p, "\n") {
			line = strings.TrimSpace(line)
			switch {
			case line == "", line == "!":
			case strings.HasPrefix(line, "!"):
				exclude = append(exclude, strings.TrimPrefix(line[1:], "./"))
			default:
				include = append(include, strings.TrimPrefix(line, "./"))
			}
		}
	}
	for _, pat := range append(include, exclude...) {
		if !doublestar.ValidatePattern(pat) {
			c.Warn(fmt.Sprintf("report pattern %q is not a valid glob", root+pat))
		}
	}
	seen := map[string]bool{}
	for _, pat := range include {
		if !doublestar.ValidatePattern(pat) {
			continue
		}
		matched := 0
		err := doublestar.GlobWalk(fsys, pat, func(name string, d fs.DirEntry) error {
			if d.IsDir() {
				return nil
			}
			for _, ex := range exclude {
				if doublestar.MatchUnvalidated(ex, name) {
					return nil
				}
			}
			matched++
			if seen[name] {
				return nil
			}
			seen[name] = true
			if d.Type()&fs.ModeSymlink != 0 {
				c.Warn(fmt.Sprintf("skip report %q: it is a symbolic link, which is not followed", root+name))
				return nil
			}
			c.addFile(fsys, root, name)
			return nil
		}, doublestar.WithNoFollow())
		if err != nil {
			c.Warn(fmt.Sprintf("find reports %q: %v", root+pat, err))
			continue
		}
		if matched == 0 {
			c.Warn(fmt.Sprintf("no report matches %q", root+pat))
		}
	}
	return c.Set()
}

func (c *Collector) addFile(fsys fs.FS, root, name string) {
	shown := root + path.Clean(name)
	// Refuse what Lstat says is a link even when the walk's DirEntry did
	// not (file systems that report links only through Lstat).
	if fi, err := fs.Lstat(fsys, name); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		c.Warn(fmt.Sprintf("skip report %q: it is a symbolic link, which is not followed", shown))
		return
	}
	f, err := fsys.Open(name)
	if err != nil {
		// fs errors name the file as fsys knows it.
		msg := strings.Replace(err.Error(), name, shown, 1)
		c.files = append(c.files, File{Path: shown, Error: msg})
		c.Warn(fmt.Sprintf("open report %q: %s", shown, msg))
		return
	}
	defer f.Close()
	c.Add(shown, f) //nolint:errcheck // recorded in the Set
}
