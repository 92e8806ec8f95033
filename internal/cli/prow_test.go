package cli

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"
	"golang.org/x/tools/txtar"

	"github.com/flake-triage/flake-triage/internal/fakegithub"
	"github.com/flake-triage/flake-triage/internal/prow/prowtest"
	"github.com/flake-triage/flake-triage/internal/triage"
)

const (
	prowBase  = "1111111111111111111111111111111111111111"
	prowPull  = "2222222222222222222222222222222222222222"
	prowMerge = "3333333333333333333333333333333333333333"
	// capiLogs are the management cluster's controller logs, as the
	// Cluster API config example in docs/prow.md picks them.
	capiLogs = "artifacts/clusters/bootstrap/logs/**/manager.log"
)

// coreLog is the core controller's klog output: errors from
// controllers/machine_controller.go around the e2e failures (14:55:20 on
// 2026-11-27) and one long before.
const coreLog = "" +
	"I1127 14:30:00.000000       1 main.go:12] \"Starting manager\"\n" +
	"E1127 14:40:00.000000       1 machine_controller.go:29] \"too early\" err=\"old\"\n" +
	"E1127 14:55:10.000000       1 machine_controller.go:33] \"Reconciler error\" err=\"infrastructure not ready\" controller=\"machine\" Machine=\"default/quick-start-md-2\"\n" +
	"E1127 14:55:19.500000       1 machine_controller.go:33] \"Reconciler error\" err=\"infrastructure not ready\" controller=\"machine\" Machine=\"default/quick-start-md-2\"\n" +
	"I1127 14:55:19.600000       1 machine_controller.go:29] \"info is not an error\"\n"

// capiRun lays out a Cluster API e2e job run with the sample's reports at
// Prow's paths (the e2e suite's junit.e2e_suite.1.xml, unit reports
// beside it, one stored with Content-Encoding: gzip, one as gzip bytes),
// every provider's manager.log in the bootstrap cluster, and the other
// artifacts a run has.
func capiRun(t *testing.T, typ string) prowtest.Run {
	t.Helper()
	a, err := txtar.ParseFile(samplePath)
	if err != nil {
		t.Fatal(err)
	}
	rep := map[string][]byte{}
	for _, f := range a.Files {
		rep[f.Name] = f.Data
	}
	r := prowtest.Run{Type: typ, Job: "periodic-cluster-api-e2e-main", BuildID: "1861234567890123456",
		Org: "acme", Repo: "capi-like", BaseRef: "main", BaseSHA: prowBase,
		Started: time.Date(2026, 11, 27, 13, 30, 0, 0, time.UTC), Result: "FAILURE"}
	if typ == "presubmit" {
		r.Job, r.BuildID, r.PR, r.Author, r.PullSHA, r.MergeSHA = "pull-cluster-api-e2e-main", "1861234567890129999", 4242, "octo-dev", prowPull, prowMerge
	}
	r.Files = map[string]prowtest.File{
		"artifacts/junit.e2e_suite.1.xml":                                         {Content: rep["reports/ginkgo-e2e.xml"]},
		"artifacts/junit.unit.xml":                                                {Content: rep["reports/gotestsum-unit.xml"], Encoding: "gzip"},
		"artifacts/junit.controllers.xml":                                         {Content: rep["reports/gotestsum-controllers.xml"], Encoding: "gzip-bytes"},
		"artifacts/localhost/docker.log":                                          {Content: []byte("time=\"2026-11-27T14:00:00Z\" level=info msg=\"docker up\"\n")},
		"artifacts/localhost/README.md":                                           {Content: []byte("Logs of the machine that ran the tests.\n")},
		"artifacts/metadata.json":                                                 {Content: []byte("{}")},
		"artifacts/repository/clusterctl-config.yaml":                             {Content: []byte("providers: []\n")},
		"artifacts/clusters/bootstrap/resources/default/Cluster/quick-start.yaml": {Content: []byte("kind: Cluster\n")},
		"artifacts/clusters/quick-start/machines/quick-start-md-2/kubelet.log":    {Content: []byte("E1127 14:55:15.000000 1 kubelet.go:1] \"not a controller\"\n")},
		"artifacts/clusters/bootstrap/metrics/capi-system/capi-controller-manager/capi-controller-manager-7d9f8c6b5d-x2k4p/metrics.txt": {Content: []byte("# HELP\n")},
	}
	for i, p := range prowtest.Providers {
		f := prowtest.File{Content: []byte("I1127 14:55:00.000000       1 controller.go:10] \"Reconciling\"\n")}
		if i == 0 {
			f = prowtest.File{Content: []byte(coreLog), Encoding: "gzip-bytes"}
		}
		r.Files[prowtest.ManagerLog(p)] = f
		r.Files[filepath.ToSlash(filepath.Join(filepath.Dir(prowtest.ManagerLog(p)), "manager-log-metadata.json"))] = prowtest.File{Content: prowtest.LogMetadata(p)}
	}
	return r
}

