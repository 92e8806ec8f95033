package action

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-github/v57/github"

	"github.com/flake-triage/flake-triage/internal/triage"
)

// checksRequest is a request the fake Checks API received.
type checksRequest struct {
	Method, Path string
	Body         struct {
		Name       string `json:"name"`
		HeadSHA    string `json:"head_sha"`
		Status     string `json:"status"`
		Conclusion string `json:"conclusion"`
		Output     struct {
			Title       string `json:"title"`
			Summary     string `json:"summary"`
			Annotations []struct {
				Path            string `json:"path"`
				StartLine       int    `json:"start_line"`
				EndLine         int    `json:"end_line"`
				AnnotationLevel string `json:"annotation_level"`
				Title           string `json:"title"`
				Message         string `json:"message"`
			} `json:"annotations"`
		} `json:"output"`
	}
}

// fakeChecks serves POST /repos/{o}/{r}/check-runs and PATCH
// /repos/{o}/{r}/check-runs/{id} under /api/v3 as GitHub does (201 with the
// check run, 200 on update) and fails the test on anything else.
func fakeChecks(t *testing.T) (*github.Client, *[]checksRequest) {
	t.Helper()
	var got []checksRequest
	mux := http.NewServeMux()
	record := func(r *http.Request) checksRequest {
		var req checksRequest
		req.Method, req.Path = r.Method, r.URL.Path
		b, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(b, &req.Body); err != nil {
			t.Errorf("%s %s: body is not JSON: %v", r.Method, r.URL.Path, err)
		}
		if r.Header.Get("Authorization") != "Bearer t0ken" {
			t.Errorf("%s %s: Authorization = %q", r.Method, r.URL.Path, r.Header.Get("Authorization"))
		}
		return req
	}
	mux.HandleFunc("POST /api/v3/repos/o/r/check-runs", func(w http.ResponseWriter, r *http.Request) {
		got = append(got, record(r))
		w.WriteHeader(http.StatusCreated)
		io.WriteString(w, `{"id": 4, "name": "flake-triage", "status": "completed"}`)
	})
	mux.HandleFunc("PATCH /api/v3/repos/o/r/check-runs/4", func(w http.ResponseWriter, r *http.Request) {
		got = append(got, record(r))
		io.WriteString(w, `{"id": 4}`)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("unexpected request %s %s", r.Method, r.URL)
		http.Error(w, "not found", http.StatusNotFound)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	c := github.NewClient(nil).WithAuthToken("t0ken")
	u, _ := url.Parse(srv.URL + "/api/v3/")
	c.BaseURL = u
	return c, &got
}

func TestPostCheckRunBatches(t *testing.T) {
	var findings []triage.Finding
	for i := range 120 {
		kind := "failure"
		if i%3 == 0 {
			kind = "flake"
		}
		findings = append(findings, triage.Finding{Kind: kind, Test: triage.Test{Name: "Test" + strconv.Itoa(i)},
			Location: &triage.Location{Path: "pkg/x_test.go", Line: i + 1}})
	}
	// One finding without any location cannot be annotated.
	findings = append(findings, triage.Finding{Kind: "failure", Test: triage.Test{Name: "TestNowhere"}})

	client, reqs := fakeChecks(t)
	id, unplaced, err := PostCheckRun(context.Background(), GitHubChecks{client}, "o/r", "abc123", "unit tests", findings, "## summary")
	if err != nil {
		t.Fatal(err)
	}
	if id != 4 || unplaced != 1 {
		t.Errorf("PostCheckRun = id %d, unplaced %d; want 4, 1", id, unplaced)
	}
	var shape []string
	lines := map[int]bool{}
	for _, r := range *reqs {
		if r.Body.Name != "unit tests" {
			t.Errorf("%s %s: check run name %q, want the check-name %q", r.Method, r.Path, r.Body.Name, "unit tests")
		}
		shape = append(shape, r.Method+" "+r.Path+" "+strconv.Itoa(len(r.Body.Output.Annotations)))
		for _, a := range r.Body.Output.Annotations {
			if lines[a.StartLine] {
				t.Errorf("line %d annotated twice", a.StartLine)
			}
			lines[a.StartLine] = true
		}
	}
	want := []string{
		"POST /api/v3/repos/o/r/check-runs 50",
		"PATCH /api/v3/repos/o/r/check-runs/4 50",
		"PATCH /api/v3/repos/o/r/check-runs/4 20",
	}
	if diff := cmp.Diff(want, shape); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
	if len(lines) != 120 {
		t.Errorf("%d lines annotated, want 120", len(lines))
	}
	first := (*reqs)[0].Body
	if first.HeadSHA != "abc123" || first.Status != "completed" || first.Conclusion != "neutral" || first.Output.Summary != "## summary" {
		t.Errorf("create request = %+v", first)
	}
	if a := first.Output.Annotations[0]; a.AnnotationLevel != "failure" || a.Title != "Test1" || a.Path != "pkg/x_test.go" || a.EndLine != 2 {
		t.Errorf("first annotation = %+v, want the first failure at pkg/x_test.go:2", a)
	}
	last := (*reqs)[2].Body.Output.Annotations
	if a := last[len(last)-1]; a.AnnotationLevel != "warning" {
		t.Errorf("last annotation level = %q, want warning (flakes come last)", a.AnnotationLevel)
	}
}

func TestPostCheckRunNoFindings(t *testing.T) {
	client, reqs := fakeChecks(t)
	if _, _, err := PostCheckRun(context.Background(), GitHubChecks{client}, "o/r", "abc", "", nil, "none"); err != nil {
		t.Fatal(err)
	}
	if len(*reqs) != 1 || (*reqs)[0].Body.Conclusion != "success" {
		t.Fatalf("requests = %+v, want one successful check run", *reqs)
	}
	if got := (*reqs)[0].Body.Name; got != CheckRunName {
		t.Errorf("name %q without a check-name, want %q", got, CheckRunName)
	}
	if _, _, err := PostCheckRun(context.Background(), GitHubChecks{client}, "nobody", "abc", "", nil, ""); err == nil {
		t.Error("PostCheckRun accepted a repository without owner")
	}
}
