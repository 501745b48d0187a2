// Package filter decides which vendor records a connector keeps.
//
// A [Condition] tests one vendor response field (a path of package
// internal/jsonpath, evaluated on the decoded record before mapping) with
// one [Operator], or groups conditions: {"any": [...]} holds when one of
// its conditions holds, {"not": {...}} when its condition does not; groups
// nest. [Compile] checks a template's conditions once and returns a
// [Predicate] that holds when all of them hold; [And], [Or] and [Not]
// combine predicates.
//
// A field may be any path in the record as received, whether or not the
// template maps it: a filter can drop Slack's bots on is_bot, or Atlassian's
// accounts on is_platform_access_only, without the field reaching the user.
//
// # Value comparison
//
// Values compare by their JSON meaning, not their Go type:
//
//   - Numbers compare numerically whether the record holds a json.Number
//     or a float64 and the template a number or a numeric string: the
//     value "5", 5 and 5.0 all equal a record's 5. Integers compare
//     exactly (IDs past 2^53 stay distinct).
//   - Booleans equal the strings "true" and "false" in any case, in both
//     directions: the template value true matches Webex's "loginEnabled":
//     "true", and the template value "true" matches a JSON true. This is
//     deliberate: templates are often written with string values and
//     several vendors send booleans as strings.
//   - Other strings compare exactly (case-sensitive); "1.0" does not equal
//     "1" when both are strings.
//   - The value null (or an omitted value) equals a JSON null and an absent
//     field.
//   - Arrays and objects equal arrays and objects with equal elements.
//
// # Operators
//
//   - equal, not_equal: the field equals (does not equal) value. An absent
//     field is not equal to anything but null.
//   - in, not_in: value is a list; the field equals one (none) of its
//     elements.
//   - contains: a string field contains value as a substring (value
//     rendered as text: 5 as "5"); an array field has an element equal to
//     value; an object field has value as a key. Anything else does not
//     contain.
//   - not_contains: contains does not hold (an absent field contains
//     nothing, so not_contains holds; an array field has no element equal
//     to value).
//   - starts_with, ends_with: a string field starts (ends) with value
//     rendered as text; an array field has a string element that does.
//     Anything else, an absent field included, does not.
//   - matches: a string field matches value, an RE2 regular expression
//     (package regexp syntax; unanchored: use ^…$ for the whole string) of
//     at most MaxPatternLen bytes, compiled once by Compile; an array field
//     has a string element that matches. Anything else does not.
//   - exists, not_exists: the field is present and not null (absent or
//     null). They take no value.
//   - bits_any, bits_all, bits_none: the field is an integer (a number, or
//     a string of decimal digits as LDAP directories send them) with any,
//     all or none of value's bits set; value is a positive integer or a
//     string in decimal or 0x hex ("0x2"). An absent or non-integer field
//     matches none of the three. Active Directory's userAccountControl:
//     {"field": "userAccountControl", "operator": "bits_none", "value":
//     "0x2"} keeps enabled accounts.
//
// A path with wildcards or filters ($.emails[*].type) yields every match:
// equal, in, contains, starts_with, ends_with and matches hold when any
// match satisfies them, and not_equal, not_in, not_contains are their
// negations (no match satisfies).
package filter

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"github.com/saasconnect/saasconnect/internal/bitflag"
	"github.com/saasconnect/saasconnect/internal/jsonpath"
)

// Operator names a comparison.
type Operator string

// The operators a Condition may use.
const (
	Equal       Operator = "equal"
	NotEqual    Operator = "not_equal"
	In          Operator = "in"
	NotIn       Operator = "not_in"
	Contains    Operator = "contains"
	NotContains Operator = "not_contains"
	StartsWith  Operator = "starts_with"
	EndsWith    Operator = "ends_with"
	Matches     Operator = "matches"
	Exists      Operator = "exists"
	NotExists   Operator = "not_exists"
	BitsAny     Operator = "bits_any"
	BitsAll     Operator = "bits_all"
	BitsNone    Operator = "bits_none"
)

// MaxPatternLen is the longest regular expression, in bytes, the matches
// operator accepts.
const MaxPatternLen = 1024

// Operators lists every valid Operator.
func Operators() []Operator {
	return []Operator{Equal, NotEqual, In, NotIn, Contains, NotContains, StartsWith, EndsWith, Matches, Exists, NotExists, BitsAny, BitsAll, BitsNone}
}

// Valid reports whether op is one of Operators.
func (op Operator) Valid() bool {
	switch op {
	case Equal, NotEqual, In, NotIn, Contains, NotContains, StartsWith, EndsWith, Matches, Exists, NotExists, BitsAny, BitsAll, BitsNone:
		return true
	}
	return false
}

