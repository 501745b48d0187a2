package auth

import (
	"errors"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// toyMethod stands for the file auth/method_<name>.go of the recipe in the
// package documentation: it sends the "toy_token" setting in the header the
// spec names (required here).
var toyMethod = MethodInfo{
	Name: "toy",
	Doc:  "the toy_token setting in a named header",
	Keys: []Key{{Name: "header", Kind: KindHeader, Required: true, Missing: "missing: toy needs a header"}},
	Settings: func(Spec) []Setting {
		return []Setting{{Name: "toy_token", Description: "toy token", Secret: true}}
	},
	Build: func(s Spec, env Env) (Authenticator, error) {
		return APIKey{Key: Secret(env.Setting("toy_token")), Header: s.Header}, nil
	},
	Label: func(s Spec) string { return "toy (" + s.Header + ")" },
}

// registerToy adds toyMethod to the table, as the recipe's one row in
// methods.go would, for the duration of the test.
func registerToy(t *testing.T) {
	saved := methods
	methods = append(slices.Clone(methods), toyMethod)
	t.Cleanup(func() { methods = saved })
}

func TestToyMethodFollowsTheRecipe(t *testing.T) {
	registerToy(t)
	spec := Spec{Method: "toy", Header: "X-Toy"}

	if err := spec.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	if got, want := spec.Settings(), []Setting{{Name: "toy_token", Description: "toy token", Secret: true}}; !reflect.DeepEqual(got, want) {
		t.Errorf("Settings = %+v, want %+v", got, want)
	}
	if got := spec.Label(); got != "toy (X-Toy)" {
		t.Errorf("Label = %q", got)
	}
	settings := map[string]string{"toy_token": "t0k"}
	a, err := spec.Build(Env{Setting: func(name string) string { return settings[name] }})
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, "https://vendor.test/users", nil)
	if err := a.Authenticate(t.Context(), req); err != nil {
		t.Fatalf("Authenticate: %v", err)
	}
	if got := req.Header.Get("X-Toy"); got != "t0k" {
		t.Errorf("X-Toy = %q, want t0k", got)
	}

	// The table's rules apply to the toy too: its required key, and keys
	// it does not use.
	err = Spec{Method: "toy", TokenURL: "https://idp.test/token"}.Validate()
	if got, want := specErrorKeys(t, err), []string{"header", "token_url"}; !slices.Equal(got, want) {
		t.Errorf("error keys = %v, want %v (%v)", got, want, err)
	}
	if err := (Spec{Method: "kerberos"}).Validate(); err == nil || !strings.Contains(err.Error(), "none, api_key, basic, oauth2, session, jwt_bearer or toy") {
		t.Errorf("unknown method error %v does not list the toy", err)
	}
}

func specErrorKeys(t *testing.T, err error) []string {
	t.Helper()
	errs := []error{err}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	}
	var keys []string
	for _, e := range errs {
		var se *SpecError
		if !errors.As(e, &se) {
			t.Fatalf("%v is not a *SpecError", e)
		}
		keys = append(keys, se.Key)
	}
	slices.Sort(keys)
	return keys
}

// TestMethodTableIsComplete checks that the table and Spec agree: every key
// a row names is a Spec field, every Spec field is used by some row, and
// every required or enumerated key carries its error text.
func TestMethodTableIsComplete(t *testing.T) {
	used := map[string]bool{}
	for _, m := range Methods() {
		if m.Name == "" || m.Doc == "" || m.Build == nil {
			t.Errorf("row %q lacks a name, doc or Build", m.Name)
		}
		for _, k := range m.Keys {
			if _, ok := specKeys()[k.Name]; !ok || k.Name == "method" {
				t.Errorf("%s: key %q is not a Spec key", m.Name, k.Name)
			}
			if k.Required && k.Missing == "" || k.Enum != nil && k.Invalid == "" || k.Kind == "" || k.Doc == "" {
				t.Errorf("%s: key %q lacks Missing, Invalid, Kind or Doc", m.Name, k.Name)
			}
			used[k.Name] = true
		}
	}
	for k := range specKeys() {
		if k != "method" && !used[k] {
			t.Errorf("Spec key %q is used by no method", k)
		}
	}
}

