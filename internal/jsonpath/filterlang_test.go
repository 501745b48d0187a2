package jsonpath

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestFilterLanguage covers the operators of general filter expressions.
func TestFilterLanguage(t *testing.T) {
	t.Parallel()
	doc := decode(t, `{"items":[
		{"id":1,"name":"it's","flag":"true","n":5,"tags":["a"]},
		{"id":2,"name":"say \"hi\"","first-name":"Ann","flag":false,"n":12345678901234567,"tags":[]},
		{"id":3,"name":"é","flag":true,"n":"7","tags":null}]}`)
	tests := []struct {
		expr string
		want any
	}{
		{`items[?(@.name == 'it\'s')].id`, []any{json1}},
		{`items[?(@.name == "say \"hi\"")].id`, []any{json2}},
		{`items[?(@.name == '\u00e9')].id`, []any{json3}},
		{`items[?(@.name == 'say "hi"')].id`, []any{json2}},
		{`items[?(@.flag)].id`, []any{json1, json3}},
		{`items[?(!@.flag)].id`, []any{json2}},
		{`items[?(@.flag && @.n > 5)].id`, []any{json3}},
		{`items[?(@.flag || @.n == 12345678901234567)].id`, []any{json1, json2, json3}},
		{`items[?(@.n == 12345678901234568)].id`, nil}, // exact: no float rounding
		{`items[?(@.n != 5)].id`, []any{json2, json3}},
		{`items[?(@.n >= 7)].id`, []any{json2, json3}},
		{`items[?(@.n <= 5)].id`, []any{json1}},
		{`items[?(@.n < 6)].id`, []any{json1}},
		{`items[?(@.name > 'j')].id`, []any{json2, json3}},
		{`items[?(@.tags == null)].id`, []any{json3}},
		{`items[?(@.tags != null)].id`, []any{json1, json2}},
		{`items[0:2].id`, []any{json1, json2}},
		{`items[-1:].id`, []any{json3}},
		{`items[0,2].id`, []any{json1, json3}},
		{`items[?(@.n == 0x10)].id`, nil},
		{`items[?(@['first-name'] == 'Ann')].id`, []any{json2}},
		{`items[?(@.name =~ '^say')].id`, []any{json2}},
		{`items[?(@.name !~ '^say')].id`, []any{json1, json3}},
		{`items[?(@.id in [1])].id`, nil}, // "in" is not an operator: no match
	}
	for _, tt := range tests {
		p, err := Compile(tt.expr)
		if err != nil {
			if tt.want == nil {
				continue
			}
			t.Errorf("Compile(%s): %v", tt.expr, err)
			continue
		}
		got, ok := p.Get(doc)
		if tt.want == nil {
			if ok {
				t.Errorf("%s = %v, want no match", tt.expr, got)
			}
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.expr, diff)
		}
	}
}

var (
	json1 = jsonNumber("1")
	json2 = jsonNumber("2")
	json3 = jsonNumber("3")
)

func TestUnquoteSingle(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{`'a'`: "a", `'it\'s'`: "it's", `'a"b'`: `a"b`, `'\n'`: "\n", `'\\'`: `\`, `''`: ""} {
		if got, err := unquoteSingle(in); err != nil || got != want {
			t.Errorf("unquoteSingle(%s) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{`a`, `'a`, `'\q'`, `'`} {
		if _, err := unquoteSingle(in); err == nil {
			t.Errorf("unquoteSingle(%s) succeeded", in)
		}
	}
	if _, err := Compile(`a[?(@.x == '\q')]`); err == nil {
		t.Error("bad escape in a filter compiled")
	}
}

func TestTruthy(t *testing.T) {
	t.Parallel()
	for v, want := range map[any]bool{true: true, false: false, "true": true, "TRUE": true, "false": false, "yes": false, nil: false, 1.0: false} {
		if truthy(v) != want {
			t.Errorf("truthy(%#v) != %v", v, want)
		}
	}
}
