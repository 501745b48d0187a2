// Package jsonpath evaluates JSON paths on decoded JSON documents.
//
// A decoded JSON document is what encoding/json produces with
// [json.Decoder.UseNumber]: map[string]any, []any, string, json.Number, bool
// and nil. float64 numbers (json.Unmarshal without UseNumber) are accepted
// too.
//
// Two kinds of expression are understood:
//
//   - Simple paths, evaluated directly by this package without allocating:
//     dot keys (profile.email), array indexes (emails[0].value, a negative
//     index counts from the end: emails[-1]), and bracket keys for keys that
//     hold dots, '@' or other punctuation (["@odata.nextLink"],
//     a["x.y"], a['x.y']). A leading "$" or "$." is allowed. A dot key may
//     hold any byte except whitespace and . [ ] * ? ( ) @ , : $ = < > ! & | '
//     " \ — so attributes.first-name is simple.
//   - Recursive descent, prefix..rest ($..id, data..users[*]): the simple
//     prefix selects a node, and rest is applied to it and to every node
//     below it, in document order (object keys sorted). This package walks
//     the document itself, in time linear in its size, within a work
//     budget ([MaxVisits], [MaxDescentDepth]) and checking the context
//     ([Path.Eval]). An expression may hold one ".." only, outside filters,
//     after a simple prefix: [Check] and [Compile] refuse the others, whose
//     cost grows faster than the document.
//   - Anything else (wildcards [*] and .*, filters [?(@.primary==true)],
//     slices [1:3], unions [0,1]) is a general
//     JSONPath expression, compiled once by github.com/PaesslerAG/jsonpath
//     and evaluated by it. A general expression without a leading "$" gets
//     one ("emails[*].value" means "$.emails[*].value"). Dot keys outside
//     brackets and parentheses are rewritten to bracket keys first, so
//     data[*].attributes.first-name works as written. Inside a filter
//     expression keys are read by the expression scanner: bracket any key
//     that is not a plain identifier there, @['first-name'], or the dash
//     reads as a minus.
//
// The empty expression (and "$") selects the document itself.
//
// A path that starts with "$key" (alone, or followed by '.' or '[') reads
// the key named "$key", not a key of the root: the connector package sets
// it on records taken from the values of an object keyed by id.
//
// Singleton leniency: an index 0 or -1 applied to a JSON object selects the
// object itself, so emails[0].value reads both the SCIM array form
// {"emails":[{"value":…}]} and the single-object form some vendors send
// ({"emails":{"value":…}}, Figma's SCIM example).
//
// Filter expressions support ==, !=, <, <=, >, >= (following [Equal] and
// [Compare]: numbers compare numerically whatever their Go type and
// integers exactly, a boolean equals the strings "true"/"false"), &&, ||,
// !, the regular-expression matches =~ and !~, string literals in single
// or double quotes, numbers, true, false and null. A bare operand such as
// [?(@.primary)] is true for true and "true".
package jsonpath

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/PaesslerAG/gval"
)

// KeyName is the key a simple path starting with "$key" reads first.
const KeyName = "$key"

// Path is a compiled JSON path. It is immutable and safe for concurrent use.
// The zero Path selects the document itself.
type Path struct {
	expr  string
	steps []Step
	eval  gval.Evaluable // non-nil for general expressions
	desc  *descent       // non-nil for expressions with a recursive descent
}

// Step is one step of a simple path: a map key, or an array index when
// IsIndex is true (negative indexes count from the end).
type Step struct {
	Key     string
	Index   int
	IsIndex bool
}

// SyntaxError reports an expression that does not compile. Offset is the
// byte offset in Expr where the problem was found.
type SyntaxError struct {
	Expr   string
	Offset int
	Msg    string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("jsonpath: %s at offset %d in %q", e.Msg, e.Offset, e.Expr)
}

// Compile parses expr. A failure is a *SyntaxError naming the byte offset of
// the problem. Compile refuses the expressions [Check] refuses.
func Compile(expr string) (*Path, error) {
	steps, err := parseSimple(expr)
	if err == nil {
		return &Path{expr: expr, steps: steps}, nil
	}
	if err != errGeneral {
		return nil, err
	}
	offs, nested := descents(expr)
	if err := checkDescents(expr, offs, nested); err != nil {
		return nil, err
	}
	if len(offs) == 1 {
		d, err := compileDescent(expr, offs[0])
		if err != nil {
			return nil, err
		}
		return &Path{expr: expr, desc: d}, nil
	}
	eval, err := compileGeneral(expr)
	if err != nil {
		return nil, err
	}
	return &Path{expr: expr, eval: eval}, nil
}

// MustCompile is like Compile but panics on error. It is meant for
// package-level variables holding constant expressions.
func MustCompile(expr string) *Path {
	p, err := Compile(expr)
	if err != nil {
		panic(err)
	}
	return p
}

// String returns the expression p was compiled from.
func (p *Path) String() string {
	if p == nil {
		return ""
	}
	return p.expr
}

// Simple reports whether p is a simple path, evaluated without the general
// JSONPath engine.
func (p *Path) Simple() bool { return p == nil || (p.eval == nil && p.desc == nil) }

