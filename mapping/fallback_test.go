package mapping

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/saasconnect/saasconnect"
)

// graphSpec maps Microsoft Graph users: email is mail, else the UPN, else
// the first of otherMails.
var graphSpec = Spec{
	Fields: map[string]string{"id": "id", "email": "mail", "name": "displayName", "status": "accountEnabled",
		"upn": "userPrincipalName", "phone": "businessPhones[*]", "nick": "nickname"},
	Fallbacks: map[string][]string{
		"email":  {"userPrincipalName", "otherMails[0]"},
		"name":   {"$.identities[?(@.signInType=='userName')].issuerAssignedId"},
		"status": {"enabled"},
		"phone":  {"mobilePhone"},
		"nick":   {"alias"},
	},
	StatusValues: map[string]string{"true": "active", "false": "suspended"},
}

func TestFallbacks(t *testing.T) {
	t.Parallel()
	m := MustCompile(graphSpec)
	tests := []struct {
		name string
		rec  string
		want saasconnect.User
	}{
		{name: "primary wins", rec: `{"id":"1","mail":"a@x.com","userPrincipalName":"a@x.onmicrosoft.com","accountEnabled":true}`,
			want: saasconnect.User{ID: "1", Email: "a@x.com", Status: saasconnect.StatusActive, Extra: map[string]any{"upn": "a@x.onmicrosoft.com"}}},
		{name: "null falls back", rec: `{"id":"1","mail":null,"userPrincipalName":"room@x.onmicrosoft.com","accountEnabled":true}`,
			want: saasconnect.User{ID: "1", Email: "room@x.onmicrosoft.com", Status: saasconnect.StatusActive, Extra: map[string]any{"upn": "room@x.onmicrosoft.com"}}},
		{name: "absent falls back", rec: `{"id":"1","userPrincipalName":"u@x.com","accountEnabled":false}`,
			want: saasconnect.User{ID: "1", Email: "u@x.com", Status: saasconnect.StatusSuspended, Extra: map[string]any{"upn": "u@x.com"}}},
		{name: "empty and blank strings fall back", rec: `{"id":"1","mail":"  ","userPrincipalName":"","otherMails":["o@y.com"],"accountEnabled":true}`,
			want: saasconnect.User{ID: "1", Email: "o@y.com", Status: saasconnect.StatusActive, Extra: map[string]any{"upn": ""}}},
		{name: "nothing anywhere leaves the field empty", rec: `{"id":"1","mail":"","otherMails":[]}`,
			want: saasconnect.User{ID: "1", Status: saasconnect.StatusUnknown}},
		{name: "status falls back to another key", rec: `{"id":"1","mail":"a@x.com","enabled":false}`,
			want: saasconnect.User{ID: "1", Email: "a@x.com", Status: saasconnect.StatusSuspended}},
		{name: "false is a value, not a gap", rec: `{"id":"1","mail":"a@x.com","accountEnabled":false,"enabled":true}`,
			want: saasconnect.User{ID: "1", Email: "a@x.com", Status: saasconnect.StatusSuspended}},
		{name: "JSONPath filter fallback", rec: `{"id":"1","mail":"a@x.com","identities":[{"signInType":"emailAddress","issuerAssignedId":"a@x.com"},{"signInType":"userName","issuerAssignedId":"ann"}]}`,
			want: saasconnect.User{ID: "1", Email: "a@x.com", Name: "ann", Status: saasconnect.StatusUnknown}},
		{name: "empty wildcard result falls back (extra)", rec: `{"id":"1","mail":"a@x.com","businessPhones":[],"mobilePhone":"+1 555"}`,
			want: saasconnect.User{ID: "1", Email: "a@x.com", Status: saasconnect.StatusUnknown, Extra: map[string]any{"phone": "+1 555"}}},
		{name: "primary's empty value kept when no fallback has one (extra)", rec: `{"id":"1","mail":"a@x.com","nickname":"","alias":null}`,
			want: saasconnect.User{ID: "1", Email: "a@x.com", Status: saasconnect.StatusUnknown, Extra: map[string]any{"nick": ""}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var rec any
			dec := json.NewDecoder(strings.NewReader(tt.rec))
			dec.UseNumber()
			if err := dec.Decode(&rec); err != nil {
				t.Fatal(err)
			}
			got, err := m.Map(rec)
			if err != nil {
				t.Fatalf("Map: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Map (-want +got):\n%s", diff)
			}
		})
	}
}

