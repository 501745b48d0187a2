package connectortest

import (
	"errors"
	"fmt"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/saasconnect/saasconnect"
	"github.com/saasconnect/saasconnect/connector"
)

// runConnector runs a real connector made from s.Template against s.
func runConnector(t *testing.T, s *Server, opts ...connector.Option) ([]saasconnect.User, connector.Report, error) {
	t.Helper()
	opts = append([]connector.Option{
		connector.WithHTTPClient(s.Client()),
		connector.WithClock(func() time.Time { return s.Config().Now }),
	}, opts...)
	c, err := connector.New(s.Template(), "fake", s.Settings(), opts...)
	if err != nil {
		t.Fatalf("connector.New: %v", err)
	}
	var got []saasconnect.User
	rep, err := c.Run(t.Context(), func(u saasconnect.User) error {
		got = append(got, u)
		return nil
	})
	return got, rep, err
}

var ignoreConnector = cmpopts.IgnoreFields(saasconnect.User{}, "Connector")

func TestServerWithConnector(t *testing.T) {
	t.Parallel()
	auths := []Auth{AuthNone, AuthAPIKey, AuthBasic, AuthOAuth2, AuthSession}
	for i, pg := range Paginations() {
		for _, n := range []int{0, 30, 45} {
			a := auths[(i+n)%len(auths)]
			t.Run(fmt.Sprintf("%s/%s/%d", pg, a, n), func(t *testing.T) {
				t.Parallel()
				s := NewServer(ServerConfig{Users: n, Pagination: pg, PageSize: 15, Auth: a, ReportTotal: n == 45})
				defer s.Close()
				got, rep, err := runConnector(t, s)
				if err != nil {
					t.Fatalf("Run: %v (report %+v)", err, rep)
				}
				if diff := cmp.Diff(s.Users(), got, ignoreConnector, cmpopts.EquateEmpty()); diff != "" {
					t.Errorf("users (-want +got):\n%s", diff)
				}
				if rep.Status != connector.Succeeded || rep.Kept != s.Kept() || rep.Seen != n || rep.Filtered != n-s.Kept() {
					t.Errorf("report = %+v, want succeeded, kept %d of %d", rep, s.Kept(), n)
				}
				if rep.Requests != s.Requests() {
					t.Errorf("report counts %d requests, server saw %d", rep.Requests, s.Requests())
				}
			})
		}
	}
}

func TestServerFaultsWithConnector(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		pg      Pagination
		auth    Auth
		fault   Fault
		wantErr error // nil: the run must succeed
		failed  bool  // the run must not succeed, whatever the error
		opts    []connector.Option
	}{
		{name: "429 once with Retry-After", fault: Fault{Kind: FaultRateLimit, Page: 2, Times: 1, RetryAfter: 2 * time.Second}},
		{name: "429 once without Retry-After", fault: Fault{Kind: FaultRateLimit, Page: 2, Times: 1}},
		{name: "429 forever", fault: Fault{Kind: FaultRateLimit, Page: 2}, wantErr: connector.ErrRateLimited},
		{name: "503 twice", fault: Fault{Kind: FaultServerError, Page: 3, Times: 2}},
		{name: "expired token", auth: AuthOAuth2, fault: Fault{Kind: FaultUnauthorized, Page: 2, Times: 1}},
		{name: "revoked token", auth: AuthOAuth2, fault: Fault{Kind: FaultUnauthorized, Page: 2}, wantErr: connector.ErrUnauthorized},
		{name: "truncated body", fault: Fault{Kind: FaultTruncated, Page: 2}, failed: true},
		{name: "reset mid-body", fault: Fault{Kind: FaultReset, Page: 2}, failed: true},
		{name: "slow body", fault: Fault{Kind: FaultSlowBody, Page: 2, Delay: 100 * time.Millisecond}},
		{name: "cursor loop", pg: PaginateCursor, fault: Fault{Kind: FaultCursorLoop, Page: 2}, wantErr: connector.ErrCursorLoop},
		{name: "last-id loop", pg: PaginateLastID, fault: Fault{Kind: FaultCursorLoop, Page: 2}, wantErr: connector.ErrCursorLoop},
		{name: "cross-origin next link", pg: PaginateLinkHeader, fault: Fault{Kind: FaultCrossOrigin, Page: 1}, failed: true},
		{name: "cross-origin next URL", pg: PaginateNextURL, fault: Fault{Kind: FaultCrossOrigin, Page: 1}, failed: true},
		{name: "huge body", fault: Fault{Kind: FaultHugeBody, Page: 2, Size: 2 << 20}, failed: true,
			opts: []connector.Option{connector.WithMaxBodyBytes(1 << 20)}}, // the default cap works the same, 64 times slower
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				s := NewInMemoryServer(ServerConfig{Users: 50, PageSize: 10, Pagination: tc.pg, Auth: tc.auth, Faults: []Fault{tc.fault}})
				got, rep, err := runConnector(t, s, tc.opts...)
				switch {
				case tc.wantErr == nil && !tc.failed:
					if err != nil || rep.Status != connector.Succeeded {
						t.Fatalf("Run = %s, %v; want success", rep.Status, err)
					}
					if diff := cmp.Diff(s.Users(), got, ignoreConnector); diff != "" {
						t.Errorf("users (-want +got):\n%s", diff)
					}
				case tc.wantErr != nil && !errors.Is(err, tc.wantErr):
					t.Errorf("Run error = %v, want %v", err, tc.wantErr)
				case err == nil || rep.Status == connector.Succeeded:
					t.Errorf("Run = %s, %v; want a failed run", rep.Status, err)
				}
				t.Logf("%s: %v", rep.Status, err)
				if err != nil && len(got) >= s.Kept() {
					t.Errorf("failed run delivered all %d users", len(got))
				}
			})
		})
	}
}

// BenchmarkConnector runs a real connector against the fake vendor.
func BenchmarkConnector(b *testing.B) {
	for _, n := range []int{100_000, 1_000_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			s := NewInMemoryServer(ServerConfig{Users: n, PageSize: 1000, ReportTotal: true})
			c, err := connector.New(s.Template(), "bench", s.Settings(), connector.WithHTTPClient(s.Client()))
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				kept := 0
				rep, err := c.Run(b.Context(), func(saasconnect.User) error { kept++; return nil })
				if err != nil || kept != s.Kept() {
					b.Fatalf("Run: %v, kept %d of %d (%+v)", err, kept, s.Kept(), rep)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "users/s")
		})
	}
}
