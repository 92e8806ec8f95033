package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/sethvargo/go-githubactions"

	"github.com/flake-triage/flake-triage/internal/quarantine"
)

// runQuarantined prints the quarantined tests: the open issues of the
// tool that carry the quarantine label, read with one listing, as JSON or
// as a ready skip pattern for one test runner. Flags and inputs as for
// triage: --repo, --token, --api-url, --config, --repo-root and
// --quarantine-label.
func runQuarantined(ctx context.Context, args []string, env Env) error {
	fs := flag.NewFlagSet("flake-triage quarantined", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	names := []string{"repo", "token", "api-url", "config", "repo-root", "quarantine-label"}
	raw := map[string]*string{}
	for _, n := range names {
		raw[n] = fs.String(n, "", usage[n])
	}
	format := fs.String("format", "json", "json, go (a go test -skip regexp), ginkgo (a ginkgo --skip regexp) or pytest (--deselect node ids, one a line)")
	if err := fs.Parse(args); err != nil {
		if err := flagProblem(err, "quarantined", append(names, "format")); err != errHelp {
			return err
		}
		fmt.Fprint(env.Stdout, quarantinedUsage)
		return nil
	}
	if fs.NArg() > 0 {
		return usagef("quarantined: unexpected argument %q", fs.Arg(0))
	}
	if !slices.Contains(quarantine.Formats, *format) {
		return usagef("quarantined: format must be json, go, ginkgo or pytest, got %q", *format)
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	gha := githubactions.New(githubactions.WithGetenv(env.Getenv))
	value := func(name string) string {
		if set[name] {
			return *raw[name]
		}
		return strings.TrimSpace(gha.GetInput(name))
	}
	o := Options{Repo: value("repo"), Token: value("token"), APIURL: value("api-url"), Config: value("config"),
		RepoRoot: value("repo-root"), QuarantineLabel: value("quarantine-label")}
	o.ConfigSet = o.Config != ""
	o.environmentDefaults(env.Getenv)
	if o.Repo == "" || o.Token == "" {
		return usagef("quarantined: needs the repository (--repo or GITHUB_REPOSITORY) and a token with issues: read (--token or GITHUB_TOKEN)")
	}
	r, err := openRepo(o.RepoRoot)
	if err != nil {
		return err
	}
	cfg, err := loadConfig(r, o)
	if err != nil {
		return err
	}
	cfg = o.apply(cfg)
	client, err := newTracker(o, env)
	if err != nil {
		return err
	}
	issues, err := client.Labelled(ctx, cfg.QuarantineLabel)
	if err != nil {
		return fmt.Errorf("quarantined: read issues labelled %q of %s: %w", cfg.QuarantineLabel, o.Repo, err)
	}
	tests, warnings := quarantine.FromIssues(issues, cfg.QuarantineLabel)
	for _, w := range warnings {
		fmt.Fprintf(env.Stderr, "flake-triage: warning: %s\n", w)
	}
	return printQuarantined(env, *format, tests)
}

// quarantinedUsage is the help of `flake-triage quarantined`.
const quarantinedUsage = `Usage: flake-triage quarantined [flags]

Print the quarantined tests: the open issues flake-triage filed that carry
the quarantine label, read with one listing; or a skip pattern for a test
runner.

Flags:
  --format json|go|ginkgo|pytest
        json (default): [{number, url, id, test}]; go: a go test -skip
        regexp; ginkgo: a ginkgo --skip regexp; pytest: node ids for
        --deselect, one a line
  --repo OWNER/NAME
        the repository (default $GITHUB_REPOSITORY)
  --token TOKEN
        a token with issues: read (default $GITHUB_TOKEN); never printed
  --api-url URL
        REST API base URL (default $GITHUB_API_URL or https://api.github.com)
  --config FILE
        the repository config file, for its quarantine-label (default
        .github/flake-triage.yaml when it exists)
  --repo-root DIR
        the checkout the config file is in (default $GITHUB_WORKSPACE or .)
  --quarantine-label LABEL
        the label that quarantines a test (default flake-triage/quarantine)
`

// printQuarantined writes the list in the format asked for, and says on
// stderr how many quarantined tests a runner's pattern leaves out because
// they are not that runner's tests.
func printQuarantined(env Env, format string, tests []quarantine.Test) error {
	var kept int
	switch format {
	case "json":
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(tests); err != nil {
			return fmt.Errorf("quarantined: write JSON: %w", err)
		}
		return nil
	case "go":
		fmt.Fprintln(env.Stdout, quarantine.GoSkip(tests))
		for _, t := range tests {
			if _, ok := quarantine.GoName(t.Test); ok {
				kept++
			}
		}
	case "ginkgo":
		fmt.Fprintln(env.Stdout, quarantine.GinkgoSkip(tests))
		for _, t := range tests {
			if _, ok := quarantine.GinkgoText(t.Test); ok {
				kept++
			}
		}
	case "pytest":
		for _, id := range quarantine.PytestDeselect(tests) {
			fmt.Fprintln(env.Stdout, id)
		}
		for _, t := range tests {
			if _, ok := quarantine.PytestNodeID(t.Test); ok {
				kept++
			}
		}
	}
	if n := len(tests) - kept; n > 0 {
		fmt.Fprintf(env.Stderr, "flake-triage: %d of %d quarantined tests are not %s tests and are not in the pattern\n", n, len(tests), format)
	}
	return nil
}
