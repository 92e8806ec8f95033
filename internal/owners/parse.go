package owners

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Limits that bound what one hostile or broken ownership file can cost. Real
// files are far below them (Kubernetes' largest OWNERS_ALIASES is ~60 KiB).
const (
	maxFileSize      = 1 << 20 // bytes of one OWNERS or OWNERS_ALIASES file read
	maxGrantsPerFile = 10000   // logins and labels of one OWNERS file, after alias expansion
	maxFilters       = 200     // filters of one OWNERS file
	maxPatternLen    = 1000    // bytes of one filter regexp
)

// A grant is one name (login or label) given by an OWNERS file line,
// possibly through an OWNERS_ALIASES alias.
type grant struct {
	name  string
	line  int
	alias string // the alias it was expanded from, "" for a plain login
}

// A rule is the part of one OWNERS file that applies to the paths its regexp
// matches (nil: every path), as Prow's repoowners keeps one set per regexp.
type rule struct {
	pattern string
	re      *regexp.Regexp
	line    int
	// kinds, indexed by kindApprovers ... kindLabels
	grants [numKinds][]grant
}

const (
	kindApprovers = iota
	kindReviewers
	kindRequired
	kindLabels
	numKinds
)

// An ownersFile is one parsed OWNERS file.
type ownersFile struct {
	noParentOwners bool
	rules          []rule
}

// rawConfig is the Config of Prow's repoowners with each entry's line.
type rawConfig struct {
	lists [numKinds][]grant // names as written (not yet normalised or expanded)
}

func (c *rawConfig) empty() bool {
	for k := range c.lists {
		if len(c.lists[k]) > 0 {
			return false
		}
	}
	return true
}

var configKeys = [numKinds]string{"approvers", "reviewers", "required_reviewers", "labels"}

// normLogin normalises a GitHub login or alias name as Prow's github.NormLogin
// does: lower-cased, one leading '@' stripped.
func normLogin(s string) string {
	return strings.TrimPrefix(strings.ToLower(s), "@")
}

// deref follows a YAML alias node (*anchor) to its target.
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 8; i++ {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	return n == nil || n.Kind == 0 || (n.Kind == yaml.ScalarNode && n.Tag == "!!null")
}

// parseYAML returns the top-level node of a YAML document, nil for an empty one.
func parseYAML(data []byte) (*yaml.Node, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil, nil
	}
	top := deref(doc.Content[0])
	if isNull(top) {
		return nil, nil
	}
	return top, nil
}

// field looks a key up in a mapping node the way Prow's sigs.k8s.io/yaml
// (YAML to JSON, then encoding/json) does: keys match case-insensitively and
// a later duplicate wins.
func field(m *yaml.Node, key string) (*yaml.Node, *yaml.Node) {
	var k, v *yaml.Node
	for i := 0; i+1 < len(m.Content); i += 2 {
		if strings.EqualFold(m.Content[i].Value, key) {
			k, v = m.Content[i], deref(m.Content[i+1])
		}
	}
	return k, v
}

// stringList reads a YAML sequence of scalars (a null is an empty list).
// Scalars of any type are taken as written, as sigs.k8s.io/yaml converts
// numbers and booleans to the string fields of Prow's Config.
func stringList(n *yaml.Node, key string) ([]grant, error) {
	if isNull(n) {
		return nil, nil
	}
	if n.Kind != yaml.SequenceNode {
		return nil, fmt.Errorf("line %d: %s: want a list, got %s", n.Line, key, kindName(n))
	}
	var out []grant
	for _, item := range n.Content {
		item = deref(item)
		if isNull(item) {
			continue
		}
		if item.Kind != yaml.ScalarNode {
			return nil, fmt.Errorf("line %d: %s: want a string, got %s", item.Line, key, kindName(item))
		}
		out = append(out, grant{name: item.Value, line: item.Line})
	}
	return out, nil
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return fmt.Sprintf("%q", n.Value)
	}
	return "nothing"
}

// readConfig reads the approvers/reviewers/required_reviewers/labels of a mapping.
func readConfig(m *yaml.Node) (rawConfig, error) {
	var c rawConfig
	for k, key := range configKeys {
		_, v := field(m, key)
		l, err := stringList(v, key)
		if err != nil {
			return rawConfig{}, err
		}
		c.lists[k] = l
	}
	return c, nil
}

// yaml11Bool parses a boolean as YAML 1.1 (what Prow's yaml.v2 reads) does.
func yaml11Bool(n *yaml.Node) (bool, error) {
	if isNull(n) {
		return false, nil
	}
	if n.Kind == yaml.ScalarNode {
		switch strings.ToLower(n.Value) {
		case "true", "yes", "on", "y":
			return true, nil
		case "false", "no", "off", "n":
			return false, nil
		}
	}
	return false, fmt.Errorf("line %d: want true or false, got %s", n.Line, kindName(n))
}

