package owners

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/hmarr/codeowners"
)

// codeOwnersPaths are the places GitHub looks for a CODEOWNERS file, in its
// order: the first one found is the only one used.
// https://docs.github.com/en/repositories/managing-your-repositorys-settings-and-features/customizing-your-repository/about-code-owners#codeowners-file-location
var codeOwnersPaths = []string{".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"}

// maxCodeOwnersSize is GitHub's limit: "CODEOWNERS files must be under 3 MB
// in size. A CODEOWNERS file over this limit will not be loaded".
const maxCodeOwnersSize = 3 << 20

// maxCodeOwnersLine is the longest line the codeowners library can scan.
const maxCodeOwnersLine = 60 << 10

// CodeOwnersMatch is the CODEOWNERS rule that decides a path: the last rule
// whose pattern matches. Owners are as written in the file ("@login",
// "@org/team", "e-mail"), in its order; empty when the rule unowns the path.
type CodeOwnersMatch struct {
	File    string   `json:"file"`
	Line    int      `json:"line"`
	Pattern string   `json:"pattern"`
	Owners  []string `json:"owners"`
}

type codeOwnersFile struct {
	name  string
	rules codeowners.Ruleset
}

func loadCodeOwners(fsys fs.FS) (*codeOwnersFile, []error) {
	for _, p := range codeOwnersPaths {
		st, err := fs.Stat(fsys, p)
		if err != nil || !st.Mode().IsRegular() {
			if err != nil && !errors.Is(err, fs.ErrNotExist) {
				return nil, []error{fmt.Errorf("read CODEOWNERS %q: %w", p, err)}
			}
			continue
		}
		if st.Size() >= maxCodeOwnersSize {
			return nil, []error{fmt.Errorf("read CODEOWNERS %q: %d bytes: GitHub does not load a CODEOWNERS file of 3 MB or more", p, st.Size())}
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return nil, []error{fmt.Errorf("read CODEOWNERS %q: %w", p, err)}
		}
		rules, ws := parseCodeOwners(data)
		var warnings []error
		for _, w := range ws {
			warnings = append(warnings, fmt.Errorf("parse CODEOWNERS %q: %w", p, w))
		}
		return &codeOwnersFile{name: p, rules: rules}, warnings
	}
	return nil, nil
}

// parseCodeOwners parses a CODEOWNERS file line by line with
// github.com/hmarr/codeowners. As on GitHub, a line with invalid syntax is
// skipped (with a warning) and the others still apply; the library alone
// would reject the whole file.
func parseCodeOwners(data []byte) (codeowners.Ruleset, []error) {
	var rules codeowners.Ruleset
	var warnings []error
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		if len(line) > maxCodeOwnersLine {
			warnings = append(warnings, fmt.Errorf("line %d: longer than %d bytes: skipped", i+1, maxCodeOwnersLine))
			continue
		}
		rs, err := codeowners.ParseFile(strings.NewReader(line))
		if err != nil {
			if inner := errors.Unwrap(err); inner != nil {
				err = inner // drop the library's "line 1: "
			}
			warnings = append(warnings, fmt.Errorf("line %d: %w: skipped", i+1, err))
			continue
		}
		for _, r := range rs {
			if r.RawPattern() == "/" {
				// The library panics matching a bare "/"; like gitignore, it matches nothing.
				warnings = append(warnings, fmt.Errorf("line %d: pattern \"/\" matches nothing: skipped", i+1))
				continue
			}
			r.LineNumber = i + 1
			rules = append(rules, r)
		}
	}
	return rules, warnings
}

// match returns the last rule matching p, nil for none.
func (c *codeOwnersFile) match(p string) *CodeOwnersMatch {
	if p == "" {
		return nil
	}
	rule, err := c.rules.Match(p)
	if err != nil || rule == nil {
		return nil
	}
	m := &CodeOwnersMatch{File: c.name, Line: rule.LineNumber, Pattern: rule.RawPattern(), Owners: make([]string, 0, len(rule.Owners))}
	for _, o := range rule.Owners {
		m.Owners = append(m.Owners, o.String())
	}
	return m
}
