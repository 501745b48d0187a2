package paginate

import (
	"strings"

	"github.com/saasconnect/saasconnect/internal/respath"
)

// BodyPaths returns the JSON paths c reads in response bodies, as written:
// doc on the page document (cursor_path, next_url_path, total_path,
// total_pages_path, has_more_path and last_page_path), rec on the page's records (a
// "$last.<path>" cursor_path, as "<path>"; "$last" alone as "$"). Empty
// paths and "header:<Name>" sources are left out. It does not validate c,
// and is safe for concurrent use.
//
// A decoder that materialises only part of each page must keep these.
func (c Config) BodyPaths() (doc, rec []string) {
	add := func(list *[]string, expr string) {
		if _, header := respath.HeaderName(expr); expr != "" && !header {
			*list = append(*list, expr)
		}
	}
	if rest, ok := strings.CutPrefix(c.CursorPath, lastPrefix); ok && (rest == "" || rest[0] == '.' || rest[0] == '[') {
		if rest = strings.TrimPrefix(rest, "."); rest == "" {
			rest = "$"
		}
		add(&rec, rest)
	} else {
		add(&doc, c.CursorPath)
	}
	for _, p := range []string{c.NextURLPath, c.TotalPath, c.TotalPagesPath, c.HasMorePath, c.LastPagePath} {
		add(&doc, p)
	}
	return doc, rec
}
