package mapping

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/saasconnect/saasconnect/internal/jsonpath"
)

// Kind is the type a Table column's value is coerced to.
type Kind uint8

// The column kinds.
const (
	// KindString is coerced as a User system field (see the package doc).
	KindString Kind = iota
	// KindInt is an integer: a JSON number, or a string holding one, with
	// no fractional part. An absent or null value stays nil.
	KindInt
	// KindTime is a timestamp read with the Spec's TimeFormat (see
	// ParseTime), in UTC; absent, null or "never" values are the zero time.
	KindTime
)

// Column is one typed field of a Table.
type Column struct {
	Name string
	Kind Kind
}

// Table describes the fields of a record type other than User (a license,
// an application, an assignment): a Spec compiled against it with
// CompileTable maps records onto a Record holding those columns. One Table
// per record type; adding a record type is adding a Table.
type Table struct {
	// Columns are the typed fields, by template key.
	Columns []Column
	// Identity names the columns of which a Spec must map at least one,
	// and a record must have at least one value; empty = no identity rule.
	Identity []string
	// Required names the columns a Spec must map and every record must
	// have a value in.
	Required []string
	// Extra accepts fields that are not columns into Record.Extra; when
	// false they are compile errors.
	Extra bool
	// Status names the KindString column that StatusValues applies to; ""
	// means StatusValues is an error.
	Status string
}

// Record is one record mapped by a TableMapper: the column values, read
// with String, Int and Time by column name, and Extra. It is a plain value.
type Record struct {
	table  *Table
	values []any // by column index: string, *int, time.Time or nil
	// Extra holds the mapped fields that are not columns, with their values
	// as decoded; nil when there are none.
	Extra map[string]any
}

func (r Record) value(name string) any {
	if r.table == nil {
		return nil
	}
	for i, c := range r.table.Columns {
		if c.Name == name {
			return r.values[i]
		}
	}
	return nil
}

// String returns the value of the KindString column name, "" when absent.
func (r Record) String(name string) string { s, _ := r.value(name).(string); return s }

// Int returns the value of the KindInt column name, nil when absent.
func (r Record) Int(name string) *int { n, _ := r.value(name).(*int); return n }

// Time returns the value of the KindTime column name, zero when absent.
func (r Record) Time(name string) time.Time { t, _ := r.value(name).(time.Time); return t }

// ErrMissingValue is returned (inside a *FieldError) by TableMapper.Map for
// a record with no value in any of the table's identity columns, or none in
// a required column.
var ErrMissingValue = errors.New("mapping: record has no value in any identity field")

// TableMapper is a Spec compiled against a Table. It is immutable and safe
// for concurrent use.
type TableMapper struct {
	table      *Table
	fields     []tableField
	timeFormat string
	status     map[string]string
	statusKeys []string // sorted, for the case-insensitive match
}

type tableField struct {
	name      string
	col       int // column index, -1 for Extra
	path      *jsonpath.Path
	fallbacks []*jsonpath.Path
}

