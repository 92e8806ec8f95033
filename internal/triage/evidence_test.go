package triage

import (
	"strings"
	"testing"
	"time"

	"github.com/flake-triage/flake-triage/internal/report"
)

func TestRunStart(t *testing.T) {
	ginkgo := `<testsuites><testsuite name="e2e"><testcase name="[It] x" classname="e2e" status="failed"><failure message="m" type="failed">[FAILED] m</failure><system-err>&gt; Enter [BeforeEach] x - /a/x_test.go:8 @ 11/27/26 14:55:20.841
&lt; Exit [BeforeEach] x - /a/x_test.go:8 @ 11/27/26 14:55:21.000 (0s)
&gt; Enter [It] x - /a/x_test.go:9 @ 11/27/26 14:55:21.000
&gt; Enter [It] no time - /a/x_test.go:9
</system-err></testcase></testsuite></testsuites>`
	stamped := `<testsuites><testsuite name="s"><testcase name="TestX" classname="p" timestamp="2026-11-27T14:50:00Z"><failure message="m">boom</failure></testcase></testsuite></testsuites>`
	none := `<testsuites><testsuite name="s"><testcase name="TestX" classname="p"><failure message="m">boom</failure></testcase></testsuite></testsuites>`
	for _, tc := range []struct {
		name, xml string
		want      time.Time
	}{
		{"ginkgo timeline", ginkgo, time.Date(2026, 11, 27, 14, 55, 20, 841e6, time.UTC)},
		{"testcase timestamp", stamped, time.Date(2026, 11, 27, 14, 50, 0, 0, time.UTC)},
		{"unknown", none, time.Time{}},
	} {
		set := report.Ingest("r.xml", strings.NewReader(tc.xml))
		if len(set.Tests) != 1 {
			t.Fatalf("%s: %d tests", tc.name, len(set.Tests))
		}
		if got := RunStart(set.Tests[0]); !got.Equal(tc.want) {
			t.Errorf("%s: RunStart = %v, want %v", tc.name, got, tc.want)
		}
	}
}
