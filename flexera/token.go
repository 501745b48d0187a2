package flexera

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// TokenSource gives access tokens for the Flexera API. Implementations
// must be safe for concurrent use. A TokenSource that also has an
// Invalidate() method gets it called when the API answers 401, before the
// request is retried once with a new token.
type TokenSource interface {
	Token(ctx context.Context) (Secret, error)
}

// OIDCTokenSource gets access tokens from a Flexera login host
// (POST <login>/oidc/token, form encoded) and caches each until
// EarlyExpiry before its expires_in runs out. It is safe for concurrent
// use: one token request is in flight at a time and concurrent callers wait
// for it (or for their ctx). Token request failures are *TokenError values
// and never contain the credentials.
type OIDCTokenSource struct {
	// EarlyExpiry is how long before expiry a cached token is replaced
	// (DefaultEarlyExpiry when 0; half the lifetime for short-lived tokens).
	EarlyExpiry time.Duration

	tokenURL     string
	grant        string
	refreshToken Secret
	clientID     string
	clientSecret Secret
	hc           *http.Client
	policy       retryPolicy

	lock    chan struct{} // held while reading or refreshing the cache
	access  Secret
	expires time.Time
}

// NewRefreshTokenSource returns a token source using the refresh_token
// grant (a user's API refresh token). tokenURL is the full token endpoint,
// e.g. Config.TokenURL(). hc nil means http.DefaultClient.
func NewRefreshTokenSource(tokenURL string, refreshToken Secret, hc *http.Client) *OIDCTokenSource {
	ts := newOIDC(tokenURL, hc)
	ts.grant = "refresh_token"
	ts.refreshToken = refreshToken
	return ts
}

// NewClientCredentialsSource returns a token source using the
// client_credentials grant (a service account's client id and secret,
// sent as form fields). hc nil means http.DefaultClient.
func NewClientCredentialsSource(tokenURL, clientID string, clientSecret Secret, hc *http.Client) *OIDCTokenSource {
	ts := newOIDC(tokenURL, hc)
	ts.grant = "client_credentials"
	ts.clientID = clientID
	ts.clientSecret = clientSecret
	return ts
}

func newOIDC(tokenURL string, hc *http.Client) *OIDCTokenSource {
	if hc == nil {
		hc = http.DefaultClient
	}
	return &OIDCTokenSource{
		tokenURL: tokenURL,
		hc:       hc,
		policy:   retryPolicy{maxAttempts: DefaultMaxAttempts, maxWait: DefaultMaxRetryWait, log: slog.New(slog.DiscardHandler)},
		lock:     make(chan struct{}, 1),
	}
}

// Token returns a cached access token, or fetches a new one when the cache
// is empty or about to expire.
func (s *OIDCTokenSource) Token(ctx context.Context) (Secret, error) {
	select {
	case s.lock <- struct{}{}:
	case <-ctx.Done():
		return "", fmt.Errorf("flexera: waiting for a token: %w", context.Cause(ctx))
	}
	defer func() { <-s.lock }()
	if s.access != "" && time.Now().Before(s.expires) {
		return s.access, nil
	}
	return s.fetch(ctx)
}

// Invalidate drops the cached token; the next Token call fetches a new one.
func (s *OIDCTokenSource) Invalidate() {
	s.lock <- struct{}{}
	s.access, s.expires = "", time.Time{}
	<-s.lock
}

type tokenResponse struct {
	AccessToken  string   `json:"access_token"`
	ExpiresIn    flexSecs `json:"expires_in"`
	RefreshToken string   `json:"refresh_token"`
	TokenType    string   `json:"token_type"`
}

// flexSecs decodes a number of seconds given as a JSON number or string.
type flexSecs int64

func (f *flexSecs) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	if s == "" || s == "null" {
		*f = 0
		return nil
	}
	n, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return fmt.Errorf("expires_in %s: not a number of seconds", b)
	}
	*f = flexSecs(n)
	return nil
}

func (s *OIDCTokenSource) fetch(ctx context.Context) (Secret, error) {
	form := url.Values{"grant_type": {s.grant}}
	switch s.grant {
	case "refresh_token":
		form.Set("refresh_token", s.refreshToken.Reveal())
	case "client_credentials":
		form.Set("client_id", s.clientID)
		form.Set("client_secret", s.clientSecret.Reveal())
	}
	body := form.Encode()
	safeURL := s.tokenURL
	if u, err := url.Parse(s.tokenURL); err == nil {
		safeURL = redactURL(u)
	}
	build := func() (*http.Request, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.tokenURL, strings.NewReader(body))
		if err != nil {
			return nil, &TokenError{URL: safeURL, Err: err}
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Accept", "application/json")
		return req, nil
	}
	resp, err := s.policy.send(ctx, s.hc, build, nil)
	if err != nil {
		return "", &TokenError{URL: safeURL, Err: err}
	}
	defer drain(resp)
	raw, err := readCapped(resp.Body, 1<<20)
	secrets := []Secret{s.refreshToken, s.clientSecret}
	if err != nil {
		return "", &TokenError{URL: safeURL, StatusCode: resp.StatusCode, Err: err}
	}
	if resp.StatusCode != http.StatusOK {
		te := &TokenError{URL: safeURL, StatusCode: resp.StatusCode}
		var ge struct {
			goaError
			OAuthError       string `json:"error"`
			OAuthDescription string `json:"error_description"`
		}
		if json.Unmarshal(raw, &ge) == nil && (ge.Name != "" || ge.Message != "" || ge.OAuthError != "") {
			te.Name, te.Message = ge.Name, scrub(ge.Message, secrets...)
			if te.Name == "" && te.Message == "" {
				te.Name, te.Message = ge.OAuthError, scrub(ge.OAuthDescription, secrets...)
			}
		} else {
			te.Body = scrub(string(raw), secrets...)
		}
		return "", te
	}
	var tr tokenResponse
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(&tr); err != nil {
		return "", &TokenError{URL: safeURL, StatusCode: resp.StatusCode, Err: fmt.Errorf("decoding the token response: %w", err)}
	}
	if tr.AccessToken == "" {
		return "", &TokenError{URL: safeURL, StatusCode: resp.StatusCode, Message: "response has no access_token"}
	}
	if tr.RefreshToken != "" && s.grant == "refresh_token" {
		s.refreshToken = Secret(tr.RefreshToken)
	}
	life := time.Duration(tr.ExpiresIn) * time.Second
	if life <= 0 {
		life = time.Hour // documented lifetime of Flexera access tokens
	}
	early := s.EarlyExpiry
	if early <= 0 {
		early = DefaultEarlyExpiry
	}
	if early > life/2 {
		early = life / 2
	}
	s.access = Secret(tr.AccessToken)
	s.expires = time.Now().Add(life - early)
	return s.access, nil
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
