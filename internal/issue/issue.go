// Package issue renders and parses the issues that flake-triage files: the
// title, the body with a human section above a tool-owned section between
// markers, the hidden state block the tool reads back on its next run, and
// signed comments. It is pure: no I/O.
//
// Quoted test output is neutralised so that it can neither notify nor link
// anyone, inject HTML, nor forge the tool's markers, and every body and
// comment is cut to fit GitHub's size limit.
package issue

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// MaxBody is the largest body or comment GitHub accepts, in characters
// (https://docs.github.com/en/rest/issues/issues#create-an-issue answers
// 422 "body is too long (maximum is 65536 characters)"). Bodies are kept
// under it in bytes, which is never more characters.
const MaxBody = 65536

// MaxTitle is the longest issue title GitHub accepts.
const MaxTitle = 256

// MaxRuns bounds the runs remembered in the state block (and so the reruns
// recognised); MaxTableRows bounds the history table shown to people.
const (
	MaxRuns       = 50
	MaxTableRows  = 10
	MaxSignatures = 20
	// MaxExcerpt bounds the failure excerpt quoted in a body or comment.
	MaxExcerpt = 8000
)

const (
	markerPrefix = "<!-- flake-triage:"
	beginPrefix  = "<!-- flake-triage:begin id="
	statePrefix  = "<!-- flake-triage:state "
	endMarker    = "<!-- flake-triage:end -->"
	dupPrefix    = "<!-- flake-triage:duplicate-of "
	commentMark  = "<!-- flake-triage:comment id="
	markerSuffix = " -->"
)

// A State is the machine state the tool keeps in an issue's hidden block.
type State struct {
	// ID is the finding id (or a storm key) the issue tracks.
	ID   string `json:"id"`
	Kind string `json:"kind,omitempty"`
	// Count is how many occurrences (distinct run attempts and jobs) were recorded.
	Count int       `json:"count"`
	First time.Time `json:"first"`
	Last  time.Time `json:"last"`
	// Streak counts consecutive tracked runs in which the test failed with
	// no passing attempt; a flake resets it.
	Streak int `json:"streak,omitempty"`
	// Consistent is true while the tool has marked the issue consistently failing.
	Consistent bool `json:"consistent,omitempty"`
	// Signatures are the failure signatures seen, oldest first, bounded.
	Signatures  []string  `json:"signatures,omitempty"`
	LastComment time.Time `json:"last_comment,omitempty"`
	// Runs are the recorded occurrences, newest first, bounded by MaxRuns.
	Runs []Occurrence `json:"runs,omitempty"`
	// Test is the identity of the tracked test within a run, so that a
	// later run in which it has no finding can tell whether it passed;
	// nil in bodies written before it was recorded.
	Test *Identity `json:"test,omitempty"`
	// Passed is the newest run recorded in which the test ran and passed
	// on every attempt, when that pass ended the streak (see Pass).
	Passed *Occurrence `json:"passed,omitempty"`
	// Priority is the priority label the tool set itself on the issue
	// (priority setting), to tell it from one a person set.
	Priority string `json:"priority,omitempty"`
	// Lifted is the run in which the tool commented that the test's
	// quarantine can be lifted, so that it says so once per passing
	// streak (see plan.LiftQuarantine).
	Lifted *Occurrence `json:"lifted,omitempty"`
}

// An Identity names a test within a run, as the reports do: its innermost
// suite name, classname and name.
type Identity struct {
	Suite     string `json:"suite,omitempty"`
	Classname string `json:"classname,omitempty"`
	Name      string `json:"name"`
}

// Identity bounds: a recorded identity longer than these is cut, and then
// no longer names the test (a tracker checks it against the issue's id).
const (
	maxIdentityName  = 1000
	maxIdentityGroup = 512
)

// WithTest returns the state with the identity of its test recorded,
// bounded and stripped of control characters as occurrence fields are.
func (s State) WithTest(suite, classname, name string) State {
	s.Test = &Identity{
		Suite:     recorded(suite, maxIdentityGroup),
		Classname: recorded(classname, maxIdentityGroup),
		Name:      recorded(name, maxIdentityName),
	}
	return s
}

// recorded is v as the state block keeps it: valid UTF-8 (as it reads
// back from JSON), with no control characters (which JSON would write six
// bytes each), cut to max bytes.
func recorded(v string, max int) string {
	v = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, CanonicalID(v))
	v, _ = Truncate(v, max)
	return v
}

