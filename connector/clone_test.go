package connector

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/saasconnect/saasconnect/filter"
)

// filterGroupDepth counts the filter groups (Any, Not) on path.
func filterGroupDepth(path string) int {
	return strings.Count(path, ".Any") + strings.Count(path, ".Not")
}

// fillValue sets every field reachable from v to a non-zero value: strings,
// numbers and bools get values, maps two entries, slices two elements,
// pointers a new value, interfaces a nested JSON-shaped object.
func fillValue(t *testing.T, v reflect.Value, path string) {
	t.Helper()
	switch v.Kind() {
	case reflect.String:
		v.SetString("x-" + path)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(7)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(7)
	case reflect.Float32, reflect.Float64:
		v.SetFloat(1.5)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Struct:
		for i := range v.NumField() {
			f := v.Type().Field(i)
			if !f.IsExported() {
				t.Fatalf("%s.%s is unexported: teach this test and Clone about it", path, f.Name)
			}
			fillValue(t, v.Field(i), path+"."+f.Name)
		}
	case reflect.Pointer:
		if filterGroupDepth(path) >= 2 {
			return // filter groups nest without end: two levels are enough
		}
		p := reflect.New(v.Type().Elem())
		fillValue(t, p.Elem(), path)
		v.Set(p)
	case reflect.Slice:
		if filterGroupDepth(path) >= 2 {
			return
		}
		s := reflect.MakeSlice(v.Type(), 2, 2)
		for i := range 2 {
			fillValue(t, s.Index(i), fmt.Sprintf("%s[%d]", path, i))
		}
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		for i := range 2 {
			k := reflect.New(v.Type().Key()).Elem()
			fillValue(t, k, fmt.Sprintf("%s.key%d", path, i))
			e := reflect.New(v.Type().Elem()).Elem()
			fillValue(t, e, fmt.Sprintf("%s[%d]", path, i))
			m.SetMapIndex(k, e)
		}
		v.Set(m)
	case reflect.Interface:
		v.Set(reflect.ValueOf(map[string]any{
			"list": []any{"a", map[string]any{"deep": []any{json.Number("1")}}},
			"str":  path,
		}))
	default:
		t.Fatalf("%s: cannot fill a %s: teach this test and Clone about it", path, v.Kind())
	}
}

// sharedMemory reports the paths where a and b (of the same type) hold the
// same map, slice backing array or pointer target.
func sharedMemory(a, b reflect.Value, path string) []string {
	var shared []string
	switch a.Kind() {
	case reflect.Struct:
		for i := range a.NumField() {
			shared = append(shared, sharedMemory(a.Field(i), b.Field(i), path+"."+a.Type().Field(i).Name)...)
		}
	case reflect.Pointer:
		if a.IsNil() || b.IsNil() {
			return nil
		}
		if a.Pointer() == b.Pointer() {
			shared = append(shared, path)
		}
		shared = append(shared, sharedMemory(a.Elem(), b.Elem(), path)...)
	case reflect.Slice:
		if a.IsNil() || b.IsNil() || a.Len() == 0 || b.Len() == 0 {
			return nil
		}
		if a.Pointer() == b.Pointer() {
			shared = append(shared, path)
		}
		for i := range min(a.Len(), b.Len()) {
			shared = append(shared, sharedMemory(a.Index(i), b.Index(i), fmt.Sprintf("%s[%d]", path, i))...)
		}
	case reflect.Map:
		if a.IsNil() || b.IsNil() {
			return nil
		}
		if a.Pointer() == b.Pointer() {
			shared = append(shared, path)
		}
		for iter := a.MapRange(); iter.Next(); {
			if bv := b.MapIndex(iter.Key()); bv.IsValid() {
				shared = append(shared, sharedMemory(iter.Value(), bv, fmt.Sprintf("%s[%v]", path, iter.Key()))...)
			}
		}
	case reflect.Interface:
		if a.IsNil() || b.IsNil() || a.Elem().Type() != b.Elem().Type() {
			return nil
		}
		shared = append(shared, sharedMemory(a.Elem(), b.Elem(), path)...)
	}
	return shared
}

// countRefs counts the maps, non-empty slices and pointers reachable from v,
// so the test can tell it really compared something.
func countRefs(v reflect.Value) int {
	n := 0
	switch v.Kind() {
	case reflect.Struct:
		for i := range v.NumField() {
			n += countRefs(v.Field(i))
		}
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			n = countRefs(v.Elem())
			if v.Kind() == reflect.Pointer {
				n++
			}
		}
	case reflect.Slice:
		if v.Len() > 0 {
			n++
		}
		for i := range v.Len() {
			n += countRefs(v.Index(i))
		}
	case reflect.Map:
		n++
		for iter := v.MapRange(); iter.Next(); {
			n += countRefs(iter.Value())
		}
	}
	return n
}

func TestTemplateCloneSharesNoMemory(t *testing.T) {
	var orig Template
	fillValue(t, reflect.ValueOf(&orig).Elem(), "Template")

	got := orig.Clone()

	if diff := cmp.Diff(orig, got); diff != "" {
		t.Fatalf("Clone differs from the original (-orig +clone):\n%s", diff)
	}
	if shared := sharedMemory(reflect.ValueOf(orig), reflect.ValueOf(got), "Template"); len(shared) > 0 {
		t.Errorf("Clone shares memory with the original at:\n%v", shared)
	}
	// Every field is set, so there are many references: make sure the walk
	// saw them (a broken walk would report no sharing at all).
	if n := countRefs(reflect.ValueOf(orig)); n < 20 {
		t.Errorf("the filled template holds %d references; want at least 20", n)
	}
}

func TestTemplateCloneFilterValues(t *testing.T) {
	tests := []struct {
		name  string
		value any
	}{
		{"nil", nil},
		{"string", "User"},
		{"number", json.Number("12345678901234567890")},
		{"json list", []any{"a", json.Number("1"), map[string]any{"k": []any{true}}}},
		{"string list", []string{"a", "b"}},
		{"int list", []int{1, 2, 3}},
		{"typed map", map[string][]int{"a": {1}}},
		{"pointer", new(42)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			orig := Template{Filters: []filter.Condition{{Field: "type", Operator: filter.Equal, Value: tt.value}}}
			got := orig.Clone()
			if diff := cmp.Diff(orig, got); diff != "" {
				t.Fatalf("Clone differs (-orig +clone):\n%s", diff)
			}
			if shared := sharedMemory(reflect.ValueOf(orig), reflect.ValueOf(got), "Template"); len(shared) > 0 {
				t.Errorf("Clone shares memory with the original at %v", shared)
			}
		})
	}
}

func TestTemplateCloneKeepsNil(t *testing.T) {
	got := Template{Version: 1, Slug: "s"}.Clone()
	if diff := cmp.Diff(Template{Version: 1, Slug: "s"}, got); diff != "" {
		t.Errorf("Clone of a sparse template (-want +got):\n%s", diff)
	}
	if got.Declared != nil || got.Request.Headers != nil || got.Filters != nil || got.Auth.LoginBody != nil || got.Pagination.Start != nil {
		t.Errorf("Clone turned nil references into empty ones: %+v", got)
	}
}
