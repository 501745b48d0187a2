package connector

import (
	"encoding/json"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saasconnect/saasconnect/paginate"
)

// validJSON is a complete template; the Validate table breaks one thing at
// a time.
const validJSON = `{
  "version": 1,
  "slug": "github-copilot",
  "name": "GitHub Copilot",
  "vendor": "GitHub",
  "support": "full",
  "docs_url": "https://docs.github.com/rest/copilot/copilot-user-management",
  "settings": [
    {"name": "org", "required": true, "description": "organization login"},
    {"name": "base_url", "default": "https://api.github.com"}
  ],
  "auth": {"method": "api_key", "token_type": "Bearer"},
  "request": {
    "users_url": "{base_url}/orgs/{org}/copilot/billing/seats",
    "headers": {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}
  },
  "pagination": {"type": "page_number", "page_field": "page", "page_size_field": "per_page", "page_size": 100},
  "response": {
    "records_path": "seats",
    "fields": {"id": "assignee.id", "name": "assignee.login", "email": "assignee.email"}
  },
  "filters": [{"field": "assignee.type", "operator": "equal", "value": "User"}],
  "activity": {"type": "user", "last_activity_field": "last_activity_at", "application": "GitHub Copilot"}
}`

func TestParseTemplate(t *testing.T) {
	tmpl, err := ParseTemplate([]byte(validJSON))
	require.NoError(t, err)
	require.NoError(t, tmpl.Validate())
	assert.Equal(t, "github-copilot", tmpl.Slug)
	assert.Equal(t, "seats", tmpl.Response.RecordsPath)
	assert.Equal(t, 100, tmpl.Pagination.PageSize)
	assert.Equal(t, "User", tmpl.Filters[0].Value)

	big, err := ParseTemplate([]byte(`{"filters":[{"field":"org_id","operator":"equal","value":9007199254740993}]}`))
	require.NoError(t, err)
	assert.Equal(t, json.Number("9007199254740993"), big.Filters[0].Value, "numbers stay exact")
	assert.Len(t, tmpl.Declared, 2)
}

func TestParseTemplateErrors(t *testing.T) {
	tests := []struct {
		name      string
		json      string
		wantPaths []string
		wantMsg   string
	}{
		{name: "unknown key with its path", json: `{"version":1,"pagination":{"type":"cursor_limit","curser_path":"x"}}`, wantPaths: []string{"pagination.curser_path"}, wantMsg: `template: pagination.curser_path: unknown key "curser_path"`},
		{name: "several unknown keys", json: `{"versoin":1,"auth":{"metod":"none"},"filters":[{"field":"a","operator":"equal"},{"feild":"b"}]}`, wantPaths: []string{"auth.metod", "filters[1].feild", "versoin"}},
		{name: "keys are case-sensitive", json: `{"Version":1}`, wantPaths: []string{"Version"}},
		{name: "unknown setting key", json: `{"settings":[{"name":"a","secrett":true}]}`, wantPaths: []string{"settings[0].secrett"}},
		{name: "syntax error offset", json: "{\n  \"version\": 1,\n  \"slug\": \"x\",,\n}", wantMsg: "invalid JSON at byte offset 33 (line 3, column 15)"},
		{name: "truncated", json: `{"version": 1, "request": {`, wantMsg: "unexpected end at byte offset 27"},
		{name: "trailing data", json: `{"version": 1} {}`, wantMsg: "unexpected data after the template at byte offset 15"},
		{name: "not an object", json: `[1]`, wantMsg: "a template is a JSON object"},
		{name: "wrong type names the field", json: `{"version":"one"}`, wantPaths: []string{"version"}, wantMsg: "cannot use JSON string as int"},
		{name: "wrong nested type", json: `{"pagination":{"page_size":"100"}}`, wantPaths: []string{"pagination.page_size"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseTemplate([]byte(tt.json))
			require.Error(t, err)
			if tt.wantMsg != "" {
				assert.ErrorContains(t, err, tt.wantMsg)
			}
			if tt.wantPaths != nil {
				assert.Equal(t, tt.wantPaths, errorPaths(err))
			}
		})
	}
}

// errorPaths lists the paths of the *TemplateErrors in err, sorted.
func errorPaths(err error) []string {
	var paths []string
	for _, e := range unjoin(err) {
		var te *TemplateError
		if errors.As(e, &te) {
			paths = append(paths, te.Path)
		}
	}
	slices.Sort(paths)
	return paths
}

