package paginate

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"reflect"
	"slices"
	"strings"

	"github.com/saasconnect/saasconnect/internal/jsonpath"
	"github.com/saasconnect/saasconnect/internal/respath"
)

// Defaults applied when the corresponding Config field is zero.
const (
	DefaultMaxPages       = 10000
	DefaultCursorPageSize = 100
	// DefaultMaxCursorBytes caps the length of a cursor (cursor_limit) or
	// next URL (link_header, next_url) that a response may return.
	DefaultMaxCursorBytes = 64 << 10
)

// Where the paging parameters go (Config.In).
const (
	InQuery = "query"
	InBody  = "body"
	// InPath puts the page number of page_number into the request URL's
	// path, in place of its {page} placeholder (Adobe's
	// /users/{orgId}/{page}); page_size_field, if any, stays in the query.
	InPath = "path"
)

// PagePlaceholder is what the page number replaces in the first request's
// URL path with "in": "path". It may be percent-encoded there (%7Bpage%7D).
const PagePlaceholder = "{page}"

// CursorPlaceholder is what the cursor replaces in the string values of
// next_request_body.
const CursorPlaceholder = "{cursor}"

// lastPrefix marks a cursor_path evaluated on the last record of the page.
const lastPrefix = "$last"

// Config describes how a listing is paged. Its JSON form is the `pagination`
// section of a connector template. The zero Config means one request ([None]).
//
// Field names (OffsetField, LimitField, PageField, PageSizeField,
// CursorField) are query parameter names, or with In "body", dot paths into
// the JSON request body (CyberArk's "Args.PageNumber"). Response paths
// (CursorPath, NextURLPath, TotalPath, TotalPagesPath, HasMorePath) are
// [jsonpath] expressions on the decoded response body, or name a response
// header as "header:<Name>" (Bugsnag's "header:X-Total-Count"; spaces after
// the colon are ignored, the name must be an RFC 7230 token); a CursorPath
// may also start with "$last" to read the page's last record. A has-more
// value may be a JSON boolean or the string "true" or "false".
//
// LastPagePath, accepted by every type but [None], is a flag (a JSON
// boolean, the string "true" or "false", or "header:<Name>") that ends the
// walk after the page that says true (Adobe's "lastPage"); false is trusted
// over a short page, as a has-more flag is.
//
// NextRequestURL and NextRequestBody (cursor_limit with In "body") describe
// every request after the first, for APIs that continue a listing at
// another endpoint (Dropbox's members/list/continue_v2). NextRequestURL is
// the URL of those requests (absolute, or relative to the first request's
// URL; it must have the same origin). NextRequestBody is their whole JSON
// body, in which every "{cursor}" in a string value is replaced by the
// cursor; without it the cursor is set at CursorField in the first request's
// body. The first request is sent as given.
//
// MaxCursorBytes caps the length of the cursor or next URL a response
// returns (default [DefaultMaxCursorBytes]); a longer one ends the walk with
// an error naming cursor_path, next_url_path or the Link header. Which keys
// each type requires and accepts is listed by [Types].
//
// A Config is a plain value; it is safe to share once it is no longer
// modified.
type Config struct {
	Type           Type   `json:"type"`
	In             string `json:"in,omitempty"`
	OffsetField    string `json:"offset_field,omitempty"`
	LimitField     string `json:"limit_field,omitempty"`
	PageField      string `json:"page_field,omitempty"`
	PageSizeField  string `json:"page_size_field,omitempty"`
	CursorField    string `json:"cursor_field,omitempty"`
	CursorPath     string `json:"cursor_path,omitempty"` // "$last.id" = from the last record
	NextURLPath    string `json:"next_url_path,omitempty"`
	TotalPath      string `json:"total_path,omitempty"`       // total number of records
	TotalPagesPath string `json:"total_pages_path,omitempty"` // total number of pages
	HasMorePath    string `json:"has_more_path,omitempty"`
	PageSize       int    `json:"page_size,omitempty"`
	Start          *int   `json:"start,omitempty"`
	MaxPages       int    `json:"max_pages,omitempty"`        // 0 => DefaultMaxPages
	MaxCursorBytes int    `json:"max_cursor_bytes,omitempty"` // 0 => DefaultMaxCursorBytes
	LastPagePath   string `json:"last_page_path,omitempty"`

	NextRequestURL  string         `json:"next_request_url,omitempty"`
	NextRequestBody map[string]any `json:"next_request_body,omitempty"`
}

// A ConfigError is one problem with a [Config]. Field is the JSON key of the
// setting at fault, such as "cursor_path".
type ConfigError struct {
	Field string
	Err   error
}

func (e *ConfigError) Error() string { return e.Field + ": " + e.Err.Error() }
func (e *ConfigError) Unwrap() error { return e.Err }

