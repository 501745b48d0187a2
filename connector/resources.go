package connector

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"net/http"
	"strings"

	"github.com/saasconnect/saasconnect"
	"github.com/saasconnect/saasconnect/filter"
	"github.com/saasconnect/saasconnect/internal/jsonpath"
	"github.com/saasconnect/saasconnect/internal/respath"
	"github.com/saasconnect/saasconnect/internal/transport"
	"github.com/saasconnect/saasconnect/mapping"
	"github.com/saasconnect/saasconnect/paginate"
)

// Resource names a listing a template may declare: the users listing,
// which every template has, and the optional licenses, applications and
// assignments listings.
type Resource string

// The resources, in the order Connector.Resources and RunAll use.
const (
	ResourceUsers        Resource = "users"
	ResourceLicenses     Resource = "licenses"
	ResourceApplications Resource = "applications"
	ResourceAssignments  Resource = "assignments"
)

// ErrNotDeclared is returned (wrapped) by the iterator of a resource the
// template does not declare.
var ErrNotDeclared = errors.New("the template declares no such listing")

// ListingSpec is a template's licenses, applications or assignments block:
// a listing of its own, with the users listing's request, pagination,
// response and filters keys, sharing the template's settings, auth,
// rate_limit and retry_on (one token and one rate limiter for the tenant).
//
// Its request names the first page with url (users_url is the users
// listing's key), on the users listing's origin. Its response.fields map
// the resource's fields (see docs/templates.md, "Resources"):
//
//   - licenses: id, name, product, total, assigned (integers; an absent
//     value stays nil, a non-integer is a record error);
//   - applications: id, name, label, status, sign_on_mode, created,
//     last_used (times, read with time_format), assigned_users (integer);
//   - assignments: kind, target_id, user_id, user_email, last_used.
//
// Other keys go to Extra (assignments have none: they are errors). Records
// need an id or a name (licenses, applications), or a target_id and a
// user_id or user_email (assignments).
type ListingSpec struct {
	Request    RequestSpec        `json:"request"`
	Pagination paginate.Config    `json:"pagination,omitzero"`
	Response   ResponseSpec       `json:"response"`
	Filters    []filter.Condition `json:"filters,omitempty"`
	// Enrich lists the listing's requests per record (see EnrichSpec).
	Enrich []EnrichSpec `json:"enrich,omitempty"`
	// Kind is the assignments listing's kind of every record, "license"
	// or "application", for a vendor whose rows do not say (then
	// response.fields need no kind). Assignments only.
	Kind string `json:"kind,omitempty"`
	// Join lists second listings merged into this listing's records by
	// key, as the users listing's join (see JoinSpec).
	Join []JoinSpec `json:"join,omitempty"`
	// Each walks the listing once per value (see EachSpec).
	Each *EachSpec `json:"each,omitempty"`
}

// resourceRow is one row of the resource table: a resource other than
// users, its template block and the field table its records map onto.
// Adding a resource is adding a row (and its typed iterator).
type resourceRow struct {
	name  Resource
	block func(*Template) **ListingSpec
	table mapping.Table
}

var resourceTable = []resourceRow{
	{name: ResourceLicenses, block: func(t *Template) **ListingSpec { return &t.Licenses }, table: mapping.Table{
		Columns: []mapping.Column{
			{Name: "id"}, {Name: "name"}, {Name: "product"},
			{Name: "total", Kind: mapping.KindInt}, {Name: "assigned", Kind: mapping.KindInt},
		},
		Identity: []string{"id", "name"}, Extra: true,
	}},
	{name: ResourceApplications, block: func(t *Template) **ListingSpec { return &t.Applications }, table: mapping.Table{
		Columns: []mapping.Column{
			{Name: "id"}, {Name: "name"}, {Name: "label"}, {Name: "status"}, {Name: "sign_on_mode"},
			{Name: "created", Kind: mapping.KindTime}, {Name: "last_used", Kind: mapping.KindTime},
			{Name: "assigned_users", Kind: mapping.KindInt},
		},
		Identity: []string{"id", "name"}, Extra: true, Status: "status",
	}},
	{name: ResourceAssignments, block: func(t *Template) **ListingSpec { return &t.Assignments }, table: mapping.Table{
		Columns: []mapping.Column{
			{Name: "kind"}, {Name: "target_id"}, {Name: "user_id"}, {Name: "user_email"},
			{Name: "last_used", Kind: mapping.KindTime},
		},
		Identity: []string{"user_id", "user_email"}, Required: []string{"target_id"},
	}},
}

