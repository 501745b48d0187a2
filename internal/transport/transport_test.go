package transport

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// step is one scripted answer of fakeRT: a status (with headers) or an error.
type step struct {
	status int
	header http.Header
	err    error
	block  bool // wait until the request's context is done
}

// fakeRT is an in-memory RoundTripper that answers from a script and
// records what it received. Safe for concurrent use.
type fakeRT struct {
	mu     sync.Mutex
	steps  []step
	bodies []string
	times  []time.Time
}

func (f *fakeRT) RoundTrip(req *http.Request) (*http.Response, error) {
	f.mu.Lock()
	var body string
	if req.Body != nil {
		b, _ := io.ReadAll(req.Body)
		_ = req.Body.Close()
		body = string(b)
	}
	f.bodies = append(f.bodies, body)
	f.times = append(f.times, time.Now())
	s := step{status: 200}
	if len(f.steps) > 0 {
		s, f.steps = f.steps[0], f.steps[1:]
	}
	f.mu.Unlock()
	if s.block {
		<-req.Context().Done()
		return nil, fmt.Errorf("fake: %w", req.Context().Err())
	}
	if s.err != nil {
		return nil, s.err
	}
	h := s.header
	if h == nil {
		h = http.Header{}
	}
	return &http.Response{StatusCode: s.status, Header: h, Body: io.NopCloser(strings.NewReader(fmt.Sprintf(`{"status":%d}`, s.status))), Request: req}, nil
}

func (f *fakeRT) calls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.bodies)
}

func ra(v string) http.Header { return http.Header{"Retry-After": {v}} }

var policy = Policy{MaxAttempts: 4, MinWait: 100 * time.Millisecond, MaxWait: 10 * time.Second, RetryOn: []int{406}}

func TestRetry(t *testing.T) {
	reset := &net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", syscall.ECONNRESET)}
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	tests := []struct {
		name        string
		steps       []step
		wantStatus  int // 0: want an error
		wantErr     error
		wantCalls   int
		wantRetries int
		wantWait    time.Duration // exact, when the waits come from Retry-After
	}{
		{name: "success", steps: []step{{status: 200}}, wantStatus: 200, wantCalls: 1},
		{name: "429 then 503 then 200", steps: []step{{status: 429, header: ra("2")}, {status: 503, header: ra("3")}, {status: 200}}, wantStatus: 200, wantCalls: 3, wantRetries: 2, wantWait: 5 * time.Second},
		{name: "502 504 backoff", steps: []step{{status: 502}, {status: 504}, {status: 200}}, wantStatus: 200, wantCalls: 3, wantRetries: 2},
		{name: "retry_on 406", steps: []step{{status: 406, header: ra("1")}, {status: 200}}, wantStatus: 200, wantCalls: 2, wantRetries: 1, wantWait: time.Second},
		{name: "500 is not retried", steps: []step{{status: 500}}, wantStatus: 500, wantCalls: 1},
		{name: "404 is not retried", steps: []step{{status: 404}}, wantStatus: 404, wantCalls: 1},
		{name: "attempts used up returns last response", steps: []step{{status: 503}, {status: 503}, {status: 503}, {status: 503}}, wantStatus: 503, wantCalls: 4, wantRetries: 3},
		{name: "retry-after above cap stops at once", steps: []step{{status: 429, header: ra("3600")}}, wantStatus: 429, wantCalls: 1},
		{name: "connection reset is retried", steps: []step{{err: reset}, {status: 200}}, wantStatus: 200, wantCalls: 2, wantRetries: 1},
		{name: "unexpected EOF is retried", steps: []step{{err: io.ErrUnexpectedEOF}, {status: 200}}, wantStatus: 200, wantCalls: 2, wantRetries: 1},
		{name: "attempt timeout is retried", steps: []step{{block: true}, {status: 200}}, wantStatus: 200, wantCalls: 2, wantRetries: 1},
		{name: "connection refused is not retried", steps: []step{{err: refused}}, wantErr: syscall.ECONNREFUSED, wantCalls: 1},
		{name: "dns failure is not retried", steps: []step{{err: &net.DNSError{Err: "no such host", Name: "x.invalid", IsNotFound: true}}}, wantErr: &net.DNSError{}, wantCalls: 1},
		{name: "reset on last attempt returns the error", steps: []step{{err: reset}, {err: reset}, {err: reset}, {err: reset}}, wantErr: syscall.ECONNRESET, wantCalls: 4, wantRetries: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				f := &fakeRT{steps: tt.steps}
				p := policy
				p.Timeout = time.Minute
				rt := &Retry{Base: f, Policy: p}
				stats := &Stats{}
				req, err := http.NewRequestWithContext(WithStats(t.Context(), stats), "GET", "https://api.example.com/users", nil)
				require.NoError(t, err)
				start := time.Now()
				resp, err := rt.RoundTrip(req)
				elapsed := time.Since(start)
				if tt.wantStatus == 0 {
					require.Error(t, err)
					if de := (&net.DNSError{}); errors.As(tt.wantErr, &de) {
						assert.ErrorAs(t, err, &de)
					} else {
						assert.ErrorIs(t, err, tt.wantErr)
					}
				} else {
					require.NoError(t, err)
					assert.Equal(t, tt.wantStatus, resp.StatusCode)
					_, _ = io.ReadAll(resp.Body)
					require.NoError(t, resp.Body.Close())
				}
				assert.Equal(t, tt.wantCalls, f.calls(), "attempts")
				snap := stats.Snapshot()
				assert.Equal(t, tt.wantRetries, snap.Retries, "retries")
				if tt.wantWait > 0 {
					assert.Equal(t, tt.wantWait, snap.RetryWait)
					assert.Equal(t, tt.wantWait, elapsed, "fake clock time spent waiting")
				}
			})
		})
	}
}

