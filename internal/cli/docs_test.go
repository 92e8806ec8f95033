package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/flake-triage/flake-triage/internal/config"
	"github.com/flake-triage/flake-triage/internal/prow"
)

// docsDir holds the product's reference documentation.
const docsDir = "../../docs"

// readDocs returns the text of every page under docs/, by file name.
func readDocs(t *testing.T) map[string]string {
	t.Helper()
	pages, err := filepath.Glob(filepath.Join(docsDir, "*.md"))
	if err != nil || len(pages) == 0 {
		t.Fatalf("no pages in %s: %v", docsDir, err)
	}
	out := map[string]string{}
	for _, p := range pages {
		out[filepath.Base(p)] = string(mustRead(t, p))
	}
	return out
}

// documented reports whether some page names name as code (`name`).
func documented(pages map[string]string, name string) bool {
	for _, text := range pages {
		if strings.Contains(text, "`"+name+"`") {
			return true
		}
	}
	return false
}

// TestEverySettingIsDocumented: every flag of triage, every input and
// output of action.yml and every key of the config file is named in the
// reference under docs/, so that a new setting cannot ship undocumented.
func TestEverySettingIsDocumented(t *testing.T) {
	pages := readDocs(t)
	for _, name := range inputNames {
		if !documented(pages, name) {
			t.Errorf("flag --%s is not documented under docs/", name)
		}
	}

	var action struct {
		Inputs  map[string]any `yaml:"inputs"`
		Outputs map[string]any `yaml:"outputs"`
	}
	if err := yaml.Unmarshal(mustRead(t, "../../action.yml"), &action); err != nil {
		t.Fatalf("action.yml: %v", err)
	}
	if len(action.Inputs) == 0 || len(action.Outputs) == 0 {
		t.Fatalf("action.yml: no inputs or outputs read")
	}
	for name := range action.Inputs {
		if !documented(pages, name) {
			t.Errorf("action.yml input %s is not documented under docs/", name)
		}
		if !slices.Contains(inputNames, name) {
			t.Errorf("action.yml input %s is not a flag of triage", name)
		}
	}
	for name := range action.Outputs {
		if !documented(pages, name) {
			t.Errorf("action.yml output %s is not documented under docs/", name)
		}
	}

	keys := configKeys(reflect.TypeFor[config.Config](), "")
	if len(keys) < 10 {
		t.Fatalf("config keys: %v", keys)
	}
	for _, k := range keys {
		if !documented(pages, k) {
			t.Errorf("config key %s is not documented under docs/ (as `%s`)", k, k)
		}
	}
}

// configKeys lists the keys of the config file, nested ones dotted
// (labels.failure), from the yaml tags of typ.
func configKeys(typ reflect.Type, prefix string) []string {
	var out []string
	for f := range typ.Fields() {
		tag, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if tag == "" || tag == "-" {
			continue
		}
		name := prefix + tag
		if f.Type.Kind() == reflect.Struct && f.Type.NumField() > 0 && f.Type.Field(0).Tag.Get("yaml") != "" {
			out = append(out, configKeys(f.Type, name+".")...)
			continue
		}
		out = append(out, name)
	}
	return out
}

// mdLink matches a Markdown link's target: [text](target).
var mdLink = regexp.MustCompile(`\]\(([^)\s]+)\)`)

// TestDocsLinksResolve: every relative link in README.md and docs/ leads
// to a file of the repository, and every #anchor to a heading of it; no
// link leaves the repository's tree.
func TestDocsLinksResolve(t *testing.T) {
	files := []string{"../../README.md"}
	pages, _ := filepath.Glob(filepath.Join(docsDir, "*.md"))
	files = append(files, pages...)
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range files {
		text := string(mustRead(t, file))
		for _, m := range mdLink.FindAllStringSubmatch(text, -1) {
			target := m[1]
			if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			path, anchor, _ := strings.Cut(target, "#")
			dest := file
			if path != "" {
				dest = filepath.Join(filepath.Dir(file), filepath.FromSlash(path))
			}
			abs, err := filepath.Abs(dest)
			if err != nil || !strings.HasPrefix(abs, root+string(filepath.Separator)) && abs != root {
				t.Errorf("%s: link %s leaves the repository", file, target)
				continue
			}
			info, err := os.Stat(dest)
			if err != nil {
				t.Errorf("%s: link %s: %v", file, target, err)
				continue
			}
			if anchor == "" {
				continue
			}
			if info.IsDir() || !strings.HasSuffix(dest, ".md") {
				t.Errorf("%s: link %s: an anchor into a file that is not a page", file, target)
				continue
			}
			if !slices.Contains(anchors(string(mustRead(t, dest))), anchor) {
				t.Errorf("%s: link %s: no heading of %s has the anchor #%s", file, target, filepath.Base(dest), anchor)
			}
		}
	}
}

