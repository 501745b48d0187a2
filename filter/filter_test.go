package filter

import (
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func decode(t testing.TB, s string) any {
	t.Helper()
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		t.Fatalf("decode: %v", err)
	}
	return v
}

// Records from reference/vendors.md.
const (
	copilotSeat = `{"created_at":"2021-08-03T18:00:00-06:00","pending_cancellation_date":null,"last_activity_at":"2021-10-14T00:53:32-06:00",
		"plan_type":"business","assignee":{"login":"octocat","id":1,"type":"User","site_admin":false},
		"assigning_team":{"id":1,"name":"Justice League"}}`
	copilotTeamSeat = `{"pending_cancellation_date":"2021-11-01","last_activity_at":null,"assignee":{"login":"justice-league","id":98765432109876543,"type":"Team"}}`
	oktaUser        = `{"id":"00u1","status":"DEPROVISIONED","lastLogin":null,"profile":{"email":"ben@example.com","department":"Engineering"}}`
	webexPerson     = `{"id":"Y2","emails":["john.andersen@example.com","j@example.org"],"roles":["admin","user"],"status":"active",
		"invitePending":"false","loginEnabled":"true","type":"person"}`
	scimUser = `{"id":"2819c223","active":true,"emails":[{"value":"home@example.com","type":"home"},{"value":"work@example.com","type":"work","primary":true}],
		"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Mobile Engineering"}}`
	smartsheetUser = `{"id":94094820842,"status":"ACTIVE","admin":true,"sheetCount":3,"email":"john.doe@smartsheet.com"}`
)

