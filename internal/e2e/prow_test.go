package e2e

import (
	"bytes"
	"fmt"
	"path"
	"strings"
	"testing"
	"time"

	"golang.org/x/tools/txtar"

	"github.com/flake-triage/flake-triage/internal/prow/prowtest"
)

// capiLogs picks the management cluster's controller logs of a Cluster
// API run, as docs/prow.md's config example does.
const capiLogs = "artifacts/clusters/bootstrap/logs/**/manager.log"

// controllerLog generates size bytes of klog output of a controller
// between 13:30 and 15:00 on 2026-11-27: reconcile lines, and every 40th
// line an error from controllers/machine_controller.go, so that each
// failure's window holds errors to group.
func controllerLog(size int) []byte {
	var b bytes.Buffer
	b.Grow(size + 256)
	start := time.Date(2026, 11, 27, 13, 30, 0, 0, time.UTC)
	for i := 0; b.Len() < size; i++ {
		at := start.Add(time.Duration(int64(90*time.Minute) / int64(size) * int64(b.Len())))
		stamp := at.Format("0102 15:04:05.000000")
		if i%40 == 0 {
			fmt.Fprintf(&b, "E%s       1 machine_controller.go:33] \"Reconciler error\" err=\"infrastructure not ready\" controller=\"machine\" Machine=\"default/quick-start-md-%d\"\n", stamp, i%7)
			continue
		}
		fmt.Fprintf(&b, "I%s       1 machine_controller.go:29] \"Reconciling\" controller=\"machine\" Machine=\"default/quick-start-md-%d\" reconcileID=\"%08x-aaaa-bbbb-cccc-000000000000\"\n", stamp, i%7, i)
	}
	return b.Bytes()
}

// benchRun is a periodic Cluster API run of 40 objects: the prow
// metadata, 3 JUnit reports, 6 controller logs of logSize bytes (each
// with its metadata file) and the rest of what an e2e run uploads.
func benchRun(b testing.TB, logSize int) prowtest.Run {
	sample := extractFiles(b)
	r := prowtest.Run{Type: "periodic", Job: "periodic-cluster-api-e2e-main", BuildID: "1861234567890123456",
		Org: "acme", Repo: "capi-like", BaseRef: "main", BaseSHA: "1111111111111111111111111111111111111111",
		Started: time.Date(2026, 11, 27, 13, 30, 0, 0, time.UTC), Result: "FAILURE",
		Files: map[string]prowtest.File{
			"artifacts/junit.e2e_suite.1.xml": {Content: sample["reports/ginkgo-e2e.xml"]},
			"artifacts/junit.unit.xml":        {Content: sample["reports/gotestsum-unit.xml"]},
			"artifacts/junit.controllers.xml": {Content: sample["reports/gotestsum-controllers.xml"], Encoding: "gzip"},
		},
	}
	pods := append(append([][3]string{}, prowtest.Providers...),
		[3]string{"capi-system", "capi-controller-manager", "capi-controller-manager-7d9f8c6b5d-q8zrt"},
		[3]string{"capi-kubeadm-control-plane-system", "capi-kubeadm-control-plane-controller-manager", "capi-kubeadm-control-plane-controller-manager-5f9d8c7b6-p9kdd"})
	log := controllerLog(logSize)
	for _, p := range pods {
		r.Files[prowtest.ManagerLog(p)] = prowtest.File{Content: log}
		r.Files[path.Join(path.Dir(prowtest.ManagerLog(p)), "manager-log-metadata.json")] = prowtest.File{Content: prowtest.LogMetadata(p)}
	}
	for _, name := range []string{
		"artifacts/localhost/README.md", "artifacts/localhost/docker.log", "artifacts/localhost/docker-ps.txt",
		"artifacts/localhost/docker-images.txt", "artifacts/localhost/docker-info.txt", "artifacts/localhost/docker-events.txt",
		"artifacts/localhost/containerd-1.txt", "artifacts/localhost/containerd-2.txt", "artifacts/localhost/processes-1.txt", "artifacts/metadata.json",
		"artifacts/repository/clusterctl-config.yaml", "artifacts/clusters/bootstrap/resources/quick-start-x/events.log",
		"artifacts/clusters/bootstrap/resources/quick-start-x/Cluster/quick-start.yaml",
		"artifacts/clusters/quick-start/machines/quick-start-md-2/kubelet.log",
		"artifacts/clusters/quick-start/machines/quick-start-md-2/journal.log",
		"artifacts/clusters/quick-start/machines/quick-start-md-2/containerd.log",
		"artifacts/clusters/quick-start/infrastructure/quick-start-lb.log",
		"podinfo.json", "clone-records.json",
	} {
		r.Files[name] = prowtest.File{Content: []byte("content of " + name + "\n")}
	}
	return r
}

