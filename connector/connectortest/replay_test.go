package connectortest

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// fakeTB is a testing.TB that records failures instead of failing, so tests
// can check what Replay reports. Fatal stops the calling goroutine, as in
// package testing: run Replay through runFake.
type fakeTB struct {
	testing.TB // nil: methods Replay does not use panic
	mu         sync.Mutex
	errors     []string
	logs       []string
	fatal      bool
}

func (f *fakeTB) Helper()                  {}
func (f *fakeTB) Name() string             { return "fake" }
func (f *fakeTB) Context() context.Context { return context.Background() }
func (f *fakeTB) Errorf(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.errors = append(f.errors, fmt.Sprintf(format, args...))
}
func (f *fakeTB) Error(args ...any) { f.Errorf("%s", fmt.Sprint(args...)) }
func (f *fakeTB) Fatalf(format string, args ...any) {
	f.Errorf(format, args...)
	f.mu.Lock()
	f.fatal = true
	f.mu.Unlock()
	runtime.Goexit()
}
func (f *fakeTB) Fatal(args ...any) { f.Fatalf("%s", fmt.Sprint(args...)) }
func (f *fakeTB) FailNow()          { f.Fatalf("FailNow") }
func (f *fakeTB) Logf(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.logs = append(f.logs, fmt.Sprintf(format, args...))
}
func (f *fakeTB) Failed() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.errors) > 0
}

// runFake runs fn with a fakeTB in its own goroutine and returns the TB.
func runFake(fn func(tb testing.TB)) *fakeTB {
	f := &fakeTB{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn(f)
	}()
	<-done
	return f
}

func TestParseScenario(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, wantErr string
	}{
		{"ok", "-- 1.request --\nGET / HTTP/1.1\n-- 1.response --\nHTTP/1.1 200 OK\n-- want.json --\n[]\n", ""},
		{"unknown section", "-- 1.reqest --\nGET /\n", `unknown section "1.reqest"`},
		{"gap", "-- 1.request --\nGET /\n-- 1.response --\nHTTP/1.1 200 OK\n-- 3.request --\nGET /\n-- 3.response --\nHTTP/1.1 200 OK\n", "2 is missing"},
		{"request without response", "-- 1.request --\nGET /\n", "1.request has no 1.response"},
		{"response without request", "-- 1.response --\nHTTP/1.1 200 OK\n", "1.response has no 1.request"},
		{"duplicate", "-- want.json --\n[]\n-- want.json --\n[]\n", "appears twice"},
		{"bad status", "-- want.status --\nok\n", "want.status"},
		{"bad now", "-- now --\nyesterday\n", "now:"},
		{"bad settings", "-- settings.json --\n{\"a\": 1}\n", "settings.json"},
	}
	for _, tc := range tests {
		_, err := parseScenario("x.txtar", []byte(tc.in))
		switch {
		case tc.wantErr == "" && err != nil:
			t.Errorf("%s: parseScenario: %v", tc.name, err)
		case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
			t.Errorf("%s: parseScenario error = %v, want %q", tc.name, err, tc.wantErr)
		}
	}
}

