package prow

import (
	"strings"
	"testing"
)

func TestParseURL(t *testing.T) {
	const folder = "logs/periodic-cluster-api-e2e-main/1861234567890123456"
	for _, in := range []string{
		"https://prow.k8s.io/view/gs/kubernetes-ci-logs/" + folder,
		"https://prow.k8s.io/view/gs/kubernetes-ci-logs/" + folder + "/",
		"https://prow.k8s.io/view/gcs/kubernetes-ci-logs/" + folder,
		"https://gcsweb.k8s.io/gcs/kubernetes-ci-logs/" + folder + "/",
		"gs://kubernetes-ci-logs/" + folder,
		"gs://kubernetes-ci-logs/" + folder + "/",
		"  gs://kubernetes-ci-logs/" + folder + "\n",
	} {
		got, err := ParseURL(in)
		if err != nil {
			t.Errorf("ParseURL(%q): %v", in, err)
			continue
		}
		if got != (Folder{Bucket: "kubernetes-ci-logs", Path: folder}) {
			t.Errorf("ParseURL(%q) = %+v", in, got)
		}
	}
	// Cluster API's testing docs give a presubmit of the older bucket.
	got, err := ParseURL("https://prow.k8s.io/view/gs/kubernetes-jenkins/pr-logs/pull/kubernetes-sigs_cluster-api/6189/pull-cluster-api-e2e-main/1496954690603061248")
	if err != nil || got.Bucket != "kubernetes-jenkins" || got.Path != "pr-logs/pull/kubernetes-sigs_cluster-api/6189/pull-cluster-api-e2e-main/1496954690603061248" {
		t.Errorf("presubmit page: %+v %v", got, err)
	}
	for _, in := range []string{
		"", "prow.k8s.io/view/gs/b/x", "https://prow.k8s.io/", "https://prow.k8s.io/job-history/gs/kubernetes-ci-logs/logs/x",
		"https://prow.k8s.io/view/gs/kubernetes-ci-logs", "https://prow.k8s.io/view/gs/kubernetes-ci-logs/",
		"https://prow.k8s.io/view/s3/bucket/logs/x/1", "gs://", "gs://Bad_Bucket/x", "gs://kubernetes-ci-logs/../x",
		"gs://kubernetes-ci-logs/logs/../../x", "gs://kubernetes-ci-logs/a//b", "ftp://kubernetes-ci-logs/x",
		"https://github.com/kubernetes-sigs/cluster-api/actions/runs/1",
	} {
		if f, err := ParseURL(in); err == nil {
			t.Errorf("ParseURL(%q) = %+v, want an error", in, f)
		} else if !strings.Contains(err.Error(), "not a Prow job run") {
			t.Errorf("ParseURL(%q): %v does not say what is wrong", in, err)
		}
	}
}

func TestJobPage(t *testing.T) {
	f := Folder{Bucket: "kubernetes-ci-logs", Path: "logs/j/1"}
	if got := f.JobPage(""); got != "https://prow.k8s.io/view/gs/kubernetes-ci-logs/logs/j/1" {
		t.Errorf("default deck: %s", got)
	}
	if got := f.JobPage("https://prow.example.com/"); got != "https://prow.example.com/view/gs/kubernetes-ci-logs/logs/j/1" {
		t.Errorf("own deck: %s", got)
	}
}

// FuzzParseURL: whatever the URL, a folder it accepts is a clean relative
// path in a valid bucket, and its gs:// form parses back to it.
func FuzzParseURL(f *testing.F) {
	for _, s := range []string{
		"https://prow.k8s.io/view/gs/kubernetes-ci-logs/logs/j/1", "gs://b-1/x/y/", "https://gcsweb.k8s.io/gcs/b.c/x/",
		"gs://kubernetes-ci-logs/..", "https://x/view/gcs/abc/%2e%2e/x", "gs://abc/a\\b",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseURL(s)
		if err != nil {
			return
		}
		if !validBucket(got.Bucket) || got.Path == "" || strings.HasPrefix(got.Path, "/") || strings.HasSuffix(got.Path, "/") {
			t.Fatalf("ParseURL(%q) = %+v", s, got)
		}
		for _, el := range strings.Split(got.Path, "/") {
			if el == ".." || el == "." || el == "" {
				t.Fatalf("ParseURL(%q) = %+v: element %q", s, got, el)
			}
		}
		again, err := ParseURL(got.String())
		if err != nil || again != got {
			t.Fatalf("gs form %q of %q parses to %+v, %v", got.String(), s, again, err)
		}
	})
}
