package owners

import (
	"hash/fnv"
	"slices"
	"strings"
	"time"
)

// Assign picks at most max assignees from candidates and returns the other
// candidates as mentions. The pick is deterministic per key (the same finding
// always gets the same people) but differs between keys, so that load spreads
// across the experts instead of always hitting the first name: each login is
// ranked by a hash of key and login (rendezvous hashing), and the max best
// ranked are assigned.
//
// Candidates are normalised like logins (lower-cased, one leading '@'
// stripped) and deduplicated. Teams ("org/team") and e-mail addresses are
// never assigned: GitHub assigns users only. Assignees are sorted; mentions
// keep the candidates' order.
//
// Deprecated: findings are routed by Rank (evidence, then area, then the
// rest, with the same hashing among equals) and Notify.
func Assign(candidates []string, key string, max int) (assignees, mentions []string) {
	var all []string
	seen := map[string]bool{}
	for _, c := range candidates {
		c = normLogin(strings.TrimSpace(c))
		if c == "" || seen[c] {
			continue
		}
		seen[c] = true
		all = append(all, c)
	}
	type ranked struct {
		login string
		rank  uint64
	}
	var users []ranked
	for _, c := range all {
		if strings.ContainsAny(c, "/@") {
			continue
		}
		h := fnv.New64a()
		h.Write([]byte(key))
		h.Write([]byte{0})
		h.Write([]byte(c))
		users = append(users, ranked{c, h.Sum64()})
	}
	slices.SortFunc(users, func(a, b ranked) int {
		if a.rank != b.rank {
			if a.rank < b.rank {
				return -1
			}
			return 1
		}
		return strings.Compare(a.login, b.login)
	})
	picked := map[string]bool{}
	assignees = []string{}
	for i := 0; i < len(users) && i < max; i++ {
		assignees = append(assignees, users[i].login)
		picked[users[i].login] = true
	}
	slices.Sort(assignees)
	mentions = []string{}
	for _, c := range all {
		if !picked[c] {
			mentions = append(mentions, c)
		}
	}
	return assignees, mentions
}

// OnDuty returns the member of a rotation on duty at t: members take turns of
// one period each, in order, the first starting at start (and the turns
// repeat backwards before it). It returns "" with no members or a period
// that is not positive.
func OnDuty(members []string, start time.Time, period time.Duration, t time.Time) string {
	if len(members) == 0 || period <= 0 {
		return ""
	}
	d := t.Sub(start)
	turn := d / period
	if d < 0 && d%period != 0 {
		turn-- // floor, not truncation toward zero
	}
	i := int64(turn) % int64(len(members))
	if i < 0 {
		i += int64(len(members))
	}
	return members[i]
}
