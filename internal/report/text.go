package report

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Bounds on the text kept in memory. A kept field (a failure body, an
// attempt's output, a suite's output) holds at most maxField bytes: its head
// and its tail around a note saying how much was cut, because a failure's
// message is at the head of its text and a panic or a test's last words are
// often at the tail. While reading, one element's text is buffered up to
// maxCapture bytes, and no single tag or text node may exceed maxToken bytes
// (the tokenizer holds a whole token in memory).
const (
	maxField   = 64 << 10
	fieldHead  = 48 << 10
	maxOutput  = 8 << 10
	outputHead = 4 << 10
	maxCapture = 16 << 20
	maxToken   = 32 << 20
)

// appendCapped appends src to dst without letting dst grow past maxCapture.
func appendCapped(dst, src []byte) []byte {
	if room := maxCapture - len(dst); len(src) > room {
		src = src[:max(room, 0)]
	}
	return append(dst, src...)
}

// bound returns b as a string of at most about maxField bytes: the head and
// the tail of b around a note naming how many bytes were cut. Cuts fall on
// UTF-8 boundaries, and invalid UTF-8 is replaced so the text is safe to
// render and marshal.
func bound(b []byte) string { return boundTo(b, maxField, fieldHead) }

// boundOutput bounds a test's or suite's output more tightly than a failure
// (output is kept for every failed attempt, and a huge report may have
// thousands), keeping Ginkgo's "> Enter [" lines from the part cut out:
// they declare where the spec's nodes are.
func boundOutput(b []byte) string {
	s := boundTo(b, maxOutput, outputHead)
	if len(b) <= maxOutput {
		return s
	}
	mid := b[outputHead : len(b)-(maxOutput-outputHead)]
	var keep []byte
	for n := 0; n < 16; n++ {
		i := indexAtLineStart(mid, ginkgoEnter)
		if i < 0 {
			break
		}
		line := mid[i:]
		if j := bytes.IndexByte(line, '\n'); j >= 0 {
			line = line[:j+1]
		}
		keep = append(keep, line...)
		mid = mid[i+len(line):]
	}
	if len(keep) == 0 {
		return s
	}
	head := outputHead
	for head > 0 && !utf8.RuneStart(b[head]) {
		head--
	}
	h := validUTF8(b[:head])
	return h + "\n[... flake-triage kept these lines of the cut text:]\n" + validUTF8(keep) + s[len(h):]
}

var ginkgoEnter = []byte("> Enter [")

func boundTo(b []byte, limit, headLen int) string {
	if len(b) <= limit {
		return validUTF8(b)
	}
	head := headLen
	for head > 0 && !utf8.RuneStart(b[head]) {
		head--
	}
	tail := len(b) - (limit - headLen)
	for tail < len(b) && !utf8.RuneStart(b[tail]) {
		tail++
	}
	note := fmt.Sprintf("\n[... flake-triage cut %d bytes of this text ...]\n", tail-head)
	if !utf8.Valid(b[:head]) || !utf8.Valid(b[tail:]) {
		return validUTF8(b[:head]) + note + validUTF8(b[tail:])
	}
	// One allocation, not three: thousands of failures are bounded.
	var sb strings.Builder
	sb.Grow(head + len(note) + len(b) - tail)
	sb.Write(b[:head])
	sb.WriteString(note)
	sb.Write(b[tail:])
	return sb.String()
}

func validUTF8(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	return string([]rune(string(b))) // invalid bytes become U+FFFD
}
