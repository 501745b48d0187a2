// Package mapping turns decoded vendor records into saasconnect.User values.
//
// A [Spec] is the declarative part of a template's "response" (fields,
// status_values, time_format) plus the activity's last_activity_field.
// [Compile] checks every path and setting at once and returns an immutable
// [Mapper]; [Mapper.Map] is the per-record hot path: it reads each path
// once on the decoded record, without decoding or copying anything.
//
// # Paths
//
// Paths are those of package internal/jsonpath: dot paths with indexes and
// bracket keys (profile.email, emails[0].value, ["@odata.id"]) are
// evaluated directly; JSONPath expressions ($.roles[*].value,
// emails[?(@.primary==true)].value) by the general engine. For SCIM's
// "primary" email use either emails[0].value (SCIM lists the primary
// first, and the index also reads Figma's single-object form) or the
// filter form emails[?(@.primary==true)].value, which takes the first
// element whose primary is true (true or "true").
//
// # Coercion to strings
//
// System fields are strings. A JSON string is used as is (surrounding
// spaces trimmed); a json.Number keeps its literal, so the ID
// 12345678901234567 stays exact; a float64 (records decoded without
// UseNumber) is formatted without exponent or trailing zeros (1e6 gives
// "1000000"); booleans give "true"/"false". An array gives its first
// element, so a JSONPath wildcard or filter yields its first match; for an
// array of SCIM multi-valued attributes ({"value":…, "primary":…}) the
// primary element is taken. An object with a "value" key (a SCIM attribute)
// gives that value; any other object is a *FieldError. null or an absent
// path leaves the field empty.
//
// Fields that are not system fields go to User.Extra under their template
// key, with the value as decoded (json.Number, string, bool, []any,
// map[string]any); null and absent values are left out.
//
// # Value tables
//
// Spec.ValueMaps gives a field a table from vendor values to the text the
// field gets: Zoom's license type 1, 2, 3 becomes "basic", "licensed",
// "on_prem". A key is the vendor value's text: a string trimmed, a number by
// its shortest decimal text (1, 1.0 and "1" all match the key "1"; 1.50
// matches "1.5"), a boolean "true" or "false". An array is looked up by its
// primary or first element for a system field and element by element for an
// Extra field; an object is looked up by its "value" key for a system field.
// Keys match exactly first, then case-insensitively. A value not in the table
// maps to the key "*" when the table has one, and otherwise passes through
// unchanged; absent and null values stay absent. A mapped Extra value is a
// string. status has its own table, Spec.StatusValues.
//
// # Fallback paths
//
// Spec.Fallbacks gives a field alternative paths, tried in order when the
// primary path's value is missing: absent, null, an empty (or all-space)
// string or an empty array (a wildcard or filter that matched nothing).
// The first alternative with a value wins; when none has one, the primary's
// value is used as it is. Microsoft Graph's email, for instance, is mail,
// else userPrincipalName:
//
//	Spec{Fields: map[string]string{"email": "mail"}, Fallbacks: map[string][]string{"email": {"userPrincipalName"}}}
//
// A field without fallbacks costs nothing more on the hot path.
//
// # Other record types
//
// Records that are not users (licenses, SSO applications, assignments) map
// onto a [Record] through a [Table], the record type's typed columns
// (string, integer, time): [CompileTable] checks a Spec against it, and
// [TableMapper.Map] coerces each column's value to its kind, with the
// paths, fallbacks and time formats described here.
package mapping

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/saasconnect/saasconnect"
	"github.com/saasconnect/saasconnect/internal/jsonpath"
)