// TestFallbackBadValue: a value that cannot be used names the path it came
// from, the fallback's.
func TestFallbackBadValue(t *testing.T) {
	t.Parallel()
	m := MustCompile(Spec{Fields: map[string]string{"id": "id", "email": "mail"}, Fallbacks: map[string][]string{"email": {"upn"}}})
	_, err := m.Map(map[string]any{"id": "1", "upn": map[string]any{"a": "b"}})
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Field != "email" || fe.Path != "upn" {
		t.Errorf("Map error = %v, want field email path upn", err)
	}
}

func TestFallbackCompileErrors(t *testing.T) {
	t.Parallel()
	_, err := Compile(Spec{
		Fields: map[string]string{"id": "id", "email": "mail", "odd key": "x", "bad": "b[", "title": "jobTitle"},
		Fallbacks: map[string][]string{
			"email":         {"upn", "emails[0", " "},
			"name":          {"displayName"},
			"odd key":       {"y["},
			"last_activity": {"seen"},
			"title":         {},
			"bad":           {"c"},
		},
	})
	got := fieldErrorLocs(t, err)
	want := []fieldErrorLoc{
		{"bad", "b[", 1},
		{"fallbacks.email[1]", "emails[0", 6},
		{"fallbacks.email[2]", " ", -1},
		{"fallbacks.last_activity", "", -1},
		{"fallbacks.name", "", -1},
		{`fallbacks["odd key"][0]`, "y[", 1},
		{"fallbacks.title", "", -1},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("errors (-want +got):\n%s\nfull error:\n%v", diff, err)
	}
	for _, s := range []string{`field "fallbacks.name": field "name" is not in fields`, `field "fallbacks.title": empty list`} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error text lacks %q:\n%v", s, err)
		}
	}
}

func TestFallbackPaths(t *testing.T) {
	t.Parallel()
	m := MustCompile(Spec{Fields: map[string]string{"id": "id", "email": "mail", "x": "x"},
		Fallbacks: map[string][]string{"email": {"upn", "alt"}}, LastActivityField: "seen"})
	var got []string
	for _, p := range m.Paths() {
		got = append(got, p.String())
	}
	if diff := cmp.Diff([]string{"id", "mail", "upn", "alt", "x", "seen"}, got); diff != "" {
		t.Errorf("Paths (-want +got):\n%s", diff)
	}
}

// TestFallbackAllocs: fallbacks cost no allocation, whether unused, given
// but not needed, or taken (simple paths).
func TestFallbackAllocs(t *testing.T) {
	fields := map[string]string{"id": "id", "email": "mail", "name": "displayName"}
	rec := map[string]any{"id": "1", "mail": nil, "userPrincipalName": "u@x.com", "displayName": "U"}
	plain := MustCompile(Spec{Fields: fields})
	notNeeded := MustCompile(Spec{Fields: fields, Fallbacks: map[string][]string{"name": {"userPrincipalName"}}})
	taken := MustCompile(Spec{Fields: fields, Fallbacks: map[string][]string{"email": {"userPrincipalName"}}})
	allocs := func(m *Mapper) float64 {
		return testing.AllocsPerRun(100, func() {
			if _, err := m.Map(rec); err != nil {
				t.Fatal(err)
			}
		})
	}
	base := allocs(plain)
	if a := allocs(notNeeded); a != base {
		t.Errorf("fallbacks given but not needed: %v allocs per Map, want %v (as without)", a, base)
	}
	if a := allocs(taken); a != base {
		t.Errorf("fallback taken: %v allocs per Map, want %v (as without)", a, base)
	}
	if u, _ := taken.Map(rec); u.Email != "u@x.com" {
		t.Errorf("Email = %q", u.Email)
	}
}
