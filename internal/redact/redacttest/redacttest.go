// Package redacttest is the redaction corpus: fake vendors that echo every
// secret they know, in every encoding, in their error bodies, and a leak
// check over any text an SDK output produces. Tests of the connector and
// of the command line use it; it makes no request beyond loopback.
package redacttest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
)

// The secrets of the corpus. Each holds characters that every encoding
// changes (/ + = & space " and a non-ASCII letter), and has a length that
// is not a multiple of 3, so its base64 has padding.
const (
	APIKey       = `ak/9+x y"é&=Z`
	Username     = "admin@corp"
	Password     = `pw:s3cr3t/+?ü`
	ClientID     = "client-1"
	ClientSecret = `cs-s3cr3t/+=&xy`
	AccessToken  = `at.eyJ/+tok_ü9`
	RefreshToken = `rt-1/+initial`
	Rotated      = `rt-2/+rotated!`
	SessionToken = `st/+sess "42x`
	PathKey      = `org key/+1`
)

// Encodings returns the forms secret travels in or a server could echo:
// raw, URL query escaping (with + and with %20 for spaces), URL path
// escaping, base64 (standard and URL alphabets, with and without padding),
// JSON string escaping (with and without HTML escaping) and the Bearer
// header value.
func Encodings(secret string) []string {
	out := []string{secret, url.QueryEscape(secret), strings.ReplaceAll(url.QueryEscape(secret), "+", "%20"),
		url.PathEscape(secret), "Bearer " + secret}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		out = append(out, enc.EncodeToString([]byte(secret)))
	}
	j, _ := json.Marshal(secret)
	out = append(out, string(j[1:len(j)-1]))
	var b strings.Builder
	e := json.NewEncoder(&b)
	e.SetEscapeHTML(false)
	_ = e.Encode(secret)
	s := strings.TrimSpace(b.String())
	out = append(out, s[1:len(s)-1])
	slices.Sort(out)
	return slices.Compact(out)
}

// BasicEncodings returns the Authorization header values of HTTP Basic for
// user and password, as sent by net/http and by OAuth2 client
// authentication (which form-escapes both parts first).
func BasicEncodings(user, password string) []string {
	var out []string
	for _, up := range []string{user + ":" + password, url.QueryEscape(user) + ":" + url.QueryEscape(password)} {
		b := base64.StdEncoding.EncodeToString([]byte(up))
		out = append(out, "Basic "+b, b)
	}
	return out
}

// Case is one fake vendor of the corpus: a template, its settings, and
// what no output may show.
type Case struct {
	Name string
	// Template is the template JSON for a vendor at base (the server URL).
	Template func(base string) string
	// Settings are the connector settings (base_url is added by Start).
	Settings map[string]string
	// Secrets are the secret values that must not appear in any encoding.
	Secrets []string
	// Basic holds the user and password of HTTP Basic credentials that must
	// not appear base64-encoded, if any.
	Basic [][2]string
	// Absent are other strings that must not appear (secret values of URL
	// parameters named by secret words).
	Absent []string
	// Readable must appear in the run's error: what is needed to debug
	// (non-secret query parameters, the status).
	Readable []string
	// ErrorTypes names the error types the run's error must reach with
	// errors.As: "PageError", "HTTPError", "TokenError".
	ErrorTypes []string
	// FirstPageOK is set when only a later page fails, so a one-page
	// Connector.Test succeeds.
	FirstPageOK bool

	handler func(c *Case) http.Handler
}

// Leaks returns the forbidden strings found in text.
func (c *Case) Leaks(text string) []string {
	var found []string
	check := func(s string) {
		if len(s) >= 4 && strings.Contains(text, s) && !slices.Contains(found, s) {
			found = append(found, s)
		}
	}
	for _, sec := range c.Secrets {
		for _, enc := range Encodings(sec) {
			check(enc)
		}
	}
	for _, up := range c.Basic {
		for _, enc := range BasicEncodings(up[0], up[1]) {
			check(enc)
		}
	}
	for _, a := range c.Absent {
		check(a)
	}
	return found
}