// clean bounds and canonicalises every field of o, so that MaxRuns
// occurrences fit the body: a hostile signature or job name once made it
// 166 kB.
func (o Occurrence) clean() Occurrence {
	for _, f := range []struct {
		p   *string
		max int
	}{{&o.Job, 100}, {&o.URL, 512}, {&o.SHA, 64}, {&o.Event, 32}, {&o.Ref, 255}, {&o.Kind, 16}, {&o.Signature, 64}} {
		*f.p = recorded(*f.p, f.max)
	}
	return o
}

// An Occurrence is one run attempt and job in which the test failed.
type Occurrence struct {
	RunID     int64     `json:"run"`
	Attempt   int       `json:"attempt,omitempty"`
	Job       string    `json:"job,omitempty"`
	URL       string    `json:"url,omitempty"`
	SHA       string    `json:"sha,omitempty"`
	Event     string    `json:"event,omitempty"`
	Ref       string    `json:"ref,omitempty"`
	Time      time.Time `json:"time"`
	Kind      string    `json:"kind,omitempty"`
	Signature string    `json:"sig,omitempty"`
}

// Key identifies the occurrence: re-running the tool on the same run id,
// attempt and job yields the same key.
func (o Occurrence) Key() string { return fmt.Sprintf("%d/%d/%s", o.RunID, o.Attempt, o.Job) }

// Has reports whether the state already records an occurrence with key.
func (s State) Has(key string) bool {
	for _, r := range s.Runs {
		if r.Key() == key {
			return true
		}
	}
	return false
}

// HasSignature reports whether sig was seen before.
func (s State) HasSignature(sig string) bool {
	for _, x := range s.Signatures {
		if x == sig {
			return true
		}
	}
	return false
}

// Add returns the state with o recorded (unless its key is already there):
// count, first/last seen, streak, signatures and the bounded run list.
func (s State) Add(o Occurrence) State {
	// The state block is JSON, which holds only valid UTF-8: canonicalise
	// now so that what is recorded is what reads back.
	o = o.clean()
	if s.Has(o.Key()) {
		return s
	}
	s.Count++
	if s.First.IsZero() || o.Time.Before(s.First) {
		s.First = o.Time
	}
	// Only the newest evidence moves the kind and the streak: an old run
	// recorded late says nothing about the test now.
	if !o.Time.Before(s.Last) {
		s.Last = o.Time
		s.Kind = o.Kind
		switch {
		case s.Passed != nil && o.Time.Before(s.Passed.Time):
			// A recorded pass came after this failure: the streak it
			// ended stays ended.
		case o.Kind == "flake":
			s.Streak = 0
		default:
			s.Streak++
		}
	}
	if o.Signature != "" && !s.HasSignature(o.Signature) {
		s.Signatures = append(append([]string(nil), s.Signatures...), o.Signature)
		if len(s.Signatures) > MaxSignatures {
			s.Signatures = s.Signatures[len(s.Signatures)-MaxSignatures:]
		}
	}
	runs := make([]Occurrence, 0, len(s.Runs)+1)
	runs = append(runs, o)
	runs = append(runs, s.Runs...)
	// Newest first, stable for equal times.
	sort.SliceStable(runs, func(i, j int) bool { return runs[i].Time.After(runs[j].Time) })
	if len(runs) > MaxRuns {
		runs = runs[:MaxRuns]
	}
	s.Runs = runs
	return s
}

// Pass returns the state with o, a run in which the test ran and passed
// on every attempt, recorded: a pass newer than every recorded failure and
// pass ends the streak of failing runs (Streak becomes 0; whether to drop
// the consistent marking is the caller's to decide, as it owns the labels
// and title). A pass no newer than the recorded evidence, or one whose run
// is recorded already, changes nothing: an old run triaged late says
// nothing about the test now, and a rerun changes nothing.
func (s State) Pass(o Occurrence) State {
	o = o.clean()
	if s.Has(o.Key()) || s.Passed != nil && (s.Passed.Key() == o.Key() || !o.Time.After(s.Passed.Time)) || o.Time.Before(s.Last) {
		return s
	}
	s.Passed = &o
	s.Streak = 0
	return s
}

