package fakegithub

import (
	"bytes"
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

// The fake's Git database keeps real Git objects: a blob, tree or commit
// is stored under the SHA-1 that git itself gives it (git hash-object,
// git mktree, git commit-tree), so that clients that compute or compare
// object names see what they would see on GitHub.

// botLogin and botEmail are the authenticated user of the fake's token,
// the author of commits made through the API without an author.
const (
	botLogin = "github-actions[bot]"
	botName  = "github-actions[bot]"
	botEmail = "41898282+github-actions[bot]@users.noreply.github.com"
)

// A gitObject is one Git object: its kind ("blob", "tree" or "commit"),
// the bytes git hashes after the header, and the parsed form.
type gitObject struct {
	kind    string
	body    []byte
	entries []treeEntry // tree
	commit  *gitCommit  // commit
}

// A treeEntry is one entry of a tree, with the mode as GitHub's API
// spells it ("040000" for a tree).
type treeEntry struct {
	mode, name, sha string
}

func (e treeEntry) kind() string {
	switch e.mode {
	case "040000":
		return "tree"
	case "160000":
		return "commit"
	}
	return "blob"
}

// A gitCommit is a parsed commit object.
type gitCommit struct {
	tree               string
	parents            []string
	author, committer  gitPerson
	message            string
	generation, serial int
}

// A gitPerson is a commit's author or committer.
type gitPerson struct {
	name, email string
	date        time.Time
}

func (p gitPerson) line() string {
	return fmt.Sprintf("%s <%s> %d +0000", p.name, p.email, p.date.Unix())
}

// A gitDB is the repository's object store and references.
type gitDB struct {
	objects map[string]*gitObject
	refs    map[string]string // "refs/heads/x" -> commit sha
	logins  map[string]string // author email -> GitHub login
	// gone holds commits made unreachable, as by a force push and
	// garbage collection: the commits, compare and contents endpoints
	// no longer find them.
	gone map[string]bool
	// races holds, per full ref name, how many PATCHes of it still
	// find that another writer moved the ref first.
	races     map[string]*race
	forbidden bool
	// empty makes the repository answer as one without a commit does,
	// until a branch exists.
	empty   bool
	commits int
	// defaultBranch is the branch the commits and contents endpoints
	// read when no ref is given.
	defaultBranch string
}

// A race is a pending ref update conflict.
type race struct {
	times int
	files map[string]string
}

// db returns the Git database, made on first use; s.mu is held.
func (s *Server) db() *gitDB {
	if s.git == nil {
		s.git = &gitDB{objects: map[string]*gitObject{}, refs: map[string]string{},
			logins: map[string]string{botEmail: botLogin}, gone: map[string]bool{}, races: map[string]*race{},
			defaultBranch: "main"}
	}
	return s.git
}

// hashObject returns git's object name for an object of kind with body.
func hashObject(kind string, body []byte) string {
	h := sha1.New()
	fmt.Fprintf(h, "%s %d\x00", kind, len(body))
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil))
}

func (g *gitDB) put(o *gitObject) string {
	sha := hashObject(o.kind, o.body)
	if _, ok := g.objects[sha]; !ok {
		g.objects[sha] = o
	}
	return sha
}

func (g *gitDB) putBlob(content []byte) string {
	return g.put(&gitObject{kind: "blob", body: append([]byte(nil), content...)})
}

// treeKey is the name git sorts a tree entry by: a tree "a" sorts as "a/".
func treeKey(e treeEntry) string {
	if e.mode == "040000" {
		return e.name + "/"
	}
	return e.name
}

// putTree stores a tree in git's binary format: "<mode> <name>\0<20-byte
// sha>" per entry, sorted as git sorts them, with a tree's mode written
// 40000 as git writes it.
func (g *gitDB) putTree(entries []treeEntry) string {
	entries = append([]treeEntry(nil), entries...)
	sort.Slice(entries, func(i, j int) bool { return treeKey(entries[i]) < treeKey(entries[j]) })
	var b bytes.Buffer
	for _, e := range entries {
		raw, _ := hex.DecodeString(e.sha)
		fmt.Fprintf(&b, "%s %s\x00", strings.TrimPrefix(e.mode, "0"), e.name)
		b.Write(raw)
	}
	return g.put(&gitObject{kind: "tree", body: b.Bytes(), entries: entries})
}

