package config

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParseOverridesDefaults(t *testing.T) {
	got, err := Parse("x.yaml", []byte(`
labels:
  flake: flaky
  extra: [triage/needed]
max-new-issues: 5
reopen-window: 14d
comment-interval: 12h
owners:
  source: codeowners
  maintainers: [alice]
rotation:
  members: [bob, carol]
  start: 2026-01-05
  period: 1w
expert-window: 30d
max-mentions: 2
`))
	if err != nil {
		t.Fatal(err)
	}
	want := Default()
	want.Labels.Flake = "flaky"
	want.Labels.Extra = []string{"triage/needed"}
	want.MaxNewIssues = 5
	want.ReopenWindow = Duration(14 * 24 * time.Hour)
	want.CommentInterval = Duration(12 * time.Hour)
	want.Owners = Owners{Source: "codeowners", Maintainers: []string{"alice"}}
	want.Rotation = Rotation{Members: []string{"bob", "carol"}, Start: Time(time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)), Period: Duration(7 * 24 * time.Hour)}
	want.ExpertWindow = Duration(30 * 24 * time.Hour)
	want.MaxMentions = 2
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Parse (-want +got):\n%s", diff)
	}
}

func TestParseEmptyIsDefault(t *testing.T) {
	got, err := Parse("x.yaml", nil)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(Default(), got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestParseErrorsNameFileAndLine(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"unknown key", "labels:\n  flake: x\nmax-new-issue: 3\n", "config f.yaml: line 3: unknown key max-new-issue (did you mean max-new-issues?)"},
		{"unknown nested key", "labels:\n  flaky: x\n", "config f.yaml: line 2: unknown key labels.flaky (did you mean labels.flake?)"},
		{"unknown key, nothing near", "colour: blue\n", "config f.yaml: line 1: unknown key colour"},
		{"wrong type", "max-assignees: lots\n", "config f.yaml: line 1: want a whole number, got lots"},
		{"wrong bool", "require-reports: maybe\n", "config f.yaml: line 1: want true or false, got maybe"},
		{"negative write rate", "write-rate: -1\n", "write-rate must be a number of writes per second, 0 or more"},
		{"empty check name", "check-name: \"\"\n", "check-name must not be empty"},
		{"bad duration", "\nreopen-window: soon\n", `line 2: invalid duration "soon"`},
		{"bad source", "owners:\n  source: blame\n", `owners.source must be auto, owners or codeowners, got "blame"`},
		{"rotation without start", "rotation:\n  members: [a]\n", "rotation.start is required"},
		{"not yaml", "labels: [\n", "config f.yaml: line"},
		{"negative expert window", "expert-window: -1h\n", "expert-window must not be negative"},
		{"negative max-mentions", "max-mentions: -1\n", "max-mentions must not be negative"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("f.yaml", []byte(tc.in))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Parse error = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

// TestMessagesNameNoGoTypes: whatever is wrong, the message speaks of
// keys and values, never of Go's types.
func TestMessagesNameNoGoTypes(t *testing.T) {
	for _, in := range []string{
		"max-assignees: lots\n", "labels: [a]\n", "labels:\n  extra: x\n", "logs: {a: b}\n",
		"write-rate: fast\n", "owners:\n  maintainers: {a: 1}\n", "rotation: 3\n", "nope: 1\n", "titles:\n  flakey: x\n",
	} {
		_, err := Parse("f.yaml", []byte(in))
		if err == nil {
			t.Errorf("Parse(%q) accepted it", in)
			continue
		}
		for _, goish := range []string{"config.", "[]string", "float64", "into ", "!!", "type "} {
			if strings.Contains(err.Error(), goish) {
				t.Errorf("Parse(%q) = %v: names %q", in, err, goish)
			}
		}
	}
}

func TestParseNewSettings(t *testing.T) {
	got, err := Parse("x.yaml", []byte("require-reports: true\nwrite-rate: 0.5\ncheck-name: triage\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !got.RequireReports || got.WriteRate != 0.5 || got.CheckName != "triage" {
		t.Errorf("got require-reports %v, write-rate %v, check-name %q", got.RequireReports, got.WriteRate, got.CheckName)
	}
	if d := Default(); d.RequireReports || d.WriteRate != 1 || d.CheckName != "flake-triage" {
		t.Errorf("defaults: require-reports %v, write-rate %v, check-name %q; want false, 1, flake-triage", d.RequireReports, d.WriteRate, d.CheckName)
	}
}

func TestNearest(t *testing.T) {
	known := []string{"reports", "repo", "repo-root", "require-reports", "max-new-issues", "dry-run", "json"}
	for in, want := range map[string]string{
		"report": "reports", "--reprots": "reports", "repo-rot": "repo-root", "requir-reports": "require-reports",
		"max-new-issue": "max-new-issues", "dryrun": "dry-run", "jsno": "json", "colour": "", "x": "",
	} {
		if got := Nearest(in, known); got != want {
			t.Errorf("Nearest(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("max-new-issues: 3\nlabels:\n  extra: [a]\n"))
	f.Add([]byte("rotation:\n  members: [a]\n  start: 2026-01-01\n  period: 2d\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse("fuzz.yaml", data)
		if err == nil {
			if verr := c.Validate(); verr != nil {
				t.Fatalf("Parse accepted a config that does not validate: %v", verr)
			}
		}
	})
}
