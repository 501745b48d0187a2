package auth

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"golang.org/x/oauth2"
)

const (
	clientSecret = "cl1ent-s3cret/+="
	userPassword = "p4ss word&x"
	refreshTok   = "rt-initial-9f8e7d"
)

func TestOAuth2TokenRequest(t *testing.T) {
	tests := []struct {
		name string
		cfg  OAuth2Config
		want url.Values // the form the token endpoint must receive (without client credentials)
	}{
		{
			name: "client credentials in header",
			cfg: OAuth2Config{GrantType: GrantClientCredentials, ClientID: "my id", ClientSecret: clientSecret,
				ClientAuth: ClientAuthHeader, Scopes: []string{"user", "account:read"}},
			want: url.Values{"grant_type": {"client_credentials"}, "scope": {"user account:read"}},
		},
		{
			name: "client credentials in body",
			cfg: OAuth2Config{GrantType: GrantClientCredentials, ClientID: "my id", ClientSecret: clientSecret,
				ClientAuth: ClientAuthBody, Scopes: []string{"https://graph.microsoft.com/.default"}},
			want: url.Values{"grant_type": {"client_credentials"}, "scope": {"https://graph.microsoft.com/.default"}},
		},
		{
			name: "password grant in header",
			cfg: OAuth2Config{GrantType: GrantPassword, ClientID: "my id", ClientSecret: clientSecret,
				ClientAuth: ClientAuthHeader, Username: "alice@example.com", Password: userPassword},
			want: url.Values{"grant_type": {"password"}, "username": {"alice@example.com"}, "password": {userPassword}},
		},
		{
			name: "password grant, public client in body",
			cfg: OAuth2Config{GrantType: GrantPassword, ClientID: "my id", ClientAuth: ClientAuthBody,
				Username: "alice", Password: userPassword, Scopes: []string{"openid"}},
			want: url.Values{"grant_type": {"password"}, "username": {"alice"}, "password": {userPassword}, "scope": {"openid"}},
		},
		{
			name: "refresh token in body with endpoint params",
			cfg: OAuth2Config{GrantType: GrantRefreshToken, ClientID: "my id", ClientSecret: clientSecret,
				ClientAuth: ClientAuthBody, RefreshToken: refreshTok, EndpointParams: url.Values{"audience": {"api"}}},
			want: url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refreshTok}, "audience": {"api"}},
		},
		{
			name: "refresh token in header",
			cfg: OAuth2Config{GrantType: GrantRefreshToken, ClientID: "my id", ClientSecret: clientSecret,
				ClientAuth: ClientAuthHeader, RefreshToken: refreshTok},
			want: url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refreshTok}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := &tokenServer{t: t}
			srv := httptest.NewServer(ts)
			defer srv.Close()
			tt.cfg.TokenURL = srv.URL + "/oauth/token"
			o, err := NewOAuth2(tt.cfg, srv.Client())
			if err != nil {
				t.Fatal(err)
			}
			req := newReq(t, "https://api.example.com/users")
			if err := o.Authenticate(t.Context(), req); err != nil {
				t.Fatal(err)
			}
			if got := req.Header.Get("Authorization"); got != "Bearer tok-1" {
				t.Errorf("Authorization = %q, want Bearer tok-1", got)
			}
			calls := ts.Calls()
			if len(calls) != 1 {
				t.Fatalf("%d token requests, want 1", len(calls))
			}
			c := calls[0]
			if c.Method != http.MethodPost || c.ContentType != "application/x-www-form-urlencoded" {
				t.Errorf("token request %s %s, want POST form", c.Method, c.ContentType)
			}
			want := url.Values{}
			for k, v := range tt.want {
				want[k] = v
			}
			switch tt.cfg.ClientAuth {
			case ClientAuthHeader:
				if !c.HasBasic || c.BasicUser != tt.cfg.ClientID || c.BasicPass != tt.cfg.ClientSecret.Reveal() {
					t.Errorf("Basic credentials = %v %q:%q, want %q:%q", c.HasBasic, c.BasicUser, c.BasicPass, tt.cfg.ClientID, tt.cfg.ClientSecret.Reveal())
				}
			case ClientAuthBody:
				if c.HasBasic {
					t.Errorf("Authorization header %q sent, want client credentials in the body only", c.AuthorizationHdr)
				}
				want.Set("client_id", tt.cfg.ClientID)
				if tt.cfg.ClientSecret != "" {
					want.Set("client_secret", tt.cfg.ClientSecret.Reveal())
				}
			}
			if got, w := c.Form.Encode(), want.Encode(); got != w {
				t.Errorf("token request form:\n got %s\nwant %s", got, w)
			}
		})
	}
}

