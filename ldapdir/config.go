package ldapdir

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/go-ldap/ldap/v3"
)

// MaxPageSize is the largest page size Config accepts: Active Directory's
// default MaxPageSize policy (a larger request is silently capped at it).
const MaxPageSize = 1000

// DefaultPageSize is the page size when Config.PageSize is 0.
const DefaultPageSize = MaxPageSize

// Config is a template's "ldap" block: where the directory is, how to bind,
// and which entries to list. String fields may hold {setting} placeholders,
// which the connector fills before searching; Validate checks a Config with
// its placeholders still in place.
//
// A Config is a plain value, safe to share once no longer modified.
type Config struct {
	// URL is ldaps://host:636 (TLS from the first byte) or ldap://host:389,
	// which is upgraded with StartTLS before the bind. Plain LDAP (no TLS)
	// is allowed only to a loopback host and only with start_tls false.
	URL string `json:"url"`
	// StartTLS upgrades an ldap:// connection (default true). false is
	// accepted only for a loopback host.
	StartTLS *bool `json:"start_tls,omitempty"`
	// BindDN is the DN (or, for Active Directory, the user principal name)
	// the search binds as; empty binds anonymously.
	BindDN string `json:"bind_dn,omitempty"`
	// BindPassword is a single {placeholder} naming the secret setting that
	// holds the bind password ("{password}"); never the password itself.
	BindPassword string `json:"bind_password,omitempty"`
	// BaseDN is where the search starts ("DC=corp,DC=example,DC=com").
	BaseDN string `json:"base_dn"`
	// Filter is an RFC 4515 search filter; default "(objectClass=*)".
	Filter string `json:"filter,omitempty"`
	// Scope is sub (the default: the whole subtree), one (children of
	// base_dn) or base (base_dn itself).
	Scope string `json:"scope,omitempty"`
	// Attributes lists the attributes to fetch; empty fetches every user
	// attribute. Record keys use these spellings (attribute names are
	// case-insensitive in LDAP, paths in templates are not).
	Attributes []string `json:"attributes,omitempty"`
	// PageSize is the Simple Paged Results page size (RFC 2696), 1 to
	// MaxPageSize; default DefaultPageSize.
	PageSize int `json:"page_size,omitempty"`
	// SizeLimit caps the number of entries the server returns (0: the
	// server's limit). A search that reaches it fails.
	SizeLimit int `json:"size_limit,omitempty"`
	// TimeLimit caps the server time of each page request, in a Go
	// duration of whole seconds ("60s"; default none: the server's limit).
	TimeLimit string `json:"time_limit,omitempty"`
	// GUIDAttributes are binary 16-byte GUIDs (Active Directory's
	// objectGUID) rendered as the canonical string
	// "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (the first three groups
	// little-endian, as Windows prints them).
	GUIDAttributes []string `json:"guid_attributes,omitempty"`
	// BinaryAttributes are other binary attributes (objectSid,
	// jpegPhoto), rendered in standard base64.
	BinaryAttributes []string `json:"binary_attributes,omitempty"`
}

// ConfigError is one problem in a Config: Field is the JSON name of the key
// ("base_dn", "attributes[2]").
type ConfigError struct {
	Field string
	Err   error
}

// Error returns "<field>: <problem>".
func (e *ConfigError) Error() string { return e.Field + ": " + e.Err.Error() }

// Unwrap returns the problem.
func (e *ConfigError) Unwrap() error { return e.Err }

// placeholderRE matches a {setting} placeholder.
var placeholderRE = regexp.MustCompile(`\{[A-Za-z_][A-Za-z0-9_.-]*\}`)

// Placeholders returns the setting names the Config's strings refer to, by
// JSON field name.
func (c Config) Placeholders() map[string][]string {
	out := map[string][]string{}
	for field, s := range map[string]string{"url": c.URL, "bind_dn": c.BindDN, "bind_password": c.BindPassword, "base_dn": c.BaseDN, "filter": c.Filter} {
		for _, m := range placeholderRE.FindAllString(s, -1) {
			out[field] = append(out[field], m[1:len(m)-1])
		}
	}
	return out
}

// Expand returns c with every {placeholder} in its strings replaced by
// value(name). Values are inserted verbatim except in Filter, where they
// are escaped (RFC 4515), so a setting cannot change the filter's shape.
func (c Config) Expand(value func(name string) string) Config {
	fill := func(s string, esc func(string) string) string {
		return placeholderRE.ReplaceAllStringFunc(s, func(m string) string { return esc(value(m[1 : len(m)-1])) })
	}
	same := func(s string) string { return s }
	c.URL = fill(c.URL, same)
	c.BindDN = fill(c.BindDN, same)
	c.BindPassword = fill(c.BindPassword, same)
	c.BaseDN = fill(c.BaseDN, same)
	c.Filter = fill(c.Filter, ldap.EscapeFilter)
	return c
}

