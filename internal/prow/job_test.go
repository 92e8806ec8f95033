package prow_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/flake-triage/flake-triage/internal/prow"
	"github.com/flake-triage/flake-triage/internal/prow/prowtest"
)

const (
	baseSHA  = "1111111111111111111111111111111111111111"
	pullSHA  = "2222222222222222222222222222222222222222"
	mergeSHA = "3333333333333333333333333333333333333333"
)

var started = time.Date(2026, 11, 27, 13, 30, 0, 0, time.UTC)

func periodic() prowtest.Run {
	return prowtest.Run{Type: "periodic", Job: "periodic-cluster-api-e2e-main", BuildID: "1861234567890123456",
		Org: "kubernetes-sigs", Repo: "cluster-api", BaseRef: "main", BaseSHA: baseSHA, Started: started, Result: "FAILURE"}
}

func presubmit() prowtest.Run {
	return prowtest.Run{Type: "presubmit", Job: "pull-cluster-api-e2e-main", BuildID: "1861234567890123999",
		Org: "kubernetes-sigs", Repo: "cluster-api", BaseRef: "main", BaseSHA: baseSHA,
		PR: 12345, Author: "octo-dev", PullSHA: pullSHA, MergeSHA: mergeSHA, Started: started, Result: "FAILURE"}
}

// metadata returns the run's metadata files as Prow uploads them.
func metadata(r prowtest.Run) prow.Metadata {
	var md prow.Metadata
	for _, o := range r.Objects() {
		switch o.Name {
		case r.Folder() + "/prowjob.json":
			md.ProwJob = o.Content
		case r.Folder() + "/started.json":
			md.Started = o.Content
		case r.Folder() + "/finished.json":
			md.Finished = o.Content
		}
	}
	return md
}

func TestFromFolder(t *testing.T) {
	for _, tc := range []struct {
		run  prowtest.Run
		md   func(prow.Metadata) prow.Metadata
		want prow.Job
	}{{
		run: periodic(),
		want: prow.Job{Type: "periodic", Name: "periodic-cluster-api-e2e-main", BuildID: "1861234567890123456",
			ProwJobID: "d2c4f3a1-6b7e-4f0a-9c1d-3e5f7a9b1c2d", Org: "kubernetes-sigs", Repo: "cluster-api", BaseRef: "main",
			// A periodic's extra ref has no base_sha: started.json's
			// repo-commit is the checkout's commit.
			Commit: baseSHA, Result: "FAILURE"},
	}, {
		run: presubmit(),
		want: prow.Job{Type: "presubmit", Name: "pull-cluster-api-e2e-main", BuildID: "1861234567890123999",
			ProwJobID: "d2c4f3a1-6b7e-4f0a-9c1d-3e5f7a9b1c2d", Org: "kubernetes-sigs", Repo: "cluster-api", BaseRef: "main",
			BaseSHA: baseSHA, PR: 12345, Author: "octo-dev", Commit: pullSHA, Result: "FAILURE"},
	}, {
		// Without prowjob.json, started.json's repos name the pull
		// request's head; repo-commit (the merge) is never taken.
		run: presubmit(),
		md:  func(m prow.Metadata) prow.Metadata { m.ProwJob = nil; return m },
		want: prow.Job{Type: "presubmit", Name: "pull-cluster-api-e2e-main", BuildID: "1861234567890123999",
			Org: "kubernetes-sigs", Repo: "cluster-api", BaseRef: "main", BaseSHA: baseSHA, PR: 12345, Commit: pullSHA, Result: "FAILURE"},
	}, {
		// Only finished.json: its revision is pulls[0].sha.
		run: presubmit(),
		md:  func(m prow.Metadata) prow.Metadata { return prow.Metadata{Finished: m.Finished} },
		want: prow.Job{Type: "presubmit", Name: "pull-cluster-api-e2e-main", BuildID: "1861234567890123999",
			PR: 12345, Commit: pullSHA, Result: "FAILURE"},
	}, {
		// Nothing but the path.
		run:  periodic(),
		md:   func(prow.Metadata) prow.Metadata { return prow.Metadata{} },
		want: prow.Job{Type: "periodic", Name: "periodic-cluster-api-e2e-main", BuildID: "1861234567890123456"},
	}} {
		md := metadata(tc.run)
		if tc.md != nil {
			md = tc.md(md)
		}
		f := prow.Folder{Bucket: prowtest.Bucket, Path: tc.run.Folder()}
		got, problems := prow.FromFolder(f, md, "")
		if len(problems) > 0 {
			t.Errorf("%s: problems %q", tc.run.Folder(), problems)
		}
		tc.want.Folder = f
		tc.want.URL = tc.run.JobPage()
		if diff := cmp.Diff(tc.want, got, cmp.FilterPath(func(p cmp.Path) bool {
			return p.Last().String() == ".Started" || p.Last().String() == ".Finished"
		}, cmp.Ignore())); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.run.Folder(), diff)
		}
		if got.Started.IsZero() != (md.ProwJob == nil && md.Started == nil) {
			t.Errorf("%s: started %v", tc.run.Folder(), got.Started)
		}
	}
}