func readOptions(m *yaml.Node) (noParent bool, err error) {
	_, o := field(m, "options")
	if isNull(o) {
		return false, nil
	}
	if o.Kind != yaml.MappingNode {
		return false, fmt.Errorf("line %d: options: want a mapping, got %s", o.Line, kindName(o))
	}
	_, v := field(o, "no_parent_owners")
	b, err := yaml11Bool(v)
	if err != nil {
		return false, fmt.Errorf("options.no_parent_owners: %w", err)
	}
	_, v = field(o, "auto_approve_unowned_subfolders")
	if _, err := yaml11Bool(v); err != nil {
		return false, fmt.Errorf("options.auto_approve_unowned_subfolders: %w", err)
	}
	return b, nil
}

// parseOwners parses one OWNERS file with the rules of Prow's repoowners: it
// is read as the simple form (top-level approvers, reviewers,
// required_reviewers, labels and options) when that parses and gives any
// name, and otherwise as the filters form (options and a map of Go regexps
// matched against the path relative to the file's directory; ".*" matches
// everything). emeritus_approvers and emeritus_reviewers are not read.
//
// Names are returned as written; normalisation and alias expansion happen in
// expand. The returned error makes the whole file unusable; warnings name
// parts that were skipped (a bad filter regexp, ignored keys).
func parseOwners(data []byte) (*ownersFile, []error, error) {
	if len(data) > maxFileSize {
		return nil, nil, fmt.Errorf("file is larger than %d bytes", maxFileSize)
	}
	top, err := parseYAML(data)
	if err != nil {
		return nil, nil, err
	}
	if top == nil {
		return &ownersFile{}, nil, nil
	}
	if top.Kind != yaml.MappingNode {
		return nil, nil, fmt.Errorf("line %d: want a mapping at the top level, got %s", top.Line, kindName(top))
	}

	var warnings []error
	simple, simpleErr := readConfig(top)
	noParent, optErr := readOptions(top)
	if simpleErr == nil && optErr == nil && !simple.empty() {
		if k, _ := field(top, "filters"); k != nil {
			warnings = append(warnings, fmt.Errorf("line %d: filters ignored: a file with top-level approvers, reviewers, required_reviewers or labels is read as the simple form", k.Line))
		}
		return &ownersFile{noParentOwners: noParent, rules: []rule{{pattern: ".*", grants: simple.lists, line: 1}}}, warnings, nil
	}

	// The filters form.
	if optErr != nil {
		return nil, nil, optErr
	}
	if simpleErr != nil {
		// Prow falls back to the filters form silently; say what was lost.
		warnings = append(warnings, fmt.Errorf("top-level keys ignored: %w", simpleErr))
	}
	f := &ownersFile{noParentOwners: noParent}
	_, filters := field(top, "filters")
	if isNull(filters) {
		return f, warnings, nil
	}
	if filters.Kind != yaml.MappingNode {
		return nil, warnings, fmt.Errorf("line %d: filters: want a mapping, got %s", filters.Line, kindName(filters))
	}
	for i := 0; i+1 < len(filters.Content); i += 2 {
		k, v := filters.Content[i], deref(filters.Content[i+1])
		var c rawConfig
		if !isNull(v) {
			if v.Kind != yaml.MappingNode {
				return nil, warnings, fmt.Errorf("line %d: filter %q: want a mapping, got %s", v.Line, k.Value, kindName(v))
			}
			if c, err = readConfig(v); err != nil {
				return nil, warnings, fmt.Errorf("filter %q: %w", k.Value, err)
			}
		}
		if len(f.rules) >= maxFilters {
			warnings = append(warnings, fmt.Errorf("line %d: more than %d filters: the rest are ignored", k.Line, maxFilters))
			break
		}
		r := rule{pattern: k.Value, line: k.Line, grants: c.lists}
		if k.Value != ".*" {
			if len(k.Value) > maxPatternLen {
				warnings = append(warnings, fmt.Errorf("line %d: filter regexp longer than %d bytes: skipped", k.Line, maxPatternLen))
				continue
			}
			re, err := regexp.Compile(k.Value)
			if err != nil {
				warnings = append(warnings, fmt.Errorf("line %d: filter %q skipped: %w", k.Line, k.Value, err))
				continue
			}
			r.re = re
		}
		// A later duplicate pattern replaces an earlier one, as in Prow's map.
		replaced := false
		for j := range f.rules {
			if f.rules[j].pattern == r.pattern {
				f.rules[j], replaced = r, true
			}
		}
		if !replaced {
			f.rules = append(f.rules, r)
		}
	}
	return f, warnings, nil
}

