package paginate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	oktaCfg       = Config{Type: LinkHeader, LimitField: "limit", PageSize: 2}
	webexCfg      = Config{Type: LinkHeader, LimitField: "max", PageSize: 2}
	graphCfg      = Config{Type: NextURL, NextURLPath: `["@odata.nextLink"]`, LimitField: "$top", PageSize: 2}
	slackCfg      = Config{Type: CursorLimit, CursorField: "cursor", CursorPath: "response_metadata.next_cursor", LimitField: "limit", PageSize: 2}
	figmaCfg      = Config{Type: CursorLimit, CursorField: "cursor", CursorPath: "meta.cursor", HasMorePath: "meta.next_page", LimitField: "limit", PageSize: 2}
	namelyCfg     = Config{Type: CursorLimit, CursorField: "after", CursorPath: "$last.id", LimitField: "limit", PageSize: 2}
	practitestCfg = Config{Type: PageNumber, PageField: "page[number]", PageSizeField: "page[size]", PageSize: 2, TotalPagesPath: "meta.total-pages"}
	cyberarkCfg   = Config{Type: PageNumber, In: InBody, PageField: "Args.PageNumber", PageSizeField: "Args.PageSize", PageSize: 2, TotalPath: "Result.Count"}
	oracleCfg     = Config{Type: OffsetLimit, OffsetField: "offset", LimitField: "limit", PageSize: 2, HasMorePath: "hasMore"}
	scimCfg       = Config{Type: OffsetLimit, OffsetField: "startIndex", LimitField: "count", PageSize: 2, Start: intp(1), TotalPath: "totalResults"}
	domoCfg       = Config{Type: OffsetLimit, OffsetField: "offset", LimitField: "limit", PageSize: 2}
)

var cyberarkBody = map[string]any{
	"Script": "Select ID, Username, DisplayName, Email, LastLogin, Status from User ORDER BY Username COLLATE NOCASE",
	"Args":   map[string]any{"Limit": 10000, "Caching": -1},
}

type vendorCase struct {
	name         string
	handler      func(n int) http.HandlerFunc
	n            int
	method       string
	path         string
	body         map[string]any
	cfg          Config
	recordsPath  string
	rowKey       string
	wantRequests int
	wantURIs     []string
}

func (vc vendorCase) run(t *testing.T, prefetch int) (*recorder, []Response, error) {
	t.Helper()
	srv := serve(t, vc.handler(vc.n))
	u, err := url.Parse(srv.URL + vc.path)
	require.NoError(t, err)
	w := &Walker{Config: vc.cfg, Fetch: jsonFetch(srv.Client(), vc.recordsPath, vc.rowKey), Prefetch: prefetch}
	resps, err := collect(t, w.Walk(t.Context(), Request{Method: vc.method, URL: u, Body: vc.body}))
	return srv, resps, err
}

