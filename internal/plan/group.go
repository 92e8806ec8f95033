package plan

import (
	"fmt"
	"sort"
	"strings"

	"github.com/flake-triage/flake-triage/internal/issue"
	"github.com/flake-triage/flake-triage/internal/triage"
)

// caseIndex keys the open issues that track one case of a test (a Go
// subtest, a pytest parameter set) by the id of the case's top-level
// test, as the identity recorded in their state names it.
func caseIndex(open map[string][]parsedIssue) map[string][]parsedIssue {
	out := map[string][]parsedIssue{}
	for id, l := range open {
		for _, is := range l {
			t := is.p.State.Test
			if t == nil || triage.ID(t.Suite, t.Classname, t.Name) != id {
				continue
			}
			if top, _, ok := triage.SplitCase(t.Name); ok {
				k := triage.ID(t.Suite, t.Classname, top)
				out[k] = append(out[k], is)
			}
		}
	}
	return out
}

// caseIssues are the open issues filed for a grouped finding's cases one
// at a time (before grouping, or with group-subtests off): those whose
// marker carries the id of one of its failing cases, and those whose
// recorded test is a case of its top-level test (cases that passed this
// run too). They are sorted by number, each once. A finding without
// cases has none, and an infrastructure failure's tests are not its cases
// in that sense: their issues stay theirs.
func caseIssues(f triage.Finding, open, byTop map[string][]parsedIssue) []parsedIssue {
	if f.Kind == triage.KindInfra || len(f.Test.Cases) == 0 {
		return nil
	}
	var out []parsedIssue
	seen := map[int]bool{}
	add := func(l []parsedIssue) {
		for _, is := range l {
			if !seen[is.Number] && is.p.ID != f.ID {
				seen[is.Number] = true
				out = append(out, is)
			}
		}
	}
	for _, c := range f.Test.Cases {
		if c.ID != "" && c.ID != f.ID {
			add(open[c.ID])
		}
	}
	add(byTop[f.ID])
	sort.Slice(out, func(i, j int) bool { return out[i].Number < out[j].Number })
	return out
}

// caseName is the name of the case whose id an issue's marker carries.
func caseName(f triage.Finding, is parsedIssue) string {
	for _, c := range f.Test.Cases {
		if c.ID == is.p.ID {
			return c.Name
		}
	}
	if t := is.p.State.Test; t != nil {
		return t.Name
	}
	return ""
}

// adoptCase makes a grouped finding with no issue of its own use the
// oldest open issue filed for one of its cases: from this run on it
// tracks the top-level test (its marker takes the finding's id), so that
// grouping files no duplicate of it. The other case issues are linked
// (linkCases). It returns the issues decide should see as the finding's
// own, and those left to link.
func adoptCase(f triage.Finding, own, prior []parsedIssue) (mine, link []parsedIssue) {
	if len(own) > 0 || len(prior) == 0 {
		return own, prior
	}
	return prior[:1], prior[1:]
}

// linkCases says, in the body and reason of a, which issues were filed for
// the finding's cases one at a time: adopted, the one it now updates;
// link, the others, which stay open for the people discussing them there
// and which GitHub cross-links from this body's mentions.
//
// target is the issue a updates (nil when it creates one), adopted whether
// it is a case issue adopted this run.
func linkCases(a *Action, f triage.Finding, target *parsedIssue, adopted bool, link []parsedIssue, p Policy) {
	if !adopted && len(link) == 0 {
		return
	}
	var notes []string
	if adopted {
		name := caseName(f, *target)
		notes = append(notes, fmt.Sprintf("This issue was filed for the case %s alone; flake-triage now groups the failing cases of a test, so it tracks the top-level test %s and all its failing cases.",
			issue.Code(name), issue.Code(f.Test.Name)))
		a.Reason += fmt.Sprintf("; #%d was filed for the case %s before grouping and now tracks %s", target.Number, name, f.Test.Name)
		if t := retitle(f, name, target.Title, p); t != "" {
			if p.ConsistentSuffix != "" && strings.HasSuffix(a.Title, p.ConsistentSuffix) && !strings.HasSuffix(t, p.ConsistentSuffix) {
				t += p.ConsistentSuffix
			}
			a.Title = t
		}
	}
	if len(link) > 0 {
		refs := make([]string, 0, len(link))
		nums := make([]string, 0, len(link))
		for _, is := range link {
			refs = append(refs, fmt.Sprintf("#%d (%s)", is.Number, issue.Code(caseName(f, is))))
			nums = append(nums, fmt.Sprintf("#%d", is.Number))
		}
		notes = append(notes, "Cases of this test tracked in issues of their own, filed before grouping: "+strings.Join(refs, ", ")+".")
		a.Reason += "; links " + strings.Join(nums, ", ") + ", filed per case before grouping"
	}
	note := strings.Join(notes, " ")
	if a.Content.Note != "" {
		note = a.Content.Note + " " + note
	}
	a.Content.Note = note
	if a.Body != "" && target != nil {
		a.Body = issue.Render(target.p.Human, a.Content)
	}
}

// retitle is the grouped finding's title for an issue whose title is the
// one the tool gave a case of it ("" when people changed the title: it is
// theirs then).
func retitle(f triage.Finding, caseName, title string, p Policy) string {
	base := strings.TrimSuffix(title, p.ConsistentSuffix)
	for kind, tmpl := range p.TitleTemplates {
		if tmpl != "" && caseName != "" && issue.Title(tmpl, caseName, f.Test.Classname, f.Test.Suite, kind) == base {
			t := issue.Title(templateFor(p, f.Kind), f.Test.Name, f.Test.Classname, f.Test.Suite, f.Kind)
			if base != title {
				t += p.ConsistentSuffix
			}
			return t
		}
	}
	return ""
}

func templateFor(p Policy, kind string) string {
	if t := p.TitleTemplates[kind]; t != "" {
		return t
	}
	return "[Failing test] {name}"
}
