package connector

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/saasconnect/saasconnect/internal/jsonpath"
	"github.com/saasconnect/saasconnect/internal/respath"
	"github.com/saasconnect/saasconnect/internal/transport"
	"github.com/saasconnect/saasconnect/mapping"
	"github.com/saasconnect/saasconnect/paginate"
)

// JoinSpec is one entry of a listing's join list: a second listing,
// walked once per run before the first page of the main listing, whose
// rows are matched to the main records by key and reduced per field. The
// reduced values are merged into each main record, before its filters and
// mapping, under "_join.<name>.<field>" (a record key "_join" the vendor
// sends is replaced).
//
// Rows match a record when the row's key (a path in the join rows) equals
// the record's on (a path in the main record), both read as text (a
// number as written, a boolean as true or false; a missing, null or
// composite value matches nothing). With Match "fold" both sides are
// compared case-insensitively, spaces around trimmed (emails, logins).
//
// The join is a left join: a record no row matches keeps its other keys
// and gains only the count fields, 0; rows no record matches are dropped.
// The join side is held in memory as a map from key to reduced values:
// O(distinct keys × fields), with collect capped at MaxJoinCollect values
// per key and field. The main listing is streamed as always.
type JoinSpec struct {
	// Name names the join: its values are under "_join.<name>". Letters,
	// digits and '_', unique within the listing.
	Name string `json:"name"`
	// Request, Pagination and Response are the join listing's: its URL
	// (url, on the users listing's origin: it shares the connector's
	// auth, rate limiter and retries), its paging, and where its rows are.
	Request    RequestSpec     `json:"request"`
	Pagination paginate.Config `json:"pagination,omitzero"`
	Response   JoinResponse    `json:"response"`
	// Key is the path of the join key in each join row; On is the path of
	// the value it must equal in each main record.
	Key string `json:"key"`
	On  string `json:"on"`
	// Match is "exact" (the default: text equality) or "fold"
	// (case-insensitive, trimmed).
	Match string `json:"match,omitempty"`
	// Fields are the joined values, by name: each reads a path in the
	// matched rows and reduces them to one value.
	Fields map[string]JoinField `json:"fields"`
}

// JoinResponse says where a join listing's rows are, as the users
// listing's response block does (records_path, success_path,
// error_message_path), and how its times are written (time_format, read
// by the latest reduction; "" detects the format).
type JoinResponse struct {
	RecordsPath      string `json:"records_path,omitempty"`
	SuccessPath      string `json:"success_path,omitempty"`
	ErrorMessagePath string `json:"error_message_path,omitempty"`
	TimeFormat       string `json:"time_format,omitempty"`
}

// JoinField is one joined value: Path in each matched join row, reduced
// by Reduce:
//
//   - "latest": the value whose time (read as response.time_format says,
//     see mapping.ParseTime) is the latest, kept as written; values that
//     mean never or are not times are skipped;
//   - "first": the first non-null value, in the join listing's order;
//   - "count": the number of matched rows (with a path, of the rows whose
//     path holds a non-null value), a JSON number;
//   - "collect": the distinct non-null values, in order of first
//     appearance, as an array of at most MaxJoinCollect values.
type JoinField struct {
	Path   string `json:"path,omitempty"`
	Reduce string `json:"reduce"`
}

// The reductions a JoinField may name.
const (
	ReduceLatest  = "latest"
	ReduceFirst   = "first"
	ReduceCount   = "count"
	ReduceCollect = "collect"
)

// MaxJoinCollect caps the values a collect reduction keeps per key: the
// further distinct values are dropped.
const MaxJoinCollect = 1000

// joinRoot is the record key the joined values are merged under.
const joinRoot = "_join"

var joinNameRE = regexp.MustCompile(`^[A-Za-z0-9_]+$`)

// joinListing is a compiled join: its walker on the connector's HTTP stack
// and its paths.
type joinListing struct {
	name     string
	spec     JoinSpec
	first    paginate.Request
	walker   *paginate.Walker
	key, on  *jsonpath.Path
	fold     bool
	layout   string
	names    []string // field names, sorted
	paths    []*jsonpath.Path
	reducers []string
}

// joinTable is a walked join: the reduced values of each key.
type joinTable struct {
	j    *joinListing
	rows map[string][]joinAcc
}

// joinAcc is one field's reduction for one key.
type joinAcc struct {
	v any       // first, latest: the value; collect: []any
	t time.Time // latest: v's time
	n int       // count
}