func TestWalkVendors(t *testing.T) {
	tests := []vendorCase{
		// Okta: cursor `after` only in the Link header; the last page has no next link.
		{name: "okta empty", handler: okta, n: 0, path: "/api/v1/users", cfg: oktaCfg, wantRequests: 1,
			wantURIs: []string{"/api/v1/users?limit=2"}},
		{name: "okta short last page", handler: okta, n: 5, path: "/api/v1/users", cfg: oktaCfg, wantRequests: 3,
			wantURIs: []string{"/api/v1/users?limit=2", "/api/v1/users?after=id-002&limit=2", "/api/v1/users?after=id-004&limit=2"}},
		{name: "okta exactly full last page", handler: okta, n: 4, path: "/api/v1/users", cfg: oktaCfg, wantRequests: 2},
		{name: "okta with the caller's own filter", handler: okta, n: 3, path: "/api/v1/users?filter=status+eq+%22ACTIVE%22&limit=9", cfg: oktaCfg, wantRequests: 2,
			wantURIs: []string{"/api/v1/users?filter=status+eq+%22ACTIVE%22&limit=2", "/api/v1/users?after=id-002&limit=2"}},
		// Webex: relative next links, resolved against the request URL.
		{name: "webex relative links", handler: webex, n: 5, path: "/v1/people", cfg: webexCfg, recordsPath: "items", wantRequests: 3,
			wantURIs: []string{"/v1/people?max=2", "/v1/people?max=2&cursor=2", "/v1/people?max=2&cursor=4"}},
		// Microsoft Graph: absolute @odata.nextLink; the caller's $select is kept.
		{name: "graph empty", handler: graph, n: 0, path: "/v1.0/users?$select=id,mail", cfg: graphCfg, recordsPath: "value", wantRequests: 1},
		{name: "graph short last page", handler: graph, n: 5, path: "/v1.0/users?$select=id,mail", cfg: graphCfg, recordsPath: "value", wantRequests: 3,
			wantURIs: []string{"/v1.0/users?$select=id,mail&%24top=2", "/v1.0/users?$select=id,mail&$top=2&$skiptoken=X'2", "/v1.0/users?$select=id,mail&$top=2&$skiptoken=X'4"}},
		{name: "graph exactly full last page", handler: graph, n: 4, path: "/v1.0/users?$select=id,mail", cfg: graphCfg, recordsPath: "value", wantRequests: 2},
		// Slack: response_metadata.next_cursor, "" on the last page.
		{name: "slack empty", handler: slack, n: 0, path: "/api/users.list", cfg: slackCfg, recordsPath: "members", wantRequests: 1},
		{name: "slack short last page", handler: slack, n: 5, path: "/api/users.list", cfg: slackCfg, recordsPath: "members", wantRequests: 3,
			wantURIs: []string{"/api/users.list?limit=2", "/api/users.list?limit=2&cursor=dXNlcjppZC0wMDI%3D", "/api/users.list?limit=2&cursor=dXNlcjppZC0wMDQ%3D"}},
		{name: "slack exactly full last page", handler: slack, n: 4, path: "/api/users.list", cfg: slackCfg, recordsPath: "members", wantRequests: 2},
		// Figma activity logs: a cursor on every page; meta.next_page says when to stop.
		{name: "figma exactly full last page", handler: figmaActivity, n: 4, path: "/v1/activity_logs", cfg: figmaCfg, recordsPath: "meta.activity_logs", wantRequests: 2,
			wantURIs: []string{"/v1/activity_logs?limit=2", "/v1/activity_logs?limit=2&cursor=2"}},
		{name: "figma short last page", handler: figmaActivity, n: 3, path: "/v1/activity_logs", cfg: figmaCfg, recordsPath: "meta.activity_logs", wantRequests: 2},
		// Namely: `after` is the id of the last record; without a total, a full
		// last page costs one request that comes back empty; with meta.count it does not.
		{name: "namely empty", handler: namely, n: 0, path: "/api/v1/profiles", cfg: namelyCfg, recordsPath: "profiles", wantRequests: 1},
		{name: "namely short last page", handler: namely, n: 5, path: "/api/v1/profiles", cfg: namelyCfg, recordsPath: "profiles", wantRequests: 3,
			wantURIs: []string{"/api/v1/profiles?limit=2", "/api/v1/profiles?limit=2&after=id-002", "/api/v1/profiles?limit=2&after=id-004"}},
		{name: "namely exactly full last page, no total: one empty request", handler: namely, n: 4, path: "/api/v1/profiles", cfg: namelyCfg, recordsPath: "profiles", wantRequests: 3},
		{name: "namely exactly full last page, meta.count", handler: namely, n: 4, path: "/api/v1/profiles", cfg: withTotal(namelyCfg, "meta.count"), recordsPath: "profiles", wantRequests: 2},
		// PractiTest: page[number] from 1, brackets percent-encoded, meta.total-pages.
		{name: "practitest empty", handler: practitest, n: 0, path: "/api/v2/users.json", cfg: practitestCfg, recordsPath: "data", wantRequests: 1},
		{name: "practitest short last page", handler: practitest, n: 5, path: "/api/v2/users.json", cfg: practitestCfg, recordsPath: "data", wantRequests: 3,
			wantURIs: []string{"/api/v2/users.json?page%5Bnumber%5D=1&page%5Bsize%5D=2", "/api/v2/users.json?page%5Bnumber%5D=2&page%5Bsize%5D=2", "/api/v2/users.json?page%5Bnumber%5D=3&page%5Bsize%5D=2"}},
		{name: "practitest exactly full last page", handler: practitest, n: 4, path: "/api/v2/users.json", cfg: practitestCfg, recordsPath: "data", wantRequests: 2},
		// CyberArk: POST, paging inside the JSON body, total at Result.Count.
		{name: "cyberark empty", handler: cyberark, n: 0, method: http.MethodPost, path: "/Redrock/query", body: cyberarkBody, cfg: cyberarkCfg, recordsPath: "Result.Results", rowKey: "Row", wantRequests: 1},
		{name: "cyberark short last page", handler: cyberark, n: 5, method: http.MethodPost, path: "/Redrock/query", body: cyberarkBody, cfg: cyberarkCfg, recordsPath: "Result.Results", rowKey: "Row", wantRequests: 3},
		{name: "cyberark exactly full last page", handler: cyberark, n: 4, method: http.MethodPost, path: "/Redrock/query", body: cyberarkBody, cfg: cyberarkCfg, recordsPath: "Result.Results", rowKey: "Row", wantRequests: 2},
		// Oracle: offset/limit with hasMore (a boolean, or a string).
		{name: "oracle exactly full last page", handler: func(n int) http.HandlerFunc { return oracle(n, false) }, n: 4, path: "/hcmRestApi/resources/11.13.18.05/userAccounts", cfg: oracleCfg, recordsPath: "items", wantRequests: 2,
			wantURIs: []string{"/hcmRestApi/resources/11.13.18.05/userAccounts?offset=0&limit=2", "/hcmRestApi/resources/11.13.18.05/userAccounts?offset=2&limit=2"}},
		{name: "oracle hasMore as string", handler: func(n int) http.HandlerFunc { return oracle(n, true) }, n: 6, path: "/userAccounts", cfg: oracleCfg, recordsPath: "items", wantRequests: 3},
		// Domo: offset/limit, no total, no flag: a short page ends the walk
		// at once; a full last page needs the one empty request.
		{name: "domo empty", handler: domo, n: 0, path: "/v1/users", cfg: domoCfg, wantRequests: 1},
		{name: "domo short last page", handler: domo, n: 5, path: "/v1/users", cfg: domoCfg, wantRequests: 3},
		{name: "domo exactly full last page, no total: one empty request", handler: domo, n: 4, path: "/v1/users", cfg: domoCfg, wantRequests: 3,
			wantURIs: []string{"/v1/users?offset=0&limit=2", "/v1/users?offset=2&limit=2", "/v1/users?offset=4&limit=2"}},
		// SCIM: startIndex from 1, totalResults.
		{name: "scim exactly full last page", handler: scim, n: 4, path: "/scim/v2/Users", cfg: scimCfg, recordsPath: "Resources", wantRequests: 2,
			wantURIs: []string{"/scim/v2/Users?startIndex=1&count=2", "/scim/v2/Users?startIndex=3&count=2"}},
		{name: "scim short last page", handler: scim, n: 3, path: "/scim/v2/Users", cfg: scimCfg, recordsPath: "Resources", wantRequests: 2},
		{name: "domo one page without paging", handler: domo, n: 5, path: "/v1/users?limit=50", cfg: Config{}, wantRequests: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, resps, err := tt.run(t, 1)
			require.NoError(t, err)
			assert.Equal(t, wantIDs(tt.n), ids(resps))
			got := srv.requests()
			assert.Len(t, got, tt.wantRequests, "requests: %q", got)
			if tt.wantURIs != nil {
				assert.Equal(t, tt.wantURIs, got)
			}
			for i, r := range resps {
				require.NotNil(t, r.URL, "response %d", i)
				assert.Equal(t, got[i], r.URL.RequestURI(), "Response.URL of page %d", i+1)
			}
		})
	}
}

