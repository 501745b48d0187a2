package auth

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"net/http"
	"regexp"
	"slices"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/jwt"

	"github.com/saasconnect/saasconnect/internal/redact"
	"github.com/saasconnect/saasconnect/internal/transport"
)

// jwtShape matches a compact JWS (three base64url segments).
var jwtShape = regexp.MustCompile(`[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}`)

// JWTBearerConfig configures the JWT bearer grant (RFC 7523 section 2.1):
// the client signs an assertion "issuer acts as subject for audience" with
// its private key and trades it for an access token, with no secret sent.
// Google Workspace domain-wide delegation, Box JWT and Salesforce JWT bearer
// work this way. Signing is done by golang.org/x/oauth2/jwt.
type JWTBearerConfig struct {
	// TokenURL is the token endpoint, an absolute http or https URL.
	// Required.
	TokenURL string
	// Issuer is the assertion's iss claim (Google: the service account's
	// client_email; Salesforce: the connected app's consumer key).
	// Required.
	Issuer string
	// Subject is the sub claim: the user to act as (Google: the admin to
	// impersonate). Optional.
	Subject string
	// Audience is the aud claim; empty means TokenURL.
	Audience string
	// Scopes are sent in the assertion's scope claim (space-separated).
	Scopes []string
	// PrivateKey signs the assertion (RS256): a PEM-encoded RSA private
	// key, PKCS#1 or PKCS#8. Required. KeyID, when set, is the kid header.
	PrivateKey Secret
	KeyID      string
	// TokenResponseSettings, Header, TokenType, EarlyExpiry and
	// DefaultExpiresIn are as in [OAuth2Config].
	TokenResponseSettings map[string]string
	Header                string
	TokenType             string
	EarlyExpiry           time.Duration
	DefaultExpiresIn      time.Duration
}

// Validate reports every problem of c as [*ConfigError]s joined with
// [errors.Join]; nil means [NewJWTBearer] accepts c. No message holds the
// key.
func (c JWTBearerConfig) Validate() error {
	var errs []error
	add := func(field string, err error) {
		errs = append(errs, &ConfigError{Field: "JWTBearerConfig." + field, Err: err})
	}
	if err := checkURL(c.TokenURL); err != nil {
		add("TokenURL", err)
	}
	if c.Issuer == "" {
		add("Issuer", errRequired)
	}
	if k, err := parsePrivateKey(c.PrivateKey.Reveal()); err != nil {
		add("PrivateKey", err)
	} else if _, ok := k.(*rsa.PrivateKey); !ok {
		add("PrivateKey", errors.New("the JWT bearer grant signs with RS256: an RSA key is needed"))
	}
	if c.EarlyExpiry < 0 {
		add("EarlyExpiry", errors.New("must not be negative"))
	}
	if c.DefaultExpiresIn < 0 {
		add("DefaultExpiresIn", errors.New("must not be negative"))
	}
	if err := checkTokenResponseSettings(c.TokenResponseSettings); err != nil {
		add("TokenResponseSettings", err)
	}
	return errors.Join(errs...)
}

// NewJWTBearer returns an [OAuth2] authenticator whose tokens come from
// the JWT bearer grant of cfg. Everything [OAuth2] says holds: caching,
// single-flight token requests with the callers' ctx, no redirect followed
// (client is copied as in [NewOAuth2]), [*TokenError]s without secrets
// (the key and the signed assertion are scrubbed). A cfg that fails
// [JWTBearerConfig.Validate] is an error.
func NewJWTBearer(cfg JWTBearerConfig, client *http.Client) (*OAuth2, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	early := cfg.EarlyExpiry
	if early == 0 {
		early = DefaultEarlyExpiry
	}
	jc := &jwt.Config{
		Email:        cfg.Issuer,
		PrivateKey:   []byte(cfg.PrivateKey.Reveal()),
		PrivateKeyID: cfg.KeyID,
		Subject:      cfg.Subject,
		Scopes:       slices.Clone(cfg.Scopes),
		TokenURL:     cfg.TokenURL,
		Audience:     cfg.Audience,
	}
	o := &OAuth2{
		cfg: OAuth2Config{
			GrantType: GrantJWTBearer, TokenURL: cfg.TokenURL, ClientID: cfg.Issuer, Scopes: jc.Scopes,
			Header: cfg.Header, TokenType: cfg.TokenType, EarlyExpiry: early, DefaultExpiresIn: cfg.DefaultExpiresIn,
			ClientAuth: "assertion",
		},
		client:   transport.WithRedirects(client, transport.RefuseRedirects),
		secret:   redact.New(cfg.PrivateKey.Reveal()),
		settings: newTokenSettings(cfg.TokenResponseSettings),
	}
	// A fresh token source per request: x/oauth2/jwt signs a new assertion
	// (iat now, exp in an hour) each time and reads the client from ctx.
	o.fetchToken = func(ctx context.Context) (*oauth2.Token, error) {
		tok, err := jc.TokenSource(ctx).Token()
		var re *oauth2.RetrieveError
		if errors.As(err, &re) {
			if re.ErrorCode == "" {
				// x/oauth2/jwt does not parse the RFC 6749 error body.
				var e struct {
					Code string `json:"error"`
					Desc string `json:"error_description"`
				}
				if json.Unmarshal(re.Body, &e) == nil {
					re.ErrorCode, re.ErrorDescription = e.Code, e.Desc
				}
			}
			// The signed assertion is a credential for its lifetime, and
			// x/oauth2/jwt does not show it: scrub anything JWT-shaped
			// that the endpoint echoes.
			re.Body = jwtShape.ReplaceAll(re.Body, []byte(redacted))
			re.ErrorDescription = jwtShape.ReplaceAllString(re.ErrorDescription, redacted)
		}
		return tok, err
	}
	o.cache.fetch = o.fetch
	return o, nil
}
