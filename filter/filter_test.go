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
		{"copilot", Condition{"assignee.type", Equal, "User"}, true},
		{"copilot-team", Condition{"assignee.type", Equal, "User"}, false},
		{"copilot", Condition{"assignee.type", Equal, "user"}, false}, // case-sensitive
		{"copilot", Condition{"assignee.type", NotEqual, "Team"}, true},
		{"copilot-team", Condition{"assignee.type", NotEqual, "Team"}, false},
		{"copilot", Condition{"assignee.missing", NotEqual, "x"}, true},
		{"copilot", Condition{"assignee.missing", Equal, "x"}, false},
		{"copilot", Condition{"assignee.id", Equal, 1.0}, true},              // float64 template vs json.Number
		{"copilot", Condition{"assignee.id", Equal, json.Number("1")}, true}, // json.Number template
		{"copilot", Condition{"assignee.id", Equal, "1"}, true},              // numeric string template
		{"copilot", Condition{"assignee.id", Equal, "1.0"}, true},            // numeric string, numerically
		{"copilot", Condition{"assignee.id", Equal, 2}, false},               // Go int template
		{"copilot-team", Condition{"assignee.id", Equal, "98765432109876543"}, true},
		{"copilot-team", Condition{"assignee.id", Equal, "98765432109876542"}, false}, // exact past 2^53
		{"copilot", Condition{"assignee.site_admin", Equal, false}, true},
		{"copilot", Condition{"assignee.site_admin", Equal, "false"}, true}, // string "false" vs JSON false
		{"webex", Condition{"loginEnabled", Equal, true}, true},             // JSON true vs "true"
		{"webex", Condition{"invitePending", Equal, false}, true},
		{"webex", Condition{"loginEnabled", Equal, "TRUE"}, false}, // both strings: exact
		{"copilot", Condition{"pending_cancellation_date", Equal, nil}, true},
		{"copilot", Condition{"no_such_key", Equal, nil}, true},
		{"copilot-team", Condition{"pending_cancellation_date", Equal, nil}, false},
		{"float", Condition{"n", Equal, json.Number("3")}, true},
		{"float", Condition{"n", Equal, "3"}, true},
		{"float", Condition{"s", Equal, 3}, true},
		{"float", Condition{"b", Equal, "true"}, true},
		{"float", Condition{"n", Equal, true}, false},
		{"webex", Condition{"roles", Equal, []any{"admin", "user"}}, true},
		{"webex", Condition{"roles", Equal, []string{"admin", "user"}}, true},
		{"webex", Condition{"roles", Equal, "admin"}, false},
		// in / not_in
		{"okta", Condition{"status", In, []any{"ACTIVE", "PROVISIONED"}}, false},
		{"okta", Condition{"status", NotIn, []any{"DEPROVISIONED", "SUSPENDED"}}, false},
		{"smartsheet", Condition{"status", In, []string{"ACTIVE", "PENDING"}}, true},
		{"smartsheet", Condition{"sheetCount", In, []any{1.0, 2.0, 3.0}}, true},
		{"smartsheet", Condition{"sheetCount", In, []int{1, 2}}, false},
		{"smartsheet", Condition{"missing", In, []any{"a", nil}}, true},
		{"smartsheet", Condition{"missing", NotIn, []any{"a"}}, true},
		{"smartsheet", Condition{"missing", In, []any{"a"}}, false},
		{"smartsheet", Condition{"id", In, []any{"94094820842"}}, true},
		// contains
		{"okta", Condition{"profile.email", Contains, "@example.com"}, true},
		{"okta", Condition{"profile.email", Contains, "@example.org"}, false},
		{"webex", Condition{"roles", Contains, "admin"}, true},
		{"webex", Condition{"roles", Contains, "adm"}, false}, // membership, not substring, for arrays
		{"webex", Condition{"emails", Contains, "j@example.org"}, true},
		{"scim", Condition{`["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]`, Contains, "department"}, true},
		{"smartsheet", Condition{"id", Contains, "940"}, false}, // numbers are not strings
		{"smartsheet", Condition{"email", Contains, 42}, false},
		{"smartsheet", Condition{"missing", Contains, "x"}, false},
		{"float", Condition{"s", Contains, 3.0}, true},                 // number value as text
		{"float", Condition{"s", Contains, json.Number("3")}, true},    // json.Number value as text
		{"webex", Condition{"loginEnabled", Contains, true}, true},     // bool value as text
		{"smartsheet", Condition{"email", Contains, int64(42)}, false}, // other Go numbers
		{"scim", Condition{"emails", Contains, "x"}, false},            // array of objects
		// exists / not_exists
		{"okta", Condition{"profile.department", Exists, nil}, true},
		{"okta", Condition{"lastLogin", Exists, nil}, false}, // null counts as absent
		{"okta", Condition{"lastLogin", NotExists, nil}, true},
		{"okta", Condition{"profile.title", NotExists, nil}, true},
		{"okta", Condition{"profile.title", Exists, nil}, false},
		// general paths: any match
		{"scim", Condition{"emails[?(@.primary==true)].type", Equal, "work"}, true},
		{"scim", Condition{"emails[*].type", Equal, "home"}, true},
		{"scim", Condition{"emails[*].type", NotEqual, "home"}, false},
		{"scim", Condition{"emails[*].type", In, []any{"other", "work"}}, true},
		{"scim", Condition{"emails[*].value", Contains, "work@"}, true},
		{"scim", Condition{"emails[?(@.type=='other')].value", Exists, nil}, false},
		{"scim", Condition{"emails[?(@.type=='work')].value", Exists, nil}, true},
		{"scim", Condition{"emails[?(@.type=='other')].value", Equal, nil}, true},
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
