package logs

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

// yearless is a klog header time: year 0, UTC.
func yearless(month time.Month, day, h, m, s, us int) time.Time {
	return time.Date(0, month, day, h, m, s, us*1000, time.UTC)
}

func TestParseLine(t *testing.T) {
	tests := []struct {
		name string
		line string
		want Entry
		err  error
	}{
		{"klog structured error",
			`E1117 11:42:05.123456       1 controller.go:324] "Reconciler error" err="boom \"x\"" controller="machine" logger="machine-controller"`,
			Entry{Format: FormatKlog, Level: LevelError, Time: yearless(11, 17, 11, 42, 5, 123456), NoYear: true,
				Ref: "controller.go:324", File: "controller.go", Line: 324, Logger: "machine-controller", Controller: "machine",
				Msg: "Reconciler error", Err: `boom "x"`}, nil},
		{"klog unstructured warning", `W0229 00:00:01.000001   12345 reflector.go:561] k8s.io/client-go: failed to list *v1.Pod: Unauthorized`,
			Entry{Format: FormatKlog, Level: LevelWarning, Time: yearless(2, 29, 0, 0, 1, 1), NoYear: true,
				Ref: "reflector.go:561", File: "reflector.go", Line: 561, Msg: "k8s.io/client-go: failed to list *v1.Pod: Unauthorized"}, nil},
		{"klog fatal", `F0101 00:00:00.000000 7 main.go:12] cannot start`,
			Entry{Format: FormatKlog, Level: LevelError, Time: yearless(1, 1, 0, 0, 0, 0), NoYear: true,
				Ref: "main.go:12", File: "main.go", Line: 12, Msg: "cannot start"}, nil},
		{"klog multi-line err", `E1117 11:42:25.000000   26819 machine_controller.go:324] "Failed to drain node" err=<`,
			Entry{Format: FormatKlog, Level: LevelError, Time: yearless(11, 17, 11, 42, 25, 0), NoYear: true,
				Ref: "machine_controller.go:324", File: "machine_controller.go", Line: 324, Msg: "Failed to drain node", ErrContinues: true}, nil},
		{"klog unknown caller", `E1117 11:42:05.123456       1 ???:1] "x"`,
			Entry{Format: FormatKlog, Level: LevelError, Time: yearless(11, 17, 11, 42, 5, 123456), NoYear: true, Msg: "x"}, nil},
		{"klog 30 February", `E0230 11:42:05.123456 1 a.go:1] x`, Entry{}, ErrNotLog},
		{"klog cut in the header", `E1117 11:42:05.123456       1 controller.go:32`, Entry{}, ErrTruncated},
		{"klog cut in the time", `E1117 11:4`, Entry{}, ErrTruncated},
		{"zap production", `{"level":"error","ts":1794915735.5,"logger":"controllers.MachineSet","caller":"machineset/machineset_controller.go:210","msg":"Reconciler error","controller":"machineset","error":"denied"}`,
			Entry{Format: FormatJSON, Level: LevelError, Time: utc("2026-11-17T11:42:15.5Z"), Ref: "machineset/machineset_controller.go:210",
				File: "machineset/machineset_controller.go", Line: 210, Logger: "controllers.MachineSet", Controller: "machineset", Msg: "Reconciler error", Err: "denied"}, nil},
		{"klog JSON error: no level, no v", `{"ts":1794915689000.25,"caller":"cluster/cluster_controller.go:150","msg":"Reconciler error","Cluster":{"name":"q","namespace":"default"},"err":"conflict"}`,
			Entry{Format: FormatJSON, Level: LevelError, Time: utc("2026-11-17T11:41:29.00025Z"), Ref: "cluster/cluster_controller.go:150",
				File: "cluster/cluster_controller.go", Line: 150, Msg: "Reconciler error", Err: "conflict", Objects: []Object{{"Cluster", "default", "q"}}}, nil},
		{"klog objects", `E1117 11:42:05.123456       1 controller.go:324] "Reconciler error" Machine="ns-1/md-0-xk2lp" namespace="ns-1" pod=kube-system/coredns-5d78c Reason="Not A Name" reconcileID="6a1c" Cluster="bad/name/x" err="boom"`,
			Entry{Format: FormatKlog, Level: LevelError, Time: yearless(11, 17, 11, 42, 5, 123456), NoYear: true,
				Ref: "controller.go:324", File: "controller.go", Line: 324, Msg: "Reconciler error", Err: "boom",
				Objects: []Object{{"Machine", "ns-1", "md-0-xk2lp"}, {"namespace", "", "ns-1"}, {"pod", "kube-system", "coredns-5d78c"}}}, nil},
		{"controller-runtime objects", `{"level":"error","ts":"2026-11-17T11:39:30Z","msg":"Reconciler error","controller":"machine","controllerKind":"Machine","Machine":{"name":"m-1","namespace":"ns-1"},"namespace":"ns-1","name":"m-1","object":{"name":"m-1","namespace":"ns-1"},"error":"x"}`,
			Entry{Format: FormatJSON, Level: LevelError, Time: utc("2026-11-17T11:39:30Z"), Controller: "machine", Msg: "Reconciler error", Err: "x",
				Objects: []Object{{"Machine", "ns-1", "m-1"}, {"namespace", "", "ns-1"}, {"name", "", "m-1"}, {"object", "ns-1", "m-1"}}}, nil},
		{"klog JSON info", `{"ts":1794915689000,"caller":"c.go:1","msg":"m","v":0}`,
			Entry{Format: FormatJSON, Level: LevelInfo, Time: utc("2026-11-17T11:41:29Z"), Ref: "c.go:1", File: "c.go", Line: 1, Msg: "m"}, nil},
		{"controller-runtime RFC 3339", `{"level":"error","ts":"2026-11-17T11:39:30Z","logger":"controllers.DockerMachine","msg":"Reconciler error","error":"exit status 125","stacktrace":"a\nb"}`,
			Entry{Format: FormatJSON, Level: LevelError, Time: utc("2026-11-17T11:39:30Z"), Logger: "controllers.DockerMachine", Msg: "Reconciler error", Err: "exit status 125"}, nil},
		{"slog", `{"time":"2026-11-17T12:39:30.5+01:00","level":"ERROR+2","source":{"function":"main.f","file":"/src/app/cmd/main.go","line":7},"msg":"x \u00e9\n","err":"e"}`,
			Entry{Format: FormatJSON, Level: LevelError, Time: utc("2026-11-17T11:39:30.5Z"), Ref: "/src/app/cmd/main.go:7", File: "/src/app/cmd/main.go", Line: 7, Msg: "x é\n", Err: "e"}, nil},
		{"escaped quotes do not end a value", `{"msg":"a \"level\":\"info\" \\","level":"warn","ts":1}`,
			Entry{Format: FormatJSON, Level: LevelWarning, Time: utc("1970-01-01T00:00:01Z"), Msg: `a "level":"info" \`}, nil},
		{"JSON cut short", `{"level":"error","ts":1794915735.5,"msg":"Reconciler err`, Entry{}, ErrTruncated},
		{"JSON without log keys", `{"kind":"Event","apiVersion":"v1"}`, Entry{}, ErrNotLog},
		{"kubectl --timestamps over klog", `2026-11-17T11:41:50.123456789Z E1117 13:41:50.123456   26819 machineset_controller.go:210] "Reconciler error" err="x"`,
			Entry{Format: FormatKlog, Level: LevelError, Time: utc("2026-11-17T11:41:50.123456789Z"), Ref: "machineset_controller.go:210",
				File: "machineset_controller.go", Line: 210, Msg: "Reconciler error", Err: "x"}, nil},
		{"CRI over JSON", `2026-11-17T11:41:50.1Z stderr F {"level":"warn","msg":"slow"}`,
			Entry{Format: FormatJSON, Level: LevelWarning, Time: utc("2026-11-17T11:41:50.1Z"), Msg: "slow"}, nil},
		{"zap console objects", "2026-11-17T11:41:45.000+0100\tERROR\tmachine-controller\tmachine/machine_controller.go:324\tReconciler error\t{\"error\": \"boom\", \"Cluster\": \"ns-1/c-1\"}",
			Entry{Format: FormatText, Level: LevelError, Time: utc("2026-11-17T10:41:45Z"), Ref: "machine/machine_controller.go:324",
				File: "machine/machine_controller.go", Line: 324, Logger: "machine-controller", Msg: "Reconciler error", Err: "boom", Objects: []Object{{"Cluster", "ns-1", "c-1"}}}, nil},
		{"zap console", "2026-11-17T11:41:45.000+0100\tERROR\tmachine-controller\tmachine/machine_controller.go:324\tReconciler error\t{\"error\": \"boom\", \"controller\": \"machine\"}",
			Entry{Format: FormatText, Level: LevelError, Time: utc("2026-11-17T10:41:45Z"), Ref: "machine/machine_controller.go:324",
				File: "machine/machine_controller.go", Line: 324, Logger: "machine-controller", Controller: "machine", Msg: "Reconciler error", Err: "boom"}, nil},
		{"timestamp and level word", `2026-11-17T11:41:45Z WARN pkg/x.go:9 disk almost full`,
			Entry{Format: FormatText, Level: LevelWarning, Time: utc("2026-11-17T11:41:45Z"), Ref: "pkg/x.go:9", File: "pkg/x.go", Line: 9, Msg: "disk almost full"}, nil},
		{"timestamp without level", `2026-11-17T11:41:45Z starting manager`, Entry{}, ErrNotLog},
		{"plain text", `flag provided but not defined: -foo`, Entry{}, ErrNotLog},
		{"binary", "\x00\x1f\x8b\xff\xfeE\x00\x81", Entry{}, ErrBinary},
		{"empty", "", Entry{}, ErrNotLog},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseLine([]byte(tt.line))
			if err != tt.err {
				t.Fatalf("ParseLine(%q) error = %v, want %v", tt.line, err, tt.err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseLine(%q) (-want +got):\n%s", tt.line, diff)
			}
		})
	}
}

func TestJSONTime(t *testing.T) {
	want := utc("2026-11-17T11:42:05.123456Z")
	for _, raw := range []string{"1794915725.123456", "1794915725123.456", "1794915725123456", "1794915725123456000", `"2026-11-17T11:42:05.123456Z"`, `"2026-11-17T12:42:05.123456+0100"`} {
		got, ok := jsonTime([]byte(raw))
		if !ok || !got.Equal(want) {
			t.Errorf("jsonTime(%s) = %v, %v; want %v", raw, got, ok, want)
		}
	}
}

func TestDisambiguate(t *testing.T) {
	cands := []string{"exp/internal/controllers/machinepool/conditions.go", "internal/controllers/cluster/conditions.go", "internal/controllers/machineset/conditions.go"}
	tests := []struct {
		hints []string
		want  string
	}{
		{[]string{"machineset-controller"}, "internal/controllers/machineset/conditions.go"},
		{[]string{"controllers.MachinePool"}, "exp/internal/controllers/machinepool/conditions.go"},
		{[]string{"cluster"}, "internal/controllers/cluster/conditions.go"},
		{[]string{"controller-manager"}, ""},               // generic words only
		{[]string{"topology"}, ""},                         // no directory named so
		{[]string{"cluster", "machineset-controller"}, ""}, // two candidates named: not guessed
		{nil, ""},
	}
	for _, tt := range tests {
		hints := map[string]bool{}
		for _, h := range tt.hints {
			hints[h] = true
		}
		if got := disambiguate(cands, hints); got != tt.want {
			t.Errorf("disambiguate(%q) = %q, want %q", tt.hints, got, tt.want)
		}
	}
}

func TestNormalise(t *testing.T) {
	tests := []struct{ in, want string }{
		{"a\n\tb  c\x00d", "a b c d"},
		{"reconcileID=6a1c2f0e-4f7e-4a55-9d62-0f1e2d3c4b5a done", "reconcileID=<uuid> done"},
		{"sha 0123456789abcdef0123 and deadbeef", "sha <hex> and deadbeef"},
		{"x0123456789abcdef0123", "x0123456789abcdef0123"},
		{strings.Repeat("é", 200), strings.Repeat("é", 118) + "…"},
		{"\xff", "\uFFFD"},
	}
	for _, tt := range tests {
		if got := Normalise(tt.in, SampleLen); got != tt.want {
			t.Errorf("Normalise(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// FuzzParseLine checks that no line panics the parser, that what it
// returns is sane, and that for JSON lines it agrees with encoding/json on
// the message and error.
func FuzzParseLine(f *testing.F) {
	for _, tt := range []string{
		`E1117 11:42:05.123456       1 controller.go:324] "Reconciler error" err="boom" logger="x"`,
		`{"level":"error","ts":1794915735.5,"caller":"a/b.go:1","msg":"m","error":"e"}`,
		`{"ts":1794915689000.25,"caller":"c.go:150","msg":"m","err":"e","x":{"a":[1,"]}"]}}`,
		"2026-11-17T11:41:45.000+0100\tERROR\tn\tm/m.go:324\tmsg\t{\"error\": \"boom\"}",
		`2026-11-17T11:41:50Z stderr F E1117 13:41:50.123456 1 m.go:1] x`,
		"\x00\xff",
	} {
		f.Add([]byte(tt))
	}
	// Every line of the generated real-library logs.
	for name, file := range generatedLogs() {
		var r io.Reader = bytes.NewReader(file.Data)
		if strings.HasSuffix(name, ".gz") {
			zr, err := gzip.NewReader(r)
			if err != nil {
				f.Fatal(err)
			}
			r = zr
		}
		sc := bufio.NewScanner(r)
		sc.Buffer(nil, 2<<20)
		for sc.Scan() {
			if len(sc.Bytes()) < 4096 {
				f.Add(append([]byte(nil), sc.Bytes()...))
			}
		}
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		e, err := ParseLine(line)
		// encoding/json is the reference for JSON lines: a valid object
		// with a string "msg" must parse, to the same message and error.
		var m map[string]any
		if len(line) > 0 && line[0] == '{' && json.Unmarshal(line, &m) == nil {
			msg, hasMsg := m["msg"].(string)
			if _, other := m["message"]; hasMsg && !other {
				if err != nil {
					t.Fatalf("ParseLine(%q) error %v; encoding/json reads it", line, err)
				}
				if e.Msg != msg {
					t.Fatalf("ParseLine(%q).Msg = %q, encoding/json says %q", line, e.Msg, msg)
				}
				_, hasErr := m["err"]
				if es, ok := m["error"].(string); ok && !hasErr && e.Err != es {
					t.Fatalf("ParseLine(%q).Err = %q, encoding/json says %q", line, e.Err, es)
				}
			}
		}
		if err != nil {
			if !cmp.Equal(e, Entry{}) {
				t.Fatalf("ParseLine(%q) = %+v with error %v", line, e, err)
			}
			return
		}
		// The scanner drops lines on what peek says: it must agree.
		plvl, pt, pNoYear, pok := peek(trimEOL(line))
		if !pok || max(plvl, LevelInfo) != max(e.Level, LevelInfo) || !pt.Equal(e.Time) || pNoYear != e.NoYear {
			t.Fatalf("peek(%q) = %v, %v, %v, %v; ParseLine says %v, %v, %v", line, plvl, pt, pNoYear, pok, e.Level, e.Time, e.NoYear)
		}
		if e.Level > LevelError || e.Format < FormatKlog || e.Format > FormatText {
			t.Fatalf("ParseLine(%q): level %d, format %d", line, e.Level, e.Format)
		}
		if (e.Ref == "") != (e.File == "") || (e.File == "") != (e.Line == 0) || e.Line < 0 {
			t.Fatalf("ParseLine(%q): ref %q file %q line %d", line, e.Ref, e.File, e.Line)
		}
		if e.NoYear && e.Time.Year() != 0 {
			t.Fatalf("ParseLine(%q): yearless time %v", line, e.Time)
		}
		s := Normalise(e.Msg+e.Err, SampleLen)
		if len(s) > SampleLen || !utf8.ValidString(s) {
			t.Fatalf("Normalise(%q) = %q", e.Msg+e.Err, s)
		}
	})
}
