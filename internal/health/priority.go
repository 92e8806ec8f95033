package health

import (
	"sort"
	"strings"
)

// A Level is a priority label and the failure rate from which it applies.
type Level struct {
	Label string  `yaml:"label"`
	Rate  float64 `yaml:"rate"`
}

// Priority returns the label of the highest rate that rate reaches, or ""
// when it reaches none.
func Priority(rate float64, levels []Level) string {
	ls := append([]Level(nil), levels...)
	sort.SliceStable(ls, func(i, j int) bool { return ls[i].Rate > ls[j].Rate })
	for _, l := range ls {
		if rate >= l.Rate {
			return l.Label
		}
	}
	return ""
}

// A PriorityChange is what the tool does to an issue's priority labels.
type PriorityChange struct {
	Add, Remove []string
	// Set is the label the tool owns after the change ("" for none): it
	// remembers it to tell its own label from a person's.
	Set string
}

// Reprioritise decides the priority labels of an issue: labels are the
// issue's, own the priority label the tool set itself last time ("" for
// none). Once a person has put a priority label on the issue — one of
// levels or any "priority/…" label the tool did not set — the person owns
// its priority and nothing changes.
func Reprioritise(rate float64, levels []Level, labels []string, own string) PriorityChange {
	if len(levels) == 0 {
		return PriorityChange{Set: own}
	}
	for _, l := range labels {
		if isPriority(l, levels) && !strings.EqualFold(l, own) {
			return PriorityChange{Set: ""}
		}
	}
	want := Priority(rate, levels)
	var c PriorityChange
	c.Set = want
	has := func(name string) bool {
		for _, l := range labels {
			if strings.EqualFold(l, name) {
				return true
			}
		}
		return false
	}
	if own != "" && !strings.EqualFold(own, want) && has(own) {
		c.Remove = []string{own}
	}
	if want != "" && !has(want) {
		c.Add = []string{want}
	}
	return c
}

func isPriority(l string, levels []Level) bool {
	if strings.HasPrefix(strings.ToLower(l), "priority/") {
		return true
	}
	for _, lv := range levels {
		if strings.EqualFold(lv.Label, l) {
			return true
		}
	}
	return false
}
