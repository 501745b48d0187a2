package jsonpath

import (
	"encoding/json"
	"math"
	"math/big"
	"strconv"
	"strings"
)

// Equal reports whether two decoded JSON values are equal, with the
// type-aware rules shared by the general filter language and package
// filter:
//
//   - Numbers compare numerically whatever their Go type (json.Number,
//     float64, the integer types): json.Number("1.0") equals float64(1).
//     Integers compare exactly, even past 2^53.
//   - A string that parses as a number equals a number of the same value
//     ("42" equals json.Number("42")); two strings compare as strings
//     ("1.0" does not equal "1").
//   - A boolean equals the strings "true"/"false" (any case): SCIM vendors
//     send "primary":"true".
//   - nil equals only nil.
//   - Arrays and objects are equal when their elements are, by these rules.
//   - Everything else compares with ==, strings case-sensitively.
func Equal(a, b any) bool {
	switch x := a.(type) {
	case nil:
		return b == nil
	case string:
		switch y := b.(type) {
		case string:
			return x == y
		case bool:
			return boolString(x, y)
		}
	case bool:
		switch y := b.(type) {
		case bool:
			return x == y
		case string:
			return boolString(y, x)
		}
		return false
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !Equal(x[i], y[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, xv := range x {
			yv, ok := y[k]
			if !ok || !Equal(xv, yv) {
				return false
			}
		}
		return true
	}
	if c, ok := compareNumbers(a, b); ok {
		return c == 0
	}
	return false
}

func boolString(s string, b bool) bool {
	if b {
		return strings.EqualFold(s, "true")
	}
	return strings.EqualFold(s, "false")
}

// Compare orders two decoded JSON values: numbers numerically (numeric
// strings count as numbers when the other side is a number, as in Equal),
// strings lexicographically by bytes. ok is false when the values are not
// ordered (different kinds, booleans, nil, arrays, objects).
func Compare(a, b any) (c int, ok bool) {
	if x, isStr := a.(string); isStr {
		if y, isStr := b.(string); isStr {
			return strings.Compare(x, y), true
		}
	}
	return compareNumbers(a, b)
}

// number is a parsed JSON number: exact when isInt, else f. lit keeps the
// decimal literal of a json.Number or string that overflowed int64, for an
// exact comparison of two such literals.
type number struct {
	i     int64
	f     float64
	isInt bool
	lit   string
}

// Number converts a decoded JSON number (json.Number, float64, float32, Go
// integers) to float64. ok is false for anything else, including numeric
// strings.
func Number(v any) (float64, bool) {
	n, ok := toNumber(v, false)
	if !ok {
		return 0, false
	}
	if n.isInt {
		return float64(n.i), true
	}
	return n.f, true
}

func toNumber(v any, allowString bool) (number, bool) {
	switch x := v.(type) {
	case json.Number:
		return parseNumber(string(x))
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<63 {
			return number{i: int64(x), isInt: true}, true
		}
		return number{f: x}, true
	case float32:
		return toNumber(float64(x), false)
	case int:
		return number{i: int64(x), isInt: true}, true
	case int64:
		return number{i: x, isInt: true}, true
	case int32:
		return number{i: int64(x), isInt: true}, true
	case uint:
		if uint64(x) > math.MaxInt64 {
			return number{f: float64(x)}, true
		}
		return number{i: int64(x), isInt: true}, true
	case uint64:
		if x > math.MaxInt64 {
			return number{f: float64(x)}, true
		}
		return number{i: int64(x), isInt: true}, true
	case string:
		if allowString {
			return parseNumber(strings.TrimSpace(x))
		}
	}
	return number{}, false
}

func parseNumber(s string) (number, bool) {
	if i, err := strconv.ParseInt(s, 10, 64); err == nil {
		return number{i: i, isInt: true}, true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil && !isRangeErr(err) {
		return number{}, false
	}
	if math.IsNaN(f) || math.IsInf(f, 0) && !isRangeErr(err) {
		return number{}, false // "NaN", "Inf" are not JSON numbers
	}
	if f == math.Trunc(f) && math.Abs(f) < 1<<53 {
		return number{i: int64(f), isInt: true}, true
	}
	return number{f: f, lit: s}, true
}

func isRangeErr(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

// compareNumbers compares a and b as numbers. A string counts as a number
// only when the other side is a number.
func compareNumbers(a, b any) (int, bool) {
	_, aStr := a.(string)
	_, bStr := b.(string)
	if aStr && bStr {
		return 0, false
	}
	x, ok := toNumber(a, true)
	if !ok {
		return 0, false
	}
	y, ok := toNumber(b, true)
	if !ok {
		return 0, false
	}
	switch {
	case x.isInt && y.isInt:
		return cmpOrdered(x.i, y.i), true
	case x.lit != "" || y.lit != "":
		if rx, ok := x.rat(); ok {
			if ry, ok := y.rat(); ok {
				return rx.Cmp(ry), true
			}
		}
	}
	return cmpOrdered(x.float(), y.float()), true
}

// rat returns n exactly, when it is an integer or has a finite literal.
func (n number) rat() (*big.Rat, bool) {
	switch {
	case n.isInt:
		return new(big.Rat).SetInt64(n.i), true
	case n.lit != "" && !math.IsInf(n.f, 0):
		return new(big.Rat).SetString(n.lit)
	}
	return nil, false
}

func (n number) float() float64 {
	if n.isInt {
		return float64(n.i)
	}
	return n.f
}

func cmpOrdered[T int64 | float64](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
