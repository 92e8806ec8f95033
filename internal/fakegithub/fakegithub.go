// Package fakegithub is a stateful fake of the GitHub REST API's issue
// endpoints for tests, served over HTTP with httptest under a non-empty
// base path (as GitHub Enterprise Server serves /api/v3/). It keeps real
// paths and JSON shapes, paginates with Link headers, answers 401, 403,
// 404, 410, 422 and 5xx as GitHub does, injects faults (secondary rate
// limits with Retry-After, slow responses), logs every request and, when
// GitHub's OpenAPI description is found, validates every request against
// it.
//
// The fake also keeps a Git repository, for a ledger kept on a branch and
// for the history behind suspects and experts:
//
//   - The Git database (https://docs.github.com/rest/git): blobs (utf-8
//     or base64 in; base64 in 60-character lines, or the raw media type,
//     out); trees (base_tree, paths with slashes that make nested trees,
//     "sha": null to delete a file — refused with 422 for a path that is
//     not a file of the base tree, as GitHub does —, ?recursive=1);
//     commits; and references: GET git/ref/{ref} (404 when absent), GET
//     git/matching-refs/{ref}, POST git/refs (422 "Reference already
//     exists"), PATCH git/refs/{ref} (without force only a fast-forward,
//     else 422 "Update is not a fast forward") and DELETE. Objects have
//     the SHA-1 names git gives them (a test checks them against the git
//     binary), and every request runs under one lock, so a ref update is
//     an atomic compare-and-swap however many writers race.
//   - Seeded history: Seed adds commits by a login on a date touching
//     files on a branch ("commit X by alice touched a/b.go on day D").
//   - The history endpoints: GET commits (sha, path — a file or a
//     directory —, author, committer, since, until, per_page and page
//     with Link headers), GET commits/{ref} (with files and stats), GET
//     compare/{base}...{head} (oldest first, ahead/behind/diverged, the
//     files since the merge base, html_url; 404 for an unknown ref or
//     unrelated histories), GET branches/{branch} and GET
//     contents/{path}?ref= (a file, a directory, or raw bytes; a file
//     over 1 MB comes with encoding "none" and no content, as on GitHub;
//     a file's download_url is served too). The default branch is main
//     unless SetDefaultBranch says otherwise.
//   - Faults: RaceRef makes the next PATCHes of a ref lose to another
//     writer who lands a commit first. ForcePush moves a branch and makes
//     the commits it dropped unknown, and Unreachable makes one commit
//     unknown, as after a force push and garbage collection (404; GET
//     commits/{sha} answers 422 "No commit found for SHA", as GitHub
//     does). ForbidContentsWrite answers 403 to every Git database write,
//     as for a token without contents: write. EmptyRepository answers 409
//     "Git Repository is empty." until a branch exists. Fail and
//     SecondaryRateLimit work on these paths as on the others (Path
//     "/git/refs/heads/x", "/compare/a...b", "/commits"); a Landed fault
//     on a ref update moves the ref and loses the answer.
//
// Ref, Files, Log and Commits read the repository back for assertions.
package fakegithub

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// BasePath is where the fake serves the API, like GitHub Enterprise Server.
const BasePath = "/api/v3/"

// An Issue is an issue (or pull request) as the fake stores it.
type Issue struct {
	Number      int
	Title, Body string
	State       string // "open" or "closed"
	StateReason string
	Labels      []string
	Assignees   []string
	User        string
	PullRequest bool
	CreatedAt   time.Time
	UpdatedAt   time.Time
	ClosedAt    time.Time
	Comments    []string
	// commentIDs are the ids of Comments, in order; comments added by a
	// test get theirs when first listed.
	commentIDs []int64
}

// A Request is one request the fake received.
type Request struct {
	Method string
	// Path is the API path below BasePath as sent (escaped), with a
	// leading slash: a label "kind/flake" stays one segment, kind%2Fflake.
	Path      string
	Query     url.Values
	Body      string
	Status    int
	UserAgent string
}

