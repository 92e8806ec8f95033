// Package tracker applies a plan to GitHub's issue tracker. It is the only
// package that imports go-github for issues: Client wraps exactly the
// calls the tool makes, each method naming the go-github call it uses.
package tracker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/google/go-github/v57/github"

	"github.com/flake-triage/flake-triage/internal/issue"
	"github.com/flake-triage/flake-triage/internal/plan"
	"github.com/flake-triage/flake-triage/internal/triage"
)

// perPage is the most issues GitHub lists per call
// (https://docs.github.com/en/rest/issues/issues#list-repository-issues).
const perPage = 100

// A Client reads and writes one repository's issues.
type Client struct {
	gh          *github.Client
	owner, repo string

	mu         sync.Mutex
	assignable map[string]bool // login (lower-case) -> assignable, checked once per run
	labels     map[string]bool // label (lower-case) -> exists or was created
	loadedAt   time.Time

	// sleep and backoff pace the tries of writes the transport does not
	// resend (comments).
	sleep   func(context.Context, time.Duration) error
	backoff time.Duration
}

// An Option adjusts a Client.
type Option func(*config)

type config struct {
	maxWait, backoff time.Duration
	tries            int
	sleep            func(context.Context, time.Duration) error
	now              func() time.Time
	writeRate        float64
	notice           func(string)
}

// WithRetry bounds the waiting for one request across retries (default 2
// minutes), the first backoff (default 1s) and the tries (default 6).
func WithRetry(maxWait, backoff time.Duration, tries int) Option {
	return func(c *config) { c.maxWait, c.backoff, c.tries = maxWait, backoff, tries }
}

// WithSleep replaces the waiting between retries, for tests.
func WithSleep(sleep func(context.Context, time.Duration) error) Option {
	return func(c *config) { c.sleep = sleep }
}

// WithWriteRate paces content-creating requests to rate a second after
// a burst of WriteBurst (see pacer); 0, the default, does not pace.
func WithWriteRate(rate float64) Option {
	return func(c *config) { c.writeRate = rate }
}

// WithNotice has notice told, in a sentence, of every wait: a retry
// after a rate limit or a server error (how long, for which request,
// why), and the first wait of the write pacing.
func WithNotice(notice func(string)) Option {
	return func(c *config) { c.notice = notice }
}

// WithClock sets the clock used for rate-limit resets.
func WithClock(now func() time.Time) Option {
	return func(c *config) { c.now = now }
}

