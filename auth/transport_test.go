package auth

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// trackBody is a request body that records whether it was closed.
type trackBody struct {
	io.Reader
	closed atomic.Bool
}

func (b *trackBody) Close() error { b.closed.Store(true); return nil }

// rtFunc adapts a function to http.RoundTripper.
type rtFunc func(*http.Request) (*http.Response, error)

func (f rtFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// countingAuth is an Authenticator and Invalidator whose credential is
// "gen-<n>", n counting invalidations.
type countingAuth struct {
	mu          sync.Mutex
	gen         int
	invalidated int
	fail        func(gen int) error
}

func (a *countingAuth) Authenticate(_ context.Context, r *http.Request) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.fail != nil {
		if err := a.fail(a.gen); err != nil {
			return err
		}
	}
	r.Header.Set("Authorization", fmt.Sprintf("gen-%d", a.gen))
	return nil
}

func (a *countingAuth) Invalidate() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.gen++
	a.invalidated++
}

func TestTransportDoesNotModifyRequest(t *testing.T) {
	var got *http.Request
	tr := &Transport{
		Auth: APIKey{Key: "k", QueryParam: "api_key"},
		Base: rtFunc(func(r *http.Request) (*http.Response, error) {
			got = r
			return &http.Response{StatusCode: 200, Body: http.NoBody, Request: r}, nil
		}),
	}
	req := newReq(t, "https://x.test/users?page=1")
	req.Header.Set("Accept", "application/json")
	resp, err := tr.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got == req {
		t.Fatal("base received the caller's request, want a clone")
	}
	if q := got.URL.Query().Get("api_key"); q != "k" {
		t.Errorf("sent api_key = %q, want k", q)
	}
	if req.URL.RawQuery != "page=1" || len(req.Header) != 1 {
		t.Errorf("caller's request modified: query %q, headers %v", req.URL.RawQuery, req.Header)
	}
	if got.Header.Get("Accept") != "application/json" {
		t.Errorf("clone lost headers: %v", got.Header)
	}
}

func TestTransportClosesBody(t *testing.T) {
	authErr := errors.New("no credentials")
	baseErr := errors.New("connection refused")
	tests := []struct {
		name    string
		auth    Authenticator
		base    rtFunc
		wantErr error
	}{
		{"auth fails", AuthenticatorFunc(func(context.Context, *http.Request) error { return authErr }), nil, authErr},
		{"base fails", None{}, func(r *http.Request) (*http.Response, error) { r.Body.Close(); return nil, baseErr }, baseErr},
		{"ok", None{}, func(r *http.Request) (*http.Response, error) {
			_, _ = io.Copy(io.Discard, r.Body)
			r.Body.Close()
			return &http.Response{StatusCode: 200, Body: http.NoBody}, nil
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := &trackBody{Reader: strings.NewReader("payload")}
			req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, "https://x.test/", body)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := (&Transport{Auth: tt.auth, Base: tt.base}).RoundTrip(req)
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("err = %v, want %v", err, tt.wantErr)
			}
			if resp != nil {
				resp.Body.Close()
			}
			if !body.closed.Load() {
				t.Error("request body not closed")
			}
		})
	}
}

func TestTransportNilAuthAndDefaultBase(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "auth=%q", r.Header.Get("Authorization"))
	}))
	defer srv.Close()
	for _, tt := range []struct {
		auth Authenticator
		want string
	}{{nil, `auth=""`}, {APIKey{Key: "k", TokenType: "Bearer"}, `auth="Bearer k"`}} {
		c := &http.Client{Transport: &Transport{Auth: tt.auth}} // Base nil: http.DefaultTransport
		if code, body := get(t, c, srv.URL); code != 200 || body != tt.want {
			t.Errorf("auth %v: got %d %s, want 200 %s", tt.auth, code, body, tt.want)
		}
	}
}

