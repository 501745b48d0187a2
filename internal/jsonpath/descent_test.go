package jsonpath

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// nested returns {"users":[n], "child":{...}} nested depth levels deep.
func nested(depth int) any {
	var doc any = map[string]any{"users": []any{0}}
	for n := 1; n < depth; n++ {
		doc = map[string]any{"users": []any{n}, "child": doc}
	}
	return doc
}

func TestDescentMatches(t *testing.T) {
	doc := decode(t, `{"a":{"id":1,"b":[{"id":2},{"id":3,"c":{"id":4}}]},"id":0,"list":[[5,6],[7]]}`)
	tests := []struct {
		expr string
		want any
		ok   bool
	}{
		{"$..id", []any{n("0"), n("1"), n("2"), n("3"), n("4")}, true}, // the node itself first
		{"a..id", []any{n("1"), n("2"), n("3"), n("4")}, true},
		{"a.b..id", []any{n("2"), n("3"), n("4")}, true},
		{"$..c.id", []any{n("4")}, true},
		{"$..b[1].id", []any{n("3")}, true},
		{"list..[0]", []any{[]any{n("5"), n("6")}, n("5"), n("7")}, true},
		{"$..b[*].id", []any{n("2"), n("3")}, true},
		{"$..b[?(@.id > 2)].id", []any{n("3")}, true},
		{"list..*", []any{[]any{n("5"), n("6")}, []any{n("7")}, n("5"), n("6"), n("7")}, true},
		{"$..missing", nil, false},
		{"nothing..id", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			p, err := Compile(tt.expr)
			if err != nil {
				t.Fatalf("Compile: %v", err)
			}
			if p.Simple() {
				t.Error("Simple() = true for a recursive descent")
			}
			got, ok := p.Get(doc)
			if ok != tt.ok || !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Get = %#v, %v; want %#v, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestCheckRejectsPathological(t *testing.T) {
	tests := []struct {
		expr   string
		offset int
		msg    string
	}{
		{"$..*..*..*", 4, "more than one recursive descent '..' (the first is at offset 1)"},
		{"a..b..c", 4, "more than one recursive descent"},
		{"$[?(@..x)]", 5, "inside a filter or script"},
		{"a[*]..id", 4, "must follow a simple path"},
		{"$..", 3, "missing key after '..'"},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			for name, err := range map[string]error{"Check": Check(tt.expr), "Compile": compileErr(tt.expr)} {
				if tt.msg == "missing key after '..'" && name == "Check" {
					continue // a syntax error, not a cost: Compile's to find
				}
				var se *SyntaxError
				if !errors.As(err, &se) {
					t.Fatalf("%s(%q) = %v, want a *SyntaxError", name, tt.expr, err)
				}
				if se.Offset != tt.offset || !strings.Contains(se.Msg, tt.msg) {
					t.Errorf("%s(%q) = %v, want offset %d and %q", name, tt.expr, err, tt.offset, tt.msg)
				}
			}
		})
	}
	for _, ok := range []string{"$..id", "$..*", "a.b..c[*].d", `$..["@odata.id"]`, "a[?(@.x == '..')]", "emails[0].value"} {
		if err := Check(ok); err != nil {
			t.Errorf("Check(%q) = %v, want nil", ok, err)
		}
	}
}

func compileErr(expr string) error {
	_, err := Compile(expr)
	return err
}

func TestDescentBounds(t *testing.T) {
	deep := any(map[string]any{"users": 1})
	for range MaxDescentDepth + 1 {
		deep = []any{deep}
	}
	p := MustCompile("$..users")
	if _, ok, err := p.Eval(t.Context(), deep); ok || !errors.Is(err, ErrBudget) {
		t.Errorf("Eval on a document deeper than MaxDescentDepth = %v, %v; want ErrBudget", ok, err)
	}
	if _, ok := p.Get(deep); ok {
		t.Error("Get past the depth bound = ok, want not ok")
	}

	old := visitBudget
	visitBudget = 100
	t.Cleanup(func() { visitBudget = old })
	if _, _, err := p.Eval(t.Context(), nested(200)); !errors.Is(err, ErrBudget) {
		t.Errorf("Eval past the visit budget: err = %v, want ErrBudget", err)
	}
	got, ok, err := p.Eval(t.Context(), nested(10))
	if err != nil || !ok || len(got.([]any)) != 10 {
		t.Errorf("Eval within the budget = %v, %v, %v; want 10 matches", got, ok, err)
	}
}

func TestDescentContext(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	doc := nested(2000)
	_, ok, err := MustCompile("$..users").Eval(ctx, doc)
	if ok || !errors.Is(err, context.Canceled) {
		t.Errorf("Eval with a cancelled context = %v, %v; want context.Canceled", ok, err)
	}
	got, ok, err := MustCompile("$..users").Eval(t.Context(), doc)
	if err != nil || !ok || len(got.([]any)) != 2000 {
		t.Fatalf("Eval at depth 2000: %d matches, %v, %v; want 2000", len(got.([]any)), ok, err)
	}
	if first := got.([]any)[0].([]any)[0]; first != 1999 {
		t.Errorf("first match = %v, want the outermost (1999)", first)
	}
}

func BenchmarkDescentDepth(b *testing.B) {
	p := MustCompile("$..users")
	for _, depth := range []int{1000, 2000, 4000} {
		doc := nested(depth)
		b.Run(fmt.Sprintf("depth=%d", depth), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, ok := p.Get(doc); !ok {
					b.Fatal("no match")
				}
			}
		})
	}
}

func n(s string) json.Number { return json.Number(s) }