func withTotal(c Config, path string) Config {
	c.TotalPath = path
	return c
}

func TestWalkCyberArkBody(t *testing.T) {
	tt := vendorCase{handler: cyberark, n: 5, method: http.MethodPost, path: "/Redrock/query", body: cyberarkBody, cfg: cyberarkCfg, recordsPath: "Result.Results", rowKey: "Row"}
	srv, _, err := tt.run(t, 1)
	require.NoError(t, err)
	require.Len(t, srv.bodies, 3)
	for i, b := range srv.bodies {
		want := map[string]any{
			"Script": cyberarkBody["Script"],
			"Args":   map[string]any{"Limit": 10000.0, "Caching": -1.0, "PageNumber": float64(i + 1), "PageSize": 2.0},
		}
		assert.Equal(t, want, b, "body of request %d", i+1)
	}
	// The caller's body is not modified.
	assert.Equal(t, map[string]any{"Limit": 10000, "Caching": -1}, cyberarkBody["Args"])
}

func TestWalkRequestHeaders(t *testing.T) {
	var got []http.Header
	fetch := func(_ context.Context, req *http.Request) (Response, error) {
		got = append(got, req.Header.Clone())
		req.Header.Set("X-Mutated", "1") // must not leak into the next request
		return Response{Records: []any{map[string]any{"id": "a"}}, Body: map[string]any{"more": len(got) < 2}}, nil
	}
	u, _ := url.Parse("https://api.example.com/x")
	w := &Walker{Config: Config{Type: PageNumber, PageField: "p", In: InBody, HasMorePath: "more"}, Fetch: fetch}
	_, err := collect(t, w.Walk(t.Context(), Request{Method: http.MethodPost, URL: u, Header: http.Header{"X-Version": {"2"}}}))
	require.NoError(t, err)
	require.Len(t, got, 2)
	for _, h := range got {
		assert.Equal(t, http.Header{"X-Version": {"2"}, "Content-Type": {"application/json"}}, h)
	}
}