// TestOAuth2UsesGivenClient: token requests go through the client passed to
// NewOAuth2, not one from the caller's ctx or http.DefaultClient.
func TestOAuth2UsesGivenClient(t *testing.T) {
	ts := &tokenServer{t: t}
	var viaGiven int
	var mu sync.Mutex
	given := &http.Client{Transport: rtFunc(func(r *http.Request) (*http.Response, error) {
		mu.Lock()
		viaGiven++
		mu.Unlock()
		return handlerTransport{ts}.RoundTrip(r)
	})}
	other := &http.Client{Transport: rtFunc(func(r *http.Request) (*http.Response, error) {
		t.Error("token request sent with the ctx's client")
		return nil, errors.New("wrong client")
	})}
	o, err := NewOAuth2(OAuth2Config{GrantType: GrantClientCredentials, TokenURL: "https://idp.test/token",
		ClientID: "id", ClientSecret: "s", ClientAuth: ClientAuthBody}, given)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.WithValue(t.Context(), oauth2.HTTPClient, other)
	tok, err := o.Token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if tok.AccessToken != "tok-1" || viaGiven != 1 {
		t.Errorf("token %q via given client %d times", tok.AccessToken, viaGiven)
	}
	// The returned token is a copy.
	tok.AccessToken = "tampered"
	if tok2, _ := o.Token(t.Context()); tok2.AccessToken != "tok-1" {
		t.Errorf("cache modified through the returned token: %q", tok2.AccessToken)
	}
}

func TestOAuth2TokenErrors(t *testing.T) {
	tests := []struct {
		name        string
		status      int
		contentType string
		body        string
		wantInvalid bool   // errors.Is(err, ErrInvalidCredentials)
		wantInMsg   string // a substring the message must hold
	}{
		{"400 invalid_grant", 400, "application/json",
			`{"error":"invalid_grant","error_description":"bad password ` + userPassword + `"}`, true, "invalid_grant"},
		{"401 invalid_client", 401, "application/json", `{"error":"invalid_client"}`, true, "401 Unauthorized"},
		{"401 plain body", 401, "text/html", `<h1>denied for ` + clientSecret + `</h1>`, true, "denied for [REDACTED]"},
		{"400 invalid_scope", 400, "application/json", `{"error":"invalid_scope"}`, false, "invalid_scope"},
		{"500 echoing the request", 500, "text/plain",
			"internal error: grant_type=password&password=" + url.QueryEscape(userPassword) + "&client_secret=" + url.QueryEscape(clientSecret),
			false, "500 Internal Server Error"},
		{"500 long body", 500, "text/plain", strings.Repeat("x", 5000) + clientSecret, false, "(truncated)"},
		{"200 without token", 200, "application/json", `{"token_type":"Bearer"}`, false, "missing access_token"},
		{"200 not JSON", 200, "application/json", `<html>` + clientSecret, false, "token request"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", tt.contentType)
				w.WriteHeader(tt.status)
				io.WriteString(w, tt.body)
			}))
			defer srv.Close()
			o, err := NewOAuth2(OAuth2Config{GrantType: GrantPassword, TokenURL: srv.URL + "/token?tenant=acme",
				ClientID: "id", ClientSecret: clientSecret, Username: "alice", Password: userPassword,
				ClientAuth: ClientAuthHeader}, srv.Client())
			if err != nil {
				t.Fatal(err)
			}
			req := newReq(t, "https://api.example.com/")
			err = o.Authenticate(t.Context(), req)
			var te *TokenError
			if !errors.As(err, &te) {
				t.Fatalf("err = %v (%T), want *TokenError", err, err)
			}
			if !errors.Is(err, ErrTokenRequest) {
				t.Error("not errors.Is ErrTokenRequest")
			}
			if got := errors.Is(err, ErrInvalidCredentials); got != tt.wantInvalid {
				t.Errorf("errors.Is(err, ErrInvalidCredentials) = %v, want %v", got, tt.wantInvalid)
			}
			if tt.status != 200 && te.StatusCode != tt.status {
				t.Errorf("StatusCode = %d, want %d", te.StatusCode, tt.status)
			}
			msg := err.Error()
			if !strings.Contains(msg, tt.wantInMsg) || !strings.Contains(msg, "/token?tenant=acme") {
				t.Errorf("message %q lacks %q or the redacted URL", msg, tt.wantInMsg)
			}
			if len(te.Body) > maxErrorBody+len("...(truncated)") {
				t.Errorf("Body is %d bytes, want it capped", len(te.Body))
			}
			assertNoSecret(t, err, clientSecret, userPassword)
			if req.Header.Get("Authorization") != "" {
				t.Error("request authenticated despite the error")
			}
		})
	}
}

