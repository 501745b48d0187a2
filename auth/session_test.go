package auth

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// Secret values with characters that need JSON and form escaping.
const (
	keyAccess = `acc-"quoted"\back`
	keySecret = "sec&ret=+ {x} ü"
	wfPass    = "wf p@ss&word=1+2"
)

// loginServer is a fake login endpoint; handle answers the n-th login.
type loginServer struct {
	t      testing.TB
	handle func(n int, r *http.Request, body []byte, w http.ResponseWriter)

	mu     sync.Mutex
	logins int
}

func (s *loginServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	s.logins++
	n := s.logins
	s.mu.Unlock()
	s.handle(n, r, body, w)
}

func (s *loginServer) Logins() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.logins
}

func TestSessionApptio(t *testing.T) {
	ls := &loginServer{t: t, handle: func(n int, r *http.Request, body []byte, w http.ResponseWriter) {
		if r.Method != http.MethodPost || r.URL.Path != "/service/apikeylogin" {
			t.Errorf("login %s %s", r.Method, r.URL.Path)
		}
		if ct := r.Header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("Content-Type %q", ct)
		}
		var got map[string]string
		if err := json.Unmarshal(body, &got); err != nil {
			t.Errorf("login body %s: %v", body, err)
		}
		if got["keyAccess"] != keyAccess || got["keySecret"] != keySecret {
			t.Errorf("login body %s, want the filled-in key pair", body)
		}
		w.Header().Set("apptio-opentoken", fmt.Sprintf("open-%d", n))
		w.WriteHeader(http.StatusOK)
	}}
	srv := httptest.NewServer(ls)
	defer srv.Close()
	s, err := NewSession(SessionConfig{
		LoginURL:  srv.URL + "/service/apikeylogin",
		Body:      map[string]any{"keyAccess": "{key_access}", "keySecret": "{key_secret}"},
		Values:    map[string]Secret{"key_access": keyAccess, "key_secret": keySecret},
		TokenPath: "header:apptio-opentoken",
		Header:    "apptio-opentoken",
	}, srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	api := newAPIServer("apptio-opentoken", "open-1")
	c := &http.Client{Transport: &Transport{Auth: s, Base: handlerTransport{api}}}
	for range 3 {
		if code, body := get(t, c, "https://frontdoor.test/api/users"); code != 200 || body != "open-1" {
			t.Errorf("got %d %q", code, body)
		}
	}
	if n := ls.Logins(); n != 1 {
		t.Errorf("%d logins, want 1", n)
	}
}