// New returns a client for repo ("owner/name") at apiURL (such as
// https://api.github.com or https://ghe.example.com/api/v3), sending token
// and userAgent. httpClient may be nil; its transport gains retries.
func New(httpClient *http.Client, apiURL, token, repo, userAgent string, opts ...Option) (*Client, error) {
	owner, name, ok := strings.Cut(repo, "/")
	if !ok || owner == "" || name == "" || strings.Contains(name, "/") {
		return nil, fmt.Errorf("new tracker: repository %q is not owner/name", repo)
	}
	u, err := url.Parse(strings.TrimSpace(apiURL))
	if err != nil || u.Scheme != "https" && u.Scheme != "http" || u.Host == "" {
		return nil, fmt.Errorf("new tracker: API URL %q is not an http(s) URL", apiURL)
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	hc := &http.Client{}
	if httpClient != nil {
		*hc = *httpClient
	}
	// The client's timeout bounds each try: on the client it would bound
	// the tries and the waits between them together, so one slow answer
	// or a Retry-After near it would fail the request instead of retrying.
	perTry := hc.Timeout
	hc.Timeout = 0
	base := hc.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	cfg := config{maxWait: 2 * time.Minute, backoff: time.Second, tries: 6, sleep: sleepCtx, now: time.Now}
	for _, o := range opts {
		o(&cfg)
	}
	c := &Client{owner: owner, repo: name, assignable: map[string]bool{}, labels: map[string]bool{}, sleep: cfg.sleep, backoff: cfg.backoff}
	rt := &retryTransport{base: base, perTry: perTry, maxWait: cfg.maxWait, backoff: cfg.backoff, maxTries: cfg.tries, sleep: cfg.sleep, now: cfg.now, notice: cfg.notice}
	hc.Transport = rt
	if cfg.writeRate > 0 {
		// Outside the retries: a request waits its turn once, and the
		// retries of a rate-limited one wait what GitHub says.
		hc.Transport = newPacer(rt, cfg.writeRate, cfg.sleep, cfg.now, cfg.notice)
	}
	gh := github.NewClient(hc)
	if token != "" {
		gh = gh.WithAuthToken(token)
	}
	gh.BaseURL = u
	gh.UserAgent = userAgent
	c.gh = gh
	return c, nil
}

// Repo returns "owner/name".
func (c *Client) Repo() string { return c.owner + "/" + c.repo }

// Load returns every open issue and those closed within reopenWindow of
// now: the tool's own (its marker in the body) and those people filed,
// which the plan may adopt. It lists open issues, then closed issues
// updated since now-reopenWindow, 100 a page, and matches in memory: ⌈open/100⌉ + ⌈recently closed/100⌉ calls, none per
// finding, when each list fits one page; a longer list is read again (see
// listStable), so 2⌈n/100⌉ calls. It wraps IssuesService.ListByRepo.
func (c *Client) Load(ctx context.Context, reopenWindow time.Duration, now time.Time) ([]plan.Issue, error) {
	c.mu.Lock()
	c.loadedAt = now
	c.mu.Unlock()
	open, err := c.listStable(ctx, github.IssueListByRepoOptions{State: "open", Sort: "created", Direction: "asc"})
	if err != nil {
		return nil, err
	}
	closed, err := c.listStable(ctx, github.IssueListByRepoOptions{State: "closed", Sort: "updated", Direction: "desc", Since: now.Add(-reopenWindow)})
	if err != nil {
		return nil, err
	}
	// A closed issue updated lately but closed long ago is passed on too:
	// the plan does not reopen it, but a new issue links it.
	return append(open, closed...), nil
}

// listStable lists every page of opts as list does, and reads a list of
// more than one page again until two passes agree (at most three passes).
// GitHub pages by offset: an issue that leaves the list while it is read
// (closed, or updated in a list sorted by update) moves every later one up
// a place, and the one that crosses into a page already read is never
// seen, so the tool would file a second issue for its test. A pass during
// which nothing changed is exact; when no two passes agree, the union of
// the passes is returned, the newest copy of each issue.
func (c *Client) listStable(ctx context.Context, opts github.IssueListByRepoOptions) ([]plan.Issue, error) {
	var prev []plan.Issue
	union := map[int]plan.Issue{}
	for pass := 0; pass < 3; pass++ {
		o := opts
		cur, pages, err := c.listPages(ctx, &o, nil)
		if err != nil {
			return nil, err
		}
		if pages == 1 && pass == 0 || pass > 0 && sameNumbers(prev, cur) {
			return cur, nil
		}
		for _, is := range cur {
			union[is.Number] = is
		}
		prev = cur
	}
	out := make([]plan.Issue, 0, len(union))
	for _, is := range union {
		out = append(out, is)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Number < out[j].Number })
	return out, nil
}

func sameNumbers(a, b []plan.Issue) bool {
	if len(a) != len(b) {
		return false
	}
	seen := make(map[int]bool, len(a))
	for _, is := range a {
		seen[is.Number] = true
	}
	for _, is := range b {
		if !seen[is.Number] {
			return false
		}
	}
	return true
}

// list pages through IssuesService.ListByRepo until stop says the page
// holds nothing newer that matters (nil lists every page).
func (c *Client) list(ctx context.Context, opts *github.IssueListByRepoOptions, stop func(page []*github.Issue) bool) ([]plan.Issue, error) {
	out, _, err := c.listPages(ctx, opts, stop)
	return out, err
}

// listPages is list, also returning the number of pages read.
func (c *Client) listPages(ctx context.Context, opts *github.IssueListByRepoOptions, stop func(page []*github.Issue) bool) ([]plan.Issue, int, error) {
	opts.ListOptions = github.ListOptions{PerPage: perPage}
	var out []plan.Issue
	for pages := 1; ; pages++ {
		page, resp, err := c.gh.Issues.ListByRepo(ctx, c.owner, c.repo, opts)
		if err != nil {
			return nil, pages, c.explain("list "+opts.State+" issues", err)
		}
		for _, is := range page {
			if is.IsPullRequest() {
				continue
			}
			out = append(out, fromGitHub(is))
		}
		if resp.NextPage == 0 || stop != nil && stop(page) {
			return out, pages, nil
		}
		opts.Page = resp.NextPage
	}
}

