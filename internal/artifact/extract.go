// Package artifact fetches the JUnit reports of a past workflow run
// (--from-run): it lists the run's artifacts, downloads each archive and
// extracts the reports from it safely.
//
// Artifacts are uploaded by whatever ran in that workflow, which for a pull
// request from a fork is the fork's code: archives are hostile input. No
// entry may write outside the destination directory, symbolic links are
// refused, and the number of entries and the bytes written are bounded.
package artifact

import (
	"archive/zip"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// Limits bound what Fetch downloads and extracts.
type Limits struct {
	// MaxArtifacts is how many artifacts of a run are looked at.
	MaxArtifacts int
	// MaxArchiveBytes bounds one downloaded archive (compressed).
	MaxArchiveBytes int64
	// MaxEntries bounds the entries of one archive, reports or not.
	MaxEntries int
	// MaxTotalBytes bounds the bytes extracted from all archives of a run,
	// counted as written (after gunzip), not as the archive claims.
	MaxTotalBytes int64
}

// DefaultLimits are generous for JUnit reports (a large e2e suite writes a
// few MiB) and small for a disk: GitHub's hosted runners have about 14 GB
// free.
var DefaultLimits = Limits{
	MaxArtifacts:    500,
	MaxArchiveBytes: 512 << 20,
	MaxEntries:      20000,
	MaxTotalBytes:   1 << 30,
}

// ErrLimit is wrapped by the errors of an archive that exceeds a Limit.
var ErrLimit = errors.New("archive exceeds a limit")

// A Budget is what is left of MaxTotalBytes across the archives of one run.
type Budget struct {
	Left int64
}

// IsReport reports whether an archive entry name is a JUnit report the
// tool extracts: .xml, or .xml.gz which is gunzipped.
func IsReport(name string) bool {
	n := strings.ToLower(name)
	return strings.HasSuffix(n, ".xml") || strings.HasSuffix(n, ".xml.gz")
}

// Extract writes the reports of the zip archive r (size bytes) under dir
// inside root, and returns their slash-separated paths relative to root
// (dir/<path in archive>, .xml.gz entries gunzipped to .xml) and a note for
// each entry it refused.
//
// It refuses the whole archive, with an error wrapping ErrLimit, when it has
// more than lim.MaxEntries entries or its reports would take more than
// budget.Left bytes; the reports already written stay. An entry that is a
// symbolic link or another non-regular file, whose name is not a local path
// (absolute, "..", a backslash), or that repeats a name already written, is
// refused and noted. Writes go through root, so that nothing, not even a
// symbolic link already on disk, can take them out of it.
func Extract(r io.ReaderAt, size int64, root *os.Root, dir string, lim Limits, budget *Budget) (reports, refused []string, err error) {
	zr, err := zip.NewReader(r, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return nil, nil, fmt.Errorf("read zip: %w", err)
	}
	if len(zr.File) > lim.MaxEntries {
		return nil, nil, fmt.Errorf("read zip: %d entries, more than %d: %w", len(zr.File), lim.MaxEntries, ErrLimit)
	}
	for _, f := range zr.File {
		name := f.Name
		mode := f.Mode()
		switch {
		case mode.IsDir() || strings.HasSuffix(name, "/"):
			continue
		case mode&fs.ModeSymlink != 0:
			refused = append(refused, fmt.Sprintf("%s: a symbolic link", quoteName(name)))
			continue
		case !mode.IsRegular():
			refused = append(refused, fmt.Sprintf("%s: not a regular file (%v)", quoteName(name), mode.Type()))
			continue
		case !IsReport(name):
			continue
		case !IsLocalName(name):
			refused = append(refused, fmt.Sprintf("%s: not a local path", quoteName(name)))
			continue
		}
		out := path.Join(dir, name)
		gz := strings.HasSuffix(strings.ToLower(out), ".gz")
		if gz {
			out = out[:len(out)-len(".gz")]
		}
		if int64(f.UncompressedSize64) > budget.Left && !gz {
			return reports, refused, fmt.Errorf("extract %s: %d bytes, %d left of the limit: %w", quoteName(name), f.UncompressedSize64, budget.Left, ErrLimit)
		}
		if err := extractFile(f, root, out, gz, budget); err != nil {
			if errors.Is(err, ErrLimit) {
				return reports, refused, err
			}
			if errors.Is(err, fs.ErrExist) {
				refused = append(refused, fmt.Sprintf("%s: repeats a name already extracted", quoteName(name)))
				continue
			}
			refused = append(refused, fmt.Sprintf("%s: %v", quoteName(name), err))
			continue
		}
		reports = append(reports, out)
	}
	return reports, refused, nil
}

// extractFile writes the zip entry f to out under root, gunzipping it when
// gz, counting the bytes against budget. A file cut by the budget is
// removed.
func extractFile(f *zip.File, root *os.Root, out string, gz bool, budget *Budget) (err error) {
	src, err := f.Open()
	if err != nil {
		return fmt.Errorf("open entry: %w", err)
	}
	defer src.Close()
	var r io.Reader = src
	if gz {
		zr, err := gzip.NewReader(src)
		if err != nil {
			return fmt.Errorf("gunzip: %w", err)
		}
		defer zr.Close()
		r = zr
	}
	if d := path.Dir(out); d != "." {
		if err := root.MkdirAll(filepath.FromSlash(d), 0o755); err != nil {
			return fmt.Errorf("create folder: %w", err)
		}
	}
	dst, err := root.OpenFile(filepath.FromSlash(out), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := dst.Close(); cerr != nil && err == nil {
			err = cerr
		}
		if err != nil {
			_ = root.Remove(filepath.FromSlash(out))
		}
	}()
	// Copy one byte more than the budget allows, to tell "exactly at the
	// limit" from "over it".
	n, err := io.Copy(dst, io.LimitReader(r, budget.Left+1))
	budget.Left -= n
	if err != nil {
		return fmt.Errorf("extract: %w", err)
	}
	if budget.Left < 0 {
		budget.Left = 0
		return fmt.Errorf("extract %s: more bytes than the %s limit allows: %w", quoteName(f.Name), "total size", ErrLimit)
	}
	return nil
}

// IsLocalName reports whether a slash-separated name from hostile input
// (an archive entry, a bucket object) can be written under a folder
// without leaving it: relative, clean (no "..", "." or empty elements),
// without backslashes, and local on this system (no drive letters or
// reserved names on Windows).
func IsLocalName(name string) bool {
	return name != "" && !strings.Contains(name, `\`) && path.Clean(name) == name && filepath.IsLocal(filepath.FromSlash(name))
}

// quoteName quotes an entry name for a message: names come from the
// archive, so they may hold anything.
func quoteName(s string) string {
	const max = 200
	if len(s) > max {
		s = s[:max] + "…"
	}
	return fmt.Sprintf("%q", s)
}