// Spec declares how vendor records map onto users. The zero Spec is not
// valid: at least one of the id and email fields must be mapped.
type Spec struct {
	// Fields maps a field name to a vendor path. The system fields id,
	// email, name, first_name, last_name, status, role, department and
	// title fill the User fields of those names; "last_activity" is an
	// alias for LastActivityField; "licenses" reads an array of license
	// ids or names (or a single one) into User.Licenses, each element
	// coerced as a system field; any other name lands in User.Extra.
	Fields map[string]string `json:"fields"`
	// StatusValues maps vendor status values to Status names
	// ({"ACTIVE": "active", "true": "active", "invited": "pending"}). JSON booleans match the keys
	// "true" and "false", numbers their literal. Keys match exactly, then
	// case-insensitively, then as bit rules: a key "bits_any:<mask>",
	// "bits_all:<mask>" or "bits_none:<mask>" (mask decimal or 0x hex)
	// matches an integer value (or a string of one) with any, all or none
	// of the mask's bits set; the first matching rule in key order wins
	// (Active Directory's userAccountControl: {"bits_any:0x2": "inactive",
	// "bits_none:0x2": "active"}). Values not listed map to StatusUnknown. Without
	// StatusValues, a vendor value equal to a Status name (any case) maps to
	// it and any other to StatusUnknown.
	StatusValues map[string]string `json:"status_values,omitempty"`
	// TimeFormat is the format of the last-activity value: TimeUnix
	// ("unix"), TimeUnixMilli ("unix_ms"), TimeDotNet ("dotnet"),
	// TimeRFC3339 ("rfc3339"), TimeFileTime ("filetime"), TimeGeneralized
	// ("generalized_time") or a Go layout. "" detects it; a declared
	// format is used instead of detection, and a value that does not match
	// it is a *FieldError for the record (see ParseTime).
	TimeFormat string `json:"time_format,omitempty"`
	// LastActivityField is the path of the last-activity timestamp; ""
	// means the vendor reports none.
	LastActivityField string `json:"last_activity_field,omitempty"`
	// Fallbacks gives fields of Fields alternative paths, tried in order
	// when the primary path's value is absent, null, an empty string or an
	// empty array (see the package doc). Every key must be a key of Fields
	// (not last_activity), with at least one path.
	Fallbacks map[string][]string `json:"fallbacks,omitempty"`
	// ValueMaps gives fields of Fields a value table (see the package
	// doc): {"license": {"1": "basic", "2": "licensed", "*": "other"}}.
	// Every key must be a key of Fields other than status (whose table is
	// StatusValues) and last_activity, with a non-empty table.
	ValueMaps map[string]map[string]string `json:"value_maps,omitempty"`
	// NeverValues lists vendor sentinels that mean "never active" on top
	// of the built-in ones (see ParseTime), such as Google's
	// "1970-01-01T00:00:00.000Z". Each must parse as a time, in TimeFormat
	// or else as detected; a last activity equal to one of them (as an
	// instant) gives a zero LastActivity.
	NeverValues []string `json:"never_values,omitempty"`
}

// SystemFields lists the field names that fill User fields, in User order.
func SystemFields() []string {
	return []string{"id", "email", "name", "first_name", "last_name", "status", "role", "department", "title"}
}

// ErrMissingIdentity is returned (inside a *FieldError) by Map for a record
// that has neither an email nor an ID: such a record cannot become a user.
var ErrMissingIdentity = errors.New("mapping: record has no email and no id")

// ErrNoIdentityField is returned by Compile for a Spec that maps neither
// id nor email.
var ErrNoIdentityField = errors.New("mapping: fields map neither id nor email")

// FieldError locates a mapping problem: the field (template key, or
// "status_values[…]", "time_format", "last_activity", "never_values[i]",
// "value_maps.<field>" for a field's value table, or
// "fallbacks.<field>[i]" for the i-th fallback path of a field and
// "fallbacks.<field>" for the list itself; a field name that is not a plain
// identifier is written ["name"]), the vendor path it reads, and what went
// wrong. Offset is the byte offset in Path of a path syntax error, or -1.
type FieldError struct {
	Field  string
	Path   string
	Offset int
	Err    error
}

func (e *FieldError) Error() string {
	var b strings.Builder
	b.WriteString("mapping: field ")
	b.WriteString(strconv.Quote(e.Field))
	if e.Path != "" {
		b.WriteString(" path ")
		b.WriteString(strconv.Quote(e.Path))
	}
	var se *jsonpath.SyntaxError
	if e.Offset >= 0 && errors.As(e.Err, &se) {
		fmt.Fprintf(&b, " at offset %d: %s", e.Offset, se.Msg)
		return b.String()
	}
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	return b.String()
}

func (e *FieldError) Unwrap() error { return e.Err }

// slot identifies the User field a compiled field fills.
type slot uint8

