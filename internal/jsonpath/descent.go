package jsonpath

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/PaesslerAG/gval"
)

// Bounds of one evaluation of a recursive-descent expression.
const (
	// MaxVisits is the number of nodes one evaluation of an expression
	// with ".." may visit (descendants walked plus matches produced).
	MaxVisits = 1 << 20
	// MaxDescentDepth is the deepest node ".." descends to, below the node
	// it starts from (encoding/json's nesting limit).
	MaxDescentDepth = 10000
)

// ErrBudget is the error [Path.Eval] returns when a recursive descent
// would visit more than [MaxVisits] nodes or descend deeper than
// [MaxDescentDepth].
var ErrBudget = errors.New("jsonpath: recursive descent exceeds its work budget")

// descent evaluates prefix..rest: the simple prefix selects the node the
// descent starts from, and rest is applied to that node and to each of its
// descendants, in document order (object keys sorted), collecting the
// matches. It runs in time linear in the size of the document (plus rest's
// own work per node), within [MaxVisits] and [MaxDescentDepth].
type descent struct {
	prefix []Step
	steps  []Step         // rest as a simple path (no singleton leniency)
	rest   gval.Evaluable // rest otherwise
	many   bool           // rest selects several values: flatten its matches
}

// visitBudget is MaxVisits; tests lower it.
var visitBudget = MaxVisits

// checkEvery is how many visits pass between context checks (the first
// visit is checked too).
const checkEvery = 1024

type visit struct {
	v     any
	depth int
}