// TestFromFolderPaths: with nothing but the path, job, build id, type and
// pull request come from Prow's folder layout.
func TestFromFolderPaths(t *testing.T) {
	for p, want := range map[string]prow.Job{
		"logs/ci-kubernetes-e2e-gci-gce/1861234567890123456":                                          {Type: "periodic", Name: "ci-kubernetes-e2e-gci-gce", BuildID: "1861234567890123456"},
		"pr-logs/pull/kubernetes-sigs_cluster-api/6189/pull-cluster-api-e2e-main/1496954690603061248": {Type: "presubmit", Name: "pull-cluster-api-e2e-main", BuildID: "1496954690603061248", PR: 6189},
		"pr-logs/pull/12345/pull-kubernetes-e2e-kind/1861234567890123456":                             {Type: "presubmit", Name: "pull-kubernetes-e2e-kind", BuildID: "1861234567890123456", PR: 12345},
		"pr-logs/pull/batch/pull-kubernetes-e2e-kind/1861234567890123456":                             {Type: "batch", Name: "pull-kubernetes-e2e-kind", BuildID: "1861234567890123456"},
		"prefix/logs/j/42": {Type: "periodic", Name: "j", BuildID: "42"},
	} {
		f := prow.Folder{Bucket: "b-1", Path: p}
		got, _ := prow.FromFolder(f, prow.Metadata{}, "")
		want.Folder, want.URL = f, f.JobPage("")
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", p, diff)
		}
	}
}

func TestFromFolderOtherDeck(t *testing.T) {
	r := periodic()
	f := prow.Folder{Bucket: prowtest.Bucket, Path: r.Folder()}
	got, _ := prow.FromFolder(f, metadata(r), "https://prow.example.com")
	if want := "https://prow.example.com/view/gs/" + prowtest.Bucket + "/" + r.Folder(); got.URL != want {
		t.Errorf("URL %s, want %s", got.URL, want)
	}
}

func TestFromFolderGarbled(t *testing.T) {
	r := periodic()
	f := prow.Folder{Bucket: prowtest.Bucket, Path: r.Folder()}
	got, problems := prow.FromFolder(f, prow.Metadata{ProwJob: []byte("{"), Started: []byte("not JSON")}, "")
	if len(problems) != 2 {
		t.Errorf("problems %q, want one per garbled file", problems)
	}
	if got.Name != r.Job || got.BuildID != r.BuildID {
		t.Errorf("identity from the path: %+v", got)
	}
}

// TestFromFolderLenient: a field of another type than expected (an older
// Prow's files) is skipped, the rest kept.
func TestFromFolderLenient(t *testing.T) {
	r := presubmit()
	f := prow.Folder{Bucket: prowtest.Bucket, Path: r.Folder()}
	pj := []byte(`{"spec":{"type":"presubmit","job":"pull-cluster-api-e2e-main","refs":{"org":"kubernetes-sigs","repo":"cluster-api","base_ref":"main","pulls":[{"number":12345,"sha":"` + pullSHA + `"}]}},"status":{"startTime":"yesterday","build_id":1861234567890123999}}`)
	st := []byte(`{"timestamp":"1764250200","pull":12345,"repo-commit":"` + mergeSHA + `"}`)
	got, problems := prow.FromFolder(f, prow.Metadata{ProwJob: pj, Started: st}, "")
	if len(problems) > 0 || got.Commit != pullSHA || got.PR != 12345 || got.BuildID != r.BuildID || got.Repository() != "kubernetes-sigs/cluster-api" {
		t.Errorf("%+v %q", got, problems)
	}
}

