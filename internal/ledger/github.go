package ledger

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/google/go-github/v57/github"
)

// A Branch is a ledger on a branch of a GitHub repository, read and
// written only through the REST API's Git database endpoints: a ref, a
// tree, blobs, and commits on top, the ref moved by fast-forward-only
// updates, GitHub's one compare-and-swap. The branch is created on first
// write as an orphan, with no history shared with the repository's code.
// It is the only file of this package that imports go-github.
type Branch struct {
	Client      *github.Client
	Owner, Repo string
	Name        string
}

func (b Branch) String() string { return "branch:" + b.Name }

// Head reads the branch's ref (GitService.GetRef), its commit
// (GitService.GetCommit) and the commit's tree, recursively
// (GitService.GetTree): three calls. A missing branch is an empty head.
func (b Branch) Head(ctx context.Context) (Head, error) {
	ref, _, err := b.Client.Git.GetRef(ctx, b.Owner, b.Repo, "heads/"+b.Name)
	if status(err) == http.StatusNotFound {
		return Head{Files: map[string]string{}}, nil
	}
	if err != nil {
		return Head{}, b.explain("get ref", err)
	}
	commit := ref.GetObject().GetSHA()
	c, _, err := b.Client.Git.GetCommit(ctx, b.Owner, b.Repo, commit)
	if err != nil {
		return Head{}, b.explain("get commit", err)
	}
	tree, _, err := b.Client.Git.GetTree(ctx, b.Owner, b.Repo, c.GetTree().GetSHA(), true)
	if err != nil {
		return Head{}, b.explain("get tree", err)
	}
	if tree.GetTruncated() {
		return Head{}, fmt.Errorf("the tree of %s has too many files for one listing", b)
	}
	h := Head{Version: commit, Tree: tree.GetSHA(), Files: map[string]string{}}
	for _, e := range tree.Entries {
		if e.GetType() == "blob" {
			h.Files[e.GetPath()] = e.GetSHA()
		}
	}
	return h, nil
}

// Read reads one file's blob (GitService.GetBlob).
func (b Branch) Read(ctx context.Context, head Head, path string) ([]byte, error) {
	sha, ok := head.Files[path]
	if !ok {
		return nil, fmt.Errorf("%s has no file %s", b, path)
	}
	blob, _, err := b.Client.Git.GetBlob(ctx, b.Owner, b.Repo, sha)
	if err != nil {
		return nil, b.explain("get blob", err)
	}
	if blob.GetEncoding() != "base64" {
		return []byte(blob.GetContent()), nil
	}
	return base64.StdEncoding.DecodeString(strings.ReplaceAll(blob.GetContent(), "\n", ""))
}

// Write commits the changes on top of head: one blob per changed file
// (GitService.CreateBlob), a tree on head's tree (GitService.CreateTree
// with base_tree), a commit whose parent is head (GitService.CreateCommit),
// then the ref moved without force (GitService.UpdateRef), or created
// for an empty head (GitService.CreateRef). A refused update (422: not a
// fast forward, or the ref exists already) is ErrConflict; a 403 is
// ErrForbidden.
func (b Branch) Write(ctx context.Context, head Head, changes []Change, message string) error {
	var entries []*github.TreeEntry
	for _, c := range changes {
		blob, _, err := b.Client.Git.CreateBlob(ctx, b.Owner, b.Repo, &github.Blob{
			Content: github.String(base64.StdEncoding.EncodeToString(c.New)), Encoding: github.String("base64")})
		if err != nil {
			return b.explain("create blob", err)
		}
		entries = append(entries, &github.TreeEntry{Path: github.String(c.Path), Mode: github.String("100644"), Type: github.String("blob"), SHA: blob.SHA})
	}
	tree, _, err := b.Client.Git.CreateTree(ctx, b.Owner, b.Repo, head.Tree, entries)
	if err != nil {
		return b.explain("create tree", err)
	}
	commit := &github.Commit{Message: github.String(message), Tree: &github.Tree{SHA: tree.SHA}}
	if head.Version != "" {
		commit.Parents = []*github.Commit{{SHA: github.String(head.Version)}}
	}
	made, _, err := b.Client.Git.CreateCommit(ctx, b.Owner, b.Repo, commit, nil)
	if err != nil {
		return b.explain("create commit", err)
	}
	ref := &github.Reference{Ref: github.String("refs/heads/" + b.Name), Object: &github.GitObject{SHA: made.SHA}}
	if head.Version == "" {
		_, _, err = b.Client.Git.CreateRef(ctx, b.Owner, b.Repo, ref)
	} else {
		_, _, err = b.Client.Git.UpdateRef(ctx, b.Owner, b.Repo, ref, false)
	}
	if status(err) == http.StatusUnprocessableEntity {
		return ErrConflict
	}
	if err != nil {
		return b.explain("update ref", err)
	}
	return nil
}

func status(err error) int {
	var er *github.ErrorResponse
	if errors.As(err, &er) && er.Response != nil {
		return er.Response.StatusCode
	}
	return 0
}

func (b Branch) explain(op string, err error) error {
	switch status(err) {
	case http.StatusForbidden:
		if strings.HasPrefix(op, "get") {
			return fmt.Errorf("%s: the token may not read the ledger (403): the workflow needs the `contents: read` permission: %w", op, err)
		}
		return fmt.Errorf("%s: %w: %v", op, ErrForbidden, err)
	case http.StatusNotFound:
		if !strings.HasPrefix(op, "get") {
			// GitHub answers 404, not 403, to a token that may read a
			// repository's contents but not write them, on some repositories.
			return fmt.Errorf("%s: %w (GitHub answered 404): %v", op, ErrForbidden, err)
		}
		return fmt.Errorf("%s: not found (404): check that repository %s/%s exists and the token may read its contents: %w", op, b.Owner, b.Repo, err)
	case http.StatusConflict:
		return fmt.Errorf("%s: the repository %s/%s is empty (409): push a first commit, or use history dir:PATH: %w", op, b.Owner, b.Repo, err)
	}
	return fmt.Errorf("%s: %w", op, err)
}