func TestMatch(t *testing.T) {
	t.Parallel()
	recs := map[string]any{
		"copilot": decode(t, copilotSeat), "copilot-team": decode(t, copilotTeamSeat), "okta": decode(t, oktaUser),
		"webex": decode(t, webexPerson), "scim": decode(t, scimUser), "smartsheet": decode(t, smartsheetUser),
		"float": map[string]any{"n": 3.0, "s": "3", "b": true, "big": 98765432109876543.0},
	}
	tests := []struct {
		rec  string
		cond Condition
		want bool
	}{
		// equal / not_equal
		{"copilot", Condition{Field: "assignee.type", Operator: Equal, Value: "User"}, true},
		{"copilot-team", Condition{Field: "assignee.type", Operator: Equal, Value: "User"}, false},
		{"copilot", Condition{Field: "assignee.type", Operator: Equal, Value: "user"}, false}, // case-sensitive
		{"copilot", Condition{Field: "assignee.type", Operator: NotEqual, Value: "Team"}, true},
		{"copilot-team", Condition{Field: "assignee.type", Operator: NotEqual, Value: "Team"}, false},
		{"copilot", Condition{Field: "assignee.missing", Operator: NotEqual, Value: "x"}, true},
		{"copilot", Condition{Field: "assignee.missing", Operator: Equal, Value: "x"}, false},
		{"copilot", Condition{Field: "assignee.id", Operator: Equal, Value: 1.0}, true},              // float64 template vs json.Number
		{"copilot", Condition{Field: "assignee.id", Operator: Equal, Value: json.Number("1")}, true}, // json.Number template
		{"copilot", Condition{Field: "assignee.id", Operator: Equal, Value: "1"}, true},              // numeric string template
		{"copilot", Condition{Field: "assignee.id", Operator: Equal, Value: "1.0"}, true},            // numeric string, numerically
		{"copilot", Condition{Field: "assignee.id", Operator: Equal, Value: 2}, false},               // Go int template
		{"copilot-team", Condition{Field: "assignee.id", Operator: Equal, Value: "98765432109876543"}, true},
		{"copilot-team", Condition{Field: "assignee.id", Operator: Equal, Value: "98765432109876542"}, false}, // exact past 2^53
		{"copilot", Condition{Field: "assignee.site_admin", Operator: Equal, Value: false}, true},
		{"copilot", Condition{Field: "assignee.site_admin", Operator: Equal, Value: "false"}, true}, // string "false" vs JSON false
		{"webex", Condition{Field: "loginEnabled", Operator: Equal, Value: true}, true},             // JSON true vs "true"
		{"webex", Condition{Field: "invitePending", Operator: Equal, Value: false}, true},
		{"webex", Condition{Field: "loginEnabled", Operator: Equal, Value: "TRUE"}, false}, // both strings: exact
		{"copilot", Condition{Field: "pending_cancellation_date", Operator: Equal, Value: nil}, true},
		{"copilot", Condition{Field: "no_such_key", Operator: Equal, Value: nil}, true},
		{"copilot-team", Condition{Field: "pending_cancellation_date", Operator: Equal, Value: nil}, false},
		{"float", Condition{Field: "n", Operator: Equal, Value: json.Number("3")}, true},
		{"float", Condition{Field: "n", Operator: Equal, Value: "3"}, true},
		{"float", Condition{Field: "s", Operator: Equal, Value: 3}, true},
		{"float", Condition{Field: "b", Operator: Equal, Value: "true"}, true},
		{"float", Condition{Field: "n", Operator: Equal, Value: true}, false},
		{"webex", Condition{Field: "roles", Operator: Equal, Value: []any{"admin", "user"}}, true},
		{"webex", Condition{Field: "roles", Operator: Equal, Value: []string{"admin", "user"}}, true},
		{"webex", Condition{Field: "roles", Operator: Equal, Value: "admin"}, false},
		// in / not_in
		{"okta", Condition{Field: "status", Operator: In, Value: []any{"ACTIVE", "PROVISIONED"}}, false},
		{"okta", Condition{Field: "status", Operator: NotIn, Value: []any{"DEPROVISIONED", "SUSPENDED"}}, false},
		{"smartsheet", Condition{Field: "status", Operator: In, Value: []string{"ACTIVE", "PENDING"}}, true},
		{"smartsheet", Condition{Field: "sheetCount", Operator: In, Value: []any{1.0, 2.0, 3.0}}, true},
		{"smartsheet", Condition{Field: "sheetCount", Operator: In, Value: []int{1, 2}}, false},
		{"smartsheet", Condition{Field: "missing", Operator: In, Value: []any{"a", nil}}, true},
		{"smartsheet", Condition{Field: "missing", Operator: NotIn, Value: []any{"a"}}, true},
		{"smartsheet", Condition{Field: "missing", Operator: In, Value: []any{"a"}}, false},
		{"smartsheet", Condition{Field: "id", Operator: In, Value: []any{"94094820842"}}, true},
		// contains
		{"okta", Condition{Field: "profile.email", Operator: Contains, Value: "@example.com"}, true},
		{"okta", Condition{Field: "profile.email", Operator: Contains, Value: "@example.org"}, false},
		{"webex", Condition{Field: "roles", Operator: Contains, Value: "admin"}, true},
		{"webex", Condition{Field: "roles", Operator: Contains, Value: "adm"}, false}, // membership, not substring, for arrays
		{"webex", Condition{Field: "emails", Operator: Contains, Value: "j@example.org"}, true},
		{"scim", Condition{Field: `["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]`, Operator: Contains, Value: "department"}, true},
		{"smartsheet", Condition{Field: "id", Operator: Contains, Value: "940"}, false}, // numbers are not strings
		{"smartsheet", Condition{Field: "email", Operator: Contains, Value: 42}, false},
		{"smartsheet", Condition{Field: "missing", Operator: Contains, Value: "x"}, false},
		{"float", Condition{Field: "s", Operator: Contains, Value: 3.0}, true},                 // number value as text
		{"float", Condition{Field: "s", Operator: Contains, Value: json.Number("3")}, true},    // json.Number value as text
		{"webex", Condition{Field: "loginEnabled", Operator: Contains, Value: true}, true},     // bool value as text
		{"smartsheet", Condition{Field: "email", Operator: Contains, Value: int64(42)}, false}, // other Go numbers
		{"scim", Condition{Field: "emails", Operator: Contains, Value: "x"}, false},            // array of objects
		// exists / not_exists
		{"okta", Condition{Field: "profile.department", Operator: Exists, Value: nil}, true},
		{"okta", Condition{Field: "lastLogin", Operator: Exists, Value: nil}, false}, // null counts as absent
		{"okta", Condition{Field: "lastLogin", Operator: NotExists, Value: nil}, true},
		{"okta", Condition{Field: "profile.title", Operator: NotExists, Value: nil}, true},
		{"okta", Condition{Field: "profile.title", Operator: Exists, Value: nil}, false},
		// general paths: any match
		{"scim", Condition{Field: "emails[?(@.primary==true)].type", Operator: Equal, Value: "work"}, true},
		{"scim", Condition{Field: "emails[*].type", Operator: Equal, Value: "home"}, true},
		{"scim", Condition{Field: "emails[*].type", Operator: NotEqual, Value: "home"}, false},
		{"scim", Condition{Field: "emails[*].type", Operator: In, Value: []any{"other", "work"}}, true},
		{"scim", Condition{Field: "emails[*].value", Operator: Contains, Value: "work@"}, true},
		{"scim", Condition{Field: "emails[?(@.type=='other')].value", Operator: Exists, Value: nil}, false},
		{"scim", Condition{Field: "emails[?(@.type=='work')].value", Operator: Exists, Value: nil}, true},
		{"scim", Condition{Field: "emails[?(@.type=='other')].value", Operator: Equal, Value: nil}, true},
	}
	for _, tt := range tests {
		p, err := Compile(tt.cond)
		if err != nil {
			t.Fatalf("Compile(%+v): %v", tt.cond, err)
		}
		if got := p.Match(recs[tt.rec]); got != tt.want {
			t.Errorf("%s: %+v = %v, want %v", tt.rec, tt.cond, got, tt.want)
		}
	}
}

