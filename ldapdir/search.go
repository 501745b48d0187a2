package ldapdir

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"iter"
	"log/slog"
	"net"
	"net/url"
	"strings"
	"syscall"
	"time"

	"github.com/go-ldap/ldap/v3"
	"github.com/saasconnect/saasconnect/auth"
	"github.com/saasconnect/saasconnect/internal/transport"
)

// Search is one configured paged search of a directory. Set its fields,
// then range over Pages; the zero Retry makes one attempt per request.
//
// A Search is safe for concurrent use once its fields are set: each Pages
// walk opens, binds and closes its own connection.
type Search struct {
	// Config is the ldap block with its placeholders filled (Config.Expand).
	Config Config
	// Password is the bind password (empty with an empty BindDN binds
	// anonymously). It never appears in errors, logs or %v output.
	Password auth.Secret
	// TLS is the TLS configuration for ldaps:// and StartTLS; nil trusts
	// the system roots. ServerName is set from the URL's host.
	TLS *tls.Config
	// Retry is the retry policy for transient failures.
	Retry Retry
	// Timeout caps each network round trip (dial, bind, one page);
	// 0 means none beyond the context's.
	Timeout time.Duration
	// Logger receives a warning per retry; nil discards them.
	Logger *slog.Logger
}

// Retry is the retry policy for transient failures: connection refused or
// reset, a connection dropped mid-search, a timeout, and the result codes
// busy (51) and unavailable (52). Invalid credentials (49) and every other
// result code are never retried. Attempts wait MinWait doubling up to
// MaxWait, with jitter, like the HTTP retries.
type Retry struct {
	MaxAttempts      int // attempts per request, including the first; 0 or 1: no retry
	MinWait, MaxWait time.Duration
}

// Page is one page of a paged search.
type Page struct {
	// Number is the page's 1-based number.
	Number int
	// Position is the paging cookie that requested the page (nil for the
	// first page): fetching it again with the same cookie gives the page
	// again, on servers (like Active Directory) whose cookies outlive the
	// connection.
	Position []byte
	// Records are the entries as map[string]any: "dn" holds the entry's
	// DN, each attribute its values: a string when it has one value, a
	// []any of strings when it has several (binary attributes rendered as
	// Config.GUIDAttributes and Config.BinaryAttributes say).
	Records []any
	// Referrals are the search continuation references the server sent;
	// they are not followed (another host would see the bind credentials).
	Referrals []string
}

// Op names the step of a search that failed.
type Op string

// The steps of a search.
const (
	OpConnect  Op = "connect"
	OpStartTLS Op = "starttls"
	OpBind     Op = "bind"
	OpSearch   Op = "search"
)

// Error is a failed step of a search: which step, the LDAP result code
// (0 for a network or TLS failure), the server's diagnostic message, and
// the cause. Its message holds no password.
type Error struct {
	Op         Op
	URL        string // scheme://host:port
	Code       uint16
	Diagnostic string
	Err        error
}

// Error returns "ldap <op> <url>: <cause>".
func (e *Error) Error() string {
	msg := fmt.Sprintf("ldap %s %s: ", e.Op, e.URL)
	switch {
	case e.Code != 0 && e.Code < ldap.ErrorNetwork:
		name := ldap.LDAPResultCodeMap[e.Code]
		msg += fmt.Sprintf("result code %d (%s)", e.Code, name)
		if e.Diagnostic != "" {
			msg += ": " + e.Diagnostic
		}
	default:
		msg += e.Err.Error()
	}
	return msg
}

// Unwrap returns the cause (a *ldap.Error, net error, TLS error, ...).
func (e *Error) Unwrap() error { return e.Err }

// ErrInvalidCredentials is matched (errors.Is) by an *Error whose bind was
// refused with result code 49.
var ErrInvalidCredentials = errors.New("ldapdir: invalid credentials")

// ErrNoSuchObject is matched by an *Error whose search found no base DN
// (result code 32).
var ErrNoSuchObject = errors.New("ldapdir: base DN not found")

// Is matches ErrInvalidCredentials and ErrNoSuchObject by result code.
func (e *Error) Is(target error) bool {
	switch target {
	case ErrInvalidCredentials:
		return e.Code == ldap.LDAPResultInvalidCredentials
	case ErrNoSuchObject:
		return e.Code == ldap.LDAPResultNoSuchObject
	}
	return false
}

