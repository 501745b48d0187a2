package connector

import (
	"context"
	"fmt"
	"iter"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/saasconnect/saasconnect/internal/jsonpath"
	"github.com/saasconnect/saasconnect/internal/transport"
	"github.com/saasconnect/saasconnect/mapping"
	"github.com/saasconnect/saasconnect/paginate"
)

// EachSpec is a listing's fan-out: the listing is walked once per value,
// in order, with the value in its "{each}" placeholder (in the request
// URL, query, headers and body, escaped for its position as a setting's
// value is). The values come from exactly one of:
//
//   - Values: a static list in the template (Zoom's user statuses);
//   - Setting: a declared setting holding a comma-separated list (several
//     Atlassian organisation ids); spaces around each value are trimmed,
//     empty values dropped;
//   - Parent and Path: the values at Path in the raw records (before
//     filters and mapping) of another declared resource listing
//     (licenses, applications or assignments), walked first (Okta's
//     /apps/{id}/users for each application). Values are read as text (a
//     number as written) and deduplicated, in order of first appearance;
//     a missing, null or composite value is skipped. The parent listing is
//     walked plainly: it may not declare each itself.
//
// Records are deduplicated across the walks by their mapped identity
// (User.Key for users; the id for licenses and applications; kind,
// target_id, user_id and user_email for assignments): a record seen in an
// earlier walk is dropped before it is counted as kept. The walk keeps the
// set of identities delivered: O(distinct records) keys in memory, the
// listing is otherwise streamed. A record whose identity is empty is never
// deduplicated.
//
// The value of the walk is merged into every record, before its filters
// and mapping, under the record key "_each" (a key "_each" the vendor
// sends is replaced), so a mapping reads it as any field: an assignments
// listing walked over the applications maps "target_id": "_each".
//
// A failed walk (the parent's or one value's) fails the run. Report.Pages
// and Report.Requests add up over the walks, the parent's included. A
// users listing with each cannot be resumed from a checkpoint taken
// before its end: RunFrom and UsersFrom refuse it with ErrNotResumable.
type EachSpec struct {
	// Name names the fan-out in errors and logs: letters, digits and '_'.
	Name    string   `json:"name"`
	Values  []string `json:"values,omitempty"`
	Setting string   `json:"setting,omitempty"`
	Parent  Resource `json:"parent,omitempty"`
	Path    string   `json:"path,omitempty"`
}

// eachPlaceholder is the placeholder the walk's value fills.
const eachPlaceholder = "each"

// eachRoot is the record key the walk's value is merged under.
const eachRoot = "_each"

var eachNameRE = regexp.MustCompile(`^[A-Za-z0-9_]+$`)

// eachListing is a compiled fan-out.
type eachListing struct {
	name   string
	values []string // static, or the setting's; nil with a parent
	parent Resource
	path   *jsonpath.Path
	req    RequestSpec
	pg     paginate.Config
	vals   map[string]string // the resolved settings
}

// compileEach compiles a listing's each (nil when s is nil). at prefixes
// error paths ("" or "licenses.").
func compileEach(at string, s *EachSpec, req RequestSpec, pg paginate.Config, vals map[string]string) (*eachListing, error) {
	if s == nil {
		return nil, nil
	}
	e := &eachListing{name: s.Name, parent: s.Parent, req: req, pg: pg, vals: vals}
	switch {
	case s.Setting != "":
		for v := range strings.SplitSeq(vals[s.Setting], ",") {
			if v = strings.TrimSpace(v); v != "" {
				e.values = append(e.values, v)
			}
		}
	case s.Parent != "":
		p, err := jsonpath.Compile(s.Path)
		if err != nil {
			return nil, fmt.Errorf("%seach.path: %w", at, err)
		}
		e.path = p
	default:
		e.values = s.Values
	}
	return e, nil
}

// eachFirst compiles the listing's first request for value v, with the
// settings from the token response when the auth method reads some. It
// must be on origin.
func (c *Connector) eachFirst(ctx context.Context, e *eachListing, v, origin string) (paginate.Request, error) {
	vals := e.vals
	ts := c.tokenSettings
	if ts != nil {
		got, err := ts.src.TokenSettings(ctx)
		if err != nil {
			return paginate.Request{}, err
		}
		vals = maps.Clone(ts.vals)
		maps.Copy(vals, got)
	}
	vals = maps.Clone(vals)
	vals[eachPlaceholder] = v
	first, err := compileRequest(e.req, e.pg, vals)
	if err != nil {
		return paginate.Request{}, err
	}
	o := transport.Origin(first.URL)
	if ts != nil && o != origin {
		ts.mu.Lock()
		if ts.clients[o] == nil {
			ts.clients[o] = ts.newClient(o)
		}
		ts.mu.Unlock()
		return first, nil
	}
	if o != origin {
		return paginate.Request{}, fmt.Errorf("request: on %s, not on the listing's origin %s", c.redact.String(o), c.redact.String(origin))
	}
	return first, nil
}

