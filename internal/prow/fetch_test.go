package prow_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fsouza/fake-gcs-server/fakestorage"
	"github.com/google/go-cmp/cmp"

	"github.com/flake-triage/flake-triage/internal/gcs"
	"github.com/flake-triage/flake-triage/internal/prow"
	"github.com/flake-triage/flake-triage/internal/prow/prowtest"
)

const report = `<?xml version="1.0"?><testsuite name="s" tests="1"><testcase name="TestX" classname="p"/></testsuite>`

var sel = prow.Selection{
	Reports: []string{"artifacts/**/junit*.xml"},
	Logs:    []string{"artifacts/clusters/bootstrap/logs/**/manager.log", "!artifacts/**/capd-system/**"},
}

func client(srv *fakestorage.Server) *gcs.Client {
	return &gcs.Client{HTTP: &http.Client{}, Endpoint: srv.URL(), MaxPages: 100}
}

// TestFetchRun downloads what the selection picks of a Cluster API run,
// with its identity, reading gzip objects both ways Prow stores them.
func TestFetchRun(t *testing.T) {
	run := periodic()
	klog := []byte("E1127 14:55:10.000000       1 machine_controller.go:33] \"Reconciler error\" err=\"not ready\"\n")
	run.Files = map[string]prowtest.File{
		"artifacts/junit.e2e_suite.1.xml":       {Content: []byte(report)},
		"artifacts/junit_unit.xml":              {Content: []byte(report), Encoding: "gzip"},
		"artifacts/nested/junit.xml.gz":         {Content: []byte(report)}, // uploaded by other means, suffix kept
		"artifacts/localhost/docker.log":        {Content: []byte("not selected")},
		"artifacts/clusters/quick-start/x.yaml": {Content: []byte("kind: Cluster")},
	}
	run.Files["artifacts/nested/junit.xml.gz"] = prowtest.File{Content: gzBytes(report)}
	var want []string
	for i, p := range prowtest.Providers {
		enc := ""
		if i == 0 {
			enc = "gzip-bytes"
		}
		run.Files[prowtest.ManagerLog(p)] = prowtest.File{Content: klog, Encoding: enc}
		run.Files[strings.TrimSuffix(prowtest.ManagerLog(p), "manager.log")+"manager-log-metadata.json"] = prowtest.File{Content: prowtest.LogMetadata(p)}
		if p[0] != "capd-system" {
			want = append(want, prowtest.ManagerLog(p))
		}
	}
	want = append(want, "artifacts/junit.e2e_suite.1.xml", "artifacts/junit_unit.xml", "artifacts/nested/junit.xml")
	srv := prowtest.Serve(t, run.Objects())
	dir := t.TempDir()
	var progress bytes.Buffer
	got, err := prow.Fetch(context.Background(), client(srv), prow.Folder{Bucket: prowtest.Bucket, Path: run.Folder()}, dir, sel, prow.DefaultLimits, "", &progress)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Problems) > 0 {
		t.Errorf("problems: %q", got.Problems)
	}
	if diff := cmp.Diff(sorted(want), got.Files); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
	for _, f := range got.Files {
		data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(f)))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(data, klog) && string(data) != report {
			t.Errorf("%s holds %q", f, data)
		}
	}
	if got.Job.Name != run.Job || got.Job.BuildID != run.BuildID || got.Job.URL != run.JobPage() || got.Job.Commit != baseSHA {
		t.Errorf("job %+v", got.Job)
	}
	if n := strings.Count(progress.String(), "\n"); n < len(want) {
		t.Errorf("%d progress lines for %d downloads:\n%s", n, len(want), progress.String())
	}
}

func gzBytes(s string) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.Bytes()
}

