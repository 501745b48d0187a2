package connector_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/saasconnect/saasconnect"
	"github.com/saasconnect/saasconnect/connector"
	"github.com/saasconnect/saasconnect/filter"
	"github.com/saasconnect/saasconnect/internal/ldaptest"
	"github.com/saasconnect/saasconnect/vendors"
)

var ldapNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

const (
	ldapBindDN   = "svc-saasconnect@corp.example.com"
	ldapPassword = "Corr3ct-Horse-Battery"
)

// adConnector returns a directory of n AD users over ldaps and a connector
// from the active-directory template pointed at it.
func adConnector(t testing.TB, n int, opts ldaptest.Options, edit func(*connector.Template, connector.Settings), copts ...connector.Option) (*ldaptest.Server, *connector.Connector) {
	t.Helper()
	certs, caPEM := ldaptest.Certificate(t)
	if opts.BindDN == "" {
		opts.BindDN, opts.Password = ldapBindDN, ldapPassword
	}
	opts.TLS = certs
	srv := ldaptest.Start(t, ldaptest.ADUsers(n, ldapNow), opts)
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, caPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	host, port, _ := strings.Cut(srv.Host(), ":")
	tmpl, err := vendors.Get("active-directory")
	if err != nil {
		t.Fatal(err)
	}
	s := connector.Settings{"host": host, "port": port, "base_dn": "DC=corp,DC=example,DC=com",
		"bind_dn": ldapBindDN, "password": ldapPassword, connector.CAFileSetting: caFile}
	if edit != nil {
		edit(&tmpl, s)
	}
	copts = append([]connector.Option{connector.WithClock(func() time.Time { return ldapNow }),
		connector.WithRetry(connector.RetryPolicy{MinWait: time.Microsecond, MaxWait: time.Microsecond})}, copts...)
	c, err := connector.New(tmpl, "ad", s, copts...)
	if err != nil {
		t.Fatal(err)
	}
	return srv, c
}

