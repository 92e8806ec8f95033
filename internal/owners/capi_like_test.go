package owners

import (
	"encoding/json"
	"io/fs"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"
)

// loadTxtar opens a txtar archive as a repository tree.
func loadTxtar(t testing.TB, name string) fs.FS {
	t.Helper()
	a, err := txtar.ParseFile(name)
	if err != nil {
		t.Fatal(err)
	}
	fsys, err := txtar.FS(a)
	if err != nil {
		t.Fatal(err)
	}
	return fsys
}

// TestCapiLikeExpected checks the owners of every failing location of the
// bundled capi-like sample against its EXPECTED.json ground truth.
func TestCapiLikeExpected(t *testing.T) {
	fsys := loadTxtar(t, "../../testdata/capi-like.txtar")
	r, warnings := Load(fsys)
	if len(warnings) > 0 {
		t.Errorf("Load warnings: %v", warnings)
	}
	data, err := fs.ReadFile(fsys, "EXPECTED.json")
	if err != nil {
		t.Fatal(err)
	}
	type loc struct {
		Path string `json:"path"`
	}
	var want struct {
		Tests []struct {
			Name         string   `json:"name"`
			Location     *loc     `json:"location"`
			TestLocation *loc     `json:"test_location"`
			Approvers    []string `json:"owners_approvers"`
			Reviewers    []string `json:"owners_reviewers"`
		} `json:"tests"`
	}
	if err := json.Unmarshal(data, &want); err != nil {
		t.Fatal(err)
	}
	if len(want.Tests) == 0 {
		t.Fatal("EXPECTED.json lists no tests")
	}
	for _, tc := range want.Tests {
		l := tc.Location
		if l == nil {
			l = tc.TestLocation
		}
		if l == nil {
			continue
		}
		got := r.Owners(l.Path)
		if diff := cmp.Diff(tc.Approvers, got.Approvers); diff != "" {
			t.Errorf("%s (%s): approvers (-want +got):\n%s", l.Path, tc.Name, diff)
		}
		if diff := cmp.Diff(tc.Reviewers, got.Reviewers); diff != "" {
			t.Errorf("%s (%s): reviewers (-want +got):\n%s", l.Path, tc.Name, diff)
		}
	}
}

// TestCapiLikeDetails checks the fields EXPECTED.json does not cover, with
// the reasoning of each expectation.
func TestCapiLikeDetails(t *testing.T) {
	r, _ := Load(loadTxtar(t, "../../testdata/capi-like.txtar"))
	tests := []struct {
		path, why string
		want      Owners
	}{{
		path: "test/e2e/quick_start_test.go",
		why: "test/e2e/OWNERS is the nearest layer for both approvers (heidi-e2e) and reviewers (liam-e2e); " +
			"labels are the union of test/e2e and test; old-timer is emeritus and never appears",
		want: Owners{
			Path:              "test/e2e/quick_start_test.go",
			Approvers:         []string{"alice-admin", "bob-maint", "carol-maint", "grace-test", "heidi-e2e"},
			Reviewers:         []string{"bob-maint", "carol-maint", "dave-rev", "erin-rev", "heidi-e2e", "ivan-e2e", "liam-e2e"},
			LeafApprovers:     []string{"heidi-e2e"},
			LeafReviewers:     []string{"liam-e2e"},
			RequiredReviewers: []string{},
			Labels:            []string{"area/e2e-testing", "area/testing"},
			Files:             []string{"test/e2e/OWNERS", "test/OWNERS", "OWNERS"},
			ApproversFile:     "test/e2e/OWNERS",
			ReviewersFile:     "test/e2e/OWNERS",
		},
	}, {
		path: "controllers/machine_controller.go",
		why:  "judy-ctrl is both approver and reviewer in controllers/OWNERS; the label comes from there only",
		want: Owners{
			Path:              "controllers/machine_controller.go",
			Approvers:         []string{"alice-admin", "bob-maint", "carol-maint", "judy-ctrl"},
			Reviewers:         []string{"bob-maint", "carol-maint", "dave-rev", "erin-rev", "judy-ctrl", "kevin-ctrl"},
			LeafApprovers:     []string{"judy-ctrl"},
			LeafReviewers:     []string{"judy-ctrl", "kevin-ctrl"},
			RequiredReviewers: []string{},
			Labels:            []string{"area/machine"},
			Files:             []string{"controllers/OWNERS", "OWNERS"},
			ApproversFile:     "controllers/OWNERS",
			ReviewersFile:     "controllers/OWNERS",
		},
	}, {
		path: "go.mod",
		why:  "a root file has only the root OWNERS, aliases expanded",
		want: Owners{
			Path:              "go.mod",
			Approvers:         []string{"alice-admin", "bob-maint", "carol-maint"},
			Reviewers:         []string{"bob-maint", "carol-maint", "dave-rev", "erin-rev"},
			LeafApprovers:     []string{"alice-admin", "bob-maint", "carol-maint"},
			LeafReviewers:     []string{"bob-maint", "carol-maint", "dave-rev", "erin-rev"},
			RequiredReviewers: []string{},
			Labels:            []string{},
			Files:             []string{"OWNERS"},
			ApproversFile:     "OWNERS",
			ReviewersFile:     "OWNERS",
		},
	}}
	for _, tc := range tests {
		got := r.Owners(tc.path)
		got.Sources, got.CodeOwners = nil, nil
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("Owners(%q) (%s) (-want +got):\n%s", tc.path, tc.why, diff)
		}
	}
}
