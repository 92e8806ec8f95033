// Package prcomment keeps flake-triage's one comment on a pull request:
// created once, then edited in place by every later run, each job of a
// workflow owning one section of it (keyed by its job id and job-key).
// Jobs run at once, so a job re-reads the comment right before editing,
// keeps the other jobs' sections, reads it back after writing and
// re-applies its own section once if a concurrent edit dropped it. When
// concurrent jobs created two comments, the oldest is kept, the sections
// of the others are folded into it, and the others are deleted.
//
// Rendering and parsing are pure; Post talks to GitHub through the small
// API interface that the tracker implements. See docs/quarantine.md.
package prcomment

import (
	"context"
	"fmt"
	"net/url"
	"sort"
	"strings"

	"github.com/flake-triage/flake-triage/internal/health"
	"github.com/flake-triage/flake-triage/internal/issue"
	"github.com/flake-triage/flake-triage/internal/triage"
)

// Marker identifies the tool's comment on a pull request.
const Marker = "<!-- flake-triage:pr-comment -->"

const (
	sectionPrefix = "<!-- flake-triage:pr-section key="
	sectionEnd    = "<!-- flake-triage:pr-section-end -->"
	markerSuffix  = " -->"
)

// A Comment is an issue comment on the pull request, as the API lists it.
type Comment struct {
	ID   int64
	Body string
}

// API is what Post needs of GitHub: the issue comments of a pull request
// (a pull request is an issue to these endpoints).
type API interface {
	// ListComments returns every comment of the pull request, oldest
	// first (GET /repos/{owner}/{repo}/issues/{number}/comments).
	ListComments(ctx context.Context, pr int) ([]Comment, error)
	// CreateComment posts a comment (POST …/issues/{number}/comments).
	CreateComment(ctx context.Context, pr int, body string) (Comment, error)
	// EditComment replaces a comment's body (PATCH
	// /repos/{owner}/{repo}/issues/comments/{id}).
	EditComment(ctx context.Context, id int64, body string) error
	// DeleteComment deletes a comment (DELETE
	// /repos/{owner}/{repo}/issues/comments/{id}); one already gone is
	// not an error.
	DeleteComment(ctx context.Context, id int64) error
}

// A Section is one job's part of the comment.
type Section struct {
	// Key is the job's id and job-key.
	Key string
	// Text is the section's Markdown, without its markers.
	Text string
}

// Key is the section key of a job: its job id, and its job-key when set
// (matrix legs share a job id).
func Key(job, jobKey string) string {
	if jobKey == "" {
		return job
	}
	return job + " " + jobKey
}

// Render is the comment's body: the marker, a heading, then the sections
// ordered by key, each between its markers. It stays under GitHub's size
// limit: the longest sections are cut first.
func Render(sections []Section) string {
	s := append([]Section(nil), sections...)
	sort.Slice(s, func(i, j int) bool { return s[i].Key < s[j].Key })
	head := Marker + "\n## flake-triage\n\nThe failing tests of this pull request's runs, with their verdicts from the base branch's history. Each job edits its own section of this comment on every run.\n"
	for pass := 0; ; pass++ {
		var b strings.Builder
		b.WriteString(head)
		for _, sec := range s {
			fmt.Fprintf(&b, "\n%s%s%s\n%s\n%s\n", sectionPrefix, url.QueryEscape(sec.Key), markerSuffix, strings.TrimSpace(sec.Text), sectionEnd)
		}
		if b.Len() <= issue.MaxBody {
			return b.String()
		}
		if pass > len(s)+1 {
			// Too many sections to cut fairly: drop the tail.
			out, _ := issue.Truncate(b.String(), issue.MaxBody)
			return out
		}
		// Cut the longest section by what is over, with a note.
		over := b.Len() - issue.MaxBody
		long := 0
		for i := range s {
			if len(s[i].Text) > len(s[long].Text) {
				long = i
			}
		}
		note := "\n\n_(cut to fit GitHub's comment size limit; the job summary lists every failure.)_"
		cut, _ := issue.Truncate(s[long].Text, max(0, len(s[long].Text)-over-len(note)-1))
		s[long].Text = cut + note
	}
}