// A Fault makes matching requests fail or slow down.
type Fault struct {
	// Method and Path select requests: "" matches any; Path matches a
	// suffix of the API path, such as "/issues" or "/comments".
	Method, Path string
	// Skip lets that many matching requests through first.
	Skip int
	// Times is how many matching requests fail (0 means 1).
	Times int
	// Delay is waited before answering.
	Delay time.Duration
	// Status, Header and Body make the answer; Status 0 answers normally
	// after Delay.
	Status int
	Header map[string]string
	Body   string
	// Landed carries the request out before answering with Status (or
	// hanging up), as when GitHub made the write but the answer was lost.
	Landed bool
	// Hangup closes the connection without an answer, as a dropped
	// connection or a proxy timeout does.
	Hangup bool
	// Then is called each time the fault fires, before Delay and
	// without the server's lock, to change the fake's state mid-request
	// (another actor editing issues between two pages of a listing).
	Then func(*Server)
}

// A Server is a running fake. Its methods are safe for concurrent use.
type Server struct {
	// URL is the API base URL, ending in BasePath.
	URL string

	t      testing.TB
	srv    *httptest.Server
	owner  string
	repo   string
	token  string
	mu     sync.Mutex
	issues map[int]*Issue
	next   int
	labels map[string]bool
	// assignable logins; rejected logins are assignable but refused on write.
	assignable     map[string]bool
	rejected       map[string]bool
	labelForbidden bool
	issuesDisabled bool
	faults         []*Fault
	log            []Request
	now            func() time.Time
	validated      int
	violations     []string
	expectViolated bool
	runs           map[int64]*run
	blobs          map[int64]Artifact
	checks         []CheckRun
	nextComment    int64
	heads          map[int]Head
	git            *gitDB
	// deleted are the numbers of deleted issues: they answer 410 Gone.
	deleted map[int]bool
}

// New starts a fake for owner/repo that accepts token (any when ""). It
// stops when the test ends.
func New(t testing.TB, owner, repo, token string) *Server {
	s := &Server{
		t: t, owner: owner, repo: repo, token: token,
		issues: map[int]*Issue{}, next: 1, labels: map[string]bool{},
		assignable: map[string]bool{}, rejected: map[string]bool{},
		now: time.Now,
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	s.URL = s.srv.URL + BasePath
	return s
}

// Client returns an HTTP client for the fake.
func (s *Server) Client() *http.Client { return s.srv.Client() }

// SetClock sets the fake's clock for created_at, updated_at and closed_at.
func (s *Server) SetClock(now func() time.Time) { s.mu.Lock(); s.now = now; s.mu.Unlock() }

// AddIssue stores an issue as if made earlier and returns its number.
// Zero times default to the clock.
func (s *Server) AddIssue(is Issue) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	is.Number = s.next
	s.next++
	if is.State == "" {
		is.State = "open"
	}
	if is.CreatedAt.IsZero() {
		is.CreatedAt = s.now()
	}
	if is.UpdatedAt.IsZero() {
		is.UpdatedAt = is.CreatedAt
	}
	if is.User == "" {
		is.User = "github-actions[bot]"
	}
	for _, l := range is.Labels {
		s.labels[strings.ToLower(l)] = true
	}
	s.issues[is.Number] = &is
	return is.Number
}

// Issue returns a copy of issue n.
func (s *Server) Issue(n int) Issue {
	s.mu.Lock()
	defer s.mu.Unlock()
	if is, ok := s.issues[n]; ok {
		return clone(is)
	}
	return Issue{}
}

// Issues returns copies of every issue, by number.
func (s *Server) Issues() []Issue {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Issue
	for _, is := range s.issues {
		out = append(out, clone(is))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Number < out[j].Number })
	return out
}

// Edit changes issue n as a person would, through f.
func (s *Server) Edit(n int, f func(*Issue)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(s.issues[n])
	s.issues[n].UpdatedAt = s.now()
}

func clone(is *Issue) Issue {
	c := *is
	c.Labels = append([]string(nil), is.Labels...)
	c.Assignees = append([]string(nil), is.Assignees...)
	c.Comments = append([]string(nil), is.Comments...)
	c.commentIDs = append([]int64(nil), is.commentIDs...)
	return c
}

// AddLabels creates repository labels.
func (s *Server) AddLabels(names ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, n := range names {
		s.labels[strings.ToLower(n)] = true
	}
}

// HasLabel reports whether the repository has the label.
func (s *Server) HasLabel(name string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.labels[strings.ToLower(name)]
}

