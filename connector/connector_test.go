package connector

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saasconnect/saasconnect"
	"github.com/saasconnect/saasconnect/auth"
	"github.com/saasconnect/saasconnect/filter"
	"github.com/saasconnect/saasconnect/mapping"
	"github.com/saasconnect/saasconnect/paginate"
)

var fixedNow = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

func clock() time.Time { return fixedNow }

// logSink captures slog output so tests can assert no secret is logged.
type logSink struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (s *logSink) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

func (s *logSink) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

func (s *logSink) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(s, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// assertNoSecrets fails if any test secret appears in any of texts.
func assertNoSecrets(t *testing.T, texts ...string) {
	t.Helper()
	for _, s := range texts {
		for _, sec := range testSecrets {
			assert.NotContains(t, s, sec)
		}
	}
}

func collect(t *testing.T, c *Connector, ctx context.Context) ([]saasconnect.User, Report, error) {
	t.Helper()
	var users []saasconnect.User
	rep, err := c.Run(ctx, func(u saasconnect.User) error {
		users = append(users, u)
		return nil
	})
	return users, rep, err
}

func ids(users []saasconnect.User) []string {
	out := make([]string, len(users))
	for i, u := range users {
		out[i] = u.ID
	}
	return out
}

func seq(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprint(i + 1)
	}
	return out
}

// TestMatrix runs every pagination type against every auth method end to
// end over real loopback HTTP.
func TestMatrix(t *testing.T) {
	types := []paginate.Type{paginate.None, paginate.OffsetLimit, paginate.PageNumber, paginate.CursorLimit, paginate.LinkHeader, paginate.NextURL}
	methods := []AuthMethod{AuthNone, AuthAPIKey, AuthBasic, AuthOAuth2, AuthSession}
	const n = 7
	for _, pt := range types {
		for _, am := range methods {
			t.Run(string(pt)+"/"+string(am), func(t *testing.T) {
				f := newFakeVendor(t, n, pt, am)
				srv := f.server()
				var logs logSink
				var progress []Progress
				c, err := New(f.template(srv.URL), "fake-prod", f.settings(),
					WithLogger(logs.logger()), WithClock(clock),
					WithProgress(func(p Progress) { progress = append(progress, p) }))
				require.NoError(t, err)

				users, rep, err := collect(t, c, t.Context())
				require.NoError(t, err)
				assert.Equal(t, seq(n), ids(users))

				wantPages := 3 // 3+3+1
				if pt == paginate.None {
					wantPages = 1
				}
				pageHits, tokenHits := f.hits()
				assert.Equal(t, wantPages, pageHits, "page requests")
				assert.Equal(t, Succeeded, rep.Status)
				assert.Equal(t, "fake-prod", rep.Connector)
				assert.Equal(t, wantPages, rep.Pages)
				assert.Equal(t, pageHits+tokenHits, rep.Requests, "requests include token/login requests")
				if am == AuthOAuth2 || am == AuthSession {
					assert.Equal(t, 1, tokenHits, "one token for the whole run")
				}
				assert.Equal(t, 0, rep.Retries)
				assert.Equal(t, n, rep.Seen)
				assert.Equal(t, n, rep.Kept)
				assert.Empty(t, rep.RecordErrors)
				assert.Equal(t, fixedNow, rep.Started)
				assert.Equal(t, n, rep.Activity.Active)
				assert.Len(t, progress, wantPages)
				assert.Equal(t, n, progress[len(progress)-1].Users)

				u := users[0]
				assert.Equal(t, "user1@example.com", u.Email)
				assert.Equal(t, saasconnect.StatusActive, u.Status)
				assert.Equal(t, saasconnect.ActivityActive, u.Activity)
				assert.Equal(t, "Fake App", u.Application)
				assert.Equal(t, "fake-prod", u.Connector)
				assert.Nil(t, u.Raw)

				assert.Contains(t, logs.String(), "http request")
				assert.Contains(t, logs.String(), "run finished")
				assertNoSecrets(t, logs.String(), fmt.Sprintf("%+v", rep))
			})
		}
	}
}

