package connector

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net"
	"net/url"
	"os"
	"reflect"
	"strings"
	"syscall"

	"github.com/saasconnect/saasconnect/activity"
	"github.com/saasconnect/saasconnect/auth"
	"github.com/saasconnect/saasconnect/filter"
	"github.com/saasconnect/saasconnect/ldapdir"
	"github.com/saasconnect/saasconnect/mapping"
	"github.com/saasconnect/saasconnect/paginate"
)

// Template sources (Template.Source).
const (
	// SourceHTTP lists users from a vendor's HTTP API (request and
	// pagination blocks). It is the default.
	SourceHTTP = "http"
	// SourceLDAP lists users with a paged LDAP search of a directory
	// (Active Directory, OpenLDAP, FreeIPA): the template's ldap block
	// (an ldapdir.Config) replaces request and pagination. Each entry is a
	// record: "dn" holds its DN and every attribute its values, a string
	// when single-valued, an array when multi-valued, so response.fields,
	// filters and activity read them as they read JSON records.
	//
	// Options apply as for HTTP where they mean something: WithRetry (a
	// dropped connection, busy and unavailable are retried; invalid
	// credentials never), WithTimeout (each dial, bind and page),
	// WithLogger, WithClock, WithProgress, WithRawRecords (each entry's
	// record as JSON). WithHTTPClient, WithPrefetch and WithMaxBodyBytes
	// do not apply: pages follow each other by cookie. Report.Requests
	// counts search round trips (binds are not counted). The manager
	// attribute stays a DN: the manager's own record carries it as "dn",
	// so a consumer joins the two; the connector does not look it up
	// (that would cost a search per page or a directory-sized map).
	SourceLDAP = "ldap"
)

// Problems Connector.Test tells apart for an LDAP source, besides
// ProblemURL (cannot connect), ProblemTLS and ProblemCredentials (result
// code 49).
const (
	// ProblemBaseDN: the search's base DN does not exist (result code 32).
	ProblemBaseDN Problem = "base_dn"
	// ProblemFilter: the server refused the search filter.
	ProblemFilter Problem = "filter"
	// ProblemNoEntries: the search matched no entry.
	ProblemNoEntries Problem = "no_entries"
)

// isLDAP reports whether t lists a directory.
func (t Template) isLDAP() bool { return t.Source == SourceLDAP }

// source validates the source and, for an LDAP template, the ldap block in
// place of request and pagination. It returns false for an HTTP template,
// whose request and pagination the caller validates.
func (v *validator) source() bool {
	t := v.t
	switch t.Source {
	case "", SourceHTTP:
		if t.LDAP != nil {
			v.add("ldap", "needs \"source\": \"ldap\"")
		}
		return false
	case SourceLDAP:
	default:
		v.add("source", "unknown source %q (want http or ldap)", t.Source)
		return false
	}
	if t.LDAP == nil {
		v.add("ldap", "missing: an ldap source needs the ldap block (url, base_dn, filter, attributes)")
	} else {
		v.ldapBlock(*t.LDAP)
	}
	if !isZeroRequest(t.Request) {
		v.add("request", "not used by an ldap source (the ldap block says what to search)")
	}
	if !reflect.ValueOf(t.Pagination).IsZero() {
		v.add("pagination", "not used by an ldap source (pages use the Simple Paged Results control; set ldap.page_size)")
	}
	if m := t.Auth.Method; m != "" && m != AuthNone {
		v.add("auth.method", "not used by an ldap source: the search binds with ldap.bind_dn and ldap.bind_password")
	}
	for path, set := range map[string]bool{
		"response.records_path": t.Response.RecordsPath != "", "response.success_path": t.Response.SuccessPath != "",
		"rate_limit": t.RateLimit != (RateLimit{}), "retry_on": len(t.RetryOn) > 0,
	} {
		if set {
			v.add(path, "not used by an ldap source")
		}
	}
	return true
}

func isZeroRequest(r RequestSpec) bool {
	return r.UsersURL == "" && r.Method == "" && len(r.Headers) == 0 && len(r.Query) == 0 && r.Body == nil
}

