// Package cli is flake-triage's command line: it reads the inputs once,
// builds the real dependencies and runs the pipeline reports → failures →
// locations → owners → plan → apply → present.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/flake-triage/flake-triage/internal/config"
)

// Exit codes, as docs/commands.md documents them.
const (
	// ExitOK means triage was done, whatever the tests did.
	ExitOK = 0
	// ExitFailed means the run completed but something failed (an API
	// write, an unreadable report with fail-on-report-error).
	ExitFailed = 1
	// ExitUsage means a usage or configuration error: nothing was done.
	ExitUsage = 2
)

// Env is everything the command takes from the process, so that tests
// pass a map and buffers instead.
type Env struct {
	Getenv     func(string) string
	Stdin      io.Reader
	Stdout     io.Writer
	Stderr     io.Writer
	HTTPClient *http.Client
	Now        func() time.Time
	// Version is the build's version, set by the linker.
	Version string
	// Demo is the embedded sample repository (a txtar archive) that
	// `flake-triage demo` triages.
	Demo []byte
	// BuildInfo reads the module version and commit recorded in the
	// binary (runtime/debug.ReadBuildInfo when nil), for `version` when
	// the linker set no Version.
	BuildInfo func() (*debug.BuildInfo, bool)
}

// Main runs the command named by args (without the program name) and
// returns the process exit code.
func Main(ctx context.Context, args []string, env Env) int {
	if env.Getenv == nil {
		env.Getenv = func(string) string { return "" }
	}
	if env.Now == nil {
		env.Now = time.Now
	}
	if env.HTTPClient == nil {
		env.HTTPClient = &http.Client{Timeout: 60 * time.Second}
	}
	if env.BuildInfo == nil {
		env.BuildInfo = debug.ReadBuildInfo
	}
	cmd, rest := "triage", args
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, rest = args[0], args[1:]
	}
	if len(args) > 0 {
		switch args[0] {
		case "-h", "-help", "--help":
			cmd = "help"
		case "-version", "--version":
			cmd = "version"
		}
	}
	var err error
	code := ExitOK
	switch cmd {
	case "triage":
		code, err = runTriage(ctx, rest, env)
	case "demo":
		code, err = runDemo(ctx, rest, env)
	case "owners":
		err = runOwners(rest, env)
	case "quarantined":
		err = runQuarantined(ctx, rest, env)
	case "version":
		info, ok := env.BuildInfo()
		fmt.Fprintln(env.Stdout, versionString(env.Version, info, ok))
	case "help":
		fmt.Fprint(env.Stdout, helpText)
		fmt.Fprint(env.Stdout, "\nFlags of triage, the default command:\n")
		triageFlags(env.Stdout)
	default:
		hint := ""
		if near := config.Nearest(cmd, commands); near != "" {
			hint = fmt.Sprintf("did you mean %s? ", near)
		}
		err = usagef("unknown command %q (%swant %s; flake-triage --help says more)", cmd, hint, strings.Join(commands, ", "))
	}
	if err != nil {
		fmt.Fprintf(env.Stderr, "flake-triage: %v\n", err)
		var ue UsageError
		if errors.As(err, &ue) {
			return ExitUsage
		}
		return ExitFailed
	}
	return code
}

// commands are the commands Main knows, for suggestions.
var commands = []string{"triage", "owners", "quarantined", "demo", "version", "help"}

const helpText = `flake-triage reads JUnit reports, finds where each failing test failed and
who owns that code, and files one issue per failing test.

Usage:
  flake-triage [triage] [flags]        triage a run (flake-triage triage --help)
  flake-triage owners [flags] PATH...  who owns these paths, and why
  flake-triage quarantined [--format json|go|ginkgo|pytest]
                                       the quarantined tests, or a skip pattern for a runner
  flake-triage demo [--json FILE|-]    a dry run over the bundled sample repository
  flake-triage version                 print the version (also --version)
  flake-triage help                    print this help (also --help, -h)
`
