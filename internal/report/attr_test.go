package report

import (
	"bytes"
	"testing"

	"github.com/orisano/gosax"
)

// FuzzNextAttr holds nextAttr equal to gosax.NextAttribute, which it
// replaces in the parser's hot loop:
//
//	go test ./internal/report -run '^$' -fuzz FuzzNextAttr -fuzztime 60s
func FuzzNextAttr(f *testing.F) {
	for _, s := range []string{
		` name="a" classname='b' time="0.25"`,
		` name = "a&amp;b" status="passed" /`,
		` name="unterminated`,
		` name='`,
		` name=x`,
		` name=`,
		` name =  `,
		` name`,
		` name "x"`,
		"\tname\r\n=\n\"v\"",
		` / `,
		` =`,
		` ="x"`,
		``,
		`   `,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		a, rest, err := gosax.NextAttribute(b)
		k0, k1, v0, v1, next, gotErr := nextAttr(b)
		if (err == nil) != (gotErr == nil) || err != nil && err.Error() != gotErr.Error() {
			t.Fatalf("nextAttr(%q) error %v, gosax %v", b, gotErr, err)
		}
		if err != nil {
			return
		}
		if !bytes.Equal(b[k0:k1], a.Key) || !bytes.Equal(b[v0:v1], a.Value) || !bytes.Equal(b[next:], rest) {
			t.Fatalf("nextAttr(%q) = %q, %q, rest %q; gosax %q, %q, rest %q", b, b[k0:k1], b[v0:v1], b[next:], a.Key, a.Value, rest)
		}
	})
}

// FuzzAppendUnescaped holds appendUnescaped equal to gosax.Unescape, which
// it replaces for text nodes:
//
//	go test ./internal/report -run '^$' -fuzz FuzzAppendUnescaped -fuzztime 60s
func FuzzAppendUnescaped(f *testing.F) {
	for _, s := range []string{
		"STEP: waiting&#xA;  for &lt;machine&gt; &amp; &quot;x&quot; &apos;y&apos;&#10;",
		"&#x1F600; &#128512; &#xD800; &#x110000; &#xFFFFFFFF; &#4294967295; &#4294967296; &#0;",
		"&#X41; &#x; &#; &; &nope; &amp &#xA",
		"a\r\nb\rc&#xD;",
		"&;a; &&amp; &#x0000000041; &#00000065;",
		"&#2000000;&#x110000;&#000000000;", // a late reference for gosax undoes the early ones
		"no references at all",
		"",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		src := append([]byte(nil), b...)
		got, gotErr := appendUnescaped([]byte("prefix"), src)
		if !bytes.Equal(src, b) {
			t.Fatalf("appendUnescaped changed its input %q to %q", b, src)
		}
		want, err := gosax.Unescape(append([]byte(nil), b...))
		if (err == nil) != (gotErr == nil) || err != nil && err.Error() != gotErr.Error() {
			t.Fatalf("appendUnescaped(%q) error %v, gosax %v", b, gotErr, err)
		}
		if err == nil && string(got) != "prefix"+string(want) {
			t.Fatalf("appendUnescaped(%q) = %q, gosax %q", b, got, want)
		}
	})
}
