package placeholder

import (
	"slices"
	"testing"
)

func TestNames(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"no placeholders", nil},
		{"{base_url}/users/{id}", []string{"base_url", "id"}},
		{"{a.b-c}{a.b-c}", []string{"a.b-c", "a.b-c"}},
		{"{1bad} {} { spaced } {ok_1}", []string{"ok_1"}},
	}
	for _, tt := range tests {
		if got := Names(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("Names(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestInValue(t *testing.T) {
	v := map[string]any{
		"user": "{login_user}",
		"nested": map[string]any{
			"list": []any{"{b}", 1, true, nil, "{a}"},
		},
		"again": "{login_user}",
		"n":     42,
	}
	// Map keys in order: again, n, nested, user.
	want := []string{"login_user", "b", "a", "login_user"}
	if got := InValue(v); !slices.Equal(got, want) {
		t.Errorf("InValue = %v, want %v", got, want)
	}
	if got := InValue(nil); got != nil {
		t.Errorf("InValue(nil) = %v", got)
	}
}