// putCommit stores a commit in git's text format.
func (g *gitDB) putCommit(c *gitCommit) string {
	var b strings.Builder
	fmt.Fprintf(&b, "tree %s\n", c.tree)
	for _, p := range c.parents {
		fmt.Fprintf(&b, "parent %s\n", p)
	}
	fmt.Fprintf(&b, "author %s\ncommitter %s\n\n%s", c.author.line(), c.committer.line(), c.message)
	for _, p := range c.parents {
		if pc := g.commit(p); pc != nil && pc.generation+1 > c.generation {
			c.generation = pc.generation + 1
		}
	}
	body := []byte(b.String())
	sha := hashObject("commit", body)
	if _, ok := g.objects[sha]; !ok {
		g.commits++
		c.serial = g.commits
	}
	return g.put(&gitObject{kind: "commit", body: body, commit: c})
}

func (g *gitDB) object(sha, kind string) *gitObject {
	o := g.objects[strings.ToLower(sha)]
	if o == nil || kind != "" && o.kind != kind {
		return nil
	}
	return o
}

func (g *gitDB) commit(sha string) *gitCommit {
	if o := g.object(sha, "commit"); o != nil {
		return o.commit
	}
	return nil
}

// flatten adds the files of tree sha to out under prefix.
func (g *gitDB) flatten(sha, prefix string, out map[string]treeEntry) {
	o := g.object(sha, "tree")
	if o == nil {
		return
	}
	for _, e := range o.entries {
		if e.mode == "040000" {
			g.flatten(e.sha, prefix+e.name+"/", out)
			continue
		}
		out[prefix+e.name] = treeEntry{mode: e.mode, name: prefix + e.name, sha: e.sha}
	}
}

// files returns the files of a commit's tree, by path.
func (g *gitDB) files(commit string) map[string]treeEntry {
	out := map[string]treeEntry{}
	if c := g.commit(commit); c != nil {
		g.flatten(c.tree, "", out)
	}
	return out
}

// resolve finds the commit a ref names: a full or abbreviated (7+)
// commit sha, a branch, a tag, or "refs/...". Commits made unreachable
// are not found.
func (g *gitDB) resolve(ref string) (string, bool) {
	for _, full := range []string{ref, "refs/" + ref, "refs/heads/" + ref, "refs/tags/" + ref} {
		if sha, ok := g.refs[full]; ok {
			return sha, true
		}
	}
	ref = strings.ToLower(ref)
	if len(ref) < 7 || len(ref) > 40 || strings.Trim(ref, "0123456789abcdef") != "" {
		return "", false
	}
	if c := g.commit(ref); c != nil && !g.gone[ref] {
		return ref, true
	}
	found := ""
	for sha, o := range g.objects {
		if o.kind == "commit" && strings.HasPrefix(sha, ref) && !g.gone[sha] {
			if found != "" {
				return "", false
			}
			found = sha
		}
	}
	return found, found != ""
}

// ancestors returns the commits reachable from sha, itself included.
func (g *gitDB) ancestors(sha string) map[string]bool {
	seen := map[string]bool{}
	stack := []string{sha}
	for len(stack) > 0 {
		c := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[c] || g.commit(c) == nil {
			continue
		}
		seen[c] = true
		stack = append(stack, g.commit(c).parents...)
	}
	return seen
}

// isAncestor reports whether commit anc is reachable from commit desc,
// walking back no further than anc's generation.
func (g *gitDB) isAncestor(anc, desc string) bool {
	a := g.commit(anc)
	if a == nil || g.commit(desc) == nil {
		return false
	}
	seen := map[string]bool{}
	stack := []string{desc}
	for len(stack) > 0 {
		c := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if c == anc {
			return true
		}
		gc := g.commit(c)
		if seen[c] || gc == nil || gc.generation <= a.generation {
			continue
		}
		seen[c] = true
		stack = append(stack, gc.parents...)
	}
	return false
}