func TestCompileAll(t *testing.T) {
	t.Parallel()
	// GitHub Copilot template filters: all must hold.
	p := MustCompile(
		Condition{Field: "assignee.type", Operator: Equal, Value: "User"},
		Condition{Field: "pending_cancellation_date", Operator: Equal},
	)
	if !p.Match(decode(t, copilotSeat)) || p.Match(decode(t, copilotTeamSeat)) {
		t.Error("AND of conditions")
	}
	none := MustCompile()
	if !none.Match(nil) {
		t.Error("no conditions must keep everything")
	}
}

func TestCompileErrors(t *testing.T) {
	t.Parallel()
	_, err := Compile(
		Condition{Field: "a", Operator: Equal, Value: "x"},                 // 0: fine
		Condition{Field: "a", Operator: "eq", Value: "x"},                  // 1: operator
		Condition{Field: "a[", Operator: Equal},                            // 2: field
		Condition{Field: " ", Operator: Exists},                            // 3: field
		Condition{Field: "a", Operator: In, Value: "x"},                    // 4: value
		Condition{Field: "a", Operator: Exists, Value: true},               // 5: value
		Condition{Field: "a", Operator: Contains},                          // 6: value
		Condition{Field: "a", Operator: NotIn, Value: []any{[]any{}}},      // 7: value
		Condition{Field: "a b", Operator: "", Value: struct{}{}},           // 8: field and operator
		Condition{Field: "a", Operator: Equal, Value: struct{}{}},          // 9: value
		Condition{Field: "a", Operator: Contains, Value: map[string]any{}}, // 10: value
	)
	type loc struct {
		Index int
		Key   string
	}
	var got []loc
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		var ce *ConditionError
		if !errors.As(e, &ce) {
			t.Fatalf("%v is not a *ConditionError", e)
		}
		got = append(got, loc{ce.Index, ce.Key})
	}
	want := []loc{{1, "operator"}, {2, "field"}, {3, "field"}, {4, "value"}, {5, "value"}, {6, "value"}, {7, "value"},
		{8, "field"}, {8, "operator"}, {9, "value"}, {10, "value"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("errors (-want +got):\n%s\n%v", diff, err)
	}
	if !errors.Is(err, ErrUnknownOperator) {
		t.Error("not ErrUnknownOperator")
	}
	for _, s := range []string{`filters[1].operator: unknown operator "eq" (want one of equal`, `filters[2].field: jsonpath: unterminated '[' at offset 1`,
		"filters[4].value: in needs a list value (got a string)", "filters[5].value: exists takes no value (got a boolean)",
		"filters[7].value: not_in list element 0 is a list"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error lacks %q:\n%v", s, err)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("MustCompile did not panic")
		}
	}()
	MustCompile(Condition{Field: "a", Operator: "nope"})
}

