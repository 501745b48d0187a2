package auth

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// TestOnToken: every token obtained (access, rotated refresh, session) is
// handed to OnToken, and hidden from later token errors.
func TestOnToken(t *testing.T) {
	const (
		access  = "acc-TOKEN-1"
		rotated = "ref-ROTATED-2"
		session = "sess-TOKEN-3"
	)
	var fail atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if fail.Load() {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte("old tokens: " + access + " " + rotated + " " + session))
			return
		}
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/token":
			_ = json.NewEncoder(w).Encode(map[string]any{"access_token": access, "refresh_token": rotated, "token_type": "Bearer"})
		case "/login":
			_ = json.NewEncoder(w).Encode(map[string]any{"token": session})
		}
	}))
	defer srv.Close()
	var mu sync.Mutex
	var got []string
	onToken := func(tok string) {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, tok)
	}
	o, err := NewOAuth2(OAuth2Config{GrantType: GrantRefreshToken, TokenURL: srv.URL + "/token", ClientID: "id",
		RefreshToken: "ref-INITIAL-1", ClientAuth: ClientAuthBody, OnToken: onToken}, srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewSession(SessionConfig{LoginURL: srv.URL + "/login", TokenPath: "token", OnToken: onToken}, srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := o.Token(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := s.Authenticate(t.Context(), newReq(t, "https://api.test/")); err != nil {
		t.Fatal(err)
	}
	slices.Sort(got)
	if want := []string{access, rotated, session}; !slices.Equal(got, want) {
		t.Errorf("OnToken got %q, want %q", got, want)
	}
	// The next token request fails and its body echoes the old tokens.
	fail.Store(true)
	o.Invalidate()
	_, err = o.Token(t.Context())
	if err == nil {
		t.Fatal("token request succeeded")
	}
	if msg := err.Error(); strings.Contains(msg, access) || strings.Contains(msg, rotated) || !strings.Contains(msg, "[REDACTED]") {
		t.Errorf("token error %q shows an obtained token", msg)
	}
}
