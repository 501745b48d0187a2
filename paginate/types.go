package paginate

import (
	"context"
	"net/http"
	"slices"
)

// Type names a pagination scheme. The zero Type means [None]. [Types]
// lists the schemes with the Config keys each one reads.
type Type string

// A TypeInfo describes one pagination type: its name (the value of the
// "type" key) and the [Config] keys it reads, by JSON name. A key in neither
// list is refused by [Config.Validate] for that type. "type" itself is in
// neither list; it may be omitted only for [None].
type TypeInfo struct {
	Name     Type     `json:"name"`
	Required []string `json:"required"`
	Optional []string `json:"optional"`
}

// Types returns the pagination types in the order of their documentation,
// each with the keys it requires and accepts. The result is a fresh copy.
func Types() []TypeInfo {
	out := make([]TypeInfo, len(registry))
	for i, d := range registry {
		out[i] = d.info()
	}
	return out
}

// commonKeys are accepted by every type but [None].
var commonKeys = []string{"in", "page_size", "total_path", "has_more_path", "last_page_path", "max_pages"}

// A typeDef is one row of the registry: a type's name, its keys and its
// strategy.
type typeDef struct {
	name     Type
	required []string
	optional []string // besides commonKeys
	strategy strategy
}

func (d typeDef) info() TypeInfo {
	opt := slices.Clone(d.optional)
	if d.name != None {
		opt = append(opt, commonKeys...)
	}
	if opt == nil {
		opt = []string{}
	}
	return TypeInfo{Name: d.name, Required: append([]string{}, d.required...), Optional: opt}
}

// A strategy is how one pagination type pages: how it builds a request and
// how it reads the position of the next page. The walk does the rest (stop
// rules on totals and has-more flags, loop detection, max_pages, prefetch
// scheduling, errors), the same for every type.
type strategy interface {
	// prepare applies the type's defaults to p, compiled from c.
	prepare(p *plan, c Config)
	// build sets the paging parameters of the request for pos.
	build(p *plan, pos position, set func(field string, v any))
	// advance returns the position after pos, read from resp (the
	// response to req, which has records and which the stop rules let
	// go on), or done when there is none.
	advance(ctx context.Context, w *walk, req *http.Request, pos position, resp *Response) (next position, done bool, err error)
	// shortPageEnds reports whether a page shorter than page_size ends the
	// walk when the response gives no total and no has-more flag.
	shortPageEnds(p *plan) bool
	// step is the position index's increase from one full page to the
	// next, for prefetching; 0 means the type cannot prefetch.
	step(p *plan) int
}

// registry lists the pagination types. Adding a type takes one file with
// its strategy and one row here (see the package documentation).
var registry = []typeDef{
	{name: None, strategy: none{}},
	{name: OffsetLimit, required: []string{"offset_field"}, optional: []string{"limit_field", "start", "total_pages_path"}, strategy: offsetLimit{}},
	{name: PageNumber, required: []string{"page_field"}, optional: []string{"page_size_field", "start", "total_pages_path"}, strategy: pageNumber{}},
	{name: CursorLimit, required: []string{"cursor_field", "cursor_path"}, optional: []string{"limit_field", "max_cursor_bytes", "next_request_url", "next_request_body"}, strategy: cursorLimit{}},
	{name: LinkHeader, optional: []string{"limit_field", "max_cursor_bytes"}, strategy: linkHeader{}},
	{name: NextURL, required: []string{"next_url_path"}, optional: []string{"limit_field", "max_cursor_bytes"}, strategy: nextURL{}},
}

// lookup returns the registry row of t.
func lookup(t Type) (typeDef, bool) {
	i := slices.IndexFunc(registry, func(d typeDef) bool { return d.name == t })
	if i < 0 {
		return typeDef{}, false
	}
	return registry[i], true
}

// typeNames lists the registered type names, for error messages.
func typeNames() []string {
	names := make([]string, len(registry))
	for i, d := range registry {
		names[i] = string(d.name)
	}
	return names
}
