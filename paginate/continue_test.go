package paginate

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// adobeUMAPI serves n users as Adobe's User Management API: GET
// /v2/usermanagement/users/{orgId}/{page} with a 0-based page index in the
// path, pages of size users, `lastPage: true` on the last one, and a page
// past the end answered with the last page.
func adobeUMAPI(n, size int) http.HandlerFunc {
	all := people(n)
	return func(w http.ResponseWriter, r *http.Request) {
		rest, ok := strings.CutPrefix(r.URL.Path, "/v2/usermanagement/users/org@AdobeOrg/")
		page, err := strconv.Atoi(rest)
		if !ok || err != nil || page < 0 {
			http.Error(w, "bad path "+r.URL.Path, http.StatusNotFound)
			return
		}
		pages := max((n+size-1)/size, 1)
		page = min(page, pages-1)
		from, to := page*size, min(page*size+size, n)
		w.Header().Set("X-Page-Size", strconv.Itoa(to-from))
		w.Header().Set("X-Last-Page", strconv.FormatBool(page == pages-1))
		writeJSON(w, map[string]any{"lastPage": page == pages-1, "result": "success", "users": all[from:to]})
	}
}

// dropboxMembers serves n members as Dropbox's team API: POST
// /2/team/members/list_v2 with {"limit": …}, then POST
// /2/team/members/list/continue_v2 with exactly {"cursor": …}, each answer
// carrying `members`, `cursor` and `has_more`.
func dropboxMembers(n int) http.HandlerFunc {
	all := people(n)
	return func(w http.ResponseWriter, r *http.Request) {
		var from, limit int
		body := map[string]any{}
		_ = jsonDecode(r, &body)
		switch r.URL.Path {
		case "/2/team/members/list_v2":
			limit = atoi(stringOf(body["limit"]), 1000)
		case "/2/team/members/list/continue_v2":
			c, ok := body["cursor"].(string)
			if len(body) != 1 || !ok {
				http.Error(w, `{"error_summary": "invalid body"}`, http.StatusBadRequest)
				return
			}
			f, l, _ := strings.Cut(strings.TrimPrefix(c, "cur-"), "-")
			from, limit = atoi(f, -1), atoi(l, -1)
			if from < 0 || limit <= 0 {
				http.Error(w, `{"error_summary": "reset/"}`, http.StatusConflict)
				return
			}
		default:
			http.NotFound(w, r)
			return
		}
		to := min(from+limit, n)
		members := make([]any, 0, to-from)
		for _, p := range all[from:to] {
			members = append(members, map[string]any{"profile": p, "role": map[string]any{".tag": "member_only"}})
		}
		writeJSON(w, map[string]any{"members": members, "cursor": "cur-" + strconv.Itoa(to) + "-" + strconv.Itoa(limit), "has_more": to < n})
	}
}

// linearUsers serves n users as a GraphQL API in the Relay connection style
// (Linear's `users(first, after)`): POST {"query": …, "variables":
// {"first": …, "after": …}}, records at data.users.nodes, the cursor at
// data.users.pageInfo.endCursor and the has-more flag at hasNextPage.
func linearUsers(n int) http.HandlerFunc {
	all := people(n)
	return func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Query     string         `json:"query"`
			Variables map[string]any `json:"variables"`
		}
		if err := jsonDecode(r, &body); err != nil || !strings.Contains(body.Query, "users(") {
			http.Error(w, `{"errors":[{"message":"bad query"}]}`, http.StatusBadRequest)
			return
		}
		first := atoi(stringOf(body.Variables["first"]), 50)
		from := 0
		if after, ok := body.Variables["after"].(string); ok {
			if from = indexAfter(n, after); from < 0 {
				http.Error(w, `{"errors":[{"message":"bad cursor"}]}`, http.StatusBadRequest)
				return
			}
		}
		to := min(from+first, n)
		end := any(nil)
		if to > from {
			end = userID(to - 1)
		}
		writeJSON(w, map[string]any{"data": map[string]any{"users": map[string]any{
			"nodes":    all[from:to],
			"pageInfo": map[string]any{"hasNextPage": to < n, "endCursor": end},
		}}})
	}
}