func TestSessionWorkfront(t *testing.T) {
	ls := &loginServer{t: t, handle: func(n int, r *http.Request, body []byte, w http.ResponseWriter) {
		if ct := r.Header.Get("Content-Type"); ct != "application/x-www-form-urlencoded" {
			t.Errorf("Content-Type %q", ct)
		}
		r.Body = io.NopCloser(strings.NewReader(string(body)))
		if err := r.ParseForm(); err != nil {
			t.Error(err)
		}
		if r.PostForm.Get("username") != "admin@example.com" || r.PostForm.Get("password") != wfPass {
			t.Errorf("login form %s", body)
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"data":{"userID":"4c7...","sessionID":"sess-%d","versionInformation":{}}}`, n)
	}}
	srv := httptest.NewServer(ls)
	defer srv.Close()
	s, err := NewSession(SessionConfig{
		LoginURL:  srv.URL + "/attask/api/v15.0/login",
		Body:      map[string]any{"username": "{username}", "password": "{password}"},
		Values:    map[string]Secret{"username": "admin@example.com", "password": wfPass},
		Format:    FormatForm,
		TokenPath: "data.sessionID",
		Header:    "SessionID",
	}, srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	req := newReq(t, "https://wf.test/attask/api/v15.0/user/search")
	if err := s.Authenticate(t.Context(), req); err != nil {
		t.Fatal(err)
	}
	if got := req.Header.Get("SessionID"); got != "sess-1" {
		t.Errorf("SessionID = %q, want sess-1", got)
	}
}

// TestSessionBodyAndToken covers body encodings and token locations.
func TestSessionBodyAndToken(t *testing.T) {
	tests := []struct {
		name       string
		cfg        SessionConfig
		respHeader map[string]string
		respBody   string
		wantBody   string // exact login body
		wantHeader string // "Name: value" sent with requests
	}{
		{
			name: "json nested values and non-strings",
			cfg: SessionConfig{
				Body:   map[string]any{"auth": map[string]any{"user": "{u}", "tags": []any{"x-{u}", 1}}, "remember": true, "n": json.Number("3")},
				Values: map[string]Secret{"u": `a"b`}, TokenPath: "token", TokenType: "Bearer",
			},
			respBody:   `{"token":"t1"}`,
			wantBody:   `{"auth":{"tags":["x-a\"b",1],"user":"a\"b"},"n":3,"remember":true}`,
			wantHeader: "Authorization: Bearer t1",
		},
		{
			name: "form with lists, numbers and text around placeholders",
			cfg: SessionConfig{
				Body:   map[string]any{"user": "domain\\{u}", "scope": []any{"a", "b"}, "ttl": 60, "ok": false},
				Values: map[string]Secret{"u": "me&you"}, Format: FormatForm, TokenPath: "$.result[0].token",
			},
			respBody:   `{"result":[{"token":"t2"}]}`,
			wantBody:   `ok=false&scope=a&scope=b&ttl=60&user=domain%5Cme%26you`,
			wantHeader: "Authorization: t2",
		},
		{
			name:       "numeric token, custom method",
			cfg:        SessionConfig{Method: http.MethodPut, TokenPath: "session.id", Header: "X-Session"},
			respBody:   `{"session":{"id":123456789012345678}}`,
			wantBody:   ``, // no Body: empty request body
			wantHeader: "X-Session: 123456789012345678",
		},
		{
			name:       "general JSON path: first match",
			cfg:        SessionConfig{TokenPath: `$.tokens[?(@.kind=="session")].value`},
			respBody:   `{"tokens":[{"kind":"csrf","value":"c1"},{"kind":"session","value":"g1"}]}`,
			wantHeader: "Authorization: g1",
		},
		{
			name:       "token from header with type",
			cfg:        SessionConfig{TokenPath: "header:X-Auth-Token", TokenType: "Token", Body: map[string]any{}},
			respHeader: map[string]string{"X-Auth-Token": "h1"},
			wantBody:   `{}`,
			wantHeader: "Authorization: Token h1",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var gotBody, gotMethod string
			h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				b, _ := io.ReadAll(r.Body)
				gotBody, gotMethod = string(b), r.Method
				for k, v := range tt.respHeader {
					w.Header().Set(k, v)
				}
				io.WriteString(w, tt.respBody)
			})
			cfg := tt.cfg
			cfg.LoginURL = "https://login.test/login"
			s, err := NewSession(cfg, memClient(h))
			if err != nil {
				t.Fatal(err)
			}
			req := newReq(t, "https://api.test/")
			if err := s.Authenticate(t.Context(), req); err != nil {
				t.Fatal(err)
			}
			if gotBody != tt.wantBody {
				t.Errorf("login body\n got %s\nwant %s", gotBody, tt.wantBody)
			}
			if want := cmpOr(tt.cfg.Method, http.MethodPost); gotMethod != want {
				t.Errorf("login method %s, want %s", gotMethod, want)
			}
			name, val, _ := strings.Cut(tt.wantHeader, ": ")
			if got := req.Header.Get(name); got != val {
				t.Errorf("%s = %q, want %q", name, got, val)
			}
		})
	}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// TestSessionExpiresIn: the next request after ExpiresIn logs in again
// (fake time).
func TestSessionExpiresIn(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ls := &loginServer{t: t, handle: func(n int, _ *http.Request, _ []byte, w http.ResponseWriter) {
			fmt.Fprintf(w, `{"token":"s%d"}`, n)
		}}
		s, err := NewSession(SessionConfig{LoginURL: "https://login.test/", TokenPath: "token",
			ExpiresIn: 30 * time.Minute}, memClient(ls))
		if err != nil {
			t.Fatal(err)
		}
		api := newAPIServer("Authorization", "s1", "s2")
		c := &http.Client{Transport: &Transport{Auth: s, Base: handlerTransport{api}}}
		start := time.Now()
		for _, at := range []time.Duration{0, 10 * time.Minute, 29 * time.Minute, 30*time.Minute + time.Second, 45 * time.Minute} {
			time.Sleep(time.Until(start.Add(at)))
			if code, _ := get(t, c, "https://api.test/"); code != 200 {
				t.Fatalf("at %v: status %d", at, code)
			}
		}
		if got, want := fmt.Sprint(api.Seen()), "[s1 s1 s1 s2 s2]"; got != want {
			t.Errorf("API saw %s, want %s", got, want)
		}
	})
}

