package fakegithub

import (
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

// A SeedCommit is one commit of a seeded history: "commit X by alice
// touched a/b.go on day D".
type SeedCommit struct {
	// Login is the author's GitHub login; "" leaves the commit's author
	// unmapped (the API answers "author": null, as for an email GitHub
	// does not know).
	Login string
	// Name and Email default to the login and
	// <login>@users.noreply.github.com.
	Name, Email string
	// Date is the author and committer date; zero means the clock.
	Date time.Time
	// Message defaults to "Change <files>".
	Message string
	// Files are the paths the commit touches: each one's content gains a
	// line (a missing file is created).
	Files []string
	// Contents gives files their exact content.
	Contents map[string]string
	// Delete removes paths (a file, or a directory with its files).
	Delete []string
}

// Seed adds commits, oldest first, on top of branch (created when
// absent) and returns their shas. The commits are real Git objects, read
// back by the Git database, commits, compare and contents endpoints.
func (s *Server) Seed(branch string, commits ...SeedCommit) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.db()
	ref := "refs/heads/" + branch
	var shas []string
	for _, sc := range commits {
		head := g.refs[ref]
		tree := ""
		if c := g.commit(head); c != nil {
			tree = c.tree
		}
		edit := g.edit(tree)
		for _, p := range sc.Delete {
			edit.removeAll(p)
		}
		msg := sc.Message
		if msg == "" {
			var touched []string
			touched = append(touched, sc.Files...)
			for p := range sc.Contents {
				touched = append(touched, p)
			}
			sort.Strings(touched)
			msg = "Change " + strings.Join(touched, ", ")
		}
		for _, p := range sc.Files {
			old := ""
			if e, ok := edit.file(p); ok {
				if o := g.object(e.sha, "blob"); o != nil {
					old = string(o.body)
				}
			}
			edit.set(p, treeEntry{mode: "100644", sha: g.putBlob([]byte(old + msg + "\n"))})
		}
		for p, c := range sc.Contents {
			edit.set(p, treeEntry{mode: "100644", sha: g.putBlob([]byte(c))})
		}
		who := gitPerson{name: sc.Name, email: sc.Email, date: sc.Date.UTC().Truncate(time.Second)}
		if sc.Date.IsZero() {
			who.date = s.now().UTC().Truncate(time.Second)
		}
		if who.name == "" {
			who.name = sc.Login
		}
		if who.name == "" {
			who.name = "Someone"
		}
		if who.email == "" && sc.Login != "" {
			who.email = sc.Login + "@users.noreply.github.com"
		}
		if who.email == "" {
			who.email = "someone@example.com"
		}
		if sc.Login != "" {
			g.logins[strings.ToLower(who.email)] = sc.Login
		}
		c := &gitCommit{tree: edit.write(), author: who, committer: who, message: msg}
		if head != "" {
			c.parents = []string{head}
		}
		sha := g.putCommit(c)
		g.refs[ref] = sha
		shas = append(shas, sha)
	}
	return shas
}

// Unreachable makes commit sha unknown to the commits, compare, contents
// and Git commit endpoints (404), as after a force push and garbage
// collection. Branches that point at it keep doing so.
func (s *Server) Unreachable(sha string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.db().gone[strings.ToLower(sha)] = true
}

// ForcePush points branch at commit sha (such as an older commit, or a
// rewritten history) and makes the commits that only the old head
// reached unreachable, as a force push followed by garbage collection
// does: compare and commits answer 404 or 422 for them.
func (s *Server) ForcePush(branch, sha string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.db()
	ref := "refs/heads/" + branch
	old := g.ancestors(g.refs[ref])
	g.refs[ref] = strings.ToLower(sha)
	kept := map[string]bool{}
	for _, head := range g.refs {
		for c := range g.ancestors(head) {
			kept[c] = true
		}
	}
	for c := range old {
		if !kept[c] {
			g.gone[c] = true
		}
	}
}

// A fileChange is one file of a diff.
type fileChange struct {
	path, status       string
	sha                string
	additions, removes int
}

// diff compares two commits' files (from "" is the empty tree).
func (g *gitDB) diff(from, to string) []fileChange {
	a, b := map[string]treeEntry{}, g.files(to)
	if from != "" {
		a = g.files(from)
	}
	var out []fileChange
	lines := func(sha string) []string {
		if o := g.object(sha, "blob"); o != nil && len(o.body) > 0 {
			return strings.SplitAfter(strings.TrimSuffix(string(o.body), "\n"), "\n")
		}
		return nil
	}
	for p, e := range b {
		old, had := a[p]
		switch {
		case !had:
			out = append(out, fileChange{path: p, status: "added", sha: e.sha, additions: len(lines(e.sha))})
		case old.sha != e.sha:
			add, del := lineDiff(lines(old.sha), lines(e.sha))
			out = append(out, fileChange{path: p, status: "modified", sha: e.sha, additions: add, removes: del})
		}
	}
	for p, e := range a {
		if _, has := b[p]; !has {
			out = append(out, fileChange{path: p, status: "removed", sha: e.sha, removes: len(lines(e.sha))})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].path < out[j].path })
	return out
}

