package auth

import (
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/saasconnect/saasconnect/internal/duration"
)

// Method names how requests get credentials: the "method" key of a
// connector template's auth block. The zero Method means [MethodNone].
type Method string

// The methods of the built-in table ([Methods]).
const (
	MethodNone    Method = "none"
	MethodAPIKey  Method = "api_key"
	MethodBasic   Method = "basic"
	MethodOAuth2  Method = "oauth2"
	MethodSession Method = "session"
	// MethodJWTBearer is the OAuth2 JWT bearer grant (RFC 7523) of service
	// accounts.
	MethodJWTBearer Method = "jwt_bearer"
)

// Spec is the auth block of a connector template: plain data, decoded from
// JSON. Method picks a row of the [Methods] table, which says which of the
// other keys apply, which settings the method implies and how it is built.
// Secrets never live here: they come from settings at [Spec.Build].
//
// A Spec is a plain value; it is safe to share once no longer modified.
type Spec struct {
	// Method is none (the default when empty), api_key, basic, oauth2 or
	// session.
	Method Method `json:"method,omitempty"`

	// TokenType prefixes the key or token ("Bearer", "SSWS", "token"; empty
	// = raw) (api_key, session, oauth2). For oauth2 with no Header, empty
	// means the token endpoint's token_type ("Bearer" when it sends none);
	// with Header set, empty means the raw token.
	TokenType string `json:"token_type,omitempty"`
	// Header carries the key or token (default Authorization) (api_key,
	// session, oauth2).
	Header string `json:"header,omitempty"`
	// QueryParam carries the key in the query instead of a header (api_key).
	QueryParam string `json:"query_param,omitempty"`

	// GrantType is client_credentials, password, refresh_token or any
	// other grant name, sent as is with the client credentials (oauth2).
	GrantType string `json:"grant_type,omitempty"`
	// TokenParams are extra token request form fields; values may hold
	// {placeholders} (oauth2).
	TokenParams map[string]string `json:"token_params,omitempty"`
	// TokenURL is the token endpoint; may hold {placeholders} (oauth2).
	TokenURL string `json:"token_url,omitempty"`
	// Scope is a space-separated scope list; may hold {placeholders} (oauth2).
	Scope string `json:"scope,omitempty"`
	// ClientAuth is header (HTTP Basic), body (form fields) or
	// private_key_jwt (a signed client assertion) (oauth2).
	ClientAuth string `json:"client_auth,omitempty"`
	// KeyID is the kid header of a signed assertion; may hold
	// {placeholders} (oauth2 private_key_jwt, jwt_bearer pem).
	KeyID string `json:"key_id,omitempty"`
	// TokenResponseSettings maps setting names to token response fields
	// whose values they take after every token response (oauth2,
	// jwt_bearer).
	TokenResponseSettings map[string]string `json:"token_response_settings,omitempty"`

	// Subject, Issuer and Audience are the JWT bearer assertion's sub, iss
	// and aud claims; may hold {placeholders} (jwt_bearer).
	Subject  string `json:"subject,omitempty"`
	Issuer   string `json:"issuer,omitempty"`
	Audience string `json:"audience,omitempty"`
	// KeyFormat is google_json (the service_account_key setting holds a
	// Google service account JSON key file) or pem (the private_key
	// setting holds a PEM key) (jwt_bearer).
	KeyFormat string `json:"key_format,omitempty"`

	// LoginURL is the session login endpoint; may hold {placeholders}.
	LoginURL string `json:"login_url,omitempty"`
	// LoginMethod is the login request's method (default POST).
	LoginMethod string `json:"login_method,omitempty"`
	// LoginBody is the login request body; string values may hold
	// {placeholders}, which name secret settings.
	LoginBody map[string]any `json:"login_body,omitempty"`
	// LoginAuth is basic to send the username and password settings as
	// HTTP Basic credentials on the login request; empty sends none.
	LoginAuth string `json:"login_auth,omitempty"`
	// LoginFormat is json (default) or form.
	LoginFormat string `json:"login_format,omitempty"`
	// TokenPath finds the session token: a JSON path in the login response
	// body, or "header:<Name>" for a response header.
	TokenPath string `json:"token_path,omitempty"`
	// ExpiresIn is how long a session token lives ("1h", "1d"); empty =
	// until a 401.
	ExpiresIn string `json:"expires_in,omitempty"`
}

// A SpecError is one problem with a [Spec]. Key is the JSON key at fault
// ("token_url"); the message never holds a secret (a Spec holds none).
type SpecError struct {
	Key string
	Err error
}

// Error returns "<Key>: <reason>".
func (e *SpecError) Error() string { return e.Key + ": " + e.Err.Error() }

// Unwrap returns the reason.
func (e *SpecError) Unwrap() error { return e.Err }

// specError returns a *SpecError with a formatted reason.
func specError(key, format string, args ...any) *SpecError {
	return &SpecError{Key: key, Err: fmt.Errorf(format, args...)}
}

