package fakegithub

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// An Artifact is a workflow run's artifact: a zip archive.
type Artifact struct {
	Name    string
	Zip     []byte
	Expired bool
}

type run struct {
	id        int64
	attempt   int
	sha       string
	branch    string
	event     string
	artifacts []int64
	// pr is the pull request the run is about (0: none, or a fork's,
	// which GitHub leaves out), and base its base branch.
	pr   int
	base string
	// headRepo is the repository the run's head commit came from
	// ("owner/name"); "" means the repository itself.
	headRepo string
}

// A CheckRun is a check run the tool created or updated, as received.
type CheckRun struct {
	ID          int64
	Name        string
	HeadSHA     string
	Conclusion  string
	Annotations int
}

// AddRun adds a completed workflow run with its artifacts, served by
// GET /repos/{o}/{r}/actions/runs/{id}, .../artifacts, and the archive
// download (a 302 to a pre-signed URL on another path of the fake, which
// refuses requests carrying the token, as the real storage ignores it).
func (s *Server) AddRun(id int64, attempt int, sha, branch, event string, arts ...Artifact) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.runs == nil {
		s.runs = map[int64]*run{}
		s.blobs = map[int64]Artifact{}
	}
	r := &run{id: id, attempt: attempt, sha: sha, branch: branch, event: event}
	for _, a := range arts {
		aid := int64(len(s.blobs) + 1)
		s.blobs[aid] = a
		r.artifacts = append(r.artifacts, aid)
	}
	s.runs[id] = r
}

// SetRunPullRequest says that workflow run id is about pull request pr
// onto base: the run's pull_requests list names it, as GitHub lists the
// pull requests of runs from branches of the repository itself.
func (s *Server) SetRunPullRequest(id int64, pr int, base string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r := s.runs[id]; r != nil {
		r.pr, r.base = pr, base
	}
}

// SetRunHeadRepository says that workflow run id ran the code of another
// repository (a fork, "owner/name"): GitHub then lists no pull request for
// the run.
func (s *Server) SetRunHeadRepository(id int64, fullName string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r := s.runs[id]; r != nil {
		r.headRepo = fullName
	}
}

// CheckRuns returns the check runs received, in order.
func (s *Server) CheckRuns() []CheckRun {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]CheckRun(nil), s.checks...)
}

// blobPath is where the fake serves archives, outside the API's base path.
const blobPath = "/blob/"

// serveBlob answers the pre-signed archive URL.
func (s *Server) serveBlob(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != "" {
		http.Error(w, "a pre-signed URL takes no Authorization header", http.StatusBadRequest)
		return
	}
	id, _ := strconv.ParseInt(strings.TrimPrefix(r.URL.Path, blobPath), 10, 64)
	s.mu.Lock()
	a, ok := s.blobs[id]
	s.mu.Unlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/zip")
	_, _ = w.Write(a.Zip)
}

