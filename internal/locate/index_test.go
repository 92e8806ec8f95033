package locate

import (
	"io/fs"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
)

// sampleWith returns the sample repository plus extra files, as a MapFS.
func sampleWith(tb testing.TB, extra map[string]string) fs.FS {
	tb.Helper()
	src := sampleFS(tb)
	m := fstest.MapFS{}
	err := fs.WalkDir(src, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(src, p)
		m[p] = &fstest.MapFile{Data: data}
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	for p, s := range extra {
		m[p] = &fstest.MapFile{Data: []byte(s)}
	}
	return m
}

// TestNormalize covers every path form of the issue. The Linux paths are
// those of the sample's reports; the others are the same files as the
// other checkouts print them.
func TestNormalize(t *testing.T) {
	fsys := sampleWith(t, map[string]string{
		// A nested module, as Cluster API's test/go.mod.
		"test/go.mod":                    "module sigs.k8s.io/capi-like/test\n\ngo 1.25.0\n",
		"vendor/github.com/x/y/y.go":     "package y\n",
		"web/node_modules/jest/index.js": "",
		"third_party/forked/golang/x.go": "package golang\n",
	})
	ix, err := NewIndex(fsys, Options{Prefixes: []string{"/mnt/ci/checkout/", `C:\builds\capi`}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, in, want string
	}{
		{"repo-relative", "controllers/machine_controller.go", "controllers/machine_controller.go"},
		{"dot-relative", "./controllers/machine_controller.go", "controllers/machine_controller.go"},
		{"GitHub-hosted runner, no prefix configured", "/home/runner/work/capi-like/capi-like/controllers/machine_controller.go", "controllers/machine_controller.go"},
		{"Docker action workspace", "/github/workspace/test/framework/cluster_helpers.go", "test/framework/cluster_helpers.go"},
		{"container job workspace", "/__w/capi-like/capi-like/web/src/endpoint.js", "web/src/endpoint.js"},
		{"Prow GOPATH", "/home/prow/go/src/sigs.k8s.io/capi-like/api/v1beta1/cluster_types.go", "api/v1beta1/cluster_types.go"},
		{"GOPATH src", "/root/go/src/sigs.k8s.io/capi-like/controllers/machine_controller.go", "controllers/machine_controller.go"},
		{"nested module path", "/go/src/sigs.k8s.io/capi-like/test/e2e/quick_start_test.go", "test/e2e/quick_start_test.go"},
		{"Windows runner", `D:\a\capi-like\capi-like\web\src\machine-phase.js`, "web/src/machine-phase.js"},
		{"configured prefix", "/mnt/ci/checkout/hack/python/tests/conftest.py", "hack/python/tests/conftest.py"},
		{"configured Windows prefix", `C:\builds\capi\web\src\endpoint.js`, "web/src/endpoint.js"},
		{"file URL", "file:///home/runner/work/capi-like/capi-like/web/src/endpoint.js", "web/src/endpoint.js"},
		{"GOROOT", "/usr/local/go/src/runtime/panic.go", ""},
		{"hosted toolcache GOROOT", "/opt/hostedtoolcache/go/1.26.8/x64/src/testing/testing.go", ""},
		{"module cache", "/home/runner/go/pkg/mod/sigs.k8s.io/capi-like@v0.1.0/controllers/machine_controller.go", ""},
		{"node_modules inside the repo", "/home/runner/work/capi-like/capi-like/web/node_modules/jest/index.js", ""},
		{"vendor inside the repo", "/home/runner/work/capi-like/capi-like/vendor/github.com/x/y/y.go", ""},
		{"site-packages", "/usr/lib/python3/dist-packages/_pytest/python.py", ""},
		{"node internals", "node:internal/timers", ""},
		{"not in the repo", "/home/runner/work/capi-like/capi-like/web/src/missing.js", ""},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ix.Normalize(tt.in); got != tt.want {
				t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestResolve(t *testing.T) {
	fsys := sampleWith(t, map[string]string{
		"exp/controllers/machine_controller.go": "package controllers\n",
	})
	ix, err := NewIndex(fsys, Options{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		ref   string
		want  string
		cands []string
	}{
		{"controllers/machine_controller.go", "controllers/machine_controller.go", nil},
		{"cluster_types.go", "api/v1beta1/cluster_types.go", nil},
		{"test/endpoint.spec.js", "web/test/endpoint.spec.js", nil},
		{"__tests__/machine-phase.test.js", "web/__tests__/machine-phase.test.js", nil},
		{"/home/runner/work/capi-like/capi-like/web/src/endpoint.js", "web/src/endpoint.js", nil},
		{"machine_controller.go", "", []string{"controllers/machine_controller.go", "exp/controllers/machine_controller.go"}},
		{"nothing.go", "", nil},
		{"/usr/local/go/src/runtime/panic.go", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.ref, func(t *testing.T) {
			got, cands := ix.Resolve(tt.ref)
			if got != tt.want {
				t.Errorf("Resolve(%q) = %q, want %q", tt.ref, got, tt.want)
			}
			if diff := cmp.Diff(tt.cands, cands); diff != "" {
				t.Errorf("Resolve(%q) candidates (-want +got):\n%s", tt.ref, diff)
			}
		})
	}
}
