package flexera_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/saasconnect/saasconnect/flexera"
	"github.com/saasconnect/saasconnect/internal/redact"
	"github.com/saasconnect/saasconnect/internal/redact/redacttest"
)

// lockedBuffer collects log output safely.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestRedactionCorpusFlexera: a Flexera API that echoes the refresh token
// and the access token it issued, in every encoding, in its error bodies
// (goa errors and plain text), and in a refused token request. No output
// of the resulting *APIError or *TokenError (%v, %+v, %#v, %s, %q, its
// fields, slog JSON and text) shows any of them.
func TestRedactionCorpusFlexera(t *testing.T) {
	const (
		refresh = redacttest.RefreshToken
		access  = redacttest.AccessToken
	)
	echo := func(secrets ...string) string {
		var b strings.Builder
		for _, s := range secrets {
			for _, enc := range redacttest.Encodings(s) {
				b.WriteString(enc + " ")
			}
		}
		return b.String()
	}
	goaBody, _ := json.Marshal(map[string]any{"name": "bad_request", "id": "x1", "message": "you sent " + echo(refresh, access)})
	tests := []struct {
		name       string
		tokenFails bool
		status     int
		body       string
		wantType   string
		secrets    []string // what the server knows and echoes
	}{
		{"goa error body", false, http.StatusBadRequest, string(goaBody), "APIError", []string{refresh, access}},
		{"plain error body", false, http.StatusForbidden, "denied: " + echo(refresh, access), "APIError", []string{refresh, access}},
		// No access token was issued: only the refresh token is known.
		{"token request refused", true, http.StatusUnauthorized, "bad refresh token " + echo(refresh), "TokenError", []string{refresh}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if strings.HasSuffix(r.URL.Path, "/token") {
					if tt.tokenFails {
						w.WriteHeader(tt.status)
						fmt.Fprint(w, tt.body)
						return
					}
					w.Header().Set("Content-Type", "application/json")
					_ = json.NewEncoder(w).Encode(map[string]any{"access_token": access, "expires_in": 3600})
					return
				}
				w.Header().Set("Content-Type", "application/vnd.goa.error")
				w.WriteHeader(tt.status)
				fmt.Fprint(w, tt.body, " header: ", r.Header.Get("Authorization"))
			}))
			defer srv.Close()
			var jsonLog, textLog lockedBuffer
			logger := slog.New(slog.NewMultiHandler(
				slog.NewJSONHandler(&jsonLog, &slog.HandlerOptions{Level: slog.LevelDebug}),
				slog.NewTextHandler(&textLog, &slog.HandlerOptions{Level: slog.LevelDebug})))
			c, err := flexera.New(flexera.Config{APIURL: srv.URL, LoginURL: srv.URL, RefreshToken: flexera.Secret(refresh), MaxAttempts: 1},
				flexera.WithHTTPClient(srv.Client()), flexera.WithLogger(logger))
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.GetImportJob(t.Context(), "7", "JOB1")
			if err == nil {
				t.Fatal("the call succeeded; the API should have refused it")
			}
			outputs := map[string]string{"slog JSON": jsonLog.String(), "slog text": textLog.String()}
			add := func(name string, v any) {
				for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
					outputs[name+" "+verb] = fmt.Sprintf(verb, v)
				}
			}
			add("error", err)
			var shown string
			switch tt.wantType {
			case "APIError":
				var ae *flexera.APIError
				if !errors.As(err, &ae) {
					t.Fatalf("err = %v, want an *APIError", err)
				}
				add("APIError", ae)
				shown = ae.Message + ae.Body
			case "TokenError":
				var te *flexera.TokenError
				if !errors.As(err, &te) {
					t.Fatalf("err = %v, want a *TokenError", err)
				}
				add("TokenError", te)
				shown = te.Message + te.Body
			}
			if !strings.Contains(shown, redact.Marker) {
				t.Errorf("the echoed body %q shows no %s", shown, redact.Marker)
			}
			for name, text := range outputs {
				for _, s := range tt.secrets {
					for _, enc := range redacttest.Encodings(s) {
						if strings.Contains(text, enc) {
							t.Errorf("%s leaks %q:\n%s", name, enc, text)
						}
					}
				}
			}
		})
	}
}
