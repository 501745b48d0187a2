package auth

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/saasconnect/saasconnect/internal/respath"
)

// methods is the table of auth methods, one row per method, each row
// defined in its method_<name>.go file. See the package documentation,
// "Adding an auth method".
var methods = []MethodInfo{
	noneMethod,
	apiKeyMethod,
	basicMethod,
	oauth2Method,
	sessionMethod,
	jwtBearerMethod,
}

// MethodInfo is one row of the auth method table: everything the rest of
// the module knows about a method. Validation, implied settings,
// construction and labels are all driven by it.
type MethodInfo struct {
	// Name is the method's name in a template (auth.method).
	Name Method
	// Doc is a one-line description.
	Doc string
	// Keys lists every key of [Spec] the method uses, besides method; any
	// other key set is an error.
	Keys []Key
	// Settings returns the settings the method implies for a Spec, all
	// required. Nil means none.
	Settings func(Spec) []Setting
	// Check reports the method's rules that involve more than one key.
	// Keys are checked on their own through Keys first. Nil means none.
	Check func(Spec) []*SpecError
	// Build returns the Authenticator for a valid Spec. Required.
	Build func(Spec, Env) (Authenticator, error)
	// Label returns a short description for listings; nil means Name.
	Label func(Spec) string
}

// KeyKind is what a Spec key holds; it decides how a value is checked.
type KeyKind string

// The key kinds.
const (
	// KindString is plain text (query_param), or one of Key.Enum.
	KindString KeyKind = "string"
	// KindHeader is an HTTP header name.
	KindHeader KeyKind = "header"
	// KindTokenType is a word put before a key or token, with no spaces or
	// control characters.
	KindTokenType KeyKind = "token_type"
	// KindURL is a URL that may hold {placeholders}; Validate checks only
	// its presence, the caller fills and checks it (see [Env].URL).
	KindURL KeyKind = "url"
	// KindTemplate is text whose {placeholders} are filled verbatim
	// ([Env].Expand).
	KindTemplate KeyKind = "template"
	// KindDuration is a positive duration: a Go duration ("1h") or days
	// ("1d", "1d12h").
	KindDuration KeyKind = "duration"
	// KindTokenPath is a JSON path into a response body, or
	// "header:<Name>" for a response header (the one syntax of every
	// response-path key of a template: see internal/respath).
	KindTokenPath KeyKind = "token_path"
	// KindObject is a JSON object: the session login body (whose string
	// values may hold {placeholders} naming secret settings), oauth2's
	// token_params (strings whose {placeholders} name settings) or
	// token_response_settings (setting name to token response field).
	KindObject KeyKind = "object"
)

// Key describes one key of the auth block as a method uses it.
type Key struct {
	// Name is the JSON key ("token_url").
	Name string
	// Kind is what the value holds.
	Kind KeyKind
	// Required keys must be set; Missing is then the error when not.
	Required bool
	Missing  string
	// Enum, when set, lists the values allowed; Invalid starts the error
	// for any other ("unknown grant type").
	Enum    []string
	Invalid string
	// Doc is a one-line description.
	Doc string
}

// Setting is a setting a method implies: a value the user supplies, always
// required.
type Setting struct {
	Name        string
	Description string
	// Secret settings hold credentials: never logged or shown.
	Secret bool
}

// Methods returns the auth method table, in order (none, api_key, basic,
// oauth2, session, jwt_bearer). The slice is a copy; the rows' slices are shared and
// must not be modified. It is safe for concurrent use.
func Methods() []MethodInfo { return slices.Clone(methods) }

// Lookup returns the table row of method m; "" means [MethodNone].
func Lookup(m Method) (MethodInfo, bool) {
	if m == "" {
		m = MethodNone
	}
	for _, row := range methods {
		if row.Name == m {
			return row, true
		}
	}
	return MethodInfo{}, false
}

// check reports a problem with the set value v of k, or nil.
func (k Key) check(v string) *SpecError {
	if k.Enum != nil {
		if !slices.Contains(k.Enum, v) {
			return specError(k.Name, "%s %q (want %s)", k.Invalid, v, orList(k.Enum))
		}
		return nil
	}
	switch k.Kind {
	case KindHeader:
		if !validHeaderName(v) {
			return specError(k.Name, "%q is not a valid header name", v)
		}
	case KindTokenType:
		if strings.IndexFunc(v, func(r rune) bool { return r <= ' ' || r == 0x7f }) >= 0 {
			return specError(k.Name, "%q is not a token type: no spaces or control characters (the token follows after one space)", v)
		}
	case KindDuration:
		if d, err := parseDuration(v); err != nil || d <= 0 {
			return specError(k.Name, "%q is not a positive duration like \"1h\", \"30m\" or \"1d\"", v)
		}
	case KindTokenPath:
		if _, err := respath.Compile(v); err != nil {
			return &SpecError{Key: k.Name, Err: err}
		}
	}
	return nil
}

// Keys shared by several methods.
var (
	headerKey    = Key{Name: "header", Kind: KindHeader, Doc: "header that carries the key or token (default Authorization)"}
	tokenTypeKey = Key{Name: "token_type", Kind: KindTokenType, Doc: `word before the key or token ("Bearer"); empty sends it raw`}
)

// errNoBuild means a table row has no Build.
var errNoBuild = errors.New("method has no Build")

// build calls m.Build, or fails when the row has none.
func (m MethodInfo) build(s Spec, env Env) (Authenticator, error) {
	if m.Build == nil {
		return nil, fmt.Errorf("auth method %q: %w", m.Name, errNoBuild)
	}
	return m.Build(s, env)
}
