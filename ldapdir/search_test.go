package ldapdir_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/saasconnect/saasconnect/internal/ldaptest"
	"github.com/saasconnect/saasconnect/internal/transport"
	"github.com/saasconnect/saasconnect/ldapdir"
)

var now = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

const (
	bindDN   = "CN=svc-saas,OU=Service,DC=corp,DC=example,DC=com"
	password = "s3cret-Passw0rd"
	base     = "DC=corp,DC=example,DC=com"
)

func adServer(t *testing.T, n int, opts ldaptest.Options) *ldaptest.Server {
	t.Helper()
	opts.BindDN, opts.Password = bindDN, password
	return ldaptest.Start(t, ldaptest.ADUsers(n, now), opts)
}

func search(s *ldaptest.Server, pageSize int) *ldapdir.Search {
	f := false
	return &ldapdir.Search{
		Config: ldapdir.Config{
			URL: s.URL, StartTLS: &f, BindDN: bindDN, BaseDN: base,
			Filter:         "(&(objectCategory=person)(objectClass=user)(!(objectClass=computer)))",
			Attributes:     []string{"sAMAccountName", "mail", "objectGUID", "userAccountControl", "memberOf", "displayName"},
			GUIDAttributes: []string{"objectGUID"},
			PageSize:       pageSize,
		},
		Password: password,
		Retry:    ldapdir.Retry{MaxAttempts: 3, MinWait: time.Microsecond, MaxWait: time.Microsecond},
	}
}

// walk collects every record and the number of pages.
func walk(t *testing.T, ctx context.Context, s *ldapdir.Search) (recs []map[string]any, pages int, err error) {
	t.Helper()
	for p, err := range s.Pages(ctx) {
		if err != nil {
			return recs, pages, err
		}
		pages++
		if p.Number != pages {
			t.Errorf("page number %d, want %d", p.Number, pages)
		}
		if (pages == 1) != (p.Position == nil) {
			t.Errorf("page %d position %q", pages, p.Position)
		}
		for _, r := range p.Records {
			recs = append(recs, r.(map[string]any))
		}
	}
	return recs, pages, nil
}

func TestPaging(t *testing.T) {
	t.Parallel()
	tests := []struct {
		entries, pageSize int
		wantPages         int
		wantUsers         int // entries minus the computer accounts
	}{
		{1500, 1000, 2, 1485},
		{1500, 0, 2, 1485},   // default page size 1000
		{1500, 5000, 0, 0},   // rejected: above MaxPageSize (checked by Validate)
		{1000, 1000, 1, 990}, // the last page's cookie is empty
		{250, 100, 3, 248},
	}
	for _, tc := range tests {
		srv := adServer(t, tc.entries, ldaptest.Options{})
		s := search(srv, tc.pageSize)
		if err := s.Config.Validate(); err != nil {
			if tc.wantPages != 0 {
				t.Errorf("page size %d: %v", tc.pageSize, err)
			}
			continue
		}
		var st transport.Stats
		recs, pages, err := walk(t, transport.WithStats(t.Context(), &st), s)
		if err != nil {
			t.Fatalf("%d entries, page size %d: %v", tc.entries, tc.pageSize, err)
		}
		if pages != tc.wantPages || len(recs) != tc.wantUsers || srv.Searches() != tc.wantPages || st.Snapshot().Requests != tc.wantPages {
			t.Errorf("%d entries, page size %d: %d pages, %d records, %d searches, %d requests counted; want %d pages, %d records",
				tc.entries, tc.pageSize, pages, len(recs), srv.Searches(), st.Snapshot().Requests, tc.wantPages, tc.wantUsers)
		}
		if srv.Binds() != 1 {
			t.Errorf("%d binds, want 1", srv.Binds())
		}
	}
}

func TestRecords(t *testing.T) {
	t.Parallel()
	srv := adServer(t, 100, ldaptest.Options{})
	recs, _, err := walk(t, t.Context(), search(srv, 1000))
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]map[string]any{}
	for _, r := range recs {
		byName[r["sAMAccountName"].(string)] = r
	}
	_, guid := ldaptest.ADGUID(4)
	u4 := byName["user4"]
	if u4["objectGUID"] != guid || u4["dn"] != "CN=User 4,OU=Staff,DC=corp,DC=example,DC=com" || u4["userAccountControl"] != "512" {
		t.Errorf("user4 = %v; want objectGUID %s, its DN, userAccountControl 512", u4, guid)
	}
	if groups, ok := u4["memberOf"].([]any); !ok || len(groups) != 2 {
		t.Errorf("user4 memberOf = %#v, want two groups", u4["memberOf"])
	}
	if g := byName["user5"]["memberOf"]; g != "CN=All-Staff,OU=Groups,DC=corp,DC=example,DC=com" {
		t.Errorf("user5 memberOf = %#v, want the single group as a string", g)
	}
	if m, ok := byName["user45"]["mail"].([]any); !ok || len(m) != 2 || m[0] != "user45@corp.example.com" {
		t.Errorf("user45 mail = %#v, want two values", byName["user45"]["mail"])
	}
	if d := byName["user33"]["displayName"]; d != "Zoë Ångström-Øre" {
		t.Errorf("user33 displayName = %q", d)
	}
	if _, ok := byName["WS58$"]; ok {
		t.Error("the computer account passed the filter")
	}
	if _, ok := u4["givenName"]; ok {
		t.Error("an attribute not asked for came back")
	}
}

