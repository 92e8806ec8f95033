package fakegithub

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func do(t *testing.T, s *Server, method, path, body string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, s.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer tok")
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestListPaginatesWithLinks(t *testing.T) {
	s := New(t, "o", "r", "tok")
	for i := 0; i < 205; i++ {
		s.AddIssue(Issue{Title: fmt.Sprint("issue ", i), CreatedAt: time.Date(2026, 1, 1, 0, i, 0, 0, time.UTC)})
	}
	var got []int
	next := "repos/o/r/issues?per_page=100&sort=created&direction=asc"
	for pages := 0; next != "" && pages < 5; pages++ {
		resp, body := do(t, s, "GET", next, "")
		var page []struct{ Number int }
		if err := json.Unmarshal([]byte(body), &page); err != nil {
			t.Fatal(err)
		}
		for _, p := range page {
			got = append(got, p.Number)
		}
		next = ""
		for _, l := range strings.Split(resp.Header.Get("Link"), ",") {
			if strings.Contains(l, `rel="next"`) {
				u := strings.Trim(strings.TrimSpace(strings.Split(l, ";")[0]), "<>")
				next = strings.TrimPrefix(u, s.URL)
			}
		}
	}
	if len(got) != 205 || got[0] != 1 || got[204] != 205 {
		t.Errorf("listed %d issues, first %d last %d", len(got), got[0], got[len(got)-1])
	}
	if n := s.Count("GET", "/issues"); n != 3 {
		t.Errorf("%d pages, want 3", n)
	}
}

func TestAnswersLikeGitHub(t *testing.T) {
	s := New(t, "o", "r", "tok")
	s.AddLabels("bug")
	for _, tc := range []struct {
		method, path, body string
		status             int
	}{
		{"POST", "repos/o/r/issues", `{"title":"t","labels":["bug"]}`, 201},
		{"POST", "repos/o/r/issues", `{"title":"t","labels":["nope"]}`, 422},
		{"POST", "repos/o/r/issues", `{"title":"t","assignees":["stranger"]}`, 422},
		{"POST", "repos/o/r/issues", `{"title":"t","body":"` + strings.Repeat("x", 65537) + `"}`, 422},
		{"GET", "repos/o/r/issues/1", "", 200},
		{"GET", "repos/o/r/issues/99", "", 404},
		{"GET", "repos/o/other/issues", "", 404},
		{"GET", "repos/o/r/labels/bug", "", 200},
		{"GET", "repos/o/r/labels/kind%2Fflake", "", 404},
		{"POST", "repos/o/r/labels", `{"name":"kind/flake","color":"ededed"}`, 201},
		{"GET", "repos/o/r/labels/kind%2Fflake", "", 200},
		{"POST", "repos/o/r/issues/1/labels", `{"labels":["kind/flake"]}`, 200},
		{"DELETE", "repos/o/r/issues/1/labels/kind%2Fflake", "", 200},
		{"DELETE", "repos/o/r/issues/1/labels/kind%2Fflake", "", 404},
		{"GET", "repos/o/r/assignees/stranger", "", 404},
		{"PATCH", "repos/o/r/issues/1", `{"state":"closed","state_reason":"not_planned"}`, 200},
	} {
		if resp, body := do(t, s, tc.method, tc.path, tc.body); resp.StatusCode != tc.status {
			t.Errorf("%s %s: %d %s, want %d", tc.method, tc.path, resp.StatusCode, body, tc.status)
		}
	}
	is := s.Issue(1)
	if is.State != "closed" || is.ClosedAt.IsZero() || is.StateReason != "not_planned" || !cmp.Equal(is.Labels, []string{"bug"}) {
		t.Errorf("issue 1: %+v", is)
	}
	s.DisableIssues()
	if resp, _ := do(t, s, "GET", "repos/o/r/issues", ""); resp.StatusCode != 410 {
		t.Errorf("disabled issues answer %d", resp.StatusCode)
	}
}

func TestFaultsAndAuth(t *testing.T) {
	s := New(t, "o", "r", "tok")
	s.SecondaryRateLimit("GET", "/issues", 1, 3*time.Second)
	s.Fail(Fault{Method: "GET", Path: "/issues", Skip: 1, Status: 502})
	resp, body := do(t, s, "GET", "repos/o/r/issues", "")
	if resp.StatusCode != 403 || resp.Header.Get("Retry-After") != "3" || !strings.Contains(body, "secondary rate limit") {
		t.Errorf("secondary rate limit: %d %q %s", resp.StatusCode, resp.Header.Get("Retry-After"), body)
	}
	if resp, _ = do(t, s, "GET", "repos/o/r/issues", ""); resp.StatusCode != 200 {
		t.Errorf("skipped request: %d", resp.StatusCode)
	}
	if resp, _ = do(t, s, "GET", "repos/o/r/issues", ""); resp.StatusCode != 502 {
		t.Errorf("fault after skip: %d", resp.StatusCode)
	}
	req, _ := http.NewRequest("GET", s.URL+"repos/o/r/issues", nil)
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Errorf("no token: %d", resp.StatusCode)
	}
}

