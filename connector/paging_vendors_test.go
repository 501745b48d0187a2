package connector

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	saasconnect "github.com/saasconnect/saasconnect"
)

// wire records the requests a fake vendor received.
type wire struct {
	mu     sync.Mutex
	uris   []string // method, then request URI as sent (raw query)
	bodies []string // raw request bodies
}

func (w *wire) add(r *http.Request) string {
	raw, _ := io.ReadAll(r.Body)
	w.mu.Lock()
	defer w.mu.Unlock()
	w.uris = append(w.uris, r.Method+" "+r.URL.RequestURI())
	w.bodies = append(w.bodies, string(raw))
	return string(raw)
}

func (w *wire) got() ([]string, []string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.uris), slices.Clone(w.bodies)
}

// vendorServer starts a loopback server that records each request and
// answers it with h.
func vendorServer(t *testing.T, h func(w http.ResponseWriter, r *http.Request, body string)) (*httptest.Server, *wire) {
	t.Helper()
	rec := &wire{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body := rec.add(r)
		w.Header().Set("Content-Type", "application/json")
		h(w, r, body)
	}))
	t.Cleanup(srv.Close)
	return srv, rec
}

// templateConnector parses tmplJSON and compiles it against srv with
// settings s.
func templateConnector(t *testing.T, tmplJSON string, srv *httptest.Server, s Settings) *Connector {
	t.Helper()
	tmpl, err := ParseTemplate([]byte(tmplJSON))
	require.NoError(t, err)
	if s == nil {
		s = Settings{}
	}
	s["base_url"] = srv.URL
	c, err := New(tmpl, "t", s, WithHTTPClient(srv.Client()))
	require.NoError(t, err)
	return c
}

// runTemplate runs templateConnector's connector and returns the users.
func runTemplate(t *testing.T, tmplJSON string, srv *httptest.Server, s Settings) []saasconnect.User {
	t.Helper()
	users, _, err := collect(t, templateConnector(t, tmplJSON, srv, s), t.Context())
	require.NoError(t, err)
	return users
}

func emails(users []saasconnect.User) []string {
	out := make([]string, len(users))
	for i, u := range users {
		out[i] = u.Email
	}
	return out
}

// TestZendeskRepeatedQuery: request.query arrays repeat the parameter
// (Zendesk's role[]=agent&role[]=admin), after users_url's own query kept
// as written; the next pages follow links.next while meta.has_more.
func TestZendeskRepeatedQuery(t *testing.T) {
	const users = 5
	srv, rec := vendorServer(t, func(w http.ResponseWriter, r *http.Request, _ string) {
		q := r.URL.Query()
		if !slices.Equal(q["role[]"], []string{"agent", "admin"}) {
			http.Error(w, `{"error":"roles"}`, http.StatusBadRequest)
			return
		}
		size := atoiOr(q.Get("page[size]"), 100)
		from := atoiOr(q.Get("page[after]"), 0)
		to := min(from+size, users)
		var rows []any
		for i := from; i < to; i++ {
			rows = append(rows, map[string]any{"id": i + 1, "email": fmt.Sprintf("agent%d@example.com", i+1), "role": "agent"})
		}
		next := fmt.Sprintf("http://%s/api/v2/users?include=identities,roles&page%%5Bsize%%5D=%d&page%%5Bafter%%5D=%d&role%%5B%%5D=agent&role%%5B%%5D=admin", r.Host, size, to)
		_ = json.NewEncoder(w).Encode(map[string]any{"users": rows, "meta": map[string]any{"has_more": to < users}, "links": map[string]any{"next": next}})
	})
	got := runTemplate(t, `{
		"version": 1, "name": "Zendesk",
		"settings": [{"name": "base_url", "required": true}],
		"request": {"users_url": "{base_url}/api/v2/users?include=identities,roles", "query": {"role[]": ["agent", "admin"]}},
		"pagination": {"type": "next_url", "next_url_path": "links.next", "has_more_path": "meta.has_more", "limit_field": "page[size]", "page_size": 2},
		"response": {"records_path": "users", "fields": {"id": "id", "email": "email", "role": "role"}}
	}`, srv, nil)
	assert.Equal(t, []string{"agent1@example.com", "agent2@example.com", "agent3@example.com", "agent4@example.com", "agent5@example.com"}, emails(got))
	uris, _ := rec.got()
	require.Len(t, uris, 3)
	assert.Equal(t, "GET /api/v2/users?include=identities,roles&role%5B%5D=agent&role%5B%5D=admin&page%5Bsize%5D=2", uris[0],
		"the literal query byte for byte, then request.query, then the paging parameter")
}

