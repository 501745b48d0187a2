package connector

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saasconnect/saasconnect/paginate"
)

// flagVendor answers every page with HTTP 200, in the Redrock style: a
// "success" flag, records under Result.Results, a "Message" on failure.
// pages[i] is the body of page i+1.
type flagVendor struct {
	pages []string
	mu    sync.Mutex
	hits  int
}

func (v *flagVendor) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	v.mu.Lock()
	i := v.hits
	v.hits++
	v.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if i >= len(v.pages) {
		_, _ = io.WriteString(w, `{"success": true, "Result": {"Results": []}}`)
		return
	}
	_, _ = io.WriteString(w, v.pages[i])
}

func flagTemplate(base string) Template {
	return Template{
		Version:    1,
		Declared:   []Setting{{Name: "base_url", Default: base}},
		Auth:       AuthSpec{Method: AuthAPIKey, TokenType: "Bearer"},
		Request:    RequestSpec{UsersURL: "{base_url}/query"},
		Pagination: paginate.Config{Type: paginate.PageNumber, PageField: "page", PageSizeField: "size", PageSize: 2},
		Response: ResponseSpec{
			RecordsPath: "Result.Results", Fields: map[string]string{"id": "ID", "email": "Email"},
			SuccessPath: "success", ErrorMessagePath: "Message",
		},
	}
}

const (
	okPage1 = `{"success": true, "Result": {"Results": [{"ID": "1", "Email": "a@example.com"}, {"ID": "2", "Email": "b@example.com"}]}, "Message": null}`
	okPage2 = `{"success": true, "Result": {"Results": [{"ID": "3", "Email": "c@example.com"}]}, "Message": null}`
)

func TestSuccessPath(t *testing.T) {
	tests := []struct {
		name       string
		edit       func(*Template)
		pages      []string
		wantUsers  int
		wantStatus RunStatus
		wantValue  string // ResponseError.Value; "" = no ResponseError
		wantMsg    string // in the error text
		wantHits   int
	}{
		{name: "every page succeeds", pages: []string{okPage1, okPage2}, wantUsers: 3, wantStatus: Succeeded, wantHits: 2},
		{name: "page 2 fails with a message", pages: []string{okPage1,
			`{"success": false, "Result": null, "Message": "You are not authorized to perform this operation. Please contact your IT helpdesk.", "ErrorID": "e1"}`},
			wantUsers: 2, wantStatus: Partial, wantValue: "false", wantHits: 2,
			wantMsg: `/query?page=2&size=2: the response reports a failure (success: false): "You are not authorized to perform this operation. Please contact your IT helpdesk."`},
		{name: "page 1 fails, no records key", pages: []string{`{"success": false, "Message": "Query failed: unknown column 'LastLogn'"}`},
			wantStatus: Failed, wantValue: "false", wantHits: 1, wantMsg: `(success: false): "Query failed: unknown column 'LastLogn'"`},
		{name: "message that is not a string is quoted as JSON", pages: []string{`{"success": false, "Message": {"code": 7, "text": "no"}}`},
			wantStatus: Failed, wantValue: "false", wantHits: 1, wantMsg: `"{\"code\":7,\"text\":\"no\"}"`},
		{name: "no message", pages: []string{`{"success": false, "Result": {"Results": []}}`},
			wantStatus: Failed, wantValue: "false", wantHits: 1, wantMsg: "(success: false) with no Message"},
		{name: "no error_message_path", edit: func(t *Template) { t.Response.ErrorMessagePath = "" }, pages: []string{`{"success": false, "Message": "x"}`},
			wantStatus: Failed, wantValue: "false", wantHits: 1, wantMsg: "the response reports a failure (success: false)"},
		{name: "flag absent", pages: []string{`{"Result": {"Results": [{"ID": "1"}]}}`},
			wantStatus: Failed, wantValue: "absent", wantHits: 1, wantMsg: "response.success_path success is absent, want a boolean"},
		{name: "flag is a string", pages: []string{`{"success": "true", "Result": {"Results": [{"ID": "1"}]}}`},
			wantStatus: Failed, wantValue: "string", wantHits: 1},
		{name: "flag null", pages: []string{`{"success": null, "Result": {"Results": [{"ID": "1"}]}}`},
			wantStatus: Failed, wantValue: "null", wantHits: 1},
		{name: "secret in the message is redacted", pages: []string{`{"success": false, "Message": "bad token ` + testAPIKey + `"}`},
			wantStatus: Failed, wantValue: "false", wantHits: 1, wantMsg: "bad token [REDACTED]"},
		{name: "no success_path: flag ignored", edit: func(t *Template) { t.Response.SuccessPath, t.Response.ErrorMessagePath = "", "" },
			pages: []string{`{"success": false, "Result": {"Results": [{"ID": "1"}]}}`}, wantUsers: 1, wantStatus: Succeeded, wantHits: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := &flagVendor{pages: tt.pages}
			srv := httptest.NewServer(v)
			defer srv.Close()
			tmpl := flagTemplate(srv.URL)
			if tt.edit != nil {
				tt.edit(&tmpl)
			}
			require.NoError(t, tmpl.Validate())
			c, err := New(tmpl, "rr", Settings{"api_key": testAPIKey})
			require.NoError(t, err)
			users, rep, err := collect(t, c, t.Context())
			assert.Len(t, users, tt.wantUsers)
			assert.Equal(t, tt.wantStatus, rep.Status)
			assert.Equal(t, tt.wantHits, v.hits, "requests (a failed page is not retried)")
			assert.Equal(t, 0, rep.Retries)
			if tt.wantValue == "" {
				require.NoError(t, err)
				return
			}
			var re *ResponseError
			require.ErrorAs(t, err, &re)
			assert.Equal(t, tt.wantValue, re.Value)
			assert.Equal(t, "success", re.SuccessPath)
			var rpe *RecordsPathError
			assert.False(t, errors.As(err, &rpe), "the vendor's failure wins over the missing records")
			if tt.wantMsg != "" {
				assert.ErrorContains(t, err, tt.wantMsg)
				assert.Contains(t, rep.Err, tt.wantMsg)
			}
			assertNoSecrets(t, err.Error(), rep.Err)
		})
	}
}