// order lists a set of commits newest first, children before parents
// (git log's order), ties broken by commit date then creation order.
func (g *gitDB) order(set map[string]bool) []string {
	children := map[string]int{}
	for c := range set {
		for _, p := range g.commit(c).parents {
			if set[p] {
				children[p]++
			}
		}
	}
	var ready, out []string
	for c := range set {
		if children[c] == 0 {
			ready = append(ready, c)
		}
	}
	newer := func(a, b string) bool {
		ca, cb := g.commit(a), g.commit(b)
		if !ca.committer.date.Equal(cb.committer.date) {
			return ca.committer.date.After(cb.committer.date)
		}
		return ca.serial > cb.serial
	}
	for len(ready) > 0 {
		sort.Slice(ready, func(i, j int) bool { return newer(ready[i], ready[j]) })
		c := ready[0]
		ready = ready[1:]
		out = append(out, c)
		for _, p := range g.commit(c).parents {
			if set[p] {
				if children[p]--; children[p] == 0 {
					ready = append(ready, p)
				}
			}
		}
	}
	return out
}

// Git database endpoints.

func (s *Server) gitURL(kind, sha string) string { return s.api("git/%s/%s", kind, sha) }

func personJSON(p gitPerson) map[string]any {
	return map[string]any{"name": p.name, "email": p.email, "date": p.date.UTC().Format(time.RFC3339)}
}

func verification() map[string]any {
	return map[string]any{"verified": false, "reason": "unsigned", "signature": nil, "payload": nil, "verified_at": nil}
}

// base64Lines encodes b as GitHub does in blob and contents answers:
// base64 in lines of 60 characters, each ending in a newline.
func base64Lines(b []byte) string {
	enc := base64.StdEncoding.EncodeToString(b)
	var out strings.Builder
	for len(enc) > 60 {
		out.WriteString(enc[:60] + "\n")
		enc = enc[60:]
	}
	if enc != "" {
		out.WriteString(enc + "\n")
	}
	return out.String()
}

// rawBody is a reply body written as is, for the raw media type.
type rawBody []byte

// wantsRaw reports whether the request asks for the raw media type.
func wantsRaw(r *http.Request) bool {
	a := r.Header.Get("Accept")
	return strings.Contains(a, "application/vnd.github.raw") || strings.Contains(a, "application/vnd.github.v3.raw")
}

func unprocessable(m string) reply {
	return reply{status: 422, body: msg(m)}
}

func notFound() reply { return reply{status: 404, body: msg("Not Found")} }

// emptyRepository is GitHub's answer to the Git database, commits and
// compare endpoints in a repository without a commit.
func emptyRepository() reply { return reply{status: 409, body: msg("Git Repository is empty.")} }

// EmptyRepository makes the repository one without any commit, as
// GitHub makes it: until a branch exists (Seed makes one) the Git
// database, commits, compare and contents endpoints answer 409 "Git
// Repository is empty.", writes included, so no orphan branch can be
// made through the API.
func (s *Server) EmptyRepository() {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.db()
	g.empty = true
	clear(g.refs)
}

