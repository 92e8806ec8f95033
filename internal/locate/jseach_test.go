package locate

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/flake-triage/flake-triage/internal/report"
)

// eachSpec declares parameterised Jest tests: the report names each case
// with its placeholders substituted, the source holds the template.
const eachSpec = `import { add } from '../src/add';

describe('add', () => {
  test.each([
    [1, 1, 2],
    [1, 2, 3],
  ])('add(%i, %i) -> %i', (a, b, expected) => {
    expect(add(a, b)).toBe(expected);
  });

  it.each` + "`" + `
    a    | b    | expected
    ${1} | ${1} | ${2}
  ` + "`" + `('returns $expected when $a is added to $b', ({ a, b, expected }) => {
    expect(add(a, b)).toBe(expected);
  });

  test.each(['Running', 'Failed'])('phase %s has a badge', (phase) => {
    expect(phase).toBeTruthy();
  });

  it.each([{ n: 1 }])("object %p at %# is 100%% fine", (o) => {});

  test('plain', () => {});
  test.each(['Failed'])('ünïcödé %s', () => {});
});
`

// TestJestEachFindsTheTemplate checks that test.each / it.each cases find
// their declaration: the report has the substituted name ("add(1, 2) ->
// 3"), the source the template ("add(%i, %i) -> %i", "$a").
func TestJestEachFindsTheTemplate(t *testing.T) {
	ix, err := NewIndex(fstest.MapFS{"web/__tests__/add.test.js": {Data: []byte(eachSpec)}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		want int
	}{
		{"add add(1, 2) -> 3", 4},
		{"add returns 2 when 1 is added to 1", 11},
		{"add phase Failed has a badge", 18},
		{"add phase 'Failed' has a badge", 18},
		{`add object {"n": 1} at 0 is 100% fine`, 22},
		{"add plain", 24},
		{"add ünïcödé Failed", 25},
	}
	for _, tc := range tests {
		xml := `<testsuites><testsuite name="add" tests="1" failures="1">` +
			`<testcase classname="` + xmlEscape(tc.name) + `" name="` + xmlEscape(tc.name) + `" file="__tests__/add.test.js">` +
			`<failure>Error: expect(received).toBe(expected)</failure></testcase></testsuite></testsuites>`
		set := report.Ingest("jest.xml", strings.NewReader(xml))
		if len(set.Tests) != 1 {
			t.Fatalf("%s: %d tests", tc.name, len(set.Tests))
		}
		got := ix.Locate(set.Tests[0])
		if got.TestLocation == nil || got.TestLocation.Line != tc.want {
			t.Errorf("%q: declared at %+v, want web/__tests__/add.test.js:%d", tc.name, got.TestLocation, tc.want)
		}
	}
}

func xmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}
