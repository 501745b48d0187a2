package connector_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/saasconnect/saasconnect"
	"github.com/saasconnect/saasconnect/connector"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// resumeAPIKey is the api_key the query-parameter vendor wants.
const resumeAPIKey = "Qk3y-SECRET-value"

// sevenUsers are the records the resume vendors serve, two per page.
func sevenUsers(from, to int) []any {
	var out []any
	for i := from; i < min(to, 7); i++ {
		out = append(out, map[string]any{"id": strconv.Itoa(i + 1), "email": fmt.Sprintf("u%d@example.com", i+1)})
	}
	return out
}

// resumeVendors are paging styles connectortest.Server does not speak: a
// page number in the path, a POST cursor continued at another URL with
// another body, a GraphQL cursor, and Link headers that echo the api_key
// query parameter.
var resumeVendors = []struct {
	name     string
	template string
	handler  func(w http.ResponseWriter, r *http.Request)
}{{
	name: "page_number in path",
	template: `{"version": 1, "name": "Path", "settings": [{"name": "base_url", "required": true}],
		"request": {"users_url": "{base_url}/v2/users/{page}"},
		"pagination": {"type": "page_number", "in": "path", "start": 0, "last_page_path": "lastPage"},
		"response": {"records_path": "users", "fields": {"id": "id", "email": "email"}}}`,
	handler: func(w http.ResponseWriter, r *http.Request) {
		page, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/v2/users/"))
		if err != nil {
			http.Error(w, "bad page", http.StatusNotFound)
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"users": sevenUsers(page*2, page*2+2), "lastPage": page*2+2 >= 7})
	},
}, {
	name: "cursor_limit POST continuation",
	template: `{"version": 1, "name": "Continue", "settings": [{"name": "base_url", "required": true}],
		"request": {"users_url": "{base_url}/list", "method": "POST", "body": {"limit": 2}},
		"pagination": {"type": "cursor_limit", "in": "body", "cursor_field": "cursor", "cursor_path": "cursor", "has_more_path": "has_more",
			"next_request_url": "/list/continue", "next_request_body": {"cursor": "{cursor}"}},
		"response": {"records_path": "members", "fields": {"id": "id", "email": "email"}}}`,
	handler: func(w http.ResponseWriter, r *http.Request) {
		var body map[string]any
		_ = json.NewDecoder(r.Body).Decode(&body)
		from := 0
		switch r.URL.Path {
		case "/list":
		case "/list/continue":
			c, _ := body["cursor"].(string)
			from, _ = strconv.Atoi(strings.TrimPrefix(c, "c"))
		default:
			http.NotFound(w, r)
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"members": sevenUsers(from, from+2), "cursor": "c" + strconv.Itoa(from+2), "has_more": from+2 < 7})
	},
}, {
	name: "cursor_limit in GraphQL variables",
	template: `{"version": 1, "name": "GraphQL", "settings": [{"name": "base_url", "required": true}],
		"request": {"users_url": "{base_url}/graphql", "method": "POST", "body": {"query": "query { users }", "variables": {"first": 2}}},
		"pagination": {"type": "cursor_limit", "in": "body", "cursor_field": "variables.after",
			"cursor_path": "data.users.pageInfo.endCursor", "has_more_path": "data.users.pageInfo.hasNextPage"},
		"response": {"records_path": "data.users.nodes", "fields": {"id": "id", "email": "email"}}}`,
	handler: func(w http.ResponseWriter, r *http.Request) {
		var body struct{ Variables map[string]any }
		_ = json.NewDecoder(r.Body).Decode(&body)
		after, _ := body.Variables["after"].(string)
		from, _ := strconv.Atoi(after)
		_ = json.NewEncoder(w).Encode(map[string]any{"data": map[string]any{"users": map[string]any{
			"nodes": sevenUsers(from, from+2), "pageInfo": map[string]any{"endCursor": strconv.Itoa(from + 2), "hasNextPage": from+2 < 7}}}})
	},
}, {
	name: "link_header echoing the api_key query parameter",
	template: `{"version": 1, "name": "Keyed", "settings": [{"name": "base_url", "required": true}],
		"auth": {"method": "api_key", "query_param": "api_key"},
		"request": {"users_url": "{base_url}/users"},
		"pagination": {"type": "link_header", "limit_field": "limit", "page_size": 2},
		"response": {"records_path": "", "fields": {"id": "id", "email": "email"}}}`,
	handler: func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("api_key") != resumeAPIKey || len(q["api_key"]) != 1 {
			http.Error(w, "bad key", http.StatusUnauthorized)
			return
		}
		from, _ := strconv.Atoi(q.Get("after"))
		if from+2 < 7 {
			w.Header().Set("Link", fmt.Sprintf(`<http://%s/users?api_key=%s&after=%d&limit=2>; rel="next"`, r.Host, resumeAPIKey, from+2))
		}
		_ = json.NewEncoder(w).Encode(sevenUsers(from, from+2))
	},
}}

// TestPagesResumeMoreVendors: the resume test of every pagination, for the
// paging styles of resumeVendors; no checkpoint holds the api_key.
func TestPagesResumeMoreVendors(t *testing.T) {
	for _, v := range resumeVendors {
		t.Run(v.name, func(t *testing.T) {
			var requests atomic.Int64
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				requests.Add(1)
				w.Header().Set("Content-Type", "application/json")
				v.handler(w, r)
			}))
			t.Cleanup(srv.Close)
			tmpl, err := connector.ParseTemplate([]byte(v.template))
			require.NoError(t, err)
			settings := connector.Settings{"base_url": srv.URL}
			for _, s := range tmpl.Settings() {
				if s.Name == "api_key" {
					settings["api_key"] = resumeAPIKey
				}
			}
			newConnector := func() *connector.Connector {
				c, err := connector.New(tmpl, "v", settings, connector.WithHTTPClient(srv.Client()))
				require.NoError(t, err)
				return c
			}
			var want []string
			for u, err := range newConnector().Users(t.Context()) {
				require.NoError(t, err)
				want = append(want, u.Email)
			}
			require.Len(t, want, 7)
			full := requests.Load()
			for k := 1; k <= 4; k++ {
				requests.Store(0)
				var got []string
				var saved []byte
				for page, err := range newConnector().Pages(t.Context(), connector.Checkpoint{}) {
					require.NoError(t, err)
					got = append(got, emailsOf(page.Users)...)
					if page.Number == k {
						saved, err = page.Checkpoint.MarshalBinary()
						require.NoError(t, err)
						break
					}
				}
				assert.NotContains(t, string(saved), resumeAPIKey)
				var cp connector.Checkpoint
				require.NoError(t, cp.UnmarshalBinary(saved))
				for u, err := range newConnector().UsersFrom(t.Context(), cp) {
					require.NoError(t, err)
					got = append(got, u.Email)
				}
				assert.Equal(t, want, got, "stop after page %d", k)
				assert.Equal(t, full, requests.Load(), "requests, stop after page %d", k)
			}
		})
	}
}

func emailsOf(users []saasconnect.User) []string {
	out := make([]string, len(users))
	for i, u := range users {
		out[i] = u.Email
	}
	return out
}