func TestWalkReusable(t *testing.T) {
	tt := vendorCase{handler: okta, n: 5, path: "/api/v1/users", cfg: oktaCfg}
	srv := serve(t, tt.handler(tt.n))
	u, _ := url.Parse(srv.URL + tt.path)
	w := &Walker{Config: tt.cfg, Fetch: jsonFetch(srv.Client(), "", "")}
	seq := w.Walk(t.Context(), Request{URL: u})
	u.Path = "/elsewhere" // Walk keeps its own copy of the first request
	for range 2 {
		resps, err := collect(t, seq)
		require.NoError(t, err)
		assert.Equal(t, wantIDs(5), ids(resps))
	}
	assert.Len(t, srv.requests(), 6)
}

func TestWalkConcurrentRanges(t *testing.T) {
	tt := vendorCase{handler: cyberark, n: 7, method: http.MethodPost, path: "/Redrock/query", body: cyberarkBody, cfg: cyberarkCfg, recordsPath: "Result.Results", rowKey: "Row"}
	srv := serve(t, tt.handler(tt.n))
	u, _ := url.Parse(srv.URL + tt.path)
	w := &Walker{Config: tt.cfg, Fetch: jsonFetch(srv.Client(), tt.recordsPath, tt.rowKey), Prefetch: 2}
	seq := w.Walk(t.Context(), Request{Method: tt.method, URL: u, Body: tt.body})
	var wg sync.WaitGroup
	got := make([][]string, 4)
	for i := range got {
		wg.Go(func() {
			for r, err := range seq {
				if err != nil {
					t.Error(err)
					return
				}
				got[i] = append(got[i], ids([]Response{r})...)
			}
		})
	}
	wg.Wait()
	for i := range got {
		assert.Equal(t, wantIDs(tt.n), got[i], "range %d", i)
	}
	assert.Len(t, srv.requests(), 4*4)
}

// secretURL is a first request whose URL carries credentials that must
// never show in an error.
const secretURL = "/api/v1/users?api_token=tok-SECRET&developer_email=a%40b.c&apiKey=key-SECRET&sig=sig-SECRET"

