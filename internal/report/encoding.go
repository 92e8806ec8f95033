package report

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// sniffSize is how much of a report is inspected before parsing: enough for
// a byte order mark, gzip magic and the XML declaration.
const sniffSize = 512

// decode wraps r so that the parser reads UTF-8 XML: gzip is inflated
// (reports are often uploaded as .xml.gz), a UTF-8 byte order mark is
// dropped, ISO-8859-1 declared in the XML declaration is converted, and
// input that cannot be a UTF-8 XML report (UTF-16, other encodings, binary
// data) is rejected with a sentence saying what it is.
func decode(r io.Reader) (io.Reader, error) {
	for range 2 { // at most one level of gzip
		head := make([]byte, sniffSize)
		n, err := io.ReadFull(r, head)
		if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
			return nil, err
		}
		head = head[:n]
		rest := io.MultiReader(bytes.NewReader(head), r)
		switch {
		case bytes.HasPrefix(head, []byte{0x1f, 0x8b}):
			zr, err := gzip.NewReader(rest)
			if err != nil {
				return nil, fmt.Errorf("gunzip: %w", err)
			}
			r = zr
			continue
		case bytes.HasPrefix(head, []byte{0xfe, 0xff}), bytes.HasPrefix(head, []byte{0xff, 0xfe}),
			bytes.HasPrefix(head, []byte{0, '<'}), bytes.HasPrefix(head, []byte{'<', 0}):
			return nil, errors.New("the report is UTF-16 encoded; only UTF-8 (or ISO-8859-1) reports are read")
		case bytes.HasPrefix(head, []byte{0xef, 0xbb, 0xbf}):
			head = head[3:]
			rest = io.MultiReader(bytes.NewReader(head), r)
		}
		if i := bytes.IndexByte(head, 0); i >= 0 {
			return nil, fmt.Errorf("not XML: binary data (a NUL byte at offset %d)", i)
		}
		switch enc := declaredEncoding(head); enc {
		case "", "utf-8", "utf8", "us-ascii", "ascii":
			return rest, nil
		case "iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1":
			return &latin1Reader{r: rest}, nil
		default:
			return nil, fmt.Errorf("unsupported encoding %q in the XML declaration; only UTF-8 and ISO-8859-1 are read", enc)
		}
	}
	return nil, errors.New("gunzip: nested gzip streams")
}

// declaredEncoding returns the lower-cased encoding named by the XML
// declaration at the start of head, or "".
func declaredEncoding(head []byte) string {
	if !bytes.HasPrefix(head, []byte("<?xml")) {
		return ""
	}
	end := bytes.Index(head, []byte("?>"))
	if end < 0 {
		return ""
	}
	decl := head[:end]
	i := bytes.Index(decl, []byte("encoding"))
	if i < 0 {
		return ""
	}
	v := bytes.TrimLeft(decl[i+len("encoding"):], " \t\r\n")
	if len(v) == 0 || v[0] != '=' {
		return ""
	}
	v = bytes.TrimLeft(v[1:], " \t\r\n")
	if len(v) < 2 || (v[0] != '"' && v[0] != '\'') {
		return ""
	}
	j := bytes.IndexByte(v[1:], v[0])
	if j < 0 {
		return ""
	}
	return strings.ToLower(string(v[1 : 1+j]))
}

// A latin1Reader converts ISO-8859-1 bytes to UTF-8.
type latin1Reader struct {
	r       io.Reader
	in, out []byte
}

func (l *latin1Reader) Read(p []byte) (int, error) {
	if len(l.out) == 0 {
		if cap(l.in) == 0 {
			l.in = make([]byte, 32<<10)
		}
		n, err := l.r.Read(l.in[:cap(l.in)])
		l.out = l.out[:0]
		for _, c := range l.in[:n] {
			l.out = utf8.AppendRune(l.out, rune(c))
		}
		if n == 0 {
			return 0, err
		}
	}
	n := copy(p, l.out)
	l.out = l.out[n:]
	return n, nil
}