// TestSalesforceLiteralQueryAndRelativeNext: a SOQL query written in
// users_url is sent as written, and Salesforce's relative nextRecordsUrl
// resolves against the page URL, sent without the first page's query.
func TestSalesforceLiteralQueryAndRelativeNext(t *testing.T) {
	const soql = "q=SELECT+Id,Username,Email,IsActive+FROM+User+WHERE+IsActive+=+true"
	srv, rec := vendorServer(t, func(w http.ResponseWriter, r *http.Request, _ string) {
		page := map[string]any{"totalSize": 3, "done": false, "nextRecordsUrl": "/services/data/v59.0/query/01gD0000002HU6KIAW-2",
			"records": []any{
				map[string]any{"attributes": map[string]any{"type": "User"}, "Id": "005A", "Email": "a@example.com", "IsActive": true},
				map[string]any{"attributes": map[string]any{"type": "User"}, "Id": "005B", "Email": "b@example.com", "IsActive": true},
			}}
		switch {
		case r.URL.Path == "/services/data/v59.0/query" && r.URL.RawQuery == soql:
		case r.URL.Path == "/services/data/v59.0/query/01gD0000002HU6KIAW-2" && r.URL.RawQuery == "":
			page = map[string]any{"totalSize": 3, "done": true, "records": []any{
				map[string]any{"attributes": map[string]any{"type": "User"}, "Id": "005C", "Email": "c@example.com", "IsActive": true},
			}}
		default:
			http.Error(w, `[{"errorCode":"MALFORMED_QUERY"}]`, http.StatusBadRequest)
			return
		}
		_ = json.NewEncoder(w).Encode(page)
	})
	got := runTemplate(t, `{
		"version": 1, "name": "Salesforce",
		"settings": [{"name": "base_url", "required": true}],
		"request": {"users_url": "{base_url}/services/data/v59.0/query?`+soql+`"},
		"pagination": {"type": "next_url", "next_url_path": "nextRecordsUrl"},
		"response": {"records_path": "records", "fields": {"id": "Id", "email": "Email"}}
	}`, srv, nil)
	assert.Equal(t, []string{"a@example.com", "b@example.com", "c@example.com"}, emails(got))
	uris, _ := rec.got()
	assert.Equal(t, []string{"GET /services/data/v59.0/query?" + soql, "GET /services/data/v59.0/query/01gD0000002HU6KIAW-2"}, uris)
}