// declared returns the rows of the resources t declares, in table order,
// with their blocks.
func (t *Template) declared() []declaredResource {
	var out []declaredResource
	for _, row := range resourceTable {
		if spec := *row.block(t); spec != nil {
			out = append(out, declaredResource{row: row, spec: spec})
		}
	}
	return out
}

type declaredResource struct {
	row  resourceRow
	spec *ListingSpec
}

// listing returns the declared resource's listing.
func (d declaredResource) listing() listing {
	s := d.spec
	return listing{request: s.Request, pagination: s.Pagination, response: s.Response, filters: s.Filters, joins: s.Join, enrich: s.Enrich, mapping: mapping.Spec{
		Fields:       s.Response.Fields,
		Fallbacks:    s.Response.FallbackFields,
		StatusValues: s.Response.StatusValues,
		TimeFormat:   s.Response.TimeFormat,
	}}
}

// resourceListing is a compiled resource listing. It shares the
// connector's HTTP client: one authenticator (one token), one rate
// limiter, one retry policy for every listing.
type resourceListing struct {
	name   Resource
	kind   string // the listing's constant kind (assignments)
	first  paginate.Request
	spec   RequestSpec     // the request block, for a first request re-derived from token settings
	raw    paginate.Config // the pagination block as written
	walker *paginate.Walker
	cfg    paginate.Config
	pages  *pageDecoder
	full   *pageDecoder // no projection: Test shows the keys of a record that does not map
	mapper *mapping.TableMapper
	pred   filter.Predicate
	joins  []*joinListing // join.go
	enrich []*enricher    // enrich.go
	each   *eachListing   // each.go
}

// compileResources compiles every declared resource listing onto the
// connector's HTTP stack (compileHTTP ran). Their first requests must be on
// the users listing's origin: credentials go to one origin only.
func (c *Connector) compileResources(vals map[string]string) error {
	origin := transport.Origin(c.first.URL)
	for _, d := range c.tmpl.declared() {
		l, name := d.listing(), d.row.name
		at := func(err error) error { return fmt.Errorf("%s.%w", name, err) }
		rl := &resourceListing{name: name, kind: d.spec.Kind, spec: l.request, raw: l.pagination}
		var err error
		if rl.first, err = compileRequest(l.request, l.pagination, probeVals(d.spec.Each, vals)); err != nil { // each.go
			return at(err)
		}
		if rl.cfg, err = pagingConfig(l.pagination, vals); err != nil {
			return at(err)
		}
		if o := transport.Origin(rl.first.URL); o != origin {
			return fmt.Errorf("%s.request.url: on %s, not on the users listing's origin %s (credentials are sent to one origin only)", name, c.redact.String(o), c.redact.String(origin))
		}
		rl.walker = &paginate.Walker{Config: rl.cfg, Fetch: rl.fetch(c), Prefetch: c.opts.prefetch}
		if rl.joins, err = c.compileJoins(string(name)+".", d.spec.Join, vals); err != nil {
			return err
		}
		if rl.each, err = compileEach(string(name)+".", d.spec.Each, l.request, l.pagination, vals); err != nil {
			return err
		}
		if rl.mapper, err = mapping.CompileTable(l.mapping, d.row.table); err != nil {
			return at(fmt.Errorf("response: %w", err))
		}
		if rl.pred, err = compileFilters(l.filters); err != nil {
			return at(fmt.Errorf("filters: %w", err))
		}
		records, err := jsonpath.Compile(l.response.RecordsPath)
		if err != nil {
			return at(fmt.Errorf("response.records_path: %w", err))
		}
		success, err := respath.Compile(l.response.SuccessPath)
		if err != nil {
			return at(fmt.Errorf("response.success_path: %w", err))
		}
		message, err := respath.Compile(l.response.ErrorMessagePath)
		if err != nil {
			return at(fmt.Errorf("response.error_message_path: %w", err))
		}
		if rl.enrich, err = compileEnrich(string(name)+".", l.enrich, vals, origin, c.redact); err != nil {
			return err
		}
		rec, doc := projectionPaths(l)
		rl.pages = newPageDecoder(records, rec, doc)
		rl.pages.success, rl.pages.errMessage = success, message
		rl.pages.values = l.response.RecordsAs == RecordsAsValues
		rl.full = &pageDecoder{records: records, values: rl.pages.values, success: success, errMessage: message}
		c.resources = append(c.resources, rl)
	}
	return nil
}