// gh is a GitHub-style rate-limit header: X-RateLimit-Remaining and, when
// reset is not 0, X-RateLimit-Reset reset seconds after the synctest epoch
// (2000-01-01T00:00:00Z, the bubble's start).
func gh(remaining string, reset int64) http.Header {
	h := http.Header{"X-Ratelimit-Remaining": {remaining}}
	if reset != 0 {
		h.Set("X-RateLimit-Reset", fmt.Sprint(time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC).Unix()+reset))
	}
	return h
}

// TestRetryRateLimited403 covers GitHub's rate limits: a 403 with
// Retry-After (secondary) or X-RateLimit-Remaining: 0 and X-RateLimit-Reset
// (primary) is throttling and waited out; any other 403 is final at once.
func TestRetryRateLimited403(t *testing.T) {
	tests := []struct {
		name        string
		steps       []step
		wantStatus  int
		wantCalls   int
		wantRetries int
		wantWait    time.Duration // exact
	}{
		{name: "plain 403 is final", steps: []step{{status: 403}}, wantStatus: 403, wantCalls: 1},
		{name: "403 with remaining left is final", steps: []step{{status: 403, header: gh("12", 30)}}, wantStatus: 403, wantCalls: 1},
		{name: "403 remaining 0 without reset is final", steps: []step{{status: 403, header: gh("0", 0)}}, wantStatus: 403, wantCalls: 1},
		{name: "403 with bad Retry-After is final", steps: []step{{status: 403, header: ra("later")}}, wantStatus: 403, wantCalls: 1},
		{name: "403 Retry-After is waited out", steps: []step{{status: 403, header: ra("3")}, {status: 200}}, wantStatus: 200, wantCalls: 2, wantRetries: 1, wantWait: 3 * time.Second},
		{name: "403 remaining 0 waits until reset", steps: []step{{status: 403, header: gh("0", 7)}, {status: 200}}, wantStatus: 200, wantCalls: 2, wantRetries: 1, wantWait: 7 * time.Second},
		{name: "429 remaining 0 waits until reset", steps: []step{{status: 429, header: gh("0", 4)}, {status: 200}}, wantStatus: 200, wantCalls: 2, wantRetries: 1, wantWait: 4 * time.Second},
		{name: "Retry-After wins over reset", steps: []step{{status: 403, header: func() http.Header { h := gh("0", 9); h.Set("Retry-After", "2"); return h }()}, {status: 200}}, wantStatus: 200, wantCalls: 2, wantRetries: 1, wantWait: 2 * time.Second},
		{name: "reset past MaxWait returns the 403 at once", steps: []step{{status: 403, header: gh("0", 3600)}}, wantStatus: 403, wantCalls: 1},
		{name: "reset already past backs off", steps: []step{{status: 403, header: gh("0", -5)}, {status: 200}}, wantStatus: 200, wantCalls: 2, wantRetries: 1},
		{name: "attempts used up returns the last 403", steps: []step{{status: 403, header: ra("1")}, {status: 403, header: ra("1")}, {status: 403, header: ra("1")}, {status: 403, header: ra("1")}}, wantStatus: 403, wantCalls: 4, wantRetries: 3, wantWait: 3 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				f := &fakeRT{steps: tt.steps}
				stats := &Stats{}
				rt := &Retry{Base: f, Policy: policy}
				req, err := http.NewRequestWithContext(WithStats(t.Context(), stats), "GET", "https://api.github.com/orgs/o/members", nil)
				require.NoError(t, err)
				start := time.Now()
				resp, err := rt.RoundTrip(req)
				require.NoError(t, err)
				_, _ = io.ReadAll(resp.Body)
				require.NoError(t, resp.Body.Close())
				assert.Equal(t, tt.wantStatus, resp.StatusCode)
				assert.Equal(t, tt.wantCalls, f.calls(), "attempts")
				snap := stats.Snapshot()
				assert.Equal(t, tt.wantRetries, snap.Retries, "retries")
				if tt.wantWait > 0 {
					assert.Equal(t, tt.wantWait, snap.RetryWait)
					assert.Equal(t, tt.wantWait, time.Since(start), "fake clock time spent waiting")
				}
			})
		})
	}
}

