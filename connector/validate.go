package connector

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/saasconnect/saasconnect/activity"
	"github.com/saasconnect/saasconnect/auth"
	"github.com/saasconnect/saasconnect/filter"
	"github.com/saasconnect/saasconnect/internal/jsonpath"
	"github.com/saasconnect/saasconnect/internal/respath"
	"github.com/saasconnect/saasconnect/internal/transport"
	"github.com/saasconnect/saasconnect/mapping"
	"github.com/saasconnect/saasconnect/paginate"
)

// settingNameRE is what a setting name may look like.
var settingNameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.-]*$`)

// Validate reports every problem in t at once, as an errors.Join of
// *TemplateError, each naming the JSON path of the problem
// ("request.users_url", "pagination.cursor_path", "filters[1].operator",
// "response.fields.email"). It returns nil when New can compile t.
//
// It checks: the version; setting names; the auth block by its method's row
// of [auth.Methods] (the keys it requires, no key it does not use, each
// key's values), its URLs as template URLs; users_url present,
// without credentials (user info or secret-looking query parameters); that
// every {placeholder} names a declared or auth-implied setting; the
// pagination block; records_path, success_path, error_message_path and
// every mapped path (fallback_fields included); status_values targets and time_format; filters;
// the enrich entries (their URLs on the listing's origin, "enrich[0].url"); activity;
// rate_limit; retry_on; and each declared licenses, applications and
// assignments block by the same rules, its paths under its key
// ("licenses.request.url", "licenses.response.fields.total").
func (t Template) Validate() error {
	v := &validator{t: t}
	v.general()
	v.settings()
	v.auth()
	ldap := v.source() // an ldap source has no request or pagination (source_ldap.go)
	if !ldap {
		v.request()
	}
	v.placeholders()
	if !ldap {
		v.pagination()
		v.paging()
	}
	v.response()
	v.filters()
	v.enrich("", t.Enrich, t.Request.UsersURL) // enrich.go
	v.activity()
	v.limits()
	v.joins("", v.t.Join)                            // join.go
	v.each("", v.t.Each, ResourceUsers, v.t.Request) // each.go
	v.resources()                                    // the licenses, applications and assignments blocks (resources.go)
	return errors.Join(v.errs...)
}

type validator struct {
	t    Template
	errs []error
}

func (v *validator) add(path string, format string, args ...any) {
	v.errs = append(v.errs, &TemplateError{Path: path, Err: fmt.Errorf(format, args...)})
}

func (v *validator) addErr(path string, err error) {
	v.errs = append(v.errs, &TemplateError{Path: path, Err: err})
}

func (v *validator) general() {
	t := v.t
	if t.Version == 0 {
		v.add("version", "missing: set \"version\": %d", TemplateVersion)
	} else if t.Version != TemplateVersion {
		v.add("version", "unsupported version %d (this package reads version %d)", t.Version, TemplateVersion)
	}
	switch t.Support {
	case "", "full", "partial":
	default:
		v.add("support", "unknown value %q (want full or partial)", t.Support)
	}
	if t.DocsURL != "" {
		if u, err := url.Parse(t.DocsURL); err != nil || !u.IsAbs() {
			v.add("docs_url", "not an absolute URL")
		}
	}
}

func (v *validator) settings() {
	seen := map[string]bool{}
	for i, s := range v.t.Declared {
		path := fmt.Sprintf("settings[%d].name", i)
		switch {
		case s.Name == "":
			v.add(path, "missing")
		case !settingNameRE.MatchString(s.Name):
			v.add(path, "%q is not a valid setting name (letters, digits, _ . -; not starting with a digit)", s.Name)
		case seen[s.Name]:
			v.add(path, "setting %q is declared twice", s.Name)
		}
		seen[s.Name] = true
		switch {
		case s.Default != "" && (secretName(s.Name) || s.Secret):
			v.add(fmt.Sprintf("settings[%d].default", i), "a secret setting must not have a default (credentials do not belong in a template)")
		case strings.Contains(s.Default, "://"):
			if u, err := url.Parse(placeholderRE.ReplaceAllString(s.Default, "x")); err == nil && u.User != nil {
				v.add(fmt.Sprintf("settings[%d].default", i), "credentials in the URL (user info): put them in the auth settings")
			}
		}
	}
}

// auth checks the auth block: the rules of its method's row in the
// [auth.Methods] table (auth.Spec.Validate), then the method's URL-valued
// keys as template URLs.
func (v *validator) auth() {
	a := v.t.Auth
	for _, e := range unjoin(a.Validate()) {
		var se *auth.SpecError
		if errors.As(e, &se) {
			v.addErr("auth."+se.Key, se.Err)
		} else {
			v.addErr("auth", e)
		}
	}
	v.tokenResponseSettings()
	m, ok := auth.Lookup(a.Method)
	if !ok {
		return
	}
	for _, k := range m.Keys {
		if u := a.Value(k.Name); k.Kind == auth.KindURL && u != "" {
			v.url("auth."+k.Name, u)
		}
	}
}

// authTemplateKeys lists the auth keys, of any method, whose values may hold
// {placeholders}: URLs and templates.
func authTemplateKeys() []string {
	var keys []string
	for _, m := range auth.Methods() {
		for _, k := range m.Keys {
			if (k.Kind == auth.KindURL || k.Kind == auth.KindTemplate) && !slices.Contains(keys, k.Name) {
				keys = append(keys, k.Name)
			}
		}
	}
	return keys
}

// validHeaderName reports whether h is a header field name (an RFC 9110
// token): the SDK's one check, in internal/respath.
func validHeaderName(h string) bool { return respath.ValidHeaderName(h) }

// url checks a URL template: it must parse once its placeholders are filled,
// be absolute (or start with a placeholder that makes it so), use https (or
// http to a loopback host), and hold no credentials.
func (v *validator) url(path, tmpl string) {
	sample := map[string]string{}
	parts := placeholderParts(tmpl)
	for i, name := range placeholders(tmpl) {
		switch parts[i] {
		case partLeading:
			sample[name] = "https://placeholder.invalid"
		default:
			sample[name] = "x"
		}
	}
	u, err := expandURL(tmpl, sample)
	if err != nil {
		if errors.Is(err, errURLCredentials) {
			v.add(path, "credentials in the URL (user info): put them in the auth settings")
			return
		}
		v.addErr(path, err)
		return
	}
	if err := transport.CheckURL(u); err != nil {
		v.add(path, "%s", strings.ReplaceAll(err.Error(), "placeholder.invalid", "{…}"))
	}
	for k := range u.Query() {
		if transport.SecretParam(k) {
			v.add(path, "credentials in the URL: query parameter %q looks like a secret; use auth (api_key with query_param) instead", k)
		}
	}
}

func (v *validator) request() {
	r := v.t.Request
	if strings.TrimSpace(r.UsersURL) == "" {
		v.add("request.users_url", "missing: the URL of the users listing is required")
	} else {
		v.url("request.users_url", r.UsersURL)
	}
	switch strings.ToUpper(r.Method) {
	case "", http.MethodGet:
		if r.Body != nil {
			v.add("request.body", "a body needs method POST")
		}
	case http.MethodPost:
	default:
		v.add("request.method", "unsupported method %q (want GET or POST)", r.Method)
	}
	for _, k := range sortedKeys(r.Headers) {
		if !validHeaderName(k) {
			v.add(joinPath("request.headers", k), "not a valid header name")
		}
		if (strings.EqualFold(k, "Authorization") || transport.SecretParam(k)) && len(placeholders(r.Headers[k])) == 0 {
			v.add(joinPath("request.headers", k), "credentials in the template: use auth, or a {placeholder} naming a secret setting")
		}
	}
	for _, k := range sortedKeys(r.Query) {
		if transport.SecretParam(k) {
			v.add(joinPath("request.query", k), "credentials in the URL: query parameter %q looks like a secret; use auth (api_key with query_param) instead", k)
		}
	}
}

// placeholders checks that every {placeholder} names a setting.
func (v *validator) placeholders() {
	t := v.t
	known := map[string]bool{}
	for _, s := range t.Settings() {
		known[s.Name] = true
	}
	if t.Each != nil {
		known[eachPlaceholder] = true // each.go
	}
	check := func(path string, names []string) {
		for _, n := range names {
			if n == eachPlaceholder && !known[n] {
				v.add(path, "placeholder {each} is filled by the listing's each: declare each (or a setting named each)")
				continue
			}
			if !known[n] {
				v.add(path, "placeholder {%s} names no declared or auth-implied setting", n)
			}
		}
	}
	check("request.users_url", usersURLPlaceholders(t))
	for _, k := range sortedKeys(t.Request.Headers) {
		check(joinPath("request.headers", k), placeholders(t.Request.Headers[k]))
	}
	for _, k := range sortedKeys(t.Request.Query) {
		check(joinPath("request.query", k), queryPlaceholders(t.Request.Query[k]))
	}
	if t.Request.Body != nil {
		check("request.body", valuePlaceholders(map[string]any(t.Request.Body)))
	}
	for _, k := range authTemplateKeys() {
		check("auth."+k, placeholders(t.Auth.Value(k)))
	}
	for i, s := range t.Declared {
		check(fmt.Sprintf("settings[%d].default", i), placeholders(s.Default))
	}
}

func (v *validator) pagination() {
	err := v.t.Pagination.Validate()
	if err == nil {
		return
	}
	for _, e := range unjoin(err) {
		var ce *paginate.ConfigError
		if errors.As(e, &ce) {
			v.addErr(joinPath("pagination", ce.Field), ce.Err)
		} else {
			v.addErr("pagination", e)
		}
	}
}

func (v *validator) response() {
	t := v.t
	if _, err := jsonpath.Compile(t.Response.RecordsPath); err != nil {
		v.addErr("response.records_path", err)
	}
	if _, err := respath.Compile(t.Response.SuccessPath); err != nil {
		v.addErr("response.success_path", err)
	}
	if t.Response.ErrorMessagePath != "" {
		if t.Response.SuccessPath == "" {
			v.add("response.error_message_path", "needs response.success_path (the message is read only from a page that says it failed)")
		} else if _, err := respath.Compile(t.Response.ErrorMessagePath); err != nil {
			v.addErr("response.error_message_path", err)
		}
	}
	if len(t.Response.Fields) == 0 {
		v.add("response.fields", "missing: map at least id or email")
		return
	}
	_, err := mapping.Compile(mappingSpec(t))
	for _, e := range unjoin(err) {
		var fe *mapping.FieldError
		if !errors.As(e, &fe) {
			v.addErr("response", e)
			continue
		}
		switch {
		case errors.Is(fe.Err, mapping.ErrNoIdentityField):
			v.add("response.fields", "map at least id or email (a user needs an identity)")
		case fe.Field == "last_activity_field":
			v.addErr("activity.last_activity_field", fe.Err)
		case strings.HasPrefix(fe.Field, "never_values["):
			v.addErr("activity."+fe.Field, fe.Err)
		case strings.HasPrefix(fe.Field, "value_maps.") || strings.HasPrefix(fe.Field, "value_maps["):
			v.addErr("response."+fe.Field, fe.Err)
		case fe.Field == "time_format", fe.Field == "status_values", strings.HasPrefix(fe.Field, "status_values["):
			v.addErr("response."+fe.Field, fe.Err)
		case strings.HasPrefix(fe.Field, "fallbacks.") || strings.HasPrefix(fe.Field, "fallbacks["):
			// mapping names them fallbacks.<field>[i], fallbacks["<field>"][i].
			v.addErr("response.fallback_fields"+strings.TrimPrefix(fe.Field, "fallbacks"), fe.Err)
		default:
			v.addErr(joinPath("response.fields", fe.Field), fe.Err)
		}
	}
}

func (v *validator) filters() {
	if len(v.t.Filters) == 0 {
		return
	}
	_, err := filter.Compile(v.t.Filters...)
	for _, e := range unjoin(err) {
		var ce *filter.ConditionError
		if errors.As(e, &ce) {
			path := fmt.Sprintf("filters[%d]", ce.Index)
			if ce.Key != "" {
				path += "." + ce.Key
			}
			v.addErr(path, ce.Err)
		} else {
			v.addErr("filters", e)
		}
	}
}

func (v *validator) activity() {
	a := v.t.Activity
	switch a.Type {
	case "", "user":
	default:
		v.add("activity.type", "unknown type %q (want user)", a.Type)
	}
	if _, err := activity.ParseInactiveAfter(a.InactiveAfter); err != nil {
		v.addErr("activity.inactive_after", err)
	}
}

func (v *validator) limits() {
	rl := v.t.RateLimit
	if rl != (RateLimit{}) {
		if rl.Requests <= 0 {
			v.add("rate_limit.requests", "must be positive, got %d", rl.Requests)
		}
		if d, err := parseDuration(rl.Per); err != nil || d <= 0 {
			v.add("rate_limit.per", "%q is not a positive duration like \"1m\" or \"1d\"", rl.Per)
		}
		if rl.Burst < 0 {
			v.add("rate_limit.burst", "must not be negative, got %d", rl.Burst)
		}
	}
	for i, s := range v.t.RetryOn {
		if s < 400 || s > 599 {
			v.add(fmt.Sprintf("retry_on[%d]", i), "status %d is out of range (400-599)", s)
		}
	}
}

// unjoin flattens an errors.Join tree one level.
func unjoin(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}
