package connector

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/saasconnect/saasconnect/internal/jsonvalue"
)

// resolved holds a template's setting values after defaults, with
// placeholders in defaults expanded.
type resolved struct {
	values  map[string]string
	secrets []string // values of secret settings, for redaction
}

// resolveSettings checks s against t.Settings(): every supplied name must be
// a setting, every required one must have a value (supplied or default).
// Placeholders in default values ("https://{tenant_host}") are expanded
// verbatim from the other settings, and so are placeholders naming a setting
// in supplied values of settings that are not secret ("https://host/{tenant}/
// token"); secret values are taken exactly as given. A supplied value may
// refer only to settings that are not secret: {api_key} in a supplied org
// would put the key in URLs and the vendor's access logs, so it is an error
// naming the setting.
// All problems are reported at once; errors name settings, never values.
func resolveSettings(t Template, s Settings) (resolved, error) {
	defs := t.Settings()
	byName := make(map[string]Setting, len(defs))
	for _, d := range defs {
		byName[d.Name] = d
	}
	var errs []error
	for _, name := range sortedKeys(s) {
		if _, ok := byName[name]; !ok {
			names := make([]string, 0, len(defs))
			for _, d := range defs {
				names = append(names, d.Name)
			}
			errs = append(errs, fmt.Errorf("unknown setting %q (this template's settings: %s)", name, strings.Join(names, ", ")))
		}
	}
	r := resolved{values: make(map[string]string, len(defs))}
	fromDefault := map[string]bool{}
	expandable := map[string]bool{}
	for _, d := range defs {
		v := s[d.Name]
		expandable[d.Name] = !d.Secret
		if v == "" && d.Default != "" {
			v, fromDefault[d.Name] = d.Default, true
			expandable[d.Name] = true
		}
		if v == "" && d.Required {
			msg := fmt.Sprintf("missing required setting %q", d.Name)
			if d.Description != "" {
				msg += " (" + d.Description + ")"
			}
			errs = append(errs, errors.New(msg))
		}
		r.values[d.Name] = v
	}
	if len(errs) > 0 {
		return r, errors.Join(errs...)
	}
	// Expand placeholders in defaults, depth first, refusing cycles.
	state := map[string]int{} // 1 expanding, 2 done
	var expand func(name string, chain []string) error
	expand = func(name string, chain []string) error {
		if !expandable[name] || state[name] == 2 {
			return nil
		}
		if state[name] == 1 {
			return fmt.Errorf("settings defaults refer to each other in a cycle: %s", strings.Join(append(chain, name), " -> "))
		}
		state[name] = 1
		v := r.values[name]
		var err error
		known := map[string]string{}
		for _, ref := range placeholders(v) {
			if d, ok := byName[ref]; ok && d.Secret && !fromDefault[name] {
				// A supplied value lands in URLs, headers and logs as it is:
				// it must not pull a secret in with it.
				err = errors.Join(err, fmt.Errorf("setting %q refers to {%s}, which is secret: a supplied value may only refer to settings that are not secret", name, ref))
				continue
			}
			if _, ok := byName[ref]; !ok {
				if fromDefault[name] {
					err = errors.Join(err, fmt.Errorf("default of setting %q refers to {%s}, which is not a setting", name, ref))
				}
				continue // a supplied value keeps braces that name no setting
			}
			if e := expand(ref, append(chain, name)); e != nil {
				err = errors.Join(err, e)
				continue
			}
			known[ref] = r.values[ref]
		}
		if err != nil {
			return err
		}
		lookup := func(ref string) (string, bool) { val, ok := known[ref]; return val, ok }
		if urlTemplate(v) {
			// URL-shaped values fill placeholders by position, as users_url does.
			if v, err = fillURL(v, lookup); err != nil {
				return fmt.Errorf("setting %q: %w", name, err)
			}
		} else {
			v = placeholderRE.ReplaceAllStringFunc(v, func(m string) string {
				if val, ok := lookup(m[1 : len(m)-1]); ok {
					return val
				}
				return m
			})
		}
		r.values[name] = v
		state[name] = 2
		return nil
	}
	for _, d := range defs {
		if err := expand(d.Name, nil); err != nil {
			errs = append(errs, err)
		}
	}
	for _, d := range defs {
		if v := r.values[d.Name]; d.Secret && v != "" {
			r.secrets = append(r.secrets, v)
		}
	}
	return r, errors.Join(errs...)
}