// Condition is one filter of a template. A test condition has Field, a
// path into the vendor record, and Value, what Operator compares it with
// (see the package documentation). A group condition has exactly one of
// Any, which holds when one of its conditions holds, and Not, which holds
// when its condition does not; a group has no Field, Operator or Value.
// Groups nest.
type Condition struct {
	Field    string   `json:"field,omitempty"`
	Operator Operator `json:"operator,omitempty"`
	Value    any      `json:"value,omitempty"`
	// Any is an OR group: at least one condition.
	Any []Condition `json:"any,omitempty"`
	// Not negates a condition (a test or a group).
	Not *Condition `json:"not,omitempty"`
}

// Predicate reports whether a decoded vendor record is kept. Match must be
// pure and safe for concurrent use.
type Predicate interface {
	Match(rec any) bool
}

// Func adapts a function to a Predicate.
type Func func(rec any) bool

// Match calls f(rec).
func (f Func) Match(rec any) bool { return f(rec) }

// ConditionError locates a bad condition: Index is the position in the
// list given to Compile of the condition at fault or of the group holding
// it (filters[Index] in a template), Key the path from there to the key at
// fault: "field", "operator" or "value" for a top-level test condition,
// "any" or "not" for a malformed group, and "any[0].value",
// "not.any[1].field" and so on inside groups.
type ConditionError struct {
	Index int
	Key   string
	Err   error
}

func (e *ConditionError) Error() string {
	return fmt.Sprintf("filter: filters[%d].%s: %v", e.Index, e.Key, e.Err)
}

func (e *ConditionError) Unwrap() error { return e.Err }

// ErrUnknownOperator is wrapped by the ConditionError of an operator that is
// not one of Operators.
var ErrUnknownOperator = errors.New("unknown operator")

