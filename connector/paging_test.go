package connector

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saasconnect/saasconnect/internal/jsonpath"
	"github.com/saasconnect/saasconnect/paginate"
)

func TestQueryValuesJSON(t *testing.T) {
	var q QueryValues
	require.NoError(t, json.Unmarshal([]byte(`{"role[]": ["agent", "admin"], "sort": "id", "none": []}`), &q))
	assert.Equal(t, QueryValues{"role[]": {"agent", "admin"}, "sort": {"id"}, "none": {}}, q)
	out, err := json.Marshal(q)
	require.NoError(t, err)
	assert.JSONEq(t, `{"role[]": ["agent", "admin"], "sort": "id", "none": []}`, string(out))
	require.NoError(t, json.Unmarshal([]byte(`null`), &q))
	assert.Nil(t, q)

	for _, bad := range []string{`{"a": 1}`, `{"a": ["x", 2]}`, `{"a": ["x", null]}`, `{"a": {"b": "c"}}`, `["a"]`} {
		assert.Error(t, json.Unmarshal([]byte(bad), &q), bad)
	}
}

func TestParseTemplateQueryErrors(t *testing.T) {
	tests := []struct{ json, wantMsg string }{
		{`{"request": {"query": {"role[]": ["agent", 2]}}}`, `template: request.query["role[]"]: want a string or an array of strings, got a JSON array holding a number`},
		{`{"request": {"query": {"limit": 100}}}`, `template: request.query.limit: want a string or an array of strings, got a JSON number`},
		{`{"request": {"query": {"a": ["x", null]}}}`, `template: request.query.a: want a string or an array of strings, got a JSON array holding a null`},
		{`{"request": {"query": ["role"]}}`, `template: request.query: want an object of strings or arrays of strings`},
		{`{"request": {"query": {"a": {"b": "c"}}}}`, `template: request.query.a: want a string or an array of strings, got a JSON object`},
	}
	for _, tc := range tests {
		_, err := ParseTemplate([]byte(tc.json))
		var te *TemplateError
		require.ErrorAs(t, err, &te, tc.json)
		assert.EqualError(t, err, tc.wantMsg)
	}
}

func TestAddQuery(t *testing.T) {
	vals := map[string]string{"org": "a b&c"}
	tests := []struct {
		name, raw string
		q         QueryValues
		want      string
	}{
		{"no query keeps the literal", "$select=a,b&$filter=x%20eq%201", nil, "$select=a,b&$filter=x%20eq%201"},
		{"appended after the literal, kept byte for byte", "$select=a,b", QueryValues{"$top": {"10"}}, "$select=a,b&%24top=10"},
		{"repeated values in order", "", QueryValues{"role[]": {"agent", "admin"}}, "role%5B%5D=agent&role%5B%5D=admin"},
		{"names sorted, placeholders filled and escaped", "x=1", QueryValues{"team": {"{org}"}, "a": {"1"}}, "x=1&a=1&team=a+b%26c"},
		{"request.query replaces a literal pair of that name", "a=1&page%5Bsize%5D=5&b=2", QueryValues{"page[size]": {"100"}}, "a=1&b=2&page%5Bsize%5D=100"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, addQuery(tc.raw, tc.q, vals))
		})
	}
}

func TestRecordValues(t *testing.T) {
	p := jsonpath.MustCompile("billable_info")
	decode := func(t *testing.T, body string, keepRaw bool) (decodedPage, error) {
		t.Helper()
		return decodeValues(strings.NewReader(body), 1<<20, p, keepRaw)
	}
	t.Run("values sorted by key, key at $key, raw without it", func(t *testing.T) {
		page, err := decode(t, `{"ok": true, "billable_info": {"U2": {"billing_active": true}, "U1": {"billing_active": false}}}`, true)
		require.NoError(t, err)
		require.Len(t, page.Records, 2)
		assert.Equal(t, map[string]any{"$key": "U1", "billing_active": false}, page.Records[0])
		assert.Equal(t, map[string]any{"$key": "U2", "billing_active": true}, page.Records[1])
		require.Len(t, page.Raw, 2)
		assert.JSONEq(t, `{"billing_active": false}`, string(page.Raw[0]))
		assert.NotNil(t, page.Body)
	})
	t.Run("null and empty objects are no records", func(t *testing.T) {
		for _, body := range []string{`{"billable_info": null}`, `{"billable_info": {}}`} {
			page, err := decode(t, body, false)
			require.NoError(t, err)
			assert.Empty(t, page.Records)
		}
	})
	errs := []struct{ name, body, want string }{
		{"array", `{"billable_info": [{"a": 1}]}`, "records_path `billable_info` holds a JSON array, not an object of records keyed by id"},
		{"value not an object", `{"billable_info": {"U1": true}}`, `the value at key "U1" is a JSON boolean, not an object`},
		{"missing", `{"ok": false, "error": "not_allowed"}`, "response has no `billable_info` key; top-level keys are error, ok"},
		{"invalid JSON", `{"billable_info": {`, "truncated JSON"},
	}
	for _, tc := range errs {
		t.Run(tc.name, func(t *testing.T) {
			_, err := decode(t, tc.body, false)
			assert.ErrorContains(t, err, tc.want)
		})
	}
}

