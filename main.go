// Command flake-triage reads JUnit reports after CI test jobs, finds where
// each failing test failed and who owns that code, and files or updates
// one issue per failing test. See README.md and docs/.
package main

import (
	"context"
	_ "embed"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/flake-triage/flake-triage/internal/cli"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// demo is the sample repository that `flake-triage demo` triages.
//
//go:embed testdata/capi-like.txtar
var demo []byte

// memoryLimit is the default soft memory limit (GOMEMLIMIT overrides it):
// the tool runs beside the test job on a CI machine, so the garbage
// collector keeps the heap small rather than letting it double; a run
// that needs more gets it, at the cost of more collection.
const memoryLimit = 48 << 20

func main() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
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
