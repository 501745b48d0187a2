package jsonvalue

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestMapStrings(t *testing.T) {
	t.Parallel()
	in := map[string]any{
		"user":  "{username}",
		"args":  map[string]any{"PageNumber": json.Number("1"), "Tags": []any{"{tag}", true, nil}},
		"names": []string{"{a}", "b"},
	}
	upper := func(s string) string { return strings.ToUpper(s) }
	tests := []struct {
		name string
		f    func(string) string
		want any
	}{
		{"clone", nil, in},
		{"upper", upper, map[string]any{
			"user":  "{USERNAME}",
			"args":  map[string]any{"PageNumber": json.Number("1"), "Tags": []any{"{TAG}", true, nil}},
			"names": []string{"{A}", "B"},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := MapStrings(in, tc.f)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("MapStrings (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCloneIsDeep(t *testing.T) {
	t.Parallel()
	in := map[string]any{"a": map[string]any{"b": []any{"c"}}, "d": []string{"e"}}
	out := Clone(in).(map[string]any)
	out["a"].(map[string]any)["b"].([]any)[0] = "changed"
	out["d"].([]string)[0] = "changed"
	out["new"] = 1
	if in["a"].(map[string]any)["b"].([]any)[0] != "c" || in["d"].([]string)[0] != "e" || len(in) != 2 {
		t.Errorf("Clone shares memory with its input: %v", in)
	}
}
