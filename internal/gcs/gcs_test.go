package gcs

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestEndpoint(t *testing.T) {
	for env, want := range map[string]string{
		"":                       DefaultEndpoint,
		"localhost:4443":         "http://localhost:4443",
		"http://127.0.0.1:9023/": "http://127.0.0.1:9023",
		"https://gcs.example":    "https://gcs.example",
	} {
		got := Endpoint(func(k string) string {
			if k == "STORAGE_EMULATOR_HOST" {
				return env
			}
			return ""
		})
		if got != want {
			t.Errorf("STORAGE_EMULATOR_HOST=%q: %s, want %s", env, got, want)
		}
	}
}

// TestListNeverEnds: a bucket that always answers with a new next page
// token is cut at MaxPages; one that repeats a token at once.
func TestListNeverEnds(t *testing.T) {
	n := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/storage/v1/b/b-1/o" || r.URL.Query().Get("prefix") != "logs/j/1/" {
			t.Errorf("request %s", r.URL)
		}
		n++
		fmt.Fprintf(w, `{"kind":"storage#objects","nextPageToken":"t%d","items":[{"name":"logs/j/1/o%d","size":"1"}]}`, n, n)
	}))
	defer srv.Close()
	c := &Client{Endpoint: srv.URL, MaxPages: 5}
	objs, err := c.List(context.Background(), "b-1", "logs/j/1/")
	if !errors.Is(err, ErrLimit) || len(objs) != 5 || !strings.Contains(err.Error(), "gs://b-1/logs/j/1/") {
		t.Errorf("%d objects, %v", len(objs), err)
	}
	same := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"nextPageToken":"again","items":[]}`)
	}))
	defer same.Close()
	c = &Client{Endpoint: same.URL}
	if _, err := c.List(context.Background(), "b-1", "x/"); !errors.Is(err, ErrLimit) || !strings.Contains(err.Error(), "twice") {
		t.Errorf("repeated token: %v", err)
	}
}

// TestOpenEncodesName: object names are one path segment, slashes %2F, as
// GCS requires (the emulator would also take them raw).
func TestOpenEncodesName(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.EscapedPath() != "/storage/v1/b/b-1/o/logs%2Fj%2F1%2Fa%20b%23c.xml" || r.URL.Query().Get("alt") != "media" {
			t.Errorf("request %s", r.URL.EscapedPath())
		}
		fmt.Fprint(w, "ok")
	}))
	defer srv.Close()
	r, err := (&Client{Endpoint: srv.URL}).Open(context.Background(), "b-1", "logs/j/1/a b#c.xml")
	if err != nil {
		t.Fatal(err)
	}
	r.Close()
}
