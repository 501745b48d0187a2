package jsonpath

import (
	"encoding/json"
	"testing"
)

func TestEqual(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a, b any
		want bool
	}{
		{json.Number("1"), float64(1), true},
		{json.Number("1.0"), json.Number("1"), true},
		{json.Number("1.5"), 1.5, true},
		{json.Number("12345678901234567"), json.Number("12345678901234568"), false},
		{json.Number("12345678901234567"), json.Number("12345678901234567"), true},
		{json.Number("123456789012345678901"), json.Number("123456789012345678902"), false},
		{json.Number("123456789012345678901"), "123456789012345678901", true},
		{json.Number("1e400"), json.Number("1e400"), true},
		{json.Number("42"), "42", true},
		{"42", json.Number("42.0"), true},
		{"42", 42, true},
		{"42", "42.0", false},
		{"abc", json.Number("1"), false},
		{json.Number("x"), json.Number("x"), false},
		{true, "true", true},
		{true, "TRUE", true},
		{"false", false, true},
		{true, "yes", false},
		{true, 1, false},
		{true, true, true},
		{true, false, false},
		{nil, nil, true},
		{nil, "", false},
		{"", nil, false},
		{nil, false, false},
		{"a", "A", false},
		{[]any{json.Number("1"), "x"}, []any{1.0, "x"}, true},
		{[]any{1.0}, []any{1.0, 2.0}, false},
		{[]any{1.0}, "x", false},
		{map[string]any{"a": json.Number("1")}, map[string]any{"a": 1.0}, true},
		{map[string]any{"a": 1.0}, map[string]any{"b": 1.0}, false},
		{map[string]any{"a": 1.0}, []any{}, false},
		{int64(3), uint(3), true},
		{float32(0.5), 0.5, true},
		{uint64(1 << 63), float64(1 << 63), true},
		{"NaN", 1.0, false},
	}
	for _, tt := range tests {
		if got := Equal(tt.a, tt.b); got != tt.want {
			t.Errorf("Equal(%#v, %#v) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
		if got := Equal(tt.b, tt.a); got != tt.want {
			t.Errorf("Equal(%#v, %#v) (swapped) = %v, want %v", tt.b, tt.a, got, tt.want)
		}
	}
}

func TestCompare(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a, b any
		want int
		ok   bool
	}{
		{json.Number("2"), json.Number("10"), -1, true},
		{"2", "10", 1, true}, // strings compare as strings
		{"2", json.Number("10"), -1, true},
		{1.5, json.Number("1"), 1, true},
		{json.Number("1e400"), json.Number("1"), 1, true},
		{json.Number("99999999999999999999"), json.Number("99999999999999999998"), 1, true},
		{json.Number("9007199254740993"), 9007199254740992.0, 1, true},
		{true, false, 0, false},
		{nil, 1, 0, false},
		{"a", 1, 0, false},
	}
	for _, tt := range tests {
		got, ok := Compare(tt.a, tt.b)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Compare(%#v, %#v) = %d %v, want %d %v", tt.a, tt.b, got, ok, tt.want, tt.ok)
		}
	}
}

func TestNumber(t *testing.T) {
	t.Parallel()
	for _, v := range []any{json.Number("2"), 2.0, 2, int64(2), int32(2), float32(2), uint(2), uint64(2)} {
		if f, ok := Number(v); !ok || f != 2 {
			t.Errorf("Number(%#v) = %v %v", v, f, ok)
		}
	}
	for _, v := range []any{"2", nil, true, json.Number("x")} {
		if _, ok := Number(v); ok {
			t.Errorf("Number(%#v) ok", v)
		}
	}
	if f, ok := Number(json.Number("0.25")); !ok || f != 0.25 {
		t.Errorf("Number(0.25) = %v %v", f, ok)
	}
}

func jsonNumber(s string) json.Number { return json.Number(s) }