func sorted(s []string) []string {
	out := append([]string{}, s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

// TestFetchHostile: names that would leave the folder, links, huge and
// truncated objects are refused one by one, each named; the rest arrives
// and nothing is written outside the folder.
func TestFetchHostile(t *testing.T) {
	run := periodic()
	trunc := gzBytes(strings.Repeat(report, 50))
	run.Files = map[string]prowtest.File{
		"artifacts/junit_ok.xml":                          {Content: []byte(report)},
		"artifacts/../../../escape/junit_up.xml":          {Content: []byte(report)},
		"artifacts/a/../../junit_dots.xml":                {Content: []byte(report)},
		`artifacts/junit\..\..\junit_back.xml`:            {Content: []byte(report)},
		"artifacts//junit_double.xml":                     {Content: []byte(report)},
		"artifacts/junit_link.xml":                        {Content: []byte("gs://other/run"), Metadata: map[string]string{"link": "gs://other/run/junit.xml"}},
		"artifacts/junit_huge.xml":                        {Content: bytes.Repeat([]byte("x"), 3000)},
		"artifacts/junit_bomb.xml":                        {Content: gzBytes(strings.Repeat("y", 5000)), Encoding: ""},
		"artifacts/junit_trunc.xml":                       {Content: trunc[:len(trunc)/2]},
		"artifacts/junit_trunc_enc.xml":                   {Content: trunc[:len(trunc)/2], Encoding: "stored-gzip"},
		"artifacts/junit_same.xml.gz":                     {Content: gzBytes(report)},
		"artifacts/junit_same.xml":                        {Content: []byte(report)},
		"artifacts/clusters/bootstrap/logs/x/manager.log": {Content: []byte("E1127 14:55:10.000000 1 a.go:1] x\n")},
	}
	srv := prowtest.Serve(t, run.Objects())
	parent := t.TempDir()
	dir := filepath.Join(parent, "run")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	lim := prow.DefaultLimits
	lim.MaxObjectBytes = 2000
	got, err := prow.Fetch(context.Background(), client(srv), prow.Folder{Bucket: prowtest.Bucket, Path: run.Folder()}, dir, sel, lim, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"artifacts/clusters/bootstrap/logs/x/manager.log", "artifacts/junit_ok.xml", "artifacts/junit_same.xml"}
	if diff := cmp.Diff(want, got.Files); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
	problems := strings.Join(got.Problems, "\n")
	for name, why := range map[string]string{
		"junit_up.xml": "would leave", "junit_dots.xml": "would leave", "junit_back.xml": "would leave",
		"junit_double.xml": "would leave", "junit_link.xml": "a link", "junit_huge.xml": "limit per object",
		"junit_bomb.xml": "limit per object once gunzipped", "junit_trunc.xml": "truncated or corrupt", "junit_trunc_enc.xml": "",
		"junit_same.xml.gz": "the same file",
	} {
		line := ""
		for _, p := range got.Problems {
			if strings.Contains(p, name+`"`) {
				line = p
			}
		}
		if line == "" || !strings.Contains(line, why) {
			t.Errorf("no problem naming %s (%s):\n%s", name, why, problems)
		}
	}
	// Nothing outside the folder, and no partial file inside it.
	filepath.WalkDir(parent, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			if strings.HasPrefix(rel, "..") {
				t.Errorf("written outside the folder: %s", p)
			} else if !contains(want, filepath.ToSlash(rel)) {
				t.Errorf("left behind: %s", rel)
			}
		}
		return nil
	})
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// TestFetchBucketErrors: a missing bucket and a private one fail the
// fetch with the status, naming the folder.
func TestFetchBucketErrors(t *testing.T) {
	srv := prowtest.Serve(t, nil)
	_, err := prow.Fetch(context.Background(), client(srv), prow.Folder{Bucket: "no-such-bucket", Path: "logs/j/1"}, t.TempDir(), sel, prow.DefaultLimits, "", nil)
	if err == nil || !strings.Contains(err.Error(), "gs://no-such-bucket/logs/j/1/") || !strings.Contains(err.Error(), "404") {
		t.Errorf("missing bucket: %v", err)
	}
	private := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusForbidden)
		w.Write([]byte(`{"error":{"code":403,"message":"Anonymous caller does not have storage.objects.list access to the Google Cloud Storage bucket.","errors":[{"reason":"forbidden"}]}}`))
	}))
	defer private.Close()
	_, err = prow.Fetch(context.Background(), &gcs.Client{Endpoint: private.URL}, prow.Folder{Bucket: "private", Path: "logs/j/1"}, t.TempDir(), sel, prow.DefaultLimits, "", nil)
	var se *gcs.StatusError
	if !errors.As(err, &se) || se.Status != 403 || !strings.Contains(err.Error(), "Anonymous caller") || !strings.Contains(err.Error(), "not public") {
		t.Errorf("private bucket: %v", err)
	}
}

