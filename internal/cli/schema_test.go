package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/flake-triage/flake-triage/internal/fakegithub"
)

// schemaPath is the JSON Schema of the result that docs/json.md documents.
const schemaPath = "../../docs/result.schema.json"

// resultSchemas compiles docs/result.schema.json twice: as published
// (open objects, since later releases may add fields), and closed, with
// every object that lists its properties refusing any other. A real
// result must pass both: the first is the contract, the second holds the
// documentation to every field the product writes.
func resultSchemas(t *testing.T) (published, closed *jsonschema.Schema) {
	t.Helper()
	load := func() any {
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(mustRead(t, schemaPath)))
		if err != nil {
			t.Fatalf("%s: %v", schemaPath, err)
		}
		return doc
	}
	compile := func(url string, doc any) *jsonschema.Schema {
		c := jsonschema.NewCompiler()
		c.DefaultDraft(jsonschema.Draft2020)
		c.AssertFormat()
		if err := c.AddResource(url, doc); err != nil {
			t.Fatalf("%s: %v", schemaPath, err)
		}
		s, err := c.Compile(url)
		if err != nil {
			t.Fatalf("compile %s: %v", schemaPath, err)
		}
		return s
	}
	pub := load()
	id, _ := pub.(map[string]any)["$id"].(string)
	if id == "" {
		t.Fatalf("%s has no $id", schemaPath)
	}
	strict := load()
	closeObjects(strict)
	strict.(map[string]any)["$id"] = strings.TrimSuffix(id, ".json") + ".closed.json"
	return compile(id, pub), compile(strings.TrimSuffix(id, ".json")+".closed.json", strict)
}

// closeObjects sets additionalProperties false on every object schema in v that
// lists its properties and says nothing about others.
func closeObjects(v any) {
	switch v := v.(type) {
	case map[string]any:
		if _, ok := v["properties"]; ok {
			if _, set := v["additionalProperties"]; !set {
				v["additionalProperties"] = false
			}
		}
		for _, x := range v {
			closeObjects(x)
		}
	case []any:
		for _, x := range v {
			closeObjects(x)
		}
	}
}

// validateResult checks a JSON result, as the tool wrote it, against both
// schemas.
func validateResult(t *testing.T, name, out string, published, closed *jsonschema.Schema) {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(strings.NewReader(out))
	if err != nil {
		t.Fatalf("%s: the output is not JSON: %v\n%s", name, err, out)
	}
	if err := published.Validate(inst); err != nil {
		t.Errorf("%s: the result does not match docs/result.schema.json:\n%v", name, err)
		return
	}
	if err := closed.Validate(inst); err != nil {
		t.Errorf("%s: the result has fields that docs/result.schema.json does not describe "+
			"(document them there and in docs/json.md):\n%v", name, err)
	}
}

