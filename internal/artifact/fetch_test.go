package artifact

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-github/v57/github"
	"golang.org/x/tools/txtar"
)

// sampleReports returns the JUnit reports of the bundled capi-like sample,
// by their path in it.
func sampleReports(t testing.TB) map[string][]byte {
	t.Helper()
	a, err := txtar.ParseFile(filepath.Join("..", "..", "testdata", "capi-like.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, f := range a.Files {
		if strings.HasPrefix(f.Name, "reports/") {
			out[f.Name] = f.Data
		}
	}
	if len(out) == 0 {
		t.Fatal("the sample has no reports")
	}
	return out
}

// entry is one file of a test archive.
type entry struct {
	name string
	data []byte
	mode fs.FileMode // 0 means a regular 0644 file
}

func makeZip(t testing.TB, entries ...entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		h := &zip.FileHeader{Name: e.name, Method: zip.Deflate}
		mode := e.mode
		if mode == 0 {
			mode = 0o644
		}
		h.SetMode(mode)
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(e.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func gzipped(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

// fakeGitHub mimics GitHub's endpoints for a run's artifacts under the
// non-empty base path /api/v3: the run, the artifact list in two pages
// (Link header), the 302 from the download endpoint to a pre-signed URL on
// "blob storage", and the archive there, which must be fetched without
// the token. Any other request fails the test.
func fakeGitHub(t *testing.T, archives map[int64][]byte, page2 string) *github.Client {
	t.Helper()
	mux := http.NewServeMux()
	var srv *httptest.Server
	api := func(pattern string, h http.HandlerFunc) {
		mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
			if got := r.Header.Get("Authorization"); got != "Bearer t0ken" {
				t.Errorf("%s %s: Authorization = %q, want the token", r.Method, r.URL.Path, got)
			}
			h(w, r)
		})
	}
	api("GET /api/v3/repos/octo-org/octo-repo/actions/runs/30433642", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(readFile(t, "workflow-run.json"))
	})
	api("GET /api/v3/repos/octo-org/octo-repo/actions/runs/999", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, `{"message":"Not Found","documentation_url":"https://docs.github.com/rest/actions/workflow-runs#get-a-workflow-run"}`)
	})
	api("GET /api/v3/repos/octo-org/octo-repo/actions/runs/30433642/artifacts", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Query().Get("page") {
		case "":
			if r.URL.Query().Get("per_page") != "100" {
				t.Errorf("artifact list asked per_page=%q, want 100", r.URL.Query().Get("per_page"))
			}
			next := srv.URL + "/api/v3/repos/octo-org/octo-repo/actions/runs/30433642/artifacts?per_page=100&page=2"
			w.Header().Set("Link", fmt.Sprintf(`<%s>; rel="next", <%s>; rel="last"`, next, next))
			w.Write(readFile(t, "artifacts.json"))
		case "2":
			io.WriteString(w, page2)
		default:
			t.Errorf("unexpected artifact page %q", r.URL.Query().Get("page"))
		}
	})
	api("GET /api/v3/repos/octo-org/octo-repo/actions/artifacts/{id}/zip", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", srv.URL+"/blob/artifact-"+r.PathValue("id")+".zip?sig=s3cr3t&se=2026-01-01")
		w.WriteHeader(http.StatusFound)
	})
	mux.HandleFunc("GET /blob/{name}", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" {
			t.Errorf("the archive download sent the token to blob storage")
		}
		if r.URL.Query().Get("sig") != "s3cr3t" {
			t.Errorf("the archive download lost the signature: %s", r.URL)
		}
		var id int64
		fmt.Sscanf(r.PathValue("name"), "artifact-%d.zip", &id)
		b, ok := archives[id]
		if !ok {
			http.Error(w, "BlobNotFound", http.StatusNotFound)
			return
		}
		w.Header().Set("Content-Type", "application/zip")
		w.Write(b)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("unexpected request %s %s", r.Method, r.URL)
		http.Error(w, "not found", http.StatusNotFound)
	})
	srv = httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	c := github.NewClient(nil).WithAuthToken("t0ken")
	c.BaseURL, _ = url.Parse(srv.URL + "/api/v3/")
	return c
}

func readFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestFetch(t *testing.T) {
	reports := sampleReports(t)
	var all []entry
	for name, data := range reports {
		all = append(all, entry{name: "e2e/" + name, data: data})
	}
	sort.Slice(all, func(i, j int) bool { return all[i].name < all[j].name })
	all = append(all, entry{name: "e2e/logs/controller.log", data: []byte("not a report")})
	// Artifact 13 holds one report gzipped and a zip-slip attempt.
	gz := entry{name: "junit.xml.gz", data: gzipped(t, reports["reports/pytest.xml"])}
	slip := entry{name: "../../../escaped.xml", data: []byte("<testsuite/>")}
	archives := map[int64][]byte{
		11: makeZip(t, all...),
		13: makeZip(t, gz, slip),
		15: makeZip(t, entry{name: "junit.xml", data: reports["reports/mocha.xml"]}),
	}
	// Page 2: an expired artifact, one whose archive is gone, and one with
	// a name that the first page already used.
	page2 := `{"total_count": 5, "artifacts": [
		{"id": 14, "name": "old", "size_in_bytes": 10, "expired": true},
		{"id": 16, "name": "gone", "size_in_bytes": 10, "expired": false},
		{"id": 15, "name": "Test output", "size_in_bytes": 300, "expired": false}]}`
	client := fakeGitHub(t, archives, page2)

	base := t.TempDir()
	dst := filepath.Join(base, "reports")
	if err := os.Mkdir(dst, 0o755); err != nil {
		t.Fatal(err)
	}
	got, err := Fetch(context.Background(), GitHub{Client: client}, "octo-org/octo-repo", 30433642, dst, DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	var wantReports []string
	for _, e := range all {
		if IsReport(e.name) {
			wantReports = append(wantReports, "Rails/"+e.name)
		}
	}
	wantReports = append(wantReports, "Test_output/junit.xml", "Test_output-15/junit.xml")
	want := Fetched{
		Run: Run{ID: 30433642, Attempt: 1, HeadSHA: "acb5820ced9479c074f688cc328bf03f341a511d", HeadBranch: "main",
			Event: "push", URL: "https://github.com/octo-org/octo-repo/actions/runs/30433642", HeadRepo: "octo-org/octo-repo",
			Workflow: "Build", Started: time.Date(2020, 1, 22, 19, 33, 8, 0, time.UTC)},
		Reports: wantReports,
		Problems: []string{
			`artifact "Test output": refused entry "../../../escaped.xml": not a local path`,
			`artifact "old" (14) has expired`,
			`artifact "gone" (16): download: archive: 404 Not Found`,
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Fetch (-want +got):\n%s", diff)
	}
	// Every report arrived byte for byte, the gzipped one gunzipped.
	for name, data := range reports {
		assertFile(t, filepath.Join(dst, "Rails", "e2e", name), data)
	}
	assertFile(t, filepath.Join(dst, "Test_output", "junit.xml"), reports["reports/pytest.xml"])
	assertFile(t, filepath.Join(dst, "Test_output-15", "junit.xml"), reports["reports/mocha.xml"])
	assertOnly(t, base, "reports")
}

func assertFile(t *testing.T, path string, want []byte) {
	t.Helper()
	got, err := os.ReadFile(path)
	if err != nil {
		t.Error(err)
		return
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s: %d bytes differ from the %d of the original", filepath.Base(path), len(got), len(want))
	}
}

// assertOnly checks that dir holds nothing but the named entries.
func assertOnly(t *testing.T, dir string, names ...string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range ents {
		got = append(got, e.Name())
	}
	if diff := cmp.Diff(names, got); diff != "" {
		t.Errorf("contents of the temp dir (-want +got):\n%s", diff)
	}
}

func TestFetchErrors(t *testing.T) {
	client := fakeGitHub(t, nil, `{"artifacts": []}`)
	dst := t.TempDir()
	if _, err := Fetch(context.Background(), GitHub{Client: client}, "octo-org/octo-repo", 999, dst, DefaultLimits); err == nil ||
		!strings.Contains(err.Error(), "get workflow run 999 of octo-org/octo-repo") {
		t.Errorf("Fetch of an unknown run: err = %v", err)
	}
	if _, err := Fetch(context.Background(), GitHub{Client: client}, "octo-org", 1, dst, DefaultLimits); err == nil {
		t.Error("Fetch accepted a repository without a name")
	}
}

// hostileDir makes base/dst with a file beside dst, and returns both.
func hostileDir(t *testing.T) (base, dst string) {
	base = t.TempDir()
	dst = filepath.Join(base, "dst")
	if err := os.Mkdir(dst, 0o755); err != nil {
		t.Fatal(err)
	}
	return base, dst
}

func TestExtractHostile(t *testing.T) {
	report := []byte(`<testsuite name="s"><testcase name="t"/></testsuite>`)
	zeros := make([]byte, 8<<20) // 8 MiB, deflates to about 8 KiB
	small := Limits{MaxEntries: 20, MaxTotalBytes: 1 << 20}
	tests := []struct {
		name        string
		entries     []entry
		lim         Limits
		wantReports []string
		wantRefused []string
		wantErr     string // substring; "" means none
	}{
		{
			name: "zip slip",
			entries: []entry{
				{name: "../evil.xml", data: report},
				{name: "a/../../evil.xml", data: report},
				{name: "/tmp/evil.xml", data: report},
				{name: `..\evil.xml`, data: report},
				{name: "a/./b.xml", data: report},
				{name: "ok.xml", data: report},
			},
			lim:         small,
			wantReports: []string{"d/ok.xml"},
			wantRefused: []string{
				`"../evil.xml": not a local path`, `"a/../../evil.xml": not a local path`,
				`"/tmp/evil.xml": not a local path`, `"..\\evil.xml": not a local path`, `"a/./b.xml": not a local path`,
			},
		},
		{
			name: "symlinks",
			entries: []entry{
				{name: "link.xml", data: []byte("/etc/passwd"), mode: fs.ModeSymlink | 0o777},
				{name: "up", data: []byte(".."), mode: fs.ModeSymlink | 0o777},
				{name: "up/evil.xml", data: report},
				{name: "ok.xml", data: report},
			},
			lim: small,
			// "up" was refused, so "up/evil.xml" is an ordinary folder
			// under d.
			wantReports: []string{"d/up/evil.xml", "d/ok.xml"},
			wantRefused: []string{`"link.xml": a symbolic link`, `"up": a symbolic link`},
		},
		{
			name:        "zip bomb",
			entries:     []entry{{name: "a.xml", data: report}, {name: "bomb.xml", data: zeros}, {name: "after.xml", data: report}},
			lim:         small,
			wantReports: []string{"d/a.xml"},
			wantErr:     `extract "bomb.xml": 8388608 bytes`,
		},
		{
			name:        "gzip bomb",
			entries:     []entry{{name: "bomb.xml.gz", data: nil}, {name: "after.xml", data: report}},
			lim:         small,
			wantReports: nil,
			wantErr:     "more bytes than the total size limit allows",
		},
		{
			name: "too many entries",
			entries: func() []entry {
				var es []entry
				for i := range 21 {
					es = append(es, entry{name: fmt.Sprintf("%d.txt", i)})
				}
				return es
			}(),
			lim:     small,
			wantErr: "21 entries, more than 20",
		},
		{
			name:        "duplicate names",
			entries:     []entry{{name: "a.xml", data: report}, {name: "a.xml", data: []byte("<evil/>")}, {name: "b.xml.gz", data: nil}, {name: "b.xml", data: report}},
			lim:         Limits{MaxEntries: 20, MaxTotalBytes: 1 << 20},
			wantReports: []string{"d/a.xml", "d/b.xml"},
			wantRefused: []string{`"a.xml": repeats a name already extracted`, `"b.xml": repeats a name already extracted`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for i, e := range tt.entries {
				if strings.HasSuffix(e.name, ".gz") && e.data == nil {
					if tt.name == "gzip bomb" {
						tt.entries[i].data = gzipped(t, zeros)
					} else {
						tt.entries[i].data = gzipped(t, report)
					}
				}
			}
			z := makeZip(t, tt.entries...)
			base, dst := hostileDir(t)
			root, err := os.OpenRoot(dst)
			if err != nil {
				t.Fatal(err)
			}
			defer root.Close()
			budget := &Budget{Left: tt.lim.MaxTotalBytes}
			reports, refused, err := Extract(bytes.NewReader(z), int64(len(z)), root, "d", tt.lim, budget)
			if tt.wantErr == "" && err != nil {
				t.Fatalf("Extract: %v", err)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("Extract error = %v, want one containing %q", err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.wantReports, reports); diff != "" {
				t.Errorf("reports (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantRefused, refused); diff != "" {
				t.Errorf("refused (-want +got):\n%s", diff)
			}
			// Nothing outside dst, and inside it only the reports, each
			// whole and none bigger than the budget.
			assertOnly(t, base, "dst")
			var files []string
			filepath.WalkDir(dst, func(p string, d fs.DirEntry, err error) error {
				if err != nil {
					t.Error(err)
					return nil
				}
				if d.Type()&fs.ModeSymlink != 0 {
					t.Errorf("a symbolic link was written: %s", p)
				}
				if d.Type().IsRegular() {
					rel, _ := filepath.Rel(dst, p)
					files = append(files, filepath.ToSlash(rel))
					if b, _ := os.ReadFile(p); !bytes.Equal(b, report) {
						t.Errorf("%s holds %d bytes that are not the report", rel, len(b))
					}
				}
				return nil
			})
			sort.Strings(files)
			wantFiles := append([]string(nil), tt.wantReports...)
			sort.Strings(wantFiles)
			if diff := cmp.Diff(wantFiles, files); diff != "" {
				t.Errorf("files on disk (-want +got):\n%s", diff)
			}
		})
	}
}

// lyingZip returns an archive whose one entry, name, says it holds 100
// bytes but inflates to n.
func lyingZip(t testing.TB, name string, n int) []byte {
	t.Helper()
	var comp bytes.Buffer
	fw, _ := flate.NewWriter(&comp, flate.BestCompression)
	fw.Write(make([]byte, n))
	fw.Close()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	h := &zip.FileHeader{Name: name, Method: zip.Deflate, UncompressedSize64: 100, CompressedSize64: uint64(comp.Len())}
	w, err := zw.CreateRaw(h)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(comp.Bytes())
	zw.Close()
	return buf.Bytes()
}

func TestExtractLyingHeader(t *testing.T) {
	z := lyingZip(t, "bomb.xml", 16<<20)
	base, dst := hostileDir(t)
	root, err := os.OpenRoot(dst)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	budget := &Budget{Left: 1 << 20}
	reports, refused, err := Extract(bytes.NewReader(z), int64(len(z)), root, "d", Limits{MaxEntries: 10, MaxTotalBytes: 1 << 20}, budget)
	// archive/zip stops reading past the declared size; the budget would
	// stop it past 1 MiB otherwise. Either way nothing big stays on disk.
	if len(reports) != 0 || (len(refused) == 0 && err == nil) {
		t.Errorf("Extract = %v, %v, %v; want the entry refused or an error", reports, refused, err)
	}
	t.Logf("refused %q, err %v", refused, err)
	if used := int64(1<<20) - budget.Left; used > 1<<20 {
		t.Errorf("extracted %d bytes", used)
	}
	assertOnly(t, base, "dst")
	var size int64
	filepath.WalkDir(dst, func(p string, d fs.DirEntry, err error) error {
		if fi, err := d.Info(); err == nil && fi.Mode().IsRegular() {
			size += fi.Size()
		}
		return nil
	})
	if size != 0 {
		t.Errorf("%d bytes of the refused entry stayed on disk", size)
	}
}

func FuzzExtract(f *testing.F) {
	f.Add(makeZip(f, entry{name: "a/junit.xml", data: []byte("<testsuite/>")}))
	f.Add(makeZip(f, entry{name: "../x.xml", data: []byte("x")}, entry{name: "l.xml", data: []byte("/"), mode: fs.ModeSymlink}))
	f.Add(makeZip(f, entry{name: "r.xml.gz", data: gzipped(f, []byte("<testsuites/>"))}))
	f.Fuzz(func(t *testing.T, z []byte) {
		base := t.TempDir()
		dst := filepath.Join(base, "dst")
		os.Mkdir(dst, 0o755)
		root, err := os.OpenRoot(dst)
		if err != nil {
			t.Fatal(err)
		}
		defer root.Close()
		lim := Limits{MaxEntries: 50, MaxTotalBytes: 64 << 10}
		budget := &Budget{Left: lim.MaxTotalBytes}
		reports, _, _ := Extract(bytes.NewReader(z), int64(len(z)), root, "d", lim, budget)
		var total int64
		for _, r := range reports {
			if !strings.HasPrefix(r, "d/") || !IsReport(r) {
				t.Errorf("report path %q is not under d/ or not a report", r)
			}
			fi, err := root.Stat(filepath.FromSlash(r))
			if err != nil {
				t.Errorf("report %q: %v", r, err)
				continue
			}
			total += fi.Size()
		}
		if total > lim.MaxTotalBytes {
			t.Errorf("extracted %d bytes, limit %d", total, lim.MaxTotalBytes)
		}
		ents, _ := os.ReadDir(base)
		if len(ents) != 1 {
			t.Errorf("Extract wrote outside its root: %d entries beside it", len(ents)-1)
		}
	})
}

func BenchmarkExtract(b *testing.B) {
	var es []entry
	for name, data := range sampleReports(b) {
		es = append(es, entry{name: name, data: data})
	}
	z := makeZip(b, es...)
	b.SetBytes(int64(len(z)))
	b.ReportAllocs()
	for b.Loop() {
		dir := b.TempDir()
		root, err := os.OpenRoot(dir)
		if err != nil {
			b.Fatal(err)
		}
		if _, _, err := Extract(bytes.NewReader(z), int64(len(z)), root, "d", DefaultLimits, &Budget{Left: DefaultLimits.MaxTotalBytes}); err != nil {
			b.Fatal(err)
		}
		root.Close()
	}
}
