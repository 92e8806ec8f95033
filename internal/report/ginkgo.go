package report

import (
	"bytes"

	"github.com/joshdk/go-junit"
)

// Ginkgo v2 with --flake-attempts reports a spec that passed on a later
// attempt as status="passed" with no <failure>: its failed attempts appear
// only in the spec's output, each ended by a line
//
//	Attempt #1 Failed.  Retrying ↺ @ 11/27/26 14:55:20.842
//
// and holding the attempt's failure as
//
//	[FAILED] Failure recorded during attempt 1:
//	<message>
//	In [It] at: /abs/path/file_test.go:35 @ <time>
//
// A spec that failed every attempt shows the same lines before its final
// <failure>.
var (
	ginkgoAttempt = []byte("Attempt #")
	ginkgoExit    = []byte("\n< Exit [")
	ginkgoTags    = [][]byte{[]byte("[FAILED]"), []byte("[PANICKED]"), []byte("[TIMEDOUT]"), []byte("[INTERRUPTED]")}
)

// ginkgoRetries returns the failed attempts that the current testcase's
// system-err (or else system-out) records before a retry.
func (p *parser) ginkgoRetries() []attempt {
	if r := ginkgoRetries(p.caseErr, false); r != nil {
		return r
	}
	return ginkgoRetries(p.caseOut, true)
}

func ginkgoRetries(text []byte, isOut bool) []attempt {
	var atts []attempt
	segStart := 0
	for off := 0; ; {
		i := bytes.Index(text[off:], ginkgoAttempt)
		if i < 0 {
			break
		}
		at := off + i
		off = at + len(ginkgoAttempt)
		if !isRetryLine(text[off:]) {
			continue
		}
		lineStart := bytes.LastIndexByte(text[:at], '\n') + 1
		seg := text[segStart:lineStart]
		if nl := bytes.IndexByte(text[off:], '\n'); nl >= 0 {
			segStart = off + nl + 1
		} else {
			segStart = len(text)
		}
		off = max(off, segStart)
		atts = append(atts, ginkgoAttemptOf(seg, isOut))
	}
	return atts
}

// isRetryLine reports whether b, following "Attempt #", reads
// "N Failed.  Retrying".
func isRetryLine(b []byte) bool {
	n := 0
	for n < len(b) && b[n] >= '0' && b[n] <= '9' {
		n++
	}
	if n == 0 || !bytes.HasPrefix(b[n:], []byte(" Failed.")) {
		return false
	}
	rest := bytes.TrimLeft(b[n+len(" Failed."):], " \t\r\n")
	return bytes.HasPrefix(rest, []byte("Retrying"))
}

// ginkgoAttemptOf makes a failed attempt of one attempt's output: its body is
// the failure block ([FAILED] ... up to the node's "< Exit" line), its
// output the whole segment.
func ginkgoAttemptOf(seg []byte, isOut bool) attempt {
	a := attempt{status: junit.StatusFailed, typ: []byte("failed"), fromGinkgoRetry: true}
	body := seg
	for _, tag := range ginkgoTags {
		i := indexAtLineStart(seg, tag)
		if i < 0 {
			continue
		}
		body = seg[i:]
		if j := bytes.Index(body, ginkgoExit); j >= 0 {
			body = body[:j+1]
		}
		a.typ = bytes.ToLower(tag[1 : len(tag)-1])
		if tag[1] == 'P' {
			a.status = junit.StatusError
		}
		break
	}
	a.body = append([]byte(nil), body...)
	// The message is the first line after the tag, skipping Ginkgo's
	// "Failure recorded during attempt N:" header.
	lines := bytes.SplitN(body, []byte("\n"), 3)
	msg := lines[0]
	if i := bytes.IndexByte(msg, ']'); i >= 0 && bytes.HasPrefix(msg, []byte("[")) {
		msg = bytes.TrimSpace(msg[i+1:])
	}
	if bytes.HasPrefix(msg, []byte("Failure recorded during attempt")) && len(lines) > 1 {
		msg = lines[1]
	}
	a.message = append([]byte(nil), bytes.TrimSpace(msg)...)
	if isOut {
		a.out = append([]byte(nil), seg...)
	} else {
		a.err = append([]byte(nil), seg...)
	}
	return a
}

// indexAtLineStart returns the index of the first occurrence of sub in b that
// starts a line, or -1.
func indexAtLineStart(b, sub []byte) int {
	for off := 0; ; {
		i := bytes.Index(b[off:], sub)
		if i < 0 {
			return -1
		}
		if at := off + i; at == 0 || b[at-1] == '\n' {
			return at
		}
		off += i + 1
	}
}
