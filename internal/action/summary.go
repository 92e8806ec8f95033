package action

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/flake-triage/flake-triage/internal/health"
	"github.com/flake-triage/flake-triage/internal/triage"
)

// MaxSummaryBytes is the size GitHub accepts for one step's job summary:
// "the maximum size is 1MiB", and a larger one fails the step
// (https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-commands#adding-a-job-summary).
// Summary stays below it, with room for what other tools append.
const MaxSummaryBytes = 1 << 20

// summaryBudget is what Summary allows itself of MaxSummaryBytes.
const summaryBudget = MaxSummaryBytes - 64<<10

// A SummaryRun says where the run's code lives, to link locations at the
// commit the tests ran on.
type SummaryRun struct {
	// ServerURL is GITHUB_SERVER_URL ("https://github.com").
	ServerURL string
	// Repo is "owner/name" of the code (GITHUB_REPOSITORY).
	Repo string
	// SHA is the commit the reports were produced from.
	SHA string
	// RunURL links the workflow run the reports came from (--from-run),
	// empty for the current run.
	RunURL string
	// Trend is the Mermaid chart of the repository's failing tests per
	// day from the run ledger's records read; "" without a ledger.
	Trend string
	// FailOn is the fail-on setting ("" or "never": the tests do not
	// decide the exit code) and Deciding the findings that failed the job
	// under it.
	FailOn   string
	Deciding []triage.Finding
	// Globs are the report globs, named when they matched no report.
	Globs []string
}

// blobURL links path at line in the run's commit, or returns "" when the
// run does not say where the code lives.
func (r SummaryRun) blobURL(l *triage.Location) string {
	if l == nil || r.ServerURL == "" || r.Repo == "" || r.SHA == "" {
		return ""
	}
	u := strings.TrimRight(r.ServerURL, "/") + "/" + r.Repo + "/blob/" + url.PathEscape(r.SHA) + "/" + escapePath(l.Path)
	if l.Line > 0 {
		u += "#L" + strconv.Itoa(l.Line)
	}
	return u
}

func escapePath(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		parts[i] = url.PathEscape(s)
	}
	return strings.Join(parts, "/")
}

// Summary renders the job summary of a triage run in Markdown: totals, a
// table of the failing tests (kind, location linked at the commit, owners,
// the issue and what was done to it), reports that could not be read, the
// storm guard, problems, and how many annotations GitHub would not show
// (omitted, as Annotate returned). It stays under MaxSummaryBytes: when the
// table would not fit, the rest of the rows are counted instead of listed.
func Summary(r triage.Result, run SummaryRun, omitted int) string {
	dry := r.Mode == "dry-run"
	var head strings.Builder
	head.WriteString("## flake-triage\n\n")
	fmt.Fprintf(&head, "**%d failed**, **%d flaky** of %d tests in %d %s", r.Reports.Failed, r.Reports.Flaky,
		r.Reports.Tests, len(r.Reports.Files), plural(len(r.Reports.Files), "report", "reports"))
	if run.RunURL != "" {
		fmt.Fprintf(&head, " of [this run](%s)", run.RunURL)
	}
	fmt.Fprintf(&head, " · mode: `%s`", r.Mode)
	if c := countIssues(r); c != "" {
		head.WriteString(" · " + c)
	}
	head.WriteString("\n")

	if storm := stormCount(r.Findings); storm > 0 {
		fmt.Fprintf(&head, "\n> [!WARNING]\n> The storm guard fired: %d failing tests in one run are more than the new-issue limit, "+
			"so they are tracked by one issue for the broken run instead of one each.\n", storm)
	}

	var tail strings.Builder
	tail.WriteString(failOnLines(run))
	tail.WriteString(quarantinedLines(r.Quarantined))
	var unreadable []triage.ReportFile
	for _, f := range r.Reports.Files {
		if f.Error != "" {
			unreadable = append(unreadable, f)
		}
	}
	if len(unreadable) > 0 {
		tail.WriteString("\n### Reports that could not be read\n\n")
		for _, f := range unreadable {
			fmt.Fprintf(&tail, "- `%s`: %s\n", codeSpan(f.Path), markdownCell(firstLines(f.Error, 3, 500)))
		}
	}
	if len(r.Passed) > 0 {
		tail.WriteString("\n### Tracked tests that passed\n\n")
		for i, p := range r.Passed {
			if i == 50 {
				fmt.Fprintf(&tail, "- and %d more\n", len(r.Passed)-i)
				break
			}
			fmt.Fprintf(&tail, "- %s: %s\n", issueCell(p.Issue, dry), markdownCell(firstLines(p.Issue.Reason, 1, 300)))
		}
	}
	tail.WriteString(healthSection(r.Findings, run.Trend))
	if logs := correlatedLines(r.Findings); logs != "" {
		tail.WriteString("\n### Controller log errors around the failures\n\n" + logs)
	}
	if len(r.Errors) > 0 {
		tail.WriteString("\n### Problems\n\n")
		for _, e := range r.Errors {
			fmt.Fprintf(&tail, "- %s\n", markdownCell(firstLines(e, 3, 500)))
		}
	}
	if omitted > 0 {
		fmt.Fprintf(&tail, "\n%d %s left out: GitHub shows at most %d error and %d warning annotations per step. "+
			"Every failing test is listed here; `annotations: checks` annotates them all.\n",
			omitted, plural(omitted, "annotation was", "annotations were"), MaxErrorAnnotations, MaxWarningAnnotations)
	}

	var body strings.Builder
	if len(r.Findings) > 0 {
		body.WriteString("\n| test | kind | location | owners | issue |\n|---|---|---|---|---|\n")
		budget := summaryBudget - head.Len() - tail.Len() - 512
		for i, f := range orderFindings(r.Findings) {
			row := summaryRow(f, run, dry)
			if body.Len()+len(row) > budget {
				fmt.Fprintf(&body, "\n%d more failing tests are not listed, to keep this summary under GitHub's 1 MiB limit; "+
					"the JSON result (`result-json`) has them all.\n", len(r.Findings)-i)
				break
			}
			body.WriteString(row)
		}
	} else if len(r.Reports.Files) == 0 {
		body.WriteString("\n> [!WARNING]\n> **No report was read**")
		if len(run.Globs) > 0 {
			var globs []string
			for _, g := range run.Globs {
				globs = append(globs, "`"+codeSpan(g)+"`")
			}
			body.WriteString(": nothing matched " + strings.Join(globs, ", "))
		}
		body.WriteString(", so no test was triaged. Check the `reports` input and that the test step wrote JUnit XML.\n")
	} else if r.Reports.Failed+r.Reports.Flaky == 0 {
		body.WriteString("\nNo failing or flaky tests.\n")
	}
	return head.String() + body.String() + tail.String()
}

