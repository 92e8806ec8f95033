package triage

import "testing"

func TestRedact(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"token=ghp_0123456789abcdefABCDEF0123456789abcd rest", "token=ghp_[redacted] rest"},
		{"Authorization: Bearer ghs_16C7e42F292c6912E7710c838347Ae178B4a", "Authorization: Bearer ghs_[redacted]"},
		{"github_pat_11ABCDEFG0abcdefghijkl_mnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWX!", "github_pat_[redacted]!"},
		{"gho_a ghp_short ghx_0123456789abcdefABCDEF0123", "gho_a ghp_short ghx_0123456789abcdefABCDEF0123"},
		{"xghp_0123456789abcdefABCDEF0123456789abcd", "xghp_0123456789abcdefABCDEF0123456789abcd"},
		{"expected 3, got 4", "expected 3, got 4"},
	} {
		if got := Redact(tc.in); got != tc.want {
			t.Errorf("Redact(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestPrintable(t *testing.T) {
	for _, tc := range []struct {
		in        string
		multiline bool
		want      string
	}{
		{"TestCtl\x1b[31m red\x07 \x1b]8;;http://evil/\x1b\\link", false, "TestCtl[31m red ]8;;http://evil/\\link"},
		{"a\nb\tc\r\x00d\x7f\u0085e", false, "a b cde"},
		{"a\nb\tc\r\x00d", true, "a\nb\tcd"},
		{"bad\xc3\x28utf8\xff", false, "bad\uFFFD(utf8\uFFFD"},
		{"ünïcödé ✓", false, "ünïcödé ✓"},
	} {
		if got := Printable(tc.in, tc.multiline); got != tc.want {
			t.Errorf("Printable(%q, %v) = %q, want %q", tc.in, tc.multiline, got, tc.want)
		}
	}
}
