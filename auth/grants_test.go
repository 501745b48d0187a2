package auth

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	jwtv5 "github.com/golang-jwt/jwt/v5"
)

// recordingTokenServer is a loopback token endpoint that records every
// token request's form (as sent: repeated fields kept) and headers, and
// answers with resp (or status and body when status is not 200).
type recordingTokenServer struct {
	*httptest.Server
	mu     sync.Mutex
	forms  []url.Values
	heads  []http.Header
	status int
	resp   map[string]any
	body   func(form url.Values) string // error body, when status != 200
}

func newRecordingTokenServer(t *testing.T, resp map[string]any) *recordingTokenServer {
	t.Helper()
	s := &recordingTokenServer{status: http.StatusOK, resp: resp}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			http.Error(w, "bad form", http.StatusBadRequest)
			return
		}
		s.mu.Lock()
		s.forms = append(s.forms, r.PostForm)
		s.heads = append(s.heads, r.Header.Clone())
		status, resp, body := s.status, s.resp, s.body
		s.mu.Unlock()
		if status != http.StatusOK {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			_, _ = w.Write([]byte(body(r.PostForm)))
			return
		}
		writeToken(w, resp)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *recordingTokenServer) last(t *testing.T) (url.Values, http.Header) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.forms) == 0 {
		t.Fatal("no token request was sent")
	}
	return s.forms[len(s.forms)-1], s.heads[len(s.heads)-1]
}

// onlyOnce checks that form holds each of want's fields exactly once, with
// that value.
func onlyOnce(t *testing.T, form url.Values, want map[string]string) {
	t.Helper()
	for k, v := range want {
		if got := form[k]; len(got) != 1 || got[0] != v {
			t.Errorf("form field %s = %q, want exactly [%q]", k, got, v)
		}
	}
}

// settingsEnv is an Env reading settings from m and filling placeholders
// from it.
func settingsEnv(m map[string]string, client *http.Client) Env {
	fill := func(s string) string {
		return placeholder.ReplaceAllStringFunc(s, func(p string) string { return m[p[1:len(p)-1]] })
	}
	return Env{
		Setting: func(n string) string { return m[n] },
		URL:     func(s string) (string, error) { return fill(s), nil },
		Expand:  fill,
		Client:  client,
	}
}

func rsaPEM(t *testing.T, pkcs8 bool) (string, *rsa.PrivateKey) {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	if !pkcs8 {
		return string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)})), k
	}
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})), k
}

func ecPEM(t *testing.T) (string, *ecdsa.PrivateKey) {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalECPrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der})), k
}

// verifyJWT checks raw's signature with pub and returns its claims and
// header.
func verifyJWT(t *testing.T, raw string, pub crypto.PublicKey, alg string) (jwtv5.MapClaims, map[string]any) {
	t.Helper()
	claims := jwtv5.MapClaims{}
	tok, err := jwtv5.ParseWithClaims(raw, claims, func(*jwtv5.Token) (any, error) { return pub, nil },
		jwtv5.WithValidMethods([]string{alg}))
	if err != nil {
		t.Fatalf("assertion does not verify with the public key: %v", err)
	}
	return claims, tok.Header
}