// lineDiff counts added and removed lines as multisets: enough for the
// counts GitHub reports.
func lineDiff(a, b []string) (add, del int) {
	n := map[string]int{}
	for _, l := range a {
		n[strings.TrimSuffix(l, "\n")]++
	}
	for _, l := range b {
		k := strings.TrimSuffix(l, "\n")
		if n[k] > 0 {
			n[k]--
		} else {
			add++
		}
	}
	for _, v := range n {
		del += v
	}
	return add, del
}

// touches reports whether commit c changed a file at p or below
// directory p, compared with its first parent.
func (g *gitDB) touches(c string, p string) bool {
	p = strings.Trim(p, "/")
	if p == "" {
		return true
	}
	now, _ := g.entryAt(g.commit(c).tree, p)
	var before treeEntry
	if ps := g.commit(c).parents; len(ps) > 0 {
		before, _ = g.entryAt(g.commit(ps[0]).tree, p)
	}
	return now.sha != before.sha
}

func (s *Server) filesJSON(changes []fileChange, ref string) []any {
	out := []any{}
	for _, f := range changes {
		out = append(out, map[string]any{"sha": f.sha, "filename": f.path, "status": f.status,
			"additions": f.additions, "deletions": f.removes, "changes": f.additions + f.removes,
			"blob_url": s.html("blob/%s/%s", ref, f.path), "raw_url": s.html("raw/%s/%s", ref, f.path),
			"contents_url": s.api("contents/%s?ref=%s", f.path, ref)})
	}
	return out
}

// userJSON is a person's account as GitHub shows it in commits.
func userJSON(login string) map[string]any {
	if login == botLogin {
		return user(login)
	}
	return map[string]any{"login": login, "id": len(login) + 1000, "node_id": "U_" + login, "type": "User", "site_admin": false,
		"avatar_url": "https://avatars.githubusercontent.com/u/1?v=4", "url": "https://api.github.com/users/" + url.PathEscape(login),
		"html_url": "https://github.com/" + url.PathEscape(login)}
}

// commitJSON is a commit as the commits and compare endpoints show it;
// withFiles adds the stats and files of GET .../commits/{ref}.
func (s *Server) commitJSON(sha string, withFiles bool) map[string]any {
	g := s.db()
	c := g.commit(sha)
	account := func(p gitPerson) any {
		if login, ok := g.logins[strings.ToLower(p.email)]; ok {
			return userJSON(login)
		}
		return nil
	}
	parents := []any{}
	for _, p := range c.parents {
		parents = append(parents, map[string]any{"sha": p, "url": s.api("commits/%s", p), "html_url": s.html("commit/%s", p)})
	}
	m := map[string]any{"sha": sha, "node_id": "C_" + sha[:10], "url": s.api("commits/%s", sha), "html_url": s.html("commit/%s", sha),
		"comments_url": s.api("commits/%s/comments", sha),
		"commit": map[string]any{"url": s.gitURL("commits", sha), "author": personJSON(c.author), "committer": personJSON(c.committer),
			"message": c.message, "comment_count": 0, "tree": map[string]any{"sha": c.tree, "url": s.gitURL("trees", c.tree)},
			"verification": verification()},
		"author": account(c.author), "committer": account(c.committer), "parents": parents}
	if withFiles {
		parent := ""
		if len(c.parents) > 0 {
			parent = c.parents[0]
		}
		changes := g.diff(parent, sha)
		add, del := 0, 0
		for _, f := range changes {
			add, del = add+f.additions, del+f.removes
		}
		m["stats"] = map[string]any{"additions": add, "deletions": del, "total": add + del}
		m["files"] = s.filesJSON(changes, sha)
	}
	return m
}

