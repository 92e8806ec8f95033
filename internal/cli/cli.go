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
	"strings"
	"time"
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
	cmd, rest := "triage", args
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, rest = args[0], args[1:]
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
		fmt.Fprintf(env.Stdout, "flake-triage %s\n", env.Version)
	case "help", "-h", "--help":
		fmt.Fprint(env.Stdout, helpText)
	default:
		err = usagef("unknown command %q (want triage, owners, quarantined, demo or version)", cmd)
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

const helpText = `flake-triage reads JUnit reports, finds where each failing test failed and
who owns that code, and files one issue per failing test.

usage:
  flake-triage [triage] [flags]        triage a run (flags: flake-triage triage -h)
  flake-triage owners [flags] PATH...  who owns these paths, and why
  flake-triage quarantined [--format json|go|ginkgo|pytest]
                                       the quarantined tests, or a skip pattern for a runner
  flake-triage demo [--json FILE|-]    a dry run over the bundled sample repository
  flake-triage version
`
