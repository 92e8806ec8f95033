package triage

// Prow is the Prow job run of a result (the JSON's "prow" object): which
// job and build, of which type, on which commit, and its job page.
type Prow struct {
	Job       string `json:"job"`
	BuildID   string `json:"build_id"`
	ProwJobID string `json:"prow_job_id,omitempty"`
	// Type is periodic, postsubmit, presubmit or batch.
	Type    string `json:"type"`
	Repo    string `json:"repo,omitempty"`
	BaseRef string `json:"base_ref,omitempty"`
	// Commit is what the tests ran on: a presubmit's pull request head.
	Commit string `json:"commit,omitempty"`
	PR     int    `json:"pull,omitempty"`
	// URL is the job page.
	URL string `json:"url"`
	// Folder is the run's folder, gs://BUCKET/PATH, when known.
	Folder string `json:"folder,omitempty"`
}