func TestThrottleWait(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	hdr := func(kv ...string) http.Header {
		h := http.Header{}
		for i := 0; i < len(kv); i += 2 {
			h.Set(kv[i], kv[i+1])
		}
		return h
	}
	epoch := func(d time.Duration) string { return fmt.Sprint(now.Add(d).Unix()) }
	tests := []struct {
		name string
		h    http.Header
		want time.Duration
		ok   bool
	}{
		{"none", hdr(), 0, false},
		{"retry-after seconds", hdr("Retry-After", "5"), 5 * time.Second, true},
		{"retry-after date", hdr("Retry-After", "Wed, 25 Nov 2026 12:00:30 GMT"), 30 * time.Second, true},
		{"reset", hdr("X-RateLimit-Remaining", "0", "X-RateLimit-Reset", epoch(90*time.Second)), 90 * time.Second, true},
		{"reset in the past", hdr("X-RateLimit-Remaining", "0", "X-RateLimit-Reset", epoch(-time.Minute)), 0, true},
		{"reset far away is capped at a year", hdr("X-RateLimit-Remaining", "0", "X-RateLimit-Reset", "99999999999999"), 365 * 24 * time.Hour, true},
		{"remaining not 0", hdr("X-RateLimit-Remaining", "3", "X-RateLimit-Reset", epoch(time.Minute)), 0, false},
		{"reset missing", hdr("X-RateLimit-Remaining", "0"), 0, false},
		{"reset not a number", hdr("X-RateLimit-Remaining", "0", "X-RateLimit-Reset", "soon"), 0, false},
		{"retry-after first", hdr("Retry-After", "1", "X-RateLimit-Remaining", "0", "X-RateLimit-Reset", epoch(time.Hour)), time.Second, true},
		{"reset in seconds (Datadog)", hdr("X-RateLimit-Remaining", "0", "X-RateLimit-Reset", "42"), 42 * time.Second, true},
		{"okta's header names", hdr("X-Rate-Limit-Remaining", "0", "X-Rate-Limit-Reset", epoch(20*time.Second)), 20 * time.Second, true},
		{"draft header names in seconds (PagerDuty)", hdr("ratelimit-remaining", "0", "ratelimit-reset", "7"), 7 * time.Second, true},
		{"draft header names as an epoch (GitLab)", hdr("RateLimit-Remaining", "0", "RateLimit-Reset", epoch(time.Minute)), time.Minute, true},
		{"a family with requests left is not read", hdr("X-RateLimit-Remaining", "5", "X-RateLimit-Reset", "42", "RateLimit-Remaining", "0", "RateLimit-Reset", "3"), 3 * time.Second, true},
	}
	for _, tt := range tests {
		d, ok := ThrottleWait(tt.h, now)
		assert.Equal(t, tt.ok, ok, tt.name)
		assert.Equal(t, tt.want, d, tt.name)
	}
}

