package connector

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/saasconnect/saasconnect/filter"
)

// stringLeaves returns the JSON keys of t's fields, at any depth, that hold
// strings (string, named string, map of strings, slice of strings, map of
// string slices): the keys that could hold a path. A slice of structs
// contributes "<key>[].<field>".
func stringLeaves(t reflect.Type, prefix string) []string {
	return stringLeavesOf(t, prefix, nil)
}

// stringLeavesOf is stringLeaves that does not enter a struct type already
// on the walk (filter conditions nest in their any groups).
func stringLeavesOf(t reflect.Type, prefix string, walking []reflect.Type) []string {
	walking = append(walking, t)
	var out []string
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !f.IsExported() || name == "-" {
			continue
		}
		key := name
		if prefix != "" {
			key = prefix + "." + name
		}
		ft := f.Type
		switch {
		case ft.Kind() == reflect.Struct && !slices.Contains(walking, ft):
			out = append(out, stringLeavesOf(ft, key, walking)...)
		case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct && !slices.Contains(walking, ft.Elem()):
			out = append(out, stringLeavesOf(ft.Elem(), key+"[]", walking)...)
		case isStrings(ft):
			out = append(out, key)
		}
	}
	return out
}

func isStrings(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.String:
		return true
	case reflect.Slice:
		return isStrings(t.Elem())
	case reflect.Map:
		return t.Key().Kind() == reflect.String && isStrings(t.Elem())
	}
	return false
}

// pagePaths are the template keys that hold paths read in page bodies:
// each sets path p on a template, and says whether it is read in each
// record (rec) or on the page document.
var pagePaths = map[string]struct {
	set func(t *Template, p string)
	rec bool
}{
	"pagination.cursor_path":       {set: func(t *Template, p string) { t.Pagination.CursorPath = p }},
	"pagination.next_url_path":     {set: func(t *Template, p string) { t.Pagination.NextURLPath = p }},
	"pagination.total_path":        {set: func(t *Template, p string) { t.Pagination.TotalPath = p }},
	"pagination.total_pages_path":  {set: func(t *Template, p string) { t.Pagination.TotalPagesPath = p }},
	"pagination.has_more_path":     {set: func(t *Template, p string) { t.Pagination.HasMorePath = p }},
	"pagination.last_page_path":    {set: func(t *Template, p string) { t.Pagination.LastPagePath = p }},
	"response.success_path":        {set: func(t *Template, p string) { t.Response.SuccessPath = p }},
	"response.error_message_path":  {set: func(t *Template, p string) { t.Response.ErrorMessagePath = p }},
	"response.fields":              {set: func(t *Template, p string) { t.Response.Fields["sentinel"] = p }, rec: true},
	"activity.last_activity_field": {set: func(t *Template, p string) { t.Activity.LastActivityField = p }, rec: true},
	"filters[].field":              {set: func(t *Template, p string) { t.Filters = append(t.Filters, filterOn(p)) }, rec: true},
	"join[].on":                    {set: func(t *Template, p string) { t.Join = append(t.Join, JoinSpec{Name: "j", On: p}) }, rec: true},
	// {record.<path>} in an enrich URL and the when condition are read on
	// the raw record before mapping.
	"enrich[].url": {set: func(t *Template, p string) {
		t.Enrich = append(t.Enrich, EnrichSpec{Name: "e", URL: "{base_url}/users/{record." + p + "}", Fields: map[string]string{"k": "k"}})
	}, rec: true},
	"enrich[].when.field": {set: func(t *Template, p string) {
		t.Enrich = append(t.Enrich, EnrichSpec{Name: "e", URL: "{base_url}/users/{record.id}", When: filterOn(p), Fields: map[string]string{"k": "k"}})
	}, rec: true},
	"response.fallback_fields": {set: func(t *Template, p string) {
		t.Response.Fields["sentinel"] = "x"
		t.Response.FallbackFields = map[string][]string{"sentinel": {p}}
	}, rec: true},
}