// Env is what [Spec.Build] needs from its caller. Only Setting is required.
type Env struct {
	// Setting returns the value of a setting ("" when unset): the secrets
	// the method implies (see [Spec.Settings]) and any other it names.
	Setting func(name string) string
	// URL fills the {placeholders} of a URL-valued key ([KindURL]) and
	// checks the result; nil uses the value as is.
	URL func(tmpl string) (string, error)
	// Expand fills the {placeholders} of a [KindTemplate] key verbatim;
	// nil uses the value as is.
	Expand func(s string) string
	// Client sends token and login requests; nil means
	// [net/http.DefaultClient].
	Client *http.Client
	// OnToken, when set, is handed every token the method obtains at run
	// time (access, rotated refresh and session tokens), so the caller can
	// hide them from its own errors and logs. It may be called from
	// several goroutines.
	OnToken func(token string)
}

func (e Env) url(key, tmpl string) (string, error) {
	if e.URL == nil {
		return tmpl, nil
	}
	u, err := e.URL(tmpl)
	if err != nil {
		return "", &SpecError{Key: key, Err: err}
	}
	return u, nil
}

func (e Env) expand(s string) string {
	if e.Expand == nil {
		return s
	}
	return e.Expand(s)
}

// Validate reports every problem with s at once, as an [errors.Join] of
// [*SpecError] keyed by JSON names (nil when s is valid): an unknown method,
// a key the method does not use, a required key missing, a value outside
// its key's Enum or not of its [KeyKind], and the method's own rules
// (api_key: header and query_param exclude each other). Keys of [KindURL]
// are checked only for presence: their {placeholders} are the caller's, who
// checks the filled URL.
func (s Spec) Validate() error {
	m, ok := Lookup(s.Method)
	if !ok {
		return specError("method", "unknown method %q (want %s)", s.Method, methodList())
	}
	var errs []error
	given := s.given()
	for _, k := range given {
		if !slices.ContainsFunc(m.Keys, func(mk Key) bool { return mk.Name == k }) {
			errs = append(errs, specError(k, "not used by auth method %q", m.Name))
		}
	}
	for _, k := range m.Keys {
		if !slices.Contains(given, k.Name) {
			if k.Required {
				errs = append(errs, &SpecError{Key: k.Name, Err: errors.New(k.Missing)})
			}
			continue
		}
		if err := k.check(s.Value(k.Name)); err != nil {
			errs = append(errs, err)
		}
	}
	if m.Check != nil {
		for _, e := range m.Check(s) {
			errs = append(errs, e)
		}
	}
	return errors.Join(errs...)
}

// Settings returns the settings s's method implies (api_key; username and
// password; client_id, client_secret and the grant's own; the session login
// body's placeholders), all required; none for an unknown method.
func (s Spec) Settings() []Setting {
	m, ok := Lookup(s.Method)
	if !ok || m.Settings == nil {
		return nil
	}
	return m.Settings(s)
}

// Build returns the Authenticator s describes, reading secrets through
// env.Setting. It assumes s is valid ([Spec.Validate]); an error is a
// [*SpecError] naming the key when a URL does not fill or check, otherwise
// the constructor's error ([*ConfigError]).
func (s Spec) Build(env Env) (Authenticator, error) {
	m, ok := Lookup(s.Method)
	if !ok {
		return nil, specError("method", "unknown method %q", s.Method)
	}
	if env.Setting == nil {
		env.Setting = func(string) string { return "" }
	}
	return m.build(s, env)
}

// Label returns a short description of s for listings: the method name,
// with its key detail where the method has one ("api_key (X-Figma-Token)",
// "oauth2 (client_credentials)"); "none" for the zero Spec.
func (s Spec) Label() string {
	m, ok := Lookup(s.Method)
	switch {
	case !ok:
		return string(s.Method)
	case m.Label != nil:
		return m.Label(s)
	}
	return string(m.Name)
}

// Value returns the value of the string-valued key named key, and "" for
// an unset, unknown or non-string key.
func (s Spec) Value(key string) string {
	i, ok := specKeys()[key]
	if !ok {
		return ""
	}
	v := reflect.ValueOf(s).Field(i)
	if v.Kind() != reflect.String {
		return ""
	}
	return v.String()
}

// given returns the JSON names of the keys s sets (other than method),
// sorted.
func (s Spec) given() []string {
	v := reflect.ValueOf(s)
	var out []string
	for k, i := range specKeys() {
		if k != "method" && !v.Field(i).IsZero() {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// specKeys maps each JSON key of Spec to its field index.
var specKeys = sync.OnceValue(func() map[string]int {
	keys := map[string]int{}
	t := reflect.TypeFor[Spec]()
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		keys[name] = i
	}
	return keys
})

// methodList is "none, api_key, basic, oauth2, session or jwt_bearer".
func methodList() string {
	var names []string
	for _, m := range methods {
		names = append(names, string(m.Name))
	}
	return orList(names)
}

// orList joins words as "a, b or c".
func orList(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}

// parseDuration parses a template duration ("1h", "90d": see
// internal/duration); "" is 0.
func parseDuration(s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	return duration.Parse(s)
}
