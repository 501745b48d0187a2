// Package ldaptest is an in-process LDAP directory on loopback for tests:
// a github.com/jimlambrt/gldap server with simple binds, a search that
// evaluates RFC 4515 filters (with Active Directory's bitwise matching
// rules) over a Directory, the Simple Paged Results control (RFC 2696),
// size limits, ldaps and StartTLS, and injected faults: a bind that is
// always refused and a connection dropped in the middle of a search.
//
// Clients connect through a loopback proxy the package owns, which is how
// the faults and ldaps are done without touching the server.
package ldaptest

import (
	"bufio"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	ber "github.com/go-asn1-ber/asn1-ber"
	"github.com/go-ldap/ldap/v3"
	"github.com/hashicorp/go-hclog"
	"github.com/jimlambrt/gldap"
)

// Entry is one directory entry. Attribute names are matched
// case-insensitively; values are raw bytes held in strings (objectGUID).
type Entry struct {
	DN         string
	Attributes map[string][]string
}

// Directory is what the server searches: entries by index, so large
// directories can be generated on demand without being held in memory.
type Directory interface {
	Len() int
	Entry(i int) Entry
}

// Entries is a Directory held in memory.
type Entries []Entry

// Len returns the number of entries.
func (e Entries) Len() int { return len(e) }

// Entry returns entry i.
func (e Entries) Entry(i int) Entry { return e[i] }

// Generated is a Directory of N entries made by Make on each access.
type Generated struct {
	N    int
	Make func(i int) Entry
}

// Len returns N.
func (g Generated) Len() int { return g.N }

// Entry returns Make(i).
func (g Generated) Entry(i int) Entry { return g.Make(i) }

// Options configure a Server.
type Options struct {
	// Suffix is the naming context; a search base must be it, an entry, or
	// an ancestor of an entry below it. Default "DC=corp,DC=example,DC=com".
	Suffix string
	// BindDN and Password are the one account that may bind; with both
	// empty every simple bind succeeds.
	BindDN, Password string
	// RejectBind refuses every bind with invalidCredentials (49).
	RejectBind bool
	// TLS makes the server speak ldaps (TLS from the first byte).
	TLS *tls.Config
	// StartTLS enables the StartTLS extended operation with this config.
	StartTLS *tls.Config
	// DropAfter, when positive, drops the client's connection once, in the
	// middle of the DropPage'th search request (1-based, default 1), after
	// that many entries were sent.
	DropAfter int
	DropPage  int
	// MaxPageSize caps the paged results page size (Active Directory's
	// MaxPageSize, default 1000).
	MaxPageSize int
}

// Server is a running directory.
type Server struct {
	// URL is the client's address: ldap://127.0.0.1:port (ldaps:// with
	// Options.TLS).
	URL string

	dir      Directory
	opts     Options
	srv      *gldap.Server
	backend  string
	ln       net.Listener
	searches atomic.Int64
	binds    atomic.Int64
	dropped  atomic.Bool
	mu       sync.Mutex
	conns    map[net.Conn]struct{}
	wg       sync.WaitGroup
}

// Start starts a server on loopback serving dir; t.Cleanup stops it.
func Start(t testing.TB, dir Directory, opts Options) *Server {
	t.Helper()
	if opts.Suffix == "" {
		opts.Suffix = "DC=corp,DC=example,DC=com"
	}
	if opts.MaxPageSize == 0 {
		opts.MaxPageSize = 1000
	}
	if opts.DropPage == 0 {
		opts.DropPage = 1
	}
	s := &Server{dir: dir, opts: opts, conns: map[net.Conn]struct{}{}}
	mux, err := gldap.NewMux()
	if err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(mux.Bind(s.bind))
	must(mux.Search(s.search))
	if opts.StartTLS != nil {
		must(mux.ExtendedOperation(s.startTLS, gldap.ExtendedOperationStartTLS))
	}
	must(mux.DefaultRoute(func(w *gldap.ResponseWriter, r *gldap.Request) {
		_ = w.Write(r.NewResponse(gldap.WithResponseCode(gldap.ResultUnwillingToPerform)))
	}))
	quiet := hclog.New(&hclog.LoggerOptions{Output: io.Discard, Level: hclog.Off})
	s.srv, err = gldap.NewServer(gldap.WithLogger(quiet))
	must(err)
	must(s.srv.Router(mux))
	s.backend = s.runBackend(t)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	must(err)
	scheme := "ldap"
	if opts.TLS != nil {
		ln = tls.NewListener(ln, opts.TLS)
		scheme = "ldaps"
	}
	s.ln = ln
	s.URL = scheme + "://" + ln.Addr().String()
	s.wg.Add(1)
	go s.accept()
	t.Cleanup(s.Close)
	return s
}