// notPagePaths are the other string-holding template keys, each with why
// it is not a body path the page decoder must keep; an empty reason means a
// name, URL, value or text.
var notPagePaths = map[string]string{
	"response.records_path": "the records themselves: the decoder's own argument",
	"auth.token_path":       "read in the login response, not in pages",
	"pagination.type":       "a name", "pagination.in": "a name", "pagination.offset_field": "request parameter",
	"pagination.limit_field": "request parameter", "pagination.page_field": "request parameter",
	"pagination.page_size_field": "request parameter", "pagination.cursor_field": "request parameter",
	"response.status_values": "values, not paths", "response.time_format": "",
	"response.value_maps": "values, not paths", "activity.never_values": "times, not paths",
	"filters[].operator": "", "activity.type": "", "activity.application": "", "activity.inactive_after": "",
	"rate_limit.per": "", "request.users_url": "", "request.url": "", "request.method": "", "request.headers": "", "request.query": "",
	"slug": "", "name": "", "vendor": "", "support": "", "docs_url": "", "description": "",
	"$schema":         "the editor's schema reference, ignored",
	"settings[].name": "", "settings[].default": "", "settings[].description": "",
	"auth.method": "", "auth.token_type": "", "auth.header": "", "auth.query_param": "", "auth.grant_type": "",
	"auth.token_url": "", "auth.scope": "", "auth.client_auth": "", "auth.login_url": "", "auth.login_method": "",
	"auth.login_format": "", "auth.expires_in": "",
	"source":            "a name (the ldap block holds attribute names, not body paths)",
	"auth.token_params": "request values", "auth.key_id": "", "auth.subject": "", "auth.issuer": "", "auth.audience": "",
	"auth.key_format": "", "auth.login_auth": "",
	"auth.token_response_settings": "read in the token response, not in pages",
	"pagination.next_request_url":  "", "response.records_as": "a name (records_as values decodes pages fully)",
	"enrich[].name": "", "enrich[].when.operator": "", "enrich[].on_error": "",
	"enrich[].records_path": "read in the enrichment response, not in pages",
	"enrich[].fields":       "read in the enrichment response, not in pages",
}

func init() {
	// A join's other keys are read in the join listing's own pages, which
	// its own decoder keeps (JoinSpec.rowPaths and docPaths,
	// TestJoinBodyPaths), never in the main listing's.
	for _, key := range stringLeaves(reflect.TypeFor[JoinSpec](), "join[]") {
		if _, ok := pagePaths[key]; !ok {
			notPagePaths[key] = "read in the join listing's pages (TestJoinBodyPaths)"
		}
	}
}

// TestBodyPathsCoverTemplate fails when a template key that may hold a path
// is neither known to be read in page bodies nor known not to be (a new
// field must be classified), and when a body path set on a template is
// missing from bodyPaths, the list the projection decoder keeps (it would
// read as absent).
func TestBodyPathsCoverTemplate(t *testing.T) {
	for _, key := range stringLeaves(reflect.TypeFor[Template](), "") {
		_, isPath := pagePaths[key]
		_, isNot := notPagePaths[key]
		if isPath == isNot {
			t.Errorf("template key %q: classify it in pagePaths (read in page bodies: make its block report it) or notPagePaths", key)
		}
	}
	leaves := stringLeaves(reflect.TypeFor[Template](), "")
	for key := range pagePaths {
		if !slices.Contains(leaves, key) {
			t.Errorf("pagePaths names %q, which is no template key", key)
		}
	}
	for key := range notPagePaths {
		if !slices.Contains(leaves, key) {
			t.Errorf("notPagePaths names %q, which is no template key", key)
		}
	}

	for key, pp := range pagePaths {
		t.Run(key, func(t *testing.T) {
			tmpl := MustParseTemplate([]byte(validJSON))
			const sentinel = "sentinel.path"
			pp.set(&tmpl, sentinel)
			rec, doc := bodyPaths(tmpl.users())
			where, other := doc, rec
			if pp.rec {
				where, other = rec, doc
			}
			if !slices.Contains(where, sentinel) {
				t.Errorf("%s = %q is missing from the body paths (record %v, document %v)", key, sentinel, rec, doc)
			}
			if slices.Contains(other, sentinel) {
				t.Errorf("%s is listed on the wrong side (record %v, document %v)", key, rec, doc)
			}
		})
	}
}

