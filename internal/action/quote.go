package action

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// zwsp is a zero-width space: invisible when rendered, but it breaks the
// tokens that GitHub or the runner would otherwise act on.
const zwsp = "\u200b"

var (
	// mentionRE matches an @mention: "@" at a word start, then a login or
	// team character.
	mentionRE = regexp.MustCompile(`(^|[^0-9A-Za-z_.\-/])@([0-9A-Za-z])`)
	// refRE matches an issue reference (#12, GH-12, owner/repo#12) at a
	// word start.
	refRE = regexp.MustCompile(`(^|[^0-9A-Za-z_&])#([0-9])`)
)

// Neutralise makes quoted test output inert for the runner and for GitHub.
//
// Lines whose first non-blank characters are "::" (workflow commands) or
// "##[" (the runner's older command syntax) get a zero-width space between
// the two marker characters, so that printing the text to the log runs no
// command; the workflow-command escaping of "%", "\r" and "\n" is left to
// the command writer, which does it as actions/toolkit does. @mentions and
// #references get a zero-width space after the sigil, so that the text pings
// and links nobody. CR LF and lone CR become LF.
func Neutralise(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		t := strings.TrimLeft(l, " \t")
		lead := l[:len(l)-len(t)]
		switch {
		case strings.HasPrefix(t, "::"):
			lines[i] = lead + ":" + zwsp + t[1:]
		case strings.HasPrefix(t, "##"):
			lines[i] = lead + "#" + zwsp + t[1:]
		}
	}
	s = strings.Join(lines, "\n")
	if strings.Contains(s, "@") {
		s = mentionRE.ReplaceAllString(s, "${1}@"+zwsp+"${2}")
	}
	if strings.Contains(s, "#") {
		s = refRE.ReplaceAllString(s, "${1}#"+zwsp+"${2}")
	}
	return s
}

// firstLines returns at most n lines and max bytes of s, with an ellipsis
// when something was cut, never splitting a UTF-8 sequence.
func firstLines(s string, n, max int) string {
	s = strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
	cut := false
	if lines := strings.SplitN(s, "\n", n+1); len(lines) > n {
		s = strings.Join(lines[:n], "\n")
		cut = true
	}
	if len(s) > max {
		s = truncateUTF8(s, max)
		cut = true
	}
	if cut {
		s += " …"
	}
	return s
}

// truncateUTF8 returns the longest prefix of s of at most max bytes that
// ends on a rune boundary.
func truncateUTF8(s string, max int) string {
	if len(s) <= max {
		return s
	}
	for max > 0 && !utf8.RuneStart(s[max]) {
		max--
	}
	return s[:max]
}

// markdownCell makes text safe inside a Markdown table cell of the job
// summary, which GitHub renders as Markdown with HTML: HTML is escaped,
// pipes cannot end the cell, line breaks become <br>, and the text is
// neutralised.
func markdownCell(s string) string {
	s = Neutralise(s)
	return cellReplacer.Replace(s)
}

var cellReplacer = strings.NewReplacer(
	"\\", "\\\\",
	"&", "&amp;",
	"<", "&lt;",
	">", "&gt;",
	"|", "\\|",
	"`", "\\`",
	"[", "\\[",
	"]", "\\]",
	"\n", "<br>",
)
