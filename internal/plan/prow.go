package plan

// A ProwJob is the identity of a Prow job run (inside a Prow job, from
// JOB_SPEC; with --from-prow, from the run folder's metadata files). A
// Prow run is keyed by job name and build id: there are no attempts.
type ProwJob struct {
	// Type is periodic, postsubmit, presubmit or batch.
	Type string
	// Job is the job's name, BuildID the run's build id (a snowflake
	// id), ProwJobID the ProwJob object's name.
	Job, BuildID, ProwJobID string
	// Repo is the repository under test (owner/name), BaseRef its branch.
	Repo, BaseRef string
	// Commit is what the tests ran on, as GitHub knows it: a presubmit's
	// pull request head, never the local merge commit.
	Commit string
	// PR is a presubmit's pull request number, 0 otherwise.
	PR int
	// URL is the job page on Deck (https://prow.k8s.io/view/gs/…).
	URL string
}

// Key identifies the run for a ledger: job name and build id.
func (p ProwJob) Key() string { return p.Job + "/" + p.BuildID }

// Branch reports whether the run's outcomes describe its base branch:
// periodic and postsubmit runs do, pull request runs (presubmit, batch)
// do not.
func (p ProwJob) Branch() bool { return p.Type == "periodic" || p.Type == "postsubmit" }
