package paginate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPrefetchVendors(t *testing.T) {
	tests := []vendorCase{
		{name: "practitest total-pages", handler: practitest, n: 41, path: "/api/v2/users.json", cfg: practitestCfg, recordsPath: "data", wantRequests: 21},
		{name: "practitest exactly full", handler: practitest, n: 40, path: "/api/v2/users.json", cfg: practitestCfg, recordsPath: "data", wantRequests: 20},
		{name: "practitest one page", handler: practitest, n: 2, path: "/api/v2/users.json", cfg: practitestCfg, recordsPath: "data", wantRequests: 1},
		{name: "cyberark body total", handler: cyberark, n: 9, method: http.MethodPost, path: "/Redrock/query", body: cyberarkBody, cfg: cyberarkCfg, recordsPath: "Result.Results", rowKey: "Row", wantRequests: 5},
		{name: "scim offset total", handler: scim, n: 30, path: "/scim/v2/Users", cfg: scimCfg, recordsPath: "Resources", wantRequests: 15},
		{name: "no total: sequential", handler: domo, n: 9, path: "/v1/users", cfg: domoCfg, wantRequests: 5},
		{name: "link header: sequential", handler: okta, n: 9, path: "/api/v1/users", cfg: oktaCfg, wantRequests: 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, resps, err := tt.run(t, 4)
			require.NoError(t, err)
			assert.Equal(t, wantIDs(tt.n), ids(resps), "records in order")
			got := srv.requests()
			assert.Len(t, got, tt.wantRequests, "requests: %q", got)
			assert.Len(t, resps, tt.wantRequests)
			// Each page was asked once: no duplicate, none past the total.
			uris := slices.Clone(got)
			for i, b := range srv.bodies {
				if b != nil {
					uris[i] += fmt.Sprint(b["Args"])
				}
			}
			sort.Strings(uris)
			assert.Equal(t, len(uris), len(slices.Compact(uris)), "duplicate requests: %q", got)
		})
	}
}

// pagedFetch is an in-memory page_number API of total pages of two records
// whose fetch of page p waits for gates[p] to be closed (or for its context
// to end). It counts the fetches in flight.
type pagedFetch struct {
	total    int
	gates    map[int]chan struct{}
	failPage int // this page fails once its gate opens

	mu        sync.Mutex
	requested []int
	inFlight  atomic.Int32
	maxFlight atomic.Int32
	cancelled atomic.Int32
}

func newPagedFetch(total int) *pagedFetch {
	f := &pagedFetch{total: total, gates: map[int]chan struct{}{}}
	for p := 1; p <= total; p++ {
		f.gates[p] = make(chan struct{})
	}
	close(f.gates[1])
	return f
}

func (f *pagedFetch) fetch(ctx context.Context, req *http.Request) (Response, error) {
	p := atoi(req.URL.Query().Get("page"), 0)
	f.mu.Lock()
	f.requested = append(f.requested, p)
	f.mu.Unlock()
	n := f.inFlight.Add(1)
	defer f.inFlight.Add(-1)
	for {
		m := f.maxFlight.Load()
		if n <= m || f.maxFlight.CompareAndSwap(m, n) {
			break
		}
	}
	gate, ok := f.gates[p]
	if !ok {
		return Response{}, fmt.Errorf("page %d does not exist", p)
	}
	select {
	case <-gate:
	case <-ctx.Done():
		f.cancelled.Add(1)
		return Response{}, ctx.Err()
	}
	if p == f.failPage {
		return Response{}, errors.New("status 503")
	}
	recs := []any{map[string]any{"id": userID(2*p - 2)}, map[string]any{"id": userID(2*p - 1)}}
	return Response{Records: recs, Body: map[string]any{"total_pages": json.Number(fmt.Sprint(f.total))}}, nil
}

func (f *pagedFetch) pages() []int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Sorted(slices.Values(f.requested))
}

var pagedCfg = Config{Type: PageNumber, PageField: "page", PageSizeField: "size", PageSize: 2, TotalPagesPath: "total_pages"}

// walkAsync ranges over w.Walk in a goroutine, sending each record id (or
// "error: ...") to the returned channel; stopAfter > 0 breaks after that
// many pages.
func walkAsync(ctx context.Context, w *Walker, stopAfter int) (<-chan string, <-chan struct{}) {
	out := make(chan string, 100)
	done := make(chan struct{})
	u, _ := url.Parse("https://api.example.com/users")
	go func() {
		defer close(done)
		pages := 0
		for r, err := range w.Walk(ctx, Request{URL: u}) {
			if err != nil {
				out <- "error: " + err.Error()
				continue
			}
			out <- ids([]Response{r})[0]
			if pages++; pages == stopAfter {
				break
			}
		}
	}()
	return out, done
}

func drain(ch <-chan string) []string {
	var out []string
	for {
		select {
		case s := <-ch:
			out = append(out, s)
		default:
			return out
		}
	}
}

