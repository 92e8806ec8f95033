// Package prowtest builds Prow job run folders in the layout Prow's pod
// utilities and Cluster API's e2e suite give them in GCS (prowjob.json,
// started.json, finished.json, build-log.txt, the JUnit report under
// artifacts/, each provider's manager.log under
// artifacts/clusters/bootstrap/logs/<namespace>/<deployment>/<pod>/), and
// serves them from a real GCS emulator, fake-gcs-server's fakestorage, for
// tests. Nothing in the product imports it.
package prowtest

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"path"
	"strings"
	"testing"
	"time"

	"github.com/fsouza/fake-gcs-server/fakestorage"
)

// Bucket is the bucket of prow.k8s.io's job runs.
const Bucket = "kubernetes-ci-logs"

// A Run is one job run to lay out.
type Run struct {
	// Type is periodic, postsubmit or presubmit.
	Type      string
	Job       string
	BuildID   string
	Org, Repo string
	BaseRef   string
	// BaseSHA is the base branch's commit; a periodic's extra_refs have
	// none, its started.json names it as repo-commit.
	BaseSHA string
	// PR, Author and PullSHA make a presubmit; MergeSHA is the local
	// merge commit clonerefs made, which started.json names.
	PR       int
	Author   string
	PullSHA  string
	MergeSHA string
	Started  time.Time
	Result   string
	// Files are the objects under the run folder besides the metadata
	// files, by path relative to it (artifacts/...).
	Files map[string]File
}

// A File is one object's content and how it is stored.
type File struct {
	Content []byte
	// Encoding "gzip" stores the content gzipped with Content-Encoding:
	// gzip; "gzip-bytes" stores gzip bytes as they are, with
	// Content-Type application/gzip (how gcsupload uploads x.log.gz as
	// x.log when .log has no MIME type); "stored-gzip" stores the content
	// as given (gzip bytes, possibly broken) with Content-Encoding: gzip.
	Encoding string
	Metadata map[string]string
}

// Folder is the run folder's path in the bucket (Prow's PathForSpec with
// the legacy path strategy and kubernetes/kubernetes as the default repo).
func (r Run) Folder() string {
	if r.Type == "presubmit" {
		return path.Join("pr-logs/pull", r.Org+"_"+r.Repo, fmt.Sprint(r.PR), r.Job, r.BuildID)
	}
	return path.Join("logs", r.Job, r.BuildID)
}

// JobPage is the run's page on prow.k8s.io.
func (r Run) JobPage() string { return "https://prow.k8s.io/view/gs/" + Bucket + "/" + r.Folder() }

// Objects are the run's objects: metadata files, the given files, and the
// latest-build.txt beside the folder.
func (r Run) Objects() []fakestorage.Object {
	dir := r.Folder()
	var objs []fakestorage.Object
	add := func(name string, f File) {
		o := fakestorage.Object{ObjectAttrs: fakestorage.ObjectAttrs{BucketName: Bucket, Name: name, ContentType: contentType(name), Metadata: f.Metadata}, Content: f.Content}
		switch f.Encoding {
		case "gzip":
			o.Content, o.ContentEncoding = gz(f.Content), "gzip"
		case "stored-gzip":
			o.ContentEncoding = "gzip"
		case "gzip-bytes":
			o.Content, o.ContentType = gz(f.Content), "application/gzip"
		}
		objs = append(objs, o)
	}
	add(path.Join(dir, "prowjob.json"), File{Content: r.prowJob()})
	add(path.Join(dir, "started.json"), File{Content: r.started()})
	add(path.Join(dir, "finished.json"), File{Content: r.finished()})
	add(path.Join(dir, "build-log.txt"), File{Content: []byte("+ make test-e2e\nRunning Suite: capi-like e2e suite\n")})
	add(path.Join(dir, "clone-log.txt"), File{Content: []byte("Cloning " + r.Org + "/" + r.Repo + " at " + r.BaseRef + "\n")})
	add(path.Join(dir, "sidecar-logs.json"), File{Content: []byte(`{"component":"sidecar","level":"info","msg":"Finished uploading artifacts"}` + "\n")})
	add(path.Join(path.Dir(dir), "latest-build.txt"), File{Content: []byte(r.BuildID)})
	for name, f := range r.Files {
		add(dir+"/"+name, f)
	}
	return objs
}