// TestResultMatchesSchema validates real results against the documented
// schema: the demo (a dry run, with the storm guard raised), a dry run of
// the whole sample (the storm guard fires), one with correlated logs and
// an unreadable report, and runs in file and annotate mode against the
// fake GitHub that create, adopt, re-record, update, name known issues and
// record a pass.
func TestResultMatchesSchema(t *testing.T) {
	published, closed := resultSchemas(t)
	check := func(name string, code int, stdout, stderr string) {
		t.Helper()
		if code != ExitOK {
			t.Fatalf("%s: exit %d, stderr:\n%s", name, code, stderr)
		}
		validateResult(t, name, stdout, published, closed)
	}

	code, stdout, stderr := runCLI(t, nil, "demo", "--json", "-")
	check("demo", code, stdout, stderr)

	dir := extractSample(t)
	code, stdout, stderr = runCLI(t, nil, "triage", "--dry-run", "--repo-root", dir, "--reports", "reports/*.xml", "--json", "-")
	check("dry run, storm", code, stdout, stderr)
	if !strings.Contains(stdout, `"action": "storm"`) {
		t.Errorf("dry run of the whole sample: no storm action; the storm case is not covered")
	}

	logs := filepath.Join(dir, "logs")
	if err := os.MkdirAll(logs, 0o755); err != nil {
		t.Fatal(err)
	}
	klog := "E1127 14:55:10.000000       1 machine_controller.go:33] \"Reconciler error\" err=\"infrastructure not ready\"\n"
	if err := os.WriteFile(filepath.Join(logs, "controller.log"), []byte(klog), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "reports", "broken.xml"), []byte("<testsuite><testcase"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr = runCLI(t, nil, "triage", "--dry-run", "--repo-root", dir,
		"--reports", "reports/ginkgo-e2e.xml", "--reports", "reports/broken.xml", "--logs", "logs/*.log", "--json", "-")
	check("dry run, logs, unreadable report", code, stdout, stderr)
	if !strings.Contains(stdout, `"correlated": [`+"\n") || !strings.Contains(stdout, `"error": "`) {
		t.Errorf("no correlated log group or no report error: those cases are not covered")
	}

	gh := fakegithub.New(t, "acme", "capi-like", "ghs_secretvalue")
	gh.SetAssignable("heidi-e2e", "liam-e2e", "grace-test")
	// People filed an issue about one failing test first: it is adopted.
	gh.AddIssue(fakegithub.Issue{Title: "Flake: [It] When following the Cluster API quick-start Should expose the control plane endpoint [quick-start]"})
	const ctrl = "reports/gotestsum-controllers.xml"
	failing := mustRead(t, filepath.Join(dir, ctrl))
	passing := regexp.MustCompile(`(?s)<failure .*?</failure>\s*`).ReplaceAll(failing, nil)
	step := func(event string, id int, report []byte) map[string]string {
		if err := os.WriteFile(filepath.Join(dir, ctrl), report, 0o644); err != nil {
			t.Fatal(err)
		}
		env := stepEnv(t, gh, dir, event, id)
		env["INPUT_REPORTS"] = "reports/ginkgo-e2e.xml\n" + ctrl
		return env
	}
	for _, run := range []struct {
		name   string
		event  string
		id     int
		report []byte
		want   []string
	}{
		{"push: create, adopt", "push", 100, failing, []string{`"action": "create"`, `"action": "adopt"`, `"candidates": [`}},
		{"push, same run: none", "push", 100, failing, []string{`"action": "none"`}},
		{"push, next run: update, pass recorded", "push", 101, passing, []string{`"action": "update"`, `"passed": [` + "\n"}},
		{"pull request: known", "pull_request", 102, failing, []string{`"action": "known"`}},
	} {
		code, stdout, stderr := runCLI(t, step(run.event, run.id, run.report), "triage")
		check(run.name, code, stdout, stderr)
		for _, want := range run.want {
			if !strings.Contains(stdout, want) {
				t.Errorf("%s: the result lacks %s: that case is not covered", run.name, want)
			}
		}
	}
}

// TestSchemaRejectsWrongResults makes sure the schema would catch what
// it is there to catch: a renamed or missing field, a wrong type, an
// unknown value, an undocumented field.
func TestSchemaRejectsWrongResults(t *testing.T) {
	published, closed := resultSchemas(t)
	code, stdout, stderr := runCLI(t, nil, "demo", "--json", "-")
	if code != ExitOK {
		t.Fatalf("demo: exit %d, stderr:\n%s", code, stderr)
	}
	for _, tc := range []struct {
		name string
		edit func(r map[string]any)
		// open: the published schema accepts it (fields may be added),
		// the closed one does not.
		open bool
	}{
		{"count as a string", func(r map[string]any) { obj(r, "reports")["failed"] = "12" }, false},
		{"line as a string", func(r map[string]any) { obj(finding(r), "location")["line"] = "26" }, false},
		{"location neither object nor null", func(r map[string]any) { finding(r)["location"] = "test/e2e/quick_start_test.go:26" }, false},
		{"fallback as a string", func(r map[string]any) { obj(finding(r), "owners")["fallback"] = "false" }, false},
		{"labels null", func(r map[string]any) { finding(r)["labels"] = nil }, false},
		{"version 2", func(r map[string]any) { r["version"] = 2.0 }, false},
		{"renamed test_location", func(r map[string]any) {
			f := finding(r)
			f["testLocation"] = f["test_location"]
			delete(f, "test_location")
		}, false},
		{"missing signature", func(r map[string]any) { delete(finding(r), "signature") }, false},
		{"unknown kind", func(r map[string]any) { finding(r)["kind"] = "flaky" }, false},
		{"unknown issue action", func(r map[string]any) { obj(finding(r), "issue")["action"] = "created" }, false},
		{"absolute location path", func(r map[string]any) { obj(finding(r), "location")["path"] = "/home/runner/work/x.go" }, false},
		{"a column in a location", func(r map[string]any) { obj(finding(r), "location")["column"] = 3.0 }, false},
		{"time that is no time", func(r map[string]any) { finding(r)["time"] = "yesterday" }, false},
		{"undocumented finding field", func(r map[string]any) { finding(r)["verdict_guess"] = "new" }, true},
		{"undocumented top-level field", func(r map[string]any) { r["extra"] = []any{} }, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var r map[string]any
			if err := json.Unmarshal([]byte(stdout), &r); err != nil {
				t.Fatal(err)
			}
			tc.edit(r)
			pubErr, closedErr := published.Validate(r), closed.Validate(r)
			if closedErr == nil {
				t.Errorf("the closed schema accepts it")
			}
			if tc.open && pubErr != nil {
				t.Errorf("the published schema rejects an added field, which the contract allows: %v", pubErr)
			}
			if !tc.open && pubErr == nil {
				t.Errorf("the published schema accepts it")
			}
		})
	}
}

func obj(m map[string]any, key string) map[string]any { return m[key].(map[string]any) }

// finding is the first finding of r, which in the demo has a location.
func finding(r map[string]any) map[string]any { return r["findings"].([]any)[0].(map[string]any) }
