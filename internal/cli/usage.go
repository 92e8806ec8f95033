package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"regexp"
	"runtime/debug"
	"strings"

	"github.com/flake-triage/flake-triage/internal/config"
)

// errHelp is what parsing returns for -h and --help: usage goes to
// stdout and the exit code is 0, as Go's own commands do.
var errHelp = errors.New("help requested")

// flagGroups sorts the triage flags in the usage text: what to read,
// what to do, and where results go. A flag not listed is policy.
var flagGroups = map[string]string{
	"reports": "inputs", "repo-root": "inputs", "repo": "inputs", "token": "inputs", "api-url": "inputs",
	"config": "inputs", "logs": "inputs", "from-run": "inputs", "path-prefix": "inputs",
	"annotations": "output", "json": "output", "check-name": "output",
	"from-prow": "inputs", "prow-url": "inputs",
	"history": "history", "history-window": "history", "history-days": "history", "job-key": "history",
	"file-after": "history", "close-after": "history", "consistent-after": "history",
	"pr-comment": "output",
}

// groupTitles are the usage text's groups, in order.
var groupTitles = []struct{ key, title string }{
	{"inputs", "Inputs (what to read):"},
	{"policy", "Policy (what to do):"},
	{"history", "History (the run ledger, rates and verdicts):"},
	{"output", "Output (where results go):"},
}

// placeholders name the value a flag takes in the usage text (every flag
// that takes a value has one; TestHelp checks). Flags that are true or
// false take none.
var placeholders = map[string]string{
	"reports": "GLOB", "repo-root": "DIR", "repo": "OWNER/NAME", "token": "TOKEN", "api-url": "URL",
	"config": "FILE", "logs": "GLOB", "from-run": "RUN-ID", "path-prefix": "PATH", "mode": "auto|file|annotate",
	"max-new-issues": "N", "max-assignees": "N", "comment-interval": "DURATION", "reopen-window": "DURATION",
	"write-rate": "PER-SECOND", "expert-window": "DURATION", "max-mentions": "N", "annotations": "commands|checks|off", "json": "FILE", "check-name": "NAME",
	"infra-threshold": "FRACTION", "from-prow": "URL", "prow-url": "URL",
	"history": "branch:NAME|dir:PATH|off", "history-window": "N", "history-days": "N", "job-key": "KEY",
	"file-after": "N", "close-after": "N", "consistent-after": "N",
	"quarantine-label": "LABEL", "fail-on": "never|new|any",
}

// triageUsage writes the usage of `flake-triage triage`: every flag in
// its --flag form, grouped.
func triageUsage(w io.Writer) {
	fmt.Fprint(w, `Usage: flake-triage [triage] [flags]

Triage the JUnit reports of a CI run: find where each failing test failed
and who owns that code, annotate it and file or update one issue per test.
Every flag is also an input of the GitHub Action with the same name (and
the variable INPUT_<NAME>); a flag wins over an input, an input over the
config file, the config file over the default.
`)
	triageFlags(w)
}

// triageFlags writes the triage flags, grouped, and the exit codes.
func triageFlags(w io.Writer) {
	for _, g := range groupTitles {
		fmt.Fprintf(w, "\n%s\n", g.title)
		for _, name := range inputNames {
			if group := flagGroups[name]; group != g.key && (group != "" || g.key != "policy") {
				continue
			}
			writeFlag(w, name, usage[name])
		}
	}
	fmt.Fprint(w, `
Exit codes: 0 triage done, whatever the tests did (unless --fail-on says
otherwise); 1 it ran but something failed (an API write, an unreadable
report with --fail-on-report-error, no report with --require-reports, a
failure --fail-on names); 2 usage or configuration error, nothing was
done.
`)
}

// writeFlag writes one flag's usage lines: its --flag form, then its
// meaning indented below.
func writeFlag(w io.Writer, name, meaning string) {
	form := "--" + name
	if !boolNames[name] {
		p := placeholders[name]
		if p == "" {
			p = strings.ToUpper(name)
		}
		form += " " + p
	}
	fmt.Fprintf(w, "  %s\n", form)
	for _, line := range wrap(meaning, 70) {
		fmt.Fprintf(w, "        %s\n", line)
	}
}