// routeGit answers the Git database, commits, compare and contents
// endpoints; s.mu is held. ok is false for other paths.
func (s *Server) routeGit(r *http.Request, rest []string, raw []byte) (rep reply, ok bool) {
	m := r.Method
	switch rest[0] {
	case "git":
		if len(rest) < 2 {
			return reply{}, false
		}
	case "commits", "compare", "contents", "branches":
		return s.routeHistory(r, rest)
	default:
		return reply{}, false
	}
	g := s.db()
	if g.empty && len(g.refs) == 0 {
		return emptyRepository(), true
	}
	if m != http.MethodGet && g.forbidden {
		return reply{status: 403, body: msg("Resource not accessible by integration")}, true
	}
	switch {
	case rest[1] == "blobs" && len(rest) == 2 && m == "POST":
		return s.createBlob(raw), true
	case rest[1] == "blobs" && len(rest) == 3 && m == "GET":
		o := g.object(rest[2], "blob")
		if o == nil {
			return notFound(), true
		}
		if wantsRaw(r) {
			return reply{status: 200, body: rawBody(o.body)}, true
		}
		sha := strings.ToLower(rest[2])
		return reply{status: 200, body: map[string]any{"sha": sha, "node_id": "B_" + sha[:10], "size": len(o.body),
			"url": s.gitURL("blobs", sha), "content": base64Lines(o.body), "encoding": "base64"}}, true
	case rest[1] == "trees" && len(rest) == 2 && m == "POST":
		return s.createTree(raw), true
	case rest[1] == "trees" && len(rest) == 3 && m == "GET":
		sha := strings.ToLower(rest[2])
		if g.object(sha, "tree") == nil {
			if c, found := g.resolve(rest[2]); found {
				sha = g.commit(c).tree
			} else {
				return notFound(), true
			}
		}
		rec := r.URL.Query().Get("recursive")
		return reply{status: 200, body: s.treeJSON(sha, rec != "" && rec != "0" && rec != "false")}, true
	case rest[1] == "commits" && len(rest) == 2 && m == "POST":
		return s.createCommit(raw), true
	case rest[1] == "commits" && len(rest) == 3 && m == "GET":
		sha := strings.ToLower(rest[2])
		if g.commit(sha) == nil || g.gone[sha] {
			return notFound(), true
		}
		return reply{status: 200, body: s.gitCommitJSON(sha)}, true
	case rest[1] == "ref" && len(rest) >= 3 && m == "GET":
		name := "refs/" + strings.Join(rest[2:], "/")
		sha, found := g.refs[name]
		if !found {
			return notFound(), true
		}
		return reply{status: 200, body: s.refJSON(name, sha)}, true
	case rest[1] == "matching-refs" && len(rest) >= 2 && m == "GET":
		prefix := "refs/" + strings.Join(rest[2:], "/")
		var names []string
		for n := range g.refs {
			if strings.HasPrefix(n, prefix) {
				names = append(names, n)
			}
		}
		sort.Strings(names)
		out := []any{}
		for _, n := range names {
			out = append(out, s.refJSON(n, g.refs[n]))
		}
		return reply{status: 200, body: out}, true
	case rest[1] == "refs" && len(rest) == 2 && m == "POST":
		return s.createRef(raw), true
	case rest[1] == "refs" && len(rest) >= 3 && m == "PATCH":
		return s.updateRef("refs/"+strings.Join(rest[2:], "/"), raw), true
	case rest[1] == "refs" && len(rest) >= 3 && m == "DELETE":
		name := "refs/" + strings.Join(rest[2:], "/")
		if _, found := g.refs[name]; !found {
			return unprocessable("Reference does not exist"), true
		}
		delete(g.refs, name)
		return reply{status: 204}, true
	}
	return reply{}, false
}

func (s *Server) createBlob(raw []byte) reply {
	var req struct {
		Content  *string `json:"content"`
		Encoding string  `json:"encoding"`
	}
	if err := json.Unmarshal(raw, &req); err != nil {
		return reply{status: 400, body: msg("Problems parsing JSON")}
	}
	if req.Content == nil {
		return invalid("Blob", "content", "missing_field", "")
	}
	content := []byte(*req.Content)
	switch strings.ToLower(req.Encoding) {
	case "", "utf-8", "utf8":
	case "base64":
		b, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(*req.Content), ""))
		if err != nil {
			return unprocessable("Invalid base64 content")
		}
		content = b
	default:
		return unprocessable(fmt.Sprintf("encoding %q is not supported", req.Encoding))
	}
	sha := s.db().putBlob(content)
	return reply{status: 201, header: map[string]string{"Location": s.gitURL("blobs", sha)}, body: map[string]any{"sha": sha, "url": s.gitURL("blobs", sha)}}
}

// A treeRequestEntry is one entry of POST .../git/trees; SHA is a
// json.RawMessage to tell null (delete the path) from absent.
type treeRequestEntry struct {
	Path    string          `json:"path"`
	Mode    string          `json:"mode"`
	Type    string          `json:"type"`
	SHA     json.RawMessage `json:"sha"`
	Content *string         `json:"content"`
}

var modes = map[string]string{"100644": "blob", "100755": "blob", "120000": "blob", "040000": "tree", "160000": "commit"}