func TestTransportRetriesOnceAfter401(t *testing.T) {
	tests := []struct {
		name        string
		valid       []string         // credentials the API accepts
		body        func() io.Reader // request body; nil: GET without body
		wantStatus  int
		wantSent    []string
		wantInvalid int
	}{
		{"refresh succeeds", []string{"gen-1"}, nil, 200, []string{"gen-0", "gen-1"}, 1},
		{"second 401 returned", nil, nil, 401, []string{"gen-0", "gen-1"}, 1},
		{"no 401 no retry", []string{"gen-0"}, nil, 200, []string{"gen-0"}, 0},
		{"replayable body", []string{"gen-1"}, func() io.Reader { return bytes.NewReader([]byte(`{"q":1}`)) }, 200, []string{"gen-0", "gen-1"}, 1},
		{"body not replayable", []string{"gen-1"}, func() io.Reader { return io.NopCloser(strings.NewReader(`{"q":1}`)) } /* no GetBody */, 401, []string{"gen-0"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := newAPIServer("Authorization", tt.valid...)
			var bodies []string
			var mu sync.Mutex
			base := rtFunc(func(r *http.Request) (*http.Response, error) {
				if r.Body != nil {
					b, _ := io.ReadAll(r.Body)
					r.Body.Close()
					mu.Lock()
					bodies = append(bodies, string(b))
					mu.Unlock()
					r.Body = io.NopCloser(bytes.NewReader(b))
				}
				return handlerTransport{api}.RoundTrip(r)
			})
			auth := &countingAuth{}
			c := &http.Client{Transport: &Transport{Auth: auth, Base: base}}
			method, body := http.MethodGet, io.Reader(nil)
			if tt.body != nil {
				method, body = http.MethodPost, tt.body()
			}
			req, err := http.NewRequestWithContext(t.Context(), method, "https://x.test/users", body)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.wantStatus {
				t.Errorf("status = %d, want %d", resp.StatusCode, tt.wantStatus)
			}
			if got := api.Seen(); fmt.Sprint(got) != fmt.Sprint(tt.wantSent) {
				t.Errorf("API saw %v, want %v", got, tt.wantSent)
			}
			if auth.invalidated != tt.wantInvalid {
				t.Errorf("Invalidate called %d times, want %d", auth.invalidated, tt.wantInvalid)
			}
			for i, b := range bodies {
				if tt.body != nil && b != `{"q":1}` {
					t.Errorf("attempt %d sent body %q, want the original", i+1, b)
				}
			}
		})
	}
}

func TestTransportNoRetryWithoutInvalidator(t *testing.T) {
	api := newAPIServer("Authorization") // rejects everything
	c := &http.Client{Transport: &Transport{Auth: APIKey{Key: "k"}, Base: handlerTransport{api}}}
	if code, _ := get(t, c, "https://x.test/"); code != 401 {
		t.Errorf("status %d, want 401", code)
	}
	if n := len(api.Seen()); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

func TestTransportReauthFailureClosesBody(t *testing.T) {
	wantErr := errors.New("token endpoint down")
	auth := &countingAuth{fail: func(gen int) error {
		if gen > 0 {
			return wantErr
		}
		return nil
	}}
	api := newAPIServer("Authorization")
	var bodies []*trackBody
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, "https://x.test/", strings.NewReader("x"))
	if err != nil {
		t.Fatal(err)
	}
	req.GetBody = func() (io.ReadCloser, error) {
		b := &trackBody{Reader: strings.NewReader("x")}
		bodies = append(bodies, b)
		return b, nil
	}
	resp, err := (&Transport{Auth: auth, Base: handlerTransport{api}}).RoundTrip(req)
	if !errors.Is(err, wantErr) || resp != nil {
		t.Fatalf("RoundTrip = %v, %v; want nil, %v", resp, err, wantErr)
	}
	if len(bodies) != 1 || !bodies[0].closed.Load() {
		t.Errorf("replayed body not closed after the authentication error")
	}
}

// TestTransportConcurrent401sRefreshOnce: many requests rejected with the
// same stale token cause a single token refresh, even when their 401s
// arrive after the refresh (fake time: request i's 401 takes i seconds).
func TestTransportConcurrent401sRefreshOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ts := &tokenServer{t: t}
		o, err := NewOAuth2(OAuth2Config{GrantType: GrantClientCredentials, TokenURL: "https://idp.test/token",
			ClientID: "id", ClientSecret: "sec", ClientAuth: ClientAuthHeader}, memClient(ts))
		if err != nil {
			t.Fatal(err)
		}
		api := newAPIServer("Authorization", "Bearer tok-2") // tok-1 has been revoked
		slow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Authorization") == "Bearer tok-1" {
				i, _ := strconv.Atoi(r.URL.Query().Get("i"))
				time.Sleep(time.Duration(i) * time.Second)
			}
			api.ServeHTTP(w, r)
		})
		c := &http.Client{Transport: &Transport{Auth: o, Base: handlerTransport{slow}}}

		const n = 10
		// Everyone holds tok-1 before anyone's 401 arrives.
		if _, err := o.Token(t.Context()); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		codes := make([]int, n)
		for i := range n {
			wg.Go(func() { codes[i] = status(t.Context(), c, "https://x.test/?i="+strconv.Itoa(i)) })
		}
		wg.Wait()
		for i, code := range codes {
			if code != 200 {
				t.Errorf("request %d: status %d", i, code)
			}
		}
		if got := len(ts.Calls()); got != 2 {
			t.Errorf("%d token requests, want 2 (initial + one refresh)", got)
		}
	})
}