// assertNoSecret fails if err's message, or its %v/%+v/%#v formatting, holds
// any of the secrets in any usual encoding.
func assertNoSecret(t *testing.T, err error, secrets ...string) {
	t.Helper()
	for _, verb := range []string{"%s", "%v", "%+v", "%#v"} {
		out := fmt.Sprintf(verb, err)
		for _, s := range secrets {
			for _, enc := range []string{s, url.QueryEscape(s), url.PathEscape(s)} {
				if strings.Contains(out, enc) {
					t.Errorf("Sprintf(%q, err) holds a secret: %s", verb, out)
				}
			}
		}
	}
}

func TestOAuth2TransportError(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	srv.Close() // connection refused
	o, err := NewOAuth2(OAuth2Config{GrantType: GrantClientCredentials, TokenURL: srv.URL + "/token?key=" + clientSecret,
		ClientID: "id", ClientSecret: clientSecret, ClientAuth: ClientAuthBody}, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = o.Token(t.Context())
	var te *TokenError
	if !errors.As(err, &te) || te.StatusCode != 0 {
		t.Fatalf("err = %v, want a TokenError without status", err)
	}
	var ue *url.Error
	if !errors.As(err, &ue) {
		t.Errorf("err does not unwrap to the *url.Error: %v", err)
	}
	if errors.Is(err, ErrInvalidCredentials) {
		t.Error("a connection error matches ErrInvalidCredentials")
	}
	assertNoSecret(t, err, clientSecret)
}

// TestOAuth2ExpiryMidWalk walks pages over fake time: the token is reused
// until EarlyExpiry before it expires, then replaced without a failed
// request.
func TestOAuth2ExpiryMidWalk(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ts := &tokenServer{t: t}
		o, err := NewOAuth2(OAuth2Config{GrantType: GrantClientCredentials, TokenURL: "https://idp.test/token",
			ClientID: "id", ClientSecret: "s", ClientAuth: ClientAuthHeader}, memClient(ts)) // expires_in 3600, EarlyExpiry 30s
		if err != nil {
			t.Fatal(err)
		}
		api := newAPIServer("Authorization", "Bearer tok-1", "Bearer tok-2")
		c := &http.Client{Transport: &Transport{Auth: o, Base: handlerTransport{api}}}
		start := time.Now()
		// Pages at 0, 20m, 40m, 59m29s (tok-1 still fresh), 59m31s (stale: 30s before expiry).
		for _, at := range []time.Duration{0, 20 * time.Minute, 40 * time.Minute, 59*time.Minute + 29*time.Second, 59*time.Minute + 31*time.Second, 70 * time.Minute} {
			time.Sleep(time.Until(start.Add(at)))
			if code, _ := get(t, c, "https://api.test/users"); code != 200 {
				t.Fatalf("page at %v: status %d", at, code)
			}
		}
		want := "[Bearer tok-1 Bearer tok-1 Bearer tok-1 Bearer tok-1 Bearer tok-2 Bearer tok-2]"
		if got := fmt.Sprint(api.Seen()); got != want {
			t.Errorf("API saw %s\nwant %s", got, want)
		}
		if n := len(ts.Calls()); n != 2 {
			t.Errorf("%d token requests, want 2", n)
		}
	})
}