// Parse returns the sections of a comment body of the tool; none when the
// body is not the tool's comment.
func Parse(body string) []Section {
	if !strings.Contains(body, Marker) {
		return nil
	}
	var out []Section
	rest := body
	for {
		i := strings.Index(rest, sectionPrefix)
		if i < 0 {
			return out
		}
		rest = rest[i+len(sectionPrefix):]
		j := strings.Index(rest, markerSuffix)
		if j < 0 {
			return out
		}
		key, err := url.QueryUnescape(rest[:j])
		rest = rest[j+len(markerSuffix):]
		e := strings.Index(rest, sectionEnd)
		if e < 0 {
			return out
		}
		if err == nil {
			out = append(out, Section{Key: key, Text: strings.TrimSpace(rest[:e])})
		}
		rest = rest[e+len(sectionEnd):]
	}
}

// merge lays sections over base: a key already there is replaced, a new
// one added.
func merge(base []Section, over ...Section) []Section {
	out := append([]Section(nil), base...)
	for _, o := range over {
		found := false
		for i := range out {
			if out[i].Key == o.Key {
				out[i], found = o, true
			}
		}
		if !found {
			out = append(out, o)
		}
	}
	return out
}

// has reports whether body holds sec exactly.
func has(body string, sec Section) bool {
	for _, s := range Parse(body) {
		if s.Key == sec.Key {
			return s.Text == strings.TrimSpace(sec.Text)
		}
	}
	return false
}

// A Result says what Post did.
type Result struct {
	// ID is the kept comment's id.
	ID int64
	// Created is true when this job created the comment.
	Created bool
	// Edited counts the edits of the kept comment.
	Edited int
	// Deleted are the duplicate comments deleted.
	Deleted []int64
}

// Post puts sec in the tool's comment on pull request pr: it creates the
// comment when there is none (unless create is false: a job with nothing
// to say starts no comment), or edits the oldest one, keeping the other
// jobs' sections, folding in the sections of newer duplicates and
// deleting them. It then reads the comment back and, if a concurrent edit
// dropped the section, applies it once more.
func Post(ctx context.Context, api API, pr int, sec Section, create bool) (Result, error) {
	var res Result
	sec.Text = strings.TrimSpace(sec.Text)
	for attempt := 0; attempt < 2; attempt++ {
		mine, err := ours(ctx, api, pr)
		if err != nil {
			return res, err
		}
		if len(mine) == 0 {
			if !create {
				return res, nil
			}
			c, err := api.CreateComment(ctx, pr, Render([]Section{sec}))
			if err != nil {
				return res, fmt.Errorf("create the pull request comment on #%d: %w", pr, err)
			}
			res.ID, res.Created = c.ID, true
		} else {
			if err := fold(ctx, api, mine, sec, &res); err != nil {
				return res, err
			}
		}
		// Read back: a concurrent job may have created a second comment
		// or written over this section.
		mine, err = ours(ctx, api, pr)
		if err != nil {
			return res, err
		}
		if len(mine) == 1 && has(mine[0].Body, sec) {
			res.ID = mine[0].ID
			return res, nil
		}
		if len(mine) > 1 && attempt == 1 {
			// The last pass: fold once more so that one comment is left.
			return res, fold(ctx, api, mine, sec, &res)
		}
	}
	return res, nil
}

