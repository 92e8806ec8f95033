package owners

import "time"

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