func TestWalkErrors(t *testing.T) {
	tests := []struct {
		name         string
		handler      http.HandlerFunc
		cfg          Config
		recordsPath  string
		path         string
		prefetch     int
		ctxCancelAt  int // cancel the context after this many responses
		wantPages    int // responses before the error
		wantRequests int
		wantErr      error  // errors.Is target
		wantMsg      string // substring of the error
	}{
		{
			name: "link loop",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Link", `</api/v1/users?after=x>; rel="next"`)
				writeJSON(w, people(2))
			},
			cfg: oktaCfg, path: "/api/v1/users", wantPages: 2, wantRequests: 2, wantErr: ErrCursorLoop,
			wantMsg: "paginate: page 2: GET http://",
		},
		{
			name: "link back to the first page",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Link", `</api/v1/users?limit=2>; rel="next"`)
				writeJSON(w, people(2))
			},
			cfg: oktaCfg, path: "/api/v1/users", wantPages: 1, wantRequests: 1, wantErr: ErrCursorLoop,
		},
		{
			name: "cross-origin link",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Link", `<https://evil.example/api/v1/users?after=x>; rel="next"`)
				writeJSON(w, people(2))
			},
			cfg: oktaCfg, path: "/api/v1/users", wantPages: 1, wantRequests: 1, wantErr: ErrCrossOrigin,
			wantMsg: "https://evil.example (first request: http://127.0.0.1",
		},
		{
			name: "cross-origin next URL: other scheme",
			handler: func(w http.ResponseWriter, r *http.Request) {
				writeJSON(w, map[string]any{"value": people(1), "@odata.nextLink": "https://" + r.Host + "/v1.0/users?$skiptoken=1"})
			},
			cfg: graphCfg, recordsPath: "value", path: "/v1.0/users", wantPages: 1, wantRequests: 1, wantErr: ErrCrossOrigin,
		},
		{
			name: "next URL loop",
			handler: func(w http.ResponseWriter, r *http.Request) {
				writeJSON(w, map[string]any{"value": people(1), "@odata.nextLink": "/v1.0/users?$skiptoken=same"})
			},
			cfg: graphCfg, recordsPath: "value", path: "/v1.0/users", wantPages: 2, wantRequests: 2, wantErr: ErrCursorLoop,
		},
		{
			name: "cursor loop",
			handler: func(w http.ResponseWriter, r *http.Request) {
				next := map[string]string{"": "a", "a": "b", "b": "a"}[r.URL.Query().Get("cursor")]
				writeJSON(w, map[string]any{"members": people(2), "response_metadata": map[string]any{"next_cursor": next}})
			},
			cfg: slackCfg, recordsPath: "members", path: "/api/users.list", wantPages: 3, wantRequests: 3, wantErr: ErrCursorLoop,
			wantMsg: "paginate: page 3: GET",
		},
		{
			name: "last-id cursor loop",
			handler: func(w http.ResponseWriter, r *http.Request) {
				writeJSON(w, map[string]any{"profiles": people(2)})
			},
			// The second page repeats the first: it is not yielded, so no
			// record is delivered twice.
			cfg: namelyCfg, recordsPath: "profiles", path: "/api/v1/profiles", wantPages: 1, wantRequests: 2, wantErr: ErrCursorLoop,
			wantMsg: "the page repeats an earlier page",
		},
		{
			name:    "max_pages",
			handler: okta(20),
			cfg:     Config{Type: LinkHeader, LimitField: "limit", PageSize: 2, MaxPages: 3},
			path:    "/api/v1/users", wantPages: 3, wantRequests: 3, wantErr: ErrTooManyPages,
			wantMsg: "paginate: page 4: GET http://127.0.0.1",
		},
		{
			name:        "max_pages with prefetchable pages",
			handler:     practitest(20),
			cfg:         Config{Type: PageNumber, PageField: "page[number]", PageSizeField: "page[size]", PageSize: 2, TotalPagesPath: "meta.total-pages", MaxPages: 2},
			recordsPath: "data", path: "/api/v2/users.json", prefetch: 4, wantPages: 2, wantRequests: 2, wantErr: ErrTooManyPages,
		},
		{
			name: "last record without the cursor field",
			handler: func(w http.ResponseWriter, r *http.Request) {
				writeJSON(w, map[string]any{"profiles": []any{map[string]any{"id": "a"}, map[string]any{"uuid": "b"}}})
			},
			cfg: namelyCfg, recordsPath: "profiles", path: "/api/v1/profiles", wantPages: 1, wantRequests: 1,
			wantMsg: "cursor_path: no id in the last record",
		},
		{
			name: "max_pages exactly reached is fine", handler: okta(6),
			cfg:  Config{Type: LinkHeader, LimitField: "limit", PageSize: 2, MaxPages: 3},
			path: "/api/v1/users", wantPages: 3, wantRequests: 3,
		},
		{
			name: "context cancelled before the first page", handler: okta(10), cfg: oktaCfg, path: "/api/v1/users",
			ctxCancelAt: -1, wantPages: 0, wantRequests: 0, wantErr: context.Canceled,
			wantMsg: "paginate: page 1: GET http://127.0.0.1",
		},
		{
			name: "context cancelled between pages", handler: okta(10), cfg: oktaCfg, path: "/api/v1/users",
			ctxCancelAt: 2, wantPages: 2, wantRequests: 2, wantErr: context.Canceled,
			wantMsg: "paginate: page 3: GET http://127.0.0.1",
		},
		{
			name: "server error on page 2, secrets redacted",
			handler: func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Query().Get("page[number]") == "2" {
					http.Error(w, "oops", http.StatusInternalServerError)
					return
				}
				practitest(10)(w, r)
			},
			cfg: practitestCfg, recordsPath: "data", path: secretURL, wantPages: 1, wantRequests: 2,
			wantMsg: "paginate: page 2: GET http://127.0.0.1",
		},
		{
			name: "malformed Link header",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Link", `<http://x/next; rel="next"`)
				writeJSON(w, people(2))
			},
			cfg: oktaCfg, path: "/api/v1/users", wantPages: 1, wantRequests: 1, wantMsg: "unterminated <URI>",
		},
		{
			name: "has_more neither boolean nor string",
			handler: func(w http.ResponseWriter, r *http.Request) {
				writeJSON(w, map[string]any{"items": people(2), "hasMore": 1})
			},
			cfg: oracleCfg, recordsPath: "items", path: "/userAccounts", wantPages: 1, wantRequests: 1,
			wantMsg: "has_more_path: want true or false, got a number",
		},
		{
			name: "total not a number",
			handler: func(w http.ResponseWriter, r *http.Request) {
				writeJSON(w, map[string]any{"data": people(2), "meta": map[string]any{"total-pages": "many"}})
			},
			cfg: practitestCfg, recordsPath: "data", path: "/api/v2/users.json", wantPages: 1, wantRequests: 1,
			wantMsg: `total_pages_path: want a whole number, got "many"`,
		},
		{
			name: "next URL not a string",
			handler: func(w http.ResponseWriter, r *http.Request) {
				writeJSON(w, map[string]any{"value": people(2), "@odata.nextLink": map[string]any{"href": "/x"}})
			},
			cfg: graphCfg, recordsPath: "value", path: "/v1.0/users", wantPages: 1, wantRequests: 1,
			wantMsg: "next_url_path: want a string, got an object",
		},
		{
			name: "cursor an object",
			handler: func(w http.ResponseWriter, r *http.Request) {
				writeJSON(w, map[string]any{"members": people(2), "response_metadata": map[string]any{"next_cursor": []any{}}})
			},
			cfg: slackCfg, recordsPath: "members", path: "/api/users.list", wantPages: 1, wantRequests: 1,
			wantMsg: "cursor_path: want a string or a number, got an array",
		},
		{
			name: "next link not a URL",
			handler: func(w http.ResponseWriter, r *http.Request) {
				writeJSON(w, map[string]any{"value": people(2), "@odata.nextLink": "http://[::1"})
			},
			cfg: graphCfg, recordsPath: "value", path: "/v1.0/users", wantPages: 1, wantRequests: 1,
			wantMsg: "next link is not a URL",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := serve(t, tt.handler)
			u, err := url.Parse(srv.URL + tt.path)
			require.NoError(t, err)
			u.User = url.UserPassword("admin", "pw-SECRET")
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			if tt.ctxCancelAt < 0 {
				cancel()
			}
			w := &Walker{Config: tt.cfg, Fetch: jsonFetch(srv.Client(), tt.recordsPath, ""), Prefetch: tt.prefetch}
			var pages int
			var gotErr error
			for r, err := range w.Walk(ctx, Request{URL: u}) {
				if err != nil {
					require.NoError(t, gotErr, "second error")
					gotErr = err
					assert.Zero(t, r)
					continue
				}
				require.NoError(t, gotErr, "page after the error")
				if pages++; pages == tt.ctxCancelAt {
					cancel()
				}
			}
			assert.Equal(t, tt.wantPages, pages)
			assert.Len(t, srv.requests(), tt.wantRequests, "requests: %q", srv.requests())
			if tt.wantErr == nil && tt.wantMsg == "" {
				require.NoError(t, gotErr)
				return
			}
			require.Error(t, gotErr)
			if tt.wantErr != nil {
				assert.ErrorIs(t, gotErr, tt.wantErr)
			}
			assert.Contains(t, gotErr.Error(), tt.wantMsg)
			var pe *PageError
			require.ErrorAs(t, gotErr, &pe)
			msg := fmt.Sprintf("%v %+v %s", gotErr, gotErr, gotErr)
			assert.NotContains(t, msg, "SECRET")
			assert.NotContains(t, msg, "admin")
		})
	}
}