func TestPolicyThrottled(t *testing.T) {
	assert.True(t, policy.Throttled(429, nil))
	assert.True(t, policy.Throttled(406, nil), "retry_on")
	assert.False(t, policy.Throttled(403, http.Header{}))
	assert.True(t, policy.Throttled(403, ra("1")))
	assert.False(t, policy.Throttled(401, ra("1")), "only 403 is read for rate-limit headers")
	assert.False(t, policy.Throttled(500, ra("1")))
}

func TestRetryAfterHTTPDate(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		date := time.Now().Add(7 * time.Second).UTC().Format(http.TimeFormat)
		f := &fakeRT{steps: []step{{status: 429, header: ra(date)}, {status: 200}}}
		rt := &Retry{Base: f, Policy: policy}
		req, _ := http.NewRequestWithContext(t.Context(), "GET", "https://api.example.com/", nil)
		start := time.Now()
		resp, err := rt.RoundTrip(req)
		require.NoError(t, err)
		resp.Body.Close()
		// HTTP dates have one-second resolution.
		assert.InDelta(t, 7*time.Second, time.Since(start), float64(time.Second))
	})
}

func TestRetryReplaysBodyViaGetBody(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := &fakeRT{steps: []step{{status: 503}, {status: 200}}}
		rt := &Retry{Base: f, Policy: policy}
		req, _ := http.NewRequestWithContext(t.Context(), "POST", "https://api.example.com/q", strings.NewReader(`{"page":2}`))
		resp, err := rt.RoundTrip(req)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, []string{`{"page":2}`, `{"page":2}`}, f.bodies)
	})
}

func TestRetryWithoutGetBodyDoesNotRetry(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := &fakeRT{steps: []step{{status: 503}, {status: 200}}}
		rt := &Retry{Base: f, Policy: policy}
		req, _ := http.NewRequestWithContext(t.Context(), "POST", "https://api.example.com/q", io.NopCloser(strings.NewReader("x")))
		req.GetBody = nil
		resp, err := rt.RoundTrip(req)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, 503, resp.StatusCode)
		assert.Equal(t, 1, f.calls())
	})
}

func TestRetryCancelDuringBackoff(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := &fakeRT{steps: []step{{status: 429, header: ra("5")}}}
		rt := &Retry{Base: f, Policy: policy}
		ctx, cancel := context.WithCancel(t.Context())
		req, _ := http.NewRequestWithContext(ctx, "GET", "https://api.example.com/", nil)
		go func() {
			time.Sleep(time.Second)
			cancel()
		}()
		start := time.Now()
		_, err := rt.RoundTrip(req)
		assert.ErrorIs(t, err, context.Canceled)
		assert.Equal(t, time.Second, time.Since(start))
		assert.Equal(t, 1, f.calls())
	})
}

func TestRetryLogsRedactedWarning(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var buf bytes.Buffer
		log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
		f := &fakeRT{steps: []step{{status: 503}, {status: 200}}}
		rt := &Retry{Base: f, Policy: policy, Logger: log, Redactor: NewRedactor([]string{"k"}, "sekrit-value")}
		req, _ := http.NewRequestWithContext(t.Context(), "GET", "https://u:pw@api.example.com/x?k=sekrit-value&page=2", nil)
		resp, err := rt.RoundTrip(req)
		require.NoError(t, err)
		resp.Body.Close()
		out := buf.String()
		assert.Contains(t, out, "level=WARN")
		assert.Contains(t, out, "retrying request")
		assert.Contains(t, out, "status=503")
		assert.NotContains(t, out, "sekrit")
		assert.NotContains(t, out, "pw@")
	})
}