// ldapBlock validates the ldap block and its placeholders.
func (v *validator) ldapBlock(c ldapdir.Config) {
	for _, e := range unjoin(c.Validate()) {
		var ce *ldapdir.ConfigError
		if errors.As(e, &ce) {
			v.addErr("ldap."+ce.Field, ce.Err)
		} else {
			v.addErr("ldap", e)
		}
	}
	known := map[string]Setting{}
	for _, s := range v.t.Settings() {
		known[s.Name] = s
	}
	refs := c.Placeholders()
	for _, field := range sortedKeys(refs) {
		for _, n := range refs[field] {
			s, ok := known[n]
			switch {
			case !ok:
				v.add("ldap."+field, "placeholder {%s} names no declared setting", n)
			case field == "bind_password" && !s.Secret:
				v.add("ldap."+field, "setting %q holds a password: declare it secret", n)
			case field != "bind_password" && s.Secret:
				v.add("ldap."+field, "setting %q is secret: only bind_password may name a secret setting", n)
			}
		}
	}
}

// compileLDAP compiles an LDAP template: the search, then the mapping,
// filters and activity shared with HTTP templates.
func (c *Connector) compileLDAP(r resolved) error {
	t, o, vals := c.tmpl, c.opts, r.values
	cfg := t.LDAP.Expand(func(name string) string { return vals[name] })
	password := cfg.BindPassword
	cfg.BindPassword = ""
	tc, err := ldapTLS(vals[CAFileSetting])
	if err != nil {
		return err
	}
	c.ldap = &ldapdir.Search{
		Config:   cfg,
		Password: auth.Secret(password),
		TLS:      tc,
		Retry:    ldapdir.Retry{MaxAttempts: o.retry.MaxAttempts, MinWait: o.retry.MinWait, MaxWait: o.retry.MaxWait},
		Timeout:  o.timeout,
		Logger:   o.logger,
	}
	if c.mapper, err = mapping.Compile(mappingSpec(t)); err != nil {
		return err
	}
	if len(t.Filters) > 0 {
		if c.pred, err = filter.Compile(t.Filters...); err != nil {
			return err
		}
	}
	c.reported = c.mapper.ReportsActivity()
	inactive, _ := activity.ParseInactiveAfter(t.Activity.InactiveAfter)
	c.classifier = activity.Classifier{InactiveAfter: inactive, Now: o.now}
	c.application = t.Activity.Application
	if c.application == "" {
		c.application = t.Name
	}
	return nil
}