func TestValidationCatchesBadRequests(t *testing.T) {
	ok, err := SpecAvailable()
	if err != nil {
		t.Fatal(err)
	}
	if !ok {
		t.Skipf("GitHub's OpenAPI description (%s, or $%s) is absent: validation not checked", specRel, SpecEnv)
	}
	s := New(t, "o", "r", "tok")
	s.ExpectViolations()
	do(t, s, "POST", "repos/o/r/issues", `{"title":"fine","labels":["a"]}`)
	do(t, s, "POST", "repos/o/r/issues", `{"body":"no title"}`)
	do(t, s, "POST", "repos/o/r/issues/1/labels", `["bare","array"]`)
	do(t, s, "GET", "repos/o/r/issues?state=sideways", "")
	do(t, s, "PUT", "repos/o/r/no-such-endpoint", "")
	v := s.Violations()
	if len(v) != 4 || s.Validated() != 1 {
		t.Errorf("%d validated, violations:\n%s", s.Validated(), strings.Join(v, "\n"))
	}
}

func TestFaultHangupDropsTheConnection(t *testing.T) {
	s := New(t, "o", "r", "tok")
	s.Fail(Fault{Method: "GET", Path: "/issues", Hangup: true})
	req, _ := http.NewRequest("GET", s.URL+"repos/o/r/issues", nil)
	req.Header.Set("Authorization", "Bearer tok")
	if resp, err := s.Client().Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("a hung-up request got an answer: %s", resp.Status)
	}
	if resp, _ := do(t, s, "GET", "repos/o/r/issues", ""); resp.StatusCode != 200 {
		t.Errorf("after the fault: %s, want 200", resp.Status)
	}
	if got := s.Count("GET", "/issues"); got != 2 {
		t.Errorf("%d requests logged, want 2 (the hung-up one too)", got)
	}
}

func TestFaultThenChangesStateBetweenPages(t *testing.T) {
	s := New(t, "o", "r", "tok")
	for i := 0; i < 4; i++ {
		s.AddIssue(Issue{Title: fmt.Sprint("issue ", i), CreatedAt: time.Date(2026, 1, 1, 0, i, 0, 0, time.UTC)})
	}
	// Closing #1 between the two pages shifts #3 onto page 1.
	s.Fail(Fault{Method: "GET", Path: "/issues", Skip: 1, Then: func(s *Server) {
		s.Edit(1, func(is *Issue) { is.State = "closed" })
	}})
	var got []int
	for page := 1; page <= 2; page++ {
		_, body := do(t, s, "GET", fmt.Sprintf("repos/o/r/issues?per_page=2&sort=created&direction=asc&page=%d", page), "")
		var issues []struct{ Number int }
		if err := json.Unmarshal([]byte(body), &issues); err != nil {
			t.Fatal(err)
		}
		for _, is := range issues {
			got = append(got, is.Number)
		}
	}
	if diff := cmp.Diff([]int{1, 2, 4}, got); diff != "" {
		t.Errorf("listed (-want +got):\n%s", diff)
	}
}

