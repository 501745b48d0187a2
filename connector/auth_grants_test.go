package connector

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	jwtv5 "github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// grantVendor is a loopback vendor with a token (or login) endpoint that
// checks each token request with check and a users listing that wants
// "Bearer at-1" (or "X-Session: sess-1").
type grantVendor struct {
	check func(r *http.Request) error
	mu    sync.Mutex
	token int
	errs  []error
	pages int
}

func (v *grantVendor) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	v.mu.Lock()
	defer v.mu.Unlock()
	switch r.URL.Path {
	case "/token", "/login":
		if err := r.ParseForm(); err != nil {
			v.errs = append(v.errs, err)
		} else if err := v.check(r); err != nil {
			v.errs = append(v.errs, err)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		v.token++
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"access_token":"at-1","token_type":"bearer","expires_in":3600,"sessionToken":"sess-1"}`)
	case "/users":
		if r.Header.Get("Authorization") != "Bearer at-1" && r.Header.Get("X-Session") != "sess-1" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		v.pages++
		_, _ = io.WriteString(w, `{"users":[{"id":"u1","email":"a@example.com"}]}`)
	default:
		http.NotFound(w, r)
	}
}

// once reports a form field not sent exactly once with value want.
func once(r *http.Request, field, want string) error {
	if got := r.PostForm[field]; len(got) != 1 || got[0] != want {
		return fmt.Errorf("%s = %q, want exactly [%q]", field, got, want)
	}
	return nil
}

func testRSAKey(t *testing.T) (string, *rsa.PrivateKey) {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	return string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)})), k
}

// verifyAssertion checks a form field's JWT with pub and returns its claims.
func verifyAssertion(r *http.Request, field string, pub *rsa.PublicKey) (jwtv5.MapClaims, error) {
	claims := jwtv5.MapClaims{}
	_, err := jwtv5.ParseWithClaims(r.PostForm.Get(field), claims, func(*jwtv5.Token) (any, error) { return pub, nil },
		jwtv5.WithValidMethods([]string{"RS256"}))
	return claims, err
}

// TestAuthGrantsEndToEnd runs connectors with each new auth shape against
// loopback vendors that verify what the token or login request carries.
func TestAuthGrantsEndToEnd(t *testing.T) {
	key, rk := testRSAKey(t)
	tests := []struct {
		name     string
		auth     AuthSpec
		settings func(tokenURL string) Settings
		check    func(r *http.Request) error
	}{
		{
			name: "zoom account_credentials with account_id",
			auth: AuthSpec{Method: AuthOAuth2, GrantType: "account_credentials", TokenURL: "{base_url}/token", ClientAuth: "header",
				TokenParams: map[string]string{"account_id": "{account_id}"}},
			settings: func(string) Settings {
				return Settings{"client_id": "cid", "client_secret": testClientSecret, "account_id": "acc-9"}
			},
			check: func(r *http.Request) error {
				u, p, ok := r.BasicAuth()
				if !ok || u != "cid" || p != testClientSecret {
					return errors.New("no Basic client credentials")
				}
				return errors.Join(once(r, "grant_type", "account_credentials"), once(r, "account_id", "acc-9"))
			},
		},
		{
			name: "okta private_key_jwt",
			auth: AuthSpec{Method: AuthOAuth2, GrantType: "client_credentials", TokenURL: "{base_url}/token", ClientAuth: "private_key_jwt",
				Scope: "okta.users.read", KeyID: "kid-1"},
			settings: func(string) Settings { return Settings{"client_id": "0oa1", "private_key": key} },
			check: func(r *http.Request) error {
				claims, err := verifyAssertion(r, "client_assertion", &rk.PublicKey)
				if err != nil {
					return err
				}
				if claims["iss"] != "0oa1" || claims["sub"] != "0oa1" {
					return fmt.Errorf("claims %v", claims)
				}
				return errors.Join(once(r, "client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
					once(r, "client_id", "0oa1"), once(r, "scope", "okta.users.read"))
			},
		},
		{
			name: "google domain-wide delegation",
			auth: AuthSpec{Method: "jwt_bearer", KeyFormat: "google_json", Subject: "{admin_email}",
				Scope: "https://www.googleapis.com/auth/admin.directory.user.readonly"},
			settings: func(tokenURL string) Settings {
				b, err := json.Marshal(map[string]string{"type": "service_account", "client_email": "sa@p.iam.gserviceaccount.com",
					"private_key": key, "private_key_id": "k1", "token_uri": tokenURL})
				require.NoError(t, err)
				return Settings{"service_account_key": string(b), "admin_email": "admin@example.com"}
			},
			check: func(r *http.Request) error {
				claims, err := verifyAssertion(r, "assertion", &rk.PublicKey)
				if err != nil {
					return err
				}
				if claims["iss"] != "sa@p.iam.gserviceaccount.com" || claims["sub"] != "admin@example.com" {
					return fmt.Errorf("claims %v", claims)
				}
				return once(r, "grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer")
			},
		},
		{
			name: "session login with Basic",
			auth: AuthSpec{Method: AuthSession, LoginURL: "{base_url}/login", LoginAuth: "basic", TokenPath: "sessionToken", Header: "X-Session"},
			settings: func(string) Settings {
				return Settings{"username": "svc", "password": "pw-SECRET"}
			},
			check: func(r *http.Request) error {
				if u, p, ok := r.BasicAuth(); !ok || u != "svc" || p != "pw-SECRET" {
					return errors.New("no Basic login credentials")
				}
				return nil
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := &grantVendor{check: tt.check}
			srv := httptest.NewServer(v)
			defer srv.Close()
			tmpl := Template{
				Version:  1,
				Declared: []Setting{{Name: "base_url", Default: srv.URL}},
				Auth:     tt.auth,
				Request:  RequestSpec{UsersURL: "{base_url}/users"},
				Response: ResponseSpec{RecordsPath: "users", Fields: map[string]string{"id": "id", "email": "email"}},
			}
			require.NoError(t, tmpl.Validate())
			c, err := New(tmpl, "t", tt.settings(srv.URL+"/token"))
			require.NoError(t, err)
			require.NoError(t, c.Test(t.Context()))
			users, _, err := collect(t, c, t.Context())
			require.NoError(t, err)
			require.Len(t, users, 1)
			assert.Equal(t, "a@example.com", users[0].Email)
			v.mu.Lock()
			defer v.mu.Unlock()
			assert.Empty(t, v.errs, "token request problems")
			assert.Equal(t, 1, v.token, "one token for Test and Run")
			assert.Equal(t, 2, v.pages)
		})
	}
}

// TestTokenResponseBaseURL: Salesforce's JWT bearer token response names
// the instance (instance_url), which becomes base_url for the listing,
// another origin than the login host.
func TestTokenResponseBaseURL(t *testing.T) {
	key, rk := testRSAKey(t)
	api := &grantVendor{}
	apiSrv := httptest.NewServer(api)
	defer apiSrv.Close()
	var mu sync.Mutex
	var tokenErrs []error
	instance := apiSrv.URL
	login := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if err := r.ParseForm(); err != nil {
			tokenErrs = append(tokenErrs, err)
		}
		claims, err := verifyAssertion(r, "assertion", &rk.PublicKey)
		if err != nil || claims["iss"] != "3MVG9" || claims["sub"] != "api@acme.com" || claims["aud"] != "https://login.salesforce.com" {
			tokenErrs = append(tokenErrs, fmt.Errorf("assertion %v: %v", claims, err))
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = fmt.Fprintf(w, `{"access_token":"at-1","token_type":"Bearer","instance_url":%q}`, instance)
	}))
	defer login.Close()
	tmpl := Template{
		Version:  1,
		Declared: []Setting{{Name: "login_host", Default: login.URL}, {Name: "base_url", Default: login.URL}},
		Auth: AuthSpec{Method: "jwt_bearer", KeyFormat: "pem", TokenURL: "{login_host}/services/oauth2/token",
			Issuer: "{consumer_key}", Subject: "{username}", Audience: "https://login.salesforce.com",
			TokenResponseSettings: map[string]string{"base_url": "instance_url"}},
		Request:  RequestSpec{UsersURL: "{base_url}/users"},
		Response: ResponseSpec{RecordsPath: "users", Fields: map[string]string{"id": "id", "email": "email"}},
	}
	require.NoError(t, tmpl.Validate())
	c, err := New(tmpl, "sf", Settings{"private_key": key, "consumer_key": "3MVG9", "username": "api@acme.com"})
	require.NoError(t, err)
	require.NoError(t, c.Test(t.Context()))
	users, rep, err := collect(t, c, t.Context())
	require.NoError(t, err)
	require.Len(t, users, 1)
	assert.Equal(t, 1, rep.Requests, "the page; the token was cached by Test")
	assert.Equal(t, 2, api.pages, "Test and Run listed the instance")
	mu.Lock()
	assert.Empty(t, tokenErrs)
	// A token response naming a plain http host is refused before any
	// credential goes there.
	instance = "http://evil.example"
	mu.Unlock()
	c, err = New(tmpl, "sf", Settings{"private_key": key, "consumer_key": "3MVG9", "username": "api@acme.com"})
	require.NoError(t, err)
	_, _, err = collect(t, c, t.Context())
	require.Error(t, err)
	assert.Contains(t, err.Error(), `token response field "instance_url" (for setting base_url) must be an https URL`)
	assert.NotContains(t, err.Error(), "evil.example")
	var te *TestError
	require.ErrorAs(t, c.Test(t.Context()), &te)
}

// TestAuthGrantsValidation: located errors for bad auth input, at
// validation and at New, naming settings without quoting them.
func TestAuthGrantsValidation(t *testing.T) {
	base := func(a AuthSpec) Template {
		return Template{Version: 1, Declared: []Setting{{Name: "base_url", Default: "https://api.example.com"}}, Auth: a,
			Request:  RequestSpec{UsersURL: "{base_url}/users"},
			Response: ResponseSpec{RecordsPath: "users", Fields: map[string]string{"id": "id"}}}
	}
	tests := []struct {
		name string
		tmpl Template
		want []string
	}{
		{"vendor grant without token_url", base(AuthSpec{Method: AuthOAuth2, GrantType: "account_credentials", ClientAuth: "header"}),
			[]string{"auth.token_url: missing"}},
		{"token_params repeat the grant", base(AuthSpec{Method: AuthOAuth2, GrantType: "client_credentials", TokenURL: "{base_url}/t", ClientAuth: "body",
			TokenParams: map[string]string{"grant_type": "x"}}), []string{"auth.token_params.grant_type:"}},
		{"token_response_settings names no declared setting", base(AuthSpec{Method: AuthOAuth2, GrantType: "client_credentials",
			TokenURL: "https://login.example.com/t", ClientAuth: "body", TokenResponseSettings: map[string]string{"api_host": "instance_url"}}),
			[]string{`auth.token_response_settings.api_host: names no declared setting`}},
		{"token_url needs the token's own setting", base(AuthSpec{Method: AuthOAuth2, GrantType: "client_credentials",
			TokenURL: "{base_url}/t", ClientAuth: "body", TokenResponseSettings: map[string]string{"base_url": "instance_url"}}),
			[]string{"auth.token_url uses {base_url}"}},
		{"jwt_bearer pem without issuer", base(AuthSpec{Method: "jwt_bearer", KeyFormat: "pem", TokenURL: "{base_url}/t"}),
			[]string{"auth.issuer: missing"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.tmpl.Validate()
			require.Error(t, err)
			for _, w := range tt.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}

	// At New: a bad PEM names the setting, never its text; a missing key
	// setting is a missing required setting.
	tmpl := base(AuthSpec{Method: AuthOAuth2, GrantType: "client_credentials", TokenURL: "{base_url}/t", ClientAuth: "private_key_jwt"})
	bad := "-----BEGIN PRIVATE KEY-----\nU0VDUkVULUtFWS1URVhU\n-----END PRIVATE KEY-----\n"
	_, err := New(tmpl, "x", Settings{"client_id": "c", "private_key": bad})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `setting "private_key": not a PEM-encoded private key`)
	assert.NotContains(t, err.Error(), "U0VDUkVULUtFWS1URVhU")
	_, err = New(tmpl, "x", Settings{"client_id": "c"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `missing required setting "private_key"`)
	g := base(AuthSpec{Method: "jwt_bearer", KeyFormat: "google_json", Subject: "{admin}"})
	_, err = New(g, "x", Settings{"service_account_key": "/etc/keys/sa.json", "admin": "a@example.com"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `setting "service_account_key": not a JSON key file`)
	assert.NotContains(t, err.Error(), "/etc/keys")
}

// TestAuthGrantsParse reads the new auth keys from template JSON as
// docs/templates.md shows them.
func TestAuthGrantsParse(t *testing.T) {
	tmpl, err := ParseTemplate([]byte(`{
  "version": 1,
  "settings": [{"name": "base_url", "default": "https://login.salesforce.com"}, {"name": "account_id"}],
  "auth": {"method": "oauth2", "grant_type": "account_credentials", "token_url": "https://zoom.us/oauth/token",
    "client_auth": "header", "token_params": {"account_id": "{account_id}"},
    "token_response_settings": {"base_url": "instance_url"}},
  "request": {"users_url": "{base_url}/users"},
  "response": {"records_path": "users", "fields": {"id": "id"}}
}`))
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"account_id": "{account_id}"}, tmpl.Auth.TokenParams)
	assert.Equal(t, map[string]string{"base_url": "instance_url"}, tmpl.Auth.TokenResponseSettings)
	require.NoError(t, tmpl.Validate())
	g, err := ParseTemplate([]byte(`{
  "version": 1,
  "settings": [{"name": "admin_email"}],
  "auth": {"method": "jwt_bearer", "key_format": "google_json", "subject": "{admin_email}",
    "scope": "https://www.googleapis.com/auth/admin.directory.user.readonly"},
  "request": {"users_url": "https://admin.googleapis.com/admin/directory/v1/users?customer=my_customer"},
  "response": {"records_path": "users", "fields": {"id": "id"}}
}`))
	require.NoError(t, err)
	require.NoError(t, g.Validate())
	var names []string
	for _, s := range g.Settings() {
		if s.Required {
			names = append(names, s.Name)
		}
	}
	assert.Equal(t, []string{"admin_email", "service_account_key"}, names)
}
