package issue

import (
	"fmt"
	"html"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/flake-triage/flake-triage/internal/triage"
)

// maxName bounds a test name, classname or path quoted in a body.
const maxName = 1000

// Content is everything the tool section of a finding's issue shows.
type Content struct {
	Finding triage.Finding
	// Server and Repo ("https://github.com", "owner/name") and SHA, the
	// run's commit, build the links to the failing line.
	Server, Repo, SHA string
	State             State
	// Note is a sentence of the tool's own Markdown shown first, such as a
	// link to an older closed issue of the same test.
	Note string
}

// DefaultHuman is the human section of a new issue: people may rewrite it.
const DefaultHuman = "_Filed by flake-triage. Write above the **flake-triage** heading: everything from there down is rewritten on every run._"

// Render returns a full body: human (kept as people wrote it) above the
// tool section for c. The result parses back to c.Finding.ID and c.State
// and stays under MaxBody: the failure excerpt is cut first, then the
// history table, then the human text, each with a note saying so.
func Render(human string, c Content) string {
	human = strings.TrimRight(human, "\n")
	c.State.ID = CanonicalID(c.Finding.ID)
	excerpt := c.Finding.Message
	rows := MaxTableRows
	for {
		body := human + "\n\n" + section(c, excerpt, rows)
		if len(body) <= MaxBody {
			return body
		}
		over := len(body) - MaxBody
		switch {
		case len(excerpt) > 200:
			excerpt, _ = Truncate(excerpt, max(0, min(len(excerpt)-over-200, MaxExcerpt)))
		case rows > 1:
			rows = 1
		default:
			note := "\n\n_(flake-triage cut the text above to fit GitHub's 65,536-character limit.)_"
			human, _ = Truncate(human, max(0, len(human)-over-len(note)))
			return human + note + "\n\n" + section(c, excerpt, rows)
		}
	}
}

func section(c Content, excerpt string, rows int) string {
	f := c.Finding
	var b strings.Builder
	b.WriteString(beginMarker(f.ID) + "\n")
	b.WriteString("### flake-triage\n\n")
	if c.Note != "" {
		b.WriteString(c.Note + "\n\n")
	}
	name, _ := Truncate(f.Test.Name, maxName)
	fmt.Fprintf(&b, "**Test:** %s", Code(name))
	var extra []string
	if f.Test.Classname != "" {
		cn, _ := Truncate(f.Test.Classname, maxName)
		extra = append(extra, "class "+Code(cn))
	}
	if f.Test.Suite != "" {
		s, _ := Truncate(f.Test.Suite, maxName)
		extra = append(extra, "suite "+Code(s))
	}
	if f.Test.Report != "" {
		r, _ := Truncate(f.Test.Report, maxName)
		extra = append(extra, "report "+Code(r))
	}
	if len(extra) > 0 {
		b.WriteString(" (" + strings.Join(extra, ", ") + ")")
	}
	b.WriteString("  \n")
	b.WriteString(kindLine(c.State))
	if f.Location != nil {
		fmt.Fprintf(&b, "**Failed at:** %s", c.link(*f.Location))
		if f.TestLocation != nil {
			fmt.Fprintf(&b, " · declared at %s", c.link(*f.TestLocation))
		}
		b.WriteString("  \n")
	} else if f.TestLocation != nil {
		fmt.Fprintf(&b, "**Declared at:** %s (where it failed is unknown)  \n", c.link(*f.TestLocation))
	}
	fmt.Fprintf(&b, "**Occurrences:** %d · first seen %s · last seen %s\n\n", c.State.Count, stamp(c.State.First), stamp(c.State.Last))

	b.WriteString(c.owners(f))
	b.WriteString(c.around(f))

	fmt.Fprintf(&b, "#### Latest failure\n\n")
	if len(c.State.Runs) > 0 {
		r := c.State.Runs[0]
		// Markdown does not render inside <summary>: write HTML, escaped.
		fmt.Fprintf(&b, "<details><summary>%s in %s", html.EscapeString(strings.Join(strings.Fields(Neutralize(r.Job)), " ")), runAnchor(r))
		if r.Signature != "" {
			fmt.Fprintf(&b, " (signature <code>%s</code>)", html.EscapeString(Neutralize(r.Signature)))
		}
		b.WriteString("</summary>\n\n")
	} else {
		b.WriteString("<details><summary>Failure text</summary>\n\n")
	}
	ex, cut := Truncate(excerpt, MaxExcerpt)
	b.WriteString(Fence(ex) + "\n")
	if cut || len(excerpt) < len(f.Message) {
		fmt.Fprintf(&b, "\n_(excerpt cut to %d of %d bytes to fit GitHub's limits; the run has the full output.)_\n", len(ex), len(f.Message))
	}
	b.WriteString("\n</details>\n\n")

	n := min(rows, len(c.State.Runs))
	fmt.Fprintf(&b, "#### History (latest %d of %d recorded)\n\n", n, c.State.Count)
	b.WriteString("| Run | Attempt | Job | Commit | Event / branch | Time | Signature |\n|---|---|---|---|---|---|---|\n")
	for _, r := range c.State.Runs[:n] {
		fmt.Fprintf(&b, "| %s | %d | %s | %s | %s | %s | %s |\n",
			runLink(r), r.Attempt, Cell(r.Job), c.commit(r.SHA), Cell(strings.TrimSpace(r.Event+" "+strings.TrimPrefix(r.Ref, "refs/heads/"))), stamp(r.Time), CodeCell(r.Signature))
	}
	b.WriteString("\n" + stateBlock(c.State) + "\n" + endMarker)
	return b.String()
}

