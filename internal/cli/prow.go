package cli

import (
	"context"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/flake-triage/flake-triage/internal/gcs"
	"github.com/flake-triage/flake-triage/internal/plan"
	"github.com/flake-triage/flake-triage/internal/prow"
	"github.com/flake-triage/flake-triage/internal/triage"
)

// prowLimits bound what --from-prow downloads (tests lower them).
var (
	prowLimits   = prow.DefaultLimits
	prowMaxPages = 100
	prowPageSize = 1000
)

// prowEnv returns the Prow job the tool runs inside: Prow's pod utilities
// set JOB_SPEC (a JSON document: type, job, buildid, prowjobid, refs,
// extra_refs, decoration_config) with PROW_JOB_ID, JOB_NAME, BUILD_ID and
// ARTIFACTS. ok is false outside Prow.
func prowEnv(getenv func(string) string, deck string) (j prow.Job, ok bool, err error) {
	spec := getenv("JOB_SPEC")
	if spec == "" || (getenv("PROW_JOB_ID") == "" && getenv("BUILD_ID") == "") {
		return prow.Job{}, false, nil
	}
	j, err = prow.ParseJobSpec([]byte(spec), deck)
	if err != nil {
		return j, false, err
	}
	if j.BuildID == "" {
		j.BuildID = getenv("BUILD_ID")
	}
	if j.ProwJobID == "" {
		j.ProwJobID = getenv("PROW_JOB_ID")
	}
	return j, true, nil
}

// prowDefaults sets the defaults that depend on Prow: the deck for links,
// reports relative to the run folder with --from-prow, reports under
// $ARTIFACTS and the repository from JOB_SPEC's refs inside a Prow job.
func (o *Options) prowDefaults(getenv func(string) string) {
	if o.FromProw != nil {
		if !o.ReportsSet {
			o.Reports = []string{"artifacts/**/junit*.xml"}
		}
		return
	}
	j, ok, _ := prowEnv(getenv, "")
	if !ok {
		return
	}
	if a := getenv("ARTIFACTS"); a != "" && !o.ReportsSet {
		o.Reports = []string{filepath.ToSlash(filepath.Join(a, "**/junit*.xml"))}
	}
	if o.Repo == "" && getenv("GITHUB_REPOSITORY") == "" {
		o.Repo = j.Repository()
	}
}

// prowInside takes the run's identity, commit, pull request and links
// from Prow when the tool runs inside a Prow job, and resolves --mode
// auto: periodic and postsubmit jobs file, presubmits only plan (there are
// no annotations in Prow).
func (t *run) prowInside() {
	if t.o.FromProw != nil {
		return
	}
	j, ok, err := prowEnv(t.env.Getenv, t.deck())
	if err != nil {
		t.problems = append(t.problems, fmt.Sprintf("inside Prow: %v; the run is not linked to its job", err))
		return
	}
	if !ok {
		return
	}
	if j.Commit == "" {
		// A periodic's extra refs have no base_sha: the checkout has it.
		j.Commit = headCommit(t.repo.fsys)
	}
	t.setProw(j)
	if t.o.Mode == "auto" {
		t.o.Mode = "annotate"
		// Without a token nothing can be filed; a dry run still plans it.
		if prowBranch(j) && (t.client != nil || t.o.DryRun) {
			t.o.Mode = "file"
		}
	}
	if a := t.env.Getenv("ARTIFACTS"); a != "" {
		// Relative logs globs are read as with --from-prow: against the
		// run folder, which is $ARTIFACTS' parent inside the job.
		t.prowLogs = filepath.Dir(a)
	}
}

// fetchProw downloads the reports and logs of the Prow job run that
// --from-prow names into a temporary folder and takes the run's identity
// from its metadata files. A bucket that cannot be listed is an error of
// the result (exit 1) and the triage goes on with no reports.
func (t *run) fetchProw(ctx context.Context) error {
	if t.o.FromProw == nil {
		return nil
	}
	dir, err := os.MkdirTemp("", "flake-triage-prow-")
	if err != nil {
		return fmt.Errorf("from-prow: %w", err)
	}
	t.cleanups = append(t.cleanups, func() { os.RemoveAll(dir) })
	t.prowDir, t.prowLogs = dir, dir
	// A controller log of hundreds of MB takes longer than the API's
	// usual 60 s request timeout to stream.
	var hc http.Client
	if t.env.HTTPClient != nil {
		hc = *t.env.HTTPClient
	}
	hc.Timeout = 15 * time.Minute
	client := &gcs.Client{HTTP: &hc, Endpoint: gcs.Endpoint(t.env.Getenv), MaxPages: prowMaxPages, PageSize: prowPageSize}
	sel := prow.Selection{Reports: t.o.Reports, Logs: t.cfg.Logs}
	fetched, err := prow.Fetch(ctx, client, *t.o.FromProw, dir, sel, prowLimits, t.deck(), t.env.Stderr)
	t.problems = append(t.problems, fetched.Problems...)
	if err != nil {
		t.problems = append(t.problems, fmt.Sprintf("from-prow: %v", err))
		t.failed = true
	}
	t.setProw(fetched.Job)
	if !fetched.Job.Started.IsZero() {
		// The issue history records when the run ran, not when it was
		// re-triaged; a failure older than an issue's closing does not
		// reopen it.
		t.info.Started = fetched.Job.Started
	}
	if t.o.Mode == "auto" && !prowBranch(fetched.Job) {
		// A pull request's failure may be the pull request's own doing.
		t.o.Mode = "annotate"
	}
	return nil
}

