package connector

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/saasconnect/saasconnect/activity"
	"github.com/saasconnect/saasconnect/auth"
	"github.com/saasconnect/saasconnect/filter"
	"github.com/saasconnect/saasconnect/internal/duration"
	"github.com/saasconnect/saasconnect/internal/jsonpath"
	"github.com/saasconnect/saasconnect/internal/respath"
	"github.com/saasconnect/saasconnect/internal/transport"
	"github.com/saasconnect/saasconnect/ldapdir"
	"github.com/saasconnect/saasconnect/mapping"
	"github.com/saasconnect/saasconnect/paginate"
	"golang.org/x/time/rate"
)

// Connector is a compiled Template bound to its settings: it lists one
// vendor tenant's users, and the licenses, applications and assignments the
// template declares. Everything is compiled once, in New, except the first
// request of a template whose auth.token_response_settings fill settings
// from the token response: each walk compiles it after obtaining a token.
//
// A Connector is safe for concurrent use by multiple goroutines; each Users,
// Run, Test, RunAll or resource iterator call is an independent walk. Cached
// credentials (OAuth2 and session tokens) are shared between them.
type Connector struct {
	name string
	tmpl Template
	opts options

	redact      *transport.Redactor
	client      *http.Client
	first       paginate.Request
	walker      *paginate.Walker
	pagination  paginate.Config
	records     *jsonpath.Path
	pages       *pageDecoder   // decodes pages: records + the paths read (project.go)
	success     respath.Source // response.success_path; zero when none
	errMessage  respath.Source // response.error_message_path; zero when none
	mapper      *mapping.Mapper
	pred        filter.Predicate // nil keeps every record
	classifier  activity.Classifier
	reported    bool
	application string
	retryOn     []int
	policy      transport.Policy
	ldap        *ldapdir.Search // an ldap source's search (source_ldap.go); nil for http
	// tokenSettings is set when the auth method fills settings from the
	// token response (token_settings.go).
	tokenSettings *tokenSettings
	// resources are the declared resource listings, in Resources order
	// (resources.go).
	resources []*resourceListing
	joins     []*joinListing    // the users listing's (join.go)
	enrich    []*enricher       // the users listing's enrich entries (enrich.go)
	each      *eachListing      // the users listing's (each.go)
	bind      [sha256.Size]byte // the checkpoint fingerprint (checkpoint.go)
}

// New validates t, resolves the settings s against t.Settings() (every
// required one must be set, defaults fill the rest, unknown names are
// errors) and compiles the template into a Connector named name (the
// instance name found in User.Connector and Report.Connector).
//
// Placeholders are filled by position in users_url, token_url and
// login_url: a leading {placeholder} is inserted verbatim, one in the host
// verbatim, one in the path with url.PathEscape and one in a query value with
// url.QueryEscape; in headers, query values, the request body, the login body
// and the OAuth2 scope, verbatim (see docs/templates.md, "Placeholders").
//
// Errors name the template path or the setting, never a secret value.
func New(t Template, name string, s Settings, opts ...Option) (*Connector, error) {
	o := defaultOptions()
	var errs []error
	for _, opt := range opts {
		if err := opt(&o); err != nil {
			errs = append(errs, err)
		}
	}
	if err := t.Validate(); err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("connector %q: %w", name, errors.Join(errs...))
	}
	r, err := resolveSettings(t, s)
	if err != nil {
		return nil, fmt.Errorf("connector %q: %w", name, err)
	}
	c := &Connector{name: name, tmpl: t, opts: o, pagination: t.Pagination}
	if err := c.compile(r); err != nil {
		return nil, &runError{msg: c.redact.String(fmt.Sprintf("connector %q: %v", name, err)), err: redactChain(c.redact, err)}
	}
	c.initResume(r.values)
	return c, nil
}

// compile builds the connector from the template and the resolved
// settings, phase by phase: the first request, the HTTP stack with its
// authenticator, the response paths and page decoder, the mapping, the
// filters and the activity classifier.
func (c *Connector) compile(r resolved) error {
	t, l := c.tmpl, c.tmpl.users()
	c.retryOn = slices.Clone(t.RetryOn)
	var params []string
	if t.Auth.QueryParam != "" {
		params = append(params, t.Auth.QueryParam)
	}
	c.redact = transport.NewRedactor(params, r.secrets...)
	if t.isLDAP() {
		return c.compileLDAP(r)
	}
	var err error
	if c.first, err = compileRequest(l.request, l.pagination, probeVals(t.Each, r.values)); err != nil { // each.go
		return err
	}
	if c.pagination, err = pagingConfig(l.pagination, r.values); err != nil {
		return err
	}
	c.walker = &paginate.Walker{Config: c.pagination, Fetch: c.fetch, Prefetch: c.opts.prefetch}
	if err := c.compileHTTP(r.values); err != nil {
		return err
	}
	if c.joins, err = c.compileJoins("", t.Join, r.values); err != nil {
		return err
	}
	if c.each, err = compileEach("", t.Each, l.request, l.pagination, r.values); err != nil {
		return err
	}
	// Validate compiled the rest already: these cannot fail.
	if c.mapper, err = mapping.Compile(l.mapping); err != nil {
		return err
	}
	if c.pred, err = compileFilters(l.filters); err != nil {
		return err
	}
	if err := c.compileResponse(l); err != nil {
		return err
	}
	c.compileActivity()
	if c.enrich, err = compileEnrich("", l.enrich, r.values, transport.Origin(c.first.URL), c.redact); err != nil {
		return err
	}
	return c.compileResources(r.values)
}