// eachValues returns the walks' values: the static or setting values, or
// the parent listing's, walked now (its pages counted in st.eachPages).
func (c *Connector) eachValues(ctx context.Context, e *eachListing, st *walkState) ([]string, error) {
	if e.parent == "" {
		return e.values, nil
	}
	rl := c.resource(e.parent)
	if rl == nil { // Validate refuses it
		return nil, fmt.Errorf("each %q: parent %s: %w", e.name, e.parent, ErrNotDeclared)
	}
	first, err := c.startListing(ctx, rl.spec, rl.raw, rl.first)
	if err != nil {
		return nil, &eachError{e.name, "", err}
	}
	// The parent's full decoder: its projection keeps only the paths its
	// own mapping reads.
	w := &paginate.Walker{Config: rl.cfg, Prefetch: c.opts.prefetch, Fetch: func(ctx context.Context, req *http.Request) (paginate.Response, error) {
		return c.fetchWith(ctx, req, rl.full)
	}}
	var out []string
	seen := map[string]bool{}
	for resp, err := range w.Walk(ctx, first) {
		if err != nil {
			return nil, &eachError{e.name, "", fmt.Errorf("parent %s: %w", e.parent, err)}
		}
		st.eachPages++
		for _, rec := range resp.Records {
			v, _ := e.path.Get(rec)
			if s, ok := joinText(v, false); ok && !seen[s] {
				seen[s] = true
				out = append(out, s)
			}
		}
	}
	return out, nil
}

// eachPages walks the listing once per value of e, from its walker, with
// the value set in st.eachValue during the value's pages. With e nil it
// is plain, one walk from first.
func (c *Connector) eachPages(ctx context.Context, e *eachListing, st *walkState, walker *paginate.Walker, first paginate.Request) iter.Seq2[paginate.Response, error] {
	return func(yield func(paginate.Response, error) bool) {
		values, err := c.eachValues(ctx, e, st)
		if err != nil {
			yield(paginate.Response{}, err)
			return
		}
		st.eachSeen = map[string]struct{}{}
		origin := transport.Origin(first.URL)
		for i, v := range values {
			req, err := c.eachFirst(ctx, e, v, origin)
			if err != nil {
				yield(paginate.Response{}, &eachError{e.name, v, err})
				return
			}
			st.eachValue, st.eachLast = v, i == len(values)-1
			for resp, err := range walker.Walk(ctx, req) {
				if err != nil {
					err = &eachError{e.name, v, err}
				}
				if !yield(resp, err) || err != nil {
					return
				}
			}
		}
	}
}

// eachMerge merges the walk's value into rec (an object) under "_each".
func (st *walkState) eachMerge(rec any) {
	if m, ok := rec.(map[string]any); ok {
		m[eachRoot] = st.eachValue
	}
}

// eachDup reports whether key was delivered by an earlier record of a
// fanned-out walk, and records it. Without each (no set), or with an
// empty key, nothing is a duplicate.
func (st *walkState) eachDup(key string) bool {
	if st.eachSeen == nil || key == "" {
		return false
	}
	if _, ok := st.eachSeen[key]; ok {
		return true
	}
	st.eachSeen[key] = struct{}{}
	return false
}

// eachError is a fan-out walk's error, named by the each and its value.
type eachError struct {
	name, value string
	err         error
}

func (e *eachError) Error() string {
	if e.value == "" {
		return fmt.Sprintf("each %q: %v", e.name, e.err)
	}
	return fmt.Sprintf("each %q = %q: %v", e.name, e.value, e.err)
}
func (e *eachError) Unwrap() error { return e.err }

// resourceKey is a resource record's identity for each's deduplication:
// the id, or for assignments the kind, target_id, user_id and user_email.
func resourceKey(r Resource, rec mapping.Record) string {
	if r == ResourceAssignments {
		return strings.Join([]string{rec.String("kind"), rec.String("target_id"), rec.String("user_id"), rec.String("user_email")}, "\x00")
	}
	return rec.String("id")
}

// usersPages is the users listing's page source: pagesFrom, or the
// fan-out's walks. A fanned-out walk cannot resume from a checkpoint
// taken before its end.
func (c *Connector) usersPages(ctx context.Context, st *walkState) iter.Seq2[paginate.Response, error] {
	if c.each == nil || st.from.done {
		return c.pagesFrom(ctx, st)
	}
	if st.from.set {
		return func(yield func(paginate.Response, error) bool) {
			yield(paginate.Response{}, fmt.Errorf("each %q: %w", c.each.name, ErrNotResumable))
		}
	}
	return c.eachPages(ctx, c.each, st, c.walker, c.first)
}