// paginate cuts n items into the page the query asks for (per_page
// default def, at most max) and returns the bounds and the Link header
// for the endpoint at api (a path below the repository).
func (s *Server) paginate(q url.Values, n, def, most int, api string) (lo, hi int, h map[string]string, bad bool) {
	per, page := def, 1
	if v := q.Get("per_page"); v != "" {
		p, err := strconv.Atoi(v)
		if err != nil {
			return 0, 0, nil, true
		}
		per = p
	}
	if v := q.Get("page"); v != "" {
		p, err := strconv.Atoi(v)
		if err != nil {
			return 0, 0, nil, true
		}
		page = p
	}
	if per <= 0 {
		per = def
	}
	per = min(per, most)
	page = max(page, 1)
	last := max(1, (n+per-1)/per)
	lo, hi = min((page-1)*per, n), min(page*per, n)
	h = s.pageLinks(q, s.api("%s", api), page, last)
	return lo, hi, h, false
}

// pageLinks is the Link header of page of last pages of the list at
// list, whose query was q: next and last, first and prev, as GitHub
// gives them; empty when there is one page.
func (s *Server) pageLinks(q url.Values, list string, page, last int) map[string]string {
	link := func(p int, rel string) string {
		q2 := url.Values{}
		maps.Copy(q2, q)
		q2.Set("page", strconv.Itoa(p))
		return fmt.Sprintf(`<%s?%s>; rel="%s"`, list, q2.Encode(), rel)
	}
	var links []string
	if page < last {
		links = append(links, link(page+1, "next"), link(last, "last"))
	}
	if page > 1 {
		links = append(links, link(1, "first"), link(page-1, "prev"))
	}
	h := map[string]string{}
	if len(links) > 0 {
		h["Link"] = strings.Join(links, ", ")
	}
	return h
}

// routeHistory answers GET .../commits, .../commits/{ref},
// .../compare/{basehead}, .../branches/{branch} and .../contents/{path};
// s.mu is held.
func (s *Server) routeHistory(r *http.Request, rest []string) (reply, bool) {
	mine := r.Method == http.MethodGet && (rest[0] == "commits" && len(rest) <= 2 || rest[0] == "contents" ||
		(rest[0] == "compare" || rest[0] == "branches") && len(rest) == 2)
	if !mine {
		// Left to other routes: commits/{sha}/pulls and the like.
		return reply{}, false
	}
	g := s.db()
	if g.empty && len(g.refs) == 0 {
		return emptyRepository(), true
	}
	q := r.URL.Query()
	switch {
	case rest[0] == "commits" && len(rest) == 1:
		return s.listCommits(q), true
	case rest[0] == "commits" && len(rest) == 2:
		sha, ok := g.resolve(rest[1])
		if !ok {
			return unprocessable("No commit found for SHA: " + rest[1]), true
		}
		return reply{status: 200, body: s.commitJSON(sha, true)}, true
	case rest[0] == "compare" && len(rest) == 2:
		return s.compare(q, rest[1]), true
	case rest[0] == "branches" && len(rest) == 2:
		sha, ok := g.refs["refs/heads/"+rest[1]]
		if !ok || g.gone[sha] {
			return reply{status: 404, body: msg("Branch not found")}, true
		}
		return reply{status: 200, body: map[string]any{"name": rest[1], "commit": s.commitJSON(sha, false), "protected": false,
			"protection":     map[string]any{"enabled": false, "required_status_checks": map[string]any{"enforcement_level": "off", "contexts": []any{}, "checks": []any{}}},
			"protection_url": s.api("branches/%s/protection", url.PathEscape(rest[1])),
			"_links":         map[string]any{"self": s.api("branches/%s", url.PathEscape(rest[1])), "html": s.html("tree/%s", rest[1])}}}, true
	case rest[0] == "contents":
		ref := q.Get("ref")
		if ref == "" {
			ref = g.defaultBranch
		}
		sha, ok := g.resolve(ref)
		if !ok {
			return notFound(), true
		}
		return s.contents(r, sha, strings.Join(rest[1:], "/")), true
	}
	return reply{}, false
}

func (s *Server) listCommits(q url.Values) reply {
	g := s.db()
	ref := q.Get("sha")
	if ref == "" {
		ref = g.defaultBranch
	}
	head, ok := g.resolve(ref)
	if !ok {
		return reply{status: 404, body: msg("No commit found for SHA: " + ref)}
	}
	var since, until time.Time
	for _, p := range []struct {
		name string
		t    *time.Time
	}{{"since", &since}, {"until", &until}} {
		if v := q.Get(p.name); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				return invalid("Commit", p.name, "invalid", "")
			}
			*p.t = t
		}
	}
	var out []string
	for _, c := range g.order(g.ancestors(head)) {
		gc := g.commit(c)
		d := gc.committer.date
		if !since.IsZero() && d.Before(since) || !until.IsZero() && d.After(until) {
			continue
		}
		if !g.by(gc.author, q.Get("author")) || !g.by(gc.committer, q.Get("committer")) {
			continue
		}
		if p := q.Get("path"); p != "" && !g.touches(c, p) {
			continue
		}
		out = append(out, c)
	}
	lo, hi, h, bad := s.paginate(q, len(out), 30, 100, "commits")
	if bad {
		return invalid("Commit", "page", "invalid", "")
	}
	body := []any{}
	for _, c := range out[lo:hi] {
		body = append(body, s.commitJSON(c, false))
	}
	return reply{status: 200, header: h, body: body}
}