// ours lists the tool's comments on the pull request, oldest first.
func ours(ctx context.Context, api API, pr int) ([]Comment, error) {
	all, err := api.ListComments(ctx, pr)
	if err != nil {
		return nil, fmt.Errorf("list the comments of pull request #%d: %w", pr, err)
	}
	var mine []Comment
	for _, c := range all {
		if strings.Contains(c.Body, Marker) {
			mine = append(mine, c)
		}
	}
	sort.SliceStable(mine, func(i, j int) bool { return mine[i].ID < mine[j].ID })
	return mine, nil
}

// fold writes sec, with the sections of every comment of mine, into the
// oldest comment, and deletes the others.
func fold(ctx context.Context, api API, mine []Comment, sec Section, res *Result) error {
	keep := mine[0]
	sections := Parse(keep.Body)
	for _, dup := range mine[1:] {
		for _, s := range Parse(dup.Body) {
			if !containsKey(sections, s.Key) {
				sections = append(sections, s)
			}
		}
	}
	body := Render(merge(sections, sec))
	res.ID = keep.ID
	if body != keep.Body {
		if err := api.EditComment(ctx, keep.ID, body); err != nil {
			return fmt.Errorf("edit the pull request comment %d: %w", keep.ID, err)
		}
		res.Edited++
	}
	for _, dup := range mine[1:] {
		if err := api.DeleteComment(ctx, dup.ID); err != nil {
			return fmt.Errorf("delete the duplicate pull request comment %d: %w", dup.ID, err)
		}
		res.Deleted = append(res.Deleted, dup.ID)
	}
	return nil
}

func containsKey(sections []Section, key string) bool {
	for _, s := range sections {
		if s.Key == key {
			return true
		}
	}
	return false
}

// A Job describes the job whose section is rendered.
type Job struct {
	// Name is the job's id (GITHUB_JOB) and Key its job-key.
	Name, Key string
	// RunURL links the workflow run.
	RunURL string
	// Base is the pull request's base branch, which the rates describe.
	Base string
}

// maxRows bounds the failures one section lists.
const maxRows = 50

// SectionText renders a job's section: each failing or flaky test with
// its verdict, its rate over the base branch's window, its issue and its
// owners (without @: the comment notifies nobody).
func SectionText(job Job, findings []triage.Finding) string {
	var b strings.Builder
	title := job.Name
	if title == "" {
		title = "triage"
	}
	fmt.Fprintf(&b, "### Job %s", issue.Code(title))
	if job.Key != "" {
		fmt.Fprintf(&b, " (%s)", issue.Code(job.Key))
	}
	if job.RunURL != "" {
		fmt.Fprintf(&b, " · [run](%s)", job.RunURL)
	}
	b.WriteString("\n\n")
	if len(findings) == 0 {
		b.WriteString("No failing or flaky tests in the latest run.\n")
		return b.String()
	}
	b.WriteString("| test | kind | verdict | history | issue | owners |\n|---|---|---|---|---|---|\n")
	for i, f := range findings {
		if i == maxRows {
			fmt.Fprintf(&b, "\nand %d more; the job summary lists them all.\n", len(findings)-i)
			break
		}
		verdict := f.Verdict
		if verdict == "" {
			verdict = "unknown"
		}
		rate := health.RateText(f.History, job.Base)
		if rate == "" {
			rate = "unknown history"
		}
		is := "none"
		if f.Issue.Number > 0 {
			is = fmt.Sprintf("#%d", f.Issue.Number)
		}
		people := f.Owners.Approvers
		if len(people) == 0 {
			people = f.Owners.Reviewers
		}
		owners := "none found"
		if len(people) > 0 {
			logins := make([]string, len(people))
			for i, p := range people {
				logins[i] = issue.Login(p)
			}
			owners = strings.Join(logins, ", ")
		}
		name, _ := issue.Truncate(f.Test.Name, 300)
		fmt.Fprintf(&b, "| %s | %s | **%s** | %s | %s | %s |\n", issue.CodeCell(name), issue.Cell(f.Kind), issue.Cell(verdict), issue.Cell(rate), is, issue.Cell(owners))
	}
	return b.String()
}
