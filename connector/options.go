package connector

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"
)

// RetryPolicy says how often and how long a failed request is retried.
// Zero fields take the defaults.
type RetryPolicy struct {
	// MaxAttempts is the number of attempts including the first (default 5;
	// 1 disables retries).
	MaxAttempts int
	// MinWait is the first backoff (default 500ms); backoff doubles per
	// attempt, with full jitter.
	MinWait time.Duration
	// MaxWait caps backoff and Retry-After (default 30s). A server asking to
	// wait longer ends the request with an *HTTPError whose RetryAfter is set.
	MaxWait time.Duration
}

// Defaults for the options.
const (
	DefaultMaxAttempts  = 5
	DefaultMinWait      = 500 * time.Millisecond
	DefaultMaxWait      = 30 * time.Second
	DefaultTimeout      = 60 * time.Second
	DefaultMaxBodyBytes = 64 << 20
)

// DefaultRetryPolicy returns the policy used when WithRetry is not given.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{MaxAttempts: DefaultMaxAttempts, MinWait: DefaultMinWait, MaxWait: DefaultMaxWait}
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.MaxAttempts == 0 {
		p.MaxAttempts = DefaultMaxAttempts
	}
	if p.MinWait == 0 {
		p.MinWait = DefaultMinWait
	}
	if p.MaxWait == 0 {
		p.MaxWait = DefaultMaxWait
	}
	return p
}

// Option configures a Connector (see New). An Option returns an error for a
// value it cannot use; New reports it.
type Option func(*options) error

type options struct {
	client   *http.Client
	logger   *slog.Logger
	retry    RetryPolicy
	timeout  time.Duration
	prefetch int
	raw      bool
	progress func(Progress)
	now      func() time.Time
	maxBody  int64
}

func defaultOptions() options {
	return options{
		logger:   slog.New(slog.DiscardHandler),
		retry:    DefaultRetryPolicy(),
		timeout:  DefaultTimeout,
		prefetch: 1,
		now:      time.Now,
		maxBody:  DefaultMaxBodyBytes,
	}
}

// WithHTTPClient makes c's Transport the base of the connector's HTTP stack
// (nil Transport: http.DefaultTransport). Retry, rate limiting and auth are
// layered on top of it; c's other fields (Timeout, Jar, CheckRedirect) are
// not used (see WithTimeout). A transport that skips TLS verification is
// refused; the ca_file setting needs an *http.Transport.
func WithHTTPClient(c *http.Client) Option {
	return func(o *options) error {
		if c == nil {
			return errors.New("WithHTTPClient: nil client")
		}
		o.client = c
		return nil
	}
}

// WithLogger logs each HTTP request at debug level (method, redacted URL,
// status, duration) and each retry at warn level. Secrets are never logged.
// The default discards.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) error {
		if l == nil {
			return errors.New("WithLogger: nil logger")
		}
		o.logger = l
		return nil
	}
}

// WithRetry sets the retry policy; zero fields take the defaults (5 attempts,
// 500ms, 30s).
func WithRetry(p RetryPolicy) Option {
	return func(o *options) error {
		if p.MaxAttempts < 0 || p.MinWait < 0 || p.MaxWait < 0 {
			return fmt.Errorf("WithRetry: negative value in %+v", p)
		}
		p = p.withDefaults()
		if p.MinWait > p.MaxWait {
			return fmt.Errorf("WithRetry: MinWait %s is above MaxWait %s", p.MinWait, p.MaxWait)
		}
		o.retry = p
		return nil
	}
}

// WithTimeout bounds each HTTP request, response headers and body included
// (default 60s). Retries get a fresh timeout.
func WithTimeout(d time.Duration) Option {
	return func(o *options) error {
		if d <= 0 {
			return fmt.Errorf("WithTimeout: %s is not positive", d)
		}
		o.timeout = d
		return nil
	}
}

// WithPrefetch lets up to n pages be in flight at once when the total is
// known up front (offset and page walks); users still come in order.
// Default 1 (sequential).
func WithPrefetch(n int) Option {
	return func(o *options) error {
		if n < 1 {
			return fmt.Errorf("WithPrefetch: %d is below 1", n)
		}
		o.prefetch = n
		return nil
	}
}

// WithRawRecords keeps each vendor record in User.Raw.
func WithRawRecords(on bool) Option {
	return func(o *options) error {
		o.raw = on
		return nil
	}
}

// WithProgress calls f after each page with the run's counts so far. f is
// called from the goroutine ranging over Users (or calling Run), never
// concurrently with itself for one run.
func WithProgress(f func(Progress)) Option {
	return func(o *options) error {
		o.progress = f
		return nil
	}
}

// WithClock sets the clock used for activity classification and report
// times (default time.Now).
func WithClock(now func() time.Time) Option {
	return func(o *options) error {
		if now == nil {
			return errors.New("WithClock: nil clock")
		}
		o.now = now
		return nil
	}
}

// WithMaxBodyBytes caps each response body (default 64 MiB). A larger page
// is an error, never silently truncated.
func WithMaxBodyBytes(n int64) Option {
	return func(o *options) error {
		if n <= 0 {
			return fmt.Errorf("WithMaxBodyBytes: %d is not positive", n)
		}
		o.maxBody = n
		return nil
	}
}
