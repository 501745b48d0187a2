package connector

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saasconnect/saasconnect"
	"github.com/saasconnect/saasconnect/filter"
	"github.com/saasconnect/saasconnect/mapping"
)

// langTemplate uses the template language's value tables, never values,
// declared time formats, pending status and filter groups end to end.
const langTemplate = `{
  "version": 1,
  "name": "Zoomish",
  "settings": [{"name": "base_url"}],
  "request": {"users_url": "{base_url}/v2/users"},
  "response": {
    "records_path": "users",
    "fields": {"id": "id", "email": "email", "status": "status", "role": "type", "license": "type"},
    "value_maps": {"role": {"1": "basic", "2": "licensed", "3": "on_prem"}, "license": {"1": "basic", "*": "paid"}},
    "status_values": {"active": "active", "inactive": "suspended", "pending": "pending"},
    "time_format": "%s"
  },
  "filters": [
    {"not": {"any": [{"field": "is_bot", "operator": "equal", "value": true}, {"field": "flags.platform_only", "operator": "exists"}]}},
    {"field": "email", "operator": "matches", "value": "^[^@]+@example\\.(com|org)$"},
    {"field": "email", "operator": "not_contains", "value": "+test"},
    {"any": [{"field": "dept", "operator": "starts_with", "value": "Eng"}, {"field": "email", "operator": "ends_with", "value": ".com"}]}
  ],
  "activity": {"last_activity_field": "last_login", "never_values": ["%s"]}
}`

func serveUsers(t *testing.T, body string) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v2/users", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, body)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestTemplateLanguageEndToEnd(t *testing.T) {
	tests := []struct {
		name   string
		format string
		never  string
		login  [4]string // JSON values of last_login for ana, ben, cy, dee
		want   [4]time.Time
	}{
		{"unix_ms", "unix_ms", "1970-01-01T00:00:00.000Z",
			[4]string{"1763640000000", "0", `"1600000000000"`, "null"},
			[4]time.Time{time.Date(2025, 11, 20, 12, 0, 0, 0, time.UTC), {}, time.Date(2020, 9, 13, 12, 26, 40, 0, time.UTC), {}}},
		{"unix", "unix", "1999-12-31T23:59:59Z",
			[4]string{"1763640000", "946684799", `"1600000000.5"`, `""`},
			[4]time.Time{time.Date(2025, 11, 20, 12, 0, 0, 0, time.UTC), {}, time.Date(2020, 9, 13, 12, 26, 40, 5e8, time.UTC), {}}},
		{"dotnet", "dotnet", "/Date(-62135596800001)/",
			[4]string{`"/Date(1763640000000)/"`, `"/Date(-62135596800001)/"`, `"/Date(1600000000000+0100)/"`, `"/Date(0)/"`},
			[4]time.Time{time.Date(2025, 11, 20, 12, 0, 0, 0, time.UTC), {}, time.Date(2020, 9, 13, 12, 26, 40, 0, time.UTC), {}}},
		{"rfc3339 with the Google sentinel", "rfc3339", "1970-01-01T00:00:00.000Z",
			[4]string{`"2025-11-20T13:00:00+01:00"`, `"1970-01-01T00:00:00.000Z"`, `"2020-09-13T12:26:40Z"`, `"0001-01-01T00:00:00Z"`},
			[4]time.Time{time.Date(2025, 11, 20, 12, 0, 0, 0, time.UTC), {}, time.Date(2020, 9, 13, 12, 26, 40, 0, time.UTC), {}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			body := fmt.Sprintf(`{"users":[
  {"id":"1","email":"ana@example.com","status":"active","type":1,"dept":"Sales","last_login":%s},
  {"id":"2","email":"ben@example.org","status":"pending","type":2,"dept":"Engineering","last_login":%s},
  {"id":"3","email":"cy@example.com","status":"inactive","type":3,"last_login":%s},
  {"id":"4","email":"dee@example.com","status":"pending","type":2.0,"last_login":%s},
  {"id":"5","email":"bot@example.com","status":"active","type":1,"is_bot":true,"last_login":null},
  {"id":"6","email":"app@example.com","status":"active","type":1,"flags":{"platform_only":false},"last_login":null},
  {"id":"7","email":"eve+test@example.com","status":"active","type":1,"last_login":null},
  {"id":"8","email":"fay@example.net","status":"active","type":1,"last_login":null},
  {"id":"9","email":"gus@example.org","status":"active","type":1,"dept":"Support","last_login":null}
]}`, tc.login[0], tc.login[1], tc.login[2], tc.login[3])
			srv := serveUsers(t, body)
			tmpl, err := ParseTemplate(fmt.Appendf(nil, langTemplate, tc.format, tc.never))
			require.NoError(t, err)
			c, err := New(tmpl, "zoomish", Settings{"base_url": srv.URL}, WithClock(clock))
			require.NoError(t, err)
			users, rep, err := collect(t, c, t.Context())
			require.NoError(t, err)

			assert.Equal(t, []string{"1", "2", "3", "4"}, ids(users))
			assert.Equal(t, 9, rep.Seen)
			assert.Equal(t, 5, rep.Filtered, "bot, platform-only, +test, .net and a non-Eng .org are filtered")
			assert.Equal(t, map[saasconnect.Status]int{saasconnect.StatusActive: 1, saasconnect.StatusPending: 2, saasconnect.StatusSuspended: 1}, rep.Statuses)
			wantRoles := []string{"basic", "licensed", "on_prem", "licensed"}
			wantLicense := []any{"basic", "paid", "paid", "paid"}
			wantStatus := []saasconnect.Status{saasconnect.StatusActive, saasconnect.StatusPending, saasconnect.StatusSuspended, saasconnect.StatusPending}
			for i, u := range users {
				assert.Equal(t, wantRoles[i], u.Role, "user %s role", u.ID)
				assert.Equal(t, wantLicense[i], u.Extra["license"], "user %s license", u.ID)
				assert.Equal(t, wantStatus[i], u.Status, "user %s status", u.ID)
				assert.True(t, tc.want[i].Equal(u.LastActivity), "user %s last activity = %v, want %v", u.ID, u.LastActivity, tc.want[i])
				if tc.want[i].IsZero() {
					assert.Equal(t, saasconnect.ActivityNever, u.Activity, "user %s", u.ID)
				}
			}
			assert.Equal(t, 2, rep.Activity.Never)
		})
	}
}