// TestOAuth2AnyGrantWithTokenParams sends a vendor grant (Zoom's
// account_credentials) with token_params filled from settings, each field
// exactly once, the client credentials as configured.
func TestOAuth2AnyGrantWithTokenParams(t *testing.T) {
	tests := []struct {
		name       string
		spec       Spec
		wantForm   map[string]string
		absent     []string
		wantBasic  bool
		settingsIn []string
	}{
		{
			name: "zoom account_credentials, Basic",
			spec: Spec{Method: MethodOAuth2, GrantType: "account_credentials", TokenURL: "{token_url}", ClientAuth: "header",
				TokenParams: map[string]string{"account_id": "{account_id}"}},
			wantForm:   map[string]string{"grant_type": "account_credentials", "account_id": "acc-42"},
			absent:     []string{"client_id", "client_secret"},
			wantBasic:  true,
			settingsIn: []string{"client_id", "client_secret", "account_id"},
		},
		{
			name: "box client_credentials with subject, body",
			spec: Spec{Method: MethodOAuth2, GrantType: "client_credentials", TokenURL: "{token_url}", ClientAuth: "body",
				TokenParams: map[string]string{"box_subject_type": "enterprise", "box_subject_id": "{enterprise_id}"}},
			wantForm: map[string]string{"grant_type": "client_credentials", "box_subject_type": "enterprise",
				"box_subject_id": "77", "client_id": "cid", "client_secret": "s3cr3t-value"},
			settingsIn: []string{"client_id", "client_secret", "enterprise_id"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.spec.Validate(); err != nil {
				t.Fatalf("Validate: %v", err)
			}
			var names []string
			for _, s := range tt.spec.Settings() {
				names = append(names, s.Name)
			}
			if strings.Join(names, ",") != strings.Join(tt.settingsIn, ",") {
				t.Errorf("Settings = %v, want %v", names, tt.settingsIn)
			}
			srv := newRecordingTokenServer(t, map[string]any{"access_token": "at", "token_type": "bearer", "expires_in": 3600})
			env := settingsEnv(map[string]string{"token_url": srv.URL, "client_id": "cid", "client_secret": "s3cr3t-value",
				"account_id": "acc-42", "enterprise_id": "77"}, srv.Client())
			a, err := tt.spec.Build(env)
			if err != nil {
				t.Fatalf("Build: %v", err)
			}
			req := httptest.NewRequestWithContext(t.Context(), http.MethodGet, "https://api.test/users", nil)
			if err := a.Authenticate(t.Context(), req); err != nil {
				t.Fatalf("Authenticate: %v", err)
			}
			if got := req.Header.Get("Authorization"); got != "Bearer at" {
				t.Errorf("Authorization = %q", got)
			}
			form, head := srv.last(t)
			onlyOnce(t, form, tt.wantForm)
			for _, k := range tt.absent {
				if form.Has(k) {
					t.Errorf("form has %s, want it absent", k)
				}
			}
			u, p, ok := (&http.Request{Header: head}).BasicAuth()
			if ok != tt.wantBasic || ok && (u != "cid" || p != "s3cr3t-value") {
				t.Errorf("Basic = %v %q, want %v", ok, u, tt.wantBasic)
			}
		})
	}
}

// TestOAuth2SpecGrantErrors covers the located errors of grant_type,
// token_params and private_key_jwt keys.
func TestOAuth2SpecGrantErrors(t *testing.T) {
	base := Spec{Method: MethodOAuth2, GrantType: "account_credentials", TokenURL: "{u}", ClientAuth: "header"}
	with := func(f func(*Spec)) Spec { s := base; f(&s); return s }
	tests := []struct {
		name string
		spec Spec
		keys []string
		msg  string
	}{
		{"vendor grant ok", base, nil, ""},
		{"urn grant ok", with(func(s *Spec) { s.GrantType = "urn:example:grant" }), nil, ""},
		{"unknown grant missing token_url", with(func(s *Spec) { s.TokenURL = "" }), []string{"token_url"}, "needs the token endpoint"},
		{"grant with a space", with(func(s *Spec) { s.GrantType = "a b" }), []string{"grant_type"}, "not a grant type name"},
		{"interactive grant", with(func(s *Spec) { s.GrantType = "authorization_code" }), []string{"grant_type"}, "needs a user in the loop"},
		{"token_params repeats grant_type", with(func(s *Spec) { s.TokenParams = map[string]string{"grant_type": "x", "account_id": "{a}"} }),
			[]string{"token_params.grant_type"}, "send grant_type themselves"},
		{"token_params repeats client_assertion", with(func(s *Spec) { s.TokenParams = map[string]string{"client_assertion": "x"} }),
			[]string{"token_params.client_assertion"}, ""},
		{"key_id without private_key_jwt", with(func(s *Spec) { s.KeyID = "k" }), []string{"key_id"}, "private_key_jwt"},
		{"bad token_response_settings", with(func(s *Spec) { s.TokenResponseSettings = map[string]string{"base_url": "a b"} }),
			[]string{"token_response_settings.base_url"}, "top-level field name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.spec.Validate()
			if tt.keys == nil {
				if err != nil {
					t.Fatalf("Validate = %v, want nil", err)
				}
				return
			}
			if got := specErrorKeys(t, err); strings.Join(got, ",") != strings.Join(tt.keys, ",") {
				t.Fatalf("error keys = %v, want %v (%v)", got, tt.keys, err)
			}
			if tt.msg != "" && !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("error %q does not contain %q", err, tt.msg)
			}
		})
	}
}

