package logs

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// A Level is the severity of a log line.
type Level uint8

// The levels a line can have; LevelUnknown when the line names none.
const (
	LevelUnknown Level = iota
	LevelDebug
	LevelInfo
	LevelWarning
	LevelError
)

// String returns the level's lower-case name.
func (l Level) String() string {
	switch l {
	case LevelDebug:
		return "debug"
	case LevelInfo:
		return "info"
	case LevelWarning:
		return "warning"
	case LevelError:
		return "error"
	}
	return "unknown"
}

// A Format is the layout a log line was written in.
type Format uint8

// The formats ParseLine understands.
const (
	// FormatKlog is klog's text header: "E1117 11:42:05.123456 1 file.go:324] msg".
	FormatKlog Format = iota + 1
	// FormatJSON is one JSON object per line: zap, logr's zapr, klog's JSON
	// format (k8s.io/component-base/logs/json), slog's JSONHandler.
	FormatJSON
	// FormatText is a line with a leading RFC 3339 timestamp and a level word
	// (zap's console encoder, many others).
	FormatText
)

// An Entry is what one log line says.
type Entry struct {
	Format Format
	Level  Level
	// Time is when the line was logged; zero when it does not say. For a
	// klog text header, which carries no year and no zone, NoYear is true,
	// Time's year is 0 and its clock is read as UTC.
	Time   time.Time
	NoYear bool
	// Ref is the source reference as printed ("machine_controller.go:324",
	// "machine/machine_controller.go:324", an absolute path), File and Line
	// its parts; all empty when the line names no caller.
	Ref  string
	File string
	Line int
	// Logger is the logger's name (klog's logger= key, zap's logger field).
	Logger string
	// Controller is controller-runtime's controller= value, a hint to the
	// package that logged.
	Controller string
	Msg        string
	Err        string
	// ErrContinues is true when klog printed the error as a multi-line
	// value ("err=<") whose lines follow this one.
	ErrContinues bool
	// Objects are the Kubernetes objects the line names in structured
	// fields (at most 16), in the order logged.
	Objects []Object
}

// Reasons a line is not a log entry, reported as counts per file.
var (
	ErrNotLog    = errors.New("not a log line")
	ErrTruncated = errors.New("truncated log line")
	ErrBinary    = errors.New("binary data")
)

// ParseLine parses one log line (without its newline). It returns
// ErrTruncated for a JSON object or klog header cut short, ErrBinary for
// bytes that are not text and ErrNotLog for any other line in no known format.
// It never panics, whatever the input.
func ParseLine(line []byte) (Entry, error) {
	line = trimEOL(line)
	var e Entry
	var err error
	switch {
	case len(line) == 0:
		err = ErrNotLog
	case line[0] == '{':
		err = parseJSON(line, &e)
	case isKlogHeader(line):
		err = parseKlog(line, &e)
	case startsWithDate(line):
		err = parsePrefixed(line, &e)
	case isKlogPrefix(line):
		err = ErrTruncated
	default:
		err = ErrNotLog
	}
	if err != nil {
		if bytes.IndexByte(line, 0) >= 0 || !utf8.Valid(line) {
			return Entry{}, ErrBinary
		}
		return Entry{}, err
	}
	return e, nil
}

// peek tells the level and time of a line without parsing all of it, so
// that the scanner drops info lines and lines outside every window cheaply,
// without allocating. ok is false when the line is in no known format
// (ParseLine then says why); t is zero when the line has no time.
func peek(line []byte) (lvl Level, t time.Time, noYear, ok bool) {
	switch {
	case len(line) == 0:
		return LevelUnknown, t, false, false
	case line[0] == '{':
		lvl, t, ok = jsonPeek(line)
		return lvl, t, false, ok
	case isKlogHeader(line):
		var e Entry
		if klogTime(line, &e) != nil {
			return LevelUnknown, t, false, false
		}
		return klogLevel(line[0]), e.Time, true, true
	case startsWithDate(line):
		// Rare in bulk; the full parse is cheap enough.
		e, err := ParseLine(line)
		return e.Level, e.Time, e.NoYear, err == nil
	}
	return LevelUnknown, t, false, false
}

