package auth

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/saasconnect/saasconnect/internal/transport"
)

// TestCredentialRequestsRefuseRedirects points each token and login request
// at an endpoint that redirects to another origin (the same loopback host on
// another port) and checks that nothing reaches the target: a 307 or 308
// would resend the form or JSON body (client_secret, refresh_token, password,
// login values), a 301 or 302 the HTTP Basic client credentials.
func TestCredentialRequestsRefuseRedirects(t *testing.T) {
	const (
		clientSecret = "client-secret-value"
		refreshTok   = "refresh-token-value"
		password     = "password-value"
		loginSecret  = "login-secret-value"
	)
	var stolen atomic.Int32
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		stolen.Add(1)
		fmt.Fprint(w, `{"access_token":"x","token_type":"bearer","token":"x"}`)
	}))
	t.Cleanup(target.Close)
	redirector := func(code int) *httptest.Server {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, target.URL+"/collect?access_token=query-secret-value", code)
		}))
		t.Cleanup(srv.Close)
		return srv
	}
	oauth := func(grant GrantType, ca ClientAuth) func(string) (Authenticator, error) {
		return func(u string) (Authenticator, error) {
			return NewOAuth2(OAuth2Config{GrantType: grant, TokenURL: u + "/token", ClientID: "client-1",
				ClientSecret: clientSecret, Username: "user", Password: password, RefreshToken: refreshTok, ClientAuth: ca}, nil)
		}
	}
	tests := []struct {
		name   string
		status int
		build  func(url string) (Authenticator, error)
	}{
		{"client credentials in the body, 307", http.StatusTemporaryRedirect, oauth(GrantClientCredentials, ClientAuthBody)},
		{"client credentials in Basic, 302", http.StatusFound, oauth(GrantClientCredentials, ClientAuthHeader)},
		{"client credentials in Basic, 301", http.StatusMovedPermanently, oauth(GrantClientCredentials, ClientAuthHeader)},
		{"refresh token, 308", http.StatusPermanentRedirect, oauth(GrantRefreshToken, ClientAuthBody)},
		{"password, 307", http.StatusTemporaryRedirect, oauth(GrantPassword, ClientAuthHeader)},
		{"session login, 307", http.StatusTemporaryRedirect, func(u string) (Authenticator, error) {
			return NewSession(SessionConfig{
				LoginURL:  u + "/login",
				Body:      map[string]any{"secret": "{s}"},
				Values:    map[string]Secret{"s": loginSecret},
				TokenPath: "token",
				Header:    "X-Session",
			}, nil)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stolen.Store(0)
			srv := redirector(tt.status)
			a, err := tt.build(srv.URL)
			if err != nil {
				t.Fatal(err)
			}
			req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, "https://api.example.com/users", nil)
			err = a.Authenticate(t.Context(), req)
			if n := stolen.Load(); n != 0 {
				t.Fatalf("the redirect target got %d requests carrying the credentials", n)
			}
			var te *TokenError
			var re *transport.RedirectError
			if !errors.As(err, &te) || !errors.As(err, &re) {
				t.Fatalf("err = %v, want a *TokenError wrapping a *transport.RedirectError", err)
			}
			msg := err.Error()
			if !strings.Contains(msg, srv.URL) || !strings.Contains(msg, target.URL) {
				t.Errorf("error %q does not name both origins (%s, %s)", msg, srv.URL, target.URL)
			}
			for _, s := range []string{clientSecret, refreshTok, password, loginSecret, "query-secret-value"} {
				if strings.Contains(msg, s) {
					t.Errorf("error leaks %q: %s", s, msg)
				}
			}
		})
	}
}