// compileJoins compiles a listing's joins onto the connector's HTTP stack
// (compileHTTP ran). at prefixes error paths ("licenses.").
func (c *Connector) compileJoins(at string, specs []JoinSpec, vals map[string]string) ([]*joinListing, error) {
	var out []*joinListing
	origin := transport.Origin(c.first.URL)
	for i, s := range specs {
		where := fmt.Sprintf("%sjoin[%d]", at, i)
		j := &joinListing{name: s.Name, spec: s, fold: s.Match == "fold", layout: s.Response.TimeFormat}
		var err error
		if j.first, err = compileRequest(s.Request, s.Pagination, vals); err != nil {
			return nil, fmt.Errorf("%s.%w", where, err)
		}
		cfg, err := pagingConfig(s.Pagination, vals)
		if err != nil {
			return nil, fmt.Errorf("%s.%w", where, err)
		}
		if o := transport.Origin(j.first.URL); o != origin {
			return nil, fmt.Errorf("%s.request.url: on %s, not on the users listing's origin %s (credentials are sent to one origin only)", where, c.redact.String(o), c.redact.String(origin))
		}
		if j.key, err = jsonpath.Compile(s.Key); err != nil {
			return nil, fmt.Errorf("%s.key: %w", where, err)
		}
		if j.on, err = jsonpath.Compile(s.On); err != nil {
			return nil, fmt.Errorf("%s.on: %w", where, err)
		}
		records, err := jsonpath.Compile(s.Response.RecordsPath)
		if err != nil {
			return nil, fmt.Errorf("%s.response.records_path: %w", where, err)
		}
		pages := newPageDecoder(records, compilePaths(s.rowPaths()), compilePaths(s.docPaths()))
		if pages.success, err = respath.Compile(s.Response.SuccessPath); err != nil {
			return nil, fmt.Errorf("%s.response.success_path: %w", where, err)
		}
		if pages.errMessage, err = respath.Compile(s.Response.ErrorMessagePath); err != nil {
			return nil, fmt.Errorf("%s.response.error_message_path: %w", where, err)
		}
		j.walker = &paginate.Walker{Config: cfg, Prefetch: c.opts.prefetch, Fetch: func(ctx context.Context, req *http.Request) (paginate.Response, error) {
			return c.fetchWith(ctx, req, pages)
		}}
		for _, name := range sortedKeys(s.Fields) {
			f := s.Fields[name]
			var p *jsonpath.Path
			if f.Path != "" {
				if p, err = jsonpath.Compile(f.Path); err != nil {
					return nil, fmt.Errorf("%s.fields.%s.path: %w", where, name, err)
				}
			}
			j.names, j.paths, j.reducers = append(j.names, name), append(j.paths, p), append(j.reducers, f.Reduce)
		}
		out = append(out, j)
	}
	return out, nil
}

// rowPaths are the paths a join reads in each of its rows: the key, the
// fields' paths and a "$last" cursor's.
func (s JoinSpec) rowPaths() []string {
	out := []string{s.Key}
	for _, name := range sortedKeys(s.Fields) {
		if p := s.Fields[name].Path; p != "" {
			out = append(out, p)
		}
	}
	_, prec := s.Pagination.BodyPaths()
	return append(out, prec...)
}

// docPaths are the paths a join reads in its page documents.
func (s JoinSpec) docPaths() []string {
	pdoc, _ := s.Pagination.BodyPaths()
	return append(pdoc, ResponseSpec{SuccessPath: s.Response.SuccessPath, ErrorMessagePath: s.Response.ErrorMessagePath}.docPaths()...)
}

// joinOnPaths are the main-record paths a listing's joins read.
func joinOnPaths(specs []JoinSpec) []string {
	var out []string
	for _, s := range specs {
		out = append(out, s.On)
	}
	return out
}

// compilePaths compiles body paths for a page decoder; a path that does
// not compile (Validate rejects it) forces full decoding.
func compilePaths(exprs []string) []*jsonpath.Path {
	out := make([]*jsonpath.Path, 0, len(exprs))
	for _, e := range exprs {
		p, err := jsonpath.Compile(e)
		if err != nil {
			p = jsonpath.MustCompile("$..*")
		}
		out = append(out, p)
	}
	return out
}

// loadJoins walks each join listing once, counting its requests in ctx's
// stats and its pages in st.joinPages, and returns the tables. A failed
// page fails the load.
func (c *Connector) loadJoins(ctx context.Context, joins []*joinListing, st *walkState) ([]*joinTable, error) {
	var out []*joinTable
	for _, j := range joins {
		tab := &joinTable{j: j, rows: make(map[string][]joinAcc)}
		for resp, err := range j.walker.Walk(ctx, j.first) {
			if err != nil {
				return nil, &joinError{j.name, err}
			}
			st.joinPages++
			for _, row := range resp.Records {
				tab.add(row)
			}
			if err := ctx.Err(); err != nil {
				return nil, &joinError{j.name, err}
			}
		}
		out = append(out, tab)
	}
	return out, nil
}