func TestFaultLandedWritesThenFails(t *testing.T) {
	s := New(t, "o", "r", "tok")
	s.Fail(Fault{Method: "POST", Path: "/issues", Landed: true, Status: 502})
	if resp, _ := do(t, s, "POST", "repos/o/r/issues", `{"title":"t"}`); resp.StatusCode != 502 {
		t.Errorf("%s, want 502", resp.Status)
	}
	if n := len(s.Issues()); n != 1 {
		t.Errorf("%d issues after a landed write, want 1", n)
	}
}

func TestDeletedIssueAnswersGone(t *testing.T) {
	s := New(t, "o", "r", "tok")
	n := s.AddIssue(Issue{Title: "t"})
	s.DeleteIssue(n)
	for _, req := range []struct{ method, path, body string }{
		{"GET", "repos/o/r/issues/1", ""},
		{"PATCH", "repos/o/r/issues/1", `{"body":"x"}`},
		{"POST", "repos/o/r/issues/1/comments", `{"body":"x"}`},
	} {
		resp, body := do(t, s, req.method, req.path, req.body)
		if resp.StatusCode != 410 || !strings.Contains(body, "This issue was deleted") {
			t.Errorf("%s %s: %s %s, want 410 This issue was deleted", req.method, req.path, resp.Status, body)
		}
	}
	if resp, body := do(t, s, "GET", "repos/o/r/issues?state=all", ""); resp.StatusCode != 200 || strings.TrimSpace(body) != "[]" {
		t.Errorf("list after delete: %s %s", resp.Status, body)
	}
}

func TestListComments(t *testing.T) {
	s := New(t, "o", "r", "tok")
	n := s.AddIssue(Issue{Title: "t"})
	for i := 0; i < 3; i++ {
		if resp, _ := do(t, s, "POST", fmt.Sprintf("repos/o/r/issues/%d/comments", n), fmt.Sprintf(`{"body":"c%d"}`, i)); resp.StatusCode != 201 {
			t.Fatalf("comment: %s", resp.Status)
		}
	}
	resp, body := do(t, s, "GET", "repos/o/r/issues/1/comments?per_page=2&page=2", "")
	var got []struct {
		ID   int    `json:"id"`
		Body string `json:"body"`
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || len(got) != 1 || got[0].Body != "c2" || !strings.Contains(resp.Header.Get("Link"), `rel="first"`) {
		t.Errorf("page 2: %s %+v, Link %q", resp.Status, got, resp.Header.Get("Link"))
	}
}

// TestCommentBodyTooLong: creating and editing a comment refuse a body
// over 65,536 characters with GitHub's 422, and keep the comment as it was.
func TestCommentBodyTooLong(t *testing.T) {
	s := New(t, "o", "r", "tok")
	n := s.AddIssue(Issue{Title: "t"})
	long := fmt.Sprintf(`{"body":%q}`, strings.Repeat("x", 65537))
	if resp, body := do(t, s, "POST", fmt.Sprintf("repos/o/r/issues/%d/comments", n), long); resp.StatusCode != 422 || !strings.Contains(body, "too long") {
		t.Errorf("create: %s %s, want 422 too long", resp.Status, body)
	}
	resp, body := do(t, s, "POST", fmt.Sprintf("repos/o/r/issues/%d/comments", n), `{"body":"short"}`)
	var c struct {
		ID int64 `json:"id"`
	}
	if resp.StatusCode != 201 || json.Unmarshal([]byte(body), &c) != nil {
		t.Fatalf("create: %s %s", resp.Status, body)
	}
	if resp, body := do(t, s, "PATCH", fmt.Sprintf("repos/o/r/issues/comments/%d", c.ID), long); resp.StatusCode != 422 || !strings.Contains(body, "too long") {
		t.Errorf("edit: %s %s, want 422 too long", resp.Status, body)
	}
	if got := s.Issue(n).Comments; len(got) != 1 || got[0] != "short" {
		t.Errorf("comments %q, want the short one unchanged", got)
	}
}