func trimEOL(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}

// ---- klog text ----

func klogLevel(c byte) Level {
	switch c {
	case 'E', 'F':
		return LevelError
	case 'W':
		return LevelWarning
	case 'I':
		return LevelInfo
	}
	return LevelUnknown
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// isKlogHeader reports whether b starts like "E1117 11:42:05.123456".
func isKlogHeader(b []byte) bool {
	if len(b) < 21 || klogLevel(b[0]) == LevelUnknown {
		return false
	}
	return isDigit(b[1]) && isDigit(b[2]) && isDigit(b[3]) && isDigit(b[4]) && b[5] == ' ' &&
		isDigit(b[6]) && isDigit(b[7]) && b[8] == ':' && isDigit(b[9]) && isDigit(b[10]) && b[11] == ':' &&
		isDigit(b[12]) && isDigit(b[13]) && b[14] == '.'
}

// isKlogPrefix reports whether b is the start of a klog header cut short.
func isKlogPrefix(b []byte) bool {
	const pattern = "L0000 00:00:00."
	if len(b) >= len(pattern) || len(b) < 5 || klogLevel(b[0]) == LevelUnknown {
		return false
	}
	for i := 1; i < len(b); i++ {
		switch pattern[i] {
		case '0':
			if !isDigit(b[i]) {
				return false
			}
		default:
			if b[i] != pattern[i] {
				return false
			}
		}
	}
	return true
}

// isStackFrame reports whether b looks like the function line of a Go
// stack trace ("sigs.k8s.io/cluster-api/internal/controllers.(*Reconciler).Reconcile"),
// which zap's console encoder and panics print between tab-indented file lines.
func isStackFrame(b []byte) bool {
	if bytes.HasPrefix(b, []byte("goroutine ")) || bytes.HasPrefix(b, []byte("panic: ")) {
		return true
	}
	dot := false
	for _, c := range b {
		switch {
		case c == '.':
			dot = true
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			c == '/', c == '_', c == '-', c == '(', c == ')', c == '*', c == '[', c == ']', c == '{', c == '}', c == ',', c == '%', c == '~':
		default:
			return false
		}
	}
	return dot
}

// klogTime reads the header's "mmdd hh:mm:ss.uuuuuu" into e.Time, year 0.
func klogTime(b []byte, e *Entry) error {
	month, day := atoi2(b[1:3]), atoi2(b[3:5])
	hh, mm, ss := atoi2(b[6:8]), atoi2(b[9:11]), atoi2(b[12:14])
	i := 15
	frac, n := 0, 0
	for ; i < len(b) && isDigit(b[i]) && n < 9; i, n = i+1, n+1 {
		frac = frac*10 + int(b[i]-'0')
	}
	if n == 0 {
		return ErrTruncated
	}
	for k := n; k < 9; k++ {
		frac *= 10
	}
	if month < 1 || month > 12 || day < 1 || day > 31 || hh > 23 || mm > 59 || ss > 60 {
		return ErrNotLog
	}
	// Year 0 is a leap year, so "0229" survives until a real year is chosen.
	t := time.Date(0, time.Month(month), day, hh, mm, ss, frac, time.UTC)
	if t.Day() != day {
		return ErrNotLog
	}
	e.Time, e.NoYear = t, true
	return nil
}

func atoi2(b []byte) int { return int(b[0]-'0')*10 + int(b[1]-'0') }

// parseKlog parses klog's header
//
//	Lmmdd hh:mm:ss.uuuuuu threadid file:line] msg
//
// (https://github.com/kubernetes/klog/blob/main/klog.go, "Log lines have
// this form") and the structured message after it.
func parseKlog(b []byte, e *Entry) error {
	e.Format = FormatKlog
	e.Level = klogLevel(b[0])
	if err := klogTime(b, e); err != nil {
		return err
	}
	i := 15
	for i < len(b) && isDigit(b[i]) {
		i++
	}
	rest := b[i:]
	rest = bytes.TrimLeft(rest, " ")
	// Thread id.
	j := 0
	for j < len(rest) && isDigit(rest[j]) {
		j++
	}
	if j == 0 || j >= len(rest) || rest[j] != ' ' {
		return ErrTruncated
	}
	rest = rest[j+1:]
	end := bytes.IndexByte(rest, ']')
	if end < 0 {
		return ErrTruncated
	}
	setRef(e, string(rest[:end]))
	rest = rest[end+1:]
	if len(rest) > 0 && rest[0] == ' ' {
		rest = rest[1:]
	}
	return parseKlogMessage(rest, e)
}

// parseKlogMessage reads a structured message ("msg" key="value" ...) or
// takes an unstructured one as is. Only the keys it keeps are unquoted, so
// a line with many pairs costs linear time.
func parseKlogMessage(rest []byte, e *Entry) error {
	n := quotedLen(rest)
	if n == 0 {
		e.Msg = string(bytes.TrimSpace(rest))
		return nil
	}
	e.Msg = unquote(rest[:n])
	kv := rest[n:]
	for len(kv) > 0 {
		kv = bytes.TrimLeft(kv, " ")
		eq := bytes.IndexByte(kv, '=')
		if eq <= 0 {
			break
		}
		key := kv[:eq]
		if bytes.IndexByte(key, ' ') >= 0 {
			break
		}
		kv = kv[eq+1:]
		var val []byte
		quoted := false
		switch {
		case len(kv) > 0 && kv[0] == '"':
			n := quotedLen(kv)
			if n == 0 {
				return nil // the value runs past this line: keep what was read
			}
			val, kv, quoted = kv[:n], kv[n:], true
		case len(kv) > 0 && kv[0] == '<':
			// A multi-line value follows on tab-indented continuation
			// lines, closed by " >"; the scanner collects an error's.
			if string(key) == "err" || string(key) == "error" {
				e.ErrContinues = true
			}
			return nil
		default:
			sp := bytes.IndexByte(kv, ' ')
			if sp < 0 {
				sp = len(kv)
			}
			val, kv = kv[:sp], kv[sp:]
		}
		var dst *string
		switch string(key) {
		case "err", "error":
			dst = &e.Err
		case "logger":
			dst = &e.Logger
		case "controller":
			dst = &e.Controller
		default:
			if isObjectKey(string(key)) {
				if quoted {
					// Kubernetes names need no escapes: a value with one
					// is no name, and is not decoded.
					val = val[1 : len(val)-1]
				}
				if o, ok := objectFromBytes(string(key), val); ok {
					e.Objects = addObject(e.Objects, o)
				}
			}
			continue
		}
		if quoted {
			*dst = unquote(val)
		} else {
			*dst = string(val)
		}
	}
	return nil
}

// quotedLen returns the length of the Go-quoted string at the start of b
// (klog quotes with strconv.Quote), or 0 when b does not start with one.
func quotedLen(b []byte) int {
	if len(b) == 0 || b[0] != '"' {
		return 0
	}
	for i := 1; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return 0
}

// unquote decodes a Go-quoted string, or returns its inside as is when
// the escapes are not Go's.
func unquote(q []byte) string {
	if bytes.IndexByte(q, '\\') < 0 {
		return string(q[1 : len(q)-1])
	}
	if s, err := strconv.Unquote(string(q)); err == nil {
		return s
	}
	return string(q[1 : len(q)-1])
}

// setRef records a source reference "path:line" ("???" and the like are no
// reference).
func setRef(e *Entry, ref string) {
	colon := strings.LastIndexByte(ref, ':')
	if colon <= 0 {
		return
	}
	n, err := strconv.Atoi(ref[colon+1:])
	if err != nil || n <= 0 {
		return
	}
	file := ref[:colon]
	if file == "???" || strings.ContainsAny(file, " \t") {
		return
	}
	e.Ref, e.File, e.Line = ref, file, n
}

// ---- leading timestamp ----

func startsWithDate(b []byte) bool {
	return len(b) >= 20 && isDigit(b[0]) && isDigit(b[1]) && isDigit(b[2]) && isDigit(b[3]) &&
		b[4] == '-' && isDigit(b[5]) && isDigit(b[6]) && b[7] == '-' && isDigit(b[8]) && isDigit(b[9]) &&
		(b[10] == 'T' || b[10] == ' ')
}

// parseTime reads RFC 3339 and the zone-without-colon variant of zap's
// ISO8601TimeEncoder ("2006-01-02T15:04:05.000Z0700").
func parseTime(s string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999Z0700", "2006-01-02 15:04:05.999999999Z07:00"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// parsePrefixed parses a line that starts with an RFC 3339 timestamp: a
// klog or JSON line behind one (kubectl logs --timestamps, the CRI log
// format "<time> stderr F <line>"), or zap's console encoder
// ("<time>\tERROR\tlogger\tfile.go:12\tmsg\t{...}").
func parsePrefixed(b []byte, e *Entry) error {
	sep := bytes.IndexAny(b, " \t")
	if sep < 0 {
		return ErrTruncated
	}
	ts, ok := parseTime(string(b[:sep]))
	if !ok {
		return ErrNotLog
	}
	rest := b[sep+1:]
	// CRI: "stdout F " / "stderr P ".
	if len(rest) > 9 && (bytes.HasPrefix(rest, []byte("stdout ")) || bytes.HasPrefix(rest, []byte("stderr "))) &&
		(rest[7] == 'F' || rest[7] == 'P') && rest[8] == ' ' {
		rest = rest[9:]
	}
	switch {
	case len(rest) > 0 && rest[0] == '{':
		if err := parseJSON(rest, e); err != nil {
			return err
		}
		if e.Time.IsZero() {
			e.Time = ts
		}
		return nil
	case isKlogHeader(rest):
		if err := parseKlog(rest, e); err != nil {
			return err
		}
		e.Time, e.NoYear = ts, false
		return nil
	}
	e.Format = FormatText
	e.Time = ts
	var fields [][]byte
	if bytes.IndexByte(rest, '\t') >= 0 {
		fields = bytes.Split(rest, []byte{'\t'})
	} else {
		fields = bytes.SplitN(rest, []byte{' '}, 3)
	}
	if len(fields) == 0 {
		return ErrNotLog
	}
	e.Level = levelWord(string(bytes.Trim(fields[0], "[]:")))
	if e.Level == LevelUnknown {
		return ErrNotLog
	}
	fields = fields[1:]
	// zap console: optional logger name, optional caller, message, optional JSON context.
	for k := 0; k < len(fields) && k < 2; k++ {
		f := string(fields[k])
		if looksLikeRef(f) {
			setRef(e, f)
			if k == 1 {
				e.Logger = string(fields[0])
			}
			fields = fields[k+1:]
			break
		}
	}
	if len(fields) > 1 && len(fields[len(fields)-1]) > 0 && fields[len(fields)-1][0] == '{' {
		_ = scanObject(fields[len(fields)-1], func(key, val []byte) bool {
			switch {
			case keyIs(key, "err", "error"):
				e.Err, _ = jsonString(val)
			case keyIs(key, "controller"):
				e.Controller, _ = jsonString(val)
			case keyIs(key, "logger") && e.Logger == "":
				e.Logger, _ = jsonString(val)
			case isObjectKey(string(key)):
				if o, ok := jsonObject(string(key), val); ok {
					e.Objects = addObject(e.Objects, o)
				}
			}
			return true
		})
		fields = fields[:len(fields)-1]
	}
	e.Msg = string(bytes.TrimSpace(bytes.Join(fields, []byte{' '})))
	return nil
}

// looksLikeRef reports whether s is "path/file.ext:line".
func looksLikeRef(s string) bool {
	colon := strings.LastIndexByte(s, ':')
	if colon <= 0 || colon == len(s)-1 || strings.ContainsAny(s, " \t") {
		return false
	}
	for i := colon + 1; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	dot := strings.LastIndexByte(s[:colon], '.')
	return dot > 0 && dot < colon-1
}

// levelWord maps level names of zap, logrus, slog, klog and syslog-ish
// loggers to a Level.
func levelWord(s string) Level {
	return levelBytes([]byte(s))
}

// levelBytes is levelWord without allocating.
func levelBytes(b []byte) Level {
	// slog writes "ERROR+2" for levels above ERROR.
	if i := bytes.IndexAny(b, "+-"); i > 0 {
		b = b[:i]
	}
	if bytes.HasPrefix(b, []byte("Level(")) { // zap's name for a V-level below debug
		return LevelDebug
	}
	var buf [12]byte
	if len(b) > len(buf) {
		return LevelUnknown
	}
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	switch string(buf[:len(b)]) {
	case "error", "err", "e", "fatal", "f", "panic", "dpanic", "critical", "crit", "alert", "emerg", "emergency":
		return LevelError
	case "warn", "warning", "w":
		return LevelWarning
	case "info", "i", "notice", "information":
		return LevelInfo
	case "debug", "d", "trace":
		return LevelDebug
	}
	return LevelUnknown
}

// ---- JSON ----

// scanObject calls fn with each top-level key and raw value of the JSON
// object b, until fn returns false. Values are checked only as far as is
// needed to find where they end.
func scanObject(b []byte, fn func(key, val []byte) bool) error {
	i := skipSpace(b, 1)
	if i < len(b) && b[i] == '}' {
		return nil
	}
	for {
		if i >= len(b) {
			return ErrTruncated
		}
		if b[i] != '"' {
			return ErrNotLog
		}
		end, err := stringEnd(b, i)
		if err != nil {
			return err
		}
		key := b[i+1 : end-1]
		i = skipSpace(b, end)
		if i >= len(b) {
			return ErrTruncated
		}
		if b[i] != ':' {
			return ErrNotLog
		}
		i = skipSpace(b, i+1)
		vend, err := valueEnd(b, i)
		if err != nil {
			return err
		}
		if !fn(key, b[i:vend]) {
			return nil
		}
		i = skipSpace(b, vend)
		if i >= len(b) {
			return ErrTruncated
		}
		switch b[i] {
		case ',':
			i = skipSpace(b, i+1)
		case '}':
			return nil
		default:
			return ErrNotLog
		}
	}
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// stringEnd returns the index after the closing quote of the string at b[i].
func stringEnd(b []byte, i int) (int, error) {
	j := i + 1
	for {
		k := bytes.IndexByte(b[j:], '"')
		if k < 0 {
			return 0, ErrTruncated
		}
		j += k
		bs := 0
		for p := j - 1; p > i && b[p] == '\\'; p-- {
			bs++
		}
		j++
		if bs%2 == 0 {
			return j, nil
		}
	}
}

// valueEnd returns the index after the JSON value at b[i].
func valueEnd(b []byte, i int) (int, error) {
	if i >= len(b) {
		return 0, ErrTruncated
	}
	switch b[i] {
	case '"':
		return stringEnd(b, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				end, err := stringEnd(b, j)
				if err != nil {
					return 0, err
				}
				j = end - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1, nil
				}
			}
		}
		return 0, ErrTruncated
	}
	j := i
	for j < len(b) && b[j] != ',' && b[j] != '}' && b[j] != ']' && b[j] != ' ' && b[j] != '\t' {
		j++
	}
	if j == i {
		return 0, ErrNotLog
	}
	if j == len(b) {
		return 0, ErrTruncated
	}
	return j, nil
}

// jsonString decodes a raw JSON string value as encoding/json does;
// ok is false when raw is not a string.
func jsonString(raw []byte) (string, bool) {
	if len(raw) < 2 || raw[0] != '"' {
		return "", false
	}
	inner := raw[1 : len(raw)-1]
	if bytes.IndexByte(inner, '\\') < 0 && utf8.Valid(inner) {
		plain := true
		for _, c := range inner {
			if c < 0x20 {
				plain = false
				break
			}
		}
		if plain {
			return string(inner), true
		}
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", false
	}
	return s, true
}

func keyIs(key []byte, names ...string) bool {
	for _, n := range names {
		if string(key) == n {
			return true
		}
	}
	return false
}

// jsonPeek finds the level of a JSON line from its "level" key (zap,
// logrus, slog), its "v" key (klog's JSON format and zapr write "v" on info
// lines only) or, failing both, treats a line that has "caller" and "msg"
// as an error (klog's JSON error lines carry neither level nor v); and its
// time. It stops as soon as it knows both.
func jsonPeek(b []byte) (Level, time.Time, bool) {
	lvl := LevelUnknown
	var t time.Time
	var hasCaller, hasMsg, hasTime bool
	err := scanObject(b, func(key, val []byte) bool {
		switch {
		case keyIs(key, "level", "severity", "lvl"):
			if lvl != LevelUnknown {
				break
			}
			if len(val) > 0 && val[0] == '"' && bytes.IndexByte(val, '\\') < 0 {
				lvl = levelBytes(val[1 : len(val)-1])
			} else if s, ok := jsonString(val); ok {
				lvl = levelWord(s)
			} else if n, err := strconv.Atoi(string(val)); err == nil {
				lvl = numericLevel(n)
			}
			if lvl == LevelUnknown {
				lvl = LevelInfo
			}
		case keyIs(key, "v"):
			if lvl == LevelUnknown {
				lvl = LevelInfo
			}
		case keyIs(key, "ts", "time", "timestamp", "@timestamp"):
			if !hasTime {
				t, _ = jsonTime(val)
				hasTime = true
			}
		case keyIs(key, "caller", "source"):
			hasCaller = true
		case keyIs(key, "msg", "message"):
			hasMsg = true
		}
		return lvl == LevelUnknown || !hasTime
	})
	if err != nil {
		return LevelUnknown, t, false
	}
	if lvl == LevelUnknown && hasCaller && hasMsg {
		lvl = LevelError
	}
	return lvl, t, true
}

// numericLevel maps logrus/bunyan style numbers (pino: 50 error, 40 warn).
func numericLevel(n int) Level {
	switch {
	case n >= 50:
		return LevelError
	case n >= 40:
		return LevelWarning
	case n >= 30:
		return LevelInfo
	}
	return LevelDebug
}

func parseJSON(b []byte, e *Entry) error {
	e.Format = FormatJSON
	var hasLevel, hasV, hasTime bool
	var hasCaller, hasMsg bool
	err := scanObject(b, func(key, val []byte) bool {
		switch {
		// The first level, v and time keys count, as in jsonPeek.
		case keyIs(key, "level", "severity", "lvl"):
			if hasLevel || hasV {
				break
			}
			hasLevel = true
			if s, ok := jsonString(val); ok {
				e.Level = levelWord(s)
			} else if n, err := strconv.Atoi(string(val)); err == nil {
				e.Level = numericLevel(n)
			}
		case keyIs(key, "v"):
			hasV = hasV || !hasLevel
		case keyIs(key, "ts", "time", "timestamp", "@timestamp"):
			if hasTime {
				break
			}
			hasTime = true
			e.Time, _ = jsonTime(val)
		case keyIs(key, "caller"):
			hasCaller = true
			if s, ok := jsonString(val); ok {
				setRef(e, s)
			}
		case keyIs(key, "source"):
			hasCaller = true
			slogSource(val, e)
		case keyIs(key, "msg", "message"):
			hasMsg = true
			e.Msg, _ = jsonString(val)
		case keyIs(key, "err", "error"):
			if s, ok := jsonString(val); ok {
				e.Err = s
			}
		case keyIs(key, "logger"):
			e.Logger, _ = jsonString(val)
		case keyIs(key, "controller"):
			e.Controller, _ = jsonString(val)
		case isObjectKey(string(key)):
			if o, ok := jsonObject(string(key), val); ok {
				e.Objects = addObject(e.Objects, o)
			}
		}
		return true
	})
	if err != nil {
		return err
	}
	switch {
	case hasLevel:
	case hasV:
		e.Level = LevelInfo
	case hasCaller && hasMsg:
		e.Level = LevelError
	}
	if !hasLevel && !hasV && !hasMsg {
		return ErrNotLog
	}
	return nil
}

// slogSource reads slog's {"function":..., "file":..., "line":...}.
func slogSource(val []byte, e *Entry) {
	if len(val) == 0 || val[0] != '{' {
		return
	}
	var file string
	var line int
	_ = scanObject(val, func(key, v []byte) bool {
		switch string(key) {
		case "file":
			file, _ = jsonString(v)
		case "line":
			line, _ = strconv.Atoi(string(v))
		}
		return true
	})
	if file != "" && line > 0 {
		setRef(e, file+":"+strconv.Itoa(line))
	}
}

// jsonTime reads a time as zap and klog write it: an RFC 3339 string, or
// a number of seconds (zap's EpochTimeEncoder), milliseconds (klog's JSON
// format), microseconds or nanoseconds since the epoch, told apart by size.
func jsonTime(val []byte) (time.Time, bool) {
	if len(val) > 0 && val[0] == '"' {
		s, ok := jsonString(val)
		if !ok {
			return time.Time{}, false
		}
		return parseTime(s)
	}
	if t, ok := epochDecimal(val); ok {
		return t, true
	}
	f, err := strconv.ParseFloat(string(val), 64)
	if err != nil || f <= 0 || math.IsInf(f, 0) || math.IsNaN(f) {
		return time.Time{}, false
	}
	scale := 1.0
	switch {
	case f > 1e17:
		scale = 1e9
	case f > 1e14:
		scale = 1e6
	case f > 1e11:
		scale = 1e3
	}
	sec := math.Floor(f / scale)
	nsec := math.Round((f/scale - sec) * 1e9)
	if sec > 1<<40 {
		return time.Time{}, false
	}
	// Round to microseconds: a float64 of seconds carries no more.
	return time.Unix(int64(sec), int64(nsec)).UTC().Round(time.Microsecond), true
}

// epochDecimal reads "digits[.digits]" exactly, without allocating.
func epochDecimal(val []byte) (time.Time, bool) {
	var whole int64
	i := 0
	for ; i < len(val) && isDigit(val[i]); i++ {
		if i >= 19 {
			return time.Time{}, false
		}
		whole = whole*10 + int64(val[i]-'0')
	}
	if i == 0 || whole == 0 {
		return time.Time{}, false
	}
	var frac, fracScale int64 = 0, 1
	if i < len(val) && val[i] == '.' {
		i++
		for ; i < len(val) && isDigit(val[i]); i++ {
			if fracScale < 1e9 {
				frac = frac*10 + int64(val[i]-'0')
				fracScale *= 10
			}
		}
	}
	if i != len(val) {
		return time.Time{}, false
	}
	unit := int64(time.Second)
	switch {
	case whole > 1e17:
		unit = 1
	case whole > 1e14:
		unit = int64(time.Microsecond)
	case whole > 1e11:
		unit = int64(time.Millisecond)
	}
	if whole > math.MaxInt64/unit {
		return time.Time{}, false
	}
	ns := whole*unit + frac*unit/fracScale
	return time.Unix(0, ns).UTC(), true
}