func TestOAuth2ExpiryEdgeCases(t *testing.T) {
	tests := []struct {
		name      string
		early     time.Duration
		expiresIn any // nil: no expires_in
		// at each offset, the token the caller must get
		steps []struct {
			at   time.Duration
			want string
		}
	}{
		{name: "short-lived token reused for half its life", early: 0, expiresIn: 20, steps: []struct {
			at   time.Duration
			want string
		}{{0, "tok-1"}, {9 * time.Second, "tok-1"}, {11 * time.Second, "tok-2"}}},
		{name: "custom early expiry", early: 5 * time.Minute, expiresIn: 3600, steps: []struct {
			at   time.Duration
			want string
		}{{0, "tok-1"}, {54 * time.Minute, "tok-1"}, {55*time.Minute + time.Second, "tok-2"}}},
		{name: "no expiry kept", expiresIn: nil, steps: []struct {
			at   time.Duration
			want string
		}{{0, "tok-1"}, {24 * time.Hour, "tok-1"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				ts := &tokenServer{t: t, respond: func(n int, _ tokenCall, w http.ResponseWriter) {
					v := map[string]any{"access_token": fmt.Sprintf("tok-%d", n), "token_type": "bearer"}
					if tt.expiresIn != nil {
						v["expires_in"] = tt.expiresIn
					}
					writeToken(w, v)
				}}
				o, err := NewOAuth2(OAuth2Config{GrantType: GrantClientCredentials, TokenURL: "https://idp.test/token",
					ClientID: "id", ClientSecret: "s", ClientAuth: ClientAuthHeader, EarlyExpiry: tt.early}, memClient(ts))
				if err != nil {
					t.Fatal(err)
				}
				start := time.Now()
				for _, st := range tt.steps {
					time.Sleep(time.Until(start.Add(st.at)))
					tok, err := o.Token(t.Context())
					if err != nil {
						t.Fatal(err)
					}
					if tok.AccessToken != st.want {
						t.Errorf("at %v: token %s, want %s", st.at, tok.AccessToken, st.want)
					}
				}
				// Invalidate always forces a new token.
				o.Invalidate()
				if tok, _ := o.Token(t.Context()); tok.AccessToken == tt.steps[len(tt.steps)-1].want {
					t.Errorf("after Invalidate: same token %s", tok.AccessToken)
				}
			})
		})
	}
}