func (s *Server) createTree(raw []byte) reply {
	var req struct {
		BaseTree *string            `json:"base_tree"`
		Tree     []treeRequestEntry `json:"tree"`
	}
	if err := json.Unmarshal(raw, &req); err != nil {
		return reply{status: 400, body: msg("Problems parsing JSON")}
	}
	if req.Tree == nil {
		return invalid("Tree", "tree", "missing_field", "")
	}
	g := s.db()
	edit := g.edit("")
	if req.BaseTree != nil && *req.BaseTree != "" {
		if g.object(*req.BaseTree, "tree") == nil {
			return unprocessable("base_tree is not a valid tree oid")
		}
		edit = g.edit(strings.ToLower(*req.BaseTree))
	}
	for _, e := range req.Tree {
		p := e.Path
		if p == "" || strings.HasPrefix(p, "/") || strings.HasSuffix(p, "/") || strings.Contains(p, "//") {
			return unprocessable(fmt.Sprintf("tree.path %q is invalid", p))
		}
		kind, okMode := modes[e.Mode]
		if !okMode {
			return unprocessable("Must supply a valid tree.mode")
		}
		if e.Type != "" && e.Type != kind {
			return unprocessable(fmt.Sprintf("tree.type %q does not match tree.mode %s", e.Type, e.Mode))
		}
		null := string(bytes.TrimSpace(e.SHA)) == "null"
		var sha string
		if len(e.SHA) > 0 && !null {
			if json.Unmarshal(e.SHA, &sha) != nil {
				return unprocessable("tree.sha must be a string")
			}
		}
		switch {
		case sha != "" && e.Content != nil || sha == "" && e.Content == nil && !null:
			return unprocessable("Must supply either tree.sha or tree.content. Request will be rejected if both are present.")
		case null && e.Content == nil:
			// GitHub deletes files this way, and refuses a path that is
			// not a file of the base tree, directories included
			// (https://docs.github.com/rest/git/trees#create-a-tree,
			// google/go-github#2418).
			if !edit.remove(p) {
				return unprocessable("GitRPC::BadObjectState")
			}
			continue
		case e.Content != nil:
			if kind != "blob" {
				return unprocessable("tree.content is only allowed for a blob")
			}
			sha = g.putBlob([]byte(*e.Content))
		}
		sha = strings.ToLower(sha)
		if kind != "commit" && g.object(sha, kind) == nil {
			return unprocessable(fmt.Sprintf("tree.sha %s is not a valid %s", sha, kind))
		}
		edit.set(p, treeEntry{mode: e.Mode, sha: sha})
	}
	sha := edit.write()
	return reply{status: 201, header: map[string]string{"Location": s.gitURL("trees", sha)}, body: s.treeJSON(sha, false)}
}

// treeMax is the most entries a tree listing holds.
const treeMax = 100000

func (s *Server) treeJSON(sha string, recursive bool) map[string]any {
	g := s.db()
	list := []any{}
	var walk func(tree, prefix string)
	walk = func(tree, prefix string) {
		for _, e := range g.object(tree, "tree").entries {
			m := map[string]any{"path": prefix + e.name, "mode": e.mode, "type": e.kind(), "sha": e.sha}
			switch e.kind() {
			case "blob":
				m["size"] = len(g.objects[e.sha].body)
				m["url"] = s.gitURL("blobs", e.sha)
			case "tree":
				m["url"] = s.gitURL("trees", e.sha)
			}
			list = append(list, m)
			if recursive && e.kind() == "tree" {
				walk(e.sha, prefix+e.name+"/")
			}
		}
	}
	walk(sha, "")
	// GitHub cuts a recursive listing at 100,000 entries
	// (https://docs.github.com/rest/git/trees#get-a-tree).
	truncated := len(list) > treeMax
	if truncated {
		list = list[:treeMax]
	}
	return map[string]any{"sha": sha, "url": s.gitURL("trees", sha), "tree": list, "truncated": truncated}
}

type personRequest struct {
	Name  *string `json:"name"`
	Email *string `json:"email"`
	Date  *string `json:"date"`
}

func (p *personRequest) person(def gitPerson) (gitPerson, bool) {
	if p == nil {
		return def, true
	}
	out := def
	if p.Name != nil {
		out.name = *p.Name
	}
	if p.Email != nil {
		out.email = *p.Email
	}
	if p.Date != nil {
		t, err := time.Parse(time.RFC3339, *p.Date)
		if err != nil {
			return out, false
		}
		out.date = t
	}
	return out, true
}