// routeActions answers the workflow-run and check-run endpoints; s.mu is
// held. ok is false for other paths.
func (s *Server) routeActions(r *http.Request, rest []string, raw []byte) (rep reply, ok bool) {
	m := r.Method
	switch {
	case len(rest) == 3 && rest[0] == "actions" && rest[1] == "runs" && m == "GET":
		run := s.runs[atoi64(rest[2])]
		if run == nil {
			return reply{status: 404, body: msg("Not Found")}, true
		}
		return reply{status: 200, body: s.runJSON(run)}, true
	case len(rest) == 4 && rest[0] == "actions" && rest[1] == "runs" && rest[3] == "artifacts" && m == "GET":
		run := s.runs[atoi64(rest[2])]
		if run == nil {
			return reply{status: 404, body: msg("Not Found")}, true
		}
		list := []any{}
		for _, aid := range run.artifacts {
			a := s.blobs[aid]
			list = append(list, map[string]any{
				"id": aid, "node_id": "MDg6QXJ0aWZhY3Q" + strconv.FormatInt(aid, 10), "name": a.Name,
				"size_in_bytes": len(a.Zip), "url": s.api("actions/artifacts/%d", aid),
				"archive_download_url": s.api("actions/artifacts/%d/zip", aid), "expired": a.Expired,
				"created_at": s.now().UTC(), "expires_at": s.now().UTC().AddDate(0, 0, 90), "updated_at": s.now().UTC(),
			})
		}
		return reply{status: 200, body: map[string]any{"total_count": len(list), "artifacts": list}}, true
	case len(rest) == 4 && rest[0] == "actions" && rest[1] == "artifacts" && rest[3] == "zip" && m == "GET":
		aid := atoi64(rest[2])
		if _, found := s.blobs[aid]; !found {
			return reply{status: 404, body: msg("Not Found")}, true
		}
		if s.blobs[aid].Expired {
			return reply{status: 410, body: msg("Artifact has expired")}, true
		}
		return reply{status: 302, header: map[string]string{"Location": fmt.Sprintf("%s%s%d?sig=secret", s.srv.URL, blobPath, aid)}}, true
	case len(rest) == 1 && rest[0] == "check-runs" && m == "POST":
		c := s.decodeCheck(raw)
		c.ID = int64(len(s.checks) + 1)
		s.checks = append(s.checks, c)
		return reply{status: 201, body: s.checkJSON(c)}, true
	case len(rest) == 2 && rest[0] == "check-runs" && m == "PATCH":
		id := atoi64(rest[1])
		if id < 1 || int(id) > len(s.checks) {
			return reply{status: 404, body: msg("Not Found")}, true
		}
		c := s.decodeCheck(raw)
		prev := &s.checks[id-1]
		prev.Annotations += c.Annotations
		if c.Conclusion != "" {
			prev.Conclusion = c.Conclusion
		}
		return reply{status: 200, body: s.checkJSON(*prev)}, true
	}
	return reply{}, false
}

func (s *Server) decodeCheck(raw []byte) CheckRun {
	var body struct {
		Name       string `json:"name"`
		HeadSHA    string `json:"head_sha"`
		Conclusion string `json:"conclusion"`
		Output     struct {
			Annotations []any `json:"annotations"`
		} `json:"output"`
	}
	_ = json.Unmarshal(raw, &body)
	return CheckRun{Name: body.Name, HeadSHA: body.HeadSHA, Conclusion: body.Conclusion, Annotations: len(body.Output.Annotations)}
}

func (s *Server) checkJSON(c CheckRun) map[string]any {
	return map[string]any{"id": c.ID, "head_sha": c.HeadSHA, "node_id": "CR_x", "name": c.Name, "status": "completed",
		"conclusion": c.Conclusion, "url": s.api("check-runs/%d", c.ID), "html_url": s.html("runs/%d", c.ID)}
}

func (s *Server) runJSON(r *run) map[string]any {
	prs := []any{}
	if r.pr != 0 {
		repo := map[string]any{"id": 1, "url": strings.TrimSuffix(s.api(""), "/"), "name": s.repo}
		prs = append(prs, map[string]any{"id": 5000 + r.pr, "number": r.pr, "url": s.api("pulls/%d", r.pr),
			"head": map[string]any{"ref": r.branch, "sha": r.sha, "repo": repo},
			"base": map[string]any{"ref": r.base, "sha": "0000000000000000000000000000000000000000", "repo": repo}})
	}
	head := r.headRepo
	if head == "" {
		head = s.owner + "/" + s.repo
	}
	owner, name, _ := strings.Cut(head, "/")
	return map[string]any{
		"head_repository": map[string]any{"id": 2, "name": name, "full_name": head, "owner": user(owner), "private": false,
			"html_url": s.srv.URL + "/" + head, "url": s.URL + "repos/" + head},
		"id": r.id, "run_attempt": r.attempt, "head_sha": r.sha, "head_branch": r.branch, "event": r.event,
		"status": "completed", "conclusion": "failure", "name": "e2e", "run_number": r.id,
		"html_url": s.html("actions/runs/%d", r.id), "url": s.api("actions/runs/%d", r.id),
		"created_at": s.now().UTC(), "updated_at": s.now().UTC(), "pull_requests": prs,
	}
}

func atoi64(s string) int64 {
	n, _ := strconv.ParseInt(s, 10, 64)
	return n
}
