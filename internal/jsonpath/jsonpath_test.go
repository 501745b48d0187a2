package jsonpath

import (
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// decode decodes s the way connectors do (UseNumber).
func decode(t testing.TB, s string) any {
	t.Helper()
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		t.Fatalf("decode %s: %v", s, err)
	}
	return v
}

// Record shapes from reference/vendors.md.
const (
	oktaUser = `{"id":"00u1xke1apZnmHgpB1d7","status":"STAGED","lastLogin":null,
		"profile":{"firstName":"Ben","lastName":"Richler","department":"Engineering","login":"ben.richler@example.com","email":"ben.richler@example.com"},
		"_links":{"self":{"href":"https://x.okta.com/api/v1/users/00u1"}}}`
	figmaUser = `{"name":{"givenName":"Scim","familyName":"User"},"roles":[{"type":"seatType","value":"Dev"}],
		"emails":{"type":"work","value":"scimuser@example.com","primary":"true"},
		"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"costCenter":"323245","department":"Mobile Engineering"},
		"id":"974343320676444348"}`
	scimUser  = `{"id":"1","emails":[{"value":"home@example.com","primary":false},{"value":"work@example.com","primary":true}]}`
	graphPage = `{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#users","@odata.nextLink":"https://graph.microsoft.com/v1.0/users?$skiptoken=X",
		"value":[{"id":"1aec","signInActivity":{"lastSignInDateTime":"2021-06-17T16:41:33Z"}}]}`
	practitest = `{"data":[{"id":"53811","type":"users","attributes":{"first-name":null,"display-name":"chris.z@rd.com","email":"chris.z@rd.com"}},
		{"id":"538724","type":"users","attributes":{"first-name":"Monica","email":"monica@gmail.com"}}],"meta":{"total-pages":1}}`
	cyberark = `{"success":true,"Result":{"Count":2,"Results":[{"Row":{"ID":"a","Username":"u1@x.com","LastLogin":"/Date(1600000000000)/"}},{"Row":{"ID":"b","Username":"u2@x.com"}}]}}`
)