func (s *Server) createCommit(raw []byte) reply {
	var req struct {
		Message   *string        `json:"message"`
		Tree      *string        `json:"tree"`
		Parents   []string       `json:"parents"`
		Author    *personRequest `json:"author"`
		Committer *personRequest `json:"committer"`
	}
	if err := json.Unmarshal(raw, &req); err != nil {
		return reply{status: 400, body: msg("Problems parsing JSON")}
	}
	if req.Message == nil {
		return invalid("Commit", "message", "missing_field", "")
	}
	if req.Tree == nil {
		return invalid("Commit", "tree", "missing_field", "")
	}
	g := s.db()
	if g.object(*req.Tree, "tree") == nil {
		return unprocessable("Tree SHA does not exist")
	}
	c := &gitCommit{tree: strings.ToLower(*req.Tree), message: *req.Message}
	for _, p := range req.Parents {
		if g.commit(p) == nil {
			return unprocessable("Parent SHA does not exist or is not a commit object")
		}
		c.parents = append(c.parents, strings.ToLower(p))
	}
	author, ok := req.Author.person(gitPerson{name: botName, email: botEmail, date: s.now().UTC().Truncate(time.Second)})
	if !ok {
		return invalid("Commit", "author", "invalid", "author.date is not a valid date-time")
	}
	committer, ok := req.Committer.person(author)
	if !ok {
		return invalid("Commit", "committer", "invalid", "committer.date is not a valid date-time")
	}
	if req.Committer == nil || req.Committer.Date == nil {
		committer.date = author.date
		if req.Author == nil || req.Author.Date == nil {
			committer.date = s.now().UTC().Truncate(time.Second)
		}
	}
	c.author, c.committer = author, committer
	sha := g.putCommit(c)
	return reply{status: 201, header: map[string]string{"Location": s.gitURL("commits", sha)}, body: s.gitCommitJSON(sha)}
}

func (s *Server) gitCommitJSON(sha string) map[string]any {
	c := s.db().commit(sha)
	parents := []any{}
	for _, p := range c.parents {
		parents = append(parents, map[string]any{"sha": p, "url": s.gitURL("commits", p), "html_url": s.html("commit/%s", p)})
	}
	return map[string]any{"sha": sha, "node_id": "C_" + sha[:10], "url": s.gitURL("commits", sha), "html_url": s.html("commit/%s", sha),
		"author": personJSON(c.author), "committer": personJSON(c.committer), "message": c.message,
		"tree": map[string]any{"sha": c.tree, "url": s.gitURL("trees", c.tree)}, "parents": parents, "verification": verification()}
}

func (s *Server) refJSON(name, sha string) map[string]any {
	kind := "commit"
	if o := s.db().objects[sha]; o != nil {
		kind = o.kind
	}
	return map[string]any{"ref": name, "node_id": "REF_" + strconv.Itoa(len(name)), "url": s.api("git/%s", name),
		"object": map[string]any{"type": kind, "sha": sha, "url": s.gitURL(kind+"s", sha)}}
}

// validRef reports whether name is a full reference name git accepts.
func validRef(name string) bool {
	if !strings.HasPrefix(name, "refs/") || strings.Count(name, "/") < 2 || strings.HasSuffix(name, "/") ||
		strings.Contains(name, "..") || strings.Contains(name, "//") || strings.HasSuffix(name, ".lock") {
		return false
	}
	return !strings.ContainsAny(name, " ~^:?*[\\\x7f") && !strings.Contains(name, "@{")
}

func (s *Server) createRef(raw []byte) reply {
	var req struct {
		Ref *string `json:"ref"`
		SHA *string `json:"sha"`
	}
	if err := json.Unmarshal(raw, &req); err != nil {
		return reply{status: 400, body: msg("Problems parsing JSON")}
	}
	if req.Ref == nil || req.SHA == nil {
		return invalid("Reference", "ref", "missing_field", "")
	}
	if !validRef(*req.Ref) {
		return unprocessable("Reference name must start with 'refs/' and have at least two slashes")
	}
	g := s.db()
	if _, found := g.refs[*req.Ref]; found {
		return unprocessable("Reference already exists")
	}
	sha := strings.ToLower(*req.SHA)
	if g.objects[sha] == nil {
		return unprocessable("Object does not exist")
	}
	g.refs[*req.Ref] = sha
	return reply{status: 201, header: map[string]string{"Location": s.api("git/%s", *req.Ref)}, body: s.refJSON(*req.Ref, sha)}
}