// anchors returns the anchors GitHub gives the headings of a page: lower
// case, punctuation other than '-' and '_' dropped, spaces as '-'.
func anchors(page string) []string {
	var out []string
	inFence := false
	for line := range strings.SplitSeq(page, "\n") {
		if strings.HasPrefix(line, "```") {
			inFence = !inFence
			continue
		}
		if inFence || !strings.HasPrefix(line, "#") {
			continue
		}
		h := strings.TrimSpace(strings.TrimLeft(line, "#"))
		var b strings.Builder
		for _, r := range strings.ToLower(h) {
			switch {
			case r == ' ':
				b.WriteRune('-')
			case r == '-' || r == '_' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
				b.WriteRune(r)
			}
		}
		out = append(out, b.String())
	}
	return out
}

// TestDocsIndexLinksEveryPage: the index, docs/README.md, links every
// page under docs/ and the schema, so that no page is left unreachable.
func TestDocsIndexLinksEveryPage(t *testing.T) {
	index := string(mustRead(t, filepath.Join(docsDir, "README.md")))
	var linked []string
	for _, m := range mdLink.FindAllStringSubmatch(index, -1) {
		path, _, _ := strings.Cut(m[1], "#")
		linked = append(linked, path)
	}
	pages, _ := filepath.Glob(filepath.Join(docsDir, "*"))
	for _, p := range pages {
		name := filepath.Base(p)
		if name == "README.md" {
			continue
		}
		if !slices.Contains(linked, name) {
			t.Errorf("docs/README.md does not link %s", name)
		}
	}
}

// TestConfigPageListsEveryKeyWithItsDefault: the "Every key" block of
// docs/config.md is a config file that names every key and parses to
// exactly config.Default(), so that the page's defaults are the code's.
func TestConfigPageListsEveryKeyWithItsDefault(t *testing.T) {
	page := string(mustRead(t, filepath.Join(docsDir, "config.md")))
	_, rest, ok := strings.Cut(page, "## Every key")
	if !ok {
		t.Fatal("docs/config.md has no \"Every key\" section")
	}
	_, rest, _ = strings.Cut(rest, "```yaml\n")
	block, _, ok := strings.Cut(rest, "```")
	if !ok {
		t.Fatal("docs/config.md: no yaml block under \"Every key\"")
	}
	got, err := config.Parse("docs/config.md", []byte(block))
	if err != nil {
		t.Fatal(err)
	}
	// prow-url's default is applied where it is used: empty is Prow's own.
	want := config.Default()
	if want.ProwURL == "" {
		want.ProwURL = prow.DefaultDeck
	}
	// Printed, an empty list and no list read the same, as they do in YAML.
	if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", want) {
		t.Errorf("docs/config.md's every-key block is not the defaults:\n got %+v\nwant %+v", got, want)
	}
	var tree map[string]any
	if err := yaml.Unmarshal([]byte(block), &tree); err != nil {
		t.Fatal(err)
	}
	for _, k := range configKeys(reflect.TypeFor[config.Config](), "") {
		var node any = tree
		for part := range strings.SplitSeq(k, ".") {
			m, _ := node.(map[string]any)
			v, found := m[part]
			if !found {
				t.Errorf("docs/config.md's every-key block lacks %s", k)
				break
			}
			node = v
		}
	}
}

// readmeFlagRow matches a row of the README's flag table: the flag, the
// *config* mark of the flags that are also config keys, the default.
var readmeFlagRow = regexp.MustCompile("(?m)^\\| `--([a-z-]+)`( \\(\\*config\\*\\))? \\| ([^|]*) \\|")