// runBackend starts gldap on a free loopback port and waits until it
// serves; a port taken in between is tried again.
func (s *Server) runBackend(t testing.TB) string {
	for range 20 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close()
		errc := make(chan error, 1)
		go func() { errc <- s.srv.Run(addr) }()
		for {
			select {
			case <-errc:
			default:
				if s.srv.Ready() {
					return addr
				}
				time.Sleep(time.Millisecond)
				continue
			}
			break
		}
	}
	t.Fatal("ldaptest: no free port for the directory")
	return ""
}

// Close stops the server and drops every connection.
func (s *Server) Close() {
	s.ln.Close()
	s.dropAll()
	s.wg.Wait()
	_ = s.srv.Stop()
}

// Searches returns how many search requests (pages) the server answered.
func (s *Server) Searches() int { return int(s.searches.Load()) }

// Binds returns how many binds the server received.
func (s *Server) Binds() int { return int(s.binds.Load()) }

// Host returns the client address's host:port.
func (s *Server) Host() string { return s.ln.Addr().String() }

func (s *Server) accept() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		b, err := net.Dial("tcp", s.backend)
		if err != nil {
			c.Close()
			continue
		}
		s.mu.Lock()
		s.conns[c], s.conns[b] = struct{}{}, struct{}{}
		s.mu.Unlock()
		s.wg.Add(2)
		pipe := func(dst, src net.Conn) {
			defer s.wg.Done()
			_, _ = io.Copy(dst, src)
			dst.Close()
			src.Close()
			s.mu.Lock()
			delete(s.conns, dst)
			delete(s.conns, src)
			s.mu.Unlock()
		}
		go pipe(b, c)
		go pipe(c, b)
	}
}

func (s *Server) dropAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.conns {
		c.Close()
	}
}

func (s *Server) bind(w *gldap.ResponseWriter, r *gldap.Request) {
	s.binds.Add(1)
	resp := r.NewBindResponse(gldap.WithResponseCode(gldap.ResultInvalidCredentials))
	defer func() { _ = w.Write(resp) }()
	m, err := r.GetSimpleBindMessage()
	if err != nil || s.opts.RejectBind {
		resp.SetDiagnosticMessage("80090308: LdapErr: DSID-0C09044E, comment: AcceptSecurityContext error, data 52e, v4563")
		return
	}
	if s.opts.BindDN == "" && s.opts.Password == "" {
		resp.SetResultCode(gldap.ResultSuccess)
		return
	}
	if strings.EqualFold(m.UserName, s.opts.BindDN) && string(m.Password) == s.opts.Password {
		resp.SetResultCode(gldap.ResultSuccess)
		return
	}
	resp.SetDiagnosticMessage("80090308: LdapErr: DSID-0C09044E, comment: AcceptSecurityContext error, data 52e, v4563")
}

func (s *Server) startTLS(w *gldap.ResponseWriter, r *gldap.Request) {
	resp := r.NewExtendedResponse(gldap.WithResponseCode(gldap.ResultSuccess))
	resp.SetResponseName(gldap.ExtendedOperationStartTLS)
	_ = w.Write(resp)
	_ = r.StartTLS(s.opts.StartTLS)
}