func stringOf(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case float64:
		return strconv.Itoa(int(v))
	}
	return ""
}

var (
	adobeCfg = Config{Type: PageNumber, In: InPath, Start: intp(0), LastPagePath: "lastPage"}
	// dropboxCfg continues at another URL with another body.
	dropboxCfg = Config{Type: CursorLimit, In: InBody, CursorField: "cursor", CursorPath: "cursor", HasMorePath: "has_more",
		NextRequestURL: "/2/team/members/list/continue_v2", NextRequestBody: map[string]any{"cursor": CursorPlaceholder}}
	linearCfg = Config{Type: CursorLimit, In: InBody, CursorField: "variables.after",
		CursorPath: "data.users.pageInfo.endCursor", HasMorePath: "data.users.pageInfo.hasNextPage"}
	linearQuery = "query Users($first: Int, $after: String) { users(first: $first, after: $after) { nodes { id email } pageInfo { hasNextPage endCursor } } }"
)

func TestWalkContinuations(t *testing.T) {
	const umapi = "/v2/usermanagement/users/org@AdobeOrg/"
	cases := []struct {
		vendorCase
		wantBodies []map[string]any
	}{{
		vendorCase: vendorCase{name: "adobe path page and lastPage", handler: func(n int) http.HandlerFunc { return adobeUMAPI(n, 2) },
			n: 5, path: umapi + "{page}?domain=example.com", cfg: adobeCfg, recordsPath: "users", rowKey: "id",
			wantURIs: []string{umapi + "0?domain=example.com", umapi + "1?domain=example.com", umapi + "2?domain=example.com"}},
	}, {
		vendorCase: vendorCase{name: "adobe escaped placeholder, last page from a header", handler: func(n int) http.HandlerFunc { return adobeUMAPI(n, 2) },
			n: 4, path: umapi + "%7Bpage%7D",
			cfg:         Config{Type: PageNumber, In: InPath, Start: intp(0), LastPagePath: "header:X-Last-Page"},
			recordsPath: "users", rowKey: "id", wantURIs: []string{umapi + "0", umapi + "1"}},
	}, {
		vendorCase: vendorCase{name: "adobe exact multiple: lastPage ends without an extra request", handler: func(n int) http.HandlerFunc { return adobeUMAPI(n, 2) },
			n: 4, path: umapi + "{page}", cfg: adobeCfg, recordsPath: "users", rowKey: "id",
			wantURIs: []string{umapi + "0", umapi + "1"}},
	}, {
		vendorCase: vendorCase{name: "dropbox continue URL and body", handler: dropboxMembers, n: 5, method: http.MethodPost,
			path: "/2/team/members/list_v2", body: map[string]any{"limit": 2, "include_removed": false},
			cfg: dropboxCfg, recordsPath: "members", rowKey: "profile",
			wantURIs: []string{"/2/team/members/list_v2", "/2/team/members/list/continue_v2", "/2/team/members/list/continue_v2"}},
		wantBodies: []map[string]any{{"limit": 2.0, "include_removed": false}, {"cursor": "cur-2-2"}, {"cursor": "cur-4-2"}},
	}, {
		vendorCase: vendorCase{name: "graphql cursor in variables", handler: linearUsers, n: 5, method: http.MethodPost,
			path: "/graphql", body: map[string]any{"query": linearQuery, "variables": map[string]any{"first": 2}},
			cfg: linearCfg, recordsPath: "data.users.nodes",
			wantURIs: []string{"/graphql", "/graphql", "/graphql"}},
		wantBodies: []map[string]any{
			{"query": linearQuery, "variables": map[string]any{"first": 2.0}},
			{"query": linearQuery, "variables": map[string]any{"first": 2.0, "after": "id-002"}},
			{"query": linearQuery, "variables": map[string]any{"first": 2.0, "after": "id-004"}},
		},
	}}
	for _, tc := range cases {
		for _, prefetch := range []int{0, 4} {
			t.Run(tc.name+"/prefetch="+strconv.Itoa(prefetch), func(t *testing.T) {
				srv, resps, err := tc.run(t, prefetch)
				require.NoError(t, err)
				var got []any
				for _, r := range resps {
					got = append(got, r.Records...)
				}
				want := people(tc.n)
				if tc.rowKey == "id" {
					for i := range want {
						want[i] = userID(i)
					}
				}
				assert.Equal(t, jsonRound(t, want), jsonRound(t, got))
				assert.Equal(t, tc.wantURIs, srv.requests())
				if tc.wantBodies != nil {
					srv.mu.Lock()
					defer srv.mu.Unlock()
					assert.Equal(t, tc.wantBodies, srv.bodies)
				}
			})
		}
	}
}

