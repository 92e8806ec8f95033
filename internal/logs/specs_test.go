package logs

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/go-logr/logr"
	"github.com/go-logr/zapr"
	"github.com/google/go-cmp/cmp"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"k8s.io/klog/v2"
)

// The spec scenario: three Ginkgo specs of one e2e suite run in parallel,
// each in a namespace of its own, so that every failure's window holds
// every controller's errors. Some lines name the objects of one spec,
// some an object of the management cluster that every spec names too,
// some no object of any spec, and one comes from code outside the
// repository. The logs are written by the real libraries (klog's text
// and JSON formats, zap through zapr) and kept in testdata/specs with the
// JUnit report of the specs, so that other packages' tests read them:
//
//	go test ./internal/logs -run TestSpecScenarioFiles -update
var update = flag.Bool("update", false, "rewrite testdata/specs from the generators")

// specBase is when the first spec failed.
var specBase = time.Date(2026, 11, 17, 14, 0, 0, 0, time.UTC)

// mgmtNamespace is the management cluster's namespace, which every spec's
// output names.
const mgmtNamespace = "capi-e2e-mgmt"

// A spec is one Ginkgo spec of the scenario and the objects it creates.
type spec struct {
	describe, it string
	file         string // repo path of the spec
	line         int
	namespace    string
	cluster      string
	start, fail  time.Time
	failure      string
}

var specs = []spec{
	{describe: "When following the Cluster API quick-start", it: "Should create a workload cluster", file: "test/e2e/quick_start.go", line: 120,
		namespace: "quick-start-8x2kd1", cluster: "quick-start-r5t9pz", start: at(specBase, "-4m"), fail: specBase,
		failure: "Timed out after 180.001s.\nmachine deployment quick-start-r5t9pz-md-0 did not reach 3 ready replicas\nExpected\n    <int>: 1\nto equal\n    <int>: 3"},
	{describe: "When testing MachineDeployment rolling upgrades", it: "Should upgrade the nodes", file: "test/e2e/md_rollout.go", line: 88,
		namespace: "md-rollout-q8w4e1", cluster: "md-rollout-z3v6n2", start: at(specBase, "-3m"), fail: at(specBase, "15s"),
		failure: "Timed out after 120.000s.\nmachines of cluster md-rollout-z3v6n2 still run the old version\nExpected\n    <bool>: false\nto be true"},
	{describe: "When testing KCP remediation", it: "Should remediate a failed control plane machine", file: "test/e2e/kcp_remediation.go", line: 64,
		namespace: "kcp-remediation-m2n4b6", cluster: "kcp-remediation-h7j9k1", start: at(specBase, "-2m"), fail: at(specBase, "20s"),
		failure: "Expected success, but got an error:\n    <*errors.errorString>: control plane of kcp-remediation-h7j9k1 was not remediated\n    control plane of kcp-remediation-h7j9k1 was not remediated"},
}

// name is the spec's name as Ginkgo's JUnit reporter writes it.
func (s spec) name() string { return "[It] " + s.describe + " " + s.it }

// ginkgoStamp is Ginkgo's timeline time.
func ginkgoStamp(t time.Time) string { return t.UTC().Format("01/02/06 15:04:05.000") }

const prowRoot = "/home/prow/go/src/sigs.k8s.io/cluster-api/"