// TestValidateRequestsAndPaging: bad request.query, {page}, next_request
// and records_as settings get errors naming their template path.
func TestValidateRequestsAndPaging(t *testing.T) {
	base := func() Template { return MustParseTemplate([]byte(validJSON)) }
	path := func(t *Template) {
		t.Request.UsersURL = "{base_url}/v2/usermanagement/users/{org}/{page}"
		t.Pagination = paginate.Config{Type: paginate.PageNumber, In: paginate.InPath, Start: new(int), LastPagePath: "lastPage"}
	}
	dropbox := func(t *Template) {
		t.Request.Method, t.Request.Body = "POST", map[string]any{"limit": 100}
		t.Pagination = paginate.Config{Type: paginate.CursorLimit, In: paginate.InBody, CursorField: "cursor", CursorPath: "cursor", HasMorePath: "has_more",
			NextRequestURL: "{base_url}/2/team/members/list/continue_v2", NextRequestBody: map[string]any{"cursor": "{cursor}"}}
	}
	tests := []struct {
		name      string
		edit      func(t *Template)
		wantPaths []string
		wantMsg   string
	}{
		{name: "page in path", edit: path},
		{name: "dropbox continuation", edit: dropbox},
		{name: "records as values", edit: func(t *Template) { t.Response.RecordsAs = RecordsAsValues; t.Response.Fields["id"] = "$key" }},
		{name: "query arrays", edit: func(t *Template) { t.Request.Query = QueryValues{"role[]": {"agent", "{org}"}} }},
		{name: "in path without {page}", edit: func(t *Template) { path(t); t.Request.UsersURL = "{base_url}/users/{org}" },
			wantPaths: []string{"pagination.in"}, wantMsg: `pagination.in: in "path" needs the {page} placeholder in the path of request.users_url`},
		{name: "{page} in the query", edit: func(t *Template) { path(t); t.Request.UsersURL = "{base_url}/users?page={page}" },
			wantPaths: []string{"pagination.in"}},
		{name: "{page} without in path", edit: func(t *Template) { t.Request.UsersURL = "{base_url}/users/{page}" },
			wantPaths: []string{"request.users_url"}, wantMsg: "placeholder {page} names no declared"},
		{name: "page setting clashes", edit: func(t *Template) { path(t); t.Declared = append(t.Declared, Setting{Name: "page"}) },
			wantPaths: []string{"pagination.in"}, wantMsg: "rename the setting"},
		{name: "page_field with in path", edit: func(t *Template) { path(t); t.Pagination.PageField = "page" }, wantPaths: []string{"pagination.page_field"}},
		{name: "bad last_page_path", edit: func(t *Template) { t.Pagination.LastPagePath = "header:" }, wantPaths: []string{"pagination.last_page_path"}},
		{name: "next_request_url unknown placeholder", edit: func(t *Template) { dropbox(t); t.Pagination.NextRequestURL = "{host}/continue" },
			wantPaths: []string{"pagination.next_request_url"}, wantMsg: "placeholder {host} names no declared"},
		{name: "next_request_url credentials", edit: func(t *Template) { dropbox(t); t.Pagination.NextRequestURL = "https://u:p@api.example.com/continue" },
			wantPaths: []string{"pagination.next_request_url", "pagination.next_request_url"}},
		{name: "next_request_body unknown placeholder", edit: func(t *Template) { dropbox(t); t.Pagination.NextRequestBody["team"] = "{team}" },
			wantPaths: []string{"pagination.next_request_body"}, wantMsg: "only {cursor} is filled by the walk"},
		{name: "cursor setting clashes", edit: func(t *Template) { dropbox(t); t.Declared = append(t.Declared, Setting{Name: "cursor"}) },
			wantPaths: []string{"pagination.next_request_body"}},
		{name: "next_request_body without cursor", edit: func(t *Template) { dropbox(t); t.Pagination.NextRequestBody = map[string]any{"cursor": "x"} },
			wantPaths: []string{"pagination.next_request_body"}, wantMsg: "no string value holds {cursor}"},
		{name: "next_request_body in query", edit: func(t *Template) { dropbox(t); t.Pagination.In = "" },
			wantPaths: []string{"pagination.next_request_body", "pagination.next_request_url"}},
		{name: "unknown records_as", edit: func(t *Template) { t.Response.RecordsAs = "map" }, wantPaths: []string{"response.records_as"}, wantMsg: `unknown value "map" (want array or values)`},
		{name: "empty query array", edit: func(t *Template) { t.Request.Query = QueryValues{"role[]": {}} }, wantPaths: []string{`request.query["role[]"]`}},
		{name: "query placeholder unknown", edit: func(t *Template) { t.Request.Query = QueryValues{"role": {"a", "{nope}"}} }, wantPaths: []string{"request.query.role"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tmpl := base()
			tc.edit(&tmpl)
			err := tmpl.Validate()
			if tc.wantPaths == nil {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Equal(t, tc.wantPaths, errorPaths(err))
			if tc.wantMsg != "" {
				assert.ErrorContains(t, err, tc.wantMsg)
			}
		})
	}
}
