package plan

import (
	"strings"
	"testing"
)

// TestMarkdownLinksProwJob: a Prow run's plan links its job page.
func TestMarkdownLinksProwJob(t *testing.T) {
	url := "https://prow.k8s.io/view/gs/kubernetes-ci-logs/logs/periodic-cluster-api-e2e-main/1861234567890123456"
	run := Run{Repo: "kubernetes-sigs/cluster-api", ID: 1861234567890123456, Attempt: 1, Job: "periodic-cluster-api-e2e-main", URL: url,
		Prow: &ProwJob{Type: "periodic", Job: "periodic-cluster-api-e2e-main", BuildID: "1861234567890123456", URL: url}}
	md := Make(nil, nil, DefaultPolicy(), run, "file").Markdown()
	if !strings.Contains(md, "[build 1861234567890123456]("+url+")") {
		t.Errorf("the plan does not link the job page:\n%s", md)
	}
	if got := run.Prow.Key(); got != "periodic-cluster-api-e2e-main/1861234567890123456" {
		t.Errorf("key %q", got)
	}
	if !run.Prow.Branch() || (ProwJob{Type: "presubmit"}).Branch() {
		t.Error("periodic runs describe the branch, presubmits do not")
	}
}