// Merge returns s with every occurrence of other that s lacks, as when a
// duplicate issue is folded into the older one, and other's test identity
// and pass when s has none or an older pass.
func (s State) Merge(other State) State {
	for i := len(other.Runs) - 1; i >= 0; i-- {
		s = s.Add(other.Runs[i])
	}
	if s.Test == nil && other.Test != nil {
		t := *other.Test
		s.Test = &t
	}
	if other.Passed != nil {
		s = s.Pass(*other.Passed)
	}
	return s
}

// Parsed is what Parse reads back from an issue body.
type Parsed struct {
	// Found is false when the body carries no tool section.
	Found bool
	ID    string
	State State
	// Human is the text above the tool section, which people may edit.
	Human string
}

// ErrNoState is wrapped by Parse when the tool section has no readable state block.
var ErrNoState = errors.New("no state block")

// Parse reads the tool section of body: the id in its begin marker, the
// hidden state block and the human text above it. A body without the
// tool's markers gives Found false and no error.
func Parse(body string) (Parsed, error) {
	i := strings.LastIndex(body, beginPrefix)
	if i < 0 {
		return Parsed{Human: body}, nil
	}
	rest := body[i+len(beginPrefix):]
	j := strings.Index(rest, markerSuffix)
	if j < 0 {
		return Parsed{Human: body}, nil
	}
	id, err := url.QueryUnescape(rest[:j])
	if err != nil {
		return Parsed{Human: body}, fmt.Errorf("parse issue marker: id %q: %w", rest[:j], err)
	}
	p := Parsed{Found: true, ID: id, Human: strings.TrimRight(body[:i], "\n")}
	section := rest[j:]
	k := strings.LastIndex(section, statePrefix)
	if k < 0 {
		return p, fmt.Errorf("parse issue %q: %w", id, ErrNoState)
	}
	enc := section[k+len(statePrefix):]
	e := strings.Index(enc, markerSuffix)
	if e < 0 {
		return p, fmt.Errorf("parse issue %q: unterminated state: %w", id, ErrNoState)
	}
	raw, err := base64.StdEncoding.DecodeString(enc[:e])
	if err != nil {
		return p, fmt.Errorf("parse issue %q: state: %w", id, err)
	}
	if err := json.Unmarshal(raw, &p.State); err != nil {
		return p, fmt.Errorf("parse issue %q: state: %w", id, err)
	}
	if p.State.ID != id {
		return p, fmt.Errorf("parse issue %q: state is for %q", id, p.State.ID)
	}
	return p, nil
}

// IDOf returns the id in body's tool marker, or "" when it has none.
func IDOf(body string) string {
	p, _ := Parse(body)
	if !p.Found {
		return ""
	}
	return p.ID
}

// beginMarker carries the id as its state block would read back: JSON
// cannot hold invalid UTF-8, so neither does the marker.
func beginMarker(id string) string {
	return beginPrefix + url.QueryEscape(CanonicalID(id)) + markerSuffix
}

// CanonicalID is id as it reads back from an issue: each byte of invalid
// UTF-8 replaced by U+FFFD, as encoding/json does.
func CanonicalID(id string) string {
	if utf8.ValidString(id) {
		return id
	}
	var b strings.Builder
	for len(id) > 0 {
		r, n := utf8.DecodeRuneInString(id)
		b.WriteRune(r)
		id = id[n:]
	}
	return b.String()
}

func stateBlock(s State) string {
	raw, err := json.Marshal(s)
	if err != nil { // a State always marshals; keep the body valid regardless
		raw = []byte(`{}`)
	}
	return statePrefix + base64.StdEncoding.EncodeToString(raw) + markerSuffix
}

const zwsp = "\u200b"

