package mapping

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/saasconnect/saasconnect"
)

func TestValueMaps(t *testing.T) {
	t.Parallel()
	zoom := MustCompile(Spec{
		Fields:    map[string]string{"id": "id", "role": "type", "license": "type", "flags": "flags"},
		ValueMaps: map[string]map[string]string{"role": {"1": "basic", "2": "licensed", "3": "on_prem"}, "license": {"1": "basic", "true": "yes", "1.5": "half", "Pro": "pro", "*": "other"}, "flags": {"true": "yes", "false": "no"}},
	})
	tests := []struct {
		name      string
		typ       any
		flags     any
		wantRole  string
		wantExtra map[string]any
	}{
		{"json number", json.Number("2"), nil, "licensed", map[string]any{"license": "other"}},
		{"number with fraction zeros", json.Number("1.0"), nil, "basic", map[string]any{"license": "basic"}},
		{"float64", float64(3), nil, "on_prem", map[string]any{"license": "other"}},
		{"numeric string", "1", nil, "basic", map[string]any{"license": "basic"}},
		{"shortest text", json.Number("1.50"), nil, "1.50", map[string]any{"license": "half"}},
		{"not listed passes through", json.Number("7"), nil, "7", map[string]any{"license": "other"}},
		{"boolean key", true, nil, "true", map[string]any{"license": "yes"}},
		{"case-insensitive", "PRO", nil, "PRO", map[string]any{"license": "pro"}},
		{"array system field takes its first element", []any{json.Number("1"), json.Number("2")}, nil, "basic",
			map[string]any{"license": []any{"basic", "other"}}},
		{"extra booleans", json.Number("1"), []any{true, false, "maybe", nil}, "basic",
			map[string]any{"license": "basic", "flags": []any{"yes", "no", "maybe", nil}}},
		{"object value", map[string]any{"value": json.Number("3")}, nil, "on_prem", map[string]any{"license": map[string]any{"value": json.Number("3")}}},
		{"null stays absent", nil, nil, "", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rec := map[string]any{"id": "u1", "type": tc.typ}
			if tc.flags != nil {
				rec["flags"] = tc.flags
			}
			u, err := zoom.Map(rec)
			if err != nil {
				t.Fatalf("Map(%v): %v", rec, err)
			}
			if u.Role != tc.wantRole {
				t.Errorf("Map(%v).Role = %q, want %q", rec, u.Role, tc.wantRole)
			}
			if diff := cmp.Diff(tc.wantExtra, u.Extra); diff != "" {
				t.Errorf("Map(%v).Extra (-want +got):\n%s", rec, diff)
			}
		})
	}
}

func TestValueMapsFallback(t *testing.T) {
	t.Parallel()
	m := MustCompile(Spec{
		Fields:    map[string]string{"id": "id", "title": "kind"},
		Fallbacks: map[string][]string{"title": {"legacy_kind"}},
		ValueMaps: map[string]map[string]string{"title": {"0": "member"}},
	})
	u, err := m.Map(map[string]any{"id": "1", "legacy_kind": json.Number("0")})
	if err != nil || u.Title != "member" {
		t.Errorf("Map(fallback value 0).Title = %q, %v; want member", u.Title, err)
	}
}

func TestNeverValues(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		format string
		never  []string
		v      any
		want   time.Time
	}{
		{"google sentinel", "", []string{"1970-01-01T00:00:00.000Z"}, "1970-01-01T00:00:00.000Z", time.Time{}},
		{"instant equality across forms", "", []string{"2000-01-01T00:00:00.000Z"}, "2000-01-01T01:00:00+01:00", time.Time{}},
		{"epoch number matches a date sentinel", "unix", []string{"2000-01-01T00:00:00Z"}, json.Number("946684800"), time.Time{}},
		{"declared layout", "02/01/2006", []string{"01/01/1900"}, "01/01/1900", time.Time{}},
		{"other times pass", "", []string{"2000-01-01T00:00:00Z"}, "2000-01-01T00:00:01Z", time.Date(2000, 1, 1, 0, 0, 1, 0, time.UTC)},
		{"built-in still never", "", []string{"2000-01-01T00:00:00Z"}, "0001-01-01T00:00:00Z", time.Time{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m, err := Compile(Spec{Fields: map[string]string{"id": "id"}, LastActivityField: "last", TimeFormat: tc.format, NeverValues: tc.never})
			if err != nil {
				t.Fatalf("Compile: %v", err)
			}
			u, err := m.Map(map[string]any{"id": "1", "last": tc.v})
			if err != nil {
				t.Fatalf("Map(last=%v): %v", tc.v, err)
			}
			if !u.LastActivity.Equal(tc.want) || u.LastActivity.IsZero() != tc.want.IsZero() {
				t.Errorf("Map(last=%v).LastActivity = %v, want %v", tc.v, u.LastActivity, tc.want)
			}
		})
	}
}

func TestCompileValueMapsAndNeverValuesErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		spec      Spec
		wantField string
		wantText  string
	}{
		{"status table", Spec{Fields: map[string]string{"id": "id", "status": "s"}, ValueMaps: map[string]map[string]string{"status": {"1": "active"}}},
			"value_maps.status", "use status_values"},
		{"unmapped field", Spec{Fields: map[string]string{"id": "id"}, ValueMaps: map[string]map[string]string{"license": {"1": "basic"}}},
			"value_maps.license", "not in fields"},
		{"odd field name", Spec{Fields: map[string]string{"id": "id"}, ValueMaps: map[string]map[string]string{"a b": {"1": "basic"}}},
			`value_maps["a b"]`, "not in fields"},
		{"empty table", Spec{Fields: map[string]string{"id": "id", "license": "type"}, ValueMaps: map[string]map[string]string{"license": {}}},
			"value_maps.license", "empty table"},
		{"last activity", Spec{Fields: map[string]string{"id": "id", "last_activity": "l"}, ValueMaps: map[string]map[string]string{"last_activity": {"0": "x"}}},
			"value_maps.last_activity", "no value table"},
		{"never value not a time", Spec{Fields: map[string]string{"id": "id"}, LastActivityField: "l", NeverValues: []string{"1970-01-01T00:00:00Z", "never"}},
			"never_values[1]", `not a time: mapping: unrecognised time value: "never"`},
		{"never value not in the layout nor detected", Spec{Fields: map[string]string{"id": "id"}, LastActivityField: "l", TimeFormat: "02/01/2006", NeverValues: []string{"31/02/2000"}},
			"never_values[0]", "not a time"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Compile(tc.spec)
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("Compile = %v, want a *FieldError", err)
			}
			if fe.Field != tc.wantField || !strings.Contains(fe.Error(), tc.wantText) {
				t.Errorf("Compile = %q (field %q), want field %q and text %q", fe.Error(), fe.Field, tc.wantField, tc.wantText)
			}
		})
	}
}

func TestPendingStatus(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		values map[string]string
		v      any
	}{
		{"zoom", nil, "pending"},
		{"slack invited", map[string]string{"true": "pending"}, true},
		{"atlassian", map[string]string{"invited": "pending"}, "INVITED"},
	}
	for _, tc := range tests {
		m := MustCompile(Spec{Fields: map[string]string{"id": "id", "status": "s"}, StatusValues: tc.values})
		u, err := m.Map(map[string]any{"id": "1", "s": tc.v})
		if err != nil || u.Status != saasconnect.StatusPending {
			t.Errorf("%s: Map(status %v).Status = %q, %v; want pending", tc.name, tc.v, u.Status, err)
		}
	}
}