// joinError is a join listing's walk error, named by the join.
type joinError struct {
	name string
	err  error
}

func (e *joinError) Error() string { return fmt.Sprintf("join %q: %v", e.name, e.err) }
func (e *joinError) Unwrap() error { return e.err }

// add reduces one join row into the table.
func (t *joinTable) add(row any) {
	j := t.j
	v, _ := j.key.Get(row)
	key, ok := joinText(v, j.fold)
	if !ok {
		return
	}
	accs := t.rows[key]
	if accs == nil {
		accs = make([]joinAcc, len(j.names))
		t.rows[key] = accs
	}
	for i, p := range j.paths {
		a := &accs[i]
		var v any
		if p != nil {
			v, _ = p.Get(row)
		}
		switch j.reducers[i] {
		case ReduceCount:
			if p == nil || v != nil {
				a.n++
			}
		case ReduceFirst:
			if a.v == nil {
				a.v = v
			}
		case ReduceLatest:
			if v == nil {
				continue
			}
			tm, never, err := mapping.ParseTime(v, j.layout)
			if err != nil || never {
				continue
			}
			if a.v == nil || tm.After(a.t) {
				a.v, a.t = v, tm
			}
		case ReduceCollect:
			if v == nil {
				continue
			}
			vs, _ := a.v.([]any)
			if len(vs) < MaxJoinCollect && !slices.ContainsFunc(vs, func(e any) bool { return sameJSON(e, v) }) {
				a.v = append(vs, v)
			}
		}
	}
}

// merge sets root[name] to the values of the row rec's on matches (a
// left join: no row gives the count fields only, 0).
func (t *joinTable) merge(root map[string]any, rec any) {
	j := t.j
	v, _ := j.on.Get(rec)
	var accs []joinAcc
	if key, ok := joinText(v, j.fold); ok {
		accs = t.rows[key]
	}
	vals := make(map[string]any, len(j.names))
	for i, name := range j.names {
		switch {
		case j.reducers[i] == ReduceCount:
			n := 0
			if accs != nil {
				n = accs[i].n
			}
			vals[name] = json.Number(strconv.Itoa(n))
		case accs != nil && accs[i].v != nil:
			vals[name] = accs[i].v
		}
	}
	root[j.name] = vals
}

// mergeJoins sets rec's "_join" key to a new object holding every table's
// values under its name. A record that is not an object is left as it is.
func mergeJoins(rec any, tables []*joinTable) {
	m, ok := rec.(map[string]any)
	if !ok || len(tables) == 0 {
		return
	}
	root := make(map[string]any, len(tables))
	for _, t := range tables {
		t.merge(root, rec)
	}
	m[joinRoot] = root
}

// joinText returns v as join-key text: strings as they are, numbers as
// written, booleans as true or false. Missing, null and composite values
// have none.
func joinText(v any, fold bool) (string, bool) {
	var s string
	switch v := v.(type) {
	case string:
		s = v
	case json.Number:
		s = string(v)
	case float64:
		s = strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		s = strconv.FormatBool(v)
	default:
		return "", false
	}
	if fold {
		s = strings.ToLower(strings.TrimSpace(s))
	}
	return s, true
}

// sameJSON reports whether two decoded JSON values are equal.
func sameJSON(a, b any) bool {
	switch a.(type) {
	case string, json.Number, bool, float64:
		return a == b
	}
	return reflect.DeepEqual(a, b)
}

