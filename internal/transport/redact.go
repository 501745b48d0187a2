package transport

import (
	"net/url"
	"slices"
	"strings"
)

// Redacted replaces secrets in URLs and messages.
const Redacted = "[REDACTED]"

// secretParamWords are the parts of a query parameter name that make its
// value secret.
var secretParamWords = []string{
	"token", "key", "apikey", "secret", "password", "passwd", "pwd", "signature",
	"sig", "code", "auth", "authorization", "credential", "credentials", "session", "sid",
}

// SecretParam reports whether a query parameter name looks like it carries a
// secret ("api_key", "access_token", "client_secret", "sig", "hapikey", ...).
func SecretParam(name string) bool {
	n := strings.ToLower(name)
	parts := strings.FieldsFunc(n, func(r rune) bool { return r == '_' || r == '-' || r == '.' })
	for _, p := range parts {
		if slices.Contains(secretParamWords, p) {
			return true
		}
	}
	// Run-together names: "apikey", "hapikey", "accesstoken", "xapikey".
	for _, w := range []string{"token", "apikey", "secret", "password", "signature"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

// Redactor removes secrets from URLs and text. The zero value redacts
// userinfo and secret-looking query parameters; Params adds parameter names
// to redact and Secrets literal values to replace anywhere. A Redactor is
// safe for concurrent use once built.
type Redactor struct {
	// Params are extra query parameter names whose values are secret (for
	// example the template's auth.query_param).
	Params []string
	// Secrets are literal secret values, replaced wherever they appear.
	Secrets []string
}

// NewRedactor returns a Redactor for the given extra parameter names and
// secret values (empty values and values shorter than 4 bytes are ignored,
// they would mangle ordinary text).
func NewRedactor(params []string, secrets ...string) *Redactor {
	r := &Redactor{Params: params}
	for _, s := range secrets {
		if len(s) >= 4 && !slices.Contains(r.Secrets, s) {
			r.Secrets = append(r.Secrets, s)
		}
	}
	// Longest first, so a secret containing another is replaced whole.
	slices.SortFunc(r.Secrets, func(a, b string) int { return len(b) - len(a) })
	return r
}

// URL returns u as a string without userinfo and with secret query values
// replaced by [REDACTED]. A nil u gives "".
func (r *Redactor) URL(u *url.URL) string {
	if u == nil {
		return ""
	}
	c := *u
	c.User = nil
	if c.RawQuery != "" {
		q, err := url.ParseQuery(c.RawQuery)
		if err != nil {
			c.RawQuery = Redacted
		} else {
			changed := false
			for k, vs := range q {
				if SecretParam(k) || (r != nil && slices.ContainsFunc(r.Params, func(p string) bool { return strings.EqualFold(p, k) })) {
					for i := range vs {
						vs[i] = "REDACTED"
					}
					changed = true
				}
			}
			if changed {
				c.RawQuery = q.Encode()
			}
		}
	}
	return r.String(c.String())
}

// RawURL is URL for a string; an unparsable URL is reduced to its scheme and
// host when possible, or [REDACTED].
func (r *Redactor) RawURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return Redacted
	}
	return r.URL(u)
}

// String replaces every known secret value in s.
func (r *Redactor) String(s string) string {
	if r == nil {
		return s
	}
	for _, sec := range r.Secrets {
		if strings.Contains(s, sec) {
			s = strings.ReplaceAll(s, sec, Redacted)
		}
		// Secrets also show up escaped in URLs and forms.
		if esc := url.QueryEscape(sec); esc != sec && strings.Contains(s, esc) {
			s = strings.ReplaceAll(s, esc, Redacted)
		}
	}
	return s
}

// RedactURL is the zero Redactor's URL.
func RedactURL(u *url.URL) string { return (*Redactor)(nil).URL(u) }