func TestPageErrorRedactsURL(t *testing.T) {
	u, err := url.Parse("https://admin:pw-SECRET@acme.example.com/api/users?api_token=tok-SECRET&page%5Bnumber%5D=2&apiKey=k-SECRET&access_token=a-SECRET&client_secret=c-SECRET&X-Amz-Signature=s-SECRET&Password=p-SECRET&sig=x-SECRET&limit=10&flag")
	require.NoError(t, err)
	req, err := http.NewRequest(http.MethodGet, u.String(), nil)
	require.NoError(t, err)
	cause := &url.Error{Op: "Get", URL: req.URL.String(), Err: errors.New("connection reset")}
	got := pageError(7, req, cause)
	const want = "paginate: page 7: GET https://acme.example.com/api/users?api_token=[REDACTED]&page%5Bnumber%5D=2&apiKey=[REDACTED]&access_token=[REDACTED]&client_secret=[REDACTED]&X-Amz-Signature=[REDACTED]&Password=[REDACTED]&sig=[REDACTED]&limit=10&flag: "
	assert.Equal(t, want+`Get "https://acme.example.com/api/users?api_token=[REDACTED]&page%5Bnumber%5D=2&apiKey=[REDACTED]&access_token=[REDACTED]&client_secret=[REDACTED]&X-Amz-Signature=[REDACTED]&Password=[REDACTED]&sig=[REDACTED]&limit=10&flag": connection reset`, got.Error())
	assert.ErrorIs(t, got, cause)
	assert.NotContains(t, fmt.Sprintf("%+v", got), "SECRET")
}

func TestWalkInvalid(t *testing.T) {
	u, _ := url.Parse("https://api.example.com/users")
	fetch := func(context.Context, *http.Request) (Response, error) { return Response{}, nil }
	tests := []struct {
		name    string
		w       *Walker
		first   Request
		wantMsg string
	}{
		{name: "config", w: &Walker{Config: Config{Type: CursorLimit}, Fetch: fetch}, first: Request{URL: u}, wantMsg: "cursor_field: required"},
		{name: "no fetch", w: &Walker{}, first: Request{URL: u}, wantMsg: "Walker.Fetch is nil"},
		{name: "no URL", w: &Walker{Fetch: fetch}, first: Request{}, wantMsg: "absolute URL"},
		{name: "relative URL", w: &Walker{Fetch: fetch}, first: Request{URL: &url.URL{Path: "/users"}}, wantMsg: "absolute URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resps, err := collect(t, tt.w.Walk(t.Context(), tt.first))
			assert.Empty(t, resps)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantMsg)
		})
	}
}

