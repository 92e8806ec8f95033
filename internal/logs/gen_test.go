package logs

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing/fstest"
	"time"

	"github.com/go-logr/logr"
	"github.com/go-logr/zapr"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"k8s.io/klog/v2/textlogger"
)

// This file generates controller logs with the real logging libraries, so
// the tests read what klog, zap and zapr actually print rather than what we
// believe they print. Callers come from callsites_test.go.

// A fakeClock is the zapcore.Clock of the generated zap loggers.
type fakeClock struct{ now time.Time }

func (c *fakeClock) Now() time.Time                         { return c.now }
func (c *fakeClock) NewTicker(d time.Duration) *time.Ticker { return time.NewTicker(d) }

// klogText returns a klog text logger (the format of klog.ErrorS and of
// klog's contextual logging) that stamps every line with t, in t's zone as
// klog uses the local clock of the machine.
func klogText(w io.Writer, t time.Time) logr.Logger {
	return textlogger.NewLogger(textlogger.NewConfig(textlogger.Output(w), textlogger.FixedTime(t), textlogger.Verbosity(4)))
}

// klogJSON returns a logger configured as k8s.io/component-base/logs/json
// configures zap for "--logging-format=json": epoch milliseconds in "ts",
// short caller, no level key, "v" on info lines and "err" on errors.
func klogJSON(w io.Writer, clk *fakeClock) logr.Logger {
	enc := zapcore.NewJSONEncoder(zapcore.EncoderConfig{
		MessageKey: "msg",
		CallerKey:  "caller",
		NameKey:    "logger",
		TimeKey:    "ts",
		EncodeTime: func(t time.Time, enc zapcore.PrimitiveArrayEncoder) {
			enc.AppendFloat64(float64(t.UnixNano()) / float64(time.Millisecond))
		},
		EncodeDuration: zapcore.StringDurationEncoder,
		EncodeCaller:   zapcore.ShortCallerEncoder,
	})
	core := zapcore.NewCore(enc, zapcore.AddSync(w), zapcore.Level(-127))
	l := zap.New(core, zap.WithCaller(true), zap.WithClock(clk))
	return zapr.NewLoggerWithOptions(l, zapr.LogInfoLevel("v"), zapr.ErrorKey("err"))
}

// controllerRuntimeJSON returns a logger configured as controller-runtime's
// zap.New() in production mode: zap's production JSON encoder with RFC 3339
// times, stack traces on errors and no caller.
func controllerRuntimeJSON(w io.Writer, clk *fakeClock) (logr.Logger, *zap.Logger) {
	cfg := zap.NewProductionEncoderConfig()
	cfg.EncodeTime = zapcore.RFC3339TimeEncoder
	core := zapcore.NewCore(zapcore.NewJSONEncoder(cfg), zapcore.AddSync(w), zapcore.DebugLevel)
	l := zap.New(core, zap.AddCallerSkip(1), zap.AddStacktrace(zapcore.ErrorLevel), zap.WithClock(clk))
	return zapr.NewLogger(l), l
}

// zapProductionJSON returns zap.NewProduction's encoder: epoch seconds,
// lower-case level, short caller.
func zapProductionJSON(w io.Writer, clk *fakeClock) (logr.Logger, *zap.Logger) {
	core := zapcore.NewCore(zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig()), zapcore.AddSync(w), zapcore.DebugLevel)
	l := zap.New(core, zap.WithCaller(true), zap.AddStacktrace(zapcore.ErrorLevel), zap.WithClock(clk))
	return zapr.NewLogger(l), l
}

// zapConsole returns zap.NewDevelopment's console encoder (ISO 8601 time
// first, tab-separated, stack traces on following lines from warnings up).
func zapConsole(w io.Writer, clk *fakeClock) (logr.Logger, *zap.Logger) {
	core := zapcore.NewCore(zapcore.NewConsoleEncoder(zap.NewDevelopmentEncoderConfig()), zapcore.AddSync(w), zapcore.DebugLevel)
	l := zap.New(core, zap.WithCaller(true), zap.AddStacktrace(zapcore.WarnLevel), zap.WithClock(clk))
	return zapr.NewLogger(l), l
}

