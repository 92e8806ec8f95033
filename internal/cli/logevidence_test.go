package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/flake-triage/flake-triage/internal/issue"
	"github.com/flake-triage/flake-triage/internal/triage"
)

// specScenario is internal/logs' spec scenario: three Ginkgo specs of one
// suite in namespaces of their own and the controller logs around them,
// written by klog, zap and zapr (see internal/logs/specs_test.go).
const specScenario = "../logs/testdata/specs"

// specOwners are the area experts of each log source of the scenario.
var specOwners = map[string]string{
	"internal/controllers/machine":                    "machine-expert",
	"internal/controllers/machineset":                 "machineset-expert",
	"internal/controllers/machinedeployment":          "md-expert",
	"internal/controllers/cluster":                    "cluster-expert",
	"controlplane/kubeadm/internal/controllers":       "kcp-expert",
	"test/infrastructure/docker/internal/controllers": "capd-expert",
	"test/e2e": "e2e-owner",
}

// specRepoDir lays out the repository the scenario points into, with an
// OWNERS file per area, and copies the scenario's report and logs in.
func specRepoDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	write := func(name, data string) {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module sigs.k8s.io/cluster-api\n\ngo 1.26\n")
	write("OWNERS", "approvers: [root-approver]\n")
	for d, who := range specOwners {
		write(d+"/OWNERS", "approvers: ["+who+"]\n")
	}
	code := "package x\n" + strings.Repeat("\n", 400)
	for _, f := range []string{
		"internal/controllers/machine/machine_controller.go",
		"internal/controllers/machineset/machineset_controller.go",
		"internal/controllers/machinedeployment/machinedeployment_controller.go",
		"internal/controllers/cluster/cluster_controller.go",
		"controlplane/kubeadm/internal/controllers/remediation.go",
		"test/infrastructure/docker/internal/controllers/dockermachine_controller.go",
		"test/e2e/quick_start.go", "test/e2e/md_rollout.go", "test/e2e/kcp_remediation.go",
	} {
		write(f, code)
	}
	for _, f := range []string{"junit.e2e.xml", "logs/capi-controller-manager.log", "logs/capi-controller-manager.json", "logs/kcp-controller-manager.json", "logs/capd-controller-manager.log"} {
		write(f, string(mustRead(t, filepath.Join(specScenario, filepath.FromSlash(f)))))
	}
	return dir
}

// TestLogEvidenceDecidesMentions runs the spec scenario through the whole
// triage: every failure's window holds every controller's errors, yet an
// issue mentions a log source's owners only when its lines name an object
// of that spec, and each spec's strongest group names its objects.
func TestLogEvidenceDecidesMentions(t *testing.T) {
	dir := specRepoDir(t)
	code, stdout, stderr := runCLI(t, nil, "triage", "--dry-run", "--repo-root", dir, "--reports", "junit.e2e.xml", "--logs", "logs/*", "--json", "-")
	if code != ExitOK {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	var res triage.Result
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatal(err)
	}
	want := map[string]struct {
		namespace string
		mentioned []string
	}{
		"quick-start":       {"quick-start-8x2kd1", []string{"machine-expert", "capd-expert"}},
		"MachineDeployment": {"md-rollout-q8w4e1", []string{"machineset-expert", "md-expert"}},
		"KCP remediation":   {"", nil},
	}
	if len(res.Findings) != len(want) {
		t.Fatalf("%d findings, want %d", len(res.Findings), len(want))
	}
	logOwners := []string{}
	for d, who := range specOwners {
		if d != "test/e2e" {
			logOwners = append(logOwners, who)
		}
	}
	for _, f := range res.Findings {
		var w struct {
			namespace string
			mentioned []string
		}
		found := false
		for k, v := range want {
			if strings.Contains(f.Test.Name, k) {
				w, found = v, true
			}
		}
		if !found {
			t.Fatalf("unexpected finding %q", f.Test.Name)
		}
		if len(f.Correlated) < 6 {
			t.Errorf("%s: %d correlated groups, want every controller's", f.Test.Name, len(f.Correlated))
			continue
		}
		// Each log-source owner is mentioned exactly when a group of
		// theirs names an object of this spec.
		evidence := map[string]bool{}
		for _, g := range f.Correlated {
			if len(g.Shared) > 0 {
				for _, a := range g.Owners.Approvers {
					evidence[a] = true
				}
			}
		}
		for _, who := range logOwners {
			if slices.Contains(f.Mentions, who) != evidence[who] {
				t.Errorf("%s: %s mentioned %v, evidence %v (mentions %v)", f.Test.Name, who, slices.Contains(f.Mentions, who), evidence[who], f.Mentions)
			}
			// The others are listed without @.
			if !evidence[who] && !slices.Contains(f.Listed, who) {
				t.Errorf("%s: %s, whose lines name none of its objects, is not listed: %v", f.Test.Name, who, f.Listed)
			}
		}
		for _, who := range w.mentioned {
			if !slices.Contains(f.Mentions, who) {
				t.Errorf("%s: %s, whose lines name the spec's objects, is not mentioned: %v", f.Test.Name, who, f.Mentions)
			}
		}
		top := f.Correlated[0]
		if w.namespace == "" {
			for _, g := range f.Correlated {
				if len(g.Shared) > 0 {
					t.Errorf("%s: a group names its objects: %+v", f.Test.Name, g)
				}
			}
		} else if !slices.Contains(top.Shared, "namespace "+w.namespace) {
			t.Errorf("%s: the strongest group %s names %q, not the spec's namespace", f.Test.Name, top.Log, top.Shared)
		}
		// The issue body notifies exactly the mentions.
		body := issue.Render(issue.DefaultHuman, issue.Content{Finding: f})
		for _, who := range logOwners {
			if strings.Contains(body, "@"+who) != slices.Contains(f.Mentions, who) {
				t.Errorf("%s: the body's @%s does not follow the mentions", f.Test.Name, who)
			}
		}
	}
}
