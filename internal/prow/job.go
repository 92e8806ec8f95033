package prow

import (
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Job types, as ProwJob's spec.type and JOB_SPEC's type name them.
const (
	Periodic   = "periodic"
	Postsubmit = "postsubmit"
	Presubmit  = "presubmit"
	Batch      = "batch"
)

// A Job is the identity of one Prow job run: what the issue history and
// the run ledger record of it.
type Job struct {
	// Type is periodic, postsubmit, presubmit or batch.
	Type string
	// Name is the job's name, e.g. periodic-cluster-api-e2e-main.
	Name string
	// BuildID is the run's build id (a snowflake id of 19 digits).
	BuildID string
	// ProwJobID is the ProwJob object's name (a UUID).
	ProwJobID string
	// Org and Repo are the repository under test: refs, or for a
	// periodic the first extra ref.
	Org, Repo string
	BaseRef   string
	BaseSHA   string
	// PR is the pull request number of a presubmit, 0 otherwise.
	PR     int
	Author string
	// Commit is the commit the tests ran on, as GitHub knows it: a
	// presubmit's pull request head (never the local merge commit that
	// clonerefs made), a postsubmit's base_sha, a periodic's checkout.
	Commit string
	// URL is the job page.
	URL    string
	Folder Folder
	// Started and Finished are the run's times (zero when unknown), Result
	// its outcome (SUCCESS, FAILURE, ABORTED, or empty).
	Started, Finished time.Time
	Result            string
}

// Repository is the repository under test as owner/name, or "".
func (j Job) Repository() string {
	if j.Org == "" || j.Repo == "" {
		return ""
	}
	return j.Org + "/" + j.Repo
}

// refs are a job's repositories (Prow's pkg/apis/prowjobs/v1 Refs and Pull).
type refs struct {
	Org     string `json:"org"`
	Repo    string `json:"repo"`
	BaseRef string `json:"base_ref"`
	BaseSHA string `json:"base_sha"`
	Pulls   []struct {
		Number int    `json:"number"`
		Author string `json:"author"`
		SHA    string `json:"sha"`
	} `json:"pulls"`
}

type gcsConfiguration struct {
	Bucket       string `json:"bucket"`
	PathPrefix   string `json:"path_prefix"`
	PathStrategy string `json:"path_strategy"`
	DefaultOrg   string `json:"default_org"`
	DefaultRepo  string `json:"default_repo"`
}

// jobSpec is JOB_SPEC (prow pkg/pod-utils/downwardapi JobSpec) and the
// spec of a ProwJob, which share these fields.
type jobSpec struct {
	Type             string `json:"type"`
	Job              string `json:"job"`
	BuildID          string `json:"buildid"`
	ProwJobID        string `json:"prowjobid"`
	Refs             *refs  `json:"refs"`
	ExtraRefs        []refs `json:"extra_refs"`
	DecorationConfig *struct {
		GCSConfiguration *gcsConfiguration `json:"gcs_configuration"`
	} `json:"decoration_config"`
}

// ParseJobSpec reads the JOB_SPEC document of a running job. deck is the
// Prow instance for the job page; the run folder comes from the spec's
// GCS configuration (path strategy, default org and repo, prefix) as
// Prow's gcsupload lays it out. Without a bucket the page is Deck's
// /prowjob?prowjob=ID view, or empty.
func ParseJobSpec(data []byte, deck string) (Job, error) {
	var s jobSpec
	if err := json.Unmarshal(data, &s); err != nil {
		return Job{}, fmt.Errorf("read JOB_SPEC: %w", err)
	}
	if s.Type == "" || s.Job == "" {
		return Job{}, fmt.Errorf("read JOB_SPEC: no type or job")
	}
	switch s.Type {
	case Periodic, Postsubmit, Presubmit, Batch:
	default:
		return Job{}, fmt.Errorf("read JOB_SPEC: unknown job type %q", s.Type)
	}
	j := Job{Type: s.Type, Name: s.Job, BuildID: s.BuildID, ProwJobID: s.ProwJobID}
	j.fromRefs(s.Refs, s.ExtraRefs)
	if s.DecorationConfig != nil && s.DecorationConfig.GCSConfiguration != nil {
		if f, ok := folderForSpec(s, *s.DecorationConfig.GCSConfiguration); ok {
			j.Folder = f
			j.URL = f.JobPage(deck)
		}
	}
	if j.URL == "" && s.ProwJobID != "" {
		if deck == "" {
			deck = DefaultDeck
		}
		j.URL = strings.TrimRight(deck, "/") + "/prowjob?prowjob=" + s.ProwJobID
	}
	return j, nil
}

// fromRefs takes the repository, base and pull request from the job's
// refs, or from its first extra ref when it has none (periodics).
func (j *Job) fromRefs(r *refs, extra []refs) {
	if r == nil && len(extra) > 0 {
		r = &extra[0]
	}
	if r == nil {
		return
	}
	j.Org, j.Repo, j.BaseRef, j.BaseSHA = r.Org, r.Repo, r.BaseRef, r.BaseSHA
	if len(r.Pulls) > 0 {
		p := r.Pulls[0]
		j.PR, j.Author = p.Number, p.Author
		if isSHA(p.SHA) {
			j.Commit = p.SHA
		}
		return
	}
	if isSHA(r.BaseSHA) {
		j.Commit = r.BaseSHA
	}
}

// folderForSpec is the run folder Prow's gcsupload writes a job's
// artifacts to (prow pkg/pod-utils/gcs PathForSpec with the configured
// RepoPathBuilder, and gcsupload's path_prefix in front).
func folderForSpec(s jobSpec, c gcsConfiguration) (Folder, bool) {
	bucket := strings.TrimPrefix(c.Bucket, "gs://")
	if bucket == "" || s.BuildID == "" {
		return Folder{}, false
	}
	var p string
	switch s.Type {
	case Periodic, Postsubmit:
		p = path.Join("logs", s.Job, s.BuildID)
	case Presubmit:
		if s.Refs == nil || len(s.Refs.Pulls) == 0 {
			return Folder{}, false
		}
		p = path.Join("pr-logs", "pull", repoSegment(c, s.Refs.Org, s.Refs.Repo), strconv.Itoa(s.Refs.Pulls[0].Number), s.Job, s.BuildID)
	case Batch:
		p = path.Join("pr-logs", "pull", "batch", s.Job, s.BuildID)
	}
	if c.PathPrefix != "" {
		p = path.Join(c.PathPrefix, p)
	}
	return Folder{Bucket: bucket, Path: strings.Trim(p, "/")}, true
}

// repoSegment is the org_repo part of a presubmit's folder under the
// configured path strategy: legacy drops the default org (and the default
// repo), single drops only the default org/repo pair, explicit drops
// nothing.
func repoSegment(c gcsConfiguration, org, repo string) string {
	full := org + "_" + strings.ReplaceAll(repo, "/", "_")
	switch c.PathStrategy {
	case "legacy":
		if org == c.DefaultOrg {
			if repo == c.DefaultRepo {
				return ""
			}
			return repo
		}
	case "single":
		if org == c.DefaultOrg && repo == c.DefaultRepo {
			return ""
		}
	}
	return full
}

// The metadata files of a run folder.
type (
	prowJobFile struct {
		Metadata struct {
			Name   string            `json:"name"`
			Labels map[string]string `json:"labels"`
		} `json:"metadata"`
		Spec   jobSpec `json:"spec"`
		Status struct {
			StartTime      string `json:"startTime"`
			CompletionTime string `json:"completionTime"`
			State          string `json:"state"`
			URL            string `json:"url"`
			BuildID        string `json:"build_id"`
		} `json:"status"`
	}
	startedFile struct {
		Timestamp  int64             `json:"timestamp"`
		Pull       string            `json:"pull"`
		Repos      map[string]string `json:"repos"`
		RepoCommit string            `json:"repo-commit"`
	}
	finishedFile struct {
		Timestamp *int64 `json:"timestamp"`
		Result    string `json:"result"`
		Revision  string `json:"revision"`
	}
)

// Metadata is the content of a run folder's metadata files; a nil slice
// is a file that is absent.
type Metadata struct {
	ProwJob, Started, Finished []byte
}

// FromFolder returns the identity of the job run in folder f from its
// metadata files, in order of trust: prowjob.json (the ProwJob itself),
// then started.json and finished.json, then the folder's path. The job
// page is prowjob.json's status.url when it is on deck, else built on
// deck. Problems with a file are returned, with what could be known.
func FromFolder(f Folder, md Metadata, deck string) (Job, []string) {
	var problems []string
	j := Job{Folder: f, URL: f.JobPage(deck)}
	j.fromPath(f.Path)
	var pj prowJobFile
	if md.ProwJob != nil {
		if err := unmarshal(md.ProwJob, &pj); err != nil {
			problems = append(problems, fmt.Sprintf("read %s/prowjob.json: %v", f, err))
		} else {
			s := pj.Spec
			set(&j.Type, s.Type)
			set(&j.Name, s.Job)
			set(&j.BuildID, pj.Status.BuildID)
			set(&j.ProwJobID, pj.Metadata.Name)
			j.fromRefs(s.Refs, s.ExtraRefs)
			j.Started, j.Finished = rfc3339(pj.Status.StartTime), rfc3339(pj.Status.CompletionTime)
			j.Result = map[string]string{"success": "SUCCESS", "failure": "FAILURE", "aborted": "ABORTED", "error": "ERROR"}[pj.Status.State]
			if u := pj.Status.URL; u != "" && sameDeck(u, j.URL) {
				j.URL = strings.TrimRight(u, "/")
			}
		}
	}
	if md.Started != nil {
		var st startedFile
		if err := unmarshal(md.Started, &st); err != nil {
			problems = append(problems, fmt.Sprintf("read %s/started.json: %v", f, err))
		} else {
			if j.Started.IsZero() && st.Timestamp > 0 {
				j.Started = time.Unix(st.Timestamp, 0).UTC()
			}
			if j.PR == 0 {
				j.PR, _ = strconv.Atoi(st.Pull)
			}
			j.fromRepos(st.Repos)
			// repo-commit is the checkout's final commit: for a pull
			// request, clonerefs' local merge, which no server has.
			if j.Commit == "" && j.PR == 0 && j.Type != Presubmit && j.Type != Batch && isSHA(st.RepoCommit) {
				j.Commit = st.RepoCommit
			}
		}
	}
	if md.Finished != nil {
		var fi finishedFile
		if err := unmarshal(md.Finished, &fi); err != nil {
			problems = append(problems, fmt.Sprintf("read %s/finished.json: %v", f, err))
		} else {
			if j.Finished.IsZero() && fi.Timestamp != nil && *fi.Timestamp > 0 {
				j.Finished = time.Unix(*fi.Timestamp, 0).UTC()
			}
			set(&j.Result, fi.Result)
			// revision is pulls[0].sha, else base_sha, else base_ref.
			if j.Commit == "" && isSHA(fi.Revision) {
				j.Commit = fi.Revision
			}
		}
	}
	if j.Type == "" {
		j.Type = Periodic
		if strings.HasPrefix(f.Path, "pr-logs/") {
			j.Type = Presubmit
		}
	}
	return j, problems
}

// fromPath reads job, build id and pull request from the folder's path:
// logs/JOB/BUILD or pr-logs/pull/[ORG_REPO/]PR/JOB/BUILD (a path_prefix
// may come first).
func (j *Job) fromPath(p string) {
	parts := strings.Split(p, "/")
	if len(parts) < 2 {
		return
	}
	n := len(parts)
	if buildID.MatchString(parts[n-1]) {
		j.BuildID = parts[n-1]
		j.Name = parts[n-2]
	}
	for i := 0; i+1 < n; i++ {
		if parts[i] == "pr-logs" && parts[i+1] == "pull" {
			j.Type = Presubmit
			// The tail is [ORG_REPO/]PR/JOB/BUILD: the legacy path
			// strategy leaves ORG_REPO out for the default repository.
			if i+2 < n && parts[i+2] == "batch" {
				j.Type = Batch
			} else if n-3 >= i+2 {
				j.PR, _ = strconv.Atoi(parts[n-3])
			}
		}
	}
}

// fromRepos reads started.json's repos ({"org/repo": "main:BASE,PR:SHA"})
// when the ProwJob did not give the repository.
func (j *Job) fromRepos(repos map[string]string) {
	if j.Org != "" || len(repos) == 0 {
		return
	}
	// The repository under test is the one with a pull request, else the
	// only one.
	var names []string
	for name, spec := range repos {
		if strings.Contains(spec, ",") {
			names = append(names, name)
		}
	}
	if len(names) == 0 && len(repos) == 1 {
		for name := range repos {
			names = append(names, name)
		}
	}
	if len(names) != 1 {
		return
	}
	for _, name := range names {
		spec := repos[name]
		org, repo, ok := strings.Cut(name, "/")
		if !ok {
			return
		}
		j.Org, j.Repo = org, repo
		parts := strings.Split(spec, ",")
		base, sha, _ := strings.Cut(parts[0], ":")
		set(&j.BaseRef, base)
		if isSHA(sha) {
			set(&j.BaseSHA, sha)
		}
		if len(parts) > 1 {
			num, psha, _ := strings.Cut(parts[1], ":")
			if n, err := strconv.Atoi(num); err == nil && j.PR == 0 {
				j.PR = n
			}
			if j.Commit == "" && isSHA(psha) {
				j.Commit = psha
			}
		} else if j.Commit == "" && isSHA(sha) && j.Type != Presubmit {
			j.Commit = sha
		}
	}
}

var (
	buildID = regexp.MustCompile(`^[0-9]{1,20}$`)
	sha     = regexp.MustCompile(`^([0-9a-f]{40}|[0-9a-f]{64})$`)
)

// unmarshal decodes a metadata file leniently: a field of an unexpected
// type (Prow's files have changed over the years) is skipped and the rest
// kept; only a file that is not JSON is an error.
func unmarshal(data []byte, v any) error {
	err := json.Unmarshal(data, v)
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return nil
	}
	return err
}

// rfc3339 parses a Kubernetes timestamp, or gives the zero time.
func rfc3339(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}

func isSHA(s string) bool { return sha.MatchString(s) }

func set(dst *string, v string) {
	if v != "" {
		*dst = v
	}
}

// sameDeck reports whether the ProwJob's own URL is on the deck that the
// built URL names: another deck's status.url is kept out of links that
// --prow-url chose.
func sameDeck(status, built string) bool {
	a, b := strings.Index(status, "/view/"), strings.Index(built, "/view/")
	return a > 0 && b > 0 && status[:a] == built[:b]
}