// CompileTable checks s against t and compiles its paths. It reports every
// problem at once, as an errors.Join of *FieldError naming the field (a
// template key, "fallbacks.<field>[i]", "status_values", "time_format"):
// a field that is not a column when t takes no extras, a missing identity,
// status_values without a status column or path, a LastActivityField (a
// table has its own time columns), and bad paths and time formats.
//
// StatusValues map vendor values (exactly, then case-insensitively) to any
// string; values not listed are kept as they are.
func CompileTable(s Spec, t Table) (*TableMapper, error) {
	m := &TableMapper{table: &t, timeFormat: s.TimeFormat}
	var errs []error
	names := make([]string, 0, len(s.Fields))
	for name := range s.Fields {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		expr := s.Fields[name]
		col := slices.IndexFunc(t.Columns, func(c Column) bool { return c.Name == name })
		switch {
		case name == "":
			errs = append(errs, &FieldError{Field: name, Path: expr, Offset: -1, Err: errors.New("empty field name")})
			continue
		case col < 0 && !t.Extra:
			errs = append(errs, &FieldError{Field: name, Path: expr, Offset: -1, Err: fmt.Errorf("unknown field (want one of %s)", columnNames(t))})
			continue
		case strings.TrimSpace(expr) == "":
			errs = append(errs, &FieldError{Field: name, Path: expr, Offset: -1, Err: errors.New("empty path")})
			continue
		}
		p, err := jsonpath.Compile(expr)
		if err != nil {
			errs = append(errs, pathError(name, expr, err))
			continue
		}
		m.fields = append(m.fields, tableField{name: name, col: col, path: p})
	}
	errs = append(errs, m.compileFallbacks(s)...)
	if len(t.Identity) > 0 && !slices.ContainsFunc(t.Identity, func(n string) bool { _, ok := s.Fields[n]; return ok }) {
		errs = append(errs, &FieldError{Field: t.Identity[0], Offset: -1, Err: fmt.Errorf("missing: map at least %s", strings.Join(t.Identity, " or "))})
	}
	for _, n := range t.Required {
		if _, ok := s.Fields[n]; !ok {
			errs = append(errs, &FieldError{Field: n, Offset: -1, Err: errors.New("missing: this field is required")})
		}
	}
	if s.LastActivityField != "" {
		errs = append(errs, &FieldError{Field: "last_activity_field", Path: s.LastActivityField, Offset: -1, Err: errors.New("not used here: map the time fields by name")})
	}
	if err := checkLayout(s.TimeFormat); err != nil {
		errs = append(errs, &FieldError{Field: "time_format", Offset: -1, Err: err})
	}
	if len(s.StatusValues) > 0 {
		_, mapped := s.Fields[t.Status]
		switch {
		case t.Status == "":
			errs = append(errs, &FieldError{Field: "status_values", Offset: -1, Err: errors.New("this record type has no status field")})
		case !mapped:
			errs = append(errs, &FieldError{Field: "status_values", Offset: -1, Err: fmt.Errorf("status_values given but fields has no %s path", t.Status)})
		}
		m.status = s.StatusValues
		for k := range s.StatusValues {
			m.statusKeys = append(m.statusKeys, k)
		}
		slices.Sort(m.statusKeys)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return m, nil
}

func columnNames(t Table) string {
	names := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		names[i] = c.Name
	}
	return strings.Join(names, ", ")
}

// compileFallbacks compiles s.Fallbacks onto the compiled fields, with the
// rules of Compile.
func (m *TableMapper) compileFallbacks(s Spec) []error {
	var errs []error
	names := make([]string, 0, len(s.Fallbacks))
	for name := range s.Fallbacks {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		list, at := s.Fallbacks[name], fallbackName(name)
		if _, mapped := s.Fields[name]; !mapped {
			errs = append(errs, &FieldError{Field: at, Offset: -1, Err: fmt.Errorf("field %q is not in fields: a fallback needs a primary path", name)})
			continue
		}
		if len(list) == 0 {
			errs = append(errs, &FieldError{Field: at, Offset: -1, Err: errors.New("empty list: give at least one path, or remove the key")})
			continue
		}
		var paths []*jsonpath.Path
		for i, expr := range list {
			at := fmt.Sprintf("%s[%d]", at, i)
			p, err := jsonpath.Compile(expr)
			switch {
			case strings.TrimSpace(expr) == "":
				errs = append(errs, &FieldError{Field: at, Path: expr, Offset: -1, Err: errors.New("empty path")})
			case err != nil:
				errs = append(errs, pathError(at, expr, err))
			default:
				paths = append(paths, p)
			}
		}
		for i := range m.fields {
			if m.fields[i].name == name {
				m.fields[i].fallbacks = paths
			}
		}
	}
	return errs
}