func TestWalkBodyFieldNotAnObject(t *testing.T) {
	u, _ := url.Parse("https://api.example.com/query")
	var calls atomic.Int32
	fetch := func(context.Context, *http.Request) (Response, error) { calls.Add(1); return Response{}, nil }
	w := &Walker{Config: cyberarkCfg, Fetch: fetch}
	_, err := collect(t, w.Walk(t.Context(), Request{Method: http.MethodPost, URL: u, Body: map[string]any{"Args": "x"}}))
	require.Error(t, err)
	assert.Contains(t, err.Error(), `paginate: page 1: request body: "Args.PageNumber": "Args" is a string, not an object`)
	assert.Zero(t, calls.Load())
}

func TestWalkHeaderSources(t *testing.T) {
	// Bugsnag-style X-Total-Count header, and a has-more flag in a header.
	tests := []struct {
		name         string
		cfg          Config
		header       func(page int) http.Header
		wantRequests int
	}{
		{
			name:         "total in a header",
			cfg:          Config{Type: OffsetLimit, OffsetField: "offset", LimitField: "per_page", PageSize: 2, TotalPath: "header:X-Total-Count"},
			header:       func(int) http.Header { return http.Header{"X-Total-Count": {"4"}} },
			wantRequests: 2,
		},
		{
			name:         "has-more in a header",
			cfg:          Config{Type: OffsetLimit, OffsetField: "offset", LimitField: "per_page", PageSize: 2, HasMorePath: "header:X-Has-More"},
			header:       func(p int) http.Header { return http.Header{"X-Has-More": {fmt.Sprint(p < 3)}} },
			wantRequests: 3,
		},
		{
			name:         "negative total means not counted: short page rule",
			cfg:          Config{Type: OffsetLimit, OffsetField: "offset", LimitField: "per_page", PageSize: 3, TotalPath: "header:X-Total-Count"},
			header:       func(int) http.Header { return http.Header{"X-Total-Count": {"-1"}} },
			wantRequests: 1,
		},
		{
			name:         "spaces after header: are ignored",
			cfg:          Config{Type: OffsetLimit, OffsetField: "offset", LimitField: "per_page", PageSize: 2, TotalPath: "header: x-total-count"},
			header:       func(int) http.Header { return http.Header{"X-Total-Count": {"4"}} },
			wantRequests: 2,
		},
		{
			name: "cursor in a header",
			cfg:  Config{Type: CursorLimit, CursorField: "after", LimitField: "limit", PageSize: 2, CursorPath: "header:X-Next-Cursor"},
			header: func(p int) http.Header {
				return http.Header{"X-Next-Cursor": {map[int]string{1: "c2", 2: "c3", 3: ""}[p]}}
			},
			wantRequests: 3,
		},
		{
			name:         "next URL in a header",
			cfg:          Config{Type: NextURL, NextURLPath: "header:X-Next"},
			header:       func(p int) http.Header { return http.Header{"X-Next": {map[int]string{1: "/users?p=2", 2: ""}[p]}} },
			wantRequests: 2,
		},
		{
			name:         "header absent: short page rule",
			cfg:          Config{Type: OffsetLimit, OffsetField: "offset", LimitField: "per_page", PageSize: 3, TotalPath: "header:X-Total-Count"},
			header:       func(int) http.Header { return http.Header{} },
			wantRequests: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var calls int
			var cursors []string
			fetch := func(_ context.Context, req *http.Request) (Response, error) {
				calls++
				cursors = append(cursors, req.URL.Query().Get("after")+req.URL.Query().Get("p"))
				return Response{URL: req.URL, Header: tt.header(calls), Records: people(2)}, nil
			}
			u, _ := url.Parse("https://api.example.com/users")
			w := &Walker{Config: tt.cfg, Fetch: fetch}
			_, err := collect(t, w.Walk(t.Context(), Request{URL: u}))
			require.NoError(t, err)
			assert.Equal(t, tt.wantRequests, calls)
			switch tt.cfg.Type {
			case CursorLimit:
				assert.Equal(t, []string{"", "c2", "c3"}, cursors, "cursors sent")
			case NextURL:
				assert.Equal(t, []string{"", "2"}, cursors, "next URLs followed")
			}
		})
	}
}