// extractFiles reads the sample's files.
func extractFiles(b testing.TB) map[string][]byte {
	b.Helper()
	files := map[string][]byte{}
	a, err := txtar.ParseFile(samplePath)
	if err != nil {
		b.Fatal(err)
	}
	for _, f := range a.Files {
		files[f.Name] = f.Data
	}
	return files
}

// TestFromProwProcess runs the built binary against the emulator, as a
// user re-triaging a job run does: the controller log errors are grouped
// on the e2e failures and the job page is in the JSON.
func TestFromProwProcess(t *testing.T) {
	run := benchRun(t, 1<<20)
	srv := prowtest.Serve(t, run.Objects())
	if n := len(run.Objects()); n != 41 {
		t.Fatalf("%d objects, want 40 in the folder and latest-build.txt beside it", n)
	}
	dir := extract(t, nil)
	r := runProw(t, srv.URL(), dir, run)
	if r.Code != 0 || r.Result == nil {
		t.Fatalf("exit %d\n%s", r.Code, tail(r.Stderr))
	}
	if r.Result.Prow == nil || r.Result.Prow.URL != run.JobPage() {
		t.Errorf("prow %+v", r.Result.Prow)
	}
	grouped := 0
	for _, f := range r.Result.Findings {
		grouped += len(f.Correlated)
	}
	if grouped == 0 || r.Result.Reports.Tests == 0 {
		t.Errorf("%d correlated groups, %d tests; errors %q", grouped, r.Result.Reports.Tests, r.Result.Errors)
	}
}

func runProw(t testing.TB, endpoint, dir string, job prowtest.Run) Run {
	t.Helper()
	env := map[string]string{"STORAGE_EMULATOR_HOST": endpoint, "INPUT_JSON": t.TempDir() + "/result.json"}
	return run(t, env, "triage", "--dry-run", "--repo-root", dir, "--from-prow", job.JobPage(), "--logs", capiLogs)
}

// BenchmarkFromProw re-triages a Cluster API job run of 40 objects (3
// reports, 6 controller logs of 20 MB) from the GCS emulator: the built
// binary as a subprocess, wall time and peak RSS per run.
func BenchmarkFromProw(b *testing.B) {
	run := benchRun(b, 20<<20)
	srv := prowtest.Serve(b, run.Objects())
	dir := extract(b, nil)
	var last Run
	for b.Loop() {
		last = runProw(b, srv.URL(), dir, run)
		if last.Code != 0 || last.Result == nil || len(last.Result.Findings) == 0 {
			b.Fatalf("exit %d\n%s", last.Code, tail(last.Stderr))
		}
	}
	if strings.Count(last.Stderr, "prow: [") != 9 {
		b.Errorf("downloads:\n%s", tail(last.Stderr))
	}
	b.ReportMetric(last.Wall.Seconds(), "wall-s")
	b.ReportMetric(float64(last.MaxRSS>>20), "peak-MB")
}

// TestInsideProwProcess runs the built binary as the post step of a Prow
// periodic: only the variables Prow's pod utilities set (a real JOB_SPEC)
// and a token; it files one issue per failing test, linking the job page.
func TestInsideProwProcess(t *testing.T) {
	job := benchRun(t, 64<<10)
	logsDir := t.TempDir() // Prow's /logs
	files := map[string][]byte{}
	for name, f := range job.Files {
		files[name] = f.Content
	}
	writeTree(t, logsDir, files)
	gh := newFake(t)
	dir := extract(t, nil)
	env := map[string]string{
		"JOB_SPEC": job.JobSpec(), "PROW_JOB_ID": "d2c4f3a1-6b7e-4f0a-9c1d-3e5f7a9b1c2d", "JOB_NAME": job.Job, "JOB_TYPE": "periodic",
		"BUILD_ID": job.BuildID, "ARTIFACTS": logsDir + "/artifacts", "GITHUB_TOKEN": token, "GITHUB_API_URL": gh.URL,
		"INPUT_JSON": t.TempDir() + "/result.json",
	}
	r := run(t, env, "triage", "--repo-root", dir, "--logs", capiLogs)
	if r.Code != 0 || r.Result == nil {
		t.Fatalf("exit %d\n%s", r.Code, tail(r.Stderr))
	}
	if r.Result.Mode != "file" || r.Result.Prow == nil || r.Result.Prow.URL != job.JobPage() {
		t.Fatalf("mode %s, prow %+v", r.Result.Mode, r.Result.Prow)
	}
	issues := gh.Issues()
	if len(issues) == 0 || len(issues) != len(r.Result.Findings) {
		t.Fatalf("%d issues for %d findings", len(issues), len(r.Result.Findings))
	}
	for _, is := range issues {
		if !strings.Contains(is.Body, "]("+job.JobPage()+")") {
			t.Errorf("issue #%d does not link the job page", is.Number)
		}
	}
	if strings.Contains(r.All(), token) {
		t.Error("the token was printed")
	}
}