// fetch is the listing's paginate.FetchPage: the connector's, with the
// listing's page decoder.
func (rl *resourceListing) fetch(c *Connector) paginate.FetchPage {
	return func(ctx context.Context, req *http.Request) (paginate.Response, error) {
		return c.fetchWith(ctx, req, rl.pages)
	}
}

// Resources returns the resources the template declares: ResourceUsers
// first, then licenses, applications and assignments when declared.
func (c *Connector) Resources() []Resource {
	out := []Resource{ResourceUsers}
	for _, rl := range c.resources {
		out = append(out, rl.name)
	}
	return out
}

// resource returns the compiled listing of r, or nil.
func (c *Connector) resource(r Resource) *resourceListing {
	for _, rl := range c.resources {
		if rl.name == r {
			return rl
		}
	}
	return nil
}

// Licenses returns an iterator over the tenant's licenses (the template's
// licenses listing), with the contract of Users: filtered records are
// skipped, records that cannot be mapped are skipped and reported at the
// end, and at most one error is yielded, last, with a zero License. A
// template without a licenses listing yields one error wrapping
// ErrNotDeclared.
func (c *Connector) Licenses(ctx context.Context) iter.Seq2[saasconnect.License, error] {
	return resourceSeq(c, ctx, ResourceLicenses, c.buildLicense)
}

// Applications returns an iterator over the tenant's SSO applications (the
// template's applications listing), with the contract of Licenses.
func (c *Connector) Applications(ctx context.Context) iter.Seq2[saasconnect.Application, error] {
	return resourceSeq(c, ctx, ResourceApplications, c.buildApplication)
}

// Assignments returns an iterator over the tenant's user-license or
// user-application assignments (the template's assignments listing), with
// the contract of Licenses. A record without a kind, in its fields or the
// listing's kind, is a record error.
func (c *Connector) Assignments(ctx context.Context) iter.Seq2[saasconnect.Assignment, error] {
	return resourceSeq(c, ctx, ResourceAssignments, c.buildAssignment)
}

func (c *Connector) buildLicense(_ *resourceListing, r mapping.Record) (saasconnect.License, error) {
	return saasconnect.License{
		ID: r.String("id"), Name: r.String("name"), Product: r.String("product"),
		Total: r.Int("total"), Assigned: r.Int("assigned"),
		Connector: c.name, Extra: r.Extra,
	}, nil
}

func (c *Connector) buildApplication(_ *resourceListing, r mapping.Record) (saasconnect.Application, error) {
	return saasconnect.Application{
		ID: r.String("id"), Name: r.String("name"), Label: r.String("label"),
		Status: r.String("status"), SignOnMode: r.String("sign_on_mode"),
		Created: r.Time("created"), LastUsed: r.Time("last_used"),
		AssignedUsers: r.Int("assigned_users"),
		Connector:     c.name, Extra: r.Extra,
	}, nil
}

func (c *Connector) buildAssignment(rl *resourceListing, r mapping.Record) (saasconnect.Assignment, error) {
	kind := strings.ToLower(r.String("kind"))
	if kind == "" {
		kind = rl.kind
	}
	if kind != saasconnect.AssignmentLicense && kind != saasconnect.AssignmentApplication {
		return saasconnect.Assignment{}, fmt.Errorf("kind %q is neither license nor application", kind)
	}
	return saasconnect.Assignment{
		Kind: kind, TargetID: r.String("target_id"),
		UserID: r.String("user_id"), UserEmail: r.String("user_email"),
		LastUsed: r.Time("last_used"), Connector: c.name,
	}, nil
}

