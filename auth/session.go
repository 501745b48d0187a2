package auth

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"time"

	"github.com/saasconnect/saasconnect/internal/jsonpath"
	"github.com/saasconnect/saasconnect/internal/jsonvalue"
	"github.com/saasconnect/saasconnect/internal/redact"
	"github.com/saasconnect/saasconnect/internal/respath"
	"github.com/saasconnect/saasconnect/internal/transport"
)

// Login body formats for [SessionConfig.Format].
const (
	FormatJSON = "json" // application/json (the default)
	FormatForm = "form" // application/x-www-form-urlencoded
)

// maxLoginResponse caps the login response body that is read.
const maxLoginResponse = 1 << 20

// SessionConfig configures a [Session]: a login request whose response
// carries a session token, sent with every later request.
//
// Apptio (Frontdoor) and Adobe Workfront, for example:
//
//	SessionConfig{
//		LoginURL:  "https://frontdoor.apptio.com/service/apikeylogin",
//		Body:      map[string]any{"keyAccess": "{key_access}", "keySecret": "{key_secret}"},
//		Values:    map[string]Secret{"key_access": access, "key_secret": secret},
//		TokenPath: "header:apptio-opentoken",
//		Header:    "apptio-opentoken",
//	}
//	SessionConfig{
//		LoginURL:  "https://example.my.workfront.com/attask/api/v15.0/login",
//		Body:      map[string]any{"username": "{username}", "password": "{password}"},
//		Values:    map[string]Secret{"username": user, "password": pass},
//		Format:    FormatForm,
//		TokenPath: "data.sessionID",
//		Header:    "SessionID",
//	}
type SessionConfig struct {
	// LoginURL is the login endpoint, an absolute http or https URL.
	// Required.
	LoginURL string
	// Method is the login request's method; empty means POST.
	Method string
	// Body is the login request body (nil: an empty body). String values, at any depth, may hold
	// {name} placeholders, replaced by Values[name]; the result is then
	// JSON- or form-encoded, so values need no escaping. A form body holds
	// only strings, numbers and booleans (or lists of them).
	Body map[string]any
	// Values fills the placeholders of Body. Every placeholder must have a
	// value.
	Values map[string]Secret
	// Format is FormatJSON (default) or FormatForm.
	Format string
	// TokenPath locates the session token: a JSON path into the response
	// body (e.g. "data.sessionID"; see internal/jsonpath for the syntax), or
	// "header:<Name>" for a response header. Required.
	TokenPath string
	// Header is the request header that carries the token; empty means
	// Authorization.
	Header string
	// TokenType prefixes the token, separated by a space (e.g. "Bearer");
	// empty sends the raw token.
	TokenType string
	// ExpiresIn is how long a session lasts: the next request after it
	// passes logs in again. Zero means until a request is rejected with 401
	// (see [Transport]) or [Session.Invalidate] is called.
	ExpiresIn time.Duration
	// OnToken, if set, is called with every session token obtained, before
	// it is used, so that the caller can hide it from its own errors and
	// logs. It is called from the goroutine that logs in; it must be safe
	// for concurrent use and must not block.
	OnToken func(token string) `json:"-"`
	// BasicUser and BasicPassword, when BasicUser is set, are sent as HTTP
	// Basic credentials on the login request (vendors that log in with
	// Basic and hand back a session token).
	BasicUser     string
	BasicPassword Secret
}

// placeholder matches {name} in login body strings.
var placeholder = regexp.MustCompile(`\{([A-Za-z_][A-Za-z0-9_.-]*)\}`)

// Session is an [Authenticator] that logs in with a request to a login URL
// and sends the session token it returns in a header of every request. It
// logs in again when [SessionConfig.ExpiresIn] has passed, or after
// [Session.Invalidate] (which [Transport] calls on a 401).
//
// Session is safe for concurrent use by multiple goroutines; logins are
// single-flight: any number of goroutines needing a session at once cause
// one login request, sent with the *http.Client given to [NewSession] and
// bounded by the ctx of the calls waiting for it. Every error of
// Authenticate is a [*TokenError]; when the caller's ctx ends first, it
// unwraps to ctx.Err().
type Session struct {
	cfg       SessionConfig // Body and Values are not kept: see body
	body      []byte        // encoded login body, placeholders filled
	ctype     string        // its Content-Type
	path      *jsonpath.Path
	fromHdr   string // response header holding the token, if TokenPath is header:<Name>
	header    string // request header carrying the token
	client    *http.Client
	cache     tokenCache[string]
	secret    *redact.Set // the Values and the session tokens obtained
	loginURL  string      // redacted, for errors
	tokenDesc string      // where the token is read, for errors
}