// Validate reports every problem with c at once, as an [errors.Join] of
// [*ConfigError] values (nil when c is valid): an unknown type or "in", a
// field the type requires but c lacks, a setting the type does not use, a
// negative number, a path that does not compile, "in" "path" for another
// type than page_number, next_request_url or next_request_body without "in"
// "body", a next_request_url that is not a URL, or a next_request_body with
// no {cursor}. What needs the first request (its URL's {page}, the origin of
// next_request_url) is checked by [Walker.Walk].
func (c Config) Validate() error {
	_, err := compile(c)
	return err
}

// source is where a value is read from a response: a header or a body path
// (package internal/respath). The zero source is absent.
type source struct{ respath.Source }

func (s source) get(ctx context.Context, r *Response) (any, bool, error) {
	return s.Get(ctx, r.Header, r.Body)
}

// plan is a validated Config with its defaults applied and its paths
// compiled.
type plan struct {
	typ        Type
	def        typeDef
	body       bool
	offset     string
	limit      string
	page       string
	pageSize   string
	cursor     string
	size       int
	start      int
	maxPages   int
	maxCursor  int
	cursorPath *jsonpath.Path // a "$last" cursor_path, evaluated on the last record
	fromLast   bool           // cursor_path starts with "$last"
	cursorSrc  source         // any other cursor_path
	nextURL    source
	total      source
	totalPages source
	hasMore    source
	lastPage   source
	inPath     bool           // the page number goes in the URL path
	contURL    *url.URL       // next_request_url; nil: the first request's URL
	contBody   map[string]any // next_request_body; nil: the first request's body
}

// checkCursorLen reports a cursor or next URL of n bytes, read from key,
// that is longer than max_cursor_bytes allows.
func (p *plan) checkCursorLen(key string, n int) error {
	if n > p.maxCursor {
		return fmt.Errorf("%s: the response's next position is %d bytes, more than max_cursor_bytes (%d)", key, n, p.maxCursor)
	}
	return nil
}

// problems collects the ConfigErrors of a compilation.
type problems []error

func (e *problems) add(field string, format string, args ...any) {
	*e = append(*e, &ConfigError{Field: field, Err: fmt.Errorf(format, args...)})
}

func compile(c Config) (*plan, error) {
	var errs problems
	p := &plan{typ: c.Type, size: c.PageSize, maxPages: c.MaxPages, maxCursor: c.MaxCursorBytes}
	if p.typ == "" {
		p.typ = None
	}
	def, known := lookup(p.typ)
	if known {
		p.def = def
		checkKeys(def, c, &errs)
	} else {
		names := typeNames()
		errs.add("type", "unknown pagination type %q (want %s or %s)", c.Type,
			strings.Join(names[:len(names)-1], ", "), names[len(names)-1])
	}
	compileFields(p, c, &errs)
	compileNumbers(p, c, &errs)
	if known {
		def.strategy.prepare(p, c)
	}
	if p.size == 0 {
		if c.LimitField != "" {
			errs.add("page_size", "required with limit_field %q", c.LimitField)
		}
		if c.PageSizeField != "" {
			errs.add("page_size", "required with page_size_field %q", c.PageSizeField)
		}
	}
	compilePaths(p, c, &errs)
	compileContinuation(p, c, &errs)
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return p, nil
}

// checkKeys reports the keys c sets that def does not use and those def
// requires that c lacks.
func checkKeys(def typeDef, c Config, errs *problems) {
	info := def.info()
	given := givenKeys(c)
	if c.In == InPath && def.name == PageNumber {
		// The page number goes in the path, not in a field.
		info.Required = slices.DeleteFunc(info.Required, func(k string) bool { return k == "page_field" })
		if given["page_field"] {
			errs.add("page_field", "not used with in %q: the page number replaces %s in the URL path", InPath, PagePlaceholder)
			given["page_field"] = false
		}
	}
	for _, k := range configKeys {
		switch {
		case given[k] && !slices.Contains(info.Required, k) && !slices.Contains(info.Optional, k):
			errs.add(k, "not used by pagination type %q", def.name)
		case !given[k] && slices.Contains(info.Required, k):
			errs.add(k, "required by pagination type %q", def.name)
		}
	}
}

// compileFields checks "in" and the request field names.
func compileFields(p *plan, c Config, errs *problems) {
	switch c.In {
	case "", InQuery:
	case InBody:
		p.body = true
	case InPath:
		if p.typ != PageNumber {
			errs.add("in", "path is only for pagination type %q (the page number in the URL path)", PageNumber)
		}
		p.inPath = true
	default:
		errs.add("in", "unknown value %q (want query, body or path)", c.In)
	}
	field := func(key, name string) string {
		if p.body && name != "" {
			for seg := range strings.SplitSeq(name, ".") {
				if seg == "" {
					errs.add(key, "%q is not a dot path into the request body (empty segment)", name)
					break
				}
			}
		}
		return name
	}
	p.offset = field("offset_field", c.OffsetField)
	p.limit = field("limit_field", c.LimitField)
	p.page = field("page_field", c.PageField)
	p.pageSize = field("page_size_field", c.PageSizeField)
	p.cursor = field("cursor_field", c.CursorField)
}

