package paginate

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/saasconnect/saasconnect/internal/jsonpath"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestWalkLoopBackToFirstPage: a link back to the first page, written as
// the vendor writes it rather than as the walk sent it, ends the walk
// before the first page's records are delivered again.
func TestWalkLoopBackToFirstPage(t *testing.T) {
	tests := []struct {
		name    string
		cfg     Config
		path    string
		handler func(base string) http.HandlerFunc
	}{
		{
			name: "next URL with the page size unescaped ($top, sent as %24top)",
			cfg:  graphCfg, path: "/v1.0/users",
			handler: func(base string) http.HandlerFunc {
				return func(w http.ResponseWriter, r *http.Request) {
					next := "/v1.0/users?$skiptoken=2"
					if r.URL.Query().Get("$skiptoken") == "2" {
						next = base + "/v1.0/users?$top=2" // the first page again
					}
					writeJSON(w, map[string]any{"value": people(2), "@odata.nextLink": next})
				}
			},
		},
		{
			name: "link with the query in another order and a default port",
			cfg:  oktaCfg, path: "/api/v1/users?filter=x",
			handler: func(string) http.HandlerFunc {
				return func(w http.ResponseWriter, r *http.Request) {
					next := "/api/v1/users?after=2&filter=x&limit=2"
					if r.URL.Query().Get("after") == "2" {
						next = "/api/v1/users?limit=2&filter=x"
					}
					w.Header().Set("Link", "<"+next+`>; rel="next"`)
					writeJSON(w, people(2))
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var base string
			srv := serve(t, func(w http.ResponseWriter, r *http.Request) { tt.handler(base)(w, r) })
			base = srv.URL
			u, err := url.Parse(srv.URL + tt.path)
			require.NoError(t, err)
			w := &Walker{Config: tt.cfg, Fetch: jsonFetch(srv.Client(), "value", "")}
			if tt.cfg.Type == LinkHeader {
				w.Fetch = jsonFetch(srv.Client(), "", "")
			}
			resps, err := collect(t, w.Walk(t.Context(), Request{URL: u}))
			require.ErrorIs(t, err, ErrCursorLoop)
			assert.Len(t, resps, 2, "pages before the loop")
			assert.Len(t, srv.requests(), 2, "the first page is not requested again: %v", srv.requests())
			var pe *PageError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, 2, pe.Page)
		})
	}
}

// TestWalkCursorCap: a cursor or next URL longer than max_cursor_bytes ends
// the walk with an error naming the key, and no request carries it.
func TestWalkCursorCap(t *testing.T) {
	long := strings.Repeat("c", DefaultMaxCursorBytes+1)
	tests := []struct {
		name    string
		cfg     Config
		records string
		handler http.HandlerFunc
		wantMsg string
	}{
		{
			name: "cursor over the default", cfg: slackCfg, records: "members",
			handler: func(w http.ResponseWriter, r *http.Request) {
				writeJSON(w, map[string]any{"members": people(2), "response_metadata": map[string]any{"next_cursor": long}})
			},
			wantMsg: "cursor_path: the response's next position is 65537 bytes, more than max_cursor_bytes (65536)",
		},
		{
			name: "cursor over a configured cap", records: "members",
			cfg: Config{Type: CursorLimit, CursorField: "cursor", CursorPath: "response_metadata.next_cursor", MaxCursorBytes: 8},
			handler: func(w http.ResponseWriter, r *http.Request) {
				writeJSON(w, map[string]any{"members": people(2), "response_metadata": map[string]any{"next_cursor": "123456789"}})
			},
			wantMsg: "cursor_path: the response's next position is 9 bytes, more than max_cursor_bytes (8)",
		},
		{
			name: "next URL", cfg: graphCfg, records: "value",
			handler: func(w http.ResponseWriter, r *http.Request) {
				writeJSON(w, map[string]any{"value": people(2), "@odata.nextLink": "/v1.0/users?$skiptoken=" + long})
			},
			wantMsg: "next_url_path: the response's next position is 65560 bytes",
		},
		{
			name: "Link header", cfg: oktaCfg,
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Link", "</api/v1/users?after="+long+`>; rel="next"`)
				writeJSON(w, people(2))
			},
			wantMsg: "Link header: the response's next position is 65557 bytes",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := serve(t, tt.handler)
			u, err := url.Parse(srv.URL + "/v1.0/users")
			require.NoError(t, err)
			w := &Walker{Config: tt.cfg, Fetch: jsonFetch(srv.Client(), tt.records, "")}
			resps, err := collect(t, w.Walk(t.Context(), Request{URL: u}))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantMsg)
			assert.Contains(t, err.Error(), "paginate: page 1: GET "+srv.URL)
			assert.Len(t, resps, 1)
			assert.Len(t, srv.requests(), 1)
		})
	}
}

// TestPageErrorClipsURL: an error quotes at most 512 bytes of a URL, the
// request's and the looping link's.
func TestPageErrorClipsURL(t *testing.T) {
	long := strings.Repeat("x", 4000)
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Link", "</api/v1/users?after="+long+`>; rel="next"`)
		writeJSON(w, people(2))
	})
	u, err := url.Parse(srv.URL + "/api/v1/users")
	require.NoError(t, err)
	w := &Walker{Config: oktaCfg, Fetch: jsonFetch(srv.Client(), "", "")}
	_, err = collect(t, w.Walk(t.Context(), Request{URL: u}))
	require.ErrorIs(t, err, ErrCursorLoop)
	var pe *PageError
	require.ErrorAs(t, err, &pe)
	assert.LessOrEqual(t, len(pe.URL), maxQuoted+len("...(9999 bytes)"))
	assert.Contains(t, pe.URL, "bytes)")
	assert.Less(t, len(err.Error()), 2*maxQuoted+200, "error: %.300s", err)
}

// TestWalkSeenIsBounded: the loop detector keeps a fixed-size fingerprint
// per request, whatever the cursor's length, and a cursor path that runs
// out of its work budget fails the walk instead of ending it silently.
func TestWalkSeenIsBounded(t *testing.T) {
	r1, err := http.NewRequest(http.MethodGet, "https://h.example/u?cursor="+strings.Repeat("a", 1<<20), nil)
	require.NoError(t, err)
	r2, err := http.NewRequest(http.MethodGet, "https://H.example:443/u?cursor="+strings.Repeat("a", 1<<20), nil)
	require.NoError(t, err)
	assert.Equal(t, fingerprint(r1), fingerprint(r2), "same page, same fingerprint")
	r3, err := http.NewRequest(http.MethodGet, "https://h.example/u?cursor="+strings.Repeat("a", 1<<20-1)+"b", nil)
	require.NoError(t, err)
	assert.NotEqual(t, fingerprint(r1), fingerprint(r3))

	// A document deeper than the descent bound.
	var deep any = map[string]any{"next": "x"}
	for range 10001 {
		deep = []any{deep}
	}
	cfg := Config{Type: CursorLimit, CursorField: "cursor", CursorPath: "$..next"}
	w := &Walker{Config: cfg, Fetch: func(_ context.Context, _ *http.Request) (Response, error) {
		return Response{Body: deep, Records: []any{1}}, nil
	}}
	_, err = collect(t, w.Walk(t.Context(), Request{URL: mustURL("https://h.example/u")}))
	assert.True(t, errors.Is(err, jsonpath.ErrBudget), "err = %v", err)
	assert.ErrorContains(t, err, "cursor_path: jsonpath: recursive descent exceeds its work budget")
}