func TestWireRequestMismatch(t *testing.T) {
	t.Parallel()
	fixture := "POST /v1/users?b=2&a=1&a=0 HTTP/1.1\nHost: ignored.example.com\nAuthorization: Bearer k\nContent-Type: application/json\n\n{\"x\": [1, 2]}\n"
	w, err := parseWireRequest([]byte(fixture))
	if err != nil {
		t.Fatal(err)
	}
	req := func(method, target, auth, body string) *http.Request {
		r := httptest.NewRequest(method, target, strings.NewReader(body))
		r.Header.Set("Authorization", auth)
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set("User-Agent", "anything")
		return r
	}
	tests := []struct {
		name string
		r    *http.Request
		body string
		want string // "" = match
	}{
		{"match, query order and JSON spacing differ", req("POST", "/v1/users?a=0&b=2&a=1", "Bearer k", ""), `{"x":[1,2]}`, ""},
		{"method", req("GET", "/v1/users?a=0&b=2&a=1", "Bearer k", ""), `{"x":[1,2]}`, "method GET"},
		{"path", req("POST", "/v2/users?a=0&b=2&a=1", "Bearer k", ""), `{"x":[1,2]}`, "path /v2/users"},
		{"missing query value", req("POST", "/v1/users?a=0&b=2", "Bearer k", ""), `{"x":[1,2]}`, "query"},
		{"extra query param", req("POST", "/v1/users?a=0&b=2&a=1&c=3", "Bearer k", ""), `{"x":[1,2]}`, "query"},
		{"header", req("POST", "/v1/users?a=0&b=2&a=1", "Bearer nope", ""), `{"x":[1,2]}`, "header Authorization"},
		{"body", req("POST", "/v1/users?a=0&b=2&a=1", "Bearer k", ""), `{"x":[2,1]}`, "JSON body"},
	}
	for _, tc := range tests {
		got := w.mismatch(tc.r, []byte(tc.body))
		if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("%s: mismatch = %q, want %q", tc.name, got, tc.want)
		}
	}
	form, _ := parseWireRequest([]byte("POST /token\nContent-Type: application/x-www-form-urlencoded\n\ngrant_type=client_credentials&scope=a+b\n"))
	r := httptest.NewRequest("POST", "/token", nil)
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if why := form.mismatch(r, []byte("scope=a%20b&grant_type=client_credentials")); why != "" {
		t.Errorf("form body: %s", why)
	}

	// {{*}} as a form value matches any non-empty value, and nothing else.
	anyForm, err := parseWireRequest([]byte("POST /token\nContent-Type: application/x-www-form-urlencoded\n\ngrant_type=jwt&assertion={{*}}\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		body  string
		match bool
	}{
		{"grant_type=jwt&assertion=eyJhbGciOiJSUzI1NiJ9.e30.c2ln", true},
		{"assertion=x&grant_type=jwt", true},
		{"grant_type=jwt&assertion=", false},
		{"grant_type=jwt", false},
		{"grant_type=jwt&assertion=x&assertion=y", false},
		{"grant_type=other&assertion=x", false},
		{"grant_type=jwt&assertion=x&scope=s", false},
	} {
		if why := anyForm.mismatch(r, []byte(tc.body)); (why == "") != tc.match {
			t.Errorf("form body %q against assertion={{*}}: mismatch = %q, want match %v", tc.body, why, tc.match)
		}
	}
}

func TestWireResponseAndPlaceholders(t *testing.T) {
	t.Parallel()
	text, err := expand([]byte("HTTP/1.1 404 Not Found\nLink: <{{base_url}}/x>; rel=\"next\"\nContent-Length: 999\n\n{\"a\": 1}\n"), map[string]string{"base_url": "http://127.0.0.1:1/v2"})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := parseWireResponse(text)
	if err != nil {
		t.Fatal(err)
	}
	if resp.status != 404 || resp.header.Get("Link") != `<http://127.0.0.1:1/v2/x>; rel="next"` || string(resp.body) != "{\"a\": 1}\n" {
		t.Errorf("parseWireResponse = %d %v %q", resp.status, resp.header, resp.body)
	}
	if got, err := expand([]byte("Authorization: {{basic:u:p}}"), map[string]string{"u": "Aladdin", "p": "open sesame"}); err != nil || string(got) != "Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==" {
		t.Errorf("expand basic = %q, %v", got, err)
	}
	if _, err := expand([]byte("{{basic:u:nope}}"), map[string]string{"u": "x"}); err == nil {
		t.Error("expand basic with an unknown setting succeeded")
	}
	if _, err := expand([]byte("{{nope}}"), nil); err == nil || !strings.Contains(err.Error(), "{{nope}}") {
		t.Errorf("expand unknown placeholder: %v", err)
	}
	for _, bad := range []string{"200 OK\n", "HTTP/1.1 abc\n", "HTTP/1.1 200 OK\nno colon\n"} {
		if _, err := parseWireResponse([]byte(bad)); err == nil {
			t.Errorf("parseWireResponse(%q) succeeded", bad)
		}
	}
	if got := urlPath("https://{sub}.example.com/api/{v}/"); got != "/api/{v}" {
		t.Errorf("urlPath = %q", got)
	}
	if got := urlPath("https://example.com"); got != "" {
		t.Errorf("urlPath = %q", got)
	}
}

func TestReplayFixtureErrorsAreFatal(t *testing.T) {
	t.Parallel()
	f := runFake(func(tb testing.TB) { Replay(tb, t.TempDir()) })
	if !f.fatal || !strings.Contains(strings.Join(f.errors, ""), "template") {
		t.Errorf("Replay on an empty dir: fatal=%v %q, want a fatal missing-template error", f.fatal, f.errors)
	}
}
