package prcomment

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/flake-triage/flake-triage/internal/health"
	"github.com/flake-triage/flake-triage/internal/issue"
	"github.com/flake-triage/flake-triage/internal/triage"
)

// memory is an API over comments in memory; edit, when set, runs before
// each edit is applied, as a concurrent job would act.
type memory struct {
	next     int64
	comments []Comment
	edits    int
	before   func(m *memory)
}

func (m *memory) ListComments(context.Context, int) ([]Comment, error) {
	return append([]Comment(nil), m.comments...), nil
}

func (m *memory) CreateComment(_ context.Context, _ int, body string) (Comment, error) {
	m.next++
	c := Comment{ID: m.next, Body: body}
	m.comments = append(m.comments, c)
	return c, nil
}

func (m *memory) EditComment(_ context.Context, id int64, body string) error {
	if m.before != nil {
		f := m.before
		m.before = nil
		f(m)
	}
	m.edits++
	for i := range m.comments {
		if m.comments[i].ID == id {
			m.comments[i].Body = body
			return nil
		}
	}
	return fmt.Errorf("no comment %d", id)
}

func (m *memory) DeleteComment(_ context.Context, id int64) error {
	for i := range m.comments {
		if m.comments[i].ID == id {
			m.comments = append(m.comments[:i], m.comments[i+1:]...)
			return nil
		}
	}
	return nil
}

func keys(body string) []string {
	var out []string
	for _, s := range Parse(body) {
		out = append(out, s.Key)
	}
	return out
}

func TestRenderParse(t *testing.T) {
	secs := []Section{{Key: "e2e {\"go\":\"1.26\"}", Text: "b -->"}, {Key: "e2e", Text: "a\n\n| x |"}}
	body := Render(secs)
	if !strings.HasPrefix(body, Marker) {
		t.Fatalf("no marker:\n%s", body)
	}
	want := []Section{{Key: "e2e", Text: "a\n\n| x |"}, {Key: "e2e {\"go\":\"1.26\"}", Text: "b -->"}}
	if d := cmp.Diff(want, Parse(body)); d != "" {
		t.Errorf("Parse(Render) (-want +got):\n%s", d)
	}
	if Parse("a comment by a person\n"+sectionPrefix+"x -->\ny\n"+sectionEnd) != nil {
		t.Error("a comment without the marker has sections")
	}
	big := Render([]Section{{Key: "a", Text: strings.Repeat("x", 70000)}, {Key: "b", Text: "small"}})
	if len(big) > issue.MaxBody || len(Parse(big)) != 2 {
		t.Errorf("a big comment is %d bytes with %d sections", len(big), len(Parse(big)))
	}
}

func TestPostCreatesOnceThenEdits(t *testing.T) {
	ctx := context.Background()
	m := &memory{comments: []Comment{{ID: 100, Body: "LGTM"}}}
	m.next = 100
	if r, err := Post(ctx, m, 1, Section{Key: "a", Text: "nothing"}, false); err != nil || r.Created || len(m.comments) != 1 {
		t.Fatalf("a job with nothing to say created a comment: %+v, %v", r, err)
	}
	r, err := Post(ctx, m, 1, Section{Key: "a", Text: "one"}, true)
	if err != nil || !r.Created || len(m.comments) != 2 {
		t.Fatalf("first post: %+v, %v, %d comments", r, err, len(m.comments))
	}
	id := r.ID
	r, err = Post(ctx, m, 1, Section{Key: "b", Text: "two"}, true)
	if err != nil || r.Created || r.ID != id || len(m.comments) != 2 {
		t.Fatalf("second job: %+v, %v, %d comments", r, err, len(m.comments))
	}
	r, err = Post(ctx, m, 1, Section{Key: "a", Text: "one, again"}, false)
	if err != nil || r.Created || r.Edited != 1 {
		t.Fatalf("rerun: %+v, %v", r, err)
	}
	if d := cmp.Diff([]Section{{Key: "a", Text: "one, again"}, {Key: "b", Text: "two"}}, Parse(m.comments[1].Body)); d != "" {
		t.Errorf("sections (-want +got):\n%s", d)
	}
	// The same content again: no edit.
	if r, _ := Post(ctx, m, 1, Section{Key: "a", Text: "one, again"}, true); r.Edited != 0 {
		t.Errorf("an unchanged section was written again: %+v", r)
	}
}

// TestPostFoldsDuplicates: two comments of the tool (concurrent creates)
// become one, the oldest, with both sections.
func TestPostFoldsDuplicates(t *testing.T) {
	m := &memory{next: 2, comments: []Comment{
		{ID: 1, Body: Render([]Section{{Key: "a", Text: "A"}})},
		{ID: 2, Body: Render([]Section{{Key: "b", Text: "B"}})},
	}}
	r, err := Post(context.Background(), m, 1, Section{Key: "b", Text: "B2"}, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.comments) != 1 || m.comments[0].ID != 1 || r.ID != 1 || len(r.Deleted) != 1 || r.Deleted[0] != 2 {
		t.Fatalf("comments %+v, result %+v", m.comments, r)
	}
	if d := cmp.Diff([]string{"a", "b"}, keys(m.comments[0].Body)); d != "" {
		t.Errorf("sections (-want +got):\n%s", d)
	}
}