// TestPrivateKeyJWT sends a signed client assertion instead of a secret:
// the assertion verifies with the public key, its claims are the client
// ID, the token URL as audience, five minutes, and a new jti each time.
func TestPrivateKeyJWT(t *testing.T) {
	rsa1, rk1 := rsaPEM(t, false)
	rsa8, rk8 := rsaPEM(t, true)
	ec, ek := ecPEM(t)
	tests := []struct {
		name string
		key  string
		pub  crypto.PublicKey
		alg  string
		kid  string
	}{
		{"RSA PKCS#1", rsa1, &rk1.PublicKey, "RS256", ""},
		{"RSA PKCS#8 with kid", rsa8, &rk8.PublicKey, "RS256", "{key_id_setting}"},
		{"EC P-256", ec, &ek.PublicKey, "ES256", "kid-1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newRecordingTokenServer(t, map[string]any{"access_token": "at", "expires_in": 1})
			spec := Spec{Method: MethodOAuth2, GrantType: "client_credentials", TokenURL: "{token_url}", ClientAuth: "private_key_jwt",
				KeyID: tt.kid, Scope: "okta.users.read"}
			if err := spec.Validate(); err != nil {
				t.Fatal(err)
			}
			for _, s := range spec.Settings() {
				if s.Name == "client_secret" {
					t.Error("private_key_jwt implies a client_secret setting")
				}
				if s.Name == "private_key" && !s.Secret {
					t.Error("private_key is not secret")
				}
			}
			a, err := spec.Build(settingsEnv(map[string]string{"token_url": srv.URL + "/oauth2/v1/token", "client_id": "0oa-client",
				"private_key": tt.key, "key_id_setting": "kid-8"}, srv.Client()))
			if err != nil {
				t.Fatalf("Build: %v", err)
			}
			o := a.(*OAuth2)
			var jtis []string
			for range 2 {
				o.Invalidate()
				if _, err := o.Token(t.Context()); err != nil {
					t.Fatalf("Token: %v", err)
				}
				form, head := srv.last(t)
				onlyOnce(t, form, map[string]string{"grant_type": "client_credentials", "client_id": "0oa-client",
					"client_assertion_type": ClientAssertionType, "scope": "okta.users.read"})
				if form.Has("client_secret") || head.Get("Authorization") != "" {
					t.Errorf("a client secret was sent: form %v, Authorization %q", form.Has("client_secret"), head.Get("Authorization"))
				}
				if n := len(form["client_assertion"]); n != 1 {
					t.Fatalf("client_assertion sent %d times", n)
				}
				claims, header := verifyJWT(t, form.Get("client_assertion"), tt.pub, tt.alg)
				if claims["iss"] != "0oa-client" || claims["sub"] != "0oa-client" {
					t.Errorf("iss, sub = %v, %v", claims["iss"], claims["sub"])
				}
				if aud, _ := claims.GetAudience(); len(aud) != 1 || aud[0] != srv.URL+"/oauth2/v1/token" {
					t.Errorf("aud = %v, want the token URL", aud)
				}
				iat, _ := claims.GetIssuedAt()
				exp, _ := claims.GetExpirationTime()
				if exp.Sub(iat.Time) != 5*time.Minute {
					t.Errorf("lifetime = %v, want 5m", exp.Sub(iat.Time))
				}
				jti, _ := claims["jti"].(string)
				jtis = append(jtis, jti)
				wantKid := map[string]string{"": "", "{key_id_setting}": "kid-8", "kid-1": "kid-1"}[tt.kid]
				if kid, _ := header["kid"].(string); kid != wantKid {
					t.Errorf("kid = %q, want %q", kid, wantKid)
				}
			}
			if jtis[0] == "" || jtis[0] == jtis[1] {
				t.Errorf("jti not unique: %q", jtis)
			}
		})
	}
}