const kindPrefix = "**Kind:** "

// kindLine says what the test is: flaky, failing or consistently failing,
// and when its newest recorded run passed.
func kindLine(st State) string {
	kind := "flaky (failed, then passed on retry)"
	if st.Kind != "flake" {
		kind = "failing (no attempt passed)"
	}
	if st.Consistent {
		kind = fmt.Sprintf("**consistently failing**: failed in %d tracked runs in a row", st.Streak)
	}
	if p := st.Passed; p != nil && !p.Time.Before(st.Last) {
		kind += fmt.Sprintf(" · passed on every attempt in %s (%s), its newest run", runLink(*p), stamp(p.Time))
	}
	return kindPrefix + kind + "  \n"
}

// Restate returns body with the state block of its tool section replaced
// by st, and the kind line that st decides rewritten, everything else
// kept as it was. It records a run in which the test has no finding (it
// passed), when there is no failure to render a whole section from. The
// result parses back to the body's id and st, and stays under MaxBody
// (else an error says so).
func Restate(body string, st State) (string, error) {
	p, err := Parse(body)
	if err != nil {
		return "", fmt.Errorf("restate issue: %w", err)
	}
	if !p.Found {
		return "", fmt.Errorf("restate issue: the body has no flake-triage section")
	}
	st.ID = p.ID
	i := strings.LastIndex(body, beginPrefix)
	head, section := body[:i], body[i:]
	k := strings.LastIndex(section, statePrefix)
	e := k + strings.Index(section[k:], markerSuffix) + len(markerSuffix)
	section = section[:k] + stateBlock(st) + section[e:]
	if j := strings.Index(section, "\n"+kindPrefix); j >= 0 && j < k {
		if end := strings.Index(section[j+1:], "\n"); end >= 0 {
			section = section[:j+1] + kindLine(st) + section[j+1+end+1:]
		}
	}
	out := head + section
	if len(out) > MaxBody {
		return "", fmt.Errorf("restate issue %q: the body would be %d bytes, over GitHub's limit of %d", p.ID, len(out), MaxBody)
	}
	return out, nil
}