// TestOAuth2RefreshTokenRotation: a refresh token returned by the server
// replaces the previous one; a response without one keeps it.
func TestOAuth2RefreshTokenRotation(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ts := &tokenServer{t: t, respond: func(n int, _ tokenCall, w http.ResponseWriter) {
			v := map[string]any{"access_token": fmt.Sprintf("tok-%d", n), "token_type": "Bearer", "expires_in": 600}
			if n != 2 { // the second response does not rotate
				v["refresh_token"] = fmt.Sprintf("rt-%d", n)
			}
			writeToken(w, v)
		}}
		o, err := NewOAuth2(OAuth2Config{GrantType: GrantRefreshToken, TokenURL: "https://idp.test/token",
			ClientID: "id", ClientSecret: clientSecret, RefreshToken: refreshTok, ClientAuth: ClientAuthBody}, memClient(ts))
		if err != nil {
			t.Fatal(err)
		}
		for range 4 {
			if _, err := o.Token(t.Context()); err != nil {
				t.Fatal(err)
			}
			time.Sleep(10 * time.Minute) // expired
		}
		var sent []string
		for _, c := range ts.Calls() {
			sent = append(sent, c.Form.Get("refresh_token"))
		}
		if got, want := fmt.Sprint(sent), "["+refreshTok+" rt-1 rt-1 rt-3]"; got != want {
			t.Errorf("refresh tokens sent %s, want %s", got, want)
		}
	})
}

// TestOAuth2ConcurrentSingleFlight: N goroutines needing a token at once
// cause exactly one token request.
func TestOAuth2ConcurrentSingleFlight(t *testing.T) {
	const n = 50
	t.Run("fake time", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			ts := &tokenServer{t: t, respond: func(n int, _ tokenCall, w http.ResponseWriter) {
				time.Sleep(time.Second) // a slow token endpoint: everyone arrives while it works
				writeToken(w, map[string]any{"access_token": fmt.Sprintf("tok-%d", n), "expires_in": 3600})
			}}
			o, err := NewOAuth2(OAuth2Config{GrantType: GrantClientCredentials, TokenURL: "https://idp.test/token",
				ClientID: "id", ClientSecret: "s", ClientAuth: ClientAuthHeader}, memClient(ts))
			if err != nil {
				t.Fatal(err)
			}
			got := make([]string, n)
			var wg sync.WaitGroup
			for i := range n {
				wg.Go(func() {
					tok, err := o.Token(t.Context())
					if err == nil {
						got[i] = tok.AccessToken
					}
				})
			}
			wg.Wait()
			for i, g := range got {
				if g != "tok-1" {
					t.Errorf("goroutine %d got %q, want tok-1", i, g)
				}
			}
			if c := len(ts.Calls()); c != 1 {
				t.Errorf("%d token requests, want 1", c)
			}
		})
	})
	t.Run("real server", func(t *testing.T) {
		ts := &tokenServer{t: t}
		srv := httptest.NewServer(ts)
		defer srv.Close()
		o, err := NewOAuth2(OAuth2Config{GrantType: GrantClientCredentials, TokenURL: srv.URL,
			ClientID: "id", ClientSecret: "s", ClientAuth: ClientAuthBody}, srv.Client())
		if err != nil {
			t.Fatal(err)
		}
		api := newAPIServer("Authorization", "Bearer tok-1")
		c := &http.Client{Transport: &Transport{Auth: o, Base: handlerTransport{api}}}
		codes := make([]int, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() { codes[i] = status(t.Context(), c, "https://api.test/") })
		}
		wg.Wait()
		for i, code := range codes {
			if code != 200 {
				t.Errorf("request %d: status %d", i, code)
			}
		}
		if c := len(ts.Calls()); c != 1 {
			t.Errorf("%d token requests, want 1", c)
		}
	})
}

