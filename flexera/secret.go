package flexera

import "github.com/saasconnect/saasconnect/auth"

// Secret holds a credential (refresh token, client secret, access token):
// it is [auth.Secret], which prints "[REDACTED]" in fmt, slog and JSON (""
// when empty). Call Reveal to use the value.
type Secret = auth.Secret
