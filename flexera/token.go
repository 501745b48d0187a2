package flexera

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/saasconnect/saasconnect/auth"
)

// TokenSource gives access tokens for the Flexera API. Implementations
// must be safe for concurrent use. A TokenSource that also has an
// Invalidate() method gets it called when the API answers 401, before the
// request is retried once with a new token.
type TokenSource interface {
	Token(ctx context.Context) (Secret, error)
}

// tokenLifetime is the documented lifetime of a Flexera access token,
// assumed when a token response has no expires_in.
const tokenLifetime = time.Hour

// OIDCTokenSource gets access tokens from a Flexera login host
// (POST <login>/oidc/token, form encoded) through [auth.OAuth2], and caches
// each until EarlyExpiry before its expires_in runs out. It is safe for
// concurrent use: one token request is in flight at a time and concurrent
// callers wait for it (or for their ctx). Throttled token requests (429)
// are retried after their retry-after; a redirect is refused (it would
// resend the credentials). Token request failures are *TokenError values
// and never contain the credentials.
type OIDCTokenSource struct {
	// EarlyExpiry is how long before expiry a cached token is replaced
	// (DefaultEarlyExpiry when 0; half the lifetime for short-lived tokens).
	// Set it before the first Token call.
	EarlyExpiry time.Duration

	cfg         auth.OAuth2Config
	hc          *http.Client
	maxAttempts int
	maxWait     time.Duration
	log         *slog.Logger
	secrets     []Secret

	once sync.Once
	o    *auth.OAuth2
	err  error
}

// NewRefreshTokenSource returns a token source using the refresh_token
// grant (a user's API refresh token). tokenURL is the full token endpoint,
// e.g. Config.TokenURL(). hc nil means http.DefaultClient.
func NewRefreshTokenSource(tokenURL string, refreshToken Secret, hc *http.Client) *OIDCTokenSource {
	return newOIDC(auth.OAuth2Config{GrantType: auth.GrantRefreshToken, TokenURL: tokenURL, RefreshToken: refreshToken}, hc, refreshToken)
}

// NewClientCredentialsSource returns a token source using the
// client_credentials grant (a service account's client id and secret,
// sent as form fields). hc nil means http.DefaultClient.
func NewClientCredentialsSource(tokenURL, clientID string, clientSecret Secret, hc *http.Client) *OIDCTokenSource {
	return newOIDC(auth.OAuth2Config{GrantType: auth.GrantClientCredentials, TokenURL: tokenURL, ClientID: clientID, ClientSecret: clientSecret}, hc, clientSecret)
}

func newOIDC(cfg auth.OAuth2Config, hc *http.Client, secrets ...Secret) *OIDCTokenSource {
	cfg.ClientAuth = auth.ClientAuthBody
	cfg.DefaultExpiresIn = tokenLifetime
	return &OIDCTokenSource{
		cfg:         cfg,
		hc:          hc,
		maxAttempts: DefaultMaxAttempts,
		maxWait:     DefaultMaxRetryWait,
		log:         slog.New(slog.DiscardHandler),
		secrets:     secrets,
	}
}

// oauth builds the auth.OAuth2 on first use, so EarlyExpiry can be set
// after the constructor.
func (s *OIDCTokenSource) oauth() (*auth.OAuth2, error) {
	s.once.Do(func() {
		cfg := s.cfg
		cfg.EarlyExpiry = s.EarlyExpiry
		if cfg.EarlyExpiry <= 0 {
			cfg.EarlyExpiry = DefaultEarlyExpiry
		}
		s.o, s.err = auth.NewOAuth2(cfg, newStack(s.hc, retryPolicy(s.maxAttempts, s.maxWait), s.log, nil))
	})
	return s.o, s.err
}

// Token returns a cached access token, or fetches a new one when the cache
// is empty or about to expire.
func (s *OIDCTokenSource) Token(ctx context.Context) (Secret, error) {
	o, err := s.oauth()
	if err != nil {
		return "", &TokenError{URL: s.safeURL(), Err: err}
	}
	tok, err := o.Token(ctx)
	if err != nil {
		return "", s.tokenError(err)
	}
	return Secret(tok.AccessToken), nil
}

// Invalidate drops the cached token; the next Token call fetches a new one.
func (s *OIDCTokenSource) Invalidate() {
	if o, err := s.oauth(); err == nil {
		o.Invalidate()
	}
}

func (s *OIDCTokenSource) safeURL() string {
	u, err := url.Parse(s.cfg.TokenURL)
	if err != nil {
		return "[unparsable token URL]"
	}
	return redactURL(u)
}

// tokenError turns an *auth.TokenError into a *TokenError: the OAuth2 error
// code and description, or Flexera's goa error body, become Name and
// Message; a transport error names the method and redacted URL.
func (s *OIDCTokenSource) tokenError(err error) error {
	te := &TokenError{URL: s.safeURL(), Err: err}
	var ae *auth.TokenError
	if !errors.As(err, &ae) {
		return te
	}
	te.StatusCode, te.Name, te.Message, te.Err = ae.StatusCode, ae.ErrorCode, scrub(ae.ErrorDescription, s.secrets...), ae.Err
	if te.Name == "" && ae.Body != "" {
		var ge goaError
		if json.Unmarshal([]byte(ae.Body), &ge) == nil && (ge.Name != "" || ge.Message != "") {
			te.Name, te.Message = ge.Name, scrub(ge.Message, s.secrets...)
		} else {
			te.Body = scrub(ae.Body, s.secrets...)
		}
	}
	var ue *url.Error
	if errors.As(te.Err, &ue) {
		te.Err = fmt.Errorf("%s %s: %w", strings.ToUpper(ue.Op), ue.URL, ue.Err)
	}
	return te
}

// goaError is the body of application/vnd.goa.error responses.
type goaError struct {
	Name      string `json:"name"`
	ID        string `json:"id"`
	Message   string `json:"message"`
	Temporary bool   `json:"temporary"`
	Timeout   bool   `json:"timeout"`
	Fault     bool   `json:"fault"`
}