// Transient reports whether the failure may go away on its own and is
// retried: a network failure or result code busy or unavailable.
func (e *Error) Transient() bool {
	switch e.Code {
	case ldap.LDAPResultBusy, ldap.LDAPResultUnavailable:
		return true
	case ldap.ErrorNetwork:
		// go-ldap reports a dropped connection as text ("unable to read
		// LDAP response packet: EOF"): every network error is transient
		// but a TLS failure or the context's end.
		return !tlsFailure(e.Err) && !errors.Is(e.Err, context.Canceled) && !errors.Is(e.Err, context.DeadlineExceeded)
	case 0:
		return transientNet(e.Err)
	}
	return false
}

func tlsFailure(err error) bool {
	var ce *tls.CertificateVerificationError
	var rh tls.RecordHeaderError
	var ae tls.AlertError
	var uae x509.UnknownAuthorityError
	var hne x509.HostnameError
	var cie x509.CertificateInvalidError
	return errors.As(err, &ce) || errors.As(err, &rh) || errors.As(err, &ae) ||
		errors.As(err, &uae) || errors.As(err, &hne) || errors.As(err, &cie)
}

func transientNet(err error) bool {
	var dns *net.DNSError
	switch {
	case tlsFailure(err):
		return false
	case errors.As(err, &dns):
		return dns.IsTemporary
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return false
	}
	var ne net.Error
	return errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) ||
		errors.As(err, &ne) || isLDAPNetwork(err)
}

func isLDAPNetwork(err error) bool {
	var le *ldap.Error
	return errors.As(err, &le) && le.ResultCode == ldap.ErrorNetwork
}

// conn is one bound connection.
type conn struct {
	*ldap.Conn
	stop func() bool // stops the context watch
}

func (c *conn) close() {
	c.stop()
	c.Close()
}

// Pages returns an iterator over the search's pages, in the server's order.
// It binds once, then sends one search request per page with the Simple
// Paged Results control (RFC 2696), the previous page's cookie as the
// position, until the server returns an empty cookie.
//
// A transient failure (see Retry) reconnects, binds again and asks for the
// same page again with the same cookie, up to Retry.MaxAttempts; each
// search round trip is counted as a request and each retry as a retry in
// the context's transport statistics. The context is checked between
// pages, and its end closes the connection, interrupting a page in flight.
//
// The iterator yields at most one error, last, with a zero Page: an *Error
// (or the context's error). Breaking out of the loop closes the connection.
// Pages are not retained: memory is flat in the number of entries.
func (s *Search) Pages(ctx context.Context) iter.Seq2[Page, error] {
	return func(yield func(Page, error) bool) {
		w, err := s.newWalk()
		if err != nil {
			yield(Page{}, err)
			return
		}
		defer w.close()
		var cookie []byte
		for n := 1; ; n++ {
			if err := ctx.Err(); err != nil {
				yield(Page{}, err)
				return
			}
			res, err := w.page(ctx, cookie)
			if err != nil {
				yield(Page{}, err)
				return
			}
			p := Page{Number: n, Position: cookie, Records: make([]any, len(res.Entries)), Referrals: res.Referrals}
			for i, e := range res.Entries {
				p.Records[i] = w.record(e)
			}
			cookie = nil
			if c, ok := ldap.FindControl(res.Controls, ldap.ControlTypePaging).(*ldap.ControlPaging); ok {
				cookie = c.Cookie
			}
			if !yield(p, nil) {
				return
			}
			if len(cookie) == 0 {
				return
			}
		}
	}
}

// walk is the state of one Pages walk.
type walk struct {
	s        *Search
	u        *url.URL
	scope    int
	limit    int
	kinds    map[string]attrKind // lower-cased name -> rendering
	names    map[string]string   // lower-cased name -> the configured spelling
	attrs    []string
	c        *conn
	pageSize uint32
}

type attrKind int

const (
	attrText attrKind = iota
	attrGUID
	attrBinary
)