const (
	slotExtra slot = iota
	slotID
	slotEmail
	slotName
	slotFirstName
	slotLastName
	slotStatus
	slotRole
	slotDepartment
	slotTitle
	slotLicenses
)

var slots = map[string]slot{
	"id": slotID, "email": slotEmail, "name": slotName, "first_name": slotFirstName,
	"last_name": slotLastName, "status": slotStatus, "role": slotRole,
	"department": slotDepartment, "title": slotTitle, "licenses": slotLicenses,
}

type field struct {
	name      string
	slot      slot
	path      *jsonpath.Path
	fallbacks []*jsonpath.Path // tried in order when path gives no value
	values    *valueTable      // nil: values pass through
}

// Mapper is a compiled Spec. It is immutable and safe for concurrent use.
type Mapper struct {
	fields       []field // system fields first (in slot order), then extras by name
	extras       int     // number of extra fields
	idPath       string
	emailPath    string
	status       map[string]saasconnect.Status
	statusKeys   []statusKey // sorted, for the case-insensitive match
	statusBits   []bitRule   // bits_any/bits_all/bits_none keys, in key order
	statusGiven  bool
	timeFormat   string
	lastActivity *jsonpath.Path
	never        []time.Time // Spec.NeverValues, as instants
}

// Compile checks s and compiles its paths. It reports every problem at
// once: the error is an errors.Join of *FieldError values, each naming the
// field, the path and (for syntax errors) the byte offset.
func Compile(s Spec) (*Mapper, error) {
	m := &Mapper{timeFormat: s.TimeFormat}
	var errs []error
	names := make([]string, 0, len(s.Fields))
	for name := range s.Fields {
		names = append(names, name)
	}
	slices.SortFunc(names, func(a, b string) int {
		// System fields in User order, then extras by name.
		sa, sb := slots[a], slots[b]
		if sa != sb {
			if sa == slotExtra {
				return 1
			}
			if sb == slotExtra {
				return -1
			}
			return int(sa) - int(sb)
		}
		return strings.Compare(a, b)
	})
	laPath := s.LastActivityField
	laField := "last_activity_field"
	for _, name := range names {
		expr := s.Fields[name]
		if name == "last_activity" {
			if laPath != "" && laPath != expr {
				errs = append(errs, &FieldError{Field: name, Path: expr, Offset: -1,
					Err: fmt.Errorf("conflicts with last_activity_field %q", laPath)})
				continue
			}
			laPath, laField = expr, name
			continue
		}
		if name == "" {
			errs = append(errs, &FieldError{Field: name, Path: expr, Offset: -1, Err: errors.New("empty field name")})
			continue
		}
		if strings.TrimSpace(expr) == "" {
			errs = append(errs, &FieldError{Field: name, Path: expr, Offset: -1, Err: errors.New("empty path")})
			continue
		}
		p, err := jsonpath.Compile(expr)
		if err != nil {
			errs = append(errs, pathError(name, expr, err))
			continue
		}
		sl := slots[name]
		m.fields = append(m.fields, field{name: name, slot: sl, path: p})
		switch sl {
		case slotExtra:
			m.extras++
		case slotID:
			m.idPath = expr
		case slotEmail:
			m.emailPath = expr
		}
	}
	errs = append(errs, m.compileFallbacks(s)...)
	errs = append(errs, m.compileValueMaps(s)...)
	errs = append(errs, m.compileNeverValues(s)...)
	if _, ok := s.Fields["id"]; !ok {
		if _, ok := s.Fields["email"]; !ok {
			errs = append(errs, &FieldError{Field: "id", Offset: -1, Err: ErrNoIdentityField})
		}
	}
	if laPath != "" {
		p, err := jsonpath.Compile(laPath)
		if err != nil {
			errs = append(errs, pathError(laField, laPath, err))
		}
		m.lastActivity = p
	}
	if err := checkLayout(s.TimeFormat); err != nil {
		errs = append(errs, &FieldError{Field: "time_format", Offset: -1, Err: err})
	}
	if len(s.StatusValues) > 0 {
		m.statusGiven = true
		m.status = make(map[string]saasconnect.Status, len(s.StatusValues))
		keys := make([]string, 0, len(s.StatusValues))
		for k := range s.StatusValues {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			st, err := saasconnect.ParseStatus(s.StatusValues[k])
			if err != nil {
				errs = append(errs, &FieldError{Field: "status_values[" + strconv.Quote(k) + "]", Offset: -1, Err: err})
				continue
			}
			if r, isRule, err := parseBitRule(k); isRule {
				if err != nil {
					errs = append(errs, &FieldError{Field: "status_values[" + strconv.Quote(k) + "]", Offset: -1, Err: err})
					continue
				}
				r.status = st
				m.statusBits = append(m.statusBits, r)
				continue
			}
			m.status[k] = st
			m.statusKeys = append(m.statusKeys, statusKey{k, st})
		}
		if _, ok := s.Fields["status"]; !ok {
			errs = append(errs, &FieldError{Field: "status_values", Offset: -1,
				Err: errors.New("status_values given but fields has no status path")})
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return m, nil
}

// compileFallbacks compiles s.Fallbacks onto the compiled fields.
func (m *Mapper) compileFallbacks(s Spec) []error {
	if len(s.Fallbacks) == 0 {
		return nil
	}
	var errs []error
	names := make([]string, 0, len(s.Fallbacks))
	for name := range s.Fallbacks {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		list := s.Fallbacks[name]
		at := fallbackName(name)
		var f *field
		for i := range m.fields {
			if m.fields[i].name == name {
				f = &m.fields[i]
			}
		}
		_, mapped := s.Fields[name]
		switch {
		case name == "last_activity":
			errs = append(errs, &FieldError{Field: at, Offset: -1, Err: errors.New("last activity has no fallbacks")})
			continue
		case !mapped:
			errs = append(errs, &FieldError{Field: at, Offset: -1, Err: fmt.Errorf("field %q is not in fields: a fallback needs a primary path", name)})
			continue
		case len(list) == 0:
			errs = append(errs, &FieldError{Field: at, Offset: -1, Err: errors.New("empty list: give at least one path, or remove the key")})
			continue
		}
		paths := make([]*jsonpath.Path, 0, len(list))
		for i, expr := range list {
			at := fmt.Sprintf("%s[%d]", at, i)
			if strings.TrimSpace(expr) == "" {
				errs = append(errs, &FieldError{Field: at, Path: expr, Offset: -1, Err: errors.New("empty path")})
				continue
			}
			p, err := jsonpath.Compile(expr)
			if err != nil {
				errs = append(errs, pathError(at, expr, err))
				continue
			}
			paths = append(paths, p)
		}
		if f != nil { // nil: the primary path itself is in error
			f.fallbacks = paths
		}
	}
	return errs
}

// compileValueMaps compiles s.ValueMaps onto the compiled fields.
func (m *Mapper) compileValueMaps(s Spec) []error {
	var errs []error
	names := make([]string, 0, len(s.ValueMaps))
	for name := range s.ValueMaps {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		table := s.ValueMaps[name]
		at := keyName("value_maps", name)
		_, mapped := s.Fields[name]
		switch {
		case name == "status":
			errs = append(errs, &FieldError{Field: at, Offset: -1, Err: errors.New("status has its own table: use status_values")})
			continue
		case name == "last_activity":
			errs = append(errs, &FieldError{Field: at, Offset: -1, Err: errors.New("last activity has no value table")})
			continue
		case !mapped:
			errs = append(errs, &FieldError{Field: at, Offset: -1, Err: fmt.Errorf("field %q is not in fields: a value table needs a mapped field", name)})
			continue
		case len(table) == 0:
			errs = append(errs, &FieldError{Field: at, Offset: -1, Err: errors.New("empty table: give at least one value, or remove the key")})
			continue
		}
		vt := newValueTable(table)
		for i := range m.fields {
			if m.fields[i].name == name {
				m.fields[i].values = vt
			}
		}
	}
	return errs
}

// compileNeverValues parses s.NeverValues.
func (m *Mapper) compileNeverValues(s Spec) []error {
	var errs []error
	for i, v := range s.NeverValues {
		t, never, err := ParseTime(v, s.TimeFormat)
		if err != nil && s.TimeFormat != "" {
			t, never, err = ParseTime(v, "")
		}
		switch {
		case err != nil:
			errs = append(errs, &FieldError{Field: fmt.Sprintf("never_values[%d]", i), Offset: -1,
				Err: fmt.Errorf("not a time: %w", err)})
		case never:
			// A built-in sentinel already.
		default:
			m.never = append(m.never, t)
		}
	}
	return errs
}

// fallbackName is the FieldError.Field of a field's fallback list:
// "fallbacks.email", or `fallbacks["odd key"]`.
func fallbackName(name string) string { return keyName("fallbacks", name) }

// keyName is the FieldError.Field of a Spec map entry: "prefix.name", or
// `prefix["odd key"]`.
func keyName(prefix, name string) string {
	plain := name != ""
	for _, r := range name {
		if !(r == '_' || r == '-' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			plain = false
			break
		}
	}
	if plain {
		return prefix + "." + name
	}
	return prefix + "[" + strconv.Quote(name) + "]"
}

func pathError(name, expr string, err error) *FieldError {
	off := -1
	var se *jsonpath.SyntaxError
	if errors.As(err, &se) {
		off = se.Offset
	}
	return &FieldError{Field: name, Path: expr, Offset: off, Err: err}
}

// MustCompile is like Compile but panics on error; for package-level
// variables holding constant specs.
func MustCompile(s Spec) *Mapper {
	m, err := Compile(s)
	if err != nil {
		panic(err)
	}
	return m
}

// ReportsActivity reports whether the spec names a last-activity path. When
// it does not, every user's activity is unknown.
func (m *Mapper) ReportsActivity() bool { return m.lastActivity != nil }

// Paths returns every path Map reads: the fields' (system fields in User
// order, then extras by name), each followed by its fallbacks, and the
// last-activity path last. The slice is new; the paths are shared and
// immutable.
func (m *Mapper) Paths() []*jsonpath.Path {
	ps := make([]*jsonpath.Path, 0, len(m.fields)+1)
	for _, f := range m.fields {
		ps = append(ps, f.path)
		ps = append(ps, f.fallbacks...)
	}
	if m.lastActivity != nil {
		ps = append(ps, m.lastActivity)
	}
	return ps
}

// Map maps one decoded JSON record (see package internal/jsonpath for the
// value types) onto a User. It fills ID through Title, Status,
// LastActivity and Extra; Activity, Application, Connector and Raw are the
// caller's. When the spec maps no name but first or last name, Name is
// "First Last".
//
// Status is empty when the spec maps no status; otherwise a value that is
// absent, null or not recognised gives StatusUnknown. LastActivity is zero
// when the value is absent or means never (a built-in sentinel, see
// ParseTime, or one of Spec.NeverValues). A field with a value table
// (Spec.ValueMaps) gets the table's text for a listed value.
//
// A value that cannot be used (an object for a string field, an
// unparseable time) is a *FieldError naming the field and path; a record
// with neither email nor ID is a *FieldError wrapping ErrMissingIdentity.
// All problems of the record are joined; on error the User is the zero
// value. Map is safe for concurrent use and reads each path once (a
// field's fallback paths only while the previous ones gave no value).
func (m *Mapper) Map(rec any) (saasconnect.User, error) {
	var u saasconnect.User
	var errs []error
	for i := range m.fields {
		f := &m.fields[i]
		v, ok, path := lookup(rec, f.path, f.fallbacks)
		if !ok || v == nil {
			if f.slot == slotStatus {
				u.Status = saasconnect.StatusUnknown
			}
			continue
		}
		switch f.slot {
		case slotExtra:
			if u.Extra == nil {
				u.Extra = make(map[string]any, m.extras)
			}
			if f.values != nil {
				v = f.values.mapExtra(v)
			}
			u.Extra[f.name] = v
		case slotStatus:
			u.Status = m.mapStatus(v)
		case slotLicenses:
			l, err := toStrings(v)
			if err != nil {
				errs = append(errs, &FieldError{Field: f.name, Path: path.String(), Offset: -1, Err: err})
				continue
			}
			u.Licenses = l
		default:
			if f.values != nil {
				if s, ok := f.values.mapSystem(v); ok {
					*stringFieldOf(&u, f.slot) = s
					continue
				}
			}
			s, err := toString(v)
			if err != nil {
				errs = append(errs, &FieldError{Field: f.name, Path: path.String(), Offset: -1, Err: err})
				continue
			}
			*stringFieldOf(&u, f.slot) = s
		}
	}
	if u.Name == "" && (u.FirstName != "" || u.LastName != "") {
		switch {
		case u.FirstName == "":
			u.Name = u.LastName
		case u.LastName == "":
			u.Name = u.FirstName
		default:
			u.Name = u.FirstName + " " + u.LastName
		}
	}
	if m.lastActivity != nil {
		if v, ok := m.lastActivity.Get(rec); ok {
			if list, isList := v.([]any); isList {
				v = firstOf(list)
			}
			t, _, err := ParseTime(v, m.timeFormat)
			if err != nil {
				errs = append(errs, &FieldError{Field: "last_activity", Path: m.lastActivity.String(), Offset: -1, Err: err})
			}
			for _, n := range m.never {
				if t.Equal(n) {
					t = time.Time{}
					break
				}
			}
			u.LastActivity = t
		}
	}
	if u.Email == "" && u.ID == "" && len(errs) == 0 {
		field, path := "email", m.emailPath
		if path == "" {
			field, path = "id", m.idPath
		}
		err := ErrMissingIdentity
		if m.emailPath != "" && m.idPath != "" {
			err = fmt.Errorf("%w (id path %q is empty too)", ErrMissingIdentity, m.idPath)
		}
		errs = append(errs, &FieldError{Field: field, Path: path, Offset: -1, Err: err})
	}
	if len(errs) > 0 {
		return saasconnect.User{}, errors.Join(errs...)
	}
	return u, nil
}

// lookup reads path in rec, then, while that gives no value (see noValue),
// each fallback in order. It returns the value, whether it was present, and
// the path it came from (for errors).
func lookup(rec any, path *jsonpath.Path, fallbacks []*jsonpath.Path) (any, bool, *jsonpath.Path) {
	v, ok := path.Get(rec)
	if len(fallbacks) > 0 && noValue(v, ok) {
		for _, p := range fallbacks {
			if fv, fok := p.Get(rec); !noValue(fv, fok) {
				return fv, fok, p
			}
		}
	}
	return v, ok, path
}

// noValue reports whether a path result leaves room for a fallback: absent,
// null, an empty or all-space string, or an empty array.
func noValue(v any, ok bool) bool {
	if !ok || v == nil {
		return true
	}
	switch x := v.(type) {
	case string:
		return strings.TrimSpace(x) == ""
	case []any:
		return len(x) == 0
	}
	return false
}

// stringFieldOf returns the User string field of a system slot.
func stringFieldOf(u *saasconnect.User, s slot) *string {
	switch s {
	case slotID:
		return &u.ID
	case slotEmail:
		return &u.Email
	case slotName:
		return &u.Name
	case slotFirstName:
		return &u.FirstName
	case slotLastName:
		return &u.LastName
	case slotRole:
		return &u.Role
	case slotDepartment:
		return &u.Department
	case slotTitle:
		return &u.Title
	}
	panic("mapping: no string field for slot " + strconv.Itoa(int(s)))
}

func (m *Mapper) mapStatus(v any) saasconnect.Status {
	if list, isList := v.([]any); isList {
		v = firstOf(list)
	}
	var key string
	switch x := v.(type) {
	case string:
		key = strings.TrimSpace(x)
	case bool:
		key = "false"
		if x {
			key = "true"
		}
	default:
		s, err := toString(v)
		if err != nil {
			return saasconnect.StatusUnknown
		}
		key = s
	}
	if !m.statusGiven {
		for _, st := range statuses {
			if strings.EqualFold(key, string(st)) {
				return st
			}
		}
		return saasconnect.StatusUnknown
	}
	if st, ok := m.status[key]; ok {
		return st
	}
	for _, sk := range m.statusKeys {
		if strings.EqualFold(sk.key, key) {
			return sk.status
		}
	}
	if len(m.statusBits) > 0 {
		if n, err := strconv.ParseInt(key, 10, 64); err == nil {
			for _, r := range m.statusBits {
				if r.match(n) {
					return r.status
				}
			}
		}
	}
	return saasconnect.StatusUnknown
}

type statusKey struct {
	key    string
	status saasconnect.Status
}

var statuses = saasconnect.Statuses()