// ForbidLabelCreation makes creating labels answer 403, as for a token
// without the permission.
func (s *Server) ForbidLabelCreation() { s.mu.Lock(); s.labelForbidden = true; s.mu.Unlock() }

// DeleteIssue deletes issue n as a repository admin does: it leaves the
// listings, and its endpoints answer 410 Gone, "This issue was deleted".
func (s *Server) DeleteIssue(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.issues, n)
	if s.deleted == nil {
		s.deleted = map[int]bool{}
	}
	s.deleted[n] = true
}

// DisableIssues makes every issue endpoint answer 410 Gone.
func (s *Server) DisableIssues() { s.mu.Lock(); s.issuesDisabled = true; s.mu.Unlock() }

// SetAssignable makes logins assignable.
func (s *Server) SetAssignable(logins ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, l := range logins {
		s.assignable[strings.ToLower(l)] = true
	}
}

// RejectAssignee makes login pass the assignability check but be refused
// with 422 when an issue is written with it, as when access changes mid-run.
func (s *Server) RejectAssignee(login string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.assignable[strings.ToLower(login)] = true
	s.rejected[strings.ToLower(login)] = true
}

// Fail adds a fault.
func (s *Server) Fail(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f.Times == 0 {
		f.Times = 1
	}
	s.faults = append(s.faults, &f)
}

// Heal removes every fault and lets issues and label creation work again,
// as when GitHub recovers or the token gains its permissions.
func (s *Server) Heal() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults, s.issuesDisabled, s.labelForbidden = nil, false, false
	clear(s.rejected)
	if s.git != nil {
		s.git.forbidden = false
		clear(s.git.races)
	}
}

// SecondaryRateLimit makes the next times requests matching method and
// path answer GitHub's secondary rate limit: 403 with Retry-After.
func (s *Server) SecondaryRateLimit(method, path string, times int, retryAfter time.Duration) {
	s.Fail(Fault{Method: method, Path: path, Times: times, Status: http.StatusForbidden,
		Header: map[string]string{"Retry-After": strconv.Itoa(int(retryAfter.Seconds()))},
		Body:   `{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again.","documentation_url":"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"}`})
}

// Requests returns the requests received so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.log...)
}

// Count returns how many requests matched method and the API path suffix
// ("" matches any), whatever their answer.
func (s *Server) Count(method, path string) int {
	n := 0
	for _, r := range s.Requests() {
		if (method == "" || r.Method == method) && strings.HasSuffix(r.Path, path) {
			n++
		}
	}
	return n
}

// Writes returns how many requests other than GET were received.
func (s *Server) Writes() int {
	n := 0
	for _, r := range s.Requests() {
		if r.Method != http.MethodGet {
			n++
		}
	}
	return n
}

// Validated returns how many requests were validated against the OpenAPI description.
func (s *Server) Validated() int { s.mu.Lock(); defer s.mu.Unlock(); return s.validated }

// Violations returns the requests that did not match GitHub's OpenAPI
// description, each with the reason.
func (s *Server) Violations() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.violations...)
}

// ExpectViolations stops violations from failing the test, for tests of
// the validation itself.
func (s *Server) ExpectViolations() { s.mu.Lock(); s.expectViolated = true; s.mu.Unlock() }

// ResetLog forgets the requests received so far.
func (s *Server) ResetLog() { s.mu.Lock(); s.log = nil; s.mu.Unlock() }

