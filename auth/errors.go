package auth

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"
)

// ErrTokenRequest is matched (with [errors.Is]) by every [*TokenError]: a
// token or login request failed.
var ErrTokenRequest = errors.New("auth: token request failed")

// ErrInvalidCredentials is matched (with [errors.Is]) by a [*TokenError]
// whose endpoint rejected the credentials: HTTP status 401, or an OAuth2
// error code (RFC 6749 section 5.2) of invalid_client, invalid_grant or
// unauthorized_client. Retrying such a request with the same credentials will
// not help.
var ErrInvalidCredentials = errors.New("auth: invalid credentials")

// maxErrorBody caps [TokenError.Body].
const maxErrorBody = 1024

// TokenError reports a failed token request ([OAuth2]) or login request
// ([Session]). It never holds a secret: the URL is redacted, the body is
// capped and every configured secret value is scrubbed from it.
//
// It matches [ErrTokenRequest] with [errors.Is], and [ErrInvalidCredentials]
// when the endpoint rejected the credentials. Transport failures (connection
// refused, context cancelled, ...) are available through [errors.Unwrap].
type TokenError struct {
	// Op is "token request" or "login request".
	Op string
	// URL is the endpoint, redacted: no user info, query values replaced.
	URL string
	// StatusCode is the HTTP status of the response; 0 if none arrived.
	StatusCode int
	// ErrorCode and ErrorDescription are RFC 6749's "error" and
	// "error_description" response parameters, if the endpoint sent them
	// (description scrubbed).
	ErrorCode, ErrorDescription string
	// Body is the start of the response body (at most 1 KiB, secrets scrubbed).
	Body string
	// Err is the underlying cause, if any (transport error, missing token).
	Err error
}

// Error describes the failure; it contains no secret.
func (e *TokenError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "auth: %s to %s failed", e.Op, e.URL)
	if e.StatusCode != 0 {
		fmt.Fprintf(&b, ": %d %s", e.StatusCode, http.StatusText(e.StatusCode))
	}
	if e.ErrorCode != "" {
		fmt.Fprintf(&b, ": %s", e.ErrorCode)
		if e.ErrorDescription != "" {
			fmt.Fprintf(&b, " (%s)", e.ErrorDescription)
		}
	}
	if e.Err != nil {
		fmt.Fprintf(&b, ": %v", e.Err)
	}
	if e.Body != "" && e.ErrorCode == "" {
		fmt.Fprintf(&b, "; response: %s", e.Body)
	}
	return b.String()
}

// Unwrap returns the underlying cause.
func (e *TokenError) Unwrap() error { return e.Err }

// Is reports whether e matches [ErrTokenRequest] or, when the endpoint
// rejected the credentials, [ErrInvalidCredentials].
func (e *TokenError) Is(target error) bool {
	switch target {
	case ErrTokenRequest:
		return true
	case ErrInvalidCredentials:
		if e.StatusCode == http.StatusUnauthorized {
			return true
		}
		switch e.ErrorCode {
		case "invalid_client", "invalid_grant", "unauthorized_client":
			return true
		}
	}
	return false
}

// ConfigError reports an invalid authenticator configuration. Field names the
// setting, e.g. "OAuth2Config.TokenURL". The message never holds a secret.
type ConfigError struct {
	Field string
	Err   error
}

// Error returns "auth: <Field>: <reason>".
func (e *ConfigError) Error() string { return "auth: " + e.Field + ": " + e.Err.Error() }

// Unwrap returns the reason.
func (e *ConfigError) Unwrap() error { return e.Err }

// errRequired is the reason of a [ConfigError] for a missing setting.
var errRequired = errors.New("required")

// redactURL returns raw without user info and fragment, and with every query
// value replaced by "REDACTED", for error messages. A URL that does not parse
// comes back as "(invalid URL)".
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(invalid URL)"
	}
	c := *u
	c.User = nil
	c.Fragment, c.RawFragment = "", ""
	if c.RawQuery != "" {
		q, err := url.ParseQuery(c.RawQuery)
		if err != nil {
			c.RawQuery = "REDACTED"
		} else {
			for k, vs := range q {
				for i := range vs {
					vs[i] = "REDACTED"
				}
				q[k] = vs
			}
			c.RawQuery = q.Encode()
		}
	}
	return c.String()
}

// scrubber replaces known secret values, in the encodings they travel in,
// with "[REDACTED]".
type scrubber []string

// newScrubber returns a scrubber for the given plain secret values; empty
// values are ignored.
func newScrubber(secrets ...string) scrubber {
	var s scrubber
	add := func(v string) {
		if v != "" {
			s = append(s, v)
		}
	}
	for _, v := range secrets {
		if v == "" {
			continue
		}
		add(v)
		add(url.QueryEscape(v))
		add(url.PathEscape(v))
		if j, err := json.Marshal(v); err == nil {
			add(string(j[1 : len(j)-1]))
		}
		add(base64.StdEncoding.EncodeToString([]byte(v)))
	}
	return s
}

// with returns a scrubber that also scrubs the given values.
func (s scrubber) with(secrets ...string) scrubber {
	return append(newScrubber(secrets...), s...)
}

func (s scrubber) scrub(text string) string {
	for _, v := range s {
		text = strings.ReplaceAll(text, v, redacted)
	}
	return text
}

// body scrubs and caps a response body for a TokenError.
func (s scrubber) body(b []byte) string {
	text := strings.TrimSpace(s.scrub(string(b)))
	if len(text) > maxErrorBody {
		cut := maxErrorBody
		for cut > 0 && !utf8.RuneStart(text[cut]) {
			cut--
		}
		text = text[:cut] + "...(truncated)"
	}
	return strings.ToValidUTF8(text, "\uFFFD")
}

// cause returns err made safe to keep in a TokenError: the URL of a
// *url.Error is redacted, and a message that mentions a secret is scrubbed
// (dropping the error chain, which would still mention it).
func (s scrubber) cause(err error) error {
	if err == nil {
		return nil
	}
	if ue, ok := err.(*url.Error); ok {
		c := *ue
		c.URL = redactURL(ue.URL)
		err = &c
	}
	if msg := err.Error(); s.scrub(msg) != msg {
		return errors.New(s.scrub(msg))
	}
	return err
}

// asTokenError returns err as a *TokenError: unchanged if it is one, else
// (the caller's ctx ended while it waited for a token) wrapped in one naming
// the endpoint.
func asTokenError(err error, op, redactedURL string) error {
	if _, ok := err.(*TokenError); ok {
		return err
	}
	return &TokenError{Op: op, URL: redactedURL, Err: err}
}
