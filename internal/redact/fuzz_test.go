package redact

import (
	"encoding/base64"
	"net/url"
	"strings"
	"testing"
)

// FuzzRedact: no input makes the redactor panic, and no known secret (of at
// least MinSecretLen bytes), in any of its encodings, survives outside a
// Marker in String, Body or URL.
func FuzzRedact(f *testing.F) {
	f.Add("hunter2!", "alice", "GET https://h.test/p?token=hunter2%21&page=2: 401 hunter2!")
	f.Add("tok/en+=", "", `{"a":"dG9rL2VuKz0=","b":"tok%2Fen%2B%3D"}`)
	f.Add("D]yy", "x", "[REDACTED]yy D]yy")
	f.Add("ab\x00\xffcd", "u:p", "http://u:p@h/?sid=ab%00%FFcd#code=1")
	f.Fuzz(func(t *testing.T, secret, user, text string) {
		s := New(secret)
		s.AddBasic(user, secret)
		check := func(what, out string) {
			if len(secret) < MinSecretLen {
				return
			}
			for _, seg := range strings.Split(out, Marker) {
				for _, enc := range []string{secret, url.QueryEscape(secret), url.PathEscape(secret), base64.StdEncoding.EncodeToString([]byte(secret))} {
					if len(enc) >= MinSecretLen && strings.Contains(seg, enc) && strings.Contains(text, enc) {
						t.Fatalf("%s(%q) with secret %q = %q: %q survives", what, text, secret, out, enc)
					}
				}
			}
		}
		check("String", s.String(text))
		check("Body", s.Body([]byte(text)))
		if u, err := url.Parse(text); err == nil {
			out := s.URL(u)
			check("URL", out)
			_ = URL(u)
		}
		_ = RawURL(text)
		_ = Query(text)
		_ = Cap(text, len(secret))
		_ = IsSecretName(text)
	})
}