func fromGitHub(is *github.Issue) plan.Issue {
	p := plan.Issue{Number: is.GetNumber(), Title: is.GetTitle(), Body: is.GetBody(), State: is.GetState(), URL: is.GetHTMLURL(),
		CreatedAt: is.GetCreatedAt().Time, ClosedAt: is.GetClosedAt().Time}
	for _, l := range is.Labels {
		p.Labels = append(p.Labels, l.GetName())
	}
	for _, a := range is.Assignees {
		p.Assignees = append(p.Assignees, a.GetLogin())
	}
	return p
}

// A Result is what became of one action.
type Result struct {
	// Kind is the action's kind, as done: a create folded into an older
	// concurrent duplicate becomes "update".
	Kind       string
	FindingIDs []string
	Number     int
	URL        string
	// Note tells what else happened (dropped assignees, duplicates closed).
	Note string
	Err  error
	// Assignees are the logins a new issue was assigned, and Refused those
	// GitHub would not assign, mentioned instead (nil but for a create).
	Assignees, Refused []string
}

// Outcome is what Apply did: one result per action, plus warnings that
// did not fail anything (labels that could not be created, logins that
// cannot be assigned).
type Outcome struct {
	Results  []Result
	Warnings []string
}

// Err joins the errors of the failed actions, or is nil.
func (o Outcome) Err() error {
	var errs []error
	for _, r := range o.Results {
		if r.Err != nil {
			errs = append(errs, r.Err)
		}
	}
	return errors.Join(errs...)
}

// Fill sets each finding's Issue from the outcome (failed actions keep
// their planned action with the error as the reason).
func (o Outcome) Fill(findings []triage.Finding, p plan.Plan) {
	want := p.Issues()
	got := map[string]Result{}
	for _, r := range o.Results {
		for _, id := range r.FindingIDs {
			got[id] = r
		}
	}
	for i := range findings {
		ti, ok := want[findings[i].ID]
		if !ok {
			continue
		}
		if r, ok := got[findings[i].ID]; ok {
			if ti.Action != plan.Storm {
				ti.Action = r.Kind
			}
			if r.Number != 0 {
				ti.Number, ti.URL = r.Number, r.URL
			}
			if r.Err != nil {
				ti.Error = r.Err.Error()
				ti.Reason = "failed: " + r.Err.Error()
			} else if r.Note != "" {
				ti.Reason += "; " + r.Note
			}
			if r.Err == nil && r.Assignees != nil {
				// The finding tells who was assigned and mentioned in fact.
				findings[i] = remention(findings[i], r.Assignees, r.Refused)
			}
		}
		findings[i].Issue = ti
	}
}

// Apply carries out the plan. A failed action never stops the others: its
// error is in its result. After creating issues it re-reads the newest
// open issues and, where a concurrent run filed the same test, keeps the
// oldest issue open, records the occurrence there and closes the others
// as duplicates.
func (c *Client) Apply(ctx context.Context, p plan.Plan) Outcome {
	var o Outcome
	created := map[string]int{} // finding id -> index in o.Results
	for _, a := range p.Actions {
		r := Result{Kind: a.Kind, FindingIDs: []string{a.FindingID}, Number: a.Number, URL: a.URL}
		if a.Kind == plan.Storm {
			r.FindingIDs = a.FindingIDs
		}
		if a.Writes() {
			r = c.apply(ctx, a, r, &o)
			if r.Err == nil && (a.Kind == plan.Create || a.Kind == plan.Storm) {
				created[a.FindingID] = len(o.Results)
			}
		}
		o.Results = append(o.Results, r)
	}
	if len(created) > 0 {
		c.dedupe(ctx, p, created, &o)
	}
	return o
}

