package connector

import (
	"fmt"
	"maps"
	"net/url"
	"slices"

	"github.com/saasconnect/saasconnect/internal/transport"
	"github.com/saasconnect/saasconnect/paginate"
)

// This file holds the request-side parts of pagination that need the
// template's settings: the {page} placeholder of "in": "path",
// next_request_url and next_request_body.

// pagePlaceholder and cursorPlaceholder are the placeholder names that
// pagination fills, not settings.
const (
	pagePlaceholder   = "page"
	cursorPlaceholder = "cursor"
)

// pageInPath reports whether the page number goes in users_url's path.
func pageInPath(t Template) bool { return t.Pagination.In == paginate.InPath }

// expandUsersURL fills the placeholders of usersURL, paged as pg, from vals
// (see expandURL), keeping {page} for the walk when the page number goes in
// the path.
func expandUsersURL(usersURL string, pg paginate.Config, vals map[string]string) (*url.URL, error) {
	if pg.In == paginate.InPath {
		vals = maps.Clone(vals)
		vals[pagePlaceholder] = paginate.PagePlaceholder
	}
	return expandURL(usersURL, vals)
}

// pagingConfig returns pg with the placeholders of next_request_url
// (filled as in users_url) and of the strings of next_request_body
// (verbatim, {cursor} kept) filled from vals.
func pagingConfig(pg paginate.Config, vals map[string]string) (paginate.Config, error) {
	if pg.NextRequestURL != "" {
		u, err := expandURL(pg.NextRequestURL, vals)
		if err != nil {
			return pg, fmt.Errorf("pagination.next_request_url: %w", err)
		}
		if u.IsAbs() {
			if err := transport.CheckURL(u); err != nil {
				return pg, fmt.Errorf("pagination.next_request_url: %w", err)
			}
		}
		pg.NextRequestURL = u.String()
	}
	if pg.NextRequestBody != nil {
		keep := maps.Clone(vals)
		keep[cursorPlaceholder] = paginate.CursorPlaceholder // the walk fills it
		pg.NextRequestBody = expandValue(pg.NextRequestBody, keep).(map[string]any)
	}
	return pg, nil
}

// usersURLPlaceholders lists the placeholders of users_url that name
// settings: all but {page} when the page number goes in the path.
func usersURLPlaceholders(t Template) []string {
	names := placeholders(t.Request.UsersURL)
	if pageInPath(t) {
		names = slices.DeleteFunc(names, func(n string) bool { return n == pagePlaceholder })
	}
	return names
}

// paging checks what the pagination block asks of the rest of the
// template ({page} in the path of users_url for "in": "path", the
// placeholders of next_request_url and next_request_body), request.query
// arrays and response.records_as.
func (v *validator) paging() {
	t := v.t
	pg := t.Pagination
	declared := map[string]bool{}
	for _, s := range t.Settings() {
		declared[s.Name] = true
	}
	if pageInPath(t) {
		names, parts := placeholders(t.Request.UsersURL), placeholderParts(t.Request.UsersURL)
		inPath := false
		for i, n := range names {
			inPath = inPath || (n == pagePlaceholder && parts[i] == partPath)
		}
		switch {
		case !inPath:
			v.add("pagination.in", "in %q needs the {%s} placeholder in the path of request.users_url", paginate.InPath, pagePlaceholder)
		case declared[pagePlaceholder]:
			v.add("pagination.in", "in %q fills {%s} in request.users_url, which a setting of that name would also fill: rename the setting", paginate.InPath, pagePlaceholder)
		}
	}
	if pg.NextRequestURL != "" {
		for _, n := range placeholders(pg.NextRequestURL) {
			if !declared[n] {
				v.add("pagination.next_request_url", "placeholder {%s} names no declared or auth-implied setting", n)
			}
		}
		if urlTemplate(pg.NextRequestURL) {
			v.url("pagination.next_request_url", pg.NextRequestURL)
		}
	}
	if pg.NextRequestBody != nil {
		for _, n := range valuePlaceholders(pg.NextRequestBody) {
			switch {
			case n == cursorPlaceholder && declared[n]:
				v.add("pagination.next_request_body", "{%s} is the cursor here, but a setting has that name too: rename the setting", n)
			case n != cursorPlaceholder && !declared[n]:
				v.add("pagination.next_request_body", "placeholder {%s} names no declared or auth-implied setting (only {%s} is filled by the walk)", n, cursorPlaceholder)
			}
		}
	}
	switch t.Response.RecordsAs {
	case "", RecordsAsArray, RecordsAsValues:
	default:
		v.add("response.records_as", "unknown value %q (want %s or %s)", t.Response.RecordsAs, RecordsAsArray, RecordsAsValues)
	}
	for _, k := range sortedKeys(t.Request.Query) {
		if len(t.Request.Query[k]) == 0 {
			v.add(joinPath("request.query", k), "an empty array sends no parameter: give at least one value or drop the key")
		}
	}
}
