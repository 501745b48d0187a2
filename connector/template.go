package connector

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"

	"github.com/saasconnect/saasconnect/auth"
	"github.com/saasconnect/saasconnect/filter"
	"github.com/saasconnect/saasconnect/ldapdir"
	"github.com/saasconnect/saasconnect/paginate"
)

// TemplateVersion is the template format version this package reads.
const TemplateVersion = 1

// Template declares a vendor's user listing: how to authenticate, which URL to
// call, how to page, how to map each record onto a saasconnect.User, which
// records to keep and how to classify activity. It is plain data: decode it
// with ParseTemplate, or write it in Go. Validate reports every problem at
// once; New validates and compiles it.
//
// Its JSON form has the general keys (version, slug, name, vendor, support,
// docs_url, description, settings) and one block per concern: auth,
// request, pagination, response, filters, activity, rate_limit and
// retry_on; the optional licenses, applications and assignments blocks
// declare more listings (see ListingSpec). Every key, its default and the rules between keys are
// documented in docs/templates.md in the repository; the field comments
// below summarise them. Besides the declared settings, every template
// accepts the optional ca_file setting (see CAFileSetting).
//
// A Template is a plain value; it is safe to share once no longer modified.
type Template struct {
	// SchemaRef is the template's "$schema" key: the JSON Schema an editor
	// checks the file against (see Schema). saasconnect ignores it.
	SchemaRef string `json:"$schema,omitempty"`

	Version int    `json:"version"`
	Slug    string `json:"slug,omitempty"`
	Name    string `json:"name,omitempty"`
	Vendor  string `json:"vendor,omitempty"`
	Support string `json:"support,omitempty"` // "full" or "partial"
	DocsURL string `json:"docs_url,omitempty"`
	// Description is free text for the people choosing or running the
	// template: what it covers and, for a partial template, what is
	// unconfirmed ("the time format of LastLogin is taken from community
	// code"). Optional; never interpreted.
	Description string `json:"description,omitempty"`

	// Declared lists the settings the template declares (JSON "settings").
	// Settings() adds the ones its auth method implies.
	Declared []Setting `json:"settings,omitempty"`

	Auth       AuthSpec           `json:"auth,omitzero"`
	Request    RequestSpec        `json:"request"`
	Pagination paginate.Config    `json:"pagination,omitzero"`
	Response   ResponseSpec       `json:"response"`
	Filters    []filter.Condition `json:"filters,omitempty"`
	// Enrich lists the users listing's requests per record (see
	// EnrichSpec).
	Enrich    []EnrichSpec `json:"enrich,omitempty"`
	Activity  ActivitySpec `json:"activity,omitzero"`
	RateLimit RateLimit    `json:"rate_limit,omitzero"`
	// RetryOn lists extra statuses (400-599) that mean "throttled, retry",
	// on top of 429, 502, 503 and 504.
	RetryOn []int `json:"retry_on,omitempty"`

	// Source is "http" (the default: request and pagination) or "ldap"
	// (the LDAP block).
	Source string `json:"source,omitempty"`
	// LDAP is the directory search of an "ldap" source.
	LDAP *ldapdir.Config `json:"ldap,omitempty"`

	// Licenses, Applications and Assignments are the optional listings of
	// the tenant's other resources (see ListingSpec); nil when not
	// declared. They share the settings, auth, rate_limit and retry_on.
	Licenses     *ListingSpec `json:"licenses,omitempty"`
	Applications *ListingSpec `json:"applications,omitempty"`
	Assignments  *ListingSpec `json:"assignments,omitempty"`

	// Join lists second listings merged into the users by key (see
	// JoinSpec): each walked once per run, its values under
	// "_join.<name>" in every user record.
	Join []JoinSpec `json:"join,omitempty"`

	// Each walks the users listing once per value (see EachSpec).
	Each *EachSpec `json:"each,omitempty"`
}

// AuthMethod names how requests get credentials (auth.method).
type AuthMethod = auth.Method

// The auth methods a template may name (the rows of [auth.Methods]).
const (
	AuthNone    = auth.MethodNone
	AuthAPIKey  = auth.MethodAPIKey
	AuthBasic   = auth.MethodBasic
	AuthOAuth2  = auth.MethodOAuth2
	AuthSession = auth.MethodSession
)

// AuthSpec is the template's auth block. Which fields apply depends on
// Method, as the [auth.Methods] table says; secrets never live here, they
// come from Settings.
type AuthSpec = auth.Spec

