package paginate

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/saasconnect/saasconnect/internal/jsonvalue"
)

// pagePlaceholderForms are the spellings of PagePlaceholder in an escaped
// URL path.
var pagePlaceholderForms = []string{PagePlaceholder, "%7Bpage%7D", "%7bpage%7d"}

// checkFirst checks what a walk with plan p needs of its first request's
// URL u: the {page} placeholder in its path for "in": "path", and the same
// origin for next_request_url.
func checkFirst(p *plan, u *url.URL) error {
	if p.inPath && !strings.Contains(u.Path, PagePlaceholder) {
		return &ConfigError{Field: "in", Err: fmt.Errorf("in %q needs %s in the path of the request URL", InPath, PagePlaceholder)}
	}
	if p.contURL != nil {
		if next := u.ResolveReference(p.contURL); !sameOrigin(next, u) {
			return &ConfigError{Field: "next_request_url", Err: errors.New("not on the origin of the first request")}
		}
	}
	return nil
}

// setPathPage replaces the {page} placeholder in u's path by page.
func setPathPage(u *url.URL, page int) {
	n := strconv.Itoa(page)
	u.Path = strings.ReplaceAll(u.Path, PagePlaceholder, n)
	for _, f := range pagePlaceholderForms {
		u.RawPath = strings.ReplaceAll(u.RawPath, f, n)
	}
}

// withCursor returns a copy of body (next_request_body) with every
// CursorPlaceholder in its strings replaced by cursor.
func withCursor(body map[string]any, cursor string) map[string]any {
	return jsonvalue.MapStrings(body, func(s string) string {
		return strings.ReplaceAll(s, CursorPlaceholder, cursor)
	}).(map[string]any)
}
