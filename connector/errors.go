package connector

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/saasconnect/saasconnect/auth"
	"github.com/saasconnect/saasconnect/internal/redact"
	"github.com/saasconnect/saasconnect/internal/transport"
	"github.com/saasconnect/saasconnect/mapping"
	"github.com/saasconnect/saasconnect/paginate"
)

// Sentinel errors. Match them with errors.Is: an [*HTTPError] maps its status
// to one of the first five, and ErrCursorLoop and ErrTooManyPages are the
// paginate package's values.
var (
	// ErrUnauthorized: the vendor answered 401 even after one forced token
	// refresh, or the token/login request was refused (the endpoint
	// answered 401 or an OAuth2 invalid_client, invalid_grant or
	// unauthorized_client error). For a refused token/login request the
	// run's (and Test's) error matches auth.ErrInvalidCredentials and
	// *auth.TokenError as well.
	ErrUnauthorized = errors.New("connector: unauthorized")
	// ErrForbidden: the vendor answered 403 (credentials valid, scope or
	// role missing). A 403 carrying rate-limit headers is ErrRateLimited
	// instead (see HTTPError.RateLimited).
	ErrForbidden = errors.New("connector: forbidden")
	// ErrNotFound: the vendor answered 404 (wrong URL, tenant or org).
	ErrNotFound = errors.New("connector: not found")
	// ErrRateLimited: the vendor answered 429 (or a 403 with rate-limit
	// headers) after every retry, or asked to wait longer than the retry
	// policy's MaxWait (see HTTPError.RetryAfter).
	ErrRateLimited = errors.New("connector: rate limited")
	// ErrCursorLoop: the vendor returned a cursor or next URL it had already
	// returned.
	ErrCursorLoop = paginate.ErrCursorLoop
	// ErrTooManyPages: the walk went past pagination.max_pages.
	ErrTooManyPages = paginate.ErrTooManyPages
)

// HTTPError is a non-success HTTP response. URL is redacted (no userinfo,
// secret query values replaced) and Body is capped at 2 KiB on a UTF-8
// boundary with every secret the connector knows (settings marked secret,
// tokens obtained) hidden, so an HTTPError is safe to log. Match it with errors.Is against the sentinels:
// 401 → ErrUnauthorized, 403 → ErrForbidden, 404 → ErrNotFound,
// 429 (or any status with RetryAfter set, or RateLimited) → ErrRateLimited.
// A rate-limited 403 (RateLimited) is not ErrForbidden.
type HTTPError struct {
	Method     string
	URL        string // redacted
	StatusCode int
	Body       []byte // the start of the response body, capped
	// RetryAfter is the wait the server asked for in its last response
	// (Retry-After, or X-RateLimit-Reset with X-RateLimit-Remaining: 0, on
	// a throttling status), zero when absent. The request was given up
	// because that is more than RetryPolicy.MaxWait or the attempts were
	// used up: reschedule the run after that long.
	RetryAfter time.Duration
	// RateLimited is set on a 403 that was a rate limit, not a refusal: it
	// carried Retry-After, or X-RateLimit-Remaining: 0 with
	// X-RateLimit-Reset (GitHub's primary and secondary rate limits). Such
	// a 403 is retried like a 429; when the retries end it matches
	// ErrRateLimited, not ErrForbidden.
	RateLimited bool
}

// Error returns "GET https://host/path: 404 Not Found: <body start>".
func (e *HTTPError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: %d %s", e.Method, e.URL, e.StatusCode, http.StatusText(e.StatusCode))
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, " (retry after %s)", e.RetryAfter)
	}
	if body := strings.Join(strings.Fields(string(e.Body)), " "); body != "" {
		b.WriteString(": ")
		b.WriteString(body) // one line, whatever the server sent
	}
	return b.String()
}

// Is reports whether the status maps to target (one of the sentinel errors).
func (e *HTTPError) Is(target error) bool {
	switch target {
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized
	case ErrForbidden:
		return e.StatusCode == http.StatusForbidden && !e.RateLimited
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound
	case ErrRateLimited:
		return e.StatusCode == http.StatusTooManyRequests || e.RetryAfter > 0 || e.RateLimited
	}
	return false
}

// TemplateError is one problem in a template, located by its JSON path
// ("pagination.cursor_path", "filters[1].operator"; "" for the whole
// template). Template.Validate and ParseTemplate return an errors.Join of
// them; find them with errors.As or by ranging over Unwrap() []error.
type TemplateError struct {
	Path string
	Err  error
}