func TestValidate(t *testing.T) {
	base := func() Template { return MustParseTemplate([]byte(validJSON)) }
	tests := []struct {
		name      string
		edit      func(t *Template)
		wantPaths []string
		wantMsg   string
	}{
		{name: "unsupported version", edit: func(t *Template) { t.Version = 2 }, wantPaths: []string{"version"}},
		{name: "missing users_url", edit: func(t *Template) { t.Request.UsersURL = "" }, wantPaths: []string{"request.users_url"}},
		{name: "userinfo in users_url", edit: func(t *Template) { t.Request.UsersURL = "https://bob:pw@api.example.com/users" }, wantPaths: []string{"request.users_url"}, wantMsg: "credentials in the URL"},
		{name: "secret query param in users_url", edit: func(t *Template) { t.Request.UsersURL = "{base_url}/users?access_token=abc" }, wantPaths: []string{"request.users_url"}, wantMsg: `query parameter "access_token" looks like a secret`},
		{name: "secret query param in request.query", edit: func(t *Template) { t.Request.Query = QueryValues{"api_key": {"{org}"}} }, wantPaths: []string{"request.query.api_key"}},
		{name: "literal Authorization header", edit: func(t *Template) { t.Request.Headers["Authorization"] = "Bearer abc" }, wantPaths: []string{"request.headers.Authorization"}},
		{name: "plain http", edit: func(t *Template) { t.Request.UsersURL = "http://api.example.com/users" }, wantPaths: []string{"request.users_url"}, wantMsg: "refusing plain http"},
		{name: "bad method", edit: func(t *Template) { t.Request.Method = "DELETE" }, wantPaths: []string{"request.method"}},
		{name: "body with GET", edit: func(t *Template) { t.Request.Body = map[string]any{"a": 1} }, wantPaths: []string{"request.body"}},
		{name: "unknown auth method", edit: func(t *Template) { t.Auth = AuthSpec{Method: "kerberos"} }, wantPaths: []string{"auth.method"}},
		{name: "field unused by method", edit: func(t *Template) { t.Auth.TokenURL = "https://x.example.com/token" }, wantPaths: []string{"auth.token_url"}, wantMsg: `not used by auth method "api_key"`},
		{name: "api_key header and query_param", edit: func(t *Template) { t.Auth = AuthSpec{Method: AuthAPIKey, Header: "X-Key", QueryParam: "key"} }, wantPaths: []string{"auth.query_param"}},
		{name: "oauth2 without token_url, grant, client_auth", edit: func(t *Template) { t.Auth = AuthSpec{Method: AuthOAuth2} }, wantPaths: []string{"auth.client_auth", "auth.grant_type", "auth.token_url"}},
		{name: "oauth2 unknown grant", edit: func(t *Template) {
			t.Auth = AuthSpec{Method: AuthOAuth2, GrantType: "implicit", TokenURL: "{base_url}/token", ClientAuth: "header"}
		}, wantPaths: []string{"auth.grant_type"}, wantMsg: `grant type "implicit" needs a user in the loop`},
		{name: "oauth2 bad client_auth", edit: func(t *Template) {
			t.Auth = AuthSpec{Method: AuthOAuth2, GrantType: "client_credentials", TokenURL: "{base_url}/token", ClientAuth: "auto"}
		}, wantPaths: []string{"auth.client_auth"}},
		{name: "oauth2 header and token_type", edit: func(t *Template) {
			t.Auth = AuthSpec{Method: AuthOAuth2, GrantType: "refresh_token", TokenURL: "{base_url}/token", ClientAuth: "body", Header: "sessionID"}
		}},
		{name: "oauth2 bad header and token_type", edit: func(t *Template) {
			t.Auth = AuthSpec{Method: AuthOAuth2, GrantType: "refresh_token", TokenURL: "{base_url}/token", ClientAuth: "body", Header: "session id", TokenType: "Bearer "}
		}, wantPaths: []string{"auth.header", "auth.token_type"}, wantMsg: `"session id" is not a valid header name`},
		{name: "api_key token_type with a space", edit: func(t *Template) { t.Auth.TokenType = "Bearer x" }, wantPaths: []string{"auth.token_type"}},
		{name: "token_type unused by basic", edit: func(t *Template) { t.Auth = AuthSpec{Method: AuthBasic, TokenType: "Bearer x"} }, wantPaths: []string{"auth.token_type"}, wantMsg: "not used"},
		{name: "session without login_url and token_path", edit: func(t *Template) { t.Auth = AuthSpec{Method: AuthSession} }, wantPaths: []string{"auth.login_url", "auth.token_path"}},
		{name: "session bad fields", edit: func(t *Template) {
			t.Auth = AuthSpec{Method: AuthSession, LoginURL: "{base_url}/login", TokenPath: "data[", LoginFormat: "xml", ExpiresIn: "soon"}
		}, wantPaths: []string{"auth.expires_in", "auth.login_format", "auth.token_path"}},
		{name: "pagination type missing its fields", edit: func(t *Template) {
			t.Pagination.Type = "cursor_limit"
			t.Pagination.PageField, t.Pagination.PageSizeField = "", ""
		}, wantPaths: []string{"pagination.cursor_field", "pagination.cursor_path"}},
		{name: "unknown pagination type", edit: func(t *Template) { t.Pagination.Type = "scroll" }, wantPaths: []string{"pagination.type"}},
		{name: "placeholder without setting", edit: func(t *Template) { t.Request.UsersURL = "{base_url}/orgs/{organisation}/seats" }, wantPaths: []string{"request.users_url"}, wantMsg: "placeholder {organisation} names no declared or auth-implied setting"},
		{name: "placeholder in header", edit: func(t *Template) { t.Request.Headers["X-Team"] = "{team}" }, wantPaths: []string{"request.headers.X-Team"}},
		{name: "auth-implied placeholder is fine", edit: func(t *Template) { t.Request.Headers["X-Key"] = "{api_key}" }},
		{name: "bad filter operator", edit: func(t *Template) {
			t.Filters = append(t.Filters, t.Filters[0])
			t.Filters[1].Operator = "like"
		}, wantPaths: []string{"filters[1].operator"}},
		{name: "unparsable field path", edit: func(t *Template) { t.Response.Fields["email"] = "emails[?(@.primary==" }, wantPaths: []string{"response.fields.email"}},
		{name: "fallback_fields", edit: func(t *Template) {
			t.Response.FallbackFields = map[string][]string{"email": {"assignee.login"}, "name": {`assignee["display name"]`}}
		}},
		{name: "bad fallback_fields", edit: func(t *Template) {
			t.Response.FallbackFields = map[string][]string{
				"email": {"assignee.upn", "emails[?(@.primary=="}, "title": {"job"}, "odd key": {"x"}, "name": {},
			}
		}, wantPaths: []string{"response.fallback_fields.email[1]", "response.fallback_fields.name", "response.fallback_fields.title", `response.fallback_fields["odd key"]`},
			wantMsg: `field "title" is not in fields`},
		{name: "success_path and error_message_path", edit: func(t *Template) {
			t.Response.SuccessPath, t.Response.ErrorMessagePath = "success", "Message"
		}},
		{name: "bad success_path", edit: func(t *Template) {
			t.Response.SuccessPath, t.Response.ErrorMessagePath = "ok[", "errors[0"
		}, wantPaths: []string{"response.error_message_path", "response.success_path"}},
		{name: "error_message_path alone", edit: func(t *Template) { t.Response.ErrorMessagePath = "Message" },
			wantPaths: []string{"response.error_message_path"}, wantMsg: "needs response.success_path"},
		{name: "unparsable records_path", edit: func(t *Template) { t.Response.RecordsPath = "seats[" }, wantPaths: []string{"response.records_path"}},
		{name: "no identity field", edit: func(t *Template) { t.Response.Fields = map[string]string{"name": "login"} }, wantPaths: []string{"response.fields"}},
		{name: "bad time_format", edit: func(t *Template) { t.Response.TimeFormat = "yyyy-mm-dd" }, wantPaths: []string{"response.time_format"}},
		{name: "bad status_values target", edit: func(t *Template) {
			t.Response.Fields["status"] = "state"
			t.Response.StatusValues = map[string]string{"ACTIVE": "enabled"}
		}, wantPaths: []string{`response.status_values["ACTIVE"]`}},
		{name: "bad last_activity_field", edit: func(t *Template) { t.Activity.LastActivityField = "a..[" }, wantPaths: []string{"activity.last_activity_field"}},
		{name: "bad inactive_after", edit: func(t *Template) { t.Activity.InactiveAfter = "30 days" }, wantPaths: []string{"activity.inactive_after"}},
		{name: "bad activity type", edit: func(t *Template) { t.Activity.Type = "audit" }, wantPaths: []string{"activity.type"}},
		{name: "bad rate_limit", edit: func(t *Template) { t.RateLimit = RateLimit{Requests: 0, Per: "1 minute"} }, wantPaths: []string{"rate_limit.per", "rate_limit.requests"}},
		{name: "rate_limit per a day", edit: func(t *Template) { t.RateLimit = RateLimit{Requests: 1000, Per: "1d"} }},
		{name: "rate_limit per zero", edit: func(t *Template) { t.RateLimit = RateLimit{Requests: 1, Per: "0s"} }, wantPaths: []string{"rate_limit.per"}},
		{name: "inactive_after in days and hours", edit: func(t *Template) { t.Activity.InactiveAfter = "1.5d" }},
		{name: "session expires_in in days", edit: func(t *Template) {
			t.Auth = AuthSpec{Method: AuthSession, LoginURL: "https://api.github.com/login", TokenPath: "token", ExpiresIn: "1d"}
		}},
		{name: "session expires_in zero", edit: func(t *Template) {
			t.Auth = AuthSpec{Method: AuthSession, LoginURL: "https://api.github.com/login", TokenPath: "token", ExpiresIn: "0s"}
		}, wantPaths: []string{"auth.expires_in"}, wantMsg: "not a positive duration"},
		{name: "success_path in a header", edit: func(t *Template) {
			t.Response.SuccessPath, t.Response.ErrorMessagePath = "header: X-Ok", "header:X-Error"
		}},
		{name: "success_path header not a token", edit: func(t *Template) { t.Response.SuccessPath = "header:X Ok" },
			wantPaths: []string{"response.success_path"}, wantMsg: "not an RFC 7230 token"},
		{name: "cursor_path in a header", edit: func(t *Template) {
			t.Pagination = paginate.Config{Type: paginate.CursorLimit, CursorField: "after", CursorPath: "header:X-Next-Cursor"}
		}},
		{name: "token_path header with a space", edit: func(t *Template) {
			t.Auth = AuthSpec{Method: AuthSession, LoginURL: "https://api.github.com/login", TokenPath: "header: X-Tok"}
		}},
		{name: "retry_on out of range", edit: func(t *Template) { t.RetryOn = []int{406, 200, 600} }, wantPaths: []string{"retry_on[1]", "retry_on[2]"}},
		{name: "bad support", edit: func(t *Template) { t.Support = "beta" }, wantPaths: []string{"support"}},
		{name: "duplicate and bad setting names", edit: func(t *Template) {
			t.Declared = append(t.Declared, Setting{Name: "org"}, Setting{Name: "9lives"})
		}, wantPaths: []string{"settings[2].name", "settings[3].name"}},
		{name: "secret setting with a default", edit: func(t *Template) { t.Declared = append(t.Declared, Setting{Name: "api_token", Default: "abc"}) }, wantPaths: []string{"settings[2].default"}},
		{name: "userinfo in a default URL", edit: func(t *Template) { t.Declared[1].Default = "https://bob:pw@api.github.com" }, wantPaths: []string{"settings[1].default"}, wantMsg: "credentials in the URL"},
		{name: "placeholder in a default", edit: func(t *Template) { t.Declared[1].Default = "https://{host}" }, wantPaths: []string{"settings[1].default"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tmpl := base()
			tt.edit(&tmpl)
			err := tmpl.Validate()
			if tt.wantPaths == nil {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Equal(t, tt.wantPaths, errorPaths(err), "%v", err)
			if tt.wantMsg != "" {
				assert.ErrorContains(t, err, tt.wantMsg)
			}
		})
	}
}

func TestValidateReportsEverythingAtOnce(t *testing.T) {
	tmpl := Template{Version: 3, Auth: AuthSpec{Method: "magic"}, RetryOn: []int{99}}
	err := tmpl.Validate()
	assert.Equal(t, []string{"auth.method", "request.users_url", "response.fields", "retry_on[0]", "version"}, errorPaths(err))
}

// TestVendorTemplatesValidate parses the embedded vendor templates, when
// present, as a cross-check of the template format.
func TestVendorTemplatesValidate(t *testing.T) {
	files, _ := os.ReadDir("../vendors/templates")
	if len(files) == 0 {
		t.Skip("no vendor templates")
	}
	for _, f := range files {
		t.Run(f.Name(), func(t *testing.T) {
			data, err := os.ReadFile("../vendors/templates/" + f.Name())
			require.NoError(t, err)
			tmpl, err := ParseTemplate(data)
			require.NoError(t, err)
			assert.NoError(t, tmpl.Validate())
		})
	}
}

func TestParseTemplateDescription(t *testing.T) {
	data := strings.Replace(validJSON, `"version": 1,`, `"version": 1, "description": "Seats; last_activity_at needs telemetry.",`, 1)
	tmpl, err := ParseTemplate([]byte(data))
	require.NoError(t, err)
	assert.Equal(t, "Seats; last_activity_at needs telemetry.", tmpl.Description)
	require.NoError(t, tmpl.Validate())
	_, err = ParseTemplate([]byte(strings.Replace(validJSON, `"version": 1,`, `"version": 1, "description": ["a"],`, 1)))
	assert.ErrorContains(t, err, "description")
}