// TestBodyPathsCoverListings is TestBodyPathsCoverTemplate for the
// resource listings (licenses, applications, assignments): every key of a
// listing block is classified with the users listing's key of the same
// name, and a body path set in a listing reaches that listing's body
// paths, the ones its own page decoder keeps, and no other listing's.
func TestBodyPathsCoverListings(t *testing.T) {
	leaves := stringLeaves(reflect.TypeFor[ListingSpec](), "")
	for _, key := range leaves {
		_, isPath := pagePaths[key]
		_, isNot := notPagePaths[key]
		if isPath == isNot && key != "kind" {
			t.Errorf("listing key %q: classify it in pagePaths or notPagePaths", key)
		}
	}
	for _, row := range resourceTable {
		for key, pp := range pagePaths {
			if !slices.Contains(leaves, key) {
				continue // a users-only key (activity)
			}
			t.Run(string(row.name)+"."+key, func(t *testing.T) {
				tmpl := MustParseTemplate([]byte(resourcesJSON))
				const sentinel = "sentinel.path"
				spec := *row.block(&tmpl)
				sub := Template{Request: spec.Request, Pagination: spec.Pagination, Response: spec.Response, Filters: spec.Filters, Join: spec.Join, Enrich: spec.Enrich}.Clone()
				pp.set(&sub, sentinel)
				spec.Request, spec.Pagination, spec.Response, spec.Filters, spec.Join, spec.Enrich = sub.Request, sub.Pagination, sub.Response, sub.Filters, sub.Join, sub.Enrich
				for _, d := range tmpl.declared() {
					rec, doc := bodyPaths(d.listing())
					where, other := doc, rec
					if pp.rec {
						where, other = rec, doc
					}
					if d.row.name != row.name {
						if slices.Contains(rec, sentinel) || slices.Contains(doc, sentinel) {
							t.Errorf("%s.%s reaches the %s listing's body paths", row.name, key, d.row.name)
						}
						continue
					}
					if !slices.Contains(where, sentinel) {
						t.Errorf("%s.%s = %q is missing from the body paths (record %v, document %v)", row.name, key, sentinel, rec, doc)
					}
					if slices.Contains(other, sentinel) {
						t.Errorf("%s.%s is listed on the wrong side (record %v, document %v)", row.name, key, rec, doc)
					}
				}
				if rec, doc := bodyPaths(tmpl.users()); slices.Contains(rec, sentinel) || slices.Contains(doc, sentinel) {
					t.Errorf("%s.%s reaches the users listing's body paths", row.name, key)
				}
			})
		}
	}
}

// A "$last" cursor is read on the page's last record.
func TestBodyPathsLastCursor(t *testing.T) {
	for _, tt := range []struct{ cursor, want string }{{"$last.id", "id"}, {"$last", "$"}, {"$last[0]", "[0]"}, {"header:X-Next", ""}} {
		tmpl := MustParseTemplate([]byte(validJSON))
		tmpl.Pagination.CursorPath = tt.cursor
		rec, doc := bodyPaths(tmpl.users())
		if tt.want != "" && !slices.Contains(rec, tt.want) {
			t.Errorf("cursor %q: record paths %v lack %q", tt.cursor, rec, tt.want)
		}
		if slices.ContainsFunc(doc, func(p string) bool { return strings.Contains(p, "last") || strings.HasPrefix(p, "header:") }) {
			t.Errorf("cursor %q: document paths %v", tt.cursor, doc)
		}
	}
}

func filterOn(path string) filter.Condition {
	return filter.Condition{Field: path, Operator: filter.Exists}
}

// eachKeys classifies the string keys of a listing's each: none is read
// in the listing's own pages (path is read in the parent listing's pages,
// decoded whole), so the projection keeps none of them.
var eachKeys = map[string]string{
	"each.name": "a name", "each.values": "values, not paths", "each.setting": "a setting name",
	"each.parent": "a listing name", "each.path": "read in the parent's pages, decoded whole (eachValues)",
}

// TestEachKeysClassified fails when EachSpec gains a string key that
// eachKeys does not classify, or eachKeys names a key it lacks.
func TestEachKeysClassified(t *testing.T) {
	leaves := stringLeaves(reflect.TypeFor[EachSpec](), "each")
	for _, key := range leaves {
		if _, ok := eachKeys[key]; !ok {
			t.Errorf("each key %q: classify it in eachKeys", key)
		}
	}
	for key := range eachKeys {
		if !slices.Contains(leaves, key) {
			t.Errorf("eachKeys names %q, which is no each key", key)
		}
	}
	// Setting each leaves the users listing's body paths unchanged.
	tmpl := MustParseTemplate([]byte(validJSON))
	rec0, doc0 := bodyPaths(tmpl.users())
	tmpl.Each = &EachSpec{Name: "n", Values: []string{"v"}, Setting: "s", Parent: "p", Path: "sentinel.path"}
	rec, doc := bodyPaths(tmpl.users())
	if !slices.Equal(rec0, rec) || !slices.Equal(doc0, doc) {
		t.Errorf("each changed the body paths: record %v -> %v, document %v -> %v", rec0, rec, doc0, doc)
	}
}
