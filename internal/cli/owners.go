package cli

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"path"
	"path/filepath"
	"strings"

	"github.com/flake-triage/flake-triage/internal/owners"
	"github.com/flake-triage/flake-triage/internal/present"
)

// runOwners answers who owns each path, and why: which OWNERS files and
// which CODEOWNERS line. Paths come as arguments or, when none are given,
// one per line on stdin.
func runOwners(args []string, env Env) error {
	fs := flag.NewFlagSet("flake-triage owners", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	root := fs.String("repo-root", "", "the repository root (default $GITHUB_WORKSPACE or .)")
	asJSON := fs.Bool("json", false, "print one JSON object per path, per line, in input order")
	if err := fs.Parse(args); err != nil {
		if err := flagProblem(err, "owners", []string{"repo-root", "json"}); err != errHelp {
			return err
		}
		fmt.Fprint(env.Stdout, ownersUsage)
		return nil
	}
	if *root == "" {
		*root = env.Getenv("GITHUB_WORKSPACE")
	}
	if *root == "" {
		*root = "."
	}
	r, err := openRepo(*root)
	if err != nil {
		return err
	}
	paths := fs.Args()
	if len(paths) == 0 && env.Stdin != nil {
		sc := bufio.NewScanner(env.Stdin)
		sc.Buffer(make([]byte, 64*1024), 1024*1024)
		for sc.Scan() {
			if p := strings.TrimSpace(sc.Text()); p != "" {
				paths = append(paths, p)
			}
		}
		if err := sc.Err(); err != nil {
			return fmt.Errorf("read paths from stdin: %w", err)
		}
	}
	if len(paths) == 0 {
		return usagef("owners: no paths given (as arguments or on stdin)")
	}
	clean := make([]string, len(paths))
	for i, p := range paths {
		clean[i] = repoPath(p)
	}
	// Only the OWNERS files above the paths asked about are read.
	res, warnings := owners.LoadFor(r.fsys, clean, owners.Options{})
	for _, w := range warnings {
		fmt.Fprintf(env.Stderr, "flake-triage: warning: %v\n", w)
	}
	out := bufio.NewWriter(env.Stdout)
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	for i, p := range paths {
		o := res.Owners(clean[i])
		o.Path = p
		if *asJSON {
			if err := enc.Encode(o); err != nil {
				return err
			}
			continue
		}
		present.Owners(out, o)
	}
	return out.Flush()
}

// repoPath turns a user's path into the '/'-separated repo-relative form.
func repoPath(p string) string {
	p = path.Clean(filepath.ToSlash(p))
	return strings.TrimPrefix(p, "./")
}