// TestPostReappliesDroppedSection: a concurrent job that wrote the comment
// from an older read drops this job's section; the read-back notices and
// applies it once more.
func TestPostReappliesDroppedSection(t *testing.T) {
	m := &memory{next: 1, comments: []Comment{{ID: 1, Body: Render([]Section{{Key: "a", Text: "A"}})}}}
	stale := m.comments[0].Body
	calls := 0
	api := &dropping{memory: m, drop: func() {
		calls++
		if calls == 1 {
			// The other job writes what it read before this job's edit.
			m.comments[0].Body = strings.Replace(stale, "A", "A2", 1)
		}
	}}
	if _, err := Post(context.Background(), api, 1, Section{Key: "b", Text: "B"}, true); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]Section{{Key: "a", Text: "A2"}, {Key: "b", Text: "B"}}, Parse(m.comments[0].Body)); d != "" {
		t.Errorf("sections after a concurrent edit (-want +got):\n%s", d)
	}
	if m.edits != 2 {
		t.Errorf("%d edits, want 2 (the write and the re-application)", m.edits)
	}
}

// dropping runs drop after each edit lands.
type dropping struct {
	*memory
	drop func()
}

func (d *dropping) EditComment(ctx context.Context, id int64, body string) error {
	err := d.memory.EditComment(ctx, id, body)
	d.drop()
	return err
}

func TestSectionText(t *testing.T) {
	findings := []triage.Finding{
		{Kind: "failure", Test: triage.Test{Name: "TestNew|x"}, Verdict: "new", History: &health.History{Runs: 50, Passed: 50},
			Owners: triage.Owners{Approvers: []string{"@alice", "bob"}}},
		{Kind: "flake", Test: triage.Test{Name: "[It] spec"}, Verdict: "flaky", History: &health.History{Runs: 50, Failed: 3, Flaky: 1},
			Issue: triage.Issue{Action: "known", Number: 12}},
		{Kind: "failure", Test: triage.Test{Name: "TestQ"}, Verdict: "quarantined", Issue: triage.Issue{Action: "known", Number: 13}},
	}
	got := SectionText(Job{Name: "e2e", Key: `{"go":"1.26"}`, Base: "main", RunURL: "https://github.com/o/r/actions/runs/1"}, findings)
	for _, want := range []string{
		"### Job `e2e` (`{\"go\":\"1.26\"}`) · [run](https://github.com/o/r/actions/runs/1)",
		"| `TestNew\\|x` | failure | **new** | never failed in the last 50 runs on main | none | alice, bob |",
		"| `[It] spec` | flake | **flaky** | failed 4 of the last 50 runs on main | #12 | none found |",
		"| `TestQ` | failure | **quarantined** | unknown history | #13 | none found |",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("section lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "@") {
		t.Errorf("the section mentions someone:\n%s", got)
	}
}

// FuzzRenderParse: whatever the keys and texts (test names and job keys
// come from outside), rendering then parsing gives the sections back, and
// a text cannot forge another section.
func FuzzRenderParse(f *testing.F) {
	f.Add("e2e", "a", `e2e {"go":"1.26"}`, "b "+sectionEnd+" "+sectionPrefix+"x -->")
	f.Add("", "", "k", Marker)
	f.Fuzz(func(t *testing.T, k1, t1, k2, t2 string) {
		if k1 == k2 {
			return
		}
		secs := []Section{{Key: k1, Text: SectionText(Job{Name: k1}, []triage.Finding{{Kind: "failure", Test: triage.Test{Name: t1}}})},
			{Key: k2, Text: SectionText(Job{Name: k2, Key: t2}, nil)}}
		body := Render(secs)
		got := Parse(body)
		if len(got) != 2 || len(body) > issue.MaxBody {
			t.Fatalf("Render then Parse gave %d sections (body %d bytes):\n%s", len(got), len(body), body)
		}
		for _, s := range got {
			if s.Key != k1 && s.Key != k2 {
				t.Fatalf("a forged section %q", s.Key)
			}
		}
	})
}

func BenchmarkPost(b *testing.B) {
	findings := make([]triage.Finding, 50)
	for i := range findings {
		findings[i] = triage.Finding{Kind: "failure", Test: triage.Test{Name: fmt.Sprintf("TestX%d", i)}, Verdict: "new"}
	}
	m := &memory{}
	ctx := context.Background()
	for i := 0; i < 8; i++ {
		Post(ctx, m, 1, Section{Key: fmt.Sprint(i), Text: SectionText(Job{Name: "e2e"}, findings)}, true)
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		findings[0].Verdict = fmt.Sprint(i)
		if _, err := Post(ctx, m, 1, Section{Key: "3", Text: SectionText(Job{Name: "e2e"}, findings)}, true); err != nil {
			b.Fatal(err)
		}
	}
}