// localCopy writes the run's artifacts into the checkout dir at the same
// relative paths, as triaging the same files locally would read them.
func localCopy(t *testing.T, r prowtest.Run, dir string) {
	t.Helper()
	for name, f := range r.Files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Content, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func decode(t *testing.T, stdout string) triage.Result {
	t.Helper()
	var res triage.Result
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatalf("stdout is not the JSON result: %v\n%s", err, stdout)
	}
	return res
}

// TestFromProwSameAsLocal: the three URL forms of a run give the findings
// and report counts of the same files triaged locally, with the
// controller log errors correlated and the job page in the JSON and plan.
func TestFromProwSameAsLocal(t *testing.T) {
	run := capiRun(t, "periodic")
	srv := prowtest.Serve(t, run.Objects())
	local := extractSample(t)
	localCopy(t, run, local)
	code, stdout, stderr := runCLI(t, nil, "triage", "--dry-run", "--repo-root", local, "--reports", "artifacts/**/junit*.xml", "--logs", capiLogs, "--json", "-")
	if code != ExitOK {
		t.Fatalf("local: exit %d\n%s", code, stderr)
	}
	want := decode(t, stdout)
	if len(want.Findings) == 0 || want.Reports.Tests == 0 {
		t.Fatalf("the local triage found nothing: %+v", want.Reports)
	}
	correlated := 0
	for _, f := range want.Findings {
		correlated += len(f.Correlated)
	}
	if correlated == 0 {
		t.Fatal("no correlated log group locally")
	}
	env := map[string]string{"STORAGE_EMULATOR_HOST": prowtest.Host(srv)}
	checkout := extractSample(t)
	published, closed := resultSchemas(t)
	for _, u := range []string{
		run.JobPage(),
		"https://gcsweb.k8s.io/gcs/" + prowtest.Bucket + "/" + run.Folder() + "/",
		"gs://" + prowtest.Bucket + "/" + run.Folder(),
	} {
		t.Run(u[:strings.Index(u, ":")+8], func(t *testing.T) {
			code, stdout, stderr := runCLI(t, env, "triage", "--dry-run", "--repo-root", checkout, "--from-prow", u, "--logs", capiLogs, "--json", "-")
			if code != ExitOK {
				t.Fatalf("exit %d\n%s", code, stderr)
			}
			got := decode(t, stdout)
			validateResult(t, u, stdout, published, closed)
			if diff := cmp.Diff(want.Findings, got.Findings); diff != "" {
				t.Errorf("findings (-local +from-prow):\n%s", diff)
			}
			if diff := cmp.Diff(want.Reports, got.Reports); diff != "" {
				t.Errorf("reports (-local +from-prow):\n%s", diff)
			}
			wantProw := &triage.Prow{Job: run.Job, BuildID: run.BuildID, ProwJobID: "d2c4f3a1-6b7e-4f0a-9c1d-3e5f7a9b1c2d", Type: "periodic",
				Repo: "acme/capi-like", BaseRef: "main", Commit: prowBase, URL: run.JobPage(), Folder: "gs://" + prowtest.Bucket + "/" + run.Folder()}
			if diff := cmp.Diff(wantProw, got.Prow); diff != "" {
				t.Errorf("prow (-want +got):\n%s", diff)
			}
			if len(got.Errors) > 0 {
				t.Errorf("errors: %q", got.Errors)
			}
			if !strings.Contains(stderr, run.JobPage()) {
				t.Errorf("the plan does not link the job page:\n%s", stderr)
			}
			if !strings.Contains(stderr, "prow: [") {
				t.Errorf("no progress lines:\n%s", stderr)
			}
		})
	}
}