// output is the spec's system-err as Ginkgo writes it: the timeline of its
// nodes, the framework's INFO lines naming what the spec creates, and the
// failure.
func (s spec) output() string {
	var b strings.Builder
	fmt.Fprintf(&b, "> Enter [BeforeEach] %s - %s%s:%d @ %s\n", s.describe, prowRoot, s.file, s.line-50, ginkgoStamp(s.start))
	fmt.Fprintf(&b, "STEP: Creating a namespace for hosting the %q test spec @ %s\n", s.namespace[:strings.LastIndexByte(s.namespace, '-')], ginkgoStamp(s.start))
	fmt.Fprintf(&b, "INFO: Creating namespace %s\n", s.namespace)
	fmt.Fprintf(&b, "INFO: Creating event watcher for namespace %q\n", s.namespace)
	fmt.Fprintf(&b, "INFO: Watching controllers of the management cluster in namespace %s\n", mgmtNamespace)
	fmt.Fprintf(&b, "< Exit [BeforeEach] %s - %s%s:%d @ %s (1.002s)\n", s.describe, prowRoot, s.file, s.line-50, ginkgoStamp(s.start.Add(time.Second)))
	fmt.Fprintf(&b, "> Enter [It] %s - %s%s:%d @ %s\n", s.it, prowRoot, s.file, s.line-10, ginkgoStamp(s.start.Add(time.Second)))
	fmt.Fprintf(&b, "INFO: Creating the workload cluster with name %q using the \"(default)\" template (Kubernetes v1.34.1, 1 control-plane machines, 3 worker machines)\n", s.cluster)
	fmt.Fprintf(&b, "INFO: Waiting for the cluster infrastructure of cluster %s/%s to be provisioned\n", s.namespace, s.cluster)
	fmt.Fprintf(&b, "[FAILED] %s\nIn [It] at: %s%s:%d @ %s\n", s.failure, prowRoot, s.file, s.line, ginkgoStamp(s.fail))
	fmt.Fprintf(&b, "< Exit [It] %s - %s%s:%d @ %s (%s)\n", s.it, prowRoot, s.file, s.line-10, ginkgoStamp(s.fail), s.fail.Sub(s.start).Round(time.Millisecond))
	return b.String()
}

// specReport is the suite's JUnit report as Ginkgo writes it.
func specReport() []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	fmt.Fprintf(&b, "<testsuites tests=\"%d\" failures=\"%d\">\n  <testsuite name=\"capi-e2e\" package=\"%stest/e2e\" tests=\"%d\" failures=\"%d\" timestamp=\"%s\">\n",
		len(specs)+1, len(specs), prowRoot, len(specs)+1, len(specs), at(specBase, "-10m").Format("2006-01-02T15:04:05"))
	for _, s := range specs {
		fmt.Fprintf(&b, "    <testcase name=%q classname=\"capi-e2e\" status=\"failed\" time=\"%.3f\">\n", xmlEscape(s.name()), s.fail.Sub(s.start).Seconds())
		first, _, _ := strings.Cut(s.failure, "\n")
		fmt.Fprintf(&b, "      <failure message=%q type=\"failed\">[FAILED] %s&#xA;In [It] at: %s%s:%d @ %s&#xA;</failure>\n",
			xmlEscape(first), xmlEscape(strings.ReplaceAll(s.failure, "\n", "&#xA;")), prowRoot, s.file, s.line, ginkgoStamp(s.fail))
		fmt.Fprintf(&b, "      <system-err>%s</system-err>\n    </testcase>\n", xmlEscape(s.output()))
	}
	b.WriteString("    <testcase name=\"[It] When testing clusterctl upgrades Should upgrade\" classname=\"capi-e2e\" status=\"passed\" time=\"300.000\"></testcase>\n")
	b.WriteString("  </testsuite>\n</testsuites>\n")
	return b.Bytes()
}

func xmlEscape(s string) string {
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")
	// Keep the line breaks written as entities above.
	return strings.ReplaceAll(r.Replace(s), "&amp;#xA;", "&#xA;")
}

// zapJSON is a controller-runtime-style manager's zap JSON (epoch seconds,
// short callers) without stack traces, whose text would depend on this
// test binary.
func zapJSON(w *bytes.Buffer, clk *fakeClock) logr.Logger {
	core := zapcore.NewCore(zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig()), zapcore.AddSync(w), zapcore.DebugLevel)
	return zapr.NewLogger(zap.New(core, zap.WithCaller(true), zap.WithClock(clk)))
}

// klogThreadID is the thread id column of klog's text header, which holds
// the writing process's id: it is set to 1 so that the files are stable.
var klogThreadID = regexp.MustCompile(`(?m)^([IWEF]\d{4} \d\d:\d\d:\d\d\.\d{6}) +\d+ `)

