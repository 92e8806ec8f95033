package triage

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/flake-triage/flake-triage/internal/config"
	"github.com/flake-triage/flake-triage/internal/locate"
	"github.com/flake-triage/flake-triage/internal/owners"
	"github.com/flake-triage/flake-triage/internal/report"
)

// maxMessageLines bounds Finding.Message: the first lines of the failure
// are what a reader needs to recognise it; the issue body quotes more.
const maxMessageLines = 12

// maxMentions bounds the owners mentioned on one finding, so that a failure
// deep in shared code does not notify half of the project.
const maxMentions = 10

// Paths are the repository paths whose owners Analyze asks about for
// these locations: each test's location, declaration, related frames and
// the code it calls.
func Paths(locs []locate.Result) []string {
	var out []string
	add := func(l *locate.Location) {
		if l != nil {
			out = append(out, l.Path)
		}
	}
	for _, r := range locs {
		add(r.Location)
		add(r.TestLocation)
		for _, l := range r.Related {
			out = append(out, l.Path)
		}
		for _, ref := range r.References {
			out = append(out, ref.Path)
		}
	}
	return out
}

// Analyze turns the tests read from the reports, located by locs (the
// index's LocateAll of set.Tests), into findings: where each failed, who
// owns that code, who is assigned and mentioned, and which labels its
// issue carries. It does no I/O: the ownership resolver was loaded
// beforehand. Issue actions are decided later, by the planner.
func Analyze(set *report.Set, locs []locate.Result, own *owners.Resolver, cfg config.Config) Result {
	r := Result{
		Version: 1,
		Reports: Reports{Tests: set.Total, Failed: set.Failed, Flaky: set.Flaky, Passed: set.Passed, Skipped: set.Skipped, Files: []ReportFile{}},
		Errors:  append([]string{}, set.Errors...),
	}
	for _, f := range set.Files {
		r.Reports.Files = append(r.Reports.Files, ReportFile(f))
	}
	r.Findings = []Finding{}
	r.Passed = []Passed{}
	msgs := make([]string, len(set.Tests))
	for i, t := range set.Tests {
		msgs[i] = Message(t)
	}
	subtestMessages(set.Tests, msgs)
	for i, t := range set.Tests {
		f, notes := analyzeTest(t, msgs[i], locs[i], own, cfg)
		r.Findings = append(r.Findings, f)
		r.Errors = append(r.Errors, notes...)
	}
	return r
}

func analyzeTest(t report.Test, msg string, loc locate.Result, own *owners.Resolver, cfg config.Config) (Finding, []string) {
	f := Finding{
		ID:   ID(t.Suite.Name, t.Classname, t.Name),
		Kind: string(t.Kind),
		// The id is of the names as reported; what is shown is redacted.
		Test:         Test{Name: shown(t.Name), Classname: shown(t.Classname), Suite: shown(t.Suite.Name), Report: t.Report},
		Location:     location(loc.Location),
		TestLocation: location(loc.TestLocation),
		Related:      []Location{},
		References:   []Reference{},
		Correlated:   []Correlated{},
		Message:      Redact(Printable(msg, true)),
	}
	f.Signature = Signature(f.Message)
	if !loc.Time.IsZero() {
		f.Time = loc.Time.UTC().Format(time.RFC3339Nano)
	}
	for _, l := range loc.Related {
		f.Related = append(f.Related, Location(l))
	}
	for _, ref := range loc.References {
		f.References = append(f.References, Reference(ref))
	}
	var notes []string
	for _, n := range loc.Notes {
		notes = append(notes, t.Report+": "+shown(t.Name)+": "+n)
	}

	at := f.Location
	if at == nil {
		at = f.TestLocation
	}
	if at != nil {
		f.Owners, _, _ = ownersOf(own, at.Path, cfg.Owners.Source)
	}
	if len(f.Owners.Approvers)+len(f.Owners.Reviewers) == 0 {
		f.Owners = Owners{Approvers: lower(cfg.Owners.Maintainers), Reviewers: []string{}, Labels: f.Owners.Labels, Files: []string{}, Fallback: true}
		if f.Owners.Labels == nil {
			f.Owners.Labels = []string{}
		}
	}
	// Who is assigned and told, without the history's evidence: the
	// experts stage routes again with it (Route).
	Route(&f, own, cfg, nil)

	kindLabel := cfg.Labels.Failure
	if t.Kind == report.Flake {
		kindLabel = cfg.Labels.Flake
	}
	f.Labels = dedupe(append(append([]string{kindLabel}, f.Owners.Labels...), cfg.Labels.Extra...))
	f.Issue = Issue{Action: "none"}
	return f, notes
}

