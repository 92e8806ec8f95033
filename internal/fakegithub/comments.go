package fakegithub

import (
	"encoding/json"
	"net/http"
	"sort"
	"strconv"
)

// commentIDs gives the comments that a test stored on is (Issue.Comments)
// ids, so that they can be listed, edited and deleted; s.mu is held.
func (s *Server) commentIDs(is *Issue) {
	for len(is.commentIDs) < len(is.Comments) {
		s.nextComment++
		is.commentIDs = append(is.commentIDs, s.nextComment)
	}
}

// CommentIDs returns the ids of issue (or pull request) n's comments, in
// order.
func (s *Server) CommentIDs(n int) []int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	is := s.issues[n]
	if is == nil {
		return nil
	}
	s.commentIDs(is)
	return append([]int64(nil), is.commentIDs...)
}

func (s *Server) commentJSON(is *Issue, i int) map[string]any {
	id := is.commentIDs[i]
	return map[string]any{"id": id, "node_id": "IC_x", "body": is.Comments[i],
		"url": s.api("issues/comments/%d", id), "html_url": s.html("issues/%d#issuecomment-%d", is.Number, id),
		"issue_url": s.api("issues/%d", is.Number), "user": user("github-actions[bot]"),
		"created_at": s.now().UTC(), "updated_at": s.now().UTC(), "author_association": "NONE"}
}

// listComments answers GET /repos/{o}/{r}/issues/{n}/comments, oldest
// first, with Link pagination (per_page at most 100).
func (s *Server) listComments(r *http.Request, is *Issue) reply {
	s.commentIDs(is)
	q := r.URL.Query()
	per, _ := strconv.Atoi(q.Get("per_page"))
	if per <= 0 {
		per = 30
	}
	per = min(per, 100)
	page, _ := strconv.Atoi(q.Get("page"))
	page = max(page, 1)
	n := len(is.Comments)
	last := max(1, (n+per-1)/per)
	lo, hi := min((page-1)*per, n), min(page*per, n)
	body := make([]any, 0, hi-lo)
	for i := lo; i < hi; i++ {
		body = append(body, s.commentJSON(is, i))
	}
	h := s.pageLinks(q, s.api("issues/%d/comments", is.Number), page, last)
	return reply{status: 200, header: h, body: body}
}

// comment answers PATCH and DELETE /repos/{o}/{r}/issues/comments/{id}.
func (s *Server) comment(method, rawID string, raw []byte) reply {
	id, err := strconv.ParseInt(rawID, 10, 64)
	if err != nil {
		return reply{status: 404, body: msg("Not Found")}
	}
	numbers := make([]int, 0, len(s.issues))
	for n := range s.issues {
		numbers = append(numbers, n)
	}
	sort.Ints(numbers)
	for _, n := range numbers {
		is := s.issues[n]
		s.commentIDs(is)
		for i, cid := range is.commentIDs {
			if cid != id {
				continue
			}
			switch method {
			case "PATCH":
				body, bad, ok := commentBody(raw)
				if !ok {
					return bad
				}
				is.Comments[i] = body
				return reply{status: 200, body: s.commentJSON(is, i)}
			case "DELETE":
				is.Comments = append(is.Comments[:i:i], is.Comments[i+1:]...)
				is.commentIDs = append(is.commentIDs[:i:i], is.commentIDs[i+1:]...)
				return reply{status: 204}
			}
			return reply{status: 404, body: msg("Not Found")}
		}
	}
	return reply{status: 404, body: msg("Not Found")}
}

// commentBody reads the body of a comment that is created or edited, as
// GitHub checks it: present, and at most 65,536 characters; otherwise
// the 422 to answer.
func commentBody(raw []byte) (string, reply, bool) {
	var c struct {
		Body *string `json:"body"`
	}
	if json.Unmarshal(raw, &c) != nil || c.Body == nil {
		return "", invalid("IssueComment", "body", "missing_field", ""), false
	}
	if len(*c.Body) > 65536 {
		return "", invalid("IssueComment", "body", "custom", "body is too long (maximum is 65536 characters)"), false
	}
	return *c.Body, reply{}, true
}