// specLogs writes the scenario's controller logs.
func specLogs() fstest.MapFS {
	q, md := specs[0], specs[1]
	fsys := fstest.MapFS{}
	var b bytes.Buffer
	kt := func(t time.Time) logr.Logger { return klogText(&b, t) }

	// The core manager in klog text: the machine controller about the
	// quick-start spec's machine, the MachineSet controller about the
	// rollout spec's, the cluster controller about the management
	// cluster's own Cluster (no spec's), controller-runtime (outside the
	// repository) about the quick-start machine, sorted by time.
	machine := klog.KRef(q.namespace, q.cluster+"-md-0-7c9f8-xk2lp")
	ms := klog.KRef(md.namespace, md.cluster+"-md-0-5d8f7")
	mgmt := klog.KRef("default", "mgmt")
	errInfra := errors.New(`failed to get infrastructure ref: dockermachines.infrastructure.cluster.x-k8s.io "` + machine.Name + `" not found`)
	errMS := errors.New(`failed to create Machine: admission webhook "validation.machine.cluster.x-k8s.io" denied the request: spec.version: Invalid value: "v1.35.0"`)
	errMgmt := errors.New(`failed to patch Cluster default/mgmt: Operation cannot be fulfilled on clusters.cluster.x-k8s.io "mgmt": the object has been modified; please apply your changes to the latest version and try again`)
	type line struct {
		d   string
		log func(time.Time)
	}
	lines := []line{
		{"-100s", func(t time.Time) {
			logMachineController(kt(t).WithName("machine-controller"), errInfra, "Reconciler error", "Machine", machine, "namespace", machine.Namespace)
		}},
		{"-70s", func(t time.Time) {
			logMachineController(kt(t).WithName("machine-controller"), errInfra, "Reconciler error", "Machine", machine, "namespace", machine.Namespace)
		}},
		{"-50s", func(t time.Time) {
			logClusterController(kt(t).WithName("cluster-controller"), errMgmt, "Reconciler error", "Cluster", mgmt, "namespace", "default")
		}},
		{"-40s", func(t time.Time) {
			logMachineController(kt(t).WithName("machine-controller"), errInfra, "Reconciler error", "Machine", machine, "namespace", machine.Namespace)
		}},
		{"-30s", func(t time.Time) {
			logControllerRuntime(kt(t), errInfra, "Reconciler error", "controller", "machine", "controllerGroup", "cluster.x-k8s.io", "controllerKind", "Machine", "Machine", machine, "namespace", machine.Namespace, "name", machine.Name)
		}},
		{"-25s", func(t time.Time) {
			logClusterController(kt(t).WithName("cluster-controller"), errMgmt, "Reconciler error", "Cluster", mgmt, "namespace", "default")
		}},
		{"-20s", func(t time.Time) {
			logMachineSetController(kt(t).WithName("machineset-controller"), errMS, "Reconciler error", "MachineSet", ms, "namespace", ms.Namespace)
		}},
		{"-5s", func(t time.Time) {
			logMachineSetController(kt(t).WithName("machineset-controller"), errMS, "Reconciler error", "MachineSet", ms, "namespace", ms.Namespace)
		}},
		{"-2s", func(t time.Time) {
			logClusterController(kt(t).WithName("cluster-controller"), errMgmt, "Reconciler error", "Cluster", mgmt, "namespace", "default")
		}},
		{"5s", func(t time.Time) {
			logMachineSetController(kt(t).WithName("machineset-controller"), errMS, "Reconciler error", "MachineSet", ms, "namespace", ms.Namespace)
		}},
		{"8s", func(t time.Time) {
			logClusterController(kt(t).WithName("cluster-controller"), errMgmt, "Reconciler error", "Cluster", mgmt, "namespace", "default")
		}},
		{"12s", func(t time.Time) {
			logMachineSetController(kt(t).WithName("machineset-controller"), errMS, "Reconciler error", "MachineSet", ms, "namespace", ms.Namespace)
		}},
		{"18s", func(t time.Time) {
			logClusterController(kt(t).WithName("cluster-controller"), errMgmt, "Reconciler error", "Cluster", mgmt, "namespace", "default")
		}},
	}
	for _, l := range lines {
		l.log(at(specBase, l.d))
	}
	fsys["logs/capi-controller-manager.log"] = file(klogThreadID.ReplaceAll(b.Bytes(), []byte("$1       1 ")))

	// The MachineDeployment controller in klog's JSON format about the
	// rollout spec's MachineDeployment.
	b.Reset()
	clk := &fakeClock{}
	kj := klogJSON(&b, clk)
	errMD := errors.New("failed to sync MachineDeployment status: MachineSet " + ms.Name + " is not ready")
	for _, d := range []string{"-10s", "2s"} {
		clk.now = at(specBase, d)
		logMachineDeploymentController(kj.WithName("machinedeployment-controller"), errMD, "Reconciler error",
			"MachineDeployment", klog.KRef(md.namespace, md.cluster+"-md-0"), "namespace", md.namespace)
	}
	fsys["logs/capi-controller-manager.json"] = file(b.Bytes())

	// KCP in klog's JSON format: every line names the management
	// cluster's namespace, which every spec's output names too.
	b.Reset()
	kcp := klogJSON(&b, clk)
	errKCP := errors.New("failed to reconcile remediation: etcd member mgmt-control-plane-abcde is unhealthy")
	for _, d := range []string{"-45s", "-15s", "10s"} {
		clk.now = at(specBase, d)
		logKCPRemediation(kcp.WithName("kcp-controller"), errKCP, "Reconciler error",
			"KubeadmControlPlane", klog.KRef(mgmtNamespace, "mgmt-control-plane"), "namespace", mgmtNamespace)
	}
	fsys["logs/kcp-controller-manager.json"] = file(b.Bytes())

	// The Docker provider on zap's JSON about the quick-start machine.
	b.Reset()
	zj := zapJSON(&b, clk)
	clk.now = at(specBase, "-60s")
	logDockerMachineController(zj.WithName("dockermachine"), errors.New(`failed to create container "`+machine.Name+`": exit status 125`), "Reconciler error",
		"DockerMachine", machine, "namespace", machine.Namespace)
	fsys["logs/capd-controller-manager.log"] = file(b.Bytes())
	return fsys
}