func TestUsersIterator(t *testing.T) {
	f := newFakeVendor(t, 7, paginate.PageNumber, AuthAPIKey)
	srv := f.server()
	c, err := New(f.template(srv.URL), "it", f.settings())
	require.NoError(t, err)

	var got []string
	for u, err := range c.Users(t.Context()) {
		require.NoError(t, err)
		got = append(got, u.ID)
	}
	assert.Equal(t, seq(7), got)

	// Breaking early sends no further request.
	before, _ := f.hits()
	for u, err := range c.Users(t.Context()) {
		require.NoError(t, err)
		if u.ID == "2" {
			break
		}
	}
	after, _ := f.hits()
	assert.Equal(t, 1, after-before)
}

func TestFiltersRawRecordsAndExtras(t *testing.T) {
	f := newFakeVendor(t, 5, paginate.OffsetLimit, AuthNone)
	f.records[1]["type"] = "Bot"
	f.records[3]["type"] = "Bot"
	f.records[2]["last_login"] = "2026-01-01T00:00:00Z" // inactive
	f.records[4]["last_login"] = nil                    // never
	srv := f.server()
	tmpl := f.template(srv.URL)
	tmpl.Filters = []filter.Condition{{Field: "type", Operator: "equal", Value: "User"}}
	tmpl.Response.Fields["kind"] = "type"
	tmpl.Activity.Application = "Fake Seats"
	c, err := New(tmpl, "f", nil, WithRawRecords(true), WithClock(clock))
	require.NoError(t, err)
	users, rep, err := collect(t, c, t.Context())
	require.NoError(t, err)
	assert.Equal(t, []string{"1", "3", "5"}, ids(users))
	assert.Equal(t, 5, rep.Seen)
	assert.Equal(t, 3, rep.Kept)
	assert.Equal(t, 2, rep.Filtered)
	assert.Equal(t, "User", users[0].Extra["kind"])
	assert.Equal(t, "Fake Seats", users[0].Application)
	assert.JSONEq(t, `{"id":"1","email":"user1@example.com","name":"User 1","state":"ACTIVE","last_login":"2026-11-01T10:00:00Z","type":"User"}`, string(users[0].Raw))
	assert.Equal(t, saasconnect.ActivityInactive, users[1].Activity)
	assert.Equal(t, saasconnect.ActivityNever, users[2].Activity)
	assert.Equal(t, 1, rep.Activity.Active)
	assert.Equal(t, 1, rep.Activity.Inactive)
	assert.Equal(t, 1, rep.Activity.Never)
}

func TestNoActivityFieldIsUnknown(t *testing.T) {
	f := newFakeVendor(t, 2, paginate.None, AuthNone)
	srv := f.server()
	tmpl := f.template(srv.URL)
	tmpl.Activity = ActivitySpec{}
	c, err := New(tmpl, "f", nil)
	require.NoError(t, err)
	users, rep, err := collect(t, c, t.Context())
	require.NoError(t, err)
	assert.Equal(t, saasconnect.ActivityUnknown, users[0].Activity)
	assert.Equal(t, "Fake App", users[0].Application)
	assert.Equal(t, 2, rep.Activity.Unknown)
}

func TestPrefetchKeepsOrder(t *testing.T) {
	f := newFakeVendor(t, 20, paginate.OffsetLimit, AuthNone)
	srv := f.server()
	c, err := New(f.template(srv.URL), "p", nil, WithPrefetch(4), WithRawRecords(true))
	require.NoError(t, err)
	users, rep, err := collect(t, c, t.Context())
	require.NoError(t, err)
	assert.Equal(t, seq(20), ids(users))
	assert.Equal(t, 7, rep.Pages)
	for _, u := range users {
		assert.Contains(t, string(u.Raw), `"id":"`+u.ID+`"`, "raw records stay with their page under prefetch")
	}
}

