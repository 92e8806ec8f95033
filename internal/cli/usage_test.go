package cli

import (
	"runtime/debug"
	"strings"
	"testing"
)

// TestHelp: every form of help prints usage to stdout and exits 0, with
// --flag forms, the groups, and no Go type names.
func TestHelp(t *testing.T) {
	for _, args := range [][]string{
		{"--help"}, {"-h"}, {"-help"}, {"help"},
		{"triage", "--help"}, {"triage", "-h"}, {"--reports", "x.xml", "--help"},
		{"owners", "--help"}, {"owners", "-h"}, {"demo", "--help"}, {"demo", "-h"},
		{"quarantined", "--help"}, {"quarantined", "-h"},
	} {
		code, stdout, stderr := runCLI(t, nil, args...)
		if code != ExitOK || stderr != "" {
			t.Errorf("%q: exit %d, stderr %q; want 0 and nothing on stderr", args, code, stderr)
			continue
		}
		if !strings.HasPrefix(stdout, "Usage:") && !strings.Contains(stdout, "\nUsage:\n") {
			t.Errorf("%q: no usage on stdout:\n%s", args, stdout)
		}
		for _, goish := range []string{" string\n", " value\n", " int\n", " float", "-reports string", "\n  -r", "\n  -j", "\n  -d"} {
			if strings.Contains(stdout, goish) {
				t.Errorf("%q: usage holds %q:\n%s", args, goish, stdout)
			}
		}
	}
	_, stdout, _ := runCLI(t, nil, "triage", "--help")
	for _, want := range []string{"Inputs (what to read):", "Policy (what to do):", "Output (where results go):",
		"History (the run ledger, rates and verdicts):", "  --history-window N\n", "  --fail-on never|new|any\n",
		"  --reports GLOB\n", "  --dry-run\n", "  --require-reports\n", "  --write-rate PER-SECOND\n", "  --check-name NAME\n", "Exit codes:"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("triage --help lacks %q:\n%s", want, stdout)
		}
	}
	// Every flag that takes a value names it: no placeholder made of the
	// flag's own name in capitals (--history-window HISTORY-WINDOW).
	for _, name := range inputNames {
		if !boolNames[name] && placeholders[name] == "" {
			t.Errorf("--%s has no placeholder in the usage", name)
		}
	}
	// Every input is in the usage, once.
	for _, name := range inputNames {
		if n := strings.Count(stdout, "  --"+name+" ") + strings.Count(stdout, "  --"+name+"\n"); n != 1 {
			t.Errorf("--%s appears %d times in the usage", name, n)
		}
	}
}

// TestUnknownFlagsSuggest: a misspelt flag or command is refused with
// the nearest one, in --flag form.
func TestUnknownFlagsSuggest(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--requir-reports"}, "unknown flag --requir-reports (did you mean --require-reports?)"},
		{[]string{"triage", "--report", "x"}, "unknown flag --report (did you mean --reports?)"},
		{[]string{"triage", "-dryrun"}, "unknown flag --dryrun (did you mean --dry-run?)"},
		{[]string{"owners", "--jsno"}, "unknown flag --jsno (did you mean --json?)"},
		{[]string{"triage", "--colour", "x"}, "unknown flag --colour; flake-triage triage --help lists the flags"},
		{[]string{"triage", "--reports"}, "--reports needs a value"},
		{[]string{"triage", "--dry-run=maybe"}, `--dry-run: want true or false, got "maybe"`},
		{[]string{"owner", "x"}, "did you mean owners?"},
	} {
		code, stdout, stderr := runCLI(t, nil, tc.args...)
		if code != ExitUsage || !strings.Contains(stderr, tc.want) {
			t.Errorf("%q: exit %d, stderr %q; want 2 and %q", tc.args, code, stderr, tc.want)
		}
		if strings.Contains(stderr, "Usage") || stdout != "" {
			t.Errorf("%q: printed usage on a mistake; stdout %q stderr %q", tc.args, stdout, stderr)
		}
	}
}

func TestVersionForms(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"--version"}, {"-version"}} {
		code, stdout, _ := runCLI(t, nil, args...)
		if code != ExitOK || stdout != "flake-triage test\n" {
			t.Errorf("%q: exit %d, %q", args, code, stdout)
		}
	}
}

func TestVersionString(t *testing.T) {
	stamped := &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "v1.2.3"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "0123456789abcdef0123456789abcdef01234567"},
		{Key: "vcs.time", Value: "2026-12-01T10:00:00Z"},
		{Key: "vcs.modified", Value: "false"},
	}}
	for _, tc := range []struct {
		linked string
		info   *debug.BuildInfo
		want   string
	}{
		{"v9.9.9", stamped, "flake-triage v9.9.9"},
		{"dev", stamped, "flake-triage v1.2.3 (0123456789ab, 2026-12-01T10:00:00Z) go1.26.0"},
		{"", &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "(devel)"}}, "flake-triage (devel) go1.26.0"},
		{"dev", &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261201100000-0123456789ab"}, Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "0123456789abcdef0123456789abcdef01234567"}, {Key: "vcs.modified", Value: "true"}}},
			"flake-triage v0.0.0-20261201100000-0123456789ab (modified)"},
		{"dev", nil, "flake-triage (unknown version)"},
	} {
		if got := versionString(tc.linked, tc.info, tc.info != nil); got != tc.want {
			t.Errorf("versionString(%q) = %q, want %q", tc.linked, got, tc.want)
		}
	}
}
