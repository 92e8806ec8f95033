package owners

import (
	"fmt"
	"slices"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"
)

var failedAt = time.Date(2026, 11, 17, 12, 0, 0, 0, time.UTC)

func daysAgo(n int) time.Time { return failedAt.Add(-time.Duration(n) * 24 * time.Hour) }

func logins(cs []Candidate) []string {
	out := []string{}
	for _, c := range cs {
		out = append(out, c.Login)
	}
	return out
}

// routing is the routing of a failure at p in r, with no evidence.
func routing(r *Resolver, key, p string) Routing {
	return Routing{Key: key, Owners: r.Owners(p), Mode: ModeAuto, Root: r.RootOwners(), Since: daysAgo(90), Until: failedAt}
}

// TestRankClusterAPIArea: on the real cluster-api tree, under
// bootstrap/kubeadm and cmd/clusterctl the nearest OWNERS file lists the
// project-wide cluster-api-reviewers alias beside the area's own reviewer:
// the area's reviewer comes first, then the project reviewers that file
// names, then the rest of the project's owners.
func TestRankClusterAPIArea(t *testing.T) {
	fsys, _ := realTree(t, "testdata/cluster-api.txtar")
	r, _ := Load(fsys)
	root := union(capiRootApprovers, capiRootReviewers)
	if diff := cmp.Diff(root, r.RootOwners()); diff != "" {
		t.Errorf("RootOwners (-want +got):\n%s", diff)
	}
	tests := []struct {
		path, area, file string
	}{
		{"bootstrap/kubeadm/pkg/cloudinit/cloudinit.go", "g-gaston", "bootstrap/kubeadm/OWNERS"},
		{"cmd/clusterctl/client/cluster/mover.go", "jont828", "cmd/clusterctl/OWNERS"},
	}
	for _, tc := range tests {
		for i := range 50 {
			key := fmt.Sprintf("test-%d", i)
			got := Rank(routing(r, key, tc.path))
			if len(got) == 0 || got[0].Login != tc.area || got[0].Rank != RankArea || got[0].File != tc.file || got[0].Role != "reviewer" {
				t.Fatalf("%s (key %s): first candidate %+v, want %s, the area reviewer from %s", tc.path, key, got[0], tc.area, tc.file)
			}
			// Then the project reviewers the area file names, then the rest.
			next := logins(got[1:4])
			slices.Sort(next)
			if diff := cmp.Diff(capiReviewers, next); diff != "" {
				t.Errorf("%s: candidates 2-4 (-want +got):\n%s", tc.path, diff)
			}
			for _, c := range got[1:] {
				if c.Rank != RankRest {
					t.Errorf("%s: %s has rank %d, want %d (a root owner)", tc.path, c.Login, c.Rank, RankRest)
				}
			}
			if diff := cmp.Diff(union(root, []string{tc.area}), union(logins(got))); diff != "" {
				t.Errorf("%s: everyone is ranked once (-want +got):\n%s", tc.path, diff)
			}
			a, _, _ := Notify(got, 3, 5, nil)
			if a[0] != tc.area {
				t.Errorf("%s: assignees %v, want %s first", tc.path, a, tc.area)
			}
		}
	}
}

// TestRankRecentChangesFirst: the authors of recent commits rank before
// every owner: the failing file's first, then the near files', then the
// directory's, newest first within a tier; bots, authors without an
// account and commits outside the window do not count.
func TestRankRecentChangesFirst(t *testing.T) {
	fsys, _ := realTree(t, "testdata/cluster-api.txtar")
	r, _ := Load(fsys)
	file := "bootstrap/kubeadm/pkg/cloudinit/cloudinit.go"
	rt := routing(r, "k", file)
	rt.Paths = EvidencePaths(file, []string{"bootstrap/kubeadm/pkg/cloudinit/utils.go", "test/framework/cluster_helpers.go"})
	rt.Commits = map[string][]Commit{
		file: {
			{SHA: "b1", Time: daysAgo(1), Login: "dependabot[bot]"},
			{SHA: "b2", Time: daysAgo(2), Login: "renovate", Bot: true},
			{SHA: "n1", Time: daysAgo(3), Login: ""},
			{SHA: "f1", Time: daysAgo(5), Login: "Fixer"},
			{SHA: "f2", Time: daysAgo(40), Login: "older-author"},
			{SHA: "f3", Time: daysAgo(120), Login: "too-old"},
		},
		"bootstrap/kubeadm/pkg/cloudinit/utils.go": {{SHA: "u1", Time: daysAgo(30), Login: "near-old"}},
		"test/framework/cluster_helpers.go":        {{SHA: "h1", Time: daysAgo(10), Login: "near-new"}, {SHA: "h2", Time: daysAgo(60), Login: "fixer"}},
		"bootstrap/kubeadm/pkg/cloudinit":          {{SHA: "d1", Time: daysAgo(1), Login: "dir-author"}, {SHA: "f1", Time: daysAgo(5), Login: "fixer"}},
	}
	got := Rank(rt)
	want := []string{"fixer", "older-author", "near-new", "near-old", "dir-author", "g-gaston"}
	if diff := cmp.Diff(want, logins(got[:len(want)])); diff != "" {
		t.Errorf("ranking (-want +got):\n%s", diff)
	}
	if c := got[0]; c.Role != "recent-change" || c.SHA != "f1" || c.File != file || !c.Time.Equal(daysAgo(5)) || c.Rank != RankRecent {
		t.Errorf("fixer's reason = %+v, want the recent change f1 to %s", c, file)
	}
	for _, c := range got {
		if slices.Contains([]string{"dependabot[bot]", "renovate", "", "too-old"}, c.Login) {
			t.Errorf("%q ranked: %+v", c.Login, c)
		}
	}

	// Without evidence OWNERS alone decide.
	rt.Commits = nil
	if got := Rank(rt); got[0].Login != "g-gaston" {
		t.Errorf("without evidence the first is %+v, want g-gaston", got[0])
	}
}