// correlatedLines lists, per finding, the most frequent log error group
// logged around its failure (--logs), with its source.
func correlatedLines(findings []triage.Finding) string {
	var b strings.Builder
	for _, f := range findings {
		if len(f.Correlated) == 0 || b.Len() > 64<<10 {
			continue
		}
		c := f.Correlated[0]
		src := strings.Join(c.Candidates, " or ")
		if c.Source != nil {
			src = c.Source.Path + ":" + strconv.Itoa(c.Source.Line)
		}
		more := ""
		if n := len(f.Correlated) - 1; n > 0 {
			more = fmt.Sprintf(" (and %d more %s)", n, plural(n, "source", "sources"))
		}
		where := "`" + codeSpan(src) + "` in `" + codeSpan(c.Log) + "`"
		if src == "" {
			// The lines named no caller, or one outside the repository.
			where = "in `" + codeSpan(c.Log) + "`, no repository source"
		}
		fmt.Fprintf(&b, "- %s: %d× %s%s: %s\n", markdownCell(truncateUTF8(testTitle(f.Test), 200)), c.Count,
			where, more, markdownCell(truncateUTF8(c.Sample, 200)))
	}
	return b.String()
}

func summaryRow(f triage.Finding, run SummaryRun, dry bool) string {
	kind := "❌ failure"
	switch f.Kind {
	case "flake":
		kind = "⚠️ flake"
	case triage.KindInfra:
		kind = fmt.Sprintf("🚧 infra (%d tests)", len(f.Test.Cases))
	}
	loc := f.Location
	if loc == nil {
		loc = f.TestLocation
	}
	where := "unknown"
	if loc != nil {
		text := loc.Path
		if loc.Line > 0 {
			text += ":" + strconv.Itoa(loc.Line)
		}
		text = markdownCell(text)
		if u := run.blobURL(loc); u != "" {
			where = "[" + text + "](" + u + ")"
		} else {
			where = text
		}
	}
	owners := "none found"
	if p := f.Owners.Approvers; len(p) > 0 {
		owners = strings.Join(p, ", ")
	} else if p := f.Owners.Reviewers; len(p) > 0 {
		owners = strings.Join(p, ", ")
	}
	if f.Owners.Fallback {
		owners += " (fallback)"
	}
	issue := issueCell(f.Issue, dry)
	name := truncateUTF8(testTitle(f.Test), 300)
	switch n := len(f.Test.Cases); {
	case f.Kind == triage.KindInfra || n == 0:
	case n == 1:
		name += " (1 failing case)"
	default:
		name += fmt.Sprintf(" (%d failing cases)", n)
	}
	return fmt.Sprintf("| %s | %s | %s | %s | %s |\n",
		markdownCell(name), kind, where, markdownCell(owners), issue)
}