func TestBackoff(t *testing.T) {
	p := Policy{MinWait: 100 * time.Millisecond, MaxWait: time.Second}
	top := func(n int64) int64 { return n - 1 }
	for n, want := range map[int]time.Duration{1: 100 * time.Millisecond, 2: 200 * time.Millisecond, 3: 400 * time.Millisecond, 4: 800 * time.Millisecond, 5: time.Second, 30: time.Second} {
		assert.Equal(t, want, p.Backoff(n, top), "attempt %d", n)
	}
	zero := func(int64) int64 { return 0 }
	assert.Equal(t, time.Duration(0), p.Backoff(3, zero), "full jitter reaches 0")
	for range 100 {
		d := p.Backoff(3, nil)
		assert.True(t, d >= 0 && d <= 400*time.Millisecond, "%s", d)
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"", 0, false},
		{"0", 0, true},
		{"120", 2 * time.Minute, true},
		{" 5 ", 5 * time.Second, true},
		{"-1", 0, false},
		{"soon", 0, false},
		{"Wed, 25 Nov 2026 12:00:30 GMT", 30 * time.Second, true},
		{"Wed, 25 Nov 2026 11:00:00 GMT", 0, true},
		{"99999999999", MaxRetryAfter, true},
		// A far-future date is capped like the seconds form, not saturated.
		{"Fri, 31 Dec 9999 23:59:59 GMT", MaxRetryAfter, true},
		{"Thu, 25 Nov 2027 12:00:00 GMT", MaxRetryAfter, true},
	}
	for _, tt := range tests {
		d, ok := ParseRetryAfter(tt.in, now)
		assert.Equal(t, tt.ok, ok, tt.in)
		assert.Equal(t, tt.want, d, tt.in)
	}
}

func TestRateLimit(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := &fakeRT{}
		rt := &RateLimit{Base: f, Limiter: NewLimiter(2, time.Second, 1)} // one request per 500ms
		stats := &Stats{}
		ctx := WithStats(t.Context(), stats)
		for range 3 {
			req, _ := http.NewRequestWithContext(ctx, "GET", "https://api.example.com/", nil)
			resp, err := rt.RoundTrip(req)
			require.NoError(t, err)
			resp.Body.Close()
		}
		snap := stats.Snapshot()
		assert.Equal(t, 2, snap.RateLimitWaits)
		assert.Equal(t, time.Second, snap.RateLimitWait)
		assert.Equal(t, 500*time.Millisecond, f.times[1].Sub(f.times[0]))
		assert.Equal(t, 500*time.Millisecond, f.times[2].Sub(f.times[1]))
	})
}

func TestRateLimitCancelledWait(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := &fakeRT{}
		rt := &RateLimit{Base: f, Limiter: NewLimiter(1, time.Hour, 1)}
		req, _ := http.NewRequestWithContext(t.Context(), "GET", "https://api.example.com/", nil)
		resp, err := rt.RoundTrip(req)
		require.NoError(t, err)
		resp.Body.Close()
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		req, _ = http.NewRequestWithContext(ctx, "GET", "https://api.example.com/", nil)
		_, err = rt.RoundTrip(req)
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Equal(t, 1, f.calls())
	})
}

func TestStackOrderEveryAttemptWaitsOnLimiter(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := &fakeRT{steps: []step{{status: 503, header: ra("0")}, {status: 503, header: ra("0")}, {status: 200}}}
		stats := &Stats{}
		rt := &Retry{Policy: policy, Base: &RateLimit{Limiter: NewLimiter(1, time.Second, 1), Base: &Observe{Base: f}}}
		req, _ := http.NewRequestWithContext(WithStats(t.Context(), stats), "GET", "https://api.example.com/", nil)
		resp, err := rt.RoundTrip(req)
		require.NoError(t, err)
		resp.Body.Close()
		snap := stats.Snapshot()
		assert.Equal(t, Snapshot{Requests: 3, Retries: 2, RateLimitWaits: 2, RateLimitWait: 2 * time.Second}, snap)
	})
}

