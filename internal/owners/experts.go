package owners

import (
	"cmp"
	"hash/fnv"
	"path"
	"slices"
	"strings"
	"time"
)

// A Commit is one change to a path, as GitHub's commits API lists it: the
// evidence that its author knows that code now. Its author is skipped when
// Login is empty (a commit e-mail GitHub links to no account) or Bot is set.
type Commit struct {
	SHA  string
	Time time.Time // the commit's date (when it landed)
	// Login is the author's GitHub login, "" when the author has no account.
	Login string
	// Bot is set for bot accounts (type Bot, or a "[bot]" login).
	Bot bool
}

// Skipped reports whether the commit's author cannot be an expert: a bot,
// or nobody GitHub knows.
func (c Commit) Skipped() bool {
	return c.Bot || c.Login == "" || strings.HasSuffix(strings.ToLower(c.Login), "[bot]")
}

// The tiers of evidence paths, in the order their committers rank.
const (
	TierFile = iota // the failing file
	TierNear        // the files of related frames and of the code the test calls
	TierDir         // the failing file's directory
)

// MaxEvidencePaths bounds the paths whose history is read per finding: one
// commits API call each, so that routing costs a bounded number of calls.
const MaxEvidencePaths = 5

// An EvidencePath is a path whose recent commits are evidence for a
// finding, and its tier.
type EvidencePath struct {
	Path string
	Tier int
}

// EvidencePaths returns the paths whose recent commits name the experts of
// a failure at location (a file): the file itself, then the near files
// (related frames, then referenced code) in order, then the file's
// directory; distinct, at most MaxEvidencePaths, the directory kept when
// near files must be dropped. A file at the repository root has no
// directory path: the whole history is no evidence about it.
func EvidencePaths(location string, near []string) []EvidencePath {
	location = cleanPath(location)
	if location == "" {
		return nil
	}
	out := []EvidencePath{{location, TierFile}}
	dir := parentDir(location)
	room := MaxEvidencePaths - 1
	if dir != "" {
		room--
	}
	seen := map[string]bool{location: true, dir: true}
	for _, p := range near {
		p = cleanPath(p)
		if p == "" || seen[p] || room == 0 {
			continue
		}
		seen[p] = true
		out = append(out, EvidencePath{p, TierNear})
		room--
	}
	if dir != "" {
		out = append(out, EvidencePath{dir, TierDir})
	}
	return out
}

// The ranks of Candidates: evidence, then area, then the rest.
const (
	RankRecent = 1 // changed the failing code within the window
	RankArea   = 2 // the area's own experts: the nearest OWNERS file, less the root's owners
	RankRest   = 3 // the other owners, nearer OWNERS files first
)

// A Candidate is someone to notify about a failure, and why.
type Candidate struct {
	Login string
	Rank  int
	// Role is "recent-change", or the ownership role that named the login
	// ("approver", "reviewer", "codeowner", "fallback").
	Role string
	// File is the changed path (recent-change), or the ownership file.
	File  string
	Line  int    // the ownership file's line, 0 for a change
	Alias string // the OWNERS_ALIASES alias the login came through
	SHA   string // the change's commit
	Time  time.Time
}

// A Routing is what ranking a failure's candidates needs: all of it
// gathered beforehand, so that Rank does no I/O.
type Routing struct {
	// Key is the finding's stable id: among equals, the same key picks the
	// same people, and different keys spread the load.
	Key string
	// Owners is the ownership of the failing path, Mode which source counts.
	Owners Owners
	Mode   Mode
	// Root are the owners (approvers and reviewers) that the root OWNERS
	// file lists: the project-wide people (Resolver.RootOwners).
	Root []string
	// Fallback are the maintainers named when nobody owns the path.
	Fallback []string
	// Paths and Commits are the evidence: the paths read (EvidencePaths)
	// and each one's commits, newest first. Nil Commits: no evidence.
	Paths   []EvidencePath
	Commits map[string][]Commit
	// Since and Until bound the commits that count (the expert window
	// before the failure); a zero Until is no upper bound.
	Since, Until time.Time
}

// Rank orders the people to notify about a failure, each once at their
// best reason:
//
//  1. the authors of commits in the window that touched the evidence
//     paths, by tier (the file, the near files, the directory), most
//     recent first within a tier; bots and authors without an account are
//     skipped;
//  2. the area's own experts: the owners the nearest OWNERS file lists
//     (aliases expanded) that the root OWNERS file does not; with
//     CODEOWNERS, the matching rule's owners;
//  3. the other owners, those of nearer OWNERS files first (the nearest
//     file's project-wide people before owners named only higher up); the
//     fallback maintainers when nobody owns the path.
//
// Within ranks 2 and 3 people of one file are equals, ordered by a hash of
// Key and login (rendezvous hashing): the same failure always gets the
// same people, and failures in one area spread across its experts.
func Rank(r Routing) []Candidate {
	var out []Candidate
	seen := map[string]bool{}
	add := func(c Candidate) {
		c.Login = normLogin(strings.TrimSpace(c.Login))
		if c.Login == "" || seen[c.Login] {
			return
		}
		seen[c.Login] = true
		out = append(out, c)
	}
	for _, c := range recent(r) {
		add(c)
	}
	var owned []Candidate
	experts, from := r.Owners.Experts(r.Mode)
	switch from {
	case "OWNERS":
		owned = fromOwners(r)
	case "CODEOWNERS":
		for _, l := range experts {
			owned = append(owned, Candidate{Login: l, Rank: RankArea, Role: "codeowner", File: r.Owners.CodeOwners.File, Line: r.Owners.CodeOwners.Line})
		}
		spread(r.Key, owned, func(Candidate) int { return 0 })
	default:
		for _, l := range r.Fallback {
			owned = append(owned, Candidate{Login: l, Rank: RankRest, Role: "fallback", File: "config owners.maintainers"})
		}
		spread(r.Key, owned, func(Candidate) int { return 0 })
	}
	for _, c := range owned {
		add(c)
	}
	return out
}

