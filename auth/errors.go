package auth

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/saasconnect/saasconnect/internal/redact"
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

// maxErrorBody caps [TokenError.Body]: the SDK-wide cap on quoted bodies.
const maxErrorBody = redact.MaxBody

// TokenError reports a failed token request ([OAuth2]) or login request
// ([Session]). It never holds a secret: the URL is redacted (user info and
// secret query values hidden), the body is capped and every configured
// secret and every token obtained so far is hidden from it, in every
// encoding.
//
// It matches [ErrTokenRequest] with [errors.Is], and [ErrInvalidCredentials]
// when the endpoint rejected the credentials. Transport failures (connection
// refused, context cancelled, ...) are available through [errors.Unwrap].
type TokenError struct {
	// Op is "token request" or "login request".
	Op string
	// URL is the endpoint, redacted: no user info, secret query values
	// replaced by [REDACTED].
	URL string
	// StatusCode is the HTTP status of the response; 0 if none arrived.
	StatusCode int
	// ErrorCode and ErrorDescription are RFC 6749's "error" and
	// "error_description" response parameters, if the endpoint sent them
	// (description scrubbed).
	ErrorCode, ErrorDescription string
	// Body is the start of the response body (at most 2 KiB, cut on a
	// UTF-8 boundary, secrets hidden).
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

// redactURL returns raw redacted for error messages with the SDK's
// redaction policy: no user info, secret query values hidden, the other
// parameters readable.
func redactURL(raw string) string { return redact.RawURL(raw) }

// redactCause returns err made safe to keep in a TokenError: the URL of a
// *url.Error is redacted, and a message that mentions a secret of s is
// replaced by its redacted text (dropping the error chain, which would
// still mention it).
func redactCause(s *redact.Set, err error) error {
	if err == nil {
		return nil
	}
	if ue, ok := err.(*url.Error); ok {
		c := *ue
		c.URL = s.RawURL(ue.URL)
		err = &c
	}
	if msg := err.Error(); s.String(msg) != msg {
		return errors.New(s.String(msg))
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