// by reports whether p is the person a login or email names ("" names
// anyone).
func (g *gitDB) by(p gitPerson, who string) bool {
	return who == "" || strings.EqualFold(g.logins[strings.ToLower(p.email)], who) || strings.EqualFold(p.email, who)
}

// compare answers GET .../compare/{base}...{head}: the commits reachable
// from head and not from base, oldest first, and the files changed
// since the merge base. Without page or per_page it lists the 250 most
// recent commits, as GitHub does; paged, the files (at most 300) come
// on the first page only.
func (s *Server) compare(q url.Values, basehead string) reply {
	g := s.db()
	base, head, ok := strings.Cut(basehead, "...")
	if !ok {
		return notFound()
	}
	// "owner:branch" names a branch of a fork; the fake has one repository.
	_, base, _ = cutLast(base, ":")
	_, head, _ = cutLast(head, ":")
	bsha, ok1 := g.resolve(base)
	hsha, ok2 := g.resolve(head)
	if !ok1 || !ok2 {
		return notFound()
	}
	ab, ah := g.ancestors(bsha), g.ancestors(hsha)
	ahead, behind := map[string]bool{}, map[string]bool{}
	for c := range ah {
		if !ab[c] {
			ahead[c] = true
		}
	}
	for c := range ab {
		if !ah[c] {
			behind[c] = true
		}
	}
	mergeBase := ""
	for c := range ab {
		if ah[c] && (mergeBase == "" || g.commit(c).generation > g.commit(mergeBase).generation ||
			g.commit(c).generation == g.commit(mergeBase).generation && c < mergeBase) {
			mergeBase = c
		}
	}
	if mergeBase == "" {
		return reply{status: 404, body: msg(fmt.Sprintf("No common ancestor between %s and %s.", base, head))}
	}
	status := "diverged"
	switch {
	case len(ahead) == 0 && len(behind) == 0:
		status = "identical"
	case len(behind) == 0:
		status = "ahead"
	case len(ahead) == 0:
		status = "behind"
	}
	order := g.order(ahead)
	for i, j := 0, len(order)-1; i < j; i, j = i+1, j-1 {
		order[i], order[j] = order[j], order[i]
	}
	// Unpaged, the list ends with the most recent commit.
	lo, hi, h := max(0, len(order)-250), len(order), map[string]string{}
	paged := q.Has("page") || q.Has("per_page")
	if paged {
		var bad bool
		lo, hi, h, bad = s.paginate(q, len(order), 30, 100, "compare/"+basehead)
		if bad {
			return invalid("Comparison", "page", "invalid", "")
		}
	}
	commits := []any{}
	for _, c := range order[lo:hi] {
		commits = append(commits, s.commitJSON(c, false))
	}
	body := map[string]any{
		"url": s.api("compare/%s", basehead), "html_url": s.html("compare/%s", basehead),
		"permalink_url": s.html("compare/%s...%s", bsha, hsha),
		"diff_url":      s.html("compare/%s.diff", basehead), "patch_url": s.html("compare/%s.patch", basehead),
		"base_commit": s.commitJSON(bsha, false), "merge_base_commit": s.commitJSON(mergeBase, false), "status": status,
		"ahead_by": len(ahead), "behind_by": len(behind), "total_commits": len(ahead), "commits": commits,
	}
	if !paged || q.Get("page") == "" || q.Get("page") == "1" {
		files := g.diff(mergeBase, hsha)
		if len(files) > 300 {
			files = files[:300]
		}
		body["files"] = s.filesJSON(files, hsha)
	}
	return reply{status: 200, header: h, body: body}
}

func cutLast(s, sep string) (before, after string, found bool) {
	if i := strings.LastIndex(s, sep); i >= 0 {
		return s[:i], s[i+len(sep):], true
	}
	return "", s, false
}

// contentsMax is the largest file the contents endpoint returns in its
// JSON.
const contentsMax = 1 << 20

