package adoption

import (
	"fmt"
	"strings"
	"testing"
)

// BenchmarkMatch matches 500 failing tests against 5,000 open issues of a
// busy tracker (issue-form bodies of about 1 kB, a tenth naming a test).
func BenchmarkMatch(b *testing.B) {
	var tests []Test
	for i := range 500 {
		switch i % 3 {
		case 0:
			tests = append(tests, Test{ID: fmt.Sprint(i), Name: fmt.Sprintf("TestReconcile%dMachine/case_%d", i, i), Classname: "sigs.k8s.io/cluster-api/internal/controllers/machine"})
		case 1:
			tests = append(tests, Test{ID: fmt.Sprint(i), Name: fmt.Sprintf("[It] When testing feature %d with upgrades Should roll out machine %d [PR-Blocking]", i, i), Classname: "capi-e2e"})
		default:
			tests = append(tests, Test{ID: fmt.Sprint(i), Name: fmt.Sprintf("test_case_%d[param]", i), Classname: "tests.test_mod"})
		}
	}
	for i := range 2000 { // the passing rest of the run
		tests = append(tests, Test{Name: fmt.Sprintf("TestPassing%d", i), Classname: "sigs.k8s.io/cluster-api/util"})
	}
	filler := strings.Repeat("The job failed again while the management cluster was upgrading its providers. ", 10)
	var issues []Issue
	for i := range 5000 {
		named := "some other test"
		if i%10 == 0 {
			named = fmt.Sprintf("TestReconcile%dMachine", i%500)
		}
		issues = append(issues, Issue{Number: i + 1, Title: fmt.Sprintf("Flaky job %d", i), Body: capiForm("periodic-cluster-api-e2e-main", named, "last week", filler)})
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		Match(tests, issues)
	}
}