// TestStatuses covers partial, failed and cancelled runs.
func TestStatuses(t *testing.T) {
	t.Run("partial: failure after users were delivered", func(t *testing.T) {
		f := newFakeVendor(t, 7, paginate.PageNumber, AuthAPIKey)
		f.faults[2] = []fault{{status: 500}}
		srv := f.server()
		c, err := New(f.template(srv.URL), "s", f.settings())
		require.NoError(t, err)
		users, rep, err := collect(t, c, t.Context())
		require.Error(t, err)
		assert.Equal(t, Partial, rep.Status)
		assert.Len(t, users, 3)
		assert.Equal(t, 3, rep.Kept)
		var he *HTTPError
		require.ErrorAs(t, err, &he)
		assert.Equal(t, 500, he.StatusCode)
		assert.Contains(t, rep.Err, "page 2: GET http://127.0.0.1")
		assert.Contains(t, rep.Err, "500 Internal Server Error")
		assertNoSecrets(t, err.Error(), rep.Err)
	})
	t.Run("partial: records that cannot be mapped", func(t *testing.T) {
		f := newFakeVendor(t, 4, paginate.None, AuthNone)
		f.records[1]["email"] = map[string]any{"not": "a string"}
		f.records[2]["id"], f.records[2]["email"] = nil, nil
		srv := f.server()
		c, err := New(f.template(srv.URL), "s", nil)
		require.NoError(t, err)
		users, rep, err := collect(t, c, t.Context())
		require.Error(t, err)
		assert.Equal(t, Partial, rep.Status)
		assert.Equal(t, []string{"1", "4"}, ids(users))
		require.Len(t, rep.RecordErrors, 2)
		assert.Contains(t, rep.RecordErrors[0].Error(), "page 1, record 1: ")
		assert.Contains(t, rep.RecordErrors[1].Error(), "page 1, record 2: ")
		assert.Contains(t, err.Error(), "2 of 4 records could not be mapped")
		// Users reports them as its last error, after every user.
		var got []string
		var last error
		for u, err := range c.Users(t.Context()) {
			if err != nil {
				last = err
				continue
			}
			require.NoError(t, last, "an error must come last")
			got = append(got, u.ID)
		}
		assert.Equal(t, []string{"1", "4"}, got)
		assert.ErrorContains(t, last, "2 of 4 records could not be mapped")
	})
	t.Run("failed: nothing delivered", func(t *testing.T) {
		f := newFakeVendor(t, 7, paginate.PageNumber, AuthAPIKey)
		srv := f.server()
		c, err := New(f.template(srv.URL), "s", Settings{"api_key": "wrong-key-123456"})
		require.NoError(t, err)
		users, rep, err := collect(t, c, t.Context())
		assert.Empty(t, users)
		assert.Equal(t, Failed, rep.Status)
		assert.ErrorIs(t, err, ErrUnauthorized)
		assert.NotContains(t, err.Error(), "wrong-key-123456")
		assert.NotContains(t, rep.Err, "wrong-key-123456")
	})
	t.Run("failed: each returns an error", func(t *testing.T) {
		f := newFakeVendor(t, 7, paginate.PageNumber, AuthNone)
		srv := f.server()
		c, err := New(f.template(srv.URL), "s", nil)
		require.NoError(t, err)
		boom := errors.New("disk full")
		n := 0
		rep, err := c.Run(t.Context(), func(saasconnect.User) error {
			n++
			if n == 2 {
				return boom
			}
			return nil
		})
		assert.ErrorIs(t, err, boom)
		assert.Equal(t, Partial, rep.Status)
		assert.Equal(t, 1, rep.Kept)
		pages, _ := f.hits()
		assert.Equal(t, 1, pages, "no request after the caller stopped")
	})
	t.Run("cancelled", func(t *testing.T) {
		f := newFakeVendor(t, 7, paginate.PageNumber, AuthNone)
		srv := f.server()
		c, err := New(f.template(srv.URL), "s", nil)
		require.NoError(t, err)
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		rep, err := c.Run(ctx, func(u saasconnect.User) error {
			if u.ID == "2" {
				cancel()
			}
			return nil
		})
		assert.ErrorIs(t, err, context.Canceled)
		assert.Equal(t, Cancelled, rep.Status)
		assert.Equal(t, 2, rep.Kept, "nothing is delivered after the cancellation")
		pages, _ := f.hits()
		assert.Equal(t, 1, pages, "no further page is fetched")
	})
}

