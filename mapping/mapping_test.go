package mapping

import (
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/saasconnect/saasconnect"
	"github.com/saasconnect/saasconnect/internal/jsonpath"
)

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

func TestMapVendors(t *testing.T) {
	t.Parallel()
	okta := Spec{
		Fields: map[string]string{"id": "id", "email": "profile.email", "first_name": "profile.firstName",
			"last_name": "profile.lastName", "department": "profile.department", "status": "status", "login": "profile.login"},
		StatusValues:      map[string]string{"ACTIVE": "active", "SUSPENDED": "suspended", "DEPROVISIONED": "deprovisioned", "STAGED": "inactive"},
		LastActivityField: "lastLogin",
	}
	graph := Spec{
		Fields: map[string]string{"id": "id", "email": "mail", "name": "displayName", "first_name": "givenName",
			"last_name": "surname", "status": "accountEnabled", "department": "department", "title": "jobTitle", "upn": "userPrincipalName"},
		StatusValues:      map[string]string{"true": "active", "false": "inactive"},
		LastActivityField: "signInActivity.lastSignInDateTime",
	}
	figmaIndex := Spec{Fields: map[string]string{
		"id": "id", "email": "emails[0].value", "name": "displayName", "first_name": "name.givenName", "last_name": "name.familyName",
		"title": "title", "role": "roles[0].value", "status": "active",
		"department": `["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"].department`,
	}, StatusValues: map[string]string{"true": "active", "false": "deprovisioned"}}
	scimFilter := Spec{Fields: map[string]string{"id": "id", "email": "emails[?(@.primary==true)].value", "status": "active"},
		StatusValues: map[string]string{"true": "active", "false": "deprovisioned"}}
	scimWhole := Spec{Fields: map[string]string{"id": "id", "email": "emails"}}

	tests := []struct {
		name, rec string
		spec      Spec
		want      saasconnect.User
	}{
		{"okta", "okta", okta, saasconnect.User{ID: "00u1xke1apZnmHgpB1d7", Email: "ben.richler@example.com", Name: "Ben Richler",
			FirstName: "Ben", LastName: "Richler", Department: "Engineering", Status: saasconnect.StatusActive,
			LastActivity: utc("2022-05-04T19:50:52Z"), Extra: map[string]any{"login": "ben.richler@example.com"}}},
		{"okta null lastLogin, unmapped status", "okta-never", okta, saasconnect.User{ID: "00u269cmneNMFHCH51d7", Email: "janice.benson@gmail.com",
			Name: "Janice Benson", FirstName: "Janice", LastName: "Benson", Department: "Engineering", Status: saasconnect.StatusUnknown,
			Extra: map[string]any{"login": "janice.benson@gmail.com"}}},
		{"graph", "graph", graph, saasconnect.User{ID: "1aecaf40-dc3a-461f-88a8-d06994e12898", Email: "AdeleV@contoso.com", Name: "Adele Vance",
			FirstName: "Adele", LastName: "Vance", Status: saasconnect.StatusActive, Department: "Retail", Title: "Retail Manager",
			LastActivity: utc("2021-06-17T16:41:33Z"), Extra: map[string]any{"upn": "AdeleV@contoso.com"}}},
		{"graph 0001-01-01 is never, boolean false status", "graph-never", graph, saasconnect.User{ID: "f0662ee5-84b1-43d6-8338-769cce1bc141",
			Name: "Alex Wilber", Status: saasconnect.StatusInactive, Extra: map[string]any{"upn": "AlexW@contoso.com"}}},
		{"figma object emails via index", "figma", figmaIndex, saasconnect.User{ID: "974343320676444348", Email: "scimuser@example.com",
			Name: "Scim User", FirstName: "Scim", LastName: "User", Title: "Developer", Role: "Dev", Status: saasconnect.StatusActive,
			Department: "Mobile Engineering"}},
		{"scim array via index", "scim-array", figmaIndex, saasconnect.User{ID: "2819c223", Email: "bjensen@home.example.com",
			Name: "Barbara Jensen", FirstName: "Barbara", LastName: "Jensen", Status: saasconnect.StatusDeprovisioned}},
		{"scim array via primary filter", "scim-array", scimFilter, saasconnect.User{ID: "2819c223", Email: "bjensen@example.com",
			Status: saasconnect.StatusDeprovisioned}},
		{"scim whole emails array takes primary value", "scim-array", scimWhole, saasconnect.User{ID: "2819c223", Email: "bjensen@example.com"}},
		{"figma whole emails object takes value", "figma", scimWhole, saasconnect.User{ID: "974343320676444348", Email: "scimuser@example.com"}},
		{"practitest attributes", "practitest", Spec{Fields: map[string]string{"id": "id", "email": "attributes.email",
			"name": "attributes.display-name", "first_name": "attributes.first-name", "last_name": "attributes.last-name",
			"time_zone": "attributes.time-zone"}},
			saasconnect.User{ID: "538724", Email: "monica@gmail.com", Name: "monica@gmail.com", Extra: map[string]any{"time_zone": "UTC"}}},
		{"workfront layout auto-detected", "workfront", Spec{Fields: map[string]string{"id": "ID", "email": "emailAddr", "name": "name",
			"first_name": "firstName", "title": "title", "status": "isActive", "access_level": "accessLevelID"},
			StatusValues: map[string]string{"true": "active", "false": "inactive"}, LastActivityField: "lastLoginDate"},
			saasconnect.User{ID: "4c7c9a1e0000d7ea1e8b7a2b2a3f2b1c", Email: "ann.lee@example.com", Name: "Ann Lee", FirstName: "Ann",
				Title: "Producer", Status: saasconnect.StatusActive, LastActivity: utc("2010-08-30T15:00:00Z"),
				Extra: map[string]any{"access_level": "6e9e"}}},
		{"workfront explicit layout", "workfront", Spec{Fields: map[string]string{"email": "emailAddr"},
			TimeFormat: "2006-01-02T15:04:05:000-0700", LastActivityField: "lastLoginDate"},
			saasconnect.User{Email: "ann.lee@example.com", LastActivity: utc("2010-08-30T15:00:00Z")}},
		{"namely epoch seconds, status names", "namely", Spec{Fields: map[string]string{"id": "id", "email": "email",
			"first_name": "first_name", "last_name": "last_name", "title": "job_title.title", "status": "user_status",
			"department": "links.groups[0].name"}, LastActivityField: "updated_at"},
			saasconnect.User{ID: "20332458-c1fe-412f-bcb8-01622f04a35d", Email: "leighton@example.com", Name: "Leighton Meester",
				FirstName: "Leighton", LastName: "Meester", Title: "VP, Client Services", Status: saasconnect.StatusActive,
				Department: "Account Management", LastActivity: time.Unix(1415905802, 0).UTC()}},
		{"namely explicit unix", "namely", Spec{Fields: map[string]string{"email": "email"}, TimeFormat: "unix", LastActivityField: "created_at"},
			saasconnect.User{Email: "leighton@example.com", LastActivity: time.Unix(1400611216, 0).UTC()}},
		{"copilot nested identity, numeric id", "copilot", Spec{Fields: map[string]string{"id": "assignee.id", "name": "assignee.login",
			"email": "assignee.email", "plan": "plan_type"}, LastActivityField: "last_activity_at"},
			saasconnect.User{ID: "1", Name: "octocat", LastActivity: utc("2021-10-14T06:53:32Z"), Extra: map[string]any{"plan": "business"}}},
		{"copilot null last_activity_at", "copilot-null", Spec{Fields: map[string]string{"id": "assignee.id", "name": "assignee.login"},
			LastActivityField: "last_activity_at"}, saasconnect.User{ID: "2", Name: "octokitten"}},
		{"cyberark row, /Date()/", "cyberark", Spec{Fields: map[string]string{"id": "Row.ID", "email": "Row.Email", "name": "Row.DisplayName",
			"status": "Row.Status"}, LastActivityField: "Row.LastLogin"},
			saasconnect.User{ID: "c2c7bcc6-9560-44e0-8dff-5be221cd37ee", Email: "jdoe@example.com", Name: "John Doe",
				Status: saasconnect.StatusActive, LastActivity: time.UnixMilli(1600000000000).UTC()}},
		{"smartsheet big numeric id exact", "smartsheet", Spec{Fields: map[string]string{"id": "id", "email": "email", "status": "status",
			"admin": "admin"}, StatusValues: map[string]string{"active": "active", "PENDING": "inactive"}, LastActivityField: "lastLogin"},
			saasconnect.User{ID: "94094820842", Email: "john.doe@smartsheet.com", Name: "", Status: saasconnect.StatusActive,
				LastActivity: utc("2016-08-15T18:32:47Z"), Extra: map[string]any{"admin": true}}},
		{"webex emails string array, string booleans", "webex", Spec{Fields: map[string]string{"id": "id", "email": "emails",
			"status": "loginEnabled"}, StatusValues: map[string]string{"true": "active", "false": "suspended"}, LastActivityField: "lastActivity"},
			saasconnect.User{ID: "Y2lzY29zcGFyazovL3VzL1BFT1BMRS9mNWIzNjE4Ny1jOGRkLTQ3MjctOGIyZi1mOWM0NDdmMjkwNDY", Email: "john.andersen@example.com",
				Status: saasconnect.StatusActive, LastActivity: utc("2015-10-18T14:26:16.028Z")}},
		{"jsonpath wildcard takes first match", "webex", Spec{Fields: map[string]string{"email": "$.emails[*]", "roles": "roles[*]"},
			LastActivityField: "$..lastActivity"},
			saasconnect.User{Email: "john.andersen@example.com", LastActivity: utc("2015-10-18T14:26:16.028Z"),
				Extra: map[string]any{"roles": []any{"Y2lzY29zcGFyazovL3VzL1JPTEUvOTZhYmMyYWEtM2RjYy0xMWU1LWExNTItZmUzNDgxOWNkYzlh"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Compile(tt.spec)
			if err != nil {
				t.Fatalf("Compile: %v", err)
			}
			got, err := m.Map(record(t, tt.rec))
			if err != nil {
				t.Fatalf("Map: %v", err)
			}
			if tt.want.Name == "" && got.Name != "" && tt.spec.Fields["name"] == "" && got.FirstName == "" {
				t.Errorf("unexpected name %q", got.Name)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Map (-want +got):\n%s", diff)
			}
			if loc := got.LastActivity.Location(); !got.LastActivity.IsZero() && loc != time.UTC {
				t.Errorf("LastActivity in %v, want UTC", loc)
			}
		})
	}
}

func TestMapCoercion(t *testing.T) {
	t.Parallel()
	m := MustCompile(Spec{Fields: map[string]string{"id": "id", "email": "email", "name": "name", "role": "role", "x": "x"}})
	tests := []struct {
		name string
		rec  any
		want saasconnect.User
	}{
		{"json.Number stays exact", decodeJSON(t, `{"id":12345678901234567}`), saasconnect.User{ID: "12345678901234567"}},
		{"float64 integral without exponent", map[string]any{"id": 1e6}, saasconnect.User{ID: "1000000"}},
		{"float64 large integral", map[string]any{"id": float64(94094820842)}, saasconnect.User{ID: "94094820842"}},
		{"float64 fraction shortest", map[string]any{"id": 0.1}, saasconnect.User{ID: "0.1"}},
		{"float64 huge", map[string]any{"id": 1e22}, saasconnect.User{ID: "10000000000000000000000"}},
		{"bool", map[string]any{"id": true, "role": false}, saasconnect.User{ID: "true", Role: "false"}},
		{"ints", map[string]any{"id": 7, "role": int64(8)}, saasconnect.User{ID: "7", Role: "8"}},
		{"spaces trimmed", map[string]any{"email": "  a@b.c \n"}, saasconnect.User{Email: "a@b.c"}},
		{"array first non-null", map[string]any{"id": "1", "role": []any{nil, "admin", "user"}}, saasconnect.User{ID: "1", Role: "admin"}},
		{"empty array is empty", map[string]any{"id": "1", "role": []any{}}, saasconnect.User{ID: "1"}},
		{"null is empty", map[string]any{"id": "1", "name": nil, "x": nil}, saasconnect.User{ID: "1"}},
		{"scim value object", map[string]any{"id": "1", "role": map[string]any{"value": "Dev", "type": "seat"}}, saasconnect.User{ID: "1", Role: "Dev"}},
		{"extra keeps decoded value", decodeJSON(t, `{"id":"1","x":{"a":[1]}}`), saasconnect.User{ID: "1",
			Extra: map[string]any{"x": map[string]any{"a": []any{json.Number("1")}}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := m.Map(tt.rec)
			if err != nil {
				t.Fatalf("Map: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Map (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMapStatus(t *testing.T) {
	t.Parallel()
	byName := MustCompile(Spec{Fields: map[string]string{"id": "id", "status": "s"}})
	byValues := MustCompile(Spec{Fields: map[string]string{"id": "id", "status": "s"},
		StatusValues: map[string]string{"ACTIVE": "active", "Locked_Out": "suspended", "true": "active", "false": "inactive", "1": "active", "0": "deprovisioned"}})
	tests := []struct {
		m    *Mapper
		v    any
		want saasconnect.Status
	}{
		{byName, "Active", saasconnect.StatusActive},
		{byName, "SUSPENDED", saasconnect.StatusSuspended},
		{byName, "deprovisioned", saasconnect.StatusDeprovisioned},
		{byName, "pending", saasconnect.StatusPending},
		{byName, "invited", saasconnect.StatusUnknown},
		{byName, true, saasconnect.StatusUnknown},
		{byName, nil, saasconnect.StatusUnknown},
		{byValues, "ACTIVE", saasconnect.StatusActive},
		{byValues, "active", saasconnect.StatusActive}, // case-insensitive fallback
		{byValues, "LOCKED_OUT", saasconnect.StatusSuspended},
		{byValues, "STAGED", saasconnect.StatusUnknown},
		{byValues, true, saasconnect.StatusActive},
		{byValues, false, saasconnect.StatusInactive},
		{byValues, "true", saasconnect.StatusActive},
		{byValues, json.Number("1"), saasconnect.StatusActive},
		{byValues, float64(0), saasconnect.StatusDeprovisioned},
		{byValues, []any{"ACTIVE"}, saasconnect.StatusActive},
		{byValues, map[string]any{"a": 1}, saasconnect.StatusUnknown},
	}
	for _, tt := range tests {
		u, err := tt.m.Map(map[string]any{"id": "1", "s": tt.v})
		if err != nil {
			t.Fatalf("Map(%v): %v", tt.v, err)
		}
		if u.Status != tt.want {
			t.Errorf("status %#v => %q, want %q", tt.v, u.Status, tt.want)
		}
	}
	u, err := MustCompile(Spec{Fields: map[string]string{"id": "id"}}).Map(map[string]any{"id": "1", "status": "active"})
	if err != nil || u.Status != "" {
		t.Errorf("unmapped status = %q, %v; want empty", u.Status, err)
	}
	u, _ = byName.Map(map[string]any{"id": "1"})
	if u.Status != saasconnect.StatusUnknown {
		t.Errorf("absent status = %q, want unknown", u.Status)
	}
}

func TestMapErrors(t *testing.T) {
	t.Parallel()
	m := MustCompile(Spec{Fields: map[string]string{"id": "id", "email": "profile.email", "title": "title"},
		LastActivityField: "lastLogin"})
	tests := []struct {
		name    string
		rec     string
		is      error
		field   string
		path    string
		message string
	}{
		{"no identity", `{"profile":{"email":""},"title":"x"}`, ErrMissingIdentity, "email", "profile.email", `id path "id"`},
		{"null identity", `{"id":null,"profile":null}`, ErrMissingIdentity, "email", "profile.email", "no email and no id"},
		{"object for a string field", `{"id":"1","title":{"id":"t","title":"VP"}}`, nil, "title", "title", "got an object with keys [id title]"},
		{"bad time", `{"id":"1","lastLogin":"yesterday"}`, ErrTime, "last_activity", "lastLogin", `"yesterday"`},
		{"time of wrong type", `{"id":"1","lastLogin":true}`, ErrTime, "last_activity", "lastLogin", "bool"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := m.Map(decodeJSON(t, tt.rec))
			if err == nil {
				t.Fatalf("Map = %+v, want error", u)
			}
			if !cmp.Equal(u, saasconnect.User{}) {
				t.Errorf("user on error = %+v, want zero", u)
			}
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field != tt.field || fe.Path != tt.path {
				t.Fatalf("error %v: want *FieldError for %s at %s", err, tt.field, tt.path)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error %v is not %v", err, tt.is)
			}
			if !strings.Contains(err.Error(), tt.message) || !strings.Contains(err.Error(), tt.path) {
				t.Errorf("error %q lacks %q or the path", err, tt.message)
			}
		})
	}
	// Only id mapped: the error names the id field.
	_, err := MustCompile(Spec{Fields: map[string]string{"id": "id"}}).Map(map[string]any{})
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Field != "id" || !errors.Is(err, ErrMissingIdentity) {
		t.Errorf("id-only spec: %v", err)
	}
	// Not a JSON object at all.
	if _, err := m.Map("just a string"); !errors.Is(err, ErrMissingIdentity) {
		t.Errorf("scalar record: %v", err)
	}
}

func TestCompileErrors(t *testing.T) {
	t.Parallel()
	spec := Spec{
		Fields: map[string]string{
			"id": "id", "email": "emails[0", "name": "a b", "dept": "x..y*", "empty": " ", "": "x",
			"last_activity": "l1",
		},
		StatusValues:      map[string]string{"A": "active", "B": "gone"},
		TimeFormat:        "yesterday",
		LastActivityField: "l2",
	}
	_, err := Compile(spec)
	got := fieldErrorLocs(t, err)
	want := []fieldErrorLoc{
		{"email", "emails[0", 6},
		{"name", "a b", 1},
		{"", "x", -1},
		{"dept", "x..y*", 4},
		{"empty", " ", -1},
		{"last_activity", "l1", -1},
		{"time_format", "", -1},
		{`status_values["B"]`, "", -1},
		{"status_values", "", -1},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("errors (-want +got):\n%s\nfull error:\n%v", diff, err)
	}
	for _, s := range []string{`field "email" path "emails[0" at offset 6: unterminated '['`, `unknown status "gone"`, `time_format "yesterday"`} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error text lacks %q:\n%v", s, err)
		}
	}

	_, err = Compile(Spec{Fields: map[string]string{"name": "n"}})
	if !errors.Is(err, ErrNoIdentityField) {
		t.Errorf("no identity field: %v", err)
	}
	_, err = Compile(Spec{Fields: map[string]string{"id": "id"}, LastActivityField: "a["})
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Field != "last_activity_field" || fe.Offset != 1 {
		t.Errorf("bad last_activity_field: %v", err)
	}
	defer func() {
		if recover() == nil {
			t.Error("MustCompile did not panic")
		}
	}()
	MustCompile(Spec{})
}

func TestLastActivityAlias(t *testing.T) {
	t.Parallel()
	m := MustCompile(Spec{Fields: map[string]string{"id": "id", "last_activity": "seen"}})
	if !m.ReportsActivity() {
		t.Fatal("alias not used")
	}
	u, err := m.Map(map[string]any{"id": "1", "seen": "2024-01-02"})
	if err != nil || !u.LastActivity.Equal(utc("2024-01-02T00:00:00Z")) || u.Extra != nil {
		t.Errorf("Map = %+v, %v", u, err)
	}
	if MustCompile(Spec{Fields: map[string]string{"id": "id"}}).ReportsActivity() {
		t.Error("ReportsActivity without a path")
	}
}

func TestPaths(t *testing.T) {
	t.Parallel()
	m := MustCompile(Spec{Fields: map[string]string{"zeta": "z", "email": "e", "id": "i", "alpha": "a", "status": "s"},
		StatusValues: map[string]string{"x": "active"}, LastActivityField: "l"})
	var got []string
	for _, p := range m.Paths() {
		got = append(got, p.String())
	}
	if diff := cmp.Diff([]string{"i", "e", "s", "a", "z", "l"}, got); diff != "" {
		t.Errorf("Paths (-want +got):\n%s", diff)
	}
	var _ []*jsonpath.Path = m.Paths()
}

func TestMapConcurrent(t *testing.T) {
	t.Parallel()
	m := MustCompile(Spec{Fields: map[string]string{"id": "id", "email": "profile.email", "login": "profile.login", "status": "status"},
		StatusValues: map[string]string{"ACTIVE": "active"}, LastActivityField: "lastLogin"})
	rec := record(t, "okta")
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 200 {
				if u, err := m.Map(rec); err != nil || u.Email == "" {
					t.Errorf("Map = %+v, %v", u, err)
					return
				}
			}
		})
	}
	wg.Wait()
}

// fieldErrorLoc is where a *FieldError from Compile points.
type fieldErrorLoc struct {
	Field, Path string
	Offset      int
}

// fieldErrorLocs unpacks Compile's joined error into the location of each
// *FieldError, failing the test on a nil error or any other error type.
func fieldErrorLocs(t *testing.T, err error) []fieldErrorLoc {
	t.Helper()
	if err == nil {
		t.Fatal("Compile succeeded")
	}
	var got []fieldErrorLoc
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		var fe *FieldError
		if !errors.As(e, &fe) {
			t.Fatalf("%v is not a *FieldError", e)
		}
		got = append(got, fieldErrorLoc{fe.Field, fe.Path, fe.Offset})
	}
	return got
}