func TestSuccessPathTest(t *testing.T) {
	v := &flagVendor{pages: []string{`{"success": false, "Message": "Access denied"}`}}
	srv := httptest.NewServer(v)
	defer srv.Close()
	c, err := New(flagTemplate(srv.URL), "rr", Settings{"api_key": testAPIKey})
	require.NoError(t, err)
	err = c.Test(t.Context())
	var te *TestError
	require.ErrorAs(t, err, &te)
	assert.Equal(t, ProblemOther, te.Problem)
	assert.Contains(t, te.Hint, "reported a failure")
	assert.ErrorContains(t, err, `"Access denied"`)
	var re *ResponseError
	assert.ErrorAs(t, err, &re)
}

func TestResponseErrorMessageCap(t *testing.T) {
	long := strings.Repeat("é", maxResponseMessage) // 2 bytes each
	got := messageText(long)
	assert.True(t, strings.HasSuffix(got, "...(truncated)"))
	assert.LessOrEqual(t, len(got), maxResponseMessage+len("...(truncated)"))
	assert.True(t, strings.HasPrefix(got, "éé"))
	assert.NotContains(t, got, "\uFFFD")
}

// TestSuccessPathInHeader reads the success flag and the message from
// response headers ("header:<Name>", like every response-path key).
func TestSuccessPathInHeader(t *testing.T) {
	tests := []struct {
		name       string
		status     string // X-Status header; "" = absent
		wantUsers  int
		wantStatus RunStatus
		wantValue  string
		wantMsg    string
	}{
		{name: "true", status: "true", wantUsers: 1, wantStatus: Succeeded},
		{name: "True with spaces", status: " True ", wantUsers: 1, wantStatus: Succeeded},
		{name: "false with a message", status: "false", wantStatus: Failed, wantValue: "false",
			wantMsg: `the response reports a failure (header:X-Status: false): "quota exceeded"`},
		{name: "absent", wantStatus: Failed, wantValue: "absent"},
		{name: "not a boolean", status: "yes", wantStatus: Failed, wantValue: "string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tt.status != "" {
					w.Header().Set("X-Status", tt.status)
				}
				w.Header().Set("X-Error", "quota exceeded")
				_, _ = io.WriteString(w, `{"Result": {"Results": [{"ID": "1", "Email": "a@example.com"}]}}`)
			}))
			defer srv.Close()
			tmpl := flagTemplate(srv.URL)
			tmpl.Pagination = paginate.Config{}
			tmpl.Response.SuccessPath, tmpl.Response.ErrorMessagePath = "header: X-Status", "header:X-Error"
			require.NoError(t, tmpl.Validate())
			c, err := New(tmpl, "hdr", Settings{"api_key": testAPIKey})
			require.NoError(t, err)
			users, rep, err := collect(t, c, t.Context())
			assert.Len(t, users, tt.wantUsers)
			assert.Equal(t, tt.wantStatus, rep.Status)
			if tt.wantValue == "" {
				require.NoError(t, err)
				return
			}
			var re *ResponseError
			require.ErrorAs(t, err, &re)
			assert.Equal(t, tt.wantValue, re.Value)
			assert.Equal(t, "header:X-Status", re.SuccessPath)
			if tt.wantMsg != "" {
				assert.ErrorContains(t, err, tt.wantMsg)
			}
		})
	}
}
