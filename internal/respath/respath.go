// Package respath parses the response-path fields of a template: every key
// that says where a value is read from a response (pagination cursor_path,
// next_url_path, total_path, total_pages_path and has_more_path; response
// success_path and error_message_path; auth token_path). Each holds either a
// JSON path into the response body (package internal/jsonpath) or
// "header:<Name>" for a response header. One parser keeps the rule the same
// in every field: spaces after the colon are ignored ("header: X-Total" is
// "header:X-Total"), and the name must be an RFC 7230 token.
//
// Records paths and mapped fields are paths into records, not responses:
// they are plain JSON paths and do not use this package.
package respath

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/saasconnect/saasconnect/internal/jsonpath"
)

// Prefix marks a response header source.
const Prefix = "header:"

// HeaderName reports whether expr names a response header, and the name as
// written with the spaces around it removed (not validated: see Compile).
func HeaderName(expr string) (string, bool) {
	name, ok := strings.CutPrefix(expr, Prefix)
	return strings.TrimSpace(name), ok
}

// Source is a compiled response path: a header (Header non-empty, in
// canonical form) or a body path (Path non-nil). The zero Source is absent:
// it finds nothing. A Source is immutable and safe for concurrent use.
type Source struct {
	Header string
	Path   *jsonpath.Path
}

// Compile parses expr. "" gives the zero Source; "header:<Name>" a header
// source; anything else a JSON path. A bad header name is an error giving
// the byte offset in expr of the first character that is not allowed; a
// bad path is jsonpath's error.
func Compile(expr string) (Source, error) {
	if expr == "" {
		return Source{}, nil
	}
	if _, ok := HeaderName(expr); !ok {
		p, err := jsonpath.Compile(expr)
		if err != nil {
			return Source{}, err
		}
		return Source{Path: p}, nil
	}
	start := len(Prefix)
	for start < len(expr) && (expr[start] == ' ' || expr[start] == '\t') {
		start++
	}
	name := strings.TrimRight(expr[start:], " \t")
	if name == "" {
		return Source{}, fmt.Errorf("%q: %s must be followed by a header name", expr, Prefix)
	}
	for i := 0; i < len(name); i++ {
		if !isTokenChar(name[i]) {
			return Source{}, fmt.Errorf("%q: header name %q is not an RFC 7230 token: byte offset %d (%q) is not allowed", expr, name, start+i, name[i])
		}
	}
	return Source{Header: http.CanonicalHeaderKey(name)}, nil
}

// IsZero reports whether s is the zero (absent) Source.
func (s Source) IsZero() bool { return s.Header == "" && s.Path == nil }

// String returns s as a template writes it ("header:X-Total-Count",
// "meta.next"); "" for the zero Source.
func (s Source) String() string {
	switch {
	case s.Header != "":
		return Prefix + s.Header
	case s.Path != nil:
		return s.Path.String()
	}
	return ""
}

// Get returns the value s locates: the header's first value (a string) in
// header, or the path's value in body (eval errors are jsonpath's: a
// cancelled ctx, a filter that fails). ok is false when there is none.
func (s Source) Get(ctx context.Context, header http.Header, body any) (v any, ok bool, err error) {
	switch {
	case s.Header != "":
		vs := header.Values(s.Header)
		if len(vs) == 0 {
			return nil, false, nil
		}
		return vs[0], true, nil
	case s.Path != nil:
		return s.Path.Eval(ctx, body)
	}
	return nil, false, nil
}

// ValidHeaderName reports whether name is an RFC 7230 token (a header
// field name).
func ValidHeaderName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		if !isTokenChar(name[i]) {
			return false
		}
	}
	return true
}

// isTokenChar reports whether c is an RFC 7230 tchar.
func isTokenChar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}
