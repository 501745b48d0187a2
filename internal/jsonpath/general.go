package jsonpath

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"text/scanner"
	"unicode/utf8"

	"github.com/PaesslerAG/gval"
	pjsonpath "github.com/PaesslerAG/jsonpath"
)

// language is the general JSONPath language: PaesslerAG's JSONPath with
// JSON-aware comparison operators (see Equal and Compare), the boolean
// operators &&, || and !, and the regexp match operators =~ and !~.
//
// gval merges languages so that the first definition of an operator wins;
// ours come first.
var language = gval.NewLanguage(
	gval.InfixOperator("==", func(a, b any) (any, error) { return Equal(a, b), nil }),
	gval.InfixOperator("!=", func(a, b any) (any, error) { return !Equal(a, b), nil }),
	gval.InfixOperator("<", ordered(func(c int) bool { return c < 0 })),
	gval.InfixOperator("<=", ordered(func(c int) bool { return c <= 0 })),
	gval.InfixOperator(">", ordered(func(c int) bool { return c > 0 })),
	gval.InfixOperator(">=", ordered(func(c int) bool { return c >= 0 })),
	gval.InfixShortCircuit("&&", func(a any) (any, bool) { return false, !truthy(a) }),
	gval.InfixOperator("&&", func(a, b any) (any, error) { return truthy(a) && truthy(b), nil }),
	gval.InfixShortCircuit("||", func(a any) (any, bool) { return true, truthy(a) }),
	gval.InfixOperator("||", func(a, b any) (any, error) { return truthy(a) || truthy(b), nil }),
	gval.PrefixOperator("!", func(_ context.Context, v any) (any, error) { return !truthy(v), nil }),
	gval.Text(), // =~ and !~ (its other operators are shadowed by ours)
	pjsonpath.Language(),
	// Later prefix extensions win: single-quoted strings ('work'), which
	// gval scans as character literals; integer literals as int64, so that
	// @.id == 12345678901234567 compares exactly (gval reads float64).
	gval.PrefixExtension(scanner.Char, parseSingleQuoted),
	gval.PrefixExtension(scanner.Int, parseInt),
	gval.Constant("null", nil),
)

// parseInt reads an integer literal as an int64 (float64 if it overflows).
func parseInt(_ context.Context, p *gval.Parser) (gval.Evaluable, error) {
	tok := p.TokenText()
	if n, err := strconv.ParseInt(tok, 10, 64); err == nil {
		return p.Const(n), nil
	}
	f, err := strconv.ParseFloat(tok, 64)
	if err != nil {
		return nil, fmt.Errorf("could not parse number %s: %v", tok, err)
	}
	return p.Const(f), nil
}

// parseSingleQuoted reads a single-quoted string literal as a string.
func parseSingleQuoted(_ context.Context, p *gval.Parser) (gval.Evaluable, error) {
	s, err := unquoteSingle(p.TokenText())
	if err != nil {
		return nil, err
	}
	return p.Const(s), nil
}