// recent are the committers of the evidence paths within the window, by
// tier, newest first within a tier.
func recent(r Routing) []Candidate {
	if r.Commits == nil {
		return nil
	}
	type change struct {
		Commit
		path  string
		order int
	}
	var tiers [TierDir + 1][]change
	for i, p := range r.Paths {
		if p.Tier < 0 || p.Tier > TierDir {
			continue
		}
		for _, c := range r.Commits[p.Path] {
			if c.Skipped() || c.Time.Before(r.Since) || !r.Until.IsZero() && c.Time.After(r.Until) {
				continue
			}
			tiers[p.Tier] = append(tiers[p.Tier], change{c, p.Path, i})
		}
	}
	var out []Candidate
	for _, t := range tiers {
		slices.SortStableFunc(t, func(a, b change) int {
			if c := b.Time.Compare(a.Time); c != 0 {
				return c
			}
			return cmp.Or(cmp.Compare(a.order, b.order), strings.Compare(a.SHA, b.SHA))
		})
		for _, c := range t {
			out = append(out, Candidate{Login: c.Login, Rank: RankRecent, Role: "recent-change", File: c.path, SHA: c.SHA, Time: c.Time})
		}
	}
	return out
}

// fromOwners ranks the OWNERS approvers and reviewers of the path: the
// nearest file's people who are not root owners (the area), then the
// rest by the nearest file naming them.
func fromOwners(r Routing) []Candidate {
	root := map[string]bool{}
	for _, l := range r.Root {
		root[normLogin(l)] = true
	}
	var out []Candidate
	layer := map[string]int{} // the file's distance, nearest 0
	at := map[string]bool{}
	for _, s := range r.Owners.Sources {
		if s.Role != "approver" && s.Role != "reviewer" {
			continue
		}
		if _, ok := layer[s.File]; !ok {
			layer[s.File] = len(layer)
		}
		l := normLogin(s.Name)
		if at[l] {
			continue
		}
		at[l] = true
		c := Candidate{Login: l, Rank: RankRest, Role: s.Role, File: s.File, Line: s.Line, Alias: s.Alias}
		if layer[s.File] == 0 && !root[l] && path.Dir(s.File) != "." {
			c.Rank = RankArea
		}
		out = append(out, c)
	}
	spread(r.Key, out, func(c Candidate) int { return c.Rank*1000 + layer[c.File] })
	return out
}

// spread sorts cs by group, and within a group by a hash of key and login
// (each hashed once: an alias can name thousands).
func spread(key string, cs []Candidate, group func(Candidate) int) {
	type keyed struct {
		group int
		hash  uint64
		c     Candidate
	}
	ks := make([]keyed, len(cs))
	for i, c := range cs {
		ks[i] = keyed{group(c), rendezvous(key, normLogin(c.Login)), c}
	}
	slices.SortStableFunc(ks, func(a, b keyed) int {
		return cmp.Or(cmp.Compare(a.group, b.group), cmp.Compare(a.hash, b.hash), strings.Compare(a.c.Login, b.c.Login))
	})
	for i := range ks {
		cs[i] = ks[i].c
	}
}

// rendezvous is login's rank for key: FNV-1a of both, finished with
// splitmix64's mixer, since FNV alone mixes short keys that differ in one
// byte poorly.
func rendezvous(key, login string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(key))
	h.Write([]byte{0})
	h.Write([]byte(login))
	x := h.Sum64()
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

// Notify splits ranked candidates into who is assigned, who is
// @mentioned and who is only listed: the first maxAssignees that GitHub
// can assign (assignable says; nil assumes everyone, and teams and
// e-mail addresses never are), then the next maxMentions in rank order
// (someone GitHub cannot assign is mentioned at their rank instead), then
// the rest. Each list keeps the rank order.
func Notify(cs []Candidate, maxAssignees, maxMentions int, assignable func(login string) bool) (assignees, mentions, listed []string) {
	assignees, mentions, listed = []string{}, []string{}, []string{}
	for _, c := range cs {
		// assignable is asked only while a place is free: it may cost a call.
		canAssign := len(assignees) < maxAssignees && !strings.ContainsAny(c.Login, "/@") && (assignable == nil || assignable(c.Login))
		switch {
		case canAssign:
			assignees = append(assignees, c.Login)
		case len(mentions) < maxMentions:
			mentions = append(mentions, c.Login)
		default:
			listed = append(listed, c.Login)
		}
	}
	return assignees, mentions, listed
}

// RootOwners are the approvers and reviewers that the root OWNERS file
// lists, in any of its rules (aliases expanded, lower-cased, sorted): the
// project-wide people, whom routing ranks after an area's own experts.
func (r *Resolver) RootOwners() []string {
	e := r.dirs[""]
	if e == nil {
		return []string{}
	}
	var out []string
	for _, ru := range e.rules {
		for _, k := range []int{kindApprovers, kindReviewers} {
			for _, g := range ru.grants[k] {
				out = append(out, g.name)
			}
		}
	}
	return sortedSet(out)
}
