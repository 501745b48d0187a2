package mapping

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// toString coerces a decoded JSON value to a system-field string (see the
// package documentation). An empty result means "no value".
func toString(v any) (string, error) {
	switch x := v.(type) {
	case string:
		return strings.TrimSpace(x), nil
	case json.Number:
		return string(x), nil
	case float64:
		return formatFloat(x), nil
	case bool:
		if x {
			return "true", nil
		}
		return "false", nil
	case nil:
		return "", nil
	case []any:
		return toString(firstOf(x))
	case map[string]any:
		if inner, ok := x["value"]; ok {
			if _, nested := inner.(map[string]any); !nested {
				return toString(inner)
			}
		}
		return "", fmt.Errorf("want a string, got an object with keys %s", objectKeys(x))
	case int:
		return strconv.Itoa(x), nil
	case int64:
		return strconv.FormatInt(x, 10), nil
	}
	return "", fmt.Errorf("want a string, got %T", v)
}

// toStrings coerces a decoded JSON value to a list of strings: each
// element of an array as toString does (null and empty elements are left
// out), a single value as a list of one. An empty result is nil.
func toStrings(v any) ([]string, error) {
	list, ok := v.([]any)
	if !ok {
		list = []any{v}
	}
	var out []string
	for i, e := range list {
		s, err := toString(e)
		if err != nil {
			if ok {
				return nil, fmt.Errorf("element %d: %w", i, err)
			}
			return nil, err
		}
		if s != "" {
			out = append(out, s)
		}
	}
	return out, nil
}

// formatFloat formats f without exponent or float artifacts: integral
// values as integers, others with the fewest digits that round-trip.
func formatFloat(f float64) string {
	if f == math.Trunc(f) && math.Abs(f) < 1e21 {
		return strconv.FormatFloat(f, 'f', 0, 64)
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// firstOf returns the element of list a string field takes: for a list of
// SCIM multi-valued attributes the first whose "primary" is true (or
// "true"), else the first non-null element; nil for an empty list.
func firstOf(list []any) any {
	var first any
	for _, e := range list {
		if e == nil {
			continue
		}
		if first == nil {
			first = e
		}
		obj, ok := e.(map[string]any)
		if !ok {
			break // not a list of attributes: the first element it is
		}
		switch p := obj["primary"].(type) {
		case bool:
			if p {
				return e
			}
		case string:
			if strings.EqualFold(p, "true") {
				return e
			}
		}
	}
	return first
}

// objectKeys lists up to five keys of obj, sorted, for error messages.
func objectKeys(obj map[string]any) string {
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if len(keys) > 5 {
		keys = append(keys[:5], "…")
	}
	return "[" + strings.Join(keys, " ") + "]"
}