// RequestSpec is the template's request block: the first page's request.
type RequestSpec struct {
	// UsersURL may hold {setting} placeholders: a leading one is inserted
	// verbatim, one in the path is url.PathEscape'd, one in a query value
	// url.QueryEscape'd.
	UsersURL string `json:"users_url"`
	// URL is the first page's URL of a licenses, applications or
	// assignments listing (their key instead of users_url), with the same
	// placeholder rules.
	URL string `json:"url,omitempty"`
	// Method is GET (default) or POST.
	Method string `json:"method,omitempty"`
	// Headers and Query values may hold {placeholders}. Query parameters
	// are appended to users_url's own query, which is kept byte for byte;
	// a Query value in JSON is a string or an array of strings (a repeated
	// parameter).
	Headers map[string]string `json:"headers,omitempty"`
	Query   QueryValues       `json:"query,omitempty"`
	// Body is a JSON request body (POST APIs that page in the body); string
	// values may hold {placeholders}.
	Body map[string]any `json:"body,omitempty"`
}

// ResponseSpec is the template's response block: where the records are and
// how each maps onto a saasconnect.User.
type ResponseSpec struct {
	// RecordsPath locates the array of records; empty = the body itself.
	RecordsPath string `json:"records_path,omitempty"`
	// RecordsAs is "array" (the default: records_path holds an array) or
	// "values" (it holds an object keyed by id, whose values are the
	// records, in key order; mapping and filters read each key at "$key").
	RecordsAs string `json:"records_as,omitempty"`
	// Fields maps User fields (id, email, name, first_name, last_name,
	// status, role, department, title; anything else goes to Extra) to paths.
	Fields map[string]string `json:"fields,omitempty"`
	// FallbackFields gives fields of Fields alternative paths, tried in
	// order when the primary path's value is absent, null, an empty string
	// or an empty array ({"email": ["userPrincipalName"]}).
	FallbackFields map[string][]string `json:"fallback_fields,omitempty"`
	// StatusValues maps vendor status values to saasconnect.Status values.
	StatusValues map[string]string `json:"status_values,omitempty"`
	// ValueMaps gives fields of Fields (not status) a table from vendor
	// values to text ({"license": {"1": "basic", "2": "licensed"}}); a
	// value not listed passes through, or maps to the key "*".
	ValueMaps map[string]map[string]string `json:"value_maps,omitempty"`
	// TimeFormat is "unix", "unix_ms", "dotnet", "rfc3339" or a Go layout;
	// empty = auto-detect.
	TimeFormat string `json:"time_format,omitempty"`
	// SuccessPath is the path of a boolean in every page body (or a
	// "header:<Name>" whose text is "true" or "false") that says
	// whether the request succeeded, for APIs that answer failures with
	// HTTP 200 (CyberArk Redrock: "success"). false, or no boolean there,
	// fails the page with a *ResponseError.
	SuccessPath string `json:"success_path,omitempty"`
	// ErrorMessagePath is the path of the failure message quoted by that
	// error (Redrock: "Message"); needs SuccessPath.
	ErrorMessagePath string `json:"error_message_path,omitempty"`
}

// ActivitySpec is the template's activity block.
type ActivitySpec struct {
	// Type is "user" (or empty).
	Type string `json:"type,omitempty"`
	// LastActivityField is the path of the last-activity timestamp; empty =
	// the vendor reports no activity (users are classified unknown).
	LastActivityField string `json:"last_activity_field,omitempty"`
	// Application names the app the activity belongs to (default: the
	// template's Name).
	Application string `json:"application,omitempty"`
	// NeverValues lists vendor last-activity values that mean "never
	// active", on top of the built-in ones ("1970-01-01T00:00:00.000Z").
	NeverValues []string `json:"never_values,omitempty"`
	// InactiveAfter is a Go duration ("720h") or days ("90d", "1d12h");
	// default 30 days.
	InactiveAfter string `json:"inactive_after,omitempty"`
}

// RateLimit is the template's rate_limit block: at most Requests requests per
// Per (a Go duration such as "1m", or days: "1d").
type RateLimit struct {
	Requests int    `json:"requests"`
	Per      string `json:"per"`
	// Burst is how many requests may go at once (default 1).
	Burst int `json:"burst,omitempty"`
}

// Setting is one value a user supplies to instantiate a template.
type Setting struct {
	Name        string `json:"name"`
	Default     string `json:"default,omitempty"`
	Description string `json:"description,omitempty"`
	Required    bool   `json:"required,omitempty"`
	// Secret settings are never logged or shown; they are redacted in errors.
	Secret bool `json:"secret,omitempty"`
}

// Settings holds the values for a template's settings, by name.
type Settings map[string]string