// TestFromProwFilesWithProwLinks files the periodic's failures; the issues
// link the job page and the commit, and a second triage of the same run
// changes nothing.
func TestFromProwFilesWithProwLinks(t *testing.T) {
	run := capiRun(t, "periodic")
	srv := prowtest.Serve(t, run.Objects())
	gh := fakegithub.New(t, "acme", "capi-like", "ghs_secretvalue")
	env := map[string]string{"STORAGE_EMULATOR_HOST": prowtest.Host(srv), "GITHUB_TOKEN": "ghs_secretvalue"}
	args := []string{"triage", "--repo-root", extractSample(t), "--from-prow", run.JobPage(), "--logs", capiLogs,
		"--reports", "artifacts/junit.e2e_suite.1.xml", "--repo", "acme/capi-like", "--api-url", gh.URL, "--mode", "file", "--json", "-"}
	code, stdout, stderr := runCLI(t, env, args...)
	if code != ExitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	res := decode(t, stdout)
	if res.Mode != "file" || len(res.Findings) == 0 {
		t.Fatalf("mode %s, %d findings", res.Mode, len(res.Findings))
	}
	issues := gh.Issues()
	if len(issues) != len(res.Findings) {
		t.Fatalf("%d issues for %d findings", len(issues), len(res.Findings))
	}
	for _, is := range issues {
		for _, want := range []string{"](" + run.JobPage() + ")", "https://github.com/acme/capi-like/commit/" + prowBase, run.Job, run.BuildID} {
			if !strings.Contains(is.Body, want) {
				t.Errorf("issue #%d lacks %s:\n%s", is.Number, want, is.Body)
			}
		}
		if !strings.Contains(is.Body, "| 2026-11-27 13:30 UTC |") {
			t.Errorf("issue #%d does not record the run's start time:\n%s", is.Number, is.Body)
		}
		if !strings.Contains(is.Body, "https://github.com/acme/capi-like/blob/"+prowBase+"/") {
			t.Errorf("issue #%d does not link the failing line at the run's commit", is.Number)
		}
	}
	writes := gh.Writes()
	code, _, stderr = runCLI(t, env, args...)
	if code != ExitOK || gh.Writes() != writes {
		t.Errorf("re-triage: exit %d, %d more writes\n%s", code, gh.Writes()-writes, stderr)
	}
}

// TestFromProwPresubmitPlansOnly: under --mode auto a presubmit's run
// plans and files nothing; its commit is the pull request's head, not
// the merge commit started.json names.
func TestFromProwPresubmitPlansOnly(t *testing.T) {
	run := capiRun(t, "presubmit")
	srv := prowtest.Serve(t, run.Objects())
	gh := fakegithub.New(t, "acme", "capi-like", "ghs_secretvalue")
	env := map[string]string{"STORAGE_EMULATOR_HOST": prowtest.Host(srv), "GITHUB_TOKEN": "ghs_secretvalue"}
	code, stdout, stderr := runCLI(t, env, "triage", "--repo-root", extractSample(t), "--from-prow", run.JobPage(),
		"--repo", "acme/capi-like", "--api-url", gh.URL, "--json", "-")
	if code != ExitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	res := decode(t, stdout)
	if res.Mode != "annotate" || gh.Writes() != 0 || len(res.Findings) == 0 {
		t.Errorf("mode %s, %d writes, %d findings", res.Mode, gh.Writes(), len(res.Findings))
	}
	if res.Prow == nil || res.Prow.Commit != prowPull || res.Prow.PR != 4242 || res.Prow.Type != "presubmit" ||
		!strings.Contains(res.Prow.URL, "/pr-logs/pull/acme_capi-like/4242/pull-cluster-api-e2e-main/") {
		t.Errorf("prow %+v", res.Prow)
	}
	if strings.Contains(stdout+stderr, prowMerge) {
		t.Error("the local merge commit is named")
	}
}

