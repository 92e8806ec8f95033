package logs

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// SampleLen is the most bytes a Group's Sample holds.
const SampleLen = 240

// sample renders an entry's message and error as one normalised line:
// control characters and runs of white space become one space, UUIDs and
// long hex strings (reconcile IDs, UIDs, hashes) become <uuid> and <hex>,
// so the samples of two runs compare equal, and the text is cut at
// SampleLen bytes on a rune boundary with "…".
func sample(e *Entry) string {
	s := e.Msg
	if e.Err != "" && !strings.Contains(s, e.Err) {
		if s != "" {
			s += ": "
		}
		s += e.Err
	}
	return Normalise(s, SampleLen)
}

// Normalise collapses white space and control characters, masks UUIDs and
// hex strings of 16 or more digits, and truncates to max bytes.
func Normalise(s string, max int) string {
	var b strings.Builder
	space := false
	for i := 0; i < len(s); {
		if i == 0 || !isWordByte(s[i-1]) {
			if n := uuidAt(s[i:]); n > 0 && boundary(s, i, i+n) {
				if space && b.Len() > 0 {
					b.WriteByte(' ')
				}
				b.WriteString("<uuid>")
				i += n
				space = false
				continue
			}
			if n := hexRun(s[i:]); n >= 16 && boundary(s, i, i+n) {
				if space && b.Len() > 0 {
					b.WriteByte(' ')
				}
				b.WriteString("<hex>")
				i += n
				space = false
				continue
			}
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if r == utf8.RuneError && size == 1 {
			r = '\uFFFD'
		}
		if unicode.IsSpace(r) || unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
		if b.Len() > 4*max {
			break
		}
	}
	return truncate(b.String(), max)
}

func truncate(s string, max int) string {
	if len(s) <= max {
		return s
	}
	const ell = "…"
	cut := max - len(ell)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + ell
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func hexRun(s string) int {
	n := 0
	for n < len(s) && isHex(s[n]) {
		n++
	}
	return n
}

// uuidAt returns 36 when s starts with a UUID (8-4-4-4-12 hex digits).
func uuidAt(s string) int {
	if len(s) < 36 {
		return 0
	}
	for i := 0; i < 36; i++ {
		switch i {
		case 8, 13, 18, 23:
			if s[i] != '-' {
				return 0
			}
		default:
			if !isHex(s[i]) {
				return 0
			}
		}
	}
	return 36
}

func isWordByte(c byte) bool {
	return isHex(c) || 'g' <= c && c <= 'z' || 'G' <= c && c <= 'Z' || c == '_'
}

// boundary reports whether s[i:j] is not part of a longer word.
func boundary(s string, i, j int) bool {
	return (i == 0 || !isWordByte(s[i-1])) && (j == len(s) || !isWordByte(s[j]))
}