func TestCombinators(t *testing.T) {
	t.Parallel()
	yes, no := Func(func(any) bool { return true }), Func(func(any) bool { return false })
	tests := []struct {
		name string
		p    Predicate
		want bool
	}{
		{"And()", And(), true},
		{"And(yes, yes)", And(yes, yes), true},
		{"And(yes, no)", And(yes, no), false},
		{"And(nil, yes)", And(nil, yes), true},
		{"Or()", Or(), false},
		{"Or(no, yes)", Or(no, yes), true},
		{"Or(no, nil)", Or(no, nil), false},
		{"Not(yes)", Not(yes), false},
		{"Not(no)", Not(no), true},
		{"Not(nil)", Not(nil), false},
		{"Or(And(yes,no), Not(no))", Or(And(yes, no), Not(no)), true},
	}
	for _, tt := range tests {
		if got := tt.p.Match(nil); got != tt.want {
			t.Errorf("%s = %v, want %v", tt.name, got, tt.want)
		}
	}
	rec := decode(t, oktaUser)
	active := MustCompile(Condition{Field: "status", Operator: Equal, Value: "ACTIVE"})
	eng := MustCompile(Condition{Field: "profile.department", Operator: Equal, Value: "Engineering"})
	if !And(Not(active), eng).Match(rec) || Or(active, Not(eng)).Match(rec) {
		t.Error("combinators on an Okta record")
	}
}

func TestOperators(t *testing.T) {
	t.Parallel()
	for _, op := range Operators() {
		if !op.Valid() {
			t.Errorf("%s not valid", op)
		}
	}
	if Operator("eq").Valid() {
		t.Error("eq valid")
	}
	var c Condition
	if err := json.Unmarshal([]byte(`{"field":"a.b","operator":"in","value":["x",1]}`), &c); err != nil {
		t.Fatal(err)
	}
	if _, err := Compile(c); err != nil {
		t.Errorf("decoded condition: %v", err)
	}
}

func TestConcurrentMatch(t *testing.T) {
	t.Parallel()
	p := MustCompile(Condition{Field: "emails[?(@.primary==true)].type", Operator: Equal, Value: "work"},
		Condition{Field: "active", Operator: Equal, Value: "true"})
	rec := decode(t, scimUser)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 200 {
				if !p.Match(rec) {
					t.Error("no match")
					return
				}
			}
		})
	}
	wg.Wait()
}

func BenchmarkMatch(b *testing.B) {
	p := MustCompile(Condition{Field: "assignee.type", Operator: Equal, Value: "User"},
		Condition{Field: "plan_type", Operator: In, Value: []any{"business", "enterprise"}},
		Condition{Field: "assignee.login", Operator: Exists})
	rec := decode(b, copilotSeat)
	b.ReportAllocs()
	for b.Loop() {
		if !p.Match(rec) {
			b.Fatal("no match")
		}
	}
}