func TestLDAPRun(t *testing.T) {
	t.Parallel()
	srv, c := adConnector(t, 2500, ldaptest.Options{}, nil)
	byID := map[string]saasconnect.User{}
	rep, err := c.Run(t.Context(), func(u saasconnect.User) error {
		byID[u.ID] = u
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// 2,500 entries, 25 of them computers; page size 1000: three searches.
	if rep.Status != connector.Succeeded || rep.Requests != 3 || rep.Pages != 3 || rep.Seen != 2475 || rep.Kept != 2475 || srv.Searches() != 3 {
		t.Errorf("report %+v (%d searches), want 3 requests and pages, 2475 users", rep, srv.Searches())
	}
	_, guid := ldaptest.ADGUID(4)
	u := byID[guid]
	want := saasconnect.User{ID: guid, Email: "user4@corp.example.com", Name: "Given4 Family4", FirstName: "Given4", LastName: "Family4",
		Status: saasconnect.StatusActive, Department: "Dept4", Title: "Engineer"}
	if u.Email != want.Email || u.Name != want.Name || u.FirstName != want.FirstName || u.LastName != want.LastName || u.Status != want.Status ||
		u.Department != want.Department || u.Title != want.Title || u.Application != "Active Directory" || u.Connector != "ad" {
		t.Errorf("user4 = %+v, want %+v", u, want)
	}
	if !u.LastActivity.Equal(ldapNow.Add(-4*time.Hour)) || u.Activity != saasconnect.ActivityActive {
		t.Errorf("user4 last activity %v (%s), want 4 hours ago, active", u.LastActivity, u.Activity)
	}
	if u.Extra["manager_dn"] != "CN=User 0,OU=Staff,DC=corp,DC=example,DC=com" || u.Extra["employee_id"] != "E000004" || u.Extra["cost_center"] != "CC104" {
		t.Errorf("user4 extra = %v", u.Extra)
	}
	special := func(i int) saasconnect.User {
		_, g := ldaptest.ADGUID(i)
		return byID[g]
	}
	if u := special(ldaptest.ADDisabled); u.Status != saasconnect.StatusInactive {
		t.Errorf("disabled account: status %s, want inactive", u.Status)
	}
	if u := special(ldaptest.ADLocked); u.Status != saasconnect.StatusActive {
		t.Errorf("account with the lockout bit: status %s, want active (AD does not maintain the bit)", u.Status)
	}
	for _, i := range []int{ldaptest.ADNeverLogon, ldaptest.ADNeverSentinel} {
		if u := special(i); u.Activity != saasconnect.ActivityNever || !u.LastActivity.IsZero() {
			t.Errorf("user %d: activity %s at %v, want never", i, u.Activity, u.LastActivity)
		}
	}
	if u := special(ldaptest.ADFutureLogon); !u.LastActivity.Equal(ldapNow.Add(365 * 24 * time.Hour)) {
		t.Errorf("future FILETIME read as %v", u.LastActivity)
	}
	if u := special(ldaptest.ADNonASCII); u.Name != "Zoë Ångström-Øre" || u.Department != "Forschung & Entwicklung" {
		t.Errorf("non-ASCII user: %q, %q", u.Name, u.Department)
	}
	if u := special(ldaptest.ADMultiMail); u.Email != "user45@corp.example.com" {
		t.Errorf("multi-valued mail: email %q, want the first value", u.Email)
	}
	if _, ok := byID[func() string { _, g := ldaptest.ADGUID(ldaptest.ADComputer); return g }()]; ok {
		t.Error("a computer account was listed")
	}
	if rep.Activity.Never != 50 {
		t.Errorf("%d never-active users, want 50", rep.Activity.Never)
	}
}

func TestLDAPFilters(t *testing.T) {
	t.Parallel()
	_, c := adConnector(t, 200, ldaptest.Options{}, func(tmpl *connector.Template, _ connector.Settings) {
		tmpl.Filters = []filter.Condition{
			{Field: "memberOf", Operator: filter.Contains, Value: "CN=SaaS-Users,OU=Groups,DC=corp,DC=example,DC=com"},
			{Field: "userAccountControl", Operator: filter.BitsNone, Value: "0x2"},
		}
	})
	rep, err := c.Run(t.Context(), func(u saasconnect.User) error {
		if u.Status != saasconnect.StatusActive {
			t.Errorf("%s kept with status %s", u.ID, u.Status)
		}
		return nil
	})
	// 198 persons (58 and 158 are computers); the 98 even ones are in SaaS-Users; none of them is disabled (7, 107 are odd).
	if err != nil || rep.Seen != 198 || rep.Kept != 98 || rep.Filtered != 100 {
		t.Errorf("report %+v, error %v; want 198 seen, 98 kept", rep, err)
	}
}

func TestLDAPRawRecords(t *testing.T) {
	t.Parallel()
	_, c := adConnector(t, 3, ldaptest.Options{}, nil, connector.WithRawRecords(true))
	n := 0
	for u, err := range c.Users(t.Context()) {
		if err != nil {
			t.Fatal(err)
		}
		var rec map[string]any
		if err := json.Unmarshal(u.Raw, &rec); err != nil || rec["objectGUID"] != u.ID || rec["dn"] == nil {
			t.Errorf("raw record %s: %v", u.Raw, err)
		}
		n++
	}
	if n != 3 {
		t.Errorf("%d users, want 3", n)
	}
}

func TestLDAPDroppedConnection(t *testing.T) {
	t.Parallel()
	// 250 entries (2 computers) at page size 100, the connection dropped
	// 30 entries into page 3: the page is asked again on a new connection.
	// (The template's page size of 1000 would need ten times the entries,
	// seconds under -race, for the same check.)
	_, c := adConnector(t, 250, ldaptest.Options{DropAfter: 30, DropPage: 3}, func(tmpl *connector.Template, _ connector.Settings) {
		l := *tmpl.LDAP // a copy: the template's Config is shared
		l.PageSize = 100
		tmpl.LDAP = &l
	})
	rep, err := c.Run(t.Context(), func(saasconnect.User) error { return nil })
	if err != nil || rep.Kept != 248 || rep.Retries != 1 || rep.Requests != 4 || rep.Pages != 3 {
		t.Errorf("report %+v, error %v; want 248 users, 3 pages, 1 retry, 4 requests", rep, err)
	}
}

func TestLDAPTest(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts ldaptest.Options
		edit func(*connector.Template, connector.Settings)
		want connector.Problem // "" = nil error
	}{
		{"ok", ldaptest.Options{}, nil, ""},
		{"cannot connect", ldaptest.Options{}, func(_ *connector.Template, s connector.Settings) { s["port"] = "1" }, connector.ProblemURL},
		{"unknown CA", ldaptest.Options{}, func(_ *connector.Template, s connector.Settings) { delete(s, connector.CAFileSetting) }, connector.ProblemTLS},
		{"invalid credentials", ldaptest.Options{}, func(_ *connector.Template, s connector.Settings) { s["password"] = "Wr0ng-Password" }, connector.ProblemCredentials},
		{"bind rejected", ldaptest.Options{RejectBind: true}, nil, connector.ProblemCredentials},
		{"base DN not found", ldaptest.Options{}, func(_ *connector.Template, s connector.Settings) { s["base_dn"] = "OU=Gone,DC=other,DC=org" }, connector.ProblemBaseDN},
		{"no entries", ldaptest.Options{}, func(_ *connector.Template, s connector.Settings) {
			s["base_dn"] = "OU=Computers,DC=corp,DC=example,DC=com"
		}, connector.ProblemNoEntries},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, c := adConnector(t, 60, tc.opts, tc.edit)
			err := c.Test(t.Context())
			var te *connector.TestError
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("Test: %v", err)
			case tc.want != "" && (!errors.As(err, &te) || te.Problem != tc.want):
				t.Errorf("Test: %v, want problem %s", err, tc.want)
			}
			if err != nil && (strings.Contains(err.Error(), ldapPassword) || strings.Contains(err.Error(), "Wr0ng-Password")) {
				t.Errorf("error holds the password: %v", err)
			}
			if tc.want == connector.ProblemTLS && !strings.Contains(err.Error(), "ca_file") {
				t.Errorf("TLS hint does not name ca_file: %v", err)
			}
		})
	}
}

