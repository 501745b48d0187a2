package connector

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

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
			if strings.Contains(s, sec) {
				t.Errorf("s contains %q:\n%s", sec, s)
			}
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
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}

				users, rep, err := collect(t, c, t.Context())
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				if diff := cmp.Diff(seq(n), ids(users)); diff != "" {
					t.Errorf("ids(users) (-want +got):\n%s", diff)
				}

				wantPages := 3 // 3+3+1
				if pt == paginate.None {
					wantPages = 1
				}
				pageHits, tokenHits := f.hits()
				if diff := cmp.Diff(wantPages, pageHits); diff != "" {
					t.Errorf("page requests (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff(Succeeded, rep.Status); diff != "" {
					t.Errorf("rep.Status (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff("fake-prod", rep.Connector); diff != "" {
					t.Errorf("rep.Connector (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff(wantPages, rep.Pages); diff != "" {
					t.Errorf("rep.Pages (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff(pageHits+tokenHits, rep.Requests); diff != "" {
					t.Errorf("requests include token/login requests (-want +got):\n%s", diff)
				}
				if am == AuthOAuth2 || am == AuthSession {
					if diff := cmp.Diff(1, tokenHits); diff != "" {
						t.Errorf("one token for the whole run (-want +got):\n%s", diff)
					}
				}
				if diff := cmp.Diff(0, rep.Retries); diff != "" {
					t.Errorf("rep.Retries (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff(n, rep.Seen); diff != "" {
					t.Errorf("rep.Seen (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff(n, rep.Kept); diff != "" {
					t.Errorf("rep.Kept (-want +got):\n%s", diff)
				}
				if len(rep.RecordErrors) != 0 {
					t.Errorf("rep.RecordErrors = %v, want empty", rep.RecordErrors)
				}
				if diff := cmp.Diff(fixedNow, rep.Started); diff != "" {
					t.Errorf("rep.Started (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff(n, rep.Activity.Active); diff != "" {
					t.Errorf("rep.Activity.Active (-want +got):\n%s", diff)
				}
				if len(progress) != wantPages {
					t.Errorf("len(progress) = %d, want %d", len(progress), wantPages)
				}
				if diff := cmp.Diff(n, progress[len(progress)-1].Users); diff != "" {
					t.Errorf("progress[len(progress)-1].Users (-want +got):\n%s", diff)
				}

				u := users[0]
				if diff := cmp.Diff("user1@example.com", u.Email); diff != "" {
					t.Errorf("u.Email (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff(saasconnect.StatusActive, u.Status); diff != "" {
					t.Errorf("u.Status (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff(saasconnect.ActivityActive, u.Activity); diff != "" {
					t.Errorf("u.Activity (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff("Fake App", u.Application); diff != "" {
					t.Errorf("u.Application (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff("fake-prod", u.Connector); diff != "" {
					t.Errorf("u.Connector (-want +got):\n%s", diff)
				}
				if u.Raw != nil {
					t.Errorf("u.Raw = %v, want nil", u.Raw)
				}

				if !strings.Contains(logs.String(), "http request") {
					t.Errorf("logs.String() lacks %q:\n%s", "http request", logs.String())
				}
				if !strings.Contains(logs.String(), "run finished") {
					t.Errorf("logs.String() lacks %q:\n%s", "run finished", logs.String())
				}
				assertNoSecrets(t, logs.String(), fmt.Sprintf("%+v", rep))
			})
		}
	}
}

func TestUsersIterator(t *testing.T) {
	f := newFakeVendor(t, 7, paginate.PageNumber, AuthAPIKey)
	srv := f.server()
	c, err := New(f.template(srv.URL), "it", f.settings())
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}

	var got []string
	for u, err := range c.Users(t.Context()) {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		got = append(got, u.ID)
	}
	if diff := cmp.Diff(seq(7), got); diff != "" {
		t.Errorf("got (-want +got):\n%s", diff)
	}

	// Breaking early sends no further request.
	before, _ := f.hits()
	for u, err := range c.Users(t.Context()) {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		if u.ID == "2" {
			break
		}
	}
	after, _ := f.hits()
	if diff := cmp.Diff(1, after-before); diff != "" {
		t.Errorf("after-before (-want +got):\n%s", diff)
	}
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
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
	users, rep, err := collect(t, c, t.Context())
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
	if diff := cmp.Diff([]string{"1", "3", "5"}, ids(users)); diff != "" {
		t.Errorf("ids(users) (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(5, rep.Seen); diff != "" {
		t.Errorf("rep.Seen (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(3, rep.Kept); diff != "" {
		t.Errorf("rep.Kept (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(2, rep.Filtered); diff != "" {
		t.Errorf("rep.Filtered (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff("User", users[0].Extra["kind"]); diff != "" {
		t.Errorf("users[0].Extra[\"kind\"] (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff("Fake Seats", users[0].Application); diff != "" {
		t.Errorf("users[0].Application (-want +got):\n%s", diff)
	}
	var raw any
	if err := json.Unmarshal(users[0].Raw, &raw); err != nil {
		t.Fatalf("Raw is not JSON: %v", err)
	}
	wantRaw := map[string]any{"id": "1", "email": "user1@example.com", "name": "User 1", "state": "ACTIVE", "last_login": "2026-11-01T10:00:00Z", "type": "User"}
	if diff := cmp.Diff(wantRaw, raw); diff != "" {
		t.Errorf("users[0].Raw (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(saasconnect.ActivityInactive, users[1].Activity); diff != "" {
		t.Errorf("users[1].Activity (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(saasconnect.ActivityNever, users[2].Activity); diff != "" {
		t.Errorf("users[2].Activity (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(1, rep.Activity.Active); diff != "" {
		t.Errorf("rep.Activity.Active (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(1, rep.Activity.Inactive); diff != "" {
		t.Errorf("rep.Activity.Inactive (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(1, rep.Activity.Never); diff != "" {
		t.Errorf("rep.Activity.Never (-want +got):\n%s", diff)
	}
}

func TestNoActivityFieldIsUnknown(t *testing.T) {
	f := newFakeVendor(t, 2, paginate.None, AuthNone)
	srv := f.server()
	tmpl := f.template(srv.URL)
	tmpl.Activity = ActivitySpec{}
	c, err := New(tmpl, "f", nil)
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
	users, rep, err := collect(t, c, t.Context())
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
	if diff := cmp.Diff(saasconnect.ActivityUnknown, users[0].Activity); diff != "" {
		t.Errorf("users[0].Activity (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff("Fake App", users[0].Application); diff != "" {
		t.Errorf("users[0].Application (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(2, rep.Activity.Unknown); diff != "" {
		t.Errorf("rep.Activity.Unknown (-want +got):\n%s", diff)
	}
}

func TestPrefetchKeepsOrder(t *testing.T) {
	f := newFakeVendor(t, 20, paginate.OffsetLimit, AuthNone)
	srv := f.server()
	c, err := New(f.template(srv.URL), "p", nil, WithPrefetch(4), WithRawRecords(true))
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
	users, rep, err := collect(t, c, t.Context())
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
	if diff := cmp.Diff(seq(20), ids(users)); diff != "" {
		t.Errorf("ids(users) (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(7, rep.Pages); diff != "" {
		t.Errorf("rep.Pages (-want +got):\n%s", diff)
	}
	for _, u := range users {
		if !strings.Contains(string(u.Raw), `"id":"`+u.ID+`"`) {
			t.Errorf("raw records stay with their page under prefetch lacks %q:\n%s", `"id":"`+u.ID+`"`, string(u.Raw))
		}
	}
}

// TestStatuses covers partial, failed and cancelled runs.
func TestStatuses(t *testing.T) {
	t.Run("partial: failure after users were delivered", func(t *testing.T) {
		f := newFakeVendor(t, 7, paginate.PageNumber, AuthAPIKey)
		f.faults[2] = []fault{{status: 500}}
		srv := f.server()
		c, err := New(f.template(srv.URL), "s", f.settings())
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		users, rep, err := collect(t, c, t.Context())
		if err == nil {
			t.Fatalf("want an error, got nil")
		}
		if diff := cmp.Diff(Partial, rep.Status); diff != "" {
			t.Errorf("rep.Status (-want +got):\n%s", diff)
		}
		if len(users) != 3 {
			t.Errorf("len(users) = %d, want %d", len(users), 3)
		}
		if diff := cmp.Diff(3, rep.Kept); diff != "" {
			t.Errorf("rep.Kept (-want +got):\n%s", diff)
		}
		var he *HTTPError
		if !errors.As(err, &he) {
			t.Fatalf("error %v is not a %T", err, he)
		}
		if diff := cmp.Diff(500, he.StatusCode); diff != "" {
			t.Errorf("he.StatusCode (-want +got):\n%s", diff)
		}
		if !strings.Contains(rep.Err, "page 2: GET http://127.0.0.1") {
			t.Errorf("rep.Err lacks %q:\n%s", "page 2: GET http://127.0.0.1", rep.Err)
		}
		if !strings.Contains(rep.Err, "500 Internal Server Error") {
			t.Errorf("rep.Err lacks %q:\n%s", "500 Internal Server Error", rep.Err)
		}
		assertNoSecrets(t, err.Error(), rep.Err)
	})
	t.Run("partial: records that cannot be mapped", func(t *testing.T) {
		f := newFakeVendor(t, 4, paginate.None, AuthNone)
		f.records[1]["email"] = map[string]any{"not": "a string"}
		f.records[2]["id"], f.records[2]["email"] = nil, nil
		srv := f.server()
		c, err := New(f.template(srv.URL), "s", nil)
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		users, rep, err := collect(t, c, t.Context())
		if err == nil {
			t.Fatalf("want an error, got nil")
		}
		if diff := cmp.Diff(Partial, rep.Status); diff != "" {
			t.Errorf("rep.Status (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"1", "4"}, ids(users)); diff != "" {
			t.Errorf("ids(users) (-want +got):\n%s", diff)
		}
		if len(rep.RecordErrors) != 2 {
			t.Fatalf("len(rep.RecordErrors) = %d, want %d", len(rep.RecordErrors), 2)
		}
		if !strings.Contains(rep.RecordErrors[0].Error(), "page 1, record 1: ") {
			t.Errorf("rep.RecordErrors[0].Error() lacks %q:\n%s", "page 1, record 1: ", rep.RecordErrors[0].Error())
		}
		if !strings.Contains(rep.RecordErrors[1].Error(), "page 1, record 2: ") {
			t.Errorf("rep.RecordErrors[1].Error() lacks %q:\n%s", "page 1, record 2: ", rep.RecordErrors[1].Error())
		}
		if !strings.Contains(err.Error(), "2 of 4 records could not be mapped") {
			t.Errorf("err.Error() lacks %q:\n%s", "2 of 4 records could not be mapped", err.Error())
		}
		// Users reports them as its last error, after every user.
		var got []string
		var last error
		for u, err := range c.Users(t.Context()) {
			if err != nil {
				last = err
				continue
			}
			if err := last; err != nil {
				t.Fatalf("last: %v", err)
			}
			got = append(got, u.ID)
		}
		if diff := cmp.Diff([]string{"1", "4"}, got); diff != "" {
			t.Errorf("got (-want +got):\n%s", diff)
		}
		if last == nil || !strings.Contains(last.Error(), "2 of 4 records could not be mapped") {
			t.Errorf("error %v, want one containing %q", last, "2 of 4 records could not be mapped")
		}
	})
	t.Run("failed: nothing delivered", func(t *testing.T) {
		f := newFakeVendor(t, 7, paginate.PageNumber, AuthAPIKey)
		srv := f.server()
		c, err := New(f.template(srv.URL), "s", Settings{"api_key": "wrong-key-123456"})
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		users, rep, err := collect(t, c, t.Context())
		if len(users) != 0 {
			t.Errorf("users = %v, want empty", users)
		}
		if diff := cmp.Diff(Failed, rep.Status); diff != "" {
			t.Errorf("rep.Status (-want +got):\n%s", diff)
		}
		if !errors.Is(err, ErrUnauthorized) {
			t.Errorf("error %v is not %v", err, ErrUnauthorized)
		}
		if strings.Contains(err.Error(), "wrong-key-123456") {
			t.Errorf("err.Error() contains %q:\n%s", "wrong-key-123456", err.Error())
		}
		if strings.Contains(rep.Err, "wrong-key-123456") {
			t.Errorf("rep.Err contains %q:\n%s", "wrong-key-123456", rep.Err)
		}
	})
	t.Run("failed: each returns an error", func(t *testing.T) {
		f := newFakeVendor(t, 7, paginate.PageNumber, AuthNone)
		srv := f.server()
		c, err := New(f.template(srv.URL), "s", nil)
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		boom := errors.New("disk full")
		n := 0
		rep, err := c.Run(t.Context(), func(saasconnect.User) error {
			n++
			if n == 2 {
				return boom
			}
			return nil
		})
		if !errors.Is(err, boom) {
			t.Errorf("error %v is not %v", err, boom)
		}
		if diff := cmp.Diff(Partial, rep.Status); diff != "" {
			t.Errorf("rep.Status (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(1, rep.Kept); diff != "" {
			t.Errorf("rep.Kept (-want +got):\n%s", diff)
		}
		pages, _ := f.hits()
		if diff := cmp.Diff(1, pages); diff != "" {
			t.Errorf("no request after the caller stopped (-want +got):\n%s", diff)
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		f := newFakeVendor(t, 7, paginate.PageNumber, AuthNone)
		srv := f.server()
		c, err := New(f.template(srv.URL), "s", nil)
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		rep, err := c.Run(ctx, func(u saasconnect.User) error {
			if u.ID == "2" {
				cancel()
			}
			return nil
		})
		if !errors.Is(err, context.Canceled) {
			t.Errorf("error %v is not %v", err, context.Canceled)
		}
		if diff := cmp.Diff(Cancelled, rep.Status); diff != "" {
			t.Errorf("rep.Status (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(2, rep.Kept); diff != "" {
			t.Errorf("nothing is delivered after the cancellation (-want +got):\n%s", diff)
		}
		pages, _ := f.hits()
		if diff := cmp.Diff(1, pages); diff != "" {
			t.Errorf("no further page is fetched (-want +got):\n%s", diff)
		}
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
					WithHTTPClient(&http.Client{Transport: f.transport()}),
					WithLogger(logs.logger()),
					WithRetry(RetryPolicy{MaxAttempts: 4, MinWait: time.Second, MaxWait: 10 * time.Second}))
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				start := time.Now()
				users, rep, err := collect(t, c, t.Context())
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				if diff := cmp.Diff(seq(10), ids(users)); diff != "" {
					t.Errorf("no user lost or duplicated (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff(Succeeded, rep.Status); diff != "" {
					t.Errorf("rep.Status (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff(3, rep.Retries); diff != "" {
					t.Errorf("rep.Retries (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff(4, rep.Pages); diff != "" {
					t.Errorf("rep.Pages (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff(1+4+3, rep.Requests); diff != "" {
					t.Errorf("token + pages + retried attempts (-want +got):\n%s", diff)
				}
				if !(time.Since(start) >= 2*time.Second) {
					t.Errorf("Retry-After honoured on the fake clock = %v, want at least %v", time.Since(start), 2*time.Second)
				}
				if !strings.Contains(logs.String(), "level=WARN msg=\"retrying request\"") {
					t.Errorf("logs.String() lacks %q:\n%s", "level=WARN msg=\"retrying request\"", logs.String())
				}
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
					WithHTTPClient(&http.Client{Transport: f.transport()}))
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				users, rep, err := collect(t, c, t.Context())
				if err == nil {
					t.Fatalf("want an error, got nil")
				}
				if cmp.Equal(Succeeded, rep.Status) {
					t.Errorf("rep.Status = %v, want anything else", rep.Status)
				}
				if len(users) != 3*(page-1) {
					t.Errorf("len(users) = %d, want %d", len(users), 3*(page-1))
				}
				want := Failed
				if page > 1 {
					want = Partial
				}
				if diff := cmp.Diff(want, rep.Status); diff != "" {
					t.Errorf("rep.Status (-want +got):\n%s", diff)
				}
				if !strings.Contains(err.Error(), fmt.Sprintf("page %d: GET https://vendor.test/users?page=%d&per_page=3", page, page)) {
					t.Errorf("err.Error() lacks %q:\n%s", fmt.Sprintf("page %d: GET https://vendor.test/users?page=%d&per_page=3", page, page), err.Error())
				}
				if !strings.Contains(err.Error(), "truncated JSON: body ended at byte offset") {
					t.Errorf("err.Error() lacks %q:\n%s", "truncated JSON: body ended at byte offset", err.Error())
				}
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
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
	_, rep, err := collect(t, c, t.Context())
	if err == nil {
		t.Fatalf("want an error, got nil")
	}
	if diff := cmp.Diff(Failed, rep.Status); diff != "" {
		t.Errorf("rep.Status (-want +got):\n%s", diff)
	}
	if !strings.Contains(err.Error(), "invalid JSON at byte offset 21") {
		t.Errorf("err.Error() lacks %q:\n%s", "invalid JSON at byte offset 21", err.Error())
	}
	if !strings.Contains(err.Error(), "/users?page=1&per_page=3") {
		t.Errorf("err.Error() lacks %q:\n%s", "/users?page=1&per_page=3", err.Error())
	}
	assertNoSecrets(t, err.Error(), rep.Err)
}

func TestBodyCap(t *testing.T) {
	f := newFakeVendor(t, 7, paginate.PageNumber, AuthNone)
	srv := f.server()
	c, err := New(f.template(srv.URL), "cap", nil, WithMaxBodyBytes(100))
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
	_, rep, err := collect(t, c, t.Context())
	if err == nil {
		t.Fatalf("want an error, got nil")
	}
	if diff := cmp.Diff(Failed, rep.Status); diff != "" {
		t.Errorf("rep.Status (-want +got):\n%s", diff)
	}
	if !strings.Contains(err.Error(), "response body too large: more than 100 bytes") {
		t.Errorf("err.Error() lacks %q:\n%s", "response body too large: more than 100 bytes", err.Error())
	}
}

// TestRefreshOn401: a revoked token gets one forced refresh, then the run
// goes on.
func TestRefreshOn401(t *testing.T) {
	f := newFakeVendor(t, 7, paginate.PageNumber, AuthOAuth2)
	srv := f.server()
	c, err := New(f.template(srv.URL), "o", f.settings())
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
	n := 0
	rep, err := c.Run(t.Context(), func(u saasconnect.User) error {
		n++
		if n == 3 { // revoke the token before page 2
			f.fake().RevokeTokens()
		}
		return nil
	})
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
	if diff := cmp.Diff(7, n); diff != "" {
		t.Errorf("n (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(Succeeded, rep.Status); diff != "" {
		t.Errorf("rep.Status (-want +got):\n%s", diff)
	}
	pages, tokens := f.hits()
	if diff := cmp.Diff(2, tokens); diff != "" {
		t.Errorf("tokens (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(4, pages); diff != "" {
		t.Errorf("3 pages + the one 401 (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(6, rep.Requests); diff != "" {
		t.Errorf("rep.Requests (-want +got):\n%s", diff)
	}

	// A second 401 (the fresh token is refused too) fails.
	f2 := newFakeVendor(t, 7, paginate.PageNumber, AuthOAuth2)
	srv2 := f2.server()
	c2, err := New(f2.template(srv2.URL), "o", f2.settings())
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
	f2.auth = "refuse-all"
	_, rep, err = collect(t, c2, t.Context())
	if !errors.Is(err, ErrUnauthorized) {
		t.Errorf("error %v is not %v", err, ErrUnauthorized)
	}
	if diff := cmp.Diff(Failed, rep.Status); diff != "" {
		t.Errorf("rep.Status (-want +got):\n%s", diff)
	}
	_, tokens = f2.hits()
	if diff := cmp.Diff(2, tokens); diff != "" {
		t.Errorf("exactly one forced refresh (-want +got):\n%s", diff)
	}
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
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}

			_, rep, runErr := collect(t, c, t.Context())
			if diff := cmp.Diff(Failed, rep.Status); diff != "" {
				t.Errorf("rep.Status (-want +got):\n%s", diff)
			}
			var iterErr error
			for _, err := range c.Users(t.Context()) {
				iterErr = err
			}
			testErr := c.Test(t.Context())
			for what, err := range map[string]error{"Run": runErr, "Users": iterErr, "Test": testErr} {
				if err == nil {
					t.Fatalf("%s: want an error, got nil", what)
				}
				var te *auth.TokenError
				if !errors.As(err, &te) {
					t.Errorf("%s: %v is not a %T", what, err, te)
				}
				if !errors.Is(err, auth.ErrTokenRequest) {
					t.Errorf("%s: %v is not %v", what, err, auth.ErrTokenRequest)
				}
				if diff := cmp.Diff(tt.refused, errors.Is(err, ErrUnauthorized)); diff != "" {
					t.Errorf("%s: errors.Is(ErrUnauthorized): %v (-want +got):\n%s", what, err, diff)
				}
				if diff := cmp.Diff(tt.refused, errors.Is(err, auth.ErrInvalidCredentials)); diff != "" {
					t.Errorf("%s: errors.Is(auth.ErrInvalidCredentials): %v (-want +got):\n%s", what, err, diff)
				}
				if errors.Is(err, ErrForbidden) {
					t.Errorf("%s: %v is %v", what, err, ErrForbidden)
				}
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
			WithHTTPClient(&http.Client{Transport: f.transport()}),
			WithRetry(RetryPolicy{MaxWait: time.Minute}))
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		start := time.Now()
		users, rep, err := collect(t, c, t.Context())
		if diff := cmp.Diff(time.Duration(0), time.Since(start)); diff != "" {
			t.Errorf("no waiting when the server asks for more than the cap (-want +got):\n%s", diff)
		}
		var he *HTTPError
		if !errors.As(err, &he) {
			t.Fatalf("error %v is not a %T", err, he)
		}
		if diff := cmp.Diff(time.Hour, he.RetryAfter); diff != "" {
			t.Errorf("he.RetryAfter (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(429, he.StatusCode); diff != "" {
			t.Errorf("he.StatusCode (-want +got):\n%s", diff)
		}
		if !errors.Is(err, ErrRateLimited) {
			t.Errorf("error %v is not %v", err, ErrRateLimited)
		}
		if len(users) != 3 {
			t.Errorf("len(users) = %d, want %d", len(users), 3)
		}
		if diff := cmp.Diff(Partial, rep.Status); diff != "" {
			t.Errorf("rep.Status (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(0, rep.Retries); diff != "" {
			t.Errorf("rep.Retries (-want +got):\n%s", diff)
		}
		if !strings.Contains(rep.Err, "retry after 1h0m0s") {
			t.Errorf("rep.Err lacks %q:\n%s", "retry after 1h0m0s", rep.Err)
		}
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
					WithHTTPClient(&http.Client{Transport: f.transport()}),
					WithRetry(RetryPolicy{MaxWait: time.Minute}))
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				start := time.Now()
				users, rep, err := collect(t, c, t.Context())
				if diff := cmp.Diff(tt.wantWait, time.Since(start)); diff != "" {
					t.Errorf("time.Since(start) (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff(tt.wantRetries, rep.Retries); diff != "" {
					t.Errorf("rep.Retries (-want +got):\n%s", diff)
				}
				if tt.wantErr == nil {
					if err != nil {
						t.Fatalf("unexpected error: %v", err)
					}
					if diff := cmp.Diff(seq(7), ids(users)); diff != "" {
						t.Errorf("ids(users) (-want +got):\n%s", diff)
					}
					return
				}
				if !errors.Is(err, tt.wantErr) {
					t.Errorf("error %v is not %v", err, tt.wantErr)
				}
				if errors.Is(err, tt.notErr) {
					t.Errorf("error %v is %v", err, tt.notErr)
				}
				if diff := cmp.Diff(Partial, rep.Status); diff != "" {
					t.Errorf("rep.Status (-want +got):\n%s", diff)
				}
				var he *HTTPError
				if !errors.As(err, &he) {
					t.Fatalf("error %v is not a %T", err, he)
				}
				if diff := cmp.Diff(403, he.StatusCode); diff != "" {
					t.Errorf("he.StatusCode (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff(tt.wantAfter, he.RetryAfter); diff != "" {
					t.Errorf("he.RetryAfter (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff(tt.wantErr == ErrRateLimited, he.RateLimited); diff != "" {
					t.Errorf("he.RateLimited (-want +got):\n%s", diff)
				}
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
			WithHTTPClient(&http.Client{Transport: f.transport()}), WithLogger(logs.logger()),
			WithProgress(func(p Progress) { last = p }))
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		start := time.Now()
		users, rep, err := collect(t, c, t.Context())
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		if len(users) != 12 {
			t.Errorf("len(users) = %d, want %d", len(users), 12)
		}
		if diff := cmp.Diff(5, rep.Requests); diff != "" { // 4 full pages + the empty one
			t.Errorf("rep.Requests (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(2*time.Second, time.Since(start)); diff != "" {
			t.Errorf("5 requests at 2/s (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(4, last.RateLimitWaits); diff != "" {
			t.Errorf("last.RateLimitWaits (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(2*time.Second, last.RateLimitWait); diff != "" {
			t.Errorf("last.RateLimitWait (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(5, last.Requests); diff != "" {
			t.Errorf("last.Requests (-want +got):\n%s", diff)
		}
		if !strings.Contains(logs.String(), `msg="waiting for the rate limit" method=GET url="https://vendor.test/users?page=2&per_page=3" wait=500ms`) {
			t.Errorf("logs.String() lacks %q:\n%s", `msg="waiting for the rate limit" method=GET url="https://vendor.test/users?page=2&per_page=3" wait=500ms`, logs.String())
		}
	})
}

func TestPlainHTTPAndCrossOrigin(t *testing.T) {
	f := newFakeVendor(t, 7, paginate.NextURL, AuthAPIKey)
	tmpl := f.template("http://vendor.example.com")
	_, err := New(tmpl, "h", f.settings())
	if err == nil || !strings.Contains(err.Error(), "refusing plain http URL http://vendor.example.com/users") {
		t.Fatalf("error %v, want one containing %q", err, "refusing plain http URL http://vendor.example.com/users")
	}

	srv := f.server()
	f.crossOrigin = true // next URLs point at https://other-origin.example.com
	c, err := New(f.template(srv.URL), "h", f.settings())
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
	users, rep, err := collect(t, c, t.Context())
	if !errors.Is(err, paginate.ErrCrossOrigin) {
		t.Errorf("error %v is not %v", err, paginate.ErrCrossOrigin)
	}
	if len(users) != 3 {
		t.Errorf("len(users) = %d, want %d", len(users), 3)
	}
	if diff := cmp.Diff(Partial, rep.Status); diff != "" {
		t.Errorf("rep.Status (-want +got):\n%s", diff)
	}
	pages, _ := f.hits()
	if diff := cmp.Diff(1, pages); diff != "" {
		t.Errorf("pages (-want +got):\n%s", diff)
	}
}

func TestNewErrors(t *testing.T) {
	f := newFakeVendor(t, 1, paginate.None, AuthOAuth2)
	tmpl := f.template("https://vendor.test")
	tmpl.Declared = append(tmpl.Declared, Setting{Name: "org", Required: true, Description: "organization login"})
	_, err := New(tmpl, "n", Settings{"client_secret": testClientSecret, "orgg": "x"})
	if err == nil {
		t.Fatalf("want an error, got nil")
	}
	for _, want := range []string{`connector "n"`, `missing required setting "org" (organization login)`, `missing required setting "client_id"`, `unknown setting "orgg"`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v, want one containing %q", err, want)
		}
	}
	assertNoSecrets(t, err.Error())

	_, err = New(Template{}, "n", nil)
	var te *TemplateError
	if !errors.As(err, &te) {
		t.Errorf("error %v is not a %T", err, te)
	}

	_, err = New(f.template("https://vendor.test"), "n", f.settings(), WithTimeout(-1), WithPrefetch(0))
	if err == nil || !strings.Contains(err.Error(), "WithTimeout") {
		t.Errorf("error %v, want one containing %q", err, "WithTimeout")
	}
	if err == nil || !strings.Contains(err.Error(), "WithPrefetch") {
		t.Errorf("error %v, want one containing %q", err, "WithPrefetch")
	}

	// Credentials in a URL that come from a setting.
	_, err = New(f.template("https://vendor.test"), "n", Settings{"client_id": "c", "client_secret": testClientSecret, "base_url": "https://bob:" + testPassword + "@vendor.test"})
	if err == nil || !strings.Contains(err.Error(), "credentials in the URL") {
		t.Errorf("error %v, want one containing %q", err, "credentials in the URL")
	}
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
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
	_, _, err = collect(t, c, t.Context())
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
	if diff := cmp.Diff([]string{"/orgs/a%20b%2Fc/users?filter=x%26y&team=a+b%2Fc a b/c"}, got); diff != "" {
		t.Errorf("got (-want +got):\n%s", diff)
	}
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
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
	users, rep, err := collect(t, c, t.Context())
	if len(users) != 0 {
		t.Errorf("users = %v, want empty", users)
	}
	if diff := cmp.Diff(Partial, rep.Status); diff != "" {
		t.Errorf("records that cannot be mapped make a run partial (-want +got):\n%s", diff)
	}
	if len(rep.RecordErrors) != maxRecordErrors+1 {
		t.Fatalf("len(rep.RecordErrors) = %d, want %d", len(rep.RecordErrors), maxRecordErrors+1)
	}
	if rep.RecordErrors[maxRecordErrors] == nil || rep.RecordErrors[maxRecordErrors].Error() != "and 5 more records could not be mapped" {
		t.Errorf("error %v, want %q", rep.RecordErrors[maxRecordErrors], "and 5 more records could not be mapped")
	}
	if !strings.Contains(err.Error(), `connector "cap": 1005 of 1005 records could not be mapped; page 1, record 0: `) {
		t.Errorf("err.Error() lacks %q:\n%s", `connector "cap": 1005 of 1005 records could not be mapped; page 1, record 0: `, err.Error())
	}
	if !strings.Contains(err.Error(), "... (1002 more, see Report.RecordErrors)") {
		t.Errorf("err.Error() lacks %q:\n%s", "... (1002 more, see Report.RecordErrors)", err.Error())
	}
	if !errors.Is(err, mapping.ErrMissingIdentity) {
		t.Errorf("error %v is not %v", err, mapping.ErrMissingIdentity)
	}
	if !(len(rep.Err) < 2000) {
		t.Errorf("len(rep.Err) = %v, want less than %v", len(rep.Err), 2000)
	}
}