func TestParseJobSpec(t *testing.T) {
	pre := presubmit()
	got, err := prow.ParseJobSpec([]byte(pre.JobSpec()), "")
	if err != nil {
		t.Fatal(err)
	}
	want := prow.Job{Type: "presubmit", Name: pre.Job, BuildID: pre.BuildID, ProwJobID: "d2c4f3a1-6b7e-4f0a-9c1d-3e5f7a9b1c2d",
		Org: "kubernetes-sigs", Repo: "cluster-api", BaseRef: "main", BaseSHA: baseSHA, PR: 12345, Author: "octo-dev",
		Commit: pullSHA, URL: pre.JobPage(), Folder: prow.Folder{Bucket: prowtest.Bucket, Path: pre.Folder()}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("presubmit (-want +got):\n%s", diff)
	}
	per := periodic()
	got, err = prow.ParseJobSpec([]byte(per.JobSpec()), "")
	if err != nil {
		t.Fatal(err)
	}
	if got.Type != "periodic" || got.Repository() != "kubernetes-sigs/cluster-api" || got.URL != per.JobPage() || got.Commit != "" {
		t.Errorf("periodic: %+v", got)
	}
	for _, bad := range []string{"", "{", `{"type":"periodic"}`, `{"type":"nightly","job":"x"}`} {
		if _, err := prow.ParseJobSpec([]byte(bad), ""); err == nil {
			t.Errorf("ParseJobSpec(%q) gave no error", bad)
		}
	}
	// Without decoration config the page is Deck's ProwJob view.
	got, _ = prow.ParseJobSpec([]byte(`{"type":"periodic","job":"j","buildid":"1","prowjobid":"abc"}`), "https://prow.example.com/")
	if got.URL != "https://prow.example.com/prowjob?prowjob=abc" {
		t.Errorf("undecorated job page %q", got.URL)
	}
}

// FuzzParseJobSpec: any document either fails or gives a job with a known
// type and a name.
func FuzzParseJobSpec(f *testing.F) {
	f.Add(presubmit().JobSpec())
	f.Add(periodic().JobSpec())
	f.Add(`{"type":"presubmit","job":"j","refs":{"pulls":[]},"decoration_config":{"gcs_configuration":{"bucket":"gs://b"}}}`)
	f.Fuzz(func(t *testing.T, s string) {
		j, err := prow.ParseJobSpec([]byte(s), "")
		if err != nil {
			return
		}
		switch j.Type {
		case "periodic", "postsubmit", "presubmit", "batch":
		default:
			t.Fatalf("type %q", j.Type)
		}
		if j.Name == "" {
			t.Fatal("no name")
		}
	})
}

// FuzzFromFolder: whatever the metadata files hold (they come from the
// bucket), FromFolder does not panic, a commit is a hex SHA, and the job
// page stays on the deck asked for.
func FuzzFromFolder(f *testing.F) {
	md := metadata(presubmit())
	f.Add(md.ProwJob, md.Started, md.Finished)
	md = metadata(periodic())
	f.Add(md.ProwJob, md.Started, md.Finished)
	f.Add([]byte(`{"status":{"url":"https://evil.example/view/gs/x"}}`), []byte(`{"repos":{"a/b":"main:,1:zz"}}`), []byte(`{"revision":"main"}`))
	folder := prow.Folder{Bucket: prowtest.Bucket, Path: presubmit().Folder()}
	f.Fuzz(func(t *testing.T, pj, st, fi []byte) {
		j, _ := prow.FromFolder(folder, prow.Metadata{ProwJob: pj, Started: st, Finished: fi}, "https://prow.example.com")
		if j.Commit != "" && (len(j.Commit) != 40 && len(j.Commit) != 64 || strings.Trim(j.Commit, "0123456789abcdef") != "") {
			t.Fatalf("commit %q", j.Commit)
		}
		if !strings.HasPrefix(j.URL, "https://prow.example.com/view/gs/") {
			t.Fatalf("job page %q", j.URL)
		}
	})
}
