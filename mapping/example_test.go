package mapping_test

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/saasconnect/saasconnect/mapping"
)

// decode decodes one record the way connectors do.
func decode(s string) any {
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		panic(err)
	}
	return v
}

func Example() {
	// An Okta user (trimmed from Okta's API spec).
	rec := decode(`{"id":"00u1xke1apZnmHgpB1d7","status":"SUSPENDED","lastLogin":"2022-05-04T19:50:52.000Z",
		"profile":{"firstName":"Ben","lastName":"Richler","department":"Engineering","email":"ben.richler@example.com"}}`)

	m, err := mapping.Compile(mapping.Spec{
		Fields: map[string]string{
			"id": "id", "email": "profile.email", "first_name": "profile.firstName",
			"last_name": "profile.lastName", "department": "profile.department", "status": "status",
		},
		StatusValues:      map[string]string{"ACTIVE": "active", "SUSPENDED": "suspended"},
		LastActivityField: "lastLogin",
	})
	if err != nil {
		panic(err)
	}
	u, err := m.Map(rec)
	if err != nil {
		panic(err)
	}
	fmt.Println(u.ID, u.Email, u.Name, u.Department, u.Status, u.LastActivity)
	// Output:
	// 00u1xke1apZnmHgpB1d7 ben.richler@example.com Ben Richler Engineering suspended 2022-05-04 19:50:52 +0000 UTC
}

func ExampleCompile_errors() {
	_, err := mapping.Compile(mapping.Spec{
		Fields:       map[string]string{"id": "id", "email": "emails[0", "name": "display name"},
		StatusValues: map[string]string{"on": "enabled"},
	})
	fmt.Println(err)
	// Output:
	// mapping: field "email" path "emails[0" at offset 6: unterminated '['
	// mapping: field "name" path "display name" at offset 7: unexpected ' ' in key (use a bracket key like ["a b"])
	// mapping: field "status_values[\"on\"]": saasconnect: unknown status "enabled" (want one of active, pending, inactive, suspended, deprovisioned, unknown)
	// mapping: field "status_values": status_values given but fields has no status path
}

func ExampleMapper_Map_scim() {
	// SCIM emails: the first element whose primary is true.
	m := mapping.MustCompile(mapping.Spec{Fields: map[string]string{
		"id": "id", "email": "emails[?(@.primary==true)].value",
	}})
	u, _ := m.Map(decode(`{"id":"2819c223","emails":[
		{"value":"bjensen@home.example.com","type":"home"},
		{"value":"bjensen@example.com","type":"work","primary":true}]}`))
	fmt.Println(u.Email)

	// A record without email and id is an error, not an empty user.
	_, err := m.Map(decode(`{"emails":[]}`))
	fmt.Println(err)
	// Output:
	// bjensen@example.com
	// mapping: field "email" path "emails[?(@.primary==true)].value": mapping: record has no email and no id (id path "id" is empty too)
}

func ExampleParseTime() {
	for _, v := range []any{
		"2010-08-30T09:00:00:000-0600", // Workfront
		json.Number("1415905802"),      // Namely, epoch seconds
		"0001-01-01T00:00:00Z",         // Graph: never
		nil,                            // GitHub: null
	} {
		t, never, err := mapping.ParseTime(v, "")
		fmt.Println(t, never, err)
	}
	// Output:
	// 2010-08-30 15:00:00 +0000 UTC false <nil>
	// 2014-11-13 19:10:02 +0000 UTC false <nil>
	// 0001-01-01 00:00:00 +0000 UTC true <nil>
	// 0001-01-01 00:00:00 +0000 UTC true <nil>
}

func ExampleSuggest() {
	// A Microsoft Graph user (Graph docs, user-list Example 11, plus $select'ed fields).
	rec := decode(`{"id":"1aecaf40-dc3a-461f-88a8-d06994e12898","displayName":"Adele Vance","givenName":"Adele",
		"surname":"Vance","mail":"AdeleV@contoso.com","userPrincipalName":"AdeleV@contoso.com","accountEnabled":true,
		"signInActivity":{"lastSignInDateTime":"2021-06-17T16:41:33Z","lastNonInteractiveSignInDateTime":"0001-01-01T00:00:00Z"}}`)
	for _, s := range mapping.Suggest(rec) {
		fmt.Printf("%-13s %-34s %.2f\n", s.Field, s.Path, s.Confidence)
	}
	// Output:
	// id            id                                 1.00
	// email         mail                               0.95
	// name          displayName                        1.00
	// first_name    givenName                          1.00
	// last_name     surname                            1.00
	// status        accountEnabled                     0.95
	// last_activity signInActivity.lastSignInDateTime  1.00
}

// Microsoft Graph's mail is null for users without a mailbox: fall back to
// the user principal name.
func ExampleSpec_fallbacks() {
	m := mapping.MustCompile(mapping.Spec{
		Fields:    map[string]string{"id": "id", "email": "mail"},
		Fallbacks: map[string][]string{"email": {"userPrincipalName"}},
	})
	for _, rec := range []string{
		`{"id": "1", "mail": "AdeleV@contoso.com", "userPrincipalName": "AdeleV@contoso.onmicrosoft.com"}`,
		`{"id": "2", "mail": null, "userPrincipalName": "ConfRoomAdams@contoso.onmicrosoft.com"}`,
	} {
		u, err := m.Map(decode(rec))
		if err != nil {
			panic(err)
		}
		fmt.Println(u.ID, u.Email)
	}
	// Output:
	// 1 AdeleV@contoso.com
	// 2 ConfRoomAdams@contoso.onmicrosoft.com
}

func ExampleSpec_valueMaps() {
	// Zoom users: type 1, 2, 3 is the license; "pending" is an invitation
	// not accepted yet; Google-style epoch sentinels mean never.
	m := mapping.MustCompile(mapping.Spec{
		Fields:            map[string]string{"id": "id", "email": "email", "status": "status", "role": "type"},
		ValueMaps:         map[string]map[string]string{"role": {"1": "basic", "2": "licensed", "3": "on_prem"}},
		LastActivityField: "last_login_time",
		TimeFormat:        mapping.TimeRFC3339,
		NeverValues:       []string{"1900-01-01T00:00:00Z"},
	})
	for _, rec := range []string{
		`{"id":"z1","email":"ana@example.com","status":"active","type":2,"last_login_time":"2026-03-01T09:30:00Z"}`,
		`{"id":"z2","email":"ben@example.com","status":"pending","type":1,"last_login_time":"1900-01-01T00:00:00Z"}`,
		`{"id":"z3","email":"cy@example.com","status":"active","type":4,"last_login_time":"1970-01-01T00:00:00.000Z"}`,
	} {
		u, err := m.Map(decode(rec))
		if err != nil {
			panic(err)
		}
		fmt.Println(u.ID, u.Status, u.Role, u.LastActivity.IsZero())
	}
	// Output:
	// z1 active licensed false
	// z2 pending basic true
	// z3 active 4 true
}
