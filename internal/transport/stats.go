package transport

import (
	"context"
	"sync/atomic"
	"time"
)

// Stats counts what the stack did for one run. The zero value is ready; it is
// safe for concurrent use. A nil *Stats ignores every update.
type Stats struct {
	requests, retries, rateLimitWaits atomic.Int64
	rateLimitWait, retryWait          atomic.Int64 // nanoseconds
}

// Snapshot is a copy of the counters at one moment.
type Snapshot struct {
	Requests, Retries, RateLimitWaits int
	RateLimitWait, RetryWait          time.Duration
}

// Snapshot returns the current counts.
func (s *Stats) Snapshot() Snapshot {
	if s == nil {
		return Snapshot{}
	}
	return Snapshot{
		Requests:       int(s.requests.Load()),
		Retries:        int(s.retries.Load()),
		RateLimitWaits: int(s.rateLimitWaits.Load()),
		RateLimitWait:  time.Duration(s.rateLimitWait.Load()),
		RetryWait:      time.Duration(s.retryWait.Load()),
	}
}

func (s *Stats) request() {
	if s != nil {
		s.requests.Add(1)
	}
}

// Retried counts one retried attempt that waited wait, for retries made
// above the transport (a page whose body failed mid-read is fetched again).
func (s *Stats) Retried(wait time.Duration) { s.retry(wait) }

func (s *Stats) retry(wait time.Duration) {
	if s != nil {
		s.retries.Add(1)
		s.retryWait.Add(int64(wait))
	}
}

func (s *Stats) rateLimited(wait time.Duration) {
	if s != nil {
		s.rateLimitWaits.Add(1)
		s.rateLimitWait.Add(int64(wait))
	}
}

type statsKey struct{}

// WithStats returns a context whose requests are counted in s.
func WithStats(ctx context.Context, s *Stats) context.Context {
	return context.WithValue(ctx, statsKey{}, s)
}

// StatsFrom returns the Stats ctx carries, or nil.
func StatsFrom(ctx context.Context) *Stats {
	s, _ := ctx.Value(statsKey{}).(*Stats)
	return s
}

// Requested counts one request made outside the HTTP stack (an LDAP search
// round trip).
func (s *Stats) Requested() { s.request() }
