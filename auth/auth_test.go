package auth

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
)

func newReq(t *testing.T, u string) *http.Request {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

func TestAPIKey(t *testing.T) {
	tests := []struct {
		name       string
		key        APIKey
		url        string
		wantHeader string // "Name: value"
		wantQuery  string
	}{
		{"bearer", APIKey{Key: "k1", TokenType: "Bearer"}, "https://x.test/u", "Authorization: Bearer k1", ""},
		{"okta SSWS", APIKey{Key: "k2", TokenType: "SSWS"}, "https://x.test/u", "Authorization: SSWS k2", ""},
		{"bugsnag token", APIKey{Key: "k3", TokenType: "token"}, "https://x.test/u", "Authorization: token k3", ""},
		{"raw", APIKey{Key: "k4"}, "https://x.test/u", "Authorization: k4", ""},
		{"custom header", APIKey{Key: "k5", Header: "X-Figma-Token"}, "https://x.test/u", "X-Figma-Token: k5", ""},
		{"custom header with type", APIKey{Key: "k6", Header: "PTToken", TokenType: "Token"}, "https://x.test/u", "PTToken: Token k6", ""},
		{"query", APIKey{Key: "k 7&=", QueryParam: "api_token"}, "https://x.test/u?page=2", "", "page=2&api_token=k+7%26%3D"},
		{"query replaces, keeps others verbatim", APIKey{Key: "new", QueryParam: "apiKey"},
			"https://x.test/u?$$FIRST=0&apiKey=old&q=a%20b&api%4Bey=old2", "", "$$FIRST=0&q=a%20b&apiKey=new"},
		{"query on empty", APIKey{Key: "k", QueryParam: "access_token"}, "https://x.test/u", "", "access_token=k"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := newReq(t, tt.url)
			if err := tt.key.Authenticate(t.Context(), req); err != nil {
				t.Fatal(err)
			}
			if tt.wantHeader != "" {
				name, val, _ := strings.Cut(tt.wantHeader, ": ")
				if got := req.Header.Get(name); got != val {
					t.Errorf("header %s = %q, want %q", name, got, val)
				}
			} else if len(req.Header) != 0 {
				t.Errorf("headers = %v, want none", req.Header)
			}
			if tt.wantQuery != "" && req.URL.RawQuery != tt.wantQuery {
				t.Errorf("query = %q, want %q", req.URL.RawQuery, tt.wantQuery)
			}
		})
	}
}

func TestAPIKeyValidate(t *testing.T) {
	tests := []struct {
		name  string
		key   APIKey
		field string
	}{
		{"no key", APIKey{TokenType: "Bearer"}, "APIKey.Key"},
		{"header and query", APIKey{Key: "k", Header: "X", QueryParam: "q"}, "APIKey.QueryParam"},
		{"type in query", APIKey{Key: "k", TokenType: "Bearer", QueryParam: "q"}, "APIKey.TokenType"},
		{"bad header", APIKey{Key: "k", Header: "X Token:"}, "APIKey.Header"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := newReq(t, "https://x.test/u")
			err := tt.key.Authenticate(t.Context(), req)
			var ce *ConfigError
			if !errors.As(err, &ce) || ce.Field != tt.field {
				t.Fatalf("err = %v, want a ConfigError for %s", err, tt.field)
			}
			if len(req.Header) != 0 || req.URL.RawQuery != "" {
				t.Errorf("request modified despite the error: %v %q", req.Header, req.URL.RawQuery)
			}
		})
	}
}

func TestBasic(t *testing.T) {
	tests := []struct {
		name     string
		b        Basic
		wantUser string
		wantPass string
		wantErr  bool
	}{
		{"user and password", Basic{Username: "alice", Password: "p@ss:word"}, "alice", "p@ss:word", false},
		{"token as user", Basic{Username: "any", Password: "tok"}, "any", "tok", false},
		{"password only", Basic{Password: "tok"}, "", "tok", false},
		{"empty", Basic{}, "", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := newReq(t, "https://x.test/u")
			err := tt.b.Authenticate(t.Context(), req)
			if tt.wantErr {
				if !errors.As(err, new(*ConfigError)) {
					t.Fatalf("err = %v, want ConfigError", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			u, p, ok := req.BasicAuth()
			if !ok || u != tt.wantUser || p != tt.wantPass {
				t.Errorf("BasicAuth() = %q, %q, %v; want %q, %q", u, p, ok, tt.wantUser, tt.wantPass)
			}
		})
	}
}

func TestNoneAndFunc(t *testing.T) {
	req := newReq(t, "https://x.test/u")
	if err := (None{}).Authenticate(t.Context(), req); err != nil || len(req.Header) != 0 {
		t.Errorf("None: err %v, headers %v", err, req.Header)
	}
	var gotCtx context.Context
	f := AuthenticatorFunc(func(ctx context.Context, r *http.Request) error {
		gotCtx = ctx
		r.Header.Set("X-Test", "1")
		return nil
	})
	if err := f.Authenticate(t.Context(), req); err != nil || req.Header.Get("X-Test") != "1" || gotCtx != t.Context() {
		t.Errorf("AuthenticatorFunc: err %v, header %q", err, req.Header.Get("X-Test"))
	}
}
