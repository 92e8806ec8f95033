// Package e2e is the adversarial end-to-end suite: it builds the
// flake-triage binary once, runs it as a subprocess with the environment
// a GitHub Actions step has (command files, a real event payload, INPUT_*
// variables), against the stateful fake GitHub over loopback, and feeds it
// hostile reports, ownership files, test output and API faults. Every case
// asserts the end state: the issues and comments on the tracker, the exit
// code, the job summary and step outputs.
package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/tools/txtar"

	"github.com/flake-triage/flake-triage/internal/fakegithub"
	"github.com/flake-triage/flake-triage/internal/issue"
	"github.com/flake-triage/flake-triage/internal/triage"
)

// bin is the flake-triage binary built by TestMain.
var bin string

// samplePath is the bundled sample repository.
const samplePath = "../../testdata/capi-like.txtar"

// token is the workflow's token: it must never be printed.
const token = "ghs_e2eWorkflowToken0123456789abcdefABCDEF"

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "flake-triage-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := func() int {
		defer os.RemoveAll(dir)
		gomod, err := exec.Command("go", "env", "GOMOD").Output()
		if err != nil || strings.TrimSpace(string(gomod)) == "" || strings.TrimSpace(string(gomod)) == os.DevNull {
			fmt.Fprintf(os.Stderr, "e2e: find the module root with go env GOMOD: %v\n", err)
			return 1
		}
		bin = filepath.Join(dir, "flake-triage")
		build := exec.Command("go", "build", "-o", bin, "github.com/flake-triage/flake-triage")
		build.Dir = filepath.Dir(strings.TrimSpace(string(gomod)))
		if out, err := build.CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "e2e: build the binary: %v\n%s", err, out)
			return 1
		}
		return m.Run()
	}()
	os.Exit(code)
}

// extract writes the sample repository to a temporary directory, with
// overlay's files added or replaced (a nil value deletes the file).
func extract(t testing.TB, overlay map[string][]byte) string {
	t.Helper()
	a, err := txtar.ParseFile(samplePath)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, f := range a.Files {
		files[f.Name] = f.Data
	}
	for k, v := range overlay {
		if v == nil {
			delete(files, k)
			continue
		}
		files[k] = v
	}
	dir := t.TempDir()
	writeTree(t, dir, files)
	return dir
}