// An alias is one OWNERS_ALIASES group.
type alias struct {
	members []string // normalised, sorted, unique
	line    int
}

// parseAliases parses an OWNERS_ALIASES file as Prow's ParseAliasesConfig:
// `aliases:` maps a group name to a list of logins (or a mapping whose keys
// are the logins, or nothing: a group with no members). Names are normalised.
// A group that is not a list is skipped with a warning; Prow's loader keeps
// whatever groups it read before such an error.
func parseAliases(data []byte) (map[string]alias, []error, error) {
	if len(data) > maxFileSize {
		return nil, nil, fmt.Errorf("file is larger than %d bytes", maxFileSize)
	}
	top, err := parseYAML(data)
	if err != nil {
		return nil, nil, err
	}
	out := map[string]alias{}
	if top == nil {
		return out, nil, nil
	}
	if top.Kind != yaml.MappingNode {
		return nil, nil, fmt.Errorf("line %d: want a mapping at the top level, got %s", top.Line, kindName(top))
	}
	_, m := field(top, "aliases")
	if isNull(m) {
		return out, nil, nil
	}
	if m.Kind != yaml.MappingNode {
		return nil, nil, fmt.Errorf("line %d: aliases: want a mapping, got %s", m.Line, kindName(m))
	}
	var warnings []error
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], deref(m.Content[i+1])
		name := normLogin(k.Value)
		if name == "" {
			warnings = append(warnings, fmt.Errorf("line %d: alias with an empty name skipped", k.Line))
			continue
		}
		var members []string
		switch {
		case isNull(v):
		case v.Kind == yaml.SequenceNode:
			ok := true
			for _, it := range v.Content {
				it = deref(it)
				if it.Kind != yaml.ScalarNode || it.Tag != "!!str" {
					warnings = append(warnings, fmt.Errorf("line %d: alias %q skipped: member %s is not a string", it.Line, k.Value, kindName(it)))
					ok = false
					break
				}
				members = append(members, it.Value)
			}
			if !ok {
				continue
			}
		case v.Kind == yaml.MappingNode:
			for j := 0; j < len(v.Content); j += 2 {
				members = append(members, v.Content[j].Value)
			}
		default:
			warnings = append(warnings, fmt.Errorf("line %d: alias %q skipped: want a list of members, got %s", v.Line, k.Value, kindName(v)))
			continue
		}
		out[name] = alias{members: normSet(members), line: k.Line}
	}
	// Prow expands one level only: a member that names another alias stays a
	// literal login. Say so, as it is almost always a mistake.
	for name, a := range out {
		for _, mem := range a.members {
			if _, ok := out[mem]; ok {
				warnings = append(warnings, fmt.Errorf("line %d: alias %q has member %q, itself an alias: not expanded (aliases expand one level only)", a.line, name, mem))
			}
		}
	}
	return out, sortErrors(warnings), nil
}

// normSet normalises logins and returns them sorted and unique, without "".
func normSet(in []string) []string {
	seen := make(map[string]bool, len(in))
	out := make([]string, 0, len(in))
	for _, s := range in {
		s = normLogin(s)
		if s == "" || seen[s] {
			continue
		}
		seen[s] = true
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}

// expand normalises the names of a parsed OWNERS file and expands aliases
// one level, as Prow's applyConfigToPath. Labels are kept as written.
func (f *ownersFile) expand(aliases map[string]alias) error {
	total := 0
	var errTooMany error
	for ri := range f.rules {
		r := &f.rules[ri]
		for k := range r.grants {
			var out []grant
			for _, g := range r.grants[k] {
				if k == kindLabels {
					if g.name != "" {
						out = append(out, g)
					}
					continue
				}
				n := normLogin(g.name)
				if a, ok := aliases[n]; ok {
					for _, m := range a.members {
						out = append(out, grant{name: m, line: g.line, alias: n})
					}
				} else if n != "" {
					out = append(out, grant{name: n, line: g.line})
				}
			}
			total += len(out)
			if total > maxGrantsPerFile {
				keep := len(out) - (total - maxGrantsPerFile)
				if keep < 0 {
					keep = 0
				}
				out = out[:keep]
				total = maxGrantsPerFile
				errTooMany = fmt.Errorf("more than %d names after alias expansion: the rest are ignored", maxGrantsPerFile)
			}
			r.grants[k] = out
		}
	}
	return errTooMany
}

// sortErrors orders warnings built from map iteration deterministically.
func sortErrors(errs []error) []error {
	slices.SortFunc(errs, func(a, b error) int { return strings.Compare(a.Error(), b.Error()) })
	return errs
}
