package tracker

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"
)

// WriteBurst is how many content-creating requests go at once before
// pacing starts: a typical run never waits.
const WriteBurst = 20

// A pacer spaces content-creating requests (every method but GET and
// HEAD) with a token bucket of WriteBurst tokens refilled at rate a
// second. GitHub asks integrations to wait about a second between such
// requests and enforces secondary limits on them (80 a minute, 500 an
// hour): https://docs.github.com/en/rest/using-the-rest-api/best-practices-for-using-the-rest-api#avoid-concurrent-requests
// and https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits.
// A request takes one token however often it is retried.
type pacer struct {
	base  http.RoundTripper
	rate  float64 // tokens a second; 0 or less: no pacing
	sleep func(context.Context, time.Duration) error
	now   func() time.Time
	// notice is told once, at the first wait, that writes are paced.
	notice func(string)

	mu     sync.Mutex
	tokens float64
	last   time.Time
	told   bool
}

func newPacer(base http.RoundTripper, rate float64, sleep func(context.Context, time.Duration) error, now func() time.Time, notice func(string)) *pacer {
	return &pacer{base: base, rate: rate, sleep: sleep, now: now, notice: notice, tokens: WriteBurst}
}

func (p *pacer) RoundTrip(req *http.Request) (*http.Response, error) {
	if p.rate > 0 && req.Method != http.MethodGet && req.Method != http.MethodHead && !gitDatabase(req) {
		if wait, first := p.reserve(); wait > 0 {
			if first && p.notice != nil {
				p.notice(fmt.Sprintf("pacing writes at %g a second after a burst of %d, as GitHub asks of content-creating requests (setting write-rate; 0 turns it off)", p.rate, WriteBurst))
			}
			if err := p.sleep(req.Context(), wait); err != nil {
				return nil, err
			}
		}
	}
	return p.base.RoundTrip(req)
}

// reserve takes a token and returns how long to wait until it is due,
// and whether this is the first wait.
func (p *pacer) reserve() (time.Duration, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	if !p.last.IsZero() {
		p.tokens = min(WriteBurst, p.tokens+now.Sub(p.last).Seconds()*p.rate)
	}
	p.last = now
	p.tokens--
	if p.tokens >= 0 {
		return 0, false
	}
	first := !p.told
	p.told = true
	return time.Duration(-p.tokens / p.rate * float64(time.Second)), first
}

// gitDatabase reports whether req writes the Git database (blobs, trees,
// commits, refs): the run ledger's few writes a run (at most six) notify
// nobody, and pacing them would widen the window between reading the
// ledger's branch and its fast-forward-only ref update, so that writers
// of concurrent jobs would lose the race again and again.
// It reads the path after /repos/{owner}/{repo}/, so that a repository
// named "git" is no exception.
func gitDatabase(req *http.Request) bool {
	_, rest, ok := strings.Cut(req.URL.Path, "/repos/")
	if !ok {
		return false
	}
	parts := strings.SplitN(rest, "/", 4)
	return len(parts) == 4 && parts[2] == "git"
}