// TestPrivateKeySecretsStaySecret: an endpoint echoing the assertion and
// a bad key never put them in an error.
func TestPrivateKeySecretsStaySecret(t *testing.T) {
	key, _ := rsaPEM(t, false)
	srv := newRecordingTokenServer(t, nil)
	srv.status = http.StatusUnauthorized
	srv.body = func(f url.Values) string {
		b, _ := json.Marshal(map[string]string{"error": "invalid_client", "error_description": "bad " + f.Get("client_assertion")})
		return string(b)
	}
	spec := Spec{Method: MethodOAuth2, GrantType: "client_credentials", TokenURL: srv.URL, ClientAuth: "private_key_jwt"}
	a, err := spec.Build(settingsEnv(map[string]string{"client_id": "c", "private_key": key}, srv.Client()))
	if err != nil {
		t.Fatal(err)
	}
	_, err = a.(*OAuth2).Token(t.Context())
	if err == nil {
		t.Fatal("Token succeeded on a 401")
	}
	form, _ := srv.last(t)
	assertNoSecret(t, err, form.Get("client_assertion"), key)
	if !strings.Contains(err.Error(), "[REDACTED]") {
		t.Errorf("error %q does not show the scrubbed assertion", err)
	}

	// A bad PEM is named, not quoted.
	bad := "-----BEGIN RSA PRIVATE KEY-----\nc2VjcmV0LWtleS1ieXRlcw==\n-----END RSA PRIVATE KEY-----\n"
	for _, s := range []Spec{spec, {Method: MethodJWTBearer, KeyFormat: "pem", TokenURL: srv.URL, Issuer: "i"}} {
		_, err = s.Build(settingsEnv(map[string]string{"client_id": "c", "private_key": bad}, srv.Client()))
		if err == nil || !strings.Contains(err.Error(), `setting "private_key"`) {
			t.Errorf("%s: bad PEM error = %v, want it to name the setting", s.Method, err)
		}
		assertNoSecret(t, err, bad, "c2VjcmV0LWtleS1ieXRlcw")
		_, err = s.Build(settingsEnv(map[string]string{"client_id": "c"}, srv.Client()))
		if err == nil || !strings.Contains(err.Error(), `setting "private_key": required`) {
			t.Errorf("%s: missing key error = %v", s.Method, err)
		}
	}
}

// googleKey returns a service account key file for a new RSA key.
func googleKey(t *testing.T, tokenURI string) (string, *rsa.PrivateKey) {
	t.Helper()
	p, k := rsaPEM(t, true)
	b, err := json.Marshal(map[string]string{"type": "service_account", "client_email": "sa@proj.iam.gserviceaccount.com",
		"private_key_id": "kid-google", "private_key": p, "token_uri": tokenURI, "client_id": "123"})
	if err != nil {
		t.Fatal(err)
	}
	return string(b), k
}