func TestEvidencePaths(t *testing.T) {
	tests := []struct {
		location string
		near     []string
		want     []EvidencePath
	}{
		{"a/b/c.go", nil, []EvidencePath{{"a/b/c.go", TierFile}, {"a/b", TierDir}}},
		{"c.go", []string{"x/y.go"}, []EvidencePath{{"c.go", TierFile}, {"x/y.go", TierNear}}},
		{"", []string{"x/y.go"}, nil},
		// At most 5, the directory kept; duplicates and the file itself once.
		{"a/b/c.go", []string{"a/b/c.go", "n1.go", "n1.go", "n2.go", "a/b", "n3.go", "n4.go"},
			[]EvidencePath{{"a/b/c.go", TierFile}, {"n1.go", TierNear}, {"n2.go", TierNear}, {"n3.go", TierNear}, {"a/b", TierDir}}},
		{"/a/./b.go", []string{""}, []EvidencePath{{"a/b.go", TierFile}, {"a", TierDir}}},
	}
	for _, tc := range tests {
		got := EvidencePaths(tc.location, tc.near)
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("EvidencePaths(%q, %q) (-want +got):\n%s", tc.location, tc.near, diff)
		}
		if len(got) > MaxEvidencePaths {
			t.Errorf("EvidencePaths(%q): %d paths", tc.location, len(got))
		}
	}
}

// TestRankRootListsEveryone: when the root OWNERS file lists everyone the
// area file does, the area has no experts of its own; the people its file
// names still come before those named only at the root, and the answer
// is the same on every call.
func TestRankRootListsEveryone(t *testing.T) {
	fsys := fstest.MapFS{
		"OWNERS":           {Data: []byte("approvers: [ann, bob, cat, dan, eve, fay]\nreviewers: [gil, hal]\n")},
		"pkg/api/OWNERS":   {Data: []byte("approvers: [cat]\nreviewers: [dan, gil]\n")},
		"pkg/api/x.go":     {},
		"pkg/other/y.go":   {},
		"pkg/other/OWNERS": {Data: []byte("reviewers: [ann, bob, cat, dan, eve, fay, gil, hal]\n")},
	}
	r, warnings := Load(fsys)
	if len(warnings) > 0 {
		t.Fatal(warnings)
	}
	for i := range 20 {
		key := fmt.Sprintf("k%d", i)
		got := Rank(routing(r, key, "pkg/api/x.go"))
		if diff := cmp.Diff(got, Rank(routing(r, key, "pkg/api/x.go"))); diff != "" {
			t.Fatalf("not deterministic:\n%s", diff)
		}
		first := logins(got[:3])
		slices.Sort(first)
		if diff := cmp.Diff([]string{"cat", "dan", "gil"}, first); diff != "" {
			t.Errorf("key %s: the area file's people first (-want +got):\n%s", key, diff)
		}
		for _, c := range got {
			if c.Rank != RankRest {
				t.Errorf("%s: rank %d, want %d: every owner is a root owner", c.Login, c.Rank, RankRest)
			}
		}
	}
	// A file listing the whole root: its people are all equals, and
	// different tests spread over them.
	count := map[string]int{}
	for i := range 800 {
		a, _, _ := Notify(Rank(routing(r, fmt.Sprint(i), "pkg/other/y.go")), 2, 5, nil)
		for _, x := range a {
			count[x]++
		}
	}
	for _, l := range []string{"ann", "bob", "cat", "dan", "eve", "fay", "gil", "hal"} {
		if c := count[l]; c < 120 || c > 280 { // 800*2/8 = 200 each
			t.Errorf("%s assigned %d times of 1600, want about 200: %v", l, c, count)
		}
	}
}