func (s *Search) newWalk() (*walk, error) {
	cfg := s.Config
	u, err := checkURL(cfg.URL, cfg.StartTLS, false)
	if err != nil {
		return nil, &Error{Op: OpConnect, URL: cfg.URL, Err: err}
	}
	w := &walk{s: s, u: u, kinds: map[string]attrKind{}, names: map[string]string{}, attrs: cfg.Attributes}
	if w.scope, err = scope(cfg.Scope); err != nil {
		return nil, &Error{Op: OpSearch, URL: w.addr(), Err: err}
	}
	if w.limit, err = timeLimit(cfg.TimeLimit); err != nil {
		return nil, &Error{Op: OpSearch, URL: w.addr(), Err: err}
	}
	w.pageSize = uint32(cfg.PageSize)
	if w.pageSize == 0 {
		w.pageSize = DefaultPageSize
	}
	for _, a := range cfg.Attributes {
		w.names[strings.ToLower(a)] = a
	}
	for _, a := range cfg.GUIDAttributes {
		w.kinds[strings.ToLower(a)] = attrGUID
		w.names[strings.ToLower(a)] = a
	}
	for _, a := range cfg.BinaryAttributes {
		w.kinds[strings.ToLower(a)] = attrBinary
		w.names[strings.ToLower(a)] = a
	}
	return w, nil
}

func (w *walk) addr() string { return w.u.Scheme + "://" + w.u.Host }

func (w *walk) close() {
	if w.c != nil {
		w.c.close()
		w.c = nil
	}
}

// page fetches one page, reconnecting and retrying transient failures.
func (w *walk) page(ctx context.Context, cookie []byte) (*ldap.SearchResult, error) {
	policy := transport.Policy{MaxAttempts: w.s.Retry.MaxAttempts, MinWait: w.s.Retry.MinWait, MaxWait: w.s.Retry.MaxWait}
	for attempt := 1; ; attempt++ {
		res, err := w.tryPage(ctx, cookie)
		if err == nil {
			return res, nil
		}
		var le *Error
		if ctx.Err() != nil {
			return nil, fmt.Errorf("ldap %s: %w", w.addr(), ctx.Err())
		}
		if !errors.As(err, &le) || !le.Transient() || attempt >= policy.MaxAttempts {
			return nil, err
		}
		w.close()
		wait := policy.Backoff(attempt, nil)
		if w.s.Logger != nil {
			w.s.Logger.WarnContext(ctx, "retrying an LDAP request", "url", w.addr(), "op", string(le.Op), "attempt", attempt, "wait", wait, "error", le.Error())
		}
		transport.StatsFrom(ctx).Retried(wait)
		if transport.Sleep(ctx, wait) != nil {
			return nil, err
		}
	}
}

func (w *walk) tryPage(ctx context.Context, cookie []byte) (*ldap.SearchResult, error) {
	if w.c == nil {
		c, err := w.connect(ctx)
		if err != nil {
			return nil, err
		}
		w.c = c
	}
	cfg := w.s.Config
	filter := cfg.Filter
	if filter == "" {
		filter = "(objectClass=*)"
	}
	paging := ldap.NewControlPaging(w.pageSize)
	paging.SetCookie(cookie)
	req := ldap.NewSearchRequest(cfg.BaseDN, w.scope, ldap.NeverDerefAliases, cfg.SizeLimit, w.limit, false,
		filter, w.attrs, []ldap.Control{paging})
	transport.StatsFrom(ctx).Requested()
	res, err := w.c.Search(req)
	if err != nil {
		e := w.fail(OpSearch, err)
		if e.Code == 0 && w.c.IsClosing() {
			e.Code = ldap.ErrorNetwork // the connection dropped mid-search
		}
		return nil, e
	}
	return res, nil
}

// connect dials, upgrades with StartTLS when asked, and binds.
func (w *walk) connect(ctx context.Context) (*conn, error) {
	s := w.s
	tc := &tls.Config{MinVersion: tls.VersionTLS12}
	if s.TLS != nil {
		tc = s.TLS.Clone()
	}
	tc.ServerName = w.u.Hostname()
	d := &net.Dialer{Timeout: s.Timeout}
	lc, err := ldap.DialURL(w.u.String(), ldap.DialWithDialer(d), ldap.DialWithTLSConfig(tc))
	if err != nil {
		op := OpConnect
		return nil, w.fail(op, err)
	}
	if s.Timeout > 0 {
		lc.SetTimeout(s.Timeout)
	}
	c := &conn{Conn: lc, stop: context.AfterFunc(ctx, func() { lc.Close() })}
	if w.u.Scheme == "ldap" && (s.Config.StartTLS == nil || *s.Config.StartTLS) {
		vc, verr := verifying(tc)
		if err := lc.StartTLS(vc); err != nil {
			c.close()
			e := w.fail(OpStartTLS, err)
			if *verr != nil {
				e.Err = *verr // go-ldap keeps only the text of the handshake error
			}
			return nil, e
		}
	}
	if s.Config.BindDN == "" && s.Password == "" {
		err = lc.UnauthenticatedBind("")
	} else {
		_, err = lc.SimpleBind(&ldap.SimpleBindRequest{Username: s.Config.BindDN, Password: s.Password.Reveal()})
	}
	if err != nil {
		c.close()
		return nil, w.fail(OpBind, err)
	}
	return c, nil
}