// TestReadmeTablesMatchTheAction: the README's flag table has one row per
// action input (each a flag), marks *config* exactly the flags that are
// also config keys, and its outputs table names every action output.
func TestReadmeTablesMatchTheAction(t *testing.T) {
	readme := string(mustRead(t, "../../README.md"))
	var action struct {
		Inputs  map[string]any `yaml:"inputs"`
		Outputs map[string]any `yaml:"outputs"`
	}
	if err := yaml.Unmarshal(mustRead(t, "../../action.yml"), &action); err != nil {
		t.Fatalf("action.yml: %v", err)
	}
	keys := configKeys(reflect.TypeFor[config.Config](), "")
	rows := map[string]int{}
	for _, m := range readmeFlagRow.FindAllStringSubmatch(readme, -1) {
		name, marked := m[1], m[2] != ""
		rows[name]++
		if _, ok := action.Inputs[name]; !ok {
			t.Errorf("README: flag --%s is not an action input", name)
		}
		if isKey := slices.Contains(keys, name); marked != isKey {
			t.Errorf("README: --%s marked *config* %v, but it is a config key: %v", name, marked, isKey)
		}
	}
	for name := range action.Inputs {
		if rows[name] != 1 {
			t.Errorf("README: input %s has %d rows in the flag table, want 1", name, rows[name])
		}
	}
	_, outputs, _ := strings.Cut(readme, "### Outputs")
	outputs, _, _ = strings.Cut(outputs, "\n### ")
	for name := range action.Outputs {
		if !strings.Contains(outputs, "| `"+name+"` |") {
			t.Errorf("README: output %s is not in the outputs table", name)
		}
	}
}

// TestReadmeConfigExampleIsValid: the README's config file example is a
// valid config file that shows every top-level key.
func TestReadmeConfigExampleIsValid(t *testing.T) {
	readme := string(mustRead(t, "../../README.md"))
	_, rest, ok := strings.Cut(readme, "### The config file")
	if !ok {
		t.Fatal("README has no config file section")
	}
	_, rest, _ = strings.Cut(rest, "```yaml\n")
	block, _, _ := strings.Cut(rest, "```")
	if _, err := config.Parse("README.md", []byte(block)); err != nil {
		t.Fatal(err)
	}
	var tree map[string]any
	if err := yaml.Unmarshal([]byte(block), &tree); err != nil {
		t.Fatal(err)
	}
	for _, k := range configKeys(reflect.TypeFor[config.Config](), "") {
		top, _, _ := strings.Cut(k, ".")
		if _, ok := tree[top]; !ok {
			t.Errorf("README's config example lacks %s", top)
		}
	}
}

// fuzzTarget matches a fuzz target's declaration.
var fuzzTarget = regexp.MustCompile(`(?m)^func (Fuzz\w+)\(`)

// TestReadmeListsEveryFuzzTarget: the README's fuzzing table names every
// fuzz target in the row of its package.
func TestReadmeListsEveryFuzzTarget(t *testing.T) {
	readme := string(mustRead(t, "../../README.md"))
	tests, err := filepath.Glob("../../internal/*/*_test.go")
	if err != nil || len(tests) == 0 {
		t.Fatalf("no tests found: %v", err)
	}
	for _, file := range tests {
		pkg := "internal/" + filepath.Base(filepath.Dir(file))
		_, row, ok := strings.Cut(readme, "\n| `"+pkg+"` |")
		row, _, _ = strings.Cut(row, "\n")
		for _, m := range fuzzTarget.FindAllStringSubmatch(string(mustRead(t, file)), -1) {
			if !ok || !strings.Contains(row, "`"+m[1]+"`") {
				t.Errorf("README's fuzzing table lacks %s of %s", m[1], pkg)
			}
		}
	}
}

// usesLine matches an action or tool version in a workflow: uses:
// owner/name@version or go run module@version.
var usesLine = regexp.MustCompile(`(?:uses: |go run )([\w./-]+)@(v[0-9][\w.]*)`)

// TestReadmeVersionsMatchTheExamples: an action or tool the README's
// snippets use has the version examples/ use, so that a copied quick
// start and a copied example agree.
func TestReadmeVersionsMatchTheExamples(t *testing.T) {
	examples, _ := filepath.Glob("../../examples/*.y*ml")
	want := map[string]string{}
	for _, f := range examples {
		for _, m := range usesLine.FindAllStringSubmatch(string(mustRead(t, f)), -1) {
			if v, ok := want[m[1]]; ok && v != m[2] {
				t.Errorf("%s: %s@%s, another example has @%s", filepath.Base(f), m[1], m[2], v)
			}
			want[m[1]] = m[2]
		}
	}
	if len(want) == 0 {
		t.Fatal("no uses: lines in examples/")
	}
	for _, m := range usesLine.FindAllStringSubmatch(string(mustRead(t, "../../README.md")), -1) {
		if v, ok := want[m[1]]; ok && v != m[2] {
			t.Errorf("README: %s@%s, examples/ use @%s", m[1], m[2], v)
		}
	}
}