// Keys returns the steps of a simple path (nil for the document itself and
// for general expressions). The caller must not modify the result.
func (p *Path) Keys() []Step {
	if p == nil {
		return nil
	}
	return p.steps
}

// MarshalText implements encoding.TextMarshaler: the expression.
func (p *Path) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler by compiling text.
func (p *Path) UnmarshalText(text []byte) error {
	q, err := Compile(string(text))
	if err != nil {
		return err
	}
	*p = *q
	return nil
}

// Get evaluates p on doc. ok is false when the path selects nothing (a
// missing key, an index out of range, a step into a scalar, or a general
// expression that fails or matches nothing). A JSON null that is present
// yields (nil, true). General expressions with wildcards or filters yield
// a []any of the matches.
//
// Get on a simple path does not allocate.
func (p *Path) Get(doc any) (v any, ok bool) {
	if p == nil {
		return doc, true
	}
	if p.eval != nil || p.desc != nil {
		v, ok, _ := p.Eval(context.Background(), doc)
		return v, ok
	}
	v = doc
	for i := range p.steps {
		s := &p.steps[i]
		if !s.IsIndex {
			m, isMap := v.(map[string]any)
			if !isMap {
				return nil, false
			}
			if v, ok = m[s.Key]; !ok {
				return nil, false
			}
			continue
		}
		switch a := v.(type) {
		case []any:
			idx := s.Index
			if idx < 0 {
				idx += len(a)
			}
			if idx < 0 || idx >= len(a) {
				return nil, false
			}
			v = a[idx]
		case map[string]any:
			if s.Index != 0 && s.Index != -1 {
				return nil, false
			}
			// Singleton leniency: the object stands for a one-element array.
		default:
			return nil, false
		}
	}
	return v, true
}

// First is like Get but, for a general expression that yields a list of
// matches, returns the first match. For a simple path it is Get.
func (p *Path) First(doc any) (v any, ok bool) {
	v, ok = p.Get(doc)
	if ok && !p.Simple() {
		if list, isList := v.([]any); isList {
			if len(list) == 0 {
				return nil, false
			}
			return list[0], true
		}
	}
	return v, ok
}

// Eval is Get with a context and an error: it returns ctx's error when ctx
// is done during a recursive descent, and an error wrapping [ErrBudget]
// when the descent would visit more than [MaxVisits] nodes or go deeper
// than [MaxDescentDepth]. Otherwise it returns what Get returns, with a nil
// error. A recursive descent "$..key" yields a []any of the matches in
// document order (object keys sorted).
func (p *Path) Eval(ctx context.Context, doc any) (v any, ok bool, err error) {
	switch {
	case p.Simple():
		v, ok = p.Get(doc)
		return v, ok, nil
	case p.desc != nil:
		list, err := p.desc.eval(ctx, doc)
		if err != nil || len(list) == 0 {
			return nil, false, err
		}
		return list, true, nil
	}
	v, ok = p.getGeneral(ctx, doc)
	return v, ok, nil
}

func (p *Path) getGeneral(ctx context.Context, doc any) (v any, ok bool) {
	defer func() {
		// The general engine is third-party code: a panic on a strange
		// document must not take the caller down.
		if recover() != nil {
			v, ok = nil, false
		}
	}()
	v, err := p.eval(ctx, doc)
	if err != nil {
		return nil, false
	}
	if list, isList := v.([]any); isList && len(list) == 0 {
		return nil, false
	}
	return v, true
}

// errGeneral signals that an expression is not a simple path.
var errGeneral = &SyntaxError{Msg: "not a simple path"}

// keyByte reports whether c may appear in a dot key of a simple path.
func keyByte(c byte) bool {
	switch c {
	case '.', '[', ']', '*', '?', '(', ')', '@', ',', ':', '$', '=', '<', '>', '!', '&', '|', '\'', '"', '\\',
		' ', '\t', '\n', '\r', '\v', '\f':
		return false
	}
	return true
}

// parseSimple parses a simple path. It returns errGeneral for expressions
// that use general JSONPath syntax and a *SyntaxError for malformed ones.
func parseSimple(expr string) ([]Step, error) {
	i := 0
	var steps []Step
	first := true
	if rest, ok := strings.CutPrefix(expr, KeyName); ok && (rest == "" || rest[0] == '.' || rest[0] == '[') {
		steps, i, first = []Step{{Key: KeyName}}, len(KeyName), false
	} else if strings.HasPrefix(expr, "$") {
		i = 1
		if len(expr) == 1 {
			return nil, nil
		}
		if expr[1] != '.' && expr[1] != '[' {
			return nil, synErr(expr, 1, "want '.' or '[' after '$'")
		}
		if expr[1] == '.' {
			i = 2
			if i == len(expr) {
				return nil, synErr(expr, i, "missing key after '$.'")
			}
		}
	}
	for i < len(expr) {
		c := expr[i]
		switch {
		case c == '[':
			st, next, err := parseBracket(expr, i)
			if err != nil {
				return nil, err
			}
			steps = append(steps, st)
			i = next
		case c == '.' && !first:
			i++
			if i == len(expr) {
				return nil, synErr(expr, i, "missing key after '.'")
			}
			if expr[i] == '.' || expr[i] == '*' {
				return nil, errGeneral // recursive descent or wildcard
			}
			if expr[i] == '[' {
				return nil, synErr(expr, i, "unexpected '[' after '.'")
			}
			fallthrough
		default:
			if !first && expr[i-1] != '.' {
				return nil, synErr(expr, i, "want '.' or '[' between steps")
			}
			j := i
			for j < len(expr) && keyByte(expr[j]) {
				j++
			}
			if j == i {
				return nil, classify(expr, i)
			}
			steps = append(steps, Step{Key: expr[i:j]})
			i = j
			if i < len(expr) && expr[i] != '.' && expr[i] != '[' {
				return nil, classify(expr, i)
			}
		}
		first = false
	}
	return steps, nil
}