// updateRef moves a reference: a fast-forward unless force is true. The
// compare-and-swap is atomic because s.mu is held.
func (s *Server) updateRef(name string, raw []byte) reply {
	var req struct {
		SHA   *string `json:"sha"`
		Force bool    `json:"force"`
	}
	if err := json.Unmarshal(raw, &req); err != nil {
		return reply{status: 400, body: msg("Problems parsing JSON")}
	}
	if req.SHA == nil {
		return invalid("Reference", "sha", "missing_field", "")
	}
	g := s.db()
	cur, found := g.refs[name]
	if !found {
		return unprocessable("Reference does not exist")
	}
	if rc := g.races[name]; rc != nil && rc.times > 0 && !req.Force {
		rc.times--
		cur = s.otherWriter(name, rc.files)
	}
	sha := strings.ToLower(*req.SHA)
	if g.objects[sha] == nil {
		return unprocessable("Object does not exist")
	}
	if !req.Force && sha != cur && !g.isAncestor(cur, sha) {
		return unprocessable("Update is not a fast forward")
	}
	g.refs[name] = sha
	return reply{status: 200, body: s.refJSON(name, sha)}
}

// otherWriter lands a commit by another writer on ref, with files added
// to its tree, and returns the commit's sha; s.mu is held.
func (s *Server) otherWriter(ref string, files map[string]string) string {
	g := s.db()
	cur := g.refs[ref]
	tree := ""
	if c := g.commit(cur); c != nil {
		tree = c.tree
	}
	edit := g.edit(tree)
	for p, content := range files {
		edit.set(p, treeEntry{mode: "100644", sha: g.putBlob([]byte(content))})
	}
	now := s.now().UTC().Truncate(time.Second)
	who := gitPerson{name: "another-writer", email: "another-writer@users.noreply.github.com", date: now}
	var parents []string
	if g.commit(cur) != nil {
		parents = []string{cur}
	}
	sha := g.putCommit(&gitCommit{tree: edit.write(), parents: parents, author: who, committer: who,
		message: fmt.Sprintf("another writer %d", g.commits+1)})
	g.refs[ref] = sha
	return sha
}

// RaceRef makes the next times non-forced PATCHes of ref (such as
// "heads/flake-triage-history") lose a race: just before each, another
// writer lands a commit on the ref that adds files (nil adds none), so
// the update answers 422 "Update is not a fast forward" and the ref
// holds the other writer's commit, which a client must re-read and build
// on.
func (s *Server) RaceRef(ref string, times int, files map[string]string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.db().races["refs/"+strings.TrimPrefix(ref, "refs/")] = &race{times: times, files: files}
}

// ForbidContentsWrite makes every Git database write answer 403, as for
// a token without contents: write; reads still work.
func (s *Server) ForbidContentsWrite() { s.mu.Lock(); s.db().forbidden = true; s.mu.Unlock() }

// SetDefaultBranch sets the repository's default branch ("main" unless
// set), which the commits and contents endpoints read without a ref.
func (s *Server) SetDefaultBranch(name string) {
	s.mu.Lock()
	s.db().defaultBranch = name
	s.mu.Unlock()
}

// Ref returns the commit sha a reference (such as "heads/main") points
// at, or "".
func (s *Server) Ref(ref string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.db().refs["refs/"+strings.TrimPrefix(ref, "refs/")]
}

// Files returns the files of a branch (or commit) with their contents,
// by path; nil when the branch does not exist.
func (s *Server) Files(branch string) map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.db()
	sha, ok := g.resolve(branch)
	if !ok {
		return nil
	}
	out := map[string]string{}
	for p, e := range g.files(sha) {
		if o := g.object(e.sha, "blob"); o != nil {
			out[p] = string(o.body)
		}
	}
	return out
}

// Commits returns how many commits the Git database holds.
func (s *Server) Commits() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.db().commits
}