// deck is the Prow instance that links name: --prow-url (or the input),
// else the config's prow-url, else https://prow.k8s.io.
func (t *run) deck() string {
	if t.cfg.ProwURL != "" {
		return t.cfg.ProwURL
	}
	return prow.DefaultDeck
}

// prowBranch reports whether a job's runs describe its base branch, so
// that --mode auto files for them.
func prowBranch(j prow.Job) bool { return j.Type == prow.Periodic || j.Type == prow.Postsubmit }

// setProw makes the Prow job run the run's identity: the issue history
// links its job page and commit, the ledger keys it by job and build id.
func (t *run) setProw(j prow.Job) {
	t.info = prowRun(t.info, j)
	if t.info.Repo == "" {
		t.info.Repo = j.Repository()
	}
	t.where.SHA, t.where.RunURL = t.info.SHA, t.info.URL
	if t.where.Repo == "" {
		t.where.Repo = t.info.Repo
	}
	t.prow = &triage.Prow{
		Job: j.Name, BuildID: j.BuildID, ProwJobID: j.ProwJobID, Type: j.Type, Repo: j.Repository(),
		BaseRef: j.BaseRef, Commit: j.Commit, PR: j.PR, URL: j.URL,
	}
	if j.Folder.Bucket != "" {
		t.prow.Folder = j.Folder.String()
	}
}

// prowRun describes a Prow job run for the issue history: the build id is
// the run id (one attempt), the job name the job, the job page the URL.
func prowRun(now plan.Run, j prow.Job) plan.Run {
	id, _ := strconv.ParseInt(j.BuildID, 10, 64)
	now.ID, now.Attempt, now.Job = id, 1, j.Name
	now.SHA, now.Event, now.Ref, now.URL = j.Commit, j.Type, j.BaseRef, j.URL
	if j.PR != 0 {
		now.Ref = "pull/" + strconv.Itoa(j.PR)
	}
	now.Prow = &plan.ProwJob{
		Type: j.Type, Job: j.Name, BuildID: j.BuildID, ProwJobID: j.ProwJobID,
		Repo: j.Repository(), BaseRef: j.BaseRef, Commit: j.Commit, PR: j.PR, URL: j.URL,
	}
	return now
}

// prowResult puts the Prow job run into the result (its "prow" object).
func (t *run) prowResult() {
	if t.prow != nil {
		t.res.Prow = t.prow
	}
}

// logSource is where the logs globs are read: the repository, or with
// --from-prow (and inside a Prow job) the run folder, and the file
// system's root for absolute globs.
func (t *run) logSource() (fs.FS, []string) {
	globs := t.cfg.Logs
	var abs []string
	for _, g := range globs {
		if filepath.IsAbs(strings.TrimPrefix(g, "!")) {
			neg := ""
			if strings.HasPrefix(g, "!") {
				neg = "!"
			}
			abs = append(abs, neg+strings.TrimPrefix(filepath.ToSlash(strings.TrimPrefix(g, "!")), "/"))
		}
	}
	if len(abs) > 0 && len(abs) == len(globs) {
		return os.DirFS("/"), abs
	}
	if t.prowDir != "" {
		return os.DirFS(t.prowDir), withoutGz(globs)
	}
	if t.prowLogs != "" {
		return os.DirFS(t.prowLogs), globs
	}
	return t.repo.fsys, globs
}

// withoutGz maps globs of the run folder's objects onto the downloaded
// copies, which are stored gunzipped without their .gz suffix.
func withoutGz(globs []string) []string {
	out := make([]string, len(globs))
	for i, g := range globs {
		out[i] = strings.TrimSuffix(g, ".gz")
	}
	return out
}

// headCommit reads the checkout's HEAD commit from its .git directory
// (a branch ref, loose or packed), or "".
func headCommit(fsys fs.FS) string {
	head, err := fs.ReadFile(fsys, ".git/HEAD")
	if err != nil {
		return ""
	}
	h := strings.TrimSpace(string(head))
	ref, ok := strings.CutPrefix(h, "ref: ")
	if !ok {
		return hexSHA(h)
	}
	if b, err := fs.ReadFile(fsys, ".git/"+ref); err == nil {
		return hexSHA(strings.TrimSpace(string(b)))
	}
	packed, _ := fs.ReadFile(fsys, ".git/packed-refs")
	for line := range strings.Lines(string(packed)) {
		if sha, name, ok := strings.Cut(strings.TrimSpace(line), " "); ok && name == ref {
			return hexSHA(sha)
		}
	}
	return ""
}

func hexSHA(s string) string {
	if len(s) != 40 && len(s) != 64 {
		return ""
	}
	for _, c := range s {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return ""
		}
	}
	return s
}