// TestFromProwHostile: a run folder with hostile objects is triaged from
// what is left, each refusal named; unreadable buckets and an endless
// listing are errors of the result, not crashes.
func TestFromProwHostile(t *testing.T) {
	run := capiRun(t, "periodic")
	run.Files["artifacts/../../../../tmp/junit_escape.xml"] = prowtest.File{Content: []byte("<testsuite/>")}
	run.Files[`artifacts/junit\..\..\evil.xml`] = prowtest.File{Content: []byte("<testsuite/>")}
	run.Files["artifacts/junit_link.xml"] = prowtest.File{Content: []byte("gs://elsewhere/x"), Metadata: map[string]string{"link": "gs://elsewhere/x"}}
	run.Files["artifacts/junit_huge.xml"] = prowtest.File{Content: []byte(strings.Repeat("<!-- padding -->", 1<<16))}
	run.Files["artifacts/junit_cut.xml"] = prowtest.File{Content: gzipped(t, strings.Repeat("<testsuite/>", 1000))[:100], Encoding: "stored-gzip"}
	srv := prowtest.Serve(t, run.Objects())
	saved := prowLimits
	prowLimits.MaxObjectBytes = 512 << 10
	t.Cleanup(func() { prowLimits = saved })
	env := map[string]string{"STORAGE_EMULATOR_HOST": prowtest.Host(srv)}
	checkout := extractSample(t)
	code, stdout, stderr := runCLI(t, env, "triage", "--dry-run", "--repo-root", checkout, "--from-prow", run.JobPage(), "--logs", capiLogs, "--json", "-")
	if code != ExitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	res := decode(t, stdout)
	if len(res.Findings) == 0 || len(res.Findings[0].Correlated) == 0 {
		t.Errorf("the rest of the triage did not go on: %d findings", len(res.Findings))
	}
	errs := strings.Join(res.Errors, "\n")
	for name, why := range map[string]string{
		"junit_escape.xml": "would leave", `evil.xml`: "would leave", "junit_link.xml": "a link",
		"junit_huge.xml": "limit per object", "junit_cut.xml": "truncated or corrupt",
	} {
		found := false
		for _, e := range res.Errors {
			found = found || strings.Contains(e, name) && strings.Contains(e, why)
		}
		if !found {
			t.Errorf("no error names %s (%s):\n%s", name, why, errs)
		}
	}
	if _, err := os.Stat("/tmp/junit_escape.xml"); err == nil {
		t.Error("an object was written outside the temporary folder")
	}

	// A bucket that does not exist, one that is private, a listing
	// that never ends.
	private := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusForbidden)
		w.Write([]byte(`{"error":{"code":403,"message":"Anonymous caller does not have storage.objects.list access"}}`))
	}))
	defer private.Close()
	for _, tc := range []struct{ name, host, url, want string }{
		{"404", prowtest.Host(srv), "gs://no-such-bucket/logs/j/1", "404"},
		{"403", strings.TrimPrefix(private.URL, "http://"), "gs://private-bucket/logs/j/1", "403 Forbidden: Anonymous caller"},
	} {
		code, stdout, stderr := runCLI(t, map[string]string{"STORAGE_EMULATOR_HOST": tc.host}, "triage", "--dry-run", "--repo-root", checkout, "--from-prow", tc.url, "--json", "-")
		res := decode(t, stdout)
		if code != ExitFailed || !strings.Contains(strings.Join(res.Errors, "\n"), tc.want) || !strings.Contains(strings.Join(res.Errors, "\n"), strings.TrimPrefix(tc.url, "gs://")) {
			t.Errorf("%s: exit %d, errors %q\n%s", tc.name, code, res.Errors, stderr)
		}
	}
	prowPageSize, prowMaxPages = 5, 2
	t.Cleanup(func() { prowPageSize, prowMaxPages = 1000, 100 })
	code, stdout, _ = runCLI(t, env, "triage", "--dry-run", "--repo-root", checkout, "--from-prow", run.JobPage(), "--json", "-")
	res = decode(t, stdout)
	if code != ExitOK || !strings.Contains(strings.Join(res.Errors, "\n"), "more than 2 pages") {
		t.Errorf("endless listing: exit %d, errors %q", code, res.Errors)
	}
}

