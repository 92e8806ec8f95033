package prow

import (
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/flake-triage/flake-triage/internal/artifact"
	"github.com/flake-triage/flake-triage/internal/gcs"
)

// A Store is the part of a GCS client that Fetch calls (gcs.Client).
type Store interface {
	// List returns the objects whose names start with prefix.
	List(ctx context.Context, bucket, prefix string) ([]gcs.Object, error)
	// Open downloads an object, gunzipped.
	Open(ctx context.Context, bucket, name string) (io.ReadCloser, error)
}

// Limits bound what Fetch downloads: artifacts are written by the job's
// own code (for a presubmit, the pull request's), so they are hostile.
type Limits struct {
	// MaxObjects bounds how many selected objects are downloaded.
	MaxObjects int
	// MaxObjectBytes bounds one object, counted as written (gunzipped).
	MaxObjectBytes int64
	// MaxTotalBytes bounds all objects of a run, likewise.
	MaxTotalBytes int64
	// MaxMetadataBytes bounds prowjob.json, started.json, finished.json.
	MaxMetadataBytes int64
	// Parallel is how many downloads run at once.
	Parallel int
}

// DefaultLimits allow a Cluster API run's reports and controller logs
// (tens of MB each) with room, and stay small for a CI machine's disk.
var DefaultLimits = Limits{
	MaxObjects:       2000,
	MaxObjectBytes:   1 << 30,
	MaxTotalBytes:    4 << 30,
	MaxMetadataBytes: 4 << 20,
	Parallel:         4,
}

// Selection is which objects of the run folder to download: doublestar
// globs relative to the folder, "!glob" excluding. An object stored
// without its .gz (as Prow uploads x.log.gz) or with it matches either way.
type Selection struct {
	Reports, Logs []string
}

// Fetched is what Fetch brought in.
type Fetched struct {
	Job Job
	// Files are the downloaded objects' paths under the destination,
	// slash-separated, relative to the run folder (a .gz suffix dropped:
	// the content is stored gunzipped).
	Files []string
	// Listed is how many objects the folder holds.
	Listed int
	// Problems say, one sentence each, what was refused or failed, naming
	// the object.
	Problems []string
}

// Fetch reads job run folder f: it lists the folder, reads its metadata
// files for the run's identity (see FromFolder), and downloads the objects
// that sel selects into dir, an existing empty temporary directory, in
// parallel, printing a line per object to progress (nil for none).
//
// It fails only when the folder cannot be listed at all (a missing or
// private bucket); a listing cut by the page limit, an object refused for
// its name or size, a failed download or a corrupt .gz is a problem, and
// the rest goes on. Nothing is written outside dir: every name is checked
// like an archive entry's (artifact.IsLocalName) and written through an
// os.Root.
func Fetch(ctx context.Context, st Store, f Folder, dir string, sel Selection, lim Limits, deck string, progress io.Writer) (Fetched, error) {
	var out Fetched
	if progress == nil {
		progress = io.Discard
	}
	prefix := f.Path + "/"
	objs, err := st.List(ctx, f.Bucket, prefix)
	if err == nil && len(objs) == 0 {
		// Spyglass's alias of a run (pr-logs/directory/JOB/BUILD) is an
		// object BUILD.txt holding the run folder's gs:// URL: follow it
		// once, as Deck does.
		if to, ok := alias(ctx, st, f); ok {
			fmt.Fprintf(progress, "prow: %s is a link to %s\n", f, to)
			f, prefix = to, to.Path+"/"
			objs, err = st.List(ctx, f.Bucket, prefix)
		}
	}
	if err == nil && len(objs) == 0 {
		out.Job, _ = FromFolder(f, Metadata{}, deck)
		return out, fmt.Errorf("list %s: no objects (a run older than the bucket keeps them, or not a run folder)", f)
	}
	if err != nil && len(objs) == 0 {
		out.Job, _ = FromFolder(f, Metadata{}, deck)
		return out, err
	}
	if err != nil {
		out.Problems = append(out.Problems, fmt.Sprintf("%v; going on with the %d objects listed", err, len(objs)))
	}
	out.Listed = len(objs)
	fmt.Fprintf(progress, "prow: %s holds %d objects\n", f, len(objs))

	var md Metadata
	var picked []gcs.Object
	for _, o := range objs {
		rel, ok := strings.CutPrefix(o.Name, prefix)
		if !ok {
			continue
		}
		switch rel {
		case "prowjob.json", "started.json", "finished.json":
			data, err := readSmall(ctx, st, f.Bucket, o, lim.MaxMetadataBytes)
			if err != nil {
				out.Problems = append(out.Problems, err.Error())
				continue
			}
			switch rel {
			case "prowjob.json":
				md.ProwJob = data
			case "started.json":
				md.Started = data
			default:
				md.Finished = data
			}
			continue
		}
		if selected(rel, sel) {
			picked = append(picked, o)
		}
	}
	var problems []string
	out.Job, problems = FromFolder(f, md, deck)
	out.Problems = append(out.Problems, problems...)
	if md.ProwJob == nil && md.Started == nil {
		out.Problems = append(out.Problems, fmt.Sprintf("%s has neither prowjob.json nor started.json: the run's identity comes from its path alone", f))
	}

	root, err := os.OpenRoot(dir)
	if err != nil {
		return out, fmt.Errorf("open %s: %w", dir, err)
	}
	defer root.Close()
	jobs := choose(picked, prefix, lim, &out.Problems)
	fmt.Fprintf(progress, "prow: downloading %d of them (%d at a time)\n", len(jobs), max(lim.Parallel, 1))
	d := downloader{st: st, bucket: f.Bucket, root: root, lim: lim, left: lim.MaxTotalBytes, progress: progress, total: len(jobs)}
	d.run(ctx, jobs)
	out.Files = d.files
	out.Problems = append(out.Problems, d.problems...)
	sort.Strings(out.Files)
	return out, nil
}

