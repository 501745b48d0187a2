package auth

import (
	"context"
	"crypto"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/saasconnect/saasconnect/internal/redact"
	"github.com/saasconnect/saasconnect/internal/transport"
)

// GrantType is an OAuth2 grant (RFC 6749) that obtains a token without a user
// in the loop.
type GrantType string

// The grants [OAuth2] supports.
const (
	// GrantClientCredentials is the client credentials grant (RFC 6749
	// section 4.4): the client authenticates as itself.
	GrantClientCredentials GrantType = "client_credentials"
	// GrantPassword is the resource owner password credentials grant (RFC
	// 6749 section 4.3): Username and Password are sent with every token
	// request (a refresh token in the response is not used).
	GrantPassword GrantType = "password"
	// GrantRefreshToken exchanges a long-lived refresh token for access
	// tokens (RFC 6749 section 6).
	GrantRefreshToken GrantType = "refresh_token"
)

// ClientAuth says where the token endpoint expects the client ID and secret.
// It must be set: guessing (x/oauth2's AuthStyleAutoDetect) sends the
// credentials twice and reports only the second failure.
type ClientAuth string

// The client authentication methods (RFC 6749 section 2.3.1).
const (
	// ClientAuthHeader sends the client ID and secret as HTTP Basic
	// credentials ([oauth2.AuthStyleInHeader]).
	ClientAuthHeader ClientAuth = "header"
	// ClientAuthBody sends them as client_id and client_secret form fields
	// ([oauth2.AuthStyleInParams]).
	ClientAuthBody ClientAuth = "body"
	// ClientAuthPrivateKeyJWT sends a client assertion signed with
	// PrivateKey instead of a secret (RFC 7523 section 2.2, OpenID
	// Connect's private_key_jwt): client_assertion_type and client_assertion
	// form fields, and client_id.
	ClientAuthPrivateKeyJWT ClientAuth = "private_key_jwt"
)

// DefaultEarlyExpiry is how long before its expiry an access token is
// replaced when [OAuth2Config.EarlyExpiry] is zero.
const DefaultEarlyExpiry = 30 * time.Second

// OAuth2Config configures an [OAuth2] authenticator. Secrets are [Secret]s,
// so printing a config never shows them.
type OAuth2Config struct {
	// GrantType selects the grant. Required.
	GrantType GrantType
	// TokenURL is the token endpoint, an absolute http or https URL.
	// Required.
	TokenURL string
	// ClientID identifies the client. Required, except for
	// GrantRefreshToken: some servers (Flexera) identify the client by the
	// refresh token alone, and an empty ClientID is then not sent.
	ClientID string
	// ClientSecret authenticates the client. Required for client
	// credentials; optional (public clients) for the other grants.
	ClientSecret Secret
	// Username and Password are the resource owner's credentials, for
	// GrantPassword (required there, ignored otherwise).
	Username string
	Password Secret
	// RefreshToken is the initial refresh token, for GrantRefreshToken
	// (required there, ignored otherwise). When the server rotates it (sends
	// a new one with an access token), the new one is used from then on.
	RefreshToken Secret
	// Scopes are requested with every token request (space-separated in the
	// "scope" parameter); none means the server's default.
	Scopes []string
	// ClientAuth says where the client credentials go. Required.
	ClientAuth ClientAuth
	// EndpointParams are extra parameters for the token request (e.g.
	// "audience", "resource"). They must not repeat the parameters the grant
	// sets itself, and are printed with the config: put no secret here.
	EndpointParams url.Values
	// EarlyExpiry is how long before its expiry a token is replaced, so
	// that a request never leaves with a token about to expire. Zero means
	// [DefaultEarlyExpiry]. It is capped at half a token's lifetime, so
	// short-lived tokens are still reused.
	EarlyExpiry time.Duration
	// DefaultExpiresIn is the lifetime assumed for a token whose response
	// has no expires_in. Zero keeps such a token until [OAuth2.Invalidate].
	DefaultExpiresIn time.Duration
	// Header, when set, carries the access token instead of Authorization
	// (Workfront sends it as "sessionID"). TokenType then prefixes it
	// ("" = the raw token); with Header empty the token goes in
	// "Authorization: <token_type from the server> <token>" as usual, and
	// TokenType is ignored.
	Header    string
	TokenType string
	// OnToken, if set, is called with every access token and every refresh
	// token the server issues (rotated ones included), before they are
	// used, so that the caller can hide them from its own errors and logs.
	// It is called from the goroutine that requests the token; it must be
	// safe for concurrent use and must not block.
	OnToken func(token string) `json:"-"`
	// PrivateKey signs the client assertion of ClientAuthPrivateKeyJWT
	// (required there, ignored otherwise): a PEM-encoded RSA (PKCS#1 or
	// PKCS#8) or EC private key. KeyID, when set, is the assertion's kid
	// header.
	PrivateKey Secret
	KeyID      string
	// TokenResponseSettings maps setting names to top-level fields of the
	// token response ({"base_url": "instance_url"}): after every token
	// response the settings take those values, read with
	// [OAuth2.TokenSettings]. Each value must be an https URL (or http to a
	// loopback host), or the token request fails.
	TokenResponseSettings map[string]string
}