// listing is one listing a template declares: its first request, paging,
// response, filters and mapping. Every template declares the users
// listing; the licenses, applications and assignments blocks declare more
// (resources.go), compiled by the same phases.
type listing struct {
	request    RequestSpec
	pagination paginate.Config
	response   ResponseSpec
	filters    []filter.Condition
	enrich     []EnrichSpec
	mapping    mapping.Spec
	joins      []JoinSpec
}

// users returns t's users listing.
func (t Template) users() listing {
	return listing{request: t.Request, pagination: t.Pagination, response: t.Response, filters: t.Filters, enrich: t.Enrich, mapping: mappingSpec(t), joins: t.Join}
}

// compileRequest builds a listing's first request from its request block,
// filling placeholders from vals.
func compileRequest(req RequestSpec, pg paginate.Config, vals map[string]string) (paginate.Request, error) {
	key, raw := "request.users_url", req.UsersURL
	if req.URL != "" { // a resource listing
		key, raw = "request.url", req.URL
	}
	u, err := expandUsersURL(raw, pg, vals)
	if err != nil {
		return paginate.Request{}, fmt.Errorf("%s: %w", key, err)
	}
	if err := transport.CheckURL(u); err != nil {
		return paginate.Request{}, fmt.Errorf("%s: %w", key, err)
	}
	u.RawQuery = addQuery(u.RawQuery, req.Query, vals)
	h := http.Header{}
	h.Set("Accept", "application/json")
	h.Set("User-Agent", "saasconnect")
	for _, k := range sortedKeys(req.Headers) {
		h.Set(k, expandString(req.Headers[k], vals))
	}
	var body map[string]any
	if req.Body != nil {
		body = expandValue(req.Body, vals).(map[string]any)
	}
	method := strings.ToUpper(req.Method)
	if method == "" {
		method = http.MethodGet
	}
	return paginate.Request{Method: method, URL: u, Header: h, Body: body}, nil
}

// compileHTTP builds the HTTP stack, retry( rate limit( auth( observe(
// base ) ) ) ), with the template's authenticator; requests may not be
// redirected off the first request's origin.
func (c *Connector) compileHTTP(vals map[string]string) error {
	o := c.opts
	var baseRT http.RoundTripper
	if o.client != nil {
		baseRT = o.client.Transport
	}
	baseRT, err := transport.Base(baseRT, vals[CAFileSetting])
	if err != nil {
		return err
	}
	limiter := c.limiter()
	c.policy = transport.Policy{
		MaxAttempts: o.retry.MaxAttempts,
		MinWait:     o.retry.MinWait,
		MaxWait:     o.retry.MaxWait,
		RetryOn:     c.retryOn,
		Timeout:     o.timeout,
	}
	stack := func(inner http.RoundTripper) http.RoundTripper {
		return &transport.Retry{
			Policy: c.policy, Logger: o.logger, Redactor: c.redact,
			Base: &transport.RateLimit{Limiter: limiter, Base: inner, Logger: o.logger, Redactor: c.redact},
		}
	}
	// Token and login requests: retried and rate limited, not authenticated,
	// and free to go to another origin (identity providers).
	tokenClient := &http.Client{Transport: stack(&transport.Observe{Base: baseRT, Logger: o.logger, Redactor: c.redact})}
	authn, err := c.compileAuth(vals, tokenClient)
	if err != nil {
		return err
	}
	newClient := func(origin string) *http.Client {
		return &http.Client{
			Transport: stack(&auth.Transport{Auth: authn, Base: &transport.Observe{Base: baseRT, Origin: origin, Logger: o.logger, Redactor: c.redact}}),
			CheckRedirect: func(req *http.Request, via []*http.Request) error {
				if len(via) >= 10 {
					return errors.New("stopped after 10 redirects")
				}
				if transport.Origin(req.URL) != origin {
					return fmt.Errorf("refusing redirect to another origin: %s", c.redact.URL(req.URL))
				}
				return nil
			},
		}
	}
	c.client = newClient(transport.Origin(c.first.URL))
	if src, ok := authn.(auth.TokenSettingser); ok && len(c.tmpl.Auth.TokenResponseSettings) > 0 {
		c.tokenSettings = &tokenSettings{src: src, request: c.tmpl.users().request, vals: vals, newClient: newClient, clients: map[string]*http.Client{}}
	}
	return nil
}