// TestFromProwBadURL: a URL of another shape is a usage error naming it.
func TestFromProwBadURL(t *testing.T) {
	for _, u := range []string{"https://github.com/acme/capi-like/actions/runs/1", "gs://x", "kubernetes-ci-logs/logs/j/1"} {
		code, _, stderr := runCLI(t, nil, "triage", "--from-prow", u)
		if code != ExitUsage || !strings.Contains(stderr, u) {
			t.Errorf("%s: exit %d\n%s", u, code, stderr)
		}
	}
}

// TestInsideProw runs as a step of a Prow job would, with the variables
// Prow's pod utilities set and a real JOB_SPEC: a periodic files with
// Prow links, the repository coming from the spec's refs and the reports
// from $ARTIFACTS; a presubmit only plans.
func TestInsideProw(t *testing.T) {
	for _, typ := range []string{"periodic", "presubmit"} {
		t.Run(typ, func(t *testing.T) {
			run := capiRun(t, typ)
			logsDir := t.TempDir() // Prow's /logs
			localCopy(t, run, logsDir)
			gh := fakegithub.New(t, "acme", "capi-like", "ghs_secretvalue")
			env := map[string]string{
				"JOB_SPEC": run.JobSpec(), "PROW_JOB_ID": "d2c4f3a1-6b7e-4f0a-9c1d-3e5f7a9b1c2d", "JOB_NAME": run.Job,
				"JOB_TYPE": typ, "BUILD_ID": run.BuildID, "ARTIFACTS": filepath.Join(logsDir, "artifacts"),
				"GITHUB_TOKEN": "ghs_secretvalue",
			}
			checkout := extractSample(t)
			// clonerefs' checkout of main: a periodic's commit, which its
			// JOB_SPEC lacks, comes from there.
			writeFile(t, filepath.Join(checkout, ".git", "HEAD"), "ref: refs/heads/main\n")
			writeFile(t, filepath.Join(checkout, ".git", "packed-refs"), "# pack-refs with: peeled fully-peeled sorted\n"+prowBase+" refs/heads/main\n")
			code, stdout, stderr := runCLI(t, env, "triage", "--repo-root", checkout, "--api-url", gh.URL, "--logs", capiLogs, "--json", "-")
			if code != ExitOK {
				t.Fatalf("exit %d\n%s", code, stderr)
			}
			res := decode(t, stdout)
			published, closed := resultSchemas(t)
			validateResult(t, typ, stdout, published, closed)
			if res.Prow == nil || res.Prow.URL != run.JobPage() || res.Prow.Job != run.Job {
				t.Fatalf("prow %+v", res.Prow)
			}
			if res.Reports.Tests == 0 || len(res.Findings) == 0 || len(res.Findings[0].Correlated) == 0 {
				t.Errorf("reports %+v, %d findings, correlated %v", res.Reports, len(res.Findings), res.Findings)
			}
			if typ == "presubmit" {
				if res.Mode != "annotate" || gh.Writes() != 0 || res.Prow.Commit != prowPull {
					t.Errorf("presubmit: mode %s, %d writes, commit %s", res.Mode, gh.Writes(), res.Prow.Commit)
				}
				return
			}
			if res.Mode != "file" || len(gh.Issues()) != len(res.Findings) {
				t.Fatalf("mode %s, %d issues for %d findings\n%s", res.Mode, len(gh.Issues()), len(res.Findings), stderr)
			}
			if res.Prow.Commit != prowBase {
				t.Errorf("periodic commit %q, want the checkout's", res.Prow.Commit)
			}
			for _, is := range gh.Issues() {
				if !strings.Contains(is.Body, "https://github.com/acme/capi-like/commit/"+prowBase) {
					t.Errorf("issue #%d does not link the commit:\n%s", is.Number, is.Body)
				}
				if !strings.Contains(is.Body, "]("+run.JobPage()+")") {
					t.Errorf("issue #%d does not link the job page:\n%s", is.Number, is.Body)
				}
			}
		})
	}
}

func gzipped(t *testing.T, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.Bytes()
}

