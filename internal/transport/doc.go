// Package transport is the HTTP stack every connector uses, built from
// [http.RoundTripper] layers:
//
//	Retry( RateLimit( auth.Transport( Observe( base ) ) ) )
//
// Retry re-sends throttled or failed attempts (429, 502, 503, 504, extra
// statuses, a 403 carrying Retry-After or X-RateLimit-Remaining: 0 with
// X-RateLimit-Reset, connection resets, timeouts), honouring Retry-After or
// X-RateLimit-Reset up to a cap, with exponential backoff and full jitter
// otherwise. RateLimit makes every
// attempt wait on a token bucket. auth.Transport (package auth) adds
// credentials and refreshes a token once on 401. Observe, innermost, refuses
// plain http (except loopback) and other origins, counts every request sent
// and logs it with a redacted URL.
//
// Clients that carry credentials set a redirect policy (WithRedirects):
// RefuseRedirects for token and login requests, SameOriginRedirects for API
// calls. net/http would otherwise resend a body on 307 and 308, and the
// Authorization header to the same host on another port.
//
// Per-run counters travel in the request context (WithStats), so one stack
// serves concurrent runs. Every layer is safe for concurrent use by multiple
// goroutines.
//
// Retry goes beyond the RoundTripper contract on purpose: it interprets
// responses and may send a request several times (replaying its body through
// GetBody only). It returns the last response it got, whatever its status,
// so the caller decides how to report it.
package transport