// joins checks a listing's join list (at is "" for the users listing,
// "licenses." for a resource), each problem located under
// "<at>join[i]".
func (v *validator) joins(at string, specs []JoinSpec) {
	if len(specs) > 0 && v.t.isLDAP() {
		v.add(at+"join", "an ldap source cannot join an HTTP listing")
		return
	}
	seen := map[string]bool{}
	for i, s := range specs {
		where := fmt.Sprintf("%sjoin[%d]", at, i)
		switch {
		case s.Name == "":
			v.add(where+".name", "missing: name the join (its values are under _join.<name>)")
		case !joinNameRE.MatchString(s.Name):
			v.add(where+".name", "%q: use letters, digits and '_'", s.Name)
		case seen[s.Name]:
			v.add(where+".name", "%q names another join of this listing", s.Name)
		}
		seen[s.Name] = true
		// The users listing's request and pagination checks, on a
		// template holding this listing, with their paths moved under
		// the join.
		sub := &validator{t: Template{Version: v.t.Version, Declared: v.t.Declared, Auth: v.t.Auth, Request: s.Request, Pagination: s.Pagination}}
		sub.t.Request.UsersURL, sub.t.Request.URL = s.Request.URL, ""
		sub.request()
		sub.placeholders()
		sub.pagination()
		for _, e := range sub.errs {
			te, ok := e.(*TemplateError)
			if !ok || !strings.HasPrefix(te.Path, "request") && !strings.HasPrefix(te.Path, "pagination") {
				continue // settings and auth: reported once, at the top level
			}
			path := te.Path
			if path == "request.users_url" {
				if strings.TrimSpace(s.Request.URL) == "" {
					continue
				}
				path = "request.url"
			}
			v.addErr(where+"."+path, te.Err)
		}
		if strings.TrimSpace(s.Request.URL) == "" {
			v.add(where+".request.url", "missing: the URL of the join listing is required")
		}
		if s.Request.UsersURL != "" {
			v.add(where+".request.users_url", "users_url is the users listing's key: name the join's URL with url")
		}
		for _, p := range []struct{ key, expr string }{
			{"response.records_path", s.Response.RecordsPath}, {"response.success_path", s.Response.SuccessPath},
			{"response.error_message_path", s.Response.ErrorMessagePath},
		} {
			if p.expr == "" {
				continue
			}
			if _, err := respath.Compile(p.expr); err != nil {
				v.addErr(where+"."+p.key, err)
			}
		}
		if s.Response.ErrorMessagePath != "" && s.Response.SuccessPath == "" {
			v.add(where+".response.error_message_path", "needs response.success_path (the message is read only from a page that says it failed)")
		}
		if s.Response.TimeFormat != "" {
			_, err := mapping.Compile(mapping.Spec{Fields: map[string]string{"last_activity": "t"}, TimeFormat: s.Response.TimeFormat})
			for _, e := range unjoin(err) {
				if fe := (*mapping.FieldError)(nil); errors.As(e, &fe) && fe.Field == "time_format" {
					v.addErr(where+".response.time_format", fe.Err)
				}
			}
		}
		for _, p := range []struct{ key, expr string }{{"key", s.Key}, {"on", s.On}} {
			if strings.TrimSpace(p.expr) == "" {
				v.add(where+"."+p.key, "missing: the path of the join key in the %s", map[string]string{"key": "join rows", "on": "main records"}[p.key])
			} else if _, err := jsonpath.Compile(p.expr); err != nil {
				v.addErr(where+"."+p.key, err)
			}
		}
		if s.Match != "" && s.Match != "exact" && s.Match != "fold" {
			v.add(where+".match", "unknown match %q (want exact or fold)", s.Match)
		}
		if len(s.Fields) == 0 {
			v.add(where+".fields", "missing: join at least one field")
		}
		for _, name := range sortedKeys(s.Fields) {
			f, fat := s.Fields[name], where+".fields."+name
			if !joinNameRE.MatchString(name) {
				v.add(fat, "field name %q: use letters, digits and '_'", name)
			}
			switch f.Reduce {
			case ReduceLatest, ReduceFirst, ReduceCollect:
				if strings.TrimSpace(f.Path) == "" {
					v.add(fat+".path", "missing: %s reduces the values at a path", f.Reduce)
				}
			case ReduceCount:
			case "":
				v.add(fat+".reduce", "missing: latest, first, count or collect")
			default:
				v.add(fat+".reduce", "unknown reduction %q (want latest, first, count or collect)", f.Reduce)
			}
			if f.Path != "" {
				if _, err := jsonpath.Compile(f.Path); err != nil {
					v.addErr(fat+".path", err)
				}
			}
		}
	}
}

// cloneJoins deep-copies a join list with Template.Clone's rules.
func cloneJoins(js []JoinSpec) []JoinSpec {
	if js == nil {
		return nil
	}
	out := make([]JoinSpec, len(js))
	for i, s := range js {
		sub := Template{Request: s.Request, Pagination: s.Pagination}.Clone()
		s.Request, s.Pagination = sub.Request, sub.Pagination
		if s.Fields != nil {
			fs := make(map[string]JoinField, len(s.Fields))
			for k, f := range s.Fields {
				fs[k] = f
			}
			s.Fields = fs
		}
		out[i] = s
	}
	return out
}