// classify decides whether an unexpected byte at off starts general
// JSONPath syntax or is an error.
func classify(expr string, off int) error {
	switch expr[off] {
	case '*', '?', '(', '@', '.':
		return errGeneral
	case ']':
		return synErr(expr, off, "unexpected ']'")
	}
	r, _ := utf8.DecodeRuneInString(expr[off:])
	return synErr(expr, off, fmt.Sprintf("unexpected %q in key (use a bracket key like [\"a b\"])", r))
}

// parseBracket parses the bracket step starting at expr[i] == '['.
func parseBracket(expr string, i int) (Step, int, error) {
	j := i + 1
	if j >= len(expr) {
		return Step{}, 0, synErr(expr, i, "unterminated '['")
	}
	switch c := expr[j]; {
	case c == '"' || c == '\'':
		key, end, err := parseQuoted(expr, j)
		if err != nil {
			return Step{}, 0, err
		}
		if end >= len(expr) {
			return Step{}, 0, synErr(expr, i, "unterminated '['")
		}
		if expr[end] == ',' {
			return Step{}, 0, errGeneral // union of keys
		}
		if expr[end] != ']' {
			return Step{}, 0, synErr(expr, end, "want ']' after quoted key")
		}
		return Step{Key: key}, end + 1, nil
	case c == '-' || (c >= '0' && c <= '9'):
		k := j
		if c == '-' {
			k++
		}
		start := k
		for k < len(expr) && expr[k] >= '0' && expr[k] <= '9' {
			k++
		}
		if k == start {
			if k < len(expr) && expr[k] == ':' {
				return Step{}, 0, errGeneral
			}
			return Step{}, 0, synErr(expr, k, "want digits after '-'")
		}
		if k >= len(expr) {
			return Step{}, 0, synErr(expr, i, "unterminated '['")
		}
		switch expr[k] {
		case ']':
		case ':', ',':
			return Step{}, 0, errGeneral // slice or union
		default:
			return Step{}, 0, synErr(expr, k, "want ']' after index")
		}
		n, err := strconv.Atoi(expr[j:k])
		if err != nil {
			return Step{}, 0, synErr(expr, j, "index out of range")
		}
		return Step{Index: n, IsIndex: true}, k + 1, nil
	case c == '*' || c == '?' || c == '(' || c == ':':
		return Step{}, 0, errGeneral
	case c == ']':
		return Step{}, 0, synErr(expr, j, "empty brackets")
	default:
		return Step{}, 0, synErr(expr, j, "want an index, a quoted key, '*' or a filter in brackets")
	}
}

// parseQuoted parses the quoted key starting at expr[q] (a ' or ") and
// returns the key and the offset just after the closing quote.
func parseQuoted(expr string, q int) (string, int, error) {
	quote := expr[q]
	k := q + 1
	escaped := false
	for ; k < len(expr); k++ {
		if expr[k] == '\\' {
			escaped = true
			k++
			continue
		}
		if expr[k] == quote {
			break
		}
	}
	if k >= len(expr) {
		return "", 0, synErr(expr, q, "unterminated quoted key")
	}
	raw := expr[q+1 : k]
	if !escaped {
		return raw, k + 1, nil
	}
	var b strings.Builder
	for m := 0; m < len(raw); m++ {
		c := raw[m]
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		m++
		switch raw[m] {
		case '\\', '\'', '"', '/':
			b.WriteByte(raw[m])
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case 'r':
			b.WriteByte('\r')
		case 'u':
			if m+5 > len(raw) {
				return "", 0, synErr(expr, q+1+m-1, "short \\u escape")
			}
			n, err := strconv.ParseUint(raw[m+1:m+5], 16, 32)
			if err != nil {
				return "", 0, synErr(expr, q+1+m-1, "bad \\u escape")
			}
			b.WriteRune(rune(n))
			m += 4
		default:
			return "", 0, synErr(expr, q+1+m-1, fmt.Sprintf("unknown escape \\%c", raw[m]))
		}
	}
	return b.String(), k + 1, nil
}

func synErr(expr string, off int, msg string) *SyntaxError {
	return &SyntaxError{Expr: expr, Offset: off, Msg: msg}
}
