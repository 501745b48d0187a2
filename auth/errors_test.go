package auth

import (
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/saasconnect/saasconnect/internal/jsonvalue"
	"github.com/saasconnect/saasconnect/internal/redact"
)

func TestRedactURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://idp.test/token", "https://idp.test/token"},
		{"https://user:pw@idp.test/token?api_key=abc&x=1&x=2#frag", "https://idp.test/token?api_key=[REDACTED]&x=1&x=2#frag"},
		{"https://idp.test/token?account_id=7&grant_type=account_credentials&client_secret=s", "https://idp.test/token?account_id=7&grant_type=account_credentials&client_secret=[REDACTED]"},
		{"https://idp.test/t?%zz&token=t", "https://idp.test/t?%zz&token=[REDACTED]"},
		// The same rules as every other redactor of the SDK (redact.URL).
		{"https://idp.test/t?sid=S1&session_token=T&x-api-key=K&page=2", "https://idp.test/t?sid=[REDACTED]&session_token=[REDACTED]&x-api-key=[REDACTED]&page=2"},
		// Not a URL: redacted as text.
		{"https://u:p@idp.test/%zz?sid=1", "https://idp.test/%zz?sid=[REDACTED]"},
	}
	for _, tt := range tests {
		if got := redactURL(tt.in); got != tt.want {
			t.Errorf("redactURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestTokenErrorMessageAndIs(t *testing.T) {
	cause := errors.New("dial tcp: connection refused")
	tests := []struct {
		name        string
		err         *TokenError
		want        string
		wantInvalid bool
	}{
		{"status and body", &TokenError{Op: "login request", URL: "https://x.test/login", StatusCode: 500, Body: "oops"},
			"auth: login request to https://x.test/login failed: 500 Internal Server Error; response: oops", false},
		{"oauth2 error code", &TokenError{Op: "token request", URL: "https://x.test/t", StatusCode: 400, ErrorCode: "invalid_grant", ErrorDescription: "expired", Body: `{"error":"invalid_grant"}`},
			"auth: token request to https://x.test/t failed: 400 Bad Request: invalid_grant (expired)", true},
		{"unauthorized_client", &TokenError{Op: "token request", URL: "u", StatusCode: 400, ErrorCode: "unauthorized_client"},
			"auth: token request to u failed: 400 Bad Request: unauthorized_client", true},
		{"transport error", &TokenError{Op: "token request", URL: "u", Err: cause},
			"auth: token request to u failed: dial tcp: connection refused", false},
		{"401 without body", &TokenError{Op: "login request", URL: "u", StatusCode: 401},
			"auth: login request to u failed: 401 Unauthorized", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("Error() =\n %s\nwant\n %s", got, tt.want)
			}
			if !errors.Is(tt.err, ErrTokenRequest) {
				t.Error("not ErrTokenRequest")
			}
			if got := errors.Is(tt.err, ErrInvalidCredentials); got != tt.wantInvalid {
				t.Errorf("Is(ErrInvalidCredentials) = %v", got)
			}
			if errors.Is(tt.err, errors.New("other")) {
				t.Error("matches an unrelated error")
			}
		})
	}
	if !errors.Is(&TokenError{Err: cause}, cause) {
		t.Error("TokenError does not unwrap to its cause")
	}
	ce := &ConfigError{Field: "X.Y", Err: errRequired}
	if !errors.Is(ce, errRequired) || ce.Error() != "auth: X.Y: required" {
		t.Errorf("ConfigError %q does not unwrap", ce.Error())
	}
}

func TestScrubber(t *testing.T) {
	const sec = `a"b/c d&é`
	s := redact.New(sec, "")
	j, _ := json.Marshal(sec)
	for _, enc := range []string{sec, url.QueryEscape(sec), url.PathEscape(sec), string(j[1 : len(j)-1])} {
		if got := s.String("x" + enc + "y"); got != "x[REDACTED]y" {
			t.Errorf("scrub(%q) = %q", enc, got)
		}
	}
	// Capped at a rune boundary, scrubbed before capping.
	body := strings.Repeat("é", maxErrorBody) + sec
	got := s.Body([]byte(body))
	if !utf8.ValidString(got) || !strings.HasSuffix(got, "...(truncated)") || len(got) > maxErrorBody+len("...(truncated)") {
		t.Errorf("body() = %d bytes, valid %v", len(got), utf8.ValidString(got))
	}
	if got := s.Body([]byte("  " + sec + "\n")); got != "[REDACTED]" {
		t.Errorf("body() = %q", got)
	}
	// A cause whose message holds a secret is replaced.
	if got := redactCause(s, errors.New("bad "+sec)).Error(); got != "bad [REDACTED]" {
		t.Errorf("cause() = %q", got)
	}
	if redactCause(s, nil) != nil {
		t.Error("cause(nil) != nil")
	}
	if got := Secret(sec).GoString(); got != "[REDACTED]" {
		t.Errorf("GoString() = %q", got)
	}
}

func TestFormValues(t *testing.T) {
	tests := []struct {
		in      any
		want    []string
		wantErr bool
	}{
		{"s", []string{"s"}, false},
		{true, []string{"true"}, false},
		{json.Number("1.5"), []string{"1.5"}, false},
		{2.25, []string{"2.25"}, false},
		{7, []string{"7"}, false},
		{int64(8), []string{"8"}, false},
		{[]string{"a", "b"}, []string{"a", "b"}, false},
		{[]any{"a", 1, false}, []string{"a", "1", "false"}, false},
		{[]any{map[string]any{}}, nil, true},
		{nil, nil, true},
	}
	for _, tt := range tests {
		got, err := formValues(tt.in)
		if (err != nil) != tt.wantErr || strings.Join(got, ",") != strings.Join(tt.want, ",") {
			t.Errorf("formValues(%#v) = %q, %v", tt.in, got, err)
		}
	}
	fill := func(s string) string { return strings.ToUpper(s) }
	gotJSON, _ := json.Marshal(jsonvalue.MapStrings(map[string]any{"a": []string{"x"}, "b": []any{"y", 1}, "c": nil}, fill))
	if string(gotJSON) != `{"a":["X"],"b":["Y",1],"c":null}` {
		t.Errorf("MapStrings = %s", gotJSON)
	}
}
