package fakegithub

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-github/v57/github"
)

// gitClient returns the real go-github client pointed at a new fake.
func gitClient(t *testing.T) (*Server, *github.Client) {
	t.Helper()
	s := New(t, "o", "r", "tok")
	c := github.NewClient(s.Client()).WithAuthToken("tok")
	u, err := url.Parse(s.URL)
	if err != nil {
		t.Fatal(err)
	}
	c.BaseURL = u
	return s, c
}

// status returns the HTTP status of a go-github error (0 for none).
func status(err error) int {
	var e *github.ErrorResponse
	if errors.As(err, &e) {
		return e.Response.StatusCode
	}
	return 0
}

func message(err error) string {
	var e *github.ErrorResponse
	if errors.As(err, &e) {
		return e.Message
	}
	return ""
}

var ctx = context.Background()

// commitFiles makes a commit of files on parent ("" for a root commit)
// through the Git database endpoints, as a ledger writer does.
func commitFiles(t *testing.T, c *github.Client, parent, msg string, files map[string]string) string {
	t.Helper()
	var entries []*github.TreeEntry
	for p, content := range files {
		entries = append(entries, &github.TreeEntry{Path: github.String(p), Mode: github.String("100644"), Type: github.String("blob"), Content: github.String(content)})
	}
	base := ""
	var parents []*github.Commit
	if parent != "" {
		pc, _, err := c.Git.GetCommit(ctx, "o", "r", parent)
		if err != nil {
			t.Fatal(err)
		}
		base = pc.GetTree().GetSHA()
		parents = []*github.Commit{{SHA: github.String(parent)}}
	}
	tree, _, err := c.Git.CreateTree(ctx, "o", "r", base, entries)
	if err != nil {
		t.Fatal(err)
	}
	com, _, err := c.Git.CreateCommit(ctx, "o", "r", &github.Commit{Message: github.String(msg), Tree: tree, Parents: parents}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return com.GetSHA()
}

func gitCmd(t *testing.T, dir, stdin string, env []string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(stdin)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// TestObjectNamesAreGits cross-checks every object name with the git
// binary: hash-object for blobs, write-tree of the same files for trees
// (git's own sort and format), commit-tree for commits.
func TestObjectNamesAreGits(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	_, c := gitClient(t)
	dir := t.TempDir()
	gitCmd(t, dir, "", nil, "init", "-q")

	files := map[string]string{
		"a":               "a file named like the tree a.b sorts around\n",
		"b/c.txt":         "nested\n",
		"b/d/e.json":      `{"deep":true}` + "\n",
		"a.b":             "dot\n",
		"b-c":             "dash sorts before the tree b\n",
		"runs/2026.jsonl": strings.Repeat(`{"run":1}`+"\n", 100),
		"empty":           "",
		"unicode ü":       "ü\n",
	}
	// "a" is a file here and "b" a tree: git sorts the tree b as "b/",
	// after "b-c".
	for p, content := range files {
		blob, _, err := c.Git.CreateBlob(ctx, "o", "r", &github.Blob{Content: github.String(content), Encoding: github.String("utf-8")})
		if err != nil {
			t.Fatal(err)
		}
		if want := gitCmd(t, dir, content, nil, "hash-object", "--stdin"); blob.GetSHA() != want {
			t.Errorf("blob %s: %s, git says %s", p, blob.GetSHA(), want)
		}
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	gitCmd(t, dir, "", nil, "add", "-A")
	wantTree := gitCmd(t, dir, "", nil, "write-tree")

	root := commitFiles(t, c, "", "ledger: start\n", files)
	rc, _, err := c.Git.GetCommit(ctx, "o", "r", root)
	if err != nil {
		t.Fatal(err)
	}
	if rc.GetTree().GetSHA() != wantTree {
		t.Errorf("tree %s, git write-tree says %s", rc.GetTree().GetSHA(), wantTree)
	}

	// Edits on a base tree: add a deeper file, replace one, delete one
	// (emptying no directory) and one whose directory goes with it.
	edited, _, err := c.Git.CreateTree(ctx, "o", "r", wantTree, []*github.TreeEntry{
		{Path: github.String("b/d/f/g.txt"), Mode: github.String("100644"), Type: github.String("blob"), Content: github.String("new\n")},
		{Path: github.String("runs/2026.jsonl"), Mode: github.String("100644"), Type: github.String("blob"), Content: github.String("replaced\n")},
		{Path: github.String("a"), Mode: github.String("100644"), Type: github.String("blob")},
		{Path: github.String("b/c.txt"), Mode: github.String("100644"), Type: github.String("blob")},
	})
	if err != nil {
		t.Fatal(err)
	}
	for p, content := range map[string]string{"b/d/f/g.txt": "new\n", "runs/2026.jsonl": "replaced\n"} {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	gitCmd(t, dir, "", nil, "rm", "-q", "-f", "a", "b/c.txt")
	gitCmd(t, dir, "", nil, "add", "-A")
	if want := gitCmd(t, dir, "", nil, "write-tree"); edited.GetSHA() != want {
		t.Errorf("edited tree %s, git write-tree says %s", edited.GetSHA(), want)
	}

	// A commit with a parent, an author and a committer, and a message
	// without a final newline.
	when := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	author := &github.CommitAuthor{Name: github.String("Alice Liddell"), Email: github.String("alice@example.com"), Date: &github.Timestamp{Time: when}}
	committer := &github.CommitAuthor{Name: github.String("Bot"), Email: github.String("bot@example.com"), Date: &github.Timestamp{Time: when.Add(time.Hour)}}
	child, _, err := c.Git.CreateCommit(ctx, "o", "r", &github.Commit{Message: github.String("second\n\nbody line"),
		Tree: rc.Tree, Parents: []*github.Commit{{SHA: github.String(root)}}, Author: author, Committer: committer}, nil)
	if err != nil {
		t.Fatal(err)
	}
	env := []string{
		"GIT_AUTHOR_NAME=github-actions[bot]", "GIT_AUTHOR_EMAIL=41898282+github-actions[bot]@users.noreply.github.com",
		"GIT_COMMITTER_NAME=github-actions[bot]", "GIT_COMMITTER_EMAIL=41898282+github-actions[bot]@users.noreply.github.com",
		fmt.Sprintf("GIT_AUTHOR_DATE=%d +0000", rc.GetAuthor().GetDate().Unix()),
		fmt.Sprintf("GIT_COMMITTER_DATE=%d +0000", rc.GetCommitter().GetDate().Unix()),
	}
	if want := gitCmd(t, dir, "ledger: start\n", env, "commit-tree", wantTree); root != want {
		t.Errorf("root commit %s, git commit-tree says %s", root, want)
	}
	env = []string{
		"GIT_AUTHOR_NAME=Alice Liddell", "GIT_AUTHOR_EMAIL=alice@example.com", fmt.Sprintf("GIT_AUTHOR_DATE=%d +0000", when.Unix()),
		"GIT_COMMITTER_NAME=Bot", "GIT_COMMITTER_EMAIL=bot@example.com", fmt.Sprintf("GIT_COMMITTER_DATE=%d +0000", when.Add(time.Hour).Unix()),
	}
	if want := gitCmd(t, dir, "second\n\nbody line", env, "commit-tree", wantTree, "-p", root); child.GetSHA() != want {
		t.Errorf("child commit %s, git commit-tree says %s", child.GetSHA(), want)
	}
	if child.GetAuthor().GetName() != "Alice Liddell" || !child.GetCommitter().GetDate().Time.Equal(when.Add(time.Hour)) || child.GetMessage() != "second\n\nbody line" {
		t.Errorf("commit answer: %v", child)
	}
}

func TestBlobs(t *testing.T) {
	_, c := gitClient(t)
	text := strings.Repeat("0123456789", 10) + "\n"
	b1, resp, err := c.Git.CreateBlob(ctx, "o", "r", &github.Blob{Content: github.String(text)})
	if err != nil || resp.StatusCode != 201 {
		t.Fatal(resp, err)
	}
	b2, _, err := c.Git.CreateBlob(ctx, "o", "r", &github.Blob{Content: github.String(base64.StdEncoding.EncodeToString([]byte(text))), Encoding: github.String("base64")})
	if err != nil {
		t.Fatal(err)
	}
	if b1.GetSHA() != b2.GetSHA() {
		t.Errorf("utf-8 blob %s, the same bytes in base64 %s", b1.GetSHA(), b2.GetSHA())
	}
	got, _, err := c.Git.GetBlob(ctx, "o", "r", b1.GetSHA())
	if err != nil {
		t.Fatal(err)
	}
	content := got.GetContent()
	if got.GetEncoding() != "base64" || got.GetSize() != len(text) || !strings.Contains(content, "\n") || len(strings.Split(content, "\n")[0]) != 60 {
		t.Errorf("blob answer: encoding %q size %d content %q", got.GetEncoding(), got.GetSize(), content)
	}
	dec, err := base64.StdEncoding.DecodeString(strings.ReplaceAll(content, "\n", ""))
	if err != nil || string(dec) != text {
		t.Errorf("blob content decodes to %q, %v", dec, err)
	}
	raw, _, err := c.Git.GetBlobRaw(ctx, "o", "r", b1.GetSHA())
	if err != nil || string(raw) != text {
		t.Errorf("raw blob %q, %v", raw, err)
	}
	if _, _, err := c.Git.GetBlob(ctx, "o", "r", strings.Repeat("ab", 20)); status(err) != 404 {
		t.Errorf("unknown blob: %v", err)
	}
	if _, _, err := c.Git.CreateBlob(ctx, "o", "r", &github.Blob{Content: github.String("%%%"), Encoding: github.String("base64")}); status(err) != 422 {
		t.Errorf("bad base64: %v", err)
	}
}

func treePaths(t *testing.T, c *github.Client, sha string, recursive bool) []string {
	t.Helper()
	tree, _, err := c.Git.GetTree(ctx, "o", "r", sha, recursive)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range tree.Entries {
		out = append(out, e.GetType()+" "+e.GetMode()+" "+e.GetPath())
		if e.GetType() == "blob" && e.GetSize() == 0 && e.GetPath() != "empty" {
			t.Errorf("blob %s without a size", e.GetPath())
		}
	}
	return out
}

func TestTreesNestBaseAndDelete(t *testing.T) {
	_, c := gitClient(t)
	root := commitFiles(t, c, "", "start", map[string]string{"runs/1.jsonl": "one\n", "runs/2.jsonl": "two\n", "index.json": "{}\n", "old/x": "x\n"})
	rc, _, err := c.Git.GetCommit(ctx, "o", "r", root)
	if err != nil {
		t.Fatal(err)
	}
	base := rc.GetTree().GetSHA()
	if diff := cmp.Diff([]string{"blob 100644 index.json", "tree 040000 old", "tree 040000 runs"}, treePaths(t, c, base, false)); diff != "" {
		t.Errorf("tree (-want +got):\n%s", diff)
	}
	// Add a deeper file, replace one, delete two files (the second
	// empties a directory, which goes).
	tree, _, err := c.Git.CreateTree(ctx, "o", "r", base, []*github.TreeEntry{
		{Path: github.String("runs/2026/03/3.jsonl"), Mode: github.String("100644"), Type: github.String("blob"), Content: github.String("three\n")},
		{Path: github.String("index.json"), Mode: github.String("100644"), Type: github.String("blob"), Content: github.String(`{"n":3}` + "\n")},
		{Path: github.String("runs/1.jsonl"), Mode: github.String("100644"), Type: github.String("blob")},
		{Path: github.String("old/x"), Mode: github.String("100644"), Type: github.String("blob")},
	})
	if err != nil {
		t.Fatal(err)
	}
	// "2.jsonl" sorts before the tree "2026" ('.' < '0'), as in git.
	want := []string{"blob 100644 index.json", "tree 040000 runs", "blob 100644 runs/2.jsonl", "tree 040000 runs/2026",
		"tree 040000 runs/2026/03", "blob 100644 runs/2026/03/3.jsonl"}
	if diff := cmp.Diff(want, treePaths(t, c, tree.GetSHA(), true)); diff != "" {
		t.Errorf("recursive tree (-want +got):\n%s", diff)
	}
	// A tree entry by sha, and errors.
	blob, _, _ := c.Git.CreateBlob(ctx, "o", "r", &github.Blob{Content: github.String("by sha\n")})
	if _, _, err := c.Git.CreateTree(ctx, "o", "r", tree.GetSHA(), []*github.TreeEntry{{Path: github.String("s"), Mode: github.String("100644"), Type: github.String("blob"), SHA: blob.SHA}}); err != nil {
		t.Error(err)
	}
	for name, entries := range map[string][]*github.TreeEntry{
		"unknown sha": {{Path: github.String("s"), Mode: github.String("100644"), Type: github.String("blob"), SHA: github.String(strings.Repeat("1", 40))}},
		"no mode":     {{Path: github.String("s"), Type: github.String("blob"), Content: github.String("x")}},
		"bad path":    {{Path: github.String("/s"), Mode: github.String("100644"), Type: github.String("blob"), Content: github.String("x")}},
		"both":        {{Path: github.String("s"), Mode: github.String("100644"), Type: github.String("blob"), Content: github.String("x"), SHA: blob.SHA}},
		// GitHub deletes files only: a missing path or a directory is refused.
		"delete a missing file": {{Path: github.String("nothing"), Mode: github.String("100644"), Type: github.String("blob")}},
		"delete a directory":    {{Path: github.String("runs"), Mode: github.String("040000"), Type: github.String("tree")}},
	} {
		if _, _, err := c.Git.CreateTree(ctx, "o", "r", tree.GetSHA(), entries); status(err) != 422 {
			t.Errorf("%s: %v, want 422", name, err)
		}
	}
	if _, _, err := c.Git.CreateTree(ctx, "o", "r", strings.Repeat("2", 40), nil); status(err) != 422 {
		t.Errorf("unknown base_tree: %v, want 422", err)
	}
	if _, _, err := c.Git.GetTree(ctx, "o", "r", strings.Repeat("3", 40), false); status(err) != 404 {
		t.Errorf("unknown tree: %v, want 404", err)
	}
}

func TestCommitsNeedTheirObjects(t *testing.T) {
	_, c := gitClient(t)
	if _, _, err := c.Git.CreateCommit(ctx, "o", "r", &github.Commit{Message: github.String("m"), Tree: &github.Tree{SHA: github.String(strings.Repeat("4", 40))}}, nil); status(err) != 422 {
		t.Errorf("unknown tree: %v", err)
	}
	root := commitFiles(t, c, "", "start", map[string]string{"f": "x"})
	rc, _, _ := c.Git.GetCommit(ctx, "o", "r", root)
	if _, _, err := c.Git.CreateCommit(ctx, "o", "r", &github.Commit{Message: github.String("m"), Tree: rc.Tree,
		Parents: []*github.Commit{{SHA: rc.Tree.SHA}}}, nil); status(err) != 422 {
		t.Errorf("a tree as parent: %v", err)
	}
	if rc.GetAuthor().GetName() != "github-actions[bot]" || rc.GetVerification().GetVerified() || len(rc.Parents) != 0 {
		t.Errorf("root commit: %v", rc)
	}
	if _, _, err := c.Git.GetCommit(ctx, "o", "r", strings.Repeat("5", 40)); status(err) != 404 {
		t.Errorf("unknown commit: %v", err)
	}
}

func TestRefsFastForwardOnly(t *testing.T) {
	s, c := gitClient(t)
	const branch = "heads/flake-triage-history"
	if _, _, err := c.Git.GetRef(ctx, "o", "r", branch); status(err) != 404 {
		t.Fatalf("absent ref: %v, want 404", err)
	}
	c1 := commitFiles(t, c, "", "one", map[string]string{"f": "1"})
	ref, resp, err := c.Git.CreateRef(ctx, "o", "r", &github.Reference{Ref: github.String("refs/" + branch), Object: &github.GitObject{SHA: github.String(c1)}})
	if err != nil || resp.StatusCode != 201 || ref.GetRef() != "refs/"+branch || ref.GetObject().GetSHA() != c1 || ref.GetObject().GetType() != "commit" {
		t.Fatalf("create ref: %v %v", ref, err)
	}
	if _, _, err := c.Git.CreateRef(ctx, "o", "r", &github.Reference{Ref: github.String("refs/" + branch), Object: &github.GitObject{SHA: github.String(c1)}}); status(err) != 422 || message(err) != "Reference already exists" {
		t.Errorf("create twice: %v", err)
	}
	c2 := commitFiles(t, c, c1, "two", map[string]string{"f": "2"})
	other := commitFiles(t, c, c1, "sibling", map[string]string{"g": "2"})
	if _, _, err := c.Git.UpdateRef(ctx, "o", "r", &github.Reference{Ref: github.String(branch), Object: &github.GitObject{SHA: github.String(c2)}}, false); err != nil {
		t.Fatalf("fast-forward: %v", err)
	}
	if _, _, err := c.Git.UpdateRef(ctx, "o", "r", &github.Reference{Ref: github.String(branch), Object: &github.GitObject{SHA: github.String(other)}}, false); status(err) != 422 || message(err) != "Update is not a fast forward" {
		t.Errorf("sibling without force: %v", err)
	}
	if _, _, err := c.Git.UpdateRef(ctx, "o", "r", &github.Reference{Ref: github.String(branch), Object: &github.GitObject{SHA: github.String(c1)}}, false); status(err) != 422 {
		t.Errorf("backwards without force: %v", err)
	}
	if got := s.Ref(branch); got != c2 {
		t.Errorf("ref at %s after refused updates, want %s", got, c2)
	}
	if _, _, err := c.Git.UpdateRef(ctx, "o", "r", &github.Reference{Ref: github.String(branch), Object: &github.GitObject{SHA: github.String(other)}}, true); err != nil {
		t.Errorf("forced: %v", err)
	}
	if _, _, err := c.Git.UpdateRef(ctx, "o", "r", &github.Reference{Ref: github.String("heads/none"), Object: &github.GitObject{SHA: github.String(c1)}}, false); status(err) != 422 {
		t.Errorf("update of an absent ref: %v", err)
	}
	if _, _, err := c.Git.CreateRef(ctx, "o", "r", &github.Reference{Ref: github.String("refs/heads/flake-triage-other"), Object: &github.GitObject{SHA: github.String(c1)}}); err != nil {
		t.Fatal(err)
	}
	refs, _, err := c.Git.ListMatchingRefs(ctx, "o", "r", &github.ReferenceListOptions{Ref: "heads/flake-triage"})
	if err != nil || len(refs) != 2 || refs[0].GetRef() != "refs/heads/flake-triage-history" {
		t.Errorf("matching refs: %v %v", refs, err)
	}
	if _, err := c.Git.DeleteRef(ctx, "o", "r", "heads/flake-triage-other"); err != nil {
		t.Error(err)
	}
	if _, err := c.Git.DeleteRef(ctx, "o", "r", "heads/flake-triage-other"); status(err) != 422 {
		t.Errorf("delete twice: %v", err)
	}
	if refs, _, _ := c.Git.ListMatchingRefs(ctx, "o", "r", &github.ReferenceListOptions{Ref: "heads/nothing"}); len(refs) != 0 {
		t.Errorf("no matching refs: %v", refs)
	}
	if got := s.Files(branch); !cmp.Equal(got, map[string]string{"f": "1", "g": "2"}) {
		t.Errorf("files: %v", got)
	}
}

// TestRefUpdateIsACompareAndSwap races many writers from one parent:
// exactly one fast-forward wins, the others get 422.
func TestRefUpdateIsACompareAndSwap(t *testing.T) {
	s, c := gitClient(t)
	base := commitFiles(t, c, "", "base", map[string]string{"f": "0"})
	if _, _, err := c.Git.CreateRef(ctx, "o", "r", &github.Reference{Ref: github.String("refs/heads/h"), Object: &github.GitObject{SHA: github.String(base)}}); err != nil {
		t.Fatal(err)
	}
	const n = 16
	commits := make([]string, n)
	for i := range commits {
		commits[i] = commitFiles(t, c, base, fmt.Sprint("writer ", i), map[string]string{fmt.Sprint("w", i): "x"})
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	won, lost := []string{}, 0
	start := make(chan struct{})
	for _, sha := range commits {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, _, err := c.Git.UpdateRef(ctx, "o", "r", &github.Reference{Ref: github.String("heads/h"), Object: &github.GitObject{SHA: github.String(sha)}}, false)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				won = append(won, sha)
			case status(err) == 422:
				lost++
			default:
				t.Error(err)
			}
		}()
	}
	close(start)
	wg.Wait()
	if len(won) != 1 || lost != n-1 || s.Ref("heads/h") != won[0] {
		t.Errorf("%d won, %d lost, ref at %s", len(won), lost, s.Ref("heads/h"))
	}
}

func TestRaceRefMakesTheNextUpdatesLose(t *testing.T) {
	s, c := gitClient(t)
	base := commitFiles(t, c, "", "base", map[string]string{"runs/a": "a\n"})
	if _, _, err := c.Git.CreateRef(ctx, "o", "r", &github.Reference{Ref: github.String("refs/heads/h"), Object: &github.GitObject{SHA: github.String(base)}}); err != nil {
		t.Fatal(err)
	}
	s.RaceRef("heads/h", 2, map[string]string{"runs/other": "theirs\n"})
	parent := base
	for attempt := 1; ; attempt++ {
		mine := commitFiles(t, c, parent, "mine", map[string]string{"runs/mine": "mine\n"})
		_, _, err := c.Git.UpdateRef(ctx, "o", "r", &github.Reference{Ref: github.String("heads/h"), Object: &github.GitObject{SHA: github.String(mine)}}, false)
		if err == nil {
			if attempt != 3 {
				t.Errorf("won at attempt %d, want 3", attempt)
			}
			break
		}
		if status(err) != 422 || attempt > 3 {
			t.Fatalf("attempt %d: %v", attempt, err)
		}
		ref, _, err := c.Git.GetRef(ctx, "o", "r", "heads/h")
		if err != nil {
			t.Fatal(err)
		}
		if ref.GetObject().GetSHA() == parent {
			t.Fatalf("the ref did not move after a lost race")
		}
		parent = ref.GetObject().GetSHA()
	}
	want := map[string]string{"runs/a": "a\n", "runs/other": "theirs\n", "runs/mine": "mine\n"}
	if diff := cmp.Diff(want, s.Files("h")); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
}

func TestGitFaults(t *testing.T) {
	s, c := gitClient(t)
	base := commitFiles(t, c, "", "base", map[string]string{"f": "0"})
	s.ForbidContentsWrite()
	if _, _, err := c.Git.CreateRef(ctx, "o", "r", &github.Reference{Ref: github.String("refs/heads/h"), Object: &github.GitObject{SHA: github.String(base)}}); status(err) != 403 {
		t.Errorf("forbidden write: %v", err)
	}
	if _, _, err := c.Git.GetCommit(ctx, "o", "r", base); err != nil {
		t.Errorf("read while writes are forbidden: %v", err)
	}
	s.Heal()
	s.Fail(Fault{Method: "PATCH", Path: "/git/refs/heads/h", Status: 502})
	s.Fail(Fault{Method: "GET", Path: "/git/ref/heads/h", Status: 503})
	if _, _, err := c.Git.CreateRef(ctx, "o", "r", &github.Reference{Ref: github.String("refs/heads/h"), Object: &github.GitObject{SHA: github.String(base)}}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Git.GetRef(ctx, "o", "r", "heads/h"); status(err) != 503 {
		t.Errorf("faulty read: %v", err)
	}
	if _, _, err := c.Git.UpdateRef(ctx, "o", "r", &github.Reference{Ref: github.String("heads/h"), Object: &github.GitObject{SHA: github.String(base)}}, false); status(err) != 502 {
		t.Errorf("faulty update: %v", err)
	}
	if _, _, err := c.Git.UpdateRef(ctx, "o", "r", &github.Reference{Ref: github.String("heads/h"), Object: &github.GitObject{SHA: github.String(base)}}, false); err != nil {
		t.Errorf("update after the fault: %v", err)
	}
	// The update lands but its answer is lost: the ref moved, and the
	// same update again is a harmless no-op.
	next := commitFiles(t, c, base, "next", map[string]string{"g": "1"})
	s.Fail(Fault{Method: "PATCH", Path: "/git/refs/heads/h", Landed: true, Status: 502})
	upd := &github.Reference{Ref: github.String("heads/h"), Object: &github.GitObject{SHA: github.String(next)}}
	if _, _, err := c.Git.UpdateRef(ctx, "o", "r", upd, false); status(err) != 502 || s.Ref("heads/h") != next {
		t.Errorf("landed update: %v, ref at %s", err, s.Ref("heads/h"))
	}
	if _, _, err := c.Git.UpdateRef(ctx, "o", "r", upd, false); err != nil {
		t.Errorf("the same update again: %v", err)
	}
	log := s.Log("h")
	if len(log) != 2 || log[0].SHA != next || log[0].Author != "github-actions[bot]" || !cmp.Equal(log[0].Files, []string{"g"}) || log[1].Parents != nil {
		t.Errorf("log: %+v", log)
	}
}

// seed makes a history on main: three people over five days.
func seed(s *Server) []string {
	day := func(d int) time.Time { return time.Date(2026, 3, d, 12, 0, 0, 0, time.UTC) }
	return s.Seed("main",
		SeedCommit{Login: "alice", Date: day(1), Message: "Initial", Contents: map[string]string{"README.md": "hi\n", "pkg/a/a.go": "package a\n"}},
		SeedCommit{Login: "bob", Date: day(2), Files: []string{"pkg/a/a.go"}},
		SeedCommit{Login: "carol", Date: day(3), Files: []string{"pkg/b/b.go", "docs/x.md"}},
		SeedCommit{Date: day(4), Name: "Unmapped", Email: "nobody@example.com", Files: []string{"pkg/a/a_test.go"}},
		SeedCommit{Login: "alice", Date: day(5), Message: "Fix a\n\nLonger text.", Files: []string{"pkg/a/a.go"}, Delete: []string{"docs"}},
	)
}

func TestCompare(t *testing.T) {
	s, c := gitClient(t)
	shas := seed(s)
	cmpr, _, err := c.Repositories.CompareCommits(ctx, "o", "r", shas[1], "main", nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, cm := range cmpr.Commits {
		got = append(got, fmt.Sprintf("%s %s %s %s", cm.GetSHA()[:7], cm.GetAuthor().GetLogin(), cm.GetCommit().GetAuthor().GetDate().Format("01-02"), strings.SplitN(cm.GetCommit().GetMessage(), "\n", 2)[0]))
	}
	want := []string{
		shas[2][:7] + " carol 03-03 Change docs/x.md, pkg/b/b.go",
		shas[3][:7] + "  03-04 Change pkg/a/a_test.go",
		shas[4][:7] + " alice 03-05 Fix a",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("compare commits (-want +got):\n%s", diff)
	}
	var files []string
	for _, f := range cmpr.Files {
		files = append(files, f.GetStatus()+" "+f.GetFilename())
	}
	if diff := cmp.Diff([]string{"modified pkg/a/a.go", "added pkg/a/a_test.go", "added pkg/b/b.go"}, files); diff != "" {
		t.Errorf("compare files (-want +got):\n%s", diff)
	}
	if cmpr.GetStatus() != "ahead" || cmpr.GetAheadBy() != 3 || cmpr.GetBehindBy() != 0 || cmpr.GetTotalCommits() != 3 ||
		cmpr.GetHTMLURL() != s.srv.URL+"/o/r/compare/"+shas[1]+"...main" || cmpr.GetMergeBaseCommit().GetSHA() != shas[1] {
		t.Errorf("comparison: status %s ahead %d behind %d html %s", cmpr.GetStatus(), cmpr.GetAheadBy(), cmpr.GetBehindBy(), cmpr.GetHTMLURL())
	}
	back, _, err := c.Repositories.CompareCommits(ctx, "o", "r", "main", shas[1][:7], nil)
	if err != nil || back.GetStatus() != "behind" || back.GetBehindBy() != 3 || len(back.Commits) != 0 {
		t.Errorf("backwards comparison: %v %v", back, err)
	}
	page, resp, err := c.Repositories.CompareCommits(ctx, "o", "r", shas[0], shas[4], &github.ListOptions{PerPage: 2})
	if err != nil || len(page.Commits) != 2 || resp.NextPage != 2 || page.Commits[0].GetSHA() != shas[1] {
		t.Errorf("first page: %d commits, next %d, %v", len(page.Commits), resp.NextPage, err)
	}
	// A branch off the third commit, and an unrelated (orphan) branch.
	if _, _, err := c.Git.CreateRef(ctx, "o", "r", &github.Reference{Ref: github.String("refs/heads/feature"), Object: &github.GitObject{SHA: github.String(shas[2])}}); err != nil {
		t.Fatal(err)
	}
	feat := s.Seed("feature", SeedCommit{Login: "dave", Date: time.Date(2026, 3, 9, 0, 0, 0, 0, time.UTC), Files: []string{"pkg/b/b.go"}})
	div, _, err := c.Repositories.CompareCommits(ctx, "o", "r", "main", "o:feature", nil)
	if err != nil || div.GetStatus() != "diverged" || div.GetAheadBy() != 1 || div.GetBehindBy() != 2 ||
		div.GetMergeBaseCommit().GetSHA() != shas[2] || len(div.Commits) != 1 || div.Commits[0].GetSHA() != feat[0] || len(div.Files) != 1 {
		t.Errorf("diverged comparison: %v %v", div, err)
	}
	s.Seed("orphan", SeedCommit{Login: "erin", Files: []string{"x"}})
	if _, _, err := c.Repositories.CompareCommits(ctx, "o", "r", "main", "orphan", nil); status(err) != 404 || !strings.HasPrefix(message(err), "No common ancestor") {
		t.Errorf("unrelated histories: %v, want 404", err)
	}
	if _, _, err := c.Repositories.CompareCommits(ctx, "o", "r", strings.Repeat("6", 40), "main", nil); status(err) != 404 {
		t.Errorf("unknown base: %v, want 404", err)
	}
	s.Unreachable(shas[1])
	if _, _, err := c.Repositories.CompareCommits(ctx, "o", "r", shas[1], "main", nil); status(err) != 404 {
		t.Errorf("force-pushed base: %v, want 404", err)
	}
}

func TestListCommits(t *testing.T) {
	s, c := gitClient(t)
	shas := seed(s)
	list := func(opts *github.CommitsListOptions) []string {
		t.Helper()
		var out []string
		for {
			cs, resp, err := c.Repositories.ListCommits(ctx, "o", "r", opts)
			if err != nil {
				t.Fatal(err)
			}
			for _, cm := range cs {
				out = append(out, cm.GetAuthor().GetLogin()+" "+cm.GetCommit().GetAuthor().GetDate().Format("01-02"))
			}
			if resp.NextPage == 0 {
				return out
			}
			opts.Page = resp.NextPage
		}
	}
	for _, tc := range []struct {
		name string
		opts github.CommitsListOptions
		want []string
	}{
		{"all", github.CommitsListOptions{}, []string{"alice 03-05", " 03-04", "carol 03-03", "bob 03-02", "alice 03-01"}},
		{"a file", github.CommitsListOptions{Path: "pkg/a/a.go"}, []string{"alice 03-05", "bob 03-02", "alice 03-01"}},
		{"a directory", github.CommitsListOptions{Path: "pkg/a"}, []string{"alice 03-05", " 03-04", "bob 03-02", "alice 03-01"}},
		{"a deleted directory", github.CommitsListOptions{Path: "docs"}, []string{"alice 03-05", "carol 03-03"}},
		{"since", github.CommitsListOptions{Path: "pkg", Since: time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC)}, []string{"alice 03-05", " 03-04", "carol 03-03"}},
		{"until", github.CommitsListOptions{Until: time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)}, []string{"bob 03-02", "alice 03-01"}},
		{"pages", github.CommitsListOptions{ListOptions: github.ListOptions{PerPage: 2}}, []string{"alice 03-05", " 03-04", "carol 03-03", "bob 03-02", "alice 03-01"}},
		{"from a sha", github.CommitsListOptions{SHA: shas[1]}, []string{"bob 03-02", "alice 03-01"}},
		{"an author", github.CommitsListOptions{Author: "alice"}, []string{"alice 03-05", "alice 03-01"}},
		{"nothing", github.CommitsListOptions{Path: "nowhere"}, nil},
	} {
		opts := tc.opts
		if diff := cmp.Diff(tc.want, list(&opts)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
	}
	if n := s.Count("GET", "/commits"); n != 12 {
		t.Errorf("%d requests, want 12 (three pages for per_page 2)", n)
	}
	if _, _, err := c.Repositories.ListCommits(ctx, "o", "r", &github.CommitsListOptions{SHA: "no-such-branch"}); status(err) != 404 {
		t.Errorf("unknown sha: %v", err)
	}

	one, _, err := c.Repositories.GetCommit(ctx, "o", "r", shas[2], nil)
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, f := range one.Files {
		files = append(files, fmt.Sprintf("%s %s +%d", f.GetStatus(), f.GetFilename(), f.GetAdditions()))
	}
	if diff := cmp.Diff([]string{"added docs/x.md +1", "added pkg/b/b.go +1"}, files); diff != "" || one.GetAuthor().GetLogin() != "carol" || one.GetStats().GetTotal() != 2 {
		t.Errorf("commit files (-want +got):\n%s\nauthor %s stats %v", diff, one.GetAuthor().GetLogin(), one.GetStats())
	}
	s.Unreachable(shas[2])
	if _, _, err := c.Repositories.GetCommit(ctx, "o", "r", shas[2], nil); status(err) != 422 {
		t.Errorf("force-pushed commit: %v, want 422 as GitHub answers", err)
	}
}

func TestContents(t *testing.T) {
	s, c := gitClient(t)
	shas := seed(s)
	file, dir, _, err := c.Repositories.GetContents(ctx, "o", "r", "pkg/a/a.go", &github.RepositoryContentGetOptions{Ref: shas[1]})
	if err != nil || dir != nil {
		t.Fatal(err, dir)
	}
	text, err := file.GetContent()
	if err != nil || text != "package a\nChange pkg/a/a.go\n" || file.GetSHA() == "" {
		t.Errorf("file: %q %v", text, err)
	}
	_, dir, _, err = c.Repositories.GetContents(ctx, "o", "r", "pkg", nil)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, d := range dir {
		names = append(names, d.GetType()+" "+d.GetPath())
	}
	sort.Strings(names)
	if diff := cmp.Diff([]string{"dir pkg/a", "dir pkg/b"}, names); diff != "" {
		t.Errorf("directory (-want +got):\n%s", diff)
	}
	rc, _, err := c.Repositories.DownloadContents(ctx, "o", "r", "pkg/a/a.go", &github.RepositoryContentGetOptions{Ref: shas[1]})
	if err != nil {
		t.Fatal(err)
	}
	downloaded, err := io.ReadAll(rc)
	rc.Close()
	if err != nil || string(downloaded) != "package a\nChange pkg/a/a.go\n" {
		t.Errorf("downloaded %q, %v", downloaded, err)
	}
	big := strings.Repeat("x", 1<<20+1)
	s.Seed("main", SeedCommit{Login: "bob", Contents: map[string]string{"big.txt": big}})
	file, _, _, err = c.Repositories.GetContents(ctx, "o", "r", "big.txt", nil)
	if err != nil || file.GetEncoding() != "none" || file.GetSize() != len(big) {
		t.Errorf("a file over 1 MB: encoding %q size %d, %v", file.GetEncoding(), file.GetSize(), err)
	}
	if blob, _, err := c.Git.GetBlobRaw(ctx, "o", "r", file.GetSHA()); err != nil || len(blob) != len(big) {
		t.Errorf("a file over 1 MB through the blobs endpoint: %d bytes, %v", len(blob), err)
	}
	if _, _, _, err := c.Repositories.GetContents(ctx, "o", "r", "docs/x.md", nil); status(err) != 404 {
		t.Errorf("deleted file: %v", err)
	}
	if _, _, _, err := c.Repositories.GetContents(ctx, "o", "r", "README.md", &github.RepositoryContentGetOptions{Ref: "no-branch"}); status(err) != 404 {
		t.Errorf("unknown ref: %v", err)
	}
	req, _ := http.NewRequest("GET", s.URL+"repos/o/r/contents/README.md?ref=main", nil)
	req.Header.Set("Authorization", "Bearer tok")
	req.Header.Set("Accept", "application/vnd.github.raw+json")
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != 200 || string(b) != "hi\n" {
		t.Errorf("raw contents: %s %q %v", resp.Status, b, err)
	}
}

// TestGitRequestsMatchTheDescription checks that the requests the
// go-github calls above make are GitHub's: every one was validated.
func TestGitRequestsMatchTheDescription(t *testing.T) {
	if ok, err := SpecAvailable(); err != nil || !ok {
		t.Skipf("GitHub's OpenAPI description is absent (%v)", err)
	}
	s, c := gitClient(t)
	shas := seed(s)
	_, _, _ = c.Git.GetRef(ctx, "o", "r", "heads/main")
	_, _, _ = c.Git.ListMatchingRefs(ctx, "o", "r", &github.ReferenceListOptions{Ref: "heads/ma"})
	commitFiles(t, c, shas[4], "ledger", map[string]string{"ledger/x": "y"})
	_, _, _ = c.Repositories.CompareCommits(ctx, "o", "r", shas[0], "main", nil)
	_, _, _ = c.Repositories.ListCommits(ctx, "o", "r", &github.CommitsListOptions{Path: "pkg/a", Since: time.Unix(0, 0)})
	_, _, _, _ = c.Repositories.GetContents(ctx, "o", "r", "pkg/a/a.go", nil)
	if v := s.Violations(); len(v) != 0 || s.Validated() != len(s.Requests()) {
		t.Errorf("%d of %d validated; violations:\n%s", s.Validated(), len(s.Requests()), strings.Join(v, "\n"))
	}
}

func TestEmptyRepository(t *testing.T) {
	s, c := gitClient(t)
	s.EmptyRepository()
	if _, _, err := c.Git.CreateBlob(ctx, "o", "r", &github.Blob{Content: github.String("x")}); status(err) != 409 || message(err) != "Git Repository is empty." {
		t.Errorf("blob in an empty repository: %v, want 409", err)
	}
	if _, _, err := c.Repositories.ListCommits(ctx, "o", "r", nil); status(err) != 409 {
		t.Errorf("commits of an empty repository: %v, want 409", err)
	}
	s.Seed("main", SeedCommit{Login: "alice", Files: []string{"README.md"}})
	if _, _, err := c.Git.CreateBlob(ctx, "o", "r", &github.Blob{Content: github.String("x")}); err != nil {
		t.Errorf("blob after the first commit: %v", err)
	}
}

func TestBranchesAndTheDefaultBranch(t *testing.T) {
	s, c := gitClient(t)
	shas := s.Seed("trunk", SeedCommit{Login: "alice", Files: []string{"a.go"}})
	if _, _, err := c.Repositories.ListCommits(ctx, "o", "r", nil); status(err) != 404 {
		t.Errorf("commits of the absent main: %v, want 404", err)
	}
	s.SetDefaultBranch("trunk")
	if cs, _, err := c.Repositories.ListCommits(ctx, "o", "r", nil); err != nil || len(cs) != 1 || cs[0].GetSHA() != shas[0] {
		t.Errorf("commits of the default branch: %v %v", cs, err)
	}
	b, _, err := c.Repositories.GetBranch(ctx, "o", "r", "trunk", 0)
	if err != nil || b.GetName() != "trunk" || b.GetCommit().GetSHA() != shas[0] || b.GetCommit().GetAuthor().GetLogin() != "alice" {
		t.Errorf("branch: %v %v", b, err)
	}
	// go-github's GetBranch reports a 404 as a plain error.
	if _, resp, err := c.Repositories.GetBranch(ctx, "o", "r", "flake-triage-history", 0); err == nil || resp.StatusCode != 404 {
		t.Errorf("absent branch: %v, want 404", err)
	}
}

// FuzzTreesRoundTrip writes files at arbitrary paths as nested trees and
// reads them back: the same files, every tree sorted as git sorts it,
// and the same trees whether written afresh or edited.
func FuzzTreesRoundTrip(f *testing.F) {
	f.Add("a\na.b\nb/c\nb-c\nb/d/e")
	f.Add("runs/2.jsonl\nruns/2026/03/3.jsonl\nindex.json")
	f.Fuzz(func(t *testing.T, list string) {
		g := (&Server{}).db()
		files := map[string]treeEntry{}
		for i, p := range strings.Split(list, "\n") {
			if p == "" || strings.HasPrefix(p, "/") || strings.HasSuffix(p, "/") || strings.Contains(p, "//") || strings.ContainsRune(p, 0) {
				continue
			}
			files[p] = treeEntry{mode: "100644", name: p, sha: g.putBlob([]byte(fmt.Sprint(i)))}
		}
		// A path cannot be a file and a directory at once.
		for p := range files {
			for q := range files {
				if strings.HasPrefix(q, p+"/") {
					delete(files, p)
				}
			}
		}
		root := writeFiles(g, files)
		got := map[string]treeEntry{}
		g.flatten(root, "", got)
		if !cmp.Equal(files, got, cmp.AllowUnexported(treeEntry{})) {
			t.Fatalf("wrote %v, read %v", files, got)
		}
		// The path editor, which rewrites only the changed trees, agrees
		// with writing every tree afresh: in one go, and removing every
		// other file from the result.
		edit := g.edit("")
		var paths []string
		for p, e := range files {
			edit.set(p, e)
			paths = append(paths, p)
		}
		if again := edit.write(); again != root {
			t.Fatalf("edit wrote %s, writeFiles %s", again, root)
		}
		sort.Strings(paths)
		edit = g.edit(root)
		for i, p := range paths {
			if i%2 == 0 {
				if !edit.remove(p) {
					t.Fatalf("remove %s found no file", p)
				}
				delete(files, p)
			}
		}
		if smaller, want := edit.write(), writeFiles(g, files); smaller != want {
			t.Fatalf("after removals the edit wrote %s, writeFiles %s", smaller, want)
		}
		for sha, o := range g.objects {
			if o.kind != "tree" {
				continue
			}
			if hashObject("tree", o.body) != sha {
				t.Fatalf("tree %s hashes to %s", sha, hashObject("tree", o.body))
			}
			for i := 1; i < len(o.entries); i++ {
				if treeKey(o.entries[i-1]) >= treeKey(o.entries[i]) {
					t.Fatalf("tree entries out of git's order: %q before %q", treeKey(o.entries[i-1]), treeKey(o.entries[i]))
				}
			}
		}
	})
}

// BenchmarkLedgerAppend appends one file per commit to a branch through
// the Git database, as a ledger writer does: tree, commit, ref update.
func BenchmarkLedgerAppend(b *testing.B) {
	s := New(b, "o", "r", "tok")
	c := github.NewClient(s.Client()).WithAuthToken("tok")
	c.BaseURL, _ = url.Parse(s.URL)
	head := s.Seed("h", SeedCommit{Login: "bot", Contents: map[string]string{"README": "ledger\n"}})[0]
	for i := 0; b.Loop(); i++ {
		pc, _, err := c.Git.GetCommit(ctx, "o", "r", head)
		if err != nil {
			b.Fatal(err)
		}
		tree, _, err := c.Git.CreateTree(ctx, "o", "r", pc.GetTree().GetSHA(), []*github.TreeEntry{{Path: github.String(fmt.Sprintf("runs/%04d/%d.jsonl", i/100, i)),
			Mode: github.String("100644"), Type: github.String("blob"), Content: github.String(`{"run":1}` + "\n")}})
		if err != nil {
			b.Fatal(err)
		}
		com, _, err := c.Git.CreateCommit(ctx, "o", "r", &github.Commit{Message: github.String("run"), Tree: tree, Parents: []*github.Commit{{SHA: github.String(head)}}}, nil)
		if err != nil {
			b.Fatal(err)
		}
		if _, _, err := c.Git.UpdateRef(ctx, "o", "r", &github.Reference{Ref: github.String("heads/h"), Object: &github.GitObject{SHA: com.SHA}}, false); err != nil {
			b.Fatal(err)
		}
		head = com.GetSHA()
	}
}

// TestCompareLimits checks GitHub's limits on a long comparison: 250
// commits unpaged, the most recent last; paged, 30 a page by default.
func TestCompareLimits(t *testing.T) {
	s, c := gitClient(t)
	var seeds []SeedCommit
	for i := range 260 {
		seeds = append(seeds, SeedCommit{Login: "alice", Date: time.Date(2026, 1, 1, 0, i, 0, 0, time.UTC), Files: []string{fmt.Sprintf("f%d", i%7)}})
	}
	shas := s.Seed("main", seeds...)
	all, _, err := c.Repositories.CompareCommits(ctx, "o", "r", shas[0], "main", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(all.Commits) != 250 || all.GetTotalCommits() != 259 || all.Commits[249].GetSHA() != shas[259] || all.Commits[0].GetSHA() != shas[10] || len(all.Files) != 7 {
		t.Errorf("unpaged: %d commits of %d, files %d", len(all.Commits), all.GetTotalCommits(), len(all.Files))
	}
	var got []string
	opts := &github.ListOptions{Page: 1}
	for {
		page, resp, err := c.Repositories.CompareCommits(ctx, "o", "r", shas[0], "main", opts)
		if err != nil {
			t.Fatal(err)
		}
		if (opts.Page > 1) != (page.Files == nil) {
			t.Errorf("page %d: %d files", opts.Page, len(page.Files))
		}
		for _, cm := range page.Commits {
			got = append(got, cm.GetSHA())
		}
		if resp.NextPage == 0 {
			break
		}
		opts.Page = resp.NextPage
	}
	if diff := cmp.Diff(shas[1:], got); diff != "" {
		t.Errorf("paged (-want +got):\n%s", diff)
	}
	if n := s.Count("GET", "/compare/"+shas[0]+"...main"); n != 1+9 {
		t.Errorf("%d requests, want 10 (1 unpaged, 9 pages of 30)", n)
	}
}

// writeFiles stores nested trees for files keyed by full path and
// returns the root tree's sha: a reference for the tree editor, writing
// every tree afresh.
func writeFiles(g *gitDB, files map[string]treeEntry) string {
	var entries []treeEntry
	sub := map[string]map[string]treeEntry{}
	for p, e := range files {
		dir, rest, nested := strings.Cut(p, "/")
		if !nested {
			entries = append(entries, treeEntry{mode: e.mode, name: p, sha: e.sha})
			continue
		}
		if sub[dir] == nil {
			sub[dir] = map[string]treeEntry{}
		}
		sub[dir][rest] = e
	}
	for dir, fs := range sub {
		entries = append(entries, treeEntry{mode: "040000", name: dir, sha: writeFiles(g, fs)})
	}
	return g.putTree(entries)
}

func TestForcePush(t *testing.T) {
	s, c := gitClient(t)
	shas := seed(s)
	// main goes back to its second commit and gets a new third one.
	s.ForcePush("main", shas[1])
	rewritten := s.Seed("main", SeedCommit{Login: "bob", Files: []string{"pkg/a/a.go"}})
	if _, _, err := c.Repositories.CompareCommits(ctx, "o", "r", shas[3], "main", nil); status(err) != 404 {
		t.Errorf("compare from a force-pushed commit: %v, want 404", err)
	}
	if _, _, err := c.Repositories.GetCommit(ctx, "o", "r", shas[4], nil); status(err) != 422 {
		t.Errorf("a force-pushed commit: %v, want 422", err)
	}
	cmpr, _, err := c.Repositories.CompareCommits(ctx, "o", "r", shas[0], "main", nil)
	if err != nil || len(cmpr.Commits) != 2 || cmpr.Commits[1].GetSHA() != rewritten[0] {
		t.Errorf("compare on the rewritten history: %v %v", cmpr, err)
	}
}
