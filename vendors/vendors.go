// Package vendors holds the prebuilt connector templates for the SaaS
// applications saasconnect supports out of the box.
//
// Each template is a JSON file embedded in the program (templates/<slug>.json)
// in the format of [connector.Template]: it names the vendor's real auth
// scheme, users endpoint, page size, pagination style, records path, field
// mapping, filters and last-activity field. Every URL a template calls comes
// from a setting with a default (base_url, and token_url or login_url where
// the vendor needs a token exchange), so a template can be pointed at a
// self-hosted tenant, a proxy or a test server without editing it.
//
// Support is "full" when the vendor documents everything the template relies
// on, and "partial" when part of it (a response shape, a column name, a time
// format) is known only from community code; the package README lists what is
// partial and why.
//
// Use [List] to see what is available and [Get] to pick one:
//
//	t, err := vendors.Get("okta")
//	if err != nil { ... }
//	c, err := connector.New(t, "okta-prod", connector.Settings{
//		"okta_domain": "acme.okta.com",
//		"api_key":     os.Getenv("OKTA_API_TOKEN"),
//	})
//
// The templates are parsed once, on first use. List and Get return deep
// copies, so a caller may change what it gets (add a filter, change the page
// size) without affecting other callers. Both are safe for concurrent use.
package vendors

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"reflect"
	"slices"
	"strings"
	"sync"

	"github.com/saasconnect/saasconnect/connector"
)

//go:embed templates/*.json
var files embed.FS

// ErrUnknownVendor is returned (wrapped) by [Get] for a slug no embedded
// template has.
var ErrUnknownVendor = errors.New("vendors: unknown vendor")

// catalog is the parsed set of embedded templates, sorted by slug.
type catalog struct {
	templates []connector.Template
	bySlug    map[string]int
	slugs     []string
}

// load parses the embedded templates once. A template that does not parse,
// or whose slug is not its file name, is a bug in this package (the package
// tests check every one), so it panics rather than hiding a vendor.
var load = sync.OnceValue(func() *catalog {
	names, err := fs.Glob(files, "templates/*.json")
	if err != nil {
		panic(fmt.Sprintf("vendors: listing embedded templates: %v", err))
	}
	c := &catalog{bySlug: make(map[string]int, len(names))}
	for _, name := range names {
		data, err := files.ReadFile(name)
		if err != nil {
			panic(fmt.Sprintf("vendors: reading %s: %v", name, err))
		}
		t, err := connector.ParseTemplate(data)
		if err != nil {
			panic(fmt.Sprintf("vendors: %s: %v", name, err))
		}
		if want := strings.TrimSuffix(path.Base(name), ".json"); t.Slug != want {
			panic(fmt.Sprintf("vendors: %s: slug %q does not match the file name", name, t.Slug))
		}
		c.templates = append(c.templates, t)
	}
	slices.SortFunc(c.templates, func(a, b connector.Template) int { return strings.Compare(a.Slug, b.Slug) })
	for i, t := range c.templates {
		c.bySlug[t.Slug] = i
		c.slugs = append(c.slugs, t.Slug)
	}
	return c
})

// List returns every prebuilt template, sorted by slug. The templates are
// copies: changing them does not change what later calls return.
func List() []connector.Template {
	c := load()
	out := make([]connector.Template, len(c.templates))
	for i, t := range c.templates {
		out[i] = clone(t)
	}
	return out
}

// Get returns a copy of the template for slug (for example "okta" or
// "microsoft-entra"). For a slug it does not know, the error wraps
// [ErrUnknownVendor] and lists the known slugs.
func Get(slug string) (connector.Template, error) {
	c := load()
	i, ok := c.bySlug[slug]
	if !ok {
		return connector.Template{}, fmt.Errorf("%w %q (known: %s)", ErrUnknownVendor, slug, strings.Join(c.slugs, ", "))
	}
	return clone(c.templates[i]), nil
}

// clone returns a deep copy of t: maps, slices, pointers and interface values
// reachable from it are copied, so the embedded original cannot be changed
// through the copy. It works on the type's shape, so new Template fields are
// copied without changes here.
func clone(t connector.Template) connector.Template {
	out := deepCopy(reflect.ValueOf(t)).Interface().(connector.Template)
	return out
}

func deepCopy(v reflect.Value) reflect.Value {
	switch v.Kind() {
	case reflect.Map:
		if v.IsNil() {
			return v
		}
		m := reflect.MakeMapWithSize(v.Type(), v.Len())
		iter := v.MapRange()
		for iter.Next() {
			m.SetMapIndex(iter.Key(), deepCopy(iter.Value()))
		}
		return m
	case reflect.Slice:
		if v.IsNil() {
			return v
		}
		s := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := range v.Len() {
			s.Index(i).Set(deepCopy(v.Index(i)))
		}
		return s
	case reflect.Pointer:
		if v.IsNil() {
			return v
		}
		p := reflect.New(v.Type().Elem())
		p.Elem().Set(deepCopy(v.Elem()))
		return p
	case reflect.Interface:
		if v.IsNil() {
			return v
		}
		c := reflect.New(v.Type()).Elem()
		c.Set(deepCopy(v.Elem()))
		return c
	case reflect.Struct:
		s := reflect.New(v.Type()).Elem()
		s.Set(v) // unexported fields keep their (immutable) values
		for i := range v.NumField() {
			if s.Field(i).CanSet() {
				s.Field(i).Set(deepCopy(v.Field(i)))
			}
		}
		return s
	case reflect.Array:
		a := reflect.New(v.Type()).Elem()
		for i := range v.Len() {
			a.Index(i).Set(deepCopy(v.Index(i)))
		}
		return a
	}
	return v
}