// TestWalkDropboxCursorInFirstBody: without next_request_body, the cursor
// goes at cursor_field in the first request's body, sent to
// next_request_url.
func TestWalkDropboxCursorInFirstBody(t *testing.T) {
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		body := map[string]any{}
		_ = jsonDecode(r, &body)
		if _, ok := body["cursor"]; ok {
			writeJSON(w, map[string]any{"members": []any{"b"}, "has_more": false})
			return
		}
		writeJSON(w, map[string]any{"members": []any{"a"}, "cursor": "c1", "has_more": true})
	})
	u, _ := url.Parse(srv.URL + "/list")
	cfg := Config{Type: CursorLimit, In: InBody, CursorField: "cursor", CursorPath: "cursor", HasMorePath: "has_more", NextRequestURL: srv.URL + "/continue"}
	w := &Walker{Config: cfg, Fetch: jsonFetch(srv.Client(), "members", "")}
	resps, err := collect(t, w.Walk(t.Context(), Request{Method: http.MethodPost, URL: u, Body: map[string]any{"limit": 1}}))
	require.NoError(t, err)
	assert.Len(t, resps, 2)
	assert.Equal(t, []string{"/list", "/continue"}, srv.requests())
	assert.Equal(t, []map[string]any{{"limit": 1.0}, {"limit": 1.0, "cursor": "c1"}}, srv.bodies)
}

// TestLastPageFalseTrustedOverShortPage: Adobe's page size varies, so a
// page shorter than page_size with lastPage false goes on.
func TestLastPageFalseTrustedOverShortPage(t *testing.T) {
	pages := [][]any{{"a"}, {"b", "c"}, {"d"}}
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		n := atoi(strings.TrimPrefix(r.URL.Path, "/users/"), 9)
		writeJSON(w, map[string]any{"users": pages[n], "lastPage": n == len(pages)-1})
	})
	u, _ := url.Parse(srv.URL + "/users/{page}")
	w := &Walker{Config: Config{Type: PageNumber, In: InPath, Start: intp(0), PageSize: 2, LastPagePath: "lastPage"}, Fetch: jsonFetch(srv.Client(), "users", "")}
	resps, err := collect(t, w.Walk(t.Context(), Request{URL: u}))
	require.NoError(t, err)
	assert.Len(t, resps, 3)
	assert.Equal(t, []string{"/users/0", "/users/1", "/users/2"}, srv.requests())
}