// TestAdobePageInPath pages Adobe's User Management API: the 0-based page
// index replaces {page} in the path, and lastPage: true ends the walk (a
// page past the end would answer the last page again).
func TestAdobePageInPath(t *testing.T) {
	const users, size = 5, 2
	srv, rec := vendorServer(t, func(w http.ResponseWriter, r *http.Request, _ string) {
		rest, ok := strings.CutPrefix(r.URL.Path, "/v2/usermanagement/users/12345@AdobeOrg/")
		page, err := strconv.Atoi(rest)
		if !ok || err != nil || r.Header.Get("X-Api-Key") != "client-id" || r.URL.Query().Get("domain") != "example.com" {
			http.Error(w, `{"result":"error"}`, http.StatusBadRequest)
			return
		}
		last := (users - 1) / size
		page = min(page, last)
		var rows []any
		for i := page * size; i < min(page*size+size, users); i++ {
			rows = append(rows, map[string]any{"id": fmt.Sprintf("ID%d@AdobeID", i+1), "email": fmt.Sprintf("u%d@example.com", i+1),
				"status": "active", "type": "federatedID", "firstname": "U", "lastname": strconv.Itoa(i + 1), "groups": []any{"All Apps"}})
		}
		w.Header().Set("X-Page-Size", strconv.Itoa(len(rows)))
		_ = json.NewEncoder(w).Encode(map[string]any{"lastPage": page == last, "result": "success", "users": rows})
	})
	got := runTemplate(t, `{
		"version": 1, "name": "Adobe",
		"settings": [{"name": "base_url", "required": true}, {"name": "org_id", "required": true},
			{"name": "domain", "required": true}, {"name": "client_id", "required": true}],
		"request": {"users_url": "{base_url}/v2/usermanagement/users/{org_id}/{page}?domain={domain}", "headers": {"X-Api-Key": "{client_id}"}},
		"pagination": {"type": "page_number", "in": "path", "start": 0, "last_page_path": "lastPage"},
		"response": {"records_path": "users", "fields": {"id": "id", "email": "email", "first_name": "firstname", "last_name": "lastname"}}
	}`, srv, Settings{"org_id": "12345@AdobeOrg", "domain": "example.com", "client_id": "client-id"})
	assert.Equal(t, []string{"u1@example.com", "u2@example.com", "u3@example.com", "u4@example.com", "u5@example.com"}, emails(got))
	uris, _ := rec.got()
	assert.Equal(t, []string{
		"GET /v2/usermanagement/users/12345@AdobeOrg/0?domain=example.com",
		"GET /v2/usermanagement/users/12345@AdobeOrg/1?domain=example.com",
		"GET /v2/usermanagement/users/12345@AdobeOrg/2?domain=example.com",
	}, uris)
}

// TestDropboxContinue pages Dropbox's team members: POST members/list_v2
// with {"limit": …}, then POST members/list/continue_v2 with exactly
// {"cursor": …} while has_more.
func TestDropboxContinue(t *testing.T) {
	const users = 5
	srv, rec := vendorServer(t, func(w http.ResponseWriter, r *http.Request, raw string) {
		var body map[string]any
		if r.Method != http.MethodPost || json.Unmarshal([]byte(raw), &body) != nil || r.Header.Get("Authorization") != "Bearer team-token" {
			http.Error(w, `{"error_summary":"bad request"}`, http.StatusBadRequest)
			return
		}
		var from, limit int
		switch r.URL.Path {
		case "/2/team/members/list_v2":
			limit = int(body["limit"].(float64))
		case "/2/team/members/list/continue_v2":
			c, _ := body["cursor"].(string)
			if len(body) != 1 {
				http.Error(w, `{"error_summary":"unexpected field"}`, http.StatusBadRequest)
				return
			}
			f, l, _ := strings.Cut(strings.TrimPrefix(c, "AAE"), ".")
			from, limit = atoiOr(f, -1), atoiOr(l, 0)
		default:
			http.NotFound(w, r)
			return
		}
		if from < 0 || limit <= 0 {
			http.Error(w, `{"error_summary":"reset/"}`, http.StatusConflict)
			return
		}
		to := min(from+limit, users)
		var members []any
		for i := from; i < to; i++ {
			members = append(members, map[string]any{
				"profile": map[string]any{"team_member_id": fmt.Sprintf("dbmid:%d", i+1), "email": fmt.Sprintf("m%d@example.com", i+1),
					"status": map[string]any{".tag": "active"}, "membership_type": map[string]any{".tag": "full"},
					"name": map[string]any{"display_name": fmt.Sprintf("Member %d", i+1)}},
				"role": map[string]any{".tag": "member_only"},
			})
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"members": members, "cursor": fmt.Sprintf("AAE%d.%d", to, limit), "has_more": to < users})
	})
	got := runTemplate(t, `{
		"version": 1, "name": "Dropbox",
		"settings": [{"name": "base_url", "required": true}],
		"auth": {"method": "api_key", "token_type": "Bearer"},
		"request": {"users_url": "{base_url}/2/team/members/list_v2", "method": "POST", "body": {"limit": 2, "include_removed": false}},
		"pagination": {"type": "cursor_limit", "in": "body", "cursor_field": "cursor", "cursor_path": "cursor", "has_more_path": "has_more",
			"next_request_url": "{base_url}/2/team/members/list/continue_v2", "next_request_body": {"cursor": "{cursor}"}},
		"response": {"records_path": "members", "fields": {"id": "profile.team_member_id", "email": "profile.email", "name": "profile.name.display_name", "role": "role[\".tag\"]"}}
	}`, srv, Settings{"api_key": "team-token"})
	assert.Equal(t, []string{"m1@example.com", "m2@example.com", "m3@example.com", "m4@example.com", "m5@example.com"}, emails(got))
	assert.Equal(t, "dbmid:1", got[0].ID)
	assert.Equal(t, "member_only", got[0].Role)
	uris, bodies := rec.got()
	assert.Equal(t, []string{"POST /2/team/members/list_v2", "POST /2/team/members/list/continue_v2", "POST /2/team/members/list/continue_v2"}, uris)
	assert.JSONEq(t, `{"limit": 2, "include_removed": false}`, bodies[0])
	assert.JSONEq(t, `{"cursor": "AAE2.2"}`, bodies[1])
	assert.JSONEq(t, `{"cursor": "AAE4.2"}`, bodies[2])
}