// Map maps one decoded JSON record onto a Record. A value that cannot be
// coerced to its column's kind (an object for a string, 1.5 or "many" for
// an integer, an unparseable time) is a *FieldError naming the field and
// path; a record with no value in any identity column is a *FieldError
// wrapping ErrMissingValue. All problems of the record are joined; on error
// the Record is the zero value. Map is safe for concurrent use.
func (m *TableMapper) Map(rec any) (Record, error) {
	r := Record{table: m.table, values: make([]any, len(m.table.Columns))}
	var errs []error
	for i := range m.fields {
		f := &m.fields[i]
		v, ok, path := lookup(rec, f.path, f.fallbacks)
		if !ok || v == nil {
			continue
		}
		if f.col < 0 {
			if r.Extra == nil {
				r.Extra = make(map[string]any)
			}
			r.Extra[f.name] = v
			continue
		}
		val, err := m.coerce(m.table.Columns[f.col], v)
		if err != nil {
			errs = append(errs, &FieldError{Field: f.name, Path: path.String(), Offset: -1, Err: err})
			continue
		}
		r.values[f.col] = val
	}
	if len(errs) == 0 && len(m.table.Identity) > 0 && !slices.ContainsFunc(m.table.Identity, func(n string) bool { return r.String(n) != "" }) {
		for _, n := range m.table.Identity { // named by the first identity column mapped
			if f := slices.IndexFunc(m.fields, func(f tableField) bool { return f.name == n }); f >= 0 {
				errs = append(errs, &FieldError{Field: n, Path: m.fields[f].path.String(), Offset: -1, Err: ErrMissingValue})
				break
			}
		}
	}
	for _, n := range m.table.Required {
		if f := slices.IndexFunc(m.fields, func(f tableField) bool { return f.name == n }); f >= 0 && (r.value(n) == nil || r.value(n) == "") && len(errs) == 0 {
			errs = append(errs, &FieldError{Field: n, Path: m.fields[f].path.String(), Offset: -1, Err: ErrMissingValue})
		}
	}
	if len(errs) > 0 {
		return Record{}, errors.Join(errs...)
	}
	return r, nil
}

// coerce converts v (not nil) to c's kind.
func (m *TableMapper) coerce(c Column, v any) (any, error) {
	switch c.Kind {
	case KindInt:
		if list, isList := v.([]any); isList {
			v = firstOf(list)
		}
		return toInt(v)
	case KindTime:
		if list, isList := v.([]any); isList {
			v = firstOf(list)
		}
		t, _, err := ParseTime(v, m.timeFormat)
		return t, err
	}
	s, err := toString(v)
	if err == nil && c.Name == m.table.Status && m.status != nil {
		s = m.mapStatus(s)
	}
	return s, err
}

func (m *TableMapper) mapStatus(s string) string {
	if st, ok := m.status[s]; ok {
		return st
	}
	for _, k := range m.statusKeys {
		if strings.EqualFold(k, s) {
			return m.status[k]
		}
	}
	return s
}

// toInt coerces a decoded JSON value to an integer: a number or a numeric
// string without a fractional part. nil and a blank string give nil.
func toInt(v any) (*int, error) {
	var n int
	switch x := v.(type) {
	case nil:
		return nil, nil
	case int:
		n = x
	case int64:
		n = int(x)
	case float64:
		if x != math.Trunc(x) || math.Abs(x) > 1<<53 {
			return nil, fmt.Errorf("want an integer, got %s", formatFloat(x))
		}
		n = int(x)
	case json.Number:
		i, err := strconv.Atoi(string(x))
		if err != nil { // 3.0 and 1e3 are integers too
			f, ferr := strconv.ParseFloat(string(x), 64)
			if ferr != nil || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
				return nil, fmt.Errorf("want an integer, got %s", x)
			}
			i = int(f)
		}
		n = i
	case string:
		if strings.TrimSpace(x) == "" {
			return nil, nil
		}
		i, err := strconv.Atoi(strings.TrimSpace(x))
		if err != nil {
			return nil, fmt.Errorf("want an integer, got %q", x)
		}
		n = i
	default:
		return nil, fmt.Errorf("want an integer, got a JSON %s", jsonKindOf(v))
	}
	return &n, nil
}

func jsonKindOf(v any) string {
	switch v.(type) {
	case bool:
		return "boolean"
	case map[string]any:
		return "object"
	case []any:
		return "array"
	}
	return fmt.Sprintf("%T", v)
}

// Paths returns every path Map reads (fields by name, each followed by its
// fallbacks). The slice is new; the paths are shared and immutable.
func (m *TableMapper) Paths() []*jsonpath.Path {
	var ps []*jsonpath.Path
	for _, f := range m.fields {
		ps = append(ps, f.path)
		ps = append(ps, f.fallbacks...)
	}
	return ps
}
