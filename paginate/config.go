package paginate

import (
	"errors"
	"fmt"
	"strings"

	"github.com/saasconnect/saasconnect/internal/jsonpath"
)

// Type names a pagination scheme.
type Type string

// The pagination schemes. The zero Type means [None].
const (
	// None: one request, no paging.
	None Type = "none"
	// OffsetLimit: OffsetField carries the index of the first record
	// (Start, default 0, then advanced by the records received) and
	// LimitField the page size.
	OffsetLimit Type = "offset_limit"
	// PageNumber: PageField carries the page number (Start, default 1) and
	// PageSizeField the page size.
	PageNumber Type = "page_number"
	// CursorLimit: CursorField carries the cursor read from CursorPath of
	// the previous response (or of its last record, with "$last.<path>"),
	// and LimitField the page size (default 100).
	CursorLimit Type = "cursor_limit"
	// LinkHeader: the next page is the RFC 8288 Link header's rel="next"
	// target, followed as is.
	LinkHeader Type = "link_header"
	// NextURL: the next page is the URL at NextURLPath in the response
	// body (for example Microsoft Graph's ["@odata.nextLink"]).
	NextURL Type = "next_url"
)

// Defaults applied when the corresponding Config field is zero.
const (
	DefaultMaxPages       = 10000
	DefaultCursorPageSize = 100
)

// Where the paging parameters go (Config.In).
const (
	InQuery = "query"
	InBody  = "body"
)

// lastPrefix marks a cursor_path evaluated on the last record of the page.
const lastPrefix = "$last"

// Config describes how a listing is paged. Its JSON form is the `pagination`
// section of a connector template. The zero Config means one request ([None]).
//
// Field names (OffsetField, LimitField, PageField, PageSizeField,
// CursorField) are query parameter names, or with In "body", dot paths into
// the JSON request body (CyberArk's "Args.PageNumber"). Response paths
// (CursorPath, NextURLPath, TotalPath, TotalPagesPath, HasMorePath) are
// [jsonpath] expressions on the decoded response body; TotalPath,
// TotalPagesPath and HasMorePath may instead name a response header as
// "header:<Name>" (Bugsnag's "header:X-Total-Count"). A has-more value may be
// a JSON boolean or the string "true" or "false".
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
	MaxPages       int    `json:"max_pages,omitempty"` // 0 => DefaultMaxPages
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
// negative number, or a path that does not compile.
func (c Config) Validate() error {
	_, err := compile(c)
	return err
}

// source is where a number or flag is read from a response: a header or a
// body path. The zero source is absent.
type source struct {
	header string
	path   *jsonpath.Path
}

func (s source) get(r *Response) (any, bool) {
	switch {
	case s.header != "":
		vs := r.Header.Values(s.header)
		if len(vs) == 0 {
			return nil, false
		}
		return vs[0], true
	case s.path != nil:
		return s.path.Get(r.Body)
	}
	return nil, false
}

// plan is a validated Config with its defaults applied and its paths
// compiled.
type plan struct {
	typ        Type
	body       bool
	offset     string
	limit      string
	page       string
	pageSize   string
	cursor     string
	size       int
	start      int
	maxPages   int
	cursorPath *jsonpath.Path
	fromLast   bool // cursorPath is evaluated on the last record
	nextURL    *jsonpath.Path
	total      source
	totalPages source
	hasMore    source
}