func (c *Client) apply(ctx context.Context, a plan.Action, r Result, o *Outcome) Result {
	if a.Body != "" && issue.IDOf(a.Body) != issue.CanonicalID(a.FindingID) {
		r.Err = fmt.Errorf("%s issue for %q: the body does not parse back to its id", a.Kind, a.FindingID)
		return r
	}
	switch a.Kind {
	case plan.Create, plan.Storm:
		is, as, err := c.create(ctx, a, o)
		if err != nil {
			r.Err = fmt.Errorf("create issue for %q: %w", a.FindingID, err)
			return r
		}
		r.Number, r.URL, r.Note = is.GetNumber(), is.GetHTMLURL(), as.note
		if a.Kind == plan.Create {
			r.Assignees, r.Refused = as.assignees, as.refused
		}
		return r
	}
	// update or reopen
	req := &github.IssueRequest{}
	if a.Body != "" {
		req.Body = github.String(a.Body)
	}
	if a.Title != "" {
		req.Title = github.String(a.Title)
	}
	if a.Kind == plan.Reopen {
		req.State = github.String("open")
	}
	is, _, err := c.gh.Issues.Edit(ctx, c.owner, c.repo, a.Number, req)
	if err != nil {
		r.Err = fmt.Errorf("%s issue #%d: %w", a.Kind, a.Number, c.explain("edit issue", err))
		return r
	}
	r.URL = is.GetHTMLURL()
	var errs []error
	if labels := c.ensureLabels(ctx, a.Labels, o); len(labels) > 0 {
		if err := c.addLabels(ctx, a.Number, labels); err != nil {
			errs = append(errs, c.explain("add labels", err))
		}
	}
	for _, l := range a.RemoveLabels {
		if _, err := c.gh.Issues.RemoveLabelForIssue(ctx, c.owner, c.repo, a.Number, url.PathEscape(l)); err != nil && status(err) != http.StatusNotFound {
			errs = append(errs, c.explain("remove label "+l, err))
		}
	}
	if a.Comment != "" {
		if err := c.comment(ctx, a.Number, a.Comment); err != nil {
			errs = append(errs, err)
		}
	}
	for _, d := range a.Duplicates {
		if err := c.closeDuplicate(ctx, d, a.Number); err != nil {
			errs = append(errs, err)
		} else {
			r.Note = strings.TrimPrefix(r.Note+fmt.Sprintf("; closed #%d as a duplicate", d), "; ")
		}
	}
	if len(errs) > 0 {
		r.Err = fmt.Errorf("%s issue #%d: %w", a.Kind, a.Number, errors.Join(errs...))
	}
	return r
}

// create wraps IssuesService.Create, with the labels made to exist and only
// assignable assignees. A login GitHub will not assign (not assignable in
// the repository, or named by a 422 on the create, which then drops it and
// tries again, so that the issue is never lost to an assignee) is
// @mentioned in the body instead, and its slot goes to the next most
// specific owner that can be assigned (the action's alternates).
func (c *Client) create(ctx context.Context, a plan.Action, o *Outcome) (*github.Issue, filed, error) {
	labels := c.ensureLabels(ctx, a.Labels, o)
	slots := len(a.Assignees)
	if a.MaxAssignees > 0 && slots > a.MaxAssignees {
		slots = a.MaxAssignees
	}
	queue := append(slices.Clone(a.Assignees), a.Alternates...)
	assignees, refused, rejected := []string{}, []string{}, []string{}
	next := 0
	fill := func() {
		for len(assignees) < slots && next < len(queue) {
			l, primary := queue[next], next < len(a.Assignees)
			next++
			if slices.ContainsFunc(assignees, func(x string) bool { return strings.EqualFold(x, l) }) {
				continue
			}
			if ok, team := c.canAssign(ctx, l, o); ok {
				assignees = append(assignees, l)
			} else if primary && !team {
				refused = append(refused, l)
			}
		}
	}
	fill()
	for {
		body := a.Body
		if a.Kind == plan.Create && len(refused) > 0 {
			body = issue.Render(issue.DefaultHuman, reassigned(a.Content, assignees, refused))
		}
		req := &github.IssueRequest{Title: github.String(a.Title), Body: github.String(body), Labels: &labels, Assignees: &assignees}
		is, _, err := c.gh.Issues.Create(ctx, c.owner, c.repo, req)
		if err == nil {
			as := filed{assignees: assignees, refused: refused}
			if len(refused) > 0 {
				as.note = "GitHub refused to assign " + strings.Join(refused, ", ") + ": mentioned instead"
			}
			if len(rejected) > 0 {
				// canAssign warned about the others already.
				o.Warnings = append(o.Warnings, fmt.Sprintf("issue #%d: GitHub refused to assign %s (422); mentioned instead", is.GetNumber(), strings.Join(rejected, ", ")))
			}
			return is, as, nil
		}
		bad := refusedAssignee(err, assignees)
		if bad < 0 {
			return nil, filed{}, c.explain("create issue", err)
		}
		refused = append(refused, assignees[bad])
		rejected = append(rejected, assignees[bad])
		c.mu.Lock()
		c.assignable[strings.ToLower(assignees[bad])] = false
		c.mu.Unlock()
		assignees = append(assignees[:bad:bad], assignees[bad+1:]...)
		fill()
	}
}

