package connector

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/saasconnect/saasconnect/paginate"
)

// Secrets used by the fake vendor; tests assert none of them leaks.
const (
	testAPIKey       = "key-SECRET-1234567"
	testPassword     = "pw-SECRET-7654321"
	testClientSecret = "cs-SECRET-abcdefg"
	testLoginSecret  = "login-SECRET-zyxwv"
)

var testSecrets = []string{testAPIKey, testPassword, testClientSecret, testLoginSecret}

// fault is an answer the fake gives instead of a page.
type fault struct {
	status     int
	retryAfter string
	header     map[string]string // more response headers
	body       string            // raw body; "" = {"error":"..."}
}

// fakeVendor is an in-process vendor API: users listed with one pagination
// style behind one auth method. It counts what it served. Safe for
// concurrent use.
type fakeVendor struct {
	t        testing.TB
	records  []map[string]any
	pageType paginate.Type
	pageSize int
	auth     AuthMethod

	mu        sync.Mutex
	faults    map[int][]fault // page number (1-based) -> faults served before the page
	truncate  map[int]bool    // page number -> serve a truncated body
	tokens    int             // tokens issued
	revoked   map[string]bool // tokens answered with 401
	pageHits  int             // /users requests (incl. faults)
	tokenHits int
	lastQuery []string
	base      string // server URL, for next links
}

func newFakeVendor(t testing.TB, n int, pt paginate.Type, am AuthMethod) *fakeVendor {
	f := &fakeVendor{t: t, pageType: pt, pageSize: 3, auth: am, faults: map[int][]fault{}, truncate: map[int]bool{}, revoked: map[string]bool{}}
	for i := 1; i <= n; i++ {
		f.records = append(f.records, map[string]any{
			"id":         strconv.Itoa(i),
			"email":      fmt.Sprintf("user%d@example.com", i),
			"name":       fmt.Sprintf("User %d", i),
			"state":      "ACTIVE",
			"last_login": "2026-11-01T10:00:00Z",
			"type":       "User",
		})
	}
	return f
}

// server starts the fake on a loopback httptest server.
func (f *fakeVendor) server() *httptest.Server {
	srv := httptest.NewServer(f)
	f.t.Cleanup(srv.Close)
	f.base = srv.URL
	return srv
}

func (f *fakeVendor) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/oauth/token":
		f.serveToken(w, r)
	case "/login":
		f.serveLogin(w, r)
	case "/users":
		f.serveUsers(w, r)
	default:
		http.NotFound(w, r)
	}
}

func (f *fakeVendor) serveToken(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.tokenHits++
	id, secret, ok := r.BasicAuth()
	if !ok || id != "client-1" || secret != testClientSecret || r.FormValue("grant_type") != "client_credentials" {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = io.WriteString(w, `{"error":"invalid_client"}`)
		return
	}
	f.tokens++
	w.Header().Set("Content-Type", "application/json")
	_, _ = fmt.Fprintf(w, `{"access_token":"tok-%d","token_type":"Bearer","expires_in":3600}`, f.tokens)
}

