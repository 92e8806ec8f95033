// Package prow knows what flake-triage needs of Prow, Kubernetes' CI: the
// URLs that name a job run, where a run's folder lies in its GCS bucket,
// and the run's identity (job, build id, type, commit, pull request, job
// page) from the metadata files Prow uploads (prowjob.json, started.json,
// finished.json) or, inside a running job, from the JOB_SPEC variable that
// Prow's pod utilities set. It reads no network and no files: callers pass
// bytes.
package prow

import (
	"fmt"
	"net/url"
	"strings"
)

// DefaultDeck is the Prow instance whose job pages links name by default.
const DefaultDeck = "https://prow.k8s.io"

// A Folder is a job run's folder in a bucket: gs://Bucket/Path.
type Folder struct {
	Bucket string
	// Path is the run folder, without a leading or trailing slash, e.g.
	// logs/periodic-cluster-api-e2e-main/1799999999999999999.
	Path string
}

// String is the folder as a gs:// URL.
func (f Folder) String() string { return "gs://" + f.Bucket + "/" + f.Path }

// JobPage is the run's page on the Prow instance deck (Deck's Spyglass):
// deck/view/gs/bucket/path, as Prow's pjutil.JobURL builds status.url.
func (f Folder) JobPage(deck string) string {
	if deck == "" {
		deck = DefaultDeck
	}
	return strings.TrimRight(deck, "/") + "/view/gs/" + f.Bucket + "/" + f.Path
}

// ParseURL reads a URL naming a job run's folder: a Prow job page
// (https://HOST/view/gs/BUCKET/PATH, or the legacy /view/gcs/), a gcsweb
// URL (https://HOST/gcs/BUCKET/PATH/) or gs://BUCKET/PATH. Any other
// shape is an error naming the URL.
func ParseURL(s string) (Folder, error) {
	bad := func(why string) (Folder, error) {
		return Folder{}, fmt.Errorf("%q is not a Prow job run: %s (want https://prow.k8s.io/view/gs/BUCKET/PATH, https://gcsweb.k8s.io/gcs/BUCKET/PATH/ or gs://BUCKET/PATH)", s, why)
	}
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil {
		return bad("not a URL")
	}
	var rest string
	switch u.Scheme {
	case "gs":
		rest = u.Host + u.Path
		if u.Host == "" {
			return bad("no bucket")
		}
	case "https", "http":
		p := u.Path
		switch {
		case strings.HasPrefix(p, "/view/gs/"):
			rest = strings.TrimPrefix(p, "/view/gs/")
		case strings.HasPrefix(p, "/view/gcs/"):
			rest = strings.TrimPrefix(p, "/view/gcs/")
		case strings.HasPrefix(p, "/gcs/"):
			rest = strings.TrimPrefix(p, "/gcs/")
		case strings.HasPrefix(p, "/gs/"):
			rest = strings.TrimPrefix(p, "/gs/")
		default:
			return bad("the path is neither /view/gs/… (a job page) nor /gcs/… (gcsweb)")
		}
	default:
		return bad("not an https:// or gs:// URL")
	}
	rest = strings.TrimRight(rest, "/")
	bucket, folder, _ := strings.Cut(rest, "/")
	if !validBucket(bucket) {
		return bad(fmt.Sprintf("bucket %q is not a bucket name", bucket))
	}
	if folder == "" {
		return bad("no run folder after the bucket")
	}
	for _, el := range strings.Split(folder, "/") {
		if el == "" || el == "." || el == ".." || strings.Contains(el, `\`) {
			return bad(fmt.Sprintf("folder %q is not a clean path", folder))
		}
	}
	return Folder{Bucket: bucket, Path: folder}, nil
}

// validBucket follows GCS's bucket naming rules closely enough to refuse
// what is not one: 3 to 222 characters of lower-case letters, digits,
// dashes, underscores and dots, starting and ending with a letter or digit.
func validBucket(b string) bool {
	if len(b) < 3 || len(b) > 222 {
		return false
	}
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
		case c == '-' || c == '_' || c == '.':
			if i == 0 || i == len(b)-1 {
				return false
			}
		default:
			return false
		}
	}
	return true
}
