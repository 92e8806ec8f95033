package action

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/sethvargo/go-githubactions"

	"github.com/flake-triage/flake-triage/internal/health"
	"github.com/flake-triage/flake-triage/internal/triage"
)

// Workflow-command annotations that GitHub displays: at most 10 of each of
// error and warning per step, and 50 per job; the rest are dropped without a
// word. See https://github.com/orgs/community/discussions/26680 and
// https://github.com/orgs/community/discussions/68471. The job summary says
// how many were left out; --annotations checks has no such limit.
const (
	MaxErrorAnnotations   = 10
	MaxWarningAnnotations = 10
)

// Limits of one annotation, from the check run annotation object of the REST
// API (https://docs.github.com/en/rest/checks/runs#update-a-check-run):
// title up to 255 characters, message up to 64 KB. Annotations are read in
// a list, so messages stay far shorter than that.
const (
	maxTitleBytes   = 255
	maxMessageLines = 8
	maxMessageBytes = 1500
)

// An Annotation is one failing test placed at its line: what both the
// workflow command and the check run annotation carry.
type Annotation struct {
	// Level is "error" for failures and "warning" for flakes.
	Level string
	// Path and Line locate the annotation; Path is empty when the finding
	// has no location, and Line is 0 when unknown.
	Path  string
	Line  int
	Title string
	// Message is neutralised text: first failure lines, owners, issue.
	Message string
}

// Annotations returns one annotation per finding, in the order of
// orderFindings.
func Annotations(findings []triage.Finding) []Annotation {
	out := make([]Annotation, 0, len(findings))
	for _, f := range orderFindings(findings) {
		out = append(out, annotation(f))
	}
	return out
}

// orderFindings returns the findings in the order people should read them,
// which is also the order in which GitHub keeps annotations when it drops
// some: failures first, then flakes, each with the findings whose owners are
// known (not a fallback) first, otherwise in the findings' order.
func orderFindings(findings []triage.Finding) []triage.Finding {
	rank := func(f triage.Finding) int {
		r := 0
		if f.Kind == "flake" {
			r += 2
		}
		if !ownersKnown(f.Owners) {
			r++
		}
		return r
	}
	out := slices.Clone(findings)
	slices.SortStableFunc(out, func(a, b triage.Finding) int { return rank(a) - rank(b) })
	return out
}

func ownersKnown(o triage.Owners) bool {
	return !o.Fallback && (len(o.Approvers) > 0 || len(o.Reviewers) > 0)
}

func annotation(f triage.Finding) Annotation {
	a := Annotation{Level: "error", Title: testTitle(f.Test)}
	if f.Kind == "flake" {
		a.Level = "warning"
		a.Title = "flaky: " + a.Title
	}
	if f.Kind == triage.KindInfra {
		a.Title = fmt.Sprintf("infrastructure failure: %d tests failed here", len(f.Test.Cases))
	}
	a.Title = truncateUTF8(Neutralise(a.Title), maxTitleBytes)
	loc := f.Location
	if loc == nil {
		loc = f.TestLocation
	}
	if loc != nil {
		a.Path, a.Line = loc.Path, loc.Line
	}
	var b strings.Builder
	if msg := firstLines(f.Message, maxMessageLines, maxMessageBytes); msg != "" {
		b.WriteString(Neutralise(msg))
		b.WriteString("\n\n")
	}
	b.WriteString(ownersLine(f.Owners))
	if s := historyLine(f); s != "" {
		b.WriteString("\n")
		b.WriteString(s)
	}
	a.Message = b.String()
	return a
}

// testTitle names a test as people search for it: the name, prefixed by the
// classname when the name alone is ambiguous (JUnit's method names).
func testTitle(t triage.Test) string {
	name := strings.TrimSpace(t.Name)
	if t.Classname != "" && !strings.Contains(name, t.Classname) && !strings.Contains(name, " ") {
		return t.Classname + "." + name
	}
	if name == "" {
		return t.Classname
	}
	return name
}

// ownersLine says who owns the failing line, plainly: logins without "@",
// since annotations and summaries should ping nobody.
func ownersLine(o triage.Owners) string {
	people := o.Approvers
	if len(people) == 0 {
		people = o.Reviewers
	}
	if len(people) == 0 {
		return "owners: none found"
	}
	s := "owners: " + strings.Join(people, ", ")
	switch {
	case o.Fallback:
		s += " (fallback: nobody owns this path)"
	case len(o.Files) > 0:
		s += " (" + o.Files[0] + ")"
	}
	return s
}