// TestJWTBearer trades an assertion for a token (Google domain-wide
// delegation, Salesforce JWT bearer): grant and assertion sent once, the
// assertion verifies with the public key and carries the configured claims.
func TestJWTBearer(t *testing.T) {
	srv := newRecordingTokenServer(t, map[string]any{"access_token": "ya29", "token_type": "Bearer", "expires_in": 3600,
		"instance_url": "https://acme.my.salesforce.com"})
	gkey, gk := googleKey(t, srv.URL+"/token")
	pemKey, pk := rsaPEM(t, false)
	tests := []struct {
		name     string
		spec     Spec
		settings map[string]string
		pub      *rsa.PublicKey
		want     map[string]any
		kid      string
		needs    []string
	}{
		{
			name: "google domain-wide delegation",
			spec: Spec{Method: MethodJWTBearer, KeyFormat: "google_json", Subject: "{admin_email}",
				Scope: "https://www.googleapis.com/auth/admin.directory.user.readonly"},
			settings: map[string]string{"service_account_key": gkey, "admin_email": "admin@example.com"},
			pub:      &gk.PublicKey,
			want: map[string]any{"iss": "sa@proj.iam.gserviceaccount.com", "sub": "admin@example.com", "aud": srv.URL + "/token",
				"scope": "https://www.googleapis.com/auth/admin.directory.user.readonly"},
			kid:   "kid-google",
			needs: []string{"service_account_key", "admin_email"},
		},
		{
			name: "salesforce pem",
			spec: Spec{Method: MethodJWTBearer, KeyFormat: "pem", TokenURL: "{token_url}", Issuer: "{consumer_key}",
				Subject: "{username}", Audience: "https://login.salesforce.com", TokenResponseSettings: map[string]string{"base_url": "instance_url"}},
			settings: map[string]string{"private_key": pemKey, "token_url": srv.URL + "/services/oauth2/token", "consumer_key": "3MVG9",
				"username": "api@acme.com"},
			pub:   &pk.PublicKey,
			want:  map[string]any{"iss": "3MVG9", "sub": "api@acme.com", "aud": "https://login.salesforce.com"},
			needs: []string{"private_key", "username", "consumer_key"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.spec.Validate(); err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, s := range tt.spec.Settings() {
				names = append(names, s.Name)
			}
			if strings.Join(names, ",") != strings.Join(tt.needs, ",") {
				t.Errorf("Settings = %v, want %v", names, tt.needs)
			}
			a, err := tt.spec.Build(settingsEnv(tt.settings, srv.Client()))
			if err != nil {
				t.Fatalf("Build: %v", err)
			}
			req := httptest.NewRequestWithContext(t.Context(), http.MethodGet, "https://api.test/users", nil)
			if err := a.Authenticate(t.Context(), req); err != nil {
				t.Fatalf("Authenticate: %v", err)
			}
			if got := req.Header.Get("Authorization"); got != "Bearer ya29" {
				t.Errorf("Authorization = %q", got)
			}
			form, head := srv.last(t)
			onlyOnce(t, form, map[string]string{"grant_type": string(GrantJWTBearer)})
			if len(form["assertion"]) != 1 || len(form) != 2 || head.Get("Authorization") != "" {
				t.Errorf("token request form %v, Authorization %q: want grant_type and assertion only", form, head.Get("Authorization"))
			}
			claims, header := verifyJWT(t, form.Get("assertion"), tt.pub, "RS256")
			for k, v := range tt.want {
				if claims[k] != v {
					t.Errorf("claim %s = %v, want %v", k, claims[k], v)
				}
			}
			if kid, _ := header["kid"].(string); kid != tt.kid {
				t.Errorf("kid = %q, want %q", kid, tt.kid)
			}
		})
	}
}