func TestStringOperators(t *testing.T) {
	t.Parallel()
	recs := map[string]any{
		"okta": decode(t, oktaUser), "webex": decode(t, webexPerson), "scim": decode(t, scimUser),
		"smartsheet": decode(t, smartsheetUser),
	}
	tests := []struct {
		rec  string
		cond Condition
		want bool
	}{
		// starts_with / ends_with
		{"okta", Condition{Field: "profile.email", Operator: StartsWith, Value: "ben@"}, true},
		{"okta", Condition{Field: "profile.email", Operator: StartsWith, Value: "Ben@"}, false}, // case-sensitive
		{"okta", Condition{Field: "profile.email", Operator: EndsWith, Value: "@example.com"}, true},
		{"okta", Condition{Field: "profile.email", Operator: EndsWith, Value: "@example.org"}, false},
		{"okta", Condition{Field: "profile.title", Operator: StartsWith, Value: ""}, false}, // absent
		{"okta", Condition{Field: "lastLogin", Operator: EndsWith, Value: ""}, false},       // null
		{"smartsheet", Condition{Field: "id", Operator: StartsWith, Value: "940"}, false},   // numbers are not strings
		{"smartsheet", Condition{Field: "admin", Operator: StartsWith, Value: true}, false},
		{"webex", Condition{Field: "loginEnabled", Operator: StartsWith, Value: true}, true}, // value as text
		{"webex", Condition{Field: "emails", Operator: EndsWith, Value: "@example.org"}, true},
		{"webex", Condition{Field: "emails", Operator: StartsWith, Value: "nobody"}, false},
		{"scim", Condition{Field: "emails[*].value", Operator: StartsWith, Value: "work@"}, true},
		{"scim", Condition{Field: "emails[*].value", Operator: EndsWith, Value: "@example.org"}, false},
		// not_contains
		{"okta", Condition{Field: "profile.email", Operator: NotContains, Value: "@example.org"}, true},
		{"okta", Condition{Field: "profile.email", Operator: NotContains, Value: "@example.com"}, false},
		{"okta", Condition{Field: "profile.title", Operator: NotContains, Value: "x"}, true}, // absent contains nothing
		{"webex", Condition{Field: "roles", Operator: NotContains, Value: "admin"}, false},
		{"webex", Condition{Field: "roles", Operator: NotContains, Value: "adm"}, true}, // membership for arrays
		{"scim", Condition{Field: "emails[*].value", Operator: NotContains, Value: "home@"}, false},
		{"scim", Condition{Field: "emails[*].value", Operator: NotContains, Value: "other@"}, true},
		// matches
		{"okta", Condition{Field: "profile.email", Operator: Matches, Value: `^[a-z]+@example\.com$`}, true},
		{"okta", Condition{Field: "profile.email", Operator: Matches, Value: `(?i)^BEN@`}, true},
		{"okta", Condition{Field: "profile.email", Operator: Matches, Value: `example`}, true}, // unanchored
		{"okta", Condition{Field: "profile.email", Operator: Matches, Value: `^example`}, false},
		{"okta", Condition{Field: "profile.title", Operator: Matches, Value: `.*`}, false}, // absent
		{"smartsheet", Condition{Field: "id", Operator: Matches, Value: `^9`}, false},      // numbers are not strings
		{"webex", Condition{Field: "roles", Operator: Matches, Value: `^us`}, true},
		{"scim", Condition{Field: "emails[*].type", Operator: Matches, Value: `^wo`}, true},
	}
	for _, tt := range tests {
		p, err := Compile(tt.cond)
		if err != nil {
			t.Fatalf("Compile(%+v): %v", tt.cond, err)
		}
		if got := p.Match(recs[tt.rec]); got != tt.want {
			t.Errorf("%s: %+v = %v, want %v", tt.rec, tt.cond, got, tt.want)
		}
	}
}