// TestRankSameAliasEverywhere: aliases that expand to the same people at
// every level give no area experts; the people come once each, at their
// nearest file, in the same order for the same test.
func TestRankSameAliasEverywhere(t *testing.T) {
	fsys := fstest.MapFS{
		"OWNERS_ALIASES":   {Data: []byte("aliases:\n  team: [ann, bob, cat]\n  team-too: [cat, bob, ann]\n")},
		"OWNERS":           {Data: []byte("approvers: [team]\nreviewers: [team]\n")},
		"a/OWNERS":         {Data: []byte("approvers: [team-too]\nreviewers: [team]\n")},
		"a/b/OWNERS":       {Data: []byte("approvers: [team]\nreviewers: [team-too]\n")},
		"a/b/c/failing.go": {},
	}
	r, warnings := Load(fsys)
	if len(warnings) > 0 {
		t.Fatal(warnings)
	}
	got := Rank(routing(r, "id", "a/b/c/failing.go"))
	if diff := cmp.Diff([]string{"ann", "bob", "cat"}, union(logins(got))); diff != "" || len(got) != 3 {
		t.Fatalf("candidates (-want +got):\n%s%v", diff, logins(got))
	}
	for _, c := range got {
		if c.Rank != RankRest || c.File != "a/b/OWNERS" || c.Alias != "team" || c.Role != "approver" {
			t.Errorf("%+v, want rank 3 from a/b/OWNERS through alias team", c)
		}
	}
	if diff := cmp.Diff(got, Rank(routing(r, "id", "a/b/c/failing.go"))); diff != "" {
		t.Errorf("not deterministic:\n%s", diff)
	}
}

// TestRankFallbackAndCodeOwners: with nobody in OWNERS, the matching
// CODEOWNERS rule's owners are the area; with nobody at all, the
// fallback maintainers; recent committers still come first.
func TestRankFallbackAndCodeOwners(t *testing.T) {
	fsys := fstest.MapFS{
		".github/CODEOWNERS": {Data: []byte("/api/ @org/api-team @dora\n")},
		"api/x.go":           {},
		"web/y.go":           {},
	}
	r, _ := Load(fsys)
	got := Rank(routing(r, "k", "api/x.go"))
	if diff := cmp.Diff([]string{"dora", "org/api-team"}, union(logins(got))); diff != "" {
		t.Errorf("CODEOWNERS (-want +got):\n%s", diff)
	}
	for _, c := range got {
		if c.Rank != RankArea || c.Role != "codeowner" || c.File != ".github/CODEOWNERS" || c.Line != 1 {
			t.Errorf("%+v, want the CODEOWNERS rule on line 1", c)
		}
	}
	rt := routing(r, "k", "web/y.go")
	rt.Fallback = []string{"Maint1", "maint2"}
	rt.Paths = EvidencePaths("web/y.go", nil)
	rt.Commits = map[string][]Commit{"web/y.go": {{SHA: "s", Time: daysAgo(1), Login: "dev"}}}
	got = Rank(rt)
	if got[0].Login != "dev" || len(got) != 3 || got[1].Role != "fallback" || got[2].Role != "fallback" {
		t.Errorf("fallback: %+v", got)
	}
}

func TestNotify(t *testing.T) {
	cs := []Candidate{{Login: "outsider"}, {Login: "a"}, {Login: "org/team"}, {Login: "b"}, {Login: "c"}, {Login: "d"}, {Login: "e"}}
	assignable := func(l string) bool { return l != "outsider" }
	tests := []struct {
		maxA, maxM          int
		assignable          func(string) bool
		wantA, wantM, wantL []string
	}{
		{2, 2, assignable, []string{"a", "b"}, []string{"outsider", "org/team"}, []string{"c", "d", "e"}},
		{3, 5, assignable, []string{"a", "b", "c"}, []string{"outsider", "org/team", "d", "e"}, []string{}},
		{2, 2, nil, []string{"outsider", "a"}, []string{"org/team", "b"}, []string{"c", "d", "e"}},
		{0, 0, nil, []string{}, []string{}, []string{"outsider", "a", "org/team", "b", "c", "d", "e"}},
	}
	for _, tc := range tests {
		a, m, l := Notify(cs, tc.maxA, tc.maxM, tc.assignable)
		if diff := cmp.Diff([][]string{tc.wantA, tc.wantM, tc.wantL}, [][]string{a, m, l}); diff != "" {
			t.Errorf("Notify(%d, %d) (-want +got):\n%s", tc.maxA, tc.maxM, diff)
		}
	}
}

// BenchmarkRank ranks the people of a failure on the real cluster-api
// tree with five evidence paths of 100 commits each, as one finding of a
// run costs.
func BenchmarkRank(b *testing.B) {
	fsys, _ := realTree(b, "testdata/cluster-api.txtar")
	r, _ := Load(fsys)
	file := "bootstrap/kubeadm/pkg/cloudinit/cloudinit.go"
	rt := Routing{Key: "k", Owners: r.Owners(file), Mode: ModeAuto, Root: r.RootOwners(), Since: daysAgo(90), Until: failedAt}
	rt.Paths = EvidencePaths(file, []string{"a.go", "b.go", "c.go"})
	rt.Commits = map[string][]Commit{}
	for i, p := range rt.Paths {
		for j := range 100 {
			rt.Commits[p.Path] = append(rt.Commits[p.Path], Commit{SHA: fmt.Sprint(i, j), Time: daysAgo(j), Login: fmt.Sprintf("dev%d", (i*7+j)%40)})
		}
	}
	for b.Loop() {
		if got := Rank(rt); len(got) < 40 {
			b.Fatalf("%d candidates", len(got))
		}
	}
}