// TestSessionRelogin401: a 401 logs in again and resends once; a second 401
// goes back to the caller.
func TestSessionRelogin401(t *testing.T) {
	tests := []struct {
		name       string
		valid      []string
		wantStatus int
	}{
		{"relogin fixes it", []string{"s2"}, 200},
		{"still 401", nil, 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ls := &loginServer{t: t, handle: func(n int, _ *http.Request, _ []byte, w http.ResponseWriter) {
				w.Header().Set("X-Token", fmt.Sprintf("s%d", n))
			}}
			s, err := NewSession(SessionConfig{LoginURL: "https://login.test/", TokenPath: "header:X-Token", Header: "X-Token"}, memClient(ls))
			if err != nil {
				t.Fatal(err)
			}
			api := newAPIServer("X-Token", tt.valid...)
			c := &http.Client{Transport: &Transport{Auth: s, Base: handlerTransport{api}}}
			if code, _ := get(t, c, "https://api.test/"); code != tt.wantStatus {
				t.Errorf("status %d, want %d", code, tt.wantStatus)
			}
			if got := fmt.Sprint(api.Seen()); got != "[s1 s2]" {
				t.Errorf("API saw %s, want [s1 s2]", got)
			}
			if n := ls.Logins(); n != 2 {
				t.Errorf("%d logins, want 2", n)
			}
			// Invalidate (as a caller may) forces a third login.
			s.Invalidate()
			req := newReq(t, "https://api.test/")
			if err := s.Authenticate(t.Context(), req); err != nil || req.Header.Get("X-Token") != "s3" {
				t.Errorf("after Invalidate: %v %q", err, req.Header.Get("X-Token"))
			}
		})
	}
}

func TestSessionConcurrentSingleFlight(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ls := &loginServer{t: t, handle: func(n int, _ *http.Request, _ []byte, w http.ResponseWriter) {
			time.Sleep(time.Second)
			fmt.Fprintf(w, `{"token":"s%d"}`, n)
		}}
		s, err := NewSession(SessionConfig{LoginURL: "https://login.test/", TokenPath: "token"}, memClient(ls))
		if err != nil {
			t.Fatal(err)
		}
		const n = 50
		got := make([]string, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, "https://api.test/", nil)
				if err := s.Authenticate(t.Context(), req); err == nil {
					got[i] = req.Header.Get("Authorization")
				}
			})
		}
		wg.Wait()
		for i, g := range got {
			if g != "s1" {
				t.Errorf("goroutine %d: %q", i, g)
			}
		}
		if ls.Logins() != 1 {
			t.Errorf("%d logins, want 1", ls.Logins())
		}
	})
}