// issueLine says what happened to the finding's issue; dryRun words it as
// what would happen. It returns "" when there is nothing to say.
func issueLine(is triage.Issue, dryRun bool) string {
	ref := ""
	if is.Number > 0 {
		ref = "#" + strconv.Itoa(is.Number)
		if is.URL != "" {
			ref += " " + is.URL
		}
	}
	verb := map[string]string{
		"create": "issue created", "update": "issue updated", "reopen": "issue reopened", "adopt": "issue adopted",
		"storm": "covered by the broken-run issue",
	}
	if dryRun {
		verb = map[string]string{
			"create": "would create an issue", "update": "would update issue", "reopen": "would reopen issue", "adopt": "would adopt issue",
			"storm": "would be covered by the broken-run issue",
		}
	}
	if is.Error != "" {
		return strings.Join(strings.Fields(map[string]string{"create": "creating the issue", "update": "updating issue", "reopen": "reopening issue", "adopt": "adopting issue",
			"storm": "filing the broken-run issue"}[is.Action]+" "+ref+" failed (see the job summary)"), " ")
	}
	switch is.Action {
	case "known":
		if ref == "" {
			return "known flake"
		}
		return "known flake " + ref
	case "create", "update", "reopen", "adopt", "storm":
		return strings.TrimSpace(verb[is.Action] + " " + ref)
	}
	return ""
}

// historyLine says what is known of the failure: its issue (#N and what
// was done to it), its verdict, and with a ledger its rate ("failed 4 of
// the last 50 runs (8%)", on a pull request run "… runs on main (8%)"),
// joined on one line; "" when nothing is known.
func historyLine(f triage.Finding) string {
	var parts []string
	if s := issueLine(f.Issue, false); s != "" {
		parts = append(parts, s)
	}
	if f.Verdict != "" && f.Verdict != "flaky" && f.Verdict != "unknown" {
		parts = append(parts, "verdict: "+f.Verdict)
	}
	switch h := f.History; {
	case f.Verdict == "unknown":
		parts = append(parts, "unknown history")
	case h == nil:
	case h.Failed+h.Flaky > 0:
		// "failed 4 of the last 50 runs on main (8%)"
		parts = append(parts, health.RateText(h, h.Base)+" ("+health.Percent(h.Rate)+")")
	default:
		parts = append(parts, health.RateText(h, h.Base))
	}
	return strings.Join(parts, " · ")
}

// Annotate writes one workflow-command annotation per finding at its
// location: error for failures, warning for flakes, titled with the test
// name, the message holding the first failure lines, the owners and any
// known issue. It writes them in the order of Annotations and at most
// MaxErrorAnnotations errors and MaxWarningAnnotations warnings, since
// GitHub drops the rest silently, and returns how many it left out.
func Annotate(a *githubactions.Action, findings []triage.Finding) (omitted int) {
	return annotate(a, findings, 0)
}

// maxReportWarnings is how many of the step's warning annotations a run
// gives to unreadable reports; the job summary lists them all.
const maxReportWarnings = 3

// AnnotateResult annotates a run: a warning for each report that could not
// be read (at most maxReportWarnings, at the report file), then the
// findings as Annotate does within the warnings left. It returns how many
// annotations it left out.
func AnnotateResult(a *githubactions.Action, r triage.Result) (omitted int) {
	warns := 0
	for _, f := range r.Reports.Files {
		if f.Error == "" {
			continue
		}
		if warns == maxReportWarnings {
			omitted++
			continue
		}
		warns++
		a.IssueCommand(&githubactions.Command{Name: "warning", Message: Neutralise(firstLines(f.Error, 3, 500)),
			Properties: githubactions.CommandProperties{"title": "flake-triage could not read this report", "file": f.Path}})
	}
	return omitted + annotate(a, r.Findings, warns)
}

func annotate(a *githubactions.Action, findings []triage.Finding, warns int) (omitted int) {
	errs := 0
	for _, an := range Annotations(findings) {
		switch an.Level {
		case "error":
			if errs == MaxErrorAnnotations {
				omitted++
				continue
			}
			errs++
		default:
			if warns == MaxWarningAnnotations {
				omitted++
				continue
			}
			warns++
		}
		props := githubactions.CommandProperties{"title": an.Title}
		if an.Path != "" {
			props["file"] = an.Path
			if an.Line > 0 {
				props["line"] = strconv.Itoa(an.Line)
			}
		}
		a.IssueCommand(&githubactions.Command{Name: an.Level, Message: an.Message, Properties: props})
	}
	return omitted
}
