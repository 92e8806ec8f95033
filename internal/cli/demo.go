package cli

import (
	"context"
	"flag"
	"fmt"
	"io"

	"golang.org/x/tools/txtar"
)

// runDemo is the main job, as a dry run, over the sample repository
// embedded in the binary: no token, no network, no files needed.
func runDemo(ctx context.Context, args []string, env Env) (int, error) {
	fs := flag.NewFlagSet("flake-triage demo", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	jsonOut := fs.String("json", "", "also write the JSON result to this file; - for stdout")
	if err := fs.Parse(args); err != nil {
		if err := flagProblem(err, "demo", []string{"json"}); err != errHelp {
			return ExitUsage, err
		}
		fmt.Fprint(env.Stdout, demoUsage)
		return ExitOK, nil
	}
	fsys, err := txtar.FS(txtar.Parse(env.Demo))
	if err != nil {
		return ExitFailed, fmt.Errorf("open the embedded sample: %w", err)
	}
	o, err := parseTriage([]string{"--dry-run", "--reports", "reports/*.xml", "--json", *jsonOut}, func(string) string { return "" }, env.Stderr)
	if err != nil {
		return ExitUsage, err
	}
	// The sample's 14 failing tests are more than the storm guard's
	// default of 10 new issues per run; the demo shows one issue each.
	demoMax := 20
	o.MaxNewIssues = &demoMax
	if *jsonOut != "-" {
		fmt.Fprintln(env.Stdout, "Dry run over the bundled capi-like sample (a Cluster-API-like monorepo with real Ginkgo, gotestsum,\n"+
			"go-junit-report, Jest, Mocha and pytest reports), with max-new-issues raised to 20 so that each failing\n"+
			"test shows its own issue (the default, 10, would file one storm issue for this run). Nothing is written.")
		fmt.Fprintln(env.Stdout)
	}
	return triageRepo(ctx, o, repo{fsys: fsys}, env)
}