func (c Content) owners(f triage.Finding) string {
	var b strings.Builder
	b.WriteString("#### Owners\n\n")
	if f.Owners.Fallback {
		b.WriteString("Nobody owns this path in OWNERS or CODEOWNERS; the project's fallback maintainers were used.\n\n")
	}
	// The full inherited sets are named, not mentioned: the assignees and
	// the cc line below are the ones notified.
	if len(f.Owners.Approvers) > 0 {
		fmt.Fprintf(&b, "Approvers: %s  \n", names(f.Owners.Approvers))
	}
	if len(f.Owners.Reviewers) > 0 {
		fmt.Fprintf(&b, "Reviewers: %s  \n", names(f.Owners.Reviewers))
	}
	if len(f.Owners.Files) > 0 {
		files := make([]string, len(f.Owners.Files))
		for i, x := range f.Owners.Files {
			files[i] = Code(x)
		}
		fmt.Fprintf(&b, "From %s (nearest first).\n", strings.Join(files, ", "))
	}
	b.WriteString(c.why(f))
	if len(f.Mentions) > 0 {
		fmt.Fprintf(&b, "\ncc %s\n", mentions(f.Mentions))
	}
	if b.Len() == len("#### Owners\n\n") {
		b.WriteString("No owners are known for this location.\n")
	}
	b.WriteString("\n")
	return b.String()
}

// maxWhy bounds the people whose reasons the body gives.
const maxWhy = 25

// why is the "Why these people" list: each person told of the failure,
// in rank order, whether they are assigned, mentioned (in the cc line
// below) or only listed, and why: the recent change they made to the
// failing code, or the ownership file and line that names them. Logins
// are quoted, never mentioned: the assignment and the cc line notify.
func (c Content) why(f triage.Finding) string {
	if len(f.Provenance) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("\n**Why these people**\n\n")
	for i, p := range f.Provenance {
		if i == maxWhy {
			fmt.Fprintf(&b, "- and %d more\n", len(f.Provenance)-i)
			break
		}
		how := "listed"
		switch {
		case slices.Contains(f.Assignees, p.Login):
			how = "assigned"
		case slices.Contains(f.Mentions, p.Login):
			how = "mentioned"
		}
		fmt.Fprintf(&b, "- %s (%s): %s\n", Code(Login(p.Login)), how, c.reason(p))
	}
	return b.String()
}

// reason says in words why p names its login.
func (c Content) reason(p triage.Provenance) string {
	line := ""
	if p.Line > 0 {
		line = fmt.Sprintf(" line %d", p.Line)
	}
	switch p.Role {
	case "recent-change":
		date := p.Date
		if t, err := time.Parse(time.RFC3339, p.Date); err == nil {
			date = t.UTC().Format("2006-01-02")
		}
		return fmt.Sprintf("changed %s in %s on %s", Code(p.File), c.commit(p.Commit), Cell(date))
	case "rotation":
		return "the test maintainer on duty (config `rotation`)"
	case "fallback":
		return "a fallback maintainer (config `owners.maintainers`): nobody owns this code"
	}
	what := map[int]string{2: " (the area's own expert)", 3: "", triage.RankNear: " (owns other code on the failure's path)"}[p.Rank]
	alias := ""
	if p.Alias != "" {
		alias = " through alias " + Code(p.Alias)
	}
	return fmt.Sprintf("%s in %s%s%s%s", Cell(p.Role), Code(p.File), line, alias, what)
}

// around is the code around the failure: other in-repo frames of its
// stack, the code the test calls, and the controller log errors logged at
// the same moment (--logs). Empty when none is known.
func (c Content) around(f triage.Finding) string {
	if len(f.Related)+len(f.References)+len(f.Correlated) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("#### Around the failure\n\n")
	if len(f.Related) > 0 {
		links := make([]string, 0, len(f.Related))
		for i, l := range f.Related {
			if i == 20 {
				links = append(links, fmt.Sprintf("and %d more", len(f.Related)-i))
				break
			}
			links = append(links, c.link(l))
		}
		fmt.Fprintf(&b, "On the failure's stack: %s  \n", strings.Join(links, ", "))
	}
	if len(f.References) > 0 {
		refs := make([]string, 0, len(f.References))
		for i, r := range f.References {
			if i == 20 {
				break
			}
			refs = append(refs, Code(r.Symbol)+" in "+Code(r.Path))
		}
		fmt.Fprintf(&b, "The test calls: %s  \n", strings.Join(refs, ", "))
	}
	if len(f.Correlated) > 0 {
		b.WriteString("\nController log errors logged from 5 minutes before the failure to 30 seconds after:\n\n")
		b.WriteString("| Count | Source | Log | First – last | Owners | Sample |\n|---|---|---|---|---|---|\n")
		for i, g := range f.Correlated {
			if i == 10 {
				fmt.Fprintf(&b, "\n_and %d more sources._\n", len(f.Correlated)-i)
				break
			}
			// No source: the lines named no caller, or one outside the repository.
			src := "no repository source"
			if g.Source != nil {
				src = c.link(*g.Source)
			} else if len(g.Candidates) > 0 {
				src = "one of " + CodeCell(strings.Join(g.Candidates, ", "))
			}
			sample, _ := Truncate(g.Sample, 300)
			fmt.Fprintf(&b, "| %d | %s | %s | %s – %s | %s | %s |\n", g.Count, src, CodeCell(g.Log), Cell(g.First), Cell(g.Last),
				Cell(names(g.Owners.Approvers)), CodeCell(sample))
		}
	}
	b.WriteString("\n")
	return b.String()
}