type reply struct {
	status int
	header map[string]string
	body   any
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(raw))
	esc := r.URL.EscapedPath()
	if strings.HasPrefix(esc, blobPath) {
		s.serveBlob(w, r)
		return
	}
	if strings.HasPrefix(esc, s.rawPrefix()) {
		s.serveRaw(w, r)
		return
	}
	if !strings.HasPrefix(esc, BasePath) {
		s.write(w, r, raw, reply{status: 404, body: msg("Not Found")})
		return
	}
	var segs []string
	for _, p := range strings.Split(strings.TrimPrefix(esc, BasePath), "/") {
		u, err := url.PathUnescape(p)
		if err != nil {
			u = p
		}
		segs = append(segs, u)
	}
	if err := validate(r, "/"+strings.Join(segs, "/"), segs, raw); err != nil {
		v := fmt.Sprintf("%s %s violates GitHub's OpenAPI description: %v", r.Method, r.URL.RequestURI(), err)
		s.mu.Lock()
		s.violations = append(s.violations, v)
		expected := s.expectViolated
		s.mu.Unlock()
		if !expected {
			s.t.Errorf("fakegithub: %s", v)
		}
	} else if specLoaded() {
		s.mu.Lock()
		s.validated++
		s.mu.Unlock()
	}
	if f := s.fault(r.Method, "/"+strings.Join(segs, "/")); f != nil {
		if f.Then != nil {
			f.Then(s)
		}
		if f.Delay > 0 {
			select {
			case <-time.After(f.Delay):
			case <-r.Context().Done():
			}
		}
		if f.Landed {
			s.mu.Lock()
			s.route(r, segs, raw)
			s.mu.Unlock()
		}
		if f.Hangup {
			s.mu.Lock()
			s.log = append(s.log, Request{Method: r.Method, Path: "/" + strings.TrimPrefix(r.URL.EscapedPath(), BasePath), Query: r.URL.Query(), Body: string(raw), UserAgent: r.UserAgent()})
			s.mu.Unlock()
			if hj, ok := w.(http.Hijacker); ok {
				if conn, _, err := hj.Hijack(); err == nil {
					conn.Close()
					return
				}
			}
			panic(http.ErrAbortHandler)
		}
		if f.Status != 0 {
			body := any(json.RawMessage(f.Body))
			if f.Body == "" {
				body = msg(http.StatusText(f.Status))
			}
			s.write(w, r, raw, reply{status: f.Status, header: f.Header, body: body})
			return
		}
	}
	s.mu.Lock()
	rep := s.route(r, segs, raw)
	s.mu.Unlock()
	s.write(w, r, raw, rep)
}

func (s *Server) fault(method, path string) *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range s.faults {
		if (f.Method == "" || f.Method == method) && strings.HasSuffix(path, f.Path) && f.Times > 0 {
			if f.Skip > 0 {
				f.Skip--
				continue
			}
			f.Times--
			return f
		}
	}
	return nil
}

func (s *Server) write(w http.ResponseWriter, r *http.Request, raw []byte, rep reply) {
	s.mu.Lock()
	s.log = append(s.log, Request{Method: r.Method, Path: "/" + strings.TrimPrefix(r.URL.EscapedPath(), BasePath), Query: r.URL.Query(), Body: string(raw), Status: rep.status, UserAgent: r.UserAgent()})
	s.mu.Unlock()
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	if _, ok := rep.body.(rawBody); ok {
		h.Set("Content-Type", "application/vnd.github.raw")
	}
	h.Set("X-RateLimit-Limit", "5000")
	h.Set("X-RateLimit-Remaining", "4999")
	h.Set("X-RateLimit-Reset", strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10))
	h.Set("X-GitHub-Api-Version-Selected", "2022-11-28")
	for k, v := range rep.header {
		h.Set(k, v)
	}
	w.WriteHeader(rep.status)
	if b, ok := rep.body.(rawBody); ok {
		_, _ = w.Write(b)
	} else if rep.body != nil && rep.status != http.StatusNoContent {
		_ = json.NewEncoder(w).Encode(rep.body)
	}
}

func msg(m string) map[string]any {
	return map[string]any{"message": m, "documentation_url": "https://docs.github.com/rest"}
}