// echo is an error body repeating every encoding of every secret of c, and
// the request's credentials.
func (c *Case) echo(r *http.Request) string {
	var b strings.Builder
	b.WriteString("denied, you sent:")
	for _, h := range []string{"Authorization", "X-Session"} {
		if v := r.Header.Get(h); v != "" {
			fmt.Fprintf(&b, " %s", v)
		}
	}
	fmt.Fprintf(&b, " url %s", r.URL.RequestURI())
	for _, sec := range c.Secrets {
		for _, enc := range Encodings(sec) {
			b.WriteString(" ")
			b.WriteString(enc)
		}
	}
	for _, up := range c.Basic {
		b.WriteString(" ")
		b.WriteString(strings.Join(BasicEncodings(up[0], up[1]), " "))
	}
	return b.String()
}

// Start starts c's vendor on loopback and returns its URL and the complete
// settings; the server is closed when the test ends.
func (c *Case) Start(t testing.TB) (base string, settings map[string]string) {
	t.Helper()
	srv := httptest.NewServer(c.handler(c))
	t.Cleanup(srv.Close)
	settings = map[string]string{"base_url": srv.URL}
	for k, v := range c.Settings {
		settings[k] = v
	}
	return srv.URL, settings
}

// users writes a page of users, or the echo with status when fail is set.
func users(w http.ResponseWriter, c *Case, r *http.Request, status int) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(status)
	io.WriteString(w, c.echo(r))
}

// token answers a token request with the access token and, if refresh is
// set, a rotated refresh token.
func token(w http.ResponseWriter, access, refresh string) {
	w.Header().Set("Content-Type", "application/json")
	m := map[string]any{"access_token": access, "token_type": "Bearer", "expires_in": 3600}
	if refresh != "" {
		m["refresh_token"] = refresh
	}
	_ = json.NewEncoder(w).Encode(m)
}

// template builds a template JSON: auth is a JSON fragment; settings named
// in extra are declared too.
func template(authJSON, usersURL string, extra ...string) string {
	return templateWith(`{"type": "none"}`, authJSON, usersURL, extra...)
}

// templateWith is template with a pagination JSON fragment.
func templateWith(pagination, authJSON, usersURL string, extra ...string) string {
	var decl string
	for _, n := range extra {
		decl += fmt.Sprintf(`, {"name": %q, "secret": true}`, n)
	}
	return fmt.Sprintf(`{"version": 1, "slug": "leaky", "name": "Leaky",
  "settings": [{"name": "base_url"}%s],
  "auth": %s,
  "request": {"users_url": %q},
  "pagination": %s,
  "response": {"records_path": "data", "fields": {"id": "id", "email": "email"}}}`, decl, authJSON, usersURL, pagination)
}

