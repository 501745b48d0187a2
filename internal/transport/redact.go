package transport

import (
	"net/url"

	"github.com/saasconnect/saasconnect/internal/redact"
)

// Redacted replaces secrets in URLs and messages: [redact.Marker].
const Redacted = redact.Marker

// Redactor removes secrets from URLs and text: the SDK's one redaction
// policy, [redact.Set]. A nil *Redactor applies the URL rules only. It is
// safe for concurrent use by multiple goroutines, including while secrets
// are added.
type Redactor = redact.Set

// SecretParam reports whether a query parameter or header name carries a
// secret: [redact.IsSecretName].
func SecretParam(name string) bool { return redact.IsSecretName(name) }

// NewRedactor returns a Redactor for the given extra secret parameter names
// and secret values (values shorter than [redact.MinSecretLen] bytes are
// ignored).
func NewRedactor(params []string, secrets ...string) *Redactor {
	r := redact.New(secrets...)
	r.AddParams(params...)
	return r
}

// RedactURL is [redact.URL].
func RedactURL(u *url.URL) string { return redact.URL(u) }
