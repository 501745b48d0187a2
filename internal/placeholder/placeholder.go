// Package placeholder finds {name} placeholders, the references to settings
// that template strings hold ("{base_url}/users", "Bearer {token}").
//
// Its functions are pure and safe for concurrent use.
package placeholder

import (
	"regexp"
	"slices"
)

// Pattern matches one {name} placeholder; its first group is the name.
var Pattern = regexp.MustCompile(`\{([A-Za-z_][A-Za-z0-9_.-]*)\}`)

// Names returns the setting names referenced in s, in order (repeats kept).
func Names(s string) []string {
	var names []string
	for _, m := range Pattern.FindAllStringSubmatch(s, -1) {
		names = append(names, m[1])
	}
	return names
}

// InValue returns the placeholders in every string inside v (decoded JSON:
// maps, in key order, slices, strings), in order (repeats kept).
func InValue(v any) []string {
	var names []string
	var walk func(any)
	walk = func(v any) {
		switch v := v.(type) {
		case string:
			names = append(names, Names(v)...)
		case map[string]any:
			keys := make([]string, 0, len(v))
			for k := range v {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			for _, k := range keys {
				walk(v[k])
			}
		case []any:
			for _, e := range v {
				walk(e)
			}
		}
	}
	walk(v)
	return names
}
