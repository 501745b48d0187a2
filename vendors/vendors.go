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
// copies ([connector.Template.Clone]), so a caller may change what it gets
// (add a filter, change the page size) without affecting other callers. Both
// are safe for concurrent use.
package vendors

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
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
		out[i] = t.Clone()
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
	return c.templates[i].Clone(), nil
}
