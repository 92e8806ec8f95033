package triage

import (
	"regexp"
	"strings"
)

// tokenPattern matches GitHub's token formats: classic personal access
// tokens (ghp_), OAuth (gho_), user-to-server (ghu_), server-to-server such
// as the workflow's GITHUB_TOKEN (ghs_), refresh (ghr_) and fine-grained
// personal access tokens (github_pat_)
// (https://github.blog/engineering/platform-security/behind-githubs-new-authentication-token-formats/).
var tokenPattern = regexp.MustCompile(`\b(gh[pousr]_|github_pat_)[A-Za-z0-9_]{20,255}`)

// Redact replaces what looks like a GitHub token in s with its prefix and
// "[redacted]". Test output sometimes prints a token (a debug dump of the
// environment, a failing request's headers); the tool quotes that output in
// issues, annotations and its job summary, which may be public.
func Redact(s string) string {
	return tokenPattern.ReplaceAllString(s, "${1}[redacted]")
}

// Printable returns s as valid UTF-8 without control characters: C0 and C1
// controls and DEL are dropped, except newline and tab when multiline.
// Test names and output reach the job summary, annotations and the
// runner's log, where an escape sequence could recolour, hide or forge
// lines, or make a terminal hyperlink.
func Printable(s string, multiline bool) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.Map(func(r rune) rune {
		switch {
		case multiline && (r == '\n' || r == '\t'):
			return r
		case r == '\n' || r == '\t':
			return ' '
		case r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0:
			return -1
		}
		return r
	}, s)
}
