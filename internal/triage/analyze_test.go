package triage

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/flake-triage/flake-triage/internal/config"
	"github.com/flake-triage/flake-triage/internal/locate"
	"github.com/flake-triage/flake-triage/internal/owners"
	"github.com/flake-triage/flake-triage/internal/report"
)

// repo is a small repository: OWNERS cover pkg/, CODEOWNERS covers web/,
// nothing owns tools/.
var repo = fstest.MapFS{
	"go.mod":                 {Data: []byte("module example.com/m\n\ngo 1.26\n")},
	"pkg/OWNERS":             {Data: []byte("approvers: [Ann, bob]\nreviewers: [cid]\nlabels: [area/pkg]\n")},
	"pkg/x_test.go":          {Data: []byte("package pkg\n\nimport \"testing\"\n\nfunc TestX(t *testing.T) {\n\tt.Fatal(\"boom\")\n}\n")},
	".github/CODEOWNERS":     {Data: []byte("/web/ @org/web-team @dora\n")},
	"web/a.test.js":          {Data: []byte("test('a', () => {\n  expect(1).toBe(2)\n})\n")},
	"tools/gen_test.go":      {Data: []byte("package tools\n\nimport \"testing\"\n\nfunc TestGen(t *testing.T) {\n\tt.Fatal(\"boom\")\n}\n")},
	"tools/nothing_owned.go": {Data: []byte("package tools\n")},
}

func analyze(t *testing.T, cfg config.Config, xml string) Result {
	t.Helper()
	set := report.Ingest("r.xml", stringsReader(xml))
	ix, err := locate.NewIndex(repo, locate.Options{})
	if err != nil {
		t.Fatal(err)
	}
	own, warnings := owners.Load(repo)
	if len(warnings) > 0 {
		t.Fatal(warnings)
	}
	return Analyze(set, ix.LocateAll(set.Tests), own, cfg)
}

const goReport = `<testsuites><testsuite name="example.com/m/pkg" tests="1" failures="1">
<testcase classname="example.com/m/pkg" name="TestX"><failure message="Failed">    x_test.go:6: boom</failure></testcase>
</testsuite><testsuite name="example.com/m/tools" tests="1" failures="1">
<testcase classname="example.com/m/tools" name="TestGen" timestamp="2026-01-14T10:00:00"><failure message="Failed">    gen_test.go:6: boom</failure></testcase>
</testsuite></testsuites>`