func TestContinuationValidate(t *testing.T) {
	cases := []struct {
		name      string
		cfg       Config
		wantField []string
		wantMsg   string
	}{
		{"in path needs page_number", Config{Type: OffsetLimit, In: InPath, OffsetField: "o"}, []string{"in"}, `path is only for pagination type "page_number"`},
		{"in path refuses page_field", Config{Type: PageNumber, In: InPath, PageField: "page"}, []string{"page_field"}, `replaces {page} in the URL path`},
		{"in path without page_field", Config{Type: PageNumber, In: InPath, PageSizeField: "size", PageSize: 5}, nil, ""},
		{"unknown in", Config{Type: PageNumber, In: "header", PageField: "p"}, []string{"in"}, `want query, body or path`},
		{"next_request_url needs body", Config{Type: CursorLimit, CursorField: "c", CursorPath: "c", NextRequestURL: "/next"}, []string{"next_request_url"}, `needs in "body"`},
		{"next_request_body needs body", Config{Type: CursorLimit, CursorField: "c", CursorPath: "c", NextRequestBody: map[string]any{"cursor": "{cursor}"}}, []string{"next_request_body"}, `needs in "body"`},
		{"next_request_body without cursor", Config{Type: CursorLimit, In: InBody, CursorField: "c", CursorPath: "c", NextRequestBody: map[string]any{"cursor": "{curser}", "n": []any{"x"}}}, []string{"next_request_body"}, `no string value holds {cursor}`},
		{"next_request_body cursor nested", Config{Type: CursorLimit, In: InBody, CursorField: "c", CursorPath: "c", NextRequestBody: map[string]any{"a": []any{map[string]any{"after": "{cursor}"}}}}, nil, ""},
		{"next_request_url bad", Config{Type: CursorLimit, In: InBody, CursorField: "c", CursorPath: "c", NextRequestURL: "http://a b/%zz"}, []string{"next_request_url"}, `not a URL`},
		{"next_request_url user info", Config{Type: CursorLimit, In: InBody, CursorField: "c", CursorPath: "c", NextRequestURL: "https://u:p@h/x"}, []string{"next_request_url"}, `user info`},
		{"next_request_url not for next_url", Config{Type: NextURL, In: InBody, NextURLPath: "next", NextRequestURL: "/x"}, []string{"next_request_url"}, `not used by pagination type "next_url"`},
		{"last_page_path empty header", Config{Type: PageNumber, PageField: "p", LastPagePath: "header:"}, []string{"last_page_path"}, `header: must be followed by a header name`},
		{"last_page_path bad path", Config{Type: PageNumber, PageField: "p", LastPagePath: "a[?(@.x"}, []string{"last_page_path"}, ``},
		{"last_page_path not for none", Config{LastPagePath: "lastPage"}, []string{"last_page_path"}, `not used by pagination type "none"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.cfg.Validate()
			if tc.wantField == nil {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Equal(t, tc.wantField, configFields(t, err))
			assert.ErrorContains(t, err, tc.wantMsg)
		})
	}
}

func TestContinuationWalkErrors(t *testing.T) {
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, map[string]any{"users": []any{"a"}, "lastPage": "maybe", "cursor": "c", "has_more": true})
	})
	cases := []struct {
		name    string
		cfg     Config
		path    string
		field   string
		wantMsg string
	}{
		{"in path without {page} in the URL", Config{Type: PageNumber, In: InPath}, "/users/page", "in", `in "path" needs {page} in the path`},
		{"{page} only in the query", Config{Type: PageNumber, In: InPath}, "/users?page={page}", "in", `needs {page} in the path`},
		{"next_request_url on another origin", Config{Type: CursorLimit, In: InBody, CursorField: "c", CursorPath: "cursor", NextRequestURL: "https://elsewhere.example/continue"}, "/list", "next_request_url", "not on the origin"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			u, _ := url.Parse(srv.URL + tc.path)
			w := &Walker{Config: tc.cfg, Fetch: jsonFetch(srv.Client(), "users", "")}
			_, err := collect(t, w.Walk(t.Context(), Request{Method: http.MethodPost, URL: u}))
			var ce *ConfigError
			require.True(t, errors.As(err, &ce), "%v", err)
			assert.Equal(t, tc.field, ce.Field)
			assert.ErrorContains(t, err, tc.wantMsg)
		})
	}
	assert.Empty(t, srv.requests(), "no request is sent")

	// A last-page flag that is not a boolean ends the walk with an error
	// naming last_page_path.
	u, _ := url.Parse(srv.URL + "/users/{page}")
	w := &Walker{Config: adobeCfg, Fetch: jsonFetch(srv.Client(), "users", "")}
	_, err := collect(t, w.Walk(t.Context(), Request{URL: u}))
	var pe *PageError
	require.True(t, errors.As(err, &pe), "%v", err)
	assert.ErrorContains(t, err, `last_page_path: want true or false, got "maybe"`)
}

// jsonDecode decodes r's JSON body into v.
func jsonDecode(r *http.Request, v any) error {
	return json.NewDecoder(r.Body).Decode(v)
}

// jsonRound returns v as encoding/json decodes its encoding, so that values
// built in Go compare with decoded ones.
func jsonRound(t *testing.T, v any) any {
	t.Helper()
	raw, err := json.Marshal(v)
	require.NoError(t, err)
	var out any
	require.NoError(t, json.Unmarshal(raw, &out))
	return out
}
