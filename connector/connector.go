package connector

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/saasconnect/saasconnect/activity"
	"github.com/saasconnect/saasconnect/auth"
	"github.com/saasconnect/saasconnect/filter"
	"github.com/saasconnect/saasconnect/internal/jsonpath"
	"github.com/saasconnect/saasconnect/internal/transport"
	"github.com/saasconnect/saasconnect/mapping"
	"github.com/saasconnect/saasconnect/paginate"
	"golang.org/x/time/rate"
)

// Connector is a compiled Template bound to its settings: it lists one
// vendor tenant's users. Everything is compiled once, in New.
//
// A Connector is safe for concurrent use by multiple goroutines; each Users,
// Run or Test call is an independent walk of the listing. Cached
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
	success     *jsonpath.Path // response.success_path; nil when none
	errMessage  *jsonpath.Path // response.error_message_path; nil when none
	mapper      *mapping.Mapper
	pred        filter.Predicate // nil keeps every record
	classifier  activity.Classifier
	reported    bool
	application string
	retryOn     []int
	policy      transport.Policy
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
		return nil, &runError{msg: c.redact.String(fmt.Sprintf("connector %q: %v", name, err)), err: err}
	}
	return c, nil
}

// compile builds the HTTP stack and compiles paths, mapping and filters.
func (c *Connector) compile(r resolved) error {
	t, o, vals := c.tmpl, c.opts, r.values
	c.retryOn = slices.Clone(t.RetryOn)
	var params []string
	if t.Auth.QueryParam != "" {
		params = append(params, t.Auth.QueryParam)
	}
	c.redact = transport.NewRedactor(params, r.secrets...)

	// The first request.
	u, err := expandURL(t.Request.UsersURL, vals)
	if err != nil {
		return fmt.Errorf("request.users_url: %w", err)
	}
	if err := transport.CheckURL(u); err != nil {
		return fmt.Errorf("request.users_url: %w", err)
	}
	if len(t.Request.Query) > 0 {
		q := u.Query()
		for _, k := range sortedKeys(t.Request.Query) {
			q.Set(k, expandString(t.Request.Query[k], vals))
		}
		u.RawQuery = q.Encode()
	}
	h := http.Header{}
	h.Set("Accept", "application/json")
	h.Set("User-Agent", "saasconnect")
	for _, k := range sortedKeys(t.Request.Headers) {
		h.Set(k, expandString(t.Request.Headers[k], vals))
	}
	var body map[string]any
	if t.Request.Body != nil {
		body = expandValue(t.Request.Body, vals).(map[string]any)
	}
	method := strings.ToUpper(t.Request.Method)
	if method == "" {
		method = http.MethodGet
	}
	c.first = paginate.Request{Method: method, URL: u, Header: h, Body: body}
	c.walker = &paginate.Walker{Config: t.Pagination, Fetch: c.fetch, Prefetch: o.prefetch}

	// The HTTP stack: retry( rate limit( auth( observe( base ) ) ) ).
	var baseRT http.RoundTripper
	if o.client != nil {
		baseRT = o.client.Transport
	}
	baseRT, err = transport.Base(baseRT, vals[CAFileSetting])
	if err != nil {
		return err
	}
	var limiter = c.limiter()
	policy := transport.Policy{
		MaxAttempts: o.retry.MaxAttempts,
		MinWait:     o.retry.MinWait,
		MaxWait:     o.retry.MaxWait,
		RetryOn:     c.retryOn,
		Timeout:     o.timeout,
	}
	c.policy = policy
	stack := func(inner http.RoundTripper) http.RoundTripper {
		return &transport.Retry{
			Policy: policy, Logger: o.logger, Redactor: c.redact,
			Base: &transport.RateLimit{Limiter: limiter, Base: inner, Logger: o.logger, Redactor: c.redact},
		}
	}
	// Token and login requests: retried and rate limited, not authenticated,
	// and free to go to another origin (identity providers).
	tokenClient := &http.Client{Transport: stack(&transport.Observe{Base: baseRT, Logger: o.logger, Redactor: c.redact})}
	authn, err := c.authenticator(vals, tokenClient)
	if err != nil {
		return err
	}
	origin := transport.Origin(u)
	c.client = &http.Client{
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

	// Records, mapping, filters, activity (Validate compiled them already;
	// these cannot fail).
	if c.records, err = jsonpath.Compile(t.Response.RecordsPath); err != nil {
		return fmt.Errorf("response.records_path: %w", err)
	}
	if t.Response.SuccessPath != "" {
		if c.success, err = jsonpath.Compile(t.Response.SuccessPath); err != nil {
			return fmt.Errorf("response.success_path: %w", err)
		}
	}
	if t.Response.ErrorMessagePath != "" {
		if c.errMessage, err = jsonpath.Compile(t.Response.ErrorMessagePath); err != nil {
			return fmt.Errorf("response.error_message_path: %w", err)
		}
	}
	if c.mapper, err = mapping.Compile(mappingSpec(c.tmpl)); err != nil {
		return err
	}
	if len(t.Filters) > 0 {
		if c.pred, err = filter.Compile(t.Filters...); err != nil {
			return err
		}
	}
	rec, doc := c.projectionPaths()
	c.pages = newPageDecoder(c.records, rec, doc)
	c.reported = c.mapper.ReportsActivity()
	inactive, _ := activity.ParseInactiveAfter(t.Activity.InactiveAfter)
	c.classifier = activity.Classifier{InactiveAfter: inactive, Now: o.now}
	c.application = t.Activity.Application
	if c.application == "" {
		c.application = t.Name
	}
	return nil
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

// authenticator builds the template's authenticator from the settings.
func (c *Connector) authenticator(vals map[string]string, tokenClient *http.Client) (auth.Authenticator, error) {
	a := c.tmpl.Auth
	switch a.Method {
	case AuthNone, "":
		return auth.None{}, nil
	case AuthAPIKey:
		return auth.APIKey{Key: auth.Secret(vals["api_key"]), TokenType: a.TokenType, Header: a.Header, QueryParam: a.QueryParam}, nil
	case AuthBasic:
		return auth.Basic{Username: vals["username"], Password: auth.Secret(vals["password"])}, nil
	case AuthOAuth2:
		tu, err := c.authURL("auth.token_url", a.TokenURL, vals)
		if err != nil {
			return nil, err
		}
		cfg := auth.OAuth2Config{
			GrantType:    auth.GrantType(a.GrantType),
			TokenURL:     tu,
			ClientID:     vals["client_id"],
			ClientSecret: auth.Secret(vals["client_secret"]),
			Scopes:       strings.Fields(expandString(a.Scope, vals)),
			ClientAuth:   auth.ClientAuth(a.ClientAuth),
			Header:       a.Header,
			TokenType:    a.TokenType,
		}
		if cfg.Header == "" && cfg.TokenType != "" {
			// token_type alone forces the Authorization prefix.
			cfg.Header = "Authorization"
		}
		switch cfg.GrantType {
		case auth.GrantPassword:
			cfg.Username, cfg.Password = vals["username"], auth.Secret(vals["password"])
		case auth.GrantRefreshToken:
			cfg.RefreshToken = auth.Secret(vals["refresh_token"])
		}
		o, err := auth.NewOAuth2(cfg, tokenClient)
		if err != nil {
			return nil, fmt.Errorf("auth: %w", err)
		}
		return o, nil
	case AuthSession:
		lu, err := c.authURL("auth.login_url", a.LoginURL, vals)
		if err != nil {
			return nil, err
		}
		values := map[string]auth.Secret{}
		for _, n := range valuePlaceholders(map[string]any(a.LoginBody)) {
			values[n] = auth.Secret(vals[n])
		}
		exp, _ := parseDuration(a.ExpiresIn)
		s, err := auth.NewSession(auth.SessionConfig{
			LoginURL: lu, Method: a.LoginMethod, Body: a.LoginBody, Values: values,
			Format: a.LoginFormat, TokenPath: a.TokenPath, Header: a.Header,
			TokenType: a.TokenType, ExpiresIn: exp,
		}, tokenClient)
		if err != nil {
			return nil, fmt.Errorf("auth: %w", err)
		}
		return s, nil
	}
	return nil, fmt.Errorf("auth.method: unknown method %q", a.Method)
}

// authURL fills and checks a token or login URL.
func (c *Connector) authURL(path, tmpl string, vals map[string]string) (string, error) {
	u, err := expandURL(tmpl, vals)
	if err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	if err := transport.CheckURL(u); err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	return u.String(), nil
}

// Name returns the connector's instance name.
func (c *Connector) Name() string { return c.name }

// Template returns the template the connector was compiled from. Its maps
// and slices are shared with the connector's: do not modify them.
func (c *Connector) Template() Template { return c.tmpl }

// parseDuration parses a Go duration; "" is 0.
func parseDuration(s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	return time.ParseDuration(s)
}
