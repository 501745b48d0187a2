package auth

import (
	"io"
	"net/http"

	"github.com/saasconnect/saasconnect/internal/transport"
)

// Transport is an [http.RoundTripper] that authenticates each request with
// Auth before passing it to Base.
//
// RoundTrip follows the [http.RoundTripper] contract: it never modifies the
// caller's request (it authenticates a clone) and it closes the request body
// on every path, including errors.
//
// If the response is 401 Unauthorized and Auth is an [Invalidator], the
// cached credential is dropped, a fresh one obtained and the request sent
// once more, provided its body can be replayed (no body, or
// [http.Request.GetBody] set, as [http.NewRequest] does for in-memory
// bodies). The second response is returned whatever its status: a second 401
// goes back to the caller. The resent request is counted as a retry in the
// request context's transport statistics (the run report's Retries). Errors from Auth are returned as they are (a
// [*TokenError] for this package's authenticators).
//
// A Transport is safe for concurrent use by multiple goroutines if Auth and
// Base are.
type Transport struct {
	// Auth adds credentials to each request; nil adds nothing.
	Auth Authenticator
	// Base sends the authenticated requests; nil means
	// [http.DefaultTransport].
	Base http.RoundTripper
}

// RoundTrip authenticates a clone of req and sends it with Base.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.Auth == nil {
		return t.base().RoundTrip(req)
	}
	sent, resp, err := t.send(req, req.Body)
	if err != nil || resp.StatusCode != http.StatusUnauthorized {
		return resp, err
	}
	inv, ok := t.Auth.(Invalidator)
	if !ok {
		return resp, nil
	}
	var body io.ReadCloser = http.NoBody
	if req.Body != nil && req.Body != http.NoBody {
		if req.GetBody == nil {
			return resp, nil // cannot replay: the caller sees the 401
		}
		body, err = req.GetBody()
		if err != nil {
			return resp, nil
		}
	}
	// The response is about to be replaced: drain a little so the
	// connection can be reused, then close it.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4<<10))
	_ = resp.Body.Close()

	if ri, ok := t.Auth.(requestInvalidator); ok {
		ri.invalidateFor(sent)
	} else {
		inv.Invalidate()
	}
	// The 401 was a failed attempt that is retried: count it like the
	// retries of transport.Retry (no wait).
	transport.StatsFrom(req.Context()).Retried(0)
	_, resp, err = t.send(req, body)
	return resp, err
}

// send authenticates a clone of req carrying body and sends it; it returns
// the clone it sent. body is closed on every path.
func (t *Transport) send(req *http.Request, body io.ReadCloser) (*http.Request, *http.Response, error) {
	r := req.Clone(req.Context())
	if req.Body == nil || req.Body == http.NoBody {
		r.Body = req.Body
	} else {
		r.Body = body
	}
	if err := t.Auth.Authenticate(req.Context(), r); err != nil {
		if r.Body != nil {
			_ = r.Body.Close()
		}
		return r, nil, err
	}
	resp, err := t.base().RoundTrip(r)
	return r, resp, err
}

func (t *Transport) base() http.RoundTripper {
	if t.Base != nil {
		return t.Base
	}
	return http.DefaultTransport
}
