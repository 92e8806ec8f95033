package locate

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestExtract covers each runner convention with text copied from real
// runner output: the capi-like sample's reports (Ginkgo v2.34, gotestsum,
// go-junit-report v2.1.0, Jest 30, Mocha 11.7, pytest 7.2) and the corpus
// reports of testdata/corpus (see its README).
func TestExtract(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []Frame
	}{
		{
			name: "ginkgo In [It] at",
			text: "[FAILED] Expected\n    <string>: quick-start.example.com:443\nto equal\n    <string>: quick-start.example.com:6443\nIn [It] at: /home/runner/work/capi-like/capi-like/test/e2e/quick_start_test.go:26 @ 11/27/26 14:55:20.842\n",
			want: []Frame{{Kind: GinkgoAt, Path: "/home/runner/work/capi-like/capi-like/test/e2e/quick_start_test.go", Line: 26, Time: "11/27/26 14:55:20.842"}},
		},
		{
			name: "ginkgo console [FAILED] in [It]",
			text: "  [FAILED] in [It] - /home/runner/work/capi-like/capi-like/test/framework/cluster_helpers.go:45 @ 11/27/26 14:55:20.842\n",
			want: []Frame{{Kind: GinkgoAt, Path: "/home/runner/work/capi-like/capi-like/test/framework/cluster_helpers.go", Line: 45, Time: "11/27/26 14:55:20.842"}},
		},
		{
			name: "ginkgo enter and exit",
			text: "> Enter [It] Should expose the control plane endpoint - /home/runner/work/capi-like/capi-like/test/e2e/quick_start_test.go:25 @ 11/27/26 14:55:20.841\n< Exit [It] Should expose the control plane endpoint - /home/runner/work/capi-like/capi-like/test/e2e/quick_start_test.go:25 @ 11/27/26 14:55:20.842 (0s)\n",
			want: []Frame{{Kind: GinkgoEnter, Path: "/home/runner/work/capi-like/capi-like/test/e2e/quick_start_test.go", Line: 25, Func: "[It] Should expose the control plane endpoint", Time: "11/27/26 14:55:20.841"}},
		},
		{
			name: "ginkgo panicked with full stack trace",
			text: "[PANICKED] Test Panicked\nIn [It] at: /usr/local/go/src/runtime/panic.go:236 @ 11/27/26 14:55:20.842\n\nruntime error: index out of range [3] with length 3\n\nFull Stack Trace\n  sigs.k8s.io/capi-like/test/e2e.init.func1.6()\n  \t/home/runner/work/capi-like/capi-like/test/e2e/quick_start_test.go:39 +0xaf\n",
			want: []Frame{
				{Kind: GinkgoAt, Path: "/usr/local/go/src/runtime/panic.go", Line: 236, Time: "11/27/26 14:55:20.842"},
				{Kind: GoFrame, Path: "/home/runner/work/capi-like/capi-like/test/e2e/quick_start_test.go", Line: 39, Func: "sigs.k8s.io/capi-like/test/e2e.init.func1.6", Block: 1},
			},
		},
		{
			name: "go panic goroutine trace with inlined frame",
			text: "goroutine 8 [running]:\npanic({0x55a740?, 0x6cad20?})\n\t/usr/local/go/src/runtime/panic.go:860 +0x13a\nsigs.k8s.io/capi-like/controllers.(*MachineReconciler).reconcileInfrastructure(0x672ec8?, 0x5b7d09?)\n\t/home/runner/work/capi-like/capi-like/controllers/machine_controller.go:33 +0x16\nsigs.k8s.io/capi-like/controllers.(*MachineReconciler).Reconcile(...)\n\t/home/runner/work/capi-like/capi-like/controllers/machine_controller.go:29\n",
			want: []Frame{
				{Kind: GoFrame, Path: "/usr/local/go/src/runtime/panic.go", Line: 860, Func: "panic", Block: 1},
				{Kind: GoFrame, Path: "/home/runner/work/capi-like/capi-like/controllers/machine_controller.go", Line: 33, Func: "sigs.k8s.io/capi-like/controllers.(*MachineReconciler).reconcileInfrastructure", Block: 1},
				{Kind: GoFrame, Path: "/home/runner/work/capi-like/capi-like/controllers/machine_controller.go", Line: 29, Func: "sigs.k8s.io/capi-like/controllers.(*MachineReconciler).Reconcile", Block: 1},
			},
		},
		{
			name: "go test log line, basename only",
			text: "=== RUN   TestClusterValidateName\n    cluster_types_test.go:16: ValidateName() accepted a 64 character name, want an error\n--- FAIL: TestClusterValidateName (0.00s)\n",
			want: []Frame{{Kind: GoLog, Path: "cluster_types_test.go", Line: 16, Func: "ValidateName() accepted a 64 character name, want an error"}},
		},
		{
			name: "go-junit-report GOPATH panic in init",
			text: "panic: init\n\ngoroutine 1 [running]:\npackage/name/panic.init.0()\n\t/src/package/name/panic/main_test.go:6 +0x27\nexit status 2",
			want: []Frame{{Kind: GoFrame, Path: "/src/package/name/panic/main_test.go", Line: 6, Func: "package/name/panic.init.0", Block: 1}},
		},
		{
			name: "pytest long traceback entry",
			text: "def test_parse_title_breaking_change():\n        section, area, _ = notes.parse_title(\":warning: API: remove v1alpha3\")\n>       assert section == \"Breaking Changes\"\nE       AssertionError: assert 'Others' == 'Breaking Changes'\n\nhack/python/tests/test_notes.py:14: AssertionError",
			want: []Frame{{Kind: Pytest, Path: "hack/python/tests/test_notes.py", Line: 14, Func: "AssertionError"}},
		},
		{
			name: "pytest entries relative to a rootdir (Horovod)",
			text: "                test_spark.py:821:\n                test_spark.py:836: in do_test_rsh_events\n                self.do_test_rsh(command, 143, events=events)\n",
			want: []Frame{
				{Kind: Pytest, Path: "test_spark.py", Line: 821},
				{Kind: Pytest, Path: "test_spark.py", Line: 836, Func: "in do_test_rsh_events"},
			},
		},
		{
			name: "python traceback",
			text: "Traceback (most recent call last):\n  File \"/Users/foo/Projects/python-test/tests/test_lib.py\", line 24, in test_always_fail\n    self.fail(\"failed\")\nAssertionError: failed\n",
			want: []Frame{{Kind: Python, Path: "/Users/foo/Projects/python-test/tests/test_lib.py", Line: 24, Func: "test_always_fail", Block: 1}},
		},
		{
			name: "jest stack",
			text: "TypeError: Cannot read properties of undefined (reading 'phase')\n    at phase (/home/runner/work/capi-like/capi-like/web/src/machine-phase.js:18:34)\n    at new Promise (<anonymous>)\n    at processTicksAndRejections (internal/process/task_queues.js:97:5)\n    at async Promise.all (index 0)\n",
			want: []Frame{
				{Kind: JS, Path: "/home/runner/work/capi-like/capi-like/web/src/machine-phase.js", Line: 18, Func: "phase"},
				{Kind: JS, Path: "internal/process/task_queues.js", Line: 97, Func: "processTicksAndRejections"},
			},
		},
		{
			name: "mocha stack relative to cwd",
			text: "AssertionError [ERR_ASSERTION]: Expected values to be strictly equal:\n    at Context.<anonymous> (test/endpoint.spec.js:11:12)\n    at process.processImmediate (node:internal/timers:483:21)\n",
			want: []Frame{
				{Kind: JS, Path: "test/endpoint.spec.js", Line: 11, Func: "Context.<anonymous>"},
				{Kind: JS, Path: "node:internal/timers", Line: 483, Func: "process.processImmediate"},
			},
		},
		{
			name: "windows javascript frame",
			text: "    at Object.toBe (D:\\a\\capi-like\\capi-like\\web\\__tests__\\machine-phase.test.js:10:25)\n",
			want: []Frame{{Kind: JS, Path: "D:\\a\\capi-like\\capi-like\\web\\__tests__\\machine-phase.test.js", Line: 10, Func: "Object.toBe"}},
		},
		{
			name: "surefire java frames",
			text: "java.lang.ArithmeticException: / by zero\n      at com.shape.CircleTest.testProperties(CircleTest.java:44)\n      at sun.reflect.NativeMethodAccessorImpl.invoke0(Native Method)\n      at junit.framework.TestResult$1.protect(TestResult.java:106)\n",
			want: []Frame{
				{Kind: Java, Path: "CircleTest.java", Line: 44, Func: "com.shape.CircleTest.testProperties"},
				{Kind: Java, Path: "TestResult.java", Line: 106, Func: "junit.framework.TestResult$1.protect"},
			},
		},
		{
			name: "phpunit plain path:line",
			text: "SampleTest::testB with data set \"bool\" (false)\n                        should be true\n                        Failed asserting that false matches expected true.\n\n                        /untitled/tests/SampleTest.php:18\n",
			want: []Frame{{Kind: Plain, Path: "/untitled/tests/SampleTest.php", Line: 18}},
		},
		{
			name: "no positions",
			text: "=== RUN   TestClusterDefault\n--- FAIL: TestClusterDefault (0.00s)\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Extract(tt.text)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Extract (-want +got):\n%s", diff)
			}
		})
	}
}

