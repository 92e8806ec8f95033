package triage

import (
	"slices"
	"strings"
	"time"

	"github.com/flake-triage/flake-triage/internal/config"
	"github.com/flake-triage/flake-triage/internal/owners"
)

// maxCandidates bounds the people a finding lists: an alias can expand to
// thousands of names, and past the first hundred a list informs nobody.
const maxCandidates = 100

// RankNear is the rank of the owners of the other code on the failure's
// path (related frames, the code the test calls): after the failing
// code's own owners.
const RankNear = owners.RankRest + 1

// Evidence is what the repository's history says about who changed the
// failing code recently, gathered at the edge (the commits API) for the
// whole run and passed to Route.
type Evidence struct {
	// Commits are each read path's commits, newest first.
	Commits map[string][]owners.Commit
	// Window is how far before a failure a commit counts.
	Window time.Duration
	// Now stands for the failure's time when the report does not say it.
	Now time.Time
	// Assignable says whether GitHub can assign a login; nil assumes it
	// can (the executor still checks before assigning).
	Assignable func(login string) bool
}

// ExpertPaths are the paths whose recent commits name the experts of f
// (owners.EvidencePaths): its failing file (or, with no location, the
// test's file), the related frames' and referenced code's files, and the
// failing file's directory.
func ExpertPaths(f Finding) []owners.EvidencePath {
	at := f.Location
	if at == nil {
		at = f.TestLocation
	}
	if at == nil {
		return nil
	}
	var near []string
	for _, l := range f.Related {
		near = append(near, l.Path)
	}
	for _, r := range f.References {
		near = append(near, r.Path)
	}
	return owners.EvidencePaths(at.Path, near)
}

// FailedAt is when f failed: its report's time, else now.
func FailedAt(f Finding, now time.Time) time.Time {
	if at, err := time.Parse(time.RFC3339Nano, f.Time); err == nil {
		return at
	}
	return now
}

// Route decides who hears of f and why: it ranks the candidates
// (owners.Rank: recent changes when ev has them, the area's OWNERS
// experts, the other owners; then the owners of the other code on the
// failure's path), assigns the first cfg.MaxAssignees that can be
// assigned, @mentions the next cfg.MaxMentions and lists the rest, adds
// the rotation's member on duty to the assignees, and records each
// person's reason in f.Provenance, in that order. ev may be nil: then
// OWNERS (or CODEOWNERS, or the fallback maintainers) alone decide.
func Route(f *Finding, own *owners.Resolver, cfg config.Config, ev *Evidence) {
	at := f.Location
	if at == nil {
		at = f.TestLocation
	}
	mode := owners.Mode(cfg.Owners.Source)
	rt := owners.Routing{Key: f.ID, Mode: mode, Fallback: cfg.Owners.Maintainers}
	if own != nil {
		rt.Root = own.RootOwners()
		if at != nil {
			rt.Owners = own.Owners(at.Path)
		}
	}
	var assignable func(string) bool
	if ev != nil {
		t := FailedAt(*f, ev.Now)
		rt.Paths, rt.Commits = ExpertPaths(*f), ev.Commits
		rt.Since, rt.Until = t.Add(-ev.Window), t
		assignable = ev.Assignable
	}
	cs := owners.Rank(rt)
	if own != nil {
		for _, p := range nearPaths(*f) {
			cs = append(cs, nearOwners(own.Owners(p), mode, p)...)
		}
	}
	cs = once(cs)
	if len(cs) > maxCandidates {
		cs = cs[:maxCandidates]
	}
	f.Assignees, f.Mentions, f.Listed = owners.Notify(cs, cfg.MaxAssignees, cfg.MaxMentions, assignable)
	f.Provenance = make([]Provenance, 0, len(cs)+1)
	for _, c := range cs {
		f.Provenance = append(f.Provenance, provenance(c))
	}
	t := time.Time{}
	if ev != nil {
		t = FailedAt(*f, ev.Now)
	} else if at, err := time.Parse(time.RFC3339Nano, f.Time); err == nil {
		t = at
	}
	if duty := onDuty(cfg.Rotation, t); duty != "" && !slices.Contains(f.Assignees, duty) {
		f.Assignees = append(f.Assignees, duty)
		f.Mentions = slices.DeleteFunc(f.Mentions, func(s string) bool { return s == duty })
		f.Listed = slices.DeleteFunc(f.Listed, func(s string) bool { return s == duty })
		if !slices.ContainsFunc(f.Provenance, func(p Provenance) bool { return p.Login == duty }) {
			f.Provenance = append(f.Provenance, Provenance{Login: duty, File: "config rotation", Role: "rotation"})
		}
	}
}

// nearPaths are the files of f's related frames and referenced code, in
// that order, other than its failing file.
func nearPaths(f Finding) []string {
	var out []string
	for _, l := range f.Related {
		out = append(out, l.Path)
	}
	for _, r := range f.References {
		out = append(out, r.Path)
	}
	return out
}

// nearOwners are the experts of another file on the failure's path (the
// nearest OWNERS level, or the CODEOWNERS rule), each with its line.
func nearOwners(o owners.Owners, mode owners.Mode, p string) []owners.Candidate {
	experts, from := o.Experts(mode)
	var out []owners.Candidate
	for _, l := range experts {
		c := owners.Candidate{Login: l, Rank: RankNear, Role: "codeowner"}
		if from == "CODEOWNERS" {
			c.File, c.Line = o.CodeOwners.File, o.CodeOwners.Line
		} else if i := slices.IndexFunc(o.Sources, func(s owners.Source) bool {
			return s.Name == l && (s.Role == "approver" || s.Role == "reviewer")
		}); i >= 0 {
			s := o.Sources[i]
			c.Role, c.File, c.Line, c.Alias = s.Role, s.File, s.Line, s.Alias
		}
		out = append(out, c)
	}
	return out
}

// once keeps each login's first (best) candidate, lower-cased.
func once(cs []owners.Candidate) []owners.Candidate {
	seen := map[string]bool{}
	out := cs[:0:0]
	for _, c := range cs {
		c.Login = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(c.Login), "@"))
		if c.Login == "" || seen[c.Login] {
			continue
		}
		seen[c.Login] = true
		out = append(out, c)
	}
	return out
}

func provenance(c owners.Candidate) Provenance {
	p := Provenance{Login: c.Login, File: c.File, Line: c.Line, Role: c.Role, Rank: c.Rank, Alias: c.Alias, Commit: c.SHA}
	if !c.Time.IsZero() {
		p.Date = c.Time.UTC().Format(time.RFC3339)
	}
	return p
}