func TestSpecValidate(t *testing.T) {
	tests := []struct {
		name string
		spec Spec
		keys []string // of the errors, sorted
		msg  string
	}{
		{name: "zero", spec: Spec{}},
		{name: "none with a key", spec: Spec{Header: "X"}, keys: []string{"header"}, msg: `not used by auth method "none"`},
		{name: "unknown method", spec: Spec{Method: "kerberos"}, keys: []string{"method"}, msg: "want none, api_key, basic, oauth2, session or jwt_bearer"},
		{name: "api_key header and query", spec: Spec{Method: MethodAPIKey, Header: "X", QueryParam: "k", TokenType: "Bearer"}, keys: []string{"query_param", "token_type"}},
		{name: "api_key token type with a space", spec: Spec{Method: MethodAPIKey, TokenType: "Bearer x"}, keys: []string{"token_type"}, msg: "not a token type"},
		{name: "oauth2 empty", spec: Spec{Method: MethodOAuth2}, keys: []string{"client_auth", "grant_type", "token_url"}},
		{name: "oauth2 bad enums", spec: Spec{Method: MethodOAuth2, GrantType: "implicit", TokenURL: "{u}", ClientAuth: "auto"}, keys: []string{"client_auth", "grant_type"}, msg: `grant type "implicit" needs a user in the loop`},
		{name: "session ok", spec: Spec{Method: MethodSession, LoginURL: "{u}", TokenPath: "header:X-Session", LoginMethod: "PUT", ExpiresIn: "1h"}},
		{name: "session bad", spec: Spec{Method: MethodSession, LoginURL: "{u}", TokenPath: "data[", LoginFormat: "xml", LoginMethod: "DELETE", ExpiresIn: "soon", Header: "a b"},
			keys: []string{"expires_in", "header", "login_format", "login_method", "token_path"}, msg: `unsupported method "DELETE" (want POST, GET or PUT)`},
		{name: "session expires_in in days", spec: Spec{Method: MethodSession, LoginURL: "{u}", TokenPath: "token", ExpiresIn: "1d12h"}},
		{name: "session expires_in zero", spec: Spec{Method: MethodSession, LoginURL: "{u}", TokenPath: "token", ExpiresIn: "0s"},
			keys: []string{"expires_in"}, msg: `"0s" is not a positive duration`},
		{name: "session expires_in negative", spec: Spec{Method: MethodSession, LoginURL: "{u}", TokenPath: "token", ExpiresIn: "-1h"},
			keys: []string{"expires_in"}, msg: `"-1h" is not a positive duration`},
		{name: "session header token path with spaces", spec: Spec{Method: MethodSession, LoginURL: "{u}", TokenPath: "header: X-Tok"}},
		{name: "session header token path not a token", spec: Spec{Method: MethodSession, LoginURL: "{u}", TokenPath: "header:X Tok"},
			keys: []string{"token_path"}, msg: `header name "X Tok" is not an RFC 7230 token: byte offset 8`},
		{name: "session empty header token path", spec: Spec{Method: MethodSession, LoginURL: "{u}", TokenPath: "header:"}, keys: []string{"token_path"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.spec.Validate()
			if tt.keys == nil {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("Validate: nil error")
			}
			if keys := specErrorKeys(t, err); !slices.Equal(keys, tt.keys) {
				t.Errorf("error keys = %v, want %v (%v)", keys, tt.keys, err)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("error %q does not contain %q", err, tt.msg)
			}
		})
	}
}

func TestSpecSettingsAndLabel(t *testing.T) {
	tests := []struct {
		spec     Spec
		settings []string // name, with "*" appended when secret; in the order asked
		label    string
	}{
		{spec: Spec{}, label: "none"},
		{spec: Spec{Method: MethodAPIKey, Header: "X-Figma-Token"}, settings: []string{"api_key*"}, label: "api_key (X-Figma-Token)"},
		{spec: Spec{Method: MethodAPIKey, QueryParam: "token"}, settings: []string{"api_key*"}, label: "api_key (query token)"},
		{spec: Spec{Method: MethodAPIKey, TokenType: "SSWS"}, settings: []string{"api_key*"}, label: "api_key (SSWS)"},
		{spec: Spec{Method: MethodBasic}, settings: []string{"username", "password*"}, label: "basic"},
		{spec: Spec{Method: MethodOAuth2, GrantType: "password"}, settings: []string{"client_id", "client_secret*", "username", "password*"}, label: "oauth2 (password)"},
		{spec: Spec{Method: MethodOAuth2, GrantType: "refresh_token"}, settings: []string{"client_id", "client_secret*", "refresh_token*"}, label: "oauth2 (refresh_token)"},
		{spec: Spec{Method: MethodSession, LoginBody: map[string]any{"user": "{login_user}", "pass": "{login_pass}", "again": "{login_user}"}}, settings: []string{"login_user*", "login_pass*"}, label: "session"},
		{spec: Spec{Method: "kerberos"}, label: "kerberos"},
	}
	for _, tt := range tests {
		t.Run(tt.label, func(t *testing.T) {
			var got []string
			for _, s := range tt.spec.Settings() {
				if s.Description == "" {
					t.Errorf("setting %q has no description", s.Name)
				}
				if s.Secret {
					s.Name += "*"
				}
				got = append(got, s.Name)
			}
			if !slices.Equal(got, tt.settings) {
				t.Errorf("Settings = %v, want %v", got, tt.settings)
			}
			if l := tt.spec.Label(); l != tt.label {
				t.Errorf("Label = %q, want %q", l, tt.label)
			}
		})
	}
}
