package transport

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// TestRedirectPolicies sends a request carrying a body and Basic credentials
// to a server that redirects it, and checks what each policy lets through.
func TestRedirectPolicies(t *testing.T) {
	var elsewhere atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		elsewhere.Add(1)
	}))
	t.Cleanup(other.Close)
	mux := http.NewServeMux()
	mux.HandleFunc("/away", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/steal?client_secret=s3cr3t-in-query", http.StatusTemporaryRedirect)
	})
	mux.HandleFunc("/here", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/final", http.StatusPermanentRedirect)
	})
	mux.HandleFunc("/final", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		_, _ = w.Write(b)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	tests := []struct {
		name    string
		check   func(*http.Request, []*http.Request) error
		path    string
		wantErr bool
	}{
		{"refuse all: another origin", RefuseRedirects, "/away", true},
		{"refuse all: same origin", RefuseRedirects, "/here", true},
		{"same origin: another port refused", SameOriginRedirects, "/away", true},
		{"same origin: followed", SameOriginRedirects, "/here", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			elsewhere.Store(0)
			c := WithRedirects(nil, tt.check)
			req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL+tt.path, strings.NewReader("password=hunter22"))
			if err != nil {
				t.Fatal(err)
			}
			req.SetBasicAuth("client", "basic-secret")
			resp, err := c.Do(req)
			if !tt.wantErr {
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				if b, _ := io.ReadAll(resp.Body); string(b) != "password=hunter22" {
					t.Fatalf("same-origin 308 delivered %q, want the body", b)
				}
				return
			}
			var re *RedirectError
			if !errors.As(err, &re) {
				if resp != nil {
					resp.Body.Close()
				}
				t.Fatalf("err = %v, want a *RedirectError", err)
			}
			if n := elsewhere.Load(); n != 0 {
				t.Errorf("the redirect target got %d requests", n)
			}
			if !strings.Contains(re.Error(), srv.URL+tt.path) || !strings.Contains(re.Error(), "http://") {
				t.Errorf("error %q does not name the origin %s", re, srv.URL)
			}
			if tt.path == "/away" && !strings.Contains(re.Error(), other.URL) {
				t.Errorf("error %q does not name the target %s", re, other.URL)
			}
			// The *url.Error around it names the raw target: callers
			// redact that (auth does); the RedirectError itself must not leak.
			if strings.Contains(re.Error(), "s3cr3t-in-query") {
				t.Errorf("error leaks the query secret: %v", re)
			}
		})
	}
	if c := WithRedirects(http.DefaultClient, RefuseRedirects); http.DefaultClient.CheckRedirect != nil || c == http.DefaultClient {
		t.Error("WithRedirects modified the client it was given")
	}
}