// TestSlackBillableInfoKeyedByID reads Slack's team.billableInfo, whose
// billable_info is an object keyed by user id: records_as values makes
// each value a record, in key order, with its key at $key for the
// mapping and the filters.
func TestSlackBillableInfoKeyedByID(t *testing.T) {
	pages := []map[string]any{
		{"ok": true, "billable_info": map[string]any{"U02UCPE1R": map[string]any{"billing_active": true}, "U01BXB6A1": map[string]any{"billing_active": false}},
			"response_metadata": map[string]any{"next_cursor": "dXNlcjpVMEc5V0ZYTlo="}},
		{"ok": true, "billable_info": map[string]any{"U0G9WFXNZ": map[string]any{"billing_active": true}, "USLACKBOT": map[string]any{"billing_active": false}},
			"response_metadata": map[string]any{"next_cursor": ""}},
	}
	srv, rec := vendorServer(t, func(w http.ResponseWriter, r *http.Request, _ string) {
		page := pages[0]
		if r.URL.Query().Get("cursor") == "dXNlcjpVMEc5V0ZYTlo=" {
			page = pages[1]
		}
		_ = json.NewEncoder(w).Encode(page)
	})
	slack := `{
		"version": 1, "name": "Slack billable info",
		"settings": [{"name": "base_url", "required": true}],
		"request": {"users_url": "{base_url}/api/team.billableInfo"},
		"pagination": {"type": "cursor_limit", "cursor_field": "cursor", "cursor_path": "response_metadata.next_cursor", "limit_field": "limit", "page_size": 2},
		"response": {"records_path": "billable_info", "records_as": "values", "success_path": "ok",
			"fields": {"id": "$key", "billing_active": "billing_active"}},
		"filters": [{"field": "$key", "operator": "not_equal", "value": "USLACKBOT"}]
	}`
	got := runTemplate(t, slack, srv, nil)
	var idsGot []string
	for _, u := range got {
		idsGot = append(idsGot, u.ID)
	}
	assert.Equal(t, []string{"U01BXB6A1", "U02UCPE1R", "U0G9WFXNZ"}, idsGot, "sorted by key on each page; the filter reads $key")
	assert.Equal(t, false, got[0].Extra["billing_active"])
	assert.Equal(t, true, got[1].Extra["billing_active"])
	uris, _ := rec.got()
	assert.Equal(t, []string{"GET /api/team.billableInfo?limit=2", "GET /api/team.billableInfo?limit=2&cursor=dXNlcjpVMEc5V0ZYTlo%3D"}, uris)

	// Test reads the first page the same way (full decoding).
	assert.NoError(t, templateConnector(t, slack, srv, nil).Test(t.Context()))
}