// resourceSeq is the iterator of resource r, whose records build turns
// into Ts.
func resourceSeq[T any](c *Connector, ctx context.Context, r Resource, build func(*resourceListing, mapping.Record) (T, error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		rl := c.resource(r)
		if rl == nil {
			yield(zero, fmt.Errorf("connector %q: %s: %w", c.name, r, ErrNotDeclared))
			return
		}
		var st walkState
		err := c.walkResource(ctx, rl, &st, func(page, i int, rec mapping.Record) bool {
			v, err := build(rl, rec)
			if err != nil {
				st.recordError(c.redact, page, i, err)
				return true
			}
			return yield(v, nil)
		})
		switch {
		case errors.Is(err, errStop):
			return
		case err != nil:
			yield(zero, err)
		case len(st.recordErrs) > 0:
			yield(zero, c.recordErrors(&st))
		}
	}
}

// walkResource runs a resource listing's pipeline: pages -> filters ->
// mapping -> emit, which reports whether to go on. It counts into st, and
// counts a record as kept unless emit recorded an error for it. It returns
// errStop when emit returned false, the (redacted, wrapped) walk error, or
// nil.
func (c *Connector) walkResource(ctx context.Context, rl *resourceListing, st *walkState, emit func(page, i int, rec mapping.Record) bool) error {
	ctx = transport.WithStats(ctx, &st.stats)
	first, err := c.startListing(ctx, rl.spec, rl.raw, rl.first)
	if err != nil {
		return c.wrapIn(rl.name, err)
	}
	tables, err := c.loadJoins(ctx, rl.joins, st)
	if err != nil {
		return c.wrapIn(rl.name, err)
	}
	for resp, err := range c.resourcePages(ctx, rl, st, first) { // each.go
		if err != nil {
			return c.wrapIn(rl.name, err)
		}
		st.pages++
		if err := c.enrichPage(ctx, rl.enrich, rl.pred, st, st.pages, resp.Records); err != nil {
			return c.wrapIn(rl.name, err)
		}
		for i, raw := range resp.Records {
			if err := ctx.Err(); err != nil {
				return c.wrapIn(rl.name, fmt.Errorf("page %d: %w", st.pages, err))
			}
			st.seen++
			mergeJoins(raw, tables)
			if rl.each != nil {
				st.eachMerge(raw)
			}
			if rl.pred != nil && !rl.pred.Match(raw) {
				st.filtered++
				continue
			}
			rec, err := rl.mapper.Map(raw)
			if err != nil {
				st.recordError(c.redact, st.pages, i, err)
				continue
			}
			if st.eachDup(resourceKey(rl.name, rec)) {
				continue
			}
			errs := len(st.recordErrs) + st.dropped
			if !emit(st.pages, i, rec) {
				return errStop
			}
			if len(st.recordErrs)+st.dropped == errs {
				st.kept++
			}
		}
		c.progress(rl.name, st)
	}
	return nil
}

// progress reports a walk's progress after a page, when asked to.
func (c *Connector) progress(r Resource, st *walkState) {
	if c.opts.progress == nil {
		return
	}
	snap := st.stats.Snapshot()
	p := Progress{
		Connector: c.name, Resource: r, Pages: st.pages, Seen: st.seen, Records: st.kept,
		Requests: snap.Requests, Retries: snap.Retries,
		RateLimitWaits: snap.RateLimitWaits, RateLimitWait: snap.RateLimitWait,
		RetryWait: snap.RetryWait,
	}
	if r == ResourceUsers {
		p.Users = st.kept
	}
	c.opts.progress(p)
}

// wrapIn is wrap for a resource listing's error: the message names the
// listing after the connector ("connector "x": licenses: page 2: ...").
func (c *Connector) wrapIn(r Resource, err error) error {
	w := c.wrap(err)
	re, ok := w.(*runError)
	if !ok {
		return w
	}
	prefix := fmt.Sprintf("connector %q: ", c.name)
	re.msg = c.redact.String(prefix + string(r) + ": " + strings.TrimPrefix(re.msg, prefix))
	return re
}

