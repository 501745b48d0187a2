package flexera

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// retryPolicy retries throttled requests (429, and 502/503/504 for GET).
type retryPolicy struct {
	maxAttempts int
	maxWait     time.Duration
	log         *slog.Logger
}

// send builds and sends a request until it gets a response that is not
// retryable or attempts run out. prepare (optional) runs on every attempt,
// e.g. to set a fresh Authorization header. Waits honour retry-after
// (seconds or an HTTP date), capped at maxWait, and end early with ctx.
func (p retryPolicy) send(ctx context.Context, hc *http.Client, build func() (*http.Request, error), prepare func(*http.Request) error) (*http.Response, error) {
	for attempt := 1; ; attempt++ {
		req, err := build()
		if err != nil {
			return nil, err
		}
		if prepare != nil {
			if err := prepare(req); err != nil {
				return nil, err
			}
		}
		start := time.Now()
		resp, err := hc.Do(req)
		if err != nil {
			if ctx.Err() != nil {
				return nil, fmt.Errorf("flexera: %s %s: %w", req.Method, redactURL(req.URL), context.Cause(ctx))
			}
			return nil, fmt.Errorf("flexera: %s %s: %w", req.Method, redactURL(req.URL), unwrapURLError(err))
		}
		p.log.LogAttrs(ctx, slog.LevelDebug, "flexera request",
			slog.String("method", req.Method), slog.String("url", redactURL(req.URL)),
			slog.Int("status", resp.StatusCode), slog.Duration("duration", time.Since(start)))
		if !retryable(req.Method, resp.StatusCode) || attempt >= p.maxAttempts {
			return resp, nil
		}
		wait, ok := retryAfter(resp.Header.Get("Retry-After"), time.Now())
		if !ok {
			wait = time.Second << min(attempt-1, 10)
		}
		wait = min(wait, p.maxWait)
		drain(resp)
		p.log.LogAttrs(ctx, slog.LevelWarn, "flexera request throttled, retrying",
			slog.String("method", req.Method), slog.String("url", redactURL(req.URL)),
			slog.Int("status", resp.StatusCode), slog.Int("attempt", attempt), slog.Duration("wait", wait))
		if err := sleep(ctx, wait); err != nil {
			return nil, fmt.Errorf("flexera: %s %s: waiting %s to retry after %d: %w", req.Method, redactURL(req.URL), wait, resp.StatusCode, err)
		}
	}
}

func retryable(method string, status int) bool {
	switch status {
	case http.StatusTooManyRequests:
		return true
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return method == http.MethodGet
	}
	return false
}

// retryAfter parses a Retry-After value: delay seconds or an HTTP date.
func retryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, true
		}
		if secs > int64(24*time.Hour/time.Second) {
			secs = int64(24 * time.Hour / time.Second)
		}
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// sleep waits d or until ctx ends, whichever is first.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return context.Cause(ctx)
	case <-t.C:
		return nil
	}
}

// drain discards a little of the body so the connection can be reused, then closes it.
func drain(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
}

// readCapped reads at most limit bytes of body; more is an error.
func readCapped(r io.Reader, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return b, err
	}
	if int64(len(b)) > limit {
		return b[:limit], fmt.Errorf("response body larger than %d bytes", limit)
	}
	return b, nil
}

// unwrapURLError drops *url.Error's "Method URL:" prefix: callers name the
// redacted URL themselves.
func unwrapURLError(err error) error {
	type unwrapper interface{ Unwrap() error }
	if ue, ok := err.(interface {
		unwrapper
		Timeout() bool
	}); ok {
		if inner := ue.Unwrap(); inner != nil {
			return inner
		}
	}
	return err
}
