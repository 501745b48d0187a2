package flexera_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/saasconnect/saasconnect/flexera"
)

func TestTokenGrants(t *testing.T) {
	tests := []struct {
		name     string
		cfg      func(f *fakeFlexera, c flexera.Config) flexera.Config
		wantForm map[string]string
	}{
		{
			name:     "refresh token",
			cfg:      func(f *fakeFlexera, c flexera.Config) flexera.Config { return c },
			wantForm: map[string]string{"grant_type": "refresh_token", "refresh_token": "rt-secret-value"},
		},
		{
			name: "client credentials",
			cfg: func(f *fakeFlexera, c flexera.Config) flexera.Config {
				c.RefreshToken = ""
				c.ClientID, c.ClientSecret = f.clientID, flexera.Secret(f.clientSecret)
				return c
			},
			wantForm: map[string]string{"grant_type": "client_credentials", "client_id": "client-1", "client_secret": "cs-secret-value"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake()
			c, err := flexera.New(tt.cfg(f, f.server(t)))
			if err != nil {
				t.Fatal(err)
			}
			for range 3 {
				if _, err := c.GetImportJob(t.Context(), "1", "NOSUCHJOB"); !errors.Is(err, flexera.ErrNotFound) {
					t.Fatalf("GetImportJob: %v, want ErrNotFound", err)
				}
			}
			if len(f.tokenForms) != 1 {
				t.Fatalf("%d token requests for 3 calls, want 1 (cached)", len(f.tokenForms))
			}
			form := f.tokenForms[0]
			if len(form) != len(tt.wantForm) {
				t.Errorf("token form %v, want exactly %v", form, tt.wantForm)
			}
			for k, v := range tt.wantForm {
				if form.Get(k) != v {
					t.Errorf("token form %s = %q, want %q", k, form.Get(k), v)
				}
			}
			f.check(t)
		})
	}
}

func TestTokenExpiryAndEarlyRefresh(t *testing.T) {
	tests := []struct {
		name      string
		expiresIn any
		fresh     time.Duration // still cached after this long
		stale     time.Duration // refreshed after this long
	}{
		{"hour as number", 3600, 3539 * time.Second, 3541 * time.Second},
		{"hour as string", "3600", 3539 * time.Second, 3541 * time.Second},
		{"short lifetime uses half", 60, 29 * time.Second, 31 * time.Second},
		{"missing means one hour", "", 3539 * time.Second, 3541 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				f := newFake()
				f.expiresIn = tt.expiresIn
				ts := flexera.NewRefreshTokenSource("http://login.test/oidc/token", flexera.Secret(f.refreshToken), &http.Client{Transport: f.transport()})
				ctx := t.Context()
				first, err := ts.Token(ctx)
				if err != nil {
					t.Fatal(err)
				}
				time.Sleep(tt.fresh)
				if again, _ := ts.Token(ctx); again != first || len(f.tokenForms) != 1 {
					t.Fatalf("after %s: new token or %d token requests, want the cached one", tt.fresh, len(f.tokenForms))
				}
				time.Sleep(tt.stale - tt.fresh)
				if again, _ := ts.Token(ctx); again == first || len(f.tokenForms) != 2 {
					t.Fatalf("after %s: token not refreshed (%d token requests)", tt.stale, len(f.tokenForms))
				}
			})
		})
	}
}

func TestTokenConcurrentCallersShareOneFetch(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFake()
		slow := roundTripFunc(func(r *http.Request) (*http.Response, error) {
			time.Sleep(time.Second)
			return f.transport().RoundTrip(r)
		})
		ts := flexera.NewClientCredentialsSource("http://login.test/oidc/token", f.clientID, flexera.Secret(f.clientSecret), &http.Client{Transport: slow})
		errs := make(chan error, 8)
		for range 8 {
			go func() {
				_, err := ts.Token(t.Context())
				errs <- err
			}()
		}
		for range 8 {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		if len(f.tokenForms) != 1 {
			t.Fatalf("%d token requests, want 1", len(f.tokenForms))
		}
	})
}

func TestTokenWaitHonoursContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFake()
		block := make(chan struct{})
		slow := roundTripFunc(func(r *http.Request) (*http.Response, error) {
			select {
			case <-block:
			case <-r.Context().Done():
				return nil, r.Context().Err()
			}
			return f.transport().RoundTrip(r)
		})
		ts := flexera.NewRefreshTokenSource("http://login.test/oidc/token", flexera.Secret(f.refreshToken), &http.Client{Transport: slow})
		go func() { _, _ = ts.Token(t.Context()) }() // holds the fetch
		synctest.Wait()
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		if _, err := ts.Token(ctx); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("waiting caller: %v, want DeadlineExceeded", err)
		}
		close(block)
	})
}

func TestTokenErrorsNeverShowSecrets(t *testing.T) {
	tests := []struct {
		name string
		cfg  flexera.Config
	}{
		{"refresh token", flexera.Config{RefreshToken: "wrong-refresh-token-xyz"}},
		{"client secret", flexera.Config{ClientID: "client-1", ClientSecret: "wrong-client-secret-xyz"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake()
			base := f.server(t)
			cfg := tt.cfg
			cfg.APIURL, cfg.LoginURL = base.APIURL, base.LoginURL
			var logs bytes.Buffer
			c, err := flexera.New(cfg, flexera.WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.CreateSaaSData(t.Context(), "1", "x.jsonl.gz")
			var te *flexera.TokenError
			if !errors.As(err, &te) || te.StatusCode != 400 || te.Name != "invalid_grant" {
				t.Fatalf("err = %v, want *TokenError 400 invalid_grant", err)
			}
			if !errors.Is(err, flexera.ErrUnauthorized) {
				t.Errorf("token 400 should match ErrUnauthorized")
			}
			out := fmt.Sprintf("%v %+v %#v %s", err, err, cfg, logs.String())
			for _, secret := range []string{"wrong-refresh-token-xyz", "wrong-client-secret-xyz"} {
				if strings.Contains(out, secret) {
					t.Errorf("secret %q leaked in: %s", secret, out)
				}
			}
		})
	}
}

func TestUnauthorizedRefreshesTokenOnce(t *testing.T) {
	f := newFake()
	c, err := flexera.New(f.server(t))
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	if _, err := c.CreateSaaSData(ctx, "1", "a.jsonl.gz"); err != nil {
		t.Fatal(err)
	}
	f.revokeAll() // the cached token no longer works
	if _, err := c.CreateSaaSData(ctx, "1", "b.jsonl.gz"); err != nil {
		t.Fatalf("after revocation: %v", err)
	}
	if len(f.tokenForms) != 2 {
		t.Fatalf("%d token requests, want 2 (one refresh after 401)", len(f.tokenForms))
	}
	// A token source that cannot refresh: the 401 comes back as ErrUnauthorized.
	c2, _ := flexera.New(f.server(t), flexera.WithTokenSource(staticToken("nope")))
	if _, err := c2.CreateSaaSData(ctx, "1", "c.jsonl.gz"); !errors.Is(err, flexera.ErrUnauthorized) {
		t.Fatalf("static bad token: %v, want ErrUnauthorized", err)
	}
}

type staticToken string

func (s staticToken) Token(context.Context) (flexera.Secret, error) { return flexera.Secret(s), nil }

func TestTokenThrottledThenIssued(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFake()
		f.throttle["POST token"] = 1
		f.retryAfter = "3"
		ts := flexera.NewRefreshTokenSource("http://login.test/oidc/token", flexera.Secret(f.refreshToken), &http.Client{Transport: f.transport()})
		start := time.Now()
		if _, err := ts.Token(t.Context()); err != nil {
			t.Fatal(err)
		}
		if waited := time.Since(start); waited != 3*time.Second {
			t.Fatalf("waited %s before retrying the token request, want retry-after 3s", waited)
		}
	})
}