// names lists logins without mentioning them, at most maxMentions of them.
func names(logins []string) string {
	out := make([]string, 0, min(len(logins), maxMentions))
	n := 0
	for _, l := range logins {
		if l = Login(l); l != "" {
			n++
			if len(out) < maxMentions {
				out = append(out, Code(l))
			}
		}
	}
	s := strings.Join(out, ", ")
	if n > len(out) {
		s += fmt.Sprintf(" and %d more", n-len(out))
	}
	return s
}

// maxMentions bounds each list of logins a body mentions: an alias can
// expand to thousands of names, which would notify them all and push the
// body past MaxBody (GitHub then refuses the issue).
const maxMentions = 25

func mentions(logins []string) string {
	out := make([]string, 0, min(len(logins), maxMentions))
	n := 0
	for _, l := range logins {
		if l = Login(l); l != "" {
			n++
			if len(out) < maxMentions {
				out = append(out, "@"+l)
			}
		}
	}
	if n > len(out) {
		out = append(out, fmt.Sprintf("and %d more", n-len(out)))
	}
	return strings.Join(out, " ")
}

func (c Content) link(l triage.Location) string {
	text := fmt.Sprintf("%s:%d", l.Path, l.Line)
	if l.Line <= 0 {
		text = l.Path
	}
	if c.Server == "" || c.Repo == "" || c.SHA == "" {
		return Code(text)
	}
	return fmt.Sprintf("[%s](%s)", Code(text), LineURL(c.Server, c.Repo, c.SHA, l))
}

func (c Content) commit(sha string) string {
	if sha == "" {
		return ""
	}
	short := Cell(sha)
	if len(short) > 10 {
		short = short[:10]
	}
	if c.Server == "" || c.Repo == "" {
		return Code(short)
	}
	return fmt.Sprintf("[%s](%s/%s/commit/%s)", Code(short), strings.TrimRight(c.Server, "/"), c.Repo, url.PathEscape(sha))
}

