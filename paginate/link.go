package paginate

import (
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
)

// A Link is one link-value of an RFC 8288 Link header field.
type Link struct {
	// URI is the target as written between < and >, not resolved: resolve
	// it against the URL of the request that returned it.
	URI string
	// Rel holds the relation types of the rel parameter, lower-cased, in
	// order ("prev first" gives two). Nil when there is no rel parameter.
	Rel []string
	// Params holds the other parameters by lower-cased name; a parameter
	// without a value maps to "". When a name repeats, the first wins.
	Params map[string]string
}

// HasRel reports whether l has the relation type rel (case-insensitive).
func (l Link) HasRel(rel string) bool {
	return slices.ContainsFunc(l.Rel, func(r string) bool { return strings.EqualFold(r, rel) })
}

// String formats l as a link-value: <URI>, then rel, then the other
// parameters sorted by name, every value quoted. [ParseLinkHeader] reads it
// back to an equal Link.
func (l Link) String() string {
	var b strings.Builder
	b.WriteByte('<')
	b.WriteString(l.URI)
	b.WriteByte('>')
	if len(l.Rel) > 0 {
		b.WriteString(`; rel=`)
		writeQuoted(&b, strings.Join(l.Rel, " "))
	}
	names := make([]string, 0, len(l.Params))
	for k := range l.Params {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		b.WriteString("; ")
		b.WriteString(k)
		b.WriteByte('=')
		writeQuoted(&b, l.Params[k])
	}
	return b.String()
}

func writeQuoted(b *strings.Builder, s string) {
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' || s[i] == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	b.WriteByte('"')
}

// ParseLinkHeader parses the value of an RFC 8288 Link header field: a
// comma-separated list of link-values, each "<URI>" followed by
// ";"-separated parameters whose values are tokens or quoted strings (commas
// and semicolons inside quotes and inside <> are part of the value). Empty
// list elements are skipped; only the first rel parameter of a link counts.
// Several Link header lines are one list: join them with ", ".
//
// The error names the byte offset where the value stops making sense; on
// error no links are returned.
func ParseLinkHeader(s string) ([]Link, error) {
	var links []Link
	i := 0
	for {
		for i < len(s) && (isOWS(s[i]) || s[i] == ',') {
			i++
		}
		if i >= len(s) {
			return links, nil
		}
		if s[i] != '<' {
			return nil, fmt.Errorf("paginate: Link header: offset %d: want '<', got %q", i, s[i])
		}
		end := strings.IndexByte(s[i+1:], '>')
		if end < 0 {
			return nil, fmt.Errorf("paginate: Link header: offset %d: unterminated <URI>", i)
		}
		l := Link{URI: s[i+1 : i+1+end]}
		i += end + 2
		relSeen := false
	params:
		for {
			for i < len(s) && isOWS(s[i]) {
				i++
			}
			switch {
			case i >= len(s):
				break params
			case s[i] == ',':
				i++
				break params
			case s[i] != ';':
				return nil, fmt.Errorf("paginate: Link header: offset %d: want ';' or ',', got %q", i, s[i])
			}
			i++
			for i < len(s) && isOWS(s[i]) {
				i++
			}
			start := i
			for i < len(s) && isTchar(s[i]) {
				i++
			}
			name := strings.ToLower(s[start:i])
			if name == "" {
				if i >= len(s) || s[i] == ',' || s[i] == ';' {
					continue // "<u>;" or "<u>; ;rel=next": an empty parameter
				}
				return nil, fmt.Errorf("paginate: Link header: offset %d: want a parameter name, got %q", i, s[i])
			}
			for i < len(s) && isOWS(s[i]) {
				i++
			}
			var val string
			if i < len(s) && s[i] == '=' {
				i++
				for i < len(s) && isOWS(s[i]) {
					i++
				}
				var err error
				if val, i, err = paramValue(s, i); err != nil {
					return nil, err
				}
			}
			if name == "rel" {
				if relSeen {
					continue
				}
				relSeen = true
				if rels := strings.Fields(strings.ToLower(val)); len(rels) > 0 {
					l.Rel = rels
				}
				continue
			}
			if l.Params == nil {
				l.Params = make(map[string]string)
			}
			if _, dup := l.Params[name]; !dup {
				l.Params[name] = val
			}
		}
		links = append(links, l)
	}
}

// paramValue reads a quoted string or a bare value at s[i:]. Bare values are
// read leniently (up to ';', ',' or white space), because servers send
// unquoted values such as rel=next or rel=http://example.com/rel.
func paramValue(s string, i int) (string, int, error) {
	if i < len(s) && s[i] == '"' {
		var b strings.Builder
		for j := i + 1; j < len(s); j++ {
			switch s[j] {
			case '\\':
				if j+1 == len(s) {
					return "", 0, fmt.Errorf("paginate: Link header: offset %d: unterminated quoted string", i)
				}
				j++
				b.WriteByte(s[j])
			case '"':
				return b.String(), j + 1, nil
			default:
				b.WriteByte(s[j])
			}
		}
		return "", 0, fmt.Errorf("paginate: Link header: offset %d: unterminated quoted string", i)
	}
	start := i
	for i < len(s) && s[i] != ';' && s[i] != ',' && !isOWS(s[i]) {
		i++
	}
	return s[start:i], i, nil
}

func isOWS(c byte) bool { return c == ' ' || c == '\t' }

// isTchar reports whether c is an RFC 9110 token character.
func isTchar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

// nextLink returns the URI of the first link with rel "next" in the Link
// header fields of h, or "" when there is none. A next link that says
// results="false" (Sentry's cursor links: nothing lies behind it) is not
// one.
func nextLink(h http.Header) (string, error) {
	vals := h.Values("Link")
	if len(vals) == 0 {
		return "", nil
	}
	links, err := ParseLinkHeader(strings.Join(vals, ", "))
	if err != nil {
		return "", err
	}
	for _, l := range links {
		if l.HasRel("next") && !strings.EqualFold(l.Params["results"], "false") {
			return l.URI, nil
		}
	}
	return "", nil
}