func (f *fakeVendor) serveLogin(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.tokenHits++
	var body map[string]string
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body["user"] != "admin" || body["pass"] != testLoginSecret {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	f.tokens++
	_, _ = fmt.Fprintf(w, `{"session":{"id":"sess-%d"}}`, f.tokens)
}

// authorized checks the request's credentials; it returns the token seen.
func (f *fakeVendor) authorized(r *http.Request) (string, bool) {
	switch f.auth {
	case AuthNone, "":
		return "", true
	case AuthAPIKey:
		return "", r.Header.Get("Authorization") == "Bearer "+testAPIKey || r.URL.Query().Get("token") == testAPIKey
	case AuthBasic:
		u, p, ok := r.BasicAuth()
		return "", ok && u == "admin" && p == testPassword
	case AuthOAuth2:
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		return tok, ok && strings.HasPrefix(tok, "tok-") && !f.revoked[tok]
	case AuthSession:
		tok := r.Header.Get("X-Session")
		return tok, strings.HasPrefix(tok, "sess-") && !f.revoked[tok]
	}
	return "", false
}

func (f *fakeVendor) serveUsers(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.pageHits++
	f.lastQuery = append(f.lastQuery, r.URL.RawQuery)
	if _, ok := f.authorized(r); !ok {
		f.mu.Unlock()
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = io.WriteString(w, `{"error":"unauthorized"}`)
		return
	}
	q := r.URL.Query()
	size := f.pageSize
	var start, page int
	switch f.pageType {
	case paginate.None, "":
		start, size, page = 0, len(f.records), 1
	case paginate.OffsetLimit:
		start, _ = strconv.Atoi(q.Get("offset"))
		size, _ = strconv.Atoi(q.Get("limit"))
		page = start/f.pageSize + 1
	case paginate.PageNumber:
		page, _ = strconv.Atoi(q.Get("page"))
		size, _ = strconv.Atoi(q.Get("per_page"))
		start = (page - 1) * size
	case paginate.CursorLimit, paginate.LinkHeader, paginate.NextURL:
		c := q.Get("cursor")
		if f.pageType != paginate.CursorLimit {
			c = q.Get("after")
		}
		if c != "" {
			start, _ = strconv.Atoi(strings.TrimPrefix(c, "c"))
		}
		page = start/f.pageSize + 1
	}
	if size <= 0 {
		size = f.pageSize
	}
	if fs := f.faults[page]; len(fs) > 0 {
		ft := fs[0]
		f.faults[page] = fs[1:]
		f.mu.Unlock()
		if ft.retryAfter != "" {
			w.Header().Set("Retry-After", ft.retryAfter)
		}
		for k, v := range ft.header {
			w.Header().Set(k, v)
		}
		w.WriteHeader(ft.status)
		if ft.body == "" {
			ft.body = fmt.Sprintf(`{"error":"fault %d"}`, ft.status)
		}
		_, _ = io.WriteString(w, ft.body)
		return
	}
	truncate := f.truncate[page]
	f.mu.Unlock()

	end := min(start+size, len(f.records))
	recs := []map[string]any{}
	if start < len(f.records) {
		recs = f.records[start:end]
	}
	resp := map[string]any{"data": recs, "total": len(f.records)}
	more := end < len(f.records)
	next := "c" + strconv.Itoa(end)
	switch f.pageType {
	case paginate.CursorLimit:
		if more {
			resp["meta"] = map[string]any{"next_cursor": next}
		} else {
			resp["meta"] = map[string]any{"next_cursor": nil}
		}
	case paginate.LinkHeader:
		if more {
			w.Header().Set("Link", fmt.Sprintf(`<%s/users?after=%s>; rel="next"`, f.base, next))
		}
	case paginate.NextURL:
		if more {
			resp["next"] = f.base + "/users?after=" + next
		}
	}
	b, _ := json.Marshal(resp)
	w.Header().Set("Content-Type", "application/json")
	if truncate {
		b = b[:len(b)/2]
		w.Header().Set("Content-Length", strconv.Itoa(len(b)*2))
	}
	_, _ = w.Write(b)
}

// template returns a template for the fake vendor at base.
func (f *fakeVendor) template(base string) Template {
	t := Template{
		Version: 1,
		Slug:    "fake",
		Name:    "Fake App",
		Declared: []Setting{
			{Name: "base_url", Default: base},
		},
		Request: RequestSpec{UsersURL: "{base_url}/users"},
		Response: ResponseSpec{
			RecordsPath:  "data",
			Fields:       map[string]string{"id": "id", "email": "email", "name": "name", "status": "state"},
			StatusValues: map[string]string{"ACTIVE": "active", "SUSPENDED": "suspended"},
		},
		Activity: ActivitySpec{Type: "user", LastActivityField: "last_login"},
	}
	switch f.pageType {
	case paginate.None, "":
		t.Pagination = paginate.Config{Type: paginate.None}
	case paginate.OffsetLimit:
		t.Pagination = paginate.Config{Type: paginate.OffsetLimit, OffsetField: "offset", LimitField: "limit", PageSize: f.pageSize, TotalPath: "total"}
	case paginate.PageNumber:
		t.Pagination = paginate.Config{Type: paginate.PageNumber, PageField: "page", PageSizeField: "per_page", PageSize: f.pageSize}
	case paginate.CursorLimit:
		t.Pagination = paginate.Config{Type: paginate.CursorLimit, CursorField: "cursor", CursorPath: "meta.next_cursor", LimitField: "limit", PageSize: f.pageSize}
	case paginate.LinkHeader:
		t.Pagination = paginate.Config{Type: paginate.LinkHeader}
	case paginate.NextURL:
		t.Pagination = paginate.Config{Type: paginate.NextURL, NextURLPath: "next"}
	}
	switch f.auth {
	case AuthAPIKey:
		t.Auth = AuthSpec{Method: AuthAPIKey, TokenType: "Bearer"}
	case AuthBasic:
		t.Auth = AuthSpec{Method: AuthBasic}
	case AuthOAuth2:
		t.Declared = append(t.Declared, Setting{Name: "token_url", Default: "{base_url}/oauth/token"})
		t.Auth = AuthSpec{Method: AuthOAuth2, GrantType: "client_credentials", TokenURL: "{token_url}", ClientAuth: "header", Scope: "users:read"}
	case AuthSession:
		t.Auth = AuthSpec{Method: AuthSession, LoginURL: "{base_url}/login", LoginBody: map[string]any{"user": "{login_user}", "pass": "{login_pass}"}, TokenPath: "session.id", Header: "X-Session"}
	default:
		t.Auth = AuthSpec{Method: AuthNone}
	}
	return t
}

// settings returns the credentials the fake accepts for its auth method.
func (f *fakeVendor) settings() Settings {
	switch f.auth {
	case AuthAPIKey:
		return Settings{"api_key": testAPIKey}
	case AuthBasic:
		return Settings{"username": "admin", "password": testPassword}
	case AuthOAuth2:
		return Settings{"client_id": "client-1", "client_secret": testClientSecret}
	case AuthSession:
		return Settings{"login_user": "admin", "login_pass": testLoginSecret}
	}
	return Settings{}
}

func (f *fakeVendor) hits() (pages, tokens int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.pageHits, f.tokenHits
}

// handlerTransport serves requests in memory with a handler: no sockets, so
// it works inside synctest bubbles.
type handlerTransport struct{ h http.Handler }

func (t handlerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	if req.Body != nil {
		defer req.Body.Close()
	}
	t.h.ServeHTTP(rec, req)
	resp := rec.Result()
	resp.Request = req
	if cl := rec.Header().Get("Content-Length"); cl != "" {
		// Honour a lying Content-Length as a real connection would: the
		// body ends early and reading it fails with ErrUnexpectedEOF.
		if n, _ := strconv.Atoi(cl); n > rec.Body.Len() {
			resp.Body = io.NopCloser(io.MultiReader(strings.NewReader(rec.Body.String()), errReader{io.ErrUnexpectedEOF}))
		}
	}
	return resp, nil
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }
