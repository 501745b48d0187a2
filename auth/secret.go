package auth

import (
	"fmt"
	"log/slog"

	"github.com/saasconnect/saasconnect/internal/redact"
)

// redacted is what a [Secret] prints instead of its value: the SDK's one
// redaction marker.
const redacted = redact.Marker

// Secret is a credential (API key, password, client secret, token) that
// redacts itself wherever it could be printed or logged: fmt prints
// "[REDACTED]" for every verb (%v, %+v, %#v, %s, %q, %x, ...), slog logs
// "[REDACTED]" (it is a [slog.LogValuer]), and encoding/json writes
// "[REDACTED]". An empty Secret prints, logs and encodes as "", so an unset
// credential shows as unset. Call [Secret.Reveal] where the plain value is
// really needed, and only there.
//
// Decoding is not affected: json.Unmarshal into a Secret stores the plain
// value. A Secret is an immutable string and safe for concurrent use.
//
// fmt cannot call methods on unexported struct fields: a Secret in an
// unexported field of a printed struct shows its value. Keep Secrets in
// exported fields, or give the enclosing type a String method (as [OAuth2]
// and [Session] have).
type Secret string

// Reveal returns the secret's plain value.
func (s Secret) Reveal() string { return string(s) }

// String returns "[REDACTED]" ("" for an empty Secret).
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return redacted
}

// GoString returns String, so %#v never shows the value.
func (s Secret) GoString() string { return s.String() }

// Format implements [fmt.Formatter]: every verb prints String; %q prints it
// quoted.
func (s Secret) Format(f fmt.State, verb rune) {
	if verb == 'q' {
		_, _ = f.Write([]byte(`"` + s.String() + `"`))
		return
	}
	_, _ = f.Write([]byte(s.String()))
}

// LogValue implements [slog.LogValuer]: the logged value is String.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }

// MarshalJSON returns String as a JSON string.
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + s.String() + `"`), nil }

// MarshalText returns String, for encoders that use
// [encoding.TextMarshaler] (map keys, text-based formats).
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }
