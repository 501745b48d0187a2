package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saasconnect/saasconnect"
	"github.com/saasconnect/saasconnect/connector"
	"github.com/saasconnect/saasconnect/connector/connectortest"
)

// wantUsers is what the connector must deliver from s: every kept user, in
// order, named after the connector.
func wantUsers(s *connectortest.Server) []saasconnect.User {
	us := s.Users()
	for i := range us {
		us[i].Connector = connectorName
	}
	return us
}

// minRequests is the fewest requests a walk of users records, pageSize per
// page, can make: it must see the last page, and where nothing (total, a
// missing next cursor or link) says a full page is the last one, it needs
// one more, empty, page to know.
func minRequests(p connectortest.Pagination, users, pageSize int, total bool) int {
	if p == connectortest.PaginateNone {
		return 1
	}
	pages := (users + pageSize - 1) / pageSize
	full := users%pageSize == 0
	switch p {
	case connectortest.PaginateOffset, connectortest.PaginatePage:
		if full && !total {
			pages++ // only an empty page ends the walk
		}
	case connectortest.PaginateLastID:
		if full {
			pages++ // a short page ends last-id walks; a total does not apply
		}
	}
	return max(pages, 1)
}

// TestSameUsersAsBaseline checks that the benchmark compares like with
// like: the SDK and the hand-written baseline deliver exactly the users the
// fake vendor says, in order.
func TestSameUsersAsBaseline(t *testing.T) {
	s := connectortest.NewServer(connectortest.ServerConfig{Users: 1050, PageSize: 100, Pagination: connectortest.PaginateOffset, ReportTotal: true})
	defer s.Close()
	want := wantUsers(s)

	var base []saasconnect.User
	reqs, err := newBaseline(s).Run(t.Context(), func(u saasconnect.User) error { base = append(base, u); return nil })
	require.NoError(t, err)
	assert.Equal(t, 11, reqs)
	if diff := cmp.Diff(want, base); diff != "" {
		t.Errorf("baseline users (-want +got):\n%s", diff)
	}

	var sdk []saasconnect.User
	rep, err := newConnector(t, s).Run(t.Context(), func(u saasconnect.User) error { sdk = append(sdk, u); return nil })
	require.NoError(t, err)
	assert.Equal(t, connector.Succeeded, rep.Status)
	if diff := cmp.Diff(want, sdk); diff != "" {
		t.Errorf("SDK users (-want +got):\n%s", diff)
	}
}

// TestRequestCounts checks that every pagination style sends the fewest
// requests it can (no probe after a short page), and loses, duplicates or
// reorders no user.
func TestRequestCounts(t *testing.T) {
	const pageSize = 100
	for _, p := range connectortest.Paginations() {
		for _, users := range []int{0, 1, 250, 300} {
			for _, total := range []bool{false, true} {
				name := fmt.Sprintf("%s/%d users/total=%v", p, users, total)
				t.Run(name, func(t *testing.T) {
					t.Parallel()
					s := connectortest.NewInMemoryServer(connectortest.ServerConfig{Users: users, PageSize: pageSize, Pagination: p, ReportTotal: total})
					var got []saasconnect.User
					rep, err := newConnector(t, s).Run(t.Context(), func(u saasconnect.User) error { got = append(got, u); return nil })
					require.NoError(t, err)
					assert.Equal(t, connector.Succeeded, rep.Status)
					want := minRequests(p, users, pageSize, total)
					assert.Equal(t, want, s.Requests(), "requests the server saw")
					assert.Equal(t, want, rep.Requests, "Report.Requests")
					assert.Equal(t, users, rep.Seen)
					if diff := cmp.Diff(wantUsers(s), got, cmpopts.EquateEmpty()); diff != "" {
						t.Errorf("users (-want +got):\n%s", diff)
					}
				})
			}
		}
	}
}

// TestPrefetchHidesLatency runs the latency scenario of BenchmarkPrefetch in
// a synctest bubble, where time is virtual: 200 pages of 20ms each, total
// known. Prefetching 8 pages must finish in at most a fifth of the
// sequential virtual time, with the same users in the same order.
func TestPrefetchHidesLatency(t *testing.T) {
	const pages, pageSize = 200, 10
	run := func(t *testing.T, opts ...connector.Option) ([]string, time.Duration, int) {
		var ids []string
		var elapsed time.Duration
		var requests int
		synctest.Test(t, func(t *testing.T) {
			s := connectortest.NewInMemoryServer(connectortest.ServerConfig{Users: pages * pageSize, PageSize: pageSize, Pagination: connectortest.PaginateOffset, ReportTotal: true, Latency: 20 * time.Millisecond})
			c := newConnector(t, s, opts...)
			start := time.Now()
			_, err := c.Run(context.Background(), func(u saasconnect.User) error { ids = append(ids, u.ID); return nil })
			require.NoError(t, err)
			elapsed = time.Since(start)
			requests = s.Requests()
			assert.Len(t, ids, s.Kept())
		})
		return ids, elapsed, requests
	}
	seqIDs, seq, seqReqs := run(t)
	preIDs, pre, preReqs := run(t, connector.WithPrefetch(8))
	assert.Equal(t, seqIDs, preIDs, "prefetch must keep the order")
	assert.Equal(t, pages, seqReqs)
	assert.Equal(t, pages, preReqs, "prefetch must not fetch past the total")
	t.Logf("virtual time: sequential %v, prefetch(8) %v (%.1fx)", seq, pre, float64(seq)/float64(pre))
	assert.GreaterOrEqual(t, float64(seq)/float64(pre), 5.0, "sequential %v, prefetch %v", seq, pre)
}

// TestRawRecords checks WithRawRecords end to end: every user carries its
// vendor record verbatim (valid JSON, its own id), prefetching or not.
func TestRawRecords(t *testing.T) {
	s := connectortest.NewInMemoryServer(connectortest.ServerConfig{Users: 450, PageSize: 100, Pagination: connectortest.PaginateOffset, ReportTotal: true})
	for _, prefetch := range []int{1, 4} {
		var got []saasconnect.User
		_, err := newConnector(t, s, connector.WithRawRecords(true), connector.WithPrefetch(prefetch)).Run(t.Context(), func(u saasconnect.User) error {
			got = append(got, u)
			return nil
		})
		require.NoError(t, err)
		require.Len(t, got, s.Kept())
		for _, u := range got {
			var rec struct{ ID, Type string }
			require.NoError(t, json.Unmarshal(u.Raw, &rec), "user %s", u.ID)
			assert.Equal(t, u.ID, rec.ID)
			assert.Equal(t, "User", rec.Type)
			assert.Equal(t, byte('{'), u.Raw[0])
			assert.Equal(t, byte('}'), u.Raw[len(u.Raw)-1])
		}
	}
}
