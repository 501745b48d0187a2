package flexera_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/saasconnect/saasconnect/flexera"
)

// TestRedirectsKeepCredentialsHome: a token request follows no redirect (a
// 307 would resend the refresh token or client secret), and an API request
// follows redirects on its own origin only (net/http keeps the Authorization
// header for the same host on another port). Both servers are loopback, on
// different ports.
func TestRedirectsKeepCredentialsHome(t *testing.T) {
	var stolen atomic.Int32
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		stolen.Add(1)
		_, _ = w.Write([]byte(`{"access_token":"x","expires_in":3600}`))
	}))
	t.Cleanup(elsewhere.Close)
	mux := http.NewServeMux()
	mux.HandleFunc("/oidc/token", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, elsewhere.URL+"/oidc/token", http.StatusTemporaryRedirect)
	})
	mux.HandleFunc("/saas/v1/orgs/1/saas-data/away", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, elsewhere.URL+"/saas/v1/orgs/1/saas-data/x", http.StatusFound)
	})
	mux.HandleFunc("/saas/v1/orgs/1/saas-data/moved", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/saas/v1/orgs/1/saas-data/here", http.StatusMovedPermanently)
	})
	mux.HandleFunc("/saas/v1/orgs/1/saas-data/here", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer good-token" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		_ = json.NewEncoder(w).Encode(flexera.SaaSData{ID: "here"})
	})
	home := httptest.NewServer(mux)
	t.Cleanup(home.Close)

	tests := []struct {
		name    string
		cfg     flexera.Config
		opts    []flexera.Option
		id      string
		wantErr bool
	}{
		{"refresh token grant, 307", flexera.Config{RefreshToken: "rt-secret-value"}, nil, "here", true},
		{"client credentials grant, 307", flexera.Config{ClientID: "client-1", ClientSecret: "cs-secret-value"}, nil, "here", true},
		{"API call to another origin", flexera.Config{}, []flexera.Option{flexera.WithTokenSource(staticToken("good-token"))}, "away", true},
		{"API call on the same origin", flexera.Config{}, []flexera.Option{flexera.WithTokenSource(staticToken("good-token"))}, "moved", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stolen.Store(0)
			cfg := tt.cfg
			cfg.APIURL, cfg.LoginURL = home.URL, home.URL
			c, err := flexera.New(cfg, tt.opts...)
			if err != nil {
				t.Fatal(err)
			}
			d, err := c.GetSaaSData(t.Context(), "1", tt.id)
			if n := stolen.Load(); n != 0 {
				t.Fatalf("the other origin got %d requests", n)
			}
			if !tt.wantErr {
				if err != nil || d.ID != "here" {
					t.Fatalf("GetSaaSData = %+v, %v; want the redirect followed", d, err)
				}
				return
			}
			if err == nil {
				t.Fatal("no error")
			}
			msg := err.Error()
			if !strings.Contains(msg, home.URL) || !strings.Contains(msg, elsewhere.URL) || !strings.Contains(msg, "refusing redirect") {
				t.Errorf("error %q does not name both origins", msg)
			}
			for _, s := range []string{"rt-secret-value", "cs-secret-value", "good-token"} {
				if strings.Contains(msg, s) {
					t.Errorf("error leaks %q: %s", s, msg)
				}
			}
			var te *flexera.TokenError
			if isToken := errors.As(err, &te); isToken != (tt.cfg.RefreshToken != "" || tt.cfg.ClientID != "") {
				t.Errorf("err = %T %v: token failures are *TokenError, API ones are not", err, err)
			}
		})
	}
}