// route answers a request; s.mu is held.
func (s *Server) route(r *http.Request, segs []string, raw []byte) reply {
	if s.token != "" && r.Header.Get("Authorization") != "Bearer "+s.token && r.Header.Get("Authorization") != "token "+s.token {
		return reply{status: 401, body: msg("Bad credentials")}
	}
	if len(segs) < 4 || segs[0] != "repos" || segs[1] != s.owner || segs[2] != s.repo {
		return reply{status: 404, body: msg("Not Found")}
	}
	rest := segs[3:]
	m := r.Method
	if rep, ok := s.routeActions(r, rest, raw); ok {
		return rep
	}
	if rep, ok := s.routeGit(r, rest, raw); ok {
		return rep
	}
	if s.issuesDisabled && rest[0] == "issues" {
		return reply{status: 410, body: msg("Issues are disabled for this repo")}
	}
	switch {
	case rest[0] == "issues" && len(rest) == 1 && m == "GET":
		return s.list(r)
	case rest[0] == "issues" && len(rest) == 1 && m == "POST":
		return s.create(raw)
	case rest[0] == "labels" && len(rest) == 1 && m == "POST":
		return s.createLabel(raw)
	case rest[0] == "labels" && len(rest) == 2 && m == "GET":
		if s.labels[strings.ToLower(rest[1])] {
			return reply{status: 200, body: s.labelJSON(rest[1])}
		}
		return reply{status: 404, body: msg("Not Found")}
	case rest[0] == "assignees" && len(rest) == 2 && m == "GET":
		if s.assignable[strings.ToLower(rest[1])] {
			return reply{status: 204}
		}
		return reply{status: 404, body: msg("Not Found")}
	case rest[0] == "pulls" && len(rest) == 1 && m == "GET":
		return s.listPulls(r)
	case rest[0] == "issues" && len(rest) == 3 && rest[1] == "comments":
		return s.comment(m, rest[2], raw)
	case rest[0] == "issues" && len(rest) >= 2:
		n, err := strconv.Atoi(rest[1])
		is := s.issues[n]
		if err == nil && s.deleted[n] {
			return reply{status: 410, body: msg("This issue was deleted")}
		}
		if err != nil || is == nil {
			return reply{status: 404, body: msg("Not Found")}
		}
		switch {
		case len(rest) == 2 && m == "GET":
			return reply{status: 200, body: s.issueJSON(is)}
		case len(rest) == 2 && m == "PATCH":
			return s.edit(is, raw)
		case len(rest) == 3 && rest[2] == "comments" && m == "POST":
			body, bad, ok := commentBody(raw)
			if !ok {
				return bad
			}
			s.commentIDs(is)
			is.Comments = append(is.Comments, body)
			s.nextComment++
			is.commentIDs = append(is.commentIDs, s.nextComment)
			is.UpdatedAt = s.now()
			return reply{status: 201, body: s.commentJSON(is, len(is.Comments)-1)}
		case len(rest) == 3 && rest[2] == "comments" && m == "GET":
			return s.listComments(r, is)
		case len(rest) == 3 && rest[2] == "labels" && m == "POST":
			var body struct {
				Labels []string `json:"labels"`
			}
			if err := json.Unmarshal(raw, &body); err != nil {
				var plain []string
				if json.Unmarshal(raw, &plain) != nil {
					return invalid("Label", "labels", "invalid", "")
				}
				body.Labels = plain
			}
			for _, l := range body.Labels {
				if !has(is.Labels, l) {
					is.Labels = append(is.Labels, l)
				}
				s.labels[strings.ToLower(l)] = true
			}
			is.UpdatedAt = s.now()
			return reply{status: 200, body: s.labelsJSON(is.Labels)}
		case len(rest) == 4 && rest[2] == "labels" && m == "DELETE":
			if !has(is.Labels, rest[3]) {
				return reply{status: 404, body: msg("Label does not exist")}
			}
			var keep []string
			for _, l := range is.Labels {
				if !strings.EqualFold(l, rest[3]) {
					keep = append(keep, l)
				}
			}
			is.Labels = keep
			is.UpdatedAt = s.now()
			return reply{status: 200, body: s.labelsJSON(is.Labels)}
		}
	}
	return reply{status: 404, body: msg("Not Found")}
}