// TestOAuth2WaiterCancellation: a caller that gives up does not fail the
// others waiting for the same token request; when all give up, the token
// request is cancelled.
func TestOAuth2WaiterCancellation(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		release := make(chan struct{})
		cancelled := make(chan struct{})
		ts := &tokenServer{t: t, respond: func(n int, c tokenCall, w http.ResponseWriter) {
			<-release
			writeToken(w, map[string]any{"access_token": fmt.Sprintf("tok-%d", n)})
		}}
		blocking := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/hang" {
				<-r.Context().Done() // until the token request is cancelled
				close(cancelled)
				return
			}
			ts.ServeHTTP(w, r)
		})
		newO := func(path string) *OAuth2 {
			o, err := NewOAuth2(OAuth2Config{GrantType: GrantClientCredentials, TokenURL: "https://idp.test" + path,
				ClientID: "id", ClientSecret: "s", ClientAuth: ClientAuthHeader}, memClient(blocking))
			if err != nil {
				t.Fatal(err)
			}
			return o
		}

		// One impatient caller among two.
		o := newO("/token")
		impatient, cancel := context.WithCancel(t.Context())
		errA := make(chan error, 1)
		tokB := make(chan string, 1)
		go func() { _, err := o.Token(impatient); errA <- err }()
		go func() {
			tok, err := o.Token(t.Context())
			if err != nil {
				tokB <- err.Error()
				return
			}
			tokB <- tok.AccessToken
		}()
		synctest.Wait() // both wait for the token request
		cancel()
		if err := <-errA; !errors.Is(err, context.Canceled) || !errors.As(err, new(*TokenError)) {
			t.Errorf("impatient caller: %v, want a TokenError wrapping context.Canceled", err)
		}
		close(release)
		if got := <-tokB; got != "tok-1" {
			t.Errorf("patient caller got %q, want tok-1", got)
		}

		// Everyone gives up: the token request is cancelled.
		o = newO("/hang")
		ctx, cancel2 := context.WithCancel(t.Context())
		done := make(chan error, 1)
		go func() { _, err := o.Token(ctx); done <- err }()
		synctest.Wait()
		cancel2()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
		<-cancelled // the handler saw its request cancelled

		// A cancelled ctx fails fast without a request.
		if _, err := newO("/token").Token(ctx); !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled ctx: %v", err)
		}
	})
}

// TestOAuth2Retry401: through Transport, a 401 causes exactly one token
// refresh and one resend; a second 401 goes back to the caller.
func TestOAuth2Retry401(t *testing.T) {
	tests := []struct {
		name       string
		valid      []string
		wantStatus int
		wantSeen   string
	}{
		{"refresh fixes it", []string{"Bearer tok-2"}, 200, "[Bearer tok-1 Bearer tok-2]"},
		{"still 401", nil, 401, "[Bearer tok-1 Bearer tok-2]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := &tokenServer{t: t}
			o, err := NewOAuth2(OAuth2Config{GrantType: GrantClientCredentials, TokenURL: "https://idp.test/token",
				ClientID: "id", ClientSecret: "s", ClientAuth: ClientAuthHeader}, memClient(ts))
			if err != nil {
				t.Fatal(err)
			}
			api := newAPIServer("Authorization", tt.valid...)
			c := &http.Client{Transport: &Transport{Auth: o, Base: handlerTransport{api}}}
			code, _ := get(t, c, "https://api.test/users")
			if code != tt.wantStatus {
				t.Errorf("status %d, want %d", code, tt.wantStatus)
			}
			if got := fmt.Sprint(api.Seen()); got != tt.wantSeen {
				t.Errorf("API saw %s, want %s", got, tt.wantSeen)
			}
			if n := len(ts.Calls()); n != 2 {
				t.Errorf("%d token requests, want 2", n)
			}
		})
	}
}