// Cases returns the corpus: one case per kind of secret the SDK holds or
// obtains.
func Cases() []*Case {
	refused := func(status int) func(c *Case) http.Handler {
		return func(c *Case) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { users(w, c, r, status) })
		}
	}
	return []*Case{
		{
			Name: "api key in a header",
			Template: func(string) string {
				return template(`{"method": "api_key", "token_type": "Bearer"}`, "{base_url}/users?limit=5")
			},
			Settings:   map[string]string{"api_key": APIKey},
			Secrets:    []string{APIKey},
			Readable:   []string{"limit=5", "401 Unauthorized"},
			ErrorTypes: []string{"PageError", "HTTPError"},
			handler:    refused(http.StatusUnauthorized),
		},
		{
			Name: "api key in a query parameter",
			Template: func(string) string {
				return template(`{"method": "api_key", "query_param": "k"}`, "{base_url}/users?limit=5")
			},
			Settings:   map[string]string{"api_key": APIKey},
			Secrets:    []string{APIKey},
			Readable:   []string{"limit=5", "k=[REDACTED]", "400 Bad Request"},
			ErrorTypes: []string{"PageError", "HTTPError"},
			handler:    refused(http.StatusBadRequest),
		},
		{
			Name:       "http basic",
			Template:   func(string) string { return template(`{"method": "basic"}`, "{base_url}/users") },
			Settings:   map[string]string{"username": Username, "password": Password},
			Secrets:    []string{Password},
			Basic:      [][2]string{{Username, Password}},
			Readable:   []string{"401 Unauthorized"},
			ErrorTypes: []string{"PageError", "HTTPError"},
			handler:    refused(http.StatusUnauthorized),
		},
		{
			Name: "oauth2 access token",
			Template: func(string) string {
				return template(`{"method": "oauth2", "grant_type": "client_credentials", "token_url": "{base_url}/oauth/token", "client_auth": "header"}`, "{base_url}/users?page=2")
			},
			Settings:   map[string]string{"client_id": ClientID, "client_secret": ClientSecret},
			Secrets:    []string{ClientSecret, AccessToken},
			Basic:      [][2]string{{ClientID, ClientSecret}},
			Readable:   []string{"page=2", "400 Bad Request"},
			ErrorTypes: []string{"PageError", "HTTPError"},
			handler: func(c *Case) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.URL.Path == "/oauth/token" {
						token(w, AccessToken, "")
						return
					}
					users(w, c, r, http.StatusBadRequest)
				})
			},
		},
		{
			Name: "oauth2 token request refused",
			Template: func(string) string {
				return template(`{"method": "oauth2", "grant_type": "client_credentials", "token_url": "{base_url}/oauth/token?grant_type=account_credentials&account_id=42", "client_auth": "header"}`, "{base_url}/users")
			},
			Settings:   map[string]string{"client_id": ClientID, "client_secret": ClientSecret},
			Secrets:    []string{ClientSecret},
			Basic:      [][2]string{{ClientID, ClientSecret}},
			Readable:   []string{"grant_type=account_credentials", "account_id=42", "401 Unauthorized"},
			ErrorTypes: []string{"PageError", "TokenError"},
			handler:    refused(http.StatusUnauthorized),
		},
		{
			Name: "oauth2 rotated refresh token",
			Template: func(string) string {
				return template(`{"method": "oauth2", "grant_type": "refresh_token", "token_url": "{base_url}/oauth/token", "client_auth": "body"}`, "{base_url}/users")
			},
			Settings:   map[string]string{"client_id": ClientID, "client_secret": ClientSecret, "refresh_token": RefreshToken},
			Secrets:    []string{ClientSecret, RefreshToken, Rotated, AccessToken},
			Readable:   []string{"400 Bad Request"},
			ErrorTypes: []string{"PageError", "HTTPError"},
			handler: func(c *Case) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.URL.Path == "/oauth/token" {
						token(w, AccessToken, Rotated)
						return
					}
					users(w, c, r, http.StatusBadRequest)
				})
			},
		},
		{
			Name: "session token",
			Template: func(string) string {
				return template(`{"method": "session", "login_url": "{base_url}/login", "login_body": {"user": "{username}", "pass": "{password}"}, "token_path": "session.id", "header": "X-Session"}`, "{base_url}/users")
			},
			Settings:   map[string]string{"username": Username, "password": Password},
			Secrets:    []string{Password, SessionToken},
			Readable:   []string{"400 Bad Request"},
			ErrorTypes: []string{"PageError", "HTTPError"},
			handler: func(c *Case) http.Handler {
				var logins atomic.Int32
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.URL.Path == "/login" {
						logins.Add(1)
						w.Header().Set("Content-Type", "application/json")
						_ = json.NewEncoder(w).Encode(map[string]any{"session": map[string]any{"id": SessionToken}})
						return
					}
					users(w, c, r, http.StatusBadRequest)
				})
			},
		},
		{
			// The vendor's next URL carries secret parameters; the first URL
			// a secret setting in its path.
			Name: "secrets in the users URL",
			Template: func(string) string {
				return templateWith(`{"type": "next_url", "next_url_path": "next"}`, `{"method": "none"}`, "{base_url}/orgs/{org_key}/users", "org_key")
			},
			Settings:    map[string]string{"org_key": PathKey},
			Secrets:     []string{PathKey},
			Absent:      []string{"S1abc", "T0kenValue", "K3yValue"},
			Readable:    []string{"sid=[REDACTED]", "session_token=[REDACTED]", "x-api-key=[REDACTED]", "page=2", "404 Not Found"},
			ErrorTypes:  []string{"PageError", "HTTPError"},
			FirstPageOK: true,
			handler: func(c *Case) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.URL.Query().Get("page") == "" {
						w.Header().Set("Content-Type", "application/json")
						next := "http://" + r.Host + r.URL.EscapedPath() + "?sid=S1abc&session_token=T0kenValue&x-api-key=K3yValue&page=2"
						_ = json.NewEncoder(w).Encode(map[string]any{"data": []any{map[string]any{"id": "1", "email": "a@example.com"}}, "next": next})
						return
					}
					users(w, c, r, http.StatusNotFound)
				})
			},
		},
	}
}