func TestOwnersAssigneesLabels(t *testing.T) {
	cfg := config.Default()
	cfg.Labels.Extra = []string{"triage/needed"}
	cfg.Owners.Maintainers = []string{"@Maint"}
	r := analyze(t, cfg, goReport)
	if len(r.Findings) != 2 {
		t.Fatalf("%d findings, want 2", len(r.Findings))
	}
	pkg, tools := r.Findings[0], r.Findings[1]
	if diff := cmp.Diff(Owners{Approvers: []string{"ann", "bob"}, Reviewers: []string{"cid"}, Labels: []string{"area/pkg"}, Files: []string{"pkg/OWNERS"}}, pkg.Owners); diff != "" {
		t.Errorf("owners (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"kind/failing-test", "area/pkg", "triage/needed"}, pkg.Labels); diff != "" {
		t.Errorf("labels (-want +got):\n%s", diff)
	}
	// The three experts of pkg/ fit max-assignees (3).
	if diff := cmp.Diff([]string{"ann", "bob", "cid"}, pkg.Assignees); diff != "" {
		t.Errorf("assignees (-want +got):\n%s", diff)
	}
	if !slices.ContainsFunc(pkg.Provenance, func(p Provenance) bool {
		return p == Provenance{Login: "ann", File: "pkg/OWNERS", Line: 1, Role: "approver", Rank: 2}
	}) {
		t.Errorf("provenance lacks ann's OWNERS line: %+v", pkg.Provenance)
	}
	// Nobody owns tools/: the fallback maintainers are used and said so.
	if diff := cmp.Diff(Owners{Approvers: []string{"maint"}, Reviewers: []string{}, Labels: []string{}, Files: []string{}, Fallback: true}, tools.Owners); diff != "" {
		t.Errorf("fallback owners (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"maint"}, tools.Assignees); diff != "" {
		t.Errorf("fallback assignees (-want +got):\n%s", diff)
	}
}

func TestMaxAssigneesMentionsTheRest(t *testing.T) {
	cfg := config.Default()
	cfg.MaxAssignees = 1
	f := analyze(t, cfg, goReport).Findings[0]
	if len(f.Assignees) != 1 || len(f.Mentions) != 2 {
		t.Fatalf("assignees %v mentions %v, want 1 and 2", f.Assignees, f.Mentions)
	}
	all := append(slices.Clone(f.Assignees), f.Mentions...)
	slices.Sort(all)
	if diff := cmp.Diff([]string{"ann", "bob", "cid"}, all); diff != "" {
		t.Errorf("assignees and mentions (-want +got):\n%s", diff)
	}
}

func TestRotationOnDutyIsAssigned(t *testing.T) {
	cfg := config.Default()
	cfg.Owners.Maintainers = []string{"maint"}
	cfg.Rotation = config.Rotation{Members: []string{"Ruth", "Sam"}, Start: config.Time(time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)), Period: config.Duration(7 * 24 * time.Hour)}
	// TestGen failed on 2026-01-14: the second week, Sam's.
	f := analyze(t, cfg, goReport).Findings[1]
	if diff := cmp.Diff([]string{"maint", "sam"}, f.Assignees); diff != "" {
		t.Errorf("assignees (-want +got):\n%s", diff)
	}
}

func TestCodeOwnersWhenNoOwners(t *testing.T) {
	const jest = `<testsuites><testsuite name="a"><testcase classname="a" name="a" file="web/a.test.js">
<failure>Error: expect(received).toBe(expected)
    at Object.toBe (/home/runner/work/m/m/web/a.test.js:2:13)</failure></testcase></testsuite></testsuites>`
	f := analyze(t, config.Default(), jest).Findings[0]
	if diff := cmp.Diff(Owners{Approvers: []string{"org/web-team", "dora"}, Reviewers: []string{}, Labels: []string{}, Files: []string{".github/CODEOWNERS"}}, f.Owners); diff != "" {
		t.Errorf("owners (-want +got):\n%s", diff)
	}
	// Teams are mentioned, never assigned.
	if !cmp.Equal(f.Assignees, []string{"dora"}) || !cmp.Equal(f.Mentions, []string{"org/web-team"}) {
		t.Errorf("assignees %v mentions %v", f.Assignees, f.Mentions)
	}
}

func TestSignatureIgnoresVolatileParts(t *testing.T) {
	a := Signature("Timed out after 300.012s waiting for machine-7f3a at 0xc000123456")
	b := Signature("Timed out after 299.9s waiting for machine-8e1b at 0xc000999999")
	if a != b {
		t.Errorf("signatures differ for the same failure: %s %s", a, b)
	}
	if a == Signature("connection refused") {
		t.Errorf("different failures share a signature")
	}
}

func stringsReader(s string) *strings.Reader { return strings.NewReader(s) }

// volatileRE is what stripVolatile replaced; it is the reference here.
var volatileRE = regexp.MustCompile(`[A-Za-z0-9_.:/-]*[0-9][A-Za-z0-9_.:/-]*`)

var volatileSeeds = []string{
	"",
	"connection refused",
	"Timed out after 300.012s waiting for machine-7f3a at 0xc000123456",
	"[FAILED] Expected\n    <string>: Provisioning\nto equal\n    <string>: Running\nIn [It] at: /home/runner/work/big/big/test/e2e/cluster_test.go:42 @ 11/27/26 14:55:20.842",
	"9",
	"a9",
	"9a b c8 d",
	"ünïcode-4 ☃3 \xff7\xfe x",
	"pod/web-5d8f7c9b4-abcde restarted 3 times; exit code 137",
	"no digits: just words, and punctuation!",
	"trailing digit 1",
	"::--..//__",
}

// TestStripVolatileMatchesRegexp holds stripVolatile equal to the regular
// expression it replaced.
func TestStripVolatileMatchesRegexp(t *testing.T) {
	for _, s := range volatileSeeds {
		if got, want := stripVolatile(s), volatileRE.ReplaceAllString(s, "#"); got != want {
			t.Errorf("stripVolatile(%q) = %q, want %q", s, got, want)
		}
	}
}

// FuzzStripVolatile holds stripVolatile equal to the regular expression on
// any text:
//
//	go test ./internal/triage -run '^$' -fuzz FuzzStripVolatile -fuzztime 60s
func FuzzStripVolatile(f *testing.F) {
	for _, s := range volatileSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := stripVolatile(s), volatileRE.ReplaceAllString(s, "#"); got != want {
			t.Errorf("stripVolatile(%q) = %q, want %q", s, got, want)
		}
	})
}

// BenchmarkSignature signs the messages of a broken run's failures:
//
//	go test ./internal/triage -run '^$' -bench Signature -benchmem
func BenchmarkSignature(b *testing.B) {
	msg := volatileSeeds[3]
	b.ReportAllocs()
	for b.Loop() {
		Signature(msg)
	}
}