// issueCell is the issue column: a link to the issue and what was (or in a
// dry run would be) done.
func issueCell(is triage.Issue, dry bool) string {
	what := map[string]string{"create": "created", "update": "updated", "reopen": "reopened", "adopt": "adopted",
		"known": "known flake", "storm": "storm issue", "none": "none"}[is.Action]
	if dry {
		what = map[string]string{"create": "would create", "update": "would update", "reopen": "would reopen", "adopt": "would adopt",
			"known": "known flake", "storm": "would file storm issue", "none": "none"}[is.Action]
	}
	if what == "" {
		what = markdownCell(is.Action)
	}
	if is.Error != "" {
		what = "**" + map[string]string{"create": "create", "update": "update", "reopen": "reopen", "adopt": "adopt", "storm": "storm issue"}[is.Action] +
			" failed**: " + markdownCell(truncateUTF8(firstLines(is.Error, 1, 300), 300))
	}
	if is.Number > 0 {
		ref := "#" + strconv.Itoa(is.Number)
		if is.URL != "" && strings.HasPrefix(is.URL, "https://") {
			ref = "[" + ref + "](" + is.URL + ")"
		}
		return ref + " " + what
	}
	return what
}

func countIssues(r triage.Result) string {
	var created, updated, failed int
	for _, f := range r.Findings {
		if f.Issue.Error != "" {
			failed++
			continue
		}
		switch f.Issue.Action {
		case "create":
			created++
		case "update", "reopen", "adopt":
			updated++
		}
	}
	if created+updated+failed == 0 {
		return ""
	}
	verb := "issues: %d created, %d updated"
	if r.Mode == "dry-run" {
		verb = "issues: %d would be created, %d updated"
	}
	s := fmt.Sprintf(verb, created, updated)
	if failed > 0 {
		s += fmt.Sprintf(", **%d failed**", failed)
	}
	return s
}

func stormCount(fs []triage.Finding) int {
	n := 0
	for _, f := range fs {
		if f.Issue.Action == "storm" {
			n++
		}
	}
	return n
}

// codeSpan makes s safe inside a one-backtick code span.
func codeSpan(s string) string {
	return strings.NewReplacer("`", "'", "\n", " ", "\r", " ").Replace(s)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// healthSection is the summary's table of the run's findings with their
// verdict and failure rate (docs/health.md), at most 50 rows, and the
// chart of failing tests per day; "" when no finding has a verdict.
func healthSection(findings []triage.Finding, trend string) string {
	var b strings.Builder
	n := 0
	for _, f := range orderFindings(findings) {
		if f.Verdict == "" {
			continue
		}
		if n == 0 {
			b.WriteString("\n### Health\n\n| test | verdict | rate |\n|---|---|---|\n")
		}
		if n == 50 {
			fmt.Fprintf(&b, "\nand more: the JSON result has every finding's history.\n")
			break
		}
		n++
		rate := "no history"
		if h := f.History; h != nil && h.Runs > 0 {
			rate = fmt.Sprintf("%d of %d runs (%s)", h.Failed+h.Flaky, h.Runs, health.Percent(h.Rate))
		}
		fmt.Fprintf(&b, "| %s | %s | %s |\n", markdownCell(truncateUTF8(testTitle(f.Test), 200)), f.Verdict, rate)
	}
	if n > 0 && trend != "" {
		b.WriteString("\n" + trend)
	}
	return b.String()
}

// failOnLines says how fail-on decided the job: which findings failed it,
// or that none did. It is empty when fail-on is never.
func failOnLines(run SummaryRun) string {
	if run.FailOn == "" || run.FailOn == triage.FailOnNever {
		return ""
	}
	var b strings.Builder
	what := map[string]string{
		triage.FailOnNew: "a failure that is new or broken (not a known flake, not failing on the base branch, not quarantined)",
		triage.FailOnAny: "a test that failed every attempt",
	}[run.FailOn]
	fmt.Fprintf(&b, "\n### fail-on: `%s`\n\n", run.FailOn)
	if len(run.Deciding) == 0 {
		fmt.Fprintf(&b, "The job passes: there is no %s.\n", what)
		return b.String()
	}
	fmt.Fprintf(&b, "The job fails: %d %s %s.\n\n", len(run.Deciding), plural(len(run.Deciding), "finding is", "findings are"), what)
	for i, f := range run.Deciding {
		if i == 50 {
			fmt.Fprintf(&b, "- and %d more\n", len(run.Deciding)-i)
			break
		}
		verdict := f.Verdict
		if verdict == "" {
			verdict = "no verdict"
		}
		fmt.Fprintf(&b, "- `%s`: %s %s\n", codeSpan(firstLines(testTitle(f.Test), 1, 300)), f.Kind, verdict)
	}
	return b.String()
}

// quarantinedLines lists the quarantined tests with their issues, at most
// 50; empty when there are none.
func quarantinedLines(q []triage.Quarantined) string {
	if len(q) == 0 {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\n### Quarantined tests\n\n%d %s quarantined (the quarantine label on %s issue):\n\n",
		len(q), plural(len(q), "test is", "tests are"), plural(len(q), "its", "their"))
	for i, t := range q {
		if i == 50 {
			fmt.Fprintf(&b, "- and %d more\n", len(q)-i)
			break
		}
		ref := fmt.Sprintf("#%d", t.Number)
		if t.URL != "" {
			ref = fmt.Sprintf("[#%d](%s)", t.Number, t.URL)
		}
		fmt.Fprintf(&b, "- %s `%s`\n", ref, codeSpan(firstLines(t.Test.Name, 1, 300)))
	}
	return b.String()
}
