package config

import (
	"reflect"
	"regexp"
	"strings"
)

// unknownField and wrongType are yaml.v3's messages for a key the
// configuration does not have and a value of the wrong kind, which name
// Go types ("field x not found in type config.Labels", "cannot unmarshal
// !!str `lots` into int").
var (
	unknownField = regexp.MustCompile(`^(line \d+: )?field (.+) not found in type config\.(\w+)$`)
	wrongType    = regexp.MustCompile("^(line \\d+: )?cannot unmarshal !!(\\w+)(?: `(.*)`)? into (.+)$")
)

// sections are the configuration's mappings by Go type name, with the
// dotted prefix that their keys have in messages.
var sections = map[string]struct {
	t      reflect.Type
	prefix string
}{
	"Config":   {reflect.TypeFor[Config](), ""},
	"Labels":   {reflect.TypeFor[Labels](), "labels."},
	"Titles":   {reflect.TypeFor[Titles](), "titles."},
	"Owners":   {reflect.TypeFor[Owners](), "owners."},
	"Rotation": {reflect.TypeFor[Rotation](), "rotation."},
}

// kinds name the Go types of values in a configuration's words.
var kinds = map[string]string{
	"int": "a whole number", "bool": "true or false", "string": "text",
	"float64": "a number", "[]string": "a list of text",
}

// explain rewrites one yaml.v3 problem in the configuration's own words:
// an unknown key is named with its section and the nearest known key, a
// value of the wrong kind says which kind was wanted.
func explain(msg string) string {
	if m := unknownField.FindStringSubmatch(msg); m != nil {
		sec, ok := sections[m[3]]
		if !ok {
			return msg
		}
		known := Keys(sec.t)
		out := m[1] + "unknown key " + sec.prefix + m[2]
		if near := Nearest(m[2], known); near != "" {
			out += " (did you mean " + sec.prefix + near + "?)"
		}
		return out
	}
	if m := wrongType.FindStringSubmatch(msg); m != nil {
		want, ok := kinds[m[4]]
		if !ok {
			want = "a mapping of keys"
			if strings.HasPrefix(m[4], "[]") {
				want = "a list"
			}
		}
		got := m[3]
		switch m[2] {
		case "seq":
			got = "a list"
		case "map":
			got = "a mapping"
		}
		return m[1] + "want " + want + ", got " + got
	}
	return msg
}

// Keys returns the keys of a configuration mapping type, as the file
// writes them.
func Keys(t reflect.Type) []string {
	var keys []string
	for f := range t.Fields() {
		if name, _, _ := strings.Cut(f.Tag.Get("yaml"), ","); name != "" && name != "-" {
			keys = append(keys, name)
		}
	}
	return keys
}

// Nearest returns the name among known that name is most likely a typo
// of: within an edit distance of a third of its length (at least 1, at
// most 3), or with one a prefix of the other; "" when none is.
func Nearest(name string, known []string) string {
	name = strings.ToLower(strings.TrimLeft(name, "-"))
	best, bestD := "", len(name)/3
	bestD = min(max(bestD, 1), 3)
	for _, k := range known {
		d := distance(name, k)
		if len(name) >= 4 && (strings.HasPrefix(k, name) || strings.HasPrefix(name, k)) {
			d = min(d, bestD)
		}
		if d <= bestD && (best == "" || d < distance(name, best)) {
			best, bestD = k, d
		}
	}
	return best
}

// distance is the Levenshtein distance of a and b, counting a swap of
// two neighbouring letters as one edit.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}