// resourcePages is a resource listing's page source: its walk from first,
// or the fan-out's walks.
func (c *Connector) resourcePages(ctx context.Context, rl *resourceListing, st *walkState, first paginate.Request) iter.Seq2[paginate.Response, error] {
	if rl.each == nil {
		return rl.walker.Walk(ctx, first)
	}
	return c.eachPages(ctx, rl.each, st, rl.walker, rl.first)
}

// prefix names the each and its value before a tidied walk message.
func (e *eachError) prefix(msg string) string {
	if e.value == "" {
		return fmt.Sprintf("each %q: %s", e.name, msg)
	}
	return fmt.Sprintf("each %q = %q: %s", e.name, e.value, msg)
}

// clone deep-copies s (nil stays nil).
func (s *EachSpec) clone() *EachSpec {
	if s == nil {
		return nil
	}
	c := *s
	c.Values = slices.Clone(s.Values)
	return &c
}

// each checks a listing's each (at is "" for the users listing,
// "licenses." for a resource; self is the listing, req its request
// block), each problem located under "<at>each".
func (v *validator) each(at string, s *EachSpec, self Resource, req RequestSpec) {
	if s == nil {
		return
	}
	where := at + "each"
	if self == ResourceUsers && v.t.isLDAP() {
		v.add(where, "an ldap source cannot fan out")
		return
	}
	switch {
	case s.Name == "":
		v.add(where+".name", "missing: name the fan-out (it names the walk in errors)")
	case !eachNameRE.MatchString(s.Name):
		v.add(where+".name", "%q: use letters, digits and '_'", s.Name)
	}
	n := 0
	for _, set := range []bool{s.Values != nil, s.Setting != "", s.Parent != ""} {
		if set {
			n++
		}
	}
	if n != 1 {
		v.add(where, "give exactly one of values, setting or parent (with path)")
	}
	if s.Values != nil && len(s.Values) == 0 {
		v.add(where+".values", "empty: list at least one value")
	}
	for i, val := range s.Values {
		if strings.TrimSpace(val) == "" {
			v.add(fmt.Sprintf("%s.values[%d]", where, i), "empty value")
		}
	}
	known := map[string]bool{}
	for _, st := range v.t.Settings() {
		known[st.Name] = true
	}
	if s.Setting != "" && !known[s.Setting] {
		v.add(where+".setting", "%q names no declared setting", s.Setting)
	}
	if known[eachPlaceholder] {
		v.add(where, "a setting is named each: rename it, {each} is the fan-out's value")
	}
	if s.Parent != "" {
		switch {
		case s.Parent == self:
			v.add(where+".parent", "%q is this listing: name another declared listing", s.Parent)
		case s.Parent == ResourceUsers:
			v.add(where+".parent", "the users listing cannot be a parent: name licenses, applications or assignments")
		default:
			var parent *ListingSpec
			for _, d := range v.t.declared() {
				if d.row.name == s.Parent {
					parent = d.spec
				}
			}
			switch {
			case parent == nil:
				v.add(where+".parent", "%q names no declared listing (want licenses, applications or assignments)", s.Parent)
			case parent.Each != nil:
				v.add(where+".parent", "%q fans out itself: a parent is walked plainly", s.Parent)
			}
		}
		if strings.TrimSpace(s.Path) == "" {
			v.add(where+".path", "missing: the path of the value in the parent's records")
		} else if _, err := jsonpath.Compile(s.Path); err != nil {
			v.addErr(where+".path", err)
		}
	} else if s.Path != "" {
		v.add(where+".path", "only a parent's records are read at a path: name the parent")
	}
	var used []string
	used = append(used, placeholders(req.UsersURL)...)
	used = append(used, placeholders(req.URL)...)
	for _, k := range sortedKeys(req.Query) {
		used = append(used, queryPlaceholders(req.Query[k])...)
	}
	for _, k := range sortedKeys(req.Headers) {
		used = append(used, placeholders(req.Headers[k])...)
	}
	if req.Body != nil {
		used = append(used, valuePlaceholders(map[string]any(req.Body))...)
	}
	if !slices.Contains(used, eachPlaceholder) {
		v.add(where, "the request uses no {each}: every walk would fetch the same pages")
	}
}

// probeVals returns vals with {each} set to the first static or setting
// value of s, for the listing's first request as compiled at New (the
// one Connector.Test probes and origin checks read); vals itself when s
// has none (a parent's values are known only by walking it: the probe
// then has {each} empty).
func probeVals(s *EachSpec, vals map[string]string) map[string]string {
	if s == nil {
		return vals
	}
	e, err := compileEach("", s, RequestSpec{}, paginate.Config{}, vals)
	if err != nil || len(e.values) == 0 {
		return vals
	}
	out := maps.Clone(vals)
	out[eachPlaceholder] = e.values[0]
	return out
}
