package connectortest

import (
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/saasconnect/saasconnect/connector"
)

// withObserver records each scenario's report and Run time by file name.
func withObserver(mu *sync.Mutex, got map[string]timedRun) Option {
	return func(c *replayConfig) {
		c.observe = func(sc *scenario, rep connector.Report, last connector.Progress, elapsed time.Duration) {
			mu.Lock()
			defer mu.Unlock()
			got[filepath.Base(sc.path)] = timedRun{rep, last, elapsed}
		}
	}
}

type timedRun struct {
	rep     connector.Report
	last    connector.Progress
	elapsed time.Duration
}

// TestReplaySimulatesTime replays scenarios whose rate limit (4 per minute)
// and Retry-After imply over a minute of waiting: they complete at once in
// a synctest bubble, and the simulated time that passed is what the limit
// and the Retry-After imply, so both really ran.
func TestReplaySimulatesTime(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	got := map[string]timedRun{}
	t.Run("replay", func(t *testing.T) {
		Replay(t, filepath.Join("testdata", "ratelimit"), withObserver(&mu, got))
	})
	tests := []struct {
		file                              string
		elapsed, rateLimitWait, retryWait time.Duration
		rateLimitWaits, requests          int
	}{
		// 0s, 15s (429), 35s (Retry-After 20s), 50s, 65s.
		{"four_pages_throttled.txtar", 65 * time.Second, 45 * time.Second, 20 * time.Second, 3, 5},
		// 0s, 15s (429 until 00:00:40), 40s.
		{"retry_after_date.txtar", 40 * time.Second, 15 * time.Second, 25 * time.Second, 1, 3},
	}
	mu.Lock()
	defer mu.Unlock()
	for _, tc := range tests {
		run, ok := got[tc.file]
		if !ok {
			t.Errorf("%s: not replayed", tc.file)
			continue
		}
		t.Logf("%s: %v simulated, last progress %+v", tc.file, run.elapsed, run.last)
		if run.elapsed < tc.elapsed {
			t.Errorf("%s: simulated Run time %v, want at least %v (the rate limit and Retry-After did not wait)", tc.file, run.elapsed, tc.elapsed)
		}
		if s := run.last; run.rep.Status != connector.Succeeded || s.RateLimitWaits != tc.rateLimitWaits || s.RateLimitWait < tc.rateLimitWait || s.RetryWait < tc.retryWait || s.Requests != tc.requests {
			t.Errorf("%s: %s, %d requests, %d rate-limit waits for %v, retry wait %v; want succeeded, %d, %d for at least %v, at least %v",
				tc.file, run.rep.Status, s.Requests, s.RateLimitWaits, s.RateLimitWait, s.RetryWait, tc.requests, tc.rateLimitWaits, tc.rateLimitWait, tc.retryWait)
		}
	}
}
