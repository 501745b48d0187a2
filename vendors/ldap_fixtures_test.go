package vendors

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/saasconnect/saasconnect"
	"github.com/saasconnect/saasconnect/connector"
	"github.com/saasconnect/saasconnect/connector/connectortest"
	"github.com/saasconnect/saasconnect/internal/ldaptest"
)

// LDAP templates cannot replay HTTP exchanges: their fixtures are
// testdata/<slug>/users.ldif (the directory's entries, in LDIF, whose
// leading comment cites where their shape comes from), settings.json (the
// settings besides host, port and password) and want.json (the users,
// rewritten by -update). replayLDAP serves the LDIF from an in-process
// directory on loopback, over ldaps or StartTLS as the template asks, with
// a private CA given as ca_file, and a MaxPageSize of 2 so that the
// connector walks several pages with the paging cookie.

// ldapFixtureNow is the clock of the LDAP fixtures (their logons are
// around it).
var ldapFixtureNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

const (
	ldapFixturePassword = "fixture-Passw0rd"
	ldapFixturePageSize = 2
)

// replayLDAP runs tmpl against its LDIF fixture and compares the users with
// want.json; it returns the run's report.
func replayLDAP(t *testing.T, tmpl connector.Template) connector.Report {
	t.Helper()
	dir := filepath.Join("testdata", tmpl.Slug)
	entries, err := ldaptest.ReadLDIF(filepath.Join(dir, "users.ldif"))
	if err != nil {
		t.Fatal(err)
	}
	settings := connector.Settings{}
	data, err := os.ReadFile(filepath.Join(dir, "settings.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &settings); err != nil {
		t.Fatalf("%s/settings.json: %v", dir, err)
	}
	certs, caPEM := ldaptest.Certificate(t)
	opts := ldaptest.Options{
		Suffix: suffixOf(settings["base_dn"]), BindDN: settings["bind_dn"], Password: ldapFixturePassword,
		MaxPageSize: ldapFixturePageSize,
	}
	if strings.HasPrefix(tmpl.LDAP.URL, "ldaps:") {
		opts.TLS = certs
	} else {
		opts.StartTLS = certs
	}
	srv := ldaptest.Start(t, entries, opts)
	host, port, _ := strings.Cut(srv.Host(), ":")
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, caPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	settings["host"], settings["port"], settings["password"], settings[connector.CAFileSetting] = host, port, ldapFixturePassword, caFile

	c, err := connector.New(tmpl, tmpl.Slug, settings,
		connector.WithClock(func() time.Time { return ldapFixtureNow }),
		connector.WithRetry(connector.RetryPolicy{MinWait: time.Millisecond}))
	if err != nil {
		t.Fatalf("connector.New: %v", err)
	}
	var got []saasconnect.User
	rep, err := c.Run(t.Context(), func(u saasconnect.User) error {
		got = append(got, u)
		return nil
	})
	if err != nil || rep.Status != connector.Succeeded {
		t.Fatalf("Run: status %s, error %v", rep.Status, err)
	}
	if want := (len(entries) + ldapFixturePageSize - 1) / ldapFixturePageSize; rep.Requests > want+1 || rep.Pages != rep.Requests || srv.Searches() != rep.Requests {
		t.Errorf("%d requests, %d pages, %d searches for %d entries at %d per page", rep.Requests, rep.Pages, srv.Searches(), len(entries), ldapFixturePageSize)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(got); err != nil {
		t.Fatal(err)
	}
	wantPath := filepath.Join(dir, "want.json")
	if connectortest.Updating() {
		if err := os.WriteFile(wantPath, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("rewrote %s (%d users)", wantPath, len(got))
		return rep
	}
	wantData, err := os.ReadFile(wantPath)
	if err != nil {
		t.Fatalf("%v (run with -update to write it)", err)
	}
	var want, gotAny any
	if err := json.Unmarshal(wantData, &want); err != nil {
		t.Fatalf("%s: %v", wantPath, err)
	}
	_ = json.Unmarshal(buf.Bytes(), &gotAny)
	if diff := cmp.Diff(want, gotAny); diff != "" {
		t.Errorf("users mismatch (-want +got):\n%s", diff)
	}
	return rep
}

// suffixOf returns the DC= part of a DN: the directory's naming context.
func suffixOf(dn string) string {
	parts := strings.Split(dn, ",")
	for i, p := range parts {
		if strings.HasPrefix(strings.ToLower(strings.TrimSpace(p)), "dc=") {
			return strings.Join(parts[i:], ",")
		}
	}
	return dn
}

// checkLDAPProvenance is TestFixtureProvenance for an LDAP template: the
// LDIF's comment cites a source, the run walks two or more pages, and where
// the template reports activity some user was never active.
func checkLDAPProvenance(t *testing.T, tmpl connector.Template) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", tmpl.Slug, "users.ldif"))
	if err != nil {
		t.Fatal(err)
	}
	comment, _, _ := strings.Cut(string(data), "\ndn:")
	if !strings.Contains(comment, "https://") {
		t.Errorf("testdata/%s/users.ldif: the comment cites no source", tmpl.Slug)
	}
	rep := replayLDAP(t, tmpl)
	if rep.Pages < 2 {
		t.Errorf("testdata/%s walks %s page(s), want two or more", tmpl.Slug, strconv.Itoa(rep.Pages))
	}
	if tmpl.Activity.LastActivityField != "" && rep.Activity.Never == 0 {
		t.Errorf("testdata/%s reports last activity but no user was never active", tmpl.Slug)
	}
}