func TestPrefetchWindowAndOrder(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newPagedFetch(8)
		w := &Walker{Config: pagedCfg, Fetch: f.fetch, Prefetch: 3}
		out, done := walkAsync(t.Context(), w, 0)

		synctest.Wait()
		assert.Equal(t, []string{userID(0)}, drain(out), "page 1 yielded")
		assert.Equal(t, []int{1, 2, 3, 4}, f.pages(), "pages 2-4 requested ahead")
		assert.EqualValues(t, 3, f.inFlight.Load())

		// Pages 3 and 4 arrive first; nothing is yielded before page 2.
		close(f.gates[4])
		close(f.gates[3])
		synctest.Wait()
		assert.Empty(t, drain(out), "out of order")
		assert.Equal(t, []int{1, 2, 3, 4}, f.pages(), "window full while page 2 is pending")

		close(f.gates[2])
		synctest.Wait()
		assert.Equal(t, []string{userID(2), userID(4), userID(6)}, drain(out), "pages 2-4 in order")
		assert.Equal(t, []int{1, 2, 3, 4, 5, 6, 7}, f.pages())

		for p := 5; p <= 8; p++ {
			close(f.gates[p])
		}
		<-done
		assert.Equal(t, []string{userID(8), userID(10), userID(12), userID(14)}, drain(out))
		assert.Equal(t, []int{1, 2, 3, 4, 5, 6, 7, 8}, f.pages(), "nothing past total_pages")
		assert.EqualValues(t, 3, f.maxFlight.Load())
		assert.Zero(t, f.cancelled.Load())
	})
}

func TestPrefetchEarlyBreakCancels(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newPagedFetch(10)
		close(f.gates[2])
		w := &Walker{Config: pagedCfg, Fetch: f.fetch, Prefetch: 4}
		out, done := walkAsync(t.Context(), w, 2)
		<-done // the walk returned after the break...
		assert.Zero(t, f.inFlight.Load(), "...and no fetch is still running")
		assert.Equal(t, []string{userID(0), userID(2)}, drain(out))
		assert.Equal(t, []int{1, 2, 3, 4, 5, 6}, f.pages())
		assert.EqualValues(t, 4, f.cancelled.Load(), "pages 3-6 cancelled")
	})
}

func TestPrefetchErrorCancels(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newPagedFetch(10)
		f.failPage = 3
		close(f.gates[2])
		close(f.gates[3])
		w := &Walker{Config: pagedCfg, Fetch: f.fetch, Prefetch: 3}
		out, done := walkAsync(t.Context(), w, 0)
		<-done
		assert.Zero(t, f.inFlight.Load())
		got := drain(out)
		require.Len(t, got, 3)
		assert.Equal(t, []string{userID(0), userID(2)}, got[:2])
		assert.Equal(t, "error: paginate: page 3: GET https://api.example.com/users?page=3&size=2: status 503", got[2])
		assert.Positive(t, f.cancelled.Load())
		assert.LessOrEqual(t, f.pages()[len(f.pages())-1], 6, "window of 3 after page 3")
	})
}

func TestPrefetchContextCancelled(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newPagedFetch(10)
		ctx, cancel := context.WithCancel(t.Context())
		w := &Walker{Config: pagedCfg, Fetch: f.fetch, Prefetch: 3}
		out, done := walkAsync(ctx, w, 0)
		synctest.Wait()
		cancel()
		<-done
		assert.Zero(t, f.inFlight.Load())
		got := drain(out)
		require.Len(t, got, 2)
		assert.Equal(t, userID(0), got[0])
		assert.Equal(t, "error: paginate: page 2: GET https://api.example.com/users?page=2&size=2: context canceled", got[1])
	})
}

func TestPrefetchLeavesPredictedPath(t *testing.T) {
	// offset_limit with a total: pages are requested ahead at offsets
	// 2, 4, 6, but the page at offset 2 comes back short (one record), so
	// the walk drops the requests ahead and goes on from offset 3, one page
	// at a time.
	const n = 7
	all := people(n)
	var mu sync.Mutex
	var offsets []int
	fetch := func(_ context.Context, req *http.Request) (Response, error) {
		off := atoi(req.URL.Query().Get("offset"), -1)
		mu.Lock()
		offsets = append(offsets, off)
		mu.Unlock()
		to := min(off+2, n)
		if off == 2 {
			to = 3
		}
		return Response{Records: all[off:to], Body: map[string]any{"total": n}}, nil
	}
	u, _ := url.Parse("https://api.example.com/users")
	w := &Walker{Config: Config{Type: OffsetLimit, OffsetField: "offset", LimitField: "limit", PageSize: 2, TotalPath: "total"}, Fetch: fetch, Prefetch: 3}
	resps, err := collect(t, w.Walk(t.Context(), Request{URL: u}))
	require.NoError(t, err)
	assert.Equal(t, wantIDs(n), ids(resps))
	assert.Len(t, resps, 4)
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, []int{3, 5}, offsets[len(offsets)-2:], "sequential after the short page")
	assert.Subset(t, []int{0, 2, 4, 6, 3, 5}, offsets)
}