// contents answers GET .../contents/{path}?ref=: a file as base64 JSON
// (or its bytes for the raw media type), a directory as a list.
func (s *Server) contents(r *http.Request, commit, p string) reply {
	g := s.db()
	p = strings.Trim(p, "/")
	files := g.files(commit)
	entry := func(name, kind, sha string, size int) map[string]any {
		m := map[string]any{"type": kind, "name": path.Base(name), "path": name, "sha": sha, "size": size,
			"url": s.api("contents/%s?ref=%s", name, commit), "git_url": s.gitURL(kind+"s", sha),
			"html_url": s.html("blob/%s/%s", commit, name), "download_url": nil}
		if kind == "file" {
			m["git_url"] = s.gitURL("blobs", sha)
			m["download_url"] = s.html("raw/%s/%s", commit, name)
		} else {
			m["git_url"] = s.gitURL("trees", sha)
			m["html_url"] = s.html("tree/%s/%s", commit, name)
		}
		m["_links"] = map[string]any{"self": m["url"], "git": m["git_url"], "html": m["html_url"]}
		return m
	}
	if e, ok := files[p]; ok {
		o := g.object(e.sha, "blob")
		if o == nil {
			return notFound()
		}
		if wantsRaw(r) {
			return reply{status: 200, body: rawBody(o.body)}
		}
		m := entry(p, "file", e.sha, len(o.body))
		m["encoding"] = "base64"
		m["content"] = base64Lines(o.body)
		if len(o.body) > contentsMax {
			// GitHub leaves files over 1 MB out of the JSON: read them
			// raw or through the blobs endpoint
			// (https://docs.github.com/rest/repos/contents#get-repository-content).
			m["encoding"], m["content"] = "none", ""
		}
		return reply{status: 200, body: m}
	}
	// A directory: walk the tree to it.
	tree := g.commit(commit).tree
	if p != "" {
		for _, part := range strings.Split(p, "/") {
			next := ""
			if o := g.object(tree, "tree"); o != nil {
				for _, e := range o.entries {
					if e.name == part && e.mode == "040000" {
						next = e.sha
					}
				}
			}
			if next == "" {
				return notFound()
			}
			tree = next
		}
	}
	list := []any{}
	for _, e := range g.object(tree, "tree").entries {
		name := strings.TrimPrefix(p+"/"+e.name, "/")
		switch e.kind() {
		case "tree":
			list = append(list, entry(name, "dir", e.sha, 0))
		case "blob":
			list = append(list, entry(name, "file", e.sha, len(g.objects[e.sha].body)))
		}
	}
	return reply{status: 200, body: list}
}

// A Commit is a commit of the fake's repository, for assertions.
type Commit struct {
	SHA, Message string
	// Author is the author's login, or the author's name when GitHub
	// would not map the email to an account.
	Author  string
	Date    time.Time
	Parents []string
	// Files are the paths changed from the first parent.
	Files []string
}

// Log returns the commits reachable from a branch or commit, newest
// first, as git log lists them.
func (s *Server) Log(ref string) []Commit {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.db()
	head, ok := g.resolve(ref)
	if !ok {
		return nil
	}
	var out []Commit
	for _, sha := range g.order(g.ancestors(head)) {
		c := g.commit(sha)
		author := c.author.name
		if login, ok := g.logins[strings.ToLower(c.author.email)]; ok {
			author = login
		}
		parent := ""
		if len(c.parents) > 0 {
			parent = c.parents[0]
		}
		var files []string
		for _, f := range g.diff(parent, sha) {
			files = append(files, f.path)
		}
		out = append(out, Commit{SHA: sha, Message: c.message, Author: author, Date: c.author.date,
			Parents: append([]string(nil), c.parents...), Files: files})
	}
	return out
}

// rawPrefix is where the fake serves files' download_url, as GitHub
// serves github.com/{owner}/{repo}/raw/{ref}/{path}.
func (s *Server) rawPrefix() string { return fmt.Sprintf("/%s/%s/raw/", s.owner, s.repo) }

// serveRaw answers a download_url with the file's bytes.
func (s *Server) serveRaw(w http.ResponseWriter, r *http.Request) {
	rest := strings.TrimPrefix(r.URL.Path, s.rawPrefix())
	ref, p, _ := strings.Cut(rest, "/")
	s.mu.Lock()
	g := s.db()
	var body []byte
	found := false
	if sha, ok := g.resolve(ref); ok {
		if e, ok := g.entryAt(g.commit(sha).tree, p); ok {
			if o := g.object(e.sha, "blob"); o != nil {
				body, found = o.body, true
			}
		}
	}
	code := http.StatusOK
	if !found {
		code = http.StatusNotFound
	}
	s.log = append(s.log, Request{Method: r.Method, Path: r.URL.EscapedPath(), Query: r.URL.Query(), UserAgent: r.UserAgent(), Status: code})
	s.mu.Unlock()
	if !found {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write(body)
}
