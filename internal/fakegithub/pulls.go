package fakegithub

import (
	"net/http"
	"sort"
	"strings"
)

// A Head is where a pull request's commits come from.
type Head struct {
	// Repo is "owner/name"; "" means the repository itself.
	Repo, Ref, SHA string
	// Base is the branch the pull request merges into.
	Base string
}

// SetPullRequestHead sets the head and base of pull request n (an issue
// added with PullRequest true), as GET /repos/{o}/{r}/pulls lists them.
func (s *Server) SetPullRequestHead(n int, h Head) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.heads == nil {
		s.heads = map[int]Head{}
	}
	s.heads[n] = h
}

// listPulls answers GET /repos/{o}/{r}/pulls with the state and head
// ("owner:branch") filters, one page of at most 100, oldest first.
func (s *Server) listPulls(r *http.Request) reply {
	q := r.URL.Query()
	state := q.Get("state")
	if state == "" {
		state = "open"
	}
	var numbers []int
	for n, is := range s.issues {
		if !is.PullRequest || state != "all" && is.State != state {
			continue
		}
		if h := q.Get("head"); h != "" {
			head := s.head(n)
			owner, _, _ := strings.Cut(head.Repo, "/")
			if h != owner+":"+head.Ref {
				continue
			}
		}
		numbers = append(numbers, n)
	}
	sort.Ints(numbers)
	body := []any{}
	for _, n := range numbers {
		body = append(body, s.pullJSON(s.issues[n]))
	}
	return reply{status: 200, body: body}
}

func (s *Server) head(n int) Head {
	h := s.heads[n]
	if h.Repo == "" {
		h.Repo = s.owner + "/" + s.repo
	}
	if h.Base == "" {
		h.Base = "main"
	}
	return h
}

func (s *Server) pullJSON(is *Issue) map[string]any {
	h := s.head(is.Number)
	repo := func(full string) map[string]any {
		owner, name, _ := strings.Cut(full, "/")
		return map[string]any{"id": len(full), "name": name, "full_name": full, "owner": user(owner), "private": false,
			"html_url": s.srv.URL + "/" + full, "url": s.URL + "repos/" + full}
	}
	return map[string]any{
		"id": 5000 + is.Number, "node_id": "PR_x", "number": is.Number, "state": is.State, "title": is.Title, "body": is.Body,
		"url": s.api("pulls/%d", is.Number), "html_url": s.html("pull/%d", is.Number), "user": user(is.User),
		"head":       map[string]any{"label": strings.Split(h.Repo, "/")[0] + ":" + h.Ref, "ref": h.Ref, "sha": h.SHA, "repo": repo(h.Repo)},
		"base":       map[string]any{"label": s.owner + ":" + h.Base, "ref": h.Base, "sha": "0000000000000000000000000000000000000000", "repo": repo(s.owner + "/" + s.repo)},
		"created_at": ts(is.CreatedAt), "updated_at": ts(is.UpdatedAt),
	}
}