// Validate reports every problem in c at once, as an errors.Join of
// *ConfigError, each naming the JSON key. Placeholders are allowed in
// url, bind_dn, bind_password, base_dn and filter and are checked with a
// sample value in their place. It returns nil when c can be searched.
func (c Config) Validate() error {
	var errs []error
	add := func(field, format string, args ...any) {
		errs = append(errs, &ConfigError{Field: field, Err: fmt.Errorf(format, args...)})
	}
	sample := c.Expand(func(string) string { return "x" })
	switch {
	case strings.TrimSpace(c.URL) == "":
		add("url", "missing: ldaps://host:636, or ldap://host:389 (upgraded with StartTLS)")
	default:
		// A placeholder after the host's colon stands for a port.
		u := placeholderRE.ReplaceAllStringFunc(strings.ReplaceAll(c.URL, "://{", "://x{"), func(string) string { return "\x00" })
		u = strings.ReplaceAll(strings.ReplaceAll(u, ":\x00", ":1"), "\x00", "")
		if _, err := checkURL(u, c.StartTLS, true); err != nil {
			errs = append(errs, &ConfigError{Field: "url", Err: err})
		}
	}
	if c.StartTLS != nil && strings.HasPrefix(strings.ToLower(c.URL), "ldaps:") {
		add("start_tls", "not used with ldaps:// (TLS from the first byte)")
	}
	if c.BindPassword != "" {
		if m := placeholderRE.FindString(c.BindPassword); m != c.BindPassword {
			add("bind_password", "must be a single {placeholder} naming a secret setting, never the password itself")
		}
		if c.BindDN == "" {
			add("bind_password", "needs bind_dn")
		}
	}
	if strings.TrimSpace(c.BaseDN) == "" {
		add("base_dn", "missing: where the search starts (DC=corp,DC=example,DC=com)")
	} else if _, err := ldap.ParseDN(sample.BaseDN); err != nil {
		// A placeholder may stand for a whole DN or for one value.
		if _, err2 := ldap.ParseDN(placeholderRE.ReplaceAllString(c.BaseDN, "DC=x")); err2 != nil {
			add("base_dn", "not a DN: %v", err)
		}
	}
	if c.Filter != "" {
		if _, err := ldap.CompileFilter(sample.Filter); err != nil {
			add("filter", "invalid search filter %q: %v", c.Filter, filterProblem(err))
		}
	}
	if _, err := scope(c.Scope); err != nil {
		errs = append(errs, &ConfigError{Field: "scope", Err: err})
	}
	seen := map[string]bool{}
	for i, a := range c.Attributes {
		switch {
		case !validAttr(a):
			add(fmt.Sprintf("attributes[%d]", i), "%q is not an attribute name", a)
		case seen[strings.ToLower(a)]:
			add(fmt.Sprintf("attributes[%d]", i), "%q is listed twice", a)
		}
		seen[strings.ToLower(a)] = true
	}
	if c.PageSize < 0 || c.PageSize > MaxPageSize {
		add("page_size", "must be 1 to %d (Active Directory's MaxPageSize), got %d", MaxPageSize, c.PageSize)
	}
	if c.SizeLimit < 0 {
		add("size_limit", "must not be negative, got %d", c.SizeLimit)
	}
	if _, err := timeLimit(c.TimeLimit); err != nil {
		errs = append(errs, &ConfigError{Field: "time_limit", Err: err})
	}
	for _, l := range []struct {
		name string
		list []string
	}{{"guid_attributes", c.GUIDAttributes}, {"binary_attributes", c.BinaryAttributes}} {
		for i, a := range l.list {
			if !validAttr(a) {
				add(fmt.Sprintf("%s[%d]", l.name, i), "%q is not an attribute name", a)
			}
		}
	}
	return errors.Join(errs...)
}

// validAttr reports whether a is an attribute description (a name or an
// OID, with options such as ";binary").
func validAttr(a string) bool {
	if a == "" || a == "*" || a == "+" {
		return a != ""
	}
	for i := 0; i < len(a); i++ {
		ch := a[i]
		if !(ch == '-' || ch == ';' || ch == '.' || ch >= '0' && ch <= '9' || ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z') {
			return false
		}
	}
	return true
}

func filterProblem(err error) string {
	var le *ldap.Error
	if errors.As(err, &le) && le.Err != nil {
		return le.Err.Error()
	}
	return err.Error()
}

func scope(s string) (int, error) {
	switch s {
	case "", "sub":
		return ldap.ScopeWholeSubtree, nil
	case "one":
		return ldap.ScopeSingleLevel, nil
	case "base":
		return ldap.ScopeBaseObject, nil
	}
	return 0, fmt.Errorf("unknown scope %q (want sub, one or base)", s)
}

func timeLimit(s string) (int, error) {
	if s == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < time.Second || d%time.Second != 0 {
		return 0, fmt.Errorf("%q is not a whole number of seconds like \"60s\"", s)
	}
	return int(d / time.Second), nil
}

// checkURL parses an LDAP URL and applies the transport rules: ldaps, or
// ldap with StartTLS, or plain ldap to a loopback host. sample allows the
// placeholder host "x".
func checkURL(raw string, startTLS *bool, sample bool) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("not a URL: %v", err)
	}
	if u.User != nil {
		return nil, errors.New("credentials in the URL (user info): use bind_dn and bind_password")
	}
	if u.Host == "" {
		return nil, fmt.Errorf("%q has no host (want ldaps://host:636 or ldap://host:389)", raw)
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
		return nil, errors.New("only scheme, host and port: base_dn, filter and attributes have their own keys")
	}
	switch u.Scheme {
	case "ldaps":
	case "ldap":
		if startTLS != nil && !*startTLS && !loopback(u.Hostname()) && !(sample && u.Hostname() == "x") {
			return nil, fmt.Errorf("plain LDAP without TLS is allowed only to a loopback host, not %q: use ldaps:// or StartTLS", u.Hostname())
		}
	default:
		return nil, fmt.Errorf("unsupported scheme %q (want ldaps or ldap)", u.Scheme)
	}
	return u, nil
}

func loopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Clone returns a deep copy of c: no slice or pointer is shared with c.
// A nil c gives nil.
func (c *Config) Clone() *Config {
	if c == nil {
		return nil
	}
	d := *c
	if c.StartTLS != nil {
		v := *c.StartTLS
		d.StartTLS = &v
	}
	d.Attributes = slices.Clone(c.Attributes)
	d.GUIDAttributes = slices.Clone(c.GUIDAttributes)
	d.BinaryAttributes = slices.Clone(c.BinaryAttributes)
	return &d
}