// TestRetriesNoLossNoDuplicates injects 429 then 503 on a page and proves
// every user arrives exactly once, under a fake clock.
func TestRetriesNoLossNoDuplicates(t *testing.T) {
	for _, pt := range []paginate.Type{paginate.OffsetLimit, paginate.PageNumber, paginate.CursorLimit, paginate.LinkHeader, paginate.NextURL} {
		t.Run(string(pt), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				f := newFakeVendor(t, 10, pt, AuthOAuth2)
				f.base = "https://vendor.test"
				f.faults[2] = []fault{{status: 429, retryAfter: "2"}, {status: 503}}
				f.faults[3] = []fault{{status: 502}}
				var logs logSink
				c, err := New(f.template(f.base), "r", f.settings(),
					WithHTTPClient(&http.Client{Transport: handlerTransport{f}}),
					WithLogger(logs.logger()),
					WithRetry(RetryPolicy{MaxAttempts: 4, MinWait: time.Second, MaxWait: 10 * time.Second}))
				require.NoError(t, err)
				start := time.Now()
				users, rep, err := collect(t, c, t.Context())
				require.NoError(t, err)
				assert.Equal(t, seq(10), ids(users), "no user lost or duplicated")
				assert.Equal(t, Succeeded, rep.Status)
				assert.Equal(t, 3, rep.Retries)
				assert.Equal(t, 4, rep.Pages)
				assert.Equal(t, 1+4+3, rep.Requests, "token + pages + retried attempts")
				assert.GreaterOrEqual(t, time.Since(start), 2*time.Second, "Retry-After honoured on the fake clock")
				assert.Contains(t, logs.String(), "level=WARN msg=\"retrying request\"")
				assertNoSecrets(t, logs.String())
			})
		})
	}
}

// TestTruncatedBodyFailsTheRun: a truncated page is an error, never the end
// of the listing.
func TestTruncatedBodyFailsTheRun(t *testing.T) {
	for _, page := range []int{1, 2, 3} {
		t.Run(fmt.Sprint("page ", page), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				f := newFakeVendor(t, 7, paginate.PageNumber, AuthAPIKey)
				f.base = "https://vendor.test"
				f.truncate[page] = true
				c, err := New(f.template(f.base), "t", Settings{"api_key": testAPIKey},
					WithHTTPClient(&http.Client{Transport: handlerTransport{f}}))
				require.NoError(t, err)
				users, rep, err := collect(t, c, t.Context())
				require.Error(t, err)
				assert.NotEqual(t, Succeeded, rep.Status)
				assert.Len(t, users, 3*(page-1))
				want := Failed
				if page > 1 {
					want = Partial
				}
				assert.Equal(t, want, rep.Status)
				assert.Contains(t, err.Error(), fmt.Sprintf("page %d: GET https://vendor.test/users?page=%d&per_page=3", page, page))
				assert.Contains(t, err.Error(), "truncated JSON: body ended at byte offset")
			})
		})
	}
}

func TestInvalidJSONNamesURLAndOffset(t *testing.T) {
	f := newFakeVendor(t, 7, paginate.PageNumber, AuthAPIKey)
	f.faults[1] = []fault{{status: 200, body: `{"data":[{"id":"1"},]}`}}
	srv := f.server()
	tmpl := f.template(srv.URL)
	tmpl.Auth = AuthSpec{Method: AuthAPIKey, QueryParam: "token"}
	c, err := New(tmpl, "j", Settings{"api_key": testAPIKey})
	require.NoError(t, err)
	_, rep, err := collect(t, c, t.Context())
	require.Error(t, err)
	assert.Equal(t, Failed, rep.Status)
	assert.Contains(t, err.Error(), "invalid JSON at byte offset 21")
	assert.Contains(t, err.Error(), "/users?page=1&per_page=3")
	assertNoSecrets(t, err.Error(), rep.Err)
}

func TestBodyCap(t *testing.T) {
	f := newFakeVendor(t, 7, paginate.PageNumber, AuthNone)
	srv := f.server()
	c, err := New(f.template(srv.URL), "cap", nil, WithMaxBodyBytes(100))
	require.NoError(t, err)
	_, rep, err := collect(t, c, t.Context())
	require.Error(t, err)
	assert.Equal(t, Failed, rep.Status)
	assert.Contains(t, err.Error(), "response body too large: more than 100 bytes")
}

