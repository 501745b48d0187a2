package transport

import (
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"golang.org/x/time/rate"
)

// RateLimit makes every request wait for a token from Limiter before it is
// passed to Base. Waits are counted in the context's Stats. A cancelled
// context during a wait returns the context's error promptly and gives the
// token back. A nil Limiter does not limit. RateLimit is safe for concurrent
// use by multiple goroutines.
type RateLimit struct {
	Base    http.RoundTripper
	Limiter *rate.Limiter
	// Logger gets a debug record per wait; nil discards.
	Logger *slog.Logger
	// Redactor redacts URLs in log records; nil uses the default rules.
	Redactor *Redactor
}

// NewLimiter returns a limiter allowing n requests per period with the given
// burst (<1 means 1).
func NewLimiter(n int, per time.Duration, burst int) *rate.Limiter {
	return rate.NewLimiter(rate.Every(per/time.Duration(n)), max(burst, 1))
}

// RoundTrip waits for the limiter, then sends req.
func (t *RateLimit) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.Limiter != nil {
		ctx := req.Context()
		r := t.Limiter.Reserve()
		if !r.OK() {
			closeBody(req)
			return nil, fmt.Errorf("rate limit: burst %d cannot admit a request", t.Limiter.Burst())
		}
		if d := r.Delay(); d > 0 {
			StatsFrom(ctx).rateLimited(d)
			if t.Logger != nil {
				t.Logger.LogAttrs(ctx, slog.LevelDebug, "waiting for the rate limit",
					slog.String("method", req.Method), slog.String("url", t.Redactor.URL(req.URL)), slog.Duration("wait", d))
			}
			if err := Sleep(ctx, d); err != nil {
				r.Cancel()
				closeBody(req)
				return nil, err
			}
		}
	}
	if t.Base == nil {
		return http.DefaultTransport.RoundTrip(req)
	}
	return t.Base.RoundTrip(req)
}

func closeBody(req *http.Request) {
	if req.Body != nil {
		_ = req.Body.Close()
	}
}
