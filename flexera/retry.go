package flexera

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/saasconnect/saasconnect/internal/transport"
)

// retryPolicy is the transport.Policy of every Flexera request: throttled
// requests (429) are retried for any method, 502/503/504 only for idempotent
// ones (GET), never a POST or PATCH that the server may have acted on. A
// retry-after above maxWait is cut to maxWait; without one the waits are
// 1s, 2s, 4s, ... up to maxWait.
func retryPolicy(maxAttempts int, maxWait time.Duration) transport.Policy {
	return transport.Policy{MaxAttempts: maxAttempts, MinWait: time.Second, MaxWait: maxWait, IdempotentOnly: true, ClampWait: true}
}

// noJitter makes Backoff return its ceiling: Flexera's waits are exact.
func noJitter(n int64) int64 { return n - 1 }

// newStack returns a client sending through hc's transport (nil:
// http.DefaultClient's) wrapped as Retry(wrap(base)). hc's Timeout bounds
// each attempt, as it did when hc sent every attempt itself; its Jar is kept.
// Redirects are followed on the same origin only.
func newStack(hc *http.Client, p transport.Policy, log *slog.Logger, wrap func(http.RoundTripper) http.RoundTripper) *http.Client {
	if hc == nil {
		hc = http.DefaultClient
	}
	base := hc.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	if wrap != nil {
		base = wrap(base)
	}
	p.Timeout = hc.Timeout
	return &http.Client{
		Transport:     &transport.Retry{Base: base, Policy: p, Logger: log, Rand: noJitter},
		Jar:           hc.Jar,
		CheckRedirect: transport.SameOriginRedirects,
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
