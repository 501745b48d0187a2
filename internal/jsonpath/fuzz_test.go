package jsonpath

import (
	"errors"
	"strings"
	"testing"
)

func FuzzCompile(f *testing.F) {
	for _, s := range []string{
		"", "$", "a", "a.b", "emails[0].value", `["@odata.nextLink"]`, `a["x.y"]`, "$.a[-1]",
		"emails[?(@.primary==true)].value", "data[*].attributes.first-name", "$..id", "a[0:2]",
		`a['b\'c']`, `a["\u00e9"]`, "a[", "a.b*", "[?(@.x > 1 && @.y =~ 'a')]", "a[0,1]", "..", ".a",
	} {
		f.Add(s)
	}
	doc := decode(f, `{"a":{"b":[1,{"c":"d"}],"x.y":true},"emails":[{"value":"v","primary":true}],"n":null,"s":"str"}`)
	f.Fuzz(func(t *testing.T, expr string) {
		p, err := Compile(expr)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Compile(%q) error %T is not a *SyntaxError", expr, err)
			}
			if se.Offset < 0 || se.Offset > len(expr) {
				t.Fatalf("Compile(%q) offset %d out of range", expr, se.Offset)
			}
			if !strings.Contains(err.Error(), "offset") {
				t.Fatalf("error %q does not name the offset", err)
			}
			return
		}
		if p.String() != expr {
			t.Fatalf("String() = %q, want %q", p.String(), expr)
		}
		p.Get(doc)
		p.First(doc)
		p.Get(nil)
		if p.Simple() {
			// A simple path recompiles to the same steps.
			q, err := Compile(expr)
			if err != nil || len(q.Keys()) != len(p.Keys()) {
				t.Fatalf("recompile of %q differs: %v", expr, err)
			}
		}
	})
}
