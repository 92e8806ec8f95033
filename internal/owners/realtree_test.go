package owners

import (
	"io/fs"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"
)

// realTree builds a repository tree from a testdata archive of a real
// repository: every path of its FILES.txt as an empty file, with the
// ownership files' real contents on top. It returns the tree and the paths.
func realTree(t testing.TB, name string) (fs.FS, []string) {
	t.Helper()
	a, err := txtar.ParseFile(name)
	if err != nil {
		t.Fatal(err)
	}
	m := fstest.MapFS{}
	var paths []string
	for _, f := range a.Files {
		if f.Name == "FILES.txt" {
			for _, p := range strings.Split(strings.TrimSpace(string(f.Data)), "\n") {
				paths = append(paths, p)
				if _, ok := m[p]; !ok {
					m[p] = &fstest.MapFile{}
				}
			}
			continue
		}
		m[f.Name] = &fstest.MapFile{Data: f.Data}
	}
	if len(paths) == 0 {
		t.Fatalf("%s has no FILES.txt", name)
	}
	return m, paths
}

func union(sets ...[]string) []string {
	var out []string
	for _, s := range sets {
		out = append(out, s...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// cluster-api's alias sets, expanded by hand from its OWNERS_ALIASES.
var (
	// Root approvers: sig-cluster-lifecycle-leads + cluster-api-admins +
	// cluster-api-maintainers (JoelSpeed lower-cased).
	capiRootApprovers = []string{"chrischdi", "enxebre", "fabriziopandini", "joelspeed", "justinsb", "neolit123", "sbueringer", "vincepri"}
	// Root reviewers: cluster-api-maintainers + cluster-api-reviewers.
	capiRootReviewers = []string{"chrischdi", "enxebre", "fabriziopandini", "joelspeed", "karthik-k-n", "richardcase", "sbueringer", "sivchari", "vincepri"}
	capiReviewers     = []string{"karthik-k-n", "richardcase", "sivchari"}
	// cluster-api-release-team; commented-out members are not members.
	capiReleaseTeam = []string{"aman4433", "anshuman-agarwala", "arshadd-b", "chandankumar4", "mboersma", "peppi-lotta", "sd-13", "wendy-ha18"}
)

// TestClusterAPITree resolves real paths of kubernetes-sigs/cluster-api.
// Every sub-area approvers alias of cluster-api is empty (or, for
// cluster-api-release-lead, has only a commented-out member), so each path's
// approvers are the root's: an alias with no members expands to nobody and an
// OWNERS layer that gives nobody is not a layer.
func TestClusterAPITree(t *testing.T) {
	fsys, paths := realTree(t, "testdata/cluster-api.txtar")
	r, warnings := Load(fsys)
	if len(warnings) > 0 {
		t.Errorf("Load warnings: %v", warnings)
	}
	if got := len(r.OwnersFiles()); got != 16 {
		t.Errorf("read %d OWNERS files, want the tree's 16: %v", got, r.OwnersFiles())
	}

	type want struct {
		reviewers, leafReviewers, files []string
	}
	tests := []struct {
		path, why string
		want      want
	}{
		{"Makefile", "root file: root OWNERS only",
			want{capiRootReviewers, capiRootReviewers, []string{"OWNERS"}}},
		{".", "the root directory itself",
			want{capiRootReviewers, capiRootReviewers, []string{"OWNERS"}}},
		{"internal/contract/bootstrap.go", "no OWNERS between internal/contract and the root",
			want{capiRootReviewers, capiRootReviewers, []string{"OWNERS"}}},
		{"core/reconcilers/machinedeployment/testdata/ondelete/3 replicas, maxuserunavailable 1.test.log.golden", "a path with spaces and commas; no OWNERS below the root",
			want{capiRootReviewers, capiRootReviewers, []string{"OWNERS"}}},
		{"test/e2e/autoscaler.go", "test/OWNERS gives reviewers (cluster-api-reviewers + elmiko) but no approver: its approvers alias is empty",
			want{union(capiRootReviewers, []string{"elmiko"}), union(capiReviewers, []string{"elmiko"}), []string{"test/OWNERS", "OWNERS"}}},
		{"test/framework/README.md", "test/framework/OWNERS and test/OWNERS give the same reviewers; both contributed",
			want{union(capiRootReviewers, []string{"elmiko"}), union(capiReviewers, []string{"elmiko"}), []string{"test/framework/OWNERS", "test/OWNERS", "OWNERS"}}},
		{"test/framework/OWNERS", "an OWNERS file is owned by its own directory",
			want{union(capiRootReviewers, []string{"elmiko"}), union(capiReviewers, []string{"elmiko"}), []string{"test/framework/OWNERS", "test/OWNERS", "OWNERS"}}},
		{"test/infrastructure/docker/internal/provisioning/ignition/doc.go", "four layers; the ignition reviewers alias is empty so the leaf is cluster-api-reviewers alone",
			want{union(capiRootReviewers, []string{"elmiko"}), capiReviewers, []string{"test/infrastructure/docker/internal/provisioning/ignition/OWNERS", "test/infrastructure/docker/OWNERS", "test/OWNERS", "OWNERS"}}},
		{"test/infrastructure/inmemory/pkg/cloud/api/v1alpha1/etcdcluster_annotations.go", "inmemory reviewers alias is empty: leaf is cluster-api-reviewers; elmiko comes from test/OWNERS",
			want{union(capiRootReviewers, []string{"elmiko"}), capiReviewers, []string{"test/infrastructure/inmemory/OWNERS", "test/OWNERS", "OWNERS"}}},
		{"bootstrap/kubeadm/pkg/ignition/clc/clc.go", "ignition layer gives cluster-api-reviewers; bootstrap/kubeadm adds g-gaston",
			want{union(capiRootReviewers, []string{"g-gaston"}), capiReviewers, []string{"bootstrap/kubeadm/pkg/ignition/OWNERS", "bootstrap/kubeadm/OWNERS", "OWNERS"}}},
		{"cmd/clusterctl/client/alias.go", "cluster-api-clusterctl-reviewers is Jont828, lower-cased",
			want{union(capiRootReviewers, []string{"jont828"}), union(capiReviewers, []string{"jont828"}), []string{"cmd/clusterctl/OWNERS", "OWNERS"}}},
		{"core/reconcilers/machinepool/doc.go", "cluster-api-machinepool-reviewers is AndiDog, lower-cased",
			want{union(capiRootReviewers, []string{"andidog"}), union(capiReviewers, []string{"andidog"}), []string{"core/reconcilers/machinepool/OWNERS", "OWNERS"}}},
		{"core/reconcilers/topology/cluster/blueprint.go", "cluster-api-topology-reviewers is empty",
			want{capiRootReviewers, capiReviewers, []string{"core/reconcilers/topology/OWNERS", "OWNERS"}}},
		{"docs/release/release-cycle-overview.png", "release team leaf; docs adds cluster-api-reviewers and elmiko (docs approvers alias is [])",
			want{union(capiRootReviewers, capiReleaseTeam, []string{"elmiko"}), capiReleaseTeam, []string{"docs/release/OWNERS", "docs/OWNERS", "OWNERS"}}},
		{"docs/release", "a directory with OWNERS starts the walk at itself",
			want{union(capiRootReviewers, capiReleaseTeam, []string{"elmiko"}), capiReleaseTeam, []string{"docs/release/OWNERS", "docs/OWNERS", "OWNERS"}}},
		{"docs/book/book.toml", "docs/OWNERS only",
			want{union(capiRootReviewers, []string{"elmiko"}), union(capiReviewers, []string{"elmiko"}), []string{"docs/OWNERS", "OWNERS"}}},
		{"CHANGELOG/README.md", "release team reviewers; approvers alias has only a commented-out member",
			want{union(capiRootReviewers, capiReleaseTeam), capiReleaseTeam, []string{"CHANGELOG/OWNERS", "OWNERS"}}},
		{"hack/tools/release/internal/constants.go", "hack/tools/release/OWNERS; no hack/OWNERS",
			want{union(capiRootReviewers, capiReleaseTeam), capiReleaseTeam, []string{"hack/tools/release/OWNERS", "OWNERS"}}},
	}
	inTree := map[string]bool{".": true, "docs/release": true}
	for _, p := range paths {
		inTree[p] = true
	}
	for _, tc := range tests {
		if !inTree[tc.path] {
			t.Errorf("%q is not a path of the tree", tc.path)
		}
		got := r.Owners(tc.path)
		if diff := cmp.Diff(capiRootApprovers, got.Approvers); diff != "" {
			t.Errorf("Owners(%q).Approvers (%s) (-want +got):\n%s", tc.path, tc.why, diff)
		}
		if diff := cmp.Diff(capiRootApprovers, got.LeafApprovers); diff != "" {
			t.Errorf("Owners(%q).LeafApprovers (%s) (-want +got):\n%s", tc.path, tc.why, diff)
		}
		gw := want{got.Reviewers, got.LeafReviewers, got.Files}
		if diff := cmp.Diff(tc.want, gw, cmp.AllowUnexported(want{})); diff != "" {
			t.Errorf("Owners(%q) (%s) (-want +got):\n%s", tc.path, tc.why, diff)
		}
	}

	// Properties of every path of the tree.
	emeritus := []string{"cecilerobertmichon", "chuckha", "detiber", "kris-nova", "ncdc", "roberthbailey", "davidewatson", "ykakarap", "killianmuldoon"}
	for _, p := range paths {
		o := r.Owners(p)
		if !slices.Equal(o.Approvers, capiRootApprovers) || o.ApproversFile != "OWNERS" {
			t.Errorf("Owners(%q): approvers %v from %q, want the root's (every sub-area approvers alias is empty)", p, o.Approvers, o.ApproversFile)
		}
		if len(o.Files) == 0 || o.Files[len(o.Files)-1] != "OWNERS" {
			t.Errorf("Owners(%q).Files = %v, want the root OWNERS last (no no_parent_owners in the tree)", p, o.Files)
		}
		for _, e := range emeritus {
			if slices.Contains(o.Reviewers, e) || slices.Contains(o.Approvers, e) {
				t.Errorf("Owners(%q) names emeritus approver %q", p, e)
			}
		}
		for _, l := range o.LeafReviewers {
			if !slices.Contains(o.Reviewers, l) {
				t.Errorf("Owners(%q): leaf reviewer %q not among reviewers", p, l)
			}
		}
		if len(o.Labels) != 0 || len(o.RequiredReviewers) != 0 || o.CodeOwners != nil {
			t.Errorf("Owners(%q): labels %v, required %v, codeowners %v; the tree has none", p, o.Labels, o.RequiredReviewers, o.CodeOwners)
		}
	}
	if diff := cmp.Diff(capiRootApprovers, r.Maintainers()); diff != "" {
		t.Errorf("Maintainers() (-want +got):\n%s", diff)
	}
}

// TestPythonDocsSamplesTree resolves real paths of
// GoogleCloudPlatform/python-docs-samples, a CODEOWNERS-only repository.
func TestPythonDocsSamplesTree(t *testing.T) {
	fsys, paths := realTree(t, "testdata/python-docs-samples.txtar")
	r, warnings := Load(fsys)
	if len(warnings) > 0 {
		t.Errorf("Load warnings: %v", warnings)
	}
	if got := r.CodeOwnersFile(); got != ".github/CODEOWNERS" {
		t.Fatalf("CodeOwnersFile() = %q, want .github/CODEOWNERS", got)
	}
	const (
		owners   = "@GoogleCloudPlatform/python-samples-owners"
		reviewer = "@GoogleCloudPlatform/python-samples-reviewers"
		samples  = "@GoogleCloudPlatform/cloud-samples-reviewers"
		infra    = "@GoogleCloudPlatform/cloud-samples-infra"
	)
	tests := []struct {
		path, why string
		line      int
		pattern   string
		owners    []string // nil: not checked
	}{
		{".gitignore", "`/*` (line 16) matches root files and comes after `*`", 16, "/*", []string{owners, infra}},
		{".github/CODEOWNERS", "`/.github/` (14); `/*` does not match below the root", 14, "/.github/", []string{owners, infra}},
		{".kokoro/docker/Dockerfile", "`/.kokoro/` (15)", 15, "/.kokoro/", []string{owners, infra}},
		{"compute/README.md", "`/compute/**/*` (22) matches a file directly in compute/", 22, "/compute/**/*", nil},
		{"compute/auth/access_token.py", "`/compute/**/*` (22) matches nested files", 22, "/compute/**/*", nil},
		{"kms/attestations/README.rst", "`/kms/**/**` (27)", 27, "/kms/**/**", nil},
		{"iam/cloud-client/snippets/__init__.py", "`/iam/cloud-client/**/*` (26)", 26, "/iam/cloud-client/**/*", nil},
		{"iam/api-client/README.md", "no rule for iam/api-client: `*` (13) is the only match", 13, "*", []string{owners, reviewer, samples}},
		{"monitoring/opencensus/main.py", "`/monitoring/opencensus` (42) is a literal that owns the directory's contents", 42, "/monitoring/opencensus", []string{"@yuriatgoogle", reviewer, samples}},
		{"appengine/standard_python3/spanner/main.py", "`/appengine/standard_python3/spanner/*` (78) comes after `/appengine/**/*` (77): last match wins", 78, "/appengine/standard_python3/spanner/*", []string{"@GoogleCloudPlatform/api-spanner-python", reviewer, samples}},
		{"bigquery/bigframes/README.md", "`/bigquery/bigframes/**/*` (81) after `/bigquery/**/*` (80)", 81, "/bigquery/bigframes/**/*", []string{"@tswast", "@GoogleCloudPlatform/api-bigquery", samples}},
		{"bigquery/remote-function/README.rst", "the rule says remote_function but the directory is remote-function: `/bigquery/**/*` (80) wins", 80, "/bigquery/**/*", []string{"@chalmerlowe", reviewer, samples}},
		{"functions/spanner/main.py", "`/functions/spanner/*` (91) after `/functions/**/*` (63)", 91, "/functions/spanner/*", nil},
		{"video/live-stream/README.md", "`/video/live-stream/*` (96)", 96, "/video/live-stream/*", nil},
		{"video/transcoder/create_job_from_preset.py", "no video/transcoder rule: `*` (13)", 13, "*", nil},
		{"translate/samples/snippets/README.rst", "`/translate` (98) is a literal directory prefix", 98, "/translate", nil},
	}
	inTree := map[string]bool{}
	for _, p := range paths {
		inTree[p] = true
	}
	for _, tc := range tests {
		if !inTree[tc.path] {
			t.Errorf("%q is not a path of the tree", tc.path)
		}
		o := r.Owners(tc.path)
		if o.Covered() || len(o.Files) != 0 {
			t.Errorf("Owners(%q) has OWNERS coverage %v; the tree has no OWNERS", tc.path, o.Files)
		}
		m := o.CodeOwners
		if m == nil {
			t.Errorf("Owners(%q).CodeOwners = nil, want line %d (%s)", tc.path, tc.line, tc.why)
			continue
		}
		if m.File != ".github/CODEOWNERS" || m.Line != tc.line || m.Pattern != tc.pattern {
			t.Errorf("Owners(%q).CodeOwners = %s:%d %q, want line %d %q (%s)", tc.path, m.File, m.Line, m.Pattern, tc.line, tc.pattern, tc.why)
		}
		if tc.owners != nil {
			if diff := cmp.Diff(tc.owners, m.Owners); diff != "" {
				t.Errorf("Owners(%q).CodeOwners.Owners (%s) (-want +got):\n%s", tc.path, tc.why, diff)
			}
		}
		experts, src := o.Experts(ModeAuto)
		if src != "CODEOWNERS" || !slices.Equal(experts, m.Owners) {
			t.Errorf("Owners(%q).Experts(auto) = %v from %q, want the CODEOWNERS owners", tc.path, experts, src)
		}
	}
	// `*` (line 13) matches every path, so every path of the tree has a rule.
	for _, p := range paths {
		if r.Owners(p).CodeOwners == nil {
			t.Errorf("Owners(%q).CodeOwners = nil; `*` matches every path", p)
		}
	}
}