// TestProwURLPrecedence: job page links name the deck of --prow-url, else
// of the config's prow-url, else prow.k8s.io.
func TestProwURLPrecedence(t *testing.T) {
	run := capiRun(t, "periodic")
	srv := prowtest.Serve(t, run.Objects())
	checkout := extractSample(t)
	if err := os.MkdirAll(filepath.Join(checkout, ".github"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(checkout, ".github", "flake-triage.yaml"), []byte("prow-url: https://prow.example.com\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"STORAGE_EMULATOR_HOST": prowtest.Host(srv)}
	for _, tc := range []struct {
		args []string
		deck string
	}{
		{nil, "https://prow.example.com"},
		{[]string{"--prow-url", "https://deck.internal.example/"}, "https://deck.internal.example"},
	} {
		args := append([]string{"triage", "--dry-run", "--repo-root", checkout, "--from-prow", "gs://" + prowtest.Bucket + "/" + run.Folder(), "--json", "-"}, tc.args...)
		code, stdout, stderr := runCLI(t, env, args...)
		if code != ExitOK {
			t.Fatalf("exit %d\n%s", code, stderr)
		}
		if res := decode(t, stdout); res.Prow == nil || res.Prow.URL != tc.deck+"/view/gs/"+prowtest.Bucket+"/"+run.Folder() {
			t.Errorf("%v: prow %+v", tc.args, res.Prow)
		}
	}
	if code, _, stderr := runCLI(t, nil, "triage", "--prow-url", "prow.k8s.io"); code != ExitUsage || !strings.Contains(stderr, "prow-url") {
		t.Errorf("a deck without scheme: exit %d\n%s", code, stderr)
	}
}

// TestProwExample checks examples/prow-periodic.yaml: a periodic of
// Cluster API whose script runs flake-triage after the suite with the
// token from a secret, and whose JOB_SPEC (as Prow's pod utilities would
// write it for this job) names the repository and the job page.
func TestProwExample(t *testing.T) {
	var cfg struct {
		Periodics []struct {
			Name      string           `yaml:"name"`
			Decorate  bool             `yaml:"decorate"`
			ExtraRefs []map[string]any `yaml:"extra_refs"`
			Spec      struct {
				Containers []struct {
					Args []string `yaml:"args"`
					Env  []struct {
						Name      string `yaml:"name"`
						ValueFrom *struct {
							SecretKeyRef struct{ Name, Key string } `yaml:"secretKeyRef"`
						} `yaml:"valueFrom"`
					} `yaml:"env"`
				} `yaml:"containers"`
			} `yaml:"spec"`
		} `yaml:"periodics"`
	}
	if err := yaml.Unmarshal(mustRead(t, "../../examples/prow-periodic.yaml"), &cfg); err != nil {
		t.Fatal(err)
	}
	if len(cfg.Periodics) != 1 || !cfg.Periodics[0].Decorate || len(cfg.Periodics[0].Spec.Containers) != 1 {
		t.Fatalf("%+v", cfg)
	}
	p := cfg.Periodics[0]
	c := p.Spec.Containers[0]
	if script := strings.Join(c.Args, " "); !strings.Contains(script, "ci-e2e.sh") || !strings.Contains(script, "flake-triage") || !strings.Contains(script, `exit "${rc}"`) {
		t.Errorf("the script does not run the suite, then flake-triage, keeping the suite's exit code:\n%s", script)
	}
	secret := false
	for _, e := range c.Env {
		secret = secret || e.Name == "GITHUB_TOKEN" && e.ValueFrom != nil && e.ValueFrom.SecretKeyRef.Name != ""
	}
	if !secret {
		t.Error("GITHUB_TOKEN does not come from a secret")
	}
	spec, err := json.Marshal(map[string]any{
		"type": "periodic", "job": p.Name, "buildid": "1861234567890123456", "prowjobid": "d2c4f3a1-6b7e-4f0a-9c1d-3e5f7a9b1c2d",
		"extra_refs": p.ExtraRefs,
		"decoration_config": map[string]any{"gcs_configuration": map[string]any{
			"bucket": "kubernetes-ci-logs", "path_strategy": "legacy", "default_org": "kubernetes", "default_repo": "kubernetes"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"JOB_SPEC": string(spec), "PROW_JOB_ID": "d2c4f3a1-6b7e-4f0a-9c1d-3e5f7a9b1c2d", "BUILD_ID": "1861234567890123456", "JOB_NAME": p.Name}
	o, err := parseTriage(nil, func(k string) string { return env[k] }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if o.Repo != "kubernetes-sigs/cluster-api" {
		t.Errorf("repo %q from the example's JOB_SPEC", o.Repo)
	}
	j, ok, err := prowEnv(func(k string) string { return env[k] }, "")
	if !ok || err != nil || j.URL != "https://prow.k8s.io/view/gs/kubernetes-ci-logs/logs/periodic-cluster-api-e2e-main/1861234567890123456" {
		t.Errorf("job page %q (%v %v)", j.URL, ok, err)
	}
}

func TestHeadCommit(t *testing.T) {
	dir := t.TempDir()
	r, err := openRepo(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := headCommit(r.fsys); got != "" {
		t.Errorf("no .git: %q", got)
	}
	writeFile(t, filepath.Join(dir, ".git", "HEAD"), prowPull+"\n")
	if got := headCommit(r.fsys); got != prowPull {
		t.Errorf("detached: %q", got)
	}
	writeFile(t, filepath.Join(dir, ".git", "HEAD"), "ref: refs/heads/main\n")
	writeFile(t, filepath.Join(dir, ".git", "refs", "heads", "main"), prowBase+"\n")
	if got := headCommit(r.fsys); got != prowBase {
		t.Errorf("loose ref: %q", got)
	}
	writeFile(t, filepath.Join(dir, ".git", "refs", "heads", "main"), "garbage\n")
	if got := headCommit(r.fsys); got != "" {
		t.Errorf("garbled ref: %q", got)
	}
}

// TestFromProwGzNames: objects that kept their .gz suffix are read
// gunzipped, whether the globs name them with the suffix or without.
func TestFromProwGzNames(t *testing.T) {
	run := capiRun(t, "periodic")
	e2e := run.Files["artifacts/junit.e2e_suite.1.xml"].Content
	delete(run.Files, "artifacts/junit.e2e_suite.1.xml")
	run.Files["artifacts/junit.e2e_suite.1.xml.gz"] = prowtest.File{Content: gzipped(t, string(e2e))}
	core := prowtest.ManagerLog(prowtest.Providers[0])
	run.Files[core+".gz"] = prowtest.File{Content: gzipped(t, coreLog)}
	delete(run.Files, core)
	srv := prowtest.Serve(t, run.Objects())
	env := map[string]string{"STORAGE_EMULATOR_HOST": prowtest.Host(srv)}
	checkout := extractSample(t)
	for _, globs := range [][]string{
		{"--reports", "artifacts/junit.e2e_suite.1.xml.gz", "--logs", capiLogs + ".gz"},
		{"--reports", "artifacts/junit.e2e_suite.1.xml", "--logs", capiLogs},
	} {
		code, stdout, stderr := runCLI(t, env, append([]string{"triage", "--dry-run", "--repo-root", checkout, "--from-prow", run.JobPage(), "--json", "-"}, globs...)...)
		if code != ExitOK {
			t.Fatalf("exit %d\n%s", code, stderr)
		}
		res := decode(t, stdout)
		if len(res.Findings) == 0 || len(res.Findings[0].Correlated) == 0 || res.Findings[0].Correlated[0].Log != core {
			t.Errorf("%v: %d findings, errors %q", globs, len(res.Findings), res.Errors)
		}
	}
}

// TestFromProwNoReports: a run folder whose artifacts hold no report says
// so, naming the globs and the run.
func TestFromProwNoReports(t *testing.T) {
	run := capiRun(t, "periodic")
	srv := prowtest.Serve(t, run.Objects())
	code, stdout, stderr := runCLI(t, map[string]string{"STORAGE_EMULATOR_HOST": prowtest.Host(srv)},
		"triage", "--dry-run", "--repo-root", extractSample(t), "--from-prow", run.JobPage(), "--reports", "artifacts/nothing-*.xml", "--json", "-")
	res := decode(t, stdout)
	want := `no report matched "artifacts/nothing-*.xml" in the Prow job run gs://` + prowtest.Bucket + "/" + run.Folder()
	if code != ExitOK || !strings.Contains(stderr, want) || len(res.Errors) == 0 {
		t.Errorf("exit %d, errors %q\n%s", code, res.Errors, stderr)
	}
}