// A download is one object to write at local (relative to the folder).
type download struct {
	obj   gcs.Object
	local string
}

// choose checks the selected objects' names and listed sizes and returns
// those to download, noting each refusal.
func choose(picked []gcs.Object, prefix string, lim Limits, problems *[]string) []download {
	var out []download
	taken := map[string]string{}
	var listed int64
	for _, o := range picked {
		rel := strings.TrimPrefix(o.Name, prefix)
		local := strings.TrimSuffix(rel, ".gz")
		why := ""
		switch {
		case o.Metadata["link"] != "" || o.Metadata["x-goog-meta-link"] != "":
			why = fmt.Sprintf("a link to %q, not followed", o.Metadata["link"]+o.Metadata["x-goog-meta-link"])
		case !artifact.IsLocalName(rel) || !artifact.IsLocalName(local) || strings.ContainsAny(rel, "\x00\r\n"):
			why = "its name would leave the download folder, not downloaded"
		case taken[local] != "":
			why = fmt.Sprintf("the same file as object %q, not downloaded", taken[local])
		case lim.MaxObjectBytes > 0 && o.Size > lim.MaxObjectBytes:
			why = fmt.Sprintf("%d bytes, more than the %d-byte limit per object, not downloaded", o.Size, lim.MaxObjectBytes)
		case lim.MaxObjects > 0 && len(out) >= lim.MaxObjects:
			why = fmt.Sprintf("more than %d objects selected, not downloaded", lim.MaxObjects)
		case lim.MaxTotalBytes > 0 && listed+o.Size > lim.MaxTotalBytes:
			why = fmt.Sprintf("%d bytes would go over the %d-byte limit for the run, not downloaded", o.Size, lim.MaxTotalBytes)
		}
		if why != "" {
			*problems = append(*problems, fmt.Sprintf("object %s: %s", quote(o.Name), why))
			continue
		}
		taken[local] = o.Name
		listed += o.Size
		out = append(out, download{obj: o, local: local})
	}
	return out
}

// A downloader runs downloads, Limits.Parallel at a time.
type downloader struct {
	st       Store
	bucket   string
	root     *os.Root
	lim      Limits
	progress io.Writer
	total    int

	mu       sync.Mutex
	left     int64 // of MaxTotalBytes, counted as written
	done     int
	files    []string
	problems []string
}

func (d *downloader) run(ctx context.Context, jobs []download) {
	n := max(d.lim.Parallel, 1)
	ch := make(chan download)
	var wg sync.WaitGroup
	for range min(n, max(len(jobs), 1)) {
		wg.Go(func() {
			for j := range ch {
				size, err := d.one(ctx, j)
				d.mu.Lock()
				d.done++
				if err != nil {
					d.problems = append(d.problems, fmt.Sprintf("object %s: %v", quote(j.obj.Name), err))
					fmt.Fprintf(d.progress, "prow: [%d/%d] %s: failed: %v\n", d.done, d.total, j.local, err)
				} else {
					d.files = append(d.files, j.local)
					fmt.Fprintf(d.progress, "prow: [%d/%d] %s (%s)\n", d.done, d.total, j.local, human(size))
				}
				d.mu.Unlock()
			}
		})
	}
	for _, j := range jobs {
		if ctx.Err() != nil {
			break
		}
		ch <- j
	}
	close(ch)
	wg.Wait()
}