// TestRefreshOn401: a revoked token gets one forced refresh, then the run
// goes on.
func TestRefreshOn401(t *testing.T) {
	f := newFakeVendor(t, 7, paginate.PageNumber, AuthOAuth2)
	srv := f.server()
	c, err := New(f.template(srv.URL), "o", f.settings())
	require.NoError(t, err)
	n := 0
	rep, err := c.Run(t.Context(), func(u saasconnect.User) error {
		n++
		if n == 3 { // revoke tok-1 before page 2
			f.mu.Lock()
			f.revoked["tok-1"] = true
			f.mu.Unlock()
		}
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, 7, n)
	assert.Equal(t, Succeeded, rep.Status)
	pages, tokens := f.hits()
	assert.Equal(t, 2, tokens)
	assert.Equal(t, 4, pages, "3 pages + the one 401")
	assert.Equal(t, 6, rep.Requests)

	// A second 401 (the fresh token is refused too) fails.
	f2 := newFakeVendor(t, 7, paginate.PageNumber, AuthOAuth2)
	srv2 := f2.server()
	c2, err := New(f2.template(srv2.URL), "o", f2.settings())
	require.NoError(t, err)
	f2.auth = "refuse-all"
	_, rep, err = collect(t, c2, t.Context())
	assert.ErrorIs(t, err, ErrUnauthorized)
	assert.Equal(t, Failed, rep.Status)
	_, tokens = f2.hits()
	assert.Equal(t, 2, tokens, "exactly one forced refresh")
}

// TestRefusedCredentialsAreUnauthorized: a token or login request refused
// for bad credentials makes the run's, the iterator's and Test's error match
// ErrUnauthorized, and still auth.ErrInvalidCredentials and *auth.TokenError.
// A token endpoint failing for another reason (404) is not ErrUnauthorized.
func TestRefusedCredentialsAreUnauthorized(t *testing.T) {
	tests := []struct {
		name    string
		auth    AuthMethod
		edit    func(Settings)
		refused bool
	}{
		{name: "oauth2 wrong client secret", auth: AuthOAuth2, edit: func(s Settings) { s["client_secret"] = "wrong-secret" }, refused: true},
		{name: "session wrong password", auth: AuthSession, edit: func(s Settings) { s["login_pass"] = "wrong-pass" }, refused: true},
		{name: "oauth2 token URL 404", auth: AuthOAuth2, edit: func(s Settings) { s["token_url"] = "{base_url}/oauth/tokn" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeVendor(t, 7, paginate.PageNumber, tt.auth)
			srv := f.server()
			s := f.settings()
			tt.edit(s)
			c, err := New(f.template(srv.URL), "u", s)
			require.NoError(t, err)

			_, rep, runErr := collect(t, c, t.Context())
			assert.Equal(t, Failed, rep.Status)
			var iterErr error
			for _, err := range c.Users(t.Context()) {
				iterErr = err
			}
			testErr := c.Test(t.Context())
			for what, err := range map[string]error{"Run": runErr, "Users": iterErr, "Test": testErr} {
				require.Error(t, err, what)
				var te *auth.TokenError
				assert.ErrorAs(t, err, &te, what)
				assert.ErrorIs(t, err, auth.ErrTokenRequest, what)
				assert.Equal(t, tt.refused, errors.Is(err, ErrUnauthorized), "%s: errors.Is(ErrUnauthorized): %v", what, err)
				assert.Equal(t, tt.refused, errors.Is(err, auth.ErrInvalidCredentials), "%s: errors.Is(auth.ErrInvalidCredentials): %v", what, err)
				assert.NotErrorIs(t, err, ErrForbidden, what)
				assertNoSecrets(t, err.Error(), "wrong-secret", "wrong-pass")
			}
		})
	}
}

func TestRetryAfterAboveCap(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFakeVendor(t, 7, paginate.PageNumber, AuthAPIKey)
		f.base = "https://vendor.test"
		f.faults[2] = []fault{{status: 429, retryAfter: "3600"}}
		c, err := New(f.template(f.base), "ra", f.settings(),
			WithHTTPClient(&http.Client{Transport: handlerTransport{f}}),
			WithRetry(RetryPolicy{MaxWait: time.Minute}))
		require.NoError(t, err)
		start := time.Now()
		users, rep, err := collect(t, c, t.Context())
		assert.Equal(t, time.Duration(0), time.Since(start), "no waiting when the server asks for more than the cap")
		var he *HTTPError
		require.ErrorAs(t, err, &he)
		assert.Equal(t, time.Hour, he.RetryAfter)
		assert.Equal(t, 429, he.StatusCode)
		assert.ErrorIs(t, err, ErrRateLimited)
		assert.Len(t, users, 3)
		assert.Equal(t, Partial, rep.Status)
		assert.Equal(t, 0, rep.Retries)
		assert.Contains(t, rep.Err, "retry after 1h0m0s")
	})
}