func (d *descent) eval(ctx context.Context, doc any) ([]any, error) {
	start, ok := (&Path{steps: d.prefix}).Get(doc)
	if !ok {
		return nil, nil
	}
	var (
		out    []any
		visits int
		stack  = []visit{{v: start}}
		keys   []string
	)
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if visits++; visits > visitBudget {
			return nil, fmt.Errorf("%w (more than %d nodes)", ErrBudget, visitBudget)
		}
		if visits%checkEvery == 1 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		before := len(out)
		var err error
		if out, err = d.apply(ctx, n.v, out); err != nil {
			return nil, err
		}
		if visits += len(out) - before; visits > visitBudget {
			return nil, fmt.Errorf("%w (more than %d nodes)", ErrBudget, visitBudget)
		}
		if stack, keys, err = push(stack, keys, n); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// push pushes the children of n onto stack, in reverse document order so
// that they pop in order; keys is scratch space for sorting object keys.
func push(stack []visit, keys []string, n visit) ([]visit, []string, error) {
	switch v := n.v.(type) {
	case []any:
		if len(v) > 0 && n.depth >= MaxDescentDepth {
			return stack, keys, fmt.Errorf("%w (deeper than %d levels)", ErrBudget, MaxDescentDepth)
		}
		for i := len(v) - 1; i >= 0; i-- {
			stack = append(stack, visit{v[i], n.depth + 1})
		}
	case map[string]any:
		if len(v) > 0 && n.depth >= MaxDescentDepth {
			return stack, keys, fmt.Errorf("%w (deeper than %d levels)", ErrBudget, MaxDescentDepth)
		}
		keys = keys[:0]
		for k := range v {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for i := len(keys) - 1; i >= 0; i-- {
			stack = append(stack, visit{v[keys[i]], n.depth + 1})
		}
	}
	return stack, keys, nil
}

// apply appends the matches of rest on v to out.
func (d *descent) apply(ctx context.Context, v any, out []any) (res []any, err error) {
	if d.rest == nil {
		if m, ok := getStrict(d.steps, v); ok {
			out = append(out, m)
		}
		return out, nil
	}
	defer func() {
		// The general engine is third-party code (see getGeneral).
		if recover() != nil {
			res, err = out, nil
		}
	}()
	m, err := d.rest(ctx, v)
	if err != nil {
		return out, nil // rest does not apply to this node
	}
	if list, isList := m.([]any); isList && d.many {
		return append(out, list...), nil
	}
	return append(out, m), nil
}

// getStrict follows steps from v without singleton leniency: an index
// applies to arrays only.
func getStrict(steps []Step, v any) (any, bool) {
	for _, s := range steps {
		if a, isArr := v.([]any); s.IsIndex {
			if !isArr {
				return nil, false
			}
			i := s.Index
			if i < 0 {
				i += len(a)
			}
			if i < 0 || i >= len(a) {
				return nil, false
			}
			v = a[i]
			continue
		}
		m, isMap := v.(map[string]any)
		if !isMap {
			return nil, false
		}
		var ok bool
		if v, ok = m[s.Key]; !ok {
			return nil, false
		}
	}
	return v, true
}

// descents returns the offsets of the recursive-descent operators ".." in
// expr outside quoted strings, and for each whether it is nested in
// brackets or parentheses.
func descents(expr string) (offs []int, nested []bool) {
	depth := 0
	for i := 0; i < len(expr); i++ {
		switch c := expr[i]; c {
		case '"', '\'':
			for i++; i < len(expr) && expr[i] != c; i++ {
				if expr[i] == '\\' {
					i++
				}
			}
		case '[', '(':
			depth++
		case ']', ')':
			depth--
		case '.':
			if i+1 < len(expr) && expr[i+1] == '.' {
				offs = append(offs, i)
				nested = append(nested, depth != 0)
				for i+1 < len(expr) && expr[i+1] == '.' {
					i++
				}
			}
		}
	}
	return offs, nested
}

// Check reports whether expr is an expression this package refuses to
// evaluate because its cost could grow faster than the document: more than
// one recursive descent "..", a ".." inside a filter or script, or a ".."
// after a wildcard, filter, slice or union. The error is a *SyntaxError
// naming the offending offset. [Compile] performs the same check, so a
// caller that compiles expr need not call Check as well.
func Check(expr string) error {
	offs, nested := descents(expr)
	return checkDescents(expr, offs, nested)
}

func checkDescents(expr string, offs []int, nested []bool) error {
	if len(offs) > 1 {
		return synErr(expr, offs[1], fmt.Sprintf("more than one recursive descent '..' (the first is at offset %d): the work would grow faster than the document", offs[0]))
	}
	if len(offs) == 1 && nested[0] {
		return synErr(expr, offs[0], "recursive descent '..' inside a filter or script: the work would grow faster than the document")
	}
	if len(offs) == 1 {
		if _, err := parseSimple(expr[:offs[0]]); err != nil {
			return synErr(expr, offs[0], "recursive descent '..' must follow a simple path (no wildcard, filter, slice or union before it)")
		}
	}
	return nil
}

// compileDescent compiles expr, which holds one recursive descent at off
// that passed checkDescents.
func compileDescent(expr string, off int) (*descent, error) {
	prefix, err := parseSimple(expr[:off])
	if err != nil {
		return nil, err
	}
	rest := expr[off+2:]
	if rest == "" {
		return nil, synErr(expr, len(expr), "missing key after '..'")
	}
	lead := "$."
	if rest[0] == '[' {
		lead = "$"
	}
	d := &descent{prefix: prefix}
	steps, err := parseSimple(lead + rest)
	if err == nil {
		d.steps = steps
		return d, nil
	}
	relocate := func(err error) error {
		var se *SyntaxError
		if errors.As(err, &se) {
			o := min(max(se.Offset-len(lead), 0)+off+2, len(expr))
			return synErr(expr, o, se.Msg)
		}
		return err
	}
	if err != errGeneral {
		return nil, relocate(err)
	}
	if d.rest, err = compileGeneral(lead + rest); err != nil {
		return nil, relocate(err)
	}
	d.many = ambiguous(rest)
	return d, nil
}

// ambiguous reports whether the general expression rest selects a list of
// matches (a wildcard, filter, slice or union) rather than one value.
func ambiguous(rest string) bool {
	if strings.Contains(rest, "*") || strings.Contains(rest, "?(") {
		return true
	}
	depth := 0
	for i := 0; i < len(rest); i++ {
		switch c := rest[i]; c {
		case '"', '\'':
			for i++; i < len(rest) && rest[i] != c; i++ {
				if rest[i] == '\\' {
					i++
				}
			}
		case '[':
			depth++
		case ']':
			depth--
		case ':', ',':
			if depth > 0 {
				return true
			}
		}
	}
	return false
}