func TestFormatGUID(t *testing.T) {
	t.Parallel()
	// Microsoft's example: bytes as stored, string as Windows prints it.
	b := []byte{0x3f, 0x25, 0x04, 0xdb, 0x6e, 0x23, 0x9d, 0x4c, 0x9f, 0x1c, 0x0e, 0x3b, 0x5a, 0x7c, 0x11, 0xd4}
	if got, want := ldapdir.FormatGUID(b), "db04253f-236e-4c9d-9f1c-0e3b5a7c11d4"; got != want {
		t.Errorf("FormatGUID = %s, want %s", got, want)
	}
	if got := ldapdir.FormatGUID([]byte{0xab, 0x01}); got != "ab01" {
		t.Errorf("FormatGUID(2 bytes) = %s", got)
	}
}

func TestDroppedConnectionIsRetried(t *testing.T) {
	t.Parallel()
	// 250 entries (2 computers) at page size 100, the connection dropped 30
	// entries into page 2.
	srv := adServer(t, 250, ldaptest.Options{DropAfter: 30, DropPage: 2})
	var st transport.Stats
	recs, pages, err := walk(t, transport.WithStats(t.Context(), &st), search(srv, 100))
	if err != nil {
		t.Fatal(err)
	}
	snap := st.Snapshot()
	// Page 2 is asked again with its cookie on a new connection.
	if pages != 3 || len(recs) != 248 || snap.Retries != 1 || snap.Requests != 4 || srv.Binds() != 2 {
		t.Errorf("%d pages, %d records, %d retries, %d requests, %d binds; want 3, 248, 1, 4, 2", pages, len(recs), snap.Retries, snap.Requests, srv.Binds())
	}
	seen := map[string]bool{}
	for _, r := range recs {
		if seen[r["dn"].(string)] {
			t.Fatalf("%s yielded twice", r["dn"])
		}
		seen[r["dn"].(string)] = true
	}
}

func TestDroppedConnectionGivesUp(t *testing.T) {
	t.Parallel()
	srv := adServer(t, 50, ldaptest.Options{DropAfter: 10})
	s := search(srv, 1000)
	s.Retry.MaxAttempts = 1
	_, _, err := walk(t, t.Context(), s)
	var le *ldapdir.Error
	if !errors.As(err, &le) || le.Op != ldapdir.OpSearch || !le.Transient() {
		t.Fatalf("error %v, want a transient *ldapdir.Error of the search", err)
	}
}

func TestInvalidCredentialsAreNotRetried(t *testing.T) {
	t.Parallel()
	for _, reject := range []bool{true, false} {
		srv := adServer(t, 10, ldaptest.Options{RejectBind: reject})
		s := search(srv, 1000)
		if !reject {
			s.Password = "wrong"
		}
		var st transport.Stats
		_, _, err := walk(t, transport.WithStats(t.Context(), &st), s)
		var le *ldapdir.Error
		if !errors.Is(err, ldapdir.ErrInvalidCredentials) || !errors.As(err, &le) || le.Op != ldapdir.OpBind || le.Code != 49 {
			t.Fatalf("error %v, want invalid credentials on bind", err)
		}
		if srv.Binds() != 1 || st.Snapshot().Retries != 0 || srv.Searches() != 0 {
			t.Errorf("%d binds, %d retries, %d searches; want 1, 0, 0", srv.Binds(), st.Snapshot().Retries, srv.Searches())
		}
		if strings.Contains(err.Error(), s.Password.Reveal()) {
			t.Errorf("error %q holds the password", err)
		}
		if !strings.Contains(err.Error(), "Invalid Credentials") {
			t.Errorf("error %q does not say invalid credentials", err)
		}
	}
}