func TestGroups(t *testing.T) {
	t.Parallel()
	slackBot := decode(t, `{"id":"B1","is_bot":true,"deleted":false,"profile":{"email":""}}`)
	slackUser := decode(t, `{"id":"U1","is_bot":false,"deleted":false,"profile":{"email":"ana@example.com"}}`)
	slackGuest := decode(t, `{"id":"U2","is_bot":false,"is_restricted":true,"deleted":false,"profile":{"email":"guest@partner.example"}}`)
	tests := []struct {
		name  string
		conds string // JSON list, as in a template
		want  [3]bool
	}{
		{"any", `[{"any":[{"field":"is_bot","operator":"equal","value":true},{"field":"is_restricted","operator":"exists"}]}]`,
			[3]bool{true, false, true}},
		{"not", `[{"not":{"field":"is_bot","operator":"equal","value":true}}]`, [3]bool{false, true, true}},
		{"not any", `[{"not":{"any":[{"field":"is_bot","operator":"equal","value":true},{"field":"profile.email","operator":"ends_with","value":"@partner.example"}]}}]`,
			[3]bool{false, true, false}},
		{"any with a nested not and a top-level test", `[{"field":"deleted","operator":"equal","value":false},
			{"any":[{"not":{"field":"profile.email","operator":"matches","value":"@example\\.com$"}},{"field":"id","operator":"equal","value":"U1"}]}]`,
			[3]bool{true, true, true}},
		{"not not", `[{"not":{"not":{"field":"is_bot","operator":"equal","value":true}}}]`, [3]bool{true, false, false}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var conds []Condition
			d := json.NewDecoder(strings.NewReader(tc.conds))
			d.UseNumber()
			if err := d.Decode(&conds); err != nil {
				t.Fatal(err)
			}
			p, err := Compile(conds...)
			if err != nil {
				t.Fatalf("Compile(%s): %v", tc.conds, err)
			}
			got := [3]bool{p.Match(slackBot), p.Match(slackUser), p.Match(slackGuest)}
			if got != tc.want {
				t.Errorf("Compile(%s) on bot, user, guest = %v, want %v", tc.conds, got, tc.want)
			}
		})
	}
}

func TestGroupAndPatternErrors(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("a", MaxPatternLen+1)
	_, err := Compile(
		Condition{Field: "a", Operator: Matches, Value: "^a"},                                                       // 0: fine
		Condition{Field: "a", Operator: Matches, Value: "(a"},                                                       // 1: value
		Condition{Field: "a", Operator: Matches, Value: long},                                                       // 2: value
		Condition{Any: []Condition{{Field: "a", Operator: Equal}, {Field: "b", Operator: Matches, Value: "[z-a]"}}}, // 3: any[1].value
		Condition{Not: &Condition{Any: []Condition{{Field: "a[", Operator: "eq"}}}},                                 // 4: not.any[0].field, .operator
		Condition{Any: []Condition{}},                                                                               // 5: any
		Condition{Field: "a", Operator: Equal, Any: []Condition{{Field: "b", Operator: Exists}}},                    // 6: any
		Condition{Any: []Condition{{Field: "b", Operator: Exists}}, Not: &Condition{Field: "b", Operator: Exists}},  // 7: any
		Condition{Operator: Exists, Not: &Condition{Field: "b", Operator: Exists}},                                  // 8: not
		Condition{Field: "a", Operator: Matches, Value: 5},                                                          // 9: value
		Condition{Field: "a", Operator: StartsWith},                                                                 // 10: value
		Condition{Field: "a", Operator: NotContains, Value: []any{"x"}},                                             // 11: value
	)
	type loc struct {
		Index int
		Key   string
	}
	var got []loc
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		var ce *ConditionError
		if !errors.As(e, &ce) {
			t.Fatalf("%v is not a *ConditionError", e)
		}
		got = append(got, loc{ce.Index, ce.Key})
	}
	want := []loc{{1, "value"}, {2, "value"}, {3, "any[1].value"}, {4, "not.any[0].field"}, {4, "not.any[0].operator"},
		{5, "any"}, {6, "any"}, {7, "any"}, {8, "not"}, {9, "value"}, {10, "value"}, {11, "value"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("errors (-want +got):\n%s\n%v", diff, err)
	}
	for _, s := range []string{
		"filters[1].value: invalid regular expression: error parsing regexp: missing closing ): `(a`",
		"filters[2].value: regular expression is 1025 bytes long, more than the 1024 allowed",
		"filters[3].any[1].value: invalid regular expression: error parsing regexp: invalid character class range: `z-a`",
		`filters[4].not.any[0].operator: unknown operator "eq"`,
		"filters[5].any: any needs at least one condition",
		"filters[9].value: matches needs a regular expression string (got a number)",
		"filters[10].value: starts_with needs a string, number or boolean value (got null)",
	} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error lacks %q:\n%v", s, err)
		}
	}
	if _, err := Compile(Condition{Field: "a", Operator: Matches, Value: strings.Repeat("a", MaxPatternLen)}); err != nil {
		t.Errorf("Compile(pattern of MaxPatternLen bytes) = %v, want nil", err)
	}
}

