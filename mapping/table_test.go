package mapping

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var licenseTable = Table{
	Columns:  []Column{{Name: "id"}, {Name: "name"}, {Name: "total", Kind: KindInt}, {Name: "assigned", Kind: KindInt}},
	Identity: []string{"id", "name"}, Extra: true,
}

var appTable = Table{
	Columns:  []Column{{Name: "id"}, {Name: "status"}, {Name: "created", Kind: KindTime}},
	Identity: []string{"id"}, Status: "status",
}

var rowTable = Table{
	Columns:  []Column{{Name: "target_id"}, {Name: "user_id"}, {Name: "user_email"}},
	Identity: []string{"user_id", "user_email"}, Required: []string{"target_id"},
}

func decode(t *testing.T, s string) any {
	t.Helper()
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// got is a Record's values, for comparison.
type got struct {
	Strings map[string]string
	Ints    map[string]*int
	Times   map[string]time.Time
	Extra   map[string]any
}

func values(tb Table, r Record) got {
	g := got{Extra: r.Extra}
	for _, c := range tb.Columns {
		switch c.Kind {
		case KindString:
			if s := r.String(c.Name); s != "" {
				if g.Strings == nil {
					g.Strings = map[string]string{}
				}
				g.Strings[c.Name] = s
			}
		case KindInt:
			if n := r.Int(c.Name); n != nil {
				if g.Ints == nil {
					g.Ints = map[string]*int{}
				}
				g.Ints[c.Name] = n
			}
		case KindTime:
			if ts := r.Time(c.Name); !ts.IsZero() {
				if g.Times == nil {
					g.Times = map[string]time.Time{}
				}
				g.Times[c.Name] = ts
			}
		}
	}
	return g
}

func ip(n int) *int { return &n }

func TestTableMap(t *testing.T) {
	t.Parallel()
	lic := Spec{Fields: map[string]string{"id": "skuId", "name": "sku", "total": "prepaid.enabled", "assigned": "consumed", "state": "state"},
		Fallbacks: map[string][]string{"name": {"displayName"}}}
	app := Spec{Fields: map[string]string{"id": "id", "status": "status", "created": "created"},
		StatusValues: map[string]string{"ACTIVE": "active"}, TimeFormat: "unix"}
	row := Spec{Fields: map[string]string{"target_id": "sku", "user_id": "user", "user_email": "mail"}}
	tests := []struct {
		name    string
		table   Table
		spec    Spec
		rec     string
		want    got
		wantErr string
	}{
		{name: "license with counts", table: licenseTable, spec: lic,
			rec: `{"skuId": "E3", "sku": "ENTERPRISEPACK", "prepaid": {"enabled": 25}, "consumed": 0, "state": {"a": 1}}`,
			want: got{Strings: map[string]string{"id": "E3", "name": "ENTERPRISEPACK"}, Ints: map[string]*int{"total": ip(25), "assigned": ip(0)},
				Extra: map[string]any{"state": map[string]any{"a": json.Number("1")}}}},
		{name: "unknown counts stay nil, fallback name", table: licenseTable, spec: lic,
			rec:  `{"skuId": "E5", "displayName": "E5 plan", "prepaid": null, "consumed": " "}`,
			want: got{Strings: map[string]string{"id": "E5", "name": "E5 plan"}}},
		{name: "numeric string and integral float", table: licenseTable, spec: lic,
			rec:  `{"skuId": "X", "prepaid": {"enabled": "7"}, "consumed": 3.0}`,
			want: got{Strings: map[string]string{"id": "X"}, Ints: map[string]*int{"total": ip(7), "assigned": ip(3)}}},
		{name: "fraction is an error", table: licenseTable, spec: lic, rec: `{"skuId": "X", "consumed": 1.5}`,
			wantErr: `mapping: field "assigned" path "consumed": want an integer, got 1.5`},
		{name: "word is an error", table: licenseTable, spec: lic, rec: `{"skuId": "X", "consumed": "many"}`,
			wantErr: `mapping: field "assigned" path "consumed": want an integer, got "many"`},
		{name: "boolean is an error", table: licenseTable, spec: lic, rec: `{"skuId": "X", "consumed": true}`,
			wantErr: `want an integer, got a JSON boolean`},
		{name: "no identity", table: licenseTable, spec: lic, rec: `{"consumed": 1}`,
			wantErr: `mapping: field "id" path "skuId": ` + ErrMissingValue.Error()},
		{name: "app status mapped, time parsed", table: appTable, spec: app, rec: `{"id": "a", "status": "active", "created": 1700000000}`,
			want: got{Strings: map[string]string{"id": "a", "status": "active"}, Times: map[string]time.Time{"created": time.Unix(1700000000, 0).UTC()}}},
		{name: "app status kept when not listed", table: appTable, spec: app, rec: `{"id": "a", "status": "STAGED"}`,
			want: got{Strings: map[string]string{"id": "a", "status": "STAGED"}}},
		{name: "bad time", table: appTable, spec: app, rec: `{"id": "a", "created": "yesterday"}`,
			wantErr: `mapping: field "created" path "created"`},
		{name: "row", table: rowTable, spec: row, rec: `{"sku": "E3", "mail": "a@x.test"}`,
			want: got{Strings: map[string]string{"target_id": "E3", "user_email": "a@x.test"}}},
		{name: "row without target", table: rowTable, spec: row, rec: `{"sku": "", "user": "u1"}`,
			wantErr: `mapping: field "target_id" path "sku": ` + ErrMissingValue.Error()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m, err := CompileTable(tt.spec, tt.table)
			if err != nil {
				t.Fatalf("CompileTable: %v", err)
			}
			r, err := m.Map(decode(t, tt.rec))
			if tt.wantErr != "" {
				var fe *FieldError
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !errors.As(err, &fe) {
					t.Fatalf("Map error = %v, want a *FieldError containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Map: %v", err)
			}
			if diff := cmp.Diff(tt.want, values(tt.table, r)); diff != "" {
				t.Errorf("record (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCompileTableErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		table Table
		spec  Spec
		want  []string // FieldError.Field of each problem
	}{
		{"extra refused", rowTable, Spec{Fields: map[string]string{"target_id": "a", "user_id": "b", "team": "c"}}, []string{"team"}},
		{"identity and required missing", rowTable, Spec{Fields: map[string]string{"team": "c"}}, []string{"team", "user_id", "target_id"}},
		{"bad path", licenseTable, Spec{Fields: map[string]string{"id": "a[", "total": "b"}}, []string{"id"}},
		{"empty path and bad fallback", licenseTable, Spec{Fields: map[string]string{"id": " ", "name": "n"}, Fallbacks: map[string][]string{"name": {"x["}, "total": {"y"}}},
			[]string{"id", "fallbacks.name[0]", "fallbacks.total"}},
		{"status values without status column", licenseTable, Spec{Fields: map[string]string{"id": "a"}, StatusValues: map[string]string{"A": "b"}}, []string{"status_values"}},
		{"status values without status path", appTable, Spec{Fields: map[string]string{"id": "a"}, StatusValues: map[string]string{"A": "b"}}, []string{"status_values"}},
		{"last activity and time format", appTable, Spec{Fields: map[string]string{"id": "a"}, LastActivityField: "x", TimeFormat: "bogus"}, []string{"last_activity_field", "time_format"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := CompileTable(tt.spec, tt.table)
			var fields []string
			for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
				var fe *FieldError
				if !errors.As(e, &fe) {
					t.Fatalf("%v is not a *FieldError", e)
				}
				fields = append(fields, fe.Field)
			}
			if diff := cmp.Diff(tt.want, fields); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMapUserLicenses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, path, rec string
		want            []string
		wantErr         string
	}{
		{"array of ids", "licenses", `{"id": "u", "licenses": ["E3", "", null, 5]}`, []string{"E3", "5"}, ""},
		{"wildcard", "assigned[*].skuId", `{"id": "u", "assigned": [{"skuId": "E3"}, {"skuId": "E5"}]}`, []string{"E3", "E5"}, ""},
		{"single value", "plan", `{"id": "u", "plan": "pro"}`, []string{"pro"}, ""},
		{"SCIM values", "entitlements", `{"id": "u", "entitlements": [{"value": "A"}, {"value": "B"}]}`, []string{"A", "B"}, ""},
		{"absent", "licenses", `{"id": "u"}`, nil, ""},
		{"object element", "licenses", `{"id": "u", "licenses": [{"sku": "E3"}]}`, nil, `field "licenses" path "licenses": element 0: want a string`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := MustCompile(Spec{Fields: map[string]string{"id": "id", "licenses": tt.path}})
			u, err := m.Map(decode(t, tt.rec))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Map error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Map: %v", err)
			}
			if diff := cmp.Diff(tt.want, u.Licenses); diff != "" {
				t.Errorf("Licenses (-want +got):\n%s", diff)
			}
		})
	}
}

func ExampleCompileTable() {
	// A license's fields: integers stay nil when the vendor does not say.
	table := Table{
		Columns:  []Column{{Name: "id"}, {Name: "total", Kind: KindInt}, {Name: "assigned", Kind: KindInt}},
		Identity: []string{"id"}, Extra: true,
	}
	m, err := CompileTable(Spec{Fields: map[string]string{"id": "skuId", "total": "prepaidUnits.enabled", "assigned": "consumedUnits"}}, table)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, rec := range []string{`{"skuId": "E3", "prepaidUnits": {"enabled": 25}, "consumedUnits": 0}`, `{"skuId": "E5", "consumedUnits": "3"}`} {
		var v any
		_ = json.Unmarshal([]byte(rec), &v)
		r, _ := m.Map(v)
		fmt.Println(r.String("id"), show(r.Int("total")), show(r.Int("assigned")))
	}
	// Output:
	// E3 25 0
	// E5 unknown 3
}

func show(n *int) string {
	if n == nil {
		return "unknown"
	}
	return fmt.Sprint(*n)
}
