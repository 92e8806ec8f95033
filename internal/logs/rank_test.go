package logs

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestSharedObjects(t *testing.T) {
	mine := Object{"Machine", "ns-a1", "m-1"}
	byName := Object{"Cluster", "", "cluster-a"}
	generic := Object{"namespace", "", "default"}
	number := Object{"Pod", "", "123"}
	everyones := Object{"namespace", "", "e2e"}
	other := Object{"Machine", "ns-b2", "m-2"}
	tests := testSides([]Window{
		{Key: "a", At: time.Unix(100, 0), Output: "INFO: Creating namespace ns-a1\ncluster cluster-a in default, pod 123, namespace e2e"},
		{Key: "b", At: time.Unix(100, 0), Output: "INFO: Creating namespace ns-b2 in e2e"},
		{Key: "c", At: time.Unix(100, 0), Output: "nothing in e2e"},
	})
	objs := []Object{mine, byName, generic, number, everyones, other}
	fillWords(tests, values(objs))
	got := sharedObjects(objs, tests["a"], common(tests))
	if diff := cmp.Diff([]Object{mine, byName}, got); diff != "" {
		t.Errorf("shared (-want +got):\n%s", diff)
	}
	// A lone spec: its namespace is its own, even if every line names it;
	// "default" never is.
	alone := testSides([]Window{{Key: "a", At: time.Unix(100, 0), Output: "namespace e2e and default"}})
	fillWords(alone, values(objs))
	if diff := cmp.Diff([]Object{everyones}, sharedObjects([]Object{generic, everyones}, alone["a"], common(alone))); diff != "" {
		t.Errorf("lone spec (-want +got):\n%s", diff)
	}
}

// TestRankOrder ranks by shared objects, then inside the run, then
// closeness, then count.
func TestRankOrder(t *testing.T) {
	at := time.Date(2026, 11, 17, 14, 0, 0, 0, time.UTC)
	start := at.Add(-2 * time.Minute)
	g := func(ref string, first, last time.Duration, count int, objs ...Object) Group {
		return Group{Log: "l", Ref: ref, First: at.Add(first), Last: at.Add(last), Count: count, Objects: objs}
	}
	mine := Object{"Machine", "ns-a1", "m-1"}
	c := &correlator{tests: testSides([]Window{{Key: "k", At: at, Start: start, Output: "namespace ns-a1"}})}
	out := map[string][]Group{"k": {
		g("busy-near", -10*time.Second, 0, 50),
		g("before-run", -4*time.Minute, -3*time.Minute, 1),
		g("evidence-far", -4*time.Minute, -4*time.Minute, 1, mine),
		g("in-run-far", -100*time.Second, -90*time.Second, 9),
		g("near", -5*time.Second, -5*time.Second, 1),
		g("busy-far", -60*time.Second, -60*time.Second, 3),
		g("near-too", -5*time.Second, -5*time.Second, 2),
	}}
	c.rank(out)
	var order []string
	for _, x := range out["k"] {
		order = append(order, x.Ref)
	}
	want := []string{"evidence-far", "busy-near", "near-too", "near", "busy-far", "in-run-far", "before-run"}
	if diff := cmp.Diff(want, order); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
	if out["k"][0].InRun || !out["k"][1].InRun {
		t.Errorf("InRun: %v %v", out["k"][0].InRun, out["k"][1].InRun)
	}
}

func values(objs []Object) map[string]bool {
	out := map[string]bool{}
	for _, o := range objs {
		out[o.Name], out[o.Namespace] = true, true
	}
	return out
}