func TestConditionJSON(t *testing.T) {
	t.Parallel()
	c := Condition{Not: &Condition{Any: []Condition{{Field: "is_bot", Operator: Equal, Value: true}, {Field: "x", Operator: Exists}}}}
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"not":{"any":[{"field":"is_bot","operator":"equal","value":true},{"field":"x","operator":"exists"}]}}`
	if string(b) != want {
		t.Errorf("Marshal = %s, want %s", b, want)
	}
	var back Condition
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(c, back); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}

func BenchmarkMatchGroups(b *testing.B) {
	var conds []Condition
	if err := json.Unmarshal([]byte(`[{"any":[{"field":"assignee.type","operator":"equal","value":"Team"},
		{"not":{"field":"assignee.login","operator":"matches","value":"^octo"}}]},
		{"field":"plan_type","operator":"starts_with","value":"bus"}]`), &conds); err != nil {
		b.Fatal(err)
	}
	p := MustCompile(conds...)
	rec := decode(b, copilotSeat)
	b.ReportAllocs()
	for b.Loop() {
		if p.Match(rec) {
			b.Fatal("match")
		}
	}
}

func TestBitOperators(t *testing.T) {
	t.Parallel()
	tests := []struct {
		op    Operator
		value any
		rec   string
		want  bool
	}{
		{BitsAny, "0x2", `{"uac":"514"}`, true},
		{BitsAny, "0x2", `{"uac":"512"}`, false},
		{BitsAny, 18, `{"uac":"528"}`, true}, // 0x10 lockout
		{BitsAll, "0x202", `{"uac":"514"}`, true},
		{BitsAll, "0x212", `{"uac":"514"}`, false},
		{BitsNone, "0x2", `{"uac":"512"}`, true},
		{BitsNone, "0x2", `{"uac":514}`, false},
		{BitsNone, "2", `{"uac":"66048"}`, true},
		{BitsNone, "0x2", `{}`, false},
		{BitsAny, "0x2", `{"uac":"enabled"}`, false},
		{BitsNone, "0x2", `{"uac":null}`, false},
		{BitsAny, json.Number("2"), `{"uac":2.0}`, true},
		{BitsAny, "0x2", `{"uacs":["512","514"]}`, false}, // a list is not an integer
	}
	for _, tc := range tests {
		field := "uac"
		if strings.Contains(tc.rec, "uacs") {
			field = "uacs"
		}
		p, err := Compile(Condition{Field: field, Operator: tc.op, Value: tc.value})
		if err != nil {
			t.Fatalf("%s %v: %v", tc.op, tc.value, err)
		}
		if got := p.Match(decode(t, tc.rec)); got != tc.want {
			t.Errorf("%s %v on %s = %v, want %v", tc.op, tc.value, tc.rec, got, tc.want)
		}
	}
	// A general path holds when any match has the bits.
	p := MustCompile(Condition{Field: "$.uacs[*]", Operator: BitsAny, Value: "0x2"})
	if !p.Match(decode(t, `{"uacs":["512","514"]}`)) {
		t.Error("bits_any over a wildcard path: no match")
	}
}

func TestBitOperatorValues(t *testing.T) {
	t.Parallel()
	for _, v := range []any{nil, "", "0", "-2", "0xZ", 1.5, true, []any{"2"}, json.Number("0")} {
		_, err := Compile(Condition{Field: "uac", Operator: BitsAll, Value: v})
		var ce *ConditionError
		if !errors.As(err, &ce) || ce.Key != "value" {
			t.Errorf("bits_all with value %#v: error %v, want a ConditionError on value", v, err)
		}
	}
}
