package transport

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Policy says which attempts are retried and how long to wait.
type Policy struct {
	// MaxAttempts is the number of attempts including the first (<1 means 1).
	MaxAttempts int
	// MinWait is the first backoff; it doubles per attempt up to MaxWait.
	MinWait time.Duration
	// MaxWait caps backoff and the wait a throttling response asks for
	// (Retry-After, X-RateLimit-Reset). A wait above it ends the retries: the
	// response is returned as is.
	MaxWait time.Duration
	// RetryOn adds statuses to the throttling ones (429, 502, 503, 504).
	RetryOn []int
	// Timeout bounds each attempt, response body included (0: none). The
	// body of the returned response must be closed to release it.
	Timeout time.Duration
	// IdempotentOnly limits the retries of requests whose method is not
	// idempotent (POST, PATCH, see Idempotent) to the answers that say the
	// request was not acted on: 429 and a rate-limit 403. Their 5xx answers
	// and transport errors are returned as they are, since the server may
	// have acted on them.
	IdempotentOnly bool
	// ClampWait shortens a throttling wait above MaxWait to MaxWait and
	// retries, instead of returning the response.
	ClampWait bool
}

// Idempotent reports whether method is idempotent (RFC 9110 section
// 9.2.2): GET, HEAD, OPTIONS, TRACE, PUT and DELETE.
func Idempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace, http.MethodPut, http.MethodDelete:
		return true
	}
	return false
}

// retries reports whether Retry may resend req after it failed with status
// (0 for a transport error) under p.
func (p Policy) retries(req *http.Request, status int, h http.Header) bool {
	if !p.IdempotentOnly || Idempotent(req.Method) {
		return status == 0 || p.Throttled(status, h)
	}
	if status == http.StatusTooManyRequests {
		return true
	}
	if status != http.StatusForbidden {
		return false
	}
	_, ok := ThrottleWait(h, time.Now())
	return ok
}

