package fakegithub

import "strings"

// A treeEdit changes a tree by paths and writes only the trees along the
// changed paths, so that a commit costs the depth of its paths, not the
// size of the repository.
type treeEdit struct {
	g        *gitDB
	entries  map[string]treeEntry
	children map[string]*treeEdit
}

// edit starts an edit of tree sha ("" for the empty tree).
func (g *gitDB) edit(sha string) *treeEdit {
	t := &treeEdit{g: g, entries: map[string]treeEntry{}, children: map[string]*treeEdit{}}
	if o := g.object(sha, "tree"); o != nil {
		for _, e := range o.entries {
			t.entries[e.name] = e
		}
	}
	return t
}

// dir returns the edit of subdirectory name, made when absent (a file of
// that name gives way to it) unless make is false.
func (t *treeEdit) dir(name string, make bool) *treeEdit {
	if c, ok := t.children[name]; ok {
		return c
	}
	e, ok := t.entries[name]
	if ok && e.mode == "040000" {
		c := t.g.edit(e.sha)
		t.children[name] = c
		return c
	}
	if !make {
		return nil
	}
	c := t.g.edit("")
	t.children[name] = c
	return c
}

// walk returns the edit of the directory holding path and the path's
// last name; nil when a directory is missing and make is false.
func (t *treeEdit) walk(path string, make bool) (*treeEdit, string) {
	parts := strings.Split(path, "/")
	for _, p := range parts[:len(parts)-1] {
		if t = t.dir(p, make); t == nil {
			return nil, ""
		}
	}
	return t, parts[len(parts)-1]
}

// set puts an entry at path, replacing what was there (a file, or a
// directory and everything in it).
func (t *treeEdit) set(path string, e treeEntry) {
	d, name := t.walk(path, true)
	e.name = name
	d.entries[name] = e
	delete(d.children, name)
}

// remove deletes the file at path and reports whether there was one.
func (t *treeEdit) remove(path string) bool {
	d, name := t.walk(path, false)
	if d == nil {
		return false
	}
	if _, isDir := d.children[name]; isDir {
		return false
	}
	if e, ok := d.entries[name]; !ok || e.mode == "040000" {
		return false
	}
	delete(d.entries, name)
	return true
}

// removeAll deletes path, a file or a directory with everything in it.
func (t *treeEdit) removeAll(path string) {
	d, name := t.walk(path, false)
	if d != nil {
		delete(d.entries, name)
		delete(d.children, name)
	}
}

// file returns the entry of the file at path.
func (t *treeEdit) file(path string) (treeEntry, bool) {
	d, name := t.walk(path, false)
	if d == nil {
		return treeEntry{}, false
	}
	if _, isDir := d.children[name]; isDir {
		return treeEntry{}, false
	}
	e, ok := d.entries[name]
	return e, ok && e.mode != "040000"
}

// write stores the changed trees and returns the root's sha; a directory
// left empty disappears, as git has no empty directories.
func (t *treeEdit) write() string {
	for name, c := range t.children {
		sha := c.write()
		if len(c.entries) == 0 {
			delete(t.entries, name)
			continue
		}
		t.entries[name] = treeEntry{mode: "040000", name: name, sha: sha}
	}
	entries := make([]treeEntry, 0, len(t.entries))
	for _, e := range t.entries {
		entries = append(entries, e)
	}
	return t.g.putTree(entries)
}

// entryAt returns the entry at path in tree sha (a file or a directory).
func (g *gitDB) entryAt(tree, path string) (treeEntry, bool) {
	parts := strings.Split(path, "/")
	for i, p := range parts {
		o := g.object(tree, "tree")
		if o == nil {
			return treeEntry{}, false
		}
		found := false
		for _, e := range o.entries {
			if e.name == p {
				if i == len(parts)-1 {
					return e, true
				}
				tree, found = e.sha, true
				break
			}
		}
		if !found {
			return treeEntry{}, false
		}
	}
	return treeEntry{}, false
}
