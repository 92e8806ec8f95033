package report

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"testing"
	"time"

	"github.com/joshdk/go-junit"
)

// benchCases is the size of the generated report: 200,000 cases make the
// ~80 MB report of the issue. Smaller runs: -bench-cases=20000.
var benchCases = flag.Int("bench-cases", 200_000, "testcases in the generated benchmark report")

// writeGinkgoLike writes a Ginkgo-like report of n testcases in suites of
// 1,000: every 100th case fails with a multi-line failure and a 200-line
// system-err, the others pass.
func writeGinkgoLike(w io.Writer, n int) error {
	bw := &bytes.Buffer{}
	flush := func() error {
		_, err := w.Write(bw.Bytes())
		bw.Reset()
		return err
	}
	bw.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n<testsuites>\n")
	for s := 0; s*1000 < n; s++ {
		fmt.Fprintf(bw, `  <testsuite name="e2e suite %d" package="/home/runner/work/big/big/test/e2e" tests="1000" timestamp="2026-11-27T14:55:20">`+"\n", s)
		for i := s * 1000; i < min(n, (s+1)*1000); i++ {
			name := fmt.Sprintf("[It] When testing the cluster number %d Should reach the desired state within the timeout [area-%d]", i, i%17)
			if i%100 == 99 {
				fmt.Fprintf(bw, `    <testcase name="%s" classname="big e2e suite" status="failed" time="1.5">`+"\n", name)
				fmt.Fprintf(bw, `      <failure message="Timed out after 300.000s.&#xA;Expected&#xA;    &lt;string&gt;: Provisioning&#xA;to equal&#xA;    &lt;string&gt;: Running" type="failed">[FAILED] Timed out after 300.000s.&#xA;Expected&#xA;    &lt;string&gt;: Provisioning&#xA;to equal&#xA;    &lt;string&gt;: Running&#xA;In [It] at: /home/runner/work/big/big/test/e2e/cluster_test.go:%d @ 11/27/26 14:55:20.842&#xA;</failure>`+"\n", 10+i%500)
				bw.WriteString("      <system-err>")
				for l := range 200 {
					fmt.Fprintf(bw, "  STEP: waiting for machine %d of cluster %d - /home/runner/work/big/big/test/framework/machine.go:%d&#xA;", l, i, 100+l)
				}
				bw.WriteString("</system-err>\n    </testcase>\n")
			} else {
				fmt.Fprintf(bw, `    <testcase name="%s" classname="big e2e suite" status="passed" time="0.25"></testcase>`+"\n", name)
			}
			if bw.Len() > 1<<20 {
				if err := flush(); err != nil {
					return err
				}
			}
		}
		bw.WriteString("  </testsuite>\n")
	}
	bw.WriteString("</testsuites>\n")
	return flush()
}

// benchReport writes the generated report to a temporary file once per
// benchmark and returns its path and size.
func benchReport(b *testing.B) (string, int64) {
	b.Helper()
	path := filepath.Join(b.TempDir(), "junit_big.xml")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if err := writeGinkgoLike(f, *benchCases); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	return path, fi.Size()
}

// BenchmarkIngest runs this package's ingestion and, side by side,
// go-junit's junit.IngestFile on the generated Ginkgo-like report:
//
//	go test ./internal/report -run '^$' -bench Ingest -benchmem -benchtime 3x
func BenchmarkIngest(b *testing.B) {
	path, size := benchReport(b)
	wantFailed := *benchCases / 100
	b.Run("Read", func(b *testing.B) {
		b.SetBytes(size)
		fsys := os.DirFS(filepath.Dir(path))
		for b.Loop() {
			set := Read(fsys, []string{filepath.Base(path)})
			if set.Failed != wantFailed || set.Total != *benchCases {
				b.Fatalf("Failed %d of %d, want %d of %d; errors %q", set.Failed, set.Total, wantFailed, *benchCases, set.Errors)
			}
		}
		reportPeak(b)
	})
	b.Run("go-junit", func(b *testing.B) {
		b.SetBytes(size)
		for b.Loop() {
			suites, err := junit.IngestFile(path)
			if err != nil || len(suites) != (*benchCases+999)/1000 {
				b.Fatalf("%d suites, %v", len(suites), err)
			}
		}
		reportPeak(b)
	})
}

// reportPeak reports the heap memory obtained from the OS so far in the
// benchmark process (runtime.MemStats.HeapSys); the peak resident size of
// one reader alone is measured by TestPeakRSS.
func reportPeak(b *testing.B) {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	b.ReportMetric(float64(m.HeapSys)/(1<<20), "heapsys-MB")
	debug.FreeOSMemory()
}

// TestPeakRSS runs one reader on one report, for measuring the peak
// resident memory of the process from outside (it is skipped unless
// REPORT_PEAK_FILE names a report):
//
//	go test -c -o /tmp/report.test ./internal/report
//	/tmp/report.test -test.run TestWriteBenchReport -bench-out /tmp/junit_big.xml
//	REPORT_PEAK_FILE=/tmp/junit_big.xml REPORT_PEAK_READER=read /usr/bin/time -v /tmp/report.test -test.run TestPeakRSS
//	REPORT_PEAK_FILE=/tmp/junit_big.xml REPORT_PEAK_READER=go-junit /usr/bin/time -v /tmp/report.test -test.run TestPeakRSS
func TestPeakRSS(t *testing.T) {
	path := os.Getenv("REPORT_PEAK_FILE")
	if path == "" {
		t.Skip("REPORT_PEAK_FILE is not set")
	}
	start := time.Now()
	switch reader := os.Getenv("REPORT_PEAK_READER"); reader {
	case "read":
		set := Read(os.DirFS(filepath.Dir(path)), []string{filepath.Base(path)})
		t.Logf("%d tests, %d failed, %d flaky, errors %q", set.Total, set.Failed, set.Flaky, set.Errors)
	case "go-junit":
		suites, err := junit.IngestFile(path)
		t.Logf("%d suites, %v", len(suites), err)
	default:
		t.Fatalf("REPORT_PEAK_READER=%q, want read or go-junit", reader)
	}
	t.Logf("%v", time.Since(start))
}

var benchOut = flag.String("bench-out", "", "TestWriteBenchReport writes the benchmark report here")

// TestWriteBenchReport writes the generated benchmark report to -bench-out
// (skipped without it).
func TestWriteBenchReport(t *testing.T) {
	if *benchOut == "" {
		t.Skip("-bench-out is not set")
	}
	f, err := os.Create(*benchOut)
	if err != nil {
		t.Fatal(err)
	}
	if err := writeGinkgoLike(f, *benchCases); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}
