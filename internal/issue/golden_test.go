package issue

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestGolden pins what people read: the body of a tracked issue and a
// comment, rendered with fixed times. Run with -update after a deliberate
// change and review the diff.
func TestGolden(t *testing.T) {
	f := finding()
	st := State{ID: f.ID}.
		Add(occ(101, t0, "flake", "3f2a9c")).
		Add(Occurrence{RunID: 102, Attempt: 2, Job: "e2e | full", URL: "https://github.com/o/r/actions/runs/102", SHA: "fedcba9876543210", Event: "schedule", Ref: "refs/heads/release-1.9", Time: t0.Add(26 * time.Hour), Kind: "flake", Signature: "77e01b"})
	for _, tc := range []struct{ name, got string }{
		{"body.md", Render(DefaultHuman, Content{Finding: f, Server: "https://github.com", Repo: "kubernetes-sigs/cluster-api", SHA: "fedcba9876543210", State: st})},
		{"comment.md", Comment(f.ID, "102/2/e2e", "Failed again.\n\n"+Excerpt(f.Message))},
	} {
		path := filepath.Join("testdata", tc.name)
		if *update {
			if err := os.WriteFile(path, []byte(tc.got), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run with -update to create it)", err)
		}
		if d := cmp.Diff(string(want), tc.got); d != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, d)
		}
	}
}
