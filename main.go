// Command flake-triage reads JUnit reports after CI test jobs, finds where
// each failing test failed and who owns that code, and files or updates
// one issue per failing test. See README.md and SPEC.md.
package main

import (
	"context"
	_ "embed"
	"os"
	"os/signal"
	"syscall"

	"github.com/flake-triage/flake-triage/internal/cli"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// demo is the sample repository that `flake-triage demo` triages.
//
//go:embed testdata/capi-like.txtar
var demo []byte

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], cli.Env{
		Getenv:  os.Getenv,
		Stdin:   os.Stdin,
		Stdout:  os.Stdout,
		Stderr:  os.Stderr,
		Version: version,
		Demo:    demo,
	})
	stop()
	os.Exit(code)
}