func TestObserve(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	f := &fakeRT{}
	rt := &Observe{Base: f, Origin: "https://api.example.com", Logger: log, Redactor: NewRedactor([]string{"key"}, "topsecret")}
	stats := &Stats{}
	ctx := WithStats(t.Context(), stats)
	tests := []struct {
		url     string
		wantErr string
	}{
		{"https://api.example.com/users?key=topsecret", ""},
		{"https://API.example.com:443/users", ""},
		{"https://evil.example.net/users?key=topsecret", "only https://api.example.com is allowed"},
		{"http://api.example.com/users", "refusing plain http URL http://api.example.com/users"},
		{"ftp://api.example.com/users", "unsupported scheme"},
	}
	for _, tt := range tests {
		req, _ := http.NewRequestWithContext(ctx, "GET", tt.url, nil)
		resp, err := rt.RoundTrip(req)
		if tt.wantErr == "" {
			require.NoError(t, err, tt.url)
			resp.Body.Close()
			continue
		}
		require.ErrorContains(t, err, tt.wantErr, tt.url)
		assert.NotContains(t, err.Error(), "topsecret")
	}
	assert.Equal(t, 2, stats.Snapshot().Requests)
	assert.Equal(t, 2, f.calls())
	out := buf.String()
	assert.Contains(t, out, `"msg":"http request"`)
	assert.Contains(t, out, `"status":200`)
	assert.Contains(t, out, `"method":"GET"`)
	assert.Contains(t, out, `key=[REDACTED]`)
	assert.NotContains(t, out, "topsecret")
}

func TestCheckURLLoopback(t *testing.T) {
	for _, ok := range []string{"http://localhost:8080/x", "http://127.0.0.1/x", "http://[::1]:9/x", "http://api.localhost/x", "https://example.com/"} {
		u, _ := url.Parse(ok)
		assert.NoError(t, CheckURL(u), ok)
	}
	for _, bad := range []string{"http://10.0.0.1/x", "http://example.com/x", "/relative", "https:///nohost"} {
		u, _ := url.Parse(bad)
		assert.Error(t, CheckURL(u), bad)
	}
}

func TestRedactor(t *testing.T) {
	r := NewRedactor([]string{"hapi"}, "s3cr3t-value", "abc")
	tests := []struct{ in, want string }{
		{"https://user:pass@host.example/p?a=1", "https://host.example/p?a=1"},
		{"https://host.example/p?access_token=xyz&page=2", "https://host.example/p?access_token=[REDACTED]&page=2"},
		{"https://host.example/p?apikey=1&client_secret=2&sig=3&hapi=4&limit=5", "https://host.example/p?apikey=[REDACTED]&client_secret=[REDACTED]&sig=[REDACTED]&hapi=[REDACTED]&limit=5"},
		{"https://host.example/s3cr3t-value/x", "https://host.example/[REDACTED]/x"},
		{"https://host.example/p?sid=S1&session_token=T&x-api-key=K&page=2", "https://host.example/p?sid=[REDACTED]&session_token=[REDACTED]&x-api-key=[REDACTED]&page=2"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, r.RawURL(tt.in))
	}
	assert.Equal(t, "token [REDACTED] and [REDACTED]", r.String("token s3cr3t-value and s3cr3t-value"))
	assert.Equal(t, "abc stays (too short)", r.String("abc stays (too short)"))
	assert.Equal(t, "https://h.example/?token=[REDACTED]", RedactURL(&url.URL{Scheme: "https", Host: "h.example", Path: "/", RawQuery: "token=1"}))
	assert.Equal(t, "", RedactURL(nil))
}

func TestSecretParam(t *testing.T) {
	for _, s := range []string{"api_key", "apikey", "hapikey", "access_token", "token", "client_secret", "password", "sig", "X-Api-Key", "code", "auth"} {
		assert.True(t, SecretParam(s), s)
	}
	for _, s := range []string{"page", "limit", "per_page", "cursor", "filter", "author", "q"} {
		assert.False(t, SecretParam(s), s)
	}
}