func TestWalkTrustsTotalOverShortPages(t *testing.T) {
	// A server that caps the page size below what was asked (3 records per
	// page for a limit of 5) must not end the walk early when it says a
	// total: the walk goes on by the records received.
	const n = 8
	all := people(n)
	var offsets []string
	fetch := func(_ context.Context, req *http.Request) (Response, error) {
		q := req.URL.Query()
		offsets = append(offsets, q.Get("offset"))
		from := min(atoi(q.Get("offset"), 0), n)
		return Response{Records: all[from:min(from+3, n)], Body: map[string]any{"total": json.Number(fmt.Sprint(n))}}, nil
	}
	u, _ := url.Parse("https://api.example.com/users")
	w := &Walker{Config: Config{Type: OffsetLimit, OffsetField: "offset", LimitField: "limit", PageSize: 5, TotalPath: "total"}, Fetch: fetch, Prefetch: 4}
	resps, err := collect(t, w.Walk(t.Context(), Request{URL: u}))
	require.NoError(t, err)
	assert.Equal(t, wantIDs(n), ids(resps))
	assert.Equal(t, []string{"0", "3", "6"}, offsets)
}

func TestSetQueryKeepsOtherPairs(t *testing.T) {
	tests := []struct{ raw, key, value, want string }{
		{"", "limit", "2", "limit=2"},
		{"$select=id,mail&limit=9", "limit", "2", "$select=id,mail&limit=2"},
		{"page%5Bnumber%5D=1&x=y", "page[number]", "2", "x=y&page%5Bnumber%5D=2"},
		{"a=1&&a=2&b", "a", "x y", "b&a=x+y"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, setQuery(tt.raw, tt.key, tt.value), "setQuery(%q, %q, %q)", tt.raw, tt.key, tt.value)
	}
}

func TestValueConversions(t *testing.T) {
	for _, tt := range []struct {
		in   any
		want int
	}{{json.Number("12"), 12}, {json.Number("12.0"), 12}, {12.0, 12}, {" 7 ", 7}, {"3e1", 30}, {int64(5), 5}, {9, 9}} {
		got, err := toInt(tt.in)
		require.NoError(t, err, "%#v", tt.in)
		assert.Equal(t, tt.want, got)
	}
	for _, in := range []any{json.Number("1.5"), 2.5, "x", true, nil, map[string]any{}} {
		_, err := toInt(in)
		assert.Error(t, err, "%#v", in)
	}
	for _, tt := range []struct {
		in   any
		want string
	}{{"abc", "abc"}, {json.Number("42"), "42"}, {42.0, "42"}, {7, "7"}, {nil, ""}} {
		got, err := toCursor(tt.in)
		require.NoError(t, err)
		assert.Equal(t, tt.want, got)
	}
	_, err := toCursor(true)
	assert.EqualError(t, err, "want a string or a number, got a boolean")
	for in, want := range map[any]bool{true: true, false: false, "true": true, "FALSE": false, " false ": false} {
		got, err := toBool(in)
		require.NoError(t, err)
		assert.Equal(t, want, got)
	}
	_, err = toBool("yes")
	assert.EqualError(t, err, `want true or false, got "yes"`)
	assert.True(t, sameOrigin(mustURL("https://a.example:443/x"), mustURL("HTTPS://A.example/y")))
	assert.True(t, sameOrigin(mustURL("http://a.example:80/x"), mustURL("http://a.example/y")))
	assert.False(t, sameOrigin(mustURL("http://a.example:8080/x"), mustURL("http://a.example/y")))
	assert.False(t, sameOrigin(mustURL("https://a.example/x"), mustURL("https://a.example.evil/y")))
	assert.True(t, strings.HasPrefix(redactURL(nil), ""))
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

func TestSetBodyAndCloneJSON(t *testing.T) {
	body := map[string]any{"q": "x", "list": []any{map[string]any{"a": 1}}}
	c := cloneBody(body)
	require.NoError(t, setBody(c, "Args.Paging.Page", 3))
	require.NoError(t, setBody(c, "top", "v"))
	c["list"].([]any)[0].(map[string]any)["a"] = 2
	assert.Equal(t, map[string]any{"q": "x", "top": "v", "list": []any{map[string]any{"a": 2}}, "Args": map[string]any{"Paging": map[string]any{"Page": 3}}}, c)
	assert.Equal(t, map[string]any{"q": "x", "list": []any{map[string]any{"a": 1}}}, body, "original untouched")
	assert.EqualError(t, setBody(c, "q.Page", 1), `request body: "q.Page": "q" is a string, not an object`)
	var ce error = &ConfigError{Field: "in", Err: errors.New("bad")}
	assert.Equal(t, "bad", errors.Unwrap(ce).Error())
}