// TestFetchPageCap: the emulator pages when asked for small pages; a
// listing longer than the page cap stops there with a problem, and what
// was listed is still fetched.
func TestFetchPageCap(t *testing.T) {
	run := periodic()
	run.Files = map[string]prowtest.File{"artifacts/junit_a.xml": {Content: []byte(report)}}
	srv := prowtest.Serve(t, run.Objects())
	c := client(srv)
	c.PageSize, c.MaxPages = 2, 3
	got, err := prow.Fetch(context.Background(), c, prow.Folder{Bucket: prowtest.Bucket, Path: run.Folder()}, t.TempDir(), sel, prow.DefaultLimits, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.Listed != 6 || !strings.Contains(strings.Join(got.Problems, "\n"), "more than 3 pages") {
		t.Errorf("listed %d, problems %q", got.Listed, got.Problems)
	}
	// With pages of 2 and no cap, the whole listing comes.
	c.MaxPages = 0
	got, err = prow.Fetch(context.Background(), c, prow.Folder{Bucket: prowtest.Bucket, Path: run.Folder()}, t.TempDir(), sel, prow.DefaultLimits, "", nil)
	if err != nil || got.Listed != 7 || len(got.Files) != 1 {
		t.Errorf("listed %d files %q problems %q: %v", got.Listed, got.Files, got.Problems, err)
	}
}

// TestFetchAlias: a presubmit's alias under pr-logs/directory/ (an object
// BUILD.txt naming the run folder, as Prow's uploader writes it) is
// followed once; a folder with nothing in it is an error.
func TestFetchAlias(t *testing.T) {
	run := presubmit()
	run.Files = map[string]prowtest.File{"artifacts/junit_a.xml": {Content: []byte(report)}}
	link := "gs://" + prowtest.Bucket + "/" + run.Folder()
	aliasName := "pr-logs/directory/" + run.Job + "/" + run.BuildID
	objs := append(run.Objects(), fakestorage.Object{
		ObjectAttrs: fakestorage.ObjectAttrs{BucketName: prowtest.Bucket, Name: aliasName + ".txt", ContentType: "text/plain", Metadata: map[string]string{"link": link}},
		Content:     []byte(link),
	})
	srv := prowtest.Serve(t, objs)
	var progress bytes.Buffer
	got, err := prow.Fetch(context.Background(), client(srv), prow.Folder{Bucket: prowtest.Bucket, Path: aliasName}, t.TempDir(), sel, prow.DefaultLimits, "", &progress)
	if err != nil {
		t.Fatal(err)
	}
	if got.Job.Folder.Path != run.Folder() || got.Job.URL != run.JobPage() || len(got.Files) != 1 || !strings.Contains(progress.String(), "is a link to") {
		t.Errorf("job %+v files %q\n%s", got.Job, got.Files, progress.String())
	}
	_, err = prow.Fetch(context.Background(), client(srv), prow.Folder{Bucket: prowtest.Bucket, Path: "logs/gone/1"}, t.TempDir(), sel, prow.DefaultLimits, "", nil)
	if err == nil || !strings.Contains(err.Error(), "gs://"+prowtest.Bucket+"/logs/gone/1: no objects") {
		t.Errorf("empty folder: %v", err)
	}
}