func TestCancelBetweenPages(t *testing.T) {
	t.Parallel()
	srv := adServer(t, 2500, ldaptest.Options{})
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var err error
	pages := 0
	for _, e := range search(srv, 1000).Pages(ctx) {
		if e != nil {
			err = e
			break
		}
		pages++
		cancel()
	}
	if !errors.Is(err, context.Canceled) || pages != 1 || srv.Searches() != 1 {
		t.Errorf("after cancelling on page 1: error %v, %d pages, %d searches; want context.Canceled, 1, 1", err, pages, srv.Searches())
	}
}

func TestBreakStops(t *testing.T) {
	t.Parallel()
	srv := adServer(t, 2500, ldaptest.Options{})
	for range search(srv, 1000).Pages(t.Context()) {
		break
	}
	if srv.Searches() != 1 {
		t.Errorf("%d searches after break, want 1", srv.Searches())
	}
}

func TestSearchErrors(t *testing.T) {
	t.Parallel()
	srv := adServer(t, 10, ldaptest.Options{})
	tests := []struct {
		name   string
		edit   func(*ldapdir.Search)
		code   uint16
		is     error
		op     ldapdir.Op
		retry  bool
		substr string
	}{
		{"base DN not found", func(s *ldapdir.Search) { s.Config.BaseDN = "OU=Nope,DC=other,DC=com" }, 32, ldapdir.ErrNoSuchObject, ldapdir.OpSearch, false, "No Such Object"},
		{"size limit", func(s *ldapdir.Search) { s.Config.SizeLimit = 3 }, 4, nil, ldapdir.OpSearch, false, "Size Limit Exceeded"},
		{"connection refused", func(s *ldapdir.Search) { s.Config.URL = "ldap://127.0.0.1:1" }, 200, nil, ldapdir.OpConnect, true, "connect"},
		{"filter syntax", func(s *ldapdir.Search) { s.Config.Filter = "(objectClass=user" }, 201, nil, ldapdir.OpSearch, false, "Filter Compile Error"},
	}
	for _, tc := range tests {
		s := search(srv, 1000)
		s.Retry.MaxAttempts = 1
		tc.edit(s)
		_, _, err := walk(t, t.Context(), s)
		var le *ldapdir.Error
		if !errors.As(err, &le) || le.Code != tc.code || le.Op != tc.op || le.Transient() != tc.retry || (tc.is != nil && !errors.Is(err, tc.is)) || !strings.Contains(err.Error(), tc.substr) {
			t.Errorf("%s: error %v (%#v), want code %d on %s, transient %v, mentioning %q", tc.name, err, le, tc.code, tc.op, tc.retry, tc.substr)
		}
	}
}

func TestTLS(t *testing.T) {
	t.Parallel()
	cfg, caPEM := ldaptest.Certificate(t)
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(caPEM)
	trusted := &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}

	ldaps := adServer(t, 5, ldaptest.Options{TLS: cfg})
	starttls := adServer(t, 5, ldaptest.Options{StartTLS: cfg})
	tests := []struct {
		name    string
		srv     *ldaptest.Server
		tls     *tls.Config
		plain   bool
		wantErr ldapdir.Op
	}{
		{"ldaps with ca", ldaps, trusted, false, ""},
		{"ldaps unknown CA", ldaps, nil, false, ldapdir.OpConnect},
		{"starttls with ca", starttls, trusted, false, ""},
		{"starttls unknown CA", starttls, nil, false, ldapdir.OpStartTLS},
	}
	for _, tc := range tests {
		s := search(tc.srv, 1000)
		s.Config.StartTLS = nil
		s.TLS = tc.tls
		recs, _, err := walk(t, t.Context(), s)
		var le *ldapdir.Error
		var uae x509.UnknownAuthorityError
		switch {
		case tc.wantErr == "" && (err != nil || len(recs) != 5):
			t.Errorf("%s: %d records, error %v", tc.name, len(recs), err)
		case tc.wantErr != "" && (!errors.As(err, &le) || le.Op != tc.wantErr || !errors.As(err, &uae) || le.Transient()):
			t.Errorf("%s: error %v, want an unknown-authority failure on %s, not retried", tc.name, err, tc.wantErr)
		}
	}
}

func TestSearchPrintsNoPassword(t *testing.T) {
	t.Parallel()
	s := &ldapdir.Search{Config: ldapdir.Config{URL: "ldaps://dc1", BindDN: bindDN}, Password: password}
	for _, out := range []string{fmt.Sprintf("%v", s), fmt.Sprintf("%+v", *s), fmt.Sprintf("%#v", s)} {
		if strings.Contains(out, password) {
			t.Errorf("printed search holds the password: %s", out)
		}
	}
}