func TestBase(t *testing.T) {
	_, err := Base(&http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}, "")
	assert.ErrorContains(t, err, "InsecureSkipVerify")

	rt, err := Base(nil, "")
	require.NoError(t, err)
	assert.Equal(t, http.DefaultTransport, rt)

	_, err = Base(http.DefaultTransport, filepath.Join(t.TempDir(), "missing.pem"))
	assert.ErrorContains(t, err, "ca_file")

	junk := filepath.Join(t.TempDir(), "junk.pem")
	require.NoError(t, os.WriteFile(junk, []byte("not a cert"), 0o600))
	_, err = Base(http.DefaultTransport, junk)
	assert.ErrorContains(t, err, "no PEM certificate")

	_, err = Base(&fakeRT{}, junk)
	assert.ErrorContains(t, err, "needs an *http.Transport")
}

func TestBaseCAFileTrustsServer(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "ok") }))
	defer srv.Close()
	// Without the CA the server is not trusted.
	plain := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	_, err := plain.Get(srv.URL)
	require.Error(t, err)

	caFile := filepath.Join(t.TempDir(), "ca.pem")
	require.NoError(t, os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600))
	rt, err := Base(http.DefaultTransport.(*http.Transport).Clone(), caFile)
	require.NoError(t, err)
	resp, err := (&http.Client{Transport: rt}).Get(srv.URL)
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, "ok", string(body))
}

// TestRetryIdempotentOnly: with IdempotentOnly, a POST or PATCH is retried
// on 429 only (the server did not act on it); a GET still on 5xx and
// connection resets.
func TestRetryIdempotentOnly(t *testing.T) {
	tests := []struct {
		method     string
		first      step
		wantCalls  int
		wantStatus int
	}{
		{"GET", step{status: 503}, 2, 200},
		{"GET", step{err: syscall.ECONNRESET}, 2, 200},
		{"POST", step{status: 429, header: ra("1")}, 2, 200},
		{"POST", step{status: 503}, 1, 503},
		{"PATCH", step{status: 502}, 1, 502},
		{"POST", step{err: syscall.ECONNRESET}, 1, 0},
		{"PUT", step{status: 504}, 2, 200},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s %d %v", tt.method, tt.first.status, tt.first.err), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				f := &fakeRT{steps: []step{tt.first, {status: 200}}}
				p := policy
				p.IdempotentOnly = true
				rt := &Retry{Base: f, Policy: p}
				req, _ := http.NewRequestWithContext(t.Context(), tt.method, "https://api.example.com/q", strings.NewReader("x"))
				resp, err := rt.RoundTrip(req)
				assert.Equal(t, tt.wantCalls, f.calls())
				if tt.wantStatus == 0 {
					require.Error(t, err)
					return
				}
				require.NoError(t, err)
				resp.Body.Close()
				assert.Equal(t, tt.wantStatus, resp.StatusCode)
			})
		})
	}
}

// TestRetryClampWait: a Retry-After above MaxWait ends the retries, unless
// ClampWait cuts the wait to MaxWait.
func TestRetryClampWait(t *testing.T) {
	for _, clamp := range []bool{false, true} {
		t.Run(fmt.Sprint("clamp=", clamp), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				f := &fakeRT{steps: []step{{status: 429, header: ra("3600")}, {status: 200}}}
				p := policy
				p.ClampWait = clamp
				rt := &Retry{Base: f, Policy: p}
				req, _ := http.NewRequestWithContext(t.Context(), "GET", "https://api.example.com/", nil)
				start := time.Now()
				resp, err := rt.RoundTrip(req)
				require.NoError(t, err)
				resp.Body.Close()
				if clamp {
					assert.Equal(t, 200, resp.StatusCode)
					assert.Equal(t, p.MaxWait, time.Since(start))
				} else {
					assert.Equal(t, 429, resp.StatusCode)
					assert.Equal(t, 1, f.calls())
				}
			})
		})
	}
}