// Error returns "template: <path>: <problem>".
func (e *TemplateError) Error() string {
	if e.Path == "" {
		return "template: " + e.Err.Error()
	}
	return "template: " + e.Path + ": " + e.Err.Error()
}

// Unwrap returns the underlying problem.
func (e *TemplateError) Unwrap() error { return e.Err }

// ResponseError is a page the vendor answered with a success status but
// whose body says the request failed: the template's response.success_path
// held false (or no boolean). It is not retried. Message is the value at
// response.error_message_path (a string as is, anything else as JSON,
// capped), empty when the template names none or the body has none.
type ResponseError struct {
	SuccessPath string // response.success_path
	// Value is what was found there: "false", or "absent", "null" or the
	// JSON kind ("string", ...) when it is not a boolean.
	Value       string
	MessagePath string // response.error_message_path, may be empty
	Message     string
}

// Error returns `the response reports a failure (success: false): "<message>"`.
func (e *ResponseError) Error() string {
	var b strings.Builder
	if e.Value == "false" {
		fmt.Fprintf(&b, "the response reports a failure (%s: false)", e.SuccessPath)
	} else {
		fmt.Fprintf(&b, "the response has no success flag: response.success_path %s is %s, want a boolean", e.SuccessPath, e.Value)
	}
	switch {
	case e.Message != "":
		fmt.Fprintf(&b, ": %s", strconv.Quote(e.Message))
	case e.MessagePath != "" && e.Value == "false":
		fmt.Fprintf(&b, " with no %s", e.MessagePath)
	}
	return b.String()
}

// redactChain returns err with every error of its chain redacted by s, so
// that the errors callers reach with errors.As (*paginate.PageError,
// *HTTPError, *auth.TokenError, *url.Error, *mapping.FieldError,
// *ResponseError, *TestError, ...) hold no secret either, not only the
// top-level message. Errors of those types are copied with their fields
// redacted; any other error whose message holds a secret is replaced by one
// with the redacted message that unwraps to the redacted rest of the chain
// (so errors.Is still finds the sentinels); an error holding no secret is
// kept as is. A *runError is already redacted. err itself is not modified.
func redactChain(s *redact.Set, err error) error {
	switch e := err.(type) {
	case nil:
		return nil
	case *runError:
		return e
	case *paginate.PageError:
		// A new PageError prints its (redacted) cause's message.
		return &paginate.PageError{Page: e.Page, Method: e.Method, URL: s.RawURL(e.URL), Err: redactChain(s, e.Err)}
	case *HTTPError:
		c := *e
		c.URL = s.RawURL(e.URL)
		c.Body = []byte(s.String(string(e.Body)))
		return &c
	case *auth.TokenError:
		c := *e
		c.URL = s.RawURL(e.URL)
		c.ErrorCode = s.String(e.ErrorCode)
		c.ErrorDescription = s.String(e.ErrorDescription)
		c.Body = s.String(e.Body)
		c.Err = redactChain(s, e.Err)
		return &c
	case *url.Error:
		c := *e
		c.URL = s.RawURL(e.URL)
		c.Err = redactChain(s, e.Err)
		return &c
	case *mapping.FieldError:
		c := *e
		c.Err = redactChain(s, e.Err)
		return &c
	case *ResponseError:
		c := *e
		c.Message = s.String(e.Message)
		return &c
	case *TestError:
		c := *e
		c.Hint = s.String(e.Hint)
		c.Err = redactChain(s, e.Err)
		return &c
	case *transport.RefusedError:
		return &transport.RefusedError{Msg: s.String(e.Msg)}
	}
	msg := err.Error()
	red := &redactedError{msg: s.String(msg)}
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		inner := u.Unwrap()
		red.errs = []error{redactChain(s, inner)}
		if red.msg == msg && red.errs[0] == inner {
			return err
		}
	case interface{ Unwrap() []error }:
		changed := false
		for _, inner := range u.Unwrap() {
			r := redactChain(s, inner)
			changed = changed || r != inner
			red.errs = append(red.errs, r)
		}
		if red.msg == msg && !changed {
			return err
		}
	default:
		if red.msg == msg {
			return err
		}
	}
	return red
}

// redactedError stands in the chain for an error whose message held a
// secret: it has the redacted message and unwraps to the redacted causes.
type redactedError struct {
	msg  string
	errs []error
}

func (e *redactedError) Error() string { return e.msg }

// Unwrap returns the redacted causes.
func (e *redactedError) Unwrap() []error { return e.errs }