// one downloads one object, streaming it to its file; a file cut short by
// an error or a limit is removed.
func (d *downloader) one(ctx context.Context, j download) (n int64, err error) {
	r, err := d.st.Open(ctx, d.bucket, j.obj.Name)
	if err != nil {
		return 0, fmt.Errorf("download: %w", err)
	}
	defer r.Close()
	local := filepath.FromSlash(j.local)
	if dir := path.Dir(j.local); dir != "." {
		if err := d.root.MkdirAll(filepath.FromSlash(dir), 0o755); err != nil {
			return 0, fmt.Errorf("create folder: %w", err)
		}
	}
	w, err := d.root.OpenFile(local, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		if errors.Is(err, fs.ErrExist) {
			return 0, fmt.Errorf("a file of that name was already written")
		}
		return 0, fmt.Errorf("create file: %w", err)
	}
	defer func() {
		if cerr := w.Close(); cerr != nil && err == nil {
			err = cerr
		}
		if err != nil {
			_ = d.root.Remove(local)
		}
	}()
	limit := d.lim.MaxObjectBytes
	if limit <= 0 {
		limit = 1<<63 - 1
	}
	buf := make([]byte, 256<<10)
	for {
		k, rerr := r.Read(buf)
		if k > 0 {
			n += int64(k)
			if n > limit {
				return n, fmt.Errorf("more than the %d-byte limit per object once gunzipped: %w", limit, gcs.ErrLimit)
			}
			if !d.take(int64(k)) {
				return n, fmt.Errorf("over the %d-byte limit for the run: %w", d.lim.MaxTotalBytes, gcs.ErrLimit)
			}
			if _, err := w.Write(buf[:k]); err != nil {
				return n, fmt.Errorf("write: %w", err)
			}
		}
		if rerr == io.EOF {
			return n, nil
		}
		if rerr != nil {
			if errors.Is(rerr, io.ErrUnexpectedEOF) || errors.Is(rerr, gzip.ErrHeader) || errors.Is(rerr, gzip.ErrChecksum) {
				return n, fmt.Errorf("read: the gzip content is truncated or corrupt: %w", rerr)
			}
			return n, fmt.Errorf("read: %w", rerr)
		}
	}
}

// take counts k more bytes against the run's limit.
func (d *downloader) take(k int64) bool {
	if d.lim.MaxTotalBytes <= 0 {
		return true
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.left -= k
	return d.left >= 0
}

// alias reads the link object f.Path+".txt" that Prow's uploader writes
// for a presubmit's run under pr-logs/directory/, and returns the folder
// it names.
func alias(ctx context.Context, st Store, f Folder) (Folder, bool) {
	data, err := readSmall(ctx, st, f.Bucket, gcs.Object{Name: f.Path + ".txt"}, 4<<10)
	if err != nil {
		return Folder{}, false
	}
	to, err := ParseURL(strings.TrimSpace(string(data)))
	if err != nil || to == f || !strings.HasPrefix(strings.TrimSpace(string(data)), "gs://") {
		return Folder{}, false
	}
	return to, true
}

// readSmall downloads a metadata file into memory, within max bytes.
func readSmall(ctx context.Context, st Store, bucket string, o gcs.Object, max int64) ([]byte, error) {
	if max <= 0 {
		max = DefaultLimits.MaxMetadataBytes
	}
	if o.Size > max {
		return nil, fmt.Errorf("object %s: %d bytes, more than the %d-byte limit for a metadata file", quote(o.Name), o.Size, max)
	}
	r, err := st.Open(ctx, bucket, o.Name)
	if err != nil {
		return nil, fmt.Errorf("object %s: download: %w", quote(o.Name), err)
	}
	defer r.Close()
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, fmt.Errorf("object %s: read: %w", quote(o.Name), err)
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("object %s: more than the %d-byte limit for a metadata file", quote(o.Name), max)
	}
	return data, nil
}

// selected reports whether the object at rel (relative to the run folder)
// is one of the reports or logs.
func selected(rel string, sel Selection) bool {
	names := []string{rel}
	if t := strings.TrimSuffix(rel, ".gz"); t != rel {
		names = append(names, t)
	}
	for _, globs := range [][]string{sel.Reports, sel.Logs} {
		if matchAny(globs, names) {
			return true
		}
	}
	return false
}

func matchAny(globs, names []string) bool {
	in := false
	for _, g := range globs {
		if strings.HasPrefix(g, "!") {
			continue
		}
		for _, n := range names {
			if ok, _ := doublestar.Match(g, n); ok {
				in = true
			}
		}
	}
	if !in {
		return false
	}
	for _, g := range globs {
		ex, ok := strings.CutPrefix(g, "!")
		if !ok {
			continue
		}
		for _, n := range names {
			if m, _ := doublestar.Match(ex, n); m {
				return false
			}
		}
	}
	return true
}

// quote quotes an object name for a message: names come from the bucket
// and may hold anything.
func quote(s string) string {
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return fmt.Sprintf("%q", s)
}

func human(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f kB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