// Sinks receives the records of RunAll, one function per resource. Each is
// called sequentially from the calling goroutine; an error from one stops
// that resource's run. A nil function discards the resource's records: the
// listing is still walked and reported.
type Sinks struct {
	Users        func(saasconnect.User) error
	Licenses     func(saasconnect.License) error
	Applications func(saasconnect.Application) error
	Assignments  func(saasconnect.Assignment) error
}

// RunAll runs every resource the template declares, one after the other in
// Resources order (users first), and returns one Report per resource, keyed
// by resource, each as Run's (Report.Resource names it). Every declared
// resource runs even when an earlier one failed: a failed users listing
// does not stop the licenses one (a cancelled ctx ends each at once, as
// Cancelled). The listings share one token, one rate limiter and the retry
// policy.
//
// The returned error is nil only when every report is Succeeded; otherwise
// it joins the error of each resource that did not succeed.
func (c *Connector) RunAll(ctx context.Context, s Sinks) (map[Resource]Report, error) {
	reps := make(map[Resource]Report, 1+len(c.resources))
	var errs []error
	users := s.Users
	if users == nil {
		users = func(saasconnect.User) error { return nil }
	}
	rep, err := c.Run(ctx, users)
	reps[ResourceUsers] = rep
	errs = append(errs, err)
	for _, rl := range c.resources {
		var rep Report
		var err error
		switch rl.name {
		case ResourceLicenses:
			rep, err = runResource(c, ctx, rl, c.buildLicense, s.Licenses)
		case ResourceApplications:
			rep, err = runResource(c, ctx, rl, c.buildApplication, s.Applications)
		case ResourceAssignments:
			rep, err = runResource(c, ctx, rl, c.buildAssignment, s.Assignments)
		}
		reps[rl.name] = rep
		errs = append(errs, err)
	}
	return reps, errors.Join(errs...)
}

// runResource is Run for a resource listing: it walks it, calls each (when
// not nil) for every record, and returns the listing's Report.
func runResource[T any](c *Connector, ctx context.Context, rl *resourceListing, build func(*resourceListing, mapping.Record) (T, error), each func(T) error) (Report, error) {
	rep := Report{Connector: c.name, Resource: rl.name, Started: c.opts.now()}
	var st walkState
	var eachErr error
	err := c.walkResource(ctx, rl, &st, func(page, i int, rec mapping.Record) bool {
		v, err := build(rl, rec)
		if err != nil {
			st.recordError(c.redact, page, i, err)
			return true
		}
		if each != nil {
			eachErr = each(v)
		}
		return eachErr == nil
	})
	if eachErr != nil {
		err = c.wrapIn(rl.name, fmt.Errorf("stopped by the caller after %d records: %w", st.kept, eachErr))
	}
	return rep, c.finish(ctx, &rep, &st, err)
}

// testResources checks the first page of each declared resource listing,
// as Test does for users; the errors name their listing.
func (c *Connector) testResources(ctx context.Context) error {
	var errs []error
	for _, rl := range c.resources {
		if err := c.testResource(ctx, rl); err != nil {
			errs = append(errs, &listingError{resource: rl.name, err: err})
		}
	}
	return errors.Join(errs...)
}