// FuzzExtract checks that extraction never panics and that every frame it
// returns has a path and a positive line; Locate on a test with the text
// as its failure never panics and only returns files of the repository.
func FuzzExtract(f *testing.F) {
	for _, s := range []string{
		"In [It] at: /home/runner/work/capi-like/capi-like/test/e2e/quick_start_test.go:26 @ 11/27/26 14:55:20.842\n",
		"> Enter [It] x - /a/b.go:1 @ 11/27/26 14:55:20.842\n",
		"goroutine 8 [running]:\nf()\n\t/home/runner/work/capi-like/capi-like/controllers/machine_controller.go:33 +0x16\n",
		"    cluster_types_test.go:16: msg\n",
		"  File \"/x/tests/test_lib.py\", line 24, in f\n",
		"hack/python/tests/test_notes.py:14: AssertionError",
		"    at phase (/home/runner/work/capi-like/capi-like/web/src/machine-phase.js:18:34)\n",
		"      at com.shape.CircleTest.testProperties(CircleTest.java:44)\n",
		"java.lang.RuntimeException: x\n      at surefire.MyTest.rethrownDelegate(MyTest.java:24)\n      Caused by: java.lang.IndexOutOfBoundsException\n      at surefire.MyTest.failure(MyTest.java:33)\n      ... 26 more\n",
		"D:\\a\\r\\r\\x.php:3",
		"C::1 :1: x:99999999999999999999",
		"[FAILED] in [",
	} {
		f.Add(s)
	}
	fsys := sampleFS(f)
	ix, err := NewIndex(fsys, Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text string) {
		for _, fr := range Extract(text) {
			if fr.Path == "" || fr.Line <= 0 {
				t.Fatalf("frame %+v has no path or line", fr)
			}
		}
		r := ix.Locate(testWithFailure("sigs.k8s.io/capi-like/api/v1beta1", "TestClusterDefault", text))
		for _, l := range append([]*Location{r.Location, r.TestLocation}, locs(r.Related)...) {
			if l != nil && !ix.Has(l.Path) {
				t.Fatalf("location %+v is not a repo file", l)
			}
		}
	})
}

func locs(ls []Location) []*Location {
	var out []*Location
	for i := range ls {
		out = append(out, &ls[i])
	}
	return out
}