func contentType(name string) string {
	switch path.Ext(name) {
	case ".json":
		return "application/json"
	case ".xml":
		return "application/xml"
	case ".txt", ".log":
		return "text/plain; charset=utf-8"
	}
	return "application/octet-stream"
}

func gz(b []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

// refs is a ProwJob's refs (or a periodic's extra ref).
func (r Run) refs() map[string]any {
	m := map[string]any{
		"org": r.Org, "repo": r.Repo, "repo_link": "https://github.com/" + r.Org + "/" + r.Repo,
		"base_ref": r.BaseRef, "path_alias": "sigs.k8s.io/cluster-api",
	}
	if r.Type == "periodic" {
		return m
	}
	m["base_sha"] = r.BaseSHA
	m["base_link"] = "https://github.com/" + r.Org + "/" + r.Repo + "/commit/" + r.BaseSHA
	if r.Type == "presubmit" {
		m["pulls"] = []map[string]any{{
			"number": r.PR, "author": r.Author, "sha": r.PullSHA, "title": "Fix the machine controller",
			"head_ref": "fix-machines", "link": fmt.Sprintf("https://github.com/%s/%s/pull/%d", r.Org, r.Repo, r.PR),
			"commit_link": fmt.Sprintf("https://github.com/%s/%s/pull/%d/commits/%s", r.Org, r.Repo, r.PR, r.PullSHA),
			"author_link": "https://github.com/" + r.Author,
		}}
	}
	return m
}

// Spec is the job's spec as JOB_SPEC and prowjob.json give it.
func (r Run) Spec() map[string]any {
	s := map[string]any{
		"type": r.Type, "job": r.Job, "buildid": r.BuildID, "prowjobid": "d2c4f3a1-6b7e-4f0a-9c1d-3e5f7a9b1c2d",
		"decoration_config": map[string]any{
			"timeout": "3h0m0s", "grace_period": "15m0s",
			"gcs_configuration": map[string]any{
				"bucket": Bucket, "path_strategy": "legacy", "default_org": "kubernetes", "default_repo": "kubernetes",
			},
			"gcs_credentials_secret": "gcs-credentials",
		},
	}
	k8s := map[string]any{"org": "kubernetes", "repo": "kubernetes", "base_ref": "master", "path_alias": "k8s.io/kubernetes"}
	if r.Type == "periodic" {
		s["extra_refs"] = []any{r.refs(), k8s}
	} else {
		s["refs"] = r.refs()
		s["extra_refs"] = []any{k8s}
	}
	return s
}

// JobSpec is the JOB_SPEC variable of the running job.
func (r Run) JobSpec() string {
	b, _ := json.Marshal(r.Spec())
	return string(b)
}

func (r Run) prowJob() []byte {
	spec := r.Spec()
	delete(spec, "buildid")
	delete(spec, "prowjobid")
	spec["agent"] = "kubernetes"
	spec["cluster"] = "k8s-infra-prow-build"
	spec["namespace"] = "test-pods"
	spec["report"] = true
	labels := map[string]string{
		"created-by-prow": "true", "prow.k8s.io/build-id": r.BuildID, "prow.k8s.io/job": r.Job,
		"prow.k8s.io/type": r.Type, "prow.k8s.io/refs.org": r.Org, "prow.k8s.io/refs.repo": r.Repo,
		"prow.k8s.io/refs.base_ref": r.BaseRef,
	}
	if r.PR != 0 {
		labels["prow.k8s.io/refs.pull"] = fmt.Sprint(r.PR)
	}
	state := "failure"
	if r.Result == "SUCCESS" {
		state = "success"
	}
	pj := map[string]any{
		"kind": "ProwJob", "apiVersion": "prow.k8s.io/v1",
		"metadata": map[string]any{"name": "d2c4f3a1-6b7e-4f0a-9c1d-3e5f7a9b1c2d", "namespace": "default", "labels": labels},
		"spec":     spec,
		"status": map[string]any{
			"startTime": r.Started.Format(time.RFC3339), "pendingTime": r.Started.Add(5 * time.Second).Format(time.RFC3339),
			"completionTime": r.Started.Add(95 * time.Minute).Format(time.RFC3339),
			"state":          state, "description": "Job failed.", "url": r.JobPage(),
			"pod_name": "d2c4f3a1-6b7e-4f0a-9c1d-3e5f7a9b1c2d", "build_id": r.BuildID,
			"prev_report_states": map[string]string{"gcsk8sreporter": state, "gcsreporter": state},
		},
	}
	b, _ := json.MarshalIndent(pj, "", "\t")
	return b
}

func (r Run) started() []byte {
	repos := map[string]string{}
	commit := r.BaseSHA
	switch r.Type {
	case "presubmit":
		repos[r.Org+"/"+r.Repo] = fmt.Sprintf("%s:%s,%d:%s", r.BaseRef, r.BaseSHA, r.PR, r.PullSHA)
		commit = r.MergeSHA
	case "postsubmit":
		repos[r.Org+"/"+r.Repo] = r.BaseRef + ":" + r.BaseSHA
	default:
		repos[r.Org+"/"+r.Repo] = r.BaseRef
	}
	repos["kubernetes/kubernetes"] = "master"
	st := map[string]any{
		"timestamp": r.Started.Unix(), "node": "gke-prow-build-pool5-2021092812495606-3a8095df-pxnl",
		"repos": repos, "repo-version": commit, "repo-commit": commit, "metadata": map[string]any{},
	}
	if r.PR != 0 {
		st["pull"] = fmt.Sprint(r.PR)
	}
	b, _ := json.Marshal(st)
	return b
}

func (r Run) finished() []byte {
	rev := r.BaseRef
	if r.PullSHA != "" {
		rev = r.PullSHA
	} else if r.BaseSHA != "" && r.Type != "periodic" {
		rev = r.BaseSHA
	}
	b, _ := json.Marshal(map[string]any{
		"timestamp": r.Started.Add(95 * time.Minute).Unix(), "passed": r.Result == "SUCCESS", "result": r.Result,
		"revision": rev, "metadata": map[string]any{"uploader": "sidecar"},
	})
	return b
}

// Providers are Cluster API's controllers in the management cluster:
// namespace, deployment and a pod name.
var Providers = [][3]string{
	{"capi-system", "capi-controller-manager", "capi-controller-manager-7d9f8c6b5d-x2k4p"},
	{"capi-kubeadm-bootstrap-system", "capi-kubeadm-bootstrap-controller-manager", "capi-kubeadm-bootstrap-controller-manager-6c8b9d7f4-qz7mn"},
	{"capi-kubeadm-control-plane-system", "capi-kubeadm-control-plane-controller-manager", "capi-kubeadm-control-plane-controller-manager-5f9d8c7b6-h4wlt"},
	{"capd-system", "capd-controller-manager", "capd-controller-manager-8b7c6d5f9-m2rvx"},
}

// ManagerLog is where Cluster API's e2e framework streams a provider's
// manager container log in the bootstrap (management) cluster.
func ManagerLog(p [3]string) string {
	return path.Join("artifacts/clusters/bootstrap/logs", p[0], p[1], p[2], "manager.log")
}

// LogMetadata is the manager-log-metadata.json written beside a log.
func LogMetadata(p [3]string) []byte {
	b, _ := json.Marshal(map[string]string{
		"job": p[0] + "/" + p[1], "namespace": p[0], "app": p[1], "pod": p[2],
		"container": "manager", "node_name": "bootstrap-control-plane", "stream": "stderr",
	})
	return b
}

// Serve starts the emulator with objects (and the bucket, when there are
// none) and stops it when the test ends.
func Serve(tb testing.TB, objects []fakestorage.Object) *fakestorage.Server {
	tb.Helper()
	srv, err := fakestorage.NewServerWithOptions(fakestorage.Options{
		InitialObjects: objects, Scheme: "http", Host: "127.0.0.1", Port: 0, Writer: nil,
	})
	if err != nil {
		tb.Fatalf("start the GCS emulator: %v", err)
	}
	tb.Cleanup(srv.Stop)
	if len(objects) == 0 {
		srv.CreateBucketWithOpts(fakestorage.CreateBucketOpts{Name: Bucket})
	}
	return srv
}

// Host is the emulator's address for STORAGE_EMULATOR_HOST (host:port).
func Host(srv *fakestorage.Server) string {
	return strings.TrimPrefix(srv.URL(), "http://")
}