// TestDeclaredTimeFormatMismatch checks that a value that does not match the
// declared time format is a record error naming the field, not a guess.
func TestDeclaredTimeFormatMismatch(t *testing.T) {
	srv := serveUsers(t, `{"users":[
  {"id":"1","email":"ana@example.com","status":"active","type":1,"dept":"Eng","last_login":"2025-11-20T12:00:00Z"},
  {"id":"2","email":"ben@example.com","status":"active","type":1,"dept":"Eng","last_login":1763640000000}
]}`)
	tmpl, err := ParseTemplate(fmt.Appendf(nil, langTemplate, "unix_ms", "1970-01-01T00:00:00Z"))
	require.NoError(t, err)
	c, err := New(tmpl, "zoomish", Settings{"base_url": srv.URL}, WithClock(clock))
	require.NoError(t, err)
	users, rep, err := collect(t, c, t.Context())
	require.Error(t, err)
	assert.Equal(t, Partial, rep.Status)
	assert.Equal(t, []string{"2"}, ids(users))
	require.Len(t, rep.RecordErrors, 1)
	assert.ErrorIs(t, rep.RecordErrors[0], mapping.ErrTime)
	assert.Contains(t, rep.RecordErrors[0].Error(), `page 1, record 0: mapping: field "last_activity" path "last_login"`)
}

func TestTemplateLanguageValidation(t *testing.T) {
	tmpl, err := ParseTemplate(fmt.Appendf(nil, langTemplate, "unix_ms", "1970-01-01T00:00:00.000Z"))
	require.NoError(t, err)
	require.NoError(t, tmpl.Validate())

	tmpl.Activity.NeverValues = []string{"1970-01-01T00:00:00Z", "never"}
	tmpl.Response.ValueMaps["status"] = map[string]string{"1": "active"}
	tmpl.Response.ValueMaps["seat"] = map[string]string{"1": "x"}
	tmpl.Response.TimeFormat = "dotnet"
	tmpl.Filters[0].Not.Any[1].Operator = "matches"
	tmpl.Filters[0].Not.Any[1].Value = "(unclosed"
	tmpl.Filters[1].Value = strings.Repeat("a", 1025)
	tmpl.Filters[3].Any = []filter.Condition{} // "any": []
	err = tmpl.Validate()
	assert.Equal(t, []string{"activity.never_values[1]", "filters[0].not.any[1].value", "filters[1].value", "filters[3].any",
		"response.value_maps.seat", "response.value_maps.status"}, errorPaths(err), "%v", err)
	for _, want := range []string{
		`activity.never_values[1]: not a time: mapping: unrecognised time value: "never"`,
		"filters[0].not.any[1].value: invalid regular expression",
		"filters[1].value: regular expression is 1025 bytes long, more than the 1024 allowed",
		"response.value_maps.status: status has its own table: use status_values",
		"filters[3].any: any needs at least one condition",
	} {
		assert.ErrorContains(t, err, want)
	}
	_, err = New(tmpl, "zoomish", Settings{"base_url": "http://127.0.0.1:1"})
	assert.ErrorContains(t, err, "filters[1].value")

	var te *TemplateError
	_, err = ParseTemplate([]byte(`{"version":1,"filters":[{"any":[{"feild":"x"}]}]}`))
	require.ErrorAs(t, err, &te)
	assert.Equal(t, "filters[0].any[0].feild", te.Path)
}