// LineURL links the file line at a commit:
// {server}/{repo}/blob/{sha}/{path}#L{line}, each path segment escaped.
func LineURL(server, repo, sha string, l triage.Location) string {
	segs := strings.Split(l.Path, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	u := fmt.Sprintf("%s/%s/blob/%s/%s", strings.TrimRight(server, "/"), repo, url.PathEscape(sha), strings.Join(segs, "/"))
	if l.Line > 0 {
		u += fmt.Sprintf("#L%d", l.Line)
	}
	return u
}

func runLink(r Occurrence) string {
	text := fmt.Sprintf("run %d", r.RunID)
	if u, err := url.Parse(r.URL); err == nil && (u.Scheme == "https" || u.Scheme == "http") {
		return fmt.Sprintf("[%s](%s)", text, u.String())
	}
	return text
}

func runAnchor(r Occurrence) string {
	text := fmt.Sprintf("run %d", r.RunID)
	if u, err := url.Parse(r.URL); err == nil && (u.Scheme == "https" || u.Scheme == "http") {
		return fmt.Sprintf(`<a href="%s">%s</a>`, html.EscapeString(u.String()), text)
	}
	return text
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return "unknown"
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

// Comment signs text with the tool's comment marker for id and the run
// key, and cuts it to fit MaxBody with a note.
func Comment(id, key, text string) string {
	sig := "\n\n" + commentMark + url.QueryEscape(id) + " run=" + url.QueryEscape(key) + markerSuffix
	if len(text)+len(sig) > MaxBody {
		note := "\n\n_(cut to fit GitHub's 65,536-character limit.)_"
		text, _ = Truncate(text, MaxBody-len(sig)-len(note))
		text += note
	}
	return text + sig
}

// CommentID returns the id in a comment signed by Comment, or "".
func CommentID(body string) string {
	i := strings.LastIndex(body, commentMark)
	if i < 0 {
		return ""
	}
	rest := body[i+len(commentMark):]
	j := strings.IndexAny(rest, " ")
	if j < 0 {
		return ""
	}
	id, err := url.QueryUnescape(rest[:j])
	if err != nil {
		return ""
	}
	return id
}

// CommentMarker returns the signature that Comment put at the end of body
// ("<!-- flake-triage:comment id=… run=… -->"), which names the test and
// the run it was posted for, or "" for a comment the tool did not sign.
func CommentMarker(body string) string {
	i := strings.LastIndex(body, commentMark)
	if i < 0 {
		return ""
	}
	j := strings.Index(body[i:], markerSuffix)
	if j < 0 {
		return ""
	}
	return body[i : i+j+len(markerSuffix)]
}

// Excerpt quotes a failure text for a comment, bounded and neutralised.
func Excerpt(s string) string {
	ex, cut := Truncate(s, MaxExcerpt)
	out := Fence(ex)
	if cut {
		out += fmt.Sprintf("\n\n_(excerpt cut to %d of %d bytes.)_", len(ex), len(s))
	}
	return out
}

// A Storm is the one issue filed for a broken run that brought more new
// failing tests than the storm guard allows.
type Storm struct {
	// ID keys the storm issue to its run attempt and job.
	ID                string
	Server, Repo, SHA string
	Run               Occurrence
	Findings          []triage.Finding
}

// RenderStorm returns the body of a storm issue: every failing test with
// its location and owners, under MaxBody.
func RenderStorm(s Storm) string {
	st := State{ID: CanonicalID(s.ID)}.Add(s.Run)
	c := Content{Server: s.Server, Repo: s.Repo, SHA: s.SHA}
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\n%s\n### flake-triage: broken run\n\n", DefaultHuman, beginMarker(s.ID))
	fmt.Fprintf(&b, "%s (%s, attempt %d) brought %d new failing tests, more than the storm guard allows, so flake-triage filed this one issue instead of one per test.\n\n",
		runLink(s.Run), Cell(s.Run.Job), s.Run.Attempt, len(s.Findings))
	b.WriteString("| Test | Kind | Failed at | Owners |\n|---|---|---|---|\n")
	// Sort indexes, not findings: a storm has thousands, each a large struct.
	order := make([]int, len(s.Findings))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(i, j int) bool { return s.Findings[order[i]].ID < s.Findings[order[j]].ID })
	tail := "\n" + stateBlock(st) + "\n" + endMarker
	for i, fi := range order {
		f := &s.Findings[fi]
		loc := ""
		if f.Location != nil {
			loc = c.link(*f.Location)
		} else if f.TestLocation != nil {
			loc = c.link(*f.TestLocation)
		}
		loc = strings.ReplaceAll(loc, "|", `\|`) // the URL part has its pipes escaped already
		name, _ := Truncate(f.Test.Name, 300)
		owners := append(append([]string(nil), f.Owners.Approvers...), f.Owners.Reviewers...)
		if len(owners) > 5 {
			owners = owners[:5]
		}
		var os []string
		for _, o := range owners {
			os = append(os, CodeCell(Login(o)))
		}
		row := fmt.Sprintf("| %s | %s | %s | %s |\n", CodeCell(name), Cell(f.Kind), loc, strings.Join(os, " "))
		if b.Len()+len(row)+len(tail)+200 > MaxBody {
			fmt.Fprintf(&b, "\n_(and %d more tests, cut to fit GitHub's 65,536-character limit.)_\n", len(order)-i)
			break
		}
		b.WriteString(row)
	}
	b.WriteString(tail)
	return b.String()
}