// TestRateLimited403 covers GitHub's 403 rate limits: a 403 carrying
// Retry-After or X-RateLimit-Remaining: 0 with X-RateLimit-Reset is waited
// out and retried; when the wait is above the cap it ends the run as
// ErrRateLimited (not ErrForbidden); a plain 403 is ErrForbidden at once.
func TestRateLimited403(t *testing.T) {
	reset := func(d time.Duration) map[string]string {
		return map[string]string{"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": fmt.Sprint(time.Now().Add(d).Unix())}
	}
	tests := []struct {
		name        string
		fault       func() fault
		wantErr     error // nil: the run succeeds
		notErr      error
		wantRetries int
		wantWait    time.Duration // time spent on the fake clock
		wantAfter   time.Duration // HTTPError.RetryAfter
	}{
		{name: "primary limit waits until reset", fault: func() fault { return fault{status: 403, header: reset(5 * time.Second)} },
			wantRetries: 1, wantWait: 5 * time.Second},
		{name: "secondary limit honours Retry-After", fault: func() fault { return fault{status: 403, retryAfter: "3"} },
			wantRetries: 1, wantWait: 3 * time.Second},
		{name: "reset beyond MaxWait is ErrRateLimited", fault: func() fault { return fault{status: 403, header: reset(time.Hour)} },
			wantErr: ErrRateLimited, notErr: ErrForbidden, wantAfter: time.Hour},
		{name: "plain 403 is forbidden at once", fault: func() fault { return fault{status: 403} },
			wantErr: ErrForbidden, notErr: ErrRateLimited},
		{name: "403 with quota left is forbidden", fault: func() fault {
			return fault{status: 403, header: map[string]string{"X-RateLimit-Remaining": "4999", "X-RateLimit-Reset": "1"}}
		}, wantErr: ErrForbidden, notErr: ErrRateLimited},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				f := newFakeVendor(t, 7, paginate.PageNumber, AuthAPIKey)
				f.base = "https://vendor.test"
				f.faults[2] = []fault{tt.fault()}
				c, err := New(f.template(f.base), "gh", f.settings(),
					WithHTTPClient(&http.Client{Transport: handlerTransport{f}}),
					WithRetry(RetryPolicy{MaxWait: time.Minute}))
				require.NoError(t, err)
				start := time.Now()
				users, rep, err := collect(t, c, t.Context())
				assert.Equal(t, tt.wantWait, time.Since(start))
				assert.Equal(t, tt.wantRetries, rep.Retries)
				if tt.wantErr == nil {
					require.NoError(t, err)
					assert.Equal(t, seq(7), ids(users))
					return
				}
				assert.ErrorIs(t, err, tt.wantErr)
				assert.NotErrorIs(t, err, tt.notErr)
				assert.Equal(t, Partial, rep.Status)
				var he *HTTPError
				require.ErrorAs(t, err, &he)
				assert.Equal(t, 403, he.StatusCode)
				assert.Equal(t, tt.wantAfter, he.RetryAfter)
				assert.Equal(t, tt.wantErr == ErrRateLimited, he.RateLimited)
			})
		})
	}
}

func TestRateLimitWaits(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFakeVendor(t, 12, paginate.PageNumber, AuthNone)
		f.base = "https://vendor.test"
		tmpl := f.template(f.base)
		tmpl.RateLimit = RateLimit{Requests: 2, Per: "1s"}
		var last Progress
		var logs logSink
		c, err := New(tmpl, "rl", nil,
			WithHTTPClient(&http.Client{Transport: handlerTransport{f}}), WithLogger(logs.logger()),
			WithProgress(func(p Progress) { last = p }))
		require.NoError(t, err)
		start := time.Now()
		users, rep, err := collect(t, c, t.Context())
		require.NoError(t, err)
		assert.Len(t, users, 12)
		assert.Equal(t, 5, rep.Requests) // 4 full pages + the empty one
		assert.Equal(t, 2*time.Second, time.Since(start), "5 requests at 2/s")
		assert.Equal(t, 4, last.RateLimitWaits)
		assert.Equal(t, 2*time.Second, last.RateLimitWait)
		assert.Equal(t, 5, last.Requests)
		assert.Contains(t, logs.String(), `msg="waiting for the rate limit" method=GET url="https://vendor.test/users?page=2&per_page=3" wait=500ms`)
	})
}

