package redact

import (
	"encoding/base64"
	"encoding/json"
	"net/url"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

func TestIsSecretName(t *testing.T) {
	tests := []struct {
		name string
		want bool
	}{
		{"access_token", true}, {"session_token", true}, {"x-api-key", true}, {"sid", true},
		{"api_key", true}, {"apiKey", true}, {"hapikey", true}, {"client_secret", true},
		{"X-Amz-Signature", true}, {"sig", true}, {"code", true}, {"Password", true},
		{"jsessionid", true}, {"refresh_token", true}, {"client_assertion", true}, {"auth", true},
		{"grant_type", false}, {"account_id", false}, {"page", false}, {"limit", false},
		{"scope", false}, {"country_code", false}, {"page[number]", false}, {"cursor", false},
		{"monkey", false}, {"author", false}, {"", false},
	}
	for _, tt := range tests {
		if got := IsSecretName(tt.name); got != tt.want {
			t.Errorf("IsSecretName(%q) = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://h.test/p?sid=S1&session_token=T&x-api-key=K&page=2",
			"https://h.test/p?sid=[REDACTED]&session_token=[REDACTED]&x-api-key=[REDACTED]&page=2"},
		{"https://idp.test/token?account_id=42&grant_type=account_credentials",
			"https://idp.test/token?account_id=42&grant_type=account_credentials"},
		{"https://user:pw@h.test/a?page%5Bnumber%5D=2&api%5Fkey=x", "https://h.test/a?page%5Bnumber%5D=2&api%5Fkey=[REDACTED]"},
		{"https://h.test/cb#access_token=abc&state=s", "https://h.test/cb#access_token=[REDACTED]&state=s"},
		{"https://h.test/t?%zz&token=1", "https://h.test/t?%zz&token=[REDACTED]"},
		{"https://h.test/t?flag&limit=5", "https://h.test/t?flag&limit=5"},
	}
	for _, tt := range tests {
		u, err := url.Parse(tt.in)
		if err != nil {
			t.Fatal(err)
		}
		if got := URL(u); got != tt.want {
			t.Errorf("URL(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got := RawURL(tt.in); got != tt.want {
			t.Errorf("RawURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
		// The same URL quoted in a text comes out the same.
		if got := (*Set)(nil).String(`Get "` + tt.in + `": EOF`); got != `Get "`+tt.want+`": EOF` {
			t.Errorf("String(text with %q) = %q", tt.in, got)
		}
	}
	if URL(nil) != "" {
		t.Error("URL(nil) is not empty")
	}
}

func TestSetParamsAndPath(t *testing.T) {
	s := New("s3cr3t/value")
	s.AddParams("K")
	u, _ := url.Parse("https://h.test/" + url.PathEscape("s3cr3t/value") + "/x?k=1&limit=2")
	if got, want := s.URL(u), "https://h.test/[REDACTED]/x?k=[REDACTED]&limit=2"; got != want {
		t.Errorf("URL = %q, want %q", got, want)
	}
}

// TestSetEncodings: every encoding of a secret is hidden.
func TestSetEncodings(t *testing.T) {
	const sec = `p@ss w/rd+"ü<>&`
	s := New(sec)
	s.AddBasic("me@corp", sec)
	j, _ := json.Marshal(sec)
	encs := map[string]string{
		"raw":         sec,
		"query":       url.QueryEscape(sec),
		"query %20":   strings.ReplaceAll(url.QueryEscape(sec), "+", "%20"),
		"path":        url.PathEscape(sec),
		"base64":      base64.StdEncoding.EncodeToString([]byte(sec)),
		"base64 raw":  base64.RawStdEncoding.EncodeToString([]byte(sec)),
		"base64 url":  base64.URLEncoding.EncodeToString([]byte(sec)),
		"base64 rurl": base64.RawURLEncoding.EncodeToString([]byte(sec)),
		"json":        string(j[1 : len(j)-1]),
		"basic":       "Basic " + base64.StdEncoding.EncodeToString([]byte("me@corp:"+sec)),
		"basic form":  "Basic " + base64.StdEncoding.EncodeToString([]byte(url.QueryEscape("me@corp")+":"+url.QueryEscape(sec))),
		"bearer":      "Bearer " + sec,
	}
	for name, enc := range encs {
		got := s.String("a " + enc + " b")
		if strings.Contains(got, enc[len(enc)-4:]) && !strings.HasPrefix(enc, "B") {
			t.Errorf("%s: %q still holds the secret", name, got)
		}
		if !strings.Contains(got, Marker) {
			t.Errorf("%s: %q has no marker", name, got)
		}
	}
}

func TestSetShortAndNil(t *testing.T) {
	s := New("abc", "")
	if got := s.String("abc abc"); got != "abc abc" {
		t.Errorf("short secret redacted: %q", got)
	}
	var n *Set
	n.Add("whatever")
	if got := n.String("whatever"); got != "whatever" {
		t.Errorf("nil Set changed %q", got)
	}
}

func TestSetOverlap(t *testing.T) {
	s := New("abcdef", "defghi")
	if got := s.String("x abcdefghi y abcdef"); got != "x [REDACTED] y [REDACTED]" {
		t.Errorf("got %q", got)
	}
}

func TestCap(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"héllo", 2, "h" + truncated},
		{strings.Repeat("€", 3), 4, "€" + truncated},
		{"a\xffb", 10, "a\uFFFDb"},
		{"abc", 0, truncated},
	}
	for _, tt := range tests {
		got := Cap(tt.in, tt.n)
		if got != tt.want || !utf8.ValidString(got) {
			t.Errorf("Cap(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}

func TestBody(t *testing.T) {
	s := New("0123456789abcdef")
	if got := s.Body([]byte("  echo 0123456789abcdef\n")); got != "echo [REDACTED]" {
		t.Errorf("Body = %q", got)
	}
	// A body cut by a read limit in the middle of a secret.
	if got := s.Body([]byte("echo 0123456")); got != "echo [REDACTED]" {
		t.Errorf("Body(cut) = %q", got)
	}
	long := strings.Repeat("é", MaxBody)
	if got := s.Body([]byte(long)); len(got) > MaxBody+len(truncated) || !utf8.ValidString(got) {
		t.Errorf("Body(long) is %d bytes", len(got))
	}
}

// TestSetConcurrent: adding and redacting at once is safe (run with -race).
func TestSetConcurrent(t *testing.T) {
	s := New("initial-secret")
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			tok := strings.Repeat(string(rune('a'+i)), 8)
			s.Add(tok)
			if got := s.String("x " + tok + " initial-secret"); got != "x [REDACTED] [REDACTED]" {
				t.Errorf("got %q", got)
			}
		})
	}
	wg.Wait()
}

// TestStringPairs: secret parameters are hidden in any text, not only in
// absolute URLs; the others stay readable.
func TestStringPairs(t *testing.T) {
	tests := []struct{ in, want string }{
		{"grant_type=refresh_token&refresh_token=abc&scope=read", "grant_type=refresh_token&refresh_token=[REDACTED]&scope=read"},
		{"you sent /users?sid=S1&page=2 and more", "you sent /users?sid=[REDACTED]&page=2 and more"},
		{`{"access_token":"x\"y","token_type":"bearer","scope":"a","expires_in":3}`, `{"access_token":"[REDACTED]","token_type":"[REDACTED]","scope":"a","expires_in":3}`},
		{`{"password": "hunter2", "user": "bob"}`, `{"password": "[REDACTED]", "user": "bob"}`},
		{"a=b c=d", "a=b c=d"},
		{"x-api-key=K&account_id=42", "x-api-key=[REDACTED]&account_id=42"},
	}
	for _, tt := range tests {
		if got := (*Set)(nil).String(tt.in); got != tt.want {
			t.Errorf("String(%q) =\n %q, want\n %q", tt.in, got, tt.want)
		}
	}
}

func TestPrefixSuffix(t *testing.T) {
	tests := []struct {
		text, p string
		want    int
	}{
		{"echo 0123", "0123456", 4},
		{"echo 0123456", "0123456", 0}, // a whole occurrence is not a proper prefix
		{"aaaa", "aaaaa", 4},
		{"xabab", "ababc", 4},
		{"", "abcd", 0},
		{"abc", "x", 0},
	}
	for _, tt := range tests {
		if got := prefixSuffix(tt.text, tt.p); got != tt.want {
			t.Errorf("prefixSuffix(%q, %q) = %d, want %d", tt.text, tt.p, got, tt.want)
		}
	}
}

// TestStringNonASCIIBeforeURL: a text whose lower-case form has another
// length (İ, invalid UTF-8) before a URL is redacted, and terminates.
func TestStringNonASCIIBeforeURL(t *testing.T) {
	for _, pre := range []string{"İİİ ", "\xff\xfe ", "ẞ "} {
		in := pre + "HTTPS://h.test/?token=abc&page=1 end"
		want := pre + "HTTPS://h.test/?token=[REDACTED]&page=1 end"
		if got := (*Set)(nil).String(in); got != want {
			t.Errorf("String(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestAddTokenBounded: a Set keeps the last MaxTokens tokens, and the
// secrets of Add whatever the number of tokens.
func TestAddTokenBounded(t *testing.T) {
	s := New("static-secret")
	tok := func(i int) string { return "token-" + strings.Repeat("x", i) }
	for i := range MaxTokens + 5 {
		s.AddToken(tok(i))
	}
	s.AddToken(tok(MaxTokens + 4)) // again: not a new one
	for i := range MaxTokens + 5 {
		got := s.String("<" + tok(i) + ">")
		if kept := i >= 5; kept != (got == "<"+Marker+">") {
			t.Errorf("token %d: String = %q, kept %v", i, got, kept)
		}
	}
	if got := s.String("static-secret"); got != Marker {
		t.Errorf("the static secret is no longer hidden: %q", got)
	}
	if n := len(s.tokens); n != MaxTokens {
		t.Errorf("%d tokens kept, want %d", n, MaxTokens)
	}
}

func TestStringIdempotentOnHiddenPairs(t *testing.T) {
	s := New()
	for _, text := range []string{
		"refusing redirect to http://h/collect?access_token=[REDACTED]: another origin",
		"GET http://h/x?api_key=[REDACTED].",
		"token=[REDACTED]",
	} {
		if got := s.String(text); got != text {
			t.Errorf("String(%q) = %q, want it unchanged", text, got)
		}
	}
	if got, want := s.String("x?access_token=[REDACTED]abc"), "x?access_token=[REDACTED]"; got != want {
		t.Errorf("a value that only starts with the marker: got %q, want %q", got, want)
	}
}