// fail wraps err as an *Error for op, with the result code and the
// server's diagnostic message, scrubbed of the password.
func (w *walk) fail(op Op, err error) *Error {
	e := &Error{Op: op, URL: w.addr(), Err: err}
	var le *ldap.Error
	if errors.As(err, &le) {
		e.Code = le.ResultCode
		if le.Err != nil && le.ResultCode < ldap.ErrorNetwork {
			e.Diagnostic = le.Err.Error()
		}
		if le.ResultCode == ldap.ErrorNetwork && le.Err != nil {
			e.Err = le.Err
		}
	}
	if pw := w.s.Password.Reveal(); pw != "" && strings.Contains(e.Diagnostic, pw) {
		e.Diagnostic = strings.ReplaceAll(e.Diagnostic, pw, "[REDACTED]")
	}
	return e
}

// record turns an entry into the record the mapping reads.
func (w *walk) record(e *ldap.Entry) map[string]any {
	m := make(map[string]any, len(e.Attributes)+1)
	m["dn"] = e.DN
	for _, a := range e.Attributes {
		if len(a.ByteValues) == 0 {
			continue
		}
		lower := strings.ToLower(a.Name)
		name := a.Name
		if n, ok := w.names[lower]; ok {
			name = n
		}
		kind := w.kinds[lower]
		value := func(i int) string {
			switch kind {
			case attrGUID:
				return FormatGUID(a.ByteValues[i])
			case attrBinary:
				return base64.StdEncoding.EncodeToString(a.ByteValues[i])
			}
			return a.Values[i]
		}
		if len(a.ByteValues) == 1 {
			m[name] = value(0)
			continue
		}
		list := make([]any, len(a.ByteValues))
		for i := range list {
			list[i] = value(i)
		}
		m[name] = list
	}
	return m
}

// FormatGUID renders a 16-byte Active Directory GUID (objectGUID) as the
// canonical string Windows prints, "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx":
// the first three groups are stored little-endian, the last two in order.
// A value of another length is rendered in lower-case hex.
func FormatGUID(b []byte) string {
	const hexdig = "0123456789abcdef"
	if len(b) != 16 {
		out := make([]byte, 2*len(b))
		for i, c := range b {
			out[2*i], out[2*i+1] = hexdig[c>>4], hexdig[c&0xf]
		}
		return string(out)
	}
	order := [16]int{3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15}
	out := make([]byte, 0, 36)
	for i, j := range order {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			out = append(out, '-')
		}
		out = append(out, hexdig[b[j]>>4], hexdig[b[j]&0xf])
	}
	return string(out)
}

// verifying returns a copy of tc that verifies the server's certificate
// itself, as crypto/tls would (roots, intermediates, host name), and
// records the verification error, which go-ldap's StartTLS reports only as
// text.
func verifying(tc *tls.Config) (*tls.Config, *error) {
	verr := new(error)
	vc := tc.Clone()
	vc.InsecureSkipVerify = true // verified below, with the same rules
	vc.VerifyConnection = func(cs tls.ConnectionState) error {
		if len(cs.PeerCertificates) == 0 {
			*verr = errors.New("tls: the server sent no certificate")
			return *verr
		}
		opts := x509.VerifyOptions{Roots: tc.RootCAs, DNSName: tc.ServerName, Intermediates: x509.NewCertPool()}
		for _, c := range cs.PeerCertificates[1:] {
			opts.Intermediates.AddCert(c)
		}
		if _, err := cs.PeerCertificates[0].Verify(opts); err != nil {
			*verr = &tls.CertificateVerificationError{UnverifiedCertificates: cs.PeerCertificates, Err: err}
			return *verr
		}
		if tc.VerifyConnection != nil {
			return tc.VerifyConnection(cs)
		}
		return nil
	}
	return vc, verr
}