func TestPlainHTTPAndCrossOrigin(t *testing.T) {
	f := newFakeVendor(t, 7, paginate.NextURL, AuthAPIKey)
	tmpl := f.template("http://vendor.example.com")
	_, err := New(tmpl, "h", f.settings())
	require.ErrorContains(t, err, "refusing plain http URL http://vendor.example.com/users")

	srv := f.server()
	f.base = "https://evil.example.net"
	c, err := New(f.template(srv.URL), "h", f.settings())
	require.NoError(t, err)
	users, rep, err := collect(t, c, t.Context())
	assert.ErrorIs(t, err, paginate.ErrCrossOrigin)
	assert.Len(t, users, 3)
	assert.Equal(t, Partial, rep.Status)
	pages, _ := f.hits()
	assert.Equal(t, 1, pages)
}

func TestNewErrors(t *testing.T) {
	f := newFakeVendor(t, 1, paginate.None, AuthOAuth2)
	tmpl := f.template("https://vendor.test")
	tmpl.Declared = append(tmpl.Declared, Setting{Name: "org", Required: true, Description: "organization login"})
	_, err := New(tmpl, "n", Settings{"client_secret": testClientSecret, "orgg": "x"})
	require.Error(t, err)
	for _, want := range []string{`connector "n"`, `missing required setting "org" (organization login)`, `missing required setting "client_id"`, `unknown setting "orgg"`} {
		assert.ErrorContains(t, err, want)
	}
	assertNoSecrets(t, err.Error())

	_, err = New(Template{}, "n", nil)
	var te *TemplateError
	assert.ErrorAs(t, err, &te)

	_, err = New(f.template("https://vendor.test"), "n", f.settings(), WithTimeout(-1), WithPrefetch(0))
	assert.ErrorContains(t, err, "WithTimeout")
	assert.ErrorContains(t, err, "WithPrefetch")

	// Credentials in a URL that come from a setting.
	_, err = New(f.template("https://vendor.test"), "n", Settings{"client_id": "c", "client_secret": testClientSecret, "base_url": "https://bob:" + testPassword + "@vendor.test"})
	assert.ErrorContains(t, err, "credentials in the URL")
	assertNoSecrets(t, err.Error())
}

func TestPlaceholderEscaping(t *testing.T) {
	f := newFakeVendor(t, 1, paginate.None, AuthNone)
	var got []string
	var mu sync.Mutex
	srv := f.server()
	tmpl := f.template(srv.URL)
	tmpl.Declared = append(tmpl.Declared, Setting{Name: "org", Required: true}, Setting{Name: "q"})
	tmpl.Request.UsersURL = "{base_url}/orgs/{org}/users?filter={q}"
	tmpl.Request.Query = QueryValues{"team": {"{org}"}}
	tmpl.Request.Headers = map[string]string{"X-Org": "{org}"}
	c, err := New(tmpl, "p", Settings{"org": "a b/c", "q": "x&y"},
		WithHTTPClient(&http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
			mu.Lock()
			got = append(got, r.URL.EscapedPath()+"?"+r.URL.RawQuery+" "+r.Header.Get("X-Org"))
			mu.Unlock()
			r2 := r.Clone(r.Context())
			r2.URL.Path, r2.URL.RawPath = "/users", ""
			return http.DefaultTransport.RoundTrip(r2)
		})}))
	require.NoError(t, err)
	_, _, err = collect(t, c, t.Context())
	require.NoError(t, err)
	assert.Equal(t, []string{"/orgs/a%20b%2Fc/users?filter=x%26y&team=a+b%2Fc a b/c"}, got)
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestRecordErrorsAreCapped(t *testing.T) {
	f := newFakeVendor(t, 1005, paginate.None, AuthNone)
	for _, r := range f.records {
		r["id"], r["email"] = nil, nil
	}
	srv := f.server()
	c, err := New(f.template(srv.URL), "cap", nil)
	require.NoError(t, err)
	users, rep, err := collect(t, c, t.Context())
	assert.Empty(t, users)
	assert.Equal(t, Partial, rep.Status, "records that cannot be mapped make a run partial")
	require.Len(t, rep.RecordErrors, maxRecordErrors+1)
	assert.EqualError(t, rep.RecordErrors[maxRecordErrors], "and 5 more records could not be mapped")
	assert.Contains(t, err.Error(), `connector "cap": 1005 of 1005 records could not be mapped; page 1, record 0: `)
	assert.Contains(t, err.Error(), "... (1002 more, see Report.RecordErrors)")
	assert.ErrorIs(t, err, mapping.ErrMissingIdentity)
	assert.Less(t, len(rep.Err), 2000)
}