func has(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

func invalid(resource, field, code, message string) reply {
	e := map[string]any{"resource": resource, "field": field, "code": code}
	if message != "" {
		e["message"] = message
	}
	return reply{status: 422, body: map[string]any{"message": "Validation Failed", "errors": []any{e}, "documentation_url": "https://docs.github.com/rest"}}
}

type issueRequest struct {
	Title       *string   `json:"title"`
	Body        *string   `json:"body"`
	State       *string   `json:"state"`
	StateReason *string   `json:"state_reason"`
	Labels      *[]string `json:"labels"`
	Assignees   *[]string `json:"assignees"`
}

func (s *Server) checkWrite(req issueRequest) *reply {
	if req.Body != nil && len(*req.Body) > 65536 {
		r := invalid("Issue", "body", "custom", "body is too long (maximum is 65536 characters)")
		return &r
	}
	if req.Title != nil && len(*req.Title) > 256 {
		r := invalid("Issue", "title", "custom", "title is too long (maximum is 256 characters)")
		return &r
	}
	if req.Assignees != nil {
		for _, a := range *req.Assignees {
			if !s.assignable[strings.ToLower(a)] || s.rejected[strings.ToLower(a)] {
				r := reply{status: 422, body: map[string]any{"message": "Validation Failed", "documentation_url": "https://docs.github.com/rest",
					"errors": []any{map[string]any{"value": a, "resource": "Issue", "field": "assignees", "code": "invalid"}}}}
				return &r
			}
		}
	}
	return nil
}

func (s *Server) create(raw []byte) reply {
	var req issueRequest
	if err := json.Unmarshal(raw, &req); err != nil || req.Title == nil || *req.Title == "" {
		return invalid("Issue", "title", "missing_field", "")
	}
	if r := s.checkWrite(req); r != nil {
		return *r
	}
	now := s.now()
	is := &Issue{Number: s.next, Title: *req.Title, State: "open", User: "github-actions[bot]", CreatedAt: now, UpdatedAt: now}
	s.next++
	if req.Body != nil {
		is.Body = *req.Body
	}
	if req.Labels != nil {
		for _, l := range *req.Labels {
			if !s.labels[strings.ToLower(l)] {
				// GitHub creates missing labels for writers; this fake
				// demands they exist, to prove the tool creates them.
				return invalid("Label", "name", "invalid", fmt.Sprintf("label %q does not exist", l))
			}
		}
		is.Labels = append(is.Labels, *req.Labels...)
	}
	if req.Assignees != nil {
		is.Assignees = append(is.Assignees, *req.Assignees...)
	}
	s.issues[is.Number] = is
	return reply{status: 201, body: s.issueJSON(is)}
}

func (s *Server) edit(is *Issue, raw []byte) reply {
	var req issueRequest
	if err := json.Unmarshal(raw, &req); err != nil {
		return reply{status: 400, body: msg("Problems parsing JSON")}
	}
	if r := s.checkWrite(req); r != nil {
		return *r
	}
	now := s.now()
	if req.Title != nil {
		is.Title = *req.Title
	}
	if req.Body != nil {
		is.Body = *req.Body
	}
	if req.Labels != nil {
		is.Labels = append([]string(nil), *req.Labels...)
	}
	if req.Assignees != nil {
		is.Assignees = append([]string(nil), *req.Assignees...)
	}
	if req.State != nil && *req.State != is.State {
		switch *req.State {
		case "closed":
			is.State, is.ClosedAt, is.StateReason = "closed", now, "completed"
		case "open":
			is.State, is.ClosedAt, is.StateReason = "open", time.Time{}, "reopened"
		default:
			return invalid("Issue", "state", "invalid", "")
		}
	}
	if req.StateReason != nil {
		is.StateReason = *req.StateReason
	}
	is.UpdatedAt = now
	return reply{status: 200, body: s.issueJSON(is)}
}

func (s *Server) createLabel(raw []byte) reply {
	if s.labelForbidden {
		return reply{status: 403, body: msg("Resource not accessible by integration")}
	}
	var l struct {
		Name  string `json:"name"`
		Color string `json:"color"`
	}
	if json.Unmarshal(raw, &l) != nil || l.Name == "" {
		return invalid("Label", "name", "missing_field", "")
	}
	if s.labels[strings.ToLower(l.Name)] {
		return invalid("Label", "name", "already_exists", "")
	}
	s.labels[strings.ToLower(l.Name)] = true
	return reply{status: 201, body: s.labelJSON(l.Name)}
}

// list answers GET /repos/{owner}/{repo}/issues with GitHub's filters,
// sort, direction and Link pagination (per_page at most 100).
func (s *Server) list(r *http.Request) reply {
	q := r.URL.Query()
	state := q.Get("state")
	if state == "" {
		state = "open"
	}
	var since time.Time
	if v := q.Get("since"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return invalid("Issue", "since", "invalid", "")
		}
		since = t
	}
	var out []*Issue
	for _, is := range s.issues {
		if state != "all" && is.State != state || !since.IsZero() && is.UpdatedAt.Before(since) {
			continue
		}
		if lf := q.Get("labels"); lf != "" {
			ok := true
			for _, l := range strings.Split(lf, ",") {
				ok = ok && has(is.Labels, l)
			}
			if !ok {
				continue
			}
		}
		out = append(out, is)
	}
	key := func(is *Issue) time.Time { return is.CreatedAt }
	if q.Get("sort") == "updated" {
		key = func(is *Issue) time.Time { return is.UpdatedAt }
	}
	asc := q.Get("direction") == "asc"
	sort.Slice(out, func(i, j int) bool {
		a, b := key(out[i]), key(out[j])
		if a.Equal(b) {
			return (out[i].Number < out[j].Number) == asc
		}
		return a.Before(b) == asc
	})
	per, _ := strconv.Atoi(q.Get("per_page"))
	if per <= 0 {
		per = 30
	}
	per = min(per, 100)
	page, _ := strconv.Atoi(q.Get("page"))
	page = max(page, 1)
	last := max(1, (len(out)+per-1)/per)
	lo, hi := min((page-1)*per, len(out)), min(page*per, len(out))
	body := make([]any, 0, hi-lo)
	for _, is := range out[lo:hi] {
		body = append(body, s.issueJSON(is))
	}
	h := s.pageLinks(q, s.api("issues"), page, last)
	return reply{status: 200, header: h, body: body}
}