// ownersOf resolves the owners of path from OWNERS or CODEOWNERS as source
// says, and the subject-matter experts to assign from: the nearest OWNERS
// level (whose approvers and reviewers know that code best) or the matching
// CODEOWNERS rule.
func ownersOf(own *owners.Resolver, path, source string) (Owners, []string, []Provenance) {
	o := own.Owners(path)
	out := Owners{Approvers: []string{}, Reviewers: []string{}, Labels: nonNil(o.Labels), Files: []string{}}
	experts, from := o.Experts(owners.Mode(source))
	var prov []Provenance
	switch from {
	case "OWNERS":
		out.Approvers, out.Reviewers, out.Files = nonNil(o.Approvers), nonNil(o.Reviewers), nonNil(o.Files)
		for _, src := range o.Sources {
			if src.Role == "approver" || src.Role == "reviewer" {
				prov = append(prov, Provenance{Login: src.Name, File: src.File, Line: src.Line, Role: src.Role})
			}
		}
	case "CODEOWNERS":
		out.Approvers = lower(experts)
		out.Files = []string{o.CodeOwners.File}
		for _, l := range out.Approvers {
			prov = append(prov, Provenance{Login: l, File: o.CodeOwners.File, Line: o.CodeOwners.Line, Role: "codeowner"})
		}
	}
	return out, experts, prov
}

// leafOwners are the experts of another path on the failure's way.
func leafOwners(own *owners.Resolver, path, source string) []string {
	experts, _ := own.Owners(path).Experts(owners.Mode(source))
	return lower(experts)
}

func onDuty(r config.Rotation, at time.Time) string {
	if len(r.Members) == 0 {
		return ""
	}
	if at.IsZero() {
		at = time.Now()
	}
	return strings.ToLower(owners.OnDuty(r.Members, r.Start.Std(), r.Period.Std(), at))
}

func location(l *locate.Location) *Location {
	if l == nil {
		return nil
	}
	return &Location{Path: l.Path, Line: l.Line}
}

// ID is the stable identity of a test across runs: a hash of its innermost
// suite name, classname and name, which identify a test within a run
// (docs/json.md). Report paths and attempt numbers are not part of it.
func ID(suite, classname, name string) string {
	h := sha256.Sum256([]byte(suite + "\x00" + classname + "\x00" + name))
	return hex.EncodeToString(h[:8])
}

// shown is a name as the tool shows it: one printable line, tokens redacted.
func shown(name string) string { return Redact(Printable(name, false)) }

// Message returns the first lines of a test's first failed attempt, in
// the failure's own words: the assertion's text (Gomega's "Expected …",
// the t.Errorf line, the exception) without the runners' framing around
// it (go test's "=== RUN" and "--- FAIL" lines, Ginkgo's "[FAILED]" tags,
// its "Failure recorded during attempt 1:" header and "In [It] at:"
// positions), a Python traceback led by its exception. When the report
// gives no more than a one-word verdict ("Failed"), the attempt's output
// says what it can.
func Message(t report.Test) string {
	if len(t.Failed) == 0 {
		return ""
	}
	a := t.Failed[0]
	var text string
	if e, ok := a.Error.(interface{ Error() string }); ok && e != nil {
		text = e.Error()
	}
	text = informative(text)
	// The message attribute leads when it says more than a runner's
	// one-word verdict ("Failed", "panicked") and the body lacks it.
	if msg := informative(a.Message); msg != "" && !strings.Contains(text, msg) &&
		(strings.TrimSpace(text) == "" || strings.ContainsAny(msg, " \t\n")) {
		text = msg + "\n" + text
	}
	if !strings.ContainsAny(strings.TrimSpace(text), " \t\n") {
		// A one-word verdict: go-junit-report leaves a panic's text in the
		// suite's output.
		for _, out := range []string{a.SystemOut, a.SystemErr, t.Suite.SystemOut} {
			if i := strings.Index(out, "panic: "); i >= 0 {
				text = out[i:]
				break
			}
		}
	}
	if isVerdict(text) {
		// Runners such as CTest keep what went wrong in the test's output.
		for _, out := range []string{a.SystemErr, a.SystemOut} {
			if out = informative(out); strings.TrimSpace(out) != "" {
				lines := strings.Split(out, "\n")
				text = "failed; its output ends with:\n" + strings.Join(lines[max(0, len(lines)-maxMessageLines+1):], "\n")
				break
			}
		}
	}
	return firstLines(text)
}

