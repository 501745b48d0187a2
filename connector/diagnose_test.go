package connector

import (
	"crypto/tls"
	"encoding/pem"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saasconnect/saasconnect/auth"
	"github.com/saasconnect/saasconnect/paginate"
)

func TestTestDiagnostics(t *testing.T) {
	type setup struct {
		tmpl     Template
		settings Settings
		opts     []Option
	}
	tests := []struct {
		name    string
		auth    AuthMethod
		prepare func(f *fakeVendor, s *setup)
		want    Problem // "" = success
		wantIs  error
		wantMsg []string
	}{
		{name: "ok", auth: AuthOAuth2},
		{name: "empty listing is ok", auth: AuthAPIKey, prepare: func(f *fakeVendor, s *setup) { f.records = nil }},
		{name: "bad api key", auth: AuthAPIKey, prepare: func(f *fakeVendor, s *setup) { s.settings["api_key"] = "nope-nope-nope" },
			want: ProblemCredentials, wantIs: ErrUnauthorized, wantMsg: []string{"bad credentials", "401 Unauthorized"}},
		{name: "bad basic password", auth: AuthBasic, prepare: func(f *fakeVendor, s *setup) { s.settings["password"] = "wrong-password" },
			want: ProblemCredentials, wantIs: ErrUnauthorized},
		{name: "forbidden", auth: AuthAPIKey, prepare: func(f *fakeVendor, s *setup) { f.faults[1] = []fault{{status: 403}} },
			want: ProblemCredentials, wantIs: ErrForbidden, wantMsg: []string{"not allowed", "scope or admin role"}},
		{name: "token endpoint refuses", auth: AuthOAuth2, prepare: func(f *fakeVendor, s *setup) { s.settings["client_secret"] = "wrong-secret" },
			want: ProblemCredentials, wantIs: ErrUnauthorized, wantMsg: []string{"bad credentials", "token request", "/oauth/token"}},
		{name: "login refused", auth: AuthSession, prepare: func(f *fakeVendor, s *setup) { s.settings["login_pass"] = "wrong-pass" },
			want: ProblemCredentials, wantIs: auth.ErrTokenRequest, wantMsg: []string{"login request"}},
		{name: "token URL unreachable", auth: AuthOAuth2, prepare: func(f *fakeVendor, s *setup) {
			dead := httptest.NewServer(http.NotFoundHandler())
			dead.Close()
			s.settings["token_url"] = dead.URL + "/oauth/token"
		}, want: ProblemURL, wantIs: auth.ErrTokenRequest, wantMsg: []string{"wrong token or login URL"}},
		{name: "token URL 404", auth: AuthOAuth2, prepare: func(f *fakeVendor, s *setup) { s.settings["token_url"] = "{base_url}/oauth/tokn" },
			want: ProblemURL, wantMsg: []string{"wrong token or login URL", "404"}},
		{name: "wrong path", auth: AuthAPIKey, prepare: func(f *fakeVendor, s *setup) { s.tmpl.Request.UsersURL = "{base_url}/userz" },
			want: ProblemURL, wantIs: ErrNotFound, wantMsg: []string{"wrong URL", "404 Not Found", "/userz"}},
		{name: "unknown host", auth: AuthAPIKey, prepare: func(f *fakeVendor, s *setup) {
			s.opts = append(s.opts, WithHTTPClient(&http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
				return nil, &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "no such host", Name: "tenant.example.invalid", IsNotFound: true}}
			})}))
		}, want: ProblemURL, wantMsg: []string{`host "tenant.example.invalid" not found`}},
		{name: "connection refused", auth: AuthAPIKey, prepare: func(f *fakeVendor, s *setup) {
			dead := httptest.NewServer(http.NotFoundHandler())
			dead.Close()
			s.settings["base_url"] = dead.URL
		}, want: ProblemURL, wantMsg: []string{"connection was refused"}},
		{name: "wrong records_path", auth: AuthAPIKey, prepare: func(f *fakeVendor, s *setup) { s.tmpl.Response.RecordsPath = "seats" },
			want: ProblemRecordsPath, wantMsg: []string{"response has no `seats` key; top-level keys are data, total"}},
		{name: "nothing mapped", auth: AuthAPIKey, prepare: func(f *fakeVendor, s *setup) {
			s.tmpl.Response.Fields = map[string]string{"id": "uid", "email": "mail", "status": "state"}
		}, want: ProblemMapping, wantMsg: []string{"3 records but none could be mapped", `field "email" path "mail"`, "keys are email, id, last_login, name, state, type"}},
		{name: "throttled", auth: AuthAPIKey, prepare: func(f *fakeVendor, s *setup) {
			f.faults[1] = []fault{{status: 429, retryAfter: "86400"}}
		}, want: ProblemRateLimited, wantIs: ErrRateLimited},
		{name: "rate-limited 403", auth: AuthAPIKey, prepare: func(f *fakeVendor, s *setup) {
			f.faults[1] = []fault{{status: 403, retryAfter: "86400"}}
		}, want: ProblemRateLimited, wantIs: ErrRateLimited, wantMsg: []string{"rate limiting", "retry after 24h0m0s"}},
		{name: "html instead of json", auth: AuthAPIKey, prepare: func(f *fakeVendor, s *setup) {
			f.faults[1] = []fault{{status: 200, body: "<html>Sign in</html>"}}
		}, want: ProblemOther, wantMsg: []string{"not valid JSON", "invalid JSON at byte offset 1"}},
		{name: "server error", auth: AuthAPIKey, prepare: func(f *fakeVendor, s *setup) { f.faults[1] = []fault{{status: 500}} },
			want: ProblemOther, wantMsg: []string{"500 Internal Server Error"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeVendor(t, 7, paginate.PageNumber, tt.auth)
			srv := f.server()
			s := &setup{tmpl: f.template(srv.URL), settings: f.settings()}
			if tt.prepare != nil {
				tt.prepare(f, s)
			}
			var logs logSink
			c, err := New(s.tmpl, "diag", s.settings, append(s.opts, WithLogger(logs.logger()))...)
			require.NoError(t, err)
			err = c.Test(t.Context())
			assertNoSecrets(t, logs.String())
			if tt.want == "" {
				require.NoError(t, err)
				pages, _ := f.hits()
				assert.Equal(t, 1, pages, "first page only")
				return
			}
			var te *TestError
			require.ErrorAs(t, err, &te)
			assert.Equal(t, tt.want, te.Problem, "%v", err)
			if tt.wantIs != nil {
				assert.ErrorIs(t, err, tt.wantIs)
			}
			for _, m := range tt.wantMsg {
				assert.ErrorContains(t, err, m)
			}
			assertNoSecrets(t, err.Error(), "nope-nope-nope", "wrong-password", "wrong-secret", "wrong-pass")
			for _, bad := range []string{"nope-nope-nope", "wrong-password", "wrong-secret", "wrong-pass"} {
				assert.NotContains(t, err.Error(), bad)
				assert.NotContains(t, logs.String(), bad)
			}
		})
	}
}