func (c *Connector) testResource(ctx context.Context, rl *resourceListing) error {
	var st walkState
	ctx, cancel := context.WithCancel(transport.WithStats(ctx, &st.stats))
	defer cancel()
	w := paginate.Walker{Config: rl.cfg, Fetch: func(ctx context.Context, req *http.Request) (paginate.Response, error) {
		return c.fetchWith(ctx, req, rl.full)
	}}
	first, err := c.startListing(ctx, rl.spec, rl.raw, rl.first)
	if err != nil {
		return redactChain(c.redact, c.explain(err))
	}
	for resp, err := range w.Walk(ctx, first) {
		if err != nil {
			return redactChain(c.redact, c.explain(err))
		}
		if len(resp.Records) == 0 {
			return nil
		}
		var first error
		for i, rec := range resp.Records {
			if _, err := rl.mapper.Map(rec); err == nil {
				return nil
			} else if first == nil {
				first = fmt.Errorf("page 1, record %d: %w", i, err)
			}
		}
		hint := fmt.Sprintf("the first page has %d records but none could be mapped with %s.response.fields", len(resp.Records), rl.name)
		if m, ok := resp.Records[0].(map[string]any); ok {
			hint += "; the first record's keys are " + strings.Join(sortedKeys(m), ", ")
		}
		return redactChain(c.redact, &TestError{Problem: ProblemMapping, Hint: hint, Err: c.wrapIn(rl.name, first)})
	}
	return nil
}

// listingError names the listing whose Test failed; errors.As and
// errors.Is see through it (*TestError, *HTTPError).
type listingError struct {
	resource Resource
	err      error
}

func (e *listingError) Error() string { return string(e.resource) + " listing: " + e.err.Error() }
func (e *listingError) Unwrap() error { return e.err }

// logRun logs a finished run.
func (c *Connector) logRun(ctx context.Context, rep Report) {
	kept := "records"
	if rep.Resource == ResourceUsers {
		kept = "users"
	}
	level := slog.LevelInfo
	if rep.Status != Succeeded {
		level = slog.LevelWarn
	}
	c.opts.logger.LogAttrs(ctx, level, "run finished",
		slog.String("connector", c.name), slog.String("resource", string(rep.Resource)), slog.String("status", string(rep.Status)),
		slog.Int(kept, rep.Kept), slog.Int("pages", rep.Pages), slog.Int("requests", rep.Requests),
		slog.Int("retries", rep.Retries), slog.Int("record_errors", len(rep.RecordErrors)),
		slog.Duration("duration", rep.Finished.Sub(rep.Started)), slog.String("error", rep.Err))
}

// resources checks the declared resource listings: each block's request
// (with the users listing's rules, its URL under url), pagination, response
// (its fields against the resource's field table) and filters, every
// problem located under the block's key ("licenses.response.fields.total").
func (v *validator) resources() {
	t := v.t
	if t.Request.URL != "" {
		v.add("request.url", "the users listing names its URL with users_url (url is a resource listing's key)")
	}
	for _, d := range t.declared() {
		name, s := string(d.row.name), d.spec
		if t.isLDAP() {
			v.add(name, "an ldap source lists users only")
			continue
		}
		// The users listing's checks, run on a template holding this
		// listing, with their paths moved under the block.
		sub := &validator{t: Template{
			Version: t.Version, Declared: t.Declared, Auth: t.Auth,
			Request: s.Request, Pagination: s.Pagination, Response: s.Response, Filters: s.Filters, Each: s.Each,
		}}
		v.enrich(name+".", s.Enrich, s.Request.URL)
		sub.t.Request.UsersURL, sub.t.Request.URL = s.Request.URL, ""
		sub.request()
		sub.placeholders()
		sub.pagination()
		sub.filters()
		for _, e := range sub.errs {
			var te *TemplateError
			if !errors.As(e, &te) || !strings.HasPrefix(te.Path, "request") && !strings.HasPrefix(te.Path, "pagination") && !strings.HasPrefix(te.Path, "filters") {
				continue // the settings and auth checks: reported once, at the top level
			}
			path := te.Path
			if path == "request.users_url" {
				if strings.TrimSpace(s.Request.URL) == "" {
					continue // reported below, under its own key
				}
				path = "request.url"
			}
			v.addErr(name+"."+path, te.Err)
		}
		if strings.TrimSpace(s.Request.URL) == "" {
			v.add(name+".request.url", "missing: the URL of the %s listing is required", name)
		}
		if s.Request.UsersURL != "" {
			v.add(name+".request.users_url", "users_url is the users listing's key: name this listing's URL with url")
		}
		v.resourceResponse(d)
		v.joins(name+".", s.Join)
		v.each(name+".", s.Each, d.row.name, s.Request) // each.go
		switch {
		case s.Kind == "":
			if _, ok := s.Response.Fields["kind"]; d.row.name == ResourceAssignments && !ok {
				v.add(name+".kind", "missing: set \"kind\": \"license\" or \"application\", or map response.fields.kind")
			}
		case d.row.name != ResourceAssignments:
			v.add(name+".kind", "only the assignments listing has a kind")
		case s.Kind != saasconnect.AssignmentLicense && s.Kind != saasconnect.AssignmentApplication:
			v.add(name+".kind", "unknown kind %q (want license or application)", s.Kind)
		}
	}
}

