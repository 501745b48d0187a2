package auth

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"sync"

	"golang.org/x/oauth2"

	"github.com/saasconnect/saasconnect/internal/transport"
)

// TokenSettingser is implemented by authenticators whose token responses
// carry settings (Salesforce's instance_url as base_url): see
// [OAuth2Config.TokenResponseSettings].
type TokenSettingser interface {
	// TokenSettings returns the settings read from the current token
	// response, fetching a token first if there is none; nil when the
	// authenticator reads none. The map is a copy. Errors are the
	// token request's ([*TokenError]).
	TokenSettings(ctx context.Context) (map[string]string, error)
}

// tokenFieldRE is a top-level field name of a token response.
var tokenFieldRE = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)

// checkTokenResponseSettings reports the problems of a setting name →
// token response field map.
func checkTokenResponseSettings(m map[string]string) error {
	var errs []error
	for _, name := range slices.Sorted(maps.Keys(m)) {
		if !tokenFieldRE.MatchString(name) {
			errs = append(errs, fmt.Errorf("%q is not a setting name", name))
		}
		if !tokenFieldRE.MatchString(m[name]) {
			errs = append(errs, fmt.Errorf("%s: %q is not a top-level field name of the token response", name, m[name]))
		}
	}
	return errors.Join(errs...)
}

// tokenSettings reads settings out of token responses.
type tokenSettings struct {
	fields map[string]string // setting name → token response field

	mu   sync.Mutex
	vals map[string]string // from the last token response
}

// newTokenSettings returns nil when fields is empty.
func newTokenSettings(fields map[string]string) *tokenSettings {
	if len(fields) == 0 {
		return nil
	}
	return &tokenSettings{fields: maps.Clone(fields)}
}

// note reads the settings out of tok. Each value must be an https URL (or
// http to a loopback host): a token endpoint must not be able to send the
// connector's credentials elsewhere with a plain http or opaque value. The
// error names the field, never its value.
func (t *tokenSettings) note(tok *oauth2.Token) error {
	if t == nil {
		return nil
	}
	vals := make(map[string]string, len(t.fields))
	for name, field := range t.fields {
		v, _ := tok.Extra(field).(string)
		if v == "" {
			return fmt.Errorf("token response has no string field %q (for setting %s)", field, name)
		}
		u, err := url.Parse(v)
		if err != nil {
			return fmt.Errorf("token response field %q (for setting %s) is not a URL", field, name)
		}
		if u.User != nil || u.RawQuery != "" || u.Fragment != "" || transport.CheckURL(u) != nil {
			return fmt.Errorf("token response field %q (for setting %s) must be an https URL (or http to a loopback host) without credentials, query or fragment", field, name)
		}
		vals[name] = v
	}
	t.mu.Lock()
	t.vals = vals
	t.mu.Unlock()
	return nil
}

// get returns a copy of the last values.
func (t *tokenSettings) get() map[string]string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return maps.Clone(t.vals)
}

// TokenSettings returns the settings [OAuth2Config.TokenResponseSettings]
// reads from the token response, fetching a token if none is cached; nil
// when it names none. It is safe for concurrent use.
func (o *OAuth2) TokenSettings(ctx context.Context) (map[string]string, error) {
	if o.settings == nil {
		return nil, nil
	}
	if _, err := o.Token(ctx); err != nil {
		return nil, err
	}
	return o.settings.get(), nil
}