// filed is how a new issue was filed: who was assigned, who GitHub
// refused (and is mentioned instead), and a note saying so.
type filed struct {
	note               string
	assignees, refused []string
}

// reassigned is the content of a new issue whose refused logins are
// mentioned, first, and whose assignees are no longer in the cc line.
func reassigned(c issue.Content, assignees, refused []string) issue.Content {
	c.Finding = remention(c.Finding, assignees, refused)
	return c
}

// remention is f with the assignees a new issue got, and its mentions:
// the refused logins first, then f's other mentions but the assignees.
func remention(f triage.Finding, assignees, refused []string) triage.Finding {
	mentions := slices.Clone(refused)
	for _, m := range f.Mentions {
		if !slices.ContainsFunc(assignees, func(a string) bool { return strings.EqualFold(a, m) }) &&
			!slices.ContainsFunc(mentions, func(x string) bool { return strings.EqualFold(x, m) }) {
			mentions = append(mentions, m)
		}
	}
	f.Assignees, f.Mentions = slices.Clone(assignees), mentions
	return f
}

// refusedAssignee returns the index of the login a 422 refused, or -1
// when the error is not about assignees. When GitHub does not say which,
// the last one is dropped.
func refusedAssignee(err error, assignees []string) int {
	var er *github.ErrorResponse
	if !errors.As(err, &er) || er.Response == nil || er.Response.StatusCode != http.StatusUnprocessableEntity || len(assignees) == 0 {
		return -1
	}
	about := false
	for _, e := range er.Errors {
		if e.Field == "assignees" || e.Field == "assignee" {
			about = true
		}
	}
	// go-github's Error has no "value"; read it from the kept body.
	var raw struct {
		Errors []struct {
			Field string `json:"field"`
			Value any    `json:"value"`
		} `json:"errors"`
	}
	if er.Response.Body != nil {
		b, _ := io.ReadAll(er.Response.Body)
		_ = json.Unmarshal(b, &raw)
	}
	for _, e := range raw.Errors {
		if v, ok := e.Value.(string); ok {
			for i, a := range assignees {
				if strings.EqualFold(a, v) {
					return i
				}
			}
		}
	}
	if !about {
		return -1
	}
	return len(assignees) - 1
}

// canAssign reports whether login can be assigned, checking each login
// once per run with IssuesService.IsAssignee; team says it is a team,
// which is mentioned, never assigned.
func (c *Client) canAssign(ctx context.Context, login string, o *Outcome) (ok, team bool) {
	if strings.Contains(login, "/") {
		return false, true
	}
	k := strings.ToLower(login)
	c.mu.Lock()
	ok, known := c.assignable[k]
	c.mu.Unlock()
	if known {
		return ok, false
	}
	ok, _, err := c.gh.Issues.IsAssignee(ctx, c.owner, c.repo, login)
	if err != nil {
		o.Warnings = append(o.Warnings, fmt.Sprintf("check whether %s can be assigned: %v", login, c.explain("check assignee", err)))
		ok = false
	} else if !ok {
		o.Warnings = append(o.Warnings, fmt.Sprintf("%s cannot be assigned issues in %s; mentioned instead", login, c.Repo()))
	}
	c.mu.Lock()
	c.assignable[k] = ok
	c.mu.Unlock()
	return ok, false
}