func (s *Server) search(w *gldap.ResponseWriter, r *gldap.Request) {
	n := s.searches.Add(1)
	done := r.NewSearchDoneResponse(gldap.WithResponseCode(gldap.ResultSuccess))
	m, err := r.GetSearchMessage()
	if err != nil {
		done.SetResultCode(gldap.ResultProtocolError)
		_ = w.Write(done)
		return
	}
	if !s.baseExists(m.BaseDN, m.Controls) {
		done.SetResultCode(gldap.ResultNoSuchObject)
		done.SetMatchedDN(s.opts.Suffix)
		done.SetDiagnosticMessage("0000208D: NameErr: DSID-03100241, problem 2001 (NO_OBJECT), data 0, best match of:\n\t'" + s.opts.Suffix + "'")
		_ = w.Write(done)
		return
	}
	f, err := ldap.CompileFilter(m.Filter)
	if err != nil {
		done.SetResultCode(87) // filterError
		_ = w.Write(done)
		return
	}
	start, size := 0, s.dir.Len()+1
	var paging *gldap.ControlPaging
	for _, c := range m.Controls {
		if p, ok := c.(*gldap.ControlPaging); ok {
			paging = p
		}
	}
	if paging != nil {
		size = min(int(paging.PagingSize), s.opts.MaxPageSize)
		if len(paging.Cookie) > 0 {
			if start, err = strconv.Atoi(string(paging.Cookie)); err != nil || start < 0 || start > s.dir.Len() {
				done.SetResultCode(gldap.ResultUnwillingToPerform)
				done.SetDiagnosticMessage("invalid paging cookie")
				_ = w.Write(done)
				return
			}
		}
	}
	sent, i := 0, start
	for ; i < s.dir.Len() && sent < size; i++ {
		e := s.dir.Entry(i)
		if !inScope(e.DN, m.BaseDN, m.Scope) || !match(f, e) {
			continue
		}
		if m.SizeLimit > 0 && int64(sent) >= m.SizeLimit {
			done.SetResultCode(gldap.ResultSizeLimitExceeded)
			_ = w.Write(done)
			return
		}
		entry := r.NewSearchResponseEntry(e.DN)
		for name, vals := range selectAttrs(e, m.Attributes) {
			entry.AddAttribute(name, vals)
		}
		if err := w.Write(entry); err != nil {
			return
		}
		sent++
		if s.opts.DropAfter > 0 && int(n) == s.opts.DropPage && sent == s.opts.DropAfter && s.dropped.CompareAndSwap(false, true) {
			s.dropAll()
			return
		}
	}
	if paging != nil {
		// The cookie is the index of the next matching entry; none: the
		// search is complete.
		var next []byte
		for ; i < s.dir.Len(); i++ {
			if e := s.dir.Entry(i); inScope(e.DN, m.BaseDN, m.Scope) && match(f, e) {
				next = []byte(strconv.Itoa(i))
				break
			}
		}
		ctl, _ := gldap.NewControlPaging(paging.PagingSize)
		ctl.Cookie = next
		done.SetControls(ctl)
	}
	_ = w.Write(done)
}

// baseExists reports whether base is the suffix, an entry, or an ancestor
// of one.
func (s *Server) baseExists(base string, controls []gldap.Control) bool {
	for _, c := range controls {
		if p, ok := c.(*gldap.ControlPaging); ok && len(p.Cookie) > 0 {
			return true // checked on the first page
		}
	}
	b := strings.ToLower(base)
	if b == strings.ToLower(s.opts.Suffix) {
		return true
	}
	for i := range s.dir.Len() {
		dn := strings.ToLower(s.dir.Entry(i).DN)
		if dn == b || strings.HasSuffix(dn, ","+b) {
			return true
		}
		if i > 10000 {
			break // large generated directories live under the suffix
		}
	}
	return false
}

func inScope(dn, base string, scope gldap.Scope) bool {
	d, b := strings.ToLower(dn), strings.ToLower(base)
	switch scope {
	case gldap.BaseObject:
		return d == b
	case gldap.SingleLevel:
		_, parent, _ := strings.Cut(d, ",")
		return parent == b
	}
	return d == b || strings.HasSuffix(d, ","+b)
}

func selectAttrs(e Entry, want []string) map[string][]string {
	if len(want) == 0 || (len(want) == 1 && want[0] == "*") {
		return e.Attributes
	}
	out := map[string][]string{}
	for _, w := range want {
		for name, vals := range e.Attributes {
			if strings.EqualFold(name, w) {
				out[name] = vals
			}
		}
	}
	return out
}

func values(e Entry, attr string) []string {
	for name, vals := range e.Attributes {
		if strings.EqualFold(name, attr) {
			return vals
		}
	}
	return nil
}