// Retryable reports whether status is worth another attempt under p.
func (p Policy) Retryable(status int) bool {
	switch status {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return slices.Contains(p.RetryOn, status)
}

// Throttled reports whether a response with this status and header is
// throttling that Retry waits out: a Retryable status, or a 403 that says it
// is a rate limit by carrying a valid Retry-After, or X-RateLimit-Remaining: 0
// with an X-RateLimit-Reset (GitHub answers its primary and secondary rate
// limits with 403 or 429 and these headers). Any other 403 is a permission
// error and is not retried.
func (p Policy) Throttled(status int, h http.Header) bool {
	if p.Retryable(status) {
		return true
	}
	if status != http.StatusForbidden {
		return false
	}
	_, ok := ThrottleWait(h, time.Now())
	return ok
}

// ThrottleWait reads the wait a throttling response asks for: its
// Retry-After (see ParseRetryAfter), else, when a remaining-requests header
// says 0, the time until the matching reset header. The header families
// read, in order, are X-RateLimit-* (GitHub, Datadog), X-Rate-Limit-*
// (Okta) and RateLimit-* (the IETF draft; PagerDuty, GitLab). A reset value
// of at least half the current Unix time is an epoch time in seconds
// (GitHub, Okta, GitLab; one already past gives 0); a smaller one is a
// number of seconds to wait (Datadog, PagerDuty, the draft): no vendor
// asks for decades. ok is false when no form is present and valid.
func ThrottleWait(h http.Header, now time.Time) (d time.Duration, ok bool) {
	if d, ok := ParseRetryAfter(h.Get("Retry-After"), now); ok {
		return d, true
	}
	for _, family := range [...]string{"X-RateLimit-", "X-Rate-Limit-", "RateLimit-"} {
		if strings.TrimSpace(h.Get(family+"Remaining")) != "0" {
			continue
		}
		if d, ok := resetWait(h.Get(family+"Reset"), now); ok {
			return d, true
		}
	}
	return 0, false
}

// resetWait reads one reset header value (see ThrottleWait), capped by
// MaxRetryAfter.
func resetWait(v string, now time.Time) (time.Duration, bool) {
	reset, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil || reset < 0 {
		return 0, false
	}
	const maxSecs = int64(MaxRetryAfter / time.Second)
	secs := reset
	if reset >= now.Unix()/2 {
		secs = reset - now.Unix()
	}
	if secs > maxSecs {
		return MaxRetryAfter, true
	}
	return max(time.Duration(secs)*time.Second, 0), true
}

// Backoff returns the wait before attempt n+1 after attempt n (n >= 1) failed:
// exponential from MinWait, capped by MaxWait, with full jitter (uniform in
// [0, cap]). rnd returns a uniform int64 in [0, n); nil uses math/rand/v2.
func (p Policy) Backoff(n int, rnd func(int64) int64) time.Duration {
	ceiling := p.MinWait
	for i := 1; i < n && ceiling < p.MaxWait; i++ {
		ceiling *= 2
	}
	ceiling = min(ceiling, p.MaxWait)
	if ceiling <= 0 {
		return 0
	}
	if rnd == nil {
		rnd = rand.Int64N
	}
	return time.Duration(rnd(int64(ceiling) + 1))
}

// MaxRetryAfter caps the wait ParseRetryAfter and ThrottleWait return, in
// both the seconds and the date form, far below where time.Duration
// saturates.
const MaxRetryAfter = 365 * 24 * time.Hour

// ParseRetryAfter reads a Retry-After value: delay seconds or an HTTP date
// (relative to now). ok is false when v is empty or unparsable; a date in the
// past gives 0. Either form is capped at MaxRetryAfter.
func ParseRetryAfter(v string, now time.Time) (d time.Duration, ok bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	const maxSecs = int64(MaxRetryAfter / time.Second)
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		return time.Duration(min(secs, maxSecs)) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	if t.After(now.Add(MaxRetryAfter)) {
		// t.Sub(now) saturates at about 292 years; compare first.
		return MaxRetryAfter, true
	}
	return max(t.Sub(now), 0), true
}

// Retry is the outermost layer: it sends each request up to
// Policy.MaxAttempts times.
//
// An attempt is retried when it was throttled (see Policy.Throttled: a
// retryable status, or a 403 carrying rate-limit headers), or failed with a
// connection reset, an unexpected EOF or a timeout (of the attempt, not of
// the caller's context), and the request body can be replayed (no body, or
// GetBody set). The wait is the one the response asks for (ThrottleWait:
// Retry-After, else X-RateLimit-Reset when X-RateLimit-Remaining is 0), or
// Backoff when it asks for none (or for a reset already past). With
// Policy.IdempotentOnly, a request whose method is not idempotent is
// retried on throttling (429, rate-limit 403) only. When the wait exceeds
// MaxWait (and ClampWait is not set), or the attempts are used up, or the
// attempt may not be retried, the last response is returned as is (status
// and headers intact) for the caller to turn into an error; the last error
// is returned likewise. A cancelled context during a
// wait ends RoundTrip with the context's error.
//
// Each retry is counted in the context's Stats and logged at warn level.
// Retry is safe for concurrent use by multiple goroutines.
type Retry struct {
	Base   http.RoundTripper
	Policy Policy
	// Logger gets a warn record per retry; nil discards.
	Logger *slog.Logger
	// Redactor redacts URLs in log records; nil uses the default rules.
	Redactor *Redactor
	// Rand returns a uniform int64 in [0, n) for jitter; nil uses math/rand/v2.
	Rand func(n int64) int64
}

// RoundTrip sends req, retrying as described on Retry.
func (t *Retry) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	stats := StatsFrom(ctx)
	maxAttempts := max(t.Policy.MaxAttempts, 1)
	replayable := req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
	for attempt := 1; ; attempt++ {
		r := req
		if attempt > 1 && req.Body != nil && req.Body != http.NoBody {
			body, err := req.GetBody()
			if err != nil {
				return nil, err
			}
			r = req.Clone(ctx)
			r.Body = body
		}
		actx, cancel := ctx, context.CancelFunc(func() {})
		if t.Policy.Timeout > 0 {
			actx, cancel = context.WithTimeout(ctx, t.Policy.Timeout)
		}
		if actx != ctx {
			r = r.WithContext(actx)
		}
		resp, err := t.base().RoundTrip(r)
		last := attempt >= maxAttempts || !replayable
		var wait time.Duration
		var why slog.Attr
		if err != nil {
			cancel()
			if ctx.Err() != nil {
				return nil, err
			}
			if last || !retryableError(err, actx) || !t.Policy.retries(req, 0, nil) {
				return nil, err
			}
			wait = t.Policy.Backoff(attempt, t.Rand)
			why = slog.String("error", t.Redactor.String(err.Error()))
		} else {
			if !t.Policy.retries(req, resp.StatusCode, resp.Header) || last {
				resp.Body = &cancelBody{ReadCloser: resp.Body, cancel: cancel}
				return resp, nil
			}
			if tw, ok := ThrottleWait(resp.Header, time.Now()); ok {
				if tw > t.Policy.MaxWait && t.Policy.ClampWait {
					tw = t.Policy.MaxWait
				}
				if tw > t.Policy.MaxWait {
					resp.Body = &cancelBody{ReadCloser: resp.Body, cancel: cancel}
					return resp, nil
				}
				wait = tw
				if tw == 0 && resp.Header.Get("Retry-After") == "" {
					// A rate-limit reset already past (clock skew): back off
					// rather than hammer the server.
					wait = t.Policy.Backoff(attempt, t.Rand)
				}
			} else {
				wait = t.Policy.Backoff(attempt, t.Rand)
			}
			why = slog.Int("status", resp.StatusCode)
			_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
			_ = resp.Body.Close()
			cancel()
		}
		stats.retry(wait)
		if t.Logger != nil {
			t.Logger.LogAttrs(ctx, slog.LevelWarn, "retrying request",
				slog.String("method", req.Method),
				slog.String("url", t.Redactor.URL(req.URL)),
				slog.Int("attempt", attempt),
				slog.Int("max_attempts", maxAttempts),
				why,
				slog.Duration("wait", wait))
		}
		if err := Sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

func (t *Retry) base() http.RoundTripper {
	if t.Base != nil {
		return t.Base
	}
	return http.DefaultTransport
}

// Sleep waits d or until ctx is done, returning ctx's error in that case.
// Retries made above the transport (connector's page refetch) wait with it.
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}

// retryableError classifies a transport error by type: connection resets and
// aborts, a connection closed before the response, and timeouts of the
// attempt are transient; everything else (DNS failures, refused connections,
// TLS and certificate errors, bad URLs) is not.
func retryableError(err error, attemptCtx context.Context) bool {
	switch {
	case errors.Is(err, context.Canceled):
		return false
	case errors.Is(err, context.DeadlineExceeded):
		return attemptCtx.Err() != nil // the attempt's own timeout
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.ECONNABORTED), errors.Is(err, syscall.EPIPE):
		return true
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return true
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return dnsErr.IsTimeout
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	return false
}

// cancelBody releases an attempt's timeout when the body is closed.
type cancelBody struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *cancelBody) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}