func firstLines(text string) string {
	lines := strings.Split(strings.TrimSpace(text), "\n")
	if len(lines) > maxMessageLines {
		lines = lines[:maxMessageLines]
	}
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t\r")
	}
	return strings.Join(lines, "\n")
}

// isVerdict reports whether a failure text is no more than a runner's
// one-word verdict, which says nothing of what failed.
func isVerdict(text string) bool {
	switch strings.ToLower(strings.TrimSpace(text)) {
	case "", "failed", "failed.", "failure", "fail", "error", "errored":
		return true
	}
	return false
}

// noFailureText is the message of a test whose report says nothing more
// than that it failed.
const noFailureText = "failed; the report holds no failure text"

// subtestMessages gives a Go test whose own failure text is only a verdict
// (go test fails a parent when a subtest fails) the message of its first
// failing subtest in the same report, and the rest of the verdicts a
// sentence saying the report has no more.
func subtestMessages(tests []report.Test, msgs []string) {
	type parent struct{ report, suite, classname, name string }
	first := map[parent]int{}
	for j, c := range tests {
		if isVerdict(msgs[j]) {
			continue
		}
		for k := len(c.Name) - 1; k > 0; k-- {
			if c.Name[k] == '/' {
				p := parent{c.Report, c.Suite.Name, c.Classname, c.Name[:k]}
				if _, ok := first[p]; !ok {
					first[p] = j
				}
			}
		}
	}
	for i, t := range tests {
		if !isVerdict(msgs[i]) {
			continue
		}
		if j, ok := first[parent{t.Report, t.Suite.Name, t.Classname, t.Name}]; ok {
			msgs[i] = firstLines("subtest " + strings.TrimPrefix(tests[j].Name, t.Name+"/") + " failed:\n" + msgs[j])
		} else {
			msgs[i] = noFailureText
		}
	}
}

// informative removes from a failure text the lines that frame it rather
// than say what failed: go test's "=== RUN" / "--- FAIL:" lines, Ginkgo's
// "[FAILED]" tags, its attempt and panic headers and "In [It] at:"
// positions; and it puts a Python traceback's exception first.
func informative(text string) string {
	if !strings.ContainsAny(text, "=-[IT") {
		return text
	}
	lines := strings.Split(text, "\n")
	out := lines[:0:0]
	panicked := false
	for _, l := range lines {
		trim := strings.TrimSpace(l)
		switch {
		case goFraming(trim), isGinkgoHeader(trim):
			panicked = panicked || trim == "[PANICKED] Test Panicked"
			continue
		case strings.HasPrefix(trim, "In [") && strings.Contains(trim, "] at: "):
			continue
		}
		for _, tag := range ginkgoTags {
			if rest, ok := strings.CutPrefix(trim, tag+" "); ok {
				l = rest
				break
			}
		}
		if panicked && strings.TrimSpace(l) != "" {
			l, panicked = "panic: "+strings.TrimSpace(l), false
		}
		out = append(out, l)
	}
	for len(out) > 0 && strings.TrimSpace(out[0]) == "" {
		out = out[1:]
	}
	if len(out) > 1 && strings.TrimSpace(out[0]) == "Traceback (most recent call last):" {
		for i := len(out) - 1; i > 0; i-- {
			if l := out[i]; strings.TrimSpace(l) != "" && l[0] != ' ' && l[0] != '\t' {
				out = append([]string{l}, out...)
				break
			}
		}
	}
	return strings.Join(out, "\n")
}

// ginkgoTags are the tags Ginkgo puts before a failure's text.
var ginkgoTags = [...]string{"[FAILED]", "[PANICKED]", "[TIMEDOUT]", "[INTERRUPTED]", "[ABORTED]"}

