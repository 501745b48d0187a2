package auth

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/saasconnect/saasconnect/internal/respath"
)

// An Authenticator adds credentials to an outgoing request.
//
// Authenticate modifies req (a header or the URL query); callers that do not
// own req must clone it first, as [Transport] does. ctx bounds any work the
// Authenticator does to obtain credentials (a token or login request) and
// carries its values to it; it is not retained after Authenticate returns.
// A non-nil error means req must not be sent.
//
// Implementations must be safe for concurrent use by multiple goroutines.
type Authenticator interface {
	Authenticate(ctx context.Context, req *http.Request) error
}

// AuthenticatorFunc adapts an ordinary function to an [Authenticator]. The
// function must be safe for concurrent use.
type AuthenticatorFunc func(ctx context.Context, req *http.Request) error

// Authenticate calls f(ctx, req).
func (f AuthenticatorFunc) Authenticate(ctx context.Context, req *http.Request) error {
	return f(ctx, req)
}

// An Invalidator is implemented by Authenticators that cache a credential
// (an OAuth2 access token, a session token). Invalidate drops the cached
// credential so that the next Authenticate obtains a fresh one; [Transport]
// calls it after a 401 response. Invalidate must be safe for concurrent use
// and must not block on network I/O.
type Invalidator interface {
	Invalidate()
}

// requestInvalidator is implemented by the package's caching authenticators:
// invalidateFor drops the cached credential only if req carries it, so that
// many requests failing with the same stale token cause one refresh, not one
// each.
type requestInvalidator interface {
	invalidateFor(req *http.Request)
}

// None is an [Authenticator] that adds nothing, for public APIs and tests.
type None struct{}

// Authenticate returns nil and leaves req unchanged.
func (None) Authenticate(context.Context, *http.Request) error { return nil }

// APIKey sends a static key with every request: in a header (Authorization by
// default), optionally prefixed with a token type, or in a query parameter.
//
//	APIKey{Key: k, TokenType: "Bearer"}        // Authorization: Bearer <k>
//	APIKey{Key: k, TokenType: "SSWS"}          // Authorization: SSWS <k> (Okta)
//	APIKey{Key: k, TokenType: "token"}         // Authorization: token <k> (Bugsnag)
//	APIKey{Key: k, Header: "X-Figma-Token"}    // X-Figma-Token: <k>
//	APIKey{Key: k, QueryParam: "api_token"}    // ...?api_token=<k>
//
// An APIKey is a plain value, safe for concurrent use as long as it is not
// modified.
type APIKey struct {
	// Key is the API key or personal access token. Required.
	Key Secret
	// TokenType prefixes the key, separated by a space ("Bearer", "SSWS",
	// "token"). Empty sends the raw key. Not allowed with QueryParam.
	TokenType string
	// Header is the header that carries the key; empty means Authorization.
	Header string
	// QueryParam, if set, sends the key as this query parameter instead of a
	// header (replacing any value the request already had for it; the other
	// parameters are left as they are).
	QueryParam string
}

// Validate reports a missing key or contradictory settings as
// [*ConfigError]s joined with [errors.Join].
func (k APIKey) Validate() error {
	var errs []error
	if k.Key == "" {
		errs = append(errs, &ConfigError{Field: "APIKey.Key", Err: errRequired})
	}
	if k.QueryParam != "" && k.Header != "" {
		errs = append(errs, &ConfigError{Field: "APIKey.QueryParam", Err: errors.New("set either Header or QueryParam, not both")})
	}
	if k.QueryParam != "" && k.TokenType != "" {
		errs = append(errs, &ConfigError{Field: "APIKey.TokenType", Err: errors.New("a token type cannot be sent in a query parameter")})
	}
	if k.Header != "" && !validHeaderName(k.Header) {
		errs = append(errs, &ConfigError{Field: "APIKey.Header", Err: errors.New("not a valid header name")})
	}
	return errors.Join(errs...)
}

// Authenticate adds the key to req. It returns the [APIKey.Validate] error,
// if any, without touching req.
func (k APIKey) Authenticate(_ context.Context, req *http.Request) error {
	if err := k.Validate(); err != nil {
		return err
	}
	if k.QueryParam != "" {
		req.URL.RawQuery = setQueryParam(req.URL.RawQuery, k.QueryParam, k.Key.Reveal())
		return nil
	}
	req.Header.Set(headerOr(k.Header), withType(k.TokenType, k.Key.Reveal()))
	return nil
}

// Basic sends HTTP Basic credentials (RFC 7617) with every request. Some APIs
// take a token as the username and an empty password, or the reverse.
//
// A Basic is a plain value, safe for concurrent use as long as it is not
// modified.
type Basic struct {
	Username string
	Password Secret
}

// Validate reports a Basic whose username and password are both empty.
func (b Basic) Validate() error {
	if b.Username == "" && b.Password == "" {
		return &ConfigError{Field: "Basic.Username", Err: errors.New("username and password are both empty")}
	}
	return nil
}

// Authenticate sets req's Authorization header. It returns the
// [Basic.Validate] error, if any, without touching req.
func (b Basic) Authenticate(_ context.Context, req *http.Request) error {
	if err := b.Validate(); err != nil {
		return err
	}
	req.SetBasicAuth(b.Username, b.Password.Reveal())
	return nil
}

// setQueryParam returns rawQuery with every name parameter removed and
// name=value appended. The other parameters are kept byte for byte (some
// APIs, like Workfront's $$FIRST, are picky about their encoding).
func setQueryParam(rawQuery, name, value string) string {
	var parts []string
	for part := range strings.SplitSeq(rawQuery, "&") {
		if part == "" {
			continue
		}
		k, _, _ := strings.Cut(part, "=")
		if uk, err := url.QueryUnescape(k); err == nil && uk == name {
			continue
		}
		parts = append(parts, part)
	}
	return strings.Join(append(parts, url.QueryEscape(name)+"="+url.QueryEscape(value)), "&")
}

// headerOr returns h, or Authorization when h is empty.
func headerOr(h string) string {
	if h == "" {
		return "Authorization"
	}
	return h
}

// withType returns "<typ> <token>", or token when typ is empty.
func withType(typ, token string) string {
	if typ == "" {
		return token
	}
	return typ + " " + token
}

// validHeaderName reports whether h is a header field name (an RFC 9110
// token): the SDK's one check, in internal/respath.
func validHeaderName(h string) bool { return respath.ValidHeaderName(h) }