func TestOAuth2ConfigValidate(t *testing.T) {
	valid := OAuth2Config{GrantType: GrantClientCredentials, TokenURL: "https://idp.test/token",
		ClientID: "id", ClientSecret: clientSecret, ClientAuth: ClientAuthHeader}
	tests := []struct {
		name   string
		modify func(*OAuth2Config)
		fields []string
	}{
		{"valid", func(*OAuth2Config) {}, nil},
		{"empty", func(c *OAuth2Config) { *c = OAuth2Config{} },
			[]string{"OAuth2Config.GrantType", "OAuth2Config.TokenURL", "OAuth2Config.ClientID", "OAuth2Config.ClientAuth"}},
		{"unknown grant", func(c *OAuth2Config) { c.GrantType = "authorization_code" }, []string{"OAuth2Config.GrantType"}},
		{"no auto-detect", func(c *OAuth2Config) { c.ClientAuth = "auto" }, []string{"OAuth2Config.ClientAuth"}},
		{"client credentials without secret", func(c *OAuth2Config) { c.ClientSecret = "" }, []string{"OAuth2Config.ClientSecret"}},
		{"password without credentials", func(c *OAuth2Config) { c.GrantType = GrantPassword },
			[]string{"OAuth2Config.Username", "OAuth2Config.Password"}},
		{"refresh without token", func(c *OAuth2Config) { c.GrantType = GrantRefreshToken }, []string{"OAuth2Config.RefreshToken"}},
		{"relative URL", func(c *OAuth2Config) { c.TokenURL = "/token" }, []string{"OAuth2Config.TokenURL"}},
		{"URL with credentials", func(c *OAuth2Config) { c.TokenURL = "https://u:" + clientSecret + "@idp.test/token" }, []string{"OAuth2Config.TokenURL"}},
		{"unparsable URL", func(c *OAuth2Config) { c.TokenURL = "https://idp.test/%zz" + clientSecret }, []string{"OAuth2Config.TokenURL"}},
		{"reserved param", func(c *OAuth2Config) { c.EndpointParams = url.Values{"client_secret": {"x"}} }, []string{"OAuth2Config.EndpointParams"}},
		{"negative early expiry", func(c *OAuth2Config) { c.EarlyExpiry = -time.Second }, []string{"OAuth2Config.EarlyExpiry"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := valid
			tt.modify(&cfg)
			o, err := NewOAuth2(cfg, nil)
			if got := configErrorFields(err); fmt.Sprint(got) != fmt.Sprint(tt.fields) {
				t.Errorf("error fields %v, want %v (err: %v)", got, tt.fields, err)
			}
			if (err == nil) != (o != nil) {
				t.Errorf("NewOAuth2 = %v, %v", o, err)
			}
			if err != nil {
				assertNoSecret(t, err, clientSecret)
			}
		})
	}
}

// configErrorFields lists the Field of every *ConfigError joined in err.
func configErrorFields(err error) []string {
	if err == nil {
		return nil
	}
	var errs []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	} else {
		errs = []error{err}
	}
	var fields []string
	for _, e := range errs {
		var ce *ConfigError
		if errors.As(e, &ce) {
			fields = append(fields, ce.Field)
		} else {
			fields = append(fields, "not a ConfigError: "+e.Error())
		}
	}
	return fields
}

// TestOAuth2CustomHeader: a token sent in a vendor's own header (Workfront's
// sessionID), raw or with a prefix, and refreshed once after a 401.
func TestOAuth2CustomHeader(t *testing.T) {
	tests := []struct {
		name, header, tokenType string
		valid                   []string
		wantStatus              int
		wantSeen                string
	}{
		{"raw token", "sessionID", "", []string{"tok-1"}, 200, "[tok-1]"},
		{"prefixed token", "X-Auth", "Token", []string{"Token tok-1"}, 200, "[Token tok-1]"},
		{"refresh after 401", "sessionID", "", []string{"tok-2"}, 200, "[tok-1 tok-2]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := &tokenServer{t: t}
			o, err := NewOAuth2(OAuth2Config{GrantType: GrantClientCredentials, TokenURL: "https://idp.test/token",
				ClientID: "id", ClientSecret: "s", ClientAuth: ClientAuthBody, Header: tt.header, TokenType: tt.tokenType}, memClient(ts))
			if err != nil {
				t.Fatal(err)
			}
			api := newAPIServer(tt.header, tt.valid...)
			c := &http.Client{Transport: &Transport{Auth: o, Base: handlerTransport{api}}}
			code, _ := get(t, c, "https://api.test/users")
			if code != tt.wantStatus {
				t.Errorf("status %d, want %d", code, tt.wantStatus)
			}
			if got := fmt.Sprint(api.Seen()); got != tt.wantSeen {
				t.Errorf("API saw %s, want %s", got, tt.wantSeen)
			}
		})
	}
}
