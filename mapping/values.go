package mapping

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
)

// defaultKey is the value-table key of values not otherwise listed.
const defaultKey = "*"

// valueTable is a compiled Spec.ValueMaps entry. It is immutable.
type valueTable struct {
	exact  map[string]string
	keys   []string // sorted, for the case-insensitive match
	def    string
	hasDef bool
}

func newValueTable(table map[string]string) *valueTable {
	vt := &valueTable{exact: make(map[string]string, len(table))}
	for k, v := range table {
		if k == defaultKey {
			vt.def, vt.hasDef = v, true
			continue
		}
		vt.exact[k] = v
		vt.keys = append(vt.keys, k)
	}
	slices.Sort(vt.keys)
	return vt
}

// lookup returns the text for a value key: an exact match, else a
// case-insensitive one, else the default.
func (vt *valueTable) lookup(key string) (string, bool) {
	if v, ok := vt.exact[key]; ok {
		return v, true
	}
	for _, k := range vt.keys {
		if strings.EqualFold(k, key) {
			return vt.exact[k], true
		}
	}
	if vt.hasDef {
		return vt.def, true
	}
	return "", false
}

// mapSystem maps the value of a system string field: a list by its primary
// or first element, a SCIM attribute object by its "value". ok is false
// when the table does not apply (the value passes through).
func (vt *valueTable) mapSystem(v any) (string, bool) {
	if list, isList := v.([]any); isList {
		v = firstOf(list)
	}
	if obj, isObj := v.(map[string]any); isObj {
		v = obj["value"]
	}
	key, ok := valueKey(v)
	if !ok {
		return "", false
	}
	return vt.lookup(key)
}

// mapExtra maps the value of an Extra field: a scalar to its text, a list
// element by element; objects and unlisted values pass through.
func (vt *valueTable) mapExtra(v any) any {
	if list, isList := v.([]any); isList {
		out := make([]any, len(list))
		for i, e := range list {
			out[i] = vt.mapExtra(e)
		}
		return out
	}
	if key, ok := valueKey(v); ok {
		if s, ok := vt.lookup(key); ok {
			return s
		}
	}
	return v
}

// valueKey returns the value-table key of a scalar: a string trimmed, a
// number by its shortest decimal text, a boolean "true" or "false". ok is
// false for null, arrays and objects.
func valueKey(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return strings.TrimSpace(x), true
	case json.Number:
		if i, err := strconv.ParseInt(string(x), 10, 64); err == nil {
			return strconv.FormatInt(i, 10), true
		}
		if f, err := strconv.ParseFloat(string(x), 64); err == nil {
			return formatFloat(f), true
		}
		return string(x), true
	case float64:
		return formatFloat(x), true
	case int:
		return strconv.Itoa(x), true
	case int64:
		return strconv.FormatInt(x, 10), true
	case bool:
		return strconv.FormatBool(x), true
	}
	return "", false
}