// expandString replaces every {name} in s with vals[name], verbatim.
func expandString(s string, vals map[string]string) string {
	return placeholderRE.ReplaceAllStringFunc(s, func(m string) string {
		return vals[m[1:len(m)-1]]
	})
}

// expandValue returns a deep copy of v (decoded JSON) with placeholders in
// its strings expanded verbatim.
func expandValue(v any, vals map[string]string) any {
	return jsonvalue.MapStrings(v, func(s string) string { return expandString(s, vals) })
}

// urlPart says where in a URL template a placeholder stands.
type urlPart int

const (
	partLeading urlPart = iota // starts the URL: inserted verbatim
	partHost                   // in the authority: verbatim, checked
	partPath                   // url.PathEscape
	partQuery                  // url.QueryEscape (query and fragment)
)

// placeholderParts classifies each placeholder of a URL template by the
// literal text before it.
func placeholderParts(tmpl string) []urlPart {
	var parts []urlPart
	var lit strings.Builder // the template's literal text so far
	prev := 0
	for _, loc := range placeholderRE.FindAllStringIndex(tmpl, -1) {
		lit.WriteString(tmpl[prev:loc[0]])
		prev = loc[1]
		before := lit.String()
		switch {
		case loc[0] == 0:
			parts = append(parts, partLeading)
		case strings.ContainsAny(before, "?#"):
			parts = append(parts, partQuery)
		case strings.Contains(before, "://") && !strings.Contains(before[strings.Index(before, "://")+3:], "/"):
			parts = append(parts, partHost)
		default:
			parts = append(parts, partPath)
		}
	}
	return parts
}

// errURLCredentials: a URL carries user info.
var errURLCredentials = errors.New("credentials in the URL")

// urlTemplate reports whether a setting value is shaped like a URL template
// ("https://{host}/x", "{base_url}/oauth/token").
func urlTemplate(v string) bool {
	return strings.Contains(v, "://") || (strings.HasPrefix(v, "{") && strings.Contains(v, "/"))
}

// fillURL fills a URL template's placeholders from lookup: a leading one
// verbatim, one in the host verbatim (it must not hold / ? # @ or spaces),
// one in the path with url.PathEscape (it must not be . or ..), one in the query or fragment with
// url.QueryEscape. Placeholders lookup does not know are kept as they are.
// Errors name the setting, never its value.
func fillURL(tmpl string, lookup func(string) (string, bool)) (string, error) {
	parts := placeholderParts(tmpl)
	i := 0
	var err error
	out := placeholderRE.ReplaceAllStringFunc(tmpl, func(m string) string {
		name := m[1 : len(m)-1]
		part := parts[i]
		i++
		v, ok := lookup(name)
		if !ok {
			return m
		}
		switch part {
		case partHost:
			if strings.ContainsAny(v, "/?#@ \t") {
				err = errors.Join(err, fmt.Errorf("setting %q is used in the host of the URL and must not contain / ? # @ or spaces", name))
			}
			return v
		case partPath:
			if v == "." || v == ".." {
				// PathEscape keeps dots: /orgs/{org}/users would become
				// /orgs/../users, a different resource.
				err = errors.Join(err, fmt.Errorf("setting %q is used in the path of the URL and must not be %q", name, v))
			}
			return url.PathEscape(v)
		case partQuery:
			return url.QueryEscape(v)
		}
		return v
	})
	return out, err
}

// expandURL fills a URL template's placeholders (see fillURL; a name that
// is not in vals is empty) and parses the result. It refuses user info.
// Errors name the setting, never its value.
func expandURL(tmpl string, vals map[string]string) (*url.URL, error) {
	out, err := fillURL(tmpl, func(name string) (string, bool) { return vals[name], true })
	if err != nil {
		return nil, err
	}
	u, perr := url.Parse(out)
	if perr != nil {
		var ue *url.Error
		if errors.As(perr, &ue) {
			perr = ue.Err // the message would repeat the URL
		}
		return nil, fmt.Errorf("URL %q after filling its settings does not parse: %v", tmpl, perr)
	}
	if u.User != nil {
		return nil, fmt.Errorf("URL %q: %w (user info) after filling its settings: put them in the auth settings", tmpl, errURLCredentials)
	}
	return u, nil
}
