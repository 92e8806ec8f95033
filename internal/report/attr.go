package report

import (
	"bytes"
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/orisano/gosax"
)

// isSpace reports whether c is XML white space.
func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

var errNoValue = errors.New("attribute value not found")

// nextAttr scans the next attribute of the rest of a start tag b as
// gosax.NextAttribute does (FuzzNextAttr holds them equal): the key is
// b[k0:k1], the value with its quotes b[v0:v1], and the scan goes on at
// b[next:]. It returns offsets rather than slices so that the caller can
// keep them, and it is inlined into the hot loop of every testcase.
func nextAttr(b []byte) (k0, k1, v0, v1, next int, err error) {
	i := 0
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	if i == len(b) {
		return i, i, i, i, len(b), nil
	}
	k0 = i
	for i < len(b) && !isSpace(b[i]) && b[i] != '=' {
		i++
	}
	k1 = i
	if i == len(b) {
		return k0, k1, i, i, len(b), nil
	}
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	if i == len(b) {
		return k0, k1, i, i, len(b), nil
	}
	if b[i] != '=' {
		return k0, k1, i, i, i, nil
	}
	i++
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	if i == len(b) {
		return k0, k1, i, i, len(b), errNoValue
	}
	if q := b[i]; q == '"' || q == '\'' {
		end := i + 1 + bytes.IndexByte(b[i+1:], q) + 1
		return k0, k1, i, end, end, nil
	}
	return k0, k1, i, i, len(b), fmt.Errorf("invalid attribute value: %c", b[i])
}

// scanAttr reads the next attribute of b, unescaping its value in place:
// the key is b[k0:k1] and the value b[v0:v1]. done means the tag has no
// further attribute.
func scanAttr(b []byte) (k0, k1, v0, v1, next int, done bool, err error) {
	k0, k1, v0, v1, next, err = nextAttr(b)
	if err != nil {
		return 0, 0, 0, 0, 0, true, fmt.Errorf("malformed XML: %w", err)
	}
	key := b[k0:k1]
	if len(key) == 0 {
		if rest := b[next:]; len(bytes.Trim(rest, " \t\r\n/")) > 0 {
			return 0, 0, 0, 0, 0, true, fmt.Errorf("malformed XML: bad attribute %q", truncate(rest))
		}
		return 0, 0, 0, 0, 0, true, nil
	}
	v := b[v0:v1]
	if len(v) < 2 || v[0] != v[len(v)-1] {
		if len(bytes.Trim(key, " \t\r\n/")) == 0 {
			return 0, 0, 0, 0, 0, true, nil
		}
		return 0, 0, 0, 0, 0, true, fmt.Errorf("malformed XML: attribute %s has no quoted value", key)
	}
	v = v[1 : len(v)-1]
	if bytes.IndexByte(v, '<') >= 0 {
		return 0, 0, 0, 0, 0, true, fmt.Errorf("malformed XML: '<' in the value of attribute %s", key)
	}
	u, err := gosax.Unescape(v)
	if err != nil {
		return 0, 0, 0, 0, 0, true, fmt.Errorf("malformed XML: attribute %s: %w", key, err)
	}
	return k0, k1, v0 + 1, v0 + 1 + len(u), next, false, nil
}

// eachAttr calls fn with every attribute of a start tag, unescaped.
func eachAttr(rest []byte, fn func(k, v []byte)) error {
	for len(rest) > 0 {
		k0, k1, v0, v1, next, done, err := scanAttr(rest)
		if done {
			return err
		}
		fn(rest[k0:k1], rest[v0:v1])
		rest = rest[next:]
	}
	return nil
}

func checkAttrs(rest []byte) error { return eachAttr(rest, func(k, v []byte) {}) }

// appendUnescaped appends text src, unescaped as gosax.Unescape does, to
// dst without changing src (FuzzAppendUnescaped holds them equal). It
// decodes the usual references itself, without gosax's allocation per
// character reference (a Ginkgo report writes every newline of its output
// as &#xA;), and hands anything unusual (a carriage return, a malformed or
// out-of-range reference) to gosax.Unescape, so that errors are gosax's.
func appendUnescaped(dst, src []byte) ([]byte, error) {
	if bytes.IndexByte(src, '\r') >= 0 {
		return slowUnescape(dst, src)
	}
	orig, all := len(dst), src
	for {
		p := bytes.IndexByte(src, '&')
		if p < 0 {
			return append(dst, src...), nil
		}
		dst = append(dst, src[:p]...)
		src = src[p:]
		// As gosax: the reference ends at the first ';' among src[2:13].
		end := -1
		for i := 2; i < 13 && i < len(src); i++ {
			if src[i] == ';' {
				end = i
				break
			}
		}
		if end < 0 {
			return slowUnescape(dst[:orig], all)
		}
		ref := src[1:end]
		switch string(ref) {
		case "lt":
			dst = append(dst, '<')
		case "gt":
			dst = append(dst, '>')
		case "amp":
			dst = append(dst, '&')
		case "apos":
			dst = append(dst, '\'')
		case "quot":
			dst = append(dst, '"')
		default:
			r, ok := charRef(ref)
			if !ok {
				return slowUnescape(dst[:orig], all)
			}
			dst = utf8.AppendRune(dst, r)
		}
		src = src[end+1:]
	}
}

// charRef decodes a character reference "#N" or "#xH" whose number fits in
// 32 bits, as gosax does (values beyond Unicode become U+FFFD).
func charRef(ref []byte) (rune, bool) {
	if len(ref) < 2 || ref[0] != '#' {
		return 0, false
	}
	digits, base := ref[1:], uint64(10)
	if digits[0] == 'x' {
		digits, base = digits[1:], 16
	}
	if len(digits) == 0 || len(digits) > 8 {
		return 0, false
	}
	var x uint64
	for _, c := range digits {
		var d uint64
		switch {
		case '0' <= c && c <= '9':
			d = uint64(c - '0')
		case base == 16 && 'a' <= c|0x20 && c|0x20 <= 'f':
			d = uint64(c|0x20-'a') + 10
		default:
			return 0, false
		}
		x = x*base + d
	}
	if x > 0xffffffff {
		return 0, false
	}
	return rune(x), true
}

// slowUnescape appends src unescaped by gosax.Unescape.
func slowUnescape(dst, src []byte) ([]byte, error) {
	u, err := gosax.Unescape(append([]byte(nil), src...))
	if err != nil {
		return dst, err
	}
	return append(dst, u...), nil
}