// Compile checks conds and compiles them into a Predicate that holds when
// every condition holds (no conditions: every record is kept). It reports
// every problem at once, as an errors.Join of *ConditionError. The
// Predicate is immutable and safe for concurrent use.
func Compile(conds ...Condition) (Predicate, error) {
	compiled := make(all, 0, len(conds))
	var errs []error
	for i, c := range conds {
		cc, err := compile(i, c)
		if err != nil {
			errs = append(errs, err...)
			continue
		}
		compiled = append(compiled, cc)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return compiled, nil
}

// MustCompile is like Compile but panics on error.
func MustCompile(conds ...Condition) Predicate {
	p, err := Compile(conds...)
	if err != nil {
		panic(err)
	}
	return p
}

func compile(i int, c Condition) (*condition, []error) { return compileAt(i, "", c) }

// compileAt compiles c, found at prefix (a Key prefix such as "any[0].")
// within the top-level condition i.
func compileAt(i int, prefix string, c Condition) (*condition, []error) {
	test := c.Field != "" || c.Operator != "" || c.Value != nil
	switch {
	case c.Any != nil && c.Not != nil:
		return nil, []error{&ConditionError{Index: i, Key: prefix + "any", Err: errors.New("a condition has either any or not, not both (nest one in the other)")}}
	case c.Any != nil:
		if test {
			return nil, []error{&ConditionError{Index: i, Key: prefix + "any", Err: errors.New("a group (any) has no field, operator or value: put the test inside the list")}}
		}
		if len(c.Any) == 0 {
			return nil, []error{&ConditionError{Index: i, Key: prefix + "any", Err: errors.New("any needs at least one condition")}}
		}
		cc := &condition{anyOf: make([]*condition, 0, len(c.Any))}
		var errs []error
		for j, sub := range c.Any {
			s, err := compileAt(i, fmt.Sprintf("%sany[%d].", prefix, j), sub)
			errs = append(errs, err...)
			cc.anyOf = append(cc.anyOf, s)
		}
		if len(errs) > 0 {
			return nil, errs
		}
		return cc, nil
	case c.Not != nil:
		if test {
			return nil, []error{&ConditionError{Index: i, Key: prefix + "not", Err: errors.New("a group (not) has no field, operator or value: put the test inside it")}}
		}
		s, errs := compileAt(i, prefix+"not.", *c.Not)
		if len(errs) > 0 {
			return nil, errs
		}
		return &condition{not: s}, nil
	}
	var errs []error
	cc := &condition{op: c.Operator}
	if strings.TrimSpace(c.Field) == "" {
		errs = append(errs, &ConditionError{Index: i, Key: prefix + "field", Err: errors.New("field is required")})
	} else if p, err := jsonpath.Compile(c.Field); err != nil {
		errs = append(errs, &ConditionError{Index: i, Key: prefix + "field", Err: err})
	} else {
		cc.path = p
	}
	if !c.Operator.Valid() {
		errs = append(errs, &ConditionError{Index: i, Key: prefix + "operator",
			Err: fmt.Errorf("%w %q (want one of %s)", ErrUnknownOperator, string(c.Operator), operatorList())})
		return nil, errs
	}
	value, err := checkValue(c.Operator, c.Value)
	if err != nil {
		errs = append(errs, &ConditionError{Index: i, Key: prefix + "value", Err: err})
	}
	var re *regexp.Regexp
	if err == nil && c.Operator == Matches {
		if re, err = regexp.Compile(value.(string)); err != nil {
			errs = append(errs, &ConditionError{Index: i, Key: prefix + "value", Err: fmt.Errorf("invalid regular expression: %w", err)})
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	cc.value, cc.list = value, listOf(value)
	if m, isMask := value.(int64); isMask && bitOperator(c.Operator) {
		cc.mask = m
	}
	switch c.Operator {
	case Contains, NotContains:
		cc.text = text(value)
	case StartsWith:
		prefix := text(value)
		cc.str = stringTest(func(s string) bool { return strings.HasPrefix(s, prefix) })
	case EndsWith:
		suffix := text(value)
		cc.str = stringTest(func(s string) bool { return strings.HasSuffix(s, suffix) })
	case Matches:
		cc.str = stringTest(re.MatchString)
	}
	return cc, nil
}

// operatorList is "equal, not_equal, …, not_exists".
func operatorList() string {
	ops := Operators()
	names := make([]string, len(ops))
	for i, op := range ops {
		names[i] = string(op)
	}
	return strings.Join(names, ", ")
}

// checkValue validates a condition value and normalises lists to []any.
func checkValue(op Operator, v any) (any, error) {
	switch op {
	case Exists, NotExists:
		if v != nil {
			return nil, fmt.Errorf("%s takes no value (got %s)", op, describe(v))
		}
		return nil, nil
	case In, NotIn:
		list, ok := toList(v)
		if !ok {
			return nil, fmt.Errorf("%s needs a list value (got %s)", op, describe(v))
		}
		for j, e := range list {
			if !scalar(e) {
				return nil, fmt.Errorf("%s list element %d is %s, want a string, number, boolean or null", op, j, describe(e))
			}
		}
		return list, nil
	case BitsAny, BitsAll, BitsNone:
		return maskValue(op, v)
	case Contains, NotContains, StartsWith, EndsWith:
		if v == nil || !scalar(v) {
			return nil, fmt.Errorf("%s needs a string, number or boolean value (got %s)", op, describe(v))
		}
		return v, nil
	case Matches:
		pattern, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("matches needs a regular expression string (got %s)", describe(v))
		}
		if len(pattern) > MaxPatternLen {
			return nil, fmt.Errorf("regular expression is %d bytes long, more than the %d allowed", len(pattern), MaxPatternLen)
		}
		return pattern, nil
	}
	if list, ok := toList(v); ok {
		return list, nil
	}
	if _, isObj := v.(map[string]any); !isObj && !scalar(v) {
		return nil, fmt.Errorf("%s cannot compare with %s", op, describe(v))
	}
	return v, nil
}

func scalar(v any) bool {
	switch v.(type) {
	case nil, string, bool, json.Number, float64, float32, int, int64, int32, uint, uint64:
		return true
	}
	return false
}

// toList converts a list value ([]any, []string, []float64, …) to []any.
func toList(v any) ([]any, bool) {
	if l, ok := v.([]any); ok {
		return l, true
	}
	rv := reflect.ValueOf(v)
	if !rv.IsValid() || (rv.Kind() != reflect.Slice && rv.Kind() != reflect.Array) || rv.Type().Elem().Kind() == reflect.Uint8 {
		return nil, false
	}
	l := make([]any, rv.Len())
	for i := range l {
		l[i] = rv.Index(i).Interface()
	}
	return l, true
}

func listOf(v any) []any {
	l, _ := v.([]any)
	return l
}

func describe(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case json.Number, float64, float32, int, int64, int32, uint, uint64:
		return "a number"
	case map[string]any:
		return "an object"
	}
	if _, ok := toList(v); ok {
		return "a list"
	}
	return fmt.Sprintf("a %T", v)
}

// text renders a scalar value for substring matching.
func text(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return string(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	}
	return fmt.Sprint(v)
}

// condition is one compiled Condition: a test (path and op), or a group
// (anyOf or not).
type condition struct {
	path  *jsonpath.Path
	op    Operator
	value any
	list  []any                     // in, not_in
	text  string                    // contains, not_contains
	str   func(v any, ok bool) bool // starts_with, ends_with, matches
	mask  int64                     // bits_any, bits_all, bits_none

	anyOf []*condition // an any group
	not   *condition   // a not group
}

func (c *condition) Match(rec any) bool {
	switch {
	case c.anyOf != nil:
		for _, s := range c.anyOf {
			if s.Match(rec) {
				return true
			}
		}
		return false
	case c.not != nil:
		return !c.not.Match(rec)
	}
	v, ok := c.path.Get(rec)
	switch c.op {
	case Exists:
		return ok && v != nil
	case NotExists:
		return !ok || v == nil
	case NotEqual:
		return !c.any(v, ok, c.equal)
	case NotIn:
		return !c.any(v, ok, c.in)
	case Equal:
		return c.any(v, ok, c.equal)
	case In:
		return c.any(v, ok, c.in)
	case Contains:
		return ok && c.any(v, ok, c.contains)
	case BitsAny, BitsAll, BitsNone:
		return ok && c.any(v, ok, c.bits)
	case NotContains:
		return !(ok && c.any(v, ok, c.contains))
	case StartsWith, EndsWith, Matches:
		return ok && c.any(v, ok, c.str)
	}
	return false
}

// stringTest returns a test that holds for a string satisfying f, or an
// array with a string element that does.
func stringTest(f func(string) bool) func(any, bool) bool {
	return func(v any, _ bool) bool {
		switch x := v.(type) {
		case string:
			return f(x)
		case []any:
			for _, e := range x {
				if s, ok := e.(string); ok && f(s) {
					return true
				}
			}
		}
		return false
	}
}

// any applies test to v, or to each match of a general path's match list.
func (c *condition) any(v any, ok bool, test func(any, bool) bool) bool {
	if list, isList := v.([]any); isList && ok && !c.path.Simple() {
		for _, e := range list {
			if test(e, true) {
				return true
			}
		}
		return false
	}
	return test(v, ok)
}

func (c *condition) equal(v any, ok bool) bool {
	if !ok {
		return c.value == nil
	}
	return jsonpath.Equal(v, c.value)
}

func (c *condition) in(v any, ok bool) bool {
	for _, e := range c.list {
		if !ok {
			if e == nil {
				return true
			}
			continue
		}
		if jsonpath.Equal(v, e) {
			return true
		}
	}
	return false
}

func (c *condition) contains(v any, ok bool) bool {
	switch x := v.(type) {
	case string:
		return strings.Contains(x, c.text)
	case []any:
		for _, e := range x {
			if jsonpath.Equal(e, c.value) {
				return true
			}
		}
	case map[string]any:
		_, has := x[c.text]
		return has
	}
	return false
}

// all holds when every condition holds.
type all []*condition

func (a all) Match(rec any) bool {
	for _, c := range a {
		if !c.Match(rec) {
			return false
		}
	}
	return true
}

// And returns a Predicate that holds when every p holds (true for none).
// nil predicates are skipped.
func And(ps ...Predicate) Predicate {
	ps = nonNil(ps)
	return Func(func(rec any) bool {
		for _, p := range ps {
			if !p.Match(rec) {
				return false
			}
		}
		return true
	})
}

// Or returns a Predicate that holds when some p holds (false for none).
// nil predicates are skipped.
func Or(ps ...Predicate) Predicate {
	ps = nonNil(ps)
	return Func(func(rec any) bool {
		for _, p := range ps {
			if p.Match(rec) {
				return true
			}
		}
		return false
	})
}

// Not returns a Predicate that holds when p does not. Not(nil) holds for
// nothing.
func Not(p Predicate) Predicate {
	if p == nil {
		return Func(func(any) bool { return false })
	}
	return Func(func(rec any) bool { return !p.Match(rec) })
}

func nonNil(ps []Predicate) []Predicate {
	out := make([]Predicate, 0, len(ps))
	for _, p := range ps {
		if p != nil {
			out = append(out, p)
		}
	}
	return out
}

func bitOperator(op Operator) bool { return op == BitsAny || op == BitsAll || op == BitsNone }

// maskValue checks a bit operator's value and returns the mask as int64.
func maskValue(op Operator, v any) (any, error) {
	var m int64
	var err error
	switch x := v.(type) {
	case string:
		m, err = bitflag.ParseMask(x)
	default:
		n, isInt := bitflag.Int(v)
		if !isInt || n <= 0 {
			return nil, fmt.Errorf("%s needs a positive integer mask, decimal or a \"0x\" hex string (got %s)", op, describe(v))
		}
		m = n
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	return m, nil
}

func (c *condition) bits(v any, ok bool) bool {
	n, isInt := bitflag.Int(v)
	return ok && isInt && bitflag.Test(c.op).Match(n, c.mask)
}