func TestGet(t *testing.T) {
	t.Parallel()
	docs := map[string]any{
		"okta": decode(t, oktaUser), "figma": decode(t, figmaUser), "scim": decode(t, scimUser),
		"graph": decode(t, graphPage), "pt": decode(t, practitest), "cyberark": decode(t, cyberark),
	}
	tests := []struct {
		doc, expr string
		simple    bool
		want      any
		ok        bool
	}{
		{"okta", "profile.email", true, "ben.richler@example.com", true},
		{"okta", "$.profile.email", true, "ben.richler@example.com", true},
		{"okta", `$["profile"]["email"]`, true, "ben.richler@example.com", true},
		{"okta", `profile['login']`, true, "ben.richler@example.com", true},
		{"okta", "lastLogin", true, nil, true}, // present null
		{"okta", "profile.missing", true, nil, false},
		{"okta", "profile.email.deeper", true, nil, false},
		{"okta", "_links.self.href", true, "https://x.okta.com/api/v1/users/00u1", true},
		{"okta", "status[0]", true, nil, false},
		{"figma", "emails[0].value", true, "scimuser@example.com", true}, // object form, singleton leniency
		{"figma", "emails[-1].value", true, "scimuser@example.com", true},
		{"figma", "emails[1].value", true, nil, false},
		{"figma", `["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"].department`, true, "Mobile Engineering", true},
		{"figma", "name.givenName", true, "Scim", true},
		{"figma", "roles[0].value", true, "Dev", true},
		{"figma", "emails[?(@.primary==true)].value", false, nil, false}, // object form: no elements to filter
		{"scim", "emails[0].value", true, "home@example.com", true},
		{"scim", "emails[-1].value", true, "work@example.com", true},
		{"scim", "emails[-3].value", true, nil, false},
		{"scim", "emails[?(@.primary==true)].value", false, []any{"work@example.com"}, true},
		{"scim", "emails[?(@.primary=='true')].value", false, []any{"work@example.com"}, true},
		{"scim", "emails[*].value", false, []any{"home@example.com", "work@example.com"}, true},
		{"scim", "emails[?(@.primary==true && @.value=~'^work')].value", false, []any{"work@example.com"}, true},
		{"scim", "emails[?(!@.primary)].value", false, []any{"home@example.com"}, true},
		{"scim", "emails[0:1].value", false, []any{"home@example.com"}, true},
		{"scim", "id", true, "1", true},
		{"graph", `["@odata.nextLink"]`, true, "https://graph.microsoft.com/v1.0/users?$skiptoken=X", true},
		{"graph", `$["@odata.nextLink"]`, true, "https://graph.microsoft.com/v1.0/users?$skiptoken=X", true},
		{"graph", "value[0].signInActivity.lastSignInDateTime", true, "2021-06-17T16:41:33Z", true},
		{"pt", "data[1].attributes.first-name", true, "Monica", true},
		{"pt", "data[0].attributes.first-name", true, nil, true},
		{"pt", "meta.total-pages", true, json.Number("1"), true},
		{"pt", "data[*].attributes.first-name", false, []any{nil, "Monica"}, true},
		{"pt", `data[?(@.attributes["first-name"] == 'Monica')].id`, false, []any{"538724"}, true},
		{"pt", "data[?(@.id > 53812)].id", false, []any{"538724"}, true},
		{"cyberark", "Result.Results[*].Row.Username", false, []any{"u1@x.com", "u2@x.com"}, true},
		{"cyberark", "Result.Results[0].Row.ID", true, "a", true},
		{"cyberark", "Result.Count", true, json.Number("2"), true},
		{"cyberark", "$..Username", false, []any{"u1@x.com", "u2@x.com"}, true},
		{"cyberark", "", true, docs["cyberark"], true},
		{"cyberark", "$", true, docs["cyberark"], true},
		{"cyberark", "nothing[*]", false, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.doc+"/"+tt.expr, func(t *testing.T) {
			p, err := Compile(tt.expr)
			if err != nil {
				t.Fatalf("Compile(%q): %v", tt.expr, err)
			}
			if p.Simple() != tt.simple {
				t.Errorf("Simple() = %v, want %v", p.Simple(), tt.simple)
			}
			if p.String() != tt.expr {
				t.Errorf("String() = %q", p.String())
			}
			got, ok := p.Get(docs[tt.doc])
			if ok != tt.ok {
				t.Fatalf("Get ok = %v, want %v (value %#v)", ok, tt.ok, got)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Get (-want +got):\n%s", diff)
			}
		})
	}
}

func TestKeys(t *testing.T) {
	t.Parallel()
	p := MustCompile(`$.a["b.c"][2].d[-1]`)
	want := []Step{{Key: "a"}, {Key: "b.c"}, {Index: 2, IsIndex: true}, {Key: "d"}, {Index: -1, IsIndex: true}}
	if diff := cmp.Diff(want, p.Keys()); diff != "" {
		t.Errorf("Keys (-want +got):\n%s", diff)
	}
	if MustCompile("a[*]").Keys() != nil {
		t.Error("general path has Keys")
	}
}

func TestQuotedKeys(t *testing.T) {
	t.Parallel()
	doc := map[string]any{`a"b`: 1, `a'b`: 2, "a\\b": 3, "é": 4, "a\nb": 5, "": 6}
	tests := map[string]any{
		`["a\"b"]`: 1, `['a\'b']`: 2, `["a\\b"]`: 3, `["\u00e9"]`: 4, `["a\nb"]`: 5, `[""]`: 6, `['a"b']`: 1,
	}
	for expr, want := range tests {
		got, ok := MustCompile(expr).Get(doc)
		if !ok || got != want {
			t.Errorf("%s: got %v %v, want %v", expr, got, ok, want)
		}
	}
}

func TestFirst(t *testing.T) {
	t.Parallel()
	doc := decode(t, scimUser)
	tests := []struct {
		expr string
		want any
		ok   bool
	}{
		{"emails[?(@.primary==true)].value", "work@example.com", true},
		{"emails[?(@.primary=='nope')].value", nil, false},
		{"emails[*].value", "home@example.com", true},
		{"emails", []any{map[string]any{"value": "home@example.com", "primary": false}, map[string]any{"value": "work@example.com", "primary": true}}, true},
		{"emails[0].value", "home@example.com", true},
	}
	for _, tt := range tests {
		got, ok := MustCompile(tt.expr).First(doc)
		if ok != tt.ok || !cmp.Equal(got, tt.want) {
			t.Errorf("First(%s) = %#v %v, want %#v %v", tt.expr, got, ok, tt.want, tt.ok)
		}
	}
}

func TestCompileErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		expr   string
		offset int
		msg    string
	}{
		{"a[", 1, "unterminated"},
		{"a[0", 1, "unterminated"},
		{"a[0x]", 3, "want ']'"},
		{"a[]", 2, "empty brackets"},
		{"a[b]", 2, "want an index"},
		{`a["b]`, 2, "unterminated quoted key"},
		{`a["b"x]`, 5, "want ']' after quoted key"},
		{`a["\q"]`, 3, `unknown escape`},
		{"a.", 2, "missing key"},
		{"$.", 2, "missing key"},
		{"$x", 1, "want '.' or '['"},
		{"a b", 1, "unexpected"},
		{"a]", 1, "unexpected ']'"},
		{"a[0]b", 4, "want '.' or '['"},
		{"a.[0]", 2, "unexpected '['"},
		{"a[-]", 3, "want digits"},
		{"a[99999999999999999999]", 2, "index out of range"},
		{"a.b*", 3, `unexpected "*"`},
		{"emails[?(@.primary==true", 24, "unexpected EOF"},
		{"emails[?(@.x ==)]", 15, `unexpected ")"`},
		{"data[*].attributes.first-name.x*", 31, `unexpected "*"`},
		// Inside a filter a dash reads as minus: bracket such keys there.
		{"data[?(@.attributes.first-name == 'Monica')].id", 26, "unknown operator"},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			_, err := Compile(tt.expr)
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Compile(%q) error = %v, want *SyntaxError", tt.expr, err)
			}
			if se.Offset != tt.offset || !strings.Contains(se.Msg, tt.msg) || se.Expr != tt.expr {
				t.Errorf("error = %+v (%v), want offset %d and message containing %q", *se, err, tt.offset, tt.msg)
			}
			if !strings.Contains(err.Error(), "offset") {
				t.Errorf("error text %q does not name the offset", err)
			}
		})
	}
}

func TestMustCompilePanics(t *testing.T) {
	t.Parallel()
	defer func() {
		if recover() == nil {
			t.Error("MustCompile did not panic")
		}
	}()
	MustCompile("a[")
}

func TestTextMarshaling(t *testing.T) {
	t.Parallel()
	var s struct{ P *Path }
	if err := json.Unmarshal([]byte(`{"P":"profile.email"}`), &s); err != nil {
		t.Fatal(err)
	}
	got, _ := s.P.Get(decode(t, oktaUser))
	if got != "ben.richler@example.com" {
		t.Errorf("got %v", got)
	}
	b, err := json.Marshal(s)
	if err != nil || string(b) != `{"P":"profile.email"}` {
		t.Errorf("Marshal = %s, %v", b, err)
	}
	if err := json.Unmarshal([]byte(`{"P":"a["}`), &s); err == nil {
		t.Error("bad path unmarshalled")
	}
}

func TestNilPath(t *testing.T) {
	t.Parallel()
	var p *Path
	if v, ok := p.Get(1); v != 1 || !ok {
		t.Errorf("nil Get = %v %v", v, ok)
	}
	if v, ok := p.First(1); v != 1 || !ok {
		t.Errorf("nil First = %v %v", v, ok)
	}
	if p.String() != "" || !p.Simple() || p.Keys() != nil {
		t.Error("nil path accessors")
	}
}

func TestConcurrentGet(t *testing.T) {
	t.Parallel()
	doc := decode(t, scimUser)
	paths := []*Path{MustCompile("emails[0].value"), MustCompile("emails[?(@.primary==true)].value")}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 100 {
				for _, p := range paths {
					if _, ok := p.First(doc); !ok {
						t.Error("no value")
						return
					}
				}
			}
		})
	}
	wg.Wait()
}

func TestSimpleGetAllocs(t *testing.T) {
	doc := decode(t, oktaUser)
	p := MustCompile("profile.email")
	q := MustCompile(`["_links"].self.href`)
	r := MustCompile("emails[0].value")
	scim := decode(t, scimUser)
	allocs := testing.AllocsPerRun(100, func() {
		p.Get(doc)
		q.Get(doc)
		r.Get(scim)
	})
	if allocs != 0 {
		t.Errorf("simple Get allocates %v times", allocs)
	}
}