// wrap breaks text into lines of at most width bytes, between words.
func wrap(text string, width int) []string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(text) {
		if line != "" && len(line)+1+len(word) > width {
			lines = append(lines, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += word
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}

// ownersUsage and demoUsage are the usage texts of those commands.
const ownersUsage = `Usage: flake-triage owners [flags] PATH...

Say who owns each path and why: which OWNERS files (Kubernetes rules) and
which CODEOWNERS line. Paths come as arguments or, when none are given,
one per line on stdin.

Flags:
  --repo-root DIR
        the repository root (default $GITHUB_WORKSPACE or .)
  --json
        print one JSON object per path, per line, in input order
`

const demoUsage = `Usage: flake-triage demo [flags]

A dry run over the sample repository built into the binary (a Cluster-API-
like monorepo with Ginkgo, gotestsum, go-junit-report, Jest, Mocha and
pytest reports), with a run ledger of three weeks of generated past runs
(in a temporary directory, removed afterwards) that gives each failure its
rate and verdict: no token, no network, no files needed.

Flags:
  --json FILE
        also write the JSON result to this file; - for stdout
`

// flag's messages, which name flags with one dash and speak of Go values.
var (
	undefinedFlag = regexp.MustCompile(`^flag provided but not defined: -+(.*)$`)
	missingValue  = regexp.MustCompile(`^flag needs an argument: -+(.*)$`)
	invalidValue  = regexp.MustCompile(`^invalid (?:boolean )?value "(.*)" for (?:flag )?-+([^:]*): (.*)$`)
)

// flagProblem turns the flag package's parse error into the tool's
// words: --flag forms, and for an unknown flag the nearest known one.
// cmd names the command for the pointer to its --help; names are its
// flags.
func flagProblem(err error, cmd string, names []string) error {
	if errors.Is(err, flag.ErrHelp) {
		return errHelp
	}
	msg := err.Error()
	if m := undefinedFlag.FindStringSubmatch(msg); m != nil {
		hint := ""
		if near := config.Nearest(m[1], names); near != "" {
			hint = fmt.Sprintf(" (did you mean --%s?)", near)
		}
		return usagef("unknown flag --%s%s; flake-triage %s --help lists the flags", m[1], hint, cmd)
	}
	if m := missingValue.FindStringSubmatch(msg); m != nil {
		return usagef("--%s needs a value", m[1])
	}
	if m := invalidValue.FindStringSubmatch(msg); m != nil {
		why := m[3]
		if strings.Contains(why, "strconv.ParseBool") || strings.Contains(why, "invalid syntax") {
			why = "want true or false"
		}
		return usagef("--%s: %s, got %q", m[2], why, m[1])
	}
	return UsageError{err}
}

// versionString is the version line: the linker's main.version when the
// build set one, else the module version Go recorded in the binary, with
// the commit (and "modified" for a dirty tree) when the build stamped it.
func versionString(linked string, info *debug.BuildInfo, ok bool) string {
	v := linked
	if v == "dev" {
		v = ""
	}
	if v != "" {
		return "flake-triage " + v
	}
	if !ok || info == nil {
		return "flake-triage (unknown version)"
	}
	v = info.Main.Version
	if v == "" {
		v = "(devel)"
	}
	var rev, when string
	modified := false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			when = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	var extra []string
	if rev != "" && !strings.Contains(v, rev[:min(12, len(rev))]) {
		extra = append(extra, rev[:min(12, len(rev))])
	}
	if when != "" && rev != "" {
		extra = append(extra, when)
	}
	if modified {
		extra = append(extra, "modified")
	}
	out := "flake-triage " + v
	if len(extra) > 0 {
		out += " (" + strings.Join(extra, ", ") + ")"
	}
	if info.GoVersion != "" {
		out += " " + info.GoVersion
	}
	return out
}