// TestJWTBearerBadKeys: bad key settings are located and never quoted.
func TestJWTBearerBadKeys(t *testing.T) {
	ec, _ := ecPEM(t)
	gkey, _ := googleKey(t, "https://oauth2.test/token")
	var noURI map[string]string
	_ = json.Unmarshal([]byte(gkey), &noURI)
	delete(noURI, "token_uri")
	noURIKey, _ := json.Marshal(noURI)
	tests := []struct {
		name    string
		spec    Spec
		setting map[string]string
		msg     string
		secret  string
	}{
		{"google key not JSON", Spec{Method: MethodJWTBearer, KeyFormat: "google_json"},
			map[string]string{"service_account_key": "/home/me/key.json"}, `setting "service_account_key": not a JSON key file (byte offset`, "/home/me/key.json"},
		{"google key missing", Spec{Method: MethodJWTBearer, KeyFormat: "google_json"}, map[string]string{}, `setting "service_account_key": required`, ""},
		{"google key without token_uri", Spec{Method: MethodJWTBearer, KeyFormat: "google_json"},
			map[string]string{"service_account_key": string(noURIKey)}, `"token_uri" is missing`, noURI["private_key"]},
		{"google key of another type", Spec{Method: MethodJWTBearer, KeyFormat: "google_json"},
			map[string]string{"service_account_key": `{"type":"authorized_user","client_secret":"cs-123"}`}, `"type" is not "service_account"`, "cs-123"},
		{"pem EC key", Spec{Method: MethodJWTBearer, KeyFormat: "pem", TokenURL: "https://idp.test/token", Issuer: "i"},
			map[string]string{"private_key": ec}, "an RSA key is needed", ec},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.spec.Build(settingsEnv(tt.setting, nil))
			if err == nil || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("Build error = %v, want %q", err, tt.msg)
			}
			if tt.secret != "" {
				assertNoSecret(t, err, tt.secret)
			}
		})
	}
	err := Spec{Method: MethodJWTBearer, KeyFormat: "pem"}.Validate()
	if got := specErrorKeys(t, err); strings.Join(got, ",") != "issuer,token_url" {
		t.Errorf("pem without token_url and issuer: keys %v (%v)", got, err)
	}
}