func compile(c Config) (*plan, error) {
	var errs []error
	bad := func(field string, format string, args ...any) {
		errs = append(errs, &ConfigError{Field: field, Err: fmt.Errorf(format, args...)})
	}
	p := &plan{typ: c.Type, size: c.PageSize, maxPages: c.MaxPages}
	if p.typ == "" {
		p.typ = None
	}

	// Which settings each type requires (true) or accepts (false).
	var uses map[string]bool
	switch p.typ {
	case None:
		uses = map[string]bool{}
	case OffsetLimit:
		uses = map[string]bool{"offset_field": true, "limit_field": false, "start": false, "total_pages_path": false}
	case PageNumber:
		uses = map[string]bool{"page_field": true, "page_size_field": false, "start": false, "total_pages_path": false}
	case CursorLimit:
		uses = map[string]bool{"cursor_field": true, "cursor_path": true, "limit_field": false}
	case LinkHeader:
		uses = map[string]bool{"limit_field": false}
	case NextURL:
		uses = map[string]bool{"next_url_path": true, "limit_field": false}
	default:
		bad("type", "unknown pagination type %q (want none, offset_limit, page_number, cursor_limit, link_header or next_url)", c.Type)
	}
	if uses != nil && p.typ != None {
		for _, k := range []string{"in", "page_size", "total_path", "has_more_path", "max_pages"} {
			uses[k] = false
		}
	}
	given := map[string]bool{
		"in": c.In != "", "offset_field": c.OffsetField != "", "limit_field": c.LimitField != "",
		"page_field": c.PageField != "", "page_size_field": c.PageSizeField != "",
		"cursor_field": c.CursorField != "", "cursor_path": c.CursorPath != "",
		"next_url_path": c.NextURLPath != "", "total_path": c.TotalPath != "",
		"total_pages_path": c.TotalPagesPath != "", "has_more_path": c.HasMorePath != "",
		"page_size": c.PageSize != 0, "start": c.Start != nil, "max_pages": c.MaxPages != 0,
	}
	if uses != nil {
		for _, k := range configKeys {
			req, ok := uses[k]
			switch {
			case given[k] && !ok:
				bad(k, "not used by pagination type %q", p.typ)
			case !given[k] && req:
				bad(k, "required by pagination type %q", p.typ)
			}
		}
	}

	switch c.In {
	case "", InQuery:
	case InBody:
		p.body = true
	default:
		bad("in", "unknown value %q (want query or body)", c.In)
	}
	field := func(key, name string) string {
		if p.body && name != "" {
			for seg := range strings.SplitSeq(name, ".") {
				if seg == "" {
					bad(key, "%q is not a dot path into the request body (empty segment)", name)
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

	if c.PageSize < 0 {
		bad("page_size", "must not be negative, got %d", c.PageSize)
	}
	if c.MaxPages < 0 {
		bad("max_pages", "must not be negative, got %d", c.MaxPages)
	}
	if p.maxPages == 0 {
		p.maxPages = DefaultMaxPages
	}
	if p.typ == PageNumber {
		p.start = 1
	}
	if c.Start != nil {
		if *c.Start < 0 {
			bad("start", "must not be negative, got %d", *c.Start)
		}
		p.start = *c.Start
	}
	if p.typ == CursorLimit && p.size == 0 && c.LimitField != "" {
		p.size = DefaultCursorPageSize
	}
	if p.size == 0 {
		if c.LimitField != "" {
			bad("page_size", "required with limit_field %q", c.LimitField)
		}
		if c.PageSizeField != "" {
			bad("page_size", "required with page_size_field %q", c.PageSizeField)
		}
	}

	path := func(key, expr string) *jsonpath.Path {
		if expr == "" {
			return nil
		}
		jp, err := jsonpath.Compile(expr)
		if err != nil {
			errs = append(errs, &ConfigError{Field: key, Err: err})
		}
		return jp
	}
	src := func(key, expr string) source {
		if name, ok := strings.CutPrefix(expr, "header:"); ok {
			if name == "" {
				bad(key, "header: needs a header name")
			}
			return source{header: name}
		}
		return source{path: path(key, expr)}
	}
	if rest, ok := strings.CutPrefix(c.CursorPath, lastPrefix); ok && (rest == "" || rest[0] == '.' || rest[0] == '[') {
		p.fromLast = true
		p.cursorPath = path("cursor_path", strings.TrimPrefix(rest, "."))
		if p.cursorPath == nil {
			p.cursorPath = jsonpath.MustCompile("") // "$last": the record itself
		}
	} else {
		p.cursorPath = path("cursor_path", c.CursorPath)
	}
	p.nextURL = path("next_url_path", c.NextURLPath)
	p.total = src("total_path", c.TotalPath)
	p.totalPages = src("total_pages_path", c.TotalPagesPath)
	p.hasMore = src("has_more_path", c.HasMorePath)

	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return p, nil
}

// configKeys lists the JSON keys of Config (but "type") in declaration order.
var configKeys = []string{
	"in", "offset_field", "limit_field", "page_field", "page_size_field",
	"cursor_field", "cursor_path", "next_url_path", "total_path",
	"total_pages_path", "has_more_path", "page_size", "start", "max_pages",
}