// The failures of the generated scenario.
var (
	failQuickStart = time.Date(2026, 11, 17, 11, 42, 30, 0, time.UTC)
	failNewYear    = time.Date(2027, 1, 1, 0, 0, 20, 0, time.UTC)
	failNoLogs     = time.Date(2026, 11, 18, 9, 0, 0, 0, time.UTC)
)

func at(base time.Time, d string) time.Time {
	dur, err := time.ParseDuration(d)
	if err != nil {
		panic(err)
	}
	return base.Add(dur)
}

var (
	errMachine = errors.New(`failed to reconcile Machine default/quick-start-md-0-7c9f8-xk2lp: failed to get infrastructure ref: dockermachines.infrastructure.cluster.x-k8s.io "quick-start-md-0-7c9f8-xk2lp" not found`)
	errMS      = errors.New(`failed to create Machine: admission webhook "validation.machine.cluster.x-k8s.io" denied the request: spec.version: Invalid value: "v1.35.0"`)
	errCluster = errors.New(`failed to patch Cluster default/quick-start: Operation cannot be fulfilled on clusters.cluster.x-k8s.io "quick-start": the object has been modified; please apply your changes to the latest version and try again`)
	errMulti   = errors.New("failed to drain node quick-start-md-0-xk2lp:\n  error when evicting pods/\"coredns-5d78c9869d-x7b2q\" -n \"kube-system\"\n  (will retry after 5s)")
)