// ensureLabels returns the labels that exist, creating the missing ones
// (IssuesService.GetLabel, IssuesService.CreateLabel); a label the token
// may not create is dropped with a warning.
func (c *Client) ensureLabels(ctx context.Context, labels []string, o *Outcome) []string {
	out := []string{}
	for _, l := range labels {
		k := strings.ToLower(l)
		c.mu.Lock()
		ok, known := c.labels[k]
		c.mu.Unlock()
		if !known {
			_, _, err := c.gh.Issues.GetLabel(ctx, c.owner, c.repo, url.PathEscape(l))
			switch {
			case err == nil:
				ok = true
			case status(err) == http.StatusNotFound:
				_, _, err = c.gh.Issues.CreateLabel(ctx, c.owner, c.repo, &github.Label{Name: github.String(l), Color: github.String("ededed"),
					Description: github.String("Filed by flake-triage")})
				ok = err == nil || status(err) == http.StatusUnprocessableEntity // already exists: a concurrent run made it
				if !ok {
					o.Warnings = append(o.Warnings, fmt.Sprintf("label %q does not exist and could not be created (%v); the issues go without it", l, c.explain("create label", err)))
				}
			default:
				o.Warnings = append(o.Warnings, fmt.Sprintf("label %q: %v", l, c.explain("get label", err)))
			}
			c.mu.Lock()
			c.labels[k] = ok
			c.mu.Unlock()
		}
		if ok {
			out = append(out, l)
		}
	}
	return out
}

// addLabels adds labels to an issue. It is IssuesService.AddLabelsToIssue
// but with the body GitHub's OpenAPI description requires,
// {"labels": [...]}, where go-github v57 sends a bare array
// (https://docs.github.com/en/rest/issues/labels#add-labels-to-an-issue).
func (c *Client) addLabels(ctx context.Context, number int, labels []string) error {
	u := fmt.Sprintf("repos/%s/%s/issues/%d/labels", url.PathEscape(c.owner), url.PathEscape(c.repo), number)
	req, err := c.gh.NewRequest(http.MethodPost, u, struct {
		Labels []string `json:"labels"`
	}{labels})
	if err != nil {
		return err
	}
	_, err = c.gh.Do(ctx, req, nil)
	return err
}

// commentTries bounds the tries of one comment whose answers may hide a
// comment GitHub posted.
const commentTries = 4

// comment wraps IssuesService.CreateComment. A comment is not idempotent:
// a try answered with a 5xx, a dropped connection or a timeout may have
// been posted all the same, so before sending it again comment looks for
// it among the issue's comments (IssuesService.ListComments), by the
// tool's signature (issue.CommentMarker) or, for an unsigned comment, by
// its text.
func (c *Client) comment(ctx context.Context, number int, body string) error {
	backoff := c.backoff
	for try := 1; ; try++ {
		_, _, err := c.gh.Issues.CreateComment(withoutResend(ctx), c.owner, c.repo, number, &github.IssueComment{Body: github.String(body)})
		if err == nil {
			return nil
		}
		if !mayHaveLanded(ctx, err) || try >= commentTries {
			return fmt.Errorf("comment on #%d: %w", number, c.explain("create comment", err))
		}
		posted, lerr := c.hasComment(ctx, number, body)
		if lerr != nil {
			// Unknown: sending it again could post it twice.
			return fmt.Errorf("comment on #%d: %w; and whether it was posted is unknown: %w", number, c.explain("create comment", err), c.explain("list comments", lerr))
		}
		if posted {
			return nil
		}
		if err := c.sleep(ctx, backoff); err != nil {
			return err
		}
		backoff = min(2*backoff, maxBackoff)
	}
}

// mayHaveLanded reports whether a failed write may have been carried out
// by GitHub all the same: a 5xx answer, or no answer at all.
func mayHaveLanded(ctx context.Context, err error) bool {
	if ctx.Err() != nil {
		return false
	}
	if s := status(err); s != 0 {
		return s >= 500
	}
	var er *github.ErrorResponse
	return !errors.As(err, &er)
}

// hasComment reports whether issue number has a comment with body's
// signature, or body itself when it is unsigned (IssuesService.ListComments,
// 100 a page).
func (c *Client) hasComment(ctx context.Context, number int, body string) (bool, error) {
	marker := issue.CommentMarker(body)
	opts := &github.IssueListCommentsOptions{ListOptions: github.ListOptions{PerPage: perPage}}
	for {
		page, resp, err := c.gh.Issues.ListComments(ctx, c.owner, c.repo, number, opts)
		if err != nil {
			return false, err
		}
		for _, cm := range page {
			if marker != "" && issue.CommentMarker(cm.GetBody()) == marker || marker == "" && strings.TrimSpace(cm.GetBody()) == strings.TrimSpace(body) {
				return true, nil
			}
		}
		if resp.NextPage == 0 {
			return false, nil
		}
		opts.Page = resp.NextPage
	}
}