// resourceResponse checks a resource listing's response block.
func (v *validator) resourceResponse(d declaredResource) {
	name, r := string(d.row.name), d.spec.Response
	at := name + ".response"
	if _, err := jsonpath.Compile(r.RecordsPath); err != nil {
		v.addErr(at+".records_path", err)
	}
	if r.SuccessPath != "" {
		if _, err := jsonpath.Compile(r.SuccessPath); err != nil {
			v.addErr(at+".success_path", err)
		}
	}
	if r.ErrorMessagePath != "" {
		if r.SuccessPath == "" {
			v.add(at+".error_message_path", "needs %s.success_path (the message is read only from a page that says it failed)", at)
		} else if _, err := jsonpath.Compile(r.ErrorMessagePath); err != nil {
			v.addErr(at+".error_message_path", err)
		}
	}
	if len(r.Fields) == 0 {
		v.add(at+".fields", "missing: map at least %s", strings.Join(d.row.table.Identity, " or "))
		return
	}
	_, err := mapping.CompileTable(d.listing().mapping, d.row.table)
	for _, e := range unjoin(err) {
		var fe *mapping.FieldError
		switch {
		case !errors.As(e, &fe):
			v.addErr(at, e)
		case fe.Field == "time_format", fe.Field == "status_values":
			v.addErr(at+"."+fe.Field, fe.Err)
		case strings.HasPrefix(fe.Field, "fallbacks.") || strings.HasPrefix(fe.Field, "fallbacks["):
			v.addErr(at+".fallback_fields"+strings.TrimPrefix(fe.Field, "fallbacks"), fe.Err)
		default:
			v.addErr(joinPath(at+".fields", fe.Field), fe.Err)
		}
	}
}

// clone deep-copies l with Template.Clone's rules (nil stays nil): its
// blocks are cloned as the users listing's are.
func (l *ListingSpec) clone() *ListingSpec {
	if l == nil {
		return nil
	}
	c := *l
	sub := Template{Request: l.Request, Pagination: l.Pagination, Response: l.Response, Filters: l.Filters, Enrich: l.Enrich}.Clone()
	c.Request, c.Pagination, c.Response, c.Filters, c.Enrich = sub.Request, sub.Pagination, sub.Response, sub.Filters, sub.Enrich
	c.Join = cloneJoins(l.Join)
	c.Each = l.Each.clone()
	return &c
}

// RunResource runs the one listing r, as RunAll runs each: ResourceUsers is
// Run with s.Users, another declared resource walks its listing into its
// Sinks function (nil discards). It returns the listing's Report. An
// undeclared r returns an error wrapping ErrNotDeclared before any request.
// Its concurrency contract is Run's.
func (c *Connector) RunResource(ctx context.Context, r Resource, s Sinks) (Report, error) {
	if r == ResourceUsers {
		users := s.Users
		if users == nil {
			users = func(saasconnect.User) error { return nil }
		}
		return c.Run(ctx, users)
	}
	for _, rl := range c.resources {
		if rl.name != r {
			continue
		}
		switch r {
		case ResourceLicenses:
			return runResource(c, ctx, rl, c.buildLicense, s.Licenses)
		case ResourceApplications:
			return runResource(c, ctx, rl, c.buildApplication, s.Applications)
		case ResourceAssignments:
			return runResource(c, ctx, rl, c.buildAssignment, s.Assignments)
		}
	}
	return Report{Connector: c.name, Resource: r}, fmt.Errorf("connector %q: %s: %w", c.name, r, ErrNotDeclared)
}
