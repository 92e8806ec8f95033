package locate

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/flake-triage/flake-triage/internal/report"
)

// benchRepo is a 50,000-file Go monorepo: 5,000 package directories of 10
// files, one of them a _test.go declaring the tests that fail.
func benchRepo() fstest.MapFS {
	m := fstest.MapFS{"go.mod": {Data: []byte("module github.com/acme/big\n")}}
	for d := 0; d < 5000; d++ {
		dir := fmt.Sprintf("pkg/area%d/d%d", d%50, d)
		var test strings.Builder
		fmt.Fprintf(&test, "package d%d\n\nimport \"testing\"\n", d)
		for i := 0; i < 10; i++ {
			fmt.Fprintf(&test, "\nfunc TestCase%d(t *testing.T) {\n\tt.Fatal(\"x\")\n}\n", i)
		}
		m[dir+"/x_test.go"] = &fstest.MapFile{Data: []byte(test.String())}
		for f := 0; f < 9; f++ {
			m[fmt.Sprintf("%s/file%d.go", dir, f)] = &fstest.MapFile{Data: []byte(fmt.Sprintf("package d%d\n", d))}
		}
	}
	return m
}

// fastReads reads files of a MapFS by a map lookup: fstest.MapFS.Open
// walks its whole map (Go 1.26), which would measure MapFS rather than
// locating on a repository of 50,000 files.
type fastReads struct{ fstest.MapFS }

func (f fastReads) ReadFile(name string) ([]byte, error) {
	if m, ok := f.MapFS[name]; ok && !m.Mode.IsDir() {
		return slices.Clone(m.Data), nil
	}
	return f.MapFS.ReadFile(name)
}

// benchFailures are 10,000 failing tests whose failures are goroutine
// traces of 30 frames: 4 of GOROOT, 6 of the module cache and 20 in the
// repository, under the GitHub runner's checkout directory.
func benchFailures() []report.Test {
	const root = "/home/runner/work/big/big/"
	out := make([]report.Test, 10000)
	for i := range out {
		d := (i * 7919) % 5000
		pkg := fmt.Sprintf("github.com/acme/big/pkg/area%d/d%d", d%50, d)
		var b strings.Builder
		fmt.Fprintf(&b, "=== RUN   TestCase%d\n--- FAIL: TestCase%d (0.00s)\npanic: boom [recovered]\n\ngoroutine %d [running]:\n", i%10, i%10, i)
		for f := 0; f < 30; f++ {
			switch {
			case f < 2 || f >= 28:
				fmt.Fprintf(&b, "testing.tRunner.func1.2({0x55a740, 0x6cad20})\n\t/opt/hostedtoolcache/go/1.26.8/x64/src/testing/testing.go:%d +0x232\n", 1900+f)
			case f < 8:
				fmt.Fprintf(&b, "sigs.k8s.io/controller-runtime/pkg/client.(*client).Get(0xc000123456)\n\t/home/runner/go/pkg/mod/sigs.k8s.io/controller-runtime@v0.22.0/pkg/client/client.go:%d +0x1d\n", 100+f)
			default:
				o := (d + f*131 + i) % 5000
				fmt.Fprintf(&b, "github.com/acme/big/pkg/area%d/d%d.(*R).reconcile(0xc000123456, 0x1)\n\t%spkg/area%d/d%d/file%d.go:%d +0x%x\n", o%50, o, root, o%50, o, f%9, 10+f, f)
			}
		}
		out[i] = testWithFailure(pkg, fmt.Sprintf("TestCase%d", i%10), b.String())
	}
	return out
}

// BenchmarkLocate locates 10,000 failures with 30-frame traces in a
// 50,000-file index, with cold caches (no path normalised, no file parsed
// yet) every iteration; the index is built once, outside the loop. Besides
// the wall time it reports cpu-ms/op, the process's CPU time per
// iteration, which a machine shared with other jobs inflates less.
func BenchmarkLocate(b *testing.B) {
	built, err := NewIndex(fastReads{benchRepo()}, Options{})
	if err != nil {
		b.Fatal(err)
	}
	failures := benchFailures()
	b.ReportAllocs()
	start, measured := processCPU()
	n := 0
	for b.Loop() {
		n++
		ix := built.withoutCaches()
		for _, f := range failures {
			r := ix.Locate(f)
			if r.Location == nil || r.TestLocation == nil {
				b.Fatalf("%s: nothing located: %+v", f.Name, r)
			}
		}
	}
	if end, ok := processCPU(); measured && ok && n > 0 {
		b.ReportMetric(float64(end-start)/float64(n)/float64(time.Millisecond), "cpu-ms/op")
	}
}

// BenchmarkNewIndex measures indexing the 50,000-file repository.
func BenchmarkNewIndex(b *testing.B) {
	repo := benchRepo()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := NewIndex(repo, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
