package locate

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
)

// source returns a file of n lines, empty except for the given ones: a
// stand-in for the sources of the repositories whose real reports are in
// testdata/corpus.
func source(n int, at map[int]string) *fstest.MapFile {
	lines := make([]string, n)
	for i, s := range at {
		lines[i-1] = s
	}
	return &fstest.MapFile{Data: []byte(strings.Join(lines, "\n"))}
}

// TestLocateCorpus locates failures of real reports from other runners
// (testdata/corpus, see its README) in stand-in checkouts holding the
// files those reports name.
func TestLocateCorpus(t *testing.T) {
	tests := []struct {
		report, name string
		repo         fstest.MapFS
		opts         Options
		want         Result
	}{
		{
			// xunit1 attributes with pytest's 0-based line; entries relative
			// to the rootdir test/.
			report: "pytest-horovod.xml", name: "test_rsh_events",
			repo: fstest.MapFS{"test/test_spark.py": source(900, nil), "setup.py": source(1, nil)},
			want: Result{
				Location:     &Location{Path: "test/test_spark.py", Line: 852},
				TestLocation: &Location{Path: "test/test_spark.py", Line: 820},
				// The suite's timestamp plus its time: an upper bound.
				Time: mustTime(t, "2020-09-04T16:18:07.447371Z"),
			},
		},
		{
			// 1-based line attributes and a Python traceback from another machine.
			report: "unittest-xml-reporting.xml", name: "test_error",
			repo: fstest.MapFS{"tests/test_lib.py": source(40, nil), "lib/acme.py": source(5, nil)},
			want: Result{
				Location:     &Location{Path: "tests/test_lib.py", Line: 31},
				TestLocation: &Location{Path: "tests/test_lib.py", Line: 30},
				Time:         mustTime(t, "2025-11-14T21:49:22Z"),
			},
		},
		{
			report: "phpunit.xml", name: `testB with data set "bool"`,
			repo: fstest.MapFS{"tests/SampleTest.php": source(40, nil), "src/Sample.php": source(5, nil)},
			want: Result{
				Location:     &Location{Path: "tests/SampleTest.php", Line: 18},
				TestLocation: &Location{Path: "tests/SampleTest.php", Line: 16},
			},
		},
		{
			// JVM frames resolve through the package path; no classname.
			report: "surefire-circle.xml", name: "testProperties",
			repo: fstest.MapFS{
				"src/test/java/com/shape/CircleTest.java": source(60, map[int]string{42: "    public void testProperties() {", 44: "        int x = 1 / 0;"}),
				"src/main/java/com/shape/Circle.java":     source(30, nil),
				"other/CircleTest.java":                   source(60, nil),
			},
			want: Result{
				Location:     &Location{Path: "src/test/java/com/shape/CircleTest.java", Line: 44},
				TestLocation: &Location{Path: "src/test/java/com/shape/CircleTest.java", Line: 42},
			},
		},
		{
			// A "Caused by:" chain: the root cause (the last one) was
			// thrown at MyTest.java:33, not where it was rethrown (:24).
			report: "surefire-caused-by.xml", name: "test",
			repo: fstest.MapFS{
				"src/test/java/surefire/MyTest.java": source(40, map[int]string{12: "    public void test() {"}),
			},
			want: Result{
				Location:     &Location{Path: "src/test/java/surefire/MyTest.java", Line: 33},
				TestLocation: &Location{Path: "src/test/java/surefire/MyTest.java", Line: 12},
			},
		},
		{
			// The first in-repo frame is built code of another package;
			// node_modules and node internals are skipped.
			report: "jest-junit-dorny.xml", name: "gets changed files for hg",
			repo: fstest.MapFS{
				"e2e/__tests__/jestChangedFiles.test.ts":     source(430, map[int]string{380: "test('gets changed files for hg', async () => {"}),
				"packages/jest-changed-files/build/hg.js":    source(120, nil),
				"packages/jest-changed-files/build/index.js": source(80, nil),
				"packages/jest-circus/build/run.js":          source(300, nil),
			},
			want: Result{
				Location:     &Location{Path: "packages/jest-changed-files/build/hg.js", Line: 99},
				TestLocation: &Location{Path: "e2e/__tests__/jestChangedFiles.test.ts", Line: 380},
				Related: []Location{
					{Path: "packages/jest-changed-files/build/hg.js", Line: 99},
					{Path: "packages/jest-changed-files/build/index.js", Line: 57},
					{Path: "packages/jest-circus/build/run.js", Line: 218},
				},
				Time: mustTime(t, "2021-01-24T19:22:16.045Z"),
			},
		},
		{
			// A GOPATH path under the module path.
			report: "go-junit-report-105.xml", name: "Failure",
			repo: fstest.MapFS{
				"go.mod":             {Data: []byte("module package/name\n")},
				"panic/main_test.go": source(10, nil),
			},
			want: Result{
				Location: &Location{Path: "panic/main_test.go", Line: 6},
				// The suite's timestamp plus its time="0.003": an upper bound.
				Time: mustTime(t, "2022-01-01T00:00:00.003Z"),
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.report, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", "corpus", tt.report))
			if err != nil {
				t.Fatal(err)
			}
			ix, err := NewIndex(tt.repo, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			var found bool
			for _, rt := range readTests(t, tt.report, data) {
				if rt.Name != tt.name {
					continue
				}
				found = true
				got := ix.Locate(rt)
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("Locate (-want +got):\n%s", diff)
				}
			}
			if !found {
				t.Fatalf("no failing test %q in %s", tt.name, tt.report)
			}
		})
	}
}
