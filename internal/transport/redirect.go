package transport

import (
	"fmt"
	"net/http"
	"net/url"
)

// maxRedirects is how many same-origin redirects SameOriginRedirects follows,
// as many as net/http's default policy.
const maxRedirects = 10

// RedirectError is a redirect an [http.Client] refused: From and To are the
// redacted URLs of the request that was answered with a redirect and of its
// target. It is returned wrapped in a *url.Error by the client.
type RedirectError struct {
	From, To string
	// CrossOrigin is true when To is on another origin than From (scheme,
	// host or port differ); false when redirects are refused altogether.
	CrossOrigin bool
}

// Error names both URLs.
func (e *RedirectError) Error() string {
	if e.CrossOrigin {
		return fmt.Sprintf("refusing redirect from %s to %s: another origin (the request carries credentials)", e.From, e.To)
	}
	return fmt.Sprintf("refusing redirect from %s to %s: this endpoint must answer without redirecting (the request carries credentials)", e.From, e.To)
}

// redirectURL is the one place a redirect error redacts its URLs.
func redirectURL(u *url.URL) string { return RedactURL(u) }

// RefuseRedirects is an [http.Client] CheckRedirect function that follows no
// redirect: the request sent it carries credentials in its body or headers
// (a token or login request), and a 307 or 308 would resend them to the
// target. The error is a [*RedirectError] naming both redacted URLs.
func RefuseRedirects(req *http.Request, via []*http.Request) error {
	return &RedirectError{From: redirectURL(via[len(via)-1].URL), To: redirectURL(req.URL), CrossOrigin: Origin(req.URL) != Origin(via[0].URL)}
}

// SameOriginRedirects is an [http.Client] CheckRedirect function that follows
// up to 10 redirects on the origin (scheme, host and port, see [Origin]) of
// the first request, and refuses one to any other origin with a
// [*RedirectError]: net/http keeps the Authorization header on a redirect to
// the same host name on another port, and a 307 or 308 resends the body.
func SameOriginRedirects(req *http.Request, via []*http.Request) error {
	if Origin(req.URL) != Origin(via[0].URL) {
		return &RedirectError{From: redirectURL(via[len(via)-1].URL), To: redirectURL(req.URL), CrossOrigin: true}
	}
	if len(via) >= maxRedirects {
		return fmt.Errorf("stopped after %d redirects", maxRedirects)
	}
	return nil
}

// WithRedirects returns a shallow copy of c (nil means [http.DefaultClient])
// whose CheckRedirect is check; c itself is not modified.
func WithRedirects(c *http.Client, check func(*http.Request, []*http.Request) error) *http.Client {
	if c == nil {
		c = http.DefaultClient
	}
	cp := *c
	cp.CheckRedirect = check
	return &cp
}
