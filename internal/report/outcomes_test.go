package report

import (
	"maps"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestWithOutcomes(t *testing.T) {
	xml := `<testsuites><testsuite name="s">
<testcase classname="c" name="pass"/>
<testcase classname="c" name="fail"><failure message="x"/></testcase>
<testcase classname="c" name="flake"><failure message="x"/></testcase>
<testcase classname="c" name="flake"/>
<testcase classname="c" name="skip"><skipped/></testcase>
</testsuite></testsuites>`
	c := NewCollector(WithOutcomes(func(s, c, n string) string { return s + "." + c + "." + n }))
	if err := c.Add("r.xml", strings.NewReader(xml)); err != nil {
		t.Fatal(err)
	}
	if err := c.Add("bad.xml", strings.NewReader(`<testsuite><testcase name="lost"/>`)); err == nil {
		t.Fatal("a broken report reads")
	}
	want := map[string]string{"s.c.pass": "passed", "s.c.fail": "failed", "s.c.flake": "flaky", "s.c.skip": "skipped"}
	if diff := cmp.Diff(want, maps.Collect(c.Set().Outcomes())); diff != "" {
		t.Errorf("outcomes (-want +got):\n%s", diff)
	}
	if len(maps.Collect(NewCollector().Set().Outcomes())) != 0 {
		t.Error("outcomes kept without WithOutcomes")
	}
}