func (s *Server) api(format string, a ...any) string {
	return s.URL + fmt.Sprintf("repos/%s/%s/", s.owner, s.repo) + fmt.Sprintf(format, a...)
}

func (s *Server) html(format string, a ...any) string {
	return s.srv.URL + fmt.Sprintf("/%s/%s/", s.owner, s.repo) + fmt.Sprintf(format, a...)
}

func user(login string) map[string]any {
	return map[string]any{"login": login, "id": 41898282, "node_id": "MDM6Qm90NDE4OTgyODI=", "type": "Bot", "site_admin": false,
		"avatar_url": "https://avatars.githubusercontent.com/in/15368?v=4", "url": "https://api.github.com/users/" + url.PathEscape(login),
		"html_url": "https://github.com/apps/github-actions"}
}

func (s *Server) labelJSON(name string) map[string]any {
	return map[string]any{"id": len(name), "node_id": "LA_x", "url": s.api("labels/%s", url.PathEscape(name)), "name": name, "color": "ededed", "default": false, "description": nil}
}

func (s *Server) labelsJSON(names []string) []any {
	out := []any{}
	for _, n := range names {
		out = append(out, s.labelJSON(n))
	}
	return out
}

func ts(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format(time.RFC3339)
}

func (s *Server) issueJSON(is *Issue) map[string]any {
	assignees := []any{}
	var assignee any
	for i, a := range is.Assignees {
		u := user(a)
		u["type"] = "User"
		assignees = append(assignees, u)
		if i == 0 {
			assignee = u
		}
	}
	var reason any
	if is.StateReason != "" {
		reason = is.StateReason
	}
	m := map[string]any{
		"id": 1000000 + is.Number, "node_id": fmt.Sprintf("I_%d", is.Number), "number": is.Number,
		"url": s.api("issues/%d", is.Number), "repository_url": strings.TrimSuffix(s.api(""), "/"),
		"labels_url": s.api("issues/%d/labels{/name}", is.Number), "comments_url": s.api("issues/%d/comments", is.Number),
		"events_url": s.api("issues/%d/events", is.Number), "html_url": s.html("issues/%d", is.Number),
		"title": is.Title, "body": is.Body, "state": is.State, "state_reason": reason, "locked": false, "active_lock_reason": nil,
		"user": user(is.User), "labels": s.labelsJSON(is.Labels), "assignee": assignee, "assignees": assignees, "milestone": nil,
		"comments": len(is.Comments), "created_at": ts(is.CreatedAt), "updated_at": ts(is.UpdatedAt), "closed_at": ts(is.ClosedAt),
		"author_association": "NONE",
	}
	if is.PullRequest {
		m["pull_request"] = map[string]any{"url": s.api("pulls/%d", is.Number), "html_url": s.html("pull/%d", is.Number), "diff_url": s.html("pull/%d.diff", is.Number), "patch_url": s.html("pull/%d.patch", is.Number)}
	}
	return m
}
