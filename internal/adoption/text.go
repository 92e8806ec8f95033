package adoption

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxText bounds how much of an issue's body is read: GitHub keeps bodies
// under 65,536 characters, so anything longer is not a body GitHub wrote,
// and four times that covers every body in any encoding.
const maxText = 4 * 65536

// A segment is a run of an issue's prose that matching reads as one:
// the title, a paragraph, or everything under one heading of an issue form.
type segment struct {
	issue int // index into the issues given to Match
	// where names the segment for people: "title", "body", or
	// `form answer "Which tests are flaking?"`.
	where string
	// names counts the tests the segment names (see namesIn).
	names int
	// text has its whitespace collapsed to single spaces and Ginkgo's
	// "[It]" markers removed, so either printed form of a spec reads the
	// same.
	text string
}

// segments splits an issue into the parts where a test can be named:
// the title, then the body's paragraphs outside fenced code blocks, `>`
// quotes and HTML comments. Under a heading (issue forms render each
// question as "### Question") the whole answer is one segment, so that a
// list of tests there is counted as one list.
func segments(idx int, title, body string) []segment {
	out := []segment{{issue: idx, where: "title", text: normalize(title), names: namesIn(title)}}
	if len(body) > maxText {
		body = body[:maxText]
	}
	body = stripComments(body)
	var cur []string
	heading := ""
	flush := func() {
		if len(cur) == 0 {
			return
		}
		where := "body"
		if heading != "" {
			where = "form answer " + quote(heading)
		}
		raw := strings.Join(cur, " ")
		out = append(out, segment{issue: idx, where: where, text: normalize(raw), names: namesIn(raw)})
		cur = cur[:0]
	}
	fence := ""
	for line := range strings.Lines(body) {
		line = strings.TrimRight(line, "\r\n")
		trimmed := strings.TrimLeft(line, " ")
		indent := len(line) - len(trimmed)
		if fence != "" {
			if indent <= 3 && closesFence(trimmed, fence) {
				fence = ""
			}
			continue
		}
		if indent <= 3 {
			if f := opensFence(trimmed); f != "" {
				flush()
				fence = f
				continue
			}
		}
		switch {
		case strings.TrimSpace(line) == "":
			if heading == "" {
				flush()
			}
		case indent <= 3 && strings.HasPrefix(trimmed, ">"):
			// A quote: someone else's words, often a log.
		case indent <= 3 && strings.HasPrefix(trimmed, "#"):
			flush()
			heading = strings.TrimSpace(strings.TrimLeft(trimmed, "#"))
		case indent <= 3 && isBoldQuestion(trimmed):
			// Markdown issue templates ask "**Which tests are flaking:**".
			flush()
			heading = strings.Trim(trimmed, "* :")
		default:
			cur = append(cur, line)
		}
	}
	flush()
	return out
}

// opensFence returns the fence a line opens (``` or ~~~, three or more),
// or "".
func opensFence(s string) string {
	for _, c := range []byte{'`', '~'} {
		n := 0
		for n < len(s) && s[n] == c {
			n++
		}
		if n >= 3 {
			return s[:n]
		}
	}
	return ""
}

// closesFence reports whether a line closes fence: the same character, at
// least as many, and nothing else.
func closesFence(s, fence string) bool {
	s = strings.TrimRight(s, " \t")
	if len(s) < len(fence) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] != fence[0] {
			return false
		}
	}
	return true
}

// isBoldQuestion reports whether a line is a bold label of a Markdown
// template, like "**Which tests are flaking:**" with nothing after it.
func isBoldQuestion(s string) bool {
	s = strings.TrimSpace(s)
	return len(s) > 4 && strings.HasPrefix(s, "**") && (strings.HasSuffix(s, "**") || strings.HasSuffix(s, "**:")) &&
		strings.Count(s, "**") == 2
}

// stripComments removes HTML comments: templates keep their instructions
// there, and GitHub does not show them.
func stripComments(s string) string {
	for {
		i := strings.Index(s, "<!--")
		if i < 0 {
			return s
		}
		j := strings.Index(s[i+4:], "-->")
		if j < 0 {
			return s[:i]
		}
		s = s[:i] + " " + s[i+4+j+3:]
	}
}

// normalize collapses whitespace and drops Ginkgo's "[It]" markers, so that
// "[It] Container leaf" (reports) and "Container [It] leaf" (the console)
// read as "Container leaf".
func normalize(s string) string {
	s = strings.ReplaceAll(s, "[It]", " ")
	return strings.Join(strings.Fields(s), " ")
}

func quote(s string) string {
	if len(s) > 80 {
		s = s[:80]
		for !utf8.ValidString(s) {
			s = s[:len(s)-1]
		}
		s += "…"
	}
	return `"` + s + `"`
}

// isWord reports whether r continues an identifier or a word.
func isWord(r rune) bool { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }

// wordAt reports whether text[i:i+n] stands alone: no word character
// touches it on either side.
func wordAt(text string, i, n int) bool {
	if i > 0 {
		r, _ := utf8.DecodeLastRuneInString(text[:i])
		if isWord(r) {
			return false
		}
	}
	if i+n < len(text) {
		r, _ := utf8.DecodeRuneInString(text[i+n:])
		if isWord(r) {
			return false
		}
	}
	return true
}

// indexWord returns the positions where phrase occurs in text as a whole
// word or phrase.
func indexWord(text, phrase string) []int {
	var out []int
	if phrase == "" {
		return nil
	}
	for off := 0; ; {
		i := strings.Index(text[off:], phrase)
		if i < 0 {
			return out
		}
		i += off
		if wordAt(text, i, len(phrase)) {
			out = append(out, i)
		}
		off = i + 1
	}
}

// words splits s into its words (letters, digits and underscores).
func words(s string) []string {
	var out []string
	for w := range eachWord(s) {
		out = append(out, w)
	}
	return out
}

// eachWord yields the words of s without allocating: ASCII is decided a
// byte at a time, other runes by unicode.
func eachWord(s string) func(yield func(string) bool) {
	return func(yield func(string) bool) {
		start := -1
		for i := 0; i < len(s); {
			c := s[i]
			var word bool
			n := 1
			if c < utf8.RuneSelf {
				word = c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
			} else {
				var r rune
				r, n = utf8.DecodeRuneInString(s[i:])
				word = isWord(r)
			}
			switch {
			case word && start < 0:
				start = i
			case !word && start >= 0:
				if !yield(s[start:i]) {
					return
				}
				start = -1
			}
			i += n
		}
		if start >= 0 {
			yield(s[start:])
		}
	}
}
