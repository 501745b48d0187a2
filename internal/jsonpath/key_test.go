package jsonpath

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestKeyName: "$key" reads the key "$key", which the connector sets on
// records taken from an object keyed by id; "$.key" still reads "key".
func TestKeyName(t *testing.T) {
	doc := map[string]any{"$key": map[string]any{"a": []any{"x", "y"}}, "key": "plain", "$keyed": "other"}
	cases := []struct {
		expr string
		want any
		ok   bool
	}{
		{"$key", map[string]any{"a": []any{"x", "y"}}, true},
		{"$key.a", []any{"x", "y"}, true},
		{"$key.a[1]", "y", true},
		{"$key[\"a\"][0]", "x", true},
		{"$.key", "plain", true},
		{"key", "plain", true},
		{`["$keyed"]`, "other", true},
		{"$key.b", nil, false},
	}
	for _, tc := range cases {
		t.Run(tc.expr, func(t *testing.T) {
			p, err := Compile(tc.expr)
			require.NoError(t, err)
			assert.True(t, p.Simple())
			got, ok := p.Get(doc)
			assert.Equal(t, tc.ok, ok)
			assert.Equal(t, tc.want, got)
		})
	}
	for _, bad := range []string{"$keyed", "$ke", "$key..", "$key.["} {
		_, err := Compile(bad)
		assert.Error(t, err, bad)
	}
}