// compileResponse compiles a listing's response paths and the page decoder
// that keeps every body path the listing reads (bodyPaths).
func (c *Connector) compileResponse(l listing) error {
	var err error
	if c.records, err = jsonpath.Compile(l.response.RecordsPath); err != nil {
		return fmt.Errorf("response.records_path: %w", err)
	}
	if c.success, err = respath.Compile(l.response.SuccessPath); err != nil {
		return fmt.Errorf("response.success_path: %w", err)
	}
	if c.errMessage, err = respath.Compile(l.response.ErrorMessagePath); err != nil {
		return fmt.Errorf("response.error_message_path: %w", err)
	}
	rec, doc := projectionPaths(l)
	c.pages = newPageDecoder(c.records, rec, doc)
	c.pages.values = l.response.RecordsAs == RecordsAsValues
	c.pages.success, c.pages.errMessage = c.success, c.errMessage
	return nil
}

// compileFilters compiles a listing's filters; nil keeps every record.
func compileFilters(conds []filter.Condition) (filter.Predicate, error) {
	if len(conds) == 0 {
		return nil, nil
	}
	return filter.Compile(conds...)
}

// compileActivity sets up the activity classification of mapped users.
func (c *Connector) compileActivity() {
	a := c.tmpl.Activity
	c.reported = c.mapper.ReportsActivity()
	inactive, _ := activity.ParseInactiveAfter(a.InactiveAfter)
	c.classifier = activity.Classifier{InactiveAfter: inactive, Now: c.opts.now}
	c.application = a.Application
	if c.application == "" {
		c.application = c.tmpl.Name
	}
}

// mappingSpec is the mapping part of t: response fields, fallbacks, status
// values, time format and the activity's last_activity_field.
func mappingSpec(t Template) mapping.Spec {
	return mapping.Spec{
		Fields:            t.Response.Fields,
		Fallbacks:         t.Response.FallbackFields,
		StatusValues:      t.Response.StatusValues,
		TimeFormat:        t.Response.TimeFormat,
		LastActivityField: t.Activity.LastActivityField,
		ValueMaps:         t.Response.ValueMaps,
		NeverValues:       t.Activity.NeverValues,
	}
}

// limiter returns the template's rate limiter, or nil when it declares none.
func (c *Connector) limiter() *rate.Limiter {
	rl := c.tmpl.RateLimit
	if rl.Requests <= 0 {
		return nil
	}
	per, _ := parseDuration(rl.Per)
	return transport.NewLimiter(rl.Requests, per, rl.Burst)
}

// compileAuth builds the template's authenticator from the settings (the
// auth method's row of [auth.Methods]); token and login requests go through
// tokenClient.
func (c *Connector) compileAuth(vals map[string]string, tokenClient *http.Client) (auth.Authenticator, error) {
	// The Authorization values a method may derive from two settings
	// (HTTP Basic, OAuth2 client credentials in the header) are secrets too.
	c.redact.AddBasic(vals["username"], vals["password"])
	c.redact.AddBasic(vals["client_id"], vals["client_secret"])
	a, err := c.tmpl.Auth.Build(auth.Env{
		Setting: func(name string) string { return vals[name] },
		URL: func(tmpl string) (string, error) {
			u, err := expandURL(tmpl, vals)
			if err != nil {
				return "", err
			}
			if err := transport.CheckURL(u); err != nil {
				return "", err
			}
			return u.String(), nil
		},
		Expand:  func(s string) string { return expandString(s, vals) },
		Client:  tokenClient,
		OnToken: c.redact.AddToken, // tokens obtained are redacted too
	})
	var se *auth.SpecError
	switch {
	case errors.As(err, &se):
		return nil, fmt.Errorf("auth.%s: %w", se.Key, se.Err)
	case err != nil:
		return nil, fmt.Errorf("auth: %w", err)
	}
	return a, nil
}

// Name returns the connector's instance name.
func (c *Connector) Name() string { return c.name }

// Template returns the template the connector was compiled from. Its maps
// and slices are shared with the connector's: do not modify them.
func (c *Connector) Template() Template { return c.tmpl }

// parseDuration parses a template duration ("1h", "90d": see
// internal/duration); "" is 0.
func parseDuration(s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	return duration.Parse(s)
}
