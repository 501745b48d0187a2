package auth

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"testing"
)

const plain = "s3cr3t-Value"

func TestSecretFormatting(t *testing.T) {
	s := Secret(plain)
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%10s", "%-20v"} {
		got := fmt.Sprintf(verb, s)
		if strings.Contains(got, plain) || !strings.Contains(got, "[REDACTED]") {
			t.Errorf("Sprintf(%q, secret) = %q, want [REDACTED] and no value", verb, got)
		}
	}
	if got := fmt.Sprintf("%q", s); got != `"[REDACTED]"` {
		t.Errorf(`%%q = %s, want "[REDACTED]" quoted`, got)
	}
	if got := fmt.Sprint(s); got != "[REDACTED]" {
		t.Errorf("Sprint = %q", got)
	}
	if got := s.String(); got != "[REDACTED]" {
		t.Errorf("String() = %q", got)
	}
	if got := s.Reveal(); got != plain {
		t.Errorf("Reveal() = %q, want %q", got, plain)
	}
	// Inside composite values.
	composite := []any{[]Secret{s}, map[string]Secret{"k": s}, struct{ P Secret }{s}, &struct{ P Secret }{s}}
	for _, v := range composite {
		for _, verb := range []string{"%v", "%+v", "%#v"} {
			if got := fmt.Sprintf(verb, v); strings.Contains(got, plain) {
				t.Errorf("Sprintf(%q, %T) leaks: %s", verb, v, got)
			}
		}
	}
}

func TestSecretJSONAndText(t *testing.T) {
	type cfg struct {
		Key  Secret            `json:"key"`
		Vals map[string]Secret `json:"vals"`
	}
	b, err := json.Marshal(cfg{Key: plain, Vals: map[string]Secret{"a": plain}})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"key":"[REDACTED]","vals":{"a":"[REDACTED]"}}`; string(b) != want {
		t.Errorf("json = %s, want %s", b, want)
	}
	// Decoding still yields the value.
	var c cfg
	if err := json.Unmarshal([]byte(`{"key":"`+plain+`"}`), &c); err != nil {
		t.Fatal(err)
	}
	if c.Key.Reveal() != plain {
		t.Errorf("decoded %q, want %q", c.Key.Reveal(), plain)
	}
	if txt, _ := Secret(plain).MarshalText(); string(txt) != "[REDACTED]" {
		t.Errorf("MarshalText = %s", txt)
	}
}

func TestSecretSlog(t *testing.T) {
	for name, newHandler := range map[string]func(*bytes.Buffer) slog.Handler{
		"text": func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) },
		"json": func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) },
	} {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			l := slog.New(newHandler(&buf))
			l.Info("login", "password", Secret(plain), slog.Any("cfg", Basic{Username: "u", Password: plain}))
			if out := buf.String(); strings.Contains(out, plain) || !strings.Contains(out, "[REDACTED]") {
				t.Errorf("log output leaks or lacks [REDACTED]: %s", out)
			}
		})
	}
}

// TestConfigsNeverPrintSecrets prints every config and authenticator with
// every verb and checks that no secret value appears.
func TestConfigsNeverPrintSecrets(t *testing.T) {
	secrets := []string{"key-AAAA1111", "pass-BBBB2222", "client-CCCC3333", "refresh-DDDD4444", "user-pass-EEEE5555", "session-FFFF6666"}
	oauthCfg := OAuth2Config{
		GrantType: GrantPassword, TokenURL: "https://idp.example.com/token?x=1", ClientID: "id",
		ClientSecret: Secret(secrets[2]), Username: "alice", Password: Secret(secrets[4]),
		RefreshToken: Secret(secrets[3]), Scopes: []string{"read"}, ClientAuth: ClientAuthBody,
	}
	o, err := NewOAuth2(oauthCfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	sessCfg := SessionConfig{
		LoginURL: "https://api.example.com/login", Body: map[string]any{"k": "{a}", "s": "{b}"},
		Values: map[string]Secret{"a": Secret(secrets[0]), "b": Secret(secrets[5])}, TokenPath: "token",
	}
	s, err := NewSession(sessCfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	values := []any{
		APIKey{Key: Secret(secrets[0]), TokenType: "Bearer"},
		&APIKey{Key: Secret(secrets[0])},
		Basic{Username: "u", Password: Secret(secrets[1])},
		oauthCfg, &oauthCfg, sessCfg, &sessCfg, o, s,
		Transport{Auth: o}, &Transport{Auth: s},
	}
	for _, v := range values {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
			out := fmt.Sprintf(verb, v)
			for _, sec := range secrets {
				if strings.Contains(out, sec) || strings.Contains(out, url.QueryEscape(sec)) {
					t.Errorf("Sprintf(%q, %T) contains a secret: %s", verb, v, out)
				}
			}
		}
	}
	if got := fmt.Sprint(o); !strings.Contains(got, "idp.example.com") || !strings.Contains(got, "token?x=1") {
		t.Errorf("OAuth2 String() = %s, want the token URL with its non-secret parameter readable", got)
	}
	if got := fmt.Sprint(s); !strings.Contains(got, "api.example.com/login") {
		t.Errorf("Session String() = %s, want the login URL", got)
	}
}

// TestEmptySecretShowsEmpty: an unset credential prints, logs and encodes
// as empty, so "not configured" stays visible.
func TestEmptySecretShowsEmpty(t *testing.T) {
	var s Secret
	var logs bytes.Buffer
	slog.New(slog.NewTextHandler(&logs, nil)).Info("m", "k", s)
	js, _ := json.Marshal(s)
	got := []string{fmt.Sprint(s), fmt.Sprintf("%#v", s), fmt.Sprintf("%q", s), s.String(), string(js)}
	want := []string{"", "", `""`, "", `""`}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("empty Secret shows %q, want %q", got, want)
	}
	if !strings.HasSuffix(strings.TrimSpace(logs.String()), `k=""`) {
		t.Errorf("slog shows %q", logs.String())
	}
}
