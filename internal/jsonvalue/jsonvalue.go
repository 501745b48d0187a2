// Package jsonvalue holds small helpers for decoded JSON values: what
// encoding/json produces when decoding into an any (map[string]any, []any,
// string, json.Number or float64, bool, nil).
//
// The functions never modify their input and are safe for concurrent use on
// values that no goroutine modifies.
package jsonvalue

// Clone returns a deep copy of v: new maps and slices all the way down.
// Strings, numbers, booleans and nil are immutable and shared.
func Clone(v any) any { return MapStrings(v, nil) }

// MapStrings returns a deep copy of v in which every string value (not keys)
// is replaced by f(value); a nil f keeps strings as they are. A []string,
// which Go-literal templates may hold, is copied the same way.
func MapStrings(v any, f func(string) string) any {
	switch v := v.(type) {
	case string:
		if f == nil {
			return v
		}
		return f(v)
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[k] = MapStrings(e, f)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = MapStrings(e, f)
		}
		return out
	case []string:
		out := make([]string, len(v))
		for i, e := range v {
			if f != nil {
				e = f(e)
			}
			out[i] = e
		}
		return out
	}
	return v
}