func writeTree(t testing.TB, dir string, files map[string][]byte) {
	t.Helper()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// newFake starts a fake GitHub for acme/capi-like that accepts token,
// with the sample's e2e owners assignable.
func newFake(t testing.TB) *fakegithub.Server {
	gh := fakegithub.New(t, "acme", "capi-like", token)
	gh.SetAssignable("heidi-e2e", "liam-e2e", "grace-test", "alice-admin", "bob-maint", "carol-maint")
	return gh
}

// step is the environment of one Actions step: run id, attempt 1, job e2e.
func step(t testing.TB, gh *fakegithub.Server, dir, event string, runID int) map[string]string {
	t.Helper()
	tmp := t.TempDir()
	payload, err := filepath.Abs(filepath.Join("testdata", "events", event+".json"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(payload); err != nil {
		t.Fatalf("no event payload for %s: %v", event, err)
	}
	env := map[string]string{
		"CI":                   "true",
		"GITHUB_ACTIONS":       "true",
		"GITHUB_EVENT_NAME":    event,
		"GITHUB_EVENT_PATH":    payload,
		"GITHUB_OUTPUT":        filepath.Join(tmp, "output"),
		"GITHUB_STEP_SUMMARY":  filepath.Join(tmp, "summary"),
		"GITHUB_WORKSPACE":     dir,
		"GITHUB_REPOSITORY":    "acme/capi-like",
		"GITHUB_SERVER_URL":    "https://github.com",
		"GITHUB_SHA":           "0123456789abcdef0123456789abcdef01234567",
		"GITHUB_REF":           "refs/heads/main",
		"GITHUB_RUN_ID":        fmt.Sprint(runID),
		"GITHUB_RUN_ATTEMPT":   "1",
		"GITHUB_JOB":           "e2e",
		"RUNNER_TEMP":          tmp,
		"INPUT_TOKEN":          token,
		"INPUT_REPORTS":        "reports/*.xml",
		"INPUT_MAX-NEW-ISSUES": "20",
		"INPUT_JSON":           filepath.Join(tmp, "result.json"),
		// Writes unpaced: cases that file dozens of issues stay fast.
		"INPUT_WRITE-RATE": "0",
	}
	if gh != nil {
		env["GITHUB_API_URL"] = gh.URL
	}
	for _, k := range []string{"GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY"} {
		if err := os.WriteFile(env[k], nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return env
}

// A Run is what one process of the binary left behind.
type Run struct {
	Code                             int
	Stdout, Stderr, Summary, Outputs string
	// Result is the JSON result, nil when none was written.
	Result *triage.Result
	Wall   time.Duration
	// MaxRSS is the process's peak resident set, in bytes (0 without
	// /usr/bin/time).
	MaxRSS int64
}

// All returns everything the run printed or wrote, for leak checks.
func (r Run) All() string { return r.Stdout + r.Stderr + r.Summary + r.Outputs }

// run runs the binary with exactly env (nothing of this process's
// environment leaks in but PATH and HOME) and args.
func run(t testing.TB, env map[string]string, args ...string) Run {
	t.Helper()
	return runIn(t, "", env, args...)
}

// runIn is run in the working directory dir ("" for this one).
func runIn(t testing.TB, dir string, env map[string]string, args ...string) Run {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	// /usr/bin/time measures the peak RSS of the binary alone: the
	// child's own rusage would include this test process's, which a
	// vfork-and-exec child inherits as its high-water mark.
	timeFile := filepath.Join(t.TempDir(), "time")
	cmd := exec.CommandContext(ctx, bin, args...)
	if _, err := os.Stat("/usr/bin/time"); err == nil {
		cmd = exec.CommandContext(ctx, "/usr/bin/time", append([]string{"-v", "-o", timeFile, bin}, args...)...)
	}
	cmd.Dir = dir
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "TMPDIR=" + os.TempDir()}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	err := cmd.Run()
	r := Run{Wall: time.Since(start), Stdout: out.String(), Stderr: errb.String(), Code: -1}
	if cmd.ProcessState != nil {
		r.Code = cmd.ProcessState.ExitCode()
	}
	if b, err := os.ReadFile(timeFile); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(strings.TrimSpace(line), "Maximum resident set size (kbytes): "); ok {
				kb, _ := strconv.ParseInt(v, 10, 64)
				r.MaxRSS = kb << 10
			}
		}
	}
	if ctx.Err() != nil {
		t.Fatalf("flake-triage %s did not finish in time; stderr:\n%s", strings.Join(args, " "), tail(r.Stderr))
	}
	if err != nil && r.Code < 0 {
		t.Fatalf("run flake-triage: %v", err)
	}
	r.Summary = readIf(env["GITHUB_STEP_SUMMARY"])
	r.Outputs = readIf(env["GITHUB_OUTPUT"])
	if p := env["INPUT_JSON"]; p != "" && p != "-" {
		if b, err := os.ReadFile(p); err == nil {
			var res triage.Result
			if err := json.Unmarshal(b, &res); err != nil {
				t.Fatalf("the JSON result is not JSON: %v", err)
			}
			r.Result = &res
		}
	}
	if strings.Contains(r.Stderr, "panic:") || strings.Contains(r.Stderr, "goroutine ") {
		t.Fatalf("flake-triage panicked:\n%s", tail(r.Stderr))
	}
	return r
}

func readIf(p string) string {
	if p == "" {
		return ""
	}
	b, _ := os.ReadFile(p)
	return string(b)
}

func tail(s string) string {
	if len(s) > 4000 {
		return "…" + s[len(s)-4000:]
	}
	return s
}

// noLeak fails when any of secrets appears in what the run printed or
// wrote, or in any issue, comment or request body on the fake. The one
// allowed occurrence is the runner's ::add-mask:: command for the token.
func noLeak(t testing.TB, r Run, gh *fakegithub.Server, secrets ...string) {
	t.Helper()
	all := strings.Replace(r.All(), "::add-mask::"+token+"\n", "", 1)
	if res, err := json.Marshal(r.Result); err == nil {
		all += string(res)
	}
	if gh != nil {
		for _, is := range gh.Issues() {
			all += is.Title + is.Body + strings.Join(is.Comments, "")
		}
		for _, q := range gh.Requests() {
			all += q.Body + q.Path
		}
	}
	for _, s := range secrets {
		if strings.Contains(all, s) {
			t.Errorf("the secret %.8s… was printed or posted", s)
		}
	}
}

// tracked is the tracker's state: for each id in a tool marker, the open
// issues that carry it and the occurrences (run/attempt/job) recorded in
// the open one.
type tracked struct {
	Open        int
	Occurrences []string
}

func trackerState(t testing.TB, gh *fakegithub.Server) map[string]tracked {
	t.Helper()
	out := map[string]tracked{}
	for _, is := range gh.Issues() {
		p, err := issue.Parse(is.Body)
		if !p.Found || is.State != "open" {
			continue
		}
		if err != nil {
			t.Errorf("issue #%d: %v", is.Number, err)
		}
		tr := out[p.ID]
		tr.Open++
		for _, o := range p.State.Runs {
			tr.Occurrences = append(tr.Occurrences, o.Key())
		}
		sort.Strings(tr.Occurrences)
		out[p.ID] = tr
	}
	return out
}

// wantTracked is one open issue per id, each holding the occurrences of
// runs (job e2e, attempt 1), each once.
func wantTracked(ids []string, runs ...int) map[string]tracked {
	var occ []string
	for _, r := range runs {
		occ = append(occ, fmt.Sprintf("%d/1/e2e", r))
	}
	sort.Strings(occ)
	out := map[string]tracked{}
	for _, id := range ids {
		out[id] = tracked{Open: 1, Occurrences: occ}
	}
	return out
}

// failingIDs returns the ids of the findings of a result.
func failingIDs(res *triage.Result) []string {
	var ids []string
	if res == nil {
		return nil
	}
	for _, f := range res.Findings {
		ids = append(ids, issue.CanonicalID(f.ID))
	}
	sort.Strings(ids)
	return ids
}

// output returns the step output name from a GITHUB_OUTPUT file.
func output(file, name string) string {
	// name<<DELIM\nvalue\nDELIM
	i := strings.Index(file, name+"<<")
	if i < 0 {
		return ""
	}
	rest := file[i+len(name)+2:]
	delim, rest, _ := strings.Cut(rest, "\n")
	v, _, _ := strings.Cut(rest, "\n"+delim)
	return v
}