func TestLDAPTemplateValidation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		edit func(*connector.Template)
		want []string // paths in the error
	}{
		{"request", func(tm *connector.Template) { tm.Request.UsersURL = "https://x.example.com/users" }, []string{"request:"}},
		{"auth", func(tm *connector.Template) { tm.Auth.Method = connector.AuthBasic }, []string{"auth.method"}},
		{"records_path", func(tm *connector.Template) { tm.Response.RecordsPath = "value" }, []string{"response.records_path"}},
		{"no block", func(tm *connector.Template) { tm.LDAP = nil }, []string{"ldap: missing"}},
		{"unknown source", func(tm *connector.Template) { tm.Source = "ftp" }, []string{"source", "request.users_url"}},
		{"bad url and filter", func(tm *connector.Template) {
			l := *tm.LDAP
			l.URL, l.Filter = "https://{host}", "(objectClass=user"
			tm.LDAP = &l
		}, []string{"ldap.url", "ldap.filter"}},
		{"unknown placeholder", func(tm *connector.Template) {
			l := *tm.LDAP
			l.BaseDN = "{base}"
			tm.LDAP = &l
		}, []string{"ldap.base_dn: placeholder {base}"}},
		{"password setting not secret", func(tm *connector.Template) {
			l := *tm.LDAP
			l.BindPassword = "{bind_dn}"
			tm.LDAP = &l
		}, []string{"ldap.bind_password: setting \"bind_dn\""}},
		{"secret outside bind_password", func(tm *connector.Template) {
			l := *tm.LDAP
			l.BindDN = "{password}"
			tm.LDAP = &l
		}, []string{"ldap.bind_dn: setting \"password\" is secret"}},
		{"bad status rule", func(tm *connector.Template) {
			tm.Response.StatusValues = map[string]string{"bits_any:zz": "inactive"}
		}, []string{`response.status_values["bits_any:zz"]`}},
	}
	for _, tc := range tests {
		tmpl, err := vendors.Get("active-directory")
		if err != nil {
			t.Fatal(err)
		}
		tc.edit(&tmpl)
		err = tmpl.Validate()
		for _, w := range tc.want {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("%s: Validate() = %v, want %q", tc.name, err, w)
			}
		}
	}
	// An http template may not carry an ldap block.
	tmpl, _ := vendors.Get("okta")
	a, _ := vendors.Get("active-directory")
	tmpl.LDAP = a.LDAP
	if err := tmpl.Validate(); err == nil || !strings.Contains(err.Error(), `ldap: needs "source": "ldap"`) {
		t.Errorf("http template with an ldap block: %v", err)
	}
}

func TestLDAPParseTemplate(t *testing.T) {
	t.Parallel()
	_, err := connector.ParseTemplate([]byte(`{"version":1,"source":"ldap","ldap":{"url":"ldaps://h","base_dn":"DC=x","pagesize":5},"response":{"fields":{"id":"dn"}}}`))
	if err == nil || !strings.Contains(err.Error(), "ldap.pagesize") {
		t.Errorf("unknown key in the ldap block: %v", err)
	}
}

func adConnectorB(b *testing.B, n int) (*ldaptest.Server, *connector.Connector) {
	return adConnector(b, n, ldaptest.Options{}, nil)
}