// unquoteSingle unquotes 'text' with Go/JSON escapes; \' is a quote.
func unquoteSingle(tok string) (string, error) {
	if len(tok) < 2 || tok[0] != '\'' || tok[len(tok)-1] != '\'' {
		return "", fmt.Errorf("could not parse string %s", tok)
	}
	var b strings.Builder
	b.WriteByte('"')
	body := tok[1 : len(tok)-1]
	for i := 0; i < len(body); i++ {
		switch c := body[i]; {
		case c == '\\' && i+1 < len(body) && body[i+1] == '\'':
			b.WriteByte('\'')
			i++
		case c == '\\' && i+1 < len(body):
			b.WriteByte(c)
			b.WriteByte(body[i+1])
			i++
		case c == '"':
			b.WriteString(`\"`)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	s, err := strconv.Unquote(b.String())
	if err != nil {
		return "", fmt.Errorf("could not parse string %s: %v", tok, err)
	}
	return s, nil
}

func ordered(test func(int) bool) func(a, b any) (any, error) {
	return func(a, b any) (any, error) {
		c, ok := Compare(a, b)
		return ok && test(c), nil
	}
}

// truthy is the boolean value of a filter operand: booleans and the
// strings "true"/"false" as themselves, nil and everything else false.
func truthy(v any) bool {
	switch v := v.(type) {
	case bool:
		return v
	case string:
		return strings.EqualFold(v, "true")
	}
	return false
}

// compileGeneral compiles a general JSONPath expression with the PaesslerAG
// engine, after giving it a leading "$" and bracketing dot keys the engine
// cannot scan. Errors are located in the caller's expression.
func compileGeneral(expr string) (ev gval.Evaluable, err error) {
	gexpr, orig := rewrite(expr)
	defer func() {
		if r := recover(); r != nil {
			ev, err = nil, synErr(expr, 0, fmt.Sprintf("general JSONPath engine failed: %v", r))
		}
	}()
	ev, err = language.NewEvaluable(gexpr)
	if err != nil {
		off, msg := locate(err.Error(), gexpr)
		o := len(expr)
		if off < len(orig) {
			o = orig[off]
		}
		return nil, synErr(expr, o, msg)
	}
	return ev, nil
}

// gvalPos matches the position gval appends to parse errors: "- line:col ".
var gvalPos = regexp.MustCompile(`^parsing error: .* - (\d+):(\d+) (.*)$`)

// locate extracts the byte offset in gexpr and the message from a gval
// parse error.
func locate(msg, gexpr string) (int, string) {
	m := gvalPos.FindStringSubmatch(msg)
	if m == nil {
		return len(gexpr), msg
	}
	if strings.HasPrefix(m[3], "unexpected EOF") {
		return len(gexpr), m[3]
	}
	col, _ := strconv.Atoi(m[2])
	// col is a 1-based character column just after the offending token:
	// convert to a byte offset and step back onto the token.
	off := 0
	for n := 1; n < col && off < len(gexpr); n++ {
		_, size := utf8.DecodeRuneInString(gexpr[off:])
		off += size
	}
	if off > 0 {
		_, size := utf8.DecodeLastRuneInString(gexpr[:off])
		off -= size
	}
	return off, m[3]
}

// rewrite returns the expression handed to the general engine and, for
// each of its bytes, the offset of the byte of expr it came from.
//
// It adds the leading "$" (or "$.") and turns dot keys at the top level
// (outside brackets, parentheses and quotes) that the engine's scanner
// cannot read, such as first-name, into bracket keys ["first-name"].
func rewrite(expr string) (string, []int) {
	var out strings.Builder
	orig := make([]int, 0, len(expr)+8)
	emit := func(s string, at int) {
		out.WriteString(s)
		for range len(s) {
			orig = append(orig, at)
		}
	}
	i := 0
	keyPos := false // at the start of a dot key
	switch {
	case strings.HasPrefix(expr, "$"):
	case strings.HasPrefix(expr, "[") || strings.HasPrefix(expr, "."):
		emit("$", 0)
	default:
		emit("$", 0)
		keyPos = true
	}
	depth := 0
	for i < len(expr) {
		c := expr[i]
		if keyPos {
			keyPos = false
			j := i
			for j < len(expr) && keyByte(expr[j]) {
				j++
			}
			if j > i && !identifier(expr[i:j]) {
				emit("[", i)
				q := strconv.Quote(expr[i:j])
				out.WriteString(q)
				for range len(q) {
					orig = append(orig, i)
				}
				emit("]", j-1)
				i = j
				continue
			}
			emit(".", i)
			continue
		}
		switch {
		case c == '"' || c == '\'':
			j := i + 1
			for j < len(expr) && expr[j] != c {
				if expr[j] == '\\' {
					j++
				}
				j++
			}
			if j < len(expr) {
				j++
			}
			j = min(j, len(expr))
			for k := i; k < j; k++ {
				out.WriteByte(expr[k])
				orig = append(orig, k)
			}
			i = j
			continue
		case c == '[' || c == '(':
			depth++
		case c == ']' || c == ')':
			depth--
		case c == '.' && depth == 0 && i+1 < len(expr) && keyByte(expr[i+1]):
			// A dot key: decide at the key whether it needs brackets.
			keyPos = true
			i++
			continue
		}
		out.WriteByte(c)
		orig = append(orig, i)
		i++
	}
	if keyPos {
		emit(".", len(expr)-1)
	}
	return out.String(), orig
}

// identifier reports whether s scans as a single identifier for gval
// (ASCII letters, digits and '_', not starting with a digit).
func identifier(s string) bool {
	for k := 0; k < len(s); k++ {
		c := s[k]
		switch {
		case c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'):
		case c >= '0' && c <= '9' && k > 0:
		default:
			return false
		}
	}
	return true
}