// TestTokenResponseSettings reads instance_url out of the token response,
// and refuses a value that is not an https URL.
func TestTokenResponseSettings(t *testing.T) {
	tests := []struct {
		name  string
		resp  map[string]any
		want  string
		error string
	}{
		{"https", map[string]any{"access_token": "a", "instance_url": "https://acme.my.salesforce.com"}, "https://acme.my.salesforce.com", ""},
		{"loopback http", map[string]any{"access_token": "a", "instance_url": "http://127.0.0.1:8080"}, "http://127.0.0.1:8080", ""},
		{"plain http", map[string]any{"access_token": "a", "instance_url": "http://evil.test"}, "", `"instance_url" (for setting base_url) must be an https URL`},
		{"credentials", map[string]any{"access_token": "a", "instance_url": "https://u:p@evil.test"}, "", "without credentials"},
		{"missing", map[string]any{"access_token": "a"}, "", `no string field "instance_url"`},
		{"not a string", map[string]any{"access_token": "a", "instance_url": 7}, "", `no string field "instance_url"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newRecordingTokenServer(t, tt.resp)
			o, err := NewOAuth2(OAuth2Config{GrantType: GrantClientCredentials, TokenURL: srv.URL, ClientID: "c", ClientSecret: "s",
				ClientAuth: ClientAuthBody, TokenResponseSettings: map[string]string{"base_url": "instance_url"}}, srv.Client())
			if err != nil {
				t.Fatal(err)
			}
			got, err := o.TokenSettings(t.Context())
			if tt.error != "" {
				if err == nil || !strings.Contains(err.Error(), tt.error) {
					t.Fatalf("TokenSettings error = %v, want %q", err, tt.error)
				}
				assertNoSecret(t, err, "evil.test")
				return
			}
			if err != nil || got["base_url"] != tt.want || len(got) != 1 {
				t.Fatalf("TokenSettings = %v, %v; want base_url %s", got, err, tt.want)
			}
		})
	}
	o, err := NewOAuth2(OAuth2Config{GrantType: GrantClientCredentials, TokenURL: "https://idp.test", ClientID: "c", ClientSecret: "s", ClientAuth: ClientAuthBody}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := o.TokenSettings(t.Context()); got != nil || err != nil {
		t.Errorf("TokenSettings without settings = %v, %v; want nil without a request", got, err)
	}
}

// TestSessionLoginBasic sends the username and password settings as HTTP
// Basic on the login request, and keeps them out of errors.
func TestSessionLoginBasic(t *testing.T) {
	var mu sync.Mutex
	var user, pass string
	var ok bool
	fail := false
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		user, pass, ok = r.BasicAuth()
		if fail {
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = w.Write([]byte(`{"error":"bad credentials ` + r.Header.Get("Authorization") + `"}`))
			return
		}
		writeToken(w, map[string]any{"sessionToken": "sess-1"})
	}))
	t.Cleanup(srv.Close)
	spec := Spec{Method: MethodSession, LoginURL: "{u}", LoginAuth: "basic", TokenPath: "sessionToken", Header: "X-Session"}
	if err := spec.Validate(); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range spec.Settings() {
		names = append(names, s.Name)
		if s.Name == "password" && !s.Secret {
			t.Error("password is not secret")
		}
	}
	if strings.Join(names, ",") != "username,password" {
		t.Errorf("Settings = %v", names)
	}
	if err := (Spec{Method: MethodSession, LoginURL: "{u}", LoginAuth: "digest", TokenPath: "t"}).Validate(); err == nil ||
		!strings.Contains(err.Error(), `login_auth: unknown login authentication "digest"`) {
		t.Errorf("login_auth digest: %v", err)
	}
	env := settingsEnv(map[string]string{"u": srv.URL + "/login", "username": "svc", "password": "pa55-word"}, srv.Client())
	a, err := spec.Build(env)
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequestWithContext(t.Context(), http.MethodGet, "https://api.test/users", nil)
	if err := a.Authenticate(t.Context(), req); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	if !ok || user != "svc" || pass != "pa55-word" {
		t.Errorf("login Basic = %v %q %q", ok, user, pass)
	}
	fail = true
	mu.Unlock()
	if got := req.Header.Get("X-Session"); got != "sess-1" {
		t.Errorf("X-Session = %q", got)
	}
	a.(*Session).Invalidate()
	err = a.Authenticate(t.Context(), req)
	if err == nil {
		t.Fatal("login succeeded on a 401")
	}
	assertNoSecret(t, err, "pa55-word", "c3ZjOnBhNTUtd29yZA==")
}

// TestJWTBearerSecretsStaySecret: an endpoint that echoes the signed
// assertion in its error never gets it into the error, nor the key.
func TestJWTBearerSecretsStaySecret(t *testing.T) {
	key, _ := rsaPEM(t, false)
	srv := newRecordingTokenServer(t, nil)
	srv.status = http.StatusBadRequest
	srv.body = func(f url.Values) string {
		b, _ := json.Marshal(map[string]string{"error": "invalid_grant", "error_description": "bad assertion " + f.Get("assertion")})
		return string(b)
	}
	a, err := Spec{Method: MethodJWTBearer, KeyFormat: "pem", TokenURL: srv.URL, Issuer: "iss"}.
		Build(settingsEnv(map[string]string{"private_key": key}, srv.Client()))
	if err != nil {
		t.Fatal(err)
	}
	_, err = a.(*OAuth2).Token(t.Context())
	if err == nil {
		t.Fatal("Token succeeded on a 400")
	}
	form, _ := srv.last(t)
	if form.Get("assertion") == "" {
		t.Fatal("no assertion sent")
	}
	assertNoSecret(t, err, form.Get("assertion"), key)
	if !strings.Contains(err.Error(), "bad assertion [REDACTED]") {
		t.Errorf("error %q does not show the scrubbed assertion", err)
	}
	if !errors.Is(err, ErrInvalidCredentials) {
		t.Errorf("invalid_grant error does not match ErrInvalidCredentials: %v", err)
	}
}