func TestSessionLoginErrors(t *testing.T) {
	const sessionTok = "sess-TOPSECRET-42"
	tests := []struct {
		name        string
		tokenPath   string
		status      int
		header      map[string]string
		body        string
		wantInvalid bool
		wantInMsg   string
	}{
		{"401 echoing the password", "token", 401, nil, `{"error":"bad password ` + wfPass + `"}`, true, "401 Unauthorized"},
		{"403", "token", 403, nil, `forbidden`, false, "403 Forbidden; response: forbidden"},
		{"500", "token", 500, nil, `{"trace":"user=` + keyAccess + `"}`, false, "500 Internal Server Error"},
		{"token missing", "data.sessionID", 200, nil, `{"data":{"other":"` + sessionTok + `"}}`, false, "no session token in response body path data.sessionID"},
		{"token not a string", "data", 200, nil, `{"data":{"sessionID":"` + sessionTok + `"}}`, false, "no session token"},
		{"header missing", "header:X-Token", 200, map[string]string{"X-Other": sessionTok}, ``, false, "no session token in response header X-Token"},
		{"not JSON", "token", 200, nil, `<html>` + sessionTok, false, "not JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				for k, v := range tt.header {
					w.Header().Set(k, v)
				}
				w.WriteHeader(tt.status)
				io.WriteString(w, tt.body)
			}))
			defer srv.Close()
			s, err := NewSession(SessionConfig{LoginURL: srv.URL + "/login?client=acme&api_key=" + url.QueryEscape(keySecret),
				Body:   map[string]any{"u": "{user}", "p": "{pass}", "k": "{key}"},
				Values: map[string]Secret{"user": "bob", "pass": wfPass, "key": keyAccess}, TokenPath: tt.tokenPath}, srv.Client())
			if err != nil {
				t.Fatal(err)
			}
			err = s.Authenticate(t.Context(), newReq(t, "https://api.test/"))
			var te *TokenError
			if !errors.As(err, &te) || !errors.Is(err, ErrTokenRequest) {
				t.Fatalf("err = %v, want *TokenError", err)
			}
			if got := errors.Is(err, ErrInvalidCredentials); got != tt.wantInvalid {
				t.Errorf("Is ErrInvalidCredentials = %v, want %v", got, tt.wantInvalid)
			}
			msg := err.Error()
			if !strings.Contains(msg, tt.wantInMsg) || !strings.Contains(msg, "/login?client=acme&api_key=[REDACTED]") || !strings.HasPrefix(msg, "auth: login request to ") {
				t.Errorf("message %q: want %q and the redacted URL", msg, tt.wantInMsg)
			}
			assertNoSecret(t, err, wfPass, keyAccess, keySecret, sessionTok)
		})
	}
	t.Run("connection refused", func(t *testing.T) {
		srv := httptest.NewServer(http.NotFoundHandler())
		srv.Close()
		s, err := NewSession(SessionConfig{LoginURL: srv.URL + "/login?client_secret=" + url.QueryEscape(keySecret), TokenPath: "token"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		err = s.Authenticate(t.Context(), newReq(t, "https://api.test/"))
		var te *TokenError
		if !errors.As(err, &te) || te.StatusCode != 0 || errors.Unwrap(err) == nil {
			t.Fatalf("err = %v, want a TokenError wrapping the transport error", err)
		}
		assertNoSecret(t, err, keySecret)
	})
}

func TestSessionConfigValidate(t *testing.T) {
	valid := SessionConfig{LoginURL: "https://login.test/", Body: map[string]any{"k": "{key}"},
		Values: map[string]Secret{"key": keySecret}, TokenPath: "token"}
	tests := []struct {
		name   string
		modify func(*SessionConfig)
		fields []string
	}{
		{"valid", func(*SessionConfig) {}, nil},
		{"empty", func(c *SessionConfig) { *c = SessionConfig{} }, []string{"SessionConfig.LoginURL", "SessionConfig.TokenPath"}},
		{"missing placeholder values", func(c *SessionConfig) {
			c.Body = map[string]any{"a": "{x}", "b": "{y}-{x}", "c": map[string]any{"d": "{key}"}}
		}, []string{"SessionConfig.Body", "SessionConfig.Body"}},
		{"bad format", func(c *SessionConfig) { c.Format = "xml" }, []string{"SessionConfig.Format"}},
		{"nested form value", func(c *SessionConfig) { c.Format = FormatForm; c.Body = map[string]any{"a": map[string]any{}} }, []string{`SessionConfig.Body["a"]`}},
		{"nested form list", func(c *SessionConfig) { c.Format = FormatForm; c.Body = map[string]any{"a": []any{[]any{"x"}}} }, []string{`SessionConfig.Body["a"]`}},
		{"bad token path", func(c *SessionConfig) { c.TokenPath = "data[" }, []string{"SessionConfig.TokenPath"}},
		{"empty header token path", func(c *SessionConfig) { c.TokenPath = "header:" }, []string{"SessionConfig.TokenPath"}},
		{"bad header", func(c *SessionConfig) { c.Header = "Session ID" }, []string{"SessionConfig.Header"}},
		{"bad method", func(c *SessionConfig) { c.Method = "PO ST" }, []string{"SessionConfig.Method"}},
		{"negative expiry", func(c *SessionConfig) { c.ExpiresIn = -1 }, []string{"SessionConfig.ExpiresIn"}},
		{"URL with credentials", func(c *SessionConfig) { c.LoginURL = "https://u:" + keySecret + "@login.test/" }, []string{"SessionConfig.LoginURL"}},
		{"not encodable", func(c *SessionConfig) { c.Body = map[string]any{"f": func() {}} }, []string{"SessionConfig.Body"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := valid
			tt.modify(&cfg)
			if got := configErrorFields(cfg.Validate()); fmt.Sprint(got) != fmt.Sprint(tt.fields) {
				t.Errorf("Validate fields %v, want %v (err: %v)", got, tt.fields, cfg.Validate())
			}
			s, err := NewSession(cfg, nil)
			if (err == nil) != (s != nil) || (err == nil) != (tt.fields == nil) {
				t.Errorf("NewSession = %v, %v", s, err)
			}
			if err != nil {
				assertNoSecret(t, err, keySecret)
			}
		})
	}
}