// closeDuplicate comments on and closes issue dup (IssuesService.Get,
// IssuesService.Edit) as a duplicate of keep, marking its body so that a
// later run folds its occurrences into keep.
func (c *Client) closeDuplicate(ctx context.Context, dup, keep int) error {
	text := fmt.Sprintf("Duplicate of #%d: several runs filed this test at once. flake-triage keeps one issue per test and records the occurrences there.", keep)
	if err := c.comment(ctx, dup, text); err != nil {
		return err
	}
	is, _, err := c.gh.Issues.Get(ctx, c.owner, c.repo, dup)
	if err != nil {
		return fmt.Errorf("close duplicate #%d: %w", dup, c.explain("get issue", err))
	}
	req := &github.IssueRequest{State: github.String("closed"), StateReason: github.String("not_planned"), Body: github.String(issue.MarkDuplicate(is.GetBody(), keep))}
	if _, _, err := c.gh.Issues.Edit(ctx, c.owner, c.repo, dup, req); err != nil {
		return fmt.Errorf("close duplicate #%d: %w", dup, c.explain("edit issue", err))
	}
	return nil
}

// dedupe re-reads the open issues created since Load (newest first, one
// call in the usual case). Where an older open issue carries the id of an
// issue this run just filed, this run records its occurrence on the older
// one and closes its own as a duplicate. Issue numbers grow with creation,
// so of two racing creates the later one always sees the earlier in its
// re-read: every duplicate is closed by the run that filed it and the end
// state is one open issue per id.
func (c *Client) dedupe(ctx context.Context, p plan.Plan, created map[string]int, o *Outcome) {
	c.mu.Lock()
	since := c.loadedAt.Add(-5 * time.Minute)
	c.mu.Unlock()
	recent, err := c.list(ctx, &github.IssueListByRepoOptions{State: "open", Sort: "created", Direction: "desc"}, func(page []*github.Issue) bool {
		return len(page) > 0 && page[len(page)-1].GetCreatedAt().Before(since)
	})
	if err != nil {
		o.Warnings = append(o.Warnings, fmt.Sprintf("re-read issues to catch concurrent duplicates: %v", err))
		return
	}
	oldest := map[string]plan.Issue{}
	for _, is := range recent {
		id := issue.IDOf(is.Body)
		if old, ok := oldest[id]; id != "" && (!ok || is.Number < old.Number) {
			oldest[id] = is
		}
	}
	actions := map[string]plan.Action{}
	for _, a := range p.Actions {
		actions[a.FindingID] = a
	}
	ids := make([]string, 0, len(created))
	for id := range created {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		res := &o.Results[created[id]]
		keep, ok := oldest[issue.CanonicalID(id)]
		if !ok || keep.Number >= res.Number {
			continue
		}
		a := actions[id]
		if a.Kind == plan.Create {
			if err := c.record(ctx, keep.Number, a.Content); err != nil {
				res.Err = err
				continue
			}
		}
		if err := c.closeDuplicate(ctx, res.Number, keep.Number); err != nil {
			res.Err = err
			continue
		}
		// An older issue that already records this very run is this run's
		// own: an earlier try of the create reached GitHub, but its answer
		// was lost (a 502, a dropped connection, a timeout) and the retry
		// filed again. It stays a create.
		kept, _ := issue.Parse(keep.Body)
		if a.Kind == plan.Create && len(a.Content.State.Runs) > 0 && hasAll(kept.State, a.Content.State) {
			res.Note = strings.TrimPrefix(res.Note+fmt.Sprintf("; an earlier try of this create reached GitHub as #%d although its answer was lost: closed #%d, filed by the retry, as its duplicate", keep.Number, res.Number), "; ")
		} else {
			res.Note = strings.TrimPrefix(res.Note+fmt.Sprintf("; another run filed #%d at the same time: recorded there and closed #%d as its duplicate", keep.Number, res.Number), "; ")
			res.Kind = plan.Update
		}
		res.Number, res.URL = keep.Number, keep.URL
	}
}