// ParseTemplate decodes a JSON template. Unknown keys are errors naming their
// JSON path ("pagination.curser_path"); syntax errors name the byte offset
// (and line and column). It does not validate: call Template.Validate, or New,
// which does. The error is an errors.Join of *TemplateError.
func ParseTemplate(data []byte) (Template, error) {
	var t Template
	var doc any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return t, &TemplateError{Err: jsonSyntaxError(data, err)}
	}
	end := dec.InputOffset()
	if _, err := dec.Token(); err != io.EOF {
		off := end + int64(len(data[end:])-len(bytes.TrimLeft(data[end:], " \t\r\n")))
		return t, &TemplateError{Err: fmt.Errorf("unexpected data after the template at byte offset %d (%s)", off, lineCol(data, off))}
	}
	if _, ok := doc.(map[string]any); !ok {
		return t, &TemplateError{Err: errors.New("a template is a JSON object")}
	}
	errs := duplicateKeys(data)
	unknownKeys(doc, reflect.TypeFor[Template](), "", &errs)
	if len(errs) > 0 {
		return t, errors.Join(errs...)
	}
	// UseNumber keeps filter values and request bodies exact (large IDs).
	dec = json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&t); err != nil {
		var ute *json.UnmarshalTypeError
		if errors.As(err, &ute) {
			return Template{}, &TemplateError{Path: ute.Field, Err: fmt.Errorf("cannot use JSON %s as %s (byte offset %d)", ute.Value, ute.Type, ute.Offset)}
		}
		return Template{}, &TemplateError{Err: err}
	}
	return t, nil
}

// MustParseTemplate is ParseTemplate that panics on error, for templates
// embedded in the program (go:embed).
func MustParseTemplate(data []byte) Template {
	t, err := ParseTemplate(data)
	if err != nil {
		panic(err)
	}
	return t
}

func jsonSyntaxError(data []byte, err error) error {
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		// Offset counts the offending byte; line and column point at it.
		return fmt.Errorf("invalid JSON at byte offset %d (%s): %w", se.Offset, lineCol(data, se.Offset-1), err)
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		off := int64(len(data))
		return fmt.Errorf("invalid JSON: unexpected end at byte offset %d (%s)", off, lineCol(data, off))
	}
	return fmt.Errorf("invalid JSON: %w", err)
}

// lineCol turns a byte offset into "line L, column C" (1-based).
func lineCol(data []byte, off int64) string {
	off = min(max(off, 0), int64(len(data)))
	before := data[:off]
	line := bytes.Count(before, []byte{'\n'}) + 1
	col := int(off) - (bytes.LastIndexByte(before, '\n') + 1) + 1
	return fmt.Sprintf("line %d, column %d", line, col)
}

// unknownKeys reports every object key in v that the Go type t does not
// declare (exact, case-sensitive match on the JSON names).
func unknownKeys(v any, t reflect.Type, path string, errs *[]error) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct:
		obj, ok := v.(map[string]any)
		if !ok {
			return // wrong JSON type: json.Unmarshal reports it
		}
		fields := jsonFields(t)
		for _, k := range sortedKeys(obj) {
			ft, ok := fields[k]
			if !ok {
				*errs = append(*errs, &TemplateError{Path: joinPath(path, k), Err: fmt.Errorf("unknown key %q", k)})
				continue
			}
			unknownKeys(obj[k], ft, joinPath(path, k), errs)
		}
	case reflect.Map:
		obj, ok := v.(map[string]any)
		if !ok {
			return
		}
		for _, k := range sortedKeys(obj) {
			unknownKeys(obj[k], t.Elem(), joinPath(path, k), errs)
		}
	case reflect.Slice, reflect.Array:
		arr, ok := v.([]any)
		if !ok {
			return
		}
		for i, e := range arr {
			unknownKeys(e, t.Elem(), fmt.Sprintf("%s[%d]", path, i), errs)
		}
	}
}

func jsonFields(t reflect.Type) map[string]reflect.Type {
	fields := make(map[string]reflect.Type)
	for f := range t.Fields() {
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			for k, v := range jsonFields(f.Type) {
				fields[k] = v
			}
			continue
		}
		if name == "" {
			name = f.Name
		}
		fields[name] = f.Type
	}
	return fields
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// joinPath appends key to a JSON path, bracket-quoting keys that are not
// plain identifiers.
func joinPath(path, key string) string {
	plain := key != ""
	for _, r := range key {
		if !(r == '_' || r == '-' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			plain = false
			break
		}
	}
	switch {
	case !plain:
		return fmt.Sprintf("%s[%q]", path, key)
	case path == "":
		return key
	}
	return path + "." + key
}