// TestLinearGraphQL pages a GraphQL API (Linear's users connection): the
// query and variables in a POST body, the cursor set at variables.after,
// read from pageInfo.endCursor while pageInfo.hasNextPage.
func TestLinearGraphQL(t *testing.T) {
	const users = 5
	const query = "query Users($first: Int, $after: String) { users(first: $first, after: $after) { nodes { id name email active } pageInfo { hasNextPage endCursor } } }"
	srv, rec := vendorServer(t, func(w http.ResponseWriter, r *http.Request, raw string) {
		var body struct {
			Query     string
			Variables struct {
				First int
				After *string
			}
		}
		if json.Unmarshal([]byte(raw), &body) != nil || body.Query != query || r.Header.Get("Authorization") != "lin_api_key" {
			_ = json.NewEncoder(w).Encode(map[string]any{"errors": []any{map[string]any{"message": "bad request"}}})
			return
		}
		from := 0
		if body.Variables.After != nil {
			from = atoiOr(strings.TrimPrefix(*body.Variables.After, "cur-"), users)
		}
		to := min(from+body.Variables.First, users)
		var nodes []any
		for i := from; i < to; i++ {
			nodes = append(nodes, map[string]any{"id": fmt.Sprintf("u-%d", i+1), "name": fmt.Sprintf("User %d", i+1), "email": fmt.Sprintf("l%d@example.com", i+1), "active": true})
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"data": map[string]any{"users": map[string]any{
			"nodes": nodes, "pageInfo": map[string]any{"hasNextPage": to < users, "endCursor": fmt.Sprintf("cur-%d", to)}}}})
	})
	tmpl := map[string]any{
		"version": 1, "name": "Linear",
		"settings": []any{map[string]any{"name": "base_url", "required": true}},
		"auth":     map[string]any{"method": "api_key"},
		"request":  map[string]any{"users_url": "{base_url}/graphql", "method": "POST", "body": map[string]any{"query": query, "variables": map[string]any{"first": 2}}},
		"pagination": map[string]any{"type": "cursor_limit", "in": "body", "cursor_field": "variables.after",
			"cursor_path": "data.users.pageInfo.endCursor", "has_more_path": "data.users.pageInfo.hasNextPage"},
		"response": map[string]any{"records_path": "data.users.nodes", "fields": map[string]any{"id": "id", "email": "email", "name": "name"}},
	}
	raw, err := json.Marshal(tmpl)
	require.NoError(t, err)
	got := runTemplate(t, string(raw), srv, Settings{"api_key": "lin_api_key"})
	assert.Equal(t, []string{"l1@example.com", "l2@example.com", "l3@example.com", "l4@example.com", "l5@example.com"}, emails(got))
	_, bodies := rec.got()
	require.Len(t, bodies, 3)
	for i, after := range []string{`null`, `"cur-2"`, `"cur-4"`} {
		var b map[string]any
		require.NoError(t, json.Unmarshal([]byte(bodies[i]), &b))
		assert.Equal(t, query, b["query"])
		vars, _ := json.Marshal(b["variables"])
		want := `{"first": 2, "after": ` + after + `}`
		if after == "null" {
			want = `{"first": 2}`
		}
		assert.JSONEq(t, want, string(vars), "request %d", i+1)
	}
}

func atoiOr(s string, def int) int {
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	return def
}