// record merges the occurrences of cont.State into issue number's state
// and rewrites its tool section (IssuesService.Get, IssuesService.Edit).
// GitHub has no conditional writes, so it reads back what it wrote and
// tries again when a concurrent writer overwrote it.
func (c *Client) record(ctx context.Context, number int, cont issue.Content) error {
	for try := 0; try < 4; try++ {
		is, _, err := c.gh.Issues.Get(ctx, c.owner, c.repo, number)
		if err != nil {
			return fmt.Errorf("record occurrence on #%d: %w", number, c.explain("get issue", err))
		}
		cur, _ := issue.Parse(is.GetBody())
		if cur.ID != cont.State.ID && cur.ID != issue.CanonicalID(cont.Finding.ID) {
			return fmt.Errorf("record occurrence on #%d: it no longer tracks %q", number, cont.Finding.ID)
		}
		if try > 0 && hasAll(cur.State, cont.State) {
			return nil
		}
		if cur.State.ID == "" {
			cur.State.ID = cur.ID
		}
		next := cont
		next.State = cur.State.Merge(cont.State)
		next.State.Consistent = cur.State.Consistent
		next.State.LastComment = cur.State.LastComment
		if _, _, err := c.gh.Issues.Edit(ctx, c.owner, c.repo, number, &github.IssueRequest{Body: github.String(issue.Render(cur.Human, next))}); err != nil {
			return fmt.Errorf("record occurrence on #%d: %w", number, c.explain("edit issue", err))
		}
		// Let racing writers land before reading back.
		if err := sleepCtx(ctx, time.Duration(50<<try)*time.Millisecond); err != nil {
			return err
		}
	}
	return nil
}

func hasAll(s, want issue.State) bool {
	for _, r := range want.Runs {
		if !s.Has(r.Key()) {
			return false
		}
	}
	return true
}

func status(err error) int {
	var er *github.ErrorResponse
	if errors.As(err, &er) && er.Response != nil {
		return er.Response.StatusCode
	}
	var rl *github.RateLimitError
	if errors.As(err, &rl) && rl.Response != nil {
		return rl.Response.StatusCode
	}
	var ab *github.AbuseRateLimitError
	if errors.As(err, &ab) && ab.Response != nil {
		return ab.Response.StatusCode
	}
	return 0
}

// explain turns an API error into one that says what to do.
func (c *Client) explain(op string, err error) error {
	var rl *github.RateLimitError
	var ab *github.AbuseRateLimitError
	switch {
	case errors.As(err, &rl):
		return fmt.Errorf("%s: GitHub's rate limit is exhausted until %s: %w", op, rl.Rate.Reset.Time.UTC().Format(time.RFC3339), err)
	case errors.As(err, &ab):
		return fmt.Errorf("%s: GitHub's secondary rate limit still applies after retrying; run again later: %w", op, err)
	}
	switch status(err) {
	case http.StatusUnauthorized:
		return fmt.Errorf("%s: GitHub rejected the token (401): check --token / GITHUB_TOKEN: %w", op, err)
	case http.StatusForbidden:
		return fmt.Errorf("%s: the token may not do this (403): give the workflow the `issues: write` permission: %w", op, err)
	case http.StatusNotFound:
		return fmt.Errorf("%s: not found (404): check that repository %s exists and the token can see it, and the API URL: %w", op, c.Repo(), err)
	case http.StatusGone:
		// GitHub answers 410 both for a deleted issue and for a repository
		// whose issues are disabled; only the message tells them apart.
		var er *github.ErrorResponse
		if errors.As(err, &er) && strings.Contains(strings.ToLower(er.Message), "deleted") {
			return fmt.Errorf("%s: the issue was deleted (410); the next run that sees the test fail files a new one: %w", op, err)
		}
		return fmt.Errorf("%s: issues are disabled on %s (410): enable them in the repository settings or use --mode annotate: %w", op, c.Repo(), err)
	}
	return fmt.Errorf("%s: %w", op, err)
}

// REST returns the go-github client, with the same authentication, base URL
// and retries, for the other GitHub APIs the tool calls (check runs,
// workflow run artifacts).
func (c *Client) REST() *github.Client { return c.gh }
