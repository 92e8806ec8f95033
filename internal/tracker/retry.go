package tracker

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// retryTransport retries what GitHub asks to retry: 5xx answers, network
// errors and rate limits (a 403 or 429 with Retry-After, or with
// x-ratelimit-remaining 0 and x-ratelimit-reset, or naming the secondary
// rate limit). It waits what GitHub says, else backs off exponentially,
// and gives up once the next wait would pass the total budget, returning
// the last answer. See
// https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#handling-rate-limit-errors
// and https://docs.github.com/en/rest/using-the-rest-api/best-practices-for-using-the-rest-api#handle-rate-limit-errors-appropriately.
type retryTransport struct {
	base     http.RoundTripper
	perTry   time.Duration // bound of one try, until its body is closed; 0 none
	maxWait  time.Duration // total waiting allowed for one request
	backoff  time.Duration // first backoff; doubles, capped at maxBackoff
	maxTries int
	sleep    func(context.Context, time.Duration) error
	now      func() time.Time
	// notice is told of every wait before it begins: how long, for which
	// request, and why; nil tells no one.
	notice func(string)
}

const maxBackoff = 30 * time.Second

type noResendKey struct{}

// withoutResend marks the requests made with ctx as writes that must not
// be sent again after an answer that may hide a write GitHub carried out
// (a 5xx, a dropped connection, a try that timed out): the transport then
// returns that answer, and the caller checks whether the write landed
// before it tries again. Rate limits, which refuse the write, are still
// waited out and retried.
func withoutResend(ctx context.Context) context.Context {
	return context.WithValue(ctx, noResendKey{}, true)
}

func noResend(ctx context.Context) bool { v, _ := ctx.Value(noResendKey{}).(bool); return v }

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (rt *retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil && req.GetBody == nil {
		b, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		body = b
	}
	waited := time.Duration(0)
	backoff := rt.backoff
	for try := 1; ; try++ {
		ctx, cancel := req.Context(), context.CancelFunc(func() {})
		if rt.perTry > 0 {
			ctx, cancel = context.WithTimeout(ctx, rt.perTry)
		}
		r := req.Clone(ctx)
		switch {
		case req.GetBody != nil:
			b, err := req.GetBody()
			if err != nil {
				cancel()
				return nil, err
			}
			r.Body = b
		case body != nil:
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
		resp, err := rt.base.RoundTrip(r)
		if req.Context().Err() != nil {
			return withCancel(resp, cancel), err
		}
		wait, why, retry := rt.delay(resp, err, backoff)
		if retry && noResend(req.Context()) && (err != nil || resp.StatusCode >= 500) {
			// The write may have landed: the caller looks before it resends.
			retry = false
		}
		if !retry || try >= rt.maxTries || waited+wait > rt.maxWait {
			return withCancel(resp, cancel), err
		}
		if rt.notice != nil {
			rt.notice(fmt.Sprintf("waiting %s before retrying %s %s (try %d of %d): %s",
				roundWait(wait), req.Method, req.URL.Path, try+1, rt.maxTries, why))
		}
		if resp != nil {
			io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
			resp.Body.Close()
		}
		cancel()
		if err := rt.sleep(req.Context(), wait); err != nil {
			return nil, err
		}
		waited += wait
		backoff = min(2*backoff, maxBackoff)
	}
}

// withCancel ties cancel to the closing of resp's body (or calls it now
// when there is no response), so that a try's deadline covers reading
// its answer.
func withCancel(resp *http.Response, cancel context.CancelFunc) *http.Response {
	if resp == nil || resp.Body == nil {
		cancel()
		return resp
	}
	resp.Body = cancelBody{resp.Body, cancel}
	return resp
}

type cancelBody struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b cancelBody) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}

// delay says whether to retry, after how long, and why, in words for
// the log.
func (rt *retryTransport) delay(resp *http.Response, err error, backoff time.Duration) (time.Duration, string, bool) {
	if err != nil {
		return backoff, fmt.Sprintf("the request failed (%v)", err), true
	}
	h := resp.Header
	code := resp.StatusCode
	if s := h.Get("Retry-After"); s != "" && (code == 403 || code == 429 || code >= 500) {
		why := fmt.Sprintf("GitHub answered %d and asked to retry after %s", code, s)
		if code == 403 || code == 429 {
			why = fmt.Sprintf("GitHub's rate limit (%d, Retry-After %s)", code, s)
		}
		if n, err := strconv.Atoi(strings.TrimSpace(s)); err == nil && n >= 0 {
			return time.Duration(n) * time.Second, why, true
		}
		if t, err := http.ParseTime(s); err == nil {
			return max(0, t.Sub(rt.now())), why, true
		}
	}
	if (code == 403 || code == 429) && h.Get("X-RateLimit-Remaining") == "0" {
		if n, err := strconv.ParseInt(h.Get("X-RateLimit-Reset"), 10, 64); err == nil {
			reset := time.Unix(n, 0)
			why := fmt.Sprintf("the token's rate limit of %s requests is used up until %s", h.Get("X-RateLimit-Limit"), reset.UTC().Format("15:04:05 UTC"))
			return max(0, reset.Sub(rt.now())) + time.Second, why, true
		}
	}
	switch code {
	case 429:
		return backoff, "GitHub's rate limit (429)", true
	case 500, 502, 503, 504:
		return backoff, fmt.Sprintf("GitHub answered %d", code), true
	case 403:
		if secondary(resp) {
			return max(backoff, time.Minute), "GitHub's secondary rate limit (403)", true
		}
	}
	return 0, "", false
}

// roundWait rounds a wait for the log: whole seconds, or milliseconds
// under a second.
func roundWait(d time.Duration) time.Duration {
	if d < time.Second {
		return d.Round(time.Millisecond)
	}
	return d.Round(time.Second)
}

// secondary reports whether a 403 is GitHub's secondary rate limit, which
// says so in its message; the body is left readable.
func secondary(resp *http.Response) bool {
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(b))
	return err == nil && strings.Contains(strings.ToLower(string(b)), "secondary rate limit")
}