func TestTLSAndCAFile(t *testing.T) {
	f := newFakeVendor(t, 2, paginate.None, AuthAPIKey)
	srv := httptest.NewUnstartedServer(f)
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // expected handshake failures
	srv.StartTLS()
	t.Cleanup(srv.Close)
	f.base = srv.URL
	tmpl := f.template(srv.URL)

	// The test server's certificate is not trusted by default.
	c, err := New(tmpl, "tls", f.settings(), WithHTTPClient(&http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}))
	require.NoError(t, err)
	var te *TestError
	require.ErrorAs(t, c.Test(t.Context()), &te)
	assert.Equal(t, ProblemTLS, te.Problem)

	// With its CA in ca_file it is.
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	require.NoError(t, os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600))
	settings := f.settings()
	settings[CAFileSetting] = caFile
	c, err = New(tmpl, "tls", settings, WithHTTPClient(&http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}))
	require.NoError(t, err)
	require.NoError(t, c.Test(t.Context()))
	users, rep, err := collect(t, c, t.Context())
	require.NoError(t, err)
	assert.Len(t, users, 2)
	assert.Equal(t, Succeeded, rep.Status)

	// Disabling verification is refused.
	_, err = New(tmpl, "tls", f.settings(), WithHTTPClient(&http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}))
	assert.ErrorContains(t, err, "InsecureSkipVerify")

	// A broken ca_file is an error naming the setting.
	settings[CAFileSetting] = filepath.Join(t.TempDir(), "missing.pem")
	_, err = New(tmpl, "tls", settings)
	assert.ErrorContains(t, err, "ca_file")
}

func TestTestErrorUnwraps(t *testing.T) {
	inner := &HTTPError{Method: "GET", URL: "https://x.example.com/u", StatusCode: 404}
	te := &TestError{Problem: ProblemURL, Hint: "wrong URL", Err: inner}
	assert.True(t, errors.Is(te, ErrNotFound))
	assert.Equal(t, "test failed (url): wrong URL: GET https://x.example.com/u: 404 Not Found", te.Error())
}