const specDir = "testdata/specs"

// TestSpecScenarioFiles holds testdata/specs equal to what the generators
// write (-update rewrites it), so that the files other packages read are
// the libraries' real output.
func TestSpecScenarioFiles(t *testing.T) {
	files := map[string][]byte{"junit.e2e.xml": specReport()}
	for name, f := range specLogs() {
		files[name] = f.Data
	}
	for name, data := range files {
		p := filepath.Join(specDir, filepath.FromSlash(name))
		if *update {
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, data, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(p)
		if err != nil {
			t.Fatalf("%v (run with -update)", err)
		}
		if !bytes.Equal(got, data) {
			t.Errorf("%s differs from what the generators write (run with -update)", p)
		}
	}
}

// specRepo is the part of the repository the scenario's logs and specs
// point into.
var specRepo = suffixResolver{
	"internal/controllers/machine/machine_controller.go",
	"internal/controllers/machineset/machineset_controller.go",
	"internal/controllers/machinedeployment/machinedeployment_controller.go",
	"internal/controllers/cluster/cluster_controller.go",
	"controlplane/kubeadm/internal/controllers/remediation.go",
	"test/infrastructure/docker/internal/controllers/dockermachine_controller.go",
	"test/e2e/quick_start.go", "test/e2e/md_rollout.go", "test/e2e/kcp_remediation.go",
}

// TestCorrelateEvidence correlates the scenario: every spec's window holds
// every controller's errors, but only the lines naming a spec's own
// objects are evidence for it, and they rank first.
func TestCorrelateEvidence(t *testing.T) {
	var windows []Window
	for _, s := range specs {
		windows = append(windows, Window{Key: s.namespace, At: s.fail, Start: s.start, Output: s.failure + "\n" + s.output()})
	}
	got, _ := Correlate(specLogs(), []string{"logs/*"}, windows, specRepo, Options{})
	type view struct {
		Source string
		Shared []string
		InRun  bool
	}
	views := map[string][]view{}
	for k, gs := range got {
		for _, g := range gs {
			v := view{Source: g.Ref, InRun: g.InRun}
			if g.Source != nil {
				v.Source = g.Source.Path
			}
			for _, o := range g.Shared {
				v.Shared = append(v.Shared, o.String())
			}
			views[k] = append(views[k], v)
		}
	}
	machine := "Machine quick-start-8x2kd1/quick-start-r5t9pz-md-0-7c9f8-xk2lp"
	want := map[string][]view{
		"quick-start-8x2kd1": {
			// Its objects first, inside its run (from -4m), nearest first.
			// (Its bare "name" field names the machine, which the spec's
			// output does not: that object alone would not count.)
			{"controller.go", []string{machine, "namespace quick-start-8x2kd1"}, true},
			{"internal/controllers/machine/machine_controller.go", []string{machine, "namespace quick-start-8x2kd1"}, true},
			{"test/infrastructure/docker/internal/controllers/dockermachine_controller.go", []string{"DockerMachine quick-start-8x2kd1/quick-start-r5t9pz-md-0-7c9f8-xk2lp", "namespace quick-start-8x2kd1"}, true},
			// Then the rest, all around the failure, by their number of
			// lines: the management cluster's namespace, named by every
			// spec, is no evidence.
			{"internal/controllers/cluster/cluster_controller.go", nil, true},
			{"internal/controllers/machineset/machineset_controller.go", nil, true},
			{"controlplane/kubeadm/internal/controllers/remediation.go", nil, true},
			{"internal/controllers/machinedeployment/machinedeployment_controller.go", nil, true},
		},
		"md-rollout-q8w4e1": {
			{"internal/controllers/machineset/machineset_controller.go", []string{"MachineSet md-rollout-q8w4e1/md-rollout-z3v6n2-md-0-5d8f7", "namespace md-rollout-q8w4e1"}, true},
			{"internal/controllers/machinedeployment/machinedeployment_controller.go", []string{"MachineDeployment md-rollout-q8w4e1/md-rollout-z3v6n2-md-0", "namespace md-rollout-q8w4e1"}, true},
			{"internal/controllers/cluster/cluster_controller.go", nil, true},
			{"controlplane/kubeadm/internal/controllers/remediation.go", nil, true},
			{"controller.go", nil, true},
			{"internal/controllers/machine/machine_controller.go", nil, true},
			{"test/infrastructure/docker/internal/controllers/dockermachine_controller.go", nil, true},
		},
		// No line names the remediation spec's objects.
		"kcp-remediation-m2n4b6": {
			{"internal/controllers/cluster/cluster_controller.go", nil, true},
			{"internal/controllers/machineset/machineset_controller.go", nil, true},
			{"controlplane/kubeadm/internal/controllers/remediation.go", nil, true},
			{"internal/controllers/machinedeployment/machinedeployment_controller.go", nil, true},
			{"controller.go", nil, true},
			{"internal/controllers/machine/machine_controller.go", nil, true},
			{"test/infrastructure/docker/internal/controllers/dockermachine_controller.go", nil, true},
		},
	}
	for k, w := range want {
		if diff := cmp.Diff(w, views[k]); diff != "" {
			t.Errorf("%s: groups (-want +got):\n%s", k, diff)
		}
	}
	// The out-of-repository source has no owners to notify, but is there.
	if !slices.ContainsFunc(got["quick-start-8x2kd1"], func(g Group) bool { return g.Ref == "controller.go" && g.Source == nil }) {
		t.Errorf("controller-runtime's group is missing or resolved into the repository")
	}
}