// Validate reports every problem of c as [*ConfigError]s joined with
// [errors.Join]; nil means [NewSession] accepts c.
func (c SessionConfig) Validate() error {
	_, err := c.compile()
	return err
}

// compile validates c and prepares a Session (without client and cache).
func (c SessionConfig) compile() (*Session, error) {
	var errs []error
	add := func(field string, err error) {
		errs = append(errs, &ConfigError{Field: "SessionConfig." + field, Err: err})
	}
	s := &Session{cfg: c, header: headerOr(c.Header), loginURL: redactURL(c.LoginURL)}
	if err := checkURL(c.LoginURL); err != nil {
		add("LoginURL", err)
	}
	if s.cfg.Method == "" {
		s.cfg.Method = http.MethodPost
	} else if !validHeaderName(c.Method) {
		add("Method", errors.New("not a valid HTTP method"))
	}
	src, srcErr := respath.Compile(c.TokenPath)
	switch name, isHeader := respath.HeaderName(c.TokenPath); {
	case c.TokenPath == "":
		add("TokenPath", errRequired)
	case srcErr != nil:
		add("TokenPath", srcErr)
	case isHeader:
		s.fromHdr = name
		s.tokenDesc = "response header " + name
	default:
		s.path = src.Path
		s.tokenDesc = "response body path " + c.TokenPath
	}
	if c.Header != "" && !validHeaderName(c.Header) {
		add("Header", errors.New("not a valid header name"))
	}
	if c.ExpiresIn < 0 {
		add("ExpiresIn", errors.New("must not be negative"))
	}
	var missing []string
	fill := func(str string) string {
		return placeholder.ReplaceAllStringFunc(str, func(m string) string {
			name := m[1 : len(m)-1]
			v, ok := c.Values[name]
			if !ok {
				missing = append(missing, name)
			}
			return v.Reveal()
		})
	}
	switch c.Format {
	case FormatJSON, "":
		s.ctype = "application/json"
		if c.Body == nil {
			break
		}
		body, err := json.Marshal(jsonvalue.MapStrings(c.Body, fill))
		if err != nil {
			add("Body", errors.New("cannot be encoded as JSON"))
		}
		s.body = body
	case FormatForm:
		form := url.Values{}
		for _, k := range slices.Sorted(maps.Keys(c.Body)) {
			vs, err := formValues(c.Body[k])
			if err != nil {
				add("Body["+strconv.Quote(k)+"]", err)
				continue
			}
			for _, v := range vs {
				form.Add(k, fill(v))
			}
		}
		s.ctype = "application/x-www-form-urlencoded"
		if c.Body != nil {
			s.body = []byte(form.Encode())
		}
	default:
		add("Format", fmt.Errorf("unknown format %q (want \"json\" or \"form\")", c.Format))
	}
	slices.Sort(missing)
	for _, name := range slices.Compact(missing) {
		add("Body", fmt.Errorf("placeholder {%s} has no value in Values", name))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	secrets := make([]string, 0, len(c.Values))
	for _, v := range c.Values {
		secrets = append(secrets, v.Reveal())
	}
	s.secret = redact.New(secrets...)
	s.loginURL = s.secret.RawURL(c.LoginURL)
	if c.BasicUser != "" {
		s.secret.Add(c.BasicPassword.Reveal())
		s.secret.AddBasic(c.BasicUser, c.BasicPassword.Reveal())
	}
	s.cfg.Body, s.cfg.Values = nil, nil
	return s, nil
}

// formValues returns the form field values of a login body value.
func formValues(v any) ([]string, error) {
	switch v := v.(type) {
	case string:
		return []string{v}, nil
	case bool:
		return []string{strconv.FormatBool(v)}, nil
	case json.Number:
		return []string{v.String()}, nil
	case float64:
		return []string{strconv.FormatFloat(v, 'f', -1, 64)}, nil
	case int:
		return []string{strconv.Itoa(v)}, nil
	case int64:
		return []string{strconv.FormatInt(v, 10)}, nil
	case []string:
		return v, nil
	case []any:
		var out []string
		for _, e := range v {
			if _, nested := e.([]any); nested {
				return nil, errors.New("a form value cannot be a nested list")
			}
			vs, err := formValues(e)
			if err != nil {
				return nil, err
			}
			out = append(out, vs...)
		}
		return out, nil
	}
	return nil, fmt.Errorf("a form value must be a string, number, boolean or list of them, not %T", v)
}

// NewSession returns a Session for cfg. Login requests are sent with a copy
// of client (nil means [http.DefaultClient]) that follows no redirect: a
// redirect answer is an error naming both redacted URLs. client must not itself authenticate with
// the returned Session. No request is made until a session is needed. A cfg
// that fails [SessionConfig.Validate] is an error.
func NewSession(cfg SessionConfig, client *http.Client) (*Session, error) {
	s, err := cfg.compile()
	if err != nil {
		return nil, err
	}
	// A login endpoint has no business redirecting, and following a 307 or
	// 308 would resend the credentials in the body.
	s.client = transport.WithRedirects(client, transport.RefuseRedirects)
	s.cache.fetch = s.login
	return s, nil
}

// Authenticate sets the configured header to the session token, logging in
// first if there is no current session. ctx bounds the login request.
func (s *Session) Authenticate(ctx context.Context, req *http.Request) error {
	tok, err := s.cache.get(ctx)
	if err != nil {
		return asTokenError(err, "login request", s.loginURL)
	}
	req.Header.Set(s.header, withType(s.cfg.TokenType, tok))
	return nil
}

// Invalidate drops the current session; the next Authenticate logs in
// again. It does not block.
func (s *Session) Invalidate() { s.cache.invalidate() }

// invalidateFor drops the current session if req was sent with it.
func (s *Session) invalidateFor(req *http.Request) {
	h := req.Header.Get(s.header)
	s.cache.invalidateIf(func(tok string) bool { return h == withType(s.cfg.TokenType, tok) })
}

// String describes s without its secrets.
func (s *Session) String() string {
	return fmt.Sprintf("auth.Session{LoginURL: %s, Method: %s, TokenPath: %s, Header: %s, ExpiresIn: %v}",
		s.loginURL, s.cfg.Method, s.cfg.TokenPath, s.header, s.cfg.ExpiresIn)
}

// GoString is String, so %#v shows no secret either.
func (s *Session) GoString() string { return s.String() }

// login sends the login request and extracts the session token.
func (s *Session) login(ctx context.Context) (string, time.Time, error) {
	fail := func(status int, body []byte, err error) (string, time.Time, error) {
		return "", time.Time{}, &TokenError{Op: "login request", URL: s.loginURL, StatusCode: status,
			Body: s.secret.Body(body), Err: redactCause(s.secret, err)}
	}
	req, err := http.NewRequestWithContext(ctx, s.cfg.Method, s.cfg.LoginURL, bytes.NewReader(s.body))
	if err != nil {
		return fail(0, nil, err)
	}
	if s.body != nil {
		req.Header.Set("Content-Type", s.ctype)
	}
	req.Header.Set("Accept", "application/json")
	if s.cfg.BasicUser != "" {
		req.SetBasicAuth(s.cfg.BasicUser, s.cfg.BasicPassword.Reveal())
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return fail(0, nil, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxLoginResponse+1))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fail(resp.StatusCode, data, nil)
	}
	if err != nil {
		return fail(resp.StatusCode, nil, fmt.Errorf("reading response: %w", err))
	}
	// A success response holds the session token, somewhere: it is never
	// quoted in errors.
	var tok string
	if s.fromHdr != "" {
		tok = resp.Header.Get(s.fromHdr)
	} else {
		if len(data) > maxLoginResponse {
			return fail(resp.StatusCode, nil, errors.New("response body larger than 1 MiB"))
		}
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		var doc any
		if err := dec.Decode(&doc); err != nil {
			return fail(resp.StatusCode, nil, fmt.Errorf("response body is not JSON (byte offset %d)", dec.InputOffset()))
		}
		v, _ := s.path.Get(doc)
		if list, ok := v.([]any); ok && !s.path.Simple() && len(list) > 0 {
			v = list[0] // a general expression's first match
		}
		switch v := v.(type) {
		case string:
			tok = v
		case json.Number:
			tok = v.String()
		}
	}
	if tok == "" {
		return fail(resp.StatusCode, nil, fmt.Errorf("no session token in %s", s.tokenDesc))
	}
	s.secret.AddToken(tok)
	if s.cfg.OnToken != nil {
		s.cfg.OnToken(tok)
	}
	var stale time.Time
	if s.cfg.ExpiresIn > 0 {
		stale = time.Now().Add(s.cfg.ExpiresIn)
	}
	return tok, stale, nil
}