// compileNumbers checks the numeric settings and applies their defaults.
func compileNumbers(p *plan, c Config, errs *problems) {
	for _, n := range []struct {
		key string
		v   int
	}{{"page_size", c.PageSize}, {"max_pages", c.MaxPages}, {"max_cursor_bytes", c.MaxCursorBytes}} {
		if n.v < 0 {
			errs.add(n.key, "must not be negative, got %d", n.v)
		}
	}
	if p.maxPages == 0 {
		p.maxPages = DefaultMaxPages
	}
	if p.maxCursor == 0 {
		p.maxCursor = DefaultMaxCursorBytes
	}
	if c.Start != nil {
		if *c.Start < 0 {
			errs.add("start", "must not be negative, got %d", *c.Start)
		}
		p.start = *c.Start
	}
}

// compilePaths compiles the response paths and header sources.
func compilePaths(p *plan, c Config, errs *problems) {
	path := func(key, expr string) *jsonpath.Path {
		if expr == "" {
			return nil
		}
		jp, err := jsonpath.Compile(expr)
		if err != nil {
			*errs = append(*errs, &ConfigError{Field: key, Err: err})
		}
		return jp
	}
	src := func(key, expr string) source {
		s, err := respath.Compile(expr)
		if err != nil {
			*errs = append(*errs, &ConfigError{Field: key, Err: err})
		}
		return source{s}
	}
	if rest, ok := strings.CutPrefix(c.CursorPath, lastPrefix); ok && (rest == "" || rest[0] == '.' || rest[0] == '[') {
		p.fromLast = true
		p.cursorPath = path("cursor_path", strings.TrimPrefix(rest, "."))
		if p.cursorPath == nil {
			p.cursorPath = jsonpath.MustCompile("") // "$last": the record itself
		}
	} else {
		p.cursorSrc = src("cursor_path", c.CursorPath)
	}
	p.nextURL = src("next_url_path", c.NextURLPath)
	p.total = src("total_path", c.TotalPath)
	p.totalPages = src("total_pages_path", c.TotalPagesPath)
	p.hasMore = src("has_more_path", c.HasMorePath)
	p.lastPage = src("last_page_path", c.LastPagePath)
}

// configKeys lists the JSON keys of Config (but "type") in declaration
// order, read from its struct tags.
var configKeys = func() []string {
	var keys []string
	for f := range reflect.TypeFor[Config]().Fields() {
		if k := jsonKey(f); k != "type" {
			keys = append(keys, k)
		}
	}
	return keys
}()

// givenKeys reports, by JSON key, which settings c gives (is not zero).
func givenKeys(c Config) map[string]bool {
	v := reflect.ValueOf(c)
	given := make(map[string]bool, v.NumField())
	for i := range v.NumField() {
		given[jsonKey(v.Type().Field(i))] = !v.Field(i).IsZero()
	}
	return given
}

func jsonKey(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	return name
}

// compileContinuation checks next_request_url and next_request_body.
func compileContinuation(p *plan, c Config, errs *problems) {
	if c.NextRequestURL != "" {
		if c.In != InBody {
			errs.add("next_request_url", "needs in %q (a listing continued by POSTing the cursor)", InBody)
		}
		u, err := url.Parse(c.NextRequestURL)
		switch {
		case err != nil:
			errs.add("next_request_url", "not a URL: %v", errors.Unwrap(err))
		case u.User != nil:
			errs.add("next_request_url", "credentials in the URL (user info)")
		default:
			p.contURL = u
		}
	}
	if c.NextRequestBody != nil {
		if c.In != InBody {
			errs.add("next_request_body", "needs in %q (a listing continued by POSTing the cursor)", InBody)
		}
		if !holdsCursor(c.NextRequestBody) {
			errs.add("next_request_body", "no string value holds %s: every request would be the same", CursorPlaceholder)
		}
		p.contBody = c.NextRequestBody
	}
}

// holdsCursor reports whether a string in v (decoded JSON) holds
// CursorPlaceholder.
func holdsCursor(v any) bool {
	switch v := v.(type) {
	case string:
		return strings.Contains(v, CursorPlaceholder)
	case map[string]any:
		for _, e := range v {
			if holdsCursor(e) {
				return true
			}
		}
	case []any:
		return slices.ContainsFunc(v, holdsCursor)
	}
	return false
}