// ldapTLS is the TLS configuration: the system roots plus ca_file's
// certificates.
func ldapTLS(caFile string) (*tls.Config, error) {
	tc := &tls.Config{MinVersion: tls.VersionTLS12}
	if caFile == "" {
		return tc, nil
	}
	pem, err := os.ReadFile(caFile)
	if err != nil {
		return nil, fmt.Errorf("setting %s: %w", CAFileSetting, err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("setting %s: %s holds no PEM certificate", CAFileSetting, caFile)
	}
	tc.RootCAs = pool
	return tc, nil
}

// pageSource is the walk's page source: the HTTP walker, or the LDAP search.
func (c *Connector) pageSource(ctx context.Context) iter.Seq2[paginate.Response, error] {
	if c.ldap == nil {
		return func(yield func(paginate.Response, error) bool) {
			first, err := c.start(ctx) // a token first when it fills settings
			if err != nil {
				yield(paginate.Response{}, err)
				return
			}
			for resp, err := range c.walker.Walk(ctx, first) {
				if !yield(resp, err) {
					return
				}
			}
		}
	}
	return func(yield func(paginate.Response, error) bool) {
		for p, err := range c.ldap.Pages(ctx) {
			if err != nil {
				yield(paginate.Response{}, err)
				return
			}
			// The page's position (its cookie) identifies it; the URL is the
			// directory's, with the page number as a fragment.
			u := &url.URL{Scheme: "ldap", Opaque: "page", Fragment: fmt.Sprint(p.Number)}
			resp := paginate.Response{URL: u, Records: p.Records}
			if c.opts.raw {
				resp.Raw = make([]json.RawMessage, len(p.Records))
				for i, rec := range p.Records {
					resp.Raw[i], _ = json.Marshal(rec)
				}
			}
			if !yield(resp, nil) {
				return
			}
		}
	}
}

// testLDAP is Test for an LDAP source: it binds, fetches the first page
// and maps its entries.
func (c *Connector) testLDAP(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for p, err := range c.ldap.Pages(ctx) {
		if err != nil {
			return c.explainLDAP(err)
		}
		if len(p.Records) == 0 {
			continue // an empty page with a cookie: AD may send one
		}
		return c.checkRecords(p.Records)
	}
	cfg := c.ldap.Config
	return &TestError{Problem: ProblemNoEntries,
		Hint: fmt.Sprintf("the search found no entry under %q matching %s; check ldap.base_dn, ldap.filter and that the bind account may read users", cfg.BaseDN, cfg.Filter),
		Err:  c.wrap(errors.New("no entries"))}
}

// explainLDAP classifies a failed LDAP search.
func (c *Connector) explainLDAP(err error) error {
	werr := c.wrap(err)
	var le *ldapdir.Error
	if !errors.As(err, &le) {
		return &TestError{Problem: ProblemOther, Hint: "the search failed", Err: werr}
	}
	var dns *net.DNSError
	var uae x509.UnknownAuthorityError
	var hne x509.HostnameError
	var cie x509.CertificateInvalidError
	var rhe tls.RecordHeaderError
	switch {
	case errors.As(err, &uae), errors.As(err, &hne), errors.As(err, &cie):
		return &TestError{Problem: ProblemTLS, Hint: "the directory's TLS certificate is not trusted; for a private CA (an enterprise AD CS) set the ca_file setting", Err: werr}
	case errors.As(err, &rhe):
		return &TestError{Problem: ProblemTLS, Hint: "the server did not answer TLS: ldaps:// needs port 636; for port 389 use ldap:// with StartTLS", Err: werr}
	case le.Op == ldapdir.OpStartTLS:
		return &TestError{Problem: ProblemTLS, Hint: "StartTLS failed: the server may not offer TLS on this port (use ldaps://host:636)", Err: werr}
	case errors.Is(err, ldapdir.ErrInvalidCredentials):
		return &TestError{Problem: ProblemCredentials, Hint: "invalid credentials (result code 49): check bind_dn (a DN, or for Active Directory user@domain) and the password", Err: werr}
	case le.Op == ldapdir.OpBind:
		return &TestError{Problem: ProblemCredentials, Hint: "the bind was refused", Err: werr}
	case errors.As(err, &dns):
		return &TestError{Problem: ProblemURL, Hint: fmt.Sprintf("cannot connect: host %q not found (DNS)", dns.Name), Err: werr}
	case errors.Is(err, syscall.ECONNREFUSED):
		return &TestError{Problem: ProblemURL, Hint: "cannot connect: the connection was refused (check host and port: 636 for ldaps, 389 for ldap)", Err: werr}
	case le.Op == ldapdir.OpConnect:
		return &TestError{Problem: ProblemURL, Hint: "cannot connect to the directory", Err: werr}
	case errors.Is(err, ldapdir.ErrNoSuchObject):
		return &TestError{Problem: ProblemBaseDN, Hint: fmt.Sprintf("base DN %q not found (result code 32); check the base_dn setting", c.ldap.Config.BaseDN), Err: werr}
	case le.Code == 87 || le.Code == 201: // filterError, go-ldap's filter compile error
		return &TestError{Problem: ProblemFilter, Hint: "the search filter is invalid: check ldap.filter", Err: werr}
	case le.Code == 50:
		return &TestError{Problem: ProblemCredentials, Hint: "insufficient access rights (result code 50): the bind account may not search there", Err: werr}
	}
	return &TestError{Problem: ProblemOther, Hint: "the search failed: " + strings.TrimPrefix(le.Error(), "ldap "), Err: werr}
}