// goFraming reports whether a line is go test's framing of a test's output.
func goFraming(line string) bool {
	for _, p := range [...]string{"=== RUN ", "=== PAUSE ", "=== CONT ", "=== NAME ", "--- FAIL: ", "--- PASS: ", "--- SKIP: "} {
		if strings.HasPrefix(line, p) {
			return true
		}
	}
	return line == "=== RUN" || line == "=== NAME"
}

// isGinkgoHeader reports whether a line is a Ginkgo header that introduces
// the failure's text without saying what failed.
func isGinkgoHeader(line string) bool {
	if rest, ok := strings.CutPrefix(line, "[FAILED] Failure recorded during attempt "); ok {
		return strings.HasSuffix(rest, ":")
	}
	for _, tag := range ginkgoTags {
		// The console's "[FAILED] in [It] - path:line @ time" and
		// "[FAILED] [0.012 seconds]" lines.
		if rest, ok := strings.CutPrefix(line, tag+" "); ok &&
			(strings.HasPrefix(rest, "in [") || strings.HasPrefix(rest, "[") && strings.HasSuffix(rest, " seconds]")) {
			return true
		}
	}
	return line == "[PANICKED] Test Panicked"
}

// Headline is the one line of a failure message that says what failed: its
// first line, and when that line only introduces what follows (it ends in
// a colon, or is Gomega's lone "Expected"), the rest of that paragraph,
// whitespace folded, at most 200 characters.
func Headline(message string) string {
	lines := strings.Split(strings.TrimSpace(message), "\n")
	head := strings.TrimSpace(lines[0])
	if strings.HasSuffix(head, ":") || head == "Expected" || head == "Unexpected error:" {
		started := false
		for _, l := range lines[1:] {
			l = strings.TrimSpace(l)
			if l == "" {
				if started {
					break
				}
				continue
			}
			if strings.HasPrefix(l, "at ") || strings.HasPrefix(l, "File \"") || l == "Full Stack Trace" {
				break
			}
			if l == "+ actual - expected" || l == "+ expected - actual" || l == "^" {
				// Node's assert: the legend of the diff that follows.
				continue
			}
			head += " " + strings.Join(strings.Fields(l), " ")
			started = true
			if len(head) > 200 {
				break
			}
		}
	}
	if len(head) > 200 {
		cut := 200
		for cut > 0 && !utf8.RuneStart(head[cut]) {
			cut--
		}
		head = head[:cut] + "…"
	}
	return head
}

// Signature is a short hash of a failure's text with its volatile parts
// removed, so that the same failure in two runs has the same signature.
func Signature(message string) string {
	norm := stripVolatile(message)
	h := sha256.Sum256([]byte(strings.Join(strings.Fields(norm), " ")))
	return hex.EncodeToString(h[:6])
}

// stripVolatile replaces with "#" the parts of a failure text that change
// from run to run: every token holding a digit (numbers, durations,
// addresses, timestamps, generated names such as machine-7f3a, file:line
// positions), a token being a longest run of [A-Za-z0-9_.:/-]. It does
// what the regular expression `[A-Za-z0-9_.:/-]*[0-9][A-Za-z0-9_.:/-]*`
// replaced (TestStripVolatileMatchesRegexp holds them equal), in a tenth
// of the time: a broken run has thousands of failures.
func stripVolatile(s string) string {
	var b strings.Builder
	done := 0 // s[:done] is in b
	for i := 0; i < len(s); {
		if !isTokenByte(s[i]) {
			i++
			continue
		}
		start, digit := i, false
		for ; i < len(s) && isTokenByte(s[i]); i++ {
			digit = digit || '0' <= s[i] && s[i] <= '9'
		}
		if digit {
			if b.Len() == 0 {
				b.Grow(len(s))
			}
			b.WriteString(s[done:start])
			b.WriteByte('#')
			done = i
		}
	}
	if done == 0 {
		return s
	}
	b.WriteString(s[done:])
	return b.String()
}

func isTokenByte(c byte) bool {
	return 'a' <= c|0x20 && c|0x20 <= 'z' || '0' <= c && c <= '9' || c == '_' || c == '.' || c == ':' || c == '/' || c == '-'
}

func lower(in []string) []string {
	out := make([]string, 0, len(in))
	for _, s := range in {
		out = append(out, strings.ToLower(strings.TrimPrefix(s, "@")))
	}
	return dedupe(out)
}

func dedupe(in []string) []string {
	out := []string{}
	for _, s := range in {
		if s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