// reservedParams are token request parameters OAuth2 sets itself.
var reservedParams = []string{"grant_type", "scope", "client_id", "client_secret", "username", "password", "refresh_token", "client_assertion", "client_assertion_type"}

// Validate reports every problem of c as [*ConfigError]s joined with
// [errors.Join]; nil means [NewOAuth2] accepts c.
func (c OAuth2Config) Validate() error {
	var errs []error
	add := func(field string, err error) {
		errs = append(errs, &ConfigError{Field: "OAuth2Config." + field, Err: err})
	}
	switch c.GrantType {
	case GrantClientCredentials:
		if c.ClientSecret == "" && c.ClientAuth != ClientAuthPrivateKeyJWT {
			add("ClientSecret", errors.New("required for the client_credentials grant"))
		}
	case GrantPassword:
		if c.Username == "" {
			add("Username", errors.New("required for the password grant"))
		}
		if c.Password == "" {
			add("Password", errors.New("required for the password grant"))
		}
	case GrantRefreshToken:
		if c.RefreshToken == "" {
			add("RefreshToken", errors.New("required for the refresh_token grant"))
		}
	case "":
		add("GrantType", errRequired)
	default:
		// Any other grant (Zoom's account_credentials) is sent as is, with
		// the client credentials; its own parameters go in EndpointParams.
		if err := checkGrantName(c.GrantType); err != nil {
			add("GrantType", err)
		}
		if c.ClientSecret == "" && c.ClientAuth != ClientAuthPrivateKeyJWT {
			add("ClientSecret", fmt.Errorf("required for the %s grant", string(c.GrantType)))
		}
	}
	if err := checkURL(c.TokenURL); err != nil {
		add("TokenURL", err)
	}
	if c.ClientID == "" && c.GrantType != GrantRefreshToken {
		add("ClientID", errRequired)
	}
	switch c.ClientAuth {
	case ClientAuthHeader, ClientAuthBody:
	case ClientAuthPrivateKeyJWT:
		if _, err := parsePrivateKey(c.PrivateKey.Reveal()); err != nil {
			add("PrivateKey", err)
		}
	case "":
		add("ClientAuth", errors.New(`required: "header" (HTTP Basic), "body" (form fields) or "private_key_jwt" (signed client assertion)`))
	default:
		add("ClientAuth", fmt.Errorf("unknown value %q (want \"header\", \"body\" or \"private_key_jwt\")", string(c.ClientAuth)))
	}
	if err := checkTokenResponseSettings(c.TokenResponseSettings); err != nil {
		add("TokenResponseSettings", err)
	}
	for _, k := range reservedParams {
		if _, ok := c.EndpointParams[k]; ok {
			add("EndpointParams", fmt.Errorf("must not set %q: the grant sets it", k))
		}
	}
	if c.EarlyExpiry < 0 {
		add("EarlyExpiry", errors.New("must not be negative"))
	}
	if c.DefaultExpiresIn < 0 {
		add("DefaultExpiresIn", errors.New("must not be negative"))
	}
	return errors.Join(errs...)
}

// checkURL reports whether raw is an absolute http(s) URL without user info.
// Its errors never repeat raw (it may hold credentials).
func checkURL(raw string) error {
	if raw == "" {
		return errRequired
	}
	u, err := url.Parse(raw)
	if err != nil {
		return errors.New("not a valid URL")
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return errors.New("must be an absolute http or https URL")
	}
	if u.User != nil {
		return errors.New("must not contain credentials")
	}
	return nil
}

// OAuth2 is an [Authenticator] that sends "Authorization: <type> <access
// token>" with an access token obtained from an OAuth2 token endpoint through
// golang.org/x/oauth2.
//
// The token is cached and replaced EarlyExpiry before it expires (a token
// without expiry is kept until [OAuth2.Invalidate]). OAuth2 is safe for
// concurrent use by multiple goroutines; token requests are single-flight:
// any number of goroutines needing a token at once cause one request. Token
// requests are sent with the *http.Client given to [NewOAuth2], and use the
// ctx of the call that needs the token (see [OAuth2.Token]); no ctx is kept.
//
// Every error of Token and Authenticate is a [*TokenError]; when the
// caller's ctx ends first, it unwraps to ctx.Err().
type OAuth2 struct {
	cfg    OAuth2Config // cloned; never modified
	client *http.Client
	cache  tokenCache[*oauth2.Token]
	secret *redact.Set // the configured secrets and the tokens obtained

	mu      sync.Mutex
	refresh string // current refresh token (GrantRefreshToken)

	key      crypto.Signer  // ClientAuthPrivateKeyJWT's
	settings *tokenSettings // TokenResponseSettings; nil when none
	// fetchToken, when set, replaces the client credentials request
	// (NewJWTBearer).
	fetchToken func(ctx context.Context) (*oauth2.Token, error)
}

