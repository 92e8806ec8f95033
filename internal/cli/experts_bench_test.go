package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/flake-triage/flake-triage/internal/fakegithub"
	"github.com/flake-triage/flake-triage/internal/triage"
)

// expertsRepo writes a module with files test files in two packages,
// perFile failing tests in each, their OWNERS files and a report of them
// all; it returns the repository and the test files' paths.
func expertsRepo(t testing.TB, files, perFile int) (string, []string) {
	dir := t.TempDir()
	write := func(p, s string) {
		p = filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module example.com/m\n\ngo 1.24\n")
	write("OWNERS", "approvers: [lead1, lead2, lead3]\nreviewers: [rev1, rev2, rev3]\n")
	var paths []string
	var report strings.Builder
	report.WriteString("<testsuites>\n")
	for _, pkg := range []string{"a", "b"} {
		write("pkg/"+pkg+"/OWNERS", fmt.Sprintf("approvers: [%s-owner]\nreviewers: [%s-reviewer, rev1]\n", pkg, pkg))
		fmt.Fprintf(&report, "<testsuite name=\"example.com/m/pkg/%s\">\n", pkg)
		for i := range files / 2 {
			name := fmt.Sprintf("f%d_test.go", i)
			paths = append(paths, "pkg/"+pkg+"/"+name)
			var src strings.Builder
			fmt.Fprintf(&src, "package %s\n\nimport \"testing\"\n", pkg)
			for j := range perFile {
				line := strings.Count(src.String(), "\n") + 3
				fmt.Fprintf(&src, "\nfunc TestF%dCase%d(t *testing.T) {\n\tt.Fatal(\"boom\")\n}\n", i, j)
				fmt.Fprintf(&report, "<testcase classname=\"example.com/m/pkg/%s\" name=\"TestF%dCase%d\"><failure message=\"Failed\">    %s:%d: boom</failure></testcase>\n", pkg, i, j, name, line)
			}
			write("pkg/"+pkg+"/"+name, src.String())
		}
		report.WriteString("</testsuite>\n")
	}
	report.WriteString("</testsuites>\n")
	write("reports/junit.xml", report.String())
	return dir, paths
}

// BenchmarkExpertsCalls triages 200 failing tests over 40 test files in
// two directories against the fake GitHub, whose history has each file
// changed recently by one of six authors (two of whom GitHub cannot
// assign), and reports the API calls that routing adds: the commits API
// calls (one per distinct path, 40 files and 2 directories, none per
// repeated path) and, against the same run with expert-window 0, all the
// calls it adds. A dry run asks no assignability; a filing run asks,
// before creating each issue, once per login it would assign: about the
// commit authors instead of most of the OWNERS people it assigned before.
func BenchmarkExpertsCalls(b *testing.B) {
	dir, paths := expertsRepo(b, 40, 5)
	run := func(b *testing.B, args ...string) (commits, total int) {
		gh := fakegithub.New(b, "acme", "m", "ghs_secretvalue")
		var seed []fakegithub.SeedCommit
		for i, p := range paths {
			seed = append(seed, fakegithub.SeedCommit{Login: fmt.Sprintf("author%d", i%6), Date: time.Now().Add(-time.Duration(i+1) * 24 * time.Hour), Files: []string{p}})
		}
		gh.Seed("main", seed...)
		gh.SetAssignable("author0", "author1", "author2", "author3", "a-owner", "a-reviewer", "b-owner", "b-reviewer", "rev1")
		env := map[string]string{"GITHUB_REPOSITORY": "acme/m", "GITHUB_API_URL": gh.URL, "GITHUB_TOKEN": "ghs_secretvalue"}
		var out, errb bytes.Buffer
		b.StartTimer()
		code := Main(context.Background(), append([]string{"triage", "--repo-root", dir, "--reports", "reports/junit.xml", "--json", "-", "--max-new-issues", "1000"}, args...),
			Env{Getenv: func(k string) string { return env[k] }, Stdout: &out, Stderr: &errb, Version: "test", HTTPClient: &http.Client{Transport: onlyLoopback{}}})
		b.StopTimer()
		var res triage.Result
		if err := json.Unmarshal(out.Bytes(), &res); code != ExitOK || err != nil || len(res.Findings) != 200 {
			b.Fatalf("exit %d, %v, %d findings:\n%s", code, err, len(res.Findings), errb.String())
		}
		for _, f := range res.Findings {
			if p := f.Provenance[0]; slices.Contains(args, "0") != (p.Role != "recent-change") || p.Role == "recent-change" && p.File != f.Location.Path {
				b.Fatalf("%s: first reason %+v (args %v)", f.Test.Name, p, args)
			}
		}
		return gh.Count("GET", "/commits"), len(gh.Requests())
	}
	for _, mode := range []string{"dry-run", "file"} {
		b.Run(mode, func(b *testing.B) {
			args := []string{"--dry-run"}
			if mode == "file" {
				args = []string{"--mode", "file"}
			}
			b.StopTimer()
			_, base := run(b, append(args, "--expert-window", "0")...)
			var commits, total int
			for range b.N {
				commits, total = run(b, args...)
			}
			b.ReportMetric(float64(commits), "commits-calls/op")
			b.ReportMetric(float64(total-base), "extra-calls/op")
			if commits > 45 {
				b.Errorf("%d commits API calls, want under 45", commits)
			}
		})
	}
}
