package flexera

import (
	"fmt"
	"log/slog"

	"github.com/saasconnect/saasconnect/internal/redact"
)

// Secret holds a credential (refresh token, client secret, access token).
// It redacts itself in fmt (%v, %+v, %#v, %s, %q), in slog output and in
// JSON, so a Secret that ends up in a log line, an error or a marshalled
// struct does not leak. Call Reveal to use the value.
type Secret string

// redacted is what a Secret prints instead of its value: the SDK's one
// redaction marker.
const redacted = redact.Marker

// Reveal returns the secret value. Use it only to put the value on the wire.
func (s Secret) Reveal() string { return string(s) }

// String returns "[REDACTED]" (or "" when the secret is empty).
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return redacted
}

// GoString returns the redacted form for %#v.
func (s Secret) GoString() string { return `flexera.Secret("` + s.String() + `")` }

// Format redacts the secret for every verb.
func (s Secret) Format(f fmt.State, verb rune) {
	switch verb {
	case 'q':
		fmt.Fprintf(f, "%q", s.String())
	case 'v':
		if f.Flag('#') {
			_, _ = f.Write([]byte(s.GoString()))
			return
		}
		_, _ = f.Write([]byte(s.String()))
	default:
		_, _ = f.Write([]byte(s.String()))
	}
}

// LogValue redacts the secret in slog output.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }

// MarshalJSON writes the redacted form: a Secret is never serialised.
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + s.String() + `"`), nil }