// NewOAuth2 returns an OAuth2 authenticator for cfg. Token requests are sent
// with a copy of client (nil means [http.DefaultClient]) that follows no
// redirect: a redirect answer is an error naming both redacted URLs, so the
// credentials are never resent elsewhere. client must not itself
// authenticate with the returned OAuth2. No request is made until a token is
// needed. A cfg that fails [OAuth2Config.Validate] is an error.
func NewOAuth2(cfg OAuth2Config, client *http.Client) (*OAuth2, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	// A token endpoint has no business redirecting, and following one
	// would resend the client secret, refresh token or password.
	client = transport.WithRedirects(client, transport.RefuseRedirects)
	cfg.Scopes = slices.Clone(cfg.Scopes)
	params := make(url.Values, len(cfg.EndpointParams))
	for k, v := range cfg.EndpointParams {
		params[k] = slices.Clone(v)
	}
	cfg.EndpointParams = params
	if cfg.EarlyExpiry == 0 {
		cfg.EarlyExpiry = DefaultEarlyExpiry
	}
	o := &OAuth2{
		cfg:     cfg,
		client:  client,
		refresh: cfg.RefreshToken.Reveal(),
		secret:  redact.New(cfg.ClientSecret.Reveal(), cfg.Password.Reveal(), cfg.RefreshToken.Reveal()),
	}
	// The HTTP Basic client credentials, as x/oauth2 encodes them.
	o.secret.AddBasic(cfg.ClientID, cfg.ClientSecret.Reveal())
	if cfg.ClientAuth == ClientAuthPrivateKeyJWT {
		o.key, _ = parsePrivateKey(cfg.PrivateKey.Reveal()) // checked by Validate
		o.secret.Add(cfg.PrivateKey.Reveal())
	}
	o.settings = newTokenSettings(cfg.TokenResponseSettings)
	o.cache.fetch = o.fetch
	return o, nil
}

// Token returns a valid access token: the cached one, or a new one from the
// token endpoint. ctx bounds the token request and carries its values (for
// tracing) to it; if several goroutines wait for one token request, it is
// cancelled only when all their contexts are done. The returned token is a
// copy; modifying it does not affect the cache.
func (o *OAuth2) Token(ctx context.Context) (*oauth2.Token, error) {
	tok, err := o.cache.get(ctx)
	if err != nil {
		return nil, asTokenError(err, "token request", o.secret.RawURL(o.cfg.TokenURL))
	}
	c := *tok
	return &c, nil
}

// Authenticate sets req's Authorization header to the token's type and
// access token, fetching a token first if needed. The type is the server's
// token_type as [oauth2.Token.Type] normalizes it: "Bearer" when absent or
// any case of "bearer".
func (o *OAuth2) Authenticate(ctx context.Context, req *http.Request) error {
	tok, err := o.Token(ctx)
	if err != nil {
		return err
	}
	if o.cfg.Header == "" {
		tok.SetAuthHeader(req)
		return nil
	}
	req.Header.Set(o.cfg.Header, o.headerValue(tok))
	return nil
}

// headerValue is what a request carries in o.cfg.Header for tok.
func (o *OAuth2) headerValue(tok *oauth2.Token) string {
	if o.cfg.TokenType == "" {
		return tok.AccessToken
	}
	return o.cfg.TokenType + " " + tok.AccessToken
}

// Invalidate drops the cached access token; the next Authenticate or Token
// requests a new one. It does not block.
func (o *OAuth2) Invalidate() { o.cache.invalidate() }

// invalidateFor drops the cached token if req was sent with it.
func (o *OAuth2) invalidateFor(req *http.Request) {
	if o.cfg.Header != "" {
		h := req.Header.Get(o.cfg.Header)
		o.cache.invalidateIf(func(t *oauth2.Token) bool { return h == o.headerValue(t) })
		return
	}
	h := req.Header.Get("Authorization")
	o.cache.invalidateIf(func(t *oauth2.Token) bool {
		return h == t.Type()+" "+t.AccessToken
	})
}

// String describes o without its secrets.
func (o *OAuth2) String() string {
	return fmt.Sprintf("auth.OAuth2{GrantType: %s, TokenURL: %s, ClientID: %s, ClientAuth: %s, Scopes: %q}",
		o.cfg.GrantType, o.secret.RawURL(o.cfg.TokenURL), o.cfg.ClientID, o.cfg.ClientAuth, o.cfg.Scopes)
}

