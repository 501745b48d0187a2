package auth

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"sync"
	"testing"
)

// handlerTransport serves requests in memory with an http.Handler, so tests
// can run inside a testing/synctest bubble (real sockets do not work there).
type handlerTransport struct{ h http.Handler }

func (t handlerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := req.Context().Err(); err != nil {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, err
	}
	rec := httptest.NewRecorder()
	t.h.ServeHTTP(rec, req)
	if req.Body != nil {
		req.Body.Close()
	}
	resp := rec.Result()
	resp.Request = req
	return resp, nil
}

// memClient returns an *http.Client that serves requests with h in memory.
func memClient(h http.Handler) *http.Client {
	return &http.Client{Transport: handlerTransport{h}}
}

// tokenCall is what a token endpoint received.
type tokenCall struct {
	Method           string
	ContentType      string
	BasicUser        string // URL-decoded, as RFC 6749 section 2.3.1 encodes it
	BasicPass        string
	HasBasic         bool
	Form             url.Values
	AuthorizationHdr string
}

// tokenServer is a fake OAuth2 token endpoint. respond decides the answer to
// the n-th request (1-based); nil answers with a bearer token "tok-<n>"
// valid for an hour.
type tokenServer struct {
	t       testing.TB
	respond func(n int, call tokenCall, w http.ResponseWriter)

	mu    sync.Mutex
	calls []tokenCall
}

func (s *tokenServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.t.Errorf("token endpoint: bad form: %v", err)
	}
	c := tokenCall{Method: r.Method, ContentType: r.Header.Get("Content-Type"), Form: r.PostForm,
		AuthorizationHdr: r.Header.Get("Authorization")}
	if u, p, ok := r.BasicAuth(); ok {
		c.HasBasic = true
		c.BasicUser, _ = url.QueryUnescape(u)
		c.BasicPass, _ = url.QueryUnescape(p)
	}
	s.mu.Lock()
	s.calls = append(s.calls, c)
	n := len(s.calls)
	s.mu.Unlock()
	if s.respond != nil {
		s.respond(n, c, w)
		return
	}
	writeToken(w, map[string]any{"access_token": "tok-" + strconv.Itoa(n), "token_type": "Bearer", "expires_in": 3600})
}

func (s *tokenServer) Calls() []tokenCall {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]tokenCall(nil), s.calls...)
}

func writeToken(w http.ResponseWriter, v map[string]any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

// apiServer is a fake API that accepts requests whose header h equals one of
// want, answering 200 with the header value echoed, and 401 otherwise.
type apiServer struct {
	header string
	mu     sync.Mutex
	valid  map[string]bool
	seen   []string
}

func newAPIServer(header string, valid ...string) *apiServer {
	s := &apiServer{header: header, valid: map[string]bool{}}
	for _, v := range valid {
		s.valid[v] = true
	}
	return s
}

func (s *apiServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	got := r.Header.Get(s.header)
	if r.Body != nil {
		_, _ = io.Copy(io.Discard, r.Body)
	}
	s.mu.Lock()
	s.seen = append(s.seen, got)
	ok := s.valid[got]
	s.mu.Unlock()
	if !ok {
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	_, _ = io.WriteString(w, got)
}

func (s *apiServer) Seen() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.seen...)
}

// get sends GET url through c and returns the status and body.
func get(t *testing.T, c *http.Client, u string) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// status sends GET url through c and returns the status code, or -1 on
// error. Unlike get it may be called from any goroutine.
func status(ctx context.Context, c *http.Client, u string) int {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return -1
	}
	resp, err := c.Do(req)
	if err != nil {
		return -1
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}