// generatedLogs writes the scenario's logs, as a CI job collects them, into
// an in-memory file system.
func generatedLogs() fstest.MapFS {
	fsys := fstest.MapFS{}
	q := failQuickStart

	// The core controller manager in klog text format (UTC).
	var b bytes.Buffer
	kt := func(t time.Time) logr.Logger { return klogText(&b, t) }
	machineLog := func(t time.Time) logr.Logger {
		return kt(t).WithName("machine-controller").WithValues("Machine", "default/quick-start-md-0-7c9f8-xk2lp", "reconcileID", "6a1c2f0e-4f7e-4a55-9d62-0f1e2d3c4b5a")
	}
	for i := range 40 {
		infoMachineController(kt(at(q, "-9m").Add(time.Duration(i)*15*time.Second)).WithName("machine-controller"), "Reconciling Machine", "Machine", "default/quick-start-md-0-7c9f8-xk2lp")
	}
	logMachineController(machineLog(at(q, "-12m")), errMachine, "Reconciler error") // before the window
	logMachineController(machineLog(at(q, "-88s")), errMachine, "Reconciler error")
	logMachineController(machineLog(at(q, "-50s")), errMachine, "Reconciler error")
	logMachineController(machineLog(at(q, "-25s")), errMachine, "Reconciler error")
	logMachineSetConditions(kt(at(q, "-20s")).WithName("machineset-controller"), errMS, "Failed to update MachineSet conditions")
	logClusterConditions(kt(at(q, "-18s")), errCluster, "Failed to set Cluster conditions")
	logControllerRuntime(kt(at(q, "-10s")), errMachine, "Reconciler error", "controller", "machine", "controllerGroup", "cluster.x-k8s.io", "controllerKind", "Machine")
	logMachineController(machineLog(at(q, "-5s")), errMulti, "Failed to drain node") // a multi-line err value
	logMachineController(machineLog(at(q, "+60s")), errMachine, "Reconciler error")  // after the window
	fsys["logs/capi-controller-manager.log"] = file(b.Bytes())

	// The same controller across New Year's Eve: klog has no year.
	b.Reset()
	ny := failNewYear
	logMachineController(machineLog(at(ny, "-10m")), errMachine, "Reconciler error")
	logMachineController(machineLog(at(ny, "-140s")), errMachine, "Reconciler error")
	logMachineController(machineLog(at(ny, "-15s")), errMachine, "Reconciler error")
	logMachineController(machineLog(at(ny, "+10m")), errMachine, "Reconciler error")
	fsys["logs/new-year/capi-controller-manager.log"] = file(b.Bytes())

	// A controller whose machine ran at UTC-5: its klog clock reads 06:41.
	b.Reset()
	est := time.FixedZone("EST", -5*3600)
	logClusterController(kt(at(q, "-35s").In(est)).WithName("cluster-controller"), errCluster, "Reconciler error")
	fsys["logs/tz/capi-controller-manager.log"] = file(b.Bytes())

	// kubectl logs --timestamps of a controller at UTC+2: the RFC 3339
	// prefix is the truth, the klog clock two hours ahead.
	b.Reset()
	cest := time.FixedZone("CEST", 2*3600)
	var line bytes.Buffer
	for _, t := range []time.Time{at(q, "-40s"), at(q, "-30s")} {
		line.Reset()
		logMachineSetController(klogText(&line, t.In(cest)).WithName("machineset-controller"), errMS, "Reconciler error")
		fmt.Fprintf(&b, "%s %s", t.UTC().Format(time.RFC3339Nano), line.Bytes())
	}
	fsys["logs/kubectl/capi-controller-manager.log"] = file(b.Bytes())

	// The cluster controller in klog's JSON format, gzipped.
	b.Reset()
	clk := &fakeClock{}
	kj := klogJSON(&b, clk)
	for i := range 30 {
		clk.now = at(q, "-8m").Add(time.Duration(i) * 10 * time.Second)
		infoClusterController(kj.WithName("cluster-controller").V(2), "Reconciling Cluster", "Cluster", "default/quick-start")
	}
	for _, d := range []string{"-4m30s", "-61s"} {
		clk.now = at(q, d)
		logClusterController(kj.WithName("cluster-controller"), errCluster, "Reconciler error", "Cluster", map[string]string{"name": "quick-start", "namespace": "default"})
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(b.Bytes())
	zw.Close()
	fsys["logs/capi-controller-manager.json.gz"] = file(gz.Bytes())

	// A provider on controller-runtime's production zap: no caller.
	b.Reset()
	cr, _ := controllerRuntimeJSON(&b, clk)
	for _, d := range []string{"-3m", "-2m", "-1m"} {
		clk.now = at(q, d)
		cr.WithName("controllers").WithName("DockerMachine").Error(errors.New(`failed to create container "quick-start-md-0-xk2lp": exit status 125`), "Reconciler error", "controller", "dockermachine", "reconcileID", "0b8e3a1c-7d2f-4e6b-9a5c-1f2e3d4c5b6a")
	}
	fsys["logs/capd-controller-manager.log"] = file(b.Bytes())

	// zap's production JSON with callers, and a warning.
	b.Reset()
	zp, zpl := zapProductionJSON(&b, clk)
	clk.now = at(q, "-15s")
	logMachineSetController(zp.WithName("controllers.MachineSet"), errMS, "Reconciler error", "controller", "machineset")
	clk.now = at(q, "-14s")
	warnZap(zpl.Named("controllers.MachineSet"), "MachineSet is scaling slowly", zap.Int("replicas", 3))
	fsys["logs/zap-manager.log"] = file(b.Bytes())

	// zap's development console encoder, with stack traces.
	b.Reset()
	zc, _ := zapConsole(&b, clk)
	clk.now = at(q, "-45s")
	logMachineController(zc.WithName("machine-controller"), errMachine, "Reconciler error")
	fsys["logs/dev/manager.log"] = file(b.Bytes())

	// A damaged log: every kind of line that must be skipped, with one good
	// error line among them.
	b.Reset()
	logMachineController(machineLog(at(q, "-7s")), errMachine, "Reconciler error")
	good := append([]byte(nil), b.Bytes()...)
	b.Reset()
	clk.now = at(q, "-6s")
	logClusterController(kj, errCluster, "Reconciler error")
	jsonLine := append([]byte(nil), b.Bytes()...)
	var damaged bytes.Buffer
	damaged.Write(jsonLine[:len(jsonLine)/2]) // truncated JSON
	damaged.WriteByte('\n')
	damaged.Write([]byte{0x00, 0x1f, 0x8b, 0xff, 0xfe, 'E', 0x00, 0x81, '\n'}) // binary garbage
	damaged.Write(good[:12])                                                   // a klog header cut short
	damaged.WriteByte('\n')
	damaged.WriteString("E1117 " + strings.Repeat("x", 1<<20) + "\n") // a 1 MiB line
	damaged.WriteString("flag provided but not defined: -foo\n")
	damaged.Write(good)
	fsys["logs/damaged.log"] = file(damaged.Bytes())
	return fsys
}

func file(b []byte) *fstest.MapFile {
	return &fstest.MapFile{Data: append([]byte(nil), b...), Mode: 0o644}
}