// GoString is String, so %#v shows no secret either.
func (o *OAuth2) GoString() string { return o.String() }

// fetch requests a token. All three grants go through
// clientcredentials.Config.Token, which takes ctx per call and lets
// EndpointParams set grant_type (x/oauth2 allows that "to allow
// interoperability"), so Scopes, EndpointParams and ClientAuth apply the
// same way to every grant, which oauth2.Config's password and refresh flows
// do not allow.
func (o *OAuth2) fetch(ctx context.Context) (*oauth2.Token, time.Time, error) {
	params := make(url.Values, len(o.cfg.EndpointParams)+3)
	for k, v := range o.cfg.EndpointParams {
		params[k] = v
	}
	params.Set("grant_type", string(o.cfg.GrantType))
	switch o.cfg.GrantType {
	case GrantPassword:
		params.Set("username", o.cfg.Username)
		params.Set("password", o.cfg.Password.Reveal())
	case GrantRefreshToken:
		o.mu.Lock()
		rt := o.refresh
		o.mu.Unlock()
		params.Set("refresh_token", rt)
	}
	style := oauth2.AuthStyleInParams
	if o.cfg.ClientAuth == ClientAuthHeader {
		style = oauth2.AuthStyleInHeader
	}
	clientSecret := o.cfg.ClientSecret.Reveal()
	if o.key != nil {
		a, err := clientAssertion(o.key, o.cfg.KeyID, o.cfg.ClientID, o.cfg.TokenURL, time.Now())
		if err != nil {
			return nil, time.Time{}, &TokenError{Op: "token request", URL: redactURL(o.cfg.TokenURL), Err: fmt.Errorf("signing the client assertion: %w", redactCause(o.secret, err))}
		}
		params.Set("client_assertion_type", ClientAssertionType)
		params.Set("client_assertion", a)
		o.secret.AddToken(a) // one per request: the Set keeps the last few
		clientSecret = ""
	}
	cc := &clientcredentials.Config{
		ClientID:       o.cfg.ClientID,
		ClientSecret:   clientSecret,
		TokenURL:       o.cfg.TokenURL,
		Scopes:         o.cfg.Scopes,
		EndpointParams: params,
		AuthStyle:      style,
	}
	var tok *oauth2.Token
	var err error
	if o.fetchToken != nil {
		tok, err = o.fetchToken(context.WithValue(ctx, oauth2.HTTPClient, o.client))
	} else {
		tok, err = cc.Token(context.WithValue(ctx, oauth2.HTTPClient, o.client))
	}
	if err != nil {
		return nil, time.Time{}, o.tokenError(err, o.secret)
	}
	o.secret.AddToken(tok.AccessToken)
	o.secret.AddToken(tok.RefreshToken)
	if o.cfg.OnToken != nil {
		o.cfg.OnToken(tok.AccessToken)
		if tok.RefreshToken != "" {
			o.cfg.OnToken(tok.RefreshToken)
		}
	}
	if err := o.settings.note(tok); err != nil {
		return nil, time.Time{}, &TokenError{Op: "token request", URL: redactURL(o.cfg.TokenURL), Err: err}
	}
	if tok.Expiry.IsZero() && o.cfg.DefaultExpiresIn > 0 {
		tok.Expiry = time.Now().Add(o.cfg.DefaultExpiresIn)
	}
	if o.cfg.GrantType == GrantRefreshToken && tok.RefreshToken != "" {
		o.mu.Lock()
		o.refresh = tok.RefreshToken // rotated (or the same one echoed back)
		o.mu.Unlock()
	}
	return tok, staleAt(tok.Expiry, o.cfg.EarlyExpiry), nil
}

// staleAt returns when a token expiring at expiry should be replaced: early
// before, but not earlier than halfway through its remaining lifetime. A zero
// expiry (the server sent no expires_in) never goes stale.
func staleAt(expiry time.Time, early time.Duration) time.Time {
	if expiry.IsZero() {
		return time.Time{}
	}
	if life := time.Until(expiry); early > life/2 {
		early = life / 2
	}
	return expiry.Add(-early)
}

// tokenError converts an x/oauth2 error into a *TokenError without secrets.
func (o *OAuth2) tokenError(err error, secret *redact.Set) error {
	te := &TokenError{Op: "token request", URL: o.secret.RawURL(o.cfg.TokenURL)}
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		if re.Response != nil {
			te.StatusCode = re.Response.StatusCode
		}
		te.ErrorCode = secret.String(re.ErrorCode)
		te.ErrorDescription = redact.Cap(secret.String(re.ErrorDescription), redact.MaxBody)
		te.Body = secret.Body(re.Body)
		return te
	}
	te.Err = redactCause(secret, err)
	return te
}
