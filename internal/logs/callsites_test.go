package logs

import (
	"github.com/go-logr/logr"
	"go.uber.org/zap"
)

// The call sites of the generated logs. Each logs from a file and line of a
// Cluster-API-like repository, as a controller built from it would: the
// //line directives make runtime.Caller, which klog and zap use, report
// those positions, so the real libraries print real-looking callers.
// Keep every function below its directive and this file free of other code.

func logMachineController(l logr.Logger, err error, msg string, kv ...any) {
//line /home/prow/go/src/sigs.k8s.io/cluster-api/internal/controllers/machine/machine_controller.go:324
	l.Error(err, msg, kv...)
}

func infoMachineController(l logr.Logger, msg string, kv ...any) {
//line /home/prow/go/src/sigs.k8s.io/cluster-api/internal/controllers/machine/machine_controller.go:212
	l.Info(msg, kv...)
}

func logMachineSetConditions(l logr.Logger, err error, msg string, kv ...any) {
//line /home/prow/go/src/sigs.k8s.io/cluster-api/internal/controllers/machineset/conditions.go:88
	l.Error(err, msg, kv...)
}

func logClusterConditions(l logr.Logger, err error, msg string, kv ...any) {
//line /home/prow/go/src/sigs.k8s.io/cluster-api/internal/controllers/cluster/conditions.go:140
	l.Error(err, msg, kv...)
}

func logMachineSetController(l logr.Logger, err error, msg string, kv ...any) {
//line /home/prow/go/src/sigs.k8s.io/cluster-api/internal/controllers/machineset/machineset_controller.go:210
	l.Error(err, msg, kv...)
}

func warnMachineSetController(l logr.Logger, msg string, kv ...any) {
//line /home/prow/go/src/sigs.k8s.io/cluster-api/internal/controllers/machineset/machineset_controller.go:233
	l.Info(msg, kv...)
}

func logClusterController(l logr.Logger, err error, msg string, kv ...any) {
//line /home/prow/go/src/sigs.k8s.io/cluster-api/internal/controllers/cluster/cluster_controller.go:150
	l.Error(err, msg, kv...)
}

func infoClusterController(l logr.Logger, msg string, kv ...any) {
//line /home/prow/go/src/sigs.k8s.io/cluster-api/internal/controllers/cluster/cluster_controller.go:98
	l.Info(msg, kv...)
}

// logControllerRuntime logs as controller-runtime's own controller.go does
// when a reconciler returns an error: a file outside the repository.
func logControllerRuntime(l logr.Logger, err error, msg string, kv ...any) {
//line /home/prow/go/pkg/mod/sigs.k8s.io/controller-runtime@v0.22.4/pkg/internal/controller/controller.go:329
	l.Error(err, msg, kv...)
}

// warnZap logs a warning straight through zap (logr has no warning level).
func warnZap(l *zap.Logger, msg string, fields ...zap.Field) {
//line /home/prow/go/src/sigs.k8s.io/cluster-api/internal/controllers/machineset/machineset_controller.go:233
	l.Warn(msg, fields...)
}

func logMachineDeploymentController(l logr.Logger, err error, msg string, kv ...any) {
//line /home/prow/go/src/sigs.k8s.io/cluster-api/internal/controllers/machinedeployment/machinedeployment_controller.go:182
	l.Error(err, msg, kv...)
}

func logDockerMachineController(l logr.Logger, err error, msg string, kv ...any) {
//line /home/prow/go/src/sigs.k8s.io/cluster-api/test/infrastructure/docker/internal/controllers/dockermachine_controller.go:245
	l.Error(err, msg, kv...)
}

func logKCPRemediation(l logr.Logger, err error, msg string, kv ...any) {
//line /home/prow/go/src/sigs.k8s.io/cluster-api/controlplane/kubeadm/internal/controllers/remediation.go:96
	l.Error(err, msg, kv...)
}
