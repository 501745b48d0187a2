package connector

import (
	"maps"
	"reflect"
	"slices"

	"github.com/saasconnect/saasconnect/filter"
)

// Clone returns a deep copy of t: every slice, map and pointer reachable from
// it (settings, auth login body, request headers, query and body, the
// pagination start, response fields, fallbacks, status values and value
// maps, filters with their values and groups, activity never values, retry
// statuses, the resource listings) is copied, so changing the copy never
// changes t and the two may be used from different goroutines. Nil maps and
// slices stay nil. Clone only reads t; it is safe to call concurrently with
// other readers of t.
func (t Template) Clone() Template {
	t.Declared = slices.Clone(t.Declared)
	t.Auth = cloneAuth(t.Auth)
	t.Request.Headers = maps.Clone(t.Request.Headers)
	if t.Request.Query != nil {
		q := make(QueryValues, len(t.Request.Query))
		for k, vs := range t.Request.Query {
			q[k] = slices.Clone(vs)
		}
		t.Request.Query = q
	}
	t.Request.Body = cloneObject(t.Request.Body)
	if t.Pagination.Start != nil {
		start := *t.Pagination.Start
		t.Pagination.Start = &start
	}
	t.Pagination.NextRequestBody = cloneObject(t.Pagination.NextRequestBody)
	t.Response.Fields = maps.Clone(t.Response.Fields)
	t.Response.StatusValues = maps.Clone(t.Response.StatusValues)
	if t.Response.ValueMaps != nil {
		vm := make(map[string]map[string]string, len(t.Response.ValueMaps))
		for k, table := range t.Response.ValueMaps {
			vm[k] = maps.Clone(table)
		}
		t.Response.ValueMaps = vm
	}
	t.Activity.NeverValues = slices.Clone(t.Activity.NeverValues)
	if t.Response.FallbackFields != nil {
		fb := make(map[string][]string, len(t.Response.FallbackFields))
		for k, paths := range t.Response.FallbackFields {
			fb[k] = slices.Clone(paths)
		}
		t.Response.FallbackFields = fb
	}
	if t.Filters != nil {
		fs := make([]filter.Condition, len(t.Filters))
		for i, c := range t.Filters {
			fs[i] = cloneCondition(c)
		}
		t.Filters = fs
	}
	if t.Enrich != nil {
		es := make([]EnrichSpec, len(t.Enrich))
		for i, e := range t.Enrich {
			e.When = cloneCondition(e.When)
			e.Fields = maps.Clone(e.Fields)
			es[i] = e
		}
		t.Enrich = es
	}
	t.RetryOn = slices.Clone(t.RetryOn)
	t.LDAP = t.LDAP.Clone()
	t.Join = cloneJoins(t.Join)
	t.Each = t.Each.clone()
	for _, row := range resourceTable { // licenses, applications, assignments
		block := row.block(&t)
		*block = (*block).clone()
	}
	return t
}

// cloneCondition deep-copies a filter condition: its value and its any and
// not groups, at any depth.
func cloneCondition(c filter.Condition) filter.Condition {
	c.Value = cloneAny(c.Value)
	if c.Any != nil {
		group := make([]filter.Condition, len(c.Any))
		for i, g := range c.Any {
			group[i] = cloneCondition(g)
		}
		c.Any = group
	}
	if c.Not != nil {
		not := cloneCondition(*c.Not)
		c.Not = &not
	}
	return c
}

// cloneAuth deep-copies the auth block. It names only the fields that hold
// references, so it keeps compiling wherever the block's type is declared.
func cloneAuth(a AuthSpec) AuthSpec {
	a.LoginBody = cloneObject(a.LoginBody)
	a.TokenParams = maps.Clone(a.TokenParams)
	a.TokenResponseSettings = maps.Clone(a.TokenResponseSettings)
	return a
}

// cloneObject deep-copies a JSON-shaped object.
func cloneObject(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = cloneAny(v)
	}
	return out
}

// cloneAny deep-copies a value held in an interface: the shapes JSON decodes
// to directly, anything else (a Go literal's []string, []int, map[string]int)
// through reflection. Scalars are returned as they are.
func cloneAny(v any) any {
	switch v := v.(type) {
	case nil, string, bool, float64, int, int64:
		return v
	case map[string]any:
		return cloneObject(v)
	case []any:
		if v == nil {
			return v
		}
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = cloneAny(e)
		}
		return out
	case []string:
		return slices.Clone(v)
	}
	return cloneValue(reflect.ValueOf(v)).Interface()
}

// cloneValue deep-copies maps, slices, arrays and pointers of any type; other
// kinds are values and are returned as they are.
func cloneValue(v reflect.Value) reflect.Value {
	switch v.Kind() {
	case reflect.Map:
		if v.IsNil() {
			return v
		}
		m := reflect.MakeMapWithSize(v.Type(), v.Len())
		for iter := v.MapRange(); iter.Next(); {
			m.SetMapIndex(iter.Key(), cloneValue(iter.Value()))
		}
		return m
	case reflect.Slice:
		if v.IsNil() {
			return v
		}
		s := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := range v.Len() {
			s.Index(i).Set(cloneValue(v.Index(i)))
		}
		return s
	case reflect.Array:
		a := reflect.New(v.Type()).Elem()
		for i := range v.Len() {
			a.Index(i).Set(cloneValue(v.Index(i)))
		}
		return a
	case reflect.Pointer:
		if v.IsNil() {
			return v
		}
		p := reflect.New(v.Type().Elem())
		p.Elem().Set(cloneValue(v.Elem()))
		return p
	case reflect.Interface:
		if v.IsNil() {
			return v
		}
		c := reflect.New(v.Type()).Elem()
		c.Set(reflect.ValueOf(cloneAny(v.Elem().Interface())))
		return c
	}
	return v
}