// match evaluates a compiled RFC 4515 filter on e. Equality and
// substrings are case-insensitive; objectCategory=person also matches
// Active Directory's stored DN CN=Person,CN=Schema,...; the extensible
// matching rules 1.2.840.113556.1.4.803 (bitwise AND) and .804 (OR) test
// integer attributes.
func match(f *ber.Packet, e Entry) bool {
	switch f.Tag {
	case ldap.FilterAnd:
		for _, c := range f.Children {
			if !match(c, e) {
				return false
			}
		}
		return true
	case ldap.FilterOr:
		for _, c := range f.Children {
			if match(c, e) {
				return true
			}
		}
		return false
	case ldap.FilterNot:
		return len(f.Children) == 1 && !match(f.Children[0], e)
	case ldap.FilterPresent:
		return len(values(e, f.Data.String())) > 0
	case ldap.FilterEqualityMatch, ldap.FilterApproxMatch:
		attr, want := f.Children[0].Data.String(), f.Children[1].Data.String()
		for _, v := range values(e, attr) {
			if strings.EqualFold(v, want) || strings.EqualFold(attr, "objectCategory") && strings.HasPrefix(strings.ToLower(v), "cn="+strings.ToLower(want)+",") {
				return true
			}
		}
		return false
	case ldap.FilterGreaterOrEqual, ldap.FilterLessOrEqual:
		attr, want := f.Children[0].Data.String(), f.Children[1].Data.String()
		for _, v := range values(e, attr) {
			a, err1 := strconv.ParseInt(v, 10, 64)
			b, err2 := strconv.ParseInt(want, 10, 64)
			cmp := strings.Compare(strings.ToLower(v), strings.ToLower(want))
			if err1 == nil && err2 == nil {
				cmp = int(max(min(a-b, 1), -1))
			}
			if f.Tag == ldap.FilterGreaterOrEqual && cmp >= 0 || f.Tag == ldap.FilterLessOrEqual && cmp <= 0 {
				return true
			}
		}
		return false
	case ldap.FilterSubstrings:
		attr := f.Children[0].Data.String()
		for _, v := range values(e, attr) {
			if substrings(strings.ToLower(v), f.Children[1].Children) {
				return true
			}
		}
		return false
	case ldap.FilterExtensibleMatch:
		var rule, attr, val string
		for _, c := range f.Children {
			switch c.Tag {
			case ldap.MatchingRuleAssertionMatchingRule:
				rule = c.Data.String()
			case ldap.MatchingRuleAssertionType:
				attr = c.Data.String()
			case ldap.MatchingRuleAssertionMatchValue:
				val = c.Data.String()
			}
		}
		mask, err := strconv.ParseInt(val, 10, 64)
		if err != nil {
			return false
		}
		for _, v := range values(e, attr) {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				continue
			}
			switch rule {
			case "1.2.840.113556.1.4.803":
				if n&mask == mask {
					return true
				}
			case "1.2.840.113556.1.4.804":
				if n&mask != 0 {
					return true
				}
			}
		}
		return false
	}
	return false
}

func substrings(v string, parts []*ber.Packet) bool {
	for i, p := range parts {
		s := strings.ToLower(p.Data.String())
		switch p.Tag {
		case ldap.FilterSubstringsInitial:
			if !strings.HasPrefix(v, s) {
				return false
			}
			v = v[len(s):]
		case ldap.FilterSubstringsAny:
			j := strings.Index(v, s)
			if j < 0 {
				return false
			}
			v = v[j+len(s):]
		case ldap.FilterSubstringsFinal:
			if !strings.HasSuffix(v, s) || i != len(parts)-1 {
				return false
			}
		}
	}
	return true
}

// ReadLDIF reads entries from an LDIF file (RFC 2849, the subset
// directories export): "dn:" starts an entry, "name: value" and
// "name:: base64" add values, a line starting with a space continues the
// previous one, "#" lines are comments, blank lines separate entries.
func ReadLDIF(path string) (Entries, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out Entries
	var cur *Entry
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, " ") && len(lines) > 0 {
			lines[len(lines)-1] += line[1:]
			continue
		}
		lines = append(lines, line)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	for n, line := range lines {
		if strings.HasPrefix(line, "#") || strings.HasPrefix(line, "version:") {
			continue
		}
		if strings.TrimSpace(line) == "" {
			cur = nil
			continue
		}
		name, val, ok := strings.Cut(line, ":")
		if !ok {
			return nil, fmt.Errorf("%s: line %d: no colon", path, n+1)
		}
		if strings.HasPrefix(val, ":") {
			b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(val[1:]))
			if err != nil {
				return nil, fmt.Errorf("%s: line %d: %v", path, n+1, err)
			}
			val = string(b)
		} else {
			val = strings.TrimPrefix(val, " ")
		}
		if strings.EqualFold(name, "dn") {
			out = append(out, Entry{DN: val, Attributes: map[string][]string{}})
			cur = &out[len(out)-1]
			continue
		}
		if cur == nil {
			return nil, fmt.Errorf("%s: line %d: attribute before dn", path, n+1)
		}
		cur.Attributes[name] = append(cur.Attributes[name], val)
	}
	if len(out) == 0 {
		return nil, errors.New(path + ": no entries")
	}
	return out, nil
}
