// Package gcs reads public Google Cloud Storage buckets anonymously through
// the JSON API (https://cloud.google.com/storage/docs/json_api): a paged
// object listing and media downloads, nothing else. It is what
// `--from-prow` needs to read a Prow job's artifacts, with plain net/http
// rather than Google's client library, which would add megabytes to the
// binary for two GET requests.
package gcs

import (
	"bufio"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// DefaultEndpoint is where the JSON API lives.
const DefaultEndpoint = "https://storage.googleapis.com"

// Endpoint returns the API's base URL: STORAGE_EMULATOR_HOST when set, as
// Google's client libraries read it (a host:port, then http:// is meant,
// or a URL), else DefaultEndpoint.
func Endpoint(getenv func(string) string) string {
	h := strings.TrimSpace(getenv("STORAGE_EMULATOR_HOST"))
	if h == "" {
		return DefaultEndpoint
	}
	if !strings.Contains(h, "://") {
		h = "http://" + h
	}
	return strings.TrimRight(h, "/")
}

// An Object is one object of a listing.
type Object struct {
	Name string `json:"name"`
	// Size is the stored size: compressed, for an object stored with
	// Content-Encoding: gzip.
	Size            int64             `json:"size,string"`
	ContentType     string            `json:"contentType"`
	ContentEncoding string            `json:"contentEncoding"`
	Metadata        map[string]string `json:"metadata"`
}

// A Client lists and downloads objects without credentials.
type Client struct {
	HTTP *http.Client
	// Endpoint is the API's base URL (see Endpoint).
	Endpoint string
	// MaxPages bounds a listing: a bucket that keeps answering with a next
	// page token is cut there, with an error wrapping ErrLimit.
	MaxPages int
	// PageSize is the maxResults of each listing request (GCS's own
	// maximum is 1000).
	PageSize int
}

// ErrLimit is wrapped by the errors of a listing or object over a limit.
var ErrLimit = errors.New("over a limit")

// A StatusError is an answer other than 200 OK.
type StatusError struct {
	Status  int
	Message string
}

func (e *StatusError) Error() string {
	s := fmt.Sprintf("%d %s", e.Status, http.StatusText(e.Status))
	if e.Message != "" {
		s += ": " + e.Message
	}
	switch e.Status {
	case http.StatusUnauthorized, http.StatusForbidden:
		s += " (the bucket is not public: the tool reads anonymously)"
	}
	return s
}

// List returns every object of bucket whose name starts with prefix, in
// the order GCS lists them (by name), following nextPageToken up to
// MaxPages pages.
func (c *Client) List(ctx context.Context, bucket, prefix string) ([]Object, error) {
	var out []Object
	token := ""
	seen := map[string]bool{}
	pageSize := c.PageSize
	if pageSize <= 0 {
		pageSize = 1000
	}
	for page := 0; ; page++ {
		if c.MaxPages > 0 && page >= c.MaxPages {
			return out, fmt.Errorf("list gs://%s/%s: more than %d pages: %w", bucket, prefix, c.MaxPages, ErrLimit)
		}
		q := url.Values{"prefix": {prefix}, "maxResults": {fmt.Sprint(pageSize)}}
		if token != "" {
			q.Set("pageToken", token)
		}
		u := c.base() + "/storage/v1/b/" + url.PathEscape(bucket) + "/o?" + q.Encode()
		var body struct {
			NextPageToken string   `json:"nextPageToken"`
			Items         []Object `json:"items"`
		}
		if err := c.getJSON(ctx, u, &body); err != nil {
			return out, fmt.Errorf("list gs://%s/%s: %w", bucket, prefix, err)
		}
		out = append(out, body.Items...)
		if body.NextPageToken == "" {
			return out, nil
		}
		if seen[body.NextPageToken] {
			return out, fmt.Errorf("list gs://%s/%s: page token %q came back twice: %w", bucket, prefix, body.NextPageToken, ErrLimit)
		}
		seen[body.NextPageToken] = true
		token = body.NextPageToken
	}
}

// Open downloads an object's content (alt=media), gunzipped: an object
// stored with Content-Encoding: gzip is decompressed by the transport, and
// one that holds gzip bytes (Prow uploads x.log.gz as x.log) is
// decompressed here, recognised by its magic bytes. A truncated or corrupt
// gzip stream makes Read fail. The caller closes the reader.
func (c *Client) Open(ctx context.Context, bucket, name string) (io.ReadCloser, error) {
	// The object name is one path segment: its slashes must be %2F.
	u := c.base() + "/storage/v1/b/" + url.PathEscape(bucket) + "/o/" + url.PathEscape(name) + "?alt=media"
	resp, err := c.get(ctx, u)
	if err != nil {
		return nil, err
	}
	br := bufio.NewReaderSize(resp.Body, 64<<10)
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			resp.Body.Close()
			return nil, fmt.Errorf("gunzip: %w", err)
		}
		zr.Multistream(true)
		return readCloser{Reader: zr, Closer: resp.Body}, nil
	}
	return readCloser{Reader: br, Closer: resp.Body}, nil
}

type readCloser struct {
	io.Reader
	io.Closer
}

func (c *Client) base() string {
	if c.Endpoint == "" {
		return DefaultEndpoint
	}
	return strings.TrimRight(c.Endpoint, "/")
}

func (c *Client) get(ctx context.Context, u string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		defer resp.Body.Close()
		return nil, &StatusError{Status: resp.StatusCode, Message: errorMessage(resp.Body)}
	}
	return resp, nil
}

func (c *Client) getJSON(ctx context.Context, u string, v any) error {
	resp, err := c.get(ctx, u)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	// A listing page of 1000 objects is about 1 MB; more is not GCS.
	if err := json.NewDecoder(io.LimitReader(resp.Body, 32<<20)).Decode(v); err != nil {
		return fmt.Errorf("decode listing: %w", err)
	}
	return nil
}

// errorMessage reads GCS's JSON error ({"error": {"message": …}}), or the
// first line of a plain-text answer.
func errorMessage(r io.Reader) string {
	data, _ := io.ReadAll(io.LimitReader(r, 4<<10))
	var e struct {
		Error struct {
			Message string `json:"message"`
		} `json:"error"`
	}
	if json.Unmarshal(data, &e) == nil && e.Error.Message != "" {
		return e.Error.Message
	}
	s, _, _ := strings.Cut(strings.TrimSpace(string(data)), "\n")
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}