// Neutralize makes quoted text inert on GitHub: "@login" cannot mention,
// "#123" and "GH-123" cannot link, "<!--" and "-->" cannot open or close
// an HTML comment (so the tool's markers cannot be forged), "<" cannot
// start an HTML tag, and control characters other than newline and tab are
// dropped. Invalid UTF-8 is replaced.
func Neutralize(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	// Drop control characters first, so that what they separated cannot
	// join into something live ("@\x1fme").
	s = strings.Map(func(r rune) rune {
		if r == '\r' || r < 0x20 && r != '\n' && r != '\t' || r == 0x7f {
			return -1
		}
		return r
	}, s)
	var b strings.Builder
	b.Grow(len(s) + len(s)/16)
	rs := []rune(s)
	for i, r := range rs {
		next := rune(0)
		if i+1 < len(rs) {
			next = rs[i+1]
		}
		switch {
		case r == '@' && isWordRune(next):
			b.WriteString("@" + zwsp)
		case r == '#' && next >= '0' && next <= '9':
			b.WriteString("#" + zwsp)
		case r == '-' && next == '-' && i+2 < len(rs) && rs[i+2] == '>':
			b.WriteString("-" + zwsp)
		case r == '<' && (next == '!' || next == '/' || next == '?' || isWordRune(next)):
			b.WriteString("<" + zwsp)
		case (r == 'H' || r == 'h') && i > 0 && (rs[i-1] == 'G' || rs[i-1] == 'g') && next == '-':
			b.WriteString(string(r) + zwsp)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func isWordRune(r rune) bool {
	return r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
}

// Fence quotes s as a fenced code block that s cannot close: the fence is
// longer than any run of backticks in s, and s is neutralised.
func Fence(s string) string {
	s = Neutralize(s)
	longest, run := 0, 0
	for _, r := range s {
		if r == '`' {
			run++
			if run > longest {
				longest = run
			}
		} else {
			run = 0
		}
	}
	f := strings.Repeat("`", max(3, longest+1))
	return f + "text\n" + strings.TrimRight(s, "\n") + "\n" + f
}

// Code quotes s as an inline code span on one line, neutralised.
func Code(s string) string {
	s = strings.Join(strings.Fields(Neutralize(s)), " ")
	if s == "" {
		return "``"
	}
	longest, run := 0, 0
	for _, r := range s {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	f := strings.Repeat("`", longest+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		s = " " + s + " "
	}
	return f + s + f
}

// CodeCell is Code for a Markdown table cell: GitHub's tables split on
// "|" even inside code spans, so pipes are escaped.
func CodeCell(s string) string { return strings.ReplaceAll(Code(s), "|", `\|`) }

// Cell quotes s for a Markdown table cell: neutralised, one line, pipes escaped.
func Cell(s string) string {
	s = strings.Join(strings.Fields(Neutralize(s)), " ")
	return strings.ReplaceAll(s, "|", `\|`)
}

// Login returns the login or team ("org/team") with only the characters
// GitHub allows, so an ownership file cannot smuggle markup in a mention.
func Login(s string) string {
	s = strings.TrimPrefix(strings.TrimSpace(s), "@")
	var b strings.Builder
	for _, r := range s {
		if isWordRune(r) && r != '_' || r == '-' || r == '/' || r == '_' || r == '.' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Truncate cuts s to at most n bytes on a rune boundary and reports whether it cut.
func Truncate(s string, n int) (string, bool) {
	if len(s) <= n {
		return s, false
	}
	if n <= 0 {
		return "", true
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut], true
}

// Title fills a title template ("{name}", "{classname}", "{suite}",
// "{kind}" are replaced) and keeps it on one line under MaxTitle. The
// test's names are neutralised: GitHub links "#01" (a Go subtest suffix)
// in titles.
func Title(template, name, classname, suite, kind string) string {
	t := strings.NewReplacer("{name}", Neutralize(name), "{classname}", Neutralize(classname), "{suite}", Neutralize(suite), "{kind}", kind).Replace(template)
	t = strings.Join(strings.Fields(t), " ")
	if len(t) > MaxTitle {
		t, _ = Truncate(t, MaxTitle-len("…"))
		t += "…"
	}
	return t
}

// MarkDuplicate returns body marked as a duplicate of issue keep, so that
// a later run folds its occurrences into keep even when a concurrent
// writer lost them there.
func MarkDuplicate(body string, keep int) string {
	if DuplicateOf(body) == keep {
		return body
	}
	return strings.TrimRight(body, "\n") + fmt.Sprintf("\n%s%d%s", dupPrefix, keep, markerSuffix)
}

// DuplicateOf returns the issue number body was marked a duplicate of, or 0.
func DuplicateOf(body string) int {
	i := strings.LastIndex(body, dupPrefix)
	if i < 0 {
		return 0
	}
	rest := body[i+len(dupPrefix):]
	j := strings.Index(rest, markerSuffix)
	if j < 0 {
		return 0
	}
	var n int
	if _, err := fmt.Sscanf(rest[:j], "%d", &n); err != nil || n <= 0 {
		return 0
	}
	return n
}
