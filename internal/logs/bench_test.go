package logs

import (
	"bytes"
	"errors"
	"io"
	"runtime"
	"testing"
	"time"
)

// mixedBlock is about 1 MiB of controller log lines written by the real
// libraries: klog text and klog's JSON format, and zap's production JSON,
// interleaved, mostly info with one error or warning in twenty lines.
func mixedBlock() []byte {
	var klogB, jsonB, zapB, out bytes.Buffer
	clk := &fakeClock{}
	kj := klogJSON(&jsonB, clk)
	zp, zpl := zapProductionJSON(&zapB, clk)
	start := at(failQuickStart, "-30m")
	err := errors.New(`failed to reconcile Machine default/quick-start-md-0-7c9f8-xk2lp: failed to get infrastructure ref: not found`)
	for i := 0; out.Len() < 1<<20; i++ {
		now := start.Add(time.Duration(i) * 100 * time.Millisecond)
		clk.now = now
		klogB.Reset()
		jsonB.Reset()
		zapB.Reset()
		kt := klogText(&klogB, now).WithName("machine-controller")
		switch i % 20 {
		case 0:
			logMachineController(kt, err, "Reconciler error", "Machine", "default/quick-start-md-0-7c9f8-xk2lp")
		case 7:
			logClusterController(kj, err, "Reconciler error", "Cluster", map[string]string{"name": "quick-start", "namespace": "default"})
		case 13:
			warnZap(zpl, "MachineSet is scaling slowly")
		case 17:
			logMachineSetController(zp, err, "Reconciler error", "controller", "machineset")
		default:
			switch i % 3 {
			case 0:
				infoMachineController(kt, "Reconciling Machine", "Machine", "default/quick-start-md-0-7c9f8-xk2lp", "reconcileID", "6a1c2f0e-4f7e-4a55-9d62-0f1e2d3c4b5a")
			case 1:
				infoClusterController(kj.V(2), "Reconciling Cluster", "Cluster", "default/quick-start", "generation", i)
			default:
				infoClusterController(zp.V(1), "Cluster is provisioned", "Cluster", map[string]string{"name": "quick-start"}, "phase", "Provisioned")
			}
		}
		out.Write(klogB.Bytes())
		out.Write(jsonB.Bytes())
		out.Write(zapB.Bytes())
	}
	return out.Bytes()
}

// repeatReader yields n bytes by cycling through block, sampling the heap
// every 64 MiB so the benchmark can report its peak.
type repeatReader struct {
	block    []byte
	off      int
	left     int64
	sampled  int64
	peakHeap uint64
}

func (r *repeatReader) Read(p []byte) (int, error) {
	if r.left <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > r.left {
		p = p[:r.left]
	}
	n := copy(p, r.block[r.off:])
	r.off = (r.off + n) % len(r.block)
	r.left -= int64(n)
	r.sampled += int64(n)
	if r.sampled >= 64<<20 {
		r.sampled = 0
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		r.peakHeap = max(r.peakHeap, ms.HeapInuse)
	}
	return n, nil
}

// BenchmarkScan streams mixed klog/JSON logs through the correlator on one
// goroutine, generated on the fly: 64 MiB and 1 GiB so the two sizes show
// whether memory grows with the input, with two windows of the default
// size (a quarter of the block falls in one of them), and 1 GiB with every line
// in a window (the worst case: every error line parsed in full). Run with
//
//	go test -run XXX -bench Scan -benchtime 1x -benchmem ./internal/logs/
func BenchmarkScan(b *testing.B) {
	block := mixedBlock()
	windows := []Window{
		{Key: "quick-start", At: failQuickStart},
		{Key: "earlier", At: at(failQuickStart, "-29m")}, // the block spans -30m to about -24m
	}
	all := Options{Warnings: true, Before: 2 * time.Hour, After: 2 * time.Hour}
	for _, tc := range []struct {
		name string
		n    int64
		opts Options
	}{
		{"64MiB", 64 << 20, Options{Warnings: true}},
		{"1GiB", 1 << 30, Options{Warnings: true}},
		{"1GiB-all-in-window", 1 << 30, all},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.SetBytes(tc.n)
			var peak uint64
			var lines int
			for b.Loop() {
				c := newCorrelator(windows, tc.opts)
				r := &repeatReader{block: block, left: tc.n}
				if err := c.scan("bench.log", r); err != nil {
					b.Fatal(err)
				}
				peak = max(peak, r.peakHeap)
				lines = 0
				for _, a := range c.groups {
					lines += a.g.Count
				}
			}
			if lines == 0 {
				b.Fatal("no line correlated")
			}
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
			b.ReportMetric(float64(lines), "lines-correlated")
		})
	}
}
