package fakegithub

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
)

// SpecEnv names an environment variable that may point at GitHub's
// OpenAPI description (api.github.com.json); otherwise it is looked for
// as shared/github/api.github.com.json beside the repository or one of
// its parent directories.
const SpecEnv = "FAKEGITHUB_OPENAPI"

const specRel = "shared/github/api.github.com.json"

// A route is one path template of the description.
type route struct {
	segs   []string
	params int
	path   string
	item   *openapi3.PathItem
}

var spec struct {
	once   sync.Once
	doc    *openapi3.T
	routes []route
	file   string
	err    error
}

// FindSpec returns the path of GitHub's OpenAPI description, or "".
func FindSpec() string {
	if p := os.Getenv(SpecEnv); p != "" {
		return p
	}
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for i := 0; i < 6; i++ {
		p := filepath.Join(dir, specRel)
		if _, err := os.Stat(p); err == nil {
			return p
		}
		dir = filepath.Dir(dir)
	}
	return ""
}

// loadSpec loads the description once per test binary: it is 13 MB and
// takes seconds to load.
func loadSpec() (*openapi3.T, []route, error) {
	spec.once.Do(func() {
		spec.file = FindSpec()
		if spec.file == "" {
			return
		}
		l := openapi3.NewLoader()
		doc, err := l.LoadFromFile(spec.file)
		if err != nil {
			spec.err = fmt.Errorf("load GitHub's OpenAPI description: %w", err)
			return
		}
		var rs []route
		for p, item := range doc.Paths.Map() {
			rt := route{segs: strings.Split(strings.TrimPrefix(p, "/"), "/"), path: p, item: item}
			for _, sg := range rt.segs {
				if strings.HasPrefix(sg, "{") {
					rt.params++
				}
			}
			rs = append(rs, rt)
		}
		sort.Slice(rs, func(i, j int) bool {
			if rs[i].params != rs[j].params {
				return rs[i].params < rs[j].params
			}
			return rs[i].path < rs[j].path
		})
		spec.doc, spec.routes = doc, rs
	})
	return spec.doc, spec.routes, spec.err
}

func specLoaded() bool {
	doc, _, _ := loadSpec()
	return doc != nil
}

// SpecAvailable loads GitHub's OpenAPI description and reports whether it
// was found; a description that is there but unreadable is an error.
func SpecAvailable() (bool, error) {
	doc, _, err := loadSpec()
	return doc != nil, err
}

// validate checks one request against the description: the path and
// method exist, and the parameters and JSON body match their schemas.
// Without a description it checks nothing.
func validate(r *http.Request, path string, segs []string, body []byte) error {
	doc, routes, err := loadSpec()
	if err != nil {
		return err
	}
	if doc == nil {
		return nil
	}
	// Exact templates first, then those whose last parameter takes the
	// remaining segments.
	for _, greedy := range []bool{false, true} {
		if found, err := validateWith(r, routes, doc, segs, body, greedy); found {
			return err
		}
	}
	return fmt.Errorf("no operation %s %s in the description", r.Method, path)
}

// validateWith validates against the first template of routes that
// matches segs and has the method; found is false when none does.
func validateWith(r *http.Request, routes []route, doc *openapi3.T, segs []string, body []byte, greedy bool) (found bool, err error) {
	for _, rt := range routes {
		params, ok := rt.match(segs)
		if greedy {
			params, ok = rt.matchRest(segs)
		}
		if !ok {
			continue
		}
		op := rt.item.GetOperation(r.Method)
		if op == nil {
			continue
		}
		req := r.Clone(context.Background())
		req.Body = io.NopCloser(bytes.NewReader(body))
		in := &openapi3filter.RequestValidationInput{
			Request:    req,
			PathParams: params,
			Route:      &routers.Route{Spec: doc, Path: rt.path, PathItem: rt.item, Method: r.Method, Operation: op},
			Options:    &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true},
		}
		if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
			return true, fmt.Errorf("%s %s: %w", r.Method, rt.path, err)
		}
		return true, nil
	}
	return false, nil
}

// match matches the unescaped path segments (a label name may hold "/",
// escaped on the wire) against the template.
func (rt route) match(segs []string) (map[string]string, bool) {
	if len(segs) != len(rt.segs) {
		return nil, false
	}
	params := map[string]string{}
	for i, t := range rt.segs {
		if strings.HasPrefix(t, "{") {
			params[strings.Trim(t, "{}")] = segs[i]
		} else if t != segs[i] {
			return nil, false
		}
	}
	return params, true
}

// matchRest matches templates whose last parameter is a reference or a
// file path, which may hold slashes that go-github does not escape
// (git/ref/heads/main, contents/a/b.go): the parameter takes every
// remaining segment.
func (rt route) matchRest(segs []string) (map[string]string, bool) {
	n := len(rt.segs)
	last := rt.segs[n-1]
	if len(segs) <= n || (last != "{ref}" && last != "{path}") {
		return nil, false
	}
	params, ok := rt.match(append(segs[:n-1:n-1], strings.Join(segs[n-1:], "/")))
	return params, ok
}
